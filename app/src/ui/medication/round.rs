//! The medication round (`/distribution`): a unit's persons for one slot,
//! present or not, each with photo, birth date and allergies, and the doses
//! due; one tap when a dose is given, a reason when it is not, a person's
//! whole slot in one confirmed gesture. Every outcome goes through the one
//! offline outbox; the round read last stays in the page, with its age,
//! when the network drops. Also the nurse's overview of the day
//! (`/distribution/jour`) and the late doses of the home page.

use crate::error::AppError;
use crate::medication::prescription::{Outcome, Slot};
use crate::medication::{
    get_dose_round, rounds_of_the_day, AsNeededDose, CloseDoseRound, DoseInput, DoseNotice,
    DosePerson, DoseRound, RecordDose, RoundDose,
};
use crate::ui::soins::round::initials;
use crate::ui::soins::{options, AllergyBand};
use crate::ui::{error_view, ErrorNotice, Layout};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;
use uuid::Uuid;

/// What the page knows of a dose it sent, before the round is read again.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum Local {
    Sending,
    /// The server wrote it (or another tablet had).
    Recorded {
        summary: String,
        by_another: bool,
    },
    /// No network: kept in the outbox under `key`, sent when it returns.
    Waiting {
        key: String,
        label: String,
        kept: Option<crate::ui::outbox::Kept>,
    },
    /// Refused for good (rights, limits): nothing was written.
    Refused(AppError),
}

/// A dose of the round: its line and when it is due (`""` for si-besoin).
type DoseKey = (Uuid, String);

/// The doses this page sent, shared by its cards.
#[derive(Clone, Copy)]
struct Sent(RwSignal<HashMap<DoseKey, Local>>);

impl Sent {
    fn of(self, key: &DoseKey) -> Option<Local> {
        self.0.with(|m| m.get(key).cloned())
    }
}

thread_local! {
    /// The latest round read in this page, per unit, slot and day: shown
    /// with its age when the network is gone. Filled in the browser only.
    static COPIES: std::cell::RefCell<HashMap<String, DoseRound>> =
        std::cell::RefCell::new(HashMap::new());
}

fn copy_key(unit: Option<Uuid>, slot: &str, day: &str) -> String {
    format!(
        "{}|{slot}|{day}",
        unit.map(|u| u.to_string()).unwrap_or_default()
    )
}

/// Minutes since the server answered `read_at` (RFC 3339), in the browser
/// (its own clock, without a time zone table).
fn age_minutes(read_at: &str) -> i64 {
    #[cfg(feature = "hydrate")]
    {
        let then = js_sys::Date::parse(read_at);
        if then.is_nan() {
            return 0;
        }
        ((js_sys::Date::now() - then) / 60_000.0).max(0.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = read_at;
        0
    }
}

/// `/distribution?unite=…&moment=…&jour=…`.
#[component]
pub fn DistributionPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let params = (
        q.get("unite").and_then(|u| Uuid::parse_str(&u).ok()),
        q.get("moment").unwrap_or_default(),
        q.get("jour").unwrap_or_default(),
    );
    drop(q);
    let key = StoredValue::new(copy_key(params.0, &params.1, &params.2));
    let changed = RwSignal::new(0u32);
    let sent = Sent(RwSignal::new(HashMap::new()));
    // The round, or the copy kept in the page when the network is gone.
    let round = Resource::new(
        move || changed.get(),
        move |_| {
            let (unit, slot, day) = params.clone();
            async move {
                let key = copy_key(unit, &slot, &day);
                match get_dose_round(unit, slot, day).await {
                    Ok(r) => Ok((r, false)),
                    Err(e @ AppError::Transport { .. }) => {
                        match COPIES.with_borrow(|c| c.get(&key).cloned()) {
                            Some(r) => Ok((r, true)),
                            None => Err(e),
                        }
                    }
                    Err(e) => Err(e),
                }
            }
        },
    );
    view! {
        <Title text="Distribution des médicaments"/>
        <Layout>
            <div class="page round">
                <h1>"Distribution des médicaments"</h1>
                <p><a href="/distribution/jour">"Toutes les distributions du jour"</a></p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match round.await {
                            Ok((r, copy)) => {
                                // Kept in the browser too (a round rendered on
                                // the server arrives without its fetch).
                                // Never on the server: it would hold every
                                // caller's rounds.
                                #[cfg(feature = "hydrate")]
                                if !copy {
                                    COPIES.with_borrow_mut(|c| c.insert(key.get_value(), r.clone()));
                                }
                                #[cfg(not(feature = "hydrate"))]
                                let _ = key;
                                view! { <RoundView round=r copy sent changed/> }.into_any()
                            }
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
fn RoundView(round: DoseRound, copy: bool, sent: Sent, changed: RwSignal<u32>) -> impl IntoView {
    let unit = round.unit_id;
    let keys: Vec<(DoseKey, bool)> = round
        .persons
        .iter()
        .flat_map(|p| &p.doses)
        .map(|d| ((d.line_id, d.due.clone()), d.outcome.is_some()))
        .collect();
    let due = keys.len();
    // Doses with an outcome: the server's, and those this page sent since.
    let done = move || {
        keys.iter()
            .filter(|(k, on_server)| {
                *on_server
                    || matches!(
                        sent.of(k),
                        Some(Local::Recorded { .. } | Local::Waiting { .. })
                    )
            })
            .count()
    };
    let done = Memo::new(move |_| done());
    let close = ServerAction::<CloseDoseRound>::new();
    Effect::new(move |_| {
        if close.value().get().is_some_and(|r| r.is_ok()) {
            changed.update(|n| *n += 1);
        }
    });
    let close_error = move || close.value().get().and_then(|r| r.err());
    let age = copy.then(|| {
        let minutes = age_minutes(&round.read_at);
        format!(
            "Pas de réseau : copie de {} (il y a {} min), gardée dans cette page. Les prises notées partiront au retour du réseau.",
            round.read_at_time,
            minutes
        )
    });
    let nurse = round.nurse;
    let may_write = round.may_write;
    view! {
        <form method="get" action="/distribution" class="form-inline round-choice">
            <div class="field"><label for="d-unite">"Unité"</label>
                <select id="d-unite" name="unite">
                    {round.units.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=*id == unit>{name.clone()}</option>
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="d-moment">"Moment"</label>
                <select id="d-moment" name="moment">
                    {Slot::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=s.code() == round.slot>{s.label()}</option>
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="d-jour">"Jour"</label>
                <input id="d-jour" name="jour" type="date" value=round.day.clone()/></div>
            <button type="submit" class="button">"Afficher"</button>
        </form>
        <h2 data-testid="distribution-titre">{format!("{} — {}", round.unit, round.title)}</h2>
        // Reads the round again; without JavaScript, the same page.
        <form method="get" action="/distribution" class="form-inline"
            on:submit=move |ev| { ev.prevent_default(); changed.update(|n| *n += 1); }>
            <input type="hidden" name="unite" value=unit.to_string()/>
            <input type="hidden" name="moment" value=round.slot.clone()/>
            <input type="hidden" name="jour" value=round.day.clone()/>
            <button type="submit" class="button">"Actualiser"</button>
        </form>
        {age.map(|a| view! { <p class="notice notice-warning" role="status" data-testid="distribution-copie">{a}</p> })}
        <div class="round-progress">
            <label for="d-progression">"Avancement"</label>
            <progress id="d-progression" max=due.max(1) value=move || done.get()></progress>
            <p role="status" data-testid="distribution-avancement">{move || format!("{} prise(s) notée(s) sur {due}", done.get())}</p>
        </div>
        {round.closed.clone().map(|c| view! { <p class="notice notice-info" data-testid="distribution-cloturee">{c}</p> })}
        {round.persons.is_empty().then(|| view! { <p class="muted">"Aucune prise prévue à ce moment dans cette unité."</p> })}
        <ul class="round-persons">
            {round.persons.into_iter().map(|p| view! {
                <PersonCard person=p day=round.day.clone() may_write nurse sent changed/>
            }).collect_view()}
        </ul>
        {(may_write && round.closed.is_none() && due > 0).then(|| view! {
            <ActionForm action=close attr:class="form-inline" attr:data-testid="distribution-cloturer">
                <input type="hidden" name="unit" value=unit.to_string()/>
                <input type="hidden" name="slot" value=round.slot.clone()/>
                <input type="hidden" name="day" value=round.day.clone()/>
                <button type="submit" class="button">"Clôturer la distribution"</button>
            </ActionForm>
            {move || close_error().map(|e| view! { <ErrorNotice error=e/> })}
        })}
    }
}

/// Sends one outcome: kept in the outbox first, then sent; the answer
/// decides what the page shows.
fn send_dose(sent: Sent, usager_id: Uuid, usager: String, input: DoseInput) {
    let key = (input.line_id, input.due.clone());
    sent.0.update(|m| {
        m.insert(key.clone(), Local::Sending);
    });
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::ui::outbox::{self, Pending, Write};
        let kept = match crate::ui::signed_in_account() {
            Some(account) => Some(
                outbox::put(Pending::new(
                    account,
                    usager_id,
                    usager,
                    Write::Dose(input.clone()),
                ))
                .await,
            ),
            None => None,
        };
        let id = input.id.to_string();
        let local = match crate::medication::record_dose(usager_id, input.clone()).await {
            Ok(r) => {
                outbox::remove(&id);
                Local::Recorded {
                    summary: r.summary,
                    by_another: r.by_another,
                }
            }
            Err(AppError::Transport { .. }) => {
                if let Some(changed) = use_context::<outbox::OutboxChanged>() {
                    changed.0.update(|n| *n += 1);
                }
                Local::Waiting {
                    key: id,
                    label: Outcome::label_of(&input.outcome),
                    kept,
                }
            }
            Err(e) => {
                outbox::remove(&id);
                Local::Refused(e)
            }
        };
        sent.0.update(|m| {
            m.insert(key, local);
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (usager_id, usager);
}

#[component]
fn PersonCard(
    person: DosePerson,
    day: String,
    may_write: bool,
    nurse: bool,
    sent: Sent,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let DosePerson {
        usager_id,
        name,
        birth_date,
        photo,
        allergies,
        absence,
        doses,
        as_needed,
    } = person;
    let heading = format!("distribution-{usager_id}");
    let label_id = heading.clone();
    let absent = absence.is_some();
    let one_tap = if nurse {
        Outcome::Donne
    } else {
        Outcome::AidePrise
    };
    // The doses still open that this viewer may record, for the whole-slot
    // gestures.
    let open: Vec<RoundDose> = doses
        .iter()
        .filter(|d| d.outcome.is_none() && d.may_give)
        .cloned()
        .collect();
    let open = StoredValue::new(open);
    let still_open = move || {
        open.with_value(|o| {
            o.iter()
                .filter(|d| sent.of(&(d.line_id, d.due.clone())).is_none())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let usager = StoredValue::new(name.clone());
    let day = StoredValue::new(day);
    let absence_reason = absence
        .clone()
        .unwrap_or_else(|| "Absent(e) lors de la distribution".into());
    let absence_reason = StoredValue::new(absence_reason);
    let all = move |outcome: Outcome| {
        for d in still_open() {
            let reason = if outcome.taken() {
                String::new()
            } else {
                absence_reason.get_value()
            };
            send_dose(
                sent,
                usager_id,
                usager.get_value(),
                DoseInput {
                    id: Uuid::new_v4(),
                    line_id: d.line_id,
                    day: day.get_value(),
                    due: d.due.clone(),
                    outcome: outcome.code().into(),
                    reason,
                    comment: String::new(),
                },
            );
        }
    };
    view! {
        <li class="round-person card" class:absent=absent data-testid="distribution-personne" aria-labelledby=label_id>
            <div class="round-person-head">
                {match photo {
                    Some(photo) => view! { <img class="avatar photo" src=format!("/documents/{photo}") alt=format!("Photo de {name}") width="56" height="56"/> }.into_any(),
                    None => view! { <span class="avatar" aria-hidden="true">{initials(&name)}</span> }.into_any(),
                }}
                <div>
                    <h3 id=heading><a href=format!("/usagers/{usager_id}/soins")>{name.clone()}</a></h3>
                    <p class="muted">{format!("Né(e) le {birth_date}")}</p>
                </div>
            </div>
            <AllergyBand allergies/>
            {absence.map(|a| view! { <p class="notice notice-info" data-testid="absence">{a}</p> })}
            {doses.is_empty().then(|| view! { <p class="muted">"Pas de prise prévue à ce moment."</p> })}
            <ul class="round-tasks">
                {doses.into_iter().map(|d| view! {
                    <DoseItem usager_id usager=usager.get_value() day=day.get_value() dose=d may_write one_tap sent changed/>
                }).collect_view()}
            </ul>
            {(!as_needed.is_empty()).then(|| view! {
                <h4>"Si besoin"</h4>
                <ul class="round-tasks">
                    {as_needed.into_iter().map(|d| view! {
                        <AsNeededItem usager_id usager=usager.get_value() day=day.get_value() dose=d may_write one_tap sent changed/>
                    }).collect_view()}
                </ul>
            })}
            {move || {
                let n = still_open().len();
                (may_write && n > 1 && !absent).then(|| view! {
                    <details class="edit" data-testid="tout-donner">
                        <summary>{format!("{} : tout noter ({n})", one_tap.label())}</summary>
                        <p>{format!("Noter les {n} prises de {} : {}.", usager.get_value(), one_tap.label().to_lowercase())}</p>
                        <button type="button" class="button button-primary" on:click=move |_| all(one_tap)>"Confirmer"</button>
                    </details>
                })
            }}
            {move || {
                let n = still_open().len();
                (may_write && n > 0 && absent).then(|| view! {
                    <details class="edit" data-testid="tout-absent">
                        <summary>{format!("Absent(e) : marquer ses {n} prise(s)")}</summary>
                        <p>{format!("Noter les {n} prises de {} : absent(e).", usager.get_value())}</p>
                        <button type="button" class="button button-primary" on:click=move |_| all(Outcome::Absent)>"Confirmer"</button>
                    </details>
                })
            }}
        </li>
    }
}

/// The outcome shown for a dose: what the page sent, else the server's.
fn local_view(local: Option<Local>, may_give: bool) -> Option<AnyView> {
    Some(match local? {
        Local::Sending => view! { <p class="outcome muted" role="status">"Envoi…"</p> }.into_any(),
        Local::Recorded { summary, by_another } => view! {
            <p class="outcome" role="status">
                {by_another.then_some("Déjà noté depuis une autre tablette : ")}{summary}
            </p>
        }
        .into_any(),
        Local::Waiting { label, kept, .. } => view! {
            <p class="outcome" role="status">{format!("{label} (en attente d’envoi)")}</p>
            <p class="notice notice-warning" role="status">{match kept {
                Some(crate::ui::outbox::Kept::Sealed) => "Pas de réseau : gardé sur cette tablette, chiffré ; partira au retour du réseau.",
                _ => "Pas de réseau : gardé dans cette page. Ne la fermez pas avant l’envoi.",
            }}</p>
        }
        .into_any(),
        Local::Refused(AppError::Forbidden) if !may_give => view! {
            <p class="notice notice-error" role="alert" data-testid="prise-refusee">
                "Réservée à l’infirmier ou au médecin : le serveur a refusé, cette prise n’a pas été notée."
            </p>
        }
        .into_any(),
        Local::Refused(e) => view! { <ErrorNotice error=e/> }.into_any(),
    })
}

/// Whether the page may still offer the outcome buttons.
fn open_locally(local: &Option<Local>) -> bool {
    matches!(local, None | Some(Local::Refused(_)))
}

#[component]
fn OutcomeForms(
    usager_id: Uuid,
    usager: String,
    day: String,
    line_id: Uuid,
    due: String,
    one_tap: Outcome,
    sent: Sent,
) -> impl IntoView {
    let usager = StoredValue::new(usager);
    // Without JavaScript the forms post to the server function itself.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData as _;
        let Ok(args) = RecordDose::from_event(&ev) else {
            return;
        };
        ev.prevent_default();
        send_dose(
            sent,
            usager_id,
            usager.get_value(),
            DoseInput {
                id: Uuid::new_v4(),
                ..args.input
            },
        );
    };
    let form_id = format!("p-{}-{}", line_id.simple(), due.replace(':', ""));
    let hidden = move |outcome: Option<Outcome>| {
        view! {
            <input type="hidden" name="id" value=usager_id.to_string()/>
            <input type="hidden" name="input[id]" value=Uuid::new_v4().to_string()/>
            <input type="hidden" name="input[line_id]" value=line_id.to_string()/>
            <input type="hidden" name="input[day]" value=day.clone()/>
            <input type="hidden" name="input[due]" value=due.clone()/>
            {outcome.map(|o| view! {
                <input type="hidden" name="input[outcome]" value=o.code()/>
                <input type="hidden" name="input[reason]" value=""/>
                <input type="hidden" name="input[comment]" value=""/>
            })}
        }
    };
    let hidden = StoredValue::new(hidden);
    let others = if one_tap == Outcome::Donne {
        &Outcome::LIST[1..]
    } else {
        OTHERS_THAN_AIDE
    };
    view! {
        <div class="round-actions">
            <form method="post" action="/api/prise_noter" on:submit=submit>
                {hidden.with_value(|h| h(Some(one_tap)))}
                <button type="submit" class="button button-primary">{one_tap.label()}</button>
            </form>
            <details class="edit">
                <summary>"Autre issue"</summary>
                <form method="post" action="/api/prise_noter" class="form-grid" on:submit=submit>
                    {hidden.with_value(|h| h(None))}
                    <div class="field"><label for=format!("{form_id}-o")>"Issue"</label>
                        <select id=format!("{form_id}-o") name="input[outcome]">{options(others)}</select></div>
                    <div class="field"><label for=format!("{form_id}-r")>"Motif (obligatoire si non pris)"</label>
                        <input id=format!("{form_id}-r") name="input[reason]" type="text" maxlength="500"/></div>
                    <div class="field"><label for=format!("{form_id}-c")>"Commentaire"</label>
                        <input id=format!("{form_id}-c") name="input[comment]" type="text" maxlength="500"/></div>
                    <button type="submit" class="button">"Noter"</button>
                </form>
            </details>
        </div>
    }
}

/// The outcomes other than "aide à la prise", for a viewer without nursing
/// rights ("donné" is the nurse's act).
const OTHERS_THAN_AIDE: &[(&str, &str)] = &[
    ("refuse", "Refusé"),
    ("recrache", "Recraché / vomi"),
    ("absent", "Absent"),
    ("non_disponible", "Non disponible"),
    ("reporte", "Reporté"),
];

/// Reloads the round once a dose that waited in the outbox has been sent.
fn reload_when_sent(sent: Sent, key: DoseKey, changed: RwSignal<u32>) {
    let watched = key.clone();
    crate::ui::outbox::when_sent(
        move || match sent.of(&watched) {
            Some(Local::Waiting { key, .. }) => Some(key),
            _ => None,
        },
        move || {
            // What the server now has replaces what the page kept.
            sent.0.update(|m| {
                m.remove(&key);
            });
            changed.update(|n| *n += 1);
        },
    );
}

#[component]
fn DoseItem(
    usager_id: Uuid,
    usager: String,
    day: String,
    dose: RoundDose,
    may_write: bool,
    one_tap: Outcome,
    sent: Sent,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let key: DoseKey = (dose.line_id, dose.due.clone());
    reload_when_sent(sent, key.clone(), changed);
    let recorded = dose.outcome.is_some();
    let k = key.clone();
    // Once the server has an outcome, it is the one shown.
    let local = Memo::new(move |_| if recorded { None } else { sent.of(&k) });
    let may_give = dose.may_give;
    let late = dose.late && !recorded;
    let RoundDose {
        line_id,
        drug,
        dose: amount,
        instructions,
        due,
        time,
        high_risk,
        summary,
        ..
    } = dose;
    view! {
        <li class="round-task" class:late=move || late && local.get().is_none()
            class:done=move || recorded || matches!(local.get(), Some(Local::Recorded { .. }))
            data-testid="distribution-prise">
            <p>
                <strong>{time}</strong>" "{drug}" — "{amount}
                {move || (late && local.get().is_none()).then(|| view! { <span class="badge badge-danger">" En retard"</span> })}
            </p>
            {high_risk.then(|| view! { <p><span class="badge badge-danger">"À risque"</span></p> })}
            {(!may_give).then(|| view! { <p><span class="badge">"Réservée à l’infirmier ou au médecin"</span></p> })}
            {instructions.map(|i| view! { <p class="muted">{format!("Consignes : {i}")}</p> })}
            {summary.map(|s| view! { <p class="outcome" role="status">{s}</p> })}
            {move || local_view(local.get(), may_give)}
            {move || (may_write && !recorded && open_locally(&local.get())).then(|| view! {
                <OutcomeForms usager_id usager=usager.clone() day=day.clone() line_id due=due.clone() one_tap sent/>
            })}
        </li>
    }
}

#[component]
fn AsNeededItem(
    usager_id: Uuid,
    usager: String,
    day: String,
    dose: AsNeededDose,
    may_write: bool,
    one_tap: Outcome,
    sent: Sent,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let key: DoseKey = (dose.line_id, String::new());
    reload_when_sent(sent, key.clone(), changed);
    let local = Memo::new(move |_| sent.of(&key));
    let AsNeededDose {
        line_id,
        drug,
        dose: amount,
        schedule,
        last,
        may_give,
    } = dose;
    view! {
        <li class="round-task" data-testid="distribution-si-besoin">
            <p><strong>{drug}</strong>" — "{amount}</p>
            <p class="muted">{schedule}</p>
            {last.map(|l| view! { <p class="muted">{l}</p> })}
            {(!may_give).then(|| view! { <p><span class="badge">"Réservée à l’infirmier ou au médecin"</span></p> })}
            {move || local_view(local.get(), may_give)}
            {move || (may_write && open_locally(&local.get())).then(|| view! {
                <details class="edit">
                    <summary>"Donner maintenant"</summary>
                    <OutcomeForms usager_id usager=usager.clone() day=day.clone() line_id due=String::new() one_tap sent/>
                </details>
            })}
        </li>
    }
}

/// Doses without outcome an hour after they were due, on the home page.
pub fn late_doses_panel(list: Vec<DoseNotice>) -> impl IntoView {
    (!list.is_empty()).then(|| view! {
        <section class="notice notice-warning" aria-labelledby="titre-prises-retard" data-testid="prises-en-retard">
            <h2 id="titre-prises-retard">"Prises de médicaments en retard"</h2>
            <ul>
                {list.into_iter().map(|l| view! {
                    <li><a href=format!("/usagers/{}/soins", l.usager_id)><strong>{l.usager}</strong></a>
                        {format!(" — {} ({})", l.drug, l.when)}</li>
                }).collect_view()}
            </ul>
            <p><a href="/distribution">"Ouvrir la distribution des médicaments"</a></p>
        </section>
    })
}

fn notices(list: Vec<DoseNotice>, testid: &'static str, empty: &'static str) -> AnyView {
    if list.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="notes" data-testid=testid>
            {list.into_iter().map(|n| view! {
                <li class="note">
                    <p><a href=format!("/usagers/{}/soins", n.usager_id)><strong>{n.usager}</strong></a>
                        {format!(" — {} ({})", n.drug, n.when)}</p>
                    <p>{n.what}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/distribution/jour`: the nurse's overview of today's rounds.
#[component]
pub fn DayOverviewPage() -> impl IntoView {
    let day = Resource::new(|| (), |_| rounds_of_the_day());
    view! {
        <Title text="Distributions du jour"/>
        <Layout>
            <div class="page">
                <h1>"Distributions du jour"</h1>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match day.await {
                            Ok(d) => view! {
                                <p>{d.day.clone()}</p>
                                <table class="table" data-testid="distributions-jour">
                                    <thead><tr>
                                        <th scope="col">"Unité"</th><th scope="col">"Moment"</th>
                                        <th scope="col">"Notées"</th><th scope="col">"En retard"</th>
                                        <th scope="col">"Non prises"</th><th scope="col">"Clôturée"</th>
                                    </tr></thead>
                                    <tbody>
                                        {d.rounds.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{r.unit.clone()}</td>
                                                <td><a href=format!("/distribution?unite={}&moment={}", r.unit_id, r.slot)>{Slot::label_of(&r.slot)}</a></td>
                                                <td>{format!("{} sur {}", r.done, r.due)}</td>
                                                <td>{r.late}</td>
                                                <td>{r.not_taken}</td>
                                                <td>{if r.closed { "Oui" } else { "Non" }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <h2>"Prises en retard"</h2>
                                {notices(d.late, "jour-retards", "Aucune prise en retard.")}
                                <h2>"Prises non données"</h2>
                                {notices(d.not_taken, "jour-non-prises", "Aucun refus ni oubli aujourd’hui.")}
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

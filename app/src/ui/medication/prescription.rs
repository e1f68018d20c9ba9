//! `/usagers/:id/soins/prescription`: a nurse or a doctor enters the paper
//! prescription — prescriber, date, the scan among the record's documents,
//! then its lines: the drug searched as one types in the BDPM, or read from
//! the box by a hand-held scanner (CIP13 or GS1 DataMatrix), or typed as a
//! preparation outside the BDPM; dose, route, schedule or si-besoin
//! limits, aide à la prise and high risk. A line matching an allergy needs
//! an explicit confirmation. With `?modifier=<line>`, one line is changed:
//! the old one stops with the reason, the new one names it.
//!
//! The server checks everything again (`prescription::check_line`) and
//! says what is wrong in French; every key is chosen here, so that a send
//! repeated after a dropped network writes once.

use super::super::{error_view, ErrorNotice, Layout};
use crate::error::AppError;
use crate::medication::prescription::{DoseUnit, Recurrence, Route, Slot, WEEKDAYS};
use crate::medication::{
    add_prescription, change_line, drug_by_code, get_treatments, search_drugs, LineInput,
    PrescriptionInput, Treatments, SEARCH_MIN,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

/// A fresh line: a daily tablet by mouth, aide à la prise allowed.
fn blank_line() -> LineInput {
    LineInput {
        id: Uuid::new_v4(),
        unit: DoseUnit::Comprime.code().into(),
        route: Route::Orale.code().into(),
        recurrence: Recurrence::TousLesJours.code().into(),
        aide_prise: true,
        ..Default::default()
    }
}

/// One line of the form, with its own search.
#[derive(Clone, Copy)]
struct Draft {
    key: usize,
    line: RwSignal<LineInput>,
}

#[component]
pub fn PrescriptionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
            .unwrap_or_default()
    });
    let changing = Memo::new(move |_| {
        query
            .read()
            .get("modifier")
            .and_then(|s| Uuid::parse_str(&s).ok())
    });
    let treatments = Resource::new(move || id.get(), get_treatments);
    view! {
        <Title text=move || if changing.get().is_some() { "Modifier une ligne de traitement" } else { "Nouvelle prescription" }/>
        <Layout>
            <div class="page">
                <p><a href=move || format!("/usagers/{}/soins", id.get())>"← Retour aux soins du dossier"</a></p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match treatments.await {
                            Ok(t) if !t.may_write => view! {
                                <h1>"Prescription"</h1>
                                <p class="notice notice-warning">"Seuls l’infirmier et le médecin saisissent les prescriptions."</p>
                            }.into_any(),
                            Ok(t) => match changing.get() {
                                Some(line) => view! { <ChangeForm id=id.get() line t/> }.into_any(),
                                None => view! { <NewPrescription id=id.get()/> }.into_any(),
                            },
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

/// What a send answered: the allergy to confirm, or another refusal.
fn allergy_of(e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid { field, reason } if field == "allergies" => Some(reason.clone()),
        _ => None,
    }
}

#[component]
fn NewPrescription(id: Uuid) -> impl IntoView {
    let key = StoredValue::new(Uuid::new_v4());
    let prescriber = RwSignal::new(String::new());
    let rpps = RwSignal::new(String::new());
    let prescribed_on = RwSignal::new(String::new());
    let document = RwSignal::new(String::new());
    let next = StoredValue::new(1usize);
    let drafts = RwSignal::new(vec![Draft {
        key: 0,
        line: RwSignal::new(blank_line()),
    }]);
    let scans = Resource::new(move || id, crate::document::list_documents);
    let send = Action::new(move |confirm: &bool| {
        let input = PrescriptionInput {
            id: key.get_value(),
            prescriber: prescriber.get_untracked(),
            rpps: rpps.get_untracked(),
            prescribed_on: prescribed_on.get_untracked(),
            document_id: Uuid::parse_str(&document.get_untracked()).ok(),
            lines: drafts
                .get_untracked()
                .iter()
                .map(|d| {
                    let mut l = d.line.get_untracked();
                    if l.starts_on.trim().is_empty() {
                        l.starts_on = prescribed_on.get_untracked();
                    }
                    l
                })
                .collect(),
            confirm_allergies: *confirm,
        };
        add_prescription(id, input)
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            navigate(&format!("/usagers/{id}/soins"), Default::default());
        }
    });
    let add_line = move |_| {
        let k = next.get_value();
        next.set_value(k + 1);
        drafts.update(|d| {
            d.push(Draft {
                key: k,
                line: RwSignal::new(blank_line()),
            })
        });
    };
    view! {
        <h1>"Nouvelle prescription"</h1>
        <p class="muted">"Recopiez l’ordonnance papier. Chaque ligne est vérifiée avant l’enregistrement ; les allergies connues sont comparées aux substances."</p>
        <form class="form-grid" data-testid="prescription" on:submit=move |ev| { ev.prevent_default(); send.dispatch(false); }>
            <fieldset>
                <legend>"Ordonnance"</legend>
                <div class="field"><label for="pr-by">"Prescripteur"</label>
                    <input id="pr-by" type="text" required maxlength="200" autocomplete="off"
                        prop:value=prescriber on:input=move |ev| prescriber.set(event_target_value(&ev))/></div>
                <div class="field"><label for="pr-rpps">"N° RPPS (facultatif, 11 chiffres)"</label>
                    <input id="pr-rpps" type="text" inputmode="numeric" maxlength="11" autocomplete="off"
                        prop:value=rpps on:input=move |ev| rpps.set(event_target_value(&ev))/></div>
                <div class="field"><label for="pr-date">"Date de l’ordonnance"</label>
                    <input id="pr-date" type="date" required
                        prop:value=prescribed_on on:input=move |ev| prescribed_on.set(event_target_value(&ev))/></div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let scans: Vec<(String, String)> = scans.await.map(|d| d.documents.into_iter()
                            .filter(|d| d.kind == "ordonnance")
                            .map(|d| (d.id.to_string(), format!("{} — {}", d.title, d.uploaded)))
                            .collect()).unwrap_or_default();
                        view! {
                            <div class="field"><label for="pr-scan">"Scan de l’ordonnance"</label>
                                <select id="pr-scan" on:change=move |ev| document.set(event_target_value(&ev)) aria-describedby="pr-scan-aide">
                                    <option value="">"Aucun pour le moment"</option>
                                    {scans.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                </select>
                                <p class="hint" id="pr-scan-aide">"Déposez d’abord le scan dans les documents du dossier (type « Ordonnance »)."</p>
                            </div>
                        }
                    })}
                </Transition>
            </fieldset>
            <For each=move || drafts.get() key=|d| d.key let:draft>
                <LineFields draft=draft
                    remove=Callback::new(move |k: usize| drafts.update(|d| d.retain(|x| x.key != k)))
                    removable=Signal::derive(move || drafts.with(|d| d.len() > 1))/>
            </For>
            <button type="button" class="button" on:click=add_line>"Ajouter une ligne"</button>
            <SendOutcome result=Signal::derive(move || send.value().get()) confirm=Callback::new(move |_| { send.dispatch(true); })/>
            <button type="submit" class="button button-primary" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Enregistrement…" } else { "Enregistrer la prescription" }}
            </button>
        </form>
    }
}

/// The answer to a send: the allergy to confirm, a refusal, or the network
/// gone (the form stays as typed; sending again writes once).
#[component]
fn SendOutcome(
    result: Signal<Option<Result<Treatments, AppError>>>,
    confirm: Callback<()>,
) -> impl IntoView {
    move || {
        match result.get() {
            Some(Err(e)) => match allergy_of(&e) {
                Some(reason) => view! {
                    <div class="notice notice-danger" role="alert" data-testid="allergie-a-confirmer">
                        <p><strong>"⚠ "</strong>{reason}</p>
                        <button type="button" class="button button-danger" on:click=move |_| confirm.run(())>
                            "Confirmer malgré l’allergie"
                        </button>
                    </div>
                }.into_any(),
                None if matches!(e, AppError::Transport { .. }) => view! {
                    <p class="notice notice-warning" role="alert">
                        "Pas de réseau : rien n’est enregistré. Le formulaire reste tel quel ; envoyez-le de nouveau quand le réseau revient (il ne sera enregistré qu’une fois)."
                    </p>
                }.into_any(),
                None => view! { <ErrorNotice error=e/> }.into_any(),
            },
            _ => ().into_any(),
        }
    }
}

/// The fields of one line.
#[component]
fn LineFields(draft: Draft, remove: Callback<usize>, removable: Signal<bool>) -> impl IntoView {
    let line = draft.line;
    let p = format!("l{}", draft.key);
    let prefix = StoredValue::new(p.clone());
    let f = move |name: &str| format!("{p}-{name}");
    let search = RwSignal::new(String::new());
    let found = Resource::new(
        move || search.get(),
        |q| async move {
            if q.trim().chars().count() < SEARCH_MIN {
                None
            } else {
                Some(search_drugs(q).await)
            }
        },
    );
    let code = RwSignal::new(String::new());
    let scanned = Action::new(move |c: &String| drug_by_code(c.clone()));
    Effect::new(move |_| {
        if let Some(Ok(b)) = scanned.value().get() {
            line.update(|l| {
                l.cis = b.drug.cis.clone();
                l.drug = b.drug.name.clone();
            });
            search.set(String::new());
        }
    });
    let free = move || line.with(|l| l.cis.is_empty() && !l.drug.is_empty());
    let chosen = move || line.with(|l| !l.cis.is_empty());
    let text = move |get: fn(&LineInput) -> &String, set: fn(&mut LineInput, String)| {
        (
            move || line.with(|l| get(l).clone()),
            move |ev: leptos::ev::Event| line.update(|l| set(l, event_target_value(&ev))),
        )
    };
    let (dose, set_dose) = text(|l| &l.dose, |l, v| l.dose = v);
    let (starts, set_starts) = text(|l| &l.starts_on, |l, v| l.starts_on = v);
    let (ends, set_ends) = text(|l| &l.ends_on, |l, v| l.ends_on = v);
    let (instructions, set_instructions) = text(|l| &l.instructions, |l, v| l.instructions = v);
    let (drug_name, set_drug_name) = text(|l| &l.drug, |l, v| l.drug = v);
    let setter = move |set: fn(&mut LineInput, String)| {
        move |ev: leptos::ev::Event| line.update(|l| set(l, event_target_value(&ev)))
    };
    let set_unit = setter(|l, v| l.unit = v);
    let set_route = setter(|l, v| l.route = v);
    let check = move |get: fn(&LineInput) -> bool, set: fn(&mut LineInput, bool)| {
        (
            move || line.with(get),
            move |ev: leptos::ev::Event| line.update(|l| set(l, event_target_checked(&ev))),
        )
    };
    let (as_needed, set_as_needed) = check(|l| l.as_needed, |l, v| l.as_needed = v);
    let (aide, set_aide) = check(|l| l.aide_prise, |l, v| l.aide_prise = v);
    let (risk, set_risk) = check(|l| l.high_risk, |l, v| l.high_risk = v);
    let number = move || format!("Ligne {}", draft.key + 1);
    view! {
        <fieldset class="prescription-line" data-testid="ligne">
            <legend>{number}</legend>
            <div class="field">
                <label for=f("search")>"Médicament : nom ou substance"</label>
                <input id=f("search") type="search" autocomplete="off" prop:value=search
                    on:input=move |ev| search.set(event_target_value(&ev))
                    aria-describedby=f("drug")/>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match found.await {
                        None => ().into_any(),
                        Some(Ok(r)) => view! {
                            <ul class="drug-list" data-testid="medicaments-trouves">
                                {r.drugs.into_iter().map(|d| {
                                    let (cis, name) = (d.cis.clone(), d.name.clone());
                                    view! {
                                        <li>
                                            <button type="button" class="button" on:click=move |_| {
                                                line.update(|l| { l.cis = cis.clone(); l.drug = name.clone(); });
                                                search.set(String::new());
                                            }>{d.name}</button>
                                            {(!d.marketed).then(|| view! { <span class="tag">" Non commercialisé"</span> })}
                                            <br/><span class="muted">{d.substances.join(", ")}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <p class="muted">{r.source}</p>
                        }.into_any(),
                        Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <div class="field">
                <label for=f("code")>"Ou code de la boîte (lecteur de code-barres, CIP13 ou DataMatrix)"</label>
                <input id=f("code") type="text" autocomplete="off" inputmode="numeric" prop:value=code
                    on:input=move |ev| code.set(event_target_value(&ev))
                    // A scanner types the code then Enter: read it, do not send the form.
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        ev.prevent_default();
                        scanned.dispatch(code.get_untracked());
                    }
                    on:change=move |_| { scanned.dispatch(code.get_untracked()); }/>
                {move || scanned.value().get().map(|r| match r {
                    Ok(b) => view! {
                        <p class="hint" data-testid="boite-lue">{format!("Boîte lue : {}{}{}", b.label,
                            b.expiry.map(|e| format!(", péremption {e}")).unwrap_or_default(),
                            b.lot.map(|l| format!(", lot {l}")).unwrap_or_default())}</p>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </div>
            <p id=f("drug") data-testid="medicament-choisi" aria-live="polite">
                {move || if chosen() {
                    format!("Médicament : {}", line.with(|l| l.drug.clone()))
                } else if free() {
                    format!("Préparation hors BDPM : {}", line.with(|l| l.drug.clone()))
                } else {
                    "Aucun médicament choisi.".to_string()
                }}
            </p>
            <details>
                <summary>"Préparation magistrale ou médicament hors BDPM"</summary>
                <div class="field"><label for=f("free")>"Nom saisi librement (signalé « hors BDPM »)"</label>
                    <input id=f("free") type="text" maxlength="300"
                        prop:value=move || if chosen() { String::new() } else { drug_name() }
                        on:input=move |ev| { line.update(|l| l.cis.clear()); set_drug_name(ev); }/></div>
            </details>
            <div class="form-inline">
                <div class="field"><label for=f("dose")>"Dose"</label>
                    <input id=f("dose") type="text" inputmode="decimal" required size="6" prop:value=dose on:input=set_dose/></div>
                <div class="field"><label for=f("unit")>"Unité"</label>
                    <select id=f("unit") on:change=set_unit>{choices(line, |l| &l.unit, DoseUnit::LIST)}</select></div>
                <div class="field"><label for=f("route")>"Voie"</label>
                    <select id=f("route") on:change=set_route>{choices(line, |l| &l.route, Route::LIST)}</select></div>
            </div>
            <label class="check"><input type="checkbox" prop:checked=as_needed on:change=set_as_needed/>" Si besoin"</label>
            <Show when=as_needed fallback=move || view! { <ScheduleFields line prefix=prefix.get_value()/> }>
                <AsNeededFields line prefix=prefix.get_value()/>
            </Show>
            <div class="form-inline">
                <div class="field"><label for=f("start")>"Début"</label>
                    <input id=f("start") type="date" prop:value=starts on:input=set_starts aria-describedby=f("start-aide")/>
                    <p class="hint" id=f("start-aide")>"Par défaut : la date de l’ordonnance."</p></div>
                <div class="field"><label for=f("end")>"Fin (facultatif)"</label>
                    <input id=f("end") type="date" prop:value=ends on:input=set_ends/></div>
            </div>
            <div class="field"><label for=f("instr")>"Consignes (facultatif)"</label>
                <textarea id=f("instr") rows="2" maxlength="1000" prop:value=instructions on:input=set_instructions></textarea></div>
            <label class="check"><input type="checkbox" prop:checked=aide on:change=set_aide/>
                " L’ordonnance permet l’aide à la prise (CASF L313-26)"</label>
            <label class="check"><input type="checkbox" prop:checked=risk on:change=set_risk/>
                " Médicament à risque (anticoagulant, insuline…) : infirmier ou médecin seulement"</label>
            <Show when=move || removable.get()>
                <button type="button" class="button" on:click=move |_| remove.run(draft.key)>"Retirer cette ligne"</button>
            </Show>
        </fieldset>
    }
}

/// When a line is due: slots or times, and which days.
#[component]
fn ScheduleFields(line: RwSignal<LineInput>, prefix: String) -> impl IntoView {
    let f = move |name: &str| format!("{prefix}-{name}");
    let setter = move |set: fn(&mut LineInput, String)| {
        move |ev: leptos::ev::Event| line.update(|l| set(l, event_target_value(&ev)))
    };
    let set_recurrence = setter(|l, v| l.recurrence = v);
    let set_times = setter(|l, v| l.times = v);
    let set_every = setter(|l, v| l.every_n_days = v);
    let times = move || line.with(|l| l.times.clone());
    let every = move || line.with(|l| l.every_n_days.clone());
    let every_id = f("every");
    view! {
                <fieldset>
                    <legend>"Moments de prise"</legend>
                    {Slot::ALL.into_iter().map(|s| {
                        let code = s.code();
                        view! {
                            <label class="check"><input type="checkbox"
                                prop:checked=move || line.with(|l| l.slots.iter().any(|x| x == code))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    line.update(|l| {
                                        l.slots.retain(|x| x != code);
                                        if on { l.slots.push(code.to_string()); }
                                    });
                                }/>{format!(" {}", s.label())}</label>
                        }
                    }).collect_view()}
                    <div class="field"><label for=f("times")>"Ou heures précises (ex. 08:00 20:00)"</label>
                        <input id=f("times") type="text" maxlength="60" prop:value=times on:input=set_times/></div>
                </fieldset>
                <div class="field"><label for=f("rec")>"Jours"</label>
                    <select id=f("rec") on:change=set_recurrence>{choices(line, |l| &l.recurrence, Recurrence::LIST)}</select></div>
                <Show when=move || line.with(|l| l.recurrence == Recurrence::JoursSemaine.code())>
                    <fieldset><legend>"Jours de la semaine"</legend>
                        {(1u8..=7).map(|d| view! {
                            <label class="check"><input type="checkbox"
                                prop:checked=move || line.with(|l| l.weekdays.contains(&d))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    line.update(|l| { l.weekdays.retain(|x| *x != d); if on { l.weekdays.push(d); l.weekdays.sort(); } });
                                }/>{format!(" {}", WEEKDAYS[usize::from(d - 1)])}</label>
                        }).collect_view()}
                    </fieldset>
                </Show>
                <Show when=move || line.with(|l| l.recurrence == Recurrence::TousLesNJours.code())>
                    <div class="field"><label for=every_id.clone()>"Tous les … jours"</label>
                        <input id=every_id.clone() type="text" inputmode="numeric" size="3" prop:value=every on:input=set_every/></div>
                </Show>
    }
}

/// The limits of a si-besoin line.
#[component]
fn AsNeededFields(line: RwSignal<LineInput>, prefix: String) -> impl IntoView {
    let f = move |name: &str| format!("{prefix}-{name}");
    let setter = move |set: fn(&mut LineInput, String)| {
        move |ev: leptos::ev::Event| line.update(|l| set(l, event_target_value(&ev)))
    };
    let indication = move || line.with(|l| l.indication.clone());
    let interval = move || line.with(|l| l.min_interval_hours.clone());
    let max = move || line.with(|l| l.max_per_day.clone());
    let set_indication = setter(|l, v| l.indication = v);
    let set_interval = setter(|l, v| l.min_interval_hours = v);
    let set_max = setter(|l, v| l.max_per_day = v);
    view! {
                <div class="field"><label for=f("ind")>"Indication"</label>
                    <input id=f("ind") type="text" maxlength="300" prop:value=indication on:input=set_indication/></div>
                <div class="form-inline">
                    <div class="field"><label for=f("int")>"Intervalle minimal (heures)"</label>
                        <input id=f("int") type="text" inputmode="decimal" size="4" prop:value=interval on:input=set_interval/></div>
                    <div class="field"><label for=f("max")>"Au plus, par 24 h"</label>
                        <input id=f("max") type="text" inputmode="numeric" size="3" prop:value=max on:input=set_max/></div>
                </div>
    }
}

/// The options of a closed list, the line's value selected.
fn choices(
    line: RwSignal<LineInput>,
    get: fn(&LineInput) -> &String,
    list: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    list.iter()
        .map(|(c, label)| {
            let c = *c;
            view! { <option value=c selected=move || line.with(|l| get(l) == c)>{*label}</option> }
        })
        .collect_view()
}

/// Changes one line: the same fields, prefilled, and the reason.
#[component]
fn ChangeForm(id: Uuid, line: Uuid, t: Treatments) -> impl IntoView {
    let Some(old) = t.in_force.iter().find(|l| l.id == line).cloned() else {
        return view! {
            <h1>"Modifier une ligne de traitement"</h1>
            <p class="notice notice-warning">"Cette ligne n’est plus en cours : elle a peut-être été arrêtée entre-temps."</p>
        }
        .into_any();
    };
    let draft = Draft {
        key: 0,
        line: RwSignal::new(old.edit.clone().unwrap_or_else(blank_line)),
    };
    let reason = RwSignal::new(String::new());
    let send = Action::new(move |confirm: &bool| {
        change_line(
            id,
            line,
            draft.line.get_untracked(),
            reason.get_untracked(),
            *confirm,
        )
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            navigate(&format!("/usagers/{id}/soins"), Default::default());
        }
    });
    view! {
        <h1>"Modifier une ligne de traitement"</h1>
        <p>{format!("Ligne en cours : {} — {} — {}", old.drug, old.dose, old.schedule)}</p>
        <p class="muted">"La ligne en cours sera arrêtée avec le motif ; la nouvelle la remplace, l’historique est gardé."</p>
        <form class="form-grid" data-testid="modification" on:submit=move |ev| { ev.prevent_default(); send.dispatch(false); }>
            <LineFields draft remove=Callback::new(|_| ()) removable=Signal::derive(|| false)/>
            <div class="field"><label for="ch-reason">"Motif du changement"</label>
                <textarea id="ch-reason" rows="2" required maxlength="500"
                    prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea></div>
            <SendOutcome result=Signal::derive(move || send.value().get()) confirm=Callback::new(move |_| { send.dispatch(true); })/>
            <button type="submit" class="button button-primary" disabled=move || send.pending().get()>"Enregistrer le changement"</button>
        </form>
    }
    .into_any()
}

//! The round of a shift (`/tournee`): the unit's persons, present or not,
//! each with photo, birth date, allergies and what is due; one tap when a
//! task is done, a reason when it is not, the measure entry for a measure
//! task. Every outcome goes through the one offline outbox. Also the care
//! tasks of a record's soins section, and the late tasks of the home page.

use super::{options, AllergyBand, MeasureForm};
use crate::error::AppError;
use crate::soins::schedule::{Rule, Shift};
use crate::soins::{
    get_round, shift_settings, CareOutcomeInput, CareTaskView, EndCare, LateTask, NotDone,
    PlanCare, RecordCare, Round, RoundPerson, RoundTask, SetShiftTimes, Who, WriteMeasures,
};
use crate::ui::{error_view, ErrorNotice, Layout};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// The care tasks of a person, in the soins section; nurses set and end them.
#[component]
pub fn TasksBlock(
    id: Uuid,
    tasks: Vec<CareTaskView>,
    may_plan: bool,
    /// Bumped when a task is set or ended (the section reloads).
    changed: RwSignal<u32>,
) -> impl IntoView {
    let plan = ServerAction::<PlanCare>::new();
    let end = ServerAction::<EndCare>::new();
    Effect::new(move |_| {
        if plan.value().get().is_some_and(|r| r.is_ok())
            || end.value().get().is_some_and(|r| r.is_ok())
        {
            changed.update(|n| *n += 1);
        }
    });
    let error = move || {
        plan.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| end.value().get().and_then(|r| r.err()))
    };
    let (current, ended): (Vec<_>, Vec<_>) = tasks.into_iter().partition(|t| t.ended.is_none());
    view! {
        <h3>"Soins prévus"</h3>
        {move || error().map(|e| view! { <ErrorNotice error=e/> })}
        {current.is_empty().then(|| view! { <p class="muted">"Aucun soin récurrent prévu."</p> })}
        <ul class="notes" data-testid="soins-prevus">
            {current.into_iter().map(|t| view! {
                <li class="note">
                    <p><strong>{t.label.clone()}</strong>{format!(" — {}", t.schedule)}</p>
                    {t.instructions.clone().map(|i| view! { <p>{format!("Consignes : {i}")}</p> })}
                    <p class="muted">{format!("{} · {}", t.who, t.set_by)}</p>
                    {may_plan.then(|| view! {
                        <details class="edit">
                            <summary>"Arrêter ce soin"</summary>
                            <ActionForm action=end attr:class="form-grid">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <input type="hidden" name="task_id" value=t.id.to_string()/>
                                <div class="field"><label for=format!("arret-{}", t.id)>"Motif"</label>
                                    <input id=format!("arret-{}", t.id) name="reason" type="text" required maxlength="500"/></div>
                                <button type="submit" class="button">"Arrêter"</button>
                            </ActionForm>
                        </details>
                    })}
                </li>
            }).collect_view()}
        </ul>
        {(!ended.is_empty()).then(|| view! {
            <details><summary>{format!("Soins arrêtés ({})", ended.len())}</summary>
                <ul class="notes">{ended.into_iter().map(|t| view! {
                    <li class="note"><p><s>{t.label}</s>{format!(" — {}", t.schedule)}</p><p class="muted">{t.ended}</p></li>
                }).collect_view()}</ul>
            </details>
        })}
        {may_plan.then(|| view! {
            <details class="edit">
                <summary>"Prévoir un soin récurrent"</summary>
                <ActionForm action=plan attr:class="form-grid" attr:data-testid="prevoir-soin">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="input[id]" prop:value=move || { plan.version().get(); Uuid::new_v4().to_string() }/>
                    <div class="field"><label for="cs-label">"Soin"</label>
                        <input id="cs-label" name="input[label]" type="text" required maxlength="200" placeholder="Prise de tension, pesée, pansement…"/></div>
                    <div class="field checkbox"><input id="cs-measure" name="input[measure]" type="checkbox" value="true"/>
                        <label for="cs-measure">"C’est une prise de mesures (ouvre la saisie)"</label></div>
                    <div class="field"><label for="cs-rule">"Revient"</label>
                        <select id="cs-rule" name="input[rule]">{options(Rule::LIST)}</select></div>
                    <div class="field"><label for="cs-every">"N ="</label>
                        <input id="cs-every" name="input[every]" type="text" inputmode="numeric" value="1" size="3" required/></div>
                    <div class="field"><label for="cs-times">"Heures (ex. 08:00, 20:00)"</label>
                        <input id="cs-times" name="input[times]" type="text" required value="08:00"/></div>
                    <div class="field"><label for="cs-start">"À partir du (vide : aujourd’hui)"</label>
                        <input id="cs-start" name="input[starts_on]" type="date"/></div>
                    <div class="field"><label for="cs-who">"Qui peut le faire"</label>
                        <select id="cs-who" name="input[who]">{options(Who::LIST)}</select></div>
                    <div class="field"><label for="cs-instr">"Consignes"</label>
                        <textarea id="cs-instr" name="input[instructions]" rows="2" maxlength="2000"></textarea></div>
                    <button type="submit" class="button button-primary">"Prévoir le soin"</button>
                </ActionForm>
            </details>
        })}
    }
}

/// Care tasks still due an hour past their time, on the home page.
pub fn late_panel(list: Vec<LateTask>) -> impl IntoView {
    (!list.is_empty()).then(|| view! {
        <section class="notice notice-warning" aria-labelledby="titre-retard" data-testid="soins-en-retard">
            <h2 id="titre-retard">"Soins en retard"</h2>
            <ul>
                {list.into_iter().map(|l| view! {
                    <li><a href=format!("/usagers/{}/soins", l.usager_id)><strong>{l.usager}</strong></a>
                        {format!(" — {} (prévu à {})", l.label, l.time)}</li>
                }).collect_view()}
            </ul>
            <p><a href="/tournee">"Ouvrir la tournée de soins"</a></p>
        </section>
    })
}

/// `/tournee?unite=…&equipe=…&jour=…`.
#[component]
pub fn TourneePage() -> impl IntoView {
    // Read once, like the unit agenda: the choice form is a GET that
    // renders the route again.
    let query = use_query_map();
    let q = query.read_untracked();
    let params = (
        q.get("unite").and_then(|u| Uuid::parse_str(&u).ok()),
        q.get("equipe").unwrap_or_default(),
        q.get("jour").unwrap_or_default(),
    );
    drop(q);
    let changed = RwSignal::new(0u32);
    let round = Resource::new(
        move || changed.get(),
        move |_| {
            let (unit, shift, day) = params.clone();
            get_round(unit, shift, day)
        },
    );
    view! {
        <Title text="Tournée de soins"/>
        <Layout>
            <div class="page round">
                <h1>"Tournée de soins"</h1>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match round.await {
                            Ok(r) => view! { <RoundView round=r changed/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
fn RoundView(round: Round, changed: RwSignal<u32>) -> impl IntoView {
    let due: usize = round
        .persons
        .iter()
        .map(|p| p.tasks.iter().filter(|t| t.done.is_none()).count())
        .sum();
    let unit = round.unit_id;
    view! {
        <form method="get" action="/tournee" class="form-inline round-choice">
            <div class="field"><label for="t-unite">"Unité"</label>
                <select id="t-unite" name="unite">
                    {round.units.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=*id == unit>{name.clone()}</option>
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="t-equipe">"Équipe"</label>
                <select id="t-equipe" name="equipe">
                    {Shift::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=s.code() == round.shift>{s.label()}</option>
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="t-jour">"Jour"</label>
                <input id="t-jour" name="jour" type="date" value=round.day.clone()/></div>
            <button type="submit" class="button">"Afficher"</button>
        </form>
        <h2 data-testid="tournee-titre">{format!("{} — {}", round.unit, round.title)}</h2>
        <p role="status">{match due {
            0 => "Rien à faire de plus pour cette équipe.".to_string(),
            1 => "1 soin reste à faire.".to_string(),
            n => format!("{n} soins restent à faire."),
        }}</p>
        {round.persons.is_empty().then(|| view! { <p class="muted">"Personne n’est accompagné dans cette unité."</p> })}
        <ul class="round-persons">
            {round.persons.into_iter().map(|p| view! { <PersonCard person=p may_write=round.may_write changed/> }).collect_view()}
        </ul>
    }
}

/// The initials shown in place of a missing photo.
pub(crate) fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect()
}

#[component]
fn PersonCard(person: RoundPerson, may_write: bool, changed: RwSignal<u32>) -> impl IntoView {
    let RoundPerson {
        usager_id,
        name,
        birth_date,
        photo,
        allergies,
        absence,
        alert,
        tasks,
    } = person;
    let heading = format!("tournee-{usager_id}");
    let label_id = heading.clone();
    let absent = absence.is_some();
    view! {
        <li class="round-person card" class:absent=absent data-testid="tournee-personne" aria-labelledby=label_id>
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
            {alert.map(|a| view! { <p class="notice notice-danger" role="alert" data-testid="tournee-alerte">{format!("Alerte {a}")}</p> })}
            {absence.map(|a| view! { <p class="notice notice-info" data-testid="absence">{a}</p> })}
            {tasks.is_empty().then(|| view! { <p class="muted">"Rien de prévu pendant cette équipe."</p> })}
            <ul class="round-tasks">
                {tasks.into_iter().map(|t| view! {
                    <TaskItem usager_id usager=name.clone() task=t may_write changed/>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn TaskItem(
    usager_id: Uuid,
    usager: String,
    task: RoundTask,
    may_write: bool,
    changed: RwSignal<u32>,
) -> impl IntoView {
    use crate::ui::outbox::{self, Kept, Pending, Write};
    let record = ServerAction::<RecordCare>::new();
    let measure = ServerAction::<WriteMeasures>::new();
    let measured = RwSignal::new(0u32);
    let kept = RwSignal::new(None::<Kept>);
    // The key of this task's outcome while it waits in the outbox.
    let waiting = RwSignal::new(None::<String>);
    let shown = RwSignal::new(task.clone());
    let other = RwSignal::new(false);
    let usager = StoredValue::new(usager);
    // Kept on the tablet first, then sent: the answer decides what stays.
    let send = Action::new_local(move |input: &CareOutcomeInput| {
        let input = input.clone();
        async move {
            let stored = match crate::ui::signed_in_account() {
                Some(account) => Some(
                    outbox::put(Pending::new(
                        account,
                        usager_id,
                        usager.get_value(),
                        Write::Care(input.clone()),
                    ))
                    .await,
                ),
                None => None,
            };
            (input, stored)
        }
    });
    Effect::new(move |_| {
        if let Some((input, _)) = send.value().get() {
            kept.set(None);
            record.dispatch(RecordCare {
                id: usager_id,
                input,
            });
        }
    });
    Effect::new(move |_| match record.value().get() {
        Some(Ok(outcome)) => {
            if let Some((input, _)) = send.value().get_untracked() {
                outbox::remove(&input.id.to_string());
            }
            other.set(outcome.other);
            shown.set(outcome.task);
        }
        Some(Err(AppError::Transport { .. })) => {
            if let Some((input, stored)) = send.value().get_untracked() {
                kept.set(stored);
                shown.update(|t| {
                    t.done = Some(input.done);
                    t.outcome = Some(if input.done {
                        "Fait (en attente d’envoi)".into()
                    } else {
                        "Non fait (en attente d’envoi)".into()
                    });
                });
                waiting.set(Some(input.id.to_string()));
                if let Some(changed) = use_context::<outbox::OutboxChanged>() {
                    changed.0.update(|n| *n += 1);
                }
            }
        }
        Some(Err(_)) => {
            if let Some((input, _)) = send.value().get_untracked() {
                outbox::remove(&input.id.to_string());
            }
        }
        None => {}
    });
    // Sent when the network came back: the round shows what the server has.
    outbox::when_sent(
        move || waiting.get(),
        move || {
            waiting.set(None);
            kept.set(None);
            changed.update(|n| *n += 1);
        },
    );
    // A measure set that fulfils the task reloads the round.
    Effect::new(move |_| {
        if measured.get() > 0 {
            changed.update(|n| *n += 1);
        }
    });
    let error = move || {
        record
            .value()
            .get()
            .and_then(|r| r.err())
            .filter(|e| !matches!(e, AppError::Transport { .. }))
    };
    let form_id = format!(
        "nf-{}-{}",
        task.task_id.simple(),
        task.due.replace([':', '-'], "")
    );
    let prefix = format!(
        "tm-{}-{}",
        task.task_id.simple(),
        task.due.replace([':', '-'], "")
    );
    let measure_task = task.measure;
    let due_key = task.due.clone();
    let task_id = task.task_id;
    // Without JavaScript the forms post to the server function itself.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData as _;
        let Ok(args) = RecordCare::from_event(&ev) else {
            return;
        };
        ev.prevent_default();
        send.dispatch(CareOutcomeInput {
            id: Uuid::new_v4(),
            ..args.input
        });
    };
    let hidden = move |done: bool| {
        let due = due_key.clone();
        view! {
            <input type="hidden" name="id" value=usager_id.to_string()/>
            <input type="hidden" name="input[id]" value=Uuid::new_v4().to_string()/>
            <input type="hidden" name="input[task_id]" value=task_id.to_string()/>
            <input type="hidden" name="input[due]" value=due/>
            <input type="hidden" name="input[done]" value=done.to_string()/>
        }
    };
    let hidden = StoredValue::new(hidden);
    view! {
        <li class="round-task" class:late=move || shown.get().late && shown.get().done.is_none()
            class:done=move || shown.get().done == Some(true) data-testid="tournee-soin">
            <p>
                <strong>{move || shown.get().time}</strong>" "{move || shown.get().label}
                {move || (shown.get().late && shown.get().done.is_none()).then(|| view! { <span class="badge badge-danger">" En retard"</span> })}
            </p>
            {task.instructions.clone().map(|i| view! { <p class="muted">{format!("Consignes : {i}")}</p> })}
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            {move || other.get().then(|| view! { <p class="notice notice-info" role="status">"Déjà noté depuis une autre tablette :"</p> })}
            {move || shown.get().outcome.map(|o| view! { <p class="outcome" role="status">{o}</p> })}
            {move || kept.get().map(|k| view! {
                <p class="notice notice-warning" role="status">{match k {
                    Kept::Sealed => "Pas de réseau : gardé sur cette tablette, chiffré ; partira au retour du réseau.",
                    Kept::Memory => "Pas de réseau : gardé dans cette page. Ne la fermez pas avant l’envoi.",
                }}</p>
            })}
            {move || (may_write && task.may_do && shown.get().done.is_none()).then(|| {
                let form_id = form_id.clone();
                let prefix = prefix.clone();
                view! {
                    <div class="round-actions">
                        {(!measure_task).then(|| view! {
                            <form method="post" action="/api/soin_noter" on:submit=submit>
                                {hidden.with_value(|h| h(true))}
                                <button type="submit" class="button button-primary">"Fait"</button>
                            </form>
                        })}
                        {measure_task.then(|| view! {
                            <MeasureForm id=usager_id usager=usager.get_value() action=measure saved=measured
                                prefix=prefix task=(task_id, task.due.clone()) open=false/>
                        })}
                        <details class="edit">
                            <summary>"Pas fait"</summary>
                            <form method="post" action="/api/soin_noter" class="form-grid" on:submit=submit>
                                {hidden.with_value(|h| h(false))}
                                <div class="field"><label for=format!("{form_id}-r")>"Pourquoi"</label>
                                    <select id=format!("{form_id}-r") name="input[reason]">{options(NotDone::LIST)}</select></div>
                                <div class="field"><label for=format!("{form_id}-c")>"Commentaire"</label>
                                    <input id=format!("{form_id}-c") name="input[comment]" type="text" maxlength="500"/></div>
                                <button type="submit" class="button">"Noter : pas fait"</button>
                            </form>
                        </details>
                    </div>
                }
            })}
        </li>
    }
}

/// When the shifts of each établissement start (the administration page).
#[component]
pub fn ShiftTimesBlock() -> impl IntoView {
    let save = ServerAction::<SetShiftTimes>::new();
    let list = Resource::new(move || save.version().get(), |_| shift_settings());
    let error = move || save.value().get().and_then(|r| r.err());
    view! {
        <section aria-labelledby="titre-equipes">
            <h2 id="titre-equipes">"Horaires des équipes"</h2>
            <p>"Début de chaque équipe ; chacune finit quand la suivante commence (la nuit finit le lendemain au début du matin). Ils bornent la tournée de soins."</p>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice notice-info" role="status">"Horaires enregistrés."</p> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => list.into_iter().map(|e| {
                            let p = e.etablissement_id.simple().to_string();
                            view! {
                                <ActionForm action=save attr:class="form-inline">
                                    <input type="hidden" name="etablissement_id" value=e.etablissement_id.to_string()/>
                                    <h3>{e.name.clone()}</h3>
                                    {Shift::ALL.into_iter().zip(e.starts.clone()).map(|(s, t)| view! {
                                        <div class="field"><label for=format!("{p}-{}", s.code())>{s.label()}</label>
                                            <input id=format!("{p}-{}", s.code()) name=s.code() type="time" value=t required/></div>
                                    }).collect_view()}
                                    <button type="submit" class="button">"Enregistrer"</button>
                                </ActionForm>
                            }
                        }).collect_view().into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

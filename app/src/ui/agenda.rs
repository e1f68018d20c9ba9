//! Agenda on the tablet: an usager's week (or one day) with presence and
//! absences, and the week of the caller's units.

use super::{error_view, ErrorNotice, Layout};
use crate::agenda::{
    unit_agenda, usager_agenda, AbsenceReason, AddEvent, AgendaDay, AgendaWeek, EventKind,
    RecordAbsence,
};
use crate::serafin::DIRECT_SERVICES;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// Day or week.
#[component]
fn Days(week: AgendaWeek, week_of: RwSignal<String>, show_about: bool) -> impl IntoView {
    let day_only = RwSignal::new(false);
    let days = StoredValue::new(week.days.clone());
    let previous = week.previous.clone();
    let next = week.next.clone();
    view! {
        <div class="week-nav">
            <button type="button" class="button button-secondary" on:click=move |_| week_of.set(previous.clone())>"← Semaine précédente"</button>
            <p class="day-title">{week.title.clone()}</p>
            <button type="button" class="button button-secondary" on:click=move |_| week_of.set(next.clone())>"Semaine suivante →"</button>
        </div>
        <div class="segmented" role="group" aria-label="Affichage">
            <button type="button" class="button button-secondary" aria-pressed=move || (!day_only.get()).to_string() on:click=move |_| day_only.set(false)>"Semaine"</button>
            <button type="button" class="button button-secondary" aria-pressed=move || day_only.get().to_string() on:click=move |_| day_only.set(true)>"Aujourd’hui"</button>
        </div>
        <ol class="days" data-testid="agenda">
            {move || days.get_value().into_iter()
                .filter(|d| !day_only.get() || d.today)
                .map(|d| view! { <Day d show_about/> })
                .collect_view()}
        </ol>
    }
}

#[component]
fn Day(d: AgendaDay, show_about: bool) -> impl IntoView {
    view! {
        <li class="day" class:today=d.today>
            <h3>{d.label.clone()}{d.today.then_some(" (aujourd’hui)")}</h3>
            {d.absence.clone().map(|a| view! { <p class="tag tag-alert">{a}</p> })}
            {d.events.is_empty().then(|| view! { <p class="muted">"Rien de prévu."</p> })}
            <ul class="events">
                {d.events.into_iter().map(|e| view! {
                    <li class="event">
                        <p><strong>{e.hours}</strong>" · "{e.title}<span class="tag">{e.kind}</span></p>
                        {(show_about).then(|| e.about.clone().map(|a| match e.usager_id {
                            Some(uid) => view! { <p><A href=format!("/usagers/{uid}/agenda")>{a}</A></p> }.into_any(),
                            None => view! { <p>{a}</p> }.into_any(),
                        }))}
                        {e.place.map(|p| view! { <p class="muted">{format!("Lieu : {p}")}</p> })}
                        {(!e.participants.is_empty()).then(|| view! { <p class="muted">{format!("Avec : {}", e.participants.join(", "))}</p> })}
                        {e.external_participants.map(|p| view! { <p class="muted">{format!("Extérieurs : {p}")}</p> })}
                        {e.serafin.map(|s| view! { <p class="muted">{format!("Prestation SERAFIN-PH {s}")}</p> })}
                    </li>
                }).collect_view()}
            </ul>
        </li>
    }
}

/// The agenda section of a record.
#[component]
pub fn AgendaSection(id: Uuid) -> impl IntoView {
    let week_of = RwSignal::new(String::new());
    let add = ServerAction::<AddEvent>::new();
    let absence = ServerAction::<RecordAbsence>::new();
    let week = Resource::new(
        move || (week_of.get(), add.version().get(), absence.version().get()),
        move |(w, _, _)| usager_agenda(id, w),
    );
    let error = move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| absence.value().get().and_then(|r| r.err()))
    };
    view! {
        <section id="agenda" aria-labelledby="titre-agenda" class="record-section">
            <h2 id="titre-agenda">"Agenda et présence"</h2>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    let w = match week.await {
                        Ok(w) => w,
                        Err(e) => return error_view(e),
                    };
                    let can_write = w.can_write;
                    view! {
                        {w.today_status.clone().map(|s| view! { <p class="presence" data-testid="presence">{s}</p> })}
                        {(!w.absences.is_empty()).then(|| view! {
                            <ul class="plain-list">
                                {w.absences.iter().map(|a| view! {
                                    <li>{format!("{} {}", a.reason, a.period)}{a.comment.clone().map(|c| format!(" — {c}"))}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        <Days week=w week_of show_about=false/>
                        {can_write.then(|| view! {
                            <details class="edit">
                                <summary>"Ajouter un événement"</summary>
                                <ActionForm action=add attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <input type="hidden" name="form[id]" value=Uuid::new_v4().to_string()/>
                                    <div class="field"><label for="ev-kind">"Type"</label>
                                        <select id="ev-kind" name="form[kind]">
                                            {EventKind::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="ev-title">"Intitulé"</label><input id="ev-title" name="form[title]" type="text"/></div>
                                    <div class="field"><label for="ev-date">"Date"</label><input id="ev-date" name="form[date]" type="date"/></div>
                                    <div class="field"><label for="ev-start">"Début"</label><input id="ev-start" name="form[start]" type="time"/></div>
                                    <div class="field"><label for="ev-end">"Fin"</label><input id="ev-end" name="form[end]" type="time"/></div>
                                    <div class="field"><label for="ev-place">"Lieu"</label><input id="ev-place" name="form[place]" type="text"/></div>
                                    <div class="field"><label for="ev-ext">"Participants extérieurs"</label><input id="ev-ext" name="form[external_participants]" type="text"/></div>
                                    <div class="field"><label for="ev-serafin">"Prestation SERAFIN-PH (facultatif)"</label>
                                        <select id="ev-serafin" name="form[serafin_code]">
                                            <option value="">"Aucune"</option>
                                            {DIRECT_SERVICES.iter().map(|(c, l)| view! { <option value=*c>{format!("{c} — {l}")}</option> }).collect_view()}
                                        </select></div>
                                    <button type="submit" class="button button-primary">"Ajouter à l’agenda"</button>
                                </ActionForm>
                            </details>
                            <details class="edit">
                                <summary>"Signaler une absence"</summary>
                                <ActionForm action=absence attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="ab-reason">"Motif"</label>
                                        <select id="ab-reason" name="form[reason]">
                                            {AbsenceReason::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="ab-start">"Début"</label><input id="ab-start" name="form[start_date]" type="date"/></div>
                                    <div class="field"><label for="ab-end">"Retour prévu (facultatif)"</label><input id="ab-end" name="form[end_date]" type="date"/></div>
                                    <div class="field"><label for="ab-comment">"Commentaire"</label><input id="ab-comment" name="form[comment]" type="text"/></div>
                                    <button type="submit" class="button button-primary">"Enregistrer l’absence"</button>
                                </ActionForm>
                            </details>
                        })}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// `/agenda`: the week of the caller's units.
#[component]
pub fn UnitAgendaPage() -> impl IntoView {
    let query = use_query_map();
    let week_of = RwSignal::new(query.read_untracked().get("semaine").unwrap_or_default());
    let week = Resource::new(move || week_of.get(), unit_agenda);
    view! {
        <Title text="Agenda des unités"/>
        <Layout>
            <div class="page">
                <h1>"Agenda de mes unités"</h1>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match week.await {
                            Ok(w) => view! { <Days week=w week_of show_about=true/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

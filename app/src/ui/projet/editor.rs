//! The editor page's frame: title, completeness, lifecycle actions, the header form and the template's sections.

use crate::error::AppError;
use crate::projet::trame::{Block, TrameSection};
use crate::projet::{
    kind_label, open_avenant, open_session, save_header, set_status, validate_projet, FieldValue,
    HeaderForm, ProjetKind, ProjetView, Statut,
};
use crate::ui::ErrorNotice;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use uuid::Uuid;

use super::*;

#[component]
pub(super) fn Editor(
    p: ProjetView,
    reload: RwSignal<u32>,
    session: Uuid,
    opened: RwSignal<bool>,
) -> impl IntoView {
    let id = p.usager_id;
    let pid = p.id;
    let editable = p.can_write && p.editing;
    if editable {
        Effect::new(move |_| {
            if !opened.get_untracked() {
                opened.set(true);
                spawn_local(async move {
                    let _ = open_session(id, pid, session).await;
                });
            }
        });
    }
    let p = StoredValue::new(p);
    let view_of = move || p.get_value();
    let v = view_of();
    let error = RwSignal::new(None::<AppError>);
    view! {
        <Title text=format!("{} — {}", v.title, v.informations.name)/>
        <p class="breadcrumb"><A href=format!("/usagers/{id}/projet")>{format!("← Dossier de {}", v.informations.name)}</A></p>
        <header class="projet-head">
            <h1>{v.title.clone()}</h1>
            <p>
                {kind_label(&v.kind)} " · "
                <span class=format!("badge status-{}", v.status.code().to_lowercase()) data-testid="projet-statut">{v.status.label()}</span>
                {match (v.editing, v.versions.last()) {
                    (true, None) => " · brouillon de la version initiale".to_string(),
                    (true, Some(last)) => format!(" · avenant en préparation (après « {} »)", last.label),
                    (false, Some(last)) => format!(" · {} {}", last.label, last.validated),
                    (false, None) => String::new(),
                }}
            </p>
            <p class="muted">
                {v.etablissements.join(", ")}
                {(!v.due.is_empty()).then(|| format!(" · prochaine révision au plus tard le {}", v.due))}
                {format!(" · temps de saisie : {} min", v.time_spent_minutes)}
            </p>
            <nav class="quick-links" aria-label="Documents du projet">
                <a href=format!("/projets/{pid}/projet.pdf") download data-testid="projet-pdf">"Télécharger le PDF"</a>
                <a href=format!("/projets/{pid}/facile-a-lire.pdf") download>"Version facile à lire (PDF)"</a>
            </nav>
        </header>
        <Completeness p=v.clone()/>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        {v.can_write.then(|| view! { <Actions p=view_of() reload error/> })}
        <div class="projet-layout">
            <nav class="projet-nav" aria-label="Sections du projet">
                <ul>
                    {v.trame.sections.iter().map(|s| view! {
                        <li><a href=format!("#pp-{}", s.key)>{s.title.clone()}</a></li>
                    }).collect_view()}
                    <li><a href="#pp-versions">"Versions et historique"</a></li>
                </ul>
            </nav>
            <div class="projet-sections">
                {editable.then(|| view! { <HeaderEditor p=view_of() reload session/> })}
                {v.trame.sections.iter().map(|s| view! {
                    <SectionView p=view_of() section=s.clone() editable reload session/>
                }).collect_view()}
                <Versions p=view_of()/>
            </div>
        </div>
    }
}

#[component]
pub(super) fn Completeness(p: ProjetView) -> impl IntoView {
    let c = p.completeness;
    view! {
        <section class="completeness" aria-labelledby="titre-completude">
            <h2 id="titre-completude">"Complétude : " <span data-testid="completude">{format!("{} %", c.percent)}</span></h2>
            <progress max="100" value=c.percent.to_string() aria-labelledby="titre-completude"></progress>
            {(!c.missing.is_empty()).then(|| view! {
                <details>
                    <summary>{format!("Ce qui manque ({})", c.missing.len())}</summary>
                    <ul data-testid="manques">{c.missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                </details>
            })}
        </section>
    }
}

/// Validate, open an avenant, pause, resume, end.
#[component]
pub(super) fn Actions(
    p: ProjetView,
    reload: RwSignal<u32>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let (id, pid) = (p.usager_id, p.id);
    let reason = RwSignal::new(String::new());
    let run =
        move |f: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
            spawn_local(async move {
                match f.await {
                    Ok(()) => {
                        error.set(None);
                        bump(reload);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        };
    let status_button = move |to: Statut, label: &'static str| {
        view! {
            <button type="button" class="button" on:click=move |_| {
                run(Box::pin(async move { set_status(id, pid, to, reason.get_untracked()).await }))
            }>{label}</button>
        }
    };
    let avenant = !p.versions.is_empty();
    view! {
        <section class="projet-actions" aria-label="Actions sur le projet">
            {p.editing.then(|| view! {
                <div class="field">
                    <label for="pp-reason">{if avenant { "Motif de l’avenant (obligatoire)" } else { "Commentaire de validation (facultatif)" }}</label>
                    <input id="pp-reason" type="text" bind:value=reason/>
                </div>
                <button type="button" class="button button-primary" data-testid="valider" on:click=move |_| {
                    run(Box::pin(async move { validate_projet(id, pid, reason.get_untracked()).await.map(|_| ()) }))
                }>{if avenant { "Valider l’avenant" } else { "Valider le projet" }}</button>
            })}
            {(!p.editing && p.status != Statut::Termine).then(|| view! {
                <button type="button" class="button button-primary" on:click=move |_| {
                    run(Box::pin(async move { open_avenant(id, pid).await }))
                }>"Créer un avenant"</button>
            })}
            {match p.status {
                Statut::EnCours => view! { {status_button(Statut::EnPause, "Mettre en pause")} {status_button(Statut::Termine, "Terminer le projet")} }.into_any(),
                Statut::EnPause => view! { {status_button(Statut::EnCours, "Reprendre")} {status_button(Statut::Termine, "Terminer le projet")} }.into_any(),
                Statut::EnPreparation => status_button(Statut::Termine, "Abandonner ce brouillon").into_any(),
                Statut::Termine => ().into_any(),
            }}
        </section>
    }
}

#[component]
pub(super) fn HeaderEditor(p: ProjetView, reload: RwSignal<u32>, session: Uuid) -> impl IntoView {
    let (id, pid, version) = (p.usager_id, p.id, p.version);
    let title = RwSignal::new(p.title.clone());
    let kind = RwSignal::new(p.kind.clone());
    let starts_on = RwSignal::new(p.starts_on.clone());
    let ends_on = RwSignal::new(p.ends_on.clone());
    let next_review = RwSignal::new(p.next_review.clone());
    let error = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = HeaderForm {
            title: title.get_untracked(),
            kind: kind.get_untracked(),
            starts_on: starts_on.get_untracked(),
            ends_on: ends_on.get_untracked(),
            next_review: next_review.get_untracked(),
        };
        spawn_local(async move {
            match save_header(id, pid, session, version, form).await {
                Ok(_) => bump(reload),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="edit">
            <summary>"Titre, type et dates du projet"</summary>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <form class="form-grid" on:submit=submit>
                <div class="field"><label for="pp-title">"Titre"</label><input id="pp-title" type="text" bind:value=title/></div>
                <div class="field"><label for="pp-kind">"Type"</label>
                    <select id="pp-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {ProjetKind::LIST.iter().map(|(c, label)| view! { <option value=*c selected=*c == p.kind>{format!("{label} ({c})")}</option> }).collect_view()}
                    </select></div>
                <div class="field"><label for="pp-start">"Début de mise en œuvre"</label><input id="pp-start" type="date" bind:value=starts_on/></div>
                <div class="field"><label for="pp-end">"Fin prévue"</label><input id="pp-end" type="date" bind:value=ends_on/></div>
                <div class="field"><label for="pp-review">"Prochaine révision"</label><input id="pp-review" type="date" bind:value=next_review/></div>
                <button type="submit" class="button button-primary">"Enregistrer l’en-tête"</button>
            </form>
        </details>
    }
}

#[component]
pub(super) fn SectionView(
    p: ProjetView,
    section: TrameSection,
    editable: bool,
    reload: RwSignal<u32>,
    session: Uuid,
) -> impl IntoView {
    let heading = format!("pp-titre-{}", section.key);
    let labelled = heading.clone();
    let empty = FieldValue {
        value: String::new(),
        version: 0,
        updated: String::new(),
    };
    view! {
        <section id=format!("pp-{}", section.key) class="record-section" aria-labelledby=labelled>
            <h2 id=heading>{section.title.clone()}</h2>
            {(!section.guidance.is_empty()).then(|| view! { <p class="guidance">{section.guidance.clone()}</p> })}
            {match section.block {
                Block::Informations => view! { <InformationsBlock p=p.clone()/> }.into_any(),
                Block::Besoins => view! {
                    <ElementsBlock p=p.clone() kind="attente" title="Attentes" editable reload session/>
                    <ElementsBlock p=p.clone() kind="besoin" title="Besoins (SERAFIN-PH)" editable reload session/>
                }.into_any(),
                Block::Objectifs => view! {
                    <ElementsBlock p=p.clone() kind="objectif" title="Objectifs" editable reload session/>
                    <ElementsBlock p=p.clone() kind="action" title="Actions" editable reload session/>
                    <ElementsBlock p=p.clone() kind="prestation" title="Prestations (SERAFIN-PH)" editable reload session/>
                    <FalcPreview p=p.clone()/>
                }.into_any(),
                Block::Suivi => view! { <SuiviBlock p=p.clone() reload/> }.into_any(),
                Block::Libre => ().into_any(),
            }}
            {section.fields.iter().map(|f| {
                let value = p.fields.get(&f.key).cloned().unwrap_or(empty.clone());
                view! { <FieldEditor id=p.usager_id projet=p.id session field=f.clone() value editable/> }
            }).collect_view()}
        </section>
    }
}

#[component]
pub(super) fn InformationsBlock(p: ProjetView) -> impl IntoView {
    let i = p.informations;
    view! {
        <dl class="facts">
            <dt>"Personne"</dt><dd>{i.name}" — "{i.birth}</dd>
            <dt>"Accompagnement"</dt><dd>{i.places.join(" · ")}</dd>
            <dt>"Référent(s)"</dt><dd>{if i.referents.is_empty() { "aucun désigné".to_string() } else { i.referents.join(", ") }}</dd>
            <dt>"Protection"</dt><dd>{if i.protection.is_empty() { "aucune mesure".to_string() } else { i.protection.join(", ") }}</dd>
            <dt>"Contacts"</dt><dd>{if i.contacts.is_empty() { "aucun".to_string() } else { i.contacts.join(" · ") }}</dd>
        </dl>
    }
}

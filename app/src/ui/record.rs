//! The record page of one usager: the sections the viewer may read, an
//! emergency banner during a bris de glace, and who accessed the record.

use super::agenda::AgendaSection;
use super::documents::DocumentsSection;
use super::identity::{AdministrativeSection, IdentitySection};
use super::notes::TransmissionsSection;
use super::projet::ProjetsSection;
use super::travail::TravailSection;
use super::{error_view, ErrorNotice, Layout};
use crate::access::{record_accesses, RequestBreakGlass, Section, BREAK_GLASS_MIN_REASON};
use crate::error::AppError;
use crate::usager::consent::{get_consents, ConsentScope, RecordConsent};
use crate::usager::{get_usager_record, initials, UsagerRecord};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// `/usagers/:id`.
#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let break_glass = ServerAction::<RequestBreakGlass>::new();
    let record = Resource::new(
        move || (id(), break_glass.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_usager_record(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );

    view! {
        <Layout>
            <div class="page">
                <p class="breadcrumb"><A href="/usagers">"← Mes usagers"</A></p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match record.await {
                            Ok(r) => view! { <Record r/> }.into_any(),
                            Err(AppError::Forbidden) => view! {
                                <AccessDenied id=id() action=break_glass/>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

/// Where each section lives on the page (None: its module is still to come).
fn anchor(s: Section) -> Option<&'static str> {
    match s {
        Section::Identite => Some("#identite"),
        Section::Transmissions => Some("#transmissions"),
        Section::Agenda => Some("#agenda"),
        Section::Documents => Some("#documents"),
        Section::Travail => Some("#travail"),
        Section::Audit => Some("#acces"),
        Section::Projet => Some("#projet"),
        Section::Soins | Section::Medical => None,
    }
}

#[component]
fn Record(r: UsagerRecord) -> impl IntoView {
    let has = |s: Section| r.sections.contains(&s);
    let id = r.id;
    let name = r.display_name();
    view! {
        <Title text=r.display_name()/>
        {r.break_glass.then(|| view! {
            <div class="notice notice-warning" role="alert" data-testid="break-glass-banner">
                <p>
                    <strong>"Accès d’urgence (bris de glace)"</strong>
                    {r.break_glass_until.clone().map(|t| format!(" jusqu’à {t}"))}
                    ". Chaque consultation est signalée et sera examinée par l’encadrement."
                </p>
            </div>
        })}
        <section class="record-head" aria-labelledby="usager-nom">
            {match r.photo {
                Some(photo) => view! {
                    <img class="avatar avatar-large photo" src=format!("/documents/{photo}")
                        alt=format!("Photo de {}", r.display_name()) width="72" height="72"/>
                }.into_any(),
                None => view! {
                    <span class="avatar avatar-large" aria-hidden="true">
                        {initials(&r.first_name, &r.last_name)}
                    </span>
                }.into_any(),
            }}
            <div>
                <h1 id="usager-nom">{r.display_name()}</h1>
                <p>{r.birth.clone()}</p>
                <p class="muted">
                    {r.accompagnements.iter().filter(|a| a.current)
                        .map(|a| format!("{}{}", a.etablissement, a.unit.clone().map(|u| format!(" — {u}")).unwrap_or_default()))
                        .collect::<Vec<_>>().join(" · ")}
                </p>
            </div>
        </section>
        <section class="alerts-slot" aria-label="Alertes">
            <p class="muted">"Allergies et alertes : aucune enregistrée."</p>
        </section>
        <nav aria-label="Sections du dossier" class="sections">
            <ul class="section-nav" data-testid="sections">
                {r.sections.iter().map(|s| match anchor(*s) {
                    Some(href) => view! { <li><a href=href>{s.label()}</a></li> }.into_any(),
                    None => view! { <li><span class="muted">{s.label()}" (module à venir)"</span></li> }.into_any(),
                }).collect_view()}
            </ul>
        </nav>
        {has(Section::Identite).then(|| view! {
            <IdentitySection id/>
            <AdministrativeSection id/>
            <ConsentBlock id/>
        })}
        {has(Section::Projet).then(|| view! { <ProjetsSection id/> })}
        {has(Section::Transmissions).then(|| view! { <TransmissionsSection id usager=name.clone()/> })}
        {has(Section::Agenda).then(|| view! { <AgendaSection id/> })}
        {has(Section::Documents).then(|| view! { <DocumentsSection id/> })}
        {has(Section::Travail).then(|| view! { <TravailSection id/> })}
        {has(Section::Audit).then(|| view! { <WhoAccessed id/> })}
    }
}

/// Consents and oppositions to sharing: the decision in force for each
/// scope, and the form to record a new one (for those who may).
#[component]
fn ConsentBlock(id: Uuid) -> impl IntoView {
    let record = ServerAction::<RecordConsent>::new();
    let consents = Resource::new(
        move || (id, record.version().get()),
        |(id, _)| get_consents(id),
    );
    let error = move || record.value().get().and_then(|r| r.err());
    view! {
        <section aria-labelledby="titre-consentements" class="consents record-section">
            <h2 id="titre-consentements">"Consentements et oppositions"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match consents.await {
                        Ok(c) => view! {
                            <ul class="plain-list" data-testid="consents">
                                {ConsentScope::ALL.into_iter().map(|scope| {
                                    let line = match c.current(scope) {
                                        Some(v) => format!(
                                            "{} {}, le {} (saisi par {})",
                                            if v.opposition { "Opposition" } else { "Consentement" },
                                            v.expressed_by, v.recorded_at, v.recorded_by
                                        ),
                                        None => "Rien n’a été recueilli.".to_string(),
                                    };
                                    view! { <li><strong>{scope.label()}</strong>" : "{line}</li> }
                                }).collect_view()}
                            </ul>
                            {c.can_record.then(|| view! {
                                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                                <ActionForm action=record attr:class="consent-form">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field">
                                        <label for="c-scope">"Décision concernant"</label>
                                        <select id="c-scope" name="scope">
                                            {ConsentScope::ALL.into_iter().map(|s| view! {
                                                <option value=s.code()>{s.label()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="c-decision">"Décision"</label>
                                        <select id="c-decision" name="decision">
                                            <option value="consentement">"Consentement"</option>
                                            <option value="opposition">"Opposition"</option>
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="c-by">"Exprimée par"</label>
                                        <select id="c-by" name="expressed_by">
                                            <option value="usager">"La personne"</option>
                                            <option value="representant_legal">"Son représentant légal"</option>
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="c-comment">"Commentaire (facultatif)"</label>
                                        <input id="c-comment" name="comment" type="text"/>
                                    </div>
                                    <button type="submit" class="button button-primary">"Enregistrer la décision"</button>
                                </ActionForm>
                            })}
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "Qui a consulté ce dossier".
#[component]
fn WhoAccessed(id: Uuid) -> impl IntoView {
    let lines = Resource::new(move || id, record_accesses);
    view! {
        <section id="acces" aria-labelledby="titre-acces" class="record-section">
            <h2 id="titre-acces">"Qui a consulté ce dossier"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(lines) => view! { <super::audit::AccessTable lines show_usager=false/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Outside the perimeter: the refusal, and the emergency access request.
#[component]
fn AccessDenied(id: Option<Uuid>, action: ServerAction<RequestBreakGlass>) -> impl IntoView {
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Accès refusé"/>
        <h1>"Accès refusé"</h1>
        <ErrorNotice error=AppError::Forbidden/>
        <p>"Cette personne n’est pas accompagnée par votre équipe."</p>
        <section class="break-glass" aria-labelledby="titre-urgence">
            <h2 id="titre-urgence">"Accès d’urgence (bris de glace)"</h2>
            <p>
                "En cas d’urgence seulement. L’accès est limité dans le temps, "
                "chaque consultation est signalée et votre motif sera examiné par l’encadrement."
            </p>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <ActionForm action>
                <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default()/>
                <div class="field">
                    <label for="motif">
                        {format!("Motif de l’accès d’urgence ({BREAK_GLASS_MIN_REASON} caractères au moins)")}
                    </label>
                    <textarea id="motif" name="reason" rows="3" aria-required="true"></textarea>
                </div>
                <button type="submit" class="button button-danger">"Demander l’accès d’urgence"</button>
            </ActionForm>
        </section>
    }
}

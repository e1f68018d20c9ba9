//! The record page of one usager: the sections the viewer may read, an
//! emergency banner during a bris de glace, and who accessed the record.

use super::administrative::AdministrativeSection;
use super::consent::ConsentBlock;
use super::identity::IdentitySection;
use crate::access::{RequestBreakGlass, Section};
use crate::error::AppError;
use crate::ui::access::{AccessDenied, WhoAccessed};
use crate::ui::agenda::AgendaSection;
use crate::ui::document::DocumentsSection;
use crate::ui::projet::ProjetsSection;
use crate::ui::transmission::TransmissionsSection;
use crate::ui::travail::TravailSection;
use crate::ui::{error_view, Layout};
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

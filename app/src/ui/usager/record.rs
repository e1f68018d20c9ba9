//! The record page of one usager: a band (photo, name, places, alerts, an
//! emergency banner during a bris de glace) and the record's sections, one
//! at a time. `/usagers/:id` opens on the overview (what is needed at the
//! bedside); `/usagers/:id/<section>` is one section, rendered complete by
//! the server when asked for directly and loaded only when opened.

use super::administrative::AdministrativeSection;
use super::consent::ConsentBlock;
use super::identity::IdentitySection;
use crate::access::{RequestBreakGlass, Section};
use crate::error::AppError;
use crate::record::{record_overview, Overview};
use crate::ui::access::{AccessDenied, WhoAccessed};
use crate::ui::agenda::AgendaSection;
use crate::ui::document::DocumentsSection;
use crate::ui::projet::ProjetsSection;
use crate::ui::transmission::{NoteItem, TransmissionsSection};
use crate::ui::travail::TravailSection;
use crate::ui::{error_view, Layout, NotFound};
use crate::usager::{get_usager_record, initials, UsagerRecord};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The part of the record a URL shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Overview,
    Section(Section),
    Unknown,
}

/// The last segment of a section's URL (None: its module is still to come).
fn slug(s: Section) -> Option<&'static str> {
    match s {
        Section::Identite => Some("identite"),
        Section::Projet => Some("projet"),
        Section::Transmissions => Some("transmissions"),
        Section::Agenda => Some("agenda"),
        Section::Documents => Some("documents"),
        Section::Travail => Some("travail"),
        Section::Audit => Some("acces"),
        Section::Soins => Some("soins"),
        Section::Medical => Some("medical"),
    }
}

fn part_of(segment: Option<&str>) -> Part {
    match segment {
        None | Some("") => Part::Overview,
        Some(s) => Section::ALL
            .into_iter()
            .find(|section| slug(*section) == Some(s))
            .map_or(Part::Unknown, Part::Section),
    }
}

/// `/usagers/{id}/{section}`.
pub fn section_href(id: Uuid, s: Section) -> String {
    match slug(s) {
        Some(slug) => format!("/usagers/{id}/{slug}"),
        None => format!("/usagers/{id}"),
    }
}

/// `/usagers/:id/:section?`.
#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    });
    let part = Memo::new(move |_| part_of(params.read().get("section").as_deref()));
    let break_glass = ServerAction::<RequestBreakGlass>::new();
    // The band: read once per person (switching sections keeps it).
    let record = Resource::new(
        move || (id.get(), break_glass.version().get()),
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
                            Ok(r) if part.get() == Part::Unknown => {
                                let _ = r;
                                view! { <NotFound/> }.into_any()
                            }
                            Ok(r) => view! { <Record r part/> }.into_any(),
                            Err(AppError::Forbidden) => view! {
                                <AccessDenied id=id.get() action=break_glass/>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
fn Record(r: UsagerRecord, part: Memo<Part>) -> impl IntoView {
    let id = r.id;
    let name = StoredValue::new(r.display_name());
    let sections = r.sections.clone();
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
                // One tap when the person leaves for hospital.
                {sections.contains(&crate::access::Section::Soins).then(|| view! {
                    <a class="button" href=format!("/medicaments/{id}/dlu.pdf") download data-testid="dlu-pdf"
                        title="Document de liaison d’urgence : identité, contacts, allergies, traitements, constantes">
                        "DLU — départ aux urgences (PDF)"</a>
                })}
            </div>
        </section>
        <section class="alerts-slot" aria-label="Allergies">
            {r.allergies.clone().map(|allergies| view! { <crate::ui::soins::AllergyBand allergies/> })}
        </section>
        <nav aria-label="Sections du dossier" class="sections">
            <ul class="section-nav" data-testid="sections">
                <li><A href=format!("/usagers/{id}") exact=true>"Aperçu"</A></li>
                {sections.into_iter().map(|s| match slug(s) {
                    Some(_) => view! { <li><A href=section_href(id, s)>{s.label()}</A></li> }.into_any(),
                    None => view! { <li><span class="muted">{s.label()}" (module à venir)"</span></li> }.into_any(),
                }).collect_view()}
            </ul>
        </nav>
        {move || match part.get() {
            Part::Overview => view! { <OverviewPart id/> }.into_any(),
            Part::Section(s) => section_view(id, s, name.get_value()),
            Part::Unknown => ().into_any(),
        }}
    }
}

/// One section of the record. A section the viewer may not read is still
/// asked for: the server refuses it and traces the refusal.
fn section_view(id: Uuid, s: Section, name: String) -> AnyView {
    match s {
        Section::Identite => view! {
            <IdentitySection id/>
            <AdministrativeSection id/>
            <ConsentBlock id/>
        }
        .into_any(),
        Section::Projet => view! { <ProjetsSection id/> }.into_any(),
        Section::Transmissions => view! { <TransmissionsSection id usager=name/> }.into_any(),
        Section::Agenda => view! { <AgendaSection id/> }.into_any(),
        Section::Documents => view! { <DocumentsSection id/> }.into_any(),
        Section::Travail => view! { <TravailSection id/> }.into_any(),
        Section::Audit => view! { <WhoAccessed id/> }.into_any(),
        Section::Soins => view! { <crate::ui::soins::SoinsSection id usager=name/> }.into_any(),
        Section::Medical => view! { <crate::ui::medical::MedicalSection id/> }.into_any(),
    }
}

/// The overview: today, the latest important notes, what is due.
#[component]
fn OverviewPart(id: Uuid) -> impl IntoView {
    let overview = Resource::new(move || id, record_overview);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <OverviewView id o/> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn OverviewView(id: Uuid, o: Overview) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    view! {
        <div class="overview" data-testid="apercu">
            {o.today.map(|t| view! {
                <section class="record-section" aria-labelledby="titre-aujourdhui">
                    <h2 id="titre-aujourdhui">"Aujourd’hui"</h2>
                    <p data-testid="presence"><strong>{t.presence}</strong></p>
                    {if t.events.is_empty() {
                        view! { <p class="muted">"Rien de prévu aujourd’hui."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="events">
                                {t.events.into_iter().map(|e| view! {
                                    <li>
                                        <span class="event-hours">{e.hours}</span>" "
                                        <strong>{e.title}</strong>
                                        <span class="muted">{format!(" · {}", e.kind)}
                                            {e.place.map(|p| format!(" · {p}"))}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <p><A href=section_href(id, Section::Agenda)>"Voir l’agenda"</A></p>
                </section>
            })}
            {o.notes.map(|notes| view! {
                <section class="record-section" aria-labelledby="titre-importantes" data-testid="notes-importantes">
                    <h2 id="titre-importantes">"Notes importantes récentes"</h2>
                    {notes.is_empty().then(|| view! { <p class="muted">"Aucune note importante."</p> })}
                    <ul class="notes">
                        {notes.into_iter().map(|note| view! {
                            <NoteItem note show_usager=false can_write=None changed/>
                        }).collect_view()}
                    </ul>
                    <p><A href=section_href(id, Section::Transmissions)>"Toutes les transmissions"</A></p>
                </section>
            })}
            <section class="record-section" aria-labelledby="titre-echeances" data-testid="a-echeance">
                <h2 id="titre-echeances">"À échéance"</h2>
                {if o.due.is_empty() {
                    view! { <p class="muted">"Rien à échéance."</p> }.into_any()
                } else {
                    view! {
                        <ul class="due">
                            {o.due.into_iter().map(|d| view! {
                                <li class:overdue=d.overdue>
                                    <A href=section_href(id, d.section)>{d.what}</A>
                                    <span class=if d.overdue { "tag tag-alert" } else { "muted" }>{format!(" {}", d.when)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

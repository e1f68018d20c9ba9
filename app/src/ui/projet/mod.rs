//! The projet personnalisé: the list in the record, the editor page (the
//! template's sections, autosaved text fields, attentes, besoins,
//! objectifs, actions, prestations, bilans, accords, versions and their
//! comparison), the deadlines panel of the home page, and the template
//! editor of administrators.

use super::{error_view, ErrorNotice, Layout};
use crate::error::AppError;
use crate::projet::{create_projet, get_projet, kind_label, list_projets, ProjetKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

mod echeances;
mod editor;
mod elements;
mod falc;
mod fields;
mod suivi;
mod trame;
mod versions;

pub use echeances::EcheancesPanel;
use editor::*;
use elements::*;
use falc::*;
use fields::*;
use suivi::*;
pub use trame::TramePage;
use versions::*;

/// The projects in the record page.
#[component]
pub fn ProjetsSection(id: Uuid) -> impl IntoView {
    let created = RwSignal::new(0u32);
    let list = Resource::new(move || created.get(), move |_| list_projets(id));
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <section id="projet" aria-labelledby="titre-projet" class="record-section">
            <h2 id="titre-projet">"Projet personnalisé"</h2>
            <p><a href=format!("/usagers/{id}/espace")>"Espace personnel de la personne (pages faciles à lire)"</a></p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || { let navigate = navigate.clone(); Suspend::new(async move {
                    let l = match list.await {
                        Ok(l) => l,
                        Err(e) => return error_view(e),
                    };
                    let title = RwSignal::new(String::from("Projet personnalisé"));
                    let kind = RwSignal::new(String::from("PPA"));
                    let starts_on = RwSignal::new(String::new());
                    let chosen = RwSignal::new(l.etablissements.iter().map(|(e, _)| *e).collect::<Vec<_>>());
                    let key = Uuid::new_v4();
                    let create = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let navigate = navigate.clone();
                        spawn_local(async move {
                            match create_projet(id, key, title.get_untracked(), kind.get_untracked(),
                                                starts_on.get_untracked(), chosen.get_untracked()).await {
                                Ok(p) => {
                                    navigate(&format!("/usagers/{id}/projets/{p}"), Default::default());
                                }
                                Err(e) => error.set(Some(e)),
                            }
                        });
                    };
                    view! {
                        {if l.projets.is_empty() {
                            view! { <p class="muted">"Aucun projet personnalisé."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="cards" data-testid="projets">
                                    {l.projets.iter().map(|p| view! {
                                        <li class="card">
                                            <p><a href=format!("/usagers/{id}/projets/{}", p.id)><strong>{p.title.clone()}</strong></a>
                                               " · " {kind_label(&p.kind)}</p>
                                            <p>
                                                <span class=format!("badge status-{}", p.status.code().to_lowercase())>{p.status.label()}</span>
                                                {p.editing.then_some(if p.versions > 0 { " · avenant en préparation" } else { " · brouillon" })}
                                                " · " {p.period.clone()}
                                            </p>
                                            <p class="muted">
                                                {format!("Complétude {} %", p.completeness)}
                                                {(!p.due.is_empty()).then(|| format!(" · révision au plus tard le {}", p.due))}
                                                {format!(" · {} version(s) validée(s)", p.versions)}
                                            </p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {(l.can_write && !l.etablissements.is_empty()).then(|| view! {
                            <details class="edit">
                                <summary>"Commencer un projet personnalisé"</summary>
                                <form class="form-grid" on:submit=create>
                                    <div class="field"><label for="pp-new-title">"Titre"</label>
                                        <input id="pp-new-title" type="text" bind:value=title required/></div>
                                    <div class="field"><label for="pp-new-kind">"Type"</label>
                                        <select id="pp-new-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                                            {ProjetKind::LIST.iter().map(|(c, label)| view! {
                                                <option value=*c selected=*c == "PPA">{format!("{label} ({c})")}</option>
                                            }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="pp-new-start">"Début de mise en œuvre (facultatif)"</label>
                                        <input id="pp-new-start" type="date" bind:value=starts_on/></div>
                                    <fieldset class="field"><legend>"Établissement(s) concerné(s)"</legend>
                                        {l.etablissements.iter().map(|(e, name)| {
                                            let e = *e;
                                            view! {
                                                <label class="check"><input type="checkbox" checked=true
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        chosen.update(|c| { c.retain(|x| *x != e); if on { c.push(e); } });
                                                    }/>{name.clone()}</label>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <button type="submit" class="button button-primary">"Créer le projet à partir de la trame"</button>
                                </form>
                            </details>
                        })}
                    }.into_any()
                })}}
            </Transition>
        </section>
    }
}

/// `/usagers/:id/projets/:projet`.
#[component]
pub fn ProjetPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let p = params.read();
        Some((
            Uuid::parse_str(&p.get("id")?).ok()?,
            Uuid::parse_str(&p.get("projet")?).ok()?,
        ))
    };
    let reload = RwSignal::new(0u32);
    let projet = Resource::new(
        move || (ids(), reload.get()),
        |(ids, _)| async move {
            match ids {
                Some((id, p)) => get_projet(id, p).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // One editing session per opening of the page (the time spent), opened
    // once even though the editor is drawn again after each change.
    let session = Uuid::new_v4();
    let opened = RwSignal::new(false);
    view! {
        <Layout>
            <div class="page projet-page">
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match projet.await {
                            Ok(p) => view! { <Editor p reload session opened/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

pub(super) fn bump(reload: RwSignal<u32>) {
    reload.update(|n| *n += 1);
}

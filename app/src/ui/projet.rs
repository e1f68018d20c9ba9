//! The projet personnalisé: the list in the record, the editor page (the
//! template's sections, autosaved text fields, attentes, besoins,
//! objectifs, actions, prestations, bilans, accords, versions and their
//! comparison), the deadlines panel of the home page, and the template
//! editor of administrators.

use super::{error_view, ErrorNotice, Layout};
use crate::error::AppError;
use crate::projet::falc::{hints, svg, PICTOGRAMS};
use crate::projet::trame::{Block, Trame, TrameField, TrameSection};
use crate::projet::{
    add_accord, add_bilan, compare_versions, create_projet, get_echeances, get_projet, get_trame,
    kind_label, list_projets, open_avenant, open_session, origin_label, remove_element,
    save_element, save_field, save_header, save_trame, set_element_status, set_status,
    validate_projet, AccordForm, BilanForm, Element, ElementContent, EvaluationForm, FieldValue,
    HeaderForm, ProjetView, Statut, ELEMENT_STATUSES, KINDS, ORIGINS, PARTIES, RESULTS,
};
use crate::serafin::{DIRECT_SERVICES, NEEDS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

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
                                            {KINDS.iter().map(|(c, label)| view! {
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

fn bump(reload: RwSignal<u32>) {
    reload.update(|n| *n += 1);
}

#[component]
fn Editor(
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
        <p class="breadcrumb"><A href=format!("/usagers/{id}#projet")>{format!("← Dossier de {}", v.informations.name)}</A></p>
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
fn Completeness(p: ProjetView) -> impl IntoView {
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
fn Actions(
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
                run(Box::pin(async move { set_status(id, pid, to.code().into(), reason.get_untracked()).await }))
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
fn HeaderEditor(p: ProjetView, reload: RwSignal<u32>, session: Uuid) -> impl IntoView {
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
                        {KINDS.iter().map(|(c, label)| view! { <option value=*c selected=*c == p.kind>{format!("{label} ({c})")}</option> }).collect_view()}
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
fn SectionView(
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
fn InformationsBlock(p: ProjetView) -> impl IntoView {
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

/// A draft kept on the tablet until the server has it.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Draft {
    value: String,
    version: i32,
}

fn draft_key(projet: Uuid, key: &str) -> String {
    format!("parcours.projet.{projet}.{key}")
}

fn draft_get(_k: &str) -> Option<Draft> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::get(_k).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

fn draft_set(_k: &str, _d: &Draft) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        let _ = gloo_storage::LocalStorage::set(_k, _d);
    }
}

fn draft_clear(_k: &str) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::delete(_k);
    }
}

/// A template field: saved a moment after typing stops, kept on the tablet
/// until the server has it; another writer's save in between is shown as a
/// conflict with both texts, never overwritten silently.
#[component]
fn FieldEditor(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    field: TrameField,
    value: FieldValue,
    editable: bool,
) -> impl IntoView {
    let dom_id = format!("pp-champ-{}", field.key);
    let label = format!(
        "{}{}",
        field.label,
        if field.required { " (obligatoire)" } else { "" }
    );
    if !editable {
        return view! {
            <div class="field">
                <h3>{label}</h3>
                <p class="prose">{if value.value.is_empty() { "(non renseigné)".to_string() } else { value.value.clone() }}</p>
            </div>
        }
        .into_any();
    }
    let key = field.key.clone();
    let storage = draft_key(projet, &key);
    let text = RwSignal::new(value.value.clone());
    let version = RwSignal::new(value.version);
    let state = RwSignal::new(value.updated.clone());
    let theirs = RwSignal::new(None::<(String, i32)>);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let save = {
        let (key, storage) = (key.clone(), storage.clone());
        move || {
            let (key, storage) = (key.clone(), storage.clone());
            let value = text.get_untracked();
            let base = version.get_untracked();
            state.set("Enregistrement…".into());
            spawn_local(async move {
                match save_field(id, projet, session, key.clone(), base, value.clone()).await {
                    Ok(v) => {
                        version.set(v);
                        if draft_get(&storage).is_some_and(|d| d.value == value) {
                            draft_clear(&storage);
                        }
                        state.set("Enregistré".into());
                    }
                    Err(AppError::Stale { current_version }) => {
                        let current = get_projet(id, projet)
                            .await
                            .ok()
                            .and_then(|p| p.fields.get(&key).map(|f| f.value.clone()))
                            .unwrap_or_default();
                        theirs.set(Some((current, current_version)));
                        state.set(String::new());
                    }
                    Err(AppError::Transport { .. }) => state.set(
                        "Pas de réseau : le texte est gardé sur cette tablette et sera envoyé au retour du réseau.".into(),
                    ),
                    Err(e) => state.set(e.message_fr()),
                }
            });
        }
    };
    let save = StoredValue::new(save);
    let schedule = {
        let storage = storage.clone();
        move || {
            draft_set(
                &storage,
                &Draft {
                    value: text.get_untracked(),
                    version: version.get_untracked(),
                },
            );
            state.set("Modifications non enregistrées…".into());
            if let Some(h) = timer.get_value() {
                h.clear();
            }
            let h = set_timeout_with_handle(
                move || save.with_value(|s| s()),
                std::time::Duration::from_millis(1200),
            )
            .ok();
            timer.set_value(h);
        }
    };
    // A draft left on this tablet (dropped connection, closed page) comes back.
    {
        let restored = storage.clone();
        Effect::new(move |_| {
            let storage = &restored;
            if let Some(d) = draft_get(storage) {
                if d.value != text.get_untracked() {
                    text.set(d.value);
                    version.set(d.version);
                    state.set("Brouillon retrouvé sur cette tablette : envoi…".into());
                    save.with_value(|s| s());
                } else {
                    draft_clear(storage);
                }
            }
        });
        let storage = storage.clone();
        let online = window_event_listener(leptos::ev::online, move |_| {
            if draft_get(&storage).is_some() {
                save.with_value(|s| s());
            }
        });
        on_cleanup(move || online.remove());
    }
    let forget = storage.clone();
    view! {
        <div class="field pp-field" data-champ=key.clone()>
            <label for=dom_id.clone()>{label}</label>
            {(!field.guidance.is_empty()).then(|| view! { <p class="guidance">{field.guidance.clone()}</p> })}
            <textarea id=dom_id rows="5" prop:value=move || text.get()
                on:input=move |ev| { text.set(event_target_value(&ev)); schedule(); }></textarea>
            <p class="muted save-state" aria-live="polite">{move || state.get()}</p>
            {move || theirs.get().map(|(current, current_version)| view! {
                <div class="notice notice-warning" role="alert" data-testid="conflit">
                    <p><strong>"Quelqu’un d’autre a modifié ce champ pendant que vous écriviez."</strong>
                       " Votre texte n’a pas été enregistré. Sa version :"</p>
                    <blockquote class="prose">{current.clone()}</blockquote>
                    <button type="button" class="button" on:click=move |_| {
                        version.set(current_version);
                        theirs.set(None);
                        save.with_value(|s| s());
                    }>"Garder mon texte (remplace le sien)"</button>
                    <button type="button" class="button" on:click={
                        let current = current.clone();
                        let forget = forget.clone();
                        move |_| {
                            text.set(current.clone());
                            version.set(current_version);
                            draft_clear(&forget);
                            theirs.set(None);
                            state.set("Sa version est reprise.".into());
                        }
                    }>"Reprendre sa version"</button>
                </div>
            })}
        </div>
    }
    .into_any()
}

fn staff_name(p: &ProjetView, id: Option<Uuid>) -> String {
    match p.staff_name(id) {
        n if n.is_empty() => "non désigné".into(),
        n => n,
    }
}

fn describe(p: &ProjetView, e: &Element) -> AnyView {
    match &e.content {
        ElementContent::Attente { origin, text, said_by } => view! {
            <p><strong>{origin_label(origin)}{(!said_by.is_empty()).then(|| format!(" ({said_by})"))}" : "</strong>
               <q>{text.clone()}</q></p>
        }.into_any(),
        ElementContent::Besoin { code, description, analysis } => view! {
            <p><strong>{format!("{code} — {}", crate::serafin::need(code).unwrap_or(""))}</strong></p>
            {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
            {(!analysis.is_empty()).then(|| view! { <p class="muted">"Analyse : "{analysis.clone()}</p> })}
        }.into_any(),
        ElementContent::Objectif { title, description, expected, avis, referent_id, starts_on, ends_on, pictogram, .. } => view! {
            <p class="objective-title">
                <span class="picto" inner_html=svg(pictogram, 32)></span>
                <strong>{title.clone()}</strong>
            </p>
            {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
            <p class="muted">{format!("Référent : {}", staff_name(p, *referent_id))}
                {(!starts_on.is_empty() || !ends_on.is_empty()).then(|| format!(" · du {starts_on} au {ends_on}"))}</p>
            {(!expected.is_empty()).then(|| view! { <p>"Résultat attendu : "{expected.clone()}</p> })}
            <p>"Avis de la personne : "{if avis.is_empty() { "non recueilli".to_string() } else { format!("« {avis} »") }}</p>
        }.into_any(),
        ElementContent::Action { title, description, responsible_id, objectifs, .. } => {
            let names: Vec<String> = p.elements.iter().filter(|o| objectifs.contains(&o.id)).map(|o| o.content.name()).collect();
            view! {
                <p><strong>{title.clone()}</strong></p>
                {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
                <p class="muted">{format!("Responsable : {} · pour : {}", staff_name(p, *responsible_id), names.join(", "))}</p>
            }.into_any()
        }
        ElementContent::Prestation { code, description } => view! {
            <p><strong>{format!("{code} — {}", crate::serafin::direct_service(code).unwrap_or(""))}</strong></p>
            {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
        }.into_any(),
    }
}

#[component]
fn ElementsBlock(
    p: ProjetView,
    kind: &'static str,
    title: &'static str,
    editable: bool,
    reload: RwSignal<u32>,
    session: Uuid,
) -> impl IntoView {
    let items: Vec<Element> = p
        .elements
        .iter()
        .filter(|e| e.content.kind() == kind)
        .cloned()
        .collect();
    let (id, pid) = (p.usager_id, p.id);
    let can_status = p.can_write && p.status != Statut::Termine;
    // A refused change (validated version, someone else's edit) is said, not swallowed.
    let error = RwSignal::new(None::<AppError>);
    let done = move |r: Result<(), AppError>| match r {
        Ok(()) => bump(reload),
        Err(e) => error.set(Some(e)),
    };
    view! {
        <div class="elements" data-kind=kind>
            <h3>{title}</h3>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {items.is_empty().then(|| view! { <p class="muted">"Aucun élément."</p> })}
            <ul class="cards">
                {items.into_iter().map(|e| {
                    let eid = e.id;
                    let version = e.version;
                    view! {
                        <li class="card">
                            {describe(&p, &e)}
                            {e.status.clone().map(|s| view! {
                                <p>
                                    <label for=format!("st-{eid}")>"Statut : "</label>
                                    <select id=format!("st-{eid}") disabled=!can_status on:change=move |ev| {
                                        let status = event_target_value(&ev);
                                        spawn_local(async move { done(set_element_status(id, pid, eid, status).await) });
                                    }>
                                        {ELEMENT_STATUSES.iter().map(|(c, l)| view! { <option value=*c selected=*c == s>{*l}</option> }).collect_view()}
                                    </select>
                                </p>
                            })}
                            {editable.then(|| view! {
                                <details class="edit">
                                    <summary>"Modifier"</summary>
                                    <ElementForm p=p.clone() content=e.content.clone() element=eid version reload session/>
                                    <button type="button" class="button button-danger" on:click=move |_| {
                                        spawn_local(async move { done(remove_element(id, pid, eid, version).await) });
                                    }>"Retirer"</button>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {editable.then(|| view! {
                <details class="edit" data-testid=format!("ajouter-{kind}")>
                    <summary>{format!("Ajouter : {}", title.to_lowercase())}</summary>
                    <ElementForm p=p.clone() content=ElementContent::empty(kind) element=Uuid::new_v4() version=0 reload session/>
                </details>
            })}
        </div>
    }
}

/// The form of one element, for a new one (`version` 0) or a change.
#[component]
fn ElementForm(
    p: ProjetView,
    content: ElementContent,
    element: Uuid,
    version: i32,
    reload: RwSignal<u32>,
    session: Uuid,
) -> impl IntoView {
    let (id, pid) = (p.usager_id, p.id);
    let s = |v: &str| RwSignal::new(v.to_string());
    let empty = String::new();
    // One signal per possible attribute; the kind decides which are shown.
    let (a, b, c, d, e, f, g, h) = match &content {
        ElementContent::Attente {
            origin,
            text,
            said_by,
        } => (
            s(origin),
            s(text),
            s(said_by),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
        ElementContent::Besoin {
            code,
            description,
            analysis,
        } => (
            s(code),
            s(description),
            s(analysis),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
        ElementContent::Objectif {
            title,
            description,
            starts_on,
            ends_on,
            expected,
            avis,
            falc,
            pictogram,
            ..
        } => (
            s(title),
            s(description),
            s(starts_on),
            s(ends_on),
            s(expected),
            s(avis),
            s(falc),
            s(pictogram),
        ),
        ElementContent::Action {
            title,
            description,
            starts_on,
            ends_on,
            ..
        } => (
            s(title),
            s(description),
            s(starts_on),
            s(ends_on),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
        ElementContent::Prestation { code, description } => (
            s(code),
            s(description),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
    };
    let person = RwSignal::new(match &content {
        ElementContent::Objectif { referent_id, .. } => *referent_id,
        ElementContent::Action { responsible_id, .. } => *responsible_id,
        _ => None,
    });
    let linked = RwSignal::new(match &content {
        ElementContent::Action { objectifs, .. } => objectifs.clone(),
        _ => vec![],
    });
    let kind = content.kind();
    let error = RwSignal::new(None::<AppError>);
    let build = move || match kind {
        "attente" => ElementContent::Attente {
            origin: a.get_untracked(),
            text: b.get_untracked(),
            said_by: c.get_untracked(),
        },
        "besoin" => ElementContent::Besoin {
            code: a.get_untracked(),
            description: b.get_untracked(),
            analysis: c.get_untracked(),
        },
        "action" => ElementContent::Action {
            title: a.get_untracked(),
            description: b.get_untracked(),
            responsible_id: person.get_untracked(),
            starts_on: c.get_untracked(),
            ends_on: d.get_untracked(),
            objectifs: linked.get_untracked(),
        },
        "prestation" => ElementContent::Prestation {
            code: a.get_untracked(),
            description: b.get_untracked(),
        },
        _ => ElementContent::Objectif {
            title: a.get_untracked(),
            description: b.get_untracked(),
            starts_on: c.get_untracked(),
            ends_on: d.get_untracked(),
            expected: e.get_untracked(),
            avis: f.get_untracked(),
            referent_id: person.get_untracked(),
            falc: g.get_untracked(),
            pictogram: h.get_untracked(),
        },
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let content = build();
        spawn_local(async move {
            match save_element(id, pid, session, element, version, content).await {
                Ok(_) => bump(reload),
                Err(AppError::Transport { .. }) => error.set(Some(AppError::invalid(
                    "réseau",
                    "Pas de réseau : rien n’est perdu, le formulaire reste rempli. Enregistrez de nouveau quand le réseau revient.",
                ))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let f_id = move |name: &str| format!("el-{element}-{name}");
    let text_field = move |name: &'static str,
                           label: &'static str,
                           sig: RwSignal<String>,
                           rows: u32| {
        view! {
            <div class="field"><label for=f_id(name)>{label}</label>
                <textarea id=f_id(name) rows=rows.to_string() prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))></textarea></div>
        }
    };
    let line_field = move |name: &'static str,
                           label: &'static str,
                           sig: RwSignal<String>,
                           ty: &'static str| {
        view! {
            <div class="field"><label for=f_id(name)>{label}</label>
                <input id=f_id(name) type=ty prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></div>
        }
    };
    let code_select = move |codes: &'static [(&'static str, &'static str)], label: &'static str| {
        view! {
            <div class="field"><label for=f_id("code")>{label}</label>
                <select id=f_id("code") on:change=move |ev| a.set(event_target_value(&ev))>
                    <option value="" selected=a.get_untracked().is_empty()>"— choisir —"</option>
                    {codes.iter().map(|(c, l)| view! { <option value=*c selected=a.get_untracked() == *c>{format!("{c} — {l}")}</option> }).collect_view()}
                </select></div>
        }
    };
    let staff = p.staff.clone();
    let person_select = move |label: &'static str| {
        let staff = staff.clone();
        view! {
            <div class="field"><label for=f_id("person")>{label}</label>
                <select id=f_id("person") on:change=move |ev| person.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                    <option value="" selected=person.get_untracked().is_none()>"— non désigné —"</option>
                    {staff.iter().map(|(sid, name)| view! { <option value=sid.to_string() selected=person.get_untracked() == Some(*sid)>{name.clone()}</option> }).collect_view()}
                </select></div>
        }
    };
    let objectives: Vec<(Uuid, String)> = p
        .elements
        .iter()
        .filter(|o| matches!(o.content, ElementContent::Objectif { .. }))
        .map(|o| (o.id, o.content.name()))
        .collect();
    let fields = match kind {
        "attente" => view! {
            <div class="field"><label for=f_id("origin")>"Origine"</label>
                <select id=f_id("origin") on:change=move |ev| a.set(event_target_value(&ev))>
                    {ORIGINS.iter().map(|(c, l)| view! { <option value=*c selected=a.get_untracked() == *c>{*l}</option> }).collect_view()}
                </select></div>
            {text_field("text", "Les mots de la personne (ou de qui l’exprime), tels qu’ils sont dits", b, 3)}
            {line_field("said_by", "Exprimée par (si ce n’est pas la personne)", c, "text")}
        }.into_any(),
        "besoin" => view! {
            {code_select(NEEDS, "Besoin (nomenclature SERAFIN-PH)")}
            {text_field("description", "Description", b, 2)}
            {text_field("analysis", "Analyse professionnelle", c, 3)}
        }.into_any(),
        "action" => view! {
            {line_field("title", "Titre de l’action", a, "text")}
            {text_field("description", "Description", b, 2)}
            {person_select("Professionnel responsable")}
            {line_field("start", "Début", c, "date")}
            {line_field("end", "Fin", d, "date")}
            <fieldset class="field"><legend>"Objectifs servis"</legend>
                {objectives.into_iter().map(|(oid, name)| view! {
                    <label class="check"><input type="checkbox" checked=linked.get_untracked().contains(&oid)
                        on:change=move |ev| { let on = event_target_checked(&ev); linked.update(|l| { l.retain(|x| *x != oid); if on { l.push(oid); } }); }/>
                        {name}</label>
                }).collect_view()}
            </fieldset>
        }.into_any(),
        "prestation" => view! {
            {code_select(DIRECT_SERVICES, "Prestation directe (nomenclature SERAFIN-PH)")}
            {text_field("description", "Modalités", b, 2)}
        }.into_any(),
        _ => view! {
            {line_field("title", "Titre de l’objectif", a, "text")}
            {text_field("description", "Description", b, 2)}
            {line_field("start", "Début", c, "date")}
            {line_field("end", "Échéance", d, "date")}
            {text_field("expected", "Résultat attendu", e, 2)}
            {text_field("avis", "Avis de la personne sur cet objectif (ses mots)", f, 2)}
            {person_select("Référent de l’objectif")}
            {text_field("falc", "Version facile à lire : une phrase courte par ligne", g, 3)}
            <ul class="hints" aria-live="polite">{move || hints(&g.get()).into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
            <fieldset class="field pictos"><legend>"Pictogramme"</legend>
                {PICTOGRAMS.iter().map(|pic| view! {
                    <label class="picto-choice">
                        <input type="radio" name=f_id("picto") value=pic.key checked=h.get_untracked() == pic.key
                            on:change=move |_| h.set(pic.key.to_string())/>
                        <span class="picto" inner_html=svg(pic.key, 40)></span>
                        <span>{pic.label}</span>
                    </label>
                }).collect_view()}
            </fieldset>
        }.into_any(),
    };
    view! {
        <form class="form-grid" on:submit=submit>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {fields}
            <button type="submit" class="button button-primary">"Enregistrer"</button>
        </form>
    }
}

/// The objectives as the person will read them.
#[component]
fn FalcPreview(p: ProjetView) -> impl IntoView {
    let objectives: Vec<(String, Vec<String>)> = p
        .elements
        .iter()
        .filter_map(|e| match &e.content {
            ElementContent::Objectif {
                title,
                falc,
                pictogram,
                ..
            } if e.status.as_deref() != Some("ANNULE") => {
                let lines = crate::projet::falc::lines(falc);
                Some((
                    pictogram.clone(),
                    if lines.is_empty() {
                        vec![title.clone()]
                    } else {
                        lines
                    },
                ))
            }
            _ => None,
        })
        .collect();
    (!objectives.is_empty()).then(|| view! {
        <details class="falc-preview">
            <summary>"Aperçu facile à lire"</summary>
            <div class="falc" lang="fr">
                {objectives.into_iter().map(|(picto, lines)| view! {
                    <div class="falc-item">
                        <span class="picto" inner_html=svg(&picto, 64)></span>
                        <div>{lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}</div>
                    </div>
                }).collect_view()}
            </div>
        </details>
    })
}

#[component]
fn SuiviBlock(p: ProjetView, reload: RwSignal<u32>) -> impl IntoView {
    let (id, pid) = (p.usager_id, p.id);
    let error = RwSignal::new(None::<AppError>);
    let held_on = RwSignal::new(String::new());
    let synthesis = RwSignal::new(String::new());
    let invited = RwSignal::new(String::new());
    let preparation = RwSignal::new(String::new());
    let preparation_by = RwSignal::new(String::new());
    let next_review = RwSignal::new(String::new());
    let objectives: Vec<(Uuid, String)> = p
        .elements
        .iter()
        .filter(|o| {
            matches!(o.content, ElementContent::Objectif { .. })
                && o.status.as_deref() != Some("ANNULE")
        })
        .map(|o| (o.id, o.content.name()))
        .collect();
    let evaluations: Vec<(Uuid, RwSignal<String>, RwSignal<String>)> = objectives
        .iter()
        .map(|(o, _)| {
            (
                *o,
                RwSignal::new(String::new()),
                RwSignal::new(String::new()),
            )
        })
        .collect();
    let evals = StoredValue::new(evaluations.clone());
    let key = Uuid::new_v4();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = BilanForm {
            held_on: held_on.get_untracked(),
            synthesis: synthesis.get_untracked(),
            invited: invited.get_untracked(),
            preparation: preparation.get_untracked(),
            preparation_by: preparation_by.get_untracked(),
            next_review: next_review.get_untracked(),
            evaluations: evals
                .get_value()
                .iter()
                .filter(|(_, r, _)| !r.get_untracked().is_empty())
                .map(|(o, r, c)| EvaluationForm {
                    objectif_id: *o,
                    result: r.get_untracked(),
                    comment: c.get_untracked(),
                })
                .collect(),
        };
        spawn_local(async move {
            match add_bilan(id, pid, key, form).await {
                Ok(()) => bump(reload),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let party = RwSignal::new("usager".to_string());
    let signatory = RwSignal::new(String::new());
    let signed_on = RwSignal::new(String::new());
    let valid_until = RwSignal::new(String::new());
    let accord_key = Uuid::new_v4();
    let accord = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = AccordForm {
            party: party.get_untracked(),
            signatory: signatory.get_untracked(),
            signed_on: signed_on.get_untracked(),
            valid_until: valid_until.get_untracked(),
            document_id: None,
        };
        spawn_local(async move {
            match add_accord(id, pid, accord_key, form).await {
                Ok(()) => bump(reload),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let writable = p.can_write && p.status != Statut::Termine;
    view! {
        <p>"Prochaine révision au plus tard le " <strong>{if p.due.is_empty() { "— (à fixer)".to_string() } else { p.due.clone() }}</strong></p>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        <h3>"Bilans"</h3>
        {p.bilans.is_empty().then(|| view! { <p class="muted">"Aucun bilan."</p> })}
        <ul class="cards">
            {p.bilans.iter().map(|b| view! {
                <li class="card">
                    <p><strong>{format!("Bilan du {}", b.held_on)}</strong>" · "{format!("prochaine révision le {}", b.next_review)}</p>
                    {(!b.invited.is_empty()).then(|| view! { <p class="muted">"Invités : "{b.invited.clone()}</p> })}
                    {(!b.preparation.is_empty()).then(|| view! { <p>{format!("Préparation ({}) : ", b.preparation_by)}<q>{b.preparation.clone()}</q></p> })}
                    <p class="prose">{b.synthesis.clone()}</p>
                    <ul>{b.evaluations.iter().map(|e| view! { <li>{format!("{} : {} {}", e.objectif, e.result, e.comment)}</li> }).collect_view()}</ul>
                    <p class="muted">{b.written.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
        {writable.then(|| view! {
            <details class="edit">
                <summary>"Enregistrer un bilan"</summary>
                <form class="form-grid" on:submit=submit>
                    <div class="field"><label for="bi-date">"Date du bilan"</label><input id="bi-date" type="date" bind:value=held_on/></div>
                    <div class="field"><label for="bi-inv">"Personnes invitées"</label><input id="bi-inv" type="text" bind:value=invited/></div>
                    <div class="field"><label for="bi-prep">"Synthèse préparatoire (par la personne ou un proche)"</label><textarea id="bi-prep" rows="3" bind:value=preparation></textarea></div>
                    <div class="field"><label for="bi-prep-by">"Écrite par"</label><input id="bi-prep-by" type="text" bind:value=preparation_by/></div>
                    <div class="field"><label for="bi-syn">"Synthèse du bilan"</label><textarea id="bi-syn" rows="4" bind:value=synthesis></textarea></div>
                    {evaluations.into_iter().zip(objectives).map(|((oid, result, comment), (_, name))| view! {
                        <fieldset class="field"><legend>{format!("Objectif « {name} »")}</legend>
                            <label for=format!("ev-{oid}")>"Évaluation"</label>
                            <select id=format!("ev-{oid}") on:change=move |ev| result.set(event_target_value(&ev))>
                                <option value="">"— non évalué —"</option>
                                {RESULTS.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                            </select>
                            <label for=format!("evc-{oid}")>"Commentaire"</label>
                            <input id=format!("evc-{oid}") type="text" bind:value=comment/>
                        </fieldset>
                    }).collect_view()}
                    <div class="field"><label for="bi-next">"Date de la prochaine révision"</label><input id="bi-next" type="date" bind:value=next_review/></div>
                    <button type="submit" class="button button-primary">"Enregistrer le bilan"</button>
                </form>
            </details>
        })}
        <h3>"Accords"</h3>
        {p.accords.is_empty().then(|| view! { <p class="muted">"Aucun accord enregistré."</p> })}
        <ul>
            {p.accords.iter().map(|a| view! {
                <li>{format!("{} — {}, le {}{} (version {})", a.party, a.signatory, a.signed_on,
                    if a.valid_until.is_empty() { String::new() } else { format!(", valable jusqu’au {}", a.valid_until) }, a.version)}
                    {a.document_id.map(|d| view! { " · " <a href=format!("/documents/{d}")>"exemplaire signé"</a> })}
                </li>
            }).collect_view()}
        </ul>
        {(writable && !p.versions.is_empty()).then(|| view! {
            <details class="edit">
                <summary>"Enregistrer un accord"</summary>
                <form class="form-grid" on:submit=accord>
                    <div class="field"><label for="ac-party">"Qui donne son accord"</label>
                        <select id="ac-party" on:change=move |ev| party.set(event_target_value(&ev))>
                            {PARTIES.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                        </select></div>
                    <div class="field"><label for="ac-who">"Nom du signataire"</label><input id="ac-who" type="text" bind:value=signatory/></div>
                    <div class="field"><label for="ac-date">"Date de l’accord"</label><input id="ac-date" type="date" bind:value=signed_on/></div>
                    <div class="field"><label for="ac-until">"Valable jusqu’au (facultatif)"</label><input id="ac-until" type="date" bind:value=valid_until/></div>
                    <p class="muted">"L’exemplaire papier signé se dépose dans les documents du dossier."</p>
                    <button type="submit" class="button button-primary">"Enregistrer l’accord"</button>
                </form>
            </details>
        })}
    }
}

#[component]
fn Versions(p: ProjetView) -> impl IntoView {
    let (id, pid) = (p.usager_id, p.id);
    let last = p.versions.last().map(|v| v.number).unwrap_or(0);
    let from = RwSignal::new(if last > 1 { last - 1 } else { last });
    let to = RwSignal::new(if p.editing { 0 } else { last });
    let result = RwSignal::new(None::<Result<Vec<crate::projet::Difference>, AppError>>);
    let choices: Vec<(i32, String)> = p
        .versions
        .iter()
        .map(|v| (v.number, v.label.clone()))
        .chain(p.editing.then(|| (0, "Brouillon en cours".to_string())))
        .collect();
    let compare = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            result.set(Some(
                compare_versions(id, pid, from.get_untracked(), to.get_untracked()).await,
            ));
        });
    };
    let select = move |dom: &'static str,
                       label: &'static str,
                       sig: RwSignal<i32>,
                       choices: Vec<(i32, String)>| {
        view! {
            <div class="field"><label for=dom>{label}</label>
                <select id=dom on:change=move |ev| sig.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {choices.into_iter().map(|(n, l)| view! { <option value=n.to_string() selected=sig.get_untracked() == n>{l}</option> }).collect_view()}
                </select></div>
        }
    };
    view! {
        <section id="pp-versions" class="record-section" aria-labelledby="pp-titre-versions">
            <h2 id="pp-titre-versions">"Versions et historique"</h2>
            <ul data-testid="versions">
                {p.versions.iter().map(|v| view! {
                    <li><strong>{v.label.clone()}</strong>{format!(" — {} — complétude {} %", v.validated, v.completeness)}
                        {(!v.reason.is_empty()).then(|| format!(" — {}", v.reason))}</li>
                }).collect_view()}
            </ul>
            {(choices.len() > 1).then(|| view! {
                <form class="form-grid compare" on:submit=compare>
                    {select("cmp-from", "Comparer", from, choices.clone())}
                    {select("cmp-to", "avec", to, choices.clone())}
                    <button type="submit" class="button">"Comparer"</button>
                </form>
            })}
            {move || result.get().map(|r| match r {
                Ok(diff) if diff.is_empty() => view! { <p>"Aucune différence."</p> }.into_any(),
                Ok(diff) => view! {
                    <ul class="differences" data-testid="differences">
                        {diff.into_iter().map(|d| view! {
                            <li><strong>{format!("{} « {} » : {}", d.what, d.name, d.change)}</strong>
                                <ul>{d.details.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
            <h3>"Historique des statuts"</h3>
            <ul>
                {p.history.iter().map(|h| view! {
                    <li>{format!("{} · {} : {} — {}", h.at, h.what, h.change, h.by)}
                        {(!h.reason.is_empty()).then(|| format!(" ({})", h.reason))}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// On the home page: the deadlines of the caller's projects and, for those
/// who lead a service, the indicators per établissement.
#[component]
pub fn EcheancesPanel() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_echeances());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(e) = data.await else { return ().into_any() };
                if !e.leads && e.deadlines.is_empty() {
                    return ().into_any();
                }
                let label = |s: &str| match s {
                    "sans_projet" => "Sans projet en vigueur",
                    "en_retard" => "Révision en retard",
                    _ => "Révision dans les 30 jours",
                };
                view! {
                    <section class="echeances" aria-labelledby="titre-echeances" data-testid="echeances">
                        <h2 id="titre-echeances">{if e.leads { "Projets personnalisés : indicateurs et échéances" } else { "Mes projets personnalisés à faire" }}</h2>
                        {e.leads.then(|| view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-label="Indicateurs des projets personnalisés">
                            <table class="indicators" data-testid="indicateurs">
                                <caption class="visually-hidden">"Indicateurs par établissement et unité"</caption>
                                <thead><tr>
                                    <th scope="col">"Établissement / unité"</th><th scope="col">"Usagers"</th><th scope="col">"Avec un projet saisi"</th>
                                    <th scope="col">"Projet en vigueur"</th><th scope="col">"Sans projet"</th><th scope="col">"Révision ≤ 30 j"</th>
                                    <th scope="col">"En retard"</th><th scope="col">"Complétude moyenne"</th><th scope="col">"Temps de saisie"</th>
                                </tr></thead>
                                <tbody>
                                    {e.indicators.iter().map(|i| view! {
                                        <tr class="total">
                                            <th scope="row">{i.name.clone()}</th><td>{i.usagers}</td><td data-testid="avec-projet">{i.with_projet}</td>
                                            <td data-testid="en-vigueur">{i.in_force}</td><td>{i.without}</td><td>{i.due_soon}</td><td>{i.overdue}</td>
                                            <td>{i.average_completeness.map(|c| format!("{c} %")).unwrap_or_else(|| "—".into())}</td>
                                            <td>{format!("{} min", i.time_spent_minutes)}</td>
                                        </tr>
                                        {i.units.iter().map(|u| view! {
                                            <tr><th scope="row" class="unit">{u.name.clone()}</th><td>{u.usagers}</td><td>{u.with_projet}</td><td>{u.in_force}</td>
                                                <td></td><td></td><td></td><td></td><td></td></tr>
                                        }).collect_view()}
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        })}
                        {(!e.deadlines.is_empty()).then(|| view! {
                        <details class="deadlines-box" data-testid="echeances-liste">
                            <summary>{format!("Voir les échéances ({})", e.deadlines.len())}</summary>
                        <ul class="deadlines">
                            {e.deadlines.iter().map(|d| view! {
                                <li class=format!("deadline deadline-{}", d.state)>
                                    <strong>{d.usager.clone()}</strong>
                                    {format!(" — {} — {} — {}", d.etablissement, label(&d.state), d.due)}
                                    {(!d.referent.is_empty()).then(|| format!(" — référent : {}", d.referent))}
                                    " — "
                                    {match d.projet_id {
                                        Some(p) => view! { <a href=format!("/usagers/{}/projets/{p}", d.usager_id)>"Ouvrir le projet"</a> }.into_any(),
                                        None => view! { <a href=format!("/usagers/{}#projet", d.usager_id)>"Commencer le projet"</a> }.into_any(),
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                        </details>
                        })}
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}

/// `/administration/trame`: the organisation's template.
#[component]
pub fn TramePage() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let trame = Resource::new(move || saved.get(), |_| get_trame());
    view! {
        <Title text="Trame du projet personnalisé"/>
        <Layout>
            <div class="page">
                <h1>"Trame du projet personnalisé"</h1>
                <p>"Les projets déjà commencés gardent la version de la trame avec laquelle ils ont été écrits."</p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match trame.await {
                            Ok(t) => view! { <TrameEditor t saved/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
fn TrameEditor(t: Trame, saved: RwSignal<u32>) -> impl IntoView {
    let version = t.version;
    let sections = RwSignal::new(t.sections);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let save = move |_| {
        let s = sections.get_untracked();
        spawn_local(async move {
            match save_trame(version, s).await {
                Ok(_) => {
                    done.set(true);
                    saved.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <p class="muted">{format!("Version en vigueur : {version}")}</p>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        {move || done.get().then(|| view! { <p class="notice" role="status">"Trame enregistrée."</p> })}
        {move || {
            let list = sections.get();
            let count = list.len();
            list.into_iter().enumerate().map(|(i, s)| {
                let set = move |f: Box<dyn Fn(&mut TrameSection)>| sections.update(|all| f(&mut all[i]));
                view! {
                    <fieldset class="trame-section record-section" data-testid="trame-section">
                        <legend>{format!("Section {} — {}", i + 1, s.block.label())}</legend>
                        <div class="field"><label for=format!("ts-{i}-t")>"Titre"</label>
                            <input id=format!("ts-{i}-t") type="text" value=s.title.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.title = v.clone())) }/></div>
                        <div class="field"><label for=format!("ts-{i}-g")>"Texte d’aide pour la personne qui écrit"</label>
                            <textarea id=format!("ts-{i}-g") rows="2" prop:value=s.guidance.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.guidance = v.clone())) }></textarea></div>
                        <div class="row">
                            <button type="button" class="button" disabled=i == 0 on:click=move |_| sections.update(|all| all.swap(i, i - 1))>"Monter"</button>
                            <button type="button" class="button" disabled=i + 1 == count on:click=move |_| sections.update(|all| all.swap(i, i + 1))>"Descendre"</button>
                            {(s.block == Block::Libre).then(|| view! {
                                <button type="button" class="button button-danger" on:click=move |_| sections.update(|all| { all.remove(i); })>"Supprimer la section"</button>
                            })}
                        </div>
                        <h3>"Champs"</h3>
                        {s.fields.iter().enumerate().map(|(j, f)| view! {
                            <div class="trame-field">
                                <div class="field"><label for=format!("tf-{i}-{j}-l")>"Libellé"</label>
                                    <input id=format!("tf-{i}-{j}-l") type="text" value=f.label.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.fields[j].label = v.clone())) }/></div>
                                <label class="check"><input type="checkbox" checked=f.required
                                    on:change=move |ev| { let v = event_target_checked(&ev); set(Box::new(move |s| s.fields[j].required = v)) }/>"Obligatoire pour valider"</label>
                                <div class="field"><label for=format!("tf-{i}-{j}-g")>"Texte d’aide"</label>
                                    <input id=format!("tf-{i}-{j}-g") type="text" value=f.guidance.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.fields[j].guidance = v.clone())) }/></div>
                                <button type="button" class="button button-danger" on:click=move |_| set(Box::new(move |s| { s.fields.remove(j); }))>"Retirer le champ"</button>
                            </div>
                        }).collect_view()}
                        <button type="button" class="button" on:click=move |_| set(Box::new(|s| s.fields.push(TrameField {
                            key: String::new(), label: "Nouveau champ".into(), required: false, guidance: String::new(),
                        })))>"Ajouter un champ"</button>
                    </fieldset>
                }
            }).collect_view()
        }}
        <div class="row">
            <button type="button" class="button" on:click=move |_| sections.update(|all| all.push(TrameSection {
                key: String::new(), title: "Nouvelle section".into(), guidance: String::new(), block: Block::Libre,
                fields: vec![TrameField { key: String::new(), label: "Texte".into(), required: false, guidance: String::new() }],
            }))>"Ajouter une section"</button>
            <button type="button" class="button button-primary" data-testid="enregistrer-trame" on:click=save>"Enregistrer une nouvelle version de la trame"</button>
        </div>
    }
}

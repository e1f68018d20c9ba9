//! The médical section of a record (medical secrecy): antécédents, current
//! problems, consultation notes, vaccinations, directives anticipées and
//! the medical letters.

use super::{error_view, soins::options, ErrorNotice};
use crate::medical::{
    get_medical, AddEntry, DirectiveStatus, EntryKind, EntryView, ResolveEntry, StateDirective,
    MAX_BODY,
};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn MedicalSection(id: Uuid) -> impl IntoView {
    let add = ServerAction::<AddEntry>::new();
    let resolve = ServerAction::<ResolveEntry>::new();
    let directive = ServerAction::<StateDirective>::new();
    let data = Resource::new(
        move || {
            (
                add.version().get(),
                resolve.version().get(),
                directive.version().get(),
            )
        },
        move |_| get_medical(id),
    );
    let error = move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| resolve.value().get().and_then(|r| r.err()))
            .or_else(|| directive.value().get().and_then(|r| r.err()))
    };
    view! {
        <section id="medical" aria-labelledby="titre-medical" class="record-section" data-testid="medical">
            <h2 id="titre-medical">"Médical"</h2>
            <p class="muted">"Secret médical : visible des seuls professionnels de santé de l’équipe. Chaque lecture est tracée."</p>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    let m = match data.await {
                        Ok(m) => m,
                        Err(e) => return error_view(e),
                    };
                    let may_write = m.may_write;
                    view! {
                        <h3>"Directives anticipées"</h3>
                        <p data-testid="directives">{m.directive.clone().unwrap_or_else(|| "Non renseigné.".into())}</p>
                        {may_write.then(|| view! {
                            <details class="edit">
                                <summary>"Renseigner les directives anticipées"</summary>
                                <ActionForm action=directive attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="da-status">"Réponse"</label>
                                        <select id="da-status" name="status">{options(DirectiveStatus::LIST)}</select></div>
                                    <div class="field"><label for="da-loc">"Où se trouve le document"</label>
                                        <input id="da-loc" name="location" type="text" maxlength="500"/></div>
                                    <button type="submit" class="button">"Enregistrer"</button>
                                </ActionForm>
                            </details>
                        })}
                        {EntryKind::ALL.into_iter().map(|kind| {
                            let list: Vec<EntryView> = m.entries.iter().filter(|e| e.kind == kind).cloned().collect();
                            view! {
                                <h3>{match kind {
                                    EntryKind::Antecedent => "Antécédents",
                                    EntryKind::Probleme => "Problèmes de santé",
                                    EntryKind::Consultation => "Notes de consultation",
                                    EntryKind::Vaccination => "Vaccinations",
                                }}</h3>
                                {list.is_empty().then(|| view! { <p class="muted">"Rien d’enregistré."</p> })}
                                <ul class="notes" data-testid=format!("medical-{}", kind.code())>
                                    {list.into_iter().map(|e| {
                                        let resolvable = may_write && kind == EntryKind::Probleme && e.resolved.is_none();
                                        view! {
                                            <li class="note">
                                                <p><strong>{e.title.clone()}</strong>{e.occurred_on.clone().map(|d| format!(" — {d}"))}</p>
                                                {e.body.clone().map(|b| view! { <p class="note-text">{b}</p> })}
                                                <p class="muted">{e.written.clone()}</p>
                                                {e.resolved.clone().map(|r| view! { <p class="muted">{r}</p> })}
                                                {resolvable.then(|| view! {
                                                    <ActionForm action=resolve>
                                                        <input type="hidden" name="id" value=id.to_string()/>
                                                        <input type="hidden" name="entry_id" value=e.id.to_string()/>
                                                        <button type="submit" class="button">"Marquer résolu"</button>
                                                    </ActionForm>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }
                        }).collect_view()}
                        {may_write.then(|| view! {
                            <details class="edit">
                                <summary>"Ajouter une information médicale"</summary>
                                <ActionForm action=add attr:class="form-grid" attr:data-testid="ajout-medical">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <input type="hidden" name="input[id]" value=Uuid::new_v4().to_string()/>
                                    <div class="field"><label for="me-kind">"Type"</label>
                                        <select id="me-kind" name="input[kind]">{options(EntryKind::LIST)}</select></div>
                                    <div class="field"><label for="me-title">"Intitulé"</label>
                                        <input id="me-title" name="input[title]" type="text" required maxlength="200"/></div>
                                    <div class="field"><label for="me-date">"Date"</label>
                                        <input id="me-date" name="input[occurred_on]" type="date"/></div>
                                    <div class="field"><label for="me-body">"Texte"</label>
                                        <textarea id="me-body" name="input[body]" rows="4" maxlength=MAX_BODY.to_string()></textarea></div>
                                    <button type="submit" class="button button-primary">"Enregistrer"</button>
                                </ActionForm>
                            </details>
                        })}
                        <h3>"Courriers médicaux"</h3>
                        {m.letters.is_empty().then(|| view! { <p class="muted">"Aucun courrier. Ajoutez-en depuis Documents, type « Courrier médical »."</p> })}
                        <ul class="documents">
                            {m.letters.into_iter().map(|d| view! {
                                <li><a href=format!("/documents/{}", d.id) download=d.file_name.clone() rel="noopener">{d.title.clone()}</a>
                                    <span class="muted">{format!(" — {}, {}", d.format, d.uploaded)}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

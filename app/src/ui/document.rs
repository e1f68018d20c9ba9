//! Documents of a record (list, camera or file upload, download) and the
//! documents whose validity ends soon.

use super::{error_view, ErrorNotice, Layout};
#[cfg(feature = "hydrate")]
use crate::document::MAX_BYTES;
use crate::document::{expiring_documents, list_documents, DocumentKind, DocumentView, ACCEPTED};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use uuid::Uuid;

#[component]
fn DocumentItem(d: DocumentView) -> impl IntoView {
    view! {
        <li class="document" class:expiring=d.expiring>
            <a href=format!("/documents/{}", d.id) download=d.file_name.clone() rel="noopener">
                <strong>{d.title.clone()}</strong>
            </a>
            <span class="tag">{d.kind.clone()}</span>
            {d.usager.clone().map(|u| view! { <A href=format!("/usagers/{}/documents", d.usager_id)>{u}</A> })}
            <p class="muted">{format!("{} · {} · {}", d.file_name, d.format, d.uploaded)}</p>
            {d.valid_until.clone().map(|v| view! {
                <p class:tag-alert=d.expiring class="validity">
                    {if d.expired { format!("Expiré : {v}") } else { v }}
                </p>
            })}
        </li>
    }
}

#[component]
pub fn DocumentsSection(id: Uuid) -> impl IntoView {
    let uploaded = RwSignal::new(0u32);
    // Outside the list, which is rebuilt after each upload.
    let outcome = RwSignal::new(None::<Result<(), AppError>>);
    let docs = Resource::new(move || uploaded.get(), move |_| list_documents(id));
    view! {
        <section id="documents" aria-labelledby="titre-documents" class="record-section">
            <h2 id="titre-documents">"Documents"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match docs.await {
                        Ok(d) => view! {
                            {d.documents.is_empty().then(|| view! { <p class="muted">"Aucun document."</p> })}
                            <ul class="documents" data-testid="documents">
                                {d.documents.into_iter().map(|d| view! { <DocumentItem d/> }).collect_view()}
                            </ul>
                            {d.can_upload.then(|| view! { <Upload id uploaded outcome/> })}
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The upload form: a photo from the tablet's camera or a file. The size is
/// checked here first (no 200 MB sent for nothing), the type on the server.
#[component]
fn Upload(
    id: Uuid,
    uploaded: RwSignal<u32>,
    outcome: RwSignal<Option<Result<(), AppError>>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let send = Action::new_local(|data: &web_sys::FormData| {
        crate::document::upload_document(data.clone().into())
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(r) = send.value().get() {
            let ok = r.is_ok();
            outcome.set(Some(r.map(|_| ())));
            if ok {
                uploaded.update(|n| *n += 1);
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = uploaded;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let file = form
                .query_selector("input[type=file]")
                .ok()
                .flatten()
                .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            match file {
                None => outcome.set(Some(Err(AppError::invalid(
                    "file",
                    "Choisissez un fichier ou prenez une photo.",
                )))),
                Some(f) if f.size() > MAX_BYTES as f64 => {
                    outcome.set(Some(Err(AppError::invalid(
                        "file",
                        &format!(
                            "Le fichier dépasse la taille maximale de {} Mo.",
                            MAX_BYTES / (1024 * 1024)
                        ),
                    ))))
                }
                Some(_) => {
                    if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                        outcome.set(None);
                        send.dispatch_local(data);
                    }
                }
            }
        }
    };
    let accept = ACCEPTED
        .iter()
        .map(|(m, _)| *m)
        .collect::<Vec<_>>()
        .join(",");
    view! {
        <details class="edit" open>
            <summary>"Ajouter un document"</summary>
            <form class="form-grid" on:submit=on_submit data-testid="upload">
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="field"><label for="doc-kind">"Type de document"</label>
                    <select id="doc-kind" name="kind">
                        {DocumentKind::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                    </select></div>
                <div class="field"><label for="doc-title">"Titre"</label><input id="doc-title" name="title" type="text"/></div>
                <div class="field"><label for="doc-end">"Fin de validité (facultatif)"</label><input id="doc-end" name="valid_until" type="date"/></div>
                <div class="field"><label for="doc-file">"Fichier ou photo (PDF, JPEG, PNG, WebP ; 20 Mo au plus)"</label>
                    <input id="doc-file" name="file" type="file" accept=accept/></div>
                {move || match outcome.get() {
                    Some(Ok(())) => view! { <p class="notice notice-success" role="status">"Document enregistré."</p> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    None => ().into_any(),
                }}
                <button type="submit" class="button button-primary">"Déposer le document"</button>
            </form>
        </details>
    }
}

/// `/documents/echeances`: validities ending within 60 days.
#[component]
pub fn ExpiringPage() -> impl IntoView {
    let docs = Resource::new(|| (), |_| expiring_documents());
    view! {
        <Title text="Documents à renouveler"/>
        <Layout>
            <div class="page">
                <h1>"Documents à renouveler"</h1>
                <p class="muted">"Fin de validité dépassée ou dans les 60 jours, pour les personnes accompagnées par vos unités."</p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match docs.await {
                            Ok(list) => view! {
                                {list.is_empty().then(|| view! { <p>"Aucun document à renouveler."</p> })}
                                <ul class="documents" data-testid="expiring">
                                    {list.into_iter().map(|d| view! { <DocumentItem d/> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

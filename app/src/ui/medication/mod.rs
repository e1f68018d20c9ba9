//! `/administration/medicaments`: the drug reference (BDPM). An
//! administrator sends the published files and sees each file's latest
//! import; anyone on the page can try the search as the prescription will
//! use it.

pub mod chart;
pub mod prescription;
pub mod round;

use super::{error_view, ErrorNotice, Layout};
use crate::error::AppError;
use crate::medication::{bdpm_state, search_drugs, ImportedFile, SEARCH_MIN};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BdpmPage() -> impl IntoView {
    let imported = RwSignal::new(0u32);
    let state = Resource::new(move || imported.get(), |_| bdpm_state());
    let outcome = RwSignal::new(None::<Result<Vec<ImportedFile>, AppError>>);
    #[cfg(feature = "hydrate")]
    let send = Action::new_local(|data: &web_sys::FormData| {
        crate::medication::import_bdpm(data.clone().into())
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(r) = send.value().get() {
            if r.is_ok() {
                imported.update(|n| *n += 1);
            }
            outcome.set(Some(r));
        }
    });
    #[cfg(feature = "hydrate")]
    let pending = move || send.pending().get();
    #[cfg(not(feature = "hydrate"))]
    let pending = || false;
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
            if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                outcome.set(None);
                send.dispatch_local(data);
            }
        }
    };
    view! {
        <Title text="Médicaments (BDPM)"/>
        <Layout>
            <div class="page">
                <h1>"Référentiel des médicaments"</h1>
                <p>
                    "La base de données publique des médicaments (ANSM, Licence Ouverte) s’importe depuis ses fichiers publiés : "
                    "CIS_bdpm.txt, CIS_CIP_bdpm.txt et CIS_COMPO_bdpm.txt. Un nouvel import met à jour sans créer de doublon."
                </p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match state.await {
                            Ok(s) => view! {
                                <table class="table" data-testid="bdpm-etat">
                                    <caption>{s.source.unwrap_or_else(|| "Aucun fichier importé pour le moment.".into())}</caption>
                                    <thead><tr><th scope="col">"Fichier"</th><th scope="col">"Lignes"</th><th scope="col">"Dernier import"</th></tr></thead>
                                    <tbody>
                                        {s.files.into_iter().map(|f| view! {
                                            <tr><td>{f.file}</td><td>{f.rows}</td><td>{f.when}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
                <form class="form-grid" on:submit=on_submit data-testid="bdpm-import">
                    <div class="field">
                        <label for="bdpm-files">"Fichiers de la BDPM"</label>
                        <input id="bdpm-files" type="file" name="fichiers" accept=".txt,text/plain" multiple required/>
                    </div>
                    <button type="submit" class="button button-primary" disabled=pending>
                        {move || if pending() { "Import en cours…" } else { "Importer" }}
                    </button>
                </form>
                <Show when=pending>
                    <label for="bdpm-progress">"Envoi et import des fichiers"</label>
                    <progress id="bdpm-progress" data-testid="bdpm-progression"></progress>
                </Show>
                {move || outcome.get().map(|r| match r {
                    Ok(files) => view! {
                        <div class="notice notice-info" role="status" data-testid="bdpm-resultat">
                            {files.into_iter().map(|f| view! { <p>{format!("{} : {} lignes importées.", f.file, f.rows)}</p> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
                <DrugSearchBox/>
            </div>
        </Layout>
    }
}

/// A search as one types, as the prescription will use it.
#[component]
fn DrugSearchBox() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let found = Resource::new(
        move || query.get(),
        |q| async move {
            if q.trim().chars().count() < SEARCH_MIN {
                None
            } else {
                Some(search_drugs(q).await)
            }
        },
    );
    view! {
        <section aria-labelledby="bdpm-recherche">
            <h2 id="bdpm-recherche">"Chercher un médicament"</h2>
            <div class="field">
                <label for="bdpm-q">"Nom ou substance"</label>
                <input id="bdpm-q" type="search" autocomplete="off"
                    on:input=move |ev| query.set(event_target_value(&ev))/>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match found.await {
                        None => ().into_any(),
                        Some(Ok(r)) => view! {
                            <ul class="drug-list" data-testid="bdpm-trouves">
                                {r.drugs.into_iter().map(|d| view! {
                                    <li>
                                        <strong>{d.name}</strong>
                                        {(!d.marketed).then(|| view! { <span class="tag">" Non commercialisé"</span> })}
                                        <br/><span class="muted">{d.substances.join(", ")}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <p class="muted">{r.source}</p>
                        }.into_any(),
                        Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

//! The record page of one usager (sections arrive with later modules).

use super::{error_view, ErrorNotice, Layout};
use crate::error::AppError;
use crate::usager::{get_usager_record, initials};
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
    let record = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_usager_record(id).await,
            None => Err(AppError::NotFound),
        }
    });

    view! {
        <Layout>
            <div class="page">
                <p class="breadcrumb"><A href="/usagers">"← Mes usagers"</A></p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match record.await {
                            Ok(r) => view! {
                                <Title text=r.display_name()/>
                                <section class="record-head" aria-labelledby="usager-nom">
                                    <span class="avatar avatar-large" aria-hidden="true">
                                        {initials(&r.first_name, &r.last_name)}
                                    </span>
                                    <div>
                                        <h1 id="usager-nom">{r.display_name()}</h1>
                                        <p>{r.birth.clone()}</p>
                                    </div>
                                </section>
                                <section class="alerts-slot" aria-label="Alertes">
                                    <p class="muted">"Aucune alerte enregistrée."</p>
                                </section>
                                <section aria-labelledby="titre-accompagnements">
                                    <h2 id="titre-accompagnements">"Accompagnements"</h2>
                                    <ul class="plain-list">
                                        {r.accompagnements.into_iter().map(|a| view! {
                                            <li class:past=!a.current>
                                                <strong>{a.etablissement}</strong>
                                                {a.unit.map(|u| format!(" — {u}"))}
                                                <span class="muted">{format!(" ({})", a.period)}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            }.into_any(),
                            Err(AppError::Forbidden) => view! {
                                <Title text="Accès refusé"/>
                                <h1>"Accès refusé"</h1>
                                <ErrorNotice error=AppError::Forbidden/>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

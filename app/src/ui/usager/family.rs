//! The family space: who the family member follows. What is shared with
//! them comes with the access-control module.

use crate::ui::{error_view, Layout};
use crate::usager::family_usagers;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/famille`.
#[component]
pub fn FamilyPage() -> impl IntoView {
    let usagers = Resource::new(|| (), |_| family_usagers());
    view! {
        <Title text="Espace famille"/>
        <Layout>
            <div class="page">
                <h1>"Espace famille"</h1>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match usagers.await {
                            Ok(list) => view! {
                                <p>"Vous suivez :"</p>
                                <ul class="plain-list">
                                    {list.into_iter().map(|u| view! {
                                        <li>
                                            <strong>{u.display_name()}</strong>
                                            {format!(" ({})", u.places.join(", "))}
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <p class="muted">
                                    "Les informations que l’établissement partage avec vous apparaîtront ici."
                                </p>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

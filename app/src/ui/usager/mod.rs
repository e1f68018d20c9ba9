//! The usager's pages: "Mes usagers" (the people accompanied by the staff
//! member's units, here), the record page, its identity, administrative and
//! consent sections, and the family's list.

pub mod administrative;
pub mod consent;
pub mod family;
pub mod identity;
pub mod record;

use crate::ui::{error_view, Layout};
use crate::usager::{my_usagers, UsagerSummary};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// `/usagers`: a searchable list, one large touch target per person.
#[component]
pub fn UsagersPage() -> impl IntoView {
    let usagers = Resource::new(|| (), |_| my_usagers());
    let query = use_query_map();
    let search = RwSignal::new(query.read_untracked().get("q").unwrap_or_default());

    view! {
        <Title text="Mes usagers"/>
        <Layout>
            <div class="page">
                <h1>"Mes usagers"</h1>
                <nav class="quick-links" aria-label="Raccourcis">
                    <a href="/cahier">"Cahier de liaison du jour"</a>
                    <a href="/agenda">"Agenda de mes unités"</a>
                    <a href="/documents/echeances">"Documents à renouveler"</a>
                </nav>
                <super::projet::EcheancesPanel/>
                <form class="search" method="get" action="/usagers" role="search">
                    <label for="recherche" class="visually-hidden">"Rechercher un usager par son nom"</label>
                    <input
                        id="recherche"
                        name="q"
                        type="search"
                        placeholder="Rechercher par nom ou prénom"
                        autocomplete="off"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                </form>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match usagers.await {
                            Ok(list) => view! { <UsagerList list search/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
fn UsagerList(list: Vec<UsagerSummary>, search: RwSignal<String>) -> impl IntoView {
    let total = list.len();
    // The person whose note is being written (one at a time).
    let writing = RwSignal::new(None::<Uuid>);
    let list = StoredValue::new(list);
    let shown = Memo::new(move |_| {
        let s = search.get();
        list.with_value(|l| {
            l.iter()
                .filter(|u| u.matches(&s))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <p class="count" aria-live="polite">
            {move || {
                let n = shown.get().len();
                if total == 0 {
                    "Aucun usager n’est accompagné par vos unités.".to_string()
                } else if n == total {
                    format!("{n} usager{}", if n > 1 { "s" } else { "" })
                } else {
                    format!("{n} sur {total}")
                }
            }}
        </p>
        <ul class="usager-list" data-testid="usager-list">
            <For each=move || shown.get() key=|u| u.id let:u>
                <UsagerRow u writing/>
            </For>
        </ul>
    }
}

/// One person: the card to the record, and the note button (first tap;
/// the category chip is the second).
#[component]
fn UsagerRow(u: UsagerSummary, writing: RwSignal<Option<Uuid>>) -> impl IntoView {
    let id = u.id;
    let open = move || writing.get() == Some(id);
    let name = u.display_name();
    let label = format!("Écrire une note pour {name}");
    view! {
        <li class="usager-row">
            <div class="usager-line">
                <a class="usager-card" href=format!("/usagers/{}", u.id)>
                    <span class="avatar" aria-hidden="true">{u.initials()}</span>
                    <span class="usager-text">
                        <span class="usager-name">{name.clone()}</span>
                        <span class="usager-places">{u.places.join(" · ")}</span>
                    </span>
                </a>
                <button
                    type="button"
                    class="button note-button"
                    aria-expanded=move || open().to_string()
                    aria-label=label
                    on:click=move |_| writing.set(if open() { None } else { Some(id) })
                >"✎ Note"</button>
            </div>
            <Show when=open>
                <crate::ui::transmission::QuickNote usager_id=id usager=name.clone() compact=true/>
            </Show>
        </li>
    }
}

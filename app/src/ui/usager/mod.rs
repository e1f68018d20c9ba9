//! The usager's pages: "Mes usagers" (the people accompanied by the staff
//! member's units, here), the record page, its identity, administrative and
//! consent sections, and the family's list.

pub mod administrative;
pub mod consent;
pub mod family;
pub mod identity;
pub mod record;

use crate::ui::{error_view, Layout};
use crate::usager::{my_usagers, UsagerListing, UsagerSummary};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// `/usagers`: a searchable list, one large touch target per person. A
/// unit's list comes whole and is filtered as one types; a perimeter larger
/// than one answer is searched on the server after a pause in typing (and
/// by the form's `?q=` without JavaScript).
#[component]
pub fn UsagersPage() -> impl IntoView {
    let query = use_query_map();
    let initial = query.read_untracked().get("q").unwrap_or_default();
    let search = RwSignal::new(initial.clone());
    // The search the server answered.
    let asked = RwSignal::new(initial);
    let usagers = Resource::new(move || asked.get(), |q| my_usagers(Some(q)));
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        search.set(typed.clone());
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let partial = usagers
            .get_untracked()
            .and_then(Result::ok)
            .is_some_and(|l| !l.complete());
        if partial {
            let h = set_timeout_with_handle(
                move || asked.set(typed),
                std::time::Duration::from_millis(300),
            )
            .ok();
            timer.set_value(h);
        }
    };

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
                        on:input=on_input
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
fn UsagerList(list: UsagerListing, search: RwSignal<String>) -> impl IntoView {
    let UsagerListing {
        total,
        matching,
        ref alerts,
        ref late,
        ref late_doses,
        reads_soins,
        ..
    } = list;
    let alerts = alerts.clone();
    let late = late.clone();
    let late_doses = late_doses.clone();
    let complete = list.complete();
    let list = list.usagers;
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
        {crate::ui::soins::unit_alerts_panel(alerts)}
        {reads_soins.then(|| view! {
            <p class="quick-links">
                <a href="/tournee" data-testid="lien-tournee">"Tournée de soins de mon unité"</a>
                " · "<a href="/distribution" data-testid="lien-distribution">"Distribution des médicaments"</a>
            </p>
        })}
        {crate::ui::soins::round::late_panel(late)}
        {crate::ui::medication::round::late_doses_panel(late_doses)}
        <p class="count" aria-live="polite">
            {move || {
                let n = shown.get().len();
                if total == 0 {
                    "Aucun usager n’est accompagné par vos unités.".to_string()
                } else if !complete {
                    partial_count(n, matching, total)
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

/// The count above a list that is not the whole perimeter.
fn partial_count(shown: usize, matching: usize, total: usize) -> String {
    let found = if matching == total {
        format!("{total} usagers")
    } else {
        format!("{matching} sur {total}")
    };
    if shown < matching {
        format!("{found} : les {shown} premiers par nom sont affichés. Tapez un nom pour trouver les autres.")
    } else {
        found
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

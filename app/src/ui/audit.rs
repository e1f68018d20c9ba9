//! The audit trail's pages: search (DPO, direction) and the review of
//! emergency accesses (chef de service, direction, DPO).

use super::{error_view, ErrorNotice, Layout};
use crate::access::{break_glass_list, search_audit, AccessLine, AuditFilter, ReviewBreakGlass};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A table of accesses.
#[component]
pub fn AccessTable(lines: Vec<AccessLine>, show_usager: bool) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">"Aucun accès enregistré."</p> }.into_any();
    }
    view! {
        // Focusable so that a keyboard can scroll it on narrow screens.
        <div class="table-scroll" tabindex="0" role="region" aria-label="Liste des accès">
            <table class="trail" data-testid="trail">
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Personne"</th>
                        {show_usager.then(|| view! { <th scope="col">"Usager"</th> })}
                        <th scope="col">"Section"</th>
                        <th scope="col">"Résultat"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr class:denied=!l.allowed>
                            <td>{l.at}</td>
                            <td>{l.who}<br/><span class="muted">{l.profession}</span></td>
                            {show_usager.then(|| view! { <td>{l.usager.clone()}</td> })}
                            <td>{l.section}<br/><span class="muted">{l.action}</span></td>
                            <td>
                                {if l.allowed { "autorisé" } else { "refusé" }}
                                {l.break_glass.then(|| view! { <br/><strong>"bris de glace"</strong> })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `/tracabilite`: the organisation's trail, searchable by usager, staff
/// member, dates, refusals and emergency accesses. A GET form, so a search
/// is a link that can be shared with a colleague.
#[component]
pub fn TrailPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AuditFilter {
            usager: get("usager"),
            staff: get("personne"),
            from: get("du"),
            to: get("au"),
            denied_only: q.get("refus").is_some(),
            break_glass_only: q.get("urgence").is_some(),
        }
    };
    let lines = Resource::new(filter, search_audit);
    let initial = filter();
    view! {
        <Title text="Traçabilité des accès"/>
        <Layout>
            <div class="page">
                <h1>"Traçabilité des accès"</h1>
                <form method="get" action="/tracabilite" class="filters">
                    <div class="field"><label for="f-usager">"Usager"</label>
                        <input id="f-usager" name="usager" type="text" value=initial.usager/></div>
                    <div class="field"><label for="f-personne">"Professionnel"</label>
                        <input id="f-personne" name="personne" type="text" value=initial.staff/></div>
                    <div class="field"><label for="f-du">"Du"</label>
                        <input id="f-du" name="du" type="date" value=initial.from/></div>
                    <div class="field"><label for="f-au">"Au"</label>
                        <input id="f-au" name="au" type="date" value=initial.to/></div>
                    <label class="check"><input type="checkbox" name="refus" checked=initial.denied_only/>" Accès refusés seulement"</label>
                    <label class="check"><input type="checkbox" name="urgence" checked=initial.break_glass_only/>" Bris de glace seulement"</label>
                    <button type="submit" class="button button-primary">"Rechercher"</button>
                </form>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match lines.await {
                            Ok(lines) => view! { <AccessTable lines show_usager=true/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

/// `/bris-de-glace`: emergency accesses to review.
#[component]
pub fn BreakGlassPage() -> impl IntoView {
    let review = ServerAction::<ReviewBreakGlass>::new();
    let list = Resource::new(move || review.version().get(), |_| break_glass_list());
    let error = move || review.value().get().and_then(|r| r.err());
    view! {
        <Title text="Bris de glace"/>
        <Layout>
            <div class="page">
                <h1>"Accès d’urgence (bris de glace)"</h1>
                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted">"Aucun accès d’urgence."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="cards" data-testid="break-glass-list">
                                    {list.into_iter().map(|b| view! {
                                        <li class="card">
                                            <p><strong>{b.who}</strong>" → "<strong>{b.usager}</strong></p>
                                            <p class="muted">{format!("Le {}, jusqu’au {}", b.granted_at, b.expires_at)}</p>
                                            <p>"Motif : "{b.reason}</p>
                                            {match b.review {
                                                Some(text) => view! { <p class="reviewed">{text}</p> }.into_any(),
                                                None if b.own => view! {
                                                    <p class="muted">"Votre propre demande : une autre personne de l’encadrement l’examinera."</p>
                                                }.into_any(),
                                                None => view! {
                                                    <ActionForm action=review>
                                                        <input type="hidden" name="id" value=b.id.to_string()/>
                                                        <div class="field">
                                                            <label for=format!("c-{}", b.id)>"Commentaire d’examen"</label>
                                                            <input id=format!("c-{}", b.id) name="comment" type="text"/>
                                                        </div>
                                                        <button type="submit" class="button button-primary">"Marquer comme examiné"</button>
                                                    </ActionForm>
                                                }.into_any(),
                                            }}
                                        </li>
                                    }).collect_view()}
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

//! The deadlines panel of the home page.

use crate::projet::{get_echeances, Echeances};
use leptos::prelude::*;

/// On the home page: the deadlines of the caller's projects and, for those
/// who lead a service, the indicators per établissement. Part of the first
/// load: drawn by a `#[lazy]` function, a click during the home page's
/// hydration (waiting for that part) left the page unhydrated.
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
                panel(e)
            })}
        </Transition>
    }
}

fn panel(e: Echeances) -> AnyView {
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
                                        None => view! { <a href=format!("/usagers/{}/projet", d.usager_id)>"Commencer le projet"</a> }.into_any(),
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                        </details>
                        })}
                    </section>
                }.into_any()
}

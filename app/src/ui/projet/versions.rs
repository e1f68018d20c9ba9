//! The validated versions, the history and the comparison of two versions.

use crate::error::AppError;
use crate::projet::{compare_versions, ProjetView};
use crate::ui::ErrorNotice;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn Versions(p: ProjetView) -> impl IntoView {
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

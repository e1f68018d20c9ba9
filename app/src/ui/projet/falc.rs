//! The objectives as the person will read them (easy-to-read preview).

use crate::projet::falc::svg;
use crate::projet::{ElementContent, ProjetView};
use leptos::prelude::*;

/// The objectives as the person will read them.
#[component]
pub(super) fn FalcPreview(p: ProjetView) -> impl IntoView {
    let objectives: Vec<(String, Vec<String>)> = p
        .elements
        .iter()
        .filter_map(|e| match &e.content {
            ElementContent::Objectif {
                title,
                falc,
                pictogram,
                ..
            } if e.status.as_deref() != Some("ANNULE") => {
                let lines = crate::projet::falc::lines(falc);
                Some((
                    pictogram.clone(),
                    if lines.is_empty() {
                        vec![title.clone()]
                    } else {
                        lines
                    },
                ))
            }
            _ => None,
        })
        .collect();
    (!objectives.is_empty()).then(|| view! {
        <details class="falc-preview">
            <summary>"Aperçu facile à lire"</summary>
            <div class="falc" lang="fr">
                {objectives.into_iter().map(|(picto, lines)| view! {
                    <div class="falc-item">
                        <span class="picto" inner_html=svg(&picto, 64)></span>
                        <div>{lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}</div>
                    </div>
                }).collect_view()}
            </div>
        </details>
    })
}

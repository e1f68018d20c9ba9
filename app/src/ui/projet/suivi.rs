//! Bilans and accords of a project in force.

use crate::error::AppError;
use crate::projet::{
    add_accord, add_bilan, AccordForm, BilanForm, ElementContent, EvaluationForm, EvaluationResult,
    Party, ProjetView, Statut,
};
use crate::ui::ErrorNotice;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::*;

#[component]
pub(super) fn SuiviBlock(p: ProjetView, reload: RwSignal<u32>) -> impl IntoView {
    let (id, pid) = (p.usager_id, p.id);
    let error = RwSignal::new(None::<AppError>);
    let held_on = RwSignal::new(String::new());
    let synthesis = RwSignal::new(String::new());
    let invited = RwSignal::new(String::new());
    let preparation = RwSignal::new(String::new());
    let preparation_by = RwSignal::new(String::new());
    let next_review = RwSignal::new(String::new());
    let objectives: Vec<(Uuid, String)> = p
        .elements
        .iter()
        .filter(|o| {
            matches!(o.content, ElementContent::Objectif { .. })
                && o.status.as_deref() != Some("ANNULE")
        })
        .map(|o| (o.id, o.content.name()))
        .collect();
    let evaluations: Vec<(Uuid, RwSignal<String>, RwSignal<String>)> = objectives
        .iter()
        .map(|(o, _)| {
            (
                *o,
                RwSignal::new(String::new()),
                RwSignal::new(String::new()),
            )
        })
        .collect();
    let evals = StoredValue::new(evaluations.clone());
    let key = Uuid::new_v4();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = BilanForm {
            held_on: held_on.get_untracked(),
            synthesis: synthesis.get_untracked(),
            invited: invited.get_untracked(),
            preparation: preparation.get_untracked(),
            preparation_by: preparation_by.get_untracked(),
            next_review: next_review.get_untracked(),
            evaluations: evals
                .get_value()
                .iter()
                .filter(|(_, r, _)| !r.get_untracked().is_empty())
                .map(|(o, r, c)| EvaluationForm {
                    objectif_id: *o,
                    result: r.get_untracked(),
                    comment: c.get_untracked(),
                })
                .collect(),
        };
        spawn_local(async move {
            match add_bilan(id, pid, key, form).await {
                Ok(()) => bump(reload),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let party = RwSignal::new("usager".to_string());
    let signatory = RwSignal::new(String::new());
    let signed_on = RwSignal::new(String::new());
    let valid_until = RwSignal::new(String::new());
    let accord_key = Uuid::new_v4();
    let accord = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = AccordForm {
            party: party.get_untracked(),
            signatory: signatory.get_untracked(),
            signed_on: signed_on.get_untracked(),
            valid_until: valid_until.get_untracked(),
            document_id: None,
        };
        spawn_local(async move {
            match add_accord(id, pid, accord_key, form).await {
                Ok(()) => bump(reload),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let writable = p.can_write && p.status != Statut::Termine;
    view! {
        <p>"Prochaine révision au plus tard le " <strong>{if p.due.is_empty() { "— (à fixer)".to_string() } else { p.due.clone() }}</strong></p>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        <h3>"Bilans"</h3>
        {p.bilans.is_empty().then(|| view! { <p class="muted">"Aucun bilan."</p> })}
        <ul class="cards">
            {p.bilans.iter().map(|b| view! {
                <li class="card">
                    <p><strong>{format!("Bilan du {}", b.held_on)}</strong>" · "{format!("prochaine révision le {}", b.next_review)}</p>
                    {(!b.invited.is_empty()).then(|| view! { <p class="muted">"Invités : "{b.invited.clone()}</p> })}
                    {(!b.preparation.is_empty()).then(|| view! { <p>{format!("Préparation ({}) : ", b.preparation_by)}<q>{b.preparation.clone()}</q></p> })}
                    <p class="prose">{b.synthesis.clone()}</p>
                    <ul>{b.evaluations.iter().map(|e| view! { <li>{format!("{} : {} {}", e.objectif, e.result, e.comment)}</li> }).collect_view()}</ul>
                    <p class="muted">{b.written.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
        {writable.then(|| view! {
            <details class="edit">
                <summary>"Enregistrer un bilan"</summary>
                <form class="form-grid" on:submit=submit>
                    <div class="field"><label for="bi-date">"Date du bilan"</label><input id="bi-date" type="date" bind:value=held_on/></div>
                    <div class="field"><label for="bi-inv">"Personnes invitées"</label><input id="bi-inv" type="text" bind:value=invited/></div>
                    <div class="field"><label for="bi-prep">"Synthèse préparatoire (par la personne ou un proche)"</label><textarea id="bi-prep" rows="3" bind:value=preparation></textarea></div>
                    <div class="field"><label for="bi-prep-by">"Écrite par"</label><input id="bi-prep-by" type="text" bind:value=preparation_by/></div>
                    <div class="field"><label for="bi-syn">"Synthèse du bilan"</label><textarea id="bi-syn" rows="4" bind:value=synthesis></textarea></div>
                    {evaluations.into_iter().zip(objectives).map(|((oid, result, comment), (_, name))| view! {
                        <fieldset class="field"><legend>{format!("Objectif « {name} »")}</legend>
                            <label for=format!("ev-{oid}")>"Évaluation"</label>
                            <select id=format!("ev-{oid}") on:change=move |ev| result.set(event_target_value(&ev))>
                                <option value="">"— non évalué —"</option>
                                {EvaluationResult::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                            </select>
                            <label for=format!("evc-{oid}")>"Commentaire"</label>
                            <input id=format!("evc-{oid}") type="text" bind:value=comment/>
                        </fieldset>
                    }).collect_view()}
                    <div class="field"><label for="bi-next">"Date de la prochaine révision"</label><input id="bi-next" type="date" bind:value=next_review/></div>
                    <button type="submit" class="button button-primary">"Enregistrer le bilan"</button>
                </form>
            </details>
        })}
        <h3>"Accords"</h3>
        {p.accords.is_empty().then(|| view! { <p class="muted">"Aucun accord enregistré."</p> })}
        <ul>
            {p.accords.iter().map(|a| view! {
                <li>{format!("{} — {}, le {}{} (version {})", a.party, a.signatory, a.signed_on,
                    if a.valid_until.is_empty() { String::new() } else { format!(", valable jusqu’au {}", a.valid_until) }, a.version)}
                    {a.document_id.map(|d| view! { " · " <a href=format!("/documents/{d}")>"exemplaire signé"</a> })}
                </li>
            }).collect_view()}
        </ul>
        {(writable && !p.versions.is_empty()).then(|| view! {
            <details class="edit">
                <summary>"Enregistrer un accord"</summary>
                <form class="form-grid" on:submit=accord>
                    <div class="field"><label for="ac-party">"Qui donne son accord"</label>
                        <select id="ac-party" on:change=move |ev| party.set(event_target_value(&ev))>
                            {Party::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                        </select></div>
                    <div class="field"><label for="ac-who">"Nom du signataire"</label><input id="ac-who" type="text" bind:value=signatory/></div>
                    <div class="field"><label for="ac-date">"Date de l’accord"</label><input id="ac-date" type="date" bind:value=signed_on/></div>
                    <div class="field"><label for="ac-until">"Valable jusqu’au (facultatif)"</label><input id="ac-until" type="date" bind:value=valid_until/></div>
                    <p class="muted">"L’exemplaire papier signé se dépose dans les documents du dossier."</p>
                    <button type="submit" class="button button-primary">"Enregistrer l’accord"</button>
                </form>
            </details>
        })}
    }
}

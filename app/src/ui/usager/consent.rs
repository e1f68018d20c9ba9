//! Consents and oppositions to sharing, in the administrative part of the
//! record: the decision in force for each scope, and the form to record one.

use crate::ui::{error_view, ErrorNotice};
use crate::usager::consent::{get_consents, ConsentScope, RecordConsent};
use leptos::prelude::*;
use uuid::Uuid;

/// Consents and oppositions to sharing: the decision in force for each
/// scope, and the form to record a new one (for those who may).
#[component]
pub fn ConsentBlock(id: Uuid) -> impl IntoView {
    let record = ServerAction::<RecordConsent>::new();
    let consents = Resource::new(
        move || (id, record.version().get()),
        |(id, _)| get_consents(id),
    );
    let error = move || record.value().get().and_then(|r| r.err());
    view! {
        <section aria-labelledby="titre-consentements" class="consents record-section">
            <h2 id="titre-consentements">"Consentements et oppositions"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match consents.await {
                        Ok(c) => view! {
                            <ul class="plain-list" data-testid="consents">
                                {ConsentScope::ALL.into_iter().map(|scope| {
                                    let line = match c.current(scope) {
                                        Some(v) => format!(
                                            "{} {}, le {} (saisi par {})",
                                            if v.opposition { "Opposition" } else { "Consentement" },
                                            v.expressed_by, v.recorded_at, v.recorded_by
                                        ),
                                        None => "Rien n’a été recueilli.".to_string(),
                                    };
                                    view! { <li><strong>{scope.label()}</strong>" : "{line}</li> }
                                }).collect_view()}
                            </ul>
                            {c.can_record.then(|| view! {
                                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                                <ActionForm action=record attr:class="consent-form">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field">
                                        <label for="c-scope">"Décision concernant"</label>
                                        <select id="c-scope" name="scope">
                                            {ConsentScope::ALL.into_iter().map(|s| view! {
                                                <option value=s.code()>{s.label()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="c-decision">"Décision"</label>
                                        <select id="c-decision" name="decision">
                                            <option value="consentement">"Consentement"</option>
                                            <option value="opposition">"Opposition"</option>
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="c-by">"Exprimée par"</label>
                                        <select id="c-by" name="expressed_by">
                                            <option value="usager">"La personne"</option>
                                            <option value="representant_legal">"Son représentant légal"</option>
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="c-comment">"Commentaire (facultatif)"</label>
                                        <input id="c-comment" name="comment" type="text"/>
                                    </div>
                                    <button type="submit" class="button button-primary">"Enregistrer la décision"</button>
                                </ActionForm>
                            })}
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

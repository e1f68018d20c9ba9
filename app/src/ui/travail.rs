//! The ESAT work section of a record.

use super::{error_view, ErrorNotice};
use crate::travail::{get_travail, AddObservation, SaveTravail};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn TravailSection(id: Uuid) -> impl IntoView {
    let save = ServerAction::<SaveTravail>::new();
    let observe = ServerAction::<AddObservation>::new();
    let sheet = Resource::new(
        move || (save.version().get(), observe.version().get()),
        move |_| get_travail(id),
    );
    let error = move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| observe.value().get().and_then(|r| r.err()))
    };
    view! {
        <section id="travail" aria-labelledby="titre-travail" class="record-section">
            <h2 id="titre-travail">"Travail (ESAT)"</h2>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    let t = match sheet.await {
                        Ok(t) => t,
                        Err(e) => return error_view(e),
                    };
                    let s = t.sheet.clone().unwrap_or_default();
                    view! {
                        {match &t.sheet {
                            Some(s) => view! {
                                <dl class="facts">
                                    <dt>"Atelier"</dt><dd>{s.atelier.clone()}</dd>
                                    <dt>"Poste"</dt><dd>{s.poste.clone()}</dd>
                                    <dt>"Horaires"</dt><dd>{s.schedule.clone()}</dd>
                                    <dt>"Compétences"</dt><dd>{s.skills.clone()}</dd>
                                    <dt>"Formations"</dt><dd>{s.training.clone()}</dd>
                                </dl>
                                <p class="muted">{t.updated.clone()}</p>
                            }.into_any(),
                            None => view! { <p class="muted">"Aucune fiche de travail."</p> }.into_any(),
                        }}
                        <h3>"Observations"</h3>
                        <ul class="notes">
                            {t.observations.iter().map(|o| view! {
                                <li class="note"><p class="muted">{format!("{} · {}", o.written_at, o.author)}</p><p>{o.body.clone()}</p></li>
                            }).collect_view()}
                        </ul>
                        {t.can_write.then(|| view! {
                            <details class="edit">
                                <summary>"Ajouter une observation"</summary>
                                <ActionForm action=observe attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <input type="hidden" name="key" value=Uuid::new_v4().to_string()/>
                                    <div class="field"><label for="tr-obs">"Observation"</label><textarea id="tr-obs" name="body" rows="3"></textarea></div>
                                    <button type="submit" class="button button-primary">"Enregistrer l’observation"</button>
                                </ActionForm>
                            </details>
                            <details class="edit">
                                <summary>"Modifier la fiche de travail"</summary>
                                <ActionForm action=save attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <input type="hidden" name="version" value=t.version.to_string()/>
                                    <div class="field"><label for="tr-at">"Atelier"</label><input id="tr-at" name="form[atelier]" type="text" value=s.atelier.clone()/></div>
                                    <div class="field"><label for="tr-po">"Poste"</label><input id="tr-po" name="form[poste]" type="text" value=s.poste.clone()/></div>
                                    <div class="field"><label for="tr-ho">"Horaires"</label><input id="tr-ho" name="form[schedule]" type="text" value=s.schedule.clone()/></div>
                                    <div class="field"><label for="tr-co">"Compétences"</label><textarea id="tr-co" name="form[skills]" rows="3">{s.skills.clone()}</textarea></div>
                                    <div class="field"><label for="tr-fo">"Formations"</label><textarea id="tr-fo" name="form[training]" rows="2">{s.training.clone()}</textarea></div>
                                    <button type="submit" class="button button-primary">"Enregistrer la fiche"</button>
                                </ActionForm>
                            </details>
                        })}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

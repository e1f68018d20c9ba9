//! The administrative record: contacts, protection, external
//! professionals, référents and accompaniments (admission, end, transfer).

use crate::ui::{error_view, ErrorNotice};
use crate::usager::administrative::{
    get_administrative, place_code, AddContact, AddProfessional, AddProtection, Admit, ContactRole,
    EndAccompaniment, EntryMode, ExitMode, ProtectionKind, SetReferent,
};
use leptos::prelude::*;
use uuid::Uuid;

/// Contacts, protection, professionals, référents, accompaniments.
#[component]
pub fn AdministrativeSection(id: Uuid) -> impl IntoView {
    let contact = ServerAction::<AddContact>::new();
    let protection = ServerAction::<AddProtection>::new();
    let admit = ServerAction::<Admit>::new();
    let end = ServerAction::<EndAccompaniment>::new();
    let professional = ServerAction::<AddProfessional>::new();
    let referent = ServerAction::<SetReferent>::new();
    let file = Resource::new(
        move || {
            (
                contact.version().get(),
                protection.version().get(),
                admit.version().get(),
                end.version().get(),
                professional.version().get(),
                referent.version().get(),
            )
        },
        move |_| get_administrative(id),
    );
    let error = move || {
        [
            contact.value().get().and_then(|r| r.err()),
            protection.value().get().and_then(|r| r.err()),
            admit.value().get().and_then(|r| r.err()),
            end.value().get().and_then(|r| r.err()),
            professional.value().get().and_then(|r| r.err()),
            referent.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <section id="administratif" aria-labelledby="titre-administratif" class="record-section">
            <h2 id="titre-administratif">"Entourage et administratif"</h2>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    let f = match file.await {
                        Ok(f) => f,
                        Err(e) => return error_view(e),
                    };
                    let places = StoredValue::new(f.places.clone());
                    let candidates = StoredValue::new(f.referent_candidates.clone());
                    view! {
                        <h3>"Contacts"</h3>
                        <ul class="plain-list" data-testid="contacts">
                            {f.contacts.iter().map(|c| view! {
                                <li>
                                    <strong>{c.name.clone()}</strong>
                                    {format!(" — {} ({})", c.role.label(), c.relationship)}
                                    {c.phone.clone().map(|p| view! { " · " <a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a> })}
                                    {c.email.clone().map(|m| format!(" · {m}"))}
                                </li>
                            }).collect_view()}
                        </ul>
                        <h3>"Mesure de protection"</h3>
                        {f.protections.is_empty().then(|| view! { <p class="muted">"Aucune mesure enregistrée."</p> })}
                        <ul class="plain-list">
                            {f.protections.iter().map(|p| view! {
                                <li class:past=!p.current><strong>{p.kind.clone()}</strong>
                                    {format!(" — {} ({})", p.mandataire, p.period)}
                                    {p.phone.clone().map(|t| format!(" · {t}"))}</li>
                            }).collect_view()}
                        </ul>
                        <h3>"Professionnels extérieurs"</h3>
                        <ul class="plain-list">
                            {f.professionals.iter().map(|p| view! {
                                <li><strong>{p.name.clone()}</strong>{format!(" — {}", p.role)}{p.phone.clone().map(|t| format!(" · {t}"))}</li>
                            }).collect_view()}
                        </ul>
                        <h3>"Référents"</h3>
                        <ul class="plain-list" data-testid="referents">
                            {f.referents.iter().map(|r| view! {
                                <li><strong>{r.name.clone()}</strong>{format!(" — {} (depuis le {})", r.etablissement, r.since)}</li>
                            }).collect_view()}
                        </ul>
                        <h3>"Accompagnements"</h3>
                        <ul class="plain-list">
                            {f.accompagnements.iter().map(|a| {
                                let aid = a.id;
                                let current = a.current && f.can_edit;
                                view! {
                                    <li class:past=!a.current>
                                        <strong>{a.etablissement.clone()}</strong>
                                        {a.unit.clone().map(|u| format!(" — {u}"))}
                                        <span class="muted">{format!(" ({}, {}{})", a.period, a.entry_mode.to_lowercase(),
                                            a.exit_mode.clone().map(|m| format!(", sortie : {}", m.to_lowercase())).unwrap_or_default())}</span>
                                        {current.then(|| view! {
                                            <details class="edit">
                                                <summary>"Terminer ou transférer"</summary>
                                                <ActionForm action=end attr:class="form-grid">
                                                    <input type="hidden" name="id" value=id.to_string()/>
                                                    <input type="hidden" name="accompagnement_id" value=aid.to_string()/>
                                                    <div class="field"><label for=format!("fin-{aid}")>"Date de fin"</label>
                                                        <input id=format!("fin-{aid}") type="date" name="end_date"/></div>
                                                    <div class="field"><label for=format!("mode-{aid}")>"Mode de sortie"</label>
                                                        <select id=format!("mode-{aid}") name="exit_mode">
                                                            {ExitMode::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                                                        </select></div>
                                                    <div class="field"><label for=format!("vers-{aid}")>"Transfert vers (facultatif)"</label>
                                                        <select id=format!("vers-{aid}") name="transfer_to">
                                                            <option value="">"Pas de transfert"</option>
                                                            {places.get_value().iter().map(|p| view! { <option value=place_code(p)>{p.label.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <button type="submit" class="button">"Enregistrer la fin"</button>
                                                </ActionForm>
                                            </details>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {f.can_edit.then(|| view! {
                            <details class="edit">
                                <summary>"Ajouter un contact"</summary>
                                <ActionForm action=contact attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="ct-role">"Rôle"</label>
                                        <select id="ct-role" name="form[role]">
                                            {ContactRole::ALL.into_iter().map(|r| view! { <option value=r.code()>{r.label()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="ct-nom">"Nom"</label><input id="ct-nom" name="form[last_name]" type="text"/></div>
                                    <div class="field"><label for="ct-prenom">"Prénom"</label><input id="ct-prenom" name="form[first_name]" type="text"/></div>
                                    <div class="field"><label for="ct-lien">"Lien avec la personne"</label><input id="ct-lien" name="form[relationship]" type="text"/></div>
                                    <div class="field"><label for="ct-tel">"Téléphone"</label><input id="ct-tel" name="form[phone]" type="tel"/></div>
                                    <div class="field"><label for="ct-mail">"Courriel"</label><input id="ct-mail" name="form[email]" type="email"/></div>
                                    <button type="submit" class="button button-primary">"Ajouter le contact"</button>
                                </ActionForm>
                            </details>
                            <details class="edit">
                                <summary>"Ajouter une mesure de protection"</summary>
                                <ActionForm action=protection attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="pm-kind">"Mesure"</label>
                                        <select id="pm-kind" name="form[kind]">
                                            {ProtectionKind::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="pm-mand">"Mandataire"</label><input id="pm-mand" name="form[mandataire]" type="text"/></div>
                                    <div class="field"><label for="pm-tel">"Téléphone du mandataire"</label><input id="pm-tel" name="form[phone]" type="tel"/></div>
                                    <div class="field"><label for="pm-debut">"Début"</label><input id="pm-debut" name="form[start_date]" type="date"/></div>
                                    <div class="field"><label for="pm-fin">"Fin (facultatif)"</label><input id="pm-fin" name="form[end_date]" type="date"/></div>
                                    <button type="submit" class="button button-primary">"Ajouter la mesure"</button>
                                </ActionForm>
                            </details>
                            <details class="edit">
                                <summary>"Ajouter un professionnel extérieur"</summary>
                                <ActionForm action=professional attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="pe-role">"Fonction"</label><input id="pe-role" name="form[role]" type="text"/></div>
                                    <div class="field"><label for="pe-nom">"Nom"</label><input id="pe-nom" name="form[name]" type="text"/></div>
                                    <div class="field"><label for="pe-tel">"Téléphone"</label><input id="pe-tel" name="form[phone]" type="tel"/></div>
                                    <label class="check"><input type="checkbox" name="form[medecin_traitant]" value="true"/>" Médecin traitant (remplace le précédent)"</label>
                                    <button type="submit" class="button button-primary">"Ajouter le professionnel"</button>
                                </ActionForm>
                            </details>
                            <details class="edit">
                                <summary>"Désigner un référent"</summary>
                                <ActionForm action=referent attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="rf-qui">"Professionnel et établissement"</label>
                                        <select id="rf-qui" name="candidate">
                                            {candidates.get_value().iter().map(|c| view! { <option value=c.code()>{c.label.clone()}</option> }).collect_view()}
                                        </select></div>
                                    <button type="submit" class="button button-primary">"Désigner"</button>
                                </ActionForm>
                            </details>
                            <details class="edit">
                                <summary>"Admettre dans un établissement"</summary>
                                <ActionForm action=admit attr:class="form-grid">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <div class="field"><label for="ad-lieu">"Établissement et unité"</label>
                                        <select id="ad-lieu" name="place">
                                            {places.get_value().iter().map(|p| view! { <option value=place_code(p)>{p.label.clone()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="ad-date">"Date d’entrée"</label><input id="ad-date" name="start_date" type="date"/></div>
                                    <div class="field"><label for="ad-mode">"Mode d’entrée"</label>
                                        <select id="ad-mode" name="entry_mode">
                                            {EntryMode::LIST.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                                        </select></div>
                                    <button type="submit" class="button button-primary">"Admettre"</button>
                                </ActionForm>
                            </details>
                        })}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

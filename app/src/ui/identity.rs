//! The identity (INS) and administrative file sections of a record.

use super::{error_view, ErrorNotice};
use crate::usager::administrative::{
    get_administrative, place_code, AddContact, AddProfessional, AddProtection, Admit, ContactRole,
    EndAccompaniment, SetReferent, ENTRY_MODES, EXIT_MODES, PROTECTION_KINDS,
};
use crate::usager::identity::{IdentityView, Sex, TrustStatus, INS_OIDS};
use crate::usager::{get_identity, UpdateIdentity};
use leptos::prelude::*;
use uuid::Uuid;

fn french_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(crate::time::short_date)
        .unwrap_or_else(|_| iso.to_string())
}

#[component]
pub fn IdentitySection(id: Uuid) -> impl IntoView {
    let update = ServerAction::<UpdateIdentity>::new();
    let identity = Resource::new(
        move || (id, update.version().get()),
        |(id, _)| get_identity(id),
    );
    view! {
        <section id="identite" aria-labelledby="titre-identite" class="record-section">
            <h2 id="titre-identite">"Identité"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match identity.await {
                        Ok(v) => view! { <Identity v update/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Identity(v: IdentityView, update: ServerAction<UpdateIdentity>) -> impl IntoView {
    let status_class = match v.status {
        TrustStatus::Qual => "tag tag-ok",
        TrustStatus::Prov => "tag tag-alert",
        _ => "tag",
    };
    let error = move || update.value().get().and_then(|r| r.err());
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let flags = [
        v.doubtful.then_some("identité douteuse"),
        v.fictitious.then_some("identité fictive"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let matricule = match (&v.matricule, &v.oid) {
        (Some(m), oid) => {
            let kind = INS_OIDS
                .iter()
                .find(|(o, _)| Some(*o) == oid.as_deref())
                .map(|(_, k)| *k)
                .unwrap_or("INS");
            format!("{m} ({kind})")
        }
        _ => "Non affiché : l’identité n’est pas qualifiée.".to_string(),
    };
    let form = StoredValue::new(v.clone());
    view! {
        <p>
            <span class=status_class data-testid="identity-status">{v.status.label()}</span>
            {(!flags.is_empty()).then(|| view! { <span class="tag tag-alert">{flags}</span> })}
        </p>
        <dl class="facts">
            <dt>"Nom de naissance"</dt><dd>{v.birth_last_name.clone()}</dd>
            <dt>"Prénoms de naissance"</dt><dd>{v.birth_first_names.clone()}</dd>
            <dt>"Nom et prénom utilisés"</dt><dd>{format!("{} {}", v.used_first_name, v.used_last_name)}</dd>
            <dt>"Date de naissance"</dt><dd>{french_date(&v.birth_date)}</dd>
            <dt>"Sexe"</dt><dd>{v.sex.label()}</dd>
            <dt>"Lieu de naissance (code INSEE)"</dt><dd>{v.birthplace_insee.clone().unwrap_or_else(|| "Non renseigné".into())}</dd>
            <dt>"Matricule INS"</dt><dd data-testid="matricule">{matricule}</dd>
            <dt>"Adresse"</dt><dd>{v.address.clone().unwrap_or_else(|| "Non renseignée".into())}</dd>
            <dt>"Téléphone"</dt><dd>{v.phone.clone().unwrap_or_else(|| "Non renseigné".into())}</dd>
        </dl>
        {(!v.history.is_empty()).then(|| view! {
            <details>
                <summary>"Historique du statut de l’identité"</summary>
                <ul class="plain-list">{v.history.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view()}</ul>
            </details>
        })}
        {move || saved().then(|| view! { <p class="notice notice-success" role="status">"Identité enregistrée."</p> })}
        {move || error().map(|e| view! { <ErrorNotice error=e/> })}
        {v.can_edit.then(|| {
            let f = form.get_value();
            view! {
                <details class="edit">
                    <summary>"Modifier l’identité"</summary>
                    <ActionForm action=update attr:class="form-grid">
                        <input type="hidden" name="id" value=f.usager_id.to_string()/>
                        <input type="hidden" name="version" value=f.version.to_string()/>
                        <Text name="birth_last_name" label="Nom de naissance" value=f.birth_last_name.clone()/>
                        <Text name="birth_first_names" label="Prénoms de naissance (tous, dans l’ordre)" value=f.birth_first_names.clone()/>
                        <Text name="used_last_name" label="Nom utilisé" value=f.used_last_name.clone()/>
                        <Text name="used_first_name" label="Prénom utilisé" value=f.used_first_name.clone()/>
                        <div class="field">
                            <label for="i-birth_date">"Date de naissance"</label>
                            <input id="i-birth_date" type="date" name="form[birth_date]" value=f.birth_date.clone()/>
                        </div>
                        <div class="field">
                            <label for="i-sex">"Sexe"</label>
                            <select id="i-sex" name="form[sex]">
                                {[Sex::F, Sex::M, Sex::I].into_iter().map(|s| view! {
                                    <option value=s.code() selected=f.sex == s>{s.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <Text name="birthplace_insee" label="Lieu de naissance (code INSEE)" value=f.birthplace_insee.clone().unwrap_or_default()/>
                        <div class="field">
                            <label for="i-status">"Statut de l’identité"</label>
                            <select id="i-status" name="form[status]">
                                {TrustStatus::ALL.into_iter().map(|s| view! {
                                    <option value=s.code() selected=f.status == s>{s.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <label class="check"><input type="checkbox" name="form[doubtful]" value="true" checked=f.doubtful/>" Identité douteuse"</label>
                        <label class="check"><input type="checkbox" name="form[fictitious]" value="true" checked=f.fictitious/>" Identité fictive"</label>
                        <Text name="matricule" label="Matricule INS (NIR ou NIA, 15 caractères)" value=f.matricule.clone().unwrap_or_default()/>
                        <input type="hidden" name="form[oid]" value=f.oid.clone().unwrap_or_default()/>
                        <Text name="address" label="Adresse" value=f.address.clone().unwrap_or_default()/>
                        <Text name="phone" label="Téléphone" value=f.phone.clone().unwrap_or_default()/>
                        <Text name="reason" label="Motif du changement (obligatoire si un trait strict d’une identité qualifiée change)" value=String::new()/>
                        <button type="submit" class="button button-primary">"Enregistrer l’identité"</button>
                    </ActionForm>
                </details>
            }
        })}
    }
}

/// A labelled text input named `form[name]`.
#[component]
fn Text(name: &'static str, label: &'static str, value: String) -> impl IntoView {
    let id = format!("i-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" name=format!("form[{name}]") value=value/>
        </div>
    }
}

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
                                                            {EXIT_MODES.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
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
                                            {PROTECTION_KINDS.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
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
                                            {ENTRY_MODES.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
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

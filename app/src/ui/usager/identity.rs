//! The identity section of a record (INS: the strict traits, the matricule
//! shown only for a qualified identity, the RNIV status).

use crate::ui::{error_view, ErrorNotice};
use crate::usager::identity::{IdentityView, Sex, TrustStatus, INS_OIDS};
use crate::usager::{get_identity, UpdateIdentity};
use leptos::prelude::*;
use uuid::Uuid;

pub(super) fn french_date(iso: &str) -> String {
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
pub(super) fn Text(name: &'static str, label: &'static str, value: String) -> impl IntoView {
    let id = format!("i-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" name=format!("form[{name}]") value=value/>
        </div>
    }
}

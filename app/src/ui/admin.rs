//! `/administration/droits`: the organisation's matrix, profession by
//! profession (administrators).

use super::{error_view, ErrorNotice, Layout};
use crate::access::{get_matrix, MatrixRow, Section, SetProfessionPermissions};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RightsPage() -> impl IntoView {
    let save = ServerAction::<SetProfessionPermissions>::new();
    let matrix = Resource::new(move || save.version().get(), |_| get_matrix());
    let error = move || save.value().get().and_then(|r| r.err());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <Title text="Droits d’accès"/>
        <Layout>
            <div class="page">
                <h1>"Droits d’accès par profession"</h1>
                <p>
                    "Chaque profession lit ou modifie les sections du dossier des usagers qu’elle accompagne. "
                    "La section médicale est réservée aux médecins, infirmiers et psychologues."
                </p>
                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                <Show when=saved>
                    <div class="notice notice-info" role="status"><p>"Droits enregistrés."</p></div>
                </Show>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match matrix.await {
                            Ok(rows) => view! {
                                <div class="rights">
                                    {rows.into_iter().map(|row| view! { <RightsRow row save/> }).collect_view()}
                                </div>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
fn RightsRow(row: MatrixRow, save: ServerAction<SetProfessionPermissions>) -> impl IntoView {
    let code = row.profession.code();
    view! {
        <ActionForm action=save attr:class="rights-row" attr:aria-label=row.profession.label()>
            <h2>{row.profession.label()}</h2>
            <input type="hidden" name="profession" value=code/>
            <div class="rights-cells">
                {Section::ALL.into_iter().zip(row.levels).map(|(section, level)| {
                    let id = format!("{code}-{}", section.code());
                    view! {
                        <div class="field">
                            <label for=id.clone()>{section.label()}</label>
                            <select id=id name=section.code()>
                                <option value="aucun" selected=level == "aucun">"Aucun accès"</option>
                                <option value="lecture" selected=level == "lecture">"Lecture"</option>
                                <option value="ecriture" selected=level == "ecriture">"Lecture et écriture"</option>
                            </select>
                        </div>
                    }
                }).collect_view()}
            </div>
            <button type="submit" class="button button-primary">"Enregistrer"</button>
        </ActionForm>
    }
}

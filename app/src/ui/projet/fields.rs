//! A template text field: autosaved, kept on the tablet until the server has it, conflicts shown.

use crate::error::AppError;
use crate::projet::trame::TrameField;
use crate::projet::{get_projet, save_field, FieldValue};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// A draft kept on the tablet until the server has it.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Draft {
    value: String,
    version: i32,
}

pub(super) fn draft_key(projet: Uuid, key: &str) -> String {
    format!("parcours.projet.{projet}.{key}")
}

pub(super) fn draft_get(_k: &str) -> Option<Draft> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::get(_k).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

pub(super) fn draft_set(_k: &str, _d: &Draft) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        let _ = gloo_storage::LocalStorage::set(_k, _d);
    }
}

pub(super) fn draft_clear(_k: &str) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::delete(_k);
    }
}

/// A template field: saved a moment after typing stops, kept on the tablet
/// until the server has it; another writer's save in between is shown as a
/// conflict with both texts, never overwritten silently.
#[component]
pub(super) fn FieldEditor(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    field: TrameField,
    value: FieldValue,
    editable: bool,
) -> impl IntoView {
    let dom_id = format!("pp-champ-{}", field.key);
    let label = format!(
        "{}{}",
        field.label,
        if field.required { " (obligatoire)" } else { "" }
    );
    if !editable {
        return view! {
            <div class="field">
                <h3>{label}</h3>
                <p class="prose">{if value.value.is_empty() { "(non renseigné)".to_string() } else { value.value.clone() }}</p>
            </div>
        }
        .into_any();
    }
    let key = field.key.clone();
    let storage = draft_key(projet, &key);
    let text = RwSignal::new(value.value.clone());
    let version = RwSignal::new(value.version);
    let state = RwSignal::new(value.updated.clone());
    let theirs = RwSignal::new(None::<(String, i32)>);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let save = {
        let (key, storage) = (key.clone(), storage.clone());
        move || {
            let (key, storage) = (key.clone(), storage.clone());
            let value = text.get_untracked();
            let base = version.get_untracked();
            state.set("Enregistrement…".into());
            spawn_local(async move {
                match save_field(id, projet, session, key.clone(), base, value.clone()).await {
                    Ok(v) => {
                        version.set(v);
                        if draft_get(&storage).is_some_and(|d| d.value == value) {
                            draft_clear(&storage);
                        }
                        state.set("Enregistré".into());
                    }
                    Err(AppError::Stale { current_version }) => {
                        let current = get_projet(id, projet)
                            .await
                            .ok()
                            .and_then(|p| p.fields.get(&key).map(|f| f.value.clone()))
                            .unwrap_or_default();
                        theirs.set(Some((current, current_version)));
                        state.set(String::new());
                    }
                    Err(AppError::Transport { .. }) => state.set(
                        "Pas de réseau : le texte est gardé sur cette tablette et sera envoyé au retour du réseau.".into(),
                    ),
                    Err(e) => state.set(e.message_fr()),
                }
            });
        }
    };
    let save = StoredValue::new(save);
    let schedule = {
        let storage = storage.clone();
        move || {
            draft_set(
                &storage,
                &Draft {
                    value: text.get_untracked(),
                    version: version.get_untracked(),
                },
            );
            state.set("Modifications non enregistrées…".into());
            if let Some(h) = timer.get_value() {
                h.clear();
            }
            let h = set_timeout_with_handle(
                move || save.with_value(|s| s()),
                std::time::Duration::from_millis(1200),
            )
            .ok();
            timer.set_value(h);
        }
    };
    // A draft left on this tablet (dropped connection, closed page) comes back.
    {
        let restored = storage.clone();
        Effect::new(move |_| {
            let storage = &restored;
            if let Some(d) = draft_get(storage) {
                if d.value != text.get_untracked() {
                    text.set(d.value);
                    version.set(d.version);
                    state.set("Brouillon retrouvé sur cette tablette : envoi…".into());
                    save.with_value(|s| s());
                } else {
                    draft_clear(storage);
                }
            }
        });
        let storage = storage.clone();
        let online = window_event_listener(leptos::ev::online, move |_| {
            if draft_get(&storage).is_some() {
                save.with_value(|s| s());
            }
        });
        on_cleanup(move || online.remove());
    }
    let forget = storage.clone();
    view! {
        <div class="field pp-field" data-champ=key.clone()>
            <label for=dom_id.clone()>{label}</label>
            {(!field.guidance.is_empty()).then(|| view! { <p class="guidance">{field.guidance.clone()}</p> })}
            <textarea id=dom_id rows="5" prop:value=move || text.get()
                on:input=move |ev| { text.set(event_target_value(&ev)); schedule(); }></textarea>
            <p class="muted save-state" aria-live="polite">{move || state.get()}</p>
            {move || theirs.get().map(|(current, current_version)| view! {
                <div class="notice notice-warning" role="alert" data-testid="conflit">
                    <p><strong>"Quelqu’un d’autre a modifié ce champ pendant que vous écriviez."</strong>
                       " Votre texte n’a pas été enregistré. Sa version :"</p>
                    <blockquote class="prose">{current.clone()}</blockquote>
                    <button type="button" class="button" on:click=move |_| {
                        version.set(current_version);
                        theirs.set(None);
                        save.with_value(|s| s());
                    }>"Garder mon texte (remplace le sien)"</button>
                    <button type="button" class="button" on:click={
                        let current = current.clone();
                        let forget = forget.clone();
                        move |_| {
                            text.set(current.clone());
                            version.set(current_version);
                            draft_clear(&forget);
                            theirs.set(None);
                            state.set("Sa version est reprise.".into());
                        }
                    }>"Reprendre sa version"</button>
                </div>
            })}
        </div>
    }
    .into_any()
}

//! A template text field: autosaved, kept on the tablet until the server has it, conflicts shown.

use crate::error::AppError;
use crate::projet::trame::TrameField;
use crate::projet::{get_projet, save_field, FieldValue};
use crate::ui::outbox::{self, Pending, Write};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

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
    // Kept in the app's outbox (sealed for the signed-in account) until the
    // server has it; this editor sends it again, never the background.
    let account = crate::ui::signed_in_account();
    let kept = outbox::projet_field_key(projet, &key);
    let text = RwSignal::new(value.value.clone());
    let version = RwSignal::new(value.version);
    let state = RwSignal::new(value.updated.clone());
    let theirs = RwSignal::new(None::<(String, i32)>);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let keep = {
        let key = key.clone();
        move || {
            let Some(account_id) = account else { return };
            let p = Pending::new(
                account_id,
                id,
                String::new(),
                Write::ProjetField {
                    projet,
                    session,
                    field: key.clone(),
                    version: version.get_untracked(),
                    value: text.get_untracked(),
                },
            );
            spawn_local(async move {
                outbox::put(p).await;
            });
        }
    };
    let keep = StoredValue::new(keep);
    let save = {
        let (key, kept) = (key.clone(), kept.clone());
        move || {
            let (key, kept) = (key.clone(), kept.clone());
            let value = text.get_untracked();
            let base = version.get_untracked();
            state.set("Enregistrement…".into());
            spawn_local(async move {
                match save_field(id, projet, session, key.clone(), base, value.clone()).await {
                    Ok(v) => {
                        version.set(v);
                        // Typing went on meanwhile: that newer text stays kept.
                        if text.get_untracked() == value {
                            outbox::remove(&kept);
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
    let schedule = move || {
        keep.with_value(|k| k());
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
    };
    // A text left on this tablet (dropped connection, closed page) comes back.
    {
        let restored = kept.clone();
        Effect::new(move |_| {
            let Some(account_id) = account else { return };
            let kept = restored.clone();
            spawn_local(async move {
                let found = match outbox::get(account_id, &kept).await {
                    Some(Pending {
                        write: Write::ProjetField { value, version, .. },
                        ..
                    }) => Some((value, version)),
                    _ => outbox::legacy_draft(&kept),
                };
                let Some((value, from)) = found else { return };
                if value != text.get_untracked() {
                    text.set(value);
                    version.set(from);
                    state.set("Brouillon retrouvé sur cette tablette : envoi…".into());
                    keep.with_value(|k| k());
                    save.with_value(|s| s());
                } else {
                    outbox::remove(&kept);
                }
            });
        });
        let kept = kept.clone();
        let online = window_event_listener(leptos::ev::online, move |_| {
            if account.is_some_and(|a| outbox::holds(a, &kept)) {
                save.with_value(|s| s());
            }
        });
        on_cleanup(move || online.remove());
    }
    let forget = kept.clone();
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
                        keep.with_value(|k| k());
                        save.with_value(|s| s());
                    }>"Garder mon texte (remplace le sien)"</button>
                    <button type="button" class="button" on:click={
                        let current = current.clone();
                        let forget = forget.clone();
                        move |_| {
                            text.set(current.clone());
                            version.set(current_version);
                            outbox::remove(&forget);
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

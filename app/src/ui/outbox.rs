//! Writes typed on the tablet that the server has not confirmed yet: the
//! one offline outbox of the app, for any write a module declares in
//! [`Write`].
//!
//! A write is put here before it is sent, under a key (its idempotency key:
//! a note's id; or what it replaces: a template field's draft), and removed
//! when the server confirms it. Putting a write under a key already held
//! replaces the older one. A dropped connection leaves it here: writes that
//! can go without their page ([`Write::background`], a new note) are sent
//! again when the network comes back or the next page opens, by the same
//! account only; the others are picked up by their page ([`get`]), which
//! can show a conflict with a change made in between.
//!
//! Tablets are shared: what waits in the browser's local storage is
//! **sealed** (AES-GCM, Web Crypto) with a key that the server keeps for
//! each account and hands only to that account's live sessions
//! (`auth::outbox_key`). The key lives in this page's memory, never in
//! storage; once the author signs out, the next person finds only sealed
//! bytes, and the author's next sign-in opens and sends them. Where the key
//! cannot be had (no network since the page opened, or a page served
//! without HTTPS, where browsers offer no Web Crypto), a write waits in this
//! page's memory only, and the page says so.
//!
//! Adding a kind of write: a variant of [`Write`] and its arm in
//! [`Write::send`]; the page puts it with [`put`] before calling its server
//! function, and removes it with [`remove`] once that succeeds.

use crate::error::AppError;
use crate::transmission::TransmissionInput;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bumped whenever a note is put aside, so that the header's counter
/// follows (provided for the whole app by `ui::provide_session`).
#[derive(Clone, Copy)]
pub struct OutboxChanged(pub leptos::prelude::RwSignal<u32>);

/// One write waiting for the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub account_id: Uuid,
    /// Its key in the outbox (see [`Write::key`]).
    pub key: String,
    pub usager_id: Uuid,
    /// The person's name, for the page that lists what waits.
    pub usager: String,
    pub write: Write,
}

/// The writes the outbox keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Write {
    /// A new transmission, idempotent on its id.
    Transmission(TransmissionInput),
    /// A set of measures, idempotent on its id.
    Measures(crate::soins::MeasureInput),
    /// A care task of the round done or not done, idempotent on its id.
    Care(crate::soins::CareOutcomeInput),
    /// The outcome of a dose of the medication round, idempotent on its id
    /// (and written once per dose whichever tablet sends it first).
    Dose(crate::medication::DoseInput),
    /// The text of a template field of a draft project, from `version`.
    ProjetField {
        projet: Uuid,
        session: Uuid,
        field: String,
        version: i32,
        value: String,
    },
}

impl Write {
    /// The key the write is kept under: a note's id; a field's place (a
    /// newer text of the same field replaces the older one).
    pub fn key(&self) -> String {
        match self {
            Write::Transmission(input) => input.id.to_string(),
            Write::Measures(input) => input.id.to_string(),
            Write::Care(input) => input.id.to_string(),
            Write::Dose(input) => input.id.to_string(),
            Write::ProjetField { projet, field, .. } => projet_field_key(*projet, field),
        }
    }

    /// Whether `flush` sends it without its page. A field's text is sent
    /// again by its editor, which shows a conflict to the person.
    pub fn background(&self) -> bool {
        matches!(
            self,
            Write::Transmission(_) | Write::Measures(_) | Write::Care(_) | Write::Dose(_)
        )
    }

    /// Calls the server function of the write.
    pub async fn send(&self, usager_id: Uuid) -> Result<(), AppError> {
        match self.clone() {
            Write::Transmission(input) => crate::transmission::write_transmission(usager_id, input)
                .await
                .map(|_| ()),
            Write::Measures(input) => crate::soins::write_measures(usager_id, input)
                .await
                .map(|_| ()),
            Write::Care(input) => crate::soins::record_care(usager_id, input)
                .await
                .map(|_| ()),
            Write::Dose(input) => crate::medication::record_dose(usager_id, input)
                .await
                .map(|_| ()),
            Write::ProjetField {
                projet,
                session,
                field,
                version,
                value,
            } => crate::projet::save_field(usager_id, projet, session, field, version, value)
                .await
                .map(|_| ()),
        }
    }

    /// Its kind as the sealed entry names it (readable without the key).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn kind(&self) -> &'static str {
        match self {
            Write::Transmission(_) => "transmission",
            Write::Measures(_) => "measures",
            Write::Care(_) => "care",
            Write::Dose(_) => "dose",
            Write::ProjetField { .. } => "projet_field",
        }
    }
}

/// Whether a sealed entry of this kind is sent by [`flush`] (the kinds of
/// [`Write::background`]): it counts among the writes waiting.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn background_kind(kind: &str) -> bool {
    matches!(kind, "transmission" | "measures" | "care" | "dose")
}

/// The key a projet field's text is kept under.
pub fn projet_field_key(projet: Uuid, field: &str) -> String {
    format!("projet/{projet}/{field}")
}

impl Pending {
    /// A write of `account_id` about the usager, under the write's own key.
    pub fn new(account_id: Uuid, usager_id: Uuid, usager: String, write: Write) -> Pending {
        Pending {
            account_id,
            key: write.key(),
            usager_id,
            usager,
            write,
        }
    }
}

/// Where a write was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Sealed in the tablet's storage: it survives a closed page.
    Sealed,
    /// In this page's memory only: it is lost if the page is closed.
    Memory,
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use base64::Engine as _;
    use gloo_storage::Storage as _;
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen_futures::JsFuture;

    const SEALED: &str = "parcours.notes-scellees";
    /// Before notes were sealed (sent, then forgotten, by their author).
    const LEGACY: &str = "parcours.notes-en-attente";
    /// Before the projet's drafts went through the outbox (in clear, one
    /// entry per field): removed when their page opens them.
    const LEGACY_DRAFT: &str = "parcours.projet.";
    const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

    /// A write as local storage keeps it: only its author, key and kind are
    /// readable.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    struct Sealed {
        account_id: Uuid,
        key: String,
        kind: String,
        /// Base64 of the 12-byte nonce and of the AES-GCM ciphertext of the
        /// `Pending` as JSON.
        iv: String,
        data: String,
    }

    /// A note as the first version of the outbox kept it, in clear.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    struct LegacyNote {
        account_id: Uuid,
        usager_id: Uuid,
        usager: String,
        input: TransmissionInput,
    }

    thread_local! {
        static KEY: RefCell<Option<(Uuid, web_sys::CryptoKey)>> = const { RefCell::new(None) };
        static MEMORY: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
        /// The latest `put` of each key: a slower sealing of an older text
        /// never overwrites a newer one.
        static LATEST: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
        static SEQUENCE: Cell<u64> = const { Cell::new(0) };
    }

    fn subtle() -> Option<web_sys::SubtleCrypto> {
        let crypto = web_sys::window()?.crypto().ok()?;
        // Undefined outside a secure context (plain HTTP on a network).
        let subtle = js_sys::Reflect::get(&crypto, &"subtle".into()).ok()?;
        (!subtle.is_undefined()).then(|| crypto.subtle())
    }

    /// The account's key: in memory, or asked of the server (signed in).
    pub async fn key(account_id: Uuid) -> Option<web_sys::CryptoKey> {
        if let Some(k) = KEY.with_borrow(|k| {
            k.as_ref()
                .filter(|(a, _)| *a == account_id)
                .map(|(_, k)| k.clone())
        }) {
            return Some(k);
        }
        let subtle = subtle()?;
        let raw = crate::auth::outbox_key().await.ok()?;
        let bytes = B64.decode(raw).ok()?;
        let data = js_sys::Uint8Array::from(bytes.as_slice());
        let usages = js_sys::Array::of2(&"encrypt".into(), &"decrypt".into());
        let promise = subtle
            .import_key_with_str("raw", &data, "AES-GCM", false, &usages)
            .ok()?;
        let key: web_sys::CryptoKey = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
        KEY.set(Some((account_id, key.clone())));
        Some(key)
    }

    /// Forgets the key held for the page (at sign-out).
    pub fn forget_key() {
        KEY.set(None);
    }

    async fn seal(key: &web_sys::CryptoKey, p: &Pending) -> Option<Sealed> {
        let subtle = subtle()?;
        let mut iv = [0u8; 12];
        web_sys::window()?
            .crypto()
            .ok()?
            .get_random_values_with_u8_array(&mut iv)
            .ok()?;
        let params =
            web_sys::AesGcmParams::new_with_u8_array("AES-GCM", &js_sys::Uint8Array::from(&iv[..]));
        let plain = serde_json::to_vec(p).ok()?;
        let promise = subtle
            .encrypt_with_object_and_u8_array(&params, key, &plain)
            .ok()?;
        let cipher = js_sys::Uint8Array::new(&JsFuture::from(promise).await.ok()?).to_vec();
        Some(Sealed {
            account_id: p.account_id,
            key: p.key.clone(),
            kind: p.write.kind().to_string(),
            iv: B64.encode(iv),
            data: B64.encode(cipher),
        })
    }

    async fn open(key: &web_sys::CryptoKey, s: &Sealed) -> Option<Pending> {
        let subtle = subtle()?;
        let iv = B64.decode(&s.iv).ok()?;
        let data = B64.decode(&s.data).ok()?;
        let params = web_sys::AesGcmParams::new_with_u8_array(
            "AES-GCM",
            &js_sys::Uint8Array::from(iv.as_slice()),
        );
        let promise = subtle
            .decrypt_with_object_and_u8_array(&params, key, &data)
            .ok()?;
        let plain = js_sys::Uint8Array::new(&JsFuture::from(promise).await.ok()?).to_vec();
        serde_json::from_slice::<Pending>(&plain)
            .ok()
            .filter(|p| p.account_id == s.account_id && p.key == s.key)
    }

    fn stored() -> Vec<Sealed> {
        gloo_storage::LocalStorage::get(SEALED).unwrap_or_default()
    }

    fn store(list: &[Sealed]) {
        if list.is_empty() {
            gloo_storage::LocalStorage::delete(SEALED);
        } else {
            let _ = gloo_storage::LocalStorage::set(SEALED, list);
        }
    }

    fn legacy() -> Vec<LegacyNote> {
        gloo_storage::LocalStorage::get(LEGACY).unwrap_or_default()
    }

    pub async fn put(p: Pending) -> Kept {
        let turn = SEQUENCE.get() + 1;
        SEQUENCE.set(turn);
        LATEST.with_borrow_mut(|l| l.insert(p.key.clone(), turn));
        let sealed = match key(p.account_id).await {
            Some(k) => seal(&k, &p).await,
            None => None,
        };
        if LATEST.with_borrow(|l| l.get(&p.key) != Some(&turn)) {
            // A newer write of this key was put meanwhile and keeps it.
            return if sealed.is_some() {
                Kept::Sealed
            } else {
                Kept::Memory
            };
        }
        forget(&p.key);
        match sealed {
            Some(s) => {
                let mut list = stored();
                list.push(s);
                store(&list);
                Kept::Sealed
            }
            None => {
                MEMORY.with_borrow_mut(|m| m.push(p));
                Kept::Memory
            }
        }
    }

    fn forget(key: &str) {
        let mut list = stored();
        let before = list.len();
        list.retain(|s| s.key != key);
        if list.len() != before {
            store(&list);
        }
        MEMORY.with_borrow_mut(|m| m.retain(|p| p.key != key));
    }

    pub fn remove(key: &str) {
        LATEST.with_borrow_mut(|l| l.remove(key));
        forget(key);
        let mut old = legacy();
        let before = old.len();
        old.retain(|p| p.input.id.to_string() != key);
        if old.is_empty() {
            gloo_storage::LocalStorage::delete(LEGACY);
        } else if old.len() != before {
            let _ = gloo_storage::LocalStorage::set(LEGACY, &old);
        }
        if let Some(rest) = key.strip_prefix("projet/") {
            gloo_storage::LocalStorage::delete(format!(
                "{LEGACY_DRAFT}{}",
                rest.replacen('/', ".", 1)
            ));
        }
    }

    pub fn holds(account_id: Uuid, key: &str) -> bool {
        stored()
            .iter()
            .any(|s| s.account_id == account_id && s.key == key)
            || MEMORY.with_borrow(|m| m.iter().any(|p| p.account_id == account_id && p.key == key))
    }

    pub fn count_background(account_id: Uuid) -> usize {
        stored()
            .iter()
            .filter(|s| s.account_id == account_id && background_kind(&s.kind))
            .count()
            + MEMORY.with_borrow(|m| {
                m.iter()
                    .filter(|p| p.account_id == account_id && p.write.background())
                    .count()
            })
            + legacy()
                .iter()
                .filter(|p| p.account_id == account_id)
                .count()
    }

    /// The account's waiting writes that can be read now.
    pub async fn of(account_id: Uuid) -> Vec<Pending> {
        let mut writes: Vec<Pending> = MEMORY.with_borrow(|m| {
            m.iter()
                .filter(|p| p.account_id == account_id)
                .cloned()
                .collect()
        });
        writes.extend(
            legacy()
                .into_iter()
                .filter(|p| p.account_id == account_id)
                .map(|p| {
                    Pending::new(
                        p.account_id,
                        p.usager_id,
                        p.usager,
                        Write::Transmission(p.input),
                    )
                }),
        );
        let mine: Vec<Sealed> = stored()
            .into_iter()
            .filter(|s| s.account_id == account_id)
            .collect();
        if !mine.is_empty() {
            if let Some(k) = key(account_id).await {
                for s in &mine {
                    if let Some(p) = open(&k, s).await {
                        writes.push(p);
                    }
                }
            }
        }
        writes
    }

    /// A projet draft kept in clear by the previous version, if any.
    pub fn legacy_draft(key: &str) -> Option<(String, i32)> {
        #[derive(Deserialize)]
        struct Draft {
            value: String,
            version: i32,
        }
        let rest = key.strip_prefix("projet/")?;
        let d: Draft = gloo_storage::LocalStorage::get(format!(
            "{LEGACY_DRAFT}{}",
            rest.replacen('/', ".", 1)
        ))
        .ok()?;
        Some((d.value, d.version))
    }
}

/// Keeps a write until the server confirms it (sealed when possible); it
/// replaces what waited under the same key.
pub async fn put(p: Pending) -> Kept {
    #[cfg(feature = "hydrate")]
    return browser::put(p).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = p;
        Kept::Memory
    }
}

/// Forgets a write the server confirmed (or the person gave up).
pub fn remove(key: &str) {
    #[cfg(feature = "hydrate")]
    browser::remove(key);
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Whether a write of this account waits under `key` on this tablet.
pub fn holds(account_id: Uuid, key: &str) -> bool {
    #[cfg(feature = "hydrate")]
    return browser::holds(account_id, key);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (account_id, key);
        false
    }
}

/// The write of this account waiting under `key`, opened (its page picks
/// it up and sends it itself).
pub async fn get(account_id: Uuid, key: &str) -> Option<Pending> {
    #[cfg(feature = "hydrate")]
    return browser::of(account_id)
        .await
        .into_iter()
        .find(|p| p.key == key);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (account_id, key);
        None
    }
}

/// A projet field's text kept in clear by the version before the outbox
/// took the drafts (text, version it started from); forgotten by `remove`.
pub fn legacy_draft(key: &str) -> Option<(String, i32)> {
    #[cfg(feature = "hydrate")]
    return browser::legacy_draft(key);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// How many notes (writes sent in the background) of this account wait on
/// this tablet.
pub fn count(account_id: Uuid) -> usize {
    #[cfg(feature = "hydrate")]
    return browser::count_background(account_id);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = account_id;
        0
    }
}

/// Calls `sent` once the write kept under `waiting()` has left the outbox
/// (sent by [`flush`] when the network came back): the page that showed it
/// as waiting reloads what the server now has. Follows [`OutboxChanged`].
pub fn when_sent(
    waiting: impl Fn() -> Option<String> + Send + Sync + 'static,
    sent: impl Fn() + Send + Sync + 'static,
) {
    use leptos::prelude::*;
    let Some(changed) = use_context::<OutboxChanged>() else {
        return;
    };
    Effect::new(move |_| {
        changed.0.track();
        let Some(key) = waiting() else {
            return;
        };
        let held = crate::ui::signed_in_account().is_some_and(|a| holds(a, &key));
        if !held {
            sent();
        }
    });
}

/// Forgets the sealing key this page holds (when its person signs out).
pub fn forget_key() {
    #[cfg(feature = "hydrate")]
    browser::forget_key();
}

/// Sends the account's waiting background writes; returns how many are
/// still waiting. Called when a page opens and when the network comes back:
/// it also fetches the sealing key while the network is there, so that a
/// write made later without network can be sealed.
pub async fn flush(account_id: Uuid) -> usize {
    #[cfg(feature = "hydrate")]
    let _ = browser::key(account_id).await;
    #[cfg(feature = "hydrate")]
    for p in browser::of(account_id).await {
        if !p.write.background() {
            continue;
        }
        // A refusal for good (rights withdrawn, record closed) cannot be
        // changed by a resend: the note stays listed for its writer.
        if p.write.send(p.usager_id).await.is_ok() {
            remove(&p.key);
        }
    }
    count(account_id)
}

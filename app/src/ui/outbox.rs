//! Notes typed on the tablet that the server has not confirmed yet.
//!
//! A note is put here before it is sent, and removed when the server
//! confirms it. A dropped connection leaves it here; it is sent again when
//! the network comes back or the next page opens, by the same account only.
//! The note's id was chosen when the entry started, so a resend never
//! creates it twice.
//!
//! Tablets are shared: what waits in the browser's local storage is
//! **sealed** (AES-GCM, Web Crypto) with a key that the server keeps for
//! each account and hands only to that account's live sessions
//! (`auth::outbox_key`). The key lives in this page's memory, never in
//! storage; once the author signs out, the next person finds only sealed
//! bytes, and the author's next sign-in opens and sends them. Where the key
//! cannot be had (no network since the page opened, or a page served
//! without HTTPS, where browsers offer no Web Crypto), a note waits in this
//! page's memory only, and the page says so.

use crate::transmission::TransmissionInput;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bumped whenever a note is put aside, so that the header's counter
/// follows (provided for the whole app by `ui::provide_session`).
#[derive(Clone, Copy)]
pub struct OutboxChanged(pub leptos::prelude::RwSignal<u32>);

/// One note waiting for the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub account_id: Uuid,
    pub usager_id: Uuid,
    pub usager: String,
    pub input: TransmissionInput,
}

/// Where a note was kept.
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
    use std::cell::RefCell;
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen_futures::JsFuture;

    const SEALED: &str = "parcours.notes-scellees";
    /// Before notes were sealed (sent, then forgotten, by their author).
    const LEGACY: &str = "parcours.notes-en-attente";
    const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

    /// A note as local storage keeps it: only its author and id are readable.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    struct Sealed {
        account_id: Uuid,
        id: Uuid,
        /// Base64 of the 12-byte nonce and of the AES-GCM ciphertext of the
        /// `Pending` as JSON.
        iv: String,
        data: String,
    }

    thread_local! {
        static KEY: RefCell<Option<(Uuid, web_sys::CryptoKey)>> = const { RefCell::new(None) };
        static MEMORY: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
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
            id: p.input.id,
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
            .filter(|p| p.account_id == s.account_id && p.input.id == s.id)
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

    pub async fn put(p: Pending) -> Kept {
        let sealed = match key(p.account_id).await {
            Some(k) => seal(&k, &p).await,
            None => None,
        };
        remove(p.input.id);
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

    pub fn remove(id: Uuid) {
        let mut list = stored();
        let before = list.len();
        list.retain(|s| s.id != id);
        if list.len() != before {
            store(&list);
        }
        MEMORY.with_borrow_mut(|m| m.retain(|p| p.input.id != id));
    }

    pub fn count(account_id: Uuid) -> usize {
        let legacy: Vec<Pending> = gloo_storage::LocalStorage::get(LEGACY).unwrap_or_default();
        stored()
            .iter()
            .filter(|s| s.account_id == account_id)
            .count()
            + MEMORY.with_borrow(|m| m.iter().filter(|p| p.account_id == account_id).count())
            + legacy.iter().filter(|p| p.account_id == account_id).count()
    }

    /// The account's waiting notes that can be read now.
    pub async fn of(account_id: Uuid) -> Vec<Pending> {
        let mut notes: Vec<Pending> = MEMORY.with_borrow(|m| {
            m.iter()
                .filter(|p| p.account_id == account_id)
                .cloned()
                .collect()
        });
        let legacy: Vec<Pending> = gloo_storage::LocalStorage::get(LEGACY).unwrap_or_default();
        notes.extend(legacy.into_iter().filter(|p| p.account_id == account_id));
        let mine: Vec<Sealed> = stored()
            .into_iter()
            .filter(|s| s.account_id == account_id)
            .collect();
        if !mine.is_empty() {
            if let Some(k) = key(account_id).await {
                for s in &mine {
                    if let Some(p) = open(&k, s).await {
                        notes.push(p);
                    }
                }
            }
        }
        notes
    }

    pub fn remove_legacy(id: Uuid) {
        let mut legacy: Vec<Pending> = gloo_storage::LocalStorage::get(LEGACY).unwrap_or_default();
        let before = legacy.len();
        legacy.retain(|p| p.input.id != id);
        if legacy.is_empty() {
            gloo_storage::LocalStorage::delete(LEGACY);
        } else if legacy.len() != before {
            let _ = gloo_storage::LocalStorage::set(LEGACY, &legacy);
        }
    }
}

/// Keeps a note until the server confirms it (sealed when possible).
pub async fn put(p: Pending) -> Kept {
    #[cfg(feature = "hydrate")]
    return browser::put(p).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = p;
        Kept::Memory
    }
}

/// Forgets a note the server confirmed.
pub fn remove(id: Uuid) {
    #[cfg(feature = "hydrate")]
    {
        browser::remove(id);
        browser::remove_legacy(id);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// How many notes of this account wait on this tablet.
pub fn count(account_id: Uuid) -> usize {
    #[cfg(feature = "hydrate")]
    return browser::count(account_id);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = account_id;
        0
    }
}

/// Forgets the sealing key this page holds (when its person signs out).
pub fn forget_key() {
    #[cfg(feature = "hydrate")]
    browser::forget_key();
}

/// Sends the account's waiting notes; returns how many are still waiting.
/// Called when a page opens and when the network comes back: it also
/// fetches the sealing key while the network is there, so that a note typed
/// later without network can be sealed.
pub async fn flush(account_id: Uuid) -> usize {
    #[cfg(feature = "hydrate")]
    let _ = browser::key(account_id).await;
    #[cfg(feature = "hydrate")]
    for p in browser::of(account_id).await {
        // A refusal for good (rights withdrawn, record closed) cannot be
        // changed by a resend: the note stays listed for its writer.
        if crate::transmission::write_transmission(p.usager_id, p.input.clone())
            .await
            .is_ok()
        {
            remove(p.input.id);
        }
    }
    count(account_id)
}

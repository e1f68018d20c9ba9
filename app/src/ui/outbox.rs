//! Notes typed on the tablet that the server has not confirmed yet.
//!
//! A note is put here (the browser's local storage) before it is sent, and
//! removed when the server confirms it. A dropped connection leaves it
//! here; it is sent again when the network comes back or the next page
//! opens, by the same account only. The note's id was chosen when the entry
//! started, so a resend never creates it twice.

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

#[cfg(feature = "hydrate")]
const KEY: &str = "parcours.notes-en-attente";

/// Everything waiting, all accounts.
pub fn all() -> Vec<Pending> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::get(KEY).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

#[cfg(feature = "hydrate")]
fn save(list: &[Pending]) {
    use gloo_storage::Storage as _;
    if list.is_empty() {
        gloo_storage::LocalStorage::delete(KEY);
    } else {
        let _ = gloo_storage::LocalStorage::set(KEY, list);
    }
}

/// Keeps a note until the server confirms it.
pub fn put(p: Pending) {
    #[cfg(feature = "hydrate")]
    {
        let mut list = all();
        list.retain(|q| q.input.id != p.input.id);
        list.push(p);
        save(&list);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = p;
}

/// Forgets a note the server confirmed.
pub fn remove(id: Uuid) {
    #[cfg(feature = "hydrate")]
    {
        let mut list = all();
        list.retain(|q| q.input.id != id);
        save(&list);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The notes of one account still waiting.
pub fn of(account_id: Uuid) -> Vec<Pending> {
    all()
        .into_iter()
        .filter(|p| p.account_id == account_id)
        .collect()
}

/// Sends the account's waiting notes; returns how many are still waiting.
pub async fn flush(account_id: Uuid) -> usize {
    for p in of(account_id) {
        // A refusal for good (rights withdrawn, record closed) cannot be
        // changed by a resend: the note stays listed for its writer.
        if crate::transmission::write_transmission(p.usager_id, p.input.clone())
            .await
            .is_ok()
        {
            remove(p.input.id);
        }
    }
    of(account_id).len()
}

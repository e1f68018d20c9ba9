//! Sign-in, sign-out and the signed-in person.
//!
//! Sessions live on the server (PostgreSQL, through tower-sessions); the
//! browser only holds an HttpOnly, SameSite=Strict cookie. A session ends
//! after `idle` minutes without a request and, whatever the activity, after
//! `absolute` hours; both come from the configuration.

use crate::error::AppError;
use crate::organisation::Profession;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod server;

/// Who may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A professional of the organisation.
    Staff,
    /// A family member or legal representative.
    Family,
    /// The person accompanied, in their own space ("Mon espace").
    Usager,
}

impl AccountKind {
    /// The kind stored in `account.kind`.
    pub fn parse(code: &str) -> AccountKind {
        match code {
            "staff" => AccountKind::Staff,
            "usager" => AccountKind::Usager,
            _ => AccountKind::Family,
        }
    }
}

/// The signed-in person, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub account_id: Uuid,
    pub kind: AccountKind,
    pub first_name: String,
    pub last_name: String,
    pub profession: Option<Profession>,
    /// Names of the établissements the person works in (staff) now.
    pub etablissements: Vec<String>,
    pub organisation_name: String,
    /// Minutes without activity after which the session ends (the screen
    /// locks itself at the same moment on shared tablets).
    pub session_idle_minutes: u32,
    /// Data protection officer.
    pub dpo: bool,
    /// Writes in the Soins section (care notes are offered to them).
    pub writes_care: bool,
}

impl CurrentUser {
    /// "Prénom Nom".
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The line under the name in the header.
    pub fn role_line(&self) -> String {
        match (self.kind, self.profession) {
            (AccountKind::Staff, Some(p)) => {
                if self.etablissements.is_empty() {
                    p.label().to_string()
                } else {
                    format!("{} · {}", p.label(), self.etablissements.join(", "))
                }
            }
            (AccountKind::Usager, _) => "Mon espace".to_string(),
            _ => "Espace famille".to_string(),
        }
    }

    /// Reviews emergency accesses (chef de service, direction, DPO).
    pub fn reviews_break_glass(&self) -> bool {
        self.dpo
            || matches!(
                self.profession,
                Some(Profession::ChefService | Profession::Directeur)
            )
    }

    /// Searches the organisation's audit trail (DPO, direction).
    pub fn searches_audit(&self) -> bool {
        self.dpo || self.profession == Some(Profession::Directeur)
    }

    /// Where this person lands after signing in.
    pub fn home_path(&self) -> &'static str {
        match self.kind {
            AccountKind::Staff => "/usagers",
            AccountKind::Family => "/famille",
            AccountKind::Usager => "/mon-espace",
        }
    }
}

/// Signs in with a login and a password. Refuses with `BadCredentials`
/// (without saying which one is wrong) or `TooManyAttempts` after repeated
/// failures on the same login.
#[server(endpoint = "connexion")]
pub async fn login(login: String, password: String) -> Result<CurrentUser, AppError> {
    server::login(login, password).await
}

/// Ends the session on this device.
#[server(endpoint = "deconnexion")]
pub async fn logout() -> Result<(), AppError> {
    server::logout().await
}

/// The signed-in person, or `None` when nobody is signed in.
/// The key (base64, 32 bytes) that seals the signed-in account's notes kept
/// offline on a tablet; the same at each of its sessions, never another's.
#[server(endpoint = "cle_hors_ligne")]
pub async fn outbox_key() -> Result<String, AppError> {
    server::outbox_key().await
}

#[server(endpoint = "moi")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    server::get_current_user().await
}

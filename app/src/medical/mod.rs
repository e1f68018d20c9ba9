//! The médical section, under medical secrecy: antécédents and current
//! problems, consultation notes, vaccinations, directives anticipées, and
//! the letters of the médecin traitant and the specialists (documents of the
//! `courrier_medical` kind, which only this section lists).
//!
//! Only the professions the matrix lets hold `médical` read or write it
//! (médecin, infirmier; psychologue when the organisation says so); the
//! rule is `access::decide`. Entries are written, never deleted; a current
//! problem is resolved and stays as history.

use crate::document::DocumentView;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub(crate) mod server;

crate::code_list! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum EntryKind {
        Antecedent = "antecedent" => "Antécédent",
        Probleme = "probleme" => "Problème de santé en cours",
        Consultation = "consultation" => "Note de consultation",
        Vaccination = "vaccination" => "Vaccination",
    }
}

crate::code_list! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum DirectiveStatus {
        Redigees = "redigees" => "Directives anticipées rédigées",
        Aucune = "aucune" => "Pas de directives anticipées",
        RefusDEnParler = "refus_d_en_parler" => "La personne ne souhaite pas en parler",
    }
}

/// The longest consultation note.
pub const MAX_BODY: usize = 10_000;

/// An entry as typed. `id` is chosen by the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    #[serde(default)]
    pub id: Uuid,
    /// `EntryKind` code.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// `AAAA-MM-JJ`, optional (an antécédent's year is often all one knows).
    #[serde(default)]
    pub occurred_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub id: Uuid,
    pub kind: EntryKind,
    pub title: String,
    pub body: Option<String>,
    pub occurred_on: Option<String>,
    /// "Prénom NOM, le 03/12/2026 à 10:05".
    pub written: String,
    /// "Résolu le … par …".
    pub resolved: Option<String>,
}

/// The médical section of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalView {
    /// Every entry, by kind then newest first.
    pub entries: Vec<EntryView>,
    /// "Directives anticipées rédigées — où : … (déclaré le … par …)".
    pub directive: Option<String>,
    pub letters: Vec<DocumentView>,
    pub may_write: bool,
}

/// The médical section of a person.
#[server(endpoint = "medical")]
pub async fn get_medical(id: Uuid) -> Result<MedicalView, AppError> {
    server::get_medical(id).await
}

/// Adds an entry (a retry finds the first).
#[server(endpoint = "medical_ajouter")]
pub async fn add_entry(id: Uuid, input: EntryInput) -> Result<MedicalView, AppError> {
    server::add_entry(id, input).await
}

/// Marks a current problem resolved; it stays in the history.
#[server(endpoint = "medical_resoudre")]
pub async fn resolve_entry(id: Uuid, entry_id: Uuid) -> Result<MedicalView, AppError> {
    server::resolve_entry(id, entry_id).await
}

/// States whether directives anticipées exist, and where the document is.
#[server(endpoint = "directives_anticipees")]
pub async fn state_directive(
    id: Uuid,
    status: String,
    location: String,
) -> Result<MedicalView, AppError> {
    server::state_directive(id, status, location).await
}

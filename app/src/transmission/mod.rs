//! Transmissions: the daily notes about an usager, the timeline of one
//! person and the unit's cahier de liaison of the day.
//!
//! A note is never silently changed: a correction writes a new version and
//! keeps the previous ones readable. Every write carries a key chosen by
//! the client (the note's id, or the correction's `request_key`), so a
//! double tap or a retry after a dropped connection finds the first write
//! instead of repeating it.

use crate::access::Section;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub(crate) mod server;

/// The longest note accepted, in characters.
pub const MAX_BODY: usize = 10_000;
/// The longest part of a DAR note.
pub const MAX_DAR: usize = 4_000;

crate::code_list! {
    /// What a note is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Category {
        VieQuotidienne = "vie_quotidienne" => "Vie quotidienne",
        Educatif = "educatif" => "Éducatif",
        Soin = "soin" => "Soin",
        Travail = "travail" => "Travail",
        SantePsychique = "sante_psychique" => "Santé psychique",
        Incident = "incident" => "Incident",
        Famille = "famille" => "Famille",
    }
}

impl Category {
    /// The section of the record that governs notes of this category, for
    /// reading and writing: care and psychic health notes belong to Soins
    /// (a moniteur d'atelier, the secretariat or the direction, who do not
    /// hold Soins, never see them); the others to Transmissions.
    pub fn section(self) -> Section {
        match self {
            Category::Soin | Category::SantePsychique => Section::Soins,
            _ => Section::Transmissions,
        }
    }

    /// The section governing a category code as typed; an unknown code is
    /// governed by Transmissions (and refused once that is authorized).
    pub fn section_of(code: &str) -> Section {
        Category::parse(code).map_or(Section::Transmissions, Category::section)
    }
}

/// A note as typed. `id` is chosen by the client when the entry starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransmissionInput {
    pub id: Uuid,
    #[serde(with = "crate::codes::by_code")]
    pub category: Category,
    pub body: String,
    #[serde(default)]
    pub dar_donnees: String,
    #[serde(default)]
    pub dar_actions: String,
    #[serde(default)]
    pub dar_resultats: String,
    #[serde(default)]
    pub important: bool,
    #[serde(default)]
    pub shared_family: bool,
}

/// Données, actions, résultats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dar {
    pub donnees: Option<String>,
    pub actions: Option<String>,
    pub resultats: Option<String>,
}

/// A note as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransmissionView {
    pub id: Uuid,
    pub usager_id: Uuid,
    /// "Prénom NOM" of the usager (for the cahier de liaison).
    pub usager: String,
    pub unit: Option<String>,
    /// The first author's account (who may correct the note, with the
    /// chefs de service).
    pub author_id: Uuid,
    pub author: String,
    /// "23/11/2026 à 14:05".
    pub written_at: String,
    pub category: Category,
    pub body: String,
    pub dar: Option<Dar>,
    pub important: bool,
    pub shared_family: bool,
    /// Written by the person in their own space ("Je veux dire quelque
    /// chose"): their own words.
    pub usager_words: bool,
    pub version: i32,
    /// "corrigée le … par …" when `version` > 1.
    pub corrected: Option<String>,
}

/// One version of a note, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i32,
    pub author: String,
    pub written_at: String,
    pub category: Category,
    pub body: String,
    pub dar: Option<Dar>,
    pub important: bool,
    pub shared_family: bool,
    pub correction_reason: Option<String>,
}

/// Filters of the timeline; empty strings mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineFilter {
    /// `None`: every category the reader may read.
    #[serde(default, with = "crate::codes::by_optional_code")]
    pub category: Option<Category>,
    /// An author's account id.
    #[serde(default)]
    pub author: String,
    /// `AAAA-MM-JJ`, Paris dates, inclusive.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub important_only: bool,
    /// How many of the most recent notes to send: 0 means one page
    /// (`TIMELINE_PAGE`), at most `TIMELINE_LIMIT`; "Plus anciennes" asks
    /// for a page more.
    #[serde(default)]
    pub count: u32,
}

impl TimelineFilter {
    /// The number of notes this filter asks for, within the bounds.
    pub fn limit(&self) -> i64 {
        match i64::from(self.count) {
            0 => TIMELINE_PAGE,
            n => n.min(TIMELINE_LIMIT),
        }
    }
}

/// Who may correct which note: its author, or a chef de service (who may
/// correct anyone's, with the reason every correction gives). The server
/// enforces it; the pages use it to offer "Corriger".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrector {
    pub account_id: Uuid,
    pub any_author: bool,
}

impl Corrector {
    pub fn may_correct(self, author_id: Uuid) -> bool {
        self.any_author || author_id == self.account_id
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub notes: Vec<TransmissionView>,
    /// The categories the viewer may read (the filter offers these).
    pub categories: Vec<Category>,
    pub corrector: Corrector,
    /// The viewer writes care notes here (Soins): the entry offers their
    /// categories.
    pub writes_care: bool,
    /// The authors who wrote about this usager, for the filter: (id, name).
    pub authors: Vec<(Uuid, String)>,
    pub can_write: bool,
    /// More notes match than were sent (the most recent are shown).
    pub truncated: bool,
    /// How many were asked for (`TimelineFilter::limit`).
    pub count: i64,
}

/// The cahier de liaison of one day for the caller's units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cahier {
    /// "lundi 23 novembre 2026".
    pub day: String,
    /// ISO date of the day shown, and of the days before and after.
    pub date: String,
    pub previous: String,
    pub next: Option<String>,
    pub notes: Vec<TransmissionView>,
}

/// How many notes the timeline sends at most.
pub const TIMELINE_LIMIT: i64 = 600;
/// The notes a timeline shows at first, and adds with each "Plus anciennes".
pub const TIMELINE_PAGE: i64 = 30;

/// Writes a note about the usager `id`. Idempotent on `input.id`.
#[server(endpoint = "transmission")]
pub async fn write_transmission(
    id: Uuid,
    input: TransmissionInput,
) -> Result<TransmissionView, AppError> {
    server::write_transmission(id, input).await
}

/// Corrects a note: a new version, based on `version` (else `Stale`).
/// Idempotent on `request_key`.
#[server(endpoint = "transmission_corriger")]
pub async fn correct_transmission(
    id: Uuid,
    transmission_id: Uuid,
    version: i32,
    request_key: Uuid,
    input: TransmissionInput,
    reason: String,
) -> Result<TransmissionView, AppError> {
    server::correct_transmission(id, transmission_id, version, request_key, input, reason).await
}

/// The notes about the usager, most recent first.
#[server(endpoint = "transmissions")]
pub async fn list_transmissions(id: Uuid, filter: TimelineFilter) -> Result<Timeline, AppError> {
    server::list_transmissions(id, filter).await
}

/// Every version of one note, the latest first.
#[server(endpoint = "transmission_historique")]
pub async fn transmission_history(
    id: Uuid,
    transmission_id: Uuid,
) -> Result<Vec<VersionView>, AppError> {
    server::transmission_history(id, transmission_id).await
}

/// The cahier de liaison of a day (`AAAA-MM-JJ`, empty for today) for the
/// usagers of the caller's units.
#[server(endpoint = "cahier_de_liaison")]
pub async fn get_cahier(date: String) -> Result<Cahier, AppError> {
    server::get_cahier(date).await
}

//! Soins: allergies and intolerances (read with the record's identity,
//! written by infirmiers and médecins), sets of vital signs and measures
//! (checked, flagged, scored by NEWS2), and the NEWS2 alerts a professional
//! acknowledges with what was done.
//!
//! An allergy is ended or refuted, never deleted; "aucune allergie connue"
//! is a statement with its author and date, distinct from nothing recorded.
//! Every write carries a key chosen by the client (the allergy's or the
//! set's id), so a retry after a dropped connection writes once.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod chart;
pub mod measure;
pub mod news2;
#[cfg(feature = "ssr")]
pub(crate) mod server;

pub use measure::Measures;
pub use news2::News2;

crate::code_list! {
    /// ACVPU.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Consciousness {
        Alerte = "A" => "A — alerte",
        Confusion = "C" => "C — confusion nouvelle",
        Voix = "V" => "V — réagit à la voix",
        Douleur = "P" => "P — réagit à la douleur",
        Aucune = "U" => "U — ne réagit pas",
    }
}

crate::code_list! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum AllergyKind {
        Allergie = "allergie" => "Allergie",
        Intolerance = "intolerance" => "Intolérance",
    }
}

crate::code_list! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Severity {
        Legere = "legere" => "Légère",
        Moderee = "moderee" => "Modérée",
        Severe = "severe" => "Sévère / anaphylaxie",
    }
}

crate::code_list! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Certainty {
        Suspectee = "suspectee" => "Suspectée",
        Confirmee = "confirmee" => "Confirmée",
    }
}

crate::code_list! {
    /// How an allergy stops being in force (it stays in the history).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum AllergyEnd {
        Terminee = "terminee" => "Terminée",
        Refutee = "refutee" => "Réfutée",
    }
}

/// The longest substance, reaction or source.
pub const MAX_TEXT: usize = 200;

/// An allergy as typed. `id` is chosen by the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllergyInput {
    pub id: Uuid,
    pub substance: String,
    #[serde(with = "crate::codes::by_code")]
    pub kind: AllergyKind,
    #[serde(default)]
    pub reaction: String,
    #[serde(with = "crate::codes::by_code")]
    pub severity: Severity,
    #[serde(with = "crate::codes::by_code")]
    pub certainty: Certainty,
    #[serde(default)]
    pub source: String,
    /// `AAAA-MM-JJ`; empty: today.
    #[serde(default)]
    pub noted_on: String,
}

/// An allergy as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllergyView {
    pub id: Uuid,
    pub substance: String,
    pub kind: AllergyKind,
    pub reaction: Option<String>,
    pub severity: Severity,
    pub certainty: Certainty,
    pub source: Option<String>,
    /// "12/03/2024".
    pub noted_on: String,
    /// "Prénom NOM, infirmier".
    pub noted_by: String,
    /// "Réfutée le 02/12/2026 par … : motif".
    pub ended: Option<String>,
}

/// What the record says about allergies: those in force, ended ones, and
/// the "aucune allergie connue" statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allergies {
    pub in_force: Vec<AllergyView>,
    pub ended: Vec<AllergyView>,
    /// "Aucune allergie connue (déclaré le … par …)", when stated and no
    /// allergy was recorded since.
    pub none_known: Option<String>,
    /// The viewer may write allergies (infirmier, médecin); asked by the
    /// soins section, false in the record's band, which offers no form.
    pub may_write: bool,
}

impl Allergies {
    /// The words of the band: "Allergies : pénicilline (sévère), …",
    /// "Aucune allergie connue" or "Allergies non renseignées".
    pub fn band(&self) -> String {
        if !self.in_force.is_empty() {
            let list: Vec<String> = self
                .in_force
                .iter()
                .map(|a| format!("{} ({})", a.substance, a.severity.label().to_lowercase()))
                .collect();
            format!("Allergies : {}", list.join(", "))
        } else if self.none_known.is_some() {
            "Aucune allergie connue".into()
        } else {
            "Allergies non renseignées".into()
        }
    }

    pub fn severe(&self) -> bool {
        self.in_force.iter().any(|a| a.severity == Severity::Severe)
    }
}

/// A set of measures as typed: every measure a text (empty: not taken),
/// checked by [`Measures::parse`]. `id` is chosen by the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureInput {
    #[serde(default)]
    pub id: Uuid,
    /// `AAAA-MM-JJTHH:MM`, Paris time; empty: now.
    #[serde(default)]
    pub taken_at: String,
    #[serde(default)]
    pub systolic: String,
    #[serde(default)]
    pub diastolic: String,
    #[serde(default)]
    pub pulse: String,
    #[serde(default)]
    pub temperature: String,
    #[serde(default)]
    pub spo2: String,
    #[serde(default)]
    pub on_oxygen: bool,
    /// SpO₂ scale 2 (target 88–92 %, set by the médecin).
    #[serde(default)]
    pub spo2_scale_2: bool,
    #[serde(default)]
    pub respiratory_rate: String,
    #[serde(default)]
    pub consciousness: String,
    #[serde(default)]
    pub weight: String,
    #[serde(default)]
    pub height: String,
    #[serde(default)]
    pub glucose: String,
    #[serde(default)]
    pub pain_self: String,
    #[serde(default)]
    pub pain_algoplus: String,
}

/// A set as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSetView {
    pub id: Uuid,
    /// "03/12/2026 à 08:15".
    pub taken_at: String,
    pub author: String,
    pub measures: Measures,
    pub news2: Option<News2>,
    /// Unusual values, e.g. "Pouls 128 /min".
    pub unusual: Vec<String>,
    /// BMI when the set has a weight and a height is known.
    pub bmi: Option<f32>,
    /// The alert this set raised, if any.
    pub alert: Option<Uuid>,
}

/// A NEWS2 alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertView {
    pub id: Uuid,
    pub usager_id: Uuid,
    pub usager: String,
    pub unit: Option<String>,
    /// "NEWS2 7 : risque élevé".
    pub label: String,
    pub raised_at: String,
    pub raised_by: String,
    /// "Acquittée le … par … : ce qui a été fait".
    pub acknowledged: Option<String>,
}

/// The soins section of one person: allergies, the latest sets, alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SoinsView {
    pub allergies: Allergies,
    pub sets: Vec<MeasureSetView>,
    pub alerts: Vec<AlertView>,
    /// The viewer may enter measures and acknowledge alerts.
    pub may_write: bool,
}

/// The longest "what was done" of an acknowledgement.
pub const MAX_ACTION: usize = 2_000;
/// Sets shown in the section.
pub const RECENT_SETS: i64 = 20;

/// The soins section of a person.
#[server(endpoint = "soins")]
pub async fn get_soins(id: Uuid) -> Result<SoinsView, AppError> {
    server::get_soins(id).await
}

/// The chart of one measure over 7, 30 or 365 days.
#[server(endpoint = "courbe")]
pub async fn get_chart(id: Uuid, field: String, days: u32) -> Result<chart::Chart, AppError> {
    server::get_chart(id, field, days).await
}

/// The allergies of a person (read with the record's identity).
#[server(endpoint = "allergies")]
pub async fn get_allergies(id: Uuid) -> Result<Allergies, AppError> {
    server::get_allergies(id).await
}

/// Records an allergy (infirmier, médecin); a retry finds the first.
#[server(endpoint = "allergie_ajouter")]
pub async fn add_allergy(id: Uuid, input: AllergyInput) -> Result<Allergies, AppError> {
    server::add_allergy(id, input).await
}

/// Ends or refutes an allergy, with a reason; it stays in the history.
#[server(endpoint = "allergie_terminer")]
pub async fn end_allergy(
    id: Uuid,
    allergy_id: Uuid,
    end: String,
    reason: String,
) -> Result<Allergies, AppError> {
    server::end_allergy(id, allergy_id, end, reason).await
}

/// States "aucune allergie connue" (refused while an allergy is in force).
#[server(endpoint = "allergie_aucune")]
pub async fn state_no_known_allergy(id: Uuid) -> Result<Allergies, AppError> {
    server::state_no_known_allergy(id).await
}

/// Writes a set of measures; NEWS2 raises an alert when it must.
#[server(endpoint = "mesures_saisir")]
pub async fn write_measures(id: Uuid, input: MeasureInput) -> Result<MeasureSetView, AppError> {
    server::write_measures(id, input).await
}

/// Acknowledges an alert with what was done; a second time is `Conflict`.
#[server(endpoint = "alerte_acquitter")]
pub async fn acknowledge_alert(
    id: Uuid,
    alert_id: Uuid,
    action: String,
) -> Result<AlertView, AppError> {
    server::acknowledge_alert(id, alert_id, action).await
}

/// The alerts not yet acknowledged of the people of the caller's units
/// whose soins the caller reads (the home page).
#[server(endpoint = "alertes_unite")]
pub async fn unit_alerts() -> Result<Vec<AlertView>, AppError> {
    server::unit_alerts().await
}

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
pub mod schedule;
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

crate::code_list! {
    /// Transit: the day's stools.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Stool {
        Aucune = "aucune" => "Pas de selles",
        Normales = "normales" => "Normales",
        Molles = "molles" => "Molles",
        Liquides = "liquides" => "Liquides",
        Dures = "dures" => "Dures",
    }
}

crate::code_list! {
    /// The night's sleep.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Sleep {
        Bon = "bon" => "Bonne nuit",
        Agite = "agite" => "Sommeil agité",
        Reveils = "reveils" => "Réveils nocturnes",
        Insomnie = "insomnie" => "N’a pas dormi",
    }
}

crate::code_list! {
    /// Why a care task was not done.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum NotDone {
        Refus = "refus" => "Refusé par la personne",
        Absent = "absent" => "Personne absente",
        Etat = "etat" => "Son état ne le permettait pas",
        Materiel = "materiel" => "Matériel indisponible",
        Autre = "autre" => "Autre raison (préciser)",
    }
}

crate::code_list! {
    /// Who may do a care task.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Who {
        Equipe = "equipe" => "Toute l’équipe qui note les soins",
        Soignant = "soignant" => "Aide-soignant, infirmier ou médecin",
        Infirmier = "infirmier" => "Infirmier ou médecin seulement",
    }
}

impl Who {
    /// The profession codes stored for the choice (empty: the team).
    pub fn professions(self) -> &'static [&'static str] {
        match self {
            Who::Equipe => &[],
            Who::Soignant => &["aide_soignant", "infirmier", "medecin"],
            Who::Infirmier => &["infirmier", "medecin"],
        }
    }

    /// The choice a stored list stands for.
    pub fn of(professions: &[String]) -> Who {
        Who::ALL
            .into_iter()
            .find(|w| {
                w.professions()
                    .iter()
                    .copied()
                    .eq(professions.iter().map(String::as_str))
            })
            .unwrap_or(Who::Equipe)
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
    /// Daily follow-ups: transit, drinks (mL), sleep.
    #[serde(default)]
    pub stool: String,
    #[serde(default)]
    pub fluid_ml: String,
    #[serde(default)]
    pub sleep: String,
    /// The set this one corrects (it stays in the history), with why.
    #[serde(default)]
    pub corrects: Option<Uuid>,
    #[serde(default)]
    pub correction_reason: String,
    /// The care task this set fulfils, and the time it was due
    /// (`AAAA-MM-JJTHH:MM`, Paris): recorded done with the set.
    #[serde(default)]
    pub task_id: Option<Uuid>,
    #[serde(default)]
    pub task_due: String,
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
    /// "Corrige la saisie du … : motif", for a correction.
    pub correction: Option<String>,
    /// The sets this one replaced, oldest first ("03/12/2026 à 08:15 par
    /// …: TA 210/80"), kept as history.
    pub replaced: Vec<String>,
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
    /// The care tasks in force, then the ended ones.
    pub tasks: Vec<CareTaskView>,
    /// The viewer may enter measures and acknowledge alerts.
    pub may_write: bool,
    /// The viewer may set care tasks (infirmier, médecin).
    pub may_plan: bool,
    /// What a hospital needs to know beyond the medical facts (DLU).
    pub liaison: Liaison,
}

/// How the person communicates, how autonomous they are, what reassures
/// them: written by the team, printed on the document de liaison
/// d'urgence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Liaison {
    pub communication: String,
    pub autonomy: String,
    pub comfort: String,
    /// "Mis à jour le 3 décembre 2026 à 10:02 par Sarah LAMBERT".
    pub updated: Option<String>,
}

/// The longest text of each field of the liaison.
pub const MAX_LIAISON: usize = 2000;

/// The liaison as typed; `key` is chosen by the client (a retried send
/// writes once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiaisonInput {
    pub key: Uuid,
    pub communication: String,
    pub autonomy: String,
    pub comfort: String,
}

/// A recurring care task as typed by a nurse. `id` is chosen by the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTaskInput {
    #[serde(default)]
    pub id: Uuid,
    pub label: String,
    #[serde(default)]
    pub instructions: String,
    /// A measure task opens the measure entry.
    #[serde(default)]
    pub measure: bool,
    /// `schedule::Rule` code.
    pub rule: String,
    pub every: String,
    /// "08:00, 20:00".
    pub times: String,
    /// `AAAA-MM-JJ`; empty: today.
    #[serde(default)]
    pub starts_on: String,
    /// `Who` code.
    #[serde(default)]
    pub who: String,
}

/// A care task as shown in the soins section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTaskView {
    pub id: Uuid,
    pub label: String,
    pub instructions: Option<String>,
    pub measure: bool,
    /// "Chaque jour à 08:00".
    pub schedule: String,
    pub who: String,
    /// "Prévu par … le …".
    pub set_by: String,
    /// "Arrêté le … par … : motif".
    pub ended: Option<String>,
}

/// What the round did of one task at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareOutcomeInput {
    /// The client's key.
    pub id: Uuid,
    pub task_id: Uuid,
    /// `AAAA-MM-JJTHH:MM`, Paris: the time it was due.
    pub due: String,
    pub done: bool,
    /// `NotDone` code, when not done.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

/// One task due in the shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundTask {
    pub task_id: Uuid,
    pub label: String,
    pub instructions: Option<String>,
    pub measure: bool,
    /// `AAAA-MM-JJTHH:MM`: the occurrence's key.
    pub due: String,
    /// "08:00".
    pub time: String,
    /// Still due an hour past its time.
    pub late: bool,
    /// Some(true) done, Some(false) not done, None still due.
    pub done: Option<bool>,
    /// "Fait à 08:12 par Paul Martin", "Non fait : refusé par la personne".
    pub outcome: Option<String>,
    /// The viewer's profession may do it.
    pub may_do: bool,
}

/// A person of the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundPerson {
    pub usager_id: Uuid,
    pub name: String,
    /// "12/03/1984".
    pub birth_date: String,
    pub photo: Option<Uuid>,
    pub allergies: Allergies,
    /// "Absent(e) : hospitalisation", when not here (shown, not hidden).
    pub absence: Option<String>,
    /// The open NEWS2 alert, e.g. "NEWS2 7 : risque élevé…".
    pub alert: Option<String>,
    pub tasks: Vec<RoundTask>,
}

/// The round of a unit for a shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub unit_id: Uuid,
    pub unit: String,
    /// The caller's units, to choose from.
    pub units: Vec<(Uuid, String)>,
    /// `schedule::Shift` code.
    pub shift: String,
    /// `AAAA-MM-JJ`: the day the shift starts.
    pub day: String,
    /// "Matin du jeudi 3 décembre 2026, 07:00 – 14:00".
    pub title: String,
    pub persons: Vec<RoundPerson>,
    /// The viewer may record outcomes and measures.
    pub may_write: bool,
}

/// A task still due an hour past its time, on the unit's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateTask {
    pub usager_id: Uuid,
    pub usager: String,
    pub label: String,
    /// "08:00".
    pub time: String,
}

/// The answer to a recorded outcome: the task as it now stands; `other`
/// when another tablet had recorded it first (written once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareOutcome {
    pub task: RoundTask,
    pub other: bool,
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
/// Writes the communication, autonomy and comfort of the DLU: a new
/// statement, the previous ones kept.
#[server(endpoint = "liaison_ecrire")]
pub async fn write_liaison(id: Uuid, input: LiaisonInput) -> Result<Liaison, AppError> {
    server::write_liaison(id, input).await
}

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

/// Sets a recurring care task (infirmier, médecin).
#[server(endpoint = "soin_planifier")]
pub async fn plan_care(id: Uuid, input: CareTaskInput) -> Result<Vec<CareTaskView>, AppError> {
    server::plan_care(id, input).await
}

/// Ends a care task, with a reason; it stays in the history.
#[server(endpoint = "soin_arreter")]
pub async fn end_care(
    id: Uuid,
    task_id: Uuid,
    reason: String,
) -> Result<Vec<CareTaskView>, AppError> {
    server::end_care(id, task_id, reason).await
}

/// Records a task of the round done or not done (once per time due).
#[server(endpoint = "soin_noter")]
pub async fn record_care(id: Uuid, input: CareOutcomeInput) -> Result<CareOutcome, AppError> {
    server::record_care(id, input).await
}

/// The round of a unit for a shift (empty: the caller's first unit, the
/// current shift).
#[server(endpoint = "tournee")]
pub async fn get_round(unit: Option<Uuid>, shift: String, day: String) -> Result<Round, AppError> {
    server::get_round(unit, shift, day).await
}

/// The shift times of one établissement, for its administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftPlace {
    pub etablissement_id: Uuid,
    pub name: String,
    /// "07:00", "14:00", "21:00": matin, après-midi, nuit.
    pub starts: [String; 3],
}

/// The shift times of the organisation's établissements (administrators).
#[server(endpoint = "horaires_equipes")]
pub async fn shift_settings() -> Result<Vec<ShiftPlace>, AppError> {
    server::shift_settings().await
}

/// Sets when each shift of an établissement starts (administrators).
#[server(endpoint = "horaires_equipes_modifier")]
pub async fn set_shift_times(
    etablissement_id: Uuid,
    matin: String,
    apres_midi: String,
    nuit: String,
) -> Result<Vec<ShiftPlace>, AppError> {
    server::set_shift_times(etablissement_id, matin, apres_midi, nuit).await
}

/// The alerts not yet acknowledged of the people of the caller's units
/// whose soins the caller reads (the home page).
#[server(endpoint = "alertes_unite")]
pub async fn unit_alerts() -> Result<Vec<AlertView>, AppError> {
    server::unit_alerts().await
}

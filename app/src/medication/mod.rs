//! The circuit du médicament: the drug reference and the prescriptions.
//!
//! The drug reference is the BDPM
//! (base de données publique des médicaments, ANSM, Licence Ouverte Etalab
//! 2.0), imported from its published files (`bdpm.rs`, `server/import.rs`,
//! `parcours bdpm import DIR`), searched by name or substance as one types,
//! and looked up by the code of a box, typed or sent by a hand-held
//! scanner (`code.rs`). Reference data, not personal data: any staff
//! member may search it, nothing of a record is read, nothing is traced.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
pub mod bdpm;
pub mod code;
pub mod prescription;
#[cfg(feature = "ssr")]
pub mod server;

pub use prescription::LineInput;
use uuid::Uuid;

/// The shortest search, in letters, and the longest.
pub const SEARCH_MIN: usize = 2;
pub const SEARCH_MAX: usize = 100;
/// The most drugs one search answers.
pub const SEARCH_LIMIT: i64 = 20;

/// A spécialité of the BDPM, as a search or a scan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drug {
    /// The CIS code (8 digits).
    pub cis: String,
    pub name: String,
    pub form: String,
    pub routes: Vec<String>,
    /// Active substances with their dosage ("PARACÉTAMOL 1000 mg").
    pub substances: Vec<String>,
    /// Commercialisée.
    pub marketed: bool,
    /// Under reinforced monitoring (the black triangle).
    pub monitored: bool,
}

/// The answer to a search: the drugs, and where they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugSearch {
    pub drugs: Vec<Drug>,
    /// "Source : BDPM, mise à jour du 7 décembre 2026" (none before the
    /// first import).
    pub source: Option<String>,
}

/// A box found by its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugBox {
    pub cip13: String,
    /// "plaquette(s) PVC de 8 comprimé(s)".
    pub label: String,
    pub drug: Drug,
    /// The expiry and lot read from a DataMatrix, if scanned.
    pub expiry: Option<String>,
    pub lot: Option<String>,
    pub source: Option<String>,
}

/// Searches the BDPM by the start of the words of a name or a substance,
/// marketed drugs first.
#[server(endpoint = "medicaments")]
pub async fn search_drugs(q: String) -> Result<DrugSearch, AppError> {
    server::search_drugs(q).await
}

/// The drug of a box: a CIP13 or CIP7 typed, or a DataMatrix scanned.
#[server(endpoint = "medicament_code")]
pub async fn drug_by_code(code: String) -> Result<DrugBox, AppError> {
    server::drug_by_code(code).await
}

/// One file of the BDPM as last imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedFile {
    /// Its published name (`CIS_bdpm.txt`…).
    pub file: String,
    pub rows: i64,
    /// "le 07/12/2026 à 10:05 par Alix SYSTÈME" (or "en ligne de commande").
    pub when: String,
}

/// What the administration page shows: each file's latest import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BdpmStatus {
    pub files: Vec<ImportedFile>,
    pub source: Option<String>,
}

/// The largest BDPM upload (the three published files weigh about 10 MB).
pub const MAX_UPLOAD: usize = crate::document::MAX_BYTES;

/// The latest import of each file (administrators).
#[server(endpoint = "bdpm_etat")]
pub async fn bdpm_state() -> Result<BdpmStatus, AppError> {
    server::bdpm_state().await
}

/// Imports the files sent (administrators): a multipart form with one or
/// more of `CIS_bdpm.txt`, `CIS_CIP_bdpm.txt`, `CIS_COMPO_bdpm.txt`, known
/// by their file names, imported in that order, each whole or not at all.
#[server(endpoint = "bdpm_import", input = MultipartFormData)]
pub async fn import_bdpm(data: MultipartData) -> Result<Vec<ImportedFile>, AppError> {
    server::import_bdpm(data).await
}

/// A prescription as typed from the paper one: its prescriber, its date,
/// its scan (a document of the record) and its lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrescriptionInput {
    /// Chosen by the client: a retried send writes the prescription once.
    pub id: Uuid,
    pub prescriber: String,
    /// The prescriber's RPPS number (11 digits), if known.
    pub rpps: String,
    pub prescribed_on: String,
    pub document_id: Option<Uuid>,
    pub lines: Vec<LineInput>,
    /// The author saw which allergies in force the lines match, and goes on.
    pub confirm_allergies: bool,
}

/// A prescription line as read: in force, or in the history with why and
/// by whom it stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub id: Uuid,
    pub prescription_id: Uuid,
    pub drug: String,
    /// Typed as free text (a preparation not in the BDPM).
    pub free_text: bool,
    pub substances: Vec<String>,
    /// "1 comprimé(s) — Voie orale".
    pub dose: String,
    /// "Matin, Soir — tous les jours" or "Si besoin : douleur — au moins 6 h
    /// entre deux prises, 4 par 24 h au plus".
    pub schedule: String,
    /// "Du 01/12/2026 au 31/12/2026", "Depuis le 01/12/2026".
    pub period: String,
    pub instructions: Option<String>,
    pub aide_prise: bool,
    pub high_risk: bool,
    pub as_needed: bool,
    /// The allergies the line matched, confirmed by its author.
    pub allergy_matches: Vec<String>,
    /// "Dr Anne MARTIN (RPPS 10001234567), ordonnance du 01/12/2026".
    pub prescribed: String,
    /// "Saisie le 01/12/2026 à 10:05 par Camille DUPUIS".
    pub entered: String,
    /// "Arrêtée le … par … : motif".
    pub stopped: Option<String>,
    /// The line this one replaced (a change).
    pub replaces: Option<Uuid>,
    /// The scanned prescription.
    pub document_id: Option<Uuid>,
    /// The line as its form would send it, for a change (in force lines,
    /// to those who may prescribe).
    pub edit: Option<LineInput>,
}

/// A person's treatments: the lines in force, then the stopped ones, latest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Treatments {
    pub in_force: Vec<LineView>,
    pub stopped: Vec<LineView>,
    /// The viewer may prescribe and stop lines (infirmier, médecin).
    pub may_write: bool,
    /// "Source : BDPM, mise à jour du …".
    pub source: Option<String>,
}

/// A person's treatments (read at the round and in the soins section).
#[server(endpoint = "traitements")]
pub async fn get_treatments(id: Uuid) -> Result<Treatments, AppError> {
    server::get_treatments(id).await
}

/// Records a prescription and its lines (infirmier, médecin). A line
/// matching an allergy in force is refused until `confirm_allergies`.
#[server(endpoint = "prescription_ajouter", input = server_fn::codec::Json)]
pub async fn add_prescription(id: Uuid, input: PrescriptionInput) -> Result<Treatments, AppError> {
    server::add_prescription(id, input).await
}

/// Stops a line in force, with the reason (it stays in the history).
#[server(endpoint = "ligne_arreter")]
pub async fn stop_line(id: Uuid, line_id: Uuid, reason: String) -> Result<Treatments, AppError> {
    server::stop_line(id, line_id, reason).await
}

/// Changes a line: the old one stops with the reason, the new one names it.
#[server(endpoint = "ligne_modifier", input = server_fn::codec::Json)]
pub async fn change_line(
    id: Uuid,
    line_id: Uuid,
    line: LineInput,
    reason: String,
    confirm_allergies: bool,
) -> Result<Treatments, AppError> {
    server::change_line(id, line_id, line, reason, confirm_allergies).await
}

/// The outcome of one dose, as a tablet sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoseInput {
    /// Chosen by the tablet: a retried send writes once.
    pub id: Uuid,
    pub line_id: Uuid,
    /// The day of the round, `AAAA-MM-JJ`.
    pub day: String,
    /// The slot (`midi`) or time (`08:00`) of the dose; empty for a
    /// si-besoin dose.
    pub due: String,
    /// An `Outcome` code.
    pub outcome: String,
    /// Why the dose was not taken (required then).
    pub reason: String,
    pub comment: String,
}

/// What was recorded for a dose: by this send, or first by another tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoseRecorded {
    pub id: Uuid,
    /// "Refusé à 12:04 par Sarah LAMBERT : dort".
    pub summary: String,
    /// Another tablet had recorded this dose first; this send wrote nothing.
    pub by_another: bool,
}

/// Records the outcome of one dose (the round, at the person's side).
#[server(endpoint = "prise_noter")]
pub async fn record_dose(id: Uuid, input: DoseInput) -> Result<DoseRecorded, AppError> {
    server::record_dose(id, input).await
}

/// One dose due at a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDose {
    pub line_id: Uuid,
    pub drug: String,
    /// "1 comprimé(s) — Voie orale".
    pub dose: String,
    pub instructions: Option<String>,
    /// What the dose is recorded under: the slot (`midi`) or a time of the
    /// line (`13:30`).
    pub due: String,
    /// "12:00".
    pub time: String,
    pub high_risk: bool,
    pub aide_prise: bool,
    /// The viewer may record it: nursing rights, or a line allowed as aide
    /// à la prise and not high-risk (CASF L313-26).
    pub may_give: bool,
    /// The `Outcome` code, once recorded.
    pub outcome: Option<String>,
    /// "Refusé à 12:04 par Sarah LAMBERT : dort".
    pub summary: Option<String>,
    /// Without outcome an hour after it was due.
    pub late: bool,
}

/// A si-besoin line, given when needed within its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsNeededDose {
    pub line_id: Uuid,
    pub drug: String,
    pub dose: String,
    /// "Si besoin : douleur — au moins 6 h entre deux prises, 4 par 24 h au plus".
    pub schedule: String,
    /// "Dernière prise à 09:12 ; 1 sur les dernières 24 heures".
    pub last: Option<String>,
    pub may_give: bool,
}

/// A person of the medication round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DosePerson {
    pub usager_id: Uuid,
    pub name: String,
    /// "12/03/1984".
    pub birth_date: String,
    pub photo: Option<Uuid>,
    pub allergies: crate::soins::Allergies,
    /// "Absent(e) : hospitalisation", when not here (listed, not hidden).
    pub absence: Option<String>,
    pub doses: Vec<RoundDose>,
    pub as_needed: Vec<AsNeededDose>,
}

/// The medication round of a unit for one slot of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoseRound {
    pub unit_id: Uuid,
    pub unit: String,
    /// The caller's units, to choose from.
    pub units: Vec<(Uuid, String)>,
    /// `Slot` code.
    pub slot: String,
    /// `AAAA-MM-JJ`.
    pub day: String,
    /// "Midi du lundi 7 décembre 2026".
    pub title: String,
    pub persons: Vec<DosePerson>,
    /// Doses with an outcome, and doses due.
    pub done: usize,
    pub due: usize,
    /// "Clôturée à 12:41 par Sarah LAMBERT".
    pub closed: Option<String>,
    /// The viewer may record outcomes.
    pub may_write: bool,
    /// The viewer has nursing rights: the one-tap outcome is "donné"
    /// (otherwise "aide à la prise", CASF L313-26).
    pub nurse: bool,
    /// When the server answered (RFC 3339): the age of a copy kept offline.
    pub read_at: String,
    /// The same, "12:04" in Paris.
    pub read_at_time: String,
}

/// A unit's slot of the day, for the nurse's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundState {
    pub unit_id: Uuid,
    pub unit: String,
    /// `Slot` code.
    pub slot: String,
    pub done: usize,
    pub due: usize,
    pub late: usize,
    /// Doses not taken (refused, spat out, absent, unavailable, postponed).
    pub not_taken: usize,
    pub closed: bool,
}

/// A dose not taken or late, named on the overview and the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoseNotice {
    pub usager_id: Uuid,
    pub usager: String,
    pub drug: String,
    /// "Midi (12:00)".
    pub when: String,
    /// "Refusé à 12:04 par Sarah LAMBERT : dort", or "En retard".
    pub what: String,
}

/// The nurse's overview of today's medication rounds in the caller's units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOverview {
    /// "lundi 7 décembre 2026".
    pub day: String,
    pub rounds: Vec<RoundState>,
    pub late: Vec<DoseNotice>,
    pub not_taken: Vec<DoseNotice>,
}

/// The medication round of a unit and a slot (empty: the caller's first
/// unit, the current slot, today). Keeps nothing: each person is traced.
#[server(endpoint = "distribution")]
pub async fn get_dose_round(
    unit: Option<Uuid>,
    slot: String,
    day: String,
) -> Result<DoseRound, AppError> {
    server::get_dose_round(unit, slot, day).await
}

/// Closes a round: refused while a dose has no outcome.
#[server(endpoint = "distribution_cloturer")]
pub async fn close_dose_round(
    unit: Uuid,
    slot: String,
    day: String,
) -> Result<DoseRound, AppError> {
    server::close_dose_round(unit, slot, day).await
}

/// Today's rounds of the caller's units: progress, late doses, refusals.
#[server(endpoint = "distribution_jour")]
pub async fn rounds_of_the_day() -> Result<DayOverview, AppError> {
    server::rounds_of_the_day().await
}

/// One cell of the administration chart: a dose due that day at that time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartCell {
    /// "✓", "A", "R"… (see `chart_symbol`), "!" for a dose never recorded,
    /// "·" for one still to come.
    pub symbol: String,
    /// "Refusé à 20:12 par Sarah LAMBERT : dort", "Non notée".
    pub label: String,
}

/// A line at one time of the day, over the chart's days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRow {
    pub drug: String,
    pub dose: String,
    /// "Matin", "13:30".
    pub when: String,
    /// One per day of the chart; `None` where nothing was due.
    pub cells: Vec<Option<ChartCell>>,
}

/// A dose not taken or never recorded, listed under the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartEvent {
    /// "lun. 07/12/2026".
    pub day: String,
    pub drug: String,
    pub when: String,
    pub what: String,
}

/// A person's administration chart: days × times of the day, one symbol
/// per outcome, and the refusals and missed doses of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrationChart {
    /// "du 01/12/2026 au 07/12/2026".
    pub period: String,
    pub days: u32,
    /// The period's first and last days, `AAAA-MM-JJ` (the report form's
    /// defaults).
    pub from: String,
    pub to: String,
    /// Column headers, oldest first: "lun. 07/12".
    pub day_labels: Vec<String>,
    pub rows: Vec<ChartRow>,
    /// The si-besoin doses given in the period, newest first.
    pub as_needed: Vec<ChartEvent>,
    /// Refused, spat out, absent, unavailable, postponed.
    pub not_taken: Vec<ChartEvent>,
    /// Due more than an hour ago and never recorded.
    pub missed: Vec<ChartEvent>,
}

/// The chart's symbol for an outcome code, and for a dose never recorded
/// (`None`).
pub fn chart_symbol(outcome: Option<&str>) -> &'static str {
    match outcome.and_then(prescription::Outcome::parse) {
        Some(prescription::Outcome::Donne) => "✓",
        Some(prescription::Outcome::AidePrise) => "A",
        Some(prescription::Outcome::Refuse) => "R",
        Some(prescription::Outcome::Recrache) => "V",
        Some(prescription::Outcome::Absent) => "Abs",
        Some(prescription::Outcome::NonDisponible) => "ND",
        Some(prescription::Outcome::Reporte) => "→",
        None => "!",
    }
}

/// The periods the chart offers, in days.
pub const CHART_DAYS: [u32; 3] = [7, 14, 31];

/// A person's administration chart over the last `days` days (7, 14 or 31).
#[server(endpoint = "prises_tableau")]
pub async fn get_administration_chart(
    id: Uuid,
    days: u32,
) -> Result<AdministrationChart, AppError> {
    server::get_administration_chart(id, days).await
}

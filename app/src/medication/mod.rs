//! The circuit du médicament. First part: the drug reference, the BDPM
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
#[cfg(feature = "ssr")]
pub mod server;

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

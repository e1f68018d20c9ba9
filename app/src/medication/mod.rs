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

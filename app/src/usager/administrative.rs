//! The administrative file around the identity: contacts, protection
//! measures, external professionals, référents, and the accompaniments
//! (admission, transfer, end).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::server::administrative as server;

crate::code_list! {
    /// The role of a contact.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ContactRole {
        Famille = "famille" => "Famille",
        PersonneAPrevenir = "personne_a_prevenir" => "Personne à prévenir",
        PersonneDeConfiance = "personne_de_confiance" => "Personne de confiance",
    }
}

crate::code_list! {
    /// Kinds of legal protection.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ProtectionKind {
        Tutelle = "tutelle" => "Tutelle",
        Curatelle = "curatelle" => "Curatelle simple",
        CuratelleRenforcee = "curatelle_renforcee" => "Curatelle renforcée",
        SauvegardeJustice = "sauvegarde_justice" => "Sauvegarde de justice",
        HabilitationFamiliale = "habilitation_familiale" => "Habilitation familiale",
    }
}

crate::code_list! {
    /// How an accompaniment begins.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum EntryMode {
        Admission = "admission" => "Admission",
        Transfert = "transfert" => "Transfert",
        OrientationMdph = "orientation_mdph" => "Orientation CDAPH",
        AccueilTemporaire = "accueil_temporaire" => "Accueil temporaire",
    }
}

crate::code_list! {
    /// How an accompaniment ends.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ExitMode {
        FinDePriseEnCharge = "fin_de_prise_en_charge" => "Fin de prise en charge",
        Transfert = "transfert" => "Transfert",
        Reorientation = "reorientation" => "Réorientation",
        HospitalisationLongue = "hospitalisation_longue" => "Hospitalisation de longue durée",
        Deces = "deces" => "Décès",
        Demenagement = "demenagement" => "Déménagement",
        Autre = "autre" => "Autre",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    pub role: ContactRole,
    pub name: String,
    pub relationship: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub call_order: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionView {
    pub kind: String,
    pub mandataire: String,
    pub phone: Option<String>,
    /// "depuis le 01/02/2020" or "du … au …".
    pub period: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalView {
    pub role: String,
    pub name: String,
    pub phone: Option<String>,
    pub medecin_traitant: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferentView {
    pub etablissement: String,
    pub name: String,
    pub since: String,
}

/// One accompaniment, with what can be done on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccompagnementLine {
    pub id: Uuid,
    pub etablissement: String,
    pub unit: Option<String>,
    pub period: String,
    pub entry_mode: String,
    pub exit_mode: Option<String>,
    pub current: bool,
}

/// A place an usager can be admitted or transferred to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub etablissement_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrativeFile {
    pub contacts: Vec<ContactView>,
    pub protections: Vec<ProtectionView>,
    pub professionals: Vec<ProfessionalView>,
    pub referents: Vec<ReferentView>,
    pub accompagnements: Vec<AccompagnementLine>,
    /// Where the caller may admit or transfer (empty when they may not write).
    pub places: Vec<Place>,
    /// Who may become référent: staff working where the person is accompanied
    /// now (empty when the caller may not write).
    pub referent_candidates: Vec<ReferentCandidate>,
    pub can_edit: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    pub role: String,
    pub last_name: String,
    pub first_name: String,
    pub relationship: String,
    pub phone: String,
    pub email: String,
}

/// A staff member who may coordinate the person's project in an établissement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferentCandidate {
    pub etablissement_id: Uuid,
    pub account_id: Uuid,
    /// "Camille Martin — Foyer Les Glycines".
    pub label: String,
}

impl ReferentCandidate {
    /// How a candidate travels in a form's `<option value>`.
    pub fn code(&self) -> String {
        format!("{}/{}", self.etablissement_id, self.account_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalForm {
    pub role: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub medecin_traitant: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionForm {
    pub kind: String,
    pub mandataire: String,
    pub phone: String,
    pub start_date: String,
    pub end_date: String,
}

/// The administrative file of an usager.
#[server(endpoint = "dossier_administratif")]
pub async fn get_administrative(id: Uuid) -> Result<AdministrativeFile, AppError> {
    server::get_administrative(id).await
}

/// Adds a contact (called last in the order).
#[server(endpoint = "contact_ajouter")]
pub async fn add_contact(id: Uuid, form: ContactForm) -> Result<(), AppError> {
    server::add_contact(id, form).await
}

/// Adds a measure of legal protection.
#[server(endpoint = "protection_ajouter")]
pub async fn add_protection(id: Uuid, form: ProtectionForm) -> Result<(), AppError> {
    server::add_protection(id, form).await
}

/// Adds a professional outside the organisation (the médecin traitant
/// replaces the previous one).
#[server(endpoint = "professionnel_ajouter")]
pub async fn add_professional(id: Uuid, form: ProfessionalForm) -> Result<(), AppError> {
    server::add_professional(id, form).await
}

/// Makes a staff member the référent of the person in an établissement
/// (`candidate` is `etablissement_id/account_id`).
#[server(endpoint = "referent_designer")]
pub async fn set_referent(id: Uuid, candidate: String) -> Result<(), AppError> {
    server::set_referent(id, candidate).await
}

/// Admits the usager in an établissement (and unit), from a date.
#[server(endpoint = "accompagnement_admettre")]
pub async fn admit(
    id: Uuid,
    place: String,
    start_date: String,
    entry_mode: String,
) -> Result<Uuid, AppError> {
    server::admit(id, place, start_date, entry_mode).await
}

/// Ends an accompaniment; with `transfer_to`, opens the next one the day
/// after, in the same transaction.
#[server(endpoint = "accompagnement_terminer")]
pub async fn end_accompaniment(
    id: Uuid,
    accompagnement_id: Uuid,
    end_date: String,
    exit_mode: String,
    #[server(default)] transfer_to: String,
) -> Result<(), AppError> {
    server::end_accompaniment(id, accompagnement_id, end_date, exit_mode, transfer_to).await
}

/// How a place travels in a form's `<option value>`.
pub fn place_code(p: &Place) -> String {
    match p.unit_id {
        Some(u) => format!("{}/{}", p.etablissement_id, u),
        None => p.etablissement_id.to_string(),
    }
}

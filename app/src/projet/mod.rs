//! The projet personnalisé, after the national TDDUI content model: a
//! project per usager and period, written from the organisation's template,
//! with the person's attentes, SERAFIN-PH besoins, objectifs, actions and
//! prestations, frozen into versions and avenants, reviewed in bilans,
//! agreed in accords, and measured (deadlines, completeness, time spent).

pub mod compare;
pub mod completeness;
pub mod due;
pub mod element;
pub mod falc;
pub mod trame;

#[cfg(feature = "ssr")]
pub mod server;

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use trame::Trame;
use uuid::Uuid;

crate::code_list! {
    /// The TDDUI project types, code and French label.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ProjetKind {
        Pp = "PP" => "Projet personnalisé",
        Ppa = "PPA" => "Projet personnalisé d’accompagnement",
        Pai = "PAI" => "Projet d’accompagnement individualisé",
        Ppia = "PPIA" => "Projet personnalisé d’intervention et d’accompagnement",
        Ppi = "PPI" => "Projet personnalisé individualisé",
        Pa = "PA" => "Projet d’accompagnement",
        Pi = "PI" => "Projet individuel",
    }
}

pub fn kind_label(code: &str) -> &'static str {
    ProjetKind::parse(code)
        .map(ProjetKind::label)
        .unwrap_or("Projet")
}

crate::code_list! {
    /// Status of a project: `ENPREPARATION` → `ENCOURS` ↔ `ENPAUSE` → `TERMINE`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Statut {
        #[serde(rename = "ENPREPARATION")]
        EnPreparation = "ENPREPARATION" => "En préparation",
        #[serde(rename = "ENCOURS")]
        EnCours = "ENCOURS" => "En cours",
        #[serde(rename = "ENPAUSE")]
        EnPause = "ENPAUSE" => "En pause",
        #[serde(rename = "TERMINE")]
        Termine = "TERMINE" => "Terminé",
    }
}

impl Statut {
    /// The changes a person may ask for. `ENPREPARATION → ENCOURS` happens
    /// by validating the first version, not here.
    pub fn may_become(self, next: Statut) -> bool {
        matches!(
            (self, next),
            (Statut::EnCours, Statut::EnPause)
                | (Statut::EnPause, Statut::EnCours)
                | (Statut::EnCours, Statut::Termine)
                | (Statut::EnPause, Statut::Termine)
                | (Statut::EnPreparation, Statut::Termine)
        )
    }
}

crate::code_list! {
    /// Status of an objective, an action or a prestation.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "UPPERCASE")]
    pub enum ElementStatus {
        Enpreparation = "ENPREPARATION" => "En préparation",
        Actif = "ACTIF" => "Actif",
        Termine = "TERMINE" => "Terminé",
        Annule = "ANNULE" => "Annulé",
    }
}

pub fn element_status_label(code: &str) -> &'static str {
    ElementStatus::parse(code)
        .map(ElementStatus::label)
        .unwrap_or("")
}

crate::code_list! {
    /// Where an expectation comes from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Origin {
        Usager = "usager" => "La personne",
        Entourage = "entourage" => "L’entourage",
        Professionnel = "professionnel" => "Un professionnel",
    }
}

pub fn origin_label(code: &str) -> &'static str {
    Origin::parse(code).map(Origin::label).unwrap_or("")
}

crate::code_list! {
    /// Evaluation of an objective in a bilan.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum EvaluationResult {
        Atteint = "atteint" => "Atteint",
        Partiellement = "partiellement" => "Partiellement atteint",
        NonAtteint = "non_atteint" => "Non atteint",
        Abandonne = "abandonne" => "Abandonné",
    }
}

pub fn result_label(code: &str) -> &'static str {
    EvaluationResult::parse(code)
        .map(EvaluationResult::label)
        .unwrap_or("")
}

crate::code_list! {
    /// Who agrees.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Party {
        Usager = "usager" => "La personne accompagnée",
        Representant = "representant" => "Le représentant légal",
        Structure = "structure" => "La structure",
    }
}

pub fn party_label(code: &str) -> &'static str {
    Party::parse(code).map(Party::label).unwrap_or("")
}

/// The content of an element, by kind. Dates are `YYYY-MM-DD` or empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ElementContent {
    Attente {
        origin: String,
        /// The words of the person (or relative, or professional) as said.
        text: String,
        /// Who said it, when it is not the person.
        said_by: String,
    },
    Besoin {
        code: String,
        description: String,
        analysis: String,
    },
    Objectif {
        title: String,
        description: String,
        starts_on: String,
        ends_on: String,
        expected: String,
        /// The person's opinion on the objective.
        avis: String,
        referent_id: Option<Uuid>,
        /// The easy-to-read version: short sentences, one per line.
        falc: String,
        pictogram: String,
    },
    Action {
        title: String,
        description: String,
        responsible_id: Option<Uuid>,
        starts_on: String,
        ends_on: String,
        objectifs: Vec<Uuid>,
    },
    Prestation {
        code: String,
        description: String,
    },
}

impl ElementContent {
    pub fn kind(&self) -> &'static str {
        match self {
            ElementContent::Attente { .. } => "attente",
            ElementContent::Besoin { .. } => "besoin",
            ElementContent::Objectif { .. } => "objectif",
            ElementContent::Action { .. } => "action",
            ElementContent::Prestation { .. } => "prestation",
        }
    }

    /// Objectives, actions and prestations have a status.
    pub fn has_status(&self) -> bool {
        matches!(
            self,
            ElementContent::Objectif { .. }
                | ElementContent::Action { .. }
                | ElementContent::Prestation { .. }
        )
    }

    /// A short name for lists and comparisons.
    pub fn name(&self) -> String {
        match self {
            ElementContent::Attente { text, .. } => short(text),
            ElementContent::Besoin { code, .. } => format!(
                "{code} {}",
                crate::serafin::need(code).unwrap_or("(code inconnu)")
            ),
            ElementContent::Objectif { title, .. } | ElementContent::Action { title, .. } => {
                title.clone()
            }
            ElementContent::Prestation { code, .. } => format!(
                "{code} {}",
                crate::serafin::direct_service(code).unwrap_or("(code inconnu)")
            ),
        }
    }

    pub fn empty(kind: &str) -> ElementContent {
        match kind {
            "attente" => ElementContent::Attente {
                origin: "usager".into(),
                text: String::new(),
                said_by: String::new(),
            },
            "besoin" => ElementContent::Besoin {
                code: String::new(),
                description: String::new(),
                analysis: String::new(),
            },
            "action" => ElementContent::Action {
                title: String::new(),
                description: String::new(),
                responsible_id: None,
                starts_on: String::new(),
                ends_on: String::new(),
                objectifs: vec![],
            },
            "prestation" => ElementContent::Prestation {
                code: String::new(),
                description: String::new(),
            },
            _ => ElementContent::Objectif {
                title: String::new(),
                description: String::new(),
                starts_on: String::new(),
                ends_on: String::new(),
                expected: String::new(),
                avis: String::new(),
                referent_id: None,
                falc: String::new(),
                pictogram: String::new(),
            },
        }
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// An element as stored in a project or a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    pub id: Uuid,
    pub content: ElementContent,
    pub status: Option<String>,
    pub version: i32,
}

/// What a version freezes: header, text fields and elements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub title: String,
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    pub next_review: String,
    pub fields: BTreeMap<String, String>,
    pub elements: Vec<Element>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    pub value: String,
    pub version: i32,
    /// "modifié le … par …".
    pub updated: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub number: i32,
    /// "Version initiale" or "Avenant n°…".
    pub label: String,
    pub reason: String,
    pub validated: String,
    pub completeness: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub what: String,
    pub change: String,
    pub by: String,
    pub at: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub objectif: String,
    pub result: String,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanView {
    pub held_on: String,
    pub synthesis: String,
    pub invited: String,
    pub preparation: String,
    pub preparation_by: String,
    pub next_review: String,
    pub written: String,
    pub evaluations: Vec<EvaluationView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccordView {
    pub version: i32,
    pub party: String,
    pub signatory: String,
    pub signed_on: String,
    pub valid_until: String,
    pub document_id: Option<Uuid>,
}

/// The record's data shown in "Informations générales", not retyped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Informations {
    pub name: String,
    pub birth: String,
    pub places: Vec<String>,
    pub referents: Vec<String>,
    pub contacts: Vec<String>,
    pub protection: Vec<String>,
}

/// Score of a project and what it lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    pub percent: i32,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjetView {
    pub id: Uuid,
    pub usager_id: Uuid,
    pub title: String,
    pub kind: String,
    pub status: Statut,
    /// A draft is open (first version or avenant).
    pub editing: bool,
    /// The header's version (title, type, dates).
    pub version: i32,
    pub starts_on: String,
    pub ends_on: String,
    pub next_review: String,
    /// The date the next review is due (computed), in words.
    pub due: String,
    pub etablissements: Vec<String>,
    pub trame: Trame,
    pub fields: BTreeMap<String, FieldValue>,
    pub elements: Vec<Element>,
    pub versions: Vec<VersionSummary>,
    pub history: Vec<HistoryLine>,
    pub bilans: Vec<BilanView>,
    pub accords: Vec<AccordView>,
    pub completeness: Completeness,
    pub informations: Informations,
    /// Staff who may be référent or responsible: (account, name).
    pub staff: Vec<(Uuid, String)>,
    pub time_spent_minutes: i64,
    pub can_write: bool,
}

impl ProjetView {
    pub fn staff_name(&self, id: Option<Uuid>) -> String {
        id.and_then(|id| self.staff.iter().find(|(s, _)| *s == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjetSummary {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub status: Statut,
    pub editing: bool,
    pub period: String,
    pub versions: i32,
    pub completeness: i32,
    pub due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjetList {
    pub projets: Vec<ProjetSummary>,
    /// Établissements where the person is accompanied: (id, name).
    pub etablissements: Vec<(Uuid, String)>,
    pub can_write: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderForm {
    pub title: String,
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    pub next_review: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationForm {
    pub objectif_id: Uuid,
    pub result: String,
    pub comment: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanForm {
    pub held_on: String,
    pub synthesis: String,
    pub invited: String,
    pub preparation: String,
    pub preparation_by: String,
    pub next_review: String,
    pub evaluations: Vec<EvaluationForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccordForm {
    pub party: String,
    pub signatory: String,
    pub signed_on: String,
    pub valid_until: String,
    pub document_id: Option<Uuid>,
}

/// One line of a comparison between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// "Objectif", "Action", a field's label…
    pub what: String,
    pub name: String,
    /// "ajouté", "retiré", "modifié".
    pub change: String,
    pub details: Vec<String>,
}

/// Deadline state of an usager in an établissement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub usager_id: Uuid,
    pub usager: String,
    pub etablissement: String,
    pub referent: String,
    /// "sans_projet", "en_retard" or "a_echeance".
    pub state: String,
    /// "échéance le …" or "échéance dépassée depuis le …".
    pub due: String,
    pub projet_id: Option<Uuid>,
    /// The caller is this usager's référent.
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitIndicators {
    pub name: String,
    pub usagers: i64,
    pub with_projet: i64,
    pub in_force: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtablissementIndicators {
    pub name: String,
    pub usagers: i64,
    pub with_projet: i64,
    pub in_force: i64,
    pub without: i64,
    pub due_soon: i64,
    pub overdue: i64,
    pub average_completeness: Option<i32>,
    pub time_spent_minutes: i64,
    pub units: Vec<UnitIndicators>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Echeances {
    /// Over the caller's perimeter, per établissement.
    pub indicators: Vec<EtablissementIndicators>,
    /// Usagers without a project in force, due within 30 days or overdue.
    pub deadlines: Vec<Deadline>,
    /// The indicators are for those who lead a service (chef de service,
    /// direction); the others see their own deadlines as référent.
    pub leads: bool,
}

/// One objective in easy-to-read form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FalcObjective {
    pub pictogram: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FalcView {
    pub first_name: String,
    pub objectives: Vec<FalcObjective>,
}

/// The projects of an usager.
#[server(endpoint = "projets")]
pub async fn list_projets(id: Uuid) -> Result<ProjetList, AppError> {
    server::list_projets(id).await
}

/// One project, everything the editor shows.
#[server(endpoint = "projet")]
pub async fn get_projet(id: Uuid, projet: Uuid) -> Result<ProjetView, AppError> {
    server::get_projet(id, projet).await
}

/// Starts a project from the organisation's current template; `key` is
/// chosen by the client (a retry finds it).
#[server(endpoint = "projet_creer")]
pub async fn create_projet(
    id: Uuid,
    key: Uuid,
    title: String,
    kind: String,
    starts_on: String,
    etablissements: Vec<Uuid>,
) -> Result<Uuid, AppError> {
    server::create_projet(id, key, title, kind, starts_on, etablissements).await
}

/// Opens an editing session (the time spent runs until its last save).
#[server(endpoint = "projet_ouvrir")]
pub async fn open_session(id: Uuid, projet: Uuid, session: Uuid) -> Result<(), AppError> {
    server::open_session(id, projet, session).await
}

/// Saves the header edited from `version`.
#[server(endpoint = "projet_entete", input = Json)]
pub async fn save_header(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    version: i32,
    form: HeaderForm,
) -> Result<i32, AppError> {
    server::save_header(id, projet, session, version, form).await
}

/// Saves one text field edited from `version` (0 when empty); returns the
/// new version. Another writer's save in between is `Stale`.
#[server(endpoint = "projet_champ", input = Json)]
pub async fn save_field(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    key: String,
    version: i32,
    value: String,
) -> Result<i32, AppError> {
    server::save_field(id, projet, session, key, version, value).await
}

/// Creates (`version` 0, `element` chosen by the client) or updates an
/// element; returns its new version.
#[server(endpoint = "projet_element", input = Json)]
pub async fn save_element(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    element: Uuid,
    version: i32,
    content: ElementContent,
) -> Result<i32, AppError> {
    server::save_element(id, projet, session, element, version, content).await
}

/// Changes the status of an objective, action or prestation.
#[server(endpoint = "projet_element_statut")]
pub async fn set_element_status(
    id: Uuid,
    projet: Uuid,
    element: Uuid,
    status: ElementStatus,
) -> Result<(), AppError> {
    server::set_element_status(id, projet, element, status).await
}

/// Removes an element from the draft.
#[server(endpoint = "projet_element_retirer")]
pub async fn remove_element(
    id: Uuid,
    projet: Uuid,
    element: Uuid,
    version: i32,
) -> Result<(), AppError> {
    server::remove_element(id, projet, element, version).await
}

/// Freezes the draft into a version (the first one puts the project in
/// force); refused with the list of what is missing.
#[server(endpoint = "projet_valider")]
pub async fn validate_projet(id: Uuid, projet: Uuid, reason: String) -> Result<i32, AppError> {
    server::validate_projet(id, projet, reason).await
}

/// Opens an avenant on a validated project.
#[server(endpoint = "projet_avenant")]
pub async fn open_avenant(id: Uuid, projet: Uuid) -> Result<(), AppError> {
    server::open_avenant(id, projet).await
}

/// Pauses, resumes or ends a project.
#[server(endpoint = "projet_statut")]
pub async fn set_status(
    id: Uuid,
    projet: Uuid,
    status: Statut,
    reason: String,
) -> Result<(), AppError> {
    server::set_status(id, projet, status, reason).await
}

/// Records a bilan; `key` is chosen by the client.
#[server(endpoint = "projet_bilan", input = Json)]
pub async fn add_bilan(id: Uuid, projet: Uuid, key: Uuid, form: BilanForm) -> Result<(), AppError> {
    server::add_bilan(id, projet, key, form).await
}

/// Records an agreement on the last validated version.
#[server(endpoint = "projet_accord", input = Json)]
pub async fn add_accord(
    id: Uuid,
    projet: Uuid,
    key: Uuid,
    form: AccordForm,
) -> Result<(), AppError> {
    server::add_accord(id, projet, key, form).await
}

/// Compares two versions (0 is the current draft).
#[server(endpoint = "projet_comparer")]
pub async fn compare_versions(
    id: Uuid,
    projet: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<Difference>, AppError> {
    server::compare_versions(id, projet, from, to).await
}

/// The objectives in easy-to-read form (the person's portal shows them).
#[server(endpoint = "projet_falc")]
pub async fn get_falc(id: Uuid, projet: Uuid) -> Result<FalcView, AppError> {
    server::get_falc(id, projet).await
}

/// Deadlines and indicators over the caller's perimeter.
#[server(endpoint = "projets_echeances")]
pub async fn get_echeances() -> Result<Echeances, AppError> {
    server::get_echeances().await
}

/// The organisation's current template (administrators).
#[server(endpoint = "trame")]
pub async fn get_trame() -> Result<Trame, AppError> {
    server::get_trame().await
}

/// Saves the template edited from `version` as a new version.
#[server(endpoint = "trame_modifier", input = Json)]
pub async fn save_trame(version: i32, sections: Vec<trame::TrameSection>) -> Result<i32, AppError> {
    server::save_trame(version, sections).await
}

//! Consents and oppositions to sharing (the family, the DMP…): a history per
//! usager, the latest decision of a scope in force at once. Part of the
//! administrative record, governed by its section (identité).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::server::consent as server;

crate::code_list! {
    /// What a consent or an opposition is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ConsentScope {
        /// Sharing with professionals outside the accompanying team.
        HorsEquipe = "hors_equipe" => "Partage avec des professionnels hors de l’équipe",
        /// Sharing with the family members linked to the usager.
        Famille = "famille" => "Partage avec la famille",
        /// The person's own space, easy-to-read pages about themselves.
        EspacePersonnel = "espace_personnel" => "Espace personnel de la personne (pages faciles à lire)",
    }
}

/// One recorded consent or opposition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub scope: ConsentScope,
    pub opposition: bool,
    /// "par la personne" / "par son représentant légal".
    pub expressed_by: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub comment: Option<String>,
}

/// The consents of a record: history, most recent first (the first line of
/// each scope is the one in force), and whether the viewer may record one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    pub history: Vec<ConsentView>,
    pub can_record: bool,
}

impl Consents {
    /// The decision in force for a scope (None: nothing recorded).
    pub fn current(&self, scope: ConsentScope) -> Option<&ConsentView> {
        self.history.iter().find(|c| c.scope == scope)
    }
}

/// The consents and oppositions recorded for an usager.
#[server(endpoint = "consentements")]
pub async fn get_consents(id: Uuid) -> Result<Consents, AppError> {
    server::get_consents(id).await
}

/// Records a consent or an opposition; it is in force at once.
#[server(endpoint = "consentement")]
pub async fn record_consent(
    id: Uuid,
    scope: String,
    decision: String,
    expressed_by: String,
    comment: String,
) -> Result<(), AppError> {
    server::record_consent(id, scope, decision, expressed_by, comment).await
}

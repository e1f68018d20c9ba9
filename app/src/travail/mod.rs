//! Work at the ESAT: workshop, position, schedule, skills and training, and
//! dated work observations. Its own section, so moniteurs d'atelier fill it
//! without seeing care data.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
mod server;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravailForm {
    pub atelier: String,
    pub poste: String,
    pub schedule: String,
    pub skills: String,
    pub training: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub author: String,
    pub written_at: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravailView {
    /// None before the first sheet is written.
    pub sheet: Option<TravailForm>,
    /// The version the form edits (0 when there is no sheet yet).
    pub version: i32,
    /// "mise à jour le … par …".
    pub updated: Option<String>,
    pub observations: Vec<Observation>,
    pub can_write: bool,
}

/// The work sheet and observations of an usager.
#[server(endpoint = "travail")]
pub async fn get_travail(id: Uuid) -> Result<TravailView, AppError> {
    server::get_travail(id).await
}

/// Saves the work sheet edited from `version` (0 for a first sheet).
#[server(endpoint = "travail_modifier")]
pub async fn save_travail(id: Uuid, version: i32, form: TravailForm) -> Result<(), AppError> {
    server::save_travail(id, version, form).await
}

/// Adds a work observation; `key` is chosen by the client (a retry finds it).
#[server(endpoint = "travail_observation")]
pub async fn add_observation(id: Uuid, key: Uuid, body: String) -> Result<(), AppError> {
    server::add_observation(id, key, body).await
}

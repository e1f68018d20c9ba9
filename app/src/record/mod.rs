//! The record's overview: what a professional needs at the bedside, in
//! one read — whether the person is here today and the day's events, the
//! latest important notes, what is due — each part only when the caller
//! reads its section. The sections themselves are their domains' own.

use crate::access::Section;
use crate::agenda::EventView;
use crate::error::AppError;
use crate::transmission::TransmissionView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
mod server;

/// How many important notes the overview shows (the timeline has the rest).
pub const LATEST_NOTES: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// `None`: the caller does not read the agenda.
    pub today: Option<Today>,
    /// `None`: the caller does not read the transmissions.
    pub notes: Option<Vec<TransmissionView>>,
    /// What is due in the sections the caller reads, soonest first.
    pub due: Vec<Due>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    /// "Présent(e) aujourd’hui" or the absence in force.
    pub presence: String,
    pub events: Vec<EventView>,
}

/// Something to do by a date: a projet to review, a document to renew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// "Réviser le projet « … »", "Renouveler : Ordonnance…".
    pub what: String,
    /// "avant le 12/03/2027", "en retard depuis le 01/11/2026".
    pub when: String,
    pub overdue: bool,
    /// Where it is dealt with.
    pub section: Section,
}

/// The overview of the record (traced as a read of each section it shows).
#[server(endpoint = "dossier_apercu")]
pub async fn record_overview(id: Uuid) -> Result<Overview, AppError> {
    server::record_overview(id).await
}

//! Agenda: events of an usager or of a unit (appointments, activities,
//! meetings, visits, outings), by day and by week, in Paris time; and the
//! usager's absences (presence is the absence of an absence).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub(crate) mod server;

crate::code_list! {
    /// The kinds of agenda event.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum EventKind {
        RendezVousMedical = "rendez_vous_medical" => "Rendez-vous médical",
        Activite = "activite" => "Activité",
        ReunionPluridisciplinaire = "reunion_pluridisciplinaire" => "Réunion pluridisciplinaire",
        VisiteFamille = "visite_famille" => "Visite de la famille",
        Sortie = "sortie" => "Sortie",
        RendezVousExterieur = "rendez_vous_exterieur" => "Rendez-vous extérieur",
        Autre = "autre" => "Autre",
    }
}

crate::code_list! {
    /// Why a person is absent.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum AbsenceReason {
        Hospitalisation = "hospitalisation" => "Hospitalisation",
        SejourFamille = "sejour_famille" => "Séjour en famille",
        Vacances = "vacances" => "Vacances",
        ConvenancePersonnelle = "convenance_personnelle" => "Convenance personnelle",
        Fugue = "fugue" => "Fugue",
        Autre = "autre" => "Autre",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    /// "14:00 – 15:30".
    pub hours: String,
    pub place: Option<String>,
    pub participants: Vec<String>,
    pub external_participants: Option<String>,
    /// "2.1.1.1 — Soins médicaux…".
    pub serafin: Option<String>,
    /// For unit agendas: who the event is about, or the unit.
    pub about: Option<String>,
    pub usager_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaDay {
    /// `2026-11-23`.
    pub date: String,
    /// "lundi 23 novembre 2026".
    pub label: String,
    pub today: bool,
    pub events: Vec<EventView>,
    /// "Absent(e) : hospitalisation" for an usager's agenda.
    pub absence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceView {
    pub reason: String,
    pub period: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaWeek {
    /// "Semaine du 23 au 29 novembre 2026".
    pub title: String,
    pub previous: String,
    pub next: String,
    pub days: Vec<AgendaDay>,
    /// Present or absent today, for an usager.
    pub today_status: Option<String>,
    pub absences: Vec<AbsenceView>,
    pub can_write: bool,
}

/// An event as typed; `id` is chosen by the client (a retry finds it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventForm {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    /// `AAAA-MM-JJ`, `HH:MM`, `HH:MM`, Paris time.
    pub date: String,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub external_participants: String,
    #[serde(default)]
    pub serafin_code: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceForm {
    pub reason: String,
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub comment: String,
}

/// The week containing `week_of` (`AAAA-MM-JJ`, empty for this week) of one usager.
#[server(endpoint = "agenda")]
pub async fn usager_agenda(id: Uuid, week_of: String) -> Result<AgendaWeek, AppError> {
    server::usager_agenda(id, week_of).await
}

/// Adds an event to the usager's agenda (the author takes part).
#[server(endpoint = "agenda_ajouter")]
pub async fn add_event(id: Uuid, form: EventForm) -> Result<(), AppError> {
    server::add_event(id, form).await
}

/// Records an absence of the usager.
#[server(endpoint = "absence")]
pub async fn record_absence(id: Uuid, form: AbsenceForm) -> Result<(), AppError> {
    server::record_absence(id, form).await
}

/// The week of the caller's units: unit events and their usagers' events.
#[server(endpoint = "agenda_unite")]
pub async fn unit_agenda(week_of: String) -> Result<AgendaWeek, AppError> {
    server::unit_agenda(week_of).await
}

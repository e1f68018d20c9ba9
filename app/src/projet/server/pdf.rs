//! What the PDF of a project prints (the server's projet_pdf draws it).

use super::falc::falc_of;
use super::read::load;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::projet::*;
use crate::state::db_error;
use crate::state::AppState;
use crate::time;
use anyhow::Context as _;
use chrono::Utc;

/// Everything the printable document holds, through the same access check
/// and trail as the page (one read traced).
pub struct ProjetDocument {
    pub organisation: String,
    pub view: ProjetView,
    pub falc: FalcView,
    pub printed_at: String,
}

pub async fn document(projet: Uuid) -> Result<ProjetDocument, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let usager = sqlx::query_scalar!(
        "SELECT usager_id FROM projet WHERE id = $1 AND organisation_id = $2",
        projet,
        principal.organisation_id
    )
    .fetch_optional(&state.pool)
    .await
    .context("finding a project")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    let e = enter(usager, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let view = load(&mut tx, &e, usager, projet).await?;
    let falc = falc_of(&mut tx, usager, projet).await?;
    let organisation = sqlx::query_scalar!(
        "SELECT name FROM organisation WHERE id = $1",
        e.principal.organisation_id
    )
    .fetch_one(&mut *tx)
    .await
    .context("naming the organisation")
    .map_err(db_error)?;
    e.access
        .commit(tx, Some(format!("{projet}/document")))
        .await?;
    Ok(ProjetDocument {
        organisation,
        view,
        falc,
        printed_at: time::date_time(Utc::now()),
    })
}

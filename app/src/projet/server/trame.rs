//! The organisation's template, read and administered.

use super::*;
use crate::access::server::{append, require_administrator, AuditEvent};
use crate::auth::server::require_principal;
use crate::projet::trame::{Trame, TrameSection};
use crate::projet::*;
use crate::state::{db_error, AppState};
use anyhow::Context as _;

pub async fn get_trame() -> Result<Trame, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let mut tx = state.begin().await?;
    let trame = current_trame(&mut tx, principal.organisation_id).await?;
    tx.commit()
        .await
        .context("committing the template")
        .map_err(db_error)?;
    Ok(trame)
}

pub async fn save_trame(version: i32, sections: Vec<TrameSection>) -> Result<i32, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let sections = crate::projet::trame::checked(sections)?;
    let mut tx = state.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('trame:' || $1::uuid::text))",
        principal.organisation_id
    )
    .execute(&mut *tx)
    .await
    .context("locking the template")
    .map_err(db_error)?;
    let current = current_trame(&mut tx, principal.organisation_id).await?;
    if current.version != version {
        return Err(AppError::Stale {
            current_version: current.version,
        });
    }
    // A key of the previous version keeps meaning the same field: a renamed
    // field keeps its values in the projects written with the new version.
    let json = serde_json::to_value(&sections).map_err(|e| db_error(e.into()))?;
    sqlx::query!(
        "INSERT INTO trame (organisation_id, version, sections, created_by) VALUES ($1, $2, $3, $4)",
        principal.organisation_id,
        version + 1,
        json,
        principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("saving the template")
    .map_err(db_error)?;
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(format!("trame/v{}", version + 1)),
            ..AuditEvent::by(&principal, None, "trame", "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing the template")
        .map_err(db_error)?;
    Ok(version + 1)
}

//! The project's life: validation (a frozen version), avenants, status changes.

use super::*;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::projet::completeness::{completeness, validation_missing};
use crate::projet::*;
use crate::state::db_error;
use crate::validate;
use anyhow::Context as _;

pub async fn validate_projet(id: Uuid, projet: Uuid, reason: String) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let reason = validate::optional("reason", "Motif", &reason, 1000)?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if !h.editing {
        return Err(AppError::Frozen);
    }
    let trame = trame_version(&mut tx, h.organisation_id, h.trame_version).await?;
    let snap = snapshot(&mut tx, projet, &h).await?;
    let missing = validation_missing(&trame, &snap);
    if !missing.is_empty() {
        return Err(AppError::Incomplete { missing });
    }
    let number = sqlx::query_scalar!(
        r#"SELECT COALESCE(max(number), 0) + 1 AS "n!" FROM projet_version WHERE projet_id = $1"#,
        projet
    )
    .fetch_one(&mut *tx)
    .await
    .context("numbering a version")
    .map_err(db_error)?;
    if number > 1 && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "Un avenant indique son motif (par exemple : bilan annuel, demande de la personne).",
        ));
    }
    let json = serde_json::to_value(&snap).map_err(|e| db_error(e.into()))?;
    sqlx::query!(
        r#"INSERT INTO projet_version (projet_id, number, reason, snapshot, completeness, validated_by)
           VALUES ($1, $2, $3, $4, $5, $6)"#,
        projet,
        number,
        reason,
        json,
        completeness(&trame, &snap).percent,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("freezing a version")
    .map_err(db_error)?;
    sqlx::query!(
        r#"UPDATE projet SET editing = false,
                  status = CASE WHEN status = 'ENPREPARATION' THEN 'ENCOURS' ELSE status END,
                  starts_on = COALESCE(starts_on, paris_today()) WHERE id = $1"#,
        projet
    )
    .execute(&mut *tx)
    .await
    .context("closing the draft")
    .map_err(db_error)?;
    if h.status == "ENPREPARATION" {
        sqlx::query!(
            r#"INSERT INTO projet_status_change (projet_id, from_status, to_status, reason, changed_by)
               VALUES ($1, 'ENPREPARATION', 'ENCOURS', 'Validation de la version initiale', $2)"#,
            projet,
            e.principal.account_id
        )
        .execute(&mut *tx)
        .await
        .context("recording a status change")
        .map_err(db_error)?;
    }
    e.access
        .commit(tx, Some(format!("{projet}/v{number}")))
        .await?;
    Ok(number)
}

pub async fn open_avenant(id: Uuid, projet: Uuid) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if h.status == "TERMINE" {
        return Err(AppError::invalid(
            "status",
            "Le projet est terminé : commencez un nouveau projet.",
        ));
    }
    if !h.editing {
        sqlx::query!("UPDATE projet SET editing = true WHERE id = $1", projet)
            .execute(&mut *tx)
            .await
            .context("opening an avenant")
            .map_err(db_error)?;
    }
    e.access.commit(tx, Some(projet.to_string())).await
}

pub async fn set_status(
    id: Uuid,
    projet: Uuid,
    next: Statut,
    reason: String,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let reason = validate::optional("reason", "Motif", &reason, 1000)?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    let current = Statut::parse(&h.status).unwrap_or(Statut::EnPreparation);
    if current == next {
        return e.access.commit(tx, Some(projet.to_string())).await;
    }
    if !current.may_become(next) {
        return Err(AppError::invalid(
            "status",
            &format!(
                "Un projet « {} » ne peut pas passer à « {} »{}.",
                current.label(),
                next.label(),
                if current == Statut::EnPreparation {
                    " : validez d’abord sa première version"
                } else {
                    ""
                }
            ),
        ));
    }
    sqlx::query!(
        r#"UPDATE projet SET status = $2,
                  editing = CASE WHEN $2 = 'TERMINE' THEN false ELSE editing END,
                  ends_on = CASE WHEN $2 = 'TERMINE' THEN COALESCE(ends_on, paris_today()) ELSE ends_on END
           WHERE id = $1"#,
        projet,
        next.code()
    )
    .execute(&mut *tx)
    .await
    .context("changing a project's status")
    .map_err(db_error)?;
    sqlx::query!(
        r#"INSERT INTO projet_status_change (projet_id, from_status, to_status, reason, changed_by)
           VALUES ($1, $2, $3, $4, $5)"#,
        projet,
        current.code(),
        next.code(),
        reason,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording a status change")
    .map_err(db_error)?;
    e.access.commit(tx, Some(projet.to_string())).await
}

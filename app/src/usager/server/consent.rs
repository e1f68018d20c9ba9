//! Consents and oppositions on the server: reading them with the
//! administrative record, recording one with its audit event.

use crate::access::server::{authorize, decide};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::error::AppError;
use crate::state::{db_error, AppState};
use crate::time;
use crate::usager::consent::{ConsentScope, ConsentView, Consents};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub(crate) async fn get_consents(id: Uuid) -> Result<Consents, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, id, Section::Identite, Action::Read).await?;
    let mut tx = state.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT c.scope, c.decision, c.expressed_by, a.first_name || ' ' || a.last_name AS "recorded_by!",
                  c.recorded_at AS "recorded_at: DateTime<Utc>", c.comment
           FROM consent_event c JOIN account a ON a.id = c.recorded_by
           WHERE c.usager_id = $1
           ORDER BY c.recorded_at DESC"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading consents")
    .map_err(db_error)?;
    let can_record = decide(&mut tx, &principal, id, Section::Identite, Action::Write)
        .await
        .map_err(db_error)?
        .is_some();
    access.commit(tx, Some("consentements".into())).await?;
    Ok(Consents {
        history: rows
            .into_iter()
            .filter_map(|r| {
                Some(ConsentView {
                    scope: ConsentScope::parse(&r.scope)?,
                    opposition: r.decision == "opposition",
                    expressed_by: if r.expressed_by == "usager" {
                        "par la personne".into()
                    } else {
                        "par son représentant légal".into()
                    },
                    recorded_by: r.recorded_by,
                    recorded_at: time::date_time(r.recorded_at),
                    comment: r.comment,
                })
            })
            .collect(),
        can_record,
    })
}

pub(crate) async fn record_consent(
    id: Uuid,
    scope: String,
    decision: String,
    expressed_by: String,
    comment: String,
) -> Result<(), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, id, Section::Identite, Action::Write).await?;
    let scope = ConsentScope::parse(&scope)
        .ok_or_else(|| AppError::invalid("scope", "Choisissez ce que concerne la décision."))?;
    if !matches!(decision.as_str(), "consentement" | "opposition") {
        return Err(AppError::invalid(
            "decision",
            "Choisissez consentement ou opposition.",
        ));
    }
    if !matches!(expressed_by.as_str(), "usager" | "representant_legal") {
        return Err(AppError::invalid(
            "expressed_by",
            "Indiquez qui a exprimé cette décision.",
        ));
    }
    if comment.chars().count() > 2000 {
        return Err(AppError::invalid(
            "comment",
            "Le commentaire ne doit pas dépasser 2000 caractères.",
        ));
    }
    let comment = Some(comment.trim().to_string()).filter(|c| !c.is_empty());
    let mut tx = state.begin().await?;
    let consent_id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO consent_event (id, organisation_id, usager_id, scope, decision, expressed_by, recorded_by, comment)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        consent_id,
        principal.organisation_id,
        id,
        scope.code(),
        decision,
        expressed_by,
        principal.account_id,
        comment
    )
    .execute(&mut *tx)
    .await
    .context("recording a consent")
    .map_err(db_error)?;
    access.commit(tx, Some(consent_id.to_string())).await
}

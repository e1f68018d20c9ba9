//! Emergency access (bris de glace): asked with a reason, traced, and
//! reviewed by the chefs de service and direction of the établissements
//! concerned (never by the one who asked), or the DPO.

use super::{append, deny, require, usager_in_organisation, AuditEvent};
use crate::access::{Action, BreakGlassLine, BREAK_GLASS_MIN_REASON};
use crate::auth::server::{require_principal, Principal};
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::organisation::Profession;
use crate::state::{db_error, AppState};
use crate::time;
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The trail's code for an emergency access, its request and its review.
pub const BREAK_GLASS: &str = "bris_de_glace";

/// Chefs de service and direction review the emergency accesses of their
/// établissements; the DPO, the whole organisation's.
fn is_reviewer(p: &Principal) -> bool {
    p.kind == AccountKind::Staff
        && (p.dpo
            || matches!(
                p.profession,
                Some(Profession::ChefService | Profession::Directeur)
            ))
}

pub(crate) async fn request_break_glass(id: Uuid, reason: String) -> Result<String, AppError> {
    let principal = require_principal().await?;
    if principal.kind != AccountKind::Staff {
        // A family or a person's own session: refused, and traced.
        let state = AppState::get()?;
        return Err(deny(&state, &principal, Some(id), BREAK_GLASS, "write").await);
    }
    let reason = reason.trim().to_string();
    if reason.chars().count() < BREAK_GLASS_MIN_REASON {
        return Err(AppError::invalid(
            "reason",
            "Expliquez en quelques mots pourquoi cet accès d’urgence est nécessaire (20 caractères au moins).",
        ));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::invalid(
            "reason",
            "Le motif ne doit pas dépasser 2000 caractères.",
        ));
    }
    let state = AppState::get()?;
    let mut tx = state.begin().await?;
    let exists = usager_in_organisation(&mut tx, principal.organisation_id, id).await?;
    if !exists {
        return Err(AppError::Forbidden);
    }
    let expires_at = sqlx::query_scalar!(
        r#"INSERT INTO break_glass (id, organisation_id, account_id, usager_id, reason, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))
           RETURNING expires_at AS "expires_at: DateTime<Utc>""#,
        Uuid::new_v4(),
        principal.organisation_id,
        principal.account_id,
        id,
        reason,
        state.config.break_glass_hours as i32
    )
    .fetch_one(&mut *tx)
    .await
    .context("granting a bris de glace")
    .map_err(db_error)?;
    append(
        &mut tx,
        &AuditEvent {
            break_glass: true,
            ..AuditEvent::by(&principal, Some(id), BREAK_GLASS, "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a bris de glace")
        .map_err(db_error)?;
    tracing::warn!(account = %principal.account_id, usager = %id, "bris de glace accordé");
    Ok(time::hour_minute(expires_at))
}

pub(crate) async fn break_glass_list() -> Result<Vec<BreakGlassLine>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require(
        &state,
        &principal,
        is_reviewer(&principal),
        BREAK_GLASS,
        Action::Read,
    )
    .await?;
    let rows = sqlx::query!(
        r#"SELECT b.id, a.first_name || ' ' || a.last_name AS "who!",
                  u.used_first_name || ' ' || upper(u.used_last_name) AS "usager!",
                  b.reason, b.granted_at AS "granted_at: DateTime<Utc>", b.expires_at AS "expires_at: DateTime<Utc>",
                  r.first_name || ' ' || r.last_name AS reviewer, b.reviewed_at AS "reviewed_at: DateTime<Utc>",
                  b.review_comment, b.account_id = $2 AS "own!"
           FROM break_glass b
           JOIN account a ON a.id = b.account_id
           JOIN usager u ON u.id = b.usager_id
           LEFT JOIN account r ON r.id = b.reviewed_by
           WHERE b.organisation_id = $1 AND ($3 OR reviews_usager($2, b.usager_id))
           ORDER BY (b.reviewed_at IS NULL) DESC, b.granted_at DESC
           LIMIT 200"#,
        principal.organisation_id,
        principal.account_id,
        principal.dpo
    )
    .fetch_all(&state.pool)
    .await
    .context("listing bris de glace")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| BreakGlassLine {
            id: r.id,
            who: r.who,
            usager: r.usager,
            reason: r.reason,
            granted_at: time::date_time(r.granted_at),
            expires_at: time::date_time(r.expires_at),
            review: r.reviewed_at.map(|at| {
                let mut text = format!(
                    "Examiné par {} le {}",
                    r.reviewer.clone().unwrap_or_default(),
                    time::date_time(at)
                );
                if let Some(c) = &r.review_comment {
                    text.push_str(&format!(" : {c}"));
                }
                text
            }),
            own: r.own,
        })
        .collect())
}

pub(crate) async fn review_break_glass(id: Uuid, comment: String) -> Result<(), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require(
        &state,
        &principal,
        is_reviewer(&principal),
        BREAK_GLASS,
        Action::Write,
    )
    .await?;
    let comment = crate::validate::optional("comment", "Commentaire d’examen", &comment, 2000)?;
    let mut tx = state.begin().await?;
    let grant = sqlx::query!(
        r#"SELECT usager_id, account_id, reviewed_at IS NOT NULL AS "reviewed!",
                  ($4 OR reviews_usager($3, usager_id)) AS "in_reach!"
           FROM break_glass WHERE id = $1 AND organisation_id = $2 FOR UPDATE"#,
        id,
        principal.organisation_id,
        principal.account_id,
        principal.dpo
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding a bris de glace to review")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    // Nobody reviews their own emergency access, nor one of another
    // établissement than theirs (the DPO excepted).
    if grant.account_id == principal.account_id || !grant.in_reach {
        drop(tx);
        return Err(deny(
            &state,
            &principal,
            Some(grant.usager_id),
            BREAK_GLASS,
            Action::Write.code(),
        )
        .await);
    }
    if grant.reviewed {
        return Err(AppError::Conflict);
    }
    let usager_id = sqlx::query_scalar!(
        r#"UPDATE break_glass SET reviewed_by = $2, reviewed_at = now(), review_comment = $3
           WHERE id = $1 RETURNING usager_id"#,
        id,
        principal.account_id,
        comment
    )
    .fetch_one(&mut *tx)
    .await
    .context("reviewing a bris de glace")
    .map_err(db_error)?;
    // The review is traced with the review itself.
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(id.to_string()),
            ..AuditEvent::by(&principal, Some(usager_id), BREAK_GLASS, "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a bris de glace review")
        .map_err(db_error)
}

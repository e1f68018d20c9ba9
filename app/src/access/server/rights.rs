//! The matrix of rights (profession × section), administered.

use super::{append, require, AuditEvent};
use crate::access::{level_of, parse_level, Action, MatrixRow, Permission, Section};
use crate::auth::server::{require_principal, Principal};
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::organisation::Profession;
use crate::state::{db_error, AppState};
use anyhow::Context as _;

/// Administrators only; anyone else's call is refused and traced.
pub(crate) async fn require_administrator(state: &AppState, p: &Principal) -> Result<(), AppError> {
    let admin = p.kind == AccountKind::Staff && p.profession == Some(Profession::Administrateur);
    require(state, p, admin, "droits", Action::Write).await
}

pub(crate) async fn get_matrix() -> Result<Vec<MatrixRow>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let rows = sqlx::query!(
        "SELECT profession, section, can_read, can_write FROM section_permission WHERE organisation_id = $1",
        principal.organisation_id
    )
    .fetch_all(&state.pool)
    .await
    .context("reading the matrix")
    .map_err(db_error)?;
    Ok(Profession::ALL
        .into_iter()
        .map(|profession| MatrixRow {
            profession,
            levels: Section::ALL
                .into_iter()
                .map(|section| {
                    let p = rows
                        .iter()
                        .find(|r| r.profession == profession.code() && r.section == section.code())
                        .map(|r| Permission {
                            read: r.can_read,
                            write: r.can_write,
                        })
                        .unwrap_or(Permission::NONE);
                    level_of(p).to_string()
                })
                .collect(),
        })
        .collect())
}

pub(crate) async fn set_profession_permissions(
    profession: String,
    levels: [String; 9],
) -> Result<(), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let profession = Profession::parse(&profession)
        .ok_or_else(|| AppError::invalid("profession", "Cette profession n’existe pas."))?;
    let mut parsed = Vec::new();
    for (section, level) in Section::ALL.into_iter().zip(levels.iter()) {
        let p = parse_level(level).ok_or_else(|| {
            AppError::invalid(
                section.code(),
                "Choisissez aucun accès, lecture ou écriture.",
            )
        })?;
        if section == Section::Medical && p.read && !super::may_hold_medical(profession) {
            return Err(AppError::invalid(
                "medical",
                "La section médicale est réservée aux médecins, infirmiers et psychologues (secret médical).",
            ));
        }
        parsed.push((section, p));
    }
    let mut tx = state.begin().await?;
    for (section, p) in &parsed {
        sqlx::query!(
            r#"INSERT INTO section_permission (organisation_id, profession, section, can_read, can_write, updated_by, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, now())
               ON CONFLICT (organisation_id, profession, section)
               DO UPDATE SET can_read = $4, can_write = $5, updated_by = $6, updated_at = now()"#,
            principal.organisation_id,
            profession.code(),
            section.code(),
            p.read,
            p.write,
            principal.account_id
        )
        .execute(&mut *tx)
        .await
        .context("changing the matrix")
        .map_err(db_error)?;
    }
    // A change of rights is traced like an access, with the new row.
    let summary = parsed
        .iter()
        .map(|(s, p)| format!("{}={}", s.code(), level_of(*p)))
        .collect::<Vec<_>>()
        .join(",");
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(format!("{}:{summary}", profession.code())),
            ..AuditEvent::by(&principal, None, "droits", "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a matrix change")
        .map_err(db_error)?;
    tracing::warn!(profession = profession.code(), %summary, "matrice des droits modifiée");
    Ok(())
}

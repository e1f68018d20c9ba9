//! The administration page's side of the BDPM: the files uploaded by an
//! administrator, and the latest import of each.

use super::import::{import_file, ImportError};
use crate::access::server::require;
use crate::access::Action;
use crate::auth::server::{require_principal, Principal};
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::medication::bdpm::BdpmFile;
use crate::medication::{BdpmStatus, ImportedFile, MAX_UPLOAD};
use crate::organisation::Profession;
use crate::state::{db_error, internal, AppState};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use server_fn::codec::MultipartData;

/// Administrators only; anyone else's call is refused and traced.
async fn administrator() -> Result<(AppState, Principal), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let admin = principal.kind == AccountKind::Staff
        && principal.profession == Some(Profession::Administrateur);
    require(&state, &principal, admin, "medicaments", Action::Write).await?;
    Ok((state, principal))
}

pub async fn bdpm_state() -> Result<BdpmStatus, AppError> {
    let (state, _) = administrator().await?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .context("acquiring a connection for the BDPM's state")
        .map_err(db_error)?;
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (i.file) i.file, i.rows, i.imported_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by?"
           FROM bdpm_import i LEFT JOIN account a ON a.id = i.account_id
           ORDER BY i.file, i.imported_at DESC"#
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the BDPM imports")
    .map_err(db_error)?;
    let mut files: Vec<ImportedFile> = rows
        .into_iter()
        .map(|r| ImportedFile {
            when: format!(
                "le {} {}",
                crate::time::date_time(r.at),
                r.by.map_or("en ligne de commande".to_string(), |b| format!("par {b}"))
            ),
            file: r.file,
            rows: i64::from(r.rows),
        })
        .collect();
    files.sort_by_key(|f| BdpmFile::ALL.iter().position(|b| b.file_name() == f.file));
    Ok(BdpmStatus {
        files,
        source: super::source(&mut conn).await?,
    })
}

fn unreadable(e: impl std::fmt::Display) -> AppError {
    tracing::info!(error = %e, "unreadable BDPM upload");
    AppError::invalid(
        "fichiers",
        "L’envoi des fichiers a été interrompu ou est illisible. Réessayez.",
    )
}

pub async fn import_bdpm(data: MultipartData) -> Result<Vec<ImportedFile>, AppError> {
    let (state, principal) = administrator().await?;
    let Some(mut multipart) = data.into_inner() else {
        return Err(internal(anyhow::anyhow!(
            "multipart data on the server side"
        )));
    };
    let mut files: Vec<(BdpmFile, Vec<u8>)> = Vec::new();
    let mut total = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.file_name().unwrap_or_default().to_string();
        if name.is_empty() {
            continue;
        }
        let Some(file) = BdpmFile::from_file_name(&name) else {
            return Err(AppError::invalid(
                "fichiers",
                &ImportError::UnknownFile(name).to_string(),
            ));
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            total += chunk.len();
            if total > MAX_UPLOAD {
                return Err(AppError::TooLarge {
                    max_bytes: MAX_UPLOAD as u64,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        files.retain(|(f, _)| *f != file);
        files.push((file, bytes));
    }
    if files.is_empty() {
        return Err(AppError::invalid(
            "fichiers",
            "Choisissez un ou plusieurs fichiers de la BDPM (CIS_bdpm.txt, CIS_CIP_bdpm.txt, CIS_COMPO_bdpm.txt).",
        ));
    }
    files.sort_by_key(|(f, _)| BdpmFile::ALL.iter().position(|b| b == f));
    let mut done = Vec::new();
    for (file, bytes) in files {
        match import_file(
            &state.pool,
            file,
            &bytes,
            Some(principal.account_id),
            &|_, _| {},
        )
        .await
        {
            Ok(rows) => done.push(ImportedFile {
                file: file.file_name().to_string(),
                rows: rows as i64,
                when: "à l’instant".into(),
            }),
            Err(ImportError::Line(line)) => {
                let before = if done.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} importé avant lui)",
                        done.iter()
                            .map(|d| d.file.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                return Err(AppError::invalid(
                    "fichiers",
                    &format!("{line}. Ce fichier n’a pas été importé{before}."),
                ));
            }
            Err(ImportError::UnknownFile(name)) => {
                return Err(AppError::invalid(
                    "fichiers",
                    &ImportError::UnknownFile(name).to_string(),
                ))
            }
            Err(ImportError::Unexpected(e)) => return Err(db_error(e)),
        }
    }
    Ok(done)
}

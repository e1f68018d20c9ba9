use super::*;
use crate::access::server::{enter, may};
use crate::access::{Action, Section};
use crate::state::{db_error, replayed};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

async fn view(
    conn: &mut PgConnection,
    principal: &crate::auth::server::Principal,
    id: Uuid,
) -> Result<MedicalView, AppError> {
    let rows = sqlx::query!(
        r#"SELECT m.id, m.kind, m.title, m.body, m.occurred_on AS "occurred_on: NaiveDate",
                  a.first_name || ' ' || a.last_name AS "author!", m.written_at AS "written_at: DateTime<Utc>",
                  m.resolved_at AS "resolved_at: DateTime<Utc>", r.first_name || ' ' || r.last_name AS "resolved_by?"
           FROM medical_entry m JOIN account a ON a.id = m.author_id LEFT JOIN account r ON r.id = m.resolved_by
           WHERE m.usager_id = $1
           ORDER BY m.kind, m.resolved_at IS NOT NULL, m.occurred_on DESC NULLS LAST, m.written_at DESC
           LIMIT 500"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the médical section")
    .map_err(db_error)?;
    let entries = rows
        .into_iter()
        .map(|r| EntryView {
            id: r.id,
            kind: EntryKind::parse(&r.kind).unwrap_or(EntryKind::Consultation),
            title: r.title,
            body: r.body,
            occurred_on: r.occurred_on.map(time::short_date),
            written: format!("{}, le {}", r.author, time::date_time(r.written_at)),
            resolved: r.resolved_at.map(|at| {
                format!(
                    "Résolu le {} par {}",
                    time::date_time(at),
                    r.resolved_by.clone().unwrap_or_default()
                )
            }),
        })
        .collect();
    let directive = sqlx::query!(
        r#"SELECT d.status, d.location, d.stated_at AS "stated_at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by!"
           FROM advance_directive d JOIN account a ON a.id = d.stated_by WHERE d.usager_id = $1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading the directives anticipées")
    .map_err(db_error)?
    .map(|d| {
        format!(
            "{}{} (déclaré le {} par {})",
            DirectiveStatus::label_of(&d.status),
            d.location
                .map(|l| format!(" — où les trouver : {l}"))
                .unwrap_or_default(),
            time::date_time(d.stated_at),
            d.by
        )
    });
    let letters = crate::document::server::medical_documents_of(conn, id).await?;
    let may_write = may(conn, principal, id, Section::Medical, Action::Write).await?;
    Ok(MedicalView {
        entries,
        directive,
        letters,
        may_write,
    })
}

pub async fn get_medical(id: Uuid) -> Result<MedicalView, AppError> {
    let e = enter(id, Section::Medical, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let v = view(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, None).await?;
    Ok(v)
}

pub async fn add_entry(id: Uuid, input: EntryInput) -> Result<MedicalView, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let kind = EntryKind::parse(&input.kind)
        .ok_or_else(|| AppError::invalid("kind", "Choisissez le type d’information médicale."))?;
    let title = validate::required("title", "Intitulé", &input.title, 200)?;
    let body = validate::optional("body", "Texte", &input.body, MAX_BODY)?;
    let occurred_on = validate::optional_date("occurred_on", "Date", &input.occurred_on)?;
    if occurred_on.is_some_and(|d| d > time::today_paris()) {
        return Err(AppError::invalid(
            "occurred_on",
            "La date ne peut pas être dans le futur.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO medical_entry (id, organisation_id, usager_id, kind, title, body, occurred_on, author_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        kind.code(),
        title,
        body,
        occurred_on as _,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("writing a medical entry")
    .map_err(db_error)?;
    if inserted.is_none() {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND author_id = $3 AS "same!" FROM medical_entry WHERE id = $1"#,
                input.id,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried medical entry")
            .map_err(db_error)?,
        )?;
    }
    let v = view(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(input.id.to_string())).await?;
    Ok(v)
}

pub async fn resolve_entry(id: Uuid, entry_id: Uuid) -> Result<MedicalView, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    let state = sqlx::query!(
        r#"SELECT kind, resolved_at IS NOT NULL AS "resolved!" FROM medical_entry
           WHERE id = $1 AND usager_id = $2 FOR UPDATE"#,
        entry_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding the problem to resolve")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    if state.kind != EntryKind::Probleme.code() {
        return Err(AppError::invalid(
            "entry_id",
            "Seul un problème de santé en cours peut être marqué résolu.",
        ));
    }
    if state.resolved {
        return Err(AppError::Conflict);
    }
    sqlx::query!(
        "UPDATE medical_entry SET resolved_at = now(), resolved_by = $2 WHERE id = $1",
        entry_id,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("resolving a problem")
    .map_err(db_error)?;
    let v = view(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(entry_id.to_string())).await?;
    Ok(v)
}

pub async fn state_directive(
    id: Uuid,
    status: String,
    location: String,
) -> Result<MedicalView, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let status = DirectiveStatus::parse(&status)
        .ok_or_else(|| AppError::invalid("status", "Choisissez une réponse."))?;
    let location = validate::optional("location", "Où se trouve le document", &location, 500)?;
    if status == DirectiveStatus::Redigees && location.is_none() {
        return Err(AppError::invalid(
            "location",
            "Indiquez où se trouvent les directives anticipées (dossier papier, document joint, chez qui…).",
        ));
    }
    let mut tx = e.state.begin().await?;
    sqlx::query!(
        r#"INSERT INTO advance_directive (usager_id, organisation_id, status, location, stated_by)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (usager_id) DO UPDATE SET status = $3, location = $4, stated_by = $5, stated_at = now()"#,
        id,
        e.principal.organisation_id,
        status.code(),
        location,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("stating the directives anticipées")
    .map_err(db_error)?;
    let v = view(&mut tx, &e.principal, id).await?;
    e.access
        .commit(tx, Some("directives_anticipees".into()))
        .await?;
    Ok(v)
}

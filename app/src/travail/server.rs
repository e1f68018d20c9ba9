use super::*;
use crate::access::server::{enter, may};
use crate::access::{Action, Section};
use crate::state::{db_error, replayed};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, Utc};

pub async fn get_travail(id: Uuid) -> Result<TravailView, AppError> {
    let e = enter(id, Section::Travail, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let sheet = sqlx::query!(
        r#"SELECT t.atelier, t.poste, t.schedule, t.skills, t.training, t.version,
                  t.updated_at AS "updated_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "by!"
           FROM travail t JOIN account a ON a.id = t.updated_by WHERE t.usager_id = $1"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("loading the work sheet")
    .map_err(db_error)?;
    let observations = sqlx::query!(
        r#"SELECT a.first_name || ' ' || a.last_name AS "author!", o.written_at AS "at: DateTime<Utc>", o.body
           FROM travail_observation o JOIN account a ON a.id = o.author_id
           WHERE o.usager_id = $1 ORDER BY o.written_at DESC LIMIT 100"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .context("loading work observations")
    .map_err(db_error)?
    .into_iter()
    .map(|o| Observation {
        author: o.author,
        written_at: time::date_time(o.at),
        body: o.body,
    })
    .collect();
    let can_write = may(&mut tx, &e.principal, id, Section::Travail, Action::Write).await?;
    e.access.commit(tx, Some("travail".into())).await?;
    Ok(TravailView {
        version: sheet.as_ref().map(|s| s.version).unwrap_or(0),
        updated: sheet.as_ref().map(|s| {
            format!(
                "mise à jour le {} par {}",
                time::date_time(s.updated_at),
                s.by
            )
        }),
        sheet: sheet.map(|s| TravailForm {
            atelier: s.atelier,
            poste: s.poste,
            schedule: s.schedule,
            skills: s.skills,
            training: s.training,
        }),
        observations,
        can_write,
    })
}

pub async fn save_travail(id: Uuid, version: i32, form: TravailForm) -> Result<(), AppError> {
    let e = enter(id, Section::Travail, Action::Write).await?;
    let atelier = validate::required("atelier", "Atelier", &form.atelier, 200)?;
    let poste = validate::optional("poste", "Poste", &form.poste, 200)?.unwrap_or_default();
    let schedule =
        validate::optional("schedule", "Horaires", &form.schedule, 1000)?.unwrap_or_default();
    let skills =
        validate::optional("skills", "Compétences", &form.skills, 4000)?.unwrap_or_default();
    let training =
        validate::optional("training", "Formations", &form.training, 4000)?.unwrap_or_default();
    let mut tx = e.state.begin().await?;
    let current = sqlx::query_scalar!(
        "SELECT version FROM travail WHERE usager_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("locking the work sheet")
    .map_err(db_error)?
    .unwrap_or(0);
    if current != version {
        return Err(AppError::Stale {
            current_version: current,
        });
    }
    sqlx::query!(
        r#"INSERT INTO travail (usager_id, organisation_id, atelier, poste, schedule, skills, training, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (usager_id) DO UPDATE SET atelier = $3, poste = $4, schedule = $5, skills = $6,
               training = $7, updated_by = $8, updated_at = now(), version = travail.version + 1"#,
        id,
        e.principal.organisation_id,
        atelier,
        poste,
        schedule,
        skills,
        training,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("saving the work sheet")
    .map_err(db_error)?;
    e.access.commit(tx, Some("travail".into())).await
}

pub async fn add_observation(id: Uuid, key: Uuid, body: String) -> Result<(), AppError> {
    let e = enter(id, Section::Travail, Action::Write).await?;
    let body = validate::required("body", "Observation", &body, 4000)?;
    let mut tx = e.state.begin().await?;
    let inserted = sqlx::query!(
        r#"INSERT INTO travail_observation (id, organisation_id, usager_id, author_id, body)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING"#,
        key,
        e.principal.organisation_id,
        id,
        e.principal.account_id,
        body
    )
    .execute(&mut *tx)
    .await
    .context("adding a work observation")
    .map_err(db_error)?;
    if inserted.rows_affected() == 0 {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND author_id = $3 AS "same!" FROM travail_observation WHERE id = $1"#,
                key,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried work observation")
            .map_err(db_error)?,
        )?;
    }
    e.access.commit(tx, Some(key.to_string())).await
}

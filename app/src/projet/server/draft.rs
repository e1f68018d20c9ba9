//! Writing a draft: creating a project, its header, its template fields and its elements, the time spent.

use super::*;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::projet::element::checked_content;
use crate::projet::*;
use crate::state::{db_error, replayed};
use crate::validate;
use anyhow::Context as _;

pub async fn create_projet(
    id: Uuid,
    key: Uuid,
    title: String,
    kind: String,
    starts_on: String,
    etablissements: Vec<Uuid>,
) -> Result<Uuid, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let title = validate::required("title", "Titre", &title, 200)?;
    if ProjetKind::parse(&kind).is_none() {
        return Err(AppError::invalid("kind", "Type de projet inconnu."));
    }
    let starts_on = validate::optional_date("starts_on", "Date de début", &starts_on)?;
    if etablissements.is_empty() {
        return Err(AppError::invalid(
            "etablissements",
            "Choisissez au moins un établissement concerné.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let allowed = sqlx::query_scalar!(
        r#"SELECT count(DISTINCT etablissement_id) AS "n!" FROM accompagnement
           WHERE usager_id = $1 AND end_date IS NULL AND etablissement_id = ANY($2)"#,
        id,
        &etablissements
    )
    .fetch_one(&mut *tx)
    .await
    .context("checking établissements")
    .map_err(db_error)?;
    let mut distinct = etablissements.clone();
    distinct.sort();
    distinct.dedup();
    if allowed != distinct.len() as i64 {
        return Err(AppError::invalid(
            "etablissements",
            "Un projet ne concerne que des établissements où la personne est accompagnée.",
        ));
    }
    let trame = current_trame(&mut tx, e.principal.organisation_id).await?;
    let inserted = sqlx::query!(
        r#"INSERT INTO projet (id, organisation_id, usager_id, trame_version, title, kind, starts_on, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING"#,
        key,
        e.principal.organisation_id,
        id,
        trame.version,
        title,
        kind,
        starts_on as _,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("creating a project")
    .map_err(db_error)?;
    if inserted.rows_affected() == 0 {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND created_by = $3 AS "same!" FROM projet WHERE id = $1"#,
                key,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried project")
            .map_err(db_error)?,
        )?;
        return Ok(key);
    }
    for etablissement in distinct {
        sqlx::query!(
            "INSERT INTO projet_etablissement (projet_id, etablissement_id) VALUES ($1, $2)",
            key,
            etablissement
        )
        .execute(&mut *tx)
        .await
        .context("linking a project to an établissement")
        .map_err(db_error)?;
    }
    sqlx::query!(
        "INSERT INTO projet_status_change (projet_id, to_status, changed_by) VALUES ($1, 'ENPREPARATION', $2)",
        key,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording a status")
    .map_err(db_error)?;
    refresh(&mut tx, id, key).await?;
    e.access.commit(tx, Some(key.to_string())).await?;
    Ok(key)
}

pub async fn open_session(id: Uuid, projet: Uuid, session: Uuid) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    head(&mut tx, id, projet).await?;
    sqlx::query!(
        r#"INSERT INTO projet_session (id, projet_id, account_id) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO NOTHING"#,
        session,
        projet,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("opening an editing session")
    .map_err(db_error)?;
    e.access.commit(tx, Some(projet.to_string())).await
}

pub async fn save_header(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    version: i32,
    form: HeaderForm,
) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let title = validate::required("title", "Titre", &form.title, 200)?;
    if ProjetKind::parse(&form.kind).is_none() {
        return Err(AppError::invalid("kind", "Type de projet inconnu."));
    }
    let starts_on = validate::optional_date("starts_on", "Date de début", &form.starts_on)?;
    let ends_on = validate::optional_date("ends_on", "Date de fin", &form.ends_on)?;
    let next_review = validate::optional_date(
        "next_review",
        "Date de la prochaine révision",
        &form.next_review,
    )?;
    validate::ordered(
        "ends_on",
        starts_on,
        ends_on,
        "La date de fin ne peut pas précéder la date de début.",
    )?;
    validate::ordered(
        "next_review",
        starts_on,
        next_review,
        "La date de la prochaine révision ne peut pas précéder le début du projet.",
    )?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if !h.editing {
        return Err(AppError::Frozen);
    }
    if h.version != version {
        return Err(AppError::Stale {
            current_version: h.version,
        });
    }
    sqlx::query!(
        r#"UPDATE projet SET title = $2, kind = $3, starts_on = $4, ends_on = $5, next_review = $6,
                  version = version + 1 WHERE id = $1"#,
        projet,
        title,
        form.kind,
        starts_on as _,
        ends_on as _,
        next_review as _
    )
    .execute(&mut *tx)
    .await
    .context("saving a project header")
    .map_err(db_error)?;
    touch(&mut tx, &e, projet, session).await?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(projet.to_string())).await?;
    Ok(version + 1)
}

pub async fn save_field(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    key: String,
    version: i32,
    value: String,
) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    if value.chars().count() > 20_000 {
        return Err(AppError::invalid(
            "value",
            "Un champ du projet fait 20 000 caractères au plus.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let h = lock_draft(&mut tx, id, projet).await?;
    let trame = trame_version(&mut tx, h.organisation_id, h.trame_version).await?;
    if !trame
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .any(|f| f.key == key)
    {
        return Err(AppError::invalid(
            "key",
            "Ce champ n’existe pas dans la trame de ce projet.",
        ));
    }
    let current = sqlx::query!(
        "SELECT version, value FROM projet_field WHERE projet_id = $1 AND key = $2 FOR UPDATE",
        projet,
        key
    )
    .fetch_optional(&mut *tx)
    .await
    .context("locking a field")
    .map_err(db_error)?;
    let new_version = match current {
        // A retry of a save that arrived: nothing to do.
        Some(c) if c.value == value => return Ok(c.version),
        Some(c) if c.version != version => {
            return Err(AppError::Stale {
                current_version: c.version,
            })
        }
        None if version != 0 => return Err(AppError::Stale { current_version: 0 }),
        Some(c) => c.version + 1,
        None => 1,
    };
    sqlx::query!(
        r#"INSERT INTO projet_field (projet_id, key, value, version, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (projet_id, key) DO UPDATE SET value = $3, version = $4, updated_by = $5, updated_at = now()"#,
        projet,
        key,
        value,
        new_version,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("saving a field")
    .map_err(db_error)?;
    touch(&mut tx, &e, projet, session).await?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(format!("{projet}/{key}"))).await?;
    Ok(new_version)
}

pub async fn save_element(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    element: Uuid,
    version: i32,
    content: ElementContent,
) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    lock_draft(&mut tx, id, projet).await?;
    let team = staff(&mut tx, id).await?;
    let objectives: Vec<Uuid> = elements(&mut tx, projet)
        .await?
        .into_iter()
        .filter(|el| matches!(el.content, ElementContent::Objectif { .. }))
        .map(|el| el.id)
        .collect();
    let content = checked_content(content, &team, &objectives)?;
    let kind = content.kind();
    let json = serde_json::to_value(&content).map_err(|e| db_error(e.into()))?;
    let existing = sqlx::query!(
        r#"SELECT projet_id, kind, content, version, removed FROM projet_element WHERE id = $1 FOR UPDATE"#,
        element
    )
    .fetch_optional(&mut *tx)
    .await
    .context("locking an element")
    .map_err(db_error)?;
    let new_version = match existing {
        None if version == 0 => {
            let status = content.has_status().then_some("ENPREPARATION");
            sqlx::query!(
                r#"INSERT INTO projet_element (id, projet_id, kind, content, status, created_by, updated_by)
                   VALUES ($1, $2, $3, $4, $5, $6, $6)"#,
                element,
                projet,
                kind,
                json,
                status,
                e.principal.account_id
            )
            .execute(&mut *tx)
            .await
            .context("adding an element")
            .map_err(db_error)?;
            1
        }
        None => return Err(AppError::NotFound),
        Some(x) if x.projet_id != projet || x.kind != kind => return Err(AppError::Conflict),
        Some(x) if x.removed => return Err(AppError::NotFound),
        // The same content again (a retried save): nothing to do.
        Some(x) if x.content == json => return Ok(x.version),
        Some(x) if x.version != version => {
            return Err(AppError::Stale {
                current_version: x.version,
            })
        }
        Some(x) => {
            sqlx::query!(
                r#"UPDATE projet_element SET content = $2, version = version + 1, updated_by = $3,
                          updated_at = now() WHERE id = $1"#,
                element,
                json,
                e.principal.account_id
            )
            .execute(&mut *tx)
            .await
            .context("saving an element")
            .map_err(db_error)?;
            x.version + 1
        }
    };
    touch(&mut tx, &e, projet, session).await?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(element.to_string())).await?;
    Ok(new_version)
}

pub async fn set_element_status(
    id: Uuid,
    projet: Uuid,
    element: Uuid,
    status: ElementStatus,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let status = status.code();
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if h.status == "TERMINE" {
        return Err(AppError::invalid("status", "Le projet est terminé."));
    }
    let current = sqlx::query_scalar!(
        r#"SELECT status AS "status!" FROM projet_element
           WHERE id = $1 AND projet_id = $2 AND NOT removed AND status IS NOT NULL FOR UPDATE"#,
        element,
        projet
    )
    .fetch_optional(&mut *tx)
    .await
    .context("locking an element")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    if current == status {
        return e.access.commit(tx, Some(element.to_string())).await;
    }
    sqlx::query!(
        "UPDATE projet_element SET status = $2, updated_by = $3, updated_at = now() WHERE id = $1",
        element,
        status,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("changing an element's status")
    .map_err(db_error)?;
    sqlx::query!(
        r#"INSERT INTO projet_status_change (projet_id, element_id, from_status, to_status, changed_by)
           VALUES ($1, $2, $3, $4, $5)"#,
        projet,
        element,
        current,
        status,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording a status change")
    .map_err(db_error)?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(element.to_string())).await
}

pub async fn remove_element(
    id: Uuid,
    projet: Uuid,
    element: Uuid,
    version: i32,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    lock_draft(&mut tx, id, projet).await?;
    let current = sqlx::query!(
        "SELECT version, removed FROM projet_element WHERE id = $1 AND projet_id = $2 FOR UPDATE",
        element,
        projet
    )
    .fetch_optional(&mut *tx)
    .await
    .context("locking an element")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    if !current.removed {
        if current.version != version {
            return Err(AppError::Stale {
                current_version: current.version,
            });
        }
        sqlx::query!(
            "UPDATE projet_element SET removed = true, updated_by = $2, updated_at = now() WHERE id = $1",
            element,
            e.principal.account_id
        )
        .execute(&mut *tx)
        .await
        .context("removing an element")
        .map_err(db_error)?;
        refresh(&mut tx, id, projet).await?;
    }
    e.access.commit(tx, Some(element.to_string())).await
}

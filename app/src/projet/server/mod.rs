//! The projet personnalisé on the server, a file per use case; the
//! helpers they share (the template in force, the locks on a draft, the
//! snapshot, the team) are here.

mod compare;
mod draft;
mod echeances;
mod falc;
mod lifecycle;
mod pdf;
mod read;
mod suivi;
mod trame;

pub use compare::compare_versions;
pub use draft::{
    create_projet, open_session, remove_element, save_element, save_field, save_header,
    set_element_status,
};
pub use echeances::get_echeances;
pub use falc::get_falc;
pub use lifecycle::{open_avenant, set_status, validate_projet};
pub use pdf::{document, ProjetDocument};
pub(crate) use read::due_of;
pub use read::{get_projet, list_projets};
pub use suivi::{add_accord, add_bilan};
pub use trame::{get_trame, save_trame};

use crate::access::server::Entry;
use crate::projet::completeness::completeness;
use crate::projet::due::due_date;
use crate::projet::element::date_text;
use crate::projet::trame::{default_sections, Trame};
use crate::projet::*;
use crate::state::db_error;
use anyhow::Context as _;
use chrono::NaiveDate;
use sqlx::PgConnection;

/// The organisation's current template; the shipped default becomes its
/// version 1 the first time it is needed.
async fn current_trame(conn: &mut PgConnection, org: Uuid) -> Result<Trame, AppError> {
    let default = serde_json::to_value(default_sections()).map_err(|e| db_error(e.into()))?;
    sqlx::query!(
        "INSERT INTO trame (organisation_id, version, sections) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING",
        org,
        default
    )
    .execute(&mut *conn)
    .await
    .context("installing the default template")
    .map_err(db_error)?;
    let row = sqlx::query!(
        "SELECT version, sections FROM trame WHERE organisation_id = $1 ORDER BY version DESC LIMIT 1",
        org
    )
    .fetch_one(&mut *conn)
    .await
    .context("reading the template")
    .map_err(db_error)?;
    trame_of(row.version, row.sections)
}

fn trame_of(version: i32, sections: serde_json::Value) -> Result<Trame, AppError> {
    Ok(Trame {
        version,
        sections: serde_json::from_value(sections)
            .context("decoding a template")
            .map_err(db_error)?,
    })
}

async fn trame_version(
    conn: &mut PgConnection,
    org: Uuid,
    version: i32,
) -> Result<Trame, AppError> {
    let sections = sqlx::query_scalar!(
        "SELECT sections FROM trame WHERE organisation_id = $1 AND version = $2",
        org,
        version
    )
    .fetch_one(&mut *conn)
    .await
    .context("reading a template version")
    .map_err(db_error)?;
    trame_of(version, sections)
}

struct Head {
    organisation_id: Uuid,
    trame_version: i32,
    title: String,
    kind: String,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    next_review: Option<NaiveDate>,
    status: String,
    editing: bool,
    version: i32,
}

/// The project `projet` of usager `id` (`NotFound` if it is another's).
async fn head(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<Head, AppError> {
    sqlx::query_as!(
        Head,
        r#"SELECT organisation_id, trame_version, title, kind, starts_on AS "starts_on: NaiveDate",
                  ends_on AS "ends_on: NaiveDate", next_review AS "next_review: NaiveDate", status, editing, version
           FROM projet WHERE id = $1 AND usager_id = $2"#,
        projet,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading a project")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)
}

/// Locks the project row while a draft field or element is written (against
/// validation, and for the completeness stored on it: two writers queue for
/// the row instead of both holding a shared lock and deadlocking on the
/// update); a validated project is refused: an avenant must be opened first.
async fn lock_draft(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<Head, AppError> {
    sqlx::query_scalar!(
        "SELECT 1 AS one FROM projet WHERE id = $1 AND usager_id = $2 FOR NO KEY UPDATE",
        projet,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("locking a project")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    let h = head(conn, id, projet).await?;
    if !h.editing {
        return Err(AppError::Frozen);
    }
    Ok(h)
}

async fn lock_exclusive(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<Head, AppError> {
    sqlx::query_scalar!(
        "SELECT 1 AS one FROM projet WHERE id = $1 AND usager_id = $2 FOR UPDATE",
        projet,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("locking a project")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    head(conn, id, projet).await
}

/// The current state of a project, as a version would freeze it.
async fn snapshot(conn: &mut PgConnection, projet: Uuid, h: &Head) -> Result<Snapshot, AppError> {
    let fields = sqlx::query!(
        "SELECT key, value FROM projet_field WHERE projet_id = $1",
        projet
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading project fields")
    .map_err(db_error)?
    .into_iter()
    .map(|r| (r.key, r.value))
    .collect();
    Ok(Snapshot {
        title: h.title.clone(),
        kind: h.kind.clone(),
        starts_on: date_text(h.starts_on),
        ends_on: date_text(h.ends_on),
        next_review: date_text(h.next_review),
        fields,
        elements: elements(conn, projet).await?,
    })
}

async fn elements(conn: &mut PgConnection, projet: Uuid) -> Result<Vec<Element>, AppError> {
    sqlx::query!(
        r#"SELECT id, content, status, version FROM projet_element
           WHERE projet_id = $1 AND NOT removed ORDER BY created_at, id"#,
        projet
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading project elements")
    .map_err(db_error)?
    .into_iter()
    .map(|r| {
        Ok(Element {
            id: r.id,
            content: serde_json::from_value(r.content)
                .context("decoding an element")
                .map_err(db_error)?,
            status: r.status,
            version: r.version,
        })
    })
    .collect()
}

/// The elements of a projet as its person's space shows them: in order,
/// without those removed or cancelled (the caller has checked access).
pub(crate) async fn person_elements(
    conn: &mut PgConnection,
    projet: Uuid,
) -> Result<Vec<ElementContent>, AppError> {
    Ok(elements(conn, projet)
        .await?
        .into_iter()
        .filter(|e| e.status.as_deref() != Some("ANNULE"))
        .map(|e| e.content)
        .collect())
}

/// Recomputes the stored completeness after a write.
async fn refresh(
    conn: &mut PgConnection,
    id: Uuid,
    projet: Uuid,
) -> Result<Completeness, AppError> {
    let h = head(conn, id, projet).await?;
    let trame = trame_version(conn, h.organisation_id, h.trame_version).await?;
    let c = completeness(&trame, &snapshot(conn, projet, &h).await?);
    sqlx::query!(
        "UPDATE projet SET completeness = $2 WHERE id = $1",
        projet,
        c.percent
    )
    .execute(&mut *conn)
    .await
    .context("storing completeness")
    .map_err(db_error)?;
    Ok(c)
}

/// Counts a save in the editing session (opened by `open_session`).
async fn touch(
    conn: &mut PgConnection,
    e: &Entry,
    projet: Uuid,
    session: Uuid,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"INSERT INTO projet_session (id, projet_id, account_id, opened_at, last_saved_at)
           VALUES ($1, $2, $3, now(), now())
           ON CONFLICT (id) DO UPDATE SET last_saved_at = now()
           WHERE projet_session.projet_id = $2 AND projet_session.account_id = $3"#,
        session,
        projet,
        e.principal.account_id
    )
    .execute(&mut *conn)
    .await
    .context("counting an editing session")
    .map_err(db_error)?;
    Ok(())
}

/// Staff working today where the person is accompanied today.
async fn staff(conn: &mut PgConnection, id: Uuid) -> Result<Vec<(Uuid, String)>, AppError> {
    crate::access::server::perimeter::team(conn, id)
        .await
        .map_err(db_error)
}

async fn last_review(conn: &mut PgConnection, projet: Uuid) -> Result<Option<NaiveDate>, AppError> {
    sqlx::query_scalar!(
        r#"SELECT GREATEST(
               (SELECT max((validated_at AT TIME ZONE 'Europe/Paris')::date) FROM projet_version WHERE projet_id = $1),
               (SELECT max(held_on) FROM projet_bilan WHERE projet_id = $1)) AS "d: NaiveDate""#,
        projet
    )
    .fetch_one(&mut *conn)
    .await
    .context("reading the last review")
    .map_err(db_error)
}

//! Comparing two versions of a project.

use super::*;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::projet::*;
use crate::state::db_error;
use anyhow::Context as _;
use sqlx::PgConnection;

async fn version_snapshot(
    conn: &mut PgConnection,
    projet: Uuid,
    number: i32,
    h: &Head,
) -> Result<Snapshot, AppError> {
    if number == 0 {
        return snapshot(conn, projet, h).await;
    }
    let json = sqlx::query_scalar!(
        "SELECT snapshot FROM projet_version WHERE projet_id = $1 AND number = $2",
        projet,
        number
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading a version")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    serde_json::from_value(json)
        .context("decoding a version")
        .map_err(db_error)
}

pub async fn compare_versions(
    id: Uuid,
    projet: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<Difference>, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let h = head(&mut tx, id, projet).await?;
    let trame = trame_version(&mut tx, h.organisation_id, h.trame_version).await?;
    let a = version_snapshot(&mut tx, projet, from, &h).await?;
    let b = version_snapshot(&mut tx, projet, to, &h).await?;
    let names: Vec<(String, String)> = sqlx::query!(
        r#"SELECT id::text AS "id!", first_name || ' ' || last_name AS "name!" FROM account WHERE organisation_id = $1"#,
        h.organisation_id
    )
    .fetch_all(&mut *tx)
    .await
    .context("naming staff")
    .map_err(db_error)?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    let staff_name = |s: &str| {
        names
            .iter()
            .find(|(id, _)| id == s)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let diff = crate::projet::compare::compare(&trame, &a, &b, &staff_name);
    e.access
        .commit(tx, Some(format!("{projet}/v{from}-v{to}")))
        .await?;
    Ok(diff)
}

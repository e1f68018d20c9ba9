//! The perimeter: who works, today, where an usager is accompanied today.
//!
//! The rule is written once, in SQL, by the migration
//! `20261202000002_perimeter.sql`:
//!
//! - `current_assignment`: the staff assignments in force today;
//! - `current_accompagnement`: the accompaniments in force today;
//! - `assignment_covers(assigned_unit, unit)`: an assignment to the whole
//!   établissement (no unit) or to this unit covers a place;
//! - `current_perimeter (account_id, usager_id, etablissement_id, unit_id,
//!   start_date)`: one row per staff member and accompaniment they reach.
//!
//! Every query that needs the rule joins these views (the planner inlines
//! them: the plans are those of the spelled-out rule), and no other SQL of
//! `app/` names `staff_assignment`. This module holds the Rust side: the
//! check `authorize` makes, and the team of a person.

use anyhow::Context as _;
use sqlx::PgConnection;
use uuid::Uuid;

/// Whether the staff member's perimeter includes the usager today.
pub async fn reaches(
    conn: &mut PgConnection,
    account_id: Uuid,
    usager_id: Uuid,
) -> anyhow::Result<bool> {
    let seen = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM current_perimeter WHERE account_id = $1 AND usager_id = $2)
                  AS "seen!""#,
        account_id,
        usager_id,
    )
    .fetch_one(conn)
    .await
    .context("checking the caller's perimeter")?;
    Ok(seen)
}

/// The active staff members whose perimeter includes the usager today,
/// by name: `(account id, "First Last")`.
pub async fn team(conn: &mut PgConnection, usager_id: Uuid) -> anyhow::Result<Vec<(Uuid, String)>> {
    Ok(sqlx::query!(
        r#"SELECT DISTINCT a.id, a.first_name || ' ' || a.last_name AS "name!", a.last_name
           FROM current_perimeter p JOIN account a ON a.id = p.account_id
           WHERE p.usager_id = $1 AND a.active ORDER BY a.last_name, 2"#,
        usager_id
    )
    .fetch_all(conn)
    .await
    .context("listing the team of an usager")?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect())
}

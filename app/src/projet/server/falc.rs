//! The easy-to-read version of a project.

use super::*;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::projet::*;
use crate::state::db_error;
use anyhow::Context as _;
use sqlx::PgConnection;

pub async fn get_falc(id: Uuid, projet: Uuid) -> Result<FalcView, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let view = falc_of(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(format!("{projet}/falc"))).await?;
    Ok(view)
}

pub(super) async fn falc_of(
    conn: &mut PgConnection,
    id: Uuid,
    projet: Uuid,
) -> Result<FalcView, AppError> {
    head(conn, id, projet).await?;
    let first_name = sqlx::query_scalar!("SELECT used_first_name FROM usager WHERE id = $1", id)
        .fetch_one(&mut *conn)
        .await
        .context("reading the person")
        .map_err(db_error)?;
    let objectives = elements(conn, projet)
        .await?
        .into_iter()
        .filter(|el| !matches!(el.status.as_deref(), Some("ANNULE")))
        .filter_map(|el| match el.content {
            ElementContent::Objectif {
                title,
                falc,
                pictogram,
                ..
            } => Some(FalcObjective {
                pictogram,
                lines: {
                    let lines = crate::projet::falc::lines(&falc);
                    if lines.is_empty() {
                        vec![title]
                    } else {
                        lines
                    }
                },
            }),
            _ => None,
        })
        .collect();
    Ok(FalcView {
        first_name,
        objectives,
    })
}

//! Queries behind "Mes usagers" and the record page; the identity, the
//! administrative record and the consents in their own files. "Mes
//! usagers" is the caller's perimeter (`access::server::perimeter`).

pub mod administrative;
pub mod consent;
pub mod identity;

use super::{
    search_words, AccompagnementView, UsagerListing, UsagerRecord, UsagerSummary, LIST_LIMIT,
};
use crate::access::server::{authorize, profession_may, readable_sections, require_kind};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::state::{db_error, AppState};
use crate::time;
use anyhow::Context as _;
use chrono::NaiveDate;
use uuid::Uuid;

pub(crate) async fn my_usagers(search: String) -> Result<UsagerListing, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_kind(&state, &principal, AccountKind::Staff, "mes_usagers").await?;
    let words = search_words(&search)?;
    let mut tx = state.begin().await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM usager u
           WHERE u.organisation_id = $2
             AND u.id IN (SELECT usager_id FROM current_perimeter WHERE account_id = $1)"#,
        principal.account_id,
        principal.organisation_id,
    )
    .fetch_one(&mut *tx)
    .await
    .context("counting the usagers of the caller's units")
    .map_err(db_error)? as usize;
    // A whole list is filtered in the page: the search applies only to a
    // perimeter larger than one answer.
    let words = if total <= LIST_LIMIT {
        Vec::new()
    } else {
        words
    };
    // Each word of the search starts a word of the name (`name_search` and
    // `name_patterns`, see their migration).
    let rows = sqlx::query!(
        r#"WITH found AS (
               SELECT u.id, u.used_first_name, u.used_last_name
               FROM usager u
               WHERE u.organisation_id = $2
                 AND u.id IN (SELECT usager_id FROM current_perimeter WHERE account_id = $1)
                 AND u.name_search LIKE ALL (name_patterns($3::text[]))
               ORDER BY u.used_last_name, u.used_first_name, u.id
               LIMIT $4)
           SELECT f.id, f.used_first_name, f.used_last_name,
                  ARRAY(SELECT DISTINCT e.name || COALESCE(' — ' || un.name, '')
                        FROM current_perimeter p
                        JOIN etablissement e ON e.id = p.etablissement_id
                        LEFT JOIN unit un ON un.id = p.unit_id
                        WHERE p.account_id = $1 AND p.usager_id = f.id) AS "places!"
           FROM found f
           ORDER BY f.used_last_name, f.used_first_name, f.id"#,
        principal.account_id,
        principal.organisation_id,
        &words,
        LIST_LIMIT as i64,
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing the usagers of the caller's units")
    .map_err(db_error)?;
    // How many match: all of them without a search, those listed when the
    // answer is not full, counted otherwise.
    let matching = if words.is_empty() {
        total
    } else if rows.len() < LIST_LIMIT {
        rows.len()
    } else {
        sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM usager u
               WHERE u.organisation_id = $2
                 AND u.id IN (SELECT usager_id FROM current_perimeter WHERE account_id = $1)
                 AND u.name_search LIKE ALL (name_patterns($3::text[]))"#,
            principal.account_id,
            principal.organisation_id,
            &words,
        )
        .fetch_one(&mut *tx)
        .await
        .context("counting the usagers matching a search")
        .map_err(db_error)? as usize
    };
    let reads_soins = profession_may(&mut tx, &principal, Section::Soins, Action::Read).await?;
    let (alerts, late, late_doses) = if reads_soins {
        (
            crate::soins::server::open_alerts(&mut tx, &principal).await?,
            crate::soins::server::late_tasks(&mut tx, &principal).await?,
            crate::medication::server::late_doses(&mut tx, &principal).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    tx.commit()
        .await
        .context("ending the list")
        .map_err(db_error)?;
    Ok(UsagerListing {
        usagers: rows
            .into_iter()
            .map(|r| UsagerSummary {
                id: r.id,
                first_name: r.used_first_name,
                last_name: r.used_last_name,
                places: r.places,
            })
            .collect(),
        total,
        matching,
        alerts,
        late,
        late_doses,
        reads_soins,
    })
}

pub(crate) async fn get_usager_record(id: Uuid) -> Result<UsagerRecord, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, id, Section::Identite, Action::Read).await?;
    let today = time::today_paris();
    let mut tx = state.begin().await?;
    let usager = sqlx::query!(
        r#"SELECT used_first_name, used_last_name, birth_date AS "birth_date: NaiveDate" FROM usager
           WHERE id = $1"#,
        id,
    )
    .fetch_one(&mut *tx)
    .await
    .context("loading the usager")
    .map_err(db_error)?;

    let accompagnements = administrative::accompaniments(&mut tx, id, today)
        .await?
        .into_iter()
        .map(|a| AccompagnementView {
            etablissement: a.etablissement,
            unit: a.unit,
            period: a.period,
            current: a.current,
        })
        .collect();
    let sections = readable_sections(&mut tx, &principal, id)
        .await
        .map_err(db_error)?;
    // The identity photo is read with the identity (see `DocumentKind::section`).
    let photo = if sections.contains(&Section::Identite) {
        sqlx::query_scalar!(
            r#"SELECT id FROM document WHERE usager_id = $1 AND kind = 'photo_identite'
                 AND media_type LIKE 'image/%' ORDER BY uploaded_at DESC LIMIT 1"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await
        .context("finding the identity photo")
        .map_err(db_error)?
    } else {
        None
    };
    let break_glass_until = sqlx::query_scalar!(
        r#"SELECT max(expires_at) AS "until: chrono::DateTime<chrono::Utc>" FROM break_glass
           WHERE account_id = $1 AND usager_id = $2 AND expires_at > now()"#,
        principal.account_id,
        id
    )
    .fetch_one(&mut *tx)
    .await
    .context("reading the emergency access")
    .map_err(db_error)?
    .filter(|_| access.break_glass)
    .map(time::hour_minute);
    let break_glass = access.break_glass;
    // Allergies are read with the identity: every page of the person shows them.
    let allergies = crate::soins::server::allergies_of(&mut tx, id).await?;
    access.commit(tx, None).await?;

    let age = time::age_on(usager.birth_date, today);
    Ok(UsagerRecord {
        id,
        first_name: usager.used_first_name,
        last_name: usager.used_last_name,
        birth: format!(
            "né(e) le {} ({} ans)",
            time::short_date(usager.birth_date),
            age
        ),
        accompagnements,
        break_glass,
        break_glass_until,
        sections,
        photo,
        allergies: Some(allergies),
    })
}

pub(crate) async fn family_usagers() -> Result<Vec<UsagerSummary>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_kind(&state, &principal, AccountKind::Family, "famille_usagers").await?;
    let rows = sqlx::query!(
        r#"SELECT u.id, u.used_first_name, u.used_last_name, f.relationship
           FROM family_link f JOIN usager u ON u.id = f.usager_id
           WHERE f.account_id = $1 AND u.organisation_id = $2
             -- An opposition to sharing with the family takes effect at once.
             AND COALESCE((SELECT c.decision FROM consent_event c
                           WHERE c.usager_id = u.id AND c.scope = 'famille'
                           ORDER BY c.recorded_at DESC LIMIT 1), '') <> 'opposition'
           ORDER BY u.used_last_name, u.used_first_name"#,
        principal.account_id,
        principal.organisation_id,
    )
    .fetch_all(&state.pool)
    .await
    .context("listing a family's usagers")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| UsagerSummary {
            id: r.id,
            first_name: r.used_first_name,
            last_name: r.used_last_name,
            places: vec![r.relationship],
        })
        .collect())
}

mod administration;
mod chart;
pub mod import;
pub mod report;
mod round;
mod treatment;
mod upload;
pub use administration::record_dose;
pub use chart::get_administration_chart;
pub(crate) use round::late_doses;
pub use round::{close_dose_round, get_dose_round, rounds_of_the_day};
pub use treatment::{add_prescription, change_line, get_treatments, stop_line};
pub use upload::{bdpm_state, import_bdpm};

use super::*;
use crate::access::server::require_kind;
use crate::auth::AccountKind;
use crate::state::{db_error, AppState};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Where the drugs come from, for the pages that show them (Licence
/// Ouverte: cite the source and its date).
async fn source(conn: &mut PgConnection) -> Result<Option<String>, AppError> {
    let at =
        sqlx::query_scalar!(r#"SELECT max(imported_at) AS "at: DateTime<Utc>" FROM bdpm_import"#)
            .fetch_one(&mut *conn)
            .await
            .context("reading the BDPM's date")
            .map_err(db_error)?;
    Ok(at.map(|at| {
        format!(
            "Source : BDPM (ANSM, Licence Ouverte), mise à jour du {}",
            crate::time::long_date(crate::time::paris_date(at))
        )
    }))
}

/// Only staff search the reference; a family account's call is traced.
async fn staff() -> Result<AppState, AppError> {
    let principal = crate::auth::server::require_principal().await?;
    let state = AppState::get()?;
    require_kind(&state, &principal, AccountKind::Staff, "medicaments").await?;
    Ok(state)
}

/// The words of a search: letters and digits, folded by the database.
fn words(q: &str) -> Result<Vec<String>, AppError> {
    let q = q.trim();
    if q.chars().count() > SEARCH_MAX {
        return Err(AppError::Invalid {
            field: "q".into(),
            reason: format!("Tapez au plus {SEARCH_MAX} caractères."),
        });
    }
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_string)
        .collect();
    if words.iter().map(|w| w.chars().count()).sum::<usize>() < SEARCH_MIN {
        return Err(AppError::Invalid {
            field: "q".into(),
            reason: format!("Tapez au moins {SEARCH_MIN} lettres du nom ou de la substance."),
        });
    }
    Ok(words)
}

pub async fn search_drugs(q: String) -> Result<DrugSearch, AppError> {
    let state = staff().await?;
    let words = words(&q)?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .context("acquiring a connection for a drug search")
        .map_err(db_error)?;
    let rows = sqlx::query!(
        r#"WITH p AS (SELECT name_patterns($1::text[]) AS pats),
                hits AS (SELECT s.cis FROM bdpm_specialite s, p WHERE s.name_search LIKE ALL (p.pats)
                         UNION
                         SELECT c.cis FROM bdpm_composition c, p WHERE c.substance_search LIKE ALL (p.pats))
           SELECT s.cis, s.name, s.form, s.routes, s.marketing_state, s.reinforced_monitoring,
                  coalesce((SELECT array_agg(trim(c.substance || ' ' || c.dosage) ORDER BY c.position)
                            FROM bdpm_composition c WHERE c.cis = s.cis AND c.nature = 'SA'), '{}') AS "substances!"
           FROM bdpm_specialite s JOIN hits USING (cis)
           ORDER BY s.marketing_state = 'Commercialisée' DESC, s.name
           LIMIT $2"#,
        &words,
        SEARCH_LIMIT
    )
    .fetch_all(&mut *conn)
    .await
    .context("searching the BDPM")
    .map_err(db_error)?;
    let drugs = rows
        .into_iter()
        .map(|r| Drug {
            cis: r.cis,
            name: r.name,
            form: r.form,
            routes: r.routes,
            substances: r.substances,
            marketed: r.marketing_state == "Commercialisée",
            monitored: r.reinforced_monitoring,
        })
        .collect();
    Ok(DrugSearch {
        drugs,
        source: source(&mut conn).await?,
    })
}

pub async fn drug_by_code(code: String) -> Result<DrugBox, AppError> {
    let state = staff().await?;
    if code.len() > 200 {
        return Err(AppError::Invalid {
            field: "code".into(),
            reason: "Ce code est trop long pour un code de boîte.".into(),
        });
    }
    let scan = super::code::parse(&code).map_err(|e| AppError::Invalid {
        field: "code".into(),
        reason: e.0.into(),
    })?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .context("acquiring a connection for a box look-up")
        .map_err(db_error)?;
    let (cip13, cip7) = match &scan.code {
        code::BoxCode::Cip13(c) => (Some(c.clone()), None),
        code::BoxCode::Cip7(c) => (None, Some(c.clone())),
    };
    let row = sqlx::query!(
        r#"SELECT p.cip13, p.label, s.cis, s.name, s.form, s.routes, s.marketing_state, s.reinforced_monitoring,
                  coalesce((SELECT array_agg(trim(c.substance || ' ' || c.dosage) ORDER BY c.position)
                            FROM bdpm_composition c WHERE c.cis = s.cis AND c.nature = 'SA'), '{}') AS "substances!"
           FROM bdpm_presentation p JOIN bdpm_specialite s ON s.cis = p.cis
           WHERE p.cip13 = $1 OR p.cip7 = $2
           LIMIT 1"#,
        cip13,
        cip7
    )
    .fetch_optional(&mut *conn)
    .await
    .context("looking a box up in the BDPM")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    Ok(DrugBox {
        cip13: row.cip13,
        label: row.label,
        drug: Drug {
            cis: row.cis,
            name: row.name,
            form: row.form,
            routes: row.routes,
            substances: row.substances,
            marketed: row.marketing_state == "Commercialisée",
            monitored: row.reinforced_monitoring,
        },
        expiry: scan.expiry.map(crate::time::short_date),
        lot: scan.lot,
        source: source(&mut conn).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_split_in_words_and_bounded() {
        assert_eq!(
            words("  Doli-prane 1000 ").unwrap(),
            vec!["Doli", "prane", "1000"]
        );
        assert!(words("d").is_err());
        assert!(words("%_").is_err());
        assert!(words(&"a".repeat(101)).is_err());
    }
}

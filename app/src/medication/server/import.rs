//! Importing the BDPM files: each file in one transaction (all or nothing),
//! in batches so that a full-size file (about 33 000 lines) is written in a
//! few statements, with a progress callback for the terminal or the page.
//! A second import updates what is there and never duplicates: spécialités
//! and presentations are upserted on their codes, and the compositions
//! (which have no key of their own) are replaced.

use crate::medication::bdpm::{self, BdpmFile, LineError};
use anyhow::Context as _;
use sqlx::PgPool;
use uuid::Uuid;

/// Lines written per statement.
const BATCH: usize = 2_000;

/// Why a file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A line does not fit the published format: nothing of the file was
    /// written.
    #[error("{0}")]
    Line(#[from] LineError),
    /// The file is not one of the three Parcours imports.
    #[error("« {0} » n’est pas un fichier de la BDPM importé par Parcours (CIS_bdpm.txt, CIS_CIP_bdpm.txt, CIS_COMPO_bdpm.txt)")]
    UnknownFile(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Imports one file's bytes; `progress(done, total)` is called after each
/// batch. Returns the number of lines imported.
pub async fn import_file(
    pool: &PgPool,
    file: BdpmFile,
    bytes: &[u8],
    account: Option<Uuid>,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<usize, ImportError> {
    let text = bdpm::decode(bytes);
    let mut tx = pool.begin().await.context("starting the BDPM import")?;
    let rows = match file {
        BdpmFile::Specialites => {
            let lines = bdpm::specialites(&text)?;
            let total = lines.len();
            for (i, chunk) in lines.chunks(BATCH).enumerate() {
                let c =
                    |f: fn(&bdpm::Specialite) -> String| chunk.iter().map(f).collect::<Vec<_>>();
                let cis = c(|s| s.cis.clone());
                let names = c(|s| s.name.clone());
                let forms = c(|s| s.form.clone());
                // Arrays of arrays must be rectangular: lists travel joined.
                let routes = c(|s| s.routes.join(";"));
                let statuses = c(|s| s.amm_status.clone());
                let procedures = c(|s| s.amm_procedure.clone());
                let states = c(|s| s.marketing_state.clone());
                let dates: Vec<Option<chrono::NaiveDate>> =
                    chunk.iter().map(|s| s.amm_date).collect();
                let bdm = c(|s| s.bdm_status.clone());
                let eu = c(|s| s.eu_number.clone());
                let holders = c(|s| s.holders.join(";"));
                let monitored: Vec<bool> = chunk.iter().map(|s| s.reinforced_monitoring).collect();
                sqlx::query!(
                    r#"INSERT INTO bdpm_specialite (cis, name, form, routes, amm_status, amm_procedure,
                           marketing_state, amm_date, bdm_status, eu_number, holders, reinforced_monitoring, imported_at)
                       SELECT cis, name, form, coalesce(string_to_array(NULLIF(routes, ''), ';'), '{}'), amm_status, amm_procedure,
                              marketing_state, amm_date, bdm_status, eu_number,
                              coalesce(string_to_array(NULLIF(holders, ''), ';'), '{}'), monitored, now()
                       FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                   $7::text[], $8::date[], $9::text[], $10::text[], $11::text[], $12::bool[])
                            AS l(cis, name, form, routes, amm_status, amm_procedure, marketing_state, amm_date,
                                 bdm_status, eu_number, holders, monitored)
                       ON CONFLICT (cis) DO UPDATE SET name = EXCLUDED.name, form = EXCLUDED.form,
                           routes = EXCLUDED.routes, amm_status = EXCLUDED.amm_status,
                           amm_procedure = EXCLUDED.amm_procedure, marketing_state = EXCLUDED.marketing_state,
                           amm_date = EXCLUDED.amm_date, bdm_status = EXCLUDED.bdm_status,
                           eu_number = EXCLUDED.eu_number, holders = EXCLUDED.holders,
                           reinforced_monitoring = EXCLUDED.reinforced_monitoring, imported_at = now()"#,
                    &cis,
                    &names,
                    &forms,
                    &routes,
                    &statuses,
                    &procedures,
                    &states,
                    &dates as &[Option<chrono::NaiveDate>],
                    &bdm,
                    &eu,
                    &holders,
                    &monitored
                )
                .execute(&mut *tx)
                .await
                .context("writing spécialités")?;
                progress((i * BATCH + chunk.len()).min(total), total);
            }
            total
        }
        BdpmFile::Presentations => {
            let lines = bdpm::presentations(&text)?;
            let total = lines.len();
            for (i, chunk) in lines.chunks(BATCH).enumerate() {
                let c =
                    |f: fn(&bdpm::Presentation) -> String| chunk.iter().map(f).collect::<Vec<_>>();
                let cip13 = c(|p| p.cip13.clone());
                let cip7 = c(|p| p.cip7.clone());
                let cis = c(|p| p.cis.clone());
                let labels = c(|p| p.label.clone());
                let statuses = c(|p| p.admin_status.clone());
                let states = c(|p| p.marketing_state.clone());
                let dates: Vec<Option<chrono::NaiveDate>> =
                    chunk.iter().map(|p| p.marketing_date).collect();
                let collectivites: Vec<Option<bool>> =
                    chunk.iter().map(|p| p.collectivites).collect();
                let rates = c(|p| p.reimbursement.join(";"));
                let prices: Vec<Option<String>> = chunk.iter().map(|p| p.price.clone()).collect();
                sqlx::query!(
                    r#"INSERT INTO bdpm_presentation (cip13, cip7, cis, label, admin_status, marketing_state,
                           marketing_date, collectivites, reimbursement, price, imported_at)
                       SELECT cip13, cip7, cis, label, admin_status, marketing_state, marketing_date, collectivites,
                              coalesce(string_to_array(NULLIF(rates, ''), ';'), '{}'), price, now()
                       FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                   $7::date[], $8::bool[], $9::text[], $10::text[])
                            AS l(cip13, cip7, cis, label, admin_status, marketing_state, marketing_date,
                                 collectivites, rates, price)
                       ON CONFLICT (cip13) DO UPDATE SET cip7 = EXCLUDED.cip7, cis = EXCLUDED.cis,
                           label = EXCLUDED.label, admin_status = EXCLUDED.admin_status,
                           marketing_state = EXCLUDED.marketing_state, marketing_date = EXCLUDED.marketing_date,
                           collectivites = EXCLUDED.collectivites, reimbursement = EXCLUDED.reimbursement,
                           price = EXCLUDED.price, imported_at = now()"#,
                    &cip13,
                    &cip7,
                    &cis,
                    &labels,
                    &statuses,
                    &states,
                    &dates as &[Option<chrono::NaiveDate>],
                    &collectivites as &[Option<bool>],
                    &rates,
                    &prices as &[Option<String>]
                )
                .execute(&mut *tx)
                .await
                .context("writing presentations")?;
                progress((i * BATCH + chunk.len()).min(total), total);
            }
            total
        }
        BdpmFile::Compositions => {
            let lines = bdpm::compositions(&text)?;
            let total = lines.len();
            sqlx::query!("DELETE FROM bdpm_composition")
                .execute(&mut *tx)
                .await
                .context("replacing compositions")?;
            for (i, chunk) in lines.chunks(BATCH).enumerate() {
                let c =
                    |f: fn(&bdpm::Composition) -> String| chunk.iter().map(f).collect::<Vec<_>>();
                let cis = c(|l| l.cis.clone());
                let positions: Vec<i32> = (0..chunk.len())
                    .map(|k| i32::try_from(i * BATCH + k).unwrap_or(i32::MAX))
                    .collect();
                let elements = c(|l| l.element.clone());
                let codes = c(|l| l.substance_code.clone());
                let substances = c(|l| l.substance.clone());
                let dosages = c(|l| l.dosage.clone());
                let references = c(|l| l.reference.clone());
                let natures = c(|l| l.nature.clone());
                let links: Vec<Option<i32>> = chunk.iter().map(|l| l.link).collect();
                sqlx::query!(
                    r#"INSERT INTO bdpm_composition (cis, position, element, substance_code, substance, dosage,
                           reference, nature, link)
                       SELECT * FROM UNNEST($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[],
                                            $7::text[], $8::text[], $9::int[])"#,
                    &cis,
                    &positions,
                    &elements,
                    &codes,
                    &substances,
                    &dosages,
                    &references,
                    &natures,
                    &links as &[Option<i32>]
                )
                .execute(&mut *tx)
                .await
                .context("writing compositions")?;
                progress((i * BATCH + chunk.len()).min(total), total);
            }
            total
        }
    };
    sqlx::query!(
        "INSERT INTO bdpm_import (id, file, rows, account_id) VALUES ($1, $2, $3, $4)",
        Uuid::new_v4(),
        file.file_name(),
        i32::try_from(rows).unwrap_or(i32::MAX),
        account
    )
    .execute(&mut *tx)
    .await
    .context("recording the BDPM import")?;
    tx.commit().await.context("committing the BDPM import")?;
    Ok(rows)
}

/// Imports the files of a folder that has them, spécialités first; a file
/// missing from the folder is left as it was.
pub async fn import_dir(
    pool: &PgPool,
    dir: &std::path::Path,
    account: Option<Uuid>,
    progress: &(dyn Fn(BdpmFile, usize, usize) + Send + Sync),
) -> Result<Vec<(BdpmFile, usize)>, ImportError> {
    let mut done = Vec::new();
    for file in BdpmFile::ALL {
        let path = dir.join(file.file_name());
        if !path.exists() {
            continue;
        }
        let bytes = tokio::fs::read(&path)
            .await
            .with_context(|| format!("reading {}", path.display()))?;
        let rows = import_file(pool, file, &bytes, account, &|d, t| progress(file, d, t)).await?;
        done.push((file, rows));
    }
    Ok(done)
}

//! Deadlines and indicators over the caller's perimeter.

use super::*;
use crate::access::server::{append_list_reads, require_list};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::organisation::Profession;
use crate::projet::*;
use crate::state::{db_error, AppState};
use crate::time;
use anyhow::Context as _;
use chrono::{Months, NaiveDate};

pub async fn get_echeances() -> Result<Echeances, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Projet, Action::Read).await?;
    let mut tx = state.begin().await?;
    let today = time::today_paris();
    // One row per usager and établissement of the caller's perimeter, with
    // the project in force there (the most recently validated) if any.
    let rows = sqlx::query!(
        r#"WITH perim AS (
               SELECT DISTINCT usager_id, etablissement_id, unit_id, start_date
               FROM current_perimeter WHERE account_id = $1),
           in_force AS (
               SELECT DISTINCT ON (pe.etablissement_id, p.usager_id) pe.etablissement_id, p.usager_id, p.id,
                      p.next_review, p.completeness,
                      GREATEST((SELECT max((validated_at AT TIME ZONE 'Europe/Paris')::date) FROM projet_version v
                                WHERE v.projet_id = p.id),
                               (SELECT max(held_on) FROM projet_bilan b WHERE b.projet_id = p.id)) AS last_review
               FROM projet p JOIN projet_etablissement pe ON pe.projet_id = p.id
               WHERE p.status IN ('ENCOURS', 'ENPAUSE')
               ORDER BY pe.etablissement_id, p.usager_id, p.created_at DESC)
           SELECT pr.usager_id AS "usager_id!", u.used_first_name || ' ' || upper(u.used_last_name) AS "usager!",
                  e.name AS "etablissement!", un.name AS "unit?", pr.start_date AS "admitted!: NaiveDate",
                  f.id AS "projet?", f.next_review AS "next_review?: NaiveDate",
                  f.last_review AS "last_review?: NaiveDate", f.completeness AS "completeness?",
                  EXISTS (SELECT 1 FROM projet p JOIN projet_etablissement pe ON pe.projet_id = p.id
                          WHERE p.usager_id = pr.usager_id AND pe.etablissement_id = pr.etablissement_id) AS "any!",
                  (SELECT COALESCE(sum(EXTRACT(EPOCH FROM LEAST(s.last_saved_at - s.opened_at, interval '2 hours'))), 0)
                   FROM projet_session s JOIN projet p ON p.id = s.projet_id
                   JOIN projet_etablissement pe ON pe.projet_id = p.id
                   WHERE p.usager_id = pr.usager_id AND pe.etablissement_id = pr.etablissement_id
                     AND s.last_saved_at IS NOT NULL)::bigint AS "seconds!",
                  ra.first_name || ' ' || ra.last_name AS "referent?", r.account_id = $1 AS "mine?"
           FROM perim pr JOIN usager u ON u.id = pr.usager_id
           JOIN etablissement e ON e.id = pr.etablissement_id
           LEFT JOIN unit un ON un.id = pr.unit_id
           LEFT JOIN in_force f ON f.usager_id = pr.usager_id AND f.etablissement_id = pr.etablissement_id
           LEFT JOIN referent r ON r.usager_id = pr.usager_id AND r.etablissement_id = pr.etablissement_id
           LEFT JOIN account ra ON ra.id = r.account_id
           WHERE u.organisation_id = $2
           ORDER BY e.name, un.name NULLS FIRST, u.used_last_name"#,
        principal.account_id,
        principal.organisation_id
    )
    .fetch_all(&mut *tx)
    .await
    .context("computing deadlines")
    .map_err(db_error)?;
    let soon = today + chrono::Days::new(30);
    let mut indicators: Vec<EtablissementIndicators> = Vec::new();
    let mut completeness_sum: Vec<(i64, i64)> = Vec::new();
    let mut deadlines = Vec::new();
    for r in rows {
        let pos = match indicators.iter().position(|i| i.name == r.etablissement) {
            Some(p) => p,
            None => {
                indicators.push(EtablissementIndicators {
                    name: r.etablissement.clone(),
                    usagers: 0,
                    with_projet: 0,
                    in_force: 0,
                    without: 0,
                    due_soon: 0,
                    overdue: 0,
                    average_completeness: None,
                    time_spent_minutes: 0,
                    units: vec![],
                });
                completeness_sum.push((0, 0));
                indicators.len() - 1
            }
        };
        let ind = &mut indicators[pos];
        ind.usagers += 1;
        ind.with_projet += r.any as i64;
        ind.time_spent_minutes += r.seconds / 60;
        if let Some(unit) = &r.unit {
            let u = match ind.units.iter().position(|u| &u.name == unit) {
                Some(p) => p,
                None => {
                    ind.units.push(UnitIndicators {
                        name: unit.clone(),
                        usagers: 0,
                        with_projet: 0,
                        in_force: 0,
                    });
                    ind.units.len() - 1
                }
            };
            ind.units[u].usagers += 1;
            ind.units[u].with_projet += r.any as i64;
            ind.units[u].in_force += r.projet.is_some() as i64;
        }
        let (state, due) = match r.projet {
            None => {
                ind.without += 1;
                // The avenant fixing objectives is due six months after admission.
                let due = r.admitted.checked_add_months(Months::new(6));
                ("sans_projet", due)
            }
            Some(_) => {
                ind.in_force += 1;
                if let Some(c) = r.completeness {
                    completeness_sum[pos].0 += c as i64;
                    completeness_sum[pos].1 += 1;
                }
                let due = due_date(r.next_review, r.last_review);
                match due {
                    Some(d) if d < today => {
                        ind.overdue += 1;
                        ("en_retard", due)
                    }
                    Some(d) if d <= soon => {
                        ind.due_soon += 1;
                        ("a_echeance", due)
                    }
                    _ => continue,
                }
            }
        };
        deadlines.push(Deadline {
            usager_id: r.usager_id,
            usager: r.usager,
            etablissement: r.etablissement,
            referent: r.referent.unwrap_or_default(),
            state: state.into(),
            due: match due {
                Some(d) if d < today => {
                    format!("échéance dépassée depuis le {}", time::long_date(d))
                }
                Some(d) => format!("échéance le {}", time::long_date(d)),
                None => String::new(),
            },
            projet_id: r.projet,
            mine: r.mine.unwrap_or(false),
        });
    }
    for (ind, (sum, n)) in indicators.iter_mut().zip(completeness_sum) {
        ind.average_completeness = (n > 0).then(|| (sum / n) as i32);
    }
    let leads = matches!(
        principal.profession,
        Some(Profession::ChefService | Profession::Directeur)
    );
    if !leads {
        deadlines.retain(|d| d.mine);
    }
    append_list_reads(
        &mut tx,
        &principal,
        deadlines.iter().map(|d| d.usager_id).collect::<Vec<_>>(),
        Section::Projet,
        "echeances",
    )
    .await?;
    tx.commit()
        .await
        .context("committing the deadline reads")
        .map_err(db_error)?;
    Ok(Echeances {
        indicators: if leads { indicators } else { vec![] },
        deadlines,
        leads,
    })
}

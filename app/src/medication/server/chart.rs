//! A person's administration chart: for the last days, each line at each
//! time of the day with the symbol of its outcome, and the refusals, the
//! missed doses and the si-besoin doses of the period. Read with the soins
//! section's right, traced as one read.

use super::super::prescription::{Outcome, Slot};
use super::super::*;
use super::administration::outcome_words;
use super::round::lines_of;
use super::treatment::dose_words;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::state::db_error;
use crate::time;
use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::HashMap;

/// A dose without outcome this long after it was due is missed.
const MISSED_AFTER_MINUTES: i64 = 60;

struct Given {
    line_id: Uuid,
    day: NaiveDate,
    slot: Option<String>,
    outcome: String,
    reason: Option<String>,
    at: DateTime<Utc>,
    by: String,
}

fn short_day(d: NaiveDate) -> String {
    const DAYS: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    format!(
        "{} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        d.format("%d/%m")
    )
}

fn when_label(key: &str) -> String {
    Slot::parse(key).map_or_else(|| key.to_string(), |s| s.label().to_string())
}

pub async fn get_administration_chart(
    id: Uuid,
    days: u32,
) -> Result<AdministrationChart, AppError> {
    let e = enter(id, Section::Soins, Action::Read).await?;
    if !CHART_DAYS.contains(&days) {
        return Err(AppError::invalid(
            "days",
            "Choisissez une période de 7, 14 ou 31 jours.",
        ));
    }
    let to = time::today_paris();
    let from = to - Duration::days(i64::from(days) - 1);
    let mut tx = e.state.begin().await?;
    let chart = chart_of(&mut tx, id, from, to).await?;
    e.access.commit(tx, Some("tableau_prises".into())).await?;
    Ok(chart)
}

/// The chart of the days `from` to `to` (the administration report prints
/// it for any period).
pub(crate) async fn chart_of(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AdministrationChart, AppError> {
    let days = ((to - from).num_days() + 1).max(0) as u32;
    let lines = lines_of(&mut *tx, &[id], from, to).await?;
    let given = sqlx::query_as!(
        Given,
        r#"SELECT a.line_id, a.day AS "day: NaiveDate", a.slot, a.outcome, a.reason,
                  a.recorded_at AS "at: DateTime<Utc>", c.first_name || ' ' || upper(c.last_name) AS "by!"
           FROM administration a JOIN account c ON c.id = a.recorded_by
           WHERE a.usager_id = $1 AND a.day BETWEEN $2 AND $3
           ORDER BY a.recorded_at DESC"#,
        id,
        from as _,
        to as _
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading the outcomes of a chart")
    .map_err(db_error)?;
    let scheduled: HashMap<(Uuid, NaiveDate, &str), &Given> = given
        .iter()
        .filter_map(|g| g.slot.as_deref().map(|s| ((g.line_id, g.day, s), g)))
        .collect();

    let day_list: Vec<NaiveDate> = (0..days).map(|i| from + Duration::days(i.into())).collect();
    let now = Utc::now();
    let (mut rows, mut not_taken, mut missed, mut as_needed) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for line in &lines {
        let dose = dose_words(&line.dose, &line.dose_unit, &line.route);
        if line.as_needed {
            for g in given.iter().filter(|g| g.line_id == line.id) {
                as_needed.push(ChartEvent {
                    day: short_day(g.day),
                    drug: line.drug.clone(),
                    when: time::hour_minute(g.at),
                    what: outcome_words(&g.outcome, g.at, &g.by, g.reason.as_deref()),
                });
            }
            continue;
        }
        let schedule = line.schedule();
        // The times of the day this line gives, in the order of the day.
        let mut keys: Vec<(String, NaiveTime)> = Vec::new();
        for slot in Slot::ALL {
            for d in &day_list {
                for k in schedule.doses_in(*d, slot) {
                    if !keys.iter().any(|(c, _)| *c == k.0) {
                        keys.push(k);
                    }
                }
            }
        }
        keys.sort_by_key(|(_, t)| *t);
        for (key, t) in keys {
            let cells = day_list
                .iter()
                .map(|d| {
                    let due = schedule
                        .doses_in(*d, Slot::of_time(t))
                        .iter()
                        .any(|(k, _)| *k == key);
                    let due_at = time::at_paris(*d, t);
                    if !due || line.stopped_at.is_some_and(|s| s <= due_at) {
                        return None;
                    }
                    Some(match scheduled.get(&(line.id, *d, key.as_str())) {
                        Some(g) => {
                            let label = outcome_words(&g.outcome, g.at, &g.by, g.reason.as_deref());
                            let taken = Outcome::parse(&g.outcome).is_some_and(Outcome::taken);
                            if !taken {
                                not_taken.push((
                                    due_at,
                                    ChartEvent {
                                        day: short_day(*d),
                                        drug: line.drug.clone(),
                                        when: when_label(&key),
                                        what: label.clone(),
                                    },
                                ));
                            }
                            ChartCell {
                                symbol: chart_symbol(Some(&g.outcome)).into(),
                                label,
                            }
                        }
                        None if now - due_at > Duration::minutes(MISSED_AFTER_MINUTES) => {
                            missed.push((
                                due_at,
                                ChartEvent {
                                    day: short_day(*d),
                                    drug: line.drug.clone(),
                                    when: when_label(&key),
                                    what: "Non notée".into(),
                                },
                            ));
                            ChartCell {
                                symbol: chart_symbol(None).into(),
                                label: "Non notée".into(),
                            }
                        }
                        None => ChartCell {
                            symbol: "·".into(),
                            label: "À venir".into(),
                        },
                    })
                })
                .collect();
            rows.push(ChartRow {
                drug: line.drug.clone(),
                dose: dose.clone(),
                when: when_label(&key),
                cells,
            });
        }
    }
    // Newest first, as a nurse reads them.
    let newest_first = |mut list: Vec<(DateTime<Utc>, ChartEvent)>| {
        list.sort_by(|a, b| b.0.cmp(&a.0));
        list.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
    };
    let (not_taken, missed) = (newest_first(not_taken), newest_first(missed));
    Ok(AdministrationChart {
        period: format!("du {} au {}", time::short_date(from), time::short_date(to)),
        days,
        from: from.to_string(),
        to: to.to_string(),
        day_labels: day_list.iter().map(|d| short_day(*d)).collect(),
        rows,
        as_needed,
        not_taken,
        missed,
    })
}

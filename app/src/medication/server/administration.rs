//! The outcome of each dose, with the rules of the round on the server:
//! who may record which line (CASF L313-26), the limits of a si-besoin
//! line, one outcome per dose whichever tablet sends it first.

use super::super::prescription::{parse_due, Outcome, Schedule, Slot};
use super::super::*;
use crate::access::server::enter;
use crate::access::{nursing, Action, Section};
use crate::state::db_error;
use crate::time;
use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgConnection;

const MAX_REASON: usize = 300;
const MAX_COMMENT: usize = 1000;

/// "Refusé à 12:04 par Sarah LAMBERT : dort".
async fn summary_of(
    conn: &mut PgConnection,
    key: Uuid,
) -> Result<Option<(Uuid, String, Uuid)>, AppError> {
    let row = sqlx::query!(
        r#"SELECT a.id, a.outcome, a.reason, a.recorded_at AS "at: DateTime<Utc>", a.recorded_by,
                  c.first_name || ' ' || upper(c.last_name) AS "by!"
           FROM administration a JOIN account c ON c.id = a.recorded_by WHERE a.id = $1"#,
        key
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading a dose's outcome")
    .map_err(db_error)?;
    Ok(row.map(|r| {
        (
            r.id,
            outcome_words(&r.outcome, r.at, &r.by, r.reason.as_deref()),
            r.recorded_by,
        )
    }))
}

/// "Refusé à 12:04 par Sarah LAMBERT : dort".
pub(super) fn outcome_words(
    outcome: &str,
    at: DateTime<Utc>,
    by: &str,
    reason: Option<&str>,
) -> String {
    let mut s = format!(
        "{} à {} par {by}",
        Outcome::label_of(outcome),
        time::hour_minute(at)
    );
    if let Some(reason) = reason {
        s.push_str(" : ");
        s.push_str(reason);
    }
    s
}

/// A si-besoin line's doses taken: the last one, and how many in the last
/// 24 hours (the round shows them; recording a dose checks the limits).
pub(super) struct AsNeededTaken {
    pub(super) last: Option<DateTime<Utc>>,
    pub(super) in_day: i64,
}

pub(super) async fn as_needed_taken(
    conn: &mut PgConnection,
    line: Uuid,
) -> Result<AsNeededTaken, AppError> {
    sqlx::query_as!(
        AsNeededTaken,
        r#"SELECT max(recorded_at) AS "last: DateTime<Utc>",
                  count(*) FILTER (WHERE recorded_at > now() - interval '24 hours') AS "in_day!"
           FROM administration
           WHERE line_id = $1 AND slot IS NULL AND outcome IN ('donne', 'aide_prise')"#,
        line
    )
    .fetch_one(conn)
    .await
    .context("reading a si-besoin line's doses")
    .map_err(db_error)
}

pub async fn record_dose(id: Uuid, input: DoseInput) -> Result<DoseRecorded, AppError> {
    let e = enter(id, Section::Soins, Action::Write).await?;
    let outcome = Outcome::parse(&input.outcome).ok_or_else(|| {
        AppError::invalid("outcome", "Choisissez ce qu’il est advenu de la prise.")
    })?;
    let reason = input.reason.trim();
    if !outcome.taken() && reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Précisez le motif : la prise n’a pas été donnée.",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid("reason", "Le motif est trop long."));
    }
    let comment = input.comment.trim();
    if comment.chars().count() > MAX_COMMENT {
        return Err(AppError::invalid(
            "comment",
            "Le commentaire est trop long.",
        ));
    }
    let day = NaiveDate::parse_from_str(input.day.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("day", "Jour de la tournée inconnu."))?;
    let today = time::today_paris();
    // Today's round, or last night's, recorded late: not another day.
    if day > today || day < today - Duration::days(1) {
        return Err(AppError::invalid(
            "day",
            "On ne note que les prises d’aujourd’hui (ou de la veille au soir).",
        ));
    }
    let due = parse_due(&input.due)
        .ok_or_else(|| AppError::invalid("due", "Moment de prise inconnu."))?;

    let mut tx = e.state.begin().await?;
    // A retried send: the same outcome by the same person, nothing more.
    if let Some((key, summary, by)) = summary_of(&mut tx, input.id).await? {
        let same = sqlx::query_scalar!(
            r#"SELECT usager_id = $2 AND line_id = $3 AS "same!" FROM administration WHERE id = $1"#,
            input.id,
            id,
            input.line_id
        )
        .fetch_one(&mut *tx)
        .await
        .context("checking a retried dose")
        .map_err(db_error)?;
        if !same || by != e.principal.account_id {
            return Err(AppError::Conflict);
        }
        e.access.commit(tx, Some(key.to_string())).await?;
        return Ok(DoseRecorded {
            id: key,
            summary,
            by_another: false,
        });
    }
    let line = sqlx::query!(
        r#"SELECT slots, times AS "times: Vec<chrono::NaiveTime>", recurrence, weekdays, every_n_days,
                  starts_on AS "starts_on: NaiveDate", ends_on AS "ends_on: NaiveDate",
                  stopped_at AS "stopped_at: DateTime<Utc>", as_needed, min_interval_minutes, max_per_day,
                  aide_prise, high_risk
           FROM prescription_line WHERE id = $1 AND usager_id = $2"#,
        input.line_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the dose's line")
    .map_err(db_error)?
    // A line of someone else reads as no line at all.
    .ok_or(AppError::NotFound)?;

    // CASF L313-26: without nursing rights, only a line the prescription
    // allows as aide à la prise, and never a high-risk one.
    let nurse = e.principal.profession.is_some_and(nursing);
    if !nurse && (!line.aide_prise || line.high_risk) {
        drop(tx);
        return Err(e.access.refuse(&e.state, Section::Soins).await);
    }

    let schedule = Schedule::stored(
        &line.slots,
        &line.times,
        &line.recurrence,
        &line.weekdays,
        line.every_n_days,
        line.starts_on,
        line.ends_on,
    );
    let stopped_before = |at: DateTime<Utc>| line.stopped_at.is_some_and(|s| s <= at);
    let now = Utc::now();
    let (slot, due_at) = match due {
        Some(t) => {
            if line.as_needed {
                return Err(AppError::invalid(
                    "due",
                    "Cette ligne est « si besoin » : elle n’a pas d’horaire.",
                ));
            }
            let code = input.due.trim().to_string();
            let in_line = Slot::parse(&code).map_or_else(
                || schedule.times.contains(&t),
                |s| schedule.slots.contains(&s),
            );
            let due_at = time::at_paris(day, t);
            if !in_line || !schedule.due_on(day) || stopped_before(due_at) {
                return Err(AppError::invalid(
                    "due",
                    "Cette prise n’est pas prévue ce jour-là à ce moment.",
                ));
            }
            (Some(code), Some(due_at))
        }
        None => {
            if !line.as_needed {
                return Err(AppError::invalid(
                    "due",
                    "Choisissez le moment de la prise.",
                ));
            }
            if day != today
                || stopped_before(now)
                || !(schedule.starts_on <= today && schedule.ends_on.is_none_or(|e| today <= e))
            {
                return Err(AppError::invalid(
                    "due",
                    "Cette ligne « si besoin » n’est pas en cours aujourd’hui.",
                ));
            }
            if outcome.taken() {
                // Serialises the si-besoin doses of one line: the limits are
                // read under this lock, so two tablets cannot both pass them.
                sqlx::query!(
                    "SELECT id FROM prescription_line WHERE id = $1 FOR UPDATE",
                    input.line_id
                )
                .fetch_one(&mut *tx)
                .await
                .context("locking a prescription line")
                .map_err(db_error)?;
                let taken = as_needed_taken(&mut tx, input.line_id).await?;
                let interval = Duration::minutes(i64::from(line.min_interval_minutes.unwrap_or(0)));
                if let Some(last) = taken.last.filter(|last| now - *last < interval) {
                    return Err(AppError::invalid(
                        "outcome",
                        &format!(
                            "Trop tôt : dernière prise à {}, la prochaine est possible à partir de {}.",
                            time::hour_minute(last),
                            time::hour_minute(last + interval)
                        ),
                    ));
                }
                let max = i64::from(line.max_per_day.unwrap_or(0));
                if taken.in_day >= max {
                    return Err(AppError::invalid(
                        "outcome",
                        &format!("Maximum atteint : {max} prise(s) sur les dernières 24 heures."),
                    ));
                }
            }
            (None, None)
        }
    };
    let written = sqlx::query_scalar!(
        r#"INSERT INTO administration (id, organisation_id, usager_id, line_id, day, slot, due_at, outcome, reason,
                                       comment, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), NULLIF($10, ''), $11)
           ON CONFLICT DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        input.line_id,
        day as _,
        slot,
        due_at as _,
        outcome.code(),
        reason,
        comment,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("recording a dose")
    .map_err(db_error)?;
    let (key, by_another) = match written {
        Some(key) => (key, false),
        None => {
            // Another tablet recorded this dose first: say who, write nothing.
            let first = sqlx::query_scalar!(
                "SELECT id FROM administration WHERE line_id = $1 AND day = $2 AND slot = $3",
                input.line_id,
                day as _,
                slot
            )
            .fetch_optional(&mut *tx)
            .await
            .context("finding a dose recorded elsewhere")
            .map_err(db_error)?
            .ok_or(AppError::Conflict)?;
            (first, true)
        }
    };
    let (_, summary, _) = summary_of(&mut tx, key).await?.ok_or(AppError::Conflict)?;
    e.access.commit(tx, Some(key.to_string())).await?;
    Ok(DoseRecorded {
        id: key,
        summary,
        by_another,
    })
}

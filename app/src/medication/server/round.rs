//! The medication round of a unit and a slot: the persons, present or not,
//! and the doses due with what became of each; its closing, refused while
//! a dose has no outcome; the nurse's overview of the day; the late doses
//! of the home page. Every person shown is traced as a read.

use super::super::prescription::{Outcome, Schedule, Slot};
use super::super::*;
use super::administration::outcome_words;
use super::treatment::{as_needed_words, dose_words};
use crate::access::server::{
    append, append_list_reads, deny, profession_may, require_list, AuditEvent,
};
use crate::access::{nursing, Action, Section};
use crate::auth::server::{require_principal, Principal};
use crate::soins::server::{allergies_of, caller_units, round_persons, CallerUnit};
use crate::state::{db_error, AppState};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::PgConnection;

/// A dose without outcome this long after it was due is late.
const LATE_AFTER_MINUTES: i64 = 60;
/// The most late or refused doses named on a page.
const NOTICES: usize = 100;

/// A line as the round reads it.
pub(super) struct LineRow {
    pub(super) id: Uuid,
    pub(super) usager_id: Uuid,
    pub(super) drug: String,
    pub(super) dose: String,
    pub(super) dose_unit: String,
    pub(super) route: String,
    pub(super) slots: Vec<String>,
    pub(super) times: Vec<NaiveTime>,
    pub(super) recurrence: String,
    pub(super) weekdays: Vec<i16>,
    pub(super) every_n_days: Option<i16>,
    pub(super) starts_on: NaiveDate,
    pub(super) ends_on: Option<NaiveDate>,
    pub(super) stopped_at: Option<DateTime<Utc>>,
    pub(super) as_needed: bool,
    pub(super) indication: Option<String>,
    pub(super) min_interval_minutes: Option<i32>,
    pub(super) max_per_day: Option<i16>,
    pub(super) instructions: Option<String>,
    pub(super) aide_prise: bool,
    pub(super) high_risk: bool,
}

impl LineRow {
    pub(super) fn schedule(&self) -> Schedule {
        Schedule::stored(
            &self.slots,
            &self.times,
            &self.recurrence,
            &self.weekdays,
            self.every_n_days,
            self.starts_on,
            self.ends_on,
        )
    }

    /// CASF L313-26: without nursing rights, only the lines allowed as aide
    /// à la prise and not high-risk (the server checks it again on write).
    fn may_give(&self, principal: &Principal) -> bool {
        principal.profession.is_some_and(nursing) || (self.aide_prise && !self.high_risk)
    }
}

/// The lines of these persons that may give doses between `from` and `to`
/// (one day for a round, a period for the chart).
pub(super) async fn lines_of(
    conn: &mut PgConnection,
    usagers: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LineRow>, AppError> {
    sqlx::query_as!(
        LineRow,
        r#"SELECT id, usager_id, drug, dose_quantity::text AS "dose!", dose_unit, route, slots,
                  times AS "times: Vec<NaiveTime>", recurrence, weekdays, every_n_days,
                  starts_on AS "starts_on: NaiveDate", ends_on AS "ends_on: NaiveDate",
                  stopped_at AS "stopped_at: DateTime<Utc>", as_needed, indication, min_interval_minutes,
                  max_per_day, instructions, aide_prise, high_risk
           FROM prescription_line
           WHERE usager_id = ANY($1) AND starts_on <= $3 AND (ends_on IS NULL OR ends_on >= $2)
             AND (stopped_at IS NULL OR stopped_at > $4)
           ORDER BY usager_id, high_risk DESC, drug, position"#,
        usagers,
        from as _,
        to as _,
        time::paris_midnight(from) as _
    )
    .fetch_all(conn)
    .await
    .context("reading the lines of a round")
    .map_err(db_error)
}

/// An outcome recorded for a scheduled dose.
struct GivenRow {
    line_id: Uuid,
    slot: String,
    outcome: String,
    reason: Option<String>,
    at: DateTime<Utc>,
    by: String,
}

async fn given_on(
    conn: &mut PgConnection,
    usagers: &[Uuid],
    day: NaiveDate,
) -> Result<Vec<GivenRow>, AppError> {
    sqlx::query_as!(
        GivenRow,
        r#"SELECT a.line_id, a.slot AS "slot!", a.outcome, a.reason, a.recorded_at AS "at: DateTime<Utc>",
                  c.first_name || ' ' || upper(c.last_name) AS "by!"
           FROM administration a JOIN account c ON c.id = a.recorded_by
           WHERE a.usager_id = ANY($1) AND a.day = $2 AND a.slot IS NOT NULL"#,
        usagers,
        day as _
    )
    .fetch_all(conn)
    .await
    .context("reading the outcomes of a round")
    .map_err(db_error)
}

/// The doses due to these persons on `day` in each of `slots`, with their
/// outcome: `(usager, slot, dose)`.
async fn doses(
    conn: &mut PgConnection,
    principal: &Principal,
    usagers: &[Uuid],
    day: NaiveDate,
    slots: &[Slot],
) -> Result<(Vec<LineRow>, Vec<(Uuid, Slot, RoundDose)>), AppError> {
    let lines = lines_of(&mut *conn, usagers, day, day).await?;
    let given = given_on(&mut *conn, usagers, day).await?;
    let now = time::now_paris();
    let mut out = Vec::new();
    for l in lines.iter().filter(|l| !l.as_needed) {
        let schedule = l.schedule();
        for slot in slots {
            for (key, at) in schedule.doses_in(day, *slot) {
                let due_at = time::at_paris(day, at);
                if l.stopped_at.is_some_and(|s| s <= due_at) {
                    continue;
                }
                let g = given.iter().find(|g| g.line_id == l.id && g.slot == key);
                let late = g.is_none()
                    && now - NaiveDateTime::new(day, at)
                        > chrono::Duration::minutes(LATE_AFTER_MINUTES);
                out.push((
                    l.usager_id,
                    *slot,
                    RoundDose {
                        line_id: l.id,
                        drug: l.drug.clone(),
                        dose: dose_words(&l.dose, &l.dose_unit, &l.route),
                        instructions: l.instructions.clone(),
                        due: key,
                        time: at.format("%H:%M").to_string(),
                        high_risk: l.high_risk,
                        aide_prise: l.aide_prise,
                        may_give: l.may_give(principal),
                        outcome: g.map(|g| g.outcome.clone()),
                        summary: g
                            .map(|g| outcome_words(&g.outcome, g.at, &g.by, g.reason.as_deref())),
                        late,
                    },
                ));
            }
        }
    }
    out.sort_by(|a, b| a.2.time.cmp(&b.2.time));
    Ok((lines, out))
}

/// The si-besoin lines of one person in force now, with their last dose.
async fn as_needed_of(
    conn: &mut PgConnection,
    principal: &Principal,
    lines: &[LineRow],
    usager: Uuid,
) -> Result<Vec<AsNeededDose>, AppError> {
    let mut out = Vec::new();
    for l in lines
        .iter()
        .filter(|l| l.as_needed && l.usager_id == usager)
    {
        let taken = super::administration::as_needed_taken(&mut *conn, l.id).await?;
        out.push(AsNeededDose {
            line_id: l.id,
            drug: l.drug.clone(),
            dose: dose_words(&l.dose, &l.dose_unit, &l.route),
            schedule: as_needed_words(
                l.indication.as_deref(),
                l.min_interval_minutes,
                l.max_per_day,
            ),
            last: taken.last.map(|at| {
                format!(
                    "Dernière prise le {} ; {} sur les dernières 24 heures",
                    time::date_time(at),
                    taken.in_day
                )
            }),
            may_give: l.may_give(principal),
        });
    }
    Ok(out)
}

fn parse_slot(text: &str) -> Result<Option<Slot>, AppError> {
    match text.trim() {
        "" => Ok(None),
        s => Slot::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("slot", "Choisissez matin, midi, soir ou coucher.")),
    }
}

/// The caller's unit asked for (or the first); a unit out of reach, or
/// none at all, is refused and traced.
async fn chosen_unit(
    state: &AppState,
    conn: &mut PgConnection,
    principal: &Principal,
    unit: Option<Uuid>,
) -> Result<(CallerUnit, Vec<(Uuid, String)>), AppError> {
    let mut units = caller_units(&mut *conn, principal).await?;
    let list = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let at = match unit {
        Some(u) => units.iter().position(|r| r.id == u),
        None => (!units.is_empty()).then_some(0),
    };
    match at {
        Some(i) => Ok((units.swap_remove(i), list)),
        None => Err(deny(
            state,
            principal,
            None,
            Section::Soins.code(),
            Action::Read.code(),
        )
        .await),
    }
}

/// Reads the round, traces one read per person shown, and leaves the
/// transaction open for the caller to commit (with a closing, if any).
async fn read_round(
    conn: &mut PgConnection,
    principal: &Principal,
    unit: CallerUnit,
    units: Vec<(Uuid, String)>,
    slot: Slot,
    day: NaiveDate,
) -> Result<DoseRound, AppError> {
    let shown = round_persons(&mut *conn, principal, unit.id, day).await?;
    let ids: Vec<Uuid> = shown.iter().map(|p| p.id).collect();
    let (lines, mut due) = doses(&mut *conn, principal, &ids, day, &[slot]).await?;
    let mut persons = Vec::with_capacity(shown.len());
    for p in shown {
        let doses: Vec<RoundDose> = due
            .iter()
            .filter(|(u, _, _)| *u == p.id)
            .map(|(_, _, d)| d.clone())
            .collect();
        due.retain(|(u, _, _)| *u != p.id);
        let as_needed = if day == time::today_paris() {
            as_needed_of(&mut *conn, principal, &lines, p.id).await?
        } else {
            Vec::new()
        };
        persons.push(DosePerson {
            usager_id: p.id,
            birth_date: time::short_date(p.birth_date),
            photo: p.photo,
            allergies: allergies_of(&mut *conn, p.id).await?,
            absence: p.absence_words(),
            name: p.name,
            doses,
            as_needed,
        });
    }
    let all: Vec<&RoundDose> = persons.iter().flat_map(|p| &p.doses).collect();
    let done = all.iter().filter(|d| d.outcome.is_some()).count();
    let closed = sqlx::query!(
        r#"SELECT c.closed_at AS "at: DateTime<Utc>", a.first_name || ' ' || upper(a.last_name) AS "by!"
           FROM dose_round_closure c JOIN account a ON a.id = c.closed_by
           WHERE c.unit_id = $1 AND c.day = $2 AND c.slot = $3"#,
        unit.id,
        day as _,
        slot.code()
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading a round's closing")
    .map_err(db_error)?
    .map(|c| format!("Clôturée le {} par {}", time::date_time(c.at), c.by));
    let now = Utc::now();
    let round = DoseRound {
        unit_id: unit.id,
        unit: unit.name,
        units,
        slot: slot.code().into(),
        day: day.to_string(),
        title: format!("{} du {}", slot.label(), time::long_date(day)),
        done,
        due: all.len(),
        persons,
        closed,
        may_write: profession_may(&mut *conn, principal, Section::Soins, Action::Write).await?,
        nurse: principal.profession.is_some_and(nursing),
        read_at: now.to_rfc3339(),
        read_at_time: time::hour_minute(now),
    };
    append_list_reads(&mut *conn, principal, ids, Section::Soins, "distribution").await?;
    Ok(round)
}

pub async fn get_dose_round(
    unit: Option<Uuid>,
    slot: String,
    day: String,
) -> Result<DoseRound, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Soins, Action::Read).await?;
    let slot = parse_slot(&slot)?.unwrap_or_else(|| Slot::of_time(time::now_paris().time()));
    let day = match day.trim() {
        "" => time::today_paris(),
        d => validate::date("day", "Jour", d)?,
    };
    let mut tx = state.begin().await?;
    let (unit, units) = chosen_unit(&state, &mut tx, &principal, unit).await?;
    let round = read_round(&mut tx, &principal, unit, units, slot, day).await?;
    tx.commit()
        .await
        .context("tracing the medication round")
        .map_err(db_error)?;
    Ok(round)
}

pub async fn close_dose_round(
    unit: Uuid,
    slot: String,
    day: String,
) -> Result<DoseRound, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Soins, Action::Write).await?;
    let slot = parse_slot(&slot)?
        .ok_or_else(|| AppError::invalid("slot", "Choisissez matin, midi, soir ou coucher."))?;
    let day = validate::date("day", "Jour", &day)?;
    let mut tx = state.begin().await?;
    let (unit, units) = chosen_unit(&state, &mut tx, &principal, Some(unit)).await?;
    // One closing at a time per round: the doses are counted under the lock.
    sqlx::query!("SELECT id FROM unit WHERE id = $1 FOR UPDATE", unit.id)
        .fetch_one(&mut *tx)
        .await
        .context("locking the unit's round")
        .map_err(db_error)?;
    let unit_id = unit.id;
    let round = read_round(&mut tx, &principal, unit, units, slot, day).await?;
    if round.closed.is_some() {
        // Closed already (by this tablet's retry, or another): nothing to do.
        tx.commit()
            .await
            .context("tracing the medication round")
            .map_err(db_error)?;
        return Ok(round);
    }
    let missing = round.due - round.done;
    if missing > 0 {
        return Err(AppError::invalid(
            "round",
            &format!(
                "La tournée ne peut pas être clôturée : {missing} prise(s) sans issue. \
                 Notez pour chacune ce qu’il en est (donné, refusé, absent, reporté…)."
            ),
        ));
    }
    sqlx::query!(
        "INSERT INTO dose_round_closure (unit_id, day, slot, organisation_id, doses, closed_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        unit_id,
        day as _,
        slot.code(),
        principal.organisation_id,
        round.due as i32,
        principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("closing a medication round")
    .map_err(db_error)?;
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(format!("distribution:{unit_id}:{day}:{}", slot.code())),
            ..AuditEvent::by(
                &principal,
                None,
                Section::Soins.code(),
                Action::Write.code(),
            )
        },
    )
    .await
    .map_err(db_error)?;
    let (unit, units) = chosen_unit(&state, &mut tx, &principal, Some(unit_id)).await?;
    let round = read_round(&mut tx, &principal, unit, units, slot, day).await?;
    tx.commit()
        .await
        .context("committing a round's closing")
        .map_err(db_error)?;
    Ok(round)
}

fn notice(name: &str, usager: Uuid, slot: Slot, d: &RoundDose, what: String) -> DoseNotice {
    DoseNotice {
        usager_id: usager,
        usager: name.to_string(),
        drug: d.drug.clone(),
        when: format!("{} ({})", slot.label(), d.time),
        what,
    }
}

/// Today's doses of the caller's units: `(unit, persons' names, doses)`.
async fn today(
    conn: &mut PgConnection,
    principal: &Principal,
) -> Result<
    Vec<(
        CallerUnit,
        Vec<(Uuid, String)>,
        Vec<(Uuid, Slot, RoundDose)>,
    )>,
    AppError,
> {
    let day = time::today_paris();
    let mut out = Vec::new();
    for unit in caller_units(&mut *conn, principal).await? {
        let persons = round_persons(&mut *conn, principal, unit.id, day).await?;
        let ids: Vec<Uuid> = persons.iter().map(|p| p.id).collect();
        let (_, due) = doses(&mut *conn, principal, &ids, day, &Slot::ALL).await?;
        let names = persons.into_iter().map(|p| (p.id, p.name)).collect();
        out.push((unit, names, due));
    }
    Ok(out)
}

pub async fn rounds_of_the_day() -> Result<DayOverview, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Soins, Action::Read).await?;
    let mut tx = state.begin().await?;
    let day = time::today_paris();
    let closed = sqlx::query!(
        r#"SELECT unit_id, slot FROM dose_round_closure WHERE organisation_id = $1 AND day = $2"#,
        principal.organisation_id,
        day as _
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading today's closed rounds")
    .map_err(db_error)?;
    let mut overview = DayOverview {
        day: time::long_date(day),
        rounds: Vec::new(),
        late: Vec::new(),
        not_taken: Vec::new(),
    };
    let mut traced = Vec::new();
    for (unit, names, due) in today(&mut tx, &principal).await? {
        let name_of = |u: Uuid| {
            names
                .iter()
                .find(|(id, _)| *id == u)
                .map(|(_, n)| n.as_str())
                .unwrap_or_default()
        };
        for slot in Slot::ALL {
            let in_slot: Vec<&(Uuid, Slot, RoundDose)> =
                due.iter().filter(|(_, s, _)| *s == slot).collect();
            if in_slot.is_empty() {
                continue;
            }
            let not_taken = |d: &RoundDose| {
                d.outcome
                    .as_deref()
                    .and_then(Outcome::parse)
                    .is_some_and(|o| !o.taken())
            };
            overview.rounds.push(RoundState {
                unit_id: unit.id,
                unit: unit.name.clone(),
                slot: slot.code().into(),
                done: in_slot
                    .iter()
                    .filter(|(_, _, d)| d.outcome.is_some())
                    .count(),
                due: in_slot.len(),
                late: in_slot.iter().filter(|(_, _, d)| d.late).count(),
                not_taken: in_slot.iter().filter(|(_, _, d)| not_taken(d)).count(),
                closed: closed
                    .iter()
                    .any(|c| c.unit_id == unit.id && c.slot == slot.code()),
            });
            for (u, s, d) in in_slot {
                if d.late && overview.late.len() < NOTICES {
                    overview.late.push(notice(
                        name_of(*u),
                        *u,
                        *s,
                        d,
                        "En retard : pas encore notée".into(),
                    ));
                    traced.push(*u);
                }
                if not_taken(d) && overview.not_taken.len() < NOTICES {
                    let what = d.summary.clone().unwrap_or_default();
                    overview
                        .not_taken
                        .push(notice(name_of(*u), *u, *s, d, what));
                    traced.push(*u);
                }
            }
        }
    }
    traced.sort();
    traced.dedup();
    append_list_reads(
        &mut tx,
        &principal,
        traced,
        Section::Soins,
        "distribution_jour",
    )
    .await?;
    tx.commit()
        .await
        .context("tracing the day's rounds")
        .map_err(db_error)?;
    Ok(overview)
}

/// The doses of the caller's units still without outcome an hour after
/// they were due today (the home page, for those who read soins), each
/// person traced as a read.
pub(crate) async fn late_doses(
    conn: &mut PgConnection,
    principal: &Principal,
) -> Result<Vec<DoseNotice>, AppError> {
    let mut late = Vec::new();
    for (_, names, due) in today(&mut *conn, principal).await? {
        for (u, s, d) in due.iter().filter(|(_, _, d)| d.late) {
            let name = names
                .iter()
                .find(|(id, _)| id == u)
                .map(|(_, n)| n.as_str())
                .unwrap_or_default();
            late.push(notice(
                name,
                *u,
                *s,
                d,
                "En retard : pas encore notée".into(),
            ));
        }
    }
    late.truncate(NOTICES);
    append_list_reads(
        &mut *conn,
        principal,
        late.iter().map(|l| l.usager_id),
        Section::Soins,
        "prises_en_retard",
    )
    .await?;
    Ok(late)
}

//! Recurring care tasks and the round of a shift: what is due, for whom,
//! and what was done of it (once per task and time due, whichever tablet
//! says it first).

use super::*;
use crate::access::server::{deny, profession_may};
use crate::soins::schedule::{Schedule, Shift, ShiftTimes};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// How far back an outcome may still be recorded, and how far ahead.
const RECORD_BACK_DAYS: i64 = 7;
const RECORD_AHEAD_HOURS: i64 = 12;
/// A task still due this long past its time is late.
const LATE_AFTER_MINUTES: i64 = 60;

/// The time a task was due, as the page sends it (`AAAA-MM-JJTHH:MM`,
/// Paris), as an instant.
pub(crate) fn due_time(text: &str) -> Result<DateTime<Utc>, AppError> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::invalid("due", "Heure du soin illisible."))?;
    Ok(time::at_paris(local.date(), local.time()))
}

fn due_key(local: NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M").to_string()
}

/// A task as stored.
struct TaskRow {
    id: Uuid,
    usager_id: Uuid,
    label: String,
    instructions: Option<String>,
    measure: bool,
    rule: String,
    every: i32,
    times: Vec<String>,
    starts_on: NaiveDate,
    professions: Vec<String>,
}

impl TaskRow {
    fn schedule(&self) -> Option<Schedule> {
        Some(Schedule {
            rule: schedule::Rule::parse(&self.rule)?,
            every: u32::try_from(self.every).ok()?,
            times: self
                .times
                .iter()
                .filter_map(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
                .collect(),
            starts_on: self.starts_on,
        })
        .filter(|s| !s.times.is_empty())
    }

    fn may_do(&self, p: &Principal) -> bool {
        self.professions.is_empty()
            || p.profession
                .is_some_and(|pr| self.professions.iter().any(|c| c == pr.code()))
    }
}

/// An outcome as stored.
struct DoneRow {
    task_id: Uuid,
    due_at: DateTime<Utc>,
    done: bool,
    reason: Option<String>,
    comment: Option<String>,
    recorded_at: DateTime<Utc>,
    by: String,
}

fn outcome_words(d: &DoneRow) -> String {
    let comment = d
        .comment
        .as_deref()
        .map(|c| format!(" — {c}"))
        .unwrap_or_default();
    if d.done {
        format!(
            "Fait à {} par {}{comment}",
            time::hour_minute(d.recorded_at),
            d.by
        )
    } else {
        format!(
            "Non fait ({}) — noté à {} par {}{comment}",
            NotDone::label_of(d.reason.as_deref().unwrap_or("autre")).to_lowercase(),
            time::hour_minute(d.recorded_at),
            d.by
        )
    }
}

fn round_task(
    t: &TaskRow,
    due: NaiveDateTime,
    done: Option<&DoneRow>,
    now: NaiveDateTime,
    may_do: bool,
) -> RoundTask {
    RoundTask {
        task_id: t.id,
        label: t.label.clone(),
        instructions: t.instructions.clone(),
        measure: t.measure,
        due: due_key(due),
        time: due.format("%H:%M").to_string(),
        late: done.is_none() && now - due > chrono::Duration::minutes(LATE_AFTER_MINUTES),
        done: done.map(|d| d.done),
        outcome: done.map(outcome_words),
        may_do,
    }
}

async fn task_rows(
    conn: &mut PgConnection,
    usagers: &[Uuid],
    only: Option<Uuid>,
) -> Result<Vec<TaskRow>, AppError> {
    sqlx::query_as!(
        TaskRow,
        r#"SELECT id, usager_id, label, instructions, measure, rule, every, times, starts_on AS "starts_on: NaiveDate",
                  professions
           FROM care_task WHERE usager_id = ANY($1) AND ended_at IS NULL AND ($2::uuid IS NULL OR id = $2)
           ORDER BY usager_id, label"#,
        usagers,
        only
    )
    .fetch_all(conn)
    .await
    .context("reading care tasks")
    .map_err(db_error)
}

async fn done_rows(
    conn: &mut PgConnection,
    usagers: &[Uuid],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<DoneRow>, AppError> {
    sqlx::query_as!(
        DoneRow,
        r#"SELECT d.task_id, d.due_at AS "due_at: DateTime<Utc>", d.done, d.reason, d.comment,
                  d.recorded_at AS "recorded_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "by!"
           FROM care_done d JOIN account a ON a.id = d.recorded_by
           WHERE d.usager_id = ANY($1) AND d.due_at >= $2 AND d.due_at < $3"#,
        usagers,
        from as _,
        to as _
    )
    .fetch_all(conn)
    .await
    .context("reading what the rounds did")
    .map_err(db_error)
}

/// The tasks due in `[from, to)` (Paris wall-clock) with what was done.
async fn due_tasks(
    conn: &mut PgConnection,
    principal: &Principal,
    usagers: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(Uuid, RoundTask)>, AppError> {
    let tasks = task_rows(conn, usagers, None).await?;
    let (from_utc, to_utc) = (
        time::at_paris(from.date(), from.time()),
        time::at_paris(to.date(), to.time()),
    );
    let done = done_rows(conn, usagers, from_utc, to_utc).await?;
    let now = time::now_paris();
    let mut out = Vec::new();
    for t in &tasks {
        let Some(s) = t.schedule() else { continue };
        for due in s.due_between(from, to) {
            let at = time::at_paris(due.date(), due.time());
            let d = done.iter().find(|d| d.task_id == t.id && d.due_at == at);
            out.push((t.usager_id, round_task(t, due, d, now, t.may_do(principal))));
        }
    }
    out.sort_by(|a, b| a.1.due.cmp(&b.1.due).then(a.1.label.cmp(&b.1.label)));
    Ok(out)
}

/// The care tasks of a person: in force first, then ended ones.
pub(crate) async fn tasks_of(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<CareTaskView>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.id, t.label, t.instructions, t.measure, t.rule, t.every, t.times,
                  t.starts_on AS "starts_on: NaiveDate", t.professions,
                  t.created_at AS "created_at: DateTime<Utc>", c.first_name || ' ' || c.last_name AS "created_by!",
                  t.ended_at AS "ended_at: DateTime<Utc>", t.end_reason, e.first_name || ' ' || e.last_name AS "ended_by?"
           FROM care_task t JOIN account c ON c.id = t.created_by LEFT JOIN account e ON e.id = t.ended_by
           WHERE t.usager_id = $1
           ORDER BY t.ended_at IS NOT NULL, t.ended_at DESC, t.label LIMIT 100"#,
        id
    )
    .fetch_all(conn)
    .await
    .context("reading a person's care tasks")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let row = TaskRow {
                id: r.id,
                usager_id: id,
                label: r.label.clone(),
                instructions: None,
                measure: r.measure,
                rule: r.rule,
                every: r.every,
                times: r.times,
                starts_on: r.starts_on,
                professions: r.professions.clone(),
            };
            CareTaskView {
                id: r.id,
                label: r.label,
                instructions: r.instructions,
                measure: r.measure,
                schedule: row.schedule().map(|s| s.words()).unwrap_or_default(),
                who: Who::of(&r.professions).label().to_string(),
                set_by: format!(
                    "Prévu par {} le {}",
                    r.created_by,
                    time::date_time(r.created_at)
                ),
                ended: r.ended_at.map(|at| {
                    format!(
                        "Arrêté le {} par {} : {}",
                        time::date_time(at),
                        r.ended_by.clone().unwrap_or_default(),
                        r.end_reason.clone().unwrap_or_default()
                    )
                }),
            }
        })
        .collect())
}

/// The task must be this person's, in force, and the caller's profession
/// one of those it names.
pub(crate) async fn check_task(
    conn: &mut PgConnection,
    principal: &Principal,
    id: Uuid,
    task_id: Uuid,
    measure: bool,
) -> Result<Schedule, AppError> {
    let task = task_rows(conn, &[id], Some(task_id))
        .await?
        .pop()
        .ok_or_else(|| {
            AppError::invalid("task_id", "Ce soin n’est plus prévu pour cette personne.")
        })?;
    if !task.may_do(principal) {
        return Err(AppError::invalid(
            "task_id",
            &format!(
                "Ce soin est réservé : {}.",
                Who::of(&task.professions).label().to_lowercase()
            ),
        ));
    }
    if measure && !task.measure {
        return Err(AppError::invalid(
            "task_id",
            "Ce soin n’est pas une prise de mesures.",
        ));
    }
    task.schedule().ok_or_else(|| {
        crate::state::internal(anyhow::anyhow!("care task {task_id} has no schedule"))
    })
}

pub async fn plan_care(id: Uuid, input: CareTaskInput) -> Result<Vec<CareTaskView>, AppError> {
    // Care is planned by those who hold the médical section (infirmier,
    // médecin in the matrix that ships).
    let e = enter(id, Section::Medical, Action::Write).await?;
    let label = validate::required("label", "Soin", &input.label, 200)?;
    let instructions = validate::optional("instructions", "Consignes", &input.instructions, 2000)?;
    let starts_on = match input.starts_on.trim() {
        "" => time::today_paris(),
        d => validate::date("starts_on", "À partir du", d)?,
    };
    let schedule = Schedule::parse(&input.rule, &input.every, &input.times, starts_on)?;
    let who = match input.who.trim() {
        "" => Who::Equipe,
        w => Who::parse(w)
            .ok_or_else(|| AppError::invalid("who", "Choisissez qui peut faire ce soin."))?,
    };
    let times: Vec<String> = schedule
        .times
        .iter()
        .map(|t| t.format("%H:%M").to_string())
        .collect();
    let professions: Vec<String> = who.professions().iter().map(|p| p.to_string()).collect();
    let mut tx = e.state.begin().await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO care_task (id, organisation_id, usager_id, label, instructions, measure, rule, every, times,
                                  starts_on, professions, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (id) DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        label,
        instructions,
        input.measure,
        schedule.rule.code(),
        schedule.every as i32,
        &times,
        starts_on as _,
        &professions,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("planning a care task")
    .map_err(db_error)?;
    if inserted.is_none() {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND created_by = $3 AS "same!" FROM care_task WHERE id = $1"#,
                input.id,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried care task")
            .map_err(db_error)?,
        )?;
    }
    let list = tasks_of(&mut tx, id).await?;
    e.access.commit(tx, Some(input.id.to_string())).await?;
    Ok(list)
}

pub async fn end_care(
    id: Uuid,
    task_id: Uuid,
    reason: String,
) -> Result<Vec<CareTaskView>, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let reason = validate::required("reason", "Motif", &reason, 500)?;
    let mut tx = e.state.begin().await?;
    let ended = sqlx::query_scalar!(
        r#"SELECT ended_at IS NOT NULL AS "ended!" FROM care_task WHERE id = $1 AND usager_id = $2 FOR UPDATE"#,
        task_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding the care task to end")
    .map_err(db_error)?;
    match ended {
        None => return Err(AppError::NotFound),
        Some(true) => return Err(AppError::Conflict),
        Some(false) => {}
    }
    sqlx::query!(
        "UPDATE care_task SET ended_at = now(), ended_by = $2, end_reason = $3 WHERE id = $1",
        task_id,
        e.principal.account_id,
        reason
    )
    .execute(&mut *tx)
    .await
    .context("ending a care task")
    .map_err(db_error)?;
    let list = tasks_of(&mut tx, id).await?;
    e.access.commit(tx, Some(task_id.to_string())).await?;
    Ok(list)
}

pub async fn record_care(id: Uuid, input: CareOutcomeInput) -> Result<CareOutcome, AppError> {
    let e = enter(id, Section::Soins, Action::Write).await?;
    let due = due_time(&input.due)?;
    let now = Utc::now();
    if due > now + chrono::Duration::hours(RECORD_AHEAD_HOURS) {
        return Err(AppError::invalid(
            "due",
            "Ce soin est prévu plus tard : il ne peut pas encore être noté.",
        ));
    }
    if due < now - chrono::Duration::days(RECORD_BACK_DAYS) {
        return Err(AppError::invalid(
            "due",
            "Un soin de plus de 7 jours ne peut plus être noté.",
        ));
    }
    let reason = if input.done {
        None
    } else {
        Some(NotDone::parse(&input.reason).ok_or_else(|| {
            AppError::invalid("reason", "Dites pourquoi le soin n’a pas été fait.")
        })?)
    };
    let comment = validate::optional("comment", "Commentaire", &input.comment, 500)?;
    if reason == Some(NotDone::Autre) && comment.is_none() {
        return Err(AppError::invalid(
            "comment",
            "Précisez la raison dans le commentaire.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let schedule = check_task(&mut tx, &e.principal, id, input.task_id, false).await?;
    let local = time::paris_local(due);
    if schedule
        .due_between(local, local + chrono::Duration::minutes(1))
        .is_empty()
    {
        return Err(AppError::invalid(
            "due",
            "Ce soin n’est pas prévu à cette heure.",
        ));
    }
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO care_done (id, organisation_id, usager_id, task_id, due_at, done, reason, comment, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        input.task_id,
        due as _,
        input.done,
        reason.map(NotDone::code),
        comment,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("recording a care outcome")
    .map_err(db_error)?;
    // Not written: this key's retry (same author), or another tablet first.
    let other = match inserted {
        Some(_) => false,
        None => {
            let mine = sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND recorded_by = $3 AND task_id = $4 AS "same!" FROM care_done WHERE id = $1"#,
                input.id,
                id,
                e.principal.account_id,
                input.task_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried care outcome")
            .map_err(db_error)?;
            match mine {
                Some(same) => {
                    replayed(Some(same))?;
                    false
                }
                None => true,
            }
        }
    };
    let task = task_rows(&mut tx, &[id], Some(input.task_id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let done = done_rows(&mut tx, &[id], due, due + chrono::Duration::seconds(1)).await?;
    let v = round_task(
        &task,
        local,
        done.iter().find(|d| d.task_id == input.task_id),
        time::now_paris(),
        true,
    );
    e.access.commit(tx, Some(input.task_id.to_string())).await?;
    Ok(CareOutcome { task: v, other })
}

/// The shift starts of an établissement.
async fn shift_times(conn: &mut PgConnection, etablissement: Uuid) -> Result<ShiftTimes, AppError> {
    let rows = sqlx::query!(
        r#"SELECT shift, starts AS "starts: NaiveTime" FROM shift_time WHERE etablissement_id = $1"#,
        etablissement
    )
    .fetch_all(conn)
    .await
    .context("reading the shift times")
    .map_err(db_error)?;
    let mut times = ShiftTimes::default();
    for r in rows {
        if let Some(i) =
            Shift::parse(&r.shift).and_then(|s| Shift::ALL.iter().position(|x| *x == s))
        {
            times.0[i] = r.starts;
        }
    }
    Ok(times)
}

/// A unit the caller works in.
pub(crate) struct CallerUnit {
    pub id: Uuid,
    pub etablissement_id: Uuid,
    /// "FAM Les Tilleuls — Unité A".
    pub name: String,
}

/// The units of the caller's current assignments, by name.
pub(crate) async fn caller_units(
    conn: &mut PgConnection,
    principal: &Principal,
) -> Result<Vec<CallerUnit>, AppError> {
    sqlx::query_as!(
        CallerUnit,
        r#"SELECT DISTINCT un.id, un.etablissement_id, e.name || ' — ' || un.name AS "name!"
           FROM current_assignment s
           JOIN unit un ON un.etablissement_id = s.etablissement_id AND assignment_covers(s.unit_id, un.id)
           JOIN etablissement e ON e.id = un.etablissement_id
           WHERE s.account_id = $1
           ORDER BY 3"#,
        principal.account_id
    )
    .fetch_all(conn)
    .await
    .context("listing the caller's units")
    .map_err(db_error)
}

/// A person of a unit's round, present or not.
pub(crate) struct UnitPerson {
    pub id: Uuid,
    pub name: String,
    pub birth_date: NaiveDate,
    /// The `AbsenceReason` code of an absence covering the day.
    pub absence: Option<String>,
    pub photo: Option<Uuid>,
    pub alert: Option<String>,
}

impl UnitPerson {
    /// "Absent(e) : hospitalisation".
    pub fn absence_words(&self) -> Option<String> {
        self.absence.as_deref().map(|r| {
            format!(
                "Absent(e) : {}",
                crate::agenda::AbsenceReason::label_of(r).to_lowercase()
            )
        })
    }
}

/// The persons accompanied by a unit whose soins the caller reads (the
/// matrix said Soins; each person's own rules say the rest), by name.
pub(crate) async fn round_persons(
    conn: &mut PgConnection,
    principal: &Principal,
    unit_id: Uuid,
    day: NaiveDate,
) -> Result<Vec<UnitPerson>, AppError> {
    let people = sqlx::query_as!(
        UnitPerson,
        r#"SELECT u.id, u.used_first_name || ' ' || upper(u.used_last_name) AS "name!",
                  u.birth_date AS "birth_date: NaiveDate",
                  (SELECT ab.reason FROM absence ab WHERE ab.usager_id = u.id AND ab.start_date <= $2
                     AND (ab.end_date IS NULL OR ab.end_date >= $2) ORDER BY ab.start_date DESC LIMIT 1) AS absence,
                  (SELECT d.id FROM document d WHERE d.usager_id = u.id AND d.kind = 'photo_identite'
                     AND d.media_type LIKE 'image/%' ORDER BY d.uploaded_at DESC LIMIT 1) AS photo,
                  (SELECT al.label FROM news2_alert al WHERE al.usager_id = u.id AND al.acknowledged_at IS NULL
                     ORDER BY al.raised_at DESC LIMIT 1) AS alert
           FROM current_accompagnement ac JOIN usager u ON u.id = ac.usager_id
           WHERE ac.unit_id = $1
           ORDER BY u.used_last_name, u.used_first_name"#,
        unit_id,
        day as _
    )
    .fetch_all(&mut *conn)
    .await
    .context("listing the unit's persons")
    .map_err(db_error)?;
    let mut shown = Vec::with_capacity(people.len());
    for p in people {
        if may(&mut *conn, principal, p.id, Section::Soins, Action::Read).await? {
            shown.push(p);
        }
    }
    Ok(shown)
}

pub async fn get_round(unit: Option<Uuid>, shift: String, day: String) -> Result<Round, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Soins, Action::Read).await?;
    let shift =
        match shift.trim() {
            "" => None,
            s => Some(Shift::parse(s).ok_or_else(|| {
                AppError::invalid("shift", "Choisissez matin, après-midi ou nuit.")
            })?),
        };
    let day = match day.trim() {
        "" => None,
        d => Some(validate::date("day", "Jour", d)?),
    };
    let mut tx = state.begin().await?;
    let units = caller_units(&mut tx, &principal).await?;
    let chosen = match unit {
        Some(u) => units.iter().find(|r| r.id == u),
        None => units.first(),
    };
    let Some(chosen) = chosen else {
        drop(tx);
        // A unit out of reach is refused and traced; no unit at all too.
        return Err(deny(
            &state,
            &principal,
            None,
            Section::Soins.code(),
            Action::Read.code(),
        )
        .await);
    };
    let (unit_id, etablissement) = (chosen.id, chosen.etablissement_id);
    let times = shift_times(&mut tx, etablissement).await?;
    let (shift, day) = match (shift, day) {
        (Some(s), Some(d)) => (s, d),
        (s, d) => {
            let (cs, cd) = times.current(time::now_paris());
            (s.unwrap_or(cs), d.unwrap_or(cd))
        }
    };
    let (from, to) = times.window(shift, day);
    let shown = round_persons(&mut tx, &principal, unit_id, day).await?;
    let ids: Vec<Uuid> = shown.iter().map(|p| p.id).collect();
    let mut due = due_tasks(&mut tx, &principal, &ids, from, to).await?;
    let mut persons = Vec::with_capacity(shown.len());
    for p in shown {
        let tasks: Vec<RoundTask> = due
            .iter()
            .filter(|(u, _)| *u == p.id)
            .map(|(_, t)| t.clone())
            .collect();
        due.retain(|(u, _)| *u != p.id);
        let absence = p.absence_words();
        persons.push(RoundPerson {
            usager_id: p.id,
            name: p.name,
            birth_date: time::short_date(p.birth_date),
            photo: p.photo,
            allergies: allergies_of(&mut tx, p.id).await?,
            absence,
            alert: p.alert,
            tasks,
        });
    }
    let may_write = profession_may(&mut tx, &principal, Section::Soins, Action::Write).await?;
    append_list_reads(&mut tx, &principal, ids, Section::Soins, "tournee").await?;
    tx.commit()
        .await
        .context("tracing the round")
        .map_err(db_error)?;
    Ok(Round {
        unit_id,
        unit: chosen.name.clone(),
        units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        shift: shift.code().into(),
        day: day.to_string(),
        title: format!(
            "{} du {}, {} – {}",
            shift.label(),
            time::long_date(day),
            from.format("%H:%M"),
            to.format("%H:%M")
        ),
        persons,
        may_write,
    })
}

/// The tasks of the caller's perimeter still due an hour past their time,
/// within the last day (the home page, for those who read soins), each
/// person traced as a read.
pub(crate) async fn late_tasks(
    tx: &mut PgConnection,
    principal: &Principal,
) -> Result<Vec<LateTask>, AppError> {
    let mine = sqlx::query!(
        r#"SELECT DISTINCT t.usager_id AS "id!", u.used_first_name || ' ' || upper(u.used_last_name) AS "name!"
           FROM care_task t
           JOIN current_perimeter p ON p.usager_id = t.usager_id AND p.account_id = $1
           JOIN usager u ON u.id = t.usager_id
           WHERE t.ended_at IS NULL AND t.organisation_id = $2"#,
        principal.account_id,
        principal.organisation_id
    )
    .fetch_all(&mut *tx)
    .await
    .context("finding the care tasks of the caller's perimeter")
    .map_err(db_error)?;
    // The caller checked the matrix (Soins read) and the join is the
    // perimeter: `decide` would say yes for each of them.
    let readable = mine;
    let ids: Vec<Uuid> = readable.iter().map(|p| p.id).collect();
    let now = time::now_paris();
    let due = due_tasks(
        &mut *tx,
        principal,
        &ids,
        now - chrono::Duration::days(1),
        now - chrono::Duration::minutes(LATE_AFTER_MINUTES),
    )
    .await?;
    let late: Vec<LateTask> = due
        .into_iter()
        .filter(|(_, t)| t.done.is_none())
        .map(|(u, t)| LateTask {
            usager_id: u,
            usager: readable
                .iter()
                .find(|p| p.id == u)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            label: t.label,
            time: t.time,
        })
        .take(100)
        .collect();
    append_list_reads(
        &mut *tx,
        principal,
        late.iter().map(|l| l.usager_id),
        Section::Soins,
        "soins_en_retard",
    )
    .await?;
    Ok(late)
}

async fn settings(
    conn: &mut PgConnection,
    organisation: Uuid,
) -> Result<Vec<ShiftPlace>, AppError> {
    let places = sqlx::query!(
        "SELECT id, name FROM etablissement WHERE organisation_id = $1 ORDER BY name",
        organisation
    )
    .fetch_all(&mut *conn)
    .await
    .context("listing the établissements")
    .map_err(db_error)?;
    let mut out = Vec::with_capacity(places.len());
    for p in places {
        out.push(ShiftPlace {
            etablissement_id: p.id,
            name: p.name,
            starts: shift_times(&mut *conn, p.id).await?.texts(),
        });
    }
    Ok(out)
}

pub async fn shift_settings() -> Result<Vec<ShiftPlace>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    crate::access::server::require_administrator(&state, &principal).await?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .context("acquiring a connection for the shift times")
        .map_err(db_error)?;
    settings(&mut conn, principal.organisation_id).await
}

pub async fn set_shift_times(
    etablissement_id: Uuid,
    matin: String,
    apres_midi: String,
    nuit: String,
) -> Result<Vec<ShiftPlace>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    crate::access::server::require_administrator(&state, &principal).await?;
    let times = ShiftTimes::parse([&matin, &apres_midi, &nuit])?;
    let mut tx = state.begin().await?;
    let known = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM etablissement WHERE id = $1 AND organisation_id = $2) AS "known!""#,
        etablissement_id,
        principal.organisation_id
    )
    .fetch_one(&mut *tx)
    .await
    .context("finding the établissement")
    .map_err(db_error)?;
    if !known {
        return Err(AppError::NotFound);
    }
    for (shift, starts) in Shift::ALL.into_iter().zip(times.0) {
        sqlx::query!(
            r#"INSERT INTO shift_time (etablissement_id, organisation_id, shift, starts) VALUES ($1, $2, $3, $4)
               ON CONFLICT (etablissement_id, shift) DO UPDATE SET starts = $4"#,
            etablissement_id,
            principal.organisation_id,
            shift.code(),
            starts as _
        )
        .execute(&mut *tx)
        .await
        .context("setting a shift time")
        .map_err(db_error)?;
    }
    // Traced like a change of rights, with the new times.
    crate::access::server::append(
        &mut tx,
        &crate::access::server::AuditEvent {
            object_id: Some(format!(
                "horaires:{etablissement_id}:{}",
                times.texts().join(",")
            )),
            ..crate::access::server::AuditEvent::by(&principal, None, "droits", "write")
        },
    )
    .await
    .map_err(db_error)?;
    let list = settings(&mut tx, principal.organisation_id).await?;
    tx.commit()
        .await
        .context("committing the shift times")
        .map_err(db_error)?;
    Ok(list)
}

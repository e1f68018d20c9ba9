use super::*;
use crate::access::server::{append_list_reads, enter, may, require_list};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::state::{db_error, replayed, AppState};
use crate::{serafin, time, validate};
use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;

struct Row {
    id: Uuid,
    usager_id: Option<Uuid>,
    about: Option<String>,
    kind: String,
    title: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    place: Option<String>,
    external_participants: Option<String>,
    serafin_code: Option<String>,
    participants: Vec<String>,
}

fn week_bounds(week_of: &str) -> Result<(NaiveDate, NaiveDate), AppError> {
    let day = match week_of.trim() {
        "" => time::today_paris(),
        d => validate::date("week_of", "Semaine", d)?,
    };
    let monday = time::monday_of(day);
    Ok((monday, monday + Duration::days(7)))
}

fn week(
    monday: NaiveDate,
    rows: Vec<Row>,
    absences: &[(NaiveDate, Option<NaiveDate>, String)],
) -> (String, Vec<AgendaDay>) {
    let today = time::today_paris();
    let sunday = monday + Duration::days(6);
    let title = format!(
        "Semaine du {} au {}",
        time::short_date(monday),
        time::short_date(sunday)
    );
    let mut days: Vec<AgendaDay> = (0..7)
        .map(|i| {
            let d = monday + Duration::days(i);
            AgendaDay {
                date: d.to_string(),
                label: time::long_date(d),
                today: d == today,
                events: vec![],
                absence: absences
                    .iter()
                    .find(|(s, e, _)| *s <= d && e.is_none_or(|e| e >= d))
                    .map(|(_, _, r)| {
                        format!("Absent(e) : {}", AbsenceReason::label_of(r).to_lowercase())
                    }),
            }
        })
        .collect();
    for r in rows {
        let local = r
            .starts_at
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        let index = (local - monday).num_days();
        if let Some(day) = usize::try_from(index).ok().and_then(|i| days.get_mut(i)) {
            day.events.push(EventView {
                id: r.id,
                kind: EventKind::label_of(&r.kind),
                title: r.title,
                hours: format!(
                    "{} – {}",
                    time::hour_minute(r.starts_at),
                    time::hour_minute(r.ends_at)
                ),
                place: r.place,
                participants: r.participants,
                external_participants: r.external_participants,
                serafin: r
                    .serafin_code
                    .map(|c| format!("{c} — {}", serafin::direct_service(&c).unwrap_or(""))),
                about: r.about,
                usager_id: r.usager_id,
            });
        }
    }
    (title, days)
}

async fn absences_of(
    conn: &mut PgConnection,
    usager_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Option<NaiveDate>, String, Option<String>)>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT start_date AS "start_date: NaiveDate", end_date AS "end_date: NaiveDate", reason, comment
           FROM absence WHERE usager_id = $1 AND start_date < $3 AND (end_date IS NULL OR end_date >= $2)
           ORDER BY start_date"#,
        usager_id,
        from as _,
        to as _
    )
    .fetch_all(conn)
    .await
    .context("loading absences")
    .map_err(db_error)?
    .into_iter()
    .map(|r| (r.start_date, r.end_date, r.reason, r.comment))
    .collect())
}

/// The usager's events starting in `[from, to)`, in order.
async fn events_between(
    conn: &mut PgConnection,
    id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Row>, AppError> {
    sqlx::query_as!(
        Row,
        r#"SELECT e.id, e.usager_id, NULL::text AS about, e.kind, e.title,
                  e.starts_at AS "starts_at: DateTime<Utc>", e.ends_at AS "ends_at: DateTime<Utc>",
                  e.place, e.external_participants, e.serafin_code,
                  ARRAY(SELECT a.first_name || ' ' || a.last_name FROM account a
                        WHERE a.id = ANY(e.staff_participants) ORDER BY 1) AS "participants!"
           FROM agenda_event e
           WHERE e.usager_id = $1 AND e.starts_at >= $2 AND e.starts_at < $3
           ORDER BY e.starts_at"#,
        id,
        time::paris_midnight(from) as _,
        time::paris_midnight(to) as _
    )
    .fetch_all(conn)
    .await
    .context("loading an usager's agenda")
    .map_err(db_error)
}

pub async fn usager_agenda(id: Uuid, week_of: String) -> Result<AgendaWeek, AppError> {
    let e = enter(id, Section::Agenda, Action::Read).await?;
    let (monday, next_monday) = week_bounds(&week_of)?;
    let mut tx = e.state.begin().await?;
    let rows = events_between(&mut tx, id, monday, next_monday).await?;
    let today = time::today_paris();
    let absences = absences_of(
        &mut tx,
        id,
        monday.min(today),
        next_monday.max(today + Duration::days(1)),
    )
    .await?;
    let spans: Vec<_> = absences
        .iter()
        .map(|(s, e, r, _)| (*s, *e, r.clone()))
        .collect();
    let (title, days) = week(monday, rows, &spans);
    let today_status = Some(presence(&spans, today));
    let can_write = may(&mut tx, &e.principal, id, Section::Agenda, Action::Write).await?;
    e.access.commit(tx, Some("agenda".into())).await?;
    Ok(AgendaWeek {
        title,
        previous: (monday - Duration::days(7)).to_string(),
        next: next_monday.to_string(),
        days,
        today_status,
        absences: absences
            .into_iter()
            .filter(|(s, e, _, _)| *s < next_monday && e.is_none_or(|e| e >= monday))
            .map(|(s, e, r, c)| AbsenceView {
                reason: AbsenceReason::label_of(&r),
                period: time::period(s, e),
                comment: c,
            })
            .collect(),
        can_write,
    })
}

/// "Présent(e) aujourd’hui", or the absence in force today and its reason.
fn presence(spans: &[(NaiveDate, Option<NaiveDate>, String)], today: NaiveDate) -> String {
    spans
        .iter()
        .find(|(s, e, _)| *s <= today && e.is_none_or(|e| e >= today))
        .map(|(_, _, r)| {
            format!(
                "Absent(e) aujourd’hui : {}",
                AbsenceReason::label_of(r).to_lowercase()
            )
        })
        .unwrap_or_else(|| "Présent(e) aujourd’hui".to_string())
}

/// Today for the record's overview: whether the person is here, and the
/// day's events. The caller checked the Agenda read and traces it.
pub(crate) async fn today_of(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<(String, Vec<EventView>), AppError> {
    let today = time::today_paris();
    let tomorrow = today + Duration::days(1);
    let rows = events_between(conn, id, today, tomorrow).await?;
    let spans: Vec<_> = absences_of(conn, id, today, tomorrow)
        .await?
        .into_iter()
        .map(|(s, e, r, _)| (s, e, r))
        .collect();
    let monday = time::monday_of(today);
    let (_, days) = week(monday, rows, &spans);
    let events = days
        .into_iter()
        .find(|d| d.today)
        .map(|d| d.events)
        .unwrap_or_default();
    Ok((presence(&spans, today), events))
}

fn hour(field: &str, label: &str, value: &str) -> Result<NaiveTime, AppError> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M").map_err(|_| {
        AppError::invalid(
            field,
            &format!("« {label} » n’est pas une heure valide (HH:MM)."),
        )
    })
}

pub async fn add_event(id: Uuid, form: EventForm) -> Result<(), AppError> {
    let e = enter(id, Section::Agenda, Action::Write).await?;
    if EventKind::parse(&form.kind).is_none() {
        return Err(AppError::invalid("kind", "Choisissez le type d’événement."));
    }
    let title = validate::required("title", "Intitulé", &form.title, 200)?;
    let date = validate::date("date", "Date", &form.date)?;
    let starts = time::at_paris(date, hour("start", "Début", &form.start)?);
    let ends = time::at_paris(date, hour("end", "Fin", &form.end)?);
    if ends <= starts {
        return Err(AppError::invalid(
            "end",
            "L’événement doit finir après son début.",
        ));
    }
    let place = validate::optional("place", "Lieu", &form.place, 200)?;
    let external = validate::optional(
        "external_participants",
        "Participants extérieurs",
        &form.external_participants,
        500,
    )?;
    let serafin = match form.serafin_code.trim() {
        "" => None,
        c if serafin::direct_service(c).is_some() => Some(c.to_string()),
        _ => {
            return Err(AppError::invalid(
                "serafin_code",
                "Ce code de prestation SERAFIN-PH n’existe pas.",
            ))
        }
    };
    let mut tx = e.state.begin().await?;
    // The établissement of the event: the caller's, among those accompanying the person.
    let place_of = sqlx::query!(
        r#"SELECT a.etablissement_id AS "etablissement_id!", a.unit_id FROM current_accompagnement a
           WHERE a.usager_id = $1
           ORDER BY EXISTS (SELECT 1 FROM current_assignment s WHERE s.account_id = $2
                            AND s.etablissement_id = a.etablissement_id) DESC, a.start_date
           LIMIT 1"#,
        id,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding the établissement of an event")
    .map_err(db_error)?
    .ok_or_else(|| {
        AppError::invalid(
            "date",
            "Cette personne n’est plus accompagnée : son agenda est clos.",
        )
    })?;
    let inserted = sqlx::query!(
        r#"INSERT INTO agenda_event (id, organisation_id, usager_id, etablissement_id, unit_id, kind, title,
                                     starts_at, ends_at, place, staff_participants, external_participants,
                                     serafin_code, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ARRAY[$11::uuid], $12, $13, $11)
           ON CONFLICT (id) DO NOTHING"#,
        form.id,
        e.principal.organisation_id,
        id,
        place_of.etablissement_id,
        place_of.unit_id,
        form.kind,
        title,
        starts as _,
        ends as _,
        place,
        e.principal.account_id,
        external,
        serafin
    )
    .execute(&mut *tx)
    .await
    .context("adding an event")
    .map_err(db_error)?;
    if inserted.rows_affected() == 0 {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND created_by = $3 AS "same!" FROM agenda_event WHERE id = $1"#,
                form.id,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried agenda event")
            .map_err(db_error)?,
        )?;
    }
    e.access.commit(tx, Some(form.id.to_string())).await
}

pub async fn record_absence(id: Uuid, form: AbsenceForm) -> Result<(), AppError> {
    let e = enter(id, Section::Agenda, Action::Write).await?;
    if AbsenceReason::parse(&form.reason).is_none() {
        return Err(AppError::invalid(
            "reason",
            "Choisissez le motif de l’absence.",
        ));
    }
    let start = validate::date("start_date", "Début de l’absence", &form.start_date)?;
    let end = validate::optional_date("end_date", "Retour prévu", &form.end_date)?;
    validate::ordered(
        "end_date",
        Some(start),
        end,
        "La fin de l’absence ne peut pas précéder son début.",
    )?;
    let comment = validate::optional("comment", "Commentaire", &form.comment, 500)?;
    let mut tx = e.state.begin().await?;
    let absence_id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO absence (id, organisation_id, usager_id, reason, start_date, end_date, comment, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        absence_id,
        e.principal.organisation_id,
        id,
        form.reason,
        start as _,
        end as _,
        comment,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording an absence")
    .map_err(db_error)?;
    e.access.commit(tx, Some(absence_id.to_string())).await
}

pub async fn unit_agenda(week_of: String) -> Result<AgendaWeek, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Agenda, Action::Read).await?;
    let (monday, next_monday) = week_bounds(&week_of)?;
    let mut tx = state.begin().await?;
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT e.id, e.usager_id,
                  COALESCE(u.used_first_name || ' ' || upper(u.used_last_name), un.name) AS about,
                  e.kind, e.title, e.starts_at AS "starts_at: DateTime<Utc>", e.ends_at AS "ends_at: DateTime<Utc>",
                  e.place, e.external_participants, e.serafin_code,
                  ARRAY(SELECT a.first_name || ' ' || a.last_name FROM account a
                        WHERE a.id = ANY(e.staff_participants) ORDER BY 1) AS "participants!"
           FROM agenda_event e
           LEFT JOIN usager u ON u.id = e.usager_id
           LEFT JOIN unit un ON un.id = e.unit_id
           WHERE e.organisation_id = $1 AND e.starts_at >= $3 AND e.starts_at < $4
             AND CASE WHEN e.usager_id IS NULL THEN
                   EXISTS (SELECT 1 FROM current_assignment s WHERE s.account_id = $2
                           AND s.etablissement_id = e.etablissement_id
                           AND assignment_covers(s.unit_id, e.unit_id))
                 ELSE
                   EXISTS (SELECT 1 FROM current_perimeter p WHERE p.account_id = $2 AND p.usager_id = e.usager_id)
                 END
           ORDER BY e.starts_at"#,
        principal.organisation_id,
        principal.account_id,
        time::paris_midnight(monday) as _,
        time::paris_midnight(next_monday) as _
    )
    .fetch_all(&mut *tx)
    .await
    .context("loading the units' agenda")
    .map_err(db_error)?;
    let shown: Vec<Uuid> = rows.iter().filter_map(|r| r.usager_id).collect();
    append_list_reads(&mut tx, &principal, shown, Section::Agenda, "agenda_unite").await?;
    tx.commit()
        .await
        .context("committing the unit agenda reads")
        .map_err(db_error)?;
    let (title, days) = week(monday, rows, &[]);
    Ok(AgendaWeek {
        title,
        previous: (monday - Duration::days(7)).to_string(),
        next: next_monday.to_string(),
        days,
        today_status: None,
        absences: vec![],
        can_write: false,
    })
}

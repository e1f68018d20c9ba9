//! Prescriptions: read with the soins section (the round needs them), written
//! by those who hold the médical section (infirmier, médecin in the matrix
//! that ships). Lines are never updated in place: a stop records who, when
//! and why; a change stops the line and adds the new one naming it.

use super::super::prescription::{allergy_matches, check_line, format_quantity, CheckedLine};
use super::super::*;
use crate::access::server::{enter, may};
use crate::access::{Action, Section};
use crate::auth::server::Principal;
use crate::state::{db_error, replayed};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

const MAX_REASON: usize = 500;

/// The lines of a person, in force first.
pub(crate) async fn treatments_for(
    conn: &mut PgConnection,
    principal: &Principal,
    id: Uuid,
) -> Result<Treatments, AppError> {
    let rows = sqlx::query!(
        r#"SELECT l.id, l.prescription_id, l.cis, l.drug, l.free_text, l.substances, l.dose_quantity::text AS "dose!",
                  l.dose_unit, l.route, l.slots, l.times AS "times: Vec<chrono::NaiveTime>", l.recurrence, l.weekdays,
                  l.every_n_days, l.starts_on AS "starts_on: NaiveDate", l.ends_on AS "ends_on: NaiveDate",
                  l.as_needed, l.indication, l.min_interval_minutes, l.max_per_day, l.instructions, l.aide_prise,
                  l.high_risk, l.allergy_matches, l.replaces, l.entered_at AS "entered_at: DateTime<Utc>",
                  l.stopped_at AS "stopped_at: DateTime<Utc>", l.stop_reason,
                  p.prescriber, p.prescriber_rpps, p.prescribed_on AS "prescribed_on: NaiveDate", p.document_id,
                  n.first_name || ' ' || n.last_name AS "entered_by!",
                  s.first_name || ' ' || s.last_name AS "stopped_by?"
           FROM prescription_line l
           JOIN prescription p ON p.id = l.prescription_id
           JOIN account n ON n.id = l.entered_by
           LEFT JOIN account s ON s.id = l.stopped_by
           WHERE l.usager_id = $1
           ORDER BY l.stopped_at DESC NULLS FIRST, l.drug, l.position"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading treatments")
    .map_err(db_error)?;
    let may_write = may(conn, principal, id, Section::Medical, Action::Write).await?;
    let (mut in_force, mut stopped) = (Vec::new(), Vec::new());
    for r in rows {
        let edit = (may_write && r.stopped_at.is_none()).then(|| LineInput {
            id: Uuid::new_v4(),
            cis: r.cis.clone().unwrap_or_default(),
            drug: r.drug.clone(),
            dose: r
                .dose
                .trim_end_matches('0')
                .trim_end_matches('.')
                .replace('.', ","),
            unit: r.dose_unit.clone(),
            route: r.route.clone(),
            slots: r.slots.clone(),
            times: r
                .times
                .iter()
                .map(|t| t.format("%H:%M").to_string())
                .collect::<Vec<_>>()
                .join(" "),
            recurrence: r.recurrence.clone(),
            weekdays: r.weekdays.iter().map(|d| *d as u8).collect(),
            every_n_days: r.every_n_days.map(|n| n.to_string()).unwrap_or_default(),
            starts_on: time::today_paris().max(r.starts_on).to_string(),
            ends_on: r.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            as_needed: r.as_needed,
            indication: r.indication.clone().unwrap_or_default(),
            min_interval_hours: r
                .min_interval_minutes
                .map(|m| format_quantity(m as u32 * 1000 / 60))
                .unwrap_or_default(),
            max_per_day: r.max_per_day.map(|n| n.to_string()).unwrap_or_default(),
            instructions: r.instructions.clone().unwrap_or_default(),
            aide_prise: r.aide_prise,
            high_risk: r.high_risk,
        });
        let schedule = if r.as_needed {
            as_needed_words(
                r.indication.as_deref(),
                r.min_interval_minutes,
                r.max_per_day,
            )
        } else {
            prescription::Schedule::stored(
                &r.slots,
                &r.times,
                &r.recurrence,
                &r.weekdays,
                r.every_n_days,
                r.starts_on,
                r.ends_on,
            )
            .describe()
        };
        let view = LineView {
            id: r.id,
            prescription_id: r.prescription_id,
            drug: r.drug,
            free_text: r.free_text,
            substances: r.substances,
            dose: dose_words(&r.dose, &r.dose_unit, &r.route),
            schedule,
            period: time::period(r.starts_on, r.ends_on),
            instructions: r.instructions,
            aide_prise: r.aide_prise,
            high_risk: r.high_risk,
            as_needed: r.as_needed,
            allergy_matches: r.allergy_matches,
            prescribed: format!(
                "{}{}, ordonnance du {}",
                r.prescriber,
                r.prescriber_rpps
                    .map(|n| format!(" (RPPS {n})"))
                    .unwrap_or_default(),
                time::short_date(r.prescribed_on)
            ),
            entered: format!(
                "Saisie le {} par {}",
                time::date_time(r.entered_at),
                r.entered_by
            ),
            stopped: r.stopped_at.map(|at| {
                format!(
                    "Arrêtée le {} par {} : {}",
                    time::date_time(at),
                    r.stopped_by.clone().unwrap_or_default(),
                    r.stop_reason.clone().unwrap_or_default()
                )
            }),
            replaces: r.replaces,
            document_id: r.document_id,
            edit,
        };
        if view.stopped.is_some() {
            stopped.push(view);
        } else {
            in_force.push(view);
        }
    }
    Ok(Treatments {
        in_force,
        stopped,
        may_write,
        source: super::source(conn).await?,
    })
}

/// "1 comprimé(s) — Voie orale", from the stored quantity, unit and route.
pub(super) fn dose_words(quantity: &str, unit: &str, route: &str) -> String {
    format!(
        "{} {} — {}",
        format_quantity(super::super::prescription::parse_quantity(quantity).unwrap_or(0)),
        prescription::DoseUnit::label_of(unit),
        prescription::Route::label_of(route)
    )
}

/// "Si besoin : douleur — au moins 6 h entre deux prises, 4 par 24 h au plus".
pub(super) fn as_needed_words(
    indication: Option<&str>,
    min_interval_minutes: Option<i32>,
    max_per_day: Option<i16>,
) -> String {
    let minutes = min_interval_minutes.unwrap_or(0);
    let interval = if minutes % 60 == 0 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    };
    format!(
        "Si besoin : {} — au moins {interval} entre deux prises, {} par 24 h au plus",
        indication.unwrap_or_default(),
        max_per_day.unwrap_or(0)
    )
}

pub async fn get_treatments(id: Uuid) -> Result<Treatments, AppError> {
    let e = enter(id, Section::Soins, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let t = treatments_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some("traitements".into())).await?;
    Ok(t)
}

/// Checks a line and reads what the BDPM says of its drug: the name as
/// published and the substances (none for a preparation).
async fn checked(
    conn: &mut PgConnection,
    input: &LineInput,
) -> Result<(CheckedLine, Vec<String>), AppError> {
    let cis = input.cis.trim();
    let known = if cis.is_empty() {
        None
    } else {
        sqlx::query!(
            r#"SELECT s.name,
                      coalesce((SELECT array_agg(c.substance ORDER BY c.position) FROM bdpm_composition c
                                WHERE c.cis = s.cis AND c.nature = 'SA'), '{}') AS "substances!"
               FROM bdpm_specialite s WHERE s.cis = $1"#,
            cis
        )
        .fetch_optional(&mut *conn)
        .await
        .context("reading a prescribed drug")
        .map_err(db_error)?
    };
    let mut line = check_line(input, known.is_some())?;
    Ok(match known {
        Some(k) => {
            line.drug = k.name;
            (line, k.substances)
        }
        None => (line, Vec::new()),
    })
}

/// The substances of the allergies in force.
async fn allergies_in_force(conn: &mut PgConnection, id: Uuid) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar!(
        "SELECT substance FROM allergy WHERE usager_id = $1 AND ended IS NULL",
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading allergies for a prescription")
    .map_err(db_error)
}

/// Refuses lines that match an allergy in force unless the author
/// confirmed; gives each line's matches to keep with it.
fn allergy_check(
    allergies: &[String],
    lines: &[(CheckedLine, Vec<String>)],
    confirmed: bool,
) -> Result<Vec<Vec<String>>, AppError> {
    let matches: Vec<Vec<String>> = lines
        .iter()
        .map(|(l, substances)| allergy_matches(allergies, &l.drug, substances))
        .collect();
    if !confirmed {
        if let Some((i, m)) = matches.iter().enumerate().find(|(_, m)| !m.is_empty()) {
            return Err(AppError::invalid(
                "allergies",
                &format!(
                    "Allergie connue : {} ({}). Vérifiez la prescription, puis confirmez pour enregistrer malgré tout.",
                    m.join(", "),
                    lines[i].0.drug
                ),
            ));
        }
    }
    Ok(matches)
}

/// Writes one checked line; `false` if its key was already written (a
/// retried send).
#[allow(clippy::too_many_arguments)]
async fn insert_line(
    conn: &mut PgConnection,
    principal: &Principal,
    id: Uuid,
    prescription_id: Uuid,
    position: i16,
    line: &CheckedLine,
    substances: &[String],
    matches: &[String],
    replaces: Option<Uuid>,
) -> Result<bool, AppError> {
    let s = &line.schedule;
    let slots: Vec<String> = s.slots.iter().map(|x| x.code().to_string()).collect();
    let weekdays: Vec<i16> = s.weekdays.iter().map(|d| i16::from(*d)).collect();
    let dose = format_quantity(line.dose_milli).replace(',', ".");
    let written = sqlx::query_scalar!(
        r#"INSERT INTO prescription_line
             (id, organisation_id, usager_id, prescription_id, position, cis, drug, substances, free_text,
              dose_quantity, dose_unit, route, slots, times, recurrence, weekdays, every_n_days, starts_on, ends_on,
              as_needed, indication, min_interval_minutes, max_per_day, instructions, aide_prise, high_risk,
              allergy_matches, replaces, entered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::numeric, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                   $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)
           ON CONFLICT (id) DO NOTHING RETURNING id"#,
        line.id,
        principal.organisation_id,
        id,
        prescription_id,
        position,
        line.cis,
        line.drug,
        substances,
        line.cis.is_none(),
        dose,
        line.unit.code(),
        line.route.code(),
        &slots,
        &s.times as _,
        s.recurrence.code(),
        &weekdays,
        s.every_n_days.map(|n| n as i16),
        s.starts_on as _,
        s.ends_on as _,
        line.as_needed.is_some(),
        line.as_needed.as_ref().map(|a| a.indication.clone()),
        line.as_needed.as_ref().map(|a| a.min_interval_minutes as i32),
        line.as_needed.as_ref().map(|a| i16::from(a.max_per_day)),
        line.instructions,
        line.aide_prise,
        line.high_risk,
        matches,
        replaces,
        principal.account_id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("recording a prescription line")
    .map_err(db_error)?;
    Ok(written.is_some())
}

pub async fn add_prescription(id: Uuid, input: PrescriptionInput) -> Result<Treatments, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let prescriber = validate::required("prescriber", "Prescripteur", &input.prescriber, 200)?;
    let rpps = match input.rpps.trim() {
        "" => None,
        n if n.len() == 11 && n.chars().all(|c| c.is_ascii_digit()) => Some(n.to_string()),
        _ => {
            return Err(AppError::invalid(
                "rpps",
                "Le numéro RPPS compte 11 chiffres.",
            ))
        }
    };
    let prescribed_on = validate::date(
        "prescribed_on",
        "Date de l’ordonnance",
        &input.prescribed_on,
    )?;
    if prescribed_on > time::today_paris() {
        return Err(AppError::invalid(
            "prescribed_on",
            "La date de l’ordonnance ne peut pas être dans le futur.",
        ));
    }
    if input.lines.is_empty() {
        return Err(AppError::invalid(
            "lines",
            "Ajoutez au moins une ligne à la prescription.",
        ));
    }
    if input.lines.len() > prescription::MAX_LINES {
        return Err(AppError::invalid(
            "lines",
            "Une prescription compte au plus 30 lignes.",
        ));
    }
    let mut tx = e.state.begin().await?;
    if let Some(doc) = input.document_id {
        let same = sqlx::query_scalar!(
            "SELECT usager_id = $2 AS \"same!\" FROM document WHERE id = $1",
            doc,
            id
        )
        .fetch_optional(&mut *tx)
        .await
        .context("checking a prescription's scan")
        .map_err(db_error)?;
        if same != Some(true) {
            return Err(AppError::invalid(
                "document_id",
                "Ce document n’est pas dans le dossier de cette personne.",
            ));
        }
    }
    let mut lines = Vec::with_capacity(input.lines.len());
    for l in &input.lines {
        lines.push(checked(&mut tx, l).await?);
    }
    let allergies = allergies_in_force(&mut tx, id).await?;
    let matches = allergy_check(&allergies, &lines, input.confirm_allergies)?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO prescription (id, organisation_id, usager_id, prescriber, prescriber_rpps, prescribed_on,
                                     document_id, entered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        prescriber,
        rpps,
        prescribed_on as _,
        input.document_id,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("recording a prescription")
    .map_err(db_error)?;
    if inserted.is_none() {
        // A retried send: the same prescription by the same author, nothing more.
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND entered_by = $3 AS "same!" FROM prescription WHERE id = $1"#,
                input.id,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried prescription")
            .map_err(db_error)?,
        )?;
    } else {
        for (i, ((line, substances), m)) in lines.iter().zip(&matches).enumerate() {
            if !insert_line(
                &mut tx,
                &e.principal,
                id,
                input.id,
                i as i16,
                line,
                substances,
                m,
                None,
            )
            .await?
            {
                return Err(AppError::Conflict);
            }
        }
    }
    let t = treatments_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(input.id.to_string())).await?;
    Ok(t)
}

/// Stops a line in force of this person; `NotFound` for a line of someone
/// else, `Conflict` for one already stopped.
async fn stop(
    conn: &mut PgConnection,
    principal: &Principal,
    id: Uuid,
    line_id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let stopped = sqlx::query_scalar!(
        r#"UPDATE prescription_line SET stopped_at = now(), stopped_by = $3, stop_reason = $4
           WHERE id = $1 AND usager_id = $2 AND stopped_at IS NULL RETURNING id"#,
        line_id,
        id,
        principal.account_id,
        reason
    )
    .fetch_optional(&mut *conn)
    .await
    .context("stopping a prescription line")
    .map_err(db_error)?;
    if stopped.is_some() {
        return Ok(());
    }
    let exists = sqlx::query_scalar!(
        r#"SELECT true AS "x!" FROM prescription_line WHERE id = $1 AND usager_id = $2"#,
        line_id,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("finding a prescription line")
    .map_err(db_error)?;
    Err(if exists.is_some() {
        AppError::Conflict
    } else {
        AppError::NotFound
    })
}

pub async fn stop_line(id: Uuid, line_id: Uuid, reason: String) -> Result<Treatments, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let reason = validate::required("reason", "Motif de l’arrêt", &reason, MAX_REASON)?;
    let mut tx = e.state.begin().await?;
    stop(&mut tx, &e.principal, id, line_id, &reason).await?;
    let t = treatments_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(line_id.to_string())).await?;
    Ok(t)
}

pub async fn change_line(
    id: Uuid,
    line_id: Uuid,
    line: LineInput,
    reason: String,
    confirm_allergies: bool,
) -> Result<Treatments, AppError> {
    let e = enter(id, Section::Medical, Action::Write).await?;
    let reason = validate::required("reason", "Motif du changement", &reason, MAX_REASON)?;
    let mut tx = e.state.begin().await?;
    // A retried change: the new line is there, naming the old one.
    let done = sqlx::query_scalar!(
        r#"SELECT replaces = $2 AND usager_id = $3 AND entered_by = $4 AS "same!" FROM prescription_line WHERE id = $1"#,
        line.id,
        line_id,
        id,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("checking a retried change")
    .map_err(db_error)?;
    if done.is_some() {
        replayed(done)?;
    } else {
        let checked_line = checked(&mut tx, &line).await?;
        let allergies = allergies_in_force(&mut tx, id).await?;
        let matches = allergy_check(
            &allergies,
            std::slice::from_ref(&checked_line),
            confirm_allergies,
        )?;
        let prescription_id = sqlx::query_scalar!(
            "SELECT prescription_id FROM prescription_line WHERE id = $1 AND usager_id = $2",
            line_id,
            id
        )
        .fetch_optional(&mut *tx)
        .await
        .context("finding the changed line")
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
        stop(&mut tx, &e.principal, id, line_id, &reason).await?;
        let position = sqlx::query_scalar!(
            r#"SELECT coalesce(max(position), 0) + 1 AS "p!" FROM prescription_line WHERE prescription_id = $1"#,
            prescription_id
        )
        .fetch_one(&mut *tx)
        .await
        .context("numbering a changed line")
        .map_err(db_error)?;
        let (l, substances) = &checked_line;
        if !insert_line(
            &mut tx,
            &e.principal,
            id,
            prescription_id,
            position as i16,
            l,
            substances,
            &matches[0],
            Some(line_id),
        )
        .await?
        {
            return Err(AppError::Conflict);
        }
    }
    let t = treatments_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(line.id.to_string())).await?;
    Ok(t)
}

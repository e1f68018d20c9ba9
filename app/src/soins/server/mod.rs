use super::*;
use crate::access::server::{append_list_reads, enter, may, require_list};
use crate::access::{Action, Section};
use crate::auth::server::{require_principal, Principal};
use crate::state::{db_error, replayed, AppState};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

mod round;
pub(crate) use round::{caller_units, late_tasks, round_persons, CallerUnit};
pub use round::{end_care, get_round, plan_care, record_care, set_shift_times, shift_settings};

/// A person's allergies as the record's band shows them (`may_write`
/// false: the band offers no form, and asks no right).
pub(crate) async fn allergies_of(conn: &mut PgConnection, id: Uuid) -> Result<Allergies, AppError> {
    let rows = sqlx::query!(
        r#"SELECT a.id, a.substance, a.kind, a.reaction, a.severity, a.certainty, a.source, a.noted_on AS "noted_on: chrono::NaiveDate",
                  n.first_name || ' ' || n.last_name AS "noted_by!", a.ended,
                  a.ended_at AS "ended_at: DateTime<Utc>", a.end_reason,
                  e.first_name || ' ' || e.last_name AS "ended_by?"
           FROM allergy a
           JOIN account n ON n.id = a.noted_by
           LEFT JOIN account e ON e.id = a.ended_by
           WHERE a.usager_id = $1
           ORDER BY a.severity = 'severe' DESC, a.noted_on DESC, a.substance"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading allergies")
    .map_err(db_error)?;
    let (mut in_force, mut ended) = (Vec::new(), Vec::new());
    for r in rows {
        let view = AllergyView {
            id: r.id,
            substance: r.substance,
            kind: AllergyKind::parse(&r.kind).unwrap_or(AllergyKind::Allergie),
            reaction: r.reaction,
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Severe),
            certainty: Certainty::parse(&r.certainty).unwrap_or(Certainty::Suspectee),
            source: r.source,
            noted_on: time::short_date(r.noted_on),
            noted_by: r.noted_by,
            ended: r.ended.as_deref().map(|code| {
                format!(
                    "{} le {} par {} : {}",
                    AllergyEnd::label_of(code),
                    r.ended_at.map(time::date_time).unwrap_or_default(),
                    r.ended_by.clone().unwrap_or_default(),
                    r.end_reason.clone().unwrap_or_default()
                )
            }),
        };
        if view.ended.is_some() {
            ended.push(view);
        } else {
            in_force.push(view);
        }
    }
    let none_known = sqlx::query!(
        r#"SELECT s.stated_at AS "stated_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "by!"
           FROM allergy_none_known s JOIN account a ON a.id = s.stated_by WHERE s.usager_id = $1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading the no-known-allergy statement")
    .map_err(db_error)?
    .filter(|_| in_force.is_empty())
    .map(|s| {
        format!(
            "Aucune allergie connue (déclaré le {} par {})",
            time::date_time(s.stated_at),
            s.by
        )
    });
    Ok(Allergies {
        in_force,
        ended,
        none_known,
        may_write: false,
    })
}

/// The allergies with whether the viewer may write them (the soins section
/// and its forms).
async fn allergies_for(
    conn: &mut PgConnection,
    principal: &Principal,
    id: Uuid,
) -> Result<Allergies, AppError> {
    let mut a = allergies_of(conn, id).await?;
    a.may_write = may(conn, principal, id, Section::Medical, Action::Write).await?;
    Ok(a)
}

pub async fn get_allergies(id: Uuid) -> Result<Allergies, AppError> {
    let e = enter(id, Section::Identite, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let a = allergies_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some("allergies".into())).await?;
    Ok(a)
}

pub async fn add_allergy(id: Uuid, input: AllergyInput) -> Result<Allergies, AppError> {
    // Allergies are written by those who hold the médical section
    // (infirmier and médecin in the matrix that ships).
    let e = enter(id, Section::Medical, Action::Write).await?;
    let substance = validate::required("substance", "Substance", &input.substance, MAX_TEXT)?;
    let reaction = validate::optional("reaction", "Réaction", &input.reaction, MAX_TEXT)?;
    let source = validate::optional("source", "Source", &input.source, MAX_TEXT)?;
    let noted_on = match input.noted_on.trim() {
        "" => time::today_paris(),
        d => validate::date("noted_on", "Date de constat", d)?,
    };
    if noted_on > time::today_paris() {
        return Err(AppError::invalid(
            "noted_on",
            "La date de constat ne peut pas être dans le futur.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO allergy (id, organisation_id, usager_id, substance, kind, reaction, severity, certainty,
                                source, noted_on, noted_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (id) DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        substance,
        input.kind.code(),
        reaction,
        input.severity.code(),
        input.certainty.code(),
        source,
        noted_on as _,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("recording an allergy")
    .map_err(db_error)?;
    if inserted.is_none() {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND noted_by = $3 AS "same!" FROM allergy WHERE id = $1"#,
                input.id,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried allergy")
            .map_err(db_error)?,
        )?;
    }
    // An allergy now known voids "aucune allergie connue".
    sqlx::query!("DELETE FROM allergy_none_known WHERE usager_id = $1", id)
        .execute(&mut *tx)
        .await
        .context("voiding the no-known-allergy statement")
        .map_err(db_error)?;
    let a = allergies_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(input.id.to_string())).await?;
    Ok(a)
}

pub async fn end_allergy(
    id: Uuid,
    allergy_id: Uuid,
    end: String,
    reason: String,
) -> Result<Allergies, AppError> {
    // Allergies are written by those who hold the médical section
    // (infirmier and médecin in the matrix that ships).
    let e = enter(id, Section::Medical, Action::Write).await?;
    let end = AllergyEnd::parse(&end)
        .ok_or_else(|| AppError::invalid("end", "Choisissez « terminée » ou « réfutée »."))?;
    let reason = validate::required("reason", "Motif", &reason, 500)?;
    let mut tx = e.state.begin().await?;
    let state = sqlx::query_scalar!(
        r#"SELECT ended IS NOT NULL AS "ended!" FROM allergy WHERE id = $1 AND usager_id = $2 FOR UPDATE"#,
        allergy_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding the allergy to end")
    .map_err(db_error)?;
    match state {
        None => return Err(AppError::NotFound),
        Some(true) => return Err(AppError::Conflict),
        Some(false) => {}
    }
    sqlx::query!(
        "UPDATE allergy SET ended = $2, ended_at = now(), ended_by = $3, end_reason = $4 WHERE id = $1",
        allergy_id,
        end.code(),
        e.principal.account_id,
        reason
    )
    .execute(&mut *tx)
    .await
    .context("ending an allergy")
    .map_err(db_error)?;
    let a = allergies_for(&mut tx, &e.principal, id).await?;
    e.access.commit(tx, Some(allergy_id.to_string())).await?;
    Ok(a)
}

pub async fn state_no_known_allergy(id: Uuid) -> Result<Allergies, AppError> {
    // Allergies are written by those who hold the médical section
    // (infirmier and médecin in the matrix that ships).
    let e = enter(id, Section::Medical, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    let in_force = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM allergy WHERE usager_id = $1 AND ended IS NULL"#,
        id
    )
    .fetch_one(&mut *tx)
    .await
    .context("counting allergies in force")
    .map_err(db_error)?;
    if in_force > 0 {
        return Err(AppError::invalid(
            "allergies",
            "Une allergie est enregistrée : terminez-la ou réfutez-la avant de déclarer « aucune allergie connue ».",
        ));
    }
    sqlx::query!(
        r#"INSERT INTO allergy_none_known (usager_id, organisation_id, stated_by) VALUES ($1, $2, $3)
           ON CONFLICT (usager_id) DO UPDATE SET stated_by = $3, stated_at = now()"#,
        id,
        e.principal.organisation_id,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("stating no known allergy")
    .map_err(db_error)?;
    let a = allergies_for(&mut tx, &e.principal, id).await?;
    e.access
        .commit(tx, Some("aucune_allergie_connue".into()))
        .await?;
    Ok(a)
}

/// When a set was taken: now, or a Paris time of the last 30 days.
fn taken_at(text: &str) -> Result<DateTime<Utc>, AppError> {
    let now = Utc::now();
    let t = text.trim();
    if t.is_empty() {
        return Ok(now);
    }
    let local = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").map_err(|_| {
        AppError::invalid(
            "taken_at",
            "Heure de la mesure : saisissez une date et une heure.",
        )
    })?;
    validate::date("taken_at", "Heure de la mesure", &local.date().to_string())?;
    let at = time::at_paris(local.date(), local.time());
    if at > now + chrono::Duration::minutes(5) {
        return Err(AppError::invalid(
            "taken_at",
            "Une mesure ne peut pas être datée dans le futur.",
        ));
    }
    if at < now - chrono::Duration::days(30) {
        return Err(AppError::invalid(
            "taken_at",
            "Une mesure de plus de 30 jours ne peut plus être saisie.",
        ));
    }
    Ok(at)
}

pub async fn write_measures(id: Uuid, input: MeasureInput) -> Result<MeasureSetView, AppError> {
    let e = enter(id, Section::Soins, Action::Write).await?;
    let m = Measures::parse(&input)?;
    let at = taken_at(&input.taken_at)?;
    let reason = match input.corrects {
        Some(_) => Some(validate::required(
            "correction_reason",
            "Motif de la correction",
            &input.correction_reason,
            500,
        )?),
        None => None,
    };
    let task = match input.task_id {
        Some(task_id) => Some((task_id, round::due_time(&input.task_due)?)),
        None => None,
    };
    let score = m.news2();
    let mut tx = e.state.begin().await?;
    if let Some(old) = input.corrects {
        let corrected = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM measure_set c WHERE c.corrects = s.id AND c.id <> $3) AS "corrected!"
               FROM measure_set s WHERE s.id = $1 AND s.usager_id = $2 FOR UPDATE"#,
            old,
            id,
            input.id
        )
        .fetch_optional(&mut *tx)
        .await
        .context("finding the set to correct")
        .map_err(db_error)?;
        match corrected {
            None => return Err(AppError::NotFound),
            // Someone corrected it first: correct their correction.
            Some(true) => return Err(AppError::Conflict),
            Some(false) => {}
        }
    }
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO measure_set (id, organisation_id, usager_id, taken_at, author_id, systolic, diastolic, pulse,
                                    temperature, spo2, on_oxygen, spo2_scale_2, respiratory_rate, consciousness,
                                    weight, height, glucose, pain_self, pain_algoplus, news2, stool, fluid_ml, sleep,
                                    corrects, correction_reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                   $21, $22, $23, $24, $25)
           ON CONFLICT (id) DO NOTHING RETURNING id"#,
        input.id,
        e.principal.organisation_id,
        id,
        at as _,
        e.principal.account_id,
        m.systolic,
        m.diastolic,
        m.pulse,
        m.temperature,
        m.spo2,
        m.on_oxygen,
        m.spo2_scale == news2::Spo2Scale::Scale2,
        m.respiratory_rate,
        m.consciousness.map(Consciousness::code),
        m.weight,
        m.height,
        m.glucose,
        m.pain_self,
        m.pain_algoplus,
        score.map(|s| i32::from(s.total)),
        m.stool.map(Stool::code),
        m.fluid_ml,
        m.sleep.map(Sleep::code),
        input.corrects,
        reason,
    )
    .fetch_optional(&mut *tx)
    .await
    .context("writing a set of measures")
    .map_err(db_error)?;
    match (inserted, score) {
        (Some(_), Some(s)) if s.alerts() => {
            sqlx::query!(
                r#"INSERT INTO news2_alert (id, organisation_id, usager_id, measure_set_id, score, label)
                   VALUES ($1, $2, $3, $4, $5, $6)"#,
                Uuid::new_v4(),
                e.principal.organisation_id,
                id,
                input.id,
                i32::from(s.total),
                s.label()
            )
            .execute(&mut *tx)
            .await
            .context("raising a NEWS2 alert")
            .map_err(db_error)?;
        }
        (Some(_), _) => {}
        (None, _) => replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND author_id = $3 AS "same!" FROM measure_set WHERE id = $1"#,
                input.id,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried set")
            .map_err(db_error)?,
        )?,
    }
    if let (Some(_), Some((task_id, due))) = (inserted, task) {
        round::check_task(&mut tx, &e.principal, id, task_id, true).await?;
        sqlx::query!(
            r#"INSERT INTO care_done (id, organisation_id, usager_id, task_id, due_at, done, measure_set_id, recorded_by)
               VALUES ($1, $2, $3, $4, $5, true, $6, $7) ON CONFLICT (task_id, due_at) DO NOTHING"#,
            Uuid::new_v4(),
            e.principal.organisation_id,
            id,
            task_id,
            due as _,
            input.id,
            e.principal.account_id
        )
        .execute(&mut *tx)
        .await
        .context("recording a measure task done")
        .map_err(db_error)?;
    }
    let v = sets(&mut tx, id, Some(input.id), 1)
        .await?
        .pop()
        .ok_or_else(|| {
            crate::state::internal(anyhow::anyhow!("measure set {} vanished", input.id))
        })?;
    e.access.commit(tx, Some(input.id.to_string())).await?;
    Ok(v)
}

/// The latest current sets of a person (or one set, current or not),
/// newest first, each with the sets it replaced.
/// The latest sets of measures in force (corrected ones left out).
pub(crate) async fn latest_sets(
    conn: &mut PgConnection,
    id: Uuid,
    limit: i64,
) -> Result<Vec<MeasureSetView>, AppError> {
    sets(conn, id, None, limit).await
}

async fn sets(
    conn: &mut PgConnection,
    id: Uuid,
    only: Option<Uuid>,
    limit: i64,
) -> Result<Vec<MeasureSetView>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT s.id, s.taken_at AS "taken_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "author!",
                  s.systolic, s.diastolic, s.pulse, s.temperature, s.spo2, s.on_oxygen, s.spo2_scale_2,
                  s.respiratory_rate, s.consciousness, s.weight, s.height, s.glucose, s.pain_self, s.pain_algoplus,
                  s.stool, s.fluid_ml, s.sleep, s.corrects, s.correction_reason,
                  (SELECT al.id FROM news2_alert al WHERE al.measure_set_id = s.id) AS alert,
                  COALESCE(s.height, (SELECT h.height FROM measure_set h WHERE h.usager_id = s.usager_id
                                        AND h.height IS NOT NULL ORDER BY h.taken_at DESC LIMIT 1)) AS known_height
           FROM measure_set s JOIN account a ON a.id = s.author_id
           WHERE s.usager_id = $1
             AND CASE WHEN $2::uuid IS NULL
                      THEN NOT EXISTS (SELECT 1 FROM measure_set c WHERE c.corrects = s.id)
                      ELSE s.id = $2 END
           ORDER BY s.taken_at DESC LIMIT $3"#,
        id,
        only,
        limit
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading sets of measures")
    .map_err(db_error)?;
    let mut links = Vec::new();
    let mut out: Vec<MeasureSetView> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            if let Some(c) = r.corrects {
                links.push((i, c, r.correction_reason.clone().unwrap_or_default()));
            }
            let measures = Measures {
                systolic: r.systolic,
                diastolic: r.diastolic,
                pulse: r.pulse,
                temperature: r.temperature,
                spo2: r.spo2,
                on_oxygen: r.on_oxygen,
                spo2_scale: if r.spo2_scale_2 {
                    news2::Spo2Scale::Scale2
                } else {
                    news2::Spo2Scale::Scale1
                },
                respiratory_rate: r.respiratory_rate,
                consciousness: r.consciousness.as_deref().and_then(Consciousness::parse),
                weight: r.weight,
                height: r.height,
                glucose: r.glucose,
                pain_self: r.pain_self,
                pain_algoplus: r.pain_algoplus,
                stool: r.stool.as_deref().and_then(Stool::parse),
                fluid_ml: r.fluid_ml,
                sleep: r.sleep.as_deref().and_then(Sleep::parse),
            };
            MeasureSetView {
                id: r.id,
                taken_at: time::date_time(r.taken_at),
                author: r.author,
                news2: measures.news2(),
                unusual: measures.unusual(),
                bmi: r
                    .weight
                    .zip(r.known_height)
                    .map(|(w, h)| Measures::bmi(w, h)),
                alert: r.alert,
                measures,
                correction: None,
                replaced: Vec::new(),
            }
        })
        .collect();
    if !links.is_empty() {
        let old = sqlx::query!(
            r#"SELECT s.id, s.taken_at AS "taken_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "author!",
                      s.systolic, s.diastolic, s.pulse, s.temperature, s.spo2, s.respiratory_rate, s.weight,
                      s.glucose, s.pain_self, s.pain_algoplus, s.corrects
               FROM measure_set s JOIN account a ON a.id = s.author_id
               WHERE s.usager_id = $1 AND EXISTS (SELECT 1 FROM measure_set c WHERE c.corrects = s.id)"#,
            id
        )
        .fetch_all(&mut *conn)
        .await
        .context("reading corrected sets")
        .map_err(db_error)?;
        let by_id: std::collections::HashMap<Uuid, _> = old.iter().map(|r| (r.id, r)).collect();
        for (i, first, reason) in links {
            let set = &mut out[i];
            let mut next = Some(first);
            let mut chain = Vec::new();
            while let Some(r) = next.and_then(|n| by_id.get(&n)) {
                let m = Measures {
                    systolic: r.systolic,
                    diastolic: r.diastolic,
                    pulse: r.pulse,
                    temperature: r.temperature,
                    spo2: r.spo2,
                    respiratory_rate: r.respiratory_rate,
                    weight: r.weight,
                    glucose: r.glucose,
                    pain_self: r.pain_self,
                    pain_algoplus: r.pain_algoplus,
                    ..Default::default()
                };
                chain.push(format!(
                    "{} par {} : {}",
                    time::date_time(r.taken_at),
                    r.author,
                    m.summary()
                ));
                next = r.corrects;
                if chain.len() > 50 {
                    break;
                }
            }
            chain.reverse();
            set.correction = Some(format!("Correction : {reason}"));
            set.replaced = chain;
        }
    }
    Ok(out)
}

async fn alerts(
    conn: &mut PgConnection,
    usagers: &[Uuid],
    open_only: bool,
    only: Option<Uuid>,
) -> Result<Vec<AlertView>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT al.id, al.usager_id, u.used_first_name || ' ' || upper(u.used_last_name) AS "usager!",
                  al.label, al.raised_at AS "raised_at: DateTime<Utc>",
                  ra.first_name || ' ' || ra.last_name AS "raised_by!",
                  al.acknowledged_at AS "acknowledged_at: DateTime<Utc>", al.action_taken,
                  ka.first_name || ' ' || ka.last_name AS "acknowledged_by?",
                  (SELECT string_agg(DISTINCT un.name, ', ') FROM current_accompagnement ac
                   JOIN unit un ON un.id = ac.unit_id WHERE ac.usager_id = al.usager_id) AS unit
           FROM news2_alert al
           JOIN usager u ON u.id = al.usager_id
           JOIN measure_set s ON s.id = al.measure_set_id
           JOIN account ra ON ra.id = s.author_id
           LEFT JOIN account ka ON ka.id = al.acknowledged_by
           WHERE al.usager_id = ANY($1) AND (NOT $2 OR al.acknowledged_at IS NULL)
             AND ($3::uuid IS NULL OR al.id = $3)
           ORDER BY al.raised_at DESC LIMIT 50"#,
        usagers,
        open_only,
        only
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading NEWS2 alerts")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| AlertView {
            id: r.id,
            usager_id: r.usager_id,
            usager: r.usager,
            unit: r.unit,
            label: r.label,
            raised_at: time::date_time(r.raised_at),
            raised_by: r.raised_by,
            acknowledged: r.acknowledged_at.map(|at| {
                format!(
                    "Acquittée le {} par {} : {}",
                    time::date_time(at),
                    r.acknowledged_by.clone().unwrap_or_default(),
                    r.action_taken.clone().unwrap_or_default()
                )
            }),
        })
        .collect())
}

pub async fn get_soins(id: Uuid) -> Result<SoinsView, AppError> {
    let e = enter(id, Section::Soins, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let allergies = allergies_for(&mut tx, &e.principal, id).await?;
    let sets = sets(&mut tx, id, None, RECENT_SETS).await?;
    let alerts = alerts(&mut tx, &[id], false, None).await?;
    let may_write = may(&mut tx, &e.principal, id, Section::Soins, Action::Write).await?;
    let tasks = round::tasks_of(&mut tx, id).await?;
    let may_plan = may(&mut tx, &e.principal, id, Section::Medical, Action::Write).await?;
    let liaison = liaison_of(&mut tx, id).await?;
    e.access.commit(tx, None).await?;
    Ok(SoinsView {
        allergies,
        sets,
        alerts,
        tasks,
        may_write,
        may_plan,
        liaison,
    })
}

/// The statement of communication, autonomy and comfort in force.
pub(crate) async fn liaison_of(conn: &mut PgConnection, id: Uuid) -> Result<Liaison, AppError> {
    let row = sqlx::query!(
        r#"SELECT l.communication, l.autonomy, l.comfort, l.written_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || upper(a.last_name) AS "by!"
           FROM liaison_info l JOIN account a ON a.id = l.written_by
           WHERE l.usager_id = $1 ORDER BY l.written_at DESC, l.id LIMIT 1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("reading the liaison")
    .map_err(db_error)?;
    Ok(row
        .map(|r| Liaison {
            communication: r.communication,
            autonomy: r.autonomy,
            comfort: r.comfort,
            updated: Some(format!(
                "Mis à jour le {} par {}",
                time::date_time(r.at),
                r.by
            )),
        })
        .unwrap_or_default())
}

pub async fn write_liaison(id: Uuid, input: LiaisonInput) -> Result<Liaison, AppError> {
    let e = enter(id, Section::Soins, Action::Write).await?;
    let text = |field: &str, label: &str, value: &str| {
        validate::optional(field, label, value, MAX_LIAISON).map(Option::unwrap_or_default)
    };
    let communication = text("communication", "Communication", &input.communication)?;
    let autonomy = text("autonomy", "Autonomie", &input.autonomy)?;
    let comfort = text("comfort", "Habitudes et ce qui rassure", &input.comfort)?;
    let mut tx = e.state.begin().await?;
    let written = sqlx::query_scalar!(
        r#"INSERT INTO liaison_info (id, organisation_id, usager_id, communication, autonomy, comfort, written_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id"#,
        input.key,
        e.principal.organisation_id,
        id,
        communication,
        autonomy,
        comfort,
        e.principal.account_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("writing the liaison")
    .map_err(db_error)?;
    if written.is_none() {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT usager_id = $2 AND written_by = $3 AS "same!" FROM liaison_info WHERE id = $1"#,
                input.key,
                id,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried liaison")
            .map_err(db_error)?,
        )?;
    }
    let liaison = liaison_of(&mut tx, id).await?;
    e.access.commit(tx, Some(input.key.to_string())).await?;
    Ok(liaison)
}

pub async fn acknowledge_alert(
    id: Uuid,
    alert_id: Uuid,
    action: String,
) -> Result<AlertView, AppError> {
    let e = enter(id, Section::Soins, Action::Write).await?;
    let action = validate::required("action", "Ce qui a été fait", &action, MAX_ACTION)?;
    let mut tx = e.state.begin().await?;
    let open = sqlx::query_scalar!(
        r#"SELECT acknowledged_at IS NULL AS "open!" FROM news2_alert WHERE id = $1 AND usager_id = $2 FOR UPDATE"#,
        alert_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding the alert")
    .map_err(db_error)?;
    match open {
        None => return Err(AppError::NotFound),
        Some(false) => return Err(AppError::Conflict),
        Some(true) => {}
    }
    sqlx::query!(
        "UPDATE news2_alert SET acknowledged_at = now(), acknowledged_by = $2, action_taken = $3 WHERE id = $1",
        alert_id,
        e.principal.account_id,
        action
    )
    .execute(&mut *tx)
    .await
    .context("acknowledging an alert")
    .map_err(db_error)?;
    let v = alerts(&mut tx, &[id], false, Some(alert_id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    e.access.commit(tx, Some(alert_id.to_string())).await?;
    Ok(v)
}

pub async fn unit_alerts() -> Result<Vec<AlertView>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Soins, Action::Read).await?;
    let mut tx = state.begin().await?;
    let list = open_alerts(&mut tx, &principal).await?;
    tx.commit()
        .await
        .context("tracing the alerts list")
        .map_err(db_error)?;
    Ok(list)
}

/// The open alerts of the people of the caller's units whose soins the
/// caller reads, each traced as a read ("Mes usagers" shows them to those
/// who read soins).
pub(crate) async fn open_alerts(
    tx: &mut PgConnection,
    principal: &Principal,
) -> Result<Vec<AlertView>, AppError> {
    let mine = sqlx::query_scalar!(
        r#"SELECT DISTINCT al.usager_id AS "id!" FROM news2_alert al
           JOIN current_perimeter p ON p.usager_id = al.usager_id AND p.account_id = $1
           WHERE al.acknowledged_at IS NULL AND al.organisation_id = $2"#,
        principal.account_id,
        principal.organisation_id
    )
    .fetch_all(&mut *tx)
    .await
    .context("finding the open alerts of the caller's units")
    .map_err(db_error)?;
    // The matrix said Soins; each person's own rules (an opposition, a
    // perimeter that changed) say the rest.
    let mut readable = Vec::new();
    for id in mine {
        if may(&mut *tx, principal, id, Section::Soins, Action::Read).await? {
            readable.push(id);
        }
    }
    let list = alerts(&mut *tx, &readable, true, None).await?;
    append_list_reads(
        &mut *tx,
        principal,
        list.iter().map(|a| a.usager_id),
        Section::Soins,
        "alertes_news2",
    )
    .await?;
    Ok(list)
}

pub async fn get_chart(id: Uuid, field: String, days: u32) -> Result<chart::Chart, AppError> {
    let e = enter(id, Section::Soins, Action::Read).await?;
    let (field, label, unit) = chart::charted(&field)
        .ok_or_else(|| AppError::invalid("field", "Cette mesure n’a pas de courbe."))?;
    if !chart::PERIODS.iter().any(|(d, _)| *d == days) {
        return Err(AppError::invalid(
            "days",
            "Choisissez 7 jours, 30 jours ou 1 an.",
        ));
    }
    let end = Utc::now();
    let start = end - chrono::Duration::days(i64::from(days));
    let mut tx = e.state.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT taken_at AS "taken_at: DateTime<Utc>", value AS "value!"
           FROM (SELECT taken_at,
                        CASE $2
                            WHEN 'temperature' THEN temperature
                            WHEN 'pulse' THEN pulse::real
                            WHEN 'systolic' THEN systolic::real
                            WHEN 'diastolic' THEN diastolic::real
                            WHEN 'spo2' THEN spo2::real
                            WHEN 'respiratory_rate' THEN respiratory_rate::real
                            WHEN 'weight' THEN weight
                            WHEN 'glucose' THEN glucose
                            WHEN 'pain_self' THEN pain_self::real
                            WHEN 'pain_algoplus' THEN pain_algoplus::real
                        END AS value
                 FROM measure_set
                 WHERE usager_id = $1 AND taken_at >= $3 AND taken_at <= $4
                   AND NOT EXISTS (SELECT 1 FROM measure_set c WHERE c.corrects = measure_set.id)) m
           WHERE value IS NOT NULL
           ORDER BY taken_at"#,
        id,
        field,
        start as _,
        end as _
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading a chart's measures")
    .map_err(db_error)?;
    e.access.commit(tx, Some(format!("courbe:{field}"))).await?;
    Ok(chart::Chart {
        field: field.into(),
        label: label.into(),
        unit: unit.into(),
        days,
        period: format!(
            "du {} au {}",
            time::date_time(start)
                .split(" à ")
                .next()
                .unwrap_or_default(),
            time::date_time(end).split(" à ").next().unwrap_or_default()
        ),
        usual: measure::usual_range(field),
        points: if days > 30 {
            daily_means(start, rows.into_iter().map(|r| (r.taken_at, r.value)))
        } else {
            rows.into_iter()
                .map(|r| chart::Point {
                    at: (r.taken_at - start).num_seconds(),
                    when: time::date_time(r.taken_at),
                    value: r.value,
                })
                .collect()
        },
    })
}

/// A year's chart draws one point per day (Paris days): the mean of the
/// day's values, so that a year of six sets a day stays a readable page.
fn daily_means(
    start: DateTime<Utc>,
    values: impl Iterator<Item = (DateTime<Utc>, f32)>,
) -> Vec<chart::Point> {
    let mut days: Vec<(chrono::NaiveDate, DateTime<Utc>, f32, u32)> = Vec::new();
    for (at, v) in values {
        let day = time::paris_date(at);
        match days.last_mut() {
            Some((d, _, sum, n)) if *d == day => {
                *sum += v;
                *n += 1;
            }
            _ => days.push((day, at, v, 1)),
        }
    }
    days.into_iter()
        .map(|(day, first, sum, n)| chart::Point {
            at: (first - start).num_seconds(),
            when: if n > 1 {
                format!("{} (moyenne de {n} mesures)", time::short_date(day))
            } else {
                time::date_time(first)
            },
            value: (sum / n as f32 * 10.0).round() / 10.0,
        })
        .collect()
}

use super::completeness::{completeness, validation_missing};
use super::trame::{default_sections, Trame, TrameSection};
use super::*;
use crate::access::server::{
    append, append_list_reads, enter, may, require_administrator, require_list, AuditEvent, Entry,
};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::organisation::Profession;
use crate::state::{check_replay, db_error, AppState, Keyed};
use crate::{serafin, time, validate};
use anyhow::Context as _;
use chrono::{DateTime, Months, NaiveDate, Utc};
use sqlx::PgConnection;

fn fail(e: sqlx::Error, what: &'static str) -> AppError {
    db_error(anyhow::Error::new(e).context(what))
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The organisation's current template; the shipped default becomes its
/// version 1 the first time it is needed.
async fn current_trame(conn: &mut PgConnection, org: Uuid) -> Result<Trame, AppError> {
    let default = serde_json::to_value(default_sections()).map_err(|e| db_error(e.into()))?;
    sqlx::query!(
        "INSERT INTO trame (organisation_id, version, sections) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING",
        org,
        default
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| fail(e, "installing the default template"))?;
    let row = sqlx::query!(
        "SELECT version, sections FROM trame WHERE organisation_id = $1 ORDER BY version DESC LIMIT 1",
        org
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading the template"))?;
    trame_of(row.version, row.sections)
}

fn trame_of(version: i32, sections: serde_json::Value) -> Result<Trame, AppError> {
    Ok(Trame {
        version,
        sections: serde_json::from_value(sections)
            .context("decoding a template")
            .map_err(db_error)?,
    })
}

async fn trame_version(
    conn: &mut PgConnection,
    org: Uuid,
    version: i32,
) -> Result<Trame, AppError> {
    let sections = sqlx::query_scalar!(
        "SELECT sections FROM trame WHERE organisation_id = $1 AND version = $2",
        org,
        version
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading a template version"))?;
    trame_of(version, sections)
}

struct Head {
    organisation_id: Uuid,
    trame_version: i32,
    title: String,
    kind: String,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    next_review: Option<NaiveDate>,
    status: String,
    editing: bool,
    version: i32,
}

/// The project `projet` of usager `id` (`NotFound` if it is another's).
async fn head(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<Head, AppError> {
    sqlx::query_as!(
        Head,
        r#"SELECT organisation_id, trame_version, title, kind, starts_on AS "starts_on: NaiveDate",
                  ends_on AS "ends_on: NaiveDate", next_review AS "next_review: NaiveDate", status, editing, version
           FROM projet WHERE id = $1 AND usager_id = $2"#,
        projet,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading a project"))?
    .ok_or(AppError::NotFound)
}

/// Locks the project row while a draft field or element is written (against
/// validation, and for the completeness stored on it: two writers queue for
/// the row instead of both holding a shared lock and deadlocking on the
/// update); a validated project is refused: an avenant must be opened first.
async fn lock_draft(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<Head, AppError> {
    sqlx::query_scalar!(
        "SELECT 1 AS one FROM projet WHERE id = $1 AND usager_id = $2 FOR NO KEY UPDATE",
        projet,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| fail(e, "locking a project"))?
    .ok_or(AppError::NotFound)?;
    let h = head(conn, id, projet).await?;
    if !h.editing {
        return Err(AppError::Frozen);
    }
    Ok(h)
}

async fn lock_exclusive(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<Head, AppError> {
    sqlx::query_scalar!(
        "SELECT 1 AS one FROM projet WHERE id = $1 AND usager_id = $2 FOR UPDATE",
        projet,
        id
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| fail(e, "locking a project"))?
    .ok_or(AppError::NotFound)?;
    head(conn, id, projet).await
}

/// The current state of a project, as a version would freeze it.
async fn snapshot(conn: &mut PgConnection, projet: Uuid, h: &Head) -> Result<Snapshot, AppError> {
    let fields = sqlx::query!(
        "SELECT key, value FROM projet_field WHERE projet_id = $1",
        projet
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading project fields"))?
    .into_iter()
    .map(|r| (r.key, r.value))
    .collect();
    Ok(Snapshot {
        title: h.title.clone(),
        kind: h.kind.clone(),
        starts_on: date_text(h.starts_on),
        ends_on: date_text(h.ends_on),
        next_review: date_text(h.next_review),
        fields,
        elements: elements(conn, projet).await?,
    })
}

async fn elements(conn: &mut PgConnection, projet: Uuid) -> Result<Vec<Element>, AppError> {
    sqlx::query!(
        r#"SELECT id, content, status, version FROM projet_element
           WHERE projet_id = $1 AND NOT removed ORDER BY created_at, id"#,
        projet
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading project elements"))?
    .into_iter()
    .map(|r| {
        Ok(Element {
            id: r.id,
            content: serde_json::from_value(r.content)
                .context("decoding an element")
                .map_err(db_error)?,
            status: r.status,
            version: r.version,
        })
    })
    .collect()
}

/// Recomputes the stored completeness after a write.
async fn refresh(
    conn: &mut PgConnection,
    id: Uuid,
    projet: Uuid,
) -> Result<Completeness, AppError> {
    let h = head(conn, id, projet).await?;
    let trame = trame_version(conn, h.organisation_id, h.trame_version).await?;
    let c = completeness(&trame, &snapshot(conn, projet, &h).await?);
    sqlx::query!(
        "UPDATE projet SET completeness = $2 WHERE id = $1",
        projet,
        c.percent
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| fail(e, "storing completeness"))?;
    Ok(c)
}

/// Counts a save in the editing session (opened by `open_session`).
async fn touch(
    conn: &mut PgConnection,
    e: &Entry,
    projet: Uuid,
    session: Uuid,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"INSERT INTO projet_session (id, projet_id, account_id, opened_at, last_saved_at)
           VALUES ($1, $2, $3, now(), now())
           ON CONFLICT (id) DO UPDATE SET last_saved_at = now()
           WHERE projet_session.projet_id = $2 AND projet_session.account_id = $3"#,
        session,
        projet,
        e.principal.account_id
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| fail(e, "counting an editing session"))?;
    Ok(())
}

/// Staff working today where the person is accompanied today.
async fn staff(conn: &mut PgConnection, id: Uuid) -> Result<Vec<(Uuid, String)>, AppError> {
    crate::access::server::perimeter::team(conn, id)
        .await
        .map_err(db_error)
}

/// The date the next review is due: the planned date, and at the latest a
/// year after the last validation or bilan.
fn due_date(next_review: Option<NaiveDate>, last_review: Option<NaiveDate>) -> Option<NaiveDate> {
    let yearly = last_review.and_then(|d| d.checked_add_months(Months::new(12)));
    match (next_review, yearly) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

async fn last_review(conn: &mut PgConnection, projet: Uuid) -> Result<Option<NaiveDate>, AppError> {
    sqlx::query_scalar!(
        r#"SELECT GREATEST(
               (SELECT max((validated_at AT TIME ZONE 'Europe/Paris')::date) FROM projet_version WHERE projet_id = $1),
               (SELECT max(held_on) FROM projet_bilan WHERE projet_id = $1)) AS "d: NaiveDate""#,
        projet
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading the last review"))
}

pub async fn list(id: Uuid) -> Result<ProjetList, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT p.id, p.title, p.kind, p.status, p.editing, p.starts_on AS "starts_on: NaiveDate",
                  p.ends_on AS "ends_on: NaiveDate", p.next_review AS "next_review: NaiveDate", p.completeness,
                  (SELECT count(*) FROM projet_version v WHERE v.projet_id = p.id)::int AS "versions!"
           FROM projet p WHERE p.usager_id = $1 ORDER BY p.created_at DESC"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "listing projects"))?;
    let mut projets = Vec::new();
    for r in rows {
        let due = due_date(r.next_review, last_review(&mut tx, r.id).await?);
        projets.push(ProjetSummary {
            id: r.id,
            title: r.title,
            kind: r.kind,
            status: Statut::from_code(&r.status).unwrap_or(Statut::EnPreparation),
            editing: r.editing,
            period: match r.starts_on {
                Some(s) => time::period(s, r.ends_on),
                None => "dates à fixer".into(),
            },
            versions: r.versions,
            completeness: r.completeness,
            due: due.map(time::long_date).unwrap_or_default(),
        });
    }
    let etablissements = sqlx::query!(
        r#"SELECT DISTINCT e.id, e.name FROM accompagnement a JOIN etablissement e ON e.id = a.etablissement_id
           WHERE a.usager_id = $1 AND a.end_date IS NULL ORDER BY e.name"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "listing the person's établissements"))?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    let can_write = may(&mut tx, &e.principal, id, Section::Projet, Action::Write).await?;
    e.access.commit(tx, Some("projets".into())).await?;
    Ok(ProjetList {
        projets,
        etablissements,
        can_write,
    })
}

pub async fn get(id: Uuid, projet: Uuid) -> Result<ProjetView, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let view = load(&mut tx, &e, id, projet).await?;
    e.access.commit(tx, Some(projet.to_string())).await?;
    Ok(view)
}

async fn load(
    tx: &mut PgConnection,
    e: &Entry,
    id: Uuid,
    projet: Uuid,
) -> Result<ProjetView, AppError> {
    let h = head(tx, id, projet).await?;
    let trame = trame_version(tx, h.organisation_id, h.trame_version).await?;
    let snap = snapshot(tx, projet, &h).await?;
    let report = completeness(&trame, &snap);
    let fields = sqlx::query!(
        r#"SELECT f.key, f.value, f.version, f.updated_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by!"
           FROM projet_field f JOIN account a ON a.id = f.updated_by WHERE f.projet_id = $1"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "reading project fields"))?
    .into_iter()
    .map(|r| {
        (
            r.key,
            FieldValue {
                value: r.value,
                version: r.version,
                updated: format!("modifié le {} par {}", time::date_time(r.at), r.by),
            },
        )
    })
    .collect();
    let etablissements = sqlx::query_scalar!(
        r#"SELECT e.name FROM projet_etablissement pe JOIN etablissement e ON e.id = pe.etablissement_id
           WHERE pe.projet_id = $1 ORDER BY e.name"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "reading a project's établissements"))?;
    let versions = sqlx::query!(
        r#"SELECT v.number, v.reason, v.completeness, v.validated_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by!"
           FROM projet_version v JOIN account a ON a.id = v.validated_by
           WHERE v.projet_id = $1 ORDER BY v.number"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "reading versions"))?
    .into_iter()
    .map(|r| VersionSummary {
        number: r.number,
        label: version_label(r.number),
        reason: r.reason.unwrap_or_default(),
        validated: format!("validée le {} par {}", time::date_time(r.at), r.by),
        completeness: r.completeness,
    })
    .collect();
    let history = sqlx::query!(
        r#"SELECT c.from_status, c.to_status, c.reason, c.changed_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by!", el.content AS "content?"
           FROM projet_status_change c JOIN account a ON a.id = c.changed_by
           LEFT JOIN projet_element el ON el.id = c.element_id
           WHERE c.projet_id = $1 ORDER BY c.changed_at DESC, c.id DESC"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "reading status changes"))?
    .into_iter()
    .map(|r| {
        let element: Option<ElementContent> =
            r.content.and_then(|c| serde_json::from_value(c).ok());
        let label = |code: &str| match &element {
            Some(_) => element_status_label(code).to_string(),
            None => Statut::from_code(code)
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
        };
        HistoryLine {
            what: element
                .as_ref()
                .map(|c| c.name())
                .unwrap_or_else(|| "Projet".into()),
            change: match r.from_status.as_deref() {
                Some(from) => format!("{} → {}", label(from), label(&r.to_status)),
                None => label(&r.to_status),
            },
            by: r.by,
            at: time::date_time(r.at),
            reason: r.reason.unwrap_or_default(),
        }
    })
    .collect();
    let bilans_rows = sqlx::query!(
        r#"SELECT b.id, b.held_on AS "held_on: NaiveDate", b.synthesis, b.invited, b.preparation, b.preparation_by,
                  b.next_review AS "next_review: NaiveDate", b.written_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by!"
           FROM projet_bilan b JOIN account a ON a.id = b.written_by
           WHERE b.projet_id = $1 ORDER BY b.held_on DESC"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "reading bilans"))?;
    let mut bilans = Vec::new();
    for b in bilans_rows {
        let evaluations = sqlx::query!(
            r#"SELECT el.content, ev.result, ev.comment FROM projet_evaluation ev
               JOIN projet_element el ON el.id = ev.objectif_id WHERE ev.bilan_id = $1 ORDER BY el.created_at"#,
            b.id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| fail(e, "reading evaluations"))?
        .into_iter()
        .map(|r| EvaluationView {
            objectif: serde_json::from_value::<ElementContent>(r.content)
                .map(|c| c.name())
                .unwrap_or_default(),
            result: result_label(&r.result).into(),
            comment: r.comment,
        })
        .collect();
        bilans.push(BilanView {
            held_on: time::long_date(b.held_on),
            synthesis: b.synthesis,
            invited: b.invited,
            preparation: b.preparation,
            preparation_by: b.preparation_by,
            next_review: time::long_date(b.next_review),
            written: format!("écrit le {} par {}", time::date_time(b.at), b.by),
            evaluations,
        });
    }
    let accords = sqlx::query!(
        r#"SELECT version, party, signatory, signed_on AS "signed_on: NaiveDate",
                  valid_until AS "valid_until: NaiveDate", document_id
           FROM projet_accord WHERE projet_id = $1 ORDER BY version, signed_on"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "reading accords"))?
    .into_iter()
    .map(|r| AccordView {
        version: r.version,
        party: party_label(&r.party).into(),
        signatory: r.signatory,
        signed_on: time::long_date(r.signed_on),
        valid_until: r.valid_until.map(time::long_date).unwrap_or_default(),
        document_id: r.document_id,
    })
    .collect();
    let time_spent_minutes = time_spent(tx, projet).await?;
    let due = due_date(h.next_review, last_review(tx, projet).await?);
    let can_write = may(tx, &e.principal, id, Section::Projet, Action::Write).await?;
    Ok(ProjetView {
        id: projet,
        usager_id: id,
        title: h.title,
        kind: h.kind,
        status: Statut::from_code(&h.status).unwrap_or(Statut::EnPreparation),
        editing: h.editing,
        version: h.version,
        starts_on: date_text(h.starts_on),
        ends_on: date_text(h.ends_on),
        next_review: date_text(h.next_review),
        due: due.map(time::long_date).unwrap_or_default(),
        etablissements,
        trame,
        fields,
        elements: snap.elements,
        versions,
        history,
        bilans,
        accords,
        completeness: report,
        informations: informations(tx, id).await?,
        staff: staff(tx, id).await?,
        time_spent_minutes,
        can_write,
    })
}

fn version_label(number: i32) -> String {
    if number == 1 {
        "Version initiale".into()
    } else {
        format!("Avenant n° {}", number - 1)
    }
}

/// Minutes between opening the editor and its last save, summed over the
/// sessions; a session counts two hours at most (a tablet left open).
async fn time_spent(conn: &mut PgConnection, projet: Uuid) -> Result<i64, AppError> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(EXTRACT(EPOCH FROM LEAST(last_saved_at - opened_at, interval '2 hours'))), 0)::bigint / 60
           AS "minutes!" FROM projet_session WHERE projet_id = $1 AND last_saved_at IS NOT NULL"#,
        projet
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| fail(e, "summing editing time"))
}

async fn informations(conn: &mut PgConnection, id: Uuid) -> Result<Informations, AppError> {
    let u = sqlx::query!(
        r#"SELECT used_first_name || ' ' || upper(used_last_name) AS "name!", birth_date AS "birth: NaiveDate"
           FROM usager WHERE id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading the person"))?;
    let today = time::today_paris();
    let places = crate::usager::server::administrative::accompaniments(conn, id, today)
        .await?
        .into_iter()
        .filter(|a| a.current)
        .map(|a| match a.unit {
            Some(unit) => format!("{} — {} ({})", a.etablissement, unit, a.period),
            None => format!("{} ({})", a.etablissement, a.period),
        })
        .collect();
    let referents = sqlx::query_scalar!(
        r#"SELECT a.first_name || ' ' || a.last_name || ' (' || e.name || ')' AS "line!"
           FROM referent r JOIN account a ON a.id = r.account_id JOIN etablissement e ON e.id = r.etablissement_id
           WHERE r.usager_id = $1 ORDER BY e.name"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading référents"))?;
    let contacts = sqlx::query!(
        r#"SELECT first_name || ' ' || last_name || ', ' || relationship AS "line!", role, phone
           FROM contact WHERE usager_id = $1 ORDER BY call_order"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading contacts"))?
    .into_iter()
    .map(|c| {
        let role = match c.role.as_str() {
            "personne_de_confiance" => " — personne de confiance",
            "personne_a_prevenir" => " — personne à prévenir",
            _ => "",
        };
        match c.phone {
            Some(p) => format!("{}{role} — {p}", c.line),
            None => format!("{}{role}", c.line),
        }
    })
    .collect();
    let protection = sqlx::query!(
        r#"SELECT kind, mandataire FROM protection_measure
           WHERE usager_id = $1 AND (end_date IS NULL OR end_date >= paris_today()) ORDER BY start_date"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading protection measures"))?
    .into_iter()
    .map(|p| {
        let kind = match p.kind.as_str() {
            "tutelle" => "Tutelle",
            "curatelle" => "Curatelle simple",
            "curatelle_renforcee" => "Curatelle renforcée",
            "sauvegarde_justice" => "Sauvegarde de justice",
            _ => "Habilitation familiale",
        };
        format!("{kind} — {}", p.mandataire)
    })
    .collect();
    Ok(Informations {
        name: u.name,
        birth: format!(
            "né(e) le {} ({} ans)",
            time::long_date(u.birth),
            time::age_on(u.birth, today)
        ),
        places,
        referents,
        contacts,
        protection,
    })
}

pub async fn create(
    id: Uuid,
    key: Uuid,
    title: String,
    kind: String,
    starts_on: String,
    etablissements: Vec<Uuid>,
) -> Result<Uuid, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let title = validate::required("title", "Titre", &title, 200)?;
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        return Err(AppError::invalid("kind", "Type de projet inconnu."));
    }
    let starts_on = validate::optional_date("starts_on", "Date de début", &starts_on)?;
    if etablissements.is_empty() {
        return Err(AppError::invalid(
            "etablissements",
            "Choisissez au moins un établissement concerné.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let allowed = sqlx::query_scalar!(
        r#"SELECT count(DISTINCT etablissement_id) AS "n!" FROM accompagnement
           WHERE usager_id = $1 AND end_date IS NULL AND etablissement_id = ANY($2)"#,
        id,
        &etablissements
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| fail(e, "checking établissements"))?;
    let mut distinct = etablissements.clone();
    distinct.sort();
    distinct.dedup();
    if allowed != distinct.len() as i64 {
        return Err(AppError::invalid(
            "etablissements",
            "Un projet ne concerne que des établissements où la personne est accompagnée.",
        ));
    }
    let trame = current_trame(&mut tx, e.principal.organisation_id).await?;
    let inserted = sqlx::query!(
        r#"INSERT INTO projet (id, organisation_id, usager_id, trame_version, title, kind, starts_on, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING"#,
        key,
        e.principal.organisation_id,
        id,
        trame.version,
        title,
        kind,
        starts_on as _,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "creating a project"))?;
    if inserted.rows_affected() == 0 {
        check_replay(&mut tx, Keyed::Projet, key, id, e.principal.account_id).await?;
        return Ok(key);
    }
    for etablissement in distinct {
        sqlx::query!(
            "INSERT INTO projet_etablissement (projet_id, etablissement_id) VALUES ($1, $2)",
            key,
            etablissement
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| fail(e, "linking a project to an établissement"))?;
    }
    sqlx::query!(
        "INSERT INTO projet_status_change (projet_id, to_status, changed_by) VALUES ($1, 'ENPREPARATION', $2)",
        key,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "recording a status"))?;
    refresh(&mut tx, id, key).await?;
    e.access.commit(tx, Some(key.to_string())).await?;
    Ok(key)
}

pub async fn open_session(id: Uuid, projet: Uuid, session: Uuid) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    head(&mut tx, id, projet).await?;
    sqlx::query!(
        r#"INSERT INTO projet_session (id, projet_id, account_id) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO NOTHING"#,
        session,
        projet,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "opening an editing session"))?;
    e.access.commit(tx, Some(projet.to_string())).await
}

pub async fn save_header(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    version: i32,
    form: HeaderForm,
) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let title = validate::required("title", "Titre", &form.title, 200)?;
    if !KINDS.iter().any(|(c, _)| *c == form.kind) {
        return Err(AppError::invalid("kind", "Type de projet inconnu."));
    }
    let starts_on = validate::optional_date("starts_on", "Date de début", &form.starts_on)?;
    let ends_on = validate::optional_date("ends_on", "Date de fin", &form.ends_on)?;
    let next_review = validate::optional_date(
        "next_review",
        "Date de la prochaine révision",
        &form.next_review,
    )?;
    if let (Some(s), Some(end)) = (starts_on, ends_on) {
        if end < s {
            return Err(AppError::invalid(
                "ends_on",
                "La date de fin ne peut pas précéder la date de début.",
            ));
        }
    }
    if let (Some(s), Some(r)) = (starts_on, next_review) {
        if r < s {
            return Err(AppError::invalid(
                "next_review",
                "La date de la prochaine révision ne peut pas précéder le début du projet.",
            ));
        }
    }
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if !h.editing {
        return Err(AppError::Frozen);
    }
    if h.version != version {
        return Err(AppError::Stale {
            current_version: h.version,
        });
    }
    sqlx::query!(
        r#"UPDATE projet SET title = $2, kind = $3, starts_on = $4, ends_on = $5, next_review = $6,
                  version = version + 1 WHERE id = $1"#,
        projet,
        title,
        form.kind,
        starts_on as _,
        ends_on as _,
        next_review as _
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "saving a project header"))?;
    touch(&mut tx, &e, projet, session).await?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(projet.to_string())).await?;
    Ok(version + 1)
}

pub async fn save_field(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    key: String,
    version: i32,
    value: String,
) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    if value.chars().count() > 20_000 {
        return Err(AppError::invalid(
            "value",
            "Un champ du projet fait 20 000 caractères au plus.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let h = lock_draft(&mut tx, id, projet).await?;
    let trame = trame_version(&mut tx, h.organisation_id, h.trame_version).await?;
    if !trame
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .any(|f| f.key == key)
    {
        return Err(AppError::invalid(
            "key",
            "Ce champ n’existe pas dans la trame de ce projet.",
        ));
    }
    let current = sqlx::query!(
        "SELECT version, value FROM projet_field WHERE projet_id = $1 AND key = $2 FOR UPDATE",
        projet,
        key
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| fail(e, "locking a field"))?;
    let new_version = match current {
        // A retry of a save that arrived: nothing to do.
        Some(c) if c.value == value => return Ok(c.version),
        Some(c) if c.version != version => {
            return Err(AppError::Stale {
                current_version: c.version,
            })
        }
        None if version != 0 => return Err(AppError::Stale { current_version: 0 }),
        Some(c) => c.version + 1,
        None => 1,
    };
    sqlx::query!(
        r#"INSERT INTO projet_field (projet_id, key, value, version, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (projet_id, key) DO UPDATE SET value = $3, version = $4, updated_by = $5, updated_at = now()"#,
        projet,
        key,
        value,
        new_version,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "saving a field"))?;
    touch(&mut tx, &e, projet, session).await?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(format!("{projet}/{key}"))).await?;
    Ok(new_version)
}

fn long_text(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    Ok(validate::optional(field, label, value, max)?.unwrap_or_default())
}

fn date_pair(starts_on: &str, ends_on: &str) -> Result<(String, String), AppError> {
    let s = validate::optional_date("starts_on", "Date de début", starts_on)?;
    let e = validate::optional_date("ends_on", "Date de fin", ends_on)?;
    if let (Some(s), Some(e)) = (s, e) {
        if e < s {
            return Err(AppError::invalid(
                "ends_on",
                "La date de fin ne peut pas précéder la date de début.",
            ));
        }
    }
    Ok((date_text(s), date_text(e)))
}

/// Checks and cleans an element's content against the nomenclatures, the
/// team and the project's objectives.
fn checked_content(
    content: ElementContent,
    team: &[(Uuid, String)],
    objectives: &[Uuid],
) -> Result<ElementContent, AppError> {
    let in_team = |who: Option<Uuid>, label: &str| match who {
        Some(w) if !team.iter().any(|(t, _)| *t == w) => Err(AppError::invalid(
            "referent_id",
            &format!("{label} est choisi parmi l’équipe qui accompagne la personne."),
        )),
        _ => Ok(who),
    };
    Ok(match content {
        ElementContent::Attente {
            origin,
            text,
            said_by,
        } => {
            if !ORIGINS.iter().any(|(c, _)| *c == origin) {
                return Err(AppError::invalid(
                    "origin",
                    "Origine de l’attente inconnue.",
                ));
            }
            ElementContent::Attente {
                origin,
                text: validate::required("text", "Attente", &text, 4000)?,
                said_by: long_text("said_by", "Dit par", &said_by, 200)?,
            }
        }
        ElementContent::Besoin {
            code,
            description,
            analysis,
        } => {
            let code = code.trim().to_string();
            if serafin::need(&code).is_none() {
                return Err(AppError::invalid(
                    "code",
                    &format!(
                        "Le code « {code} » n’existe pas dans la nomenclature SERAFIN-PH des besoins."
                    ),
                ));
            }
            ElementContent::Besoin {
                code,
                description: long_text("description", "Description", &description, 4000)?,
                analysis: long_text("analysis", "Analyse professionnelle", &analysis, 4000)?,
            }
        }
        ElementContent::Objectif {
            title,
            description,
            starts_on,
            ends_on,
            expected,
            avis,
            referent_id,
            falc,
            pictogram,
        } => {
            if title.trim().is_empty() {
                return Err(AppError::invalid(
                    "title",
                    "Un objectif doit avoir un titre.",
                ));
            }
            let (starts_on, ends_on) = date_pair(&starts_on, &ends_on)?;
            if !pictogram.is_empty() && falc::pictogram(&pictogram).is_none() {
                return Err(AppError::invalid("pictogram", "Pictogramme inconnu."));
            }
            ElementContent::Objectif {
                title: validate::required("title", "Titre de l’objectif", &title, 200)?,
                description: long_text("description", "Description", &description, 4000)?,
                starts_on,
                ends_on,
                expected: long_text("expected", "Résultat attendu", &expected, 4000)?,
                avis: long_text("avis", "Avis de la personne", &avis, 4000)?,
                referent_id: in_team(referent_id, "Le référent de l’objectif")?,
                falc: long_text("falc", "Version facile à lire", &falc, 2000)?,
                pictogram,
            }
        }
        ElementContent::Action {
            title,
            description,
            responsible_id,
            starts_on,
            ends_on,
            mut objectifs,
        } => {
            if title.trim().is_empty() {
                return Err(AppError::invalid(
                    "title",
                    "Une action doit avoir un titre.",
                ));
            }
            let (starts_on, ends_on) = date_pair(&starts_on, &ends_on)?;
            objectifs.sort();
            objectifs.dedup();
            if objectifs.iter().any(|o| !objectives.contains(o)) {
                return Err(AppError::invalid(
                    "objectifs",
                    "Une action se rattache aux objectifs de ce projet.",
                ));
            }
            ElementContent::Action {
                title: validate::required("title", "Titre de l’action", &title, 200)?,
                description: long_text("description", "Description", &description, 4000)?,
                responsible_id: in_team(responsible_id, "Le responsable de l’action")?,
                starts_on,
                ends_on,
                objectifs,
            }
        }
        ElementContent::Prestation { code, description } => {
            let code = code.trim().to_string();
            if serafin::direct_service(&code).is_none() {
                return Err(AppError::invalid(
                    "code",
                    &format!(
                        "Le code « {code} » n’existe pas dans la nomenclature SERAFIN-PH des prestations directes."
                    ),
                ));
            }
            ElementContent::Prestation {
                code,
                description: long_text("description", "Description", &description, 4000)?,
            }
        }
    })
}

pub async fn save_element(
    id: Uuid,
    projet: Uuid,
    session: Uuid,
    element: Uuid,
    version: i32,
    content: ElementContent,
) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    lock_draft(&mut tx, id, projet).await?;
    let team = staff(&mut tx, id).await?;
    let objectives: Vec<Uuid> = elements(&mut tx, projet)
        .await?
        .into_iter()
        .filter(|el| matches!(el.content, ElementContent::Objectif { .. }))
        .map(|el| el.id)
        .collect();
    let content = checked_content(content, &team, &objectives)?;
    let kind = content.kind();
    let json = serde_json::to_value(&content).map_err(|e| db_error(e.into()))?;
    let existing = sqlx::query!(
        r#"SELECT projet_id, kind, content, version, removed FROM projet_element WHERE id = $1 FOR UPDATE"#,
        element
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| fail(e, "locking an element"))?;
    let new_version = match existing {
        None if version == 0 => {
            let status = content.has_status().then_some("ENPREPARATION");
            sqlx::query!(
                r#"INSERT INTO projet_element (id, projet_id, kind, content, status, created_by, updated_by)
                   VALUES ($1, $2, $3, $4, $5, $6, $6)"#,
                element,
                projet,
                kind,
                json,
                status,
                e.principal.account_id
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| fail(e, "adding an element"))?;
            1
        }
        None => return Err(AppError::NotFound),
        Some(x) if x.projet_id != projet || x.kind != kind => return Err(AppError::Conflict),
        Some(x) if x.removed => return Err(AppError::NotFound),
        // The same content again (a retried save): nothing to do.
        Some(x) if x.content == json => return Ok(x.version),
        Some(x) if x.version != version => {
            return Err(AppError::Stale {
                current_version: x.version,
            })
        }
        Some(x) => {
            sqlx::query!(
                r#"UPDATE projet_element SET content = $2, version = version + 1, updated_by = $3,
                          updated_at = now() WHERE id = $1"#,
                element,
                json,
                e.principal.account_id
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| fail(e, "saving an element"))?;
            x.version + 1
        }
    };
    touch(&mut tx, &e, projet, session).await?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(element.to_string())).await?;
    Ok(new_version)
}

pub async fn set_element_status(
    id: Uuid,
    projet: Uuid,
    element: Uuid,
    status: String,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    if !ELEMENT_STATUSES.iter().any(|(c, _)| *c == status) {
        return Err(AppError::invalid("status", "Statut inconnu."));
    }
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if h.status == "TERMINE" {
        return Err(AppError::invalid("status", "Le projet est terminé."));
    }
    let current = sqlx::query_scalar!(
        r#"SELECT status AS "status!" FROM projet_element
           WHERE id = $1 AND projet_id = $2 AND NOT removed AND status IS NOT NULL FOR UPDATE"#,
        element,
        projet
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| fail(e, "locking an element"))?
    .ok_or(AppError::NotFound)?;
    if current == status {
        return e.access.commit(tx, Some(element.to_string())).await;
    }
    sqlx::query!(
        "UPDATE projet_element SET status = $2, updated_by = $3, updated_at = now() WHERE id = $1",
        element,
        status,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "changing an element's status"))?;
    sqlx::query!(
        r#"INSERT INTO projet_status_change (projet_id, element_id, from_status, to_status, changed_by)
           VALUES ($1, $2, $3, $4, $5)"#,
        projet,
        element,
        current,
        status,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "recording a status change"))?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(element.to_string())).await
}

pub async fn remove_element(
    id: Uuid,
    projet: Uuid,
    element: Uuid,
    version: i32,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    lock_draft(&mut tx, id, projet).await?;
    let current = sqlx::query!(
        "SELECT version, removed FROM projet_element WHERE id = $1 AND projet_id = $2 FOR UPDATE",
        element,
        projet
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| fail(e, "locking an element"))?
    .ok_or(AppError::NotFound)?;
    if !current.removed {
        if current.version != version {
            return Err(AppError::Stale {
                current_version: current.version,
            });
        }
        sqlx::query!(
            "UPDATE projet_element SET removed = true, updated_by = $2, updated_at = now() WHERE id = $1",
            element,
            e.principal.account_id
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| fail(e, "removing an element"))?;
        refresh(&mut tx, id, projet).await?;
    }
    e.access.commit(tx, Some(element.to_string())).await
}

pub async fn validate(id: Uuid, projet: Uuid, reason: String) -> Result<i32, AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let reason = validate::optional("reason", "Motif", &reason, 1000)?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if !h.editing {
        return Err(AppError::Frozen);
    }
    let trame = trame_version(&mut tx, h.organisation_id, h.trame_version).await?;
    let snap = snapshot(&mut tx, projet, &h).await?;
    let missing = validation_missing(&trame, &snap);
    if !missing.is_empty() {
        return Err(AppError::Incomplete { missing });
    }
    let number = sqlx::query_scalar!(
        r#"SELECT COALESCE(max(number), 0) + 1 AS "n!" FROM projet_version WHERE projet_id = $1"#,
        projet
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| fail(e, "numbering a version"))?;
    if number > 1 && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "Un avenant indique son motif (par exemple : bilan annuel, demande de la personne).",
        ));
    }
    let json = serde_json::to_value(&snap).map_err(|e| db_error(e.into()))?;
    sqlx::query!(
        r#"INSERT INTO projet_version (projet_id, number, reason, snapshot, completeness, validated_by)
           VALUES ($1, $2, $3, $4, $5, $6)"#,
        projet,
        number,
        reason,
        json,
        completeness(&trame, &snap).percent,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "freezing a version"))?;
    sqlx::query!(
        r#"UPDATE projet SET editing = false,
                  status = CASE WHEN status = 'ENPREPARATION' THEN 'ENCOURS' ELSE status END,
                  starts_on = COALESCE(starts_on, paris_today()) WHERE id = $1"#,
        projet
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "closing the draft"))?;
    if h.status == "ENPREPARATION" {
        sqlx::query!(
            r#"INSERT INTO projet_status_change (projet_id, from_status, to_status, reason, changed_by)
               VALUES ($1, 'ENPREPARATION', 'ENCOURS', 'Validation de la version initiale', $2)"#,
            projet,
            e.principal.account_id
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| fail(e, "recording a status change"))?;
    }
    e.access
        .commit(tx, Some(format!("{projet}/v{number}")))
        .await?;
    Ok(number)
}

pub async fn open_avenant(id: Uuid, projet: Uuid) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if h.status == "TERMINE" {
        return Err(AppError::invalid(
            "status",
            "Le projet est terminé : commencez un nouveau projet.",
        ));
    }
    if !h.editing {
        sqlx::query!("UPDATE projet SET editing = true WHERE id = $1", projet)
            .execute(&mut *tx)
            .await
            .map_err(|e| fail(e, "opening an avenant"))?;
    }
    e.access.commit(tx, Some(projet.to_string())).await
}

pub async fn set_status(
    id: Uuid,
    projet: Uuid,
    status: String,
    reason: String,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let next =
        Statut::from_code(&status).ok_or_else(|| AppError::invalid("status", "Statut inconnu."))?;
    let reason = validate::optional("reason", "Motif", &reason, 1000)?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    let current = Statut::from_code(&h.status).unwrap_or(Statut::EnPreparation);
    if current == next {
        return e.access.commit(tx, Some(projet.to_string())).await;
    }
    if !current.may_become(next) {
        return Err(AppError::invalid(
            "status",
            &format!(
                "Un projet « {} » ne peut pas passer à « {} »{}.",
                current.label(),
                next.label(),
                if current == Statut::EnPreparation {
                    " : validez d’abord sa première version"
                } else {
                    ""
                }
            ),
        ));
    }
    sqlx::query!(
        r#"UPDATE projet SET status = $2,
                  editing = CASE WHEN $2 = 'TERMINE' THEN false ELSE editing END,
                  ends_on = CASE WHEN $2 = 'TERMINE' THEN COALESCE(ends_on, paris_today()) ELSE ends_on END
           WHERE id = $1"#,
        projet,
        next.code()
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "changing a project's status"))?;
    sqlx::query!(
        r#"INSERT INTO projet_status_change (projet_id, from_status, to_status, reason, changed_by)
           VALUES ($1, $2, $3, $4, $5)"#,
        projet,
        current.code(),
        next.code(),
        reason,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "recording a status change"))?;
    e.access.commit(tx, Some(projet.to_string())).await
}

pub async fn add_bilan(id: Uuid, projet: Uuid, key: Uuid, form: BilanForm) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let held_on = validate::date("held_on", "Date du bilan", &form.held_on)?;
    if held_on > time::today_paris() {
        return Err(AppError::invalid(
            "held_on",
            "La date du bilan ne peut pas être dans le futur.",
        ));
    }
    let next_review = validate::date(
        "next_review",
        "Date de la prochaine révision",
        &form.next_review,
    )?;
    if next_review <= held_on {
        return Err(AppError::invalid(
            "next_review",
            "La prochaine révision est fixée après la date du bilan.",
        ));
    }
    let synthesis = validate::required("synthesis", "Synthèse", &form.synthesis, 20_000)?;
    let invited = long_text("invited", "Personnes invitées", &form.invited, 2000)?;
    let preparation = long_text(
        "preparation",
        "Synthèse préparatoire",
        &form.preparation,
        20_000,
    )?;
    let preparation_by = long_text("preparation_by", "Écrite par", &form.preparation_by, 200)?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    if let Some(start) = h.starts_on {
        if next_review < start {
            return Err(AppError::invalid(
                "next_review",
                "La date de la prochaine révision ne peut pas précéder le début du projet.",
            ));
        }
    }
    let objectives: Vec<Uuid> = elements(&mut tx, projet)
        .await?
        .into_iter()
        .filter(|el| matches!(el.content, ElementContent::Objectif { .. }))
        .map(|el| el.id)
        .collect();
    for ev in &form.evaluations {
        if !objectives.contains(&ev.objectif_id) {
            return Err(AppError::invalid(
                "evaluations",
                "Une évaluation porte sur un objectif de ce projet.",
            ));
        }
        if !RESULTS.iter().any(|(c, _)| *c == ev.result) {
            return Err(AppError::invalid(
                "evaluations",
                "Évaluation inconnue : atteint, partiellement, non atteint ou abandonné.",
            ));
        }
        long_text("comment", "Commentaire", &ev.comment, 4000)?;
    }
    let inserted = sqlx::query!(
        r#"INSERT INTO projet_bilan (id, projet_id, held_on, synthesis, invited, preparation, preparation_by,
                                    next_review, written_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING"#,
        key,
        projet,
        held_on as _,
        synthesis,
        invited,
        preparation,
        preparation_by,
        next_review as _,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "recording a bilan"))?;
    if inserted.rows_affected() == 0 {
        check_replay(
            &mut tx,
            Keyed::ProjetBilan,
            key,
            projet,
            e.principal.account_id,
        )
        .await?;
        return e.access.commit(tx, Some(key.to_string())).await;
    }
    for ev in form.evaluations {
        sqlx::query!(
            r#"INSERT INTO projet_evaluation (bilan_id, objectif_id, result, comment) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING"#,
            key,
            ev.objectif_id,
            ev.result,
            ev.comment.trim()
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| fail(e, "recording an evaluation"))?;
    }
    sqlx::query!(
        "UPDATE projet SET next_review = $2 WHERE id = $1",
        projet,
        next_review as _
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "setting the next review"))?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(key.to_string())).await
}

pub async fn add_accord(
    id: Uuid,
    projet: Uuid,
    key: Uuid,
    form: AccordForm,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    if !PARTIES.iter().any(|(c, _)| *c == form.party) {
        return Err(AppError::invalid("party", "Partie inconnue."));
    }
    let signatory = validate::required("signatory", "Signataire", &form.signatory, 200)?;
    let signed_on = validate::date("signed_on", "Date de l’accord", &form.signed_on)?;
    if signed_on > time::today_paris() {
        return Err(AppError::invalid(
            "signed_on",
            "La date de l’accord ne peut pas être dans le futur.",
        ));
    }
    let valid_until =
        validate::optional_date("valid_until", "Valable jusqu’au", &form.valid_until)?;
    if valid_until.is_some_and(|v| v < signed_on) {
        return Err(AppError::invalid(
            "valid_until",
            "La fin de validité ne peut pas précéder la date de l’accord.",
        ));
    }
    let mut tx = e.state.begin().await?;
    lock_exclusive(&mut tx, id, projet).await?;
    let version = sqlx::query_scalar!(
        "SELECT max(number) FROM projet_version WHERE projet_id = $1",
        projet
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| fail(e, "finding the validated version"))?
    .ok_or_else(|| {
        AppError::invalid(
            "version",
            "L’accord porte sur une version validée : validez d’abord le projet.",
        )
    })?;
    if let Some(doc) = form.document_id {
        let ours = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM document WHERE id = $1 AND usager_id = $2) AS "ok!""#,
            doc,
            id
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| fail(e, "checking a document"))?;
        if !ours {
            return Err(AppError::invalid(
                "document_id",
                "Le document joint doit être un document du dossier de la personne.",
            ));
        }
    }
    let inserted = sqlx::query!(
        r#"INSERT INTO projet_accord (id, projet_id, version, party, signatory, signed_on, valid_until,
                                     document_id, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING"#,
        key,
        projet,
        version,
        form.party,
        signatory,
        signed_on as _,
        valid_until as _,
        form.document_id,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "recording an accord"))?;
    if inserted.rows_affected() == 0 {
        check_replay(
            &mut tx,
            Keyed::ProjetAccord,
            key,
            projet,
            e.principal.account_id,
        )
        .await?;
    }
    e.access.commit(tx, Some(key.to_string())).await
}

async fn version_snapshot(
    conn: &mut PgConnection,
    projet: Uuid,
    number: i32,
    h: &Head,
) -> Result<Snapshot, AppError> {
    if number == 0 {
        return snapshot(conn, projet, h).await;
    }
    let json = sqlx::query_scalar!(
        "SELECT snapshot FROM projet_version WHERE projet_id = $1 AND number = $2",
        projet,
        number
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| fail(e, "reading a version"))?
    .ok_or(AppError::NotFound)?;
    serde_json::from_value(json)
        .context("decoding a version")
        .map_err(db_error)
}

pub async fn compare(
    id: Uuid,
    projet: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<Difference>, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let h = head(&mut tx, id, projet).await?;
    let trame = trame_version(&mut tx, h.organisation_id, h.trame_version).await?;
    let a = version_snapshot(&mut tx, projet, from, &h).await?;
    let b = version_snapshot(&mut tx, projet, to, &h).await?;
    let names: Vec<(String, String)> = sqlx::query!(
        r#"SELECT id::text AS "id!", first_name || ' ' || last_name AS "name!" FROM account WHERE organisation_id = $1"#,
        h.organisation_id
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail(e, "naming staff"))?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    let staff_name = |s: &str| {
        names
            .iter()
            .find(|(id, _)| id == s)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let diff = super::compare::compare(&trame, &a, &b, &staff_name);
    e.access
        .commit(tx, Some(format!("{projet}/v{from}-v{to}")))
        .await?;
    Ok(diff)
}

pub async fn falc(id: Uuid, projet: Uuid) -> Result<FalcView, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let view = falc_of(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(format!("{projet}/falc"))).await?;
    Ok(view)
}

async fn falc_of(conn: &mut PgConnection, id: Uuid, projet: Uuid) -> Result<FalcView, AppError> {
    head(conn, id, projet).await?;
    let first_name = sqlx::query_scalar!("SELECT used_first_name FROM usager WHERE id = $1", id)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| fail(e, "reading the person"))?;
    let objectives = elements(conn, projet)
        .await?
        .into_iter()
        .filter(|el| !matches!(el.status.as_deref(), Some("ANNULE")))
        .filter_map(|el| match el.content {
            ElementContent::Objectif {
                title,
                falc,
                pictogram,
                ..
            } => Some(FalcObjective {
                pictogram,
                lines: {
                    let lines = super::falc::lines(&falc);
                    if lines.is_empty() {
                        vec![title]
                    } else {
                        lines
                    }
                },
            }),
            _ => None,
        })
        .collect();
    Ok(FalcView {
        first_name,
        objectives,
    })
}

/// Everything the printable document holds, through the same access check
/// and trail as the page (one read traced).
pub struct ProjetDocument {
    pub organisation: String,
    pub view: ProjetView,
    pub falc: FalcView,
    pub printed_at: String,
}

pub async fn document(projet: Uuid) -> Result<ProjetDocument, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let usager = sqlx::query_scalar!(
        "SELECT usager_id FROM projet WHERE id = $1 AND organisation_id = $2",
        projet,
        principal.organisation_id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(|e| fail(e, "finding a project"))?
    .ok_or(AppError::NotFound)?;
    let e = enter(usager, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let view = load(&mut tx, &e, usager, projet).await?;
    let falc = falc_of(&mut tx, usager, projet).await?;
    let organisation = sqlx::query_scalar!(
        "SELECT name FROM organisation WHERE id = $1",
        e.principal.organisation_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| fail(e, "naming the organisation"))?;
    e.access
        .commit(tx, Some(format!("{projet}/document")))
        .await?;
    Ok(ProjetDocument {
        organisation,
        view,
        falc,
        printed_at: time::date_time(Utc::now()),
    })
}

pub async fn echeances() -> Result<Echeances, AppError> {
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
    .map_err(|e| fail(e, "computing deadlines"))?;
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

pub async fn get_trame() -> Result<Trame, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let mut tx = state.begin().await?;
    let trame = current_trame(&mut tx, principal.organisation_id).await?;
    tx.commit()
        .await
        .context("committing the template")
        .map_err(db_error)?;
    Ok(trame)
}

pub async fn save_trame(version: i32, sections: Vec<TrameSection>) -> Result<i32, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let sections = super::trame::checked(sections)?;
    let mut tx = state.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('trame:' || $1::uuid::text))",
        principal.organisation_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "locking the template"))?;
    let current = current_trame(&mut tx, principal.organisation_id).await?;
    if current.version != version {
        return Err(AppError::Stale {
            current_version: current.version,
        });
    }
    // A key of the previous version keeps meaning the same field: a renamed
    // field keeps its values in the projects written with the new version.
    let json = serde_json::to_value(&sections).map_err(|e| db_error(e.into()))?;
    sqlx::query!(
        "INSERT INTO trame (organisation_id, version, sections, created_by) VALUES ($1, $2, $3, $4)",
        principal.organisation_id,
        version + 1,
        json,
        principal.account_id
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| fail(e, "saving the template"))?;
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(format!("trame/v{}", version + 1)),
            ..AuditEvent::by(&principal, None, "trame", "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing the template")
        .map_err(db_error)?;
    Ok(version + 1)
}

#[cfg(test)]
mod tests {
    use super::due_date;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_review_is_due_at_the_planned_date_and_at_the_latest_a_year_on() {
        assert_eq!(due_date(None, Some(d("2026-01-15"))), Some(d("2027-01-15")));
        assert_eq!(
            due_date(Some(d("2026-06-01")), Some(d("2026-01-15"))),
            Some(d("2026-06-01"))
        );
        assert_eq!(
            due_date(Some(d("2028-06-01")), Some(d("2026-01-15"))),
            Some(d("2027-01-15"))
        );
        assert_eq!(due_date(None, None), None);
    }
}

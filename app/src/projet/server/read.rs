//! Reading a person's projects and one project whole (the editor's view).

use super::*;
use crate::access::server::{enter, may, Entry};
use crate::access::{Action, Section};
use crate::projet::completeness::completeness;
use crate::projet::*;
use crate::state::db_error;
use crate::time;
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

pub async fn list_projets(id: Uuid) -> Result<ProjetList, AppError> {
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
    .context("listing projects")
    .map_err(db_error)?;
    let mut projets = Vec::new();
    for r in rows {
        let due = due_date(r.next_review, last_review(&mut tx, r.id).await?);
        projets.push(ProjetSummary {
            id: r.id,
            title: r.title,
            kind: r.kind,
            status: Statut::parse(&r.status).unwrap_or(Statut::EnPreparation),
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
    .context("listing the person's établissements")
    .map_err(db_error)?
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

pub async fn get_projet(id: Uuid, projet: Uuid) -> Result<ProjetView, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let view = load(&mut tx, &e, id, projet).await?;
    e.access.commit(tx, Some(projet.to_string())).await?;
    Ok(view)
}

pub(super) async fn load(
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
    .context("reading project fields")
    .map_err(db_error)?
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
    .context("reading a project's établissements")
    .map_err(db_error)?;
    let versions = sqlx::query!(
        r#"SELECT v.number, v.reason, v.completeness, v.validated_at AS "at: DateTime<Utc>",
                  a.first_name || ' ' || a.last_name AS "by!"
           FROM projet_version v JOIN account a ON a.id = v.validated_by
           WHERE v.projet_id = $1 ORDER BY v.number"#,
        projet
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading versions")
    .map_err(db_error)?
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
    .context("reading status changes")
    .map_err(db_error)?
    .into_iter()
    .map(|r| {
        let element: Option<ElementContent> =
            r.content.and_then(|c| serde_json::from_value(c).ok());
        let label = |code: &str| match &element {
            Some(_) => element_status_label(code).to_string(),
            None => Statut::parse(code)
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
    .context("reading bilans")
    .map_err(db_error)?;
    let mut bilans = Vec::new();
    for b in bilans_rows {
        let evaluations = sqlx::query!(
            r#"SELECT el.content, ev.result, ev.comment FROM projet_evaluation ev
               JOIN projet_element el ON el.id = ev.objectif_id WHERE ev.bilan_id = $1 ORDER BY el.created_at"#,
            b.id
        )
        .fetch_all(&mut *tx)
        .await
        .context("reading evaluations")
        .map_err(db_error)?
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
    .context("reading accords")
    .map_err(db_error)?
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
        status: Statut::parse(&h.status).unwrap_or(Statut::EnPreparation),
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
    .context("summing editing time")
    .map_err(db_error)
}

async fn informations(conn: &mut PgConnection, id: Uuid) -> Result<Informations, AppError> {
    let u = sqlx::query!(
        r#"SELECT used_first_name || ' ' || upper(used_last_name) AS "name!", birth_date AS "birth: NaiveDate"
           FROM usager WHERE id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await
    .context("reading the person")
    .map_err(db_error)?;
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
    .context("reading référents")
    .map_err(db_error)?;
    let contacts = sqlx::query!(
        r#"SELECT first_name || ' ' || last_name || ', ' || relationship AS "line!", role, phone
           FROM contact WHERE usager_id = $1 ORDER BY call_order"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading contacts")
    .map_err(db_error)?
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
    .context("reading protection measures")
    .map_err(db_error)?
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

/// When the person's projets in force are to be reviewed, soonest first,
/// for the record's overview: (projet, title, due date). The caller checked
/// the Projet read and traces it.
pub(crate) async fn due_of(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(Uuid, String, NaiveDate)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.title, p.next_review AS "next_review: NaiveDate",
                  GREATEST((SELECT max((validated_at AT TIME ZONE 'Europe/Paris')::date) FROM projet_version v
                            WHERE v.projet_id = p.id),
                           (SELECT max(held_on) FROM projet_bilan b WHERE b.projet_id = p.id))
                      AS "last_review: NaiveDate"
           FROM projet p WHERE p.usager_id = $1 AND p.status IN ('ENCOURS', 'ENPAUSE')"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the review dates of the projets in force")
    .map_err(db_error)?;
    let mut due: Vec<_> = rows
        .into_iter()
        .filter_map(|r| due_date(r.next_review, r.last_review).map(|d| (r.id, r.title, d)))
        .collect();
    due.sort_by_key(|(_, _, d)| *d);
    Ok(due)
}

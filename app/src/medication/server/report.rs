//! What the two printed documents of the circuit du médicament hold: the
//! administration report of a person for a period, and the document de
//! liaison d'urgence (DLU) handed over when the person leaves for
//! hospital. Both are read here, authorized and traced like any read of
//! the record; the `server` crate lays them out as PDF.

use super::super::*;
use super::chart::chart_of;
use super::treatment::treatments_for;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::medical::DirectiveStatus;
use crate::soins::{AllergyView, Liaison, MeasureSetView};
use crate::state::db_error;
use crate::usager::identity::Sex;
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

/// The longest period one report covers: a quarter.
pub const MAX_REPORT_DAYS: i64 = 92;

/// Who the document is about, and where the person lives.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    /// "12/03/1984 (42 ans)".
    pub birth: String,
    pub sex: String,
    /// "Né(e) DUPONT Marie Jeanne".
    pub birth_names: String,
    /// The INS matricule and its status, when the identity is qualified.
    pub ins: Option<String>,
    /// "FAM Les Tilleuls — Unité Lilas".
    pub places: Vec<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AdministrationReport {
    pub organisation: String,
    pub person: Person,
    /// "du 01/12/2026 au 07/12/2026".
    pub period: String,
    pub chart: AdministrationChart,
    /// Lines in force at some time of the period.
    pub treatments: Vec<LineView>,
    pub source: Option<String>,
    /// "le 7 décembre 2026 à 18:40 par Sarah LAMBERT".
    pub printed: String,
}

#[derive(Debug, Clone)]
pub struct EmergencyLiaison {
    pub organisation: String,
    pub person: Person,
    /// "Famille — Martine MOREAU (mère) — 06 12 34 56 78", in call order.
    pub contacts: Vec<String>,
    /// The protection measures in force.
    pub protections: Vec<String>,
    pub medecin_traitant: Option<String>,
    pub professionals: Vec<String>,
    pub allergies: Vec<AllergyView>,
    pub allergies_note: String,
    pub treatments: Vec<LineView>,
    pub vitals: Vec<MeasureSetView>,
    pub liaison: Liaison,
    pub directive: String,
    pub source: Option<String>,
    pub printed: String,
}

async fn organisation_name(conn: &mut PgConnection, id: Uuid) -> Result<String, AppError> {
    sqlx::query_scalar!("SELECT name FROM organisation WHERE id = $1", id)
        .fetch_one(conn)
        .await
        .context("naming the organisation")
        .map_err(db_error)
}

async fn printed_by(conn: &mut PgConnection, account: Uuid) -> Result<String, AppError> {
    let by = sqlx::query_scalar!(
        r#"SELECT first_name || ' ' || upper(last_name) AS "name!" FROM account WHERE id = $1"#,
        account
    )
    .fetch_one(conn)
    .await
    .context("naming who prints")
    .map_err(db_error)?;
    Ok(format!("le {} par {by}", time::date_time(Utc::now())))
}

async fn person(conn: &mut PgConnection, id: Uuid) -> Result<Person, AppError> {
    let r = sqlx::query!(
        r#"SELECT used_first_name, used_last_name, birth_last_name, birth_first_names,
                  birth_date AS "birth_date: NaiveDate", sex, identity_status, ins_matricule, address
           FROM usager WHERE id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await
    .context("reading who a document is about")
    .map_err(db_error)?;
    let today = time::today_paris();
    let places = sqlx::query_scalar!(
        r#"SELECT e.name || coalesce(' — ' || u.name, '') AS "place!"
           FROM accompagnement a JOIN etablissement e ON e.id = a.etablissement_id
           LEFT JOIN unit u ON u.id = a.unit_id
           WHERE a.usager_id = $1 AND a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date >= $2)
           ORDER BY e.name"#,
        id,
        today as _
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading where the person lives")
    .map_err(db_error)?;
    Ok(Person {
        name: format!("{} {}", r.used_first_name, r.used_last_name.to_uppercase()),
        birth: format!(
            "{} ({} ans)",
            time::short_date(r.birth_date),
            time::age_on(r.birth_date, today)
        ),
        sex: Sex::label_of(&r.sex).to_string(),
        birth_names: format!("{} {}", r.birth_last_name, r.birth_first_names),
        ins: r
            .ins_matricule
            .filter(|_| r.identity_status == "QUAL")
            .map(|m| format!("{m} (identité qualifiée)")),
        places,
        address: r.address,
    })
}

/// Reads the period of a report: two dates, in order, not in the future,
/// at most `MAX_REPORT_DAYS` days.
pub fn report_period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), AppError> {
    let (from, to) = (
        validate::date("du", "Du", from)?,
        validate::date("au", "Au", to)?,
    );
    if to < from {
        return Err(AppError::invalid(
            "au",
            "La fin de la période ne peut pas précéder son début.",
        ));
    }
    if to > time::today_paris() {
        return Err(AppError::invalid(
            "au",
            "La période ne peut pas finir après aujourd’hui.",
        ));
    }
    if (to - from).num_days() + 1 > MAX_REPORT_DAYS {
        return Err(AppError::invalid(
            "du",
            "Un rapport couvre au plus 92 jours : choisissez une période plus courte.",
        ));
    }
    Ok((from, to))
}

pub async fn administration_report(
    id: Uuid,
    from: &str,
    to: &str,
) -> Result<AdministrationReport, AppError> {
    let e = enter(id, Section::Soins, Action::Read).await?;
    let (from, to) = report_period(from, to)?;
    let mut tx = e.state.begin().await?;
    let chart = chart_of(&mut tx, id, from, to).await?;
    let all = treatments_for(&mut tx, &e.principal, id).await?;
    // The lines the period saw: started by its end, not stopped before it.
    let in_period: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT id FROM prescription_line
           WHERE usager_id = $1 AND starts_on <= $3 AND (ends_on IS NULL OR ends_on >= $2)
             AND (stopped_at IS NULL OR stopped_at >= $4::timestamptz)"#,
        id,
        from as _,
        to as _,
        time::paris_midnight(from) as _
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading the lines of a period")
    .map_err(db_error)?;
    let treatments = all
        .in_force
        .into_iter()
        .chain(all.stopped)
        .filter(|l| in_period.contains(&l.id))
        .collect();
    let report = AdministrationReport {
        organisation: organisation_name(&mut tx, e.principal.organisation_id).await?,
        person: person(&mut tx, id).await?,
        period: format!("du {} au {}", time::short_date(from), time::short_date(to)),
        chart,
        treatments,
        source: all.source,
        printed: printed_by(&mut tx, e.principal.account_id).await?,
    };
    e.access
        .commit(tx, Some(format!("rapport_prises/{from}/{to}")))
        .await?;
    Ok(report)
}

/// The DLU. Read with the soins section's right: the team that gives the
/// care prints it when the person leaves, day or night. The directives
/// anticipées appear as the médical section states them — whether they
/// exist and where to find them, never their content.
pub async fn emergency_liaison(id: Uuid) -> Result<EmergencyLiaison, AppError> {
    let e = enter(id, Section::Soins, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let today = time::today_paris();
    use crate::usager::server::administrative::{contacts_of, professionals_of, protections_of};
    let contacts = contacts_of(&mut tx, id)
        .await?
        .into_iter()
        .map(|c| {
            format!(
                "{} — {} ({}){}",
                c.role.label(),
                c.name,
                c.relationship,
                c.phone.map(|p| format!(" — {p}")).unwrap_or_default()
            )
        })
        .collect();
    let protections = protections_of(&mut tx, id, today)
        .await?
        .into_iter()
        .filter(|p| p.current)
        .map(|p| {
            format!(
                "{} — {}{}",
                p.kind,
                p.mandataire,
                p.phone.map(|t| format!(" — {t}")).unwrap_or_default()
            )
        })
        .collect();
    let mut medecin_traitant = None;
    let mut professionals = Vec::new();
    for p in professionals_of(&mut tx, id).await? {
        let words = format!(
            "{} — {}{}",
            p.name,
            p.role,
            p.phone.map(|t| format!(" — {t}")).unwrap_or_default()
        );
        if p.medecin_traitant && medecin_traitant.is_none() {
            medecin_traitant = Some(words);
        } else {
            professionals.push(words);
        }
    }
    let allergies = crate::soins::server::allergies_of(&mut tx, id).await?;
    let treatments = treatments_for(&mut tx, &e.principal, id).await?;
    let vitals = crate::soins::server::latest_sets(&mut tx, id, 3).await?;
    let liaison = crate::soins::server::liaison_of(&mut tx, id).await?;
    let directive = sqlx::query!(
        r#"SELECT d.status, d.location, d.stated_at AS "stated_at: DateTime<Utc>"
           FROM advance_directive d WHERE d.usager_id = $1"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the directives anticipées of a DLU")
    .map_err(db_error)?
    .map_or_else(
        || "Non renseigné".to_string(),
        |d| {
            format!(
                "{}{} (déclaré le {})",
                DirectiveStatus::label_of(&d.status),
                d.location
                    .map(|l| format!(" — où les trouver : {l}"))
                    .unwrap_or_default(),
                time::short_date(time::paris_date(d.stated_at))
            )
        },
    );
    let dlu = EmergencyLiaison {
        organisation: organisation_name(&mut tx, e.principal.organisation_id).await?,
        person: person(&mut tx, id).await?,
        contacts,
        protections,
        medecin_traitant,
        professionals,
        allergies_note: allergies.band(),
        allergies: allergies.in_force,
        treatments: treatments.in_force,
        vitals: vitals
            .into_iter()
            .filter(|s| !s.measures.summary().is_empty())
            .collect(),
        liaison,
        directive,
        source: treatments.source,
        printed: printed_by(&mut tx, e.principal.account_id).await?,
    };
    e.access.commit(tx, Some("dlu".into())).await?;
    Ok(dlu)
}

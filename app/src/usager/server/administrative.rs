//! The administrative record on the server: contacts, protection, external
//! professionals, référents and accompaniments (admission, end, transfer).

use crate::access::server::{enter, may};
use crate::access::{organisation_wide_admin, Action, Section};
use crate::error::AppError;
use crate::state::db_error;
use crate::time;
use crate::usager::administrative::*;
use crate::validate;
use anyhow::Context as _;
use chrono::NaiveDate;
use uuid::Uuid;

use time::period;

pub async fn get_administrative(id: Uuid) -> Result<AdministrativeFile, AppError> {
    let e = enter(id, Section::Identite, Action::Read).await?;
    let today = time::today_paris();
    let mut tx = e.state.begin().await?;
    let contacts = contacts_of(&mut tx, id).await?;
    let protections = protections_of(&mut tx, id, today).await?;
    let professionals = professionals_of(&mut tx, id).await?;
    let referents = sqlx::query!(
        r#"SELECT e.name AS etablissement, a.first_name || ' ' || a.last_name AS "name!",
                  r.since AS "since: NaiveDate"
           FROM referent r JOIN etablissement e ON e.id = r.etablissement_id
           JOIN account a ON a.id = r.account_id
           WHERE r.usager_id = $1 ORDER BY e.name"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .context("loading référents")
    .map_err(db_error)?
    .into_iter()
    .map(|r| ReferentView {
        etablissement: r.etablissement,
        name: r.name,
        since: time::short_date(r.since),
    })
    .collect();
    let accompagnements = accompaniments(&mut tx, id, today).await?;
    let can_edit = may(&mut tx, &e.principal, id, Section::Identite, Action::Write).await?;
    let (places, referent_candidates) = if can_edit {
        (
            places_of(&mut tx, &e.principal).await?,
            referent_candidates(&mut tx, id).await?,
        )
    } else {
        (vec![], vec![])
    };
    e.access.commit(tx, Some("administratif".into())).await?;
    Ok(AdministrativeFile {
        contacts,
        protections,
        professionals,
        referents,
        accompagnements,
        places,
        referent_candidates,
        can_edit,
    })
}

/// The person's contacts, in call order.
pub(crate) async fn contacts_of(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<Vec<ContactView>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT role, first_name || ' ' || upper(last_name) AS "name!", relationship, phone, email, call_order
           FROM contact WHERE usager_id = $1 ORDER BY call_order, last_name"#,
        id
    )
    .fetch_all(conn)
    .await
    .context("loading contacts")
    .map_err(db_error)?
    .into_iter()
    .filter_map(|r| {
        Some(ContactView {
            role: ContactRole::parse(&r.role)?,
            name: r.name,
            relationship: r.relationship,
            phone: r.phone,
            email: r.email,
            call_order: r.call_order,
        })
    })
    .collect())
}

/// The protection measures, newest first, each saying whether it is in
/// force on `today`.
pub(crate) async fn protections_of(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    today: NaiveDate,
) -> Result<Vec<ProtectionView>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT kind, mandataire, mandataire_phone, start_date AS "start_date: NaiveDate",
                  end_date AS "end_date: NaiveDate"
           FROM protection_measure WHERE usager_id = $1 ORDER BY start_date DESC"#,
        id
    )
    .fetch_all(conn)
    .await
    .context("loading protection measures")
    .map_err(db_error)?
    .into_iter()
    .map(|r| ProtectionView {
        kind: ProtectionKind::label_of(&r.kind),
        mandataire: r.mandataire,
        phone: r.mandataire_phone,
        period: period(r.start_date, r.end_date),
        current: r.start_date <= today && r.end_date.is_none_or(|d| d >= today),
    })
    .collect())
}

/// The professionals outside the organisation, the médecin traitant first.
pub(crate) async fn professionals_of(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<Vec<ProfessionalView>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT role, name, phone, medecin_traitant FROM external_professional
           WHERE usager_id = $1 ORDER BY medecin_traitant DESC, role"#,
        id
    )
    .fetch_all(conn)
    .await
    .context("loading external professionals")
    .map_err(db_error)?
    .into_iter()
    .map(|r| ProfessionalView {
        role: r.role,
        name: r.name,
        phone: r.phone,
        medecin_traitant: r.medecin_traitant,
    })
    .collect())
}

/// Staff assigned where the person is accompanied today (same
/// établissement; the same unit, or the whole établissement).
async fn referent_candidates(
    conn: &mut sqlx::PgConnection,
    usager_id: Uuid,
) -> Result<Vec<ReferentCandidate>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT DISTINCT s.etablissement_id AS "etablissement_id!", s.account_id AS "account_id!",
                  ac.first_name || ' ' || ac.last_name || ' — ' || e.name AS "label!"
           FROM current_perimeter s
           JOIN etablissement e ON e.id = s.etablissement_id
           JOIN account ac ON ac.id = s.account_id AND ac.active
           WHERE s.usager_id = $1
             AND ac.profession NOT IN ('directeur', 'administrateur', 'secretaire')
           ORDER BY 3"#,
        usager_id
    )
    .fetch_all(conn)
    .await
    .context("listing possible référents")
    .map_err(db_error)?
    .into_iter()
    .map(|r| ReferentCandidate {
        etablissement_id: r.etablissement_id,
        account_id: r.account_id,
        label: r.label,
    })
    .collect())
}

pub async fn set_referent(id: Uuid, candidate: String) -> Result<(), AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    let chosen = referent_candidates(&mut tx, id)
        .await?
        .into_iter()
        .find(|c| c.code() == candidate)
        .ok_or_else(|| {
            AppError::invalid(
                "candidate",
                "Choisissez un professionnel qui travaille là où la personne est accompagnée.",
            )
        })?;
    sqlx::query!(
        r#"INSERT INTO referent (organisation_id, usager_id, etablissement_id, account_id, since)
           VALUES ($1, $2, $3, $4, paris_today())
           ON CONFLICT (usager_id, etablissement_id)
           DO UPDATE SET account_id = EXCLUDED.account_id, since = EXCLUDED.since
           WHERE referent.account_id <> EXCLUDED.account_id"#,
        e.principal.organisation_id,
        id,
        chosen.etablissement_id,
        chosen.account_id
    )
    .execute(&mut *tx)
    .await
    .context("designating a référent")
    .map_err(db_error)?;
    e.access.commit(tx, Some(candidate)).await
}

pub async fn add_professional(id: Uuid, form: ProfessionalForm) -> Result<(), AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    let role = validate::required("role", "Fonction", &form.role, 100)?;
    let name = validate::required("name", "Nom", &form.name, 200)?;
    let phone = validate::optional("phone", "Téléphone", &form.phone, 40)?;
    let mut tx = e.state.begin().await?;
    if form.medecin_traitant {
        sqlx::query!(
            "UPDATE external_professional SET medecin_traitant = false WHERE usager_id = $1",
            id
        )
        .execute(&mut *tx)
        .await
        .context("replacing the médecin traitant")
        .map_err(db_error)?;
    }
    let pid = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO external_professional (id, organisation_id, usager_id, role, name, phone, medecin_traitant)
           VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        pid,
        e.principal.organisation_id,
        id,
        role,
        name,
        phone,
        form.medecin_traitant
    )
    .execute(&mut *tx)
    .await
    .context("adding an external professional")
    .map_err(db_error)?;
    e.access.commit(tx, Some(pid.to_string())).await
}

/// Every accompaniment of the usager, current ones first (the record
/// header shows the current ones, the administrative file all).
pub(crate) async fn accompaniments(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    today: NaiveDate,
) -> Result<Vec<AccompagnementLine>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT a.id, e.name AS etablissement, un.name AS "unit?", a.start_date AS "start_date: NaiveDate",
                  a.end_date AS "end_date: NaiveDate", a.entry_mode, a.exit_mode
           FROM accompagnement a JOIN etablissement e ON e.id = a.etablissement_id
           LEFT JOIN unit un ON un.id = a.unit_id
           WHERE a.usager_id = $1
           ORDER BY (a.end_date IS NULL) DESC, a.start_date DESC"#,
        id
    )
    .fetch_all(conn)
    .await
    .context("loading accompaniments")
    .map_err(db_error)?
    .into_iter()
    .map(|a| AccompagnementLine {
        id: a.id,
        etablissement: a.etablissement,
        unit: a.unit,
        period: period(a.start_date, a.end_date),
        entry_mode: EntryMode::label_of(&a.entry_mode),
        exit_mode: a.exit_mode.map(|m| ExitMode::label_of(&m)),
        current: a.start_date <= today && a.end_date.is_none_or(|d| d >= today),
    })
    .collect())
}

/// Where the caller may admit: the units of the établissements they are
/// assigned to (all of the organisation for direction and administrators).
async fn places_of(
    conn: &mut sqlx::PgConnection,
    principal: &crate::auth::server::Principal,
) -> Result<Vec<Place>, AppError> {
    let everywhere = principal.profession.is_some_and(organisation_wide_admin);
    Ok(sqlx::query!(
        r#"SELECT e.id AS etablissement_id, un.id AS unit_id, e.name || ' — ' || un.name AS "label!"
           FROM unit un JOIN etablissement e ON e.id = un.etablissement_id
           WHERE e.organisation_id = $1
             AND ($3 OR EXISTS (SELECT 1 FROM current_assignment s
                      WHERE s.account_id = $2 AND s.etablissement_id = e.id))
           ORDER BY e.name, un.name"#,
        principal.organisation_id,
        principal.account_id,
        everywhere
    )
    .fetch_all(conn)
    .await
    .context("listing admission places")
    .map_err(db_error)?
    .into_iter()
    .map(|r| Place {
        etablissement_id: r.etablissement_id,
        unit_id: Some(r.unit_id),
        label: r.label,
    })
    .collect())
}

pub async fn add_contact(id: Uuid, form: ContactForm) -> Result<(), AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    let role = ContactRole::parse(&form.role)
        .ok_or_else(|| AppError::invalid("role", "Choisissez le rôle du contact."))?;
    let last_name = validate::required("last_name", "Nom", &form.last_name, 100)?;
    let first_name = validate::required("first_name", "Prénom", &form.first_name, 100)?;
    let relationship = validate::required("relationship", "Lien", &form.relationship, 100)?;
    let phone = validate::optional("phone", "Téléphone", &form.phone, 40)?;
    let email = validate::optional("email", "Courriel", &form.email, 200)?;
    if email.as_deref().is_some_and(|m| !m.contains('@')) {
        return Err(AppError::invalid("email", "Le courriel n’est pas valide."));
    }
    if phone.is_none() && email.is_none() {
        return Err(AppError::invalid(
            "phone",
            "Indiquez au moins un téléphone ou un courriel pour joindre ce contact.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let contact_id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO contact (id, organisation_id, usager_id, role, last_name, first_name, relationship,
                                phone, email, call_order)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                   (SELECT COALESCE(max(call_order), 0) + 1 FROM contact WHERE usager_id = $3))"#,
        contact_id,
        e.principal.organisation_id,
        id,
        role.code(),
        last_name,
        first_name,
        relationship,
        phone,
        email
    )
    .execute(&mut *tx)
    .await
    .context("adding a contact")
    .map_err(db_error)?;
    e.access.commit(tx, Some(contact_id.to_string())).await
}

pub async fn add_protection(id: Uuid, form: ProtectionForm) -> Result<(), AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    if ProtectionKind::parse(&form.kind).is_none() {
        return Err(AppError::invalid(
            "kind",
            "Choisissez la mesure de protection.",
        ));
    }
    let mandataire = validate::required("mandataire", "Mandataire", &form.mandataire, 200)?;
    let phone = validate::optional("phone", "Téléphone", &form.phone, 40)?;
    let start = validate::date("start_date", "Début", &form.start_date)?;
    let end = validate::optional_date("end_date", "Fin", &form.end_date)?;
    validate::ordered(
        "end_date",
        Some(start),
        end,
        "La fin de la mesure ne peut pas précéder son début.",
    )?;
    let mut tx = e.state.begin().await?;
    let pid = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO protection_measure (id, organisation_id, usager_id, kind, mandataire, mandataire_phone,
                                           start_date, end_date)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        pid,
        e.principal.organisation_id,
        id,
        form.kind,
        mandataire,
        phone,
        start as _,
        end as _
    )
    .execute(&mut *tx)
    .await
    .context("adding a protection measure")
    .map_err(db_error)?;
    e.access.commit(tx, Some(pid.to_string())).await
}

/// `place` is `etablissement_id/unit_id`, as the form's options carry it.
async fn parse_place(
    conn: &mut sqlx::PgConnection,
    principal: &crate::auth::server::Principal,
    place: &str,
) -> Result<Place, AppError> {
    let places = places_of(conn, principal).await?;
    places
        .into_iter()
        .find(|p| place_code(p) == place)
        .ok_or_else(|| AppError::invalid("place", "Choisissez un établissement et une unité."))
}

pub async fn admit(
    id: Uuid,
    place: String,
    start_date: String,
    entry_mode: String,
) -> Result<Uuid, AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    let start = validate::date("start_date", "Date d’entrée", &start_date)?;
    if EntryMode::parse(&entry_mode).is_none() {
        return Err(AppError::invalid(
            "entry_mode",
            "Choisissez le mode d’entrée.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let place = parse_place(&mut tx, &e.principal, &place).await?;
    let new_id = open(&mut tx, &e.principal, id, &place, start, &entry_mode).await?;
    e.access.commit(tx, Some(new_id.to_string())).await?;
    Ok(new_id)
}

async fn open(
    conn: &mut sqlx::PgConnection,
    principal: &crate::auth::server::Principal,
    usager_id: Uuid,
    place: &Place,
    start: NaiveDate,
    entry_mode: &str,
) -> Result<Uuid, AppError> {
    let overlapping = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM accompagnement WHERE usager_id = $1 AND etablissement_id = $2
               AND (end_date IS NULL OR end_date >= $3)) AS "x!""#,
        usager_id,
        place.etablissement_id,
        start as _
    )
    .fetch_one(&mut *conn)
    .await
    .context("checking overlapping accompaniments")
    .map_err(db_error)?;
    if overlapping {
        return Err(AppError::invalid(
            "place",
            "La personne est déjà accompagnée par cet établissement à cette date : terminez d’abord l’accompagnement en cours.",
        ));
    }
    let new_id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO accompagnement (id, organisation_id, usager_id, etablissement_id, unit_id, start_date, entry_mode)
           VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        new_id,
        principal.organisation_id,
        usager_id,
        place.etablissement_id,
        place.unit_id,
        start as _,
        entry_mode
    )
    .execute(&mut *conn)
    .await
    .context("opening an accompaniment")
    .map_err(db_error)?;
    Ok(new_id)
}

pub async fn end_accompaniment(
    id: Uuid,
    accompagnement_id: Uuid,
    end_date: String,
    exit_mode: String,
    transfer_to: String,
) -> Result<(), AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    let end = validate::date("end_date", "Date de fin", &end_date)?;
    if ExitMode::parse(&exit_mode).is_none() {
        return Err(AppError::invalid(
            "exit_mode",
            "Choisissez le mode de sortie.",
        ));
    }
    let mut tx = e.state.begin().await?;
    let start = sqlx::query_scalar!(
        r#"SELECT start_date AS "start: NaiveDate" FROM accompagnement
           WHERE id = $1 AND usager_id = $2 AND end_date IS NULL FOR UPDATE"#,
        accompagnement_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("loading the accompaniment to end")
    .map_err(db_error)?
    .ok_or(AppError::Conflict)?;
    validate::ordered(
        "end_date",
        Some(start),
        Some(end),
        &format!(
            "L’accompagnement ne peut pas se terminer avant d’avoir commencé (le {}).",
            time::short_date(start)
        ),
    )?;
    sqlx::query!(
        "UPDATE accompagnement SET end_date = $2, exit_mode = $3 WHERE id = $1",
        accompagnement_id,
        end as _,
        exit_mode
    )
    .execute(&mut *tx)
    .await
    .context("ending an accompaniment")
    .map_err(db_error)?;
    if !transfer_to.is_empty() {
        let place = parse_place(&mut tx, &e.principal, &transfer_to).await?;
        let next = end.succ_opt().unwrap_or(end);
        open(&mut tx, &e.principal, id, &place, next, "transfert").await?;
    }
    e.access
        .commit(tx, Some(accompagnement_id.to_string()))
        .await
}

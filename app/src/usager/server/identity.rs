//! Reading and editing the identity, with the RNIV rules: traits normalised,
//! DOUT/FICT only with PROV, QUAL only with a matricule, a strict-trait change
//! of a qualified identity demotes it (and the reason is kept), concurrent
//! edits refused with the current version.

use crate::access::server::{enter, may};
use crate::access::{Action, Section};
use crate::error::AppError;
use crate::state::db_error;
use crate::usager::identity::{
    normalise_trait, IdentityForm, IdentityView, InseeCode, Nir, Sex, TrustStatus, INS_OIDS,
};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn get_identity(id: Uuid) -> Result<IdentityView, AppError> {
    let e = enter(id, Section::Identite, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let mut view = load(&mut tx, id).await?;
    view.can_edit = may(&mut tx, &e.principal, id, Section::Identite, Action::Write).await?;
    e.access.commit(tx, Some("identite".into())).await?;
    Ok(view)
}

async fn load(conn: &mut PgConnection, id: Uuid) -> Result<IdentityView, AppError> {
    let r = sqlx::query!(
        r#"SELECT version, birth_last_name, birth_first_names, used_last_name, used_first_name,
                  birth_date AS "birth_date: NaiveDate", sex, birthplace_insee, identity_status,
                  identity_doubtful, identity_fictitious, ins_matricule, ins_oid, address, phone
           FROM usager WHERE id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await
    .context("loading an identity")
    .map_err(db_error)?;
    let history = sqlx::query!(
        r#"SELECT c.at AS "at: chrono::DateTime<chrono::Utc>", c.from_status, c.to_status, c.reason,
                  a.first_name || ' ' || a.last_name AS "by!"
           FROM identity_change c JOIN account a ON a.id = c.account_id
           WHERE c.usager_id = $1 ORDER BY c.at DESC"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
    .context("loading the identity history")
    .map_err(db_error)?
    .into_iter()
    .map(|h| {
        format!(
            "{} — {} → {} : {} ({})",
            time::date_time(h.at),
            h.from_status,
            h.to_status,
            h.reason,
            h.by
        )
    })
    .collect();
    let status = TrustStatus::parse(&r.identity_status).unwrap_or(TrustStatus::Prov);
    let qualified = status == TrustStatus::Qual;
    Ok(IdentityView {
        usager_id: id,
        version: r.version,
        birth_last_name: r.birth_last_name,
        birth_first_names: r.birth_first_names,
        used_last_name: r.used_last_name,
        used_first_name: r.used_first_name,
        birth_date: r.birth_date.to_string(),
        sex: Sex::parse(&r.sex).unwrap_or(Sex::I),
        birthplace_insee: r.birthplace_insee,
        status,
        doubtful: r.identity_doubtful,
        fictitious: r.identity_fictitious,
        // The matricule leaves the server only for a qualified identity.
        matricule: r.ins_matricule.filter(|_| qualified),
        oid: r.ins_oid.filter(|_| qualified),
        address: r.address,
        phone: r.phone,
        history,
        can_edit: false,
    })
}

/// A form parsed into values the database accepts.
struct Parsed {
    birth_last_name: String,
    birth_first_names: String,
    used_last_name: String,
    used_first_name: String,
    birth_date: NaiveDate,
    sex: Sex,
    birthplace: Option<InseeCode>,
    status: TrustStatus,
    doubtful: bool,
    fictitious: bool,
    matricule: Option<Nir>,
    oid: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    reason: Option<String>,
}

fn strict(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v =
        normalise_trait(value).map_err(|m| AppError::invalid(field, &format!("{label} : {m}")))?;
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            &format!("{label} : {max} caractères au plus."),
        ));
    }
    Ok(v)
}

fn parse(form: &IdentityForm, today: NaiveDate) -> Result<Parsed, AppError> {
    let birth_date = validate::date("birth_date", "Date de naissance", &form.birth_date)?;
    if birth_date > today {
        return Err(AppError::invalid(
            "birth_date",
            "La date de naissance ne peut pas être dans le futur.",
        ));
    }
    if birth_date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(birth_date) {
        return Err(AppError::invalid(
            "birth_date",
            "La date de naissance est antérieure à 1900 : vérifiez-la.",
        ));
    }
    let sex =
        Sex::parse(&form.sex).ok_or_else(|| AppError::invalid("sex", "Choisissez le sexe."))?;
    let status = TrustStatus::parse(&form.status)
        .ok_or_else(|| AppError::invalid("status", "Choisissez le statut de l’identité."))?;
    let birthplace = match form.birthplace_insee.trim() {
        "" => None,
        code => Some(InseeCode::parse(code).map_err(|m| AppError::invalid("birthplace_insee", m))?),
    };
    let matricule = match form.matricule.trim() {
        "" => None,
        m => Some(Nir::parse(m).map_err(|e| AppError::invalid("matricule", &e.to_string()))?),
    };
    let oid = match (form.oid.trim(), &matricule) {
        ("", None) => None,
        ("", Some(_)) => Some(INS_OIDS[0].0.to_string()),
        (oid, _) if INS_OIDS.iter().any(|(o, _)| *o == oid) => Some(oid.to_string()),
        _ => {
            return Err(AppError::invalid(
                "oid",
                "L’OID du matricule INS n’est pas reconnu.",
            ))
        }
    };
    if status != TrustStatus::Prov && (form.doubtful || form.fictitious) {
        return Err(AppError::invalid(
            "status",
            "Les mentions « identité douteuse » et « identité fictive » ne sont possibles qu’avec une identité provisoire.",
        ));
    }
    if status == TrustStatus::Qual && (matricule.is_none() || birthplace.is_none()) {
        return Err(AppError::invalid(
            "matricule",
            "Une identité qualifiée exige le matricule INS et le lieu de naissance.",
        ));
    }
    Ok(Parsed {
        birth_last_name: strict(
            "birth_last_name",
            "Nom de naissance",
            &form.birth_last_name,
            100,
        )?,
        birth_first_names: strict(
            "birth_first_names",
            "Prénoms de naissance",
            &form.birth_first_names,
            200,
        )?,
        used_last_name: validate::required(
            "used_last_name",
            "Nom utilisé",
            &form.used_last_name,
            100,
        )?,
        used_first_name: validate::required(
            "used_first_name",
            "Prénom utilisé",
            &form.used_first_name,
            100,
        )?,
        birth_date,
        sex,
        birthplace,
        status,
        doubtful: form.doubtful,
        fictitious: form.fictitious,
        matricule,
        oid,
        address: validate::optional("address", "Adresse", &form.address, 500)?,
        phone: validate::optional("phone", "Téléphone", &form.phone, 40)?,
        reason: validate::optional("reason", "Motif", &form.reason, 500)?,
    })
}

pub async fn update_identity(
    id: Uuid,
    version: i32,
    form: IdentityForm,
) -> Result<IdentityView, AppError> {
    let e = enter(id, Section::Identite, Action::Write).await?;
    let mut p = parse(&form, time::today_paris())?;
    let mut tx = e.state.begin().await?;
    let current = sqlx::query!(
        r#"SELECT version, identity_status, birth_last_name, birth_first_names,
                  birth_date AS "birth_date: NaiveDate", sex, birthplace_insee, ins_matricule
           FROM usager WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_one(&mut *tx)
    .await
    .context("locking the identity")
    .map_err(db_error)?;
    if current.version != version {
        return Err(AppError::Stale {
            current_version: current.version,
        });
    }
    let before = TrustStatus::parse(&current.identity_status).unwrap_or(TrustStatus::Prov);
    // The form of a non-qualified identity never carries the matricule back:
    // an empty field keeps the stored one.
    if p.matricule.is_none() && form.matricule.trim().is_empty() && before != TrustStatus::Qual {
        p.matricule = current
            .ins_matricule
            .as_deref()
            .and_then(|m| Nir::parse(m).ok());
        if p.matricule.is_some() && p.oid.is_none() {
            p.oid = Some(INS_OIDS[0].0.to_string());
        }
    }
    let strict_changed = current.birth_last_name != p.birth_last_name
        || current.birth_first_names != p.birth_first_names
        || current.birth_date != p.birth_date
        || current.sex != p.sex.code()
        || current.birthplace_insee.as_deref() != p.birthplace.as_ref().map(InseeCode::as_str);
    let demoted = before == TrustStatus::Qual && strict_changed;
    if demoted {
        if p.status == TrustStatus::Qual {
            p.status = before.demoted();
        }
        if p.reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                "Un trait strict d’une identité qualifiée change : indiquez le motif (l’identité ne sera plus qualifiée).",
            ));
        }
    }
    if p.status != before {
        let reason = p
            .reason
            .clone()
            .unwrap_or_else(|| format!("Passage au statut {}", p.status.code()));
        sqlx::query!(
            r#"INSERT INTO identity_change (organisation_id, usager_id, account_id, from_status, to_status, reason)
               VALUES ($1, $2, $3, $4, $5, $6)"#,
            e.principal.organisation_id,
            id,
            e.principal.account_id,
            before.code(),
            p.status.code(),
            reason
        )
        .execute(&mut *tx)
        .await
        .context("recording an identity status change")
        .map_err(db_error)?;
    }
    sqlx::query!(
        r#"UPDATE usager SET birth_last_name = $2, birth_first_names = $3, used_last_name = $4,
                  used_first_name = $5, birth_date = $6, sex = $7, birthplace_insee = $8,
                  identity_status = $9, identity_doubtful = $10, identity_fictitious = $11,
                  ins_matricule = $12, ins_oid = $13, address = $14, phone = $15,
                  version = version + 1, updated_at = now()
           WHERE id = $1"#,
        id,
        p.birth_last_name,
        p.birth_first_names,
        p.used_last_name,
        p.used_first_name,
        p.birth_date as _,
        p.sex.code(),
        p.birthplace.as_ref().map(InseeCode::as_str),
        p.status.code(),
        p.doubtful,
        p.fictitious,
        p.matricule.as_ref().map(Nir::as_str),
        p.oid,
        p.address,
        p.phone
    )
    .execute(&mut *tx)
    .await
    .context("saving an identity")
    .map_err(db_error)?;
    let mut view = load(&mut tx, id).await?;
    view.can_edit = true;
    e.access.commit(tx, Some("identite".into())).await?;
    Ok(view)
}

//! The audit trail: one event per access, allowed or denied, hash-chained
//! per organisation; the record's "qui a consulté" and the search of the
//! whole trail (itself traced).

use super::{authorize, require, BREAK_GLASS};
use crate::access::{AccessLine, Action, AuditFilter, Section};
use crate::auth::server::{require_principal, Principal};
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::organisation::Profession;
use crate::state::{db_error, request_id, AppState};
use crate::time;
use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

/// One line of the audit trail, before it is chained.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub organisation_id: Uuid,
    pub account_id: Uuid,
    pub profession: Option<String>,
    pub usager_id: Option<Uuid>,
    pub section: String,
    pub action: String,
    pub object_id: Option<String>,
    pub allowed: bool,
    pub break_glass: bool,
    pub request_id: String,
}

impl AuditEvent {
    /// An allowed access of `principal`, without object or emergency flag;
    /// adjust the rest with struct update syntax.
    pub fn by(
        principal: &Principal,
        usager_id: Option<Uuid>,
        section: &str,
        action: &str,
    ) -> AuditEvent {
        AuditEvent {
            organisation_id: principal.organisation_id,
            account_id: principal.account_id,
            profession: principal.profession.map(|p| p.code().to_string()),
            usager_id,
            section: section.to_string(),
            action: action.to_string(),
            object_id: None,
            allowed: true,
            break_glass: false,
            request_id: request_id(),
        }
    }
}

/// The chain's first link.
pub const GENESIS: [u8; 32] = [0; 32];

/// The hash of a row: SHA-256 of the previous hash and the row's canonical
/// text (fields separated by U+001F, times in UTC to the microsecond).
pub fn link_hash(prev: &[u8], id: i64, at: DateTime<Utc>, e: &AuditEvent) -> Vec<u8> {
    let text = [
        id.to_string(),
        e.organisation_id.to_string(),
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        e.account_id.to_string(),
        e.profession.clone().unwrap_or_default(),
        e.usager_id.map(|u| u.to_string()).unwrap_or_default(),
        e.section.clone(),
        e.action.clone(),
        e.object_id.clone().unwrap_or_default(),
        u8::from(e.allowed).to_string(),
        u8::from(e.break_glass).to_string(),
        e.request_id.clone(),
    ]
    .join("\u{1f}");
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(text.as_bytes());
    hasher.finalize().to_vec()
}

/// Appends one event to its organisation's chain (in the caller's
/// transaction; the chain head stays locked until it ends).
pub async fn append(conn: &mut PgConnection, e: &AuditEvent) -> anyhow::Result<()> {
    append_all(conn, std::slice::from_ref(e)).await
}

/// Appends events of one organisation to its chain, in order, with one lock
/// of the chain head and one insert (a list over many records traces one
/// read per usager shown).
pub async fn append_all(conn: &mut PgConnection, events: &[AuditEvent]) -> anyhow::Result<()> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    let organisation_id = first.organisation_id;
    anyhow::ensure!(
        events.iter().all(|e| e.organisation_id == organisation_id),
        "one chain per append"
    );
    sqlx::query!(
        "INSERT INTO audit_chain (organisation_id, last_id, last_hash) VALUES ($1, 0, $2)
         ON CONFLICT (organisation_id) DO NOTHING",
        organisation_id,
        &GENESIS[..]
    )
    .execute(&mut *conn)
    .await
    .context("creating the audit chain")?;
    let mut prev = sqlx::query_scalar!(
        "SELECT last_hash FROM audit_chain WHERE organisation_id = $1 FOR UPDATE",
        organisation_id
    )
    .fetch_one(&mut *conn)
    .await
    .context("locking the audit chain")?;
    let mut ids = sqlx::query_scalar!(
        r#"SELECT nextval('audit_event_id_seq') AS "id!" FROM generate_series(1, $1::int)"#,
        events.len() as i32
    )
    .fetch_all(&mut *conn)
    .await
    .context("numbering the audit events")?;
    ids.sort_unstable();
    // PostgreSQL keeps microseconds: hash what will be stored.
    let at = Utc::now().trunc_subsecs(6);
    let (mut prevs, mut hashes) = (Vec::new(), Vec::new());
    for (id, e) in ids.iter().zip(events) {
        let hash = link_hash(&prev, *id, at, e);
        prevs.push(std::mem::replace(&mut prev, hash.clone()));
        hashes.push(hash);
    }
    let column = |f: fn(&AuditEvent) -> Option<String>| events.iter().map(f).collect::<Vec<_>>();
    sqlx::query!(
        r#"INSERT INTO audit_event (id, organisation_id, at, account_id, profession, usager_id, section,
                                    action, object_id, allowed, break_glass, request_id, prev_hash, hash)
           SELECT u.id, $2, $3, u.account_id, u.profession, u.usager_id, u.section, u.action, u.object_id,
                  u.allowed, u.break_glass, u.request_id, u.prev_hash, u.hash
           FROM UNNEST($1::bigint[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[],
                       $10::bool[], $11::bool[], $12::text[], $13::bytea[], $14::bytea[])
                AS u(id, account_id, profession, usager_id, section, action, object_id, allowed, break_glass,
                     request_id, prev_hash, hash)"#,
        &ids,
        organisation_id,
        at as _,
        &events.iter().map(|e| e.account_id).collect::<Vec<_>>(),
        &column(|e| e.profession.clone()) as &[Option<String>],
        &events.iter().map(|e| e.usager_id).collect::<Vec<_>>() as &[Option<Uuid>],
        &events.iter().map(|e| e.section.clone()).collect::<Vec<_>>(),
        &events.iter().map(|e| e.action.clone()).collect::<Vec<_>>(),
        &column(|e| e.object_id.clone()) as &[Option<String>],
        &events.iter().map(|e| e.allowed).collect::<Vec<_>>(),
        &events.iter().map(|e| e.break_glass).collect::<Vec<_>>(),
        &events.iter().map(|e| e.request_id.clone()).collect::<Vec<_>>(),
        &prevs,
        &hashes
    )
    .execute(&mut *conn)
    .await
    .context("writing the audit events")?;
    sqlx::query!(
        "UPDATE audit_chain SET last_id = $2, last_hash = $3 WHERE organisation_id = $1",
        organisation_id,
        ids.last().copied().unwrap_or_default(),
        prev
    )
    .execute(&mut *conn)
    .await
    .context("advancing the audit chain")?;
    Ok(())
}

pub(crate) async fn record_accesses(id: Uuid) -> Result<Vec<AccessLine>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, id, Section::Audit, Action::Read).await?;
    let mut tx = state.begin().await?;
    let lines = trail(
        &mut tx,
        principal.organisation_id,
        &AuditFilter::default(),
        Some(id),
    )
    .await?;
    access.commit(tx, None).await?;
    Ok(lines)
}

pub(crate) async fn search_audit(filter: AuditFilter) -> Result<Vec<AccessLine>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let searcher = principal.kind == AccountKind::Staff
        && (principal.dpo || principal.profession == Some(Profession::Directeur));
    require(&state, &principal, searcher, TRAIL_SEARCH, Action::Read).await?;
    let from = crate::validate::optional_date("from", "Du", &filter.from)?;
    let to = crate::validate::optional_date("to", "Au", &filter.to)?;
    crate::validate::ordered("to", from, to, "La date de fin précède la date de début.")?;
    for (field, value) in [("usager", &filter.usager), ("staff", &filter.staff)] {
        crate::validate::optional(field, "Recherche", value, 200)?;
    }
    let mut tx = state.begin().await?;
    let lines = trail(&mut tx, principal.organisation_id, &filter, None).await?;
    // Searching the trail is itself an access, traced with what was asked.
    let asked = format!(
        "usager={};professionnel={};du={};au={};refus={};urgence={}",
        filter.usager.trim(),
        filter.staff.trim(),
        filter.from.trim(),
        filter.to.trim(),
        filter.denied_only,
        filter.break_glass_only
    );
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(asked),
            ..AuditEvent::by(&principal, None, TRAIL_SEARCH, Action::Read.code())
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a trail search")
        .map_err(db_error)?;
    Ok(lines)
}

/// The trail's code for a search of the whole trail.
pub const TRAIL_SEARCH: &str = "tracabilite";

/// The trail, most recent first, 200 lines at most.
async fn trail(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    filter: &AuditFilter,
    usager_id: Option<Uuid>,
) -> Result<Vec<AccessLine>, AppError> {
    let like = |s: &str| {
        format!(
            "%{}%",
            s.trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    };
    let rows = sqlx::query!(
        r#"SELECT e.at AS "at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "who!", e.profession,
                  COALESCE(u.used_first_name || ' ' || upper(u.used_last_name), '') AS "usager!",
                  e.section, e.action, e.allowed, e.break_glass
           FROM audit_event e
           JOIN account a ON a.id = e.account_id
           LEFT JOIN usager u ON u.id = e.usager_id
           WHERE e.organisation_id = $1
             AND ($2::uuid IS NULL OR e.usager_id = $2)
             AND ($3 = '%%' OR (u.used_first_name || ' ' || u.used_last_name) ILIKE $3)
             AND ($4 = '%%' OR (a.first_name || ' ' || a.last_name || ' ' || a.login) ILIKE $4)
             AND ($5::text = '' OR e.at >= ($5::date)::timestamp AT TIME ZONE 'Europe/Paris')
             AND ($6::text = '' OR e.at < ($6::date + 1)::timestamp AT TIME ZONE 'Europe/Paris')
             AND (NOT $7 OR NOT e.allowed)
             AND (NOT $8 OR e.break_glass)
           ORDER BY e.at DESC
           LIMIT 200"#,
        organisation_id,
        usager_id,
        like(&filter.usager),
        like(&filter.staff),
        filter.from.trim(),
        filter.to.trim(),
        filter.denied_only,
        filter.break_glass_only,
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the audit trail")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| AccessLine {
            at: time::date_time(r.at),
            who: r.who,
            profession: r
                .profession
                .as_deref()
                .and_then(Profession::parse)
                .map(|p| p.label().to_string())
                .unwrap_or_default(),
            usager: r.usager,
            section: Section::parse(&r.section)
                .map(|s| s.label().to_string())
                .unwrap_or_else(|| match r.section.as_str() {
                    BREAK_GLASS => "Accès d’urgence".into(),
                    TRAIL_SEARCH => "Recherche dans la traçabilité".into(),
                    "droits" => "Administration des droits".into(),
                    "mes_usagers" => "Liste de ses usagers".into(),
                    "famille_usagers" => "Espace famille".into(),
                    _ => r.section,
                }),
            action: if r.action == "read" {
                "consultation".into()
            } else {
                "modification".into()
            },
            allowed: r.allowed,
            break_glass: r.break_glass,
        })
        .collect())
}

//! The authorization entry point and the audit trail.
//!
//! Every server function that touches a record starts with one line:
//!
//! ```ignore
//! let access = authorize(&state, &principal, usager_id, Section::Soins, Action::Write).await?;
//! ```
//!
//! A refusal is written to the trail at once (in its own transaction) and
//! returned as `Forbidden`. An allowed access is written by
//! `access.commit(tx, object)`, in the same transaction as the work it
//! describes, just before that transaction commits: the data and its audit
//! event exist together or not at all, and the chain lock is held only for
//! the append.

use super::{may_hold_medical, organisation_wide_admin, Action, Permission, Section};
use crate::auth::server::Principal;
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::state::{db_error, request_id, AppState};
use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

/// An access that was allowed and must be recorded with the work it guards.
#[must_use = "an allowed access is recorded by Access::commit"]
pub struct Access {
    principal: Principal,
    usager_id: Uuid,
    section: Section,
    action: Action,
    /// Allowed only through an emergency access.
    pub break_glass: bool,
}

impl Access {
    /// Appends the audit event of this access and commits the transaction.
    pub async fn commit(
        self,
        tx: Transaction<'_, Postgres>,
        object_id: Option<String>,
    ) -> Result<(), AppError> {
        self.commit_with(tx, object_id, &[]).await
    }

    /// Like `commit`, when the work also read or wrote other sections
    /// (checked by the caller with `may`): one event per section, in the
    /// same transaction (care notes shown in a timeline are a Soins read).
    pub async fn commit_with(
        self,
        mut tx: Transaction<'_, Postgres>,
        object_id: Option<String>,
        also: &[Section],
    ) -> Result<(), AppError> {
        let mut sections = vec![self.section];
        sections.extend(also.iter().filter(|s| **s != self.section));
        let events: Vec<AuditEvent> = sections
            .into_iter()
            .map(|section| AuditEvent {
                object_id: object_id.clone(),
                break_glass: self.break_glass,
                ..AuditEvent::by(
                    &self.principal,
                    Some(self.usager_id),
                    section.code(),
                    self.action.code(),
                )
            })
            .collect();
        append_all(&mut tx, &events).await.map_err(db_error)?;
        tx.commit()
            .await
            .context("committing an audited access")
            .map_err(db_error)
    }

    /// Refuses what this access turned out not to cover (another section,
    /// someone else's note): the work is dropped, a denied event is written
    /// for `section`, and the answer is `Forbidden`.
    pub async fn refuse(self, state: &AppState, section: Section) -> AppError {
        deny(
            state,
            &self.principal,
            Some(self.usager_id),
            section.code(),
            self.action.code(),
        )
        .await
    }
}

/// Records a refusal in the trail (in its own transaction) and returns the
/// error to answer: `Forbidden`, or why the refusal could not be recorded.
pub async fn deny(
    state: &AppState,
    principal: &Principal,
    usager_id: Option<Uuid>,
    section: &str,
    action: &str,
) -> AppError {
    let record = async {
        let mut tx = state
            .pool
            .begin()
            .await
            .context("starting a denial record")?;
        append(
            &mut tx,
            &AuditEvent {
                allowed: false,
                ..AuditEvent::by(principal, usager_id, section, action)
            },
        )
        .await?;
        tx.commit().await.context("committing a denial record")
    };
    match record.await {
        Ok(()) => AppError::Forbidden,
        Err(e) => db_error(e),
    }
}

/// Decides whether `principal` may perform `action` on `section` of the
/// usager's record. A refusal is audited and returned as `Forbidden`; so is
/// an id of another organisation's usager, or of nobody: the answer never
/// tells whether a record exists outside one's reach.
pub async fn authorize(
    state: &AppState,
    principal: &Principal,
    usager_id: Uuid,
    section: Section,
    action: Action,
) -> Result<Access, AppError> {
    // One pooled connection for the decision, released before a denial is
    // recorded on another.
    let decision = {
        let mut conn = state
            .pool
            .acquire()
            .await
            .context("acquiring a connection for authorization")
            .map_err(db_error)?;
        let exists =
            usager_in_organisation(&mut conn, principal.organisation_id, usager_id).await?;
        if exists {
            decide(&mut conn, principal, usager_id, section, action)
                .await
                .map_err(db_error)?
        } else {
            None
        }
    };
    match decision {
        Some(break_glass) => Ok(Access {
            principal: principal.clone(),
            usager_id,
            section,
            action,
            break_glass,
        }),
        None => Err(deny(
            state,
            principal,
            Some(usager_id),
            section.code(),
            action.code(),
        )
        .await),
    }
}

/// Whether the usager belongs to the organisation.
async fn usager_in_organisation(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    usager_id: Uuid,
) -> Result<bool, AppError> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM usager WHERE id = $1 AND organisation_id = $2) AS "exists!""#,
        usager_id,
        organisation_id
    )
    .fetch_one(conn)
    .await
    .context("checking the usager belongs to the organisation")
    .map_err(db_error)
}

/// The rule itself: `Some(break_glass)` when allowed, `None` when refused.
pub async fn decide(
    conn: &mut PgConnection,
    principal: &Principal,
    usager_id: Uuid,
    section: Section,
    action: Action,
) -> anyhow::Result<Option<bool>> {
    // Families reach only what is shared with them, through their own pages.
    let (AccountKind::Staff, Some(profession)) = (principal.kind, principal.profession) else {
        return Ok(None);
    };
    if principal.dpo && section == Section::Audit && action == Action::Read {
        return Ok(Some(false));
    }
    if section == Section::Medical && !may_hold_medical(profession) {
        return Ok(None);
    }
    let permission =
        matrix_permission(conn, principal.organisation_id, profession, section).await?;
    if !permission.allows(action) {
        return Ok(None);
    }
    if section == Section::Identite && organisation_wide_admin(profession) {
        return Ok(Some(false));
    }
    if crate::usager::server::staff_sees_usager(conn, principal.account_id, usager_id).await? {
        return Ok(Some(false));
    }
    let emergency = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM break_glass
               WHERE account_id = $1 AND usager_id = $2 AND expires_at > now()) AS "granted!""#,
        principal.account_id,
        usager_id
    )
    .fetch_one(&mut *conn)
    .await
    .context("looking for an emergency access")?;
    Ok(emergency.then_some(true))
}

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

// ---------------------------------------------------------------------------
// Emergency access and the trail's views.

use super::{AccessLine, AuditFilter, BreakGlassLine, BREAK_GLASS_MIN_REASON};
use crate::auth::server::require_principal;
use crate::organisation::Profession;
use crate::time;

/// Lets `p` through when `allowed`; otherwise records the refusal (no
/// usager: an organisation-level function) and answers `Forbidden`.
async fn require(
    state: &AppState,
    p: &Principal,
    allowed: bool,
    what: &str,
    action: Action,
) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(deny(state, p, None, what, action.code()).await)
    }
}

/// For a list over the caller's whole perimeter (cahier de liaison, unit
/// agenda, deadlines): the matrix must let their profession do `action` on
/// `section` at all; a refusal is traced.
pub async fn require_list(
    state: &AppState,
    principal: &Principal,
    section: Section,
    action: Action,
) -> Result<(), AppError> {
    let allowed = {
        let mut conn = state
            .pool
            .acquire()
            .await
            .context("acquiring a connection for a list")
            .map_err(db_error)?;
        profession_may(&mut conn, principal, section, action).await?
    };
    require(state, principal, allowed, section.code(), action).await
}

/// Lets only accounts of this kind read their own lists (staff: "Mes
/// usagers"; family: their space), tracing anyone else's call.
pub async fn require_kind(
    state: &AppState,
    principal: &Principal,
    kind: AccountKind,
    what: &str,
) -> Result<(), AppError> {
    require(state, principal, principal.kind == kind, what, Action::Read).await
}

/// Chefs de service and direction review the emergency accesses of their
/// établissements; the DPO, the whole organisation's.
fn is_reviewer(p: &Principal) -> bool {
    p.kind == AccountKind::Staff
        && (p.dpo
            || matches!(
                p.profession,
                Some(Profession::ChefService | Profession::Directeur)
            ))
}

pub(crate) async fn request_break_glass(id: Uuid, reason: String) -> Result<String, AppError> {
    let principal = require_principal().await?;
    if principal.kind != AccountKind::Staff {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim().to_string();
    if reason.chars().count() < BREAK_GLASS_MIN_REASON {
        return Err(AppError::invalid(
            "reason",
            "Expliquez en quelques mots pourquoi cet accès d’urgence est nécessaire (20 caractères au moins).",
        ));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::invalid(
            "reason",
            "Le motif ne doit pas dépasser 2000 caractères.",
        ));
    }
    let state = AppState::get()?;
    let mut tx = state.begin().await?;
    let exists = usager_in_organisation(&mut tx, principal.organisation_id, id).await?;
    if !exists {
        return Err(AppError::Forbidden);
    }
    let expires_at = sqlx::query_scalar!(
        r#"INSERT INTO break_glass (id, organisation_id, account_id, usager_id, reason, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))
           RETURNING expires_at AS "expires_at: DateTime<Utc>""#,
        Uuid::new_v4(),
        principal.organisation_id,
        principal.account_id,
        id,
        reason,
        state.config.break_glass_hours as i32
    )
    .fetch_one(&mut *tx)
    .await
    .context("granting a bris de glace")
    .map_err(db_error)?;
    append(
        &mut tx,
        &AuditEvent {
            break_glass: true,
            ..AuditEvent::by(&principal, Some(id), BREAK_GLASS, "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a bris de glace")
        .map_err(db_error)?;
    tracing::warn!(account = %principal.account_id, usager = %id, "bris de glace accordé");
    Ok(time::hour_minute(expires_at))
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
    crate::validate::ordered("to", from, to)?;
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
/// The trail's code for an emergency access, its request and its review.
pub const BREAK_GLASS: &str = "bris_de_glace";

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

pub(crate) async fn break_glass_list() -> Result<Vec<BreakGlassLine>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require(
        &state,
        &principal,
        is_reviewer(&principal),
        BREAK_GLASS,
        Action::Read,
    )
    .await?;
    let rows = sqlx::query!(
        r#"SELECT b.id, a.first_name || ' ' || a.last_name AS "who!",
                  u.used_first_name || ' ' || upper(u.used_last_name) AS "usager!",
                  b.reason, b.granted_at AS "granted_at: DateTime<Utc>", b.expires_at AS "expires_at: DateTime<Utc>",
                  r.first_name || ' ' || r.last_name AS reviewer, b.reviewed_at AS "reviewed_at: DateTime<Utc>",
                  b.review_comment, b.account_id = $2 AS "own!"
           FROM break_glass b
           JOIN account a ON a.id = b.account_id
           JOIN usager u ON u.id = b.usager_id
           LEFT JOIN account r ON r.id = b.reviewed_by
           WHERE b.organisation_id = $1 AND ($3 OR reviews_usager($2, b.usager_id))
           ORDER BY (b.reviewed_at IS NULL) DESC, b.granted_at DESC
           LIMIT 200"#,
        principal.organisation_id,
        principal.account_id,
        principal.dpo
    )
    .fetch_all(&state.pool)
    .await
    .context("listing bris de glace")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| BreakGlassLine {
            id: r.id,
            who: r.who,
            usager: r.usager,
            reason: r.reason,
            granted_at: time::date_time(r.granted_at),
            expires_at: time::date_time(r.expires_at),
            review: r.reviewed_at.map(|at| {
                let mut text = format!(
                    "Examiné par {} le {}",
                    r.reviewer.clone().unwrap_or_default(),
                    time::date_time(at)
                );
                if let Some(c) = &r.review_comment {
                    text.push_str(&format!(" : {c}"));
                }
                text
            }),
            own: r.own,
        })
        .collect())
}

pub(crate) async fn review_break_glass(id: Uuid, comment: String) -> Result<(), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require(
        &state,
        &principal,
        is_reviewer(&principal),
        BREAK_GLASS,
        Action::Write,
    )
    .await?;
    let comment = crate::validate::optional("comment", "Commentaire d’examen", &comment, 2000)?;
    let mut tx = state.begin().await?;
    let grant = sqlx::query!(
        r#"SELECT usager_id, account_id, reviewed_at IS NOT NULL AS "reviewed!",
                  ($4 OR reviews_usager($3, usager_id)) AS "in_reach!"
           FROM break_glass WHERE id = $1 AND organisation_id = $2 FOR UPDATE"#,
        id,
        principal.organisation_id,
        principal.account_id,
        principal.dpo
    )
    .fetch_optional(&mut *tx)
    .await
    .context("finding a bris de glace to review")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    // Nobody reviews their own emergency access, nor one of another
    // établissement than theirs (the DPO excepted).
    if grant.account_id == principal.account_id || !grant.in_reach {
        drop(tx);
        return Err(deny(
            &state,
            &principal,
            Some(grant.usager_id),
            BREAK_GLASS,
            Action::Write.code(),
        )
        .await);
    }
    if grant.reviewed {
        return Err(AppError::Conflict);
    }
    let usager_id = sqlx::query_scalar!(
        r#"UPDATE break_glass SET reviewed_by = $2, reviewed_at = now(), review_comment = $3
           WHERE id = $1 RETURNING usager_id"#,
        id,
        principal.account_id,
        comment
    )
    .fetch_one(&mut *tx)
    .await
    .context("reviewing a bris de glace")
    .map_err(db_error)?;
    // The review is traced with the review itself.
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(id.to_string()),
            ..AuditEvent::by(&principal, Some(usager_id), BREAK_GLASS, "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a bris de glace review")
        .map_err(db_error)
}

// ---------------------------------------------------------------------------
// Consents and oppositions.

use super::{ConsentScope, ConsentView, Consents};

pub(crate) async fn get_consents(id: Uuid) -> Result<Consents, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, id, Section::Identite, Action::Read).await?;
    let mut tx = state.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT c.scope, c.decision, c.expressed_by, a.first_name || ' ' || a.last_name AS "recorded_by!",
                  c.recorded_at AS "recorded_at: DateTime<Utc>", c.comment
           FROM consent_event c JOIN account a ON a.id = c.recorded_by
           WHERE c.usager_id = $1
           ORDER BY c.recorded_at DESC"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .context("reading consents")
    .map_err(db_error)?;
    let can_record = decide(&mut tx, &principal, id, Section::Identite, Action::Write)
        .await
        .map_err(db_error)?
        .is_some();
    access.commit(tx, Some("consentements".into())).await?;
    Ok(Consents {
        history: rows
            .into_iter()
            .filter_map(|r| {
                Some(ConsentView {
                    scope: ConsentScope::parse(&r.scope)?,
                    opposition: r.decision == "opposition",
                    expressed_by: if r.expressed_by == "usager" {
                        "par la personne".into()
                    } else {
                        "par son représentant légal".into()
                    },
                    recorded_by: r.recorded_by,
                    recorded_at: time::date_time(r.recorded_at),
                    comment: r.comment,
                })
            })
            .collect(),
        can_record,
    })
}

pub(crate) async fn record_consent(
    id: Uuid,
    scope: String,
    decision: String,
    expressed_by: String,
    comment: String,
) -> Result<(), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, id, Section::Identite, Action::Write).await?;
    let scope = ConsentScope::parse(&scope)
        .ok_or_else(|| AppError::invalid("scope", "Choisissez ce que concerne la décision."))?;
    if !matches!(decision.as_str(), "consentement" | "opposition") {
        return Err(AppError::invalid(
            "decision",
            "Choisissez consentement ou opposition.",
        ));
    }
    if !matches!(expressed_by.as_str(), "usager" | "representant_legal") {
        return Err(AppError::invalid(
            "expressed_by",
            "Indiquez qui a exprimé cette décision.",
        ));
    }
    if comment.chars().count() > 2000 {
        return Err(AppError::invalid(
            "comment",
            "Le commentaire ne doit pas dépasser 2000 caractères.",
        ));
    }
    let comment = Some(comment.trim().to_string()).filter(|c| !c.is_empty());
    let mut tx = state.begin().await?;
    let consent_id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO consent_event (id, organisation_id, usager_id, scope, decision, expressed_by, recorded_by, comment)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        consent_id,
        principal.organisation_id,
        id,
        scope.code(),
        decision,
        expressed_by,
        principal.account_id,
        comment
    )
    .execute(&mut *tx)
    .await
    .context("recording a consent")
    .map_err(db_error)?;
    access.commit(tx, Some(consent_id.to_string())).await
}

// ---------------------------------------------------------------------------
// The matrix, administered.

use super::{level_of, parse_level, MatrixRow};

/// Administrators only; anyone else's call is refused and traced.
pub(crate) async fn require_administrator(state: &AppState, p: &Principal) -> Result<(), AppError> {
    let admin = p.kind == AccountKind::Staff && p.profession == Some(Profession::Administrateur);
    require(state, p, admin, "droits", Action::Write).await
}

pub(crate) async fn get_matrix() -> Result<Vec<MatrixRow>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let rows = sqlx::query!(
        "SELECT profession, section, can_read, can_write FROM section_permission WHERE organisation_id = $1",
        principal.organisation_id
    )
    .fetch_all(&state.pool)
    .await
    .context("reading the matrix")
    .map_err(db_error)?;
    Ok(Profession::ALL
        .into_iter()
        .map(|profession| MatrixRow {
            profession,
            levels: Section::ALL
                .into_iter()
                .map(|section| {
                    let p = rows
                        .iter()
                        .find(|r| r.profession == profession.code() && r.section == section.code())
                        .map(|r| Permission {
                            read: r.can_read,
                            write: r.can_write,
                        })
                        .unwrap_or(Permission::NONE);
                    level_of(p).to_string()
                })
                .collect(),
        })
        .collect())
}

pub(crate) async fn set_profession_permissions(
    profession: String,
    levels: [String; 9],
) -> Result<(), AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_administrator(&state, &principal).await?;
    let profession = Profession::parse(&profession)
        .ok_or_else(|| AppError::invalid("profession", "Cette profession n’existe pas."))?;
    let mut parsed = Vec::new();
    for (section, level) in Section::ALL.into_iter().zip(levels.iter()) {
        let p = parse_level(level).ok_or_else(|| {
            AppError::invalid(
                section.code(),
                "Choisissez aucun accès, lecture ou écriture.",
            )
        })?;
        if section == Section::Medical && p.read && !super::may_hold_medical(profession) {
            return Err(AppError::invalid(
                "medical",
                "La section médicale est réservée aux médecins, infirmiers et psychologues (secret médical).",
            ));
        }
        parsed.push((section, p));
    }
    let mut tx = state.begin().await?;
    for (section, p) in &parsed {
        sqlx::query!(
            r#"INSERT INTO section_permission (organisation_id, profession, section, can_read, can_write, updated_by, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, now())
               ON CONFLICT (organisation_id, profession, section)
               DO UPDATE SET can_read = $4, can_write = $5, updated_by = $6, updated_at = now()"#,
            principal.organisation_id,
            profession.code(),
            section.code(),
            p.read,
            p.write,
            principal.account_id
        )
        .execute(&mut *tx)
        .await
        .context("changing the matrix")
        .map_err(db_error)?;
    }
    // A change of rights is traced like an access, with the new row.
    let summary = parsed
        .iter()
        .map(|(s, p)| format!("{}={}", s.code(), level_of(*p)))
        .collect::<Vec<_>>()
        .join(",");
    append(
        &mut tx,
        &AuditEvent {
            object_id: Some(format!("{}:{summary}", profession.code())),
            ..AuditEvent::by(&principal, None, "droits", "write")
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing a matrix change")
        .map_err(db_error)?;
    tracing::warn!(profession = profession.code(), %summary, "matrice des droits modifiée");
    Ok(())
}

// ---------------------------------------------------------------------------
// The usual opening of a record server function.

/// What a record server function holds once its access is allowed.
pub struct Entry {
    pub state: AppState,
    pub principal: Principal,
    pub access: Access,
}

/// Signed-in caller, state, and the authorization of `action` on `section`
/// of the usager's record, in one line.
pub async fn enter(usager_id: Uuid, section: Section, action: Action) -> Result<Entry, AppError> {
    let principal = crate::auth::server::require_principal().await?;
    let state = AppState::get()?;
    let access = authorize(&state, &principal, usager_id, section, action).await?;
    Ok(Entry {
        state,
        principal,
        access,
    })
}

/// Whether the principal may also do `action` on `section` (to show or hide
/// a form); no audit event, the page's own read is the one traced.
pub async fn may(
    conn: &mut PgConnection,
    principal: &Principal,
    usager_id: Uuid,
    section: Section,
    action: Action,
) -> Result<bool, AppError> {
    Ok(decide(conn, principal, usager_id, section, action)
        .await
        .map_err(db_error)?
        .is_some())
}

/// Traces the reads of a list that shows several usagers' records (the
/// cahier de liaison, the documents expiring): one event per usager shown.
pub async fn append_list_reads(
    conn: &mut PgConnection,
    principal: &Principal,
    usager_ids: impl IntoIterator<Item = Uuid>,
    section: Section,
    object: &str,
) -> Result<(), AppError> {
    let mut seen = std::collections::BTreeSet::new();
    let events: Vec<AuditEvent> = usager_ids
        .into_iter()
        .filter(|id| seen.insert(*id))
        .map(|id| AuditEvent {
            object_id: Some(object.to_string()),
            ..AuditEvent::by(principal, Some(id), section.code(), Action::Read.code())
        })
        .collect();
    append_all(conn, &events).await.map_err(db_error)?;
    Ok(())
}

/// Whether the organisation's matrix lets the principal's profession do
/// `action` on `section` at all (for lists over the whole perimeter).
pub async fn profession_may(
    conn: &mut PgConnection,
    principal: &Principal,
    section: Section,
    action: Action,
) -> Result<bool, AppError> {
    let (AccountKind::Staff, Some(profession)) = (principal.kind, principal.profession) else {
        return Ok(false);
    };
    if section == Section::Medical && !may_hold_medical(profession) {
        return Ok(false);
    }
    Ok(
        matrix_permission(conn, principal.organisation_id, profession, section)
            .await
            .map_err(db_error)?
            .allows(action),
    )
}

/// The organisation's matrix cell for a profession and a section.
async fn matrix_permission(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    profession: Profession,
    section: Section,
) -> anyhow::Result<Permission> {
    Ok(sqlx::query!(
        r#"SELECT can_read, can_write FROM section_permission
           WHERE organisation_id = $1 AND profession = $2 AND section = $3"#,
        organisation_id,
        profession.code(),
        section.code()
    )
    .fetch_optional(conn)
    .await
    .context("reading the permission matrix")?
    .map(|r| Permission {
        read: r.can_read,
        write: r.can_write,
    })
    .unwrap_or(Permission::NONE))
}

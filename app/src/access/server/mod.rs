//! The authorization entry point: the decision, the refusals, the opening
//! of a record server function. The perimeter rule is in `perimeter.rs`,
//! the chained trail in `trail.rs`, emergency accesses in `break_glass.rs`,
//! the administered matrix in `rights.rs`.
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
use crate::organisation::Profession;
use crate::state::{db_error, AppState};
use anyhow::Context as _;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

mod break_glass;
pub mod perimeter;
mod rights;
mod trail;

pub use break_glass::BREAK_GLASS;
pub(crate) use break_glass::{break_glass_list, request_break_glass, review_break_glass};
pub(crate) use rights::{get_matrix, require_administrator, set_profession_permissions};
pub use trail::{append, append_all, link_hash, AuditEvent, GENESIS, TRAIL_SEARCH};
pub(crate) use trail::{record_accesses, search_audit};

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
pub(crate) async fn usager_in_organisation(
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
    if perimeter::reaches(conn, principal.account_id, usager_id).await? {
        return Ok(Some(false));
    }
    let emergency = emergency_access(conn, principal.account_id, usager_id).await?;
    Ok(emergency.then_some(true))
}

/// Whether the account holds an emergency access (bris de glace) to the
/// usager right now.
async fn emergency_access(
    conn: &mut PgConnection,
    account_id: Uuid,
    usager_id: Uuid,
) -> anyhow::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM break_glass
               WHERE account_id = $1 AND usager_id = $2 AND expires_at > now()) AS "granted!""#,
        account_id,
        usager_id
    )
    .fetch_one(conn)
    .await
    .context("looking for an emergency access")
}

/// The sections of the usager's record the principal may read, in
/// `Section::ALL` order: `decide` for every section at once, in three
/// queries at most (the matrix row, the perimeter, an emergency access).
pub async fn readable_sections(
    conn: &mut PgConnection,
    principal: &Principal,
    usager_id: Uuid,
) -> anyhow::Result<Vec<Section>> {
    let (AccountKind::Staff, Some(profession)) = (principal.kind, principal.profession) else {
        return Ok(Vec::new());
    };
    let matrix: Vec<String> = sqlx::query_scalar!(
        r#"SELECT section FROM section_permission
           WHERE organisation_id = $1 AND profession = $2 AND can_read"#,
        principal.organisation_id,
        profession.code(),
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the permission matrix")?;
    let in_matrix = |s: Section| {
        matrix.iter().any(|m| m == s.code())
            && (s != Section::Medical || may_hold_medical(profession))
    };
    let everywhere = |s: Section| s == Section::Identite && organisation_wide_admin(profession);
    let needs_reach = Section::ALL
        .into_iter()
        .any(|s| in_matrix(s) && !everywhere(s));
    let reached = needs_reach
        && (perimeter::reaches(conn, principal.account_id, usager_id).await?
            || emergency_access(conn, principal.account_id, usager_id).await?);
    Ok(Section::ALL
        .into_iter()
        .filter(|&s| {
            (principal.dpo && s == Section::Audit) || (in_matrix(s) && (everywhere(s) || reached))
        })
        .collect())
}

/// Lets `p` through when `allowed`; otherwise records the refusal (no
/// usager: an organisation-level function) and answers `Forbidden`.
pub(crate) async fn require(
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

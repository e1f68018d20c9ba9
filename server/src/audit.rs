//! `parcours audit verify`: walks every organisation's audit chain and
//! reports the first broken link (a row changed, removed or inserted).

use anyhow::{Context, Result};
use app::access::server::{link_hash, AuditEvent, GENESIS};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sqlx::PgPool;
use uuid::Uuid;

/// What the verification found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every chain is intact; this many events were checked.
    Intact { events: u64 },
    /// The first row whose link does not hold.
    Broken {
        organisation_id: Uuid,
        event_id: i64,
        reason: &'static str,
    },
}

/// Recomputes every link, organisation by organisation, in chain order.
pub async fn verify(pool: &PgPool) -> Result<Verdict> {
    let mut events = 0u64;
    let mut current: Option<(Uuid, Vec<u8>, i64)> = None;
    let mut rows = sqlx::query!(
        r#"SELECT id, organisation_id, at AS "at: DateTime<Utc>", account_id, profession, usager_id,
                  section, action, object_id, allowed, break_glass, request_id, prev_hash, hash
           FROM audit_event ORDER BY organisation_id, id"#
    )
    .fetch(pool);
    while let Some(r) = rows.try_next().await.context("reading the audit trail")? {
        if current
            .as_ref()
            .is_none_or(|(org, _, _)| *org != r.organisation_id)
        {
            if let Some(done) = current.take() {
                if let Some(v) = check_head(pool, &done).await? {
                    return Ok(v);
                }
            }
            current = Some((r.organisation_id, GENESIS.to_vec(), 0));
        }
        let (org, expected_prev, last_id) = current.as_mut().expect("set above");
        let broken = |reason| Verdict::Broken {
            organisation_id: *org,
            event_id: r.id,
            reason,
        };
        if r.prev_hash != *expected_prev {
            return Ok(broken(
                "le lien vers l’événement précédent ne correspond pas (ligne supprimée ou insérée)",
            ));
        }
        let event = AuditEvent {
            organisation_id: r.organisation_id,
            account_id: r.account_id,
            profession: r.profession,
            usager_id: r.usager_id,
            section: r.section,
            action: r.action,
            object_id: r.object_id,
            allowed: r.allowed,
            break_glass: r.break_glass,
            request_id: r.request_id.unwrap_or_default(),
        };
        if link_hash(&r.prev_hash, r.id, r.at, &event) != r.hash {
            return Ok(broken("le contenu de l’événement a été modifié"));
        }
        *expected_prev = r.hash;
        *last_id = r.id;
        events += 1;
    }
    if let Some(done) = current.take() {
        if let Some(v) = check_head(pool, &done).await? {
            return Ok(v);
        }
    }
    Ok(Verdict::Intact { events })
}

/// The stored head must be the last row: otherwise rows were cut off the end.
async fn check_head(
    pool: &PgPool,
    (org, last_hash, last_id): &(Uuid, Vec<u8>, i64),
) -> Result<Option<Verdict>> {
    let head = sqlx::query!(
        "SELECT last_id, last_hash FROM audit_chain WHERE organisation_id = $1",
        org
    )
    .fetch_optional(pool)
    .await
    .context("reading the chain head")?;
    Ok(match head {
        Some(h) if h.last_id == *last_id && h.last_hash == *last_hash => None,
        _ => Some(Verdict::Broken {
            organisation_id: *org,
            event_id: *last_id,
            reason: "la fin de la chaîne ne correspond pas (événements supprimés à la fin)",
        }),
    })
}

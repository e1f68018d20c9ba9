//! Server side of authentication: password checks, throttling, the session
//! record, and `require_principal`, the first line of every protected server
//! function.

use super::{AccountKind, CurrentUser};
use crate::error::AppError;
use crate::organisation::Profession;
use crate::state::AppState;
use anyhow::Context as _;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

/// The key under which the signed-in principal is stored in the session.
const SESSION_KEY: &str = "parcours.principal";

/// What the session remembers of the signed-in person.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionPrincipal {
    account_id: Uuid,
    /// Unix time of sign-in, for the absolute expiry.
    signed_in_at: i64,
}

/// The authenticated caller of a server function.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: Uuid,
    pub organisation_id: Uuid,
    pub kind: AccountKind,
    pub profession: Option<Profession>,
    /// Data protection officer: reads every trail of the organisation.
    pub dpo: bool,
}

/// Hashes a password with Argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// A hash of a random password, verified against when the login is unknown
/// so that both cases take the same time.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password(&Uuid::new_v4().to_string()).expect("argon2 with default parameters")
    })
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The address a request comes from, as sign-in throttling counts it: the
/// peer's, or the last `X-Forwarded-For` entry behind a trusted proxy.
pub fn client_address(trust_forwarded_for: bool) -> String {
    let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() else {
        return String::new();
    };
    let forwarded = trust_forwarded_for
        .then(|| parts.headers.get("x-forwarded-for")?.to_str().ok())
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .and_then(|v| v.parse::<std::net::IpAddr>().ok());
    forwarded
        .or_else(|| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// Password checks server-wide, at most `hashes_per_second` (each costs an
/// Argon2 hash, whether the login exists or not).
fn hash_budget(per_second: u32) -> &'static governor::DefaultDirectRateLimiter {
    static LIMITER: std::sync::OnceLock<governor::DefaultDirectRateLimiter> =
        std::sync::OnceLock::new();
    LIMITER.get_or_init(|| {
        let n = std::num::NonZeroU32::new(per_second.max(1)).expect("at least one");
        governor::RateLimiter::direct(governor::Quota::per_second(n))
    })
}

/// Holds back a sign-in attempt as `LoginThrottle` describes, with the
/// number of minutes to wait.
pub(crate) async fn throttle(state: &AppState, login: &str, source: &str) -> Result<(), AppError> {
    use chrono::{DateTime, Duration, Utc};
    let policy = &state.config.login_throttle;
    let r = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE login = $1 AND source = $2) AS "pair!",
                  max(failed_at) FILTER (WHERE login = $1 AND source = $2) AS "pair_last: DateTime<Utc>",
                  count(*) FILTER (WHERE login = $1) AS "login!",
                  max(failed_at) FILTER (WHERE login = $1) AS "login_last: DateTime<Utc>",
                  count(*) FILTER (WHERE source = $2) AS "source!",
                  max(failed_at) FILTER (WHERE source = $2) AS "source_last: DateTime<Utc>",
                  EXISTS (SELECT 1 FROM login_source s WHERE s.login = $1 AND s.source = $2
                          AND s.last_success > now() - interval '90 days') AS "known!"
           FROM login_failure
           WHERE (login = $1 OR source = $2) AND failed_at > now() - make_interval(mins => $3)"#,
        login,
        source,
        policy.window_minutes as i32,
    )
    .fetch_one(&state.pool)
    .await
    .context("counting recent login failures")
    .map_err(crate::state::db_error)?;
    let lockout = Duration::minutes(policy.lockout_minutes as i64);
    let now = Utc::now();
    let until = |last: Option<DateTime<Utc>>, wait: Duration| last.map(|l| l + wait);
    let mut free_at = Vec::new();
    if r.pair >= policy.max_failures as i64 {
        free_at.push(until(r.pair_last, lockout));
    }
    if r.source >= policy.max_failures_per_address as i64 {
        free_at.push(until(r.source_last, lockout));
    }
    if !r.known && r.login >= policy.max_failures as i64 {
        let doublings = (r.login - policy.max_failures as i64).min(20) as u32;
        let delay = Duration::seconds(1i64 << doublings).min(lockout);
        free_at.push(until(r.login_last, delay));
    }
    let remaining = free_at
        .into_iter()
        .flatten()
        .map(|t| (t - now).num_seconds())
        .max()
        .unwrap_or(0);
    if remaining > 0 {
        return Err(AppError::TooManyAttempts {
            retry_after_minutes: ((remaining + 59) / 60) as u32,
        });
    }
    if hash_budget(policy.hashes_per_second).check().is_err() {
        tracing::warn!("sign-in attempts above the server-wide budget");
        return Err(AppError::TooManyAttempts {
            retry_after_minutes: 1,
        });
    }
    Ok(())
}

/// Counts a failed sign-in of `login` from `source` for `throttle`.
pub(crate) async fn record_failure(
    state: &AppState,
    login: &str,
    source: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO login_failure (login, source) VALUES ($1, $2)",
        login,
        source
    )
    .execute(&state.pool)
    .await
    .context("recording a login failure")
    .map_err(crate::state::db_error)?;
    Ok(())
}

/// Verifies a secret against an Argon2 hash off the runtime.
pub(crate) async fn verify_off_runtime(secret: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(&secret, &hash))
        .await
        .context("password verification task")
        .map_err(crate::state::internal)
}

/// A session that cannot be read or written: the sessions live in
/// PostgreSQL, so a store that does not answer is the database being
/// unreachable (`Unavailable`, 503), anything else a bug.
fn session_error(e: tower_sessions::session::Error, what: &'static str) -> AppError {
    use tower_sessions::session::Error;
    use tower_sessions::session_store::Error as Store;
    match e {
        Error::Store(Store::Backend(detail)) => {
            tracing::warn!(request_id = %crate::state::request_id(), %detail, what, "session store unreachable");
            crate::state::unreachable()
        }
        other => crate::state::internal(anyhow::Error::new(other).context(what)),
    }
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| crate::state::internal(anyhow::anyhow!("session layer missing: {e:?}")))
}

pub(crate) async fn login(login: String, password: String) -> Result<CurrentUser, AppError> {
    let state = AppState::get()?;
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(AppError::invalid("login", "Saisissez votre identifiant."));
    }
    if password.is_empty() {
        return Err(AppError::invalid(
            "password",
            "Saisissez votre mot de passe.",
        ));
    }
    if login.len() > 64 || password.len() > 1024 {
        return Err(AppError::BadCredentials);
    }

    let source = client_address(state.config.login_throttle.trust_forwarded_for);
    throttle(&state, &login, &source).await?;

    let account = sqlx::query!(
        r#"SELECT id, password_hash FROM account WHERE login = $1 AND active AND kind <> 'usager'"#,
        login
    )
    .fetch_optional(&state.pool)
    .await
    .context("loading account for sign-in")
    .map_err(crate::state::db_error)?;

    let (hash, account_id) = match &account {
        Some(a) => (a.password_hash.clone(), Some(a.id)),
        None => (decoy_hash().to_string(), None),
    };
    let candidate = password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&candidate, &hash))
        .await
        .context("password verification task")
        .map_err(crate::state::internal)?;

    let Some(account_id) = account_id.filter(|_| ok) else {
        record_failure(&state, &login, &source).await?;
        tracing::info!(login = %login, source = %source, "sign-in refused");
        return Err(AppError::BadCredentials);
    };

    // This address is now one the login is used from: failures elsewhere
    // no longer slow it down.
    sqlx::query!(
        r#"WITH cleared AS (DELETE FROM login_failure WHERE login = $1 AND source = $2)
           INSERT INTO login_source (login, source, last_success) VALUES ($1, $2, now())
           ON CONFLICT (login, source) DO UPDATE SET last_success = now()"#,
        login,
        source
    )
    .execute(&state.pool)
    .await
    .context("recording a successful sign-in's address")
    .map_err(crate::state::db_error)?;

    start_session(account_id, None).await?;
    tracing::info!(%account_id, "signed in");

    load_current_user(&state, account_id)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Starts a session for the account on this device: a new session id (no
/// session fixation), the principal stored, and, when given, an idle
/// expiry of its own (the person's space ends after a few minutes without
/// a touch). Whatever the session held before is gone: a professional's
/// session on the tablet is never shared with the person they open the
/// space for.
pub async fn start_session(account_id: Uuid, idle_minutes: Option<u32>) -> Result<(), AppError> {
    let session = session().await?;
    session
        .cycle_id()
        .await
        .map_err(|e| session_error(e, "cycling session id"))?;
    session
        .remove_value(SESSION_KEY)
        .await
        .map_err(|e| session_error(e, "clearing the previous principal"))?;
    session
        .insert(
            SESSION_KEY,
            SessionPrincipal {
                account_id,
                signed_in_at: chrono::Utc::now().timestamp(),
            },
        )
        .await
        .map_err(|e| session_error(e, "storing the principal in the session"))?;
    if let Some(minutes) = idle_minutes {
        session.set_expiry(Some(tower_sessions::Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(minutes as i64),
        )));
    }
    Ok(())
}

/// Ends the session on this device, whoever holds it.
pub async fn end_session() -> Result<(), AppError> {
    session()
        .await?
        .flush()
        .await
        .map_err(|e| session_error(e, "flushing session"))
}

pub(crate) async fn logout() -> Result<(), AppError> {
    let session = session().await?;
    session
        .flush()
        .await
        .map_err(|e| session_error(e, "flushing session"))?;
    leptos_axum::redirect("/connexion");
    Ok(())
}

pub(crate) async fn outbox_key() -> Result<String, AppError> {
    use base64::Engine as _;
    use rand::RngCore as _;
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let mut fresh = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    let key = sqlx::query_scalar!(
        r#"WITH created AS (
               INSERT INTO outbox_key (account_id, organisation_id, key) VALUES ($1, $2, $3)
               ON CONFLICT (account_id) DO NOTHING RETURNING key)
           SELECT key AS "key!" FROM created
           UNION ALL SELECT key FROM outbox_key WHERE account_id = $1
           LIMIT 1"#,
        principal.account_id,
        principal.organisation_id,
        &fresh[..]
    )
    .fetch_one(&state.pool)
    .await
    .context("reading the account's outbox key")
    .map_err(crate::state::db_error)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(key))
}

pub(crate) async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    match require_principal().await {
        Ok(p) => load_current_user(&AppState::get()?, p.account_id).await,
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The signed-in caller, or `Unauthenticated` when there is no live session
/// (never signed in, signed out, idle or absolute expiry, account disabled).
pub async fn require_principal() -> Result<Principal, AppError> {
    let state = AppState::get()?;
    let session = session().await?;
    let stored: Option<SessionPrincipal> = session
        .get(SESSION_KEY)
        .await
        .map_err(|e| session_error(e, "reading the session"))?;
    let Some(stored) = stored else {
        return Err(AppError::Unauthenticated);
    };
    let age = chrono::Utc::now().timestamp() - stored.signed_in_at;
    if age > state.config.session_absolute_hours as i64 * 3600 {
        session.flush().await.ok();
        return Err(AppError::Unauthenticated);
    }
    let row = sqlx::query!(
        r#"SELECT organisation_id, kind, profession, dpo FROM account WHERE id = $1 AND active"#,
        stored.account_id
    )
    .fetch_optional(&state.pool)
    .await
    .context("loading the session's account")
    .map_err(crate::state::db_error)?;
    let Some(row) = row else {
        session.flush().await.ok();
        return Err(AppError::Unauthenticated);
    };
    Ok(Principal {
        account_id: stored.account_id,
        organisation_id: row.organisation_id,
        kind: AccountKind::parse(&row.kind),
        profession: row.profession.as_deref().and_then(Profession::parse),
        dpo: row.dpo,
    })
}

async fn load_current_user(
    state: &AppState,
    account_id: Uuid,
) -> Result<Option<CurrentUser>, AppError> {
    let row = sqlx::query!(
        r#"SELECT a.kind, a.first_name, a.last_name, a.profession, a.dpo, o.name AS organisation_name,
                  COALESCE(ARRAY(
                      SELECT DISTINCT e.name FROM current_assignment s
                      JOIN etablissement e ON e.id = s.etablissement_id
                      WHERE s.account_id = a.id
                      ORDER BY e.name), '{}') AS "etablissements!",
                  EXISTS (SELECT 1 FROM section_permission sp
                          WHERE sp.organisation_id = a.organisation_id AND sp.profession = a.profession
                            AND sp.section = 'soins' AND sp.can_write) AS "writes_care!"
           FROM account a JOIN organisation o ON o.id = a.organisation_id
           WHERE a.id = $1 AND a.active"#,
        account_id,
    )
    .fetch_optional(&state.pool)
    .await
    .context("loading the signed-in person")
    .map_err(crate::state::db_error)?;
    Ok(row.map(|r| CurrentUser {
        account_id,
        kind: AccountKind::parse(&r.kind),
        first_name: r.first_name,
        last_name: r.last_name,
        profession: r.profession.as_deref().and_then(Profession::parse),
        etablissements: r.etablissements,
        organisation_name: r.organisation_name,
        session_idle_minutes: state.config.session_idle_minutes,
        dpo: r.dpo,
        writes_care: r.writes_care,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_and_rejects() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("Correct horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}

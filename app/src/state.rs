//! What every server function reaches for: the database pool and the
//! configuration (provided as Leptos context by the server), and the
//! conversion of unexpected failures into `AppError::Internal`.

use crate::error::AppError;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Sign-in throttling (see `auth::server::throttle`). Within
/// `window_minutes`:
/// - `max_failures` failures on one login **from one address** lock that
///   login from that address until `lockout_minutes` after the last;
/// - past `max_failures` failures on a login from all addresses, an address
///   that never signed in as that login waits a delay that doubles with each
///   failure (at most `lockout_minutes`), while the addresses it was used
///   from keep signing in: a stranger cannot lock a tablet out;
/// - `max_failures_per_address` failures from one address, whatever the
///   logins, refuse that address (random logins cost a hash each);
/// - at most `hashes_per_second` password checks run, server-wide.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    pub max_failures: u32,
    pub window_minutes: u32,
    pub lockout_minutes: u32,
    pub max_failures_per_address: u32,
    pub hashes_per_second: u32,
    /// Read the client's address from the last `X-Forwarded-For` entry (set
    /// this only behind a reverse proxy that writes it).
    pub trust_forwarded_for: bool,
}

/// Settings read from the environment by the server (see `docs/`).
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub session_idle_minutes: u32,
    /// Minutes without a touch after which a person's own space ends.
    pub espace_idle_minutes: u32,
    /// How long an emergency access (bris de glace) lasts.
    pub break_glass_hours: u32,
    pub session_absolute_hours: u32,
    pub login_throttle: LoginThrottle,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_idle_minutes: 15,
            espace_idle_minutes: 5,
            break_glass_hours: 4,
            session_absolute_hours: 12,
            login_throttle: LoginThrottle {
                max_failures: 5,
                window_minutes: 15,
                lockout_minutes: 15,
                max_failures_per_address: 30,
                hashes_per_second: 20,
                trust_forwarded_for: false,
            },
        }
    }
}

/// Shared server state, provided to every render and server function.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: AuthConfig,
    pub health: DbHealth,
}

impl AppState {
    /// The state provided by the server; its absence is a wiring bug. Once
    /// the database was found unreachable, while serving this request or
    /// by any request in the last `DbHealth::PAUSE`, the answer is
    /// `Unavailable` at once instead of another wait for a connection.
    pub fn get() -> Result<AppState, AppError> {
        if use_context::<Unreachable>().is_some_and(|u| u.0.load(Ordering::Relaxed)) {
            return Err(AppError::Unavailable);
        }
        let state = use_context::<AppState>()
            .ok_or_else(|| internal(anyhow::anyhow!("AppState not provided as context")))?;
        if state.health.is_down() {
            return Err(AppError::Unavailable);
        }
        Ok(state)
    }
}

/// Whether the database answered lately, shared by the whole server (the
/// pool's users and the session store). When one request finds it
/// unreachable, the others answer `Unavailable` at once for `PAUSE`
/// instead of each waiting `ACQUIRE_TIMEOUT` for a connection: under load,
/// a stopped PostgreSQL gives 503s in milliseconds, and the first request
/// after the pause tries again, so the service comes back by itself.
#[derive(Clone, Debug, Default)]
pub struct DbHealth(Arc<AtomicU64>);

impl DbHealth {
    pub const PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

    fn now_ms() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }

    pub fn is_down(&self) -> bool {
        Self::now_ms() < self.0.load(Ordering::Relaxed)
    }

    /// The database answered a probe (`/readyz`): serve again at once.
    pub fn mark_up(&self) {
        self.0.store(0, Ordering::Relaxed);
    }

    pub fn mark_down(&self) {
        self.0.store(
            Self::now_ms() + Self::PAUSE.as_millis() as u64,
            Ordering::Relaxed,
        );
    }
}

/// Provided fresh to every request: set when the database did not answer.
/// A page rendered on the server calls several server functions one after
/// the other; without it each would wait for a connection in turn.
#[derive(Clone, Default)]
pub struct Unreachable(Arc<AtomicBool>);

/// The database did not answer: remembered for the rest of the request.
pub fn unreachable() -> AppError {
    if let Some(u) = use_context::<Unreachable>() {
        u.0.store(true, Ordering::Relaxed);
    }
    if let Some(state) = use_context::<AppState>() {
        state.health.mark_down();
    }
    AppError::Unavailable
}

/// The id of the request being served (set by the server's request-id layer).
pub fn request_id() -> String {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "-".to_string())
}

/// Logs an unexpected failure with its whole context and returns the opaque
/// error the browser may see.
pub fn internal(err: anyhow::Error) -> AppError {
    let request_id = request_id();
    tracing::error!(request_id = %request_id, error = ?err, "unexpected failure");
    AppError::Internal { request_id }
}

/// Like `internal`, but a database that cannot be reached is `Unavailable`.
pub fn db_error(err: anyhow::Error) -> AppError {
    let lost = matches!(
        err.downcast_ref::<sqlx::Error>(),
        Some(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed)
    );
    if lost {
        tracing::warn!(request_id = %request_id(), error = ?err, "database unreachable");
        unreachable()
    } else {
        internal(err)
    }
}

impl AppState {
    /// Starts a transaction on the pool.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, AppError> {
        use anyhow::Context as _;
        self.pool
            .begin()
            .await
            .context("starting a transaction")
            .map_err(db_error)
    }
}

/// A row with the client's key exists already (the insert found it): a
/// retry when the same author wrote it about the same parent (`Some(true)`,
/// nothing to do), `Conflict` when the key is someone else's. Each domain
/// asks its own table with a checked query.
pub fn replayed(same: Option<bool>) -> Result<(), AppError> {
    match same {
        Some(true) => Ok(()),
        _ => Err(AppError::Conflict),
    }
}

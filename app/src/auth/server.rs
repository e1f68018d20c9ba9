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
fn decoy_hash() -> &'static str {
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

    let policy = &state.config.login_throttle;
    let throttle = sqlx::query!(
        r#"SELECT count(*) AS "failures!", max(failed_at) AS "last_failure: chrono::DateTime<chrono::Utc>"
           FROM login_failure WHERE login = $1 AND failed_at > now() - make_interval(mins => $2)"#,
        login,
        policy.window_minutes as i32,
    )
    .fetch_one(&state.pool)
    .await
    .context("counting recent login failures")
    .map_err(crate::state::db_error)?;
    if throttle.failures >= policy.max_failures as i64 {
        let last = throttle.last_failure.unwrap_or_else(chrono::Utc::now);
        let unlock = last + chrono::Duration::minutes(policy.lockout_minutes as i64);
        let remaining = (unlock - chrono::Utc::now()).num_seconds();
        if remaining > 0 {
            return Err(AppError::TooManyAttempts {
                retry_after_minutes: ((remaining + 59) / 60) as u32,
            });
        }
    }

    let account = sqlx::query!(
        r#"SELECT id, password_hash FROM account WHERE login = $1 AND active"#,
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
        sqlx::query!("INSERT INTO login_failure (login) VALUES ($1)", login)
            .execute(&state.pool)
            .await
            .context("recording a login failure")
            .map_err(crate::state::db_error)?;
        tracing::info!(login = %login, "sign-in refused");
        return Err(AppError::BadCredentials);
    };

    sqlx::query!("DELETE FROM login_failure WHERE login = $1", login)
        .execute(&state.pool)
        .await
        .context("clearing login failures")
        .map_err(crate::state::db_error)?;

    let session = session().await?;
    // A new session id at sign-in prevents session fixation.
    session
        .cycle_id()
        .await
        .context("cycling session id")
        .map_err(crate::state::internal)?;
    session
        .insert(
            SESSION_KEY,
            SessionPrincipal {
                account_id,
                signed_in_at: chrono::Utc::now().timestamp(),
            },
        )
        .await
        .context("storing the principal in the session")
        .map_err(crate::state::internal)?;
    tracing::info!(%account_id, "signed in");

    load_current_user(&state, account_id)
        .await?
        .ok_or(AppError::Unauthenticated)
}

pub(crate) async fn logout() -> Result<(), AppError> {
    let session = session().await?;
    session
        .flush()
        .await
        .context("flushing session")
        .map_err(crate::state::internal)?;
    leptos_axum::redirect("/connexion");
    Ok(())
}

pub(crate) async fn current_user() -> Result<Option<CurrentUser>, AppError> {
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
        .context("reading the session")
        .map_err(crate::state::internal)?;
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
        kind: if row.kind == "staff" {
            AccountKind::Staff
        } else {
            AccountKind::Family
        },
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
                      SELECT DISTINCT e.name FROM staff_assignment s
                      JOIN etablissement e ON e.id = s.etablissement_id
                      WHERE s.account_id = a.id AND s.start_date <= paris_today()
                        AND (s.end_date IS NULL OR s.end_date >= paris_today())
                      ORDER BY e.name), '{}') AS "etablissements!"
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
        kind: if r.kind == "staff" {
            AccountKind::Staff
        } else {
            AccountKind::Family
        },
        first_name: r.first_name,
        last_name: r.last_name,
        profession: r.profession.as_deref().and_then(Profession::parse),
        etablissements: r.etablissements,
        organisation_name: r.organisation_name,
        session_idle_minutes: state.config.session_idle_minutes,
        dpo: r.dpo,
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

//! Configuration from environment variables, with defaults that work on a
//! laptop: no `DATABASE_URL` means "start the embedded PostgreSQL".

use anyhow::{Context, Result};
use app::state::{AuthConfig, LoginThrottle};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (development).
    Pretty,
    /// One JSON object per line (production).
    Json,
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// An external PostgreSQL; `None` starts the embedded one.
    pub database_url: Option<String>,
    pub addr: SocketAddr,
    /// Where the embedded cluster and other local state live.
    pub data_dir: PathBuf,
    pub embedded_pg_port: u16,
    /// Load the demo organisation into an empty database.
    pub load_demo: bool,
    pub log_format: LogFormat,
    /// Cookies only over HTTPS (set when served behind TLS).
    pub secure_cookies: bool,
    /// How long to keep retrying an unreachable database at start-up.
    pub db_connect_timeout_secs: u64,
    pub auth: AuthConfig,
    pub site_root: String,
    pub output_name: String,
    pub hash_files: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: FromStr>(name: &str, default: T) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={v:?} n’est pas valide : {e}")),
    }
}

fn parse_bool(name: &str, default: bool) -> Result<bool> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "oui") => Ok(true),
        Some("0" | "false" | "no" | "non") => Ok(false),
        Some(other) => anyhow::bail!("{name}={other:?} : attendu true ou false"),
    }
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> Result<Config> {
        let database_url = var("DATABASE_URL");
        let addr_text = var("PARCOURS_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text
            .parse()
            .with_context(|| format!("PARCOURS_ADDR={addr_text:?} n’est pas une adresse valide"))?;
        let defaults = AuthConfig::default();
        let auth = AuthConfig {
            session_idle_minutes: parse_var(
                "PARCOURS_SESSION_IDLE_MINUTES",
                defaults.session_idle_minutes,
            )?,
            espace_idle_minutes: parse_var(
                "PARCOURS_ESPACE_IDLE_MINUTES",
                defaults.espace_idle_minutes,
            )?,
            break_glass_hours: parse_var("PARCOURS_BREAK_GLASS_HOURS", defaults.break_glass_hours)?,
            session_absolute_hours: parse_var(
                "PARCOURS_SESSION_MAX_HOURS",
                defaults.session_absolute_hours,
            )?,
            login_throttle: LoginThrottle {
                max_failures: parse_var(
                    "PARCOURS_LOGIN_MAX_FAILURES",
                    defaults.login_throttle.max_failures,
                )?,
                window_minutes: defaults.login_throttle.window_minutes,
                lockout_minutes: parse_var(
                    "PARCOURS_LOGIN_LOCKOUT_MINUTES",
                    defaults.login_throttle.lockout_minutes,
                )?,
                max_failures_per_address: parse_var(
                    "PARCOURS_LOGIN_MAX_FAILURES_PER_ADDRESS",
                    defaults.login_throttle.max_failures_per_address,
                )?,
                hashes_per_second: parse_var(
                    "PARCOURS_LOGIN_HASHES_PER_SECOND",
                    defaults.login_throttle.hashes_per_second,
                )?,
                trust_forwarded_for: parse_bool("PARCOURS_TRUST_FORWARDED_FOR", false)?,
            },
        };
        Ok(Config {
            load_demo: parse_bool("PARCOURS_DEMO", database_url.is_none())?,
            database_url,
            addr,
            data_dir: PathBuf::from(var("PARCOURS_DATA_DIR").unwrap_or_else(|| ".parcours".into())),
            embedded_pg_port: parse_var("PARCOURS_PG_PORT", 54329)?,
            log_format: match var("PARCOURS_LOG_FORMAT").as_deref() {
                Some("json") => LogFormat::Json,
                _ => LogFormat::Pretty,
            },
            secure_cookies: parse_bool("PARCOURS_SECURE_COOKIES", false)?,
            db_connect_timeout_secs: parse_var("PARCOURS_DB_CONNECT_TIMEOUT_SECS", 30)?,
            auth,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            output_name: var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "parcours".into()),
            hash_files: parse_bool("LEPTOS_HASH_FILES", true)?,
        })
    }
}

//! Builds the whole application: database, sessions, routes, layers.

use crate::config::{Config, LogFormat};
use crate::service_worker;
use anyhow::{Context, Result};
use app::state::{AppState, AuthConfig};
use app::{shell, App};
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr as _;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::{time::Duration as CookieDuration, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Level;

/// Everything a route handler may need.
#[derive(Clone, axum::extract::FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// Sets up logging: readable lines, or JSON with `PARCOURS_LOG_FORMAT=json`.
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// How long a request waits for a connection before answering
/// `Unavailable` (503). While PostgreSQL is down every connection attempt is
/// refused and sqlx retries until this delay: it is the time a tablet waits
/// to be told "base de données injoignable". A server saturated for longer
/// than this sheds its load with the same answer instead of queueing.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// The pool every request uses: 20 connections; a connection is not pinged
/// before each use (a dead one fails its query, is dropped, and the request
/// answers `Unavailable`: one round trip fewer per request).
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
}

/// The connection settings of `url`: short transactional queries, so
/// PostgreSQL's JIT is off (it compiles the larger ones for longer than they
/// run: the unit agenda at 10 000 usagers takes 440 ms with it, 57 ms
/// without; scripts/perimeter-plans).
pub fn connect_options(url: &str) -> Result<PgConnectOptions> {
    Ok(PgConnectOptions::from_str(url)
        .context("DATABASE_URL n’est pas une adresse PostgreSQL valide")?
        .options([("jit", "off")]))
}

/// Connects to PostgreSQL, retrying while it is unreachable for up to
/// `timeout_secs`, then gives up with a clear message.
pub async fn connect(url: &str, timeout_secs: u64) -> Result<PgPool> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout_secs);
    let mut wait = Duration::from_millis(250);
    loop {
        let attempt = pool_options().connect_with(connect_options(url)?).await;
        match attempt {
            Ok(pool) => return Ok(pool),
            Err(e) if tokio::time::Instant::now() + wait < deadline => {
                tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "base de données injoignable, nouvelle tentative");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "la base de données est injoignable depuis {timeout_secs} s \
                         (vérifiez DATABASE_URL et que PostgreSQL est démarré)"
                    )
                })
            }
        }
    }
}

/// Binds the HTTP listener, explaining an address already in use.
pub async fn bind(addr: std::net::SocketAddr) -> Result<tokio::net::TcpListener> {
    match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => Ok(listener),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => anyhow::bail!(
            "l’adresse {addr} est déjà utilisée : Parcours tourne-t-il déjà ? \
             Arrêtez l’autre programme ou choisissez une autre adresse avec PARCOURS_ADDR"
        ),
        Err(e) => Err(e).with_context(|| format!("écoute sur {addr}")),
    }
}

/// Applies the migrations of `migrations/` (forward-only).
pub async fn migrate(pool: &PgPool) -> Result<()> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .context("applying database migrations")?;
    // The audit trail's monthly partitions, this month and the next two
    // (anything outside lands in the default partition).
    sqlx::query!("SELECT audit_ensure_partitions(date_trunc('month', now())::date, 3)")
        .execute(pool)
        .await
        .context("creating the audit partitions")?;
    Ok(())
}

/// The Leptos options from the configuration.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(config.output_name.clone())
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(config.hash_files)
        .build()
}

/// The session store, migrated, with expired sessions swept every minute.
pub async fn session_store(pool: &PgPool) -> Result<PostgresStore> {
    let store = PostgresStore::new(pool.clone());
    store
        .migrate()
        .await
        .context("creating the session table")?;
    Ok(store)
}

/// The whole HTTP application.
pub fn router(
    pool: PgPool,
    leptos_options: LeptosOptions,
    auth: AuthConfig,
    store: PostgresStore,
    secure_cookies: bool,
) -> Router {
    let health = app::state::DbHealth::default();
    let store = crate::session_store::Sessions::new(store, pool.clone(), health.clone());
    let app_state = AppState {
        pool,
        config: auth.clone(),
        health,
    };
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: app_state.clone(),
    };
    let routes = generate_route_list(App);

    let sessions = SessionManagerLayer::new(store)
        .with_name("parcours_session")
        .with_secure(secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(CookieDuration::minutes(
            auth.session_idle_minutes as i64,
        )))
        .with_always_save(true);

    let context = {
        let app_state = app_state.clone();
        move || {
            provide_context(app_state.clone());
            provide_context(app::state::Unreachable::default());
        }
    };
    let sw = service_worker::ServiceWorker::from_site(&leptos_options);
    let pkg_dir = format!(
        "{}/{}",
        leptos_options.site_root, leptos_options.site_pkg_dir
    );

    let request_id = HeaderName::from_static("x-request-id");
    // Probes, the service worker and the hashed assets never touch the
    // session: the worker precaches dozens of files at once, and a request
    // that re-saved the session while the person signs out would bring it
    // back to life.
    let public = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/sw.js", get(move || async move { sw.response() }))
        .nest_service(
            "/pkg",
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ))
                .service(
                    ServeDir::new(pkg_dir)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .with_state(state.clone());
    let with_session = Router::new()
        .route("/documents/{id}", get(crate::download::document))
        .route("/projets/{id}/{variant}", get(crate::download::projet))
        .route(
            "/medicaments/{id}/{variant}",
            get(crate::download::medication),
        )
        .route(
            "/mon-espace/ecouter/{page}/{block}",
            get(crate::espace::audio),
        )
        .route("/mon-espace/photo", get(crate::espace::photo))
        .route(
            "/usagers/{id}/espace/carte.pdf",
            axum::routing::post(crate::espace::card),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        // Files of the site root (icons, manifest, offline page), else the
        // app's "page introuvable" with its 404. Not leptos_axum's
        // `file_and_error_handler`: it answers a file from inside a fresh
        // child of whatever reactive owner the worker thread had, and could
        // take the headers (the page's CSP) of a page rendered at that
        // moment into the file's response.
        .fallback_service(
            ServeDir::new(leptos_options.site_root.as_ref()).not_found_service(
                axum::handler::HandlerWithoutStateExt::into_service(
                    leptos_axum::render_app_to_stream_with_context(context, {
                        let options = leptos_options.clone();
                        move || shell(options.clone())
                    }),
                ),
            ),
        )
        .with_state(state)
        .layer(axum::middleware::map_response(error_status))
        .layer(sessions);
    // Outermost first: the server's request id, the trace, then the
    // guards (same origin, bounded body, declared content type) before any
    // session is looked up.
    let router = public
        .merge(with_session)
        .layer(axum::middleware::from_fn(
            crate::guard::declared_content_type,
        ))
        .layer(axum::middleware::from_fn(crate::guard::bounded_body))
        .layer(axum::middleware::from_fn(crate::guard::same_origin));
    with_security_headers(router, secure_cookies).layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(crate::guard::request_id))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request<_>| {
                            let header = |name: &str| {
                                req.headers()
                                    .get(name)
                                    .and_then(|v| v.to_str().ok())
                                    .unwrap_or("-")
                                    .to_string()
                            };
                            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(),
                                request_id = %header("x-request-id"), client_request_id = %header("x-client-request-id"))
                        })
                        .on_request(())
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(compression()),
        )
}

/// Pages and server-function answers are compressed (brotli at the level
/// NGINX uses on the fly, else gzip) for the browsers that accept it. The
/// hashed assets are already stored compressed (their `Content-Encoding`
/// is kept), images and PDF files are left as they are. Pages hold no
/// secret that an attacker could guess byte by byte (no CSRF token: the
/// guards check the origin), so compression does not open BREACH.
fn compression() -> CompressionLayer<impl Predicate + Clone> {
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/pdf")))
}

/// Gives every server-function error response the HTTP status of its
/// `AppError` (the framework answers 500 for all errors, including the
/// arguments it could not decode before our code ran).
async fn error_status(response: axum::response::Response) -> axum::response::Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Headers every response carries. Personal data is never stored by a
/// browser or a proxy: everything is `no-store` but the hashed assets and
/// the service worker, which say otherwise. Behind HTTPS (Secure cookies),
/// browsers are told to keep to it.
fn with_security_headers(router: Router, secure_cookies: bool) -> Router {
    let router = if secure_cookies {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        ))
    } else {
        router
    };
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Pages set their own policy with a nonce; everything else gets this one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(), geolocation=(), payment=()"),
        ))
}

async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    let check = tokio::time::timeout(
        ACQUIRE_TIMEOUT,
        sqlx::query_scalar!("SELECT 1 AS \"one!\"").fetch_one(&app.pool),
    )
    .await;
    match check {
        Ok(Ok(_)) => {
            // Ready means the requests that follow are served: end the
            // pause a failure started (`DbHealth`).
            app.health.mark_up();
            (StatusCode::OK, "prêt")
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "base de données injoignable, réessayez",
        ),
    }
}

//! Health checks, security headers, the PWA files, start-up failures and the
//! embedded PostgreSQL.

mod helpers;

use helpers::spawn_app;
use reqwest::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ok = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);

    app.pool.close().await;
    let down = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    let still_up = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(still_up.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_a_nonce_csp_and_the_security_headers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = app.client.get(app.url("/connexion")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.contains_key("x-request-id"));

    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\""));
    assert!(html.contains("Se connecter"));
    // Every inline script carries this response's nonce.
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "script without nonce: <script{tag}>"
        );
    }

    let other = app.client.get(app.url("/connexion")).send().await.unwrap();
    let other_csp = other.headers()["content-security-policy"].to_str().unwrap();
    assert_ne!(csp, other_csp, "a fresh nonce per response");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_are_404_in_french(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = app.client.get(app.url("/nulle-part")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Page introuvable"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_service_worker_is_versioned_and_never_cached_itself(pool: PgPool) {
    let app = spawn_app(pool).await;
    let sw = app.client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(sw.status(), StatusCode::OK);
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    let script = sw.text().await.unwrap();
    assert!(!script.contains("__VERSION__") && !script.contains("__ASSETS__"));
    assert!(script.contains("\"/offline.html\""));
}

#[tokio::test]
async fn an_unreachable_database_at_start_up_gives_a_clear_error() {
    let started = std::time::Instant::now();
    let err = server::startup::connect("postgres://x:y@127.0.0.1:9/none", 1)
        .await
        .expect_err("nothing listens on port 9");
    assert!(format!("{err:#}").contains("injoignable"), "{err:#}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[tokio::test]
async fn a_port_in_use_gives_a_clear_error() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = server::startup::bind(taken.local_addr().unwrap())
        .await
        .expect_err("port taken");
    assert!(format!("{err:#}").contains("déjà utilisée"), "{err:#}");
}

#[test]
fn the_embedded_postgres_is_created_reused_and_stopped() {
    use server::embedded_pg::EmbeddedPostgres;
    let root = std::env::temp_dir().join(format!("parcours-pg-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&root).unwrap();
    // A port the system just gave out as free (a fixed or derived number can
    // collide with the ephemeral ports of live connections).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let first = EmbeddedPostgres::ensure_running(&root, port).expect("created and started");
    assert!(first.started_here());
    let second = EmbeddedPostgres::ensure_running(&root, port).expect("reused");
    assert!(
        !second.started_here(),
        "a running cluster is reused, not started twice"
    );
    assert_eq!(first.url(), second.url());

    // A second cluster cannot take the same port: the message says so.
    let other_root = root.join("other");
    let err = EmbeddedPostgres::ensure_running(&other_root, port).expect_err("port taken");
    assert!(format!("{err:#}").contains("PARCOURS_PG_PORT"), "{err:#}");

    first.stop().expect("stopped");
    assert!(!second.is_running().unwrap());
    let _ = std::fs::remove_dir_all(&root);
}

//! Health checks, security headers, the PWA files, start-up failures and the
//! embedded PostgreSQL.

use crate::helpers::spawn_app;
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

// ---------------------------------------------------------------------------
// The security review (issue 10): what sits around the perimeter checks.

use crate::helpers::{spawn_app_full, usager_named, TestApp};
use serde_json::Value;

/// A raw POST to a server function, with a body and headers of the test's
/// choosing.
async fn raw_post(
    app: &TestApp,
    endpoint: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let mut request = app
        .client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "application/json")
        .header("content-type", content_type)
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = tokio::time::timeout(std::time::Duration::from_secs(20), request.send())
        .await
        .expect("the server answers")
        .expect("request");
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value, headers)
}

async fn notes_about(app: &TestApp, body: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM transmission WHERE body = $1")
        .bind(body)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn personal_data_is_never_stored_by_a_browser_and_https_is_kept_to(pool: PgPool) {
    let app = spawn_app_full(pool, app::state::AuthConfig::default(), true).await;
    app.login("educateur").await;
    let page = app.client.get(app.url("/usagers")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=63072000"
    );
    let (_, _, headers) = raw_post(
        &app,
        "mes_usagers",
        "application/x-www-form-urlencoded",
        "",
        &[],
    )
    .await;
    assert_eq!(headers["cache-control"], "no-store");
    // The service worker says its own (revalidated at each visit).
    let sw = app.client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    // Without HTTPS, no HSTS.
    let plain = spawn_app(app.pool.clone()).await;
    let page = plain
        .client
        .get(plain.url("/connexion"))
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("strict-transport-security").is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_trail_keeps_the_servers_request_id_never_the_clients(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    let (status, _, headers) = raw_post(
        &app,
        "usager",
        "application/x-www-form-urlencoded",
        format!("id={lucas}"),
        &[("x-request-id", "forged-0123 ; DROP")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let answered = headers["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(answered).is_ok(), "{answered}");
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT request_id FROM audit_event WHERE usager_id = $1::uuid ORDER BY id DESC",
    )
    .bind(&lucas)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!stored.is_empty());
    for id in &stored {
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "a client's id in the trail: {id}"
        );
    }
    assert_eq!(stored[0], answered);
}

#[sqlx::test(migrations = "../migrations")]
async fn oversized_bodies_are_refused_with_413_in_french_and_nothing_is_written(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    let big = "x".repeat(2 * 1024 * 1024);
    let form = format!(
        "id={lucas}&input[id]={}&input[category]=educatif&input[body]={big}",
        uuid::Uuid::new_v4()
    );
    // Announced.
    let (status, body, _) = raw_post(
        &app,
        "transmission",
        "application/x-www-form-urlencoded",
        form.clone(),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["TooLarge"]["max_bytes"], 1024 * 1024);
    // Chunked, without a length: counted while it is read.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = form
        .into_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let (status, body, _) = raw_post(
        &app,
        "transmission",
        "application/x-www-form-urlencoded",
        reqwest::Body::wrap_stream(futures::stream::iter(chunks)),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(notes_about(&app, &big).await, 0);
    assert_eq!(
        app::error::AppError::TooLarge {
            max_bytes: 1024 * 1024
        }
        .message_fr(),
        "Le contenu envoyé est trop volumineux (1 Mo au plus) : il n’a pas été enregistré."
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_upload_announces_its_length_and_reads_no_unbounded_field(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    let multipart = |title: String| {
        let boundary = "XyZparcours";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{lucas}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n--{boundary}--\r\n"
        );
        (format!("multipart/form-data; boundary={boundary}"), body)
    };
    // A family account's 25 MB title, sent without a length.
    let family = app.other_device();
    family.login("famille.moreau").await;
    let (ct, body) = multipart("t".repeat(25 * 1024 * 1024));
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
        .into_bytes()
        .chunks(256 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let (status, answer, _) = raw_post(
        &family,
        "document_depot",
        &ct,
        reqwest::Body::wrap_stream(futures::stream::iter(chunks)),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::LENGTH_REQUIRED, "{answer}");
    // Announced above the limit: refused before anything is read.
    let (ct, body) = multipart("t".repeat(21 * 1024 * 1024));
    let (status, answer, _) = raw_post(&family, "document_depot", &ct, body, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    // Within the limit, the family account is refused at the person's id,
    // before the title is read.
    let (ct, body) = multipart("t".repeat(2 * 1024 * 1024));
    let (status, answer, _) = raw_post(&family, "document_depot", &ct, body, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    // A staff member who files the person's documents: the title is read
    // up to its bound only.
    app.login("chef.service").await;
    let (ct, body) = multipart("t".repeat(2 * 1024 * 1024));
    let (status, answer, _) = raw_post(&app, "document_depot", &ct, body, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["Invalid"]["field"], "title");
}

#[sqlx::test(migrations = "../migrations")]
async fn undecodable_json_is_the_callers_mistake_never_a_500(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let projet = uuid::Uuid::new_v4();
    let bodies = [
        "{not json".to_string(),
        format!(
            r#"{{"id": 12, "projet": "{projet}", "session": "{projet}", "key": "k", "version": 0, "value": ""}}"#
        ),
        format!(
            r#"{{"id": "{lucas}", "projet": "{projet}", "session": "{projet}", "element": "{projet}", "version": 0,
                "content": {{"kind": "inconnu"}}}}"#
        ),
    ];
    for (endpoint, body) in [
        ("projet_champ", &bodies[0]),
        ("projet_champ", &bodies[1]),
        ("projet_element", &bodies[2]),
    ] {
        let (status, answer, _) =
            raw_post(&app, endpoint, "application/json", body.clone(), &[]).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint} {body}: {answer}"
        );
        assert!(answer["Invalid"]["reason"].is_string(), "{answer}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn requests_from_another_site_change_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    let host = app.addr.to_string();
    let own_origin = format!("http://{host}");
    let sibling_port = format!("http://127.0.0.1:{}", app.addr.port() + 1);
    let note = |body: &str| {
        format!(
            "id={lucas}&input[id]={}&input[category]=educatif&input[body]={body}",
            uuid::Uuid::new_v4()
        )
    };
    let form = "application/x-www-form-urlencoded";
    for (body, headers) in [
        ("csrf-origin", vec![("origin", sibling_port.as_str())]),
        ("csrf-null", vec![("origin", "null")]),
        ("csrf-site", vec![("sec-fetch-site", "cross-site")]),
        ("csrf-same-site", vec![("sec-fetch-site", "same-site")]),
    ] {
        let (status, answer, _) = raw_post(&app, "transmission", form, note(body), &headers).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}: {answer}");
        assert_eq!(answer, serde_json::json!("Forbidden"));
        assert_eq!(notes_about(&app, body).await, 0, "{body}");
    }
    // A "simple" cross-site body (text/plain) never reaches a server function.
    let (status, _, _) =
        raw_post(&app, "transmission", "text/plain", note("csrf-plain"), &[]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(notes_about(&app, "csrf-plain").await, 0);
    // A form body to a JSON function, JSON to a form function: 415.
    let (status, _, _) = raw_post(&app, "projet_champ", form, "id=1", &[]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, _) = raw_post(&app, "transmission", "application/json", "{}", &[]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The site's own pages, and clients that send no origin, go through.
    let (status, answer, _) = raw_post(
        &app,
        "transmission",
        form,
        note("same-origin"),
        &[
            ("origin", own_origin.as_str()),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(notes_about(&app, "same-origin").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn dates_out_of_range_are_refused_in_french_and_the_week_comes_after_the_rights(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    for probe in ["+262142-12-31", "-5000-01-01", "0000-01-01", "2101-01-01"] {
        let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("agenda_unite", vec![("week_of", probe)]),
            ("agenda", vec![("id", lucas.as_str()), ("week_of", probe)]),
            (
                "transmissions",
                vec![("id", lucas.as_str()), ("filter[from]", probe)],
            ),
            ("cahier_de_liaison", vec![("date", probe)]),
        ];
        for (endpoint, args) in calls {
            let answer = tokio::time::timeout(
                std::time::Duration::from_secs(20),
                app.call(endpoint, &args),
            )
            .await
            .unwrap_or_else(|_| panic!("{endpoint} {probe} never answered"));
            assert_eq!(
                answer.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{endpoint} {probe}: {}",
                answer.1
            );
            assert!(
                answer.1["Invalid"]["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("1900") && r.contains("2100")),
                "{endpoint} {probe}: {}",
                answer.1
            );
        }
        // The page itself answers.
        let page = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            app.client
                .get(app.url(&format!("/agenda?semaine={probe}")))
                .send(),
        )
        .await
        .expect("the agenda page answers")
        .unwrap();
        assert!(page.status().is_success(), "{}", page.status());
    }
    // Someone whose profession has no agenda is refused before the date is read.
    let admin = app.other_device();
    admin.login("admin").await;
    let (status, _) = admin
        .call("agenda_unite", &[("week_of", "+262142-12-31")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_and_server_functions_are_compressed_and_still_never_stored(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = app
        .client
        .get(app.url("/connexion"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["content-encoding"], "br");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let answer = app
        .client
        .post(app.url("/api/mes_usagers"))
        .header("accept-encoding", "gzip")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    // Refused (not signed in), and compressed only above 32 bytes.
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(answer.headers()["cache-control"], "no-store");
}

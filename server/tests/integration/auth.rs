//! Sign-in, sessions, throttling and the wire errors, against PostgreSQL.

use crate::helpers::{spawn_app, spawn_app_with};
use app::state::{AuthConfig, LoginThrottle};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_demo_account_signs_in_and_sees_who_they_are(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, me) = app.login("educateur").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["first_name"], "Camille");
    assert_eq!(me["profession"], "educateur");
    assert_eq!(me["etablissements"], json!(["Foyer Les Glycines"]));

    let (status, me) = app.call("moi", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["last_name"], "Martin");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, body) = app
        .call(
            "connexion",
            &[("login", "educateur"), ("password", "mauvais")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!("BadCredentials"));

    let (status, body) = app
        .call(
            "connexion",
            &[("login", "personne"), ("password", "mauvais")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!("BadCredentials"));

    let (_, me) = app.call("moi", &[]).await;
    assert_eq!(me, json!(null), "a failed sign-in opens no session");
}

#[sqlx::test(migrations = "../migrations")]
async fn empty_fields_are_invalid_with_a_french_reason(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, body) = app
        .call("connexion", &[("login", "  "), ("password", "x")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Invalid"]["field"], "login");
    assert_eq!(body["Invalid"]["reason"], "Saisissez votre identifiant.");

    let (status, body) = app
        .call("connexion", &[("login", "educateur"), ("password", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Invalid"]["field"], "password");

    let (status, body) = app.call("connexion", &[("login", "educateur")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_lock_the_login_even_for_the_right_password(pool: PgPool) {
    let auth = AuthConfig {
        login_throttle: LoginThrottle {
            max_failures: 3,
            window_minutes: 15,
            lockout_minutes: 10,
            ..AuthConfig::default().login_throttle
        },
        ..AuthConfig::default()
    };
    let app = spawn_app_with(pool, auth).await;
    for _ in 0..3 {
        let (status, _) = app
            .call("connexion", &[("login", "infirmier"), ("password", "non")])
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = app.login("infirmier").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["TooManyAttempts"]["retry_after_minutes"], 10);

    // Other logins are not affected.
    let (status, _) = app.login("educateur").await;
    assert_eq!(status, StatusCode::OK);

    // Once the lockout has passed, the right password works again.
    sqlx::query("UPDATE login_failure SET failed_at = failed_at - interval '20 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = app.other_device().login("infirmier").await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn logout_ends_the_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let (status, _) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call("deconnexion", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!("Unauthenticated"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_session_is_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    // As if the tablet had been left idle past the expiry.
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!("Unauthenticated"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_past_its_absolute_lifetime_is_refused(pool: PgPool) {
    let auth = AuthConfig {
        session_absolute_hours: 0,
        ..AuthConfig::default()
    };
    let app = spawn_app_with(pool, auth).await;
    app.login("educateur").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_disabled_account_loses_its_open_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    sqlx::query("UPDATE account SET active = false WHERE login = 'educateur'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_cookie_is_http_only_and_same_site_strict(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .post(app.url("/api/connexion"))
        .form(&[
            ("login", "educateur"),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("parcours_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        cookie.contains("Max-Age=900"),
        "idle expiry of 15 minutes: {cookie}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_password_is_stored_only_as_an_argon2id_hash(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM account WHERE login = 'educateur'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains(server::demo::DEMO_PASSWORD));
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT encode(data, 'escape') FROM tower_sessions.session")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(sessions
        .iter()
        .all(|s| !s.contains(server::demo::DEMO_PASSWORD)));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_request_ending_after_the_sign_out_does_not_sign_the_person_back_in(pool: PgPool) {
    use tower_sessions::session::{Id, Record};
    use tower_sessions::SessionStore as _;
    let store = server::session_store::Sessions::new(
        server::startup::session_store(&pool).await.unwrap(),
        pool.clone(),
        app::state::DbHealth::default(),
    );
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_some());
    // Signing out deletes the session; a request that loaded it before
    // then saves it at its end.
    store.delete(&record.id).await.unwrap();
    store.save(&record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
}

/// Throttling with the client's address read from `X-Forwarded-For`, so
/// that one test plays several tablets and strangers.
fn behind_a_proxy(throttle: LoginThrottle) -> AuthConfig {
    AuthConfig {
        login_throttle: LoginThrottle {
            trust_forwarded_for: true,
            ..throttle
        },
        ..AuthConfig::default()
    }
}

async fn sign_in_from(
    app: &crate::helpers::TestApp,
    address: &str,
    login: &str,
    password: &str,
) -> (StatusCode, serde_json::Value) {
    app.other_device()
        .call_with_headers(
            "connexion",
            &[("login", login), ("password", password)],
            &[("x-forwarded-for", address)],
        )
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stranger_cannot_lock_a_tablet_out_of_its_account(pool: PgPool) {
    let app = spawn_app_with(
        pool,
        behind_a_proxy(LoginThrottle {
            max_failures: 3,
            window_minutes: 15,
            lockout_minutes: 15,
            ..AuthConfig::default().login_throttle
        }),
    )
    .await;
    let password = server::demo::DEMO_PASSWORD;
    let (tablet, stranger, newcomer) = ("10.0.0.5", "203.0.113.7", "198.51.100.9");
    // The unit's tablet signs in as the nurse once: a known address.
    assert_eq!(
        sign_in_from(&app, tablet, "infirmier", password).await.0,
        StatusCode::OK
    );
    for _ in 0..3 {
        let (status, _) = sign_in_from(&app, stranger, "infirmier", "devine").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Six more from elsewhere, as a spread attack leaves them.
    sqlx::query(
        "INSERT INTO login_failure (login, source)
         SELECT 'infirmier', '203.0.113.' || g FROM generate_series(100, 105) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // The stranger is locked out, even with the right password...
    let (status, body) = sign_in_from(&app, stranger, "infirmier", password).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["TooManyAttempts"]["retry_after_minutes"], 15);
    // ...the tablet is not.
    assert_eq!(
        sign_in_from(&app, tablet, "infirmier", password).await.0,
        StatusCode::OK
    );
    // A new address waits a delay that grew with the failures (2⁶ s after
    // nine), not the lock.
    let (status, body) = sign_in_from(&app, newcomer, "infirmier", password).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["TooManyAttempts"]["retry_after_minutes"], 2);
    sqlx::query("UPDATE login_failure SET failed_at = failed_at - interval '2 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        sign_in_from(&app, newcomer, "infirmier", password).await.0,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn random_logins_from_one_address_are_held_back(pool: PgPool) {
    let app = spawn_app_with(
        pool,
        behind_a_proxy(LoginThrottle {
            max_failures_per_address: 5,
            ..AuthConfig::default().login_throttle
        }),
    )
    .await;
    for i in 0..5 {
        let (status, _) = sign_in_from(&app, "203.0.113.8", &format!("inconnu{i}"), "devine").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = sign_in_from(&app, "203.0.113.8", "inconnu9", "devine").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Nobody else is held back by that address.
    let (status, _) =
        sign_in_from(&app, "10.0.0.6", "educateur", server::demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn password_checks_have_a_server_wide_budget(pool: PgPool) {
    let app = spawn_app_with(
        pool,
        behind_a_proxy(LoginThrottle {
            hashes_per_second: 2,
            ..AuthConfig::default().login_throttle
        }),
    )
    .await;
    let mut held_back = 0;
    for i in 0..8 {
        let (status, _) = sign_in_from(
            &app,
            &format!("203.0.113.{}", 20 + i),
            &format!("inconnu{i}"),
            "x",
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            held_back += 1;
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    assert!(
        held_back > 0,
        "eight checks in a row within a budget of two a second"
    );
}

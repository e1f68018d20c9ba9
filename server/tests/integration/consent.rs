//! Consents and oppositions, against PostgreSQL.

use crate::helpers::{names, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn an_opposition_to_family_sharing_takes_effect_at_once_and_history_is_kept(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = crate::helpers::usager_named(&app.pool, "Lucas").await;
    let lucas = lucas.to_string();
    let family = app.other_device();
    family.login("famille.moreau").await;
    let (_, list) = family.call("famille_usagers", &[]).await;
    assert_eq!(names(&list), vec!["Lucas MOREAU"]);

    let chef = app.other_device();
    chef.login("chef.service").await;
    let opposition = [
        ("id", lucas.as_str()),
        ("scope", "famille"),
        ("decision", "opposition"),
        ("expressed_by", "usager"),
        ("comment", "Souhaite garder son dossier pour lui"),
    ];
    let (status, body) = chef.call("consentement", &opposition).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, list) = family.call("famille_usagers", &[]).await;
    assert_eq!(
        list,
        json!([]),
        "the opposition applies to the next request"
    );

    let mut consent = opposition;
    consent[2] = ("decision", "consentement");
    chef.call("consentement", &consent).await;
    let (_, list) = family.call("famille_usagers", &[]).await;
    assert_eq!(names(&list), vec!["Lucas MOREAU"]);

    let (status, consents) = chef.call("consentements", &[("id", &lucas)]).await;
    assert_eq!(status, StatusCode::OK);
    let history = consents["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "nothing is overwritten");
    assert_eq!(history[0]["opposition"], json!(false));
    assert_eq!(history[1]["opposition"], json!(true));
    assert_eq!(consents["can_record"], json!(true));
}

#[sqlx::test(migrations = "../migrations")]
async fn recording_a_consent_needs_the_write_right_and_valid_choices(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = crate::helpers::usager_named(&app.pool, "Lucas").await;
    let lucas = lucas.to_string();
    // An éducateur reads the administrative file but does not write it.
    app.login("educateur").await;
    let (status, consents) = app.call("consentements", &[("id", &lucas)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(consents["can_record"], json!(false));
    let args = [
        ("id", lucas.as_str()),
        ("scope", "famille"),
        ("decision", "opposition"),
        ("expressed_by", "usager"),
        ("comment", ""),
    ];
    let (status, _) = app.call("consentement", &args).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let secretary = app.other_device();
    secretary.login("secretaire").await;
    let mut bad = args;
    bad[1] = ("scope", "voisins");
    let (status, body) = secretary.call("consentement", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Invalid"]["field"], "scope");
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM consent_event WHERE scope <> 'espace_personnel'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, 0, "nothing written on refusal");
}

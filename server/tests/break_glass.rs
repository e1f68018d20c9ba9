//! Bris de glace and the trail's views, against PostgreSQL.

mod helpers;

use helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

async fn lucas(pool: &PgPool) -> String {
    helpers::usager_named(pool, "Lucas").await.to_string()
}

const REASON: &str = "Chute grave, le SAMU demande ses traitements";

#[sqlx::test(migrations = "../migrations")]
async fn an_emergency_access_opens_the_record_for_a_while_and_is_flagged(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    // The FAM's AES does not accompany Lucas (foyer and ESAT).
    app.login("aes").await;
    let (status, _) = app.call("usager", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, until) = app
        .call("bris_de_glace", &[("id", &id), ("reason", REASON)])
        .await;
    assert_eq!(status, StatusCode::OK, "{until}");
    assert!(until.as_str().unwrap().contains(':'));

    let (status, record) = app.call("usager", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["break_glass"], json!(true));
    assert!(record["break_glass_until"].is_string());
    // The emergency opens what the profession reads, never more.
    assert!(!record["sections"]
        .as_array()
        .unwrap()
        .contains(&json!("medical")));

    let flagged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE break_glass AND allowed")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(flagged, 2, "the grant and the read");

    // Once expired, the door closes again.
    sqlx::query("UPDATE break_glass SET granted_at = now() - interval '5 hours', expires_at = now() - interval '1 hour'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = app.call("usager", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_short_or_empty_reason_is_refused_and_grants_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    app.login("aes").await;
    for reason in ["", "   ", "urgence"] {
        let (status, body) = app
            .call("bris_de_glace", &[("id", &id), ("reason", reason)])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["Invalid"]["field"], "reason");
    }
    let grants: i64 = sqlx::query_scalar("SELECT count(*) FROM break_glass")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(grants, 0);
    let (status, _) = app.call("usager", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let family = app.other_device();
    family.login("famille.moreau").await;
    let (status, _) = family
        .call("bris_de_glace", &[("id", &id), ("reason", REASON)])
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "families cannot break the glass"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_direction_reviews_emergency_accesses_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    app.login("aes").await;
    app.call("bris_de_glace", &[("id", &id), ("reason", REASON)])
        .await;
    let (status, _) = app.call("bris_de_glace_liste", &[]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the requester does not review"
    );

    let chef = app.other_device();
    chef.login("chef.service").await;
    let (status, list) = chef.call("bris_de_glace_liste", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["reason"], REASON);
    assert_eq!(list[0]["review"], json!(null));
    let bg = list[0]["id"].as_str().unwrap().to_string();
    let (status, _) = chef
        .call(
            "bris_de_glace_examen",
            &[("id", &bg), ("comment", "Justifié")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = chef
        .call(
            "bris_de_glace_examen",
            &[("id", &bg), ("comment", "Encore")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, list) = chef.call("bris_de_glace_liste", &[]).await;
    assert!(list[0]["review"]
        .as_str()
        .unwrap()
        .starts_with("Examiné par Olivier Garnier"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dpo_searches_the_trail_and_the_record_shows_who_accessed_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    app.login("educateur").await;
    app.call("usager", &[("id", &id)]).await;
    let outsider = app.other_device();
    outsider.login("aes").await;
    outsider.call("usager", &[("id", &id)]).await;

    let dpo = app.other_device();
    dpo.login("dpo").await;
    let (status, lines) = dpo
        .call(
            "tracabilite",
            &[("filter[usager]", "lucas"), ("filter[denied_only]", "true")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["who"], "Sarah Lambert");
    assert_eq!(lines[0]["allowed"], json!(false));

    let (status, body) = dpo
        .call("tracabilite", &[("filter[from]", "2026-13-45")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The chef de service of the foyer sees who opened Lucas's record.
    let chef = app.other_device();
    chef.login("chef.service").await;
    let (status, lines) = chef.call("dossier_acces", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let who: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["who"].as_str().unwrap())
        .collect();
    assert!(
        who.contains(&"Camille Martin") && who.contains(&"Sarah Lambert"),
        "{who:?}"
    );

    // An éducateur may not search the trail.
    let (status, _) = app.call("tracabilite", &[("filter[usager]", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

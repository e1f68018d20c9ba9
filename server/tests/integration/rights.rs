//! Administering the permission matrix, against PostgreSQL.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

fn row<'a>(profession: &'a str, soins: &'a str, medical: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("profession", profession),
        ("identite", "lecture"),
        ("projet", "lecture"),
        ("transmissions", "ecriture"),
        ("agenda", "lecture"),
        ("documents", "aucun"),
        ("travail", "ecriture"),
        ("soins", soins),
        ("medical", medical),
        ("audit", "aucun"),
    ]
}

#[sqlx::test(migrations = "../migrations")]
async fn an_administrator_changes_a_profession_and_it_applies_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = crate::helpers::usager_named(&app.pool, "Lucas").await;
    let workshop = app.other_device();
    workshop.login("moniteur.atelier").await;
    let (_, record) = workshop.call("usager", &[("id", &lucas.to_string())]).await;
    assert!(!record["sections"]
        .as_array()
        .unwrap()
        .contains(&json!("soins")));

    app.login("admin").await;
    let (status, matrix) = app.call("droits", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        matrix.as_array().unwrap().len(),
        app::organisation::Profession::ALL.len()
    );
    let (status, body) = app
        .call(
            "droits_profession",
            &row("moniteur_atelier", "lecture", "aucun"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, record) = workshop.call("usager", &[("id", &lucas.to_string())]).await;
    assert!(record["sections"]
        .as_array()
        .unwrap()
        .contains(&json!("soins")));
    let traced: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE section = 'droits'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(traced, 1);
    assert!(matches!(
        server::audit::verify(&app.pool).await.unwrap(),
        server::audit::Verdict::Intact { .. }
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn medical_secrecy_and_the_administrator_role_are_enforced(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("admin").await;
    let (status, body) = app
        .call(
            "droits_profession",
            &row("educateur", "ecriture", "lecture"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Invalid"]["field"], "medical");
    let (status, _) = app
        .call("droits_profession", &row("educateur", "super", "aucun"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let director = app.other_device();
    director.login("directeur").await;
    let (status, _) = director
        .call("droits_profession", &row("directeur", "ecriture", "aucun"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the direction does not grant itself rights"
    );
    let (status, _) = director.call("droits", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let changed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM section_permission WHERE updated_by IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(changed, 0, "nothing half-written");
}

//! "Mes usagers", the record page and its perimeter rule, against PostgreSQL.

use crate::helpers::{names, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

async fn usager_id(pool: &PgPool, first: &str, last: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM usager WHERE used_first_name = $1 AND used_last_name = $2")
        .bind(first)
        .bind(last)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn each_staff_member_sees_exactly_the_usagers_of_their_units(pool: PgPool) {
    let app = spawn_app(pool).await;
    for (login, ..) in server::demo::DEMO_STAFF {
        let device = app.other_device();
        let (status, _) = device.login(login).await;
        assert_eq!(status, StatusCode::OK, "{login}");
        let (status, list) = device.call("mes_usagers", &[]).await;
        assert_eq!(status, StatusCode::OK, "{login}: {list}");
        assert_eq!(
            names(&list),
            server::demo::expected_usagers_of(login),
            "{login}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn ended_and_future_accompaniments_are_outside_the_list(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("directeur").await;
    let (_, list) = app.call("mes_usagers", &[]).await;
    let shown = names(&list);
    assert_eq!(shown.len(), 34, "40 usagers, 4 gone, 2 not yet admitted");
    assert!(
        !shown.contains(&"Yanis MARTY".to_string()),
        "ended accompaniment"
    );
    assert!(
        !shown.contains(&"Agathe PICHON".to_string()),
        "admission in the future"
    );
    let lucas = list["usagers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["first_name"] == "Lucas")
        .unwrap();
    assert_eq!(
        lucas["places"].as_array().unwrap().len(),
        2,
        "foyer and ESAT: {lucas}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_needs_a_staff_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, body) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!("Unauthenticated"));

    app.login("famille.moreau").await;
    let (status, body) = app.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!("Forbidden"));
    let (status, list) = app.call("famille_usagers", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&list), vec!["Lucas MOREAU"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_record_inside_the_perimeter_opens_and_the_access_is_audited(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = usager_id(&app.pool, "Lucas", "Moreau").await;
    app.login("educateur").await;
    let (status, record) = app.call("usager", &[("id", &lucas.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["first_name"], "Lucas");
    assert_eq!(record["accompagnements"].as_array().unwrap().len(), 2);

    let (allowed, section): (bool, String) = sqlx::query_as(
        "SELECT allowed, section FROM audit_event WHERE usager_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(lucas)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(allowed);
    assert_eq!(section, "identite");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_record_outside_the_perimeter_is_forbidden_and_the_attempt_audited(pool: PgPool) {
    let app = spawn_app(pool).await;
    // Paul Caron lives at the FAM; the éducateur works at the foyer.
    let paul = usager_id(&app.pool, "Paul", "Caron").await;
    app.login("educateur").await;
    let (status, body) = app.call("usager", &[("id", &paul.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!("Forbidden"));
    let denied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE usager_id = $1 AND NOT allowed")
            .bind(paul)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(denied, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_and_malformed_ids_are_answered_without_leaking(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    // An id of nobody gets the same answer as a record out of reach.
    let (status, body) = app
        .call("usager", &[("id", &Uuid::new_v4().to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!("Forbidden"));

    let (status, body) = app
        .call("usager", &[("id", "'; DROP TABLE usager; --")])
        .await;
    assert!(status.is_client_error(), "{status}");
    assert!(body.get("Invalid").is_some(), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unexpected_failure_shows_only_a_request_id(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    sqlx::query("DROP TABLE audit_event")
        .execute(&app.pool)
        .await
        .unwrap();
    let lucas = usager_id(&app.pool, "Lucas", "Moreau").await;
    let response = app
        .client
        .post(app.url("/api/usager"))
        .form(&[("id", lucas.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body = response.text().await.unwrap();
    assert_eq!(
        body,
        json!({ "Internal": { "request_id": request_id } }).to_string()
    );
    assert!(!body.contains("audit_event"));
}

#[sqlx::test(migrations = "../migrations")]
async fn another_organisations_usager_is_forbidden_audited_and_unchanged(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (other_org, other_usager) = (Uuid::new_v4(), Uuid::new_v4());
    sqlx::query("INSERT INTO organisation (id, name) VALUES ($1, 'Autre association')")
        .bind(other_org)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO usager (id, organisation_id, used_first_name, used_last_name, birth_date,
                             birth_last_name, birth_first_names)
         VALUES ($1, $2, 'Jeanne', 'Ailleurs', '1980-01-01', 'AILLEURS', 'JEANNE')",
    )
    .bind(other_usager)
    .bind(other_org)
    .execute(&app.pool)
    .await
    .unwrap();

    app.login("directeur").await;
    let id = other_usager.to_string();
    let (status, body) = app.call("usager", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!("Forbidden"));
    let (status, _) = app
        .call(
            "bris_de_glace",
            &[
                ("id", &id),
                ("reason", "Je veux voir ce dossier, c'est urgent"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            "consentement",
            &[
                ("id", &id),
                ("scope", "famille"),
                ("decision", "opposition"),
                ("expressed_by", "usager"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let denied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE usager_id = $1 AND NOT allowed")
            .bind(other_usager)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        denied, 2,
        "the read and the consent attempt are in the trail"
    );
    let changed: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM break_glass)
              + (SELECT count(*) FROM consent_event WHERE scope <> 'espace_personnel')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(changed, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_perimeter_larger_than_one_answer_is_searched_on_the_server(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sqlx::query(
        "WITH u AS (SELECT un.id, un.etablissement_id FROM unit un
                    WHERE NOT EXISTS (SELECT 1 FROM current_assignment s JOIN account a ON a.id = s.account_id
                                      WHERE a.login = 'educateur' AND s.etablissement_id = un.etablissement_id
                                        AND (s.unit_id IS NULL OR s.unit_id = un.id))
                    ORDER BY un.id LIMIT 1),
              new AS (
                 INSERT INTO usager (id, organisation_id, used_first_name, used_last_name, birth_date,
                                     birth_last_name, birth_first_names, sex)
                 SELECT gen_random_uuid(), (SELECT id FROM organisation LIMIT 1), 'Prénom' || g,
                        'Nom' || g, date '1970-01-01', 'NOM', 'PRENOM', 'F'
                 FROM generate_series(1, 300) g
                 RETURNING id, organisation_id)
         INSERT INTO accompagnement (id, organisation_id, usager_id, etablissement_id, unit_id, start_date)
         SELECT gen_random_uuid(), new.organisation_id, new.id, u.etablissement_id, u.id, date '2020-01-01'
         FROM new, u",
    )
    .execute(&pool)
    .await
    .unwrap();
    app.login("directeur").await;
    let search = |q: &'static str| {
        let app = &app;
        async move { app.call("mes_usagers", &[("recherche", q)]).await }
    };

    let (status, list) = search("").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 334, "34 demo usagers and 300 more");
    assert_eq!(list["matching"], 334);
    assert_eq!(list["usagers"].as_array().unwrap().len(), 200, "one answer");

    // Case, accents and the words of a compound name, as the page filters.
    let (_, list) = search("helene LEF").await;
    assert_eq!(names(&list), vec!["Hélène LEFÈVRE-DUBOIS"]);
    assert_eq!(list["matching"], 1);
    let (_, list) = search("dubois").await;
    assert_eq!(names(&list), vec!["Hélène LEFÈVRE-DUBOIS"]);
    let (_, list) = search("ene").await;
    assert_eq!(list["matching"], 0, "not the start of a word: {list}");
    assert_eq!(list["total"], 334);
    let (_, list) = search("nom29").await;
    assert_eq!(list["matching"], 11, "Nom29 and Nom290 to Nom299");

    // A search no name can be is refused in French, as the caller's mistake.
    let (status, body) = app
        .call("mes_usagers", &[("recherche", &"a".repeat(61))])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("trop longue"), "{body}");

    // A unit's list comes whole whatever the search: the page filters it.
    let device = app.other_device();
    device.login("educateur").await;
    let (_, list) = device.call("mes_usagers", &[("recherche", "zzz")]).await;
    assert_eq!(
        names(&list),
        server::demo::expected_usagers_of("educateur"),
        "{list}"
    );
    assert_eq!(list["matching"], list["total"]);
}

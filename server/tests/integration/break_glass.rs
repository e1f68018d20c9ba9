//! Bris de glace and the trail's views, against PostgreSQL.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

async fn lucas(pool: &PgPool) -> String {
    crate::helpers::usager_named(pool, "Lucas")
        .await
        .to_string()
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

#[sqlx::test(migrations = "../migrations")]
async fn nobody_reviews_their_own_emergency_access(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    // The DPO reviews the whole organisation's, but not their own.
    app.login("dpo").await;
    let (status, _) = app
        .call("bris_de_glace", &[("id", &id), ("reason", REASON)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = app.call("bris_de_glace_liste", &[]).await;
    assert_eq!(list[0]["own"], json!(true));
    let bg = list[0]["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .call("bris_de_glace_examen", &[("id", &bg), ("comment", "Moi")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let reviewed: bool =
        sqlx::query_scalar("SELECT reviewed_at IS NOT NULL FROM break_glass WHERE id = $1::uuid")
            .bind(&bg)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!reviewed);
    let denied = app.events("bris_de_glace").await;
    assert!(
        denied
            .iter()
            .any(|(who, allowed, _)| who == "dpo" && !allowed),
        "{denied:?}"
    );
    // Another reviewer of the foyer closes it.
    let chef = app.other_device();
    chef.login("chef.service").await;
    let (_, list) = chef.call("bris_de_glace_liste", &[]).await;
    assert_eq!(list[0]["own"], json!(false));
    let (status, _) = chef
        .call("bris_de_glace_examen", &[("id", &bg), ("comment", "Vu")])
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn emergency_accesses_go_to_the_reviewers_of_the_etablissement_concerned(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    // A FAM aide-soignante opens Lucas's record (he lives at the foyer).
    app.login("aes").await;
    app.call("bris_de_glace", &[("id", &id), ("reason", REASON)])
        .await;
    let count = |list: &serde_json::Value| list.as_array().map_or(0, |l| l.len());
    for (login, sees) in [
        ("chef.service", 1),
        ("directeur", 1),
        ("dpo", 1),
        ("chef.service.fam", 0),
    ] {
        let device = app.other_device();
        device.login(login).await;
        let (status, list) = device.call("bris_de_glace_liste", &[]).await;
        assert_eq!(status, StatusCode::OK, "{login}");
        assert_eq!(count(&list), sees, "{login}: {list}");
    }
    let bg: String = sqlx::query_scalar("SELECT id::text FROM break_glass")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let fam = app.other_device();
    fam.login("chef.service.fam").await;
    let (status, _) = fam
        .call(
            "bris_de_glace_examen",
            &[("id", &bg), ("comment", "Pas le mien")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let events = app.events("bris_de_glace").await;
    assert!(events
        .iter()
        .any(|(who, allowed, _)| who == "chef.service.fam" && !allowed));
}

#[sqlx::test(migrations = "../migrations")]
async fn searching_the_trail_is_itself_traced_and_refusals_too(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("dpo").await;
    let (status, _) = app
        .call(
            "tracabilite",
            &[("filter[usager]", "lucas"), ("filter[from]", "2026-01-01")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let searches = app.events("tracabilite").await;
    assert_eq!(searches.len(), 1, "{searches:?}");
    let (who, allowed, object) = &searches[0];
    assert_eq!((who.as_str(), *allowed), ("dpo", true));
    let object = object.clone().unwrap_or_default();
    assert!(
        object.contains("usager=lucas") && object.contains("du=2026-01-01"),
        "{object}"
    );
    // The search shows itself to the next search.
    let (_, lines) = app
        .call("tracabilite", &[("filter[staff]", "prévost")])
        .await;
    assert!(lines
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["section"] == "Recherche dans la traçabilité"));

    let educ = app.other_device();
    educ.login("educateur").await;
    let (status, _) = educ.call("tracabilite", &[("filter[usager]", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let searches = app.events("tracabilite").await;
    assert!(searches
        .iter()
        .any(|(who, allowed, _)| who == "educateur" && !allowed));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dpo_reads_trails_and_reviews_and_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let id = lucas(&app.pool).await;
    app.login("dpo").await;
    for (endpoint, args) in [
        ("tracabilite", vec![("filter[usager]", "")]),
        ("bris_de_glace_liste", vec![]),
        ("dossier_acces", vec![("id", id.as_str())]),
    ] {
        let (status, body) = app.call(endpoint, &args).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    }
    for (endpoint, args) in [
        ("droits", vec![]),
        ("usager", vec![("id", id.as_str())]),
        ("identite", vec![("id", id.as_str())]),
        (
            "transmissions",
            vec![("id", id.as_str()), ("filter[category]", "")],
        ),
        ("trame", vec![]),
    ] {
        let (status, body) = app.call(endpoint, &args).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}: {body}");
    }
}

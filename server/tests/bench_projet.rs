//! Benchmark of the projet personnalisé at scale, run on demand (not part
//! of the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_projet)' --no-capture
//! ```
//!
//! Fills the demo organisation up to 10 000 usagers, each with a project in
//! force copied from a demo one (its fields, elements and first version),
//! then measures over HTTP, through the real server: opening a project (the
//! editor's data), saving a text field (with completeness recomputed and
//! the audit event), the deadlines and indicators of a chef de service
//! (every usager of a foyer of 3 300), and writing the PDF.

mod helpers;

use helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() * 95 / 100]
}

#[sqlx::test(migrations = "../migrations")]
#[ignore = "benchmark: run with --run-ignored only"]
async fn bench_projet(pool: PgPool) {
    let app = spawn_app(pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let t = Instant::now();
    helpers::fill_to_ten_thousand_usagers(&app.pool, org).await;
    // A project in force for everyone without one, copied from a demo
    // project: validated between 0 and 15 months ago.
    let source: Uuid = sqlx::query_scalar(
        "SELECT p.id FROM projet p WHERE p.status = 'ENCOURS'
         ORDER BY (SELECT count(*) FROM projet_element e WHERE e.projet_id = p.id) DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "CREATE TABLE bench_copies AS
         SELECT gen_random_uuid() AS id, u.id AS usager_id, (abs(hashtext(u.id::text)) % 450) AS age
         FROM usager u WHERE NOT EXISTS (SELECT 1 FROM projet p WHERE p.usager_id = u.id)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    for statement in [
        "INSERT INTO projet (id, organisation_id, usager_id, trame_version, title, kind, starts_on, next_review,
                             status, editing, created_by, completeness)
         SELECT c.id, s.organisation_id, c.usager_id, s.trame_version, s.title, s.kind,
                current_date - c.age, current_date - c.age + 365, 'ENCOURS', false, s.created_by, s.completeness
         FROM bench_copies c CROSS JOIN projet s WHERE s.id = $1",
        "INSERT INTO projet_etablissement (projet_id, etablissement_id)
         SELECT DISTINCT c.id, a.etablissement_id FROM bench_copies c
         JOIN accompagnement a ON a.usager_id = c.usager_id AND a.end_date IS NULL",
        "INSERT INTO projet_field (projet_id, key, value, updated_by)
         SELECT c.id, f.key, f.value, f.updated_by FROM bench_copies c CROSS JOIN projet_field f WHERE f.projet_id = $1",
        "INSERT INTO projet_element (id, projet_id, kind, content, status, created_by, updated_by)
         SELECT gen_random_uuid(), c.id, e.kind, e.content, e.status, e.created_by, e.updated_by
         FROM bench_copies c CROSS JOIN projet_element e WHERE e.projet_id = $1",
        "INSERT INTO projet_version (projet_id, number, snapshot, completeness, validated_by, validated_at)
         SELECT c.id, 1, v.snapshot, v.completeness, v.validated_by, (current_date - c.age)::timestamptz
         FROM bench_copies c CROSS JOIN projet_version v WHERE v.projet_id = $1 AND v.number = 1",
    ] {
        sqlx::query(statement)
            .bind(source)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    let (usagers, projets, elements): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM usager), (SELECT count(*) FROM projet), (SELECT count(*) FROM projet_element)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    println!(
        "loaded: {usagers} usagers, {projets} projects, {elements} elements in {:?}",
        t.elapsed()
    );
    assert!(usagers >= 10_000 && projets >= 10_000);

    app.login("chef.service").await;
    let (usager, projet): (Uuid, Uuid) = sqlx::query_as(
        "SELECT p.usager_id, p.id FROM projet p
         JOIN projet_etablissement pe ON pe.projet_id = p.id
         JOIN etablissement e ON e.id = pe.etablissement_id AND e.name = 'Foyer Les Glycines'
         WHERE p.status = 'ENCOURS' AND p.title = 'Projet personnalisé' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (usager, projet) = (usager.to_string(), projet.to_string());

    let mut opens = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let (status, _) = app
            .call("projet", &[("id", &usager), ("projet", &projet)])
            .await;
        assert_eq!(status, StatusCode::OK);
        opens.push(t.elapsed());
    }
    println!(
        "open a project (the editor's data): median {:?}, p95 {:?} (100 requests)",
        median(opens.clone()),
        p95(opens)
    );

    assert_eq!(
        app.call("projet_avenant", &[("id", &usager), ("projet", &projet)])
            .await
            .0,
        StatusCode::OK
    );
    let session = Uuid::new_v4();
    let mut saves = Vec::new();
    let mut version = 1;
    for i in 0..200 {
        let t = Instant::now();
        let (status, body) = app
            .call_json(
                "projet_champ",
                &json!({"id": usager, "projet": projet, "session": session, "key": "modalites",
                        "version": version, "value": format!("Point mensuel, mesure {i}")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        version = body.as_i64().unwrap() as i32;
        saves.push(t.elapsed());
    }
    println!(
        "autosave a field (version check, completeness recomputed, audit event): median {:?}, p95 {:?} (200 requests)",
        median(saves.clone()),
        p95(saves)
    );

    let mut deadlines = Vec::new();
    let mut shown = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let (status, e) = app.call("projets_echeances", &[]).await;
        assert_eq!(status, StatusCode::OK);
        shown = e["deadlines"].as_array().unwrap().len();
        deadlines.push(t.elapsed());
    }
    println!(
        "deadlines and indicators of the chef de service ({shown} deadlines listed, one traced read each): median {:?} (20 requests)",
        median(deadlines)
    );

    let mut pdfs = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let response = app
            .client
            .get(app.url(&format!("/projets/{projet}/projet.pdf")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        pdfs.push(t.elapsed());
    }
    println!(
        "write the PDF: median {:?}, p95 {:?} (50 requests)",
        median(pdfs.clone()),
        p95(pdfs)
    );
}

//! Benchmark of the shared record at scale, run on demand (not part of the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_record)' --no-capture
//! ```
//!
//! Fills the demo organisation up to 10 000 usagers (accompanied by the
//! demo units in turn) and 1 000 000 transmissions (each with its first
//! version) spread over the last twelve months, in SQL (`generate_series`),
//! then measures over HTTP, through the real server: opening a record page
//! (the complete server-rendered page, every section the viewer reads, each
//! traced), the timeline of one person, saving a transmission, and the
//! cahier de liaison of today.

mod helpers;

use helpers::spawn_app;
use reqwest::StatusCode;
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
async fn bench_record(pool: PgPool) {
    let app = spawn_app(pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let t = Instant::now();
    // 10 000 usagers in all, accompanied by the six demo units in turn.
    helpers::fill_to_ten_thousand_usagers(&app.pool, org).await;
    // One million transmissions over twelve months, by staff accounts.
    sqlx::query(
        "INSERT INTO transmission (id, organisation_id, usager_id, author_id, written_at, category, body)
         SELECT gen_random_uuid(), $1, u.id, (SELECT array_agg(id) FROM account WHERE kind = 'staff')[1 + (g % 16)],
                now() - random() * interval '365 days',
                (ARRAY['educatif','vie_quotidienne','soin','travail','sante_psychique','incident','famille'])[1 + g % 7],
                'Transmission de charge numéro ' || g || '. Journée sans particularité, repas pris, activités suivies.'
         FROM (SELECT id, row_number() OVER () AS r FROM usager) u
         CROSS JOIN generate_series(1, 100) g
         LIMIT 1000000 - (SELECT count(*) FROM transmission)",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id, author_id,
                                           written_at, category, body, important, shared_family)
         SELECT t.id, 1, t.id, t.organisation_id, t.author_id, t.written_at, t.category, t.body, false, false
         FROM transmission t
         WHERE NOT EXISTS (SELECT 1 FROM transmission_version v WHERE v.transmission_id = t.id)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    let (usagers, transmissions): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM usager), (SELECT count(*) FROM transmission)")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    println!(
        "loaded: {usagers} usagers, {transmissions} transmissions in {:?}",
        t.elapsed()
    );
    assert!(usagers >= 10_000 && transmissions >= 1_000_000);

    app.login("educateur").await;
    // The person of the éducateur's unit with the most notes.
    let lucas: Uuid = sqlx::query_scalar(
        "SELECT t.usager_id FROM transmission t
         JOIN accompagnement a ON a.usager_id = t.usager_id AND a.end_date IS NULL
         JOIN staff_assignment s ON s.unit_id = a.unit_id
         JOIN account ac ON ac.id = s.account_id AND ac.login = 'educateur'
         GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let notes_of_lucas: i64 =
        sqlx::query_scalar("SELECT count(*) FROM transmission WHERE usager_id = $1")
            .bind(lucas)
            .fetch_one(&app.pool)
            .await
            .unwrap();

    // Opening the record: its overview, then a section asked for directly,
    // each the whole server-rendered HTML.
    for (what, path) in [
        ("record overview page", format!("/usagers/{lucas}")),
        (
            "transmissions page",
            format!("/usagers/{lucas}/transmissions"),
        ),
    ] {
        let mut pages = Vec::new();
        let mut size = 0;
        for _ in 0..50 {
            let t = Instant::now();
            let response = app.client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let html = response.text().await.unwrap();
            assert!(html.contains("Transmissions"));
            size = html.len();
            pages.push(t.elapsed());
        }
        println!(
            "{what} (server-rendered, {notes_of_lucas} notes, {size} B of HTML): median {:?}, p95 {:?} (50 requests)",
            median(pages.clone()),
            p95(pages)
        );
    }

    let mut timelines = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let (status, _) = app
            .call(
                "transmissions",
                &[("id", &lucas.to_string()), ("filter[category]", "")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        timelines.push(t.elapsed());
    }
    println!(
        "timeline (first page of 30 notes): median {:?}, p95 {:?} (100 requests)",
        median(timelines.clone()),
        p95(timelines)
    );

    let mut saves = Vec::new();
    for i in 0..200 {
        let key = Uuid::new_v4().to_string();
        let body = format!("Note de mesure {i}");
        let t = Instant::now();
        let (status, _) = app
            .call(
                "transmission",
                &[
                    ("id", &lucas.to_string()),
                    ("input[id]", &key),
                    ("input[category]", "vie_quotidienne"),
                    ("input[body]", &body),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        saves.push(t.elapsed());
    }
    println!(
        "save a transmission (with its version and chained audit event): median {:?}, p95 {:?} (200 requests)",
        median(saves.clone()),
        p95(saves)
    );

    let mut cahiers = Vec::new();
    let mut shown = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let (status, c) = app.call("cahier_de_liaison", &[("date", "")]).await;
        assert_eq!(status, StatusCode::OK);
        shown = c["notes"].as_array().unwrap().len();
        cahiers.push(t.elapsed());
    }
    println!(
        "cahier de liaison of today ({shown} notes, one traced read per usager): median {:?} (20 requests)",
        median(cahiers)
    );
}

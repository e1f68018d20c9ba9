//! Benchmark of soins at scale, run on demand (not part of the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_soins)' --no-capture
//! ```
//!
//! Fills the demo organisation up to 10 000 usagers and gives one person of
//! the aide-soignant's unit a year of sets, six a day (≈ 2 200), then
//! measures over HTTP, through the real server: the soins section page
//! rendered by the server with a year's temperature chart, the chart's
//! server function over a year, and writing a set. Then the round of a
//! 12-person unit (four care tasks each, half of the morning done) in the
//! same 10 000-usager organisation.

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
async fn bench_soins(pool: PgPool) {
    let app = spawn_app(pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    helpers::fill_to_ten_thousand_usagers(&app.pool, org).await;
    let person: Uuid = sqlx::query_scalar(
        "SELECT p.usager_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.login = 'aide.soignant' ORDER BY p.usager_id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO measure_set (id, organisation_id, usager_id, taken_at, author_id, systolic, diastolic, pulse,
                                  temperature, spo2, respiratory_rate, consciousness, news2)
         SELECT gen_random_uuid(), $1, $2, now() - make_interval(hours => 4 * g),
                (SELECT id FROM account WHERE login = 'aide.soignant'),
                110 + g % 30, 70 + g % 10, 60 + g % 40, (36.2 + (g % 20) / 10.0)::real, 94 + g % 6, 12 + g % 8, 'A', 0
         FROM generate_series(1, 2190) g",
    )
    .bind(org)
    .bind(person)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    let sets: i64 = sqlx::query_scalar("SELECT count(*) FROM measure_set WHERE usager_id = $1")
        .bind(person)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    println!("loaded: {sets} sets for one person, 10 000 usagers");

    app.login("aide.soignant").await;
    let id = person.to_string();
    let mut pages = Vec::new();
    let mut size = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let r = app
            .client
            .get(app.url(&format!("/usagers/{id}/soins?courbe=temperature&jours=365")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("<svg"));
        size = html.len();
        pages.push(t.elapsed());
    }
    println!(
        "soins page with a year's chart (server-rendered, {size} B of HTML): median {:?}, p95 {:?} (30 requests)",
        median(pages.clone()),
        p95(pages)
    );

    let mut charts = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let (status, c) = app
            .call(
                "courbe",
                &[("id", &id), ("field", "temperature"), ("days", "365")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // A year is drawn as one mean per day.
        assert!(c["points"].as_array().unwrap().len() >= 360);
        charts.push(t.elapsed());
    }
    println!(
        "chart over a year (server function): median {:?}, p95 {:?} (50 requests)",
        median(charts.clone()),
        p95(charts)
    );

    let mut writes = Vec::new();
    for _ in 0..50 {
        let key = Uuid::new_v4().to_string();
        let t = Instant::now();
        let (status, _) = app
            .call(
                "mesures_saisir",
                &[
                    ("id", &id),
                    ("input[id]", &key),
                    ("input[pulse]", "72"),
                    ("input[temperature]", "37,1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        writes.push(t.elapsed());
    }
    println!(
        "writing a set: median {:?}, p95 {:?} (50 requests)",
        median(writes.clone()),
        p95(writes)
    );

    // A 12-person unit of the aide-soignant's établissement.
    let unit = Uuid::new_v4();
    sqlx::query(
        "WITH home AS (SELECT s.etablissement_id FROM current_assignment s JOIN account a ON a.id = s.account_id
                       WHERE a.login = 'aide.soignant' LIMIT 1),
              new_unit AS (INSERT INTO unit (id, organisation_id, etablissement_id, name)
                           SELECT $2, $1, etablissement_id, 'Unité des Tilleuls' FROM home RETURNING id, etablissement_id)
         INSERT INTO staff_assignment (id, organisation_id, account_id, etablissement_id, unit_id, start_date)
         SELECT gen_random_uuid(), $1, a.id, n.etablissement_id, n.id, date '2020-01-01'
         FROM new_unit n, account a WHERE a.login = 'aide.soignant'",
    )
    .bind(org)
    .bind(unit)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE accompagnement SET unit_id = $1, etablissement_id = (SELECT etablissement_id FROM unit WHERE id = $1)
         WHERE id IN (SELECT ac.id FROM accompagnement ac JOIN usager u ON u.id = ac.usager_id
                      WHERE u.used_first_name LIKE 'Prénom%' ORDER BY u.id LIMIT 12)",
    )
    .bind(unit)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO care_task (id, organisation_id, usager_id, label, measure, rule, every, times, starts_on, created_by)
         SELECT gen_random_uuid(), $1, ac.usager_id, t.label, t.measure, t.rule, t.every, t.times, paris_today() - 30,
                (SELECT id FROM account WHERE login = 'infirmier')
         FROM accompagnement ac,
              (VALUES ('Aide à la toilette', false, 'jours', 1, ARRAY['07:30']),
                      ('Prise des constantes', true, 'jours', 1, ARRAY['08:00']),
                      ('Changement de position', false, 'heures', 3, ARRAY['00:00']),
                      ('Pesée', true, 'mois', 1, ARRAY['09:00'])) AS t(label, measure, rule, every, times)
         WHERE ac.unit_id = $2",
    )
    .bind(org)
    .bind(unit)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO care_done (id, organisation_id, usager_id, task_id, due_at, done, recorded_by)
         SELECT gen_random_uuid(), $1, t.usager_id, t.id, (paris_today() + time '07:30') AT TIME ZONE 'Europe/Paris', true,
                (SELECT id FROM account WHERE login = 'aide.soignant')
         FROM care_task t JOIN accompagnement ac ON ac.usager_id = t.usager_id AND ac.unit_id = $2
         WHERE t.label = 'Aide à la toilette' AND hashtext(t.usager_id::text) % 2 = 0",
    )
    .bind(org)
    .bind(unit)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    let unit_s = unit.to_string();
    let mut rounds = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let (status, r) = app
            .call(
                "tournee",
                &[("unit", &unit_s), ("shift", "matin"), ("day", "")],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["persons"].as_array().unwrap().len(), 12);
        rounds.push(t.elapsed());
    }
    println!(
        "morning round of a 12-person unit (48 care tasks): median {:?}, p95 {:?} (50 requests)",
        median(rounds.clone()),
        p95(rounds)
    );
    let mut pages = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let r = app
            .client
            .get(app.url(&format!("/tournee?unite={unit}&equipe=matin")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("Unité des Tilleuls"));
        pages.push(t.elapsed());
    }
    println!(
        "round page rendered by the server: median {:?}, p95 {:?} (30 requests)",
        median(pages.clone()),
        p95(pages)
    );
}

//! Benchmark of the medication round's writes at scale, run on demand (not
//! part of the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_medication)' --no-capture
//! ```
//!
//! Fills the demo organisation up to 10 000 usagers, gives 1 000 people of
//! the AES's unit two treatments (paracetamol morning and evening, an
//! insulin in the evening) on top of the demo's, and a year of doses to
//! every line of every treated person (≈ 1.1 million rows). Then measures
//! over HTTP, through the real server: opening the evening round of a unit
//! of 12 of them (24 doses due), recording the evening dose of 100
//! people (the AES, aide à la prise), and the same doses sent again from a
//! second tablet (the nurse's: written once, told who recorded it).

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

/// Records the evening dose of `line`; its time and whether another tablet
/// had recorded it first.
async fn record(
    tablet: &helpers::TestApp,
    day: &str,
    usager: Uuid,
    line: Uuid,
) -> (Duration, bool) {
    let (key, usager, line) = (
        Uuid::new_v4().to_string(),
        usager.to_string(),
        line.to_string(),
    );
    let t = Instant::now();
    let (status, answer) = tablet
        .call(
            "prise_noter",
            &[
                ("id", &usager),
                ("input[id]", &key),
                ("input[line_id]", &line),
                ("input[day]", day),
                ("input[due]", "soir"),
                ("input[outcome]", "aide_prise"),
                ("input[reason]", ""),
                ("input[comment]", ""),
            ],
        )
        .await;
    let elapsed = t.elapsed();
    assert_eq!(status, StatusCode::OK, "{answer}");
    (elapsed, answer["by_another"].as_bool().unwrap())
}

#[sqlx::test(migrations = "../migrations")]
#[ignore = "benchmark: run with --run-ignored only"]
async fn bench_medication(pool: PgPool) {
    let app = spawn_app(pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    helpers::fill_to_ten_thousand_usagers(&app.pool, org).await;
    let started = Instant::now();
    // Two lines for 1 000 untreated people of the AES's unit.
    sqlx::query(
        "WITH people AS (
             SELECT p.usager_id AS id FROM current_perimeter p JOIN account a ON a.id = p.account_id
             WHERE a.login = 'aes'
               AND NOT EXISTS (SELECT 1 FROM prescription x WHERE x.usager_id = p.usager_id)
             ORDER BY p.usager_id LIMIT 1000),
         nurse AS (SELECT id FROM account WHERE login = 'infirmier'),
         rx AS (
             INSERT INTO prescription (id, organisation_id, usager_id, prescriber, prescribed_on, entered_by)
             SELECT gen_random_uuid(), $1, people.id, 'Dr Paul Mercier', current_date - 400, nurse.id
             FROM people, nurse RETURNING id, usager_id, entered_by)
         INSERT INTO prescription_line (id, organisation_id, usager_id, prescription_id, position, cis, drug, free_text,
                                        dose_quantity, dose_unit, route, slots, recurrence, starts_on, as_needed,
                                        aide_prise, high_risk, entered_by)
         SELECT gen_random_uuid(), $1, rx.usager_id, rx.id, l.position, l.cis, l.drug, false, l.dose, l.unit,
                l.route, l.slots, 'tous_les_jours', current_date - 400, false, l.aide_prise, l.high_risk,
                rx.entered_by
         FROM rx CROSS JOIN (VALUES
             (0::smallint, '61824357', 'DOLIPRANE 1000 mg, comprimé', 1.0, 'comprime', 'orale', ARRAY['matin', 'soir'], true, false),
             (1::smallint, '62951774', 'LANTUS 100 unités/ml', 12.0, 'ui', 'sous_cutanee', ARRAY['soir'], false, true)
         ) AS l(position, cis, drug, dose, unit, route, slots, aide_prise, high_risk)",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    // A year of doses for every scheduled line, today's left to record.
    let written = sqlx::query(
        "INSERT INTO administration (id, organisation_id, usager_id, line_id, day, slot, due_at, outcome, reason,
                                     recorded_at, recorded_by)
         SELECT gen_random_uuid(), l.organisation_id, l.usager_id, l.id, current_date - d, s,
                (current_date - d) + time '08:00', CASE WHEN d % 29 = 0 THEN 'refuse' ELSE 'donne' END,
                CASE WHEN d % 29 = 0 THEN 'Refus' END, (current_date - d) + time '08:10', l.entered_by
         FROM prescription_line l CROSS JOIN generate_series(1, 365) d CROSS JOIN unnest(l.slots) s
         WHERE NOT l.as_needed
         ON CONFLICT DO NOTHING",
    )
    .execute(&app.pool)
    .await
    .unwrap()
    .rows_affected();
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    println!(
        "setup: {written} past doses written in {:.1?}",
        started.elapsed()
    );

    // A unit of 12 treated people (the AES's too): its evening round.
    let unit = Uuid::new_v4();
    sqlx::query(
        "WITH aes AS (SELECT id, organisation_id FROM account WHERE login = 'aes'),
         place AS (SELECT a.etablissement_id FROM current_accompagnement a
                   JOIN prescription_line l ON l.usager_id = a.usager_id AND l.cis = '61824357' AND NOT l.as_needed
                   JOIN current_perimeter p ON p.usager_id = a.usager_id JOIN aes ON aes.id = p.account_id
                   LIMIT 1),
         new_unit AS (INSERT INTO unit (id, organisation_id, etablissement_id, name)
                      SELECT $1, aes.organisation_id, place.etablissement_id, 'Les Tilleuls (12 personnes)'
                      FROM aes, place RETURNING id, organisation_id, etablissement_id),
         assigned AS (INSERT INTO staff_assignment (id, organisation_id, account_id, etablissement_id, unit_id, start_date)
                      SELECT gen_random_uuid(), n.organisation_id, aes.id, n.etablissement_id, n.id, current_date - 1
                      FROM new_unit n, aes)
         UPDATE accompagnement SET unit_id = (SELECT id FROM new_unit)
         WHERE id IN (SELECT a.id FROM current_accompagnement a
                      JOIN prescription_line l ON l.usager_id = a.usager_id AND l.cis = '61824357' AND NOT l.as_needed
                      WHERE a.etablissement_id = (SELECT etablissement_id FROM place)
                      ORDER BY a.usager_id DESC LIMIT 12)",
    )
    .bind(unit)
    .execute(&app.pool)
    .await
    .unwrap();
    let round = app.other_device();
    round.login("aes").await;
    let unit_arg = unit.to_string();
    let today = app::time::today_paris().to_string();
    let mut opened = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let (status, answer) = round
            .call(
                "distribution",
                &[("unit", &unit_arg), ("slot", "soir"), ("day", &today)],
            )
            .await;
        opened.push(t.elapsed());
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["persons"].as_array().unwrap().len(), 12);
        assert_eq!(answer["due"], 24, "a paracetamol and an insulin each");
    }
    println!(
        "opening a 12-person evening round (24 doses, a year of history): median {:.1?}, p95 {:.1?}",
        median(opened.clone()),
        p95(opened)
    );

    let doses: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT l.usager_id, l.id FROM prescription_line l JOIN account a ON a.login = 'aes'
         JOIN current_perimeter p ON p.account_id = a.id AND p.usager_id = l.usager_id
         WHERE l.cis = '61824357' AND 'soir' = ANY(l.slots) AND l.aide_prise AND NOT l.high_risk
         ORDER BY l.usager_id LIMIT 100",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(doses.len(), 100);
    let day = app::time::today_paris().to_string();
    app.login("aes").await;
    let nurse = app.other_device();
    nurse.login("infirmier").await;
    let mut first = Vec::new();
    for (usager, line) in &doses {
        let (t, by_another) = record(&app, &day, *usager, *line).await;
        assert!(!by_another);
        first.push(t);
    }
    let mut second = Vec::new();
    for (usager, line) in &doses {
        let (t, by_another) = record(&nurse, &day, *usager, *line).await;
        assert!(by_another);
        second.push(t);
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM administration")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    println!("administrations in the database: {total}");
    println!(
        "recording a dose (AES, aide à la prise, 100 people): median {:.1?}, p95 {:.1?}",
        median(first.clone()),
        p95(first)
    );
    println!(
        "the same dose from a second tablet (written once, told who): median {:.1?}, p95 {:.1?}",
        median(second.clone()),
        p95(second)
    );

    // The printed documents of a person with a year of administrations:
    // the administration report of the longest period (92 days) and the DLU.
    let person = doses[0].0;
    let from = (app::time::today_paris() - chrono::Duration::days(91)).to_string();
    for (label, path) in [
        (
            "administration report, 92 days (PDF)",
            format!("/medicaments/{person}/prises.pdf?du={from}&au={day}"),
        ),
        ("DLU (PDF)", format!("/medicaments/{person}/dlu.pdf")),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let response = nurse.client.get(nurse.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            size = response.bytes().await.unwrap().len();
            times.push(t.elapsed());
        }
        println!(
            "{label}: median {:.1?}, p95 {:.1?}, {size} bytes",
            median(times.clone()),
            p95(times)
        );
    }
}

//! Benchmarks of the audit trail, run on demand (not part of the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_audit)' --no-capture
//! ```
//!
//! Prints the cost of appending one chained event (against an empty
//! transaction), and the time of "qui a consulté ce dossier" over HTTP once
//! the trail holds a million events.

mod helpers;

use app::access::server::{append, AuditEvent};
use helpers::spawn_app;
use reqwest::StatusCode;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[sqlx::test(migrations = "../migrations")]
#[ignore = "benchmark: run with --run-ignored only"]
async fn bench_audit(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (org, account): (Uuid, Uuid) =
        sqlx::query_as("SELECT organisation_id, id FROM account WHERE login = 'educateur'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let lucas = helpers::usager_named(&app.pool, "Lucas").await;
    let event = AuditEvent {
        organisation_id: org,
        account_id: account,
        profession: Some("educateur".into()),
        usager_id: Some(lucas),
        section: "identite".into(),
        action: "read".into(),
        object_id: None,
        allowed: true,
        break_glass: false,
        request_id: "bench".into(),
    };

    // 1. Append cost: a transaction with one chained event vs an empty one.
    let rounds = 500;
    let (mut empty, mut audited) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        let tx = app.pool.begin().await.unwrap();
        tx.commit().await.unwrap();
        empty.push(t.elapsed());
        let t = Instant::now();
        let mut tx = app.pool.begin().await.unwrap();
        append(&mut tx, &event).await.unwrap();
        tx.commit().await.unwrap();
        audited.push(t.elapsed());
    }
    let (empty, audited) = (median(empty), median(audited));
    println!(
        "audit append: median {:?} per audited transaction vs {:?} empty → overhead {:?} ({rounds} rounds)",
        audited,
        empty,
        audited.saturating_sub(empty)
    );

    // 2. A record read over HTTP, end to end (authorization + read + audit).
    app.login("educateur").await;
    let mut reads = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let (status, _) = app.call("usager", &[("id", &lucas.to_string())]).await;
        assert_eq!(status, StatusCode::OK);
        reads.push(t.elapsed());
    }
    println!(
        "record read over HTTP: median {:?} (200 requests)",
        median(reads)
    );

    // 3. One million events over twelve months, then "qui a consulté ce dossier".
    let t = Instant::now();
    sqlx::query("SELECT audit_ensure_partitions((now() - interval '12 months')::date, 14)")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO audit_event (organisation_id, at, account_id, profession, usager_id, section, action,
                                  allowed, break_glass, request_id, prev_hash, hash)
         SELECT $1, now() - (random() * interval '365 days'), a.id, a.profession, u.id, 'identite', 'read',
                true, false, 'bench', '\\x00', '\\x00'
         FROM generate_series(1, 1000000) g
         JOIN LATERAL (SELECT id, profession FROM account WHERE kind = 'staff' ORDER BY random() + g * 0 LIMIT 1) a ON true
         JOIN LATERAL (SELECT id FROM usager ORDER BY random() + g * 0 LIMIT 1) u ON true",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE audit_event")
        .execute(&app.pool)
        .await
        .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    println!("loaded {total} audit events in {:?}", t.elapsed());

    let chef = app.other_device();
    chef.login("chef.service").await;
    let mut trail = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let (status, lines) = chef
            .call("dossier_acces", &[("id", &lucas.to_string())])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(lines.as_array().unwrap().len(), 200);
        trail.push(t.elapsed());
    }
    println!(
        "qui a consulté ce dossier over {total} events: median {:?} (50 requests)",
        median(trail)
    );
}

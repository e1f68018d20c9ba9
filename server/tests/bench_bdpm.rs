//! Benchmark of the drug reference at full size, run on demand (not part of
//! the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_bdpm)' --no-capture
//! ```
//!
//! Generates the three BDPM files at the size of the published ones
//! (15 800 spécialités, 20 540 presentations, 31 600 compositions,
//! Windows-1252), imports them (time per file, then a second import that
//! updates), and measures over HTTP, through the real server, a search as
//! one types (2 to 6 letters of names and substances) and a look-up by
//! CIP13.

mod helpers;

use app::medication::bdpm::BdpmFile;
use helpers::spawn_app;
use reqwest::StatusCode;
use sqlx::PgPool;
use std::time::{Duration, Instant};

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
async fn bench_bdpm(pool: PgPool) {
    let app = spawn_app(pool).await;
    let dir = std::env::temp_dir().join(format!("bdpm-bench-{}", uuid::Uuid::new_v4()));
    server::bdpm_files::generate(&dir, 15_800).unwrap();
    for round in ["first import", "second import (updates)"] {
        for file in BdpmFile::ALL {
            let bytes = std::fs::read(dir.join(file.file_name())).unwrap();
            let started = Instant::now();
            let rows = app::medication::server::import::import_file(
                &app.pool,
                file,
                &bytes,
                None,
                &|_, _| {},
            )
            .await
            .unwrap();
            println!(
                "{round}: {} ({rows} lines, {} KB): {:?}",
                file.file_name(),
                bytes.len() / 1024,
                started.elapsed()
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    sqlx::raw_sql("ANALYZE bdpm_specialite; ANALYZE bdpm_composition; ANALYZE bdpm_presentation")
        .execute(&app.pool)
        .await
        .unwrap();

    app.login("infirmier").await;
    // What a nurse types, letter by letter.
    let typed = [
        "pa", "par", "parac", "paracé", "am", "amox", "lev", "lévét", "ris", "rispé", "ox", "oxaz",
        "metf", "tram", "lab 01", "insu", "halo", "furo", "rami", "sert",
    ];
    let mut searches = Vec::new();
    for _ in 0..5 {
        for q in typed {
            let started = Instant::now();
            let (status, answer) = app.call("medicaments", &[("q", q)]).await;
            searches.push(started.elapsed());
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
    }
    println!(
        "search as one types (server function, 20 answers at most): median {:?}, p95 {:?} ({} requests)",
        median(searches.clone()),
        p95(searches.clone()),
        searches.len()
    );
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT cip13 FROM bdpm_presentation ORDER BY cip13 DESC LIMIT 50")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let mut lookups: Vec<Duration> = Vec::new();
    for code in &codes {
        let started = Instant::now();
        let (status, _) = app.call("medicament_code", &[("code", code)]).await;
        lookups.push(started.elapsed());
        assert_eq!(status, StatusCode::OK);
    }
    println!(
        "look-up by CIP13: median {:?}, p95 {:?} ({} requests)",
        median(lookups.clone()),
        p95(lookups),
        codes.len()
    );
}

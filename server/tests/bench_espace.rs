//! Benchmark of the person's space at scale, run on demand (not part of
//! the suite):
//!
//! ```sh
//! DATABASE_URL=… cargo nextest run --release -p server --features app/ssr \
//!     --run-ignored only -E 'binary(bench_espace)' --no-capture
//! ```
//!
//! Fills the demo organisation up to 10 000 usagers and the trail with a
//! million events (3 000 of them, over 30 days, about the demo person who
//! holds the card). Then, signed in with the card, measures over HTTP each
//! page of the space (its server function), and "Écouter": a block spoken
//! for the first time (espeak-ng) and asked again (from the cache).

mod helpers;

use helpers::spawn_app;
use reqwest::StatusCode;
use server::demo_espace::{DEMO_CARD_TOKEN, DEMO_PINS};
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
async fn bench_espace(pool: PgPool) {
    let app = spawn_app(pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    helpers::fill_to_ten_thousand_usagers(&app.pool, org).await;
    let person: Uuid =
        sqlx::query_scalar("SELECT usager_id FROM espace_card WHERE revoked_at IS NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let started = Instant::now();
    // A million reads by the staff over the last year (the chain's hashes
    // are not what is measured here), 3 000 of them about the person.
    sqlx::query(
        "INSERT INTO audit_event (organisation_id, at, account_id, profession, usager_id, section, action,
                                  object_id, allowed, prev_hash, hash)
         WITH u AS (SELECT array_agg(id) AS ids FROM usager),
              s AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(profession ORDER BY id) AS ps
                    FROM account WHERE kind = 'staff')
         SELECT $1, now() - make_interval(mins => ((g::bigint * 7919) % 525600)::int),
                s.ids[1 + g % cardinality(s.ids)], s.ps[1 + g % cardinality(s.ids)],
                u.ids[1 + g % cardinality(u.ids)],
                (ARRAY['identite','projet','transmissions','agenda','documents','soins'])[1 + g % 6],
                'read', 'bench', true, '\\x00', '\\x00'
         FROM generate_series(1, 997000) g, u, s",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO audit_event (organisation_id, at, account_id, profession, usager_id, section, action,
                                  object_id, allowed, prev_hash, hash)
         WITH s AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(profession ORDER BY id) AS ps
                    FROM account WHERE kind = 'staff')
         SELECT $1, now() - make_interval(mins => (g * 13) % 43200),
                s.ids[1 + g % cardinality(s.ids)], s.ps[1 + g % cardinality(s.ids)], $2,
                (ARRAY['identite','projet','transmissions','agenda','documents','soins'])[1 + g % 6],
                CASE WHEN g % 10 = 0 THEN 'write' ELSE 'read' END, 'bench', true, '\\x00', '\\x00'
         FROM generate_series(1, 3000) g, s",
    )
    .bind(org)
    .bind(person)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    println!("setup: {:.1} s", started.elapsed().as_secs_f64());

    let tablet = app.other_device();
    let (status, body) = tablet
        .call(
            "espace_connexion",
            &[("token", DEMO_CARD_TOKEN), ("pin", DEMO_PINS[0])],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for page in ["moi", "projet", "semaine", "regards"] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..50 {
            let t = Instant::now();
            let (status, view) = tablet.call("espace_page", &[("page", page)]).await;
            times.push(t.elapsed());
            assert_eq!(status, StatusCode::OK, "{view}");
            bytes = view.to_string().len();
        }
        println!(
            "page {page}: median {:.1} ms, p95 {:.1} ms, {bytes} bytes of JSON",
            median(times.clone()).as_secs_f64() * 1000.0,
            p95(times).as_secs_f64() * 1000.0
        );
    }

    // "Écouter": each block of "Mon projet" spoken once, then from the cache.
    let (_, projet) = tablet.call("espace_page", &[("page", "projet")]).await;
    let (mut first, mut again, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
    for b in projet["blocks"].as_array().unwrap() {
        let url = app.url(&format!(
            "/mon-espace/ecouter/projet/{}.wav",
            b["key"].as_str().unwrap()
        ));
        sqlx::query("DELETE FROM audio_clip")
            .execute(&app.pool)
            .await
            .unwrap();
        let t = Instant::now();
        let wav = tablet
            .client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        first.push(t.elapsed());
        sizes.push(wav.len());
        let t = Instant::now();
        let cached = tablet
            .client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        again.push(t.elapsed());
        assert_eq!(wav, cached);
    }
    println!(
        "audio, {} blocks: spoken median {:.1} ms (p95 {:.1} ms), from the cache median {:.1} ms (p95 {:.1} ms), WAV median {} bytes",
        first.len(),
        median(first.clone()).as_secs_f64() * 1000.0,
        p95(first).as_secs_f64() * 1000.0,
        median(again.clone()).as_secs_f64() * 1000.0,
        p95(again).as_secs_f64() * 1000.0,
        { sizes.sort(); sizes[sizes.len() / 2] }
    );
}

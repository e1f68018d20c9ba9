//! Demo soins: three months of measures for the people the demo nurse
//! follows (daily for some, weekly for others, a few abnormal), one NEWS2
//! alert today not yet acknowledged, allergies for a few (one severe) and
//! one person with "aucune allergie connue".

use anyhow::Result;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

pub async fn load(tx: &mut Transaction<'_, Postgres>, org: Uuid) -> Result<()> {
    let people: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT u.id FROM usager u
           WHERE u.organisation_id = $1 AND u.id IN (
               SELECT p.usager_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
               WHERE a.login = 'infirmier')
           ORDER BY u.used_last_name, u.used_first_name"#,
        org
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let nurse: Uuid = sqlx::query_scalar!("SELECT id FROM account WHERE login = 'infirmier'")
        .fetch_one(&mut **tx)
        .await?;
    let aide: Uuid = sqlx::query_scalar!("SELECT id FROM account WHERE login = 'aide.soignant'")
        .fetch_one(&mut **tx)
        .await?;
    // Measures: the first three every morning, the next five every week,
    // over 90 days; one set in twelve a little off.
    for (i, person) in people.iter().take(8).enumerate() {
        let every = if i < 3 { 1 } else { 7 };
        sqlx::query!(
            r#"INSERT INTO measure_set (id, organisation_id, usager_id, taken_at, author_id, systolic, diastolic,
                                        pulse, temperature, spo2, respiratory_rate, consciousness, weight, height,
                                        pain_self, news2)
               SELECT gen_random_uuid(), $1, $2,
                      date_trunc('day', now()) - make_interval(days => d) + interval '7 hours 45 minutes',
                      CASE WHEN d % 2 = 0 THEN $3::uuid ELSE $4::uuid END,
                      118 + (d * 7 + $5) % 17 + CASE WHEN d % 12 = 5 THEN 45 ELSE 0 END,
                      72 + (d * 3) % 9,
                      64 + (d * 5 + $5) % 15 + CASE WHEN d % 12 = 5 THEN 40 ELSE 0 END,
                      (36.4 + ((d * 3) % 7) / 10.0 + CASE WHEN d % 12 = 5 THEN 1.5 ELSE 0 END)::real,
                      95 + (d + $5) % 5,
                      14 + d % 5,
                      'A',
                      (64 + $5 * 2 + (d % 9) / 10.0)::real,
                      168 + $5,
                      CASE WHEN d % 12 = 5 THEN 4 ELSE d % 2 END,
                      NULL
               FROM generate_series(1, 90) d WHERE d % $6 = 0"#,
            org,
            person,
            aide,
            nurse,
            i as i32,
            every
        )
        .execute(&mut **tx)
        .await?;
    }
    // NEWS2 as the application computes it, for the demo's sets.
    let sets = sqlx::query!(
        r#"SELECT id, systolic, diastolic, pulse, temperature, spo2, respiratory_rate FROM measure_set
           WHERE organisation_id = $1"#,
        org
    )
    .fetch_all(&mut **tx)
    .await?;
    for s in sets {
        let m = app::soins::Measures {
            systolic: s.systolic,
            diastolic: s.diastolic,
            pulse: s.pulse,
            temperature: s.temperature,
            spo2: s.spo2,
            respiratory_rate: s.respiratory_rate,
            consciousness: Some(app::soins::Consciousness::Alerte),
            ..Default::default()
        };
        let score = m.news2().map(|n| i32::from(n.total));
        sqlx::query!(
            "UPDATE measure_set SET news2 = $2 WHERE id = $1",
            s.id,
            score
        )
        .execute(&mut **tx)
        .await?;
    }
    // Today, one person is unwell: NEWS2 7, not yet acknowledged.
    if let Some(person) = people.get(1) {
        let set = Uuid::new_v4();
        sqlx::query!(
            r#"INSERT INTO measure_set (id, organisation_id, usager_id, taken_at, author_id, systolic, diastolic, pulse,
                                        temperature, spo2, respiratory_rate, consciousness, news2)
               VALUES ($1, $2, $3, now() - interval '40 minutes', $4, 105, 70, 115, 37.2, 93, 23, 'A', 7)"#,
            set,
            org,
            person,
            aide
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            r#"INSERT INTO news2_alert (id, organisation_id, usager_id, measure_set_id, score, label, raised_at)
               VALUES ($1, $2, $3, $4, 7, 'NEWS2 7 : risque élevé : avis médical en urgence', now() - interval '40 minutes')"#,
            Uuid::new_v4(),
            org,
            person,
            set
        )
        .execute(&mut **tx)
        .await?;
    }
    // Allergies: a severe one, three others; one "aucune allergie connue".
    let allergies: &[(usize, &str, &str, &str, &str, &str)] = &[
        (
            0,
            "Pénicillines",
            "allergie",
            "Œdème de Quincke en 2019",
            "severe",
            "confirmee",
        ),
        (
            0,
            "Lactose",
            "intolerance",
            "Douleurs abdominales",
            "legere",
            "confirmee",
        ),
        (
            2,
            "Latex",
            "allergie",
            "Urticaire au contact des gants",
            "moderee",
            "suspectee",
        ),
        (
            3,
            "Aspirine",
            "allergie",
            "Éruption cutanée",
            "moderee",
            "confirmee",
        ),
    ];
    for (i, substance, kind, reaction, severity, certainty) in allergies {
        let Some(person) = people.get(*i) else {
            continue;
        };
        sqlx::query!(
            r#"INSERT INTO allergy (id, organisation_id, usager_id, substance, kind, reaction, severity, certainty,
                                    source, noted_on, noted_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'Dossier d’admission', current_date - 400, $9)"#,
            Uuid::new_v4(),
            org,
            person,
            substance,
            kind,
            reaction,
            severity,
            certainty,
            nurse
        )
        .execute(&mut **tx)
        .await?;
    }
    if let Some(person) = people.get(4) {
        sqlx::query!(
            "INSERT INTO allergy_none_known (usager_id, organisation_id, stated_by) VALUES ($1, $2, $3)",
            person,
            org,
            nurse
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

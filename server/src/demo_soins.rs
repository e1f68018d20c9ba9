//! Demo soins: three months of measures for the people the demo nurse
//! follows (daily for some, weekly for others, a few abnormal), one NEWS2
//! alert today not yet acknowledged, allergies for a few (one severe) and
//! one person with "aucune allergie connue"; the daily follow-ups of the
//! daily-measured; care tasks for the aide-soignant's unit with today's
//! rounds partly done; medical history for several.

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
    // Daily follow-ups on the daily sets.
    sqlx::query!(
        r#"UPDATE measure_set SET
               stool = (ARRAY['normales', 'aucune', 'normales', 'molles', 'normales', 'dures'])[1 + extract(doy FROM taken_at)::int % 6],
               fluid_ml = 1200 + (extract(doy FROM taken_at)::int % 5) * 150,
               sleep = (ARRAY['bon', 'bon', 'reveils', 'bon', 'agite'])[1 + extract(doy FROM taken_at)::int % 5]
           WHERE organisation_id = $1 AND usager_id = ANY($2)"#,
        org,
        &people.iter().take(3).copied().collect::<Vec<_>>()
    )
    .execute(&mut **tx)
    .await?;
    load_round(tx, org, nurse, aide).await?;
    load_medical(tx, org, nurse, &people).await?;
    Ok(())
}

/// Care tasks for the first four people of the aide-soignant's unit (the
/// others stay free for the tests), and today's morning round partly done.
async fn load_round(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    nurse: Uuid,
    aide: Uuid,
) -> Result<()> {
    let unit: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT u.id FROM usager u JOIN current_perimeter p ON p.usager_id = u.id
           JOIN account a ON a.id = p.account_id AND a.login = 'aide.soignant'
           ORDER BY u.used_last_name, u.used_first_name LIMIT 4"#
    )
    .fetch_all(&mut **tx)
    .await?;
    let soignant = vec![
        "aide_soignant".to_string(),
        "infirmier".into(),
        "medecin".into(),
    ];
    let infirmier = vec!["infirmier".to_string(), "medecin".into()];
    let team: Vec<String> = Vec::new();
    for (i, person) in unit.iter().enumerate() {
        let mut tasks: Vec<(
            &str,
            Option<&str>,
            bool,
            &str,
            i32,
            Vec<String>,
            &Vec<String>,
        )> = vec![
            (
                "Aide à la toilette",
                Some("Douche assise, crème hydratante sur les jambes."),
                false,
                "jours",
                1,
                vec!["07:30".into()],
                &soignant,
            ),
            (
                "Prise des constantes",
                None,
                true,
                "jours",
                1,
                vec!["08:00".into()],
                &team,
            ),
            (
                "Pesée",
                Some("Sur la chaise-balance, avant le petit-déjeuner."),
                true,
                "mois",
                1,
                vec!["09:00".into()],
                &team,
            ),
        ];
        if i == 0 {
            tasks.push((
                "Pansement du talon droit",
                Some(
                    "Escarre stade 2 : nettoyage au sérum physiologique, pansement hydrocolloïde.",
                ),
                false,
                "jours",
                2,
                vec!["10:00".into()],
                &infirmier,
            ));
        }
        if i == 2 {
            tasks.push((
                "Changement de position",
                Some("Alterner dos, côté gauche, côté droit ; vérifier les points d’appui."),
                false,
                "heures",
                3,
                vec!["00:00".into()],
                &soignant,
            ));
        }
        for (label, instructions, measure, rule, every, times, professions) in tasks {
            let id = Uuid::new_v4();
            sqlx::query!(
                r#"INSERT INTO care_task (id, organisation_id, usager_id, label, instructions, measure, rule, every, times,
                                          starts_on, professions, created_by, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, paris_today() - 60, $10, $11, now() - interval '60 days')"#,
                id,
                org,
                person,
                label,
                instructions,
                measure,
                rule,
                every,
                &times,
                professions,
                nurse
            )
            .execute(&mut **tx)
            .await?;
            // This morning's toilettes of the first two are done, the
            // constants of the second were refused (when the time is past).
            let outcome = match (i, label) {
                (0 | 1, "Aide à la toilette") => Some((true, None)),
                (1, "Prise des constantes") => Some((false, Some("refus"))),
                _ => None,
            };
            if let Some((done, reason)) = outcome {
                sqlx::query!(
                    r#"INSERT INTO care_done (id, organisation_id, usager_id, task_id, due_at, done, reason, recorded_by, recorded_at)
                       SELECT $1, $2, $3, $4, due, $5, $6, $7, due + interval '10 minutes'
                       FROM (SELECT (paris_today() + $8::text::time) AT TIME ZONE 'Europe/Paris' AS due) d
                       WHERE due + interval '10 minutes' < now()"#,
                    Uuid::new_v4(),
                    org,
                    person,
                    id,
                    done,
                    reason,
                    aide,
                    times[0]
                )
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// Antécédents, problems, a consultation, vaccinations and directives
/// anticipées for the first people the nurse follows.
async fn load_medical(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    nurse: Uuid,
    people: &[Uuid],
) -> Result<()> {
    let medecin: Uuid = sqlx::query_scalar!("SELECT id FROM account WHERE login = 'medecin'")
        .fetch_one(&mut **tx)
        .await?;
    let entries: &[(usize, &str, &str, Option<&str>, i32)] = &[
        (0, "antecedent", "Appendicectomie", None, 4000),
        (
            0,
            "probleme",
            "Épilepsie partielle",
            Some("Crises rares, dernière en mars. Traitement de fond stable."),
            3000,
        ),
        (0, "vaccination", "DTP (rappel)", None, 700),
        (
            0,
            "consultation",
            "Consultation du médecin de l’établissement",
            Some(
                "Examen clinique sans particularité. Poursuite du traitement. Revoir dans 3 mois.",
            ),
            20,
        ),
        (
            1,
            "probleme",
            "Diabète de type 2",
            Some("Régime, glycémie capillaire hebdomadaire."),
            2000,
        ),
        (1, "antecedent", "Fracture du poignet gauche", None, 2500),
        (
            2,
            "problem_resolved",
            "Bronchite",
            Some("Traitée par kinésithérapie respiratoire."),
            60,
        ),
        (2, "vaccination", "Grippe saisonnière", None, 50),
        (
            3,
            "antecedent",
            "Trisomie 21",
            Some("Suivi cardiologique annuel."),
            9000,
        ),
    ];
    for (i, kind, title, body, days_ago) in entries {
        let Some(person) = people.get(*i) else {
            continue;
        };
        let resolved = *kind == "problem_resolved";
        let kind = if resolved { "probleme" } else { kind };
        sqlx::query!(
            r#"INSERT INTO medical_entry (id, organisation_id, usager_id, kind, title, body, occurred_on, author_id,
                                          written_at, resolved_at, resolved_by)
               VALUES ($1, $2, $3, $4, $5, $6, paris_today() - $7::int, $8::uuid, now() - make_interval(days => $7),
                       CASE WHEN $9 THEN now() - interval '10 days' END, CASE WHEN $9 THEN $8::uuid END)"#,
            Uuid::new_v4(),
            org,
            person,
            kind,
            title,
            *body,
            days_ago,
            medecin,
            resolved
        )
        .execute(&mut **tx)
        .await?;
    }
    for (i, status, location) in [
        (
            0,
            "redigees",
            Some("Dossier papier de l’infirmerie, pochette rouge"),
        ),
        (1, "aucune", None),
    ] {
        let Some(person) = people.get(i) else {
            continue;
        };
        sqlx::query!(
            r#"INSERT INTO advance_directive (usager_id, organisation_id, status, location, stated_by)
               VALUES ($1, $2, $3, $4, $5)"#,
            person,
            org,
            status,
            location,
            nurse
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

//! Demo prescriptions and medication rounds, for six people of the FAM
//! (four of the AES's unit, two of the other unit) and two residents of
//! the foyer (aide à la prise by the éducateurs): aide-à-la-prise
//! lines, nurse-only ones (two insulins, an anticoagulant), a si-besoin
//! paracetamol; two weeks of past rounds with a few refusals and one missed
//! dose; today's morning round done for most. Loaded after the drug
//! reference's sample, whose CIS codes it names (with a real BDPM already
//! imported, the lines are flagged as typed preparations).

use anyhow::Result;
use chrono::Duration;
use sqlx::PgPool;
use uuid::Uuid;

/// One line: drug (CIS, name if the CIS is unknown), dose, unit, route,
/// slots, every N days (1: every day), aide à la prise, high risk.
type Line = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    i16,
    bool,
    bool,
);

const LINES: &[&[Line]] = &[
    &[
        (
            "67814630",
            "LEVOTHYROX 75 microgrammes",
            "1",
            "comprime",
            "orale",
            &["matin"],
            1,
            true,
            false,
        ),
        (
            "69477302",
            "MOVICOL",
            "1",
            "sachet",
            "orale",
            &["midi"],
            2,
            true,
            false,
        ),
    ],
    &[
        (
            "63725830",
            "DEPAKINE CHRONO 500 mg",
            "1",
            "comprime",
            "orale",
            &["matin", "soir"],
            1,
            true,
            false,
        ),
        (
            "62951774",
            "LANTUS 100 unités/ml",
            "12",
            "ui",
            "sous_cutanee",
            &["soir"],
            1,
            false,
            true,
        ),
        (
            "68337125",
            "HUMALOG 100 unités/ml",
            "4",
            "ui",
            "sous_cutanee",
            &["midi"],
            1,
            false,
            true,
        ),
    ],
    &[
        (
            "65142298",
            "KEPPRA 500 mg",
            "1",
            "comprime",
            "orale",
            &["matin", "soir"],
            1,
            true,
            false,
        ),
        (
            "67501163",
            "SERESTA 10 mg",
            "0.5",
            "comprime",
            "orale",
            &["coucher"],
            1,
            true,
            false,
        ),
        (
            "64156237",
            "FORLAX 10 g",
            "1",
            "sachet",
            "orale",
            &["midi"],
            1,
            true,
            false,
        ),
    ],
    &[
        (
            "64410239",
            "ELIQUIS 2,5 mg",
            "1",
            "comprime",
            "orale",
            &["matin", "soir"],
            1,
            false,
            true,
        ),
        (
            "61190276",
            "KARDEGIC 75 mg",
            "1",
            "sachet",
            "orale",
            &["midi"],
            1,
            true,
            false,
        ),
    ],
    &[
        (
            "63029914",
            "RISPERDAL 1 mg/ml",
            "2",
            "ml",
            "orale",
            &["matin", "soir"],
            1,
            true,
            false,
        ),
        (
            "60368851",
            "LAMICTAL 100 mg",
            "1",
            "comprime",
            "orale",
            &["matin", "soir"],
            1,
            false,
            false,
        ),
    ],
    &[(
        "66840571",
        "TERCIAN 25 mg",
        "1",
        "comprime",
        "orale",
        &["coucher"],
        1,
        true,
        false,
    )],
    // The foyer: treatments given with aide à la prise by the éducateurs.
    &[(
        "67814630",
        "LEVOTHYROX 75 microgrammes",
        "1",
        "comprime",
        "orale",
        &["matin"],
        1,
        true,
        false,
    )],
    &[(
        "63725830",
        "DEPAKINE CHRONO 500 mg",
        "1",
        "comprime",
        "orale",
        &["matin", "soir"],
        1,
        true,
        false,
    )],
];

pub async fn load(pool: &PgPool) -> Result<()> {
    let mut tx = pool.begin().await?;
    let any = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM prescription) AS "any!""#)
        .fetch_one(&mut *tx)
        .await?;
    if any {
        return Ok(());
    }
    let accounts = sqlx::query!(
        r#"SELECT login, id, organisation_id FROM account WHERE login IN ('infirmier', 'aes')"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let account = |login: &str| {
        accounts
            .iter()
            .find(|a| a.login == login)
            .map(|a| (a.id, a.organisation_id))
    };
    let (Some((nurse, org)), Some((aes, _))) = (account("infirmier"), account("aes")) else {
        return Ok(());
    };
    // The first four of the AES's unit, the first two of the other FAM unit.
    let people: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM (
             SELECT u.id, a.login, row_number() OVER (PARTITION BY a.login ORDER BY u.used_last_name, u.used_first_name) AS n
             FROM usager u JOIN current_perimeter p ON p.usager_id = u.id JOIN account a ON a.id = p.account_id
             WHERE a.login IN ('aes', 'aide.soignant')) t
           WHERE (login = 'aes' AND n <= 4) OR (login = 'aide.soignant' AND n <= 2)
           ORDER BY login, n"#
    )
    .fetch_all(&mut *tx)
    .await?;
    // And the first two residents of the foyer, by name.
    let mut people = people;
    people.extend(
        sqlx::query_scalar!(
            r#"SELECT u.id FROM current_accompagnement a JOIN usager u ON u.id = a.usager_id
               JOIN etablissement e ON e.id = a.etablissement_id
               WHERE e.kind = 'foyer_hebergement' AND e.organisation_id = $1
               ORDER BY u.used_last_name, u.used_first_name LIMIT 2"#,
            org
        )
        .fetch_all(&mut *tx)
        .await?,
    );
    let today = app::time::today_paris();
    let start = today - Duration::days(30);
    let now = chrono::Utc::now();
    for (i, (person, lines)) in people.iter().zip(LINES).enumerate() {
        let prescription = Uuid::new_v4();
        sqlx::query!(
            r#"INSERT INTO prescription (id, organisation_id, usager_id, prescriber, prescriber_rpps, prescribed_on, entered_by)
               VALUES ($1, $2, $3, 'Dr Paul Mercier', '10003456789', $4, $5)"#,
            prescription,
            org,
            person,
            start as _,
            nurse
        )
        .execute(&mut *tx)
        .await?;
        let mut all: Vec<Line> = lines.to_vec();
        // The first person also has paracetamol if needed.
        if i == 0 {
            all.push((
                "61824357",
                "DOLIPRANE 1000 mg",
                "1",
                "comprime",
                "orale",
                &[],
                1,
                true,
                false,
            ));
        }
        for (position, (cis, name, dose, unit, route, slots, every, aide_prise, high_risk)) in
            all.iter().enumerate()
        {
            let line = Uuid::new_v4();
            let as_needed = slots.is_empty();
            let slots: Vec<String> = slots.iter().map(|s| s.to_string()).collect();
            sqlx::query!(
                r#"INSERT INTO prescription_line
                     (id, organisation_id, usager_id, prescription_id, position, cis, drug, substances, free_text,
                      dose_quantity, dose_unit, route, slots, recurrence, every_n_days, starts_on, as_needed,
                      indication, min_interval_minutes, max_per_day, aide_prise, high_risk, entered_by, entered_at)
                   SELECT $1, $2, $3, $4, $5, s.cis, coalesce(s.name, $7),
                          coalesce((SELECT array_agg(c.substance ORDER BY c.position) FROM bdpm_composition c
                                    WHERE c.cis = s.cis AND c.nature = 'SA'), '{}'),
                          s.cis IS NULL, $8::text::numeric, $9, $10, $11,
                          CASE WHEN $12::smallint > 1 THEN 'tous_les_n_jours' ELSE 'tous_les_jours' END,
                          CASE WHEN $12::smallint > 1 THEN $12::smallint END, $13, $14,
                          CASE WHEN $14 THEN 'Douleur' END, CASE WHEN $14 THEN 360 END, CASE WHEN $14 THEN 4 END,
                          $15, $16, $17, $18
                   FROM (SELECT $6::text AS wanted) w LEFT JOIN bdpm_specialite s ON s.cis = w.wanted"#,
                line,
                org,
                person,
                prescription,
                position as i16,
                cis,
                name,
                dose,
                unit,
                route,
                &slots,
                every,
                start as _,
                as_needed,
                aide_prise,
                high_risk,
                nurse,
                (app::time::paris_midnight(start) + Duration::hours(10)) as _
            )
            .execute(&mut *tx)
            .await?;
            if as_needed {
                continue;
            }
            // Two weeks of rounds, and this morning's for most.
            for back in 0..=14i64 {
                let day = today - Duration::days(back);
                if *every > 1 && (day - start).num_days() % i64::from(*every) != 0 {
                    continue;
                }
                for slot in &slots {
                    let Some(time) =
                        app::medication::prescription::Slot::parse(slot).map(|s| s.time())
                    else {
                        continue;
                    };
                    let due = app::time::at_paris(day, time);
                    // Today: only the morning, and not for the last two people.
                    if back == 0 && (slot != "matin" || i >= 4 || due + Duration::minutes(20) > now)
                    {
                        continue;
                    }
                    // One missed dose: nobody recorded it.
                    if back == 3 && i == 1 && slot == "soir" && position == 0 {
                        continue;
                    }
                    let by = if *aide_prise && !high_risk {
                        aes
                    } else {
                        nurse
                    };
                    let (outcome, reason) = if i == 2 && slot == "soir" && back % 5 == 2 {
                        (
                            "refuse",
                            Some("Refuse de prendre le comprimé, dit avoir mal au ventre"),
                        )
                    } else if i == 4 && slot == "matin" && back == 6 {
                        ("recrache", Some("Recraché juste après la prise"))
                    } else if by == aes {
                        ("aide_prise", None)
                    } else {
                        ("donne", None)
                    };
                    let minutes = 5 + (back * 7 + i as i64 * 3) % 25;
                    sqlx::query!(
                        r#"INSERT INTO administration (id, organisation_id, usager_id, line_id, day, slot, due_at, outcome,
                                                       reason, recorded_at, recorded_by)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
                        Uuid::new_v4(),
                        org,
                        person,
                        line,
                        day as _,
                        slot,
                        due as _,
                        outcome,
                        reason,
                        (due + Duration::minutes(minutes)) as _,
                        by
                    )
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
    }
    // What the DLU tells the hospital beyond the medical facts, for the
    // first two persons.
    let liaisons = [
        (
            "Parle par phrases courtes ; comprend mieux avec des pictogrammes. Porte des lunettes.",
            "Marche seule ; aide pour la toilette et la coupe des aliments.",
            "Rassurée par sa musique et la présence d’un visage connu ; angoisse dans le bruit.",
        ),
        (
            "Ne parle pas ; répond oui / non de la tête ; montre la douleur du doigt.",
            "Fauteuil roulant manuel ; repas mixés, prothèse dentaire du haut.",
            "Garde sa couverture bleue ; se calme quand on lui explique avant chaque soin.",
        ),
    ];
    for (person, (communication, autonomy, comfort)) in people.iter().zip(liaisons) {
        sqlx::query!(
            r#"INSERT INTO liaison_info (id, organisation_id, usager_id, communication, autonomy, comfort, written_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
            Uuid::new_v4(),
            org,
            person,
            communication,
            autonomy,
            comfort,
            nurse
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

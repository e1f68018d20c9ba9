//! Demo "Mon espace": the spaces of three people who have a projet with
//! easy-to-read objectives — the first with a printed card (a known token,
//! for the demo: `/carte/DEMO_CARD_TOKEN`, code 1234), the second opened
//! through a "connexion accompagnée" that is in the trail — a week of
//! agenda, reads by their team to show on "Qui a regardé mon dossier", one
//! message in the person's own words, and the first person's texts marked
//! as checked by the ESAT's reading group.

use anyhow::Result;
use app::access::server::{append, AuditEvent};
use app::espace::server::pages::text_hash;
use app::espace::FIXED_TEXTS;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

/// The demo card's token (a real card carries 32 random bytes).
pub const DEMO_CARD_TOKEN: &str = "demo-carte-parcours-7Qx2mB9fKd4LwZ8tRv3Hs6Np";
/// The PINs of the three demo spaces, in order.
pub const DEMO_PINS: [&str; 3] = ["1234", "2468", "1357"];
/// The reading group of the demo.
pub const READING_GROUP: &str = "l’atelier lecture de l’ESAT Les Ateliers du Bocage";

/// First names whose job titles are feminine in the demo.
const FEMININE: &[&str] = &[
    "Camille", "Sophie", "Lucie", "Amandine", "Claire", "Inès", "Nathalie", "Isabelle", "Julie",
    "Marie", "Émilie", "Sandrine", "Aurélie",
];

/// The three people, in order (their usager ids).
pub async fn people(tx: &mut Transaction<'_, Postgres>, org: Uuid) -> Result<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT u.id FROM usager u
           WHERE u.organisation_id = $1
             AND EXISTS (SELECT 1 FROM referent r WHERE r.usager_id = u.id)
             AND EXISTS (SELECT 1 FROM projet p JOIN projet_element e ON e.projet_id = p.id
                         WHERE p.usager_id = u.id AND p.status <> 'TERMINE' AND NOT e.removed
                           AND e.kind = 'objectif' AND e.content->>'falc' <> '')
           ORDER BY EXISTS (SELECT 1 FROM accompagnement a JOIN etablissement et ON et.id = a.etablissement_id
                            WHERE a.usager_id = u.id AND et.kind = 'esat' AND a.end_date IS NULL) DESC,
                    u.used_last_name, u.used_first_name
           LIMIT 3"#,
        org
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn load(tx: &mut Transaction<'_, Postgres>, org: Uuid) -> Result<()> {
    sqlx::query!(
        r#"UPDATE account SET title_gender = CASE WHEN first_name = ANY($2) THEN 'f' ELSE 'm' END
           WHERE organisation_id = $1 AND kind = 'staff'"#,
        org,
        &FEMININE.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    )
    .execute(&mut **tx)
    .await?;
    let people = people(tx, org).await?;
    for (n, usager) in people.iter().enumerate() {
        let referent = sqlx::query_scalar!(
            "SELECT account_id FROM referent WHERE usager_id = $1 ORDER BY since LIMIT 1",
            usager
        )
        .fetch_one(&mut **tx)
        .await?;
        let account = Uuid::new_v4();
        sqlx::query!(
            r#"INSERT INTO account (id, organisation_id, login, password_hash, kind, first_name, last_name)
               SELECT $1, organisation_id, $3, '!', 'usager', used_first_name, used_last_name
               FROM usager WHERE id = $2"#,
            account,
            usager,
            format!("usager-{account}")
        )
        .execute(&mut **tx)
        .await?;
        let pin_hash = app::auth::server::hash_password(DEMO_PINS[n])?;
        sqlx::query!(
            r#"INSERT INTO espace (usager_id, organisation_id, account_id, pin_hash, opened_by, request_key, opened_at)
               VALUES ($1, $2, $3, $4, $5, $6, now() - interval '20 days')"#,
            usager,
            org,
            account,
            pin_hash,
            referent,
            Uuid::new_v4()
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            r#"INSERT INTO consent_event (id, organisation_id, usager_id, scope, decision, expressed_by, recorded_by,
                                          recorded_at, comment)
               VALUES ($1, $2, $3, 'espace_personnel', 'consentement', $4, $5, now() - interval '20 days',
                       'Ouverture de l’espace personnel')"#,
            Uuid::new_v4(),
            org,
            usager,
            if n == 2 { "representant_legal" } else { "usager" },
            referent
        )
        .execute(&mut **tx)
        .await?;
        if n == 0 {
            sqlx::query!(
                r#"INSERT INTO espace_card (id, organisation_id, usager_id, token_hash, printed_by, printed_at)
                   VALUES ($1, $2, $3, $4, $5, now() - interval '20 days')"#,
                Uuid::new_v4(),
                org,
                usager,
                &app::espace::server::token_hash(DEMO_CARD_TOKEN)[..],
                referent
            )
            .execute(&mut **tx)
            .await?;
        }
        week(tx, *usager, referent, n).await?;
        trail(tx, org, *usager, account, referent, n).await?;
        if n == 2 {
            let id = Uuid::new_v4();
            let body = "Je suis content.\nJe veux parler à mon référent.\n« Je voudrais aller au concert avec Paul. »";
            sqlx::query!(
                r#"INSERT INTO transmission (id, organisation_id, usager_id, author_id, category, body, important,
                                             usager_words, written_at)
                   VALUES ($1, $2, $3, $4, 'educatif', $5, true, true, now() - interval '1 day')"#,
                id,
                org,
                usager,
                account,
                body
            )
            .execute(&mut **tx)
            .await?;
            sqlx::query!(
                r#"INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id,
                       author_id, written_at, category, body, important, shared_family)
                   VALUES ($1, 1, $1, $2, $3, now() - interval '1 day', 'educatif', $4, true, false)"#,
                id,
                org,
                account,
                body
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    // The first person's texts, checked by the ESAT's reading group.
    if let Some(first) = people.first() {
        let mut texts: Vec<String> = FIXED_TEXTS.iter().map(|(_, _, t)| t.to_string()).collect();
        let objectives = sqlx::query_scalar!(
            r#"SELECT e.content->>'falc' AS "falc!" FROM projet p JOIN projet_element e ON e.projet_id = p.id
               WHERE p.usager_id = $1 AND p.status <> 'TERMINE' AND NOT e.removed AND e.kind = 'objectif' AND e.status <> 'ANNULE'
                 AND e.content->>'falc' <> ''"#,
            first
        )
        .fetch_all(&mut **tx)
        .await?;
        texts.extend(
            objectives
                .iter()
                .map(|f| app::projet::falc::lines(f).join("\n")),
        );
        let hashes: Vec<Vec<u8>> = texts.iter().map(|t| text_hash(t)).collect();
        sqlx::query!(
            r#"INSERT INTO falc_review (organisation_id, text_hash, reading_group, reviewed_on, recorded_by)
               SELECT $1, h, $3, paris_today() - 12,
                      (SELECT id FROM account WHERE organisation_id = $1 AND login = 'educateur')
               FROM unnest($2::bytea[]) AS h ON CONFLICT DO NOTHING"#,
            org,
            &hashes,
            READING_GROUP
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A week of agenda beyond the routine events: an outing, an activity, an
/// appointment for one's health, a meeting about the projet.
async fn week(
    tx: &mut Transaction<'_, Postgres>,
    usager: Uuid,
    referent: Uuid,
    n: usize,
) -> Result<()> {
    let events: [(&str, &str, i32, i32); 4] = [
        ("activite", "Piscine avec le groupe", 1, 10),
        ("sortie", "Sortie au marché", 2, 15),
        ("rendez_vous_medical", "Dentiste", 3, 9),
        ("visite_famille", "Visite de votre famille", 5, 14),
    ];
    for (kind, title, day, hour) in events {
        sqlx::query!(
            r#"INSERT INTO agenda_event (id, organisation_id, usager_id, etablissement_id, unit_id, kind, title,
                                         starts_at, ends_at, created_by)
               SELECT gen_random_uuid(), a.organisation_id, a.usager_id, a.etablissement_id, a.unit_id, $2, $3,
                      ((paris_today() + $4::int)::timestamp + make_interval(hours => $5)) AT TIME ZONE 'Europe/Paris',
                      ((paris_today() + $4::int)::timestamp + make_interval(hours => $5 + 1)) AT TIME ZONE 'Europe/Paris',
                      $6
               FROM accompagnement a WHERE a.usager_id = $1 AND a.end_date IS NULL
               ORDER BY a.start_date LIMIT 1"#,
            usager,
            kind,
            title,
            day + n as i32 % 2,
            hour,
            referent
        )
        .execute(&mut **tx)
        .await?;
    }
    if n == 1 {
        sqlx::query!(
            r#"INSERT INTO absence (id, organisation_id, usager_id, reason, start_date, end_date, created_by)
               SELECT gen_random_uuid(), organisation_id, id, 'sejour_famille', paris_today() + 4, paris_today() + 5, $2
               FROM usager WHERE id = $1"#,
            usager,
            referent
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// What "Qui a regardé mon dossier" shows: the référent read the notes and
/// wrote in the projet, a nurse read the care; the second person's space
/// was opened by a "connexion accompagnée" (both events), and they read
/// their projet.
async fn trail(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    usager: Uuid,
    account: Uuid,
    referent: Uuid,
    n: usize,
) -> Result<()> {
    let nurse = sqlx::query_scalar!(
        "SELECT id FROM account WHERE organisation_id = $1 AND login = 'infirmier'",
        org
    )
    .fetch_one(&mut **tx)
    .await?;
    let staff = |account_id: Uuid, profession: &str, section: &str, action: &str, object: &str| {
        AuditEvent {
            organisation_id: org,
            account_id,
            profession: Some(profession.to_string()),
            usager_id: Some(usager),
            section: section.into(),
            action: action.into(),
            object_id: Some(object.into()),
            allowed: true,
            break_glass: false,
            request_id: "demo".into(),
        }
    };
    let referent_profession: String = sqlx::query_scalar!(
        r#"SELECT profession AS "profession!" FROM account WHERE id = $1"#,
        referent
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut events = vec![
        staff(
            referent,
            &referent_profession,
            "transmissions",
            "read",
            "timeline",
        ),
        staff(referent, &referent_profession, "projet", "write", "demo"),
        staff(nurse, "infirmier", "soins", "read", "soins"),
    ];
    if n == 1 {
        events.push(staff(
            referent,
            &referent_profession,
            "projet",
            "write",
            "espace/connexion_accompagnee",
        ));
        let person = |section: &str, object: &str| AuditEvent {
            organisation_id: org,
            account_id: account,
            profession: None,
            usager_id: Some(usager),
            section: section.into(),
            action: "read".into(),
            object_id: Some(object.into()),
            allowed: true,
            break_glass: false,
            request_id: "demo".into(),
        };
        events.push(person(
            "espace",
            &format!("connexion/accompagnee/{referent}"),
        ));
        events.push(person("projet", "espace/projet"));
    }
    for e in &events {
        append(tx, e).await?;
    }
    Ok(())
}

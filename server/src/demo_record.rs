//! Demo content of the records: contacts, protection measures, doctors,
//! référents, four months of transmissions, an agenda around today,
//! absences, documents (real PDF files, some expiring soon) and ESAT work
//! sheets. Generated in SQL from small tables of invented text, so that the
//! same statements can fill a database of any size for the benchmarks.

use anyhow::Result;
use sha2::Digest as _;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

/// Real PDF files (printed by Chromium from invented text).
pub const PDFS: [(&str, &str, &[u8]); 4] = [
    (
        "contrat_sejour",
        "contrat-de-sejour.pdf",
        include_bytes!("../demo/contrat.pdf"),
    ),
    (
        "notification_mdph",
        "notification-cdaph.pdf",
        include_bytes!("../demo/mdph.pdf"),
    ),
    (
        "jugement_protection",
        "jugement-protection.pdf",
        include_bytes!("../demo/jugement.pdf"),
    ),
    (
        "autorisation",
        "autorisation-droit-image.pdf",
        include_bytes!("../demo/autorisation.pdf"),
    ),
];

/// What educators write, by category (invented, in the style of the field).
const NOTES: &[(&str, &str)] = &[
    ("vie_quotidienne", "Réveil calme, petit-déjeuner pris en entier. Toilette faite avec une aide verbale."),
    ("vie_quotidienne", "A participé aux courses du groupe, a choisi lui-même les fruits de la semaine."),
    ("vie_quotidienne", "Nuit agitée selon le veilleur : levé deux fois vers 3 h, rassuré, rendormi."),
    ("educatif", "Atelier cuisine : a suivi la recette en pictogrammes jusqu’au bout, très fier du résultat."),
    ("educatif", "Travail sur la gestion de l’argent de poche : a compté sa monnaie seul au magasin."),
    ("educatif", "Sortie à la médiathèque : a emprunté deux bandes dessinées, demande à y retourner."),
    ("soin", "Tension prise ce matin, dans les normes. Traitement du midi pris sans difficulté."),
    ("soin", "Se plaint d’une douleur au genou droit après la marche. Glace appliquée, à surveiller."),
    ("travail", "Bonne journée à l’atelier, rythme régulier, a aidé un collègue sur le conditionnement."),
    ("travail", "Fatigue en fin de matinée à l’atelier, pause accordée, a repris après le repas."),
    ("sante_psychique", "Plus anxieux depuis l’annonce du changement d’horaires du bus. Échange rassurant en fin de journée."),
    ("incident", "Altercation verbale avec un autre résident au repas. Séparés, retour au calme en 10 minutes, reparlé le soir."),
    ("famille", "Appel de sa sœur : visite prévue samedi après-midi, à confirmer vendredi."),
    ("famille", "Retour de week-end en famille, content, a raconté la fête d’anniversaire de son neveu."),
];

/// Loads the record content for the usagers of the demo organisation.
pub async fn load(tx: &mut Transaction<'_, Postgres>, org: Uuid, usagers: &[Uuid]) -> Result<()> {
    // Contacts: a parent or sibling for everyone, a personne de confiance for
    // one in three, a personne à prévenir for one in two.
    for (i, usager) in usagers.iter().enumerate() {
        let family = ["Mère", "Père", "Sœur", "Frère", "Tante"][i % 5];
        let (first, last) = (
            ["Martine", "Gérard", "Sophie", "Olivier", "Nadine"][i % 5],
            format!("Famille{}", i + 1),
        );
        sqlx::query!(
            r#"INSERT INTO contact (id, organisation_id, usager_id, role, last_name, first_name, relationship, phone, call_order)
               VALUES ($1, $2, $3, 'famille', $4, $5, $6, $7, 1)"#,
            Uuid::new_v4(),
            org,
            usager,
            last,
            first,
            family,
            format!("06 12 {:02} {:02} {:02}", i, (i * 3) % 100, (i * 7) % 100)
        )
        .execute(&mut **tx)
        .await?;
        if i % 2 == 0 {
            sqlx::query!(
                r#"INSERT INTO contact (id, organisation_id, usager_id, role, last_name, first_name, relationship, phone, call_order)
                   VALUES ($1, $2, $3, 'personne_a_prevenir', 'Durand', 'Michel', 'Voisin et ami de la famille', '06 98 76 54 32', 2)"#,
                Uuid::new_v4(),
                org,
                usager
            )
            .execute(&mut **tx)
            .await?;
        }
        if i % 3 == 0 {
            sqlx::query!(
                r#"INSERT INTO contact (id, organisation_id, usager_id, role, last_name, first_name, relationship, email, call_order)
                   VALUES ($1, $2, $3, 'personne_de_confiance', 'Lemaître', 'Claire', 'Marraine', 'claire.lemaitre@example.org', 3)"#,
                Uuid::new_v4(),
                org,
                usager
            )
            .execute(&mut **tx)
            .await?;
        }
        if i % 2 == 1 {
            let (kind, mandataire) = [
                (
                    "curatelle_renforcee",
                    "UDAF de l’Orne — service des majeurs protégés",
                ),
                ("tutelle", "ATMP 61 — mandataire judiciaire"),
                ("habilitation_familiale", "Sa sœur, Sophie Famille"),
            ][i % 3];
            sqlx::query!(
                r#"INSERT INTO protection_measure (id, organisation_id, usager_id, kind, mandataire, mandataire_phone, start_date)
                   VALUES ($1, $2, $3, $4, $5, '02 33 00 11 22', paris_today() - $6::int)"#,
                Uuid::new_v4(),
                org,
                usager,
                kind,
                mandataire,
                (400 + i * 50) as i32
            )
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query!(
            r#"INSERT INTO external_professional (id, organisation_id, usager_id, role, name, phone, medecin_traitant)
               VALUES ($1, $2, $3, 'Médecin traitant', $4, '02 33 26 00 00', true)"#,
            Uuid::new_v4(),
            org,
            usager,
            ["Dr Anne Leroy", "Dr Paul Mercier", "Dr Sylvie Garnier"][i % 3]
        )
        .execute(&mut **tx)
        .await?;
    }

    // Référents: an educator of the person's unit, per établissement.
    sqlx::query!(
        r#"INSERT INTO referent (organisation_id, usager_id, etablissement_id, account_id, since)
           SELECT DISTINCT ON (a.usager_id, a.etablissement_id) a.organisation_id, a.usager_id, a.etablissement_id,
                  s.account_id, GREATEST(a.start_date, s.start_date)
           FROM accompagnement a
           JOIN staff_assignment s ON s.etablissement_id = a.etablissement_id
                AND (s.unit_id IS NULL OR s.unit_id = a.unit_id)
           JOIN account ac ON ac.id = s.account_id
           WHERE a.organisation_id = $1 AND a.end_date IS NULL AND a.start_date <= paris_today()
             AND ac.profession IN ('educateur', 'moniteur_educateur', 'moniteur_atelier', 'aes_amp')
           ORDER BY a.usager_id, a.etablissement_id, s.unit_id NULLS LAST, ac.login"#,
        org
    )
    .execute(&mut **tx)
    .await?;

    transmissions(tx, org, 120).await?;

    // A few notes corrected, their first version kept.
    sqlx::query!(
        r#"WITH picked AS (
               SELECT id FROM transmission WHERE organisation_id = $1 AND category = 'soin'
               ORDER BY written_at DESC LIMIT 3)
           INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id, author_id,
                  written_at, category, body, important, shared_family, correction_reason)
           SELECT t.id, 2, gen_random_uuid(), t.organisation_id, t.author_id, t.written_at + interval '20 minutes',
                  t.category, t.body || ' (Précision : constat fait à 12 h 15, après le repas.)', t.important, t.shared_family,
                  'Heure du constat oubliée dans la première saisie'
           FROM transmission t JOIN picked p ON p.id = t.id"#,
        org
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"UPDATE transmission t SET version = 2, body = v.body, corrected_at = v.written_at
           FROM transmission_version v WHERE v.transmission_id = t.id AND v.version = 2 AND t.organisation_id = $1"#,
        org
    )
    .execute(&mut **tx)
    .await?;

    // Agenda: for each current usager, an appointment or an activity every
    // few days from four weeks ago to four weeks ahead; a weekly
    // pluridisciplinary meeting per unit.
    sqlx::query!(
        r#"INSERT INTO agenda_event (id, organisation_id, usager_id, etablissement_id, unit_id, kind, title,
                                     starts_at, ends_at, place, staff_participants, external_participants,
                                     serafin_code, created_by)
           SELECT gen_random_uuid(), a.organisation_id, a.usager_id, a.etablissement_id, a.unit_id,
                  k.kind, k.title,
                  ((paris_today() + (g * 4 + (abs(hashtext(a.usager_id::text)) % 4)))::timestamp
                      + make_interval(hours => k.hour)) AT TIME ZONE 'Europe/Paris',
                  ((paris_today() + (g * 4 + (abs(hashtext(a.usager_id::text)) % 4)))::timestamp
                      + make_interval(hours => k.hour + 1, mins => 30)) AT TIME ZONE 'Europe/Paris',
                  k.place, ARRAY[r.account_id], k.external, k.serafin, r.account_id
           FROM accompagnement a
           JOIN referent r ON r.usager_id = a.usager_id AND r.etablissement_id = a.etablissement_id
           CROSS JOIN generate_series(-7, 7) g
           JOIN (VALUES
                 (0, 'rendez_vous_medical', 'Consultation chez le médecin traitant', 10, 'Cabinet médical, Alençon', 'Médecin traitant', '2.1.1.1'),
                 (1, 'activite', 'Piscine', 14, 'Centre aquatique Alencéa', NULL, '2.3.4.2'),
                 (2, 'sortie', 'Marché du samedi', 9, 'Place de la Halle au blé', NULL, '2.3.4.3'),
                 (3, 'rendez_vous_exterieur', 'Rendez-vous au CMP', 11, 'CMP d’Alençon', 'Infirmière du CMP', '2.1.1.3'),
                 (4, 'visite_famille', 'Visite de la famille', 15, NULL, 'Famille', '2.3.4.1'))
                AS k(n, kind, title, hour, place, external, serafin)
             ON k.n = abs(hashtext(a.usager_id::text || g::text)) % 5
           WHERE a.organisation_id = $1 AND a.end_date IS NULL AND a.start_date <= paris_today()"#,
        org
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO agenda_event (id, organisation_id, etablissement_id, unit_id, kind, title, starts_at, ends_at,
                                     place, staff_participants, created_by)
           SELECT gen_random_uuid(), un.organisation_id, un.etablissement_id, un.id, 'reunion_pluridisciplinaire',
                  'Réunion d’équipe pluridisciplinaire',
                  ((date_trunc('week', paris_today()::timestamp) + make_interval(days => 1 + 7 * g, hours => 14))
                      AT TIME ZONE 'Europe/Paris'),
                  ((date_trunc('week', paris_today()::timestamp) + make_interval(days => 1 + 7 * g, hours => 16))
                      AT TIME ZONE 'Europe/Paris'),
                  'Salle de réunion', ARRAY(SELECT s.account_id FROM staff_assignment s WHERE s.unit_id = un.id),
                  (SELECT id FROM account WHERE login = 'chef.service')
           FROM unit un CROSS JOIN generate_series(-4, 4) g
           WHERE un.organisation_id = $1"#,
        org
    )
    .execute(&mut **tx)
    .await?;

    // Absences: one hospitalised now, one away with family next week.
    for (i, reason, from, to, comment) in [
        (
            3usize,
            "hospitalisation",
            -2,
            Some(5),
            "Hospitalisation programmée, CHIC Alençon-Mamers.",
        ),
        (
            5,
            "sejour_famille",
            7,
            Some(10),
            "Chez ses parents pour les fêtes.",
        ),
        (9, "vacances", -30, Some(-23), "Séjour adapté en Bretagne."),
    ] {
        sqlx::query!(
            r#"INSERT INTO absence (id, organisation_id, usager_id, reason, start_date, end_date, comment, created_by)
               VALUES ($1, $2, $3, $4, paris_today() + $5::int, paris_today() + $6::int, $7,
                       (SELECT id FROM account WHERE login = 'educateur'))"#,
            Uuid::new_v4(),
            org,
            usagers[i],
            reason,
            from,
            to,
            comment
        )
        .execute(&mut **tx)
        .await?;
    }

    // Documents: a contract for everyone, a CDAPH notification whose end
    // varies (several within 60 days, a few already past), a protection
    // judgment for the protected, an image-rights authorisation for some.
    let uploader: Uuid = sqlx::query_scalar!("SELECT id FROM account WHERE login = 'secretaire'")
        .fetch_one(&mut **tx)
        .await?;
    for (i, usager) in usagers.iter().enumerate() {
        let mut docs: Vec<(usize, String, Option<i32>)> =
            vec![(0, "Contrat de séjour signé".into(), None)];
        let ends_in = match i % 6 {
            0 => 12 + i as i32,
            1 => 45,
            2 => -8,
            _ => 200 + 30 * i as i32,
        };
        docs.push((1, "Notification d’orientation CDAPH".into(), Some(ends_in)));
        if i % 2 == 1 {
            docs.push((2, "Jugement de mesure de protection".into(), None));
        }
        if i % 4 == 0 {
            docs.push((3, "Autorisation de droit à l’image".into(), Some(365)));
        }
        for (k, title, ends) in docs {
            let (kind, file_name, bytes) = PDFS[k];
            let id = Uuid::new_v4();
            let sha = hex::encode(sha2::Sha256::digest(bytes));
            sqlx::query!(
                r#"INSERT INTO document (id, organisation_id, usager_id, kind, title, file_name, media_type, size_bytes,
                                         sha256, valid_until, uploaded_by, uploaded_at)
                   VALUES ($1, $2, $3, $4, $5, $6, 'application/pdf', $7, $8, paris_today() + $9::int, $10,
                           now() - make_interval(days => $11))"#,
                id,
                org,
                usager,
                kind,
                title,
                file_name,
                bytes.len() as i32,
                sha,
                ends,
                uploader,
                (30 + i * 5) as i32
            )
            .execute(&mut **tx)
            .await?;
            sqlx::query!(
                "INSERT INTO document_content (document_id, bytes) VALUES ($1, $2)",
                id,
                bytes
            )
            .execute(&mut **tx)
            .await?;
        }
    }

    // ESAT work sheets and observations.
    sqlx::query!(
        r#"INSERT INTO travail (usager_id, organisation_id, atelier, poste, schedule, skills, training, updated_by)
           SELECT a.usager_id, a.organisation_id, un.name,
                  CASE WHEN un.name LIKE '%verts%' THEN 'Tonte et débroussaillage' ELSE 'Mise sous pli et étiquetage' END,
                  'Lundi au jeudi 8 h 30 – 16 h, vendredi 8 h 30 – 12 h',
                  'Respecte les consignes de sécurité ; autonome sur les tâches répétitives ; travail en binôme apprécié.',
                  'Sauveteur secouriste du travail (prévu) ; habilitation à la conduite de tondeuse autoportée.',
                  COALESCE((SELECT id FROM account WHERE login = 'moniteur.atelier'), (SELECT id FROM account LIMIT 1))
           FROM accompagnement a JOIN etablissement e ON e.id = a.etablissement_id AND e.kind = 'esat'
           JOIN unit un ON un.id = a.unit_id
           WHERE a.organisation_id = $1 AND a.end_date IS NULL AND a.start_date <= paris_today()
           ON CONFLICT (usager_id) DO NOTHING"#,
        org
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO travail_observation (id, organisation_id, usager_id, author_id, written_at, body)
           SELECT gen_random_uuid(), t.organisation_id, t.usager_id, t.updated_by, now() - make_interval(days => 7 * g),
                  (ARRAY['Cadence en progrès sur la ligne de conditionnement.',
                         'A demandé à essayer un nouveau poste : à discuter en réunion.',
                         'Respect des horaires exemplaire ce mois-ci.'])[1 + g % 3]
           FROM travail t CROSS JOIN generate_series(0, 5) g WHERE t.organisation_id = $1"#,
        org
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Transmissions for the current usagers of the organisation: about one
/// note every three days each over `days` days, by the staff of their units,
/// with their first version. Also used by the benchmark to fill large
/// databases.
pub async fn transmissions(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    days: i32,
) -> Result<u64> {
    let bodies: Vec<String> = NOTES.iter().map(|(_, b)| b.to_string()).collect();
    let categories: Vec<String> = NOTES.iter().map(|(c, _)| c.to_string()).collect();
    let inserted = sqlx::query!(
        r#"WITH writers AS (
               SELECT a.usager_id, array_agg(DISTINCT s.account_id) AS staff
               FROM accompagnement a
               JOIN staff_assignment s ON s.etablissement_id = a.etablissement_id
                    AND (s.unit_id IS NULL OR s.unit_id = a.unit_id)
               JOIN account ac ON ac.id = s.account_id
               WHERE a.organisation_id = $1 AND a.end_date IS NULL AND a.start_date <= paris_today()
                 AND ac.profession IN ('educateur', 'moniteur_educateur', 'aes_amp', 'aide_soignant',
                                       'moniteur_atelier', 'infirmier')
               GROUP BY a.usager_id),
           notes AS (
               SELECT w.usager_id, w.staff, g,
                      abs(hashtext(w.usager_id::text || g::text)) AS h,
                      LEAST(((paris_today() - g)::timestamp
                                + make_interval(hours => 7 + abs(hashtext(w.usager_id::text || g::text)) % 14,
                                                mins => abs(hashtext(g::text || w.usager_id::text)) % 60))
                              AT TIME ZONE 'Europe/Paris',
                            now() - interval '10 minutes') AS at
               FROM writers w CROSS JOIN generate_series(0, $2::int) g
               WHERE abs(hashtext(w.usager_id::text || 'n' || g::text)) % 3 = 0)
           INSERT INTO transmission (id, organisation_id, usager_id, author_id, written_at, category, body,
                                     dar_donnees, dar_actions, dar_resultats, important, shared_family)
           SELECT gen_random_uuid(), $1, n.usager_id, n.staff[1 + n.h % cardinality(n.staff)], n.at,
                  ($3::text[])[1 + n.h % cardinality($3::text[])],
                  ($4::text[])[1 + n.h % cardinality($4::text[])],
                  CASE WHEN ($3::text[])[1 + n.h % cardinality($3::text[])] = 'soin'
                       THEN 'Douleur signalée, constantes relevées.' END,
                  CASE WHEN ($3::text[])[1 + n.h % cardinality($3::text[])] = 'soin'
                       THEN 'Surveillance, information de l’infirmière.' END,
                  CASE WHEN ($3::text[])[1 + n.h % cardinality($3::text[])] = 'soin'
                       THEN 'Apaisé en fin de journée.' END,
                  n.h % 11 = 0, n.h % 7 = 0
           FROM notes n"#,
        org,
        days,
        &categories,
        &bodies
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query!(
        r#"INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id, author_id,
                  written_at, category, body, dar_donnees, dar_actions, dar_resultats, important, shared_family)
           SELECT t.id, 1, t.id, t.organisation_id, t.author_id, t.written_at, t.category, t.body, t.dar_donnees,
                  t.dar_actions, t.dar_resultats, t.important, t.shared_family
           FROM transmission t
           WHERE t.organisation_id = $1
             AND NOT EXISTS (SELECT 1 FROM transmission_version v WHERE v.transmission_id = t.id)"#,
        org
    )
    .execute(&mut **tx)
    .await?;
    Ok(inserted)
}

-- The benchmarks' scale, on top of the demo: 10 000 usagers accompanied by
-- the demo units in turn, 1 000 000 transmissions over twelve months, ten
-- agenda events and two dated documents per person. Used by
-- scripts/perimeter-plans; the benchmarks fill the same usagers from Rust.
WITH units AS (SELECT id, etablissement_id, row_number() OVER (ORDER BY id) - 1 AS n FROM unit),
     new AS (
        INSERT INTO usager (id, organisation_id, used_first_name, used_last_name, birth_date,
                            birth_last_name, birth_first_names, sex)
        SELECT gen_random_uuid(), (SELECT id FROM organisation LIMIT 1), 'Prénom' || g, 'Nom' || g,
               date '1960-01-01' + (g % 15000)::int, 'NOM' || chr(65 + g % 26), 'PRENOM',
               CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END
        FROM generate_series(1, 10000 - (SELECT count(*) FROM usager)::int) g
        RETURNING id, organisation_id)
INSERT INTO accompagnement (id, organisation_id, usager_id, etablissement_id, unit_id, start_date)
SELECT gen_random_uuid(), n.organisation_id, n.id, u.etablissement_id, u.id, date '2020-01-01'
FROM (SELECT id, organisation_id, row_number() OVER () AS r FROM new) n
JOIN units u ON u.n = n.r % 6;

INSERT INTO transmission (id, organisation_id, usager_id, author_id, written_at, category, body)
SELECT gen_random_uuid(), u.organisation_id, u.id,
       (SELECT array_agg(id) FROM account WHERE kind = 'staff')[1 + (g % 16)],
       now() - random() * interval '365 days',
       (ARRAY['educatif','vie_quotidienne','soin','travail','sante_psychique','incident','famille'])[1 + g % 7],
       'Transmission de charge numéro ' || g || '. Journée sans particularité, repas pris, activités suivies.'
FROM usager u CROSS JOIN generate_series(1, 100) g
LIMIT 1000000 - (SELECT count(*) FROM transmission);

INSERT INTO agenda_event (id, organisation_id, usager_id, etablissement_id, unit_id, kind, title,
                          starts_at, ends_at, created_by)
SELECT gen_random_uuid(), a.organisation_id, CASE WHEN g % 5 = 0 THEN NULL ELSE a.usager_id END,
       a.etablissement_id, a.unit_id, 'activite', 'Activité ' || g,
       date_trunc('week', now()) + (g % 14) * interval '1 day' + interval '10 hours',
       date_trunc('week', now()) + (g % 14) * interval '1 day' + interval '11 hours',
       (SELECT id FROM account WHERE kind = 'staff' LIMIT 1)
FROM accompagnement a CROSS JOIN generate_series(1, 10) g
WHERE a.unit_id IS NOT NULL;

INSERT INTO document (id, organisation_id, usager_id, kind, title, file_name, media_type, size_bytes,
                      sha256, valid_until, uploaded_by, uploaded_at)
SELECT gen_random_uuid(), u.organisation_id, u.id,
       (ARRAY['contrat_sejour','notification_mdph'])[g], 'Document ' || g, 'document.pdf', 'application/pdf', 1000,
       repeat('0', 64), current_date + ((hashtext(u.id::text) % 200) + g * 30),
       (SELECT id FROM account WHERE kind = 'staff' LIMIT 1), now() - interval '30 days'
FROM usager u CROSS JOIN generate_series(1, 2) g;

ANALYZE;

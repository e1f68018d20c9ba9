-- EXPLAIN ANALYZE of the queries that rest on the perimeter, as the code
-- writes them (app/src), for one account. Run by scripts/perimeter-plans on
-- a database filled by scripts/sql/fill-10000.sql.
\set ON_ERROR_STOP 1
SELECT id AS acct, organisation_id AS org FROM account WHERE login = :'login' \gset
SELECT usager_id AS usager FROM current_perimeter WHERE account_id = :'acct' ORDER BY usager_id DESC LIMIT 1 \gset
\echo '### record open (perimeter check, access::server::perimeter::reaches)'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT EXISTS (SELECT 1 FROM current_perimeter WHERE account_id = :'acct' AND usager_id = :'usager');
\echo '### mes usagers (usager::server::my_usagers)'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT u.id, u.used_first_name, u.used_last_name,
       ARRAY_AGG(DISTINCT e.name || COALESCE(' — ' || un.name, '')) AS places
FROM current_perimeter p
JOIN usager u ON u.id = p.usager_id
JOIN etablissement e ON e.id = p.etablissement_id
LEFT JOIN unit un ON un.id = p.unit_id
WHERE p.account_id = :'acct' AND u.organisation_id = :'org'
GROUP BY u.id
ORDER BY u.used_last_name, u.used_first_name;
\echo '### cahier de liaison, today (transmission::server::get_cahier)'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT t.id, (SELECT COALESCE(un.name, e.name) FROM current_perimeter p
              JOIN etablissement e ON e.id = p.etablissement_id
              LEFT JOIN unit un ON un.id = p.unit_id
              WHERE p.usager_id = t.usager_id AND p.account_id = :'acct'
              ORDER BY 1 LIMIT 1) AS unit
FROM transmission t
WHERE t.organisation_id = :'org' AND t.written_at >= date_trunc('day', now())
  AND t.written_at < date_trunc('day', now()) + interval '1 day'
  AND t.category = ANY('{educatif,vie_quotidienne,travail,incident,famille}')
ORDER BY t.written_at DESC;
\echo '### unit agenda, this week (agenda::server::unit_agenda)'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT e.id, e.usager_id, e.title, e.starts_at
FROM agenda_event e
LEFT JOIN usager u ON u.id = e.usager_id
LEFT JOIN unit un ON un.id = e.unit_id
WHERE e.organisation_id = :'org' AND e.starts_at >= date_trunc('week', now())
  AND e.starts_at < date_trunc('week', now()) + interval '7 days'
  AND CASE WHEN e.usager_id IS NULL THEN
        EXISTS (SELECT 1 FROM current_assignment s WHERE s.account_id = :'acct'
                AND s.etablissement_id = e.etablissement_id AND assignment_covers(s.unit_id, e.unit_id))
      ELSE
        EXISTS (SELECT 1 FROM current_perimeter p WHERE p.account_id = :'acct' AND p.usager_id = e.usager_id)
      END
ORDER BY e.starts_at;
\echo '### documents to renew (document::server::expiring_documents)'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT d.id
FROM document d JOIN usager u ON u.id = d.usager_id JOIN account a ON a.id = d.uploaded_by
WHERE d.organisation_id = :'org' AND d.valid_until IS NOT NULL
  AND d.valid_until <= paris_today() + 60
  AND EXISTS (SELECT 1 FROM current_perimeter p WHERE p.usager_id = d.usager_id AND p.account_id = :'acct')
  AND NOT EXISTS (SELECT 1 FROM document n WHERE n.usager_id = d.usager_id AND n.kind = d.kind
                  AND n.uploaded_at > d.uploaded_at
                  AND (n.valid_until IS NULL OR n.valid_until > d.valid_until))
ORDER BY d.valid_until, u.used_last_name;
\echo '### projet deadlines, perimeter part (projet::server::get_echeances)'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT DISTINCT usager_id, etablissement_id, unit_id, start_date FROM current_perimeter WHERE account_id = :'acct';

-- The perimeter rule, written once (`app/src/access/perimeter.rs` owns it):
-- a staff member reaches an usager while one of their current assignments
-- covers a current accompaniment of that usager (same établissement, and
-- the same unit unless the assignment is to the whole établissement).
-- Queries that need the rule join these views; none spells it again.

-- Assignments in force today (Europe/Paris).
CREATE VIEW current_assignment AS
SELECT id, organisation_id, account_id, etablissement_id, unit_id, start_date, end_date
FROM staff_assignment
WHERE start_date <= paris_today() AND (end_date IS NULL OR end_date >= paris_today());

-- Accompaniments in force today (Europe/Paris).
CREATE VIEW current_accompagnement AS
SELECT id, organisation_id, usager_id, etablissement_id, unit_id, start_date, planned_end_date, end_date
FROM accompagnement
WHERE start_date <= paris_today() AND (end_date IS NULL OR end_date >= paris_today());

-- Whether an assignment to `assigned_unit` (NULL: the whole établissement)
-- covers a place of the same établissement in `unit`. A plain expression,
-- inlined by the planner: the plans are those of the spelled-out rule.
CREATE FUNCTION assignment_covers(assigned_unit uuid, unit uuid) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT assigned_unit IS NULL OR assigned_unit = unit $$;

-- Same columns as before, now built on the two views above.
CREATE OR REPLACE VIEW current_perimeter AS
SELECT s.account_id, ac.usager_id, ac.etablissement_id, ac.unit_id, ac.start_date
FROM current_accompagnement ac
JOIN current_assignment s
  ON s.etablissement_id = ac.etablissement_id AND assignment_covers(s.unit_id, ac.unit_id);

CREATE OR REPLACE FUNCTION reviews_usager(reviewer uuid, person uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM accompagnement ac
        JOIN current_assignment s ON s.etablissement_id = ac.etablissement_id
        WHERE ac.usager_id = person AND s.account_id = reviewer)
$$;

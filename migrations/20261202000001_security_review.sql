-- Fixes from the security review (issue 10).

-- The DPO is a profession of its own: it reads the trail and the reviews
-- of emergency accesses (through the dpo flag), and no section of a record.
ALTER TABLE account DROP CONSTRAINT account_profession_check;
ALTER TABLE account ADD CONSTRAINT account_profession_check CHECK (profession IN (
    'educateur', 'moniteur_educateur', 'aes_amp', 'aide_soignant',
    'moniteur_atelier', 'infirmier', 'medecin', 'psychologue',
    'assistant_social', 'secretaire', 'chef_service', 'directeur',
    'administrateur', 'dpo'));

-- Santé psychique notes are governed by Soins: psychologists, who write
-- them, now write in Soins by default (a matrix an administrator changed
-- is left as it is).
UPDATE section_permission SET can_write = true
WHERE profession = 'psychologue' AND section = 'soins' AND can_read AND NOT can_write
  AND updated_by IS NULL;

-- Whether a reviewer (chef de service, direction) oversees an usager: one
-- of their current assignments is in an établissement that accompanies,
-- accompanied or will accompany the person. Emergency accesses are shown
-- to, and reviewed by, the reviewers of the établissements concerned.
CREATE FUNCTION reviews_usager(reviewer uuid, person uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM accompagnement ac
        JOIN staff_assignment s ON s.etablissement_id = ac.etablissement_id
        WHERE ac.usager_id = person AND s.account_id = reviewer
          AND s.start_date <= paris_today() AND (s.end_date IS NULL OR s.end_date >= paris_today()))
$$;

-- Sign-in throttling counts failures per login and per client address;
-- the addresses a login signed in from are not slowed down by failures
-- coming from elsewhere.
ALTER TABLE login_failure ADD COLUMN source text NOT NULL DEFAULT '';
CREATE INDEX login_failure_source_time ON login_failure (source, failed_at DESC);
CREATE TABLE login_source (
    login         text NOT NULL,
    source        text NOT NULL,
    last_success  timestamptz NOT NULL,
    PRIMARY KEY (login, source)
);

-- The key that seals an account's notes waiting offline in a tablet's
-- storage: held here, handed only to that account's live sessions, so the
-- next person on a shared tablet cannot read them.
CREATE TABLE outbox_key (
    account_id       uuid PRIMARY KEY REFERENCES account(id),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    key              bytea NOT NULL CHECK (length(key) = 32),
    created_at       timestamptz NOT NULL DEFAULT now()
);

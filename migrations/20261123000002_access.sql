-- Access control: the permission matrix per organisation, bris de glace,
-- consents and oppositions, and the audit trail rebuilt as an append-only,
-- hash-chained, monthly-partitioned table.

-- The matrix (profession × section), copied from the shipped default when an
-- organisation is created, then changed by its administrators.
CREATE TABLE section_permission (
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    profession       text NOT NULL,
    section          text NOT NULL CHECK (section IN (
        'identite', 'projet', 'transmissions', 'agenda', 'documents',
        'travail', 'soins', 'medical', 'audit')),
    can_read         boolean NOT NULL,
    can_write        boolean NOT NULL,
    updated_by       uuid REFERENCES account(id),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, profession, section),
    CHECK (can_read OR NOT can_write),
    -- Medical secrecy: never opened to other professions, whatever an admin does.
    CHECK (section <> 'medical' OR NOT can_read OR profession IN ('medecin', 'infirmier', 'psychologue'))
);

-- The data protection officer may read every trail of the organisation.
ALTER TABLE account ADD COLUMN dpo boolean NOT NULL DEFAULT false;

-- Emergency access outside one's perimeter: written reason, limited time,
-- reviewed afterwards by a chef de service or the direction.
CREATE TABLE break_glass (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    account_id       uuid NOT NULL REFERENCES account(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    reason           text NOT NULL CHECK (length(reason) BETWEEN 20 AND 2000),
    granted_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    reviewed_by      uuid REFERENCES account(id),
    reviewed_at      timestamptz,
    review_comment   text CHECK (length(review_comment) <= 2000),
    CHECK (expires_at > granted_at),
    CHECK ((reviewed_by IS NULL) = (reviewed_at IS NULL))
);
CREATE INDEX break_glass_grant ON break_glass (account_id, usager_id, expires_at DESC);
CREATE INDEX break_glass_to_review ON break_glass (organisation_id, granted_at DESC) WHERE reviewed_at IS NULL;

-- Consents and oppositions, as a history: the latest decision per scope is
-- in force, from the moment it is recorded.
CREATE TABLE consent_event (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    scope            text NOT NULL CHECK (scope IN ('hors_equipe', 'famille')),
    decision         text NOT NULL CHECK (decision IN ('consentement', 'opposition')),
    expressed_by     text NOT NULL CHECK (expressed_by IN ('usager', 'representant_legal')),
    recorded_by      uuid NOT NULL REFERENCES account(id),
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    comment          text CHECK (length(comment) <= 2000)
);
CREATE INDEX consent_event_current ON consent_event (usager_id, scope, recorded_at DESC);

-- The audit trail. One row per access to a record. Rows are chained per
-- organisation: hash = SHA-256(prev_hash || canonical text of the row), so a
-- changed, removed or inserted row breaks the chain (`parcours audit verify`).
DROP TABLE audit_event;
CREATE SEQUENCE audit_event_id_seq;
CREATE TABLE audit_event (
    id               bigint NOT NULL DEFAULT nextval('audit_event_id_seq'),
    organisation_id  uuid NOT NULL,
    at               timestamptz NOT NULL,
    account_id       uuid NOT NULL,
    profession       text,
    usager_id        uuid,
    section          text NOT NULL,
    action           text NOT NULL CHECK (action IN ('read', 'write')),
    object_id        text,
    allowed          boolean NOT NULL,
    break_glass      boolean NOT NULL DEFAULT false,
    request_id       text,
    prev_hash        bytea NOT NULL,
    hash             bytea NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;
CREATE INDEX audit_event_usager_time ON audit_event (usager_id, at DESC);
CREATE INDEX audit_event_account_time ON audit_event (account_id, at DESC);
CREATE INDEX audit_event_org_time ON audit_event (organisation_id, at DESC);

-- Creates the monthly partitions from `from_month` for `months` months.
CREATE FUNCTION audit_ensure_partitions(from_month date, months int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', from_month)::date;
    name text;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        name := format('audit_event_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                           name, m, (m + interval '1 month')::date);
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;
SELECT audit_ensure_partitions((now() - interval '1 month')::date, 4);

-- The last link of each organisation's chain; locked while appending.
CREATE TABLE audit_chain (
    organisation_id  uuid PRIMARY KEY REFERENCES organisation(id),
    last_id          bigint NOT NULL,
    last_hash        bytea NOT NULL
);

-- Append-only, whatever the role: changing or removing a row is refused.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;

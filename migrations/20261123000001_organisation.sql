-- Organisation model: organisation -> établissements -> units; accounts with a
-- profession and assignments; usagers with their accompaniments.
-- Every table that holds personal data carries organisation_id so that one
-- server can host several organisations (and data can later be distributed
-- by organisation).

-- "Today" for accompaniments and assignments is the date in Paris.
CREATE FUNCTION paris_today() RETURNS date LANGUAGE sql STABLE
    AS $$ SELECT (now() AT TIME ZONE 'Europe/Paris')::date $$;

CREATE TABLE organisation (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE etablissement (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    finess           text NOT NULL UNIQUE CHECK (finess ~ '^[0-9][0-9AB][0-9]{7}$'),
    kind             text NOT NULL CHECK (kind IN (
        'foyer_hebergement', 'foyer_vie', 'fam', 'mas', 'ime', 'esat',
        'savs', 'samsah', 'sessad', 'ehpad')),
    UNIQUE (organisation_id, id)
);

CREATE TABLE unit (
    id                uuid PRIMARY KEY,
    organisation_id   uuid NOT NULL REFERENCES organisation(id),
    etablissement_id  uuid NOT NULL,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    FOREIGN KEY (organisation_id, etablissement_id) REFERENCES etablissement(organisation_id, id),
    UNIQUE (etablissement_id, id)
);

-- A person who signs in: staff (with a profession) or a family member /
-- legal representative. The usager's own account comes with the FALC portal.
CREATE TABLE account (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    login            text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9._-]{3,64}$'),
    password_hash    text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('staff', 'family')),
    first_name       text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name        text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    profession       text CHECK (profession IN (
        'educateur', 'moniteur_educateur', 'aes_amp', 'aide_soignant',
        'moniteur_atelier', 'infirmier', 'medecin', 'psychologue',
        'assistant_social', 'secretaire', 'chef_service', 'directeur',
        'administrateur')),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'staff') = (profession IS NOT NULL))
);

-- Where a staff member works. unit_id NULL means the whole établissement
-- (a chef de service, a nurse covering every unit).
CREATE TABLE staff_assignment (
    id                uuid PRIMARY KEY,
    organisation_id   uuid NOT NULL REFERENCES organisation(id),
    account_id        uuid NOT NULL REFERENCES account(id),
    etablissement_id  uuid NOT NULL REFERENCES etablissement(id),
    unit_id           uuid,
    start_date        date NOT NULL,
    end_date          date,
    FOREIGN KEY (etablissement_id, unit_id) REFERENCES unit(etablissement_id, id),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX staff_assignment_account ON staff_assignment (account_id);

CREATE TABLE usager (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    used_last_name   text NOT NULL CHECK (length(used_last_name) BETWEEN 1 AND 100),
    used_first_name  text NOT NULL CHECK (length(used_first_name) BETWEEN 1 AND 100),
    birth_date       date NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usager_organisation ON usager (organisation_id);

-- A period of support of one usager by one établissement (and unit).
CREATE TABLE accompagnement (
    id                 uuid PRIMARY KEY,
    organisation_id    uuid NOT NULL REFERENCES organisation(id),
    usager_id          uuid NOT NULL REFERENCES usager(id),
    etablissement_id   uuid NOT NULL REFERENCES etablissement(id),
    unit_id            uuid,
    start_date         date NOT NULL,
    planned_end_date   date,
    end_date           date,
    FOREIGN KEY (etablissement_id, unit_id) REFERENCES unit(etablissement_id, id),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK (planned_end_date IS NULL OR planned_end_date >= start_date)
);
CREATE INDEX accompagnement_usager ON accompagnement (usager_id);
CREATE INDEX accompagnement_unit ON accompagnement (unit_id);
CREATE INDEX accompagnement_etablissement ON accompagnement (etablissement_id);

-- A family member or legal representative linked to the usagers they follow.
CREATE TABLE family_link (
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    account_id       uuid NOT NULL REFERENCES account(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    relationship     text NOT NULL CHECK (length(relationship) BETWEEN 1 AND 100),
    PRIMARY KEY (account_id, usager_id)
);

-- Failed sign-ins, for throttling. Keyed by the login as typed (normalised),
-- so that unknown logins are throttled exactly like known ones.
CREATE TABLE login_failure (
    login      text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_login_time ON login_failure (login, failed_at DESC);

-- One event per access to a record (read or write). Extended by the access
-- control work (hash chain, bris de glace); written in the transaction of
-- the access it describes.
CREATE TABLE audit_event (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    at               timestamptz NOT NULL DEFAULT now(),
    account_id       uuid NOT NULL REFERENCES account(id),
    usager_id        uuid REFERENCES usager(id),
    section          text NOT NULL,
    action           text NOT NULL CHECK (action IN ('read', 'write')),
    allowed          boolean NOT NULL,
    request_id       text
);
CREATE INDEX audit_event_usager_time ON audit_event (usager_id, at DESC);

-- Soins: allergies and intolerances, sets of vital signs and measures,
-- NEWS2 alerts and their acknowledgement.

-- An allergy is ended or refuted, never deleted.
CREATE TABLE allergy (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    substance        text NOT NULL CHECK (length(substance) BETWEEN 1 AND 200),
    kind             text NOT NULL CHECK (kind IN ('allergie', 'intolerance')),
    reaction         text CHECK (length(reaction) <= 200),
    severity         text NOT NULL CHECK (severity IN ('legere', 'moderee', 'severe')),
    certainty        text NOT NULL CHECK (certainty IN ('suspectee', 'confirmee')),
    source           text CHECK (length(source) <= 200),
    noted_on         date NOT NULL,
    noted_by         uuid NOT NULL REFERENCES account(id),
    written_at       timestamptz NOT NULL DEFAULT now(),
    ended            text CHECK (ended IN ('terminee', 'refutee')),
    ended_at         timestamptz,
    ended_by         uuid REFERENCES account(id),
    end_reason       text CHECK (length(end_reason) BETWEEN 1 AND 500),
    CHECK ((ended IS NULL) = (ended_at IS NULL) AND (ended IS NULL) = (ended_by IS NULL)
           AND (ended IS NULL) = (end_reason IS NULL))
);
CREATE INDEX allergy_usager ON allergy (usager_id, noted_on DESC);

-- "Aucune allergie connue": a statement with its author, one per person
-- (the latest); an allergy recorded after it makes it void.
CREATE TABLE allergy_none_known (
    usager_id        uuid PRIMARY KEY REFERENCES usager(id),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    stated_by        uuid NOT NULL REFERENCES account(id),
    stated_at        timestamptz NOT NULL DEFAULT now()
);

-- A set of measures taken together; the client's key is its id.
CREATE TABLE measure_set (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    taken_at         timestamptz NOT NULL,
    author_id        uuid NOT NULL REFERENCES account(id),
    written_at       timestamptz NOT NULL DEFAULT now(),
    systolic         integer CHECK (systolic BETWEEN 40 AND 300),
    diastolic        integer CHECK (diastolic BETWEEN 20 AND 200),
    pulse            integer CHECK (pulse BETWEEN 20 AND 250),
    temperature      real CHECK (temperature BETWEEN 30 AND 44),
    spo2             integer CHECK (spo2 BETWEEN 50 AND 100),
    on_oxygen        boolean NOT NULL DEFAULT false,
    spo2_scale_2     boolean NOT NULL DEFAULT false,
    respiratory_rate integer CHECK (respiratory_rate BETWEEN 3 AND 70),
    consciousness    text CHECK (consciousness IN ('A', 'C', 'V', 'P', 'U')),
    weight           real CHECK (weight BETWEEN 2 AND 350),
    height           integer CHECK (height BETWEEN 40 AND 250),
    glucose          real CHECK (glucose BETWEEN 0.1 AND 8),
    pain_self        integer CHECK (pain_self BETWEEN 0 AND 10),
    pain_algoplus    integer CHECK (pain_algoplus BETWEEN 0 AND 5),
    news2            integer CHECK (news2 BETWEEN 0 AND 20),
    CHECK (systolic IS NULL OR systolic > diastolic)
);
CREATE INDEX measure_set_usager_time ON measure_set (usager_id, taken_at DESC);

-- A set whose NEWS2 is 5 or more, or has a parameter at 3.
CREATE TABLE news2_alert (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    measure_set_id   uuid NOT NULL UNIQUE REFERENCES measure_set(id),
    score            integer NOT NULL,
    label            text NOT NULL,
    raised_at        timestamptz NOT NULL DEFAULT now(),
    acknowledged_at  timestamptz,
    acknowledged_by  uuid REFERENCES account(id),
    action_taken     text CHECK (length(action_taken) BETWEEN 1 AND 2000),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)
           AND (acknowledged_at IS NULL) = (action_taken IS NULL))
);
CREATE INDEX news2_alert_open ON news2_alert (usager_id) WHERE acknowledged_at IS NULL;

-- Prescriptions, entered by an infirmier or a médecin from the paper
-- prescription (its scan is a document of the record). A line is never
-- updated in place: stopping it records who, when and why; changing it
-- stops it and adds the new line, which names the one it replaces. A
-- treatment in force therefore always answers "since when, by whom".

CREATE TABLE prescription (
    id               uuid PRIMARY KEY,               -- the client's key
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    prescriber       text NOT NULL CHECK (length(prescriber) BETWEEN 1 AND 200),
    prescriber_rpps  text CHECK (prescriber_rpps ~ '^[0-9]{11}$'),
    prescribed_on    date NOT NULL,
    document_id      uuid REFERENCES document(id),    -- the scanned prescription
    entered_by       uuid NOT NULL REFERENCES account(id),
    entered_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prescription_usager ON prescription (usager_id, prescribed_on DESC);

CREATE TABLE prescription_line (
    id               uuid PRIMARY KEY,               -- the client's key
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    prescription_id  uuid NOT NULL REFERENCES prescription(id),
    position         smallint NOT NULL,
    -- The drug: a BDPM spécialité (its name and substances copied, so that
    -- the line reads the same after a new BDPM import) or a preparation
    -- typed as free text, flagged.
    cis              text,
    drug             text NOT NULL CHECK (length(drug) BETWEEN 1 AND 300),
    substances       text[] NOT NULL DEFAULT '{}',
    free_text        boolean NOT NULL,
    dose_quantity    numeric(10, 3) NOT NULL CHECK (dose_quantity > 0),
    dose_unit        text NOT NULL,
    route            text NOT NULL,
    -- When: slots and/or times of day, every day, some weekdays (ISO 1-7)
    -- or every N days from the start; or "si besoin" with its limits.
    slots            text[] NOT NULL DEFAULT '{}',
    times            time[] NOT NULL DEFAULT '{}',
    recurrence       text NOT NULL CHECK (recurrence IN ('tous_les_jours', 'jours_semaine', 'tous_les_n_jours')),
    weekdays         smallint[] NOT NULL DEFAULT '{}',
    every_n_days     smallint CHECK (every_n_days BETWEEN 2 AND 90),
    starts_on        date NOT NULL,
    ends_on          date CHECK (ends_on >= starts_on),
    as_needed        boolean NOT NULL,
    indication       text CHECK (length(indication) <= 300),
    min_interval_minutes integer CHECK (min_interval_minutes BETWEEN 15 AND 2880),
    max_per_day      smallint CHECK (max_per_day BETWEEN 1 AND 24),
    instructions     text CHECK (length(instructions) <= 1000),
    -- CASF L313-26: the prescription says whether the dose may be given
    -- as "aide à la prise" by a non-nursing professional.
    aide_prise       boolean NOT NULL,
    -- Anticoagulant, insulin…: nurse only, whatever the wording.
    high_risk        boolean NOT NULL,
    -- The allergies in force the line matched when entered, confirmed by
    -- its author (empty: none matched).
    allergy_matches  text[] NOT NULL DEFAULT '{}',
    replaces         uuid REFERENCES prescription_line(id),
    entered_by       uuid NOT NULL REFERENCES account(id),
    entered_at       timestamptz NOT NULL DEFAULT now(),
    stopped_at       timestamptz,
    stopped_by       uuid REFERENCES account(id),
    stop_reason      text CHECK (length(stop_reason) BETWEEN 1 AND 500),
    CHECK ((stopped_at IS NULL) = (stopped_by IS NULL) AND (stopped_at IS NULL) = (stop_reason IS NULL)),
    CHECK (free_text OR cis IS NOT NULL),
    CHECK (as_needed OR cardinality(slots) + cardinality(times) > 0),
    CHECK (NOT as_needed OR (min_interval_minutes IS NOT NULL AND max_per_day IS NOT NULL)),
    CHECK ((recurrence = 'jours_semaine') = (cardinality(weekdays) > 0)),
    CHECK ((recurrence = 'tous_les_n_jours') = (every_n_days IS NOT NULL)),
    UNIQUE (prescription_id, position)
);
CREATE INDEX prescription_line_usager ON prescription_line (usager_id) WHERE stopped_at IS NULL;
CREATE UNIQUE INDEX prescription_line_replaced_once ON prescription_line (replaces) WHERE replaces IS NOT NULL;

-- Soins, continued: the daily follow-ups and corrections of a set, the
-- shifts of an établissement, recurring care tasks and what the round did
-- of each; the médical section (medical secrecy).

-- Daily follow-ups kept with the measures; a correction is a new set that
-- names the one it corrects (which stays, out of the current lists).
ALTER TABLE measure_set
    ADD COLUMN stool text CHECK (stool IN ('aucune', 'normales', 'molles', 'liquides', 'dures')),
    ADD COLUMN fluid_ml integer CHECK (fluid_ml BETWEEN 0 AND 10000),
    ADD COLUMN sleep text CHECK (sleep IN ('bon', 'agite', 'reveils', 'insomnie')),
    ADD COLUMN corrects uuid UNIQUE REFERENCES measure_set(id),
    ADD COLUMN correction_reason text CHECK (length(correction_reason) BETWEEN 1 AND 500),
    ADD CONSTRAINT measure_set_correction CHECK ((corrects IS NULL) = (correction_reason IS NULL));

-- When each shift starts, per établissement (none: 07:00, 14:00, 21:00).
CREATE TABLE shift_time (
    etablissement_id uuid NOT NULL REFERENCES etablissement(id),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    shift            text NOT NULL CHECK (shift IN ('matin', 'apres_midi', 'nuit')),
    starts           time NOT NULL,
    PRIMARY KEY (etablissement_id, shift)
);

-- A recurring care task of one person, set by a nurse; ended, never deleted.
CREATE TABLE care_task (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    label            text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    instructions     text CHECK (length(instructions) <= 2000),
    -- A measure task opens the measure entry.
    measure          boolean NOT NULL DEFAULT false,
    rule             text NOT NULL CHECK (rule IN ('jours', 'heures', 'mois')),
    every            integer NOT NULL CHECK (every BETWEEN 1 AND 366),
    -- HH:MM, Paris time.
    times            text[] NOT NULL CHECK (cardinality(times) BETWEEN 1 AND 12),
    starts_on        date NOT NULL,
    -- The professions that may do it (empty: whoever writes soins).
    professions      text[] NOT NULL DEFAULT '{}',
    created_by       uuid NOT NULL REFERENCES account(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    ended_at         timestamptz,
    ended_by         uuid REFERENCES account(id),
    end_reason       text CHECK (length(end_reason) BETWEEN 1 AND 500),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL) AND (ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX care_task_usager ON care_task (usager_id) WHERE ended_at IS NULL;

-- What was done of one occurrence of a task: once per (task, time due).
CREATE TABLE care_done (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    task_id          uuid NOT NULL REFERENCES care_task(id),
    due_at           timestamptz NOT NULL,
    done             boolean NOT NULL,
    reason           text CHECK (reason IN ('refus', 'absent', 'etat', 'materiel', 'autre')),
    comment          text CHECK (length(comment) <= 500),
    measure_set_id   uuid REFERENCES measure_set(id),
    recorded_by      uuid NOT NULL REFERENCES account(id),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (task_id, due_at),
    CHECK (done OR reason IS NOT NULL)
);
CREATE INDEX care_done_usager_time ON care_done (usager_id, due_at DESC);

-- Médical: antécédents, current problems, consultation notes, vaccinations.
CREATE TABLE medical_entry (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    kind             text NOT NULL CHECK (kind IN ('antecedent', 'probleme', 'consultation', 'vaccination')),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body             text CHECK (length(body) <= 10000),
    occurred_on      date,
    author_id        uuid NOT NULL REFERENCES account(id),
    written_at       timestamptz NOT NULL DEFAULT now(),
    -- A current problem once resolved (it stays, as history).
    resolved_at      timestamptz,
    resolved_by      uuid REFERENCES account(id),
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);
CREATE INDEX medical_entry_usager ON medical_entry (usager_id, kind, occurred_on DESC);

-- Directives anticipées: whether they exist and where the document is.
CREATE TABLE advance_directive (
    usager_id        uuid PRIMARY KEY REFERENCES usager(id),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    status           text NOT NULL CHECK (status IN ('redigees', 'aucune', 'refus_d_en_parler')),
    location         text CHECK (length(location) <= 500),
    stated_by        uuid NOT NULL REFERENCES account(id),
    stated_at        timestamptz NOT NULL DEFAULT now()
);

-- Letters of the médecin traitant and the specialists: a document kind
-- that only the médical section lists and serves.
ALTER TABLE document DROP CONSTRAINT document_kind_check;
ALTER TABLE document ADD CONSTRAINT document_kind_check
    CHECK (kind IN ('contrat_sejour', 'dipc', 'notification_mdph', 'jugement_protection',
                    'autorisation', 'compte_rendu', 'ordonnance', 'photo_identite',
                    'piece_identite', 'autre', 'courrier_medical'));

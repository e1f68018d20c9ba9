-- The projet personnalisé (TDDUI content model): the organisation's
-- template (trame) in versions, the projects with their text fields and
-- typed elements (attentes, besoins, objectifs, actions, prestations), the
-- frozen versions and avenants, status changes, bilans with per-objective
-- evaluations, accords, and editing sessions (time spent).

-- Who works, today, where an usager is accompanied today: the perimeter of
-- staff members, written once (a current assignment to the établissement,
-- or to the unit, of a current accompaniment).
CREATE VIEW current_perimeter AS
SELECT s.account_id, ac.usager_id, ac.etablissement_id, ac.unit_id, ac.start_date
FROM accompagnement ac
JOIN staff_assignment s
  ON s.etablissement_id = ac.etablissement_id AND (s.unit_id IS NULL OR s.unit_id = ac.unit_id)
WHERE ac.start_date <= paris_today() AND (ac.end_date IS NULL OR ac.end_date >= paris_today())
  AND s.start_date <= paris_today() AND (s.end_date IS NULL OR s.end_date >= paris_today());

-- The template of an organisation, one row per version; a project keeps the
-- version it was written with. `sections` is the Rust `Trame` in JSON.
CREATE TABLE trame (
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    version         integer NOT NULL CHECK (version > 0),
    sections        jsonb NOT NULL CHECK (jsonb_typeof(sections) = 'array'),
    created_by      uuid REFERENCES account (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, version)
);

CREATE TABLE projet (
    id              uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    usager_id       uuid NOT NULL REFERENCES usager (id),
    trame_version   integer NOT NULL,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind            text NOT NULL CHECK (kind IN ('PAI', 'PPA', 'PPIA', 'PP', 'PPI', 'PA', 'PI')),
    starts_on       date,
    ends_on         date,
    next_review     date,
    status          text NOT NULL DEFAULT 'ENPREPARATION'
                    CHECK (status IN ('ENPREPARATION', 'ENCOURS', 'ENPAUSE', 'TERMINE')),
    -- A draft is open (the first version or an avenant): fields may change.
    -- Validating freezes it into `projet_version`.
    editing         boolean NOT NULL DEFAULT true,
    -- Guards the header (title, type, dates) against concurrent edits.
    version         integer NOT NULL DEFAULT 1,
    -- The completeness score of the current state, refreshed by each write
    -- (lists and indicators read it without rebuilding every project).
    completeness    integer NOT NULL DEFAULT 0 CHECK (completeness BETWEEN 0 AND 100),
    created_by      uuid NOT NULL REFERENCES account (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, trame_version) REFERENCES trame (organisation_id, version),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK (next_review IS NULL OR starts_on IS NULL OR next_review >= starts_on)
);
CREATE INDEX projet_usager ON projet (usager_id, created_at DESC);

CREATE TABLE projet_etablissement (
    projet_id        uuid NOT NULL REFERENCES projet (id),
    etablissement_id uuid NOT NULL REFERENCES etablissement (id),
    PRIMARY KEY (projet_id, etablissement_id)
);
CREATE INDEX projet_etablissement_etab ON projet_etablissement (etablissement_id);

-- The template's free-text fields; each has its own version, so two writers
-- on different fields never collide and two on the same one get `Stale`.
CREATE TABLE projet_field (
    projet_id  uuid NOT NULL REFERENCES projet (id),
    key        text NOT NULL CHECK (key ~ '^[a-z0-9_]{1,60}$'),
    value      text NOT NULL CHECK (length(value) <= 20000),
    version    integer NOT NULL DEFAULT 1,
    updated_by uuid NOT NULL REFERENCES account (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projet_id, key)
);

-- Attentes, besoins, objectifs, actions and prestations. `content` is the
-- Rust `ElementContent` of the kind (validated there: SERAFIN-PH codes,
-- titles, dates, links); `id` is chosen by the client, so a retried creation
-- writes once.
CREATE TABLE projet_element (
    id          uuid PRIMARY KEY,
    projet_id   uuid NOT NULL REFERENCES projet (id),
    kind        text NOT NULL CHECK (kind IN ('attente', 'besoin', 'objectif', 'action', 'prestation')),
    content     jsonb NOT NULL CHECK (content ->> 'kind' = kind),
    status      text CHECK (status IN ('ENPREPARATION', 'ACTIF', 'TERMINE', 'ANNULE')),
    removed     boolean NOT NULL DEFAULT false,
    version     integer NOT NULL DEFAULT 1,
    created_by  uuid NOT NULL REFERENCES account (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid NOT NULL REFERENCES account (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind IN ('objectif', 'action', 'prestation')) = (status IS NOT NULL))
);
CREATE INDEX projet_element_projet ON projet_element (projet_id, created_at);

-- Every status change of a project or of one of its elements.
CREATE TABLE projet_status_change (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projet_id   uuid NOT NULL REFERENCES projet (id),
    element_id  uuid REFERENCES projet_element (id),
    from_status text,
    to_status   text NOT NULL,
    reason      text CHECK (length(reason) <= 1000),
    changed_by  uuid NOT NULL REFERENCES account (id),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projet_status_change_projet ON projet_status_change (projet_id, changed_at);

-- A frozen version: number 1 is the initial project, the next ones avenants.
-- `snapshot` is the Rust `Snapshot` (header, fields, elements) in JSON.
CREATE TABLE projet_version (
    projet_id    uuid NOT NULL REFERENCES projet (id),
    number       integer NOT NULL CHECK (number > 0),
    reason       text CHECK (length(reason) <= 1000),
    snapshot     jsonb NOT NULL,
    completeness integer NOT NULL CHECK (completeness BETWEEN 0 AND 100),
    validated_by uuid NOT NULL REFERENCES account (id),
    validated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projet_id, number)
);

CREATE TABLE projet_bilan (
    id             uuid PRIMARY KEY,
    projet_id      uuid NOT NULL REFERENCES projet (id),
    held_on        date NOT NULL,
    synthesis      text NOT NULL CHECK (length(synthesis) BETWEEN 1 AND 20000),
    invited        text NOT NULL DEFAULT '' CHECK (length(invited) <= 2000),
    -- The preparation synthesis, possibly written by the person or a relative.
    preparation    text NOT NULL DEFAULT '' CHECK (length(preparation) <= 20000),
    preparation_by text NOT NULL DEFAULT '' CHECK (length(preparation_by) <= 200),
    next_review    date NOT NULL CHECK (next_review > held_on),
    written_by     uuid NOT NULL REFERENCES account (id),
    written_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projet_bilan_projet ON projet_bilan (projet_id, held_on DESC);

CREATE TABLE projet_evaluation (
    bilan_id    uuid NOT NULL REFERENCES projet_bilan (id),
    objectif_id uuid NOT NULL REFERENCES projet_element (id),
    result      text NOT NULL CHECK (result IN ('atteint', 'partiellement', 'non_atteint', 'abandonne')),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
    PRIMARY KEY (bilan_id, objectif_id)
);

-- Agreement of the person (or legal representative) and of the structure
-- on a version; the signed paper can be attached as a document.
CREATE TABLE projet_accord (
    id          uuid PRIMARY KEY,
    projet_id   uuid NOT NULL,
    version     integer NOT NULL,
    party       text NOT NULL CHECK (party IN ('usager', 'representant', 'structure')),
    signatory   text NOT NULL CHECK (length(signatory) BETWEEN 1 AND 200),
    signed_on   date NOT NULL,
    valid_until date,
    document_id uuid REFERENCES document (id),
    recorded_by uuid NOT NULL REFERENCES account (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (projet_id, version) REFERENCES projet_version (projet_id, number),
    CHECK (valid_until IS NULL OR valid_until >= signed_on)
);

-- One editing session: from opening the editor to its last save. The time
-- spent on a project is the sum of (last_saved_at - opened_at).
CREATE TABLE projet_session (
    id            uuid PRIMARY KEY,
    projet_id     uuid NOT NULL REFERENCES projet (id),
    account_id    uuid NOT NULL REFERENCES account (id),
    opened_at     timestamptz NOT NULL DEFAULT now(),
    last_saved_at timestamptz
);
CREATE INDEX projet_session_projet ON projet_session (projet_id);

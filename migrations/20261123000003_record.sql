-- The shared usager record: identity (INS), contacts and protection,
-- référents, accompaniment modes, transmissions with their versions, agenda
-- and absences, documents (bytes kept in PostgreSQL, see docs/architecture.md),
-- work at the ESAT.

-- Identity: the five strict INS traits (stored normalised: upper case, no
-- accents, hyphens and apostrophes kept), the matricule and its OID, the RNIV
-- trust status and its flags. `version` guards concurrent edits.
ALTER TABLE usager
    ADD COLUMN birth_last_name    text,
    ADD COLUMN birth_first_names  text,
    ADD COLUMN sex                text NOT NULL DEFAULT 'I' CHECK (sex IN ('F', 'M', 'I')),
    ADD COLUMN birthplace_insee   text CHECK (birthplace_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
    ADD COLUMN ins_matricule      text CHECK (ins_matricule ~ '^[1-8][0-9]{4}([0-9]{2}|2[AB])[0-9]{8}$'),
    ADD COLUMN ins_oid            text CHECK (ins_oid IN ('1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9',
                                                          '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.11')),
    ADD COLUMN identity_status    text NOT NULL DEFAULT 'PROV'
                                  CHECK (identity_status IN ('PROV', 'RECUP', 'VALI', 'QUAL')),
    ADD COLUMN identity_doubtful  boolean NOT NULL DEFAULT false,
    ADD COLUMN identity_fictitious boolean NOT NULL DEFAULT false,
    ADD COLUMN address            text CHECK (length(address) <= 500),
    ADD COLUMN phone              text CHECK (length(phone) <= 40),
    ADD COLUMN version            integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_at         timestamptz NOT NULL DEFAULT now();

UPDATE usager SET birth_last_name = upper(used_last_name), birth_first_names = upper(used_first_name);
ALTER TABLE usager
    ALTER COLUMN birth_last_name SET NOT NULL,
    ALTER COLUMN birth_first_names SET NOT NULL,
    ADD CHECK (length(birth_last_name) BETWEEN 1 AND 100),
    ADD CHECK (length(birth_first_names) BETWEEN 1 AND 200),
    -- DOUT and FICT only with PROV.
    ADD CHECK (identity_status = 'PROV' OR NOT (identity_doubtful OR identity_fictitious)),
    -- QUAL needs the matricule, its OID and the birthplace.
    ADD CHECK (identity_status <> 'QUAL'
               OR (ins_matricule IS NOT NULL AND ins_oid IS NOT NULL AND birthplace_insee IS NOT NULL));

-- Each change of an identity's trust status, with who, when and why.
CREATE TABLE identity_change (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    account_id       uuid NOT NULL REFERENCES account(id),
    at               timestamptz NOT NULL DEFAULT now(),
    from_status      text NOT NULL,
    to_status        text NOT NULL,
    reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500)
);
CREATE INDEX identity_change_usager ON identity_change (usager_id, at DESC);

-- People around the usager: family, personne à prévenir, personne de
-- confiance (CASF L311-5-1), in the order they are called.
CREATE TABLE contact (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    role             text NOT NULL CHECK (role IN ('famille', 'personne_a_prevenir', 'personne_de_confiance')),
    last_name        text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    first_name       text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    relationship     text NOT NULL CHECK (length(relationship) BETWEEN 1 AND 100),
    phone            text CHECK (length(phone) <= 40),
    email            text CHECK (length(email) <= 200),
    call_order       integer NOT NULL CHECK (call_order BETWEEN 1 AND 99),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_usager ON contact (usager_id, call_order);

-- Legal protection measures and their mandataire.
CREATE TABLE protection_measure (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    kind             text NOT NULL CHECK (kind IN ('tutelle', 'curatelle', 'curatelle_renforcee',
                                                   'sauvegarde_justice', 'habilitation_familiale')),
    mandataire       text NOT NULL CHECK (length(mandataire) BETWEEN 1 AND 200),
    mandataire_phone text CHECK (length(mandataire_phone) <= 40),
    start_date       date NOT NULL,
    end_date         date,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX protection_measure_usager ON protection_measure (usager_id);

-- Médecin traitant and other professionals outside the organisation.
CREATE TABLE external_professional (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    role             text NOT NULL CHECK (length(role) BETWEEN 1 AND 100),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone            text CHECK (length(phone) <= 40),
    address          text CHECK (length(address) <= 500),
    medecin_traitant boolean NOT NULL DEFAULT false
);
CREATE INDEX external_professional_usager ON external_professional (usager_id);

-- The staff member coordinating the person's project, per établissement.
CREATE TABLE referent (
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    etablissement_id uuid NOT NULL REFERENCES etablissement(id),
    account_id       uuid NOT NULL REFERENCES account(id),
    since            date NOT NULL,
    PRIMARY KEY (usager_id, etablissement_id)
);

-- How an accompaniment began and ended.
ALTER TABLE accompagnement
    ADD COLUMN entry_mode text NOT NULL DEFAULT 'admission'
        CHECK (entry_mode IN ('admission', 'transfert', 'orientation_mdph', 'accueil_temporaire')),
    ADD COLUMN exit_mode text
        CHECK (exit_mode IN ('fin_de_prise_en_charge', 'transfert', 'reorientation', 'hospitalisation_longue',
                             'deces', 'demenagement', 'autre'));
UPDATE accompagnement SET exit_mode = 'fin_de_prise_en_charge' WHERE end_date IS NOT NULL;
ALTER TABLE accompagnement
    ADD CHECK ((end_date IS NULL) = (exit_mode IS NULL));

-- Daily notes. The id is generated by the client (idempotency: a retry or a
-- double tap finds the note already there). The row holds the current
-- version; every version, the first included, is in transmission_version.
CREATE TABLE transmission (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    author_id        uuid NOT NULL REFERENCES account(id),
    written_at       timestamptz NOT NULL DEFAULT now(),
    category         text NOT NULL CHECK (category IN ('educatif', 'vie_quotidienne', 'soin', 'travail',
                                                       'sante_psychique', 'incident', 'famille')),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    dar_donnees      text CHECK (length(dar_donnees) <= 4000),
    dar_actions      text CHECK (length(dar_actions) <= 4000),
    dar_resultats    text CHECK (length(dar_resultats) <= 4000),
    important        boolean NOT NULL DEFAULT false,
    shared_family    boolean NOT NULL DEFAULT false,
    version          integer NOT NULL DEFAULT 1,
    corrected_at     timestamptz
);
CREATE INDEX transmission_usager_time ON transmission (usager_id, written_at DESC);
CREATE INDEX transmission_organisation_time ON transmission (organisation_id, written_at DESC);

CREATE TABLE transmission_version (
    transmission_id  uuid NOT NULL REFERENCES transmission(id),
    version          integer NOT NULL,
    -- The client's key for this write: a retried correction is found, not repeated.
    request_key      uuid NOT NULL UNIQUE,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    author_id        uuid NOT NULL REFERENCES account(id),
    written_at       timestamptz NOT NULL DEFAULT now(),
    category         text NOT NULL,
    body             text NOT NULL,
    dar_donnees      text,
    dar_actions      text,
    dar_resultats    text,
    important        boolean NOT NULL,
    shared_family    boolean NOT NULL,
    correction_reason text CHECK (length(correction_reason) <= 500),
    PRIMARY KEY (transmission_id, version)
);

-- Agenda: an event for one usager or for a unit.
CREATE TABLE agenda_event (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid REFERENCES usager(id),
    etablissement_id uuid NOT NULL REFERENCES etablissement(id),
    unit_id          uuid,
    kind             text NOT NULL CHECK (kind IN ('rendez_vous_medical', 'activite', 'reunion_pluridisciplinaire',
                                                   'visite_famille', 'sortie', 'rendez_vous_exterieur', 'autre')),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    place            text CHECK (length(place) <= 200),
    staff_participants uuid[] NOT NULL DEFAULT '{}',
    external_participants text CHECK (length(external_participants) <= 500),
    serafin_code     text CHECK (serafin_code ~ '^[0-9](\.[0-9]+){1,3}$'),
    created_by       uuid NOT NULL REFERENCES account(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (etablissement_id, unit_id) REFERENCES unit(etablissement_id, id),
    CHECK (usager_id IS NOT NULL OR unit_id IS NOT NULL),
    CHECK (ends_at > starts_at)
);
CREATE INDEX agenda_event_usager_time ON agenda_event (usager_id, starts_at);
CREATE INDEX agenda_event_unit_time ON agenda_event (unit_id, starts_at);

-- Absences of the usager (presence is the absence of an absence).
CREATE TABLE absence (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    reason           text NOT NULL CHECK (reason IN ('hospitalisation', 'sejour_famille', 'vacances',
                                                     'convenance_personnelle', 'fugue', 'autre')),
    start_date       date NOT NULL,
    end_date         date,
    comment          text CHECK (length(comment) <= 500),
    created_by       uuid NOT NULL REFERENCES account(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX absence_usager ON absence (usager_id, start_date DESC);

-- Documents: metadata here, bytes in document_content (same database, same
-- transaction as the audit event; see docs/architecture.md).
CREATE TABLE document (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    kind             text NOT NULL CHECK (kind IN ('contrat_sejour', 'dipc', 'notification_mdph', 'jugement_protection',
                                                   'autorisation', 'compte_rendu', 'ordonnance', 'photo_identite',
                                                   'piece_identite', 'autre')),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    file_name        text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    media_type       text NOT NULL,
    size_bytes       integer NOT NULL CHECK (size_bytes > 0),
    sha256           text NOT NULL,
    valid_until      date,
    uploaded_by      uuid NOT NULL REFERENCES account(id),
    uploaded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_usager ON document (usager_id, uploaded_at DESC);
CREATE INDEX document_valid_until ON document (organisation_id, valid_until) WHERE valid_until IS NOT NULL;

CREATE TABLE document_content (
    document_id      uuid PRIMARY KEY REFERENCES document(id),
    bytes            bytea NOT NULL
);
-- Already compressed formats (PDF, JPEG, PNG): do not try again.
ALTER TABLE document_content ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- Work at the ESAT: one sheet per usager, and dated observations.
CREATE TABLE travail (
    usager_id        uuid PRIMARY KEY REFERENCES usager(id),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    atelier          text NOT NULL CHECK (length(atelier) <= 200),
    poste            text NOT NULL CHECK (length(poste) <= 200),
    schedule         text NOT NULL CHECK (length(schedule) <= 1000),
    skills           text NOT NULL CHECK (length(skills) <= 4000),
    training         text NOT NULL CHECK (length(training) <= 4000),
    version          integer NOT NULL DEFAULT 1,
    updated_by       uuid NOT NULL REFERENCES account(id),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE travail_observation (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    author_id        uuid NOT NULL REFERENCES account(id),
    written_at       timestamptz NOT NULL DEFAULT now(),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000)
);
CREATE INDEX travail_observation_usager ON travail_observation (usager_id, written_at DESC);

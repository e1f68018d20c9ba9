-- The person's own space ("Mon espace"): easy-to-read pages about
-- themselves, opened by staff with the person's agreement (or the legal
-- representative's), recorded as a consent of scope 'espace_personnel'.
-- The person signs in with a printed card (a QR code carrying a long
-- random token) and a short PIN, or through a "connexion accompagnée"
-- opened by a professional from the record.

-- The person is an account of kind 'usager': their reads and their words
-- are traced and authored like anyone's. Such an account never signs in
-- with a password (its hash is not a valid PHC string).
ALTER TABLE account DROP CONSTRAINT account_kind_check;
ALTER TABLE account ADD CONSTRAINT account_kind_check CHECK (kind IN ('staff', 'family', 'usager'));

ALTER TABLE consent_event DROP CONSTRAINT consent_event_scope_check;
ALTER TABLE consent_event ADD CONSTRAINT consent_event_scope_check
    CHECK (scope IN ('hors_equipe', 'famille', 'espace_personnel'));

CREATE TABLE espace (
    usager_id        uuid PRIMARY KEY REFERENCES usager(id),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    account_id       uuid NOT NULL UNIQUE REFERENCES account(id),
    -- The PIN the person chose (Argon2id), 4 to 6 digits.
    pin_hash         text NOT NULL,
    opened_at        timestamptz NOT NULL DEFAULT now(),
    opened_by        uuid NOT NULL REFERENCES account(id),
    -- The client's key of the opening: a retried opening is found.
    request_key      uuid NOT NULL UNIQUE,
    closed_at        timestamptz,
    closed_by        uuid REFERENCES account(id),
    close_reason     text CHECK (length(close_reason) BETWEEN 1 AND 500),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (close_reason IS NULL))
);

-- A printed card. Only the SHA-256 of its token is kept; printing a new
-- card revokes the previous ones.
CREATE TABLE espace_card (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES espace(usager_id),
    token_hash       bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    printed_at       timestamptz NOT NULL DEFAULT now(),
    printed_by       uuid NOT NULL REFERENCES account(id),
    revoked_at       timestamptz
);
CREATE UNIQUE INDEX espace_card_one_valid ON espace_card (usager_id) WHERE revoked_at IS NULL;

-- The person's words ("Je veux dire quelque chose") reach the référents as
-- a transmission marked as theirs.
ALTER TABLE transmission ADD COLUMN usager_words boolean NOT NULL DEFAULT false;

-- Spoken versions of the texts of the space, made by espeak-ng, cached by
-- the SHA-256 of the text and the voice: a text is spoken once, the first
-- time it is asked for after it changed, never at each request. The
-- audio is served only through the page that shows its text.
CREATE TABLE audio_clip (
    text_hash        bytea PRIMARY KEY CHECK (length(text_hash) = 32),
    wav              bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- "Relu par": an easy-to-read text checked by readers with an
-- intellectual disability. Keyed by the SHA-256 of the text: a changed
-- text loses its mark.
CREATE TABLE falc_review (
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    text_hash        bytea NOT NULL CHECK (length(text_hash) = 32),
    reading_group    text NOT NULL CHECK (length(reading_group) BETWEEN 1 AND 200),
    reviewed_on      date NOT NULL,
    recorded_by      uuid NOT NULL REFERENCES account(id),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, text_hash)
);

-- How the person's pages name a professional ("Camille est votre
-- éducatrice référente."): the grammatical gender of their job title.
-- Unknown (NULL): the pages name the team instead ("de l'équipe éducative").
ALTER TABLE account ADD COLUMN title_gender text CHECK (title_gender IN ('f', 'm'));

-- Whether the consent in force for the person's space is an agreement
-- (the latest decision of the scope; none recorded: no).
CREATE FUNCTION space_agreed(u uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT decision = 'consentement' FROM consent_event
                     WHERE usager_id = u AND scope = 'espace_personnel'
                     ORDER BY recorded_at DESC LIMIT 1), false)
$$;

-- The outcome of each dose of the medication round. A scheduled dose is
-- one line, one day, one slot or time: written once, whichever tablet
-- sends it first; a si-besoin dose has no slot and is checked against its
-- line's limits when written.

CREATE TABLE administration (
    id               uuid PRIMARY KEY,               -- the client's key
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    line_id          uuid NOT NULL REFERENCES prescription_line(id),
    day              date NOT NULL,
    -- 'matin', 'midi', 'soir', 'coucher' or a time 'HH:MM'; NULL: si besoin.
    slot             text,
    due_at           timestamptz,
    outcome          text NOT NULL CHECK (outcome IN ('donne', 'aide_prise', 'refuse', 'recrache', 'absent',
                                                      'non_disponible', 'reporte')),
    reason           text CHECK (length(reason) BETWEEN 1 AND 300),
    comment          text CHECK (length(comment) <= 1000),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    recorded_by      uuid NOT NULL REFERENCES account(id),
    CHECK (outcome IN ('donne', 'aide_prise') OR reason IS NOT NULL),
    CHECK ((slot IS NULL) = (due_at IS NULL))
);
CREATE UNIQUE INDEX administration_one_per_dose ON administration (line_id, day, slot) WHERE slot IS NOT NULL;
CREATE INDEX administration_usager_day ON administration (usager_id, day);
CREATE INDEX administration_as_needed ON administration (line_id, recorded_at) WHERE slot IS NULL;

-- A medication round closed: one unit, one day, one slot, once; refused by
-- the server while a dose of the round has no outcome.

CREATE TABLE dose_round_closure (
    unit_id          uuid NOT NULL REFERENCES unit(id),
    day              date NOT NULL,
    slot             text NOT NULL CHECK (slot IN ('matin', 'midi', 'soir', 'coucher')),
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    doses            integer NOT NULL CHECK (doses >= 0),
    closed_at        timestamptz NOT NULL DEFAULT now(),
    closed_by        uuid NOT NULL REFERENCES account(id),
    PRIMARY KEY (unit_id, day, slot)
);

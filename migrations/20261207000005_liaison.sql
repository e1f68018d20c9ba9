-- What a hospital needs to know to care for the person, beyond the
-- medical facts: how the person communicates, how autonomous they are,
-- what reassures them. Read on the document de liaison d'urgence (DLU).
-- A statement is never overwritten: each writing is a new row, the
-- newest one is in force.
CREATE TABLE liaison_info (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisation(id),
    usager_id        uuid NOT NULL REFERENCES usager(id),
    communication    text NOT NULL CHECK (length(communication) <= 2000),
    autonomy         text NOT NULL CHECK (length(autonomy) <= 2000),
    comfort          text NOT NULL CHECK (length(comfort) <= 2000),
    written_at       timestamptz NOT NULL DEFAULT now(),
    written_by       uuid NOT NULL REFERENCES account(id)
);
CREATE INDEX liaison_info_usager ON liaison_info (usager_id, written_at DESC);

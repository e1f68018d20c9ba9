-- The drug reference: the BDPM files (ANSM, Licence Ouverte Etalab 2.0)
-- as an administrator imports them. Public reference data, shared by every
-- organisation of the server: no organisation key, no personal data.

-- A spécialité (CIS_bdpm.txt); updated in place by a later import.
CREATE TABLE bdpm_specialite (
    cis                   text PRIMARY KEY CHECK (cis ~ '^[0-9]{8}$'),
    name                  text NOT NULL CHECK (name <> ''),
    form                  text NOT NULL,
    routes                text[] NOT NULL,
    amm_status            text NOT NULL,
    amm_procedure         text NOT NULL,
    marketing_state       text NOT NULL,
    amm_date              date,
    bdm_status            text NOT NULL,
    eu_number             text NOT NULL,
    holders               text[] NOT NULL,
    reinforced_monitoring boolean NOT NULL,
    -- The name folded, each word after a space (as usager.name_search).
    name_search           text NOT NULL
        GENERATED ALWAYS AS (' ' || translate(name_fold(name), '''-,()/', '      ')) STORED,
    imported_at           timestamptz NOT NULL
);

-- A presentation (a box, CIS_CIP_bdpm.txt), found by its CIP13 or CIP7.
CREATE TABLE bdpm_presentation (
    cip13           text PRIMARY KEY CHECK (cip13 ~ '^[0-9]{13}$'),
    cip7            text NOT NULL CHECK (cip7 ~ '^[0-9]{7}$'),
    cis             text NOT NULL,
    label           text NOT NULL,
    admin_status    text NOT NULL,
    marketing_state text NOT NULL,
    marketing_date  date,
    collectivites   boolean,
    reimbursement   text[] NOT NULL,
    price           text,
    imported_at     timestamptz NOT NULL
);
CREATE INDEX bdpm_presentation_cis ON bdpm_presentation (cis);
CREATE INDEX bdpm_presentation_cip7 ON bdpm_presentation (cip7);

-- The substances of a spécialité (CIS_COMPO_bdpm.txt): the file has no key
-- of its own, so an import replaces them all.
CREATE TABLE bdpm_composition (
    cis              text NOT NULL,
    position         integer NOT NULL,
    element          text NOT NULL,
    substance_code   text NOT NULL,
    substance        text NOT NULL CHECK (substance <> ''),
    dosage           text NOT NULL,
    reference        text NOT NULL,
    nature           text NOT NULL CHECK (nature IN ('SA', 'FT')),
    link             integer,
    substance_search text NOT NULL
        GENERATED ALWAYS AS (' ' || translate(name_fold(substance), '''-,()/', '      ')) STORED,
    PRIMARY KEY (cis, position)
);

-- Search as one types: a word start anywhere in a name or a substance.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX bdpm_specialite_search ON bdpm_specialite USING gin (name_search public.gin_trgm_ops);
CREATE INDEX bdpm_composition_search ON bdpm_composition USING gin (substance_search public.gin_trgm_ops);

-- Each import of a file: when, how many lines, by whom (none: the command
-- line). The latest gives "Source : BDPM, mise à jour du …".
CREATE TABLE bdpm_import (
    id          uuid PRIMARY KEY,
    file        text NOT NULL CHECK (file IN ('CIS_bdpm.txt', 'CIS_CIP_bdpm.txt', 'CIS_COMPO_bdpm.txt')),
    rows        integer NOT NULL CHECK (rows >= 0),
    imported_at timestamptz NOT NULL DEFAULT now(),
    account_id  uuid REFERENCES account(id)
);

-- "Mes usagers" of a large perimeter (a chef de service over several
-- establishments: thousands of people) is searched on the server: names
-- are compared without case or accents, by the start of each word.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;

-- unaccent is STABLE (its dictionary could change); with the dictionary
-- named, the fold is a pure function of its text.
CREATE FUNCTION name_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$;

-- The name folded, its words (split at spaces, hyphens and apostrophes)
-- each preceded by a space: a word starts with `x` when this is LIKE
-- '% x%', as the page's own filter decides.
ALTER TABLE usager ADD COLUMN name_search text NOT NULL
    GENERATED ALWAYS AS (' ' || translate(name_fold(used_first_name || ' ' || used_last_name), '''-', '  ')) STORED;

-- The LIKE patterns of a search: each word folded, LIKE's own characters
-- taken literally, to be found at the start of a word of `name_search`.
CREATE FUNCTION name_patterns(words text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg('% ' || replace(replace(replace(name_fold(w), '\', '\\'), '%', '\%'), '_', '\_') || '%'),
                    '{}')
    FROM unnest(words) w
$$;

-- The list in name order stops at one answer without sorting the perimeter.
CREATE INDEX usager_by_name ON usager (organisation_id, used_last_name, used_first_name, id);

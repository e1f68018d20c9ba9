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

-- Whether every word of a search starts a word of the name (words split at
-- spaces, hyphens and apostrophes), as the page's own filter decides.
CREATE FUNCTION name_matches(name text, needles text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM unnest(needles) n
        WHERE NOT EXISTS (
            SELECT 1 FROM unnest(regexp_split_to_array(name_fold(name), '[ ''-]')) w
            WHERE starts_with(w, name_fold(n))))
$$;

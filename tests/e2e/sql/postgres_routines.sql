-- Routines of every shape mcpgen serves as call_R tools, and some it must skip. The end-to-end
-- tests call each and compare with the same call run in the database itself.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a integer, b text);

CREATE TABLE notes (
    id serial PRIMARY KEY,
    body text NOT NULL,
    mood mood,
    created date NOT NULL DEFAULT DATE '2024-01-01'
);
INSERT INTO notes (body, mood, created) VALUES
    ('first', 'ok', '2024-01-01'), ('second note', 'happy', '2024-02-29'), ('third', 'sad', '2024-03-01'),
    ('fourth', NULL, '2024-03-02');

-- One value; a parameter with a default.
CREATE FUNCTION price_with_tax(p_price numeric, p_rate numeric DEFAULT 0.2) RETURNS numeric
    IMMUTABLE LANGUAGE sql AS $$ SELECT round(p_price * (1 + p_rate), 2) $$;
COMMENT ON FUNCTION price_with_tax(numeric, numeric) IS 'A price with its tax, rounded to cents.';
-- An enum argument; the rows of a table.
CREATE FUNCTION notes_in_mood(p_mood mood) RETURNS SETOF notes
    STABLE LANGUAGE sql AS $$ SELECT * FROM notes WHERE mood = p_mood ORDER BY id $$;
-- An enum value.
CREATE FUNCTION happiest() RETURNS mood STABLE LANGUAGE sql AS $$ SELECT max(mood) FROM notes $$;
-- RETURNS TABLE, quoted names, a default.
CREATE FUNCTION "Note Lengths"(min_length integer DEFAULT 0) RETURNS TABLE ("Note Id" integer, length integer)
    STABLE LANGUAGE sql AS $$ SELECT id, length(body) FROM notes WHERE length(body) >= min_length ORDER BY id $$;
-- OUT parameters of a function that is not a set: one row of them.
CREATE FUNCTION note_stats(OUT total bigint, OUT longest integer)
    STABLE LANGUAGE sql AS $$ SELECT count(*), max(length(body)) FROM notes $$;
-- Overloads.
CREATE FUNCTION describe(v integer) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT 'integer ' || v $$;
CREATE FUNCTION describe(v text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT 'text ' || v $$;
-- Unnamed parameters, the last with a default.
CREATE FUNCTION add_up(integer, integer DEFAULT 10) RETURNS integer IMMUTABLE LANGUAGE sql AS $$ SELECT $1 + $2 $$;
-- Any number of values.
CREATE FUNCTION total_of(VARIADIC vals bigint[]) RETURNS bigint
    IMMUTABLE LANGUAGE sql AS $$ SELECT sum(v)::bigint FROM unnest(vals) v $$;
-- An array in, an array out.
CREATE FUNCTION sorted_words(words text[]) RETURNS text[]
    IMMUTABLE LANGUAGE sql AS $$ SELECT array_agg(w ORDER BY w) FROM unnest(words) w $$;
-- Dates.
CREATE FUNCTION day_after(d date) RETURNS date IMMUTABLE LANGUAGE sql AS $$ SELECT d + 1 $$;
-- A row type returned once: served as its text.
CREATE FUNCTION first_pair() RETURNS pair IMMUTABLE LANGUAGE sql AS $$ SELECT 1, 'one'::text $$;
-- Many rows: more than one result holds.
CREATE FUNCTION numbers(n integer) RETURNS SETOF integer IMMUTABLE LANGUAGE sql AS $$ SELECT generate_series(1, n) $$;
-- As slow as asked: past the statement time limit.
CREATE FUNCTION sleepy(seconds double precision) RETURNS integer
    STABLE LANGUAGE sql AS $$ SELECT 1 FROM pg_sleep(seconds) $$;
-- In another schema.
CREATE SCHEMA billing;
CREATE FUNCTION billing.double_it(x integer) RETURNS integer IMMUTABLE LANGUAGE sql AS $$ SELECT x * 2 $$;

-- Routines that write.
CREATE PROCEDURE add_note(p_body text, INOUT p_id integer, OUT p_count bigint) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notes (body) VALUES (p_body) RETURNING id INTO p_id;
    SELECT count(*) INTO p_count FROM notes;
END $$;
CREATE FUNCTION add_note_then_fail(p_body text) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notes (body) VALUES (p_body);
    RAISE EXCEPTION 'refusing the note %', p_body USING HINT = 'call it with another body';
END $$;
CREATE PROCEDURE forget_note(p_id integer) LANGUAGE sql AS $$ DELETE FROM notes WHERE id = p_id $$;
CREATE FUNCTION insert_note(p_body text) RETURNS integer LANGUAGE sql AS $$
    INSERT INTO notes (body) VALUES (p_body) RETURNING id $$;
-- Declared STABLE, but it writes through a function that does not say so.
CREATE FUNCTION sneaky_note(p_body text) RETURNS integer STABLE LANGUAGE plpgsql AS $$
BEGIN
    RETURN insert_note(p_body);
END $$;

-- Skipped, each with a warning.
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION any_rows() RETURNS SETOF record LANGUAGE sql AS $$ SELECT 1, 'x'::text $$;
CREATE FUNCTION first_of(anyarray) RETURNS anyelement IMMUTABLE LANGUAGE sql AS $$ SELECT $1[1] $$;
CREATE AGGREGATE longest(text) (SFUNC = textcat, STYPE = text);

-- One column of every PostgreSQL type mcpgen maps (and a few it serves as text), with rows at
-- the edges of each type. The end-to-end tests read every value back and filter on it.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);

CREATE TABLE all_types (
    id integer PRIMARY KEY,
    small smallint,
    regular integer,
    big bigint,
    exact numeric(30, 10),
    free_numeric numeric,
    single real,
    double double precision,
    flag boolean,
    label text,
    code varchar(20),
    fixed char(5),
    data bytea,
    day date,
    clock time,
    moment timestamp,
    instant timestamptz,
    span interval,
    token uuid,
    doc json,
    docb jsonb,
    numbers integer[],
    words text[],
    prices numeric[],
    feeling mood,
    feelings mood[],
    address inet,
    network cidr,
    counted positive_int,
    counts positive_int[],
    addresses inet[],
    search tsvector
);

INSERT INTO all_types VALUES
(1, -32768, -2147483648, -9223372036854775808, -12345678901234567890.0123456789, 0.000000000000000000001,
 -3.4e38, -1.7976931348623157e308, false, '', 'a', 'ab', '\x00', '0001-01-01', '00:00:00', '1970-01-01 00:00:00',
 '1970-01-01 00:00:00+00', '-1 year -2 months', '00000000-0000-0000-0000-000000000000', '{}', '[]',
 '{}', '{}', '{}', 'sad', '{}', '0.0.0.0', '10.0.0.0/8', 1, '{}', '{}', ''),
(2, 32767, 2147483647, 9223372036854775807, 12345678901234567890.0123456789, 123456789012345678901234567890.5,
 3.4e38, 1.7976931348623157e308, true, 'Ünïcødé 🎉 "quotes" \ back', 'zzzzzzzzzzzzzzzzzzzz', 'abcde',
 '\x00ff10', '9999-12-31', '23:59:59.999999', '2024-02-29 12:34:56.789012', '2024-02-29 23:59:59.5+05:30',
 '3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2.5, null, "x"], "b": {"c": true}}',
 '{"nested": {"list": [1, 2, 3]}}', '{1, NULL, 3}', '{"a b", "c,d", NULL}', '{1.50, NULL, -0.001}', 'happy',
 '{ok,NULL,happy}', '2001:db8::1', '192.168.0.0/16', 2147483647, '{1, NULL, 2147483647}',
 '{10.0.0.1, NULL, 192.168.0.0/24}', 'fat cat'),
(3, 0, 0, 0, 0, 0, 0, 0, true, 'plain', 'x', 'x', '', '2000-01-01', '12:00:00', '2000-01-01 00:00:00',
 '2000-01-01 00:00:00-08', 'PT0S', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '"just a string"', '42',
 '{0}', '{""}', '{0.00}', 'ok', '{sad}', '192.168.1.5', '192.168.1.0/24', 7, '{7}', '{::1}', 'a:1 b:2'),
(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- An enum column that a CHECK limits to some of its type's values, listed out of the type's
-- order: it sorts and compares in the type's order all the same.
CREATE TABLE moods (
    id integer PRIMARY KEY,
    feeling mood CHECK (feeling IN ('happy', 'sad'))
);
INSERT INTO moods VALUES (1, 'happy'), (2, 'sad'), (3, NULL), (4, 'sad');

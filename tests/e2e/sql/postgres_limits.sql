-- The statement time limit (limits.statement_timeout_ms): the one row of `delay` sets how long
-- reading the view `slow` takes. The tests keep it at 0, except while they check that the
-- database stops a statement at the limit.
CREATE TABLE delay (
    id integer PRIMARY KEY,
    seconds double precision NOT NULL
);
INSERT INTO delay VALUES (1, 0);

CREATE VIEW slow AS
SELECT d.id, d.seconds FROM delay d CROSS JOIN LATERAL pg_sleep(d.seconds) AS s;

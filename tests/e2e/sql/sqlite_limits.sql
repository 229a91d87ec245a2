-- The statement time limit (limits.statement_timeout_ms): the one row of `delay` sets how many
-- steps reading the view `slow` counts through (about two million a second). The tests keep
-- it at 0, except while they check that the server stops a statement at the limit.
CREATE TABLE delay (
    id INTEGER PRIMARY KEY,
    steps INTEGER NOT NULL
);
INSERT INTO delay VALUES (1, 0);

CREATE VIEW slow AS
SELECT id, steps FROM delay
WHERE steps = (
    WITH RECURSIVE counter(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM counter WHERE x < delay.steps)
    SELECT max(x) FROM counter
);

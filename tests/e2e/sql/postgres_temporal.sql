-- Dates and times of every PostgreSQL kind, for comparisons that must agree with the
-- database's own (tests/e2e/test_server_databases.py).
CREATE TABLE moments (
    id integer PRIMARY KEY,
    day date,
    time_of_day time,
    local_time timestamp,
    instant timestamptz
);
INSERT INTO moments VALUES
    (1, '2016-07-04', '00:00', '2016-07-04 00:00', '2016-07-04 00:00+00'),
    (2, '2016-07-04', '10:11:12.5', '2016-07-04 10:11:12.5', '2016-07-04 12:11:12.5+02'),
    (3, '2016-07-05', '23:59:59.999', '2016-07-05 00:00:00.001', '2016-07-04 23:00-05'),
    (4, NULL, NULL, NULL, NULL),
    (5, '1999-12-31', '12:00', '1999-12-31 23:59:59', '2000-01-01 00:00:00+14'),
    (6, '2016-07-03', '10:11', '2016-07-03 23:59:59.999999', '2016-07-03 22:00:00+00');

-- Dates and times in every spelling SQLite's date and time functions read: a date alone, `T`
-- or a space, fractions, `Z` and offsets, julian day numbers, unix times as integers. The
-- server must read, compare and sort each as the instant it stands for, as SQLite's own
-- functions do (tests/e2e/test_server_databases.py).
CREATE TABLE moments (
    id INTEGER PRIMARY KEY,
    day DATE,
    time_of_day TIME,
    local_time DATETIME,
    instant TIMESTAMPTZ
);
INSERT INTO moments VALUES
    (1, '2016-07-04', '00:00', '2016-07-04', '2016-07-04T00:00:00Z'),
    (2, '2016-07-04 10:11:12', '10:11:12.5', '2016-07-04T10:11:12.5', '2016-07-04 12:11:12.5+02:00'),
    (3, 2457574.5, '23:59:59.999', '2016-07-05 00:00:00.001', '2016-07-04T23:00-05:00'),
    (4, NULL, NULL, NULL, NULL),
    (5, '1999-12-31', '12:00:00', 946684799, '2000-01-01 00:00:00+14:00'),
    (6, '2016-07-03T00:00:00Z', '10:11', '2016-07-03 23:59:59.999', 1467583200);

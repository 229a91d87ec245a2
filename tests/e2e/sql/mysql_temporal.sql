-- Dates and times of every MySQL kind that is a point in time (TIME is a span, served as its
-- text), for comparisons that must agree with the database's own
-- (tests/e2e/test_server_databases.py). The session runs in UTC.
SET time_zone = '+00:00';
CREATE TABLE moments (
    id INT PRIMARY KEY,
    day DATE,
    local_time DATETIME(3),
    instant TIMESTAMP(3) NULL
);
INSERT INTO moments VALUES
    (1, '2016-07-04', '2016-07-04 00:00', '2016-07-04 00:00:00'),
    (2, '2016-07-04', '2016-07-04 10:11:12.5', '2016-07-04 10:11:12.5'),
    (3, '2016-07-05', '2016-07-05 00:00:00.001', '2016-07-05 04:00:00'),
    (4, NULL, NULL, NULL),
    (5, '1999-12-31', '1999-12-31 23:59:59', '1999-12-31 10:00:00'),
    (6, '2016-07-03', '2016-07-03 23:59:59.999', '2016-07-03 22:00:00');

-- Routines of every shape mcpgen serves as call_R tools. The end-to-end tests call each and
-- compare with the same call run in the database itself.
CREATE TABLE notes (
    id INT AUTO_INCREMENT PRIMARY KEY,
    body VARCHAR(100) NOT NULL,
    size ENUM('S', 'M', 'L'),
    created DATE NOT NULL DEFAULT '2024-01-01'
);
INSERT INTO notes (body, size, created) VALUES
    ('first', 'S', '2024-01-01'), ('second note', 'M', '2024-02-29'), ('third', 'S', '2024-03-01'),
    ('fourth', NULL, '2024-03-02');

DELIMITER //
-- One value.
CREATE FUNCTION price_with_tax(p_price DECIMAL(10,2), p_rate DECIMAL(4,2)) RETURNS DECIMAL(12,2)
    DETERMINISTIC NO SQL
    COMMENT 'A price with its tax, rounded to cents.'
    RETURN ROUND(p_price * (1 + p_rate), 2)//
-- An enum value.
CREATE FUNCTION biggest_size() RETURNS ENUM('S', 'M', 'L') READS SQL DATA
    RETURN (SELECT MAX(size) FROM notes)//
-- As slow as asked: past the statement time limit.
CREATE FUNCTION sleepy(seconds DOUBLE) RETURNS INT NO SQL RETURN SLEEP(seconds)//
-- Dates.
CREATE FUNCTION day_after(d DATE) RETURNS DATE DETERMINISTIC NO SQL RETURN d + INTERVAL 1 DAY//
-- A result set and an OUT parameter; an enum argument.
CREATE PROCEDURE notes_of_size(IN p_size ENUM('S', 'M', 'L'), OUT p_count INT) READS SQL DATA
BEGIN
    SELECT id, body, created FROM notes WHERE size = p_size ORDER BY id;
    SELECT COUNT(*) INTO p_count FROM notes WHERE size = p_size;
END//
-- Two result sets.
CREATE PROCEDURE two_result_sets() READS SQL DATA
BEGIN
    SELECT 1 AS one;
    SELECT 'two' AS two, 2.5 AS half;
END//
-- Many rows: more than one result holds.
CREATE PROCEDURE numbers(IN n INT) READS SQL DATA
BEGIN
    WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < n) SELECT i FROM s;
END//
-- OUT and INOUT parameters, no rows.
CREATE PROCEDURE note_stats(INOUT p_scale INT, OUT p_total INT) READS SQL DATA
BEGIN
    SELECT COUNT(*) * p_scale INTO p_total FROM notes;
    SET p_scale = p_scale + 1;
END//

-- Routines that write.
CREATE PROCEDURE add_note(IN p_body VARCHAR(100), OUT p_id INT) MODIFIES SQL DATA
BEGIN
    INSERT INTO notes (body) VALUES (p_body);
    SET p_id = LAST_INSERT_ID();
END//
CREATE PROCEDURE add_note_then_fail(IN p_body VARCHAR(100)) MODIFIES SQL DATA
BEGIN
    INSERT INTO notes (body) VALUES (p_body);
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refusing the note';
END//
CREATE PROCEDURE forget_note(IN p_id INT) MODIFIES SQL DATA
    DELETE FROM notes WHERE id = p_id//
-- Declared READS SQL DATA, but it writes.
CREATE PROCEDURE sneaky_note(IN p_body VARCHAR(100)) READS SQL DATA
    INSERT INTO notes (body) VALUES (p_body)//
DELIMITER ;

-- The mcpgen sample database: a small bookshop.
-- Schema and seed data for SQLite; the README's quick start builds a database from it.
-- It has related tables, a composite primary key, a view, NULLs, CHECK-constrained
-- values, a BLOB, a JSON column and a table without a primary key.

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    born DATE,
    country TEXT
);
CREATE TABLE books (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    isbn TEXT UNIQUE,
    published DATE,
    price NUMERIC(8, 2) NOT NULL,
    pages INTEGER,
    in_stock BOOLEAN NOT NULL DEFAULT 1,
    genre TEXT CHECK (genre IN ('fiction', 'poetry', 'history', 'science', 'children')),
    cover BLOB,
    details JSON
);
CREATE TABLE book_authors (
    book_id INTEGER NOT NULL REFERENCES books (id),
    author_id INTEGER NOT NULL REFERENCES authors (id),
    role TEXT NOT NULL DEFAULT 'author',
    PRIMARY KEY (book_id, author_id)
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    joined_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    rating REAL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    ordered_at DATETIME NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled')),
    note TEXT
);
CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    line INTEGER NOT NULL,
    book_id INTEGER NOT NULL REFERENCES books (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price NUMERIC(8, 2) NOT NULL,
    PRIMARY KEY (order_id, line)
);
CREATE TABLE stock_events (
    happened_at DATETIME NOT NULL,
    book_id INTEGER REFERENCES books (id),
    change INTEGER NOT NULL,
    reason TEXT
);
CREATE VIEW book_sales AS
SELECT b.id AS book_id, b.title, SUM(i.quantity) AS copies, SUM(i.quantity * i.unit_price) AS revenue
FROM books b JOIN order_items i ON i.book_id = b.id
GROUP BY b.id, b.title;

INSERT INTO authors (id, name, born, country) VALUES (1, 'Jane Austen', '1775-12-16', 'United Kingdom');
INSERT INTO authors (id, name, born, country) VALUES (2, 'Charles Dickens', '1812-02-07', 'United Kingdom');
INSERT INTO authors (id, name, born, country) VALUES (3, 'Mark Twain', '1835-11-30', 'United States');
INSERT INTO authors (id, name, born, country) VALUES (4, 'Leo Tolstoy', '1828-09-09', 'Russia');
INSERT INTO authors (id, name, born, country) VALUES (5, 'Emily Dickinson', '1830-12-10', 'United States');
INSERT INTO authors (id, name, born, country) VALUES (6, 'Walt Whitman', '1819-05-31', 'United States');
INSERT INTO authors (id, name, born, country) VALUES (7, 'Herodotus', NULL, 'Greece');
INSERT INTO authors (id, name, born, country) VALUES (8, 'Charles Darwin', '1809-02-12', 'United Kingdom');
INSERT INTO authors (id, name, born, country) VALUES (9, 'Lewis Carroll', '1832-01-27', 'United Kingdom');
INSERT INTO authors (id, name, born, country) VALUES (10, 'Mary Shelley', '1797-08-30', 'United Kingdom');
INSERT INTO authors (id, name, born, country) VALUES (11, 'Anonymous', NULL, NULL);
INSERT INTO authors (id, name, born, country) VALUES (12, 'Marie Curie', '1867-11-07', 'Poland');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (1, 'Pride and Prejudice', '9780141439518', '1813-01-28', 9.99, 432, 1, 'fiction', X'89504E470D0A1A0A', '{"language": "en", "tags": ["fiction"], "edition": 2}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (2, 'Emma', '9780141439587', '1815-12-23', 8.50, 474, 1, 'fiction', NULL, '{"language": "en", "tags": ["fiction"], "edition": 3}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (3, 'Persuasion', '9780141439686', '1817-12-20', 7.99, 249, 0, 'fiction', NULL, '{"language": "en", "tags": ["fiction"], "edition": 1}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (4, 'Great Expectations', '9780141439563', '1861-08-01', 10.50, 544, 1, 'fiction', NULL, NULL);
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (5, 'A Tale of Two Cities', '9780141439600', '1859-11-26', 9.25, 489, 1, 'history', NULL, '{"language": "en", "tags": ["history"], "edition": 3}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (6, 'Oliver Twist', '9780141439747', '1838-11-09', 8.75, 608, 1, 'fiction', NULL, '{"language": "en", "tags": ["fiction"], "edition": 1}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (7, 'Adventures of Huckleberry Finn', '9780142437179', '1884-12-10', 11.00, 327, 1, 'fiction', NULL, '{"language": "en", "tags": ["fiction"], "edition": 2}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (8, 'The Adventures of Tom Sawyer', '9780143039563', '1876-06-01', 9.00, 244, 0, 'children', NULL, NULL);
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (9, 'War and Peace', '9781400079988', '1869-01-01', 18.95, 1296, 1, 'history', NULL, '{"language": "en", "tags": ["history"], "edition": 1}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (10, 'Anna Karenina', '9780143035008', '1878-01-01', 16.00, 864, 1, 'fiction', NULL, '{"language": "en", "tags": ["fiction"], "edition": 2}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (11, 'Poems', '9780674676244', '1890-11-12', 12.00, NULL, 1, 'poetry', NULL, '{"language": "en", "tags": ["poetry"], "edition": 3}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (12, 'Leaves of Grass', '9780140421996', '1855-07-04', 13.50, 624, 1, 'poetry', NULL, NULL);
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (13, 'The Histories', '9780140449082', NULL, 15.00, 716, 1, 'history', NULL, '{"language": "en", "tags": ["history"], "edition": 2}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (14, 'On the Origin of Species', '9780451529060', '1859-11-24', 6.99, 502, 1, 'science', NULL, '{"language": "en", "tags": ["science"], "edition": 3}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (15, 'The Descent of Man', '9780140436310', '1871-02-24', 14.25, 791, 0, 'science', NULL, '{"language": "en", "tags": ["science"], "edition": 1}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (16, 'Alice''s Adventures in Wonderland', '9780141439761', '1865-11-26', 5.99, 201, 1, 'children', X'89504E470D0A1A0A', NULL);
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (17, 'Through the Looking-Glass', '9780141439778', '1871-12-27', 5.99, 224, 1, 'children', NULL, '{"language": "en", "tags": ["children"], "edition": 3}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (18, 'Frankenstein', '9780141439471', '1818-01-01', 7.50, 280, 1, 'fiction', X'89504E470D0A1A0A', '{"language": "en", "tags": ["fiction"], "edition": 1}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (19, 'Beowulf', NULL, NULL, 4.99, 112, 1, 'poetry', NULL, '{"language": "en", "tags": ["poetry"], "edition": 2}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (20, 'Radioactive Substances', '9780486425504', '1904-01-01', 12.95, 94, 1, 'science', NULL, NULL);
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (21, 'The Annotated Alice', '9780393048476', '1960-01-01', 29.95, 312, 1, NULL, NULL, '{"language": "en", "tags": ["misc"], "edition": 1}');
INSERT INTO books (id, title, isbn, published, price, pages, in_stock, genre, cover, details) VALUES (22, 'Letters and Journals', NULL, '1900-01-01', 0.00, NULL, 0, NULL, NULL, '{"language": "en", "tags": ["misc"], "edition": 2}');
INSERT INTO book_authors (book_id, author_id, role) VALUES (1, 1, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (2, 1, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (3, 1, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (4, 2, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (5, 2, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (6, 2, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (7, 3, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (8, 3, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (9, 4, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (10, 4, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (11, 5, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (12, 6, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (13, 7, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (14, 8, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (15, 8, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (16, 9, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (17, 9, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (18, 10, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (19, 11, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (20, 12, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (21, 9, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (21, 11, 'editor');
INSERT INTO book_authors (book_id, author_id, role) VALUES (22, 5, 'author');
INSERT INTO book_authors (book_id, author_id, role) VALUES (22, 6, 'editor');
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (1, 'ada@example.com', 'Ada Lovelace', '2021-03-04 10:15:00', 4.8);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (2, 'alan@example.com', 'Alan Turing', '2021-05-19 08:02:11', 4.5);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (3, 'grace@example.com', 'Grace Hopper', '2022-01-07 17:45:30', NULL);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (4, 'edsger@example.com', 'Edsger Dijkstra', '2022-02-28 09:00:00', 3.9);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (5, 'barbara@example.com', 'Barbara Liskov', '2022-07-14 13:20:05', 5.0);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (6, 'donald@example.com', 'Donald Knuth', '2023-01-01 00:00:00', 4.2);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (7, 'frances@example.com', 'Frances Allen', '2023-04-22 16:30:45', NULL);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (8, 'ken@example.com', 'Ken Thompson', '2023-09-09 09:09:09', 4.0);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (9, 'margaret@example.com', 'Margaret Hamilton', '2024-02-29 12:00:00', 4.9);
INSERT INTO customers (id, email, name, joined_at, rating) VALUES (10, 'tim@example.com', 'Tim Berners-Lee', '2024-06-30 23:59:59', 3.5);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (1, 6, '2024-01-08 15:44:00', 'cancelled', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (2, 6, '2024-01-11 17:39:00', 'shipped', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (3, 2, '2024-01-16 10:32:00', 'delivered', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (4, 4, '2024-01-19 18:50:00', 'delivered', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (5, 9, '2024-01-24 13:56:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (6, 9, '2024-01-28 10:45:00', 'delivered', 'leave at the door');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (7, 10, '2024-01-31 12:30:00', 'delivered', 'Please ship quickly! 📦');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (8, 4, '2024-02-04 18:48:00', 'delivered', 'leave at the door');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (9, 3, '2024-02-10 11:35:00', 'delivered', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (10, 9, '2024-02-14 14:48:00', 'cancelled', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (11, 1, '2024-02-18 18:51:00', 'cancelled', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (12, 10, '2024-02-20 17:25:00', 'pending', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (13, 3, '2024-02-27 15:51:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (14, 6, '2024-03-02 12:56:00', 'shipped', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (15, 1, '2024-03-06 12:06:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (16, 9, '2024-03-09 18:39:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (17, 7, '2024-03-14 15:48:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (18, 2, '2024-03-17 09:53:00', 'pending', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (19, 1, '2024-03-19 12:32:00', 'delivered', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (20, 6, '2024-03-26 11:05:00', 'pending', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (21, 8, '2024-03-28 17:48:00', 'pending', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (22, 5, '2024-04-02 11:51:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (23, 4, '2024-04-05 17:50:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (24, 8, '2024-04-10 12:18:00', 'cancelled', 'leave at the door');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (25, 4, '2024-04-15 12:21:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (26, 2, '2024-04-19 12:24:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (27, 3, '2024-04-21 09:28:00', 'shipped', 'leave at the door');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (28, 9, '2024-04-25 09:21:00', 'pending', 'Please ship quickly! 📦');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (29, 7, '2024-04-29 12:36:00', 'pending', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (30, 6, '2024-05-04 18:17:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (31, 10, '2024-05-09 17:33:00', 'shipped', 'leave at the door');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (32, 3, '2024-05-10 11:33:00', 'shipped', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (33, 8, '2024-05-14 18:33:00', 'pending', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (34, 8, '2024-05-18 10:04:00', 'delivered', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (35, 8, '2024-05-23 17:55:00', 'delivered', 'leave at the door');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (36, 7, '2024-05-29 14:23:00', 'pending', 'Please ship quickly! 📦');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (37, 2, '2024-05-31 15:14:00', 'shipped', NULL);
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (38, 8, '2024-06-04 12:49:00', 'shipped', 'Please ship quickly! 📦');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (39, 6, '2024-06-07 14:46:00', 'delivered', 'gift wrap');
INSERT INTO orders (id, customer_id, ordered_at, status, note) VALUES (40, 2, '2024-06-12 10:47:00', 'pending', NULL);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (1, 1, 18, 1, 7.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (2, 1, 14, 2, 6.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (3, 1, 19, 1, 4.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (4, 1, 8, 1, 9.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (5, 1, 19, 1, 4.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (6, 1, 12, 1, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (6, 2, 18, 1, 7.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (7, 1, 11, 2, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (7, 2, 19, 2, 4.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (7, 3, 12, 1, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (7, 4, 8, 1, 9.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (8, 1, 11, 2, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (8, 2, 10, 3, 16.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (8, 3, 3, 1, 7.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (8, 4, 17, 2, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (9, 1, 22, 1, 0.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (10, 1, 19, 2, 4.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (10, 2, 3, 1, 7.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (10, 3, 9, 2, 18.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (10, 4, 22, 1, 0.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (11, 1, 13, 1, 15.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (11, 2, 1, 2, 9.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (11, 3, 12, 1, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (12, 1, 5, 1, 9.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (12, 2, 13, 2, 15.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (12, 3, 16, 1, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (13, 1, 14, 3, 6.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (13, 2, 9, 2, 18.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (14, 1, 5, 1, 9.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (14, 2, 22, 1, 0.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (15, 1, 5, 2, 9.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (16, 1, 15, 3, 14.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (17, 1, 21, 2, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (17, 2, 2, 1, 8.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (17, 3, 3, 1, 7.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (17, 4, 15, 1, 14.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (18, 1, 18, 1, 7.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (18, 2, 12, 3, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (19, 1, 21, 1, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (19, 2, 12, 3, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (20, 1, 16, 2, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (20, 2, 10, 1, 16.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (20, 3, 5, 1, 9.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (20, 4, 11, 1, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (21, 1, 5, 3, 9.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (21, 2, 1, 3, 9.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (21, 3, 10, 1, 16.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (22, 1, 21, 1, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (22, 2, 20, 1, 12.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (22, 3, 8, 2, 9.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (23, 1, 1, 1, 9.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (24, 1, 15, 1, 14.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (24, 2, 12, 1, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (24, 3, 8, 1, 9.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (25, 1, 20, 3, 12.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (25, 2, 1, 2, 9.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (25, 3, 21, 1, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (25, 4, 21, 1, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (26, 1, 21, 1, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (26, 2, 3, 2, 7.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (26, 3, 15, 2, 14.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (26, 4, 3, 1, 7.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (27, 1, 21, 1, 29.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (27, 2, 20, 3, 12.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (27, 3, 16, 1, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (27, 4, 5, 3, 9.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (28, 1, 17, 1, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (29, 1, 10, 3, 16.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (29, 2, 8, 3, 9.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (30, 1, 12, 2, 13.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (31, 1, 17, 3, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (31, 2, 1, 2, 9.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (32, 1, 20, 1, 12.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (32, 2, 18, 1, 7.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (32, 3, 11, 3, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (32, 4, 17, 3, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (33, 1, 9, 1, 18.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (33, 2, 4, 3, 10.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (34, 1, 9, 2, 18.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (34, 2, 17, 3, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (35, 1, 15, 1, 14.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (35, 2, 14, 1, 6.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (36, 1, 14, 1, 6.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (36, 2, 7, 1, 11.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (37, 1, 15, 1, 14.25);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (37, 2, 4, 2, 10.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (38, 1, 17, 2, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (38, 2, 11, 2, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (38, 3, 7, 1, 11.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (38, 4, 11, 1, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (39, 1, 1, 2, 9.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (39, 2, 11, 3, 12.00);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (39, 3, 20, 1, 12.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (39, 4, 17, 1, 5.99);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (40, 1, 2, 1, 8.50);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (40, 2, 9, 1, 18.95);
INSERT INTO order_items (order_id, line, book_id, quantity, unit_price) VALUES (40, 3, 14, 1, 6.99);
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-01 08:00:00', NULL, 5, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-06 08:00:00', 18, 10, NULL);
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-11 08:00:00', 11, -3, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-16 08:00:00', 2, 20, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-21 08:00:00', 14, -3, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-26 08:00:00', 1, 20, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-01-31 08:00:00', 9, -3, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-02-05 08:00:00', NULL, -3, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-02-10 08:00:00', 4, 5, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-02-15 08:00:00', 11, 10, NULL);
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-02-20 08:00:00', 9, 10, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-02-25 08:00:00', 2, 10, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-01 08:00:00', 4, -2, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-06 08:00:00', 2, -2, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-11 08:00:00', NULL, -1, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-16 08:00:00', 17, -2, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-21 08:00:00', 15, 10, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-26 08:00:00', 9, -1, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-31 08:00:00', 9, -3, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-04-05 08:00:00', 1, 20, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-04-10 08:00:00', 17, 5, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-04-15 08:00:00', NULL, 5, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-04-20 08:00:00', 22, 20, NULL);
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-04-25 08:00:00', 22, 5, NULL);
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-04-30 08:00:00', 17, -1, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-05-05 08:00:00', 8, -1, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-05-10 08:00:00', 21, -2, NULL);
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-05-15 08:00:00', 12, -3, 'sale');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-05-20 08:00:00', NULL, -3, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-05-25 08:00:00', 21, 20, 'damaged');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-01 08:00:00', 2, 5, 'restock');
INSERT INTO stock_events (happened_at, book_id, change, reason) VALUES ('2024-03-01 08:00:00', 2, 5, 'restock');

-- Identifiers a real schema throws at a generator: SQL and Rust keywords, spaces, dashes,
-- non-ASCII letters, leading digits, names that collide after case conversion (SQLite's
-- own names ignore ASCII case), long names.
CREATE TABLE "order" ("select" integer PRIMARY KEY, "from" text, "group" text, "user" text);
CREATE TABLE "type" ("type" integer PRIMARY KEY, "fn" text, "match" text, "self" text, "Self_" text, "crate" text, "super" text, "async" text);
CREATE TABLE "order details" ("order id" integer PRIMARY KEY, "unit price" NUMERIC(10, 2), "e-mail" text);
CREATE TABLE "line-items" ("line-no" integer PRIMARY KEY, "qty-ordered" integer);
CREATE TABLE "café" ("numéro" integer PRIMARY KEY, "prix_€" NUMERIC(6, 2), "日本語" text, "naïve" boolean);
CREATE TABLE "2fa_codes" ("1st_choice" integer PRIMARY KEY, "2nd" text);
CREATE TABLE "UserAccount" ("Id" integer PRIMARY KEY, "userId" integer, "user_id" integer);
CREATE TABLE "user_account" ("id" integer PRIMARY KEY, "Value" integer);
CREATE TABLE "a_table_name_that_is_exactly_sixty_three_bytes_long_for_postgre" (
    "a_column_name_that_is_exactly_sixty_three_bytes_long_for_postg1" integer PRIMARY KEY,
    "a_column_name_that_is_exactly_sixty_three_bytes_long_for_postg2" integer
);
CREATE TABLE "a_table_name_that_is_exactly_sixty_three_bytes_long_for_postgrx" ("id" integer PRIMARY KEY);

CREATE TABLE "quote""d" ("we""ird" integer PRIMARY KEY, "back\slash" text, "percent%" text);

INSERT INTO "order" VALUES (1, 'a', 'b', 'c'), (2, NULL, 'x', 'y');
INSERT INTO "type" VALUES (1, 'f', 'm', 's', 'S', 'c', 'u', 'a');
INSERT INTO "order details" VALUES (10, 9.99, 'x@example.com');
INSERT INTO "line-items" VALUES (1, 5), (2, 7);
INSERT INTO "café" VALUES (1, 2.50, 'こんにちは', true);
INSERT INTO "2fa_codes" VALUES (1, 'two');
INSERT INTO "UserAccount" VALUES (1, 2, 3);
INSERT INTO "user_account" VALUES (1, 5);
INSERT INTO "a_table_name_that_is_exactly_sixty_three_bytes_long_for_postgre" VALUES (1, 2);
INSERT INTO "a_table_name_that_is_exactly_sixty_three_bytes_long_for_postgrx" VALUES (1);
INSERT INTO "quote""d" VALUES (1, 'a\b', '100%');

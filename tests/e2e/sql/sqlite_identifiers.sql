-- Identifiers a real schema throws at a generator: SQL and Rust keywords, spaces, dashes,
-- non-ASCII letters, leading digits, names that collide after case conversion (SQLite's
-- own names ignore ASCII case), long names; then names like the types generated code
-- imports, names with comment and template markers, line breaks and control characters, and
-- empty names.
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

-- Names like the types a table module imports or the prelude has: the structs get another name.
CREATE TABLE "uuid" ("uuid" text PRIMARY KEY, "Utc" text);
CREATE TABLE "Decimal" ("id" integer PRIMARY KEY, "Decimal" NUMERIC(10, 2));
CREATE TABLE "Bytes" ("id" integer PRIMARY KEY, "Bytes" BLOB);
CREATE TABLE "DateTime" ("id" integer PRIMARY KEY, "at" TIMESTAMPTZ);
CREATE TABLE "FixedOffset" ("id" integer PRIMARY KEY, "at" TIMESTAMPTZ);
CREATE TABLE "Value" ("id" integer PRIMARY KEY, "Value" JSON);
CREATE TABLE "AnyValue" ("id" integer PRIMARY KEY, "AnyValue");
CREATE TABLE "Option" ("id" integer PRIMARY KEY, "Some" text, "None" text);
CREATE TABLE "McpTable" ("id" integer PRIMARY KEY);
CREATE TABLE "mcpgen_runtime" ("id" integer PRIMARY KEY);

-- Names that break generated code when pasted into it unescaped: comment and doc-comment
-- markers, template markers, attributes, raw-identifier prefixes, backslashes, line breaks,
-- tabs, control characters, very long names.
CREATE TABLE "*/ comment /*" ("*/" integer PRIMARY KEY, "/*" text, "//" text, "/// doc" text, "//! inner" text);
CREATE TABLE "{{ tera }}" ("{{ x }}" integer PRIMARY KEY, "{% if x %}" text, "{# c #}" text);
CREATE TABLE "r#type" ("r#type" integer PRIMARY KEY, "#" text, "#[attr]" text, "\\" text, "\n" text);
CREATE TABLE "line
break" ("line
break" integer PRIMARY KEY, "tab	stop" text, "crcol" text, "bell" text, "esc[31m" text);
CREATE TABLE "t_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name" ("c_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name" integer PRIMARY KEY);

-- Empty names: the derive needs a name to query by, so mcpgen leaves them out with a warning
-- (the table "", the column "" and the keys that use it).
CREATE TABLE "" ("" integer PRIMARY KEY, "kept" text);
CREATE TABLE "empty column" ("" integer PRIMARY KEY, "kept" text);

INSERT INTO "uuid" VALUES ('6f1c2b1e-0c6e-4a6e-9f39-1a0d1e9e2b11', 'utc'), ('7f1c2b1e-0c6e-4a6e-9f39-1a0d1e9e2b12', NULL);
INSERT INTO "Decimal" VALUES (1, 9.99), (2, NULL);
INSERT INTO "Bytes" VALUES (1, X'00FF10'), (2, NULL);
INSERT INTO "DateTime" VALUES (1, '2024-01-31T13:45:00+02:00'), (2, NULL);
INSERT INTO "FixedOffset" VALUES (1, NULL);
INSERT INTO "Value" VALUES (1, NULL);
INSERT INTO "AnyValue" VALUES (1, 'any'), (2, NULL);
INSERT INTO "Option" VALUES (1, 'some', NULL);
INSERT INTO "McpTable" VALUES (1);
INSERT INTO "mcpgen_runtime" VALUES (1), (2);
INSERT INTO "*/ comment /*" VALUES (1, '/*', '*/', '///', '//!');
INSERT INTO "{{ tera }}" VALUES (1, '{{ x }}', '{% end %}');
INSERT INTO "r#type" VALUES (1, '#', '#[x]', '\', 'n');
INSERT INTO "line
break" VALUES (1, 'a	b', 'c', 'd', 'e');
INSERT INTO "t_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name_very_long_name" VALUES (1);
INSERT INTO "" VALUES (1, 'not served');
INSERT INTO "empty column" VALUES (1, 'kept'), (2, 'also kept');

//! What parsing a DDL file gives, behaviour by behaviour (statement splitting and
//! classification are specified next to their code).

use super::*;
use crate::model::{Column, DataType, ForeignKey};

fn parse_as(dialect: Dialect, sql: &str) -> (Schema, Vec<Warning>) {
    parse(sql, dialect, "schema.sql").expect("the DDL parses")
}

fn sqlite(sql: &str) -> Schema {
    parse_as(Dialect::Sqlite, sql).0
}

fn table<'s>(schema: &'s Schema, name: &str) -> &'s Table {
    schema
        .tables
        .iter()
        .find(|table| table.name == name)
        .unwrap_or_else(|| panic!("no table {name} in {:?}", table_names(schema)))
}

fn table_names(schema: &Schema) -> Vec<&str> {
    schema.tables.iter().map(|t| t.name.as_str()).collect()
}

fn column<'t>(table: &'t Table, name: &str) -> &'t Column {
    table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name} in {}", table.name))
}

fn column_names(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.name.as_str()).collect()
}

fn sql_types(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.sql_type.as_str()).collect()
}

fn defaults(table: &Table) -> Vec<Option<&str>> {
    table.columns.iter().map(|c| c.default.as_deref()).collect()
}

fn key(name: Option<&str>, columns: &[&str]) -> Key {
    Key {
        name: name.map(str::to_owned),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn foreign_key(columns: &[&str], table: &str, referenced: &[&str]) -> ForeignKey {
    ForeignKey {
        name: None,
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        referenced_schema: None,
        referenced_table: table.to_owned(),
        referenced_columns: referenced.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

// Tables and columns.

#[test]
fn a_table_has_its_columns_in_order_with_their_declared_types() {
    let schema = sqlite("CREATE TABLE t (b TEXT, a INTEGER, c NVARCHAR(160), d DATETIME);");
    let t = table(&schema, "t");
    assert_eq!(t.kind, TableKind::Table);
    assert_eq!(column_names(t), ["b", "a", "c", "d"]);
    assert_eq!(
        sql_types(t),
        ["TEXT", "INTEGER", "NVARCHAR(160)", "DATETIME"]
    );
    assert_eq!(column(t, "a").data_type, DataType::BigInt);
    assert_eq!(column(t, "d").data_type, DataType::Timestamp);
}

#[test]
fn the_schema_has_the_dialect_and_leaves_database_and_routines_to_the_caller() {
    let schema = sqlite("CREATE TABLE t (a);");
    assert_eq!(schema.dialect, Dialect::Sqlite);
    assert_eq!(schema.database, None);
    assert!(schema.routines.is_empty());
    assert!(table(&schema, "t").referenced_by.is_empty());
}

#[test]
fn a_mysql_file_names_the_database_its_first_use_switches_to() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE DATABASE shop; USE `shop`; CREATE TABLE t (a INT); USE other;",
    );
    assert_eq!(schema.database.as_deref(), Some("shop"));
}

#[test]
fn declared_types_are_the_source_text_normalized() {
    let schema = sqlite(
        "CREATE TABLE t (a numeric (8, 2), b unsigned  big int, c varying character(10), \
         d double precision, e timestamp with time zone);",
    );
    assert_eq!(
        sql_types(table(&schema, "t")),
        [
            "NUMERIC(8,2)",
            "UNSIGNED BIG INT",
            "VARYING CHARACTER(10)",
            "DOUBLE PRECISION",
            "TIMESTAMP WITH TIME ZONE"
        ]
    );
}

#[test]
fn a_column_without_type_has_an_empty_type_and_holds_any_value() {
    let schema = sqlite("CREATE TABLE t (a, b DEFAULT 1, c PRIMARY KEY);");
    let t = table(&schema, "t");
    assert_eq!(sql_types(t), ["", "", ""]);
    assert_eq!(column(t, "a").data_type, DataType::Dynamic);
}

#[test]
fn a_type_written_as_one_quoted_name_loses_its_quotes_as_in_sqlite() {
    let schema = sqlite("CREATE TABLE t (a \"weird type\", b [bracket type]);");
    assert_eq!(
        sql_types(table(&schema, "t")),
        ["WEIRD TYPE", "BRACKET TYPE"]
    );
}

#[test]
fn quoted_names_are_unquoted() {
    let schema = sqlite("CREATE TABLE [Order Details] (\"a\"\"b\" INT, `c` INT, [d e] INT);");
    let t = table(&schema, "Order Details");
    assert_eq!(column_names(t), ["a\"b", "c", "d e"]);
}

#[test]
fn keywords_can_name_columns() {
    let schema = sqlite("CREATE TABLE t (\"order\" INT, key TEXT, change INTEGER, text TEXT);");
    assert_eq!(
        column_names(table(&schema, "t")),
        ["order", "key", "change", "text"]
    );
}

#[test]
fn sqlite_main_and_temp_qualifiers_are_the_default_schema() {
    let schema =
        sqlite("CREATE TABLE main.a (x); CREATE TEMP TABLE temp.b (y); CREATE TABLE aux.c (z);");
    let schemas: Vec<_> = schema.tables.iter().map(|t| t.schema.as_deref()).collect();
    assert_eq!(schemas, [None, None, Some("aux")]);
}

#[test]
fn postgres_public_is_the_default_schema_and_unquoted_names_fold_to_lower_case() {
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE public.Users (Id integer, \"Name\" text); CREATE TABLE sales.orders (id integer);",
    );
    let users = table(&schema, "users");
    assert_eq!(users.schema, None);
    assert_eq!(column_names(users), ["id", "Name"]);
    assert_eq!(table(&schema, "orders").schema.as_deref(), Some("sales"));
}

#[test]
fn a_mysql_database_qualifier_is_the_schema() {
    let (schema, _) = parse_as(Dialect::Mysql, "CREATE TABLE shop.`items` (`id` INT);");
    assert_eq!(table(&schema, "items").schema.as_deref(), Some("shop"));
}

#[test]
fn sqlite_tables_have_a_rowid_unless_without_rowid() {
    let schema = sqlite("CREATE TABLE a (x); CREATE TABLE b (y PRIMARY KEY) WITHOUT ROWID;");
    assert!(table(&schema, "a").rowid);
    assert!(!table(&schema, "b").rowid);
    let (mysql, _) = parse_as(Dialect::Mysql, "CREATE TABLE a (x INT);");
    assert!(!table(&mysql, "a").rowid);
}

#[test]
fn not_null_makes_a_column_not_nullable_but_a_sqlite_primary_key_does_not() {
    let schema = sqlite("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT);");
    let t = table(&schema, "t");
    let nullable: Vec<_> = t.columns.iter().map(|c| c.nullable).collect();
    assert_eq!(nullable, [true, false, true]);
}

#[test]
fn primary_key_columns_of_without_rowid_tables_are_not_nullable_as_sqlite_reports() {
    let schema = sqlite("CREATE TABLE t (a TEXT, b TEXT, PRIMARY KEY (a)) WITHOUT ROWID;");
    let t = table(&schema, "t");
    assert!(!column(t, "a").nullable);
    assert!(column(t, "b").nullable);
}

#[test]
fn postgres_and_mysql_primary_key_columns_are_not_nullable() {
    for dialect in [Dialect::Postgres, Dialect::Mysql] {
        let (schema, _) = parse_as(dialect, "CREATE TABLE t (a int, b int, PRIMARY KEY (a));");
        let t = table(&schema, "t");
        assert!(!column(t, "a").nullable, "{dialect:?}");
        assert!(column(t, "b").nullable, "{dialect:?}");
    }
}

#[test]
fn defaults_are_the_text_sqlite_reports() {
    let schema = sqlite(
        "CREATE TABLE t (a TEXT DEFAULT 'author', b INT DEFAULT -1, c DATETIME DEFAULT \
         CURRENT_TIMESTAMP, d TEXT DEFAULT (datetime('now')), e INT DEFAULT ( 1 + 2 ), \
         f INT DEFAULT ((1)), g INT DEFAULT - 1, h BLOB DEFAULT x'00', i TEXT DEFAULT 'it''s', \
         j INT CONSTRAINT named DEFAULT 7 NOT NULL, k INT);",
    );
    assert_eq!(
        defaults(table(&schema, "t")),
        [
            Some("'author'"),
            Some("-1"),
            Some("CURRENT_TIMESTAMP"),
            Some("datetime('now')"),
            Some("1 + 2"),
            Some("(1)"),
            Some("- 1"),
            Some("x'00'"),
            Some("'it''s'"),
            Some("7"),
            None
        ]
    );
}

#[test]
fn postgres_and_mysql_defaults_run_to_the_next_constraint() {
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE t (a varchar(9) DEFAULT 'x'::character varying NOT NULL, b timestamp DEFAULT now());",
    );
    assert_eq!(
        defaults(table(&schema, "t")),
        [Some("'x'::character varying"), Some("now()")]
    );
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (a TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);",
    );
    assert_eq!(defaults(table(&schema, "t")), [Some("CURRENT_TIMESTAMP")]);
}

#[test]
fn sqlite_generated_and_autoincrement_columns_are_generated() {
    let schema = sqlite(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, b TEXT AS (upper(a)) STORED, \
         c INT GENERATED ALWAYS AS (1) VIRTUAL);",
    );
    let generated: Vec<_> = table(&schema, "t")
        .columns
        .iter()
        .map(|c| c.generated)
        .collect();
    assert_eq!(generated, [true, false, true, true]);
}

#[test]
fn mysql_auto_increment_and_postgres_identity_and_serial_are_generated() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, a INT);",
    );
    assert!(column(table(&schema, "t"), "id").generated);
    assert!(!column(table(&schema, "t"), "a").generated);
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY, b bigserial, c int);",
    );
    let generated: Vec<_> = table(&schema, "t")
        .columns
        .iter()
        .map(|c| c.generated)
        .collect();
    assert_eq!(generated, [true, true, false]);
}

#[test]
fn generated_expressions_and_identities_always_are_computed_and_never_written() {
    let computed = |schema: &Schema| -> Vec<bool> {
        table(schema, "t")
            .columns
            .iter()
            .map(|c| c.computed)
            .collect()
    };
    let schema = sqlite(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, b TEXT AS (upper(a)) STORED, \
         c INT GENERATED ALWAYS AS (1) VIRTUAL);",
    );
    assert_eq!(computed(&schema), [false, false, true, true]);
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, a INT, b INT AS (a + 1) STORED, \
         c INT GENERATED ALWAYS AS (a * 2) VIRTUAL);",
    );
    assert_eq!(computed(&schema), [false, false, true, true]);
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY, b int GENERATED BY DEFAULT AS IDENTITY, \
         c bigserial, d int GENERATED ALWAYS AS (c * 2) STORED, e int);",
    );
    assert_eq!(computed(&schema), [true, false, false, true, false]);
}

#[test]
fn check_in_lists_of_strings_give_enum_values_in_written_order() {
    let schema = sqlite(
        "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y')), b TEXT, c INT CHECK (c IN (1, 2)), \
         d TEXT CHECK (d NOT IN ('n')), CHECK (b IN ('q', 'p')));",
    );
    let t = table(&schema, "t");
    assert_eq!(column(t, "a").enum_values, strings(&["x", "y"]));
    assert_eq!(column(t, "b").enum_values, strings(&["q", "p"]));
    assert!(column(t, "c").enum_values.is_empty());
    assert!(column(t, "d").enum_values.is_empty());
}

#[test]
fn postgres_any_array_checks_and_enum_types_give_enum_values() {
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TYPE public.mood AS ENUM ('sad', 'ok');\n\
         CREATE TABLE t (m public.mood, n mood, s text CHECK (s = ANY (ARRAY['a'::text, 'b'::text])));",
    );
    let t = table(&schema, "t");
    assert_eq!(column(t, "m").enum_values, strings(&["sad", "ok"]));
    assert_eq!(column(t, "n").enum_values, strings(&["sad", "ok"]));
    assert_eq!(column(t, "s").enum_values, strings(&["a", "b"]));
}

#[test]
fn mysql_enum_types_and_comments_are_read() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (`s` enum('a','b') NOT NULL COMMENT 'the state') COMMENT='Things';",
    );
    let t = table(&schema, "t");
    assert_eq!(t.comment.as_deref(), Some("Things"));
    assert_eq!(column(t, "s").enum_values, strings(&["a", "b"]));
    assert_eq!(column(t, "s").comment.as_deref(), Some("the state"));
}

#[test]
fn postgres_comments_on_tables_and_columns_are_read() {
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE public.t (a int);\n\
         COMMENT ON TABLE public.t IS 'Things';\n\
         COMMENT ON COLUMN public.t.a IS 'An a';",
    );
    let t = table(&schema, "t");
    assert_eq!(t.comment.as_deref(), Some("Things"));
    assert_eq!(column(t, "a").comment.as_deref(), Some("An a"));
}

// Keys.

#[test]
fn a_column_primary_key_is_the_primary_key() {
    let schema = sqlite("CREATE TABLE t (a TEXT, id INTEGER CONSTRAINT pk PRIMARY KEY);");
    assert_eq!(
        table(&schema, "t").primary_key,
        Some(key(Some("pk"), &["id"]))
    );
}

#[test]
fn a_table_primary_key_keeps_its_name_and_column_order() {
    let schema = sqlite(
        "CREATE TABLE t (a INT, b INT, CONSTRAINT [PK_T] PRIMARY KEY (b, a)); CREATE TABLE u (x INT, PRIMARY KEY (x));",
    );
    assert_eq!(
        table(&schema, "t").primary_key,
        Some(key(Some("PK_T"), &["b", "a"]))
    );
    assert_eq!(table(&schema, "u").primary_key, Some(key(None, &["x"])));
}

#[test]
fn key_columns_are_spelled_as_the_columns_are() {
    let schema = sqlite("CREATE TABLE t (Email TEXT, PRIMARY KEY (EMAIL), UNIQUE (email));");
    assert_eq!(table(&schema, "t").primary_key, Some(key(None, &["Email"])));
}

#[test]
fn foreign_keys_are_in_declaration_order() {
    let schema = sqlite(
        "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b));\n\
         CREATE TABLE q (id INTEGER PRIMARY KEY);\n\
         CREATE TABLE c (x INT, y INT REFERENCES q (id), z INT CONSTRAINT fk_z REFERENCES q (id),\n\
           CONSTRAINT fk_xy FOREIGN KEY (x, y) REFERENCES p (a, b) ON DELETE CASCADE);",
    );
    let keys = &table(&schema, "c").foreign_keys;
    let mut named = foreign_key(&["z"], "q", &["id"]);
    named.name = Some("fk_z".to_owned());
    let mut pair = foreign_key(&["x", "y"], "p", &["a", "b"]);
    pair.name = Some("fk_xy".to_owned());
    assert_eq!(keys, &[foreign_key(&["y"], "q", &["id"]), named, pair]);
}

#[test]
fn omitted_referenced_columns_are_the_referenced_primary_key_even_when_declared_later() {
    let schema = sqlite(
        "CREATE TABLE c (x INT REFERENCES p);\nCREATE TABLE p (id INTEGER PRIMARY KEY, n TEXT);",
    );
    assert_eq!(
        table(&schema, "c").foreign_keys,
        [foreign_key(&["x"], "p", &["id"])]
    );
}

#[test]
fn a_foreign_key_to_a_table_without_primary_key_keeps_unknown_referenced_columns() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "CREATE TABLE p (n TEXT);\nCREATE TABLE c (x INT CONSTRAINT fk REFERENCES p);",
    );
    let mut unresolved = foreign_key(&["x"], "p", &[]);
    unresolved.name = Some("fk".to_owned());
    assert_eq!(table(&schema, "c").foreign_keys, [unresolved]);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].location, "schema.sql:2");
    assert!(
        warnings[0]
            .message
            .contains("referenced columns are unknown")
    );
}

#[test]
fn alter_table_adds_keys_and_columns() {
    let (schema, _) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE public.a (id integer NOT NULL);\n\
         CREATE TABLE public.b (id integer, a_id integer, code text);\n\
         ALTER TABLE ONLY public.a ADD CONSTRAINT a_pkey PRIMARY KEY (id);\n\
         ALTER TABLE ONLY public.b ADD CONSTRAINT b_a_fkey FOREIGN KEY (a_id) REFERENCES public.a(id);\n\
         ALTER TABLE public.b ADD CONSTRAINT b_code_key UNIQUE (code);\n\
         ALTER TABLE public.b ADD COLUMN note text DEFAULT 'n';\n\
         ALTER TABLE public.b OWNER TO someone;",
    );
    assert_eq!(
        table(&schema, "a").primary_key,
        Some(key(Some("a_pkey"), &["id"]))
    );
    let b = table(&schema, "b");
    let mut reference = foreign_key(&["a_id"], "a", &["id"]);
    reference.name = Some("b_a_fkey".to_owned());
    assert_eq!(b.foreign_keys, [reference]);
    assert_eq!(b.unique_keys, [key(Some("b_code_key"), &["code"])]);
    assert_eq!(column_names(b), ["id", "a_id", "code", "note"]);
    // As PostgreSQL's `pg_get_expr` prints it.
    assert_eq!(column(b, "note").default.as_deref(), Some("'n'::text"));
}

#[test]
fn unique_keys_come_from_columns_constraints_and_unique_indexes_latest_first_and_sorted() {
    let schema = sqlite(
        "CREATE TABLE t (id INT PRIMARY KEY, e TEXT UNIQUE, a INT, b INT, c INT,\n\
           CONSTRAINT u_ba UNIQUE (b, a), UNIQUE (id), UNIQUE (e));\n\
         CREATE UNIQUE INDEX t_c_desc ON t (c DESC);\n\
         CREATE UNIQUE INDEX t_c ON t (c);\n\
         CREATE UNIQUE INDEX t_partial ON t (a) WHERE a > 0;\n\
         CREATE UNIQUE INDEX t_expression ON t (lower(e));\n\
         CREATE INDEX t_plain ON t (b);",
    );
    assert_eq!(
        table(&schema, "t").unique_keys,
        [
            key(Some("u_ba"), &["b", "a"]),
            key(Some("t_c"), &["c"]),
            key(None, &["e"]),
        ]
    );
}

// Views.

#[test]
fn view_columns_are_named_by_aliases_and_column_names() {
    let schema = sqlite(
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, price NUMERIC(8, 2));\n\
         CREATE VIEW v AS SELECT b.id AS book_id, b.title, price FROM books b;",
    );
    let v = table(&schema, "v");
    assert_eq!(v.kind, TableKind::View);
    assert_eq!(column_names(v), ["book_id", "title", "price"]);
    assert_eq!(sql_types(v), ["INTEGER", "TEXT", "NUMERIC(8,2)"]);
    assert!(v.columns.iter().all(|c| c.nullable && c.default.is_none()));
    assert!(v.primary_key.is_none() && v.foreign_keys.is_empty() && !v.rowid);
}

#[test]
fn star_expands_to_the_columns_of_the_tables_read_in_order() {
    let schema = sqlite(
        "CREATE TABLE a (id INT, x TEXT); CREATE TABLE b (y REAL, z BLOB);\n\
         CREATE VIEW v AS SELECT * FROM a JOIN b ON b.y = a.id;\n\
         CREATE VIEW w AS SELECT b.*, a.x FROM a, b;",
    );
    assert_eq!(column_names(table(&schema, "v")), ["id", "x", "y", "z"]);
    assert_eq!(column_names(table(&schema, "w")), ["y", "z", "x"]);
    assert_eq!(sql_types(table(&schema, "w")), ["REAL", "BLOB", "TEXT"]);
}

#[test]
fn star_over_a_join_using_columns_lists_them_once() {
    let schema = sqlite(
        "CREATE TABLE a (id INT, x TEXT); CREATE TABLE b (id INT, y TEXT);\n\
         CREATE VIEW v AS SELECT * FROM a JOIN b USING (id);",
    );
    assert_eq!(column_names(table(&schema, "v")), ["id", "x", "y"]);
}

#[test]
fn unaliased_expressions_are_named_by_their_text_as_written() {
    let schema = sqlite(
        "CREATE TABLE a (id INT, price REAL);\n\
         CREATE VIEW v AS SELECT a.price *  2, count(*), 'lit' FROM a;",
    );
    let v = table(&schema, "v");
    assert_eq!(column_names(v), ["a.price *  2", "count(*)", "'lit'"]);
    assert_eq!(sql_types(v), ["", "", ""]);
    assert!(v.columns.iter().all(|c| c.data_type == DataType::Dynamic));
}

#[test]
fn repeated_view_column_names_are_numbered_as_in_sqlite() {
    let schema = sqlite(
        "CREATE TABLE a (id INT); CREATE TABLE b (id INT);\n\
         CREATE VIEW v AS SELECT a.id, b.id, a.id FROM a, b;",
    );
    assert_eq!(column_names(table(&schema, "v")), ["id", "id:1", "id:2"]);
}

#[test]
fn sqlite_types_expressions_of_a_view_by_their_affinity() {
    let schema = sqlite(
        "CREATE TABLE a (id INTEGER, u, p NUMERIC(8,2));\n\
         CREATE VIEW v AS SELECT CAST(id AS VARCHAR(10)) AS s, CAST(id AS INTEGER) AS i, u, \
         p COLLATE nocase AS c FROM a;",
    );
    assert_eq!(
        sql_types(table(&schema, "v")),
        ["TEXT", "INT", "BLOB", "NUM"]
    );
}

#[test]
fn a_union_view_is_typed_from_all_its_selects_as_in_sqlite() {
    let schema = sqlite(
        "CREATE TABLE a (id INTEGER, name TEXT);\n\
         CREATE VIEW v AS SELECT id, name FROM a UNION ALL SELECT 1, 2;",
    );
    assert_eq!(sql_types(table(&schema, "v")), ["INTEGER", "BLOB"]);
}

#[test]
fn declared_view_column_names_win() {
    let schema =
        sqlite("CREATE TABLE a (id INT, n TEXT);\nCREATE VIEW v (x, y) AS SELECT id, n FROM a;");
    let v = table(&schema, "v");
    assert_eq!(column_names(v), ["x", "y"]);
    assert_eq!(sql_types(v), ["INT", "TEXT"]);
}

#[test]
fn a_view_over_a_view_resolves_through_it_even_when_declared_first() {
    let schema = sqlite(
        "CREATE VIEW top AS SELECT * FROM middle;\n\
         CREATE VIEW middle AS SELECT t.id AS k FROM t;\n\
         CREATE TABLE t (id INTEGER);",
    );
    let top = table(&schema, "top");
    assert_eq!(column_names(top), ["k"]);
    assert_eq!(sql_types(top), ["INTEGER"]);
}

#[test]
fn a_view_selecting_star_from_an_unknown_table_is_left_out_with_a_warning() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT * FROM elsewhere;",
    );
    assert_eq!(table_names(&schema), ["t"]);
    assert!(warnings.iter().any(|w| w.location == "schema.sql:2"
        && w.message.contains("skipped view v")
        && w.message.contains("elsewhere")));
}

#[test]
fn a_table_created_as_select_takes_sqlite_affinity_types() {
    let schema = sqlite(
        "CREATE TABLE x (y INT, n NUMERIC(3,1), w);\n\
         CREATE TABLE copy AS SELECT y, n, w, y + 1 AS k FROM x;",
    );
    let copy = table(&schema, "copy");
    assert_eq!(copy.kind, TableKind::Table);
    assert_eq!(column_names(copy), ["y", "n", "w", "k"]);
    assert_eq!(sql_types(copy), ["INT", "NUM", "", ""]);
}

// Statements that are skipped, and errors.

#[test]
fn statements_that_do_not_shape_the_schema_are_skipped_silently() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "PRAGMA foreign_keys = ON;\nBEGIN;\nDROP TABLE IF EXISTS t;\nCREATE TABLE t (a);\n\
         INSERT INTO t VALUES ('x; y');\nCREATE INDEX i ON t (a);\n\
         CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t; END;\nCOMMIT;",
    );
    assert_eq!(table_names(&schema), ["t"]);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_statement_sqlparser_cannot_parse_is_skipped_with_its_file_and_line() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "CREATE TABLE good (a INT);\n\n  CREATE TABLE bad (a INT,, b);\nCREATE TABLE also_good (b INT);",
    );
    assert_eq!(table_names(&schema), ["good", "also_good"]);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].location, "schema.sql:3");
    let message = &warnings[0].message;
    assert!(
        message.starts_with("skipped CREATE TABLE bad: sqlparser cannot parse it"),
        "{message}"
    );
    assert!(message.contains("at line 3, column 27"), "{message}");
}

#[test]
fn sqlite_type_names_and_conflict_clauses_sqlparser_rejects_are_still_read() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "CREATE TABLE t (a unsigned big int, b native character(70), c INT,\n\
         UNIQUE (c) ON CONFLICT REPLACE);",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let t = table(&schema, "t");
    assert_eq!(
        sql_types(t),
        ["UNSIGNED BIG INT", "NATIVE CHARACTER(70)", "INT"]
    );
    assert_eq!(t.unique_keys, [key(None, &["c"])]);
}

#[test]
fn mysql_version_comments_run_as_mariadb_runs_them_without_misplacing_types() {
    // MariaDB 10.x runs /*!NNNNN ... */ below 50700 and skips MySQL 5.7+ ones.
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE a (\n  id INT,\n  /*!50705 location GEOMETRY NOT NULL,*/\n  \
         /*!50100 note VARCHAR(3),*/\n  b VARCHAR(9)\n);",
    );
    assert_eq!(
        sql_types(table(&schema, "a")),
        ["INT", "VARCHAR(3)", "VARCHAR(9)"]
    );
}

#[test]
fn mysqldump_views_in_version_comments_are_read() {
    let (schema, warnings) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (a INT NOT NULL);\n\
         /*!50001 CREATE ALGORITHM=UNDEFINED */\n\
         /*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n\
         /*!50001 VIEW `v` AS select `t`.`a` AS `a` from `t` */;",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let v = table(&schema, "v");
    assert_eq!(v.kind, TableKind::View);
    assert_eq!(sql_types(v), ["INT"]);
    assert!(!column(v, "a").nullable);
}

#[test]
fn mysql_use_makes_the_database_the_default_schema() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "USE shop;\nCREATE TABLE shop.a (id INT PRIMARY KEY);\n\
         CREATE TABLE b (a_id INT, FOREIGN KEY (a_id) REFERENCES shop.a (id));\n\
         CREATE VIEW v AS SELECT id FROM shop.a;\n\
         USE audit;\nCREATE TABLE log (x INT);",
    );
    assert_eq!(table(&schema, "a").schema, None);
    assert_eq!(table(&schema, "b").foreign_keys[0].referenced_schema, None);
    assert_eq!(sql_types(table(&schema, "v")), ["INT"]);
    assert_eq!(table(&schema, "log").schema.as_deref(), Some("audit"));
}

#[test]
fn mysql_types_and_defaults_are_spelled_as_the_server_reports_them() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (a BOOLEAN DEFAULT TRUE, b INT(11) UNSIGNED DEFAULT '0', \
         c NVARCHAR(10) DEFAULT 0, d DECIMAL(6,2) DEFAULT 0, e TIMESTAMP DEFAULT now(), \
         f SET('x y','z') DEFAULT 'z', g JSON, h LONGTEXT CHECK (json_valid(h)), \
         i VARCHAR(3) CHECK (i IN (_utf8mb4'p', \"q\")));",
    );
    let t = table(&schema, "t");
    assert_eq!(
        sql_types(t),
        [
            "TINYINT(1)",
            "INT UNSIGNED",
            "VARCHAR(10)",
            "DECIMAL(6,2)",
            "TIMESTAMP",
            "SET('x y','z')",
            "JSON",
            "JSON",
            "VARCHAR(3)"
        ]
    );
    assert_eq!(
        defaults(t),
        [
            Some("1"),
            Some("0"),
            Some("'0'"),
            Some("0.00"),
            Some("CURRENT_TIMESTAMP"),
            Some("'z'"),
            None,
            None,
            None
        ]
    );
    assert_eq!(column(t, "f").enum_values, strings(&["x y", "z"]));
    assert_eq!(column(t, "h").data_type, DataType::Json);
    assert_eq!(column(t, "i").enum_values, strings(&["p", "q"]));
}

#[test]
fn mysql_keys_are_named_as_the_server_names_them() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE p (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b));\n\
         CREATE TABLE t (i INT UNIQUE, v INT, w INT, KEY w (w), UNIQUE (w), UNIQUE KEY (i, v), \
         CONSTRAINT c UNIQUE KEY named (v), CONSTRAINT c2 UNIQUE (w, v), \
         FOREIGN KEY (i, v) REFERENCES p (a, b), CONSTRAINT zz FOREIGN KEY (w, v) REFERENCES p (a, b), \
         FOREIGN KEY (v, i) REFERENCES p (a, b));",
    );
    assert_eq!(
        table(&schema, "p").primary_key,
        Some(key(Some("PRIMARY"), &["a", "b"]))
    );
    let t = table(&schema, "t");
    assert_eq!(
        t.unique_keys,
        [
            key(Some("i"), &["i"]),
            key(Some("i_2"), &["i", "v"]),
            key(Some("named"), &["v"]),
            key(Some("w_2"), &["w"]),
            key(Some("c2"), &["w", "v"]),
        ]
    );
    let names: Vec<_> = t.foreign_keys.iter().map(|k| k.name.as_deref()).collect();
    assert_eq!(names, [Some("t_ibfk_1"), Some("t_ibfk_2"), Some("zz")]);
}

#[test]
fn mysql_unnamed_keys_avoid_the_names_of_earlier_indexes() {
    // As MariaDB names them: the foreign key of s made an index `x`, `KEY (y)` is `y`.
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b));\n\
         CREATE TABLE s (x INT, y INT, KEY (y), FOREIGN KEY (x, y) REFERENCES p (a, b));\n\
         ALTER TABLE s ADD UNIQUE (x), ADD UNIQUE (y), ADD FOREIGN KEY (y, x) REFERENCES p (a, b);",
    );
    let s = table(&schema, "s");
    assert_eq!(
        s.unique_keys,
        [key(Some("x_2"), &["x"]), key(Some("y_2"), &["y"])]
    );
    let names: Vec<_> = s.foreign_keys.iter().map(|k| k.name.as_deref()).collect();
    assert_eq!(names, [Some("s_ibfk_1"), Some("s_ibfk_2")]);
}

#[test]
fn mysql_dropped_tables_are_gone_and_recreated_views_replace_their_stand_ins_quietly() {
    let (schema, warnings) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE t (a INT NOT NULL);\n\
         CREATE VIEW v AS SELECT 1 AS a;\n\
         DROP VIEW IF EXISTS v;\n\
         CREATE VIEW v AS SELECT a FROM t;\n\
         CREATE TABLE gone (x INT);\n\
         DROP TABLE IF EXISTS `gone`, never_created;",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(table_names(&schema), ["t", "v"]);
    assert_eq!(sql_types(table(&schema, "v")), ["INT"]);
}

#[test]
fn mysql_view_columns_are_typed_and_nullable_as_the_server_reports_them() {
    let (schema, _) = parse_as(
        Dialect::Mysql,
        "CREATE TABLE a (id INT NOT NULL COMMENT 'the id', name VARCHAR(20) NOT NULL);\n\
         CREATE TABLE b (a_id INT NOT NULL, amount DECIMAL(5,2) NOT NULL);\n\
         CREATE VIEW v AS SELECT a.id, b.a_id, CONCAT(a.name, ' ', a.name) AS full_name, \
         SUM(b.amount) AS total, COUNT(*) AS n FROM a LEFT JOIN b ON b.a_id = a.id GROUP BY a.id;",
    );
    let v = table(&schema, "v");
    assert_eq!(
        sql_types(v),
        ["INT", "INT", "VARCHAR(41)", "DECIMAL(27,2)", "BIGINT"]
    );
    let nullable: Vec<_> = v.columns.iter().map(|c| c.nullable).collect();
    assert_eq!(nullable, [false, true, true, true, false]);
    assert_eq!(column(v, "id").comment.as_deref(), Some("the id"));
}

#[test]
fn a_file_where_every_statement_that_matters_fails_is_an_error() {
    let error = parse(
        "INSERT INTO t VALUES (1);\nCREATE TABLE broken (a INT,,);\nCREATE VIEW v AS SELEC 1;",
        Dialect::Sqlite,
        "bad.sql",
    )
    .expect_err("nothing can be read");
    assert_eq!((error.file.as_str(), error.line), ("bad.sql", 2));
    assert!(
        error
            .to_string()
            .starts_with("bad.sql:2: no table or view could be read")
    );
}

#[test]
fn a_binary_file_is_an_error() {
    let error = parse("SQLite format 3\0\0\x01", Dialect::Sqlite, "shop.db").expect_err("not SQL");
    assert!(error.message.contains("not a text SQL file"), "{error}");
}

#[test]
fn a_file_without_tables_gives_an_empty_schema_and_a_warning() {
    let (schema, warnings) = parse_as(Dialect::Sqlite, "INSERT INTO t VALUES (1);");
    assert!(schema.tables.is_empty());
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("no CREATE TABLE"));
}

#[test]
fn a_table_created_twice_keeps_the_later_definition_unless_if_not_exists() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "CREATE TABLE t (a);\nCREATE TABLE t (b);\nCREATE TABLE IF NOT EXISTS t (c);",
    );
    assert_eq!(column_names(table(&schema, "t")), ["b"]);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].location, "schema.sql:2");
}

#[test]
fn virtual_tables_are_skipped_with_a_warning() {
    let (schema, warnings) = parse_as(
        Dialect::Sqlite,
        "CREATE TABLE t (a);\nCREATE VIRTUAL TABLE f USING fts5(a);",
    );
    assert_eq!(table_names(&schema), ["t"]);
    assert_eq!(warnings[0].location, "schema.sql:2");
}

#[test]
fn random_garbage_and_truncated_statements_do_not_panic() {
    const FRAGMENTS: &[&str] = &[
        "CREATE",
        "TABLE",
        "VIEW",
        "UNIQUE",
        "INDEX",
        "ALTER",
        "ADD",
        "t",
        "(",
        ")",
        ",",
        ";",
        "'",
        "\"",
        "`",
        "[",
        "]",
        "$$",
        "$a$",
        "--",
        "/*",
        "*/",
        "\n",
        "DEFAULT",
        "-",
        "CHECK",
        "IN",
        "SELECT",
        "*",
        "FROM",
        "AS",
        "REFERENCES",
        "PRIMARY KEY",
        "é",
        "\\",
        "BEGIN",
        "END",
        "DELIMITER",
        "//",
        "1",
        "x.y",
        "ON",
        "CONFLICT",
        "COMMENT",
        "TYPE",
        "ENUM",
        "WITH",
        "UNION",
        "JOIN",
        "USING",
        "CAST",
        "NOT NULL",
        "/*!5 ",
        "\r",
        "\0",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap_or_default()
    };
    for _ in 0..300 {
        let length = next() % 40;
        let text: Vec<&str> = (0..length)
            .map(|_| FRAGMENTS[next() % FRAGMENTS.len()])
            .collect();
        let text = text.join(" ");
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let _ = parse(&text, dialect, "garbage.sql");
        }
    }
    let ddl = "CREATE TABLE a (id INTEGER PRIMARY KEY, n TEXT DEFAULT 'x' CHECK (n IN ('x', 'y')));\n\
               CREATE TABLE b (a_id INT REFERENCES a, m NUMERIC(8, 2), UNIQUE (m));\n\
               CREATE UNIQUE INDEX bm ON b (m);\n\
               CREATE VIEW v AS SELECT a.*, b.m AS money, count(*) FROM a JOIN b ON b.a_id = a.id;";
    for (end, _) in ddl.char_indices() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let _ = parse(&ddl[..end], dialect, "truncated.sql");
        }
    }
}

// Real files.

#[test]
#[expect(clippy::print_stderr, reason = "says why the test is skipped")]
fn chinook_has_eleven_tables_with_typed_track_columns_and_invoice_line_keys() {
    let path = "/work/shared/datasets/chinook/Chinook_Sqlite.sql";
    let Ok(sql) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is not here");
        return;
    };
    let (schema, warnings) = parse(&sql, Dialect::Sqlite, path).expect("Chinook parses");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(schema.tables.len(), 11);
    let track = table(&schema, "Track");
    assert_eq!(
        column_names(track),
        [
            "TrackId",
            "Name",
            "AlbumId",
            "MediaTypeId",
            "GenreId",
            "Composer",
            "Milliseconds",
            "Bytes",
            "UnitPrice"
        ]
    );
    assert_eq!(
        sql_types(track),
        [
            "INTEGER",
            "NVARCHAR(200)",
            "INTEGER",
            "INTEGER",
            "INTEGER",
            "NVARCHAR(220)",
            "INTEGER",
            "INTEGER",
            "NUMERIC(10,2)"
        ]
    );
    assert_eq!(
        column(track, "UnitPrice").data_type,
        DataType::Decimal {
            precision: Some(10),
            scale: Some(2)
        }
    );
    assert!(!column(track, "Name").nullable && column(track, "Composer").nullable);
    assert_eq!(track.primary_key, Some(key(Some("PK_Track"), &["TrackId"])));
    assert_eq!(
        table(&schema, "InvoiceLine").foreign_keys,
        [
            foreign_key(&["InvoiceId"], "Invoice", &["InvoiceId"]),
            foreign_key(&["TrackId"], "Track", &["TrackId"])
        ]
    );
}

#[test]
fn the_sample_has_the_book_sales_view_and_the_genre_and_status_enums() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/sample/sample.sql");
    let sql = std::fs::read_to_string(path).expect("the sample is in the repository");
    let (schema, warnings) = parse(&sql, Dialect::Sqlite, path).expect("the sample parses");
    assert!(warnings.is_empty(), "{warnings:?}");
    let sales = table(&schema, "book_sales");
    assert_eq!(sales.kind, TableKind::View);
    assert_eq!(
        column_names(sales),
        ["book_id", "title", "copies", "revenue"]
    );
    assert_eq!(sql_types(sales), ["INTEGER", "TEXT", "", ""]);
    assert_eq!(
        column(table(&schema, "books"), "genre").enum_values,
        strings(&["fiction", "poetry", "history", "science", "children"])
    );
    assert_eq!(
        column(table(&schema, "orders"), "status").enum_values,
        strings(&["pending", "shipped", "delivered", "cancelled"])
    );
}

fn routine_names(schema: &Schema) -> Vec<String> {
    schema
        .routines
        .iter()
        .map(|r| match &r.schema {
            Some(s) => format!("{s}.{}({})", r.name, r.signature),
            None => format!("{}({})", r.name, r.signature),
        })
        .collect()
}

#[test]
fn a_file_of_routines_only_is_not_empty() {
    let (schema, warnings) = parse_as(
        Dialect::Postgres,
        "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(routine_names(&schema), ["one()"]);
}

#[test]
fn postgres_routines_are_replaced_dropped_and_commented_by_signature() {
    let (schema, warnings) = parse_as(
        Dialect::Postgres,
        "CREATE SCHEMA s;
         CREATE FUNCTION s.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
         CREATE FUNCTION s.f(a text) RETURNS text LANGUAGE sql AS 'SELECT a';
         COMMENT ON FUNCTION s.f(integer) IS 'On integers';
         CREATE OR REPLACE FUNCTION s.f(b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT b';
         DROP FUNCTION IF EXISTS s.f(text), nowhere(int);
         SET search_path = s;
         COMMENT ON FUNCTION f IS 'Only one left';
         COMMENT ON FUNCTION g(int) IS 'No such function';
         ALTER FUNCTION f(int) OWNER TO postgres;",
    );
    assert_eq!(routine_names(&schema), ["s.f(integer)"]);
    let f = &schema.routines[0];
    assert_eq!(f.comment.as_deref(), Some("Only one left"));
    assert_eq!(f.parameters[0].name.as_deref(), Some("b"));
    assert!(f.read_only);
    let messages: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [(
            "schema.sql:9",
            "skipped COMMENT ON FUNCTION g(integer): no function of that name and arguments is \
             created before it in this file"
        )]
    );
}

#[test]
fn postgres_routines_that_cannot_be_read_are_left_out_with_their_line() {
    let (schema, warnings) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE t (a int);
         CREATE FUNCTION f(a nowhere.t.c%TYPE) RETURNS int LANGUAGE sql AS 'SELECT 1';
         CREATE FUNCTION g RETURNS int LANGUAGE sql AS 'SELECT 1';",
    );
    assert!(schema.routines.is_empty());
    let messages: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "schema.sql:2",
                "skipped CREATE FUNCTION f: the type nowhere . t . c % type of its argument a is \
                 not understood; the routine is left out"
            ),
            (
                "schema.sql:3",
                "skipped CREATE FUNCTION g: no argument list after its name; the routine is \
                 left out"
            ),
        ]
    );
}

#[test]
fn postgres_skipped_routines_are_noted_once_at_their_name() {
    let (schema, warnings) = parse_as(
        Dialect::Postgres,
        "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE OR REPLACE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
         CREATE FUNCTION _sum(numeric, numeric) RETURNS numeric LANGUAGE sql AS 'SELECT $1 + $2';
         CREATE AGGREGATE total(numeric) (SFUNC = _sum, STYPE = numeric);
         CREATE AGGREGATE old_style (BASETYPE = numeric, SFUNC = _sum, STYPE = numeric);",
    );
    assert_eq!(routine_names(&schema), ["_sum(numeric, numeric)"]);
    let locations: Vec<&str> = warnings.iter().map(|w| w.location.as_str()).collect();
    assert_eq!(
        locations,
        ["old_style(numeric)", "stamp()", "total(numeric)"]
    );
}

#[test]
fn mysql_routines_follow_delimiters_drops_and_replacements() {
    let (schema, warnings) = parse_as(
        Dialect::Mysql,
        "USE shop;
         DELIMITER $$
         CREATE PROCEDURE p(OUT n INT) BEGIN SELECT 1 INTO n; END $$
         CREATE FUNCTION f() RETURNS INT RETURN 1$$
         CREATE FUNCTION other.g() RETURNS INT RETURN 2$$
         DELIMITER ;
         DROP FUNCTION IF EXISTS f;
         CREATE OR REPLACE PROCEDURE p() SELECT 2;
         CREATE FUNCTION broken(a) RETURNS INT RETURN 1;",
    );
    assert_eq!(routine_names(&schema), ["p()", "other.g()"]);
    assert_eq!(
        schema.routines[0].returns,
        crate::model::Returns::ResultSets
    );
    let messages: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [(
            "schema.sql:9",
            "skipped CREATE FUNCTION broken: the parameter a has no type; the routine is left out"
        )]
    );
}

#[test]
fn a_view_column_that_calls_a_function_has_the_type_it_returns() {
    let (schema, warnings) = parse_as(
        Dialect::Postgres,
        "CREATE TABLE t (id int PRIMARY KEY, n numeric(5,2));
         CREATE FUNCTION half(x numeric, OUT h numeric) RETURNS numeric LANGUAGE sql AS 'SELECT x / 2';
         CREATE FUNCTION tags(x int) RETURNS SETOF text LANGUAGE sql AS 'SELECT x::text';
         CREATE FUNCTION pairs() RETURNS TABLE (a int) LANGUAGE sql AS 'SELECT 1';
         CREATE VIEW v AS SELECT half(n) AS h, tags(id) AS tag FROM t;",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let view = schema
        .tables
        .iter()
        .find(|table| table.name == "v")
        .expect("the view");
    let types: Vec<(&str, &str)> = view
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.sql_type.as_str()))
        .collect();
    assert_eq!(types, [("h", "NUMERIC"), ("tag", "TEXT")]);
}

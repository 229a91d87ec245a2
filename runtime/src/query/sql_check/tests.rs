//! `query_sql`'s checker: what it accepts, written as it runs, and why it refuses the rest;
//! and the corpus of hostile statements (`runtime/tests/corpus/query_sql.jsonl`), every one
//! refused in each database it names, but those marked with what they run as (`"runs"`): one
//! harmless query, the rest of the client's text a comment or a string.
//!
//! The tables are Chinook's, as each database spells them: `Album`, `Artist`, `Track` in
//! MySQL and SQLite, `album`, `artist`, `track` in PostgreSQL, as the end-to-end tests serve
//! them; and the runtime's fixtures for routines and schemas.

use serde_json::{Value, json};

use super::*;
use crate::backend::{register, register_routine};
use crate::{McpProcedure, McpTable, fixtures};

/// Chinook's albums, as MySQL and SQLite spell them.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "Album")]
struct Album {
    #[mcp(column = "AlbumId", primary_key)]
    album_id: i64,
    #[mcp(column = "Title")]
    title: String,
    #[mcp(column = "ArtistId")]
    artist_id: i64,
}

/// Chinook's artists, as MySQL and SQLite spell them.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "Artist")]
struct Artist {
    #[mcp(column = "ArtistId", primary_key)]
    artist_id: i64,
    #[mcp(column = "Name")]
    name: Option<String>,
}

/// Chinook's tracks, as MySQL and SQLite spell them.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "Track")]
struct Track {
    #[mcp(column = "TrackId", primary_key)]
    track_id: i64,
    #[mcp(column = "Name")]
    name: String,
    #[mcp(column = "AlbumId")]
    album_id: Option<i64>,
    #[mcp(column = "Milliseconds")]
    milliseconds: i64,
}

/// Chinook's albums, as PostgreSQL spells them.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "album")]
struct PgAlbum {
    #[mcp(primary_key)]
    album_id: i32,
    title: String,
    artist_id: i32,
}

/// Chinook's artists, as PostgreSQL spells them.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "artist")]
struct PgArtist {
    #[mcp(primary_key)]
    artist_id: i32,
    name: Option<String>,
}

/// Chinook's tracks, as PostgreSQL spells them.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "track")]
struct PgTrack {
    #[mcp(primary_key)]
    track_id: i32,
    name: String,
    album_id: Option<i32>,
    milliseconds: i32,
}

/// A table outside the default schema, with a name that needs quotes.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "Invoice Lines", schema = "billing")]
struct InvoiceLine {
    #[mcp(column = "Line Id", primary_key)]
    line_id: i64,
}

/// A read-only function of one value whose parameter's type is known.
#[derive(McpProcedure)]
#[mcp(crate = "crate", function = "price_with_tax", read_only)]
struct PriceWithTax {
    #[mcp(sql_type = "numeric")]
    price: Option<crate::types::Decimal>,
    #[mcp(value)]
    price_with_tax: Option<crate::types::Decimal>,
}

/// A function that writes.
#[derive(McpProcedure)]
#[mcp(crate = "crate", function = "add_note")]
struct AddNote {
    #[mcp(sql_type = "text")]
    body: String,
    #[mcp(value)]
    add_note: Option<i64>,
}

fn chinook(engine: Engine) -> Catalog {
    let tables = match engine {
        Engine::Postgres => vec![
            register::<PgAlbum>(),
            register::<PgArtist>(),
            register::<PgTrack>(),
            register::<InvoiceLine>(),
        ],
        Engine::Mysql | Engine::Sqlite => vec![
            register::<Album>(),
            register::<Artist>(),
            register::<Track>(),
            register::<InvoiceLine>(),
        ],
    };
    let routines = vec![
        register_routine::<PriceWithTax>(),
        register_routine::<AddNote>(),
    ];
    Catalog::new(tables, routines).expect("a catalog")
}

fn default_schema(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "public",
        Engine::Mysql => "chinook",
        Engine::Sqlite => "main",
    }
}

fn checked(engine: Engine, sql: &str) -> Result<CheckedSql, String> {
    check(
        &chinook(engine),
        &Unreadable::new(),
        engine,
        default_schema(engine),
        sql,
    )
    .map_err(|error| error.to_string())
}

/// The statement as it runs; panics with the refusal when it is refused.
#[track_caller]
fn runs(engine: Engine, sql: &str) -> String {
    match checked(engine, sql) {
        Ok(checked) => checked.sql,
        Err(refusal) => panic!("{engine:?} refused {sql:?}: {refusal}"),
    }
}

/// The refusal; panics when the statement is accepted, or refused for another reason.
#[track_caller]
fn refused(engine: Engine, sql: &str, reason: &str) -> String {
    match checked(engine, sql) {
        Ok(checked) => panic!("{engine:?} accepted {sql:?} as {:?}", checked.sql),
        Err(refusal) => {
            assert!(
                refusal.starts_with("query_sql refused the statement, which did not run: "),
                "{refusal}"
            );
            assert!(
                refusal.contains(reason),
                "{engine:?} refused {sql:?} saying {refusal:?}, not {reason:?}"
            );
            refusal
        }
    }
}

const ENGINES: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

// --- what is accepted, as it runs ------------------------------------------------------------

#[test]
fn a_join_with_an_aggregate_runs_with_relations_quoted_and_built_ins_from_pg_catalog() {
    assert_eq!(
        runs(
            Engine::Postgres,
            "SELECT ar.name, count(*) AS albums FROM artist ar JOIN album al ON al.artist_id = ar.artist_id GROUP BY ar.name HAVING count(*) > 1 ORDER BY albums DESC LIMIT 5"
        ),
        "SELECT ar.name, pg_catalog.count(*) AS albums FROM \"artist\" ar JOIN \"album\" al ON al.artist_id = ar.artist_id GROUP BY ar.name HAVING pg_catalog.count(*) > 1 ORDER BY albums DESC LIMIT 5"
    );
    assert_eq!(
        runs(
            Engine::Mysql,
            "SELECT ar.Name, COUNT(*) AS albums FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.Name ORDER BY albums DESC LIMIT 5"
        ),
        "SELECT ar.Name, COUNT(*) AS albums FROM `Artist` ar JOIN `Album` al ON al.ArtistId = ar.ArtistId GROUP BY ar.Name ORDER BY albums DESC LIMIT 5"
    );
    assert_eq!(
        runs(
            Engine::Sqlite,
            "select ar.Name, count(*) from artist ar join ALBUM al using (ArtistId) group by 1"
        ),
        "SELECT ar.Name, count(*) FROM \"Artist\" ar JOIN \"Album\" al USING(ArtistId) GROUP BY 1"
    );
}

#[test]
fn comments_are_not_part_of_what_runs() {
    for engine in ENGINES {
        assert_eq!(
            runs(
                engine,
                "SELECT 1 -- ; DELETE FROM Album\n/* ; DROP TABLE Album */"
            ),
            "SELECT 1"
        );
    }
}

#[test]
fn mysql_executable_comments_are_checked_as_the_code_they_are() {
    assert_eq!(
        runs(Engine::Mysql, "SELECT 1 /*!50000 , 2 */"),
        "SELECT 1, 2"
    );
    refused(
        Engine::Mysql,
        "SELECT 1 /*!50000 , SLEEP(5) */",
        "the function SLEEP is not accepted",
    );
}

#[test]
fn ctes_subqueries_set_operations_values_and_windows_are_accepted() {
    for (engine, sql) in [
        (
            Engine::Postgres,
            "WITH long AS (SELECT album_id, sum(milliseconds) AS total FROM track GROUP BY album_id) SELECT a.title, l.total FROM long l JOIN album a USING (album_id) WHERE l.total > (SELECT avg(total) FROM long)",
        ),
        (
            Engine::Postgres,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n",
        ),
        (
            Engine::Postgres,
            "SELECT name, row_number() OVER (PARTITION BY album_id ORDER BY milliseconds DESC) FROM track",
        ),
        (
            Engine::Postgres,
            "SELECT title FROM album WHERE EXISTS (SELECT 1 FROM track t WHERE t.album_id = album.album_id) UNION SELECT name FROM artist",
        ),
        (
            Engine::Postgres,
            "SELECT string_agg(title, ', ' ORDER BY title) FILTER (WHERE title LIKE 'A%') FROM album",
        ),
        (Engine::Postgres, "VALUES (1, 'a'), (2, 'b')"),
        (
            Engine::Postgres,
            "SELECT CAST(album_id AS text), title::varchar(10), DATE '2024-01-31', coalesce(title, 'x'), date_trunc('year', now()) FROM album",
        ),
        (
            Engine::Mysql,
            "SELECT GROUP_CONCAT(Title ORDER BY Title SEPARATOR ', ') FROM Album",
        ),
        (
            Engine::Mysql,
            "SELECT IF(COUNT(*) > 1, 'many', 'few'), DATE_FORMAT(NOW(), '%Y') FROM Album LIMIT 5, 10",
        ),
        (
            Engine::Sqlite,
            "SELECT strftime('%Y', 'now'), iif(count(*) > 1, 'many', 'few') FROM Album",
        ),
        (
            Engine::Sqlite,
            "SELECT Title FROM Album WHERE Title GLOB 'A*' OR Title REGEXP '^B'",
        ),
    ] {
        runs(engine, sql);
    }
}

#[test]
fn a_cte_named_like_a_table_is_the_cte() {
    assert_eq!(
        runs(
            Engine::Postgres,
            "WITH album AS (SELECT 1 AS x) SELECT * FROM album"
        ),
        "WITH album AS (SELECT 1 AS x) SELECT * FROM album"
    );
}

#[test]
fn explain_of_a_query_is_accepted() {
    assert_eq!(
        runs(
            Engine::Postgres,
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM album"
        ),
        "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM \"album\""
    );
    runs(Engine::Mysql, "EXPLAIN SELECT * FROM Album");
    runs(Engine::Sqlite, "EXPLAIN QUERY PLAN SELECT * FROM Album");
    refused(
        Engine::Postgres,
        "EXPLAIN (ANALYZE, SERIALIZE TEXT) SELECT 1",
        "EXPLAIN option SERIALIZE is not accepted",
    );
}

#[test]
fn names_are_matched_as_each_database_reads_them() {
    // PostgreSQL folds unquoted names to lower case; quoted ones are exact.
    assert_eq!(
        runs(Engine::Postgres, "SELECT * FROM ALBUM"),
        "SELECT * FROM \"album\""
    );
    refused(
        Engine::Postgres,
        "SELECT * FROM \"Album\"",
        "\"Album\" is not a table or view this server serves",
    );
    // MySQL: exactly as the catalog spells them.
    refused(
        Engine::Mysql,
        "SELECT * FROM album",
        "write its name as the database spells it: Album",
    );
    // SQLite ignores the case of ASCII letters.
    assert_eq!(
        runs(Engine::Sqlite, "SELECT * FROM \"ALBUM\""),
        "SELECT * FROM \"Album\""
    );
}

#[test]
fn schemas_are_named_as_the_catalog_spells_them() {
    assert_eq!(
        runs(Engine::Postgres, "SELECT * FROM billing.\"Invoice Lines\""),
        "SELECT * FROM \"billing\".\"Invoice Lines\""
    );
    assert_eq!(
        runs(Engine::Postgres, "SELECT * FROM public.album"),
        "SELECT * FROM \"public\".\"album\""
    );
    assert_eq!(
        runs(Engine::Mysql, "SELECT * FROM chinook.Album"),
        "SELECT * FROM `chinook`.`Album`"
    );
    assert_eq!(
        runs(Engine::Sqlite, "SELECT * FROM main.Album"),
        "SELECT * FROM \"main\".\"Album\""
    );
    refused(
        Engine::Postgres,
        "SELECT * FROM \"Invoice Lines\"",
        "is not a table or view this server serves",
    );
    refused(
        Engine::Postgres,
        "SELECT * FROM chinook.public.album",
        "names a relation in another database",
    );
}

#[test]
fn strings_run_in_a_spelling_every_setting_reads_alike() {
    // MySQL's "text" is a string, or a name under ANSI_QUOTES: single quotes read the same
    // either way.
    assert_eq!(runs(Engine::Mysql, "SELECT \"it's\""), "SELECT 'it''s'");
    assert_eq!(runs(Engine::Postgres, "SELECT E'a\\tb'"), "SELECT 'a\tb'");
    // A backslash PostgreSQL reads as itself, or MySQL as escaped, would run as a backslash
    // the server may read either way.
    refused(
        Engine::Postgres,
        "SELECT 'a\\b'",
        "a string literal holds a backslash",
    );
    refused(
        Engine::Mysql,
        "SELECT 'a\\\\b'",
        "a string literal holds a backslash",
    );
    assert_eq!(runs(Engine::Sqlite, "SELECT 'a\\b'"), "SELECT 'a\\b'");
    // MySQL's escapes are read once, as the server reads them by default: what runs holds the
    // characters they stand for, and no backslash.
    assert_eq!(
        runs(
            Engine::Mysql,
            "SELECT Title FROM Album WHERE Title = '\\' OR 1=1; DELETE FROM Album; -- '"
        ),
        "SELECT Title FROM `Album` WHERE Title = ''' OR 1=1; DELETE FROM Album; -- '"
    );
}

#[test]
fn postgresql_ceil_and_floor_are_pg_catalog_s() {
    assert_eq!(
        runs(
            Engine::Postgres,
            "SELECT CEIL(milliseconds / 1000.0), floor(1.5) FROM track"
        ),
        "SELECT pg_catalog.\"ceil\"(milliseconds / 1000.0), pg_catalog.\"floor\"(1.5) FROM \"track\""
    );
}

#[test]
fn every_built_in_is_accepted_as_it_is_listed() {
    for engine in ENGINES {
        for name in allowed::builtins(engine) {
            let sql = match allowed::builtin(engine, name) {
                Some(Kind::Window) => format!("SELECT {name}(1) OVER ()"),
                Some(Kind::Keyword) => format!("SELECT {name}"),
                Some(Kind::Aggregate) => format!("SELECT {name}(1) FROM Album"),
                _ => format!("SELECT {name}(1)"),
            };
            let sql = if engine == Engine::Postgres {
                sql.replace("Album", "album")
            } else {
                sql
            };
            runs(engine, &sql);
        }
    }
}

#[test]
fn names_that_read_the_session_are_refused_and_the_current_date_is_not() {
    refused(
        Engine::Postgres,
        "SELECT current_role",
        "current_role reads the session",
    );
    refused(
        Engine::Mysql,
        "SELECT CURRENT_USER",
        "CURRENT_USER reads the session",
    );
    refused(
        Engine::Postgres,
        "SELECT session_user",
        "the function session_user",
    );
    assert_eq!(
        runs(Engine::Postgres, "SELECT current_date, now()"),
        "SELECT current_date, pg_catalog.now()"
    );
    runs(Engine::Sqlite, "SELECT CURRENT_TIMESTAMP");
}

#[test]
fn a_statement_that_does_not_read_back_the_same_is_refused() {
    // Written out, `- - 1` would become `--1`: a comment.
    refused(
        Engine::Postgres,
        "SELECT - - 1",
        "does not read back the same",
    );
}

#[test]
fn served_read_only_functions_are_called_qualified_and_in_postgresql_with_typed_arguments() {
    assert_eq!(
        runs(Engine::Postgres, "SELECT price_with_tax(1.5)"),
        "SELECT \"public\".\"price_with_tax\"(CAST(1.5 AS NUMERIC))"
    );
    assert_eq!(
        runs(Engine::Mysql, "SELECT price_with_tax(1.5)"),
        "SELECT `chinook`.`price_with_tax`(1.5)"
    );
    refused(
        Engine::Postgres,
        "SELECT price_with_tax()",
        "takes 1 arguments in query_sql",
    );
    refused(
        Engine::Postgres,
        "SELECT add_note('x')",
        "the function add_note is not accepted",
    );
}

#[test]
fn placeholders_are_counted_per_database() {
    let count = |engine, sql| checked(engine, sql).map(|checked| checked.placeholders);
    assert_eq!(
        count(
            Engine::Postgres,
            "SELECT * FROM album WHERE album_id = $2 OR title = $1"
        ),
        Ok(2)
    );
    assert_eq!(
        count(
            Engine::Mysql,
            "SELECT * FROM Album WHERE AlbumId = ? OR Title = ?"
        ),
        Ok(2)
    );
    assert_eq!(count(Engine::Sqlite, "SELECT * FROM Album LIMIT ?"), Ok(1));
    refused(Engine::Sqlite, "SELECT ?1", "?1 is not accepted");
    refused(Engine::Postgres, "SELECT $0", "$0 is not a parameter");
}

#[test]
fn params_are_plain_values_one_per_placeholder() {
    let catalog = chinook(Engine::Postgres);
    let parse = |arguments: Value| {
        let Value::Object(arguments) = arguments else {
            unreachable!()
        };
        SqlRequest::parse(
            &catalog,
            &Unreadable::new(),
            Engine::Postgres,
            "public",
            &arguments,
        )
        .map_err(|error| error.to_string())
    };
    let request = parse(json!({
        "sql": "SELECT $1, $2, $3, $4, $5",
        "params": [null, true, 7, 1.5, "x"],
    }))
    .expect("accepted");
    assert_eq!(
        request.params,
        vec![
            SqlValue::Null,
            SqlValue::Boolean(true),
            SqlValue::Integer(7),
            SqlValue::Float(1.5),
            SqlValue::Text("x".to_owned()),
        ]
    );
    let error = parse(json!({"sql": "SELECT $1, $2", "params": [1]})).unwrap_err();
    assert!(error.contains("2 placeholders"), "{error}");
    let error = parse(json!({"sql": "SELECT $1", "params": [[1]]})).unwrap_err();
    assert!(error.contains("params[0] is an array or object"), "{error}");
    let error = parse(json!({"sql": "SELECT 1", "table": "album"})).unwrap_err();
    assert!(error.contains("\"table\" is neither"), "{error}");
    let error = parse(json!({"params": []})).unwrap_err();
    assert!(error.contains("needs `sql`"), "{error}");
    let error =
        parse(json!({"sql": "SELECT $1", "params": [18446744073709551615u64]})).unwrap_err();
    assert!(error.contains("larger than a 64-bit integer"), "{error}");
}

#[test]
fn the_fixture_catalog_is_checked_too() {
    let catalog = fixtures::catalog();
    let sql = check(
        &catalog,
        &Unreadable::new(),
        Engine::Postgres,
        "public",
        "SELECT f.title, p.label FROM film f JOIN sales.pairs p ON p.a = f.film_id",
    )
    .expect("accepted")
    .sql;
    assert_eq!(
        sql,
        "SELECT f.title, p.label FROM \"film\" f JOIN \"sales\".\"pairs\" p ON p.a = f.film_id"
    );
}

// --- why the rest is refused ---------------------------------------------------------------

#[test]
fn more_than_one_statement_is_refused() {
    for engine in ENGINES {
        refused(engine, "SELECT 1; SELECT 2", "it holds 2 statements");
        refused(engine, "", "it holds no statement");
    }
    refused(
        Engine::Postgres,
        "COMMIT; DROP SCHEMA public CASCADE;",
        "it holds 2 statements",
    );
}

#[test]
fn statements_other_than_queries_are_refused_by_kind() {
    refused(
        Engine::Postgres,
        "DROP SCHEMA public CASCADE",
        "not a DROP SCHEMA statement",
    );
    refused(
        Engine::Mysql,
        "DELETE FROM Album",
        "not a DELETE FROM statement",
    );
    refused(
        Engine::Sqlite,
        "PRAGMA query_only = 0",
        "not a PRAGMA statement",
    );
    refused(
        Engine::Postgres,
        "EXPLAIN ANALYZE DELETE FROM album",
        "EXPLAIN is accepted of a query only",
    );
}

#[test]
fn into_locks_and_writing_ctes_are_refused() {
    refused(
        Engine::Postgres,
        "SELECT * INTO copy FROM album",
        "SELECT ... INTO is not accepted",
    );
    refused(
        Engine::Mysql,
        "SELECT 1 INTO @x",
        "SELECT ... INTO is not accepted",
    );
    refused(
        Engine::Postgres,
        "SELECT * FROM album FOR UPDATE",
        "locking clauses",
    );
    refused(
        Engine::Postgres,
        "WITH d AS (DELETE FROM album RETURNING *) SELECT * FROM d",
        "a statement that writes",
    );
}

#[test]
fn relations_outside_the_served_ones_are_refused() {
    for (engine, sql) in [
        (Engine::Postgres, "SELECT * FROM pg_catalog.pg_authid"),
        (Engine::Postgres, "SELECT * FROM information_schema.tables"),
        (Engine::Mysql, "SELECT * FROM mysql.user"),
        (Engine::Sqlite, "SELECT * FROM sqlite_master"),
    ] {
        refused(engine, sql, "is not a table or view this server serves");
    }
    refused(
        Engine::Postgres,
        "SELECT * FROM generate_series(1, 10)",
        "is a table function",
    );
    refused(
        Engine::Sqlite,
        "SELECT * FROM Album, json_each('[1]')",
        "is a table function",
    );
}

#[test]
fn a_cte_is_visible_only_after_its_definition() {
    // In `WITH a AS (... b ...), b AS (...)`, the `b` inside `a` is a table, not the CTE.
    refused(
        Engine::Postgres,
        "WITH a AS (SELECT * FROM artist2), artist2 AS (SELECT 1) SELECT * FROM a",
        "artist2 is not a table or view this server serves",
    );
    // Without RECURSIVE, a CTE's own name inside it is a table.
    refused(
        Engine::Postgres,
        "WITH x AS (SELECT * FROM x) SELECT * FROM x",
        "x is not a table or view",
    );
    // A CTE of a subquery is not visible outside it.
    refused(
        Engine::Postgres,
        "SELECT * FROM (WITH y AS (SELECT 1) SELECT * FROM y) s, y",
        "y is not a table or view",
    );
}

#[test]
fn functions_outside_the_allow_list_are_refused() {
    for (engine, sql) in [
        (Engine::Postgres, "SELECT pg_sleep(1)"),
        (Engine::Postgres, "SELECT pg_catalog.pg_sleep(1)"),
        (Engine::Postgres, "SELECT set_config('a.b', 'c', false)"),
        (Engine::Postgres, "SELECT nextval('s')"),
        (Engine::Mysql, "SELECT SLEEP(1)"),
        (Engine::Mysql, "SELECT LOAD_FILE('/etc/passwd')"),
        (Engine::Sqlite, "SELECT load_extension('x')"),
    ] {
        refused(
            engine,
            sql,
            "is not accepted: query_sql calls only pure built-in",
        );
    }
    // Quoted in capitals (PostgreSQL) or at all (MySQL), a name is no built-in: it could be
    // the schema's own function.
    refused(
        Engine::Postgres,
        "SELECT \"LOWER\"('A')",
        "the function \"LOWER\"",
    );
    refused(Engine::Mysql, "SELECT `abs`(1)", "the function `abs`");
    refused(
        Engine::Postgres,
        "SELECT row_number() FROM album",
        "is a window function: it needs OVER",
    );
}

#[test]
fn variables_odd_names_and_casts_to_other_types_are_refused() {
    refused(Engine::Mysql, "SELECT @@version", "variables");
    refused(Engine::Mysql, "SELECT @x", "variables");
    refused(Engine::Sqlite, "SELECT :x", ":x is not accepted");
    refused(
        Engine::Postgres,
        "SELECT 'pg_authid'::regclass",
        "casting to REGCLASS is not accepted",
    );
    refused(
        Engine::Postgres,
        "SELECT CAST(1 AS my_domain)",
        "casting to my_domain is not accepted",
    );
    refused(
        Engine::Postgres,
        "SELECT * FROM \"pg_authid\"",
        "is not a table or view",
    );
    refused(
        Engine::Postgres,
        "SELECT sl\u{e9}ep(1)",
        "is not plain ASCII",
    );
    refused(
        Engine::Sqlite,
        "SELECT [Title] FROM Album",
        "quote names with \"",
    );
}

#[test]
fn postgresql_function_notation_on_a_served_table_is_refused() {
    // `a.f` is `f(a)` in PostgreSQL when `a` has no column `f`.
    refused(
        Engine::Postgres,
        "SELECT a.notes_of FROM album a",
        "a.notes_of is not a column of album",
    );
    refused(
        Engine::Postgres,
        "SELECT (a).title FROM album a",
        "field access (x).f is not accepted",
    );
    runs(Engine::Postgres, "SELECT a.title FROM album a");
}

#[test]
fn long_and_deep_statements_are_refused_without_overflowing() {
    let long = format!("SELECT '{}'", "x".repeat(MAX_SQL_BYTES));
    refused(Engine::Sqlite, &long, "bytes long");
    // The deepest trees the longest statement makes, checked on a thread with the stack of a
    // tokio worker (2 MiB), which calls run on.
    let deepest = |unit: &str| {
        let room = MAX_SQL_BYTES - "SELECT 1".len();
        format!("SELECT 1{}", unit.repeat(room / unit.len()))
    };
    let statements = [
        deepest("+1"),
        deepest("||1"),
        deepest(" AND 1"),
        format!("SELECT {}1{}", "(".repeat(8000), ")".repeat(8000)),
        format!("SELECT {}1", "-".repeat(16000)),
        format!("SELECT {}", "NOT ".repeat(4000)),
        format!(
            "SELECT * FROM {}Album{}",
            "(".repeat(8000),
            ")".repeat(8000)
        ),
    ];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for engine in ENGINES {
                for sql in &statements {
                    assert!(sql.len() <= MAX_SQL_BYTES);
                    let refusal = checked(engine, sql).expect_err("refused");
                    assert!(
                        refusal.contains("does not parse") || refusal.contains("nests more than"),
                        "{refusal}"
                    );
                }
            }
        })
        .expect("a thread")
        .join()
        .expect("no overflow");
}

// --- the corpus ------------------------------------------------------------------------------

#[test]
fn every_statement_of_the_corpus_is_refused_in_each_database_it_names() {
    let corpus = include_str!("../../../tests/corpus/query_sql.jsonl");
    let catalogs: Vec<(Engine, &str, Catalog)> = [
        (Engine::Postgres, "pg"),
        (Engine::Mysql, "my"),
        (Engine::Sqlite, "lite"),
    ]
    .into_iter()
    .map(|(engine, tag)| (engine, tag, chinook(engine)))
    .collect();
    let mut statements = 0;
    let mut checks = 0;
    let mut failures = Vec::new();
    for (number, line) in corpus.lines().enumerate() {
        let entry: Value = serde_json::from_str(line).expect("one JSON object a line");
        let sql = entry["sql"].as_str().expect("sql");
        let engines = entry["engines"].as_str().expect("engines");
        let expect = entry.get("expect").and_then(Value::as_str);
        statements += 1;
        for tag in engines.split_whitespace() {
            let (engine, _, catalog) = catalogs
                .iter()
                .find(|(_, known, _)| *known == tag)
                .unwrap_or_else(|| panic!("line {}: no database {tag:?}", number + 1));
            checks += 1;
            let outcome = check(
                catalog,
                &Unreadable::new(),
                *engine,
                default_schema(*engine),
                sql,
            );
            if let Some(runs) = entry.get("runs").and_then(Value::as_str) {
                match outcome {
                    Ok(accepted) if accepted.sql == runs => {}
                    other => failures.push(format!(
                        "line {}: {engine:?} should run {sql:?} as {runs:?}; got {other:?}",
                        number + 1
                    )),
                }
                continue;
            }
            match outcome {
                Ok(accepted) => failures.push(format!(
                    "line {}: {engine:?} accepted {sql:?} as {:?}",
                    number + 1,
                    accepted.sql
                )),
                Err(refusal) => {
                    if let Some(expect) = expect
                        && !refusal.to_string().contains(expect)
                    {
                        failures.push(format!(
                            "line {}: {engine:?} refused {sql:?} saying {refusal}, not {expect:?}",
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(statements >= 300, "{statements} statements");
    assert!(checks >= statements, "{checks} checks");
}

#[test]
fn a_table_whose_struct_leaves_out_columns_is_not_read_whatever_the_statement_names() {
    for engine in ENGINES {
        let catalog = chinook(engine);
        let album = (0..catalog.tables().len())
            .find(|&index| catalog.table(index).def.name.eq_ignore_ascii_case("album"))
            .expect("Album is served");
        let unreadable = Unreadable::from([(album, vec!["secret".to_owned()])]);
        let schema = default_schema(engine);
        for sql in [
            "SELECT * FROM album",
            "SELECT a.secret FROM artist JOIN album AS a ON true",
            "WITH x AS (SELECT * FROM album) SELECT * FROM x",
        ] {
            // The PostgreSQL fixture's tables are lower case; the others' as Chinook spells them.
            let sql = if engine == Engine::Postgres {
                sql.to_owned()
            } else {
                sql.replace("album", "Album").replace("artist", "Artist")
            };
            let refusal = check(&catalog, &unreadable, engine, schema, &sql)
                .map(|checked| checked.sql)
                .expect_err("a statement over Album is refused");
            assert!(
                refusal.to_string().contains("does not serve (secret)"),
                "{engine:?}: {refusal}"
            );
        }
        let artist = if engine == Engine::Postgres {
            "SELECT * FROM artist"
        } else {
            "SELECT * FROM Artist"
        };
        assert!(check(&catalog, &unreadable, engine, schema, artist).is_ok());
    }
}

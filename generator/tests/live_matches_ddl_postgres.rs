//! Live introspection of PostgreSQL and parsing of the same DDL file give the same model:
//! each script is loaded into a throwaway database with `psql` and introspected, and parsed as
//! a `--dialect postgres` DDL file.
//!
//! For Chinook, Pagila, the older Sakila port and a schema of mcpgen's own the two models are
//! equal table by table, views included. For MusicBrainz they are equal but for one view,
//! listed in [`MUSICBRAINZ_DIFFERENCES`] with the reason.
//!
//! Routines too: Pagila's, the older Sakila port's and a schema of routines of mcpgen's own
//! are equal routine by routine, and the routines left out are the same with the same
//! warnings. MusicBrainz's are equal but for the two its `DO` block creates, listed in
//! [`MUSICBRAINZ_ROUTINE_DIFFERENCES`]; live introspection also notes the functions of its
//! three extensions, which a DDL file does not list.
//!
//! Run with `MCPGEN_REQUIRE_SERVICES=1` to fail instead of skipping when the server or the
//! datasets are missing.

mod common;

use common::databases::{Server, TempDatabase, without_database_switches};
use mcpgen::introspect::{IntrospectError, Source, ddl, introspect};
use mcpgen::model::{
    Column, DataType, Dialect, Key, Parameter, ParameterMode, Returns, Routine, RoutineKind,
    Schema, Table, TableKind, Warning,
};

/// The live schema of `database`, with the warnings.
async fn live_with_warnings(database: &TempDatabase) -> (Schema, Vec<Warning>) {
    introspect(&Source::Database {
        url: database.url(),
    })
    .await
    .expect("the database reads")
}

/// The live schema of `database`.
async fn live(database: &TempDatabase) -> Schema {
    live_with_warnings(database).await.0
}

/// The warnings about routines left out: those at a routine, `schema.name(signature)`.
fn routine_warnings(warnings: &[Warning]) -> Vec<Warning> {
    warnings
        .iter()
        .filter(|warning| warning.location.ends_with(')'))
        .cloned()
        .collect()
}

/// The warnings about anything but routines.
fn other_warnings(warnings: &[Warning]) -> Vec<Warning> {
    warnings
        .iter()
        .filter(|warning| !warning.location.ends_with(')') && !is_extension_warning(warning))
        .cloned()
        .collect()
}

/// The warning about the functions of an extension, which live introspection leaves out.
fn is_extension_warning(warning: &Warning) -> bool {
    warning.location.starts_with("extension ")
}

/// `schema.name(signature)` of a routine.
fn routine_location(routine: &Routine) -> String {
    match &routine.schema {
        Some(schema) => format!("{schema}.{}({})", routine.name, routine.signature),
        None => format!("{}({})", routine.name, routine.signature),
    }
}

/// The two models have the same routines, equal one by one, but for those of `known`
/// (`schema.name(signature)`, why), which live introspection has and the DDL file cannot
/// give.
fn assert_same_routines(live: &Schema, ddl: &Schema, known: &[(&str, &str)]) {
    let live_routines: Vec<&Routine> = live
        .routines
        .iter()
        .filter(|routine| {
            !known
                .iter()
                .any(|(location, _)| *location == routine_location(routine))
        })
        .collect();
    let locations = |routines: &[&Routine]| -> Vec<String> {
        routines.iter().map(|r| routine_location(r)).collect()
    };
    let ddl_routines: Vec<&Routine> = ddl.routines.iter().collect();
    assert_eq!(
        locations(&live_routines),
        locations(&ddl_routines),
        "the routines differ"
    );
    for (live, ddl) in live_routines.into_iter().zip(ddl_routines) {
        assert_eq!(
            live,
            ddl,
            "routine {} differs (left: live, right: DDL)",
            routine_location(live)
        );
    }
}

fn routine<'s>(schema: &'s Schema, qualified: Option<&str>, name: &str) -> &'s Routine {
    let mut found = schema
        .routines
        .iter()
        .filter(|r| r.schema.as_deref() == qualified && r.name == name);
    let routine = found
        .next()
        .unwrap_or_else(|| panic!("no routine {qualified:?}.{name}"));
    assert!(found.next().is_none(), "{name} is overloaded");
    routine
}

fn parameter(
    name: Option<&str>,
    mode: ParameterMode,
    sql_type: &str,
    data_type: DataType,
) -> Parameter {
    Parameter {
        name: name.map(str::to_owned),
        mode,
        sql_type: sql_type.to_owned(),
        data_type,
        has_default: false,
        enum_values: Vec::new(),
    }
}

/// The names and types of columns.
fn names_and_types(columns: &[Column]) -> Vec<(&str, &str)> {
    columns
        .iter()
        .map(|c| (c.name.as_str(), c.sql_type.as_str()))
        .collect()
}

/// The columns of the rows a routine returns.
fn row_columns(routine: &Routine) -> &[Column] {
    match &routine.returns {
        Returns::Rows { columns } => columns,
        other => panic!("{} returns {other:?}, not rows", routine.name),
    }
}

/// The schema of the DDL text `sql`, read as `mcpgen inspect --schema FILE --dialect
/// postgres` reads a file, with the warnings.
fn parse_ddl(sql: &str, file: &str) -> (Schema, Vec<Warning>) {
    let (mut schema, warnings) = ddl::parse(sql, Dialect::Postgres, file).expect("the DDL parses");
    schema.link();
    (schema, warnings)
}

/// The two models have the same tables, equal one by one, but for the tables of `known`
/// (qualified name, why), which live introspection has and the DDL file cannot give.
fn assert_same_tables(live: &Schema, ddl: &Schema, known: &[(&str, &str)]) {
    let names = |schema: &Schema| -> Vec<String> {
        schema.tables.iter().map(Table::qualified_name).collect()
    };
    let mut live_names = names(live);
    live_names.retain(|name| !known.iter().any(|(known, _)| known == name));
    assert_eq!(live_names, names(ddl), "the tables differ");
    let live_tables = live.tables.iter().filter(|table| {
        !known
            .iter()
            .any(|(name, _)| *name == table.qualified_name())
    });
    for (live, ddl) in live_tables.zip(&ddl.tables) {
        assert_eq!(
            live,
            ddl,
            "table {} differs (left: live, right: DDL)",
            live.qualified_name()
        );
    }
}

fn table<'s>(schema: &'s Schema, qualified: Option<&str>, name: &str) -> &'s Table {
    schema
        .table(qualified, name)
        .unwrap_or_else(|| panic!("no table {qualified:?}.{name}"))
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

/// A dataset script, or `None` (the test skips) when the datasets are absent.
fn dataset(relative: &str) -> Option<String> {
    let path = common::shared_dataset(relative)?;
    Some(std::fs::read_to_string(path).expect("the script reads"))
}

#[tokio::test]
async fn pagila_reads_the_same_live_and_from_its_ddl() {
    let Some(script) = dataset("pagila/pagila-schema.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Postgres, "pagila") else {
        return;
    };
    database.run(&script);
    let live = live(&database).await;
    let (ddl, warnings) = parse_ddl(&script, "pagila-schema.sql");
    assert!(other_warnings(&warnings).is_empty(), "{warnings:?}");
    assert_eq!(live.tables.len(), 23);
    assert_same_tables(&live, &ddl, &[]);

    for schema in [&live, &ddl] {
        // The partitioned table is one table; its partitions are left out.
        let payment = table(schema, None, "payment");
        assert_eq!(payment.kind, TableKind::Table);
        assert_eq!(
            payment.primary_key,
            Some(Key {
                name: Some("payment_pkey".to_owned()),
                columns: strings(&["payment_date", "payment_id"]),
            })
        );
        assert!(
            schema
                .tables
                .iter()
                .all(|table| !table.name.starts_with("payment_p"))
        );
        // A materialized view is a view, with the key of its unique index.
        let by_category = table(schema, None, "rental_by_category");
        assert_eq!(by_category.kind, TableKind::View);
        assert_eq!(by_category.unique_keys[0].columns, ["category"]);

        let film = table(schema, None, "film");
        let rating = film.column("rating").expect("film.rating");
        assert_eq!(rating.data_type, DataType::Enum);
        assert_eq!(rating.enum_values, ["G", "PG", "PG-13", "R", "NC-17"]);
        assert_eq!(rating.sql_type, "MPAA_RATING");
        assert_eq!(rating.default.as_deref(), Some("'G'::mpaa_rating"));
        // A column of the domain `year` means what its base type means.
        let year = film.column("release_year").expect("film.release_year");
        assert_eq!(year.sql_type, "YEAR");
        assert_eq!(year.data_type, DataType::Integer);
        assert_eq!(
            film.column("special_features")
                .expect("special_features")
                .data_type,
            DataType::Array {
                element: Box::new(DataType::Text)
            }
        );
        let id = film.column("film_id").expect("film.film_id");
        assert!(id.generated);
        assert_eq!(
            id.default.as_deref(),
            Some("nextval('film_film_id_seq'::regclass)")
        );

        // A foreign key, known from both of its ends.
        let language = film
            .foreign_keys
            .iter()
            .find(|key| key.name.as_deref() == Some("film_language_id_fkey"))
            .expect("film_language_id_fkey");
        assert_eq!(language.referenced_table, "language");
        assert_eq!(language.referenced_columns, ["language_id"]);
        assert!(
            table(schema, None, "language")
                .referenced_by
                .iter()
                .any(|reference| reference.table == "film" && reference.columns == ["language_id"])
        );

        // A composite primary key, in key order.
        assert_eq!(
            table(schema, None, "film_actor").primary_key,
            Some(Key {
                name: Some("film_actor_pkey".to_owned()),
                columns: strings(&["actor_id", "film_id"]),
            })
        );
    }
}

#[tokio::test]
async fn pagila_routines_read_the_same_live_and_from_its_ddl() {
    let Some(script) = dataset("pagila/pagila-schema.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Postgres, "pagila_routines") else {
        return;
    };
    database.run(&script);
    let (live, live_warnings) = live_with_warnings(&database).await;
    let (ddl, warnings) = parse_ddl(&script, "pagila-schema.sql");
    assert_same_routines(&live, &ddl, &[]);
    let names: Vec<&str> = live.routines.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "_group_concat",
            "film_in_stock",
            "film_not_in_stock",
            "get_customer_balance",
            "inventory_held_by_customer",
            "inventory_in_stock",
            "last_day",
            "rewards_report",
        ]
    );
    // The aggregate and the trigger function are left out, with the same warning both ways.
    let skipped = routine_warnings(&live_warnings);
    assert_eq!(skipped, routine_warnings(&warnings));
    let skipped: Vec<(&str, &str)> = skipped
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "group_concat(text)",
                "skipped: an aggregate function, which runs over the rows of a query, not on \
                 its own"
            ),
            (
                "last_updated()",
                "skipped: a trigger function, which only a trigger can call"
            ),
        ]
    );

    for schema in [&live, &ddl] {
        // An unnamed argument; IMMUTABLE is read-only.
        let last_day = routine(schema, None, "last_day");
        assert_eq!(last_day.kind, RoutineKind::Function);
        assert_eq!(last_day.signature, "timestamp with time zone");
        assert_eq!(
            last_day.parameters,
            [parameter(
                None,
                ParameterMode::In,
                "TIMESTAMP WITH TIME ZONE",
                DataType::TimestampTz
            )]
        );
        assert_eq!(
            last_day.returns,
            Returns::Value {
                sql_type: "DATE".to_owned(),
                data_type: DataType::Date,
                enum_values: Vec::new(),
            }
        );
        assert!(last_day.read_only);
        // SETOF integer with one OUT parameter: rows of one column, named after it.
        let in_stock = routine(schema, None, "film_in_stock");
        assert_eq!(in_stock.signature, "integer, integer");
        assert_eq!(
            in_stock.parameters[2],
            parameter(
                Some("p_film_count"),
                ParameterMode::Out,
                "INTEGER",
                DataType::Integer
            )
        );
        assert_eq!(
            names_and_types(row_columns(in_stock)),
            [("p_film_count", "INTEGER")]
        );
        assert!(!in_stock.read_only, "VOLATILE by default");
        // SETOF a table: its columns, nullable.
        let rewards = routine(schema, None, "rewards_report");
        let columns = row_columns(rewards);
        assert_eq!(columns.len(), 10);
        assert_eq!(columns[0].name, "customer_id");
        assert!(columns.iter().all(|c| c.nullable && c.default.is_none()));
        assert_eq!(
            routine(schema, None, "get_customer_balance").returns,
            Returns::Value {
                sql_type: "NUMERIC".to_owned(),
                data_type: DataType::Decimal {
                    precision: None,
                    scale: None
                },
                enum_values: Vec::new(),
            }
        );
        assert!(routine(schema, None, "_group_concat").read_only);
    }
}

#[tokio::test]
async fn sakila_reads_the_same_live_and_from_its_ddl() {
    let Some(script) = dataset("sakila-pg/postgres-sakila-schema.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Postgres, "sakila") else {
        return;
    };
    database.run(&script);
    let (live, live_warnings) = live_with_warnings(&database).await;
    let (ddl, warnings) = parse_ddl(&script, "postgres-sakila-schema.sql");
    assert!(other_warnings(&warnings).is_empty(), "{warnings:?}");
    assert_eq!(live.tables.len(), 28);
    assert_same_tables(&live, &ddl, &[]);
    assert_same_routines(&live, &ddl, &[]);
    assert_eq!(live.routines.len(), 8);
    assert_eq!(
        routine_warnings(&live_warnings),
        routine_warnings(&warnings)
    );
    for schema in [&live, &ddl] {
        // Tables that INHERIT from payment are tables of their own, with its columns.
        let child = table(schema, None, "payment_p2007_01");
        let payment = table(schema, None, "payment");
        assert_eq!(child.columns, payment.columns);
        // `DEFAULT ('now'::text)::date`, spelled as PostgreSQL prints it.
        assert_eq!(
            table(schema, None, "customer")
                .column("create_date")
                .expect("create_date")
                .default
                .as_deref(),
            Some("('now'::text)::date")
        );
    }
}

#[tokio::test]
async fn chinook_reads_the_same_live_and_from_its_ddl() {
    let Some(script) = dataset("chinook/Chinook_PostgreSql.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Postgres, "chinook") else {
        return;
    };
    database.run(&without_database_switches(&script));
    let live = live(&database).await;
    let (ddl, warnings) = parse_ddl(&script, "Chinook_PostgreSql.sql");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(live.tables.len(), 11);
    assert_same_tables(&live, &ddl, &[]);
    let track = table(&live, None, "track");
    let name = track.column("name").expect("track.name");
    assert_eq!(name.sql_type, "CHARACTER VARYING(200)");
    assert_eq!(name.data_type, DataType::Text);
    assert_eq!(
        track.column("unit_price").expect("unit_price").data_type,
        DataType::Decimal {
            precision: Some(10),
            scale: Some(2)
        }
    );
}

/// A schema of mcpgen's own: the same table name in two schemas, `search_path` changes,
/// comments, domains, enums (in another schema too), arrays, identity, generated and serial
/// columns, unnamed constraints, `CHECK` enums, partitions, inheritance, `ALTER COLUMN`, and
/// views whose computed columns PostgreSQL names and types.
const OWN_SCHEMA: &str = r#"
CREATE SCHEMA inventory;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE inventory.color AS ENUM ('red', 'green');
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE DOMAIN short_text AS varchar(20);
CREATE DOMAIN tags AS text[];

CREATE TABLE items (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL UNIQUE,
    price numeric(10,2) DEFAULT 0 CHECK (price >= 0),
    status text DEFAULT 'new' CHECK (status IN ('new', 'used')),
    kind varchar(10) CHECK (kind IN ('a', 'b', 'c')),
    only_one text CHECK (only_one IN ('x')),
    feeling mood DEFAULT 'ok',
    feelings mood[],
    quantity positive_int,
    label short_text DEFAULT NULL,
    keywords tags,
    created timestamp(3) with time zone DEFAULT now(),
    day date DEFAULT CURRENT_DATE,
    "Mixed Case" boolean DEFAULT false,
    big bigint GENERATED ALWAYS AS IDENTITY,
    doubled numeric GENERATED ALWAYS AS (price * 2) STORED,
    uid uuid DEFAULT gen_random_uuid(),
    payload jsonb DEFAULT '{}',
    addr inet,
    span interval,
    t time,
    note character(3) DEFAULT 'ab',
    v varchar DEFAULT NULL,
    neg integer DEFAULT -1,
    UNIQUE (price, status)
);
COMMENT ON TABLE items IS 'Things we sell';
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
COMMENT ON COLUMN items.name IS 'What it is called';

CREATE TABLE inventory.items (
    item_id integer NOT NULL REFERENCES public.items (id),
    warehouse text NOT NULL,
    color inventory.color,
    amount bigserial,
    PRIMARY KEY (item_id, warehouse)
);

SET search_path = inventory, public;
CREATE TABLE moves (
    id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item integer,
    warehouse text,
    at timestamp DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (item, warehouse) REFERENCES items (item_id, warehouse)
);
CREATE UNIQUE INDEX ON moves (at);
CREATE UNIQUE INDEX moves_partial ON moves (item) WHERE item > 0;
CREATE UNIQUE INDEX moves_expr ON moves (lower(warehouse));
COMMENT ON COLUMN moves.at IS 'When';
RESET search_path;

CREATE TABLE "Orders" (
    "OrderId" integer NOT NULL,
    "ItemId" integer,
    a_rather_long_column_name_that_goes_on_and_on_and_on_and_on_beyond integer
);
ALTER TABLE ONLY "Orders" ADD CONSTRAINT "PK_Orders" PRIMARY KEY ("OrderId");
ALTER TABLE "Orders" ADD FOREIGN KEY ("ItemId") REFERENCES items (id);
ALTER TABLE "Orders" ADD UNIQUE (a_rather_long_column_name_that_goes_on_and_on_and_on_and_on_beyond);
CREATE SEQUENCE orders_seq;
ALTER TABLE ONLY "Orders" ALTER COLUMN "OrderId" SET DEFAULT nextval('orders_seq'::regclass);
ALTER TABLE "Orders" ALTER COLUMN "ItemId" SET NOT NULL;

CREATE TABLE events (
    id integer NOT NULL,
    happened timestamptz NOT NULL,
    what text
) PARTITION BY RANGE (happened);
ALTER TABLE events ADD PRIMARY KEY (id, happened);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (id integer NOT NULL, happened timestamptz NOT NULL, what text);
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE event_notes (
    event_id integer,
    happened timestamptz,
    note text,
    FOREIGN KEY (event_id, happened) REFERENCES events (id, happened)
);

CREATE TABLE base_log (id serial, msg text NOT NULL DEFAULT '', level text CHECK (level IN ('info', 'warn')));
CREATE TABLE child_log (extra int, msg text) INHERITS (base_log);

CREATE TABLE ids (id integer NOT NULL);
ALTER TABLE ids ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ids_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1
);

CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT upper(t) $$;

CREATE VIEW item_summary AS
SELECT i.id, i.name, i.price * 2 AS double_price, count(*) AS n, sum(i.price), max(i.name),
       i.feeling, i.quantity, shout(i.name) AS loud, i.name || '!' AS excited, 'const' AS c,
       i.price::int, 'x'::varchar(3),
       CASE WHEN i.price > 10 THEN 'dear' ELSE 'cheap' END AS band, coalesce(i.kind, 'z'),
       i.created::date AS created_day,
       EXISTS (SELECT 1 FROM inventory.items x WHERE x.item_id = i.id) AS stocked,
       (SELECT max(m.at) FROM inventory.moves m) AS last_move, now() - i.created AS age,
       i.keywords, ARRAY[i.name] AS names, i.id::text AS id_text, 1 + 1, avg(i.price) AS mean
FROM items i GROUP BY i.id;
COMMENT ON VIEW item_summary IS 'Per item';

CREATE MATERIALIZED VIEW inventory.stock AS
SELECT item_id, sum(amount) AS total, string_agg(warehouse, ',') AS places
FROM inventory.items GROUP BY item_id;
CREATE UNIQUE INDEX stock_item ON inventory.stock (item_id);
COMMENT ON MATERIALIZED VIEW inventory.stock IS 'Stock per item';
"#;

#[tokio::test]
async fn a_schema_of_our_own_reads_the_same_live_and_from_its_ddl() {
    let Some(database) = TempDatabase::create(Server::Postgres, "own") else {
        return;
    };
    database.run(OWN_SCHEMA);
    let live = live(&database).await;
    let (ddl, warnings) = parse_ddl(OWN_SCHEMA, "own.sql");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_same_tables(&live, &ddl, &[]);
    assert_eq!(live.database.as_deref(), Some(database.name.as_str()));
    assert_eq!(live.dialect, Dialect::Postgres);
    // The function its views call is a routine too.
    assert_same_routines(&live, &ddl, &[]);
    assert_eq!(live.routines.len(), 1);

    for schema in [&live, &ddl] {
        // The same name in two schemas: `public` is the default one.
        let items = table(schema, None, "items");
        let stocked = table(schema, Some("inventory"), "items");
        assert_eq!(items.columns[0].name, "id");
        assert_eq!(stocked.columns[0].name, "item_id");
        assert_eq!(stocked.foreign_keys[0].referenced_schema, None);
        assert_eq!(stocked.foreign_keys[0].referenced_table, "items");
        assert!(items.referenced_by.iter().any(|reference| {
            reference.schema.as_deref() == Some("inventory") && reference.table == "items"
        }));
        let moves = table(schema, Some("inventory"), "moves");
        assert_eq!(
            moves.foreign_keys[0].referenced_schema.as_deref(),
            Some("inventory")
        );
        assert_eq!(moves.foreign_keys[0].columns, ["item", "warehouse"]);
        assert_eq!(
            moves.foreign_keys[0].referenced_columns,
            ["item_id", "warehouse"]
        );
        // Partial and expression unique indexes are no keys; an unnamed one is named.
        assert_eq!(
            moves.unique_keys,
            [Key {
                name: Some("moves_at_idx".to_owned()),
                columns: strings(&["at"]),
            }]
        );

        // Comments are the descriptions of tables, views and columns.
        assert_eq!(items.comment.as_deref(), Some("Things we sell"));
        let name = items.column("name").expect("items.name");
        assert_eq!(name.comment.as_deref(), Some("What it is called"));
        assert_eq!(
            table(schema, None, "item_summary").comment.as_deref(),
            Some("Per item")
        );

        let column = |name: &str| items.column(name).expect(name);
        assert_eq!(column("status").enum_values, ["new", "used"]);
        assert_eq!(column("kind").enum_values, ["a", "b", "c"]);
        assert_eq!(column("only_one").enum_values, ["x"]);
        assert_eq!(
            column("feelings").data_type,
            DataType::Array {
                element: Box::new(DataType::Enum)
            }
        );
        let quantity = column("quantity");
        assert_eq!(quantity.data_type, DataType::Integer);
        assert!(!quantity.nullable, "the domain is NOT NULL");
        assert_eq!(column("created").data_type, DataType::TimestampTz);
        assert!(column("big").generated && !column("big").nullable);
        assert!(column("doubled").generated);
        assert_eq!(column("doubled").default, None);
        assert_eq!(column("neg").default.as_deref(), Some("'-1'::integer"));
        assert_eq!(
            table(schema, Some("inventory"), "items")
                .column("color")
                .expect("color")
                .sql_type,
            "INVENTORY.COLOR"
        );

        // A foreign key to a partitioned table is one key (not one more per partition).
        assert_eq!(table(schema, None, "event_notes").foreign_keys.len(), 1);
        // Partitions are left out, inheriting tables are not.
        assert!(schema.table(None, "events").is_some());
        assert!(schema.table(None, "events_2024").is_none());
        assert!(schema.table(None, "events_2025").is_none());
        let child = table(schema, None, "child_log");
        let names: Vec<&str> = child.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "msg", "level", "extra"]);

        // Unaliased expressions are named as PostgreSQL names them.
        let summary = table(schema, None, "item_summary");
        let names: Vec<&str> = summary.columns.iter().map(|c| c.name.as_str()).collect();
        for expected in ["sum", "max", "price", "varchar", "coalesce", "?column?"] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
        assert_eq!(summary.column("n").expect("n").data_type, DataType::BigInt);
        assert_eq!(
            summary.column("feeling").expect("feeling").enum_values,
            ["sad", "meh", "ok", "happy"]
        );
    }
}

/// Routines of mcpgen's own: overloads, defaults with parentheses and commas, `VARIADIC`,
/// unnamed arguments, `RETURNS TABLE` with quoted names, `SETOF` a composite type, a view and
/// a table, OUT and INOUT parameters, procedures, `%TYPE`, row types, a SQL-standard body,
/// comments (kept by `CREATE OR REPLACE`), `DROP FUNCTION`, the `search_path`, and what is
/// left out: trigger, event trigger, window and aggregate functions, pseudo-types.
const OWN_ROUTINES: &str = r#"
CREATE SCHEMA billing;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TYPE billing.pair AS (label text, amount numeric(8,2), feeling mood);
CREATE TABLE items (id serial PRIMARY KEY, name varchar(40) NOT NULL, feeling mood, price numeric(8,2) CHECK (price > 0), kind text CHECK (kind IN ('a', 'b')));
CREATE VIEW cheap_items AS SELECT id, name, price FROM items WHERE price < 10;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric(10,2));

-- Overloads, defaults with parentheses and commas, VARIADIC.
CREATE FUNCTION add(a integer, b integer DEFAULT (1 + 2)) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION add(a numeric, b numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION label(prefix varchar(10) = 'x,y', VARIADIC parts text[] DEFAULT ARRAY['a', 'b,c'])
    RETURNS text LANGUAGE sql STABLE AS $body$ SELECT prefix || array_to_string(parts, ',') $body$;
COMMENT ON FUNCTION label(character varying, text[]) IS 'Joins parts';
COMMENT ON FUNCTION add(numeric, numeric) IS 'Adds decimals';
-- Replaced: the comment stays.
CREATE OR REPLACE FUNCTION add(a numeric, b numeric) RETURNS numeric
    LANGUAGE sql STABLE AS $$ SELECT a + b $$;

-- Shapes of results.
CREATE FUNCTION "Ratings"(ids integer[]) RETURNS TABLE("Editor" int, rating smallint, "when" timestamp(3) with time zone)
    LANGUAGE sql AS $$ SELECT 1, 2::smallint, now() $$;
CREATE FUNCTION pairs() RETURNS SETOF billing.pair LANGUAGE sql AS $$ SELECT 'a', 1.5, 'ok'::mood $$;
CREATE FUNCTION cheap() RETURNS SETOF cheap_items LANGUAGE sql STABLE AS $$ SELECT * FROM cheap_items $$;
CREATE FUNCTION all_items() RETURNS SETOF public.items LANGUAGE sql STABLE AS $$ SELECT * FROM items $$;
CREATE FUNCTION first_item() RETURNS items LANGUAGE sql STABLE AS $$ SELECT * FROM items LIMIT 1 $$;
CREATE FUNCTION names() RETURNS SETOF varchar(40) LANGUAGE sql AS $$ SELECT name FROM items $$;
CREATE FUNCTION split_name(full_name text, OUT first text, OUT last text)
    LANGUAGE sql IMMUTABLE AS $$ SELECT split_part(full_name, ' ', 1), split_part(full_name, ' ', 2) $$;
CREATE FUNCTION unnamed_outs(int, OUT int, OUT text) RETURNS SETOF record
    LANGUAGE sql AS $$ SELECT $1, 'x' $$;
CREATE FUNCTION one_out(n int, OUT doubled int) RETURNS SETOF int LANGUAGE sql AS $$ SELECT n * 2 $$;
CREATE FUNCTION moods(m mood, ms mood[], p positive) RETURNS mood[] LANGUAGE sql AS $$ SELECT ms $$;
CREATE FUNCTION item_name(i items.id%TYPE) RETURNS items.name%TYPE LANGUAGE sql AS $$ SELECT name FROM items WHERE id = i $$;
CREATE FUNCTION touch() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION billing.total(invoice billing.invoices) RETURNS numeric LANGUAGE sql AS $$ SELECT invoice.total $$;
CREATE FUNCTION standard(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC SELECT a + b; END;

-- Procedures.
CREATE PROCEDURE bump(INOUT counter integer, step integer DEFAULT 1) LANGUAGE sql AS $$ SELECT counter + step $$;
CREATE PROCEDURE billing.close_all() LANGUAGE sql AS $$ DELETE FROM billing.invoices $$;
CREATE PROCEDURE outs(a int, OUT b text) LANGUAGE plpgsql AS $$ BEGIN b := a::text; END $$;
COMMENT ON PROCEDURE billing.close_all() IS 'Closes every invoice';

-- Left out.
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE FUNCTION first_of(anyarray) RETURNS anyelement LANGUAGE sql AS $$ SELECT $1[1] $$;
CREATE FUNCTION text_of(cstring) RETURNS text LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION row_number_too() RETURNS bigint WINDOW LANGUAGE internal AS 'window_row_number';
CREATE AGGREGATE total_of(numeric) (SFUNC = numeric_add, STYPE = numeric);
CREATE FUNCTION gone(int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
DROP FUNCTION gone(integer);
SET search_path = billing, public;
CREATE FUNCTION in_billing(p pair) RETURNS pair LANGUAGE sql AS $$ SELECT p $$;
"#;

#[tokio::test]
async fn routines_of_our_own_read_the_same_live_and_from_their_ddl() {
    let Some(database) = TempDatabase::create(Server::Postgres, "own_routines") else {
        return;
    };
    database.run(OWN_ROUTINES);
    let (live, live_warnings) = live_with_warnings(&database).await;
    let (ddl, warnings) = parse_ddl(OWN_ROUTINES, "own_routines.sql");
    assert!(other_warnings(&warnings).is_empty(), "{warnings:?}");
    assert_same_routines(&live, &ddl, &[]);
    assert_eq!(live.routines.len(), 21);
    let skipped = routine_warnings(&live_warnings);
    assert_eq!(skipped, routine_warnings(&warnings));
    let skipped: Vec<(&str, &str)> = skipped
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "first_of(anyarray)",
                "skipped: it takes the pseudo-type anyarray, which no JSON argument can stand \
                 for"
            ),
            (
                "on_ddl()",
                "skipped: an event trigger function, which only an event trigger can call"
            ),
            (
                "row_number_too()",
                "skipped: a window function, which runs over a window of a query's rows, not \
                 on its own"
            ),
            (
                "stamp()",
                "skipped: a trigger function, which only a trigger can call"
            ),
            (
                "text_of(cstring)",
                "skipped: it takes the pseudo-type cstring, which no JSON argument can stand for"
            ),
            (
                "total_of(numeric)",
                "skipped: an aggregate function, which runs over the rows of a query, not on \
                 its own"
            ),
        ]
    );

    for schema in [&live, &ddl] {
        // Overloads, told apart by their signatures, in order.
        let adds: Vec<&str> = schema
            .routines
            .iter()
            .filter(|r| r.name == "add")
            .map(|r| r.signature.as_str())
            .collect();
        assert_eq!(adds, ["integer, integer", "numeric, numeric"]);
        let add = &schema.routines[1];
        assert!(add.parameters[1].has_default, "DEFAULT (1 + 2)");
        assert!(!add.parameters[0].has_default);
        assert_eq!(
            schema.routines[2].comment.as_deref(),
            Some("Adds decimals"),
            "CREATE OR REPLACE keeps the comment"
        );
        // Types without modifiers, defaults with commas, VARIADIC.
        let label = routine(schema, None, "label");
        assert_eq!(label.signature, "character varying, text[]");
        assert_eq!(label.comment.as_deref(), Some("Joins parts"));
        assert_eq!(label.parameters[1].mode, ParameterMode::Variadic);
        assert!(label.parameters.iter().all(|p| p.has_default));
        assert!(label.read_only, "STABLE");
        // RETURNS TABLE with quoted names.
        assert_eq!(
            names_and_types(row_columns(routine(schema, None, "Ratings"))),
            [
                ("Editor", "INTEGER"),
                ("rating", "SMALLINT"),
                ("when", "TIMESTAMP WITH TIME ZONE")
            ]
        );
        // SETOF a composite type of another schema, a view, a table.
        let pairs = row_columns(routine(schema, None, "pairs"));
        assert_eq!(
            names_and_types(pairs),
            [
                ("label", "TEXT"),
                ("amount", "NUMERIC(8,2)"),
                ("feeling", "MOOD")
            ]
        );
        assert_eq!(pairs[2].enum_values, ["sad", "ok", "happy"]);
        assert_eq!(
            names_and_types(row_columns(routine(schema, None, "cheap"))),
            [
                ("id", "INTEGER"),
                ("name", "CHARACTER VARYING(40)"),
                ("price", "NUMERIC(8,2)")
            ]
        );
        let items = row_columns(routine(schema, None, "all_items"));
        assert!(items[4].enum_values.is_empty(), "a CHECK is no type");
        // SETOF a scalar: one column named after the function.
        assert_eq!(
            names_and_types(row_columns(routine(schema, None, "names"))),
            [("names", "CHARACTER VARYING")]
        );
        // OUT parameters: once, or as the columns of a set.
        let split = routine(schema, None, "split_name");
        assert_eq!(split.returns, Returns::Out);
        assert_eq!(split.signature, "text");
        assert_eq!(
            names_and_types(row_columns(routine(schema, None, "unnamed_outs"))),
            [("column1", "INTEGER"), ("column2", "TEXT")]
        );
        // Enums, arrays of them, domains; %TYPE; a row type; void.
        let moods = routine(schema, None, "moods");
        assert_eq!(moods.signature, "mood, mood[], positive");
        assert_eq!(moods.parameters[2].data_type, DataType::Integer);
        // An enum parameter carries its type's labels, live and from DDL alike.
        assert!(!moods.parameters[0].enum_values.is_empty());
        assert_eq!(routine(schema, None, "item_name").signature, "integer");
        assert_eq!(
            routine(schema, None, "first_item").returns,
            Returns::Value {
                sql_type: "ITEMS".to_owned(),
                data_type: DataType::Unknown,
                enum_values: Vec::new(),
            }
        );
        assert_eq!(routine(schema, None, "touch").returns, Returns::Nothing);
        assert_eq!(
            routine(schema, Some("billing"), "total").signature,
            "billing.invoices"
        );
        assert!(routine(schema, None, "standard").read_only);
        // Procedures: never read-only; INOUT or OUT parameters come back once.
        let bump = routine(schema, None, "bump");
        assert_eq!(bump.kind, RoutineKind::Procedure);
        assert_eq!(bump.returns, Returns::Out);
        assert_eq!(bump.parameters[0].mode, ParameterMode::InOut);
        assert!(bump.parameters[1].has_default && !bump.read_only);
        let close = routine(schema, Some("billing"), "close_all");
        assert_eq!(close.returns, Returns::Nothing);
        assert_eq!(close.comment.as_deref(), Some("Closes every invoice"));
        // Created after `SET search_path = billing, public`.
        assert_eq!(
            routine(schema, Some("billing"), "in_billing").signature,
            "billing.pair"
        );
        assert!(schema.routines.iter().all(|r| r.name != "gone"));
    }
}

/// What the DDL file of MusicBrainz cannot give that the database has.
const MUSICBRAINZ_DIFFERENCES: &[(&str, &str)] = &[(
    "musicbrainz.editor_sanitized",
    "its query `SELECT (sanitize_editor(editor)).* FROM editor` expands a composite value; \
     sqlparser 0.63 cannot parse `(f(x)).*`, so the view is skipped with a warning",
)];

#[tokio::test]
async fn musicbrainz_reads_the_same_live_and_from_its_ddl() {
    let Some(path) = common::shared_dataset("big-schemas/musicbrainz-schema.sql.gz") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Postgres, "musicbrainz") else {
        return;
    };
    let gunzip = std::process::Command::new("gzip")
        .args(["-dc", &path.display().to_string()])
        .output()
        .expect("gzip runs");
    assert!(
        gunzip.status.success(),
        "gzip cannot read {}",
        path.display()
    );
    let script = String::from_utf8(gunzip.stdout).expect("the script is text");
    database.run(&script);
    let (live, live_warnings) = live_with_warnings(&database).await;

    // 516 tables in 9 schemas, 4 of them partitions (left out), and 12 views.
    let count = |schema: &str, kind: TableKind| {
        live.tables
            .iter()
            .filter(|t| t.schema.as_deref() == Some(schema) && t.kind == kind)
            .count()
    };
    let tables = live
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::Table)
        .count();
    assert_eq!(tables, 512);
    assert_eq!(live.tables.len() - tables, 12);
    for (schema, expected) in [
        ("musicbrainz", 371),
        ("documentation", 106),
        ("json_dump", 14),
        ("sitemaps", 9),
        ("cover_art_archive", 5),
        ("event_art_archive", 3),
        ("statistics", 2),
        ("report", 1),
        ("wikidocs", 1),
    ] {
        assert_eq!(
            count(schema, TableKind::Table),
            expected,
            "tables of {schema}"
        );
    }
    assert_eq!(count("musicbrainz", TableKind::View), 10);
    assert!(
        live.tables.iter().all(|t| t.schema.is_some()),
        "nothing in public"
    );
    assert!(live.table(Some("musicbrainz"), "artist_release").is_some());
    assert!(
        live.table(Some("musicbrainz"), "artist_release_va")
            .is_none()
    );
    let foreign_keys: usize = live.tables.iter().map(|t| t.foreign_keys.len()).sum();
    assert!(foreign_keys > 800, "{foreign_keys} foreign keys");

    let (ddl, warnings) = parse_ddl(&script, "musicbrainz-schema.sql");
    let others = other_warnings(&warnings);
    assert_eq!(others.len(), 1, "{others:?}");
    assert!(others[0].message.contains("editor_sanitized"), "{others:?}");
    assert_same_tables(&live, &ddl, MUSICBRAINZ_DIFFERENCES);

    // Routines: 44 served live (the DDL file cannot show the 2 of its DO block); 94 trigger
    // functions and an aggregate left out both ways; the 53 functions of its 3 extensions
    // are noted live, one warning per extension.
    assert_same_routines(&live, &ddl, MUSICBRAINZ_ROUTINE_DIFFERENCES);
    assert_eq!(live.routines.len(), 44);
    let skipped = routine_warnings(&live_warnings);
    assert_eq!(skipped, routine_warnings(&warnings));
    let triggers = skipped
        .iter()
        .filter(|w| w.message.contains("a trigger function"))
        .count();
    assert_eq!((triggers, skipped.len()), (94, 95));
    let extensions: Vec<&str> = live_warnings
        .iter()
        .filter(|w| is_extension_warning(w))
        .map(|w| w.location.as_str())
        .collect();
    assert_eq!(
        extensions,
        [
            "extension cube",
            "extension earthdistance",
            "extension unaccent"
        ]
    );
    // SETOF a table of another schema, RETURNS TABLE, a row type argument.
    let rows = routine(&ddl, Some("musicbrainz"), "get_artist_release_rows");
    let table_columns: Vec<&str> = table(&ddl, Some("musicbrainz"), "artist_release")
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let row_names: Vec<&str> = row_columns(rows).iter().map(|c| c.name.as_str()).collect();
    assert_eq!(row_names, table_columns);
    assert_eq!(
        names_and_types(row_columns(routine(
            &ddl,
            Some("musicbrainz"),
            "delete_ratings"
        ))),
        [("editor", "INTEGER"), ("rating", "SMALLINT")]
    );
    assert_eq!(
        routine(&ddl, Some("musicbrainz"), "sanitize_editor").signature,
        "musicbrainz.editor"
    );
}

/// The routines of MusicBrainz that its DDL file cannot give.
const MUSICBRAINZ_ROUTINE_DIFFERENCES: &[(&str, &str)] = &[
    (
        "immutable_unaccent(regdictionary, text)",
        "created by a DO block (to fall back when C functions cannot be made), which a DDL \
         file's reader does not run",
    ),
    (
        "musicbrainz.musicbrainz_unaccent(text)",
        "created by the same DO block",
    ),
];

#[tokio::test]
async fn bad_urls_and_unreachable_servers_are_one_line_errors_without_the_password() {
    for url in [
        "postgres://user:secret@127.0.0.1:1/db",
        "postgresql://user:secret@127.0.0.1:notaport/db",
    ] {
        let error = introspect(&Source::Database {
            url: url.to_owned(),
        })
        .await
        .expect_err("no database there");
        assert!(matches!(error, IntrospectError::Database { .. }), "{error}");
        let message = error.to_string();
        assert!(!message.contains("secret"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}

#[tokio::test]
async fn a_refused_login_is_a_one_line_error_without_the_password() {
    if !Server::Postgres.available() {
        return;
    }
    let url =
        Server::Postgres
            .url("postgres")
            .replacen("postgres@", "mcpgen_no_such_user:secret@", 1);
    let error = introspect(&Source::Database { url })
        .await
        .expect_err("no such user");
    assert!(matches!(error, IntrospectError::Database { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("mcpgen_no_such_user"), "{message}");
    assert!(!message.contains("secret"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

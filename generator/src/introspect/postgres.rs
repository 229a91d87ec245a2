//! Introspection of a live PostgreSQL database from its system catalogs (`pg_class`,
//! `pg_attribute`, `pg_type`, `pg_constraint`, `pg_index`), never from names resolved through
//! the `search_path`: every lookup joins on OIDs.
//!
//! What is read: the tables (plain and partitioned; partitions are left out, their parent
//! stands for them), views and materialized views of every user schema (not `pg_catalog`,
//! `information_schema`, `pg_toast*`, `pg_temp*`, nor objects or schemas that belong to an
//! extension). Foreign tables are left out with a warning: their rows live on another server,
//! and a DDL file's `CREATE FOREIGN TABLE` is not read either.
//!
//! Functions and procedures (`pg_proc`) of the same schemas are read too, as `call_R` serves
//! them: aggregates, window functions, trigger functions, functions that take or return
//! pseudo-types (`anyelement`, `internal`, ...) are left out with a warning each; the
//! functions of an extension with one warning per extension (`CREATE EXTENSION` makes them,
//! as it makes the extension's tables, which are left out silently).
//!
//! Types, defaults and names are printed by PostgreSQL itself (`format_type`,
//! `pg_get_expr`) in a session whose `search_path` is `public` alone, so that what lives in
//! `public` (the default schema) is unqualified and everything else is qualified, whatever
//! the user's own `search_path` is. [`super::ddl`] gives the same spellings for a DDL file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _, Row as _};

use mcpgen_rules::url::redact as redact_url;

use super::routines::{
    ArgumentMode, PostgresArgument, PostgresReturn, RoutineSkip, postgres_parameters,
    postgres_returns, postgres_signature, postgres_skip, result_column, routine_location,
    sort_routines,
};
use super::{IntrospectError, ddl};
use crate::model::{
    Column, DataType, Dialect, ForeignKey, Key, Routine, RoutineKind, Schema, Table, TableKind,
    Warning, normalize_sql_type,
};
use crate::typemap;

/// How long to wait for the server to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The oldest server whose catalogs are read (`attgenerated` is from PostgreSQL 12).
const OLDEST_VERSION: i32 = 120_000;

/// Whether `url` is a PostgreSQL URL.
pub(crate) fn handles(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Reads the schema of the PostgreSQL database at `url`.
pub async fn introspect(url: &str) -> Result<(Schema, Vec<Warning>), IntrospectError> {
    let fail = |error: sqlx::Error| database_error(url, &describe(&error));
    let options = PgConnectOptions::from_str(url)
        .map_err(fail)?
        .application_name("mcpgen")
        .options([("search_path", "public")]);
    let mut connection = match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(connected) => connected.map_err(fail)?,
        Err(_) => {
            return Err(database_error(
                url,
                &format!(
                    "the server did not answer within {} seconds",
                    CONNECT_TIMEOUT.as_secs()
                ),
            ));
        }
    };
    let read = read_schema(&mut connection).await;
    let _ = connection.close().await;
    match read {
        Ok(read) => Ok(read),
        Err(ReadError::Sql(error)) => Err(fail(error)),
        Err(ReadError::Unsupported(message)) => Err(database_error(url, &message)),
    }
}

/// What went wrong: the server's own message for an error it returned.
fn describe(error: &sqlx::Error) -> String {
    match error.as_database_error() {
        Some(database) => format!("the server said: {}", database.message()),
        None => error.to_string(),
    }
}

/// An error of introspection, on one line, without the URL's password.
fn database_error(url: &str, message: &str) -> IntrospectError {
    IntrospectError::Database {
        url: redact_url(url),
        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Why the catalogs could not be read.
enum ReadError {
    Sql(sqlx::Error),
    Unsupported(String),
}

impl From<sqlx::Error> for ReadError {
    fn from(error: sqlx::Error) -> Self {
        ReadError::Sql(error)
    }
}

/// The relations: tables, partitioned tables, views, materialized views and foreign tables
/// of the user's schemas.
const RELATIONS: &str = "\
SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text,
       pg_catalog.obj_description(c.oid, 'pg_class')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
  AND n.nspname <> 'information_schema'
  AND n.nspname !~ '^pg_'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.deptype = 'e' AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND d.objid = c.oid)
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.deptype = 'e' AND d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
        AND d.objid = n.oid)
ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

/// The columns of the relations `$1`, in order.
const COLUMNS: &str = "\
SELECT a.attrelid::int8, a.attname::text, a.atttypid::int8,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull, a.attidentity::text, a.attgenerated::text,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid),
       pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY ($1::pg_catalog.int8[]::pg_catalog.oid[])
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

/// The types `$1`: what they are, their array element, a domain's base type.
const TYPES: &str = "\
SELECT t.oid::int8, t.typtype::text, t.typnotnull,
       CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem::int8 END,
       CASE WHEN t.typtype = 'd' THEN t.typbasetype::int8 END,
       CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END
FROM pg_catalog.pg_type t
WHERE t.oid = ANY ($1::pg_catalog.int8[]::pg_catalog.oid[])";

/// The labels of the enum types `$1`, in their order.
const ENUM_LABELS: &str = "\
SELECT e.enumtypid::int8, e.enumlabel::text
FROM pg_catalog.pg_enum e
WHERE e.enumtypid = ANY ($1::pg_catalog.int8[]::pg_catalog.oid[])
ORDER BY e.enumtypid, e.enumsortorder";

/// The primary keys, foreign keys and checks of the relations `$1`; the internal copies of
/// a foreign key that PostgreSQL makes for partitions (`conparentid <> 0`) are left out.
const CONSTRAINTS: &str = "\
SELECT con.conrelid::int8, con.conname::text, con.contype::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       rn.nspname::text, rc.relname::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid) END
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = ANY ($1::pg_catalog.int8[]::pg_catalog.oid[])
  AND con.contype IN ('p', 'f', 'c')
  AND con.conparentid = 0
ORDER BY con.conrelid, con.conname COLLATE \"C\"";

/// The unique indexes (those of `UNIQUE` constraints included) of the relations `$1` whose
/// key columns are all plain columns and that have no predicate, oldest first.
const UNIQUE_INDEXES: &str = "\
SELECT i.indrelid::int8, ic.relname::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = ANY ($1::pg_catalog.int8[]::pg_catalog.oid[])
  AND i.indisunique AND NOT i.indisprimary AND i.indisvalid
  AND i.indpred IS NULL AND i.indexprs IS NULL
ORDER BY i.indrelid, i.indexrelid";

/// Reads the whole schema in one read-only snapshot.
async fn read_schema(connection: &mut PgConnection) -> Result<(Schema, Vec<Warning>), ReadError> {
    let row = sqlx::query(
        "SELECT pg_catalog.current_setting('server_version_num')::int4, \
         pg_catalog.current_database()::text, pg_catalog.current_setting('server_version')",
    )
    .fetch_one(&mut *connection)
    .await?;
    let version: i32 = row.get(0);
    let database: String = row.get(1);
    if version < OLDEST_VERSION {
        let shown: String = row.get(2);
        return Err(ReadError::Unsupported(format!(
            "mcpgen reads PostgreSQL 12 or later; this server is PostgreSQL {shown}"
        )));
    }
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *connection)
        .await?;
    let read = read_catalogs(connection).await;
    let routines = if read.is_ok() {
        read_routines(connection).await.map_err(ReadError::Sql)
    } else {
        Ok((Vec::new(), Vec::new()))
    };
    let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    let (tables, mut warnings) = read?;
    let (routines, routine_warnings) = routines?;
    warnings.extend(routine_warnings);
    let schema = Schema {
        dialect: Dialect::Postgres,
        database: Some(database),
        tables,
        routines,
    };
    Ok((schema, warnings))
}

/// A relation being read.
struct Relation {
    oid: i64,
    table: Table,
}

async fn read_catalogs(
    connection: &mut PgConnection,
) -> Result<(Vec<Table>, Vec<Warning>), ReadError> {
    let mut warnings = Vec::new();
    let mut relations = Vec::new();
    for row in sqlx::query(RELATIONS).fetch_all(&mut *connection).await? {
        let schema: String = row.get(1);
        let name: String = row.get(2);
        let kind: String = row.get(3);
        let schema = (schema != Dialect::Postgres.default_schema()).then_some(schema);
        let kind = match kind.as_str() {
            "v" | "m" => TableKind::View,
            "f" => {
                let table = match &schema {
                    Some(schema) => format!("{schema}.{name}"),
                    None => name,
                };
                warnings.push(Warning::new(
                    table,
                    "skipped: a foreign table (its rows live on another server)",
                ));
                continue;
            }
            _ => TableKind::Table,
        };
        relations.push(Relation {
            oid: row.get(0),
            table: Table {
                schema,
                name,
                kind,
                comment: row.get(4),
                columns: Vec::new(),
                primary_key: None,
                foreign_keys: Vec::new(),
                referenced_by: Vec::new(),
                unique_keys: Vec::new(),
                rowid: false,
            },
        });
    }
    let oids: Vec<i64> = relations.iter().map(|relation| relation.oid).collect();
    let index: HashMap<i64, usize> = oids.iter().enumerate().map(|(i, oid)| (*oid, i)).collect();

    let column_rows = sqlx::query(COLUMNS)
        .bind(&oids)
        .fetch_all(&mut *connection)
        .await?;
    let type_oids: BTreeSet<i64> = column_rows.iter().map(|row| row.get(2)).collect();
    let types = read_types(connection, type_oids).await?;
    for row in &column_rows {
        let Some(&at) = index.get(&row.get::<i64, _>(0)) else {
            continue;
        };
        let relation = &mut relations[at];
        let type_text: String = row.get(3);
        let resolved = types.resolve(row.get(2), &type_text);
        let identity: String = row.get(5);
        let generated_as: String = row.get(6);
        let default: Option<String> = row.get(7);
        let is_view = relation.table.kind == TableKind::View;
        let generated = !identity.is_empty()
            || !generated_as.is_empty()
            || default.as_deref().is_some_and(is_serial_default);
        relation.table.columns.push(Column {
            name: row.get(1),
            sql_type: normalize_sql_type(&type_text),
            data_type: resolved.data_type,
            // PostgreSQL knows no NOT NULL of a view's column.
            nullable: is_view || !(row.get::<bool, _>(4) || resolved.not_null),
            // A generated column's expression is not a default: it cannot be overridden.
            default: default.filter(|_| generated_as.is_empty()),
            generated,
            computed: identity == "a" || !generated_as.is_empty(),
            enum_values: resolved.labels,
            comment: row.get(8),
        });
    }

    let mut checks: Vec<(usize, String, Vec<String>)> = Vec::new();
    for row in sqlx::query(CONSTRAINTS)
        .bind(&oids)
        .fetch_all(&mut *connection)
        .await?
    {
        let Some(&at) = index.get(&row.get::<i64, _>(0)) else {
            continue;
        };
        let name: String = row.get(1);
        let kind: String = row.get(2);
        let columns: Vec<String> = row.get(3);
        let table = &mut relations[at].table;
        match kind.as_str() {
            "p" => {
                table.primary_key = Some(Key {
                    name: Some(name),
                    columns,
                });
            }
            "f" => {
                let referenced_schema: Option<String> = row.get(4);
                table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns,
                    referenced_schema: referenced_schema
                        .filter(|schema| schema != Dialect::Postgres.default_schema()),
                    referenced_table: row.get::<Option<String>, _>(5).unwrap_or_default(),
                    referenced_columns: row.get(6),
                });
            }
            _ => {
                let definition: Option<String> = row.get(7);
                if let Some((column, values)) =
                    definition.as_deref().and_then(ddl::postgres_check_enum)
                {
                    checks.push((at, column, values));
                }
            }
        }
    }
    for (at, column_name, values) in checks {
        if let Some(column) = relations[at]
            .table
            .columns
            .iter_mut()
            .find(|column| column.name == column_name)
        {
            column.enum_values = checked_enum_values(&column.enum_values, values);
        }
    }

    let mut unique: Vec<Vec<Key>> = vec![Vec::new(); relations.len()];
    for row in sqlx::query(UNIQUE_INDEXES)
        .bind(&oids)
        .fetch_all(&mut *connection)
        .await?
    {
        if let Some(&at) = index.get(&row.get::<i64, _>(0)) {
            unique[at].push(Key {
                name: Some(row.get(1)),
                columns: row.get(2),
            });
        }
    }
    let mut tables = Vec::with_capacity(relations.len());
    for (relation, keys) in relations.into_iter().zip(unique) {
        let mut table = relation.table;
        table.unique_keys = keys;
        finish_keys(&mut table);
        tables.push(table);
    }
    Ok((tables, warnings))
}

/// The functions and procedures of the user's schemas, each with the types of all its
/// arguments (`proallargtypes`, or `proargtypes` when all are IN), and the extension it
/// belongs to.
const ROUTINES: &str = "\
SELECT p.oid::int8, n.nspname::text, p.proname::text, p.prokind::text, p.proretset,
       p.provolatile::text, p.pronargdefaults::int4, p.prorettype::int8,
       pg_catalog.format_type(p.prorettype, NULL),
       CASE WHEN rt.typtype = 'c' THEN rt.typrelid::int8 END,
       ARRAY(SELECT t.a::int8
             FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS t(a, o)
             ORDER BY t.o),
       ARRAY(SELECT pg_catalog.format_type(t.a, NULL)
             FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS t(a, o)
             ORDER BY t.o),
       COALESCE(p.proargmodes::text[], '{}'::text[]),
       COALESCE(p.proargnames, '{}'::text[]),
       pg_catalog.obj_description(p.oid, 'pg_proc'),
       (SELECT e.extname::text
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
        WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
          AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
          AND d.deptype = 'e'
        LIMIT 1)
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_type rt ON rt.oid = p.prorettype
WHERE n.nspname <> 'information_schema'
  AND n.nspname !~ '^pg_'
ORDER BY n.nspname COLLATE \"C\", p.proname COLLATE \"C\", p.oid";

/// The columns of the composite types (row types of tables and views, `CREATE TYPE ... AS`)
/// whose relations are `$1`.
const ROW_TYPE_COLUMNS: &str = "\
SELECT a.attrelid::int8, a.attname::text, a.atttypid::int8,
       pg_catalog.format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ANY ($1::pg_catalog.int8[]::pg_catalog.oid[])
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

/// A routine as the catalogs list it.
#[derive(Debug, Clone)]
struct CatalogRoutine {
    schema: Option<String>,
    name: String,
    /// `prokind`: `f` function, `p` procedure, `a` aggregate, `w` window function.
    kind: String,
    /// `proretset`.
    set: bool,
    /// `provolatile`: `i` immutable, `s` stable, `v` volatile.
    volatility: String,
    /// `pronargdefaults`: how many of the last input arguments have defaults.
    defaults: usize,
    return_type: i64,
    return_text: String,
    /// The relation of a composite return type.
    return_relation: Option<i64>,
    /// Every argument's type, as OID and as `format_type` prints it.
    argument_types: Vec<(i64, String)>,
    /// `proargmodes` (empty when all are IN).
    modes: Vec<String>,
    /// `proargnames` (empty when none is named).
    names: Vec<String>,
    comment: Option<String>,
    /// The extension it belongs to.
    extension: Option<String>,
}

impl CatalogRoutine {
    /// The mode of argument `at`.
    fn mode(&self, at: usize) -> ArgumentMode {
        ArgumentMode::of_code(self.modes.get(at).map_or("i", String::as_str))
    }

    /// The types of its input arguments, as `format_type` prints them: what tells overloads
    /// apart.
    fn signature(&self) -> String {
        self.argument_types
            .iter()
            .enumerate()
            .filter(|(at, _)| self.mode(*at).is_input())
            .map(|(_, (_, text))| text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The routines of the user's schemas, and a warning for each one left out.
async fn read_routines(
    connection: &mut PgConnection,
) -> Result<(Vec<Routine>, Vec<Warning>), sqlx::Error> {
    let mut listed = Vec::new();
    for row in sqlx::query(ROUTINES).fetch_all(&mut *connection).await? {
        let schema: String = row.get(1);
        let oids: Vec<i64> = row.get(10);
        let texts: Vec<String> = row.get(11);
        listed.push(CatalogRoutine {
            schema: (schema != Dialect::Postgres.default_schema()).then_some(schema),
            name: row.get(2),
            kind: row.get(3),
            set: row.get(4),
            volatility: row.get(5),
            defaults: usize::try_from(row.get::<i32, _>(6)).unwrap_or(0),
            return_type: row.get(7),
            return_text: row.get(8),
            return_relation: row.get(9),
            argument_types: oids.into_iter().zip(texts).collect(),
            modes: row.get(12),
            names: row.get(13),
            comment: row.get(14),
            extension: row.get(15),
        });
    }
    let relations: Vec<i64> = listed
        .iter()
        .filter_map(|routine| routine.return_relation)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut row_types: HashMap<i64, Vec<(String, i64, String)>> = HashMap::new();
    if !relations.is_empty() {
        for row in sqlx::query(ROW_TYPE_COLUMNS)
            .bind(&relations)
            .fetch_all(&mut *connection)
            .await?
        {
            row_types
                .entry(row.get(0))
                .or_default()
                .push((row.get(1), row.get(2), row.get(3)));
        }
    }
    let mut type_oids: BTreeSet<i64> = BTreeSet::new();
    for routine in &listed {
        type_oids.insert(routine.return_type);
        type_oids.extend(routine.argument_types.iter().map(|(oid, _)| *oid));
    }
    type_oids.extend(row_types.values().flatten().map(|(_, oid, _)| *oid));
    let types = read_types(connection, type_oids).await?;

    let mut routines = Vec::new();
    let mut skipped = Vec::new();
    // Extension name -> how many of its functions.
    let mut of_extensions: BTreeMap<String, usize> = BTreeMap::new();
    for listed in listed {
        if let Some(extension) = &listed.extension {
            *of_extensions.entry(extension.clone()).or_default() += 1;
            continue;
        }
        match routine_of(&listed, &types, &row_types) {
            Ok(routine) => routines.push(routine),
            Err(skip) => skipped.push((
                (
                    listed.schema.clone(),
                    listed.name.clone(),
                    listed.signature(),
                ),
                skip,
            )),
        }
    }
    sort_routines(&mut routines);
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    let mut warnings: Vec<Warning> = skipped
        .into_iter()
        .map(|((schema, name, signature), skip)| {
            skip.warning(routine_location(schema.as_deref(), &name, &signature))
        })
        .collect();
    for (extension, count) in of_extensions {
        warnings.push(Warning::new(
            format!("extension {extension}"),
            format!(
                "skipped its {count} function{}: they belong to the extension, which \
                 CREATE EXTENSION makes, not to the database's own schema",
                if count == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok((routines, warnings))
}

/// The routine `listed` as `call_R` serves it, or why it is left out.
fn routine_of(
    listed: &CatalogRoutine,
    types: &Types,
    row_types: &HashMap<i64, Vec<(String, i64, String)>>,
) -> Result<Routine, RoutineSkip> {
    let kind = match listed.kind.as_str() {
        "a" => return Err(RoutineSkip::Aggregate),
        "w" => return Err(RoutineSkip::Window),
        "p" => RoutineKind::Procedure,
        _ => RoutineKind::Function,
    };
    let is_pseudo = |oid: i64| types.0.get(&oid).is_some_and(|info| info.kind == "p");
    let inputs = (0..listed.argument_types.len())
        .filter(|at| listed.mode(*at).is_input())
        .count();
    let mut input_at = 0;
    let mut arguments = Vec::with_capacity(listed.argument_types.len());
    for (at, (oid, text)) in listed.argument_types.iter().enumerate() {
        let mode = listed.mode(at);
        let resolved = types.resolve(*oid, text);
        let has_default = mode.is_input() && {
            input_at += 1;
            input_at > inputs.saturating_sub(listed.defaults)
        };
        arguments.push(PostgresArgument {
            mode,
            name: listed
                .names
                .get(at)
                .filter(|name| !name.is_empty())
                .cloned(),
            type_text: text.clone(),
            data_type: resolved.data_type,
            enum_values: resolved.labels,
            pseudo: is_pseudo(*oid),
            has_default,
        });
    }
    if let Some(skip) = postgres_skip(
        (&listed.return_text, is_pseudo(listed.return_type)),
        &arguments,
    ) {
        return Err(skip);
    }
    let signature = postgres_signature(&arguments);
    let (parameters, outputs) = postgres_parameters(&listed.name, arguments);
    let resolved = types.resolve(listed.return_type, &listed.return_text);
    let row_columns = listed.return_relation.map(|relation| {
        row_types
            .get(&relation)
            .into_iter()
            .flatten()
            .map(|(name, oid, text)| {
                let resolved = types.resolve(*oid, text);
                result_column(
                    name.clone(),
                    normalize_sql_type(text),
                    resolved.data_type,
                    resolved.labels,
                )
            })
            .collect()
    });
    let returns = postgres_returns(
        kind,
        &listed.name,
        outputs,
        PostgresReturn {
            set: listed.set,
            sql_type: normalize_sql_type(&listed.return_text),
            data_type: resolved.data_type,
            enum_values: resolved.labels,
            row_columns,
        },
    );
    Ok(Routine {
        schema: listed.schema.clone(),
        name: listed.name.clone(),
        kind,
        signature,
        parameters,
        returns,
        read_only: kind == RoutineKind::Function && matches!(listed.volatility.as_str(), "i" | "s"),
        comment: listed.comment.clone(),
    })
}

/// The values a `CHECK (col IN (values))` allows a column whose type has `type_labels` (none
/// unless it is an enum type): the CHECK limits an enum type's column to some of its labels,
/// which keep the type's order, the order the column sorts in.
pub(crate) fn checked_enum_values(type_labels: &[String], values: Vec<String>) -> Vec<String> {
    if type_labels.is_empty() {
        return values;
    }
    type_labels
        .iter()
        .filter(|label| values.contains(label))
        .cloned()
        .collect()
}

/// Puts a table's keys in the order the DDL parser gives them too: foreign keys by name;
/// unique keys without the primary key's twin or duplicates (the newest index kept), by
/// columns.
pub(crate) fn finish_keys(table: &mut Table) {
    table
        .foreign_keys
        .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    let primary = table.primary_key.as_ref().map(|key| key.columns.clone());
    let mut unique: Vec<Key> = Vec::new();
    for key in std::mem::take(&mut table.unique_keys).into_iter().rev() {
        if primary.as_ref() != Some(&key.columns)
            && !unique.iter().any(|other| other.columns == key.columns)
        {
            unique.push(key);
        }
    }
    unique.sort_by(|a, b| a.columns.cmp(&b.columns));
    table.unique_keys = unique;
}

/// A default that draws from a sequence: the column is filled in by the database.
pub(crate) fn is_serial_default(default: &str) -> bool {
    default
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("nextval(")
}

/// A type of `pg_type`, as far as it matters here.
#[derive(Debug, Clone)]
struct TypeInfo {
    /// `typtype`: `b` base, `e` enum, `d` domain, `c` composite, ...
    kind: String,
    /// A domain's `NOT NULL`.
    not_null: bool,
    /// An array's element type.
    element: Option<i64>,
    /// A domain's base type, and that type printed with the domain's type modifier.
    base: Option<(i64, String)>,
    /// An enum's labels, in order.
    labels: Vec<String>,
}

/// The types that columns use, by OID.
#[derive(Debug, Default)]
struct Types(HashMap<i64, TypeInfo>);

/// What a column's type resolves to.
#[derive(Debug, Clone)]
struct Resolved {
    data_type: DataType,
    labels: Vec<String>,
    not_null: bool,
}

impl Types {
    /// The meaning of type `oid`, printed by `format_type` as `text`: a domain means what its
    /// base type means (and its `NOT NULL` holds), an enum is [`DataType::Enum`] with its
    /// labels, an array is an array of what its element means; built-in types are mapped by
    /// [`typemap::data_type`].
    fn resolve(&self, oid: i64, text: &str) -> Resolved {
        self.resolve_at(oid, text, 0)
    }

    fn resolve_at(&self, oid: i64, text: &str, depth: u32) -> Resolved {
        let plain = || Resolved {
            data_type: typemap::data_type(Dialect::Postgres, &normalize_sql_type(text)),
            labels: Vec::new(),
            not_null: false,
        };
        let Some(info) = self.0.get(&oid) else {
            return plain();
        };
        if depth > 16 {
            return plain();
        }
        if let Some((base, base_text)) = &info.base {
            let mut resolved = self.resolve_at(*base, base_text, depth + 1);
            resolved.not_null |= info.not_null;
            return resolved;
        }
        if info.kind == "e" {
            return Resolved {
                data_type: DataType::Enum,
                labels: info.labels.clone(),
                not_null: false,
            };
        }
        if let Some(element) = info.element {
            let element_text = text.strip_suffix("[]").unwrap_or(text);
            let element = self.resolve_at(element, element_text, depth + 1);
            return Resolved {
                data_type: DataType::Array {
                    element: Box::new(element.data_type),
                },
                labels: element.labels,
                not_null: false,
            };
        }
        plain()
    }
}

/// The types `oids`, with the element and base types they lead to, and enum labels.
async fn read_types(
    connection: &mut PgConnection,
    oids: BTreeSet<i64>,
) -> Result<Types, sqlx::Error> {
    let mut types = Types::default();
    let mut wanted: Vec<i64> = oids.into_iter().collect();
    while !wanted.is_empty() {
        let rows = sqlx::query(TYPES)
            .bind(&wanted)
            .fetch_all(&mut *connection)
            .await?;
        let mut next = BTreeSet::new();
        for row in rows {
            let oid: i64 = row.get(0);
            let element: Option<i64> = row.get(3);
            let base: Option<i64> = row.get(4);
            let base_text: Option<String> = row.get(5);
            for leads_to in element.iter().chain(&base) {
                if !types.0.contains_key(leads_to) {
                    next.insert(*leads_to);
                }
            }
            types.0.insert(
                oid,
                TypeInfo {
                    kind: row.get(1),
                    not_null: row.get(2),
                    element,
                    base: base.zip(base_text),
                    labels: Vec::new(),
                },
            );
        }
        next.retain(|oid| !types.0.contains_key(oid));
        wanted = next.into_iter().collect();
    }
    let enums: Vec<i64> = types
        .0
        .iter()
        .filter(|(_, info)| info.kind == "e")
        .map(|(oid, _)| *oid)
        .collect();
    if !enums.is_empty() {
        for row in sqlx::query(ENUM_LABELS)
            .bind(&enums)
            .fetch_all(&mut *connection)
            .await?
        {
            if let Some(info) = types.0.get_mut(&row.get::<i64, _>(0)) {
                info.labels.push(row.get(1));
            }
        }
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_keeps_an_enum_types_order_and_a_text_columns_own() {
        let strings = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>();
        let mood = strings(&["sad", "ok", "happy"]);
        assert_eq!(
            checked_enum_values(&mood, strings(&["happy", "sad"])),
            strings(&["sad", "happy"])
        );
        assert_eq!(
            checked_enum_values(&[], strings(&["b", "a"])),
            strings(&["b", "a"])
        );
    }

    #[test]
    fn both_url_schemes_are_postgres() {
        assert!(handles("postgres://u:p@localhost/db"));
        assert!(handles("postgresql://localhost/db"));
        assert!(!handles("mysql://localhost/db"));
        assert!(!handles("sqlite://x.db"));
    }

    #[test]
    fn sequence_defaults_are_generated() {
        assert!(is_serial_default("nextval('t_id_seq'::regclass)"));
        assert!(is_serial_default("NEXTVAL('s')"));
        assert!(!is_serial_default("now()"));
    }

    #[test]
    fn domains_enums_and_arrays_resolve_to_their_meaning() {
        let mut types = Types::default();
        let info = |kind: &str| TypeInfo {
            kind: kind.to_owned(),
            not_null: false,
            element: None,
            base: None,
            labels: Vec::new(),
        };
        types.0.insert(23, info("b"));
        types.0.insert(
            100,
            TypeInfo {
                not_null: true,
                base: Some((23, "integer".to_owned())),
                ..info("d")
            },
        );
        types.0.insert(
            200,
            TypeInfo {
                labels: vec!["a".to_owned(), "b".to_owned()],
                ..info("e")
            },
        );
        types.0.insert(
            201,
            TypeInfo {
                element: Some(200),
                ..info("b")
            },
        );
        let year = types.resolve(100, "year");
        assert_eq!(year.data_type, DataType::Integer);
        assert!(year.not_null);
        let mood = types.resolve(200, "mood");
        assert_eq!(mood.data_type, DataType::Enum);
        assert_eq!(mood.labels, ["a", "b"]);
        let moods = types.resolve(201, "mood[]");
        assert_eq!(
            moods.data_type,
            DataType::Array {
                element: Box::new(DataType::Enum)
            }
        );
        assert_eq!(
            types.resolve(1009, "text[]").data_type,
            DataType::Array {
                element: Box::new(DataType::Text)
            }
        );
    }
}

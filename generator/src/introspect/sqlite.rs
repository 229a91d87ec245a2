//! Introspection of a live SQLite database: `sqlite_schema` and the table pragmas give the
//! tables, views, columns and keys; each table's own `CREATE` statement, parsed by
//! [`super::ddl`], adds what the pragmas do not report (constraint names, `CHECK` enums).
//!
//! [`normalize`] applies SQLite's own rules to a model from either source, so that live
//! introspection and DDL parsing of the same schema give the same model.

use std::collections::HashMap;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Row as _};

use mcpgen_rules::url::redact as redact_url;

use super::{IntrospectError, ddl};
use crate::model::{
    Column, DataType, Dialect, ForeignKey, Key, Schema, Table, TableKind, Warning,
    normalize_sql_type,
};
use crate::typemap;

/// Whether `url` is a SQLite URL.
pub(crate) fn handles(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The file a `sqlite://PATH` or `sqlite:PATH` URL names.
pub fn database_path(url: &str) -> &str {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    rest.split('?').next().unwrap_or(rest)
}

/// Reads the schema of the SQLite database at `url`.
pub async fn introspect(url: &str) -> Result<(Schema, Vec<Warning>), IntrospectError> {
    let fail = |error: sqlx::Error| IntrospectError::Database {
        url: redact_url(url),
        message: error.to_string(),
    };
    let path = database_path(url);
    if !std::path::Path::new(path).is_file() {
        return Err(IntrospectError::Database {
            url: redact_url(url),
            message: format!("no SQLite database file at {path:?}"),
        });
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(fail)?
        .read_only(true)
        .create_if_missing(false);
    let mut connection = options.connect().await.map_err(fail)?;
    let mut warnings = Vec::new();
    let objects = sqlx::query(
        "SELECT type, name, sql FROM sqlite_schema \
         WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY name",
    )
    .fetch_all(&mut connection)
    .await
    .map_err(fail)?;
    let special: HashMap<String, String> = sqlx::query(
        "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('virtual', 'shadow')",
    )
    .fetch_all(&mut connection)
    .await
    .map_err(fail)?
    .iter()
    .map(|row| (row.get(0), row.get(1)))
    .collect();
    let mut tables = Vec::with_capacity(objects.len());
    for object in &objects {
        let kind: String = object.get(0);
        let name: String = object.get(1);
        let sql: Option<String> = object.get(2);
        match special.get(&name).map(String::as_str) {
            Some("virtual") => {
                warnings.push(Warning::new(
                    name.clone(),
                    "skipped: a virtual table (its module's own tables are skipped too)",
                ));
                continue;
            }
            Some(_) => continue,
            None => {}
        }
        match read_table(&mut connection, &kind, &name, sql.as_deref(), &mut warnings).await {
            Ok(mut table) => {
                if table.kind == TableKind::Table
                    && let Err(error) =
                        serve_unreadable_as_stored(&mut connection, &mut table, &mut warnings).await
                {
                    warnings.push(Warning::new(
                        name.clone(),
                        format!("its values could not be sampled ({error})"),
                    ));
                }
                tables.push(table);
            }
            Err(error) => warnings.push(Warning::new(
                name.clone(),
                format!("skipped: SQLite cannot describe it ({error})"),
            )),
        }
    }
    let schema = Schema {
        dialect: Dialect::Sqlite,
        database: super::file_stem(std::path::Path::new(path)),
        tables,
        routines: Vec::new(),
    };
    Ok((schema, warnings))
}

async fn read_table(
    connection: &mut SqliteConnection,
    kind: &str,
    name: &str,
    sql: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<Table, sqlx::Error> {
    let kind = if kind == "view" {
        TableKind::View
    } else {
        TableKind::Table
    };
    let mut primary_key: Vec<(i64, String)> = Vec::new();
    let mut columns = Vec::new();
    let rows = sqlx::query(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden \
         FROM pragma_table_xinfo(?1) ORDER BY cid",
    )
    .bind(name)
    .fetch_all(&mut *connection)
    .await?;
    for row in rows {
        let hidden: i64 = row.get(5);
        if hidden == 1 {
            // A hidden column of a virtual table.
            continue;
        }
        let column_name: String = row.get(0);
        let declared: String = row.get::<Option<String>, _>(1).unwrap_or_default();
        let pk: i64 = row.get(4);
        if pk > 0 {
            primary_key.push((pk, column_name.clone()));
        }
        let sql_type = normalize_sql_type(&declared);
        columns.push(Column {
            data_type: typemap::data_type(Dialect::Sqlite, &sql_type),
            sql_type,
            nullable: kind == TableKind::View || row.get::<i64, _>(2) == 0,
            default: row.get(3),
            generated: hidden == 2 || hidden == 3,
            computed: hidden == 2 || hidden == 3,
            enum_values: Vec::new(),
            comment: None,
            name: column_name,
        });
    }
    primary_key.sort();
    let mut table = Table {
        schema: None,
        name: name.to_owned(),
        kind,
        comment: None,
        columns,
        primary_key: (!primary_key.is_empty()).then(|| Key {
            name: None,
            columns: primary_key.into_iter().map(|(_, column)| column).collect(),
        }),
        foreign_keys: Vec::new(),
        referenced_by: Vec::new(),
        unique_keys: Vec::new(),
        rowid: kind == TableKind::Table && !sql.is_some_and(is_without_rowid),
    };
    if kind == TableKind::Table {
        table.foreign_keys = read_foreign_keys(connection, name).await?;
        table.unique_keys = read_unique_keys(connection, name).await?;
        if let Some(sql) = sql {
            merge_declaration(&mut table, sql, warnings);
        }
    }
    Ok(table)
}

async fn read_foreign_keys(
    connection: &mut SqliteConnection,
    table: &str,
) -> Result<Vec<ForeignKey>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )
    .bind(table)
    .fetch_all(&mut *connection)
    .await?;
    // pragma_foreign_key_list numbers keys from the last declared one.
    let mut keys: Vec<(i64, ForeignKey)> = Vec::new();
    for row in rows {
        let id: i64 = row.get(0);
        let to: Option<String> = row.get(3);
        if keys.last().is_none_or(|(last, _)| *last != id) {
            keys.push((
                id,
                ForeignKey {
                    name: None,
                    columns: Vec::new(),
                    referenced_schema: None,
                    referenced_table: row.get(1),
                    referenced_columns: Vec::new(),
                },
            ));
        }
        let key = &mut keys.last_mut().expect("pushed above").1;
        key.columns.push(row.get(2));
        if let Some(to) = to {
            key.referenced_columns.push(to);
        }
    }
    keys.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    Ok(keys.into_iter().map(|(_, key)| key).collect())
}

async fn read_unique_keys(
    connection: &mut SqliteConnection,
    table: &str,
) -> Result<Vec<Key>, sqlx::Error> {
    let indexes = sqlx::query(
        "SELECT name, origin FROM pragma_index_list(?1) \
         WHERE \"unique\" = 1 AND partial = 0 AND origin <> 'pk'",
    )
    .bind(table)
    .fetch_all(&mut *connection)
    .await?;
    let mut keys = Vec::new();
    for index in indexes {
        let index_name: String = index.get(0);
        let origin: String = index.get(1);
        let columns = sqlx::query("SELECT cid, name FROM pragma_index_info(?1) ORDER BY seqno")
            .bind(&index_name)
            .fetch_all(&mut *connection)
            .await?;
        // An index on an expression has no column name: it is not a key of columns.
        if columns.iter().any(|c| c.get::<i64, _>(0) < 0) {
            continue;
        }
        keys.push(Key {
            // Indexes SQLite made for a UNIQUE constraint get their name from the declaration.
            name: (origin == "c").then_some(index_name),
            columns: columns.iter().map(|c| c.get(1)).collect(),
        });
    }
    Ok(keys)
}

/// Adds what the table's `CREATE TABLE` says and the pragmas do not: constraint names and
/// `CHECK (col IN (...))` enums.
fn merge_declaration(table: &mut Table, sql: &str, warnings: &mut Vec<Warning>) {
    let declared = match ddl::parse(sql, Dialect::Sqlite, &table.name) {
        Ok((schema, _)) => schema,
        Err(error) => {
            warnings.push(Warning::new(
                table.name.clone(),
                format!("its CREATE TABLE could not be parsed, so CHECK enums and constraint names are missing: {error}"),
            ));
            return;
        }
    };
    let Some(declared) = declared
        .tables
        .into_iter()
        .find(|t| t.name.eq_ignore_ascii_case(&table.name))
    else {
        return;
    };
    for column in &mut table.columns {
        if let Some(found) = declared.column(&column.name) {
            column.enum_values.clone_from(&found.enum_values);
        }
    }
    if let (Some(key), Some(found)) = (&mut table.primary_key, &declared.primary_key)
        && key.columns == found.columns
    {
        key.name.clone_from(&found.name);
    }
    for key in &mut table.foreign_keys {
        if let Some(found) = declared
            .foreign_keys
            .iter()
            .find(|f| f.columns == key.columns)
        {
            key.name.clone_from(&found.name);
        }
    }
    for key in &mut table.unique_keys {
        if key.name.is_none()
            && let Some(found) = declared
                .unique_keys
                .iter()
                .find(|u| u.columns == key.columns)
        {
            key.name.clone_from(&found.name);
        }
    }
}

/// Whether a `CREATE TABLE` ends with `WITHOUT ROWID`.
fn is_without_rowid(sql: &str) -> bool {
    let tail = sql
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    tail.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .windows(2)
        .any(|pair| pair == ["WITHOUT", "ROWID"])
}

/// Rows of a table sampled for values its columns' types cannot read.
const SAMPLE_ROWS: u32 = 10_000;

/// SQLite keeps any value in any column of a table that is not `STRICT`: text in an `INTEGER`
/// column, `garbage` in a `DATE` one. A column whose sampled rows hold a value its Rust type
/// cannot read would make every call that reads it fail, so it is served as stored instead
/// (a number or a string, [`DataType::Dynamic`]), with a warning that names an example.
async fn serve_unreadable_as_stored(
    connection: &mut SqliteConnection,
    table: &mut Table,
    warnings: &mut Vec<Warning>,
) -> Result<(), sqlx::Error> {
    let checks: Vec<(usize, String)> = table
        .columns
        .iter()
        .enumerate()
        .filter_map(|(index, column)| {
            unreadable(&quote(&column.name), &column.data_type).map(|test| (index, test))
        })
        .collect();
    if checks.is_empty() {
        return Ok(());
    }
    let sample = format!("(SELECT * FROM {} LIMIT {SAMPLE_ROWS})", quote(&table.name));
    let counts: Vec<String> = checks
        .iter()
        .map(|(_, test)| format!("COALESCE(SUM(CASE WHEN {test} THEN 1 ELSE 0 END), 0)"))
        .collect();
    // Identifiers from the catalog, quoted; no value from anywhere else.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM {sample}",
        counts.join(", ")
    )))
    .fetch_one(&mut *connection)
    .await?;
    for (position, (index, test)) in checks.iter().enumerate() {
        let found: i64 = row.try_get(position)?;
        if found == 0 {
            continue;
        }
        let column = &table.columns[*index];
        let example: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT quote({}) FROM {sample} WHERE {test} LIMIT 1",
            quote(&column.name)
        )))
        .fetch_one(&mut *connection)
        .await?;
        warnings.push(Warning::new(
            format!("{}.{}", table.name, column.name),
            format!(
                "{found} of its first {SAMPLE_ROWS} rows hold a value a {} column cannot be read as (such as {example}); served as stored, a number or a string",
                if column.sql_type.is_empty() { "typed" } else { &column.sql_type }
            ),
        ));
        table.columns[*index].data_type = DataType::Dynamic;
    }
    Ok(())
}

/// An SQL test that holds for a value of `column` that a field of the Rust type of
/// `data_type` cannot read, as the runtime reads it (dates and times through SQLite's date
/// functions); `None` for types that read every value.
fn unreadable(column: &str, data_type: &DataType) -> Option<String> {
    let not_of = |classes: &str| format!("typeof({column}) NOT IN ({classes}, 'null')");
    let time = |format: &str| {
        format!("({column} IS NOT NULL AND strftime('{format}', {column}, 'auto') IS NULL)")
    };
    Some(match data_type {
        DataType::Boolean
        | DataType::TinyInt
        | DataType::SmallInt
        | DataType::Integer
        | DataType::BigInt
        | DataType::UnsignedTinyInt
        | DataType::UnsignedSmallInt
        | DataType::UnsignedInteger
        | DataType::UnsignedBigInt
        | DataType::Year => not_of("'integer'"),
        DataType::Real | DataType::Double => not_of("'real'"),
        DataType::Text | DataType::Uuid | DataType::Inet | DataType::Enum | DataType::Set => {
            not_of("'text'")
        }
        DataType::Bytes => not_of("'blob', 'text'"),
        DataType::Json => format!(
            "({} OR (typeof({column}) = 'text' AND NOT json_valid({column})))",
            not_of("'text'")
        ),
        DataType::Decimal { .. } => format!(
            "(typeof({column}) = 'blob' OR (typeof({column}) = 'text' AND NOT (trim({column}) GLOB '*[0-9]*' AND trim({column}) NOT GLOB '*[^0-9.eE+-]*')))"
        ),
        DataType::Date => time("%Y-%m-%d"),
        DataType::Time => time("%H:%M:%f"),
        DataType::Timestamp | DataType::TimestampTz => time("%Y-%m-%d %H:%M:%f"),
        DataType::Interval | DataType::Array { .. } | DataType::Dynamic | DataType::Unknown => {
            return None;
        }
    })
}

/// `name` quoted as an SQLite identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// SQLite's rules, applied to a model from either source:
/// - a single `INTEGER PRIMARY KEY` column of a rowid table is the row id: never NULL, and
///   filled in by SQLite when omitted;
/// - the primary key columns of a `WITHOUT ROWID` table are never NULL;
/// - table names are case-insensitive: foreign keys name their table as it is declared;
/// - a foreign key without columns references the primary key;
/// - unique keys that repeat the primary key are dropped; the rest are sorted by columns.
pub fn normalize(schema: &mut Schema) {
    let names: HashMap<String, (String, Vec<String>)> = schema
        .tables
        .iter()
        .map(|t| {
            let key = t
                .primary_key
                .as_ref()
                .map(|k| k.columns.clone())
                .unwrap_or_default();
            (t.name.to_ascii_lowercase(), (t.name.clone(), key))
        })
        .collect();
    for table in &mut schema.tables {
        if let Some(key) = &table.primary_key {
            let row_id_alias = table.rowid
                && key.columns.len() == 1
                && table
                    .column(&key.columns[0])
                    .is_some_and(|c| c.sql_type == "INTEGER");
            for name in key.columns.clone() {
                if let Some(column) = table.columns.iter_mut().find(|c| c.name == name)
                    && (row_id_alias || !table.rowid)
                {
                    column.nullable = false;
                    if row_id_alias {
                        column.generated = true;
                        column.data_type = DataType::BigInt;
                    }
                }
            }
        }
        for key in &mut table.foreign_keys {
            if let Some((name, primary)) = names.get(&key.referenced_table.to_ascii_lowercase()) {
                key.referenced_table.clone_from(name);
                if key.referenced_columns.is_empty() {
                    key.referenced_columns.clone_from(primary);
                }
            }
        }
        let primary = table.primary_key.as_ref().map(|k| k.columns.clone());
        table
            .unique_keys
            .retain(|key| Some(&key.columns) != primary.as_ref());
        table.unique_keys.sort_by(|a, b| a.columns.cmp(&b.columns));
        table.unique_keys.dedup_by(|a, b| a.columns == b.columns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_rowid_is_found_after_the_columns() {
        assert!(is_without_rowid(
            "CREATE TABLE t (a INT PRIMARY KEY) WITHOUT ROWID"
        ));
        assert!(is_without_rowid(
            "create table t (a int primary key) without  rowid, strict"
        ));
        assert!(!is_without_rowid("CREATE TABLE t (without_rowid INT)"));
    }

    #[test]
    fn urls_name_their_file() {
        assert_eq!(database_path("sqlite://data/x.db"), "data/x.db");
        assert_eq!(database_path("sqlite:x.db?mode=ro"), "x.db");
        assert_eq!(database_path("sqlite:///abs/x.db"), "/abs/x.db");
    }
}

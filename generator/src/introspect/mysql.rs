//! Introspection of a live MySQL or MariaDB database: `information_schema` (`TABLES`,
//! `COLUMNS`, `STATISTICS`, `KEY_COLUMN_USAGE`, `REFERENTIAL_CONSTRAINTS` and
//! `CHECK_CONSTRAINTS`) gives the tables and views of the database the URL names, their
//! columns and their keys.
//!
//! Only the columns that MySQL 5.7+, MySQL 8 and MariaDB 10.2+ all have are read, and what
//! they report differently is brought to one form, the one [`super::ddl`] gives for the same
//! schema in a DDL file:
//!
//! - types by [`typemap::mysql_column_type`] (`smallint(5) unsigned` -> `SMALLINT UNSIGNED`);
//!   MariaDB's `JSON` (a `LONGTEXT` with `CHECK (json_valid(col))`) is `JSON`;
//! - defaults by [`canonical_default`]: MariaDB reports them as SQL (`'G'`, `NULL`,
//!   `current_timestamp()`), MySQL 8 as raw values (`G`, `CURRENT_TIMESTAMP` flagged
//!   `DEFAULT_GENERATED`); both become SQL text in one spelling, `None` for no default or
//!   `NULL`;
//! - `CHECK (col IN ('a', 'b'))` constraints give the column's enum values
//!   (`CHECK_CONSTRAINTS` exists from MariaDB 10.2 and MySQL 8.0.16; without it, there are
//!   none);
//! - [`normalize`] applies the rules both sources share: the primary key is named
//!   `PRIMARY`, a view's columns have no default, keys are sorted.
//!
//! Stored procedures and functions come from `ROUTINES` and `PARAMETERS`, and are made into
//! the model by [`ddl::mysql_routine`], as a DDL file's are: whether a procedure returns
//! result sets is read from its body (`ROUTINE_DEFINITION`) by [`ddl::selects_result_sets`].

use std::collections::HashMap;
use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow};
use sqlx::{ConnectOptions as _, Row as _};

use mcpgen_rules::url::redact as redact_url;

use super::routines::{routine_location, sort_routines};
use super::{IntrospectError, ddl};
use crate::model::{
    Column, DataType, Dialect, ForeignKey, Key, ParameterMode, Routine, RoutineKind, Schema, Table,
    TableKind, Warning,
};
use crate::typemap;

/// Whether `url` is a MySQL or MariaDB URL.
pub(crate) fn handles(url: &str) -> bool {
    url.starts_with("mysql://") || url.starts_with("mariadb://")
}

/// `url` with the scheme sqlx knows (`mariadb://` -> `mysql://`).
fn sqlx_url(url: &str) -> String {
    match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    }
}

/// Reads the schema of the MySQL or MariaDB database at `url` (which must name a database).
pub async fn introspect(url: &str) -> Result<(Schema, Vec<Warning>), IntrospectError> {
    let fail = |message: String| IntrospectError::Database {
        url: redact_url(url),
        message: message.replace(['\n', '\r'], " "),
    };
    let options = MySqlConnectOptions::from_str(&sqlx_url(url))
        .map_err(|error| fail(format!("not a valid MySQL URL: {error}")))?;
    let Some(database) = options.get_database().map(str::to_owned) else {
        return Err(fail(
            "the URL names no database; add /DBNAME to it (mysql://user@host/DBNAME)".to_owned(),
        ));
    };
    let mut connection = options
        .connect()
        .await
        .map_err(|error| fail(error.to_string()))?;
    let mut warnings = Vec::new();
    let tables = read_tables(&mut connection, &database, &mut warnings)
        .await
        .map_err(|error| fail(error.to_string()))?;
    let routines = read_routines(&mut connection, &database, &mut warnings)
        .await
        .map_err(|error| fail(error.to_string()))?;
    let mut schema = Schema {
        dialect: Dialect::Mysql,
        database: Some(database),
        tables,
        routines,
    };
    normalize(&mut schema.tables);
    schema.link();
    Ok((schema, warnings))
}

/// The server's flavour, from `VERSION()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Server {
    /// MariaDB (else MySQL).
    mariadb: bool,
    /// `COLUMN_DEFAULT` is SQL text (`'G'`, `NULL`, `current_timestamp()`): MariaDB 10.2.7+.
    sql_defaults: bool,
}

impl Server {
    fn of_version(version: &str) -> Self {
        let mariadb = version.contains("MariaDB");
        // MariaDB may present itself as "5.5.5-10.11.19-MariaDB".
        let numbers = version.strip_prefix("5.5.5-").unwrap_or(version);
        let parts: Vec<u32> = numbers
            .split(|c: char| !c.is_ascii_digit())
            .take(3)
            .map(|part| part.parse().unwrap_or(0))
            .collect();
        let at_least = |wanted: &[u32]| parts.as_slice() >= wanted;
        Self {
            mariadb,
            sql_defaults: mariadb && at_least(&[10, 2, 7]),
        }
    }
}

/// A text column of `row` (read as bytes: MySQL 8 reports some `information_schema`
/// columns with a binary collation).
fn text(row: &MySqlRow, index: usize) -> Result<Option<String>, sqlx::Error> {
    let bytes: Option<Vec<u8>> = row.try_get(index)?;
    Ok(bytes.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// A text column that is never NULL.
fn text_or_empty(row: &MySqlRow, index: usize) -> Result<String, sqlx::Error> {
    Ok(text(row, index)?.unwrap_or_default())
}

async fn read_tables(
    connection: &mut MySqlConnection,
    database: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Table>, sqlx::Error> {
    let version_row = sqlx::query("SELECT VERSION()")
        .fetch_one(&mut *connection)
        .await?;
    let server = Server::of_version(&text_or_empty(&version_row, 0)?);
    let mut tables: Vec<Table> = Vec::new();
    let rows = sqlx::query(
        "SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
    )
    .bind(database)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let name = text_or_empty(row, 0)?;
        let kind = match text_or_empty(row, 1)?.as_str() {
            "BASE TABLE" | "SYSTEM VERSIONED" => TableKind::Table,
            "VIEW" => TableKind::View,
            other => {
                warnings.push(Warning::new(
                    name,
                    format!("skipped: a {other}, not a table or view"),
                ));
                continue;
            }
        };
        let comment = text(row, 2)?.filter(|c| !c.is_empty() && kind == TableKind::Table);
        tables.push(Table {
            schema: None,
            name,
            kind,
            comment,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            unique_keys: Vec::new(),
            rowid: false,
        });
    }
    let index: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .map(|(at, table)| (table.name.clone(), at))
        .collect();
    read_columns(connection, database, server, &index, &mut tables).await?;
    read_keys(connection, database, &index, &mut tables, warnings).await?;
    read_foreign_keys(connection, database, &index, &mut tables).await?;
    read_checks(connection, database, server, &index, &mut tables, warnings).await?;
    tables.retain(|table| {
        // A view whose definition no longer works (a table it reads was dropped) has no
        // columns in information_schema.
        let readable = !table.columns.is_empty();
        if !readable {
            warnings.push(Warning::new(
                table.name.clone(),
                "skipped: the server reports no columns for it (does it read a table that no \
                 longer exists?)",
            ));
        }
        readable
    });
    Ok(tables)
}

async fn read_columns(
    connection: &mut MySqlConnection,
    database: &str,
    server: Server,
    index: &HashMap<String, usize>,
    tables: &mut [Table],
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
         COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .bind(database)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let Some(&at) = index.get(&text_or_empty(row, 0)?) else {
            continue;
        };
        let sql_type = typemap::mysql_column_type(&text_or_empty(row, 2)?);
        let extra = text_or_empty(row, 5)?.to_ascii_uppercase();
        let raw_default = text(row, 4)?;
        let default = raw_default.and_then(|raw| {
            if server.sql_defaults {
                canonical_default(&raw, &sql_type)
            } else {
                mysql_raw_default(&raw, &extra, &sql_type)
            }
        });
        let generated = extra.contains("AUTO_INCREMENT")
            || extra.contains("VIRTUAL GENERATED")
            || extra.contains("STORED GENERATED")
            || extra.contains("PERSISTENT GENERATED");
        tables[at].columns.push(Column {
            name: text_or_empty(row, 1)?,
            data_type: typemap::data_type(Dialect::Mysql, &sql_type),
            enum_values: Vec::new(),
            sql_type,
            nullable: text_or_empty(row, 3)?.eq_ignore_ascii_case("YES"),
            default,
            generated,
            computed: extra.contains(" GENERATED"),
            comment: text(row, 6)?,
        });
    }
    Ok(())
}

/// The primary key and the unique keys: unique indexes of whole columns (indexes on a
/// prefix of a column or on an expression are not keys of columns).
async fn read_keys(
    connection: &mut MySqlConnection,
    database: &str,
    index: &HashMap<String, usize>,
    tables: &mut [Table],
    warnings: &mut Vec<Warning>,
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, COALESCE(CAST(SUB_PART AS CHAR), '') \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND NON_UNIQUE = 0 \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .bind(database)
    .fetch_all(&mut *connection)
    .await?;
    // (table, index name, columns, whole columns only)
    let mut keys: Vec<(usize, String, Vec<String>, bool)> = Vec::new();
    for row in &rows {
        let Some(&at) = index.get(&text_or_empty(row, 0)?) else {
            continue;
        };
        let name = text_or_empty(row, 1)?;
        let column = text(row, 2)?;
        let prefix = !text_or_empty(row, 3)?.is_empty();
        let same = keys
            .last()
            .is_some_and(|(table, index_name, _, _)| *table == at && *index_name == name);
        if !same {
            keys.push((at, name, Vec::new(), true));
        }
        let key = keys.last_mut().expect("pushed above");
        match column {
            Some(column) if !prefix => key.2.push(column),
            _ => key.3 = false,
        }
    }
    for (at, name, columns, whole) in keys {
        let table = &mut tables[at];
        if name == "PRIMARY" {
            table.primary_key = Some(Key {
                name: Some(name),
                columns,
            });
        } else if whole {
            table.unique_keys.push(Key {
                name: Some(name),
                columns,
            });
        } else {
            warnings.push(Warning::new(
                table.name.clone(),
                format!(
                    "unique index {name} is on a prefix of a column or on an expression; it \
                     is not used as a key"
                ),
            ));
        }
    }
    Ok(())
}

async fn read_foreign_keys(
    connection: &mut MySqlConnection,
    database: &str,
    index: &HashMap<String, usize>,
    tables: &mut [Table],
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, \
         k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME \
          AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
         WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .bind(database)
    .fetch_all(&mut *connection)
    .await?;
    let mut last: Option<(usize, String)> = None;
    for row in &rows {
        let Some(&at) = index.get(&text_or_empty(row, 0)?) else {
            continue;
        };
        let name = text_or_empty(row, 1)?;
        if last.as_ref() != Some(&(at, name.clone())) {
            let referenced_schema = text(row, 3)?.filter(|schema| schema != database);
            tables[at].foreign_keys.push(ForeignKey {
                name: Some(name.clone()),
                columns: Vec::new(),
                referenced_schema,
                referenced_table: text_or_empty(row, 4)?,
                referenced_columns: Vec::new(),
            });
            last = Some((at, name));
        }
        let key = tables[at].foreign_keys.last_mut().expect("pushed above");
        key.columns.push(text_or_empty(row, 2)?);
        key.referenced_columns.push(text_or_empty(row, 5)?);
    }
    Ok(())
}

/// `CHECK (col IN ('a', 'b'))` gives enum values, and MariaDB's `CHECK (json_valid(col))`
/// on a `LONGTEXT` makes it `JSON` (what MariaDB's `JSON` type is).
async fn read_checks(
    connection: &mut MySqlConnection,
    database: &str,
    server: Server,
    index: &HashMap<String, usize>,
    tables: &mut [Table],
    warnings: &mut Vec<Warning>,
) -> Result<(), sqlx::Error> {
    // MariaDB names a column's check after the column, so its names repeat across tables;
    // it lists each check's table. MySQL's names are unique in the schema; only
    // TABLE_CONSTRAINTS gives their table.
    let query = if server.mariadb {
        "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME"
    } else {
        "SELECT t.TABLE_NAME, c.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS c \
         JOIN information_schema.TABLE_CONSTRAINTS t \
           ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME \
          AND t.CONSTRAINT_TYPE = 'CHECK' \
         WHERE c.CONSTRAINT_SCHEMA = ? ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME"
    };
    let rows = match sqlx::query(query)
        .bind(database)
        .fetch_all(&mut *connection)
        .await
    {
        Ok(rows) => rows,
        Err(sqlx::Error::Database(error)) => {
            // MySQL before 8.0.16 and MariaDB before 10.2 have no CHECK_CONSTRAINTS (nor
            // checks that they enforce).
            warnings.push(Warning::new(
                database,
                format!(
                    "CHECK constraints cannot be read ({error}); CHECK (col IN (...)) gives no \
                     enum values"
                ),
            ));
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    for row in &rows {
        let Some(&at) = index.get(&text_or_empty(row, 0)?) else {
            continue;
        };
        if let Some(check) = ddl::mysql_check(&text_or_empty(row, 1)?) {
            apply_check(&mut tables[at], check);
        }
    }
    Ok(())
}

/// The stored procedures and functions of the database, in the model's order.
async fn read_routines(
    connection: &mut MySqlConnection,
    database: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Routine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, SQL_DATA_ACCESS, \
         ROUTINE_COMMENT FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? \
         ORDER BY ROUTINE_NAME, ROUTINE_TYPE",
    )
    .bind(database)
    .fetch_all(&mut *connection)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // (routine name, routine type) -> its parameters, in order.
    let mut parameters: HashMap<(String, String), Vec<ddl::MysqlParameter>> = HashMap::new();
    for row in &sqlx::query(
        "SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER \
         FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0 \
         ORDER BY SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION",
    )
    .bind(database)
    .fetch_all(&mut *connection)
    .await?
    {
        let mode = match text_or_empty(row, 2)?.to_ascii_uppercase().as_str() {
            "OUT" => ParameterMode::Out,
            "INOUT" => ParameterMode::InOut,
            _ => ParameterMode::In,
        };
        parameters
            .entry((text_or_empty(row, 0)?, text_or_empty(row, 1)?))
            .or_default()
            .push(ddl::MysqlParameter {
                mode,
                name: text_or_empty(row, 3)?,
                declared: text_or_empty(row, 4)?,
            });
    }
    let mut routines = Vec::new();
    for row in &rows {
        let name = text_or_empty(row, 0)?;
        let routine_type = text_or_empty(row, 1)?;
        let kind = match routine_type.to_ascii_uppercase().as_str() {
            "PROCEDURE" => RoutineKind::Procedure,
            "FUNCTION" => RoutineKind::Function,
            other => {
                warnings.push(Warning::new(
                    name,
                    format!("skipped: a {other}, not a procedure or function"),
                ));
                continue;
            }
        };
        // Whether a procedure's body returns result sets; `Err` with why it cannot be told.
        let result_sets = if kind == RoutineKind::Procedure {
            match text(row, 3)?.as_deref().map(ddl::selects_result_sets) {
                Some(Some(result_sets)) => Ok(result_sets),
                Some(None) => Err("its body cannot be read"),
                None => Err(
                    "the server does not show its body (does the user lack the privilege to see \
                     it?)",
                ),
            }
        } else {
            Ok(false)
        };
        let routine = ddl::mysql_routine(ddl::MysqlRoutineParts {
            schema: None,
            parameters: parameters
                .remove(&(name.clone(), routine_type))
                .unwrap_or_default(),
            name,
            kind,
            returns: text(row, 2)?,
            data_access: text_or_empty(row, 4)?,
            comment: text(row, 5)?,
            result_sets: *result_sets.as_ref().unwrap_or(&false),
        });
        if let Err(why) = result_sets {
            warnings.push(Warning::new(
                routine_location(None, &routine.name, &routine.signature),
                format!("{why}; it is taken to return no result sets, only its OUT parameters"),
            ));
        }
        routines.push(routine);
    }
    sort_routines(&mut routines);
    Ok(routines)
}

/// Applies what a check says about one column.
pub(crate) fn apply_check(table: &mut Table, check: ddl::MysqlCheck) {
    match check {
        ddl::MysqlCheck::Enum { column, values } => {
            if let Some(column) = table
                .columns
                .iter_mut()
                .find(|c| c.name.eq_ignore_ascii_case(&column))
                && column.enum_values.is_empty()
            {
                column.enum_values = values;
            }
        }
        ddl::MysqlCheck::Json { column } => {
            if let Some(column) = table
                .columns
                .iter_mut()
                .find(|c| c.name.eq_ignore_ascii_case(&column))
                && column.sql_type == "LONGTEXT"
            {
                "JSON".clone_into(&mut column.sql_type);
                column.data_type = DataType::Json;
            }
        }
    }
}

/// MySQL's rules, applied to a model from either source:
/// - comments that are empty are none;
/// - the primary key is named `PRIMARY` (MySQL ignores any other name given to it);
/// - `ENUM` and `SET` columns take their values from their type;
/// - a view's columns have no default (MySQL reports its base columns' ones, which mean
///   nothing for a view) and are not generated;
/// - unique keys that repeat the primary key are dropped, and of several on the same
///   columns the first by name is kept; they are sorted by columns, foreign keys by name.
pub(crate) fn normalize(tables: &mut [Table]) {
    for table in tables {
        if table.comment.as_deref() == Some("") {
            table.comment = None;
        }
        if let Some(key) = &mut table.primary_key {
            key.name = Some("PRIMARY".to_owned());
        }
        let view = table.kind == TableKind::View;
        for column in &mut table.columns {
            if column.comment.as_deref() == Some("") {
                column.comment = None;
            }
            if column.enum_values.is_empty()
                && matches!(column.data_type, DataType::Enum | DataType::Set)
            {
                column.enum_values = typemap::mysql_enum_values(&column.sql_type);
            }
            if view {
                column.default = None;
                column.generated = false;
                column.computed = false;
            }
        }
        let primary = table.primary_key.as_ref().map(|key| key.columns.clone());
        table
            .unique_keys
            .retain(|key| Some(&key.columns) != primary.as_ref());
        table
            .unique_keys
            .sort_by(|a, b| (&a.columns, &a.name).cmp(&(&b.columns, &b.name)));
        table.unique_keys.dedup_by(|a, b| a.columns == b.columns);
        table
            .foreign_keys
            .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    }
}

/// A default as MySQL 8 (and MariaDB before 10.2.7) reports it: the raw value of a literal,
/// or the expression of a default flagged `DEFAULT_GENERATED` in `EXTRA`; in canonical SQL.
fn mysql_raw_default(raw: &str, extra: &str, sql_type: &str) -> Option<String> {
    let category = TypeCategory::of(sql_type);
    // MySQL 5.7 does not flag `CURRENT_TIMESTAMP`; no date is spelled so.
    let time_function = matches!(category, TypeCategory::Temporal(_))
        && time_function(&raw.to_ascii_uppercase()).is_some();
    if extra.contains("DEFAULT_GENERATED") || raw.starts_with("b'") || time_function {
        return canonical_default(raw, sql_type);
    }
    let sql = match category {
        TypeCategory::Integer | TypeCategory::Decimal(_) | TypeCategory::Float
            if is_number(raw) =>
        {
            raw.to_owned()
        }
        _ => quote(raw),
    };
    canonical_default(&sql, sql_type)
}

/// A default (SQL text, as a DDL file writes it or MariaDB reports it) in one spelling for
/// a column of type `sql_type` (canonical), the value converted to the column's type the way
/// MySQL stores it: `None` for `NULL`; strings quoted with `'` (`''` for a quote); numbers
/// bare, integers rounded, decimals with the type's scale (`0` -> `0.00`), floats shortest
/// (`1.50` -> `1.5`); `TRUE` is `1`; bits as `b'101'`; dates and times zero-padded
/// (`'2020-1-1'` -> `'2020-01-01 00:00:00'` for a `DATETIME`); `NOW()`, `current_timestamp()`
/// and the like are `CURRENT_TIMESTAMP` (`CURRENT_TIMESTAMP(3)` with a precision). Other
/// expressions stay as written, blanks collapsed.
pub(crate) fn canonical_default(sql: &str, sql_type: &str) -> Option<String> {
    let category = TypeCategory::of(sql_type);
    let canonical = match parse_default(sql) {
        DefaultValue::Null => return None,
        DefaultValue::Expression(text) => text,
        DefaultValue::Bits(bits) => match category {
            TypeCategory::Text | TypeCategory::Temporal(_) => quote(&bits.to_string()),
            _ => format!("b'{bits:b}'"),
        },
        DefaultValue::Number(number) => match category {
            TypeCategory::Integer => integer_text(&number).unwrap_or(number),
            TypeCategory::Decimal(scale) => decimal_text(&number, scale).unwrap_or(number),
            TypeCategory::Float => float_text(&number).unwrap_or(number),
            TypeCategory::Bit => number
                .parse::<u64>()
                .map_or(number, |bits| format!("b'{bits:b}'")),
            TypeCategory::Temporal(kind) if number.trim_start_matches(['0', '.']).is_empty() => {
                quote(kind.zero())
            }
            TypeCategory::Text | TypeCategory::Temporal(_) => quote(&number),
        },
        DefaultValue::Text(text) => match category {
            TypeCategory::Integer if is_number(text.trim()) => {
                integer_text(text.trim()).unwrap_or_else(|| quote(&text))
            }
            TypeCategory::Decimal(scale) if is_number(text.trim()) => {
                decimal_text(text.trim(), scale).unwrap_or_else(|| quote(&text))
            }
            TypeCategory::Float if is_number(text.trim()) => {
                float_text(text.trim()).unwrap_or_else(|| quote(&text))
            }
            TypeCategory::Temporal(kind) => quote(&kind.normalize(&text).unwrap_or(text)),
            _ => quote(&text),
        },
    };
    Some(canonical)
}

/// `'text'`, with `''` for each quote.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// What a default is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DefaultValue {
    Null,
    /// A string literal's value.
    Text(String),
    /// A number literal (without a leading `+`), or `TRUE`/`FALSE` as 1/0.
    Number(String),
    /// A bit literal (`b'101'`).
    Bits(u64),
    /// Anything else, in canonical text.
    Expression(String),
}

/// Reads a default's SQL text.
fn parse_default(sql: &str) -> DefaultValue {
    let mut text = sql.trim();
    // `DEFAULT (expr)`: MySQL 8 and MariaDB report a parenthesized literal as the literal.
    while let Some(inner) = text
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .filter(|inner| balanced(inner))
    {
        text = inner.trim();
    }
    let upper = text.to_ascii_uppercase();
    match upper.as_str() {
        "NULL" => return DefaultValue::Null,
        "TRUE" => return DefaultValue::Number("1".to_owned()),
        "FALSE" => return DefaultValue::Number("0".to_owned()),
        _ => {}
    }
    if let Some(value) = string_literal(text) {
        return DefaultValue::Text(value);
    }
    if is_number(text) {
        return DefaultValue::Number(text.strip_prefix('+').unwrap_or(text).to_owned());
    }
    let bits = upper
        .strip_prefix("B'")
        .and_then(|rest| rest.strip_suffix('\''))
        .or_else(|| upper.strip_prefix("0B"));
    if let Some(bits) = bits
        && let Ok(value) = u64::from_str_radix(if bits.is_empty() { "0" } else { bits }, 2)
    {
        return DefaultValue::Bits(value);
    }
    if let Some(function) = time_function(&upper) {
        return DefaultValue::Expression(function);
    }
    DefaultValue::Expression(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether the parentheses of `text` are balanced (outside quotes).
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(open), _) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            (None, _) => {}
        }
    }
    depth == 0
}

/// The value of `text` when it is one string literal: `'...'` or `"..."`, perhaps after a
/// character set introducer (`_utf8mb4'x'`) or `N`; `''` and backslash escapes undone.
fn string_literal(text: &str) -> Option<String> {
    let body = if text.starts_with('_') {
        let at = text.find(['\'', '"'])?;
        if !text[1..at].chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        &text[at..]
    } else if let Some(rest) = text
        .strip_prefix(['N', 'n'])
        .filter(|r| r.starts_with('\''))
    {
        rest
    } else {
        text
    };
    let quote = body.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let mut value = String::new();
    let mut chars = body[1..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                '0' => value.push('\0'),
                'Z' => value.push('\x1a'),
                other => value.push(other),
            },
            _ if c == quote => {
                if chars.peek() == Some(&quote) {
                    chars.next();
                    value.push(quote);
                } else {
                    return chars.next().is_none().then_some(value);
                }
            }
            other => value.push(other),
        }
    }
    None
}

/// Whether `text` is a decimal number literal (`-1`, `4.99`, `.5`, `1e3`).
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    !(whole.is_empty() && fraction.is_empty()) && digits(whole) && digits(fraction) && exponent_ok
}

/// `CURRENT_TIMESTAMP` and its synonyms (`NOW()`, `LOCALTIMESTAMP`, ...), `CURRENT_DATE`
/// and `CURRENT_TIME`, with a precision when one other than 0 is given.
fn time_function(upper: &str) -> Option<String> {
    let (name, precision) = match upper.split_once('(') {
        Some((name, rest)) => (name.trim(), Some(rest.strip_suffix(')')?.trim())),
        None => (upper, None),
    };
    let canonical = match name {
        "CURRENT_TIMESTAMP" | "NOW" | "LOCALTIME" | "LOCALTIMESTAMP" => "CURRENT_TIMESTAMP",
        "CURRENT_DATE" | "CURDATE" => "CURRENT_DATE",
        "CURRENT_TIME" | "CURTIME" => "CURRENT_TIME",
        _ => return None,
    };
    match precision {
        None | Some("" | "0") => Some(canonical.to_owned()),
        Some(digits) if digits.chars().all(|c| c.is_ascii_digit()) => {
            Some(format!("{canonical}({digits})"))
        }
        Some(_) => None,
    }
}

/// `number` rounded to an integer (half away from zero), as MySQL stores it in an integer
/// column.
fn integer_text(number: &str) -> Option<String> {
    decimal_text(number, 0)
}

/// `number` with exactly `scale` digits after the point (rounded half away from zero).
fn decimal_text(number: &str, scale: u32) -> Option<String> {
    let scale = scale as usize;
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    if digits.contains(['e', 'E']) {
        let value: f64 = number.parse().ok()?;
        return decimal_text(&format!("{value:.*}", scale + 1), scale as u32);
    }
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut all: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    if all.is_empty() || !all.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let point = whole.len();
    // Pad or round the fraction to `scale` digits.
    let wanted = point + scale;
    if all.len() > wanted {
        let round_up = all[wanted] >= b'5';
        all.truncate(wanted);
        if round_up {
            let mut at = all.len();
            loop {
                if at == 0 {
                    all.insert(0, b'1');
                    break;
                }
                at -= 1;
                if all[at] == b'9' {
                    all[at] = b'0';
                } else {
                    all[at] += 1;
                    break;
                }
            }
        }
    } else {
        all.resize(wanted, b'0');
    }
    let point = all.len() - scale;
    let mut whole: String = String::from_utf8_lossy(&all[..point])
        .trim_start_matches('0')
        .to_owned();
    if whole.is_empty() {
        whole.push('0');
    }
    let fraction = String::from_utf8_lossy(&all[point..]).into_owned();
    let zero = whole == "0" && fraction.bytes().all(|b| b == b'0');
    let sign = if negative && !zero { "-" } else { "" };
    Some(if scale == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

/// A float as MySQL prints it: the shortest text that reads back (`1.50` -> `1.5`, `2.0` ->
/// `2`).
fn float_text(number: &str) -> Option<String> {
    let value: f64 = number.parse().ok()?;
    Some(format!("{value}"))
}

/// What kind of value a column holds, for defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeCategory {
    Integer,
    /// With its scale.
    Decimal(u32),
    Float,
    Bit,
    Temporal(Temporal),
    /// Strings, enums, binary, JSON and anything else: defaults are quoted.
    Text,
}

/// A date or time type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Temporal {
    Date,
    /// `DATETIME` or `TIMESTAMP`, with its fractional digits.
    DateTime(usize),
    /// With its fractional digits.
    Time(usize),
}

impl TypeCategory {
    fn of(sql_type: &str) -> Self {
        let upper = sql_type.to_ascii_uppercase();
        let base = upper.split(['(', ' ']).next().unwrap_or_default();
        let (precision, scale) = typemap::precision_scale(&upper);
        match base {
            "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "INTEGER" | "BIGINT" | "YEAR"
            | "BOOL" | "BOOLEAN" => TypeCategory::Integer,
            "DECIMAL" | "NUMERIC" | "DEC" | "FIXED" => TypeCategory::Decimal(scale.unwrap_or(0)),
            "FLOAT" | "DOUBLE" | "REAL" => TypeCategory::Float,
            "BIT" => TypeCategory::Bit,
            "DATE" => TypeCategory::Temporal(Temporal::Date),
            "DATETIME" | "TIMESTAMP" => {
                TypeCategory::Temporal(Temporal::DateTime(precision.unwrap_or(0) as usize))
            }
            "TIME" => TypeCategory::Temporal(Temporal::Time(precision.unwrap_or(0) as usize)),
            _ => TypeCategory::Text,
        }
    }
}

impl Temporal {
    /// The zero value (what `DEFAULT 0` stores).
    fn zero(self) -> &'static str {
        match self {
            Temporal::Date => "0000-00-00",
            Temporal::DateTime(_) => "0000-00-00 00:00:00",
            Temporal::Time(_) => "00:00:00",
        }
    }

    /// `text` zero-padded the way MySQL stores it, or `None` when it is not a plain date or
    /// time.
    fn normalize(self, text: &str) -> Option<String> {
        let fraction = |digits: &str, wanted: usize| -> Option<String> {
            if !digits.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            if wanted == 0 {
                return Some(String::new());
            }
            let mut digits: String = digits.chars().take(wanted).collect();
            while digits.len() < wanted {
                digits.push('0');
            }
            Some(format!(".{digits}"))
        };
        let time = |text: &str, wanted: usize| -> Option<String> {
            let (clock, digits) = text.split_once('.').unwrap_or((text, ""));
            let parts: Vec<&str> = clock.split(':').collect();
            if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 3)
            {
                return None;
            }
            let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
            let mut numbers = numbers?;
            // `HH:MM` has no seconds.
            numbers.resize(3, 0);
            Some(format!(
                "{:02}:{:02}:{:02}{}",
                numbers[0],
                numbers[1],
                numbers[2],
                fraction(digits, wanted)?
            ))
        };
        let date = |text: &str| -> Option<String> {
            let parts: Vec<&str> = text.split('-').collect();
            if parts.len() != 3 {
                return None;
            }
            let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
            let numbers = numbers?;
            Some(format!(
                "{:04}-{:02}-{:02}",
                numbers[0], numbers[1], numbers[2]
            ))
        };
        let text = text.trim();
        match self {
            Temporal::Date => date(text),
            Temporal::Time(wanted) => time(text, wanted),
            Temporal::DateTime(wanted) => {
                let (day, clock) = text
                    .split_once([' ', 'T'])
                    .map_or((text, "00:00:00"), |(day, clock)| (day, clock.trim()));
                Some(format!("{} {}", date(day)?, time(clock, wanted)?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_both_schemes_are_handled_and_given_to_sqlx_as_mysql() {
        assert!(handles("mysql://root@localhost/db"));
        assert!(handles("mariadb://root@localhost/db"));
        assert!(!handles("postgres://localhost/db"));
        assert_eq!(sqlx_url("mariadb://u:p@h:3306/db"), "mysql://u:p@h:3306/db");
        assert_eq!(sqlx_url("mysql://h/db"), "mysql://h/db");
    }

    #[test]
    fn servers_are_told_apart_by_their_version() {
        let mariadb = Server::of_version("10.11.19-MariaDB-0+deb12u1");
        assert!(mariadb.mariadb && mariadb.sql_defaults);
        assert!(Server::of_version("5.5.5-10.6.4-MariaDB").sql_defaults);
        assert!(!Server::of_version("10.1.48-MariaDB").sql_defaults);
        let mysql = Server::of_version("8.0.36");
        assert!(!mysql.mariadb && !mysql.sql_defaults);
    }

    #[test]
    fn mariadb_and_ddl_defaults_have_one_spelling() {
        let d = |sql, sql_type| canonical_default(sql, sql_type);
        // What MariaDB reports, and what DDL files write, for the same defaults.
        assert_eq!(d("NULL", "VARCHAR(5)"), None);
        assert_eq!(d("null", "INT"), None);
        assert_eq!(d("'G'", "ENUM('G','PG')").as_deref(), Some("'G'"));
        assert_eq!(d("'it''s'", "VARCHAR(9)").as_deref(), Some("'it''s'"));
        assert_eq!(d("'it\\'s'", "VARCHAR(9)").as_deref(), Some("'it''s'"));
        assert_eq!(d("''", "VARCHAR(9)").as_deref(), Some("''"));
        assert_eq!(d("0", "VARCHAR(9)").as_deref(), Some("'0'"));
        assert_eq!(d("'0'", "INT UNSIGNED").as_deref(), Some("0"));
        assert_eq!(d("'-2'", "INT").as_deref(), Some("-2"));
        assert_eq!(d("5.0", "INT").as_deref(), Some("5"));
        assert_eq!(d("TRUE", "TINYINT(1)").as_deref(), Some("1"));
        assert_eq!(d("false", "TINYINT(1)").as_deref(), Some("0"));
        assert_eq!(d("0", "DECIMAL(6,2)").as_deref(), Some("0.00"));
        assert_eq!(d("'1.5'", "DECIMAL(6,2)").as_deref(), Some("1.50"));
        assert_eq!(d("'0.0000'", "DECIMAL(20,4)").as_deref(), Some("0.0000"));
        assert_eq!(d("4.995", "DECIMAL(4,2)").as_deref(), Some("5.00"));
        assert_eq!(d("-0.001", "DECIMAL(4,2)").as_deref(), Some("0.00"));
        assert_eq!(d("1.50", "FLOAT").as_deref(), Some("1.5"));
        assert_eq!(d("'2'", "DOUBLE").as_deref(), Some("2"));
        assert_eq!(d("0", "BIT(1)").as_deref(), Some("b'0'"));
        assert_eq!(d("b'101'", "BIT(3)").as_deref(), Some("b'101'"));
        assert_eq!(d("2020", "YEAR").as_deref(), Some("2020"));
        assert_eq!(
            d("'2020-1-1'", "DATETIME").as_deref(),
            Some("'2020-01-01 00:00:00'")
        );
        assert_eq!(d("'00:00:00'", "TIME").as_deref(), Some("'00:00:00'"));
        assert_eq!(
            d("'2020-01-01 10:00'", "DATETIME").as_deref(),
            Some("'2020-01-01 10:00:00'")
        );
        assert_eq!(
            d("'2020-01-01 10:00:00.5'", "DATETIME(3)").as_deref(),
            Some("'2020-01-01 10:00:00.500'")
        );
        assert_eq!(d("'2020-01-02'", "DATE").as_deref(), Some("'2020-01-02'"));
        for now in [
            "current_timestamp()",
            "CURRENT_TIMESTAMP",
            "now()",
            "LOCALTIMESTAMP",
        ] {
            assert_eq!(
                d(now, "TIMESTAMP").as_deref(),
                Some("CURRENT_TIMESTAMP"),
                "{now}"
            );
        }
        assert_eq!(
            d("current_timestamp(3)", "DATETIME(3)").as_deref(),
            Some("CURRENT_TIMESTAMP(3)")
        );
        assert_eq!(
            d("NOW(3)", "DATETIME(3)").as_deref(),
            Some("CURRENT_TIMESTAMP(3)")
        );
        assert_eq!(d("('abc')", "VARCHAR(9)").as_deref(), Some("'abc'"));
        assert_eq!(d("_utf8mb4'x'", "VARCHAR(9)").as_deref(), Some("'x'"));
        assert_eq!(
            d("concat('a',  'b')", "VARCHAR(9)").as_deref(),
            Some("concat('a', 'b')")
        );
    }

    #[test]
    fn mysql_8_raw_defaults_become_sql() {
        let d = |raw, extra, sql_type| mysql_raw_default(raw, extra, sql_type);
        assert_eq!(d("G", "", "ENUM('G')").as_deref(), Some("'G'"));
        assert_eq!(d("", "", "VARCHAR(3)").as_deref(), Some("''"));
        assert_eq!(d("it's", "", "VARCHAR(9)").as_deref(), Some("'it''s'"));
        assert_eq!(d("0", "", "INT").as_deref(), Some("0"));
        assert_eq!(d("0", "", "VARCHAR(3)").as_deref(), Some("'0'"));
        assert_eq!(d("4.99", "", "DECIMAL(4,2)").as_deref(), Some("4.99"));
        assert_eq!(d("b'1'", "", "BIT(1)").as_deref(), Some("b'1'"));
        assert_eq!(
            d(
                "CURRENT_TIMESTAMP",
                "DEFAULT_GENERATED ON UPDATE CURRENT_TIMESTAMP",
                "TIMESTAMP"
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            d(
                "CURRENT_TIMESTAMP",
                "on update CURRENT_TIMESTAMP",
                "TIMESTAMP"
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP"),
            "MySQL 5.7"
        );
        assert_eq!(
            d("NULL", "", "VARCHAR(4)").as_deref(),
            Some("'NULL'"),
            "a raw value NULL is the string"
        );
    }

    #[test]
    fn numbers_are_recognized() {
        for number in ["0", "-1", "4.99", ".5", "1e3", "+2", "1.5E-3"] {
            assert!(is_number(number), "{number}");
        }
        for other in ["", "-", "1.2.3", "e3", "1e", "0x1F", "'1'"] {
            assert!(!is_number(other), "{other}");
        }
    }
}

//! SQLite: its dialect, and its [`Backend`] on sqlx's SQLite driver.

use std::str::FromStr;
use std::time::{Duration, Instant};

use mcpgen_rules::url::redact;
use sqlx::error::ErrorKind;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteRow,
};
use sqlx::{Arguments as _, Row as _, Sqlite};

use super::{
    Backend, Codecs, ConnectOptions, DatabaseError, Dialect, TableCodec, Violation, ViolationKind,
    WriteStatement,
};
use crate::query::Engine;
use crate::table::{ColumnDef, FieldType, ValueKind};

/// SQLite's spelling of SQL.
#[derive(Debug, Clone, Copy)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn push_identifier(&self, out: &mut String, name: &str) {
        out.push('"');
        out.push_str(&name.replace('"', "\"\""));
        out.push('"');
    }

    fn push_placeholder(&self, out: &mut String, index: usize) {
        out.push('?');
        out.push_str(&index.to_string());
    }

    fn push_column_read(&self, out: &mut String, quoted: &str, column: &ColumnDef) {
        match time_format(column.value) {
            // A value SQLite cannot read as a date or time stays as stored, and fails to
            // read as the field's type, saying so.
            Some(format) => {
                out.push_str("COALESCE(");
                push_time(out, format, quoted);
                out.push_str(", ");
                out.push_str(quoted);
                out.push(')');
            }
            None => out.push_str(quoted),
        }
    }

    fn push_column_value(&self, out: &mut String, placeholder: &str, column: &ColumnDef) {
        match time_format(column.value) {
            Some(format) => push_time(out, format, placeholder),
            None => out.push_str(placeholder),
        }
    }

    fn returning(&self, _statement: WriteStatement) -> bool {
        // Since SQLite 3.35 (sqlx bundles a later one).
        true
    }

    fn lock_rows(&self) -> &'static str {
        // SQLite has no row locks: a write transaction (BEGIN IMMEDIATE) holds the database.
        ""
    }

    fn push_cast_to_text(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS TEXT)");
    }

    fn push_cast_to_integer(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS INTEGER)");
    }

    fn push_cast_to_float(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS REAL)");
    }

    fn nulls_lowest(&self, _descending: bool) -> &'static str {
        // SQLite already sorts NULL before every other value.
        ""
    }

    fn push_like(
        &self,
        out: &mut String,
        expression: &str,
        placeholder: &str,
        case_insensitive: bool,
    ) {
        out.push_str(expression);
        if case_insensitive {
            // SQLite's LIKE folds the case of ASCII letters only; REGEXP (sqlx's, on the regex
            // crate) folds every letter's.
            out.push_str(" REGEXP ");
            out.push_str(placeholder);
        } else {
            // SQLite's GLOB is LIKE that respects case; the pattern is translated.
            out.push_str(" GLOB ");
            out.push_str(placeholder);
        }
    }

    fn like_pattern(&self, pattern: &str, case_insensitive: bool) -> String {
        if case_insensitive {
            like_to_regex(pattern)
        } else {
            like_to_glob(pattern)
        }
    }

    fn default_schema(&self) -> &str {
        "main"
    }

    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
}

/// The one spelling in which SQLite's date and time functions write a value of a date or time
/// kind, which the field's type reads; `None` for other kinds.
///
/// SQLite has no date or time type: a `DATETIME` column holds text in any of the spellings its
/// functions accept (`2016-07-04`, `2016-07-04T10:11:12.5Z`, `2016-07-04 12:11+02:00`), or a
/// julian day number, or unix time. Read, compared and sorted in this spelling, every one of
/// them is the instant it stands for; offsets become UTC, and SQLite keeps milliseconds.
fn time_format(value: ValueKind) -> Option<&'static str> {
    match value {
        ValueKind::Date => Some("%Y-%m-%d"),
        ValueKind::Time => Some("%H:%M:%f"),
        ValueKind::Timestamp => Some("%Y-%m-%d %H:%M:%f"),
        ValueKind::TimestampTz => Some("%Y-%m-%dT%H:%M:%fZ"),
        _ => None,
    }
}

/// `strftime(format, expression, 'auto')`: `auto` reads a number as a julian day number or
/// as unix time, whichever its size says.
fn push_time(out: &mut String, format: &str, expression: &str) {
    out.push_str("strftime('");
    out.push_str(format);
    out.push_str("', ");
    out.push_str(expression);
    out.push_str(", 'auto')");
}

/// A SQL `LIKE` pattern (`%`, `_`, `\` escapes) as the GLOB pattern that matches the same
/// strings, case-sensitively.
fn like_to_glob(pattern: &str) -> String {
    let mut glob = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => glob.push('*'),
            '_' => glob.push('?'),
            '\\' => match chars.next() {
                Some(escaped) => push_glob_literal(&mut glob, escaped),
                None => push_glob_literal(&mut glob, '\\'),
            },
            other => push_glob_literal(&mut glob, other),
        }
    }
    glob
}

/// A SQL `LIKE` pattern as the regular expression that matches the same strings, whole and
/// ignoring case.
fn like_to_regex(pattern: &str) -> String {
    let mut regex = String::with_capacity(pattern.len() + 16);
    regex.push_str("(?is)\\A");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => regex.push_str(".*"),
            '_' => regex.push('.'),
            '\\' => push_regex_literal(&mut regex, chars.next().unwrap_or('\\')),
            other => push_regex_literal(&mut regex, other),
        }
    }
    regex.push_str("\\z");
    regex
}

fn push_regex_literal(regex: &mut String, c: char) {
    if "\\.+*?()|[]{}^$#&-~".contains(c) {
        regex.push('\\');
    }
    regex.push(c);
}

fn push_glob_literal(glob: &mut String, c: char) {
    match c {
        '*' | '?' | '[' => {
            glob.push('[');
            glob.push(c);
            glob.push(']');
        }
        other => glob.push(other),
    }
}

/// SQLite, through sqlx's SQLite driver: a pool of connections to one file.
#[derive(Debug)]
pub(crate) struct SqliteBackend {
    pool: SqlitePool,
    statement_timeout: Option<Duration>,
    /// Whether the file is open for writing.
    writes: bool,
}

impl Backend for SqliteBackend {
    type Database = Sqlite;

    const SCHEMES: &'static [&'static str] = &["sqlite"];

    async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, DatabaseError> {
        let connect_error = |source| DatabaseError::Connect {
            url: redact(url),
            source,
        };
        let connect_options = SqliteConnectOptions::from_str(url)
            .map_err(connect_error)?
            .create_if_missing(false)
            .read_only(!options.writes)
            .busy_timeout(Duration::from_secs(5))
            .with_regexp();
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect_options)
            .await
            .map_err(connect_error)?;
        Ok(Self {
            pool,
            statement_timeout: options.statement_timeout,
            writes: options.writes,
        })
    }

    fn dialect(&self) -> &dyn Dialect {
        &SqliteDialect
    }

    /// A connection of the pool whose statements SQLite interrupts once the time limit from
    /// now has passed (SQLite has no time limit of its own: a progress handler checks the
    /// clock every few thousand virtual-machine steps).
    async fn acquire(&self) -> Result<PoolConnection<Sqlite>, sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        if let Some(limit) = self.statement_timeout {
            let deadline = Instant::now() + limit;
            connection
                .lock_handle()
                .await?
                .set_progress_handler(PROGRESS_STEPS, move || Instant::now() < deadline);
        }
        Ok(connection)
    }

    /// Whether SQLite interrupted the statement (its progress handler, at the time limit, is
    /// the one thing that interrupts this server's statements).
    fn timed_out(error: &sqlx::Error) -> bool {
        error
            .as_database_error()
            .and_then(|error| error.code())
            .is_some_and(|code| code == "9")
    }

    fn bind<F: FieldType>(
        value: &F,
        arguments: &mut SqliteArguments,
    ) -> Result<(), sqlx::error::BoxDynError> {
        arguments.add(value)
    }

    fn is_null(row: &SqliteRow, index: usize) -> bool {
        row.try_get_raw(index)
            .is_ok_and(|value| sqlx::ValueRef::is_null(&value))
    }

    fn decode<F: FieldType>(row: &SqliteRow, index: usize) -> Result<F, String> {
        row.try_get(index).map_err(|error| match error {
            sqlx::Error::ColumnDecode { source, .. } => source.to_string(),
            other => other.to_string(),
        })
    }

    fn codec(codecs: &Codecs) -> &dyn TableCodec<Self> {
        &*codecs.sqlite
    }

    /// A writer's `BEGIN IMMEDIATE` takes the database's write lock first, so two writers wait
    /// for each other (up to the busy timeout) instead of one failing midway. With the file
    /// open for writing, a reader's transaction cannot write all the same: its connection is
    /// made `query_only`, and a writer's made writable again, before `BEGIN` (`BEGIN
    /// IMMEDIATE` on a `query_only` connection cannot take the write lock).
    async fn begin(&self, writes: bool) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
        use sqlx::SqlSafeStr as _;

        let statement = if writes { "BEGIN IMMEDIATE" } else { "BEGIN" };
        let mut connection = self.pool.acquire().await?;
        if self.writes {
            let query_only = if writes {
                "PRAGMA query_only = OFF"
            } else {
                "PRAGMA query_only = ON"
            };
            sqlx::query(query_only).execute(&mut *connection).await?;
        }
        let mut transaction =
            sqlx::Transaction::begin(connection, Some(statement.into_sql_str())).await?;
        if let Some(limit) = self.statement_timeout {
            let deadline = Instant::now() + limit;
            transaction
                .lock_handle()
                .await?
                .set_progress_handler(PROGRESS_STEPS, move || Instant::now() < deadline);
        }
        Ok(transaction)
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    /// SQLite names the columns of a key and of a NOT NULL constraint (`t.c`), and the
    /// constraint of a named CHECK; a foreign key fails without a name.
    fn violation(error: &sqlx::Error) -> Option<Violation> {
        let error = error.as_database_error()?;
        let message = error.message();
        let after_colon = || message.split_once(": ").map(|(_, rest)| rest.trim());
        let columns = || -> Vec<String> {
            after_colon()
                .map(|names| {
                    names
                        .split(", ")
                        .map(|name| name.rsplit_once('.').map_or(name, |(_, c)| c).to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let (kind, constraint, columns) = match error.kind() {
            ErrorKind::UniqueViolation => (ViolationKind::Unique, None, columns()),
            ErrorKind::ForeignKeyViolation => (ViolationKind::ForeignKey, None, Vec::new()),
            ErrorKind::NotNullViolation => (ViolationKind::NotNull, None, columns()),
            ErrorKind::CheckViolation => (
                ViolationKind::Check,
                after_colon().map(str::to_owned),
                Vec::new(),
            ),
            _ => return None,
        };
        Some(Violation {
            kind,
            constraint,
            columns,
            detail: message.to_owned(),
        })
    }
}

/// Virtual-machine steps between two looks at the clock: well under a millisecond of work.
const PROGRESS_STEPS: i32 = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_become_case_sensitive_globs() {
        assert_eq!(like_to_glob("Ab%"), "Ab*");
        assert_eq!(like_to_glob("a_c"), "a?c");
        assert_eq!(like_to_glob("100\\%"), "100%");
        assert_eq!(like_to_glob("what?*[x]"), "what[?][*][[]x]");
        assert_eq!(like_to_glob("ends\\"), "ends\\");
    }

    #[test]
    fn like_patterns_become_anchored_case_blind_regexes() {
        assert_eq!(like_to_regex("%MÖTLEY%"), "(?is)\\A.*MÖTLEY.*\\z");
        assert_eq!(like_to_regex("a_c"), "(?is)\\Aa.c\\z");
        assert_eq!(like_to_regex("1.5\\%"), "(?is)\\A1\\.5%\\z");
        assert_eq!(like_to_regex("(x)|[y]"), "(?is)\\A\\(x\\)\\|\\[y\\]\\z");
    }

    #[test]
    fn identifiers_are_quoted_with_doubled_quotes() {
        let mut out = String::new();
        SqliteDialect.push_identifier(&mut out, "we\"ird name");
        assert_eq!(out, "\"we\"\"ird name\"");
    }
}

//! SQLite: its dialect, and running statements with sqlx's SQLite driver.

use std::str::FromStr;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow,
};
use sqlx::{Row as _, Sqlite};

use super::{ConnectOptions, DatabaseError, Dialect, redact_url};
use crate::catalog::{FieldError, Table};
use crate::sql::{Selected, Statement};
use crate::table::{FieldType, RowSource};

/// Whether `url` is a SQLite URL (`sqlite://PATH`, `sqlite:PATH`).
pub(crate) fn handles(url: &str) -> bool {
    url.starts_with("sqlite:")
}

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

    fn push_cast_to_text(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS TEXT)");
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

/// A pool of connections to one SQLite file.
#[derive(Debug)]
pub struct SqliteDatabase {
    pool: SqlitePool,
    statement_timeout: Option<Duration>,
}

impl SqliteDatabase {
    pub(crate) async fn connect(
        url: &str,
        options: &ConnectOptions,
    ) -> Result<Self, DatabaseError> {
        let connect_error = |source| DatabaseError::Connect {
            url: redact_url(url),
            source,
        };
        let connect_options = SqliteConnectOptions::from_str(url)
            .map_err(connect_error)?
            .create_if_missing(false)
            .read_only(options.read_only)
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
        })
    }

    /// A connection of the pool whose statements SQLite interrupts once the time limit from
    /// now has passed (SQLite has no time limit of its own: a progress handler checks the
    /// clock every few thousand virtual-machine steps).
    async fn connection(&self) -> Result<PoolConnection<Sqlite>, DatabaseError> {
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
}

/// Virtual-machine steps between two looks at the clock: well under a millisecond of work.
const PROGRESS_STEPS: i32 = 10_000;

/// Whether SQLite interrupted the statement (its progress handler, at the time limit, is the
/// one thing that interrupts this server's statements).
fn timed_out(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|error| error.code())
        .is_some_and(|code| code == "9")
}

/// The row's values: every column of the table (read through the struct), then the extra
/// values the statement selected.
fn decode(
    table: &Table,
    row: &SqliteRow,
    statement: &Statement,
) -> Result<Vec<Value>, DatabaseError> {
    let mut values =
        table
            .codec()
            .decode_row_sqlite(row)
            .map_err(|error| DatabaseError::Decode {
                column: table.column_name(error.column).to_owned(),
                message: error.message,
            })?;
    for (index, selected) in statement.columns.iter().enumerate().skip(values.len()) {
        match selected {
            Selected::RowId => values.push(Value::from(row.try_get::<i64, _>(index)?)),
            Selected::Column(_) => unreachable!("extra values are row ids"),
        }
    }
    Ok(values)
}

run_statements!(SqliteDatabase, SqliteArguments, bind_sqlite);

/// A row whose first values are the table's columns, in order.
pub(crate) struct Source<'a> {
    pub(crate) row: &'a SqliteRow,
}

impl RowSource for Source<'_> {
    type Error = FieldError;

    fn field<F: FieldType>(&mut self, column: usize) -> Result<F, FieldError> {
        self.row.try_get(column).map_err(|error| FieldError {
            column,
            message: match error {
                sqlx::Error::ColumnDecode { source, .. } => source.to_string(),
                other => other.to_string(),
            },
        })
    }
}

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

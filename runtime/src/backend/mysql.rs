//! MySQL and MariaDB: their dialect, and their [`Backend`] on sqlx's MySQL driver.

use std::str::FromStr;
use std::time::Duration;

use mcpgen_rules::url::redact;
use serde_json::Value;
use sqlx::mysql::{
    MySqlArguments, MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlPool,
    MySqlPoolOptions, MySqlQueryResult, MySqlRow,
};
use sqlx::pool::PoolConnection;
use sqlx::{
    Arguments as _, AssertSqlSafe, Executor as _, MySql, Row as _, TypeInfo as _, ValueRef as _,
};

use super::{
    Backend, Codecs, ConnectOptions, DatabaseError, Dialect, TableCodec, Violation, ViolationKind,
    WriteStatement,
};
use crate::query::Engine;
use crate::table::FieldType;

/// MySQL's spelling of SQL.
#[derive(Debug, Clone)]
pub struct MysqlDialect {
    /// The connected database: the default schema.
    pub database: String,
    /// The server returns the rows an `INSERT` or a `DELETE` writes (`RETURNING`: MariaDB
    /// 10.5 and later; MySQL has none).
    pub returning: bool,
}

impl Dialect for MysqlDialect {
    fn push_identifier(&self, out: &mut String, name: &str) {
        out.push('`');
        out.push_str(&name.replace('`', "``"));
        out.push('`');
    }

    fn push_placeholder(&self, out: &mut String, _index: usize) {
        out.push('?');
    }

    fn returning(&self, statement: WriteStatement) -> bool {
        // No version of either server returns the rows an UPDATE writes.
        self.returning && statement != WriteStatement::Update
    }

    fn default_row(&self) -> &'static str {
        "() VALUES ()"
    }

    fn push_cast_to_text(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS CHAR)");
    }

    fn push_cast_to_integer(&self, out: &mut String, expression: &str) {
        out.push_str("CAST(");
        out.push_str(expression);
        out.push_str(" AS SIGNED)");
    }

    fn push_cast_to_float(&self, out: &mut String, expression: &str) {
        // Adding a DOUBLE makes a DOUBLE, in MySQL and in every MariaDB (which casts `AS
        // DOUBLE` only since 10.4).
        out.push('(');
        out.push_str(expression);
        out.push_str(" + 0e0)");
    }

    fn nulls_lowest(&self, _descending: bool) -> &'static str {
        // MySQL already sorts NULL before every other value.
        ""
    }

    fn push_like(
        &self,
        out: &mut String,
        expression: &str,
        placeholder: &str,
        case_insensitive: bool,
    ) {
        // How LIKE treats case depends on the column's collation (most ignore case): compare
        // in one binary Unicode collation, after folding both sides for `ilike`.
        if case_insensitive {
            out.push_str("LOWER(CONVERT(");
            out.push_str(expression);
            out.push_str(" USING utf8mb4)) LIKE LOWER(CONVERT(");
            out.push_str(placeholder);
            out.push_str(" USING utf8mb4)) COLLATE utf8mb4_bin");
        } else {
            out.push_str("CONVERT(");
            out.push_str(expression);
            out.push_str(" USING utf8mb4) LIKE CONVERT(");
            out.push_str(placeholder);
            out.push_str(" USING utf8mb4) COLLATE utf8mb4_bin");
        }
    }

    fn like_pattern(&self, pattern: &str, _case_insensitive: bool) -> String {
        // MySQL's LIKE escapes with the backslash, as filters do.
        pattern.to_owned()
    }

    fn default_schema(&self) -> &str {
        &self.database
    }

    fn name(&self) -> &'static str {
        "MySQL"
    }

    fn engine(&self) -> Engine {
        Engine::Mysql
    }

    fn read_only_routines(&self) -> &'static str {
        "READS SQL DATA or NO SQL"
    }
}

/// MySQL or MariaDB, through sqlx's MySQL driver: a pool of connections to one database.
#[derive(Debug)]
pub(crate) struct MysqlBackend {
    pool: MySqlPool,
    dialect: MysqlDialect,
}

impl Backend for MysqlBackend {
    type Database = MySql;

    const SCHEMES: &'static [&'static str] = &["mysql", "mariadb"];

    async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, DatabaseError> {
        let connect_error = |source| DatabaseError::Connect {
            url: redact(url),
            source,
        };
        let sqlx_url = match url.strip_prefix("mariadb://") {
            Some(rest) => format!("mysql://{rest}"),
            None => url.to_owned(),
        };
        // sqlx sets the session's time zone to UTC (TIMESTAMP values read as UTC) and its
        // character set to utf8mb4.
        // Evicting a cached statement sends COM_STMT_CLOSE, which gets no reply, and the next
        // statement then stalls ~40 ms (sqlx sets no TCP_NODELAY): keep every tool's statements.
        let connect_options = MySqlConnectOptions::from_str(&sqlx_url)
            .map_err(connect_error)?
            .statement_cache_capacity(4096);
        let Some(database) = connect_options.get_database().map(str::to_owned) else {
            return Err(DatabaseError::Connect {
                url: redact(url),
                source: sqlx::Error::Configuration(
                    "the URL names no database: add /DATABASE to it".into(),
                ),
            });
        };
        let statement_timeout = options.statement_timeout;
        let pool = MySqlPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    // Every session reads only; a write opens a read-write transaction.
                    connection
                        .execute("SET SESSION TRANSACTION READ ONLY")
                        .await?;
                    if let Some(limit) = statement_timeout {
                        limit_statement_time(connection, limit).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect_options)
            .await
            .map_err(connect_error)?;
        let version: String = sqlx::query_scalar("SELECT VERSION()")
            .fetch_one(&pool)
            .await
            .map_err(connect_error)?;
        Ok(Self {
            pool,
            dialect: MysqlDialect {
                database,
                returning: mariadb_returns_rows(&version),
            },
        })
    }

    fn dialect(&self) -> &dyn Dialect {
        &self.dialect
    }

    async fn acquire(&self) -> Result<PoolConnection<MySql>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// Whether the server stopped the statement at the time limit: MariaDB's 1969
    /// (`max_statement_time` exceeded), MySQL's 3024 (`max_execution_time` exceeded).
    fn timed_out(error: &sqlx::Error) -> bool {
        error
            .as_database_error()
            .and_then(|error| error.try_downcast_ref::<MySqlDatabaseError>())
            .is_some_and(|error| matches!(error.number(), 1969 | 3024))
    }

    fn bind<F: FieldType>(
        value: &F,
        arguments: &mut MySqlArguments,
    ) -> Result<(), sqlx::error::BoxDynError> {
        arguments.add(value)
    }

    fn is_null(row: &MySqlRow, index: usize) -> bool {
        row.try_get_raw(index)
            .is_ok_and(|value| sqlx::ValueRef::is_null(&value))
    }

    fn decode<F: FieldType>(row: &MySqlRow, index: usize) -> Result<F, String> {
        row.try_get::<F, _>(index).map_err(|error| match error {
            sqlx::Error::ColumnDecode { source, .. } => source.to_string(),
            other => other.to_string(),
        })
    }

    /// A value of a result set, by its MySQL type: numbers as numbers, decimals as exact
    /// strings, dates and times in ISO 8601, binary data as base64, JSON as JSON, the rest as
    /// text.
    fn decode_any(row: &MySqlRow, index: usize) -> Result<Value, String> {
        let raw = row.try_get_raw(index).map_err(|error| error.to_string())?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        let info = raw.type_info();
        let name = info.name().to_owned();
        let binary = matches!(
            name.as_str(),
            "BINARY" | "VARBINARY" | "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB"
        );
        match name.as_str() {
            "BOOLEAN" => read::<bool>(row, index),
            "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR" => {
                read::<i64>(row, index)
            }
            _ if name.ends_with(" UNSIGNED") || name == "BIT" => read::<u64>(row, index),
            "FLOAT" => {
                let float: f32 = row.try_get(index).map_err(|error| error.to_string())?;
                float.to_json().map_err(|error| error.to_string())
            }
            "DOUBLE" => read::<f64>(row, index),
            "DECIMAL" => read::<crate::types::Decimal>(row, index),
            "DATE" => read::<chrono::NaiveDate>(row, index),
            "DATETIME" => read::<chrono::NaiveDateTime>(row, index),
            "TIMESTAMP" => read::<chrono::DateTime<chrono::Utc>>(row, index),
            "JSON" => read::<Value>(row, index),
            _ if binary => read::<crate::types::Bytes>(row, index),
            _ => read::<String>(row, index).or_else(|_| read::<crate::types::Bytes>(row, index)),
        }
    }

    fn codec(codecs: &Codecs) -> &dyn TableCodec<Self> {
        &*codecs.mysql
    }

    async fn begin(&self, writes: bool) -> Result<sqlx::Transaction<'static, MySql>, sqlx::Error> {
        let statement = if writes {
            "START TRANSACTION READ WRITE"
        } else {
            "START TRANSACTION READ ONLY"
        };
        self.pool.begin_with(statement).await
    }

    fn rows_affected(result: &MySqlQueryResult) -> u64 {
        result.rows_affected()
    }

    fn last_insert_id(result: &MySqlQueryResult) -> Option<i64> {
        i64::try_from(result.last_insert_id())
            .ok()
            .filter(|id| *id != 0)
    }

    /// MySQL and MariaDB give names only in their messages: the key of a duplicate entry,
    /// the constraint and columns of a foreign key, the column of a NULL or of a value out of
    /// range.
    fn violation(error: &sqlx::Error) -> Option<Violation> {
        let error = error
            .as_database_error()?
            .try_downcast_ref::<MySqlDatabaseError>()?;
        let message = error.message();
        let quoted = |after: &str, quote: char| {
            let start = message.find(after)? + after.len();
            let rest = message[start..].strip_prefix(quote)?;
            rest.split_once(quote).map(|(name, _)| name.to_owned())
        };
        let (kind, constraint, columns) = match error.number() {
            1062 => (ViolationKind::Unique, quoted("for key ", '\''), Vec::new()),
            1451 | 1452 => {
                let columns = quoted("FOREIGN KEY (", '`').into_iter().collect();
                (
                    ViolationKind::ForeignKey,
                    quoted("CONSTRAINT ", '`'),
                    columns,
                )
            }
            // MySQL's 3819 and MariaDB's 4025.
            3819 => (
                ViolationKind::Check,
                quoted("constraint ", '\''),
                Vec::new(),
            ),
            4025 => (ViolationKind::Check, quoted("CONSTRAINT ", '`'), Vec::new()),
            1048 => (
                ViolationKind::NotNull,
                None,
                quoted("Column ", '\'').into_iter().collect(),
            ),
            1364 => (
                ViolationKind::NotNull,
                None,
                quoted("Field ", '\'').into_iter().collect(),
            ),
            1264 | 1265 | 1366 | 1406 | 1292 => (
                ViolationKind::OutOfRange,
                None,
                quoted("column ", '\'').into_iter().collect(),
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

/// Value number `index` of `row`, read as `T` and written as JSON.
fn read<T>(row: &MySqlRow, index: usize) -> Result<Value, String>
where
    T: for<'r> sqlx::Decode<'r, MySql> + sqlx::Type<MySql> + serde::Serialize,
{
    let value: T = row.try_get(index).map_err(|error| error.to_string())?;
    serde_json::to_value(value).map_err(|error| error.to_string())
}

/// Whether a server of this `VERSION()` returns the rows an `INSERT` or `DELETE` writes:
/// MariaDB from 10.5.
fn mariadb_returns_rows(version: &str) -> bool {
    if !version.contains("MariaDB") {
        return false;
    }
    let mut numbers = version
        .split(['.', '-'])
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    (major, minor) >= (10, 5)
}

/// Has the server stop this session's statements after `limit`: MariaDB's
/// `max_statement_time` (seconds, every statement), else MySQL's `max_execution_time`
/// (milliseconds, `SELECT`s). A server with neither (MySQL before 5.7.8) runs without a limit,
/// saying so once.
async fn limit_statement_time(
    connection: &mut MySqlConnection,
    limit: Duration,
) -> Result<(), sqlx::Error> {
    static NO_LIMIT_WARNED: std::sync::Once = std::sync::Once::new();
    let settings = [
        format!(
            "SET SESSION max_statement_time = {:.3}",
            limit.as_secs_f64().max(0.001)
        ),
        format!(
            "SET SESSION max_execution_time = {}",
            limit.as_millis().max(1)
        ),
    ];
    for setting in settings {
        match connection.execute(AssertSqlSafe(setting)).await {
            Ok(_) => return Ok(()),
            // 1193: unknown system variable; try the other server's.
            Err(sqlx::Error::Database(error))
                if error
                    .try_downcast_ref::<MySqlDatabaseError>()
                    .is_some_and(|error| error.number() == 1193) => {}
            Err(error) => return Err(error),
        }
    }
    NO_LIMIT_WARNED.call_once(|| {
        tracing::warn!(
            "this MySQL server has neither max_statement_time nor max_execution_time: \
             limits.statement_timeout_ms is not enforced"
        );
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_with_doubled_backticks() {
        let dialect = MysqlDialect {
            database: "shop".to_owned(),
            returning: true,
        };
        let mut out = String::new();
        dialect.push_identifier(&mut out, "we`ird name");
        assert_eq!(out, "`we``ird name`");
        assert_eq!(dialect.default_schema(), "shop");
    }
}

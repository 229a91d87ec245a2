//! The databases a server talks to.
//!
//! A backend is one module behind one cargo feature that implements [`Backend`], in the style
//! of sqlx's `Database` trait: its sqlx database (and so its argument and row types), its
//! [`Dialect`] (how SQL is spelled), how it connects, and how it binds and decodes a value of a
//! field's Rust type. Everything else is written once for every backend: [`Database`] runs a
//! [`Statement`], binding each parameter through its column's type and decoding each value of
//! each row through its column's type ([`codec`]).
//!
//! Adding a backend: a module implementing [`Backend`], a field of [`Codecs`], and a line in
//! [`Database::connect`] and in `supported_schemes`.

mod codec;
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde_json::{Map, Value};
use sqlx::pool::PoolConnection;

pub(crate) use self::codec::{Codecs, TableCodec, register, register_routine};
use crate::catalog::Table;
use crate::dialect::{Dialect, WriteStatement};
use crate::query::aggregate::Computed;
use crate::query::{Selected, SqlValue};
use crate::sql::{Param, SessionSettings, Statement};
use crate::table::FieldType;

/// sqlx's argument list of backend `B`.
pub(crate) type Arguments<B> = <<B as Backend>::Database as sqlx::Database>::Arguments;
/// sqlx's row of backend `B`.
pub(crate) type Row<B> = <<B as Backend>::Database as sqlx::Database>::Row;

/// A database the runtime can serve, over a pool of sqlx connections.
pub(crate) trait Backend: Send + Sync + Sized + 'static {
    /// sqlx's database: its connections, arguments and rows.
    type Database: sqlx::Database + sqlx::database::HasStatementCache;

    /// The URL schemes it serves (`postgres`, `postgresql`).
    const SCHEMES: &'static [&'static str];

    /// Opens a pool to `url` and checks that the database answers.
    fn connect(
        url: &str,
        options: &ConnectOptions,
    ) -> impl Future<Output = Result<Self, DatabaseError>> + Send;

    /// How it spells SQL.
    fn dialect(&self) -> &dyn Dialect;

    /// A connection of the pool, ready for one call's statements.
    fn acquire(
        &self,
    ) -> impl Future<Output = Result<PoolConnection<Self::Database>, sqlx::Error>> + Send;

    /// Whether the database stopped the statement at the time limit.
    fn timed_out(error: &sqlx::Error) -> bool;

    /// Adds `value` to `arguments`.
    fn bind<F: FieldType>(
        value: &F,
        arguments: &mut Arguments<Self>,
    ) -> Result<(), sqlx::error::BoxDynError>;

    /// Reads value number `index` of `row` as `F`; the error says why it cannot be.
    fn decode<F: FieldType>(row: &Row<Self>, index: usize) -> Result<F, String>;

    /// Whether value number `index` of `row` is NULL (`false` when there is no such value).
    fn is_null(row: &Row<Self>, index: usize) -> bool;

    /// Reads value number `index` of `row` as JSON by its own type, for rows whose columns
    /// are known only when they come (a procedure's result sets).
    fn decode_any(row: &Row<Self>, index: usize) -> Result<Value, String> {
        let value: Option<crate::types::AnyValue> = Self::decode(row, index)?;
        value.to_json().map_err(|error| error.to_string())
    }

    /// Its codec among a table's.
    fn codec(codecs: &Codecs) -> &dyn TableCodec<Self>;

    /// A connection of the pool in a transaction that reads only, or that may write.
    fn begin(
        &self,
        writes: bool,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>> + Send;

    /// How many rows a statement wrote.
    fn rows_affected(result: &<Self::Database as sqlx::Database>::QueryResult) -> u64;

    /// The value an `INSERT` gave the table's auto-increment column, where the database says
    /// so instead of returning the row.
    fn last_insert_id(result: &<Self::Database as sqlx::Database>::QueryResult) -> Option<i64> {
        let _ = result;
        None
    }

    /// The constraint a failed write broke, when it broke one.
    fn violation(error: &sqlx::Error) -> Option<Violation>;
}

/// A constraint a write broke: the database refused the row, and the transaction wrote
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What kind of rule it is.
    pub kind: ViolationKind,
    /// The constraint's name, when the database gives it.
    pub constraint: Option<String>,
    /// The columns it is about, when the database gives them.
    pub columns: Vec<String>,
    /// The database's own words.
    pub detail: String,
}

/// The kinds of rules a row can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// A primary or unique key: the value is taken.
    Unique,
    /// A foreign key: the row it points at does not exist, or rows point at this one.
    ForeignKey,
    /// A `CHECK` constraint.
    Check,
    /// A column that cannot be NULL.
    NotNull,
    /// A value the column cannot hold: too large, too long, out of its type's range.
    OutOfRange,
}

impl ViolationKind {
    /// The rule, in words.
    pub fn describe(self) -> &'static str {
        match self {
            ViolationKind::Unique => "unique key",
            ViolationKind::ForeignKey => "foreign key",
            ViolationKind::Check => "check constraint",
            ViolationKind::NotNull => "NOT NULL constraint",
            ViolationKind::OutOfRange => "range of the column's type",
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the write breaks the {}", self.kind.describe())?;
        if let Some(constraint) = &self.constraint {
            write!(f, " {constraint:?}")?;
        }
        match self.columns.as_slice() {
            [] => {}
            [column] => write!(f, " of column {column:?}")?,
            columns => write!(f, " of columns {}", columns.join(", "))?,
        }
        write!(f, " ({}); nothing was written", self.detail)
    }
}

/// What the database said of a failed statement, in its own words: its message, and
/// PostgreSQL's detail and hint (not sqlx's wrapping, nor the line of the server's source
/// that raised it).
fn database_message(error: &sqlx::Error) -> String {
    let sqlx::Error::Database(database) = error else {
        return error.to_string();
    };
    #[allow(unused_mut, reason = "only PostgreSQL adds to the message")]
    let mut message = database.message().to_owned();
    #[cfg(feature = "postgres")]
    if let Some(postgres) = database.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        for (label, text) in [("detail", postgres.detail()), ("hint", postgres.hint())] {
            if let Some(text) = text {
                message.push_str(&format!("; {label}: {text}"));
            }
        }
    }
    message
}

/// A failure to reach or query the database.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The URL names no backend this server was built with.
    #[error(
        "unsupported database URL scheme in {0:?}: this server was built for {supported}",
        supported = supported_schemes()
    )]
    UnsupportedScheme(String),
    /// The database could not be opened.
    #[error("cannot connect to {url}: {source}")]
    Connect {
        /// The URL, without its password.
        url: String,
        /// What went wrong.
        source: sqlx::Error,
    },
    /// The database refused or failed a statement.
    #[error("the database reported: {}", database_message(.0))]
    Query(#[from] sqlx::Error),
    /// The database stopped a statement that ran longer than the server allows.
    #[error(
        "the query ran longer than this server allows ({} ms; limits.statement_timeout_ms in its config) and was stopped: narrow it with `where`, or ask for a smaller `limit`",
        limit.as_millis()
    )]
    Timeout {
        /// The limit it ran into.
        limit: Duration,
    },
    /// A statement tried to write in a read-only transaction, which the database refused.
    #[error("the database refused to write in a read-only transaction: {}", database_message(.0))]
    ReadOnly(sqlx::Error),
    /// A write broke a constraint; the transaction was rolled back.
    #[error("{0}")]
    Violation(Violation),
    /// The caller's identity cannot be given to the database (`[auth] db_claims`): the call
    /// is refused before any statement runs.
    #[error("{0}")]
    SessionSettings(String),
    /// A value in the database does not fit the column's Rust type.
    #[error("column {column:?} holds a value its type cannot read: {message}")]
    Decode {
        /// The column.
        column: String,
        /// What went wrong.
        message: String,
    },
    /// A parameter could not be bound (checked values only reach here on a bug).
    #[error("cannot bind a value of column {column:?}: {message}")]
    Bind {
        /// The column.
        column: String,
        /// What went wrong.
        message: String,
    },
}

/// The URL schemes of the backends this runtime is built with, for messages.
fn supported_schemes() -> String {
    let mut schemes: Vec<&str> = Vec::new();
    #[cfg(feature = "postgres")]
    schemes.extend(postgres::PostgresBackend::SCHEMES);
    #[cfg(feature = "mysql")]
    schemes.extend(mysql::MysqlBackend::SCHEMES);
    #[cfg(feature = "sqlite")]
    schemes.extend(sqlite::SqliteBackend::SCHEMES);
    let schemes: Vec<String> = schemes
        .iter()
        .map(|scheme| format!("{scheme}://"))
        .collect();
    format!("{} URLs", schemes.join(", "))
}

/// How to open a [`Database`].
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Serve writes. SQLite then opens its file for writing; PostgreSQL and MySQL keep every
    /// session read-only either way, and each write opens a read-write transaction of its own.
    pub writes: bool,
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long one statement may run before the database stops it; `None`: as long as it
    /// takes.
    pub statement_timeout: Option<Duration>,
}

/// A connected database, whatever its backend: what the tools run their statements on.
pub struct Database {
    inner: Box<dyn Run>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.inner.dialect().name())
            .finish()
    }
}

impl Database {
    /// Opens a pool to `url` with the backend its scheme names, and checks that the database
    /// answers.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, DatabaseError> {
        #[cfg(feature = "sqlite")]
        if handles::<sqlite::SqliteBackend>(url) {
            return Connected::<sqlite::SqliteBackend>::open(url, options).await;
        }
        #[cfg(feature = "postgres")]
        if handles::<postgres::PostgresBackend>(url) {
            return Connected::<postgres::PostgresBackend>::open(url, options).await;
        }
        #[cfg(feature = "mysql")]
        if handles::<mysql::MysqlBackend>(url) {
            return Connected::<mysql::MysqlBackend>::open(url, options).await;
        }
        let _ = options;
        #[allow(unreachable_code, reason = "reached when no backend handles the URL")]
        Err(DatabaseError::UnsupportedScheme(mcpgen_rules::url::redact(
            url,
        )))
    }

    /// How this database spells SQL.
    pub fn dialect(&self) -> &dyn Dialect {
        self.inner.dialect()
    }

    /// Runs a `SELECT` and decodes each row's [`Statement::columns`] into JSON values; in a
    /// read-only transaction that starts with `session`'s settings when there are any.
    pub async fn fetch_rows(
        &self,
        session: &SessionSettings,
        table: &Table,
        statement: &Statement,
    ) -> Result<Vec<Vec<Value>>, DatabaseError> {
        if session.is_empty() {
            return self.inner.fetch_rows(table, statement).await;
        }
        let mut transaction = self.begin(false, session).await?;
        let rows = transaction.fetch_rows(table, statement).await?;
        transaction.commit().await?;
        Ok(rows)
    }

    /// Runs a statement that returns one integer (`SELECT COUNT(*) ...`); in a read-only
    /// transaction that starts with `session`'s settings when there are any.
    pub async fn fetch_count(
        &self,
        session: &SessionSettings,
        table: &Table,
        statement: &Statement,
    ) -> Result<i64, DatabaseError> {
        if session.is_empty() {
            return self.inner.fetch_count(table, statement).await;
        }
        let mut transaction = self.begin(false, session).await?;
        let count = transaction.fetch_count(table, statement).await?;
        transaction.commit().await?;
        Ok(count)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DatabaseError> {
        self.inner.ping().await
    }

    /// The names of the columns `sql` returns, as the database describes the statement
    /// (prepared, not run). `sql` is written by the runtime from the catalog's names.
    pub async fn column_names(&self, sql: &str) -> Result<Vec<String>, DatabaseError> {
        self.inner.column_names(sql).await
    }

    /// A transaction on a connection of the pool: one that may write when `writes`, else one
    /// that reads only; `session`'s settings are made right after it begins, for it alone.
    /// When they cannot be made the transaction is rolled back and nothing runs.
    pub async fn begin(
        &self,
        writes: bool,
        session: &SessionSettings,
    ) -> Result<Transaction, DatabaseError> {
        let statements = if session.is_empty() {
            Vec::new()
        } else {
            crate::sql::session_settings(self.dialect(), session)
                .map_err(DatabaseError::SessionSettings)?
        };
        let mut transaction = Transaction {
            inner: self.inner.begin(writes).await?,
        };
        for statement in &statements {
            transaction.inner.execute_plain(statement).await?;
        }
        Ok(transaction)
    }
}

/// Whether `url`'s scheme is one of `B`'s.
#[allow(dead_code, reason = "used by every backend that is built")]
fn handles<B: Backend>(url: &str) -> bool {
    url.split_once(':')
        .is_some_and(|(scheme, _)| B::SCHEMES.contains(&scheme))
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What [`Database`] asks of its backend, with the backend's type erased.
trait Run: Send + Sync {
    fn dialect(&self) -> &dyn Dialect;
    fn fetch_rows<'a>(
        &'a self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Vec<Vec<Value>>, DatabaseError>>;
    fn fetch_count<'a>(
        &'a self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<i64, DatabaseError>>;
    fn ping(&self) -> BoxFuture<'_, Result<(), DatabaseError>>;
    fn begin(&self, writes: bool) -> BoxFuture<'_, Result<Box<dyn RunTransaction>, DatabaseError>>;
    fn column_names<'a>(
        &'a self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, DatabaseError>>;
}

/// What [`Transaction`] asks of its backend's transaction, with the backend's type erased.
trait RunTransaction: Send {
    fn fetch_rows<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Vec<Vec<Value>>, DatabaseError>>;
    fn fetch_count<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<i64, DatabaseError>>;
    fn fetch_any<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
        max_rows: usize,
    ) -> BoxFuture<'a, Result<Vec<Map<String, Value>>, DatabaseError>>;
    fn fetch_plain<'a>(
        &'a mut self,
        statement: &'a Statement,
        max_rows: usize,
    ) -> BoxFuture<'a, Result<Vec<Map<String, Value>>, DatabaseError>>;
    fn execute<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Executed, DatabaseError>>;
    fn execute_plain<'a>(
        &'a mut self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<(), DatabaseError>>;
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), DatabaseError>>;
}

/// What a statement that writes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Executed {
    /// How many rows it wrote.
    pub rows_affected: u64,
    /// The value it gave an auto-increment column, where the database says so.
    pub last_insert_id: Option<i64>,
}

/// A transaction: every statement of one call that runs several runs in it (a write tool's,
/// a routine's), and unless it is committed, nothing they wrote stays (dropping it rolls it
/// back).
pub struct Transaction {
    inner: Box<dyn RunTransaction>,
}

impl Transaction {
    /// Runs a statement that returns rows (`RETURNING`, or a read) and decodes them.
    pub async fn fetch_rows(
        &mut self,
        table: &Table,
        statement: &Statement,
    ) -> Result<Vec<Vec<Value>>, DatabaseError> {
        self.inner.fetch_rows(table, statement).await
    }

    /// Runs a statement that returns one integer (`SELECT COUNT(*) ...`).
    pub async fn fetch_count(
        &mut self,
        table: &Table,
        statement: &Statement,
    ) -> Result<i64, DatabaseError> {
        self.inner.fetch_count(table, statement).await
    }

    /// Runs a statement whose rows' columns are known only when they come (a procedure's
    /// result sets), and reads each value by its own type: each row as an object by column
    /// name; at most `max_rows` rows.
    pub async fn fetch_any(
        &mut self,
        table: &Table,
        statement: &Statement,
        max_rows: usize,
    ) -> Result<Vec<Map<String, Value>>, DatabaseError> {
        self.inner.fetch_any(table, statement, max_rows).await
    }

    /// Runs a statement whose parameters are plain values ([`Param::Plain`], `query_sql`'s)
    /// and reads its rows as [`Transaction::fetch_any`] does: at most `max_rows`. The
    /// statement is not kept prepared on the connection: each is a client's own.
    pub async fn fetch_plain(
        &mut self,
        statement: &Statement,
        max_rows: usize,
    ) -> Result<Vec<Map<String, Value>>, DatabaseError> {
        self.inner.fetch_plain(statement, max_rows).await
    }

    /// Runs a statement that writes and returns no rows.
    pub async fn execute(
        &mut self,
        table: &Table,
        statement: &Statement,
    ) -> Result<Executed, DatabaseError> {
        self.inner.execute(table, statement).await
    }

    /// Makes what the transaction wrote stay.
    pub async fn commit(self) -> Result<(), DatabaseError> {
        self.inner.commit().await
    }
}

/// A transaction of backend `B`.
struct InTransaction<B: Backend> {
    transaction: sqlx::Transaction<'static, B::Database>,
    statement_timeout: Option<Duration>,
}

impl<B: Backend> RunTransaction for InTransaction<B>
where
    for<'c> &'c mut <B::Database as sqlx::Database>::Connection:
        sqlx::Executor<'c, Database = B::Database>,
    Arguments<B>: sqlx::IntoArguments<B::Database>,
{
    fn fetch_rows<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Vec<Vec<Value>>, DatabaseError>> {
        Box::pin(async move {
            let arguments = arguments::<B>(Some(table), &statement.params)?;
            // Identifiers from the table's metadata only; every value is in `arguments`.
            let rows = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                .fetch_all(&mut *self.transaction)
                .await
                .map_err(|error| query_error::<B>(self.statement_timeout, error))?;
            decode_rows::<B>(table, statement, &rows)
        })
    }

    fn fetch_count<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<i64, DatabaseError>> {
        Box::pin(async move {
            let arguments = arguments::<B>(Some(table), &statement.params)?;
            let row = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                .fetch_one(&mut *self.transaction)
                .await
                .map_err(|error| query_error::<B>(self.statement_timeout, error))?;
            count_of::<B>(&row)
        })
    }

    fn fetch_any<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
        max_rows: usize,
    ) -> BoxFuture<'a, Result<Vec<Map<String, Value>>, DatabaseError>> {
        Box::pin(async move {
            let arguments = arguments::<B>(Some(table), &statement.params)?;
            let query = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments);
            fetch_any_rows::<B>(
                &mut self.transaction,
                query,
                max_rows,
                self.statement_timeout,
            )
            .await
        })
    }

    fn fetch_plain<'a>(
        &'a mut self,
        statement: &'a Statement,
        max_rows: usize,
    ) -> BoxFuture<'a, Result<Vec<Map<String, Value>>, DatabaseError>> {
        Box::pin(async move {
            let arguments = arguments::<B>(None, &statement.params)?;
            // `query_sql`'s statement, checked and written out again by the runtime
            // (`crate::query::sql_check`); every value is in `arguments`.
            let query = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                .persistent(false);
            fetch_any_rows::<B>(
                &mut self.transaction,
                query,
                max_rows,
                self.statement_timeout,
            )
            .await
        })
    }

    fn execute<'a>(
        &'a mut self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Executed, DatabaseError>> {
        Box::pin(async move {
            let arguments = arguments::<B>(Some(table), &statement.params)?;
            let result = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                .execute(&mut *self.transaction)
                .await
                .map_err(|error| query_error::<B>(self.statement_timeout, error))?;
            Ok(Executed {
                rows_affected: B::rows_affected(&result),
                last_insert_id: B::last_insert_id(&result),
            })
        })
    }

    fn execute_plain<'a>(
        &'a mut self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<(), DatabaseError>> {
        Box::pin(async move {
            // The runtime's own statements (`crate::sql::session_settings`): identifiers
            // quoted by the dialect, every value in `arguments`. One without parameters
            // (`SET LOCAL ROLE`, a role's name in its text) goes as a simple query, never
            // prepared.
            let result = if statement.params.is_empty() {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement.sql.clone()))
                    .execute(&mut *self.transaction)
                    .await
                    .map(|_| ())
            } else {
                let arguments = arguments::<B>(None, &statement.params)?;
                sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                    .execute(&mut *self.transaction)
                    .await
                    .map(|_| ())
            };
            result.map_err(|error| query_error::<B>(self.statement_timeout, error))
        })
    }

    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), DatabaseError>> {
        let timeout = self.statement_timeout;
        Box::pin(async move {
            self.transaction
                .commit()
                .await
                .map_err(|error| query_error::<B>(timeout, error))
        })
    }
}

/// The rows of `query`, each value read by its own type and named by its column: at most
/// `max_rows` of them. Rows past `max_rows` are left unread: the driver skips them when the
/// connection is next used.
async fn fetch_any_rows<'q, B: Backend>(
    transaction: &mut sqlx::Transaction<'static, B::Database>,
    query: sqlx::query::Query<'q, B::Database, Arguments<B>>,
    max_rows: usize,
    statement_timeout: Option<Duration>,
) -> Result<Vec<Map<String, Value>>, DatabaseError>
where
    for<'c> &'c mut <B::Database as sqlx::Database>::Connection:
        sqlx::Executor<'c, Database = B::Database>,
    Arguments<B>: sqlx::IntoArguments<B::Database>,
{
    use futures_util::TryStreamExt as _;
    use sqlx::{Column as _, Row as _};

    let mut stream = query.fetch(&mut **transaction);
    let mut rows = Vec::new();
    while rows.len() < max_rows
        && let Some(row) = stream
            .try_next()
            .await
            .map_err(|error| query_error::<B>(statement_timeout, error))?
    {
        let values = row
            .columns()
            .iter()
            .enumerate()
            .map(|(index, column)| {
                let value =
                    B::decode_any(&row, index).map_err(|message| DatabaseError::Decode {
                        column: column.name().to_owned(),
                        message,
                    })?;
                Ok((column.name().to_owned(), value))
            })
            .collect::<Result<Map<String, Value>, DatabaseError>>()?;
        rows.push(values);
    }
    Ok(rows)
}

/// A connected backend: runs statements, every backend the same way.
struct Connected<B> {
    backend: B,
    statement_timeout: Option<Duration>,
}

impl<B: Backend> Connected<B>
where
    for<'c> &'c mut <B::Database as sqlx::Database>::Connection:
        sqlx::Executor<'c, Database = B::Database>,
    Arguments<B>: sqlx::IntoArguments<B::Database>,
{
    async fn open(url: &str, options: &ConnectOptions) -> Result<Database, DatabaseError> {
        let backend = B::connect(url, options).await?;
        Ok(Database {
            inner: Box::new(Self {
                backend,
                statement_timeout: options.statement_timeout,
            }),
        })
    }

    async fn fetch_all(
        &self,
        table: &Table,
        statement: &Statement,
    ) -> Result<Vec<Row<B>>, DatabaseError> {
        let arguments = arguments::<B>(Some(table), &statement.params)?;
        let mut connection = self.backend.acquire().await?;
        // The statement's text holds identifiers from the table's metadata only; every value
        // is in `arguments`.
        sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
            .fetch_all(&mut *connection)
            .await
            .map_err(|error| self.query_error(error))
    }

    /// The error of a failed statement: [`DatabaseError::Timeout`] when the database stopped
    /// it at the time limit.
    fn query_error(&self, error: sqlx::Error) -> DatabaseError {
        query_error::<B>(self.statement_timeout, error)
    }
}

/// The error of a failed statement: [`DatabaseError::Timeout`] when the database stopped it at
/// the time limit, [`DatabaseError::Violation`] when it broke a constraint.
fn query_error<B: Backend>(
    statement_timeout: Option<Duration>,
    error: sqlx::Error,
) -> DatabaseError {
    match statement_timeout {
        Some(limit) if B::timed_out(&error) => return DatabaseError::Timeout { limit },
        _ => {}
    }
    // SQLSTATE 25006, read_only_sql_transaction, in PostgreSQL and MySQL alike.
    if let sqlx::Error::Database(database) = &error
        && database.code().as_deref() == Some("25006")
    {
        return DatabaseError::ReadOnly(error);
    }
    match B::violation(&error) {
        Some(violation) => DatabaseError::Violation(violation),
        None => DatabaseError::Query(error),
    }
}

/// Binds a statement's parameters, on any connection of backend `B`: a column's value through
/// the column's type (`table`'s codec), the others as their own type.
fn arguments<B: Backend>(
    table: Option<&Table>,
    params: &[Param],
) -> Result<Arguments<B>, DatabaseError> {
    let mut arguments = Arguments::<B>::default();
    for param in params {
        let (column, bound) = match param {
            Param::Column { column, operand } => match table {
                Some(table) => (
                    table.column_name(*column),
                    B::codec(codec::codecs(table)).bind(*column, operand, &mut arguments),
                ),
                None => (
                    "",
                    Err("a column's value is bound with its table".to_owned()),
                ),
            },
            Param::Text(text) => ("", bind::<B, _>(text, &mut arguments)),
            Param::Integer(integer) => ("", bind::<B, _>(integer, &mut arguments)),
            Param::Plain(value) => (
                "",
                match value {
                    SqlValue::Null => bind::<B, _>(&None::<String>, &mut arguments),
                    SqlValue::Boolean(value) => bind::<B, _>(value, &mut arguments),
                    SqlValue::Integer(value) => bind::<B, _>(value, &mut arguments),
                    SqlValue::Float(value) => bind::<B, _>(value, &mut arguments),
                    SqlValue::Text(value) => bind::<B, _>(value, &mut arguments),
                },
            ),
        };
        bound.map_err(|message| DatabaseError::Bind {
            column: column.to_owned(),
            message,
        })?;
    }
    Ok(arguments)
}

/// Adds `value` to `arguments` as its own type.
fn bind<B: Backend, F: FieldType>(value: &F, arguments: &mut Arguments<B>) -> Result<(), String> {
    B::bind(value, arguments).map_err(|error| error.to_string())
}

/// The integer of a `SELECT COUNT(*)`'s row.
fn count_of<B: Backend>(row: &Row<B>) -> Result<i64, DatabaseError> {
    B::decode::<i64>(row, 0).map_err(|message| DatabaseError::Decode {
        column: "COUNT(*)".to_owned(),
        message,
    })
}

/// A computed value (an aggregate): `null` for NULL, else read as `computed` says.
fn decode_computed<B: Backend>(
    codec: &dyn TableCodec<B>,
    computed: Computed,
    row: &Row<B>,
    index: usize,
) -> Result<Value, String> {
    if B::is_null(row, index) {
        return Ok(Value::Null);
    }
    let json = |result: Result<Value, serde_json::Error>| result.map_err(|error| error.to_string());
    match computed {
        Computed::Integer => B::decode::<i64>(row, index).map(Value::from),
        Computed::Float => json(B::decode::<f64>(row, index)?.to_json()),
        Computed::Decimal => json(B::decode::<crate::types::Decimal>(row, index)?.to_json()),
        Computed::Column(column) => codec.decode(column, row, index),
    }
}

/// Each row's values, as the statement selects them, decoded through the columns' types.
fn decode_rows<B: Backend>(
    table: &Table,
    statement: &Statement,
    rows: &[Row<B>],
) -> Result<Vec<Vec<Value>>, DatabaseError> {
    let codec = B::codec(codec::codecs(table));
    rows.iter()
        .map(|row| {
            statement
                .columns
                .iter()
                .enumerate()
                .map(|(index, selected)| match selected {
                    Selected::Column(column) => {
                        codec
                            .decode(*column, row, index)
                            .map_err(|message| DatabaseError::Decode {
                                column: table.column_name(*column).to_owned(),
                                message,
                            })
                    }
                    Selected::RowId(alias) => B::decode::<i64>(row, index)
                        .map(Value::from)
                        .map_err(|message| DatabaseError::Decode {
                            column: (*alias).to_owned(),
                            message,
                        }),
                    Selected::Computed(computed) => decode_computed(codec, *computed, row, index)
                        .map_err(|message| DatabaseError::Decode {
                            column: format!("value {} of the result", index + 1),
                            message,
                        }),
                })
                .collect()
        })
        .collect()
}

impl<B: Backend> Run for Connected<B>
where
    for<'c> &'c mut <B::Database as sqlx::Database>::Connection:
        sqlx::Executor<'c, Database = B::Database>,
    Arguments<B>: sqlx::IntoArguments<B::Database>,
{
    fn dialect(&self) -> &dyn Dialect {
        self.backend.dialect()
    }

    fn fetch_rows<'a>(
        &'a self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Vec<Vec<Value>>, DatabaseError>> {
        Box::pin(async move {
            let rows = self.fetch_all(table, statement).await?;
            decode_rows::<B>(table, statement, &rows)
        })
    }

    fn fetch_count<'a>(
        &'a self,
        table: &'a Table,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<i64, DatabaseError>> {
        Box::pin(async move {
            let rows = self.fetch_all(table, statement).await?;
            let row = rows
                .first()
                .ok_or(DatabaseError::Query(sqlx::Error::RowNotFound))?;
            count_of::<B>(row)
        })
    }

    fn begin(&self, writes: bool) -> BoxFuture<'_, Result<Box<dyn RunTransaction>, DatabaseError>> {
        Box::pin(async move {
            let transaction = self
                .backend
                .begin(writes)
                .await
                .map_err(|error| self.query_error(error))?;
            Ok(Box::new(InTransaction::<B> {
                transaction,
                statement_timeout: self.statement_timeout,
            }) as Box<dyn RunTransaction>)
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), DatabaseError>> {
        Box::pin(async move {
            let mut connection = self.backend.acquire().await?;
            sqlx::query::<B::Database>("SELECT 1")
                .execute(&mut *connection)
                .await
                .map_err(|error| self.query_error(error))?;
            Ok(())
        })
    }

    fn column_names<'a>(
        &'a self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, DatabaseError>> {
        Box::pin(async move {
            use sqlx::{Column as _, Executor as _, SqlSafeStr as _, Statement as _};
            let mut connection = self.backend.acquire().await?;
            // Prepared, never run: the database says which columns the statement returns.
            let prepared = (&mut *connection)
                .prepare(sqlx::AssertSqlSafe(sql.to_owned()).into_sql_str())
                .await
                .map_err(|error| self.query_error(error))?;
            Ok(prepared
                .columns()
                .iter()
                .map(|column| column.name().to_owned())
                .collect())
        })
    }
}

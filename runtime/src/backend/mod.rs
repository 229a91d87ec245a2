//! The databases a server talks to. Each backend is one module behind one cargo feature, and
//! gives the two things the rest of the runtime needs: a [`Dialect`] (how SQL is spelled) and
//! a connection pool that runs a [`Statement`] and decodes its rows through the table's field
//! types ([`Database`]).

/// What every backend does the same way with its own sqlx types: run a statement with its
/// parameters bound through the table's field types (`fetch_rows`, which decodes each row
/// with the backend's own `decode`, `fetch_count`, `ping`), and the visitor that binds one
/// value. `$bind` is the [`crate::catalog::TableCodec`] method that binds for this backend.
macro_rules! run_statements {
    ($database:ident, $arguments:ty, $bind:ident) => {
        impl $database {
            pub(crate) async fn fetch_rows(
                &self,
                table: &$crate::catalog::Table,
                statement: &$crate::sql::Statement,
            ) -> Result<Vec<Vec<serde_json::Value>>, $crate::backend::DatabaseError> {
                let arguments = bind(table, &statement.params)?;
                let mut connection = self.connection().await?;
                // The statement's text holds identifiers from the table's metadata only;
                // every value is in `arguments`.
                let rows = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                    .fetch_all(&mut *connection)
                    .await
                    .map_err(|error| self.query_error(error))?;
                rows.iter()
                    .map(|row| decode(table, row, statement))
                    .collect()
            }

            pub(crate) async fn fetch_count(
                &self,
                table: &$crate::catalog::Table,
                statement: &$crate::sql::Statement,
            ) -> Result<i64, $crate::backend::DatabaseError> {
                let arguments = bind(table, &statement.params)?;
                let mut connection = self.connection().await?;
                let row = sqlx::query_with(sqlx::AssertSqlSafe(statement.sql.as_str()), arguments)
                    .fetch_one(&mut *connection)
                    .await
                    .map_err(|error| self.query_error(error))?;
                Ok(sqlx::Row::try_get::<i64, _>(&row, 0)?)
            }

            pub(crate) async fn ping(&self) -> Result<(), $crate::backend::DatabaseError> {
                let mut connection = self.connection().await?;
                sqlx::query("SELECT 1")
                    .execute(&mut *connection)
                    .await
                    .map_err(|error| self.query_error(error))?;
                Ok(())
            }

            /// The error of a failed statement: [`DatabaseError::Timeout`] when the database
            /// stopped it at the time limit.
            ///
            /// [`DatabaseError::Timeout`]: $crate::backend::DatabaseError::Timeout
            fn query_error(&self, error: sqlx::Error) -> $crate::backend::DatabaseError {
                match self.statement_timeout {
                    Some(limit) if timed_out(&error) => {
                        $crate::backend::DatabaseError::Timeout { limit }
                    }
                    _ => $crate::backend::DatabaseError::Query(error),
                }
            }
        }

        fn bind(
            table: &$crate::catalog::Table,
            params: &[$crate::sql::Param],
        ) -> Result<$arguments, $crate::backend::DatabaseError> {
            use sqlx::Arguments as _;
            let mut arguments = <$arguments>::default();
            for param in params {
                let (column, added) = match param {
                    $crate::sql::Param::Column { column, value } => (
                        table.column_name(*column),
                        table.codec().$bind(&mut arguments, *column, value),
                    ),
                    $crate::sql::Param::Text(text) => {
                        ("", arguments.add(text.clone()).map_err(|e| e.to_string()))
                    }
                    $crate::sql::Param::Integer(integer) => {
                        ("", arguments.add(*integer).map_err(|e| e.to_string()))
                    }
                };
                added.map_err(|message| $crate::backend::DatabaseError::Bind {
                    column: column.to_owned(),
                    message,
                })?;
            }
            Ok(arguments)
        }

        /// Binds a JSON value of a column as the column's Rust type.
        pub(crate) struct Bind<'a> {
            pub(crate) arguments: &'a mut $arguments,
            pub(crate) value: &'a serde_json::Value,
        }

        impl $crate::table::ColumnVisitor for Bind<'_> {
            type Output = Result<(), String>;

            fn visit<F: $crate::table::FieldType>(self) -> Self::Output {
                use sqlx::Arguments as _;
                let value = F::deserialize(self.value).map_err(|error| error.to_string())?;
                self.arguments.add(value).map_err(|error| error.to_string())
            }
        }
    };
}

#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use serde_json::Value;

use crate::catalog::Table;
use crate::sql::Statement;
use crate::table::ColumnDef;

/// How a backend spells SQL. Every difference between databases in the statements the runtime
/// writes is a method here.
pub trait Dialect: Send + Sync {
    /// Appends `name` quoted as an identifier.
    fn push_identifier(&self, out: &mut String, name: &str);
    /// Appends the placeholder of parameter number `index` (1-based).
    fn push_placeholder(&self, out: &mut String, index: usize);
    /// Appends the parameter `placeholder` holding a value of `column`, compared with the
    /// column or written to it. Most backends need the placeholder alone.
    fn push_column_value(&self, out: &mut String, placeholder: &str, column: &ColumnDef) {
        let _ = column;
        out.push_str(placeholder);
    }
    /// Appends `expression` converted to text.
    fn push_cast_to_text(&self, out: &mut String, expression: &str);
    /// What follows `ASC`/`DESC` in `ORDER BY` so that NULL sorts as the lowest value
    /// (the order keyset paging relies on).
    fn nulls_lowest(&self, descending: bool) -> &'static str;
    /// Appends a `LIKE` test of `expression` against the parameter `placeholder`, whose value
    /// [`Dialect::like_pattern`] made. `%`, `_` and `\` escapes mean what they do in SQL.
    fn push_like(
        &self,
        out: &mut String,
        expression: &str,
        placeholder: &str,
        case_insensitive: bool,
    );
    /// The value to bind for a `LIKE` `pattern` in [`Dialect::push_like`].
    fn like_pattern(&self, pattern: &str, case_insensitive: bool) -> String;
    /// The schema a table without one lives in (`main`, `public`, the connected database).
    fn default_schema(&self) -> &str;
    /// The database's name, for descriptions.
    fn name(&self) -> &'static str;
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
    #[error("the database reported: {0}")]
    Query(#[from] sqlx::Error),
    /// The database stopped a statement that ran longer than the server allows.
    #[error(
        "the query ran longer than this server allows ({} ms; limits.statement_timeout_ms in its config) and was stopped: narrow it with `where`, or ask for a smaller `limit`",
        limit.as_millis()
    )]
    Timeout {
        /// The limit it ran into.
        limit: std::time::Duration,
    },
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

fn supported_schemes() -> String {
    let mut schemes = Vec::new();
    if cfg!(feature = "postgres") {
        schemes.push("postgres://");
    }
    if cfg!(feature = "mysql") {
        schemes.push("mysql:// (or mariadb://)");
    }
    if cfg!(feature = "sqlite") {
        schemes.push("sqlite://");
    }
    format!("{} URLs", schemes.join(", "))
}

/// A connection pool to one database.
#[derive(Debug)]
pub enum Database {
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::SqliteDatabase),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(postgres::PostgresDatabase),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(mysql::MysqlDatabase),
}

/// Calls `$body` with the backend's own database, whatever the variant.
macro_rules! each_backend {
    ($database:expr, $inner:ident => $body:expr) => {
        match $database {
            #[cfg(feature = "sqlite")]
            Database::Sqlite($inner) => $body,
            #[cfg(feature = "postgres")]
            Database::Postgres($inner) => $body,
            #[cfg(feature = "mysql")]
            Database::Mysql($inner) => $body,
        }
    };
}

/// How to open a [`Database`].
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Open the database so that it cannot be written.
    pub read_only: bool,
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long one statement may run before the database stops it; `None`: as long as it
    /// takes.
    pub statement_timeout: Option<std::time::Duration>,
}

impl Database {
    /// Opens a pool to `url` and checks that the database answers.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, DatabaseError> {
        #[cfg(feature = "sqlite")]
        if sqlite::handles(url) {
            return sqlite::SqliteDatabase::connect(url, options)
                .await
                .map(Database::Sqlite);
        }
        #[cfg(feature = "postgres")]
        if postgres::handles(url) {
            return postgres::PostgresDatabase::connect(url, options)
                .await
                .map(Database::Postgres);
        }
        #[cfg(feature = "mysql")]
        if mysql::handles(url) {
            return mysql::MysqlDatabase::connect(url, options)
                .await
                .map(Database::Mysql);
        }
        let _ = options;
        #[allow(unreachable_code, reason = "reached when no backend handles the URL")]
        Err(DatabaseError::UnsupportedScheme(redact_url(url)))
    }

    /// How this database spells SQL.
    pub fn dialect(&self) -> &dyn Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(_) => &sqlite::SqliteDialect,
            #[cfg(feature = "postgres")]
            Database::Postgres(_) => &postgres::PostgresDialect,
            #[cfg(feature = "mysql")]
            Database::Mysql(database) => &database.dialect,
        }
    }

    /// Runs a `SELECT` and decodes each row's [`Statement::columns`] into JSON values.
    pub async fn fetch_rows(
        &self,
        table: &Table,
        statement: &Statement,
    ) -> Result<Vec<Vec<Value>>, DatabaseError> {
        each_backend!(self, database => database.fetch_rows(table, statement).await)
    }

    /// Runs a statement that returns one integer (`SELECT COUNT(*) ...`).
    pub async fn fetch_count(
        &self,
        table: &Table,
        statement: &Statement,
    ) -> Result<i64, DatabaseError> {
        each_backend!(self, database => database.fetch_count(table, statement).await)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DatabaseError> {
        each_backend!(self, database => database.ping().await)
    }
}

pub(crate) use mcpgen_rules::url::redact as redact_url;

/// The bounds a column's Rust type must meet for each backend that is built (none for a
/// backend that is not): sqlx can read and write it in that database.
#[doc(hidden)]
pub mod bounds {
    macro_rules! backend_bound {
        ($feature:literal, $name:ident, $db:ty) => {
            #[doc = concat!("sqlx reads and writes it (the `", $feature, "` backend).")]
            #[cfg(feature = $feature)]
            pub trait $name:
                sqlx::Type<$db> + for<'r> sqlx::Decode<'r, $db> + for<'q> sqlx::Encode<'q, $db>
            {
            }

            #[cfg(feature = $feature)]
            impl<T> $name for T where
                T: sqlx::Type<$db> + for<'r> sqlx::Decode<'r, $db> + for<'q> sqlx::Encode<'q, $db>
            {
            }

            #[doc = concat!("The `", $feature, "` backend is not built: no bound.")]
            #[cfg(not(feature = $feature))]
            pub trait $name {}

            #[cfg(not(feature = $feature))]
            impl<T: ?Sized> $name for T {}
        };
    }

    backend_bound!("sqlite", SqliteField, sqlx::Sqlite);
    backend_bound!("postgres", PostgresField, sqlx::Postgres);
    backend_bound!("mysql", MysqlField, sqlx::MySql);
}

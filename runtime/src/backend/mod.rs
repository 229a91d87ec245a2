//! The databases a server talks to. Each backend is one module behind one cargo feature, and
//! gives the two things the rest of the runtime needs: a [`Dialect`] (how SQL is spelled) and
//! a connection pool that runs a [`Statement`] and decodes its rows through the table's field
//! types ([`Database`]).

#[cfg(feature = "sqlite")]
pub mod sqlite;

use serde_json::Value;

use crate::catalog::Table;
use crate::sql::Statement;

/// How a backend spells SQL. Every difference between databases in the statements the runtime
/// writes is a method here.
pub trait Dialect: Send + Sync {
    /// Appends `name` quoted as an identifier.
    fn push_identifier(&self, out: &mut String, name: &str);
    /// Appends the placeholder of parameter number `index` (1-based).
    fn push_placeholder(&self, out: &mut String, index: usize);
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

fn supported_schemes() -> &'static str {
    if cfg!(feature = "sqlite") {
        "sqlite:// URLs"
    } else {
        "no database (enable a backend feature of mcpgen-runtime)"
    }
}

/// A connection pool to one database.
#[derive(Debug)]
pub enum Database {
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::SqliteDatabase),
}

/// How to open a [`Database`].
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Open the database so that it cannot be written.
    pub read_only: bool,
    /// The most connections the pool opens.
    pub max_connections: u32,
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
        let _ = options;
        Err(DatabaseError::UnsupportedScheme(redact_url(url)))
    }

    /// How this database spells SQL.
    pub fn dialect(&self) -> &dyn Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(_) => &sqlite::SqliteDialect,
        }
    }

    /// Runs a `SELECT` and decodes each row's [`Statement::columns`] into JSON values.
    pub async fn fetch_rows(
        &self,
        table: &Table,
        statement: &Statement,
    ) -> Result<Vec<Vec<Value>>, DatabaseError> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(database) => database.fetch_rows(table, statement).await,
        }
    }

    /// Runs a statement that returns one integer (`SELECT COUNT(*) ...`).
    pub async fn fetch_count(
        &self,
        table: &Table,
        statement: &Statement,
    ) -> Result<i64, DatabaseError> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(database) => database.fetch_count(table, statement).await,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DatabaseError> {
        match self {
            #[cfg(feature = "sqlite")]
            Database::Sqlite(database) => database.ping().await,
        }
    }
}

/// `url` without the password of its user info, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// Bounds a column's Rust type must meet for the SQLite backend, or none when it is not built.
#[doc(hidden)]
pub mod sqlite_bounds {
    /// sqlx can read and write it in SQLite.
    #[cfg(feature = "sqlite")]
    pub trait SqliteField:
        sqlx::Type<sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
    {
    }

    #[cfg(feature = "sqlite")]
    impl<T> SqliteField for T where
        T: sqlx::Type<sqlx::Sqlite>
            + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
            + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
    {
    }

    /// The SQLite backend is not built: no bound.
    #[cfg(not(feature = "sqlite"))]
    pub trait SqliteField {}

    #[cfg(not(feature = "sqlite"))]
    impl<T: ?Sized> SqliteField for T {}
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://app:secret@db:5432/shop"),
            "postgres://app:***@db:5432/shop"
        );
        assert_eq!(redact_url("sqlite://data/shop.db"), "sqlite://data/shop.db");
    }
}

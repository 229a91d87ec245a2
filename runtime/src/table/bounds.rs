//! The bounds a column's Rust type must meet for each backend that is built (none for a
//! backend that is not): sqlx can read and write it in that database. [`super::FieldType`]
//! requires them, so a type no enabled backend can read is refused where it is used.

/// sqlx reads and writes it in SQLite (the `sqlite` backend).
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
/// The `sqlite` backend is not built: no bound.
#[cfg(not(feature = "sqlite"))]
pub trait SqliteField {}
#[cfg(not(feature = "sqlite"))]
impl<T: ?Sized> SqliteField for T {}

/// sqlx reads and writes it in PostgreSQL (the `postgres` backend).
#[cfg(feature = "postgres")]
pub trait PostgresField:
    sqlx::Type<sqlx::Postgres>
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + for<'q> sqlx::Encode<'q, sqlx::Postgres>
{
}
#[cfg(feature = "postgres")]
impl<T> PostgresField for T where
    T: sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + for<'q> sqlx::Encode<'q, sqlx::Postgres>
{
}
/// The `postgres` backend is not built: no bound.
#[cfg(not(feature = "postgres"))]
pub trait PostgresField {}
#[cfg(not(feature = "postgres"))]
impl<T: ?Sized> PostgresField for T {}

/// sqlx reads and writes it in MySQL and MariaDB (the `mysql` backend).
#[cfg(feature = "mysql")]
pub trait MysqlField:
    sqlx::Type<sqlx::MySql>
    + for<'r> sqlx::Decode<'r, sqlx::MySql>
    + for<'q> sqlx::Encode<'q, sqlx::MySql>
{
}
#[cfg(feature = "mysql")]
impl<T> MysqlField for T where
    T: sqlx::Type<sqlx::MySql>
        + for<'r> sqlx::Decode<'r, sqlx::MySql>
        + for<'q> sqlx::Encode<'q, sqlx::MySql>
{
}
/// The `mysql` backend is not built: no bound.
#[cfg(not(feature = "mysql"))]
pub trait MysqlField {}
#[cfg(not(feature = "mysql"))]
impl<T: ?Sized> MysqlField for T {}

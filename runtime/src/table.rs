//! What `#[derive(McpTable)]` produces: a static description of a table ([`TableDef`]) and a way
//! to reach the Rust type of each of its columns ([`McpTable::visit_column`]).
//!
//! Everything the runtime does with a table (decode a row, bind a filter value, describe a
//! column's JSON Schema) goes through these two, so one derive serves every backend.

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A database table or view served as MCP tools.
///
/// Implement it with `#[derive(McpTable)]`; the attributes are documented on the derive.
pub trait McpTable: Send + Sync + 'static {
    /// The table's names, columns and keys, as the database spells them.
    const TABLE: &'static TableDef;

    /// Calls `visitor.visit::<F>()`, where `F` is the Rust type of the field that holds column
    /// number `column` of [`TableDef::columns`]; `None` when there is no such column.
    fn visit_column<V: ColumnVisitor>(column: usize, visitor: V) -> Option<V::Output>;

    /// Builds the struct from a row, each field read as its own type.
    fn from_row<R: RowSource>(row: &mut R) -> Result<Self, R::Error>
    where
        Self: Sized;

    /// Hands each field, in column order, to `sink`.
    fn write_row<S: RowSink>(&self, sink: &mut S) -> Result<(), S::Error>;
}

/// Where [`McpTable::from_row`] reads field values from: a database row.
pub trait RowSource {
    /// Why a value cannot be read.
    type Error;
    /// Reads column number `column` as `F`.
    fn field<F: FieldType>(&mut self, column: usize) -> Result<F, Self::Error>;
}

/// Where [`McpTable::write_row`] writes field values to: a JSON object, for example.
pub trait RowSink {
    /// Why a value cannot be written.
    type Error;
    /// Writes column number `column`, whose value is `value`.
    fn field<F: FieldType>(&mut self, column: usize, value: &F) -> Result<(), Self::Error>;
}

/// An operation on a value of one column, generic over the column's Rust type.
///
/// The runtime uses visitors to decode rows, bind parameters and describe columns without
/// knowing the struct.
pub trait ColumnVisitor {
    /// What the operation returns.
    type Output;
    /// Runs the operation with `F`, the column's Rust type.
    fn visit<F: FieldType>(self) -> Self::Output;
}

/// A Rust type that can hold a column's value: it is read and written with sqlx for every
/// enabled backend, and it is (de)serialized as the column's JSON value.
///
/// The runtime implements it for the types the generator uses (see the README's type table)
/// and for `Option` of each. A type that one enabled backend cannot read is left out: unsigned
/// integers when `postgres` is enabled (and `u64` when `sqlite` is), `DateTime<FixedOffset>` when `mysql` is, arrays unless
/// `postgres` is the only backend. For a type of your own that meets the bounds, one line
/// does: `impl mcpgen_runtime::FieldType for MyType {}`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a column of an `McpTable`",
    label = "not a column type",
    note = "column types are bool, integers, f32/f64, String, mcpgen_runtime::types::{{Decimal, Bytes, AnyValue, Uuid}}, chrono dates and times, serde_json::Value, Vec<Option<T>> (PostgreSQL arrays), and Option of each",
    note = "for a type of your own that sqlx reads and writes and serde (de)serializes, add `impl mcpgen_runtime::FieldType for {Self} {{}}`"
)]
pub trait FieldType:
    Serialize
    + DeserializeOwned
    + JsonSchema
    + Send
    + Sync
    + 'static
    + crate::backend::bounds::SqliteField
    + crate::backend::bounds::PostgresField
    + crate::backend::bounds::MysqlField
{
    /// The value as JSON. `f32` overrides it to send the shortest decimal that reads back as
    /// the same `f32` (`1.1`, not the `1.100000023841858` of its widening to `f64`).
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

impl FieldType for f32 {
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        // Display gives the shortest digits that read back as this f32; as an f64 they are
        // the number those digits spell.
        Ok(self
            .to_string()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
}

macro_rules! field_types {
    ($($ty:ty),* $(,)?) => {
        $(impl FieldType for $ty {})*
    };
}

field_types!(
    bool,
    i8,
    i16,
    i32,
    i64,
    f64,
    String,
    crate::types::Decimal,
    crate::types::Bytes,
    crate::types::AnyValue,
    crate::types::Uuid,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    serde_json::Value,
);

// PostgreSQL has no unsigned integers; SQLite's driver writes no `u64`.
#[cfg(not(feature = "postgres"))]
field_types!(u8, u16, u32);
#[cfg(not(any(feature = "postgres", feature = "sqlite")))]
field_types!(u64);

// MySQL's driver reads no time zone offsets.
#[cfg(not(feature = "mysql"))]
field_types!(chrono::DateTime<chrono::FixedOffset>);

/// A PostgreSQL array, whose elements may be NULL.
#[cfg(all(feature = "postgres", not(any(feature = "sqlite", feature = "mysql"))))]
impl<T> FieldType for Vec<Option<T>>
where
    T: FieldType + sqlx::postgres::PgHasArrayType + for<'r> sqlx::Decode<'r, sqlx::Postgres>,
{
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.iter()
            .map(|element| element.to_json())
            .collect::<Result<_, _>>()
            .map(serde_json::Value::Array)
    }
}

impl<T: FieldType> FieldType for Option<T>
where
    Option<T>: crate::backend::bounds::SqliteField
        + crate::backend::bounds::PostgresField
        + crate::backend::bounds::MysqlField,
{
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Some(value) => value.to_json(),
            None => Ok(serde_json::Value::Null),
        }
    }
}

/// Whether a relation stores rows or is a query over others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A base table.
    Table,
    /// A view (never written to).
    View,
}

/// A table or view, as `#[derive(McpTable)]` describes it.
#[derive(Debug)]
pub struct TableDef {
    /// The table's name as the database spells it.
    pub name: &'static str,
    /// The schema (PostgreSQL schema, MySQL database, SQLite attached database) when it is not
    /// the connection's default one.
    pub schema: Option<&'static str>,
    /// The `T` of the tool names (`list_T`, ...).
    pub tool_name: &'static str,
    /// Table or view.
    pub kind: TableKind,
    /// What the table holds, for tool descriptions.
    pub description: Option<&'static str>,
    /// No write tools are served for it.
    pub read_only: bool,
    /// SQLite only: the table has the implicit `rowid`, a stable key for paging when it has no
    /// primary key.
    pub rowid: bool,
    /// The columns, in the order of the struct's fields.
    pub columns: &'static [ColumnDef],
    /// The table's own foreign keys (those pointing at other tables).
    pub foreign_keys: &'static [ForeignKeyDef],
    /// Unique keys other than the primary key.
    pub unique_keys: &'static [UniqueKeyDef],
}

impl TableDef {
    /// Indexes into [`TableDef::columns`] of the primary key's columns, in key order.
    pub fn primary_key(&self) -> impl Iterator<Item = usize> + '_ {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, column)| column.primary_key)
            .map(|(index, _)| index)
    }

    /// The index of the column the database calls `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column.name == name)
    }
}

/// One column of a [`TableDef`].
#[derive(Debug)]
pub struct ColumnDef {
    /// The column's name as the database spells it; also its name in JSON.
    pub name: &'static str,
    /// The Rust field that holds it.
    pub field: &'static str,
    /// The column's SQL type as the database declares it.
    pub sql_type: Option<&'static str>,
    /// The field is an `Option`.
    pub nullable: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// The SQL default expression.
    pub default: Option<&'static str>,
    /// Filled in by the database (generated, identity or auto-increment column).
    pub generated: bool,
    /// What the column holds, for schemas.
    pub description: Option<&'static str>,
    /// The values the column may take (an enum type or a `CHECK (col IN (...))`).
    pub enum_values: &'static [&'static str],
    /// Read as text (`CAST(col AS TEXT)`): the column's type has no exact mapping.
    pub as_text: bool,
}

impl ColumnDef {
    /// Whether every clause reads the column as text (`CAST(col AS TEXT)`): an `as_text`
    /// column, and a MySQL `SET`, which would sort by its bit mask but compare as text.
    pub fn reads_as_text(&self) -> bool {
        self.as_text || self.sql_type_starts_with("SET(")
    }

    /// Whether the column is of an enum type of the database (a PostgreSQL enum, which is read
    /// as text; a MySQL `ENUM`), whose values sort in the order the type declares them rather
    /// than as text. A `CHECK (col IN (...))` on a text column is no such type.
    pub fn is_declared_enum(&self) -> bool {
        !self.enum_values.is_empty() && (self.as_text || self.sql_type_starts_with("ENUM("))
    }

    fn sql_type_starts_with(&self, prefix: &str) -> bool {
        self.sql_type.is_some_and(|sql_type| {
            sql_type
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        })
    }
}

/// A foreign key of a [`TableDef`].
#[derive(Debug)]
pub struct ForeignKeyDef {
    /// The constraint's name, when it has one.
    pub name: Option<&'static str>,
    /// The referencing columns of this table.
    pub columns: &'static [&'static str],
    /// The referenced table's schema, when it is not the default one.
    pub referenced_schema: Option<&'static str>,
    /// The referenced table.
    pub referenced_table: &'static str,
    /// The referenced columns, in the order of `columns`.
    pub referenced_columns: &'static [&'static str],
}

/// A unique key of a [`TableDef`].
#[derive(Debug)]
pub struct UniqueKeyDef {
    /// The constraint's or index's name, when it has one.
    pub name: Option<&'static str>,
    /// Its columns.
    pub columns: &'static [&'static str],
}

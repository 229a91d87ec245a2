//! What `#[derive(McpTable)]` produces: a static description of a table ([`TableDef`]) and a way
//! to reach the Rust type of each of its columns ([`McpTable::visit_column`]).
//!
//! Everything the runtime does with a column (read a value a client sent, bind it, decode it
//! from a row, describe its JSON Schema) goes through its field's type, reached with a
//! [`ColumnVisitor`], so one derive serves every backend. Every fact about a column that
//! changes SQL is data here: its [`ColumnKind`] (from the derive's attributes) and its
//! [`ValueKind`] and nullability (from its field's [`FieldType`]); the SQL type is only
//! described.

pub(crate) mod bounds;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A struct whose fields hold values of a database: a table's columns, a routine's parameters
/// and result columns. Both derives implement it.
pub trait FieldTypes: Send + Sync + 'static {
    /// Calls `visitor.visit::<F>()`, where `F` is the Rust type of field number `column` (in
    /// the order of [`TableDef::columns`]); `None` when there is no such field.
    fn visit_column<V: ColumnVisitor>(column: usize, visitor: V) -> Option<V::Output>;
}

/// A database table or view served as MCP tools.
///
/// Implement it with `#[derive(McpTable)]`; the attributes are documented on the derive.
pub trait McpTable: FieldTypes {
    /// The table's names, columns and keys, as the database spells them.
    const TABLE: &'static TableDef;

    /// The struct taken apart into its fields and put back together. Rows are read through
    /// the fields' types, not into the struct; this is what shows the compiler the struct
    /// is the row type it describes (built and read), so it warns of no dead fields.
    #[doc(hidden)]
    fn into_row(self) -> Self
    where
        Self: Sized;
}

/// An operation on a value of one column, generic over the column's Rust type.
///
/// The runtime uses visitors to read values, bind parameters, decode rows and describe columns
/// without knowing the struct.
pub trait ColumnVisitor {
    /// What the operation returns.
    type Output;
    /// Runs the operation with `F`, the column's Rust type.
    fn visit<F: FieldType>(self) -> Self::Output;
}

/// What kind of value a column's Rust type holds. It decides which filter operators apply to
/// the column, whether rows sort by it, and how a backend compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `true`/`false`.
    Boolean,
    /// Integers (JSON numbers).
    Integer,
    /// Floating-point numbers (JSON numbers).
    Float,
    /// Exact decimals (JSON strings).
    Decimal,
    /// Text.
    Text,
    /// UUIDs (JSON strings).
    Uuid,
    /// Calendar dates (`"2024-01-31"`).
    Date,
    /// Times of day (`"13:45:00"`).
    Time,
    /// Dates and times without time zone.
    Timestamp,
    /// Dates and times with a time zone or offset.
    TimestampTz,
    /// Binary data (base64 strings).
    Bytes,
    /// A number or a string, as stored (a SQLite column without a declared type).
    Scalar,
    /// Any JSON document.
    Json,
    /// An array (a PostgreSQL array).
    Array,
}

impl ValueKind {
    /// Whether rows can be sorted by values of this kind.
    pub fn is_sortable(self) -> bool {
        !matches!(self, ValueKind::Bytes | ValueKind::Json | ValueKind::Array)
    }

    /// Whether filters compare values of this kind by order (`gt`, `lt`, ...).
    pub fn is_ordered(self) -> bool {
        self.is_sortable() && self != ValueKind::Boolean
    }

    /// Whether values of this kind are compared for equality (`eq`, `in`, ...).
    pub fn is_comparable(self) -> bool {
        !matches!(self, ValueKind::Json | ValueKind::Array)
    }

    /// Whether `like` patterns apply to values of this kind.
    pub fn is_text(self) -> bool {
        matches!(self, ValueKind::Text | ValueKind::Scalar)
    }

    /// Whether values of this kind are dates or times.
    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            ValueKind::Date | ValueKind::Time | ValueKind::Timestamp | ValueKind::TimestampTz
        )
    }
}

/// How the database holds a column's values, where that changes the SQL that reads, compares
/// or sorts them. The derive's attributes say it; the generator writes them from its type map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Read, compared and sorted as its field's type.
    Plain,
    /// A fixed-length `char(n)`: values a client sends are compared as `char(n)` values, so
    /// trailing spaces do not count (`#[mcp(padded)]`).
    Padded,
    /// A type with no exact mapping: read, compared and sorted as the database's text of the
    /// value (`#[mcp(as_text)]`).
    AsText,
    /// A database enum type (a PostgreSQL enum, a MySQL `ENUM`): one of its labels, which sort
    /// and compare in the order the type declares them (`#[mcp(enum_type = [..])]`). On an
    /// array, the labels are its elements'.
    Enum(&'static [&'static str]),
    /// A MySQL `SET`: a comma-separated subset of its members, read, compared and sorted as
    /// text (`#[mcp(set = [..])]`).
    Set(&'static [&'static str]),
}

/// A Rust type that can hold a column's value: it is read and written with sqlx for every
/// enabled backend, and it is (de)serialized as the column's JSON value.
///
/// The runtime implements it for the types the generator uses (see the README's type table)
/// and for `Option` of each. A type that one enabled backend cannot read is left out: unsigned
/// integers when `postgres` is enabled (and `u64` when `sqlite` is), `DateTime<FixedOffset>` when `mysql` is, arrays unless
/// `postgres` is the only backend. For a type of your own that meets the bounds, one line
/// does: `impl mcpgen_runtime::FieldType for MyType {}` (its columns are then only tested for
/// NULL; set [`FieldType::VALUE`] to compare them).
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
    + bounds::SqliteField
    + bounds::PostgresField
    + bounds::MysqlField
{
    /// What kind of value it holds, which decides the column's filter operators and order.
    const VALUE: ValueKind = ValueKind::Json;

    /// Whether it holds SQL NULL (it is an `Option`).
    const NULLABLE: bool = false;

    /// The value as JSON. `f32` overrides it to send the shortest decimal that reads back as
    /// the same `f32` (`1.1`, not the `1.100000023841858` of its widening to `f64`).
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

impl FieldType for f32 {
    const VALUE: ValueKind = ValueKind::Float;

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
    ($kind:ident: $($ty:ty),* $(,)?) => {
        $(impl FieldType for $ty {
            const VALUE: ValueKind = ValueKind::$kind;
        })*
    };
}

field_types!(Boolean: bool);
field_types!(Integer: i8, i16, i32, i64);
field_types!(Float: f64);
field_types!(Text: String);
field_types!(Decimal: crate::types::Decimal);
field_types!(Bytes: crate::types::Bytes);
field_types!(Scalar: crate::types::AnyValue);
field_types!(Uuid: crate::types::Uuid);
field_types!(Date: chrono::NaiveDate);
field_types!(Time: chrono::NaiveTime);
field_types!(Timestamp: chrono::NaiveDateTime);
field_types!(TimestampTz: chrono::DateTime<chrono::Utc>);
field_types!(Json: serde_json::Value);

// PostgreSQL has no unsigned integers; SQLite's driver writes no `u64`.
#[cfg(not(feature = "postgres"))]
field_types!(Integer: u8, u16, u32);
#[cfg(not(any(feature = "postgres", feature = "sqlite")))]
field_types!(Integer: u64);

// MySQL's driver reads no time zone offsets.
#[cfg(not(feature = "mysql"))]
field_types!(TimestampTz: chrono::DateTime<chrono::FixedOffset>);

/// A PostgreSQL array, whose elements may be NULL.
#[cfg(all(feature = "postgres", not(any(feature = "sqlite", feature = "mysql"))))]
impl<T> FieldType for Vec<Option<T>>
where
    T: FieldType + sqlx::postgres::PgHasArrayType + for<'r> sqlx::Decode<'r, sqlx::Postgres>,
{
    const VALUE: ValueKind = ValueKind::Array;

    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.iter()
            .map(|element| element.to_json())
            .collect::<Result<_, _>>()
            .map(serde_json::Value::Array)
    }
}

impl<T: FieldType> FieldType for Option<T>
where
    Option<T>: bounds::SqliteField + bounds::PostgresField + bounds::MysqlField,
{
    const VALUE: ValueKind = T::VALUE;
    const NULLABLE: bool = true;

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
    /// The primary key: indexes into [`TableDef::columns`], in the key's order (empty: none).
    pub primary_key: &'static [usize],
    /// The table's own foreign keys (those pointing at other tables).
    pub foreign_keys: &'static [ForeignKeyDef],
    /// Unique keys other than the primary key.
    pub unique_keys: &'static [UniqueKeyDef],
}

impl TableDef {
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
    /// The column's SQL type as the database declares it: a description, which changes no
    /// SQL (that is [`ColumnDef::kind`]'s part).
    pub sql_type: Option<&'static str>,
    /// How the database holds its values, where that changes SQL.
    pub kind: ColumnKind,
    /// What kind of value its field's type holds ([`FieldType::VALUE`]).
    pub value: ValueKind,
    /// Its field's type holds NULL ([`FieldType::NULLABLE`]).
    pub nullable: bool,
    /// The SQL default expression.
    pub default: Option<&'static str>,
    /// Filled in by the database when an insert leaves it out (an identity, auto-increment or
    /// serial column): inserts may give it or not.
    pub generated: bool,
    /// Computed by the database (a generated column, an identity column `GENERATED
    /// ALWAYS`): never written.
    pub read_only: bool,
    /// What the column holds, for schemas.
    pub description: Option<&'static str>,
    /// The only values it may take, as a `CHECK (col IN (...))` says; they sort and compare
    /// as any value of its type.
    pub enum_values: &'static [&'static str],
}

impl ColumnDef {
    /// The values the column may take, in the order they are listed: an enum type's labels,
    /// else its `enum_values` (none for a `SET`, whose values are lists of members).
    pub fn allowed_values(&self) -> &'static [&'static str] {
        match self.kind {
            ColumnKind::Enum(labels) => labels,
            _ => self.enum_values,
        }
    }

    /// The labels of an enum type, in declaration order, when the column holds one label (not
    /// an array of them).
    pub fn enum_labels(&self) -> Option<&'static [&'static str]> {
        match self.kind {
            ColumnKind::Enum(labels) if self.value != ValueKind::Array => Some(labels),
            _ => None,
        }
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

//! The neutral schema model: what introspection of a live database and parsing of a DDL file
//! both produce, and what rendering consumes. Plain data with serde; no I/O.

use serde::{Deserialize, Serialize};

/// The SQL dialect a schema comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

impl Dialect {
    /// The schema a table without one lives in.
    pub fn default_schema(self) -> &'static str {
        match self {
            Dialect::Sqlite => "main",
            Dialect::Postgres => "public",
            Dialect::Mysql => "",
        }
    }

    /// The name users know it by.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL",
        }
    }

    /// The cargo feature of mcpgen-runtime that serves it.
    pub fn runtime_feature(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
        }
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Dialect::Sqlite),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            other => Err(format!(
                "unknown SQL dialect {other:?}; use postgres, mysql or sqlite"
            )),
        }
    }
}

/// A whole database schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Where it comes from.
    pub dialect: Dialect,
    /// The database's name, when known (the file's stem for SQLite and DDL files).
    pub database: Option<String>,
    /// Tables and views, ordered by schema then name.
    pub tables: Vec<Table>,
    /// Stored procedures and functions.
    pub routines: Vec<Routine>,
}

/// A table or a view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Its schema, `None` for the connection's default one.
    pub schema: Option<String>,
    /// Its name as the database spells it.
    pub name: String,
    /// Table or view.
    pub kind: TableKind,
    /// The table's comment.
    pub comment: Option<String>,
    /// Its columns, in declaration order.
    pub columns: Vec<Column>,
    /// Its primary key.
    pub primary_key: Option<Key>,
    /// Its foreign keys (pointing at other tables).
    pub foreign_keys: Vec<ForeignKey>,
    /// The foreign keys of other tables that point at it (filled by [`Schema::link`]).
    #[serde(default)]
    pub referenced_by: Vec<Reference>,
    /// Its unique keys other than the primary key.
    pub unique_keys: Vec<Key>,
    /// SQLite: the table has the implicit `rowid` (it is not `WITHOUT ROWID`).
    #[serde(default)]
    pub rowid: bool,
}

/// Whether a relation stores rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A base table.
    Table,
    /// A view.
    View,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Its name as the database spells it.
    pub name: String,
    /// Its type as declared, normalized by [`normalize_sql_type`] (empty when none).
    pub sql_type: String,
    /// What the type means, across databases.
    pub data_type: DataType,
    /// It may hold NULL.
    pub nullable: bool,
    /// Its default, as SQL text.
    pub default: Option<String>,
    /// The database fills it in when an insert leaves it out (identity, auto-increment or
    /// serial column), or always (a generated column).
    pub generated: bool,
    /// The database computes it: a generated column (`GENERATED ALWAYS AS (...)`, `AS (...)`)
    /// or an identity column `GENERATED ALWAYS`. It is never written.
    #[serde(default)]
    pub computed: bool,
    /// The only values it may take (`CHECK (col IN (...))` or an enum type).
    pub enum_values: Vec<String>,
    /// The column's comment.
    pub comment: Option<String>,
}

/// What a column's type means, independent of how a database spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataType {
    /// `true`/`false`.
    Boolean,
    /// An 8-bit integer (MySQL `TINYINT`).
    TinyInt,
    /// A 16-bit integer.
    SmallInt,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInt,
    /// MySQL `TINYINT UNSIGNED`.
    UnsignedTinyInt,
    /// MySQL `SMALLINT UNSIGNED`.
    UnsignedSmallInt,
    /// MySQL `MEDIUMINT UNSIGNED` and `INT UNSIGNED`.
    UnsignedInteger,
    /// MySQL `BIGINT UNSIGNED` and `BIT(n)`.
    UnsignedBigInt,
    /// MySQL `YEAR`.
    Year,
    /// A 32-bit float.
    Real,
    /// A 64-bit float.
    Double,
    /// An exact decimal number.
    Decimal {
        /// Total digits.
        precision: Option<u32>,
        /// Digits after the point.
        scale: Option<u32>,
    },
    /// Text.
    Text,
    /// Binary data.
    Bytes,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without time zone.
    Timestamp,
    /// A date and time with time zone.
    TimestampTz,
    /// A span of time (PostgreSQL `interval`), an ISO 8601 duration.
    Interval,
    /// A UUID.
    Uuid,
    /// An IP address or network (PostgreSQL `inet`/`cidr`, MariaDB `INET4`/`INET6`).
    Inet,
    /// One of a fixed list of strings: a PostgreSQL enum type, a MySQL `ENUM` (the values are
    /// the column's `enum_values`).
    Enum,
    /// MySQL `SET`: a comma-separated subset of the column's `enum_values`.
    Set,
    /// A PostgreSQL array of `element`.
    Array {
        /// The element type.
        element: Box<DataType>,
    },
    /// A JSON document.
    Json,
    /// SQLite: a column without a declared type, which holds a value of any storage class.
    Dynamic,
    /// A type with no exact mapping: served as text.
    Unknown,
}

/// A primary or unique key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The constraint's or index's name.
    pub name: Option<String>,
    /// Its columns, in key order.
    pub columns: Vec<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: Option<String>,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table's schema, `None` for the default one.
    pub referenced_schema: Option<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns, in the order of `columns`.
    pub referenced_columns: Vec<String>,
}

/// A foreign key of another table that points at this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The constraint's name.
    pub name: Option<String>,
    /// The referencing table's schema.
    pub schema: Option<String>,
    /// The referencing table.
    pub table: String,
    /// Its referencing columns.
    pub columns: Vec<String>,
    /// The columns of this table they point at.
    pub referenced_columns: Vec<String>,
}

/// A stored procedure or function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routine {
    /// Its schema, `None` for the default one.
    pub schema: Option<String>,
    /// Its name.
    pub name: String,
    /// Procedure or function.
    pub kind: RoutineKind,
    /// Its parameters, in order.
    pub parameters: Vec<Parameter>,
    /// What a function returns, as SQL text.
    pub returns: Option<String>,
    /// The routine's comment.
    pub comment: Option<String>,
}

/// Procedure or function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutineKind {
    /// Called with `CALL`.
    Procedure,
    /// Called in an expression.
    Function,
}

/// A routine's parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// `in`, `out` or `inout`.
    pub mode: String,
    /// Its type as declared.
    pub sql_type: String,
    /// What the type means.
    pub data_type: DataType,
}

/// A note about something that was skipped or approximated, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Where: `file:line`, `table.column`, ...
    pub location: String,
    /// What happened.
    pub message: String,
}

impl Warning {
    /// A warning at `location`.
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl Schema {
    /// Sorts tables by schema and name, and fills every table's `referenced_by`.
    pub fn link(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for table in &mut self.tables {
            table.referenced_by.clear();
        }
        let mut references = Vec::new();
        for table in &self.tables {
            for key in &table.foreign_keys {
                references.push((
                    (key.referenced_schema.clone(), key.referenced_table.clone()),
                    Reference {
                        name: key.name.clone(),
                        schema: table.schema.clone(),
                        table: table.name.clone(),
                        columns: key.columns.clone(),
                        referenced_columns: key.referenced_columns.clone(),
                    },
                ));
            }
        }
        for ((schema, name), reference) in references {
            if let Some(target) = self
                .tables
                .iter_mut()
                .find(|t| t.schema == schema && t.name == name)
            {
                target.referenced_by.push(reference);
            }
        }
    }

    /// The table called `name` in `schema`.
    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.schema.as_deref() == schema && t.name == name)
    }
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// `schema.name`, or `name` in the default schema.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A declared SQL type in one spelling: upper case, single spaces, no space inside
/// parentheses or around commas (`numeric (8, 2)` -> `NUMERIC(8,2)`).
pub fn normalize_sql_type(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(collapsed.len());
    for c in collapsed.chars() {
        match c {
            '(' | ')' | ',' => {
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push(c);
            }
            ' ' if out.ends_with(['(', ',']) => {}
            other => out.extend(other.to_uppercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_types_have_one_spelling() {
        assert_eq!(normalize_sql_type("numeric (8, 2)"), "NUMERIC(8,2)");
        assert_eq!(normalize_sql_type("NVARCHAR(160)"), "NVARCHAR(160)");
        assert_eq!(
            normalize_sql_type("  double   precision "),
            "DOUBLE PRECISION"
        );
        assert_eq!(normalize_sql_type(""), "");
    }
}

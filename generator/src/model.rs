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

/// A stored procedure or function, as a tool `call_R` serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routine {
    /// Its schema, `None` for the default one.
    pub schema: Option<String>,
    /// Its name as the database spells it.
    pub name: String,
    /// Procedure or function.
    pub kind: RoutineKind,
    /// The types of its arguments as the database lists them (`integer, text`): what tells
    /// overloads of one name apart.
    pub signature: String,
    /// Its parameters, in declaration order (IN, INOUT, OUT and VARIADIC alike).
    pub parameters: Vec<Parameter>,
    /// What a call gives back.
    pub returns: Returns,
    /// Whether it only reads: PostgreSQL `IMMUTABLE` or `STABLE`; MySQL `READS SQL DATA` or
    /// `NO SQL`. The others may write, and are served only with writes on.
    pub read_only: bool,
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
    /// Its name; `None` for an unnamed one (PostgreSQL), which `call_R` names `argN`.
    pub name: Option<String>,
    /// How values pass through it.
    pub mode: ParameterMode,
    /// Its type as declared, normalized like a column's.
    pub sql_type: String,
    /// What the type means.
    pub data_type: DataType,
    /// It has a default, so a call may leave it out (PostgreSQL).
    pub has_default: bool,
    /// The labels of its enum type (a PostgreSQL enum, a MySQL `ENUM`), in declaration order;
    /// the members of a MySQL `SET`.
    #[serde(default)]
    pub enum_values: Vec<String>,
}

/// How values pass through a routine's parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterMode {
    /// A value the call gives.
    In,
    /// A value the call gives and the routine gives back.
    InOut,
    /// A value the routine gives back.
    Out,
    /// PostgreSQL `VARIADIC`: any number of values, an array in `call_R`.
    Variadic,
}

/// What a call of a routine gives back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Returns {
    /// Nothing: a procedure without OUT parameters or result sets, a function returning
    /// `void`.
    Nothing,
    /// One value (a function's `RETURNS integer`).
    Value {
        /// Its type as declared.
        sql_type: String,
        /// What the type means.
        data_type: DataType,
        /// The labels of its enum type, or the members of its `SET`, as a parameter's.
        #[serde(default)]
        enum_values: Vec<String>,
    },
    /// Rows of known columns: `RETURNS TABLE (...)`, `SETOF` a table's or a composite type's
    /// rows, `SETOF` one type (one column, named after the function), or `SETOF record` with
    /// OUT parameters (its columns).
    Rows {
        /// The columns of each row, in order.
        columns: Vec<Column>,
    },
    /// The values of its OUT and INOUT parameters, once (a function with OUT parameters that
    /// is not a set; a procedure with OUT or INOUT ones).
    Out,
    /// Rows of result sets the routine's body decides (a MySQL procedure that `SELECT`s):
    /// their columns are known only when it runs.
    ResultSets,
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

impl Routine {
    /// `schema.name`, or `name` in the default schema.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
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
    let mut out = String::with_capacity(text.len());
    // A quoted name (`"My  Type"`) is kept as written: its case and spaces are part of it.
    let mut quoted = false;
    let mut space = false;
    for c in text.trim().chars() {
        if quoted {
            out.push(c);
            quoted = c != '"';
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let joins = matches!(c, '(' | ')' | ',');
        if space && !joins && !out.is_empty() && !out.ends_with(['(', ',']) {
            out.push(' ');
        }
        space = false;
        match c {
            '"' => {
                quoted = true;
                out.push(c);
            }
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
        assert_eq!(
            normalize_sql_type(" public.\"Mood  Type\"[] "),
            "PUBLIC.\"Mood  Type\"[]"
        );
    }
}

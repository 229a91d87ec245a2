//! Type mapping, in one place: a declared SQL type -> [`DataType`] (per dialect), and a
//! [`DataType`] -> the Rust type of the generated field (per dialect).

use crate::model::{DataType, Dialect};

/// What a declared type means. Live introspection and DDL parsing both call this, so they
/// agree. Types with no exact mapping give [`DataType::Unknown`] (served as text).
pub fn data_type(dialect: Dialect, declared: &str) -> DataType {
    match dialect {
        Dialect::Sqlite => sqlite_data_type(declared),
        Dialect::Postgres => postgres_data_type(declared),
        Dialect::Mysql => mysql_data_type(declared),
    }
}

/// SQLite: the well-known names first, then SQLite's own affinity rules
/// (<https://sqlite.org/datatype3.html#determination_of_column_affinity>).
fn sqlite_data_type(declared: &str) -> DataType {
    let upper = declared.trim().to_ascii_uppercase();
    let base = upper.split('(').next().unwrap_or_default().trim();
    match base {
        // A column without a type holds whatever is stored in it.
        "" => return DataType::Dynamic,
        "BOOLEAN" | "BOOL" => return DataType::Boolean,
        "DATE" => return DataType::Date,
        "TIME" => return DataType::Time,
        "DATETIME" | "TIMESTAMP" => return DataType::Timestamp,
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => return DataType::TimestampTz,
        "JSON" | "JSONB" => return DataType::Json,
        "DECIMAL" | "NUMERIC" | "MONEY" => {
            let (precision, scale) = precision_scale(&upper);
            return DataType::Decimal { precision, scale };
        }
        _ => {}
    }
    if upper.contains("INT") {
        DataType::BigInt
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        DataType::Text
    } else if upper.contains("BLOB") {
        DataType::Bytes
    } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
        DataType::Double
    } else {
        DataType::Unknown
    }
}

/// PostgreSQL: the built-in types, in every spelling PostgreSQL accepts (`int4`, `integer`,
/// `character varying`, `timestamp without time zone`, ...), and arrays of them (`TEXT[]`).
/// Enum types and domains are named by the schema, not here: introspection resolves them.
fn postgres_data_type(declared: &str) -> DataType {
    let upper = declared.trim().to_ascii_uppercase();
    if let Some(element) = upper.strip_suffix("[]") {
        let element = element.trim_end_matches("[]");
        return DataType::Array {
            element: Box::new(postgres_data_type(element)),
        };
    }
    if let Some(element) = upper.strip_prefix('_') {
        // The internal name of an array type (`_int4`).
        return DataType::Array {
            element: Box::new(postgres_data_type(element)),
        };
    }
    let base = upper.split('(').next().unwrap_or_default().trim();
    let base = base.strip_prefix("PG_CATALOG.").unwrap_or(base);
    match base {
        "BOOLEAN" | "BOOL" => DataType::Boolean,
        "SMALLINT" | "INT2" | "SMALLSERIAL" | "SERIAL2" => DataType::SmallInt,
        "INTEGER" | "INT" | "INT4" | "SERIAL" | "SERIAL4" => DataType::Integer,
        "BIGINT" | "INT8" | "BIGSERIAL" | "SERIAL8" => DataType::BigInt,
        "REAL" | "FLOAT4" => DataType::Real,
        "DOUBLE PRECISION" | "FLOAT8" => DataType::Double,
        // `float(p)`: single precision up to 24 bits of mantissa.
        "FLOAT" => match precision_scale(&upper).0 {
            Some(bits) if bits <= 24 => DataType::Real,
            _ => DataType::Double,
        },
        "DECIMAL" | "NUMERIC" => {
            let (precision, scale) = precision_scale(&upper);
            DataType::Decimal { precision, scale }
        }
        "TEXT" | "VARCHAR" | "CHARACTER VARYING" | "CHAR" | "CHARACTER" | "BPCHAR" | "NAME"
        | "CITEXT" => DataType::Text,
        "BYTEA" => DataType::Bytes,
        "DATE" => DataType::Date,
        "TIME" | "TIME WITHOUT TIME ZONE" => DataType::Time,
        "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => DataType::Timestamp,
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => DataType::TimestampTz,
        "INTERVAL" => DataType::Interval,
        "UUID" => DataType::Uuid,
        "JSON" | "JSONB" => DataType::Json,
        "INET" | "CIDR" => DataType::Inet,
        _ if base.starts_with("INTERVAL ") => DataType::Interval,
        _ if base.starts_with("TIMESTAMP") && base.ends_with("WITH TIME ZONE") => {
            DataType::TimestampTz
        }
        _ if base.starts_with("TIMESTAMP") && !base.contains("WITH TIME ZONE") => {
            DataType::Timestamp
        }
        _ => DataType::Unknown,
    }
}

/// MySQL and MariaDB, from a column's full type (`COLUMN_TYPE`: `int(10) unsigned`,
/// `tinyint(1)`, `enum('a','b')`, `decimal(5,2)`). `TINYINT(1)` (what `BOOLEAN` is) is a
/// boolean; display widths of other integers mean nothing.
fn mysql_data_type(declared: &str) -> DataType {
    let upper = declared.trim().to_ascii_uppercase();
    let unsigned = upper.contains(" UNSIGNED");
    let base = upper.split(['(', ' ']).next().unwrap_or_default().trim();
    let signed_or = |signed, unsigned_type| if unsigned { unsigned_type } else { signed };
    match base {
        "BOOLEAN" | "BOOL" => DataType::Boolean,
        "TINYINT" if upper.starts_with("TINYINT(1)") && !unsigned => DataType::Boolean,
        "TINYINT" | "INT1" => signed_or(DataType::TinyInt, DataType::UnsignedTinyInt),
        "SMALLINT" | "INT2" => signed_or(DataType::SmallInt, DataType::UnsignedSmallInt),
        "MEDIUMINT" | "INT3" | "MIDDLEINT" => {
            signed_or(DataType::Integer, DataType::UnsignedInteger)
        }
        "INT" | "INTEGER" | "INT4" => signed_or(DataType::Integer, DataType::UnsignedInteger),
        "BIGINT" | "INT8" => signed_or(DataType::BigInt, DataType::UnsignedBigInt),
        "SERIAL" => DataType::UnsignedBigInt,
        "BIT" => DataType::UnsignedBigInt,
        "YEAR" => DataType::Year,
        "FLOAT" => match precision_scale(&upper).0 {
            Some(bits) if bits > 24 => DataType::Double,
            _ => DataType::Real,
        },
        "DOUBLE" | "REAL" | "FLOAT8" => DataType::Double,
        "FLOAT4" => DataType::Real,
        "DECIMAL" | "NUMERIC" | "DEC" | "FIXED" => {
            let (precision, scale) = precision_scale(&upper);
            DataType::Decimal { precision, scale }
        }
        "CHAR" | "VARCHAR" | "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" | "NCHAR"
        | "NVARCHAR" | "NATIONAL" | "CHARACTER" | "LONG" => DataType::Text,
        "BINARY" | "VARBINARY" | "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB" => DataType::Bytes,
        "DATE" => DataType::Date,
        "TIME" => DataType::Time,
        "DATETIME" => DataType::Timestamp,
        "TIMESTAMP" => DataType::TimestampTz,
        "JSON" => DataType::Json,
        "ENUM" => DataType::Enum,
        "SET" => DataType::Set,
        "UUID" => DataType::Uuid,
        "INET4" | "INET6" => DataType::Inet,
        _ => DataType::Unknown,
    }
}

/// The values of `ENUM('a','b')` or `SET('a','b')`, unquoted (`''` is a quote).
pub fn mysql_enum_values(declared: &str) -> Vec<String> {
    let Some(open) = declared.find('(') else {
        return Vec::new();
    };
    let mut values = Vec::new();
    let mut chars = declared[open + 1..].chars().peekable();
    loop {
        match chars.next() {
            Some('\'') => {
                let mut value = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\'' if chars.peek() == Some(&'\'') => {
                            chars.next();
                            value.push('\'');
                        }
                        '\'' => break,
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        other => value.push(other),
                    }
                }
                values.push(value);
            }
            Some(')') | None => break,
            Some(_) => {}
        }
    }
    values
}

/// `(p, s)` of `NUMERIC(p, s)`.
fn precision_scale(upper: &str) -> (Option<u32>, Option<u32>) {
    let Some(inside) = upper
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(inside, _)| inside)
    else {
        return (None, None);
    };
    let mut numbers = inside.split(',').map(|n| n.trim().parse::<u32>().ok());
    (numbers.next().flatten(), numbers.next().flatten())
}

/// The Rust type of a generated field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustType {
    /// The type as written in the struct, without `Option`.
    pub name: String,
    /// The `use` it needs.
    pub import: Option<&'static str>,
    /// The column is read as text (`#[mcp(as_text)]`).
    pub as_text: bool,
}

impl RustType {
    fn plain(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            import: None,
            as_text: false,
        }
    }

    fn imported(name: &str, import: &'static str) -> Self {
        Self {
            import: Some(import),
            ..Self::plain(name)
        }
    }

    /// Text read with `CAST(col AS TEXT)`: the type has no Rust type of its own.
    fn text() -> Self {
        Self {
            as_text: true,
            ..Self::plain("String")
        }
    }
}

/// The Rust type a column of `data_type` is read into.
pub fn rust_type(dialect: Dialect, data_type: &DataType) -> RustType {
    use Dialect::{Mysql, Postgres, Sqlite};
    let plain = RustType::plain;
    let imported = RustType::imported;
    match (dialect, data_type) {
        (_, DataType::Boolean) => plain("bool"),
        // SQLite stores every integer in 64 bits.
        (
            Sqlite,
            DataType::TinyInt
            | DataType::SmallInt
            | DataType::Integer
            | DataType::BigInt
            | DataType::UnsignedTinyInt
            | DataType::UnsignedSmallInt
            | DataType::UnsignedInteger
            | DataType::UnsignedBigInt
            | DataType::Year,
        ) => plain("i64"),
        (Postgres, DataType::TinyInt) => plain("i16"),
        (_, DataType::TinyInt) => plain("i8"),
        (_, DataType::SmallInt) => plain("i16"),
        (_, DataType::Integer) => plain("i32"),
        (_, DataType::BigInt) => plain("i64"),
        // PostgreSQL has no unsigned integers: the next wider signed type holds them.
        (Postgres, DataType::UnsignedTinyInt) => plain("i16"),
        (Postgres, DataType::UnsignedSmallInt) => plain("i32"),
        (Postgres, DataType::UnsignedInteger | DataType::Year) => plain("i64"),
        (Postgres, DataType::UnsignedBigInt) => {
            imported("Decimal", "mcpgen_runtime::types::Decimal")
        }
        (_, DataType::UnsignedTinyInt) => plain("u8"),
        (_, DataType::UnsignedSmallInt | DataType::Year) => plain("u16"),
        (_, DataType::UnsignedInteger) => plain("u32"),
        (_, DataType::UnsignedBigInt) => plain("u64"),
        (Sqlite, DataType::Real) => plain("f64"),
        (_, DataType::Real) => plain("f32"),
        (_, DataType::Double) => plain("f64"),
        (_, DataType::Decimal { .. }) => imported("Decimal", "mcpgen_runtime::types::Decimal"),
        (_, DataType::Text) => plain("String"),
        (_, DataType::Bytes) => imported("Bytes", "mcpgen_runtime::types::Bytes"),
        (_, DataType::Date) => {
            imported("NaiveDate", "mcpgen_runtime::reexports::chrono::NaiveDate")
        }
        (_, DataType::Time) => {
            imported("NaiveTime", "mcpgen_runtime::reexports::chrono::NaiveTime")
        }
        (_, DataType::Timestamp) => imported(
            "NaiveDateTime",
            "mcpgen_runtime::reexports::chrono::NaiveDateTime",
        ),
        // SQLite keeps the offset the text was written with.
        (Sqlite, DataType::TimestampTz) => imported(
            "DateTime<FixedOffset>",
            "mcpgen_runtime::reexports::chrono::{DateTime, FixedOffset}",
        ),
        (_, DataType::TimestampTz) => imported(
            "DateTime<Utc>",
            "mcpgen_runtime::reexports::chrono::{DateTime, Utc}",
        ),
        (Postgres, DataType::Uuid) => imported("Uuid", "mcpgen_runtime::types::Uuid"),
        // SQLite and MySQL have no UUID type on the wire: UUIDs are text there.
        (_, DataType::Uuid) => plain("String"),
        (_, DataType::Json) => imported("Value", "mcpgen_runtime::reexports::serde_json::Value"),
        // MySQL sends ENUM and SET values as text.
        (Mysql, DataType::Enum | DataType::Set) => plain("String"),
        (Postgres, DataType::Array { element }) => match rust_type(dialect, element) {
            RustType {
                name,
                import,
                as_text: false,
            } if array_element(element) => RustType {
                name: format!("Vec<Option<{name}>>"),
                import,
                as_text: false,
            },
            _ => RustType::text(),
        },
        (_, DataType::Dynamic) => imported("AnyValue", "mcpgen_runtime::types::AnyValue"),
        // PostgreSQL intervals are read as ISO 8601 durations, enums and addresses as text.
        (
            _,
            DataType::Interval
            | DataType::Inet
            | DataType::Enum
            | DataType::Set
            | DataType::Array { .. }
            | DataType::Unknown,
        ) => RustType::text(),
    }
}

/// Element types of PostgreSQL arrays read as JSON arrays (others are read as text).
fn array_element(element: &DataType) -> bool {
    matches!(
        element,
        DataType::Boolean
            | DataType::SmallInt
            | DataType::Integer
            | DataType::BigInt
            | DataType::Real
            | DataType::Double
            | DataType::Decimal { .. }
            | DataType::Text
            | DataType::Bytes
            | DataType::Date
            | DataType::Time
            | DataType::Timestamp
            | DataType::TimestampTz
            | DataType::Uuid
            | DataType::Json
    )
}

/// Whether a column of `data_type` has no exact mapping and is served as its text (the
/// generator warns about each). Enums, intervals and addresses are text by design.
pub fn falls_back_to_text(dialect: Dialect, data_type: &DataType) -> bool {
    match data_type {
        DataType::Unknown => true,
        DataType::Array { .. } => rust_type(dialect, data_type).as_text,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_types_follow_affinity_after_known_names() {
        let t = |declared| sqlite_data_type(declared);
        assert_eq!(t("INTEGER"), DataType::BigInt);
        assert_eq!(t("tinyint(1)"), DataType::BigInt);
        assert_eq!(t("NVARCHAR(160)"), DataType::Text);
        assert_eq!(
            t("NUMERIC(10,2)"),
            DataType::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(t("DATETIME"), DataType::Timestamp);
        assert_eq!(t("date"), DataType::Date);
        assert_eq!(t("BOOLEAN"), DataType::Boolean);
        assert_eq!(t("BLOB"), DataType::Bytes);
        assert_eq!(t("DOUBLE PRECISION"), DataType::Double);
        assert_eq!(t("JSON"), DataType::Json);
        assert_eq!(t(""), DataType::Dynamic);
        assert_eq!(t("GEOMETRY"), DataType::Unknown);
    }
}

//! Type mapping, in one place: a declared SQL type -> [`DataType`] (per dialect), and a
//! [`DataType`] -> the Rust type of the generated field (per dialect).

use crate::model::{DataType, Dialect};

/// What a declared type means. Live introspection and DDL parsing both call this, so they
/// agree. Types with no exact mapping give [`DataType::Unknown`] (served as text).
pub fn data_type(dialect: Dialect, declared: &str) -> DataType {
    match dialect {
        Dialect::Sqlite => sqlite_data_type(declared),
        Dialect::Postgres | Dialect::Mysql => generic_data_type(declared),
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

/// The common names of PostgreSQL and MySQL types (their own mappings come with their
/// backends).
fn generic_data_type(declared: &str) -> DataType {
    let upper = declared.trim().to_ascii_uppercase();
    let base = upper.split('(').next().unwrap_or_default().trim();
    match base {
        "BOOLEAN" | "BOOL" => DataType::Boolean,
        "SMALLINT" | "INT2" => DataType::SmallInt,
        "INTEGER" | "INT" | "INT4" => DataType::Integer,
        "BIGINT" | "INT8" => DataType::BigInt,
        "REAL" | "FLOAT4" => DataType::Real,
        "DOUBLE PRECISION" | "DOUBLE" | "FLOAT8" | "FLOAT" => DataType::Double,
        "DECIMAL" | "NUMERIC" => {
            let (precision, scale) = precision_scale(&upper);
            DataType::Decimal { precision, scale }
        }
        "TEXT" | "VARCHAR" | "CHAR" | "CHARACTER VARYING" | "CHARACTER" => DataType::Text,
        "BYTEA" | "BLOB" => DataType::Bytes,
        "DATE" => DataType::Date,
        "TIME" => DataType::Time,
        "TIMESTAMP" | "DATETIME" => DataType::Timestamp,
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => DataType::TimestampTz,
        "UUID" => DataType::Uuid,
        "JSON" | "JSONB" => DataType::Json,
        _ => DataType::Unknown,
    }
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
    pub name: &'static str,
    /// The `use` it needs.
    pub import: Option<&'static str>,
    /// The column is read as text (`#[mcp(as_text)]`).
    pub as_text: bool,
}

/// The Rust type a column of `data_type` is read into.
pub fn rust_type(dialect: Dialect, data_type: &DataType) -> RustType {
    let plain = |name| RustType {
        name,
        import: None,
        as_text: false,
    };
    let imported = |name, import| RustType {
        name,
        import: Some(import),
        as_text: false,
    };
    match (dialect, data_type) {
        (_, DataType::Boolean) => plain("bool"),
        // SQLite stores every integer in 64 bits.
        (Dialect::Sqlite, DataType::SmallInt | DataType::Integer | DataType::BigInt) => {
            plain("i64")
        }
        (_, DataType::SmallInt) => plain("i16"),
        (_, DataType::Integer) => plain("i32"),
        (_, DataType::BigInt) => plain("i64"),
        (Dialect::Sqlite, DataType::Real) => plain("f64"),
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
        (_, DataType::TimestampTz) => imported(
            "DateTime<FixedOffset>",
            "mcpgen_runtime::reexports::chrono::{DateTime, FixedOffset}",
        ),
        // SQLite has no UUID type: UUIDs are text there.
        (Dialect::Sqlite, DataType::Uuid) => plain("String"),
        (_, DataType::Uuid) => plain("String"),
        (_, DataType::Json) => imported("Value", "mcpgen_runtime::reexports::serde_json::Value"),
        (_, DataType::Dynamic) => imported("AnyValue", "mcpgen_runtime::types::AnyValue"),
        (_, DataType::Unknown) => RustType {
            name: "String",
            import: None,
            as_text: true,
        },
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

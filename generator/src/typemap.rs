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
    // Without its modifiers, wherever they are: `TIMESTAMP(3) WITH TIME ZONE` is a
    // `TIMESTAMP WITH TIME ZONE`.
    let unmodified = match (upper.find('('), upper.find(')')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{}", upper[..open].trim_end(), &upper[close + 1..])
        }
        _ => upper.clone(),
    };
    let base = unmodified.trim();
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

/// MySQL and MariaDB: the one spelling of a column type, the same for a type as the server
/// reports it (`COLUMN_TYPE`: `smallint(5) unsigned`, `varchar(45)`, `year(4)`) and as a DDL
/// file declares it (`SMALLINT UNSIGNED`, `NVARCHAR(45)`, `YEAR`), the form of
/// [`crate::model::normalize_sql_type`] except that `ENUM`/`SET` values keep their case:
///
/// - synonyms become the type the server creates: `BOOLEAN` -> `TINYINT(1)`, `INTEGER` ->
///   `INT`, `NUMERIC(7)` -> `DECIMAL(7,0)`, `REAL` and `FLOAT(30)` -> `DOUBLE`, `NVARCHAR(5)`
///   -> `VARCHAR(5)`, `CHAR` -> `CHAR(1)`, `LONG VARCHAR` -> `MEDIUMTEXT`, `BLOB(100)` ->
///   `TINYBLOB`, `SERIAL` -> `BIGINT UNSIGNED`;
/// - integer display widths (which MariaDB and MySQL 5.7 print, and MySQL 8 does not) are
///   dropped, except `TINYINT(1)`, which means a boolean; `YEAR(4)` is `YEAR`;
/// - character set, collation and `BINARY` attributes are dropped; `UNSIGNED` and `ZEROFILL`
///   (which implies `UNSIGNED`) stay.
///
/// `TEXT(n)` is sized for `utf8mb4` (4 bytes a character), the default character set of
/// MariaDB 10.11 and MySQL 8.
pub fn mysql_column_type(declared: &str) -> String {
    let parts = mysql_type_parts(declared);
    let mut base_words: Vec<String> = Vec::new();
    let mut args: Option<String> = None;
    let (mut unsigned, mut zerofill) = (false, false);
    let mut in_attributes = false;
    let mut index = 0;
    while index < parts.len() {
        match &parts[index] {
            TypePart::Group(group) if args.is_none() && !in_attributes => {
                args = Some(group.clone());
                in_attributes = true;
            }
            TypePart::Group(_) => {}
            TypePart::Word(word) => {
                let upper = word.to_ascii_uppercase();
                let next_is_set = matches!(
                    parts.get(index + 1),
                    Some(TypePart::Word(next)) if next.eq_ignore_ascii_case("SET")
                );
                let attribute = !base_words.is_empty()
                    && (matches!(
                        upper.as_str(),
                        "UNSIGNED"
                            | "SIGNED"
                            | "ZEROFILL"
                            | "BINARY"
                            | "ASCII"
                            | "UNICODE"
                            | "BYTE"
                            | "CHARSET"
                            | "COLLATE"
                    ) || (upper == "CHARACTER" && next_is_set));
                if attribute || in_attributes {
                    in_attributes = true;
                    match upper.as_str() {
                        "UNSIGNED" => unsigned = true,
                        "ZEROFILL" => zerofill = true,
                        // The name that follows is the character set or collation.
                        "CHARSET" | "COLLATE" => index += 1,
                        "CHARACTER" if next_is_set => index += 2,
                        _ => {}
                    }
                } else {
                    base_words.push(upper);
                }
            }
        }
        index += 1;
    }
    let base = base_words.join(" ");
    if base == "ENUM" || base == "SET" {
        let values = mysql_enum_values(&format!("({})", args.unwrap_or_default()));
        let quoted: Vec<String> = values
            .iter()
            .map(|value| format!("'{}'", value.trim_end_matches(' ').replace('\'', "''")))
            .collect();
        return format!("{base}({})", quoted.join(","));
    }
    let args = args.map(|args| args.split_whitespace().collect::<String>());
    let args = args.as_deref().filter(|args| !args.is_empty());
    let number = |text: Option<&str>| text.and_then(|t| t.parse::<u64>().ok());
    let (name, args): (&str, Option<String>) = match base.as_str() {
        "BOOL" | "BOOLEAN" => ("TINYINT", Some("1".to_owned())),
        "TINYINT" | "INT1" => {
            let boolean = args == Some("1") && !zerofill;
            ("TINYINT", boolean.then(|| "1".to_owned()))
        }
        "SMALLINT" | "INT2" => ("SMALLINT", None),
        "MEDIUMINT" | "INT3" | "MIDDLEINT" => ("MEDIUMINT", None),
        "INT" | "INTEGER" | "INT4" => ("INT", None),
        "BIGINT" | "INT8" => ("BIGINT", None),
        "SERIAL" => {
            unsigned = true;
            ("BIGINT", None)
        }
        "DECIMAL" | "DEC" | "NUMERIC" | "FIXED" => {
            let args = match args {
                None => "10,0".to_owned(),
                Some(args) if !args.contains(',') => format!("{args},0"),
                Some(args) => args.to_owned(),
            };
            ("DECIMAL", Some(args))
        }
        "FLOAT" | "FLOAT4" => match args {
            Some(args) if args.contains(',') => ("FLOAT", Some(args.to_owned())),
            Some(bits) if number(Some(bits)).is_some_and(|bits| bits > 24) => ("DOUBLE", None),
            _ => ("FLOAT", None),
        },
        "DOUBLE" | "DOUBLE PRECISION" | "REAL" | "FLOAT8" => (
            "DOUBLE",
            args.filter(|a| a.contains(',')).map(str::to_owned),
        ),
        "CHAR" | "CHARACTER" | "NCHAR" | "NATIONAL CHAR" | "NATIONAL CHARACTER" => {
            ("CHAR", Some(args.unwrap_or("1").to_owned()))
        }
        "VARCHAR" | "NVARCHAR" | "VARCHARACTER" | "NATIONAL VARCHAR" | "NCHAR VARCHAR" => {
            ("VARCHAR", args.map(str::to_owned))
        }
        _ if base.ends_with(" VARYING") && !base.starts_with("LONG ") => {
            ("VARCHAR", args.map(str::to_owned))
        }
        "BINARY" => ("BINARY", Some(args.unwrap_or("1").to_owned())),
        "BIT" => ("BIT", Some(args.unwrap_or("1").to_owned())),
        "LONG" | "LONG VARCHAR" | "LONG CHAR VARYING" => ("MEDIUMTEXT", None),
        "LONG VARBINARY" => ("MEDIUMBLOB", None),
        "TEXT" => match number(args) {
            Some(chars) => (sized_type(chars.saturating_mul(4), "TEXT"), None),
            None => ("TEXT", None),
        },
        "BLOB" => match number(args) {
            Some(bytes) => (sized_type(bytes, "BLOB"), None),
            None => ("BLOB", None),
        },
        "YEAR" => ("YEAR", None),
        "TIME" | "DATETIME" | "TIMESTAMP" => {
            (base.as_str(), args.filter(|a| *a != "0").map(str::to_owned))
        }
        _ => (base.as_str(), args.map(str::to_ascii_uppercase)),
    };
    let is_integer = matches!(
        name,
        "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT"
    );
    let mut out = name.to_owned();
    if let Some(args) = args {
        out.push('(');
        out.push_str(&args);
        out.push(')');
    }
    let numeric = is_integer || matches!(name, "DECIMAL" | "FLOAT" | "DOUBLE");
    if numeric && (unsigned || zerofill) {
        out.push_str(" UNSIGNED");
    }
    if numeric && zerofill {
        out.push_str(" ZEROFILL");
    }
    out
}

/// The smallest of `TINY*`, `*`, `MEDIUM*` and `LONG*` `kind` (`TEXT` or `BLOB`) that holds
/// `bytes`.
fn sized_type(bytes: u64, kind: &str) -> &'static str {
    match (bytes, kind) {
        (0..=255, "TEXT") => "TINYTEXT",
        (0..=255, _) => "TINYBLOB",
        (256..=65_535, "TEXT") => "TEXT",
        (256..=65_535, _) => "BLOB",
        (65_536..=16_777_215, "TEXT") => "MEDIUMTEXT",
        (65_536..=16_777_215, _) => "MEDIUMBLOB",
        (_, "TEXT") => "LONGTEXT",
        _ => "LONGBLOB",
    }
}

/// A word or a parenthesized group (its inside, as written) of a MySQL column type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TypePart {
    Word(String),
    Group(String),
}

/// The words and groups of a MySQL column type; quoted text outside a group (a quoted
/// collation name) is skipped.
fn mysql_type_parts(text: &str) -> Vec<TypePart> {
    let mut parts = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '(' {
            let mut depth = 1usize;
            let mut quote: Option<char> = None;
            let mut end = text.len();
            while let Some((at, c)) = chars.next() {
                match (quote, c) {
                    (Some(_), '\\') => {
                        chars.next();
                    }
                    (Some(open), _) if c == open => {
                        if chars.peek().is_some_and(|(_, next)| *next == open) {
                            chars.next();
                        } else {
                            quote = None;
                        }
                    }
                    (Some(_), _) => {}
                    (None, '\'' | '"') => quote = Some(c),
                    (None, '(') => depth += 1,
                    (None, ')') => {
                        depth -= 1;
                        if depth == 0 {
                            end = at;
                            break;
                        }
                    }
                    (None, _) => {}
                }
            }
            parts.push(TypePart::Group(
                text.get(start + 1..end).unwrap_or_default().to_owned(),
            ));
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let mut word = String::from(c);
            while let Some((_, next)) = chars.peek() {
                if next.is_ascii_alphanumeric() || *next == '_' {
                    word.push(*next);
                    chars.next();
                } else {
                    break;
                }
            }
            parts.push(TypePart::Word(word));
        } else if matches!(c, '\'' | '"' | '`') {
            for (_, next) in chars.by_ref() {
                if next == c {
                    break;
                }
            }
        }
    }
    parts
}

/// `(p, s)` of `NUMERIC(p, s)`: the numbers in a type's first parentheses.
pub(crate) fn precision_scale(upper: &str) -> (Option<u32>, Option<u32>) {
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

/// The `use` of the derive, at the top of every table module.
pub const DERIVE_IMPORT: &str = "mcpgen_runtime::McpTable";
/// The `use` of a routine module's derive.
pub const PROCEDURE_IMPORT: &str = "mcpgen_runtime::McpProcedure";

const DECIMAL: &str = "mcpgen_runtime::types::Decimal";
const BYTES: &str = "mcpgen_runtime::types::Bytes";
const UUID: &str = "mcpgen_runtime::types::Uuid";
const ANY_VALUE: &str = "mcpgen_runtime::types::AnyValue";
const NAIVE_DATE: &str = "mcpgen_runtime::reexports::chrono::NaiveDate";
const NAIVE_TIME: &str = "mcpgen_runtime::reexports::chrono::NaiveTime";
const NAIVE_DATE_TIME: &str = "mcpgen_runtime::reexports::chrono::NaiveDateTime";
const DATE_TIME_UTC: &str = "mcpgen_runtime::reexports::chrono::{DateTime, Utc}";
const JSON_VALUE: &str = "mcpgen_runtime::reexports::serde_json::Value";

/// Every `use` a field's type may need: the only imports of a table module beside
/// [`DERIVE_IMPORT`]. [`rust_type`] takes its imports from here, and the naming rules keep
/// struct names clear of [`imported_names`].
pub const IMPORTS: &[&str] = &[
    DECIMAL,
    BYTES,
    UUID,
    ANY_VALUE,
    NAIVE_DATE,
    NAIVE_TIME,
    NAIVE_DATE_TIME,
    DATE_TIME_UTC,
    JSON_VALUE,
];

/// The names that [`DERIVE_IMPORT`], [`PROCEDURE_IMPORT`] and [`IMPORTS`] bring into a table's
/// or routine's module (`Decimal`, `DateTime`, `Utc`, ...): a struct of that name would clash
/// with its import.
pub fn imported_names() -> impl Iterator<Item = &'static str> {
    [DERIVE_IMPORT, PROCEDURE_IMPORT]
        .into_iter()
        .chain(IMPORTS.iter().copied())
        .flat_map(|path| {
            let (_, last) = path.rsplit_once("::").unwrap_or(("", path));
            last.trim_matches(|c| c == '{' || c == '}')
                .split(',')
                .map(str::trim)
        })
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
        (Postgres, DataType::UnsignedBigInt) => imported("Decimal", DECIMAL),
        (_, DataType::UnsignedTinyInt) => plain("u8"),
        (_, DataType::UnsignedSmallInt | DataType::Year) => plain("u16"),
        (_, DataType::UnsignedInteger) => plain("u32"),
        (_, DataType::UnsignedBigInt) => plain("u64"),
        (Sqlite, DataType::Real) => plain("f64"),
        (_, DataType::Real) => plain("f32"),
        (_, DataType::Double) => plain("f64"),
        (_, DataType::Decimal { .. }) => imported("Decimal", DECIMAL),
        (_, DataType::Text) => plain("String"),
        (_, DataType::Bytes) => imported("Bytes", BYTES),
        (_, DataType::Date) => imported("NaiveDate", NAIVE_DATE),
        // MySQL's TIME is a signed span of up to 838 hours, not a time of day: its text.
        (Mysql, DataType::Time) => RustType::text(),
        (_, DataType::Time) => imported("NaiveTime", NAIVE_TIME),
        (_, DataType::Timestamp) => imported("NaiveDateTime", NAIVE_DATE_TIME),
        (_, DataType::TimestampTz) => imported("DateTime<Utc>", DATE_TIME_UTC),
        (Postgres, DataType::Uuid) => imported("Uuid", UUID),
        // SQLite and MySQL have no UUID type on the wire: UUIDs are text there.
        (_, DataType::Uuid) => plain("String"),
        (_, DataType::Json) => imported("Value", JSON_VALUE),
        // Enum labels and SET values are text; the column's kind says how they compare.
        (_, DataType::Enum | DataType::Set) => plain("String"),
        // An enum's binary form is its label: an array of enums reads as an array of text.
        (Postgres, DataType::Array { element }) if **element == DataType::Enum => {
            plain("Vec<Option<String>>")
        }
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
        (_, DataType::Dynamic) => imported("AnyValue", ANY_VALUE),
        // PostgreSQL intervals are read as ISO 8601 durations, addresses as text.
        (_, DataType::Interval | DataType::Inet | DataType::Array { .. } | DataType::Unknown) => {
            RustType::text()
        }
    }
}

/// How the database holds a column's values, where that changes the SQL that reads, compares
/// or sorts them: the `#[mcp(...)]` kind attribute of its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    /// Nothing to say: read, compared and sorted as its Rust type.
    Plain,
    /// PostgreSQL `char(n)`: compared as `char(n)`, trailing spaces not counting (`padded`).
    Padded,
    /// Read, compared and sorted as the database's text of the value (`as_text`).
    AsText,
    /// An enum type's labels in declaration order (`enum_type = [..]`); an enum array's
    /// elements'.
    Enum(Vec<String>),
    /// A MySQL `SET`'s members (`set = [..]`).
    Set(Vec<String>),
}

/// The kind of a column of `data_type`, declared `sql_type`, that may take `enum_values`.
pub fn column_kind(
    dialect: Dialect,
    sql_type: &str,
    data_type: &DataType,
    enum_values: &[String],
) -> ColumnKind {
    match data_type {
        DataType::Enum => ColumnKind::Enum(enum_values.to_vec()),
        DataType::Array { element } if **element == DataType::Enum => {
            ColumnKind::Enum(enum_values.to_vec())
        }
        DataType::Set => ColumnKind::Set(enum_values.to_vec()),
        DataType::Text if dialect == Dialect::Postgres && is_padded_char(sql_type) => {
            ColumnKind::Padded
        }
        _ if rust_type(dialect, data_type).as_text => ColumnKind::AsText,
        _ => ColumnKind::Plain,
    }
}

/// Whether a PostgreSQL type is `char(n)` (`CHARACTER(n)`, `CHAR`, `BPCHAR`), whose values are
/// padded to their length with spaces that comparisons ignore.
fn is_padded_char(sql_type: &str) -> bool {
    let upper = sql_type.trim().to_ascii_uppercase();
    let base = upper.split('(').next().unwrap_or_default().trim();
    let base = base.strip_prefix("PG_CATALOG.").unwrap_or(base);
    matches!(base, "CHAR" | "CHARACTER" | "BPCHAR") && !upper.ends_with("[]")
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

    /// One of each kind of data type, arrays of each included.
    fn every_data_type() -> Vec<DataType> {
        let scalars = vec![
            DataType::Boolean,
            DataType::TinyInt,
            DataType::SmallInt,
            DataType::Integer,
            DataType::BigInt,
            DataType::UnsignedTinyInt,
            DataType::UnsignedSmallInt,
            DataType::UnsignedInteger,
            DataType::UnsignedBigInt,
            DataType::Year,
            DataType::Real,
            DataType::Double,
            DataType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            DataType::Text,
            DataType::Bytes,
            DataType::Date,
            DataType::Time,
            DataType::Timestamp,
            DataType::TimestampTz,
            DataType::Interval,
            DataType::Uuid,
            DataType::Inet,
            DataType::Enum,
            DataType::Set,
            DataType::Json,
            DataType::Dynamic,
            DataType::Unknown,
        ];
        // A new kind of data type fails to compile here until it is added above.
        for data_type in &scalars {
            match data_type {
                DataType::Boolean
                | DataType::TinyInt
                | DataType::SmallInt
                | DataType::Integer
                | DataType::BigInt
                | DataType::UnsignedTinyInt
                | DataType::UnsignedSmallInt
                | DataType::UnsignedInteger
                | DataType::UnsignedBigInt
                | DataType::Year
                | DataType::Real
                | DataType::Double
                | DataType::Decimal { .. }
                | DataType::Text
                | DataType::Bytes
                | DataType::Date
                | DataType::Time
                | DataType::Timestamp
                | DataType::TimestampTz
                | DataType::Interval
                | DataType::Uuid
                | DataType::Inet
                | DataType::Enum
                | DataType::Set
                | DataType::Array { .. }
                | DataType::Json
                | DataType::Dynamic
                | DataType::Unknown => {}
            }
        }
        let arrays = scalars.iter().map(|element| DataType::Array {
            element: Box::new(element.clone()),
        });
        scalars.iter().cloned().chain(arrays).collect()
    }

    #[test]
    fn every_import_of_a_field_type_is_one_of_the_listed_imports() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            for data_type in every_data_type() {
                if let Some(import) = rust_type(dialect, &data_type).import {
                    assert!(
                        IMPORTS.contains(&import),
                        "{dialect:?} {data_type:?}: {import}"
                    );
                }
            }
        }
    }

    #[test]
    fn imported_names_are_the_last_segments_of_the_imports() {
        let names: Vec<&str> = imported_names().collect();
        for name in [
            "McpTable",
            "Decimal",
            "Bytes",
            "Uuid",
            "AnyValue",
            "DateTime",
            "Utc",
            "Value",
            "NaiveDate",
        ] {
            assert!(names.contains(&name), "{name} is missing from {names:?}");
        }
        assert!(
            names
                .iter()
                .all(|name| name.chars().all(char::is_alphanumeric)),
            "{names:?}"
        );
    }

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

    #[test]
    fn mysql_column_types_have_the_servers_spelling() {
        let t = mysql_column_type;
        // What MariaDB 10.11 reports in COLUMN_TYPE, and what DDL files declare.
        assert_eq!(t("smallint(5) unsigned"), "SMALLINT UNSIGNED");
        assert_eq!(t("SMALLINT UNSIGNED"), "SMALLINT UNSIGNED");
        assert_eq!(t("int(11)"), "INT");
        assert_eq!(t("integer"), "INT");
        assert_eq!(t("int(4) unsigned zerofill"), "INT UNSIGNED ZEROFILL");
        assert_eq!(t("INT(4) ZEROFILL"), "INT UNSIGNED ZEROFILL");
        assert_eq!(t("tinyint(1)"), "TINYINT(1)");
        assert_eq!(t("BOOLEAN"), "TINYINT(1)");
        assert_eq!(t("bool"), "TINYINT(1)");
        assert_eq!(t("tinyint(4)"), "TINYINT");
        assert_eq!(t("int1"), "TINYINT");
        assert_eq!(t("middleint"), "MEDIUMINT");
        assert_eq!(t("bigint(20) unsigned"), "BIGINT UNSIGNED");
        assert_eq!(t("SERIAL"), "BIGINT UNSIGNED");
        assert_eq!(t("decimal(5,2)"), "DECIMAL(5,2)");
        assert_eq!(t("NUMERIC (5, 2)"), "DECIMAL(5,2)");
        assert_eq!(t("decimal"), "DECIMAL(10,0)");
        assert_eq!(t("numeric(7)"), "DECIMAL(7,0)");
        assert_eq!(t("DECIMAL(10,2) UNSIGNED"), "DECIMAL(10,2) UNSIGNED");
        assert_eq!(t("float(30)"), "DOUBLE");
        assert_eq!(t("float(10)"), "FLOAT");
        assert_eq!(t("float(7,4)"), "FLOAT(7,4)");
        assert_eq!(t("real"), "DOUBLE");
        assert_eq!(t("double precision"), "DOUBLE");
        assert_eq!(t("NVARCHAR(160)"), "VARCHAR(160)");
        assert_eq!(t("national character varying(5)"), "VARCHAR(5)");
        assert_eq!(t("VARCHAR(40) BINARY"), "VARCHAR(40)");
        assert_eq!(
            t("varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
            "VARCHAR(10)"
        );
        assert_eq!(t("varchar(10) charset latin1"), "VARCHAR(10)");
        assert_eq!(t("nchar(3)"), "CHAR(3)");
        assert_eq!(t("char"), "CHAR(1)");
        assert_eq!(t("binary"), "BINARY(1)");
        assert_eq!(t("binary(16)"), "BINARY(16)");
        assert_eq!(t("varbinary(4)"), "VARBINARY(4)");
        assert_eq!(t("long varchar"), "MEDIUMTEXT");
        assert_eq!(t("text(100)"), "TEXT");
        assert_eq!(t("text(10)"), "TINYTEXT");
        assert_eq!(t("blob(100)"), "TINYBLOB");
        assert_eq!(t("longtext"), "LONGTEXT");
        assert_eq!(t("year(4)"), "YEAR");
        assert_eq!(t("YEAR"), "YEAR");
        assert_eq!(t("bit"), "BIT(1)");
        assert_eq!(t("bit(3)"), "BIT(3)");
        assert_eq!(t("datetime(3)"), "DATETIME(3)");
        assert_eq!(t("timestamp(0)"), "TIMESTAMP");
        assert_eq!(t("geometry"), "GEOMETRY");
        assert_eq!(t("json"), "JSON");
        assert_eq!(t("enum('G','PG','PG-13')"), "ENUM('G','PG','PG-13')");
        assert_eq!(t("ENUM('a', 'b c' , 'it''s')"), "ENUM('a','b c','it''s')");
        assert_eq!(
            t("set('Trailers','Deleted Scenes')"),
            "SET('Trailers','Deleted Scenes')"
        );
        // Apart from enum values, the spelling is normalize_sql_type's.
        for declared in [
            "smallint(5) unsigned",
            "decimal",
            "nvarchar(3)",
            "float(7, 4)",
        ] {
            let spelled = t(declared);
            assert_eq!(crate::model::normalize_sql_type(&spelled), spelled);
        }
    }

    #[test]
    fn mysql_canonical_types_keep_their_meaning() {
        let t = |declared| data_type(Dialect::Mysql, &mysql_column_type(declared));
        assert_eq!(t("tinyint(1)"), DataType::Boolean);
        assert_eq!(t("BOOLEAN"), DataType::Boolean);
        assert_eq!(t("tinyint(3) unsigned"), DataType::UnsignedTinyInt);
        assert_eq!(t("smallint(5) unsigned"), DataType::UnsignedSmallInt);
        assert_eq!(t("mediumint(8) unsigned"), DataType::UnsignedInteger);
        assert_eq!(t("year(4)"), DataType::Year);
        assert_eq!(t("SERIAL"), DataType::UnsignedBigInt);
        assert_eq!(t("float(30)"), DataType::Double);
        assert_eq!(
            t("numeric(7)"),
            DataType::Decimal {
                precision: Some(7),
                scale: Some(0)
            }
        );
        assert_eq!(t("long varchar"), DataType::Text);
        assert_eq!(t("blob(100)"), DataType::Bytes);
        assert_eq!(t("enum('a')"), DataType::Enum);
        assert_eq!(t("set('a')"), DataType::Set);
    }

    #[test]
    fn kinds_follow_the_type() {
        let labels = vec!["a".to_owned(), "b".to_owned()];
        let kind =
            |dialect, sql_type, data_type| column_kind(dialect, sql_type, &data_type, &labels);
        assert_eq!(
            kind(Dialect::Postgres, "MOOD", DataType::Enum),
            ColumnKind::Enum(labels.clone())
        );
        assert_eq!(
            kind(Dialect::Mysql, "SET('a','b')", DataType::Set),
            ColumnKind::Set(labels.clone())
        );
        assert_eq!(
            kind(Dialect::Postgres, "CHARACTER(3)", DataType::Text),
            ColumnKind::Padded
        );
        assert_eq!(
            kind(Dialect::Postgres, "BPCHAR", DataType::Text),
            ColumnKind::Padded
        );
        assert_eq!(
            kind(Dialect::Mysql, "CHAR(3)", DataType::Text),
            ColumnKind::Plain
        );
        assert_eq!(
            kind(Dialect::Postgres, "CHARACTER VARYING(3)", DataType::Text),
            ColumnKind::Plain
        );
        assert_eq!(
            kind(Dialect::Postgres, "MONEY", DataType::Unknown),
            ColumnKind::AsText
        );
        assert_eq!(
            kind(Dialect::Sqlite, "TEXT", DataType::Text),
            ColumnKind::Plain
        );
    }

    #[test]
    fn postgres_types_are_read_without_their_modifiers() {
        let t = |declared| postgres_data_type(declared);
        assert_eq!(t("TIMESTAMP(3) WITH TIME ZONE"), DataType::TimestampTz);
        assert_eq!(t("TIMESTAMP(3) WITHOUT TIME ZONE"), DataType::Timestamp);
        assert_eq!(t("TIME(2) WITHOUT TIME ZONE"), DataType::Time);
        assert_eq!(t("CHARACTER VARYING(45)"), DataType::Text);
        assert_eq!(t("INTERVAL DAY TO SECOND(3)"), DataType::Interval);
        assert_eq!(
            t("NUMERIC(10,2)"),
            DataType::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(
            t("CHARACTER VARYING(5)[]"),
            DataType::Array {
                element: Box::new(DataType::Text)
            }
        );
    }
}

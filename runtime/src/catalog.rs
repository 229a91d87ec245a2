//! The tables a server serves, ready for requests: each [`TableDef`] with its columns' JSON
//! Schemas and value kinds, the foreign keys that point at it, and the key its pages follow.

use std::collections::HashMap;
use std::marker::PhantomData;

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::table::{ColumnDef, ColumnVisitor, FieldType, McpTable, TableDef};

/// A mistake in the set of tables given to a server.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// Two tables would serve tools of the same name.
    #[error(
        "tables {first:?} and {second:?} would both serve tools named `list_{tool}`; give one of them #[mcp(name = \"...\")]"
    )]
    DuplicateToolName {
        /// The first table.
        first: String,
        /// The second table.
        second: String,
        /// The shared `T`.
        tool: String,
    },
    /// A table has no column.
    #[error("table {0:?} has no column")]
    NoColumns(String),
}

/// A table's columns reached through its Rust types, with the struct's type erased.
pub(crate) trait TableCodec: Send + Sync {
    /// The JSON Schema of a column's values.
    fn schema(&self, column: usize) -> Value;
    /// Whether `value` is a valid JSON value of the column.
    fn check(&self, column: usize, value: &Value) -> Result<(), String>;
    /// Binds `value` as the column's Rust type.
    #[cfg(feature = "sqlite")]
    fn bind_sqlite(
        &self,
        arguments: &mut sqlx::sqlite::SqliteArguments,
        column: usize,
        value: &Value,
    ) -> Result<(), String>;
    /// Decodes a row whose first values are the table's columns into the struct, then its
    /// fields into JSON values, in column order.
    #[cfg(feature = "sqlite")]
    fn decode_row_sqlite(&self, row: &sqlx::sqlite::SqliteRow) -> Result<Vec<Value>, FieldError>;
    /// Binds `value` as the column's Rust type.
    #[cfg(feature = "postgres")]
    fn bind_postgres(
        &self,
        arguments: &mut sqlx::postgres::PgArguments,
        column: usize,
        value: &Value,
    ) -> Result<(), String>;
    /// Decodes a row, as [`TableCodec::decode_row_sqlite`] does.
    #[cfg(feature = "postgres")]
    fn decode_row_postgres(&self, row: &sqlx::postgres::PgRow) -> Result<Vec<Value>, FieldError>;
    /// Binds `value` as the column's Rust type.
    #[cfg(feature = "mysql")]
    fn bind_mysql(
        &self,
        arguments: &mut sqlx::mysql::MySqlArguments,
        column: usize,
        value: &Value,
    ) -> Result<(), String>;
    /// Decodes a row, as [`TableCodec::decode_row_sqlite`] does.
    #[cfg(feature = "mysql")]
    fn decode_row_mysql(&self, row: &sqlx::mysql::MySqlRow) -> Result<Vec<Value>, FieldError>;
}

/// A field that could not be read or written, and why.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// Collects a struct's fields as JSON values.
struct JsonSink {
    values: Vec<Value>,
}

impl crate::table::RowSink for JsonSink {
    type Error = FieldError;

    fn field<F: FieldType>(&mut self, column: usize, value: &F) -> Result<(), FieldError> {
        let value = value.to_json().map_err(|error| FieldError {
            column,
            message: error.to_string(),
        })?;
        self.values.push(value);
        Ok(())
    }
}

struct Codec<T>(PhantomData<fn() -> T>);

const NO_COLUMN: &str = "no such column";

impl<T: McpTable> TableCodec for Codec<T> {
    fn schema(&self, column: usize) -> Value {
        T::visit_column(column, SchemaOf).unwrap_or(Value::Bool(true))
    }

    fn check(&self, column: usize, value: &Value) -> Result<(), String> {
        T::visit_column(column, Check { value }).unwrap_or_else(|| Err(NO_COLUMN.to_owned()))
    }

    #[cfg(feature = "sqlite")]
    fn bind_sqlite(
        &self,
        arguments: &mut sqlx::sqlite::SqliteArguments,
        column: usize,
        value: &Value,
    ) -> Result<(), String> {
        T::visit_column(column, crate::backend::sqlite::Bind { arguments, value })
            .unwrap_or_else(|| Err(NO_COLUMN.to_owned()))
    }

    #[cfg(feature = "sqlite")]
    fn decode_row_sqlite(&self, row: &sqlx::sqlite::SqliteRow) -> Result<Vec<Value>, FieldError> {
        to_json(&T::from_row(&mut crate::backend::sqlite::Source { row })?)
    }

    #[cfg(feature = "postgres")]
    fn bind_postgres(
        &self,
        arguments: &mut sqlx::postgres::PgArguments,
        column: usize,
        value: &Value,
    ) -> Result<(), String> {
        T::visit_column(column, crate::backend::postgres::Bind { arguments, value })
            .unwrap_or_else(|| Err(NO_COLUMN.to_owned()))
    }

    #[cfg(feature = "postgres")]
    fn decode_row_postgres(&self, row: &sqlx::postgres::PgRow) -> Result<Vec<Value>, FieldError> {
        to_json(&T::from_row(&mut crate::backend::postgres::Source { row })?)
    }

    #[cfg(feature = "mysql")]
    fn bind_mysql(
        &self,
        arguments: &mut sqlx::mysql::MySqlArguments,
        column: usize,
        value: &Value,
    ) -> Result<(), String> {
        T::visit_column(column, crate::backend::mysql::Bind { arguments, value })
            .unwrap_or_else(|| Err(NO_COLUMN.to_owned()))
    }

    #[cfg(feature = "mysql")]
    fn decode_row_mysql(&self, row: &sqlx::mysql::MySqlRow) -> Result<Vec<Value>, FieldError> {
        to_json(&T::from_row(&mut crate::backend::mysql::Source { row })?)
    }
}

/// A struct read from a row, as the JSON values of its fields in column order.
#[allow(dead_code, reason = "used by every backend that is built")]
fn to_json<T: McpTable>(value: &T) -> Result<Vec<Value>, FieldError> {
    let mut sink = JsonSink {
        values: Vec::with_capacity(T::TABLE.columns.len()),
    };
    value.write_row(&mut sink)?;
    Ok(sink.values)
}

/// The JSON Schema of a field type, with every subschema inline.
struct SchemaOf;

impl ColumnVisitor for SchemaOf {
    type Output = Value;

    fn visit<F: FieldType>(self) -> Value {
        let mut generator = SchemaSettings::draft2020_12()
            .with(|settings| {
                settings.inline_subschemas = true;
                settings.meta_schema = None;
            })
            .into_generator();
        let mut schema = generator.subschema_for::<F>().to_value();
        if let Some(object) = schema.as_object_mut() {
            object.remove("title");
            object.remove("$schema");
            // Numeric formats (`int64`, `double`, ...) tell a client nothing the type does not,
            // and every column would repeat them; date, decimal and other string formats stay.
            let numeric = matches!(
                non_null_type(&Value::Object(object.clone())),
                Some("integer" | "number")
            );
            if numeric {
                object.remove("format");
                object.remove("minimum");
                object.remove("maximum");
            }
        }
        // `true` (any JSON, for a JSON column) is a valid schema, but some clients want an
        // object wherever a schema goes; `{}` means the same.
        if schema == Value::Bool(true) {
            schema = Value::Object(serde_json::Map::new());
        }
        schema
    }
}

/// Whether a JSON value deserializes as the field type.
struct Check<'a> {
    value: &'a Value,
}

impl ColumnVisitor for Check<'_> {
    type Output = Result<(), String>;

    fn visit<F: FieldType>(self) -> Self::Output {
        F::deserialize(self.value)
            .map(drop)
            .map_err(|error| error.to_string())
    }
}

/// A table as [`crate::ServerBuilder::table`] registers it.
pub(crate) struct Registration {
    def: &'static TableDef,
    codec: Box<dyn TableCodec>,
}

impl Registration {
    pub(crate) fn of<T: McpTable>() -> Self {
        Self {
            def: T::TABLE,
            codec: Box::new(Codec::<T>(PhantomData)),
        }
    }
}

/// What kind of JSON values a column holds, which decides its filter operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// JSON integers.
    Integer,
    /// JSON numbers.
    Number,
    /// JSON strings that `like` applies to.
    Text,
    /// JSON strings of a format (dates, decimals, UUIDs): compared, not pattern-matched.
    FormattedText,
    /// A number or a string, as stored (a SQLite column without a declared type).
    Scalar,
    /// `true`/`false`.
    Boolean,
    /// Base64 strings.
    Bytes,
    /// Any JSON: only tested for NULL.
    Json,
}

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `IN (...)`
    In,
    /// `NOT IN (...)`
    Nin,
    /// `LIKE`, case-sensitive
    Like,
    /// `LIKE`, case-insensitive
    Ilike,
    /// `IS NULL` (`true`) or `IS NOT NULL` (`false`)
    IsNull,
}

impl Operator {
    /// Every operator, in the order schemas list them.
    pub const ALL: [Operator; 11] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Gt,
        Operator::Gte,
        Operator::Lt,
        Operator::Lte,
        Operator::In,
        Operator::Nin,
        Operator::Like,
        Operator::Ilike,
        Operator::IsNull,
    ];

    /// The operator's name in a filter.
    pub fn name(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::Gt => "gt",
            Operator::Gte => "gte",
            Operator::Lt => "lt",
            Operator::Lte => "lte",
            Operator::In => "in",
            Operator::Nin => "nin",
            Operator::Like => "like",
            Operator::Ilike => "ilike",
            Operator::IsNull => "is_null",
        }
    }

    /// The operator called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// A column of a [`Table`].
pub struct Column {
    /// What the derive says of it.
    pub def: &'static ColumnDef,
    /// The JSON Schema of its values, `null` included when it is nullable.
    pub schema: Value,
    /// The JSON Schema of one operand of a comparison (never `null`).
    pub operand: Value,
    /// The kind of its values.
    pub kind: ValueKind,
}

impl Column {
    /// The operators that apply to the column, in schema order.
    pub fn operators(&self) -> Vec<Operator> {
        Operator::ALL
            .into_iter()
            .filter(|op| self.supports(*op))
            .collect()
    }

    /// Whether `op` applies to the column.
    pub fn supports(&self, op: Operator) -> bool {
        use Operator::*;
        match op {
            IsNull => self.def.nullable,
            Eq | Ne => self.kind != ValueKind::Json,
            Gt | Gte | Lt | Lte => matches!(
                self.kind,
                ValueKind::Integer
                    | ValueKind::Number
                    | ValueKind::Text
                    | ValueKind::FormattedText
                    | ValueKind::Scalar
            ),
            In | Nin => !matches!(self.kind, ValueKind::Json | ValueKind::Boolean),
            Like | Ilike => matches!(self.kind, ValueKind::Text | ValueKind::Scalar),
        }
    }

    /// Whether rows can be sorted by the column.
    pub fn orderable(&self) -> bool {
        !matches!(self.kind, ValueKind::Json | ValueKind::Bytes)
    }

    /// The JSON type's name for people: `integer`, `string (date)`, ...
    pub fn json_type(&self) -> String {
        if self.kind == ValueKind::Scalar {
            return "number or string".to_owned();
        }
        let ty = non_null_type(&self.operand).unwrap_or("any");
        match self.operand.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty} ({format})"),
            None if self.kind == ValueKind::Bytes => format!("{ty} (base64)"),
            None => ty.to_owned(),
        }
    }
}

/// A key that orders a table's rows totally, so that its pages never skip or repeat a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKey {
    /// These columns (a primary or unique key).
    Columns(Vec<usize>),
    /// SQLite's implicit row id, under this alias.
    RowId(&'static str),
    /// No key: pages are counted by offset over an order by every orderable column.
    Offset,
}

/// A foreign key of another table that points at this one.
#[derive(Debug, Clone)]
pub struct InboundForeignKey {
    /// The referencing table's index in the catalog.
    pub table: usize,
    /// The index of the key in that table's [`TableDef::foreign_keys`].
    pub key: usize,
}

/// A table as a server serves it.
pub struct Table {
    /// What the derive says of it.
    pub def: &'static TableDef,
    /// The `T` of its tools.
    pub tool_base: &'static str,
    /// Its columns, in [`TableDef::columns`] order.
    pub columns: Vec<Column>,
    /// How its rows are paged.
    pub page_key: PageKey,
    /// The foreign keys of served tables that point at it.
    pub referenced_by: Vec<InboundForeignKey>,
    codec: Box<dyn TableCodec>,
}

impl Table {
    pub(crate) fn codec(&self) -> &dyn TableCodec {
        self.codec.as_ref()
    }

    /// The index of the column the database calls `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.def.column_index(name)
    }

    /// The column's name as the database spells it.
    pub fn column_name(&self, column: usize) -> &'static str {
        self.def.columns[column].name
    }

    /// Indexes of the primary key's columns.
    pub fn primary_key(&self) -> Vec<usize> {
        self.def.primary_key().collect()
    }

    /// `schema.name`, or `name` when the table is in the default schema.
    pub fn display_name(&self) -> String {
        match self.def.schema {
            Some(schema) => format!("{schema}.{}", self.def.name),
            None => self.def.name.to_owned(),
        }
    }
}

/// Every table a server serves, in the order they were registered.
pub struct Catalog {
    tables: Vec<Table>,
}

impl Catalog {
    /// Prepares the registered tables; fails when two would serve tools of the same name.
    pub(crate) fn new(registrations: Vec<Registration>) -> Result<Self, CatalogError> {
        let mut by_tool: HashMap<&str, &TableDef> = HashMap::new();
        let mut tables = Vec::with_capacity(registrations.len());
        for Registration { def, codec } in registrations {
            if def.columns.is_empty() {
                return Err(CatalogError::NoColumns(def.name.to_owned()));
            }
            if let Some(first) = by_tool.insert(def.tool_name, def) {
                return Err(CatalogError::DuplicateToolName {
                    first: first.name.to_owned(),
                    second: def.name.to_owned(),
                    tool: def.tool_name.to_owned(),
                });
            }
            let columns: Vec<Column> = def
                .columns
                .iter()
                .enumerate()
                .map(|(index, column)| describe_column(column, codec.schema(index)))
                .collect();
            let page_key = page_key(def, &columns);
            tables.push(Table {
                def,
                tool_base: def.tool_name,
                columns,
                page_key,
                referenced_by: Vec::new(),
                codec,
            });
        }
        link_foreign_keys(&mut tables);
        Ok(Self { tables })
    }

    /// The tables, in registration order.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The table at `index`.
    pub fn table(&self, index: usize) -> &Table {
        &self.tables[index]
    }

    /// Finds a table by `name`: as the database spells it, as `schema.name`, or as the `T` of
    /// its tools; failing those, by a case-insensitive match that only one table has.
    pub fn find(&self, name: &str) -> Option<usize> {
        let exact = self.tables.iter().position(|table| {
            table.def.name == name || table.display_name() == name || table.tool_base == name
        });
        if exact.is_some() {
            return exact;
        }
        let lower = name.to_lowercase();
        let mut matches = self.tables.iter().enumerate().filter(|(_, table)| {
            table.def.name.to_lowercase() == lower || table.display_name().to_lowercase() == lower
        });
        match (matches.next(), matches.next()) {
            (Some((index, _)), None) => Some(index),
            _ => None,
        }
    }

    /// Up to three table names that look like `name`, for "did you mean" hints.
    pub fn similar_names(&self, name: &str) -> Vec<String> {
        let lower = name.to_lowercase();
        let mut scored: Vec<(usize, String)> = self
            .tables
            .iter()
            .map(|table| {
                let display = table.display_name();
                (edit_distance(&lower, &display.to_lowercase()), display)
            })
            .filter(|(distance, display)| *distance <= display.len().max(3) / 2)
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, name)| name).collect()
    }
}

fn describe_column(def: &'static ColumnDef, mut schema: Value) -> Column {
    let kind = value_kind(&schema);
    if !def.enum_values.is_empty() {
        let mut values: Vec<Value> = def
            .enum_values
            .iter()
            .map(|value| Value::String((*value).to_owned()))
            .collect();
        if let Some(items) = schema.get_mut("items").and_then(Value::as_object_mut) {
            // An array of enums: the values are its elements', which may be null.
            values.push(Value::Null);
            items.insert("enum".to_owned(), Value::Array(values));
        } else if let Some(object) = schema.as_object_mut() {
            if def.nullable {
                values.push(Value::Null);
            }
            object.insert("enum".to_owned(), Value::Array(values));
        }
    }
    let mut operand = without_null(&schema);
    if let Some(Value::Array(values)) = operand.get_mut("enum") {
        values.retain(|value| !value.is_null());
    }
    if let Some(description) = def.description
        && let Some(object) = schema.as_object_mut()
    {
        object.insert(
            "description".to_owned(),
            Value::String(description.to_owned()),
        );
    }
    Column {
        def,
        schema,
        operand,
        kind,
    }
}

/// The `type` of a schema without `"null"`, when it names one type.
fn non_null_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(ty) => Some(ty),
        Value::Array(types) => {
            let mut names = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|ty| *ty != "null");
            match (names.next(), names.next()) {
                (Some(ty), None) => Some(ty),
                _ => None,
            }
        }
        _ => None,
    }
}

fn value_kind(schema: &Value) -> ValueKind {
    let formatted = schema.get("format").is_some();
    if let Some(Value::Array(types)) = schema.get("type")
        && types.contains(&Value::from("number"))
        && types.contains(&Value::from("string"))
    {
        return ValueKind::Scalar;
    }
    match non_null_type(schema) {
        Some("integer") => ValueKind::Integer,
        Some("number") => ValueKind::Number,
        Some("boolean") => ValueKind::Boolean,
        Some("string") if schema.get("contentEncoding").is_some() => ValueKind::Bytes,
        Some("string") if formatted => ValueKind::FormattedText,
        Some("string") => ValueKind::Text,
        _ => ValueKind::Json,
    }
}

/// `schema` without `null` among its types.
fn without_null(schema: &Value) -> Value {
    let mut operand = schema.clone();
    if let Some(Value::Array(types)) = operand.get_mut("type") {
        types.retain(|ty| ty != "null");
        if types.len() == 1 {
            let single = types.remove(0);
            operand["type"] = single;
        }
    }
    operand
}

fn page_key(def: &TableDef, columns: &[Column]) -> PageKey {
    let primary: Vec<usize> = def.primary_key().collect();
    let usable = |indexes: &[usize]| {
        !indexes.is_empty()
            && indexes
                .iter()
                .all(|&i| columns[i].orderable() && !columns[i].def.nullable)
    };
    if usable(&primary) {
        return PageKey::Columns(primary);
    }
    for key in def.unique_keys {
        let indexes: Option<Vec<usize>> = key
            .columns
            .iter()
            .map(|name| def.column_index(name))
            .collect();
        if let Some(indexes) = indexes
            && usable(&indexes)
        {
            return PageKey::Columns(indexes);
        }
    }
    if def.rowid {
        let shadowed = |alias: &str| {
            def.columns
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(alias))
        };
        if let Some(alias) = ["rowid", "_rowid_", "oid"]
            .into_iter()
            .find(|alias| !shadowed(alias))
        {
            return PageKey::RowId(alias);
        }
    }
    PageKey::Offset
}

fn link_foreign_keys(tables: &mut [Table]) {
    let mut inbound: Vec<(usize, InboundForeignKey)> = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        for (key_index, key) in table.def.foreign_keys.iter().enumerate() {
            let target = tables.iter().position(|candidate| {
                candidate.def.name == key.referenced_table
                    && candidate.def.schema == key.referenced_schema
            });
            if let Some(target) = target {
                inbound.push((
                    target,
                    InboundForeignKey {
                        table: index,
                        key: key_index,
                    },
                ));
            }
        }
    }
    for (target, key) in inbound {
        tables[target].referenced_by.push(key);
    }
}

/// The Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn kinds_follow_the_json_schema() {
        assert_eq!(value_kind(&json!({"type": "integer"})), ValueKind::Integer);
        assert_eq!(
            value_kind(&json!({"type": ["number", "null"]})),
            ValueKind::Number
        );
        assert_eq!(value_kind(&json!({"type": "string"})), ValueKind::Text);
        assert_eq!(
            value_kind(&json!({"type": "string", "format": "date"})),
            ValueKind::FormattedText
        );
        assert_eq!(
            value_kind(&json!({"type": "string", "contentEncoding": "base64"})),
            ValueKind::Bytes
        );
        assert_eq!(value_kind(&json!(true)), ValueKind::Json);
        assert_eq!(value_kind(&json!({})), ValueKind::Json);
        assert_eq!(
            value_kind(&json!({"type": ["number", "string", "null"]})),
            ValueKind::Scalar
        );
    }

    #[test]
    fn operands_never_take_null() {
        assert_eq!(
            without_null(&json!({"type": ["integer", "null"], "format": "int64"})),
            json!({"type": "integer", "format": "int64"})
        );
    }

    fn column(nullable: bool, enum_values: &'static [&'static str]) -> &'static ColumnDef {
        Box::leak(Box::new(ColumnDef {
            name: "mood",
            field: "mood",
            sql_type: None,
            nullable,
            primary_key: false,
            default: None,
            generated: false,
            description: None,
            enum_values,
            as_text: false,
        }))
    }

    #[test]
    fn enum_values_list_a_columns_values_or_its_array_elements() {
        let scalar = describe_column(
            column(true, &["sad", "ok"]),
            json!({"type": ["string", "null"]}),
        );
        assert_eq!(
            scalar.schema,
            json!({"type": ["string", "null"], "enum": ["sad", "ok", null]})
        );
        assert_eq!(
            scalar.operand,
            json!({"type": "string", "enum": ["sad", "ok"]})
        );

        let array = describe_column(
            column(false, &["sad", "ok"]),
            json!({"type": "array", "items": {"type": ["string", "null"]}}),
        );
        assert_eq!(
            array.schema,
            json!({
                "type": "array",
                "items": {"type": ["string", "null"], "enum": ["sad", "ok", null]}
            })
        );
        assert_eq!(array.kind, ValueKind::Json);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("album", "albums"), 1);
        assert_eq!(edit_distance("track", "truck"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

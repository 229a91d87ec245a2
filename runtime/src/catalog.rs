//! The tables a server serves, ready for requests: each [`TableDef`] with its columns' JSON
//! Schemas and filter operators, the foreign keys that point at it, the key its pages follow,
//! and the way to read a client's value as a column's Rust type ([`Operand`]).
//!
//! Nothing here knows a database: [`crate::backend`] binds and decodes values.

use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::routine::RoutineDef;
use crate::table::{
    ColumnDef, ColumnKind, ColumnVisitor, FieldType, FieldTypes, TableDef, TableKind, ValueKind,
};

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
    /// Two routines would serve tools of the same name.
    #[error(
        "routines {first:?} and {second:?} would both serve a tool named `call_{tool}`; give one of them #[mcp(name = \"...\")]"
    )]
    DuplicateRoutineName {
        /// The first routine.
        first: String,
        /// The second routine.
        second: String,
        /// The shared `R`.
        tool: String,
    },
}

/// A value a client sent for a column, checked: read into the column's Rust type once, and
/// bound as that value. Its JSON is kept for messages and cursors.
#[derive(Clone)]
pub struct Operand {
    json: Value,
    typed: Arc<dyn Any + Send + Sync>,
}

impl Operand {
    /// The value as the client sent it.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// A row id (SQLite's `rowid`), an integer.
    pub(crate) fn row_id(row_id: i64) -> Self {
        Self {
            json: Value::from(row_id),
            typed: Arc::new(row_id),
        }
    }

    /// The value as the column's Rust type `F`; `None` when `F` is not that type.
    pub fn typed<F: FieldType>(&self) -> Option<&F> {
        self.typed.downcast_ref::<F>()
    }
}

impl fmt::Debug for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.json)
    }
}

impl PartialEq for Operand {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

/// A table's columns reached through their Rust types, with the struct's type erased: what
/// every backend does the same way.
trait ColumnTypes: Send + Sync {
    /// The JSON Schema of a column's values.
    fn schema(&self, column: usize) -> Value;
    /// `value` read as the column's Rust type.
    fn operand(&self, column: usize, value: &Value) -> Result<Operand, String>;
}

struct Types<T>(PhantomData<fn() -> T>);

impl<T: FieldTypes> ColumnTypes for Types<T> {
    fn schema(&self, column: usize) -> Value {
        T::visit_column(column, SchemaOf).unwrap_or(Value::Bool(true))
    }

    fn operand(&self, column: usize, value: &Value) -> Result<Operand, String> {
        T::visit_column(column, ReadOperand { value })
            .unwrap_or_else(|| Err("no such column".to_owned()))
    }
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
            if matches!(F::VALUE, ValueKind::Integer | ValueKind::Float) {
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

/// A JSON value read as the field type.
struct ReadOperand<'a> {
    value: &'a Value,
}

impl ColumnVisitor for ReadOperand<'_> {
    type Output = Result<Operand, String>;

    fn visit<F: FieldType>(self) -> Self::Output {
        let value = spelled_for_reading(F::VALUE, self.value);
        let typed = F::deserialize(value.as_ref()).map_err(|error| error.to_string())?;
        Ok(Operand {
            json: value.into_owned(),
            typed: Arc::new(typed),
        })
    }
}

/// A date or time as people write it, in the spelling its Rust type reads (ISO 8601 with a
/// `T`): a space for the `T`, a date alone for its midnight, minutes without seconds; a date
/// and time with time zone that names none is in UTC, as the server's sessions are. Other
/// values are left as they are, and fail to read saying why.
fn spelled_for_reading(kind: ValueKind, value: &Value) -> Cow<'_, Value> {
    let Value::String(text) = value else {
        return Cow::Borrowed(value);
    };
    let is_date = |text: &str| {
        text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            })
    };
    let is_minutes = |text: &str| {
        text.len() == 5
            && text.as_bytes()[2] == b':'
            && text.bytes().filter(u8::is_ascii_digit).count() == 4
    };
    let trimmed = text.trim();
    let spelled = match kind {
        ValueKind::Timestamp | ValueKind::TimestampTz => {
            let mut spelled = if is_date(trimmed) {
                format!("{trimmed}T00:00:00")
            } else if trimmed.len() > 11
                && is_date(&trimmed[..10])
                && matches!(trimmed.as_bytes()[10], b' ' | b'T' | b't')
            {
                let time = &trimmed[11..];
                let seconds = if time.get(..5).is_some_and(is_minutes)
                    && time.as_bytes().get(5) != Some(&b':')
                {
                    ":00"
                } else {
                    ""
                };
                format!(
                    "{}T{}{seconds}{}",
                    &trimmed[..10],
                    &time[..5.min(time.len())],
                    time.get(5..).unwrap_or_default()
                )
            } else {
                return Cow::Borrowed(value);
            };
            let names_zone = spelled[11..].contains(['+', '-', 'Z', 'z']);
            if kind == ValueKind::TimestampTz && !names_zone {
                spelled.push('Z');
            }
            spelled
        }
        ValueKind::Time if is_minutes(trimmed) => format!("{trimmed}:00"),
        _ => return Cow::Borrowed(value),
    };
    if spelled == *text {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(Value::String(spelled))
    }
}

/// A table as [`crate::ServerBuilder::table`] registers it ([`crate::backend::register`]).
pub(crate) struct Registration {
    def: &'static TableDef,
    types: Box<dyn ColumnTypes>,
    codecs: Codecs,
}

/// How each backend binds and decodes the values of a table's fields: made by
/// [`crate::backend`] when the table is registered (when its struct's type is known), and read
/// by it alone. The catalog only keeps it.
pub(crate) type Codecs = Box<dyn Any + Send + Sync>;

impl Registration {
    /// The fields of `T`, described by `def` (a table's columns, or a routine's parameters and
    /// result columns), with their `codecs`.
    pub(crate) fn new<T: FieldTypes>(def: &'static TableDef, codecs: Codecs) -> Self {
        Self {
            def,
            types: Box::new(Types::<T>(PhantomData)),
            codecs,
        }
    }
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

    /// Whether it compares by order (`gt`, `gte`, `lt`, `lte`).
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            Operator::Gt | Operator::Gte | Operator::Lt | Operator::Lte
        )
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
}

impl Column {
    /// The operators that apply to the column, in schema order.
    pub fn operators(&self) -> Vec<Operator> {
        Operator::ALL
            .into_iter()
            .filter(|op| self.supports(*op))
            .collect()
    }

    /// Whether `op` applies to the column: decided by its field's [`ValueKind`] and
    /// nullability.
    pub fn supports(&self, op: Operator) -> bool {
        let value = self.def.value;
        match op {
            Operator::IsNull => self.def.nullable,
            Operator::Eq | Operator::Ne => value.is_comparable(),
            Operator::Gt | Operator::Gte | Operator::Lt | Operator::Lte => value.is_ordered(),
            Operator::In | Operator::Nin => value.is_comparable() && value != ValueKind::Boolean,
            Operator::Like | Operator::Ilike => value.is_text(),
        }
    }

    /// Whether rows can be sorted by the column.
    pub fn orderable(&self) -> bool {
        self.def.value.is_sortable()
    }

    /// The values the column allows, as a JSON array, when it allows only some (an enum type,
    /// a list of allowed values) and `value` (not null) is not one of them.
    pub fn refuses(&self, value: &Value) -> Option<&Value> {
        let allowed = self.operand.get("enum")?;
        let listed = allowed.as_array()?;
        (!value.is_null() && !listed.contains(value)).then_some(allowed)
    }

    /// The JSON type's name for people: `integer`, `string (date)`, ...
    pub fn json_type(&self) -> String {
        if self.def.value == ValueKind::Scalar {
            return "number or string".to_owned();
        }
        let ty = non_null_type(&self.operand).unwrap_or("any");
        match self.operand.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty} ({format})"),
            None if self.def.value == ValueKind::Bytes => format!("{ty} (base64)"),
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
    types: Box<dyn ColumnTypes>,
    /// How each backend binds and decodes its columns.
    pub(crate) codecs: Codecs,
}

impl Table {
    /// The fields a registration describes, ready for requests.
    fn new(Registration { def, types, codecs }: Registration) -> Self {
        let columns: Vec<Column> = def
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| describe_column(column, types.schema(index)))
            .collect();
        let page_key = page_key(def, &columns);
        Self {
            def,
            tool_base: def.tool_name,
            columns,
            page_key,
            referenced_by: Vec::new(),
            types,
            codecs,
        }
    }

    /// The index of the column the database calls `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.def.column_index(name)
    }

    /// The column's name as the database spells it.
    pub fn column_name(&self, column: usize) -> &'static str {
        self.def.columns[column].name
    }

    /// Indexes of the primary key's columns, in key order.
    pub fn primary_key(&self) -> &'static [usize] {
        self.def.primary_key
    }

    /// `schema.name`, or `name` when the table is in the default schema.
    pub fn display_name(&self) -> String {
        match self.def.schema {
            Some(schema) => format!("{schema}.{}", self.def.name),
            None => self.def.name.to_owned(),
        }
    }

    /// Whether rows can be written to it: a base table its derive does not mark read-only.
    pub fn writable(&self) -> bool {
        self.def.kind == TableKind::Table && !self.def.read_only
    }

    /// `value` read as a value of column `column` (its Rust type); the error says why not.
    pub fn operand(&self, column: usize, value: &Value) -> Result<Operand, String> {
        self.types.operand(column, value)
    }
}

/// Every table a server serves, in the order they were registered.
pub struct Catalog {
    tables: Vec<Table>,
    routines: Vec<Routine>,
}

/// A stored procedure or function as a server serves it.
pub struct Routine {
    /// What the derive says of it.
    pub def: &'static RoutineDef,
    /// Its fields (parameters and result columns) as a table's columns are: their schemas, and
    /// how a value of each is read, bound and decoded.
    pub fields: Table,
}

impl Routine {
    /// `schema.name`, or `name` in the default schema.
    pub fn display_name(&self) -> String {
        self.fields.display_name()
    }
}

/// A routine as [`crate::ServerBuilder::procedure`] registers it
/// ([`crate::backend::register_routine`]).
pub(crate) struct RoutineRegistration {
    def: &'static RoutineDef,
    fields: Registration,
}

impl RoutineRegistration {
    /// Routine `def`, whose fields `fields` registers.
    pub(crate) fn new(def: &'static RoutineDef, fields: Registration) -> Self {
        Self { def, fields }
    }
}

impl Catalog {
    /// Prepares the registered tables and routines; fails when two would serve tools of the
    /// same name.
    pub(crate) fn new(
        registrations: Vec<Registration>,
        routines: Vec<RoutineRegistration>,
    ) -> Result<Self, CatalogError> {
        let mut by_tool: HashMap<&str, &TableDef> = HashMap::new();
        let mut tables = Vec::with_capacity(registrations.len());
        for registration in registrations {
            let def = registration.def;
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
            tables.push(Table::new(registration));
        }
        link_foreign_keys(&mut tables);
        let mut by_routine: HashMap<&str, &TableDef> = HashMap::new();
        let mut served = Vec::with_capacity(routines.len());
        for RoutineRegistration { def, fields } in routines {
            if let Some(first) = by_routine.insert(def.fields.tool_name, &def.fields) {
                return Err(CatalogError::DuplicateRoutineName {
                    first: first.name.to_owned(),
                    second: def.fields.name.to_owned(),
                    tool: def.fields.tool_name.to_owned(),
                });
            }
            served.push(Routine {
                def,
                fields: Table::new(fields),
            });
        }
        Ok(Self {
            tables,
            routines: served,
        })
    }

    /// The routines, in registration order.
    pub fn routines(&self) -> &[Routine] {
        &self.routines
    }

    /// The routine at `index`.
    pub fn routine(&self, index: usize) -> &Routine {
        &self.routines[index]
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

/// The column's schemas: its field type's, with the values it may take as `enum` (an array's
/// for its elements), its members described for a `SET`, and its description.
fn describe_column(def: &'static ColumnDef, mut schema: Value) -> Column {
    let allowed = def.allowed_values();
    if !allowed.is_empty() {
        let mut values: Vec<Value> = allowed
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
    let description = match (def.description, def.kind) {
        (Some(text), ColumnKind::Set(members)) => Some(format!(
            "{text}\n\nA comma-separated set of: {}.",
            members.join(", ")
        )),
        (None, ColumnKind::Set(members)) => {
            Some(format!("A comma-separated set of: {}.", members.join(", ")))
        }
        (text, _) => text.map(str::to_owned),
    };
    if let Some(description) = description
        && let Some(object) = schema.as_object_mut()
    {
        object.insert("description".to_owned(), Value::String(description));
    }
    Column {
        def,
        schema,
        operand,
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

/// The key a table's pages follow: its primary key, else its first unique key, when every
/// column of it is orderable and never NULL; else SQLite's row id; else none (offsets).
fn page_key(def: &TableDef, columns: &[Column]) -> PageKey {
    let usable = |indexes: &[usize]| {
        !indexes.is_empty()
            && indexes
                .iter()
                .all(|&i| columns[i].orderable() && !columns[i].def.nullable)
    };
    if usable(def.primary_key) {
        return PageKey::Columns(def.primary_key.to_vec());
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
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
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
    fn operands_never_take_null() {
        assert_eq!(
            without_null(&json!({"type": ["integer", "null"], "format": "int64"})),
            json!({"type": "integer", "format": "int64"})
        );
    }

    fn column(
        nullable: bool,
        value: ValueKind,
        kind: ColumnKind,
        enum_values: &'static [&'static str],
    ) -> &'static ColumnDef {
        Box::leak(Box::new(ColumnDef {
            name: "mood",
            field: "mood",
            sql_type: None,
            kind,
            value,
            nullable,
            default: None,
            generated: false,
            read_only: false,
            description: None,
            enum_values,
        }))
    }

    #[test]
    fn allowed_values_list_a_columns_values_or_its_array_elements() {
        let scalar = describe_column(
            column(true, ValueKind::Text, ColumnKind::Plain, &["sad", "ok"]),
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
            column(
                false,
                ValueKind::Array,
                ColumnKind::Enum(&["sad", "ok"]),
                &[],
            ),
            json!({"type": "array", "items": {"type": ["string", "null"]}}),
        );
        assert_eq!(
            array.schema,
            json!({
                "type": "array",
                "items": {"type": ["string", "null"], "enum": ["sad", "ok", null]}
            })
        );
        assert!(array.operators().is_empty());
    }

    #[test]
    fn a_sets_members_are_in_its_description() {
        let set = describe_column(
            column(false, ValueKind::Text, ColumnKind::Set(&["a", "b"]), &[]),
            json!({"type": "string"}),
        );
        assert_eq!(
            set.schema,
            json!({"type": "string", "description": "A comma-separated set of: a, b."})
        );
    }

    #[test]
    fn operators_follow_the_field_type() {
        let names = |value, nullable| {
            describe_column(
                column(nullable, value, ColumnKind::Plain, &[]),
                json!({"type": "string"}),
            )
            .operators()
            .into_iter()
            .map(Operator::name)
            .collect::<Vec<_>>()
            .join(" ")
        };
        assert_eq!(
            names(ValueKind::Text, true),
            "eq ne gt gte lt lte in nin like ilike is_null"
        );
        assert_eq!(names(ValueKind::Date, false), "eq ne gt gte lt lte in nin");
        assert_eq!(names(ValueKind::Boolean, false), "eq ne");
        assert_eq!(names(ValueKind::Bytes, false), "eq ne in nin");
        assert_eq!(names(ValueKind::Json, true), "is_null");
    }

    #[test]
    fn dates_and_times_are_read_in_the_spellings_people_use() {
        let spelled = |kind, text: &str| {
            spelled_for_reading(kind, &json!(text))
                .as_str()
                .expect("text")
                .to_owned()
        };
        assert_eq!(
            spelled(ValueKind::Timestamp, "2016-07-04"),
            "2016-07-04T00:00:00"
        );
        assert_eq!(
            spelled(ValueKind::Timestamp, "2016-07-04 10:11:12.5"),
            "2016-07-04T10:11:12.5"
        );
        assert_eq!(
            spelled(ValueKind::Timestamp, "2016-07-04 10:11"),
            "2016-07-04T10:11:00"
        );
        assert_eq!(
            spelled(ValueKind::TimestampTz, "2016-07-04 10:11:12"),
            "2016-07-04T10:11:12Z"
        );
        assert_eq!(
            spelled(ValueKind::TimestampTz, "2016-07-04T10:11:12+02:00"),
            "2016-07-04T10:11:12+02:00"
        );
        assert_eq!(
            spelled(ValueKind::TimestampTz, "2016-07-04"),
            "2016-07-04T00:00:00Z"
        );
        assert_eq!(spelled(ValueKind::Time, "10:11"), "10:11:00");
        assert_eq!(
            spelled(ValueKind::Date, "2016-07-04 10:11"),
            "2016-07-04 10:11"
        );
        assert_eq!(spelled(ValueKind::Timestamp, "yesterday"), "yesterday");
        assert_eq!(spelled(ValueKind::Text, "2016-07-04"), "2016-07-04");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("album", "albums"), 1);
        assert_eq!(edit_distance("track", "truck"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

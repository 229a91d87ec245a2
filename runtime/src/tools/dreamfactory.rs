//! The `dreamfactory` profile: the tools of DreamFactory's MCP server for one database service
//! (its single-service "merged" names: `get_tables`, `get_table_data`, ...), with its argument
//! names and its result shapes (rows under `resource`, counts under `meta`), so prompts and
//! clients written for DreamFactory work as they are.
//!
//! Each tool reads DreamFactory's arguments into this server's own: its filter and order
//! strings through [`df_filter`] into the JSON `where` and `order_by` of the typed tools, its
//! `offset` into the page plan ([`PagePlan::skip`]); then it runs the same request types as
//! the typed and compact tools (`list`, `count`, `insert`, `update`, `delete`, `call_routine`),
//! so the checks, values and limits are theirs. Only the names and the shapes differ.
//!
//! Left out: DreamFactory's `get_api_spec` (an OpenAPI document of its REST API, which this
//! server does not have) and `get_database_resources` (the resources of that REST service);
//! `get_data_model`, `get_tables` and `get_table_schema` describe the same data.

use serde_json::{Map, Value, json};

use super::{CallContext, CallError, ToolSet, read_only, row_object, schema, served_routines};
use crate::catalog::{Catalog, Routine, Table};
use crate::config::{Limits, Profile};
use crate::dialect::Dialect;
use crate::query::aggregate::AggregateRequest;
use crate::query::df_filter::{self, column_named};
use crate::query::filter::{brief, unknown_column};
use crate::query::{ArgumentError, PagePlan, Selected};
use crate::routine::{FieldRole, Returns, RoutineKind};
use crate::sql;
use crate::table::{TableKind, ValueKind};
use rmcp::model::{Tool, ToolAnnotations};

/// A tool of the `dreamfactory` profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DfTool {
    /// `get_data_model`
    GetDataModel,
    /// `get_tables`
    GetTables,
    /// `get_table_schema`
    GetTableSchema,
    /// `get_table_fields`
    GetTableFields,
    /// `get_table_relationships`
    GetTableRelationships,
    /// `get_table_data`
    GetTableData,
    /// `aggregate_data`
    AggregateData,
    /// `create_records`
    CreateRecords,
    /// `update_records`
    UpdateRecords,
    /// `delete_records`
    DeleteRecords,
    /// `get_stored_procedures`
    GetStoredProcedures,
    /// `call_stored_procedure`
    CallStoredProcedure,
    /// `get_stored_functions`
    GetStoredFunctions,
    /// `call_stored_function`
    CallStoredFunction,
}

impl DfTool {
    /// The tool's name.
    pub fn name(self) -> &'static str {
        match self {
            DfTool::GetDataModel => "get_data_model",
            DfTool::GetTables => "get_tables",
            DfTool::GetTableSchema => "get_table_schema",
            DfTool::GetTableFields => "get_table_fields",
            DfTool::GetTableRelationships => "get_table_relationships",
            DfTool::GetTableData => "get_table_data",
            DfTool::AggregateData => "aggregate_data",
            DfTool::CreateRecords => "create_records",
            DfTool::UpdateRecords => "update_records",
            DfTool::DeleteRecords => "delete_records",
            DfTool::GetStoredProcedures => "get_stored_procedures",
            DfTool::CallStoredProcedure => "call_stored_procedure",
            DfTool::GetStoredFunctions => "get_stored_functions",
            DfTool::CallStoredFunction => "call_stored_function",
        }
    }

    /// The arguments it takes, as DreamFactory names them (`max_rows` is this server's
    /// own, the guard of its writes).
    fn arguments(self) -> &'static [&'static str] {
        match self {
            DfTool::GetDataModel => &["refresh"],
            DfTool::GetTables | DfTool::GetStoredProcedures | DfTool::GetStoredFunctions => &[],
            DfTool::GetTableSchema => &["table_name", "refresh"],
            DfTool::GetTableFields | DfTool::GetTableRelationships => &["table_name", "refresh"],
            DfTool::GetTableData => &[
                "table_name",
                "fields",
                "filter",
                "offset",
                "limit",
                "order",
                "continue",
                "related",
                "count_only",
                "include_count",
                "include_schema",
                "ids",
            ],
            DfTool::AggregateData => &["table_name", "aggregates", "filter", "group_by"],
            DfTool::CreateRecords => &[
                "table_name",
                "records",
                "fields",
                "related",
                "continue",
                "rollback",
            ],
            DfTool::UpdateRecords => &[
                "table_name",
                "records",
                "fields",
                "related",
                "ids",
                "filter",
                "continue",
                "rollback",
                "max_rows",
            ],
            DfTool::DeleteRecords => &[
                "table_name",
                "ids",
                "filter",
                "force",
                "fields",
                "related",
                "continue",
                "rollback",
                "max_rows",
            ],
            DfTool::CallStoredProcedure => &["procedure_name", "parameters", "wrapper", "returns"],
            DfTool::CallStoredFunction => &["function_name", "parameters", "returns"],
        }
    }

    /// What it says of itself, as DreamFactory derives it from the name (`get`, `aggregate`
    /// read; `create` adds; `update` and `delete` destroy and repeat to the same state; calls
    /// may do anything), never reaching beyond the database.
    fn annotations(self) -> ToolAnnotations {
        let annotations = ToolAnnotations::new().open_world(false);
        match self {
            DfTool::CreateRecords => annotations
                .read_only(false)
                .destructive(false)
                .idempotent(false),
            DfTool::UpdateRecords | DfTool::DeleteRecords => annotations
                .read_only(false)
                .destructive(true)
                .idempotent(true),
            DfTool::CallStoredProcedure | DfTool::CallStoredFunction => {
                annotations.read_only(false)
            }
            _ => annotations
                .read_only(true)
                .destructive(false)
                .idempotent(true),
        }
    }
}

const FILTER: &str = "A DreamFactory filter, e.g. `(Total > 5) AND (BillingCountry = 'USA')`. Comparisons = != <> > >= < <= (or EQ NE GT GTE LT LTE), IN ('a','b'), NOT IN (..), LIKE 'A%' (case-sensitive; ILIKE ignores case), CONTAINS 'x', STARTS WITH 'x', ENDS WITH 'x', BETWEEN 1 AND 5, IS NULL, IS NOT NULL, `field NOT op`; joined with AND, OR, NOR, XOR, NOT(..) and parentheses. Text values in single quotes ('' for a quote); fields as the database spells them (\"quoted\" or `quoted` when they hold spaces). No :param placeholders.";

const TABLE_NAME: &str =
    "The table or view as get_tables lists it (schema.name outside the default schema).";

fn table_name() -> Value {
    json!({"type": "string", "description": TABLE_NAME})
}

/// Names: an array, or (as DreamFactory's query strings carry them) a comma-separated string.
fn names(description: &str) -> Value {
    json!({"type": ["array", "string"], "items": {"type": "string"}, "description": description})
}

fn records() -> Value {
    json!({"type": "array", "items": {"type": "object"}})
}

fn ids() -> Value {
    json!({
        "type": "array",
        "items": {"type": ["string", "number"]},
        "description": "Values of the primary key (a one-column key)."
    })
}

fn flag(description: &str) -> Value {
    json!({"type": "boolean", "description": description})
}

fn accepted(description: &str) -> Value {
    json!({"type": "boolean", "description": description})
}

/// `{"type": "object", "properties": .., "required": ..}`, open to other keys (other casings
/// of the names are accepted, as DreamFactory does).
fn input(properties: &Value, required: &[&str]) -> Map<String, Value> {
    schema::object(json!({"type": "object", "properties": properties, "required": required}))
}

fn output(properties: &Value, required: &[&str]) -> Map<String, Value> {
    schema::object(json!({"type": "object", "properties": properties, "required": required}))
}

fn resource() -> Value {
    json!({"type": "array", "items": {"type": "object"}})
}

fn meta() -> Value {
    json!({
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next_offset": {"type": "integer", "minimum": 0},
            "truncated": {"const": true, "description": "limits.max_result_bytes ended the page before `limit` rows; next_offset gives the rest."},
            "schema": {"type": "object"}
        }
    })
}

/// The description, input and output schemas of `tool`.
fn definition(
    tool: DfTool,
    dialect: &dyn Dialect,
    limits: &Limits,
) -> (String, Map<String, Value>, Map<String, Value>) {
    let database = dialect.name();
    let max_rows = json!({
        "type": "integer",
        "minimum": 1,
        "maximum": limits.max_write_rows,
        "default": limits.max_write_rows,
        "description": "This server's guard: the most records the call may change; when more match, nothing changes."
    });
    let writes_note = "All or nothing: one transaction, rolled back on any error.";
    let (description, input, output) = match tool {
        DfTool::GetDataModel => (
            format!("A condensed model of this {database} database: every table and view with its fields (name, type, primary key, foreign key target). The best first call; use it to plan get_table_data calls."),
            input(&json!({"refresh": accepted("Accepted; the model is always current.")}), &[]),
            output(
                &json!({"resource": resource(), "truncated": {"type": "boolean"}}),
                &["resource"],
            ),
        ),
        DfTool::GetTables => (
            format!("The tables and views of this {database} database. get_data_model gives their fields and relationships too."),
            input(&json!({}), &[]),
            output(&json!({"resource": resource()}), &["resource"]),
        ),
        DfTool::GetTableSchema => (
            "The full schema of one table: its fields (type, nullability, default, keys) and its relationships both ways.".to_owned(),
            input(&json!({"table_name": table_name()}), &["table_name"]),
            output(
                &json!({
                    "name": {"type": "string"},
                    "label": {"type": "string"},
                    "description": {"type": ["string", "null"]},
                    "is_view": {"type": "boolean"},
                    "primary_key": {"type": "array", "items": {"type": "string"}},
                    "field": resource(),
                    "related": resource()
                }),
                &["name", "field", "related"],
            ),
        ),
        DfTool::GetTableFields => (
            "The field definitions of one table.".to_owned(),
            input(
                &json!({"table_name": table_name(), "refresh": accepted("Accepted; fields are always current.")}),
                &["table_name"],
            ),
            output(&json!({"resource": resource()}), &["resource"]),
        ),
        DfTool::GetTableRelationships => (
            "The relationships of one table: its foreign keys (belongs_to) and the foreign keys of other tables that point at it (has_many).".to_owned(),
            input(
                &json!({"table_name": table_name(), "refresh": accepted("Accepted; relationships are always current.")}),
                &["table_name"],
            ),
            output(&json!({"resource": resource()}), &["resource"]),
        ),
        DfTool::GetTableData => (
            format!(
                "Read rows with filter/order/limit/offset. Max {} rows per call (the default); paginate with offset (meta.next_offset says where the next page starts). count_only=true to count; include_count=true adds meta.count. For SUM/COUNT/AVG/MIN/MAX/GROUP BY use aggregate_data.",
                limits.max_limit
            ),
            input(
                &json!({
                    "table_name": table_name(),
                    "fields": names("Fields to return (default: all); an array, or a comma-separated string."),
                    "filter": {"type": "string", "description": FILTER},
                    "offset": {"type": "number", "minimum": 0, "maximum": crate::query::page::MAX_OFFSET, "description": "Rows to skip, in the order of `order` (then the primary key)."},
                    "limit": {"type": "number", "description": format!("Max records per request (server max: {}).", limits.max_limit)},
                    "order": {"type": "string", "description": "Sort order, e.g. `Name ASC, Total DESC`."},
                    "continue": accepted("Accepted; a read has nothing to continue past."),
                    "related": {"type": "string", "description": "Not supported: read a related table with its own call (get_table_relationships names the keys)."},
                    "count_only": flag("Return only the record count (meta.count), no data."),
                    "include_count": flag("Include the total record count (meta.count) alongside the data."),
                    "include_schema": flag("Include the table's schema (meta.schema)."),
                    "ids": ids()
                }),
                &["table_name"],
            ),
            output(&json!({"resource": resource(), "meta": meta()}), &[]),
        ),
        DfTool::AggregateData => (
            format!(
                "THE way to SUM/COUNT/AVG/MIN/MAX, optionally per group (group_by), over the rows a filter lets through. At most {} groups, in the order of the grouped fields.",
                limits.max_limit
            ),
            input(
                &json!({
                    "table_name": table_name(),
                    "aggregates": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": crate::query::aggregate::MAX_AGGREGATES,
                        "description": "The aggregations to compute.",
                        "items": {
                            "type": "object",
                            "properties": {
                                "function": {"type": "string", "enum": ["SUM", "COUNT", "AVG", "MIN", "MAX"]},
                                "field": {"type": "string", "description": "The column (\"*\" for COUNT of rows)."},
                                "alias": {"type": "string", "description": "The result's name (default: function_field, or count)."}
                            },
                            "required": ["function", "field"]
                        }
                    },
                    "filter": {"type": "string", "description": FILTER},
                    "group_by": names("Group results by these fields.")
                }),
                &["table_name", "aggregates"],
            ),
            output(
                &json!({
                    "results": resource(),
                    "mode": {"const": "server-side"},
                    "groups": {"type": "integer", "minimum": 0},
                    "truncated": {"type": "boolean"}
                }),
                &["results", "mode", "groups"],
            ),
        ),
        DfTool::CreateRecords => (
            format!(
                "Insert 1 to {} records. {writes_note} Returns each record's primary key (or the `fields` asked for, `*` for all) under resource.",
                limits.max_write_rows
            ),
            input(
                &json!({
                    "table_name": table_name(),
                    "records": records(),
                    "fields": names("Fields of the created records to return (default: the primary key; \"*\" for all)."),
                    "related": {"type": "string", "description": "Not supported."},
                    "continue": accepted("false only: every record is written, or none."),
                    "rollback": accepted("Accepted: writes here always roll back on error.")
                }),
                &["table_name", "records"],
            ),
            output(&json!({"resource": resource()}), &["resource"]),
        ),
        DfTool::UpdateRecords => (
            format!("Patch records: with ids or filter, the one record given holds the values to set in each record they match; without, the one record given holds its primary key and the values to set. {writes_note} Returns the changed records' primary keys (or `fields`) under resource and their number as meta.count."),
            input(
                &json!({
                    "table_name": table_name(),
                    "records": records(),
                    "fields": names("Fields of the updated records to return (default: the primary key; \"*\" for all)."),
                    "related": {"type": "string", "description": "Not supported."},
                    "ids": ids(),
                    "filter": {"type": "string", "description": FILTER},
                    "continue": accepted("false only: every record is updated, or none."),
                    "rollback": accepted("Accepted: writes here always roll back on error."),
                    "max_rows": max_rows
                }),
                &["table_name", "records"],
            ),
            output(&json!({"resource": resource(), "meta": meta()}), &["resource", "meta"]),
        ),
        DfTool::DeleteRecords => (
            format!("Delete the records that ids or filter match (one of them is required). {writes_note} Returns their number as meta.count."),
            input(
                &json!({
                    "table_name": table_name(),
                    "ids": ids(),
                    "filter": {"type": "string", "description": FILTER},
                    "force": accepted("Accepted; deleting every record is refused whatever it says: give ids or a filter."),
                    "fields": names("Not supported: deleted records are not returned."),
                    "related": {"type": "string", "description": "Not supported."},
                    "continue": accepted("false only: every record is deleted, or none."),
                    "rollback": accepted("Accepted: writes here always roll back on error."),
                    "max_rows": max_rows
                }),
                &["table_name"],
            ),
            output(&json!({"meta": meta()}), &["meta"]),
        ),
        DfTool::GetStoredProcedures | DfTool::GetStoredFunctions => (
            format!(
                "The stored {} of this {database} database that this server calls, with their parameters.",
                if tool == DfTool::GetStoredProcedures { "procedures" } else { "functions" }
            ),
            input(&json!({}), &[]),
            output(&json!({"resource": resource()}), &["resource"]),
        ),
        DfTool::CallStoredProcedure | DfTool::CallStoredFunction => {
            let (kind, name) = if tool == DfTool::CallStoredProcedure {
                ("procedure", "procedure_name")
            } else {
                ("function", "function_name")
            };
            let mut properties = json!({
                name: {"type": "string", "description": format!("The {kind} as get_stored_{kind}s lists it.")},
                "parameters": {"type": ["object", "array"], "description": "Its parameters by name (get_stored_*s lists them); or DreamFactory's older list of {\"name\": .., \"value\": ..}."},
                "returns": {"type": "string", "description": "Accepted; values come back as the routine's own types."}
            });
            if tool == DfTool::CallStoredProcedure {
                properties["wrapper"] = json!({"type": "string", "description": "The name rows come back under (default: resource)."});
            }
            (
                format!("Call a stored {kind} of this {database} database. Rows come back under resource, a function's value as value, OUT parameters by name. A routine that may write runs in a transaction of its own, rolled back when it fails."),
                input(&properties, &[name]),
                output(
                    &json!({"resource": resource(), "value": {}, "truncated": {"type": "boolean"}}),
                    &[],
                ),
            )
        }
    };
    (description, input, output)
}

impl ToolSet {
    /// The `dreamfactory` profile: the tools that read always; the write tools with writes on
    /// and a table that can be written; the routine tools for each kind of routine served
    /// (read-only routines always, the others with writes on).
    pub(super) fn dreamfactory(
        catalog: &Catalog,
        dialect: &dyn Dialect,
        limits: &Limits,
        writes: bool,
    ) -> Self {
        let mut set = Self::empty(Profile::Dreamfactory);
        let served = served_routines(catalog, writes);
        let serves = |kind: RoutineKind| {
            served
                .iter()
                .any(|&index| catalog.routine(index).def.kind == kind)
        };
        let mut tools = vec![
            DfTool::GetDataModel,
            DfTool::GetTables,
            DfTool::GetTableSchema,
            DfTool::GetTableFields,
            DfTool::GetTableRelationships,
            DfTool::GetTableData,
            DfTool::AggregateData,
        ];
        if writes && catalog.tables().iter().any(Table::writable) {
            tools.extend([
                DfTool::CreateRecords,
                DfTool::UpdateRecords,
                DfTool::DeleteRecords,
            ]);
        }
        if serves(RoutineKind::Procedure) {
            tools.extend([DfTool::GetStoredProcedures, DfTool::CallStoredProcedure]);
        }
        if serves(RoutineKind::Function) {
            tools.extend([DfTool::GetStoredFunctions, DfTool::CallStoredFunction]);
        }
        // A call tool whose every routine only reads says so (the contract's rule for
        // read-only routines); DreamFactory's own says it may write.
        let only_reads = |kind: RoutineKind| {
            served
                .iter()
                .map(|&index| catalog.routine(index).def)
                .filter(|def| def.kind == kind)
                .all(|def| def.read_only)
        };
        for tool in tools {
            let (description, input, output) = definition(tool, dialect, limits);
            let annotations = match tool {
                DfTool::CallStoredProcedure if only_reads(RoutineKind::Procedure) => read_only(),
                DfTool::CallStoredFunction if only_reads(RoutineKind::Function) => read_only(),
                _ => tool.annotations(),
            };
            set.push(
                super::Action::DreamFactory(tool),
                Tool::new(tool.name(), description, input),
                output,
                annotations,
            );
        }
        set.routines = served;
        set
    }
}

/// A DreamFactory tool's arguments, by their snake_case names.
struct Arguments {
    tool: DfTool,
    values: Map<String, Value>,
}

/// `tableName` -> `table_name`.
fn snake_case(key: &str) -> String {
    let mut snake = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !snake.is_empty() {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

impl Arguments {
    /// `given` read as `tool`'s arguments: each by its name, or by another casing of it
    /// (`tableName`); any other key is refused, naming the nearest.
    fn read(tool: DfTool, given: &Map<String, Value>) -> Result<Self, ArgumentError> {
        let known = tool.arguments();
        let mut values = Map::new();
        for (key, value) in given {
            let name = if known.contains(&key.as_str()) {
                key.clone()
            } else {
                let snake = snake_case(key);
                if !known.contains(&snake.as_str()) {
                    return Err(unknown_argument(tool, key));
                }
                snake
            };
            if values.insert(name.clone(), value.clone()).is_some() {
                return Err(invalid(
                    tool,
                    format!("{name} is given twice (as {name} and as {key})"),
                ));
            }
        }
        Ok(Self { tool, values })
    }

    fn invalid(&self, what: impl std::fmt::Display) -> ArgumentError {
        invalid(self.tool, what)
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|value| !value.is_null())
    }

    fn string(&self, name: &str) -> Result<Option<&str>, ArgumentError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => {
                Err(self.invalid(format!("{name} must be a string; got {}", brief(other))))
            }
        }
    }

    fn required_string(&self, name: &str) -> Result<&str, ArgumentError> {
        self.string(name)?
            .ok_or_else(|| self.invalid(format!("{name} is required")))
    }

    /// A boolean: `true`/`false`, or their text (DreamFactory's query strings carry them so).
    fn flag(&self, name: &str) -> Result<bool, ArgumentError> {
        match self.get(name) {
            None => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Ok(false),
            Some(other) => Err(self.invalid(format!(
                "{name} must be true or false; got {}",
                brief(other)
            ))),
        }
    }

    /// A whole number of at least 0, or its text.
    fn count(&self, name: &str) -> Result<Option<u64>, ArgumentError> {
        let number = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(number)) => number.as_f64(),
            Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
            Some(_) => None,
        };
        match number {
            Some(number) if number >= 0.0 && number.fract() == 0.0 && number <= 9.0e15 => {
                Ok(Some(number as u64))
            }
            _ => Err(self.invalid(format!(
                "{name} must be a whole number of at least 0; got {}",
                self.get(name).map_or_else(String::new, brief)
            ))),
        }
    }

    /// Names: an array of strings, or a comma-separated string.
    fn names(&self, name: &str) -> Result<Option<Vec<String>>, ArgumentError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(
                text.split(',')
                    .map(|part| unquoted(part.trim()).to_owned())
                    .filter(|part| !part.is_empty())
                    .collect(),
            )),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str().map(str::to_owned).ok_or_else(|| {
                        self.invalid(format!("{name} lists names (strings); got {}", brief(item)))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.invalid(format!(
                "{name} must be an array of names or a comma-separated string; got {}",
                brief(other)
            ))),
        }
    }

    /// Refuses `related` (not supported) and `continue: true` for a write (every write here
    /// is all or nothing).
    fn refuse_unsupported(&self, write: bool) -> Result<(), ArgumentError> {
        if let Some(related) = self.get("related")
            && related.as_str().is_none_or(|text| !text.trim().is_empty())
        {
            return Err(self.invalid(
                "related is not supported by this server: read a related table with its own get_table_data call (get_table_relationships names the keys to filter on)",
            ));
        }
        if write && self.flag("continue")? {
            return Err(self.invalid(
                "continue=true is not supported: every write here is all or nothing (one transaction), so there is no failed record to continue past",
            ));
        }
        Ok(())
    }
}

fn invalid(tool: DfTool, what: impl std::fmt::Display) -> ArgumentError {
    ArgumentError::new(format!("Invalid arguments for {}: {what}", tool.name()))
}

fn unknown_argument(tool: DfTool, key: &str) -> ArgumentError {
    let known = tool.arguments();
    let snake = snake_case(key);
    let nearest = known
        .iter()
        .map(|name| (crate::catalog::edit_distance(&snake, name), *name))
        .min();
    match nearest {
        Some((distance, name)) if distance <= name.len().max(3) / 2 => invalid(
            tool,
            format!("unknown argument {key}, did you mean {name}?"),
        ),
        _ if known.is_empty() => invalid(tool, format!("unknown argument {key}; it takes none")),
        _ => invalid(
            tool,
            format!("unknown argument {key}; it takes {}", known.join(", ")),
        ),
    }
}

/// A name without the double quotes or backticks around it.
fn unquoted(name: &str) -> &str {
    for quote in ['"', '`'] {
        if let Some(inner) = name
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    name
}

/// DreamFactory's simple type of a column.
fn simple_type(table: &Table, column: usize) -> &'static str {
    let def = table.columns[column].def;
    let key = table.primary_key() == [column];
    match def.value {
        ValueKind::Integer if key && def.generated => "id",
        ValueKind::Boolean => "boolean",
        ValueKind::Integer => "integer",
        ValueKind::Float => "float",
        ValueKind::Decimal => "decimal",
        ValueKind::Text | ValueKind::Uuid | ValueKind::Scalar => "string",
        ValueKind::Date => "date",
        ValueKind::Time => "time",
        ValueKind::Timestamp => "datetime",
        ValueKind::TimestampTz => "timestamp",
        ValueKind::Bytes => "binary",
        ValueKind::Json => "json",
        ValueKind::Array => "array",
    }
}

impl CallContext<'_> {
    /// Runs a DreamFactory tool.
    pub(super) async fn dreamfactory(
        &self,
        tool: DfTool,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let arguments = Arguments::read(tool, arguments)?;
        match tool {
            DfTool::GetDataModel => Ok(self.data_model()),
            DfTool::GetTables => Ok(self.df_tables()),
            DfTool::GetTableSchema => {
                let table = self.df_table(&arguments)?;
                Ok(self.table_schema(table))
            }
            DfTool::GetTableFields => {
                let table = self.df_table(&arguments)?;
                Ok(json!({ "resource": self.fields(table) }))
            }
            DfTool::GetTableRelationships => {
                let table = self.df_table(&arguments)?;
                Ok(json!({ "resource": self.relationships(table) }))
            }
            DfTool::GetTableData => self.table_data(&arguments).await,
            DfTool::AggregateData => self.aggregate_data(&arguments).await,
            DfTool::CreateRecords => self.create_records(&arguments).await,
            DfTool::UpdateRecords => self.update_records(&arguments).await,
            DfTool::DeleteRecords => self.delete_records(&arguments).await,
            DfTool::GetStoredProcedures => Ok(self.df_routines(RoutineKind::Procedure)),
            DfTool::GetStoredFunctions => Ok(self.df_routines(RoutineKind::Function)),
            DfTool::CallStoredProcedure => {
                self.call_stored(&arguments, RoutineKind::Procedure).await
            }
            DfTool::CallStoredFunction => self.call_stored(&arguments, RoutineKind::Function).await,
        }
    }

    /// The table `table_name` names.
    fn df_table(&self, arguments: &Arguments) -> Result<&Table, CallError> {
        let name = arguments.required_string("table_name")?;
        match self.catalog.find(name) {
            Some(index) => Ok(self.catalog.table(index)),
            None => {
                let similar = self.catalog.similar_names(name);
                let hint = if similar.is_empty() {
                    "get_tables lists them".to_owned()
                } else {
                    format!(
                        "did you mean {}? (get_tables lists them)",
                        similar.join(", ")
                    )
                };
                Err(ArgumentError::new(format!(
                    "Resource Error: no table or view named {name:?}; {hint}"
                ))
                .into())
            }
        }
    }

    /// A writable table `table_name` names.
    fn df_writable_table(&self, arguments: &Arguments) -> Result<&Table, CallError> {
        let table = self.df_table(arguments)?;
        if !table.writable() {
            return Err(arguments
                .invalid(format!(
                    "{:?} is a view or is served read-only: its records cannot be written",
                    table.display_name()
                ))
                .into());
        }
        Ok(table)
    }

    fn df_tables(&self) -> Value {
        let tables: Vec<Value> = self
            .catalog
            .tables()
            .iter()
            .map(|table| {
                let mut entry = json!({
                    "name": table.display_name(),
                    "is_view": table.def.kind == TableKind::View,
                });
                if let Some(description) = table.def.description {
                    entry["description"] = json!(description);
                }
                entry
            })
            .collect();
        json!({ "resource": tables })
    }

    /// The display name of the table a foreign key names.
    fn referenced_name(&self, schema: Option<&str>, table: &str) -> String {
        match schema {
            Some(schema) if schema != self.dialect().default_schema() => {
                format!("{schema}.{table}")
            }
            _ => table.to_owned(),
        }
    }

    /// Each column of `table` as DreamFactory describes a field.
    fn fields(&self, table: &Table) -> Vec<Value> {
        (0..table.columns.len())
            .map(|index| {
                let column = &table.columns[index];
                let def = column.def;
                let reference = table.def.foreign_keys.iter().find_map(|key| {
                    key.columns
                        .iter()
                        .position(|name| *name == def.name)
                        .map(|at| (key, at))
                });
                let unique = table
                    .def
                    .unique_keys
                    .iter()
                    .any(|key| key.columns == [def.name]);
                let mut field = json!({
                    "name": def.name,
                    "label": def.name,
                    "type": simple_type(table, index),
                    "db_type": def.sql_type,
                    "allow_null": def.nullable,
                    "default": def.default,
                    "auto_increment": def.generated,
                    "is_primary_key": table.primary_key().contains(&index),
                    "is_unique": unique || table.primary_key() == [index],
                    "is_foreign_key": reference.is_some(),
                    "ref_table": reference.map(|(key, _)| self.referenced_name(key.referenced_schema, key.referenced_table)),
                    "ref_field": reference.and_then(|(key, at)| key.referenced_columns.get(at).copied()),
                    "read_only": def.read_only,
                });
                if !def.allowed_values().is_empty() {
                    field["picklist"] = json!(def.allowed_values());
                }
                if let Some(description) = def.description {
                    field["description"] = json!(description);
                }
                field
            })
            .collect()
    }

    /// The relationships of `table`: `belongs_to` for its foreign keys, `has_many` for those
    /// of served tables that point at it, named as DreamFactory names them.
    fn relationships(&self, table: &Table) -> Vec<Value> {
        let mut related: Vec<Value> = table
            .def
            .foreign_keys
            .iter()
            .map(|key| {
                let target = self.referenced_name(key.referenced_schema, key.referenced_table);
                json!({
                    "name": format!("{}_by_{}", target, key.columns.join("_")),
                    "type": "belongs_to",
                    "field": key.columns.join(","),
                    "ref_table": target,
                    "ref_field": key.referenced_columns.join(","),
                    "constraint": key.name,
                })
            })
            .collect();
        related.extend(table.referenced_by.iter().map(|inbound| {
            let other = self.catalog.table(inbound.table);
            let key = &other.def.foreign_keys[inbound.key];
            json!({
                "name": format!("{}_by_{}", other.display_name(), key.columns.join("_")),
                "type": "has_many",
                "field": key.referenced_columns.join(","),
                "ref_table": other.display_name(),
                "ref_field": key.columns.join(","),
                "constraint": key.name,
            })
        }));
        related
    }

    fn table_schema(&self, table: &Table) -> Value {
        let primary_key: Vec<&str> = table
            .primary_key()
            .iter()
            .map(|&column| table.column_name(column))
            .collect();
        json!({
            "name": table.display_name(),
            "label": table.def.name,
            "description": table.def.description,
            "is_view": table.def.kind == TableKind::View,
            "primary_key": primary_key,
            "field": self.fields(table),
            "related": self.relationships(table),
        })
    }

    /// Every table with its fields, condensed; as many tables as one result holds.
    fn data_model(&self) -> Value {
        let mut tables = Vec::new();
        let mut bytes = 0;
        let mut truncated = false;
        for table in self.catalog.tables() {
            let fields: Vec<Value> = (0..table.columns.len())
                .map(|index| {
                    let def = table.columns[index].def;
                    let mut field = json!({"name": def.name, "type": simple_type(table, index)});
                    if table.primary_key().contains(&index) {
                        field["pk"] = json!(true);
                    }
                    if !def.nullable {
                        field["required"] = json!(true);
                    }
                    if let Some((key, at)) = table.def.foreign_keys.iter().find_map(|key| {
                        key.columns
                            .iter()
                            .position(|name| *name == def.name)
                            .map(|at| (key, at))
                    }) {
                        field["ref"] = json!(format!(
                            "{}.{}",
                            self.referenced_name(key.referenced_schema, key.referenced_table),
                            key.referenced_columns.get(at).copied().unwrap_or_default()
                        ));
                    }
                    field
                })
                .collect();
            let mut entry = json!({"name": table.display_name(), "fields": fields});
            if table.def.kind == TableKind::View {
                entry["is_view"] = json!(true);
            }
            let size = serde_json::to_string(&entry).map_or(0, |text| text.len());
            if bytes + size > self.limits.max_result_bytes {
                truncated = true;
                break;
            }
            bytes += size;
            tables.push(entry);
        }
        let mut model = json!({ "resource": tables });
        if truncated {
            model["truncated"] = json!(true);
        }
        model
    }

    /// `get_table_data`: the rows a filter and ids let through, in order, from an offset.
    async fn table_data(&self, arguments: &Arguments) -> Result<Value, CallError> {
        let table = self.df_table(arguments)?;
        arguments.refuse_unsupported(false)?;
        arguments.flag("continue")?;
        let filter = where_of(table, arguments)?;
        let mut typed = Map::new();
        if let Some(filter) = &filter {
            typed.insert("where".to_owned(), filter.clone());
        }
        if arguments.flag("count_only")? {
            let count = self.count(table, &typed).await?;
            return Ok(json!({ "meta": { "count": count["count"] } }));
        }
        let counted = if arguments.flag("include_count")? {
            Some(self.count(table, &typed).await?["count"].clone())
        } else {
            None
        };
        if let Some(text) = arguments.string("order")? {
            let keys = df_filter::parse_order(text)?;
            let order_by = keys
                .iter()
                .map(|(name, descending)| {
                    let column = column_named(table, name)
                        .ok_or_else(|| unknown_column(table, name, "order", ""))?;
                    Ok(json!({
                        "column": table.column_name(column),
                        "direction": if *descending { "desc" } else { "asc" },
                    }))
                })
                .collect::<Result<Vec<_>, ArgumentError>>()?;
            if !order_by.is_empty() {
                typed.insert("order_by".to_owned(), Value::Array(order_by));
            }
        }
        if let Some(columns) = fields_of(table, arguments)? {
            let names: Vec<&str> = columns.iter().map(|&c| table.column_name(c)).collect();
            typed.insert("columns".to_owned(), json!(names));
        }
        // DreamFactory reads a limit below 1, above the most, or none, as the most.
        let most = u64::from(self.limits.max_limit);
        let below_one = arguments
            .get("limit")
            .and_then(Value::as_f64)
            .is_some_and(|limit| limit < 1.0);
        let limit = match arguments.count("limit") {
            _ if below_one => most,
            Ok(Some(limit)) if limit >= 1 => limit.min(most),
            Ok(_) => most,
            Err(error) => return Err(error.into()),
        };
        typed.insert("limit".to_owned(), json!(limit));
        let offset = arguments.count("offset")?.unwrap_or(0);
        let mut plan = PagePlan::parse(table, &typed, self.limits)?;
        plan.skip(offset)?;
        // DreamFactory lowers a larger limit to the largest: only a page cut by its size is
        // truncated.
        let page = self.list_plan(table, &plan, u64::from(plan.limit)).await?;
        let rows = page["rows"].as_array().cloned().unwrap_or_default();
        let mut meta = Map::new();
        if let Some(count) = counted {
            meta.insert("count".to_owned(), count);
        }
        if !page["next_cursor"].is_null() {
            meta.insert("next_offset".to_owned(), json!(offset + rows.len() as u64));
        }
        if page.get("truncated").is_some() {
            meta.insert("truncated".to_owned(), json!(true));
        }
        if arguments.flag("include_schema")? {
            meta.insert("schema".to_owned(), self.table_schema(table));
        }
        let mut result = json!({ "resource": rows });
        if !meta.is_empty() {
            result["meta"] = Value::Object(meta);
        }
        Ok(result)
    }

    /// `aggregate_data`: functions over the rows a filter lets through, per group.
    async fn aggregate_data(&self, arguments: &Arguments) -> Result<Value, CallError> {
        let table = self.df_table(arguments)?;
        let filter = match arguments.string("filter")? {
            Some(text) => df_filter::read(table, text)?.map(|(_, filter)| filter),
            None => None,
        };
        let request = AggregateRequest::parse(
            table,
            arguments.get("aggregates"),
            arguments.get("group_by"),
            filter,
            self.limits,
        )
        .map_err(|error| arguments.invalid(error))?;
        let statement = sql::select_aggregate(self.dialect(), table, &request);
        let rows = self
            .database
            .fetch_rows(self.session, table, &statement)
            .await?;
        let names: Vec<&str> = request
            .group_by
            .iter()
            .map(|&column| table.column_name(column))
            .chain(request.aggregates.iter().map(|a| a.alias.as_str()))
            .collect();
        let mut results = Vec::new();
        let mut bytes = 0;
        let mut truncated = rows.len() > request.limit as usize;
        for values in rows.into_iter().take(request.limit as usize) {
            let row: Map<String, Value> = names
                .iter()
                .map(|name| (*name).to_owned())
                .zip(values)
                .collect();
            let row = Value::Object(row);
            let size = serde_json::to_string(&row).map_or(0, |text| text.len());
            if bytes + size > self.limits.max_result_bytes {
                truncated = true;
                break;
            }
            bytes += size;
            results.push(row);
        }
        let mut result = json!({
            "results": results,
            "mode": "server-side",
            "groups": results.len(),
        });
        if truncated {
            result["truncated"] = json!(true);
        }
        Ok(result)
    }

    /// `create_records`: every record, or none.
    async fn create_records(&self, arguments: &Arguments) -> Result<Value, CallError> {
        let table = self.df_writable_table(arguments)?;
        arguments.refuse_unsupported(true)?;
        arguments.flag("rollback")?;
        let records = arguments.get("records").ok_or_else(|| {
            arguments.invalid("records is required: the records to create, as objects")
        })?;
        let inserted = self
            .insert(
                table,
                &Map::from_iter([("rows".to_owned(), records.clone())]),
            )
            .await?;
        Ok(json!({ "resource": written(table, arguments, &inserted["rows"])? }))
    }

    /// `update_records`: with ids or a filter, the one record's values in every record they
    /// match; without, the one record's values in the record its primary key names.
    async fn update_records(&self, arguments: &Arguments) -> Result<Value, CallError> {
        let table = self.df_writable_table(arguments)?;
        arguments.refuse_unsupported(true)?;
        arguments.flag("rollback")?;
        let records = match arguments.get("records") {
            Some(Value::Array(records)) if records.len() == 1 => records,
            Some(Value::Array(records)) if records.is_empty() => {
                return Err(arguments
                    .invalid("records holds no record: give one, the values to set")
                    .into());
            }
            Some(Value::Array(_)) => {
                return Err(arguments
                    .invalid("update_records takes one record per call (each call is one all-or-nothing transaction): with ids or filter, the one record holds the values to set in every record they match; without, it holds a record's primary key and its new values")
                    .into());
            }
            Some(Value::Object(_)) | None | Some(_) => {
                return Err(arguments
                    .invalid("records must be an array of one record (an object)")
                    .into());
            }
        };
        let Value::Object(record) = &records[0] else {
            return Err(arguments
                .invalid(format!(
                    "records[0] must be an object of field values; got {}",
                    brief(&records[0])
                ))
                .into());
        };
        let mut typed = Map::new();
        let mut set = record.clone();
        let filter = match where_of(table, arguments)? {
            Some(filter) => filter,
            None => {
                // The record names itself by its primary key.
                let key = table.primary_key();
                if key.is_empty() {
                    return Err(arguments
                        .invalid(format!("{:?} has no primary key: give ids or filter to say which records to update", table.display_name()))
                        .into());
                }
                let mut filter = Map::new();
                for &column in key {
                    let name = table.column_name(column);
                    let given = record
                        .keys()
                        .find(|field| column_named(table, field) == Some(column))
                        .cloned();
                    let Some(given) = given else {
                        return Err(arguments
                            .invalid(format!("records[0] needs the primary key ({name}) to say which record to update, or give ids or filter"))
                            .into());
                    };
                    if let Some(value) = set.remove(&given) {
                        filter.insert(name.to_owned(), value);
                    }
                }
                Value::Object(filter)
            }
        };
        if set.is_empty() {
            return Err(arguments
                .invalid("records[0] holds no value to set besides the primary key")
                .into());
        }
        typed.insert("where".to_owned(), filter);
        typed.insert("set".to_owned(), Value::Object(set));
        if let Some(max_rows) = arguments.get("max_rows") {
            typed.insert("max_rows".to_owned(), max_rows.clone());
        }
        let updated = self.update(table, &typed).await?;
        Ok(json!({
            "resource": written(table, arguments, &updated["rows"])?,
            "meta": {"count": updated["updated"]},
        }))
    }

    /// `delete_records`: the records ids or a filter match, all or none.
    async fn delete_records(&self, arguments: &Arguments) -> Result<Value, CallError> {
        let table = self.df_writable_table(arguments)?;
        arguments.refuse_unsupported(true)?;
        arguments.flag("rollback")?;
        arguments.flag("force")?;
        if arguments
            .names("fields")?
            .is_some_and(|fields| !fields.is_empty())
        {
            return Err(arguments
                .invalid("fields is not supported: delete_records returns how many records it deleted (meta.count), not the records")
                .into());
        }
        let Some(filter) = where_of(table, arguments)? else {
            return Err(arguments
                .invalid("delete_records needs ids or filter to say which records to delete (deleting every record is refused, force or not)")
                .into());
        };
        let mut typed = Map::from_iter([("where".to_owned(), filter)]);
        if let Some(max_rows) = arguments.get("max_rows") {
            typed.insert("max_rows".to_owned(), max_rows.clone());
        }
        let deleted = self.delete(table, &typed).await?;
        Ok(json!({ "meta": {"count": deleted["deleted"]} }))
    }

    /// `get_stored_procedures`, `get_stored_functions`: the served routines of `kind`, with
    /// their parameters.
    fn df_routines(&self, kind: RoutineKind) -> Value {
        let routines: Vec<Value> = self
            .tools
            .served_routines()
            .iter()
            .filter(|&&index| self.catalog.routine(index).def.kind == kind)
            .map(|&index| {
                let routine = self.catalog.routine(index);
                let def = routine.def;
                let fields = &routine.fields;
                let parameters: Vec<Value> = def
                    .fields_where(FieldRole::is_argument)
                    .into_iter()
                    .map(|field| {
                        json!({
                            "name": fields.column_name(field),
                            "type": fields.columns[field].json_type(),
                            "db_type": fields.columns[field].def.sql_type,
                            "required": !matches!(def.roles[field], FieldRole::In { optional: true }),
                            "param_type": match def.roles[field] {
                                FieldRole::InOut => "INOUT",
                                FieldRole::Variadic => "VARIADIC",
                                _ => "IN",
                            },
                        })
                    })
                    .collect();
                json!({
                    "name": self.routine_argument(index),
                    "description": routine.fields.def.description,
                    "read_only": def.read_only,
                    "signature": def.signature,
                    "returns": match def.returns {
                        Returns::Nothing => "nothing",
                        Returns::Value => "value",
                        Returns::Rows | Returns::ResultSets => "rows",
                        Returns::Out => "out parameters",
                    },
                    "params": parameters,
                })
            })
            .collect();
        json!({ "resource": routines })
    }

    /// `call_stored_procedure`, `call_stored_function`: the routine of `kind` the name
    /// argument names, with `parameters`; rows under `wrapper` (`resource`), a function's
    /// value as `value`, OUT values by name.
    async fn call_stored(
        &self,
        arguments: &Arguments,
        kind: RoutineKind,
    ) -> Result<Value, CallError> {
        let (name_argument, kind_name, other_tool) = match kind {
            RoutineKind::Procedure => ("procedure_name", "procedure", "call_stored_function"),
            RoutineKind::Function => ("function_name", "function", "call_stored_procedure"),
        };
        let name = arguments.required_string(name_argument)?;
        let index = self.find_routine(name)?;
        let routine: &Routine = self.catalog.routine(index);
        if routine.def.kind != kind {
            return Err(arguments
                .invalid(format!(
                    "{name:?} is not a {kind_name}: call it with {other_tool}"
                ))
                .into());
        }
        arguments.string("returns")?;
        let wrapper = arguments
            .string("wrapper")?
            .unwrap_or("resource")
            .to_owned();
        let parameters = match arguments.get("parameters") {
            None => Map::new(),
            Some(Value::Object(parameters)) => parameters.clone(),
            // DreamFactory's older form: [{"name": .., "value": ..}, ..].
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match (item.get("name").and_then(Value::as_str), item.get("value")) {
                    (Some(name), Some(value)) => Ok((name.to_owned(), value.clone())),
                    _ => Err(arguments.invalid(format!(
                        "parameters as a list holds {{\"name\": .., \"value\": ..}} objects; got {}",
                        brief(item)
                    ))),
                })
                .collect::<Result<Map<_, _>, _>>()?,
            Some(other) => {
                return Err(arguments
                    .invalid(format!(
                        "parameters must be an object of the {kind_name}'s parameters by name; got {}",
                        brief(other)
                    ))
                    .into());
            }
        };
        let called = self.call_routine(routine, &parameters).await?;
        let mut result = Map::new();
        if let Some(Value::Object(out)) = called.get("out") {
            result.extend(out.clone());
        }
        if let Some(value) = called.get("value") {
            result.insert("value".to_owned(), value.clone());
        }
        if let Some(rows) = called.get("rows") {
            result.insert(wrapper, rows.clone());
        }
        if let Some(truncated) = called.get("truncated") {
            result.insert("truncated".to_owned(), truncated.clone());
        }
        Ok(Value::Object(result))
    }
}

/// The `where` a `filter` string and `ids` make, checked: `None` when neither is given.
fn where_of(table: &Table, arguments: &Arguments) -> Result<Option<Value>, ArgumentError> {
    let mut parts = Vec::new();
    if let Some(text) = arguments.string("filter")?
        && let Some((filter, _)) = df_filter::read(table, text)?
    {
        parts.push(filter);
    }
    if let Some(ids) = ids_of(table, arguments)? {
        parts.push(ids);
    }
    Ok(match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(json!({ "and": parts })),
    })
}

/// `ids` as a filter on the primary key, checked.
fn ids_of(table: &Table, arguments: &Arguments) -> Result<Option<Value>, ArgumentError> {
    let values: Vec<Value> = match arguments.get("ids") {
        None => return Ok(None),
        Some(Value::Array(values)) => values.clone(),
        Some(Value::String(text)) => text
            .split(',')
            .map(|id| Value::String(id.trim().to_owned()))
            .collect(),
        Some(Value::Number(number)) => vec![Value::Number(number.clone())],
        Some(other) => {
            return Err(arguments.invalid(format!(
                "ids must be an array of primary key values; got {}",
                brief(other)
            )));
        }
    };
    let &[key] = table.primary_key() else {
        return Err(arguments.invalid(format!(
            "ids needs a primary key of one column, and {:?} has {}; use filter",
            table.display_name(),
            if table.primary_key().is_empty() {
                "none".to_owned()
            } else {
                format!("a key of {} columns", table.primary_key().len())
            }
        )));
    };
    let mut filter = json!({ table.column_name(key): { "in": values } });
    df_filter::read_literals(table, &mut filter);
    df_filter::check(table, &filter, "ids")?;
    Ok(Some(filter))
}

/// `fields` read as columns of `table`: `None` for every column (`*`, or none given).
fn fields_of(table: &Table, arguments: &Arguments) -> Result<Option<Vec<usize>>, ArgumentError> {
    let Some(names) = arguments.names("fields")? else {
        return Ok(None);
    };
    if names.is_empty() || names.iter().any(|name| name == "*") {
        return Ok(None);
    }
    names
        .iter()
        .map(|name| {
            column_named(table, name).ok_or_else(|| unknown_column(table, name, "fields", ""))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The records a write returned, with the fields `fields` asks for: by default the primary
/// key (every column of a table without one), `*` for every column.
fn written(table: &Table, arguments: &Arguments, rows: &Value) -> Result<Vec<Value>, CallError> {
    let columns = match fields_of(table, arguments)? {
        Some(columns) => columns,
        None if arguments.names("fields")?.is_some() || table.primary_key().is_empty() => {
            (0..table.columns.len()).collect()
        }
        None => table.primary_key().to_vec(),
    };
    let selected: Vec<Selected> = columns.iter().copied().map(Selected::Column).collect();
    Ok(rows
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    let values = columns
                        .iter()
                        .map(|&column| row[table.column_name(column)].clone())
                        .collect();
                    row_object(table, &selected, values)
                })
                .collect()
        })
        .unwrap_or_default())
}

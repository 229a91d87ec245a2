//! The `compact` profile: a fixed set of tools whatever the schema's size. Each names its table
//! (or routine) in an argument, then runs as the typed tool of that table would: the same
//! request types, filter language, values, checks and results. Only the naming differs.

use serde_json::{Map, Value, json};

use super::{Action, CallContext, CallError, ToolSet, read_only, schema};
use crate::catalog::Catalog;
use crate::config::{Limits, Profile};
use crate::dialect::Dialect;
use crate::query::ArgumentError;
use mcpgen_rules::tools::Verb;
use rmcp::model::{Tool, ToolAnnotations};

/// The name of the compact tool that does `verb` to the table its `table` argument names.
pub(super) fn tool_name(verb: Verb) -> &'static str {
    match verb {
        Verb::List => "query",
        Verb::Get => "get",
        Verb::Count => "count",
        Verb::Insert => "insert",
        Verb::Update => "update",
        Verb::Delete => "delete",
    }
}

/// What each compact tool says of itself, as its typed counterpart, leaving out the hints
/// whose default it has (`readOnlyHint: false`, `idempotentHint: false`).
fn annotations(verb: Verb) -> ToolAnnotations {
    match verb {
        Verb::List | Verb::Get | Verb::Count => read_only(),
        Verb::Insert => ToolAnnotations::new().destructive(false).open_world(false),
        Verb::Update | Verb::Delete => ToolAnnotations::new()
            .destructive(true)
            .idempotent(true)
            .open_world(false),
    }
}

/// The filter language, said once (in `query`'s `where`); the other tools point at it.
const FILTER: &str = "{COL: VALUE | {OP: VALUE}, \"and\"|\"or\": [FILTER], \"not\": FILTER}; keys AND; OP: eq ne gt gte lt lte in nin like ilike is_null; COL as describe_table names it.";

/// `table`: described once, in `query`.
fn table_argument(verb: Verb) -> Value {
    if verb == Verb::List {
        json!({"type": "string", "description": "As list_tables names it."})
    } else {
        json!({"type": "string"})
    }
}

fn filter_argument(verb: Verb) -> Value {
    if verb == Verb::List {
        json!({"type": "object", "description": FILTER})
    } else {
        json!({"type": "object"})
    }
}

fn row_objects() -> Value {
    json!({"type": "array", "items": {"type": "object"}})
}

/// The input and output schemas and the description of the compact tool for `verb`.
fn verb_tool(verb: Verb, limits: &Limits) -> (Map<String, Value>, Map<String, Value>, String) {
    let max_rows = json!({
        "type": "integer",
        "minimum": 1,
        "maximum": limits.max_write_rows
    });
    let (input, output, description) = match verb {
        Verb::List => (
            json!({
                "type": "object",
                "properties": {
                    "table": table_argument(verb),
                    "where": filter_argument(verb),
                    "order_by": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "column": {"type": "string"},
                                "direction": {"enum": ["asc", "desc"]}
                            },
                            "required": ["column"],
                            "additionalProperties": false
                        }
                    },
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "limit": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": limits.max_limit,
                        "default": limits.default_limit.min(limits.max_limit)
                    },
                    "cursor": {"type": "string"}
                },
                "required": ["table"],
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {"rows": row_objects(), "next_cursor": {"type": ["string", "null"]}},
                "required": ["rows", "next_cursor"]
            }),
            "Rows of a table or view; pass next_cursor back as `cursor` for the next page.",
        ),
        Verb::Count => (
            json!({
                "type": "object",
                "properties": {"table": table_argument(verb), "where": filter_argument(verb)},
                "required": ["table"],
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {"count": {"type": "integer"}},
                "required": ["count"]
            }),
            "Counts the rows of a table or view that match `where`.",
        ),
        Verb::Get => (
            json!({
                "type": "object",
                "properties": {
                    "table": table_argument(verb),
                    "key": {"type": "object", "description": "The primary key by column."}
                },
                "required": ["table", "key"],
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {"row": {"type": ["object", "null"]}},
                "required": ["row"]
            }),
            "One row of a table by its primary key (null when none).",
        ),
        Verb::Insert => (
            json!({
                "type": "object",
                "properties": {
                    "table": table_argument(verb),
                    "rows": {"type": "array", "items": {"type": "object"}, "maxItems": limits.max_write_rows}
                },
                "required": ["table", "rows"],
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {"rows": row_objects()},
                "required": ["rows"]
            }),
            "Adds rows to a table, all or none; returns them as stored.",
        ),
        Verb::Update => (
            json!({
                "type": "object",
                "properties": {
                    "table": table_argument(verb),
                    "where": filter_argument(verb),
                    "set": {"type": "object"},
                    "max_rows": max_rows
                },
                "required": ["table", "where", "set"],
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {"updated": {"type": "integer"}, "rows": row_objects()},
                "required": ["updated", "rows"]
            }),
            "Sets `set` in the rows matching `where`, all or none (none past max_rows); returns them.",
        ),
        Verb::Delete => (
            json!({
                "type": "object",
                "properties": {
                    "table": table_argument(verb),
                    "where": filter_argument(verb),
                    "max_rows": max_rows
                },
                "required": ["table", "where"],
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {"deleted": {"type": "integer"}},
                "required": ["deleted"]
            }),
            "Deletes the rows matching `where`, all or none (none past max_rows).",
        ),
    };
    (
        schema::object(input),
        schema::object(output),
        description.to_owned(),
    )
}

impl ToolSet {
    /// The `compact` profile: `list_tables`, `describe_table`, `query`, `count`, `get`; with
    /// writes, `insert`, `update`, `delete`; with routines served, `list_routines` and `call`.
    pub(super) fn compact(
        catalog: &Catalog,
        dialect: &dyn Dialect,
        limits: &Limits,
        writes: bool,
    ) -> Self {
        let mut set = Self::empty(Profile::Compact);
        set.push_database_tools(catalog, dialect, true);
        let mut verbs = vec![Verb::List, Verb::Count];
        if catalog
            .tables()
            .iter()
            .any(|table| !table.primary_key().is_empty())
        {
            verbs.push(Verb::Get);
        }
        if writes && catalog.tables().iter().any(|table| table.writable()) {
            verbs.extend([Verb::Insert, Verb::Update, Verb::Delete]);
        }
        for verb in verbs {
            let (input, output, description) = verb_tool(verb, limits);
            set.push(
                Action::AnyTable(verb),
                Tool::new(tool_name(verb), description, input),
                output,
                annotations(verb),
            );
        }
        let served = super::served_routines(catalog, writes);
        if !served.is_empty() {
            set.push_list_routines(dialect, true);
            let read_only_only = served
                .iter()
                .all(|&index| catalog.routine(index).def.read_only);
            set.push(
                Action::AnyRoutine,
                Tool::new(
                    "call",
                    "Calls a routine (as list_routines names it) with `arguments` by name: gives `value`, `rows` or `out`.",
                    schema::object(json!({
                        "type": "object",
                        "properties": {
                            "routine": {"type": "string"},
                            "arguments": {"type": "object"}
                        },
                        "required": ["routine"],
                        "additionalProperties": false
                    })),
                ),
                schema::object(json!({
                    "type": "object",
                    "properties": {
                        "value": {},
                        "rows": row_objects(),
                        "out": {"type": "object"},
                        "truncated": {"type": "boolean"}
                    }
                })),
                if read_only_only {
                    read_only()
                } else {
                    ToolAnnotations::new().destructive(true).open_world(false)
                },
            );
        }
        set.routines = served;
        set
    }
}

impl CallContext<'_> {
    /// A compact table tool: the typed tool `verb` of the table `table` names, with the other
    /// arguments (`key`'s columns for `get`).
    pub(super) async fn any_table(
        &self,
        verb: Verb,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let mut arguments = arguments.clone();
        let name = match arguments.remove("table") {
            Some(Value::String(name)) => name,
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "table: expected a table's name as a string, got {other}"
                ))
                .into());
            }
            None => {
                return Err(ArgumentError::new(format!(
                    "{} needs `table`, a table's name as list_tables gives it",
                    tool_name(verb)
                ))
                .into());
            }
        };
        let index = self.find_table(&name)?;
        let table = self.catalog.table(index);
        if !self.tools_of(index).contains(&tool_name(verb)) {
            let why = match verb {
                Verb::Get => "it has no primary key: use query with a `where`",
                _ if !table.writable() => "it is a view or is served read-only",
                _ => "writes are off",
            };
            return Err(ArgumentError::new(format!(
                "{} cannot be used on {:?}: {why}",
                tool_name(verb),
                table.display_name()
            ))
            .into());
        }
        match verb {
            Verb::List => self.list(table, &arguments).await,
            Verb::Count => self.count(table, &arguments).await,
            Verb::Get => {
                if let Some(other) = arguments.keys().find(|key| *key != "key") {
                    return Err(ArgumentError::new(format!(
                        "get takes `table` and `key`; got {other:?}"
                    ))
                    .into());
                }
                let Some(Value::Object(key)) = arguments.remove("key") else {
                    let names: Vec<&str> = table
                        .primary_key()
                        .iter()
                        .map(|&c| table.column_name(c))
                        .collect();
                    return Err(ArgumentError::new(format!(
                        "key: expected an object of the primary key's columns of {:?}: {}",
                        table.display_name(),
                        names.join(", ")
                    ))
                    .into());
                };
                self.get(table, &key).await
            }
            Verb::Insert => self.insert(table, &arguments).await,
            Verb::Update => self.update(table, &arguments).await,
            Verb::Delete => self.delete(table, &arguments).await,
        }
    }

    /// `call`: the routine `routine` names, with `arguments`.
    pub(super) async fn any_routine(
        &self,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        if let Some(other) = arguments
            .keys()
            .find(|key| *key != "routine" && *key != "arguments")
        {
            return Err(ArgumentError::new(format!(
                "call takes `routine` and `arguments`; got {other:?}"
            ))
            .into());
        }
        let name = arguments
            .get("routine")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ArgumentError::new(
                    "call needs `routine`, a routine's name as list_routines gives it",
                )
            })?;
        let index = self.find_routine(name)?;
        let empty = Map::new();
        let routine_arguments = match arguments.get("arguments") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(values)) => values,
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "arguments: expected an object of the routine's parameters by name, got {other}"
                ))
                .into());
            }
        };
        self.call_routine(self.catalog.routine(index), routine_arguments)
            .await
    }

    /// The served routine `name` names: as list_routines gives it (`schema.name` outside the
    /// default schema), or as the `R` of its typed tool (which tells overloads apart).
    pub(super) fn find_routine(&self, name: &str) -> Result<usize, CallError> {
        let served = self.tools.served_routines();
        let matches: Vec<usize> = served
            .iter()
            .copied()
            .filter(|&index| {
                let routine = self.catalog.routine(index);
                routine.fields.tool_base == name
            })
            .chain(served.iter().copied().filter(|&index| {
                let routine = self.catalog.routine(index);
                routine.display_name() == name || routine.fields.def.name == name
            }))
            .collect();
        match matches.as_slice() {
            [index, ..] if self.catalog.routine(*index).fields.tool_base == name => Ok(*index),
            [index] => Ok(*index),
            [] => {
                let names: Vec<String> = served
                    .iter()
                    .map(|&index| self.routine_argument(index))
                    .collect();
                Err(ArgumentError::new(format!(
                    "no routine named {name:?} is served; the routines are {}",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ))
                .into())
            }
            overloads => {
                let names: Vec<String> = overloads
                    .iter()
                    .map(|&index| {
                        let routine = self.catalog.routine(index);
                        format!(
                            "{} ({})",
                            routine.fields.tool_base,
                            routine.def.signature.unwrap_or("")
                        )
                    })
                    .collect();
                Err(ArgumentError::new(format!(
                    "{name:?} names {} overloads; name one: {}",
                    overloads.len(),
                    names.join(", ")
                ))
                .into())
            }
        }
    }

    /// What `call` takes as `routine` for the routine at `index`: its name, or where
    /// overloads share it, the `R` of its typed tool.
    pub(super) fn routine_argument(&self, index: usize) -> String {
        let routine = self.catalog.routine(index);
        let display = routine.display_name();
        let shared = self
            .tools
            .served_routines()
            .iter()
            .filter(|&&other| self.catalog.routine(other).display_name() == display)
            .count();
        if shared > 1 {
            routine.fields.tool_base.to_owned()
        } else {
            display
        }
    }

    /// The table `name` names, or an error listing the nearest names.
    pub(super) fn find_table(&self, name: &str) -> Result<usize, CallError> {
        self.catalog.find(name).ok_or_else(|| {
            let similar = self.catalog.similar_names(name);
            let hint = if similar.is_empty() {
                "call list_tables for the names".to_owned()
            } else {
                format!(
                    "did you mean {}? (list_tables gives every name)",
                    similar.join(", ")
                )
            };
            ArgumentError::new(format!("no table or view named {name:?}; {hint}")).into()
        })
    }
}

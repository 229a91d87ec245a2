//! The JSON Schemas of the tools: input schemas that list each table's columns with their
//! types and operators, and output schemas that `structuredContent` conforms to.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::{Catalog, Column, Operator, Routine, Table};
use crate::config::Limits;
use crate::query::InsertRule;
use crate::routine::{FieldRole, Returns};
use crate::table::ValueKind;

/// Above this many tables, `describe_table` lists no `enum` of names (it would be long).
const MAX_TABLE_ENUM: usize = 200;

/// `list_T`'s input: where, order_by, columns, limit, cursor.
pub(crate) fn list_input(table: &Table, limits: &Limits) -> Map<String, Value> {
    let mut defs = Defs::default();
    let filter = defs.filter(table);
    let names = defs.column_names("column", &column_names(table, |_| true));
    let orderable = defs.column_names("orderable", &column_names(table, Column::orderable));
    object(json!({
        "type": "object",
        "properties": {
            "where": filter,
            "order_by": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "column": orderable,
                        "direction": {"enum": ["asc", "desc"], "default": "asc"}
                    },
                    "required": ["column"],
                    "additionalProperties": false
                }
            },
            "columns": {
                "type": "array",
                "items": names,
                "uniqueItems": true,
                "minItems": 1
            },
            "limit": {
                "type": "integer",
                "minimum": 1,
                "maximum": limits.max_limit,
                "default": limits.default_limit.min(limits.max_limit)
            },
            "cursor": {"type": "string"}
        },
        "additionalProperties": false,
        "$defs": defs.into_value()
    }))
}

/// `count_T`'s input: where.
pub(crate) fn count_input(table: &Table) -> Map<String, Value> {
    let mut defs = Defs::default();
    let filter = defs.filter(table);
    object(json!({
        "type": "object",
        "properties": {"where": filter},
        "additionalProperties": false,
        "$defs": defs.into_value()
    }))
}

/// `get_T`'s input: the primary key's columns.
pub(crate) fn get_input(table: &Table) -> Map<String, Value> {
    let key = table.primary_key();
    let properties: Map<String, Value> = key
        .iter()
        .map(|&c| {
            (
                table.column_name(c).to_owned(),
                table.columns[c].operand.clone(),
            )
        })
        .collect();
    let required: Vec<&str> = key.iter().map(|&c| table.column_name(c)).collect();
    object(json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    }))
}

/// A row to insert: the columns a row may give (not the computed ones), those every row needs
/// `required`.
fn insert_row(table: &Table) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for column in &table.columns {
        match InsertRule::of(column.def) {
            InsertRule::Absent => continue,
            InsertRule::Required => required.push(column.def.name),
            InsertRule::Optional => {}
        }
        properties.insert(column.def.name.to_owned(), column.schema.clone());
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// `insert_T`'s input: the rows.
pub(crate) fn insert_input(table: &Table, limits: &Limits) -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "rows": {
                "type": "array",
                "description": "The rows to add, all or none.",
                "items": insert_row(table),
                "minItems": 1,
                "maxItems": limits.max_write_rows
            }
        },
        "required": ["rows"],
        "additionalProperties": false
    }))
}

/// The new values of `update_T`: any column the database does not compute.
fn set_values(table: &Table) -> Value {
    let properties: Map<String, Value> = table
        .columns
        .iter()
        .filter(|column| !column.def.read_only)
        .map(|column| (column.def.name.to_owned(), column.schema.clone()))
        .collect();
    json!({
        "type": "object",
        "description": "The new values, by column.",
        "properties": properties,
        "minProperties": 1,
        "additionalProperties": false
    })
}

/// `max_rows` of `update_T` and `delete_T`.
fn max_rows(limits: &Limits) -> Value {
    json!({
        "type": "integer",
        "description": "The most rows the call may change; when more match, nothing changes.",
        "minimum": 1,
        "maximum": limits.max_write_rows,
        "default": limits.max_write_rows
    })
}

/// `update_T`'s input: where, set, max_rows.
pub(crate) fn update_input(table: &Table, limits: &Limits) -> Map<String, Value> {
    let mut defs = Defs::default();
    let filter = defs.filter(table);
    object(json!({
        "type": "object",
        "properties": {
            "where": filter,
            "set": set_values(table),
            "max_rows": max_rows(limits)
        },
        "required": ["where", "set"],
        "additionalProperties": false,
        "$defs": defs.into_value()
    }))
}

/// `delete_T`'s input: where, max_rows.
pub(crate) fn delete_input(table: &Table, limits: &Limits) -> Map<String, Value> {
    let mut defs = Defs::default();
    let filter = defs.filter(table);
    object(json!({
        "type": "object",
        "properties": {
            "where": filter,
            "max_rows": max_rows(limits)
        },
        "required": ["where"],
        "additionalProperties": false,
        "$defs": defs.into_value()
    }))
}

/// `insert_T`'s output: the rows as stored.
pub(crate) fn insert_output(table: &Table) -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "rows": {"type": "array", "items": row(table, true)}
        },
        "required": ["rows"],
        "additionalProperties": false
    }))
}

/// `update_T`'s output: how many rows changed, and the rows as changed.
pub(crate) fn update_output(table: &Table) -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "updated": {"type": "integer", "minimum": 0},
            "rows": {"type": "array", "items": row(table, true)}
        },
        "required": ["updated", "rows"],
        "additionalProperties": false
    }))
}

/// `delete_T`'s output: how many rows were deleted.
pub(crate) fn delete_output() -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {"deleted": {"type": "integer", "minimum": 0}},
        "required": ["deleted"],
        "additionalProperties": false
    }))
}

/// `list_tables`'s input: nothing.
pub(crate) fn no_input() -> Map<String, Value> {
    object(json!({"type": "object", "additionalProperties": false}))
}

/// `describe_table`'s input: a table's name.
/// (with their names as its `enum` when `name_tables` and there are not too many).
pub(crate) fn describe_input(catalog: &Catalog, name_tables: bool) -> Map<String, Value> {
    let mut table = json!({"type": "string", "description": "As list_tables names it."});
    if name_tables && catalog.tables().len() <= MAX_TABLE_ENUM {
        let names: Vec<String> = catalog.tables().iter().map(Table::display_name).collect();
        table["enum"] = json!(names);
    }
    object(json!({
        "type": "object",
        "properties": {"table": table},
        "required": ["table"],
        "additionalProperties": false
    }))
}

/// A row of the table in a result: every column (`required`) or some of them.
fn row(table: &Table, all_required: bool) -> Value {
    let properties: Map<String, Value> = table
        .columns
        .iter()
        .map(|column| (column.def.name.to_owned(), column.schema.clone()))
        .collect();
    let mut row = json!({"type": "object", "properties": properties});
    if all_required {
        row["required"] = json!(column_names(table, |_| true));
    }
    row
}

/// `list_T`'s output.
pub(crate) fn list_output(table: &Table) -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "rows": {"type": "array", "items": row(table, false)},
            "next_cursor": {"type": ["string", "null"]},
            "truncated": {"const": true}
        },
        "required": ["rows", "next_cursor"],
        "additionalProperties": false
    }))
}

/// `get_T`'s output.
pub(crate) fn get_output(table: &Table) -> Map<String, Value> {
    let mut row = row(table, true);
    row["type"] = json!(["object", "null"]);
    object(json!({
        "type": "object",
        "properties": {"row": row},
        "required": ["row"],
        "additionalProperties": false
    }))
}

/// `count_T`'s output.
pub(crate) fn count_output() -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {"count": {"type": "integer", "minimum": 0}},
        "required": ["count"],
        "additionalProperties": false
    }))
}

/// `list_tables`'s output.
pub(crate) fn list_tables_output() -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "tables": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "schema": {"type": "string"},
                        "kind": {"enum": ["table", "view"]},
                        "description": {"type": ["string", "null"]},
                        "tools": {"type": "array", "items": {"type": "string"}}
                    },
                    "required": ["name", "schema", "kind", "description", "tools"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["tables"],
        "additionalProperties": false
    }))
}

/// `describe_table`'s output.
pub(crate) fn describe_output() -> Map<String, Value> {
    let names = json!({"type": "array", "items": {"type": "string"}});
    let nullable_string = json!({"type": ["string", "null"]});
    object(json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "schema": {"type": "string"},
            "kind": {"enum": ["table", "view"]},
            "description": nullable_string,
            "tools": names,
            "columns": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "sql_type": nullable_string,
                        "json_type": {"type": "string"},
                        "nullable": {"type": "boolean"},
                        "default": nullable_string,
                        "primary_key": {"type": "boolean"},
                        "generated": {"type": "boolean"},
                        "insert": {"enum": ["required", "optional", "computed"]},
                        "description": nullable_string,
                        "enum": names
                    },
                    "required": ["name", "sql_type", "json_type", "nullable", "default", "primary_key"],
                    "additionalProperties": false
                }
            },
            "primary_key": names,
            "foreign_keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": nullable_string,
                        "columns": names,
                        "references": {
                            "type": "object",
                            "properties": {
                                "schema": {"type": "string"},
                                "table": {"type": "string"},
                                "columns": names
                            },
                            "required": ["schema", "table", "columns"],
                            "additionalProperties": false
                        }
                    },
                    "required": ["name", "columns", "references"],
                    "additionalProperties": false
                }
            },
            "referenced_by": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": nullable_string,
                        "schema": {"type": "string"},
                        "table": {"type": "string"},
                        "columns": names,
                        "referenced_columns": names
                    },
                    "required": ["name", "schema", "table", "columns", "referenced_columns"],
                    "additionalProperties": false
                }
            },
            "unique_keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": nullable_string, "columns": names},
                    "required": ["name", "columns"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["name", "schema", "kind", "description", "tools", "columns", "primary_key", "foreign_keys", "referenced_by", "unique_keys"],
        "additionalProperties": false
    }))
}

/// The `$defs` of one input schema: the `where` filter, one definition per operand type, and
/// one operator object per operand type, all shared by the columns of that type.
#[derive(Default)]
struct Defs {
    defs: BTreeMap<String, Value>,
}

impl Defs {
    /// Adds the `where` definition and returns the reference to it. Each column refers to the
    /// filter of its type (its operand, `null` when nullable, its operators), defined once
    /// per type.
    fn filter(&mut self, table: &Table) -> Value {
        let mut properties = Map::new();
        for column in &table.columns {
            let operators = column.operators();
            if operators.is_empty() {
                continue;
            }
            properties.insert(
                column.def.name.to_owned(),
                self.column_filter(column, &operators),
            );
        }
        let nested = json!({"$ref": "#/$defs/where"});
        properties.insert("and".to_owned(), json!({"type": "array", "items": nested}));
        properties.insert("or".to_owned(), json!({"type": "array", "items": nested}));
        properties.insert("not".to_owned(), nested.clone());
        self.defs.insert(
            "where".to_owned(),
            json!({
                "type": "object",
                "description": "{\"Col\": value} or {\"Col\": {\"op\": value}}; keys AND; and/or/not nest; like: % and _ wildcards.",
                "properties": properties,
                "additionalProperties": false
            }),
        );
        nested
    }

    /// Adds (or reuses) the filter of a column's type: its operand (a bare value means `eq`)
    /// or an object of its operators; returns the reference. A nullable column's filter is its
    /// type's, `null`, or `{"is_null": BOOL}` (with any other operator it would add nothing: a
    /// comparison is never true of NULL). The comparisons (`eq ne gt gte lt lte`) take one
    /// operand, `in`/`nin` a list of them.
    fn column_filter(&mut self, column: &Column, operators: &[Operator]) -> Value {
        let operators: Vec<Operator> = operators
            .iter()
            .copied()
            .filter(|op| *op != Operator::IsNull)
            .collect();
        let of_type = (!operators.is_empty()).then(|| self.type_filter(column, &operators));
        if !column.def.nullable {
            return of_type.unwrap_or_else(|| json!(false));
        }
        let mut choices: Vec<Value> = of_type.into_iter().collect();
        choices.push(json!({"type": "null"}));
        choices.push(json!({
            "type": "object",
            "properties": {"is_null": {"type": "boolean"}},
            "required": ["is_null"],
            "additionalProperties": false
        }));
        let definition = json!({"anyOf": choices});
        let name = self.unique_name(&format!("{}_or_null", type_name(column)), &definition);
        self.defs.insert(name.clone(), definition);
        json!({"$ref": format!("#/$defs/{name}")})
    }

    /// Adds (or reuses) the filter of a column's type, nulls aside: its operand or an object of
    /// `operators`; returns the reference.
    fn type_filter(&mut self, column: &Column, operators: &[Operator]) -> Value {
        let takes_values = operators
            .iter()
            .any(|op| !matches!(op, Operator::Like | Operator::Ilike));
        let operand = if !takes_values {
            Value::Null
        } else if column.operand.get("enum").is_some() {
            // A list of values is written once, however many operators take it.
            let base = format!("{}_enum", crate::tools::sanitize(column.def.name));
            let name = self.unique_name(&base, &column.operand);
            self.defs.insert(name.clone(), column.operand.clone());
            json!({"$ref": format!("#/$defs/{name}")})
        } else {
            column.operand.clone()
        };
        let mut properties = Map::new();
        let mut compares = false;
        for op in operators {
            let schema = match op {
                Operator::In | Operator::Nin => json!({"type": "array", "items": operand}),
                Operator::Like | Operator::Ilike => json!({"type": "string"}),
                Operator::IsNull => json!({"type": "boolean"}),
                _ => {
                    compares = true;
                    continue;
                }
            };
            properties.insert(op.name().to_owned(), schema);
        }
        let names: Vec<&str> = operators.iter().map(|op| op.name()).collect();
        let others = if compares {
            operand.clone()
        } else {
            json!(false)
        };
        let mut ops = json!({
            "type": "object",
            "propertyNames": {"enum": names},
            "properties": properties,
            "additionalProperties": others
        });
        if properties_empty(&ops) {
            ops.as_object_mut().expect("an object").remove("properties");
        }
        let definition = if operators.contains(&Operator::Eq) {
            json!({"anyOf": [operand, ops]})
        } else {
            ops
        };
        let name = self.unique_name(&type_name(column), &definition);
        self.defs.insert(name.clone(), definition);
        json!({"$ref": format!("#/$defs/{name}")})
    }

    /// Adds an `enum` of column names, or reuses an equal one; returns the reference.
    fn column_names(&mut self, base: &str, names: &[&str]) -> Value {
        let definition = json!({"enum": names});
        let name = self
            .defs
            .iter()
            .find(|(_, existing)| **existing == definition)
            .map_or_else(
                || self.unique_name(base, &definition),
                |(name, _)| name.clone(),
            );
        self.defs.insert(name.clone(), definition);
        json!({"$ref": format!("#/$defs/{name}")})
    }

    /// `base`, or `base_2`, `base_3`... when `base` already names another definition.
    fn unique_name(&self, base: &str, definition: &Value) -> String {
        let mut name = base.to_owned();
        let mut suffix = 2;
        while let Some(existing) = self.defs.get(&name) {
            if existing == definition {
                break;
            }
            name = format!("{base}_{suffix}");
            suffix += 1;
        }
        name
    }

    fn into_value(self) -> Value {
        Value::Object(self.defs.into_iter().collect())
    }
}

fn properties_empty(definition: &Value) -> bool {
    definition["properties"]
        .as_object()
        .is_some_and(Map::is_empty)
}

/// A readable name for a column's operand type: `integer`, `date`, `genre_values` (a
/// column's own list of values). None is `where`, `column` or `orderable`.
fn type_name(column: &Column) -> String {
    if column.operand.get("enum").is_some() {
        return format!("{}_values", crate::tools::sanitize(column.def.name));
    }
    match column.operand.get("format").and_then(Value::as_str) {
        Some(format) => crate::tools::sanitize(format),
        None => match column.def.value {
            ValueKind::Integer => "integer",
            ValueKind::Float => "number",
            ValueKind::Boolean => "boolean",
            ValueKind::Bytes => "bytes",
            ValueKind::Scalar => "number_or_string",
            ValueKind::Json | ValueKind::Array => "json",
            ValueKind::Text
            | ValueKind::Decimal
            | ValueKind::Uuid
            | ValueKind::Date
            | ValueKind::Time
            | ValueKind::Timestamp
            | ValueKind::TimestampTz => "string",
        }
        .to_owned(),
    }
}

fn column_names(table: &Table, keep: impl Fn(&Column) -> bool) -> Vec<&'static str> {
    table
        .columns
        .iter()
        .filter(|column| keep(column))
        .map(|column| column.def.name)
        .collect()
}

pub(crate) fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("schemas are objects"),
    }
}

/// A routine's fields as a JSON object: the properties of `fields`, all required or those
/// `required` keeps.
fn fields_object(routine: &Routine, fields: &[usize], required: impl Fn(usize) -> bool) -> Value {
    let table = &routine.fields;
    let properties: Map<String, Value> = fields
        .iter()
        .map(|&field| {
            (
                table.column_name(field).to_owned(),
                table.columns[field].schema.clone(),
            )
        })
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|&&field| required(field))
        .map(|&field| table.column_name(field))
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// `call_R`'s input: the routine's IN, INOUT and VARIADIC parameters by name, those without a
/// default required.
pub(crate) fn call_input(routine: &Routine) -> Map<String, Value> {
    let def = routine.def;
    let arguments = def.fields_where(FieldRole::is_argument);
    object(fields_object(routine, &arguments, |field| {
        def.roles[field] != (FieldRole::In { optional: true })
    }))
}

/// `truncated` of a call's result.
fn truncated_schema() -> Value {
    json!({
        "type": "boolean",
        "const": true,
        "description": "Present when the routine returned more rows than one result holds: `rows` holds the first ones."
    })
}

/// `call_R`'s output: `{"value": V}`, `{"rows": [..]}`, `{"out": {..}}` (with the rows of a
/// procedure's result sets), or `{}`.
pub(crate) fn call_output(routine: &Routine) -> Map<String, Value> {
    let def = routine.def;
    let out = def.fields_where(FieldRole::is_out);
    let mut properties = Map::new();
    let mut required = Vec::new();
    match def.returns {
        Returns::Nothing => {}
        Returns::Value => {
            if let Some(&field) = def.fields_where(|role| role == FieldRole::Value).first() {
                properties.insert(
                    "value".to_owned(),
                    routine.fields.columns[field].schema.clone(),
                );
                required.push("value");
            }
        }
        Returns::Rows => {
            let columns = def.fields_where(|role| role == FieldRole::Column);
            properties.insert(
                "rows".to_owned(),
                json!({"type": "array", "items": fields_object(routine, &columns, |_| true)}),
            );
            properties.insert("truncated".to_owned(), truncated_schema());
            required.push("rows");
        }
        Returns::Out => {
            properties.insert("out".to_owned(), fields_object(routine, &out, |_| true));
            required.push("out");
        }
        Returns::ResultSets => {
            properties.insert(
                "rows".to_owned(),
                json!({
                    "type": "array",
                    "description": "The rows of the result sets the procedure returns, each an object of its columns.",
                    "items": {"type": "object"}
                }),
            );
            properties.insert("truncated".to_owned(), truncated_schema());
            required.push("rows");
            if !out.is_empty() {
                properties.insert("out".to_owned(), fields_object(routine, &out, |_| true));
                required.push("out");
            }
        }
    }
    object(json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    }))
}

/// `list_routines`'s output.
pub(crate) fn list_routines_output() -> Map<String, Value> {
    object(json!({
        "type": "object",
        "properties": {
            "routines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "schema": {"type": "string"},
                        "kind": {"enum": ["function", "procedure"]},
                        "signature": {
                            "type": ["string", "null"],
                            "description": "The types of its arguments, which tell overloads of one name apart."
                        },
                        "read_only": {"type": "boolean"},
                        "description": {"type": ["string", "null"]},
                        "tool": {"type": "string"},
                        "routine": {
                            "type": "string",
                            "description": "What `call` takes as `routine` for it (where `call` is its tool)."
                        },
                        "parameters": {
                            "type": "array",
                            "description": "Its arguments: name, JSON Schema, and whether a call must give it.",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "schema": {},
                                    "required": {"type": "boolean"}
                                },
                                "required": ["name", "schema", "required"],
                                "additionalProperties": false
                            }
                        }
                    },
                    "required": ["name", "schema", "kind", "signature", "read_only", "description", "tool"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["routines"],
        "additionalProperties": false
    }))
}

//! The arguments of the write tools, read and checked against the table: the rows of
//! `insert_T`, the `where` and `set` of `update_T`, the `where` of `delete_T`, and the guards
//! every write keeps (a `where` that names a condition, `max_rows`, `limits.max_write_rows`).
//! Every value is read as its column's Rust type, as a filter's values are.

use serde_json::{Map, Value};

use super::filter::{Filter, brief, typed_operand, unknown_column};
use super::{ArgumentError, reject_unknown};
use crate::catalog::{Operand, Table};
use crate::config::Limits;
use crate::table::ColumnDef;

/// How `insert_T` treats a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertRule {
    /// Every row gives it: not nullable, no default, not filled in by the database.
    Required,
    /// A row may leave it out: the database writes NULL, its default, or the next value of
    /// its sequence.
    Optional,
    /// The database computes it: a row never gives it.
    Absent,
}

impl InsertRule {
    /// The rule of `column`.
    pub fn of(column: &ColumnDef) -> Self {
        if column.read_only {
            InsertRule::Absent
        } else if column.nullable || column.default.is_some() || column.generated {
            InsertRule::Optional
        } else {
            InsertRule::Required
        }
    }

    /// Its name in `describe_table`.
    pub fn name(self) -> &'static str {
        match self {
            InsertRule::Required => "required",
            InsertRule::Optional => "optional",
            InsertRule::Absent => "computed",
        }
    }
}

/// Values of some columns of one row, each read as its column's type, in column order.
pub type Values = Vec<(usize, Operand)>;

/// The arguments of `insert_T`: the rows, each with the columns it gives.
#[derive(Debug, Clone)]
pub struct InsertRequest {
    /// The rows, in the order given.
    pub rows: Vec<Values>,
}

/// The arguments of `update_T`.
#[derive(Debug, Clone)]
pub struct UpdateRequest {
    /// The rows to change.
    pub filter: Filter,
    /// The new values.
    pub set: Values,
    /// The most rows it may change; when more match, nothing changes.
    pub max_rows: u32,
}

/// The arguments of `delete_T`.
#[derive(Debug, Clone)]
pub struct DeleteRequest {
    /// The rows to delete.
    pub filter: Filter,
    /// The most rows it may delete; when more match, nothing is deleted.
    pub max_rows: u32,
}

impl InsertRequest {
    /// Reads the arguments of `insert_T`: `{"rows": [{COLUMN: VALUE, ..}, ..]}`.
    pub fn parse(
        table: &Table,
        arguments: &Map<String, Value>,
        limits: &Limits,
    ) -> Result<Self, ArgumentError> {
        reject_unknown(arguments, &["rows"], table, "insert")?;
        let max = limits.max_write_rows as usize;
        let rows = match arguments.get("rows") {
            Some(Value::Array(rows)) if (1..=max).contains(&rows.len()) => rows,
            Some(Value::Array(rows)) => {
                return Err(ArgumentError::new(format!(
                    "rows takes 1 to {max} rows (limits.max_write_rows); got {}",
                    rows.len()
                )));
            }
            None | Some(Value::Null) => {
                return Err(ArgumentError::new(format!(
                    "insert_{} needs `rows`: an array of rows, each an object of column values",
                    table.tool_base
                )));
            }
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "rows must be an array of rows, each an object of column values; got {}",
                    brief(other)
                )));
            }
        };
        let rows = rows
            .iter()
            .enumerate()
            .map(|(i, row)| insert_row(table, row, &format!("rows[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(Self { rows })
    }
}

/// One row of `insert_T`: every required column, no computed one, each value its column's.
fn insert_row(table: &Table, row: &Value, path: &str) -> Result<Values, ArgumentError> {
    let Value::Object(row) = row else {
        return Err(ArgumentError::new(format!(
            "{path} must be an object of column values; got {}",
            brief(row)
        )));
    };
    let values = written_values(table, row, path)?;
    let missing: Vec<&str> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(index, column)| {
            InsertRule::of(column.def) == InsertRule::Required
                && !values.iter().any(|(given, _)| given == index)
        })
        .map(|(_, column)| column.def.name)
        .collect();
    if !missing.is_empty() {
        return Err(ArgumentError::new(format!(
            "{path} leaves out {}, which every row of {:?} needs",
            missing.join(", "),
            table.def.name
        )));
    }
    Ok(values)
}

impl UpdateRequest {
    /// Reads the arguments of `update_T`: `{"where": FILTER, "set": {..}, "max_rows"?: N}`.
    pub fn parse(
        table: &Table,
        arguments: &Map<String, Value>,
        limits: &Limits,
    ) -> Result<Self, ArgumentError> {
        reject_unknown(arguments, &["where", "set", "max_rows"], table, "update")?;
        let filter = required_where(table, arguments, "update")?;
        let set = match arguments.get("set") {
            Some(Value::Object(set)) if !set.is_empty() => written_values(table, set, "set")?,
            Some(Value::Object(_)) | None | Some(Value::Null) => {
                return Err(ArgumentError::new(format!(
                    "update_{} needs `set`: the new values, an object of at least one column",
                    table.tool_base
                )));
            }
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "set must be an object of column values; got {}",
                    brief(other)
                )));
            }
        };
        Ok(Self {
            filter,
            set,
            max_rows: max_rows(arguments, limits)?,
        })
    }
}

impl DeleteRequest {
    /// Reads the arguments of `delete_T`: `{"where": FILTER, "max_rows"?: N}`.
    pub fn parse(
        table: &Table,
        arguments: &Map<String, Value>,
        limits: &Limits,
    ) -> Result<Self, ArgumentError> {
        reject_unknown(arguments, &["where", "max_rows"], table, "delete")?;
        Ok(Self {
            filter: required_where(table, arguments, "delete")?,
            max_rows: max_rows(arguments, limits)?,
        })
    }
}

/// The `where` of an update or a delete: one that names at least one condition, so that no
/// call changes every row by leaving it out.
fn required_where(
    table: &Table,
    arguments: &Map<String, Value>,
    verb: &str,
) -> Result<Filter, ArgumentError> {
    let filter = match arguments.get("where") {
        None | Some(Value::Null) => None,
        Some(value) => Some(Filter::parse(table, value)?),
    };
    match filter {
        Some(filter) if filter.has_conditions() => Ok(filter),
        _ => Err(ArgumentError::new(format!(
            "{verb}_{} needs a `where` that names at least one condition: it changes only the rows that match",
            table.tool_base
        ))),
    }
}

fn max_rows(arguments: &Map<String, Value>, limits: &Limits) -> Result<u32, ArgumentError> {
    let most = limits.max_write_rows;
    match arguments.get("max_rows") {
        None | Some(Value::Null) => Ok(most),
        Some(value) => match value.as_u64() {
            Some(rows) if rows >= 1 && rows <= u64::from(most) => {
                Ok(u32::try_from(rows).unwrap_or(most))
            }
            _ => Err(ArgumentError::new(format!(
                "max_rows must be a whole number from 1 to {most} (limits.max_write_rows); got {}",
                brief(value)
            ))),
        },
    }
}

/// Values to write, by column name, each read as its column's type.
fn written_values(
    table: &Table,
    object: &Map<String, Value>,
    path: &str,
) -> Result<Values, ArgumentError> {
    let mut values = Vec::with_capacity(object.len());
    for (name, value) in object {
        let key_path = format!("{path}.{name}");
        let column = table
            .column_index(name)
            .ok_or_else(|| unknown_column(table, name, &key_path, ""))?;
        let def = table.columns[column].def;
        if def.read_only {
            return Err(ArgumentError::new(format!(
                "{key_path}: the database computes column {name:?}; leave it out"
            )));
        }
        values.push((column, written_operand(table, column, value, &key_path)?));
    }
    values.sort_by_key(|(column, _)| *column);
    Ok(values)
}

/// `value` read as a value to write to `column`: `null` where the column takes it, one of its
/// allowed values where it has a list.
fn written_operand(
    table: &Table,
    column: usize,
    value: &Value,
    path: &str,
) -> Result<Operand, ArgumentError> {
    let info = &table.columns[column];
    if value.is_null() && !info.def.nullable {
        return Err(ArgumentError::new(format!(
            "{path}: column {:?} cannot be NULL",
            info.def.name
        )));
    }
    typed_operand(
        table,
        column,
        value,
        path,
        &format!("column {:?}", info.def.name),
    )
}

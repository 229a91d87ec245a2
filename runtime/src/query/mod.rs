//! The arguments of a table's tools, read and checked against the table: which rows, in which
//! order, which columns. Every value a client sends is read here, once, as its column's Rust
//! type ([`crate::catalog::Operand`]). Nothing here knows SQL; [`crate::sql`] writes the
//! statements.
//!
//! - [`filter`]: `where`, for every read tool;
//! - [`page`]: the plan of one page of `list_T`;
//! - [`cursor`]: the opaque cursor between pages;
//! - [`write`]: the arguments of `insert_T`, `update_T` and `delete_T`, and their guards;
//! - [`call`]: the arguments of a routine's `call_R`;
//! - [`df_filter`]: DreamFactory's filter and order strings, read into the arguments above;
//! - [`aggregate`]: the arguments of `aggregate_data`;
//! - [`sql_check`]: the statement of `query_sql`, checked to read only what is served;
//! - [`GetRequest`], [`CountRequest`]: the arguments of `get_T` and `count_T`.

pub mod aggregate;
pub mod call;
pub mod cursor;
pub mod df_filter;
pub mod filter;
pub mod page;
pub mod sql_check;
pub mod write;

use serde_json::{Map, Value};

pub use aggregate::AggregateRequest;
pub use call::CallRequest;
pub use filter::{Filter, Target};
pub use page::{PagePlan, PageStart, Selected, SortKey};
pub use sql_check::{CheckedSql, Engine, SqlRequest, SqlValue};
pub use write::{DeleteRequest, InsertRequest, InsertRule, UpdateRequest};

use crate::catalog::{Operand, Table};
use filter::read_operand;

/// Arguments a tool cannot run with; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ArgumentError {
    message: String,
}

impl ArgumentError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// The arguments of `get_T`: the primary key's columns and values.
#[derive(Debug, Clone)]
pub struct GetRequest {
    /// Column index and value, in key order.
    pub key: Vec<(usize, Operand)>,
}

/// The arguments of `count_T`.
#[derive(Debug, Clone)]
pub struct CountRequest {
    /// `where`.
    pub filter: Option<Filter>,
}

impl GetRequest {
    /// Reads the arguments of `get_T`: every primary key column, by name.
    pub fn parse(table: &Table, arguments: &Map<String, Value>) -> Result<Self, ArgumentError> {
        let key_columns = table.primary_key();
        let names: Vec<&str> = key_columns.iter().map(|&c| table.column_name(c)).collect();
        for name in arguments.keys() {
            if !names.contains(&name.as_str()) {
                return Err(ArgumentError::new(format!(
                    "get_{} takes the primary key of {:?}: {}; {name:?} is not one of them",
                    table.tool_base,
                    table.def.name,
                    names.join(", ")
                )));
            }
        }
        let key = key_columns
            .iter()
            .map(|&column| {
                let name = table.column_name(column);
                let value = arguments.get(name).ok_or_else(|| {
                    ArgumentError::new(format!(
                        "get_{} needs {name:?}, a column of the primary key ({})",
                        table.tool_base,
                        names.join(", ")
                    ))
                })?;
                Ok((column, read_operand(table, column, value, name)?))
            })
            .collect::<Result<Vec<_>, ArgumentError>>()?;
        Ok(Self { key })
    }
}

impl CountRequest {
    /// Reads the arguments of `count_T`.
    pub fn parse(table: &Table, arguments: &Map<String, Value>) -> Result<Self, ArgumentError> {
        reject_unknown(arguments, &["where"], table, "count")?;
        Ok(Self {
            filter: parse_where(table, arguments)?,
        })
    }
}

fn reject_unknown(
    arguments: &Map<String, Value>,
    known: &[&str],
    table: &Table,
    verb: &str,
) -> Result<(), ArgumentError> {
    match arguments.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(ArgumentError::new(format!(
            "{verb}_{} has no argument {key:?}; it takes {}",
            table.tool_base,
            known.join(", ")
        ))),
        None => Ok(()),
    }
}

fn parse_where(
    table: &Table,
    arguments: &Map<String, Value>,
) -> Result<Option<Filter>, ArgumentError> {
    match arguments.get("where") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => Filter::parse(table, value).map(Some),
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

//! The arguments of a table's tools, read and checked against the table: what to select, in
//! which order, from where. Nothing here knows SQL; [`crate::sql`] writes the statements.

pub mod cursor;
pub mod filter;

use serde_json::{Map, Value};

pub use cursor::Position;
pub use filter::Filter;
use filter::{brief, check_operand, unknown_column};

use crate::catalog::{PageKey, Table};
use crate::config::Limits;

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

/// What a sort key sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortTarget {
    /// A column, by index.
    Column(usize),
    /// SQLite's row id, under this alias.
    RowId(&'static str),
}

/// One key of an `ORDER BY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// What is sorted.
    pub target: SortTarget,
    /// `DESC` when true.
    pub descending: bool,
}

/// The arguments of `list_T`.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// `where`.
    pub filter: Option<Filter>,
    /// `order_by`, then the keys that make the order total: every row has one place.
    pub sort: Vec<SortKey>,
    /// The columns to return, by index.
    pub columns: Vec<usize>,
    /// Rows per page.
    pub limit: u32,
    /// Where the page starts.
    pub position: Option<Position>,
    /// Ties a cursor to this query's `where` and `order_by`.
    pub fingerprint: String,
}

/// The arguments of `get_T`: the primary key's columns and values.
#[derive(Debug, Clone)]
pub struct GetRequest {
    /// Column index and value, in key order.
    pub key: Vec<(usize, Value)>,
}

/// The arguments of `count_T`.
#[derive(Debug, Clone)]
pub struct CountRequest {
    /// `where`.
    pub filter: Option<Filter>,
}

const LIST_ARGUMENTS: &[&str] = &["where", "order_by", "columns", "limit", "cursor"];

impl ListRequest {
    /// Reads the arguments of `list_T`.
    pub fn parse(
        table: &Table,
        arguments: &Map<String, Value>,
        limits: &Limits,
    ) -> Result<Self, ArgumentError> {
        reject_unknown(arguments, LIST_ARGUMENTS, table, "list")?;
        let filter = parse_where(table, arguments)?;
        let order_by = parse_order_by(table, arguments.get("order_by"))?;
        let columns = parse_columns(table, arguments.get("columns"))?;
        let limit = parse_limit(arguments.get("limit"), limits)?;
        let sort = total_order(table, order_by);
        let fingerprint = fingerprint(table, filter.as_ref(), &sort);
        let position = match arguments.get("cursor") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => {
                let key_len = match table.page_key {
                    PageKey::Offset => 0,
                    PageKey::Columns(_) | PageKey::RowId(_) => sort.len(),
                };
                Some(cursor::decode(text, &fingerprint, key_len)?)
            }
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "cursor must be the string `next_cursor` of the previous page; got {}",
                    brief(other)
                )));
            }
        };
        if let Some(Position::After(values)) = &position {
            for (key, value) in sort.iter().zip(values) {
                if let SortTarget::Column(column) = key.target
                    && !value.is_null()
                {
                    check_operand(table, column, value, "cursor")?;
                } else if let SortTarget::RowId(_) = key.target
                    && !value.is_i64()
                {
                    return Err(ArgumentError::new(
                        "cursor is not one this tool returned; leave it out to start over",
                    ));
                }
            }
        }
        Ok(Self {
            filter,
            sort,
            columns,
            limit,
            position,
            fingerprint,
        })
    }
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
                check_operand(table, column, value, name)?;
                Ok((column, value.clone()))
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

fn parse_order_by(table: &Table, value: Option<&Value>) -> Result<Vec<SortKey>, ArgumentError> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(ArgumentError::new(format!(
                "order_by must be an array like [{{\"column\": \"C\", \"direction\": \"desc\"}}]; got {}",
                brief(other)
            )));
        }
    };
    let mut keys: Vec<SortKey> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("order_by[{i}]");
        let Some(object) = item.as_object() else {
            return Err(ArgumentError::new(format!(
                "{path} must be an object like {{\"column\": \"C\", \"direction\": \"asc\"}}; got {}",
                brief(item)
            )));
        };
        if let Some(key) = object
            .keys()
            .find(|key| !["column", "direction"].contains(&key.as_str()))
        {
            return Err(ArgumentError::new(format!(
                "{path} has no field {key:?}; it takes column and direction"
            )));
        }
        let name = object
            .get("column")
            .and_then(Value::as_str)
            .ok_or_else(|| ArgumentError::new(format!("{path}.column must name a column")))?;
        let column = table
            .column_index(name)
            .ok_or_else(|| unknown_column(table, name, &format!("{path}.column"), ""))?;
        if !table.columns[column].orderable() {
            return Err(ArgumentError::new(format!(
                "{path}.column: rows cannot be sorted by {name:?} ({})",
                table.columns[column].json_type()
            )));
        }
        let descending = match object.get("direction") {
            None | Some(Value::Null) => false,
            Some(Value::String(direction)) if direction.eq_ignore_ascii_case("asc") => false,
            Some(Value::String(direction)) if direction.eq_ignore_ascii_case("desc") => true,
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "{path}.direction must be \"asc\" or \"desc\"; got {}",
                    brief(other)
                )));
            }
        };
        let target = SortTarget::Column(column);
        if keys.iter().any(|key| key.target == target) {
            return Err(ArgumentError::new(format!(
                "{path}: column {name:?} is already in order_by"
            )));
        }
        keys.push(SortKey { target, descending });
    }
    Ok(keys)
}

fn parse_columns(table: &Table, value: Option<&Value>) -> Result<Vec<usize>, ArgumentError> {
    let items = match value {
        None | Some(Value::Null) => return Ok((0..table.columns.len()).collect()),
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(other) => {
            return Err(ArgumentError::new(format!(
                "columns must be a non-empty array of column names; got {}",
                brief(other)
            )));
        }
    };
    let mut columns = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("columns[{i}]");
        let name = item
            .as_str()
            .ok_or_else(|| ArgumentError::new(format!("{path} must be a column name")))?;
        let column = table
            .column_index(name)
            .ok_or_else(|| unknown_column(table, name, &path, ""))?;
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    Ok(columns)
}

fn parse_limit(value: Option<&Value>, limits: &Limits) -> Result<u32, ArgumentError> {
    match value {
        None | Some(Value::Null) => Ok(limits.default_limit.min(limits.max_limit)),
        Some(Value::Number(number)) => match number.as_u64() {
            Some(limit) if limit >= 1 => Ok(u32::try_from(limit)
                .unwrap_or(u32::MAX)
                .min(limits.max_limit)),
            _ => Err(ArgumentError::new(format!(
                "limit must be a whole number from 1 to {}; got {number}",
                limits.max_limit
            ))),
        },
        Some(other) => Err(ArgumentError::new(format!(
            "limit must be a whole number from 1 to {}; got {}",
            limits.max_limit,
            brief(other)
        ))),
    }
}

/// `order_by` followed by the table's page key (or, without one, every other orderable
/// column), so that no two rows tie.
fn total_order(table: &Table, mut sort: Vec<SortKey>) -> Vec<SortKey> {
    let mut append = |target: SortTarget| {
        if !sort.iter().any(|key| key.target == target) {
            sort.push(SortKey {
                target,
                descending: false,
            });
        }
    };
    match &table.page_key {
        PageKey::Columns(columns) => columns
            .iter()
            .for_each(|&column| append(SortTarget::Column(column))),
        PageKey::RowId(alias) => append(SortTarget::RowId(alias)),
        PageKey::Offset => (0..table.columns.len())
            .filter(|&column| table.columns[column].orderable())
            .for_each(|column| append(SortTarget::Column(column))),
    }
    sort
}

fn fingerprint(table: &Table, filter: Option<&Filter>, sort: &[SortKey]) -> String {
    let mut text = String::from(table.tool_base);
    text.push('|');
    if let Some(filter) = filter {
        text.push_str(&filter.canonical());
    }
    for key in sort {
        text.push_str(&format!("|{:?}{}", key.target, key.descending));
    }
    mcpgen_rules::hash::fingerprint(&text)
}

//! The plan of one page of `list_T`, made once per call from its arguments: which rows (the
//! `where`, and where the page starts), in which total order, which values the `SELECT` reads
//! and which of them the client gets, and how the next page's cursor is made from the last
//! row. [`crate::sql::select_page`] writes the plan out; [`PagePlan::cursor_after`] reads the
//! rows back through it.
//!
//! Pages follow a keyset: the sort order is completed by the table's page key (a primary or
//! unique key, or SQLite's row id), so every row has one place, and a page starts after the
//! previous page's last row. A table without such a key is paged by offset over an order on
//! every sortable column.

use serde_json::{Map, Value};

use super::aggregate::Computed;
use super::cursor::{self, Position};
use super::filter::{Filter, Target, brief, compare, read_operand, unknown_column};
use super::{ArgumentError, parse_where, reject_unknown};
use crate::catalog::{Operand, Operator, PageKey, Table};
use crate::config::Limits;

const LIST_ARGUMENTS: &[&str] = &["where", "order_by", "columns", "limit", "cursor"];

/// The most rows a page may skip with [`PagePlan::skip`]: the database reads every row it
/// skips, so deeper pages are reached with a filter past the last row seen instead.
pub const MAX_OFFSET: u64 = 100_000;

/// One key of an `ORDER BY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// What is sorted.
    pub target: Target,
    /// `DESC` when true.
    pub descending: bool,
}

/// What one value of a result row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected {
    /// A column of the table, by index.
    Column(usize),
    /// SQLite's row id, under this alias.
    RowId(&'static str),
    /// A value computed over rows (an aggregate of `aggregate_data`); never part of a page.
    Computed(Computed),
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStart {
    /// At the first row.
    First,
    /// At the first row the filter lets through: those after the previous page's last row.
    After(Filter),
    /// After this many rows.
    Offset(u64),
}

/// One page of `list_T`, planned.
#[derive(Debug, Clone)]
pub struct PagePlan {
    /// The client's `where`.
    pub filter: Option<Filter>,
    /// Where the page starts.
    pub start: PageStart,
    /// `order_by`, then the keys that make the order total: every row has one place.
    pub order: Vec<SortKey>,
    /// What the `SELECT` reads, in order: first the columns the client asked for (in the order
    /// asked), then the sort keys that are not among them, which the next cursor needs.
    pub selected: Vec<Selected>,
    /// How many of [`PagePlan::selected`] the client gets.
    pub returned: usize,
    /// Rows per page.
    pub limit: u32,
    /// Where each key of [`PagePlan::order`] is in [`PagePlan::selected`].
    key_positions: Vec<usize>,
    /// Pages follow the sort keys' values; else, offsets.
    keyset: bool,
    /// Ties a cursor to this query's `where` and `order_by`.
    fingerprint: String,
}

impl PagePlan {
    /// Reads the arguments of `list_T` into the plan of the page they ask for.
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
        let order = total_order(table, order_by);
        let keyset = table.page_key != PageKey::Offset;
        let fingerprint = fingerprint(table, filter.as_ref(), &order);

        let mut selected: Vec<Selected> = columns.iter().copied().map(Selected::Column).collect();
        let returned = selected.len();
        let mut key_positions = Vec::with_capacity(order.len());
        for key in &order {
            let wanted = match key.target {
                Target::Column(column) => Selected::Column(column),
                Target::RowId(alias) => Selected::RowId(alias),
            };
            let position = selected
                .iter()
                .position(|s| *s == wanted)
                .unwrap_or_else(|| {
                    selected.push(wanted);
                    selected.len() - 1
                });
            key_positions.push(position);
        }

        let start = match arguments.get("cursor") {
            None | Some(Value::Null) => PageStart::First,
            Some(Value::String(text)) => {
                let key_len = if keyset { order.len() } else { 0 };
                match cursor::decode(text, &fingerprint, key_len)? {
                    Position::After(values) => PageStart::After(after(table, &order, &values)?),
                    Position::Offset(offset) => PageStart::Offset(offset),
                }
            }
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "cursor must be the string `next_cursor` of the previous page; got {}",
                    brief(other)
                )));
            }
        };
        Ok(Self {
            filter,
            start,
            order,
            selected,
            returned,
            limit,
            key_positions,
            keyset,
            fingerprint,
        })
    }

    /// Starts the page after the first `offset` rows of its order (DreamFactory's `offset`),
    /// at most [`MAX_OFFSET`]. The order is total, so pages at successive offsets hold every
    /// row once while the table does not change.
    pub fn skip(&mut self, offset: u64) -> Result<(), ArgumentError> {
        if offset > MAX_OFFSET {
            return Err(ArgumentError::new(format!(
                "offset is at most {MAX_OFFSET} (the database reads every row it skips); to go further, filter past the last row you have, e.g. `key > last`, sorted by that key"
            )));
        }
        self.start = if offset == 0 {
            PageStart::First
        } else {
            PageStart::Offset(offset)
        };
        Ok(())
    }

    /// How many rows the `SELECT` asks for: one more than a page, which only tells that
    /// another page follows.
    pub fn rows_to_fetch(&self) -> u64 {
        u64::from(self.limit) + 1
    }

    /// The cursor of the page that follows the first `kept` of `rows` (values as
    /// [`PagePlan::selected`] lists them, up to [`PagePlan::rows_to_fetch`] of them); `None`
    /// when no row follows them.
    pub fn cursor_after(&self, rows: &[Vec<Value>], kept: usize) -> Option<String> {
        if rows.len() <= kept || kept == 0 {
            return None;
        }
        let position = if self.keyset {
            let last = &rows[kept - 1];
            Position::After(
                self.key_positions
                    .iter()
                    .map(|&position| last[position].clone())
                    .collect(),
            )
        } else {
            let before = match self.start {
                PageStart::Offset(offset) => offset,
                _ => 0,
            };
            Position::Offset(before.saturating_add(kept as u64))
        };
        Some(cursor::encode(&self.fingerprint, &position))
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
        let target = Target::Column(column);
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

/// `order_by` followed by the table's page key (or, without one, every other sortable
/// column), so that no two rows tie.
fn total_order(table: &Table, mut order: Vec<SortKey>) -> Vec<SortKey> {
    let mut append = |target: Target| {
        if !order.iter().any(|key| key.target == target) {
            order.push(SortKey {
                target,
                descending: false,
            });
        }
    };
    match &table.page_key {
        PageKey::Columns(columns) => columns
            .iter()
            .for_each(|&column| append(Target::Column(column))),
        PageKey::RowId(alias) => append(Target::RowId(alias)),
        PageKey::Offset => (0..table.columns.len())
            .filter(|&column| table.columns[column].orderable())
            .for_each(|column| append(Target::Column(column))),
    }
    order
}

fn fingerprint(table: &Table, filter: Option<&Filter>, order: &[SortKey]) -> String {
    let mut text = String::from(table.tool_base);
    text.push('|');
    if let Some(filter) = filter {
        text.push_str(&filter.canonical());
    }
    for key in order {
        text.push_str(&format!("|{:?}{}", key.target, key.descending));
    }
    mcpgen_rules::hash::fingerprint(&text)
}

/// The rows after the one whose sort key has `values` (from a cursor), NULL being the lowest
/// value: `k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...`, each part spelled for NULLs.
fn after(table: &Table, order: &[SortKey], values: &[Value]) -> Result<Filter, ArgumentError> {
    let values = order
        .iter()
        .zip(values)
        .map(|(key, value)| key_operand(table, key.target, value))
        .collect::<Result<Vec<_>, _>>()?;
    let mut disjuncts = Vec::new();
    for (i, key) in order.iter().enumerate() {
        // After a NULL in a descending key nothing is lower: no row follows on this key.
        if key.descending && values[i].is_none() {
            continue;
        }
        let mut parts: Vec<Filter> = order[..i]
            .iter()
            .zip(&values)
            .map(|(previous, value)| equal(table, previous.target, value.as_ref()))
            .collect();
        parts.push(beyond(table, key, values[i].as_ref()));
        disjuncts.push(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Filter::And(parts)
        });
    }
    Ok(Filter::Or(disjuncts))
}

/// A cursor's value of a sort key, checked as the key's type; `None` for NULL.
fn key_operand(
    table: &Table,
    target: Target,
    value: &Value,
) -> Result<Option<Operand>, ArgumentError> {
    let forged =
        || ArgumentError::new("cursor is not one this tool returned; leave it out to start over");
    match target {
        Target::Column(column) if value.is_null() => {
            if table.columns[column].def.nullable {
                Ok(None)
            } else {
                Err(forged())
            }
        }
        Target::Column(column) => read_operand(table, column, value, "cursor").map(Some),
        Target::RowId(_) => value
            .as_i64()
            .map(|row_id| Some(Operand::row_id(row_id)))
            .ok_or_else(forged),
    }
}

/// `target = value`, or `target IS NULL`.
fn equal(table: &Table, target: Target, value: Option<&Operand>) -> Filter {
    match (target, value) {
        (Target::Column(column), None) => Filter::IsNull {
            column,
            is_null: true,
        },
        (_, Some(value)) => compare(table, target, Operator::Eq, value.clone()),
        (Target::RowId(_), None) => unreachable!("row ids are never NULL"),
    }
}

/// The values after `value` in the key's direction, NULL being the lowest.
fn beyond(table: &Table, key: &SortKey, value: Option<&Operand>) -> Filter {
    let column = match key.target {
        Target::Column(column) => Some(column),
        Target::RowId(_) => None,
    };
    let Some(value) = value else {
        // Ascending (descending NULLs were skipped): every non-NULL value comes after NULL.
        return Filter::IsNull {
            column: column.expect("row ids are never NULL"),
            is_null: false,
        };
    };
    let op = if key.descending {
        Operator::Lt
    } else {
        Operator::Gt
    };
    let beyond = compare(table, key.target, op, value.clone());
    match column {
        Some(column) if key.descending && table.columns[column].def.nullable => Filter::Or(vec![
            beyond,
            Filter::IsNull {
                column,
                is_null: true,
            },
        ]),
        _ => beyond,
    }
}

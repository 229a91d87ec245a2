//! The arguments of `aggregate_data` (the `dreamfactory` profile): `COUNT`, `SUM`, `AVG`,
//! `MIN` and `MAX` over columns of the rows a filter lets through, grouped by columns, checked
//! against the table. Each result is read as one Rust type whatever the database
//! ([`Computed`]): counts and sums of integers as integers, averages and sums of floats as
//! floats, sums of decimals as exact decimals, the least and greatest value as the column's own
//! type. [`crate::sql::select_aggregate`] writes the statement.

use serde_json::{Map, Value};

use super::ArgumentError;
use super::df_filter::column_named;
use super::filter::{Filter, brief};
use crate::catalog::Table;
use crate::config::Limits;
use crate::table::ValueKind;

/// The most aggregates one request computes.
pub const MAX_AGGREGATES: usize = 32;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunction {
    /// `COUNT(*)` or `COUNT(column)` (its non-null values).
    Count,
    /// `SUM(column)`
    Sum,
    /// `AVG(column)`
    Avg,
    /// `MIN(column)`
    Min,
    /// `MAX(column)`
    Max,
}

impl AggregateFunction {
    /// Its name in SQL.
    pub fn sql(self) -> &'static str {
        match self {
            AggregateFunction::Count => "COUNT",
            AggregateFunction::Sum => "SUM",
            AggregateFunction::Avg => "AVG",
            AggregateFunction::Min => "MIN",
            AggregateFunction::Max => "MAX",
        }
    }

    fn named(name: &str) -> Option<Self> {
        [
            AggregateFunction::Count,
            AggregateFunction::Sum,
            AggregateFunction::Avg,
            AggregateFunction::Min,
            AggregateFunction::Max,
        ]
        .into_iter()
        .find(|function| function.sql().eq_ignore_ascii_case(name.trim()))
    }
}

/// How a computed value is read, whatever the database makes of it (`NULL` is `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Computed {
    /// A 64-bit integer (the statement casts the value to one).
    Integer,
    /// A double (the statement casts the value to one).
    Float,
    /// An exact decimal, as a string.
    Decimal,
    /// A value of this column's type.
    Column(usize),
}

/// One aggregate of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// The function.
    pub function: AggregateFunction,
    /// The column it reads; `None` for `COUNT(*)`.
    pub column: Option<usize>,
    /// The name of its value in each result.
    pub alias: String,
    /// How its value is read.
    pub value: Computed,
}

/// The arguments of `aggregate_data`, checked.
#[derive(Debug, Clone)]
pub struct AggregateRequest {
    /// Which rows.
    pub filter: Option<Filter>,
    /// The columns rows are grouped by, in order (none: one result over every row).
    pub group_by: Vec<usize>,
    /// What is computed for each group.
    pub aggregates: Vec<Aggregate>,
    /// The most groups a result holds.
    pub limit: u32,
}

impl AggregateRequest {
    /// Reads `aggregates` (`[{"function": "SUM", "field": "Total", "alias": "total"}, ..]`)
    /// and `group_by` (column names: an array, or a comma-separated string) against `table`.
    pub fn parse(
        table: &Table,
        aggregates: Option<&Value>,
        group_by: Option<&Value>,
        filter: Option<Filter>,
        limits: &Limits,
    ) -> Result<Self, ArgumentError> {
        let group_by = parse_group_by(table, group_by)?;
        let items = match aggregates {
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(Value::Array(_)) | None | Some(Value::Null) => {
                return Err(ArgumentError::new(
                    "aggregates needs at least one [{\"function\": \"SUM\", \"field\": \"COLUMN\"}] (functions: SUM, COUNT, AVG, MIN, MAX; field \"*\" for COUNT)",
                ));
            }
            Some(other) => {
                return Err(ArgumentError::new(format!(
                    "aggregates must be an array like [{{\"function\": \"COUNT\", \"field\": \"*\"}}]; got {}",
                    brief(other)
                )));
            }
        };
        if items.len() > MAX_AGGREGATES {
            return Err(ArgumentError::new(format!(
                "aggregates holds at most {MAX_AGGREGATES} items; it has {}",
                items.len()
            )));
        }
        let mut names: Vec<String> = group_by
            .iter()
            .map(|&column| table.column_name(column).to_owned())
            .collect();
        let mut parsed = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let aggregate = parse_aggregate(table, item, &format!("aggregates[{index}]"))?;
            if names.contains(&aggregate.alias) {
                return Err(ArgumentError::new(format!(
                    "aggregates[{index}]: the name {:?} is already a grouped column's or another aggregate's; give this one another alias",
                    aggregate.alias
                )));
            }
            names.push(aggregate.alias.clone());
            parsed.push(aggregate);
        }
        Ok(Self {
            filter,
            group_by,
            aggregates: parsed,
            limit: limits.max_limit,
        })
    }

    /// How many rows the statement asks for: one more than a result holds, which only tells
    /// that there were more groups.
    pub fn rows_to_fetch(&self) -> u64 {
        u64::from(self.limit) + 1
    }
}

fn parse_group_by(table: &Table, value: Option<&Value>) -> Result<Vec<usize>, ArgumentError> {
    let names: Vec<String> = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(text)) => text
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    ArgumentError::new(format!("group_by lists column names; got {}", brief(item)))
                })
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(ArgumentError::new(format!(
                "group_by must be an array of column names; got {}",
                brief(other)
            )));
        }
    };
    let mut columns = Vec::with_capacity(names.len());
    for name in names {
        let column = known_column(table, &name, "group_by")?;
        if !table.columns[column].def.value.is_comparable() {
            return Err(ArgumentError::new(format!(
                "group_by: rows cannot be grouped by {name:?} ({})",
                table.columns[column].json_type()
            )));
        }
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    Ok(columns)
}

fn parse_aggregate(table: &Table, item: &Value, path: &str) -> Result<Aggregate, ArgumentError> {
    let Some(object) = item.as_object() else {
        return Err(ArgumentError::new(format!(
            "{path} must be an object like {{\"function\": \"SUM\", \"field\": \"Total\", \"alias\": \"total\"}}; got {}",
            brief(item)
        )));
    };
    if let Some(key) = object
        .keys()
        .find(|key| !["function", "field", "alias"].contains(&key.as_str()))
    {
        return Err(ArgumentError::new(format!(
            "{path} has no field {key:?}; it takes function, field and alias"
        )));
    }
    let text = |name: &str, object: &Map<String, Value>| match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(ArgumentError::new(format!(
            "{path}.{name} must be a string; got {}",
            brief(other)
        ))),
    };
    let function_name = text("function", object)?.ok_or_else(|| {
        ArgumentError::new(format!(
            "{path} needs `function`: SUM, COUNT, AVG, MIN or MAX"
        ))
    })?;
    let function = AggregateFunction::named(&function_name).ok_or_else(|| {
        ArgumentError::new(format!(
            "{path}.function: {function_name:?} is not one of SUM, COUNT, AVG, MIN, MAX"
        ))
    })?;
    let field = text("field", object)?.ok_or_else(|| {
        ArgumentError::new(format!(
            "{path} needs `field`, the column {} reads (\"*\" for COUNT of rows)",
            function.sql()
        ))
    })?;
    let column = if field.trim() == "*" {
        if function != AggregateFunction::Count {
            return Err(ArgumentError::new(format!(
                "{path}.field: \"*\" is for COUNT; {} needs a column",
                function.sql()
            )));
        }
        None
    } else {
        Some(known_column(table, &field, &format!("{path}.field"))?)
    };
    let value = match column {
        None => Computed::Integer,
        Some(column) => computed(table, function, column, path)?,
    };
    let alias = match text("alias", object)? {
        Some(alias) if alias.trim().is_empty() => {
            return Err(ArgumentError::new(format!(
                "{path}.alias must not be empty"
            )));
        }
        Some(alias) => alias,
        None => match column {
            None => "count".to_owned(),
            Some(column) => format!(
                "{}_{}",
                function.sql().to_ascii_lowercase(),
                table.column_name(column)
            ),
        },
    };
    Ok(Aggregate {
        function,
        column,
        alias,
        value,
    })
}

/// How `function` of `column` is read, or why it cannot be computed.
fn computed(
    table: &Table,
    function: AggregateFunction,
    column: usize,
    path: &str,
) -> Result<Computed, ArgumentError> {
    let info = &table.columns[column];
    let kind = info.def.value;
    let refuse = |needs: &str| {
        Err(ArgumentError::new(format!(
            "{path}: {} needs {needs}; {:?} holds {} values",
            function.sql(),
            info.def.name,
            info.json_type()
        )))
    };
    match function {
        AggregateFunction::Count if kind.is_comparable() => Ok(Computed::Integer),
        AggregateFunction::Count => refuse("a column of comparable values"),
        AggregateFunction::Sum => match kind {
            ValueKind::Integer => Ok(Computed::Integer),
            ValueKind::Float | ValueKind::Scalar => Ok(Computed::Float),
            ValueKind::Decimal => Ok(Computed::Decimal),
            _ => refuse("a numeric column"),
        },
        AggregateFunction::Avg => match kind {
            ValueKind::Integer | ValueKind::Float | ValueKind::Scalar | ValueKind::Decimal => {
                Ok(Computed::Float)
            }
            _ => refuse("a numeric column"),
        },
        AggregateFunction::Min | AggregateFunction::Max => match kind {
            ValueKind::Integer => Ok(Computed::Integer),
            ValueKind::Float => Ok(Computed::Float),
            ValueKind::Decimal => Ok(Computed::Decimal),
            kind if kind.is_ordered() => Ok(Computed::Column(column)),
            _ => refuse("a column whose values are ordered"),
        },
    }
}

/// The column `name` names (ignoring case where only one matches), or an error at `path`
/// listing the columns.
fn known_column(table: &Table, name: &str, path: &str) -> Result<usize, ArgumentError> {
    column_named(table, name.trim())
        .ok_or_else(|| super::filter::unknown_column(table, name, path, ""))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use serde_json::json;

    use super::*;
    use crate::fixtures;

    /// Every mistake in the arguments of `aggregate_data`, with its message.
    #[test]
    fn aggregate_mistakes_are_explained() {
        let many: Vec<Value> = (0..=MAX_AGGREGATES)
            .map(|_| json!({"function": "COUNT", "field": "*"}))
            .collect();
        let cases = [
            (json!(null), json!(null)),
            (json!([]), json!(null)),
            (json!({"function": "SUM"}), json!(null)),
            (json!(["SUM(price)"]), json!(null)),
            (json!([{"function": "SUM"}]), json!(null)),
            (json!([{"field": "price"}]), json!(null)),
            (
                json!([{"function": "MEDIAN", "field": "price"}]),
                json!(null),
            ),
            (json!([{"function": "SUM", "field": "*"}]), json!(null)),
            (json!([{"function": "SUM", "field": "nope"}]), json!(null)),
            (json!([{"function": "SUM", "field": "title"}]), json!(null)),
            (
                json!([{"function": "AVG", "field": "released"}]),
                json!(null),
            ),
            (
                json!([{"function": "MIN", "field": "available"}]),
                json!(null),
            ),
            (json!([{"function": "SUM", "field": 1}]), json!(null)),
            (
                json!([{"function": "SUM", "field": "price", "as": "x"}]),
                json!(null),
            ),
            (
                json!([{"function": "SUM", "field": "price", "alias": " "}]),
                json!(null),
            ),
            (
                json!([{"function": "COUNT", "field": "*"}, {"function": "count", "field": "*"}]),
                json!(null),
            ),
            (
                json!([{"function": "COUNT", "field": "*", "alias": "rating"}]),
                json!(["rating"]),
            ),
            (
                json!([{"function": "COUNT", "field": "*"}]),
                json!(["nope"]),
            ),
            (json!([{"function": "COUNT", "field": "*"}]), json!([1])),
            (
                json!([{"function": "COUNT", "field": "*"}]),
                json!({"rating": 1}),
            ),
            (Value::Array(many), json!(null)),
        ];
        let catalog = fixtures::catalog();
        let film = catalog.table(0);
        let limits = Limits::default();
        let mut out = String::new();
        for (aggregates, group_by) in cases {
            let error =
                AggregateRequest::parse(film, Some(&aggregates), Some(&group_by), None, &limits)
                    .err()
                    .unwrap_or_else(|| panic!("{aggregates} grouped by {group_by} is refused"));
            let _ = writeln!(out, "{} by {group_by}\n  {error}\n", brief(&aggregates));
        }
        insta::assert_snapshot!(out);
    }

    #[test]
    fn names_and_reads_follow_the_functions() {
        let catalog = fixtures::catalog();
        let film = catalog.table(0);
        let request = AggregateRequest::parse(
            film,
            Some(&json!([
                {"function": "count", "field": "*"},
                {"function": "Sum", "field": "PRICE"},
                {"function": "MAX", "field": "title", "alias": "last"}
            ])),
            Some(&json!("Rating, released")),
            None,
            &Limits::default(),
        )
        .expect("valid");
        assert_eq!(request.group_by, vec![2, 8]);
        let read: Vec<(&str, Computed)> = request
            .aggregates
            .iter()
            .map(|aggregate| (aggregate.alias.as_str(), aggregate.value))
            .collect();
        assert_eq!(
            read,
            vec![
                ("count", Computed::Integer),
                ("sum_price", Computed::Decimal),
                ("last", Computed::Column(1)),
            ]
        );
    }
}

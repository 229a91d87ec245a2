//! `where` arguments: `{COLUMN: VALUE | {OP: VALUE, ..}, "and": [..], "or": [..], "not": {..}}`,
//! read into a [`Filter`] whose every value has been checked against its column's type.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::ArgumentError;
use crate::catalog::{Column, Operator, Table};

/// How deep `and`/`or`/`not` may nest.
const MAX_DEPTH: usize = 16;
/// How many conditions one filter may hold, `in` list items included.
const MAX_CONDITIONS: usize = 1000;

/// A checked `where`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every filter holds (true when empty).
    And(Vec<Filter>),
    /// Some filter holds (false when empty).
    Or(Vec<Filter>),
    /// The filter does not hold.
    Not(Box<Filter>),
    /// `column op value`, `op` one of `eq ne gt gte lt lte`.
    Compare {
        /// The column's index.
        column: usize,
        /// The comparison.
        op: Operator,
        /// A non-null value of the column's type.
        value: Value,
    },
    /// `column [NOT] IN (values)`.
    In {
        /// The column's index.
        column: usize,
        /// Non-null values of the column's type.
        values: Vec<Value>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `column LIKE pattern`.
    Like {
        /// The column's index.
        column: usize,
        /// The SQL pattern (`%`, `_`, `\` escapes).
        pattern: String,
        /// `ilike`.
        case_insensitive: bool,
    },
    /// `column IS [NOT] NULL`.
    IsNull {
        /// The column's index.
        column: usize,
        /// `IS NULL` when true.
        is_null: bool,
    },
}

impl Filter {
    /// Reads a `where` argument.
    pub fn parse(table: &Table, value: &Value) -> Result<Filter, ArgumentError> {
        let mut reader = Reader {
            table,
            conditions: 0,
        };
        reader.filter(value, "where", 0)
    }

    /// A canonical text of the filter, for cursor fingerprints.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.write_canonical(&mut out);
        out
    }

    fn write_canonical(&self, out: &mut String) {
        match self {
            Filter::And(filters) | Filter::Or(filters) => {
                out.push_str(if matches!(self, Filter::And(_)) {
                    "and("
                } else {
                    "or("
                });
                for filter in filters {
                    filter.write_canonical(out);
                    out.push(',');
                }
                out.push(')');
            }
            Filter::Not(filter) => {
                out.push_str("not(");
                filter.write_canonical(out);
                out.push(')');
            }
            Filter::Compare { column, op, value } => {
                let _ = write!(out, "{column} {} {value}", op.name());
            }
            Filter::In {
                column,
                values,
                negated,
            } => {
                let _ = write!(
                    out,
                    "{column} {negated} in {}",
                    Value::Array(values.clone())
                );
            }
            Filter::Like {
                column,
                pattern,
                case_insensitive,
            } => {
                let _ = write!(out, "{column} {case_insensitive} like {pattern:?}");
            }
            Filter::IsNull { column, is_null } => {
                let _ = write!(out, "{column} is_null {is_null}");
            }
        }
    }
}

struct Reader<'a> {
    table: &'a Table,
    conditions: usize,
}

impl Reader<'_> {
    fn filter(&mut self, value: &Value, path: &str, depth: usize) -> Result<Filter, ArgumentError> {
        if depth > MAX_DEPTH {
            return Err(ArgumentError::new(format!(
                "{path}: filters nest at most {MAX_DEPTH} levels deep"
            )));
        }
        let Value::Object(object) = value else {
            return Err(ArgumentError::new(format!(
                "{path} must be an object like {{\"COLUMN\": VALUE}} or {{\"COLUMN\": {{\"gt\": VALUE}}}}; got {}",
                brief(value)
            )));
        };
        let mut parts = Vec::with_capacity(object.len());
        for (key, value) in object {
            let key_path = format!("{path}.{key}");
            let part = match key.as_str() {
                "and" | "or" => {
                    let Value::Array(items) = value else {
                        return Err(ArgumentError::new(format!(
                            "{key_path} must be an array of filters"
                        )));
                    };
                    let filters = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.filter(item, &format!("{key_path}[{i}]"), depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    if key == "and" {
                        Filter::And(filters)
                    } else {
                        Filter::Or(filters)
                    }
                }
                "not" => Filter::Not(Box::new(self.filter(value, &key_path, depth + 1)?)),
                name => {
                    let column = self.table.column_index(name).ok_or_else(|| {
                        unknown_column(self.table, name, &key_path, "and, or, not")
                    })?;
                    self.column_filter(column, value, &key_path)?
                }
            };
            parts.push(part);
        }
        Ok(match parts.len() {
            1 => parts.pop().expect("one part"),
            _ => Filter::And(parts),
        })
    }

    /// `VALUE` (equality, or IS NULL for `null`) or `{OP: VALUE, ..}`.
    fn column_filter(
        &mut self,
        column: usize,
        value: &Value,
        path: &str,
    ) -> Result<Filter, ArgumentError> {
        let info = &self.table.columns[column];
        match value {
            Value::Object(ops) if !info.operators().is_empty() && is_operator_object(ops) => {
                if ops.is_empty() {
                    return Err(ArgumentError::new(format!(
                        "{path} names no operator; use one of: {}",
                        operator_names(info)
                    )));
                }
                let mut parts = Vec::with_capacity(ops.len());
                for (name, operand) in ops {
                    parts.push(self.operator(column, name, operand, &format!("{path}.{name}"))?);
                }
                Ok(match parts.len() {
                    1 => parts.pop().expect("one part"),
                    _ => Filter::And(parts),
                })
            }
            Value::Null => {
                self.count(path)?;
                if info.def.nullable {
                    Ok(Filter::IsNull {
                        column,
                        is_null: true,
                    })
                } else {
                    Err(ArgumentError::new(format!(
                        "{path}: column {:?} is never NULL",
                        info.def.name
                    )))
                }
            }
            _ => self.operator(column, "eq", value, path),
        }
    }

    fn operator(
        &mut self,
        column: usize,
        name: &str,
        operand: &Value,
        path: &str,
    ) -> Result<Filter, ArgumentError> {
        let info = &self.table.columns[column];
        let op = Operator::from_name(name)
            .filter(|op| info.supports(*op))
            .ok_or_else(|| {
                ArgumentError::new(format!(
                    "{path}: `{name}` is not an operator of column {:?} ({}); use one of: {}",
                    info.def.name,
                    info.json_type(),
                    operator_names(info)
                ))
            })?;
        self.count(path)?;
        match op {
            Operator::IsNull => match operand {
                Value::Bool(is_null) => Ok(Filter::IsNull {
                    column,
                    is_null: *is_null,
                }),
                other => Err(ArgumentError::new(format!(
                    "{path} takes true or false; got {}",
                    brief(other)
                ))),
            },
            Operator::In | Operator::Nin => {
                let Value::Array(items) = operand else {
                    return Err(ArgumentError::new(format!(
                        "{path} takes an array of values of column {:?}; got {}",
                        info.def.name,
                        brief(operand)
                    )));
                };
                self.conditions += items.len();
                self.count(path)?;
                let values = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        check_operand(self.table, column, item, &format!("{path}[{i}]"))
                            .map(|()| item.clone())
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Filter::In {
                    column,
                    values,
                    negated: op == Operator::Nin,
                })
            }
            Operator::Like | Operator::Ilike => match operand {
                Value::String(pattern) => Ok(Filter::Like {
                    column,
                    pattern: pattern.clone(),
                    case_insensitive: op == Operator::Ilike,
                }),
                other => Err(ArgumentError::new(format!(
                    "{path} takes a pattern string (% any text, _ one character); got {}",
                    brief(other)
                ))),
            },
            Operator::Eq
            | Operator::Ne
            | Operator::Gt
            | Operator::Gte
            | Operator::Lt
            | Operator::Lte => {
                check_operand(self.table, column, operand, path)?;
                Ok(Filter::Compare {
                    column,
                    op,
                    value: operand.clone(),
                })
            }
        }
    }

    fn count(&mut self, path: &str) -> Result<(), ArgumentError> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(ArgumentError::new(format!(
                "{path}: a filter holds at most {MAX_CONDITIONS} conditions"
            )));
        }
        Ok(())
    }
}

/// Whether an object is `{OP: VALUE}` rather than a value (a JSON column's object).
fn is_operator_object(object: &Map<String, Value>) -> bool {
    object.is_empty() || object.keys().any(|key| Operator::from_name(key).is_some())
}

/// Checks that `value` is a non-null value of the column's type.
pub(crate) fn check_operand(
    table: &Table,
    column: usize,
    value: &Value,
    path: &str,
) -> Result<(), ArgumentError> {
    let info = &table.columns[column];
    if value.is_null() {
        return Err(ArgumentError::new(format!(
            "{path}: compare with null using {{\"is_null\": true}}"
        )));
    }
    if let Some(Value::Array(allowed)) = info.operand.get("enum")
        && !allowed.contains(value)
    {
        return Err(ArgumentError::new(format!(
            "{path}: column {:?} takes one of {}; got {}",
            info.def.name,
            Value::Array(allowed.clone()),
            brief(value)
        )));
    }
    table.codec().check(column, value).map_err(|error| {
        ArgumentError::new(format!(
            "{path}: column {:?} takes {} values; got {} ({error})",
            info.def.name,
            info.json_type(),
            brief(value)
        ))
    })
}

/// The error for a name that is not a column.
pub(crate) fn unknown_column(table: &Table, name: &str, path: &str, also: &str) -> ArgumentError {
    let names: Vec<&str> = table.columns.iter().map(|c| c.def.name).collect();
    let also = if also.is_empty() {
        String::new()
    } else {
        format!(" (or {also})")
    };
    ArgumentError::new(format!(
        "{path}: table {:?} has no column {name:?}; its columns are {}{also}",
        table.def.name,
        names.join(", ")
    ))
}

fn operator_names(column: &Column) -> String {
    column
        .operators()
        .iter()
        .map(|op| op.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value, shortened for messages.
pub(crate) fn brief(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

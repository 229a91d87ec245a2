//! `where` arguments: `{COLUMN: VALUE | {OP: VALUE, ..}, "and": [..], "or": [..], "not": {..}}`,
//! read into a [`Filter`] whose every value has been read as its column's Rust type.
//!
//! What a comparison means is decided here, once: an enum type's `gt` becomes membership in
//! the labels after the value, in declaration order ([`compare`]); [`crate::sql`] only writes
//! the filter out.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::ArgumentError;
use crate::catalog::{Column, Operand, Operator, Table};

/// How deep `and`/`or`/`not` may nest. Each level is a few levels of the statement's
/// expression tree, far below every database's limit (SQLite's is 1000).
pub const MAX_DEPTH: usize = 16;
/// How many conditions one filter may hold: each comparison, `like` and `is_null`, and each
/// value of an `in` or `nin` list, counts one. (Long `and`/`or` lists are written as groups,
/// so that they stay shallow: SQLite refuses a list of 1000 terms written flat.)
pub const MAX_CONDITIONS: usize = 1000;
/// The longest `like` pattern, in characters.
pub const MAX_PATTERN_CHARS: usize = 1000;
/// The most `%` in one `like` pattern: matching cost grows with them, in every database.
pub const MAX_PATTERN_WILDCARDS: usize = 32;

/// What a condition tests: a column, or SQLite's row id (in the conditions of a page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A column, by index.
    Column(usize),
    /// SQLite's row id, under this alias.
    RowId(&'static str),
}

/// A checked `where`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every filter holds (true when empty).
    And(Vec<Filter>),
    /// Some filter holds (false when empty).
    Or(Vec<Filter>),
    /// The filter does not hold.
    Not(Box<Filter>),
    /// `target op value`, `op` one of `eq ne gt gte lt lte`.
    Compare {
        /// What is compared.
        target: Target,
        /// The comparison.
        op: Operator,
        /// A value of the column's type (an integer for a row id).
        value: Operand,
    },
    /// `column [NOT] IN (values)`.
    In {
        /// The column's index.
        column: usize,
        /// Values of the column's type.
        values: Vec<Operand>,
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
        Self::parse_at(table, value, "where")
    }

    /// Reads a filter that messages call `path` (the argument it came from).
    pub fn parse_at(table: &Table, value: &Value, path: &str) -> Result<Filter, ArgumentError> {
        let mut reader = Reader {
            table,
            conditions: 0,
        };
        reader.filter(value, path, 0)
    }

    /// Whether it tests anything: a filter made of empty `and`s and `or`s tests nothing.
    pub fn has_conditions(&self) -> bool {
        match self {
            Filter::And(filters) | Filter::Or(filters) => {
                filters.iter().any(Filter::has_conditions)
            }
            Filter::Not(filter) => filter.has_conditions(),
            Filter::Compare { .. }
            | Filter::In { .. }
            | Filter::Like { .. }
            | Filter::IsNull { .. } => true,
        }
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
            Filter::Compare { target, op, value } => {
                let _ = write!(out, "{target:?} {} {}", op.name(), value.json());
            }
            Filter::In {
                column,
                values,
                negated,
            } => {
                let _ = write!(out, "{column} {negated} in [");
                for value in values {
                    let _ = write!(out, "{},", value.json());
                }
                out.push(']');
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

/// `column op value` as the database should test it: an ordering comparison (`gt`, ...) on a
/// column of an enum type becomes membership in the labels on that side of `value` in
/// declaration order, the order the database sorts the column in; anything else compares.
pub(crate) fn compare(table: &Table, target: Target, op: Operator, value: Operand) -> Filter {
    if let Target::Column(column) = target
        && op.is_ordering()
        && let Some(labels) = table.columns[column].def.enum_labels()
        && let Some(position) = labels
            .iter()
            .position(|label| Some(*label) == value.json().as_str())
    {
        let side = match op {
            Operator::Gt => &labels[position + 1..],
            Operator::Gte => &labels[position..],
            Operator::Lt => &labels[..position],
            _ => &labels[..=position],
        };
        let values = side
            .iter()
            .map(|label| {
                table
                    .operand(column, &Value::String((*label).to_owned()))
                    .expect("an enum column reads its own labels")
            })
            .collect();
        return Filter::In {
            column,
            values,
            negated: false,
        };
    }
    Filter::Compare { target, op, value }
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
                self.count(path, 1)?;
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
        match op {
            Operator::In | Operator::Nin => {}
            _ => self.count(path, 1)?,
        }
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
                self.count(path, items.len().max(1))?;
                let values = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        read_operand(self.table, column, item, &format!("{path}[{i}]"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Filter::In {
                    column,
                    values,
                    negated: op == Operator::Nin,
                })
            }
            Operator::Like | Operator::Ilike => match operand {
                Value::String(pattern) => {
                    check_pattern(pattern, path)?;
                    Ok(Filter::Like {
                        column,
                        pattern: pattern.clone(),
                        case_insensitive: op == Operator::Ilike,
                    })
                }
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
                let value = read_operand(self.table, column, operand, path)?;
                Ok(compare(self.table, Target::Column(column), op, value))
            }
        }
    }

    /// Counts `conditions` more conditions (an `in` list's values count one each).
    fn count(&mut self, path: &str, conditions: usize) -> Result<(), ArgumentError> {
        self.conditions = self.conditions.saturating_add(conditions);
        if self.conditions > MAX_CONDITIONS {
            return Err(ArgumentError::new(format!(
                "{path}: a filter holds at most {MAX_CONDITIONS} conditions (each comparison, and each value of an `in` list, is one); this one has more: split the query"
            )));
        }
        Ok(())
    }
}

/// Refuses a `like` pattern whose matching could cost without bound.
fn check_pattern(pattern: &str, path: &str) -> Result<(), ArgumentError> {
    let chars = pattern.chars().count();
    let wildcards = pattern.chars().filter(|&c| c == '%').count();
    if chars > MAX_PATTERN_CHARS || wildcards > MAX_PATTERN_WILDCARDS {
        return Err(ArgumentError::new(format!(
            "{path}: a pattern holds at most {MAX_PATTERN_CHARS} characters and {MAX_PATTERN_WILDCARDS} `%`; this one has {chars} characters and {wildcards} `%`"
        )));
    }
    Ok(())
}

/// Whether an object is `{OP: VALUE}` rather than a value (a JSON column's object).
fn is_operator_object(object: &Map<String, Value>) -> bool {
    object.is_empty() || object.keys().any(|key| Operator::from_name(key).is_some())
}

/// `value` read as a non-null value of the column, one of its allowed values if it has a list.
pub(crate) fn read_operand(
    table: &Table,
    column: usize,
    value: &Value,
    path: &str,
) -> Result<Operand, ArgumentError> {
    let info = &table.columns[column];
    if value.is_null() {
        return Err(ArgumentError::new(format!(
            "{path}: compare with null using {{\"is_null\": true}}"
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

/// `value` read as a value of `column`'s type, one of its allowed values if it has a list.
/// Errors say where the value is (`path`) and who takes it (`taker`: `column "rating"`,
/// `call_f`); whether it may be null is the caller's to say.
pub(crate) fn typed_operand(
    table: &Table,
    column: usize,
    value: &Value,
    path: &str,
    taker: &str,
) -> Result<Operand, ArgumentError> {
    let info = &table.columns[column];
    if let Some(allowed) = info.refuses(value) {
        return Err(ArgumentError::new(format!(
            "{path}: {taker} takes one of {allowed}; got {}",
            brief(value)
        )));
    }
    table.operand(column, value).map_err(|error| {
        ArgumentError::new(format!(
            "{path}: {taker} takes {} values; got {} ({error})",
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
    brief_to(value, 60)
}

/// A value's JSON, cut to at most `chars` characters for messages.
pub(crate) fn brief_to(value: &Value, chars: usize) -> String {
    let text = value.to_string();
    if text.chars().count() > chars {
        let cut: String = text.chars().take(chars.saturating_sub(3)).collect();
        format!("{cut}...")
    } else {
        text
    }
}

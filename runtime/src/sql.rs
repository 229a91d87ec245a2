//! Writes the statements of the tools in a backend's [`Dialect`].
//!
//! Injection-proof by construction: identifiers come only from the tables' derive metadata,
//! and every value a client sends becomes a [`Param`], never SQL text.

use serde_json::Value;

use crate::backend::Dialect;
use crate::catalog::{Operator, Table};
use crate::query::{CountRequest, Filter, GetRequest, ListRequest, Position, SortKey, SortTarget};

/// A statement, its parameters in placeholder order, and what its result columns are.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text.
    pub sql: String,
    /// One value per placeholder.
    pub params: Vec<Param>,
    /// What each result column holds (empty for `COUNT`).
    pub columns: Vec<Selected>,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A value of a column, bound as the column's Rust type.
    Column {
        /// The column's index.
        column: usize,
        /// Its JSON value, already checked.
        value: Value,
    },
    /// Text (`LIKE` patterns).
    Text(String),
    /// An integer (`LIMIT`, `OFFSET`, row ids).
    Integer(i64),
}

/// What a result column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected {
    /// A column of the table, by index.
    Column(usize),
    /// SQLite's row id.
    RowId,
}

/// `SELECT` of one page of `list_T`. The result holds every column of the table (rows are read
/// into the struct), then the row id when the page key is one; it has up to `limit + 1` rows,
/// the last one only telling that another page follows.
pub fn select_page(dialect: &dyn Dialect, table: &Table, request: &ListRequest) -> Statement {
    let mut writer = Writer::new(dialect, table);
    let mut selected: Vec<Selected> = (0..table.columns.len()).map(Selected::Column).collect();
    writer.push("SELECT ");
    for column in 0..table.columns.len() {
        if column > 0 {
            writer.push(", ");
        }
        writer.push_column(column);
    }
    let row_id = request.sort.iter().find_map(|key| match key.target {
        SortTarget::RowId(alias) => Some(alias),
        SortTarget::Column(_) => None,
    });
    if let Some(alias) = row_id {
        writer.push(", ");
        writer.push(alias);
        selected.push(Selected::RowId);
    }
    writer.push(" FROM ");
    writer.push_table();

    let after = match &request.position {
        Some(Position::After(values)) => Some(values),
        _ => None,
    };
    if request.filter.is_some() || after.is_some() {
        writer.push(" WHERE ");
        if let Some(filter) = &request.filter {
            writer.push("(");
            writer.push_filter(filter);
            writer.push(")");
            if after.is_some() {
                writer.push(" AND ");
            }
        }
        if let Some(values) = after {
            writer.push("(");
            writer.push_after(&request.sort, values);
            writer.push(")");
        }
    }

    writer.push(" ORDER BY ");
    for (i, key) in request.sort.iter().enumerate() {
        if i > 0 {
            writer.push(", ");
        }
        writer.push_order_target(key.target);
        writer.push(if key.descending { " DESC" } else { " ASC" });
        writer.push(dialect.nulls_lowest(key.descending));
    }
    writer.push(" LIMIT ");
    writer.push_param(Param::Integer(i64::from(request.limit) + 1));
    if let Some(Position::Offset(offset)) = &request.position {
        writer.push(" OFFSET ");
        writer.push_param(Param::Integer(i64::try_from(*offset).unwrap_or(i64::MAX)));
    }
    writer.finish(selected)
}

/// `SELECT` of the row of `get_T`.
pub fn select_by_key(dialect: &dyn Dialect, table: &Table, request: &GetRequest) -> Statement {
    let mut writer = Writer::new(dialect, table);
    let selected: Vec<Selected> = (0..table.columns.len()).map(Selected::Column).collect();
    writer.push("SELECT ");
    for column in 0..table.columns.len() {
        if column > 0 {
            writer.push(", ");
        }
        writer.push_column(column);
    }
    writer.push(" FROM ");
    writer.push_table();
    writer.push(" WHERE ");
    for (i, (column, value)) in request.key.iter().enumerate() {
        if i > 0 {
            writer.push(" AND ");
        }
        writer.push_column(*column);
        writer.push(" = ");
        writer.push_value(*column, value);
    }
    writer.push(" LIMIT 1");
    writer.finish(selected)
}

/// `SELECT COUNT(*)` of `count_T`.
pub fn count(dialect: &dyn Dialect, table: &Table, request: &CountRequest) -> Statement {
    let mut writer = Writer::new(dialect, table);
    writer.push("SELECT COUNT(*) FROM ");
    writer.push_table();
    if let Some(filter) = &request.filter {
        writer.push(" WHERE ");
        writer.push_filter(filter);
    }
    writer.finish(Vec::new())
}

struct Writer<'a> {
    dialect: &'a dyn Dialect,
    table: &'a Table,
    sql: String,
    params: Vec<Param>,
}

impl<'a> Writer<'a> {
    fn new(dialect: &'a dyn Dialect, table: &'a Table) -> Self {
        Self {
            dialect,
            table,
            sql: String::with_capacity(256),
            params: Vec::new(),
        }
    }

    fn finish(self, columns: Vec<Selected>) -> Statement {
        Statement {
            sql: self.sql,
            params: self.params,
            columns,
        }
    }

    fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    fn push_table(&mut self) {
        if let Some(schema) = self.table.def.schema {
            self.dialect.push_identifier(&mut self.sql, schema);
            self.sql.push('.');
        }
        self.dialect
            .push_identifier(&mut self.sql, self.table.def.name);
    }

    /// The column as every clause reads it: quoted, or cast to text (see
    /// [`ColumnDef::reads_as_text`]).
    ///
    /// [`ColumnDef::reads_as_text`]: crate::table::ColumnDef::reads_as_text
    fn column_expression(&self, column: usize) -> String {
        let def = self.table.columns[column].def;
        let mut quoted = String::new();
        self.dialect.push_identifier(&mut quoted, def.name);
        if def.reads_as_text() {
            let mut cast = String::new();
            self.dialect.push_cast_to_text(&mut cast, &quoted);
            cast
        } else {
            quoted
        }
    }

    fn push_column(&mut self, column: usize) {
        let expression = self.column_expression(column);
        self.sql.push_str(&expression);
    }

    fn push_sort_target(&mut self, target: SortTarget) {
        match target {
            SortTarget::Column(column) => self.push_column(column),
            SortTarget::RowId(alias) => self.sql.push_str(alias),
        }
    }

    /// A sort key in `ORDER BY`: an enum type's column itself, which sorts in declaration
    /// order (its comparisons follow suit, see [`Writer::enum_range`]).
    fn push_order_target(&mut self, target: SortTarget) {
        match target {
            SortTarget::Column(column) if self.table.columns[column].def.is_declared_enum() => {
                let name = self.table.columns[column].def.name;
                self.dialect.push_identifier(&mut self.sql, name);
            }
            other => self.push_sort_target(other),
        }
    }

    /// The values of an enum type's column that satisfy `column OP value` in declaration
    /// order (`OP`: `>`, `>=`, `<`, `<=`); `None` when the column is of no enum type or
    /// `value` is none of its values (then it compares as usual).
    fn enum_range(
        &self,
        column: usize,
        op: Operator,
        value: &Value,
    ) -> Option<&'static [&'static str]> {
        let def = self.table.columns[column].def;
        if !def.is_declared_enum() {
            return None;
        }
        let labels = def.enum_values;
        let position = labels
            .iter()
            .position(|label| Some(*label) == value.as_str())?;
        match op {
            Operator::Gt => Some(&labels[position + 1..]),
            Operator::Gte => Some(&labels[position..]),
            Operator::Lt => Some(&labels[..position]),
            Operator::Lte => Some(&labels[..=position]),
            _ => None,
        }
    }

    /// `column IN (labels)`, false for no labels.
    fn push_in_labels(&mut self, column: usize, labels: &[&str]) {
        if labels.is_empty() {
            self.push("1=0");
            return;
        }
        self.push_column(column);
        self.push(" IN (");
        for (i, label) in labels.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_value(column, &Value::String((*label).to_owned()));
        }
        self.push(")");
    }

    fn push_param(&mut self, param: Param) {
        self.params.push(param);
        self.dialect
            .push_placeholder(&mut self.sql, self.params.len());
    }

    fn push_value(&mut self, column: usize, value: &Value) {
        self.params.push(Param::Column {
            column,
            value: value.clone(),
        });
        let mut placeholder = String::new();
        self.dialect
            .push_placeholder(&mut placeholder, self.params.len());
        self.dialect
            .push_column_value(&mut self.sql, &placeholder, self.table.columns[column].def);
    }

    fn push_filter(&mut self, filter: &Filter) {
        match filter {
            Filter::And(filters) | Filter::Or(filters) => {
                let (joiner, empty) = match filter {
                    Filter::And(_) => (" AND ", "1=1"),
                    _ => (" OR ", "1=0"),
                };
                if filters.is_empty() {
                    self.push(empty);
                    return;
                }
                self.push("(");
                for (i, part) in filters.iter().enumerate() {
                    if i > 0 {
                        self.push(joiner);
                    }
                    self.push_filter(part);
                }
                self.push(")");
            }
            Filter::Not(inner) => {
                // NOT over a comparison with NULL is NULL; COALESCE makes "not" mean "not true".
                self.push("NOT COALESCE((");
                self.push_filter(inner);
                self.push("), 0=1)");
            }
            Filter::Compare { column, op, value } => {
                if let Some(labels) = self.enum_range(*column, *op, value) {
                    self.push_in_labels(*column, labels);
                    return;
                }
                self.push_column(*column);
                self.push(match op {
                    Operator::Eq => " = ",
                    Operator::Ne => " <> ",
                    Operator::Gt => " > ",
                    Operator::Gte => " >= ",
                    Operator::Lt => " < ",
                    Operator::Lte => " <= ",
                    other => unreachable!("{other:?} is not a comparison"),
                });
                self.push_value(*column, value);
            }
            Filter::In {
                column,
                values,
                negated,
            } => {
                if values.is_empty() {
                    self.push(if *negated { "1=1" } else { "1=0" });
                    return;
                }
                self.push_column(*column);
                self.push(if *negated { " NOT IN (" } else { " IN (" });
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.push_value(*column, value);
                }
                self.push(")");
            }
            Filter::Like {
                column,
                pattern,
                case_insensitive,
            } => {
                let expression = self.column_expression(*column);
                let bound = self.dialect.like_pattern(pattern, *case_insensitive);
                self.params.push(Param::Text(bound));
                let mut placeholder = String::new();
                self.dialect
                    .push_placeholder(&mut placeholder, self.params.len());
                self.dialect
                    .push_like(&mut self.sql, &expression, &placeholder, *case_insensitive);
            }
            Filter::IsNull { column, is_null } => {
                self.push_column(*column);
                self.push(if *is_null { " IS NULL" } else { " IS NOT NULL" });
            }
        }
    }

    /// Rows after the one whose sort key is `values`, NULL being the lowest value:
    /// `k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...`, each part spelled for NULLs.
    fn push_after(&mut self, sort: &[SortKey], values: &[Value]) {
        let mut disjuncts = 0;
        for (i, key) in sort.iter().enumerate() {
            // After a NULL in a descending key nothing is lower: no row follows on this key.
            if key.descending && values[i].is_null() {
                continue;
            }
            self.push(if disjuncts == 0 { "(" } else { " OR (" });
            disjuncts += 1;
            for (j, previous) in sort[..i].iter().enumerate() {
                self.push_equal(previous.target, &values[j]);
                self.push(" AND ");
            }
            self.push_beyond(key, &values[i]);
            self.push(")");
        }
        if disjuncts == 0 {
            self.push("1=0");
        }
    }

    fn push_equal(&mut self, target: SortTarget, value: &Value) {
        self.push_sort_target(target);
        if value.is_null() {
            self.push(" IS NULL");
        } else {
            self.push(" = ");
            self.push_key_value(target, value);
        }
    }

    fn push_beyond(&mut self, key: &SortKey, value: &Value) {
        let nullable = match key.target {
            SortTarget::Column(column) => self.table.columns[column].def.nullable,
            SortTarget::RowId(_) => false,
        };
        // An enum type's column sorts in declaration order: so must the values beyond.
        let op = if key.descending {
            Operator::Lt
        } else {
            Operator::Gt
        };
        let enum_range = match key.target {
            SortTarget::Column(column) => self
                .enum_range(column, op, value)
                .map(|labels| (column, labels)),
            SortTarget::RowId(_) => None,
        };
        if value.is_null() {
            // Ascending: every non-NULL value comes after NULL.
            self.push_sort_target(key.target);
            self.push(" IS NOT NULL");
        } else if let Some((column, labels)) = enum_range {
            if key.descending && nullable {
                self.push("(");
            }
            self.push_in_labels(column, labels);
            if key.descending && nullable {
                self.push(" OR ");
                self.push_sort_target(key.target);
                self.push(" IS NULL)");
            }
        } else if key.descending {
            if nullable {
                self.push("(");
            }
            self.push_sort_target(key.target);
            self.push(" < ");
            self.push_key_value(key.target, value);
            if nullable {
                self.push(" OR ");
                self.push_sort_target(key.target);
                self.push(" IS NULL)");
            }
        } else {
            self.push_sort_target(key.target);
            self.push(" > ");
            self.push_key_value(key.target, value);
        }
    }

    fn push_key_value(&mut self, target: SortTarget, value: &Value) {
        match target {
            SortTarget::Column(column) => self.push_value(column, value),
            SortTarget::RowId(_) => self.push_param(Param::Integer(value.as_i64().unwrap_or(0))),
        }
    }
}

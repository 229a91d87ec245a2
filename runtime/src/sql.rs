//! Writes the statements of the tools in a backend's [`Dialect`], from requests the query
//! layer has already checked and planned ([`crate::query`]): this module decides nothing about
//! what a request means, only how the database spells it.
//!
//! Injection-proof by construction: identifiers come only from the tables' derive metadata,
//! and every value a client sends becomes a [`Param`], never SQL text. The one statement a
//! client writes, `query_sql`'s, comes here already checked and written out again
//! ([`crate::query::sql_check`]); its values are parameters too.

use crate::catalog::{Operand, Operator, Table};
use crate::dialect::Dialect;
use crate::query::aggregate::{AggregateRequest, Computed};
use crate::query::{
    CountRequest, Filter, GetRequest, PagePlan, PageStart, Selected, SqlRequest, SqlValue, Target,
};
use crate::table::ColumnKind;

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
        /// The value, already read as that type.
        operand: Operand,
    },
    /// Text (`LIKE` patterns).
    Text(String),
    /// An integer (`LIMIT`, `OFFSET`, row ids).
    Integer(i64),
    /// A value of `query_sql`'s `params`, bound as the type its JSON type names.
    Plain(SqlValue),
}

/// `query_sql`'s statement: the checked statement as it was written out again, and its
/// parameters. Its columns are known only when its rows come.
pub fn query_sql(request: &SqlRequest) -> Statement {
    Statement {
        sql: request.statement.sql.clone(),
        params: request.params.iter().cloned().map(Param::Plain).collect(),
        columns: Vec::new(),
    }
}

/// What each call's transaction tells the database of the caller before its first statement
/// (`[auth] db_claims`), so that row-level security policies can use the caller's identity:
/// PostgreSQL's `request.jwt.claims` setting and role, both local to the transaction
/// ([`session_settings`] writes the statements). Empty: nothing is set, and reads
/// run outside a transaction as before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSettings {
    /// The caller's claims as JSON text, for `request.jwt.claims`.
    pub claims: Option<String>,
    /// The role the transaction runs as (`SET LOCAL ROLE`).
    pub role: Option<String>,
}

impl SessionSettings {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.claims.is_none() && self.role.is_none()
    }
}

/// The statements that start a call's transaction with `session`'s settings, so that
/// row-level security policies see the caller (`[auth] db_claims`): its claims as the
/// transaction-local setting `request.jwt.claims` (a parameter, never SQL text), then its role
/// (`SET LOCAL ROLE`, the name quoted as an identifier). PostgreSQL only: another database
/// gets an error, and the call is refused.
pub fn session_settings(
    dialect: &dyn Dialect,
    session: &SessionSettings,
) -> Result<Vec<Statement>, String> {
    if dialect.engine() != crate::query::Engine::Postgres {
        return Err(format!(
            "the caller's claims are given only to PostgreSQL (auth.db_claims), not to {}",
            dialect.name()
        ));
    }
    let mut statements = Vec::new();
    if let Some(claims) = &session.claims {
        let mut sql = String::from("SELECT set_config('request.jwt.claims', ");
        dialect.push_placeholder(&mut sql, 1);
        sql.push_str(", true)");
        statements.push(Statement {
            sql,
            params: vec![Param::Text(claims.clone())],
            columns: Vec::new(),
        });
    }
    if let Some(role) = &session.role {
        let mut sql = String::from("SET LOCAL ROLE ");
        dialect.push_identifier(&mut sql, role);
        statements.push(Statement {
            sql,
            params: Vec::new(),
            columns: Vec::new(),
        });
    }
    Ok(statements)
}

/// `SELECT * FROM` the table: what the database returns of every column it has.
pub fn select_all(dialect: &dyn Dialect, table: &Table) -> String {
    let mut sql = String::from("SELECT * FROM ");
    if let Some(schema) = table.def.schema {
        dialect.push_identifier(&mut sql, schema);
        sql.push('.');
    }
    dialect.push_identifier(&mut sql, table.def.name);
    sql
}

/// `SELECT` of `aggregate_data`: the grouped columns, then each aggregate, of the rows the
/// filter lets through, one row per group in the order of the grouped columns, one more than a
/// result holds. Columns are referred to by position in `GROUP BY` and `ORDER BY`, so each is
/// written once.
pub fn select_aggregate(
    dialect: &dyn Dialect,
    table: &Table,
    request: &AggregateRequest,
) -> Statement {
    let mut writer = Writer::new(dialect, table);
    let mut columns = Vec::with_capacity(request.group_by.len() + request.aggregates.len());
    writer.push("SELECT ");
    for &column in &request.group_by {
        if !columns.is_empty() {
            writer.push(", ");
        }
        writer.push_column(column);
        columns.push(Selected::Column(column));
    }
    for aggregate in &request.aggregates {
        if !columns.is_empty() {
            writer.push(", ");
        }
        let mut call = String::from(aggregate.function.sql());
        call.push('(');
        match aggregate.column {
            Some(column) => call.push_str(&writer.column_expression(column)),
            None => call.push('*'),
        }
        call.push(')');
        let mut expression = String::new();
        match aggregate.value {
            Computed::Integer => dialect.push_cast_to_integer(&mut expression, &call),
            Computed::Float => dialect.push_cast_to_float(&mut expression, &call),
            Computed::Decimal | Computed::Column(_) => expression = call,
        }
        writer.push(&expression);
        columns.push(Selected::Computed(aggregate.value));
    }
    writer.push(" FROM ");
    writer.push_table();
    if let Some(filter) = &request.filter {
        writer.push(" WHERE ");
        writer.push_filter(filter);
    }
    if !request.group_by.is_empty() {
        let positions: Vec<String> = (1..=request.group_by.len())
            .map(|position| position.to_string())
            .collect();
        writer.push(" GROUP BY ");
        writer.push(&positions.join(", "));
        writer.push(" ORDER BY ");
        for (i, position) in positions.iter().enumerate() {
            if i > 0 {
                writer.push(", ");
            }
            writer.push(position);
            writer.push(" ASC");
            writer.push(dialect.nulls_lowest(false));
        }
    }
    writer.push(" LIMIT ");
    writer.push_param(Param::Integer(
        i64::try_from(request.rows_to_fetch()).unwrap_or(i64::MAX),
    ));
    writer.finish(columns)
}

/// `SELECT` of one page of `list_T`, as the plan says: its selected values, its conditions,
/// its total order, and one row more than a page.
pub fn select_page(dialect: &dyn Dialect, table: &Table, plan: &PagePlan) -> Statement {
    let mut writer = Writer::new(dialect, table);
    writer.push_select(&plan.selected);
    let after = match &plan.start {
        PageStart::After(after) => Some(after),
        PageStart::First | PageStart::Offset(_) => None,
    };
    let conditions: Vec<&Filter> = plan.filter.iter().chain(after).collect();
    if !conditions.is_empty() {
        writer.push(" WHERE ");
        for (i, condition) in conditions.iter().enumerate() {
            if i > 0 {
                writer.push(" AND ");
            }
            writer.push("(");
            writer.push_filter(condition);
            writer.push(")");
        }
    }
    writer.push(" ORDER BY ");
    for (i, key) in plan.order.iter().enumerate() {
        if i > 0 {
            writer.push(", ");
        }
        writer.push_order_target(key.target);
        writer.push(if key.descending { " DESC" } else { " ASC" });
        writer.push(dialect.nulls_lowest(key.descending));
    }
    writer.push(" LIMIT ");
    writer.push_param(Param::Integer(
        i64::try_from(plan.rows_to_fetch()).unwrap_or(i64::MAX),
    ));
    if let PageStart::Offset(offset) = plan.start {
        writer.push(" OFFSET ");
        writer.push_param(Param::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
    }
    writer.finish(plan.selected.clone())
}

/// `SELECT` of the row of `get_T`: every column.
pub fn select_by_key(dialect: &dyn Dialect, table: &Table, request: &GetRequest) -> Statement {
    let mut writer = Writer::new(dialect, table);
    let selected: Vec<Selected> = (0..table.columns.len()).map(Selected::Column).collect();
    writer.push_select(&selected);
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

    /// `SELECT values FROM table`.
    fn push_select(&mut self, selected: &[Selected]) {
        self.push("SELECT ");
        for (i, value) in selected.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            match value {
                Selected::Column(column) => self.push_column(*column),
                Selected::RowId(alias) => self.push(alias),
                // Pages and rows by key select no computed value; NULL keeps the statement
                // whole if one ever did.
                Selected::Computed(_) => self.push("NULL"),
            }
        }
        self.push(" FROM ");
        self.push_table();
    }

    fn push_table(&mut self) {
        if let Some(schema) = self.table.def.schema {
            self.dialect.push_identifier(&mut self.sql, schema);
            self.sql.push('.');
        }
        self.dialect
            .push_identifier(&mut self.sql, self.table.def.name);
    }

    /// Whether every clause reads the column as the database's text of its value: a type
    /// with no exact mapping, a `SET` (which would sort by its bit mask but compare as text),
    /// and an enum type where the dialect compares enums only with enums.
    fn reads_as_text(&self, column: usize) -> bool {
        let def = self.table.columns[column].def;
        match def.kind {
            ColumnKind::AsText | ColumnKind::Set(_) => true,
            ColumnKind::Enum(_) => {
                def.enum_labels().is_some() && self.dialect.compares_enums_as_text()
            }
            ColumnKind::Plain | ColumnKind::Padded => false,
        }
    }

    /// The column as every clause reads it: as text, or as the dialect reads it (the column
    /// itself, or SQLite's one spelling of a date or time).
    fn column_expression(&self, column: usize) -> String {
        let def = self.table.columns[column].def;
        let mut quoted = String::new();
        self.dialect.push_identifier(&mut quoted, def.name);
        let mut expression = String::new();
        if self.reads_as_text(column) {
            self.dialect.push_cast_to_text(&mut expression, &quoted);
        } else {
            self.dialect.push_column_read(&mut expression, &quoted, def);
        }
        expression
    }

    fn push_column(&mut self, column: usize) {
        let expression = self.column_expression(column);
        self.sql.push_str(&expression);
    }

    fn push_target(&mut self, target: Target) {
        match target {
            Target::Column(column) => self.push_column(column),
            Target::RowId(alias) => self.push(alias),
        }
    }

    /// A sort key in `ORDER BY`: an enum type's column itself, which sorts in declaration
    /// order (the query layer makes its comparisons follow suit).
    fn push_order_target(&mut self, target: Target) {
        match target {
            Target::Column(column) if self.table.columns[column].def.enum_labels().is_some() => {
                let name = self.table.columns[column].def.name;
                self.dialect.push_identifier(&mut self.sql, name);
            }
            other => self.push_target(other),
        }
    }

    fn push_param(&mut self, param: Param) {
        self.params.push(param);
        self.dialect
            .push_placeholder(&mut self.sql, self.params.len());
    }

    fn push_value(&mut self, column: usize, operand: &Operand) {
        self.params.push(Param::Column {
            column,
            operand: operand.clone(),
        });
        let mut placeholder = String::new();
        self.dialect
            .push_placeholder(&mut placeholder, self.params.len());
        self.dialect
            .push_column_value(&mut self.sql, &placeholder, self.table.columns[column].def);
    }

    /// `(a JOIN b JOIN ...)`. A database parses a flat list as a tree as deep as it is long
    /// (SQLite refuses one 1000 deep), so a long list is written as groups of groups:
    /// `((a OR ... OR h) OR (i OR ...))`, as shallow as the logarithm of its length.
    fn push_joined(&mut self, filters: &[Filter], joiner: &str) {
        const GROUP: usize = 32;
        self.push("(");
        if filters.len() <= GROUP {
            for (i, part) in filters.iter().enumerate() {
                if i > 0 {
                    self.push(joiner);
                }
                self.push_filter(part);
            }
        } else {
            let size = filters.len().div_ceil(GROUP).max(GROUP);
            for (i, group) in filters.chunks(size).enumerate() {
                if i > 0 {
                    self.push(joiner);
                }
                self.push_joined(group, joiner);
            }
        }
        self.push(")");
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
                self.push_joined(filters, joiner);
            }
            Filter::Not(inner) => {
                // NOT over a comparison with NULL is NULL; COALESCE makes "not" mean "not true".
                self.push("NOT COALESCE((");
                self.push_filter(inner);
                self.push("), 0=1)");
            }
            Filter::Compare { target, op, value } => {
                self.push_target(*target);
                self.push(match op {
                    Operator::Eq => " = ",
                    Operator::Ne => " <> ",
                    Operator::Gt => " > ",
                    Operator::Gte => " >= ",
                    Operator::Lt => " < ",
                    Operator::Lte => " <= ",
                    other => unreachable!("{other:?} is not a comparison"),
                });
                match target {
                    Target::Column(column) => self.push_value(*column, value),
                    Target::RowId(_) => {
                        let row_id = value.typed::<i64>().copied().unwrap_or_default();
                        self.push_param(Param::Integer(row_id));
                    }
                }
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
}

pub mod call;
#[cfg(test)]
mod tests;
pub mod write;

//! The columns of views, inferred from their query the way SQLite names and types them:
//! `*` and `t.*` expand to the columns of the tables read, an alias names its expression, a
//! column reference keeps the column's name and declared type, and any other expression is
//! named by its text as written. In SQLite an expression without declared type is typed by
//! its affinity (`CAST(x AS VARCHAR(10))` is `TEXT`, most others have none), including
//! SQLite's rules for compound selects; MySQL types column references and the computed
//! columns of [`super::mysql_view`], and knows which columns may be NULL; PostgreSQL names and
//! types computed columns as [`super::postgres_view`] says, and resolves unqualified names
//! through the view's `search_path`.

use sqlparser::ast::{
    BinaryOperator, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Ident,
    JoinConstraint, JoinOperator, Query, Select, SelectItem, SelectItemQualifiedWildcardKind,
    SetExpr, TableAlias, TableFactor, TableWithJoins, UnaryOperator, Value,
};

use super::affinity::{Affinity, sqlite_reported_type};
use super::mysql_view::{ExprType, expression_type};
use super::names::{TableName, ident_name, name_parts, same_name, same_schema, table_name};
use super::source::SourceText;
use super::{postgres, postgres_view};
use crate::model::{Column, Dialect, Table, TableKind};
use crate::typemap::data_type;

/// A view (or a table created `AS SELECT`) whose columns are inferred once every table of
/// the file is known.
pub(super) struct PendingView<'a> {
    /// Its place in the list of tables.
    pub(super) table: usize,
    /// It is a table created by `CREATE TABLE ... AS SELECT`.
    pub(super) table_as_select: bool,
    /// Its query.
    pub(super) query: Box<Query>,
    /// The column names it declares (`CREATE VIEW v (a, b) AS ...`), if any.
    pub(super) column_names: Vec<String>,
    /// PostgreSQL: the `search_path` when it was created, through which its query's
    /// unqualified names are resolved.
    pub(super) search_path: Vec<String>,
    /// Its statement.
    pub(super) source: SourceText<'a>,
}

/// A view whose columns cannot be inferred, and why.
pub(super) struct ViewProblem {
    /// Which pending view.
    pub(super) view: usize,
    /// Why, in the user's words.
    pub(super) message: String,
    /// The view is left out of the schema (otherwise only its types may be unknown).
    pub(super) skipped: bool,
}

/// Fills the columns of every pending view in `tables`, returning the views that could not
/// be inferred (completely).
pub(super) fn infer_view_columns<'v>(
    dialect: Dialect,
    tables: &mut [Table],
    views: &'v [PendingView<'_>],
    catalog: &'v postgres::Catalog,
) -> Vec<ViewProblem> {
    let mut inference = Inference {
        dialect,
        tables,
        views,
        catalog,
        states: vec![State::Pending; views.len()],
        problems: Vec::new(),
        current: 0,
    };
    for view in 0..views.len() {
        inference.resolve(view);
    }
    inference.problems
}

/// Where a view's inference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    InProgress,
    Done,
    Failed,
}

/// A column of something a query reads from.
#[derive(Debug, Clone)]
struct RelationColumn {
    name: String,
    /// Its type (normalized), empty when it has none.
    sql_type: String,
    /// It is a base table's column (in SQLite, such a column without type has `BLOB`
    /// affinity, which a view over it reports as its type).
    in_table: bool,
    /// It may be NULL (MySQL views report it; the column of an outer join's optional side
    /// may be).
    nullable: bool,
    /// Its comment (MySQL views show their base columns' comments).
    comment: Option<String>,
}

impl RelationColumn {
    /// A column of unknown type, which may be NULL.
    fn untyped(name: String) -> Self {
        Self {
            name,
            sql_type: String::new(),
            in_table: false,
            nullable: true,
            comment: None,
        }
    }

    /// SQLite's affinity of a reference to this column: its declared type's for a table
    /// column (`BLOB` when it has none), none for a view column without type.
    fn affinity(&self) -> Affinity {
        if self.sql_type.is_empty() && !self.in_table {
            Affinity::None
        } else {
            Affinity::of_type(&self.sql_type)
        }
    }
}

/// A table, view, subquery or CTE in a `FROM` clause.
#[derive(Debug, Clone)]
struct Relation {
    /// The name it is qualified by (its alias, else its name).
    qualifier: String,
    /// Its columns, `None` when they are not known.
    columns: Option<Vec<RelationColumn>>,
    /// Columns that `*` leaves out (the right side's columns of `USING` and natural joins).
    hidden_from_star: Vec<String>,
}

/// The named queries (`WITH` CTEs) visible in a query.
type Ctes = Vec<(String, Vec<RelationColumn>)>;

struct Inference<'t, 'v, 'a> {
    dialect: Dialect,
    tables: &'t mut [Table],
    views: &'v [PendingView<'a>],
    /// PostgreSQL: the types and functions the file creates.
    catalog: &'v postgres::Catalog,
    states: Vec<State>,
    problems: Vec<ViewProblem>,
    /// The view being inferred, for notes.
    current: usize,
}

impl<'v, 'a> Inference<'_, 'v, 'a> {
    /// Infers `view`'s columns (after the views it reads), returning whether they are known.
    fn resolve(&mut self, view: usize) -> bool {
        match self.states[view] {
            State::Done => return true,
            State::Failed | State::InProgress => return false,
            State::Pending => {}
        }
        self.states[view] = State::InProgress;
        let outer = std::mem::replace(&mut self.current, view);
        let views: &'v [PendingView<'a>] = self.views;
        let pending = &views[view];
        let inferred = self
            .query_columns(&pending.query, &pending.source, &Vec::new())
            .and_then(|columns| self.named(columns, &pending.column_names));
        self.current = outer;
        match inferred {
            Ok(columns) => {
                let table_as_select = pending.table_as_select && self.dialect == Dialect::Sqlite;
                let columns = columns
                    .into_iter()
                    .map(|mut column| {
                        if table_as_select {
                            column.sql_type = Affinity::of_view_type(&column.sql_type)
                                .table_as_select_type()
                                .to_owned();
                        }
                        self.view_column(column)
                    })
                    .collect();
                self.tables[pending.table].columns = columns;
                self.states[view] = State::Done;
                true
            }
            Err(message) => {
                self.note(view, message, true);
                self.states[view] = State::Failed;
                false
            }
        }
    }

    /// Notes a problem with `view` (once).
    fn note(&mut self, view: usize, message: String, skipped: bool) {
        let known = self
            .problems
            .iter()
            .any(|problem| problem.view == view && problem.message == message);
        if !known {
            self.problems.push(ViewProblem {
                view,
                message,
                skipped,
            });
        }
    }

    /// The columns with the names the view declares, or SQLite's unique names.
    fn named(
        &self,
        mut columns: Vec<RelationColumn>,
        declared: &[String],
    ) -> Result<Vec<RelationColumn>, String> {
        if declared.is_empty() {
            if self.dialect == Dialect::Sqlite {
                make_names_unique(&mut columns);
            }
            return Ok(columns);
        }
        if declared.len() != columns.len() {
            return Err(format!(
                "it names {} columns but its query returns {}",
                declared.len(),
                columns.len()
            ));
        }
        for (column, name) in columns.iter_mut().zip(declared) {
            column.name.clone_from(name);
        }
        Ok(columns)
    }

    /// A view column: typed like its expression, nullable, with nothing else.
    fn view_column(&self, column: RelationColumn) -> Column {
        let sql_type = column.sql_type;
        // MySQL reports which columns of a view may be NULL, and their base columns'
        // comments; SQLite and PostgreSQL neither.
        let mysql = self.dialect == Dialect::Mysql;
        Column {
            name: column.name,
            data_type: data_type(self.dialect, &sql_type),
            sql_type,
            nullable: !mysql || column.nullable,
            default: None,
            generated: false,
            computed: false,
            enum_values: Vec::new(),
            comment: column.comment.filter(|_| mysql),
        }
    }

    fn query_columns(
        &mut self,
        query: &Query,
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Result<Vec<RelationColumn>, String> {
        let mut scope = ctes.clone();
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let columns = self.query_columns(&cte.query, source, &scope)?;
                let columns = self.aliased(columns, &cte.alias);
                scope.push((ident_name(self.dialect, &cte.alias.name), columns));
            }
        }
        self.body_columns(&query.body, source, &scope)
    }

    /// The columns of a query body: those of its (first) `SELECT`.
    fn body_columns(
        &mut self,
        body: &SetExpr,
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Result<Vec<RelationColumn>, String> {
        match body {
            SetExpr::Select(select) => self.select_columns(select, source, ctes),
            SetExpr::Query(query) => self.query_columns(query, source, ctes),
            SetExpr::SetOperation { left, .. } => {
                let mut columns = self.body_columns(left, source, ctes)?;
                if self.dialect == Dialect::Sqlite {
                    self.type_compound_columns(body, &mut columns, source, ctes);
                }
                Ok(columns)
            }
            SetExpr::Values(values) => {
                let count = values.rows.first().map_or(0, |row| row.content.len());
                Ok((1..=count)
                    .map(|n| RelationColumn::untyped(format!("column{n}")))
                    .collect())
            }
            other => Err(format!(
                "its query is not a SELECT ({})",
                other.to_string().chars().take(40).collect::<String>()
            )),
        }
    }

    /// Retypes the columns of a compound select (`UNION`, ...) the way SQLite does, from the
    /// items of all its selects (`sqlite3SubqueryColumnTypes`). Left as they are when the
    /// selects cannot be read or differ in width.
    fn type_compound_columns(
        &mut self,
        body: &SetExpr,
        columns: &mut [RelationColumn],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) {
        let mut selects = Vec::new();
        if !collect_selects(body, &mut selects) {
            return;
        }
        let mut arms = Vec::new();
        for select in selects {
            match self.arm_items(select, source, ctes) {
                Some(arm) if arm.0.len() == columns.len() => arms.push(arm),
                _ => return,
            }
        }
        for (index, column) in columns.iter_mut().enumerate() {
            let first = &arms[0].0[index];
            let mut affinity = self.item_affinity(first, &arms[0].1, source, ctes);
            let mut kinds = 0u8;
            let mut arm = 0;
            while affinity <= Affinity::None && arm + 1 < arms.len() {
                kinds |= self.item_value_kinds(&arms[arm].0[index], &arms[arm].1, source, ctes);
                arm += 1;
                affinity = self.item_affinity(&arms[arm].0[index], &arms[arm].1, source, ctes);
            }
            if affinity >= Affinity::Text {
                for (items, relations) in &arms[arm + 1..] {
                    kinds |= self.item_value_kinds(&items[index], relations, source, ctes);
                }
                let text_mixed_with_numbers = affinity == Affinity::Text && kinds & 0x01 != 0;
                let numbers_mixed_with_text = affinity >= Affinity::Numeric && kinds & 0x02 != 0;
                if text_mixed_with_numbers || numbers_mixed_with_text {
                    affinity = Affinity::Blob;
                }
                if affinity >= Affinity::Numeric
                    && matches!(first, ArmItem::Expr(Expr::Cast { .. }))
                {
                    affinity = Affinity::FlexNum;
                }
            }
            let declared = match first {
                ArmItem::Expr(expr) => self.declared_type(expr, &arms[0].1, source, ctes),
                ArmItem::Column(column) => {
                    (!column.sql_type.is_empty()).then(|| column.sql_type.clone())
                }
            };
            column.sql_type = sqlite_reported_type(affinity, declared);
        }
    }

    /// The items of one select of a compound select (`*` expanded) with its relations.
    fn arm_items<'q>(
        &mut self,
        select: &'q Select,
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Option<(Vec<ArmItem<'q>>, Vec<Relation>)> {
        let relations = self.relations_in_from(&select.from, source, ctes).ok()?;
        let mut items = Vec::new();
        for item in &select.projection {
            match item {
                SelectItem::Wildcard(_) => items.extend(
                    star_columns(&relations)
                        .ok()?
                        .into_iter()
                        .map(ArmItem::Column),
                ),
                SelectItem::QualifiedWildcard(kind, _) => items.extend(
                    self.qualified_star_columns(kind, &relations)
                        .ok()?
                        .into_iter()
                        .map(ArmItem::Column),
                ),
                SelectItem::UnnamedExpr(expr)
                | SelectItem::ExprWithAlias { expr, .. }
                | SelectItem::ExprWithAliases { expr, .. } => items.push(ArmItem::Expr(expr)),
            }
        }
        Some((items, relations))
    }

    fn item_affinity(
        &mut self,
        item: &ArmItem<'_>,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Affinity {
        match item {
            ArmItem::Expr(expr) => self.affinity(expr, relations, source, ctes),
            ArmItem::Column(column) => column.affinity(),
        }
    }

    fn item_value_kinds(
        &mut self,
        item: &ArmItem<'_>,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> u8 {
        match item {
            ArmItem::Expr(expr) => self.value_kinds(expr, relations, source, ctes),
            ArmItem::Column(column) => column.affinity().value_kinds(),
        }
    }

    /// A column that `*` selects, typed as a reference to it.
    fn referenced(&self, column: RelationColumn) -> RelationColumn {
        let sql_type = if self.dialect == Dialect::Sqlite {
            let declared = (!column.sql_type.is_empty()).then(|| column.sql_type.clone());
            sqlite_reported_type(column.affinity(), declared)
        } else {
            column.sql_type
        };
        RelationColumn {
            name: column.name,
            sql_type,
            in_table: false,
            nullable: column.nullable,
            comment: column.comment,
        }
    }

    fn select_columns(
        &mut self,
        select: &Select,
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Result<Vec<RelationColumn>, String> {
        let relations = self.relations_in_from(&select.from, source, ctes)?;
        let texts = source
            .select_item_texts(select.select_token.0.span.start)
            .filter(|texts| texts.len() == select.projection.len());
        let mut columns = Vec::new();
        for (index, item) in select.projection.iter().enumerate() {
            let text = texts.as_ref().and_then(|texts| texts.get(index).copied());
            match item {
                SelectItem::Wildcard(_) => {
                    let selected = star_columns(&relations)?;
                    columns.extend(selected.into_iter().map(|c| self.referenced(c)));
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let selected = self.qualified_star_columns(kind, &relations)?;
                    columns.extend(selected.into_iter().map(|c| self.referenced(c)));
                }
                SelectItem::UnnamedExpr(expr) => {
                    columns.push(self.expression_column(expr, text, &relations, source, ctes));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let mut column = self.expression_column(expr, text, &relations, source, ctes);
                    column.name = ident_name(self.dialect, alias);
                    columns.push(column);
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    let mut column = self.expression_column(expr, text, &relations, source, ctes);
                    if let Some(alias) = aliases.first() {
                        column.name = ident_name(self.dialect, alias);
                    }
                    columns.push(column);
                }
            }
        }
        Ok(columns)
    }

    /// The columns of `t.*`.
    fn qualified_star_columns(
        &self,
        kind: &SelectItemQualifiedWildcardKind,
        relations: &[Relation],
    ) -> Result<Vec<RelationColumn>, String> {
        let SelectItemQualifiedWildcardKind::ObjectName(name) = kind else {
            return Err(format!("it selects {kind}.*, which mcpgen cannot expand"));
        };
        let parts = name_parts(self.dialect, name);
        let qualifier = parts.last().map_or("", String::as_str);
        let relation = relations
            .iter()
            .find(|relation| same_name(&relation.qualifier, qualifier))
            .ok_or_else(|| format!("it selects {name}.*, but reads no table called {name}"))?;
        relation
            .columns
            .clone()
            .ok_or_else(|| format!("it selects {name}.*, whose columns are not in this file"))
    }

    /// The name and type of an expression in a select list (before its alias): a column
    /// reference is named like the column, anything else by its text as written.
    fn expression_column(
        &mut self,
        expr: &Expr,
        text: Option<&str>,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> RelationColumn {
        if self.dialect == Dialect::Postgres {
            return self.postgres_expression_column(expr, relations, source, ctes);
        }
        let name = match self.named_column(expr) {
            Some(parts) => self.column_reference(parts, relations).name,
            None => text.map_or_else(|| expr.to_string(), str::to_owned),
        };
        if self.dialect == Dialect::Mysql {
            let column = |parts: &[Ident]| -> Option<ExprType> {
                let column = self.column_reference(parts, relations);
                (!column.sql_type.is_empty()).then_some(ExprType {
                    sql_type: column.sql_type,
                    nullable: column.nullable,
                })
            };
            let typed = expression_type(expr, &column);
            let comment = self
                .named_column(expr)
                .and_then(|parts| self.column_reference(parts, relations).comment);
            return RelationColumn {
                name,
                nullable: typed.as_ref().is_none_or(|typed| typed.nullable),
                sql_type: typed.map(|typed| typed.sql_type).unwrap_or_default(),
                in_table: false,
                comment,
            };
        }
        let sql_type = if self.dialect == Dialect::Sqlite {
            let affinity = self.affinity(expr, relations, source, ctes);
            let declared = self.declared_type(expr, relations, source, ctes);
            sqlite_reported_type(affinity, declared)
        } else {
            self.declared_type(expr, relations, source, ctes)
                .unwrap_or_default()
        };
        RelationColumn {
            sql_type,
            ..RelationColumn::untyped(name)
        }
    }

    /// PostgreSQL: the name and type PostgreSQL gives a select item without alias.
    fn postgres_expression_column(
        &mut self,
        expr: &Expr,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> RelationColumn {
        let catalog = self.catalog;
        let path = self.views[self.current].search_path.clone();
        let mut scope = PostgresScope {
            inference: self,
            relations,
            source,
            ctes,
        };
        let name = postgres_view::column_name(expr, &mut scope);
        let sql_type =
            postgres_view::expression_type(expr, &mut scope, catalog, &path).unwrap_or_default();
        RelationColumn {
            sql_type,
            ..RelationColumn::untyped(name)
        }
    }

    /// The column an expression names itself after: a column reference, through
    /// parentheses and (in SQLite) `COLLATE` and `likely()`/`unlikely()`.
    fn named_column<'e>(&self, expr: &'e Expr) -> Option<&'e [Ident]> {
        match expr {
            Expr::Identifier(ident) => Some(std::slice::from_ref(ident)),
            Expr::CompoundIdentifier(parts) => Some(parts),
            Expr::Nested(inner) => self.named_column(inner),
            Expr::Collate { expr: inner, .. } if self.dialect == Dialect::Sqlite => {
                self.named_column(inner)
            }
            Expr::Function(function) if self.dialect == Dialect::Sqlite => {
                likely_argument(function).and_then(|inner| self.named_column(inner))
            }
            _ => None,
        }
    }

    /// The declared type an expression carries (SQLite's `columnType`): a column
    /// reference's, or that of a scalar subquery's first column.
    fn declared_type(
        &mut self,
        expr: &Expr,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Option<String> {
        match expr {
            Expr::Identifier(ident) => {
                self.referenced_declared_type(std::slice::from_ref(ident), relations)
            }
            Expr::CompoundIdentifier(parts) => self.referenced_declared_type(parts, relations),
            Expr::Nested(inner) => self.declared_type(inner, relations, source, ctes),
            Expr::Subquery(query) if self.dialect == Dialect::Sqlite => self
                .query_columns(query, source, ctes)
                .ok()?
                .into_iter()
                .next()
                .map(|column| column.sql_type)
                .filter(|sql_type| !sql_type.is_empty()),
            _ => None,
        }
    }

    fn referenced_declared_type(&self, parts: &[Ident], relations: &[Relation]) -> Option<String> {
        let column = self.column_reference(parts, relations);
        (!column.sql_type.is_empty()).then_some(column.sql_type)
    }

    /// SQLite's affinity of an expression (`sqlite3ExprAffinity`).
    fn affinity(
        &mut self,
        expr: &Expr,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Affinity {
        match expr {
            Expr::Identifier(ident) => self
                .column_reference(std::slice::from_ref(ident), relations)
                .affinity(),
            Expr::CompoundIdentifier(parts) => self.column_reference(parts, relations).affinity(),
            Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => {
                self.affinity(inner, relations, source, ctes)
            }
            Expr::Cast { data_type, .. } => Affinity::of_type(&data_type.to_string()),
            Expr::Subquery(query) => self
                .query_columns(query, source, ctes)
                .ok()
                .and_then(|columns| columns.into_iter().next())
                .map_or(Affinity::None, |column| column.affinity()),
            _ => Affinity::None,
        }
    }

    /// SQLite's kinds of values an expression may have (`sqlite3ExprDataType`): 0x01
    /// numeric, 0x02 text, 0x04 blob.
    fn value_kinds(
        &mut self,
        expr: &Expr,
        relations: &[Relation],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> u8 {
        match expr {
            Expr::Nested(inner)
            | Expr::Collate { expr: inner, .. }
            | Expr::UnaryOp {
                op: UnaryOperator::Plus,
                expr: inner,
            } => self.value_kinds(inner, relations, source, ctes),
            Expr::Value(value) => match value.value {
                Value::Null => 0x00,
                Value::HexStringLiteral(_) => 0x04,
                Value::Placeholder(_) => 0x07,
                Value::Number(..) | Value::Boolean(_) => 0x01,
                _ => 0x02,
            },
            Expr::BinaryOp {
                op: BinaryOperator::StringConcat,
                ..
            } => 0x06,
            Expr::Function(_) => 0x07,
            Expr::Identifier(_)
            | Expr::CompoundIdentifier(_)
            | Expr::Subquery(_)
            | Expr::Cast { .. } => self.affinity(expr, relations, source, ctes).value_kinds(),
            Expr::Case {
                conditions,
                else_result,
                ..
            } => {
                let mut kinds = 0;
                for condition in conditions {
                    kinds |= self.value_kinds(&condition.result, relations, source, ctes);
                }
                if let Some(other) = else_result {
                    kinds |= self.value_kinds(other, relations, source, ctes);
                }
                kinds
            }
            _ => 0x01,
        }
    }

    /// The column `parts` (`col`, `t.col` or `s.t.col`) refers to: its declared name and
    /// type, or the name as written and no type when it is not found.
    fn column_reference(&self, parts: &[Ident], relations: &[Relation]) -> RelationColumn {
        let names: Vec<String> = parts.iter().map(|p| ident_name(self.dialect, p)).collect();
        let Some((column_name, qualifiers)) = names.split_last() else {
            return RelationColumn::untyped(String::new());
        };
        let found = relations
            .iter()
            .filter(|relation| {
                qualifiers
                    .last()
                    .is_none_or(|qualifier| same_name(&relation.qualifier, qualifier))
            })
            .filter_map(|relation| relation.columns.as_ref())
            .flatten()
            .find(|column| same_name(&column.name, column_name));
        found
            .cloned()
            .unwrap_or_else(|| RelationColumn::untyped(column_name.clone()))
    }

    /// The relations of a `FROM` clause, in order.
    fn relations_in_from(
        &mut self,
        from: &[TableWithJoins],
        source: &SourceText<'a>,
        ctes: &Ctes,
    ) -> Result<Vec<Relation>, String> {
        let mut relations = Vec::new();
        for table in from {
            let first = relations.len();
            self.add_relation(&table.relation, source, ctes, &mut relations)?;
            for join in &table.joins {
                let first_new = relations.len();
                self.add_relation(&join.relation, source, ctes, &mut relations)?;
                let (left_optional, right_optional) = optional_sides(&join.join_operator);
                if left_optional {
                    relations[first..first_new]
                        .iter_mut()
                        .for_each(Relation::make_nullable);
                }
                if right_optional {
                    relations[first_new..]
                        .iter_mut()
                        .for_each(Relation::make_nullable);
                }
                let hidden = match join_constraint(&join.join_operator) {
                    Some(JoinConstraint::Using(names)) => names
                        .iter()
                        .filter_map(|name| name_parts(self.dialect, name).pop())
                        .collect(),
                    Some(JoinConstraint::Natural) => {
                        common_columns(&relations[..first_new], &relations[first_new..])
                    }
                    _ => Vec::new(),
                };
                for relation in &mut relations[first_new..] {
                    relation.hidden_from_star.extend(hidden.iter().cloned());
                }
            }
        }
        Ok(relations)
    }

    /// Adds the relation(s) of one `FROM` item.
    fn add_relation(
        &mut self,
        factor: &TableFactor,
        source: &SourceText<'a>,
        ctes: &Ctes,
        relations: &mut Vec<Relation>,
    ) -> Result<(), String> {
        match factor {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let parts = name_parts(self.dialect, name);
                let cte = match parts.as_slice() {
                    [single] => ctes.iter().rev().find(|(cte, _)| same_name(cte, single)),
                    _ => None,
                };
                let columns = match cte {
                    Some((_, columns)) => Some(columns.clone()),
                    None => match table_name(self.dialect, name) {
                        Some(table) if self.dialect == Dialect::Postgres => {
                            let path = &self.views[self.current].search_path;
                            let table = postgres_view::resolve_relation(self.tables, table, path);
                            self.table_columns(&table)?
                        }
                        Some(table) => self.table_columns(&table)?,
                        None => None,
                    },
                };
                if columns.is_none() {
                    let message = format!(
                        "it reads {name}, which this file does not create; the types of its \
                         columns from there are unknown"
                    );
                    self.note(self.current, message, false);
                }
                let qualifier = alias.as_ref().map_or_else(
                    || parts.last().cloned().unwrap_or_default(),
                    |alias| ident_name(self.dialect, &alias.name),
                );
                let columns = match (columns, alias) {
                    (Some(columns), Some(alias)) => Some(self.aliased(columns, alias)),
                    (columns, _) => columns,
                };
                relations.push(Relation {
                    qualifier,
                    columns,
                    hidden_from_star: Vec::new(),
                });
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let columns = self.query_columns(subquery, source, ctes)?;
                let (qualifier, columns) = match alias {
                    Some(alias) => (
                        ident_name(self.dialect, &alias.name),
                        self.aliased(columns, alias),
                    ),
                    None => (String::new(), columns),
                };
                relations.push(Relation {
                    qualifier,
                    columns: Some(columns),
                    hidden_from_star: Vec::new(),
                });
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                let nested =
                    self.relations_in_from(std::slice::from_ref(table_with_joins), source, ctes)?;
                relations.extend(nested);
            }
            other => relations.push(Relation {
                qualifier: table_alias(other)
                    .map(|alias| ident_name(self.dialect, &alias.name))
                    .unwrap_or_default(),
                columns: None,
                hidden_from_star: Vec::new(),
            }),
        }
        Ok(())
    }

    /// The columns of the table or view `name` of this file (inferring a view first), or
    /// `None` when the file does not define it.
    fn table_columns(&mut self, name: &TableName) -> Result<Option<Vec<RelationColumn>>, String> {
        let Some(index) = find_table(self.tables, name) else {
            return Ok(None);
        };
        if self.tables[index].kind == TableKind::View
            && let Some(view) = self.views.iter().position(|view| view.table == index)
            && !self.resolve(view)
        {
            return Err(format!(
                "it reads view {}, whose columns are unknown",
                name.display()
            ));
        }
        let table = &self.tables[index];
        let in_table = table.kind == TableKind::Table;
        Ok(Some(
            table
                .columns
                .iter()
                .map(|column| RelationColumn {
                    name: column.name.clone(),
                    sql_type: column.sql_type.clone(),
                    in_table,
                    nullable: column.nullable,
                    comment: column.comment.clone(),
                })
                .collect(),
        ))
    }

    /// `columns` renamed by the column list of `alias` (`AS t (a, b)`), if it has one.
    fn aliased(&self, mut columns: Vec<RelationColumn>, alias: &TableAlias) -> Vec<RelationColumn> {
        for (column, name) in columns.iter_mut().zip(&alias.columns) {
            column.name = ident_name(self.dialect, &name.name);
        }
        columns
    }
}

/// What a PostgreSQL select item sees, for [`postgres_view`].
struct PostgresScope<'i, 't, 'v, 'a, 'r> {
    inference: &'i mut Inference<'t, 'v, 'a>,
    relations: &'r [Relation],
    source: &'r SourceText<'a>,
    ctes: &'r Ctes,
}

impl postgres_view::Scope for PostgresScope<'_, '_, '_, '_, '_> {
    fn column_type(&mut self, parts: &[Ident]) -> String {
        self.inference
            .column_reference(parts, self.relations)
            .sql_type
    }

    fn first_column(&mut self, query: &Query) -> Option<(String, String)> {
        self.inference
            .query_columns(query, self.source, self.ctes)
            .ok()?
            .into_iter()
            .next()
            .map(|column| (column.name, column.sql_type))
    }
}

/// The index of the table called `name` in `tables`: in its schema, else the only one of
/// that name (in any schema for a name without schema, in the default schema for a
/// qualified one, as when a MySQL dump qualifies names with the database it creates).
pub(super) fn find_table(tables: &[Table], name: &TableName) -> Option<usize> {
    let exact = tables.iter().position(|table| {
        same_name(&table.name, &name.name)
            && same_schema(table.schema.as_deref(), name.schema.as_deref())
    });
    if exact.is_some() {
        return exact;
    }
    let mut matching = tables.iter().enumerate().filter(|(_, table)| {
        same_name(&table.name, &name.name) && (name.schema.is_none() || table.schema.is_none())
    });
    match (matching.next(), matching.next()) {
        (Some((index, _)), None) => Some(index),
        _ => None,
    }
}

/// The columns `*` expands to.
fn star_columns(relations: &[Relation]) -> Result<Vec<RelationColumn>, String> {
    if relations.is_empty() {
        return Err("it selects * without FROM".to_owned());
    }
    let mut columns = Vec::new();
    for relation in relations {
        let Some(own) = &relation.columns else {
            return Err(format!(
                "it selects * from {}, whose columns are not in this file",
                relation.qualifier
            ));
        };
        columns.extend(
            own.iter()
                .filter(|column| {
                    !relation
                        .hidden_from_star
                        .iter()
                        .any(|hidden| same_name(hidden, &column.name))
                })
                .cloned(),
        );
    }
    Ok(columns)
}

/// The column names `right` shares with `left` (a natural join's columns).
fn common_columns(left: &[Relation], right: &[Relation]) -> Vec<String> {
    let names = |relations: &[Relation]| -> Vec<String> {
        relations
            .iter()
            .filter_map(|relation| relation.columns.as_ref())
            .flatten()
            .map(|column| column.name.clone())
            .collect()
    };
    let left = names(left);
    names(right)
        .into_iter()
        .filter(|name| left.iter().any(|other| same_name(other, name)))
        .collect()
}

impl Relation {
    /// Its columns may be NULL: it is the optional side of an outer join.
    fn make_nullable(&mut self) {
        for column in self.columns.iter_mut().flatten() {
            column.nullable = true;
        }
    }
}

/// Whether the left and the right side of a join are optional (an outer join fills them
/// with NULL when they have no match).
fn optional_sides(operator: &JoinOperator) -> (bool, bool) {
    match operator {
        JoinOperator::Left(_) | JoinOperator::LeftOuter(_) => (false, true),
        JoinOperator::Right(_) | JoinOperator::RightOuter(_) => (true, false),
        JoinOperator::FullOuter(_) => (true, true),
        _ => (false, false),
    }
}

/// The constraint of a join, when it has one.
fn join_constraint(operator: &JoinOperator) -> Option<&JoinConstraint> {
    match operator {
        JoinOperator::Join(constraint)
        | JoinOperator::Inner(constraint)
        | JoinOperator::Left(constraint)
        | JoinOperator::LeftOuter(constraint)
        | JoinOperator::Right(constraint)
        | JoinOperator::RightOuter(constraint)
        | JoinOperator::FullOuter(constraint)
        | JoinOperator::CrossJoin(constraint)
        | JoinOperator::StraightJoin(constraint) => Some(constraint),
        _ => None,
    }
}

/// The alias of a `FROM` item that is not a table or subquery.
fn table_alias(factor: &TableFactor) -> Option<&TableAlias> {
    match factor {
        TableFactor::TableFunction { alias, .. }
        | TableFactor::Function { alias, .. }
        | TableFactor::UNNEST { alias, .. } => alias.as_ref(),
        _ => None,
    }
}

/// The selects of a compound select, left to right, or `false` when one is not a plain
/// select.
fn collect_selects<'q>(body: &'q SetExpr, selects: &mut Vec<&'q Select>) -> bool {
    match body {
        SetExpr::Select(select) => {
            selects.push(select);
            true
        }
        SetExpr::SetOperation { left, right, .. } => {
            collect_selects(left, selects) && collect_selects(right, selects)
        }
        _ => false,
    }
}

/// One column of one select of a compound select: an expression, or a column `*` selects.
enum ArmItem<'q> {
    Expr(&'q Expr),
    Column(RelationColumn),
}

/// The first argument of SQLite's `likely(x)`, `unlikely(x)` or `likelihood(x, p)`.
fn likely_argument(function: &Function) -> Option<&Expr> {
    let name = function.name.to_string();
    if !["likely", "unlikely", "likelihood"]
        .iter()
        .any(|known| name.eq_ignore_ascii_case(known))
    {
        return None;
    }
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    match list.args.first()? {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr),
        _ => None,
    }
}

/// SQLite's names for a view's columns that would repeat a name: `id`, `id:1`, `id:2`.
fn make_names_unique(columns: &mut [RelationColumn]) {
    let mut seen: Vec<String> = Vec::with_capacity(columns.len());
    for column in columns {
        let mut name = column.name.clone();
        let mut count = 0u32;
        while seen.iter().any(|other| same_name(other, &name)) {
            count += 1;
            name = format!("{}:{count}", without_number_suffix(&name));
        }
        seen.push(name.clone());
        column.name = name;
    }
}

/// `name` without a `:N` suffix.
fn without_number_suffix(name: &str) -> &str {
    let digits = name.trim_end_matches(|c: char| c.is_ascii_digit());
    match digits.strip_suffix(':') {
        Some(base) if digits.len() < name.len() => base,
        _ => name,
    }
}

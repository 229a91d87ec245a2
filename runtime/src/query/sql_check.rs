//! `query_sql`'s statement, checked before it reaches the database: one read-only query over
//! the tables and views this server serves, and nothing else.
//!
//! The statement is parsed with sqlparser in the database's dialect and walked node by node.
//! Every kind of node is refused unless this module knows it to be safe (default-deny): one
//! statement; a query (`SELECT`, `WITH`, `VALUES`) or an `EXPLAIN` of one; relations that
//! are served tables and views or the statement's own CTEs, resolved by the database's rules
//! for names and scope; functions from a short list of pure built-ins per database
//! ([`allowed`]) and the read-only functions the server serves; casts to plain types; no
//! `INTO`, locking clause, data-modifying CTE, table function, system catalog, session or user
//! variable, optimizer hint.
//!
//! What runs is the checked tree written out again ([`CheckedSql::sql`]), not the client's
//! text: comments (MySQL's executable `/*! ... */` ones too) are gone, every served relation
//! is named as the catalog spells it and quoted, PostgreSQL's built-ins are called through
//! `pg_catalog`. The written text must parse back into the very tree that was checked, and
//! string literals are limited to spellings every setting of the database reads alike (no
//! backslash in PostgreSQL and MySQL), so the database reads what was checked.

use serde_json::{Map, Value};
use sqlparser::ast::{
    CeilFloorKind, Cte, DescribeAlias, Distinct, DuplicateTreatment, Expr, Fetch, Function,
    FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArgumentList, FunctionArguments,
    GroupByExpr, GroupByWithModifier, Ident, Join, JoinConstraint, JoinOperator, LimitClause,
    NamedWindowDefinition, NamedWindowExpr, ObjectName, ObjectNamePart, Offset, OrderBy,
    OrderByExpr, OrderByKind, OrderByOptions, OrderBySort, Query, Select, SelectFlavor, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier, Statement, Subscript,
    TableAlias, TableAliasColumnDef, TableFactor, TableWithJoins, UnaryOperator,
    Value as SqlLiteral, ValueWithSpan, Values, WildcardAdditionalOptions, WindowFrame,
    WindowFrameBound, WindowSpec, WindowType, With,
};
use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;

pub mod allowed;

use super::ArgumentError;
use crate::catalog::{Catalog, Routine};
use crate::routine::{FieldRole, Returns, RoutineKind};
pub use allowed::Kind;

/// Which database's SQL a statement is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

/// The served tables query_sql does not read, by catalog index, each with the columns the
/// database has that its struct does not serve (found when the server starts).
pub type Unreadable = std::collections::BTreeMap<usize, Vec<String>>;

/// The longest statement `query_sql` reads, in bytes.
pub const MAX_SQL_BYTES: usize = 16 * 1024;

/// The most values `params` holds.
pub const MAX_PARAMS: usize = 1000;

/// How deep the checked tree may nest (expressions in expressions, queries in queries).
const MAX_DEPTH: usize = 96;

/// The arguments of `query_sql`, checked: the statement to run and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlRequest {
    /// The checked statement.
    pub statement: CheckedSql,
    /// One value per placeholder, in order.
    pub params: Vec<SqlValue>,
}

/// A value of `params`: a plain JSON scalar, bound as the type its JSON type names.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Text(String),
}

/// A statement that passed the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSql {
    /// The statement as it runs: the checked tree written out.
    pub sql: String,
    /// How many parameters it takes.
    pub placeholders: usize,
}

impl SqlRequest {
    /// Reads `query_sql`'s arguments: `sql`, one statement that [`check`] accepts, and
    /// `params`, as many plain values as it has placeholders.
    pub fn parse(
        catalog: &Catalog,
        unreadable: &Unreadable,
        engine: Engine,
        default_schema: &str,
        arguments: &Map<String, Value>,
    ) -> Result<Self, ArgumentError> {
        if let Some(key) = arguments
            .keys()
            .find(|key| !matches!(key.as_str(), "sql" | "params"))
        {
            return Err(ArgumentError::new(format!(
                "query_sql takes `sql` and `params`; {key:?} is neither"
            )));
        }
        let sql = arguments.get("sql").and_then(Value::as_str).ok_or_else(|| {
            ArgumentError::new(
                "query_sql needs `sql`: one SELECT (or WITH, VALUES, EXPLAIN of one) as a string",
            )
        })?;
        let params = match arguments.get("params") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(values)) => values
                .iter()
                .enumerate()
                .map(|(index, value)| sql_value(index, value))
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(ArgumentError::new(
                    "`params` of query_sql is an array of values, one per placeholder",
                ));
            }
        };
        if params.len() > MAX_PARAMS {
            return Err(ArgumentError::new(format!(
                "`params` holds {} values; query_sql takes at most {MAX_PARAMS}",
                params.len()
            )));
        }
        let statement = check(catalog, unreadable, engine, default_schema, sql)?;
        if statement.placeholders != params.len() {
            let placeholder = match engine {
                Engine::Postgres => "$1, $2, ...",
                Engine::Mysql | Engine::Sqlite => "?",
            };
            return Err(ArgumentError::new(format!(
                "the statement has {} placeholders ({placeholder}) but `params` holds {} values: give one value per placeholder",
                statement.placeholders,
                params.len()
            )));
        }
        Ok(Self { statement, params })
    }
}

/// One value of `params`.
fn sql_value(index: usize, value: &Value) -> Result<SqlValue, ArgumentError> {
    Ok(match value {
        Value::Null => SqlValue::Null,
        Value::Bool(value) => SqlValue::Boolean(*value),
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(integer), _) => SqlValue::Integer(integer),
            (None, Some(_)) if number.is_u64() => {
                return Err(ArgumentError::new(format!(
                    "params[{index}] is an integer larger than a 64-bit integer holds: pass it as a string and cast it in the statement"
                )));
            }
            (None, Some(float)) => SqlValue::Float(float),
            (None, None) => {
                return Err(ArgumentError::new(format!(
                    "params[{index}] is a number no database type holds: pass it as a string"
                )));
            }
        },
        Value::String(text) => SqlValue::Text(text.clone()),
        Value::Array(_) | Value::Object(_) => {
            return Err(ArgumentError::new(format!(
                "params[{index}] is an array or object; parameters are plain values (null, true/false, numbers, strings): pass JSON as a string and cast it in the statement"
            )));
        }
    })
}

/// Checks `sql`: one read-only query over the served tables and views of `catalog`, in
/// `engine`'s SQL, where `default_schema` is the schema of tables the catalog names without
/// one. Returns the statement to run, or says what to change.
pub fn check(
    catalog: &Catalog,
    unreadable: &Unreadable,
    engine: Engine,
    default_schema: &str,
    sql: &str,
) -> Result<CheckedSql, ArgumentError> {
    let refused = |reason: String| {
        ArgumentError::new(format!(
            "query_sql refused the statement, which did not run: {reason}"
        ))
    };
    if sql.len() > MAX_SQL_BYTES {
        return Err(refused(format!(
            "it is {} bytes long, and query_sql reads statements of at most {MAX_SQL_BYTES} bytes",
            sql.len()
        )));
    }
    let dialect = engine.parser_dialect();
    let mut statements = Parser::parse_sql(&*dialect, sql).map_err(|error| {
        refused(format!(
            "it does not parse as {} SQL ({error})",
            engine.name()
        ))
    })?;
    let mut statement = match statements.len() {
        1 => statements.remove(0),
        0 => return Err(refused("it holds no statement".to_owned())),
        n => {
            return Err(refused(format!(
                "it holds {n} statements; query_sql runs exactly one (no `;` between statements)"
            )));
        }
    };
    let mut checker = Checker {
        catalog,
        unreadable,
        engine,
        default_schema,
        ctes: Vec::new(),
        scopes: Vec::new(),
        question_marks: 0,
        numbered: 0,
        depth: 0,
    };
    checker
        .statement(&mut statement)
        .map_err(|refusal| refused(refusal.0))?;
    let written = statement.to_string();
    // What runs is the written tree: it must read back as the very tree that was checked.
    match Parser::parse_sql(&*dialect, &written) {
        Ok(again) if again.len() == 1 && again[0] == statement => {}
        _ => {
            return Err(refused(
                "it does not read back the same once written out again (a literal or name whose spelling is ambiguous): simplify it, or pass values as parameters".to_owned(),
            ));
        }
    }
    let placeholders = match engine {
        Engine::Postgres => checker.numbered,
        Engine::Mysql | Engine::Sqlite => checker.question_marks,
    };
    Ok(CheckedSql {
        sql: written,
        placeholders,
    })
}

impl Engine {
    fn parser_dialect(self) -> Box<dyn ParserDialect> {
        match self {
            Engine::Postgres => Box::new(PostgreSqlDialect {}),
            Engine::Mysql => Box::new(MySqlDialect {}),
            Engine::Sqlite => Box::new(SQLiteDialect {}),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Sqlite => "SQLite",
        }
    }

    /// The character that quotes the names this module writes.
    fn quote(self) -> char {
        match self {
            Engine::Postgres | Engine::Sqlite => '"',
            Engine::Mysql => '`',
        }
    }

    /// Whether a name spelled `written` (quoted or not) names what the catalog spells
    /// `name`, as the database resolves names: PostgreSQL folds unquoted names to lower case;
    /// MySQL's table names are taken exactly as written (as on a case-sensitive file system,
    /// so no other table is ever reached); SQLite ignores the case of ASCII letters.
    fn names(self, written: &Ident, name: &str) -> bool {
        match self {
            Engine::Postgres if written.quote_style.is_none() => {
                written.value.to_ascii_lowercase() == name
            }
            Engine::Postgres | Engine::Mysql => written.value == name,
            Engine::Sqlite => written.value.eq_ignore_ascii_case(name),
        }
    }

    /// Whether two written names name the same CTE (MySQL: only when spelled alike, the
    /// narrowest reading).
    fn same(self, a: &Ident, b: &Ident) -> bool {
        match self {
            Engine::Postgres => {
                let fold = |ident: &Ident| match ident.quote_style {
                    None => ident.value.to_ascii_lowercase(),
                    Some(_) => ident.value.clone(),
                };
                fold(a) == fold(b)
            }
            Engine::Mysql => a.value == b.value,
            Engine::Sqlite => a.value.eq_ignore_ascii_case(&b.value),
        }
    }
}

/// Why a statement is refused, in words that say what to change.
#[derive(Debug)]
struct Refusal(String);

type Checked = Result<(), Refusal>;

fn refuse<T>(reason: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(reason.into()))
}

/// A relation a `FROM` names, visible to the expressions of its query.
#[derive(Debug)]
struct Binding {
    /// The name expressions qualify columns with: its alias, else its own name.
    name: Ident,
    /// The served table it is, by catalog index; `None` for a CTE or a subquery.
    table: Option<usize>,
}

/// Walks one statement, refusing what it does not know to be safe and rewriting names as
/// they must run.
struct Checker<'a> {
    catalog: &'a Catalog,
    unreadable: &'a Unreadable,
    engine: Engine,
    default_schema: &'a str,
    /// The CTE names in scope, innermost last.
    ctes: Vec<Ident>,
    /// The relations of each `FROM` in scope, innermost last.
    scopes: Vec<Vec<Binding>>,
    /// `?` placeholders seen (MySQL, SQLite).
    question_marks: usize,
    /// The highest `$n` seen (PostgreSQL).
    numbered: usize,
    depth: usize,
}

impl<'a> Checker<'a> {
    fn deeper(&mut self) -> Checked {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return refuse(format!(
                "it nests more than {MAX_DEPTH} levels deep: write it flatter"
            ));
        }
        Ok(())
    }

    fn statement(&mut self, statement: &mut Statement) -> Checked {
        match statement {
            Statement::Query(query) => self.query(query),
            Statement::Explain {
                describe_alias,
                analyze: _,
                verbose: _,
                query_plan,
                estimate,
                statement: inner,
                format: _,
                options,
            } => {
                if *describe_alias != DescribeAlias::Explain || *estimate {
                    return refuse("only EXPLAIN of a query is accepted");
                }
                if *query_plan && self.engine != Engine::Sqlite {
                    return refuse("EXPLAIN QUERY PLAN is SQLite's");
                }
                for option in options.iter_mut().flatten() {
                    let name = option.name.value.to_ascii_lowercase();
                    if !allowed::EXPLAIN_OPTIONS.contains(&name.as_str()) {
                        return refuse(format!(
                            "EXPLAIN option {} is not accepted; these are: {}",
                            option.name,
                            allowed::EXPLAIN_OPTIONS.join(", ")
                        ));
                    }
                    match &mut option.arg {
                        None => {}
                        Some(Expr::Value(value)) if !is_placeholder(value) => self.value(value)?,
                        Some(Expr::Identifier(ident)) => self.ident(ident)?,
                        Some(other) => {
                            return refuse(format!(
                                "EXPLAIN option {} takes a plain value, not `{other}`",
                                option.name
                            ));
                        }
                    }
                }
                match &mut **inner {
                    Statement::Query(query) => self.query(query),
                    other => refuse(format!(
                        "EXPLAIN is accepted of a query only, not of {}",
                        statement_kind(other)
                    )),
                }
            }
            other => refuse(format!(
                "query_sql runs one query (SELECT, WITH, VALUES, or EXPLAIN of one), not {}",
                statement_kind(other)
            )),
        }
    }

    fn query(&mut self, query: &mut Query) -> Checked {
        self.deeper()?;
        let Query {
            with,
            body,
            order_by,
            limit_clause,
            fetch,
            locks,
            for_clause,
            settings,
            format_clause,
            pipe_operators,
        } = query;
        if !locks.is_empty() {
            return refuse(
                "locking clauses (FOR UPDATE, FOR SHARE, ...) are not accepted: query_sql only reads",
            );
        }
        if for_clause.is_some()
            || settings.is_some()
            || format_clause.is_some()
            || !pipe_operators.is_empty()
        {
            return refuse("FOR, SETTINGS, FORMAT and pipe clauses are not accepted");
        }
        let ctes = self.ctes.len();
        let scopes = self.scopes.len();
        if let Some(with) = with {
            self.with(with)?;
        }
        self.set_expr(body)?;
        if let Some(order_by) = order_by {
            self.order_by(order_by)?;
        }
        if let Some(limit) = limit_clause {
            self.limit(limit)?;
        }
        if let Some(fetch) = fetch {
            let Fetch {
                with_ties: _,
                percent: _,
                quantity,
            } = fetch;
            if let Some(quantity) = quantity {
                self.expr(quantity)?;
            }
        }
        self.ctes.truncate(ctes);
        self.scopes.truncate(scopes);
        self.depth -= 1;
        Ok(())
    }

    /// `WITH`: each CTE sees those before it, and itself when `RECURSIVE` (the narrowest
    /// visibility of the three databases: a name outside it is checked as a table).
    fn with(&mut self, with: &mut With) -> Checked {
        let With {
            with_token: _,
            recursive,
            cte_tables,
        } = with;
        for cte in cte_tables {
            let Cte {
                alias,
                query,
                from,
                materialized: _,
                closing_paren_token: _,
            } = cte;
            if from.is_some() {
                return refuse("CTE ... FROM is not accepted");
            }
            self.table_alias(alias)?;
            if *recursive {
                self.ctes.push(alias.name.clone());
                self.query(query)?;
            } else {
                self.query(query)?;
                self.ctes.push(alias.name.clone());
            }
        }
        Ok(())
    }

    fn set_expr(&mut self, body: &mut SetExpr) -> Checked {
        self.deeper()?;
        match body {
            SetExpr::Select(select) => self.select(select)?,
            SetExpr::Query(query) => self.query(query)?,
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                if *op == SetOperator::Minus {
                    return refuse("MINUS is not accepted: write EXCEPT");
                }
                if !matches!(
                    set_quantifier,
                    SetQuantifier::All | SetQuantifier::Distinct | SetQuantifier::None
                ) {
                    return refuse(format!("{op} {set_quantifier} is not accepted"));
                }
                self.set_expr(left)?;
                self.set_expr(right)?;
            }
            SetExpr::Values(values) => self.values(values)?,
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                return refuse(
                    "a statement that writes (INSERT, UPDATE, DELETE, MERGE) is not accepted, in a CTE or anywhere: query_sql only reads",
                );
            }
            SetExpr::Table(_) => return refuse("TABLE t is not accepted: write SELECT * FROM t"),
        }
        self.depth -= 1;
        Ok(())
    }

    fn values(&mut self, values: &mut Values) -> Checked {
        let Values {
            explicit_row: _,
            value_keyword: _,
            rows,
        } = values;
        for row in rows {
            for value in row.iter_mut() {
                self.expr(value)?;
            }
        }
        Ok(())
    }

    fn select(&mut self, select: &mut Select) -> Checked {
        let Select {
            select_token: _,
            optimizer_hints,
            distinct,
            select_modifiers,
            top,
            top_before_distinct: _,
            projection,
            exclude,
            into,
            from,
            lateral_views,
            prewhere,
            selection,
            connect_by,
            group_by,
            cluster_by,
            distribute_by,
            sort_by,
            having,
            named_window,
            qualify,
            window_before_qualify: _,
            value_table_mode,
            flavor,
        } = select;
        if into.is_some() {
            return refuse(
                "SELECT ... INTO is not accepted: it writes (a table, a file, variables); query_sql only reads",
            );
        }
        if !optimizer_hints.is_empty() {
            return refuse("optimizer hints (/*+ ... */) are not accepted");
        }
        if select_modifiers
            .as_ref()
            .is_some_and(|modifiers| modifiers.is_any_set())
        {
            return refuse(
                "SELECT modifiers (HIGH_PRIORITY, SQL_CALC_FOUND_ROWS, SQL_NO_CACHE, ...) are not accepted",
            );
        }
        if top.is_some()
            || exclude.is_some()
            || !lateral_views.is_empty()
            || prewhere.is_some()
            || !connect_by.is_empty()
            || !cluster_by.is_empty()
            || !distribute_by.is_empty()
            || !sort_by.is_empty()
            || qualify.is_some()
            || value_table_mode.is_some()
            || *flavor != SelectFlavor::Standard
        {
            return refuse(format!(
                "this form of SELECT is not {}'s: write a plain SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...",
                self.engine.name()
            ));
        }
        self.scopes.push(Vec::new());
        for table in from {
            self.table_with_joins(table)?;
        }
        if let Some(distinct) = distinct {
            match distinct {
                Distinct::All | Distinct::Distinct => {}
                Distinct::On(exprs) => {
                    for expr in exprs {
                        self.expr(expr)?;
                    }
                }
            }
        }
        for item in projection {
            self.select_item(item)?;
        }
        if let Some(selection) = selection {
            self.expr(selection)?;
        }
        match group_by {
            GroupByExpr::All(_) => return refuse("GROUP BY ALL is not accepted"),
            GroupByExpr::Expressions(exprs, modifiers) => {
                for expr in exprs {
                    self.expr(expr)?;
                }
                for modifier in modifiers {
                    match modifier {
                        GroupByWithModifier::Rollup | GroupByWithModifier::Cube => {}
                        GroupByWithModifier::GroupingSets(expr) => self.expr(expr)?,
                        GroupByWithModifier::Totals => {
                            return refuse("GROUP BY ... WITH TOTALS is not accepted");
                        }
                    }
                }
            }
        }
        if let Some(having) = having {
            self.expr(having)?;
        }
        for NamedWindowDefinition(name, window) in named_window {
            self.ident(name)?;
            match window {
                NamedWindowExpr::NamedWindow(name) => self.ident(name)?,
                NamedWindowExpr::WindowSpec(spec) => self.window_spec(spec)?,
            }
        }
        Ok(())
    }

    fn select_item(&mut self, item: &mut SelectItem) -> Checked {
        match item {
            SelectItem::UnnamedExpr(expr) => self.expr(expr),
            SelectItem::ExprWithAlias { expr, alias } => {
                self.ident(alias)?;
                self.expr(expr)
            }
            SelectItem::ExprWithAliases { .. } => refuse("AS (a, b) is not accepted"),
            SelectItem::QualifiedWildcard(kind, options) => {
                wildcard_options(options)?;
                match kind {
                    SelectItemQualifiedWildcardKind::ObjectName(name) => {
                        for part in &name.0 {
                            self.ident(plain_part(part)?)?;
                        }
                        Ok(())
                    }
                    SelectItemQualifiedWildcardKind::Expr(_) => {
                        refuse("only t.* is accepted, not (expression).*")
                    }
                }
            }
            SelectItem::Wildcard(options) => wildcard_options(options),
        }
    }

    fn table_with_joins(&mut self, table: &mut TableWithJoins) -> Checked {
        let TableWithJoins { relation, joins } = table;
        self.table_factor(relation)?;
        for join in joins {
            let Join {
                relation,
                global,
                join_operator,
            } = join;
            if *global {
                return refuse("GLOBAL JOIN is not accepted");
            }
            self.table_factor(relation)?;
            let (JoinOperator::Join(constraint)
            | JoinOperator::Inner(constraint)
            | JoinOperator::Left(constraint)
            | JoinOperator::LeftOuter(constraint)
            | JoinOperator::Right(constraint)
            | JoinOperator::RightOuter(constraint)
            | JoinOperator::FullOuter(constraint)
            | JoinOperator::CrossJoin(constraint)
            | JoinOperator::StraightJoin(constraint)) = join_operator
            else {
                return refuse(
                    "this kind of JOIN is not accepted: use [INNER|LEFT|RIGHT|FULL|CROSS] JOIN",
                );
            };
            match constraint {
                JoinConstraint::On(expr) => self.expr(expr)?,
                JoinConstraint::Using(columns) => {
                    for column in columns {
                        match column.0.as_slice() {
                            [part] => self.ident(plain_part(part)?)?,
                            _ => return refuse("USING names columns, unqualified"),
                        }
                    }
                }
                JoinConstraint::Natural | JoinConstraint::None => {}
            }
        }
        Ok(())
    }

    fn table_factor(&mut self, factor: &mut TableFactor) -> Checked {
        self.deeper()?;
        match factor {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_hints,
            } => {
                if args.is_some() {
                    return refuse(format!(
                        "{name}(...) is a table function; query_sql reads only the tables and views this server serves (list_tables lists them)"
                    ));
                }
                if !with_hints.is_empty()
                    || version.is_some()
                    || *with_ordinality
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || sample.is_some()
                    || !index_hints.is_empty()
                {
                    return refuse(format!(
                        "{name} is named with hints, partitions, samples or versions, which are not accepted: name the table alone"
                    ));
                }
                let table = self.relation(name)?;
                if let Some(alias) = alias {
                    self.table_alias(alias)?;
                }
                let binding = alias.as_ref().map_or_else(
                    || {
                        name.0
                            .last()
                            .and_then(ObjectNamePart::as_ident)
                            .cloned()
                            .unwrap_or_else(|| Ident::new(""))
                    },
                    |alias| alias.name.clone(),
                );
                self.bind(binding, table);
            }
            TableFactor::Derived {
                lateral: _,
                subquery,
                alias,
                sample,
            } => {
                if sample.is_some() {
                    return refuse("TABLESAMPLE is not accepted");
                }
                self.query(subquery)?;
                if let Some(alias) = alias {
                    self.table_alias(alias)?;
                    self.bind(alias.name.clone(), None);
                }
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                self.table_with_joins(table_with_joins)?;
                if let Some(alias) = alias {
                    self.table_alias(alias)?;
                    self.bind(alias.name.clone(), None);
                }
            }
            _ => {
                return refuse(
                    "table functions (UNNEST, JSON_TABLE, generate_series, ...) and PIVOT are not accepted: query_sql reads only the tables and views this server serves",
                );
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn bind(&mut self, name: Ident, table: Option<usize>) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Binding { name, table });
        }
    }

    /// A relation a `FROM` names: a CTE in scope, else a served table or view, whose name is
    /// then written as the catalog spells it, quoted. Returns the served table's index.
    fn relation(&mut self, name: &mut ObjectName) -> Result<Option<usize>, Refusal> {
        let parts: Vec<Ident> = name
            .0
            .iter()
            .map(|part| plain_part(part).cloned())
            .collect::<Result<_, _>>()?;
        for part in &parts {
            self.ident(part)?;
        }
        let engine = self.engine;
        let (schema, table) = match parts.as_slice() {
            [table] => {
                if self.ctes.iter().any(|cte| engine.same(cte, table)) {
                    return Ok(None);
                }
                (None, table)
            }
            [schema, table] => (Some(schema), table),
            _ => {
                return refuse(format!(
                    "{name} names a relation in another database; query_sql reads only the tables and views this server serves (list_tables lists them)"
                ));
            }
        };
        let default_schema = self.default_schema;
        let found = self.catalog.tables().iter().position(|served| {
            let served_schema = served.def.schema.unwrap_or(default_schema);
            engine.names(table, served.def.name)
                && schema.is_none_or(|schema| engine.names(schema, served_schema))
                && (schema.is_some() || served_schema == default_schema)
        });
        let Some(index) = found else {
            return refuse(self.not_served(name, schema.is_some(), table));
        };
        let served = self.catalog.table(index);
        if let Some(hidden) = self.unreadable.get(&index) {
            return refuse(format!(
                "{name} has columns this server does not serve ({}), which a statement could read; query_sql does not read it: use its own tools",
                hidden.join(", ")
            ));
        }
        let quote = |value: &str| Ident::with_quote(engine.quote(), value);
        name.0 = match schema {
            Some(_) => vec![
                ObjectNamePart::Identifier(quote(served.def.schema.unwrap_or(default_schema))),
                ObjectNamePart::Identifier(quote(served.def.name)),
            ],
            None => vec![ObjectNamePart::Identifier(quote(served.def.name))],
        };
        Ok(Some(index))
    }

    /// Why `name` is no relation query_sql reads, with the names it may have meant.
    fn not_served(&self, name: &ObjectName, qualified: bool, table: &Ident) -> String {
        let mut reason = format!(
            "{name} is not a table or view this server serves; query_sql reads only those (list_tables lists them)"
        );
        let case_blind = self.catalog.tables().iter().find(|served| {
            served.def.name.eq_ignore_ascii_case(&table.value)
                && (qualified
                    || served.def.schema.unwrap_or(self.default_schema) == self.default_schema)
        });
        if let Some(served) = case_blind {
            let hint = match self.engine {
                Engine::Postgres => format!(
                    "; PostgreSQL folds unquoted names to lower case: write \"{}\" in double quotes",
                    served.def.name
                ),
                Engine::Mysql | Engine::Sqlite => {
                    format!(
                        "; write its name as the database spells it: {}",
                        served.def.name
                    )
                }
            };
            reason.push_str(&hint);
        } else {
            let similar = self.catalog.similar_names(&table.value);
            if !similar.is_empty() {
                reason.push_str(&format!("; did you mean {}?", similar.join(", ")));
            }
        }
        reason
    }

    fn table_alias(&mut self, alias: &TableAlias) -> Checked {
        let TableAlias {
            explicit: _,
            name,
            columns,
            at,
        } = alias;
        self.ident(name)?;
        if at.is_some() {
            return refuse("AT in an alias is not accepted");
        }
        for TableAliasColumnDef { name, data_type } in columns {
            self.ident(name)?;
            if data_type.is_some() {
                return refuse("typed alias columns are not accepted");
            }
        }
        Ok(())
    }

    fn order_by(&mut self, order_by: &mut OrderBy) -> Checked {
        let OrderBy { kind, interpolate } = order_by;
        if interpolate.is_some() {
            return refuse("INTERPOLATE is not accepted");
        }
        match kind {
            OrderByKind::All(_) => refuse("ORDER BY ALL is not accepted"),
            OrderByKind::Expressions(exprs) => {
                for expr in exprs {
                    self.order_by_expr(expr)?;
                }
                Ok(())
            }
        }
    }

    fn order_by_expr(&mut self, expr: &mut OrderByExpr) -> Checked {
        let OrderByExpr {
            expr,
            options:
                OrderByOptions {
                    sort,
                    nulls_first: _,
                },
            with_fill,
        } = expr;
        if with_fill.is_some() {
            return refuse("WITH FILL is not accepted");
        }
        if let Some(OrderBySort::Using(_)) = sort {
            return refuse("ORDER BY ... USING an operator is not accepted: write ASC or DESC");
        }
        self.expr(expr)
    }

    fn limit(&mut self, limit: &mut LimitClause) -> Checked {
        match limit {
            LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            } => {
                if !limit_by.is_empty() {
                    return refuse("LIMIT ... BY is not accepted");
                }
                if let Some(limit) = limit {
                    self.expr(limit)?;
                }
                if let Some(Offset { value, rows: _ }) = offset {
                    self.expr(value)?;
                }
                Ok(())
            }
            LimitClause::OffsetCommaLimit { offset, limit } => {
                self.expr(offset)?;
                self.expr(limit)
            }
        }
    }

    fn window_spec(&mut self, spec: &mut WindowSpec) -> Checked {
        let WindowSpec {
            window_name,
            partition_by,
            order_by,
            window_frame,
        } = spec;
        if let Some(name) = window_name {
            self.ident(name)?;
        }
        for expr in partition_by {
            self.expr(expr)?;
        }
        for expr in order_by {
            self.order_by_expr(expr)?;
        }
        if let Some(WindowFrame {
            units: _,
            start_bound,
            end_bound,
        }) = window_frame
        {
            for bound in std::iter::once(start_bound).chain(end_bound.as_mut()) {
                match bound {
                    WindowFrameBound::CurrentRow
                    | WindowFrameBound::Preceding(None)
                    | WindowFrameBound::Following(None) => {}
                    WindowFrameBound::Preceding(Some(expr))
                    | WindowFrameBound::Following(Some(expr)) => self.expr(expr)?,
                }
            }
        }
        Ok(())
    }

    fn expr(&mut self, expr: &mut Expr) -> Checked {
        self.deeper()?;
        self.expr_inner(expr)?;
        self.depth -= 1;
        Ok(())
    }

    fn expr_inner(&mut self, expr: &mut Expr) -> Checked {
        if self.engine == Engine::Postgres {
            postgres_ceil_and_floor(expr);
        }
        match expr {
            Expr::Identifier(ident) => {
                self.ident(ident)?;
                self.bare_name(ident)
            }
            Expr::CompoundIdentifier(parts) => self.column_reference(parts),
            Expr::CompoundFieldAccess { root, access_chain } => {
                self.expr(root)?;
                for access in access_chain {
                    match access {
                        sqlparser::ast::AccessExpr::Subscript(Subscript::Index { index }) => {
                            self.expr(index)?;
                        }
                        sqlparser::ast::AccessExpr::Subscript(Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            stride,
                        }) => {
                            for bound in [lower_bound, upper_bound, stride].into_iter().flatten() {
                                self.expr(bound)?;
                            }
                        }
                        sqlparser::ast::AccessExpr::Dot(_) => {
                            // PostgreSQL reads `(x).f` as a call of f(x) when x has no field f.
                            return refuse(
                                "field access (x).f is not accepted: select the column itself",
                            );
                        }
                    }
                }
                Ok(())
            }
            Expr::IsFalse(inner)
            | Expr::IsNotFalse(inner)
            | Expr::IsTrue(inner)
            | Expr::IsNotTrue(inner)
            | Expr::IsNull(inner)
            | Expr::IsNotNull(inner)
            | Expr::IsUnknown(inner)
            | Expr::IsNotUnknown(inner)
            | Expr::Nested(inner)
            | Expr::Ceil {
                expr: inner,
                field: CeilFloorKind::DateTimeField(sqlparser::ast::DateTimeField::NoDateTime),
            }
            | Expr::Floor {
                expr: inner,
                field: CeilFloorKind::DateTimeField(sqlparser::ast::DateTimeField::NoDateTime),
            } => self.expr(inner),
            Expr::IsDistinctFrom(left, right)
            | Expr::IsNotDistinctFrom(left, right)
            | Expr::AtTimeZone {
                timestamp: left,
                time_zone: right,
            }
            | Expr::Position {
                expr: left,
                r#in: right,
            } => {
                self.expr(left)?;
                self.expr(right)
            }
            Expr::InList {
                expr,
                list,
                negated: _,
            } => {
                self.expr(expr)?;
                list.iter_mut().try_for_each(|item| self.expr(item))
            }
            Expr::InSubquery {
                expr,
                subquery,
                negated: _,
            } => {
                self.expr(expr)?;
                self.query(subquery)
            }
            Expr::Between {
                expr,
                negated: _,
                low,
                high,
            } => {
                self.expr(expr)?;
                self.expr(low)?;
                self.expr(high)
            }
            Expr::BinaryOp { left, op, right } => {
                allowed::binary_operator(op)?;
                self.expr(left)?;
                self.expr(right)
            }
            Expr::Like {
                negated: _,
                any,
                expr,
                pattern,
                escape_char,
            }
            | Expr::ILike {
                negated: _,
                any,
                expr,
                pattern,
                escape_char,
            } => {
                if *any {
                    return refuse("LIKE ANY is not accepted");
                }
                self.expr(expr)?;
                self.expr(pattern)?;
                escape_char
                    .as_mut()
                    .map_or(Ok(()), |escape| self.expr(escape))
            }
            Expr::SimilarTo {
                negated: _,
                expr,
                pattern,
                escape_char,
            } => {
                self.expr(expr)?;
                self.expr(pattern)?;
                escape_char
                    .as_mut()
                    .map_or(Ok(()), |escape| self.expr(escape))
            }
            Expr::RLike {
                negated: _,
                expr,
                pattern,
                regexp: _,
            } => {
                self.expr(expr)?;
                self.expr(pattern)
            }
            Expr::AnyOp {
                left,
                compare_op,
                right,
                is_some: _,
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                allowed::binary_operator(compare_op)?;
                self.expr(left)?;
                self.expr(right)
            }
            Expr::UnaryOp { op, expr } => {
                if !matches!(
                    op,
                    UnaryOperator::Plus
                        | UnaryOperator::Minus
                        | UnaryOperator::Not
                        | UnaryOperator::BitwiseNot
                        | UnaryOperator::PGSquareRoot
                        | UnaryOperator::PGCubeRoot
                        | UnaryOperator::PGAbs
                ) {
                    return refuse(format!("the operator {op} is not accepted"));
                }
                self.expr(expr)
            }
            Expr::Convert {
                is_try,
                expr,
                data_type,
                charset,
                target_before_value,
                styles,
            } => {
                if *is_try || *target_before_value || !styles.is_empty() {
                    return refuse("this form of CONVERT is not accepted");
                }
                if let Some(data_type) = data_type {
                    allowed::data_type(data_type)?;
                }
                if let Some(charset) = charset {
                    for part in &charset.0 {
                        self.ident(plain_part(part)?)?;
                    }
                }
                self.expr(expr)
            }
            Expr::Cast {
                kind,
                expr,
                data_type,
                format,
            } => {
                if !matches!(
                    kind,
                    sqlparser::ast::CastKind::Cast | sqlparser::ast::CastKind::DoubleColon
                ) || format.is_some()
                {
                    return refuse("only CAST(x AS type) and x::type are accepted");
                }
                allowed::data_type(data_type)?;
                self.expr(expr)
            }
            Expr::Extract {
                field: _,
                syntax: _,
                expr,
            } => self.expr(expr),
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                special: _,
                shorthand: _,
            } => {
                self.expr(expr)?;
                for part in [substring_from, substring_for].into_iter().flatten() {
                    self.expr(part)?;
                }
                Ok(())
            }
            Expr::Trim {
                trim_where: _,
                trim_what,
                expr,
                trim_characters,
            } => {
                if trim_characters.is_some() {
                    return refuse(
                        "TRIM(x, characters) is not accepted: write TRIM(characters FROM x)",
                    );
                }
                if let Some(what) = trim_what {
                    self.expr(what)?;
                }
                self.expr(expr)
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                self.expr(expr)?;
                self.expr(overlay_what)?;
                self.expr(overlay_from)?;
                overlay_for
                    .as_mut()
                    .map_or(Ok(()), |length| self.expr(length))
            }
            Expr::Collate { expr, collation } => {
                for part in &collation.0 {
                    self.ident(plain_part(part)?)?;
                }
                self.expr(expr)
            }
            Expr::Value(value) => self.value(value),
            Expr::TypedString(typed) => {
                let sqlparser::ast::TypedString {
                    data_type,
                    value,
                    uses_odbc_syntax,
                } = typed;
                if *uses_odbc_syntax {
                    return refuse("ODBC escapes ({d '...'}) are not accepted");
                }
                allowed::data_type(data_type)?;
                self.value(value)
            }
            Expr::Function(function) => self.function(function),
            Expr::Case {
                case_token: _,
                end_token: _,
                operand,
                conditions,
                else_result,
            } => {
                if let Some(operand) = operand {
                    self.expr(operand)?;
                }
                for when in conditions {
                    self.expr(&mut when.condition)?;
                    self.expr(&mut when.result)?;
                }
                else_result
                    .as_mut()
                    .map_or(Ok(()), |result| self.expr(result))
            }
            Expr::Exists {
                subquery,
                negated: _,
            }
            | Expr::Subquery(subquery) => self.query(subquery),
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => sets
                .iter_mut()
                .flatten()
                .try_for_each(|expr| self.expr(expr)),
            Expr::Tuple(exprs) => exprs.iter_mut().try_for_each(|expr| self.expr(expr)),
            Expr::Array(array) => array.elem.iter_mut().try_for_each(|expr| self.expr(expr)),
            Expr::Interval(interval) => self.expr(&mut interval.value),
            other => refuse(format!("`{other}` is not accepted in query_sql")),
        }
    }

    /// A name alone, which the database reads as a column, unless it is one of the functions
    /// called without parentheses: those that read the session (`CURRENT_USER`,
    /// `current_schema`) are refused; the current date and time are accepted.
    fn bare_name(&self, ident: &Ident) -> Checked {
        if ident.quote_style.is_some() {
            return Ok(());
        }
        let name = ident.value.to_ascii_lowercase();
        if allowed::called_without_parentheses(self.engine, &name)
            && allowed::builtin(self.engine, &name) != Some(Kind::Keyword)
        {
            return refuse(format!(
                "{} reads the session; it is not accepted",
                ident.value
            ));
        }
        Ok(())
    }

    /// `t.c`: at most a qualifier and a column. In PostgreSQL, `t.f` where `t` has no column
    /// `f` calls a function `f(t)`: a qualifier naming a served table must be followed by one
    /// of the columns this server serves.
    fn column_reference(&mut self, parts: &[Ident]) -> Checked {
        for part in parts {
            self.ident(part)?;
        }
        let [qualifier, column] = parts else {
            return refuse(format!(
                "{} qualifies a column by more than its table: write table.column, or alias.column",
                display_parts(parts)
            ));
        };
        if self.engine != Engine::Postgres {
            return Ok(());
        }
        for scope in self.scopes.iter().rev() {
            let mut bound = scope
                .iter()
                .filter(|binding| self.engine.same(&binding.name, qualifier));
            match (bound.next(), bound.next()) {
                (Some(binding), None) => {
                    if let Some(index) = binding.table {
                        let table = self.catalog.table(index);
                        let known = table
                            .columns
                            .iter()
                            .any(|served| self.engine.names(column, served.def.name));
                        if !known {
                            return refuse(format!(
                                "{} is not a column of {} that this server serves (describe_table lists them)",
                                display_parts(parts),
                                table.display_name()
                            ));
                        }
                    }
                    return Ok(());
                }
                (Some(_), Some(_)) => return Ok(()),
                (None, _) => {}
            }
        }
        Ok(())
    }

    fn function(&mut self, function: &mut Function) -> Checked {
        let Function {
            name,
            uses_odbc_syntax,
            parameters,
            args,
            within_group,
            filter,
            null_treatment,
            over,
        } = function;
        if *uses_odbc_syntax
            || !matches!(parameters, FunctionArguments::None)
            || null_treatment.is_some()
        {
            return refuse(format!("this form of calling {name} is not accepted"));
        }
        let Some(kind) = self.builtin(name) else {
            let Some(routine) = self.served_function(name)? else {
                return refuse(format!(
                    "the function {name} is not accepted: query_sql calls only pure built-in functions (the tool's description lists them) and the read-only functions this server serves (list_routines)"
                ));
            };
            if !within_group.is_empty() || filter.is_some() || over.is_some() {
                return refuse(format!("{name} is no aggregate or window function"));
            }
            return self.routine_call(name, args, routine);
        };
        let aggregate = matches!(kind, Kind::Aggregate);
        match args {
            FunctionArguments::None => {
                if kind != Kind::Keyword {
                    return refuse(format!("{name} needs its parentheses"));
                }
            }
            FunctionArguments::Subquery(_) => {
                return refuse(format!(
                    "{name}(SELECT ...) is not accepted: write {name}((SELECT ...))"
                ));
            }
            FunctionArguments::List(list) => {
                if kind == Kind::Keyword {
                    return refuse(format!("{name} takes no parentheses"));
                }
                let FunctionArgumentList {
                    duplicate_treatment,
                    args,
                    clauses,
                } = list;
                if duplicate_treatment == &Some(DuplicateTreatment::Distinct) && !aggregate {
                    return refuse(format!("{name}(DISTINCT ...) is for aggregates"));
                }
                for arg in args {
                    match arg {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => self.expr(expr)?,
                        FunctionArg::Unnamed(FunctionArgExpr::Wildcard)
                            if name_is(name, "count") => {}
                        _ => {
                            return refuse(format!(
                                "{name} takes its arguments by position (named arguments and t.* are not accepted)"
                            ));
                        }
                    }
                }
                for clause in clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(exprs) if aggregate => {
                            for expr in exprs {
                                self.order_by_expr(expr)?;
                            }
                        }
                        FunctionArgumentClause::Separator(value) if aggregate => {
                            self.value(value)?;
                        }
                        _ => {
                            return refuse(format!(
                                "this clause in the arguments of {name} is not accepted"
                            ));
                        }
                    }
                }
            }
        }
        if !within_group.is_empty() {
            if !aggregate {
                return refuse(format!("WITHIN GROUP is for aggregates, not {name}"));
            }
            for expr in within_group {
                self.order_by_expr(expr)?;
            }
        }
        if let Some(filter) = filter {
            if !aggregate {
                return refuse(format!("FILTER is for aggregates, not {name}"));
            }
            self.expr(filter)?;
        }
        match over {
            None if kind == Kind::Window => {
                return refuse(format!("{name} is a window function: it needs OVER (...)"));
            }
            None => {}
            Some(_) if !matches!(kind, Kind::Window | Kind::Aggregate) => {
                return refuse(format!(
                    "OVER is for window functions and aggregates, not {name}"
                ));
            }
            Some(WindowType::NamedWindow(window)) => self.ident(window)?,
            Some(WindowType::WindowSpec(spec)) => self.window_spec(spec)?,
        }
        // PostgreSQL finds an unqualified function along the search path, where a function of
        // the schema's own could take the name: call the built-in by its schema.
        if self.engine == Engine::Postgres
            && matches!(kind, Kind::Scalar | Kind::Aggregate | Kind::Window)
        {
            let function = name
                .0
                .last()
                .and_then(ObjectNamePart::as_ident)
                .map(|ident| ident.value.to_ascii_lowercase())
                .unwrap_or_default();
            *name = pg_catalog(&function);
        }
        Ok(())
    }

    /// The kind of the built-in `name` calls, when it is one query_sql accepts: unquoted, and
    /// in PostgreSQL optionally qualified with `pg_catalog`.
    ///
    /// In PostgreSQL a quoted name in lower case is the same name unquoted; elsewhere a quoted
    /// name could be the schema's own function's (MySQL calls `` `abs`() `` a stored function).
    fn builtin(&self, name: &ObjectName) -> Option<Kind> {
        let parts: Vec<&Ident> = name.0.iter().filter_map(ObjectNamePart::as_ident).collect();
        let plain = |ident: &Ident| match ident.quote_style {
            None => Some(ident.value.to_ascii_lowercase()),
            Some('"')
                if self.engine == Engine::Postgres
                    && !ident.value.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                Some(ident.value.clone())
            }
            Some(_) => None,
        };
        if parts.len() != name.0.len() {
            return None;
        }
        match parts.as_slice() {
            [function] => allowed::builtin(self.engine, &plain(function)?),
            [schema, function]
                if self.engine == Engine::Postgres
                    && plain(schema).as_deref() == Some("pg_catalog") =>
            {
                allowed::builtin(self.engine, &plain(function)?)
                    .filter(|kind| matches!(kind, Kind::Scalar | Kind::Aggregate | Kind::Window))
            }
            _ => None,
        }
    }

    /// The served read-only function `name` calls, named as the database resolves it.
    fn served_function(&self, name: &ObjectName) -> Result<Option<&'a Routine>, Refusal> {
        let parts: Vec<Ident> = name
            .0
            .iter()
            .map(|part| plain_part(part).cloned())
            .collect::<Result<_, _>>()?;
        for part in &parts {
            self.ident(part)?;
        }
        let (schema, function) = match parts.as_slice() {
            [function] => (None, function),
            [schema, function] => (Some(schema), function),
            _ => return Ok(None),
        };
        let engine = self.engine;
        let catalog: &'a Catalog = self.catalog;
        Ok(catalog.routines().iter().find(|routine| {
            let routine_schema = routine.fields.def.schema.unwrap_or(self.default_schema);
            routine.def.kind == RoutineKind::Function
                && routine.def.read_only
                && routine.def.returns == Returns::Value
                && engine.names(function, routine.fields.def.name)
                && schema.is_none_or(|schema| engine.names(schema, routine_schema))
                && (schema.is_some() || routine_schema == self.default_schema)
        }))
    }

    /// A call of a served read-only function: every argument given, by position; written
    /// with the routine's name as the catalog spells it, qualified, and in PostgreSQL each
    /// argument cast to its parameter's type, so no other overload of the name is called.
    fn routine_call(
        &mut self,
        name: &mut ObjectName,
        args: &mut FunctionArguments,
        routine: &Routine,
    ) -> Checked {
        let parameters = routine.def.fields_where(FieldRole::is_argument);
        if routine.def.roles.contains(&FieldRole::Variadic) {
            return refuse(format!(
                "{} takes a variable number of arguments: call it with its tool",
                routine.display_name()
            ));
        }
        let list = match args {
            FunctionArguments::List(list) => list,
            FunctionArguments::None | FunctionArguments::Subquery(_) => {
                return refuse(format!("call {name} with its arguments in parentheses"));
            }
        };
        if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
            return refuse(format!("{name} is no aggregate"));
        }
        if list.args.len() != parameters.len() {
            return refuse(format!(
                "{} takes {} arguments in query_sql (every parameter, by position, defaults included); got {}",
                routine.display_name(),
                parameters.len(),
                list.args.len()
            ));
        }
        let dialect = self.engine.parser_dialect();
        for (arg, &field) in list.args.iter_mut().zip(&parameters) {
            let FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) = arg else {
                return refuse(format!("{name} takes its arguments by position"));
            };
            self.expr(expr)?;
            if self.engine == Engine::Postgres {
                let column = &routine.fields.def.columns[field];
                let data_type = column
                    .sql_type
                    .and_then(|sql_type| {
                        Parser::new(&*dialect)
                            .try_with_sql(sql_type)
                            .and_then(|mut parser| parser.parse_data_type())
                            .ok()
                    })
                    .ok_or_else(|| {
                        Refusal(format!(
                            "{} cannot be called in query_sql (the type of its parameter {} is unknown): call it with its tool",
                            routine.display_name(),
                            column.name
                        ))
                    })?;
                let value = std::mem::replace(expr, Expr::value(SqlLiteral::Null));
                *expr = Expr::Cast {
                    kind: sqlparser::ast::CastKind::Cast,
                    expr: Box::new(value),
                    data_type,
                    format: None,
                };
            }
        }
        let quote =
            |value: &str| ObjectNamePart::Identifier(Ident::with_quote(self.engine.quote(), value));
        name.0 = vec![
            quote(routine.fields.def.schema.unwrap_or(self.default_schema)),
            quote(routine.fields.def.name),
        ];
        Ok(())
    }

    fn value(&mut self, value: &mut ValueWithSpan) -> Checked {
        let literal = &mut value.value;
        match literal {
            SqlLiteral::Number(_, false) | SqlLiteral::Boolean(_) | SqlLiteral::Null => Ok(()),
            SqlLiteral::SingleQuotedString(text) => self.text(text),
            // MySQL's "text" is a string, unless the server runs with ANSI_QUOTES, where it is
            // a name: written with single quotes, it is a string either way.
            SqlLiteral::DoubleQuotedString(text) if self.engine == Engine::Mysql => {
                self.text(text)?;
                *literal = SqlLiteral::SingleQuotedString(std::mem::take(text));
                Ok(())
            }
            // E'...' holds its characters once read: written as a plain string, it reads the
            // same.
            SqlLiteral::EscapedStringLiteral(text) if self.engine == Engine::Postgres => {
                self.text(text)?;
                *literal = SqlLiteral::SingleQuotedString(std::mem::take(text));
                Ok(())
            }
            SqlLiteral::DollarQuotedString(dollar) if self.engine == Engine::Postgres => {
                if dollar.value.contains('\0') {
                    return refuse("a string holds a NUL character");
                }
                Ok(())
            }
            SqlLiteral::HexStringLiteral(hex) => {
                if hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    Ok(())
                } else {
                    refuse("a hexadecimal literal holds other characters than hex digits")
                }
            }
            SqlLiteral::Placeholder(placeholder) => self.placeholder(placeholder),
            other => refuse(format!(
                "the literal {other} is not accepted: write numbers, 'strings', TRUE/FALSE, NULL, or pass the value as a parameter"
            )),
        }
    }

    /// A string literal's text: no NUL, and in PostgreSQL and MySQL no backslash, which the
    /// server reads as an escape or as itself depending on its settings
    /// (`standard_conforming_strings`, `NO_BACKSLASH_ESCAPES`).
    fn text(&self, text: &str) -> Checked {
        if text.contains('\0') {
            return refuse("a string holds a NUL character");
        }
        if text.contains('\\') && self.engine != Engine::Sqlite {
            return refuse(
                "a string literal holds a backslash, which the database may read as an escape: pass the text as a parameter instead",
            );
        }
        Ok(())
    }

    fn placeholder(&mut self, placeholder: &str) -> Checked {
        match self.engine {
            Engine::Postgres => {
                let index = placeholder
                    .strip_prefix('$')
                    .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|digits| digits.parse::<usize>().ok())
                    .filter(|index| (1..=MAX_PARAMS).contains(index))
                    .ok_or_else(|| {
                        Refusal(format!(
                            "{placeholder} is not a parameter: PostgreSQL's are $1, $2, ... (at most ${MAX_PARAMS})"
                        ))
                    })?;
                self.numbered = self.numbered.max(index);
                Ok(())
            }
            Engine::Mysql | Engine::Sqlite if placeholder == "?" => {
                self.question_marks += 1;
                Ok(())
            }
            Engine::Mysql | Engine::Sqlite => refuse(format!(
                "{placeholder} is not accepted: parameters are `?`, bound in order; variables (@x, @@x) are not accepted"
            )),
        }
    }

    /// A name: unquoted, plain ASCII letters, digits and `_` (so every database splits and
    /// reads it alike; anything else goes in quotes); quoted, no NUL.
    fn ident(&self, ident: &Ident) -> Checked {
        match ident.quote_style {
            None => {
                let mut chars = ident.value.chars();
                let plain = chars
                    .next()
                    .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
                if ident.value.starts_with('@') {
                    return refuse(format!(
                        "{} is a variable; session and user variables (@x, @@x) are not accepted",
                        ident.value
                    ));
                }
                if !plain {
                    return refuse(format!(
                        "the name {} is not plain ASCII letters, digits and _: quote it",
                        ident.value
                    ));
                }
                Ok(())
            }
            Some(quote) => {
                let accepted = match self.engine {
                    Engine::Postgres => quote == '"',
                    Engine::Mysql => quote == '`',
                    Engine::Sqlite => quote == '"' || quote == '`',
                };
                if !accepted {
                    return refuse(format!(
                        "the name {ident} is quoted with {quote}; quote names with {}",
                        self.engine.quote()
                    ));
                }
                if ident.value.contains('\0') || ident.value.is_empty() {
                    return refuse("a quoted name is empty or holds a NUL character");
                }
                Ok(())
            }
        }
    }
}

/// PostgreSQL reads `CEIL(x)` and `FLOOR(x)` as calls found along the search path, where a
/// function of the schema's own could take the name: they become calls of `pg_catalog`'s.
fn postgres_ceil_and_floor(expr: &mut Expr) {
    let plain = CeilFloorKind::DateTimeField(sqlparser::ast::DateTimeField::NoDateTime);
    let (name, inner) = match expr {
        Expr::Ceil { expr: inner, field } if *field == plain => ("ceil", inner),
        Expr::Floor { expr: inner, field } if *field == plain => ("floor", inner),
        _ => return,
    };
    let argument = std::mem::replace(&mut **inner, Expr::value(SqlLiteral::Null));
    *expr = Expr::Function(Function {
        name: pg_catalog(name),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(argument))],
            clauses: Vec::new(),
        }),
        within_group: Vec::new(),
        filter: None,
        null_treatment: None,
        over: None,
    });
}

/// `pg_catalog.function`, the name quoted where sqlparser would not read it back as a call
/// (`pg_catalog.ceil(x)`, `pg_catalog.substr(x)`).
fn pg_catalog(function: &str) -> ObjectName {
    let unquoted = format!("SELECT pg_catalog.{function}(1)");
    let function = if Parser::parse_sql(&PostgreSqlDialect {}, &unquoted).is_ok() {
        Ident::new(function)
    } else {
        Ident::with_quote('"', function)
    };
    ObjectName::from(vec![Ident::new("pg_catalog"), function])
}

fn is_placeholder(value: &ValueWithSpan) -> bool {
    matches!(value.value, SqlLiteral::Placeholder(_))
}

fn plain_part(part: &ObjectNamePart) -> Result<&Ident, Refusal> {
    part.as_ident()
        .ok_or_else(|| Refusal(format!("the name part {part} is not accepted")))
}

/// Whether `name` calls `function` (qualified or not).
fn name_is(name: &ObjectName, function: &str) -> bool {
    name.0
        .last()
        .and_then(ObjectNamePart::as_ident)
        .is_some_and(|ident| ident.value.eq_ignore_ascii_case(function))
}

fn display_parts(parts: &[Ident]) -> String {
    parts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// A statement's kind for messages: its first word or two.
fn statement_kind(statement: &Statement) -> String {
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    let kind = match words.as_slice() {
        [first, second]
            if second.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !second.is_empty() =>
        {
            format!("{first} {second}")
        }
        [first, ..] => (*first).to_owned(),
        [] => "an empty statement".to_owned(),
    };
    let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind} statement")
}

fn wildcard_options(options: &WildcardAdditionalOptions) -> Checked {
    let WildcardAdditionalOptions {
        wildcard_token: _,
        opt_ilike,
        opt_exclude,
        opt_except,
        opt_replace,
        opt_rename,
        opt_alias,
    } = options;
    if opt_ilike.is_some()
        || opt_exclude.is_some()
        || opt_except.is_some()
        || opt_replace.is_some()
        || opt_rename.is_some()
        || opt_alias.is_some()
    {
        return refuse("* takes no EXCLUDE, EXCEPT, REPLACE, RENAME or ILIKE");
    }
    Ok(())
}

#[cfg(test)]
mod tests;

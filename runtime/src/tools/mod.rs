//! The MCP tools of a server: their definitions (built once from the catalog) and what a call
//! does: read the arguments ([`crate::query`]), write the statement ([`crate::sql`]), run it
//! ([`crate::backend`]) and shape the result.

mod compact;
mod dreamfactory;
mod query_sql;
mod routine;
mod schema;
pub mod scope;
mod write;

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rmcp::ErrorData;
use rmcp::model::{CallToolResult, ContentBlock, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

pub use dreamfactory::DfTool;

use crate::backend::{Database, DatabaseError};
use crate::dialect::Dialect;
use crate::sql::SessionSettings;
use mcpgen_rules::tools::{self, TableShape, Verb};

use crate::catalog::{Catalog, Routine, Table};
use crate::config::{Limits, Profile, ToolsConfig};
use crate::query::{ArgumentError, CountRequest, GetRequest, InsertRule, PagePlan, Selected};
use crate::routine::{Returns, RoutineKind};
use crate::sql;
use crate::table::TableKind;
use mcpgen_rules::defaults;

/// What a tool does, and to which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `list_tables`
    ListTables,
    /// `describe_table`
    DescribeTable,
    /// `VERB_T` of the table at this catalog index.
    Table {
        /// The table's index in the catalog.
        table: usize,
        /// What the tool does to it.
        verb: Verb,
    },
    /// `list_routines`
    ListRoutines,
    /// `call_R` of the routine at this catalog index.
    Routine {
        /// The routine's index in the catalog.
        routine: usize,
    },
    /// A compact tool (`query`, `get`, `count`, `insert`, `update`, `delete`): the verb, on
    /// the table its `table` argument names.
    AnyTable(Verb),
    /// The compact `call`, of the routine its `routine` argument names.
    AnyRoutine,
    /// A tool of the `dreamfactory` profile.
    DreamFactory(DfTool),
    /// `query_sql`: one read-only statement the client writes.
    QuerySql,
}

/// The tools of a server, in a fixed order: `list_tables`, `describe_table`, then each table's
/// (typed), or the fixed set of the compact profile.
pub struct ToolSet {
    tools: Vec<Tool>,
    targets: HashMap<String, (usize, Action)>,
    profile: Profile,
    /// The catalog indexes of the routines served.
    routines: Vec<usize>,
}

impl ToolSet {
    /// The tools of `catalog` under `options` (its profile, whether writes and `query_sql`
    /// are served). `auto` becomes `typed` while that fits in
    /// [`defaults::AUTO_TYPED_MAX_BYTES`], else `compact`.
    pub fn new(
        catalog: &Catalog,
        dialect: &dyn Dialect,
        limits: &Limits,
        options: &ToolsConfig,
    ) -> Self {
        let writes = options.writes;
        let mut set = match options.profile {
            Profile::Typed => Self::typed(catalog, dialect, limits, writes),
            Profile::Compact => Self::compact(catalog, dialect, limits, writes),
            Profile::Dreamfactory => Self::dreamfactory(catalog, dialect, limits, writes),
            Profile::Auto => {
                let typed = Self::typed(catalog, dialect, limits, writes);
                if typed.list_bytes() <= defaults::AUTO_TYPED_MAX_BYTES {
                    typed
                } else {
                    Self::compact(catalog, dialect, limits, writes)
                }
            }
        };
        if options.sql {
            set.push_query_sql(dialect, limits);
        }
        set
    }

    fn empty(profile: Profile) -> Self {
        Self {
            tools: Vec::new(),
            targets: HashMap::new(),
            profile,
            routines: Vec::new(),
        }
    }

    /// The profile these tools are (never `auto`).
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The size of every tool as `tools/list` sends it, in bytes of minified JSON.
    pub fn list_bytes(&self) -> usize {
        serde_json::to_vec(&self.tools).map_or(0, |bytes| bytes.len())
    }

    /// `list_tables` and `describe_table`, which every profile but `dreamfactory` has. The
    /// compact profile's are terse: no list of names in `describe_table`'s input, and output
    /// schemas that give the shape only (the tools' descriptions say what is in it).
    fn push_database_tools(&mut self, catalog: &Catalog, dialect: &dyn Dialect, compact: bool) {
        let (list_output, describe_output) = if compact {
            (
                schema::object(json!({
                    "type": "object",
                    "properties": {"tables": {"type": "array", "items": {"type": "object"}}},
                    "required": ["tables"]
                })),
                schema::object(json!({"type": "object"})),
            )
        } else {
            (schema::list_tables_output(), schema::describe_output())
        };
        self.push(
            Action::ListTables,
            Tool::new(
                "list_tables",
                format!(
                    "The tables and views of this {} database served, with the tools of each.",
                    dialect.name()
                ),
                schema::no_input(),
            ),
            list_output,
            read_only(),
        );
        self.push(
            Action::DescribeTable,
            Tool::new(
                "describe_table",
                "A table or view's columns (SQL and JSON types, nullability, defaults, primary key), foreign keys both ways and unique keys.",
                schema::describe_input(catalog, !compact),
            ),
            describe_output,
            read_only(),
        );
    }

    /// `list_routines`, when a routine is served (with a terse output schema when `compact`).
    fn push_list_routines(&mut self, dialect: &dyn Dialect, compact: bool) {
        let output = if compact {
            schema::object(json!({
                "type": "object",
                "properties": {"routines": {"type": "array", "items": {"type": "object"}}},
                "required": ["routines"]
            }))
        } else {
            schema::list_routines_output()
        };
        self.push(
            Action::ListRoutines,
            Tool::new(
                "list_routines",
                format!(
                    "The {} routines served, with their parameters and the tool that calls each.",
                    dialect.name()
                ),
                schema::no_input(),
            ),
            output,
            read_only(),
        );
    }

    /// The `typed` profile: the tools of every table in `catalog`; their write tools too when
    /// `writes`.
    fn typed(catalog: &Catalog, dialect: &dyn Dialect, limits: &Limits, writes: bool) -> Self {
        let mut set = Self::empty(Profile::Typed);
        set.push_database_tools(catalog, dialect, false);
        for (index, table) in catalog.tables().iter().enumerate() {
            let shape = TableShape {
                has_primary_key: !table.primary_key().is_empty(),
                writable: writes && table.writable(),
            };
            for verb in tools::verbs(shape) {
                let (input, output) = match verb {
                    Verb::List => (
                        schema::list_input(table, limits),
                        schema::list_output(table),
                    ),
                    Verb::Get => (schema::get_input(table), schema::get_output(table)),
                    Verb::Count => (schema::count_input(table), schema::count_output()),
                    Verb::Insert => (
                        schema::insert_input(table, limits),
                        schema::insert_output(table),
                    ),
                    Verb::Update => (
                        schema::update_input(table, limits),
                        schema::update_output(table),
                    ),
                    Verb::Delete => (schema::delete_input(table, limits), schema::delete_output()),
                };
                set.push(
                    Action::Table { table: index, verb },
                    Tool::new(
                        verb.tool_name(table.tool_base),
                        tool_description(table, verb, dialect, limits),
                        input,
                    ),
                    output,
                    annotations(verb),
                );
            }
        }
        let served = served_routines(catalog, writes);
        if !served.is_empty() {
            set.push_list_routines(dialect, false);
        }
        for &index in &served {
            let routine = catalog.routine(index);
            set.push(
                Action::Routine { routine: index },
                Tool::new(
                    format!("call_{}", routine.fields.tool_base),
                    routine_description(routine, dialect),
                    schema::call_input(routine),
                ),
                schema::call_output(routine),
                routine_annotations(routine.def.read_only),
            );
        }
        set.routines = served;
        set
    }

    /// The catalog indexes of the routines served.
    pub fn served_routines(&self) -> &[usize] {
        &self.routines
    }

    /// The name of the tool that calls the routine at `index`, when it is served.
    pub fn routine_tool(&self, index: usize) -> Option<&str> {
        if !self.routines.contains(&index) {
            return None;
        }
        if self.profile == Profile::Compact {
            return Some("call");
        }
        self.tools
            .iter()
            .find(|tool| {
                self.targets
                    .get(tool.name.as_ref())
                    .map(|&(_, action)| action)
                    == Some(Action::Routine { routine: index })
            })
            .map(|tool| tool.name.as_ref())
    }

    fn push(
        &mut self,
        action: Action,
        mut tool: Tool,
        output: Map<String, Value>,
        annotations: ToolAnnotations,
    ) {
        tool.output_schema = Some(Arc::new(output));
        tool.annotations = Some(annotations);
        self.targets
            .insert(tool.name.to_string(), (self.tools.len(), action));
        self.tools.push(tool);
    }

    /// Every tool, in order.
    pub fn all(&self) -> &[Tool] {
        &self.tools
    }

    /// The tool called `name`.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.targets.get(name).map(|&(index, _)| &self.tools[index])
    }

    /// What the tool called `name` does.
    pub fn action(&self, name: &str) -> Option<Action> {
        self.targets.get(name).map(|&(_, action)| action)
    }

    /// One page of `tools/list`: the tools from `cursor` on that are `visible` (to the
    /// caller), and the cursor of the next page.
    pub fn page(
        &self,
        cursor: Option<&str>,
        page_size: usize,
        visible: impl Fn(Action) -> bool,
    ) -> Result<(Vec<Tool>, Option<String>), ErrorData> {
        let start = match cursor {
            None => 0,
            Some(cursor) => URL_SAFE_NO_PAD
                .decode(cursor)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|name| name.strip_prefix("tool:").map(str::to_owned))
                .and_then(|name| self.targets.get(&name).map(|&(index, _)| index))
                .ok_or_else(|| {
                    ErrorData::invalid_params(
                        "invalid cursor for tools/list: pass nextCursor of the previous page unchanged",
                        None,
                    )
                })?,
        };
        let mut shown = self.tools[start..]
            .iter()
            .filter(|tool| self.action(&tool.name).is_some_and(&visible));
        let page: Vec<Tool> = shown.by_ref().take(page_size.max(1)).cloned().collect();
        let next = shown
            .next()
            .map(|tool| URL_SAFE_NO_PAD.encode(format!("tool:{}", tool.name)));
        Ok((page, next))
    }
}

/// What a read-only tool says of itself.
fn read_only() -> ToolAnnotations {
    ToolAnnotations::new().read_only(true).open_world(false)
}

/// What a tool that calls a routine says of itself: one that only reads is read-only; any
/// other may change anything.
fn routine_annotations(read_only_routine: bool) -> ToolAnnotations {
    if read_only_routine {
        read_only()
    } else {
        ToolAnnotations::new()
            .read_only(false)
            .destructive(true)
            .idempotent(false)
            .open_world(false)
    }
}

/// The routines served: those that only read, and with writes on, every one.
fn served_routines(catalog: &Catalog, writes: bool) -> Vec<usize> {
    (0..catalog.routines().len())
        .filter(|&index| writes || catalog.routine(index).def.read_only)
        .collect()
}

/// What a tool says of itself: reads read only; inserts add; updates and deletes destroy what
/// was there, and give the same state when repeated.
fn annotations(verb: Verb) -> ToolAnnotations {
    let annotations = ToolAnnotations::new()
        .read_only(!verb.writes())
        .open_world(false);
    match verb {
        Verb::List | Verb::Get | Verb::Count => annotations,
        Verb::Insert => annotations.destructive(false).idempotent(false),
        Verb::Update | Verb::Delete => annotations.destructive(true).idempotent(true),
    }
}

/// What a table's tool does, naming the table as the database spells it.
fn tool_description(table: &Table, verb: Verb, dialect: &dyn Dialect, limits: &Limits) -> String {
    let what = describe_relation(table, dialect);
    match verb {
        Verb::List => format!(
            "Rows of {what}; pass next_cursor back as `cursor` for the next page.{}",
            suffix(table.def.description)
        ),
        Verb::Get => {
            let names: Vec<&str> = table
                .primary_key()
                .iter()
                .map(|&c| table.column_name(c))
                .collect();
            format!(
                "One row of {what} by its primary key ({}); `row` is null when there is none.",
                names.join(", ")
            )
        }
        Verb::Count => format!("The number of rows of {what} that match `where`."),
        Verb::Insert => format!(
            "Adds 1 to {} rows to {what}, all or none; returns them as stored.",
            limits.max_write_rows
        ),
        Verb::Update => format!(
            "Sets the columns in `set` in the rows of {what} that match `where`, all or none: when more than `max_rows` match, nothing changes. Returns the rows as changed.",
        ),
        Verb::Delete => format!(
            "Deletes the rows of {what} that match `where`, all or none: when more than `max_rows` match, nothing is deleted.",
        ),
    }
}

/// What `call_R` does, naming the routine as the database spells it.
fn routine_description(routine: &Routine, dialect: &dyn Dialect) -> String {
    let def = routine.def;
    let kind = match def.kind {
        RoutineKind::Function => "function",
        RoutineKind::Procedure => "procedure",
    };
    let name = match routine.fields.def.schema {
        Some(schema) => format!("{schema:?}.{:?}", routine.fields.def.name),
        None => format!("{:?}", routine.fields.def.name),
    };
    let effect = if def.read_only {
        "It only reads"
    } else {
        "It may write: each call is one transaction, rolled back when the routine fails"
    };
    let returns = match def.returns {
        Returns::Nothing => "returns nothing",
        Returns::Value => "returns its value as `value`",
        Returns::Rows => "returns its rows as `rows`",
        Returns::Out => "returns its OUT parameters as `out`",
        Returns::ResultSets => {
            "returns the rows of its result sets as `rows`, and its OUT parameters as `out`"
        }
    };
    format!(
        "Calls the {} {kind} {name}, which {returns}. {effect}.{}",
        dialect.name(),
        suffix(routine.fields.def.description)
    )
}

/// `table "Album"` or `view "public"."v"`, with the database's name.
fn describe_relation(table: &Table, dialect: &dyn Dialect) -> String {
    let kind = match table.def.kind {
        TableKind::Table => "table",
        TableKind::View => "view",
    };
    match table.def.schema {
        Some(schema) => format!(
            "the {} {kind} {schema:?}.{:?}",
            dialect.name(),
            table.def.name
        ),
        None => format!("the {} {kind} {:?}", dialect.name(), table.def.name),
    }
}

fn suffix(description: Option<&str>) -> String {
    description.map_or_else(String::new, |text| format!(" {text}"))
}

/// `name` with every character outside `[A-Za-z0-9_]` replaced by `_`.
pub(crate) fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What a tool call needs: the tables, the database, the limits, whether writes are served.
pub struct CallContext<'a> {
    /// The tables.
    pub catalog: &'a Catalog,
    /// The tools (for `list_tables`).
    pub tools: &'a ToolSet,
    /// The database.
    pub database: &'a Database,
    /// Page sizes.
    pub limits: &'a Limits,
    /// Writes are served.
    pub writes: bool,
    /// The tables `query_sql` does not read (their structs leave columns out).
    pub unreadable: &'a crate::query::sql_check::Unreadable,
    /// What the call's transaction tells the database of the caller (`[auth] db_claims`).
    pub session: &'a SessionSettings,
}

/// Why a call failed: the client's arguments or the database.
#[derive(Debug, thiserror::Error)]
enum CallError {
    #[error(transparent)]
    Arguments(#[from] ArgumentError),
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// A routine failed in a way the server explains in its own words.
    #[error("{0}")]
    Routine(String),
}

impl CallContext<'_> {
    /// Runs a call of `action`; failures become results with `isError: true`.
    pub async fn call(&self, action: Action, arguments: &Map<String, Value>) -> CallToolResult {
        let outcome = match action {
            Action::ListTables => self.list_tables(arguments),
            Action::DescribeTable => self.describe_table(arguments),
            Action::ListRoutines => self.list_routines(arguments),
            Action::AnyTable(verb) => self.any_table(verb, arguments).await,
            Action::AnyRoutine => self.any_routine(arguments).await,
            Action::DreamFactory(tool) => self.dreamfactory(tool, arguments).await,
            Action::QuerySql => self.query_sql(arguments).await,
            Action::Routine { routine } => {
                self.call_routine(self.catalog.routine(routine), arguments)
                    .await
            }
            Action::Table { table, verb } => {
                let table = self.catalog.table(table);
                match verb {
                    Verb::List => self.list(table, arguments).await,
                    Verb::Get => self.get(table, arguments).await,
                    Verb::Count => self.count(table, arguments).await,
                    Verb::Insert => self.insert(table, arguments).await,
                    Verb::Update => self.update(table, arguments).await,
                    Verb::Delete => self.delete(table, arguments).await,
                }
            }
        };
        match outcome {
            Ok(value) => CallToolResult::structured(value),
            Err(error) => {
                if let CallError::Database(error) = &error {
                    tracing::warn!(%error, "tool call failed in the database");
                }
                CallToolResult::error(vec![ContentBlock::text(error.to_string())])
            }
        }
    }

    fn dialect(&self) -> &dyn Dialect {
        self.database.dialect()
    }

    fn list_tables(&self, arguments: &Map<String, Value>) -> Result<Value, CallError> {
        if let Some(key) = arguments.keys().next() {
            return Err(
                ArgumentError::new(format!("list_tables takes no arguments; got {key:?}")).into(),
            );
        }
        let tables: Vec<Value> = (0..self.catalog.tables().len())
            .map(|index| {
                let table = self.catalog.table(index);
                json!({
                    "name": table.def.name,
                    "schema": self.schema_of(table),
                    "kind": table.def.kind,
                    "description": table.def.description,
                    "tools": self.tools_of(index),
                })
            })
            .collect();
        Ok(json!({ "tables": tables }))
    }

    fn describe_table(&self, arguments: &Map<String, Value>) -> Result<Value, CallError> {
        if let Some(key) = arguments.keys().find(|key| *key != "table") {
            return Err(ArgumentError::new(format!(
                "describe_table takes only `table`; got {key:?}"
            ))
            .into());
        }
        let name = arguments
            .get("table")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ArgumentError::new(
                    "describe_table needs `table`, a table's name as list_tables gives it",
                )
            })?;
        let index = self.find_table(name)?;
        let table = self.catalog.table(index);
        let columns: Vec<Value> = table
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| {
                let mut value = json!({
                    "name": column.def.name,
                    "sql_type": column.def.sql_type,
                    "json_type": column.json_type(),
                    "nullable": column.def.nullable,
                    "default": column.def.default,
                    "primary_key": table.primary_key().contains(&index),
                });
                if column.def.generated {
                    value["generated"] = json!(true);
                }
                if self.writes && table.writable() {
                    value["insert"] = json!(InsertRule::of(column.def).name());
                }
                if let Some(description) = column.def.description {
                    value["description"] = json!(description);
                }
                if !column.def.allowed_values().is_empty() {
                    value["enum"] = json!(column.def.allowed_values());
                }
                value
            })
            .collect();
        let default_schema = self.dialect().default_schema();
        let foreign_keys: Vec<Value> = table
            .def
            .foreign_keys
            .iter()
            .map(|key| {
                json!({
                    "name": key.name,
                    "columns": key.columns,
                    "references": {
                        "schema": key.referenced_schema.unwrap_or(default_schema),
                        "table": key.referenced_table,
                        "columns": key.referenced_columns,
                    }
                })
            })
            .collect();
        let referenced_by: Vec<Value> = table
            .referenced_by
            .iter()
            .map(|inbound| {
                let other = self.catalog.table(inbound.table);
                let key = &other.def.foreign_keys[inbound.key];
                json!({
                    "name": key.name,
                    "schema": self.schema_of(other),
                    "table": other.def.name,
                    "columns": key.columns,
                    "referenced_columns": key.referenced_columns,
                })
            })
            .collect();
        let unique_keys: Vec<Value> = table
            .def
            .unique_keys
            .iter()
            .map(|key| json!({"name": key.name, "columns": key.columns}))
            .collect();
        let primary_key: Vec<&str> = table
            .primary_key()
            .iter()
            .map(|&c| table.column_name(c))
            .collect();
        Ok(json!({
            "name": table.def.name,
            "schema": self.schema_of(table),
            "kind": table.def.kind,
            "description": table.def.description,
            "tools": self.tools_of(index),
            "columns": columns,
            "primary_key": primary_key,
            "foreign_keys": foreign_keys,
            "referenced_by": referenced_by,
            "unique_keys": unique_keys,
        }))
    }

    async fn list(
        &self,
        table: &Table,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let plan = PagePlan::parse(table, arguments, self.limits)?;
        let asked = arguments
            .get("limit")
            .and_then(Value::as_u64)
            .unwrap_or(u64::from(plan.limit));
        self.list_plan(table, &plan, asked).await
    }

    /// The page `plan` plans: `{"rows": [..], "next_cursor": ..}`, and `"truncated": true`
    /// when it holds fewer than the `asked` rows (its size reached limits.max_result_bytes, or
    /// the limit was lowered to limits.max_limit) and more follow.
    async fn list_plan(
        &self,
        table: &Table,
        plan: &PagePlan,
        asked: u64,
    ) -> Result<Value, CallError> {
        let statement = sql::select_page(self.dialect(), table, plan);
        let rows = self
            .database
            .fetch_rows(self.session, table, &statement)
            .await?;
        // A page ends at `limit` rows, or earlier where its rows would pass the size a result
        // may have: the next page starts after the last row sent.
        let returned = &plan.selected[..plan.returned];
        let mut page = Vec::new();
        let mut bytes = 0;
        for values in rows.iter().take(plan.limit as usize) {
            let row = row_object(table, returned, values[..plan.returned].to_vec());
            let size = serde_json::to_string(&row).map_or(0, |text| text.len());
            if bytes + size > self.limits.max_result_bytes {
                if page.is_empty() {
                    return Err(too_large(table, &row, size, self.limits).into());
                }
                break;
            }
            bytes += size;
            page.push(row);
        }
        let next_cursor = plan.cursor_after(&rows, page.len());
        let truncated = next_cursor.is_some() && (page.len() as u64) < asked;
        let mut result = json!({ "rows": page, "next_cursor": next_cursor });
        if truncated {
            result["truncated"] = json!(true);
        }
        Ok(result)
    }

    async fn get(&self, table: &Table, arguments: &Map<String, Value>) -> Result<Value, CallError> {
        let request = GetRequest::parse(table, arguments)?;
        let statement = sql::select_by_key(self.dialect(), table, &request);
        let rows = self
            .database
            .fetch_rows(self.session, table, &statement)
            .await?;
        let row = rows
            .into_iter()
            .next()
            .map(|values| row_object(table, &statement.columns, values));
        Ok(json!({ "row": row }))
    }

    async fn count(
        &self,
        table: &Table,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let request = CountRequest::parse(table, arguments)?;
        let statement = sql::count(self.dialect(), table, &request);
        let count = self
            .database
            .fetch_count(self.session, table, &statement)
            .await?;
        Ok(json!({ "count": count }))
    }

    fn schema_of<'t>(&'t self, table: &'t Table) -> &'t str {
        table
            .def
            .schema
            .unwrap_or_else(|| self.dialect().default_schema())
    }

    /// The tools that act on the table at `index`.
    fn tools_of(&self, index: usize) -> Vec<&str> {
        if self.tools.profile() == Profile::Compact {
            let table = self.catalog.table(index);
            let shape = TableShape {
                has_primary_key: !table.primary_key().is_empty(),
                writable: self.writes && table.writable(),
            };
            return tools::verbs(shape)
                .into_iter()
                .map(compact::tool_name)
                .collect();
        }
        self.tools
            .all()
            .iter()
            .filter(|tool| {
                matches!(
                    self.tools.action(&tool.name),
                    Some(Action::Table { table, .. }) if table == index
                )
            })
            .map(|tool| tool.name.as_ref())
            .collect()
    }
}

/// The error for a row that alone is larger than a result may be, naming its largest columns.
fn too_large(table: &Table, row: &Value, size: usize, limits: &Limits) -> ArgumentError {
    let mut columns: Vec<(usize, &str)> = row
        .as_object()
        .map(|row| {
            row.iter()
                .map(|(name, value)| (value.to_string().len(), name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    columns.sort_by(|a, b| b.cmp(a));
    let largest: Vec<String> = columns
        .iter()
        .take(3)
        .map(|(size, name)| format!("{name:?} ({size} bytes)"))
        .collect();
    ArgumentError::new(format!(
        "a row of {:?} is {size} bytes of JSON, more than one result may hold (limits.max_result_bytes, {}): leave its largest columns out with `columns`: {}",
        table.def.name,
        limits.max_result_bytes,
        largest.join(", ")
    ))
}

/// A row as a JSON object of the columns `selected` names (leading values of `values`), named
/// as the database spells them.
fn row_object(table: &Table, selected: &[Selected], values: Vec<Value>) -> Value {
    let row: Map<String, Value> = selected
        .iter()
        .zip(values)
        .filter_map(|(selected, value)| match selected {
            Selected::Column(column) => Some((table.column_name(*column).to_owned(), value)),
            Selected::RowId(_) | Selected::Computed(_) => None,
        })
        .collect();
    Value::Object(row)
}

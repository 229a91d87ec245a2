//! `query_sql` (`[tools] sql = true`, `serve --allow-sql`): one read-only statement a client
//! writes, for what the typed tools cannot say (joins, aggregates). The statement is checked
//! before it reaches the database ([`crate::query::sql_check`]), then what was checked runs in
//! a read-only transaction under the statement time limit. At most `limits.max_limit` rows and
//! `limits.max_result_bytes` of JSON come back, with `"truncated": true` when there were more.

use rmcp::model::Tool;
use serde_json::{Map, Value, json};

use super::{Action, CallContext, CallError, ToolSet, read_only, schema};
use crate::config::Limits;
use crate::dialect::Dialect;
use crate::query::sql_check::{MAX_PARAMS, MAX_SQL_BYTES, allowed};
use crate::query::{Engine, SqlRequest};
use crate::sql;

impl ToolSet {
    /// `query_sql`, after the profile's tools.
    pub(super) fn push_query_sql(&mut self, dialect: &dyn Dialect, limits: &Limits) {
        self.push(
            Action::QuerySql,
            Tool::new("query_sql", description(dialect, limits), input(dialect)),
            output(),
            read_only(),
        );
    }
}

impl CallContext<'_> {
    /// `query_sql`: the statement checked, then run in a read-only transaction; its rows as
    /// objects by column name, each value by its own type.
    pub(super) async fn query_sql(
        &self,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let dialect = self.dialect();
        let request = SqlRequest::parse(
            self.catalog,
            self.unreadable,
            dialect.engine(),
            dialect.default_schema(),
            arguments,
        )?;
        let statement = sql::query_sql(&request);
        // One row more than a result holds tells whether there were more.
        let max_rows = self.limits.max_limit as usize + 1;
        let mut transaction = self.database.begin(false, self.session).await?;
        let rows = transaction.fetch_plain(&statement, max_rows).await?;
        transaction.commit().await?;
        let mut result = Map::new();
        self.insert_rows(&mut result, rows.into_iter().map(Value::Object));
        Ok(Value::Object(result))
    }
}

/// What `query_sql` does and accepts, in the database's own terms.
fn description(dialect: &dyn Dialect, limits: &Limits) -> String {
    let engine = dialect.engine();
    let placeholders = match engine {
        Engine::Postgres => "$1, $2, ...",
        Engine::Mysql | Engine::Sqlite => "?",
    };
    format!(
        "Runs one read-only SQL statement on this {database} database, for what the other tools cannot say (joins, aggregates, grouping): a single SELECT, WITH ... SELECT, VALUES, or EXPLAIN of one, over the tables and views list_tables lists (named as the database spells them, schema.name outside the default schema {schema:?}). It is checked before it runs, and anything else is refused without running: statements that write, lock or set anything, several statements, system catalogs, variables, and functions other than these built-ins and the read-only functions list_routines lists: {functions}. Put values in `params`, bound in order to the placeholders {placeholders}. Returns `rows`, each an object by column name (name computed columns with AS), at most {max_limit} rows and {max_bytes} bytes of JSON; `truncated` is true when there were more: narrow the query or add LIMIT.",
        database = dialect.name(),
        schema = dialect.default_schema(),
        functions = allowed::builtins(engine).join(", "),
        max_limit = limits.max_limit,
        max_bytes = limits.max_result_bytes,
    )
}

/// `query_sql`'s input: the statement, and the values of its placeholders.
fn input(dialect: &dyn Dialect) -> Map<String, Value> {
    schema::object(json!({
        "type": "object",
        "properties": {
            "sql": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_SQL_BYTES,
                "description": format!("One {} SELECT (or WITH, VALUES, EXPLAIN of one).", dialect.name()),
            },
            "params": {
                "type": "array",
                "items": {"type": ["string", "number", "boolean", "null"]},
                "maxItems": MAX_PARAMS,
                "description": "The values of the statement's placeholders, in order: strings, numbers, booleans, null.",
            },
        },
        "required": ["sql"],
        "additionalProperties": false,
    }))
}

/// `query_sql`'s output: the rows, and `truncated` when a cap cut them.
fn output() -> Map<String, Value> {
    schema::object(json!({
        "type": "object",
        "properties": {
            "rows": {
                "type": "array",
                "items": {"type": "object"},
                "description": "The statement's rows, each its columns by name.",
            },
            "truncated": {
                "type": "boolean",
                "const": true,
                "description": "Present when the statement gave more rows than one result holds: `rows` holds the first ones.",
            },
        },
        "required": ["rows"],
        "additionalProperties": false,
    }))
}

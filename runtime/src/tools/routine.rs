//! What `call_R` does: read the arguments ([`crate::query::call`]), then, in one transaction
//! (read-only for a routine that only reads), call the routine ([`crate::sql::call`]) and
//! shape what it gives back: its value, its rows, its OUT values. A routine's error comes back
//! as the database's message, and what it wrote is rolled back.

use serde_json::{Map, Value, json};

use super::{CallContext, CallError, row_object};
use crate::backend::DatabaseError;
use crate::catalog::Routine;
use crate::query::{ArgumentError, CallRequest};
use crate::routine::{FieldRole, Returns, RoutineKind};
use crate::sql::call as statements;

impl CallContext<'_> {
    /// `call_R`.
    pub(super) async fn call_routine(
        &self,
        routine: &Routine,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let request = CallRequest::parse(routine, arguments)?;
        self.run_call(routine, &request).await.map_err(|error| match error {
            CallError::Database(DatabaseError::ReadOnly(error)) => CallError::Routine(format!(
                "call_{} failed: {} is declared to only read ({}), so this server calls it in a read-only transaction, but it tried to write ({}). Nothing was written; correct its declaration to serve it as a routine that writes.",
                routine.fields.tool_base,
                routine.display_name(),
                self.dialect().read_only_routines(),
                DatabaseError::ReadOnly(error),
            )),
            other => other,
        })
    }

    async fn run_call(&self, routine: &Routine, request: &CallRequest) -> Result<Value, CallError> {
        let dialect = self.dialect();
        let fields = &routine.fields;
        let mut transaction = self
            .database
            .begin(!routine.def.read_only, self.session)
            .await?;
        // Where OUT values pass through session variables, INOUT ones start there.
        let through_variables = !dialect.names_arguments();
        if through_variables {
            for statement in statements::set_inout(dialect, routine, &request.arguments) {
                transaction.execute(fields, &statement).await?;
            }
        }
        // One row more than a result holds tells whether there were more.
        let max_rows = self.limits.max_limit as usize + 1;
        let statement = statements::call(dialect, routine, &request.arguments, max_rows);
        let mut result = Map::new();
        match routine.def.returns {
            Returns::Nothing => {
                transaction.execute(fields, &statement).await?;
            }
            Returns::ResultSets => {
                let rows = transaction.fetch_any(fields, &statement, max_rows).await?;
                self.insert_rows(&mut result, rows.into_iter().map(Value::Object));
            }
            Returns::Value => {
                let rows = transaction.fetch_rows(fields, &statement).await?;
                let value = rows
                    .into_iter()
                    .next()
                    .and_then(|values| values.into_iter().next())
                    .unwrap_or(Value::Null);
                result.insert("value".to_owned(), value);
            }
            Returns::Rows => {
                let rows = transaction.fetch_rows(fields, &statement).await?;
                let rows = rows
                    .into_iter()
                    .map(|values| row_object(fields, &statement.columns, values));
                self.insert_rows(&mut result, rows);
            }
            Returns::Out if through_variables => {
                transaction.execute(fields, &statement).await?;
            }
            Returns::Out => {
                let rows = transaction.fetch_rows(fields, &statement).await?;
                let out = rows.into_iter().next().map_or_else(
                    || json!({}),
                    |values| row_object(fields, &statement.columns, values),
                );
                result.insert("out".to_owned(), out);
            }
        }
        if through_variables
            && matches!(routine.def.returns, Returns::Out | Returns::ResultSets)
            && let Some(select) = statements::select_out(dialect, routine)
        {
            let mut values = transaction.fetch_any(fields, &select, 1).await?;
            let out = values.pop().unwrap_or_default();
            result.insert("out".to_owned(), Value::Object(out));
        }
        transaction.commit().await?;
        Ok(Value::Object(result))
    }

    /// `rows` of a call's result: as many of `rows` as one result holds (`limits.max_limit`
    /// rows, `limits.max_result_bytes` of JSON), and `"truncated": true` when there were more.
    pub(super) fn insert_rows(
        &self,
        result: &mut Map<String, Value>,
        rows: impl Iterator<Item = Value>,
    ) {
        let mut kept = Vec::new();
        let mut bytes = 0;
        let mut truncated = false;
        for row in rows {
            let size = serde_json::to_string(&row).map_or(0, |text| text.len());
            if kept.len() == self.limits.max_limit as usize
                || bytes + size > self.limits.max_result_bytes
            {
                truncated = true;
                break;
            }
            bytes += size;
            kept.push(row);
        }
        result.insert("rows".to_owned(), Value::Array(kept));
        if truncated {
            result.insert("truncated".to_owned(), Value::Bool(true));
        }
    }

    /// `list_routines`: the routines this server serves, with the tool of each.
    pub(super) fn list_routines(&self, arguments: &Map<String, Value>) -> Result<Value, CallError> {
        if let Some(key) = arguments.keys().next() {
            return Err(ArgumentError::new(format!(
                "list_routines takes no arguments; got {key:?}"
            ))
            .into());
        }
        let routines: Vec<Value> = self
            .catalog
            .routines()
            .iter()
            .enumerate()
            .filter_map(|(index, routine)| {
                let tool = self.tools.routine_tool(index)?;
                let parameters: Vec<Value> = routine
                    .def
                    .fields_where(FieldRole::is_argument)
                    .into_iter()
                    .map(|field| {
                        json!({
                            "name": routine.fields.column_name(field),
                            "schema": routine.fields.columns[field].schema,
                            "required": routine.def.roles[field] != (FieldRole::In { optional: true }),
                        })
                    })
                    .collect();
                Some(json!({
                    "name": routine.fields.def.name,
                    "schema": routine.fields.def.schema.unwrap_or_else(|| self.dialect().default_schema()),
                    "kind": match routine.def.kind {
                        RoutineKind::Function => "function",
                        RoutineKind::Procedure => "procedure",
                    },
                    "signature": routine.def.signature,
                    "read_only": routine.def.read_only,
                    "description": routine.fields.def.description,
                    "tool": tool,
                    "routine": self.routine_argument(index),
                    "parameters": parameters,
                }))
            })
            .collect();
        Ok(json!({ "routines": routines }))
    }
}

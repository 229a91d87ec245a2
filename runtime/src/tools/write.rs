//! What a write tool's call does: read its arguments ([`crate::query::write`]), then, in one
//! transaction, write and read back what it wrote ([`crate::sql::write`]), keeping its
//! guards; the transaction commits only when everything succeeded, and a call that fails
//! leaves no trace.

use serde_json::{Map, Value, json};

use super::{CallContext, CallError, row_object};
use crate::backend::{DatabaseError, Transaction, ViolationKind};
use crate::catalog::{Catalog, Operand, Table};
use crate::dialect::WriteStatement;
use crate::query::write::Values;
use crate::query::{
    ArgumentError, CountRequest, DeleteRequest, Filter, InsertRequest, Selected, UpdateRequest,
};
use crate::sql::{self, write as statements};
use crate::table::ForeignKeyDef;

impl CallContext<'_> {
    /// `insert_T`: every row, or none; the rows as stored.
    pub(super) async fn insert(
        &self,
        table: &Table,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let request = InsertRequest::parse(table, arguments, self.limits)?;
        let dialect = self.dialect();
        let returning = dialect.returning(WriteStatement::Insert);
        let mut transaction = self.database.begin(true, self.session).await?;
        let mut rows = Vec::with_capacity(request.rows.len());
        for values in &request.rows {
            let statement = statements::insert(dialect, table, values, returning);
            if returning {
                let stored = transaction.fetch_rows(table, &statement).await;
                rows.extend(stored.map_err(|error| explained(self.catalog, table, error))?);
                continue;
            }
            // The database returns no rows: read the row back by its key, given or made.
            let executed = transaction
                .execute(table, &statement)
                .await
                .map_err(|error| explained(self.catalog, table, error))?;
            if let Some(key) = inserted_key(table, values, executed.last_insert_id) {
                let read = statements::select_by_keys(dialect, table, &[key]);
                rows.extend(transaction.fetch_rows(table, &read).await?);
            }
        }
        transaction.commit().await?;
        Ok(json!({ "rows": objects(table, rows) }))
    }

    /// `update_T`: the rows that match, all or none, at most `max_rows`; the rows as changed.
    pub(super) async fn update(
        &self,
        table: &Table,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let request = UpdateRequest::parse(table, arguments, self.limits)?;
        let dialect = self.dialect();
        let mut transaction = self.database.begin(true, self.session).await?;
        let matched = self
            .count_in(&mut transaction, table, &request.filter)
            .await?;
        too_many(table, matched, request.max_rows, "updated")?;
        let rows = if dialect.returning(WriteStatement::Update) {
            let statement = statements::update(dialect, table, &request, true);
            let rows = transaction
                .fetch_rows(table, &statement)
                .await
                .map_err(|error| explained(self.catalog, table, error))?;
            too_many(table, rows.len() as u64, request.max_rows, "updated")?;
            rows
        } else if table.primary_key().is_empty() {
            // Without RETURNING and without a key, the changed rows cannot be found again.
            let statement = statements::update(dialect, table, &request, false);
            let executed = transaction
                .execute(table, &statement)
                .await
                .map_err(|error| explained(self.catalog, table, error))?;
            too_many(table, executed.rows_affected, request.max_rows, "updated")?;
            transaction.commit().await?;
            return Ok(json!({ "updated": executed.rows_affected, "rows": [] }));
        } else {
            // The keys of the rows that match, locked; then the update; then the rows again,
            // by their keys as the update left them.
            let keys = statements::select_keys(dialect, table, &request.filter);
            let keys = transaction.fetch_rows(table, &keys).await?;
            too_many(table, keys.len() as u64, request.max_rows, "updated")?;
            let statement = statements::update(dialect, table, &request, false);
            transaction
                .execute(table, &statement)
                .await
                .map_err(|error| explained(self.catalog, table, error))?;
            let keys = keys_after(table, keys, &request.set)?;
            let read = statements::select_by_keys(dialect, table, &keys);
            transaction.fetch_rows(table, &read).await?
        };
        transaction.commit().await?;
        Ok(json!({ "updated": rows.len(), "rows": objects(table, rows) }))
    }

    /// `delete_T`: the rows that match, all or none, at most `max_rows`.
    pub(super) async fn delete(
        &self,
        table: &Table,
        arguments: &Map<String, Value>,
    ) -> Result<Value, CallError> {
        let request = DeleteRequest::parse(table, arguments, self.limits)?;
        let mut transaction = self.database.begin(true, self.session).await?;
        let matched = self
            .count_in(&mut transaction, table, &request.filter)
            .await?;
        too_many(table, matched, request.max_rows, "deleted")?;
        let statement = statements::delete(self.dialect(), table, &request);
        let executed = transaction
            .execute(table, &statement)
            .await
            .map_err(|error| explained(self.catalog, table, error))?;
        too_many(table, executed.rows_affected, request.max_rows, "deleted")?;
        transaction.commit().await?;
        Ok(json!({ "deleted": executed.rows_affected }))
    }
}

impl CallContext<'_> {
    /// How many rows `filter` matches, in the transaction about to change them: a write's
    /// guard comes before any row is touched (and is checked again after, on what it did).
    async fn count_in(
        &self,
        transaction: &mut Transaction,
        table: &Table,
        filter: &Filter,
    ) -> Result<u64, CallError> {
        let request = CountRequest {
            filter: Some(filter.clone()),
        };
        let statement = sql::count(self.dialect(), table, &request);
        let count = transaction.fetch_count(table, &statement).await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

/// The refusal of a write that matched more rows than `max_rows`; the transaction it ran in
/// is dropped, so nothing changes.
fn too_many(table: &Table, matched: u64, max_rows: u32, done: &str) -> Result<(), ArgumentError> {
    if matched <= u64::from(max_rows) {
        return Ok(());
    }
    Err(ArgumentError::new(format!(
        "{matched} rows of {:?} match `where`, more than max_rows ({max_rows}): nothing was {done}; narrow `where`, or raise max_rows (at most limits.max_write_rows)",
        table.def.name
    )))
}

/// The primary key of a row just inserted: the values it gave, or the value the database gave
/// its auto-increment column; `None` when neither says.
fn inserted_key(
    table: &Table,
    values: &Values,
    last_insert_id: Option<i64>,
) -> Option<Vec<Operand>> {
    let key = table.primary_key();
    if key.is_empty() {
        return None;
    }
    let given: Option<Vec<Operand>> = key
        .iter()
        .map(|column| {
            values
                .iter()
                .find(|(given, _)| given == column)
                .map(|(_, value)| value.clone())
        })
        .collect();
    match (given, key, last_insert_id) {
        (Some(given), _, _) => Some(given),
        (None, [column], Some(id)) => table
            .operand(*column, &Value::from(id))
            .ok()
            .map(|id| vec![id]),
        _ => None,
    }
}

/// The keys of rows an update changed, as the update left them: each key column `set` gave
/// takes its new value.
fn keys_after(
    table: &Table,
    keys: Vec<Vec<Value>>,
    set: &Values,
) -> Result<Vec<Vec<Operand>>, CallError> {
    keys.into_iter()
        .map(|values| {
            table
                .primary_key()
                .iter()
                .zip(values)
                .map(
                    |(&column, value)| match set.iter().find(|(c, _)| *c == column) {
                        Some((_, new)) => Ok(new.clone()),
                        None => table.operand(column, &value).map_err(|message| {
                            CallError::Database(DatabaseError::Decode {
                                column: table.column_name(column).to_owned(),
                                message,
                            })
                        }),
                    },
                )
                .collect()
        })
        .collect()
}

/// Rows of every column as JSON objects.
fn objects(table: &Table, rows: Vec<Vec<Value>>) -> Vec<Value> {
    let selected: Vec<Selected> = (0..table.columns.len()).map(Selected::Column).collect();
    rows.into_iter()
        .map(|values| row_object(table, &selected, values))
        .collect()
}

/// A constraint violation with what the catalog knows of it: a foreign key the database did
/// not name (SQLite names none) is one of the table's own, or one that points at it.
fn explained(catalog: &Catalog, table: &Table, error: DatabaseError) -> DatabaseError {
    match error {
        DatabaseError::Violation(mut violation)
            if violation.kind == ViolationKind::ForeignKey && violation.constraint.is_none() =>
        {
            let key = |from: &str, key: &ForeignKeyDef| {
                format!(
                    "{from}({}) -> {}({})",
                    key.columns.join(", "),
                    key.referenced_table,
                    key.referenced_columns.join(", ")
                )
            };
            let mut keys: Vec<String> = table
                .def
                .foreign_keys
                .iter()
                .map(|foreign| key(table.def.name, foreign))
                .collect();
            keys.extend(table.referenced_by.iter().map(|inbound| {
                let other = catalog.table(inbound.table);
                key(other.def.name, &other.def.foreign_keys[inbound.key])
            }));
            if !keys.is_empty() {
                violation.detail = format!(
                    "{}; the foreign keys from and to {:?}: {}",
                    violation.detail,
                    table.def.name,
                    keys.join(", ")
                );
            }
            DatabaseError::Violation(violation)
        }
        other => other,
    }
}

//! The statements of the write tools: `INSERT`, `UPDATE` and `DELETE` of checked requests,
//! each with `RETURNING` of every column where the dialect has it, and the reads that stand in
//! for it where it does not (the keys of the rows an update will change, locked, and the rows
//! read back by key).

use super::{Param, Statement, Writer};
use crate::catalog::{Operand, Table};
use crate::dialect::Dialect;
use crate::query::write::Values;
use crate::query::{DeleteRequest, Filter, Selected, UpdateRequest};

/// Every column of the table, as a `SELECT` or `RETURNING` reads them.
fn every_column(table: &Table) -> Vec<Selected> {
    (0..table.columns.len()).map(Selected::Column).collect()
}

/// `INSERT` of one row with the columns it gives (the others take their defaults), returning
/// the row as stored when `returning`.
pub fn insert(dialect: &dyn Dialect, table: &Table, values: &Values, returning: bool) -> Statement {
    let mut writer = Writer::new(dialect, table);
    writer.push("INSERT INTO ");
    writer.push_table();
    if values.is_empty() {
        writer.push(" ");
        writer.push(dialect.default_row());
    } else {
        writer.push(" (");
        for (i, (column, _)) in values.iter().enumerate() {
            if i > 0 {
                writer.push(", ");
            }
            writer.push_name(*column);
        }
        writer.push(") VALUES (");
        for (i, (column, value)) in values.iter().enumerate() {
            if i > 0 {
                writer.push(", ");
            }
            writer.push_written_value(*column, value);
        }
        writer.push(")");
    }
    finish_returning(writer, table, returning)
}

/// `UPDATE ... SET ... WHERE`, returning the rows as changed when `returning`.
pub fn update(
    dialect: &dyn Dialect,
    table: &Table,
    request: &UpdateRequest,
    returning: bool,
) -> Statement {
    let mut writer = Writer::new(dialect, table);
    writer.push("UPDATE ");
    writer.push_table();
    writer.push(" SET ");
    for (i, (column, value)) in request.set.iter().enumerate() {
        if i > 0 {
            writer.push(", ");
        }
        writer.push_name(*column);
        writer.push(" = ");
        writer.push_written_value(*column, value);
    }
    writer.push(" WHERE ");
    writer.push_filter(&request.filter);
    finish_returning(writer, table, returning)
}

/// `DELETE ... WHERE`.
pub fn delete(dialect: &dyn Dialect, table: &Table, request: &DeleteRequest) -> Statement {
    let mut writer = Writer::new(dialect, table);
    writer.push("DELETE FROM ");
    writer.push_table();
    writer.push(" WHERE ");
    writer.push_filter(&request.filter);
    writer.finish(Vec::new())
}

/// The primary keys of the rows `filter` matches, locked until the transaction ends: what an
/// update reads first where it cannot return the rows it changes.
pub fn select_keys(dialect: &dyn Dialect, table: &Table, filter: &Filter) -> Statement {
    let mut writer = Writer::new(dialect, table);
    let key: Vec<Selected> = table
        .primary_key()
        .iter()
        .map(|&column| Selected::Column(column))
        .collect();
    writer.push_select(&key);
    writer.push(" WHERE ");
    writer.push_filter(filter);
    writer.push(dialect.lock_rows());
    writer.finish(key)
}

/// Every column of the rows with these primary keys (each the key's values in key order).
pub fn select_by_keys(dialect: &dyn Dialect, table: &Table, keys: &[Vec<Operand>]) -> Statement {
    let mut writer = Writer::new(dialect, table);
    let selected = every_column(table);
    writer.push_select(&selected);
    writer.push(" WHERE ");
    if keys.is_empty() {
        writer.push("1=0");
    }
    for (i, values) in keys.iter().enumerate() {
        if i > 0 {
            writer.push(" OR ");
        }
        writer.push("(");
        for (j, (&column, value)) in table.primary_key().iter().zip(values).enumerate() {
            if j > 0 {
                writer.push(" AND ");
            }
            writer.push_column(column);
            writer.push(" = ");
            writer.push_value(column, value);
        }
        writer.push(")");
    }
    writer.finish(selected)
}

/// ` RETURNING` every column, as a `SELECT` reads them, when `returning`.
fn finish_returning(mut writer: Writer<'_>, table: &Table, returning: bool) -> Statement {
    if !returning {
        return writer.finish(Vec::new());
    }
    let selected = every_column(table);
    writer.push(" RETURNING ");
    for (i, value) in selected.iter().enumerate() {
        if i > 0 {
            writer.push(", ");
        }
        if let Selected::Column(column) = value {
            writer.push_column(*column);
        }
    }
    writer.finish(selected)
}

impl Writer<'_> {
    /// A column's name, quoted, as the target of a write.
    fn push_name(&mut self, column: usize) {
        let name = self.table.columns[column].def.name;
        self.dialect.push_identifier(&mut self.sql, name);
    }

    /// A value written to `column`, as the dialect converts it to the column's type.
    fn push_written_value(&mut self, column: usize, operand: &Operand) {
        self.params.push(Param::Column {
            column,
            operand: operand.clone(),
        });
        let mut placeholder = String::new();
        self.dialect
            .push_placeholder(&mut placeholder, self.params.len());
        self.dialect.push_written_value(
            &mut self.sql,
            &placeholder,
            self.table.def,
            self.table.columns[column].def,
        );
    }
}

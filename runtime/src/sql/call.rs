//! The statements of a routine's call: `SELECT` of a function (as a table in `FROM` where the
//! dialect has table functions, else in the select list), `CALL` of a procedure, and where OUT
//! values pass through session variables (MySQL), the statements that set and read them.
//!
//! Every argument is a parameter bound as its field's type; names come from the routine's
//! derive metadata only.

use super::{Param, Statement, Writer};
use crate::catalog::{Operand, Routine};
use crate::dialect::Dialect;
use crate::query::Selected;
use crate::query::write::Values;
use crate::routine::{FieldRole, Returns, RoutineKind};

/// The name of the session variable that carries OUT parameter `field` of a MySQL procedure.
fn out_variable(field: usize) -> String {
    format!("@mcpgen_out_{field}")
}

/// The statement that calls `routine` with `arguments` (given arguments by field, in field
/// order) and reads what it returns: its value, its rows (at most `max_rows` of them), or its
/// OUT values.
pub fn call(
    dialect: &dyn Dialect,
    routine: &Routine,
    arguments: &Values,
    max_rows: usize,
) -> Statement {
    match routine.def.kind {
        RoutineKind::Function => call_function(dialect, routine, arguments, max_rows),
        RoutineKind::Procedure => call_procedure(dialect, routine, arguments),
    }
}

/// The fields a call's result holds, in order: the value, the result columns, or the OUT
/// parameters.
fn returned(routine: &Routine) -> Vec<Selected> {
    let def = routine.def;
    let keep = |role: FieldRole| match def.returns {
        Returns::Value => role == FieldRole::Value,
        Returns::Rows => role == FieldRole::Column,
        Returns::Out => role.is_out(),
        Returns::Nothing | Returns::ResultSets => false,
    };
    def.fields_where(keep)
        .into_iter()
        .map(Selected::Column)
        .collect()
}

fn call_function(
    dialect: &dyn Dialect,
    routine: &Routine,
    arguments: &Values,
    max_rows: usize,
) -> Statement {
    let table = &routine.fields;
    let mut writer = Writer::new(dialect, table);
    let selected = returned(routine);
    writer.push("SELECT ");
    if dialect.calls_functions_in_from() && !selected.is_empty() {
        // `SELECT v FROM f(...) AS v` for one value; `SELECT c1, c2 FROM f(...)` for rows or
        // OUT parameters: each read as its field's column is.
        for (i, value) in selected.iter().enumerate() {
            if i > 0 {
                writer.push(", ");
            }
            if let Selected::Column(field) = value {
                writer.push_column(*field);
            }
        }
        writer.push(" FROM ");
        push_call(&mut writer, routine, arguments);
        if routine.def.returns == Returns::Value
            && let [Selected::Column(field)] = selected.as_slice()
        {
            writer.push(" AS ");
            let name = table.column_name(*field);
            dialect.push_identifier(&mut writer.sql, name);
        }
        if routine.def.returns == Returns::Rows {
            writer.push(" LIMIT ");
            writer.push_param(Param::Integer(i64::try_from(max_rows).unwrap_or(i64::MAX)));
        }
    } else {
        push_call(&mut writer, routine, arguments);
    }
    writer.finish(selected)
}

fn call_procedure(dialect: &dyn Dialect, routine: &Routine, arguments: &Values) -> Statement {
    let mut writer = Writer::new(dialect, &routine.fields);
    writer.push("CALL ");
    push_call(&mut writer, routine, arguments);
    // PostgreSQL returns the OUT and INOUT values as the row of CALL; MySQL leaves them in
    // session variables ([`select_out`]) and returns the rows of the body's result sets.
    let selected = if dialect.names_arguments() && routine.def.returns == Returns::Out {
        returned(routine)
    } else {
        Vec::new()
    };
    writer.finish(selected)
}

/// `name(arguments)`: by name where the dialect and the routine allow it, else by position;
/// a procedure's OUT parameters as `NULL` (PostgreSQL) or session variables (MySQL).
fn push_call(writer: &mut Writer<'_>, routine: &Routine, arguments: &Values) {
    let def = routine.def;
    let by_name = writer.dialect.names_arguments() && !def.positional;
    writer.push_table();
    writer.push("(");
    let procedure = def.kind == RoutineKind::Procedure;
    let parameters: Vec<usize> =
        def.fields_where(|role| role.is_argument() || (procedure && role == FieldRole::Out));
    // By position, every parameter up to the last one given is written.
    let last_given = parameters
        .iter()
        .rposition(|field| {
            arguments.iter().any(|(given, _)| given == field)
                || def.roles[*field] == FieldRole::Out
                || def.roles[*field] == FieldRole::InOut
        })
        .map_or(0, |position| position + 1);
    let mut first = true;
    for (position, &field) in parameters.iter().enumerate() {
        let given = arguments.iter().find(|(given, _)| *given == field);
        if by_name && given.is_none() && def.roles[field] != FieldRole::Out {
            continue;
        }
        if !by_name && position >= last_given {
            break;
        }
        if !first {
            writer.push(", ");
        }
        first = false;
        // `VARIADIC name => array`, or `VARIADIC array` by position.
        if def.roles[field] == FieldRole::Variadic {
            writer.push("VARIADIC ");
        }
        if by_name {
            let name = routine.fields.column_name(field);
            writer.dialect.push_identifier(&mut writer.sql, name);
            writer.push(" => ");
        }
        match (def.roles[field], given) {
            (FieldRole::Out | FieldRole::InOut, _) if !writer.dialect.names_arguments() => {
                writer.push(&out_variable(field));
            }
            (_, Some((_, value))) => push_argument(writer, field, value),
            (_, None) => writer.push("NULL"),
        }
    }
    writer.push(")");
}

/// A value given to parameter `field`, as the dialect converts it to the parameter's type.
fn push_argument(writer: &mut Writer<'_>, field: usize, value: &Operand) {
    writer.params.push(Param::Column {
        column: field,
        operand: value.clone(),
    });
    let mut placeholder = String::new();
    writer
        .dialect
        .push_placeholder(&mut placeholder, writer.params.len());
    let def = writer.table.columns[field].def;
    writer
        .dialect
        .push_argument(&mut writer.sql, &placeholder, def);
}

/// `SET @out = ?` for each INOUT parameter of a MySQL procedure, before its `CALL`.
pub fn set_inout(dialect: &dyn Dialect, routine: &Routine, arguments: &Values) -> Vec<Statement> {
    arguments
        .iter()
        .filter(|(field, _)| routine.def.roles[*field] == FieldRole::InOut)
        .map(|(field, value)| {
            let mut writer = Writer::new(dialect, &routine.fields);
            writer.push("SET ");
            writer.push(&out_variable(*field));
            writer.push(" = ");
            push_argument(&mut writer, *field, value);
            writer.finish(Vec::new())
        })
        .collect()
}

/// `SELECT @out AS name, ...`: the OUT and INOUT values a MySQL procedure left in session
/// variables; `None` when it has none.
pub fn select_out(dialect: &dyn Dialect, routine: &Routine) -> Option<Statement> {
    let out = routine.def.fields_where(FieldRole::is_out);
    if out.is_empty() {
        return None;
    }
    let mut writer = Writer::new(dialect, &routine.fields);
    writer.push("SELECT ");
    for (i, &field) in out.iter().enumerate() {
        if i > 0 {
            writer.push(", ");
        }
        writer.push(&out_variable(field));
        writer.push(" AS ");
        let name = routine.fields.column_name(field);
        dialect.push_identifier(&mut writer.sql, name);
    }
    Some(writer.finish(Vec::new()))
}

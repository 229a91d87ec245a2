//! How a database spells SQL: every difference between databases in the statements the runtime
//! writes is a method of [`Dialect`]. [`crate::sql`] writes statements through it; each
//! backend ([`crate::backend`]) has one.

use crate::query::Engine;
use crate::table::{ColumnDef, TableDef};

/// How a backend spells SQL. Every difference between databases in the statements the runtime
/// writes is a method here.
pub trait Dialect: Send + Sync {
    /// Appends `name` quoted as an identifier.
    fn push_identifier(&self, out: &mut String, name: &str);
    /// Appends the placeholder of parameter number `index` (1-based).
    fn push_placeholder(&self, out: &mut String, index: usize);
    /// Appends the expression every clause reads `column` through; `quoted` is its quoted
    /// name. Most backends read the column itself.
    fn push_column_read(&self, out: &mut String, quoted: &str, column: &ColumnDef) {
        let _ = column;
        out.push_str(quoted);
    }
    /// Appends the parameter `placeholder` holding a value of `column`, compared with the
    /// column or written to it. Most backends need the placeholder alone.
    fn push_column_value(&self, out: &mut String, placeholder: &str, column: &ColumnDef) {
        let _ = column;
        out.push_str(placeholder);
    }
    /// Appends `expression` converted to text.
    fn push_cast_to_text(&self, out: &mut String, expression: &str);
    /// Appends `expression` converted to a 64-bit integer (an aggregate read as one).
    fn push_cast_to_integer(&self, out: &mut String, expression: &str);
    /// Appends `expression` converted to a double-precision float (an aggregate read as one).
    fn push_cast_to_float(&self, out: &mut String, expression: &str);
    /// Whether a column of an enum type is compared as its text: the database compares an
    /// enum only with values of its own type, and parameters are bound as text.
    fn compares_enums_as_text(&self) -> bool {
        false
    }
    /// What follows `ASC`/`DESC` in `ORDER BY` so that NULL sorts as the lowest value
    /// (the order keyset paging relies on).
    fn nulls_lowest(&self, descending: bool) -> &'static str;
    /// Appends a `LIKE` test of `expression` against the parameter `placeholder`, whose value
    /// [`Dialect::like_pattern`] made. `%`, `_` and `\` escapes mean what they do in SQL.
    fn push_like(
        &self,
        out: &mut String,
        expression: &str,
        placeholder: &str,
        case_insensitive: bool,
    );
    /// The value to bind for a `LIKE` `pattern` in [`Dialect::push_like`].
    fn like_pattern(&self, pattern: &str, case_insensitive: bool) -> String;
    /// Whether `statement` can end with `RETURNING` the rows it writes.
    fn returning(&self, statement: WriteStatement) -> bool;
    /// What follows `INSERT INTO t` for a row that gives no column.
    fn default_row(&self) -> &'static str {
        "DEFAULT VALUES"
    }
    /// What follows a `SELECT` so that the rows it reads stay as read until the transaction
    /// ends.
    fn lock_rows(&self) -> &'static str {
        " FOR UPDATE"
    }
    /// Appends the parameter `placeholder` holding a value written to `column` of `table`,
    /// converted to the column's type where the database does not convert it itself.
    fn push_written_value(
        &self,
        out: &mut String,
        placeholder: &str,
        table: &TableDef,
        column: &ColumnDef,
    ) {
        let _ = (table, column);
        out.push_str(placeholder);
    }
    /// Whether a call names its arguments (`f(a => $1)`), so it may leave out those with
    /// defaults; else it gives them by position. A procedure's OUT values come back as the
    /// row of its `CALL` where it names them, else in session variables (MySQL).
    fn names_arguments(&self) -> bool {
        false
    }
    /// Whether a function is called as a table (`SELECT c FROM f(...)`), which reads its
    /// result columns by name; else in the select list (`SELECT f(...)`).
    fn calls_functions_in_from(&self) -> bool {
        false
    }
    /// Appends the parameter `placeholder` holding a value given to the routine's parameter
    /// `parameter`, converted to the parameter's type where the database does not convert it
    /// itself.
    fn push_argument(&self, out: &mut String, placeholder: &str, parameter: &ColumnDef) {
        self.push_column_value(out, placeholder, parameter);
    }
    /// The schema a table without one lives in (`main`, `public`, the connected database).
    fn default_schema(&self) -> &str;
    /// The database's name, for descriptions.
    fn name(&self) -> &'static str;
    /// Whose SQL a client writes to `query_sql`, checked in that database's dialect
    /// ([`crate::query::sql_check`]).
    fn engine(&self) -> Engine;
    /// How a routine declares that it only reads, for messages (`IMMUTABLE or STABLE`).
    fn read_only_routines(&self) -> &'static str {
        "declared read-only"
    }
}

/// A statement that writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatement {
    /// `INSERT`
    Insert,
    /// `UPDATE`
    Update,
    /// `DELETE`
    Delete,
}

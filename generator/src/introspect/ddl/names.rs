//! Identifiers and qualified names as each database spells them: unquoted, the default
//! schema dropped, PostgreSQL's unquoted names folded to lower case.

use sqlparser::ast::{Ident, ObjectName};

use crate::model::Dialect;

/// A table's schema (`None` for the default one) and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TableName {
    /// The schema, `None` for the default one.
    pub(super) schema: Option<String>,
    /// The name.
    pub(super) name: String,
}

impl TableName {
    /// `schema.name`, or `name`, for messages.
    pub(super) fn display(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The name the database stores for `ident`: its unquoted text, folded to lower case when
/// PostgreSQL would fold it.
pub(super) fn ident_name(dialect: Dialect, ident: &Ident) -> String {
    if dialect != Dialect::Postgres {
        return ident.value.clone();
    }
    // PostgreSQL folds ASCII letters only, and keeps the first 63 bytes of a longer name.
    let mut name = if ident.quote_style.is_none() {
        ident.value.to_ascii_lowercase()
    } else {
        ident.value.clone()
    };
    if name.len() > 63 {
        let mut end = 63;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

/// The identifier parts of `name`, converted by [`ident_name`].
pub(super) fn name_parts(dialect: Dialect, name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .filter_map(|part| part.as_ident())
        .map(|ident| ident_name(dialect, ident))
        .collect()
}

/// The schema and name of the table called `name`: SQLite's `main` and `temp` and
/// PostgreSQL's `public` are the default schema; a MySQL database qualifier is the schema.
pub(super) fn table_name(dialect: Dialect, name: &ObjectName) -> Option<TableName> {
    table_name_of_parts(dialect, name_parts(dialect, name))
}

/// The schema and name of the table called `parts` (already converted by [`ident_name`]).
pub(super) fn table_name_of_parts(dialect: Dialect, mut parts: Vec<String>) -> Option<TableName> {
    let table = parts.pop()?;
    let schema = parts
        .pop()
        .filter(|schema| !is_default_schema(dialect, schema));
    Some(TableName {
        schema,
        name: table,
    })
}

/// `schema` is the one a table without schema lives in.
fn is_default_schema(dialect: Dialect, schema: &str) -> bool {
    match dialect {
        Dialect::Sqlite => {
            schema.eq_ignore_ascii_case("main") || schema.eq_ignore_ascii_case("temp")
        }
        Dialect::Postgres => schema == "public",
        Dialect::Mysql => false,
    }
}

/// Two identifiers name the same thing (SQL identifiers are matched without regard to
/// ASCII case).
pub(super) fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Two optional schemas are the same.
pub(super) fn same_schema(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_name(a, b),
        _ => false,
    }
}

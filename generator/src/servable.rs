//! What `#[derive(McpTable)]` can carry: the derive refuses empty names (`table = ""`,
//! `column = ""`, `name = ""`, `references = ""`), so a schema is fitted to it before
//! rendering, and each thing left out is reported as a warning instead of failing generation.
//!
//! - a table or view with an empty name, or in a schema with an empty name, is not served;
//! - a column with an empty name is left out of its table, and so are the keys that use it (a
//!   primary key among them: the table is then paged by its other keys, SQLite's `rowid`, or
//!   offset) and the foreign keys that point at it;
//! - a key or foreign key with an empty constraint name is kept without a name;
//! - a table left without any column is not served.

use crate::model::{Schema, Table, Warning};

/// Fits `schema` to what the derive can carry; the warnings say what was left out and why.
pub fn fit(schema: &mut Schema) -> Vec<Warning> {
    let mut warnings = Vec::new();
    schema.tables.retain(|table| {
        let empty_schema = table.schema.as_deref() == Some("");
        if table.name.is_empty() || empty_schema {
            warnings.push(Warning::new(
                shown(table),
                format!(
                    "not served: the {} of this {} is empty, and the derive needs a name to query it by",
                    if empty_schema { "schema" } else { "name" },
                    kind(table)
                ),
            ));
            return false;
        }
        true
    });
    for table in &mut schema.tables {
        fit_table(table, &mut warnings);
    }
    schema.tables.retain(|table| {
        if table.columns.is_empty() {
            warnings.push(Warning::new(
                shown(table),
                format!("not served: no column of this {} is left", kind(table)),
            ));
            return false;
        }
        true
    });
    warnings
}

fn fit_table(table: &mut Table, warnings: &mut Vec<Warning>) {
    let location = shown(table);
    if table.columns.iter().any(|column| column.name.is_empty()) {
        table.columns.retain(|column| !column.name.is_empty());
        warnings.push(Warning::new(
            format!("{location}.\"\""),
            "a column with an empty name is not served: the derive needs a name to select it by",
        ));
    }
    let has_empty = |columns: &[String]| columns.iter().any(String::is_empty);
    if table
        .primary_key
        .as_ref()
        .is_some_and(|key| has_empty(&key.columns))
    {
        table.primary_key = None;
        warnings.push(Warning::new(
            location.clone(),
            "its primary key uses a column with an empty name: served without a primary key (no get tool)",
        ));
    }
    table.unique_keys.retain(|key| !has_empty(&key.columns));
    table.foreign_keys.retain(|key| {
        let served = !has_empty(&key.columns)
            && !has_empty(&key.referenced_columns)
            && !key.referenced_table.is_empty()
            && key.referenced_schema.as_deref() != Some("");
        if !served {
            warnings.push(Warning::new(
                location.clone(),
                format!(
                    "a foreign key to {} is left out: it uses an empty name",
                    key.referenced_table
                ),
            ));
        }
        served
    });
    for key in table.primary_key.iter_mut().chain(&mut table.unique_keys) {
        if key.name.as_deref() == Some("") {
            key.name = None;
        }
    }
    for key in &mut table.foreign_keys {
        if key.name.as_deref() == Some("") {
            key.name = None;
        }
    }
}

fn kind(table: &Table) -> &'static str {
    match table.kind {
        crate::model::TableKind::Table => "table",
        crate::model::TableKind::View => "view",
    }
}

/// The table's name for a message: quoted, with control characters escaped.
fn shown(table: &Table) -> String {
    let quote = |name: &str| format!("\"{}\"", name.escape_debug());
    match &table.schema {
        Some(schema) => format!("{}.{}", quote(schema), quote(&table.name)),
        None => quote(&table.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, DataType, Dialect, ForeignKey, Key, TableKind};

    fn column(name: &str) -> Column {
        Column {
            name: name.to_owned(),
            sql_type: "TEXT".to_owned(),
            data_type: DataType::Text,
            nullable: true,
            default: None,
            generated: false,
            computed: false,
            enum_values: Vec::new(),
            comment: None,
        }
    }

    fn table(name: &str, columns: &[&str]) -> Table {
        Table {
            schema: None,
            name: name.to_owned(),
            kind: TableKind::Table,
            comment: None,
            columns: columns.iter().map(|c| column(c)).collect(),
            primary_key: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            unique_keys: Vec::new(),
            rowid: true,
        }
    }

    fn fitted(tables: Vec<Table>) -> (Schema, Vec<Warning>) {
        let mut schema = Schema {
            dialect: Dialect::Sqlite,
            database: None,
            tables,
            routines: Vec::new(),
        };
        let warnings = fit(&mut schema);
        (schema, warnings)
    }

    #[test]
    fn a_table_with_an_empty_name_is_left_out_with_a_warning() {
        let (schema, warnings) = fitted(vec![table("", &["a"]), table("kept", &["a"])]);
        assert_eq!(schema.tables.len(), 1);
        assert_eq!(schema.tables[0].name, "kept");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].to_string().contains("\"\""), "{}", warnings[0]);
    }

    #[test]
    fn a_column_with_an_empty_name_is_left_out_with_the_keys_that_use_it() {
        let mut odd = table("odd", &["", "id", "x"]);
        odd.primary_key = Some(Key {
            name: Some(String::new()),
            columns: vec![String::new(), "id".to_owned()],
        });
        odd.unique_keys = vec![
            Key {
                name: Some(String::new()),
                columns: vec!["x".to_owned()],
            },
            Key {
                name: None,
                columns: vec![String::new()],
            },
        ];
        odd.foreign_keys = vec![ForeignKey {
            name: None,
            columns: vec!["x".to_owned()],
            referenced_schema: None,
            referenced_table: "other".to_owned(),
            referenced_columns: vec![String::new()],
        }];
        let (schema, warnings) = fitted(vec![odd]);
        let odd = &schema.tables[0];
        let names: Vec<&str> = odd.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "x"]);
        assert_eq!(odd.primary_key, None);
        assert_eq!(
            odd.unique_keys,
            [Key {
                name: None,
                columns: vec!["x".to_owned()]
            }]
        );
        assert!(odd.foreign_keys.is_empty());
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn a_table_left_without_columns_is_not_served() {
        let (schema, warnings) = fitted(vec![table("only_empty", &[""])]);
        assert!(schema.tables.is_empty());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}

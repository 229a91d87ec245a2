//! A routine of the model -> what `routine.rs.tera` writes: a struct of
//! `#[derive(McpProcedure)]` whose fields are the routine's parameters and what it returns.
//!
//! A call's arguments are its IN, INOUT and VARIADIC parameters: an IN or VARIADIC one without
//! a default holds a value (`T`); one with a default may be left out or null, and an INOUT one
//! may be null (`Option<T>`). What comes back (OUT values, result columns, a function's value)
//! may be null (`Option<T>`). A function that
//! returns rows describes them by its columns: its OUT parameters are those columns and are
//! not repeated.

use std::collections::HashSet;

use serde::Serialize;

use super::{FieldContext, doc_cell, doc_code, doc_lines, rust_array, rust_string};
use crate::model::{DataType, Dialect, ParameterMode, Returns, Routine, RoutineKind};
use crate::naming::{self, RoutineNames};
use crate::typemap::{self, ColumnKind};

/// What the templates need of one routine.
#[derive(Debug, Clone, Serialize)]
pub(super) struct RoutineContext {
    pub module: String,
    pub struct_name: String,
    pub kind: &'static str,
    pub display_name: String,
    /// The name and argument types as a Markdown code span that fits in a table cell.
    pub readme_name: String,
    pub tool: String,
    pub read_only: bool,
    pub attributes: String,
    pub imports: Vec<String>,
    pub doc: Vec<String>,
    pub fields: Vec<FieldContext>,
}

/// What one field of a routine's struct stands for, before it is named.
struct Field<'a> {
    /// The parameter or result column as the database spells it.
    name: String,
    /// The role attribute (`default`, `inout`, `out`, `variadic`, `column`, `value`), none for
    /// a required IN parameter.
    role: Option<&'static str>,
    sql_type: &'a str,
    data_type: &'a DataType,
    enum_values: &'a [String],
    comment: Option<&'a str>,
}

impl Field<'_> {
    /// A call must give it a value.
    fn required(&self) -> bool {
        matches!(self.role, None | Some("variadic"))
    }
}

/// The fields of `routine`, in order: its parameters, then what it returns.
fn fields(routine: &Routine) -> Vec<Field<'_>> {
    let rows_of_function =
        routine.kind == RoutineKind::Function && matches!(routine.returns, Returns::Rows { .. });
    let named: HashSet<&str> = routine
        .parameters
        .iter()
        .filter_map(|parameter| parameter.name.as_deref())
        .collect();
    let mut fields = Vec::new();
    for (position, parameter) in routine.parameters.iter().enumerate() {
        if rows_of_function && parameter.mode == ParameterMode::Out {
            continue;
        }
        let role = match parameter.mode {
            ParameterMode::In if parameter.has_default => Some("default"),
            ParameterMode::In => None,
            ParameterMode::InOut => Some("inout"),
            ParameterMode::Out => Some("out"),
            ParameterMode::Variadic => Some("variadic"),
        };
        fields.push(Field {
            name: parameter
                .name
                .clone()
                .unwrap_or_else(|| unnamed(position, &named)),
            role,
            sql_type: &parameter.sql_type,
            data_type: &parameter.data_type,
            enum_values: &parameter.enum_values,
            comment: None,
        });
    }
    match &routine.returns {
        Returns::Value {
            sql_type,
            data_type,
            enum_values,
        } => fields.push(Field {
            name: routine.name.clone(),
            role: Some("value"),
            sql_type,
            data_type,
            enum_values,
            comment: None,
        }),
        Returns::Rows { columns } => {
            fields.extend(columns.iter().map(|column| Field {
                name: column.name.clone(),
                role: Some("column"),
                sql_type: &column.sql_type,
                data_type: &column.data_type,
                enum_values: &column.enum_values,
                comment: column.comment.as_deref(),
            }));
        }
        Returns::Nothing | Returns::Out | Returns::ResultSets => {}
    }
    fields
}

/// The name of the unnamed parameter at `position` (from 0): `argN`, clear of the names of
/// the named ones.
fn unnamed(position: usize, named: &HashSet<&str>) -> String {
    let base = format!("arg{}", position + 1);
    let mut name = base.clone();
    let mut suffix = 2;
    while named.contains(name.as_str()) {
        name = format!("{base}_{suffix}");
        suffix += 1;
    }
    name
}

pub(super) fn routine_context(
    dialect: Dialect,
    routine: &Routine,
    names: &RoutineNames,
) -> RoutineContext {
    let fields = fields(routine);
    let db_names: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
    let field_names = naming::field_names(&db_names);
    let mut imports = vec![typemap::PROCEDURE_IMPORT.to_owned()];
    let mut contexts = Vec::with_capacity(fields.len());
    for (field, field_name) in fields.iter().zip(field_names) {
        let rust = typemap::rust_type(dialect, field.data_type);
        if let Some(import) = rust.import
            && !imports.iter().any(|i| i == import)
        {
            imports.push(import.to_owned());
        }
        let ty = if field.required() {
            rust.name.clone()
        } else {
            format!("Option<{}>", rust.name)
        };
        let mut attributes = Vec::new();
        if field_name.trim_start_matches("r#") != field.name {
            attributes.push(format!("name = {}", rust_string(&field.name)));
        }
        attributes.extend(field.role.map(str::to_owned));
        if !field.sql_type.is_empty() {
            attributes.push(format!("sql_type = {}", rust_string(field.sql_type)));
        }
        match typemap::column_kind(dialect, field.sql_type, field.data_type, field.enum_values) {
            ColumnKind::Plain => {
                if !field.enum_values.is_empty() {
                    attributes.push(format!("enum_values = {}", rust_array(field.enum_values)));
                }
            }
            ColumnKind::Padded => attributes.push("padded".to_owned()),
            // An enum type whose labels are unknown is passed and read as its text.
            ColumnKind::AsText | ColumnKind::Enum(_) if field.enum_values.is_empty() => {
                attributes.push("as_text".to_owned());
            }
            ColumnKind::AsText => attributes.push("as_text".to_owned()),
            ColumnKind::Enum(labels) => {
                attributes.push(format!("enum_type = {}", rust_array(&labels)));
            }
            ColumnKind::Set(members) => {
                attributes.push(format!("set = {}", rust_array(&members)));
            }
        }
        contexts.push(FieldContext {
            name: field_name,
            ty,
            attributes: attributes.join(", "),
            doc: doc_lines(field.comment),
        });
    }
    imports[1..].sort();

    let (kind, keyword) = match routine.kind {
        RoutineKind::Function => ("function", "function"),
        RoutineKind::Procedure => ("procedure", "procedure"),
    };
    let mut attributes = vec![format!("{keyword} = {}", rust_string(&routine.name))];
    if let Some(schema) = &routine.schema {
        attributes.push(format!("schema = {}", rust_string(schema)));
    }
    let default_tool_base =
        mcpgen_rules::naming::tool_base(routine.schema.as_deref(), &routine.name);
    if names.tool_base != default_tool_base {
        attributes.push(format!("name = {}", rust_string(&names.tool_base)));
    }
    if routine.read_only {
        attributes.push("read_only".to_owned());
    }
    if routine.returns == Returns::ResultSets {
        attributes.push("result_sets".to_owned());
    }
    if !routine.signature.is_empty() {
        attributes.push(format!("signature = {}", rust_string(&routine.signature)));
    }
    if routine.parameters.iter().any(|p| p.name.is_none()) {
        attributes.push("positional".to_owned());
    }
    RoutineContext {
        module: names.module.clone(),
        struct_name: names.struct_name.clone(),
        kind,
        display_name: doc_code(&routine.qualified_name()),
        readme_name: doc_cell(&format!(
            "{}({})",
            routine.qualified_name(),
            routine.signature
        )),
        tool: format!("call_{}", names.tool_base),
        read_only: routine.read_only,
        attributes: attributes.join(", "),
        imports,
        doc: doc_lines(routine.comment.as_deref()),
        fields: contexts,
    }
}

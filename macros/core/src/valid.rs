//! Checks an [`Input`] for what attributes alone cannot enforce: generic structs, repeated
//! columns, keys that name columns the struct does not have, a primary key given twice, and
//! ways of holding a column that exclude each other.

use std::collections::HashSet;

use crate::ast::Input;
use crate::attr::{Derive, KindAttr, RoleAttr, RoutineKindAttr, Spanned};
use crate::ctxt::Ctxt;

use mcpgen_rules::naming::MAX_TOOL_BASE as MAX_TOOL_NAME;

pub(crate) fn check(cx: &Ctxt, input: &Input<'_>) {
    check_generics(cx, input);
    check_columns(cx, input);
    check_tool_name(cx, input);
    check_kinds(cx, input);
    match input.derive {
        Derive::Table => {
            check_keys(cx, input);
            check_primary_key(cx, input);
        }
        Derive::Procedure => check_routine(cx, input),
    }
}

/// A routine's struct: it names its routine once, each field is one thing, and what it returns
/// is one shape.
fn check_routine(cx: &Ctxt, input: &Input<'_>) {
    let routine = &input.attrs.routine;
    let Some(first) = routine.first() else {
        cx.error_spanned_by(
            input.ident,
            "McpProcedure needs the routine's name: `#[mcp(function = \"name\")]` or `#[mcp(procedure = \"name\")]`",
        );
        return;
    };
    for extra in routine.iter().skip(1) {
        cx.syn_error(syn::Error::new(
            extra.span,
            "`function` and `procedure` cannot both be given: a routine is one or the other",
        ));
    }
    let procedure = first.value.0 == RoutineKindAttr::Procedure;
    if input.attrs.result_sets && !procedure {
        cx.error_spanned_by(
            input.ident,
            "`result_sets` is for a procedure whose body returns rows; a function's result is its fields marked `column` or `value`",
        );
    }
    let mut values = Vec::new();
    let mut columns = 0;
    let mut variadic: Option<usize> = None;
    let mut last_parameter = None;
    for (index, field) in input.fields.iter().enumerate() {
        for extra in field.attrs.roles.iter().skip(1) {
            cx.syn_error(syn::Error::new(
                extra.span,
                format!(
                    "`{}` and `{}` cannot both be given: a field is one parameter or one result",
                    field.attrs.roles[0].value.key(),
                    extra.value.key()
                ),
            ));
        }
        match field.attrs.roles.first().map(|role| role.value) {
            Some(RoleAttr::Value) => values.push(field.attrs.roles[0].span),
            Some(RoleAttr::Column) => columns += 1,
            Some(RoleAttr::Variadic) => {
                if variadic.is_some() {
                    cx.syn_error(syn::Error::new(
                        field.attrs.roles[0].span,
                        "a routine has at most one `variadic` parameter",
                    ));
                }
                variadic = Some(index);
                last_parameter = Some(index);
            }
            _ => last_parameter = Some(index),
        }
    }
    if let (Some(variadic), Some(last)) = (variadic, last_parameter)
        && variadic != last
    {
        cx.syn_error(syn::Error::new(
            input.fields[variadic].attrs.roles[0].span,
            "the `variadic` parameter is the last parameter",
        ));
    }
    for span in values.iter().skip(1) {
        cx.syn_error(syn::Error::new(
            *span,
            "a function returns one `value`: mark one field so",
        ));
    }
    if let Some(span) = values.first() {
        if procedure {
            cx.syn_error(syn::Error::new(
                *span,
                "a procedure returns no `value`: its results are `out` parameters or `result_sets`",
            ));
        } else if columns > 0 {
            cx.syn_error(syn::Error::new(
                *span,
                "a function returns one `value` or rows of `column`s, not both",
            ));
        }
    }
}

fn check_generics(cx: &Ctxt, input: &Input<'_>) {
    let generics = &input.original.generics;
    if !generics.params.is_empty() {
        cx.error_spanned_by(
            generics,
            "McpTable cannot be derived for a generic struct: a table's columns have fixed types",
        );
    }
}

fn check_columns(cx: &Ctxt, input: &Input<'_>) {
    if input.fields.is_empty() && input.derive == Derive::Table {
        cx.error_spanned_by(input.ident, "McpTable needs at least one column");
    }
    // A routine's parameters and its results are named apart: a PostgreSQL `INOUT` parameter
    // is also a column of the rows the function returns.
    let mut seen = HashSet::new();
    for field in &input.fields {
        let result = input.derive == Derive::Procedure
            && matches!(
                field.attrs.roles.first().map(|role| role.value),
                Some(RoleAttr::Column | RoleAttr::Value)
            );
        if !seen.insert((result, field.column.as_str())) {
            let message = match input.derive {
                Derive::Table => format!(
                    "column `{}` appears twice; give one of the fields another `#[mcp(column = \"...\")]`",
                    field.column
                ),
                Derive::Procedure => format!(
                    "{} `{}` appears twice; give one of the fields another `#[mcp(name = \"...\")]`",
                    if result { "result column" } else { "parameter" },
                    field.column
                ),
            };
            match &field.attrs.column {
                Some(column) => cx.syn_error(syn::Error::new(column.span, message)),
                None => cx.error_spanned_by(field.ident, message),
            }
        }
    }
}

fn check_tool_name(cx: &Ctxt, input: &Input<'_>) {
    if let Some(name) = &input.attrs.name {
        let valid = !name.value.is_empty()
            && name.value.len() <= MAX_TOOL_NAME
            && name
                .value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            cx.syn_error(syn::Error::new(
                name.span,
                format!(
                    "`name` is the `T` of tool names like `list_T`: 1 to {MAX_TOOL_NAME} characters of a-z, 0-9 and _"
                ),
            ));
        }
    }
}

/// Whether a key names `column`, a column of the struct; if not, an error at its name.
fn names_a_column(cx: &Ctxt, input: &Input<'_>, column: &Spanned<String>) -> bool {
    let known = input
        .fields
        .iter()
        .any(|field| field.column == column.value);
    if !known {
        cx.syn_error(syn::Error::new(
            column.span,
            format!(
                "no column `{}` in this struct; name a column as the database spells it",
                column.value
            ),
        ));
    }
    known
}

fn check_keys(cx: &Ctxt, input: &Input<'_>) {
    let unknown = |column: &Spanned<String>| {
        names_a_column(cx, input, column);
    };
    for key in &input.attrs.foreign_keys {
        key.columns.iter().for_each(unknown);
        if key.columns.is_empty() {
            cx.syn_error(syn::Error::new(
                key.span,
                "`foreign_key` needs `columns = [...]`",
            ));
        }
        if key.referenced_table.is_none() {
            cx.syn_error(syn::Error::new(
                key.span,
                "`foreign_key` needs `references = \"table\"`",
            ));
        }
        if key.referenced_columns.len() != key.columns.len() {
            cx.syn_error(syn::Error::new(
                key.span,
                "`foreign_key` needs as many `referenced_columns` as `columns`",
            ));
        }
    }
    for key in &input.attrs.unique_keys {
        key.columns.iter().for_each(unknown);
        if key.columns.is_empty() {
            cx.syn_error(syn::Error::new(
                key.span,
                "`unique` needs `columns = [...]`",
            ));
        }
    }
}

fn check_primary_key(cx: &Ctxt, input: &Input<'_>) {
    let Some(key) = &input.attrs.primary_key else {
        return;
    };
    if key.value.is_empty() {
        cx.syn_error(syn::Error::new(
            key.span,
            "`primary_key = [...]` needs at least one column",
        ));
    }
    let mut seen = HashSet::new();
    for column in &key.value {
        if names_a_column(cx, input, column) && !seen.insert(column.value.as_str()) {
            cx.syn_error(syn::Error::new(
                column.span,
                format!("column `{}` is twice in the primary key", column.value),
            ));
        }
    }
    for field in &input.fields {
        if let Some(span) = field.attrs.primary_key {
            cx.syn_error(syn::Error::new(
                span,
                "the struct gives the primary key (`primary_key = [...]`): mark its columns there only",
            ));
        }
    }
}

fn check_kinds(cx: &Ctxt, input: &Input<'_>) {
    for field in &input.fields {
        let kinds = &field.attrs.kinds;
        for extra in kinds.iter().skip(1) {
            cx.syn_error(syn::Error::new(
                extra.span,
                format!(
                    "`{}` and `{}` cannot both be given: a column is held one way",
                    kind_name(&kinds[0].value),
                    kind_name(&extra.value)
                ),
            ));
        }
        if let (Some(values), Some(kind)) = (&field.attrs.enum_values, kinds.first())
            && matches!(kind.value, KindAttr::Enum(_) | KindAttr::Set(_))
        {
            cx.syn_error(syn::Error::new(
                values.span,
                format!(
                    "`{}` lists the column's values already: drop `enum_values`",
                    kind_name(&kind.value)
                ),
            ));
        }
        for kind in kinds {
            if let KindAttr::Enum(values) | KindAttr::Set(values) = &kind.value
                && values.is_empty()
            {
                cx.syn_error(syn::Error::new(
                    kind.span,
                    format!("`{}` needs at least one value", kind_name(&kind.value)),
                ));
            }
        }
    }
}

fn kind_name(kind: &KindAttr) -> &'static str {
    match kind {
        KindAttr::Padded => "padded",
        KindAttr::AsText => "as_text",
        KindAttr::Enum(_) => "enum_type",
        KindAttr::Set(_) => "set",
    }
}

//! The derive input as a table: the struct, its attributes, and one [`Field`] per column.

use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{Derive, FieldAttrs, StructAttrs};
use crate::ctxt::Ctxt;

/// A struct that derives `McpTable`.
pub(crate) struct Input<'a> {
    pub(crate) original: &'a DeriveInput,
    /// `McpTable` or `McpProcedure`.
    pub(crate) derive: Derive,
    pub(crate) ident: &'a Ident,
    pub(crate) attrs: StructAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

/// One named field, that is one column.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    /// The column's name: `#[mcp(column = "...")]`, else the field's name.
    pub(crate) column: String,
}

impl<'a> Input<'a> {
    /// Reads the struct; `None` when it is not a struct with named fields (already reported).
    pub(crate) fn from_syn(cx: &Ctxt, input: &'a DeriveInput, derive: Derive) -> Option<Self> {
        let attrs = StructAttrs::from_attrs(cx, &input.attrs, derive);
        let (what, only_struct) = match derive {
            Derive::Table => (
                "McpTable needs a struct with named fields, one per column",
                "McpTable can only be derived for a struct, one field per column",
            ),
            Derive::Procedure => (
                "McpProcedure needs a struct with named fields, one per parameter or result column",
                "McpProcedure can only be derived for a struct, one field per parameter or result column",
            ),
        };
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(&input.ident, what);
                    return None;
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(data.enum_token, only_struct);
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(data.union_token, only_struct);
                return None;
            }
        };
        let fields = named
            .named
            .iter()
            .map(|field| {
                let ident = field.ident.as_ref().expect("named field");
                let attrs = FieldAttrs::from_attrs(cx, &field.attrs, derive);
                let column = attrs.column.as_ref().map_or_else(
                    || ident.to_string().trim_start_matches("r#").to_owned(),
                    |column| column.value.clone(),
                );
                Field {
                    ident,
                    ty: &field.ty,
                    attrs,
                    column,
                }
            })
            .collect();
        Some(Self {
            original: input,
            derive,
            ident: &input.ident,
            attrs,
            fields,
        })
    }

    /// The `T` of the table's tool names: `#[mcp(name = "...")]`, else derived from the table's
    /// schema and name.
    pub(crate) fn tool_base(&self) -> String {
        self.attrs.name.as_ref().map_or_else(
            || {
                mcpgen_rules::naming::tool_base(
                    self.attrs
                        .schema
                        .as_ref()
                        .map(|schema| schema.value.as_str()),
                    &self.table_name(),
                )
            },
            |name| name.value.clone(),
        )
    }

    /// The table's name: `#[mcp(table = "...")]`, else the struct's name in snake_case; a
    /// routine's: `#[mcp(function = "...")]` or `#[mcp(procedure = "...")]`.
    pub(crate) fn table_name(&self) -> String {
        if let Some(routine) = self.attrs.routine.first() {
            return routine.value.1.clone();
        }
        self.attrs.table.as_ref().map_or_else(
            || mcpgen_rules::naming::snake_case(&self.ident.to_string()),
            |table| table.value.clone(),
        )
    }
}

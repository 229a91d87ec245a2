//! Writes the impls for a checked [`Input`]: `FieldTypes` (each field's Rust type, by index)
//! and `McpTable` or `McpProcedure` (the static description); or a minimal stand-in when the
//! input had errors, so the user sees those errors and not a cascade of missing-impl ones.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Field, Input};
use crate::attr::{Derive, KindAttr, RoleAttr, RoutineKindAttr};

/// The runtime crate's path in the expansion.
fn runtime_path(input: &Input<'_>) -> TokenStream {
    match &input.attrs.crate_path {
        Some(path) => {
            let path = &path.value;
            quote!(#path)
        }
        None => quote!(::mcpgen_runtime),
    }
}

pub(crate) fn expand(input: &Input<'_>) -> TokenStream {
    let field_types = field_types(input);
    let description = match input.derive {
        Derive::Table => table(input),
        Derive::Procedure => procedure(input),
    };
    quote! {
        #field_types
        #description
    }
}

/// `impl FieldTypes`: the Rust type of each field, by index.
fn field_types(input: &Input<'_>) -> TokenStream {
    let rt = runtime_path(input);
    let ident = input.ident;
    let arms = input.fields.iter().enumerate().map(|(index, field)| {
        let ty = field.ty;
        let visit = quote_spanned!(ty.span()=> visitor.visit::<#ty>());
        quote!(#index => ::core::option::Option::Some(#visit),)
    });
    quote! {
        #[automatically_derived]
        impl #rt::FieldTypes for #ident {
            fn visit_column<V: #rt::ColumnVisitor>(
                column: usize,
                visitor: V,
            ) -> ::core::option::Option<V::Output> {
                match column {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

/// A field as a `ColumnDef`: its name as the database spells it, its Rust type's value kind
/// and nullability, how the database holds it.
fn column_def(rt: &TokenStream, field: &Field<'_>) -> TokenStream {
    let name = &field.column;
    let rust_field = field.ident.to_string().trim_start_matches("r#").to_owned();
    let ty = field.ty;
    let sql_type = option_str(field.attrs.sql_type.as_deref());
    let kind = match field.attrs.kinds.first().map(|kind| &kind.value) {
        None => quote!(#rt::ColumnKind::Plain),
        Some(KindAttr::Padded) => quote!(#rt::ColumnKind::Padded),
        Some(KindAttr::AsText) => quote!(#rt::ColumnKind::AsText),
        Some(KindAttr::Enum(labels)) => quote!(#rt::ColumnKind::Enum(&[#(#labels),*])),
        Some(KindAttr::Set(members)) => quote!(#rt::ColumnKind::Set(&[#(#members),*])),
    };
    let value = quote_spanned!(ty.span()=> <#ty as #rt::FieldType>::VALUE);
    let nullable = quote_spanned!(ty.span()=> <#ty as #rt::FieldType>::NULLABLE);
    let default = option_str(field.attrs.default.as_deref());
    let generated = field.attrs.generated;
    let read_only = field.attrs.read_only;
    let description = option_str(field.attrs.description.as_deref());
    let enum_values = field
        .attrs
        .enum_values
        .as_ref()
        .map(|values| values.value.as_slice())
        .unwrap_or_default();
    quote! {
        #rt::ColumnDef {
            name: #name,
            field: #rust_field,
            sql_type: #sql_type,
            kind: #kind,
            value: #value,
            nullable: #nullable,
            default: #default,
            generated: #generated,
            read_only: #read_only,
            description: #description,
            enum_values: &[#(#enum_values),*],
        }
    }
}

/// `Self { a, b } = self; Self { a, b }`: what shows the compiler the struct is built and
/// read (rows and values are read through its fields' types, not into it).
fn take_apart(input: &Input<'_>) -> TokenStream {
    let fields: Vec<_> = input.fields.iter().map(|field| field.ident).collect();
    quote! {
        let Self { #(#fields),* } = self;
        Self { #(#fields),* }
    }
}

/// `impl McpTable`.
fn table(input: &Input<'_>) -> TokenStream {
    let rt = runtime_path(input);
    let ident = input.ident;
    let table = input.table_name();
    let schema = option_str(input.attrs.schema.as_ref().map(|s| s.value.as_str()));
    let tool_name = input.tool_base();
    let description = option_str(input.attrs.description.as_deref());
    let kind = if input.attrs.view {
        quote!(#rt::TableKind::View)
    } else {
        quote!(#rt::TableKind::Table)
    };
    let read_only = input.attrs.read_only || input.attrs.view;
    let rowid = input.attrs.rowid;
    let columns = input.fields.iter().map(|field| column_def(&rt, field));
    let primary_key = primary_key(input);

    let foreign_keys = input.attrs.foreign_keys.iter().map(|key| {
        let name = option_str(key.name.as_deref());
        let columns = key.columns.iter().map(|column| &column.value);
        let referenced_schema = option_str(key.referenced_schema.as_deref());
        let referenced_table = key.referenced_table.as_deref().unwrap_or_default();
        let referenced_columns = &key.referenced_columns;
        quote! {
            #rt::ForeignKeyDef {
                name: #name,
                columns: &[#(#columns),*],
                referenced_schema: #referenced_schema,
                referenced_table: #referenced_table,
                referenced_columns: &[#(#referenced_columns),*],
            }
        }
    });

    let unique_keys = input.attrs.unique_keys.iter().map(|key| {
        let name = option_str(key.name.as_deref());
        let columns = key.columns.iter().map(|column| &column.value);
        quote! {
            #rt::UniqueKeyDef { name: #name, columns: &[#(#columns),*] }
        }
    });
    let take_apart = take_apart(input);

    quote! {
        #[automatically_derived]
        impl #rt::McpTable for #ident {
            const TABLE: &'static #rt::TableDef = &#rt::TableDef {
                name: #table,
                schema: #schema,
                tool_name: #tool_name,
                kind: #kind,
                description: #description,
                read_only: #read_only,
                rowid: #rowid,
                columns: &[#(#columns),*],
                primary_key: &[#(#primary_key),*],
                foreign_keys: &[#(#foreign_keys),*],
                unique_keys: &[#(#unique_keys),*],
            };

            fn into_row(self) -> Self {
                #take_apart
            }
        }
    }
}

/// `impl McpProcedure`: the routine, its fields as columns, and what each field is.
fn procedure(input: &Input<'_>) -> TokenStream {
    let rt = runtime_path(input);
    let ident = input.ident;
    let name = input.table_name();
    let schema = option_str(input.attrs.schema.as_ref().map(|s| s.value.as_str()));
    let tool_name = input.tool_base();
    let description = option_str(input.attrs.description.as_deref());
    let read_only = input.attrs.read_only;
    let signature = option_str(input.attrs.signature.as_deref());
    let positional = input.attrs.positional;
    let procedure = input
        .attrs
        .routine
        .first()
        .is_some_and(|routine| routine.value.0 == RoutineKindAttr::Procedure);
    let kind = if procedure {
        quote!(#rt::RoutineKind::Procedure)
    } else {
        quote!(#rt::RoutineKind::Function)
    };
    let role = |field: &Field<'_>| field.attrs.roles.first().map(|role| role.value);
    let has = |wanted: RoleAttr| input.fields.iter().any(|field| role(field) == Some(wanted));
    let returns = if input.attrs.result_sets {
        quote!(#rt::Returns::ResultSets)
    } else if has(RoleAttr::Value) {
        quote!(#rt::Returns::Value)
    } else if has(RoleAttr::Column) {
        quote!(#rt::Returns::Rows)
    } else if has(RoleAttr::Out) || has(RoleAttr::InOut) {
        quote!(#rt::Returns::Out)
    } else {
        quote!(#rt::Returns::Nothing)
    };
    let roles = input.fields.iter().map(|field| match role(field) {
        None => quote!(#rt::FieldRole::In { optional: false }),
        Some(RoleAttr::Default) => quote!(#rt::FieldRole::In { optional: true }),
        Some(RoleAttr::InOut) => quote!(#rt::FieldRole::InOut),
        Some(RoleAttr::Out) => quote!(#rt::FieldRole::Out),
        Some(RoleAttr::Variadic) => quote!(#rt::FieldRole::Variadic),
        Some(RoleAttr::Column) => quote!(#rt::FieldRole::Column),
        Some(RoleAttr::Value) => quote!(#rt::FieldRole::Value),
    });
    let columns = input.fields.iter().map(|field| column_def(&rt, field));
    let take_apart = take_apart(input);

    quote! {
        #[automatically_derived]
        impl #rt::McpProcedure for #ident {
            const ROUTINE: &'static #rt::RoutineDef = &#rt::RoutineDef {
                fields: #rt::TableDef {
                    name: #name,
                    schema: #schema,
                    tool_name: #tool_name,
                    kind: #rt::TableKind::View,
                    description: #description,
                    read_only: true,
                    rowid: false,
                    columns: &[#(#columns),*],
                    primary_key: &[],
                    foreign_keys: &[],
                    unique_keys: &[],
                },
                kind: #kind,
                read_only: #read_only,
                returns: #returns,
                roles: &[#(#roles),*],
                signature: #signature,
                positional: #positional,
            };

            fn into_parts(self) -> Self {
                #take_apart
            }
        }
    }
}

/// Impls with no fields, emitted next to the errors.
pub(crate) fn fallback(input: &syn::DeriveInput, derive: Derive) -> TokenStream {
    let ident = &input.ident;
    let rt = quote!(::mcpgen_runtime);
    let empty = quote! {
        #rt::TableDef {
            name: "",
            schema: ::core::option::Option::None,
            tool_name: "",
            kind: #rt::TableKind::Table,
            description: ::core::option::Option::None,
            read_only: true,
            rowid: false,
            columns: &[],
            primary_key: &[],
            foreign_keys: &[],
            unique_keys: &[],
        }
    };
    let description = match derive {
        Derive::Table => quote! {
            #[automatically_derived]
            impl #rt::McpTable for #ident {
                const TABLE: &'static #rt::TableDef = &#empty;

                fn into_row(self) -> Self {
                    self
                }
            }
        },
        Derive::Procedure => quote! {
            #[automatically_derived]
            impl #rt::McpProcedure for #ident {
                const ROUTINE: &'static #rt::RoutineDef = &#rt::RoutineDef {
                    fields: #empty,
                    kind: #rt::RoutineKind::Function,
                    read_only: true,
                    returns: #rt::Returns::Nothing,
                    roles: &[],
                    signature: ::core::option::Option::None,
                    positional: false,
                };

                fn into_parts(self) -> Self {
                    self
                }
            }
        },
    };
    quote! {
        #[automatically_derived]
        impl #rt::FieldTypes for #ident {
            fn visit_column<V: #rt::ColumnVisitor>(
                _column: usize,
                _visitor: V,
            ) -> ::core::option::Option<V::Output> {
                ::core::option::Option::None
            }
        }

        #description
    }
}

/// The primary key's column indexes in key order: the struct's `primary_key = [...]`, else the
/// fields marked `primary_key`, in field order.
fn primary_key(input: &Input<'_>) -> Vec<usize> {
    match &input.attrs.primary_key {
        Some(key) => key
            .value
            .iter()
            .filter_map(|column| {
                input
                    .fields
                    .iter()
                    .position(|field| field.column == column.value)
            })
            .collect(),
        None => input
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| field.attrs.primary_key.is_some())
            .map(|(index, _)| index)
            .collect(),
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

//! Reads `#[mcp(...)]` attributes and doc comments into plain values, recording every misuse in
//! the [`Ctxt`].

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprArray, Lit, LitStr};

use crate::ctxt::Ctxt;

/// Which derive the attributes are for: they share most keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Derive {
    /// `#[derive(McpTable)]`
    Table,
    /// `#[derive(McpProcedure)]`
    Procedure,
}

impl Derive {
    fn struct_keys(self) -> &'static [&'static str] {
        match self {
            Derive::Table => STRUCT_KEYS,
            Derive::Procedure => PROCEDURE_KEYS,
        }
    }

    fn field_keys(self) -> &'static [&'static str] {
        match self {
            Derive::Table => FIELD_KEYS,
            Derive::Procedure => PARAMETER_KEYS,
        }
    }
}

/// The attribute keys a struct of `#[derive(McpProcedure)]` accepts.
pub(crate) const PROCEDURE_KEYS: &[&str] = &[
    "function",
    "procedure",
    "schema",
    "name",
    "description",
    "read_only",
    "result_sets",
    "signature",
    "positional",
    "crate",
];

/// The attribute keys a field of `#[derive(McpProcedure)]` accepts.
pub(crate) const PARAMETER_KEYS: &[&str] = &[
    "name",
    "default",
    "inout",
    "out",
    "variadic",
    "column",
    "value",
    "sql_type",
    "description",
    "enum_values",
    "enum_type",
    "set",
    "padded",
    "as_text",
];

/// The attribute keys a struct accepts.
pub(crate) const STRUCT_KEYS: &[&str] = &[
    "table",
    "schema",
    "name",
    "description",
    "view",
    "read_only",
    "primary_key",
    "rowid",
    "foreign_key",
    "unique",
    "crate",
];

/// The attribute keys a field accepts.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "column",
    "primary_key",
    "sql_type",
    "default",
    "generated",
    "read_only",
    "description",
    "enum_values",
    "enum_type",
    "set",
    "padded",
    "as_text",
];

/// A string value together with where it was written.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// One `key = value` or `key` attribute, remembered so a repeat can be reported.
pub(crate) struct Attr<T> {
    name: &'static str,
    value: Option<Spanned<T>>,
}

impl<T> Attr<T> {
    pub(crate) fn none(name: &'static str) -> Self {
        Self { name, value: None }
    }

    pub(crate) fn set(&mut self, cx: &Ctxt, span: Span, value: T) {
        if self.value.is_some() {
            cx.syn_error(syn::Error::new(
                span,
                format!("duplicate mcp attribute `{}`", self.name),
            ));
        } else {
            self.value = Some(Spanned { value, span });
        }
    }

    pub(crate) fn get(self) -> Option<Spanned<T>> {
        self.value
    }
}

/// `#[mcp(foreign_key(...))]` on a struct.
pub(crate) struct ForeignKeyAttr {
    pub(crate) span: Span,
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<Spanned<String>>,
    pub(crate) referenced_schema: Option<String>,
    pub(crate) referenced_table: Option<String>,
    pub(crate) referenced_columns: Vec<String>,
}

/// `#[mcp(unique(...))]` on a struct.
pub(crate) struct UniqueAttr {
    pub(crate) span: Span,
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<Spanned<String>>,
}

/// Procedure or function, as a struct's attribute names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoutineKindAttr {
    /// `procedure = "..."`
    Procedure,
    /// `function = "..."`
    Function,
}

/// Everything the struct's own attributes say.
pub(crate) struct StructAttrs {
    pub(crate) table: Option<Spanned<String>>,
    /// `function = "..."` or `procedure = "..."`: every one given (more than one is an error).
    pub(crate) routine: Vec<Spanned<(RoutineKindAttr, String)>>,
    /// `result_sets`: the procedure returns rows its body decides.
    pub(crate) result_sets: bool,
    /// `signature = "integer, text"`.
    pub(crate) signature: Option<String>,
    /// `positional`: arguments are given by position.
    pub(crate) positional: bool,
    /// `primary_key = ["b", "a"]`: the key's columns in key order.
    pub(crate) primary_key: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) schema: Option<Spanned<String>>,
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) description: Option<String>,
    pub(crate) view: bool,
    pub(crate) read_only: bool,
    pub(crate) rowid: bool,
    pub(crate) foreign_keys: Vec<ForeignKeyAttr>,
    pub(crate) unique_keys: Vec<UniqueAttr>,
    pub(crate) crate_path: Option<Spanned<syn::Path>>,
}

/// How a field's attributes say the database holds the column (at most one of them).
pub(crate) enum KindAttr {
    /// `padded`
    Padded,
    /// `as_text`
    AsText,
    /// `enum_type = [..]`
    Enum(Vec<String>),
    /// `set = [..]`
    Set(Vec<String>),
}

/// What a field of a routine's struct is, as its attributes say (none: an IN parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleAttr {
    /// `default`: an IN parameter with a default.
    Default,
    /// `inout`
    InOut,
    /// `out`
    Out,
    /// `variadic`
    Variadic,
    /// `column`: a column of the rows it returns.
    Column,
    /// `value`: the value the function returns.
    Value,
}

impl RoleAttr {
    pub(crate) fn key(self) -> &'static str {
        match self {
            RoleAttr::Default => "default",
            RoleAttr::InOut => "inout",
            RoleAttr::Out => "out",
            RoleAttr::Variadic => "variadic",
            RoleAttr::Column => "column",
            RoleAttr::Value => "value",
        }
    }
}

/// Everything a field's attributes say.
pub(crate) struct FieldAttrs {
    /// A routine's field: every role given (more than one is an error).
    pub(crate) roles: Vec<Spanned<RoleAttr>>,
    pub(crate) column: Option<Spanned<String>>,
    pub(crate) primary_key: Option<Span>,
    pub(crate) sql_type: Option<String>,
    pub(crate) default: Option<String>,
    pub(crate) generated: bool,
    pub(crate) read_only: bool,
    pub(crate) description: Option<String>,
    pub(crate) enum_values: Option<Spanned<Vec<String>>>,
    /// Every kind attribute given, with where (more than one is an error).
    pub(crate) kinds: Vec<Spanned<KindAttr>>,
}

impl StructAttrs {
    pub(crate) fn from_attrs(cx: &Ctxt, attrs: &[Attribute], derive: Derive) -> Self {
        let mut table = Attr::none("table");
        let mut function = Attr::none("function");
        let mut procedure = Attr::none("procedure");
        let mut result_sets = Attr::none("result_sets");
        let mut signature = Attr::none("signature");
        let mut positional = Attr::none("positional");
        let mut primary_key = Attr::none("primary_key");
        let mut schema = Attr::none("schema");
        let mut name = Attr::none("name");
        let mut description = Attr::none("description");
        let mut view = Attr::none("view");
        let mut read_only = Attr::none("read_only");
        let mut rowid = Attr::none("rowid");
        let mut crate_path = Attr::none("crate");
        let mut foreign_keys = Vec::new();
        let mut unique_keys = Vec::new();

        for attr in attrs.iter().filter(|attr| attr.path().is_ident("mcp")) {
            let result = attr.parse_nested_meta(|meta| {
                let key = meta_key(&meta);
                if !derive.struct_keys().contains(&key.as_str()) {
                    return unknown_key(cx, &meta, &key, "a struct", derive.struct_keys());
                }
                match key.as_str() {
                    "table" => table.set(cx, meta.path.span(), nonempty_string(cx, &meta)?),
                    "function" => {
                        let name = nonempty_string(cx, &meta)?;
                        function.set(cx, meta.path.span(), (RoutineKindAttr::Function, name));
                    }
                    "procedure" => {
                        let name = nonempty_string(cx, &meta)?;
                        procedure.set(cx, meta.path.span(), (RoutineKindAttr::Procedure, name));
                    }
                    "result_sets" => result_sets.set(cx, meta.path.span(), ()),
                    "signature" => signature.set(cx, meta.path.span(), string(&meta)?.value()),
                    "positional" => positional.set(cx, meta.path.span(), ()),
                    "primary_key" => {
                        let span = meta.path.span();
                        primary_key.set(cx, span, string_array(&meta)?);
                    }
                    "schema" => schema.set(cx, meta.path.span(), nonempty_string(cx, &meta)?),
                    "name" => name.set(cx, meta.path.span(), nonempty_string(cx, &meta)?),
                    "description" => {
                        description.set(cx, meta.path.span(), string(&meta)?.value());
                    }
                    "view" => view.set(cx, meta.path.span(), ()),
                    "read_only" => read_only.set(cx, meta.path.span(), ()),
                    "rowid" => rowid.set(cx, meta.path.span(), ()),
                    "crate" => {
                        let path = string(&meta)?.parse::<syn::Path>()?;
                        crate_path.set(cx, meta.path.span(), path);
                    }
                    "foreign_key" => foreign_keys.push(foreign_key(cx, &meta)?),
                    "unique" => unique_keys.push(unique(cx, &meta)?),
                    _ => unknown_key(cx, &meta, &key, "a struct", derive.struct_keys())?,
                }
                Ok(())
            });
            if let Err(error) = result {
                cx.syn_error(error);
            }
        }

        Self {
            table: table.get(),
            routine: [function, procedure]
                .into_iter()
                .filter_map(Attr::get)
                .collect(),
            result_sets: result_sets.get().is_some(),
            signature: signature.get().map(|spanned| spanned.value),
            positional: positional.get().is_some(),
            primary_key: primary_key.get(),
            schema: schema.get(),
            name: name.get(),
            description: description
                .get()
                .map(|spanned| spanned.value)
                .or_else(|| doc_comment(attrs)),
            view: view.get().is_some(),
            read_only: read_only.get().is_some(),
            rowid: rowid.get().is_some(),
            foreign_keys,
            unique_keys,
            crate_path: crate_path.get(),
        }
    }
}

impl FieldAttrs {
    pub(crate) fn from_attrs(cx: &Ctxt, attrs: &[Attribute], derive: Derive) -> Self {
        let mut roles: Vec<Spanned<RoleAttr>> = Vec::new();
        let mut column = Attr::none(match derive {
            Derive::Table => "column",
            Derive::Procedure => "name",
        });
        let mut primary_key = Attr::none("primary_key");
        let mut sql_type = Attr::none("sql_type");
        let mut default = Attr::none("default");
        let mut generated = Attr::none("generated");
        let mut read_only = Attr::none("read_only");
        let mut description = Attr::none("description");
        let mut enum_values = Attr::none("enum_values");
        let mut padded = Attr::none("padded");
        let mut as_text = Attr::none("as_text");
        let mut enum_type = Attr::none("enum_type");
        let mut set = Attr::none("set");

        for attr in attrs.iter().filter(|attr| attr.path().is_ident("mcp")) {
            let result = attr.parse_nested_meta(|meta| {
                let key = meta_key(&meta);
                if !derive.field_keys().contains(&key.as_str()) {
                    return unknown_key(cx, &meta, &key, "a field", derive.field_keys());
                }
                let role = match (derive, key.as_str()) {
                    (Derive::Procedure, "default") => Some(RoleAttr::Default),
                    (_, "inout") => Some(RoleAttr::InOut),
                    (_, "out") => Some(RoleAttr::Out),
                    (_, "variadic") => Some(RoleAttr::Variadic),
                    (Derive::Procedure, "column") => Some(RoleAttr::Column),
                    (_, "value") => Some(RoleAttr::Value),
                    _ => None,
                };
                if let Some(role) = role {
                    let span = meta.path.span();
                    if roles.iter().any(|given| given.value == role) {
                        cx.syn_error(syn::Error::new(
                            span,
                            format!("duplicate mcp attribute `{}`", role.key()),
                        ));
                    }
                    roles.push(Spanned { value: role, span });
                    return Ok(());
                }
                match key.as_str() {
                    "column" | "name" => {
                        column.set(cx, meta.path.span(), nonempty_string(cx, &meta)?);
                    }
                    "primary_key" => primary_key.set(cx, meta.path.span(), ()),
                    "sql_type" => sql_type.set(cx, meta.path.span(), nonempty_string(cx, &meta)?),
                    "default" => default.set(cx, meta.path.span(), string(&meta)?.value()),
                    "generated" => generated.set(cx, meta.path.span(), ()),
                    "read_only" => read_only.set(cx, meta.path.span(), ()),
                    "description" => {
                        description.set(cx, meta.path.span(), string(&meta)?.value());
                    }
                    "enum_values" => {
                        let values = values(cx, &meta)?;
                        enum_values.set(cx, meta.path.span(), values);
                    }
                    "enum_type" => {
                        let labels = values(cx, &meta)?;
                        enum_type.set(cx, meta.path.span(), KindAttr::Enum(labels));
                    }
                    "set" => {
                        let members = values(cx, &meta)?;
                        set.set(cx, meta.path.span(), KindAttr::Set(members));
                    }
                    "padded" => padded.set(cx, meta.path.span(), KindAttr::Padded),
                    "as_text" => as_text.set(cx, meta.path.span(), KindAttr::AsText),
                    _ => unknown_key(cx, &meta, &key, "a field", derive.field_keys())?,
                }
                Ok(())
            });
            if let Err(error) = result {
                cx.syn_error(error);
            }
        }

        Self {
            roles,
            column: column.get(),
            primary_key: primary_key.get().map(|spanned| spanned.span),
            sql_type: sql_type.get().map(|spanned| spanned.value),
            default: default.get().map(|spanned| spanned.value),
            generated: generated.get().is_some(),
            read_only: read_only.get().is_some(),
            description: description
                .get()
                .map(|spanned| spanned.value)
                .or_else(|| doc_comment(attrs)),
            enum_values: enum_values.get(),
            kinds: [padded, as_text, enum_type, set]
                .into_iter()
                .filter_map(Attr::get)
                .collect(),
        }
    }
}

fn foreign_key(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<ForeignKeyAttr> {
    let mut name = Attr::none("name");
    let mut columns = Attr::none("columns");
    let mut references = Attr::none("references");
    let mut referenced_schema = Attr::none("referenced_schema");
    let mut referenced_columns = Attr::none("referenced_columns");
    meta.parse_nested_meta(|inner| {
        let span = inner.path.span();
        match meta_key(&inner).as_str() {
            "name" => name.set(cx, span, nonempty_string(cx, &inner)?),
            "columns" => columns.set(cx, span, string_array(&inner)?),
            "references" => references.set(cx, span, nonempty_string(cx, &inner)?),
            "referenced_schema" => referenced_schema.set(cx, span, nonempty_string(cx, &inner)?),
            "referenced_columns" => referenced_columns.set(cx, span, values(cx, &inner)?),
            other => unknown_key(
                cx,
                &inner,
                other,
                "`foreign_key(...)`",
                &[
                    "name",
                    "columns",
                    "references",
                    "referenced_schema",
                    "referenced_columns",
                ],
            )?,
        }
        Ok(())
    })?;
    Ok(ForeignKeyAttr {
        span: meta.path.span(),
        name: name.get().map(|name| name.value),
        columns: columns
            .get()
            .map(|columns| columns.value)
            .unwrap_or_default(),
        referenced_schema: referenced_schema.get().map(|schema| schema.value),
        referenced_table: references.get().map(|table| table.value),
        referenced_columns: referenced_columns
            .get()
            .map(|columns| columns.value)
            .unwrap_or_default(),
    })
}

fn unique(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<UniqueAttr> {
    let mut name = Attr::none("name");
    let mut columns = Attr::none("columns");
    meta.parse_nested_meta(|inner| {
        let span = inner.path.span();
        match meta_key(&inner).as_str() {
            "name" => name.set(cx, span, nonempty_string(cx, &inner)?),
            "columns" => columns.set(cx, span, string_array(&inner)?),
            other => unknown_key(cx, &inner, other, "`unique(...)`", &["name", "columns"])?,
        }
        Ok(())
    })?;
    Ok(UniqueAttr {
        span: meta.path.span(),
        name: name.get().map(|name| name.value),
        columns: columns
            .get()
            .map(|columns| columns.value)
            .unwrap_or_default(),
    })
}

/// `key = ["a", "b"]` as the strings, each checked not to repeat.
fn values(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<String>> {
    let items = string_array(meta)?;
    let mut seen = std::collections::HashSet::new();
    for item in &items {
        if !seen.insert(item.value.as_str()) {
            cx.syn_error(syn::Error::new(
                item.span,
                format!("{:?} appears twice in `{}`", item.value, meta_key(meta)),
            ));
        }
    }
    Ok(items.into_iter().map(|item| item.value).collect())
}

/// The key of a nested meta item, keywords included (`crate`).
fn meta_key(meta: &ParseNestedMeta<'_>) -> String {
    meta.path.get_ident().map_or_else(
        || meta.path.to_token_stream().to_string(),
        |ident| ident.to_string().trim_start_matches("r#").to_owned(),
    )
}

/// Records an unknown key and skips its value, so the keys after it are still read.
fn unknown_key(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    key: &str,
    on: &str,
    expected: &[&str],
) -> syn::Result<()> {
    cx.syn_error(meta.error(format!(
        "unknown mcp attribute `{key}` on {on}; expected one of: {}",
        expected.join(", ")
    )));
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

fn string(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a string literal: `{} = \"...\"`", meta_key(meta)),
        )),
    }
}

fn nonempty_string(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    let lit = string(meta)?;
    if lit.value().is_empty() {
        cx.error_spanned_by(&lit, format!("`{}` must not be empty", meta_key(meta)));
    }
    Ok(lit.value())
}

fn string_array(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<Spanned<String>>> {
    let key = meta_key(meta);
    let array: ExprArray = meta.value()?.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("expected an array of string literals: `{key} = [\"a\", \"b\"]`"),
        )
    })?;
    array
        .elems
        .iter()
        .map(|element| match element {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) => Ok(Spanned {
                value: lit.value(),
                span: lit.span(),
            }),
            other => Err(syn::Error::new_spanned(
                other,
                format!("expected a string literal in `{key} = [...]`"),
            )),
        })
        .collect()
}

/// The text of `///` comments, lines joined, trimmed; `None` when there is none.
fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(lit), ..
                    }),
                ..
            }) => Some(lit.value().trim().to_owned()),
            _ => None,
        })
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

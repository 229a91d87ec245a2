//! `#[derive(McpTable)]`: serve a struct's database table as MCP tools.
//!
//! This crate is a thin shell; the expansion lives in `mcpgen-macros-core` so that it can be
//! unit-tested and used by the generator. Use the derive through `mcpgen_runtime::McpTable`.

use proc_macro::TokenStream;

/// Serves a database table or view as MCP tools (`list_T`, `get_T`, `count_T`, ...).
///
/// One named field per column. The struct and its fields take `#[mcp(...)]` attributes; doc
/// comments become descriptions.
///
/// On the struct:
/// - `table = "Name"`: the table as the database spells it (default: the struct's name in
///   snake_case);
/// - `schema = "name"`: its schema, when not the connection's default one;
/// - `name = "t"`: the `T` of the tool names (default: the table's name in snake_case);
/// - `description = "..."`: what the table holds (default: the doc comment);
/// - `view`: a view (read-only); `read_only`: serve no write tools;
/// - `rowid`: SQLite's implicit `rowid` exists (a stable key for paging without a primary key);
/// - `foreign_key(name = "fk", columns = ["a"], references = "other", referenced_schema = "s",
///   referenced_columns = ["id"])`, repeatable;
/// - `unique(name = "uq", columns = ["a", "b"])`, repeatable;
/// - `crate = "path::to::mcpgen_runtime"` when the runtime is re-exported elsewhere.
///
/// On a field:
/// - `column = "Name"`: the column as the database spells it (default: the field's name);
/// - `primary_key`: part of the primary key, in field order;
/// - `sql_type = "NUMERIC(10,2)"`, `default = "CURRENT_TIMESTAMP"`, `generated`;
/// - `description = "..."` (default: the doc comment);
/// - `enum_values = ["a", "b"]`: the values the column may take; with `as_text` (a PostgreSQL
///   enum type) or `sql_type = "ENUM(...)"` (MySQL), they are the type's values in declaration
///   order, and the column sorts and compares (`gt`, `lt`, ...) in that order;
/// - `as_text`: read the column as text (a type with no exact mapping).
///
/// An `Option<T>` field is a nullable column. A field's type must implement
/// `mcpgen_runtime::FieldType`.
#[proc_macro_derive(McpTable, attributes(mcp))]
pub fn derive_mcp_table(input: TokenStream) -> TokenStream {
    mcpgen_macros_core::derive_mcp_table(input.into()).into()
}

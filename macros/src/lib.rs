//! `#[derive(McpTable)]` and `#[derive(McpProcedure)]`: serve a struct's database table, or
//! stored procedure or function, as MCP tools.
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
/// - `view`: a view (read-only); `read_only`: serve no write tools for it;
/// - `primary_key = ["b", "a"]`: the primary key's columns in key order, when it is not the
///   order of the fields (else mark each key field `primary_key`);
/// - `rowid`: SQLite's implicit `rowid` exists (a stable key for paging without a primary key);
/// - `foreign_key(name = "fk", columns = ["a"], references = "other", referenced_schema = "s",
///   referenced_columns = ["id"])`, repeatable;
/// - `unique(name = "uq", columns = ["a", "b"])`, repeatable;
/// - `crate = "path::to::mcpgen_runtime"` when the runtime is re-exported elsewhere.
///
/// On a field:
/// - `column = "Name"`: the column as the database spells it (default: the field's name);
/// - `primary_key`: part of the primary key, in field order;
/// - `sql_type = "NUMERIC(10,2)"`, `default = "CURRENT_TIMESTAMP"`: what the database
///   declares, shown to clients;
/// - `generated`: the database fills it in when an insert leaves it out (identity,
///   auto-increment, serial), so `insert_T` takes it as optional;
/// - `read_only`: the database computes it (a generated column, an identity column
///   `GENERATED ALWAYS`): `insert_T` and `update_T` never write it;
/// - `description = "..."` (default: the doc comment);
/// - `enum_values = ["a", "b"]`: the only values the column may take (a
///   `CHECK (col IN (...))`), listed in its schema; they sort and compare as text;
/// - how the database holds the column, at most one of:
///   - `enum_type = ["G", "PG", "R"]`: a database enum type (a PostgreSQL enum, a MySQL
///     `ENUM`) with its labels in declaration order; the column sorts and compares (`gt`,
///     `lt`, ...) in that order, as the database does; on an array, the labels of its elements;
///   - `set = ["a", "b"]`: a MySQL `SET` of these members, read, compared and sorted as text;
///   - `padded`: a fixed-length `char(n)`, compared as `char(n)` (trailing spaces do not count);
///   - `as_text`: read, compared and sorted as the database's text of the value (a type with
///     no exact mapping).
///
/// A field's type must implement `mcpgen_runtime::FieldType`, which says what kind of value it
/// holds (and so which filter operators its column takes) and whether it holds NULL (an
/// `Option<T>` field is a nullable column).
#[proc_macro_derive(McpTable, attributes(mcp))]
pub fn derive_mcp_table(input: TokenStream) -> TokenStream {
    mcpgen_macros_core::derive_mcp_table(input.into()).into()
}

/// Serves a stored procedure or function as an MCP tool `call_R`.
///
/// One named field per parameter and per result column. The struct and its fields take
/// `#[mcp(...)]` attributes; doc comments become descriptions.
///
/// On the struct:
/// - `function = "name"` or `procedure = "name"`: the routine as the database spells it;
/// - `schema = "name"`: its schema, when not the connection's default one;
/// - `name = "r"`: the `R` of `call_R` (default: the routine's name in snake_case);
/// - `description = "..."` (default: the doc comment);
/// - `read_only`: it only reads (PostgreSQL `IMMUTABLE`/`STABLE`, MySQL `READS SQL DATA`), so it
///   is served with writes off, in a read-only transaction; others only with writes on;
/// - `result_sets`: a procedure whose body returns rows of columns known only when it runs;
/// - `signature = "integer, text"`: its argument types, which tell overloads apart;
/// - `positional`: give its arguments by position (some of its parameters have no name);
/// - `crate = "path::to::mcpgen_runtime"` when the runtime is re-exported elsewhere.
///
/// On a field (without a role, an IN parameter):
/// - `name = "p_film_id"`: the parameter or column as the database spells it (default: the
///   field's name);
/// - one role: `default` (an IN parameter the routine has a default for), `inout`, `out`,
///   `variadic` (any number of values, an array), `column` (a column of the rows it returns),
///   `value` (the value a function returns);
/// - `sql_type`, `description`, `enum_values`, and how the database holds the value as on a
///   table's column: `enum_type = [..]`, `set = [..]`, `padded`, `as_text`.
///
/// What a call returns follows from the fields: `{"value": V}` with a `value` field,
/// `{"rows": [..]}` with `column` fields or `result_sets`, `{"out": {..}}` with `out`/`inout`
/// parameters (next to the rows of `result_sets`). A field's type must implement
/// `mcpgen_runtime::FieldType`.
#[proc_macro_derive(McpProcedure, attributes(mcp))]
pub fn derive_mcp_procedure(input: TokenStream) -> TokenStream {
    mcpgen_macros_core::derive_mcp_procedure(input.into()).into()
}

//! Model -> the files of a Rust crate, in memory, from the templates in `templates/`.
//!
//! Every `.rs` file is parsed with syn before it is returned (so invalid Rust fails here, not
//! in the user's build), each struct's `#[mcp(...)]` attributes are checked by the derive's
//! own validator, and the file is formatted with prettyplease.

mod routines;

use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera};

use crate::model::{ForeignKey, Key, Schema, Table, TableKind};
use crate::naming::{self, TableNames};
use crate::servable;
use crate::typemap::{self, ColumnKind};

/// A file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Its path inside the crate's directory.
    pub path: PathBuf,
    /// Its contents.
    pub contents: String,
}

/// How the generated crate depends on mcpgen-runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// `path = "..."`: the `runtime/` directory of a checkout of mcpgen.
    Path(PathBuf),
    /// `git = "..."`, with a `branch`, `tag` or `rev` when given.
    Git {
        /// The repository's URL.
        url: String,
        /// `("branch" | "tag" | "rev", value)`.
        reference: Option<(String, String)>,
    },
    /// `version = "..."`: from a registry (mcpgen-runtime is not on crates.io).
    Version(String),
}

/// What the crate is called and how it is put together.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The crate's (and binary's) name.
    pub crate_name: String,
    /// How it depends on the runtime.
    pub runtime: RuntimeDependency,
    /// Serve no write tools.
    pub read_only: bool,
    /// The database URL the binary falls back to.
    pub database_url: Option<String>,
    /// Where the schema came from, for documentation.
    pub source: String,
    /// The directory the crate is written to, for the README's paths.
    pub out_dir: PathBuf,
    /// The `Cargo.lock` to start from (the one mcpgen was built and tested with).
    pub lockfile: Option<String>,
}

impl RenderOptions {
    /// Whether the crate serves `routine`: `--read-only` leaves out those that may write.
    pub fn serves(&self, routine: &crate::model::Routine) -> bool {
        routine.read_only || !self.read_only
    }
}

/// Rendering failed: a bug in mcpgen, never the user's input.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed.
    #[error("template {template} failed: {message}")]
    Template {
        /// The template.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// A generated file is not valid Rust or has invalid attributes.
    #[error("generated {file} is invalid ({message}); this is a bug in mcpgen")]
    InvalidRust {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

macro_rules! template {
    ($name:literal) => {
        ($name, include_str!(concat!("../../templates/", $name)))
    };
}

const TEMPLATES: &[(&str, &str)] = &[
    template!("Cargo.toml.tera"),
    template!("main.rs.tera"),
    template!("tables_mod.rs.tera"),
    template!("table.rs.tera"),
    template!("routines_mod.rs.tera"),
    template!("routine.rs.tera"),
    template!("README.md.tera"),
    template!("mcpgen.toml.tera"),
    template!("gitignore.tera"),
];

/// Renders the crate for `schema`, fitted first to what the derive can carry
/// ([`servable::fit`]; call it yourself to see its warnings).
pub fn render(schema: &Schema, options: &RenderOptions) -> Result<Vec<OutputFile>, RenderError> {
    let mut fitted = schema.clone();
    servable::fit(&mut fitted);
    let schema = &fitted;
    let tera = templates()?;
    let names = naming::assign(schema);
    let tables: Vec<TableContext> = schema
        .tables
        .iter()
        .zip(&names)
        .map(|(table, names)| table_context(schema, table, names, options))
        .collect();
    let served: Vec<&crate::model::Routine> = schema
        .routines
        .iter()
        .filter(|routine| options.serves(routine))
        .collect();
    let routine_names = naming::assign_routines(&served);
    let routines: Vec<routines::RoutineContext> = served
        .iter()
        .zip(&routine_names)
        .map(|(routine, names)| routines::routine_context(schema.dialect, routine, names))
        .collect();
    let mut common = common_context(schema, options, &tables);
    common.insert("routines", &routines);

    let mut files = vec![
        file(&tera, "Cargo.toml.tera", "Cargo.toml", &common)?,
        rust(&tera, "main.rs.tera", "src/main.rs", &common)?,
        rust(&tera, "tables_mod.rs.tera", "src/tables/mod.rs", &common)?,
        file(&tera, "README.md.tera", "README.md", &common)?,
        file(&tera, "mcpgen.toml.tera", "mcpgen.toml", &common)?,
        file(&tera, "gitignore.tera", ".gitignore", &common)?,
    ];
    for table in &tables {
        let path = format!("src/tables/{}.rs", table.module);
        let context = module_context(&common, table)?;
        files.push(rust(&tera, "table.rs.tera", &path, &context)?);
    }
    if !routines.is_empty() {
        files.push(rust(
            &tera,
            "routines_mod.rs.tera",
            "src/routines/mod.rs",
            &common,
        )?);
    }
    for routine in &routines {
        let path = format!("src/routines/{}.rs", routine.module);
        let context = module_context(&common, routine)?;
        files.push(rust(&tera, "routine.rs.tera", &path, &context)?);
    }
    if let Some(lockfile) = &options.lockfile {
        files.push(OutputFile {
            path: PathBuf::from("Cargo.lock"),
            contents: lockfile.clone(),
        });
    }
    Ok(files)
}

/// What the template of one table's or routine's module sees: everything, and the fields of
/// its `module` context (`struct_name`, `attributes`, `fields`, ...).
fn module_context(common: &Context, module: &impl Serialize) -> Result<Context, RenderError> {
    let mut context = common.clone();
    let own = Context::from_serialize(module).map_err(|error| RenderError::Template {
        template: "a module's context".to_owned(),
        message: error.to_string(),
    })?;
    context.extend(own);
    Ok(context)
}

fn templates() -> Result<Tera, RenderError> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&'static str>::new());
    for (name, text) in TEMPLATES {
        tera.add_raw_template(name, text)
            .map_err(|error| RenderError::Template {
                template: (*name).to_owned(),
                message: error.to_string(),
            })?;
    }
    Ok(tera)
}

fn file(
    tera: &Tera,
    template: &str,
    path: &str,
    context: &Context,
) -> Result<OutputFile, RenderError> {
    let contents = tera
        .render(template, context)
        .map_err(|error| RenderError::Template {
            template: template.to_owned(),
            message: format!("{error:?}"),
        })?;
    Ok(OutputFile {
        path: PathBuf::from(path),
        contents,
    })
}

/// Renders a `.rs` file, checks it and formats it.
fn rust(
    tera: &Tera,
    template: &str,
    path: &str,
    context: &Context,
) -> Result<OutputFile, RenderError> {
    let mut output = file(tera, template, path, context)?;
    let invalid = |message: String| RenderError::InvalidRust {
        file: path.to_owned(),
        message,
    };
    let parsed = syn::parse_file(&output.contents).map_err(|error| invalid(error.to_string()))?;
    for item in &parsed.items {
        if let syn::Item::Struct(item) = item {
            let input = syn::DeriveInput::from(item.clone());
            let check = if derives(item, "McpProcedure") {
                mcpgen_macros_core::check_procedure
            } else {
                mcpgen_macros_core::check
            };
            check(&input).map_err(|errors| {
                invalid(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
        }
    }
    output.contents = space_items(&join_split_lists(&prettyplease::unparse(&parsed)));
    Ok(output)
}

/// Whether `item` has `#[derive(..., name, ...)]`.
fn derives(item: &syn::ItemStruct, name: &str) -> bool {
    item.attrs.iter().any(|attr| {
        attr.path().is_ident("derive")
            && attr
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| paths.iter().any(|path| path.is_ident(name)))
    })
}

/// Joins the lines of a `[...]` list that prettyplease splits after a comma inside an
/// attribute (`columns = ["a",` / `"b"]`), so that each list of names reads on one line.
/// String literals (written with `{:?}`, so every quote inside one is escaped) and comments
/// may hold brackets and commas of their own.
fn join_split_lists(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut depth = 0usize;
    for line in code.lines() {
        if depth > 0 {
            out.push(' ');
            out.push_str(line.trim_start());
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (true, false, _) => {}
                (false, _, '"') => in_string = true,
                (false, _, '[') => depth += 1,
                (false, _, ']') => depth = depth.saturating_sub(1),
                (false, _, _) => {}
            }
        }
        // Only a line that ends inside a list, after a comma, continues it.
        if depth > 0 && !line.trim_end().ends_with(',') {
            depth = 0;
        }
    }
    out.push('\n');
    out
}

/// Puts a blank line between top-level items of different kinds (module docs, `use`s, `mod`s,
/// each other item), which prettyplease leaves out.
fn space_items(code: &str) -> String {
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        InnerDoc,
        Use,
        Mod,
        Attached,
        Item,
        Close,
    }
    let kind = |line: &str| {
        if line.starts_with("//!") {
            Kind::InnerDoc
        } else if line.starts_with("use ") || line.starts_with("pub use ") {
            Kind::Use
        } else if (line.starts_with("mod ") || line.starts_with("pub mod ")) && line.ends_with(';')
        {
            Kind::Mod
        } else if line.starts_with("///") || line.starts_with("#[") || line.starts_with(')') {
            // Doc comments, attributes and the close of a multi-line attribute.
            Kind::Attached
        } else if line.starts_with('}') {
            Kind::Close
        } else {
            Kind::Item
        }
    };
    let mut out = String::with_capacity(code.len() + 64);
    let mut previous: Option<Kind> = None;
    for line in code.lines() {
        let top_level = !line.is_empty() && !line.starts_with(char::is_whitespace);
        if top_level {
            let current = kind(line);
            let blank = match (previous, current) {
                (None | Some(Kind::Attached), _) | (_, Kind::Close) => false,
                (Some(before), now) => before != now || matches!(now, Kind::Item),
            };
            if blank {
                out.push('\n');
            }
            previous = Some(current);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// What every template sees.
fn common_context(schema: &Schema, options: &RenderOptions, tables: &[TableContext]) -> Context {
    let mut context = Context::new();
    let database_title = schema
        .database
        .clone()
        .unwrap_or_else(|| options.crate_name.clone());
    let tool_count: usize = mcpgen_rules::tools::DATABASE_TOOLS.len()
        + tables.iter().map(|t| t.tool_count).sum::<usize>();
    let binary = options
        .out_dir
        .join("target")
        .join("release")
        .join(&options.crate_name);
    context.insert("crate_name", &options.crate_name);
    context.insert("read_only", &options.read_only);
    context.insert("crate_name_literal", &rust_string(&options.crate_name));
    context.insert("database_title", &doc_text(&database_title));
    context.insert("dialect", schema.dialect.name());
    context.insert("mcpgen_version", env!("CARGO_PKG_VERSION"));
    context.insert("source", &doc_text(&options.source));
    context.insert(
        "description_toml",
        &toml_string(&format!(
            "MCP server for the {database_title} database, generated by mcpgen"
        )),
    );
    context.insert("runtime_dependency", &runtime_dependency(&options.runtime));
    context.insert("runtime_source", &runtime_source(&options.runtime));
    context.insert("runtime_feature", schema.dialect.runtime_feature());
    context.insert("database_url", &options.database_url);
    context.insert(
        "database_url_literal",
        &options.database_url.as_deref().map(rust_string),
    );
    context.insert(
        "database_url_escaped",
        &options
            .database_url
            .as_deref()
            .map(|url| toml_string(url).trim_matches('"').to_owned()),
    );
    context.insert("example_url", example_url(schema));
    context.insert("binary_path", &json_path(&binary));
    context.insert("table_count", &tables.len());
    context.insert("tool_count", &tool_count);
    context.insert("tables", tables);
    let readme_tables: Vec<serde_json::Value> = schema
        .tables
        .iter()
        .zip(tables)
        .map(|(model, table)| {
            serde_json::json!({
                "name": doc_cell(&model.qualified_name()),
                "kind": table.kind,
                "tools": table.tools,
            })
        })
        .collect();
    context.insert("readme_tables", &readme_tables);
    context.insert("defaults", &config_defaults());
    context
}

/// The defaults of the server's settings, as TOML values, for the commented config file.
fn config_defaults() -> serde_json::Value {
    use mcpgen_rules::defaults;
    let list = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|item| toml_string(item)).collect();
        format!("[{}]", quoted.join(", "))
    };
    serde_json::json!({
        "max_connections": defaults::MAX_CONNECTIONS,
        "default_limit": defaults::DEFAULT_LIMIT,
        "max_limit": defaults::MAX_LIMIT,
        "max_result_bytes": defaults::MAX_RESULT_BYTES,
        "max_write_rows": defaults::MAX_WRITE_ROWS,
        "statement_timeout_ms": defaults::STATEMENT_TIMEOUT_MS,
        "listen": toml_string(defaults::LISTEN),
        "allowed_hosts": list(defaults::ALLOWED_HOSTS),
        "allowed_origins": list(defaults::ALLOWED_ORIGINS),
        "max_body_bytes": defaults::MAX_BODY_BYTES,
        "sessions": defaults::SESSIONS,
        "max_sessions": defaults::MAX_SESSIONS,
        "session_idle_timeout_s": defaults::SESSION_IDLE_TIMEOUT_S,
        "session_reply_cache_s": defaults::SESSION_REPLY_CACHE_S,
        "page_size": defaults::PAGE_SIZE,
        "writes": defaults::WRITES,
        "profile": toml_string(defaults::PROFILE),
        "sql": defaults::SQL,
        "auth_mode": toml_string(defaults::AUTH_MODE),
        "auth_store": toml_string(defaults::AUTH_STORE),
        "auth_scopes_claim": toml_string(defaults::AUTH_SCOPES_CLAIM),
        "access_token_ttl_s": defaults::ACCESS_TOKEN_TTL_S,
        "refresh_token_ttl_s": defaults::REFRESH_TOKEN_TTL_S,
        "signing_key_rotation_s": defaults::SIGNING_KEY_ROTATION_S,
        "allow_local_metadata": defaults::ALLOW_LOCAL_METADATA,
        "rate_limit_per_minute": defaults::RATE_LIMIT_PER_MINUTE,
        "failed_logins_per_minute": defaults::FAILED_LOGINS_PER_MINUTE,
        "failed_tokens_per_minute": defaults::FAILED_TOKENS_PER_MINUTE,
    })
}

/// What the templates need of one table.
#[derive(Debug, Clone, Serialize)]
struct TableContext {
    module: String,
    struct_name: String,
    kind: &'static str,
    /// Its `schema.name` as a Markdown code span.
    display_name: String,
    tools: String,
    tool_count: usize,
    attributes: String,
    imports: Vec<String>,
    doc: Vec<String>,
    fields: Vec<FieldContext>,
}

#[derive(Debug, Clone, Serialize)]
struct FieldContext {
    name: String,
    ty: String,
    attributes: String,
    doc: Vec<String>,
}

/// A column's doc comment: its comment (a SET's members are in its `set` attribute, and the
/// runtime adds them to its description).
fn column_doc(column: &crate::model::Column) -> Vec<String> {
    doc_lines(column.comment.as_deref())
}

fn table_context(
    schema: &Schema,
    table: &Table,
    names: &TableNames,
    options: &RenderOptions,
) -> TableContext {
    let kind = match table.kind {
        TableKind::Table => "table",
        TableKind::View => "view",
    };
    let primary: Vec<&str> = table
        .primary_key
        .as_ref()
        .map(|key| key.columns.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut imports = vec![typemap::DERIVE_IMPORT.to_owned()];
    let mut fields = Vec::with_capacity(table.columns.len());
    for (column, field_name) in table.columns.iter().zip(&names.fields) {
        let rust = typemap::rust_type(schema.dialect, &column.data_type);
        if let Some(import) = rust.import
            && !imports.iter().any(|i| i == import)
        {
            imports.push(import.to_owned());
        }
        let ty = if column.nullable {
            format!("Option<{}>", rust.name)
        } else {
            rust.name.clone()
        };
        let mut attributes = Vec::new();
        if field_name.trim_start_matches("r#") != column.name {
            attributes.push(format!("column = {}", rust_string(&column.name)));
        }
        if primary.len() == 1 && primary[0] == column.name {
            attributes.push("primary_key".to_owned());
        }
        if !column.sql_type.is_empty() {
            attributes.push(format!("sql_type = {}", rust_string(&column.sql_type)));
        }
        if let Some(default) = &column.default {
            attributes.push(format!("default = {}", rust_string(default)));
        }
        if column.generated {
            attributes.push("generated".to_owned());
        }
        if column.computed {
            attributes.push("read_only".to_owned());
        }
        match typemap::column_kind(
            schema.dialect,
            &column.sql_type,
            &column.data_type,
            &column.enum_values,
        ) {
            ColumnKind::Plain => {
                if !column.enum_values.is_empty() {
                    attributes.push(format!("enum_values = {}", rust_array(&column.enum_values)));
                }
            }
            ColumnKind::Padded => attributes.push("padded".to_owned()),
            ColumnKind::AsText => attributes.push("as_text".to_owned()),
            ColumnKind::Enum(labels) => {
                attributes.push(format!("enum_type = {}", rust_array(&labels)));
            }
            ColumnKind::Set(members) => attributes.push(format!("set = {}", rust_array(&members))),
        }
        fields.push(FieldContext {
            name: field_name.clone(),
            ty,
            attributes: attributes.join(", "),
            doc: column_doc(column),
        });
    }
    imports[1..].sort();

    let mut attributes = vec![format!("table = {}", rust_string(&table.name))];
    // A key of several columns is named on the struct, in its own order.
    if primary.len() > 1 {
        let columns: Vec<String> = primary.iter().map(|&name| name.to_owned()).collect();
        attributes.push(format!("primary_key = {}", rust_array(&columns)));
    }
    if let Some(schema_name) = &table.schema {
        attributes.push(format!("schema = {}", rust_string(schema_name)));
    }
    let default_tool_base = mcpgen_rules::naming::tool_base(table.schema.as_deref(), &table.name);
    if names.tool_base != default_tool_base {
        attributes.push(format!("name = {}", rust_string(&names.tool_base)));
    }
    if table.kind == TableKind::View {
        attributes.push("view".to_owned());
    }
    if options.read_only {
        attributes.push("read_only".to_owned());
    }
    if table.rowid && table.primary_key.is_none() {
        attributes.push("rowid".to_owned());
    }
    attributes.extend(table.foreign_keys.iter().map(foreign_key_attribute));
    attributes.extend(table.unique_keys.iter().map(unique_attribute));

    // The doc comment is the table's description in its tools: only the database's comment.
    let doc = doc_lines(table.comment.as_deref());
    // The write tools are served with writes on (`serve --allow-writes`).
    let verbs = mcpgen_rules::tools::verbs(mcpgen_rules::tools::TableShape {
        has_primary_key: table.primary_key.is_some(),
        writable: table.kind == TableKind::Table && !options.read_only,
    });
    let named = |writes: bool| -> Vec<String> {
        verbs
            .iter()
            .filter(|verb| verb.writes() == writes)
            .map(|verb| format!("`{}`", verb.tool_name(&names.tool_base)))
            .collect()
    };
    let reads = named(false);
    let writes = named(true);
    let tool_count = reads.len();
    let mut tools = reads.join(", ");
    if !writes.is_empty() {
        tools.push_str(&format!("; with writes on, {}", writes.join(", ")));
    }
    TableContext {
        module: names.module.clone(),
        struct_name: names.struct_name.clone(),
        kind,
        display_name: doc_code(&table.qualified_name()),
        tool_count,
        tools,
        attributes: attributes.join(", "),
        imports,
        doc,
        fields,
    }
}

fn foreign_key_attribute(key: &ForeignKey) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &key.name {
        parts.push(format!("name = {}", rust_string(name)));
    }
    parts.push(format!("columns = {}", rust_array(&key.columns)));
    parts.push(format!(
        "references = {}",
        rust_string(&key.referenced_table)
    ));
    if let Some(schema) = &key.referenced_schema {
        parts.push(format!("referenced_schema = {}", rust_string(schema)));
    }
    parts.push(format!(
        "referenced_columns = {}",
        rust_array(&key.referenced_columns)
    ));
    format!("foreign_key({})", parts.join(", "))
}

fn unique_attribute(key: &Key) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &key.name {
        parts.push(format!("name = {}", rust_string(name)));
    }
    parts.push(format!("columns = {}", rust_array(&key.columns)));
    format!("unique({})", parts.join(", "))
}

/// A comment as doc-comment lines (none for no comment). Any line break (`\n`, `\r\n`, `\r`)
/// ends a line; other control characters are escaped ([`doc_text`]).
fn doc_lines(comment: Option<&str>) -> Vec<String> {
    comment
        .map(|text| {
            text.replace("\r\n", "\n")
                .split(['\n', '\r'])
                .map(|line| doc_text(line.trim_end()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
}

/// Text for one line of a comment or of Markdown: control characters (line breaks among
/// them) and the code points that change the direction of text (which rustc refuses in
/// comments) escaped as Rust escapes them, `\n`, `\u{202e}`.
fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\t') || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A name as a Markdown code span on one line: `` `name` ``, with enough backticks around
/// it when it holds some.
fn doc_code(name: &str) -> String {
    let text = doc_text(name);
    if !text.contains('`') {
        return format!("`{text}`");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// A name as a Markdown code span in a table cell (`|` escaped).
fn doc_cell(name: &str) -> String {
    doc_code(name).replace('|', "\\|")
}

/// A Rust string literal of `text`.
fn rust_string(text: &str) -> String {
    format!("{text:?}")
}

fn rust_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| rust_string(item)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML basic string of `text` (JSON string escapes are valid TOML).
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// A path as the inside of a JSON string.
fn json_path(path: &Path) -> String {
    let quoted = serde_json::to_string(&path.display().to_string()).expect("a string serializes");
    quoted[1..quoted.len() - 1].to_owned()
}

fn runtime_dependency(runtime: &RuntimeDependency) -> String {
    match runtime {
        RuntimeDependency::Path(path) => {
            format!("path = {}", toml_string(&path.display().to_string()))
        }
        RuntimeDependency::Git { url, reference } => {
            let mut spec = format!("git = {}", toml_string(url));
            if let Some((kind, value)) = reference {
                spec.push_str(&format!(", {kind} = {}", toml_string(value)));
            }
            spec
        }
        RuntimeDependency::Version(version) => format!("version = {}", toml_string(version)),
    }
}

/// Where the runtime comes from, for the README.
fn runtime_source(runtime: &RuntimeDependency) -> String {
    match runtime {
        RuntimeDependency::Path(path) => format!(
            "the checkout of mcpgen at `{}`: keep it there, or regenerate with `--runtime` pointing at another checkout or at a git URL",
            doc_text(&path.display().to_string())
        ),
        RuntimeDependency::Git { url, reference } => format!(
            "the git repository `{}`{}",
            doc_text(url),
            reference
                .as_ref()
                .map(|(kind, value)| format!(" ({kind} `{}`)", doc_text(value)))
                .unwrap_or_default()
        ),
        RuntimeDependency::Version(version) => format!(
            "a registry, version `{}` (it is not on crates.io: configure a registry that has it, or a `[patch]`)",
            doc_text(version)
        ),
    }
}

fn example_url(schema: &Schema) -> &'static str {
    match schema.dialect {
        crate::model::Dialect::Sqlite => "sqlite:///path/to/database.db",
        crate::model::Dialect::Postgres => "postgres://user:password@localhost:5432/database",
        crate::model::Dialect::Mysql => "mysql://user:password@localhost:3306/database",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_by_the_formatter_are_joined() {
        let code = concat!(
            "#[mcp(\n",
            "    primary_key = [\"a\",\n",
            "    \"b]\\\",\"],\n",
            "    x\n",
            ")]\n",
            "/// [not, a list,\n",
            "/// [x]\n",
        );
        assert_eq!(
            join_split_lists(code),
            concat!(
                "#[mcp(\n",
                "    primary_key = [\"a\", \"b]\\\",\"],\n",
                "    x\n",
                ")]\n",
                "/// [not, a list,\n",
                "/// [x]\n",
            )
        );
    }
}

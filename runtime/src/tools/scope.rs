//! Which scope a tool call needs (CONTRACT section 7), decided here and nowhere else: for
//! `tools/list` (a tool is listed when the caller may call it on something) and for
//! `tools/call` (on the table or routine it names, when an argument names it).
//!
//! The scopes: `mcp:read` (every read), `mcp:write` (inserts, updates, routines that write),
//! `mcp:delete` (deletes; elevated), and per table or routine `T:read`, `T:write`,
//! `T:delete`, `R:call`, where `T` and `R` are the tools' base names (the `T` of `list_T`).
//! An umbrella scope covers every table's scope of its kind; neither kind implies another
//! (`mcp:write` does not grant reads, nor deletes). `query_sql` needs `mcp:read` itself: its
//! statement may read any served table.

use std::collections::BTreeSet;
use std::fmt;

use mcpgen_rules::tools::Verb;
use serde_json::{Map, Value};

use super::{Action, DfTool, ToolSet};
use crate::catalog::{Catalog, Routine, Table};
use crate::routine::RoutineKind;

/// Every read.
pub const READ: &str = "mcp:read";
/// Inserts, updates, and routines that write.
pub const WRITE: &str = "mcp:write";
/// Deletes (elevated: never granted by default).
pub const DELETE: &str = "mcp:delete";

/// The scopes a caller holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// The scopes of a space-separated list (`"mcp:read books:write"`).
    pub fn parse(text: &str) -> Self {
        text.split_whitespace().map(str::to_owned).collect()
    }

    /// Whether `scope` is held.
    pub fn has(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    /// Each scope, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether no scope is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<String> for Scopes {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iter().collect::<Vec<_>>().join(" "))
    }
}

/// Whether `scope` is a scope's name: `mcp:read`, `mcp:write`, `mcp:delete`, or `T:read`,
/// `T:write`, `T:delete`, `R:call` with `T` or `R` a tool base name (lowercase letters,
/// digits, `_`). Whether the table or routine exists is not checked.
pub fn is_scope_name(scope: &str) -> bool {
    match scope.rsplit_once(':') {
        Some(("mcp", kind)) => matches!(kind, "read" | "write" | "delete"),
        Some((base, kind)) => {
            !base.is_empty()
                && base
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && matches!(kind, "read" | "write" | "delete" | "call")
        }
        None => false,
    }
}

/// Whether `scope` is elevated: granted only when named on an API key or ticked on the
/// consent page (`mcp:delete`, `T:delete`).
pub fn is_elevated(scope: &str) -> bool {
    scope == DELETE || scope.ends_with(":delete")
}

/// Who is calling, as the resource server ([`crate::auth::resource`]) found out: put in each
/// HTTP request's extensions, read by the MCP handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`, or `key:NAME` for an API key.
    pub subject: String,
    /// What it may do.
    pub scopes: Scopes,
    /// What the database may know of it (`[auth] db_claims`): a JWT's claims, or `sub` and
    /// `scope` for an API key.
    pub claims: Map<String, Value>,
}

impl Caller {
    /// A caller whose claims are only its subject and scopes (an API key's).
    pub fn new(subject: String, scopes: Scopes) -> Self {
        let mut claims = Map::new();
        claims.insert("sub".to_owned(), Value::String(subject.clone()));
        claims.insert("scope".to_owned(), Value::String(scopes.to_string()));
        Self {
            subject,
            scopes,
            claims,
        }
    }
}

/// What a call needs: any one of these scopes. The last is the narrowest, the one a client
/// should ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    any_of: Vec<String>,
}

impl Need {
    fn one(scope: &str) -> Self {
        Self {
            any_of: vec![scope.to_owned()],
        }
    }

    /// Whether `scopes` meet it.
    pub fn allows(&self, scopes: &Scopes) -> bool {
        self.any_of.iter().any(|scope| scopes.has(scope))
    }

    /// The scope to ask for (`WWW-Authenticate: ... scope="..."`): the narrowest one.
    pub fn requested(&self) -> &str {
        self.any_of.last().map_or(READ, String::as_str)
    }

    /// The scopes that would do, as a sentence.
    pub fn describe(&self) -> String {
        match self.any_of.as_slice() {
            [one] => one.clone(),
            [umbrella, narrow] => format!("{narrow} (or {umbrella})"),
            [umbrella, ..] => format!("{umbrella} (or a scope of a table or routine)"),
            [] => READ.to_owned(),
        }
    }
}

/// What a verb does to a table, as a scope says it.
fn access(verb: Verb) -> (&'static str, &'static str) {
    match verb {
        Verb::List | Verb::Get | Verb::Count => (READ, "read"),
        Verb::Insert | Verb::Update => (WRITE, "write"),
        Verb::Delete => (DELETE, "delete"),
    }
}

/// `verb` on `table`: its umbrella scope or the table's own.
fn table_need(table: &Table, verb: Verb) -> Need {
    let (umbrella, kind) = access(verb);
    Need {
        any_of: vec![umbrella.to_owned(), format!("{}:{kind}", table.tool_base)],
    }
}

/// A call of `routine`: `mcp:read` when it only reads, else `mcp:write`; or its own
/// `R:call`.
fn routine_need(routine: &Routine) -> Need {
    let umbrella = if routine.def.read_only { READ } else { WRITE };
    Need {
        any_of: vec![
            umbrella.to_owned(),
            format!("{}:call", routine.fields.tool_base),
        ],
    }
}

/// The tools that show the catalog (names, columns, routines' signatures, no rows): any
/// scope of this server.
fn catalog_need(catalog: &Catalog, tools: &ToolSet) -> Need {
    let mut any_of = vec![READ.to_owned(), WRITE.to_owned(), DELETE.to_owned()];
    for table in catalog.tables() {
        for kind in ["read", "write", "delete"] {
            any_of.push(format!("{}:{kind}", table.tool_base));
        }
    }
    for &index in tools.served_routines() {
        any_of.push(format!("{}:call", catalog.routine(index).fields.tool_base));
    }
    Need { any_of }
}

/// `verb` on the table an argument names; an unknown name needs the umbrella scope (so a
/// caller without it learns nothing of which names exist).
fn named_table_need(catalog: &Catalog, name: Option<&str>, verb: Verb) -> Need {
    match name.and_then(|name| catalog.find(name)) {
        Some(index) => table_need(catalog.table(index), verb),
        None => Need::one(access(verb).0),
    }
}

/// A call of the served routine an argument names (as the compact and DreamFactory tools
/// find it: by its tool base name, else its database name); a name that is unknown or names
/// several routines needs the umbrella scope.
fn named_routine_need(catalog: &Catalog, tools: &ToolSet, name: Option<&str>) -> Need {
    let served = tools.served_routines();
    let by_base = served
        .iter()
        .find(|&&index| Some(catalog.routine(index).fields.tool_base) == name);
    let found = by_base.copied().or_else(|| {
        let matches: Vec<usize> = served
            .iter()
            .copied()
            .filter(|&index| {
                let routine = catalog.routine(index);
                name == Some(routine.display_name().as_str())
                    || name == Some(routine.fields.def.name)
            })
            .collect();
        match matches.as_slice() {
            [index] => Some(*index),
            _ => None,
        }
    });
    match found {
        Some(index) => routine_need(catalog.routine(index)),
        None => Need::one(WRITE),
    }
}

/// What calling `action` with `arguments` needs.
pub fn for_call(
    action: Action,
    arguments: &Map<String, Value>,
    catalog: &Catalog,
    tools: &ToolSet,
) -> Need {
    let string = |name: &str| arguments.get(name).and_then(Value::as_str);
    match action {
        Action::ListTables | Action::ListRoutines => catalog_need(catalog, tools),
        Action::DescribeTable => named_table_need(catalog, string("table"), Verb::List),
        Action::Table { table, verb } => table_need(catalog.table(table), verb),
        Action::Routine { routine } => routine_need(catalog.routine(routine)),
        Action::AnyTable(verb) => named_table_need(catalog, string("table"), verb),
        Action::AnyRoutine => named_routine_need(catalog, tools, string("routine")),
        // A statement may read any served table (and call served read-only functions): the
        // umbrella read scope, whatever tables it names.
        Action::QuerySql => Need::one(READ),
        Action::DreamFactory(tool) => match dreamfactory_target(tool) {
            Target::Catalog => catalog_need(catalog, tools),
            // `related` reads (or writes) other tables too: that takes the umbrella scope.
            Target::Table(verb) if arguments.get("related").is_some_and(|v| !v.is_null()) => {
                Need::one(access(verb).0)
            }
            Target::Table(verb) => named_table_need(catalog, string("table_name"), verb),
            Target::Routine(kind) => {
                let argument = match kind {
                    RoutineKind::Procedure => "procedure_name",
                    RoutineKind::Function => "function_name",
                };
                named_routine_need(catalog, tools, string(argument))
            }
        },
    }
}

/// Whether `tools/list` shows `action` to a caller with `scopes`: it may call it on at
/// least one table or routine.
pub fn may_list(action: Action, catalog: &Catalog, tools: &ToolSet, scopes: &Scopes) -> bool {
    let any_table = |verb: Verb| {
        catalog
            .tables()
            .iter()
            .any(|table| table_need(table, verb).allows(scopes))
    };
    let any_routine = |kind: Option<RoutineKind>| {
        tools.served_routines().iter().any(|&index| {
            let routine = catalog.routine(index);
            kind.is_none_or(|kind| routine.def.kind == kind) && routine_need(routine).allows(scopes)
        })
    };
    match action {
        Action::ListTables | Action::ListRoutines => catalog_need(catalog, tools).allows(scopes),
        Action::DescribeTable => any_table(Verb::List),
        Action::Table { table, verb } => table_need(catalog.table(table), verb).allows(scopes),
        Action::Routine { routine } => routine_need(catalog.routine(routine)).allows(scopes),
        Action::AnyTable(verb) => any_table(verb),
        Action::AnyRoutine => any_routine(None),
        Action::QuerySql => Need::one(READ).allows(scopes),
        Action::DreamFactory(tool) => match dreamfactory_target(tool) {
            Target::Catalog => catalog_need(catalog, tools).allows(scopes),
            Target::Table(verb) => any_table(verb),
            Target::Routine(kind) => any_routine(Some(kind)),
        },
    }
}

/// What a DreamFactory tool acts on.
enum Target {
    /// The catalog: names and schemas, no rows.
    Catalog,
    /// The table `table_name` names.
    Table(Verb),
    /// The routine of this kind its `procedure_name` or `function_name` names.
    Routine(RoutineKind),
}

fn dreamfactory_target(tool: DfTool) -> Target {
    match tool {
        DfTool::GetDataModel
        | DfTool::GetTables
        | DfTool::GetStoredProcedures
        | DfTool::GetStoredFunctions => Target::Catalog,
        DfTool::GetTableSchema
        | DfTool::GetTableFields
        | DfTool::GetTableRelationships
        | DfTool::GetTableData
        | DfTool::AggregateData => Target::Table(Verb::List),
        DfTool::CreateRecords => Target::Table(Verb::Insert),
        DfTool::UpdateRecords => Target::Table(Verb::Update),
        DfTool::DeleteRecords => Target::Table(Verb::Delete),
        DfTool::CallStoredProcedure => Target::Routine(RoutineKind::Procedure),
        DfTool::CallStoredFunction => Target::Routine(RoutineKind::Function),
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests;

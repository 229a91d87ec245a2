//! PostgreSQL specifics of DDL parsing: what a database built from the file would know, so
//! that parsing a schema gives the model that live introspection of it gives.
//!
//! - Names are resolved through the `search_path` the file sets (`SET search_path`,
//!   pg_dump's `set_config('search_path', '', false)`): a table created unqualified goes to
//!   its first schema, a reference goes to the first schema that has the table.
//! - Types are spelled as `format_type` prints them (`VARCHAR(45)` is `character varying(45)`)
//!   in a session whose `search_path` is `public`: user types outside `public` are qualified.
//!   Enum types and domains (`CREATE DOMAIN`) are resolved to what they mean.
//! - Defaults are spelled as `pg_get_expr` prints them (`DEFAULT 'x'` on a `varchar` column is
//!   `'x'::character varying`), `serial` columns get their sequence's `nextval(...)`.
//! - Unnamed constraints get the names PostgreSQL gives them (`t_pkey`, `t_a_b_key`,
//!   `t_a_fkey`, sequences `t_a_seq`).
//! - Partitions (`CREATE TABLE ... PARTITION OF`, `ALTER TABLE ... ATTACH PARTITION`) are
//!   left out, as live introspection leaves them out; `INHERITS` children get their parents'
//!   columns.
//! - `CREATE FUNCTION` and `CREATE AGGREGATE` give the return types that views use.
//! - `CREATE FUNCTION` and `CREATE PROCEDURE` give the routines ([`routines`] reads their
//!   signatures and resolves their types as `format_type` prints them),
//!   `COMMENT ON FUNCTION|PROCEDURE|ROUTINE` their comments, `DROP FUNCTION|PROCEDURE` removes
//!   them; aggregates, window and trigger functions, and routines of pseudo-types are left
//!   out with the warning live introspection gives (at the routine's name, not a line).

mod routines;

use std::collections::HashSet;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, BinaryOperator, ColumnDef, ColumnOption,
    CreateTable, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GeneratedAs, Ident,
    ObjectName, ObjectNamePart, Statement, TableConstraint, UnaryOperator,
    UserDefinedTypeRepresentation, Value,
};
use sqlparser::parser::Parser;

use super::names::{TableName, ident_name, same_name, table_name};
use super::postgres_types::{
    Lexeme, ParsedType, TypeName, display_name, lex, matching_close, parse_type, qualified_name,
    quote_ident, tokens_text, without_modifiers,
};
use super::source::{SourceText, sqlparser_dialect};
use super::table::enum_check;
use super::view::find_table;
use crate::model::{
    Column, DataType, Dialect, Key, RoutineKind, Table, TableKind, normalize_sql_type,
};
use crate::typemap;

/// The longest name PostgreSQL keeps (`NAMEDATALEN - 1` bytes).
const MAX_NAME_BYTES: usize = 63;

/// Words that end the base type of a `CREATE DOMAIN`.
const DOMAIN_STOP_WORDS: &[&str] = &["collate", "default", "constraint", "not", "null", "check"];

/// The values of a `CHECK` constraint as `pg_get_constraintdef` prints it (`CHECK ((status =
/// ANY (ARRAY['a'::text, 'b'::text])))`) when it limits one column to a list of strings:
/// the column and the values. Live introspection and DDL parsing read checks alike.
pub(crate) fn check_enum(definition: &str) -> Option<(String, Vec<String>)> {
    let text = definition.trim();
    let text = text
        .strip_prefix("CHECK")
        .or_else(|| text.strip_prefix("check"))
        .unwrap_or(text);
    let text = text
        .trim_end()
        .trim_end_matches("NOT VALID")
        .trim_end()
        .trim_end_matches("NO INHERIT");
    let dialect = sqlparser_dialect(Dialect::Postgres);
    let expr = Parser::new(dialect.as_ref())
        .try_with_sql(text)
        .ok()?
        .parse_expr()
        .ok()?;
    enum_check(Dialect::Postgres, &expr)
}

/// A type a column may have, resolved.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Resolved {
    /// As `format_type` prints it (lower case, qualified outside `public`).
    pub(super) canonical: String,
    /// The type a bare literal of the column becomes (no modifiers; a domain's base type).
    constant_type: String,
    /// What it means.
    pub(super) data_type: DataType,
    /// An enum's labels.
    pub(super) enum_values: Vec<String>,
    /// A domain's `NOT NULL`.
    pub(super) not_null: bool,
    /// A `serial` pseudo-type.
    serial: bool,
    /// A `DEFAULT NULL` is kept (PostgreSQL drops a plain null constant, not one coerced to
    /// a type modifier or a domain).
    keeps_null: bool,
}

impl Resolved {
    /// A built-in type.
    fn builtin(canonical: &str) -> Self {
        Self {
            data_type: typemap::data_type(Dialect::Postgres, &normalize_sql_type(canonical)),
            constant_type: without_modifiers(canonical),
            canonical: canonical.to_owned(),
            enum_values: Vec::new(),
            not_null: false,
            serial: false,
            keeps_null: canonical.contains('('),
        }
    }

    /// The type as the model spells it.
    pub(super) fn sql_type(&self) -> String {
        normalize_sql_type(&self.canonical)
    }
}

/// A type the file creates.
#[derive(Debug, Clone)]
struct UserType {
    schema: String,
    name: String,
    kind: UserTypeKind,
}

#[derive(Debug, Clone)]
enum UserTypeKind {
    /// An enum type and its labels.
    Enum(Vec<String>),
    /// A domain: its base type and its own `NOT NULL`.
    Domain(Box<Resolved>, bool),
    /// A composite type (`CREATE TYPE t AS (a int, b text)`): its attributes' names and
    /// declared types. Served as text.
    Composite(Vec<(String, String)>),
    /// Another type (a range, a base type): known by name only, served as text.
    Other,
}

/// A function or aggregate the file creates, for the types of views.
#[derive(Debug, Clone)]
struct Function {
    schema: String,
    name: String,
    arguments: usize,
    /// Its return type (normalized).
    returns: String,
}

/// What the file has created so far, and where unqualified names go.
#[derive(Debug, Clone)]
pub(super) struct Catalog {
    search_path: Vec<String>,
    schemas: Vec<String>,
    types: Vec<UserType>,
    functions: Vec<Function>,
    /// Sequences, `(schema, name)`.
    sequences: Vec<(String, String)>,
    /// Names of relations and constraints taken, `(schema, name)`.
    taken: HashSet<(String, String)>,
    /// Table columns whose enum values are their enum type's labels (not a `CHECK`'s):
    /// `(schema, table, column)`, refreshed at the end (`ALTER TYPE ... ADD VALUE`).
    labelled: HashSet<(Option<String>, String, String)>,
    /// Tables attached to a partitioned table: they are left out.
    partitions: Vec<TableName>,
    /// The functions, procedures and aggregates created so far, in file order.
    routines: Vec<routines::DeclaredRoutine>,
}

impl Default for Catalog {
    fn default() -> Self {
        Self {
            search_path: vec!["public".to_owned()],
            schemas: vec!["public".to_owned()],
            types: Vec::new(),
            functions: Vec::new(),
            sequences: Vec::new(),
            taken: HashSet::new(),
            labelled: HashSet::new(),
            partitions: Vec::new(),
            routines: Vec::new(),
        }
    }
}

/// What [`Catalog::read_statement`] made of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Handled {
    /// Not one of its statements: the reader goes on with it.
    No,
    /// Read.
    Yes,
    /// Read, with a note for the user.
    Warn(String),
}

impl Catalog {
    /// The `search_path` now.
    pub(super) fn search_path(&self) -> Vec<String> {
        self.search_path.clone()
    }

    /// The schema an unqualified name is created in.
    fn creation_schema(&self, path: &[String]) -> String {
        path.iter()
            .find(|schema| self.schemas.contains(schema))
            .or_else(|| path.first())
            .cloned()
            .unwrap_or_else(|| "public".to_owned())
    }

    fn add_schema(&mut self, schema: &str) {
        if !self.schemas.iter().any(|known| known == schema) {
            self.schemas.push(schema.to_owned());
        }
    }

    /// Reads the statements that sqlparser does not read (or not as PostgreSQL means them):
    /// `SET search_path`, `CREATE SCHEMA`, `CREATE SEQUENCE`, `CREATE DOMAIN`, `CREATE
    /// FUNCTION`, `CREATE AGGREGATE`, `ALTER TYPE ... ADD VALUE`, `ALTER TABLE ... ATTACH
    /// PARTITION`.
    pub(super) fn read_statement(&mut self, text: &str, tables: &mut [Table]) -> Handled {
        let first: String = text
            .trim_start()
            .chars()
            .take(7)
            .collect::<String>()
            .to_ascii_lowercase();
        if ![
            "set", "select", "create", "alter", "reset", "comment", "drop",
        ]
        .iter()
        .any(|word| first.starts_with(word))
        {
            return Handled::No;
        }
        let tokens = lex(text);
        let word = |at: usize| tokens.get(at).and_then(Lexeme::keyword).unwrap_or("");
        match (word(0), word(1)) {
            ("set", _) => {
                let at = if matches!(word(1), "session" | "local") {
                    2
                } else {
                    1
                };
                if word(at) == "search_path" {
                    let values = &tokens[(at + 2).min(tokens.len())..];
                    self.set_search_path(values);
                    return Handled::Yes;
                }
                Handled::No
            }
            ("reset", "search_path") => {
                self.search_path = vec!["public".to_owned()];
                Handled::Yes
            }
            ("select", _) => self.read_set_config(&tokens),
            ("create", _) => self.read_create(&tokens, tables),
            ("comment", "on") => self.read_comment_on_routine(&tokens, tables),
            ("drop", "function" | "procedure" | "routine" | "aggregate") => {
                self.read_drop_routines(&tokens, tables)
            }
            ("alter", "type") => self.read_alter_type(&tokens),
            ("alter", "table") => match self.read_add_identity(&tokens, tables) {
                Handled::No => self.read_attach_partition(&tokens, tables),
                handled => handled,
            },
            _ => Handled::No,
        }
    }

    /// `SET search_path = a, "B", 'c'` (the tokens after `=` or `TO`).
    fn set_search_path(&mut self, values: &[Lexeme]) {
        let mut path = Vec::new();
        for value in values {
            match value {
                Lexeme::Word { text, .. } if text != "default" => path.push(text.clone()),
                Lexeme::Word { .. } => path.push("public".to_owned()),
                Lexeme::Str(text) => path.extend(split_path(text)),
                _ => {}
            }
        }
        self.search_path = path
            .into_iter()
            .filter(|schema| schema != "$user" && schema != "pg_catalog")
            .collect();
    }

    /// `SELECT pg_catalog.set_config('search_path', '...', false)`.
    fn read_set_config(&mut self, tokens: &[Lexeme]) -> Handled {
        let Some(call) = tokens.iter().position(|t| t.is("set_config")) else {
            return Handled::No;
        };
        let arguments: Vec<&Lexeme> = tokens[call + 1..]
            .iter()
            .filter(|t| matches!(t, Lexeme::Str(_)))
            .collect();
        match arguments.as_slice() {
            [Lexeme::Str(name), Lexeme::Str(value), ..] if name == "search_path" => {
                self.search_path = split_path(value)
                    .into_iter()
                    .filter(|schema| schema != "$user" && schema != "pg_catalog")
                    .collect();
                Handled::Yes
            }
            _ => Handled::No,
        }
    }

    fn read_create(&mut self, tokens: &[Lexeme], tables: &[Table]) -> Handled {
        let mut at = 1;
        while tokens
            .get(at)
            .is_some_and(|t| t.is("or") || t.is("replace") || t.is("temporary") || t.is("temp"))
        {
            at += 1;
        }
        let object = tokens.get(at).and_then(Lexeme::keyword).unwrap_or("");
        at += 1;
        if tokens.get(at).is_some_and(|t| t.is("if")) {
            at += 3;
        }
        match object {
            "schema" => {
                if let Some(name) = tokens.get(at).and_then(Lexeme::name)
                    && !tokens.get(at).is_some_and(|t| t.is("authorization"))
                {
                    let name = name.to_owned();
                    self.add_schema(&name);
                }
                Handled::Yes
            }
            "sequence" => {
                if let Some((parts, _)) = qualified_name(tokens, at) {
                    let (schema, name) = self.created_name(parts);
                    self.taken.insert((schema.clone(), name.clone()));
                    self.sequences.push((schema, name));
                }
                Handled::Yes
            }
            "domain" => self.read_create_domain(tokens, at),
            "function" => self.read_create_routine(tokens, at, RoutineKind::Function, tables),
            "procedure" => self.read_create_routine(tokens, at, RoutineKind::Procedure, tables),
            "aggregate" => {
                self.read_create_aggregate(tokens, at);
                self.read_create_aggregate_routine(tokens, at, tables)
            }
            _ => Handled::No,
        }
    }

    /// The schema and name of an object created as `parts`.
    fn created_name(&self, mut parts: Vec<String>) -> (String, String) {
        let name = parts.pop().unwrap_or_default();
        let schema = parts
            .pop()
            .unwrap_or_else(|| self.creation_schema(&self.search_path));
        (schema, name)
    }

    /// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [constraints]`.
    fn read_create_domain(&mut self, tokens: &[Lexeme], at: usize) -> Handled {
        let Some((parts, mut at)) = qualified_name(tokens, at) else {
            return Handled::No;
        };
        if tokens.get(at).is_some_and(|t| t.is("as")) {
            at += 1;
        }
        let start = at;
        while at < tokens.len() {
            match &tokens[at] {
                Lexeme::Punct('(' | '[') => at = matching_close(tokens, at) + 1,
                token
                    if token
                        .keyword()
                        .is_some_and(|w| DOMAIN_STOP_WORDS.contains(&w)) =>
                {
                    break;
                }
                Lexeme::Punct(';') => break,
                _ => at += 1,
            }
        }
        let base_text = tokens_text(&tokens[start..at]);
        let mut not_null = false;
        let mut depth = 0usize;
        for (index, token) in tokens.iter().enumerate().skip(at) {
            match token {
                Lexeme::Punct('(') => depth += 1,
                Lexeme::Punct(')') => depth = depth.saturating_sub(1),
                _ if depth == 0
                    && token.is("not")
                    && tokens.get(index + 1).is_some_and(|t| t.is("null")) =>
                {
                    not_null = true;
                }
                _ => {}
            }
        }
        let path = self.search_path.clone();
        let Some(base) = self.resolve_type(&base_text, &path) else {
            return Handled::Warn(format!(
                "the base type {base_text} of domain {} is not understood; its columns are \
                 served as text",
                parts.join(".")
            ));
        };
        let (schema, name) = self.created_name(parts);
        self.types.push(UserType {
            schema,
            name,
            kind: UserTypeKind::Domain(Box::new(base), not_null),
        });
        Handled::Yes
    }

    /// `CREATE AGGREGATE name (args) (SFUNC = f, STYPE = t [, FINALFUNC = ff])`: it returns
    /// what its final function returns, else its state type.
    fn read_create_aggregate(&mut self, tokens: &[Lexeme], at: usize) {
        let Some((parts, at)) = qualified_name(tokens, at) else {
            return;
        };
        if tokens.get(at) != Some(&Lexeme::Punct('(')) {
            return;
        }
        let close = matching_close(tokens, at);
        let mut arguments = count_arguments(&tokens[at + 1..close]);
        let (options_start, options_end) = if tokens.get(close + 1) == Some(&Lexeme::Punct('(')) {
            (close + 2, matching_close(tokens, close + 1))
        } else {
            // The old syntax: `CREATE AGGREGATE name (BASETYPE = t, SFUNC = f, STYPE = t)`.
            arguments = 1;
            (at + 1, close)
        };
        let mut state_type = None;
        let mut final_function = None;
        for option in tokens[options_start..options_end].split(|t| *t == Lexeme::Punct(',')) {
            let Some(equals) = option.iter().position(|t| *t == Lexeme::Punct('=')) else {
                continue;
            };
            let value = &option[equals + 1..];
            match option.first().and_then(Lexeme::keyword) {
                Some("stype") => state_type = Some(tokens_text(value)),
                Some("finalfunc") => final_function = qualified_name(value, 0).map(|(p, _)| p),
                _ => {}
            }
        }
        let path = self.search_path.clone();
        let returns = match final_function {
            Some(function) => self.function_type(&function, None, &path),
            None => state_type
                .and_then(|state| self.resolve_type(&state, &path))
                .map(|resolved| resolved.sql_type()),
        };
        if let Some(returns) = returns {
            let (schema, name) = self.created_name(parts);
            self.functions.push(Function {
                schema,
                name,
                arguments,
                returns,
            });
        }
    }

    /// `ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'x' [BEFORE | AFTER 'y']` and `ALTER TYPE
    /// name RENAME VALUE 'x' TO 'y'`.
    fn read_alter_type(&mut self, tokens: &[Lexeme]) -> Handled {
        let Some((parts, at)) = qualified_name(tokens, 2) else {
            return Handled::No;
        };
        let strings: Vec<&str> = tokens[at..]
            .iter()
            .filter_map(|t| match t {
                Lexeme::Str(text) => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let word = |index: usize| tokens.get(index).and_then(Lexeme::keyword).unwrap_or("");
        let path = self.search_path.clone();
        let Some(index) = self.find_type(&parts, &path) else {
            return Handled::No;
        };
        let UserTypeKind::Enum(labels) = &mut self.types[index].kind else {
            return Handled::No;
        };
        match (word(at), word(at + 1)) {
            ("add", "value") => {
                let Some(label) = strings.first() else {
                    return Handled::No;
                };
                if labels.iter().any(|l| l == label) {
                    return Handled::Yes;
                }
                let position = match (tokens.iter().position(|t| t.is("before")), strings.get(1)) {
                    (Some(_), Some(other)) => labels.iter().position(|l| l == other),
                    (None, Some(other)) => labels.iter().position(|l| l == other).map(|p| p + 1),
                    _ => None,
                };
                labels.insert(position.unwrap_or(labels.len()), (*label).to_owned());
                Handled::Yes
            }
            ("rename", "value") => {
                if let [from, to, ..] = strings.as_slice()
                    && let Some(label) = labels.iter_mut().find(|l| l == from)
                {
                    (*to).clone_into(label);
                }
                Handled::Yes
            }
            _ => Handled::No,
        }
    }

    /// `ALTER TABLE [ONLY] t ALTER [COLUMN] c ADD GENERATED { ALWAYS | BY DEFAULT } AS
    /// IDENTITY [( sequence options )]`, as pg_dump writes identity columns: the column is
    /// filled in by the database. (sqlparser does not read the `SEQUENCE NAME` option.)
    fn read_add_identity(&mut self, tokens: &[Lexeme], tables: &mut [Table]) -> Handled {
        let mut at = 2;
        while tokens
            .get(at)
            .is_some_and(|t| t.is("only") || t.is("if") || t.is("exists"))
        {
            at += 1;
        }
        let Some((parts, mut at)) = qualified_name(tokens, at) else {
            return Handled::No;
        };
        if tokens.get(at) == Some(&Lexeme::Punct('*')) {
            at += 1;
        }
        if !tokens.get(at).is_some_and(|t| t.is("alter")) {
            return Handled::No;
        }
        at += 1;
        if tokens.get(at).is_some_and(|t| t.is("column")) {
            at += 1;
        }
        let Some(column) = tokens.get(at).and_then(Lexeme::name).map(str::to_owned) else {
            return Handled::No;
        };
        let adds_identity = tokens.get(at + 1).is_some_and(|t| t.is("add"))
            && tokens.get(at + 2).is_some_and(|t| t.is("generated"))
            && tokens.iter().skip(at + 3).any(|t| t.is("identity"));
        let always = tokens.get(at + 3).is_some_and(|t| t.is("always"));
        if !adds_identity {
            return Handled::No;
        }
        let path = self.search_path.clone();
        let name = self.resolve_table_parts(parts, tables, &path);
        if let Some(index) = find_table(tables, &name)
            && let Some(column) = tables[index]
                .columns
                .iter_mut()
                .find(|c| same_name(&c.name, &column))
        {
            column.generated = true;
            column.computed = always;
            column.nullable = false;
            column.default = None;
        }
        Handled::Yes
    }

    /// `ALTER TABLE [ONLY] parent ATTACH PARTITION child ...`: the child is left out.
    fn read_attach_partition(&mut self, tokens: &[Lexeme], tables: &[Table]) -> Handled {
        let Some(attach) = tokens.iter().position(|t| t.is("attach")) else {
            return Handled::No;
        };
        if !tokens.get(attach + 1).is_some_and(|t| t.is("partition")) {
            return Handled::No;
        }
        if let Some((parts, _)) = qualified_name(tokens, attach + 2) {
            let path = self.search_path.clone();
            let name = self.resolve_table_parts(parts, tables, &path);
            self.partitions.push(name);
        }
        Handled::Yes
    }

    /// The index of the type `parts` names (through `path` when unqualified).
    fn find_type(&self, parts: &[String], path: &[String]) -> Option<usize> {
        let (schemas, name): (Vec<String>, &String) = match parts {
            [name] => (path.to_vec(), name),
            [.., schema, name] => (vec![schema.clone()], name),
            [] => return None,
        };
        schemas.iter().find_map(|schema| {
            self.types
                .iter()
                .rposition(|t| t.schema == *schema && t.name == *name)
        })
    }

    /// What the declared type `text` means, with names resolved through `path`.
    pub(super) fn resolve_type(&self, text: &str, path: &[String]) -> Option<Resolved> {
        let ParsedType {
            base,
            array,
            serial,
        } = parse_type(text)?;
        let mut resolved = match base {
            TypeName::Builtin(canonical) => Resolved::builtin(&canonical),
            TypeName::Other {
                schema,
                name,
                modifiers,
            } => {
                let parts: Vec<String> = schema.iter().cloned().chain([name.clone()]).collect();
                match self.find_type(&parts, path) {
                    Some(index) => {
                        let found = &self.types[index];
                        let display = display_name(Some(&found.schema), &found.name);
                        match &found.kind {
                            UserTypeKind::Enum(labels) => Resolved {
                                constant_type: display.clone(),
                                canonical: display,
                                data_type: DataType::Enum,
                                enum_values: labels.clone(),
                                not_null: false,
                                serial: false,
                                keeps_null: false,
                            },
                            UserTypeKind::Domain(base, not_null) => Resolved {
                                constant_type: base.constant_type.clone(),
                                canonical: display,
                                data_type: base.data_type.clone(),
                                enum_values: base.enum_values.clone(),
                                not_null: *not_null || base.not_null,
                                serial: false,
                                keeps_null: true,
                            },
                            UserTypeKind::Composite(_) | UserTypeKind::Other => {
                                Resolved::builtin(&display)
                            }
                        }
                    }
                    None => {
                        let display = format!(
                            "{}{}",
                            display_name(schema.as_deref(), &name),
                            modifiers.unwrap_or_default()
                        );
                        Resolved::builtin(&display)
                    }
                }
            }
        };
        resolved.serial = serial;
        if array {
            resolved = Resolved {
                keeps_null: resolved.canonical.contains('('),
                canonical: format!("{}[]", resolved.canonical),
                constant_type: format!("{}[]", without_modifiers(&resolved.canonical)),
                data_type: DataType::Array {
                    element: Box::new(resolved.data_type),
                },
                enum_values: resolved.enum_values,
                not_null: false,
                serial: false,
            };
        }
        Some(resolved)
    }

    /// The type (normalized) of a column whose normalized type is `sql_type`, when it is a
    /// user type: what it means.
    pub(super) fn resolve_normalized(&self, sql_type: &str) -> Option<Resolved> {
        let (element, array) = match sql_type.strip_suffix("[]") {
            Some(element) => (element, true),
            None => (sql_type, false),
        };
        let found = self
            .types
            .iter()
            .rev()
            .find(|t| normalize_sql_type(&display_name(Some(&t.schema), &t.name)) == element)?;
        let text = format!(
            "{}.{}{}",
            quote_ident(&found.schema),
            quote_ident(&found.name),
            if array { "[]" } else { "" }
        );
        self.resolve_type(&text, &[])
    }

    /// The return type (normalized) of the function `parts` called with `arguments`
    /// arguments, when the file creates it.
    pub(super) fn function_type(
        &self,
        parts: &[String],
        arguments: Option<usize>,
        path: &[String],
    ) -> Option<String> {
        let (schemas, name): (Vec<String>, &String) = match parts {
            [name] => (path.to_vec(), name),
            [.., schema, name] => (vec![schema.clone()], name),
            [] => return None,
        };
        let candidates: Vec<&Function> = schemas
            .iter()
            .flat_map(|schema| {
                self.functions
                    .iter()
                    .filter(move |f| f.schema == *schema && f.name == *name)
            })
            .collect();
        candidates
            .iter()
            .find(|f| arguments.is_none_or(|count| f.arguments == count))
            .or_else(|| candidates.first())
            .map(|f| f.returns.clone())
    }

    /// The table `parts` names: through `path` when unqualified (the first schema that has
    /// it, else the first schema).
    fn resolve_table_parts(
        &self,
        mut parts: Vec<String>,
        tables: &[Table],
        path: &[String],
    ) -> TableName {
        let name = parts.pop().unwrap_or_default();
        let schema = match parts.pop() {
            Some(schema) => schema,
            None => path
                .iter()
                .find(|schema| {
                    let candidate = TableName {
                        schema: default_to_none(schema),
                        name: name.clone(),
                    };
                    find_exact(tables, &candidate).is_some()
                })
                .cloned()
                .unwrap_or_else(|| self.creation_schema(path)),
        };
        TableName {
            schema: default_to_none(&schema),
            name,
        }
    }

    /// Qualifies the unqualified names of a statement through the `search_path`, so that
    /// the rest of the reader sees every table in its schema; records enum types.
    pub(super) fn qualify(&mut self, statement: &mut Statement, tables: &[Table]) {
        let path = self.search_path.clone();
        let created = self.creation_schema(&path);
        match statement {
            Statement::CreateTable(create) => {
                qualify_with(&mut create.name, &created);
                for column in &mut create.columns {
                    for option in &mut column.options {
                        if let ColumnOption::ForeignKey(key) = &mut option.option {
                            self.qualify_reference(&mut key.foreign_table, tables, &path);
                        }
                    }
                }
                for constraint in &mut create.constraints {
                    if let TableConstraint::ForeignKey(key) = constraint {
                        self.qualify_reference(&mut key.foreign_table, tables, &path);
                    }
                }
                for parent in create.inherits.iter_mut().flatten() {
                    self.qualify_reference(parent, tables, &path);
                }
                if let Some(name) = table_name(Dialect::Postgres, &create.name) {
                    let schema = name.schema.unwrap_or_else(|| "public".to_owned());
                    self.add_schema(&schema);
                    self.taken.insert((schema, name.name));
                }
            }
            Statement::CreateView(create) => {
                qualify_with(&mut create.name, &created);
                if let Some(name) = table_name(Dialect::Postgres, &create.name) {
                    let schema = name.schema.unwrap_or_else(|| "public".to_owned());
                    self.taken.insert((schema, name.name));
                }
            }
            Statement::CreateIndex(index) => {
                self.qualify_reference(&mut index.table_name, tables, &path);
            }
            Statement::AlterTable(alter) => {
                self.qualify_reference(&mut alter.name, tables, &path);
                for operation in &mut alter.operations {
                    match operation {
                        AlterTableOperation::AddConstraint {
                            constraint: TableConstraint::ForeignKey(key),
                            ..
                        } => self.qualify_reference(&mut key.foreign_table, tables, &path),
                        AlterTableOperation::AddColumn { column_def, .. } => {
                            for option in &mut column_def.options {
                                if let ColumnOption::ForeignKey(key) = &mut option.option {
                                    self.qualify_reference(&mut key.foreign_table, tables, &path);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Statement::Comment {
                object_type,
                object_name,
                ..
            } => {
                use sqlparser::ast::CommentObject;
                match object_type {
                    CommentObject::Table
                    | CommentObject::View
                    | CommentObject::MaterializedView => {
                        self.qualify_reference(object_name, tables, &path);
                    }
                    CommentObject::Column if object_name.0.len() == 2 => {
                        let column = object_name.0.pop();
                        self.qualify_reference(object_name, tables, &path);
                        object_name.0.extend(column);
                    }
                    _ => {}
                }
            }
            Statement::CreateType {
                name,
                representation,
            } => {
                qualify_with(name, &created);
                let parts: Vec<String> = name
                    .0
                    .iter()
                    .filter_map(ObjectNamePart::as_ident)
                    .map(|ident| ident_name(Dialect::Postgres, ident))
                    .collect();
                let (schema, type_name) = self.created_name(parts);
                let kind = match representation {
                    Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                        UserTypeKind::Enum(labels.iter().map(|l| l.value.clone()).collect())
                    }
                    Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
                        UserTypeKind::Composite(
                            attributes
                                .iter()
                                .map(|attribute| {
                                    (
                                        ident_name(Dialect::Postgres, &attribute.name),
                                        attribute.data_type.to_string(),
                                    )
                                })
                                .collect(),
                        )
                    }
                    _ => UserTypeKind::Other,
                };
                self.types.push(UserType {
                    schema,
                    name: type_name,
                    kind,
                });
            }
            _ => {}
        }
    }

    /// Qualifies the table reference `name` when it is unqualified.
    fn qualify_reference(&self, name: &mut ObjectName, tables: &[Table], path: &[String]) {
        if name.0.len() != 1 {
            return;
        }
        let parts = vec![
            name.0[0]
                .as_ident()
                .map(|ident| ident_name(Dialect::Postgres, ident))
                .unwrap_or_default(),
        ];
        let resolved = self.resolve_table_parts(parts, tables, path);
        qualify_with(name, resolved.schema.as_deref().unwrap_or("public"));
    }

    /// A table the file creates: PostgreSQL's types, defaults and constraint names, and the
    /// columns of the tables it inherits from.
    pub(super) fn created_table(
        &mut self,
        table: &mut Table,
        create: &CreateTable,
        source: &SourceText<'_>,
        tables: &[Table],
    ) {
        let definitions: Vec<&ColumnDef> = create.columns.iter().collect();
        self.finish_columns(table, &definitions, source);
        if let Some(parents) = &create.inherits {
            let mut columns: Vec<Column> = Vec::new();
            for parent in parents {
                let Some(parent) = table_name(Dialect::Postgres, parent)
                    .and_then(|name| find_table(tables, &name))
                else {
                    continue;
                };
                let parent = &tables[parent];
                for column in &parent.columns {
                    let mut column = column.clone();
                    column.comment = None;
                    let labelled = (
                        parent.schema.clone(),
                        parent.name.clone(),
                        column.name.clone(),
                    );
                    if self.labelled.contains(&labelled) {
                        self.labelled.insert((
                            table.schema.clone(),
                            table.name.clone(),
                            column.name.clone(),
                        ));
                    }
                    merge_column(&mut columns, column);
                }
            }
            for column in std::mem::take(&mut table.columns) {
                merge_column(&mut columns, column);
            }
            table.columns = columns;
        }
        self.name_constraints(table);
    }

    /// A table changed by `ALTER TABLE`: the columns it adds, the changes to its columns,
    /// the names of the constraints it adds.
    pub(super) fn altered_table(
        &mut self,
        table: &mut Table,
        operations: &[AlterTableOperation],
        source: &SourceText<'_>,
    ) {
        let added: Vec<&ColumnDef> = operations
            .iter()
            .filter_map(|operation| match operation {
                AlterTableOperation::AddColumn { column_def, .. } => Some(column_def),
                _ => None,
            })
            .collect();
        self.finish_columns(table, &added, source);
        for operation in operations {
            let AlterTableOperation::AlterColumn { column_name, op } = operation else {
                continue;
            };
            let name = ident_name(Dialect::Postgres, column_name);
            let Some(column) = table
                .columns
                .iter_mut()
                .find(|column| same_name(&column.name, &name))
            else {
                continue;
            };
            match op {
                AlterColumnOperation::SetNotNull => column.nullable = false,
                AlterColumnOperation::DropNotNull => column.nullable = true,
                AlterColumnOperation::SetDefault { value } => {
                    let resolved = self
                        .resolve_normalized(&column.sql_type)
                        .unwrap_or_else(|| resolved_from_column(column));
                    column.default = self.render_default(value, &resolved);
                    if column.default.as_deref().is_some_and(is_sequence_default) {
                        column.generated = true;
                    }
                }
                AlterColumnOperation::DropDefault => column.default = None,
                AlterColumnOperation::AddGenerated { generated_as, .. } => {
                    column.generated = true;
                    column.computed = matches!(generated_as, Some(GeneratedAs::Always));
                    column.nullable = false;
                    column.default = None;
                }
                AlterColumnOperation::SetDataType { .. } => {}
            }
        }
        self.name_constraints(table);
    }

    /// Types, defaults and `serial`s of the columns `definitions` of `table`.
    fn finish_columns(
        &mut self,
        table: &mut Table,
        definitions: &[&ColumnDef],
        source: &SourceText<'_>,
    ) {
        let path = self.search_path.clone();
        let schema = table.schema.clone().unwrap_or_else(|| "public".to_owned());
        for definition in definitions {
            let name = ident_name(Dialect::Postgres, &definition.name);
            let text = source.column_text(definition.name.span.start);
            let declared = text
                .sql_type
                .map_or_else(|| definition.data_type.to_string(), str::to_owned);
            let Some(resolved) = self.resolve_type(&declared, &path) else {
                continue;
            };
            let default_expr = definition
                .options
                .iter()
                .find_map(|option| match &option.option {
                    ColumnOption::Default(expr) => Some(expr),
                    _ => None,
                });
            let default = match default_expr {
                Some(expr) => self.render_default(expr, &resolved),
                None if resolved.serial => {
                    let sequence =
                        self.choose_name(&schema, &table.name, Some(&name), "seq", false);
                    self.taken.insert((schema.clone(), sequence.clone()));
                    self.sequences.push((schema.clone(), sequence.clone()));
                    Some(format!(
                        "nextval('{}'::regclass)",
                        display_name(Some(&schema), &sequence).replace('\'', "''")
                    ))
                }
                None => None,
            };
            let Some(column) = table.columns.iter_mut().find(|c| c.name == name) else {
                continue;
            };
            column.sql_type = resolved.sql_type();
            column.data_type = resolved.data_type.clone();
            if column.enum_values.is_empty() && !resolved.enum_values.is_empty() {
                column.enum_values = resolved.enum_values.clone();
                self.labelled
                    .insert((table.schema.clone(), table.name.clone(), name.clone()));
            } else if !resolved.enum_values.is_empty() {
                column.enum_values = crate::introspect::postgres::checked_enum_values(
                    &resolved.enum_values,
                    std::mem::take(&mut column.enum_values),
                );
            }
            // A domain's NOT NULL holds for its columns; serial and identity columns are
            // NOT NULL.
            let identity = definition.options.iter().any(|option| {
                matches!(
                    &option.option,
                    ColumnOption::Generated {
                        generation_expr: None,
                        ..
                    } | ColumnOption::Identity(_)
                )
            });
            if resolved.not_null || resolved.serial || identity {
                column.nullable = false;
            }
            if column.generated && default.is_none() {
                // An identity or generated column: no default.
                column.default = None;
            } else {
                column.default = default;
            }
            if resolved.serial || column.default.as_deref().is_some_and(is_sequence_default) {
                column.generated = true;
            }
        }
    }

    /// Gives the unnamed primary, unique and foreign keys of `table` PostgreSQL's names.
    fn name_constraints(&mut self, table: &mut Table) {
        let schema = table.schema.clone().unwrap_or_else(|| "public".to_owned());
        self.taken.insert((schema.clone(), table.name.clone()));
        if let Some(key) = &mut table.primary_key {
            match &key.name {
                Some(name) => {
                    self.taken.insert((schema.clone(), name.clone()));
                }
                None => {
                    let name = self.choose_name(&schema, &table.name, None, "pkey", true);
                    self.taken.insert((schema.clone(), name.clone()));
                    key.name = Some(name);
                }
            }
        }
        for key in &mut table.unique_keys {
            match &key.name {
                Some(name) => {
                    self.taken.insert((schema.clone(), name.clone()));
                }
                None => {
                    let columns = name_addition(&key.columns);
                    let name = self.choose_name(&schema, &table.name, Some(&columns), "key", true);
                    self.taken.insert((schema.clone(), name.clone()));
                    key.name = Some(name);
                }
            }
        }
        for key in &mut table.foreign_keys {
            match &key.name {
                Some(name) => {
                    self.taken.insert((schema.clone(), name.clone()));
                }
                None => {
                    let columns = name_addition(&key.columns);
                    let name = self.choose_name(&schema, &table.name, Some(&columns), "fkey", true);
                    self.taken.insert((schema.clone(), name.clone()));
                    key.name = Some(name);
                }
            }
        }
    }

    /// PostgreSQL's `ChooseRelationName`: `name1_name2_label` cut to 63 bytes, with a number
    /// after the label until the name is free in `schema`.
    fn choose_name(
        &self,
        schema: &str,
        name1: &str,
        name2: Option<&str>,
        label: &str,
        _constraint: bool,
    ) -> String {
        let mut pass = 0;
        loop {
            let label = if pass == 0 {
                label.to_owned()
            } else {
                format!("{label}{pass}")
            };
            let name = make_object_name(name1, name2, &label);
            if !self.taken.contains(&(schema.to_owned(), name.clone())) {
                return name;
            }
            pass += 1;
        }
    }

    /// A table created `PARTITION OF` another: left out at the end, as live introspection
    /// leaves partitions out (the statements about it until then apply to it harmlessly).
    pub(super) fn partition(&mut self, table: &Table) {
        self.partitions.push(TableName {
            schema: table.schema.clone(),
            name: table.name.clone(),
        });
    }

    /// A unique index the file creates (its name taken).
    pub(super) fn unique_index(&mut self, table: &Table, key: &mut Key) {
        let schema = table.schema.clone().unwrap_or_else(|| "public".to_owned());
        let name = match &key.name {
            Some(name) => name.clone(),
            None => {
                let columns = name_addition(&key.columns);
                self.choose_name(&schema, &table.name, Some(&columns), "idx", false)
            }
        };
        self.taken.insert((schema, name.clone()));
        key.name = Some(name);
    }

    /// The last steps, once every statement is read: partitions left out, view columns of
    /// enum types and domains resolved, keys in their final order.
    pub(super) fn finish(&self, tables: &mut Vec<Table>, lines: &mut Vec<u64>) {
        let kept: Vec<bool> = tables
            .iter()
            .map(|table| {
                !self.partitions.iter().any(|partition| {
                    partition.name == table.name && partition.schema == table.schema
                })
            })
            .collect();
        let mut keep = kept.iter();
        tables.retain(|_| keep.next().copied().unwrap_or(true));
        let mut keep = kept.iter();
        lines.retain(|_| keep.next().copied().unwrap_or(true));
        for table in tables.iter_mut() {
            for column in &mut table.columns {
                let key = (
                    table.schema.clone(),
                    table.name.clone(),
                    column.name.clone(),
                );
                let from_type = table.kind == TableKind::View || self.labelled.contains(&key);
                if from_type && let Some(resolved) = self.resolve_normalized(&column.sql_type) {
                    column.data_type = resolved.data_type;
                    column.enum_values = resolved.enum_values;
                }
            }
            crate::introspect::postgres::finish_keys(table);
        }
    }

    /// The default `expr` of a column of type `column`, as `pg_get_expr` prints it (`None`
    /// for `DEFAULT NULL`, which PostgreSQL does not keep).
    pub(super) fn render_default(&self, expr: &Expr, column: &Resolved) -> Option<String> {
        let mut inner = expr;
        while let Expr::Nested(nested) = inner {
            inner = nested;
        }
        if let Expr::Value(value) = inner
            && value.value == Value::Null
        {
            return column
                .keeps_null
                .then(|| format!("NULL::{}", column.constant_type));
        }
        if let Expr::Cast {
            expr: cast,
            data_type,
            ..
        } = inner
            && matches!(cast.as_ref(), Expr::Value(value) if value.value == Value::Null)
        {
            let target = self
                .resolve_type(&data_type.to_string(), &self.search_path)
                .map_or_else(|| data_type.to_string().to_lowercase(), |r| r.canonical);
            let plain = target == column.canonical && !column.keeps_null;
            return (!plain).then(|| format!("NULL::{target}"));
        }
        Some(self.deparse(inner, Some(&column.constant_type)))
    }

    /// `expr` as PostgreSQL's `ruleutils` prints it, as far as defaults go: an untyped
    /// literal takes `hint` as its type.
    fn deparse(&self, expr: &Expr, hint: Option<&str>) -> String {
        match expr {
            Expr::Nested(inner) => self.deparse(inner, hint),
            Expr::Value(value) => match &value.value {
                Value::Number(number, _) => number_constant(number, false),
                Value::Boolean(true) => "true".to_owned(),
                Value::Boolean(false) => "false".to_owned(),
                Value::Null => "NULL".to_owned(),
                other => match string_value(other) {
                    Some(text) => self.typed_constant(&text, hint.unwrap_or("text")),
                    None => other.to_string(),
                },
            },
            Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr: inner,
            } => match inner.as_ref() {
                Expr::Value(value) if matches!(value.value, Value::Number(..)) => {
                    let Value::Number(number, _) = &value.value else {
                        unreachable!("matched above")
                    };
                    number_constant(number, true)
                }
                other => format!("(- {})", self.deparse(other, hint)),
            },
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: inner,
            } => format!("(NOT {})", self.deparse(inner, Some("boolean"))),
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => format!(
                "({} AT TIME ZONE {})",
                self.deparse(timestamp, None),
                self.deparse(time_zone, Some("text"))
            ),
            Expr::Cast {
                expr: inner,
                data_type,
                ..
            } => {
                let target = self
                    .resolve_type(&data_type.to_string(), &self.search_path)
                    .map_or_else(|| data_type.to_string().to_lowercase(), |r| r.canonical);
                self.deparse_cast(inner, &target)
            }
            // `DATE '2024-01-01'`: a constant of that type, `'2024-01-01'::date`.
            Expr::TypedString(typed) => {
                let target = self
                    .resolve_type(&typed.data_type.to_string(), &self.search_path)
                    .map_or_else(
                        || typed.data_type.to_string().to_lowercase(),
                        |r| r.canonical,
                    );
                match string_value(&typed.value.value) {
                    Some(text) => self.typed_constant(&text, &target),
                    None => typed.value.to_string(),
                }
            }
            Expr::Function(function) => {
                let mut parts: Vec<String> = function
                    .name
                    .0
                    .iter()
                    .filter_map(ObjectNamePart::as_ident)
                    .map(|ident| ident_name(Dialect::Postgres, ident))
                    .collect();
                let name = parts.pop().unwrap_or_default();
                let schema = parts.pop();
                if matches!(function.args, FunctionArguments::None)
                    && let Some(keyword) = sql_value_function(&name)
                {
                    return keyword.to_owned();
                }
                let arguments: Vec<String> = match &function.args {
                    FunctionArguments::List(list) => list
                        .args
                        .iter()
                        .enumerate()
                        .map(|(index, argument)| match argument {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => {
                                let hint = if index == 0
                                    && matches!(name.as_str(), "nextval" | "currval" | "setval")
                                {
                                    "regclass"
                                } else {
                                    "text"
                                };
                                self.deparse(expr, Some(hint))
                            }
                            other => other.to_string(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let name = match (schema, sql_value_function(&name)) {
                    (None, Some(keyword)) => keyword.to_owned(),
                    (schema, _) => display_name(schema.as_deref(), &name),
                };
                format!("{name}({})", arguments.join(", "))
            }
            Expr::Identifier(ident) => {
                let name = ident_name(Dialect::Postgres, ident);
                match sql_value_function(&name) {
                    Some(keyword) if ident.quote_style.is_none() => keyword.to_owned(),
                    _ => quote_ident(&name),
                }
            }
            Expr::BinaryOp { left, op, right } => {
                let hint_for = |other: &Expr| -> &'static str {
                    if matches!(op, BinaryOperator::Plus | BinaryOperator::Minus)
                        && is_time_valued(other)
                    {
                        "interval"
                    } else {
                        "text"
                    }
                };
                format!(
                    "({} {op} {})",
                    self.deparse(left, Some(hint_for(right))),
                    self.deparse(right, Some(hint_for(left)))
                )
            }
            Expr::Array(array) => {
                let elements: Vec<String> = array
                    .elem
                    .iter()
                    .map(|element| self.deparse(element, hint.map(|h| h.trim_end_matches("[]"))))
                    .collect();
                format!("ARRAY[{}]", elements.join(", "))
            }
            other => other.to_string(),
        }
    }

    /// `inner::target` as `ruleutils` prints it.
    fn deparse_cast(&self, inner: &Expr, target: &str) -> String {
        let mut inner = inner;
        while let Expr::Nested(nested) = inner {
            inner = nested;
        }
        let has_modifiers = target.contains('(');
        match inner {
            Expr::Value(value) => {
                if let Some(text) = string_value(&value.value) {
                    if has_modifiers {
                        // A constant without modifiers, then a length coercion.
                        return format!("{}::{target}", Self::bare_constant(&text, target));
                    }
                    return self.typed_constant(&text, target);
                }
                if let Value::Number(number, _) = &value.value {
                    let natural = natural_number_type(number);
                    if natural == target {
                        return number_constant(number, false);
                    }
                    return format!("({})::{target}", number_constant(number, false));
                }
                format!("({})::{target}", self.deparse(inner, None))
            }
            Expr::Array(array) if array.elem.is_empty() => format!("ARRAY[]::{target}"),
            other => format!("({})::{target}", self.deparse(other, None)),
        }
    }

    /// A string constant of type `type_name` as `get_const_expr` prints it.
    fn typed_constant(&self, text: &str, type_name: &str) -> String {
        match type_name {
            "boolean" => match boolean_value(text) {
                Some(true) => "true".to_owned(),
                Some(false) => "false".to_owned(),
                None => format!("{}::boolean", quote_literal(text)),
            },
            "integer" => match text.trim().parse::<i32>() {
                Ok(value) if value >= 0 => value.to_string(),
                Ok(value) => format!("'{value}'::integer"),
                Err(_) => format!("{}::integer", quote_literal(text)),
            },
            "smallint" | "bigint" => match text.trim().parse::<i64>() {
                Ok(value) => format!("'{value}'::{type_name}"),
                Err(_) => format!("{}::{type_name}", quote_literal(text)),
            },
            "numeric" => {
                let value = normalize_decimal(text.trim()).unwrap_or_else(|| text.to_owned());
                if looks_like_float(&value) {
                    value
                } else {
                    format!("{}::numeric", quote_literal(&value))
                }
            }
            "regclass" => format!("{}::regclass", quote_literal(&self.regclass_name(text))),
            other => format!("{}::{other}", quote_literal(text)),
        }
    }

    /// A string constant printed without its type (before an explicit length coercion).
    fn bare_constant(text: &str, type_name: &str) -> String {
        let base = without_modifiers(type_name);
        match base.as_str() {
            "numeric" => {
                let value = normalize_decimal(text.trim()).unwrap_or_else(|| text.to_owned());
                if looks_like_float(&value) {
                    value
                } else {
                    quote_literal(&value)
                }
            }
            _ => quote_literal(text),
        }
    }

    /// The relation a `regclass` constant names, as `regclassout` prints it.
    fn regclass_name(&self, text: &str) -> String {
        let tokens = lex(text);
        let Some((mut parts, _)) = qualified_name(&tokens, 0) else {
            return text.to_owned();
        };
        let name = parts.pop().unwrap_or_default();
        let schema = match parts.pop() {
            Some(schema) => schema,
            None => self
                .search_path
                .iter()
                .find(|schema| {
                    self.sequences
                        .iter()
                        .any(|(s, n)| s == *schema && *n == name)
                        || self.taken.contains(&((*schema).clone(), name.clone()))
                })
                .cloned()
                .unwrap_or_else(|| self.creation_schema(&self.search_path)),
        };
        display_name(Some(&schema), &name)
    }
}

/// A column's type as the model has it, when it is no user type.
fn resolved_from_column(column: &Column) -> Resolved {
    let canonical = column.sql_type.to_lowercase();
    Resolved {
        constant_type: without_modifiers(&canonical),
        canonical,
        data_type: column.data_type.clone(),
        enum_values: Vec::new(),
        not_null: false,
        serial: false,
        keeps_null: false,
    }
}

/// Adds `column` to inherited `columns`, merging it with one of the same name.
fn merge_column(columns: &mut Vec<Column>, column: Column) {
    match columns.iter_mut().find(|c| c.name == column.name) {
        Some(existing) => {
            existing.nullable &= column.nullable;
            if column.default.is_some() {
                existing.default = column.default;
            }
            if !column.enum_values.is_empty() {
                existing.enum_values = column.enum_values;
            }
            existing.generated |= column.generated;
            existing.computed |= column.computed;
            if column.comment.is_some() {
                existing.comment = column.comment;
            }
        }
        None => columns.push(column),
    }
}

/// `None` for the default schema.
fn default_to_none(schema: &str) -> Option<String> {
    (schema != "public").then(|| schema.to_owned())
}

/// The table called `name` exactly (its schema and name).
fn find_exact(tables: &[Table], name: &TableName) -> Option<usize> {
    tables
        .iter()
        .position(|table| table.name == name.name && table.schema == name.schema)
}

/// `name` with `schema` in front, when it has no schema.
fn qualify_with(name: &mut ObjectName, schema: &str) {
    if name.0.len() != 1 {
        return;
    }
    let span = name.0[0]
        .as_ident()
        .map_or_else(sqlparser::tokenizer::Span::empty, |ident| ident.span);
    let mut ident = Ident::with_quote('"', schema);
    ident.span = span;
    name.0.insert(0, ObjectNamePart::Identifier(ident));
}

/// The schemas of a `search_path` value (`'a, "B"'`).
fn split_path(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(
            |part| match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => part.to_lowercase(),
            },
        )
        .collect()
}

/// How many arguments a parenthesized list declares (`OUT` ones do not count).
fn count_arguments(tokens: &[Lexeme]) -> usize {
    if tokens.is_empty() || (tokens.len() == 1 && tokens[0] == Lexeme::Punct('*')) {
        return 0;
    }
    let mut count = 0;
    let mut depth = 0usize;
    let mut start = true;
    for token in tokens {
        match token {
            Lexeme::Punct('(' | '[') => depth += 1,
            Lexeme::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Lexeme::Punct(',') if depth == 0 => {
                start = true;
                continue;
            }
            _ => {}
        }
        if start {
            if !token.is("out") {
                count += 1;
            }
            start = false;
        }
    }
    count
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, the longer of the names cut until it
/// fits in 63 bytes (at a character boundary).
pub(super) fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut overhead = label.len() + 1;
    if name2.is_some() {
        overhead += 1;
    }
    let available = MAX_NAME_BYTES.saturating_sub(overhead);
    let mut length1 = name1.len();
    let mut length2 = name2.map_or(0, str::len);
    while length1 + length2 > available {
        if length1 > length2 {
            length1 -= 1;
        } else {
            length2 -= 1;
        }
    }
    let clip = |text: &str, mut length: usize| {
        while !text.is_char_boundary(length) {
            length -= 1;
        }
        text[..length].to_owned()
    };
    let mut out = clip(name1, length1);
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(&clip(name2, length2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// PostgreSQL's `ChooseIndexNameAddition`: the column names joined by `_`, at most 63 bytes
/// of them.
fn name_addition(columns: &[String]) -> String {
    let mut out = String::new();
    for column in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(column);
        if out.len() >= MAX_NAME_BYTES {
            break;
        }
    }
    out
}

/// A default that draws from a sequence.
fn is_sequence_default(default: &str) -> bool {
    crate::introspect::postgres::is_serial_default(default)
}

/// The keyword PostgreSQL prints for a SQL value function called `name`.
fn sql_value_function(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "current_timestamp" => "CURRENT_TIMESTAMP",
        "current_date" => "CURRENT_DATE",
        "current_time" => "CURRENT_TIME",
        "localtimestamp" => "LOCALTIMESTAMP",
        "localtime" => "LOCALTIME",
        "current_user" => "CURRENT_USER",
        "current_role" => "CURRENT_ROLE",
        "session_user" => "SESSION_USER",
        "user" => "USER",
        "current_catalog" => "CURRENT_CATALOG",
        "current_schema" => "CURRENT_SCHEMA",
        _ => return None,
    })
}

/// An expression whose value is a point in time (so that `+ '1 day'` adds an interval).
fn is_time_valued(expr: &Expr) -> bool {
    match expr {
        Expr::Nested(inner) => is_time_valued(inner),
        Expr::Function(function) => {
            let name = function.name.to_string().to_ascii_lowercase();
            let name = name.rsplit('.').next().unwrap_or_default();
            matches!(
                name,
                "now"
                    | "current_timestamp"
                    | "current_date"
                    | "localtimestamp"
                    | "transaction_timestamp"
                    | "statement_timestamp"
                    | "clock_timestamp"
            )
        }
        Expr::Identifier(ident) => matches!(
            ident.value.to_ascii_lowercase().as_str(),
            "current_timestamp" | "current_date" | "localtimestamp"
        ),
        Expr::Cast { data_type, .. } => {
            let text = data_type.to_string().to_ascii_lowercase();
            text.starts_with("timestamp") || text == "date"
        }
        _ => false,
    }
}

/// The text of a string constant.
fn string_value(value: &Value) -> Option<String> {
    match value {
        Value::SingleQuotedString(text)
        | Value::EscapedStringLiteral(text)
        | Value::NationalStringLiteral(text)
        | Value::UnicodeStringLiteral(text) => Some(text.clone()),
        Value::DollarQuotedString(dollar) => Some(dollar.value.clone()),
        _ => None,
    }
}

/// `'text'` with quotes doubled.
fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// PostgreSQL's reading of a boolean string.
fn boolean_value(text: &str) -> Option<bool> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return None;
    }
    if "true".starts_with(&text) || "yes".starts_with(&text) || text == "on" || text == "1" {
        Some(true)
    } else if "false".starts_with(&text) || "no".starts_with(&text) || text == "off" || text == "0"
    {
        Some(false)
    } else {
        None
    }
}

/// The type PostgreSQL gives a number written `number`.
fn natural_number_type(number: &str) -> &'static str {
    if number.chars().all(|c| c.is_ascii_digit()) {
        if number.parse::<i32>().is_ok() {
            "integer"
        } else if number.parse::<i64>().is_ok() {
            "bigint"
        } else {
            "numeric"
        }
    } else {
        "numeric"
    }
}

/// A number constant as `get_const_expr` prints it: an `integer` bare unless negative, other
/// types quoted with their type, a `numeric` bare when it looks like a float.
fn number_constant(number: &str, negative: bool) -> String {
    let sign = if negative { "-" } else { "" };
    match natural_number_type(number) {
        "integer" => {
            let value: i64 = number.parse().unwrap_or_default();
            if negative && value != 0 {
                format!("'-{value}'::integer")
            } else {
                value.to_string()
            }
        }
        "bigint" => {
            let value: i64 = number.parse().unwrap_or_default();
            format!("'{sign}{value}'::bigint")
        }
        _ => {
            let value = normalize_decimal(number).unwrap_or_else(|| number.to_owned());
            if looks_like_float(&value) && !negative {
                value
            } else {
                format!("'{sign}{value}'::numeric")
            }
        }
    }
}

/// A `numeric` value as `numeric_out` prints it: `.5` -> `0.5`, `1e5` -> `100000`.
fn normalize_decimal(text: &str) -> Option<String> {
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(whole.chars().all(|c| c.is_ascii_digit()) && fraction.chars().all(|c| c.is_ascii_digit()))
        || (whole.is_empty() && fraction.is_empty())
    {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let point = whole.len() as i64 + exponent;
    let scale = (fraction.len() as i64 - exponent).max(0) as usize;
    let (integer, decimals) = if point <= 0 {
        (
            String::new(),
            format!("{}{digits}", "0".repeat((-point) as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        (
            digits[..point as usize].to_owned(),
            digits[point as usize..].to_owned(),
        )
    };
    let integer = integer.trim_start_matches('0');
    let integer = if integer.is_empty() { "0" } else { integer };
    let mut decimals: String = decimals.chars().take(scale).collect();
    while decimals.len() < scale {
        decimals.push('0');
    }
    Some(if scale == 0 {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{decimals}")
    })
}

/// `numeric` text that `get_const_expr` prints without quotes: a digit first, and a point or
/// an exponent.
fn looks_like_float(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['.', 'e', 'E'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_of(sql_type: &str, default: &str) -> Option<String> {
        let catalog = Catalog::default();
        let resolved = catalog
            .resolve_type(sql_type, &["public".to_owned()])
            .expect("a type");
        let dialect = sqlparser_dialect(Dialect::Postgres);
        let expr = Parser::new(dialect.as_ref())
            .try_with_sql(default)
            .expect("tokens")
            .parse_expr()
            .expect("an expression");
        catalog.render_default(&expr, &resolved)
    }

    #[test]
    fn defaults_are_spelled_like_pg_get_expr() {
        let cases = [
            ("int", "-1", Some("'-1'::integer")),
            ("bigint", "-1", Some("'-1'::integer")),
            ("bigint", "3000000000", Some("'3000000000'::bigint")),
            ("smallint", "3", Some("3")),
            ("smallint", "'5'", Some("'5'::smallint")),
            ("numeric(5,2)", "0", Some("0")),
            ("numeric(5,2)", "4.99", Some("4.99")),
            ("numeric", "'5'", Some("'5'::numeric")),
            ("numeric", "-4.99", Some("'-4.99'::numeric")),
            ("varchar(10)", "''", Some("''::character varying")),
            ("char(3)", "'ab'", Some("'ab'::bpchar")),
            ("text", "'it''s'", Some("'it''s'::text")),
            ("boolean", "'f'", Some("false")),
            ("boolean", "TRUE", Some("true")),
            ("timestamptz", "now()", Some("now()")),
            ("date", "CURRENT_DATE", Some("CURRENT_DATE")),
            ("timestamp", "CURRENT_TIMESTAMP", Some("CURRENT_TIMESTAMP")),
            ("text[]", "'{}'", Some("'{}'::text[]")),
            ("int[]", "ARRAY[]::int[]", Some("ARRAY[]::integer[]")),
            ("double precision", "0", Some("0")),
            ("interval", "'1 day'", Some("'1 day'::interval")),
            ("date", "DATE '2024-01-01'", Some("'2024-01-01'::date")),
            (
                "timestamptz",
                "now() + '1 day'",
                Some("(now() + '1 day'::interval)"),
            ),
            ("date", "('now'::text)::date", Some("('now'::text)::date")),
            ("text", "NULL", None),
            ("varchar(5)", "NULL", Some("NULL::character varying")),
            ("numeric(5,2)", "NULL", Some("NULL::numeric")),
            ("varchar(5)[]", "NULL", Some("NULL::character varying[]")),
            ("int", "NULL::int", None),
            ("jsonb", "'{}'", Some("'{}'::jsonb")),
            ("uuid", "gen_random_uuid()", Some("gen_random_uuid()")),
            ("varchar", "'x'::text", Some("'x'::text")),
            ("int", "1 + 2", Some("(1 + 2)")),
            ("text", "lower('X')", Some("lower('X'::text)")),
            ("timestamp", "LOCALTIMESTAMP", Some("LOCALTIMESTAMP")),
            ("text", "CURRENT_USER", Some("CURRENT_USER")),
            ("int", "(3)", Some("3")),
            ("numeric", "1e5", Some("'100000'::numeric")),
            ("bigint", "0", Some("0")),
            (
                "integer",
                "nextval('public.t_id_seq'::regclass)",
                Some("nextval('t_id_seq'::regclass)"),
            ),
            (
                "integer",
                "nextval('t_id_seq')",
                Some("nextval('t_id_seq'::regclass)"),
            ),
            (
                "timestamp",
                "(now() AT TIME ZONE 'utc')",
                Some("(now() AT TIME ZONE 'utc'::text)"),
            ),
            (
                "timestamp",
                "timezone('utc', now())",
                Some("timezone('utc'::text, now())"),
            ),
            (
                "timestamptz",
                "CURRENT_TIMESTAMP(0)",
                Some("CURRENT_TIMESTAMP(0)"),
            ),
            (
                "integer",
                "nextval(('sq'::text)::regclass)",
                Some("nextval(('sq'::text)::regclass)"),
            ),
            ("numeric(5,2)", "(0)::numeric", Some("(0)::numeric")),
            (
                "text[]",
                "ARRAY['a','b']",
                Some("ARRAY['a'::text, 'b'::text]"),
            ),
            ("boolean", "(NOT false)", Some("(NOT false)")),
            ("text", "'a' || 'b'", Some("('a'::text || 'b'::text)")),
            ("integer", "2 * 3 + 1", Some("((2 * 3) + 1)")),
            (
                "varchar(10)",
                "'x'::character varying",
                Some("'x'::character varying"),
            ),
            ("bigint", "'0'", Some("'0'::bigint")),
            ("integer", "'007'", Some("7")),
            ("double precision", "'1.5'", Some("'1.5'::double precision")),
            ("integer", "abs(-5)", Some("abs('-5'::integer)")),
            ("date", "now()::date", Some("(now())::date")),
            (
                "timestamp",
                "'infinity'::timestamp",
                Some("'infinity'::timestamp without time zone"),
            ),
        ];
        for (sql_type, default, expected) in cases {
            assert_eq!(
                default_of(sql_type, default).as_deref(),
                expected,
                "{sql_type} DEFAULT {default}"
            );
        }
    }

    #[test]
    fn names_are_cut_like_make_object_name() {
        assert_eq!(make_object_name("film", None, "pkey"), "film_pkey");
        assert_eq!(
            make_object_name("film", Some("language_id"), "fkey"),
            "film_language_id_fkey"
        );
        let long = "a".repeat(40);
        let name = make_object_name(&long, Some(&"b".repeat(40)), "fkey");
        assert_eq!(name.len(), 63);
        assert!(name.starts_with(&"a".repeat(29)));
        assert_eq!(name_addition(&["a".to_owned(), "b".to_owned()]), "a_b");
    }

    #[test]
    fn checks_give_enum_values_as_postgres_prints_them() {
        assert_eq!(
            check_enum(
                "CHECK (((rating)::text = ANY ((ARRAY['G'::character varying, 'PG'::character varying])::text[])))"
            ),
            Some(("rating".to_owned(), vec!["G".to_owned(), "PG".to_owned()]))
        );
        assert_eq!(
            check_enum("CHECK ((\"Status\" = ANY (ARRAY['a'::text, 'b'::text])))"),
            Some(("Status".to_owned(), vec!["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(
            check_enum("CHECK ((kind = 'only'::text))"),
            Some(("kind".to_owned(), vec!["only".to_owned()]))
        );
        assert_eq!(check_enum("CHECK ((price > (0)::numeric))"), None);
    }

    #[test]
    fn decimals_are_normalized_like_numeric_out() {
        assert_eq!(normalize_decimal(".5").as_deref(), Some("0.5"));
        assert_eq!(normalize_decimal("1e5").as_deref(), Some("100000"));
        assert_eq!(normalize_decimal("1.5e2").as_deref(), Some("150"));
        assert_eq!(normalize_decimal("4.990").as_deref(), Some("4.990"));
        assert_eq!(normalize_decimal("1.25e-1").as_deref(), Some("0.125"));
    }

    #[test]
    fn search_paths_are_followed() {
        let mut catalog = Catalog::default();
        assert_eq!(
            catalog.read_statement("SET search_path = musicbrainz, public", &mut []),
            Handled::Yes
        );
        assert_eq!(catalog.search_path, ["musicbrainz", "public"]);
        catalog.read_statement(
            "SELECT pg_catalog.set_config('search_path', '', false)",
            &mut [],
        );
        assert!(catalog.search_path.is_empty());
        catalog.read_statement("SET search_path = 'cover_art_archive'", &mut []);
        assert_eq!(catalog.search_path, ["cover_art_archive"]);
        assert_eq!(
            catalog.read_statement("SET client_encoding = 'UTF8'", &mut []),
            Handled::No
        );
    }

    #[test]
    fn domains_and_enums_resolve_to_their_meaning() {
        let mut catalog = Catalog::default();
        catalog.read_statement(
            "CREATE DOMAIN public.year AS integer CONSTRAINT year_check CHECK (((VALUE >= 1901)))",
            &mut [],
        );
        catalog.read_statement(
            "CREATE DOMAIN posint AS int NOT NULL CHECK (VALUE > 0)",
            &mut [],
        );
        let path = ["public".to_owned()];
        let year = catalog.resolve_type("year", &path).expect("year");
        assert_eq!(year.sql_type(), "YEAR");
        assert_eq!(year.data_type, DataType::Integer);
        assert!(!year.not_null);
        assert!(
            catalog
                .resolve_type("public.posint", &path)
                .expect("posint")
                .not_null
        );
        catalog.read_statement("CREATE SCHEMA s", &mut []);
        catalog.read_statement("SET search_path = s, public", &mut []);
        catalog.read_statement(
            "CREATE FUNCTION f(a integer, OUT b text) RETURNS SETOF text LANGUAGE sql AS $$ select 1 $$",
            &mut [],
        );
        assert_eq!(
            catalog.function_type(&["f".to_owned()], Some(1), &catalog.search_path()),
            Some("TEXT".to_owned())
        );
        catalog.read_statement(
            "CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text)",
            &mut [],
        );
        assert_eq!(
            catalog.function_type(&["s".to_owned(), "group_concat".to_owned()], Some(1), &[]),
            Some("TEXT".to_owned())
        );
    }
}

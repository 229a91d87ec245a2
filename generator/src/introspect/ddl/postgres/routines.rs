//! PostgreSQL routines in a DDL file: `CREATE [OR REPLACE] FUNCTION`, `CREATE PROCEDURE`,
//! `CREATE AGGREGATE`, and the argument lists of `COMMENT ON FUNCTION` and `DROP FUNCTION`,
//! read from [`lex`](super::super::postgres_types::lex) tokens by hand (sqlparser cannot parse
//! many routine bodies, and only the signature and a few options matter); their types
//! resolved through the `search_path` as the catalog resolves them, and spelled as
//! `format_type` prints an argument's type, which has no type modifier (`varchar(45)` is
//! `character varying`); and the routines the [`Catalog`] ends up with.

use super::super::names::TableName;
use super::super::postgres_types::{
    Lexeme, TypeName, display_name, matching_close, parse_type, qualified_name, quote_ident,
    tokens_text,
};
use super::{Catalog, Function, Handled, Resolved, UserTypeKind, default_to_none, find_exact};
use crate::introspect::routines::{
    ArgumentMode, PostgresArgument, PostgresReturn, RoutineSkip, postgres_parameters,
    postgres_returns, postgres_signature, postgres_skip, result_column, routine_location,
    sort_routines,
};
use crate::model::{
    Column, DataType, Dialect, Returns, Routine, RoutineKind, Table, Warning, normalize_sql_type,
};
use crate::typemap;

/// Words that end the return type of a `CREATE FUNCTION`.
const FUNCTION_STOP_WORDS: &[&str] = &[
    "as",
    "language",
    "immutable",
    "stable",
    "volatile",
    "strict",
    "called",
    "returns",
    "security",
    "parallel",
    "cost",
    "rows",
    "support",
    "set",
    "window",
    "leakproof",
    "not",
    "external",
    "transform",
    "begin",
    "return",
];

/// PostgreSQL's pseudo-types (`typtype = 'p'`), by the name `format_type` prints.
const PSEUDO_TYPES: &[&str] = &[
    "\"any\"",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "cstring",
    "event_trigger",
    "fdw_handler",
    "index_am_handler",
    "internal",
    "language_handler",
    "opaque",
    "pg_ddl_command",
    "record",
    "table_am_handler",
    "trigger",
    "tsm_handler",
    "unknown",
    "void",
];

/// One argument as declared.
#[derive(Debug, Clone, PartialEq)]
struct ArgumentDecl {
    /// Its mode.
    mode: ArgumentMode,
    /// Its name, if it has one.
    name: Option<String>,
    /// Its type's tokens.
    type_tokens: Vec<Lexeme>,
    /// It has a `DEFAULT` (or `= expr`).
    has_default: bool,
}

/// What a function declares it returns.
#[derive(Debug, Clone, PartialEq)]
struct ReturnDecl {
    /// `SETOF` or `RETURNS TABLE`.
    set: bool,
    /// The type's tokens (`record` for `RETURNS TABLE`, whose columns are arguments of mode
    /// [`ArgumentMode::Table`]).
    type_tokens: Vec<Lexeme>,
}

/// A `CREATE FUNCTION` or `CREATE PROCEDURE`, read.
#[derive(Debug, Clone, PartialEq)]
struct RoutineDecl {
    /// Its name's parts (`schema.name` or `name`).
    name: Vec<String>,
    /// Function or procedure.
    kind: RoutineKind,
    /// Its arguments, then the columns of a `RETURNS TABLE`.
    arguments: Vec<ArgumentDecl>,
    /// What a function returns; `None` for a procedure, and for a function that declares
    /// no `RETURNS` (its OUT arguments say what it returns).
    returns: Option<ReturnDecl>,
    /// `IMMUTABLE` or `STABLE` (the default is `VOLATILE`).
    read_only: bool,
    /// `WINDOW`.
    window: bool,
}

/// Reads a `CREATE FUNCTION` or `CREATE PROCEDURE` whose name starts at token `at`.
fn parse_routine(tokens: &[Lexeme], at: usize, kind: RoutineKind) -> Result<RoutineDecl, String> {
    let (name, at) = qualified_name(tokens, at).ok_or("no routine name")?;
    if tokens.get(at) != Some(&Lexeme::Punct('(')) {
        return Err("no argument list after its name".to_owned());
    }
    let close = matching_close(tokens, at);
    if tokens.get(close) != Some(&Lexeme::Punct(')')) {
        return Err("its argument list is not closed".to_owned());
    }
    let mut arguments = parse_arguments(&tokens[at + 1..close])?;
    let mut options_start = close + 1;
    let mut returns = None;
    if kind == RoutineKind::Function && tokens.get(close + 1).is_some_and(|t| t.is("returns")) {
        let mut start = close + 2;
        let set = tokens.get(start).is_some_and(|t| t.is("setof"));
        if set {
            start += 1;
        }
        if tokens.get(start).is_some_and(|t| t.is("table"))
            && tokens.get(start + 1) == Some(&Lexeme::Punct('('))
        {
            let table_close = matching_close(tokens, start + 1);
            for column in split_top_level(&tokens[start + 2..table_close]) {
                let column = parse_argument(column, true)
                    .ok_or_else(|| format!("cannot read the column {}", text_of(column)))?;
                arguments.push(column);
            }
            returns = Some(ReturnDecl {
                set: true,
                type_tokens: vec![Lexeme::Word {
                    text: "record".to_owned(),
                    quoted: false,
                }],
            });
            options_start = table_close + 1;
        } else {
            let end = return_type_end(tokens, start);
            if end == start {
                return Err("no type after RETURNS".to_owned());
            }
            returns = Some(ReturnDecl {
                set,
                type_tokens: tokens[start..end].to_vec(),
            });
            options_start = end;
        }
    }
    let mut read_only = false;
    let mut window = false;
    for (index, token) in tokens.iter().enumerate().skip(options_start) {
        let next_is = |word: &str| tokens.get(index + 1).is_some_and(|t| t.is(word));
        match token.keyword() {
            Some("immutable" | "stable") => read_only = true,
            Some("volatile") => read_only = false,
            Some("window") => window = true,
            // A SQL-standard body: what follows is SQL, not options.
            Some("begin") if next_is("atomic") => break,
            Some("return") => break,
            _ => {}
        }
    }
    Ok(RoutineDecl {
        name,
        kind,
        arguments,
        returns,
        read_only,
        window,
    })
}

/// The index after the return type starting at `start`.
fn return_type_end(tokens: &[Lexeme], start: usize) -> usize {
    let mut end = start;
    while end < tokens.len() {
        match &tokens[end] {
            Lexeme::Punct('(' | '[') => end = matching_close(tokens, end) + 1,
            token
                if token
                    .keyword()
                    .is_some_and(|w| FUNCTION_STOP_WORDS.contains(&w)) =>
            {
                break;
            }
            Lexeme::Str(_) | Lexeme::Punct(';') => break,
            _ => end += 1,
        }
    }
    end.min(tokens.len())
}

/// The arguments of a parenthesized list (the tokens inside the parentheses).
fn parse_arguments(tokens: &[Lexeme]) -> Result<Vec<ArgumentDecl>, String> {
    split_top_level(tokens)
        .into_iter()
        .map(|argument| {
            parse_argument(argument, false)
                .ok_or_else(|| format!("cannot read the argument {}", text_of(argument)))
        })
        .collect()
}

/// The arguments of a `CREATE AGGREGATE` or of `COMMENT ON AGGREGATE`: `*` is none, and the
/// arguments after `ORDER BY` (an ordered-set aggregate) count as well.
fn parse_aggregate_arguments(tokens: &[Lexeme]) -> Result<Vec<ArgumentDecl>, String> {
    if tokens == [Lexeme::Punct('*')] {
        return Ok(Vec::new());
    }
    let order_by = tokens
        .windows(2)
        .position(|pair| pair[0].is("order") && pair[1].is("by"));
    match order_by {
        Some(at) => {
            let mut arguments = parse_arguments(&tokens[..at])?;
            arguments.extend(parse_arguments(&tokens[at + 2..])?);
            Ok(arguments)
        }
        None => parse_arguments(tokens),
    }
}

/// The parts of a list separated by commas outside parentheses and brackets.
fn split_top_level(tokens: &[Lexeme]) -> Vec<&[Lexeme]> {
    if tokens.is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Lexeme::Punct('(' | '[') => depth += 1,
            Lexeme::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Lexeme::Punct(',') if depth == 0 => {
                parts.push(&tokens[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// One argument: `[mode] [name] type [DEFAULT expr | = expr]` (or `name mode type`); a
/// `RETURNS TABLE` column is `name type`.
fn parse_argument(tokens: &[Lexeme], table_column: bool) -> Option<ArgumentDecl> {
    let mut depth = 0usize;
    let mut default_at = None;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Lexeme::Punct('(' | '[') => depth += 1,
            Lexeme::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Lexeme::Punct('=') if depth == 0 => {
                default_at = Some(at);
                break;
            }
            token if depth == 0 && token.is("default") => {
                default_at = Some(at);
                break;
            }
            _ => {}
        }
    }
    let mut rest = &tokens[..default_at.unwrap_or(tokens.len())];
    let mode_of = |token: &Lexeme| match token.keyword() {
        Some("in") => Some(ArgumentMode::In),
        Some("out") => Some(ArgumentMode::Out),
        Some("inout") => Some(ArgumentMode::InOut),
        Some("variadic") => Some(ArgumentMode::Variadic),
        _ => None,
    };
    let mut mode = if table_column {
        ArgumentMode::Table
    } else {
        ArgumentMode::In
    };
    let mut name = None;
    if !table_column {
        if let Some(first) = rest.first().and_then(mode_of) {
            mode = first;
            rest = &rest[1..];
        } else if let Some(second) = rest.get(1).and_then(mode_of)
            && rest.len() > 2
        {
            // `name OUT type`.
            name = rest[0].name().map(str::to_owned);
            mode = second;
            rest = &rest[2..];
        }
    }
    if name.is_none() && (table_column || starts_with_name(rest)) {
        name = Some(rest.first()?.name()?.to_owned());
        rest = &rest[1..];
    }
    if rest.is_empty() {
        return None;
    }
    Some(ArgumentDecl {
        mode,
        name,
        type_tokens: rest.to_vec(),
        has_default: default_at.is_some(),
    })
}

/// Whether `tokens` (an argument without its mode and default) is a name then a type: the
/// first word is followed by a type, and the whole is not one type of several words
/// (`double precision`, `timestamp with time zone`, `character varying(10)`).
fn starts_with_name(tokens: &[Lexeme]) -> bool {
    let [first, second, ..] = tokens else {
        return false;
    };
    if first.name().is_none()
        || matches!(second, Lexeme::Punct('.' | '(' | '[' | '%'))
        || is_type_reference(tokens)
    {
        return false;
    }
    let whole_is_builtin = parse_type(&text_of(tokens))
        .is_some_and(|parsed| matches!(parsed.base, TypeName::Builtin(_)));
    !whole_is_builtin
        && (parse_type(&text_of(&tokens[1..])).is_some() || is_type_reference(&tokens[1..]))
}

/// `table.column%TYPE`: the type of a column.
fn is_type_reference(tokens: &[Lexeme]) -> bool {
    matches!(
        tokens,
        [.., Lexeme::Punct('%'), last] if last.is("type")
    ) && qualified_name(tokens, 0)
        .is_some_and(|(parts, end)| parts.len() >= 2 && end + 2 == tokens.len())
}

/// The text of tokens, for messages and [`parse_type`].
fn text_of(tokens: &[Lexeme]) -> String {
    tokens_text(tokens)
}

/// A type as `format_type` prints an argument's or a function's return type: `canonical`
/// (as it prints a column's type) without its type modifiers (`character varying(45)` ->
/// `character varying`, `character(3)` -> `character`, `numeric(5,2)` -> `numeric`,
/// `timestamp(3) with time zone` -> `timestamp with time zone`, `interval day to second(3)`
/// -> `interval`).
fn argument_type_text(canonical: &str) -> String {
    let (element, array) = match canonical.strip_suffix("[]") {
        Some(element) => (element, "[]"),
        None => (canonical, ""),
    };
    if element == "interval" || element.starts_with("interval ") || element.starts_with("interval(")
    {
        return format!("interval{array}");
    }
    let mut out = String::with_capacity(element.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in element.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                if depth == 0 {
                    out.push(c);
                }
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{collapsed}{array}")
}

/// Whether a type, as [`argument_type_text`] spells it, is a pseudo-type (or an array of one).
fn is_pseudo_type(text: &str) -> bool {
    let element = text.strip_suffix("[]").unwrap_or(text);
    PSEUDO_TYPES.contains(&element)
}

/// A routine the file creates.
#[derive(Debug, Clone)]
pub(super) struct DeclaredRoutine {
    /// Its schema (`public` too), name and signature: what a later declaration replaces.
    schema: String,
    name: String,
    signature: String,
    /// The routine, or why it is left out.
    outcome: Result<Routine, RoutineSkip>,
    /// `SETOF` a table's or view's rows: its columns, filled once every statement is read.
    rows_of: Option<TableName>,
}

/// The type of a routine's argument or result, resolved.
#[derive(Debug, Clone)]
struct RoutineType {
    /// As `format_type` prints an argument's type (without type modifier).
    text: String,
    /// What it means.
    data_type: DataType,
    /// An enum's labels.
    enum_values: Vec<String>,
    /// The relation of a table's or view's row type.
    relation: Option<TableName>,
    /// The attributes of a composite type, as columns.
    attributes: Option<Vec<Column>>,
}

/// Routines: what `CREATE FUNCTION`, `CREATE PROCEDURE`, `CREATE AGGREGATE`, `COMMENT ON` and
/// `DROP` of them make of the catalog.
impl Catalog {
    /// `CREATE [OR REPLACE] FUNCTION|PROCEDURE name (args) ...` whose name starts at `at`.
    pub(super) fn read_create_routine(
        &mut self,
        tokens: &[Lexeme],
        at: usize,
        kind: RoutineKind,
        tables: &[Table],
    ) -> Handled {
        let label = match kind {
            RoutineKind::Function => "FUNCTION",
            RoutineKind::Procedure => "PROCEDURE",
        };
        let written = qualified_name(tokens, at)
            .map(|(parts, _)| parts.join("."))
            .unwrap_or_default();
        let declared = match parse_routine(tokens, at, kind) {
            Ok(declared) => declared,
            Err(problem) => {
                return Handled::Warn(format!(
                    "skipped CREATE {label} {written}: {problem}; the routine is left out"
                ));
            }
        };
        let path = self.search_path.clone();
        if kind == RoutineKind::Function {
            self.record_function_type(&declared, &path);
        }
        let (schema, name) = self.created_name(declared.name.clone());
        let arguments = match self.routine_arguments(&declared, &path, tables) {
            Ok(arguments) => arguments,
            Err(problem) => {
                return Handled::Warn(format!(
                    "skipped CREATE {label} {written}: {problem}; the routine is left out"
                ));
            }
        };
        let returned = match &declared.returns {
            Some(returns) => match self.routine_type(&returns.type_tokens, &path, tables) {
                Some(resolved) => Some((returns.set, resolved)),
                None => {
                    return Handled::Warn(format!(
                        "skipped CREATE {label} {written}: its return type {} is not \
                         understood; the routine is left out",
                        text_of(&returns.type_tokens)
                    ));
                }
            },
            None => None,
        };
        let signature = postgres_signature(&arguments);
        // Without RETURNS, a function returns its one OUT argument's type, or a record of
        // several; a procedure returns nothing (or a record of its OUT arguments).
        let (set, returned) = returned.unwrap_or_else(|| {
            let outputs: Vec<&PostgresArgument> =
                arguments.iter().filter(|a| a.mode.is_output()).collect();
            let text = match outputs.as_slice() {
                [only] if kind == RoutineKind::Function => only.type_text.clone(),
                [] => "void".to_owned(),
                _ => "record".to_owned(),
            };
            let data_type = typemap::data_type(Dialect::Postgres, &normalize_sql_type(&text));
            let resolved = RoutineType {
                text,
                data_type,
                enum_values: Vec::new(),
                relation: None,
                attributes: None,
            };
            (false, resolved)
        });
        let skip = if declared.window {
            Some(RoutineSkip::Window)
        } else {
            postgres_skip((&returned.text, is_pseudo_type(&returned.text)), &arguments)
        };
        // `SETOF` a table's or view's rows, without output arguments: its columns.
        let rows_of = returned
            .relation
            .clone()
            .filter(|_| set && !arguments.iter().any(|a| a.mode.is_output()));
        let outcome = match skip {
            Some(skip) => Err(skip),
            None => {
                let (parameters, outputs) = postgres_parameters(&name, arguments);
                let returns = postgres_returns(
                    kind,
                    &name,
                    outputs,
                    PostgresReturn {
                        set,
                        sql_type: normalize_sql_type(&returned.text),
                        data_type: returned.data_type,
                        enum_values: returned.enum_values,
                        row_columns: returned.attributes,
                    },
                );
                Ok(Routine {
                    schema: default_to_none(&schema),
                    name: name.clone(),
                    kind,
                    signature: signature.clone(),
                    parameters,
                    returns,
                    read_only: kind == RoutineKind::Function && declared.read_only,
                    comment: None,
                })
            }
        };
        self.add_routine(DeclaredRoutine {
            schema,
            name,
            signature,
            outcome,
            rows_of,
        });
        Handled::Yes
    }

    /// The arguments of a routine, their types resolved through `path`.
    fn routine_arguments(
        &self,
        declared: &RoutineDecl,
        path: &[String],
        tables: &[Table],
    ) -> Result<Vec<PostgresArgument>, String> {
        let mut arguments = Vec::with_capacity(declared.arguments.len());
        for (index, argument) in declared.arguments.iter().enumerate() {
            let Some(resolved) = self.routine_type(&argument.type_tokens, path, tables) else {
                let name = argument
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("${}", index + 1));
                return Err(format!(
                    "the type {} of its argument {name} is not understood",
                    text_of(&argument.type_tokens)
                ));
            };
            arguments.push(PostgresArgument {
                mode: argument.mode,
                name: argument.name.clone(),
                pseudo: is_pseudo_type(&resolved.text),
                type_text: resolved.text,
                data_type: resolved.data_type,
                enum_values: resolved.enum_values,
                has_default: argument.has_default,
            });
        }
        Ok(arguments)
    }

    /// The signature of the argument list `tokens` (inside its parentheses), as a
    /// `COMMENT ON` or `DROP` names a routine.
    fn signature_of(
        &self,
        tokens: &[Lexeme],
        aggregate: bool,
        path: &[String],
        tables: &[Table],
    ) -> Option<String> {
        let arguments = if aggregate {
            parse_aggregate_arguments(tokens).ok()?
        } else {
            parse_arguments(tokens).ok()?
        };
        let declared = RoutineDecl {
            name: Vec::new(),
            kind: RoutineKind::Function,
            arguments,
            returns: None,
            read_only: false,
            window: false,
        };
        let arguments = self.routine_arguments(&declared, path, tables).ok()?;
        Some(postgres_signature(&arguments))
    }

    /// Adds a routine, replacing one of the same schema, name and signature (`CREATE OR
    /// REPLACE` keeps the comment).
    fn add_routine(&mut self, mut routine: DeclaredRoutine) {
        let existing = self.routines.iter().position(|other| {
            other.schema == routine.schema
                && other.name == routine.name
                && other.signature == routine.signature
        });
        match existing {
            Some(at) => {
                let comment = self.routines[at]
                    .outcome
                    .as_ref()
                    .ok()
                    .and_then(|r| r.comment.clone());
                if let Ok(replacing) = &mut routine.outcome {
                    replacing.comment = comment;
                }
                self.routines[at] = routine;
            }
            None => self.routines.push(routine),
        }
    }

    /// Records what a call of function `declared` in a view's select list gives: the type it
    /// `RETURNS` (each row's, for `SETOF`), for its number of input arguments. A function that
    /// `RETURNS TABLE` is a table, not a value.
    fn record_function_type(&mut self, declared: &RoutineDecl, path: &[String]) {
        let Some(returns) = &declared.returns else {
            return;
        };
        if declared
            .arguments
            .iter()
            .any(|a| a.mode == ArgumentMode::Table)
        {
            return;
        }
        if let Some(resolved) = self.resolve_type(&tokens_text(&returns.type_tokens), path) {
            let (schema, name) = self.created_name(declared.name.clone());
            self.functions.push(Function {
                schema,
                name,
                arguments: declared
                    .arguments
                    .iter()
                    .filter(|a| a.mode.is_input())
                    .count(),
                returns: resolved.sql_type(),
            });
        }
    }

    /// `CREATE AGGREGATE name (args) (...)`: left out with a warning.
    pub(super) fn read_create_aggregate_routine(
        &mut self,
        tokens: &[Lexeme],
        at: usize,
        tables: &[Table],
    ) -> Handled {
        let Some((parts, open)) = qualified_name(tokens, at) else {
            return Handled::Yes;
        };
        if tokens.get(open) != Some(&Lexeme::Punct('(')) {
            return Handled::Yes;
        }
        let close = matching_close(tokens, open);
        let path = self.search_path.clone();
        let signature = if tokens.get(close + 1) == Some(&Lexeme::Punct('(')) {
            self.signature_of(&tokens[open + 1..close], true, &path, tables)
        } else {
            // The old syntax: `CREATE AGGREGATE name (BASETYPE = t, SFUNC = f, STYPE = t)`.
            let options = &tokens[open + 1..close];
            let base = options
                .split(|t| *t == Lexeme::Punct(','))
                .find(|option| option.first().is_some_and(|t| t.is("basetype")))
                .and_then(|option| option.get(2..))
                .unwrap_or_default();
            if base
                .iter()
                .any(|t| t.is("any") || *t == Lexeme::Str("ANY".to_owned()))
            {
                Some(String::new())
            } else {
                self.signature_of(base, true, &path, tables)
            }
        };
        let Some(signature) = signature else {
            return Handled::Yes;
        };
        let (schema, name) = self.created_name(parts);
        self.add_routine(DeclaredRoutine {
            schema,
            name,
            signature,
            outcome: Err(RoutineSkip::Aggregate),
            rows_of: None,
        });
        Handled::Yes
    }

    /// The routines a name (and argument list) designates: `(schema, name)` parts, through
    /// `path` when unqualified; the first schema with such a routine.
    fn find_routines(
        &self,
        parts: &[String],
        signature: Option<&str>,
        path: &[String],
    ) -> Vec<usize> {
        let (schemas, name): (Vec<String>, &String) = match parts {
            [name] => (path.to_vec(), name),
            [.., schema, name] => (vec![schema.clone()], name),
            [] => return Vec::new(),
        };
        for schema in schemas {
            let found: Vec<usize> = self
                .routines
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.schema == schema
                        && r.name == *name
                        && signature.is_none_or(|signature| r.signature == signature)
                })
                .map(|(at, _)| at)
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// `COMMENT ON FUNCTION|PROCEDURE|ROUTINE name [(args)] IS 'text'`; other objects are
    /// not read here.
    pub(super) fn read_comment_on_routine(
        &mut self,
        tokens: &[Lexeme],
        tables: &[Table],
    ) -> Handled {
        let object = tokens.get(2).and_then(Lexeme::keyword).unwrap_or("");
        if object == "aggregate" {
            return Handled::Yes;
        }
        if !matches!(object, "function" | "procedure" | "routine") {
            return Handled::No;
        }
        let Some((parts, mut at)) = qualified_name(tokens, 3) else {
            return Handled::No;
        };
        let path = self.search_path.clone();
        let mut signature = None;
        if tokens.get(at) == Some(&Lexeme::Punct('(')) {
            let close = matching_close(tokens, at);
            signature = self.signature_of(&tokens[at + 1..close], false, &path, tables);
            if signature.is_none() {
                return Handled::Warn(format!(
                    "skipped COMMENT ON {} {}: its argument list is not understood",
                    object.to_uppercase(),
                    parts.join(".")
                ));
            }
            at = close + 1;
        }
        if !tokens.get(at).is_some_and(|t| t.is("is")) {
            return Handled::No;
        }
        let comment = match tokens.get(at + 1) {
            Some(Lexeme::Str(text)) if !text.is_empty() => Some(text.clone()),
            _ => None,
        };
        let found = self.find_routines(&parts, signature.as_deref(), &path);
        let [index] = found.as_slice() else {
            return Handled::Warn(format!(
                "skipped COMMENT ON {} {}({}): no {} of that name{} is created before it in \
                 this file",
                object.to_uppercase(),
                parts.join("."),
                signature.as_deref().unwrap_or("..."),
                object,
                if signature.is_some() {
                    " and arguments"
                } else {
                    " alone"
                }
            ));
        };
        if let Ok(routine) = &mut self.routines[*index].outcome {
            routine.comment = comment;
        }
        Handled::Yes
    }

    /// `DROP FUNCTION|PROCEDURE|ROUTINE|AGGREGATE [IF EXISTS] name [(args)] [, ...]`.
    pub(super) fn read_drop_routines(&mut self, tokens: &[Lexeme], tables: &[Table]) -> Handled {
        let aggregate = tokens.get(1).is_some_and(|t| t.is("aggregate"));
        let mut at = 2;
        if tokens.get(at).is_some_and(|t| t.is("if")) {
            at += 2;
        }
        let path = self.search_path.clone();
        while let Some((parts, after)) = qualified_name(tokens, at) {
            at = after;
            let mut signature = None;
            if tokens.get(at) == Some(&Lexeme::Punct('(')) {
                let close = matching_close(tokens, at);
                signature = self.signature_of(&tokens[at + 1..close], aggregate, &path, tables);
                at = close + 1;
            }
            let found = self.find_routines(&parts, signature.as_deref(), &path);
            for index in found.into_iter().rev() {
                self.routines.remove(index);
            }
            if tokens.get(at) != Some(&Lexeme::Punct(',')) {
                break;
            }
            at += 1;
        }
        Handled::Yes
    }

    /// The type `tokens` name, resolved through `path` as PostgreSQL resolves an argument's
    /// type: a column's type (`t.c%TYPE`), a type or a table's or view's row type (the first
    /// schema of the path that has either), or a built-in type.
    fn routine_type(
        &self,
        tokens: &[Lexeme],
        path: &[String],
        tables: &[Table],
    ) -> Option<RoutineType> {
        if is_type_reference(tokens) {
            let (mut parts, _) = qualified_name(tokens, 0)?;
            let column = parts.pop()?;
            let relation = self.resolve_table_parts(parts, tables, path);
            let table = &tables[find_exact(tables, &relation)?];
            let column = table.columns.iter().find(|c| c.name == column)?;
            let enum_values = self
                .resolve_normalized(&column.sql_type)
                .map(|resolved| resolved.enum_values)
                .unwrap_or_default();
            return Some(RoutineType {
                text: argument_type_text(&column.sql_type.to_lowercase()),
                data_type: column.data_type.clone(),
                enum_values,
                relation: None,
                attributes: None,
            });
        }
        let text = text_of(tokens);
        let parsed = parse_type(&text)?;
        if let TypeName::Other { schema, name, .. } = &parsed.base {
            let schemas = match schema {
                Some(schema) => vec![schema.clone()],
                None => path.to_vec(),
            };
            for schema in schemas {
                let parts = [schema.clone(), name.clone()];
                if let Some(index) = self.find_type(&parts, &[]) {
                    let qualified = format!(
                        "{}.{}{}",
                        quote_ident(&schema),
                        quote_ident(name),
                        if parsed.array { "[]" } else { "" }
                    );
                    let mut resolved =
                        Self::resolved_routine_type(&self.resolve_type(&qualified, &[])?);
                    if let (UserTypeKind::Composite(attributes), false) =
                        (&self.types[index].kind, parsed.array)
                    {
                        resolved.attributes = Some(
                            attributes
                                .iter()
                                .filter_map(|(name, declared)| {
                                    let resolved = self.resolve_type(declared, path)?;
                                    Some(result_column(
                                        name.clone(),
                                        resolved.sql_type(),
                                        resolved.data_type,
                                        resolved.enum_values,
                                    ))
                                })
                                .collect(),
                        );
                    }
                    return Some(resolved);
                }
                let relation = TableName {
                    schema: default_to_none(&schema),
                    name: name.clone(),
                };
                if find_exact(tables, &relation).is_some() {
                    let display = display_name(Some(&schema), name);
                    let text = if parsed.array {
                        format!("{display}[]")
                    } else {
                        display
                    };
                    return Some(RoutineType {
                        data_type: typemap::data_type(
                            Dialect::Postgres,
                            &normalize_sql_type(&text),
                        ),
                        text,
                        enum_values: Vec::new(),
                        relation: (!parsed.array).then_some(relation),
                        attributes: None,
                    });
                }
            }
        }
        Some(Self::resolved_routine_type(
            &self.resolve_type(&text, path)?,
        ))
    }

    /// A resolved type as a routine's argument or result has it.
    fn resolved_routine_type(resolved: &Resolved) -> RoutineType {
        RoutineType {
            text: argument_type_text(&resolved.canonical),
            data_type: resolved.data_type.clone(),
            enum_values: resolved.enum_values.clone(),
            relation: None,
            attributes: None,
        }
    }

    /// The routines, once every statement is read: the rows of `SETOF` a table or view
    /// filled with its columns, in order; and a warning for each routine left out.
    pub(in crate::introspect::ddl) fn routines(
        &self,
        tables: &[Table],
    ) -> (Vec<Routine>, Vec<Warning>) {
        let mut routines = Vec::new();
        let mut skipped = Vec::new();
        for declared in &self.routines {
            match &declared.outcome {
                Ok(routine) => {
                    let mut routine = routine.clone();
                    if let Some(relation) = &declared.rows_of {
                        let columns = find_exact(tables, relation)
                            .map(|at| {
                                tables[at]
                                    .columns
                                    .iter()
                                    .map(|column| {
                                        let labels = self
                                            .resolve_normalized(&column.sql_type)
                                            .map(|resolved| resolved.enum_values)
                                            .unwrap_or_default();
                                        result_column(
                                            column.name.clone(),
                                            column.sql_type.clone(),
                                            column.data_type.clone(),
                                            labels,
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        routine.returns = Returns::Rows { columns };
                    }
                    routines.push(routine);
                }
                Err(skip) => skipped.push((
                    (
                        default_to_none(&declared.schema),
                        declared.name.clone(),
                        declared.signature.clone(),
                    ),
                    skip,
                )),
            }
        }
        sort_routines(&mut routines);
        skipped.sort_by(|a, b| a.0.cmp(&b.0));
        let warnings = skipped
            .into_iter()
            .map(|((schema, name, signature), skip)| {
                skip.warning(routine_location(schema.as_deref(), &name, &signature))
            })
            .collect();
        (routines, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::postgres_types::lex;
    use super::*;

    fn routine(sql: &str) -> RoutineDecl {
        let tokens = lex(sql);
        let at = tokens
            .iter()
            .position(|t| t.is("function") || t.is("procedure"))
            .expect("a routine");
        let kind = if tokens[at].is("procedure") {
            RoutineKind::Procedure
        } else {
            RoutineKind::Function
        };
        parse_routine(&tokens, at + 1, kind).expect("the routine reads")
    }

    /// Each argument as `mode name: type [= default]`.
    fn arguments(routine: &RoutineDecl) -> Vec<String> {
        routine
            .arguments
            .iter()
            .map(|a| {
                format!(
                    "{:?} {}: {}{}",
                    a.mode,
                    a.name.as_deref().unwrap_or("-"),
                    text_of(&a.type_tokens),
                    if a.has_default { " =" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn unnamed_arguments_are_types_of_one_or_more_words() {
        let last_day = routine(
            "CREATE FUNCTION public.last_day(timestamp with time zone) RETURNS date \
             LANGUAGE sql IMMUTABLE STRICT AS $_$ SELECT 1 $_$",
        );
        assert_eq!(last_day.name, ["public", "last_day"]);
        assert_eq!(arguments(&last_day), ["In -: timestamp with time zone"]);
        assert!(last_day.read_only);
        let f = routine(
            "CREATE FUNCTION f(double precision, character varying(10), int[], public.year, \
             \"Mood\", bit varying) RETURNS void AS 'x' LANGUAGE sql",
        );
        assert_eq!(
            arguments(&f),
            [
                "In -: double precision",
                "In -: character varying ( 10 )",
                "In -: int [ ]",
                "In -: public . year",
                "In -: \"Mood\"",
                "In -: bit varying",
            ]
        );
    }

    #[test]
    fn named_arguments_with_modes_and_defaults() {
        let f = routine(
            "CREATE OR REPLACE FUNCTION s.f(IN a integer, b OUT text, INOUT \"Weird, name\" \
             numeric(5,2) DEFAULT round(1.5, 0), VARIADIC rest text[] = ARRAY['a,b', 'c']) \
             RETURNS record AS $$ SELECT 1 $$ LANGUAGE sql STABLE",
        );
        assert_eq!(
            arguments(&f),
            [
                "In a: integer",
                "Out b: text",
                "InOut Weird, name: numeric ( 5 , 2 ) =",
                "Variadic rest: text [ ] =",
            ]
        );
        assert!(f.read_only);
        assert_eq!(f.returns.as_ref().map(|r| r.set), Some(false));
    }

    #[test]
    fn a_column_type_reference_is_a_type() {
        let f = routine(
            "CREATE FUNCTION f(p_id customer.customer_id%TYPE, public.t.c%type) RETURNS int \
             AS 'select 1' LANGUAGE sql",
        );
        assert_eq!(
            arguments(&f),
            [
                "In p_id: customer . customer_id % type",
                "In -: public . t . c % type"
            ]
        );
    }

    #[test]
    fn returns_table_columns_are_output_arguments() {
        let f = routine(
            "CREATE FUNCTION delete_ratings(enttype TEXT, ids INTEGER[]) \
             RETURNS TABLE(editor INT, \"Rating\" SMALLINT) AS $$ BEGIN END $$ LANGUAGE plpgsql",
        );
        assert_eq!(
            arguments(&f),
            [
                "In enttype: text",
                "In ids: integer [ ]",
                "Table editor: int",
                "Table Rating: smallint",
            ]
        );
        let returns = f.returns.expect("returns");
        assert!(returns.set);
        assert_eq!(text_of(&returns.type_tokens), "record");
        assert!(!f.read_only, "VOLATILE by default");
    }

    #[test]
    fn setof_a_qualified_type_and_options_after_the_body() {
        let f = routine(
            "CREATE FUNCTION public.rewards_report(min_monthly_purchases integer) RETURNS \
             SETOF public.customer LANGUAGE plpgsql SECURITY DEFINER AS $body$ \
             BEGIN RETURN; END $body$",
        );
        let returns = f.returns.expect("returns");
        assert!(returns.set);
        assert_eq!(text_of(&returns.type_tokens), "public . customer");
        let g = routine(
            "CREATE FUNCTION g() RETURNS SETOF text AS $$ SELECT 'immutable' $$ \
             LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT",
        );
        assert!(g.read_only);
        assert!(
            routine("CREATE FUNCTION w(int) RETURNS int WINDOW LANGUAGE internal AS 'x'").window
        );
    }

    #[test]
    fn procedures_have_no_return() {
        let p = routine(
            "CREATE PROCEDURE p(INOUT a int, OUT b text, c int DEFAULT 3) LANGUAGE sql \
             AS $$ SELECT 1, 'x' $$",
        );
        assert_eq!(p.kind, RoutineKind::Procedure);
        assert_eq!(p.returns, None);
        assert_eq!(
            arguments(&p),
            ["InOut a: int", "Out b: text", "In c: int ="]
        );
        let standard = routine(
            "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql \
             BEGIN ATOMIC SELECT a + b AS stable; END",
        );
        assert!(
            !standard.read_only,
            "words of a SQL-standard body are no options"
        );
    }

    #[test]
    fn aggregate_arguments() {
        let args = |sql: &str| {
            parse_aggregate_arguments(&lex(sql))
                .expect("reads")
                .into_iter()
                .map(|a| text_of(&a.type_tokens))
                .collect::<Vec<_>>()
        };
        assert!(args("*").is_empty());
        assert_eq!(args("text"), ["text"]);
        assert_eq!(
            args("float8 ORDER BY x anyelement"),
            ["float8", "anyelement"]
        );
    }

    #[test]
    fn argument_types_are_spelled_without_modifiers() {
        for (canonical, expected) in [
            ("character varying(45)", "character varying"),
            ("character(3)", "character"),
            ("numeric(5,2)", "numeric"),
            ("timestamp(3) with time zone", "timestamp with time zone"),
            ("time(2) without time zone", "time without time zone"),
            ("interval day to second(3)", "interval"),
            ("interval(3)[]", "interval[]"),
            ("bit(1)", "bit"),
            ("character varying(10)[]", "character varying[]"),
            ("s.\"My (odd) type\"", "s.\"My (odd) type\""),
            ("integer", "integer"),
        ] {
            assert_eq!(argument_type_text(canonical), expected, "{canonical}");
        }
        assert!(is_pseudo_type("anyelement"));
        assert!(is_pseudo_type("record[]"));
        assert!(is_pseudo_type("\"any\""));
        assert!(!is_pseudo_type("integer"));
    }
}

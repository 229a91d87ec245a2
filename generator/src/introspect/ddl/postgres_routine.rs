//! The signatures of PostgreSQL routines in a DDL file: `CREATE [OR REPLACE] FUNCTION`,
//! `CREATE PROCEDURE`, `CREATE AGGREGATE`, and the argument lists of `COMMENT ON FUNCTION` and
//! `DROP FUNCTION`, read from [`lex`](super::postgres_types::lex) tokens by hand: sqlparser
//! cannot parse many routine bodies, and only the signature and a few options matter.
//!
//! Types are not resolved here (the [`super::postgres::Catalog`] does it, through the
//! `search_path`); [`argument_type_text`] spells a resolved type as `format_type` prints an
//! argument's type, which has no type modifier (`varchar(45)` is `character varying`).

use super::postgres_types::{Lexeme, TypeName, matching_close, parse_type, qualified_name};
use crate::introspect::routines::ArgumentMode;
use crate::model::RoutineKind;

/// Words that end the return type of a `CREATE FUNCTION`.
pub(super) const FUNCTION_STOP_WORDS: &[&str] = &[
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
pub(super) struct ArgumentDecl {
    /// Its mode.
    pub(super) mode: ArgumentMode,
    /// Its name, if it has one.
    pub(super) name: Option<String>,
    /// Its type's tokens.
    pub(super) type_tokens: Vec<Lexeme>,
    /// It has a `DEFAULT` (or `= expr`).
    pub(super) has_default: bool,
}

/// What a function declares it returns.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ReturnDecl {
    /// `SETOF` or `RETURNS TABLE`.
    pub(super) set: bool,
    /// The type's tokens (`record` for `RETURNS TABLE`, whose columns are arguments of mode
    /// [`ArgumentMode::Table`]).
    pub(super) type_tokens: Vec<Lexeme>,
}

/// A `CREATE FUNCTION` or `CREATE PROCEDURE`, read.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RoutineDecl {
    /// Its name's parts (`schema.name` or `name`).
    pub(super) name: Vec<String>,
    /// Function or procedure.
    pub(super) kind: RoutineKind,
    /// Its arguments, then the columns of a `RETURNS TABLE`.
    pub(super) arguments: Vec<ArgumentDecl>,
    /// What a function returns; `None` for a procedure, and for a function that declares
    /// no `RETURNS` (its OUT arguments say what it returns).
    pub(super) returns: Option<ReturnDecl>,
    /// `IMMUTABLE` or `STABLE` (the default is `VOLATILE`).
    pub(super) read_only: bool,
    /// `WINDOW`.
    pub(super) window: bool,
}

/// Reads a `CREATE FUNCTION` or `CREATE PROCEDURE` whose name starts at token `at`.
pub(super) fn parse_routine(
    tokens: &[Lexeme],
    at: usize,
    kind: RoutineKind,
) -> Result<RoutineDecl, String> {
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
pub(super) fn parse_arguments(tokens: &[Lexeme]) -> Result<Vec<ArgumentDecl>, String> {
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
pub(super) fn parse_aggregate_arguments(tokens: &[Lexeme]) -> Result<Vec<ArgumentDecl>, String> {
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
pub(super) fn is_type_reference(tokens: &[Lexeme]) -> bool {
    matches!(
        tokens,
        [.., Lexeme::Punct('%'), last] if last.is("type")
    ) && qualified_name(tokens, 0)
        .is_some_and(|(parts, end)| parts.len() >= 2 && end + 2 == tokens.len())
}

/// The text of tokens, for messages and [`parse_type`].
pub(super) fn text_of(tokens: &[Lexeme]) -> String {
    super::postgres_types::tokens_text(tokens)
}

/// A type as `format_type` prints an argument's or a function's return type: `canonical`
/// (as it prints a column's type) without its type modifiers (`character varying(45)` ->
/// `character varying`, `character(3)` -> `character`, `numeric(5,2)` -> `numeric`,
/// `timestamp(3) with time zone` -> `timestamp with time zone`, `interval day to second(3)`
/// -> `interval`).
pub(super) fn argument_type_text(canonical: &str) -> String {
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
pub(super) fn is_pseudo_type(text: &str) -> bool {
    let element = text.strip_suffix("[]").unwrap_or(text);
    PSEUDO_TYPES.contains(&element)
}

#[cfg(test)]
mod tests {
    use super::super::postgres_types::lex;
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

//! PostgreSQL's own spellings, reproduced without a server, so that a DDL file reads like
//! the catalogs of a database built from it: type names as `format_type` prints them,
//! identifiers as `quote_ident` quotes them, and a light lexer for the statements that
//! sqlparser does not read (`CREATE DOMAIN`, `CREATE AGGREGATE`, `SET search_path`, ...).

/// The keywords that `quote_ident` quotes: all but the unreserved ones (PostgreSQL 15's
/// `pg_get_keywords()` with `catcode <> 'U'`).
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// `name` as PostgreSQL's `quote_ident` writes it: quoted unless it is lower case letters,
/// digits and underscores (not starting with a digit) and not a keyword.
pub(super) fn quote_ident(name: &str) -> String {
    let safe = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !QUOTED_KEYWORDS.contains(&name);
    if safe {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `schema.name` as PostgreSQL prints a name in a session whose `search_path` is `public`:
/// without the schema when it is `public` or `pg_catalog`.
pub(super) fn display_name(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) if schema != "public" && schema != "pg_catalog" => {
            format!("{}.{}", quote_ident(schema), quote_ident(name))
        }
        _ => quote_ident(name),
    }
}

/// A token of [`lex`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Lexeme {
    /// A name or keyword: unquoted ones folded to lower case.
    Word {
        /// The name.
        text: String,
        /// It was written in double quotes.
        quoted: bool,
    },
    /// A string constant (`'...'`, `E'...'`, `$$...$$`), unquoted.
    Str(String),
    /// A number, as written.
    Number(String),
    /// Any other character.
    Punct(char),
}

impl Lexeme {
    /// The unquoted word (lower case), if this is one.
    pub(super) fn keyword(&self) -> Option<&str> {
        match self {
            Lexeme::Word {
                text,
                quoted: false,
            } => Some(text),
            _ => None,
        }
    }

    /// Whether this is the unquoted word `word` (lower case).
    pub(super) fn is(&self, word: &str) -> bool {
        self.keyword() == Some(word)
    }

    /// The name this word stands for, quoted or not.
    pub(super) fn name(&self) -> Option<&str> {
        match self {
            Lexeme::Word { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// The tokens of a PostgreSQL statement, without blanks and comments.
pub(super) fn lex(text: &str) -> Vec<Lexeme> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        if c.is_whitespace() {
            at += 1;
        } else if c == '-' && next == Some('-') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0usize;
            while at < chars.len() {
                if chars[at] == '/' && chars.get(at + 1) == Some(&'*') {
                    depth += 1;
                    at += 2;
                } else if chars[at] == '*' && chars.get(at + 1) == Some(&'/') {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    at += 1;
                }
            }
        } else if c == '\'' || ((c == 'e' || c == 'E') && next == Some('\'')) {
            let escapes = c != '\'';
            at += if escapes { 2 } else { 1 };
            let mut value = String::new();
            while at < chars.len() {
                match chars[at] {
                    '\'' if chars.get(at + 1) == Some(&'\'') => {
                        value.push('\'');
                        at += 2;
                    }
                    '\'' => {
                        at += 1;
                        break;
                    }
                    '\\' if escapes && at + 1 < chars.len() => {
                        value.push(chars[at + 1]);
                        at += 2;
                    }
                    other => {
                        value.push(other);
                        at += 1;
                    }
                }
            }
            out.push(Lexeme::Str(value));
        } else if c == '"' {
            at += 1;
            let mut value = String::new();
            while at < chars.len() {
                if chars[at] == '"' {
                    if chars.get(at + 1) == Some(&'"') {
                        value.push('"');
                        at += 2;
                        continue;
                    }
                    at += 1;
                    break;
                }
                value.push(chars[at]);
                at += 1;
            }
            out.push(Lexeme::Word {
                text: value,
                quoted: true,
            });
        } else if c == '$'
            && let Some(tag_end) = dollar_tag_end(&chars, at)
        {
            let tag: String = chars[at..=tag_end].iter().collect();
            let tag_chars: Vec<char> = tag.chars().collect();
            let body_start = tag_end + 1;
            let mut end = body_start;
            while end < chars.len() && !chars[end..].starts_with(&tag_chars) {
                end += 1;
            }
            out.push(Lexeme::Str(chars[body_start..end].iter().collect()));
            at = (end + tag_chars.len()).min(chars.len());
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = at;
            while at < chars.len()
                && (chars[at].is_ascii_alphanumeric()
                    || chars[at] == '.'
                    || ((chars[at] == '+' || chars[at] == '-')
                        && matches!(chars[at - 1], 'e' | 'E')))
            {
                at += 1;
            }
            out.push(Lexeme::Number(chars[start..at].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = at;
            while at < chars.len()
                && (chars[at].is_alphanumeric() || chars[at] == '_' || chars[at] == '$')
            {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            out.push(Lexeme::Word {
                text: word.to_ascii_lowercase(),
                quoted: false,
            });
        } else {
            out.push(Lexeme::Punct(c));
            at += 1;
        }
    }
    out
}

/// The index of the `$` that ends the dollar-quote tag starting at `at`, if one does.
fn dollar_tag_end(chars: &[char], at: usize) -> Option<usize> {
    let mut end = at + 1;
    while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
        end += 1;
    }
    (chars.get(end) == Some(&'$')
        && !chars
            .get(at + 1)
            .is_some_and(|c| c.is_ascii_digit() && end > at + 1))
    .then_some(end)
}

/// The index of the token closing the group opened at `open` (its last token when the group
/// is not closed).
pub(super) fn matching_close(tokens: &[Lexeme], open: usize) -> usize {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Lexeme::Punct('(' | '[') => depth += 1,
            Lexeme::Punct(')' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// A qualified name starting at token `at`: its parts and the index after it.
pub(super) fn qualified_name(tokens: &[Lexeme], mut at: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = vec![tokens.get(at)?.name()?.to_owned()];
    at += 1;
    while tokens.get(at) == Some(&Lexeme::Punct('.')) {
        parts.push(tokens.get(at + 1)?.name()?.to_owned());
        at += 2;
    }
    Some((parts, at))
}

/// The text of tokens, joined by blanks, for [`parse_type`].
pub(super) fn tokens_text(tokens: &[Lexeme]) -> String {
    let mut out = String::new();
    for token in tokens {
        if !out.is_empty() {
            out.push(' ');
        }
        match token {
            Lexeme::Word { text, quoted: true } => {
                out.push('"');
                out.push_str(&text.replace('"', "\"\""));
                out.push('"');
            }
            Lexeme::Word { text, .. } | Lexeme::Number(text) => out.push_str(text),
            Lexeme::Str(text) => {
                out.push('\'');
                out.push_str(&text.replace('\'', "''"));
                out.push('\'');
            }
            Lexeme::Punct(c) => out.push(*c),
        }
    }
    out
}

/// A declared type, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParsedType {
    /// What it names.
    pub(super) base: TypeName,
    /// It is an array of `base`.
    pub(super) array: bool,
    /// It is a `serial` pseudo-type (an integer filled from a sequence).
    pub(super) serial: bool,
}

/// The name of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TypeName {
    /// A built-in type, as `format_type` prints it (`character varying(45)`).
    Builtin(String),
    /// Another type: the schema it is qualified with (if any), its name, and its type
    /// modifier as written (`(Point,4326)`), if any.
    Other {
        /// The schema written before it.
        schema: Option<String>,
        /// Its name.
        name: String,
        /// Its modifiers, with their parentheses.
        modifiers: Option<String>,
    },
}

/// Reads a declared type (`varchar(45)`, `timestamp(3) with time zone`, `public.year`,
/// `int[]`, `text ARRAY`) into the name PostgreSQL prints for it.
pub(super) fn parse_type(text: &str) -> Option<ParsedType> {
    let mut tokens = lex(text);
    let mut array = false;
    loop {
        match tokens.last() {
            Some(Lexeme::Punct(']')) => {
                let open = tokens.iter().rposition(|t| *t == Lexeme::Punct('['))?;
                tokens.truncate(open);
                array = true;
            }
            Some(token) if token.is("array") && tokens.len() > 1 => {
                tokens.pop();
                array = true;
            }
            _ => break,
        }
    }
    let open = tokens.iter().position(|t| *t == Lexeme::Punct('('));
    let (head, modifiers, tail) = match open {
        Some(open) => {
            let close = matching_close(&tokens, open);
            let inside: Vec<String> = tokens[open + 1..close]
                .split(|t| *t == Lexeme::Punct(','))
                .map(|part| tokens_text(part).replace(' ', ""))
                .collect();
            (&tokens[..open], Some(inside), &tokens[close + 1..])
        }
        None => (&tokens[..], None, &tokens[tokens.len()..]),
    };
    if head.is_empty() {
        return None;
    }
    if head.contains(&Lexeme::Punct('.')) {
        let (mut parts, end) = qualified_name(head, 0)?;
        if end != head.len() {
            return None;
        }
        let name = parts.pop()?;
        let schema = parts.pop();
        if schema.as_deref() == Some("pg_catalog")
            && let Some(builtin) = builtin_type(&[name.as_str()], modifiers.as_deref(), &[])
        {
            return Some(ParsedType {
                serial: false,
                base: TypeName::Builtin(builtin),
                array,
            });
        }
        return Some(ParsedType {
            base: TypeName::Other {
                schema,
                name,
                modifiers: modifiers.map(|m| format!("({})", m.join(","))),
            },
            array,
            serial: false,
        });
    }
    let quoted = head
        .iter()
        .any(|t| matches!(t, Lexeme::Word { quoted: true, .. }));
    let words: Option<Vec<&str>> = head.iter().map(Lexeme::name).collect();
    let words = words?;
    let tail_words: Vec<&str> = tail.iter().filter_map(Lexeme::keyword).collect();
    if quoted {
        if let [name] = words.as_slice() {
            let base = if *name == "char" {
                TypeName::Builtin("\"char\"".to_owned())
            } else {
                TypeName::Other {
                    schema: None,
                    name: (*name).to_owned(),
                    modifiers: modifiers.map(|m| format!("({})", m.join(","))),
                }
            };
            return Some(ParsedType {
                base,
                array,
                serial: false,
            });
        }
        return None;
    }
    let serial = matches!(
        words.as_slice(),
        ["serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"]
    );
    if let Some(builtin) = builtin_type(&words, modifiers.as_deref(), &tail_words) {
        return Some(ParsedType {
            base: TypeName::Builtin(builtin),
            array,
            serial,
        });
    }
    match words.as_slice() {
        [name] => Some(ParsedType {
            base: TypeName::Other {
                schema: None,
                name: (*name).to_owned(),
                modifiers: modifiers.map(|m| format!("({})", m.join(","))),
            },
            array,
            serial: false,
        }),
        _ => None,
    }
}

/// The built-in type `words` (lower case) with `modifiers` and trailing words (`with time
/// zone`), as `format_type` prints it; `None` when it is not a built-in type.
fn builtin_type(words: &[&str], modifiers: Option<&[String]>, tail: &[&str]) -> Option<String> {
    let first = |m: Option<&[String]>| m.and_then(|m| m.first().cloned());
    let with_length = |name: &str, m: Option<&[String]>| match first(m) {
        Some(length) => format!("{name}({length})"),
        None => name.to_owned(),
    };
    let zone = |words: &[&str]| -> Option<bool> {
        match words {
            [] | ["without", "time", "zone"] => Some(false),
            ["with", "time", "zone"] => Some(true),
            _ => None,
        }
    };
    let plain = |name: &str| (modifiers.is_none() && tail.is_empty()).then(|| name.to_owned());
    let joined = words.join(" ");
    match joined.as_str() {
        "int" | "integer" | "int4" | "serial" | "serial4" => plain("integer"),
        "smallint" | "int2" | "smallserial" | "serial2" => plain("smallint"),
        "bigint" | "int8" | "bigserial" | "serial8" => plain("bigint"),
        "real" | "float4" => plain("real"),
        "double precision" | "float8" => plain("double precision"),
        "float" => match first(modifiers).and_then(|p| p.parse::<u32>().ok()) {
            Some(bits) if bits <= 24 => Some("real".to_owned()),
            _ => Some("double precision".to_owned()),
        },
        "numeric" | "decimal" | "dec" => Some(match modifiers {
            Some([precision]) => format!("numeric({precision},0)"),
            Some([precision, scale]) => format!("numeric({precision},{scale})"),
            _ => "numeric".to_owned(),
        }),
        "boolean" | "bool" => plain("boolean"),
        "varchar" | "character varying" | "char varying" => {
            Some(with_length("character varying", modifiers))
        }
        "character" | "char" => Some(format!(
            "character({})",
            first(modifiers).unwrap_or_else(|| "1".to_owned())
        )),
        "bpchar" => Some(match first(modifiers) {
            Some(length) => format!("character({length})"),
            None => "bpchar".to_owned(),
        }),
        "bit" => Some(format!(
            "bit({})",
            first(modifiers).unwrap_or_else(|| "1".to_owned())
        )),
        "bit varying" | "varbit" => Some(with_length("bit varying", modifiers)),
        "timestamp" | "timestamptz" | "time" | "timetz" => {
            let (name, zoned) = match joined.as_str() {
                "timestamptz" => ("timestamp", true),
                "timetz" => ("time", true),
                name => (name, zone(tail)?),
            };
            let precision = first(modifiers)
                .map(|p| format!("({p})"))
                .unwrap_or_default();
            let zone_words = if zoned { "with" } else { "without" };
            Some(format!("{name}{precision} {zone_words} time zone"))
        }
        "timestamp without time zone"
        | "timestamp with time zone"
        | "time without time zone"
        | "time with time zone" => Some(joined.clone()),
        _ if words.first() == Some(&"interval") => {
            let fields = words[1..].join(" ");
            let mut out = "interval".to_owned();
            if !fields.is_empty() {
                out.push(' ');
                out.push_str(&fields);
            }
            if let Some(precision) = first(modifiers) {
                out.push_str(&format!("({precision})"));
            }
            Some(out)
        }
        "text" | "bytea" | "date" | "uuid" | "json" | "jsonb" | "xml" | "inet" | "cidr"
        | "macaddr" | "macaddr8" | "money" | "tsvector" | "tsquery" | "oid" | "regclass"
        | "regproc" | "regtype" | "point" | "line" | "lseg" | "box" | "path" | "polygon"
        | "circle" | "pg_lsn" | "int4range" | "int8range" | "numrange" | "tsrange"
        | "tstzrange" | "daterange" | "name" | "txid_snapshot" | "jsonpath" | "record" | "void"
        | "trigger" | "anyelement" | "anyarray" => plain(&joined),
        _ => None,
    }
}

/// The type without its modifiers (`character varying(10)` -> `character varying`,
/// `character(3)` -> `bpchar`, `numeric(5,2)` -> `numeric`): the type of a constant, and
/// of what most functions return.
pub(super) fn without_modifiers(canonical: &str) -> String {
    let Some(open) = canonical.find('(') else {
        return canonical.to_owned();
    };
    let close = canonical[open..]
        .find(')')
        .map_or(canonical.len(), |c| open + c + 1);
    let base = canonical[..open].trim_end();
    let rest = &canonical[close..];
    if base == "character" && rest.is_empty() {
        return "bpchar".to_owned();
    }
    format!("{base}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        match parse_type(text).expect("a type").base {
            TypeName::Builtin(name) => name,
            TypeName::Other { schema, name, .. } => format!("{schema:?}.{name}"),
        }
    }

    #[test]
    fn builtin_types_are_spelled_like_format_type() {
        assert_eq!(canonical("VARCHAR(45)"), "character varying(45)");
        assert_eq!(canonical("character varying"), "character varying");
        assert_eq!(canonical("INT"), "integer");
        assert_eq!(canonical("serial"), "integer");
        assert_eq!(canonical("int8"), "bigint");
        assert_eq!(canonical("TIMESTAMP"), "timestamp without time zone");
        assert_eq!(
            canonical("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(canonical("timestamptz"), "timestamp with time zone");
        assert_eq!(canonical("time (2)"), "time(2) without time zone");
        assert_eq!(canonical("numeric(5)"), "numeric(5,0)");
        assert_eq!(canonical("NUMERIC(10, 2)"), "numeric(10,2)");
        assert_eq!(canonical("decimal"), "numeric");
        assert_eq!(canonical("char"), "character(1)");
        assert_eq!(canonical("CHAR(3)"), "character(3)");
        assert_eq!(canonical("bpchar"), "bpchar");
        assert_eq!(canonical("float(10)"), "real");
        assert_eq!(canonical("float"), "double precision");
        assert_eq!(canonical("bit"), "bit(1)");
        assert_eq!(
            canonical("interval day to second(3)"),
            "interval day to second(3)"
        );
        assert_eq!(canonical("pg_catalog.int4"), "integer");
        assert_eq!(canonical("\"char\""), "\"char\"");
        assert_eq!(canonical("public.year"), "Some(\"public\").year");
        assert_eq!(canonical("\"bıgınt\""), "None.bıgınt");
        let array = parse_type("text[]").expect("a type");
        assert!(array.array);
        assert_eq!(array.base, TypeName::Builtin("text".to_owned()));
        assert!(parse_type("int ARRAY").expect("a type").array);
        assert!(parse_type("integer[3][3]").expect("a type").array);
        assert!(parse_type("bigserial").expect("a type").serial);
    }

    #[test]
    fn identifiers_are_quoted_like_quote_ident() {
        assert_eq!(quote_ident("year"), "year");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("bıgınt"), "\"bıgınt\"");
        assert_eq!(quote_ident("Album"), "\"Album\"");
        assert_eq!(quote_ident("a$b"), "\"a$b\"");
        assert_eq!(display_name(Some("public"), "mood"), "mood");
        assert_eq!(display_name(Some("s"), "Color"), "s.\"Color\"");
    }

    #[test]
    fn modifiers_are_dropped_from_constant_types() {
        assert_eq!(
            without_modifiers("character varying(10)"),
            "character varying"
        );
        assert_eq!(without_modifiers("character(3)"), "bpchar");
        assert_eq!(without_modifiers("numeric(5,2)"), "numeric");
        assert_eq!(
            without_modifiers("timestamp(3) with time zone"),
            "timestamp with time zone"
        );
        assert_eq!(without_modifiers("text"), "text");
    }

    #[test]
    fn statements_are_lexed_without_comments() {
        let tokens =
            lex("SET search_path = 'a', \"B\" -- x\n/* y */; $f$ body $f$ E'it\\'s' 1.5e3");
        assert_eq!(
            tokens,
            [
                Lexeme::Word {
                    text: "set".to_owned(),
                    quoted: false
                },
                Lexeme::Word {
                    text: "search_path".to_owned(),
                    quoted: false
                },
                Lexeme::Punct('='),
                Lexeme::Str("a".to_owned()),
                Lexeme::Punct(','),
                Lexeme::Word {
                    text: "B".to_owned(),
                    quoted: true
                },
                Lexeme::Punct(';'),
                Lexeme::Str(" body ".to_owned()),
                Lexeme::Str("it's".to_owned()),
                Lexeme::Number("1.5e3".to_owned()),
            ]
        );
    }
}

//! DreamFactory's filter and order strings, read into this server's own request arguments:
//! `(Total > 5) AND (BillingCountry = 'USA')` becomes the JSON filter
//! `{"and": [{"Total": {"gt": 5}}, {"BillingCountry": {"eq": "USA"}}]}` of [`super::filter`],
//! and `Name ASC, Total DESC` an `order_by`.
//!
//! [`parse`] is a pure function of the text: it knows no table and writes no SQL. The JSON it
//! gives is then read by [`Filter::parse_at`], the one filter implementation, which checks the
//! columns, the values' types and every bound as for any other tool; nothing of the text ever
//! reaches the database. [`read`] does both, after reading each literal as its column takes
//! values (a quoted `'5'` for an integer column, an unquoted `5` for a text one) and matching
//! column names without regard to case, as DreamFactory does.
//!
//! The grammar, case-insensitive in its words:
//!
//! ```text
//! filter     := or
//! or         := and { (OR | || | NOR | XOR) and }     one of them per level; mix with ( )
//! and        := unary { (AND | &&) unary }
//! unary      := NOT unary | ( filter ) | condition
//! condition  := field [NOT] = != <> > >= < <= EQ NE GT GTE LT LTE value
//!             | field [NOT] IN ( value, .. )          also [ .. ]
//!             | field [NOT] LIKE | ILIKE | CONTAINS | STARTS WITH | ENDS WITH value
//!             | field [NOT] BETWEEN value AND value
//!             | field IS [NOT] NULL
//! field      := name | "name" | `name`
//! value      := 'text' ('' for a quote) | "text" | number | true | false | null | bare-word
//! ```
//!
//! Refused, each with the reason: `:param` placeholders (there is nothing to bind them to),
//! `ALL`, `DOES [NOT] EXIST`, a column on the value side, `NULL` with an ordering comparison.

use serde_json::{Number, Value, json};

use super::ArgumentError;
use super::filter::{Filter, MAX_CONDITIONS};
use crate::catalog::{Operator, Table};
use crate::table::ValueKind;

/// The longest filter or order string, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// How deep parentheses and `NOT`s may nest in the text (the filter read from it nests at most
/// [`super::filter::MAX_DEPTH`] levels, checked afterwards).
const MAX_NESTING: usize = 32;

/// A filter string read into a JSON filter of [`super::filter`]; `None` when it is blank.
pub fn parse(text: &str) -> Result<Option<Value>, ArgumentError> {
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut parser = Parser { tokens, next: 0 };
    let filter = parser.or(0)?;
    if let Some(token) = parser.peek() {
        return Err(invalid(
            token,
            format!(
                "unexpected {}: join conditions with AND or OR",
                token.kind.describe()
            ),
        ));
    }
    Ok(Some(filter))
}

/// An order string (`Name ASC, "Unit Price" DESC`): each column's name and whether it is
/// descending, in order.
pub fn parse_order(text: &str) -> Result<Vec<(String, bool)>, ArgumentError> {
    let tokens = lex(text).map_err(|error| retitled(&error, "filter", "order"))?;
    let invalid = |token: &Lexed, what: String| {
        ArgumentError::new(format!(
            "Invalid order at character {}: {what}; write it as `column ASC, column2 DESC`",
            token.at
        ))
    };
    let mut keys = Vec::new();
    let mut tokens = tokens.iter().peekable();
    while let Some(token) = tokens.next() {
        let name = match &token.kind {
            Kind::Word(word) | Kind::DoubleQuoted(word) | Kind::Backticked(word) => word.clone(),
            other => {
                return Err(invalid(
                    token,
                    format!("expected a column, found {}", other.describe()),
                ));
            }
        };
        let mut descending = false;
        if let Some(next) = tokens.peek()
            && let Kind::Word(word) = &next.kind
        {
            if word.eq_ignore_ascii_case("desc") {
                descending = true;
                tokens.next();
            } else if word.eq_ignore_ascii_case("asc") {
                tokens.next();
            }
        }
        keys.push((name, descending));
        match tokens.next() {
            None => break,
            Some(token) if token.kind == Kind::Symbol(",") => {}
            Some(token) => {
                return Err(invalid(
                    token,
                    format!("expected `,`, ASC or DESC, found {}", token.kind.describe()),
                ));
            }
        }
    }
    Ok(keys)
}

/// A filter string read for `table`: the JSON filter its literals make ([`read_literals`]),
/// and that filter checked; `None` when the text is blank. Errors name the filter as
/// DreamFactory does ("Invalid or unparsable filter: ...") and, for a mistake the filter
/// reader finds, show the filter as it was read.
pub fn read(table: &Table, text: &str) -> Result<Option<(Value, Filter)>, ArgumentError> {
    let Some(mut value) = parse(text)? else {
        return Ok(None);
    };
    read_literals(table, &mut value);
    let filter = check(table, &value, "filter")?;
    Ok(Some((value, filter)))
}

/// A JSON filter made from the argument `argument` read by the one filter reader; the error
/// names the argument and shows the filter as it was read.
pub fn check(table: &Table, filter: &Value, argument: &str) -> Result<Filter, ArgumentError> {
    Filter::parse_at(table, filter, argument).map_err(|error| {
        ArgumentError::new(format!(
            "Invalid {argument}: {error} (as read: {})",
            super::filter::brief_to(filter, 300)
        ))
    })
}

/// The column of `table` that `name` names: as the database spells it, else the one column
/// whose name matches ignoring case. `None` when neither.
pub fn column_named(table: &Table, name: &str) -> Option<usize> {
    table.column_index(name).or_else(|| {
        let mut matches = table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, column)| column.def.name.eq_ignore_ascii_case(name))
            .map(|(index, _)| index);
        match (matches.next(), matches.next()) {
            (Some(index), None) => Some(index),
            _ => None,
        }
    })
}

/// Reads the literals of a parsed filter as their columns take values: a string that spells a
/// number for a numeric column becomes that number, `'true'` and `1` for a boolean column
/// become `true`, a number for a text, date or time column becomes its text; and renames each
/// column to its name as the database spells it ([`column_named`]). What fits no column is
/// left for [`Filter::parse_at`] to refuse.
pub fn read_literals(table: &Table, filter: &mut Value) {
    let Value::Object(object) = filter else {
        return;
    };
    let entries = std::mem::take(object);
    for (key, mut value) in entries {
        match key.as_str() {
            "and" | "or" => {
                if let Value::Array(items) = &mut value {
                    items.iter_mut().for_each(|item| read_literals(table, item));
                }
                object.insert(key, value);
            }
            "not" => {
                read_literals(table, &mut value);
                object.insert(key, value);
            }
            name => {
                let Some(column) = column_named(table, name) else {
                    object.insert(key, value);
                    continue;
                };
                let kind = table.columns[column].def.value;
                if let Value::Object(operators) = &mut value {
                    for (operator, operand) in operators.iter_mut() {
                        match (operator.as_str(), operand) {
                            ("is_null", _) => {}
                            ("in" | "nin", Value::Array(items)) => {
                                items.iter_mut().for_each(|item| read_literal(kind, item));
                            }
                            (_, operand) => read_literal(kind, operand),
                        }
                    }
                }
                object.insert(table.column_name(column).to_owned(), value);
            }
        }
    }
}

/// One literal as a column of `kind` takes it, where it spells such a value.
fn read_literal(kind: ValueKind, literal: &mut Value) {
    let read = match (kind, &*literal) {
        (ValueKind::Integer, Value::String(text)) => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.trim().parse::<u64>().map(Value::from))
            .ok(),
        (ValueKind::Float, Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        (ValueKind::Boolean, Value::String(text)) => {
            match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(Value::Bool(true)),
                "false" | "0" => Some(Value::Bool(false)),
                _ => None,
            }
        }
        (ValueKind::Boolean, Value::Number(number)) => match number.as_u64() {
            Some(1) => Some(Value::Bool(true)),
            Some(0) => Some(Value::Bool(false)),
            _ => None,
        },
        (
            ValueKind::Text
            | ValueKind::Uuid
            | ValueKind::Date
            | ValueKind::Time
            | ValueKind::Timestamp
            | ValueKind::TimestampTz
            | ValueKind::Bytes,
            Value::Number(number),
        ) => Some(Value::String(number.to_string())),
        _ => None,
    };
    if let Some(read) = read {
        *literal = read;
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A run of characters outside quotes, symbols and spaces: a name, a keyword, a number, an
    /// unquoted value.
    Word(String),
    /// `'text'`, with `''` for a quote.
    Quoted(String),
    /// `"text"`, with `""` for a quote: a column's name, or a value.
    DoubleQuoted(String),
    /// `` `name` ``: a column's name.
    Backticked(String),
    /// `( ) [ ] , = != <> > >= < <= && ||`.
    Symbol(&'static str),
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::Word(word) => format!("`{}`", shortened(word)),
            Kind::Quoted(text) => format!("'{}'", shortened(text)),
            Kind::DoubleQuoted(text) => format!("\"{}\"", shortened(text)),
            Kind::Backticked(text) => format!("`{}`", shortened(text)),
            Kind::Symbol(symbol) => format!("`{symbol}`"),
        }
    }

    /// Whether it is the word `keyword`, in any case.
    fn is(&self, keyword: &str) -> bool {
        matches!(self, Kind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }
}

fn shortened(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(37).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// A token and the position of its first character (1-based, in characters).
#[derive(Debug, Clone)]
struct Lexed {
    kind: Kind,
    at: usize,
}

const SYMBOLS: [&str; 15] = [
    "==", "!=", "<>", ">=", "<=", "&&", "||", "(", ")", "[", "]", ",", "=", ">", "<",
];

/// Whether `c` ends a word.
fn breaks_word(c: char) -> bool {
    c.is_whitespace() || "()[],'\"`=<>!&|".contains(c)
}

fn lex(text: &str) -> Result<Vec<Lexed>, ArgumentError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_TEXT_CHARS {
        return Err(ArgumentError::new(format!(
            "Invalid or unparsable filter: it is {} characters long; a filter holds at most {MAX_TEXT_CHARS}",
            chars.len()
        )));
    }
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if let Some(quote @ ('\'' | '"' | '`')) = Some(c) {
            let (text, end) = quoted(&chars, i, quote)?;
            i = end;
            let kind = match quote {
                '\'' => Kind::Quoted(text),
                '"' => Kind::DoubleQuoted(text),
                _ => Kind::Backticked(text),
            };
            tokens.push(Lexed { kind, at });
            continue;
        }
        if let Some(symbol) = SYMBOLS.iter().find(|symbol| {
            symbol
                .chars()
                .enumerate()
                .all(|(offset, s)| chars.get(i + offset) == Some(&s))
        }) {
            i += symbol.chars().count();
            // `==` means what `=` does.
            let symbol = if *symbol == "==" { "=" } else { symbol };
            tokens.push(Lexed {
                kind: Kind::Symbol(symbol),
                at,
            });
            continue;
        }
        if breaks_word(c) {
            return Err(ArgumentError::new(format!(
                "Invalid or unparsable filter at character {at}: unexpected `{c}`"
            )));
        }
        let start = i;
        while i < chars.len() && !breaks_word(chars[i]) {
            i += 1;
        }
        tokens.push(Lexed {
            kind: Kind::Word(chars[start..i].iter().collect()),
            at,
        });
    }
    Ok(tokens)
}

/// The text of the quoted token that starts at `chars[start]`, and the index after it; a
/// doubled quote stands for one.
fn quoted(chars: &[char], start: usize, quote: char) -> Result<(String, usize), ArgumentError> {
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(ArgumentError::new(format!(
                    "Invalid or unparsable filter at character {}: the text quoted with {quote} there has no closing {quote} (write a {quote} inside it as {quote}{quote})",
                    start + 1
                )));
            }
            Some(&c) if c == quote => {
                if chars.get(i + 1) == Some(&quote) {
                    text.push(quote);
                    i += 2;
                } else {
                    return Ok((text, i + 1));
                }
            }
            Some(&c) => {
                text.push(c);
                i += 1;
            }
        }
    }
}

/// Words that are never a column's or a value's unquoted spelling.
const KEYWORDS: [&str; 9] = [
    "and", "or", "nor", "xor", "not", "in", "is", "like", "between",
];

/// How conditions of one level of `or` are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    Or,
    Nor,
    Xor,
}

impl Join {
    fn name(self) -> &'static str {
        match self {
            Join::Or => "OR",
            Join::Nor => "NOR",
            Join::Xor => "XOR",
        }
    }
}

/// The filter's comparison a DreamFactory operator spells: a symbol (`=`, `!=`, `<>`, `>`,
/// `>=`, `<`, `<=`) or a word (`EQ`, `NE`, `GT`, `GTE`, `LT`, `LTE`).
fn comparison(kind: &Kind) -> Option<Operator> {
    let by_symbol = match kind {
        Kind::Symbol("=") => Some(Operator::Eq),
        Kind::Symbol("!=" | "<>") => Some(Operator::Ne),
        Kind::Symbol(">") => Some(Operator::Gt),
        Kind::Symbol(">=") => Some(Operator::Gte),
        Kind::Symbol("<") => Some(Operator::Lt),
        Kind::Symbol("<=") => Some(Operator::Lte),
        _ => None,
    };
    by_symbol.or_else(|| {
        [
            Operator::Eq,
            Operator::Ne,
            Operator::Gt,
            Operator::Gte,
            Operator::Lt,
            Operator::Lte,
        ]
        .into_iter()
        .find(|operator| kind.is(operator.name()))
    })
}

struct Parser {
    tokens: Vec<Lexed>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexed> {
        self.tokens.get(self.next)
    }

    fn advance(&mut self) -> Option<Lexed> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    /// Where the text ends, for messages about what is missing there.
    fn end(&self) -> usize {
        self.tokens.last().map_or(1, |token| {
            token.at
                + match &token.kind {
                    Kind::Word(word) => word.chars().count(),
                    Kind::Symbol(symbol) => symbol.len(),
                    Kind::Quoted(text) | Kind::DoubleQuoted(text) | Kind::Backticked(text) => {
                        text.chars().count() + 2
                    }
                }
        })
    }

    /// The error for a filter that ends where `what` is expected.
    fn missing(&self, what: &str) -> ArgumentError {
        ArgumentError::new(format!(
            "Invalid or unparsable filter at character {}, where it ends: expected {what}",
            self.end()
        ))
    }

    /// The next token, which must be there: else the filter ends where `what` was expected.
    fn expect(&mut self, what: &str) -> Result<Lexed, ArgumentError> {
        self.advance().ok_or_else(|| self.missing(what))
    }

    fn nesting(depth: usize, token: &Lexed) -> Result<(), ArgumentError> {
        if depth >= MAX_NESTING {
            return Err(invalid(
                token,
                format!("parentheses and NOTs nest more than {MAX_NESTING} levels deep"),
            ));
        }
        Ok(())
    }

    fn or(&mut self, depth: usize) -> Result<Value, ArgumentError> {
        let first = self.and(depth)?;
        let mut operands = vec![first];
        let mut join: Option<Join> = None;
        while let Some(token) = self.peek() {
            let this = if token.kind.is("or") || token.kind == Kind::Symbol("||") {
                Join::Or
            } else if token.kind.is("nor") {
                Join::Nor
            } else if token.kind.is("xor") {
                Join::Xor
            } else {
                break;
            };
            if let Some(join) = join
                && join != this
            {
                return Err(invalid(
                    token,
                    format!(
                        "{} after {}: put parentheses around each group, as in (a {} b) {} c",
                        this.name(),
                        join.name(),
                        join.name(),
                        this.name()
                    ),
                ));
            }
            join = Some(this);
            self.advance();
            operands.push(self.and(depth)?);
        }
        let Some(join) = join else {
            return Ok(operands.pop().expect("one operand"));
        };
        let at = self.peek().map_or(self.end(), |token| token.at);
        match join {
            Join::Or => Ok(json!({ "or": operands })),
            Join::Nor => Ok(json!({ "not": { "or": operands } })),
            Join::Xor => {
                // Exactly one of two, folded from the left (true when an odd number hold):
                // (a AND NOT b) OR (NOT a AND b).
                let mut operands = operands.into_iter();
                let mut folded = operands.next().expect("two operands");
                for operand in operands {
                    folded = json!({"or": [
                        {"and": [folded.clone(), {"not": operand.clone()}]},
                        {"and": [{"not": folded}, operand]}
                    ]});
                    if conditions(&folded) > MAX_CONDITIONS {
                        return Err(ArgumentError::new(format!(
                            "Invalid or unparsable filter at character {at}: the XORs before it make more than {MAX_CONDITIONS} conditions (each XOR repeats both of its sides); use fewer XORs"
                        )));
                    }
                }
                Ok(folded)
            }
        }
    }

    fn and(&mut self, depth: usize) -> Result<Value, ArgumentError> {
        let mut operands = vec![self.unary(depth)?];
        while let Some(token) = self.peek() {
            if !(token.kind.is("and") || token.kind == Kind::Symbol("&&")) {
                break;
            }
            self.advance();
            operands.push(self.unary(depth)?);
        }
        Ok(match operands.len() {
            1 => operands.pop().expect("one operand"),
            _ => json!({ "and": operands }),
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Value, ArgumentError> {
        let token = self.expect("a condition")?;
        if token.kind.is("not") {
            Self::nesting(depth, &token)?;
            let operand = self.unary(depth + 1)?;
            return Ok(json!({ "not": operand }));
        }
        if token.kind == Kind::Symbol("(") {
            Self::nesting(depth, &token)?;
            let inner = self.or(depth + 1)?;
            return match self.advance() {
                Some(close) if close.kind == Kind::Symbol(")") => Ok(inner),
                Some(other) => Err(invalid(
                    &other,
                    format!(
                        "expected `)` to close the `(` at character {}, found {}",
                        token.at,
                        other.kind.describe()
                    ),
                )),
                None => {
                    Err(self.missing(&format!("`)` to close the `(` at character {}", token.at)))
                }
            };
        }
        self.condition(&token)
    }

    /// `field op value`, whose field is `token`.
    fn condition(&mut self, token: &Lexed) -> Result<Value, ArgumentError> {
        let field = match &token.kind {
            Kind::Word(word)
                if KEYWORDS
                    .iter()
                    .any(|keyword| word.eq_ignore_ascii_case(keyword)) =>
            {
                return Err(invalid(
                    token,
                    format!(
                        "expected a field name, found the word {word}; quote a field named so with \"..\" or `..`"
                    ),
                ));
            }
            Kind::Word(word) if word.starts_with(':') => {
                return Err(invalid(token, parameter(word)));
            }
            Kind::Word(word) | Kind::DoubleQuoted(word) | Kind::Backticked(word) => word.clone(),
            Kind::Quoted(text) => {
                return Err(invalid(
                    token,
                    format!(
                        "expected a field name, found the value '{}' (a field's name is written bare, or quoted with \"..\" or `..`)",
                        shortened(text)
                    ),
                ));
            }
            Kind::Symbol(symbol) => {
                return Err(invalid(
                    token,
                    format!("expected a field name, found `{symbol}`"),
                ));
            }
        };
        let mut operator = self.expect(&format!("an operator after {}", token.kind.describe()))?;
        let negated = operator.kind.is("not");
        if negated {
            operator = self.expect("an operator after NOT")?;
        }
        let condition = self.operation(&field, &operator, negated)?;
        // `NOT IN` is an operator of its own (`nin`): its NOT is not applied again.
        Ok(if negated && !operator.kind.is("in") {
            json!({ "not": condition })
        } else {
            condition
        })
    }

    /// The condition `field [NOT] operator ...`, whose operator is `operator` (NOT applied by
    /// the caller, but to `IN`, which has its own negation).
    fn operation(
        &mut self,
        field: &str,
        operator: &Lexed,
        negated: bool,
    ) -> Result<Value, ArgumentError> {
        let on = |operators: Value| json!({ field: operators });
        if let Some(comparison) = comparison(&operator.kind) {
            let value = self.value(operator)?;
            return match (comparison, value) {
                (Operator::Eq, Value::Null) => Ok(on(json!({"is_null": true}))),
                (Operator::Ne, Value::Null) => Ok(on(json!({"is_null": false}))),
                (_, Value::Null) => Err(invalid(
                    operator,
                    "NULL is neither greater nor less than a value: test it with IS NULL or IS NOT NULL".to_owned(),
                )),
                (comparison, value) => Ok(on(json!({ comparison.name(): value }))),
            };
        }
        let Kind::Word(word) = &operator.kind else {
            return Err(Self::unknown_operator(operator));
        };
        match word.to_ascii_lowercase().as_str() {
            "in" => {
                let values = self.list(operator)?;
                let op = if negated { "nin" } else { "in" };
                Ok(on(json!({ op: values })))
            }
            "like" | "ilike" => {
                let pattern = self.pattern(operator)?;
                Ok(on(json!({ word.to_ascii_lowercase(): pattern })))
            }
            "contains" => {
                let text = self.pattern(operator)?;
                Ok(on(json!({"like": format!("%{}%", escape_like(&text))})))
            }
            "starts" | "ends" => {
                match self.advance() {
                    Some(with) if with.kind.is("with") => {}
                    Some(other) => {
                        return Err(invalid(
                            &other,
                            format!("expected WITH after {word}, found {}", other.kind.describe()),
                        ));
                    }
                    None => return Err(self.missing(&format!("WITH after {word}"))),
                }
                let text = escape_like(&self.pattern(operator)?);
                let pattern = if word.eq_ignore_ascii_case("starts") {
                    format!("{text}%")
                } else {
                    format!("%{text}")
                };
                Ok(on(json!({ "like": pattern })))
            }
            "between" => {
                let low = self.value(operator)?;
                match self.advance() {
                    Some(and) if and.kind.is("and") => {}
                    Some(other) => {
                        return Err(invalid(
                            &other,
                            format!(
                                "expected AND between the two bounds of BETWEEN, found {}",
                                other.kind.describe()
                            ),
                        ));
                    }
                    None => return Err(self.missing("AND and the upper bound of BETWEEN")),
                }
                let high = self.value(operator)?;
                if low.is_null() || high.is_null() {
                    return Err(invalid(
                        operator,
                        "BETWEEN takes two values, not NULL".to_owned(),
                    ));
                }
                Ok(on(json!({"gte": low, "lte": high})))
            }
            "is" => {
                if negated {
                    return Err(invalid(
                        operator,
                        format!("write `{field} IS NOT NULL`, not `{field} NOT IS NULL`"),
                    ));
                }
                let mut next = self.expect("NULL or NOT NULL after IS")?;
                let is_null = !next.kind.is("not");
                if !is_null {
                    next = self.expect("NULL after IS NOT")?;
                }
                if !next.kind.is("null") {
                    return Err(invalid(
                        &next,
                        format!(
                            "expected NULL after IS{}, found {}",
                            if is_null { "" } else { " NOT" },
                            next.kind.describe()
                        ),
                    ));
                }
                Ok(on(json!({ "is_null": is_null })))
            }
            "all" => Err(invalid(
                operator,
                "ALL (a comparison with every value of a list) is not supported; use IN, or join conditions with AND".to_owned(),
            )),
            "does" => Err(invalid(
                operator,
                "DOES EXIST and DOES NOT EXIST are for document databases; test a column with IS NOT NULL or IS NULL".to_owned(),
            )),
            _ => Err(Self::unknown_operator(operator)),
        }
    }

    fn unknown_operator(operator: &Lexed) -> ArgumentError {
        invalid(
            operator,
            format!(
                "expected an operator (= != <> > >= < <=, EQ NE GT GTE LT LTE, IN, NOT IN, LIKE, CONTAINS, STARTS WITH, ENDS WITH, BETWEEN, IS NULL, IS NOT NULL), found {}",
                operator.kind.describe()
            ),
        )
    }

    /// A value after `operator`.
    fn value(&mut self, operator: &Lexed) -> Result<Value, ArgumentError> {
        let token = self.expect(&format!("a value after {}", operator.kind.describe()))?;
        Self::literal(&token)
    }

    fn literal(token: &Lexed) -> Result<Value, ArgumentError> {
        match &token.kind {
            Kind::Quoted(text) | Kind::DoubleQuoted(text) => Ok(Value::String(text.clone())),
            Kind::Backticked(name) => Err(invalid(
                token,
                format!(
                    "`{}` names a column where a value is expected; comparing two columns is not supported",
                    shortened(name)
                ),
            )),
            Kind::Symbol(symbol) => Err(invalid(
                token,
                format!("expected a value, found `{symbol}`"),
            )),
            Kind::Word(word) if word.starts_with(':') => Err(invalid(token, parameter(word))),
            Kind::Word(word)
                if KEYWORDS
                    .iter()
                    .any(|keyword| word.eq_ignore_ascii_case(keyword)) =>
            {
                Err(invalid(
                    token,
                    format!(
                        "expected a value, found the word {word}; quote it ('{word}') to mean the text"
                    ),
                ))
            }
            Kind::Word(word) => Ok(unquoted(word)),
        }
    }

    /// A pattern or text after `operator`: a quoted text, or an unquoted word as written.
    fn pattern(&mut self, operator: &Lexed) -> Result<String, ArgumentError> {
        let token = self.expect(&format!("a text after {}", operator.kind.describe()))?;
        match (&token.kind, Self::literal(&token)?) {
            (_, Value::Null) => Err(invalid(
                &token,
                format!(
                    "{} takes a text, not NULL; test NULL with IS NULL",
                    operator.kind.describe()
                ),
            )),
            (Kind::Word(word), _) => Ok(word.clone()),
            (_, Value::String(text)) => Ok(text),
            (_, other) => Ok(other.to_string()),
        }
    }

    /// `( value, .. )` or `[ value, .. ]` after `IN`.
    fn list(&mut self, operator: &Lexed) -> Result<Vec<Value>, ArgumentError> {
        let open = self.expect("`(` and the values of IN")?;
        let close = match open.kind {
            Kind::Symbol("(") => ")",
            Kind::Symbol("[") => "]",
            _ => {
                return Err(invalid(
                    &open,
                    format!(
                        "expected `(` after {}, found {}: write IN ('a', 'b')",
                        operator.kind.describe(),
                        open.kind.describe()
                    ),
                ));
            }
        };
        let mut values = Vec::new();
        if self
            .peek()
            .is_some_and(|token| token.kind == Kind::Symbol(close))
        {
            self.advance();
            return Ok(values);
        }
        loop {
            let token = self.expect(&format!(
                "a value of the list opened at character {}",
                open.at
            ))?;
            let value = Self::literal(&token)?;
            if value.is_null() {
                return Err(invalid(
                    &token,
                    "NULL in an IN list matches nothing: test it with IS NULL".to_owned(),
                ));
            }
            values.push(value);
            if values.len() > MAX_CONDITIONS {
                return Err(invalid(
                    &token,
                    format!("an IN list holds at most {MAX_CONDITIONS} values"),
                ));
            }
            match self.advance() {
                Some(token) if token.kind == Kind::Symbol(",") => {}
                Some(token) if token.kind == Kind::Symbol(close) => return Ok(values),
                Some(token) => {
                    return Err(invalid(
                        &token,
                        format!(
                            "expected `,` or `{close}` in the list opened at character {}, found {}",
                            open.at,
                            token.kind.describe()
                        ),
                    ));
                }
                None => {
                    return Err(self.missing(&format!(
                        "`{close}` to close the list opened at character {}",
                        open.at
                    )));
                }
            }
        }
    }
}

/// The error for a mistake at `token`.
fn invalid(token: &Lexed, what: impl std::fmt::Display) -> ArgumentError {
    ArgumentError::new(format!(
        "Invalid or unparsable filter at character {}: {what}",
        token.at
    ))
}

/// The refusal of a `:name` placeholder.
fn parameter(word: &str) -> String {
    format!(
        "{} is a parameter placeholder, and this server has no parameters to bind it to: write the value itself, quoted if it is text",
        shortened(word)
    )
}

/// An unquoted value: `true`, `false`, `null`, a number, else the text as written (a date
/// like 2009-01-01 is text, read as its column's type afterwards).
fn unquoted(word: &str) -> Value {
    match word.to_ascii_lowercase().as_str() {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" => return Value::Null,
        _ => {}
    }
    if crate::types::is_decimal(word) {
        if let Ok(integer) = word.parse::<i64>() {
            return Value::from(integer);
        }
        if let Ok(integer) = word.parse::<u64>() {
            return Value::from(integer);
        }
        let integral = !word.contains(['.', 'e', 'E']);
        // An integer too large for 64 bits stays text, exact, for a decimal column to read.
        if !integral && let Some(number) = word.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(number);
        }
    }
    Value::String(word.to_owned())
}

/// `text` as a `like` pattern that matches it literally: `%`, `_` and `\` escaped with `\`.
fn escape_like(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// How many column conditions a JSON filter holds.
fn conditions(filter: &Value) -> usize {
    match filter {
        Value::Object(object) => object
            .iter()
            .map(|(key, value)| match key.as_str() {
                "and" | "or" => value
                    .as_array()
                    .map_or(0, |items| items.iter().map(conditions).sum()),
                "not" => conditions(value),
                _ => 1,
            })
            .sum(),
        _ => 0,
    }
}

/// `error` with its title's `from` replaced by `to` (the lexer's messages name a filter).
fn retitled(error: &ArgumentError, from: &str, to: &str) -> ArgumentError {
    ArgumentError::new(error.to_string().replacen(from, to, 1))
}

#[cfg(test)]
mod tests;

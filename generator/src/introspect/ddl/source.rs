//! One statement's source text and tokens: parsing it with sqlparser, and finding the exact
//! text the database keeps (a column's declared type, its default, an unnamed select item),
//! which sqlparser's AST re-renders or does not locate precisely.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use sqlparser::ast::Statement;
use sqlparser::dialect::{
    Dialect as SqlparserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Word};

use super::split::SqlStatement;
use crate::model::Dialect;

/// sqlparser's dialect for `dialect`.
pub(super) fn sqlparser_dialect(dialect: Dialect) -> Box<dyn SqlparserDialect> {
    match dialect {
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql => Box::new(MySqlDialect {}),
    }
}

/// A token that is not blank or a comment, with where it is in the statement's text.
#[derive(Debug, Clone)]
struct SourceToken {
    token: Token,
    /// Where sqlparser says it starts (statement-relative).
    start: Location,
    /// Its bytes in the statement's text.
    bytes: Range<usize>,
    /// Its bytes are really where it is written (sqlparser misplaces the tokens it reads from
    /// MySQL's `/*!NNNNN ... */` comments).
    located: bool,
}

/// A statement with its tokens.
pub(super) struct SourceText<'a> {
    statement: SqlStatement<'a>,
    dialect: Dialect,
    /// All tokens, for the parser.
    tokens: Vec<TokenWithSpan>,
    /// The tokens that are not blank or comments.
    significant: Vec<SourceToken>,
}

/// The source text of a column definition's parts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ColumnText<'a> {
    /// The declared type, as written (`None` when no type is declared).
    pub(super) sql_type: Option<&'a str>,
    /// The default, as SQLite's `pragma_table_xinfo` reports it (the expression without
    /// its outer parentheses).
    pub(super) default: Option<&'a str>,
}

/// Words that end a column's type: the column constraints and options that may follow it.
const TYPE_STOP_WORDS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
    "AUTOINCREMENT",
    "AUTO_INCREMENT",
    "COMMENT",
    "ON",
    "IDENTITY",
    "KEY",
    "CHARSET",
    "INVISIBLE",
    "VISIBLE",
    "STORAGE",
    "COLUMN_FORMAT",
    "SRID",
];

/// Words that end a default expression that is not parenthesized (PostgreSQL, MySQL).
const DEFAULT_STOP_WORDS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "REFERENCES",
    "COLLATE",
    "GENERATED",
    "ON",
    "COMMENT",
    "AUTO_INCREMENT",
    "AUTOINCREMENT",
    "INVISIBLE",
    "VISIBLE",
];

/// Words that end a select list at its own level.
const SELECT_LIST_END_WORDS: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "HAVING",
    "WINDOW",
    "ORDER",
    "LIMIT",
    "OFFSET",
    "FETCH",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "INTO",
    "QUALIFY",
];

/// Words that may come between `SELECT` and the first select item.
const SELECT_MODIFIERS: &[&str] = &[
    "DISTINCT",
    "ALL",
    "DISTINCTROW",
    "HIGH_PRIORITY",
    "STRAIGHT_JOIN",
    "SQL_SMALL_RESULT",
    "SQL_BIG_RESULT",
    "SQL_BUFFER_RESULT",
    "SQL_NO_CACHE",
    "SQL_CALC_FOUND_ROWS",
];

impl<'a> SourceText<'a> {
    /// Tokenizes `statement`. The error is sqlparser's, in file coordinates.
    pub(super) fn tokenize(statement: SqlStatement<'a>, dialect: Dialect) -> Result<Self, String> {
        let parser_dialect = sqlparser_dialect(dialect);
        let tokenized = catch_unwind(AssertUnwindSafe(|| {
            Tokenizer::new(parser_dialect.as_ref(), statement.text).tokenize_with_location()
        }));
        let tokens = match tokenized {
            Ok(Ok(tokens)) => tokens,
            Ok(Err(error)) => return Err(in_file_coordinates(&statement, &error.to_string())),
            Err(_) => return Err("sqlparser's tokenizer failed on it".to_owned()),
        };
        let mut source = Self {
            statement,
            dialect,
            tokens,
            significant: Vec::new(),
        };
        source.significant = source.significant_tokens();
        Ok(source)
    }

    /// The statement as split from the file.
    pub(super) fn statement(&self) -> SqlStatement<'a> {
        self.statement
    }

    /// The tokens that are not blanks or comments, with their bytes.
    fn significant_tokens(&self) -> Vec<SourceToken> {
        let mut locator = Locator::new(self.statement.text);
        self.tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .map(|t| {
                let bytes = locator
                    .offset(t.span.start)
                    .zip(locator.offset(t.span.end))
                    .map_or(0..0, |(start, end)| start..end.max(start));
                let written = self.statement.text.get(bytes.clone()).unwrap_or_default();
                SourceToken {
                    located: is_written_as(&t.token, written),
                    token: t.token.clone(),
                    start: t.span.start,
                    bytes,
                }
            })
            .collect()
    }

    /// Parses the statement. When that fails and `retry_simplified` is set (for `CREATE
    /// TABLE`), parses it again simplified: every column type replaced by a plain name,
    /// since SQLite accepts type names (`UNSIGNED BIG INT`, `VARYING CHARACTER(10)`) that
    /// sqlparser does not, and (SQLite) without `ON CONFLICT` clauses, which sqlparser
    /// rejects on table constraints. Types are read from the source text anyway. The error
    /// is the first attempt's, in file coordinates.
    pub(super) fn parse(&self, retry_simplified: bool) -> Result<Statement, String> {
        let parser_dialect = sqlparser_dialect(self.dialect);
        let first = parse_tokens(parser_dialect.as_ref(), self.tokens.clone());
        let Err(error) = first else {
            return first;
        };
        if retry_simplified && let Some(simplified) = self.simplified() {
            let retokenized = catch_unwind(AssertUnwindSafe(|| {
                Tokenizer::new(parser_dialect.as_ref(), &simplified).tokenize_with_location()
            }));
            if let Ok(Ok(tokens)) = retokenized
                && let Ok(statement) = parse_tokens(parser_dialect.as_ref(), tokens)
            {
                return Ok(statement);
            }
        }
        Err(in_file_coordinates(&self.statement, &error))
    }

    /// The statement's text with each column type replaced by `T` and blanks, and (SQLite)
    /// each `ON CONFLICT <resolution>` blanked, every other token staying where it was (so
    /// the AST's locations still point into the original text); `None` when there is
    /// nothing to simplify.
    fn simplified(&self) -> Option<String> {
        let mut plain_types: Vec<Range<usize>> = Vec::new();
        for element in self.column_list_elements() {
            if self.starts_table_constraint(element.start) {
                continue;
            }
            if let Some(types) = self.type_tokens(element.start + 1, element.end) {
                plain_types.extend(self.bytes_of(types));
            }
        }
        let blanks = if self.dialect == Dialect::Sqlite {
            self.on_conflict_clauses()
        } else {
            Vec::new()
        };
        if plain_types.is_empty() && blanks.is_empty() {
            return None;
        }
        let text = self.statement.text;
        let mut out = String::with_capacity(text.len());
        for (offset, c) in text.char_indices() {
            let in_type = plain_types.iter().find(|range| range.contains(&offset));
            let in_blank = blanks.iter().any(|range| range.contains(&offset));
            match in_type {
                Some(range) if offset == range.start => out.push('T'),
                _ if (in_type.is_some() || in_blank) && c != '\n' => out.push(' '),
                _ => out.push(c),
            }
        }
        Some(out)
    }

    /// The bytes of each `ON CONFLICT <resolution>` clause.
    fn on_conflict_clauses(&self) -> Vec<Range<usize>> {
        (0..self.significant.len().saturating_sub(2))
            .filter(|at| {
                self.keyword_at(*at).as_deref() == Some("ON")
                    && self.keyword_at(at + 1).as_deref() == Some("CONFLICT")
            })
            .filter_map(|at| self.bytes_of(at..at + 3))
            .collect()
    }

    /// The token ranges of the elements (columns and table constraints) of the first
    /// parenthesized list of a `CREATE TABLE`.
    fn column_list_elements(&self) -> Vec<Range<usize>> {
        let Some(open) = self
            .significant
            .iter()
            .position(|t| t.token == Token::LParen)
        else {
            return Vec::new();
        };
        let close = self.matching_close(open, self.significant.len());
        let mut elements = Vec::new();
        let mut start = open + 1;
        let mut depth = 0usize;
        for index in open + 1..close {
            match self.significant[index].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                Token::Comma if depth == 0 => {
                    elements.push(start..index);
                    start = index + 1;
                }
                _ => {}
            }
        }
        elements.push(start..close);
        elements.retain(|element| !element.is_empty());
        elements
    }

    /// The element starting at token `index` is a table constraint, not a column.
    fn starts_table_constraint(&self, index: usize) -> bool {
        let mut words = vec!["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
        match self.dialect {
            Dialect::Sqlite => {}
            Dialect::Postgres => words.extend(["EXCLUDE", "LIKE"]),
            Dialect::Mysql => words.extend(["KEY", "INDEX", "FULLTEXT", "SPATIAL"]),
        }
        self.keyword_at(index)
            .is_some_and(|keyword| words.contains(&keyword.as_str()))
    }

    /// The source text of the column whose name token starts at `name` (a location from the
    /// AST), or empty texts when it cannot be found.
    pub(super) fn column_text(&self, name: Location) -> ColumnText<'a> {
        let Some(name_index) = self.index_at(name) else {
            return ColumnText::default();
        };
        let end = self.element_end(name_index);
        let types = self.type_tokens(name_index + 1, end);
        let after_type = types.as_ref().map_or(name_index + 1, |types| types.end);
        let default = self
            .find_keyword_at_depth_0(after_type, end, "DEFAULT")
            .and_then(|index| self.default_tokens(index + 1, end));
        ColumnText {
            sql_type: types.and_then(|tokens| self.text_of(tokens)),
            default: default.and_then(|tokens| self.text_of(tokens)),
        }
    }

    /// The tokens of a column type starting at token `from` (exclusive `end`): names, then
    /// (SQLite) at most one parenthesized group, or (other dialects) more names (qualified
    /// ones too), groups and array brackets.
    fn type_tokens(&self, from: usize, end: usize) -> Option<Range<usize>> {
        let mut at = from;
        while at < end {
            match &self.significant[at].token {
                Token::Word(word) if !self.ends_type(word, at) => at += 1,
                Token::SingleQuotedString(_) if self.dialect == Dialect::Sqlite => at += 1,
                Token::Period if at > from && self.dialect != Dialect::Sqlite => at += 1,
                Token::LParen if at > from => {
                    at = self.matching_close(at, end) + 1;
                    if self.dialect == Dialect::Sqlite {
                        break;
                    }
                }
                Token::LBracket if at > from && self.dialect != Dialect::Sqlite => {
                    at = self.matching_close(at, end) + 1;
                }
                _ => break,
            }
        }
        let at = at.min(end);
        (at > from).then_some(from..at)
    }

    /// `word` (token `index`) ends a column type rather than being part of it.
    fn ends_type(&self, word: &Word, index: usize) -> bool {
        if word.quote_style.is_some() {
            return false;
        }
        let upper = word.value.to_ascii_uppercase();
        TYPE_STOP_WORDS.contains(&upper.as_str())
            || (upper == "CHARACTER" && self.keyword_at(index + 1).as_deref() == Some("SET"))
    }

    /// The tokens of a default expression starting at token `from` (exclusive `end`), the
    /// way SQLite keeps it: a parenthesized expression without its parentheses, else a
    /// signed literal or one word (SQLite) or everything up to the next constraint.
    fn default_tokens(&self, from: usize, end: usize) -> Option<Range<usize>> {
        if from >= end {
            return None;
        }
        if self.significant[from].token == Token::LParen {
            let close = self.matching_close(from, end);
            let ends_there =
                close + 1 >= end || self.dialect == Dialect::Sqlite || self.ends_default(close + 1);
            if ends_there {
                return (close > from + 1).then_some(from + 1..close);
            }
        }
        if self.dialect == Dialect::Sqlite {
            let signed = matches!(self.significant[from].token, Token::Plus | Token::Minus);
            let last = if signed { from + 1 } else { from };
            return Some(from..(last + 1).min(end));
        }
        let mut at = from;
        let mut depth = 0usize;
        while at < end {
            match self.significant[at].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                _ if depth == 0 && at > from && self.ends_default(at) => break,
                _ => {}
            }
            at += 1;
        }
        Some(from..at)
    }

    /// Token `index` ends an unparenthesized default.
    fn ends_default(&self, index: usize) -> bool {
        self.keyword_at(index)
            .is_some_and(|keyword| DEFAULT_STOP_WORDS.contains(&keyword.as_str()))
    }

    /// The text of each select item of the `SELECT` whose keyword starts at `select`, as
    /// written (SQLite names an unaliased expression by this text).
    pub(super) fn select_item_texts(&self, select: Location) -> Option<Vec<&'a str>> {
        let mut at = self.index_at(select)? + 1;
        let len = self.significant.len();
        while at < len {
            match self.keyword_at(at).as_deref() {
                Some("DISTINCT") if self.keyword_at(at + 1).as_deref() == Some("ON") => {
                    at = self.matching_close(at + 2, len) + 1;
                }
                Some(word) if SELECT_MODIFIERS.contains(&word) => at += 1,
                _ => break,
            }
        }
        let mut items = Vec::new();
        let mut start = at;
        let mut depth = 0usize;
        while at < len {
            match &self.significant[at].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket if depth == 0 => break,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::Comma if depth == 0 => {
                    items.push(start..at);
                    start = at + 1;
                }
                Token::SemiColon if depth == 0 => break,
                Token::Word(_) if depth == 0 && self.ends_select_list(at) => break,
                _ => {}
            }
            at += 1;
        }
        items.push(start..at);
        if items.iter().any(Range::is_empty) {
            return None;
        }
        items.into_iter().map(|item| self.text_of(item)).collect()
    }

    /// Token `index` (a word at the select list's level) ends the select list.
    fn ends_select_list(&self, index: usize) -> bool {
        let Some(keyword) = self.keyword_at(index) else {
            return false;
        };
        if !SELECT_LIST_END_WORDS.contains(&keyword.as_str()) {
            return false;
        }
        // `a IS [NOT] DISTINCT FROM b` is an expression.
        let previous = |back: usize| index.checked_sub(back).and_then(|at| self.keyword_at(at));
        !(keyword == "FROM" && previous(1).as_deref() == Some("DISTINCT"))
    }

    /// The index of the significant token that starts at `location`.
    fn index_at(&self, location: Location) -> Option<usize> {
        match self
            .significant
            .binary_search_by(|token| token.start.cmp(&location))
        {
            Ok(index) => Some(index),
            Err(_) => self.significant.iter().position(|t| t.start == location),
        }
    }

    /// The first token after the element that token `index` is in: the next comma or
    /// unmatched closing parenthesis at its level, or the end.
    fn element_end(&self, index: usize) -> usize {
        let mut depth = 0usize;
        for at in index..self.significant.len() {
            match self.significant[at].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket if depth == 0 => return at,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::Comma | Token::SemiColon if depth == 0 => return at,
                _ => {}
            }
        }
        self.significant.len()
    }

    /// The index of the token closing the group opened at `open` (or `end - 1` when it is
    /// not closed before `end`).
    fn matching_close(&self, open: usize, end: usize) -> usize {
        let end = end.min(self.significant.len());
        let mut depth = 0usize;
        for at in open..end {
            match self.significant[at].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return at;
                    }
                }
                _ => {}
            }
        }
        end.saturating_sub(1).max(open)
    }

    /// The index of the unquoted `keyword` at the level of token `from`, before `end`.
    fn find_keyword_at_depth_0(&self, from: usize, end: usize, keyword: &str) -> Option<usize> {
        let mut depth = 0usize;
        for at in from..end.min(self.significant.len()) {
            match self.significant[at].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                _ if depth == 0 && self.keyword_at(at).as_deref() == Some(keyword) => {
                    return Some(at);
                }
                _ => {}
            }
        }
        None
    }

    /// Token `index` upper-cased, when it is an unquoted word.
    fn keyword_at(&self, index: usize) -> Option<String> {
        match &self.significant.get(index)?.token {
            Token::Word(word) if word.quote_style.is_none() => {
                Some(word.value.to_ascii_uppercase())
            }
            _ => None,
        }
    }

    /// The bytes of the statement's text that tokens `tokens` cover.
    fn bytes_of(&self, tokens: Range<usize>) -> Option<Range<usize>> {
        let covered = self.significant.get(tokens)?;
        if covered.iter().any(|token| !token.located) {
            return None;
        }
        let (first, last) = (covered.first()?, covered.last()?);
        Some(first.bytes.start..last.bytes.end.max(first.bytes.start))
    }

    /// The text (verbatim, inner blanks and comments included) that tokens `tokens` cover.
    fn text_of(&self, tokens: Range<usize>) -> Option<&'a str> {
        self.statement.text.get(self.bytes_of(tokens)?)
    }
}

/// `written` (the text where sqlparser says `token` is) can be that token: a word must be
/// spelled there (misplaced tokens are words in practice); other tokens are trusted.
fn is_written_as(token: &Token, written: &str) -> bool {
    match token {
        Token::Word(word) if word.quote_style.is_none() => written == word.value,
        Token::Word(word) => written.chars().next() == word.quote_style,
        _ => !written.is_empty(),
    }
}

/// `message` (from sqlparser) with its statement-relative `at Line: L, Column: C` turned into
/// the file's line and column.
fn in_file_coordinates(statement: &SqlStatement<'_>, message: &str) -> String {
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    let Some(at) = message.find(" at Line: ") else {
        return message.to_owned();
    };
    let numbers: Vec<u64> = message[at + " at Line: ".len()..]
        .split(", Column: ")
        .map(|number| {
            number
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0)
        })
        .collect();
    let [line, column, ..] = numbers.as_slice() else {
        return message.to_owned();
    };
    let (file_line, file_column) = file_position(statement, Location::new(*line, *column));
    format!(
        "{} at line {file_line}, column {file_column}",
        &message[..at]
    )
}

/// The file's line and column of a location relative to `statement`.
fn file_position(statement: &SqlStatement<'_>, location: Location) -> (u64, u64) {
    let line = statement.line + location.line.saturating_sub(1);
    let column = if location.line <= 1 {
        statement.column + location.column.saturating_sub(1)
    } else {
        location.column
    };
    (line, column)
}

/// Parses one statement from its tokens, turning a panic of sqlparser into an error.
fn parse_tokens(
    dialect: &dyn SqlparserDialect,
    tokens: Vec<TokenWithSpan>,
) -> Result<Statement, String> {
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        Parser::new(dialect)
            .with_tokens_with_locations(tokens)
            .parse_statement()
    }));
    match parsed {
        Ok(Ok(statement)) => Ok(statement),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("sqlparser failed on it".to_owned()),
    }
}

/// Turns sqlparser's line/column locations into byte offsets of a text, cheaply for
/// locations that come in order.
struct Locator<'a> {
    text: &'a str,
    /// The byte offset of each line's start.
    line_starts: Vec<usize>,
    /// The last location found and its byte offset, to continue from.
    last: Option<(Location, usize)>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self {
            text,
            line_starts,
            last: None,
        }
    }

    /// The byte offset of `location` (1-based line, 1-based column in characters).
    fn offset(&mut self, location: Location) -> Option<usize> {
        let line_index = usize::try_from(location.line.checked_sub(1)?).ok()?;
        let line_start = *self.line_starts.get(line_index)?;
        let (mut column, mut offset) = match self.last {
            Some((last, offset))
                if last.line == location.line && last.column <= location.column =>
            {
                (last.column, offset)
            }
            _ => (1, line_start),
        };
        let mut chars = self.text.get(offset..)?.chars();
        while column < location.column {
            let c = chars.next()?;
            offset += c.len_utf8();
            column += 1;
        }
        self.last = Some((location, offset));
        Some(offset)
    }
}

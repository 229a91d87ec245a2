//! Splitting a DDL file into statements before anything is parsed, so that one statement
//! sqlparser cannot read does not lose the others.
//!
//! A statement ends at the delimiter (`;`, or what a MySQL `DELIMITER` line sets) outside of
//! quotes (`'...'`, `"..."`, `` `...` ``, SQLite's `[...]`, PostgreSQL's `$tag$...$tag$`),
//! comments (`--`, `/* */`, MySQL's `#`) and the `BEGIN ... END` body of a trigger or routine.

use crate::model::Dialect;

/// One statement of a DDL file, without its delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SqlStatement<'a> {
    /// Its text, from its first character that is neither blank nor a comment.
    pub(super) text: &'a str,
    /// The 1-based line of the file where it starts.
    pub(super) line: u64,
    /// The 1-based column (in characters) of that line where it starts.
    pub(super) column: u64,
}

/// The statements of `sql`, in file order. Never fails: an unterminated quote or comment
/// runs to the end of the file.
pub(super) fn split_statements(sql: &str, dialect: Dialect) -> Vec<SqlStatement<'_>> {
    let mut splitter = Splitter::new(sql, dialect);
    splitter.run();
    splitter.statements
}

/// The statement being read.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// Byte offset of its first character.
    start: usize,
    /// Its line.
    line: u64,
    /// Its column.
    column: u64,
    /// How many words it has had so far.
    words: usize,
    /// It creates a trigger, function or procedure, so `BEGIN` opens a body.
    routine: bool,
    /// How deep in `BEGIN`/`CASE` ... `END` blocks it is.
    block_depth: u32,
}

/// How many leading words may show that a statement creates a trigger or routine.
const ROUTINE_WORD_LIMIT: usize = 8;

/// The state of one pass over the file.
struct Splitter<'a> {
    sql: &'a str,
    bytes: &'a [u8],
    dialect: Dialect,
    pos: usize,
    line: u64,
    line_start: usize,
    delimiter: String,
    pending: Option<Pending>,
    statements: Vec<SqlStatement<'a>>,
}

impl<'a> Splitter<'a> {
    fn new(sql: &'a str, dialect: Dialect) -> Self {
        Self {
            sql,
            bytes: sql.as_bytes(),
            dialect,
            pos: 0,
            line: 1,
            line_start: 0,
            delimiter: ";".to_owned(),
            pending: None,
            statements: Vec::new(),
        }
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            if self.at_delimiter() {
                self.end_statement(self.pos);
                self.pos += self.delimiter.len();
                continue;
            }
            let byte = self.bytes[self.pos];
            let next = self.bytes.get(self.pos + 1).copied();
            match byte {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' => self.pos += 1,
                b'-' if next == Some(b'-') => self.skip_line_comment(),
                b'#' if self.dialect == Dialect::Mysql => self.skip_line_comment(),
                // A psql meta-command (`\set ON_ERROR_STOP 1`, `\c db`) runs to the end of its
                // line; it is not SQL.
                b'\\' if self.dialect == Dialect::Postgres && self.pending.is_none() => {
                    self.skip_line_comment();
                }
                b'/' if next == Some(b'*') => self.skip_block_comment(),
                b'\'' => {
                    self.mark_start();
                    let backslash = self.dialect == Dialect::Mysql || self.is_escape_string();
                    self.skip_quoted(b'\'', backslash);
                }
                b'"' => {
                    self.mark_start();
                    self.skip_quoted(b'"', self.dialect == Dialect::Mysql);
                }
                b'`' => {
                    self.mark_start();
                    self.skip_quoted(b'`', false);
                }
                b'[' if self.dialect == Dialect::Sqlite => {
                    self.mark_start();
                    self.skip_quoted(b']', false);
                }
                b'$' if self.dialect == Dialect::Postgres && self.dollar_tag().is_some() => {
                    self.mark_start();
                    self.skip_dollar_quoted();
                }
                _ if is_word_byte(byte) => self.read_word(),
                _ => {
                    self.mark_start();
                    self.pos += 1;
                }
            }
        }
        self.end_statement(self.bytes.len());
    }

    /// The delimiter starts here, outside of any trigger or routine body.
    fn at_delimiter(&self) -> bool {
        let in_body = self.pending.is_some_and(|p| p.block_depth > 0);
        if self.delimiter == ";" {
            self.bytes[self.pos] == b';' && !in_body
        } else {
            self.bytes[self.pos..].starts_with(self.delimiter.as_bytes())
        }
    }

    /// Records that the current statement starts here, if it has not started yet.
    fn mark_start(&mut self) {
        if self.pending.is_none() {
            let column = self.sql[self.line_start..self.pos].chars().count() as u64 + 1;
            self.pending = Some(Pending {
                start: self.pos,
                line: self.line,
                column,
                words: 0,
                routine: false,
                block_depth: 0,
            });
        }
    }

    /// Ends the current statement (if any) at byte `end`.
    fn end_statement(&mut self, end: usize) {
        if let Some(pending) = self.pending.take() {
            let text = self.sql[pending.start..end].trim_end();
            if !text.is_empty() {
                self.statements.push(SqlStatement {
                    text,
                    line: pending.line,
                    column: pending.column,
                });
            }
        }
    }

    /// Moves to byte `to`, counting the lines passed.
    fn advance_to(&mut self, to: usize) {
        let to = to.min(self.bytes.len());
        for (offset, byte) in self.bytes[self.pos..to].iter().enumerate() {
            if *byte == b'\n' {
                self.line += 1;
                self.line_start = self.pos + offset + 1;
            }
        }
        self.pos = to;
    }

    fn skip_line_comment(&mut self) {
        let end = self.bytes[self.pos..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.bytes.len(), |offset| self.pos + offset);
        self.pos = end;
    }

    /// Skips `/* ... */`, nested ones too in PostgreSQL.
    fn skip_block_comment(&mut self) {
        let nests = self.dialect == Dialect::Postgres;
        let mut depth = 0usize;
        let mut at = self.pos;
        while at < self.bytes.len() {
            if self.bytes[at..].starts_with(b"/*") && (depth == 0 || nests) {
                depth += 1;
                at += 2;
            } else if self.bytes[at..].starts_with(b"*/") {
                depth -= 1;
                at += 2;
                if depth == 0 {
                    break;
                }
            } else {
                at += 1;
            }
        }
        self.advance_to(at);
    }

    /// Skips a quoted string or identifier opened at `pos`, closed by `close` (doubled
    /// `close` stays inside; so does a backslash-escaped character when `backslash`).
    fn skip_quoted(&mut self, close: u8, backslash: bool) {
        let mut at = self.pos + 1;
        while at < self.bytes.len() {
            let byte = self.bytes[at];
            if backslash && byte == b'\\' {
                at += 2;
            } else if byte == close {
                if close != b']' && self.bytes.get(at + 1) == Some(&close) {
                    at += 2;
                } else {
                    at += 1;
                    break;
                }
            } else {
                at += 1;
            }
        }
        self.advance_to(at);
    }

    /// A PostgreSQL `E'...'` string, where backslashes escape.
    fn is_escape_string(&self) -> bool {
        self.dialect == Dialect::Postgres
            && self.pos >= 1
            && matches!(self.bytes[self.pos - 1], b'E' | b'e')
            && (self.pos < 2 || !is_word_byte(self.bytes[self.pos - 2]))
    }

    /// The `$tag$` opening a dollar-quoted string at `pos`, if there is one.
    fn dollar_tag(&self) -> Option<&'a str> {
        let rest = &self.bytes[self.pos + 1..];
        let tag_len = rest.iter().position(|b| !is_word_byte(*b) || *b == b'$')?;
        let tag = &rest[..tag_len];
        let starts_well = tag.first().is_none_or(|b| !b.is_ascii_digit());
        (starts_well && rest.get(tag_len) == Some(&b'$'))
            .then(|| &self.sql[self.pos..self.pos + tag_len + 2])
    }

    fn skip_dollar_quoted(&mut self) {
        let Some(tag) = self.dollar_tag() else {
            self.pos += 1;
            return;
        };
        let body_start = self.pos + tag.len();
        let end = self.sql[body_start..]
            .find(tag)
            .map_or(self.bytes.len(), |offset| body_start + offset + tag.len());
        self.advance_to(end);
    }

    /// Reads a word (keyword, identifier or number), following `DELIMITER` lines and the
    /// `BEGIN`/`CASE`/`END` blocks of triggers and routines.
    fn read_word(&mut self) {
        let start = self.pos;
        let mut end = self.bytes[start..]
            .iter()
            .position(|b| !is_word_byte(*b))
            .map_or(self.bytes.len(), |offset| start + offset);
        // A delimiter of word characters (`$$`) ends a word it is in, as the client sees it
        // anywhere (`RETURN 1$$`).
        if self.delimiter != ";"
            && let Some(offset) = self.sql[start..end].find(self.delimiter.as_str())
        {
            end = start + offset;
        }
        let word = &self.sql[start..end];
        if self.dialect == Dialect::Mysql
            && self.pending.is_none()
            && word.eq_ignore_ascii_case("DELIMITER")
        {
            self.read_delimiter_line(end);
            return;
        }
        self.mark_start();
        self.pos = end;
        let next_word = self.peek_word();
        let Some(pending) = self.pending.as_mut() else {
            return;
        };
        pending.words += 1;
        if pending.words <= ROUTINE_WORD_LIMIT
            && ["TRIGGER", "FUNCTION", "PROCEDURE"]
                .iter()
                .any(|kind| word.eq_ignore_ascii_case(kind))
            && creates_something(&self.sql[pending.start..start])
        {
            pending.routine = true;
        }
        if !pending.routine || self.delimiter != ";" {
            return;
        }
        if word.eq_ignore_ascii_case("BEGIN")
            || (pending.block_depth > 0 && word.eq_ignore_ascii_case("CASE"))
        {
            pending.block_depth += 1;
        } else if pending.block_depth > 0 && word.eq_ignore_ascii_case("END") {
            let closes_other_block = next_word.is_some_and(|next| {
                ["IF", "LOOP", "WHILE", "REPEAT", "FOR"]
                    .iter()
                    .any(|kind| next.eq_ignore_ascii_case(kind))
            });
            if !closes_other_block {
                pending.block_depth -= 1;
            }
        }
    }

    /// The next word after blanks, without moving.
    fn peek_word(&self) -> Option<&'a str> {
        let start = self.bytes[self.pos..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|offset| self.pos + offset)?;
        let end = self.bytes[start..]
            .iter()
            .position(|b| !is_word_byte(*b))
            .map_or(self.bytes.len(), |offset| start + offset);
        (end > start).then(|| &self.sql[start..end])
    }

    /// A MySQL client `DELIMITER xx` line: sets the delimiter, is no statement itself.
    fn read_delimiter_line(&mut self, after_keyword: usize) {
        let line_end = self.bytes[after_keyword..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.bytes.len(), |offset| after_keyword + offset);
        if let Some(delimiter) = self.sql[after_keyword..line_end].split_whitespace().next() {
            delimiter.clone_into(&mut self.delimiter);
        }
        self.pos = line_end;
    }
}

/// `text`, the start of a statement, is `CREATE` and modifiers only (no parenthesis yet), so
/// a `TRIGGER`, `FUNCTION` or `PROCEDURE` after it is what the statement creates.
fn creates_something(text: &str) -> bool {
    text.get(..6)
        .is_some_and(|head| head.eq_ignore_ascii_case("CREATE"))
        && !text.contains('(')
}

/// A byte that can be part of a word: ASCII letters, digits, `_`, `$` and any byte of a
/// non-ASCII character.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str, dialect: Dialect) -> Vec<&str> {
        split_statements(sql, dialect)
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn statements_end_at_semicolons_and_know_their_line() {
        let statements = split_statements(
            "CREATE TABLE a (x);\n\n  CREATE TABLE b (y);\nINSERT INTO a VALUES (1)",
            Dialect::Sqlite,
        );
        let found: Vec<_> = statements
            .iter()
            .map(|s| (s.text, s.line, s.column))
            .collect();
        assert_eq!(
            found,
            vec![
                ("CREATE TABLE a (x)", 1, 1),
                ("CREATE TABLE b (y)", 3, 3),
                ("INSERT INTO a VALUES (1)", 4, 1),
            ]
        );
    }

    #[test]
    fn semicolons_inside_quotes_do_not_end_a_statement() {
        let sql =
            "INSERT INTO t VALUES ('a;b', 'it''s;'); CREATE TABLE \"x;y\" (`c;d` INT, [e;f] INT);";
        assert_eq!(
            texts(sql, Dialect::Sqlite),
            vec![
                "INSERT INTO t VALUES ('a;b', 'it''s;')",
                "CREATE TABLE \"x;y\" (`c;d` INT, [e;f] INT)",
            ]
        );
    }

    #[test]
    fn comments_are_skipped_and_hide_semicolons() {
        let sql = "-- intro; still a comment\n/* block; comment\n */ CREATE TABLE a (x); -- end;\n";
        let statements = split_statements(sql, Dialect::Sqlite);
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0].text, "CREATE TABLE a (x)");
        assert_eq!(statements[0].line, 3);
    }

    #[test]
    fn a_file_of_only_comments_has_no_statements() {
        assert!(texts("-- nothing\n/* here */\n;;\n", Dialect::Sqlite).is_empty());
    }

    #[test]
    fn sqlite_trigger_bodies_stay_in_one_statement() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = CASE WHEN n > 0 THEN n END;\n  DELETE FROM c;\nEND;\nCREATE TABLE d (x);";
        let found = texts(sql, Dialect::Sqlite);
        assert_eq!(found.len(), 2);
        assert!(found[0].starts_with("CREATE TRIGGER") && found[0].ends_with("END"));
        assert_eq!(found[1], "CREATE TABLE d (x)");
    }

    #[test]
    fn columns_named_trigger_and_begin_open_no_body() {
        assert_eq!(
            texts(
                "CREATE TABLE t (trigger TEXT, begin TEXT); CREATE TABLE u (x);",
                Dialect::Sqlite
            ),
            vec![
                "CREATE TABLE t (trigger TEXT, begin TEXT)",
                "CREATE TABLE u (x)"
            ]
        );
    }

    #[test]
    fn a_transaction_begin_is_its_own_statement() {
        assert_eq!(
            texts(
                "BEGIN TRANSACTION; CREATE TABLE a (x); COMMIT;",
                Dialect::Sqlite
            ),
            vec!["BEGIN TRANSACTION", "CREATE TABLE a (x)", "COMMIT"]
        );
    }

    #[test]
    fn postgres_dollar_quotes_hide_semicolons() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\nCREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nCREATE TABLE a (x int);";
        let found = texts(sql, Dialect::Postgres);
        assert_eq!(found.len(), 3);
        assert!(found[0].ends_with("LANGUAGE plpgsql"));
        assert!(found[1].ends_with("LANGUAGE sql"));
        assert_eq!(found[2], "CREATE TABLE a (x int)");
    }

    #[test]
    fn psql_meta_commands_end_at_their_line() {
        assert_eq!(
            texts(
                "\\set ON_ERROR_STOP 1\n\nSET search_path = 'x';\n\\c db\nCREATE TABLE a (x int);",
                Dialect::Postgres
            ),
            vec!["SET search_path = 'x'", "CREATE TABLE a (x int)"]
        );
    }

    #[test]
    fn postgres_positional_parameters_are_not_dollar_quotes() {
        assert_eq!(
            texts(
                "PREPARE p AS SELECT $1; CREATE TABLE a (x int);",
                Dialect::Postgres
            ),
            vec!["PREPARE p AS SELECT $1", "CREATE TABLE a (x int)"]
        );
    }

    #[test]
    fn mysql_delimiter_lines_change_the_delimiter() {
        let sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\nDELIMITER ;\nCREATE TABLE a (x INT);\n";
        let statements = split_statements(sql, Dialect::Mysql);
        let found: Vec<_> = statements.iter().map(|s| (s.text, s.line)).collect();
        assert_eq!(
            found,
            vec![
                ("CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", 2),
                ("CREATE TABLE a (x INT)", 4),
            ]
        );
    }

    #[test]
    fn a_mysql_delimiter_ends_the_word_it_is_in() {
        let sql =
            "DELIMITER $$\nCREATE FUNCTION f() RETURNS INT RETURN 1$$\nDELIMITER ;\nSELECT 1;";
        assert_eq!(
            texts(sql, Dialect::Mysql),
            vec!["CREATE FUNCTION f() RETURNS INT RETURN 1", "SELECT 1"]
        );
    }

    #[test]
    fn mysql_backslash_escapes_and_hash_comments() {
        assert_eq!(
            texts(
                "# a comment; here\nINSERT INTO t VALUES ('a\\';b'); CREATE TABLE a (x INT);",
                Dialect::Mysql
            ),
            vec!["INSERT INTO t VALUES ('a\\';b')", "CREATE TABLE a (x INT)"]
        );
    }

    #[test]
    fn unterminated_quotes_and_comments_run_to_the_end() {
        assert_eq!(
            texts("CREATE TABLE a ('x;", Dialect::Sqlite),
            vec!["CREATE TABLE a ('x;"]
        );
        assert!(texts("/* never closed; ", Dialect::Sqlite).is_empty());
        assert_eq!(
            texts("SELECT $$ x;", Dialect::Postgres),
            vec!["SELECT $$ x;"]
        );
    }
}

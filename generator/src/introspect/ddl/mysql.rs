//! What is particular to MySQL and MariaDB DDL files: versioned comments (`/*!50705 ... */`),
//! `USE db`, the `DROP` of a view's stand-in before the view is created (as in dumps), the
//! names the server gives unnamed keys, and the checks that mean something (`CHECK (col IN
//! (...))`, MariaDB's `CHECK (json_valid(col))` of a `JSON` column).

use std::borrow::Cow;

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use super::table::enum_check;
use crate::model::{Dialect, Table};

/// The server version DDL files are read as, for `/*!NNNNN ... */` comments: MariaDB 10.11,
/// as on the machine mcpgen is tested with.
const MARIADB_VERSION: u32 = 101_199;

/// Versioned comments of MySQL 5.7 and later (`/*!50700` to `/*!99999`) are skipped by MariaDB
/// 10.x, which is not MySQL 5.7 (its spatial and JSON features differ).
const FIRST_SKIPPED_MYSQL_VERSION: u32 = 50_700;

/// `sql` with MySQL's versioned comments resolved the way MariaDB 10.11 runs the file:
/// `/*! ... */` and `/*!NNNNN ... */` are SQL when the server runs them (no version, a
/// five-digit version below 50700 or a six-digit one up to 101199; MariaDB-only
/// `/*M!NNNNNN ... */` up to 101199), and comments otherwise. Executed comments lose their
/// markers, skipped ones become blanks; lines and offsets stay where they were.
///
/// `CHARSET name` after a `CHAR` type becomes blanks too: MariaDB and MySQL dumps write
/// `cast(x as char(5) charset utf8mb4)` in views, which sqlparser does not read (and a
/// column's character set does not matter to the model).
pub(super) fn executed_text(sql: &str) -> Cow<'_, str> {
    let has = |needle: &str| {
        sql.as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
    };
    if !has("/*!") && !has("/*M!") && !has("charset") {
        return Cow::Borrowed(sql);
    }
    let bytes = sql.as_bytes();
    let mut out = bytes.to_vec();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\'' | b'"' | b'`' => at = skip_quoted(bytes, at),
            b'#' => at = line_end(bytes, at),
            b'-' if bytes.get(at + 1) == Some(&b'-') => at = line_end(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let end = comment_end(bytes, at);
                let marker = match bytes.get(at + 2) {
                    Some(b'!') => Some((at + 3, false)),
                    Some(b'M') if bytes.get(at + 3) == Some(&b'!') => Some((at + 4, true)),
                    _ => None,
                };
                if let Some((digits_start, mariadb_only)) = marker {
                    let digits_end = bytes[digits_start..end]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .map_or(end, |offset| digits_start + offset);
                    let version = std::str::from_utf8(&bytes[digits_start..digits_end])
                        .ok()
                        .and_then(|digits| digits.parse::<u32>().ok());
                    let closed = bytes[..end].ends_with(b"*/") && end >= digits_end + 2;
                    let body_end = if closed { end - 2 } else { end };
                    if runs(version, mariadb_only) {
                        blank(&mut out[at..digits_end]);
                        blank(&mut out[body_end..end]);
                        // Its body is SQL, read on like the rest.
                        at = digits_end;
                        continue;
                    }
                    blank(&mut out[at..end]);
                }
                at = end;
            }
            byte if is_word_byte(byte) => {
                let end = word_end(bytes, at);
                if bytes[at..end].eq_ignore_ascii_case(b"CHARSET") && after_char_type(bytes, at) {
                    // Blank `CHARSET` and the name after it.
                    let name_start = at
                        + 7
                        + bytes[end..]
                            .iter()
                            .take_while(|b| b.is_ascii_whitespace())
                            .count();
                    let name_end = word_end(bytes, name_start);
                    blank(&mut out[at..name_end]);
                    at = name_end;
                } else {
                    at = end;
                }
            }
            _ => at += 1,
        }
    }
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| sql.to_owned()))
}

/// A byte of an unquoted word.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// The end of the word starting at `at`.
fn word_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|b| !is_word_byte(*b))
        .map_or(bytes.len(), |offset| at + offset)
}

/// Whether the text before `at` ends with the type `CHAR` or `CHAR(n)`.
fn after_char_type(bytes: &[u8], at: usize) -> bool {
    let mut end = at;
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end > 0 && bytes[end - 1] == b')' {
        let Some(open) = bytes[..end].iter().rposition(|b| *b == b'(') else {
            return false;
        };
        if !bytes[open + 1..end - 1].iter().all(u8::is_ascii_digit) {
            return false;
        }
        end = open;
        while end > 0 && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
    }
    end >= 4
        && bytes[end - 4..end].eq_ignore_ascii_case(b"CHAR")
        && (end == 4 || !is_word_byte(bytes[end - 5]))
}

/// Whether MariaDB 10.11 runs a versioned comment of `version`.
fn runs(version: Option<u32>, mariadb_only: bool) -> bool {
    match version {
        None => true,
        Some(version) if mariadb_only || version >= 100_000 => version <= MARIADB_VERSION,
        Some(version) => version < FIRST_SKIPPED_MYSQL_VERSION,
    }
}

/// Replaces bytes by spaces, keeping line breaks.
fn blank(bytes: &mut [u8]) {
    for byte in bytes {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// The end of the quoted text opened at `at` (backslashes escape, a doubled quote stays
/// inside).
fn skip_quoted(bytes: &[u8], at: usize) -> usize {
    let quote = bytes[at];
    let mut pos = at + 1;
    while pos < bytes.len() {
        if bytes[pos] == b'\\' && quote != b'`' {
            pos += 2;
        } else if bytes[pos] == quote {
            if bytes.get(pos + 1) == Some(&quote) {
                pos += 2;
            } else {
                return pos + 1;
            }
        } else {
            pos += 1;
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |offset| at + offset)
}

/// The end of the `/* ... */` comment opened at `at` (after its `*/`).
fn comment_end(bytes: &[u8], at: usize) -> usize {
    let mut pos = at + 2;
    while pos + 1 < bytes.len() {
        if bytes[pos] == b'*' && bytes[pos + 1] == b'/' {
            return pos + 2;
        }
        pos += 1;
    }
    bytes.len()
}

/// The database of a `USE db` statement.
pub(super) fn use_statement(text: &str) -> Option<String> {
    let rest = text.trim_start();
    let keyword = rest.get(..3)?;
    if !keyword.eq_ignore_ascii_case("USE") {
        return None;
    }
    let name = rest[3..].trim();
    if !rest[3..].starts_with(char::is_whitespace) && !rest[3..].starts_with('`') {
        return None;
    }
    let name = name.trim_end_matches(';').trim();
    let unquoted = match name.strip_prefix('`') {
        Some(quoted) => quoted.strip_suffix('`')?.replace("``", "`"),
        None => {
            let word = name.split_whitespace().next()?;
            if !word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                return None;
            }
            word.to_owned()
        }
    };
    (!unquoted.is_empty()).then_some(unquoted)
}

/// What the statements of a MySQL file read so far have set: the databases it works in
/// (the first one it switches to with `USE` is the default schema, the database mcpgen
/// connects to when the file is loaded live; tables created after a `USE` of another
/// database are in that one), and the tables and views `DROP` removed since they were
/// created, and the tables' indexes (which the model does not keep, but whose names unnamed
/// indexes added later must not take).
#[derive(Debug, Clone, Default)]
pub(super) struct Session {
    /// The first database the file uses.
    default: Option<String>,
    /// The database of the latest `USE`.
    current: Option<String>,
    /// `(schema, name)` of each table or view dropped (schemas resolved).
    dropped: Vec<(Option<String>, String)>,
    /// The indexes of each table, `(name, columns)`, for the names of unnamed ones later.
    indexes: Vec<(TableKey, Vec<Index>)>,
}

/// A table's schema and name, the name in lower case.
type TableKey = (Option<String>, String);

/// An index: its name and columns.
pub(super) type Index = (String, Vec<String>);

impl Session {
    /// Follows `USE db` and `DROP TABLE|VIEW ...`; `true` when `text` was one of them.
    pub(super) fn read(&mut self, text: &str) -> bool {
        if let Some(database) = use_statement(text) {
            self.use_database(database);
            return true;
        }
        match dropped_names(text) {
            Some(names) => {
                for (schema, name) in names {
                    let schema = self.resolve(schema);
                    if !self.is_dropped(schema.as_deref(), &name) {
                        self.dropped.push((schema, name));
                    }
                }
                true
            }
            None => false,
        }
    }

    /// The first database the file uses, if any.
    pub(super) fn default_database(&self) -> Option<&str> {
        self.default.as_deref()
    }

    /// Follows `USE database`.
    fn use_database(&mut self, database: String) {
        if self.default.is_none() {
            self.default = Some(database.clone());
        }
        self.current = Some(database);
    }

    /// The schema a table named with schema `schema` (none: the current database) is in:
    /// `None` for the default database.
    pub(super) fn resolve(&self, schema: Option<String>) -> Option<String> {
        let schema = schema.or_else(|| self.current.clone());
        match (&schema, &self.default) {
            (Some(schema), Some(default)) if schema == default => None,
            _ => schema,
        }
    }

    /// Notes the indexes of `table`.
    pub(super) fn set_indexes(&mut self, table: &Table, indexes: Vec<Index>) {
        let key = (table.schema.clone(), table.name.to_lowercase());
        match self.indexes.iter_mut().find(|(known, _)| *known == key) {
            Some((_, known)) => *known = indexes,
            None => self.indexes.push((key, indexes)),
        }
    }

    /// The indexes of `table` noted so far.
    pub(super) fn indexes(&self, table: &Table) -> Vec<Index> {
        let key = (table.schema.clone(), table.name.to_lowercase());
        self.indexes
            .iter()
            .find(|(known, _)| *known == key)
            .map(|(_, indexes)| indexes.clone())
            .unwrap_or_default()
    }

    /// Removes the tables and views dropped after they were last created.
    pub(super) fn remove_dropped(&self, tables: &mut Vec<Table>) {
        tables.retain(|table| !self.is_dropped(table.schema.as_deref(), &table.name));
    }

    /// Whether `schema.name` was dropped since it was last created.
    fn is_dropped(&self, schema: Option<&str>, name: &str) -> bool {
        self.dropped.iter().any(|(dropped_schema, dropped)| {
            dropped_schema.as_deref() == schema && dropped.eq_ignore_ascii_case(name)
        })
    }

    /// Whether the table `schema.name` was dropped (since it was last created); forgets it.
    pub(super) fn take_dropped(&mut self, schema: Option<&str>, name: &str) -> bool {
        let found = self.dropped.iter().position(|(dropped_schema, dropped)| {
            dropped_schema.as_deref() == schema && dropped.eq_ignore_ascii_case(name)
        });
        found.map(|at| self.dropped.remove(at)).is_some()
    }
}

/// The `(schema, name)` of each table or view a `DROP [TEMPORARY] TABLE|VIEW [IF EXISTS]
/// a, db.b, ...` statement drops.
fn dropped_names(text: &str) -> Option<Vec<(Option<String>, String)>> {
    let mut rest = text.trim_start();
    let mut keyword = |word: &str| -> bool {
        let matched = rest.len() >= word.len()
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && rest[word.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == '`');
        if matched {
            rest = rest[word.len()..].trim_start();
        }
        matched
    };
    if !keyword("DROP") {
        return None;
    }
    keyword("TEMPORARY");
    if !keyword("TABLE") && !keyword("TABLES") && !keyword("VIEW") {
        return None;
    }
    if keyword("IF") && !keyword("EXISTS") {
        return None;
    }
    let mut names = Vec::new();
    for item in rest.split(',') {
        let item = item.trim();
        let item = item
            .split_whitespace()
            .next()
            .filter(|first| !first.is_empty())?;
        let parts: Vec<String> = split_qualified(item)?;
        match parts.as_slice() {
            [name] => names.push((None, name.clone())),
            [schema, name] => names.push((Some(schema.clone()), name.clone())),
            _ => return None,
        }
    }
    Some(names)
}

/// The parts of `a`, `` `a` ``, `db.a` or `` `db`.`a` ``, unquoted.
fn split_qualified(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'`') {
            chars.next();
            loop {
                match chars.next()? {
                    '`' if chars.peek() == Some(&'`') => {
                        chars.next();
                        part.push('`');
                    }
                    '`' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == '.' {
                    break;
                }
                if !(c.is_alphanumeric() || c == '_' || c == '$') {
                    return None;
                }
                part.push(c);
                chars.next();
            }
        }
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        match chars.next() {
            Some('.') => {}
            None => return Some(parts),
            Some(_) => return None,
        }
    }
}

/// What a MySQL `CHECK` says about one column, when it says something mcpgen uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MysqlCheck {
    /// `CHECK (col IN ('a', 'b'))`: the column's values.
    Enum {
        /// The column.
        column: String,
        /// Its values, in order.
        values: Vec<String>,
    },
    /// `CHECK (json_valid(col))`: MariaDB's `JSON` columns are `LONGTEXT` with this check.
    Json {
        /// The column.
        column: String,
    },
}

/// What the check clause `clause` (as `information_schema.CHECK_CONSTRAINTS` reports it:
/// ``` `a` in ('x','y') ```, or MySQL 8's ``` (`a` in (_utf8mb4'x',_utf8mb4'y')) ```) says.
pub(crate) fn mysql_check(clause: &str) -> Option<MysqlCheck> {
    let expr = Parser::new(&MySqlDialect {})
        .try_with_sql(clause)
        .ok()?
        .parse_expr()
        .ok()?;
    check_of_expr(&expr)
}

/// What a check expression says.
pub(super) fn check_of_expr(expr: &Expr) -> Option<MysqlCheck> {
    if let Some((column, values)) = enum_check(Dialect::Mysql, expr) {
        return Some(MysqlCheck::Enum { column, values });
    }
    json_valid_column(expr).map(|column| MysqlCheck::Json { column })
}

/// The column of `json_valid(col)`.
fn json_valid_column(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Nested(inner) => json_valid_column(inner),
        Expr::Function(function)
            if function.name.to_string().eq_ignore_ascii_case("json_valid") =>
        {
            let FunctionArguments::List(list) = &function.args else {
                return None;
            };
            match list.args.as_slice() {
                [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(ident)))] => {
                    Some(ident.value.clone())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The name MySQL gives an unnamed index whose first column is `column`: the column's name,
/// or with `_2`, `_3`, ... when an earlier index of the table has it.
pub(super) fn index_name(column: &str, taken: &[String]) -> String {
    let is_taken = |name: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(name));
    if !is_taken(column) && !column.eq_ignore_ascii_case("PRIMARY") {
        return column.to_owned();
    }
    (2..)
        .map(|n| format!("{column}_{n}"))
        .find(|name| !is_taken(name))
        .unwrap_or_else(|| column.to_owned())
}

/// Names the unnamed foreign keys of `table` the way InnoDB does: `TABLE_ibfk_N`, numbered
/// on from the highest number the table's foreign keys already have, in declaration order.
pub(super) fn name_foreign_keys(table: &mut Table) {
    let prefix = format!("{}_ibfk_", table.name);
    let mut last = table
        .foreign_keys
        .iter()
        .filter_map(|key| {
            key.name
                .as_deref()?
                .strip_prefix(&prefix)?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    for key in &mut table.foreign_keys {
        if key.name.is_none() {
            last += 1;
            key.name = Some(format!("{prefix}{last}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_comments_run_as_mariadb_10_11_runs_them() {
        let sql = "a /*!40101 b */ c /*!50705 d,\n e */ f /*! g */ /*M!100100 h */ /*!80023 i */ \
                   '/*!40101 j */' /*!101200 k */ -- /*!40101 l */";
        let text = executed_text(sql);
        assert_eq!(text.len(), sql.len());
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "a",
                "b",
                "c",
                "f",
                "g",
                "h",
                "'/*!40101",
                "j",
                "*/'",
                "--",
                "/*!40101",
                "l",
                "*/"
            ]
        );
        assert_eq!(text.matches('\n').count(), 1);
        assert!(matches!(
            executed_text("CREATE TABLE t (a INT)"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn charsets_of_char_casts_are_blanked() {
        let sql = "select cast(`a` as char(5) charset utf8mb4) AS `x`, /*!50001 cast(b as CHAR CHARSET \
                   latin1) */, 'char charset x', varchar charset y";
        let text = executed_text(sql);
        assert_eq!(text.len(), sql.len());
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "select", "cast(`a`", "as", "char(5)", ")", "AS", "`x`,", "cast(b", "as", "CHAR",
                ")", ",", "'char", "charset", "x',", "varchar", "charset", "y"
            ]
        );
    }

    #[test]
    fn use_statements_name_their_database() {
        assert_eq!(use_statement("USE sakila").as_deref(), Some("sakila"));
        assert_eq!(use_statement("use `Chinook`").as_deref(), Some("Chinook"));
        assert_eq!(use_statement("USE `a``b`").as_deref(), Some("a`b"));
        assert_eq!(use_statement("USER x"), None);
        assert_eq!(use_statement("UPDATE t SET a = 1"), None);
    }

    #[test]
    fn the_first_used_database_is_the_default_schema() {
        let mut databases = Session::default();
        assert_eq!(databases.resolve(None), None);
        assert_eq!(databases.resolve(Some("x".into())).as_deref(), Some("x"));
        databases.use_database("shop".into());
        assert_eq!(databases.resolve(Some("shop".into())), None);
        assert_eq!(databases.resolve(None), None);
        databases.use_database("audit".into());
        assert_eq!(databases.resolve(None).as_deref(), Some("audit"));
        assert_eq!(databases.resolve(Some("shop".into())), None);
    }

    #[test]
    fn dropped_tables_and_views_are_followed() {
        let mut session = Session::default();
        assert!(session.read("USE shop"));
        assert!(session.read("DROP VIEW IF EXISTS `v`, shop.`w`"));
        assert!(session.read("DROP TABLE IF EXISTS v"));
        assert!(session.read("DROP TABLE `audit`.`log`"));
        assert!(!session.read("DROP INDEX i ON t"));
        assert!(!session.read("CREATE TABLE t (a INT)"));
        assert!(session.take_dropped(None, "v"));
        assert!(!session.take_dropped(None, "v"));
        assert!(session.take_dropped(None, "W"));
        assert!(session.take_dropped(Some("audit"), "log"));
        assert_eq!(
            dropped_names("DROP TABLE a b"),
            Some(vec![(None, "a".to_owned())])
        );
        assert_eq!(dropped_names("DROP TABLESPACE x"), None);
    }

    #[test]
    fn check_clauses_of_both_servers_are_read() {
        let values = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect();
        assert_eq!(
            mysql_check("`rating` in ('G','PG')"),
            Some(MysqlCheck::Enum {
                column: "rating".into(),
                values: values(&["G", "PG"])
            })
        );
        assert_eq!(
            mysql_check("(`rating` in (_utf8mb4'G',_utf8mb4'PG'))"),
            Some(MysqlCheck::Enum {
                column: "rating".into(),
                values: values(&["G", "PG"])
            })
        );
        assert_eq!(
            mysql_check("json_valid(`data`)"),
            Some(MysqlCheck::Json {
                column: "data".into()
            })
        );
        assert_eq!(mysql_check("`a` > 0"), None);
        assert_eq!(mysql_check("not sql at all ("), None);
    }

    #[test]
    fn unnamed_indexes_are_named_after_their_first_column() {
        let taken = vec!["a".to_owned(), "b".to_owned(), "b_2".to_owned()];
        assert_eq!(index_name("c", &taken), "c");
        assert_eq!(index_name("a", &taken), "a_2");
        assert_eq!(index_name("B", &taken), "B_3");
    }
}

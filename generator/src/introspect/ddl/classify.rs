//! Deciding from a statement's leading keywords, without parsing it, whether it matters to
//! the schema: most statements of a dump (`INSERT`, `SET`, `DROP`, triggers, ...) do not.

use crate::model::Dialect;

/// What a statement does, as far as the schema is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StatementKind {
    /// `CREATE TABLE`.
    CreateTable,
    /// SQLite's `CREATE VIRTUAL TABLE`, which mcpgen does not read.
    CreateVirtualTable,
    /// `CREATE VIEW` (or a PostgreSQL materialized view).
    CreateView,
    /// `CREATE UNIQUE INDEX`.
    CreateUniqueIndex,
    /// `ALTER TABLE ... ADD ...`.
    AlterTableAdd,
    /// PostgreSQL's `COMMENT ON ...`.
    CommentOn,
    /// PostgreSQL's `CREATE TYPE`.
    CreateType,
    /// Anything else: skipped.
    Other,
}

impl StatementKind {
    /// How a user would name the statement, for messages.
    pub(super) fn label(self) -> &'static str {
        match self {
            StatementKind::CreateTable => "CREATE TABLE",
            StatementKind::CreateVirtualTable => "CREATE VIRTUAL TABLE",
            StatementKind::CreateView => "CREATE VIEW",
            StatementKind::CreateUniqueIndex => "CREATE UNIQUE INDEX",
            StatementKind::AlterTableAdd => "ALTER TABLE",
            StatementKind::CommentOn => "COMMENT ON",
            StatementKind::CreateType => "CREATE TYPE",
            StatementKind::Other => "statement",
        }
    }
}

/// The words that name what a `CREATE` statement creates.
const CREATED_OBJECTS: &[&str] = &[
    "TABLE",
    "VIEW",
    "INDEX",
    "TRIGGER",
    "TYPE",
    "FUNCTION",
    "PROCEDURE",
    "SEQUENCE",
    "SCHEMA",
    "DATABASE",
    "DOMAIN",
    "EXTENSION",
    "EVENT",
    "ROLE",
    "USER",
    "POLICY",
    "AGGREGATE",
    "OPERATOR",
    "CAST",
    "COLLATION",
    "RULE",
    "SERVER",
    "TABLESPACE",
    "PUBLICATION",
    "SUBSCRIPTION",
    "STATISTICS",
    "LANGUAGE",
];

/// How many leading words are looked at: enough for
/// `CREATE ALGORITHM=UNDEFINED DEFINER=root@localhost SQL SECURITY DEFINER VIEW`.
const LEADING_WORD_LIMIT: usize = 12;

/// What `text` (one statement) does, from its leading keywords.
pub(super) fn classify(text: &str, dialect: Dialect) -> StatementKind {
    let words = leading_words(text, LEADING_WORD_LIMIT);
    let word = |index: usize| words.get(index).map_or("", String::as_str);
    match word(0) {
        "CREATE" => classify_create(&words[1..], dialect),
        "ALTER" if word(1) == "TABLE" && has_word(text, "ADD") => StatementKind::AlterTableAdd,
        // PostgreSQL: `ALTER COLUMN c SET DEFAULT ...`, `SET NOT NULL` (pg_dump writes them).
        "ALTER"
            if word(1) == "TABLE"
                && dialect == Dialect::Postgres
                && (has_word(text, "DEFAULT") || has_word(text, "NULL")) =>
        {
            StatementKind::AlterTableAdd
        }
        "COMMENT" if word(1) == "ON" && dialect == Dialect::Postgres => StatementKind::CommentOn,
        _ => StatementKind::Other,
    }
}

/// What a `CREATE` statement creates, from the words after `CREATE`.
fn classify_create(words: &[String], dialect: Dialect) -> StatementKind {
    let Some(object) = words
        .iter()
        .position(|word| CREATED_OBJECTS.contains(&word.as_str()))
    else {
        return StatementKind::Other;
    };
    let modifiers = &words[..object];
    let has_modifier = |name: &str| modifiers.iter().any(|word| word == name);
    match words[object].as_str() {
        "TABLE" if has_modifier("VIRTUAL") => StatementKind::CreateVirtualTable,
        "TABLE" if has_modifier("FOREIGN") => StatementKind::Other,
        "TABLE" => StatementKind::CreateTable,
        "VIEW" => StatementKind::CreateView,
        "INDEX" if has_modifier("UNIQUE") => StatementKind::CreateUniqueIndex,
        "TYPE" if dialect == Dialect::Postgres => StatementKind::CreateType,
        _ => StatementKind::Other,
    }
}

/// The first `limit` unquoted words of `text`, upper-cased, skipping comments, quoted text
/// and punctuation.
fn leading_words(text: &str, limit: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text;
    while words.len() < limit {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        if rest.starts_with("--") || rest.starts_with('#') {
            rest = rest.find('\n').map_or("", |end| &rest[end..]);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.find("*/").map_or("", |end| &comment[end + 2..]);
        } else if let Some(close) = closing_quote(first) {
            let body = &rest[first.len_utf8()..];
            rest = body.find(close).map_or("", |end| &body[end + 1..]);
        } else if is_word_char(first) {
            let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            words.push(rest[..end].to_ascii_uppercase());
            rest = &rest[end..];
        } else {
            rest = &rest[first.len_utf8()..];
        }
    }
    words
}

/// `text` has the unquoted word `word` (upper case) anywhere.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !is_word_char(c))
        .any(|candidate| candidate.eq_ignore_ascii_case(word))
}

/// The character that closes a quote opened by `open`.
fn closing_quote(open: char) -> Option<char> {
    match open {
        '\'' | '"' | '`' => Some(open),
        '[' => Some(']'),
        _ => None,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// A short name for the object a statement is about, for messages: the text after its
/// leading keywords (`[Album]`, `main.t`), or the statement's start when there is none.
pub(super) fn object_name(text: &str) -> String {
    const SKIPPED: &[&str] = &[
        "CREATE",
        "OR",
        "REPLACE",
        "TEMP",
        "TEMPORARY",
        "UNIQUE",
        "INDEX",
        "TABLE",
        "VIEW",
        "VIRTUAL",
        "MATERIALIZED",
        "IF",
        "NOT",
        "EXISTS",
        "ALTER",
        "ONLY",
        "COMMENT",
        "ON",
        "TYPE",
        "UNLOGGED",
        "COLUMN",
    ];
    let mut rest = text.trim_start();
    loop {
        let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let word = &rest[..end];
        if end == 0 || !SKIPPED.iter().any(|skip| word.eq_ignore_ascii_case(skip)) {
            break;
        }
        rest = rest[end..].trim_start();
    }
    let name: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '(' && *c != ';')
        .take(80)
        .collect();
    if name.is_empty() {
        text.chars().take(40).collect()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_views_unique_indexes_and_additions_matter() {
        let kind = |text| classify(text, Dialect::Sqlite);
        assert_eq!(kind("CREATE TABLE t (x)"), StatementKind::CreateTable);
        assert_eq!(
            kind("create temp table if not exists t (x)"),
            StatementKind::CreateTable
        );
        assert_eq!(kind("CREATE VIEW v AS SELECT 1"), StatementKind::CreateView);
        assert_eq!(
            kind("CREATE UNIQUE INDEX i ON t (x)"),
            StatementKind::CreateUniqueIndex
        );
        assert_eq!(
            kind("ALTER TABLE t ADD COLUMN y"),
            StatementKind::AlterTableAdd
        );
        assert_eq!(
            kind("CREATE VIRTUAL TABLE f USING fts5(x)"),
            StatementKind::CreateVirtualTable
        );
    }

    #[test]
    fn everything_else_is_skipped() {
        let kind = |text| classify(text, Dialect::Sqlite);
        for text in [
            "INSERT INTO t VALUES (1)",
            "CREATE INDEX i ON t (x)",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
            "DROP TABLE IF EXISTS t",
            "PRAGMA foreign_keys = ON",
            "BEGIN TRANSACTION",
            "ALTER TABLE t RENAME TO u",
            "COMMENT ON TABLE t IS 'x'",
            "/* only a comment */",
        ] {
            assert_eq!(kind(text), StatementKind::Other, "{text}");
        }
    }

    #[test]
    fn mysql_view_options_before_view_are_passed_over() {
        assert_eq!(
            classify(
                "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS SELECT 1",
                Dialect::Mysql
            ),
            StatementKind::CreateView
        );
    }

    #[test]
    fn postgres_comments_and_types_matter() {
        let kind = |text| classify(text, Dialect::Postgres);
        assert_eq!(kind("COMMENT ON TABLE t IS 'x'"), StatementKind::CommentOn);
        assert_eq!(
            kind("CREATE TYPE mood AS ENUM ('a')"),
            StatementKind::CreateType
        );
        assert_eq!(
            kind("CREATE MATERIALIZED VIEW m AS SELECT 1"),
            StatementKind::CreateView
        );
    }

    #[test]
    fn object_names_come_after_the_keywords() {
        assert_eq!(object_name("CREATE TABLE [Album]\n("), "[Album]");
        assert_eq!(
            object_name("create table if not exists main.t(x)"),
            "main.t"
        );
        assert_eq!(object_name("CREATE UNIQUE INDEX i ON t (x)"), "i");
    }
}

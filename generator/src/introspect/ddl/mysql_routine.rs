//! MySQL and MariaDB stored routines: `CREATE PROCEDURE` and `CREATE FUNCTION` of a DDL file
//! (in `DELIMITER` blocks, with MariaDB's `OR REPLACE` and `IF NOT EXISTS`, a `DEFINER`,
//! versioned comments already resolved), read from sqlparser's tokens by hand (sqlparser
//! cannot parse most routine bodies, and only the header matters, and whether the body
//! `SELECT`s); and the one place that decides what a MySQL routine is in the model, for the
//! DDL file and for live introspection ([`mysql_routine`]).

use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::model::{Parameter, ParameterMode, Returns, Routine, RoutineKind};
use crate::typemap;

/// A routine as MySQL describes it, its types as declared (or as `information_schema`
/// reports them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MysqlRoutineParts {
    /// Its schema, `None` for the default one.
    pub(crate) schema: Option<String>,
    /// Its name.
    pub(crate) name: String,
    /// Procedure or function.
    pub(crate) kind: RoutineKind,
    /// Its parameters.
    pub(crate) parameters: Vec<MysqlParameter>,
    /// A function's declared return type.
    pub(crate) returns: Option<String>,
    /// `SQL_DATA_ACCESS`: `CONTAINS SQL` (the default), `NO SQL`, `READS SQL DATA` or
    /// `MODIFIES SQL DATA`.
    pub(crate) data_access: String,
    /// Its comment (empty: none).
    pub(crate) comment: Option<String>,
    /// Its body returns result sets ([`selects_result_sets`]).
    pub(crate) result_sets: bool,
}

/// A parameter of a MySQL routine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MysqlParameter {
    /// `IN` (a function's are), `OUT` or `INOUT`.
    pub(crate) mode: ParameterMode,
    /// Its name.
    pub(crate) name: String,
    /// Its type as declared (or as `DTD_IDENTIFIER` reports it).
    pub(crate) declared: String,
}

/// A MySQL routine as `call_R` serves it.
///
/// - `signature` is its parameters' types, in the model's spelling
///   ([`typemap::mysql_column_type`]), joined by `, ` (MySQL has no overloads; it is there
///   for the model's order and for warnings);
/// - a function returns one value of its `RETURNS` type;
/// - a procedure whose body returns result sets ([`selects_result_sets`]) returns
///   [`Returns::ResultSets`]: the rows of those result sets, and after the call the values
///   of its OUT and INOUT parameters as well (a procedure's `CALL` gives both); else
///   [`Returns::Out`] when it has OUT or INOUT parameters; else nothing;
/// - it is read-only when it declares `READS SQL DATA` or `NO SQL` (MySQL does not check
///   that it does as it says).
pub(crate) fn mysql_routine(parts: MysqlRoutineParts) -> Routine {
    let parameters: Vec<Parameter> = parts
        .parameters
        .into_iter()
        .map(
            |MysqlParameter {
                 mode,
                 name,
                 declared,
             }| {
                let sql_type = typemap::mysql_column_type(&declared);
                Parameter {
                    name: Some(name),
                    mode,
                    data_type: typemap::data_type(crate::model::Dialect::Mysql, &sql_type),
                    enum_values: typemap::mysql_enum_values(&sql_type),
                    sql_type,
                    has_default: false,
                }
            },
        )
        .collect();
    let signature = parameters
        .iter()
        .map(|parameter| parameter.sql_type.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let returns = match (parts.kind, parts.returns) {
        (RoutineKind::Function, Some(declared)) => {
            let sql_type = typemap::mysql_column_type(&declared);
            Returns::Value {
                data_type: typemap::data_type(crate::model::Dialect::Mysql, &sql_type),
                enum_values: typemap::mysql_enum_values(&sql_type),
                sql_type,
            }
        }
        _ if parts.result_sets => Returns::ResultSets,
        _ if parameters
            .iter()
            .any(|p| matches!(p.mode, ParameterMode::Out | ParameterMode::InOut)) =>
        {
            Returns::Out
        }
        _ => Returns::Nothing,
    };
    let access = parts.data_access.to_ascii_uppercase();
    Routine {
        schema: parts.schema,
        name: parts.name,
        kind: parts.kind,
        signature,
        parameters,
        returns,
        read_only: access == "READS SQL DATA" || access == "NO SQL",
        comment: parts.comment.filter(|comment| !comment.is_empty()),
    }
}

/// The tokens of MySQL text, without blanks and comments; `None` when it cannot be
/// tokenized (an unclosed quote).
fn tokens(text: &str) -> Option<Vec<Token>> {
    let tokens = Tokenizer::new(&MySqlDialect {}, text).tokenize().ok()?;
    Some(
        tokens
            .into_iter()
            .filter(|token| !matches!(token, Token::Whitespace(_) | Token::EOF))
            .collect(),
    )
}

/// The unquoted word of `token`, upper-cased.
fn keyword(token: &Token) -> Option<String> {
    match token {
        Token::Word(word) if word.quote_style.is_none() => Some(word.value.to_ascii_uppercase()),
        _ => None,
    }
}

/// Whether `token` is the unquoted word `word` (upper case).
fn is(token: Option<&Token>, word: &str) -> bool {
    token.and_then(keyword).as_deref() == Some(word)
}

/// The name `token` stands for (a word, quoted or not).
fn name(token: Option<&Token>) -> Option<String> {
    match token? {
        Token::Word(word) => Some(word.value.clone()),
        _ => None,
    }
}

/// Whether the body of a procedure, as written (or as `ROUTINE_DEFINITION` reports it),
/// returns result sets to its caller: whether one of its statements is a `SELECT` (or a
/// `WITH ... SELECT`, a parenthesized `SELECT`, a `SHOW`) that reads into no variables (no
/// `INTO` outside parentheses). A statement starts the body, or follows `;`, `BEGIN`,
/// `THEN`, `ELSE`, `DO`, `LOOP`, `REPEAT` or a label; a `SELECT` elsewhere is a subquery, an
/// `INSERT ... SELECT` or a cursor's, which the caller does not see. The result sets of
/// procedures it `CALL`s are not followed. `None` when the body cannot be tokenized.
pub(crate) fn selects_result_sets(body: &str) -> Option<bool> {
    Some(token_selects_result_sets(&tokens(body)?))
}

fn token_selects_result_sets(tokens: &[Token]) -> bool {
    let mut at = 0;
    while at < tokens.len() {
        let starts_statement = at == 0
            || matches!(tokens[at - 1], Token::SemiColon | Token::Colon)
            || ["BEGIN", "THEN", "ELSE", "DO", "LOOP", "REPEAT"]
                .iter()
                .any(|word| is(tokens.get(at - 1), word));
        if starts_statement && returns_rows(tokens, at) {
            return true;
        }
        at += 1;
    }
    false
}

/// Whether the statement starting at `start` returns rows to the caller.
fn returns_rows(tokens: &[Token], start: usize) -> bool {
    let mut first = start;
    // A parenthesized query, at the start of a statement (after `THEN` or `ELSE` it may be
    // a CASE expression's subquery).
    let may_open = start == 0
        || matches!(tokens[start - 1], Token::SemiColon)
        || is(tokens.get(start - 1), "BEGIN");
    while may_open && matches!(tokens.get(first), Some(Token::LParen)) {
        first += 1;
    }
    let Some(word) = tokens.get(first).and_then(keyword) else {
        return false;
    };
    match word.as_str() {
        "SHOW" => true,
        "SELECT" | "WITH" => {
            let mut depth = 0usize;
            for token in &tokens[first..] {
                match token {
                    Token::LParen => depth += 1,
                    Token::RParen => depth = depth.saturating_sub(1),
                    Token::SemiColon if depth == 0 => break,
                    _ if depth == 0 => {
                        if let Some(word) = keyword(token)
                            && matches!(
                                word.as_str(),
                                "INTO" | "INSERT" | "UPDATE" | "DELETE" | "REPLACE"
                            )
                        {
                            return false;
                        }
                    }
                    _ => {}
                }
            }
            true
        }
        _ => false,
    }
}

/// Reads a `CREATE [OR REPLACE] [DEFINER = ...] {PROCEDURE | FUNCTION} [IF NOT EXISTS] name
/// (params) [RETURNS type] [characteristics] body` statement: `None` when `text` is no such
/// statement, an error when it cannot be read.
pub(super) fn parse_create_routine(text: &str) -> Option<Result<MysqlRoutineParts, String>> {
    let head = text.trim_start();
    if !head
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("CREATE"))
    {
        return None;
    }
    let Some(tokens) = tokens(text) else {
        let head: String = head
            .chars()
            .take(200)
            .collect::<String>()
            .to_ascii_uppercase();
        let names_routine = head
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .take_while(|word| *word != "BEGIN")
            .any(|word| word == "PROCEDURE" || word == "FUNCTION");
        return names_routine.then(|| {
            Err(
                "CREATE PROCEDURE or FUNCTION: its text cannot be tokenized (an unclosed \
                 quote?)"
                    .to_owned(),
            )
        });
    };
    // The object word, among the first few tokens, before any parenthesis.
    let object = tokens
        .iter()
        .take(16)
        .take_while(|token| !matches!(token, Token::LParen))
        .position(|token| matches!(keyword(token).as_deref(), Some("PROCEDURE" | "FUNCTION")))?;
    if !is(tokens.first(), "CREATE")
        || tokens[..object].iter().any(|token| {
            matches!(
                keyword(token).as_deref(),
                Some("TABLE" | "VIEW" | "TRIGGER" | "EVENT")
            )
        })
    {
        return None;
    }
    Some(read_routine(&tokens, object).map_err(|problem| {
        let kind = keyword(&tokens[object]).unwrap_or_default();
        let skip = if is(tokens.get(object + 1), "IF") {
            4
        } else {
            1
        };
        let name = name(tokens.get(object + skip)).unwrap_or_default();
        format!("CREATE {kind} {name}: {problem}")
    }))
}

fn read_routine(tokens: &[Token], object: usize) -> Result<MysqlRoutineParts, String> {
    let kind = if is(tokens.get(object), "PROCEDURE") {
        RoutineKind::Procedure
    } else {
        RoutineKind::Function
    };
    let mut at = object + 1;
    if is(tokens.get(at), "IF") && is(tokens.get(at + 1), "NOT") {
        at += 3;
    }
    let mut name_parts = vec![name(tokens.get(at)).ok_or("no routine name")?];
    at += 1;
    while matches!(tokens.get(at), Some(Token::Period)) {
        name_parts.push(name(tokens.get(at + 1)).ok_or("a name ends with a dot")?);
        at += 2;
    }
    let name = name_parts.pop().unwrap_or_default();
    let schema = name_parts.pop();
    if !matches!(tokens.get(at), Some(Token::LParen)) {
        // A loadable function (`CREATE FUNCTION f RETURNS STRING SONAME 'lib.so'`) is no
        // stored routine.
        return Err("no parameter list after its name".to_owned());
    }
    let close = matching_close(tokens, at).ok_or("its parameter list is not closed")?;
    let mut parameters = Vec::new();
    for parameter in split_top_level(&tokens[at + 1..close]) {
        parameters.push(read_parameter(parameter, kind)?);
    }
    at = close + 1;
    let mut returns = None;
    if kind == RoutineKind::Function {
        if !is(tokens.get(at), "RETURNS") {
            return Err("no RETURNS after its parameters".to_owned());
        }
        let end = type_end(tokens, at + 1);
        if end == at + 1 {
            return Err("no type after RETURNS".to_owned());
        }
        returns = Some(type_text(&tokens[at + 1..end]));
        at = end;
    }
    let mut data_access = "CONTAINS SQL".to_owned();
    let mut comment = None;
    loop {
        let word = tokens.get(at).and_then(keyword);
        match word.as_deref() {
            Some("COMMENT") => {
                comment = match tokens.get(at + 1) {
                    Some(Token::SingleQuotedString(text) | Token::DoubleQuotedString(text)) => {
                        Some(text.clone())
                    }
                    _ => return Err("COMMENT without a string".to_owned()),
                };
                at += 2;
            }
            Some("LANGUAGE") => at += 2,
            Some("NOT") if is(tokens.get(at + 1), "DETERMINISTIC") => at += 2,
            Some("DETERMINISTIC") => at += 1,
            Some("CONTAINS") if is(tokens.get(at + 1), "SQL") => {
                "CONTAINS SQL".clone_into(&mut data_access);
                at += 2;
            }
            Some("NO") if is(tokens.get(at + 1), "SQL") => {
                "NO SQL".clone_into(&mut data_access);
                at += 2;
            }
            Some("READS") if is(tokens.get(at + 2), "DATA") => {
                "READS SQL DATA".clone_into(&mut data_access);
                at += 3;
            }
            Some("MODIFIES") if is(tokens.get(at + 2), "DATA") => {
                "MODIFIES SQL DATA".clone_into(&mut data_access);
                at += 3;
            }
            Some("SQL") if is(tokens.get(at + 1), "SECURITY") => at += 3,
            _ => break,
        }
    }
    let result_sets = kind == RoutineKind::Procedure
        && token_selects_result_sets(&tokens[at.min(tokens.len())..]);
    Ok(MysqlRoutineParts {
        schema,
        name,
        kind,
        parameters,
        returns,
        data_access,
        comment,
        result_sets,
    })
}

/// One parameter: `[IN | OUT | INOUT] name type` (a function's have no mode).
fn read_parameter(tokens: &[Token], kind: RoutineKind) -> Result<MysqlParameter, String> {
    let mode = match tokens.first().and_then(keyword).as_deref() {
        Some("IN") if kind == RoutineKind::Procedure => Some(ParameterMode::In),
        Some("OUT") if kind == RoutineKind::Procedure => Some(ParameterMode::Out),
        Some("INOUT") if kind == RoutineKind::Procedure => Some(ParameterMode::InOut),
        _ => None,
    };
    let rest = if mode.is_some() { &tokens[1..] } else { tokens };
    let mode = mode.unwrap_or(ParameterMode::In);
    let name = name(rest.first()).ok_or("a parameter without a name")?;
    let declared = &rest[1..];
    if declared.is_empty() {
        return Err(format!("the parameter {name} has no type"));
    }
    Ok(MysqlParameter {
        mode,
        name,
        declared: type_text(declared),
    })
}

/// The index after the type starting at `start` (a `RETURNS` type, before the
/// characteristics and the body): its name, its arguments, and the attributes that may
/// follow (`UNSIGNED`, `CHARACTER SET x`, `COLLATE x`, ...).
fn type_end(tokens: &[Token], start: usize) -> usize {
    let mut at = start;
    if tokens.get(at).and_then(keyword).is_none() {
        return at;
    }
    at += 1;
    loop {
        match tokens.get(at) {
            Some(Token::LParen) => match matching_close(tokens, at) {
                Some(close) => at = close + 1,
                None => return tokens.len(),
            },
            Some(token) => match keyword(token).as_deref() {
                Some(
                    "UNSIGNED" | "SIGNED" | "ZEROFILL" | "BINARY" | "ASCII" | "UNICODE" | "BYTE"
                    | "PRECISION" | "VARYING" | "VARCHAR" | "VARBINARY" | "CHAR",
                ) => at += 1,
                Some("CHARACTER") if is(tokens.get(at + 1), "SET") => at += 3,
                Some("CHARACTER" | "NATIONAL") => at += 1,
                Some("CHARSET" | "COLLATE") => at += 2,
                _ => return at,
            },
            None => return at,
        }
    }
}

/// Tokens as SQL text, for [`typemap::mysql_column_type`].
fn type_text(tokens: &[Token]) -> String {
    let parts: Vec<String> = tokens
        .iter()
        .map(|token| match token {
            Token::Word(word) => word.value.clone(),
            Token::Number(number, _) => number.clone(),
            Token::SingleQuotedString(text) | Token::DoubleQuotedString(text) => {
                format!("'{}'", text.replace('\'', "''"))
            }
            other => other.to_string(),
        })
        .collect();
    parts.join(" ")
}

/// The index of the parenthesis closing the one at `open`.
fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The parts of a list separated by commas outside parentheses.
fn split_top_level(tokens: &[Token]) -> Vec<&[Token]> {
    if tokens.is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                parts.push(&tokens[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// The routine a `DROP {PROCEDURE | FUNCTION} [IF EXISTS] [db.]name` statement drops: its
/// kind, schema and name.
pub(super) fn dropped_routine(text: &str) -> Option<(RoutineKind, Option<String>, String)> {
    let head = text.trim_start();
    if !head
        .get(..4)
        .is_some_and(|word| word.eq_ignore_ascii_case("DROP"))
    {
        return None;
    }
    let tokens = tokens(text)?;
    let kind = match tokens.get(1).and_then(keyword).as_deref() {
        Some("PROCEDURE") => RoutineKind::Procedure,
        Some("FUNCTION") => RoutineKind::Function,
        _ => return None,
    };
    let mut at = 2;
    if is(tokens.get(at), "IF") {
        at += 2;
    }
    let first = name(tokens.get(at))?;
    if matches!(tokens.get(at + 1), Some(Token::Period)) {
        return Some((kind, Some(first), name(tokens.get(at + 2))?));
    }
    Some((kind, None, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(sql: &str) -> MysqlRoutineParts {
        parse_create_routine(sql)
            .expect("a routine")
            .expect("it reads")
    }

    #[test]
    fn a_procedure_with_modes_characteristics_and_a_label() {
        let report = parse(
            "CREATE PROCEDURE rewards_report (\n    IN min_monthly_purchases TINYINT UNSIGNED\n    \
             , IN min_dollar_amount_purchased DECIMAL(10,2) UNSIGNED\n    , OUT count_rewardees INT\n)\n\
             LANGUAGE SQL\nNOT DETERMINISTIC\nREADS SQL DATA\nSQL SECURITY DEFINER\n\
             COMMENT 'Provides a customizable report on best customers'\nproc: BEGIN\n  \
             IF min_monthly_purchases = 0 THEN\n    SELECT 'Minimum monthly purchases parameter must be > 0';\n    \
             LEAVE proc;\n  END IF;\n  SELECT COUNT(*) FROM tmpCustomer INTO count_rewardees;\nEND",
        );
        assert_eq!(report.kind, RoutineKind::Procedure);
        assert_eq!(report.name, "rewards_report");
        let parameters: Vec<(ParameterMode, &str, &str)> = report
            .parameters
            .iter()
            .map(|p| (p.mode, p.name.as_str(), p.declared.as_str()))
            .collect();
        assert_eq!(
            parameters,
            [
                (
                    ParameterMode::In,
                    "min_monthly_purchases",
                    "TINYINT UNSIGNED"
                ),
                (
                    ParameterMode::In,
                    "min_dollar_amount_purchased",
                    "DECIMAL ( 10 , 2 ) UNSIGNED"
                ),
                (ParameterMode::Out, "count_rewardees", "INT"),
            ]
        );
        assert_eq!(report.data_access, "READS SQL DATA");
        assert_eq!(
            report.comment.as_deref(),
            Some("Provides a customizable report on best customers")
        );
        assert!(report.result_sets, "SELECT 'Minimum ...' is a result set");
        let routine = mysql_routine(report);
        assert_eq!(
            routine.signature,
            "TINYINT UNSIGNED, DECIMAL(10,2) UNSIGNED, INT"
        );
        assert_eq!(routine.returns, Returns::ResultSets);
        assert!(routine.read_only);
    }

    #[test]
    fn a_function_with_a_definer_a_qualified_name_and_its_return_type() {
        let balance = parse(
            "CREATE DEFINER=`root`@`localhost` FUNCTION `sakila`.`get_customer_balance`(\
             p_customer_id INT, p_effective_date DATETIME) RETURNS decimal(5,2) CHARSET utf8mb4 \
             COLLATE utf8mb4_general_ci\n    DETERMINISTIC\n    READS SQL DATA\nBEGIN\n  \
             DECLARE v INT; # a comment; with semicolons\n  RETURN v;\nEND",
        );
        assert_eq!(balance.schema.as_deref(), Some("sakila"));
        assert_eq!(balance.name, "get_customer_balance");
        assert_eq!(balance.parameters[1].declared, "DATETIME");
        let routine = mysql_routine(balance);
        assert_eq!(
            routine.returns,
            Returns::Value {
                sql_type: "DECIMAL(5,2)".to_owned(),
                data_type: crate::model::DataType::Decimal {
                    precision: Some(5),
                    scale: Some(2)
                },
                enum_values: Vec::new(),
            }
        );
        assert_eq!(routine.signature, "INT, DATETIME");
        let plain = parse("CREATE OR REPLACE FUNCTION IF NOT EXISTS f() RETURNS BOOLEAN RETURN 1");
        assert_eq!(plain.name, "f");
        assert_eq!(plain.returns.as_deref(), Some("BOOLEAN"));
        assert_eq!(plain.data_access, "CONTAINS SQL");
        assert!(!mysql_routine(plain).read_only);
    }

    #[test]
    fn only_selects_that_reach_the_caller_are_result_sets() {
        let sets = |body: &str| selects_result_sets(body).expect("tokenizes");
        assert!(sets("SELECT 1"));
        assert!(sets(
            "BEGIN SELECT inventory_id FROM inventory; SELECT FOUND_ROWS() INTO n; END"
        ));
        assert!(sets("BEGIN (SELECT 1) UNION (SELECT 2); END"));
        assert!(sets("BEGIN WITH c AS (SELECT 1 AS x) SELECT x FROM c; END"));
        assert!(sets(
            "BEGIN IF a THEN SELECT 'no'; ELSE SHOW TABLES; END IF; END"
        ));
        assert!(sets("lbl: LOOP SELECT 1; LEAVE lbl; END LOOP lbl"));
        assert!(!sets(
            "BEGIN SELECT COUNT(*) INTO n FROM t; SELECT a FROM t INTO @x; END"
        ));
        assert!(!sets(
            "BEGIN INSERT INTO t SELECT * FROM u; SET n = (SELECT COUNT(*) FROM t); \
             DECLARE c CURSOR FOR SELECT a FROM t; IF (SELECT 1) THEN DELETE FROM t; END IF; \
             SET m = CASE WHEN n THEN (SELECT 2) ELSE (SELECT 3) END; END"
        ));
        assert!(!sets("BEGIN WITH c AS (SELECT 1) UPDATE t SET a = 1; END"));
        assert!(!sets(
            "BEGIN UPDATE t SET a = 'SELECT 1'; -- SELECT 2\n END"
        ));
        assert_eq!(selects_result_sets("SELECT 'unclosed"), None);
    }

    #[test]
    fn other_statements_are_no_routines() {
        assert!(parse_create_routine("CREATE TABLE t (a INT)").is_none());
        assert!(
            parse_create_routine("CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW SET @a = 1")
                .is_none()
        );
        assert!(parse_create_routine("INSERT INTO t VALUES (1)").is_none());
        assert!(matches!(
            parse_create_routine("CREATE FUNCTION udf RETURNS STRING SONAME 'udf.so'"),
            Some(Err(_))
        ));
    }

    #[test]
    fn drops_name_their_routine() {
        assert_eq!(
            dropped_routine("DROP PROCEDURE IF EXISTS `db`.`p`"),
            Some((
                RoutineKind::Procedure,
                Some("db".to_owned()),
                "p".to_owned()
            ))
        );
        assert_eq!(
            dropped_routine("drop function f"),
            Some((RoutineKind::Function, None, "f".to_owned()))
        );
        assert_eq!(dropped_routine("DROP TABLE t"), None);
    }
}

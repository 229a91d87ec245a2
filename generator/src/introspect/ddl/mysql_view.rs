//! The types MySQL and MariaDB give a view's computed columns (`CONCAT(a, ' ', b)` is
//! `VARCHAR(len a + 1 + len b)`, `SUM(decimal(5,2))` is `DECIMAL(27,2)`, ...), for the
//! expressions views commonly use, so that a view read from a DDL file is typed as the server
//! types it. Where the server's answer depends on its settings, MariaDB 10.11's defaults are
//! assumed (`GROUP_CONCAT` is `MEDIUMTEXT` with `group_concat_max_len` = 1M; MySQL 8's 1024
//! makes it `TEXT`). An expression not covered here has no type.

use sqlparser::ast::{
    BinaryOperator, CastKind, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments,
    Ident, Value,
};

use crate::typemap::mysql_column_type;

/// The type of a view column, and whether it may be NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExprType {
    /// Its type, spelled by [`mysql_column_type`].
    pub(super) sql_type: String,
    /// It may be NULL.
    pub(super) nullable: bool,
}

impl ExprType {
    fn new(sql_type: impl Into<String>, nullable: bool) -> Self {
        Self {
            sql_type: sql_type.into(),
            nullable,
        }
    }
}

/// The largest precision of a `DECIMAL`.
const MAX_DECIMAL_PRECISION: u32 = 65;

/// The type MySQL gives `expr`; `column` types a column reference (`None` when unknown).
pub(super) fn expression_type(
    expr: &Expr,
    column: &dyn Fn(&[Ident]) -> Option<ExprType>,
) -> Option<ExprType> {
    match expr {
        Expr::Identifier(ident) => column(std::slice::from_ref(ident)),
        Expr::CompoundIdentifier(parts) => column(parts),
        Expr::Nested(inner) => expression_type(inner, column),
        Expr::Prefixed { prefix, value } if prefix.value.starts_with('_') => {
            expression_type(value, column)
        }
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text) | Value::DoubleQuotedString(text) => Some(
                ExprType::new(format!("VARCHAR({})", text.chars().count()), false),
            ),
            Value::Number(number, _) => Some(ExprType::new(number_type(number)?, false)),
            _ => None,
        },
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            expr: inner,
            data_type,
            ..
        } => {
            let nullable = expression_type(inner, column).is_none_or(|typed| typed.nullable);
            Some(ExprType::new(cast_type(&data_type.to_string())?, nullable))
        }
        Expr::Function(function) => function_type(function, column),
        Expr::Substring {
            expr: inner,
            substring_for,
            ..
        } => part_type(&expression_type(inner, column)?, substring_for.as_deref()),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply,
            right,
        } => {
            // Integer arithmetic is BIGINT (unsigned when an operand is).
            let (left, right) = (
                expression_type(left, column)?,
                expression_type(right, column)?,
            );
            if !is_integer(&left.sql_type) || !is_integer(&right.sql_type) {
                return None;
            }
            let unsigned =
                left.sql_type.contains("UNSIGNED") || right.sql_type.contains("UNSIGNED");
            let sql_type = if unsigned {
                "BIGINT UNSIGNED"
            } else {
                "BIGINT"
            };
            Some(ExprType::new(sql_type, left.nullable || right.nullable))
        }
        _ => None,
    }
}

/// The type of a part of a text of type `whole` (`SUBSTRING`, `LEFT`, `RIGHT`): as long as
/// `length` when it is a number, else as the whole.
fn part_type(whole: &ExprType, length: Option<&Expr>) -> Option<ExprType> {
    let whole_length = char_length(&whole.sql_type)?;
    let given = match length {
        Some(Expr::Value(value)) => match &value.value {
            Value::Number(number, _) => number.parse::<u64>().ok(),
            _ => None,
        },
        _ => None,
    };
    let length = given.map_or(whole_length, |given| given.min(whole_length));
    Some(ExprType::new(varchar_or_text(length)?, whole.nullable))
}

/// Whether `sql_type` is an integer type (not a boolean).
fn is_integer(sql_type: &str) -> bool {
    let base = sql_type.split(['(', ' ']).next().unwrap_or_default();
    matches!(
        base,
        "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT"
    ) && !sql_type.starts_with("TINYINT(1)")
}

/// The type of a number literal: `INT` or `BIGINT`, `DECIMAL(p,s)` with a point.
fn number_type(number: &str) -> Option<String> {
    let digits = number.trim_start_matches('-');
    if digits.contains(['e', 'E']) {
        return Some("DOUBLE".to_owned());
    }
    match digits.split_once('.') {
        Some((whole, fraction)) => {
            let whole = whole.trim_start_matches('0');
            let precision = (whole.len() + fraction.len()).max(1);
            Some(format!("DECIMAL({precision},{})", fraction.len()))
        }
        None => {
            let value: i128 = number.parse().ok()?;
            Some(
                if i32::try_from(value).is_ok() {
                    "INT"
                } else {
                    "BIGINT"
                }
                .to_owned(),
            )
        }
    }
}

/// The type of `CAST(x AS type)`.
fn cast_type(target: &str) -> Option<String> {
    let upper = target.to_ascii_uppercase();
    let base = upper.split(['(', ' ']).next().unwrap_or_default();
    Some(match base {
        "SIGNED" => "BIGINT".to_owned(),
        "UNSIGNED" => "BIGINT UNSIGNED".to_owned(),
        "CHAR" | "NCHAR" | "VARCHAR" if upper.contains('(') => {
            mysql_column_type(&upper.replacen(base, "VARCHAR", 1))
        }
        "DECIMAL" | "DATE" | "DATETIME" | "TIME" | "DOUBLE" | "FLOAT" | "JSON" => {
            mysql_column_type(&upper)
        }
        _ => return None,
    })
}

/// The arguments of a function call, when they are all expressions (`*` is `None`).
fn arguments(function: &Function) -> Vec<Option<&Expr>> {
    let FunctionArguments::List(list) = &function.args else {
        return Vec::new();
    };
    list.args
        .iter()
        .map(|arg| match arg {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(expr))
            | FunctionArg::Named {
                arg: FunctionArgExpr::Expr(expr),
                ..
            } => Some(expr),
            _ => None,
        })
        .collect()
}

fn function_type(
    function: &Function,
    column: &dyn Fn(&[Ident]) -> Option<ExprType>,
) -> Option<ExprType> {
    let name = function.name.to_string().to_ascii_uppercase();
    let args = arguments(function);
    let typed = |index: usize| -> Option<ExprType> {
        expression_type(args.get(index).copied().flatten()?, column)
    };
    let all_typed = || -> Option<Vec<ExprType>> { (0..args.len()).map(typed).collect() };
    match name.as_str() {
        "COUNT" => Some(ExprType::new("BIGINT", false)),
        "GROUP_CONCAT" => Some(ExprType::new("MEDIUMTEXT", true)),
        "CONCAT" => {
            let lengths: Option<Vec<u64>> = all_typed()?
                .iter()
                .map(|arg| char_length(&arg.sql_type))
                .collect();
            let length: u64 = lengths?.iter().sum();
            // MariaDB reports CONCAT as nullable whatever its arguments.
            Some(ExprType::new(varchar_or_text(length)?, true))
        }
        "IF" if args.len() == 3 => common_type(&[typed(1)?, typed(2)?], false),
        "IFNULL" | "COALESCE" if !args.is_empty() => common_type(&all_typed()?, true),
        "UPPER" | "LOWER" | "UCASE" | "LCASE" => {
            let arg = typed(0)?;
            let length = char_length(&arg.sql_type)?;
            Some(ExprType::new(varchar_or_text(length)?, arg.nullable))
        }
        "LEFT" | "RIGHT" => part_type(&typed(0)?, args.get(1).copied().flatten()),
        "MIN" | "MAX" => Some(ExprType::new(typed(0)?.sql_type, true)),
        "SUM" => Some(ExprType::new(sum_type(&typed(0)?.sql_type, 22, 0)?, true)),
        "AVG" => Some(ExprType::new(sum_type(&typed(0)?.sql_type, 4, 4)?, true)),
        _ => None,
    }
}

/// The type of the values of `types` together (the branches of `IF`, the arguments of
/// `COALESCE`): the longest of strings, or the one type they share. Nullable when any is
/// (`all_nullable`: only when all are).
fn common_type(types: &[ExprType], all_nullable: bool) -> Option<ExprType> {
    let nullable = if all_nullable {
        types.iter().all(|t| t.nullable)
    } else {
        types.iter().any(|t| t.nullable)
    };
    let first = types.first()?;
    if types.iter().all(|t| t.sql_type == first.sql_type) {
        return Some(ExprType::new(first.sql_type.clone(), nullable));
    }
    let strings: Option<Vec<u64>> = types
        .iter()
        .map(|t| {
            is_string(&t.sql_type)
                .then(|| char_length(&t.sql_type))
                .flatten()
        })
        .collect();
    let longest = strings?.into_iter().max()?;
    Some(ExprType::new(varchar_or_text(longest)?, nullable))
}

/// The type of `SUM` (`extra_digits` 22, `extra_scale` 0) or `AVG` (4, 4) of a column of
/// type `sql_type`.
fn sum_type(sql_type: &str, extra_digits: u32, extra_scale: u32) -> Option<String> {
    let upper = sql_type.to_ascii_uppercase();
    let base = upper.split(['(', ' ']).next().unwrap_or_default();
    let unsigned = upper.contains("UNSIGNED");
    let (digits, scale) = match base {
        "TINYINT" => (3, 0),
        "SMALLINT" => (5, 0),
        "MEDIUMINT" if unsigned => (8, 0),
        "MEDIUMINT" => (7, 0),
        "INT" => (10, 0),
        "BIGINT" if unsigned => (20, 0),
        "BIGINT" => (19, 0),
        "YEAR" => (4, 0),
        "DECIMAL" => {
            let inside = upper.split_once('(')?.1.split_once(')')?.0;
            let (precision, scale) = inside.split_once(',')?;
            (precision.trim().parse().ok()?, scale.trim().parse().ok()?)
        }
        "FLOAT" | "DOUBLE" => return Some("DOUBLE".to_owned()),
        _ => return None,
    };
    let precision = (digits + extra_digits).min(MAX_DECIMAL_PRECISION);
    Some(format!("DECIMAL({precision},{})", scale + extra_scale))
}

/// Whether `sql_type` holds text.
fn is_string(sql_type: &str) -> bool {
    let base = sql_type.split(['(', ' ']).next().unwrap_or_default();
    matches!(base, "CHAR" | "VARCHAR" | "ENUM" | "SET")
}

/// How many characters a value of `sql_type` takes as text, when it is bounded and short.
fn char_length(sql_type: &str) -> Option<u64> {
    let upper = sql_type.to_ascii_uppercase();
    let base = upper.split(['(', ' ']).next().unwrap_or_default();
    let unsigned = upper.contains("UNSIGNED");
    let inside = upper
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(inside, _)| inside);
    match base {
        "CHAR" | "VARCHAR" | "BINARY" | "VARBINARY" => inside?.trim().parse().ok(),
        "ENUM" | "SET" => {
            let values = crate::typemap::mysql_enum_values(sql_type);
            let lengths = values.iter().map(|v| v.chars().count() as u64);
            if base == "SET" {
                Some(lengths.sum::<u64>() + values.len().saturating_sub(1) as u64)
            } else {
                lengths.max()
            }
        }
        "TINYINT" if upper.starts_with("TINYINT(1)") => Some(1),
        "TINYINT" => Some(if unsigned { 3 } else { 4 }),
        "SMALLINT" => Some(if unsigned { 5 } else { 6 }),
        "MEDIUMINT" => Some(if unsigned { 8 } else { 9 }),
        "INT" => Some(if unsigned { 10 } else { 11 }),
        "BIGINT" => Some(20),
        "YEAR" => Some(4),
        "DATE" => Some(10),
        "DATETIME" | "TIMESTAMP" => Some(19),
        "TIME" => Some(10),
        _ => None,
    }
}

/// `VARCHAR(length)`, or `None` when the server would make it a `TEXT` (past 512
/// characters, whose exact type depends on the character set).
fn varchar_or_text(length: u64) -> Option<String> {
    (length <= 512).then(|| format!("VARCHAR({length})"))
}

#[cfg(test)]
mod tests {
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    use super::*;

    fn type_of(sql: &str) -> Option<ExprType> {
        let expr = Parser::new(&MySqlDialect {})
            .try_with_sql(sql)
            .expect("tokens")
            .parse_expr()
            .expect("an expression");
        let columns = |parts: &[Ident]| -> Option<ExprType> {
            match parts.last()?.value.as_str() {
                "first_name" => Some(ExprType::new("VARCHAR(45)", false)),
                "amount" => Some(ExprType::new("DECIMAL(5,2)", false)),
                "n" => Some(ExprType::new("INT", true)),
                "active" => Some(ExprType::new("TINYINT(1)", false)),
                _ => None,
            }
        };
        expression_type(&expr, &columns)
    }

    fn typed(sql_type: &str, nullable: bool) -> Option<ExprType> {
        Some(ExprType::new(sql_type, nullable))
    }

    #[test]
    fn views_computed_columns_are_typed_as_mariadb_types_them() {
        assert_eq!(
            type_of("CONCAT(a.first_name, _utf8' ', a.first_name)"),
            typed("VARCHAR(91)", true)
        );
        assert_eq!(type_of("CONCAT(n, first_name)"), typed("VARCHAR(56)", true));
        assert_eq!(
            type_of("IF(active, _utf8'active', _utf8'')"),
            typed("VARCHAR(6)", false)
        );
        assert_eq!(type_of("SUM(p.amount)"), typed("DECIMAL(27,2)", true));
        assert_eq!(type_of("SUM(n)"), typed("DECIMAL(32,0)", true));
        assert_eq!(type_of("AVG(amount)"), typed("DECIMAL(9,6)", true));
        assert_eq!(type_of("COUNT(*)"), typed("BIGINT", false));
        assert_eq!(
            type_of("GROUP_CONCAT(first_name SEPARATOR ', ')"),
            typed("MEDIUMTEXT", true)
        );
        assert_eq!(type_of("MAX(first_name)"), typed("VARCHAR(45)", true));
        assert_eq!(type_of("COALESCE(n, 0)"), typed("INT", false));
        assert_eq!(
            type_of("IFNULL(first_name, 'x')"),
            typed("VARCHAR(45)", false)
        );
        assert_eq!(type_of("CAST(n AS CHAR(5))"), typed("VARCHAR(5)", true));
        assert_eq!(
            type_of("CAST(n AS UNSIGNED)"),
            typed("BIGINT UNSIGNED", true)
        );
        assert_eq!(type_of("'lit'"), typed("VARCHAR(3)", false));
        assert_eq!(type_of("1"), typed("INT", false));
        assert_eq!(type_of("n + 1"), typed("BIGINT", true));
        assert_eq!(type_of("n * 1.5"), None);
        assert_eq!(
            type_of("SUBSTR(first_name, 1, 2)"),
            typed("VARCHAR(2)", false)
        );
        assert_eq!(type_of("LEFT(first_name, 50)"), typed("VARCHAR(45)", false));
        assert_eq!(type_of("CONCAT(unknown, 'x')"), None);
    }
}

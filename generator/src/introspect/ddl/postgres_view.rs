//! The names and types PostgreSQL gives a view's columns, for the expressions views commonly
//! use: an unaliased expression is named by PostgreSQL's `FigureColname` (`count(*)` is
//! `count`, `x::text` is `x`, `'a' || b` is `?column?`), and typed by PostgreSQL's rules for
//! operators, functions and common types (`sum(integer)` is `bigint`, `max(varchar)` is
//! `text`, `CASE` takes the common type of its results). Functions and aggregates the file
//! creates return what it declares. An expression not covered here has no type.

use sqlparser::ast::{
    AccessExpr, BinaryOperator, CeilFloorKind, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, ObjectNamePart, Query, Subscript, TrimWhereField, UnaryOperator,
    Value,
};

use super::names::{TableName, ident_name};
use super::postgres::Catalog;
use super::postgres_types::{Lexeme, lex, without_modifiers};
use crate::model::{Dialect, Table, normalize_sql_type};

/// What a select item can see: its columns and subqueries.
pub(super) trait Scope {
    /// The type (normalized, empty when unknown) of the column `parts` refers to.
    fn column_type(&mut self, parts: &[Ident]) -> String;
    /// The name and type (normalized) of a subquery's first column.
    fn first_column(&mut self, query: &Query) -> Option<(String, String)>;
}

/// The table an unqualified `name` in a view's query is: the first schema of the view's
/// `search_path` that has it.
pub(super) fn resolve_relation(tables: &[Table], name: TableName, path: &[String]) -> TableName {
    if name.schema.is_some() {
        return name;
    }
    for schema in path {
        let schema = (schema != "public").then(|| schema.clone());
        if tables
            .iter()
            .any(|table| table.name == name.name && table.schema == schema)
        {
            return TableName {
                schema,
                name: name.name,
            };
        }
    }
    name
}

/// The name PostgreSQL gives the select item `expr` without alias.
pub(super) fn column_name(expr: &Expr, scope: &mut dyn Scope) -> String {
    figure_name(expr, scope).map_or_else(|| "?column?".to_owned(), |(name, _)| name)
}

/// PostgreSQL's `FigureColnameInternal`: a name and its strength (2 for a column or
/// function name, 1 for a fallback like `case` or a cast's type).
fn figure_name(expr: &Expr, scope: &mut dyn Scope) -> Option<(String, u8)> {
    let strong = |name: &str| Some((name.to_owned(), 2));
    match expr {
        Expr::Identifier(ident) => Some((ident_name(Dialect::Postgres, ident), 2)),
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .map(|ident| (ident_name(Dialect::Postgres, ident), 2)),
        Expr::CompoundFieldAccess { root, access_chain } => {
            let field = access_chain.iter().rev().find_map(|access| match access {
                AccessExpr::Dot(Expr::Identifier(ident)) => {
                    Some(ident_name(Dialect::Postgres, ident))
                }
                _ => None,
            });
            match field {
                Some(field) => Some((field, 2)),
                None => figure_name(root, scope),
            }
        }
        Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => figure_name(inner, scope),
        Expr::Function(function) => strong(&function_name(function)),
        Expr::Cast {
            expr: inner,
            data_type,
            ..
        } => match figure_name(inner, scope) {
            Some((name, 2)) => Some((name, 2)),
            _ => Some((cast_type_name(&data_type.to_string()), 1)),
        },
        Expr::Exists { .. } => strong("exists"),
        Expr::Subquery(query) => scope
            .first_column(query)
            .map(|(name, _)| (name, 2))
            .filter(|(name, _)| name != "?column?"),
        Expr::Case { else_result, .. } => {
            match else_result.as_deref().and_then(|e| figure_name(e, scope)) {
                Some((name, 2)) => Some((name, 2)),
                _ => Some(("case".to_owned(), 1)),
            }
        }
        Expr::Array(_) => strong("array"),
        Expr::Tuple(_) => strong("row"),
        Expr::Extract { .. } => strong("extract"),
        Expr::Substring { .. } => strong("substring"),
        Expr::Position { .. } => strong("position"),
        Expr::Overlay { .. } => strong("overlay"),
        Expr::Trim { trim_where, .. } => strong(match trim_where {
            Some(TrimWhereField::Leading) => "ltrim",
            Some(TrimWhereField::Trailing) => "rtrim",
            _ => "btrim",
        }),
        Expr::Ceil { .. } => strong("ceil"),
        Expr::Floor { .. } => strong("floor"),
        Expr::Interval(_) => Some(("interval".to_owned(), 1)),
        Expr::TypedString(typed) => Some((cast_type_name(&typed.data_type.to_string()), 1)),
        _ => None,
    }
}

/// The name of a called function (its last part), as PostgreSQL names the column.
fn function_name(function: &Function) -> String {
    function
        .name
        .0
        .last()
        .and_then(ObjectNamePart::as_ident)
        .map(|ident| ident_name(Dialect::Postgres, ident))
        .unwrap_or_default()
}

/// The name PostgreSQL's grammar gives the type of a cast (`integer` is `int4`, `varchar(3)`
/// is `varchar`, `public.mood` is `mood`): what an unaliased cast of a constant is named.
fn cast_type_name(text: &str) -> String {
    let tokens = lex(text);
    let words: Vec<&str> = tokens
        .iter()
        .take_while(|t| !matches!(t, Lexeme::Punct('(' | '[')))
        .filter_map(Lexeme::name)
        .collect();
    let zoned = words.windows(2).any(|pair| pair == ["with", "time"]);
    match words.as_slice() {
        ["int" | "integer", ..] => "int4",
        ["smallint", ..] => "int2",
        ["bigint", ..] => "int8",
        ["real", ..] => "float4",
        ["double", "precision", ..] => "float8",
        ["float", ..] => {
            let bits = tokens.iter().find_map(|t| match t {
                Lexeme::Number(n) => n.parse::<u32>().ok(),
                _ => None,
            });
            if bits.is_some_and(|bits| bits <= 24) {
                "float4"
            } else {
                "float8"
            }
        }
        ["boolean", ..] => "bool",
        ["decimal" | "dec" | "numeric", ..] => "numeric",
        ["char" | "character" | "nchar" | "national", "varying", ..] | ["varchar", ..] => "varchar",
        ["char" | "character" | "nchar" | "national", ..] => "bpchar",
        ["timestamp", ..] if zoned => "timestamptz",
        ["time", ..] if zoned => "timetz",
        ["bit", "varying", ..] => "varbit",
        [.., last] => last,
        [] => "?column?",
    }
    .to_owned()
}

/// The type PostgreSQL gives `expr` in a view, normalized (`None` when unknown).
pub(super) fn expression_type(
    expr: &Expr,
    scope: &mut dyn Scope,
    catalog: &Catalog,
    path: &[String],
) -> Option<String> {
    let mut typer = Typer {
        scope,
        catalog,
        path,
    };
    let found = typer.type_of(expr)?;
    let found = if found == UNKNOWN {
        "text".to_owned()
    } else {
        found
    };
    Some(normalize_sql_type(&found))
}

/// The type of an untyped string literal, before it is resolved.
const UNKNOWN: &str = "unknown";

/// Types expressions, in lower case as `format_type` prints them.
struct Typer<'s, 'c> {
    scope: &'s mut dyn Scope,
    catalog: &'c Catalog,
    path: &'c [String],
}

impl Typer<'_, '_> {
    fn type_of(&mut self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Identifier(ident) => self.column(std::slice::from_ref(ident)),
            Expr::CompoundIdentifier(parts) => self.column(parts),
            Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => self.type_of(inner),
            Expr::Value(value) => Some(
                match &value.value {
                    Value::Number(number, _) => number_type(number),
                    Value::Boolean(_) => "boolean",
                    Value::Null => UNKNOWN,
                    Value::SingleQuotedString(_)
                    | Value::EscapedStringLiteral(_)
                    | Value::DollarQuotedString(_)
                    | Value::NationalStringLiteral(_)
                    | Value::UnicodeStringLiteral(_) => UNKNOWN,
                    _ => return None,
                }
                .to_owned(),
            ),
            Expr::Cast { data_type, .. } => self.declared(&data_type.to_string()),
            Expr::TypedString(typed) => self.declared(&typed.data_type.to_string()),
            Expr::Interval(_) => Some("interval".to_owned()),
            Expr::UnaryOp { op, expr: inner } => match op {
                UnaryOperator::Not => Some("boolean".to_owned()),
                _ => self.type_of(inner).map(|t| without_modifiers(&t)),
            },
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsTrue(_)
            | Expr::IsNotTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotFalse(_)
            | Expr::IsUnknown(_)
            | Expr::IsNotUnknown(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..)
            | Expr::InList { .. }
            | Expr::InSubquery { .. }
            | Expr::Between { .. }
            | Expr::Like { .. }
            | Expr::ILike { .. }
            | Expr::SimilarTo { .. }
            | Expr::AnyOp { .. }
            | Expr::AllOp { .. }
            | Expr::Exists { .. } => Some("boolean".to_owned()),
            Expr::Subquery(query) => self
                .scope
                .first_column(query)
                .map(|(_, sql_type)| sql_type.to_lowercase())
                .filter(|t| !t.is_empty()),
            Expr::Case {
                conditions,
                else_result,
                ..
            } => {
                let mut results: Vec<&Expr> = conditions.iter().map(|c| &c.result).collect();
                results.extend(else_result.as_deref());
                self.common(&results)
            }
            Expr::Array(array) => {
                let elements: Vec<&Expr> = array.elem.iter().collect();
                let element = self.common(&elements)?;
                let element = if element == UNKNOWN {
                    "text".to_owned()
                } else {
                    element
                };
                Some(format!("{element}[]"))
            }
            Expr::Extract { .. } => Some("numeric".to_owned()),
            Expr::Substring { .. } | Expr::Trim { .. } | Expr::Overlay { .. } => {
                Some("text".to_owned())
            }
            Expr::Position { .. } => Some("integer".to_owned()),
            Expr::Ceil {
                expr: inner,
                field: CeilFloorKind::DateTimeField(_),
            }
            | Expr::Floor {
                expr: inner,
                field: CeilFloorKind::DateTimeField(_),
            } => {
                let argument = self.type_of(inner)?;
                Some(rounded(&argument))
            }
            Expr::Ceil { expr: inner, .. } | Expr::Floor { expr: inner, .. } => {
                let argument = self.type_of(inner)?;
                Some(rounded(&argument))
            }
            Expr::AtTimeZone { timestamp, .. } => {
                let base = without_modifiers(&self.type_of(timestamp)?);
                Some(
                    match base.as_str() {
                        "timestamp with time zone" => "timestamp without time zone",
                        "timestamp without time zone" | "date" | UNKNOWN => {
                            "timestamp with time zone"
                        }
                        "time with time zone" | "time without time zone" => "time with time zone",
                        _ => return None,
                    }
                    .to_owned(),
                )
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                let mut current = self.type_of(root)?;
                for access in access_chain {
                    match access {
                        AccessExpr::Subscript(Subscript::Index { .. }) => {
                            current = without_modifiers(current.strip_suffix("[]")?);
                        }
                        AccessExpr::Subscript(Subscript::Slice { .. }) => {}
                        AccessExpr::Dot(_) => return None,
                    }
                }
                Some(current)
            }
            Expr::Function(function) => self.function(function),
            _ => None,
        }
    }

    /// The type of the column `parts`, when known.
    fn column(&mut self, parts: &[Ident]) -> Option<String> {
        let found = self.scope.column_type(parts);
        if !found.is_empty() {
            return Some(found.to_lowercase());
        }
        // `CURRENT_DATE` and friends may be read as names.
        match parts {
            [ident] if ident.quote_style.is_none() => sql_value_function_type(&ident.value),
            _ => None,
        }
    }

    /// The type a declared type names, resolved through the view's `search_path`.
    fn declared(&self, text: &str) -> Option<String> {
        self.catalog
            .resolve_type(text, self.path)
            .map(|resolved| resolved.canonical)
    }

    fn binary(&mut self, left: &Expr, op: &BinaryOperator, right: &Expr) -> Option<String> {
        use BinaryOperator as Op;
        match op {
            Op::Eq
            | Op::NotEq
            | Op::Lt
            | Op::LtEq
            | Op::Gt
            | Op::GtEq
            | Op::And
            | Op::Or
            | Op::PGRegexMatch
            | Op::PGRegexIMatch
            | Op::PGRegexNotMatch
            | Op::PGRegexNotIMatch
            | Op::PGLikeMatch
            | Op::PGILikeMatch
            | Op::PGNotLikeMatch
            | Op::PGNotILikeMatch
            | Op::AtArrow
            | Op::ArrowAt
            | Op::AtAt
            | Op::Question
            | Op::QuestionAnd
            | Op::QuestionPipe
            | Op::PGOverlap => return Some("boolean".to_owned()),
            _ => {}
        }
        let l = self.type_of(left)?;
        let r = self.type_of(right)?;
        let (lb, rb) = (without_modifiers(&l), without_modifiers(&r));
        match op {
            Op::StringConcat => Some(if lb.ends_with("[]") {
                lb
            } else if rb.ends_with("[]") {
                rb
            } else if lb == "jsonb" && rb == "jsonb" {
                lb
            } else {
                "text".to_owned()
            }),
            Op::LongArrow | Op::HashLongArrow => Some("text".to_owned()),
            Op::Arrow | Op::HashArrow => Some(lb),
            Op::PGExp => Some(if lb == "numeric" || rb == "numeric" {
                "numeric".to_owned()
            } else {
                "double precision".to_owned()
            }),
            Op::Plus | Op::Minus => Some(additive(&lb, &rb, matches!(op, Op::Minus))?),
            Op::Multiply | Op::Divide | Op::Modulo | Op::MyIntegerDivide => {
                if lb == "interval" || rb == "interval" {
                    Some("interval".to_owned())
                } else {
                    numeric_promotion(&lb, &rb)
                }
            }
            _ => None,
        }
    }

    /// The common type of `exprs` (PostgreSQL's `select_common_type`): their type with its
    /// modifiers when all agree, else the highest of their category without modifiers;
    /// untyped literals take the others' type.
    fn common(&mut self, exprs: &[&Expr]) -> Option<String> {
        let mut types = Vec::new();
        for expr in exprs {
            types.push(self.type_of(expr)?);
        }
        common_type(&types)
    }

    fn function(&mut self, function: &Function) -> Option<String> {
        let parts: Vec<String> = function
            .name
            .0
            .iter()
            .filter_map(ObjectNamePart::as_ident)
            .map(|ident| ident_name(Dialect::Postgres, ident))
            .collect();
        let arguments: Vec<&Expr> = match &function.args {
            FunctionArguments::List(list) => list
                .args
                .iter()
                .filter_map(|argument| match argument {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(expr))
                    | FunctionArg::Named {
                        arg: FunctionArgExpr::Expr(expr),
                        ..
                    } => Some(expr),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let builtin =
            parts.len() == 1 || parts.first().is_some_and(|schema| schema == "pg_catalog");
        let name = parts.last().cloned().unwrap_or_default();
        if builtin && let Some(found) = self.builtin_function(&name, &arguments, function) {
            return Some(found);
        }
        self.catalog
            .function_type(&parts, Some(arguments.len()), self.path)
            .map(|returns| returns.to_lowercase())
    }

    /// The type a built-in function returns.
    fn builtin_function(
        &mut self,
        name: &str,
        arguments: &[&Expr],
        function: &Function,
    ) -> Option<String> {
        let argument = |index: usize, typer: &mut Self| -> Option<String> {
            arguments.get(index).and_then(|expr| typer.type_of(expr))
        };
        let fixed = |name: &str| Some(name.to_owned());
        if matches!(function.args, FunctionArguments::None)
            && let Some(found) = sql_value_function_type(name)
        {
            return Some(found);
        }
        if let FunctionArguments::Subquery(query) = &function.args {
            // `ARRAY(SELECT ...)`: an array of the subquery's column.
            let (_, element) = self.scope.first_column(query)?;
            let element = element.to_lowercase();
            return (name == "array" && !element.is_empty()).then(|| format!("{element}[]"));
        }
        match name {
            "count" | "row_number" | "rank" | "dense_rank" => fixed("bigint"),
            "ntile" | "length" | "char_length" | "character_length" | "octet_length"
            | "bit_length" | "strpos" | "ascii" | "array_length" | "array_upper"
            | "array_lower" | "cardinality" | "array_ndims" | "array_position" => fixed("integer"),
            "percent_rank" | "cume_dist" | "date_part" | "random" | "pi" => {
                fixed("double precision")
            }
            "sum" => {
                let base = without_modifiers(&argument(0, self)?);
                Some(
                    match base.as_str() {
                        "smallint" | "integer" => "bigint",
                        "real" | "double precision" | "interval" | "money" => return Some(base),
                        _ => "numeric",
                    }
                    .to_owned(),
                )
            }
            "avg" => {
                let base = without_modifiers(&argument(0, self)?);
                Some(
                    match base.as_str() {
                        "real" | "double precision" => "double precision",
                        "interval" => "interval",
                        _ => "numeric",
                    }
                    .to_owned(),
                )
            }
            "min" | "max" => {
                let base = without_modifiers(&argument(0, self)?);
                Some(match base.as_str() {
                    "character varying" | UNKNOWN => "text".to_owned(),
                    _ => base,
                })
            }
            "abs" | "sign" | "lag" | "lead" | "first_value" | "last_value" | "nth_value" => {
                argument(0, self).map(|t| without_modifiers(&t))
            }
            "round" | "trunc" | "ceil" | "ceiling" | "floor" => {
                argument(0, self).map(|t| rounded(&t))
            }
            "sqrt" | "exp" | "ln" | "log" | "power" | "pow" | "cbrt" => {
                let base = without_modifiers(&argument(0, self)?);
                Some(if base == "numeric" {
                    base
                } else {
                    "double precision".to_owned()
                })
            }
            "mod" | "div" => {
                let l = without_modifiers(&argument(0, self)?);
                let r = without_modifiers(&argument(1, self)?);
                numeric_promotion(&l, &r)
            }
            "coalesce" | "greatest" | "least" => self.common(arguments),
            "nullif" => argument(0, self),
            "upper" | "lower" | "initcap" | "btrim" | "ltrim" | "rtrim" | "trim" | "substr"
            | "substring" | "replace" | "concat" | "concat_ws" | "left" | "right" | "lpad"
            | "rpad" | "repeat" | "reverse" | "md5" | "to_char" | "format" | "translate"
            | "quote_ident" | "quote_literal" | "quote_nullable" | "split_part"
            | "regexp_replace" | "array_to_string" | "chr" | "encode" | "unaccent"
            | "string_agg" | "overlay" | "regexp_substr" | "host" | "text" | "version" => {
                fixed("text")
            }
            "now"
            | "transaction_timestamp"
            | "statement_timestamp"
            | "clock_timestamp"
            | "to_timestamp" => fixed("timestamp with time zone"),
            "age" | "justify_days" | "justify_hours" | "justify_interval" | "make_interval" => {
                fixed("interval")
            }
            "to_date" | "make_date" => fixed("date"),
            "make_timestamp" => fixed("timestamp without time zone"),
            "make_timestamptz" => fixed("timestamp with time zone"),
            "to_number" => fixed("numeric"),
            "date_trunc" => {
                let base = without_modifiers(&argument(1, self)?);
                Some(match base.as_str() {
                    "timestamp without time zone" | "interval" | "timestamp with time zone" => base,
                    _ => "timestamp with time zone".to_owned(),
                })
            }
            "bool_and" | "bool_or" | "every" => fixed("boolean"),
            "json_agg" | "json_build_object" | "json_build_array" | "json_object_agg"
            | "to_json" | "row_to_json" | "array_to_json" | "json_object" => fixed("json"),
            "jsonb_agg" | "jsonb_build_object" | "jsonb_build_array" | "jsonb_object_agg"
            | "to_jsonb" | "jsonb_set" | "jsonb_strip_nulls" | "jsonb_object" => fixed("jsonb"),
            "gen_random_uuid" | "uuid_generate_v4" | "uuid_generate_v1" => fixed("uuid"),
            "to_tsvector" | "setweight" => fixed("tsvector"),
            "to_tsquery" | "plainto_tsquery" | "phraseto_tsquery" | "websearch_to_tsquery" => {
                fixed("tsquery")
            }
            "array_agg" => {
                let element = without_modifiers(&argument(0, self)?);
                Some(if element.ends_with("[]") {
                    element
                } else if element == UNKNOWN {
                    "text[]".to_owned()
                } else {
                    format!("{element}[]")
                })
            }
            "array_append" | "array_prepend" | "array_cat" | "array_remove" | "array_replace" => {
                let first = without_modifiers(&argument(0, self)?);
                if first.ends_with("[]") {
                    Some(first)
                } else {
                    argument(1, self).map(|t| without_modifiers(&t))
                }
            }
            "unnest" => {
                let array = argument(0, self)?;
                array.strip_suffix("[]").map(without_modifiers)
            }
            "generate_series" => argument(0, self).map(|t| without_modifiers(&t)),
            _ => None,
        }
    }
}

/// The type of a number written `number`.
fn number_type(number: &str) -> &'static str {
    if number.chars().all(|c| c.is_ascii_digit()) {
        if number.parse::<i32>().is_ok() {
            "integer"
        } else if number.parse::<i64>().is_ok() {
            "bigint"
        } else {
            "numeric"
        }
    } else {
        "numeric"
    }
}

/// The type a SQL value function (`CURRENT_DATE`) returns.
fn sql_value_function_type(name: &str) -> Option<String> {
    Some(
        match name.to_ascii_lowercase().as_str() {
            "current_timestamp" => "timestamp with time zone",
            "current_date" => "date",
            "current_time" => "time with time zone",
            "localtimestamp" => "timestamp without time zone",
            "localtime" => "time without time zone",
            "current_user" | "session_user" | "user" | "current_role" | "current_catalog"
            | "current_schema" => "name",
            _ => return None,
        }
        .to_owned(),
    )
}

/// What `round`, `ceil` and the like return for an argument of type `argument`: `numeric`
/// stays `numeric`, anything else becomes `double precision`.
fn rounded(argument: &str) -> String {
    if without_modifiers(argument) == "numeric" {
        "numeric".to_owned()
    } else {
        "double precision".to_owned()
    }
}

/// Where a numeric type ranks: a wider one holds the narrower.
fn numeric_rank(base: &str) -> Option<u8> {
    Some(match base {
        "smallint" => 1,
        "integer" => 2,
        "bigint" => 3,
        "numeric" => 4,
        "real" => 5,
        "double precision" => 6,
        _ => return None,
    })
}

/// The type of arithmetic on two numbers.
fn numeric_promotion(left: &str, right: &str) -> Option<String> {
    let (left, right) = match (left, right) {
        (UNKNOWN, other) | (other, UNKNOWN) => (other, other),
        pair => pair,
    };
    let (l, r) = (numeric_rank(left)?, numeric_rank(right)?);
    // `numeric` and `real` meet in `double precision`.
    if (l == 4 && r == 5) || (l == 5 && r == 4) {
        return Some("double precision".to_owned());
    }
    Some(if l >= r { left } else { right }.to_owned())
}

/// The type of `left + right` (or `-` when `minus`).
fn additive(left: &str, right: &str, minus: bool) -> Option<String> {
    const TIMESTAMP: &str = "timestamp without time zone";
    const TIMESTAMPTZ: &str = "timestamp with time zone";
    let found = match (left, right) {
        ("date", "integer" | "smallint" | "bigint") => "date",
        ("integer" | "smallint", "date") if !minus => "date",
        ("date", "date") if minus => "integer",
        ("date", "interval") | ("interval", "date") => TIMESTAMP,
        ("date", "time without time zone") | ("time without time zone", "date") => TIMESTAMP,
        (TIMESTAMP, TIMESTAMP) | (TIMESTAMPTZ, TIMESTAMPTZ) if minus => "interval",
        (TIMESTAMP, "interval" | UNKNOWN) | ("interval", TIMESTAMP) => TIMESTAMP,
        (TIMESTAMPTZ, "interval" | UNKNOWN) | ("interval", TIMESTAMPTZ) => TIMESTAMPTZ,
        ("interval", "interval") => "interval",
        ("time without time zone", "interval") => "time without time zone",
        _ => return numeric_promotion(left, right),
    };
    Some(found.to_owned())
}

/// PostgreSQL's `select_common_type`, for the categories views use.
fn common_type(types: &[String]) -> Option<String> {
    let known: Vec<&String> = types.iter().filter(|t| *t != UNKNOWN).collect();
    let Some(first) = known.first() else {
        return Some(UNKNOWN.to_owned());
    };
    if known.iter().all(|t| t == first) {
        // Modifiers survive only when every input has them, untyped literals included.
        return Some(if known.len() == types.len() {
            (*first).clone()
        } else {
            without_modifiers(first)
        });
    }
    let bases: Vec<String> = known.iter().map(|t| without_modifiers(t)).collect();
    if bases.iter().all(|b| *b == bases[0]) {
        return Some(bases[0].clone());
    }
    if bases.iter().all(|b| numeric_rank(b).is_some()) {
        return bases
            .iter()
            .skip(1)
            .try_fold(bases[0].clone(), |acc, b| numeric_promotion(&acc, b));
    }
    let texty = |b: &String| matches!(b.as_str(), "text" | "character varying" | "bpchar" | "name");
    if bases.iter().all(texty) {
        return Some("text".to_owned());
    }
    let timely = |b: &String| {
        matches!(
            b.as_str(),
            "date" | "timestamp without time zone" | "timestamp with time zone"
        )
    };
    if bases.iter().all(timely) {
        return Some(
            if bases.iter().any(|b| b == "timestamp with time zone") {
                "timestamp with time zone"
            } else {
                "timestamp without time zone"
            }
            .to_owned(),
        );
    }
    Some(bases[0].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_are_named_by_their_type_as_the_grammar_knows_it() {
        assert_eq!(cast_type_name("INTEGER"), "int4");
        assert_eq!(cast_type_name("VARCHAR(3)"), "varchar");
        assert_eq!(cast_type_name("CHARACTER VARYING(3)"), "varchar");
        assert_eq!(cast_type_name("TIMESTAMP WITH TIME ZONE"), "timestamptz");
        assert_eq!(cast_type_name("text"), "text");
        assert_eq!(cast_type_name("public.mpaa_rating"), "mpaa_rating");
        assert_eq!(cast_type_name("INT[]"), "int4");
        assert_eq!(cast_type_name("double precision"), "float8");
    }

    #[test]
    fn common_types_keep_modifiers_only_when_all_agree() {
        let t = |types: &[&str]| {
            common_type(&types.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(
            t(&["character varying(45)", "character varying(45)"]).as_deref(),
            Some("character varying(45)")
        );
        assert_eq!(
            t(&["character varying(45)", UNKNOWN]).as_deref(),
            Some("character varying")
        );
        assert_eq!(t(&["integer", "bigint"]).as_deref(), Some("bigint"));
        assert_eq!(t(&[UNKNOWN, UNKNOWN]).as_deref(), Some(UNKNOWN));
        assert_eq!(
            t(&["text", "character varying(3)"]).as_deref(),
            Some("text")
        );
        assert_eq!(t(&["numeric(5,2)", "integer"]).as_deref(), Some("numeric"));
    }

    #[test]
    fn arithmetic_follows_postgres_operators() {
        assert_eq!(additive("date", "integer", false).as_deref(), Some("date"));
        assert_eq!(additive("date", "date", true).as_deref(), Some("integer"));
        assert_eq!(
            additive(
                "timestamp without time zone",
                "timestamp without time zone",
                true
            )
            .as_deref(),
            Some("interval")
        );
        assert_eq!(
            numeric_promotion("numeric", "real").as_deref(),
            Some("double precision")
        );
        assert_eq!(
            numeric_promotion("integer", "smallint").as_deref(),
            Some("integer")
        );
    }
}

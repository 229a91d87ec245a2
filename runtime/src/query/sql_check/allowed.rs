//! What `query_sql` accepts besides served relations, in one place: the built-in functions
//! per database, the operators, the types of casts, the options of `EXPLAIN`. Anything not
//! listed here is refused ([`super`] walks the statement).
//!
//! The built-in functions are pure functions of their arguments (and the current date and
//! time), aggregates and window functions. Nothing that sleeps, locks, reads or writes files,
//! reaches the network or other databases, changes settings or sequences, reads the session,
//! or builds values of unbounded size from a count (`repeat`, `lpad`, `printf` widths).
//! PostgreSQL's are called through `pg_catalog` ([`super`] writes them so). MySQL calls an
//! unqualified name that is one of its built-ins as the built-in (a stored function of that
//! name is reached only qualified), so its list keeps to functions MySQL 8 and MariaDB 10.5
//! both have. SQLite has no stored functions.

use sqlparser::ast::{ArrayElemTypeDef, BinaryOperator, DataType};

use super::{Checked, Engine, refuse};

/// The operators between two values query_sql accepts: arithmetic, comparison, logic, bits,
/// string concatenation, pattern and JSON operators; not user-defined ones, nor assignment.
pub(super) fn binary_operator(op: &BinaryOperator) -> Checked {
    use BinaryOperator as B;
    match op {
        B::Plus
        | B::Minus
        | B::Multiply
        | B::Divide
        | B::Modulo
        | B::StringConcat
        | B::Gt
        | B::Lt
        | B::GtEq
        | B::LtEq
        | B::Spaceship
        | B::Eq
        | B::NotEq
        | B::And
        | B::Or
        | B::Xor
        | B::BitwiseOr
        | B::BitwiseAnd
        | B::BitwiseXor
        | B::MyIntegerDivide
        | B::Regexp
        | B::Glob
        | B::PGBitwiseXor
        | B::PGBitwiseShiftLeft
        | B::PGBitwiseShiftRight
        | B::PGExp
        | B::PGOverlap
        | B::PGRegexMatch
        | B::PGRegexIMatch
        | B::PGRegexNotMatch
        | B::PGRegexNotIMatch
        | B::PGLikeMatch
        | B::PGILikeMatch
        | B::PGNotLikeMatch
        | B::PGNotILikeMatch
        | B::PGStartsWith
        | B::Arrow
        | B::LongArrow
        | B::HashArrow
        | B::HashLongArrow
        | B::AtArrow
        | B::ArrowAt
        | B::Question
        | B::QuestionAnd
        | B::QuestionPipe => Ok(()),
        other => refuse(format!("the operator {other} is not accepted")),
    }
}

/// The types a value may be cast to: numbers, text, booleans, dates and times, binary, UUID,
/// JSON, and arrays of those. Not a type of the schema's own (a domain's CHECK can call any
/// function), nor PostgreSQL's object identifiers (`regclass`, ...).
pub(super) fn data_type(cast_to: &DataType) -> Checked {
    use DataType as D;
    match cast_to {
        D::Character(_)
        | D::Char(_)
        | D::CharacterVarying(_)
        | D::CharVarying(_)
        | D::Varchar(_)
        | D::Nvarchar(_)
        | D::Text
        | D::Uuid
        | D::Numeric(_)
        | D::Decimal(_)
        | D::Dec(_)
        | D::Float(_)
        | D::Real
        | D::Double(_)
        | D::DoublePrecision
        | D::Float4
        | D::Float8
        | D::TinyInt(_)
        | D::SmallInt(_)
        | D::MediumInt(_)
        | D::Int(_)
        | D::Integer(_)
        | D::BigInt(_)
        | D::Int2(_)
        | D::Int4(_)
        | D::Int8(_)
        | D::Signed
        | D::SignedInteger
        | D::Unsigned
        | D::UnsignedInteger
        | D::Bool
        | D::Boolean
        | D::Date
        | D::Time(_, _)
        | D::Datetime(_)
        | D::Timestamp(_, _)
        | D::Interval { .. }
        | D::JSON
        | D::JSONB
        | D::Bytea
        | D::Blob(_)
        | D::Binary(_)
        | D::Varbinary(_) => Ok(()),
        D::Array(
            ArrayElemTypeDef::SquareBracket(element, _) | ArrayElemTypeDef::AngleBracket(element),
        ) => data_type(element),
        other => refuse(format!(
            "casting to {other} is not accepted; cast to a number, text, boolean, date or time, binary, UUID or JSON type"
        )),
    }
}

/// The options of PostgreSQL's `EXPLAIN (...)` query_sql accepts (not `SETTINGS`, which shows
/// the session's settings).
pub(super) const EXPLAIN_OPTIONS: &[&str] = &[
    "analyze", "verbose", "costs", "buffers", "wal", "timing", "summary", "memory", "format",
];

/// What a built-in function is, which decides where it may stand and how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A function of its arguments' values.
    Scalar,
    /// An aggregate (`DISTINCT`, `ORDER BY`, `FILTER`, `WITHIN GROUP`, `OVER` may follow).
    Aggregate,
    /// A window function (needs `OVER`).
    Window,
    /// Syntax that looks like a call (PostgreSQL's `COALESCE`, `GREATEST`): never qualified.
    Construct,
    /// A value without parentheses (`CURRENT_DATE`).
    Keyword,
}

const AGGREGATES: &str = "count sum avg min max";

const WINDOWS: &str = "row_number rank dense_rank percent_rank cume_dist ntile lag lead \
    first_value last_value nth_value";

const POSTGRES_AGGREGATES: &str = "string_agg array_agg bool_and bool_or every bit_and \
    bit_or stddev stddev_pop stddev_samp variance var_pop var_samp json_agg jsonb_agg \
    json_object_agg jsonb_object_agg percentile_cont percentile_disc mode corr covar_pop \
    covar_samp";

const POSTGRES_SCALARS: &str = "\
    abs ceil ceiling floor round trunc sign mod div power sqrt cbrt exp ln log log10 pi \
    degrees radians width_bucket \
    lower upper initcap length char_length character_length octet_length bit_length substr \
    left right ltrim rtrim btrim replace reverse split_part strpos concat concat_ws md5 \
    starts_with translate ascii chr to_hex regexp_replace regexp_match string_to_array \
    array_to_string array_length cardinality array_position encode decode \
    date_trunc date_part age make_date make_time make_timestamp make_interval to_char \
    to_date to_timestamp to_number justify_days justify_hours justify_interval isfinite \
    date_bin now \
    json_build_object jsonb_build_object json_build_array jsonb_build_array to_json to_jsonb \
    json_array_length jsonb_array_length json_typeof jsonb_typeof json_extract_path_text \
    jsonb_extract_path_text jsonb_pretty \
    num_nulls num_nonnulls";

const POSTGRES_CONSTRUCTS: &str = "coalesce nullif greatest least";

const POSTGRES_KEYWORDS: &str =
    "current_date current_time current_timestamp localtime localtimestamp";

const MYSQL_AGGREGATES: &str = "group_concat bit_and bit_or bit_xor std stddev stddev_pop \
    stddev_samp variance var_pop var_samp json_arrayagg json_objectagg";

const MYSQL_SCALARS: &str = "\
    abs ceil ceiling floor round truncate sign mod pow power sqrt exp ln log log2 log10 pi \
    degrees radians \
    coalesce ifnull nullif if isnull greatest least \
    lower lcase upper ucase length char_length character_length octet_length bit_length \
    substr substring substring_index mid left right ltrim rtrim replace reverse concat \
    concat_ws locate instr field find_in_set elt ascii ord hex unhex md5 sha1 sha2 strcmp \
    format soundex regexp_replace regexp_substr regexp_instr \
    date time year month monthname day dayofmonth dayofweek dayname dayofyear week weekday \
    weekofyear yearweek quarter hour minute second microsecond date_format time_format \
    str_to_date date_add date_sub adddate subdate addtime subtime datediff timediff \
    timestampdiff timestampadd last_day makedate maketime from_days to_days period_add \
    period_diff sec_to_time time_to_sec from_unixtime convert_tz now curdate curtime \
    utc_date utc_timestamp \
    json_extract json_unquote json_object json_array json_length json_type json_keys \
    json_contains json_valid json_value";

const MYSQL_KEYWORDS: &str = "current_date current_time current_timestamp";

const SQLITE_AGGREGATES: &str = "total group_concat string_agg json_group_array json_group_object";

const SQLITE_SCALARS: &str = "\
    abs round sign ceil ceiling floor trunc pow power sqrt exp ln log log2 log10 mod pi \
    coalesce ifnull iif nullif \
    lower upper length octet_length substr substring instr ltrim rtrim trim replace hex \
    unhex unicode char typeof \
    date time datetime julianday unixepoch strftime timediff \
    json json_extract json_array json_object json_type json_array_length json_valid \
    json_quote";

const SQLITE_KEYWORDS: &str = "current_date current_time current_timestamp";

/// The lists of `engine`, each with the kind of its functions.
fn lists(engine: Engine) -> [(&'static str, Kind); 6] {
    let (aggregates, scalars, constructs, keywords) = match engine {
        Engine::Postgres => (
            POSTGRES_AGGREGATES,
            POSTGRES_SCALARS,
            POSTGRES_CONSTRUCTS,
            POSTGRES_KEYWORDS,
        ),
        Engine::Mysql => (MYSQL_AGGREGATES, MYSQL_SCALARS, "", MYSQL_KEYWORDS),
        Engine::Sqlite => (SQLITE_AGGREGATES, SQLITE_SCALARS, "", SQLITE_KEYWORDS),
    };
    [
        (AGGREGATES, Kind::Aggregate),
        (aggregates, Kind::Aggregate),
        (WINDOWS, Kind::Window),
        (scalars, Kind::Scalar),
        (constructs, Kind::Construct),
        (keywords, Kind::Keyword),
    ]
}

/// What the built-in `name` (lower case) is in `engine`, when query_sql accepts it.
pub fn builtin(engine: Engine, name: &str) -> Option<Kind> {
    lists(engine)
        .into_iter()
        .find(|(names, _)| names.split_whitespace().any(|listed| listed == name))
        .map(|(_, kind)| kind)
}

/// Names each database reads as a call without parentheses, never as a column.
const POSTGRES_BARE: &str = "current_date current_time current_timestamp localtime \
    localtimestamp current_role current_user user session_user current_catalog \
    current_schema system_user";

const MYSQL_BARE: &str = "current_date current_time current_timestamp localtime \
    localtimestamp utc_date utc_time utc_timestamp current_user current_role";

const SQLITE_BARE: &str = "current_date current_time current_timestamp";

/// Whether `engine` reads the name `name` (lower case) alone as a call, not a column.
pub fn called_without_parentheses(engine: Engine, name: &str) -> bool {
    let names = match engine {
        Engine::Postgres => POSTGRES_BARE,
        Engine::Mysql => MYSQL_BARE,
        Engine::Sqlite => SQLITE_BARE,
    };
    names.split_whitespace().any(|listed| listed == name)
}

/// Every built-in `engine` accepts, sorted, for the tool's description.
pub fn builtins(engine: Engine) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = lists(engine)
        .into_iter()
        .flat_map(|(names, _)| names.split_whitespace())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

//! Property tests of everything a client's arguments go through before SQL: whatever JSON a
//! tool is sent, reading it never panics, and what is accepted is written, in every dialect,
//! as a statement whose placeholders are exactly its parameters and whose parentheses
//! balance. Cursors are forged too: a cursor with any values in it, under the fingerprint of
//! its query, is read or refused like any argument.
//!
//! A seed corpus of hostile arguments (`runtime/tests/corpus/arguments.jsonl`, one JSON object
//! a line) is replayed first; proptest keeps the input of any failure it finds in
//! `runtime/proptest-regressions/query/properties.txt`, to commit: it is replayed on every
//! later run. 1024 cases run with every `cargo test`, in about a second.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{CountRequest, GetRequest, PagePlan};
use crate::catalog::{Catalog, Table};
use crate::config::Limits;
use crate::dialect::Dialect;
use crate::fixtures;
use crate::sql::{self, Statement};

/// Words the generated arguments are made of, besides [`COLUMNS`] and [`OPERATORS`]: argument
/// names, combinators, values of the fixtures' types.
const WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "where",
    "order_by",
    "columns",
    "limit",
    "cursor",
    "column",
    "direction",
    "asc",
    "desc",
    "G",
    "PG",
    "NC-17",
    "AB",
    "new",
    "2016-07-04",
    "2016-07-04 10:11",
    "2016-07-04T10:11:12.5Z",
    "10:11",
    "0.99",
    "-1e3",
    "%",
    "_",
    "\\",
    "'",
    "\"",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => prop::sample::select(COLUMNS).prop_map(str::to_owned),
        1 => prop::sample::select(OPERATORS).prop_map(str::to_owned),
        2 => prop::sample::select(WORDS).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9%_ :.+\\\\-]{0,10}",
    ]
}

/// Any JSON value, leaning on the fixtures' words for keys and strings.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        any::<f64>().prop_filter_map("a JSON number", |f| {
            serde_json::Number::from_f64(f).map(Value::Number)
        }),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const COLUMNS: &[&str] = &[
    "film_id",
    "title",
    "rating",
    "code",
    "features",
    "shape",
    "status",
    "price",
    "released",
    "available",
    "a",
    "b",
    "label",
    "body",
    "name",
    "total",
];
const OPERATORS: &[&str] = &[
    "eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "like", "ilike", "is_null",
];

/// A value of some column's type, or a list of them (for `in`).
fn value() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        (-5i64..300).prop_map(Value::from),
        word().prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    prop_oneof![
        4 => scalar.clone(),
        1 => prop::collection::vec(scalar, 0..4).prop_map(Value::Array),
    ]
}

/// A `where` made of the fixtures' columns and the filter language, mostly valid.
fn filter() -> impl Strategy<Value = Value> {
    let operators = prop::collection::vec((prop::sample::select(OPERATORS), value()), 1..3)
        .prop_map(|ops| Value::Object(ops.into_iter().map(|(op, v)| (op.to_owned(), v)).collect()));
    let condition = (
        prop::sample::select(COLUMNS),
        prop_oneof![value(), operators],
    )
        .prop_map(|(column, test)| {
            let mut object = Map::new();
            object.insert(column.to_owned(), test);
            Value::Object(object)
        });
    condition.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|parts| {
                let mut object = Map::new();
                object.insert("and".to_owned(), Value::Array(parts));
                Value::Object(object)
            }),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|parts| {
                let mut object = Map::new();
                object.insert("or".to_owned(), Value::Array(parts));
                Value::Object(object)
            }),
            inner.prop_map(|part| {
                let mut object = Map::new();
                object.insert("not".to_owned(), part);
                Value::Object(object)
            }),
        ]
    })
}

/// `order_by`: a few of the fixtures' columns, each way.
fn order_by() -> impl Strategy<Value = Value> {
    prop::collection::vec(
        (
            prop::sample::select(COLUMNS),
            prop::sample::select(&["asc", "desc"][..]),
        ),
        0..3,
    )
    .prop_map(|keys| {
        Value::Array(
            keys.into_iter()
                .map(|(column, direction)| {
                    serde_json::json!({"column": column, "direction": direction})
                })
                .collect(),
        )
    })
}

/// A tool's arguments: mostly well-shaped ones (a `where`, an `order_by`, `columns`, a
/// `limit`, key values), sometimes anything at all.
fn arguments() -> impl Strategy<Value = Map<String, Value>> {
    let shaped = (
        prop::option::of(filter()),
        prop::option::of(order_by()),
        prop::option::of(prop::collection::vec(prop::sample::select(COLUMNS), 1..3)),
        prop::option::of(0u64..3000),
    )
        .prop_map(|(filter, order_by, columns, limit)| {
            let mut arguments = Map::new();
            if let Some(filter) = filter {
                arguments.insert("where".to_owned(), filter);
            }
            if let Some(order_by) = order_by {
                arguments.insert("order_by".to_owned(), order_by);
            }
            if let Some(columns) = columns {
                arguments.insert("columns".to_owned(), serde_json::json!(columns));
            }
            if let Some(limit) = limit {
                arguments.insert("limit".to_owned(), Value::from(limit));
            }
            arguments
        });
    let keys = (0i64..300, 0i64..300).prop_map(|(a, b)| {
        let mut arguments = Map::new();
        arguments.insert("film_id".to_owned(), Value::from(a));
        arguments.insert("a".to_owned(), Value::from(a));
        arguments.insert("b".to_owned(), Value::from(b));
        arguments
    });
    let anything = prop::collection::vec((word(), json()), 0..5)
        .prop_map(|entries| entries.into_iter().collect::<Map<_, _>>());
    prop_oneof![6 => shaped, 1 => keys, 2 => anything]
}

#[allow(
    clippy::vec_init_then_push,
    reason = "each dialect is there when its backend is built"
)]
fn dialects() -> Vec<Box<dyn Dialect>> {
    let mut dialects: Vec<Box<dyn Dialect>> = Vec::new();
    #[cfg(feature = "sqlite")]
    dialects.push(Box::new(crate::backend::sqlite::SqliteDialect));
    #[cfg(feature = "postgres")]
    dialects.push(Box::new(crate::backend::postgres::PostgresDialect));
    #[cfg(feature = "mysql")]
    dialects.push(Box::new(crate::backend::mysql::MysqlDialect {
        database: "shop".to_owned(),
        returning: true,
    }));
    dialects
}

/// Checks that `statement`'s placeholders are its parameters, each used, and that its
/// parentheses and quotes balance.
fn well_formed(statement: &Statement, dialect: &dyn Dialect) -> Result<(), TestCaseError> {
    let sql = &statement.sql;
    let mut depth = 0i64;
    let mut used = vec![false; statement.params.len()];
    let mut question_marks = 0;
    let mut quote: Option<char> = None;
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match (quote, c) {
            (Some(open), _) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, '?' | '$') => {
                let digits: String = chars[i + 1..]
                    .iter()
                    .take_while(|d| d.is_ascii_digit())
                    .collect();
                if digits.is_empty() {
                    question_marks += 1;
                } else {
                    let number: usize = digits.parse().expect("digits");
                    prop_assert!(
                        (1..=used.len()).contains(&number),
                        "placeholder {c}{number} of {} parameters in {sql}",
                        used.len()
                    );
                    used[number - 1] = true;
                    i += digits.len();
                }
            }
            _ => {}
        }
        prop_assert!(depth >= 0, "a ')' closes nothing in {sql}");
        i += 1;
    }
    prop_assert!(quote.is_none(), "a quote is left open in {sql}");
    prop_assert_eq!(depth, 0, "parentheses left open in {}", sql);
    if question_marks > 0 {
        prop_assert_eq!(question_marks, used.len(), "{}: {}", dialect.name(), sql);
    } else {
        prop_assert!(
            used.iter().all(|u| *u),
            "a parameter no placeholder names: {}",
            sql
        );
    }
    Ok(())
}

/// Reads `arguments` as every read tool of every fixture table would, and writes what is
/// accepted in every dialect; also forges a next-page cursor for each accepted page.
fn read_and_write(
    catalog: &Catalog,
    arguments: &Map<String, Value>,
    forged: &[Value],
) -> Result<(), TestCaseError> {
    let limits = Limits::default();
    for table in catalog.tables() {
        if let Ok(plan) = PagePlan::parse(table, arguments, &limits) {
            write_page(table, &plan)?;
            let row: Vec<Value> = (0..plan.selected.len())
                .map(|i| forged.get(i).cloned().unwrap_or(Value::Null))
                .collect();
            if let Some(cursor) = plan.cursor_after(&[row.clone(), row], 1) {
                let mut next = arguments.clone();
                next.insert("cursor".to_owned(), Value::String(cursor));
                if let Ok(plan) = PagePlan::parse(table, &next, &limits) {
                    write_page(table, &plan)?;
                }
            }
        }
        if let Ok(request) = CountRequest::parse(table, arguments) {
            for dialect in dialects() {
                well_formed(
                    &sql::count(dialect.as_ref(), table, &request),
                    dialect.as_ref(),
                )?;
            }
        }
        if !table.primary_key().is_empty()
            && let Ok(request) = GetRequest::parse(table, arguments)
        {
            for dialect in dialects() {
                let statement = sql::select_by_key(dialect.as_ref(), table, &request);
                well_formed(&statement, dialect.as_ref())?;
            }
        }
    }
    Ok(())
}

fn write_page(table: &Table, plan: &PagePlan) -> Result<(), TestCaseError> {
    for dialect in dialects() {
        let statement = sql::select_page(dialect.as_ref(), table, plan);
        well_formed(&statement, dialect.as_ref())?;
        prop_assert_eq!(&statement.columns, &plan.selected);
    }
    Ok(())
}

#[test]
fn the_corpus_of_hostile_arguments_is_read_or_refused() {
    let corpus = include_str!("../../tests/corpus/arguments.jsonl");
    let catalog = fixtures::catalog();
    for (number, line) in corpus.lines().enumerate() {
        let Value::Object(arguments) = serde_json::from_str(line).expect("a JSON object a line")
        else {
            panic!("line {} is not an object", number + 1);
        };
        if let Err(error) = read_and_write(&catalog, &arguments, &[]) {
            panic!("line {}: {error}", number + 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::SourceParallel("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_arguments_are_read_or_refused_and_written_well(
        arguments in arguments(),
        forged in prop::collection::vec(json(), 0..8),
    ) {
        let catalog = fixtures::catalog();
        read_and_write(&catalog, &arguments, &forged)?;
    }
}

//! What the query layer says to arguments a tool cannot run with: one snapshot of every kind
//! of mistake, each its tool and arguments, then the message the client gets.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::*;
use crate::config::Limits;
use crate::fixtures;

fn arguments(value: &Value) -> Map<String, Value> {
    value.as_object().expect("arguments are an object").clone()
}

/// A cursor of `film`'s first page with these arguments (each page one row).
fn film_cursor(request: &Value) -> String {
    let catalog = fixtures::catalog();
    let table = catalog.table(0);
    let plan = PagePlan::parse(table, &arguments(request), &Limits::default()).expect("valid");
    let row = json!([
        1, "A", "PG", "AB ", null, null, null, null, null, true, null
    ]);
    let rows = vec![
        row.as_array().expect("a row").clone(),
        row.as_array().expect("a row").clone(),
    ];
    plan.cursor_after(&rows, 1).expect("a next page")
}

#[test]
fn mistakes_are_explained() {
    let cursor = film_cursor(&json!({"limit": 1}));
    let deep = (0..20).fold(json!({"title": "x"}), |inner, _| json!({"not": inner}));
    let many: Vec<Value> = (0..1001).map(Value::from).collect();
    let cases: Vec<(&str, &str, Value)> = vec![
        ("list", "film", json!({"wher": {}})),
        ("list", "film", json!({"where": []})),
        ("list", "film", json!({"where": {"nope": 1}})),
        ("list", "film", json!({"where": {"film_id": "one"}})),
        (
            "list",
            "film",
            json!({"where": {"film_id": {"like": "1%"}}}),
        ),
        ("list", "film", json!({"where": {"film_id": {}}})),
        ("list", "film", json!({"where": {"title": null}})),
        ("list", "film", json!({"where": {"title": {"gt": null}}})),
        ("list", "film", json!({"where": {"rating": "X"}})),
        (
            "list",
            "film",
            json!({"where": {"status": {"in": ["new", "old"]}}}),
        ),
        ("list", "film", json!({"where": {"price": {"gt": "cheap"}}})),
        (
            "list",
            "film",
            json!({"where": {"released": {"lt": "yesterday"}}}),
        ),
        (
            "list",
            "film",
            json!({"where": {"available": {"gt": true}}}),
        ),
        ("list", "film", json!({"where": {"film_id": {"in": 1}}})),
        ("list", "film", json!({"where": {"title": {"like": 1}}})),
        (
            "list",
            "film",
            json!({"where": {"rating": {"is_null": "yes"}}}),
        ),
        ("list", "film", json!({"where": {"or": {"title": "x"}}})),
        ("list", "film", json!({"where": deep})),
        ("list", "film", json!({"where": {"film_id": {"in": many}}})),
        ("list", "film", json!({"order_by": {"column": "title"}})),
        ("list", "film", json!({"order_by": [{"column": "nope"}]})),
        (
            "list",
            "film",
            json!({"order_by": [{"column": "title", "direction": "up"}]}),
        ),
        (
            "list",
            "film",
            json!({"order_by": [{"column": "title"}, {"column": "title"}]}),
        ),
        (
            "list",
            "film",
            json!({"order_by": [{"column": "title", "nulls": "first"}]}),
        ),
        ("list", "film", json!({"columns": []})),
        ("list", "film", json!({"columns": ["nope"]})),
        ("list", "film", json!({"limit": 0})),
        ("list", "film", json!({"limit": "ten"})),
        ("list", "film", json!({"cursor": 5})),
        ("list", "film", json!({"cursor": "not a cursor"})),
        (
            "list",
            "film",
            json!({"cursor": cursor, "where": {"title": "x"}}),
        ),
        (
            "list",
            "film",
            json!({"cursor": cursor, "limit": 1, "order_by": [{"column": "title"}]}),
        ),
        ("get", "film", json!({})),
        ("get", "film", json!({"film_id": 1, "title": "x"})),
        ("get", "film", json!({"film_id": 1.5})),
        ("get", "sales.pairs", json!({"a": 1})),
        ("count", "film", json!({"limit": 1})),
    ];
    let catalog = fixtures::catalog();
    let limits = Limits::default();
    let mut out = String::new();
    for (verb, table, request) in cases {
        let table = catalog.table(catalog.find(table).expect("a fixture"));
        let error = match verb {
            "list" => PagePlan::parse(table, &arguments(&request), &limits).err(),
            "get" => GetRequest::parse(table, &arguments(&request)).err(),
            _ => CountRequest::parse(table, &arguments(&request)).err(),
        };
        let error =
            error.unwrap_or_else(|| panic!("{verb}_{} {request} is refused", table.tool_base));
        let shown = filter::brief(&request);
        let _ = writeln!(out, "{verb}_{} {shown}\n  {error}\n", table.tool_base);
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_cursor_continues_only_its_own_query() {
    let catalog = fixtures::catalog();
    let table = catalog.table(0);
    let request = json!({"limit": 1, "where": {"rating": {"gte": "PG"}}});
    let cursor = film_cursor(&request);
    let mut next = arguments(&request);
    next.insert("cursor".to_owned(), Value::String(cursor));
    let plan = PagePlan::parse(table, &next, &Limits::default()).expect("its own query");
    assert!(matches!(plan.start, PageStart::After(_)));
}

#[test]
fn limits_are_capped_and_defaulted() {
    let catalog = fixtures::catalog();
    let table = catalog.table(0);
    let limits = Limits {
        default_limit: 20,
        max_limit: 100,
        ..Limits::default()
    };
    let limit = |request: Value| {
        PagePlan::parse(table, &arguments(&request), &limits)
            .expect("valid")
            .limit
    };
    assert_eq!(limit(json!({})), 20);
    assert_eq!(limit(json!({"limit": 5})), 5);
    assert_eq!(limit(json!({"limit": 100000})), 100);
}

#[test]
fn an_in_list_and_an_or_of_equalities_count_the_same() {
    let catalog = fixtures::catalog();
    let table = catalog.table(0);
    let values = |n: usize| (0..n).map(Value::from).collect::<Vec<_>>();
    let or = |n: usize| json!({"or": values(n).into_iter().map(|v| json!({"film_id": v})).collect::<Vec<_>>()});
    for (n, accepted) in [(1000, true), (1001, false)] {
        let in_list = Filter::parse(table, &json!({"film_id": {"in": values(n)}}));
        let equalities = Filter::parse(table, &or(n));
        assert_eq!(in_list.is_ok(), accepted, "in of {n}");
        assert_eq!(equalities.is_ok(), accepted, "or of {n}");
    }
}

#[test]
fn like_patterns_are_bounded() {
    let catalog = fixtures::catalog();
    let table = catalog.table(0);
    let like = |pattern: String| Filter::parse(table, &json!({"title": {"like": pattern}}));
    assert!(like("x".repeat(filter::MAX_PATTERN_CHARS)).is_ok());
    assert!(like("x".repeat(filter::MAX_PATTERN_CHARS + 1)).is_err());
    assert!(like("%a".repeat(filter::MAX_PATTERN_WILDCARDS)).is_ok());
    let error = like("%a".repeat(filter::MAX_PATTERN_WILDCARDS + 1)).unwrap_err();
    assert!(error.to_string().contains("33 `%`"), "{error}");
}

#[test]
fn call_mistakes_are_explained() {
    let catalog = fixtures::catalog();
    let cases: Vec<(usize, Value)> = vec![
        (0, json!({})),
        (0, json!({"p_film": 1})),
        (0, json!({"p_film_id": null})),
        (0, json!({"p_film_id": "seven"})),
        (0, json!({"p_film_id": 1, "p_discount": "a lot"})),
        (0, json!({"p_film_id": 1, "film_price": "1.00"})),
        (1, json!({"p_rating": "X"})),
        (2, json!({"p_store": 1, "p_total": 3})),
        (3, json!({"arg2": 3})),
        (4, json!({"p_film_id": 1, "p_film_count": 2})),
    ];
    let mut out = String::new();
    for (index, request) in cases {
        let routine = catalog.routine(index);
        let error = CallRequest::parse(routine, &arguments(&request))
            .err()
            .unwrap_or_else(|| panic!("call_{} {request} is refused", routine.fields.tool_base));
        let shown = filter::brief(&request);
        let _ = writeln!(
            out,
            "call_{} {shown}\n  {error}\n",
            routine.fields.tool_base
        );
    }
    insta::assert_snapshot!(out);
}

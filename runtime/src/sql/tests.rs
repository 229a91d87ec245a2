//! The SQL each dialect writes for a table of filter, order and paging cases: one snapshot per
//! dialect, each case its tool arguments, then the statement and its parameters.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::*;
use crate::catalog::{Catalog, Table};
use crate::config::Limits;
use crate::fixtures;
use crate::query::{AggregateRequest, CountRequest, Filter, GetRequest, PagePlan};

/// What a case asks of which table.
enum Case {
    List(&'static str, Value),
    /// `list_T` with these arguments, after a first page of these rows (as the `SELECT` of the
    /// first page lists its values) gave the cursor.
    NextPage(&'static str, Value, Vec<Value>),
    Get(&'static str, Value),
    Count(&'static str, Value),
    /// `list_T` with these arguments, from this offset (DreamFactory's `offset`).
    ListFrom(&'static str, Value, u64),
    /// `aggregate_data` of these aggregates, grouped by these columns, with this filter.
    Aggregate(&'static str, Value, Value, Value),
}

fn cases() -> Vec<(&'static str, Case)> {
    use Case::*;
    vec![
        (
            "every column, in the order of the primary key",
            List("film", json!({})),
        ),
        (
            "some columns; the sort keys they leave out are read too",
            List(
                "film",
                json!({"columns": ["title"], "order_by": [{"column": "released", "direction": "desc"}], "limit": 10}),
            ),
        ),
        (
            "every operator, combined",
            List(
                "film",
                json!({"where": {
                    "title": {"like": "A%", "ilike": "%love%"},
                    "film_id": {"in": [1, 2], "nin": [3]},
                    "price": {"gte": "0.99", "lt": 5},
                    "released": null,
                    "or": [{"available": true}, {"not": {"status": "new"}}],
                    "and": []
                }}),
            ),
        ),
        (
            "an enum type compares and sorts in declaration order",
            List(
                "film",
                json!({"where": {"rating": {"gt": "PG", "ne": "R"}}, "order_by": [{"column": "rating"}]}),
            ),
        ),
        (
            "char(n), a SET and a type read as text",
            List(
                "film",
                json!({"where": {"code": "AB", "features": {"like": "%Trailers%"}, "shape": {"is_null": false}}}),
            ),
        ),
        (
            "the next page after a row with a NULL in a descending nullable key",
            NextPage(
                "film",
                json!({"order_by": [{"column": "rating", "direction": "desc"}], "limit": 1}),
                vec![
                    json!([
                        1, "A", null, "AB ", null, null, null, null, null, true, null
                    ]),
                    json!([
                        2, "B", null, "CD ", null, null, null, null, null, true, null
                    ]),
                ],
            ),
        ),
        (
            "the next page after a row with values in every key",
            NextPage(
                "film",
                json!({"columns": ["title"], "order_by": [{"column": "rating"}, {"column": "released", "direction": "desc"}], "limit": 1}),
                vec![
                    json!(["A", "PG", "2024-01-31", 1]),
                    json!(["B", "R", "2024-02-01", 2]),
                ],
            ),
        ),
        (
            "a key declared (b, a) pages in that order",
            NextPage(
                "sales.pairs",
                json!({"limit": 1}),
                vec![json!([1, 2, "x"]), json!([3, 4, "y"])],
            ),
        ),
        (
            "a table without a key pages by its row id",
            NextPage(
                "notes",
                json!({"limit": 1}),
                vec![json!(["a", 7]), json!(["b", 8])],
            ),
        ),
        (
            "a view without a key pages by offset",
            NextPage(
                "totals",
                json!({"limit": 1}),
                vec![json!(["a", 1.5]), json!(["b", 2.5])],
            ),
        ),
        (
            "one row by a key of two columns, in key order",
            Get("sales.pairs", json!({"a": 1, "b": 2})),
        ),
        (
            "a count with a filter",
            Count("film", json!({"where": {"rating": {"lte": "PG"}}})),
        ),
        (
            "a page from an offset, in the order of the primary key",
            ListFrom(
                "film",
                json!({"order_by": [{"column": "title"}], "limit": 10}),
                20,
            ),
        ),
        (
            "a page of a table without a key, from an offset",
            ListFrom("notes", json!({"limit": 5}), 5),
        ),
        (
            "aggregates over every row: counts, a sum of decimals, an average, the least date",
            Aggregate(
                "film",
                json!([
                    {"function": "COUNT", "field": "*"},
                    {"function": "count", "field": "rating", "alias": "rated"},
                    {"function": "SUM", "field": "price"},
                    {"function": "AVG", "field": "price"},
                    {"function": "MIN", "field": "released"},
                    {"function": "MAX", "field": "film_id"}
                ]),
                json!([]),
                json!(null),
            ),
        ),
        (
            "aggregates grouped by two columns, of the rows a filter lets through",
            Aggregate(
                "film",
                json!([{"function": "SUM", "field": "film_id", "alias": "ids"}]),
                json!(["rating", "released"]),
                json!({"available": true}),
            ),
        ),
        (
            "a float column's sum and its least value",
            Aggregate(
                "totals",
                json!([{"function": "SUM", "field": "total"}, {"function": "MIN", "field": "total"}]),
                json!("name"),
                json!(null),
            ),
        ),
    ]
}

/// Whether an aggregate request has a filter, for its title line.
fn filter_shown(request: &AggregateRequest) -> Value {
    Value::Bool(request.filter.is_some())
}

fn arguments(value: &Value) -> serde_json::Map<String, Value> {
    value.as_object().expect("arguments are an object").clone()
}

/// Every case's statement in `dialect`, as text.
fn statements(dialect: &dyn Dialect) -> String {
    let catalog: Catalog = fixtures::catalog();
    let limits = Limits::default();
    let mut out = String::new();
    for (title, case) in cases() {
        let (table, request, statement) = match case {
            Case::List(table, request) => {
                let table = catalog.table(catalog.find(table).expect("a fixture"));
                let plan = PagePlan::parse(table, &arguments(&request), &limits).expect("valid");
                (table, request, select_page(dialect, table, &plan))
            }
            Case::NextPage(table, request, first_rows) => {
                let table = catalog.table(catalog.find(table).expect("a fixture"));
                let first = PagePlan::parse(table, &arguments(&request), &limits).expect("valid");
                let rows: Vec<Vec<Value>> = first_rows
                    .into_iter()
                    .map(|row| row.as_array().expect("a row").clone())
                    .collect();
                let cursor = first.cursor_after(&rows, 1).expect("a next page");
                let mut next = arguments(&request);
                next.insert("cursor".to_owned(), Value::String(cursor));
                let plan = PagePlan::parse(table, &next, &limits).expect("the cursor is valid");
                (table, request, select_page(dialect, table, &plan))
            }
            Case::Get(table, request) => {
                let table = catalog.table(catalog.find(table).expect("a fixture"));
                let get = GetRequest::parse(table, &arguments(&request)).expect("valid");
                (table, request, select_by_key(dialect, table, &get))
            }
            Case::ListFrom(table, request, offset) => {
                let table = catalog.table(catalog.find(table).expect("a fixture"));
                let mut plan =
                    PagePlan::parse(table, &arguments(&request), &limits).expect("valid");
                plan.skip(offset).expect("a valid offset");
                (table, request, select_page(dialect, table, &plan))
            }
            Case::Aggregate(table, aggregates, group_by, filter) => {
                let table = catalog.table(catalog.find(table).expect("a fixture"));
                let filter =
                    (!filter.is_null()).then(|| Filter::parse(table, &filter).expect("valid"));
                let request = AggregateRequest::parse(
                    table,
                    Some(&aggregates),
                    Some(&group_by),
                    filter,
                    &limits,
                )
                .expect("valid");
                let shown = json!({"aggregates": aggregates, "group_by": group_by, "filter": filter_shown(&request)});
                (table, shown, select_aggregate(dialect, table, &request))
            }
            Case::Count(table, request) => {
                let table = catalog.table(catalog.find(table).expect("a fixture"));
                let count_request =
                    CountRequest::parse(table, &arguments(&request)).expect("valid");
                (table, request, count(dialect, table, &count_request))
            }
        };
        let _ = writeln!(out, "## {title}\n{} {request}", table.display_name());
        let _ = writeln!(out, "{}", statement.sql);
        for (index, param) in statement.params.iter().enumerate() {
            let param = match param {
                Param::Column { column, operand } => {
                    format!("{} as {:?}", operand.json(), table.column_name(*column))
                }
                Param::Text(text) => format!("{text:?}"),
                Param::Integer(integer) => integer.to_string(),
                Param::Plain(value) => format!("{value:?}"),
            };
            let _ = writeln!(out, "  {}: {param}", index + 1);
        }
        out.push('\n');
    }
    out
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_statements() {
    insta::assert_snapshot!(statements(&crate::backend::sqlite::SqliteDialect));
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_statements() {
    insta::assert_snapshot!(statements(&crate::backend::postgres::PostgresDialect));
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_statements() {
    insta::assert_snapshot!(statements(&crate::backend::mysql::MysqlDialect {
        database: "shop".to_owned(),
        returning: true,
    }));
}

/// How deep the parentheses of `sql` nest, and the most ` OR ` at one depth.
#[cfg(feature = "sqlite")]
fn shape(sql: &str) -> (usize, usize) {
    let mut depth = 0usize;
    let mut deepest = 0;
    let mut terms: Vec<usize> = vec![0];
    let mut widest = 0;
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with(" OR ") {
            terms[depth] += 1;
            widest = widest.max(terms[depth]);
            rest = &rest[4..];
            continue;
        }
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if terms.len() <= depth {
                    terms.push(0);
                }
                terms[depth] = 0;
            }
            ')' => depth -= 1,
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    (deepest, widest)
}

#[cfg(feature = "sqlite")]
#[test]
fn a_long_or_is_written_in_shallow_groups() {
    let catalog = fixtures::catalog();
    let table = catalog.table(0);
    let terms: Vec<Value> = (0..1000).map(|id| json!({"film_id": id})).collect();
    let request = CountRequest::parse(table, &arguments(&json!({"where": {"or": terms}})))
        .expect("1000 conditions are allowed");
    let statement = count(&crate::backend::sqlite::SqliteDialect, table, &request);
    let (deepest, widest) = shape(&statement.sql);
    assert_eq!(statement.params.len(), 1000);
    assert!(deepest <= 3, "{deepest} levels of parentheses");
    assert!(widest < 32, "{widest} ORs side by side");
}

/// Every write statement of the `film` and `sales.pairs` fixtures in `dialect`, as text.
fn write_statements(dialect: &dyn Dialect) -> String {
    use crate::query::{DeleteRequest, InsertRequest, UpdateRequest};
    use write::{delete, insert, select_by_keys, select_keys, update};

    let catalog = fixtures::catalog();
    let limits = Limits::default();
    let film = catalog.table(0);
    let pairs = catalog.table(1);
    let mut out = String::new();
    let mut show = |title: &str, table: &Table, statement: Statement| {
        let _ = writeln!(out, "## {title}\n{}", statement.sql);
        for (index, param) in statement.params.iter().enumerate() {
            let param = match param {
                Param::Column { column, operand } => {
                    format!("{} as {:?}", operand.json(), table.column_name(*column))
                }
                Param::Text(text) => format!("{text:?}"),
                Param::Integer(integer) => integer.to_string(),
                Param::Plain(value) => format!("{value:?}"),
            };
            let _ = writeln!(out, "  {}: {param}", index + 1);
        }
        out.push('\n');
    };
    let rows = InsertRequest::parse(
        film,
        &arguments(&json!({"rows": [
            {"film_id": 7, "title": "Alien", "rating": "R", "code": "AL", "shape": "(1,2)", "available": true},
            {"title": "Heat", "code": "HE", "available": false}
        ]})),
        &limits,
    )
    .expect("valid rows");
    for values in &rows.rows {
        show(
            "an insert that returns the row as stored",
            film,
            insert(dialect, film, values, true),
        );
    }
    show(
        "an insert of a row that gives no column",
        pairs,
        insert(dialect, pairs, &Vec::new(), false),
    );
    let change = UpdateRequest::parse(
        film,
        &arguments(&json!({"where": {"rating": {"gte": "R"}}, "set": {"title": "X", "rating": "PG", "price": null}})),
        &limits,
    )
    .expect("a valid update");
    show(
        "an update that returns the rows as changed",
        film,
        update(dialect, film, &change, true),
    );
    show(
        "the keys of the rows an update will change, locked",
        film,
        select_keys(dialect, film, &change.filter),
    );
    let keys = vec![
        vec![
            pairs.operand(1, &json!(2)).expect("b"),
            pairs.operand(0, &json!(1)).expect("a"),
        ],
        vec![
            pairs.operand(1, &json!(4)).expect("b"),
            pairs.operand(0, &json!(3)).expect("a"),
        ],
    ];
    show(
        "rows read back by their keys",
        pairs,
        select_by_keys(dialect, pairs, &keys),
    );
    let gone = DeleteRequest::parse(
        film,
        &arguments(&json!({"where": {"film_id": {"in": [1, 2]}}, "max_rows": 2})),
        &limits,
    )
    .expect("a valid delete");
    show("a delete", film, delete(dialect, film, &gone));
    out
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_write_statements() {
    insta::assert_snapshot!(write_statements(&crate::backend::sqlite::SqliteDialect));
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_write_statements() {
    insta::assert_snapshot!(write_statements(&crate::backend::postgres::PostgresDialect));
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_write_statements() {
    insta::assert_snapshot!(write_statements(&crate::backend::mysql::MysqlDialect {
        database: "shop".to_owned(),
        returning: false,
    }));
}

/// Every call statement of the fixture routines in `dialect` (SQLite has no stored routines),
/// as text: the statements that
/// set INOUT values first and read OUT values after where the dialect needs them.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn call_statements(dialect: &dyn Dialect) -> String {
    use crate::query::CallRequest;

    let catalog = fixtures::catalog();
    let mut out = String::new();
    let cases = [
        (
            "a function of one value, its default left out",
            0,
            json!({"p_film_id": 7}),
        ),
        (
            "a function of one value, every argument given",
            0,
            json!({"p_film_id": 7, "p_discount": "0.25"}),
        ),
        (
            "a function of rows, in a schema",
            1,
            json!({"p_rating": "PG"}),
        ),
        (
            "a procedure of IN, INOUT and OUT parameters",
            2,
            json!({"p_store": 1, "p_count": 5}),
        ),
        (
            "arguments by position, the last left out",
            3,
            json!({"arg1": 2}),
        ),
        ("arguments by position", 3, json!({"arg1": 2, "arg2": 3})),
        ("a procedure of result sets", 4, json!({"p_film_id": 1})),
    ];
    for (title, index, given) in cases {
        let routine = catalog.routine(index);
        let request = CallRequest::parse(routine, &arguments(&given)).expect("valid arguments");
        // As `call_R` runs them: where OUT values pass through session variables, INOUT ones
        // start there.
        let mut statements = Vec::new();
        if !dialect.names_arguments() {
            statements.extend(call::set_inout(dialect, routine, &request.arguments));
        }
        statements.push(call::call(dialect, routine, &request.arguments, 1001));
        if !dialect.names_arguments() {
            statements.extend(call::select_out(dialect, routine));
        }
        let _ = writeln!(out, "## {title}");
        for statement in statements {
            let _ = writeln!(out, "{}", statement.sql);
            for (position, param) in statement.params.iter().enumerate() {
                let shown = match param {
                    Param::Column { column, operand } => {
                        format!(
                            "{} as {:?}",
                            operand.json(),
                            routine.fields.column_name(*column)
                        )
                    }
                    Param::Text(text) => format!("{text:?}"),
                    Param::Integer(integer) => integer.to_string(),
                    Param::Plain(value) => format!("{value:?}"),
                };
                let _ = writeln!(out, "  {}: {shown}", position + 1);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_call_statements() {
    insta::assert_snapshot!(call_statements(&crate::backend::postgres::PostgresDialect));
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_call_statements() {
    insta::assert_snapshot!(call_statements(&crate::backend::mysql::MysqlDialect {
        database: "shop".to_owned(),
        returning: false,
    }));
}

// --- the caller's identity for row-level security ([auth] db_claims) -----------------------

#[cfg(feature = "postgres")]
#[test]
fn the_claims_are_a_parameter_of_set_config_local_to_the_transaction() {
    let session = SessionSettings {
        claims: Some(r#"{"sub":"alice'); DROP TABLE t; --"}"#.to_owned()),
        role: None,
    };
    let statements =
        session_settings(&crate::backend::postgres::PostgresDialect, &session).unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(
        statements[0].sql,
        "SELECT set_config('request.jwt.claims', $1, true)"
    );
    assert_eq!(
        statements[0].params,
        vec![Param::Text(
            r#"{"sub":"alice'); DROP TABLE t; --"}"#.to_owned()
        )]
    );
}

#[cfg(feature = "postgres")]
#[test]
fn the_role_is_set_local_and_quoted_as_an_identifier() {
    let session = SessionSettings {
        claims: Some("{}".to_owned()),
        role: Some(r#"Reader"; RESET ROLE; --"#.to_owned()),
    };
    let statements =
        session_settings(&crate::backend::postgres::PostgresDialect, &session).unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[1].sql,
        r#"SET LOCAL ROLE "Reader""; RESET ROLE; --""#
    );
    assert!(statements[1].params.is_empty());
}

#[cfg(feature = "postgres")]
#[test]
fn no_settings_make_no_statements() {
    let statements = session_settings(
        &crate::backend::postgres::PostgresDialect,
        &SessionSettings::default(),
    )
    .unwrap();
    assert!(statements.is_empty());
}

#[cfg(feature = "sqlite")]
#[test]
fn another_database_than_postgresql_is_refused_the_claims() {
    let session = SessionSettings {
        claims: Some("{}".to_owned()),
        role: None,
    };
    let error = session_settings(&crate::backend::sqlite::SqliteDialect, &session).unwrap_err();
    assert!(
        error.contains("PostgreSQL") && error.contains("SQLite"),
        "{error}"
    );
}

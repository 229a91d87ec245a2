//! DreamFactory's filter strings: what each syntax reads as (one snapshot), what each mistake
//! and each unsupported request is told (another), and literals read as their columns take
//! values.

use std::fmt::Write as _;

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::fixtures;

/// Every syntax, with what it reads as.
#[test]
fn every_syntax_reads_as_a_json_filter() {
    let cases = [
        "Name = 'AC/DC'",
        "Name == 'AC/DC'",
        "Total != 5",
        "Total <> 5",
        "Total > 5",
        "Total >= 5.5",
        "Total < -1",
        "Total <= 1e3",
        "Total EQ 5",
        "Total ne 5",
        "Total gt 5",
        "Total GTE 5",
        "Total lt 5",
        "Total lte 5",
        "Total=5",
        "(Total > 5) AND (BillingCountry = 'USA')",
        "Total > 5 AND BillingCountry = 'USA' AND BillingCity = 'Boston'",
        "Total > 5 && BillingCountry = 'USA'",
        "(Total > 5) OR (BillingCountry = 'USA')",
        "Total > 5 || BillingCountry = 'USA'",
        "a = 1 OR b = 2 AND c = 3",
        "(a = 1 OR b = 2) AND c = 3",
        "(a = 1) NOR (b = 2)",
        "(a = 1) XOR (b = 2)",
        "a = 1 XOR b = 2 XOR c = 3",
        "NOT (a = 1)",
        "NOT(a = 1 OR b = 2)",
        "NOT a = 1",
        "Name NOT = 'x'",
        "Name NOT LIKE 'A%'",
        "GenreId IN (1, 2, 3)",
        "GenreId IN [1,2]",
        "GenreId NOT IN (1, 2)",
        "Country IN ('USA', 'Canada')",
        "GenreId IN ()",
        "Name LIKE 'A%'",
        "Name like '%rock\\_n\\_roll%'",
        "Name ILIKE 'a%'",
        "Name CONTAINS 'Rock'",
        "Name CONTAINS '50%_off\\'",
        "Name STARTS WITH 'The'",
        "Name ENDS WITH 'Blues'",
        "Name starts with The",
        "Total BETWEEN 1 AND 2",
        "InvoiceDate BETWEEN '2009-01-01' AND '2009-12-31'",
        "Total NOT BETWEEN 1 AND 2",
        "Composer IS NULL",
        "Composer IS NOT NULL",
        "Composer is not null",
        "Composer = null",
        "Composer != NULL",
        "Name = 'O''Brien'",
        "Name = \"double quoted\"",
        "\"Unit Price\" > 1",
        "`Unit Price` > 1",
        "`we``ird` = 1",
        "Active = true",
        "Active = FALSE",
        "InvoiceDate >= 2009-01-01",
        "Country = USA",
        "Big = 123456789012345678901234567890",
        "Small = 18446744073709551615",
        "Ünïcode = 'ß'",
        "   ",
    ];
    let mut out = String::new();
    for case in cases {
        let read = match parse(case) {
            Ok(Some(value)) => value.to_string(),
            Ok(None) => "(no filter)".to_owned(),
            Err(error) => panic!("{case:?} is refused: {error}"),
        };
        let _ = writeln!(out, "{case}\n  {read}\n");
    }
    insta::assert_snapshot!(out);
}

/// Every mistake and every unsupported request, with its message.
#[test]
fn mistakes_and_unsupported_requests_are_explained() {
    let long = "a = 1 AND ".repeat(1100);
    let deep = format!("{}a = 1{}", "(".repeat(40), ")".repeat(40));
    let xors = (0..12)
        .map(|i| format!("c{i} = 1"))
        .collect::<Vec<_>>()
        .join(" XOR ");
    let many: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
    let big_in = format!("a IN ({})", many.join(","));
    let cases: Vec<String> = [
        "Name",
        "Name =",
        "Name = 'unterminated",
        "\"Name = 1",
        "`Name = 1",
        "Name ~ 'x'",
        "Name ! 'x'",
        "Name & 'x'",
        "Name = :name",
        ":name = 1",
        "Name IN (:a, :b)",
        "Total > NULL",
        "Total BETWEEN NULL AND 3",
        "Total BETWEEN 1 OR 3",
        "Total BETWEEN 1",
        "GenreId IN (1, NULL)",
        "GenreId IN 1, 2",
        "GenreId IN (1 2)",
        "GenreId IN (1,",
        "GenreId ALL (1, 2)",
        "Tags DOES EXIST",
        "Name STARTS 'A'",
        "Name ENDS",
        "Name LIKE NULL",
        "Name IS 'x'",
        "Name IS NOT 'x'",
        "Name NOT IS NULL",
        "Name SOUNDS LIKE 'x'",
        "Name = `Title`",
        "'Name' = 1",
        "= 1",
        "AND a = 1",
        "a = 1 AND",
        "a = 1 b = 2",
        "(a = 1",
        "(a = 1))",
        "(a = 1 b)",
        "a = 1 OR b = 2 NOR c = 3",
        "a = 1 XOR b = 2 OR c = 3",
        "a = AND",
        "NOT",
        "a = (1)",
        "a = 1,",
    ]
    .iter()
    .map(|case| (*case).to_owned())
    .chain([long, deep, xors, big_in])
    .collect();
    let mut out = String::new();
    for case in cases {
        let error = match parse(&case) {
            Ok(read) => panic!("{case:?} is read as {read:?}"),
            Err(error) => error,
        };
        let shown = shortened(&case);
        let _ = writeln!(out, "{shown}\n  {error}\n");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn orders_read_as_columns_and_directions() {
    assert_eq!(
        parse_order("Name ASC, \"Unit Price\" desc, `x`, Total").unwrap(),
        vec![
            ("Name".to_owned(), false),
            ("Unit Price".to_owned(), true),
            ("x".to_owned(), false),
            ("Total".to_owned(), false),
        ]
    );
    assert_eq!(parse_order("  ").unwrap(), vec![]);
    for (bad, message) in [
        (
            "Name ASC DESC",
            "Invalid order at character 10: expected `,`, ASC or DESC, found `DESC`; write it as `column ASC, column2 DESC`",
        ),
        (
            "Name,,",
            "Invalid order at character 6: expected a column, found `,`; write it as `column ASC, column2 DESC`",
        ),
        (
            "'Name'",
            "Invalid order at character 1: expected a column, found 'Name'; write it as `column ASC, column2 DESC`",
        ),
        (
            "\"Name",
            "Invalid or unparsable order at character 1: the text quoted with \" there has no closing \" (write a \" inside it as \"\")",
        ),
    ] {
        assert_eq!(parse_order(bad).unwrap_err().to_string(), message, "{bad}");
    }
}

/// Literals are read as their columns take values, and column names match ignoring case; the
/// filter reader then checks the result like any `where`.
#[test]
fn literals_are_read_as_their_columns_take_values() {
    let catalog = fixtures::catalog();
    let film = catalog.table(0);
    let read_as = |text: &str| {
        let mut value = parse(text).unwrap().unwrap();
        read_literals(film, &mut value);
        value
    };
    assert_eq!(read_as("FILM_ID = '7'"), json!({"film_id": {"eq": 7}}));
    assert_eq!(
        read_as("film_id IN ('1', 2)"),
        json!({"film_id": {"in": [1, 2]}})
    );
    assert_eq!(read_as("title = 42"), json!({"title": {"eq": "42"}}));
    assert_eq!(
        read_as("available = 'TRUE' OR available = 0"),
        json!({"or": [{"available": {"eq": true}}, {"available": {"eq": false}}]})
    );
    assert_eq!(read_as("price > 1.5"), json!({"price": {"gt": 1.5}}));
    assert_eq!(
        read_as("released >= 2024-01-31"),
        json!({"released": {"gte": "2024-01-31"}})
    );
    assert_eq!(read_as("nope = '1'"), json!({"nope": {"eq": "1"}}));
    assert!(
        read(film, "film_id = 1 AND title CONTAINS 'x'")
            .unwrap()
            .is_some()
    );
    assert!(read(film, "").unwrap().is_none());
    assert_eq!(
        read(film, "nope = 1").unwrap_err().to_string(),
        "Invalid filter: filter.nope: table \"film\" has no column \"nope\"; its columns are film_id, title, rating, code, features, shape, status, price, released, available, slug (or and, or, not) (as read: {\"nope\":{\"eq\":1}})"
    );
    assert_eq!(
        read(film, "film_id = 'one'").unwrap_err().to_string(),
        "Invalid filter: filter.film_id.eq: column \"film_id\" takes integer values; got \"one\" (invalid type: string \"one\", expected i32) (as read: {\"film_id\":{\"eq\":\"one\"}})"
    );
}

proptest! {
    /// Whatever the text, reading it ends in a filter or an error, never a panic, and a filter
    /// read from it is one the filter reader accepts or refuses with a message.
    #[test]
    fn any_text_reads_or_is_refused(text in "[a-zA-Z0-9_ ()\\[\\],'\"`=<>!&|:.%\\-]{0,80}") {
        let catalog = fixtures::catalog();
        let film = catalog.table(0);
        let _ = read(film, &text);
        let _ = parse_order(&text);
    }

    /// Keywords, names and values in any order never make the reader panic.
    #[test]
    fn any_words_read_or_are_refused(words in proptest::collection::vec(
        prop_oneof![
            Just("AND"), Just("OR"), Just("NOR"), Just("XOR"), Just("NOT"), Just("("), Just(")"),
            Just("IN"), Just("LIKE"), Just("BETWEEN"), Just("IS"), Just("NULL"), Just("STARTS"),
            Just("WITH"), Just("="), Just(">="), Just("title"), Just("film_id"), Just("'x'"),
            Just("1"), Just(","), Just("CONTAINS"), Just(":p"), Just("["), Just("]"),
        ],
        0..30,
    )) {
        let catalog = fixtures::catalog();
        let film = catalog.table(0);
        let _ = read(film, &words.join(" "));
    }
}

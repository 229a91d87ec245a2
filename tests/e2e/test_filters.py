"""`where` filters: each operator, a bare value, a bare null, and/or/not, gives the rows the
equivalent SQL gives in sqlite3, through `list_T` (every page) and `count_T` alike
(CONTRACT.md section 3, FILTER).

`like` is case-sensitive and `ilike` is not, as in PostgreSQL and PostgREST; the SQL side
runs with `PRAGMA case_sensitive_like = ON` and spells `ilike` as `lower(x) LIKE lower(p)`.
"""

from __future__ import annotations

from typing import Any

import pytest

import database
from clients import run
from database import assert_same_rows, expected_row, quote, received_row, snake_case

# name: (table, where, SQL condition)
SAMPLE_FILTERS: dict[str, tuple[str, dict[str, Any], str]] = {
    "eq-text": ("books", {"genre": {"eq": "poetry"}}, "genre = 'poetry'"),
    "bare-value-means-eq": ("books", {"genre": "poetry"}, "genre = 'poetry'"),
    "eq-integer": ("books", {"pages": {"eq": 432}}, "pages = 432"),
    "eq-numeric": ("books", {"price": {"eq": "12.00"}}, "price = 12.00"),
    "eq-date": ("books", {"published": "1813-01-28"}, "published = '1813-01-28'"),
    "eq-boolean": ("books", {"in_stock": False}, "in_stock = 0"),
    "ne-excludes-nulls": ("books", {"genre": {"ne": "fiction"}}, "genre <> 'fiction'"),
    "gt-integer": ("books", {"pages": {"gt": 500}}, "pages > 500"),
    "gte-numeric": ("books", {"price": {"gte": "12.95"}}, "price >= 12.95"),
    "lt-date": ("books", {"published": {"lt": "1850-01-01"}}, "published < '1850-01-01'"),
    "lte-integer": ("books", {"pages": {"lte": 249}}, "pages <= 249"),
    "two-operators-on-one-column": ("books", {"pages": {"gte": 200, "lt": 300}}, "pages >= 200 AND pages < 300"),
    "in": ("books", {"genre": {"in": ["poetry", "children"]}}, "genre IN ('poetry', 'children')"),
    "in-integers": ("book_authors", {"author_id": {"in": [1, 9, 11]}}, "author_id IN (1, 9, 11)"),
    "in-empty-matches-nothing": ("books", {"genre": {"in": []}}, "0"),
    "nin-excludes-nulls": ("books", {"genre": {"nin": ["fiction", "history"]}}, "genre NOT IN ('fiction', 'history')"),
    "like-is-case-sensitive": ("books", {"title": {"like": "%the%"}}, "title LIKE '%the%'"),
    "like-prefix": ("books", {"title": {"like": "The %"}}, "title LIKE 'The %'"),
    "like-underscore-is-one-character": ("books", {"isbn": {"like": "97801414397_8"}}, "isbn LIKE '97801414397_8'"),
    "like-escaped-percent-matches-nothing": ("books", {"title": {"like": "%\\%%"}}, "title LIKE '%\\%%' ESCAPE '\\'"),
    "ilike-ignores-case": ("books", {"title": {"ilike": "%THE%"}}, "lower(title) LIKE lower('%THE%')"),
    "is-null-true": ("books", {"isbn": {"is_null": True}}, "isbn IS NULL"),
    "is-null-false": ("books", {"pages": {"is_null": False}}, "pages IS NOT NULL"),
    "bare-null-means-is-null": ("books", {"genre": None}, "genre IS NULL"),
    "keys-and-together": ("books", {"genre": "fiction", "in_stock": True}, "genre = 'fiction' AND in_stock = 1"),
    "and": ("books", {"and": [{"genre": "fiction"}, {"pages": {"gt": 400}}]}, "genre = 'fiction' AND pages > 400"),
    "or": ("books", {"or": [{"genre": "poetry"}, {"price": {"lt": "6.00"}}]}, "genre = 'poetry' OR price < 6.00"),
    "not": ("books", {"not": {"in_stock": True}}, "NOT (in_stock = 1)"),
    "not-keeps-rows-where-the-condition-is-null": ("books", {"not": {"genre": "fiction"}}, "(genre = 'fiction') IS NOT 1"),
    "nested-and-or-not": (
        "books",
        {"or": [{"and": [{"genre": "children"}, {"price": {"lt": "6"}}]}, {"not": {"or": [{"pages": {"lt": 800}}, {"pages": None}]}}]},
        "(genre = 'children' AND price < 6) OR NOT (pages < 800 OR pages IS NULL)",
    ),
    "filter-on-a-composite-key-table": ("book_authors", {"role": "editor", "book_id": {"gte": 21}}, "role = 'editor' AND book_id >= 21"),
    "eq-datetime": ("orders", {"ordered_at": "2024-01-08T15:44:00"}, "ordered_at = '2024-01-08 15:44:00'"),
    "lt-datetime": ("customers", {"joined_at": {"lt": "2022-07-14T13:20:05"}}, "joined_at < '2022-07-14 13:20:05'"),
    "gt-real": ("customers", {"rating": {"gt": 4.5}}, "rating > 4.5"),
    "like-non-ascii": ("orders", {"note": {"like": "%📦"}}, "note LIKE '%📦'"),
    "filter-on-a-table-without-key": ("stock_events", {"book_id": None, "change": {"lt": 0}}, "book_id IS NULL AND change < 0"),
    "filter-on-a-view": ("book_sales", {"title": {"like": "The %"}}, "title LIKE 'The %'"),
    "date-range-on-authors": ("authors", {"born": {"gte": "1800-01-01", "lt": "1830-01-01"}}, "born >= '1800-01-01' AND born < '1830-01-01'"),
}

CHINOOK_FILTERS: dict[str, tuple[str, dict[str, Any], str]] = {
    "eq-datetime": ("Invoice", {"InvoiceDate": "2021-01-01T00:00:00"}, "\"InvoiceDate\" = '2021-01-01 00:00:00'"),
    "gte-datetime": ("Invoice", {"InvoiceDate": {"gte": "2025-06-01T00:00:00"}}, "\"InvoiceDate\" >= '2025-06-01 00:00:00'"),
    "eq-numeric": ("Track", {"UnitPrice": "1.99"}, '"UnitPrice" = 1.99'),
    "gt-numeric": ("Invoice", {"Total": {"gt": "15"}}, '"Total" > 15'),
    "lt-integer": ("Track", {"Milliseconds": {"lt": 60000}}, '"Milliseconds" < 60000'),
    "in": ("Track", {"GenreId": {"in": [2, 3, 25]}}, '"GenreId" IN (2, 3, 25)'),
    "nin": ("Track", {"MediaTypeId": {"nin": [1]}}, '"MediaTypeId" NOT IN (1)'),
    "like-is-case-sensitive": ("Track", {"Composer": {"like": "%jagger%"}}, "\"Composer\" LIKE '%jagger%'"),
    "like": ("Track", {"Composer": {"like": "%Jagger%"}}, "\"Composer\" LIKE '%Jagger%'"),
    "ilike": ("Track", {"Composer": {"ilike": "%JAGGER%"}}, "lower(\"Composer\") LIKE lower('%JAGGER%')"),
    "bare-null": ("Track", {"Composer": None}, '"Composer" IS NULL'),
    "ne-text": ("Customer", {"Country": {"ne": "USA"}}, "\"Country\" <> 'USA'"),
    "or-across-columns": ("Customer", {"or": [{"Company": {"is_null": False}}, {"State": "CA"}]}, "\"Company\" IS NOT NULL OR \"State\" = 'CA'"),
    "not-on-a-nullable-column": ("Customer", {"not": {"State": {"in": ["CA", "WA"]}}}, "(\"State\" IN ('CA', 'WA')) IS NOT 1"),
}


async def assert_filter_matches_sql(session: Any, server: Any, table: str, where: dict[str, Any], condition: str) -> None:
    relation = server.relations[table]
    tool_base = snake_case(table)
    rows, _ = await session.page_through(f"list_{tool_base}", {"where": where, "limit": 100})
    expected = database.query(server.database, f"SELECT * FROM {quote(table)} WHERE {condition}", case_sensitive_like=True)
    assert_same_rows(
        [received_row(relation, row) for row in rows],
        [expected_row(relation, row) for row in expected],
        f"list_{tool_base} where {where} vs SQL WHERE {condition}",
    )
    counted = await session.call(f"count_{tool_base}", {"where": where})
    assert counted["count"] == len(expected), f"count_{tool_base} where {where}"


@pytest.mark.parametrize("table, where, condition", SAMPLE_FILTERS.values(), ids=SAMPLE_FILTERS.keys())
def test_sample_filter_gives_the_rows_of_its_sql(sample_server, connect, table, where, condition):
    async def check():
        async with connect(sample_server, "http") as session:
            await assert_filter_matches_sql(session, sample_server, table, where, condition)

    run(check)


@pytest.mark.parametrize("table, where, condition", CHINOOK_FILTERS.values(), ids=CHINOOK_FILTERS.keys())
def test_chinook_filter_gives_the_rows_of_its_sql(chinook_live_server, connect, table, where, condition):
    async def check():
        async with connect(chinook_live_server, "http") as session:
            await assert_filter_matches_sql(session, chinook_live_server, table, where, condition)

    run(check)


def assert_cases_select_some_rows(path, cases) -> None:
    """A case whose SQL matches every row or none (unless its name says so) proves nothing."""
    for name, (table, _where, condition) in cases.items():
        matched = database.count(path, f"SELECT COUNT(*) FROM {quote(table)} WHERE {condition}")
        total = database.count(path, f"SELECT COUNT(*) FROM {quote(table)}")
        if name.endswith("matches-nothing"):
            assert matched == 0, name
        else:
            assert 0 < matched < total, f"{name}: its SQL matches {matched} of {total} rows"


def test_sample_filter_cases_select_some_but_not_all_rows(sample_db):
    assert_cases_select_some_rows(sample_db, SAMPLE_FILTERS)


def test_chinook_filter_cases_select_some_but_not_all_rows(chinook_db):
    assert_cases_select_some_rows(chinook_db, CHINOOK_FILTERS)



def test_ilike_ignores_the_case_of_non_ascii_letters(chinook_live_server, connect):
    async def check():
        async with connect(chinook_live_server, "http") as session:
            rows, _ = await session.page_through("list_artist", {"where": {"Name": {"ilike": "%MÖTLEY%"}}, "limit": 100})
            names = [row["Name"] for row in database.query(chinook_live_server.database, 'SELECT "Name" FROM "Artist"')]
            expected = sorted(n for n in names if n is not None and "mötley" in n.casefold())
            assert expected, "the oracle finds no artist"
            assert sorted(row["Name"] for row in rows) == expected

    run(check)


def test_a_view_computed_number_filters_numerically(sample_server, connect):
    async def check():
        async with connect(sample_server, "http") as session:
            counted = await session.call("count_book_sales", {"where": {"copies": {"gte": 8}}})
            assert counted["count"] == database.count(sample_server.database, "SELECT COUNT(*) FROM book_sales WHERE copies >= 8")

    run(check)

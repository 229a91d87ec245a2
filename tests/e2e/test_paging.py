"""Paging with `limit` and `cursor`: through a whole table, every row comes exactly once, in
the order `order_by` asks for, whatever the page size (CONTRACT.md section 3)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

import database
from clients import run
from database import quote

TRACKS = 3503


def assert_every_row_once(received: list[Any], expected: list[Any], what: str) -> None:
    repeated = sorted(key for key, n in Counter(received).items() if n > 1)
    assert not repeated, f"{what}: {len(repeated)} rows came more than once, e.g. {repeated[:10]}"
    missing = sorted(set(expected) - set(received))
    assert not missing, f"{what}: {len(missing)} rows never came, e.g. {missing[:10]}"
    extra = sorted(set(received) - set(expected))
    assert not extra, f"{what}: rows that are not in the table: {extra[:10]}"


def assert_sorted_with_nulls_together(values: list[Any], descending: bool, what: str) -> None:
    """Non-NULL values in order; NULLs all at one end (CONTRACT.md leaves which one open)."""
    nulls = [i for i, value in enumerate(values) if value is None]
    if nulls:
        at_start = nulls == list(range(len(nulls)))
        at_end = nulls == list(range(len(values) - len(nulls), len(values)))
        assert at_start or at_end, f"{what}: NULLs are not all at one end (positions {nulls[:10]}...)"
    present = [value for value in values if value is not None]
    assert present == sorted(present, reverse=descending), f"{what}: values out of {'descending' if descending else 'ascending'} order"


# --- Chinook's Track table: 3,503 rows ---------------------------------------------------------

@pytest.mark.parametrize("limit", [1000, 7])
def test_paging_through_track_returns_every_track_once(chinook_live_server, connect, limit):
    server = chinook_live_server

    async def check():
        async with connect(server, "http") as session:
            rows, pages = await session.page_through("list_track", {"limit": limit, "columns": ["TrackId"]})
            assert pages == math.ceil(TRACKS / limit)
            ids = [row["TrackId"] for row in rows]
            expected = [row["TrackId"] for row in database.query(server.database, 'SELECT "TrackId" FROM "Track"')]
            assert len(expected) == TRACKS
            assert_every_row_once(ids, expected, f"list_track limit {limit}")

    run(check)


TRACK_ORDERS = {
    # Composer: 977 NULLs and many duplicates; GenreId: 25 values over 3,503 rows;
    # UnitPrice: NUMERIC with two values.
    "Composer-desc-limit-1000": ("Composer", "desc", 1000),
    "Composer-desc-limit-7": ("Composer", "desc", 7),
    "Composer-asc-limit-100": ("Composer", "asc", 100),
    "GenreId-asc-limit-1000": ("GenreId", "asc", 1000),
    "GenreId-asc-limit-7": ("GenreId", "asc", 7),
    "UnitPrice-desc-limit-100": ("UnitPrice", "desc", 100),
}


@pytest.mark.parametrize("column, direction, limit", TRACK_ORDERS.values(), ids=TRACK_ORDERS.keys())
def test_paging_through_track_in_order_returns_every_track_once(chinook_live_server, connect, column, direction, limit):
    server = chinook_live_server

    async def check():
        async with connect(server, "http") as session:
            arguments = {"limit": limit, "columns": ["TrackId", column], "order_by": [{"column": column, "direction": direction}]}
            rows, _ = await session.page_through("list_track", arguments)
            what = f"list_track by {column} {direction}, limit {limit}"
            expected = [row["TrackId"] for row in database.query(server.database, 'SELECT "TrackId" FROM "Track"')]
            assert_every_row_once([row["TrackId"] for row in rows], expected, what)
            declared = server.relations["Track"].column(column).declared_type
            values = [database.sortable(declared, row[column]) for row in rows]
            assert_sorted_with_nulls_together(values, direction == "desc", what)

    run(check)


def test_a_limit_above_the_cap_returns_a_page_of_the_cap(chinook_live_server, connect):
    """CONTRACT.md: `limit` is capped by config (default cap 1000), not refused."""

    async def check():
        async with connect(chinook_live_server, "http") as session:
            result = await session.call_raw("list_track", {"limit": 5000, "columns": ["TrackId"]})
            assert not result.is_error, result.content
            assert len(result.structured_content["rows"]) == 1000
            assert result.structured_content["next_cursor"]

    run(check)


def test_paging_with_a_filter_returns_exactly_the_matching_tracks(chinook_live_server, connect):
    server = chinook_live_server

    async def check():
        async with connect(server, "http") as session:
            where = {"GenreId": {"in": [1, 3]}, "Composer": {"is_null": False}}
            arguments = {"where": where, "limit": 50, "columns": ["TrackId"], "order_by": [{"column": "Composer", "direction": "desc"}]}
            rows, _ = await session.page_through("list_track", arguments)
            expected = database.query(
                server.database, 'SELECT "TrackId" FROM "Track" WHERE "GenreId" IN (1, 3) AND "Composer" IS NOT NULL'
            )
            assert_every_row_once([r["TrackId"] for r in rows], [r["TrackId"] for r in expected], "filtered list_track")

    run(check)


# --- the sample database ---------------------------------------------------------------------

SAMPLE_ORDERS = {
    "books-by-price-desc": ("books", [("price", "desc")], 1),  # NUMERIC with ties, a page per row
    "books-by-genre-asc": ("books", [("genre", "asc")], 4),  # NULLs and ties
    "books-by-genre-desc-then-pages-asc": ("books", [("genre", "desc"), ("pages", "asc")], 2),
    "authors-by-born-desc": ("authors", [("born", "desc")], 5),  # DATE with NULLs
    "authors-by-country-asc": ("authors", [("country", "asc")], 1),
    "book-authors-by-role": ("book_authors", [("role", "asc")], 5),  # composite key
    "customers-by-rating-desc": ("customers", [("rating", "desc")], 3),  # REAL with NULLs
    "orders-by-ordered-at-desc": ("orders", [("ordered_at", "desc")], 7),  # DATETIME
    "order-items-by-unit-price": ("order_items", [("unit_price", "asc")], 9),  # composite key, NUMERIC ties
    "stock-events-by-change": ("stock_events", [("change", "asc")], 4),  # no key: the row id, two equal rows
    "stock-events-by-book-desc": ("stock_events", [("book_id", "desc")], 3),  # no key, NULLs
    "book-sales-by-title": ("book_sales", [("title", "asc")], 4),  # a view: no key at all
}


@pytest.mark.parametrize("table, order, limit", SAMPLE_ORDERS.values(), ids=SAMPLE_ORDERS.keys())
def test_paging_through_a_sample_table_in_order_returns_every_row_once(sample_server, connect, table, order, limit):
    server = sample_server
    relation = server.relations[table]

    async def check():
        async with connect(server, "http") as session:
            arguments = {"limit": limit, "order_by": [{"column": c, "direction": d} for c, d in order]}
            rows, pages = await session.page_through(f"list_{database.snake_case(table)}", arguments)
            total = database.count(server.database, f"SELECT COUNT(*) FROM {quote(table)}")
            assert pages == math.ceil(total / limit)
            # Whole rows: tables without a key may hold equal rows, which must come as often.
            database.assert_same_rows(
                [database.received_row(relation, row) for row in rows],
                [database.expected_row(relation, row) for row in database.query(server.database, f"SELECT * FROM {quote(table)}")],
                f"list_{table} {order}",
            )
            first, direction = order[0]
            values = [database.sortable(relation.column(first).declared_type, row[first]) for row in rows]
            assert_sorted_with_nulls_together(values, direction == "desc", f"list_{table} by {first}")

    run(check)



def test_ordering_a_view_by_a_computed_number_sorts_numerically(sample_server, connect):
    async def check():
        async with connect(sample_server, "http") as session:
            rows, _ = await session.page_through("list_book_sales", {"order_by": [{"column": "revenue", "direction": "desc"}], "limit": 100})
            expected = database.query(sample_server.database, "SELECT title FROM book_sales ORDER BY revenue DESC")
            assert [row["title"] for row in rows] == [row["title"] for row in expected]

    run(check)

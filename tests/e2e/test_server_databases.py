"""PostgreSQL, MariaDB/MySQL and SQLite end to end: real datasets (Chinook in both servers,
Pagila and jOOQ's Sakila port in PostgreSQL, Sakila in MariaDB), a table of every type,
identifier edge cases, and a view made slow on demand (the statement time limit), each in a
database of its own. `mcpgen generate` runs on the live database and on the DDL file; the live
crate is built and served over stdio to the official Python SDK client, and every table's list,
get and count must give the rows and values that psycopg/PyMySQL/sqlite3 read from the
database itself. The DDL file must give the same table modules as the live database.

The servers skip when absent, and fail instead when MCPGEN_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

import server_databases as sd
from clients import open_session, run, stdio_parameters
from datasets import DATASET_LIST

IDENTIFIER_DATASETS = {"pg_identifiers", "my_identifiers", "lite_identifiers"}
"""Their tool names are the generator's to choose (collisions, truncation, non-ASCII): the
tests take them from `list_tables`. Elsewhere they must be CONTRACT.md's snake_case `T`."""
TOOL_NAME = re.compile(r"^[a-z0-9_]{1,64}$")

LABELS = [d.label for d in DATASET_LIST]


def _served(relations: dict[str, sd.RelationInfo]) -> dict[str, sd.RelationInfo]:
    """What mcpgen serves of a database's relations: the derive needs a name to query by, so
    a relation with an empty name is left out, and so is a column with an empty name, with
    the primary key that uses it (README, "Names")."""
    served = {}
    for key, relation in relations.items():
        if relation.name == "" or relation.schema == "":
            continue
        columns = tuple(column for column in relation.columns if column.name != "")
        if not columns:
            continue
        primary_key = relation.primary_key if all(relation.primary_key) else ()
        served[key] = dataclasses.replace(relation, columns=columns, primary_key=primary_key)
    return served


def _received_row(relation: sd.RelationInfo, row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: sd.received(relation.column(name).category, value) if any(c.name == name for c in relation.columns) else ("no such column", value)
        for name, value in row.items()
    }


def _assert_same_rows(received: list[dict[str, Any]], expected: list[dict[str, Any]], what: str) -> None:
    got, want = Counter(map(sd.row_key, received)), Counter(map(sd.row_key, expected))
    if got == want:
        return
    missing, extra = list((want - got).elements()), list((got - want).elements())
    lines = [f"{what}: received {len(received)} rows, expected {len(expected)}; {len(missing)} missing, {len(extra)} unexpected"]
    lines += [f"  missing:    {row[:400]}" for row in missing[:4]]
    lines += [f"  unexpected: {row[:400]}" for row in extra[:4]]
    raise AssertionError("\n".join(lines))


@pytest.mark.parametrize("label", LABELS)
def test_every_table_lists_counts_and_gets_what_the_database_holds(label: str, served: Any) -> None:
    target = served(label)
    relations = _served(target.database.relations())

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            names = list(session.tools)
            assert len(names) == len(set(names)), "tool names repeat"
            assert all(TOOL_NAME.match(name) for name in names), [n for n in names if not TOOL_NAME.match(n)]
            listed = (await session.call("list_tables"))["tables"]
            default_schema = {"postgres": "public", "sqlite": "main"}.get(target.dataset.dialect, target.database.name)
            by_name = {
                (None if entry["schema"] == default_schema else entry["schema"], entry["name"]): entry for entry in listed
            }
            assert len(by_name) == len(listed) == len(relations), (
                f"list_tables lists {sorted(by_name, key=str)}; the database has {sorted(((r.schema, r.name) for r in relations.values()), key=str)}"
            )
            served_tools = {"list_tables", "describe_table"}
            for base, relation in relations.items():
                entry = by_name.get((relation.schema, relation.name))
                assert entry is not None, f"list_tables does not list {relation.schema}.{relation.name}"
                tools = {tool.split("_", 1)[0]: tool for tool in entry["tools"]}
                served_tools |= set(entry["tools"])
                assert set(tools) == ({"list", "count", "get"} if relation.primary_key else {"list", "count"}), entry
                if label not in IDENTIFIER_DATASETS:
                    assert tools["list"] == f"list_{base}", entry
                expected = target.database.rows(relation)
                rows, _pages = await session.page_through(tools["list"], {"limit": 1000})
                _assert_same_rows([_received_row(relation, r) for r in rows], expected, tools["list"])
                count = await session.call(tools["count"])
                assert count == {"count": target.database.count(relation)}, tools["count"]
                if relation.primary_key and expected:
                    for row in (expected[0], expected[len(expected) // 2], expected[-1]):
                        key_row = next(r for r in rows if _received_row(relation, r) == row)
                        arguments = {c: key_row[c] for c in relation.primary_key}
                        got = await session.call(tools["get"], arguments)
                        assert got["row"] == key_row, f"{tools['get']}({arguments})"
                for column in relation.columns[:3]:
                    # Every column can be filtered on and sorted by, whatever its name.
                    value = next((r[column.name] for r in rows if r[column.name] is not None), None)
                    if value is None or column.category in ("json", "fallback") or column.category.startswith("array:"):
                        continue
                    arguments = {"where": {column.name: value}}
                    if column.category != "bytes":  # binary columns are filtered, not sorted
                        arguments["order_by"] = [{"column": column.name, "direction": "desc"}]
                    found = await session.call(tools["list"], arguments)
                    assert found["rows"], f"{tools['list']} where {column.name} = {value!r} finds nothing"
            if "list_routines" in session.tools:  # test_routines.py checks each
                routines = (await session.call("list_routines"))["routines"]
                served_tools |= {"list_routines"} | {routine["tool"] for routine in routines}
            assert set(session.tools) == served_tools, f"tools list_tables does not mention: {sorted(set(session.tools) - served_tools)}"

    run(check)


@pytest.mark.parametrize("label", LABELS)
def test_the_ddl_file_generates_the_same_table_and_routine_modules_as_the_live_database(label: str, served: Any) -> None:
    target = served(label)
    for kind in ("tables", "routines"):
        _assert_same_modules(target.live_crate / "src" / kind, target.ddl_crate / "src" / kind)


def _assert_same_modules(live: Path, ddl: Path) -> None:
    if not live.exists() and not ddl.exists():
        return
    assert live.is_dir() and ddl.is_dir(), f"{live} exists: {live.is_dir()}; {ddl} exists: {ddl.is_dir()}"
    comparison = filecmp.dircmp(live, ddl)

    def text(path: Path) -> str:
        # mod.rs begins with the name of the database or file the crate was made from.
        lines = path.read_text().splitlines()
        return "\n".join(lines[1:] if path.name == "mod.rs" else lines)

    differing = [name for name in comparison.common_files if text(live / name) != text(ddl / name)]
    assert not comparison.left_only and not comparison.right_only and not differing, (
        f"live only: {comparison.left_only}; DDL only: {comparison.right_only}; differing: {differing}"
    )


@pytest.mark.parametrize("label", ["pg_types", "my_types"])
def test_every_value_goes_back_into_a_filter_and_finds_its_row(label: str, served: Any) -> None:
    """The round trip of every type: each value the server sends, sent back as an `eq`
    filter on its column, finds the row it came from (and `in` does too)."""
    target = served(label)
    relation = target.database.relations()["all_types"]

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            rows, _ = await session.page_through("list_all_types", {"limit": 1000})
            assert len(rows) >= 3, "the types table has its rows"
            problems = []
            for row in rows:
                for column in relation.columns:
                    value = row[column.name]
                    if value is None or column.category in ("json", "fallback") or column.category.startswith("array:"):
                        continue
                    found = await session.call("list_all_types", {"where": {column.name: {"eq": value}, "id": row["id"]}})
                    if len(found["rows"]) != 1:
                        problems.append(f"{column.name} ({column.type_name}) = {value!r} finds {len(found['rows'])} rows")
            assert not problems, "\n".join(problems)

    run(check)


def test_partitions_of_a_partitioned_table_get_no_tools(served: Any) -> None:
    target = served("pagila")

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            assert "list_payment" in session.tools
            partitions = [name for name in session.tools if name.startswith("list_payment_p")]
            assert not partitions, f"partitions served as tables: {partitions}"

    run(check)


SLOW_DOWN = {
    "pg_limits": ("UPDATE delay SET seconds = 60", "UPDATE delay SET seconds = 0"),
    "my_limits": ("UPDATE delay SET seconds = 60", "UPDATE delay SET seconds = 0"),
    # Hours of counting.
    "lite_limits": ("UPDATE delay SET steps = 100000000000", "UPDATE delay SET steps = 0"),
}


@pytest.mark.parametrize("label", sorted(SLOW_DOWN))
def test_a_statement_past_the_time_limit_is_stopped_and_the_call_says_so(label: str, served: Any, tmp_path: Path) -> None:
    """limits.statement_timeout_ms: the database (SQLite: the server) stops the statement; the
    call fails with a message that says why, and the next call on the same server works."""
    target = served(label)
    config = tmp_path / "mcpgen.toml"
    config.write_text("[limits]\nstatement_timeout_ms = 300\n")
    slow_down, restore = SLOW_DOWN[label]

    async def check() -> None:
        parameters = stdio_parameters(str(target.binary), target.database.url, "--config", str(config))
        async with open_session(parameters) as session:
            assert (await session.call("list_slow"))["rows"], "the view reads at full speed"
            target.database.run_script(slow_down)
            try:
                for tool in ("list_slow", "count_slow"):
                    message = await session.call_error(tool, {})
                    assert "ran longer than this server allows (300 ms" in message, message
                    assert "statement_timeout_ms" in message, message
                assert (await session.call("count_delay")) == {"count": 1}, "the server serves on after a timeout"
            finally:
                target.database.run_script(restore)
            assert (await session.call("count_slow")) == {"count": 1}

    run(check)


MPAA_RATINGS = ["G", "PG", "PG-13", "R", "NC-17"]
"""film.rating's enum type in Pagila (PostgreSQL `mpaa_rating`) and Sakila (MySQL `ENUM`), in
declaration order, which is not alphabetical."""


async def _films_sorted_by(session: Any, column: str, direction: str) -> list[dict[str, Any]]:
    """Every film, paged 100 at a time sorted by `column`; asserts each comes exactly once."""
    total = (await session.call("count_film"))["count"]
    rows, pages = await session.page_through(
        "list_film",
        {"order_by": [{"column": column, "direction": direction}], "limit": 100, "columns": ["film_id", column]},
    )
    assert pages > 1
    ids = [row["film_id"] for row in rows]
    assert len(ids) == len(set(ids)) == total, f"{column} {direction}: {len(ids)} rows, {len(set(ids))} distinct, of {total}"
    return rows


@pytest.mark.parametrize("label", ["pagila", "sakila_my"])
def test_an_enum_column_sorts_pages_and_compares_in_declaration_order(label: str, served: Any) -> None:
    """As the database sorts an enum type: `order_by` follows the declared order, paging by it
    returns every row once, and gt/gte/lt/lte compare in the same order."""
    target = served(label)

    def rank(row: dict[str, Any]) -> int:
        return -1 if row["rating"] is None else MPAA_RATINGS.index(row["rating"])

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            for direction in ("asc", "desc"):
                rows = await _films_sorted_by(session, "rating", direction)
                ranks = [rank(row) for row in rows]
                assert ranks == sorted(ranks, reverse=direction == "desc"), f"{direction}: not in declaration order"
            everything, _ = await session.page_through("list_film", {"limit": 1000, "columns": ["film_id", "rating"]})
            for label_index, rating in enumerate(MPAA_RATINGS):
                for op, keep in (
                    ("gt", lambda r: r > label_index),
                    ("gte", lambda r: r >= label_index),
                    ("lt", lambda r: 0 <= r < label_index),
                    ("lte", lambda r: 0 <= r <= label_index),
                ):
                    expected = sum(1 for row in everything if keep(rank(row)))
                    got = (await session.call("count_film", {"where": {"rating": {op: rating}}}))["count"]
                    assert got == expected, f"rating {op} {rating}: {got} rows, expected {expected}"

    run(check)


def test_paging_sorted_by_a_mysql_set_column_returns_every_row_once(served: Any) -> None:
    """MySQL sorts a SET by its bit mask and compares it as text: the server sorts and compares
    it as text, so that the pages' keyset follows their order."""
    target = served("sakila_my")

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            for direction in ("asc", "desc"):
                await _films_sorted_by(session, "special_features", direction)

    run(check)


def test_an_enum_column_limited_by_a_check_keeps_its_types_order(served: Any) -> None:
    """`feeling mood CHECK (feeling IN ('happy', 'sad'))`, with mood ('sad', 'ok', 'happy'): the
    schema lists sad before happy, and sorting and comparing follow the type."""
    target = served("pg_types")

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            rows = (await session.call("list_moods", {"order_by": [{"column": "feeling"}, {"column": "id"}]}))["rows"]
            assert [row["feeling"] for row in rows] == [None, "sad", "sad", "happy"]
            assert (await session.call("count_moods", {"where": {"feeling": {"gt": "sad"}}})) == {"count": 1}
            assert (await session.call("count_moods", {"where": {"feeling": {"lt": "happy"}}})) == {"count": 2}
            schema = json.dumps(session.tools["count_moods"].input_schema)
            assert schema.index('"sad"') < schema.index('"happy"'), schema

    run(check)


TEMPORAL = ("date", "time", "timestamp", "timestamptz")
SQL_OPERATORS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _spellings(category: str, value: str) -> list[str]:
    """`value` as a server sends it, and the other ways a person writes the same moment."""
    found = [value]
    if category in ("timestamp", "timestamptz"):
        found.append(value.replace("T", " "))
        if category == "timestamptz":
            found.append(value.replace("Z", "+00:00"))
            found.append(value.removesuffix("Z"))  # no offset: UTC, as the sessions are
        if value[11:19] == "00:00:00" and value[19:].strip("Z") in ("", ".000"):
            found.append(value[:10])  # a date alone: its midnight
    if category == "time" and value.endswith(":00"):
        found.append(value[:5])
    return found


def _database_count(database: Any, column: sd.ColumnInfo, op: str, value: str) -> int:
    """How many rows of `moments` the database itself says have `column OP value`."""
    sql_op = SQL_OPERATORS[op]
    if isinstance(database, sd.Postgres):
        with database.connect() as connection:
            return connection.execute(
                f"SELECT COUNT(*) FROM moments WHERE {sd._pg_quote(column.name)} {sql_op} CAST(%s AS {column.type_name})",
                (value,),
            ).fetchone()[0]
    if isinstance(database, sd.Mysql):
        # MySQL reads no offset in a literal: the moment in UTC, as the session is.
        instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T") if len(value) > 10 else value)
        if isinstance(instant, dt.datetime) and instant.tzinfo is not None:
            instant = instant.astimezone(dt.timezone.utc).replace(tzinfo=None)
        with database.connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM moments WHERE `{column.name}` {sql_op} %s", (instant,))
            return cursor.fetchone()[0]
    expression = _sqlite_reading(column.category)
    connection = database.connect()
    try:
        return connection.execute(
            f"SELECT COUNT(*) FROM moments WHERE {expression.format(sd._pg_quote(column.name))} {sql_op} {expression.format('?')}",
            (value,),
        ).fetchone()[0]
    finally:
        connection.close()


def _sqlite_reading(category: str) -> str:
    """How SQLite's own functions read a value of `category`, for comparing and sorting."""
    return {"date": "date({}, 'auto')", "time": "strftime('%H:%M:%f', {}, 'auto')"}.get(category, "julianday({}, 'auto')")


def _database_order(database: Any, column: sd.ColumnInfo, direction: str) -> list[int]:
    """The ids of `moments` in the order the database sorts `column` (NULL lowest), then id."""
    nulls = "NULLS LAST" if direction == "desc" else "NULLS FIRST"
    if isinstance(database, sd.Postgres):
        with database.connect() as connection:
            return [r[0] for r in connection.execute(f"SELECT id FROM moments ORDER BY {sd._pg_quote(column.name)} {direction} {nulls}, id")]
    if isinstance(database, sd.Mysql):
        with database.connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM moments ORDER BY `{column.name}` {direction}, id")
            return [r[0] for r in cursor.fetchall()]
    connection = database.connect()
    try:
        expression = _sqlite_reading(column.category).format(sd._pg_quote(column.name))
        return [r[0] for r in connection.execute(f"SELECT id FROM moments ORDER BY {expression} {direction} {nulls}, id")]
    finally:
        connection.close()


@pytest.mark.parametrize("label", ["pg_temporal", "my_temporal", "lite_temporal"])
def test_dates_and_times_compare_and_sort_as_the_database_reads_them(label: str, served: Any) -> None:
    """Every comparison of every date and time column, with every value the server sends and
    the other ways people write it (a space for the `T`, a date alone, no offset, `+00:00`),
    counts what the database itself counts; and every sort is the database's. In SQLite the
    stored spellings differ row by row (a date alone in a DATETIME column, julian day numbers,
    unix times, offsets): SQLite's own date functions are the reference."""
    target = served(label)
    relation = target.database.relations()["moments"]
    columns = [c for c in relation.columns if c.category in TEMPORAL]
    assert columns, "moments has date and time columns"

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            rows, _ = await session.page_through("list_moments", {"limit": 1000})
            problems = []
            for column in columns:
                values = sorted({r[column.name] for r in rows if r[column.name] is not None})
                probes = [spelled for value in values for spelled in _spellings(column.category, value)]
                for value in probes:
                    for op in SQL_OPERATORS:
                        got = await session.call("count_moments", {"where": {column.name: {op: value}}})
                        want = _database_count(target.database, column, op, value)
                        if got["count"] != want:
                            problems.append(f"{column.name} {op} {value!r}: {got['count']} rows, the database says {want}")
                for direction in ("asc", "desc"):
                    ordered, _ = await session.page_through(
                        "list_moments",
                        {"order_by": [{"column": column.name, "direction": direction}], "columns": ["id"], "limit": 2},
                    )
                    ids = [r["id"] for r in ordered]
                    want_ids = _database_order(target.database, column, direction)
                    if ids != want_ids:
                        problems.append(f"{column.name} {direction}: {ids}, the database sorts {want_ids}")
            assert not problems, "\n".join(problems)

    run(check)


def test_northwind_order_dates_written_without_a_time_compare_as_dates(northwind_server: Any) -> None:
    """Northwind's Orders.OrderDate is DATETIME holding `2016-07-04`: every order is on or after
    its first day, however the day is written, and a day's orders are found by it."""
    async def check() -> None:
        async with open_session(northwind_server.stdio()) as session:
            total = (await session.call("count_orders"))["count"]
            for first_day in ("2016-07-04T00:00:00", "2016-07-04", "2016-07-04 00:00"):
                found = await session.call("count_orders", {"where": {"OrderDate": {"gte": first_day}}})
                assert found == {"count": total}, first_day
            on_the_day = await session.call("list_orders", {"where": {"OrderDate": "2016-07-04"}, "columns": ["OrderID", "OrderDate"]})
            assert on_the_day["rows"] == [{"OrderID": 10248, "OrderDate": "2016-07-04T00:00:00"}]

    run(check)


# (label, artist tool base, id column, name column): Chinook's artists in each database.
CHINOOK_ARTISTS = {
    "pg_chinook": ("artist", "artist_id", "name"),
    "my_chinook": ("artist", "ArtistId", "Name"),
    "chinook_sqlite": ("artist", "ArtistId", "Name"),
}


@pytest.mark.parametrize("label", list(CHINOOK_ARTISTS))
def test_the_largest_filters_the_bounds_allow_run_in_every_database(label: str, request: pytest.FixtureRequest) -> None:
    """The bounds of a filter (1000 conditions counted alike for `in` and `or`, 16 levels of
    nesting, like patterns of 1000 characters and 32 `%`) lie below each database's own
    limits: the largest filter each allows runs, in PostgreSQL, MariaDB and SQLite (which
    refuses an expression tree 1000 deep), and one past each bound is refused, naming it."""
    if label == "chinook_sqlite":
        parameters = request.getfixturevalue("chinook_live_server").stdio()
    else:
        parameters = request.getfixturevalue("served")(label).stdio()
    table, key, name = CHINOOK_ARTISTS[label]

    async def check() -> None:
        async with open_session(parameters) as session:
            total = (await session.call(f"count_{table}"))["count"]
            ids = list(range(1, 1001))
            largest = {
                "or of 1000 equalities": {"or": [{key: i} for i in ids]},
                "in of 1000 values": {key: {"in": ids}},
                "16 levels of nesting": _nested({key: {"lte": 1000}}, 16),
                "a 1000-character pattern": {name: {"like": "%" * 32 + "x" * 968}},
                "a 1000-character pattern, ignoring case": {name: {"ilike": "%" * 32 + "x" * 968}},
            }
            expected = {"a 1000-character pattern": 0, "a 1000-character pattern, ignoring case": 0}
            for what, where in largest.items():
                got = await session.call(f"count_{table}", {"where": where})
                assert got == {"count": expected.get(what, total)}, what
            too_large = {
                "or of 1001 equalities": ({"or": [{key: i} for i in range(1, 1002)]}, "1000 conditions"),
                "in of 1001 values": ({key: {"in": list(range(1, 1002))}}, "1000 conditions"),
                "17 levels of nesting": (_nested({key: 1}, 17), "16 levels"),
                "a 1001-character pattern": ({name: {"like": "x" * 1001}}, "1000 characters"),
                "33 %": ({name: {"ilike": "%a" * 33}}, "32 `%`"),
                "a pattern of a million characters": ({name: {"ilike": "%a" * 500_000}}, "1000 characters"),
            }
            for what, (where, words) in too_large.items():
                message = await session.call_error(f"count_{table}", {"where": where})
                assert words in message, f"{what}: {message}"
            assert (await session.call(f"count_{table}")) == {"count": total}

    run(check)


def _nested(filter: dict[str, Any], levels: int) -> dict[str, Any]:
    """`filter` inside `levels` levels of `and` and `or`."""
    for level in range(levels):
        filter = {"and": [filter]} if level % 2 else {"or": [filter]}
    return filter


# --- writes -----------------------------------------------------------------------------------
#
# A scratch copy of the sample (SQLite), and the Pagila (PostgreSQL) and Sakila (MariaDB)
# databases the tests above loaded; these tests run last in this file and put back what they
# change.


@dataclass(frozen=True)
class WriteTarget:
    """A database served with writes on, and how to read it directly."""

    parameters: Any
    """How to start its server with --allow-writes."""
    query: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]
    """Runs SQL in the database itself: its rows."""
    placeholder: str
    """The placeholder of `query`'s SQL."""


def _write_target(label: str, request: pytest.FixtureRequest, tmp_path: Path) -> WriteTarget:
    if label == "sample":
        import shutil
        import sqlite3

        sample = request.getfixturevalue("sample_server")
        copy = tmp_path / "sample.db"
        shutil.copyfile(sample.database, copy)

        def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            with sqlite3.connect(copy) as connection:
                return connection.execute(sql, params).fetchall()

        return WriteTarget(stdio_parameters(str(sample.binary), f"sqlite://{copy}", "--allow-writes"), query, "?")
    target = request.getfixturevalue("served")(label)
    engine = target.database
    return WriteTarget(stdio_parameters(str(target.binary), engine.url, "--allow-writes"), engine.query, "%s")


# label: (table, key, a row to insert, a column to set and its new value, the name column)
WRITE_TABLES = {
    "sample": ("authors", "id", {"name": "Ada Lovelace", "country": "UK"}, ("country", "NZ"), "name"),
    "pagila": ("actor", "actor_id", {"first_name": "ADA", "last_name": "LOVELACE"}, ("last_name", "BYRON"), "first_name"),
    "sakila_my": ("actor", "actor_id", {"first_name": "ADA", "last_name": "LOVELACE"}, ("last_name", "BYRON"), "first_name"),
}


@pytest.mark.parametrize("label", list(WRITE_TABLES))
def test_writes_are_absent_and_refused_without_the_switch(label: str, request: pytest.FixtureRequest) -> None:
    """Without --allow-writes no write tool is listed, and calling one is an unknown tool."""
    if label == "sample":
        parameters = request.getfixturevalue("sample_server").stdio()
    else:
        parameters = request.getfixturevalue("served")(label).stdio()
    table = WRITE_TABLES[label][0]

    async def check() -> None:
        async with open_session(parameters) as session:
            writes = [name for name in session.tools if name.split("_", 1)[0] in ("insert", "update", "delete")]
            assert not writes, writes
            result = await session.client.call_tool(f"insert_{table}", {"rows": [{}]})
            assert result.is_error, "an unknown tool is refused"

    try:
        run(check)
    except Exception as error:  # the SDK raises the JSON-RPC error of an unknown tool
        assert "unknown tool" in str(error), error


@pytest.mark.parametrize("label", list(WRITE_TABLES))
def test_insert_update_and_delete_are_each_what_the_database_then_holds(
    label: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Rows inserted come back as stored, with the key the database gave them; an update
    changes exactly them and returns them as changed; a delete removes them; the database
    itself agrees after each step."""
    target = _write_target(label, request, tmp_path)
    table, key, row, (column, value), name = WRITE_TABLES[label]
    p = target.placeholder
    in_db = lambda ids: target.query(  # noqa: E731
        f"SELECT {key}, {column} FROM {table} WHERE {key} IN ({', '.join([p] * len(ids))}) ORDER BY {key}", tuple(ids)
    )

    async def check() -> None:
        async with open_session(target.parameters) as session:
            assert {f"insert_{table}", f"update_{table}", f"delete_{table}"} <= set(session.tools)
            tools = {tool.name: tool for tool in await session.list_tools()}
            assert tools[f"delete_{table}"].annotations.destructive_hint is True
            assert tools[f"insert_{table}"].annotations.read_only_hint is False
            second = {**row, name: row[name] + " II"}
            inserted = (await session.call(f"insert_{table}", {"rows": [row, second]}))["rows"]
            assert [r[name] for r in inserted] == [row[name], second[name]]
            ids = [r[key] for r in inserted]
            assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 2, inserted
            assert [tuple(r) for r in in_db(ids)] == [(i, r.get(column)) for i, r in zip(ids, inserted)]
            got = await session.call(f"get_{table}", {key: ids[0]})
            assert got["row"] == inserted[0]

            changed = await session.call(
                f"update_{table}", {"where": {key: {"in": ids}}, "set": {column: value}}
            )
            assert changed["updated"] == 2 and [r[column] for r in changed["rows"]] == [value, value], changed
            assert sorted(r[key] for r in changed["rows"]) == sorted(ids)
            assert [tuple(r) for r in in_db(ids)] == [(i, value) for i in sorted(ids)]

            deleted = await session.call(f"delete_{table}", {"where": {key: {"in": ids}}})
            assert deleted == {"deleted": 2}
            assert in_db(ids) == []

    run(check)


# label: (table, rows of a batch whose last row breaks a constraint, words the error names)
BROKEN_BATCHES = {
    "sample": ("customers", [{"email": "new@example.com", "name": "New"}, {"email": "dup@example.com", "name": "A"}, {"email": "dup@example.com", "name": "B"}], ["unique", "email"]),
    # The first row links actor 1 to a film it is not in yet (UNLINKED_FILM, found when the test runs).
    "pagila": ("film_actor", [{"actor_id": 1, "film_id": "UNLINKED_FILM"}, {"actor_id": 99999, "film_id": 1}], ["foreign key", "film_actor_actor_id_fkey"]),
    "sakila_my": ("film_actor", [{"actor_id": 1, "film_id": "UNLINKED_FILM"}, {"actor_id": 9999, "film_id": 1}], ["foreign key", "fk_film_actor_actor"]),
}


@pytest.mark.parametrize("label", list(BROKEN_BATCHES))
def test_a_batch_whose_last_row_breaks_a_constraint_writes_nothing(
    label: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The database refuses the last row: the call is a tool error naming the rule and the
    constraint or column, and the table holds exactly what it held."""
    target = _write_target(label, request, tmp_path)
    table, rows, words = BROKEN_BATCHES[label]
    if rows[0].get("film_id") == "UNLINKED_FILM":
        unlinked = target.query(
            "SELECT MIN(film_id) FROM film WHERE film_id NOT IN (SELECT film_id FROM film_actor WHERE actor_id = 1)", ()
        )[0][0]
        rows = [{**rows[0], "film_id": unlinked}, *rows[1:]]
    before = sorted(target.query(f"SELECT * FROM {table}", ()), key=repr)

    async def check() -> None:
        async with open_session(target.parameters) as session:
            message = await session.call_error(f"insert_{table}", {"rows": rows})
            missing = [w for w in words if w not in message]
            assert not missing, f"the error does not name {missing}: {message}"
            assert "nothing was written" in message, message
            assert (await session.call(f"count_{table}"))["count"] == len(before)

    run(check)
    assert sorted(target.query(f"SELECT * FROM {table}", ()), key=repr) == before


@pytest.mark.parametrize("label", list(WRITE_TABLES))
def test_write_guards_and_bad_arguments_are_refused_and_change_nothing(
    label: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """No `where`, an empty one, more rows than `max_rows`, a value of the wrong type, an
    unknown column in `set` or `where`, a column the database needs left out: each a tool
    error that says so; the table is unchanged and the server keeps serving."""
    target = _write_target(label, request, tmp_path)
    table, key, row, (column, _value), name = WRITE_TABLES[label]
    before = sorted(target.query(f"SELECT * FROM {table}", ()), key=repr)
    cases = [
        (f"update_{table}", {"set": {column: "x"}}, "where"),
        (f"update_{table}", {"where": {}, "set": {column: "x"}}, "where"),
        (f"delete_{table}", {"where": {"and": []}}, "at least one condition"),
        (f"update_{table}", {"where": {key: {"gte": 1}}, "set": {column: "x"}, "max_rows": 2}, "more than max_rows (2)"),
        (f"delete_{table}", {"where": {key: {"gte": 1}}, "max_rows": 1}, "nothing was deleted"),
        (f"update_{table}", {"where": {key: 1}, "set": {key: "one"}}, key),
        (f"update_{table}", {"where": {key: 1}, "set": {"nope": 1}}, "nope"),
        (f"delete_{table}", {"where": {"nope": 1}}, "nope"),
        (f"update_{table}", {"where": {key: 1}, "set": {}}, "set"),
        (f"insert_{table}", {"rows": []}, "1 to"),
        (f"insert_{table}", {"rows": [{column: "x"}]}, name),
        (f"insert_{table}", {"rows": [{**row, name: None}]}, "cannot be NULL"),
    ]

    async def check() -> None:
        async with open_session(target.parameters) as session:
            for tool, arguments, words in cases:
                message = await session.call_error(tool, arguments)
                assert words in message, f"{tool}({arguments}): {message}"
            assert (await session.call(f"count_{table}"))["count"] == len(before)

    run(check)
    assert sorted(target.query(f"SELECT * FROM {table}", ()), key=repr) == before


CONCURRENT_CLIENTS = 8
CONCURRENT_SECONDS = 10


@pytest.mark.parametrize("label", list(WRITE_TABLES))
def test_concurrent_writers_lose_no_acknowledged_write_and_leave_no_partial_batch(
    label: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Eight clients of one HTTP server insert batches of three rows and update rows they
    inserted, all at once, for ten seconds. Afterwards the database holds every row of every
    batch a client was told was inserted, none of any batch that failed, and each updated row
    with the last value a client was told was written."""
    import asyncio
    import time

    from servers import HttpServer

    target = _write_target(label, request, tmp_path)
    table, key, _row, (column, _value), name = WRITE_TABLES[label]
    binary, database_url = target.parameters.command, target.parameters.args[2]
    server = HttpServer(Path(binary), database_url, tmp_path / "server.log", ("--allow-writes",)).start()
    run_tag = f"w{int(time.time()) % 100000}"
    p = target.placeholder

    async def client(number: int, deadline: float) -> tuple[dict[str, list[int]], list[str], dict[int, str]]:
        acknowledged: dict[str, list[int]] = {}
        failed: list[str] = []
        values: dict[int, str] = {}
        async with open_session(server.url) as session:
            batch = 0
            while time.monotonic() < deadline:
                batch += 1
                tag = f"{run_tag}c{number}b{batch}"
                rows = [{name: f"{tag}r{i}", column: tag} for i in range(3)]
                inserted = await session.client.call_tool(f"insert_{table}", {"rows": rows})
                if inserted.is_error:
                    failed.append(tag)
                    continue
                ids = [row[key] for row in inserted.structured_content["rows"]]
                acknowledged[tag] = ids
                target_id = ids[batch % 3]
                new = f"{tag}u"
                updated = await session.client.call_tool(
                    f"update_{table}", {"where": {key: target_id}, "set": {column: new}}
                )
                if not updated.is_error:
                    assert updated.structured_content["rows"][0][column] == new
                    values[target_id] = new
        return acknowledged, failed, values

    async def all_clients() -> list[tuple[dict[str, list[int]], list[str], dict[int, str]]]:
        deadline = time.monotonic() + CONCURRENT_SECONDS
        return await asyncio.gather(*(client(n, deadline) for n in range(CONCURRENT_CLIENTS)))

    try:
        results = run(all_clients)
    finally:
        server.stop()
    try:
        stored = {
            row[1]: (row[0], row[2])
            for row in target.query(f"SELECT {key}, {name}, {column} FROM {table} WHERE {name} LIKE {p}", (f"{run_tag}%",))
        }
        acknowledged_rows = 0
        for acknowledged, failed, values in results:
            for tag, ids in acknowledged.items():
                for i, id_ in enumerate(ids):
                    assert f"{tag}r{i}" in stored, f"acknowledged row {tag}r{i} is not in the database"
                    stored_id, stored_value = stored[f"{tag}r{i}"]
                    assert stored_id == id_
                    assert stored_value == values.get(id_, tag), f"{tag}r{i}: {stored_value!r}"
                    acknowledged_rows += 1
            for tag in failed:
                partial = [n for n in stored if n.startswith(f"{tag}r")]
                assert not partial, f"a failed batch left {partial}"
        assert acknowledged_rows == len(stored), "rows no client was told of"
        assert acknowledged_rows >= CONCURRENT_CLIENTS * 3, "every client wrote"
    finally:
        target.query(f"DELETE FROM {table} WHERE {name} LIKE {p}", (f"{run_tag}%",))

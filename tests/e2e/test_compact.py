"""The `compact` profile: a fixed set of tools (`query`, `count`, `get`, writes, `call`) that name
their table or routine in an argument and run the typed tools' requests. What they return is
what the typed tool of the same table returns; a wrong table, column or routine is refused with
the valid names; writes and routines follow the same switch as the typed tools.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from clients import open_session, run, stdio_parameters
from servers import sqlite_url

READ_TOOLS = {"list_tables", "describe_table", "query", "count", "get"}
WRITE_TOOLS = {"insert", "update", "delete"}


def _compact(server: Any, database: Path, *extra: str) -> Any:
    return stdio_parameters(str(server.binary), sqlite_url(database), "--tools", "compact", *extra)


def test_compact_lists_its_fixed_tools_and_the_writes_only_when_asked(chinook_live_server: Any, tmp_path: Path) -> None:
    copy = tmp_path / "chinook.sqlite"
    shutil.copy(chinook_live_server.database, copy)

    async def check() -> None:
        async with open_session(_compact(chinook_live_server, copy)) as session:
            assert set(session.tools) == READ_TOOLS
            tables = (await session.call("list_tables"))["tables"]
            album = next(t for t in tables if t["name"] == "Album")
            assert album["tools"] == ["query", "get", "count"]
        async with open_session(_compact(chinook_live_server, copy, "--allow-writes")) as session:
            assert set(session.tools) == READ_TOOLS | WRITE_TOOLS
            assert session.tools["delete"].annotations.destructive_hint is True
            assert session.tools["query"].annotations.read_only_hint is True

    run(check)


def test_query_count_and_get_answer_as_the_typed_tools_and_the_database(chinook_live_server: Any) -> None:
    database = chinook_live_server.database
    where = {"or": [{"Name": {"like": "A%"}}, {"Composer": {"is_null": True}}], "Milliseconds": {"gt": 300000}}
    order = [{"column": "Name", "direction": "desc"}, {"column": "TrackId"}]
    with sqlite3.connect(database) as connection:
        expected = [row[0] for row in connection.execute(
            'SELECT TrackId FROM Track WHERE (Name LIKE \'A%\' OR Composer IS NULL) AND Milliseconds > 300000 '
            'ORDER BY Name DESC, TrackId'
        )]
    assert 10 < len(expected) < 500

    async def check() -> None:
        async with open_session(_compact(chinook_live_server, database)) as compact, \
                open_session(stdio_parameters(str(chinook_live_server.binary), sqlite_url(database))) as typed:
            rows, cursor = [], None
            while True:
                arguments: dict[str, Any] = {"table": "Track", "where": where, "order_by": order, "limit": 7}
                if cursor:
                    arguments["cursor"] = cursor
                page = await compact.call("query", arguments)
                typed_arguments = {k: v for k, v in arguments.items() if k != "table"}
                assert page == await typed.call("list_track", typed_arguments)
                rows += page["rows"]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert [row["TrackId"] for row in rows] == expected
            count = await compact.call("count", {"table": "Track", "where": where})
            assert count == {"count": len(expected)}
            got = await compact.call("get", {"table": "Track", "key": {"TrackId": expected[0]}})
            assert got == await typed.call("get_track", {"TrackId": expected[0]})
            assert got["row"]["TrackId"] == expected[0]
            missing = await compact.call("get", {"table": "Track", "key": {"TrackId": -1}})
            assert missing == {"row": None}
            narrow = await compact.call("query", {"table": "Album", "columns": ["Title"], "limit": 2})
            assert all(list(row) == ["Title"] for row in narrow["rows"])

    run(check)


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("query", {"table": "Albun"}, ['no table or view named "Albun"', "did you mean Album"]),
        ("count", {"table": "tracks"}, ['no table or view named "tracks"', "Track"]),
        ("query", {"table": "Album", "where": {"Titel": "x"}}, ['has no column "Titel"', "Title"]),
        ("query", {"table": "Album", "order_by": [{"column": "Name"}]}, ['has no column "Name"', "AlbumId, Title, ArtistId"]),
        ("query", {"table": "Album", "where": {"AlbumId": "one"}}, ["AlbumId"]),
        ("query", {}, ["needs `table`"]),
        ("get", {"table": "Album", "key": {"Title": "x"}}, ["AlbumId"]),
        ("get", {"table": "Album"}, ["key", "AlbumId"]),
        ("describe_table", {"table": "Invoce"}, ["did you mean Invoice"]),
    ],
)
def test_a_wrong_table_column_or_value_is_refused_with_the_valid_names(
    chinook_live_server: Any, tool: str, arguments: dict[str, Any], expected: list[str]
) -> None:
    async def check() -> None:
        async with open_session(_compact(chinook_live_server, chinook_live_server.database)) as session:
            message = await session.call_error(tool, arguments)
            for part in expected:
                assert part in message, f"{tool}({arguments}) said {message!r}, without {part!r}"

    run(check)


def test_writes_through_compact_change_the_database_all_or_nothing(chinook_live_server: Any, tmp_path: Path) -> None:
    copy = tmp_path / "chinook.sqlite"
    shutil.copy(chinook_live_server.database, copy)

    def genres() -> list[tuple[int, str]]:
        with sqlite3.connect(copy) as connection:
            return list(connection.execute("SELECT GenreId, Name FROM Genre ORDER BY GenreId"))

    before = genres()

    async def check() -> None:
        async with open_session(_compact(chinook_live_server, copy, "--allow-writes")) as session:
            inserted = await session.call("insert", {"table": "Genre", "rows": [{"GenreId": 900, "Name": "Skiffle"}]})
            assert inserted == {"rows": [{"GenreId": 900, "Name": "Skiffle"}]}
            updated = await session.call("update", {"table": "Genre", "where": {"GenreId": 900}, "set": {"Name": "Skiffle revival"}})
            assert updated["updated"] == 1
            assert (900, "Skiffle revival") in genres()
            # Two rows of which the second breaks the primary key: neither stays.
            message = await session.call_error("insert", {"table": "Genre", "rows": [{"GenreId": 901, "Name": "a"}, {"GenreId": 900, "Name": "b"}]})
            assert "GenreId" in message or "UNIQUE" in message.upper(), message
            assert all(row[0] != 901 for row in genres())
            too_many = await session.call_error("delete", {"table": "Genre", "where": {"GenreId": {"gte": 1}}, "max_rows": 2})
            assert "match" in too_many, too_many
            deleted = await session.call("delete", {"table": "Genre", "where": {"GenreId": 900}})
            assert deleted == {"deleted": 1}
        async with open_session(_compact(chinook_live_server, copy)) as session:
            assert "insert" not in session.tools

    run(check)
    assert genres() == before


def test_call_names_the_routine_and_refuses_one_not_served(served: Any) -> None:
    target = served("pg_routines")

    async def check() -> None:
        read_only = stdio_parameters(str(target.binary), target.database.url, "--tools", "compact")
        async with open_session(read_only) as session:
            routines = (await session.call("list_routines"))["routines"]
            assert {r["tool"] for r in routines} == {"call"}
            by_name = {r["routine"]: r for r in routines}
            assert "add_note" not in by_name, "a routine that writes is served with writes off"
            day_after = by_name["day_after"]
            assert [p["name"] for p in day_after["parameters"]] == ["d"]
            result = await session.call("call", {"routine": "day_after", "arguments": {"d": "2024-02-28"}})
            typed = stdio_parameters(str(target.binary), target.database.url)
            async with open_session(typed) as typed_session:
                assert result == await typed_session.call("call_day_after", {"d": "2024-02-28"})
            assert result == {"value": "2024-02-29"}
            message = await session.call_error("call", {"routine": "add_note", "arguments": {}})
            assert "no routine named" in message and "day_after" in message, message
            qualified = await session.call("call", {"routine": "billing.double_it", "arguments": {"x": 4}})
            assert qualified == {"value": 8}

    run(check)

"""`query_sql` end to end (`serve --allow-sql`): Chinook served from SQLite, PostgreSQL and
MariaDB, driven by the official Python SDK over stdio.

- A join with an aggregate, and one with a parameter, give what the same statement gives run
  in the database itself (sqlite3, psycopg, PyMySQL).
- A statement with more rows than a result holds returns the first ones and `truncated: true`;
  one with fewer returns them all and no `truncated`.
- Every statement of the corpus of hostile statements (runtime/tests/corpus/query_sql.jsonl)
  for that database, sent through the client, is refused with `isError: true`, or (those the
  corpus marks with what they run as) returns rows; and afterwards every table holds what it
  held before, to the byte (a checksum of every row of every table, the schema, PostgreSQL's
  sequences and large objects), with writes off and with writes on.
- With writes on, the write tools still write after query_sql calls on the same connections.
"""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

import database
import server_databases as sd
from clients import open_session, run, stdio_parameters, tool_text
from servers import ROOT, sqlite_url

CORPUS = ROOT / "runtime" / "tests" / "corpus" / "query_sql.jsonl"

FILES_THE_CORPUS_NAMES = [
    "/tmp/dbhub_probe.txt", "/tmp/album.txt", "/tmp/album.bin", "/tmp/album.csv", "/tmp/a", "/tmp/x",
    "/tmp/evil.so", "/tmp/evil.db", "/tmp/copy.db", "/tmp/x.db", "/tmp/shell.php", "/var/www/html/shell.php",
]


def corpus(tag: str) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").split("\n") if line.strip()]
    return [entry for entry in entries if tag in entry["engines"].split()]


class Target:
    """Chinook in one database, the server generated from it, and the database read directly."""

    tag: str
    binary: Path
    url: str

    def stdio(self, *extra: str) -> Any:
        return stdio_parameters(str(self.binary), self.url, "--allow-sql", *extra)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def checksum(self) -> dict[str, Any]:
        """What the database holds: every table's row count and a hash of its rows, and its
        schema."""
        raise NotImplementedError


class SqliteTarget(Target):
    tag = "lite"

    def __init__(self, binary: Path, path: Path) -> None:
        self.binary, self.path, self.url = binary, path, sqlite_url(path)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        connection = database.connect(self.path)
        try:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            connection.close()

    def checksum(self) -> dict[str, Any]:
        result: dict[str, Any] = {"schema": self.query("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")}
        for (name,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            rows = self.query(f"SELECT * FROM {database.quote(name)}")
            result[name] = (len(rows), _digest(rows))
        return result


class PostgresTarget(Target):
    tag = "pg"

    def __init__(self, served: Any) -> None:
        self.database = served.database
        self.binary, self.url = served.binary, served.database.url

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.database.query(sql, params)

    def checksum(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "schema": self.query(
                "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 3"
            ),
            "large objects": self.query("SELECT count(*) FROM pg_largeobject_metadata"),
            "roles": self.query("SELECT rolname, rolsuper FROM pg_roles ORDER BY 1"),
        }
        for (name,) in self.query("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"):
            result[f"sequence {name}"] = self.query(f'SELECT last_value, is_called FROM "{name}"')
        for (name,) in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"):
            result[name] = self.query(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) FROM "{name}" t')
        return result


class MariadbTarget(Target):
    tag = "my"

    def __init__(self, served: Any) -> None:
        self.database = served.database
        self.binary, self.url = served.binary, served.database.url

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.database.query(sql, params)

    def checksum(self) -> dict[str, Any]:
        name = self.database.name
        result: dict[str, Any] = {
            "schema": self.query(
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s ORDER BY 1, 2",
                (name,),
            ),
            "databases": self.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1"),
        }
        for (table,) in self.query(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY 1", (name,)
        ):
            rows = self.query(f"SELECT * FROM `{table}`")
            result[table] = (len(rows), _digest(rows))
        return result


def _digest(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha256("\n".join(sorted(repr(row) for row in rows)).encode()).hexdigest()


@pytest.fixture(params=["lite", "pg", "my"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """Chinook in each database in turn; SQLite's a copy of its own for each test."""
    if request.param == "lite":
        server = request.getfixturevalue("chinook_live_server")
        return SqliteTarget(server.binary, database.copy_database(server.database, tmp_path / "chinook.sqlite"))
    served = request.getfixturevalue("served")
    return PostgresTarget(served("pg_chinook")) if request.param == "pg" else MariadbTarget(served("my_chinook"))


def _names(target: Target) -> dict[str, str]:
    """Chinook's names as each database spells them."""
    if target.tag == "pg":
        return {"Artist": "artist", "Album": "album", "Track": "track", "Invoice": "invoice", "ArtistId": "artist_id",
                "AlbumId": "album_id", "Name": "name", "BillingCountry": "billing_country", "Total": "total", "TrackId": "track_id"}
    return {name: name for name in ("Artist", "Album", "Track", "Invoice", "ArtistId", "AlbumId", "Name", "BillingCountry", "Total", "TrackId")}


def _sql(target: Target, template: str) -> str:
    names = _names(target)
    sql = template
    for name in sorted(names, key=len, reverse=True):
        sql = sql.replace("{" + name + "}", names[name])
    return sql


def _placeholders(target: Target, sql: str) -> tuple[str, str]:
    """`sql` with `%s` placeholders as the server takes them, and as the oracle does."""
    if target.tag == "pg":
        server, number = sql, 0
        while "%s" in server:
            number += 1
            server = server.replace("%s", f"${number}", 1)
        return server, sql
    return sql.replace("%s", "?"), sql


def _plain(value: Any) -> Any:
    """A value as both sides are compared: exact numbers as their decimal text to the cent."""
    if isinstance(value, (Decimal, float)) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    return value


JOINS = [
    (
        "the five artists with the most tracks",
        "SELECT ar.{Name} AS name, count(*) AS tracks FROM {Artist} ar JOIN {Album} al ON al.{ArtistId} = ar.{ArtistId}"
        " JOIN {Track} t ON t.{AlbumId} = al.{AlbumId} GROUP BY ar.{ArtistId}, ar.{Name} ORDER BY tracks DESC, ar.{Name} LIMIT 5",
        (),
    ),
    (
        "the three countries that spent the most",
        "SELECT {BillingCountry} AS country, sum({Total}) AS spent, count(*) AS invoices FROM {Invoice}"
        " GROUP BY {BillingCountry} ORDER BY spent DESC, country LIMIT 3",
        (),
    ),
    (
        "the albums of artists whose name starts with a parameter, with their track counts",
        "SELECT al.{AlbumId} AS id, count(t.{TrackId}) AS tracks FROM {Album} al JOIN {Artist} ar ON ar.{ArtistId} = al.{ArtistId}"
        " LEFT JOIN {Track} t ON t.{AlbumId} = al.{AlbumId} WHERE ar.{Name} LIKE %s GROUP BY al.{AlbumId} ORDER BY al.{AlbumId}",
        ("Led%",),
    ),
]


@pytest.mark.parametrize("question", [title for title, _, _ in JOINS])
def test_a_join_with_an_aggregate_gives_the_database_s_own_answer(target: Target, question: str) -> None:
    _, template, params = next(join for join in JOINS if join[0] == question)
    sql, oracle_sql = _placeholders(target, _sql(target, template))
    expected = [[_plain(value) for value in row] for row in target.query(oracle_sql, params)]
    assert expected, f"the oracle found no rows for {question}"

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            result = await session.call("query_sql", {"sql": sql, "params": list(params)})
            assert "truncated" not in result
            got = [[_plain(value) for value in row.values()] for row in result["rows"]]
            assert got == expected

    run(check)


def test_more_rows_than_a_result_holds_are_cut_and_flagged(target: Target) -> None:
    sql = _sql(target, "SELECT {TrackId} AS id, {Name} AS name FROM {Track} ORDER BY {TrackId}")
    expected = [list(row) for row in target.query(sql)]
    assert len(expected) > 1000

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            result = await session.call("query_sql", {"sql": sql})
            assert result["truncated"] is True
            rows = [list(row.values()) for row in result["rows"]]
            assert 0 < len(rows) <= 1000
            assert rows == expected[: len(rows)]
            few = await session.call("query_sql", {"sql": sql + " LIMIT 10"})
            assert "truncated" not in few and len(few["rows"]) == 10

    run(check)


async def _send_the_corpus(session: Any, tag: str) -> list[str]:
    """Every corpus statement for `tag` through the client; what went otherwise than the
    corpus says."""
    problems = []
    for entry in corpus(tag):
        result = await session.call_raw("query_sql", {"sql": entry["sql"]})
        text = tool_text(result) or ""
        if "runs" in entry:
            if result.is_error:
                problems.append(f"{entry['sql']!r} should run harmlessly, but failed: {text}")
        elif not result.is_error:
            problems.append(f"{entry['sql']!r} ran: {text[:200]}")
        elif "refused the statement, which did not run" not in text:
            problems.append(f"{entry['sql']!r} reached the database: {text[:300]}")
    # The server still answers, and still reads.
    assert (await session.call("query_sql", {"sql": "SELECT 1 AS one"}))["rows"] == [{"one": 1}]
    return problems


@pytest.mark.parametrize("writes", [False, True], ids=["writes off", "writes on"])
def test_every_corpus_statement_is_refused_or_harmless_and_the_database_is_unchanged(target: Target, writes: bool) -> None:
    entries = corpus(target.tag)
    assert len(entries) >= 150, f"{len(entries)} corpus statements for {target.tag}"
    before = target.checksum()
    files_before = {path: os.path.exists(path) for path in FILES_THE_CORPUS_NAMES}

    async def check() -> list[str]:
        async with open_session(target.stdio(*(["--allow-writes"] if writes else []))) as session:
            return await _send_the_corpus(session, target.tag)

    problems = run(check)
    assert not problems, "\n".join(problems)
    assert target.checksum() == before
    assert {path: os.path.exists(path) for path in FILES_THE_CORPUS_NAMES} == files_before


def test_with_writes_on_query_sql_cannot_write_and_the_write_tools_still_can(
    chinook_live_server: Any, tmp_path: Path
) -> None:
    """SQLite opens its file for writing when writes are on: query_sql's transaction is made
    read-only on its connection (PRAGMA query_only), and a write tool's made writable again."""
    target = SqliteTarget(chinook_live_server.binary, database.copy_database(chinook_live_server.database, tmp_path / "chinook.sqlite"))
    before = target.checksum()

    async def check() -> None:
        async with open_session(target.stdio("--allow-writes", "--tools", "typed")) as session:
            for _ in range(3):
                await session.call("query_sql", {"sql": "SELECT count(*) AS n FROM Artist"})
            inserted = await session.call("insert_artist", {"rows": [{"ArtistId": 100001, "Name": "query_sql probe"}]})
            assert inserted["rows"] == [{"ArtistId": 100001, "Name": "query_sql probe"}]
            seen = await session.call("query_sql", {"sql": "SELECT Name FROM Artist WHERE ArtistId = ?", "params": [100001]})
            assert seen == {"rows": [{"Name": "query_sql probe"}]}
            deleted = await session.call("delete_artist", {"where": {"ArtistId": 100001}})
            assert deleted == {"deleted": 1}

    run(check)
    assert target.checksum() == before


def test_query_sql_is_listed_read_only_with_its_schemas(target: Target) -> None:
    async def check() -> None:
        async with open_session(target.stdio()) as session:
            tool = session.tool("query_sql")
            assert tool.annotations.read_only_hint is True and tool.annotations.open_world_hint is False
            assert tool.input_schema["required"] == ["sql"]
            assert "count" in tool.description and "sleep" not in tool.description.lower()
        async with open_session(stdio_parameters(str(target.binary), target.url)) as session:
            assert "query_sql" not in session.tools

    run(check)


def test_explain_of_a_query_runs(target: Target) -> None:
    async def check() -> None:
        async with open_session(target.stdio()) as session:
            result = await session.call("query_sql", {"sql": _sql(target, "EXPLAIN SELECT * FROM {Album} WHERE {AlbumId} = 1")})
            assert result["rows"], result

    run(check)


def test_the_time_limit_stops_a_statement_that_would_run_for_hours(target: Target, tmp_path: Path) -> None:
    config = tmp_path / "mcpgen.toml"
    config.write_text("[limits]\nstatement_timeout_ms = 300\n")
    sql = _sql(target, "SELECT count(*) AS n FROM {Track} a, {Track} b, {Track} c")

    async def check() -> None:
        async with open_session(target.stdio("--config", str(config))) as session:
            message = await session.call_error("query_sql", {"sql": sql})
            assert "ran longer than this server allows (300 ms" in message, message
            assert (await session.call("query_sql", {"sql": "SELECT 1 AS one"}))["rows"] == [{"one": 1}]

    run(check)


@pytest.mark.parametrize("engine", ["pg", "my"])
def test_values_read_as_the_typed_tools_read_them(engine: str, served: Any) -> None:
    """Integers, text, exact decimals and timestamps of Chinook's invoices, as `list_invoice`
    gives them. (SQLite's values come as stored: it has no types for a query's columns.)"""
    target: Target = PostgresTarget(served("pg_chinook")) if engine == "pg" else MariadbTarget(served("my_chinook"))
    key = _names(target)["Invoice"] + ("_id" if engine == "pg" else "Id")

    async def check() -> None:
        async with open_session(target.stdio("--tools", "typed")) as session:
            typed = await session.call("list_invoice", {"limit": 5, "order_by": [{"column": key, "direction": "asc"}]})
            sql = _sql(target, "SELECT * FROM {Invoice} ORDER BY ") + key + " LIMIT 5"
            result = await session.call("query_sql", {"sql": sql})
            assert result["rows"] == typed["rows"]

    run(check)


def test_a_table_with_columns_its_struct_leaves_out_is_not_read_by_query_sql(chinook_live_server: Any, tmp_path: Path) -> None:
    """A column the database has but the served struct does not (added after generation, or
    left out of a hand-written struct) is not served: query_sql does not read that table at
    all, and the server says so at start; the other tables stay readable."""
    import shutil
    import sqlite3

    copy = tmp_path / "chinook.sqlite"
    shutil.copy(chinook_live_server.database, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("ALTER TABLE Album ADD COLUMN secret TEXT")
        connection.execute("UPDATE Album SET secret = 'hunter2'")

    async def check() -> None:
        parameters = stdio_parameters(str(chinook_live_server.binary), sqlite_url(copy), "--allow-sql")
        async with open_session(parameters) as session:
            for sql in ("SELECT * FROM Album", "SELECT a.secret FROM Artist JOIN Album AS a USING (ArtistId)"):
                message = await session.call_error("query_sql", {"sql": sql})
                assert "does not serve (secret)" in message, message
                assert "hunter2" not in message
            artists = await session.call("query_sql", {"sql": "SELECT COUNT(*) AS n FROM Artist"})
            assert artists["rows"] == [{"n": 275}]
            # The typed tools serve the columns the struct has, as before.
            album = await session.call("get_album", {"AlbumId": 1})
            assert "secret" not in album["row"]

    run(check)

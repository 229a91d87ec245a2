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
from conftest import REQUIRE_SERVICES, SHARED, need_shared
from servers import GENERATED_CRATES

DATASETS = SHARED / "datasets"
TYPES_SQL = Path(__file__).resolve().parent / "sql"


@dataclass(frozen=True)
class Dataset:
    label: str
    engine: type
    scripts: tuple[str, ...]
    """Files under ../shared/datasets (or tests/e2e/sql for our own), loaded in order."""
    ddl: str
    """The DDL file `mcpgen generate --schema` reads."""
    after: str = ""
    """SQL run once the scripts are loaded."""

    @property
    def dialect(self) -> str:
        return self.engine.engine


def _path(name: str) -> Path:
    return TYPES_SQL / name if "/" not in name else DATASETS / name


DATASET_LIST = [
    Dataset("pg_chinook", sd.Postgres, ("chinook/Chinook_PostgreSql.sql",), "chinook/Chinook_PostgreSql.sql"),
    Dataset(
        "pagila", sd.Postgres, ("pagila/pagila-schema.sql", "pagila/pagila-data.sql"), "pagila/pagila-schema.sql",
        # The dump creates its materialized view WITH NO DATA.
        after="REFRESH MATERIALIZED VIEW rental_by_category;",
    ),
    Dataset(
        "sakila_pg", sd.Postgres,
        ("sakila-pg/postgres-sakila-schema.sql", "sakila-pg/postgres-sakila-insert-data-using-copy.sql"),
        "sakila-pg/postgres-sakila-schema.sql",
    ),
    Dataset("pg_types", sd.Postgres, ("postgres_types.sql",), "postgres_types.sql"),
    Dataset("my_chinook", sd.Mysql, ("chinook/Chinook_MySql.sql",), "chinook/Chinook_MySql.sql"),
    Dataset("sakila_my", sd.Mysql, ("sakila-mysql/sakila-mv-schema.sql", "sakila-mysql/sakila-mv-data.sql"), "sakila-mysql/sakila-mv-schema.sql"),
    Dataset("my_types", sd.Mysql, ("mysql_types.sql",), "mysql_types.sql"),
    Dataset("pg_identifiers", sd.Postgres, ("postgres_identifiers.sql",), "postgres_identifiers.sql"),
    Dataset("my_identifiers", sd.Mysql, ("mysql_identifiers.sql",), "mysql_identifiers.sql"),
    Dataset("lite_identifiers", sd.Sqlite, ("sqlite_identifiers.sql",), "sqlite_identifiers.sql"),
    Dataset("pg_limits", sd.Postgres, ("postgres_limits.sql",), "postgres_limits.sql"),
    Dataset("my_limits", sd.Mysql, ("mysql_limits.sql",), "mysql_limits.sql"),
    Dataset("lite_limits", sd.Sqlite, ("sqlite_limits.sql",), "sqlite_limits.sql"),
]
IDENTIFIER_DATASETS = {"pg_identifiers", "my_identifiers", "lite_identifiers"}
"""Their tool names are the generator's to choose (collisions, truncation, non-ASCII): the
tests take them from `list_tables`. Elsewhere they must be CONTRACT.md's snake_case `T`."""
TOOL_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
DATASETS_BY_LABEL = {d.label: d for d in DATASET_LIST}


@dataclass
class Served:
    """A dataset loaded into a database of its own, and the server generated from it."""

    dataset: Dataset
    database: Any
    binary: Path
    live_crate: Path
    ddl_crate: Path

    def stdio(self) -> Any:
        return stdio_parameters(str(self.binary), self.database.url)


def _need_server(engine: type) -> None:
    reason = engine.available()
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}; MCPGEN_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def served(mcpgen: Path, generated_server: Callable[..., Path]) -> Any:
    """`served(label)`: the dataset loaded and its live-generated server built (once per session)."""
    cache: dict[str, Served] = {}
    databases = []

    def get(label: str) -> Served:
        if label in cache:
            return cache[label]
        dataset = DATASETS_BY_LABEL[label]
        _need_server(dataset.engine)
        scripts = [need_shared(_path(s)) if "/" in s else _path(s) for s in dataset.scripts]
        database = dataset.engine(label)
        databases.append(database)
        for script in scripts:
            # As bytes: reading text would turn a carriage return inside a quoted name into a line feed.
            database.run_script(sd.without_database_switches(script.read_bytes().decode()))
        if dataset.after:
            database.run_script(dataset.after)
        database.analyze()
        binary = generated_server(f"{label}_live", "--database-url", database.url)
        ddl = _path(dataset.ddl)
        # Generated, not built: its table modules must equal the live crate's.
        generated_server.generate_only(f"{label}_ddl", "--schema", str(ddl), "--dialect", dataset.dialect)
        cache[label] = Served(dataset, database, binary, GENERATED_CRATES / f"{label}_live", GENERATED_CRATES / f"{label}_ddl")
        return cache[label]

    yield get
    for database in databases:
        database.drop()


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
            assert set(session.tools) == served_tools, f"tools list_tables does not mention: {sorted(set(session.tools) - served_tools)}"

    run(check)


@pytest.mark.parametrize("label", LABELS)
def test_the_ddl_file_generates_the_same_table_modules_as_the_live_database(label: str, served: Any) -> None:
    target = served(label)
    live, ddl = target.live_crate / "src" / "tables", target.ddl_crate / "src" / "tables"
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

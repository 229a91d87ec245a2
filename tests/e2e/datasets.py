"""The databases the end-to-end tests serve: real datasets (Chinook in both servers, Pagila and
jOOQ's Sakila port in PostgreSQL, Sakila in MariaDB) and scripts of our own (a table of every
type, identifier edge cases, limits, dates and times, routines), each loaded into a database of
its own, and the `served` fixture that loads one and generates its server, once per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

import server_databases as sd
from clients import stdio_parameters
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
    Dataset("pg_temporal", sd.Postgres, ("postgres_temporal.sql",), "postgres_temporal.sql"),
    Dataset("my_temporal", sd.Mysql, ("mysql_temporal.sql",), "mysql_temporal.sql"),
    Dataset("lite_temporal", sd.Sqlite, ("sqlite_temporal.sql",), "sqlite_temporal.sql"),
    Dataset("pg_routines", sd.Postgres, ("postgres_routines.sql",), "postgres_routines.sql"),
    Dataset("my_routines", sd.Mysql, ("mysql_routines.sql",), "mysql_routines.sql"),
]
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



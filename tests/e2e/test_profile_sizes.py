"""How big each tool profile's `tools/list` is, for real schemas of every size: Chinook on the
three databases, Pagila, Sakila (PostgreSQL and MariaDB), MusicBrainz and GLPI (the big schemas,
generated from their DDL). Prints one table (bytes of minified JSON, as a client receives the
tools) and holds the profiles to their promises: `compact` stays small whatever the schema's
size, and `auto` serves `typed` while it fits in 64 KB, `compact` beyond.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

import server_databases as sd
from conftest import SHARED, need_shared
from datasets import _need_server
from reporting import report
from servers import E2E_OUT, sqlite_url

AUTO_TYPED_MAX_BYTES = 64 * 1024
COMPACT_READ_MAX_BYTES = 3 * 1024
COMPACT_WRITE_MAX_BYTES = 5 * 1024


def tools_list(binary: Path, database_url: str, *args: str) -> tuple[list[dict[str, Any]], str]:
    """Every tool of `binary serve ARGS` (all pages of tools/list over stdio, as sent), and what
    the server said on stderr."""
    process = subprocess.Popen(
        [str(binary), "serve", "--database-url", database_url, *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"MCPGEN_LOG": "info", "PATH": "/usr/bin:/bin"},
    )
    assert process.stdin and process.stdout and process.stderr

    def ask(message: dict[str, Any]) -> dict[str, Any]:
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()
        if "id" not in message:
            return {}
        line = process.stdout.readline()
        assert line, f"the server ended: {process.stderr.read()[-2000:]}"
        return json.loads(line)

    ask({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "sizes", "version": "1"}}})
    ask({"jsonrpc": "2.0", "method": "notifications/initialized"})
    tools: list[dict[str, Any]] = []
    cursor = None
    for page in range(1, 1000):
        reply = ask({"jsonrpc": "2.0", "id": page, "method": "tools/list", "params": {"cursor": cursor} if cursor else {}})
        tools += reply["result"]["tools"]
        cursor = reply["result"].get("nextCursor")
        if not cursor:
            break
    process.stdin.close()
    stderr = process.stderr.read()
    process.wait(timeout=30)
    return tools, stderr


def size(tools: list[dict[str, Any]]) -> int:
    return len(json.dumps(tools, separators=(",", ":"), ensure_ascii=False).encode())


def _big_schema(name: str, generated_server: Callable[..., Path], dialect: str) -> Path:
    """The crate generated from a big schema's DDL (gunzipped into target/e2e), built."""
    source = need_shared(SHARED / "datasets" / "big-schemas" / name)
    ddl = E2E_OUT / source.name.removesuffix(".gz")
    if not ddl.is_file():
        ddl.write_bytes(gzip.decompress(source.read_bytes()))
    label = source.name.split("-")[0]
    return generated_server(f"{label}_ddl", "--schema", str(ddl), "--dialect", dialect)


@pytest.fixture(scope="module")
def schemas(served: Any, chinook_live_server: Any, generated_server: Callable[..., Path]) -> Any:
    """(label, binary, database URL) of every schema measured; the big schemas are served over an
    empty database of their engine (a server only needs its database to answer)."""
    found = [("chinook (SQLite)", chinook_live_server.binary, sqlite_url(chinook_live_server.database))]
    for label in ("pg_chinook", "my_chinook", "pagila", "sakila_pg", "sakila_my"):
        target = served(label)
        found.append((label, target.binary, target.database.url))
    empty = []
    for engine, name in ((sd.Postgres, "musicbrainz-schema.sql.gz"), (sd.Mysql, "glpi-10.0.17-empty.sql.gz")):
        _need_server(engine)
        database = engine("sizes")
        empty.append(database)
        binary = _big_schema(name, generated_server, engine.engine)
        found.append((name.split("-")[0], binary, database.url))
    yield found
    for database in empty:
        database.drop()


PROFILES = [
    ("typed", ()), ("typed", ("--allow-writes",)),
    ("compact", ()), ("compact", ("--allow-writes",)),
    ("dreamfactory", ()), ("dreamfactory", ("--allow-writes",)),
]


def test_the_sizes_of_each_profile_fit_their_promises(schemas: Any) -> None:
    rows = []
    failures = []
    for label, binary, url in schemas:
        figures: dict[str, Any] = {"schema": label}
        for profile, extra in PROFILES:
            tools, _ = tools_list(binary, url, "--tools", profile, *extra)
            column = profile + (" rw" if extra else "")
            figures[column] = size(tools)
            figures[column + " tools"] = len(tools)
            if profile == "compact":
                names = {tool["name"] for tool in tools}
                limit = COMPACT_WRITE_MAX_BYTES if extra or "call" in names else COMPACT_READ_MAX_BYTES
                if figures[column] > limit:
                    failures.append(f"{label}: compact{' with writes' if extra else ''} is {figures[column]} bytes, over {limit}")
        tools, stderr = tools_list(binary, url)
        chosen = "compact" if any(tool["name"] == "query" for tool in tools) else "typed"
        figures["auto"] = chosen
        expected = "typed" if figures["typed"] <= AUTO_TYPED_MAX_BYTES else "compact"
        if chosen != expected:
            failures.append(f"{label}: auto served {chosen}, but typed is {figures['typed']} bytes")
        if f"tool profile {chosen} (auto:" not in stderr:
            failures.append(f"{label}: the server did not say which profile auto chose and why: {stderr[-500:]}")
        rows.append(figures)
    columns = [profile + (" rw" if extra else "") for profile, extra in PROFILES]
    lines = ["| schema | " + " | ".join(columns) + " | auto |", "|---|" + "---|" * (len(columns) + 1)]
    for r in rows:
        cells = [f"{r[column]:,} ({r[column + ' tools']})" for column in columns]
        lines.append(f"| {r['schema']} | " + " | ".join(cells) + f" | {r['auto']} |")
    report("tools/list bytes per profile (tools in parentheses)", "\n".join(lines))
    assert not failures, "\n".join(failures)
    by_label = {r["schema"]: r for r in rows}
    assert by_label["chinook (SQLite)"]["auto"] == "typed"
    assert by_label["musicbrainz"]["auto"] == "compact"

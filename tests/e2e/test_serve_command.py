"""The server binary's command line (CONTRACT.md section 2):
`NAME serve [--transport stdio|http] [--listen ADDR] [--database-url URL] [--config FILE]`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx

import database
from clients import open_session, run, stdio_parameters
from servers import free_port, sqlite_url
from contract import expected_tool_names

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "mcpgen-e2e", "version": "0"}},
}


def serve(binary: Path, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    clean = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(
        [str(binary), "serve", *args], input=stdin, capture_output=True, timeout=30, env={**clean, "MCPGEN_LOG": "warn", **(env or {})}
    )


def test_the_stdio_server_exits_0_when_stdin_closes(sample_server):
    completed = serve(sample_server.binary, "--database-url", sample_server.database_url, stdin=json.dumps(INITIALIZE).encode() + b"\n")
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    assert json.loads(completed.stdout.splitlines()[0])["id"] == 1


def test_a_missing_database_fails_with_a_one_line_reason(sample_server, tmp_path):
    missing = tmp_path / "no-such.db"
    completed = serve(sample_server.binary, "--database-url", f"sqlite://{missing}")
    stderr = completed.stderr.decode(errors="replace")
    assert completed.returncode != 0
    assert "no-such.db" in stderr, stderr
    assert "panicked" not in stderr, stderr


def test_an_unsupported_database_url_fails_with_a_reason(sample_server):
    completed = serve(sample_server.binary, "--database-url", "oracle://db.example/x")
    stderr = completed.stderr.decode(errors="replace")
    assert completed.returncode != 0
    assert "oracle" in stderr, stderr
    assert "panicked" not in stderr, stderr


def test_the_database_url_falls_back_to_the_environment(sample_server):
    completed = serve(
        sample_server.binary, stdin=json.dumps(INITIALIZE).encode() + b"\n", env={"DATABASE_URL": sample_server.database_url}
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    assert "result" in json.loads(completed.stdout.splitlines()[0])


def test_a_generated_server_falls_back_to_the_url_it_was_generated_from(chinook_live_server):
    server = chinook_live_server
    count = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "count_track", "arguments": {}}}
    lines = [INITIALIZE, {"jsonrpc": "2.0", "method": "notifications/initialized"}, count]
    completed = serve(server.binary, stdin=b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    answers = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    counted = [a for a in answers if a.get("id") == 2]
    assert counted, f"exit {completed.returncode}; stderr: {completed.stderr.decode(errors='replace')[-500:]}"
    assert counted[0]["result"]["structuredContent"]["count"] == database.count(server.database, 'SELECT COUNT(*) FROM "Track"')


def test_the_config_file_sets_the_page_size_of_tools_list(sample_server, tmp_path):
    config = tmp_path / "mcpgen.toml"
    config.write_text("[tools]\npage_size = 2\n")

    async def check():
        async with open_session(sample_server.stdio("--config", str(config))) as session:
            page = await session.client.list_tools()
            assert len(page.tools) == 2 and page.next_cursor
            tools = await session.list_tools()  # follows nextCursor
            names = [tool.name for tool in tools]
            assert len(names) == len(set(names))
            assert set(names) == expected_tool_names(sample_server.relations)

    run(check)


def test_the_config_file_sets_the_default_and_the_largest_limit(sample_server, tmp_path):
    config = tmp_path / "mcpgen.toml"
    config.write_text("[limits]\ndefault_limit = 3\nmax_limit = 5\n")

    async def check():
        async with open_session(sample_server.stdio("--config", str(config))) as session:
            default = await session.call("list_books")
            assert len(default["rows"]) == 3
            capped = await session.call_raw("list_books", {"limit": 20})
            assert not capped.is_error, capped.content
            assert len(capped.structured_content["rows"]) == 5
            # A page the cap cut says so, and its cursor gives the rest.
            assert "truncated" not in default
            assert capped.structured_content["next_cursor"]
            assert capped.structured_content["truncated"] is True

    run(check)


def test_a_page_cut_by_max_result_bytes_says_truncated_and_its_cursor_gives_the_rest(chinook_live_server, tmp_path):
    config = tmp_path / "mcpgen.toml"
    config.write_text("[limits]\nmax_result_bytes = 2048\n")

    async def check():
        parameters = stdio_parameters(str(chinook_live_server.binary), sqlite_url(chinook_live_server.database), "--config", str(config))
        async with open_session(parameters) as session:
            first = await session.call("list_track", {"limit": 100})
            assert 0 < len(first["rows"]) < 100
            assert first["truncated"] is True
            assert len(json.dumps(first["rows"], separators=(",", ":"))) <= 2048
            second = await session.call("list_track", {"limit": 100, "cursor": first["next_cursor"]})
            assert second["rows"][0]["TrackId"] == first["rows"][-1]["TrackId"] + 1

    run(check)


def test_an_invalid_config_file_fails_with_its_name_and_the_setting(sample_server, tmp_path):
    config = tmp_path / "broken.toml"
    config.write_text("[limits]\nmax_limt = 5\n")
    completed = serve(sample_server.binary, "--database-url", sample_server.database_url, "--config", str(config))
    stderr = completed.stderr.decode(errors="replace")
    assert completed.returncode != 0
    assert "broken.toml" in stderr and "max_limt" in stderr, stderr


def test_http_beyond_loopback_without_authorization_refuses_to_start(sample_server):
    completed = serve(
        sample_server.binary, "--transport", "http", "--listen", "0.0.0.0:0", "--database-url", sample_server.database_url
    )
    stderr = completed.stderr.decode(errors="replace")
    assert completed.returncode != 0
    assert "refusing to serve HTTP on 0.0.0.0" in stderr and "--insecure-no-auth" in stderr, stderr
    assert "panicked" not in stderr


def test_insecure_no_auth_serves_beyond_loopback_and_says_so_loudly(sample_server, tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(sample_server.binary), "serve", "--transport", "http", "--listen", f"0.0.0.0:{port}",
             "--database-url", sample_server.database_url, "--insecure-no-auth"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out,
        )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not answer: {log.read_text()}")
        assert "WITHOUT AUTHORIZATION" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)

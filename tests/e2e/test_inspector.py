"""The MCP Inspector's CLI (`mcp-inspector --cli`, from @modelcontextprotocol/inspector 2.x,
run on the Node 22 that tests/run installs) lists the tools of a server and calls them, over
stdio and over Streamable HTTP."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

import database
from conftest import NODE, need_node_tool
from contract import expected_tool_names


@pytest.fixture(scope="session")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`inspector(*args)`: runs `mcp-inspector --cli ARGS`; the completed process."""
    launcher = need_node_tool("@modelcontextprotocol/inspector/clients/launcher/build/index.js")
    home = tmp_path_factory.mktemp("inspector-home")  # it keeps state under $HOME/.mcp-inspector

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HOME": str(home), "PATH": f"{NODE.parent}{os.pathsep}{os.environ['PATH']}", "MCPGEN_LOG": "warn"}
        completed = subprocess.run(
            [str(NODE), str(launcher), "--cli", *args], capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL
        )
        if check:
            assert completed.returncode == 0, (
                f"mcp-inspector --cli {' '.join(args)} exited {completed.returncode}\nstdout: {completed.stdout[-1500:]}\nstderr: {completed.stderr[-1500:]}"
            )
        return completed

    return run


def target_args(server: Any, transport: str, http_servers: Any) -> list[str]:
    if transport == "stdio":
        return [str(server.binary), "serve", "--database-url", server.database_url]
    return [http_servers.of(server).url]


def output_json(completed: subprocess.CompletedProcess[str]) -> Any:
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise AssertionError(f"the Inspector printed no JSON ({error}): {completed.stdout[:500]}") from None


def test_the_inspector_lists_the_tools(sample_server, transport, http_servers, inspector):
    listed = output_json(inspector(*target_args(sample_server, transport, http_servers), "--method", "tools/list"))
    assert {tool["name"] for tool in listed["tools"]} == expected_tool_names(sample_server.relations)


def test_the_inspector_calls_a_tool_with_arguments(sample_server, transport, http_servers, inspector):
    result = output_json(
        inspector(
            *target_args(sample_server, transport, http_servers),
            "--method", "tools/call",
            "--tool-name", "count_books",
            "--tool-arg", 'where={"genre": "poetry"}',
        )
    )
    assert result.get("isError") is not True, result
    expected = database.count(sample_server.database, "SELECT COUNT(*) FROM books WHERE genre = 'poetry'")
    assert result["structuredContent"] == {"count": expected}
    assert json.loads(result["content"][0]["text"]) == {"count": expected}


def test_the_inspector_describes_a_table(sample_server, transport, http_servers, inspector):
    result = output_json(
        inspector(*target_args(sample_server, transport, http_servers), "--method", "tools/call", "--tool-name", "describe_table", "--tool-arg", "table=books")
    )
    described = result["structuredContent"]
    assert described["name"] == "books"
    assert [c["name"] for c in described["columns"]] == [c.name for c in sample_server.relations["books"].columns]



def test_the_inspector_finds_no_schema_portability_errors(sample_server, http_servers, inspector):
    completed = inspector(*target_args(sample_server, "http", http_servers), "--method", "tools/list", "--strict", check=False)
    errors = [line for line in completed.stderr.splitlines() if line.startswith("Error")]
    assert completed.returncode == 0, f"exit {completed.returncode}; {len(errors)} errors:\n{completed.stderr[-3000:]}"

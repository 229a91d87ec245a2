"""Bad input (CONTRACT.md section 3): bad arguments come back as a tool result with
`isError: true` and a message naming the problem; an unknown tool or a malformed request is
a JSON-RPC error (or an HTTP error status where the transport decides). After each, the same
server still answers a normal call."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import httpx
import pytest

import database
from clients import ACCEPT, expect_jsonrpc_error, response_to, run, stateless_request

SAMPLE_BOOKS = "SELECT COUNT(*) FROM books"


async def assert_still_answers(session: Any, server: Any) -> None:
    counted = await session.call("count_books")
    assert counted["count"] == database.count(server.database, SAMPLE_BOOKS)


# name: (tool, arguments, words the message must contain)
BAD_ARGUMENTS: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    "unknown-column-in-where": ("list_books", {"where": {"author": "Jane Austen"}}, ["author"]),
    "unknown-column-in-order-by": ("list_books", {"order_by": [{"column": "rank"}]}, ["rank"]),
    "unknown-column-in-columns": ("list_books", {"columns": ["id", "subtitle"]}, ["subtitle"]),
    "unknown-column-in-count": ("count_books", {"where": {"nope": 1}}, ["nope"]),
    "unknown-key-column-in-get": ("get_books", {"id": 1, "isbn": "x"}, ["isbn"]),
    "missing-key-column-in-get": ("get_book_authors", {"book_id": 1}, ["author_id"]),
    "unknown-argument": ("list_books", {"filter": {"id": 1}}, ["filter"]),
    "unknown-operator": ("list_books", {"where": {"pages": {"between": [1, 2]}}}, ["between"]),
    "text-for-an-integer": ("list_books", {"where": {"pages": {"gt": "many"}}}, ["pages"]),
    "text-for-a-decimal": ("list_books", {"where": {"price": "cheap"}}, ["price"]),
    "text-for-a-date": ("list_books", {"where": {"published": "yesterday"}}, ["published"]),
    "text-for-a-boolean": ("count_books", {"where": {"in_stock": "yes"}}, ["in_stock"]),
    "value-outside-the-enum": ("count_books", {"where": {"genre": "horror"}}, ["genre"]),
    "text-for-the-key-in-get": ("get_books", {"id": "one"}, ["id"]),
    "null-in-an-operator": ("list_books", {"where": {"pages": {"gt": None}}}, ["is_null"]),
    "null-for-a-not-null-column": ("list_books", {"where": {"title": None}}, ["title"]),
    "like-on-a-number": ("list_books", {"where": {"pages": {"like": "4%"}}}, ["like"]),
    "limit-zero": ("list_books", {"limit": 0}, ["limit"]),
    "limit-text": ("list_books", {"limit": "ten"}, ["limit"]),
    "bad-direction": ("list_books", {"order_by": [{"column": "price", "direction": "sideways"}]}, ["direction"]),
    "garbage-cursor": ("list_books", {"cursor": "not-a-cursor"}, ["cursor"]),
    "cursor-of-another-order": ("list_books", {"cursor": "<from order_by price>"}, ["cursor"]),
    "cursor-of-another-table": ("list_authors", {"cursor": "<from list_books>"}, ["cursor"]),
    "unknown-table-in-describe": ("describe_table", {"table": "orders_2024"}, ["orders_2024"]),
    "describe-without-a-table": ("describe_table", {}, ["table"]),
    "arguments-to-list-tables": ("list_tables", {"verbose": True}, ["verbose"]),
}


async def real_cursor(session: Any, tool: str, arguments: dict[str, Any]) -> str:
    page = await session.call(tool, {**arguments, "limit": 2})
    assert page["next_cursor"], f"{tool} returned no next_cursor to reuse"
    return page["next_cursor"]


@pytest.mark.parametrize("tool, arguments, words", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_bad_arguments_are_a_tool_error_naming_the_problem(sample_server, transport, connect, tool, arguments, words):
    async def check():
        async with connect(sample_server, transport) as session:
            if arguments.get("cursor") == "<from order_by price>":
                arguments["cursor"] = await real_cursor(session, "list_books", {"order_by": [{"column": "price"}]})
            elif arguments.get("cursor") == "<from list_books>":
                arguments["cursor"] = await real_cursor(session, "list_books", {})
            message = await session.call_error(tool, arguments)
            missing = [word for word in words if word not in message]
            assert not missing, f"the message does not name {missing}: {message!r}"
            await assert_still_answers(session, sample_server)

    run(check)


def test_an_unknown_tool_is_a_jsonrpc_error(sample_server, transport, connect):
    async def check():
        async with connect(sample_server, transport) as session:
            error = await expect_jsonrpc_error(session.call_raw("drop_books", {}))
            assert error.code in (-32602, -32601), error
            assert "drop_books" in error.message
            await assert_still_answers(session, sample_server)

    run(check)


# --- the wire: HTTP --------------------------------------------------------------------------

def assert_http_server_still_answers(process: Any, server: Any) -> None:
    with httpx.Client(timeout=30) as http:
        response = stateless_request(http, process.url, 99, "tools/call", {"name": "count_books", "arguments": {}}, name="count_books")
        result = response_to(response, 99)["result"]
        assert result["structuredContent"]["count"] == database.count(server.database, SAMPLE_BOOKS)


def test_an_oversized_body_is_refused_with_413(sample_server, sample_http):
    titles = ["x" * 100] * 12_000  # about 1.2 MB, over the default 1 MiB limit
    with httpx.Client(timeout=30) as http:
        response = stateless_request(
            http, sample_http.url, 1, "tools/call", {"name": "count_books", "arguments": {"where": {"title": {"in": titles}}}}, name="count_books"
        )
    assert response.status_code == 413, f"HTTP {response.status_code}: {response.text[:200]}"
    assert_http_server_still_answers(sample_http, sample_server)



def test_malformed_json_over_http_is_a_jsonrpc_parse_error(sample_http):
    with httpx.Client(timeout=30) as http:
        response = http.post(
            sample_http.url,
            headers={"Accept": ACCEPT, "Content-Type": "application/json"},
            content=b'{"jsonrpc": "2.0", "id": 1, "method": ',
        )
    assert response.headers.get("content-type", "").startswith(("application/json", "text/event-stream")), (
        f"HTTP {response.status_code} {response.headers.get('content-type')}: {response.text[:200]}"
    )
    assert response_to(response, None)["error"]["code"] == -32700


def test_the_http_server_still_answers_after_malformed_json(sample_server, sample_http):
    with httpx.Client(timeout=30) as http:
        response = http.post(sample_http.url, headers={"Accept": ACCEPT, "Content-Type": "application/json"}, content=b"{not json")
    assert response.status_code >= 400
    assert_http_server_still_answers(sample_http, sample_server)



def test_json_that_is_not_jsonrpc_over_http_is_an_invalid_request_error(sample_http):
    with httpx.Client(timeout=30) as http:
        response = http.post(sample_http.url, headers={"Accept": ACCEPT, "Content-Type": "application/json"}, content=b'{"hello": "world"}')
    assert response.headers.get("content-type", "").startswith(("application/json", "text/event-stream")), (
        f"HTTP {response.status_code} {response.headers.get('content-type')}: {response.text[:200]}"
    )
    assert response_to(response, None)["error"]["code"] == -32600


# --- the wire: stdio -------------------------------------------------------------------------

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "mcpgen-e2e", "version": "0"}},
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
COUNT_BOOKS = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "count_books", "arguments": {}}}


def stdio_exchange(server: Any, bad_line: bytes) -> list[dict[str, Any]]:
    """Initializes over stdio, sends `bad_line`, then a count_books call; every message the
    server wrote but its initialize response. JSON-RPC does not order responses, so the error
    for `bad_line` may come before the initialize response."""
    lines = [json.dumps(INITIALIZE).encode(), json.dumps(INITIALIZED).encode(), bad_line, json.dumps(COUNT_BOOKS).encode()]
    completed = subprocess.run(
        [str(server.binary), "serve", "--database-url", server.database_url],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin", "MCPGEN_LOG": "warn"},
    )
    messages = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    initialize = [m for m in messages if m.get("id") == 1 and "result" in m]
    assert initialize, f"no initialize response; stdout {completed.stdout[:300]!r}, stderr {completed.stderr[:300]!r}"
    return [m for m in messages if m is not initialize[0]]


def test_the_stdio_server_still_answers_after_malformed_json(sample_server):
    messages = stdio_exchange(sample_server, b'{"jsonrpc": "2.0", "id": 9, "method": ')
    answers = [m for m in messages if m.get("id") == 2]
    assert answers and answers[0]["result"]["structuredContent"]["count"] == database.count(sample_server.database, SAMPLE_BOOKS)



def test_malformed_json_over_stdio_is_a_jsonrpc_parse_error(sample_server):
    messages = stdio_exchange(sample_server, b'{"jsonrpc": "2.0", "id": 9, "method": ')
    errors = [m for m in messages if "error" in m]
    assert errors, f"no error answered the malformed line; the server wrote {messages}"
    assert errors[0]["error"]["code"] == -32700


def test_json_that_is_not_jsonrpc_over_stdio_is_an_invalid_request_error(sample_server):
    messages = stdio_exchange(sample_server, b'{"hello": "world"}')
    errors = [m for m in messages if "error" in m]
    assert errors, f"no error answered the invalid request; the server wrote {messages}"
    assert errors[0]["error"]["code"] == -32600



def test_an_invalid_request_error_over_stdio_carries_id_null(sample_server):
    messages = stdio_exchange(sample_server, b'{"hello": "world"}')
    errors = [m for m in messages if "error" in m]
    assert errors, f"no error answered the invalid request; the server wrote {messages}"
    assert "id" in errors[0] and errors[0]["id"] is None, errors[0]

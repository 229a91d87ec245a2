"""Both protocol eras over Streamable HTTP, on the wire (httpx) and through the official SDK
(CONTRACT.md section 4): 2025-11-25 `initialize` with `Mcp-Session-Id` sessions, and the
stateless 2026-07-28 revision with `server/discover`."""

from __future__ import annotations

import json
import signal
from typing import Any

import anyio
import httpx
import mcp_types
import pytest

import database
import reporting
from clients import (
    ACCEPT,
    SESSION_VERSION,
    STATELESS_VERSION,
    initialize,
    messages_of,
    response_to,
    run,
    session_headers,
    stateless_meta,
    stateless_request,
    stdio_messages,
)
from contract import expected_tool_names


@pytest.fixture
def http():
    with httpx.Client(timeout=30) as client:
        yield client


# --- 2025-11-25: initialize and sessions -----------------------------------------------------

def test_initialize_opens_a_session_with_an_mcp_session_id(sample_http, http):
    response, session_id = initialize(http, sample_http.url)
    result = response_to(response, 1)["result"]
    assert result["protocolVersion"] == SESSION_VERSION
    assert "tools" in result["capabilities"]
    assert result["serverInfo"]["name"]
    assert session_id.isprintable() and " " not in session_id


def test_a_session_lists_tools_with_its_session_id(sample_server, sample_http, http):
    _, session_id = initialize(http, sample_http.url)
    response = http.post(sample_http.url, headers=session_headers(session_id), json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    tools = response_to(response, 2)["result"]["tools"]
    assert {tool["name"] for tool in tools} == expected_tool_names(sample_server.relations)


def test_a_session_calls_a_tool_with_its_session_id(sample_server, sample_http, http):
    _, session_id = initialize(http, sample_http.url)
    response = http.post(
        sample_http.url,
        headers=session_headers(session_id),
        json={"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "count_books", "arguments": {}}},
    )
    result = response_to(response, 2)["result"]
    assert result["structuredContent"] == {"count": database.count(sample_server.database, "SELECT COUNT(*) FROM books")}


def test_a_request_without_the_session_id_is_refused_with_400(sample_http, http):
    initialize(http, sample_http.url)
    response = http.post(
        sample_http.url,
        headers={"Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    )
    assert response.status_code == 400, response.text


def test_delete_ends_the_session(sample_http, http):
    _, session_id = initialize(http, sample_http.url)
    deleted = http.delete(sample_http.url, headers=session_headers(session_id))
    assert deleted.status_code in (200, 202, 204), deleted.text
    after = http.post(sample_http.url, headers=session_headers(session_id), json={"jsonrpc": "2.0", "id": 3, "method": "tools/list"})
    assert after.status_code == 404, f"a request in a deleted session answered HTTP {after.status_code}: {after.text[:200]}"


def test_an_unknown_method_in_a_session_is_method_not_found(sample_http, http):
    _, session_id = initialize(http, sample_http.url)
    response = http.post(sample_http.url, headers=session_headers(session_id), json={"jsonrpc": "2.0", "id": 7, "method": "tables/drop"})
    assert response_to(response, 7)["error"]["code"] == -32601


# --- 2026-07-28: stateless -------------------------------------------------------------------

def test_server_discover_offers_the_stateless_revision(sample_http, http):
    response = stateless_request(http, sample_http.url, 1, "server/discover")
    assert response.status_code == 200, response.text
    result = response_to(response, 1)["result"]
    assert STATELESS_VERSION in result["supportedVersions"]
    assert "tools" in result["capabilities"]
    assert "mcp-session-id" not in response.headers


def test_stateless_discover_list_and_call_need_no_session(sample_server, sample_http, http):
    discovered = stateless_request(http, sample_http.url, 1, "server/discover")
    assert response_to(discovered, 1)["result"]["supportedVersions"]
    listed = stateless_request(http, sample_http.url, 2, "tools/list")
    tools = response_to(listed, 2)["result"]["tools"]
    assert {tool["name"] for tool in tools} == expected_tool_names(sample_server.relations)
    called = stateless_request(http, sample_http.url, 3, "tools/call", {"name": "count_authors", "arguments": {}}, name="count_authors")
    result = response_to(called, 3)["result"]
    assert result["structuredContent"] == {"count": database.count(sample_server.database, "SELECT COUNT(*) FROM authors")}
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]
    for response in (discovered, listed, called):
        assert "mcp-session-id" not in response.headers, "a stateless response carries an Mcp-Session-Id"


def test_an_unknown_method_without_a_session_is_method_not_found(sample_http, http):
    response = stateless_request(http, sample_http.url, 4, "tables/drop")
    assert response_to(response, 4)["error"]["code"] == -32601


def test_a_stateless_call_whose_mcp_name_header_disagrees_is_refused(sample_http, http):
    response = stateless_request(http, sample_http.url, 5, "tools/call", {"name": "count_books", "arguments": {}}, name="count_authors")
    assert response.status_code == 400, response.text
    assert response_to(response, 5)["error"]["code"] == mcp_types.HEADER_MISMATCH


# --- the official SDK in each mode -----------------------------------------------------------

MODES = {"legacy": SESSION_VERSION, "auto": STATELESS_VERSION, STATELESS_VERSION: STATELESS_VERSION}


@pytest.mark.parametrize("mode", MODES)
def test_the_sdk_client_works_in_each_mode(sample_server, transport, connect, mode):
    async def check():
        async with connect(sample_server, transport, mode) as session:
            assert session.client.protocol_version == MODES[mode]
            assert set(session.tools) == expected_tool_names(sample_server.relations)
            counted = await session.call("count_book_authors")
            assert counted["count"] == database.count(sample_server.database, "SELECT COUNT(*) FROM book_authors")

    run(check)


# --- the HTTP process ------------------------------------------------------------------------

def test_concurrent_requests_are_all_answered(sample_server, sample_http):
    """50 stateless calls, 10 at a time, each answered with the right count."""
    expected = database.count(sample_server.database, "SELECT COUNT(*) FROM books WHERE pages > 300")
    answers: list[int] = []

    async def one(http: httpx.AsyncClient, request_id: int) -> None:
        body = {
            "jsonrpc": "2.0", "id": request_id, "method": "tools/call",
            "params": {"name": "count_books", "arguments": {"where": {"pages": {"gt": 300}}}, "_meta": stateless_meta()},
        }
        headers = {"Accept": ACCEPT, "MCP-Protocol-Version": STATELESS_VERSION, "Mcp-Method": "tools/call", "Mcp-Name": "count_books"}
        response = await http.post(sample_http.url, json=body, headers=headers)
        answers.append(response_to(response, request_id)["result"]["structuredContent"]["count"])

    async def all_of_them() -> None:
        limiter = anyio.CapacityLimiter(10)
        async with httpx.AsyncClient(timeout=30) as http, anyio.create_task_group() as group:
            for request_id in range(50):
                async def limited(request_id: int = request_id) -> None:
                    async with limiter:
                        await one(http, request_id)
                group.start_soon(limited)

    run(all_of_them)
    assert answers == [expected] * 50


def test_the_http_server_stops_cleanly_on_sigterm(sample_server, http_servers):
    process = http_servers.start_separate(sample_server, "sigterm")
    try:
        process.process.send_signal(signal.SIGTERM)
        status = process.process.wait(timeout=10)
    finally:
        process.stop()
    assert status == 0, f"exit status {status} after SIGTERM; log:\n{process.log()}"


def test_healthz_answers_200(sample_http, http):
    response = http.get(f"{sample_http.base_url}/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize("server_name", ["bookshop", "sample", "chinook_live", "chinook_ddl"])
def test_tools_list_is_one_page_and_its_size_is_recorded(request, http_servers, http, server_name):
    """Records the byte size of the `tools` array as the server sends it, for report.json."""
    server = request.getfixturevalue(f"{server_name}_server")
    process = http_servers.of(server)
    response = stateless_request(http, process.url, 1, "tools/list")
    message = response_to(response, 1)
    result = message["result"]
    assert "nextCursor" not in result or result["nextCursor"] is None
    assert {tool["name"] for tool in result["tools"]} == expected_tool_names(server.relations)
    tools_json = json.dumps(result["tools"], ensure_ascii=False, separators=(",", ":")).encode()
    message_json = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    reporting.MEASUREMENTS.setdefault("tools_list", {})[server_name] = {
        "tools": len(result["tools"]),
        "tools_array_bytes": len(tools_json),
        "jsonrpc_response_bytes": len(message_json),
        "http_body_bytes": len(response.content),
    }


# --- malformed requests: the JSON-RPC error that says what is wrong, on every way in ---------

def nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def call(arguments: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "count_books", "arguments": arguments}}


def request(method: str, **members: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 5, "method": method, **members}


# name: (the message, its JSON-RPC error code, the id of the error response, words its message has)
MALFORMED: dict[str, tuple[bytes, int, Any, list[str]]] = {
    name: (message if isinstance(message, bytes) else json.dumps(message).encode(), code, error_id, words)
    for name, (message, code, error_id, words) in {
        "arguments-an-array": (call([1, 2]), -32602, 5, ["tools/call", "`arguments` must be an object", "got an array"]),
        "arguments-a-string": (call("pages > 300"), -32602, 5, ["tools/call", "`arguments` must be an object", "got a string"]),
        "tools-call-without-params": (request("tools/call"), -32602, 5, ["tools/call", "`params` is required"]),
        "tools-call-without-a-name": (request("tools/call", params={"arguments": {}}), -32602, 5, ["`name` is required"]),
        "tools-call-params-an-array": (request("tools/call", params=["count_books"]), -32602, 5, ["`params` must be an object"]),
        "tools-list-cursor-a-number": (request("tools/list", params={"cursor": 5}), -32602, 5, ["tools/list", "`cursor` must be a string"]),
        "ping-params-a-string": (request("ping", params="now"), -32602, 5, ["ping", "`params` must be an object"]),
        "initialize-params-an-array": (request("initialize", params=[SESSION_VERSION]), -32602, 5, ["initialize", "`params` must be an object"]),
        "initialize-without-client-info": (
            request("initialize", params={"protocolVersion": SESSION_VERSION, "capabilities": {}}), -32602, 5, ["initialize", "`clientInfo` is required"],
        ),
        "discover-params-an-array": (request("server/discover", params=[]), -32602, 5, ["server/discover", "`params` must be an object"]),
        "meta-a-string": (request("tools/list", params={"_meta": "x"}), -32602, 5, ["`params._meta` must be an object"]),
        "id-an-object": ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}, -32600, None, ['"id" must be a string or an integer', "got an object"]),
        "id-an-array": ({"jsonrpc": "2.0", "id": [5], "method": "tools/list"}, -32600, None, ['"id" must be a string or an integer', "got an array"]),
        "id-a-boolean": ({"jsonrpc": "2.0", "id": True, "method": "tools/list"}, -32600, None, ['"id" must be a string or an integer', "got true"]),
        "id-a-fraction": ({"jsonrpc": "2.0", "id": 1.5, "method": "tools/list"}, -32600, None, ['"id" must be a string or an integer', "1.5"]),
        "id-null": ({"jsonrpc": "2.0", "id": None, "method": "tools/list"}, -32600, None, ['"id" must be a string or an integer', "got null"]),
        "method-a-number": ({"jsonrpc": "2.0", "id": 5, "method": 5}, -32600, 5, ['"method" must be a string']),
        "a-batch": (b'[{"jsonrpc": "2.0", "id": 5, "method": "ping"}]', -32600, None, ["no batches"]),
        "nested-too-deep": (
            f'{{"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {{"name": "count_books", "arguments": {{"where": {nested(200)}}}}}}}'.encode(),
            -32700, None, ["127 levels deep"],
        ),
    }.items()
}

WAYS_IN = ["stdio", "http-session", "http-stateless"]


def error_for(way: str, server: Any, process: Any, message: bytes) -> dict[str, Any]:
    """The error response to `message`, sent over stdio, in a 2025-11-25 session, or as a
    2026-07-28 stateless request; over HTTP it comes with status 400."""
    if way == "stdio":
        errors = [m for m in stdio_messages(server.binary, server.database_url, message) if "error" in m]
        assert len(errors) == 1, f"expected one error response, got {errors}"
        return errors[0]
    with httpx.Client(timeout=30) as http:
        if way == "http-session":
            _, session_id = initialize(http, process.url)
            headers = session_headers(session_id)
        else:
            headers = {"Accept": ACCEPT, "MCP-Protocol-Version": STATELESS_VERSION}
        response = http.post(process.url, content=message, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400, f"HTTP {response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize("message, code, error_id, words", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_gets_the_jsonrpc_error_saying_what_is_wrong(sample_server, sample_http, way, message, code, error_id, words):
    error = error_for(way, sample_server, sample_http, message)
    assert error["jsonrpc"] == "2.0"
    assert error["error"]["code"] == code, error
    assert "id" in error and error["id"] == error_id, error
    missing = [word for word in words if word not in error["error"]["message"]]
    assert not missing, f"the message does not say {missing}: {error['error']['message']!r}"


def test_every_malformed_line_over_stdio_is_answered_even_when_stdin_closes_right_after(sample_server):
    """The answers to lines the server refuses itself are owed even when the client closes
    stdin at once: all 300 come back, in order, next to the one valid call's result."""
    lines = [
        b'{"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "count_books", "arguments": "x"}}' % n
        for n in range(300)
    ]
    valid = {"jsonrpc": "2.0", "id": "valid", "method": "tools/call", "params": {"name": "count_books", "arguments": {}}}
    messages = stdio_messages(sample_server.binary, sample_server.database_url, valid, *lines)
    errors = [m["id"] for m in messages if "error" in m]
    assert errors == list(range(300)), f"{len(errors)} of 300 malformed lines answered"
    assert any(m.get("id") == "valid" and "result" in m for m in messages)


# name: (params, the Mcp-Name header a stateless request carries)
NOT_OFFERED: dict[str, tuple[dict[str, Any], str | None]] = {
    "resources/list": ({}, None),
    "resources/templates/list": ({}, None),
    "resources/read": ({"uri": "file:///etc/passwd"}, "file:///etc/passwd"),
    "resources/subscribe": ({"uri": "file:///etc/passwd"}, "file:///etc/passwd"),
    "prompts/list": ({}, None),
    "prompts/get": ({"name": "summarize"}, "summarize"),
    "completion/complete": ({"ref": {"type": "ref/prompt", "name": "summarize"}, "argument": {"name": "a", "value": ""}}, None),
    "logging/setLevel": ({"level": "debug"}, None),
}


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize("method", NOT_OFFERED)
def test_a_method_of_a_capability_the_server_does_not_advertise_is_method_not_found(sample_server, sample_http, way, method):
    params, name = NOT_OFFERED[method]
    if way == "stdio":
        replies = stdio_messages(sample_server.binary, sample_server.database_url, {"jsonrpc": "2.0", "id": 5, "method": method, "params": params})
        error = next(m for m in replies if m.get("id") == 5)
    else:
        with httpx.Client(timeout=30) as http:
            if way == "http-session":
                _, session_id = initialize(http, sample_http.url)
                response = http.post(sample_http.url, headers=session_headers(session_id), json={"jsonrpc": "2.0", "id": 5, "method": method, "params": params})
            else:
                response = stateless_request(http, sample_http.url, 5, method, params, name=name)
        error = response_to(response, 5)
    assert "result" not in error, f"{method} answered {error}"
    assert error["error"]["code"] == -32601, error
    assert method in error["error"]["message"], error


def test_the_server_advertises_tools_only(sample_http, http):
    response, _ = initialize(http, sample_http.url)
    capabilities = response_to(response, 1)["result"]["capabilities"]
    assert set(capabilities) - {"experimental", "extensions"} == {"tools"}, capabilities


COUNT_BOOKS = {"name": "count_books", "arguments": {}}


@pytest.mark.parametrize("way", WAYS_IN)
def test_the_server_still_answers_after_malformed_requests(sample_server, sample_http, way):
    """Every malformed message of the table, then a tool call, in one process or session."""
    malformed = [message for message, _, _, _ in MALFORMED.values()]
    if way == "stdio":
        last = {"jsonrpc": "2.0", "id": "last", "method": "tools/call", "params": COUNT_BOOKS}
        answers = [m for m in stdio_messages(sample_server.binary, sample_server.database_url, *malformed, last) if m.get("id") == "last"]
    else:
        with httpx.Client(timeout=30) as http:
            if way == "http-session":
                _, session_id = initialize(http, sample_http.url)
                headers = session_headers(session_id)
            else:
                headers = {"Accept": ACCEPT}
            for message in malformed:
                refused = http.post(sample_http.url, content=message, headers={**headers, "Content-Type": "application/json"})
                assert refused.status_code == 400, refused.text
            if way == "http-session":
                response = http.post(sample_http.url, headers=headers, json={"jsonrpc": "2.0", "id": "last", "method": "tools/call", "params": COUNT_BOOKS})
            else:
                response = stateless_request(http, sample_http.url, "last", "tools/call", COUNT_BOOKS, name="count_books")
        answers = [message for message in messages_of(response) if message.get("id") == "last"]
    assert answers, "the tool call after the malformed requests got no answer"
    assert answers[0]["result"]["structuredContent"]["count"] == database.count(sample_server.database, "SELECT COUNT(*) FROM books")

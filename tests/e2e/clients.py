"""Talking to a server as MCP clients do: the official Python SDK (`mcp.Client`) for tool
calls, and raw HTTP (httpx) where the tests look at the wire itself.

Every successful tool call goes through `ToolSession.call`, which checks what CONTRACT.md
promises of every result: the arguments sent validate against the tool's `inputSchema`,
`structuredContent` validates against its `outputSchema`, and a text block carries the same
JSON.
"""

from __future__ import annotations

import json
import subprocess
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

import anyio
import httpx
import jsonschema
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError

from servers import with_profile

PAGE_LIMIT_GUARD = 20_000
"""The most pages one paging loop reads before it calls the cursor endless."""

STATELESS_VERSION = "2026-07-28"
SESSION_VERSION = "2025-11-25"


def run(check: Any, *args: Any) -> Any:
    """Runs an async test body; a failure inside the SDK's task groups is raised as itself,
    not wrapped in exception groups."""
    try:
        return anyio.run(check, *args)
    except BaseExceptionGroup as group:
        leaves = list(_leaves(group))
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group: BaseExceptionGroup) -> Any:
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            yield from _leaves(error)
        else:
            yield error


def schema_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A validator of `schema` (JSON Schema 2020-12 unless it says otherwise, as MCP has it)
    that also checks the `format`s it knows (date, uuid, ...)."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors_of(validator: Any, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ][:10]


def stdio_parameters(binary: str, database_url: str, *extra: str) -> StdioServerParameters:
    """`BINARY serve` over stdio with the typed tools (whatever the schema's size), unless
    `extra` names another profile."""
    return StdioServerParameters(
        command=binary,
        args=["serve", "--database-url", database_url, *with_profile(extra)],
        env={"MCPGEN_LOG": "warn"},
    )


@dataclass
class ToolSession:
    """An open SDK client and the tools it listed."""

    client: Client
    tools: dict[str, Any] = field(default_factory=dict)
    _validators: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    async def list_tools(self) -> list[Any]:
        """Every tool, following `nextCursor`."""
        tools, cursor = [], None
        for _ in range(100):
            page = await self.client.list_tools(cursor=cursor)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        else:
            raise AssertionError("tools/list kept returning nextCursor for 100 pages")
        self.tools = {tool.name: tool for tool in tools}
        self._validators.clear()
        return tools

    def tool(self, name: str) -> Any:
        assert name in self.tools, f"the server lists no tool {name!r}; it lists {sorted(self.tools)}"
        return self.tools[name]

    async def call_raw(self, name: str, arguments: dict[str, Any]) -> Any:
        return await self.client.call_tool(name, arguments)

    def validators(self, name: str) -> tuple[Any, Any]:
        """The validators of a tool's input and output schemas (made once per tool)."""
        if name not in self._validators:
            tool = self.tool(name)
            assert tool.output_schema is not None, f"{name} has no outputSchema"
            self._validators[name] = (schema_validator(tool.input_schema), schema_validator(tool.output_schema))
        return self._validators[name]

    async def call(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        """Calls a tool that must succeed; its `structuredContent`, checked."""
        arguments = arguments or {}
        input_validator, output_validator = self.validators(name)
        problems = errors_of(input_validator, arguments)
        assert not problems, f"valid arguments {arguments} do not validate against the inputSchema of {name}: {problems}"
        result = await self.client.call_tool(name, arguments)
        text = tool_text(result)
        assert not result.is_error, f"{name}({json.dumps(arguments)}) failed: {text}"
        structured = result.structured_content
        assert structured is not None, f"{name} returned no structuredContent"
        problems = errors_of(output_validator, structured)
        assert not problems, f"structuredContent of {name}({json.dumps(arguments)}) breaks its outputSchema: {problems}"
        assert text is not None, f"{name} returned no text block"
        assert json.loads(text) == structured, f"the text block of {name} is not the JSON of its structuredContent"
        return structured

    async def call_error(self, name: str, arguments: dict[str, Any]) -> str:
        """Calls a tool that must fail with a tool result (`isError: true`); its message."""
        result = await self.client.call_tool(name, arguments)
        text = tool_text(result) or ""
        assert result.is_error, (
            f"{name}({json.dumps(arguments)}) should fail with isError true, but it succeeded: "
            f"{json.dumps(result.structured_content)[:300]}"
        )
        assert text.strip(), f"{name}({json.dumps(arguments)}) failed without a message"
        return text

    async def page_through(self, tool: str, arguments: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], int]:
        """Every row of a `list_T` tool, following `next_cursor`; the rows and the page count."""
        arguments = dict(arguments or {})
        rows: list[dict[str, Any]] = []
        limit = arguments.get("limit")
        for page in range(1, PAGE_LIMIT_GUARD + 1):
            result = await self.call(tool, arguments)
            if limit is not None:
                assert len(result["rows"]) <= limit, f"{tool} returned {len(result['rows'])} rows for limit {limit}"
            rows.extend(result["rows"])
            cursor = result["next_cursor"]
            if cursor is None:
                return rows, page
            assert result["rows"], f"{tool} returned an empty page with a next_cursor"
            arguments["cursor"] = cursor
        raise AssertionError(f"{tool} returned a next_cursor on each of {PAGE_LIMIT_GUARD} pages")


def tool_text(result: Any) -> str | None:
    """The first text block of a tool result."""
    for block in result.content:
        if getattr(block, "type", None) == "text":
            return block.text
    return None


@asynccontextmanager
async def open_session(server: str | StdioServerParameters, mode: str = "auto") -> AsyncIterator[ToolSession]:
    """An SDK client connected in `mode` ("legacy", "auto" or "2026-07-28"), tools listed."""
    async with Client(server, mode=mode, read_timeout_seconds=60) as client:
        session = ToolSession(client)
        await session.list_tools()
        yield session


async def expect_jsonrpc_error(call: Any) -> MCPError:
    try:
        await call
    except MCPError as error:
        return error
    raise AssertionError("the request succeeded, but a JSON-RPC error was expected")


# --- raw HTTP --------------------------------------------------------------------------------

ACCEPT = "application/json, text/event-stream"


def messages_of(response: httpx.Response) -> list[dict[str, Any]]:
    """The JSON-RPC messages of a response: its JSON body, or the `data` of its SSE events."""
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        body = response.json()
        return body if isinstance(body, list) else [body]
    if kind.startswith("text/event-stream"):
        found, data = [], []
        for line in response.text.splitlines() + [""]:
            if line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif line == "":
                text = "\n".join(data).strip()
                if text:
                    found.append(json.loads(text))
                data = []
        return found
    return []


def response_to(response: httpx.Response, request_id: Any) -> dict[str, Any]:
    """The JSON-RPC response with `request_id` in an HTTP response."""
    for message in messages_of(response):
        if message.get("id") == request_id and ("result" in message or "error" in message):
            return message
    raise AssertionError(
        f"no JSON-RPC response to id {request_id!r} in HTTP {response.status_code} "
        f"({response.headers.get('content-type')}): {response.text[:500]}"
    )


def stateless_meta() -> dict[str, Any]:
    """The `_meta` every 2026-07-28 request carries."""
    return {
        "io.modelcontextprotocol/protocolVersion": STATELESS_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "mcpgen-e2e", "version": "0"},
    }


def stateless_request(http: httpx.Client, url: str, request_id: int, method: str, params: dict[str, Any] | None = None, *, name: str | None = None) -> httpx.Response:
    """A 2026-07-28 request: `_meta` with the protocol version and client capabilities, and
    the MCP-Protocol-Version, Mcp-Method (and Mcp-Name) headers."""
    headers = {"Accept": ACCEPT, "MCP-Protocol-Version": STATELESS_VERSION, "Mcp-Method": method}
    if name is not None:
        headers["Mcp-Name"] = name
    body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": {**(params or {}), "_meta": stateless_meta()}}
    return http.post(url, json=body, headers=headers)


def initialize(http: httpx.Client, url: str) -> tuple[httpx.Response, str]:
    """A 2025-11-25 handshake (initialize + notifications/initialized); the response and the
    session id."""
    response = http.post(
        url,
        headers={"Accept": ACCEPT},
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": SESSION_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "mcpgen-e2e", "version": "0"},
            },
        },
    )
    session_id = response.headers.get("mcp-session-id")
    assert session_id, f"initialize answered HTTP {response.status_code} without an Mcp-Session-Id header: {response.text[:300]}"
    notified = http.post(
        url,
        headers=session_headers(session_id),
        json={"jsonrpc": "2.0", "method": "notifications/initialized"},
    )
    assert notified.status_code == 202, f"notifications/initialized answered HTTP {notified.status_code}: {notified.text[:300]}"
    return response, session_id


def session_headers(session_id: str) -> dict[str, str]:
    return {"Accept": ACCEPT, "Mcp-Session-Id": session_id, "MCP-Protocol-Version": SESSION_VERSION}


# --- raw stdio -------------------------------------------------------------------------------

STDIO_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": "init",
    "method": "initialize",
    "params": {"protocolVersion": SESSION_VERSION, "capabilities": {}, "clientInfo": {"name": "mcpgen-e2e", "version": "0"}},
}


def stdio_messages(binary: Any, database_url: str, *lines: bytes | dict[str, Any], extra_args: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Runs `BINARY serve` over stdio: initializes, sends each line (a dict as its JSON, bytes
    as they are), closes stdin; every message the server wrote but its initialize response."""
    sent = [STDIO_INITIALIZE, {"jsonrpc": "2.0", "method": "notifications/initialized"}, *lines]
    raw = b"".join((line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n" for line in sent)
    completed = subprocess.run(
        [str(binary), "serve", "--database-url", database_url, *with_profile(extra_args)],
        input=raw,
        capture_output=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "MCPGEN_LOG": "warn"},
    )
    messages = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    initialized = [m for m in messages if m.get("id") == "init" and "result" in m]
    assert initialized, f"no initialize response; stdout {completed.stdout[:300]!r}, stderr {completed.stderr[:300]!r}"
    return [m for m in messages if m is not initialized[0]]

"""Real OAuth clients against the sample server as its own authorization server
(`[auth] mode = "oauth"`, CONTRACT section 7):

- the official Python SDK's `OAuthClientProvider`: discovery from the 401, dynamic client
  registration, PKCE, the login page (answered headlessly by `oauth_flow.sign_in`), the code
  with `iss`, the token, tool calls, and a refresh when the access token expires;
- the official TypeScript SDK's OAuth client (`node/ts_sdk_oauth.mjs`), the same way;
- the conformance suite's authorization-server scenarios (`conformance authorization`: RFC 8414
  metadata, and the authorization-code grant with its callback);
- the login page in a real headless Chromium (Debian's, through playwright-core): a person
  signs in, ticks an elevated scope, and the client's token carries it."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlencode, urlparse

import anyio
import httpx
import jwt
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

import reporting
from clients import ToolSession, run
from conftest import NODE, REQUIRE_SERVICES, need_node_tool
from oauth_flow import USERS, oauth_config, pkce, register, sign_in
from servers import E2E_OUT, free_port

ACCESS_TOKEN_TTL_S = 4


class OAuthServer:
    """The sample server over HTTP in oauth mode, writes served, short-lived access tokens."""

    def __init__(self, sample_server: Any, http_servers: Any, config: Path) -> None:
        self.process = http_servers.start_separate(sample_server, "oauth-clients", "--config", str(config), "--allow-writes")

    @property
    def base_url(self) -> str:
        return self.process.base_url

    @property
    def url(self) -> str:
        return self.process.url


@pytest.fixture(scope="module")
def oauth_server(sample_server, http_servers, tmp_path_factory) -> Iterator[OAuthServer]:
    config = tmp_path_factory.mktemp("oauth-clients") / "mcpgen.toml"
    config.write_text(oauth_config(sample_server.binary, f"access_token_ttl_s = {ACCESS_TOKEN_TTL_S}"))
    server = OAuthServer(sample_server, http_servers, config)
    yield server
    server.process.stop()


def unverified_claims(token: str) -> dict[str, Any]:
    """What an access token says (its signature is the server's business, checked by the calls)."""
    return jwt.decode(token, options={"verify_signature": False})


# --- the official Python SDK ------------------------------------------------------------------

class MemoryStorage:
    """The SDK's TokenStorage, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


class HeadlessPerson:
    """The SDK's redirect and callback handlers: the person signs in at the page the SDK opens,
    as `username`, and the redirect's code, state and iss go back to the SDK."""

    def __init__(self, username: str) -> None:
        self.username = username
        self.pages: list[str] = []
        self.location: str | None = None

    async def redirect(self, authorization_url: str) -> None:
        self.pages.append(authorization_url)
        password = USERS[self.username][0]
        self.location = await anyio.to_thread.run_sync(lambda: sign_in(authorization_url, self.username, password))

    async def callback(self) -> AuthorizationCodeResult:
        assert self.location is not None, "the SDK asked for the callback before opening the page"
        query = parse_qs(urlparse(self.location).query)
        assert "error" not in query, f"the server refused: {query}"
        return AuthorizationCodeResult(code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0])


def sdk_provider(url: str, person: HeadlessPerson, storage: MemoryStorage) -> OAuthClientProvider:
    metadata = OAuthClientMetadata(
        client_name="mcpgen e2e (Python SDK)",
        redirect_uris=["http://127.0.0.1:33418/callback"],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(server_url=url, client_metadata=metadata, storage=storage, redirect_handler=person.redirect, callback_handler=person.callback)


def test_the_python_sdk_signs_in_through_discovery_registration_and_pkce_and_calls_tools(oauth_server):
    person, storage = HeadlessPerson("bob"), MemoryStorage()

    async def check() -> tuple[int, set[str]]:
        http_client = create_mcp_http_client(auth=sdk_provider(oauth_server.url, person, storage))
        async with http_client, Client(streamable_http_client(oauth_server.url, http_client=http_client), read_timeout_seconds=60, cache=None) as client:
            session = ToolSession(client)
            await session.list_tools()
            return (await session.call("count_books", {}))["count"], set(session.tools)

    count, tools = run(check)
    assert count > 0
    assert len(person.pages) == 1, person.pages
    page = urlparse(person.pages[0])
    query = parse_qs(page.query)
    assert f"{page.scheme}://{page.netloc}" == oauth_server.base_url and page.path == "/authorize", person.pages[0]
    assert query["code_challenge_method"] == ["S256"] and query["resource"][0].startswith(oauth_server.base_url), query
    assert storage.client is not None and storage.client.client_id, "the SDK registered no client"
    assert storage.tokens is not None and storage.tokens.refresh_token, "no refresh token was issued"
    claims = unverified_claims(storage.tokens.access_token)
    assert claims["sub"] == "bob" and claims["iss"] == oauth_server.base_url, claims
    assert "count_books" in tools and not any(name.startswith(("insert_", "update_", "delete_")) for name in tools), tools
    assert iss_of(person.location) == oauth_server.base_url


def iss_of(location: str | None) -> str | None:
    return parse_qs(urlparse(location or "").query).get("iss", [None])[0]


def test_the_python_sdk_refreshes_an_expired_access_token_without_a_second_sign_in(oauth_server):
    person, storage = HeadlessPerson("alice"), MemoryStorage()

    async def check() -> list[int]:
        http_client = create_mcp_http_client(auth=sdk_provider(oauth_server.url, person, storage))
        async with http_client, Client(streamable_http_client(oauth_server.url, http_client=http_client), read_timeout_seconds=60, cache=None) as client:
            session = ToolSession(client)
            await session.list_tools()
            first = (await session.call("count_books", {}))["count"]
            await anyio.sleep(ACCESS_TOKEN_TTL_S + 1.5)
            second = (await session.call("count_books", {}))["count"]
            return [first, second]

    first_token: list[str] = []
    original = MemoryStorage.set_tokens

    async def remember(self: MemoryStorage, tokens: OAuthToken) -> None:
        first_token.append(tokens.access_token)
        await original(self, tokens)

    storage.set_tokens = remember.__get__(storage)  # type: ignore[method-assign]
    counts = run(check)
    assert counts[0] == counts[1] > 0
    assert len(person.pages) == 1, f"the person was asked to sign in {len(person.pages)} times"
    assert len(set(first_token)) >= 2, "the expired access token was never replaced"


# --- the official TypeScript SDK --------------------------------------------------------------

def test_the_typescript_sdk_signs_in_through_discovery_registration_and_pkce_and_calls_tools(oauth_server):
    modules = need_node_tool("@modelcontextprotocol/sdk/package.json").parent.parent.parent
    script = Path(__file__).parent / "node" / "ts_sdk_oauth.mjs"
    config = {"url": oauth_server.url, "username": "bob", "password": USERS["bob"][0], "tool": "count_books", "modules": str(modules)}
    done = subprocess.run([str(NODE), str(script), json.dumps(config)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] is None, result["error"]
    assert len(result["pages"]) == 1 and result["pages"][0].startswith(f"{oauth_server.base_url}/authorize?"), result["pages"]
    page = parse_qs(urlparse(result["pages"][0]).query)
    assert page["code_challenge_method"] == ["S256"], page
    assert result["registered"], "the SDK registered no client"
    assert result["tokens"]["refresh"] and result["tokens"]["type"].lower() == "bearer", result["tokens"]
    assert iss_of(result["redirect"]) == oauth_server.base_url, result["redirect"]
    assert "count_books" in result["tools"] and not any(name.startswith(("insert_", "delete_")) for name in result["tools"]), result["tools"]
    assert result["called"]["count"] > 0, result["called"]


# --- the conformance suite's authorization-server scenarios ----------------------------------

AS_SCENARIOS = ["authorization-server-metadata-endpoint", "authorization-code-grant"]


def test_the_conformance_suites_authorization_server_scenarios_pass(oauth_server, tmp_path):
    cli = need_node_tool("conformance-next/dist/index.js")
    port = free_port()
    client = register(oauth_server.base_url, f"http://127.0.0.1:{port}/callback")
    out = tmp_path / "conformance"
    env = {**os.environ, "PATH": f"{NODE.parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    command = [
        str(NODE), str(cli), "authorization", "--url", oauth_server.base_url, "--client-id", client["client_id"],
        "--resource", oauth_server.url, "--port", str(port), "--output-dir", str(out),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, stdin=subprocess.DEVNULL)
    printed: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line)
            if line.startswith(f"{oauth_server.base_url}/authorize?"):
                location = sign_in(line.strip(), "alice", USERS["alice"][0])
                assert location.startswith(f"http://127.0.0.1:{port}/callback?"), location
                assert httpx.get(location, timeout=30).status_code == 200
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    output = "".join(printed)
    results: dict[str, list[dict[str, Any]]] = {}
    for path in out.glob("authorization-server-*/checks.json"):
        # authorization-server-SCENARIO-2026-12-07T04-44-25-950Z
        name = re.sub(r"^authorization-server-(.*)-\d{4}-\d\d-\d\dT.*$", r"\1", path.parent.name)
        results[name] = json.loads(path.read_text())
    for scenario in AS_SCENARIOS:
        checks = results.get(scenario, [])
        statuses = [check.get("status") for check in checks]
        reason = "; ".join(f"{c.get('id')}: {c.get('errorMessage') or c.get('description')}" for c in checks)
        reporting.CONFORMANCE[f"authorization/{scenario}"] = {
            "status": "pass" if checks and all(s == "SUCCESS" for s in statuses) else "fail",
            "reason": reason or "no checks recorded",
            "checks": {s: statuses.count(s) for s in sorted(set(statuses))},
            "must_pass": True,
        }
    failed = {s: r for s, r in reporting.CONFORMANCE.items() if s.startswith("authorization/") and r["status"] != "pass"}
    assert not failed, f"{failed}\nthe suite printed:\n{output}"


# --- the login page in a real browser ---------------------------------------------------------

def chromium() -> str:
    """Debian's Chromium (`MCPGEN_CHROMIUM` names another)."""
    for candidate in (os.environ.get("MCPGEN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    if REQUIRE_SERVICES:
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run installs it)", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install chromium); the login page's browser test needs it")


def browser_sign_in(url: str, redirect: str, username: str, tick: list[str], screenshot: Path | None = None) -> dict[str, Any]:
    """`node/sign_in.mjs` in headless Chromium: what the page offered and where it went."""
    config = {
        "url": url, "username": username, "password": USERS[username][0], "tick": tick, "redirect": redirect,
        "screenshot": str(screenshot or ""), "chromium": chromium(),
        "modules": str(need_node_tool("playwright-core/package.json").parent.parent),
    }
    script = Path(__file__).parent / "node" / "sign_in.mjs"
    done = subprocess.run([str(NODE), str(script), json.dumps(config)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the browser script failed:\n{done.stderr}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["errors"], result
    return result


def authorization_url(server: OAuthServer, client_id: str, redirect: str, scope: str, challenge: str, state: str) -> str:
    return f"{server.base_url}/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect, "state": state,
        "code_challenge": challenge, "code_challenge_method": "S256", "scope": scope, "resource": server.url,
    })


def redeem(server: OAuthServer, client_id: str, redirect: str, location: str, verifier: str) -> dict[str, Any]:
    """The code in `location`, exchanged at /token."""
    code = parse_qs(urlparse(location).query)["code"][0]
    token = httpx.post(f"{server.base_url}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "client_id": client_id, "code_verifier": verifier, "resource": server.url,
    }, timeout=30)
    assert token.status_code == 200, token.text
    return token.json()


def test_a_person_signs_in_in_a_real_browser_ticks_an_elevated_scope_and_the_client_gets_it(oauth_server):
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    client = register(oauth_server.base_url, redirect)
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(16)
    url = authorization_url(oauth_server, client["client_id"], redirect, "mcp:read books:delete", challenge, state)
    result = browser_sign_in(url, redirect, "alice", ["books:delete"], E2E_OUT / "login-page.png")
    assert result["status"] == 200 and result["lang"], result
    assert result["labels"]["username"] and result["labels"]["password"], f"the fields have no labels: {result['labels']}"
    assert result["offered"] == ["books:delete"], f"the elevated scopes offered: {result['offered']}"
    foreign = [r for r in result["requests"] if not r.startswith((oauth_server.base_url, redirect))]
    assert not foreign, f"the page loaded from elsewhere: {foreign}"
    query = parse_qs(urlparse(result["redirected"]).query)
    assert query["state"] == [state] and query["iss"] == [oauth_server.base_url], query
    token = redeem(oauth_server, client["client_id"], redirect, result["redirected"], verifier)
    granted = set(token["scope"].split())
    assert granted == {"mcp:read", "books:delete"}, granted
    assert set(unverified_claims(token["access_token"])["scope"].split()) == granted


def test_an_elevated_scope_left_unticked_in_the_browser_is_not_granted(oauth_server):
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    client = register(oauth_server.base_url, redirect)
    verifier, challenge = pkce()
    url = authorization_url(oauth_server, client["client_id"], redirect, "mcp:read mcp:delete", challenge, "s")
    result = browser_sign_in(url, redirect, "alice", [])
    assert result["offered"] == ["mcp:delete"], result
    token = redeem(oauth_server, client["client_id"], redirect, result["redirected"], verifier)
    assert token["scope"].split() == ["mcp:read"], token

"""Authorization over HTTP (CONTRACT section 7), on the sample server with `[auth] mode = "oidc"`
and a tiny identity provider run by the test: a discovery document and the JWKS of an RSA key
made here, whose tokens the test signs itself with PyJWT. Each attack case is refused; API keys
made with `NAME keys create` work until `NAME keys revoke`, across a restart.

Tokens are sent only in `Authorization: Bearer`: the official SDK client carries the header
for MCP calls, httpx looks at the wire (401/403 and their `WWW-Authenticate` challenges)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from clients import open_session, run, stateless_request, stdio_parameters
from identity import KID, IdentityProvider, session_with

@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    yield provider
    provider.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


class AuthServer:
    """The sample server over HTTP with `[auth] mode = "oidc"` (writes served), its config
    file, and the audience its tokens carry."""

    def __init__(self, sample_server: Any, http_servers: Any, config: Path, label: str) -> None:
        self.sample_server, self.http_servers, self.config, self.label = sample_server, http_servers, config, label
        self.process = http_servers.start_separate(sample_server, label, "--config", str(config), "--allow-writes")

    @property
    def audience(self) -> str:
        return f"{self.process.base_url}/mcp"

    def restart(self) -> None:
        self.process.stop()
        self.process = self.http_servers.start_separate(self.sample_server, f"{self.label}-again", "--config", str(self.config), "--allow-writes")

    def keys(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.sample_server.binary), "keys", *args, "--config", str(self.config)], capture_output=True, text=True, timeout=60)


@pytest.fixture
def server(sample_server, http_servers, idp, tmp_path: Path) -> Iterator[AuthServer]:
    config = tmp_path / "mcpgen.toml"
    config.write_text(f'[auth]\nmode = "oidc"\nissuer = "{idp.issuer}"\n')
    started = AuthServer(sample_server, http_servers, config, "auth")
    yield started
    started.process.stop()


def call_tool(http: httpx.Client, url: str, token: str | None, name: str, arguments: dict[str, Any]) -> httpx.Response:
    """A raw 2026-07-28 tools/call, with the token in the Authorization header."""
    http.headers.pop("Authorization", None)
    if token is not None:
        http.headers["Authorization"] = f"Bearer {token}"
    try:
        return stateless_request(http, url, 7, "tools/call", {"name": name, "arguments": arguments}, name=name)
    finally:
        http.headers.pop("Authorization", None)


def challenge(response: httpx.Response) -> str:
    value = response.headers.get("www-authenticate", "")
    assert value.startswith("Bearer "), f"HTTP {response.status_code} without a Bearer challenge: {response.headers}"
    return value


# --- the resource server ---------------------------------------------------------------------

def test_a_request_without_a_token_gets_401_with_the_resource_metadata_challenge(server, http):
    response = call_tool(http, server.process.url, None, "list_books", {})
    assert response.status_code == 401, response.text
    value = challenge(response)
    assert f'resource_metadata="{server.process.base_url}/.well-known/oauth-protected-resource/mcp"' in value, value
    assert 'scope="mcp:read"' in value, value
    assert "Authorization: Bearer" in response.json()["error"]["message"]


def test_a_browser_preflight_is_answered_before_the_token_check_for_allowed_origins_only(server, http):
    """CORS, as the MCP Inspector's web UI needs it: the preflight carries no token."""
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,mcp-protocol-version"}
    allowed = http.options(server.process.url, headers={"Origin": "http://localhost:6274", **asked})
    assert allowed.status_code == 204, allowed.text
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:6274"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "POST" in allowed.headers["access-control-allow-methods"]
    refused = http.options(server.process.url, headers={"Origin": "https://evil.example", **asked})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    unauthorized = http.post(server.process.url, headers={"Origin": "http://localhost:6274", "Accept": "application/json, text/event-stream"}, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert unauthorized.status_code == 401
    assert unauthorized.headers["access-control-allow-origin"] == "http://localhost:6274"
    assert "www-authenticate" in unauthorized.headers["access-control-expose-headers"].lower()


def test_healthz_needs_no_token(server, http):
    assert http.get(f"{server.process.base_url}/healthz").status_code == 200


@pytest.mark.parametrize("suffix", ["", "/mcp"])
def test_the_protected_resource_metadata_names_the_issuer_the_scopes_and_the_header(server, idp, http, suffix):
    response = http.get(f"{server.process.base_url}/.well-known/oauth-protected-resource{suffix}")
    assert response.status_code == 200, response.text
    metadata = response.json()
    assert metadata["resource"] == f"{server.process.base_url}{suffix}"
    assert metadata["authorization_servers"] == [idp.issuer]
    assert metadata["bearer_methods_supported"] == ["header"]
    for scope in ["mcp:read", "mcp:write", "mcp:delete", "books:read", "books:write", "books:delete"]:
        assert scope in metadata["scopes_supported"], metadata["scopes_supported"]


def test_a_token_with_mcp_read_lists_only_read_tools_and_can_call_them(server, idp, sample_db):
    token = idp.token(server.audience, "mcp:read")

    async def check() -> None:
        async with session_with(server.process.url, token) as session:
            assert "list_books" in session.tools and "count_authors" in session.tools
            for tool in session.tools.values():
                assert tool.annotations is not None and tool.annotations.read_only_hint, f"{tool.name} is listed to a reader"
            result = await session.call("count_books", {})
            assert result["count"] > 0

    run(check)


def test_a_per_table_scope_lists_only_that_tables_tools(server, idp, http):
    token = idp.token(server.audience, "books:read")

    async def check() -> set[str]:
        async with session_with(server.process.url, token) as session:
            assert (await session.call("count_books", {}))["count"] > 0
            return set(session.tools)

    names = run(check)
    table_tools = {name for name in names if name not in {"list_tables", "describe_table", "list_routines"}}
    assert table_tools == {"list_books", "get_books", "count_books"}, names
    refused = call_tool(http, server.process.url, token, "list_authors", {})
    assert refused.status_code == 403, refused.text
    assert 'scope="authors:read"' in challenge(refused)


def test_scopes_are_applied_per_request_in_a_2025_11_25_session(server, idp):
    token = idp.token(server.audience, "books:read")

    async def check() -> set[str]:
        async with session_with(server.process.url, token, mode="legacy") as session:
            assert (await session.call("count_books", {}))["count"] > 0
            return set(session.tools)

    names = run(check)
    assert {"list_books", "count_books"} <= names and "count_authors" not in names, names


def test_stdio_is_not_authenticated_whatever_the_auth_mode(server, sample_server):
    async def check() -> set[str]:
        async with open_session(stdio_parameters(str(sample_server.binary), sample_server.database_url, "--config", str(server.config))) as session:
            return set(session.tools)

    assert "count_authors" in run(check)


def test_a_rotated_signing_key_is_fetched_when_a_token_names_it(server, idp, http):
    old = idp.token(server.audience, "mcp:read")
    assert call_tool(http, server.process.url, old, "count_books", {}).status_code == 200
    idp.rotate("test-key-2")
    # Unknown key ids fetch the keys again at most every 10 s (a flood of made-up kids
    # cannot make the server hammer the provider).
    time.sleep(10.5)
    new = idp.token(server.audience, "mcp:read")
    assert call_tool(http, server.process.url, new, "count_books", {}).status_code == 200
    assert call_tool(http, server.process.url, old, "count_books", {}).status_code == 401, "the provider no longer publishes the old key"


def test_a_write_tool_without_mcp_write_is_refused_with_403_naming_the_scope(server, idp, http):
    reader = idp.token(server.audience, "mcp:read")
    response = call_tool(http, server.process.url, reader, "insert_authors", {"rows": [{"name": "Nobody"}]})
    assert response.status_code == 403, response.text
    value = challenge(response)
    assert 'error="insufficient_scope"' in value and 'scope="authors:write"' in value, value
    assert "authors:write" in response.json()["error"]["message"]


def test_mcp_write_lists_inserts_and_updates_but_not_deletes(server, idp):
    token = idp.token(server.audience, "mcp:read mcp:write")

    async def check() -> set[str]:
        async with session_with(server.process.url, token) as session:
            return set(session.tools)

    names = run(check)
    assert {"insert_authors", "update_authors"} <= names, names
    assert not any(name.startswith("delete_") for name in names), names


def test_a_delete_needs_the_elevated_scope(server, idp):
    token = idp.token(server.audience, "mcp:read authors:delete")

    async def check() -> set[str]:
        async with session_with(server.process.url, token) as session:
            return set(session.tools)

    names = run(check)
    assert "delete_authors" in names and "delete_books" not in names, names


def test_scopes_come_from_the_claim_scopes_claim_names(sample_server, http_servers, idp, tmp_path):
    """As Auth0 has them: an array in `permissions`."""
    config = tmp_path / "permissions.toml"
    config.write_text(f'[auth]\nmode = "oidc"\nissuer = "{idp.issuer}"\nscopes_claim = "permissions"\n')
    started = AuthServer(sample_server, http_servers, config, "permissions")
    try:
        token = idp.token(started.audience, scope="", permissions=["books:read"])

        async def check() -> set[str]:
            async with session_with(started.process.url, token) as session:
                return set(session.tools)

        names = run(check)
        assert "count_books" in names and "count_authors" not in names, names
    finally:
        started.process.stop()


# --- attacks ---------------------------------------------------------------------------------

def unsigned(idp: IdentityProvider, audience: str) -> str:
    """A token with `alg: none` and no signature."""
    return jwt.encode({"iss": idp.issuer, "aud": audience, "sub": "mallory", "exp": int(time.time()) + 300, "scope": "mcp:read"}, None, algorithm="none")


def hmac_with_public_key(idp: IdentityProvider, audience: str) -> str:
    """A token signed with HS256, the provider's public key as the shared secret (the classic
    algorithm confusion)."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KID}).encode())
    payload = b64(json.dumps({"iss": idp.issuer, "aud": audience, "sub": "mallory", "exp": int(time.time()) + 300, "scope": "mcp:read"}).encode())
    secret = idp.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


ATTACKS = {
    "alg_none": unsigned,
    "signed_by_another_key": lambda idp, audience: idp.token(audience, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "another_audience": lambda idp, audience: idp.token("https://another.example/mcp"),
    "expired": lambda idp, audience: idp.token(audience, lifetime=-3600),
    "another_issuer": lambda idp, audience: idp.token(audience, iss="https://evil.example"),
    "hs256_with_the_public_key": hmac_with_public_key,
    "not_a_token": lambda idp, audience: "hello",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_token_is_refused_with_401(server, idp, http, attack):
    token = ATTACKS[attack](idp, server.audience)
    response = call_tool(http, server.process.url, token, "count_books", {})
    assert response.status_code == 401, f"{attack}: HTTP {response.status_code} {response.text[:300]}"
    assert 'error="invalid_token"' in challenge(response)
    assert token not in server.process.log(), "a refused token was written to the log"


def test_a_token_in_the_query_string_is_refused_even_a_valid_one(server, idp, http):
    token = idp.token(server.audience, "mcp:read")
    response = stateless_request(http, f"{server.process.url}?access_token={token}", 1, "tools/call", {"name": "count_books", "arguments": {}}, name="count_books")
    assert response.status_code == 401, response.text
    assert 'error="invalid_request"' in challenge(response)


# --- API keys --------------------------------------------------------------------------------

def test_api_keys_work_until_revoked_and_stay_revoked_after_a_restart(server, http, tmp_path):
    made = server.keys("create", "--name", "ci", "--scopes", "mcp:read")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("mcpk_") and len(key.splitlines()) == 1, made.stdout
    assert "Created" in made.stderr and key not in made.stderr
    assert (tmp_path / "mcpgen-auth.sqlite").is_file(), "the store is beside the config file"
    live = server.keys("create", "--name", "live", "--scopes", "books:read", "--expires-in", "30d").stdout.strip()

    async def count_books(token: str) -> int:
        async with session_with(server.process.url, token) as session:
            return (await session.call("count_books", {}))["count"]

    assert run(count_books, key) > 0
    listed = server.keys("list")
    assert listed.returncode == 0, listed.stderr
    assert "ci" in listed.stdout and "live" in listed.stdout and "mcp:read" in listed.stdout
    for secret in (key, live, key.split("_", 2)[2], live.split("_", 2)[2]):
        assert secret not in listed.stdout + listed.stderr, "keys list printed a key"
    assert "$argon2" not in listed.stdout

    revoked = server.keys("revoke", "ci")
    assert revoked.returncode == 0, revoked.stderr
    assert call_tool(http, server.process.url, key, "count_books", {}).status_code == 401
    server.restart()
    assert call_tool(http, server.process.url, key, "count_books", {}).status_code == 401
    assert run(count_books, live) > 0
    assert call_tool(http, server.process.url, live, "count_authors", {}).status_code == 403
    for secret in (key, live):
        assert secret not in server.process.log(), "a key was written to the server's log"


def test_an_address_sending_invalid_tokens_is_slowed_down_before_they_are_checked(sample_server, http_servers, idp, http, tmp_path):
    config = tmp_path / "mcpgen.toml"
    config.write_text(f'[auth]\nmode = "oidc"\nissuer = "{idp.issuer}"\nfailed_tokens_per_minute = 3\n')
    limited = AuthServer(sample_server, http_servers, config, "auth-limited")
    try:
        key = limited.keys("create", "--name", "ci", "--scopes", "mcp:read").stdout.strip()
        assert call_tool(http, limited.process.url, key, "count_books", {}).status_code == 200
        wrong = f"{key.rsplit('_', 1)[0]}_{'A' * 43}"
        for _ in range(3):
            assert call_tool(http, limited.process.url, wrong, "count_books", {}).status_code == 401
        refused = call_tool(http, limited.process.url, wrong, "count_books", {})
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["retry-after"]) >= 1
        assert "too many invalid tokens" in refused.json()["error"]["message"]
        assert call_tool(http, limited.process.url, key, "count_books", {}).status_code == 429, "the address waits, whatever it sends"
        assert "auth.failed_tokens_per_minute" in limited.process.log()
    finally:
        limited.process.stop()


def test_keys_create_refuses_unknown_scopes_and_revoke_an_unknown_name(server):
    bad = server.keys("create", "--name", "x", "--scopes", "everything")
    assert bad.returncode != 0 and "is not a scope" in bad.stderr, bad.stderr
    missing = server.keys("revoke", "nobody")
    assert missing.returncode != 0 and "no live key" in missing.stderr, missing.stderr

"""The built-in OAuth 2.1 authorization server (`[auth] mode = "oauth"`, CONTRACT section 7), on
the sample server over HTTP: the whole flow with httpx as a client would run it (metadata,
registration, the login form parsed with html.parser, PKCE, tokens, refresh, revocation) and
the official SDK client calling tools with the token; then the attack suite, each case refused
with the exact refusal; a restart; client ID metadata documents served by the test.

Users are made with `NAME auth hash-password`; tokens are sent only in `Authorization: Bearer`."""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clients import run
from oauth_flow import LoginForm, hash_password, pkce, sign_in
from test_auth import call_tool, challenge, session_with

REDIRECT = "http://127.0.0.1:7777/callback"
ALICE_PASSWORD = "correct horse battery staple"
BOB_PASSWORD = "bob's secret"


class OAuthServer:
    """The sample server over HTTP with `[auth] mode = "oauth"` (writes served), two users:
    alice (`mcp:read mcp:write books:delete`) and bob (`books:read`)."""

    def __init__(self, sample_server: Any, http_servers: Any, directory: Path, label: str, extra: str = "") -> None:
        self.sample_server, self.http_servers, self.label = sample_server, http_servers, label
        directory.mkdir(parents=True, exist_ok=True)
        self.config = directory / "mcpgen.toml"
        binary = sample_server.binary
        self.config.write_text(
            f'[auth]\nmode = "oauth"\n{extra}\n'
            f'[[auth.users]]\nname = "alice"\npassword_hash = "{hash_password(binary, ALICE_PASSWORD)}"\nscopes = "mcp:read mcp:write books:delete"\n'
            f'[[auth.users]]\nname = "bob"\npassword_hash = "{hash_password(binary, BOB_PASSWORD)}"\nscopes = ["books:read"]\n'
        )
        self.process = http_servers.start_separate(sample_server, label, "--config", str(self.config), "--allow-writes")

    issuer_url: str | None = None
    """`[auth] issuer` (or `resource`) when the config sets it."""
    resource_url: str | None = None
    """`[auth] resource` when the config sets it."""

    @property
    def base(self) -> str:
        return self.process.base_url

    @property
    def issuer(self) -> str:
        return self.issuer_url or self.base

    @property
    def resource(self) -> str:
        """The MCP endpoint as tokens name it (their audience)."""
        return f"{self.resource_url or self.base}/mcp"

    def restart(self) -> None:
        self.process.stop()
        self.process = self.http_servers.start_separate(self.sample_server, f"{self.label}-again", "--config", str(self.config), "--allow-writes")


@pytest.fixture
def server(sample_server, http_servers, tmp_path: Path) -> Iterator[OAuthServer]:
    started = OAuthServer(sample_server, http_servers, tmp_path, "oauth")
    yield started
    started.process.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30, follow_redirects=False) as client:
        yield client


# --- a client, step by step ------------------------------------------------------------------

def register(http: httpx.Client, server: OAuthServer, **metadata: Any) -> dict[str, Any]:
    body = {"redirect_uris": [REDIRECT], "client_name": "e2e client", "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"], **metadata}
    response = http.post(f"{server.base}/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def authorize(http: httpx.Client, server: OAuthServer, client_id: str, challenge_: str | None, **params: Any) -> httpx.Response:
    query = {"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "state": "st-1", "scope": "mcp:read", "resource": server.resource}
    if challenge_ is not None:
        query |= {"code_challenge": challenge_, "code_challenge_method": "S256"}
    query |= params
    return http.get(f"{server.base}/authorize", params={key: value for key, value in query.items() if value is not None})


def submit(http: httpx.Client, server: OAuthServer, page: httpx.Response, username: str, password: str, tick: tuple[str, ...] = (), change: dict[str, str] | None = None) -> httpx.Response:
    """Posts the login form of `page` as a browser would, ticking `tick`."""
    assert page.status_code in (200, 401), page.text
    form = LoginForm(page.text)
    assert form.method == "post" and form.action == "/authorize", (form.method, form.action)
    fields = [(name, (change or {}).get(name, value)) for name, value in form.hidden()]
    fields += [("username", username), ("password", password)] + [("scope", scope) for scope in tick]
    return http.post(f"{server.base}/authorize", content=urlencode(fields), headers={"Content-Type": "application/x-www-form-urlencoded"})


def redirected(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, f"HTTP {response.status_code}: {response.text[:500]}"
    location = response.headers["location"]
    assert location.startswith(REDIRECT), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def code_for(http: httpx.Client, server: OAuthServer, client_id: str, scope: str = "mcp:read", user: str = "alice", tick: tuple[str, ...] = ()) -> tuple[str, str]:
    """A code of a sign-in; the code and its verifier."""
    verifier, challenge_ = pkce()
    page = authorize(http, server, client_id, challenge_, scope=scope)
    password = ALICE_PASSWORD if user == "alice" else BOB_PASSWORD
    answer = redirected(submit(http, server, page, user, password, tick))
    assert answer["state"] == "st-1" and answer["iss"] == server.issuer, answer
    return answer["code"], verifier


def token(http: httpx.Client, server: OAuthServer, **form: str) -> httpx.Response:
    return http.post(f"{server.base}/token", data=form)


def redeem(http: httpx.Client, server: OAuthServer, client_id: str, code: str, verifier: str) -> httpx.Response:
    return token(http, server, grant_type="authorization_code", code=code, code_verifier=verifier, client_id=client_id, redirect_uri=REDIRECT, resource=server.resource)


def tokens_for(http: httpx.Client, server: OAuthServer, client_id: str, scope: str = "mcp:read", user: str = "alice", tick: tuple[str, ...] = ()) -> dict[str, Any]:
    code, verifier = code_for(http, server, client_id, scope, user, tick)
    response = redeem(http, server, client_id, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()


def oauth_refusal(response: httpx.Response, status: int, error: str, words: str) -> None:
    assert response.status_code == status, f"HTTP {response.status_code}: {response.text}"
    body = response.json()
    assert body["error"] == error and words in body["error_description"], body
    assert response.headers["cache-control"] == "no-store"


def works(http: httpx.Client, server: OAuthServer, access_token: str) -> int:
    return call_tool(http, f"{server.base}/mcp", access_token, "count_books", {}).status_code


# --- the flow --------------------------------------------------------------------------------

def test_the_metadata_names_every_endpoint_and_the_resource_names_the_issuer(server, http):
    metadata = http.get(f"{server.base}/.well-known/oauth-authorization-server").json()
    issuer = server.base
    assert metadata["issuer"] == issuer
    for name, path in [("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"), ("registration_endpoint", "/register"), ("revocation_endpoint", "/revoke"), ("jwks_uri", "/jwks")]:
        assert metadata[name] == f"{issuer}{path}", metadata
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {"none", "client_secret_post", "client_secret_basic"}
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert metadata["client_id_metadata_document_supported"] is True
    assert {"mcp:read", "books:delete"} <= set(metadata["scopes_supported"])
    resource = http.get(f"{server.base}/.well-known/oauth-protected-resource/mcp").json()
    assert resource["authorization_servers"] == [issuer]
    jwks = http.get(metadata["jwks_uri"]).json()
    assert [key["kty"] for key in jwks["keys"]] == ["OKP"] and jwks["keys"][0]["kid"]
    assert "d" not in jwks["keys"][0], "the JWKS holds a private key"


def test_the_login_page_is_an_accessible_form_with_every_parameter_hidden(server, http):
    client = register(http, server)
    _, challenge_ = pkce()
    page = authorize(http, server, client["client_id"], challenge_, scope="mcp:read books:delete")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp, csp
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "same-origin", "no-referrer would make browsers post the form with Origin: null"
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/authorize" in cookie, cookie
    assert '<html lang="en">' in page.text
    for external in ("<script", "<link", "src=", "<iframe"):
        assert external not in page.text, f"the page has {external}: no scripts, no external assets"
    form = LoginForm(page.text)
    hidden = dict(form.hidden())
    assert {"client_id", "redirect_uri", "response_type", "state", "code_challenge", "code_challenge_method", "resource", "scope", "csrf_token"} <= set(hidden), hidden
    assert hidden["scope"] == "mcp:read" and hidden["code_challenge"] == challenge_
    assert form.checkboxes() == ["books:delete"], "elevated scopes are checkboxes"
    assert not any(field.get("checked") is not None for field in form.inputs if field.get("type") == "checkbox"), "unticked by default"
    assert {"username", "password"} <= form.labels, "every field has a label"


def test_the_whole_flow_signs_in_calls_tools_refreshes_and_revokes(server, http):
    client = register(http, server)
    assert "client_secret" not in client
    tokens = tokens_for(http, server, client["client_id"], "mcp:read books:delete", tick=("books:delete",))
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    assert set(tokens["scope"].split()) == {"mcp:read", "books:delete"}
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["iss"] == server.base and claims["aud"] == f"{server.base}/mcp" and claims["sub"] == "alice"
    assert claims["client_id"] == client["client_id"] and claims["exp"] - claims["iat"] == 900 and claims["jti"]

    async def tools(access_token: str) -> set[str]:
        async with session_with(f"{server.base}/mcp", access_token) as session:
            assert (await session.call("count_books", {}))["count"] > 0
            return set(session.tools)

    names = run(tools, tokens["access_token"])
    assert "delete_books" in names and "delete_authors" not in names and "insert_books" not in names, names

    refreshed = token(http, server, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client["client_id"])
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"] and new["access_token"] != tokens["access_token"]
    assert works(http, server, new["access_token"]) == 200

    revoked = http.post(f"{server.base}/revoke", data={"token": new["refresh_token"], "client_id": client["client_id"]})
    assert revoked.status_code == 200, revoked.text
    assert works(http, server, new["access_token"]) == 401, "revoking the refresh token revokes its sign-in"
    oauth_refusal(token(http, server, grant_type="refresh_token", refresh_token=new["refresh_token"], client_id=client["client_id"]), 400, "invalid_grant", "revoked")
    log = server.process.log()
    assert "signed in and granted" in log
    for secret in (ALICE_PASSWORD, tokens["access_token"], tokens["refresh_token"], new["refresh_token"]):
        assert secret not in log, "a secret was written to the log"


def test_a_confidential_client_authenticates_with_basic_or_post_and_its_access_token_can_be_revoked(server, http):
    client = register(http, server, token_endpoint_auth_method="client_secret_basic")
    client_id, client_secret = client["client_id"], client["client_secret"]
    code, verifier = code_for(http, server, client_id)
    without = token(http, server, grant_type="authorization_code", code=code, code_verifier=verifier, client_id=client_id, redirect_uri=REDIRECT)
    oauth_refusal(without, 401, "invalid_client", "client_secret")
    code, verifier = code_for(http, server, client_id)
    response = http.post(f"{server.base}/token", data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier, "redirect_uri": REDIRECT}, auth=(client_id, client_secret))
    assert response.status_code == 200, response.text
    access = response.json()["access_token"]
    assert works(http, server, access) == 200
    wrong = http.post(f"{server.base}/revoke", data={"token": access, "client_id": client_id, "client_secret": "wrong"})
    oauth_refusal(wrong, 401, "invalid_client", "wrong")
    assert http.post(f"{server.base}/revoke", data={"token": access, "client_id": client_id, "client_secret": client_secret}).status_code == 200
    assert works(http, server, access) == 401
    assert http.post(f"{server.base}/revoke", data={"token": "unknown", "client_id": client_id, "client_secret": client_secret}).status_code == 200


def test_loopback_redirect_uris_match_with_any_port(server, http):
    client = register(http, server)
    _, challenge_ = pkce()
    assert authorize(http, server, client["client_id"], challenge_, redirect_uri="http://127.0.0.1:50123/callback").status_code == 200
    page = authorize(http, server, client["client_id"], challenge_, redirect_uri="http://127.0.0.1:50123/other")
    assert page.status_code == 400 and "location" not in page.headers


# --- attacks ---------------------------------------------------------------------------------

def test_attack_missing_pkce_is_sent_back_as_invalid_request(server, http):
    client = register(http, server)
    answer = redirected(authorize(http, server, client["client_id"], None))
    assert answer["error"] == "invalid_request" and "code_challenge is required" in answer["error_description"], answer
    assert answer["state"] == "st-1" and answer["iss"] == server.base


def test_attack_plain_pkce_is_sent_back_as_invalid_request(server, http):
    client = register(http, server)
    verifier = secrets.token_urlsafe(48)[:43]
    answer = redirected(authorize(http, server, client["client_id"], None, code_challenge=verifier, code_challenge_method="plain"))
    assert answer["error"] == "invalid_request" and "only S256" in answer["error_description"], answer


def test_attack_a_wrong_verifier_is_refused_and_burns_the_code(server, http):
    client = register(http, server)
    code, verifier = code_for(http, server, client["client_id"])
    oauth_refusal(redeem(http, server, client["client_id"], code, pkce()[0]), 400, "invalid_grant", "code_verifier does not match")
    oauth_refusal(redeem(http, server, client["client_id"], code, verifier), 400, "invalid_grant", "already used")


def test_attack_a_replayed_code_is_refused_and_revokes_what_it_issued(server, http):
    client = register(http, server)
    code, verifier = code_for(http, server, client["client_id"])
    first = redeem(http, server, client["client_id"], code, verifier)
    assert first.status_code == 200, first.text
    tokens = first.json()
    assert works(http, server, tokens["access_token"]) == 200
    oauth_refusal(redeem(http, server, client["client_id"], code, verifier), 400, "invalid_grant", "already used; every token issued from it is revoked")
    response = call_tool(http, f"{server.base}/mcp", tokens["access_token"], "count_books", {})
    assert response.status_code == 401 and "revoked" in response.json()["error"]["message"], response.text
    oauth_refusal(token(http, server, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client["client_id"]), 400, "invalid_grant", "revoked")
    assert "refused a replayed code" in server.process.log()


def test_attack_an_unregistered_redirect_uri_gets_an_error_page_never_a_redirect(server, http):
    client = register(http, server)
    _, challenge_ = pkce()
    for evil in ["https://evil.example/callback", "http://127.0.0.1:7777/callback/../steal", "http://localhost:7777/callback"]:
        page = authorize(http, server, client["client_id"], challenge_, redirect_uri=evil)
        assert page.status_code == 400, page.text
        assert "location" not in page.headers
        assert "is not registered for this client" in page.text and page.headers["content-type"].startswith("text/html")
    page = authorize(http, server, "no-such-client", challenge_)
    assert page.status_code == 400 and "location" not in page.headers and "is not a client of this server" in page.text


def test_attack_a_wrong_password_shows_the_page_again_with_401(server, http):
    client = register(http, server)
    _, challenge_ = pkce()
    page = authorize(http, server, client["client_id"], challenge_)
    for user, password in [("alice", "wrong"), ("nobody", ALICE_PASSWORD)]:
        page = submit(http, server, page, user, password)
        assert page.status_code == 401, page.text
        assert "location" not in page.headers and "The username or password is not right." in page.text
    assert "refused a sign-in: wrong username or password" in server.process.log()
    assert redirected(submit(http, server, page, "alice", ALICE_PASSWORD))["code"], "the fresh form of the 401 page works"


def test_attack_scope_escalation_grants_only_what_the_user_holds(server, http):
    client = register(http, server)
    tokens = tokens_for(http, server, client["client_id"], "books:read authors:read mcp:write", user="bob")
    assert tokens["scope"] == "books:read", tokens
    response = call_tool(http, f"{server.base}/mcp", tokens["access_token"], "count_authors", {})
    assert response.status_code == 403, response.text
    verifier, challenge_ = pkce()
    answer = redirected(submit(http, server, authorize(http, server, client["client_id"], challenge_, scope="mcp:write"), "bob", BOB_PASSWORD))
    assert answer["error"] == "access_denied" and "none of the requested scopes" in answer["error_description"], answer


def test_attack_an_elevated_scope_is_granted_only_when_ticked(server, http):
    client = register(http, server)
    tokens = tokens_for(http, server, client["client_id"], "mcp:read books:delete")
    assert tokens["scope"] == "mcp:read", "not ticked, not granted"


def test_attack_ticking_an_elevated_scope_that_was_not_requested_is_a_tampered_form(server, http):
    client = register(http, server)
    _, challenge_ = pkce()
    page = authorize(http, server, client["client_id"], challenge_, scope="mcp:read")
    response = submit(http, server, page, "alice", ALICE_PASSWORD, tick=("books:delete",))
    assert response.status_code == 403 and "location" not in response.headers, response.text
    assert "The form is not the one this server showed" in response.text


def test_attack_a_refresh_may_narrow_but_never_widen(server, http):
    client = register(http, server)
    tokens = tokens_for(http, server, client["client_id"], "mcp:read mcp:write")
    wider = token(http, server, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client["client_id"], scope="mcp:read mcp:write mcp:delete")
    oauth_refusal(wider, 400, "invalid_scope", "never widen")


def test_a_refresh_narrows_the_access_token_but_not_the_refresh_token(server, http):
    client = register(http, server)
    tokens = tokens_for(http, server, client["client_id"], "mcp:read mcp:write")
    narrow = token(http, server, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client["client_id"], scope="mcp:read")
    assert narrow.status_code == 200 and narrow.json()["scope"] == "mcp:read", narrow.text
    again = token(http, server, grant_type="refresh_token", refresh_token=narrow.json()["refresh_token"], client_id=client["client_id"])
    assert set(again.json()["scope"].split()) == {"mcp:read", "mcp:write"}, again.text


def test_attack_a_reused_refresh_token_revokes_its_family(server, http):
    client = register(http, server)
    tokens = tokens_for(http, server, client["client_id"])
    rotated = token(http, server, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client["client_id"]).json()
    oauth_refusal(token(http, server, grant_type="refresh_token", refresh_token=tokens["refresh_token"], client_id=client["client_id"]), 400, "invalid_grant", "already used; every token of its sign-in is revoked")
    oauth_refusal(token(http, server, grant_type="refresh_token", refresh_token=rotated["refresh_token"], client_id=client["client_id"]), 400, "invalid_grant", "revoked")
    assert works(http, server, rotated["access_token"]) == 401
    assert works(http, server, tokens["access_token"]) == 401
    assert "refused a reused refresh token" in server.process.log()


def test_attack_a_login_post_without_its_csrf_token_or_cookie_is_refused_with_403(server, http):
    client = register(http, server)
    _, challenge_ = pkce()
    page = authorize(http, server, client["client_id"], challenge_)
    form = dict(LoginForm(page.text).hidden())
    fields = {**form, "username": "alice", "password": ALICE_PASSWORD}
    without_token = {key: value for key, value in fields.items() if key != "csrf_token"}
    response = http.post(f"{server.base}/authorize", data=without_token)
    assert response.status_code == 403 and "location" not in response.headers, response.text
    with httpx.Client(timeout=30) as other_browser:
        response = other_browser.post(f"{server.base}/authorize", data=fields)
        assert response.status_code == 403 and "location" not in response.headers, "a form posted without its cookie"
    response = http.post(f"{server.base}/authorize", data=fields)
    assert response.status_code == 302, "the right pair still works, once"
    response = http.post(f"{server.base}/authorize", data=fields)
    assert response.status_code == 403, "a form is accepted once"


@pytest.mark.parametrize("field, value", [("redirect_uri", "http://127.0.0.1:9999/callback"), ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("client_id", "another"), ("state", "changed")])
def test_attack_a_login_post_with_a_tampered_hidden_field_is_refused_with_403(server, http, field, value):
    client = register(http, server)
    _, challenge_ = pkce()
    page = authorize(http, server, client["client_id"], challenge_)
    response = submit(http, server, page, "alice", ALICE_PASSWORD, change={field: value})
    assert response.status_code == 403 and "location" not in response.headers, response.text


def forged(server: OAuthServer, http: httpx.Client, kind: str) -> str:
    kid = http.get(f"{server.base}/jwks").json()["keys"][0]["kid"]
    now = int(time.time())
    claims = {"iss": server.base, "aud": f"{server.base}/mcp", "sub": "mallory", "iat": now, "exp": now + 300, "jti": "x", "scope": "mcp:read", "fam": "x"}
    if kind == "alg_none":
        return jwt.encode(claims, None, algorithm="none", headers={"kid": kid})
    return jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})


@pytest.mark.parametrize("kind, reason", [("alg_none", "not a usable JWT"), ("another_key", "InvalidSignature")])
def test_attack_a_forged_token_is_refused_with_401(server, http, kind, reason):
    forgery = forged(server, http, kind)
    response = call_tool(http, f"{server.base}/mcp", forgery, "count_books", {})
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in challenge(response)
    assert reason in response.json()["error"]["message"], response.text


def test_attack_a_token_of_another_resource_is_refused_even_signed_with_the_same_keys(sample_server, http_servers, server, http, tmp_path):
    """A second server sharing the first's store (and so its signing keys) and issuer is
    another resource: its tokens carry its audience."""
    store = server.config.parent / "mcpgen-auth.sqlite"
    other = OAuthServer(sample_server, http_servers, tmp_path / "other", "oauth-other", f'store = "{store}"\nissuer = "{server.base}"')
    other.issuer_url = server.base
    try:
        client = register(http, other)
        tokens = tokens_for(http, other, client["client_id"])
        assert works(http, other, tokens["access_token"]) == 200
        response = call_tool(http, f"{server.base}/mcp", tokens["access_token"], "count_books", {})
        assert response.status_code == 401 and "InvalidAudience" in response.json()["error"]["message"], response.text
    finally:
        other.process.stop()


def test_attack_an_expired_token_is_refused_without_leeway(sample_server, http_servers, http, tmp_path):
    short = OAuthServer(sample_server, http_servers, tmp_path, "oauth-short", "access_token_ttl_s = 1")
    try:
        client = register(http, short)
        tokens = tokens_for(http, short, client["client_id"])
        time.sleep(2.1)
        response = call_tool(http, f"{short.base}/mcp", tokens["access_token"], "count_books", {})
        assert response.status_code == 401 and "xpired" in response.json()["error"]["message"], response.text
    finally:
        short.process.stop()


def test_attack_a_token_in_the_query_string_is_refused(server, http):
    client = register(http, server)
    tokens = tokens_for(http, server, client["client_id"])
    response = http.post(f"{server.base}/mcp?access_token={tokens['access_token']}", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers={"Accept": "application/json, text/event-stream"})
    assert response.status_code == 401 and 'error="invalid_request"' in challenge(response)


def test_attack_requests_beyond_the_rate_limit_get_429(sample_server, http_servers, http, tmp_path):
    limited = OAuthServer(sample_server, http_servers, tmp_path, "oauth-limited", "rate_limit_per_minute = 3\nfailed_logins_per_minute = 2")
    try:
        statuses = [token(http, limited, grant_type="refresh_token", refresh_token="x", client_id="x").status_code for _ in range(4)]
        assert statuses[:3] != [429] * 3 and statuses[3] == 429, statuses
        client = register(http, limited)
        _, challenge_ = pkce()
        page = authorize(http, limited, client["client_id"], challenge_)
        page = submit(http, limited, page, "alice", "wrong")
        page = submit(http, limited, page, "alice", "wrong")
        refused = submit(http, limited, page, "alice", ALICE_PASSWORD)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1, refused.text
        assert "rate limit" in limited.process.log()
    finally:
        limited.process.stop()


# --- restart, registration, metadata documents -----------------------------------------------

def test_clients_keys_and_revocations_survive_a_restart(sample_server, http_servers, http, tmp_path):
    """The restarted server listens on another port: its public URL (`resource`, and so the
    issuer and the tokens' audience) is set, as it would be in production."""
    server = OAuthServer(sample_server, http_servers, tmp_path, "oauth-restart", 'resource = "http://mcpgen.test"')
    server.issuer_url = server.resource_url = "http://mcpgen.test"
    try:
        restarted(server, http)
    finally:
        server.process.stop()


def restarted(server: OAuthServer, http: httpx.Client) -> None:
    client = register(http, server)
    kept = tokens_for(http, server, client["client_id"])
    gone = tokens_for(http, server, client["client_id"])
    assert http.post(f"{server.base}/revoke", data={"token": gone["refresh_token"], "client_id": client["client_id"]}).status_code == 200
    server.restart()
    assert works(http, server, kept["access_token"]) == 200, "the signing key survived"
    assert works(http, server, gone["access_token"]) == 401, "the revocation survived"
    oauth_refusal(token(http, server, grant_type="refresh_token", refresh_token=gone["refresh_token"], client_id=client["client_id"]), 400, "invalid_grant", "revoked")
    refreshed = token(http, server, grant_type="refresh_token", refresh_token=kept["refresh_token"], client_id=client["client_id"])
    assert refreshed.status_code == 200, refreshed.text
    assert tokens_for(http, server, client["client_id"])["access_token"], "the client is still registered"


@pytest.mark.parametrize("metadata, error", [
    ({"client_name": "no redirect"}, "invalid_redirect_uri"),
    ({"redirect_uris": ["javascript:alert(1)"]}, "invalid_redirect_uri"),
    ({"redirect_uris": ["http://app.example/cb"]}, "invalid_redirect_uri"),
    ({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"),
    ({"redirect_uris": [REDIRECT], "grant_types": ["client_credentials"]}, "invalid_client_metadata"),
])
def test_registration_refuses_bad_metadata(server, http, metadata, error):
    response = http.post(f"{server.base}/register", json=metadata)
    assert response.status_code == 400 and response.json()["error"] == error, response.text


class MetadataDocument:
    """A client ID metadata document served by the test on 127.0.0.1."""

    def __init__(self) -> None:
        document = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                data = json.dumps({"client_id": document.url, "client_name": "Metadata client", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/client.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def document() -> Iterator[MetadataDocument]:
    served = MetadataDocument()
    yield served
    served.server.shutdown()


def test_a_metadata_document_on_a_local_address_is_refused_by_default(server, http, document):
    _, challenge_ = pkce()
    page = authorize(http, server, document.url, challenge_)
    assert page.status_code == 400 and "location" not in page.headers, page.text


def test_a_metadata_document_works_with_allow_local_metadata(sample_server, http_servers, http, tmp_path, document):
    local = OAuthServer(sample_server, http_servers, tmp_path, "oauth-cimd", "allow_local_metadata = true")
    try:
        _, challenge_ = pkce()
        page = authorize(http, local, document.url, challenge_)
        assert page.status_code == 200 and "Metadata client" in page.text, page.text
        tokens = tokens_for(http, local, document.url)
        assert works(http, local, tokens["access_token"]) == 200
    finally:
        local.process.stop()


def test_oauth_mode_without_users_refuses_to_start_naming_hash_password(sample_server, tmp_path):
    completed = subprocess.run(
        [str(sample_server.binary), "serve", "--transport", "http", "--listen", "127.0.0.1:0", "--database-url", sample_server.database_url, "--auth", "oauth"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert completed.returncode != 0
    assert "auth hash-password" in completed.stderr, completed.stderr


def test_hash_password_prints_an_argon2id_hash_and_refuses_an_empty_password(sample_server):
    assert hash_password(sample_server.binary, "pw").startswith("$argon2id$v=19$")
    empty = subprocess.run([str(sample_server.binary), "auth", "hash-password"], input="", capture_output=True, text=True, timeout=60)
    assert empty.returncode != 0 and "no password" in empty.stderr


CUSTOM_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><title>Shop sign-in</title></head><body>
<h1>Welcome to the shop's data</h1>
<p>{{ client_name }} wants in.{% if error %} <strong>{{ error }}</strong>{% endif %}</p>
<form method="post" action="/authorize">
{% for field in hidden %}<input type="hidden" name="{{ field.name }}" value="{{ field.value }}">{% endfor %}
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<label for="u">Who</label><input id="u" name="username" value="{{ username }}">
<label for="p">Secret</label><input id="p" type="password" name="password">
{% for scope in scopes %}{% if scope.elevated %}<label><input type="checkbox" name="scope" value="{{ scope.name }}"> {{ scope.name }}</label>{% endif %}{% endfor %}
<button type="submit">Go</button>
</form></body></html>
"""


def test_a_custom_login_page_is_served_and_signs_in_and_a_broken_one_stops_the_start(sample_server, http_servers, http, tmp_path):
    (tmp_path / "custom").mkdir()
    (tmp_path / "custom" / "login.html").write_text(CUSTOM_LOGIN_PAGE)
    custom = OAuthServer(sample_server, http_servers, tmp_path / "custom", "oauth-custom-page", 'login_page = "login.html"')
    try:
        client = register(http, custom)
        verifier, challenge_ = pkce()
        page = authorize(http, custom, client["client_id"], challenge_, scope="mcp:read books:delete")
        assert page.status_code == 200, page.text
        assert "Welcome to the shop&#x27;s data" in page.text or "Welcome to the shop's data" in page.text, page.text
        assert LoginForm(page.text).checkboxes() == ["books:delete"]
        location = sign_in(f"{custom.base}/authorize?{urlsplit(str(page.url)).query}", "alice", ALICE_PASSWORD, ("books:delete",))
        code = parse_qs(urlsplit(location).query)["code"][0]
        token = redeem(http, custom, client["client_id"], code, verifier)
        assert token.status_code == 200, token.text
        assert set(token.json()["scope"].split()) == {"mcp:read", "books:delete"}
    finally:
        custom.process.stop()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "login.html").write_text("{% for field in hidden %}<input>")
    (broken / "mcpgen.toml").write_text(f'[auth]\nmode = "oauth"\nlogin_page = "login.html"\n[[auth.users]]\nname = "alice"\npassword_hash = "{hash_password(sample_server.binary, ALICE_PASSWORD)}"\nscopes = "mcp:read"\n')
    completed = subprocess.run(
        [str(sample_server.binary), "serve", "--transport", "http", "--listen", "127.0.0.1:0", "--database-url", sample_server.database_url, "--config", str(broken / "mcpgen.toml")],
        capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode != 0
    assert "auth.login_page" in completed.stderr, completed.stderr

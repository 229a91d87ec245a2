"""The person at the login page, for tests of `[auth] mode = "oauth"`: the sample server as
its own authorization server, with users made by `NAME auth hash-password`, and a headless
sign-in that reads the page's form the way a browser would (every field it holds, posted back
with the cookie the page set).

Used by the clients' tests (the Python SDK, the conformance suite) which need a person to
answer the login page; the browser test signs in through a real Chromium instead."""

from __future__ import annotations

import base64
import hashlib
import secrets
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

USERS = {
    # name: (password, the most the user may grant)
    "alice": ("correct horse battery staple", "mcp:read mcp:write mcp:delete"),
    "bob": ("hunter2 is not a password", "mcp:read"),
}


def hash_password(binary: Path, password: str) -> str:
    """`NAME auth hash-password`, the password on stdin: its argon2id hash."""
    done = subprocess.run([str(binary), "auth", "hash-password"], input=password, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"auth hash-password failed: {done.stderr}"
    hashed = done.stdout.strip()
    assert hashed.startswith("$argon2id$"), hashed
    return hashed


def oauth_config(binary: Path, extra: str = "") -> str:
    """An `mcpgen.toml` in oauth mode with the users above."""
    lines = ['[auth]', 'mode = "oauth"', extra, '']
    for name, (password, scopes) in USERS.items():
        lines += ["[[auth.users]]", f'name = "{name}"', f'password_hash = "{hash_password(binary, password)}"', f'scopes = "{scopes}"', ""]
    return "\n".join(lines)


class LoginForm(HTMLParser):
    """The login page's form: its action, method and inputs (name, type, value), and the ids
    its labels are for."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.action = self.method = None
        self.inputs: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action, self.method = attributes.get("action"), attributes.get("method")
        elif tag == "input":
            self.inputs.append(attributes)
        elif tag == "label" and "for" in attributes:
            self.labels.add(attributes["for"])

    def hidden(self) -> list[tuple[str, str]]:
        return [(field["name"], field.get("value", "")) for field in self.inputs if field.get("type") == "hidden"]

    def checkboxes(self) -> list[str]:
        return [field["value"] for field in self.inputs if field.get("type") == "checkbox"]

    def types(self) -> dict[str, str]:
        """Each named input's type."""
        return {field["name"]: field.get("type", "text") for field in self.inputs if "name" in field}

    def posted(self) -> list[tuple[str, str]]:
        """What a browser posts as the form stands: hidden fields and ticked boxes."""
        return [
            (field["name"], field.get("value", ""))
            for field in self.inputs
            if "name" in field and (field.get("type") == "hidden" or (field.get("type") == "checkbox" and "checked" in field))
        ]


def pkce() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def sign_in(authorization_url: str, username: str, password: str, tick: tuple[str, ...] = ()) -> str:
    """Opens the login page at `authorization_url`, signs in as `username` (ticking the
    elevated scopes in `tick`), and returns where the server redirects: the client's redirect
    URI with `code`, `state` and `iss`."""
    with httpx.Client(timeout=30, follow_redirects=False) as browser:
        page = browser.get(authorization_url)
        assert page.status_code == 200, f"GET {authorization_url}: HTTP {page.status_code}\n{page.text[:2000]}"
        form = LoginForm(page.text)
        assert (form.method or "").lower() == "post", form.method
        types = form.types()
        assert types.get("username") in ("text", "email") and types.get("password") == "password", types
        missing = set(tick) - set(form.checkboxes())
        assert not missing, f"the page offers no checkbox for {missing}; it offers {form.checkboxes()}"
        data: dict[str, list[str]] = {}
        for name, value in [*form.posted(), ("username", username), ("password", password), *(("scope", scope) for scope in tick)]:
            data.setdefault(name, []).append(value)
        answer = browser.post(urljoin(authorization_url, form.action or authorization_url), data=data)
        assert answer.status_code in (302, 303), f"POST of the login form: HTTP {answer.status_code}\n{answer.text[:2000]}"
        return answer.headers["location"]


def register(base_url: str, redirect_uri: str, **metadata: Any) -> dict[str, Any]:
    """RFC 7591 dynamic registration of a client redirecting to `redirect_uri`."""
    body = {"redirect_uris": [redirect_uri], "client_name": "mcpgen e2e", "token_endpoint_auth_method": "none", **metadata}
    response = httpx.post(f"{base_url}/register", json=body, timeout=30)
    assert response.status_code == 201, f"POST /register: HTTP {response.status_code} {response.text}"
    return response.json()

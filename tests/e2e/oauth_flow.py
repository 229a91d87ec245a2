"""The person at the login page, for tests of `[auth] mode = "oauth"`: the sample server as
its own authorization server, with users made by `NAME auth hash-password`, and a headless
sign-in that reads the page's form the way a browser would (every field it holds, posted back
with the cookie the page set).

Used by the clients' tests (the Python SDK, the conformance suite) which need a person to
answer the login page; the browser test signs in through a real Chromium instead."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
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
    done = subprocess.run([str(binary), "auth", "hash-password"], input=password + "\n", capture_output=True, text=True, timeout=60)
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


@dataclass
class Form:
    """A page's first form: where it posts, its fields in order, and its checkboxes."""

    action: str = ""
    method: str = "get"
    fields: list[tuple[str, str]] = field(default_factory=list)
    """Every input a browser would post as it stands (hidden and text inputs, ticked boxes)."""
    checkboxes: list[tuple[str, str, bool]] = field(default_factory=list)
    """(name, value, ticked) of each checkbox."""
    inputs: dict[str, str] = field(default_factory=dict)
    """Each input's name and type."""


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form: Form | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and self.form is None:
            self.form = Form(action=values.get("action", ""), method=values.get("method", "get").lower())
        elif tag == "input" and self.form is not None and not self.done:
            name, kind = values.get("name", ""), values.get("type", "text").lower()
            if not name:
                return
            self.form.inputs[name] = kind
            if kind == "checkbox":
                ticked = "checked" in values
                self.form.checkboxes.append((name, values.get("value", "on"), ticked))
                if ticked:
                    self.form.fields.append((name, values.get("value", "on")))
            elif kind not in ("submit", "button", "password"):
                self.form.fields.append((name, values.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.done = True


def parse_form(html: str) -> Form:
    parser = _FormParser()
    parser.feed(html)
    assert parser.form is not None, f"the page has no form:\n{html[:2000]}"
    return parser.form


def sign_in(authorization_url: str, username: str, password: str, tick: tuple[str, ...] = ()) -> str:
    """Opens the login page at `authorization_url`, signs in as `username` (ticking the
    elevated scopes in `tick`), and returns where the server redirects: the client's redirect
    URI with `code`, `state` and `iss`."""
    with httpx.Client(timeout=30, follow_redirects=False) as browser:
        page = browser.get(authorization_url)
        assert page.status_code == 200, f"GET {authorization_url}: HTTP {page.status_code}\n{page.text[:2000]}"
        form = parse_form(page.text)
        assert form.method == "post", form
        assert form.inputs.get("username") in ("text", "email") and form.inputs.get("password") == "password", form.inputs
        offered = {value for name, value, _ in form.checkboxes if name == "scope"}
        missing = set(tick) - offered
        assert not missing, f"the page offers no checkbox for {missing}; it offers {offered}"
        data: dict[str, list[str]] = {}
        for name, value in [*form.fields, ("username", username), ("password", password), *(("scope", scope) for scope in tick)]:
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

"""An identity provider run by a test, and the SDK client that carries its tokens: what the
tests of `[auth] mode = "oidc"` share (test_auth.py, test_rls.py)."""

from __future__ import annotations

import json
import threading
import time
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, AsyncIterator

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from clients import ToolSession

KID = "test-key-1"


class IdentityProvider:
    """An OpenID provider as far as a resource server sees one: its discovery document and
    its keys, served on a loopback port; it signs tokens with its RSA key."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key())), "kid": KID, "alg": "RS256", "use": "sig"}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": provider.issuer, "jwks_uri": f"{provider.issuer}/jwks", "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/jwks":
                    body = {"keys": [provider.jwk]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.kid = KID
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def rotate(self, kid: str) -> None:
        """A new signing key under `kid`; the old one is gone from the JWKS."""
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid
        self.jwk = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key())), "kid": kid, "alg": "RS256", "use": "sig"}

    def token(self, audience: str, scope: str = "mcp:read", *, key: Any = None, lifetime: int = 300, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": audience, "sub": "alice", "iat": now, "exp": now + lifetime, "scope": scope, **claims}
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def stop(self) -> None:
        self.server.shutdown()


@asynccontextmanager
async def session_with(url: str, token: str, mode: str = "auto") -> AsyncIterator[ToolSession]:
    """The SDK client, sending `Authorization: Bearer TOKEN`; tools listed."""
    http_client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http_client, Client(streamable_http_client(url, http_client=http_client), mode=mode, read_timeout_seconds=60, cache=None) as client:
        session = ToolSession(client)
        await session.list_tools()
        yield session

"""The authorization store in Redis (CONTRACT section 7: `[auth] store = "redis://..."` when
several replicas share it), on two replicas of the sample server with `[auth] mode = "oidc"`
(the identity provider of test_auth.py) sharing the machine's Redis at 127.0.0.1:6379.

An API key made with `NAME keys create --store redis://...` works on both replicas; revoked
through the CLI, both refuse it at the next request, and a restart keeps the revocation. Each
test has a key prefix of its own (`?prefix=...`, in database 14) and removes its keys after.
`rediss://` is tried on a Redis of the test's own that speaks only TLS.

Redis absent: the tests skip, and fail instead when MCPGEN_REQUIRE_SERVICES=1 (as in CI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from clients import run
from conftest import REQUIRE_SERVICES
from test_auth import AuthServer, call_tool, http, idp, session_with  # noqa: F401 (fixtures)

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", int(os.environ.get("MCPGEN_TEST_REDIS_PORT", "6379")), 14


class Redis:
    """Just enough of a Redis client (RESP over a socket) to see and remove a test's keys."""

    def __init__(self) -> None:
        self.socket = socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=3)
        self.reader = self.socket.makefile("rb")
        self.command("SELECT", str(REDIS_DB))

    def command(self, *args: str) -> object:
        request = f"*{len(args)}\r\n" + "".join(f"${len(arg.encode())}\r\n{arg}\r\n" for arg in args)
        self.socket.sendall(request.encode())
        return self.reply()

    def reply(self) -> object:
        line = self.reader.readline().decode().rstrip("\r\n")
        kind, rest = line[0], line[1:]
        if kind == "+":
            return rest
        if kind == "-":
            raise RuntimeError(rest)
        if kind == ":":
            return int(rest)
        if kind == "$":
            if rest == "-1":
                return None
            data = self.reader.read(int(rest) + 2)
            return data[:-2].decode()
        if kind == "*":
            return [self.reply() for _ in range(int(rest))]
        raise RuntimeError(f"unexpected reply {line!r}")

    def keys(self, prefix: str) -> list[str]:
        return sorted(self.command("KEYS", f"{prefix}:*"))  # type: ignore[arg-type]

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def redis() -> Iterator[Redis]:
    try:
        client = Redis()
    except OSError as error:
        reason = f"no Redis answers at {REDIS_HOST}:{REDIS_PORT} ({error})"
        if REQUIRE_SERVICES:
            pytest.fail(f"{reason}; MCPGEN_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(reason)
    yield client
    client.close()


@pytest.fixture
def store(redis: Redis) -> Iterator[str]:
    """A Redis store URL with a key prefix of its own; its keys are removed after the test."""
    prefix = f"mcpgen-e2e-{uuid.uuid4().hex[:12]}"
    yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}?prefix={prefix}"
    for key in redis.keys(prefix):
        redis.command("DEL", key)


def prefix_of(store: str) -> str:
    return store.split("prefix=", 1)[1]


def keys_command(sample_server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(sample_server.binary), "keys", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def replicas(sample_server, http_servers, idp, store, tmp_path: Path) -> Iterator[list[AuthServer]]:  # noqa: F811 (a fixture)
    config = tmp_path / "mcpgen.toml"
    config.write_text(f'[auth]\nmode = "oidc"\nissuer = "{idp.issuer}"\nstore = "{store}"\n')
    started = [AuthServer(sample_server, http_servers, config, f"replica-{n}") for n in (1, 2)]
    yield started
    for replica in started:
        replica.process.stop()


def test_a_key_made_in_redis_works_on_both_replicas_until_revoked_even_after_a_restart(sample_server, replicas, store, redis, http, tmp_path):  # noqa: F811
    made = keys_command(sample_server, "create", "--name", "ci", "--scopes", "mcp:read", "--store", store)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("mcpk_") and key not in made.stderr, made.stdout
    live = keys_command(sample_server, "create", "--name", "live", "--scopes", "books:read", "--store", store).stdout.strip()
    assert not list(tmp_path.glob("*.sqlite")), "a Redis store makes no SQLite file"

    key_id = key.split("_")[1]
    kept = redis.keys(prefix_of(store))
    assert f"{prefix_of(store)}:api_key:{key_id}" in kept and f"{prefix_of(store)}:api_key_name:ci" in kept, kept
    record = redis.command("GET", f"{prefix_of(store)}:api_key:{key_id}")
    assert isinstance(record, str) and "$argon2id$" in record and key.split("_", 2)[2] not in record, record

    async def count_books(url: str, token: str) -> int:
        async with session_with(url, token) as session:
            return (await session.call("count_books", {}))["count"]

    for replica in replicas:
        assert run(count_books, replica.process.url, key) > 0, replica.label
        assert call_tool(http, replica.process.url, live, "count_books", {}).status_code == 200

    listed = keys_command(sample_server, "list", "--store", store)
    assert listed.returncode == 0, listed.stderr
    assert "ci" in listed.stdout and "live" in listed.stdout and key not in listed.stdout

    revoked = keys_command(sample_server, "revoke", "ci", "--store", store)
    assert revoked.returncode == 0, revoked.stderr
    for replica in replicas:
        response = call_tool(http, replica.process.url, key, "count_books", {})
        assert response.status_code == 401, f"{replica.label} still takes a revoked key: {response.text}"
        assert call_tool(http, replica.process.url, live, "count_books", {}).status_code == 200

    replicas[0].restart()
    assert call_tool(http, replicas[0].process.url, key, "count_books", {}).status_code == 401
    assert run(count_books, replicas[0].process.url, live) > 0
    rows = {line.split()[0]: line for line in keys_command(sample_server, "list", "--store", store).stdout.splitlines()[1:]}
    assert rows["ci"].endswith("Z") and rows["live"].endswith("-"), rows
    for replica in replicas:
        assert key not in replica.process.log() and "redis://" in replica.process.log(), "the store is named, never a key"


def test_a_name_is_given_to_one_live_key_across_the_store(sample_server, store):
    assert keys_command(sample_server, "create", "--name", "ci", "--scopes", "mcp:read", "--store", store).returncode == 0
    again = keys_command(sample_server, "create", "--name", "ci", "--scopes", "mcp:read", "--store", store)
    assert again.returncode != 0 and "exists already" in again.stderr, again.stderr


def test_an_unreachable_redis_is_refused_quickly_without_showing_its_password(sample_server, redis):
    for url, expected in (
        (f"redis://:hunter2@{REDIS_HOST}:1/0", f"{REDIS_HOST}:1"),
        (f"redis://:hunter2@{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}", "***"),
    ):
        refused = keys_command(sample_server, "list", "--store", url)
        assert refused.returncode != 0, refused.stdout
        assert "hunter2" not in refused.stderr + refused.stdout, refused.stderr
        assert expected in refused.stderr, refused.stderr


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A Redis of the test's own that speaks only TLS, with a certificate of a CA made here:
    its port and the CA's certificate."""
    tools = {name: shutil.which(name) for name in ("redis-server", "openssl")}
    if not all(tools.values()):
        reason = f"{', '.join(name for name, path in tools.items() if not path)} not installed"
        if REQUIRE_SERVICES:
            pytest.fail(f"{reason}; MCPGEN_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(reason)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=mcpgen test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (tmp_path / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.cnf")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", "0", "--bind", "127.0.0.1", "--tls-port", str(port), "--tls-cert-file", "server.pem", "--tls-key-file", "server.key",
         "--tls-ca-cert-file", "ca.pem", "--tls-auth-clients", "no", "--save", "", "--appendonly", "no"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the TLS Redis did not start (is redis-server built with TLS?)"
                time.sleep(0.1)
        yield port, tmp_path / "ca.pem"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_redis_over_tls_is_reached_with_rediss_and_an_unknown_certificate_is_refused(sample_server, tls_redis):
    port, ca = tls_redis
    store = f"rediss://localhost:{port}/0"
    trusting = {**os.environ, "SSL_CERT_FILE": str(ca)}
    made = subprocess.run([str(sample_server.binary), "keys", "create", "--name", "tls", "--scopes", "mcp:read", "--store", store],
                          capture_output=True, text=True, timeout=60, env=trusting)
    assert made.returncode == 0 and made.stdout.startswith("mcpk_"), made.stderr
    listed = subprocess.run([str(sample_server.binary), "keys", "list", "--store", store], capture_output=True, text=True, timeout=60, env=trusting)
    assert listed.returncode == 0 and "tls" in listed.stdout, listed.stderr
    untrusted = keys_command(sample_server, "list", "--store", store)
    assert untrusted.returncode != 0 and "certificate" in untrusted.stderr, untrusted.stderr


def test_another_kind_of_url_is_refused_saying_what_a_store_is(sample_server):
    refused = keys_command(sample_server, "list", "--store", "postgres://user:hunter2@db/auth")
    assert refused.returncode != 0
    assert "SQLite file" in refused.stderr and "redis://" in refused.stderr and "hunter2" not in refused.stderr, refused.stderr

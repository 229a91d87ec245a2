"""PostgreSQL row-level security with the caller's identity (CONTRACT section 7, `[auth]
db_claims` and `db_role_claim`): a table whose policy compares each row's `owner` with the
`sub` of `request.jwt.claims`, served by a crate generated from it, connected as a login role
that neither owns the table nor is a superuser (both would bypass the policy). The tokens come
from the identity provider the test runs (identity.py); API keys carry `key:NAME` as `sub`.

What it shows: alice and bob see their own rows through the same tools (typed, compact,
query_sql, a routine); a write is checked by the policy and a refused one leaves no trace; the
claims are local to each call's transaction, so nothing carries over on the pool's reused
connections; with `db_role_claim`, each call runs as the role the token names, and a token
without one is refused."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest

import server_databases as sd
from clients import run
from conftest import REQUIRE_SERVICES
from identity import IdentityProvider, session_with
from servers import HttpServer

OWNER = "nullif(current_setting('request.jwt.claims', true), '')::json->>'sub'"
ROWS = {"alice": ["alice's plan", "alice's notes", "alice's list"], "bob": ["bob's diary", "bob's budget"], "key:carol": ["carol's key file"]}


def schema(roles: dict[str, str]) -> str:
    """The table, its policy and rows, and the roles: `app` logs in (the server's), `reader`
    may only read, `writer` may read and insert, `outsider` is one `app` may not become."""
    app, reader, writer, outsider = roles["app"], roles["reader"], roles["writer"], roles["outsider"]
    rows = ", ".join(f"('{owner}', '{title.replace(chr(39), chr(39) * 2)}')" for owner, titles in ROWS.items() for title in titles)
    return f"""
CREATE TABLE documents (
    id serial PRIMARY KEY,
    owner text NOT NULL DEFAULT {OWNER},
    title text NOT NULL
);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON documents USING (owner = {OWNER}) WITH CHECK (owner = {OWNER});
INSERT INTO documents (owner, title) VALUES {rows};
CREATE FUNCTION whoami() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_user || ' ' || coalesce({OWNER}, '-') $$;
CREATE ROLE {app} LOGIN;
CREATE ROLE {reader} NOLOGIN;
CREATE ROLE {writer} NOLOGIN;
CREATE ROLE {outsider} NOLOGIN;
GRANT {reader}, {writer} TO {app};
GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO {app};
GRANT USAGE ON SEQUENCE documents_id_seq TO {app}, {writer};
GRANT SELECT ON documents TO {reader}, {outsider};
GRANT SELECT, INSERT ON documents TO {writer};
"""


class RlsDatabase:
    """The database and its roles (cluster-wide, so named per test run and dropped after)."""

    def __init__(self) -> None:
        suffix = f"{os.getpid()}_{int(time.time() * 1000) % 100000}"
        self.roles = {kind: f"mcpgen_rls_{kind}_{suffix}" for kind in ("app", "reader", "writer", "outsider")}
        self.database = sd.Postgres("rls")
        try:
            self.database.run_script(schema(self.roles))
        except Exception:
            self.drop()
            raise

    @property
    def app_url(self) -> str:
        """The URL the server serves with: the login role that the policy binds."""
        return f"postgres://{self.roles['app']}@{sd.PG_HOST}:{sd.PG_PORT}/{self.database.name}"

    def owners(self) -> dict[str, int]:
        """Rows per owner, as the superuser (who bypasses the policy) sees them."""
        with self.database.connect() as connection:
            return dict(connection.execute("SELECT owner, count(*) FROM documents GROUP BY owner").fetchall())

    def drop(self) -> None:
        self.database.drop()
        with psycopg.connect(host=sd.PG_HOST, port=sd.PG_PORT, user="postgres", dbname="postgres", autocommit=True) as admin:
            for role in self.roles.values():
                admin.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture(scope="module")
def rls_database() -> Iterator[RlsDatabase]:
    reason = sd.Postgres.available()
    if reason is not None:
        if REQUIRE_SERVICES:
            pytest.fail(f"{reason}; MCPGEN_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(reason)
    database = RlsDatabase()
    yield database
    database.drop()


@pytest.fixture(scope="module")
def rls_binary(rls_database: RlsDatabase, generated_server: Any) -> Path:
    """A crate generated from the database (read as the superuser: the catalog is all it reads)."""
    return generated_server("rls_live", "--database-url", rls_database.database.url)


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    yield provider
    provider.stop()


class RlsServer:
    """The generated server over HTTP as the app role, with `[auth]` settings of its own."""

    def __init__(self, binary: Path, database: RlsDatabase, idp: IdentityProvider, directory: Path, auth: str, *args: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.binary, self.config = binary, directory / "mcpgen.toml"
        self.config.write_text(f'[auth]\nmode = "oidc"\nissuer = "{idp.issuer}"\n{auth}')
        self.process = HttpServer(binary, database.app_url, directory / "server.log", ("--config", str(self.config), "--allow-writes", "--allow-sql", *args)).start()
        self.idp = idp

    @property
    def url(self) -> str:
        return self.process.url

    def token(self, sub: str, scope: str = "mcp:read mcp:write", **claims: Any) -> str:
        return self.idp.token(self.process.url, scope, sub=sub, **claims)

    def key(self, name: str) -> str:
        made = subprocess.run([str(self.binary), "keys", "create", "--name", name, "--scopes", "mcp:read mcp:write", "--config", str(self.config)], capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        return made.stdout.strip()

    def stop(self) -> None:
        self.process.stop()


@pytest.fixture(scope="module")
def claims_server(rls_binary: Path, rls_database: RlsDatabase, idp: IdentityProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RlsServer]:
    """`db_claims = true`, no role claim; a pool of 2 connections, so calls reuse them."""
    server = RlsServer(rls_binary, rls_database, idp, tmp_path_factory.mktemp("rls-claims"), "db_claims = true\n[database]\nmax_connections = 2\n")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def role_server(rls_binary: Path, rls_database: RlsDatabase, idp: IdentityProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RlsServer]:
    """`db_claims = true` and `db_role_claim = "db_role"`; one connection, reused by every call."""
    server = RlsServer(rls_binary, rls_database, idp, tmp_path_factory.mktemp("rls-role"), 'db_claims = true\ndb_role_claim = "db_role"\n[database]\nmax_connections = 1\n')
    yield server
    server.stop()


async def titles(session: Any) -> list[str]:
    return sorted(row["title"] for row in (await session.call("list_documents", {"limit": 100}))["rows"])


def as_caller(server: RlsServer, token: str, calls: Any) -> Any:
    async def check() -> Any:
        async with session_with(server.url, token) as session:
            return await calls(session)

    return run(check)


# --- db_claims -------------------------------------------------------------------------------

def test_alice_and_bob_see_their_own_rows_through_the_same_tools(claims_server):
    async def reads(session: Any) -> tuple[list[str], int, list[str]]:
        counted = (await session.call("count_documents", {}))["count"]
        compact = (await session.call("query_sql", {"sql": "SELECT title FROM documents ORDER BY title"}))["rows"]
        return await titles(session), counted, [row["title"] for row in compact]

    for sub in ("alice", "bob"):
        listed, counted, by_sql = as_caller(claims_server, claims_server.token(sub), reads)
        assert listed == sorted(ROWS[sub]), f"{sub} sees {listed}"
        assert counted == len(ROWS[sub])
        assert by_sql == sorted(ROWS[sub]), f"query_sql as {sub}: {by_sql}"


def test_get_by_key_finds_only_the_callers_row(claims_server, rls_database):
    with rls_database.database.connect() as connection:
        bobs = connection.execute("SELECT id FROM documents WHERE owner = 'bob' ORDER BY id").fetchone()[0]

    async def get(session: Any) -> Any:
        return (await session.call("get_documents", {"id": bobs}))["row"]

    assert as_caller(claims_server, claims_server.token("bob"), get)["title"] in ROWS["bob"]
    assert as_caller(claims_server, claims_server.token("alice"), get) is None, "alice got bob's row by its key"


def test_a_routine_sees_the_callers_claims(claims_server, rls_database):
    async def whoami(session: Any) -> str:
        return (await session.call("call_whoami", {}))["value"]

    assert as_caller(claims_server, claims_server.token("alice"), whoami) == f"{rls_database.roles['app']} alice"


def test_an_api_keys_subject_is_key_and_its_name(claims_server):
    key = claims_server.key("carol")
    assert as_caller(claims_server, key, titles) == ROWS["key:carol"]


def test_claims_do_not_carry_over_between_calls_on_the_pools_connections(claims_server):
    """Two connections, many alternating calls in one session each: every answer is the
    caller's own, never the previous call's."""
    alice, bob = claims_server.token("alice"), claims_server.token("bob")

    async def alternate() -> None:
        async with session_with(claims_server.url, alice) as as_alice, session_with(claims_server.url, bob) as as_bob:
            for _ in range(10):
                assert await titles(as_alice) == sorted(ROWS["alice"])
                assert await titles(as_bob) == sorted(ROWS["bob"])
                assert (await as_bob.call("count_documents", {}))["count"] == len(ROWS["bob"])
                assert (await as_alice.call("count_documents", {}))["count"] == len(ROWS["alice"])

    run(alternate)


def test_a_write_is_stamped_with_the_caller_and_checked_by_the_policy(claims_server, rls_database):
    before = rls_database.owners()

    async def writes(session: Any) -> tuple[Any, str]:
        inserted = (await session.call("insert_documents", {"rows": [{"title": "bob's new page"}]}))["rows"]
        # The policy's WITH CHECK: bob cannot write a row that is someone else's.
        refused = await session.call_error("insert_documents", {"rows": [{"title": "forged", "owner": "alice"}, {"title": "fine"}]})
        return inserted, refused

    inserted, refused = as_caller(claims_server, claims_server.token("bob"), writes)
    assert [row["owner"] for row in inserted] == ["bob"], inserted
    assert "row-level security" in refused, refused
    after = rls_database.owners()
    assert after["bob"] == before["bob"] + 1, "the refused insert left a row (both rows are one transaction)"
    assert after["alice"] == before["alice"]
    with rls_database.database.connect() as connection:
        connection.execute("DELETE FROM documents WHERE title = 'bob''s new page'")


def test_an_update_touches_only_the_callers_rows(claims_server, rls_database):
    async def update(session: Any) -> Any:
        return await session.call("update_documents", {"where": {"id": {"gte": 1}}, "set": {"title": "renamed"}, "max_rows": 100})

    with rls_database.database.connect() as connection:
        originals = connection.execute("SELECT id, title FROM documents WHERE owner = 'bob'").fetchall()
    try:
        updated = as_caller(claims_server, claims_server.token("bob"), update)
        assert len(updated["rows"]) == len(ROWS["bob"]), updated
        with rls_database.database.connect() as connection:
            assert connection.execute("SELECT count(*) FROM documents WHERE title = 'renamed'").fetchone()[0] == len(ROWS["bob"])
    finally:
        with rls_database.database.connect() as connection:
            for row_id, title in originals:
                connection.execute("UPDATE documents SET title = %s WHERE id = %s", (title, row_id))


def test_without_db_claims_the_policy_sees_no_caller(rls_binary, rls_database, idp, tmp_path):
    """The same server without `db_claims`: the claims are not set, so no row matches."""
    server = RlsServer(rls_binary, rls_database, idp, tmp_path / "plain", "")
    try:
        assert as_caller(server, server.token("alice"), titles) == []
    finally:
        server.stop()


def test_db_claims_on_stdio_sets_nothing(rls_binary, rls_database, claims_server):
    """stdio has no caller: no claims, so the policy matches no row (documented)."""
    from clients import open_session, stdio_parameters

    async def check() -> int:
        async with open_session(stdio_parameters(str(rls_binary), rls_database.app_url, "--config", str(claims_server.config))) as session:
            return (await session.call("count_documents", {}))["count"]

    assert run(check) == 0


# --- db_role_claim ---------------------------------------------------------------------------

def test_each_call_runs_as_the_role_its_token_names(role_server, rls_database):
    async def whoami(session: Any) -> str:
        return (await session.call("call_whoami", {}))["value"]

    reader = rls_database.roles["reader"]
    assert as_caller(role_server, role_server.token("alice", db_role=reader), whoami) == f"{reader} alice"
    assert as_caller(role_server, role_server.token("bob", db_role=reader), titles) == sorted(ROWS["bob"])


def test_a_role_with_fewer_rights_is_refused_a_write_by_the_database(role_server, rls_database):
    before = rls_database.owners()

    async def write(session: Any) -> str:
        return await session.call_error("insert_documents", {"rows": [{"title": "not allowed"}]})

    refused = as_caller(role_server, role_server.token("alice", db_role=rls_database.roles["reader"]), write)
    assert "permission denied" in refused, refused
    assert rls_database.owners() == before

    async def insert(session: Any) -> Any:
        return (await session.call("insert_documents", {"rows": [{"title": "written as writer"}]}))["rows"]

    written = as_caller(role_server, role_server.token("alice", db_role=rls_database.roles["writer"]), insert)
    assert written[0]["owner"] == "alice"
    with rls_database.database.connect() as connection:
        connection.execute("DELETE FROM documents WHERE title = 'written as writer'")


def test_a_token_without_the_role_claim_is_refused(role_server):
    async def refused(session: Any) -> str:
        return await session.call_error("list_documents", {})

    message = as_caller(role_server, role_server.token("alice"), refused)
    assert "db_role" in message and "auth.db_role_claim" in message, message


@pytest.mark.parametrize("role", ["outsider", "unknown", "quote", "none"])
def test_a_role_the_server_may_not_take_is_refused(role_server, rls_database, role):
    """A role the login role is no member of, one that does not exist, one that tries to end
    the quoted identifier, and `none` (which would mean the login role itself)."""
    name, expected = {
        "outsider": (rls_database.roles["outsider"], "permission denied to set role"),
        "unknown": ("mcpgen_rls_no_such_role", "does not exist"),
        "quote": (f'{rls_database.roles["reader"]}"; RESET ROLE; --', "does not exist"),
        "none": ("none", "auth.db_role_claim"),
    }[role]

    async def refused(session: Any) -> str:
        return await session.call_error("count_documents", {})

    message = as_caller(role_server, role_server.token("alice", db_role=name), refused)
    assert expected in message, f"{role}: {message}"


def test_the_role_does_not_carry_over_on_the_one_connection(role_server, rls_database):
    """One connection: a call as `writer`, then one as `reader`, then a refused one, then
    `writer` again; each call's role is its own."""
    reader, writer = rls_database.roles["reader"], rls_database.roles["writer"]

    async def whoami(session: Any) -> str:
        return (await session.call("call_whoami", {}))["value"]

    async def refused(session: Any) -> str:
        return await session.call_error("call_whoami", {})

    for _ in range(3):
        assert as_caller(role_server, role_server.token("bob", db_role=writer), whoami) == f"{writer} bob"
        assert as_caller(role_server, role_server.token("alice", db_role=reader), whoami) == f"{reader} alice"
        as_caller(role_server, role_server.token("carol", db_role=rls_database.roles["outsider"]), refused)


# --- what it costs ---------------------------------------------------------------------------

def test_the_cost_of_the_claims_per_call_is_measured(claims_server, rls_binary, rls_database, idp, tmp_path):
    """count_documents 200 times as alice, with and without db_claims (printed, and in the
    report); not asserted beyond a sanity bound: the machine is shared."""
    import reporting

    plain = RlsServer(rls_binary, rls_database, idp, tmp_path / "cost", "[database]\nmax_connections = 2\n")

    async def timed(server: RlsServer) -> float:
        async with session_with(server.url, server.token("alice")) as session:
            for _ in range(20):
                await session.call_raw("count_documents", {})
            start = time.perf_counter()
            for _ in range(200):
                await session.call_raw("count_documents", {})
            return (time.perf_counter() - start) / 200 * 1000

    try:
        with_claims, without = run(timed, claims_server), run(timed, plain)
    finally:
        plain.stop()
    reporting.MEASUREMENTS["rls_count_ms_per_call"] = {"db_claims": round(with_claims, 3), "plain": round(without, 3)}
    print(json.dumps(reporting.MEASUREMENTS["rls_count_ms_per_call"]))
    assert with_claims < without * 5 + 20

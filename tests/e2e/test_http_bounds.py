"""What a Streamable HTTP server bounds, and how it says so: the Host and Origin of every
route (DNS-rebinding protection), the body size (`http.max_body_bytes`), the number of open
2025-11-25 sessions (`http.max_sessions`) and how long an idle one lives
(`http.session_idle_timeout_s`). Each bound is set tiny in a config file of the test's own
server process; every refusal is a JSON-RPC error that names the setting."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from clients import ACCEPT, initialize, response_to, session_headers, stateless_request


@pytest.fixture
def http():
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def configured(sample_server, http_servers, tmp_path: Path) -> Iterator[Any]:
    """`configured(label, TOML)`: a server process of the sample database of its own, with the
    config file TOML; stopped after the test."""
    started = []

    def start(label: str, toml: str) -> Any:
        config = tmp_path / f"{label}.toml"
        config.write_text(toml)
        process = http_servers.start_separate(sample_server, label, "--config", str(config))
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def error_message(response: httpx.Response) -> str:
    """The message of the JSON-RPC error in a refusal, which must be JSON."""
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    body = response.json()
    assert body["jsonrpc"] == "2.0" and "id" in body, body
    return body["error"]["message"]


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "mcpgen-e2e", "version": "0"}},
}


# --- Host and Origin, on every route ---------------------------------------------------------

@pytest.mark.parametrize("path", ["/healthz", "/mcp", "/admin"])
def test_a_host_that_is_not_allowed_is_refused_on_every_path(sample_http, http, path):
    response = http.get(f"{sample_http.base_url}{path}", headers={"Host": f"evil.example:{sample_http.port}", "Accept": ACCEPT})
    assert response.status_code == 403, response.text
    assert "http.allowed_hosts" in error_message(response)


@pytest.mark.parametrize("path", ["/healthz", "/mcp"])
def test_an_origin_that_is_not_allowed_is_refused_on_every_path(sample_http, http, path):
    response = http.get(f"{sample_http.base_url}{path}", headers={"Origin": "http://evil.example", "Accept": ACCEPT})
    assert response.status_code == 403, response.text
    assert "http.allowed_origins" in error_message(response)


def test_healthz_answers_an_allowed_host_and_origin(sample_http, http):
    response = http.get(f"{sample_http.base_url}/healthz", headers={"Host": f"localhost:{sample_http.port}", "Origin": "http://localhost:5173"})
    assert response.status_code == 200, response.text


def test_a_host_added_to_allowed_hosts_is_answered(configured, http):
    # 127.0.0.1 stays allowed: the test harness checks /healthz under it.
    process = configured("hosts", '[http]\nallowed_hosts = ["mcp.example", "127.0.0.1"]\n')
    allowed = http.get(f"{process.base_url}/healthz", headers={"Host": "mcp.example"})
    assert allowed.status_code == 200, allowed.text
    left_out = http.get(f"{process.base_url}/healthz", headers={"Host": f"localhost:{process.port}"})
    assert left_out.status_code == 403, "a Host left out of http.allowed_hosts was answered"


# --- the body limit --------------------------------------------------------------------------

BODY_LIMIT = 2000


@pytest.fixture
def small_bodies(configured) -> Any:
    return configured("bodies", f"[http]\nmax_body_bytes = {BODY_LIMIT}\n")


def initialize_of_length(length: int) -> bytes:
    """An initialize request padded with spaces after its JSON (still valid JSON)."""
    body = httpx.Request("POST", "/", json=INITIALIZE).content
    return body + b" " * (length - len(body))


def post(http: httpx.Client, process: Any, content: Any, content_type: str = "application/json") -> httpx.Response:
    return http.post(process.url, content=content, headers={"Accept": ACCEPT, "Content-Type": content_type})


def test_a_body_of_exactly_the_limit_is_read(small_bodies, http):
    response = post(http, small_bodies, initialize_of_length(BODY_LIMIT))
    assert response.status_code == 200, response.text
    assert response_to(response, 1)["result"]["serverInfo"]


def test_a_body_one_byte_over_the_limit_is_413_naming_the_setting(small_bodies, http):
    response = post(http, small_bodies, initialize_of_length(BODY_LIMIT + 1))
    assert response.status_code == 413, response.text
    message = error_message(response)
    assert f"{BODY_LIMIT} bytes" in message and "http.max_body_bytes" in message, message


def test_a_chunked_body_over_the_limit_is_413(small_bodies, http):
    body = initialize_of_length(BODY_LIMIT * 3)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 500):
            yield body[start:start + 500]

    response = post(http, small_bodies, chunks())
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413, response.text
    assert "http.max_body_bytes" in error_message(response)


def test_a_body_of_another_type_over_the_limit_is_413(small_bodies, http):
    response = post(http, small_bodies, b"x" * (BODY_LIMIT + 1), content_type="text/plain")
    assert response.status_code == 413, response.text


def test_the_server_answers_after_a_body_over_the_limit(small_bodies, http):
    post(http, small_bodies, initialize_of_length(BODY_LIMIT * 2))
    response = post(http, small_bodies, initialize_of_length(BODY_LIMIT))
    assert response.status_code == 200, response.text


# --- sessions --------------------------------------------------------------------------------

def open_session(http: httpx.Client, process: Any) -> str:
    return initialize(http, process.url)[1]


def list_tools(http: httpx.Client, process: Any, session_id: str) -> httpx.Response:
    return http.post(process.url, headers=session_headers(session_id), json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})


def test_a_session_beyond_max_sessions_is_503_naming_the_setting(configured, http):
    process = configured("cap", "[http]\nmax_sessions = 2\n")
    open_session(http, process)
    open_session(http, process)
    response = http.post(process.url, headers={"Accept": ACCEPT}, json={**INITIALIZE, "id": 3})
    assert response.status_code == 503, response.text
    assert "mcp-session-id" not in response.headers
    assert response.json()["id"] == 3
    assert "http.max_sessions" in error_message(response)


def test_a_deleted_session_makes_room_for_another(configured, http):
    process = configured("cap-delete", "[http]\nmax_sessions = 1\n")
    first = open_session(http, process)
    assert http.delete(process.url, headers=session_headers(first)).status_code == 204
    second = open_session(http, process)
    assert list_tools(http, process, second).status_code == 200
    assert list_tools(http, process, first).status_code == 404


def test_stateless_requests_are_served_while_sessions_are_at_the_cap(configured, http):
    process = configured("cap-stateless", "[http]\nmax_sessions = 1\n")
    open_session(http, process)
    response = stateless_request(http, process.url, 1, "tools/list")
    assert response.status_code == 200, response.text
    assert response_to(response, 1)["result"]["tools"]


IDLE_TIMEOUT_S = 2


def wait_until_expired(http: httpx.Client, process: Any, session_id: str) -> httpx.Response:
    """Leaves the session idle past the timeout and asks again (any request restarts its
    idle time, so each try first waits twice the timeout); the last answer."""
    for _ in range(5):
        time.sleep(2 * IDLE_TIMEOUT_S)
        response = list_tools(http, process, session_id)
        if response.status_code != 200:
            return response
    return response


def test_an_idle_session_ends_and_its_requests_get_404(configured, http):
    process = configured("idle", f"[http]\nsession_idle_timeout_s = {IDLE_TIMEOUT_S}\n")
    session_id = open_session(http, process)
    assert wait_until_expired(http, process, session_id).status_code == 404


def test_an_expired_session_makes_room_for_another(configured, http):
    process = configured("idle-cap", f"[http]\nmax_sessions = 1\nsession_idle_timeout_s = {IDLE_TIMEOUT_S}\n")
    session_id = open_session(http, process)
    assert wait_until_expired(http, process, session_id).status_code == 404
    open_session(http, process)


@pytest.mark.parametrize(
    "toml, setting",
    [
        ("[http]\nmax_sessions = 0\n", "http.max_sessions"),
        ("[http]\nsession_idle_timeout_s = 0\n", "http.session_idle_timeout_s"),
        ('[http]\nallowed_origins = ["localhost"]\n', "http.allowed_origins"),
    ],
)
def test_an_unusable_http_setting_stops_the_server_naming_it(sample_server, tmp_path, toml, setting):
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    completed = subprocess.run(
        [str(sample_server.binary), "serve", "--transport", "http", "--listen", "127.0.0.1:0", "--database-url", sample_server.database_url, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode != 0
    assert setting in completed.stderr, completed.stderr

"""The official MCP conformance suite (@modelcontextprotocol/conformance) against the sample
server over Streamable HTTP: every server scenario it lists is run and recorded, with the
suite's reason, in target/e2e/conformance.json (and a table at the end of the run).

Scenarios that exercise protocol behaviour must pass. The others call the suite's own fixture
tools, prompts and resources (`test_simple_text`, ...), which a database server does not have:
they are recorded, not asserted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

import reporting
from conftest import NODE, need_node_tool
from servers import E2E_OUT

MUST_PASS = ["server-initialize", "ping", "tools-list", "server-sse-multiple-streams", "dns-rebinding-protection"]
SUITE_TIMEOUT_S = 600


def conformance_command(cli: Path, *args: str) -> list[str]:
    return [str(NODE), str(cli), *args]


def server_scenarios(cli: Path) -> list[str]:
    """The server scenarios `conformance list` names."""
    listed = subprocess.run(conformance_command(cli, "list"), capture_output=True, text=True, timeout=60, check=True).stdout
    names, in_server_section = [], False
    for line in listed.splitlines():
        if line.strip().lower().startswith("server scenarios"):
            in_server_section = True
        elif line.strip().endswith(":"):
            in_server_section = False
        elif in_server_section and (match := re.match(r"\s*-\s*(\S+)", line)):
            names.append(match.group(1))
    return names


def summarize(checks: list[dict[str, Any]]) -> dict[str, Any]:
    """pass/fail and the suite's reason, from a scenario's checks.json."""
    by_status: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        by_status.setdefault(check.get("status", "?"), []).append(check)
    failures = by_status.get("FAILURE", [])
    warnings = by_status.get("WARNING", [])
    passed = not failures and bool(by_status.get("SUCCESS"))
    if failures:
        reason = "; ".join(f"{c.get('id')}: {c.get('errorMessage') or c.get('description')}" for c in failures)
    elif not checks:
        reason = "no checks recorded"
    else:
        reason = f"{len(by_status.get('SUCCESS', []))} checks passed"
        if warnings:
            reason += f", {len(warnings)} warnings: " + "; ".join(f"{c.get('id')}: {c.get('errorMessage') or c.get('description')}" for c in warnings)
    return {"status": "pass" if passed else "fail", "reason": reason, "checks": {s: len(c) for s, c in sorted(by_status.items())}}


@pytest.fixture(scope="session")
def conformance(sample_server, http_servers, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Runs the whole suite (`--suite all`) once against a server of its own; each listed
    server scenario's result, by name."""
    cli = need_node_tool("@modelcontextprotocol/conformance/dist/index.js")
    scenarios = server_scenarios(cli)
    assert scenarios, "conformance list names no server scenario"
    out = tmp_path_factory.mktemp("conformance")
    process = http_servers.start_separate(sample_server, "conformance")
    env = {**os.environ, "PATH": f"{NODE.parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    try:
        completed = subprocess.run(
            conformance_command(cli, "server", "--url", process.url, "--suite", "all", "--output-dir", str(out)),
            capture_output=True, text=True, timeout=SUITE_TIMEOUT_S, env=env, stdin=subprocess.DEVNULL,
        )
        alive = process.running()
    finally:
        process.stop()
    assert alive, f"the server died during the conformance suite; its log:\n{process.log()}"
    ran: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(out.glob("server-*/checks.json")):
        name = re.sub(r"^server-(.*)-\d{4}-\d\d-\d\dT.*$", r"\1", path.parent.name)
        ran[name] = json.loads(path.read_text())
    for name in scenarios:
        result = summarize(ran[name]) if name in ran else {
            "status": "fail", "reason": f"the suite ran no such scenario (exit {completed.returncode})", "checks": {},
        }
        result["must_pass"] = name in MUST_PASS
        reporting.CONFORMANCE[name] = result
    (E2E_OUT / "conformance.json").write_text(json.dumps(reporting.CONFORMANCE, indent=2) + "\n")
    return reporting.CONFORMANCE


@pytest.mark.parametrize("scenario", MUST_PASS)
def test_conformance_scenario_passes(conformance, scenario):
    assert scenario in conformance, f"conformance list no longer names {scenario}"
    result = conformance[scenario]
    assert result["status"] == "pass", result["reason"]


def test_every_conformance_scenario_ran_to_a_verdict(conformance):
    """Every scenario `conformance list` names recorded checks: none was skipped unseen."""
    silent = {name: r["reason"] for name, r in conformance.items() if not r["checks"]}
    assert not silent, f"scenarios without any recorded check: {silent}"

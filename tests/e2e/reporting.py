"""What the end-to-end run measures and records beyond pass/fail: written to
target/e2e/report.json and target/e2e/conformance.json at the end of the session."""

from __future__ import annotations

from typing import Any

MEASUREMENTS: dict[str, Any] = {}
"""Free-form measurements by name (e.g. the byte size of `tools/list`), for report.json."""

CONFORMANCE: dict[str, dict[str, Any]] = {}
"""Each conformance scenario's result: {"status": "pass"|"fail", "reason": str, ...}."""

TABLES: dict[str, str] = {}
"""Markdown tables by title, printed in the run's summary (e.g. the sizes of each profile)."""


def report(title: str, table: str) -> None:
    """Prints `table` in the summary under `title`, and keeps it in report.json."""
    TABLES[title] = table
    MEASUREMENTS[title] = table

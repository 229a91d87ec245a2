"""The databases under test, read directly with Python's sqlite3: what a server must answer.

Values are compared in a canonical form that both sides are brought to: a row from sqlite3
through the column's declared type and CONTRACT.md's value rules (`expected_row`), a row a
server sent through the same declared type (`received_row`). The canonical forms differ
wherever the server broke a rule: an integer sent as `1.0`, a NUMERIC sent as a number, a
DATETIME without its `T`.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import sqlite3
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

SAMPLE_SQL = Path(__file__).resolve().parents[2] / "examples" / "sample" / "sample.sql"


def build_sample(path: Path) -> Path:
    """The sample bookshop database, from examples/sample/sample.sql."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SAMPLE_SQL.read_text())
    finally:
        connection.close()
    return path


def copy_database(source: Path, path: Path) -> Path:
    shutil.copyfile(source, path)
    return path


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def snake_case(name: str) -> str:
    """CONTRACT.md's `T` of an ASCII table name: `InvoiceLine` -> `invoice_line`."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class Column:
    name: str
    declared_type: str
    not_null: bool
    primary_key_position: int
    """1-based position in the primary key, 0 when not in it."""
    default: str | None = None
    """The DEFAULT expression as SQLite keeps it (`'author'`, `CURRENT_TIMESTAMP`)."""

    @property
    def rowid_alias(self) -> bool:
        """`INTEGER PRIMARY KEY`: never NULL whatever its declaration says."""
        return self.primary_key_position > 0 and self.declared_type.upper() == "INTEGER"

    @property
    def nullable(self) -> bool:
        return not self.not_null and not self.rowid_alias


@dataclass(frozen=True)
class Relation:
    """A table or view of the database."""

    name: str
    kind: str  # "table" | "view"
    columns: tuple[Column, ...]

    @property
    def primary_key(self) -> list[str]:
        keyed = sorted((c for c in self.columns if c.primary_key_position), key=lambda c: c.primary_key_position)
        return [c.name for c in keyed]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def relations(path: Path) -> dict[str, Relation]:
    """Every table and view, by name."""
    with connect(path) as connection:
        found = connection.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        result = {}
        for name, kind in found:
            columns = tuple(
                Column(row[1], row[2] or "", bool(row[3]), row[5], row[4])
                for row in connection.execute(f"PRAGMA table_info({quote(name)})")
            )
            result[name] = Relation(name, kind, columns)
        return result


def foreign_keys(path: Path, table: str) -> list[tuple[str, list[str], list[str]]]:
    """`(referenced table, columns, referenced columns)` of each foreign key."""
    keys: dict[int, tuple[str, list[str], list[str]]] = {}
    with connect(path) as connection:
        for key_id, _seq, referenced, column, referenced_column, *_ in connection.execute(
            f"PRAGMA foreign_key_list({quote(table)})"
        ):
            entry = keys.setdefault(key_id, (referenced, [], []))
            entry[1].append(column)
            entry[2].append(referenced_column)
    return sorted(keys.values())


def unique_keys(path: Path, table: str) -> list[list[str]]:
    """The columns of each UNIQUE constraint (not the primary key, not plain indexes)."""
    keys = []
    with connect(path) as connection:
        for _seq, index, unique, origin, *_ in connection.execute(f"PRAGMA index_list({quote(table)})"):
            if unique and origin == "u":
                keys.append([row[2] for row in connection.execute(f"PRAGMA index_info({quote(index)})")])
    return sorted(keys)


def query(path: Path, sql: str, params: tuple[Any, ...] = (), *, case_sensitive_like: bool = False) -> list[dict[str, Any]]:
    """Rows of `sql` as dicts of raw sqlite3 values."""
    with connect(path) as connection:
        if case_sensitive_like:
            connection.execute("PRAGMA case_sensitive_like = ON")
        cursor = connection.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def count(path: Path, sql: str, params: tuple[Any, ...] = ()) -> int:
    with connect(path) as connection:
        return connection.execute(sql, params).fetchone()[0]


# --- values ----------------------------------------------------------------------------------

def _kind(declared_type: str) -> str:
    """What CONTRACT.md makes of a declared SQLite type (the order follows SQLite's affinity
    rules, with the types the contract names first)."""
    t = declared_type.upper()
    if "BOOL" in t:
        return "boolean"
    if "INT" in t:
        return "integer"
    if "DATETIME" in t or "TIMESTAMP" in t:
        return "datetime"
    if t == "DATE":
        return "date"
    if t == "TIME":
        return "time"
    if "JSON" in t:
        return "json"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "text"
    if "BLOB" in t:
        return "blob"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "real"
    if "NUMERIC" in t or "DECIMAL" in t:
        return "decimal"
    return "any"  # no declared type (a view's computed column): any JSON spelling of the value


def json_type(declared_type: str) -> str | None:
    """The JSON type CONTRACT.md gives a column of `declared_type` (None: any)."""
    return {
        "boolean": "boolean", "integer": "integer", "real": "number", "datetime": "string", "date": "string",
        "time": "string", "text": "string", "blob": "string", "decimal": "string",
    }.get(_kind(declared_type))


def _decimal(text: str) -> tuple[str, str]:
    return ("decimal", str(Decimal(text).normalize()))


def _computed(value: int | float | Decimal) -> tuple[str, str]:
    """A number from a column without a declared type (a view's `SUM(...)`), to 12
    significant digits: SQLite versions differ in the last bits of a floating-point sum
    (3.43 sums with compensation), so the server's SQLite and Python's may not agree on them."""
    return ("number", str(value) if isinstance(value, int) else f"{float(value):.12g}")


_TIME_FORMATS = {"datetime": "%Y-%m-%dT%H:%M:%f", "date": "%Y-%m-%d", "time": "%H:%M:%f"}


def sqlite_time(kind: str, value: str | int | float) -> str | None:
    """A date or time value as SQLite's own date functions read it (any of their spellings, a
    julian day number or unix time), in ISO 8601 as CONTRACT.md sends it: `2016-07-04T00:00:00`
    for `2016-07-04` in a DATETIME column. None when SQLite cannot read it."""
    with sqlite3.connect(":memory:") as connection:
        text = connection.execute(
            "SELECT strftime(?, ?, 'auto')", (_TIME_FORMATS[kind], value)
        ).fetchone()[0]
    return None if text is None else text.removesuffix(".000")


def expected_value(declared_type: str, value: Any) -> Any:
    """The canonical form of a value read with sqlite3, as CONTRACT.md says it is sent."""
    if value is None:
        return None
    kind = _kind(declared_type)
    if kind == "boolean" and isinstance(value, int):
        return bool(value)
    if kind in ("datetime", "date", "time") and isinstance(value, (str, int, float)):
        return sqlite_time(kind, value)
    if kind == "json" and isinstance(value, str):
        return json.loads(value)
    if kind == "blob" and isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if kind == "real" and isinstance(value, (int, float)):
        return float(value)
    if kind == "decimal" and isinstance(value, (int, float, str)):
        return _decimal(repr(value) if isinstance(value, float) else str(value))
    if kind == "any" and isinstance(value, (int, float)):
        return _computed(value)
    return value


def received_value(declared_type: str, value: Any) -> Any:
    """The canonical form of a JSON value a server sent for a column of `declared_type`."""
    if value is None:
        return None
    kind = _kind(declared_type)
    if kind == "decimal":
        if not isinstance(value, str):
            return ("NUMERIC sent as a non-string", value)
        try:
            return _decimal(value)
        except InvalidOperation:
            return ("NUMERIC sent as a non-decimal string", value)
    if kind == "real" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "any" and isinstance(value, (int, float)) and not isinstance(value, bool):
        # A column without a declared type keeps each value's storage class: a number stays a
        # JSON number (a numeric string would not compare equal here).
        return _computed(Decimal(str(value)))
    return value


def sortable(declared_type: str, value: Any) -> Any:
    """A received value as it sorts in SQL: NUMERIC strings by their number."""
    if value is not None and _kind(declared_type) == "decimal" and isinstance(value, str):
        return Decimal(value)
    return value


def expected_row(relation: Relation, row: dict[str, Any]) -> dict[str, Any]:
    return {name: expected_value(relation.column(name).declared_type, value) for name, value in row.items()}


def received_row(relation: Relation, row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: received_value(relation.column(name).declared_type, value) if _has(relation, name) else ("no such column", value)
        for name, value in row.items()
    }


def _has(relation: Relation, name: str) -> bool:
    return any(c.name == name for c in relation.columns)


def canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def assert_same_rows(received: list[dict[str, Any]], expected: list[dict[str, Any]], what: str) -> None:
    """The same rows, each as often, in any order; the message shows a few differences."""
    got, want = Counter(map(canonical, received)), Counter(map(canonical, expected))
    if got == want:
        return
    missing = list((want - got).elements())
    extra = list((got - want).elements())
    lines = [
        f"{what}: received {len(received)} rows, expected {len(expected)}; "
        f"{len(missing)} expected rows missing, {len(extra)} received rows unexpected",
    ]
    lines += [f"  missing:    {row}" for row in missing[:5]]
    lines += [f"  unexpected: {row}" for row in extra[:5]]
    raise AssertionError("\n".join(lines))

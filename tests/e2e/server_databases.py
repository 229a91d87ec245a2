"""PostgreSQL and MariaDB/MySQL under test: throwaway databases on the local servers, loaded
from the shared datasets or from scripts of our own, and read directly (psycopg, PyMySQL) as
the oracle of what a server must answer.

Values are compared in a canonical form both sides are brought to (`expected_*` for what the
database holds, `received` for what a server sent), per the column's type as the database
reports it. The canonical forms differ wherever the server broke a rule of CONTRACT.md: an
integer sent as a string, a NUMERIC sent as a number or with its scale lost, a date that is
not ISO 8601, binary data not in base64.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
import pymysql

PG_HOST = os.environ.get("MCPGEN_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("MCPGEN_PG_PORT", "5432"))
MYSQL_HOST = os.environ.get("MCPGEN_MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("MCPGEN_MYSQL_PORT", "3306"))

_counter = itertools.count()


def _run_client(command: list[str], script: str) -> None:
    import subprocess

    completed = subprocess.run(command, input=script, text=True, capture_output=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{command[0]} failed to load a script (exit {completed.returncode}): {completed.stderr.strip()[-2000:]}")


def unique_name(label: str) -> str:
    return f"mcpgen_e2e_{label}_{os.getpid()}_{next(_counter)}".lower()


def without_database_switches(script: str) -> str:
    """A dataset script made loadable into a database of any name."""
    skipped = ("CREATE DATABASE", "DROP DATABASE", "CREATE SCHEMA SAKILA", "DROP SCHEMA IF EXISTS SAKILA", "USE ", "\\C ")
    # Split at line feeds only: a carriage return inside a quoted name is part of the name.
    kept = "\n".join(line for line in script.split("\n") if not line.strip().upper().startswith(skipped))
    # Sakila's views name their tables as `sakila.film`: in a database of another name, `film`.
    return re.sub(r"\bsakila\.(?=[A-Za-z_`])", "", kept)


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type_name: str
    """PostgreSQL: format_type (`numeric(10,2)`, `text[]`, `mpaa_rating`); MySQL: COLUMN_TYPE."""
    category: str
    """What the type is, for comparing values: integer, decimal, float, boolean, text, bytes,
    date, time, timestamp, timestamptz, interval, json, array:ELEMENT, bit, fallback."""


@dataclass(frozen=True)
class RelationInfo:
    schema: str | None
    """None for the default schema."""
    name: str
    kind: str  # table | view
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...]

    def column(self, name: str) -> ColumnInfo:
        return next(c for c in self.columns if c.name == name)

    @property
    def tool_base(self) -> str:
        base = snake_case(self.name)
        return f"{snake_case(self.schema)}_{base}" if self.schema else base


def _unique_key(found: dict[str, RelationInfo], relation: RelationInfo) -> str:
    """The relation's tool base, or, when another relation has it too, that and its name."""
    key = relation.tool_base
    return key if key not in found else f"{key}#{relation.name}"


def snake_case(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# --- canonical values ------------------------------------------------------------------------

def _datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace(" ", "T"))


def _instant(value: Any) -> Any:
    parsed = value if isinstance(value, dt.datetime) else _datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return ("instant", parsed.astimezone(dt.timezone.utc).isoformat())


def canonical(category: str, value: Any) -> Any:
    """A value, from either side, in the form the two are compared in."""
    if value is None:
        return None
    if category.startswith("array:"):
        if not isinstance(value, list):
            return ("array sent as", value)
        element = category.removeprefix("array:")
        return [canonical(element, v) for v in value]
    if category == "timestamp":
        return ("timestamp", (value if isinstance(value, dt.datetime) else _datetime(value)).isoformat())
    if category == "timestamptz":
        return _instant(value)
    if category == "date":
        return ("date", (value if isinstance(value, dt.date) else dt.date.fromisoformat(value)).isoformat())
    if category == "time":
        if isinstance(value, dt.timedelta):
            value = (dt.datetime.min + value).time()
        return ("time", (value if isinstance(value, dt.time) else dt.time.fromisoformat(value)).isoformat())
    if category == "float" and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    return value


def expected_pg(category: str, value: Any) -> Any:
    """A value of `row_to_json` (read with Decimal for numbers) in canonical form."""
    if value is None:
        return None
    if category.startswith("array:"):
        element = category.removeprefix("array:")
        return canonical(category, [_pg_json_scalar(element, v) for v in value])
    return canonical(category, _pg_json_scalar(category, value))


def _pg_json_scalar(category: str, value: Any) -> Any:
    if value is None:
        return None
    if category == "decimal":
        return _decimal_text(value)  # exact: row_to_json keeps the scale (1.50), Decimal too
    if category == "json":
        return _floats(value)
    if category == "integer":
        return int(value)
    if category == "bytes" and isinstance(value, str) and value.startswith("\\x"):
        return base64.b64encode(bytes.fromhex(value[2:])).decode()
    return value


def _decimal_text(value: Any) -> str:
    """A decimal as PostgreSQL and MySQL print it: no exponent, every digit of its scale."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _floats(value: Any) -> Any:
    """A JSON document read with Decimal numbers, with floats again."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    return value


def expected_mysql(category: str, value: Any) -> Any:
    """A value PyMySQL read, in canonical form."""
    if value is None:
        return None
    if category == "boolean":
        return bool(value)
    if category == "decimal":
        return _decimal_text(value)
    if category == "bytes":
        return base64.b64encode(value).decode()
    if category == "bit":
        return int.from_bytes(value, "big") if isinstance(value, bytes) else int(value)
    if category == "json":
        return json.loads(value) if isinstance(value, (str, bytes)) else value
    return canonical(category, value)


def received(category: str, value: Any) -> Any:
    """A JSON value a server sent, in canonical form."""
    if value is None:
        return None
    if category == "decimal" and not isinstance(value, str):
        return ("NUMERIC sent as a non-string", value)
    if category in ("integer", "bit") and (not isinstance(value, int) or isinstance(value, bool)):
        return ("integer sent as", value)
    if category.startswith("array:") and isinstance(value, list):
        element = category.removeprefix("array:")
        return [received(element, v) for v in value]
    return canonical(category, value)


def row_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


# --- PostgreSQL ------------------------------------------------------------------------------

PG_CATEGORIES = {
    "smallint": "integer", "integer": "integer", "bigint": "integer",
    "numeric": "decimal", "real": "float", "double precision": "float",
    "boolean": "boolean", "text": "text", "character varying": "text", "character": "text", "name": "text",
    "bytea": "bytes", "date": "date", "time without time zone": "time",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
    "interval": "interval", "uuid": "text", "json": "json", "jsonb": "json", "inet": "text", "cidr": "text",
}
PG_ARRAY_ELEMENTS = {
    "smallint", "integer", "bigint", "numeric", "real", "double precision", "boolean", "text",
    "character varying", "character", "bytea", "date", "time without time zone",
    "timestamp without time zone", "timestamp with time zone", "uuid", "json", "jsonb",
}


class Postgres:
    """A database of its own on the local PostgreSQL server."""

    engine = "postgres"

    def __init__(self, label: str) -> None:
        self.name = unique_name(label)
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {self.name}")

    @staticmethod
    def available() -> str | None:
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", connect_timeout=3):
                return None
        except psycopg.Error as error:
            return f"PostgreSQL does not answer at {PG_HOST}:{PG_PORT}: {error}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@{PG_HOST}:{PG_PORT}/{self.name}"

    def connect(self) -> psycopg.Connection:
        connection = psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=self.name, autocommit=True)
        connection.execute("SET IntervalStyle = 'iso_8601'")
        connection.execute("SET TimeZone = 'UTC'")
        return connection

    def run_script(self, script: str) -> None:
        """Runs a script with COPY ... FROM stdin blocks and psql's \\. terminators, as psql would."""
        _run_client(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG_HOST, "-p", str(PG_PORT), "-U", "postgres", "-d", self.name],
            script,
        )

    def analyze(self) -> None:
        """Gathers the planner's statistics, as one does after a bulk load."""
        with self.connect() as connection:
            connection.execute("ANALYZE")

    def drop(self) -> None:
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def relations(self) -> dict[str, RelationInfo]:
        """Tables (not partitions), views and materialized views of every user schema, by tool base."""
        with self.connect() as connection:
            found = connection.execute(
                """SELECT n.nspname, c.relname, c.relkind, c.oid FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
                     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                   ORDER BY 1, 2"""
            ).fetchall()
            result = {}
            for schema, name, kind, oid in found:
                columns = []
                for column, type_name, base_name, type_type, element_name, element_type in connection.execute(
                    """SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                              format_type(COALESCE(NULLIF(t.typbasetype, 0), a.atttypid), NULL), bt.typtype,
                              format_type(COALESCE(NULLIF(et.typbasetype, 0), et.oid), NULL), et.typtype
                       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                       JOIN pg_type bt ON bt.oid = COALESCE(NULLIF(t.typbasetype, 0), a.atttypid)
                       LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
                       WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""",
                    (oid,),
                ):
                    category = _pg_category(base_name, type_type, element_name, element_type)
                    columns.append(ColumnInfo(column, type_name, category))
                key = connection.execute(
                    """SELECT array_agg(a.attname ORDER BY k.ordinality) FROM pg_constraint c
                       CROSS JOIN unnest(c.conkey) WITH ORDINALITY AS k(attnum, ordinality)
                       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                       WHERE c.conrelid = %s AND c.contype = 'p'""",
                    (oid,),
                ).fetchone()[0]
                relation = RelationInfo(
                    None if schema == "public" else schema, name, "table" if kind in "rp" else "view",
                    tuple(columns), tuple(key or ()),
                )
                result[_unique_key(result, relation)] = relation
            return result

    def rows(self, relation: RelationInfo, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Every row, canonical, from PostgreSQL's own JSON of it (its text forms, exact numbers)."""
        table = _pg_table(relation)
        texts = ", ".join(f"CAST({_pg_quote(c.name)} AS text)" for c in relation.columns)
        with self.connect() as connection:
            found = connection.execute(f"SELECT row_to_json(t)::text, ARRAY[{texts}] FROM {table} t {where}", params or None).fetchall()
        rows = []
        for document, as_text in found:
            values = json.loads(document, parse_float=Decimal)
            row = {}
            for column, text in zip(relation.columns, as_text):
                if column.category == "fallback":
                    row[column.name] = text
                else:
                    row[column.name] = expected_pg(column.category, values[column.name])
            rows.append(row)
        return rows

    def count(self, relation: RelationInfo) -> int:
        with self.connect() as connection:
            return connection.execute(f"SELECT COUNT(*) FROM {_pg_table(relation)}").fetchone()[0]

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Runs `sql` (`%s` placeholders) in the database itself: its rows, none for a statement
        that returns none."""
        with self.connect() as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


def _pg_category(base_name: str, type_type: str, element_name: str | None, element_type: str | None) -> str:
    """Arrays of enums are arrays of text; arrays of domains, arrays of their base type."""
    if element_name is not None:
        if element_type == "e":
            return "array:text"
        return f"array:{PG_CATEGORIES[element_name]}" if element_name in PG_ARRAY_ELEMENTS else "fallback"
    if type_type == "e":
        return "text"
    return PG_CATEGORIES.get(base_name, "fallback")


def _pg_quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _pg_table(relation: RelationInfo) -> str:
    return f"{_pg_quote(relation.schema or 'public')}.{_pg_quote(relation.name)}"


# --- MySQL / MariaDB -------------------------------------------------------------------------

class Mysql:
    """A database of its own on the local MariaDB (or MySQL) server."""

    engine = "mysql"

    def __init__(self, label: str) -> None:
        self.name = unique_name(label)
        with self._connect(None) as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {self.name} CHARACTER SET utf8mb4")

    @staticmethod
    def available() -> str | None:
        try:
            pymysql.connect(host=MYSQL_HOST, port=MYSQL_PORT, user="root", connect_timeout=3).close()
            return None
        except pymysql.MySQLError as error:
            return f"MariaDB/MySQL does not answer at {MYSQL_HOST}:{MYSQL_PORT}: {error}"

    @staticmethod
    def _connect(database: str | None) -> pymysql.Connection:
        connection = pymysql.connect(
            host=MYSQL_HOST, port=MYSQL_PORT, user="root", database=database, charset="utf8mb4", autocommit=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SET time_zone = '+00:00'")
        return connection

    @property
    def url(self) -> str:
        return f"mysql://root@{MYSQL_HOST}:{MYSQL_PORT}/{self.name}"

    def connect(self) -> pymysql.Connection:
        return self._connect(self.name)

    def run_script(self, script: str) -> None:
        _run_client(["mariadb", "--protocol=TCP", "--default-character-set=utf8mb4", "-h", MYSQL_HOST, "-P", str(MYSQL_PORT), "-u", "root", self.name], script)

    def analyze(self) -> None:
        """Gathers the optimizer's statistics, as one does after a bulk load. Without them
        MariaDB plans Sakila's sales_by_store with a block-nested-loop join over payment that
        takes half a minute instead of 50 ms."""
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE'",
                (self.name,),
            )
            tables = [name for (name,) in cursor.fetchall()]
            if tables:
                cursor.execute("ANALYZE TABLE " + ", ".join("`" + t.replace("`", "``") + "`" for t in tables))
                cursor.fetchall()

    def drop(self) -> None:
        with self._connect(None) as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {self.name}")

    def relations(self) -> dict[str, RelationInfo]:
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
                (self.name,),
            )
            found = cursor.fetchall()
            cursor.execute(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s",
                (self.name,),
            )
            json_columns = {
                (table, m.group(1))
                for table, _name, clause in cursor.fetchall()
                for m in [re.search(r"json_valid\(`([^`]+)`\)", clause or "")]
                if m
            }
            result = {}
            for name, table_type in found:
                cursor.execute(
                    """SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, COLUMN_KEY FROM information_schema.COLUMNS
                       WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION""",
                    (self.name, name),
                )
                columns = tuple(
                    ColumnInfo(column, column_type, "json" if (name, column) in json_columns else _mysql_category(column_type, data_type))
                    for column, column_type, data_type, _key in cursor.fetchall()
                )
                cursor.execute(
                    """SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
                       WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION""",
                    (self.name, name),
                )
                key = tuple(row[0] for row in cursor.fetchall())
                relation = RelationInfo(None, name, "view" if table_type == "VIEW" else "table", columns, key)
                result[_unique_key(result, relation)] = relation
            return result

    def rows(self, relation: RelationInfo, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        names = ", ".join(
            f"CAST({_mysql_quote(c.name)} AS CHAR)" if c.category == "mysql_time" else _mysql_quote(c.name)
            for c in relation.columns
        )
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT {names} FROM {_mysql_quote(relation.name)} {where}", params or None)
            return [
                {c.name: expected_mysql(c.category, v) for c, v in zip(relation.columns, row)}
                for row in cursor.fetchall()
            ]

    def count(self, relation: RelationInfo) -> int:
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {_mysql_quote(relation.name)}")
            return cursor.fetchone()[0]

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Runs `sql` (`%s` placeholders) in the database itself: its rows."""
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())


def _mysql_category(column_type: str, data_type: str) -> str:
    column_type = column_type.lower()
    if column_type.startswith("tinyint(1)") and "unsigned" not in column_type:
        return "boolean"
    if data_type in ("tinyint", "smallint", "mediumint", "int", "bigint", "year"):
        return "integer"
    if data_type == "bit":
        return "bit"
    if data_type == "decimal":
        return "decimal"
    if data_type in ("float", "double"):
        return "float"
    if data_type in ("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"):
        return "bytes"
    if data_type == "date":
        return "date"
    if data_type == "time":
        return "mysql_time"  # a signed span of up to 838 hours: served as MySQL's text of it
    if data_type == "datetime":
        return "timestamp"
    if data_type == "timestamp":
        return "timestamptz"
    if data_type == "json":
        return "json"
    return "text"


def _mysql_quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


# --- SQLite ----------------------------------------------------------------------------------

class Sqlite:
    """A database file of its own (for schemas the SQLite tests of the sample do not cover)."""

    engine = "sqlite"

    def __init__(self, label: str) -> None:
        import tempfile

        self.directory = tempfile.mkdtemp(prefix=f"mcpgen-{label}-")
        self.path = os.path.join(self.directory, f"{label}.db")
        self.name = label

    @staticmethod
    def available() -> str | None:
        return None

    @property
    def url(self) -> str:
        return f"sqlite://{self.path}"

    def connect(self) -> Any:
        import sqlite3

        return sqlite3.connect(self.path)

    def run_script(self, script: str) -> None:
        connection = self.connect()
        try:
            connection.executescript(script)
        finally:
            connection.close()

    def analyze(self) -> None:
        """Gathers the query planner's statistics, as one does after a bulk load."""
        connection = self.connect()
        try:
            connection.execute("ANALYZE")
        finally:
            connection.close()

    def drop(self) -> None:
        import shutil

        shutil.rmtree(self.directory, ignore_errors=True)

    def relations(self) -> dict[str, RelationInfo]:
        connection = self.connect()
        try:
            result: dict[str, RelationInfo] = {}
            for name, kind in connection.execute(
                "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall():
                info = connection.execute(f"PRAGMA table_info({_pg_quote(name)})").fetchall()
                columns = tuple(ColumnInfo(row[1], row[2], _sqlite_category(row[2])) for row in info)
                key = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
                relation = RelationInfo(None, name, kind, columns, key)
                result[_unique_key(result, relation)] = relation
            return result
        finally:
            connection.close()

    def rows(self, relation: RelationInfo) -> list[dict[str, Any]]:
        connection = self.connect()
        try:
            names = ", ".join(_pg_quote(c.name) for c in relation.columns)
            found = connection.execute(f"SELECT {names} FROM {_pg_quote(relation.name)}").fetchall()
            return [{c.name: _sqlite_value(c.category, v) for c, v in zip(relation.columns, row)} for row in found]
        finally:
            connection.close()

    def count(self, relation: RelationInfo) -> int:
        connection = self.connect()
        try:
            return connection.execute(f"SELECT COUNT(*) FROM {_pg_quote(relation.name)}").fetchone()[0]
        finally:
            connection.close()


def _sqlite_category(declared: str) -> str:
    upper = declared.upper()
    if upper in ("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"):
        return "timestamptz"
    if upper in ("DATETIME", "TIMESTAMP"):
        return "timestamp"
    if upper in ("DATE", "TIME"):
        return upper.lower()
    if "BOOL" in upper:
        return "boolean"
    if "INT" in upper:
        return "integer"
    if "NUMERIC" in upper or "DECIMAL" in upper:
        return "decimal"
    if "BLOB" in upper:
        return "bytes"
    if "REAL" in upper or "FLOA" in upper or "DOUB" in upper:
        return "float"
    return "text"


SQLITE_TIME_FORMATS = {
    "date": "%Y-%m-%d",
    "time": "%H:%M:%f",
    "timestamp": "%Y-%m-%dT%H:%M:%f",
    "timestamptz": "%Y-%m-%dT%H:%M:%fZ",
}
"""How SQLite's own date and time functions write a value of each kind."""


def sqlite_time(category: str, value: Any) -> str | None:
    """A stored date or time (any spelling SQLite's functions read, a julian day number, unix
    time) as SQLite's own functions read it; None when they cannot."""
    import sqlite3

    with sqlite3.connect(":memory:") as connection:
        return connection.execute(
            "SELECT strftime(?, ?, 'auto')", (SQLITE_TIME_FORMATS[category], value)
        ).fetchone()[0]


def _sqlite_value(category: str, value: Any) -> Any:
    """SQLite keeps NUMERIC at the stored precision (2.5 for a stored 2.50), and dates and
    times in many spellings, each read as SQLite's date functions read it."""
    if value is None:
        return None
    if category in SQLITE_TIME_FORMATS:
        return canonical(category, sqlite_time(category, value))
    if category == "boolean":
        return bool(value)
    if category == "decimal":
        return format(Decimal(str(value)), "f")
    if category == "bytes":
        return base64.b64encode(value).decode()
    return canonical(category, value)

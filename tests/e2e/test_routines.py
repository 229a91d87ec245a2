"""Stored procedures and functions end to end: Pagila, jOOQ's Sakila port and Sakila on
MariaDB, and scripts of our own with a routine of every shape (tests/e2e/sql/*_routines.sql).

- `list_routines` lists every routine mcpgen can call, read-only as the database declares it
  (PostgreSQL's volatility, MySQL's SQL data access, read directly from the catalog);
  without --allow-writes only those that read are served.
- Every `call_R` gives what the same call run directly in the database gives (psycopg,
  PyMySQL): its value, its rows, its OUT values; or, when the database fails the call, an
  error that carries the database's own message.
- Routines that write do so in one transaction: what they write stays when they succeed and
  nothing stays when they fail; a routine declared read-only that writes is refused and
  leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

import server_databases as sd
from clients import open_session, run, stdio_parameters

ROUTINE_LABELS = ["pagila", "sakila_pg", "sakila_my", "pg_routines", "my_routines"]

# label: every routine served with writes on, by name (schema-qualified outside the default
# schema), and whether it only reads. What mcpgen skips (trigger, aggregate and pseudo-type
# routines) is absent.
SERVED_ROUTINES: dict[str, dict[str, bool]] = {
    "pagila": {
        "_group_concat": True, "film_in_stock": False, "film_not_in_stock": False,
        "get_customer_balance": False, "inventory_held_by_customer": False,
        "inventory_in_stock": False, "last_day": True, "rewards_report": False,
    },
    "sakila_pg": {
        "_group_concat": True, "film_in_stock": False, "film_not_in_stock": False,
        "get_customer_balance": False, "inventory_held_by_customer": False,
        "inventory_in_stock": False, "last_day": True, "rewards_report": False,
    },
    "sakila_my": {
        "film_in_stock": True, "film_not_in_stock": True, "get_customer_balance": True,
        "inventory_held_by_customer": True, "inventory_in_stock": True, "rewards_report": True,
    },
    "pg_routines": {
        "Note Lengths": True, "add_note": False, "add_note_then_fail": False, "add_up": True,
        "billing.double_it": True, "day_after": True, "describe": True, "first_pair": True,
        "forget_note": False, "happiest": True, "insert_note": False, "note_stats": True,
        "notes_in_mood": True, "numbers": True, "price_with_tax": True, "sleepy": True, "sneaky_note": True,
        "sorted_words": True, "total_of": True,
    },
    "my_routines": {
        "add_note": False, "add_note_then_fail": False, "biggest_size": True, "day_after": True,
        "forget_note": False, "note_stats": True, "notes_of_size": True, "numbers": True,
        "price_with_tax": True, "sleepy": True, "sneaky_note": True, "two_result_sets": True,
    },
}


def _writes_on(target: Any) -> Any:
    return stdio_parameters(str(target.binary), target.database.url, "--allow-writes")


def _key(routine: dict[str, Any], default_schema: str) -> str:
    schema = routine["schema"]
    return routine["name"] if schema == default_schema else f"{schema}.{routine['name']}"


def _default_schema(target: Any) -> str:
    return "public" if isinstance(target.database, sd.Postgres) else target.database.name


def _declared_read_only(target: Any) -> dict[str, bool]:
    """Whether the database itself says each routine only reads: PostgreSQL `IMMUTABLE` or
    `STABLE`; MySQL `READS SQL DATA` or `NO SQL`."""
    database = target.database
    if isinstance(database, sd.Postgres):
        rows = database.query(
            "SELECT CASE WHEN n.nspname = 'public' THEN p.proname ELSE n.nspname || '.' || p.proname END,"
            " p.provolatile IN ('i', 's') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
    else:
        rows = database.query(
            "SELECT ROUTINE_NAME, SQL_DATA_ACCESS IN ('READS SQL DATA', 'NO SQL')"
            " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s",
            (database.name,),
        )
    return {name: bool(read_only) for name, read_only in rows}


@pytest.mark.parametrize("label", ROUTINE_LABELS)
def test_every_routine_is_listed_and_read_only_as_the_database_declares_it(label: str, served: Any) -> None:
    target = served(label)
    declared = _declared_read_only(target)
    default_schema = _default_schema(target)

    async def check() -> None:
        async with open_session(_writes_on(target)) as session:
            listed = (await session.call("list_routines"))["routines"]
            by_name: dict[str, list[dict[str, Any]]] = {}
            for routine in listed:
                by_name.setdefault(_key(routine, default_schema), []).append(routine)
            assert {name: entries[0]["read_only"] for name, entries in by_name.items()} == SERVED_ROUTINES[label]
            for name, entries in by_name.items():
                assert all(entry["read_only"] == declared[name] for entry in entries), (name, declared[name])
                for entry in entries:
                    assert entry["tool"] in session.tools, entry
                    tool = session.tools[entry["tool"]]
                    if entry["read_only"]:
                        assert tool.annotations.read_only_hint is True, entry
                    else:
                        assert tool.annotations.read_only_hint is False and tool.annotations.destructive_hint is True, entry
                    assert entry["name"] in tool.description, (entry, tool.description)
            listed_tools = {entry["tool"] for entry in listed}
            assert listed_tools == {name for name in session.tools if name.startswith("call_")}
        async with open_session(target.stdio()) as session:
            reading = (await session.call("list_routines"))["routines"]
            assert sorted(entry["tool"] for entry in reading) == sorted(
                entry["tool"] for entry in listed if entry["read_only"]
            )
            assert {name for name in session.tools if name.startswith("call_")} == {entry["tool"] for entry in reading}

    run(check)


# --- calls compared with the database -----------------------------------------------------------
#
# A case: the tool's routine (and, for overloads, its signature), its arguments, and the same
# call in the database: SQL with its parameters, and what the result is made of.


def _plain(value: Any) -> Any:
    """A value read directly from the database, as the server sends it in JSON."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


DATETIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


def _instant(value: Any) -> Any:
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value.replace(" ", "T"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed.isoformat()


def _received(value: Any) -> Any:
    """A value a server sent, in the form `_plain` gives the database's."""
    if isinstance(value, str) and DATETIME.match(value):
        return _instant(value)
    if isinstance(value, list):
        return [_received(v) for v in value]
    if isinstance(value, dict):
        return {k: _received(v) for k, v in value.items()}
    return value


def _same(received: Any, expected: Any) -> bool:
    received = _received(received)
    if isinstance(received, bool) and isinstance(expected, int):
        return received == bool(expected)  # MySQL's BOOLEAN is TINYINT(1)
    if isinstance(received, dict) and isinstance(expected, dict):
        return received.keys() == expected.keys() and all(_same(received[k], expected[k]) for k in received)
    if isinstance(received, list) and isinstance(expected, list):
        return len(received) == len(expected) and all(_same(r, e) for r, e in zip(received, expected))
    return received == expected


def _postgres(target: Any, sql: str, params: tuple[Any, ...], shape: str) -> Any:
    """The result of the call in PostgreSQL, shaped as `call_R` returns it; or the database's
    error message."""
    import psycopg

    with target.database.connect() as connection:
        try:
            cursor = connection.execute(sql, params)
        except psycopg.Error as error:
            return ("error", error.diag.message_primary)
        names = [column.name for column in cursor.description]
        rows = [{n: _plain(v) for n, v in zip(names, row)} for row in cursor.fetchall()]
    if shape == "value":
        return {"value": next(iter(rows[0].values()))}
    if shape == "out":
        return {"out": rows[0]}
    return {"rows": rows}


def _mysql(target: Any, sql: str, params: tuple[Any, ...], out: str | None) -> Any:
    """The result of the call in MySQL, shaped as `call_R` returns it: a function's value, or
    the rows of every result set of a procedure and then its OUT values (`SELECT out`); or the
    database's error message."""
    import pymysql

    with target.database.connect() as connection, connection.cursor() as cursor:
        try:
            cursor.execute(sql, params)
        except pymysql.MySQLError as error:
            return ("error", error.args[1])
        if sql.startswith("SELECT"):
            return {"value": _plain(cursor.fetchone()[0])}
        rows: list[dict[str, Any]] = []
        while True:
            if cursor.description:
                names = [column[0] for column in cursor.description]
                rows += [{n: _plain(v) for n, v in zip(names, row)} for row in cursor.fetchall()]
            if not cursor.nextset():
                break
        result: dict[str, Any] = {"rows": rows}
        if out:
            cursor.execute(out)
            names = [column[0] for column in cursor.description]
            result["out"] = {n: _plain(v) for n, v in zip(names, cursor.fetchone())}
        return result


# label: (routine[(signature)], arguments, SQL of the same call, its parameters, shape)
# shape: "value", "rows", "out" (PostgreSQL), or for MySQL the SELECT of its OUT values.
PG_CALLS = {
    "pg_routines": [
        ("price_with_tax", {"p_price": "10.00"}, "SELECT price_with_tax(10.00)", (), "value"),
        ("price_with_tax", {"p_price": "10.00", "p_rate": "0.07"}, "SELECT price_with_tax(%s, %s)", (Decimal("10.00"), Decimal("0.07")), "value"),
        ("notes_in_mood", {"p_mood": "ok"}, "SELECT * FROM notes_in_mood('ok')", (), "rows"),
        ("happiest", {}, "SELECT happiest()::text", (), "value"),
        ("Note Lengths", {}, 'SELECT * FROM "Note Lengths"()', (), "rows"),
        ("Note Lengths", {"min_length": 6}, 'SELECT * FROM "Note Lengths"(6)', (), "rows"),
        ("note_stats", {}, "SELECT * FROM note_stats()", (), "out"),
        ("describe(integer)", {"v": 7}, "SELECT describe(7)", (), "value"),
        ("describe(text)", {"v": "seven"}, "SELECT describe('seven'::text)", (), "value"),
        ("add_up", {"arg1": 1}, "SELECT add_up(1)", (), "value"),
        ("add_up", {"arg1": 1, "arg2": 2}, "SELECT add_up(1, 2)", (), "value"),
        ("total_of", {"vals": [1, 2, 39]}, "SELECT total_of(1, 2, 39)", (), "value"),
        ("sorted_words", {"words": ["pear", "apple", None]}, "SELECT sorted_words(ARRAY['pear', 'apple', NULL])", (), "value"),
        ("day_after", {"d": "2024-02-28"}, "SELECT day_after('2024-02-28')", (), "value"),
        ("first_pair", {}, "SELECT first_pair()::text", (), "value"),
        ("billing.double_it", {"x": 21}, "SELECT billing.double_it(21)", (), "value"),
        ("numbers", {"n": 5}, "SELECT * FROM numbers(5)", (), "rows"),
    ],
    "pagila": [
        ("last_day", {"arg1": "2022-02-10T12:00:00Z"}, "SELECT last_day('2022-02-10T12:00:00Z'::timestamptz)", (), "value"),
        ("_group_concat", {"arg1": "a", "arg2": "b"}, "SELECT _group_concat('a', 'b')", (), "value"),
        ("film_in_stock", {"p_film_id": 1, "p_store_id": 1}, "SELECT * FROM film_in_stock(1, 1)", (), "rows"),
        ("film_not_in_stock", {"p_film_id": 2, "p_store_id": 2}, "SELECT * FROM film_not_in_stock(2, 2)", (), "rows"),
        ("inventory_in_stock", {"p_inventory_id": 1}, "SELECT inventory_in_stock(1)", (), "value"),
        ("inventory_held_by_customer", {"p_inventory_id": "HELD"}, "SELECT inventory_held_by_customer(%s)", ("HELD",), "value"),
        ("get_customer_balance", {"p_customer_id": 1, "p_effective_date": "2022-08-01T00:00:00Z"}, "SELECT get_customer_balance(1, '2022-08-01T00:00:00Z')", (), "value"),
        ("rewards_report", {"min_monthly_purchases": 1, "min_dollar_amount_purchased": "1.00"}, "SELECT * FROM rewards_report(1, 1.00)", (), "rows"),
    ],
    "sakila_pg": [
        ("last_day", {"arg1": "2006-02-10T12:00:00"}, "SELECT last_day('2006-02-10T12:00:00'::timestamp)", (), "value"),
        ("_group_concat", {"arg1": "a", "arg2": "b"}, "SELECT _group_concat('a', 'b')", (), "value"),
        ("film_in_stock", {"p_film_id": 1, "p_store_id": 1}, "SELECT * FROM film_in_stock(1, 1)", (), "rows"),
        ("film_not_in_stock", {"p_film_id": 2, "p_store_id": 2}, "SELECT * FROM film_not_in_stock(2, 2)", (), "rows"),
        ("rewards_report", {"min_monthly_purchases": 1, "min_dollar_amount_purchased": "1.00"}, "SELECT * FROM rewards_report(1, 1.00)", (), "rows"),
        ("inventory_in_stock", {"p_inventory_id": 1}, "SELECT inventory_in_stock(1)", (), "value"),
        ("inventory_held_by_customer", {"p_inventory_id": "HELD"}, "SELECT inventory_held_by_customer(%s)", ("HELD",), "value"),
        ("get_customer_balance", {"p_customer_id": 1, "p_effective_date": "2005-08-01T00:00:00"}, "SELECT get_customer_balance(1, '2005-08-01T00:00:00')", (), "value"),
    ],
}
MY_CALLS = {
    "my_routines": [
        ("price_with_tax", {"p_price": "10.00", "p_rate": "0.07"}, "SELECT price_with_tax(10.00, 0.07)", (), None),
        ("biggest_size", {}, "SELECT biggest_size()", (), None),
        ("day_after", {"d": "2024-02-28"}, "SELECT day_after('2024-02-28')", (), None),
        ("notes_of_size", {"p_size": "S"}, "CALL notes_of_size('S', @c)", (), "SELECT @c AS p_count"),
        ("two_result_sets", {}, "CALL two_result_sets()", (), None),
        ("numbers", {"n": 5}, "CALL numbers(5)", (), None),
    ],
    "sakila_my": [
        ("film_in_stock", {"p_film_id": 1, "p_store_id": 1}, "CALL film_in_stock(1, 1, @c)", (), "SELECT @c AS p_film_count"),
        ("film_not_in_stock", {"p_film_id": 2, "p_store_id": 2}, "CALL film_not_in_stock(2, 2, @c)", (), "SELECT @c AS p_film_count"),
        ("get_customer_balance", {"p_customer_id": 1, "p_effective_date": "2005-08-01 00:00:00"}, "SELECT get_customer_balance(1, '2005-08-01 00:00:00')", (), None),
        ("inventory_in_stock", {"p_inventory_id": 1}, "SELECT inventory_in_stock(1)", (), None),
        ("inventory_held_by_customer", {"p_inventory_id": "HELD"}, "SELECT inventory_held_by_customer(%s)", ("HELD",), None),
    ],
}


def _held_inventory(target: Any) -> int:
    """An inventory item out on rental (so a call finds its customer)."""
    return target.database.query(
        "SELECT inventory_id FROM rental WHERE return_date IS NULL ORDER BY rental_id LIMIT 1"
    )[0][0]


async def _tools_by_routine(session: Any, default_schema: str) -> dict[str, str]:
    """`name` and `name(signature)` -> the tool that calls it."""
    tools = {}
    for routine in (await session.call("list_routines"))["routines"]:
        key = _key(routine, default_schema)
        tools.setdefault(key, routine["tool"])
        tools[f"{key}({routine['signature']})"] = routine["tool"]
    return tools


@pytest.mark.parametrize("label", [*PG_CALLS, *MY_CALLS])
def test_every_call_gives_what_the_database_gives(label: str, served: Any) -> None:
    target = served(label)
    postgres = isinstance(target.database, sd.Postgres)
    cases = PG_CALLS.get(label) or MY_CALLS[label]
    held = _held_inventory(target) if label in ("pagila", "sakila_pg", "sakila_my") else None

    async def check() -> None:
        async with open_session(_writes_on(target)) as session:
            tools = await _tools_by_routine(session, _default_schema(target))
            for routine, arguments, sql, params, shape in cases:
                arguments = {k: (held if v == "HELD" else v) for k, v in arguments.items()}
                params = tuple(held if p == "HELD" else p for p in params)
                tool = tools[routine]
                expected = _postgres(target, sql, params, shape) if postgres else _mysql(target, sql, params, shape)
                if isinstance(expected, tuple):
                    message = await session.call_error(tool, arguments)
                    assert expected[1] in message, f"{tool}({arguments}): {message!r} lacks the database's {expected[1]!r}"
                    assert " at line " not in message, message
                    continue
                got = await session.call(tool, arguments)
                assert _same(got, expected), f"{tool}({arguments}) gave {got}; the database gives {expected}"

    run(check)


def test_sakilas_rewards_report_declared_read_only_but_writing_is_refused(served: Any) -> None:
    """Sakila's rewards_report says READS SQL DATA and creates a temporary table: MariaDB runs
    it when called directly, and refuses it in the read-only transaction the server calls a
    routine that only reads in, with or without writes on."""
    target = served("sakila_my")
    direct = _mysql(target, "CALL rewards_report(1, 1.00, @c)", (), "SELECT @c AS count_rewardees")
    assert not isinstance(direct, tuple), direct

    async def check() -> None:
        for parameters in (target.stdio(), _writes_on(target)):
            async with open_session(parameters) as session:
                message = await session.call_error(
                    "call_rewards_report", {"min_monthly_purchases": 1, "min_dollar_amount_purchased": "1.00"}
                )
                assert "declared to only read (READS SQL DATA or NO SQL)" in message, message

    run(check)


@pytest.mark.parametrize("label", ["pg_routines", "my_routines"])
def test_a_call_returns_at_most_one_result_of_rows_and_says_so(label: str, served: Any) -> None:
    target = served(label)

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            small = await session.call("call_numbers", {"n": 5})
            assert "truncated" not in small and len(small["rows"]) == 5, small
            big = await session.call("call_numbers", {"n": 5000})
            assert big.get("truncated") is True, list(big)
            values = [next(iter(row.values())) for row in big["rows"]]
            assert values == list(range(1, len(values) + 1)) and len(values) == 1000, len(values)
            # The server goes on: the rows left unread do not disturb the next call.
            again = await session.call("call_numbers", {"n": 3})
            assert [next(iter(row.values())) for row in again["rows"]] == [1, 2, 3]

    run(check)


@pytest.mark.parametrize("label", ["pg_routines", "my_routines"])
def test_a_call_past_the_statement_time_limit_is_stopped_and_says_so(label: str, served: Any, tmp_path: Any) -> None:
    """A routine runs under limits.statement_timeout_ms like any statement: the database stops
    it, the call says why, and the server serves on."""
    target = served(label)
    config = tmp_path / "mcpgen.toml"
    config.write_text("[limits]\nstatement_timeout_ms = 300\n")

    async def check() -> None:
        parameters = stdio_parameters(str(target.binary), target.database.url, "--config", str(config))
        async with open_session(parameters) as session:
            assert (await session.call("call_sleepy", {"seconds": 0.01})) == {"value": 1 if label == "pg_routines" else 0}
            message = await session.call_error("call_sleepy", {"seconds": 30})
            assert "ran longer than this server allows (300 ms" in message, message
            assert (await session.call("call_day_after", {"d": "2024-02-28"})) == {"value": "2024-02-29"}

    run(check)


# --- routines that write -----------------------------------------------------------------------


def _notes(target: Any, body: str) -> list[int]:
    return [row[0] for row in target.database.query("SELECT id FROM notes WHERE body = %s ORDER BY id", (body,))]


def _count_notes(target: Any) -> int:
    return target.database.query("SELECT count(*) FROM notes")[0][0]


@pytest.mark.parametrize("label", ["pg_routines", "my_routines"])
def test_routines_that_write_keep_what_they_wrote_only_when_they_succeed(label: str, served: Any) -> None:
    target = served(label)
    postgres = label == "pg_routines"

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            assert "call_add_note" not in session.tools, "a routine that writes is served only with writes on"
            assert "call_price_with_tax" in session.tools
        async with open_session(_writes_on(target)) as session:
            arguments = {"p_body": "written by e2e", "p_id": None} if postgres else {"p_body": "written by e2e"}
            added = await session.call("call_add_note", arguments)
            note = added["out"]["p_id"]
            assert _notes(target, "written by e2e") == [note], added
            if postgres:
                assert added["out"]["p_count"] == _count_notes(target), added
            assert await session.call("call_forget_note", {"p_id": note}) == {}
            assert _notes(target, "written by e2e") == []

            message = await session.call_error("call_add_note_then_fail", {"p_body": "refused by e2e"})
            assert "refusing the note" in message, message
            if postgres:
                assert "hint: call it with another body" in message, message
            assert _notes(target, "refused by e2e") == [], "a failed call leaves nothing"

            message = await session.call_error("call_sneaky_note", {"p_body": "sneaked by e2e"})
            assert "declared to only read" in message and "read-only transaction" in message, message
            assert _notes(target, "sneaked by e2e") == [], "a read-only routine cannot write"

    run(check)


@pytest.mark.parametrize("label", ["pg_routines", "my_routines"])
def test_bad_arguments_are_refused_with_what_to_fix(label: str, served: Any) -> None:
    target = served(label)
    enum_tool, enum_argument, labels = (
        ("call_notes_in_mood", "p_mood", '["sad","ok","happy"]')
        if label == "pg_routines"
        else ("call_notes_of_size", "p_size", '["S","M","L"]')
    )

    async def check() -> None:
        async with open_session(target.stdio()) as session:
            cases = [
                ("call_price_with_tax", {}, "needs p_price"),
                ("call_price_with_tax", {"p_price": "10.00", "p_rate": "0.07", "p_tip": 1}, "has no argument \"p_tip\""),
                ("call_price_with_tax", {"p_price": "ten", "p_rate": "0.07"}, "p_price: call_price_with_tax takes string (decimal) values"),
                ("call_price_with_tax", {"p_price": None, "p_rate": "0.07"}, "not null"),
                (enum_tool, {enum_argument: "huge"}, labels),
                ("call_day_after", {"d": "tomorrow"}, "tomorrow"),
            ]
            for tool, arguments, words in cases:
                message = await session.call_error(tool, arguments)
                assert words in message, f"{tool}({arguments}): {message!r} does not say {words!r}"

    run(check)

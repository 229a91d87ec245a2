"""The tool profiles of CONTRACT.md section 6 asked the same questions: on Chinook in SQLite,
PostgreSQL and MariaDB, `typed` (`list_track`, ...), `compact` (`query {table: ...}`) and
`dreamfactory` (`get_table_data {table_name, filter: "..."}`) return the same rows, and they
are the rows the database itself gives for the same question.

Also: `compact` and `dreamfactory` list few tools whatever the schema (their sizes are
printed and recorded); DreamFactory's filter strings refuse what they cannot mean, with the
reason; its write tools write what they say, and are absent without writes.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import pytest

import reporting
from clients import ToolSession, open_session, run, stdio_parameters
from database import snake_case

PROFILES = ("typed", "compact", "dreamfactory")
TRACKS = 3503


@dataclass
class Chinook:
    """Chinook served by one engine: the server's binary, the database's URL and a way to ask
    the database itself."""

    engine: str
    binary: Path
    url: str
    ask: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]
    """Runs SQL (`%s` placeholders) in the database itself; its rows as tuples."""

    def n(self, name: str) -> str:
        """A table's or column's name as this engine's Chinook spells it: PostgreSQL's
        Chinook is in snake_case (`track`, `album_id`), the others in CamelCase."""
        return snake_case(name) if self.engine == "postgres" else name

    def q(self, name: str) -> str:
        """The name, quoted for this engine's SQL."""
        spelled = self.n(name)
        return f"`{spelled}`" if self.engine == "mysql" else f'"{spelled}"'

    def stdio(self, profile: str, *extra: str) -> Any:
        return stdio_parameters(str(self.binary), self.url, "--tools", profile, *extra)


def _sqlite_ask(path: Path) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def ask(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()

    return ask


@pytest.fixture(params=["sqlite", "postgres", "mysql"])
def chinook(request: pytest.FixtureRequest) -> Chinook:
    if request.param == "sqlite":
        server = request.getfixturevalue("chinook_live_server")
        return Chinook("sqlite", server.binary, server.database_url, _sqlite_ask(server.database))
    served = request.getfixturevalue("served")("pg_chinook" if request.param == "postgres" else "my_chinook")
    return Chinook(request.param, served.binary, served.database.url, served.database.query)


@asynccontextmanager
async def sessions(chinook: Chinook, *extra: str) -> AsyncIterator[dict[str, ToolSession]]:
    """A client of each profile's server, by profile."""
    async with AsyncExitStack() as stack:
        opened = {}
        for profile in PROFILES:
            opened[profile] = await stack.enter_async_context(open_session(chinook.stdio(profile, *extra)))
        yield opened


async def rows_of(session: ToolSession, profile: str, chinook: Chinook, table: str, *, where: dict[str, Any] | None = None,
                  filter: str | None = None, order: list[tuple[str, str]] = (), limit: int = 1000) -> list[dict[str, Any]]:
    """One page of `table` through `profile`: `where` for typed and compact, `filter` (its
    DreamFactory spelling) for dreamfactory; `order` as (Column, "asc"|"desc")."""
    if profile == "dreamfactory":
        arguments: dict[str, Any] = {"table_name": chinook.n(table), "limit": limit}
        if filter is not None:
            arguments["filter"] = filter
        if order:
            arguments["order"] = ", ".join(f"{chinook.n(column)} {direction.upper()}" for column, direction in order)
        return (await session.call("get_table_data", arguments))["resource"]
    arguments = {"limit": limit}
    if where is not None:
        arguments["where"] = where
    if order:
        arguments["order_by"] = [{"column": chinook.n(column), "direction": direction} for column, direction in order]
    if profile == "compact":
        return (await session.call("query", {"table": chinook.n(table), **arguments}))["rows"]
    return (await session.call(f"list_{snake_case(table)}", arguments))["rows"]


def assert_same_rows(answers: dict[str, list[dict[str, Any]]], expected_keys: list[Any], key: str, what: str) -> None:
    """Every profile gave the same rows, in the same order, and their keys are the database's."""
    typed = answers["typed"]
    for profile, rows in answers.items():
        assert rows == typed, f"{what}: {profile} gave other rows than typed ({len(rows)} rows, typed {len(typed)})"
    assert [row[key] for row in typed] == expected_keys, f"{what}: the rows are not the database's"


# --- the same questions ------------------------------------------------------------------------

def test_tracks_of_one_album_sorted_by_name(chinook):
    c = chinook

    async def check():
        async with sessions(c) as by_profile:
            answers = {
                profile: await rows_of(
                    session, profile, c, "Track",
                    where={c.n("AlbumId"): 1},
                    filter=f"{c.n('AlbumId')} = 1",
                    order=[("Name", "asc")],
                )
                for profile, session in by_profile.items()
            }
        expected = [row[0] for row in c.ask(
            f"SELECT {c.q('TrackId')} FROM {c.q('Track')} WHERE {c.q('AlbumId')} = %s ORDER BY {c.q('Name')}, {c.q('TrackId')}", (1,)
        )]
        assert len(expected) == 10
        assert_same_rows(answers, expected, c.n("TrackId"), "the tracks of album 1 by name")

    run(check)


def test_invoices_of_a_country_are_counted_alike(chinook):
    c = chinook
    country = c.n("BillingCountry")

    async def check():
        async with sessions(c) as s:
            typed = (await s["typed"].call("count_invoice", {"where": {country: "USA"}}))["count"]
            compact = (await s["compact"].call("count", {"table": c.n("Invoice"), "where": {country: "USA"}}))["count"]
            df = s["dreamfactory"]
            count_only = await df.call("get_table_data", {"table_name": c.n("Invoice"), "filter": f"{country} = 'USA'", "count_only": True})
            assert count_only == {"meta": {"count": count_only["meta"]["count"]}}, "count_only gives the count alone"
            with_rows = await df.call("get_table_data", {
                "table_name": c.n("Invoice"), "filter": f"{country} = 'USA'", "include_count": True, "limit": 5,
            })
            # Other spellings DreamFactory takes: the word operator, double quotes, camelCase
            # arguments (which the inputSchema does not list, so sent as they are).
            worded = await df.call_raw("get_table_data", {"tableName": c.n("Invoice"), "filter": f'{country} EQ "USA"', "countOnly": "true"})
            assert not worded.is_error, worded.content
            worded = worded.structured_content
        (expected,) = c.ask(f"SELECT COUNT(*) FROM {c.q('Invoice')} WHERE {c.q('BillingCountry')} = %s", ("USA",))[0]
        assert expected == 91
        assert typed == compact == count_only["meta"]["count"] == with_rows["meta"]["count"] == worded["meta"]["count"] == expected
        assert len(with_rows["resource"]) == 5
        assert with_rows["meta"]["next_offset"] == 5

    run(check)


def test_one_invoice_by_its_key(chinook):
    c = chinook
    key = c.n("InvoiceId")

    async def check():
        async with sessions(c) as s:
            typed = (await s["typed"].call("get_invoice", {key: 98}))["row"]
            compact = (await s["compact"].call("get", {"table": c.n("Invoice"), "key": {key: 98}}))["row"]
            by_ids = (await s["dreamfactory"].call("get_table_data", {"table_name": c.n("Invoice"), "ids": [98]}))["resource"]
            by_text_ids = (await s["dreamfactory"].call("get_table_data", {"table_name": c.n("Invoice"), "ids": ["98"]}))["resource"]
            missing = (await s["dreamfactory"].call("get_table_data", {"table_name": c.n("Invoice"), "ids": [99999]}))["resource"]
        assert typed == compact == by_ids[0] == by_text_ids[0]
        assert len(by_ids) == 1 and missing == []
        ((customer, total),) = c.ask(
            f"SELECT {c.q('CustomerId')}, {c.q('Total')} FROM {c.q('Invoice')} WHERE {c.q('InvoiceId')} = %s", (98,)
        )
        assert typed[c.n("CustomerId")] == customer
        assert Decimal(typed[c.n("Total")]) == Decimal(str(total))

    run(check)


def test_a_filter_with_or_and_like(chinook):
    c = chinook
    name, composer = c.n("Name"), c.n("Composer")

    async def check():
        async with sessions(c) as by_profile:
            answers = {
                profile: await rows_of(
                    session, profile, c, "Track",
                    where={"or": [{name: {"like": "A%"}}, {composer: {"like": "%Mercury%"}}]},
                    filter=f"({name} LIKE 'A%') OR ({composer} LIKE '%Mercury%')",
                    order=[("TrackId", "asc")],
                )
                for profile, session in by_profile.items()
            }
            # DreamFactory's other spellings of the same question.
            df = by_profile["dreamfactory"]
            for spelling in (
                f"{name} STARTS WITH 'A' || {composer} CONTAINS 'Mercury'",
                f"NOT (NOT ({name} LIKE 'A%') AND NOT ({composer} LIKE '%Mercury%'))",
                f"({name} like 'A%') or ({composer} like '%Mercury%')",
            ):
                spelled = (await df.call("get_table_data", {"table_name": c.n("Track"), "filter": spelling, "limit": 1000}))["resource"]
                assert spelled == answers["dreamfactory"], f"{spelling!r} gave other rows"
        # `like` is case-sensitive in every database: the database's rows, filtered as it means.
        everything = c.ask(f"SELECT {c.q('TrackId')}, {c.q('Name')}, {c.q('Composer')} FROM {c.q('Track')} ORDER BY {c.q('TrackId')}", ())
        expected = [track for track, n, comp in everything if n.startswith("A") or "Mercury" in (comp or "")]
        assert 100 < len(expected) < 1000
        assert_same_rows(answers, expected, c.n("TrackId"), "tracks named A% or composed by a Mercury")

    run(check)


def test_between_and_in_sorted_descending(chinook):
    c = chinook
    total, country = c.n("Total"), c.n("BillingCountry")

    async def check():
        async with sessions(c) as by_profile:
            answers = {
                profile: await rows_of(
                    session, profile, c, "Invoice",
                    where={total: {"gte": "5", "lte": "10"}, country: {"in": ["USA", "Canada"]}},
                    filter=f"({total} BETWEEN 5 AND 10) AND ({country} IN ('USA', 'Canada'))",
                    order=[("Total", "desc")],
                )
                for profile, session in by_profile.items()
            }
        expected = [row[0] for row in c.ask(
            f"SELECT {c.q('InvoiceId')} FROM {c.q('Invoice')} WHERE {c.q('Total')} BETWEEN 5 AND 10 "
            f"AND {c.q('BillingCountry')} IN ('USA', 'Canada') ORDER BY {c.q('Total')} DESC, {c.q('InvoiceId')}", ()
        )]
        assert len(expected) > 10
        assert_same_rows(answers, expected, c.n("InvoiceId"), "invoices of 5 to 10 in the USA or Canada")

    run(check)


def test_paging_through_every_track(chinook):
    """Cursors (typed, compact) and offsets (dreamfactory), pages of 700 in name order: every
    track once, in the database's order."""
    c = chinook

    async def check():
        async with sessions(c) as s:
            order = [{"column": c.n("Name"), "direction": "desc"}]
            columns = [c.n("TrackId")]
            typed, _ = await s["typed"].page_through("list_track", {"limit": 700, "order_by": order, "columns": columns})
            compact, _ = await s["compact"].page_through("query", {"table": c.n("Track"), "limit": 700, "order_by": order, "columns": columns})
            df: list[dict[str, Any]] = []
            offset = 0
            for _ in range(20):
                page = await s["dreamfactory"].call("get_table_data", {
                    "table_name": c.n("Track"), "fields": [c.n("TrackId")], "order": f"{c.n('Name')} DESC",
                    "offset": offset, "limit": 700,
                })
                df.extend(page["resource"])
                if "next_offset" not in page.get("meta", {}):
                    break
                offset = page["meta"]["next_offset"]
                assert offset == len(df)
        expected = [row[0] for row in c.ask(f"SELECT {c.q('TrackId')} FROM {c.q('Track')} ORDER BY {c.q('Name')} DESC, {c.q('TrackId')}", ())]
        assert len(expected) == TRACKS
        assert_same_rows({"typed": typed, "compact": compact, "dreamfactory": df}, expected, c.n("TrackId"), "every track by name")

    run(check)


def test_aggregates_per_country_are_the_databases(chinook):
    c = chinook
    country, total = c.n("BillingCountry"), c.n("Total")

    async def check():
        async with sessions(c) as s:
            df = s["dreamfactory"]
            result = await df.call("aggregate_data", {
                "table_name": c.n("Invoice"),
                "aggregates": [
                    {"function": "COUNT", "field": "*", "alias": "invoices"},
                    {"function": "SUM", "field": total, "alias": "sum"},
                    {"function": "MAX", "field": total, "alias": "max"},
                    {"function": "AVG", "field": total, "alias": "avg"},
                ],
                "group_by": [country],
                "filter": f"{c.n('InvoiceDate')} >= '2010-01-01'",
            })
            overall = await df.call("aggregate_data", {
                "table_name": c.n("Track"),
                "aggregates": [{"function": "COUNT", "field": "*"}, {"function": "MIN", "field": c.n("Name")}],
            })
        assert result["mode"] == "server-side" and "truncated" not in result
        expected = c.ask(
            f"SELECT {c.q('BillingCountry')}, COUNT(*), SUM({c.q('Total')}), MAX({c.q('Total')}), AVG({c.q('Total')}) "
            f"FROM {c.q('Invoice')} WHERE {c.q('InvoiceDate')} >= '2010-01-01' "
            f"GROUP BY {c.q('BillingCountry')} ORDER BY {c.q('BillingCountry')}", ()
        )
        assert result["groups"] == len(expected) == len(result["results"]) == 24
        for row, (name, count, total_sum, total_max, average) in zip(result["results"], expected):
            assert row[country] == name and row["invoices"] == count
            assert abs(Decimal(str(row["sum"])) - Decimal(str(total_sum))) < Decimal("0.001"), (row, total_sum)
            assert Decimal(str(row["max"])) == Decimal(str(total_max))
            # The database's own AVG may come back rounded (MariaDB gives 6 decimals); the
            # mean of its sum is exact to a double's precision.
            assert abs(row["avg"] - float(total_sum) / count) < 1e-9
            assert abs(row["avg"] - float(average)) < 1e-5
        ((tracks, least),) = c.ask(f"SELECT COUNT(*), MIN({c.q('Name')}) FROM {c.q('Track')}", ())
        assert overall["results"] == [{"count": tracks, f"min_{c.n('Name')}": least}]

    run(check)


# --- tools/list ----------------------------------------------------------------------------------

def test_compact_and_dreamfactory_list_few_tools(chinook, capsys):
    c = chinook

    async def check():
        sizes = {}
        for extra in ((), ("--allow-writes",)):
            async with sessions(c, *extra) as s:
                for profile, session in s.items():
                    tools = [tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in session.tools.values()]
                    label = profile + (" with writes" if extra else "")
                    sizes[label] = {"tools": len(tools), "bytes": len(json.dumps(tools, separators=(",", ":")).encode())}
        return sizes

    sizes = run(check)
    reporting.MEASUREMENTS.setdefault("profiles_tools_list", {})[f"chinook_{c.engine}"] = sizes
    with capsys.disabled():
        print(f"\ntools/list of Chinook on {c.engine}: " + ", ".join(f"{label} {v['tools']} tools {v['bytes']} B" for label, v in sizes.items()))
    assert sizes["dreamfactory"]["tools"] == 7
    assert sizes["dreamfactory with writes"]["tools"] == 10
    for label in ("compact", "dreamfactory", "compact with writes", "dreamfactory with writes"):
        assert sizes[label]["bytes"] < 16_000, f"{label}: {sizes[label]}"
    assert sizes["dreamfactory"]["bytes"] < sizes["typed"]["bytes"]


# --- DreamFactory's refusals and writes -----------------------------------------------------------

def test_dreamfactory_refuses_what_it_cannot_mean(chinook):
    c = chinook
    track = c.n("Track")

    async def check():
        async with open_session(c.stdio("dreamfactory")) as df:
            refusals = {
                "unknown argument": ({"tabel_name": track}, "unknown argument tabel_name, did you mean table_name?"),
                "placeholder": ({"table_name": track, "filter": f"{c.n('Name')} = :name"}, "parameter placeholder"),
                "unparsable": ({"table_name": track, "filter": f"{c.n('Name')} = 'x' {c.n('Name')}"}, "Invalid or unparsable filter at character"),
                "unknown column": ({"table_name": track, "filter": "Nmae = 'x'"}, "has no column \"Nmae\""),
                "wrong type": ({"table_name": track, "filter": f"{c.n('Milliseconds')} > 'long'"}, "takes integer values"),
                "related": ({"table_name": track, "related": "album_by_album_id"}, "related is not supported"),
                "deep offset": ({"table_name": track, "offset": 1_000_000}, "offset is at most 100000"),
                "unknown table": ({"table_name": "Trak"}, "no table or view named \"Trak\""),
                "ALL": ({"table_name": track, "filter": f"{c.n('GenreId')} ALL (1, 2)"}, "ALL (a comparison with every value of a list) is not supported"),
            }
            for what, (arguments, message) in refusals.items():
                error = await df.call_error("get_table_data", arguments)
                assert message in error, f"{what}: {error}"
            assert "create_records" not in df.tools, "write tools are listed without writes"

    run(check)


def test_dreamfactory_writes_what_it_says(chinook):
    """A genre created, patched by ids, patched by its key, deleted: the database after each.
    (The database is shared with other tests: what this test writes, it deletes.)"""
    c = chinook
    genre, key, name = c.n("Genre"), c.n("GenreId"), c.n("Name")

    def stored() -> list[tuple[Any, ...]]:
        return c.ask(f"SELECT {c.q('Name')} FROM {c.q('Genre')} WHERE {c.q('GenreId')} = %s", (9001,))

    async def check():
        async with open_session(c.stdio("dreamfactory", "--allow-writes")) as df:
            try:
                created = await df.call("create_records", {"table_name": genre, "records": [{key: 9001, name: "Made by a test"}]})
                assert created == {"resource": [{key: 9001}]}
                assert stored() == [("Made by a test",)]
                patched = await df.call("update_records", {"table_name": genre, "ids": [9001], "records": [{name: "Patched"}], "fields": "*"})
                assert patched == {"resource": [{key: 9001, name: "Patched"}], "meta": {"count": 1}}
                assert stored() == [("Patched",)]
                by_key = await df.call("update_records", {"table_name": genre, "records": [{key: 9001, name: "By key"}]})
                assert by_key["meta"]["count"] == 1 and stored() == [("By key",)]
                too_many = await df.call_error("update_records", {"table_name": genre, "filter": f"{key} > 0", "records": [{name: "x"}], "max_rows": 3})
                assert "nothing was updated" in too_many
                assert "needs ids or filter" in await df.call_error("delete_records", {"table_name": genre, "force": True})
                deleted = await df.call("delete_records", {"table_name": genre, "filter": f"{key} = 9001"})
                assert deleted == {"meta": {"count": 1}}
                assert stored() == []
            finally:
                c.ask(f"DELETE FROM {c.q('Genre')} WHERE {c.q('GenreId')} = %s", (9001,))

    run(check)


# --- DreamFactory's routine tools -----------------------------------------------------------------

ROUTINE_CALLS = {
    # label: (kind, name, parameters), each called through typed call_R and DreamFactory's tool.
    "pg_routines": [
        ("function", "price_with_tax", {"p_price": "10.00"}),
        ("function", "notes_in_mood", {"p_mood": "happy"}),
        ("function", "note_stats", {}),
        ("function", "Note Lengths", {"min_length": 3}),
        ("function", "billing.double_it", {"x": 21}),
        ("function", "numbers", {"n": 3}),
    ],
    "my_routines": [
        ("function", "price_with_tax", {"p_price": "10.00", "p_rate": "0.20"}),
        ("function", "day_after", {"d": "2024-02-28"}),
        ("procedure", "numbers", {"n": 3}),
        ("procedure", "notes_of_size", {"p_size": "S"}),
        ("procedure", "note_stats", {"p_scale": 2}),
        ("procedure", "two_result_sets", {}),
    ],
}


@pytest.mark.parametrize("label", sorted(ROUTINE_CALLS))
def test_dreamfactory_routines_answer_as_the_typed_calls(served, label):
    """Each routine called through call_stored_function/call_stored_procedure gives what its
    typed call_R gives, in DreamFactory's shape: rows under resource, a function's value as
    value, OUT values by name. Only routines that read are served without writes."""
    target = served(label)

    def params(profile: str, *extra: str) -> Any:
        return stdio_parameters(str(target.binary), target.database.url, "--tools", profile, *extra)

    async def check():
        async with open_session(params("typed")) as typed, open_session(params("dreamfactory")) as df:
            listed = (await typed.call("list_routines"))["routines"]
            tool_of = {routine["routine"]: routine["tool"] for routine in listed}
            for kind in ("function", "procedure"):
                names = sorted(routine["routine"] for routine in listed if routine["kind"] == kind)
                if not names:
                    assert f"get_stored_{kind}s" not in df.tools and f"call_stored_{kind}" not in df.tools
                    continue
                served_names = sorted(entry["name"] for entry in (await df.call(f"get_stored_{kind}s"))["resource"])
                assert served_names == names, f"get_stored_{kind}s lists other routines than list_routines"
                # Without writes every routine served only reads, and the tool says so.
                assert all(routine["read_only"] for routine in listed if routine["kind"] == kind)
                assert df.tool(f"call_stored_{kind}").annotations.read_only_hint is True
            for kind, name, parameters in ROUTINE_CALLS[label]:
                expected = await typed.call(tool_of[name], parameters)
                shaped: dict[str, Any] = dict(expected.get("out", {}))
                if "value" in expected:
                    shaped["value"] = expected["value"]
                if "rows" in expected:
                    shaped["resource"] = expected["rows"]
                answer = await df.call(f"call_stored_{kind}", {f"{kind}_name": name, "parameters": parameters})
                assert answer == shaped, f"{name}: DreamFactory's answer differs from call_R's {expected}"
                other = "procedure" if kind == "function" else "function"
                if f"call_stored_{other}" in df.tools:
                    error = await df.call_error(f"call_stored_{other}", {f"{other}_name": name, "parameters": parameters})
                    assert f"is not a {other}" in error
            if label == "my_routines":
                wrapped = await df.call("call_stored_procedure", {"procedure_name": "numbers", "parameters": [{"name": "n", "value": 2}], "wrapper": "numbers"})
                assert list(wrapped) == ["numbers"] and len(wrapped["numbers"]) == 2

    run(check)

"""The tools of each server under test, over stdio and Streamable HTTP, checked against the
database read directly with sqlite3 (CONTRACT.md section 3)."""

from __future__ import annotations

import database
from clients import run, schema_validator
from contract import TOOL_NAME, expected_tool_names, table_tools
from database import assert_same_rows, expected_row, quote, received_row, snake_case


def test_tool_names_are_valid_and_unique(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            tools = await session.list_tools()
            names = [tool.name for tool in tools]
            assert len(names) == len(set(names)), f"duplicate tool names: {sorted(n for n in names if names.count(n) > 1)}"
            bad = [name for name in names if not TOOL_NAME.match(name)]
            assert not bad, f"tool names outside ^[a-z0-9_]{{1,64}}$: {bad}"

    run(check)


def test_every_table_has_its_tools_and_nothing_else(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            await session.list_tools()
            assert set(session.tools) == expected_tool_names(server.relations)

    run(check)


def test_every_tool_has_schemas_and_read_only_annotations(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            problems = []
            for tool in await session.list_tools():
                if not isinstance(tool.input_schema, dict) or tool.input_schema.get("type") != "object":
                    problems.append(f"{tool.name}: inputSchema is not an object schema")
                if not isinstance(tool.output_schema, dict) or tool.output_schema.get("type") != "object":
                    problems.append(f"{tool.name}: no outputSchema of type object")
                annotations = tool.annotations
                if annotations is None or annotations.read_only_hint is not True:
                    problems.append(f"{tool.name}: readOnlyHint is not true")
                if annotations is None or annotations.open_world_hint is not False:
                    problems.append(f"{tool.name}: openWorldHint is not false")
            assert not problems, "\n".join(problems)

    run(check)


def test_every_schema_is_valid_json_schema(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for tool in await session.list_tools():
                schema_validator(tool.input_schema)
                schema_validator(tool.output_schema)

    run(check)


def test_table_tool_descriptions_name_the_table(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            await session.list_tools()
            missing = []
            for relation in server.relations.values():
                t = snake_case(relation.name)
                for verb in ("list", "count", "get"):
                    tool = session.tools.get(f"{verb}_{t}")
                    if tool is not None and relation.name not in (tool.description or ""):
                        missing.append(f"{tool.name}: {tool.description!r}")
            assert not missing, "descriptions that do not name their table:\n" + "\n".join(missing)

    run(check)


def test_list_tables_lists_every_table_with_its_tools(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            result = await session.call("list_tables")
            listed = {entry["name"]: entry for entry in result["tables"]}
            assert set(listed) == set(server.relations)
            for name, relation in server.relations.items():
                entry = listed[name]
                assert entry["kind"] == relation.kind, name
                assert entry["schema"] == "main", name
                assert set(entry["tools"]) == table_tools(relation), name

    run(check)


def test_describe_table_matches_the_catalog(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name, relation in server.relations.items():
                described = await session.call("describe_table", {"table": name})
                assert described["name"] == name
                assert described["kind"] == relation.kind
                columns = described["columns"]
                assert [c["name"] for c in columns] == [c.name for c in relation.columns], name
                for column, expected in zip(columns, relation.columns):
                    where = f"{name}.{expected.name}"
                    assert column["nullable"] == expected.nullable, f"{where} nullable"
                    assert column["primary_key"] == (expected.primary_key_position > 0), f"{where} primary key"
                    json_type = database.json_type(expected.declared_type)
                    assert json_type is None or column["json_type"].startswith(json_type), f"{where}: json_type {column['json_type']!r}, expected {json_type}"
                    if server.generated:
                        assert squeeze(column["sql_type"]) == squeeze(expected.declared_type), f"{where} sql_type"
                        assert column["default"] == expected.default, f"{where} default"
                assert described["primary_key"] == relation.primary_key, name
                if relation.kind == "table":
                    keys = sorted(
                        (fk["references"]["table"], fk["columns"], fk["references"]["columns"])
                        for fk in described["foreign_keys"]
                    )
                    assert keys == [tuple(k) for k in database.foreign_keys(server.database, name)], f"{name} foreign keys"
                    uniques = sorted(key["columns"] for key in described["unique_keys"])
                    assert uniques == database.unique_keys(server.database, name), f"{name} unique keys"

    run(check)


def squeeze(sql_type: str | None) -> str | None:
    return "".join(sql_type.split()).upper() or None if sql_type else None


def test_describe_table_lists_foreign_keys_pointing_at_the_table(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name in server.relations:
                described = await session.call("describe_table", {"table": name})
                inbound = sorted((ref["table"], ref["columns"], ref["referenced_columns"]) for ref in described["referenced_by"])
                expected = sorted(
                    (other, columns, referenced)
                    for other in server.relations
                    if server.relations[other].kind == "table"
                    for target, columns, referenced in database.foreign_keys(server.database, other)
                    if target == name
                )
                assert inbound == expected, name

    run(check)


def test_list_pages_return_every_row_of_every_table(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name, relation in server.relations.items():
                rows, _pages = await session.page_through(f"list_{snake_case(name)}", {"limit": 1000})
                expected = database.query(server.database, f"SELECT * FROM {quote(name)}")
                assert_same_rows(
                    [received_row(relation, row) for row in rows],
                    [expected_row(relation, row) for row in expected],
                    f"list_{snake_case(name)}",
                )

    run(check)


def test_list_returns_the_default_page_of_50_rows(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name in server.relations:
                total = database.count(server.database, f"SELECT COUNT(*) FROM {quote(name)}")
                page = await session.call(f"list_{snake_case(name)}")
                assert len(page["rows"]) == min(total, 50), name
                assert (page["next_cursor"] is None) == (total <= 50), name

    run(check)


def test_list_returns_only_the_requested_columns(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name, relation in server.relations.items():
                picked = [relation.columns[-1].name, relation.columns[0].name]
                page = await session.call(f"list_{snake_case(name)}", {"columns": picked, "limit": 5})
                has_rows = database.count(server.database, f"SELECT COUNT(*) FROM {quote(name)}") > 0
                assert bool(page["rows"]) == has_rows, name
                assert all(list(row) == picked for row in page["rows"]), name

    run(check)


def test_count_counts_every_row_of_every_table(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name in server.relations:
                result = await session.call(f"count_{snake_case(name)}")
                assert result["count"] == database.count(server.database, f"SELECT COUNT(*) FROM {quote(name)}"), name

    run(check)


def test_get_returns_rows_by_primary_key(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name, relation in server.relations.items():
                key = relation.primary_key
                if relation.kind != "table" or not key:
                    continue
                order = ", ".join(map(quote, key))
                rows = database.query(server.database, f"SELECT * FROM {quote(name)} ORDER BY {order}")
                if not rows:
                    continue
                for row in {0: rows[0], len(rows) // 2: rows[len(rows) // 2], -1: rows[-1]}.values():
                    result = await session.call(f"get_{snake_case(name)}", {column: row[column] for column in key})
                    assert result["row"] is not None, f"get_{snake_case(name)} found no row for {[row[c] for c in key]}"
                    assert received_row(relation, result["row"]) == expected_row(relation, row), name

    run(check)


def test_get_returns_null_for_a_missing_key(server, transport, connect):
    async def check():
        async with connect(server, transport) as session:
            for name, relation in server.relations.items():
                key = relation.primary_key
                if relation.kind != "table" or not key or not all("INT" in relation.column(c).declared_type.upper() for c in key):
                    continue
                missing = {column: database.count(server.database, f"SELECT COALESCE(MAX({quote(column)}), 0) + 1 FROM {quote(name)}") for column in key}
                result = await session.call(f"get_{snake_case(name)}", missing)
                assert result == {"row": None}, name

    run(check)

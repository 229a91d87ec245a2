"""What CONTRACT.md promises of any server, independent of how it was made: the names of its
tools."""

from __future__ import annotations

import re

from database import Relation, snake_case

TOOL_NAME = re.compile(r"^[a-z0-9_]{1,64}$")


def table_tools(relation: Relation) -> set[str]:
    """`list_T`, `count_T`, and `get_T` for a table with a primary key."""
    t = snake_case(relation.name)
    names = {f"list_{t}", f"count_{t}"}
    if relation.kind == "table" and relation.primary_key:
        names.add(f"get_{t}")
    return names


def expected_tool_names(relations: dict[str, Relation]) -> set[str]:
    """Every tool of a server that serves `relations` (read-only)."""
    names = {"list_tables", "describe_table"}
    for relation in relations.values():
        names |= table_tools(relation)
    return names

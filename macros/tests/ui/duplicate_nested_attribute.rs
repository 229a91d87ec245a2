use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(
    foreign_key(name = "a", name = "b", columns = ["author_id"], references = "authors", referenced_columns = ["id"]),
    unique(columns = ["id"], columns = ["author_id"])
)]
struct Book {
    id: i64,
    author_id: i64,
}

fn main() {}

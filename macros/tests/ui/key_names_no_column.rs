use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(
    foreign_key(columns = ["author"], references = "authors", referenced_columns = ["id"]),
    unique(columns = ["isbn"]),
    foreign_key(columns = ["id"], references = "x", referenced_columns = ["a", "b"])
)]
struct Book {
    id: i64,
    author_id: i64,
}

fn main() {}

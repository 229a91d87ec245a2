use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(table = "books", table = "book")]
struct Book {
    #[mcp(primary_key, primary_key)]
    id: i64,
}

fn main() {}

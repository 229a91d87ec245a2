use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(name = "Books List")]
struct Book {
    id: i64,
}

fn main() {}

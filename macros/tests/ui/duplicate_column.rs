use mcpgen_runtime::McpTable;

#[derive(McpTable)]
struct Book {
    id: i64,
    #[mcp(column = "id")]
    other_id: i64,
}

fn main() {}

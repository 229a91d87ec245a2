use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(tabel = "books")]
struct Book {
    #[mcp(primary_ky)]
    id: i64,
}

fn main() {}

use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(table = 5, schema = "")]
struct Book {
    #[mcp(enum_values = "a")]
    id: i64,
}

fn main() {}

use mcpgen_runtime::McpTable;

#[derive(McpTable)]
struct Book<T> {
    id: T,
}

fn main() {}

use mcpgen_runtime::McpTable;

struct Cover;

#[derive(McpTable)]
struct Book {
    id: i64,
    cover: Cover,
}

fn main() {}

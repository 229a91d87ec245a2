use mcpgen_runtime::McpTable;

#[derive(McpTable)]
enum Book {
    Paper,
    Ebook,
}

#[derive(McpTable)]
struct Pair(i64, String);

fn main() {}

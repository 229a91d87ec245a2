use mcpgen_runtime::McpTable;

#[derive(McpTable)]
#[mcp(primary_key = ["id", "id", "nope"])]
struct Film {
    #[mcp(primary_key)]
    id: i64,
    #[mcp(as_text, enum_type = ["G", "PG"])]
    rating: String,
    #[mcp(enum_values = ["a"], set = ["a", "b", "a"])]
    features: String,
    #[mcp(padded, padded)]
    code: String,
}

fn main() {}

use mcpgen_runtime::McpTable;
use mcpgen_runtime::types::{Bytes, Decimal};

/// Orders of the shop.
#[derive(McpTable)]
#[mcp(
    table = "Order Items",
    schema = "sales",
    name = "order_items",
    read_only,
    foreign_key(name = "fk_order", columns = ["order_id"], references = "orders", referenced_schema = "sales", referenced_columns = ["id"]),
    unique(name = "uq_line", columns = ["order_id", "line"])
)]
struct OrderItem {
    #[mcp(primary_key, generated, sql_type = "INTEGER")]
    id: i64,
    order_id: i64,
    line: i32,
    /// What was paid.
    #[mcp(column = "Unit Price", sql_type = "NUMERIC(8,2)", default = "0")]
    unit_price: Decimal,
    #[mcp(enum_values = ["new", "paid"])]
    status: Option<String>,
    #[mcp(as_text)]
    shape: Option<String>,
    r#type: Option<Bytes>,
}

#[derive(McpTable)]
#[mcp(view, rowid, crate = "mcpgen_runtime")]
struct TotalsView {
    total: Option<f64>,
}

fn main() {
    let _ = mcpgen_runtime::Server::builder().table::<OrderItem>().table::<TotalsView>();
}

use mcpgen_runtime::McpTable;
use mcpgen_runtime::types::{Bytes, Decimal};

/// Orders of the shop.
#[derive(McpTable)]
#[mcp(
    table = "Order Items",
    schema = "sales",
    name = "order_items",
    read_only,
    primary_key = ["line", "id"],
    foreign_key(name = "fk_order", columns = ["order_id"], references = "orders", referenced_schema = "sales", referenced_columns = ["id"]),
    unique(name = "uq_line", columns = ["order_id", "line"])
)]
struct OrderItem {
    #[mcp(generated, sql_type = "INTEGER")]
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
    #[mcp(enum_type = ["G", "PG", "R"])]
    rating: String,
    #[mcp(set = ["gift", "rush"])]
    options: Option<String>,
    #[mcp(padded, sql_type = "CHAR(3)")]
    code: String,
    r#type: Option<Bytes>,
}

#[derive(McpTable)]
#[mcp(view, rowid, crate = "mcpgen_runtime")]
struct TotalsView {
    total: Option<f64>,
}

fn main() {
    use mcpgen_runtime::{ColumnKind, McpTable};
    let table = OrderItem::TABLE;
    // The key keeps its declared order, not the fields'.
    assert_eq!(table.primary_key, [2, 0]);
    assert!(table.columns[4].nullable);
    assert!(matches!(table.columns[6].kind, ColumnKind::Enum(["G", "PG", "R"])));
    let _ = mcpgen_runtime::Server::builder().table::<OrderItem>().table::<TotalsView>();
}

use mcpgen_runtime::types::Decimal;
use mcpgen_runtime::{FieldRole, McpProcedure, Returns, RoutineKind};

/// The price of a film.
#[derive(McpProcedure)]
#[mcp(
    function = "film price",
    schema = "sales",
    name = "film_price",
    read_only,
    signature = "integer, numeric"
)]
struct FilmPrice {
    /// Which film.
    #[mcp(name = "p_film_id", sql_type = "integer")]
    film: i32,
    #[mcp(default, description = "Taken off the price.")]
    p_discount: Option<Decimal>,
    #[mcp(value)]
    price: Option<Decimal>,
}

#[derive(McpProcedure)]
#[mcp(procedure = "restock", crate = "mcpgen_runtime")]
struct Restock {
    #[mcp(enum_type = ["a", "b"], sql_type = "store_kind")]
    p_kind: String,
    #[mcp(inout)]
    p_count: Option<i64>,
    #[mcp(out)]
    p_total: Option<i64>,
}

#[derive(McpProcedure)]
#[mcp(procedure = "film_in_stock", result_sets, read_only, positional)]
struct FilmInStock {
    arg1: i32,
    #[mcp(out)]
    arg2: Option<i32>,
}

#[derive(McpProcedure)]
#[mcp(function = "films_rated", description = "Films of a rating.")]
struct FilmsRated {
    #[mcp(set = ["x", "y"])]
    p_set: Option<String>,
    #[mcp(column, padded)]
    code: Option<String>,
    #[mcp(column, as_text)]
    shape: Option<String>,
}

/// A PostgreSQL function whose `INOUT` parameter is also a column of its rows.
#[derive(McpProcedure)]
#[mcp(function = "counts")]
struct Counts {
    #[mcp(inout)]
    n: Option<i32>,
    #[mcp(column, name = "n")]
    n_column: Option<i32>,
    #[mcp(column)]
    label: Option<String>,
}

fn main() {
    let price = FilmPrice::ROUTINE;
    assert_eq!(price.kind, RoutineKind::Function);
    assert_eq!(price.returns, Returns::Value);
    assert_eq!(price.fields.name, "film price");
    assert_eq!(price.fields.tool_name, "film_price");
    assert_eq!(price.fields.columns[0].name, "p_film_id");
    assert_eq!(price.roles[1], FieldRole::In { optional: true });
    assert!(price.read_only);
    assert_eq!(Restock::ROUTINE.returns, Returns::Out);
    assert!(!Restock::ROUTINE.read_only);
    assert_eq!(FilmInStock::ROUTINE.returns, Returns::ResultSets);
    assert!(FilmInStock::ROUTINE.positional);
    assert_eq!(FilmsRated::ROUTINE.returns, Returns::Rows);
    let _ = mcpgen_runtime::Server::builder()
        .procedure::<FilmPrice>()
        .procedure::<Restock>()
        .procedure::<FilmInStock>()
        .procedure::<FilmsRated>()
        .procedure::<Counts>();
}

//! Tables for the runtime's own tests: one of each kind of column, key and paging, described
//! with the derive as a user would, so tests of the SQL writer and the query parser run on
//! real [`Catalog`]s without a database.

use chrono::NaiveDate;

use crate::backend::{register, register_routine};
use crate::catalog::Catalog;
use crate::types::Decimal;
use crate::{McpProcedure, McpTable};

/// Films: a primary key the database fills in, an enum type, `char(n)`, a `SET`, a type read
/// as text, decimals and dates, nullable and not, and a column the database computes.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "film", unique(columns = ["title"]))]
pub(crate) struct Film {
    #[mcp(primary_key, generated)]
    film_id: i32,
    title: String,
    #[mcp(enum_type = ["G", "PG", "PG-13", "R", "NC-17"])]
    rating: Option<String>,
    #[mcp(padded)]
    code: String,
    #[mcp(set = ["Trailers", "Deleted Scenes"])]
    features: Option<String>,
    #[mcp(as_text)]
    shape: Option<String>,
    #[mcp(enum_values = ["new", "used"])]
    status: Option<String>,
    price: Option<Decimal>,
    released: Option<NaiveDate>,
    available: bool,
    #[mcp(read_only)]
    slug: Option<String>,
}

/// A key of two columns declared in another order than the fields: `(b, a)`.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "pairs", schema = "sales", primary_key = ["b", "a"])]
pub(crate) struct Pair {
    a: i64,
    b: i64,
    label: Option<String>,
}

/// A SQLite table without a primary key, paged by its `rowid`.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "notes", rowid)]
pub(crate) struct Note {
    body: Option<String>,
}

/// A view without a key, paged by offset.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "totals", view)]
pub(crate) struct Total {
    name: Option<String>,
    total: Option<f64>,
}

/// A function of one value with a parameter it has a default for.
#[derive(McpProcedure)]
#[mcp(crate = "crate", function = "film_price", read_only)]
pub(crate) struct FilmPrice {
    p_film_id: i32,
    #[mcp(default)]
    p_discount: Option<Decimal>,
    #[mcp(value)]
    film_price: Option<Decimal>,
}

/// A function returning rows, in another schema, with an enum-typed parameter.
#[derive(McpProcedure)]
#[mcp(crate = "crate", function = "films_rated", schema = "sales", read_only)]
pub(crate) struct FilmsRated {
    #[mcp(enum_type = ["G", "PG", "R"], sql_type = "sales.rating")]
    p_rating: String,
    #[mcp(column)]
    film_id: Option<i32>,
    #[mcp(column)]
    title: Option<String>,
}

/// A procedure with IN, INOUT and OUT parameters.
#[derive(McpProcedure)]
#[mcp(crate = "crate", procedure = "restock")]
pub(crate) struct Restock {
    p_store: i32,
    #[mcp(inout)]
    p_count: Option<i64>,
    #[mcp(out)]
    p_total: Option<i64>,
}

/// A function with parameters that have no name, given by position, the last with a default.
#[derive(McpProcedure)]
#[mcp(
    crate = "crate",
    function = "add",
    signature = "integer, integer",
    positional,
    read_only
)]
pub(crate) struct Add {
    arg1: i32,
    #[mcp(default)]
    arg2: Option<i32>,
    #[mcp(value)]
    add: Option<i32>,
}

/// A procedure whose body returns rows of columns known only when it runs.
#[derive(McpProcedure)]
#[mcp(crate = "crate", procedure = "film_in_stock", result_sets, read_only)]
pub(crate) struct FilmInStock {
    p_film_id: i32,
    #[mcp(out)]
    p_film_count: Option<i32>,
}

/// Every fixture table, in this order: `film`, `sales.pairs`, `notes`, `totals`; and every
/// routine: `film_price`, `sales.films_rated`, `restock`, `add`, `film_in_stock`.
pub(crate) fn catalog() -> Catalog {
    Catalog::new(
        vec![
            register::<Film>(),
            register::<Pair>(),
            register::<Note>(),
            register::<Total>(),
        ],
        vec![
            register_routine::<FilmPrice>(),
            register_routine::<FilmsRated>(),
            register_routine::<Restock>(),
            register_routine::<Add>(),
            register_routine::<FilmInStock>(),
        ],
    )
    .expect("the fixtures make a catalog")
}

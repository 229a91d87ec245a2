//! Tables for the runtime's own tests: one of each kind of column, key and paging, described
//! with the derive as a user would, so tests of the SQL writer and the query parser run on
//! real [`Catalog`]s without a database.

use chrono::NaiveDate;

use crate::McpTable;
use crate::catalog::{Catalog, Registration};
use crate::types::Decimal;

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

/// Every fixture table, in this order: `film`, `sales.pairs`, `notes`, `totals`.
pub(crate) fn catalog() -> Catalog {
    Catalog::new(
        vec![
            Registration::of::<Film>(),
            Registration::of::<Pair>(),
            Registration::of::<Note>(),
            Registration::of::<Total>(),
        ],
        Vec::new(),
    )
    .expect("the fixtures make a catalog")
}

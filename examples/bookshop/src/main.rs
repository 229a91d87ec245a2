//! An MCP server written by hand with `#[derive(McpTable)]`, over two tables of the sample
//! bookshop database (`examples/sample/sample.sql`).
//!
//! ```text
//! cargo run -p bookshop -- serve --database-url sqlite://target/quickstart/sample.db
//! ```

use chrono::NaiveDate;
use mcpgen_runtime::McpTable;
use mcpgen_runtime::types::{Bytes, Decimal};

/// People who wrote the books.
#[derive(Debug, McpTable)]
#[mcp(table = "authors")]
struct Author {
    #[mcp(primary_key)]
    id: i64,
    name: String,
    /// Date of birth, when known.
    born: Option<NaiveDate>,
    country: Option<String>,
}

/// The books on sale.
#[derive(Debug, McpTable)]
#[mcp(table = "books", unique(columns = ["isbn"]))]
struct Book {
    #[mcp(primary_key)]
    id: i64,
    title: String,
    isbn: Option<String>,
    published: Option<NaiveDate>,
    #[mcp(sql_type = "NUMERIC(8, 2)")]
    price: Decimal,
    pages: Option<i64>,
    in_stock: bool,
    #[mcp(enum_values = ["fiction", "poetry", "history", "science", "children"])]
    genre: Option<String>,
    cover: Option<Bytes>,
    #[mcp(column = "details")]
    details: Option<mcpgen_runtime::reexports::serde_json::Value>,
}

/// Which author wrote which book.
#[derive(Debug, McpTable)]
#[mcp(
    table = "book_authors",
    foreign_key(columns = ["book_id"], references = "books", referenced_columns = ["id"]),
    foreign_key(columns = ["author_id"], references = "authors", referenced_columns = ["id"])
)]
struct BookAuthor {
    #[mcp(primary_key)]
    book_id: i64,
    #[mcp(primary_key)]
    author_id: i64,
    #[mcp(default = "'author'")]
    role: String,
}

fn main() -> std::process::ExitCode {
    mcpgen_runtime::Server::builder()
        .name("bookshop")
        .table::<Author>()
        .table::<Book>()
        .table::<BookAuthor>()
        .run_from_args()
}

//! The checker of `query_sql` on the fixture catalog: what it accepts, as it runs, and why it
//! refuses the rest.

use super::*;
use crate::fixtures;

fn run(engine: Engine, sql: &str) -> Result<CheckedSql, ArgumentError> {
    let default_schema = match engine {
        Engine::Postgres => "public",
        Engine::Mysql => "shop",
        Engine::Sqlite => "main",
    };
    check(&fixtures::catalog(), engine, default_schema, sql)
}

#[test]
fn explore() {
    for (engine, sql) in [
        (
            Engine::Postgres,
            "SELECT title, count(*) FROM film GROUP BY title",
        ),
        (
            Engine::Postgres,
            "SELECT f.title FROM film f JOIN sales.pairs p ON p.a = f.film_id",
        ),
        (Engine::Postgres, "SELECT - - 1"),
        (
            Engine::Postgres,
            "SELECT left(title, 2), coalesce(title, 'x'), current_date FROM film",
        ),
        (Engine::Postgres, "SELECT film_price(1, NULL)"),
        (
            Engine::Postgres,
            "WITH t AS (SELECT 1 AS x) SELECT * FROM t",
        ),
        (
            Engine::Postgres,
            "EXPLAIN ANALYZE SELECT * FROM film WHERE film_id = $1",
        ),
        (Engine::Mysql, "SELECT \"a\", title FROM film LIMIT 5, 10"),
        (Engine::Mysql, "SELECT 1 /*!50000 , sleep(1) */"),
        (Engine::Sqlite, "SELECT 'a\\'' || title FROM film"),
        (Engine::Sqlite, "SELECT * FROM FILM where title GLOB ?"),
    ] {
        println!("{engine:?} {sql}\n   -> {:?}", run(engine, sql));
    }
}

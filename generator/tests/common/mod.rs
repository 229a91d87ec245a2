//! Helpers shared by the generator's integration tests.
#![allow(dead_code, unreachable_pub)]

pub mod databases;

use std::path::{Path, PathBuf};

use sqlx::{ConnectOptions as _, Executor as _};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file of `../shared/datasets`, or `None` (with the reason printed) when the datasets are
/// absent. With `MCPGEN_REQUIRE_SERVICES=1` their absence fails the test instead.
pub fn shared_dataset(relative: &str) -> Option<PathBuf> {
    let path = repo().join("../shared/datasets").join(relative);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("MCPGEN_REQUIRE_SERVICES").as_deref() != Ok("1"),
        "{} is missing and MCPGEN_REQUIRE_SERVICES=1",
        path.display()
    );
    #[allow(clippy::print_stdout, reason = "a skipped test says why")]
    {
        println!("skipped: {} is not there", path.display());
    }
    None
}

/// A fresh directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// A SQLite database built from a SQL script; returns its `sqlite://` URL.
pub async fn sqlite_from_script(script: &Path, database: &Path) -> String {
    let url = format!("sqlite://{}", database.display());
    let sql = std::fs::read_to_string(script).expect("the script reads");
    let mut connection = url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .expect("a SQLite URL")
        .create_if_missing(true)
        .connect()
        .await
        .expect("the database opens");
    connection
        .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
        .await
        .expect("the script runs");
    url
}

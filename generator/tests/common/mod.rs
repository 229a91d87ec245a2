//! Helpers shared by the generator's integration tests.
#![allow(dead_code, unreachable_pub)]

pub mod databases;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The text of a gzipped file (a dataset dump), through `zcat`.
pub fn gunzip(path: &Path) -> Result<String, String> {
    let output = Command::new("zcat")
        .arg(path)
        .output()
        .map_err(|error| format!("zcat: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    String::from_utf8(output.stdout).map_err(|error| error.to_string())
}

/// `MCPGEN generate ARGS --out OUT --name NAME --force`, to run.
pub fn generate_command<S: AsRef<std::ffi::OsStr>>(
    mcpgen: &Path,
    args: &[S],
    out: &Path,
    name: &str,
) -> Command {
    let mut command = Command::new(mcpgen);
    command
        .arg("generate")
        .args(args)
        .arg("--out")
        .arg(out)
        .args(["--name", name, "--force"]);
    command
}

/// Every file under `DIR/SUBDIR`, by its path relative to `DIR`.
pub fn files_under(dir: &Path, subdir: &str) -> std::io::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.join(subdir)];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                files.insert(
                    relative.display().to_string(),
                    std::fs::read_to_string(&path)?,
                );
            }
        }
    }
    Ok(files)
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

//! The README's quick start, as one command:
//!
//! ```text
//! cargo run -p quickstart                        # serve the sample database on stdio
//! cargo run -p quickstart -- --transport http    # ... or at http://127.0.0.1:8080/mcp
//! ```
//!
//! It builds the sample database `target/quickstart/sample.db` from
//! `examples/sample/sample.sql` (no sqlite3 tool needed), runs `mcpgen generate` on it into
//! `target/quickstart/sample`, builds that crate with cargo and starts its server. Arguments
//! after the options below go to `sample serve`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, bail};
use clap::Parser;
use sqlx::{ConnectOptions as _, Executor as _};

/// Build the sample database, generate its MCP server, build it and start it.
#[derive(Parser)]
#[command(name = "quickstart")]
struct Args {
    /// Build the server with optimizations (slower to build, faster to run).
    #[arg(long)]
    release: bool,
    /// Arguments of `sample serve`, e.g. `--transport http --listen 127.0.0.1:8080`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    serve: Vec<String>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(error) => {
            #[allow(
                clippy::print_stderr,
                reason = "the one error line of a command-line tool"
            )]
            {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().context("cannot find the repository")?;
    let work = root.join("target").join("quickstart");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;

    let database = work.join("sample.db");
    build_database(&root.join("examples/sample/sample.sql"), &database)?;

    let crate_dir = work.join("sample");
    let url = format!("sqlite://{}", database.display());
    cargo(
        &root,
        &[
            "run",
            "--quiet",
            "-p",
            "mcpgen",
            "--",
            "generate",
            "--database-url",
            &url,
            "--out",
            &crate_dir.display().to_string(),
            "--force",
        ],
    )?;

    let manifest = crate_dir.join("Cargo.toml").display().to_string();
    let mut build = vec!["build", "--manifest-path", manifest.as_str()];
    if args.release {
        build.push("--release");
    }
    cargo(&root, &build)?;

    let profile = if args.release { "release" } else { "debug" };
    let binary = crate_dir.join("target").join(profile).join("sample");
    let mut serve = vec!["serve".to_owned()];
    serve.extend(args.serve);
    status(
        "Running",
        &format!("{} {}", binary.display(), serve.join(" ")),
    );
    let code = Command::new(&binary)
        .args(&serve)
        .status()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    Ok(ExitCode::from(
        u8::try_from(code.code().unwrap_or(1)).unwrap_or(1),
    ))
}

/// Creates `database` from the SQL script, unless it is newer than the script.
fn build_database(script: &Path, database: &Path) -> anyhow::Result<()> {
    let modified = |path: &Path| path.metadata().and_then(|m| m.modified()).ok();
    if let (Some(built), Some(source)) = (modified(database), modified(script))
        && built > source
    {
        return Ok(());
    }
    status(
        "Creating",
        &format!("{} from {}", database.display(), script.display()),
    );
    let sql = std::fs::read_to_string(script)
        .with_context(|| format!("cannot read {}", script.display()))?;
    if database.exists() {
        std::fs::remove_file(database)
            .with_context(|| format!("cannot replace {}", database.display()))?;
    }
    let url = format!("sqlite://{}", database.display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let mut connection = url
                .parse::<sqlx::sqlite::SqliteConnectOptions>()?
                .create_if_missing(true)
                .connect()
                .await?;
            connection
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
                .await?;
            anyhow::Ok(())
        })
        .with_context(|| format!("cannot build {}", database.display()))
}

/// Runs cargo in the repository, its output shown as it comes.
fn cargo(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .with_context(|| format!("cannot run {}", cargo.display()))?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

/// A cargo-style status line on stderr.
#[allow(clippy::print_stderr, reason = "progress of a command-line tool")]
fn status(verb: &str, what: &str) {
    eprintln!("{verb:>12} {what}");
}

//! The README's quick start, as one command:
//!
//! ```text
//! cargo run -p quickstart                        # serve the sample database on stdio
//! cargo run -p quickstart -- --transport http    # ... or at http://127.0.0.1:8080/mcp
//! cargo run --release -p quickstart              # the same, an optimized server
//! ```
//!
//! It builds the sample database `target/quickstart/sample.db` from
//! `examples/sample/sample.sql` (no sqlite3 tool needed), builds mcpgen and runs
//! `mcpgen generate` on it into `target/quickstart/sample`, builds that crate with cargo and
//! starts its server. Arguments go to `sample serve`.
//!
//! The crate is built in this workspace's target directory, in the profile the quickstart was
//! built in: the quickstart depends on the runtime with the crate's backend, so its own build
//! has already compiled every dependency of the crate with the same features and settings,
//! and the crate's build compiles only mcpgen's crates and the crate itself.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, bail};
use clap::Parser;
use sqlx::{ConnectOptions as _, Executor as _};

/// Build the sample database, generate its MCP server, build it and start it.
#[derive(Parser)]
#[command(name = "quickstart")]
struct Args {
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

/// The profile this program was built in, which the server is built in too.
const PROFILE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "release"
};

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().context("cannot find the repository")?;
    let target = target_dir(&root)?;
    let work = target.join("quickstart");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;

    let database = work.join("sample.db");
    build_database(&root.join("examples/sample/sample.sql"), &database)?;

    status(
        "Building",
        "mcpgen, the generator (cargo build -p mcpgen; the first time takes a minute or two)",
    );
    cargo(&root, &["build", "-p", "mcpgen"], &target)?;
    let mcpgen = target
        .join("debug")
        .join(format!("mcpgen{}", std::env::consts::EXE_SUFFIX));

    let crate_dir = work.join("sample");
    let url = format!("sqlite://{}", database.display());
    let generated = Command::new(&mcpgen)
        .args(["generate", "--database-url", &url, "--out"])
        .arg(&crate_dir)
        .arg("--force")
        .status()
        .with_context(|| format!("cannot run {}", mcpgen.display()))?;
    if !generated.success() {
        bail!("`mcpgen generate` failed");
    }

    status(
        "Building",
        &format!(
            "the generated server in {} ({PROFILE} profile, in {}: only mcpgen's crates and the server compile)",
            crate_dir.display(),
            target.display()
        ),
    );
    let manifest = crate_dir.join("Cargo.toml").display().to_string();
    cargo(
        &root,
        &[
            "build",
            "--locked",
            "--profile",
            PROFILE,
            "--manifest-path",
            &manifest,
        ],
        &target,
    )?;

    let binary = target
        .join(if PROFILE == "dev" { "debug" } else { "release" })
        .join(format!("sample{}", std::env::consts::EXE_SUFFIX));
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

/// The workspace's target directory, as cargo sees it (`CARGO_TARGET_DIR`, `build.target-dir`
/// or `target/`).
fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let output = cargo_command()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cannot read cargo metadata's output")?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata gave no target_directory")
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

/// A cargo command without what `cargo run` told this program about its own package
/// (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`, ...): build scripts that watch those (ring's) would
/// otherwise see them change between this cargo and the next one run from a shell, and
/// rebuild every time.
fn cargo_command() -> Command {
    let mut command = Command::new(
        std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from),
    );
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("CARGO_PKG_")
            || matches!(
                name,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
            )
        {
            command.env_remove(name);
        }
    }
    command
}

/// Runs cargo in the repository with `target` as its target directory, its output (progress
/// included) shown as it comes.
fn cargo(root: &Path, args: &[&str], target: &Path) -> anyhow::Result<()> {
    let status = cargo_command()
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .context("cannot run cargo")?;
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

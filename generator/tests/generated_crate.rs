//! A generated crate is a deliverable a person can keep: written outside any checkout of mcpgen
//! it builds with `cargo build --locked` (its `Cargo.lock` is complete and exact), and its
//! runtime can come from a checkout's path or from a git repository.
//!
//! The build shares `target/e2e/target` with the end-to-end tests and the big schemas, so the
//! dependencies build once: where the artifacts go has no bearing on whether the crate, outside
//! the repository, resolves and compiles.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `mcpgen generate` of the sample DDL into `out`, with `extra` arguments.
fn generate(out: &Path, extra: &[&str]) -> Output {
    let sample = common::repo().join("examples/sample/sample.sql");
    let output = Command::new(env!("CARGO_BIN_EXE_mcpgen"))
        .arg("generate")
        .arg("--schema")
        .arg(&sample)
        .args(["--dialect", "sqlite", "--name", "shop", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("mcpgen runs");
    assert!(
        output.status.success(),
        "mcpgen generate failed:\n{}",
        text(&output.stderr)
    );
    output
}

/// A fresh directory outside the repository, removed when dropped.
struct OutsideDir(PathBuf);

impl OutsideDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("mcpgen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let repo = common::repo().canonicalize().expect("the repository");
        let dir = dir.canonicalize().expect("the temporary directory");
        assert!(
            !dir.starts_with(&repo),
            "{} is inside the repository",
            dir.display()
        );
        Self(dir)
    }
}

impl Drop for OutsideDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_crate_generated_outside_the_repository_builds_with_its_lock_file_and_no_warning() {
    let dir = OutsideDir::new("outside");
    let out = dir.0.join("shop-server");
    generate(&out, &[]);
    let build = cargo()
        .args(["build", "--locked", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", common::repo().join("target/e2e/target"))
        .env("CARGO_TERM_COLOR", "never")
        .current_dir(&dir.0)
        .output()
        .expect("cargo runs");
    let stderr = text(&build.stderr);
    assert!(
        build.status.success(),
        "the crate does not build:\n{stderr}"
    );
    assert!(
        !stderr.contains("warning: `shop`"),
        "the crate builds with warnings:\n{stderr}"
    );
    let binary = common::repo().join("target/e2e/target/debug/shop");
    let help = Command::new(&binary)
        .args(["serve", "--help"])
        .output()
        .expect("the server runs");
    assert!(help.status.success(), "{}", text(&help.stderr));
    assert!(
        text(&help.stdout).contains("--transport"),
        "{}",
        text(&help.stdout)
    );
}

#[test]
fn a_runtime_from_a_git_repository_resolves_at_the_commit_given() {
    let repo = common::repo();
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&repo)
        .output();
    let head = match head {
        Ok(output) if output.status.success() => text(&output.stdout).trim().to_owned(),
        _ => {
            assert!(
                std::env::var("MCPGEN_REQUIRE_SERVICES").as_deref() != Ok("1"),
                "the repository is not a git checkout (or git is missing) and MCPGEN_REQUIRE_SERVICES=1"
            );
            #[allow(clippy::print_stdout, reason = "a skipped test says why")]
            {
                println!("skipped: the repository is not a git checkout, or git is missing");
            }
            return;
        }
    };
    let dir = OutsideDir::new("git-runtime");
    let bare = dir.0.join("mcpgen.git");
    let clone = Command::new("git")
        .args(["clone", "--quiet", "--bare"])
        .arg(&repo)
        .arg(&bare)
        .output()
        .expect("git runs");
    assert!(clone.status.success(), "{}", text(&clone.stderr));
    let out = dir.0.join("shop-server");
    let spec = format!("file://{}?rev={head}", bare.display());
    generate(&out, &["--runtime", &spec]);
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains(&format!(
            "mcpgen-runtime = {{ git = \"file://{}\", rev = \"{head}\"",
            bare.display()
        )),
        "{manifest}"
    );
    let metadata = cargo()
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_NET_GIT_FETCH_WITH_CLI", "false")
        .output()
        .expect("cargo runs");
    assert!(metadata.status.success(), "{}", text(&metadata.stderr));
    let metadata: serde_json::Value =
        serde_json::from_slice(&metadata.stdout).expect("cargo metadata's JSON");
    let runtime = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|package| package["name"] == "mcpgen-runtime")
        .expect("mcpgen-runtime is resolved");
    let source = runtime["source"].as_str().unwrap_or_default();
    assert!(
        source.starts_with(&format!("git+file://{}", bare.display())) && source.ends_with(&head),
        "{source}"
    );
}

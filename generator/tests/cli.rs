//! The `mcpgen` command line, run as users run it.

mod common;

use std::process::{Command, Output};

fn mcpgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpgen"))
        .args(args)
        .output()
        .expect("mcpgen runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `output` is a failure whose stderr says `expected`.
fn assert_fails_saying(output: &Output, expected: &str) {
    assert!(!output.status.success(), "it succeeded: {}", stderr(output));
    assert!(stderr(output).contains(expected), "{}", stderr(output));
}

/// Runs `mcpgen generate` on the sample DDL into a fresh directory with `extra` arguments;
/// the output and the `--out` directory.
fn generate_sample(test: &str, extra: &[&str]) -> (Output, std::path::PathBuf) {
    let out = common::scratch(test).join("out");
    (generate_sample_into(&out, extra), out)
}

/// Runs `mcpgen generate` on the sample DDL into `out` with `extra` arguments.
fn generate_sample_into(out: &std::path::Path, extra: &[&str]) -> Output {
    let out_arg = out.display().to_string();
    let sql = sample_sql();
    let mut args = vec![
        "generate",
        "--schema",
        &sql,
        "--dialect",
        "sqlite",
        "--out",
        &out_arg,
    ];
    args.extend_from_slice(extra);
    mcpgen(&args)
}

fn sample_sql() -> String {
    common::repo()
        .join("examples/sample/sample.sql")
        .display()
        .to_string()
}

#[test]
fn inspect_json_prints_the_model_and_warns_on_stderr() {
    let output = mcpgen(&[
        "inspect",
        "--schema",
        &sample_sql(),
        "--dialect",
        "sqlite",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let model: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let tables = model["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 8);
    let books = tables.iter().find(|t| t["name"] == "books").expect("books");
    assert_eq!(books["referenced_by"].as_array().map(Vec::len), Some(3));
    assert_eq!(model["routines"], serde_json::json!([]));
    let revenue = &tables
        .iter()
        .find(|t| t["name"] == "book_sales")
        .expect("book_sales")["columns"][3];
    assert_eq!(revenue["name"], "revenue");
    assert_eq!(revenue["data_type"]["kind"], "dynamic");
}

#[test]
fn inspect_lists_routines_with_their_parameters_and_warns_of_those_skipped() {
    let ddl = common::repo().join("tests/e2e/sql/postgres_routines.sql");
    let output = mcpgen(&[
        "inspect",
        "--schema",
        &ddl.display().to_string(),
        "--dialect",
        "postgres",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "function price_with_tax(numeric, numeric) returns NUMERIC, only reads",
        "procedure add_note(text, integer) returns its OUT parameters, may write",
        "function Note Lengths(integer) returns rows (Note Id INTEGER, length INTEGER), only reads",
        "function billing.double_it(integer) returns INTEGER, only reads",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no line {line:?} in:\n{stdout}"
        );
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["p_rate", "NUMERIC", "in,", "has", "a", "default"]),
        "{stdout}"
    );
    assert!(
        stderr(&output).contains("touch(): skipped: a trigger function"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_url_fails_with_one_line_that_says_what_to_use() {
    let output = mcpgen(&["inspect", "--database-url", "oracle://db/x"]);
    assert!(!output.status.success());
    let text = stderr(&output);
    let error: Vec<&str> = text.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{text}");
    assert!(error[0].contains("sqlite://PATH"), "{text}");
}

#[test]
fn a_missing_database_file_is_an_error_not_a_new_database() {
    let dir = common::scratch("cli-missing");
    let missing = dir.join("nope.db");
    let url = format!("sqlite://{}", missing.display());
    let output = mcpgen(&["inspect", "--database-url", &url]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no SQLite database file"),
        "{}",
        stderr(&output)
    );
    assert!(!missing.exists());
}

#[test]
fn unparsable_ddl_names_file_and_line() {
    let dir = common::scratch("cli-bad-ddl");
    let file = dir.join("bad.sql");
    std::fs::write(&file, "-- nothing good\nCREATE TABLE (;\n").unwrap();
    let output = mcpgen(&[
        "inspect",
        "--schema",
        &file.display().to_string(),
        "--dialect",
        "sqlite",
    ]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("bad.sql:2"), "{}", stderr(&output));
}

#[test]
fn an_unknown_dialect_is_refused() {
    let output = mcpgen(&["inspect", "--schema", &sample_sql(), "--dialect", "oracle"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("postgres, mysql or sqlite"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn generate_writes_a_crate_and_refuses_a_non_empty_directory_without_force() {
    let dir = common::scratch("cli-generate");
    let out = dir.join("shop");
    let out_arg = out.display().to_string();
    let args = [
        "generate",
        "--schema",
        &sample_sql(),
        "--dialect",
        "sqlite",
        "--out",
        &out_arg,
    ];
    let output = mcpgen(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "mcpgen-generated.json",
        "README.md",
        "mcpgen.toml",
        "src/main.rs",
        "src/tables/mod.rs",
        "src/tables/books.rs",
    ] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"sample\""), "{manifest}");

    let again = mcpgen(&args);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    let mut forced = args.to_vec();
    forced.extend([
        "--force",
        "--name",
        "shop",
        "--include",
        "book*",
        "--exclude",
        "book_sales",
    ]);
    let output = mcpgen(&forced);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut tables: Vec<String> = std::fs::read_dir(out.join("src/tables"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    tables.sort();
    assert_eq!(tables, ["book_authors.rs", "books.rs", "mod.rs"]);
}

#[test]
fn include_that_matches_nothing_is_an_error() {
    let (output, out) = generate_sample("cli-include-nothing", &["--include", "nope*"]);
    assert_fails_saying(&output, "no table or view to serve");
    assert!(!out.exists());
}

#[test]
fn a_bad_crate_name_is_refused() {
    let (output, _) = generate_sample("cli-bad-name", &["--name", "9 lives"]);
    assert_fails_saying(&output, "invalid crate name");
}

#[test]
fn generate_writes_a_crate_for_the_dialect_of_a_ddl_file() {
    let dir = common::scratch("cli-postgres");
    let file = dir.join("shop.sql");
    std::fs::write(
        &file,
        "CREATE TABLE books (id integer PRIMARY KEY, title text NOT NULL, price numeric(8,2));\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = mcpgen(&[
        "generate",
        "--schema",
        &file.display().to_string(),
        "--dialect",
        "postgres",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(r#"features = ["postgres"]"#),
        "{manifest}"
    );
    let books = std::fs::read_to_string(out.join("src/tables/books.rs")).unwrap();
    assert!(books.contains("pub id: i32,"), "{books}");
    assert!(books.contains("pub price: Option<Decimal>,"), "{books}");
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn regenerating_keeps_the_files_you_edited_and_writes_their_new_version_beside_them() {
    let (output, out) = generate_sample("cli-regenerate-edited", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let books = out.join("src/tables/books.rs");
    let edited = read(&books).replace("pub struct Books", "/// Edited by hand.\npub struct Books");
    std::fs::write(&books, &edited).unwrap();
    std::fs::write(out.join("src/tables/mine.rs"), "// my own module\n").unwrap();

    let output = generate_sample_into(&out, &[]);
    assert_fails_saying(&output, "pass --force to regenerate it");

    let output = generate_sample_into(&out, &["--force", "--exclude", "authors"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("kept src/tables/books.rs"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&books), edited, "the edited file is kept as it was");
    let new_version = read(&out.join("src/tables/books.rs.mcpgen-new"));
    assert!(!new_version.contains("Edited by hand"), "{new_version}");
    assert!(new_version.contains("pub struct Books"), "{new_version}");
    assert_eq!(read(&out.join("src/tables/mine.rs")), "// my own module\n");
    assert!(
        !out.join("src/tables/authors.rs").exists(),
        "the module of an excluded table, unedited, is removed"
    );

    // Once the new version is taken, the file is mcpgen's again: the next run replaces it.
    std::fs::rename(out.join("src/tables/books.rs.mcpgen-new"), &books).unwrap();
    let output = generate_sample_into(&out, &["--force"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("kept"), "{}", stderr(&output));
    assert!(out.join("src/tables/authors.rs").is_file());
    assert!(!out.join("src/tables/books.rs.mcpgen-new").exists());
}

#[test]
fn regenerating_an_unchanged_schema_leaves_the_files_untouched() {
    let (output, out) = generate_sample("cli-regenerate-same", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let main = out.join("src/main.rs");
    let before = std::fs::metadata(&main).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = generate_sample_into(&out, &["--force"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = std::fs::metadata(&main).unwrap().modified().unwrap();
    assert_eq!(
        before, after,
        "an unchanged file is not rewritten (cargo would rebuild)"
    );
}

/// The packages of a `Cargo.lock`, by name.
fn locked_packages(lock: &str) -> Vec<String> {
    lock.lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|name| name.trim_end_matches('"').to_owned())
        .collect()
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

#[test]
fn the_lock_file_holds_what_cargo_resolves_for_the_crate_at_mcpgens_versions() {
    let workspace = read(&common::repo().join("Cargo.lock"));
    for (dialect, ddl, backend) in [
        (
            "sqlite",
            "CREATE TABLE t (id integer PRIMARY KEY);",
            "sqlx-sqlite",
        ),
        (
            "postgres",
            "CREATE TABLE t (id integer PRIMARY KEY);",
            "sqlx-postgres",
        ),
    ] {
        let dir = common::scratch(&format!("cli-lock-{dialect}"));
        let file = dir.join("schema.sql");
        std::fs::write(&file, ddl).unwrap();
        let out = dir.join("out");
        let output = mcpgen(&[
            "generate",
            "--schema",
            &file.display().to_string(),
            "--dialect",
            dialect,
            "--out",
            &out.display().to_string(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let lock = read(&out.join("Cargo.lock"));
        let packages = locked_packages(&lock);
        assert!(
            packages.contains(&backend.to_owned()),
            "{dialect}: {packages:?}"
        );
        for tool_of_mcpgen in ["mcpgen", "prettyplease", "insta", "trybuild", "globset"] {
            assert!(
                !packages.contains(&tool_of_mcpgen.to_owned()),
                "{dialect}: the lock file holds {tool_of_mcpgen}, which the crate does not use"
            );
        }
        mcpgen::lockfile::check_subset(&lock, &workspace)
            .unwrap_or_else(|error| panic!("{dialect}: {error}"));
        // Exactly what cargo resolves: with --locked, cargo refuses any change to it.
        let check = Command::new(cargo())
            .args([
                "update",
                "--workspace",
                "--locked",
                "--offline",
                "--manifest-path",
            ])
            .arg(out.join("Cargo.toml"))
            .output()
            .expect("cargo runs");
        assert!(
            check.status.success(),
            "{dialect}: cargo would change the lock file: {}",
            stderr(&check)
        );
    }
}

#[test]
fn without_cargo_the_lock_file_holds_what_the_runtime_reaches_and_mcpgen_says_so() {
    let out = common::scratch("cli-lock-no-cargo").join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_mcpgen"))
        .args([
            "generate",
            "--schema",
            &sample_sql(),
            "--dialect",
            "sqlite",
            "--out",
        ])
        .arg(&out)
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .expect("mcpgen runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("/nonexistent/cargo is not installed"),
        "{}",
        stderr(&output)
    );
    let lock = read(&out.join("Cargo.lock"));
    let packages = locked_packages(&lock);
    for runtime_package in ["mcpgen-runtime", "sqlx-sqlite", "sqlx-mysql"] {
        assert!(
            packages.contains(&runtime_package.to_owned()),
            "{packages:?}"
        );
    }
    assert!(
        !packages.contains(&"prettyplease".to_owned()),
        "{packages:?}"
    );
}

/// `mcpgen generate --runtime SPEC` on the sample; the output and the crate's Cargo.toml.
fn generate_with_runtime(test: &str, spec: &str) -> (Output, String) {
    let (output, out) = generate_sample(test, &["--runtime", spec]);
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap_or_default();
    (output, manifest)
}

#[test]
fn the_runtime_can_be_a_checkout_of_mcpgen_or_its_runtime_directory() {
    let runtime = common::repo().join("runtime").canonicalize().unwrap();
    let expected = format!(
        "mcpgen-runtime = {{ path = {:?}",
        runtime.display().to_string()
    );
    for spec in [common::repo(), runtime] {
        let (output, manifest) =
            generate_with_runtime("cli-runtime-path", &spec.display().to_string());
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(manifest.contains(&expected), "{manifest}");
    }
    let (output, _) = generate_with_runtime("cli-runtime-path", "/nonexistent/mcpgen");
    assert_fails_saying(&output, "no mcpgen-runtime package in /nonexistent/mcpgen");
}

#[test]
fn the_runtime_can_be_a_git_url_with_a_tag_branch_or_rev() {
    let (output, manifest) = generate_with_runtime(
        "cli-runtime-git",
        "https://github.com/mcpgen/mcpgen?tag=v0.1.0",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        manifest.contains(
            r#"mcpgen-runtime = { git = "https://github.com/mcpgen/mcpgen", tag = "v0.1.0", default-features = false"#
        ),
        "{manifest}"
    );
    let (output, manifest) =
        generate_with_runtime("cli-runtime-git", "git+ssh://git@example.com/mcpgen.git");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        manifest.contains(r#"git = "ssh://git@example.com/mcpgen.git", default-features"#),
        "{manifest}"
    );
    let (output, _) = generate_with_runtime(
        "cli-runtime-git",
        "https://github.com/mcpgen/mcpgen?commit=1",
    );
    assert_fails_saying(&output, "tag=TAG, branch=BRANCH or rev=COMMIT");
}

#[test]
fn a_runtime_version_is_written_with_a_warning_that_it_is_not_on_crates_io() {
    let (output, manifest) = generate_with_runtime("cli-runtime-version", "0.1.0");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not published on crates.io"),
        "{}",
        stderr(&output)
    );
    assert!(
        manifest.contains(r#"mcpgen-runtime = { version = "0.1.0""#),
        "{manifest}"
    );
    let (output, _) = generate_with_runtime("cli-runtime-version", "latest");
    assert_fails_saying(&output, "not a directory, a git URL");
}

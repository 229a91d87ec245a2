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
    (mcpgen(&args), out)
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

//! The big real-world schemas of `../shared/datasets/big-schemas/` (MusicBrainz on PostgreSQL:
//! 516 tables in 9 schemas; GLPI on MariaDB: 390 tables) generate from their DDL file and from
//! a live database, the two crates agree, `--include` and `--exclude` keep exactly the tables
//! they match, and the crate builds warning-free.
//!
//! The crates build in `target/e2e/target`, the target directory the end-to-end tests build
//! generated crates in, so the runtime and its dependencies are built once for both. Skips
//! with a reason when the datasets or a server are absent (fails instead with
//! `MCPGEN_REQUIRE_SERVICES=1`). `cargo bench -p mcpgen --bench big_schemas` measures the same
//! crates' build times and `tools/list`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use common::databases::{Server, TempDatabase};

/// One big schema, and the globs that check `--include` and `--exclude` on it.
struct BigSchema {
    label: &'static str,
    dataset: &'static str,
    server: Server,
    dialect: &'static str,
    /// An `--include` glob, and the prefix of the modules of the tables it selects.
    include: (&'static str, &'static str),
    /// An `--exclude` glob, and the prefix of the modules of the tables it leaves out.
    exclude: (&'static str, &'static str),
}

#[test]
fn musicbrainz_generates_and_builds() {
    big_schema(&BigSchema {
        label: "musicbrainz",
        dataset: "big-schemas/musicbrainz-schema.sql.gz",
        server: Server::Postgres,
        dialect: "postgres",
        include: ("cover_art_archive.*", "cover_art_archive_"),
        exclude: ("documentation.*", "documentation_"),
    });
}

#[test]
fn glpi_generates_and_builds() {
    big_schema(&BigSchema {
        label: "glpi",
        dataset: "big-schemas/glpi-10.0.17-empty.sql.gz",
        server: Server::Mysql,
        dialect: "mysql",
        include: ("glpi_computer*", "glpi_computer"),
        exclude: ("glpi_items_*", "glpi_items_"),
    });
}

/// The shared target directory of generated crates (see `tests/e2e/servers.py`).
fn generated_target() -> PathBuf {
    common::repo().join("target/e2e/target")
}

#[allow(clippy::print_stdout, reason = "the test reports what took how long")]
fn big_schema(schema: &BigSchema) {
    let BigSchema {
        label,
        dataset,
        server,
        dialect,
        ..
    } = *schema;
    let Some(gz) = common::shared_dataset(dataset) else {
        return;
    };
    let scratch = common::scratch(&format!("big_schemas_{label}"));
    let sql = common::gunzip(&gz).expect("the dump unzips");
    let ddl_file = scratch.join(format!("{label}.sql"));
    std::fs::write(&ddl_file, &sql).expect("the DDL file is written");
    let name = format!("big_{label}");

    let started = Instant::now();
    let ddl_crate = scratch.join("ddl");
    let ddl_file_arg = ddl_file.display().to_string();
    let ddl_stderr = generate(
        &["--schema", &ddl_file_arg, "--dialect", dialect],
        &ddl_crate,
        &name,
    );
    let ddl_files = table_files(&ddl_crate);
    assert!(
        ddl_files.len() > 300,
        "{label}: only {} files generated from the DDL",
        ddl_files.len()
    );
    println!(
        "{label}: {} table modules generated from the DDL in {:.1?}",
        ddl_files.len() - 1,
        started.elapsed()
    );

    check_selection(schema, &scratch, &ddl_file_arg, &ddl_files, &name);

    let mut to_build = ddl_crate;
    if let Some(database) = TempDatabase::create(server, label) {
        let started = Instant::now();
        database.run(&sql);
        println!("{label}: loaded in {:.1?}", started.elapsed());
        let started = Instant::now();
        let live_crate = scratch.join("live");
        generate(&["--database-url", &database.url()], &live_crate, &name);
        println!(
            "{label}: generated from the live database in {:.1?}",
            started.elapsed()
        );
        let live_files = table_files(&live_crate);
        compare(label, &ddl_files, &live_files, &ddl_stderr);
        to_build = live_crate;
    }

    let started = Instant::now();
    build(&to_build, &name);
    println!(
        "{label}: cargo build of {} in {:.1?}",
        to_build.display(),
        started.elapsed()
    );
}

/// `--include` and `--exclude` keep exactly the tables they match.
fn check_selection(
    schema: &BigSchema,
    scratch: &Path,
    ddl_file: &str,
    all: &BTreeMap<String, String>,
    name: &str,
) {
    let modules = |files: &BTreeMap<String, String>| -> BTreeSet<String> {
        files
            .keys()
            .filter(|path| path.as_str() != "src/tables/mod.rs")
            .map(|path| path.trim_start_matches("src/tables/").to_owned())
            .collect()
    };
    let all = modules(all);
    let (include, included) = schema.include;
    let (exclude, excluded) = schema.exclude;
    // The option, its glob, the module prefix of the tables it matches, and whether it keeps them.
    for (option, glob, prefix, keeps) in [
        ("--include", include, included, true),
        ("--exclude", exclude, excluded, false),
    ] {
        let out = scratch.join(format!("selected{option}"));
        generate(
            &[
                "--schema",
                ddl_file,
                "--dialect",
                schema.dialect,
                option,
                glob,
            ],
            &out,
            name,
        );
        let expected: BTreeSet<String> = all
            .iter()
            .filter(|module| module.starts_with(prefix) == keeps)
            .cloned()
            .collect();
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{}: {option} {glob} should keep some tables and not all",
            schema.label
        );
        assert_eq!(
            modules(&table_files(&out)),
            expected,
            "{}: {option} {glob}",
            schema.label
        );
    }
}

/// The live and DDL crates must have the same table modules with the same contents. The one
/// difference allowed: a table or view the DDL parser skipped with a warning (a statement
/// sqlparser cannot parse) is only in the live crate, and `tables/mod.rs` lists it.
#[allow(
    clippy::print_stdout,
    reason = "the test reports the differences it allows"
)]
fn compare(
    label: &str,
    ddl: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
    ddl_stderr: &str,
) {
    let skipped: Vec<&str> = ddl_stderr
        .lines()
        .filter_map(|line| line.split_once(": skipped CREATE "))
        .filter_map(|(_, rest)| rest.split_whitespace().nth(1))
        .map(|name| name.trim_end_matches(':'))
        .collect();
    let mut allowed = Vec::new();
    let mut unexpected = Vec::new();
    for path in ddl.keys().chain(live.keys()).collect::<BTreeSet<_>>() {
        if path == "src/tables/mod.rs" {
            continue;
        }
        match (ddl.get(path), live.get(path)) {
            (Some(a), Some(b)) if a == b => {}
            (None, Some(_))
                if skipped.iter().any(|name| {
                    let table = name.rsplit('.').next().unwrap_or(name).trim_matches('"');
                    path.ends_with(&format!("_{table}.rs"))
                        || path.ends_with(&format!("/{table}.rs"))
                }) =>
            {
                allowed.push(path.as_str());
            }
            (a, b) => unexpected.push(format!(
                "{path}: {}",
                match (a, b) {
                    (Some(_), Some(_)) => "differs",
                    (Some(_), None) => "only in the DDL crate",
                    _ => "only in the live crate",
                }
            )),
        }
    }
    assert!(
        unexpected.is_empty(),
        "{label}: the live and DDL crates differ:\n{}",
        unexpected.join("\n")
    );
    if !allowed.is_empty() {
        println!(
            "{label}: only in the live crate, skipped by the DDL parser with a warning: {}",
            allowed.join(", ")
        );
    }
    // tables/mod.rs: the same modules, in the same order, less the skipped ones.
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.starts_with("//!"))
            .filter(|line| {
                !allowed.iter().any(|path| {
                    let module = path
                        .trim_start_matches("src/tables/")
                        .trim_end_matches(".rs");
                    line.contains(&format!(" {module};")) || line.contains(&format!("<{module}::"))
                })
            })
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        lines(&ddl["src/tables/mod.rs"]),
        lines(&live["src/tables/mod.rs"]),
        "{label}: src/tables/mod.rs differs between the live and DDL crates"
    );
}

/// `mcpgen generate`; its stderr (the warnings).
fn generate(source: &[&str], out: &Path, name: &str) -> String {
    let mcpgen = Path::new(env!("CARGO_BIN_EXE_mcpgen"));
    let output = common::generate_command(mcpgen, source, out, name)
        .output()
        .expect("mcpgen runs");
    assert!(
        output.status.success(),
        "mcpgen generate {source:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The generated `src/tables/` tree: path relative to the crate -> contents. (`src/main.rs`
/// differs by design: it names the source and the live crate's database URL.)
fn table_files(dir: &Path) -> BTreeMap<String, String> {
    common::files_under(dir, "src/tables").expect("the generated crate reads")
}

/// `cargo build` of the crate in the shared target directory; it must build warning-free.
fn build(crate_dir: &Path, name: &str) {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .arg("build")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", generated_target())
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the crate generated in {} does not build:\n{stderr}",
        crate_dir.display()
    );
    assert!(
        !stderr.contains(&format!("warning: `{name}`")),
        "the crate generated in {} builds with warnings:\n{stderr}",
        crate_dir.display()
    );
}

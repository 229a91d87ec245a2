//! Scale benchmark: generates, builds and serves the big real-world schemas of
//! `../shared/datasets/big-schemas/` (MusicBrainz on PostgreSQL, GLPI on MariaDB) and prints one
//! markdown table of what it measured.
//!
//! `cargo bench -p mcpgen --bench big_schemas`. For each schema it
//!
//! 1. loads the dump into a throwaway database (dropped at the end) and gunzips it to a file;
//! 2. runs `mcpgen generate` from the DDL file and from the live database, timing each run,
//!    and compares the two crates' `src/tables/`;
//! 3. builds the crate (the live one when it generated, else the DDL one) in a target
//!    directory of its own, timing wall and CPU time: cold (empty target directory), with warm
//!    dependencies (`cargo clean -p CRATE` first: a new crate where the runtime is built), after
//!    regenerating it unchanged (what a user regenerating sees), and after one table's module
//!    changed (a doc line added to its struct: a new table description, so the derive's
//!    expansion changes too); debug, then release;
//! 4. serves it over stdio with the typed tools and pages through `tools/list` (bytes, tools,
//!    pages; and the size of each profile's, typed and compact, read-only and with writes), checks that
//!    every cursor works on its own and that listing again, and after a restart, gives
//!    identical pages, then calls `count_T` and `list_T` on every table, timing each call.
//!
//! Knobs (environment variables):
//! - `MCPGEN_BENCH_SCHEMAS=musicbrainz,glpi`: which schemas;
//! - `MCPGEN_BENCH_RELEASE=0`: no release builds;
//! - `MCPGEN_BENCH_COLD=0`: keep the target directories of a previous run instead of timing
//!   cold builds (for quick reruns);
//! - `MCPGEN_BENCH_SOURCE=ddl|live`: which generated crate to build (default: live, else ddl);
//! - `MCPGEN_BENCH_DIR=DIR`: where crates and target directories go (default:
//!   `CARGO_TARGET_TMPDIR/big_schemas`);
//! - `MCPGEN_BENCH_CARGO_ARGS="ARGS"`: more arguments for every `cargo build` of a generated
//!   crate, `{crate}` standing for its name: to compare build settings with those of the
//!   template, e.g. the settings before the template set any:
//!   `--config profile.dev.debug=true --config profile.release.lto=false
//!   --config profile.release.package.{crate}.incremental=false`.
//!
//! A missing dataset or database server skips what needs it, with the reason printed.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark prints its table and its progress"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use common::databases::{Server, TempDatabase};
use serde_json::{Value, json};

/// One big schema.
struct BigSchema {
    label: &'static str,
    dataset: &'static str,
    server: Server,
    dialect: &'static str,
    /// Appended to the database's URL when serving it.
    serve_options: &'static str,
}

const SCHEMAS: &[BigSchema] = &[
    BigSchema {
        label: "musicbrainz",
        dataset: "big-schemas/musicbrainz-schema.sql.gz",
        server: Server::Postgres,
        dialect: "postgres",
        // MusicBrainz's functions find its types through the search path, as MusicBrainz's
        // own server sets it; without it, the view `editor_sanitized` fails.
        serve_options: "?options=-c%20search_path%3Dmusicbrainz%2Cpublic",
    },
    BigSchema {
        label: "glpi",
        dataset: "big-schemas/glpi-10.0.17-empty.sql.gz",
        server: Server::Mysql,
        dialect: "mysql",
        serve_options: "",
    },
];

/// What the knobs say.
struct Settings {
    mcpgen: PathBuf,
    cargo: String,
    work: PathBuf,
    release: bool,
    cold: bool,
    source: Option<String>,
    schemas: Option<Vec<String>>,
    cargo_args: Vec<String>,
}

impl Settings {
    /// `MCPGEN_BENCH_CARGO_ARGS`, with `{crate}` replaced by the crate's name (the name of the
    /// directory above the crate's).
    fn cargo_args_for(&self, manifest: &Path) -> Vec<String> {
        let name = manifest
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.cargo_args
            .iter()
            .map(|arg| arg.replace("{crate}", &name))
            .collect()
    }

    fn from_env() -> Self {
        let flag = |name: &str| std::env::var(name).map_or(true, |value| value != "0");
        Self {
            mcpgen: PathBuf::from(env!("CARGO_BIN_EXE_mcpgen")),
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
            work: std::env::var_os("MCPGEN_BENCH_DIR").map_or_else(
                || Path::new(env!("CARGO_TARGET_TMPDIR")).join("big_schemas"),
                PathBuf::from,
            ),
            release: flag("MCPGEN_BENCH_RELEASE"),
            cold: flag("MCPGEN_BENCH_COLD"),
            source: std::env::var("MCPGEN_BENCH_SOURCE").ok(),
            schemas: std::env::var("MCPGEN_BENCH_SCHEMAS")
                .ok()
                .map(|list| list.split(',').map(|s| s.trim().to_owned()).collect()),
            cargo_args: std::env::var("MCPGEN_BENCH_CARGO_ARGS")
                .map(|args| args.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

/// The table the benchmark prints, plus the details of what went wrong.
#[derive(Default)]
struct Report {
    rows: Vec<(String, String, String)>,
    problems: Vec<String>,
}

impl Report {
    fn row(&mut self, schema: &str, measurement: &str, value: impl Into<String>) {
        let value = value.into();
        eprintln!("    {schema}: {measurement}: {value}");
        self.rows
            .push((schema.to_owned(), measurement.to_owned(), value));
    }

    fn problem(&mut self, schema: &str, text: &str) {
        eprintln!("    {schema}: PROBLEM: {}", first_lines(text, 3));
        self.problems.push(format!("{schema}: {text}"));
    }

    fn print(&self) {
        let mut out = String::new();
        let _ = writeln!(out, "| schema | measurement | value |");
        let _ = writeln!(out, "|---|---|---|");
        for (schema, measurement, value) in &self.rows {
            let _ = writeln!(out, "| {schema} | {measurement} | {value} |");
        }
        if !self.problems.is_empty() {
            let _ = writeln!(out, "\nProblems:\n");
            for problem in &self.problems {
                let _ = writeln!(out, "- {problem}\n");
            }
        }
        print!("{out}");
    }
}

fn first_lines(text: &str, count: usize) -> String {
    text.lines().take(count).collect::<Vec<_>>().join(" / ")
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn ratio(part: Duration, whole: Duration) -> String {
    format!("{:.3}", part.as_secs_f64() / whole.as_secs_f64().max(1e-9))
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// The `p`th percentile of `values` (0 when there are none).
fn percentile(values: &mut [Duration], p: usize) -> Duration {
    values.sort_unstable();
    match values.len() {
        0 => Duration::ZERO,
        n => values[((n - 1) * p.min(100)) / 100],
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let settings = Settings::from_env();
    let mut report = Report::default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    eprintln!(
        "big_schemas: mcpgen {}, work directory {}, {cores} cores, load average {}",
        settings.mcpgen.display(),
        settings.work.display(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    for schema in SCHEMAS {
        if let Some(wanted) = &settings.schemas
            && !wanted.iter().any(|w| w == schema.label)
        {
            continue;
        }
        bench_schema(&settings, schema, &mut report);
    }
    println!(
        "\nbig_schemas ({cores} cores, load average at start {}; release builds {}, cold builds {})\n",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        if settings.release { "on" } else { "off" },
        if settings.cold { "on" } else { "off" },
    );
    report.print();
}

fn bench_schema(settings: &Settings, schema: &BigSchema, report: &mut Report) {
    let label = schema.label;
    eprintln!("== {label}");
    let Some(dataset) = common::shared_dataset(schema.dataset) else {
        report.row(label, "skipped", format!("{} is absent", schema.dataset));
        return;
    };
    let dir = settings.work.join(label);
    std::fs::create_dir_all(&dir).expect("the work directory");
    let sql = match common::gunzip(&dataset) {
        Ok(sql) => sql,
        Err(error) => {
            report.problem(
                label,
                &format!("cannot gunzip {}: {error}", dataset.display()),
            );
            return;
        }
    };
    let ddl_file = dir.join(format!("{label}.sql"));
    std::fs::write(&ddl_file, &sql).expect("the DDL file is written");

    // The live database.
    let database = TempDatabase::create(schema.server, &format!("bench_{label}"));
    let database = match database {
        Some(database) => {
            let started = Instant::now();
            match std::panic::catch_unwind(|| database.run(&sql)) {
                Ok(()) => {
                    report.row(
                        label,
                        "load dump into the database",
                        seconds(started.elapsed()),
                    );
                    Some(database)
                }
                Err(_) => {
                    report.problem(
                        label,
                        "the dump does not load (the client's error is above)",
                    );
                    None
                }
            }
        }
        None => {
            report.row(
                label,
                "live database",
                format!("skipped: {:?} does not answer", schema.server),
            );
            None
        }
    };

    // Generate from the DDL file and from the database.
    let ddl_crate = dir.join("ddl");
    let ddl_args = [
        "--schema".to_owned(),
        ddl_file.display().to_string(),
        "--dialect".to_owned(),
        schema.dialect.to_owned(),
    ];
    let ddl_ok = generate(settings, label, "DDL", &ddl_args, &ddl_crate, report);
    let live_crate = dir.join("live");
    let live_ok = database.as_ref().is_some_and(|database| {
        let args = ["--database-url".to_owned(), database.url()];
        generate(settings, label, "live database", &args, &live_crate, report)
    });
    if ddl_ok && live_ok {
        compare_trees(label, &ddl_crate, &live_crate, report);
    }
    let chosen = match settings.source.as_deref() {
        Some("ddl") => ddl_ok.then_some(("ddl", ddl_crate)),
        Some("live") => live_ok.then_some(("live", live_crate)),
        _ if live_ok => Some(("live", live_crate)),
        _ => ddl_ok.then_some(("ddl", ddl_crate)),
    };
    let Some((source, crate_dir)) = chosen else {
        report.row(label, "builds", "skipped: no crate generated");
        return;
    };
    report.row(
        label,
        "crate built",
        format!("from the {source} ({})", tree_summary(&crate_dir)),
    );

    let regenerate_args: Vec<String> = if source == "live" {
        vec![
            "--database-url".to_owned(),
            database.as_ref().map(TempDatabase::url).unwrap_or_default(),
        ]
    } else {
        ddl_args.to_vec()
    };
    let mut binary = None;
    let profiles: &[bool] = if settings.release {
        &[false, true]
    } else {
        &[false]
    };
    for &release in profiles {
        let built = build_profile(
            settings,
            label,
            &crate_dir,
            &regenerate_args,
            release,
            report,
        );
        if built.is_some() {
            binary = built;
        }
    }

    match (&binary, &database) {
        (Some(binary), Some(database)) => {
            let url = format!("{}{}", database.url(), schema.serve_options);
            serve_checks(label, binary, &url, report);
        }
        (None, _) => report.row(label, "tools/list", "skipped: no binary"),
        (_, None) => report.row(label, "tools/list", "skipped: no live database to serve"),
    }
}

/// `mcpgen generate ARGS --out DIR --force`, timed; whether it succeeded.
fn generate(
    settings: &Settings,
    label: &str,
    what: &str,
    args: &[String],
    out: &Path,
    report: &mut Report,
) -> bool {
    let started = Instant::now();
    let output = common::generate_command(&settings.mcpgen, args, out, label)
        .output()
        .expect("mcpgen runs");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        report.row(label, &format!("generate from the {what}"), "FAILED");
        report.problem(
            label,
            &format!("mcpgen generate from the {what} failed: {}", stderr.trim()),
        );
        return false;
    }
    let warnings = stderr.lines().filter(|l| l.contains("warning:")).count();
    report.row(
        label,
        &format!("generate from the {what} (introspect + render + write)"),
        format!(
            "{} ({warnings} warnings; {})",
            seconds(elapsed),
            tree_summary(out)
        ),
    );
    true
}

/// `N tables, M lines of Rust`.
fn tree_summary(dir: &Path) -> String {
    let files = rust_files(dir);
    let lines: usize = files.values().map(|text| text.lines().count()).sum();
    let tables = files
        .keys()
        .filter(|p| p.starts_with("src/tables/") && p.as_str() != "src/tables/mod.rs")
        .count();
    format!("{tables} table modules, {lines} lines of Rust")
}

/// Every file under `DIR/src`, by relative path.
fn rust_files(dir: &Path) -> BTreeMap<String, String> {
    common::files_under(dir, "src").expect("the generated crate reads")
}

/// Compares the two crates' `src/tables/` (`src/main.rs` names the source and the live
/// database's URL, and `tables/mod.rs` its name in the first line, by design).
fn compare_trees(label: &str, ddl: &Path, live: &Path, report: &mut Report) {
    let comparable = |files: BTreeMap<String, String>| -> BTreeMap<String, String> {
        files
            .into_iter()
            .filter(|(path, _)| path.starts_with("src/tables/"))
            .map(|(path, text)| {
                let text: Vec<&str> = text.lines().filter(|l| !l.starts_with("//!")).collect();
                (path, text.join("\n"))
            })
            .collect()
    };
    let (ddl, live) = (comparable(rust_files(ddl)), comparable(rust_files(live)));
    let mut differ: Vec<String> = Vec::new();
    for (path, text) in &ddl {
        match live.get(path) {
            Some(other) if other == text => {}
            Some(_) => differ.push(format!("{path} differs")),
            None => differ.push(format!("{path} only from the DDL")),
        }
    }
    differ.extend(
        live.keys()
            .filter(|path| !ddl.contains_key(*path))
            .map(|path| format!("{path} only from the live database")),
    );
    let value = if differ.is_empty() {
        format!("identical ({} files)", ddl.len())
    } else {
        format!(
            "{} of {} files differ: {}",
            differ.len(),
            ddl.len().max(live.len()),
            differ
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    report.row(label, "live vs DDL src/tables/", value);
}

/// The outcome of one `cargo build`.
struct Build {
    elapsed: Duration,
    /// The CPU time of cargo and the compilers it ran, when the system tells.
    cpu: Option<Duration>,
    warnings: usize,
}

impl Build {
    /// `71.1 s (CPU 98.0 s, 0 warnings)`.
    fn describe(&self) -> String {
        let cpu = self
            .cpu
            .map(|cpu| format!("CPU {}, ", seconds(cpu)))
            .unwrap_or_default();
        format!(
            "{} ({cpu}{} warnings)",
            seconds(self.elapsed),
            self.warnings
        )
    }
}

/// The CPU time (user + system) of this process's waited-for children, from `/proc/self/stat`
/// (Linux; in clock ticks of 1/100 s).
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, fields) = stat.rsplit_once(") ")?;
    let fields: Vec<&str> = fields.split_whitespace().collect();
    // Fields 16 and 17 of the file (cutime, cstime); `fields` starts at field 3.
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn cargo_build(
    settings: &Settings,
    manifest: &Path,
    target: &Path,
    release: bool,
) -> Result<Build, String> {
    let mut command = Command::new(&settings.cargo);
    command
        .arg("build")
        .args(settings.cargo_args_for(manifest))
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null());
    if release {
        command.arg("--release");
    }
    let started = Instant::now();
    let cpu_before = children_cpu();
    let output = command
        .output()
        .map_err(|error| format!("cargo: {error}"))?;
    let elapsed = started.elapsed();
    let cpu = children_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        let errors: Vec<&str> = stderr
            .lines()
            .skip_while(|line| !line.starts_with("error"))
            .take(60)
            .collect();
        return Err(errors.join("\n"));
    }
    let warnings = stderr
        .lines()
        .filter(|line| line.starts_with("warning"))
        .count();
    Ok(Build {
        elapsed,
        cpu,
        warnings,
    })
}

fn cargo_clean_package(
    settings: &Settings,
    manifest: &Path,
    target: &Path,
    release: bool,
    package: &str,
) {
    let mut command = Command::new(&settings.cargo);
    command
        .args(["clean", "--quiet", "-p", package, "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null());
    if release {
        command.arg("--release");
    }
    let _ = command.status();
}

/// The builds of one profile; the binary when it built.
fn build_profile(
    settings: &Settings,
    label: &str,
    crate_dir: &Path,
    regenerate_args: &[String],
    release: bool,
    report: &mut Report,
) -> Option<PathBuf> {
    let profile = if release { "release" } else { "debug" };
    let manifest = crate_dir.join("Cargo.toml");
    let target = settings.work.join(format!("{label}-target-{profile}"));
    let fail = |report: &mut Report, what: &str, error: &str| {
        report.row(label, &format!("{profile}: {what}"), "FAILED");
        report.problem(
            label,
            &format!("{profile} {what} failed:\n```\n{error}\n```"),
        );
    };

    // Cold: an empty target directory.
    let cold = if settings.cold {
        let _ = std::fs::remove_dir_all(&target);
        match cargo_build(settings, &manifest, &target, release) {
            Ok(build) => {
                report.row(
                    label,
                    &format!("{profile}: cold build (empty target dir)"),
                    build.describe(),
                );
                Some(build.elapsed)
            }
            Err(error) => {
                fail(report, "cold build", &error);
                return None;
            }
        }
    } else {
        if let Err(error) = cargo_build(settings, &manifest, &target, release) {
            fail(report, "build", &error);
            return None;
        }
        None
    };

    // Warm dependencies: only the generated crate is built.
    cargo_clean_package(settings, &manifest, &target, release, label);
    let warm = match cargo_build(settings, &manifest, &target, release) {
        Ok(build) => {
            report.row(
                label,
                &format!("{profile}: warm-deps build (only the crate)"),
                build.describe(),
            );
            build.elapsed
        }
        Err(error) => {
            fail(report, "warm-deps build", &error);
            return None;
        }
    };

    // Regenerated unchanged: every file rewritten with the same contents.
    let regenerated = common::generate_command(&settings.mcpgen, regenerate_args, crate_dir, label)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if regenerated {
        match cargo_build(settings, &manifest, &target, release) {
            Ok(build) => report.row(
                label,
                &format!("{profile}: rebuild after regenerating unchanged"),
                build.describe(),
            ),
            Err(error) => fail(report, "rebuild after regenerating", &error),
        }
    }

    // One table changed: a doc line added to the biggest table's struct.
    let (module, original) = edit_one_table(crate_dir);
    let incremental = match cargo_build(settings, &manifest, &target, release) {
        Ok(build) => {
            report.row(
                label,
                &format!("{profile}: rebuild after one table changed ({module})"),
                build.describe(),
            );
            Some(build.elapsed)
        }
        Err(error) => {
            fail(report, &format!("rebuild after editing {module}"), &error);
            None
        }
    };
    let _ = std::fs::write(crate_dir.join("src/tables").join(&module), original);

    let binary = target.join(profile).join(label);
    let size = std::fs::metadata(&binary).map_or(0, |m| m.len());
    report.row(label, &format!("{profile}: binary size"), mebibytes(size));
    if let Some(incremental) = incremental {
        report.row(
            label,
            &format!("{profile}: ratio one-table rebuild / warm-deps build"),
            ratio(incremental, warm),
        );
        if let Some(cold) = cold {
            report.row(
                label,
                &format!("{profile}: ratio one-table rebuild / cold build"),
                ratio(incremental, cold),
            );
        }
    }
    if let Some(cold) = cold {
        report.row(
            label,
            &format!("{profile}: ratio warm-deps / cold build (the crate's share)"),
            ratio(warm, cold),
        );
    }
    Some(binary)
}

/// Adds a doc line (a new table description) to the struct of the largest table module; the
/// module's file name and its text before the edit.
fn edit_one_table(crate_dir: &Path) -> (String, String) {
    let tables = crate_dir.join("src/tables");
    let mut largest: Option<(u64, PathBuf)> = None;
    for entry in std::fs::read_dir(&tables).expect("src/tables").flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        let size = entry.metadata().map_or(0, |m| m.len());
        if largest.as_ref().is_none_or(|(best, _)| size > *best) {
            largest = Some((size, path));
        }
    }
    let (_, path) = largest.expect("a table module");
    let original = std::fs::read_to_string(&path).expect("the module reads");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let edited = original.replacen(
        "#[derive(",
        &format!("/// Edited by the benchmark at {stamp}.\n#[derive("),
        1,
    );
    std::fs::write(&path, &edited).expect("the module is written");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name, original)
}

/// A server over stdio, one JSON-RPC message per line.
struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: u64,
    /// Bytes of the responses received, newline excluded.
    bytes: usize,
}

const TIMEOUT: Duration = Duration::from_secs(60);

impl Session {
    /// `binary serve` over stdio with `profile`'s tools (and `extra` arguments), initialized.
    fn start(binary: &Path, url: &str, profile: &str, extra: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .args(["serve", "--transport", "stdio", "--database-url", url])
            .args(["--tools", profile])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("{} does not start: {error}", binary.display()))?;
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut session = Self {
            child,
            stdin,
            lines,
            next_id: 1,
            bytes: 0,
        };
        session.request(
            "initialize",
            &json!({
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "mcpgen-bench", "version": "0"}
            }),
        )?;
        session.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))?;
        session.bytes = 0;
        Ok(session)
    }

    fn send(&mut self, message: &Value) -> Result<(), String> {
        writeln!(self.stdin, "{message}")
            .and_then(|()| self.stdin.flush())
            .map_err(|error| format!("cannot write to the server: {error}"))
    }

    /// The response to one request: `Ok(result)` or `Err(error message)`.
    fn request(&mut self, method: &str, params: &Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        loop {
            let line = match self.lines.recv_timeout(TIMEOUT) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!("no answer to {method} in {TIMEOUT:?}"));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!("the server exited during {method}"));
                }
            };
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                return Err(format!("not JSON on stdout: {line}"));
            };
            if message["id"] != json!(id) {
                continue;
            }
            self.bytes += line.len();
            if let Some(error) = message.get("error") {
                return Err(error.to_string());
            }
            return Ok(message["result"].clone());
        }
    }

    /// Every page of `tools/list`, following `nextCursor`; and the cursors that led to each.
    fn list_all(&mut self) -> Result<(Vec<Value>, Vec<Option<String>>), String> {
        let mut pages = Vec::new();
        let mut cursors = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                Some(cursor) => json!({"cursor": cursor}),
                None => json!({}),
            };
            let page = self.request("tools/list", &params)?;
            cursors.push(cursor.clone());
            cursor = page["nextCursor"].as_str().map(str::to_owned);
            pages.push(page);
            if cursor.is_none() {
                return Ok((pages, cursors));
            }
            if pages.len() > 10_000 {
                return Err("more than 10000 pages: the cursor does not advance".to_owned());
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_checks(label: &str, binary: &Path, url: &str, report: &mut Report) {
    if let Err(error) = serve_checks_inner(label, binary, url, report) {
        report.row(label, "tools/list", "FAILED");
        report.problem(label, &format!("serving {}: {error}", binary.display()));
    }
    if let Err(error) = profile_sizes(label, binary, url, report) {
        report.row(label, "tools/list bytes per profile", "FAILED");
        report.problem(label, &format!("listing each profile's tools: {error}"));
    }
}

/// The size of `tools/list` (the tools as minified JSON) under each profile, read-only and
/// with writes, as ratios of typed's.
fn profile_sizes(label: &str, binary: &Path, url: &str, report: &mut Report) -> Result<(), String> {
    for (writes, extra) in [
        ("read-only", &[][..]),
        ("with writes", &["--allow-writes"][..]),
    ] {
        let mut sizes = Vec::new();
        for profile in ["typed", "compact"] {
            let mut session = Session::start(binary, url, profile, extra)?;
            let (pages, _) = session.list_all()?;
            let tools: Vec<&Value> = pages
                .iter()
                .flat_map(|page| page["tools"].as_array().into_iter().flatten())
                .collect();
            let bytes = serde_json::to_string(&tools).map_or(0, |text| text.len());
            sizes.push((profile, tools.len(), bytes));
        }
        let typed = sizes[0].2.max(1) as f64;
        let cells: Vec<String> = sizes
            .iter()
            .map(|(profile, tools, bytes)| {
                format!(
                    "{profile} {bytes} bytes ({tools} tools, {:.4}x)",
                    *bytes as f64 / typed
                )
            })
            .collect();
        report.row(
            label,
            &format!("tools/list bytes per profile, {writes}"),
            cells.join("; "),
        );
    }
    Ok(())
}

fn serve_checks_inner(
    label: &str,
    binary: &Path,
    url: &str,
    report: &mut Report,
) -> Result<(), String> {
    let started = Instant::now();
    let mut session = Session::start(binary, url, "typed", &[])?;
    report.row(
        label,
        "serve: start + initialize",
        format!("{:.0} ms", started.elapsed().as_secs_f64() * 1000.0),
    );

    let started = Instant::now();
    let (pages, cursors) = session.list_all()?;
    let list_time = started.elapsed();
    let bytes = session.bytes;
    let tools: Vec<&Value> = pages
        .iter()
        .flat_map(|page| page["tools"].as_array().into_iter().flatten())
        .collect();
    let names: Vec<&str> = tools
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    let largest_page = pages
        .iter()
        .map(|p| p["tools"].as_array().map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    let largest_tool = tools.iter().map(|t| t.to_string().len()).max().unwrap_or(0);
    report.row(
        label,
        "tools/list: tools, pages, bytes",
        format!(
            "{} tools in {} pages (at most {largest_page} per page), {} bytes ({}; largest tool {} bytes), {:.0} ms",
            tools.len(),
            pages.len(),
            bytes,
            mebibytes(bytes as u64),
            largest_tool,
            list_time.as_secs_f64() * 1000.0
        ),
    );

    // Names: unique and well-formed.
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    let bad: Vec<&&str> = names
        .iter()
        .filter(|n| {
            n.is_empty()
                || n.len() > 64
                || !n
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .collect();
    if unique.len() != names.len() || !bad.is_empty() || names.len() != tools.len() {
        report.problem(
            label,
            &format!(
                "tool names: {} tools, {} unique names, malformed: {bad:?}",
                tools.len(),
                unique.len()
            ),
        );
    }

    // Every cursor works on its own (asked again, last page first), and gives the same page.
    let mut stable = true;
    for (index, cursor) in cursors.iter().enumerate().rev() {
        let params = match cursor {
            Some(cursor) => json!({"cursor": cursor}),
            None => json!({}),
        };
        let page = session.request("tools/list", &params)?;
        if page != pages[index] {
            stable = false;
            report.problem(
                label,
                &format!("tools/list page {index} differs when asked again with its cursor"),
            );
        }
    }
    // Listing again from the start, and after a restart, gives identical pages.
    let (again, _) = session.list_all()?;
    let bad_cursor = session.request("tools/list", &json!({"cursor": "bm90IGEgY3Vyc29y"}));
    drop(session);
    let mut restarted = Session::start(binary, url, "typed", &[])?;
    let (after_restart, _) = restarted.list_all()?;
    if again != pages || after_restart != pages {
        stable = false;
        report.problem(
            label,
            "tools/list pages differ between two listings or after a restart",
        );
    }
    report.row(
        label,
        "tools/list: cursors",
        format!(
            "{}; a made-up cursor {}",
            if stable {
                "stable: each page's cursor, re-listing and a restart give identical pages"
            } else {
                "NOT STABLE"
            },
            if bad_cursor.is_err() {
                "is refused"
            } else {
                "is ACCEPTED"
            }
        ),
    );

    // count_T and list_T on every table.
    let started = Instant::now();
    let mut calls = 0;
    let mut failures = Vec::new();
    let mut times = Vec::new();
    for name in &names {
        let arguments = if name.starts_with("count_") {
            json!({})
        } else if name.starts_with("list_") && *name != "list_tables" {
            json!({"limit": 1})
        } else {
            continue;
        };
        calls += 1;
        let call_started = Instant::now();
        let outcome =
            restarted.request("tools/call", &json!({"name": name, "arguments": arguments}));
        times.push(call_started.elapsed());
        match outcome {
            Ok(result) if result["isError"] == json!(true) => {
                let text = result["content"][0]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                failures.push(format!("{name}: {text}"));
            }
            Ok(_) => {}
            Err(error) => failures.push(format!("{name}: JSON-RPC error {error}")),
        }
    }
    report.row(
        label,
        "tools/call count_T + list_T on every table",
        format!(
            "{calls} calls, {} failed, {:.1} s (per call: median {}, slowest {})",
            failures.len(),
            started.elapsed().as_secs_f64(),
            milliseconds(percentile(&mut times, 50)),
            milliseconds(percentile(&mut times, 100)),
        ),
    );
    if !failures.is_empty() {
        report.problem(
            label,
            &format!(
                "{} of {calls} calls failed, e.g.:\n{}",
                failures.len(),
                failures
                    .iter()
                    .take(10)
                    .map(|f| format!("  - {f}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        );
    }
    Ok(())
}

//! The `mcpgen` command line: `generate` writes a server crate, `inspect` prints the schema
//! model. The only code of mcpgen that touches the disk.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use mcpgen::introspect::{self, Source};
use mcpgen::lockfile::{self, MCPGEN_LOCK};
use mcpgen::model::{
    Dialect, ParameterMode, Returns, Routine, RoutineKind, Schema, TableKind, Warning,
};
use mcpgen::output::{self, Action, MANIFEST, Manifest};
use mcpgen::render::{self, RenderOptions, RuntimeDependency};
use mcpgen::select::Selection;
use mcpgen::{servable, typemap};

/// Turn a database into a typed MCP server.
#[derive(Parser)]
#[command(name = "mcpgen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a Rust crate that serves the database's tables as MCP tools.
    Generate(GenerateArgs),
    /// Print the schema model that generate would use.
    Inspect(InspectArgs),
}

#[derive(Args)]
struct SourceArgs {
    /// A live database: sqlite://PATH (also sqlite:PATH).
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "schema",
        conflicts_with = "schema"
    )]
    database_url: Option<String>,
    /// A SQL DDL file, read with --dialect.
    #[arg(long, value_name = "FILE", requires = "dialect")]
    schema: Option<PathBuf>,
    /// The SQL dialect of --schema: postgres, mysql or sqlite.
    #[arg(long, value_name = "D", requires = "schema")]
    dialect: Option<Dialect>,
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The directory to write the crate to.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The crate's name [default: from the database's name].
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// Serve only tables and routines matching this glob, on `schema.name` or `name`
    /// (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Serve no table or routine matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Generate no write tools.
    #[arg(long)]
    read_only: bool,
    /// Write into DIR when it is not empty: replace the files an earlier run wrote there; files
    /// edited since are kept, their new version written beside them as FILE.mcpgen-new.
    #[arg(long)]
    force: bool,
    /// How the crate depends on mcpgen-runtime: a path to a checkout of mcpgen (or its
    /// runtime/), a git URL (`https://...[?tag=T|?branch=B|?rev=R]`), or a version from a
    /// registry [default: the runtime of this mcpgen's checkout, by path].
    #[arg(long, value_name = "SPEC")]
    runtime: Option<String>,
}

#[derive(Args)]
struct InspectArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Print the model as JSON on stdout.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Generate(args) => run(generate(args)),
        Command::Inspect(args) => run(inspect(args)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut message = error.to_string();
            for cause in error.chain().skip(1) {
                message.push_str(&format!(": {cause}"));
            }
            status::error(&message);
            ExitCode::FAILURE
        }
    }
}

fn run(task: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(task)
}

impl SourceArgs {
    fn source(&self) -> anyhow::Result<Source> {
        match (&self.database_url, &self.schema, self.dialect) {
            (Some(url), _, _) => Ok(Source::Database { url: url.clone() }),
            (None, Some(path), Some(dialect)) => Ok(Source::Ddl {
                path: path.clone(),
                dialect,
            }),
            _ => bail!("give --database-url URL, or --schema FILE with --dialect D"),
        }
    }
}

/// Reads the schema, printing progress and warnings.
async fn read_schema(source: &Source) -> anyhow::Result<Schema> {
    let what = match source {
        Source::Database { url } => mcpgen_rules::url::redact(url),
        Source::Ddl { path, dialect } => format!("{} ({})", path.display(), dialect.name()),
    };
    status::step("Reading", &what);
    let (schema, warnings) = introspect::introspect(source).await?;
    for warning in warnings.iter().chain(&fallback_warnings(&schema)) {
        status::warning(&warning.to_string());
    }
    Ok(schema)
}

/// One warning per column whose type has no exact mapping.
fn fallback_warnings(schema: &Schema) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for table in &schema.tables {
        for column in &table.columns {
            if typemap::falls_back_to_text(schema.dialect, &column.data_type) {
                warnings.push(Warning::new(
                    format!("{}.{}", table.qualified_name(), column.name),
                    format!(
                        "type {} has no exact mapping; served as text",
                        column.sql_type
                    ),
                ));
            }
        }
    }
    warnings
}

async fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let schema = read_schema(&args.source.source()?).await?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &schema).context("cannot write the model")?;
        writeln_stdout(&mut stdout, "")?;
        return Ok(());
    }
    for table in &schema.tables {
        let kind = match table.kind {
            TableKind::Table => "table",
            TableKind::View => "view",
        };
        writeln_stdout(
            &mut stdout,
            &format!(
                "{kind} {} ({} columns)",
                table.qualified_name(),
                table.columns.len()
            ),
        )?;
        for column in &table.columns {
            let key = table
                .primary_key
                .as_ref()
                .is_some_and(|k| k.columns.contains(&column.name));
            writeln_stdout(
                &mut stdout,
                &format!(
                    "    {:<30} {:<20} {}{}",
                    column.name,
                    if column.sql_type.is_empty() {
                        "-"
                    } else {
                        &column.sql_type
                    },
                    if column.nullable { "null" } else { "not null" },
                    if key { ", primary key" } else { "" },
                ),
            )?;
        }
        for key in &table.foreign_keys {
            writeln_stdout(
                &mut stdout,
                &format!(
                    "    foreign key ({}) -> {}({})",
                    key.columns.join(", "),
                    key.referenced_table,
                    key.referenced_columns.join(", ")
                ),
            )?;
        }
    }
    for routine in &schema.routines {
        writeln_stdout(&mut stdout, &describe_routine(routine))?;
        for (position, parameter) in routine.parameters.iter().enumerate() {
            let name = parameter
                .name
                .clone()
                .unwrap_or_else(|| format!("${}", position + 1));
            let mode = match parameter.mode {
                ParameterMode::In if parameter.has_default => "in, has a default",
                ParameterMode::In => "in",
                ParameterMode::InOut => "inout",
                ParameterMode::Out => "out",
                ParameterMode::Variadic => "variadic",
            };
            writeln_stdout(
                &mut stdout,
                &format!("    {name:<30} {:<20} {mode}", parameter.sql_type),
            )?;
        }
    }
    Ok(())
}

/// `function schema.name(types) returns ..., only reads`: one line of `inspect`.
fn describe_routine(routine: &Routine) -> String {
    let kind = match routine.kind {
        RoutineKind::Function => "function",
        RoutineKind::Procedure => "procedure",
    };
    let name = routine.qualified_name();
    let returns = match &routine.returns {
        Returns::Nothing => "returns nothing".to_owned(),
        Returns::Value { sql_type, .. } => format!("returns {sql_type}"),
        Returns::Rows { columns } => format!(
            "returns rows ({})",
            columns
                .iter()
                .map(|column| format!("{} {}", column.name, column.sql_type))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Returns::Out => "returns its OUT parameters".to_owned(),
        Returns::ResultSets => "returns result sets and its OUT parameters".to_owned(),
    };
    let access = if routine.read_only {
        "only reads"
    } else {
        "may write"
    };
    format!("{kind} {name}({}) {returns}, {access}", routine.signature)
}

fn writeln_stdout(out: &mut impl std::io::Write, line: &str) -> anyhow::Result<()> {
    writeln!(out, "{line}").context("cannot write to stdout")
}

async fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let source = args.source.source()?;
    check_out_dir(&args.out, args.force)?;
    let runtime = runtime_dependency(args.runtime.as_deref())?;
    let selection = Selection::new(&args.include, &args.exclude)?;
    let mut schema = read_schema(&source).await?;
    let dropped = selection.apply(&mut schema);
    if schema.tables.is_empty() {
        bail!("no table or view to serve (--include/--exclude left none out of {dropped})");
    }
    for warning in servable::fit(&mut schema) {
        status::warning(&warning.to_string());
    }
    if schema.tables.is_empty() {
        bail!("no table or view left to serve");
    }
    let crate_name = match &args.name {
        Some(name) => check_crate_name(name)?,
        None => default_crate_name(schema.database.as_deref()),
    };
    let (database_url, described_source) = match &source {
        Source::Database { url } => {
            let url = absolute_sqlite_url(url)?;
            let url = match mcpgen_rules::url::without_password(&url) {
                Some(stripped) => {
                    status::note(
                        "the generated crate keeps the URL without its password: give the password to the server in DATABASE_URL or --database-url",
                    );
                    stripped
                }
                None => url,
            };
            (Some(url.clone()), format!("`{url}`"))
        }
        Source::Ddl { path, .. } => (None, format!("`{}`", file_name(path))),
    };
    let out_dir = absolute(&args.out)?;
    let options = RenderOptions {
        crate_name: crate_name.clone(),
        runtime,
        read_only: args.read_only,
        database_url,
        source: described_source,
        out_dir: out_dir.clone(),
        lockfile: Some(MCPGEN_LOCK.to_owned()),
    };
    let files = render::render(&schema, &options)?;
    write_crate(&out_dir, &files)?;
    let views = schema
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::View)
        .count();
    let routines = schema
        .routines
        .iter()
        .filter(|routine| options.serves(routine))
        .count();
    let left_out = schema.routines.len() - routines;
    if left_out > 0 {
        status::note(&format!(
            "--read-only: left out {left_out} routine{} that may write",
            if left_out == 1 { "" } else { "s" }
        ));
    }
    status::step(
        "Generated",
        &format!(
            "crate `{crate_name}` ({} tables, {views} views, {routines} routines) in {} [{:.2}s]",
            schema.tables.len() - views,
            args.out.display(),
            started.elapsed().as_secs_f64()
        ),
    );
    status::note(&format!(
        "build it with `cargo build --release --locked --manifest-path {}`",
        args.out.join("Cargo.toml").display()
    ));
    Ok(())
}

/// Refuses a non-empty output directory without --force.
fn check_out_dir(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.is_file() {
        bail!("{} is a file; --out takes a directory", out.display());
    }
    let non_empty = out
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some());
    if non_empty && !force {
        if out.join(MANIFEST).is_file() {
            bail!(
                "{} holds a crate mcpgen generated; pass --force to regenerate it (files you edited since are kept, their new version written beside them as FILE{})",
                out.display(),
                output::NEW_SUFFIX
            );
        }
        bail!(
            "{} is not empty; pass --force to write the crate there (it replaces the files mcpgen writes and leaves the others alone)",
            out.display()
        );
    }
    Ok(())
}

/// Writes the crate by the rules of [`output`]: files edited since the last run are kept,
/// modules of dropped tables removed. Then trims `Cargo.lock` and writes the manifest.
fn write_crate(out: &Path, files: &[render::OutputFile]) -> anyhow::Result<()> {
    let manifest_path = out.join(MANIFEST);
    let previous = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => Some(Manifest::parse(&text).with_context(|| {
            format!(
                "cannot read {} (mcpgen's record of the files it wrote); repair it or delete it to overwrite every file",
                manifest_path.display()
            )
        })?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", manifest_path.display()));
        }
    };
    let on_disk = |path: &str| std::fs::read_to_string(out.join(path)).ok();
    let plan = output::plan(files, previous.as_ref(), &on_disk);
    for action in &plan.actions {
        match action {
            // An unchanged file keeps its modification time: cargo does not rebuild for it.
            Action::Write { path, contents } if on_disk(path).as_ref() != Some(contents) => {
                write_file(&out.join(path), contents)?;
            }
            Action::Write { .. } => {}
            Action::KeepEdited {
                path,
                new_path,
                contents,
            } => {
                write_file(&out.join(new_path), contents)?;
                status::warning(&format!(
                    "kept {path}: it changed since mcpgen wrote it; the new version is {new_path}, to merge by hand"
                ));
            }
            Action::Remove { path } | Action::RemoveStale { path } => {
                let path = out.join(path);
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
            Action::KeepOrphan { path } => status::warning(&format!(
                "kept {path}: mcpgen no longer generates it, but it changed since mcpgen wrote it"
            )),
        }
    }
    if !plan.kept().is_empty() {
        status::note(&format!(
            "compare with `diff -u FILE FILE{}`; once merged (or to take the new version), move FILE{} over FILE",
            output::NEW_SUFFIX,
            output::NEW_SUFFIX
        ));
    }
    trim_lock_file(out)?;
    write_file(&manifest_path, &plan.manifest.to_text())
}

fn write_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// Trims the crate's `Cargo.lock` (mcpgen's own, as written) to the packages the crate
/// resolves, with cargo, offline; without cargo, to what the runtime reaches. See
/// [`lockfile`].
fn trim_lock_file(out: &Path) -> anyhow::Result<()> {
    let lock_path = out.join("Cargo.lock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let result = std::process::Command::new(&cargo)
        .args([
            "update",
            "--workspace",
            "--offline",
            "--quiet",
            "--manifest-path",
        ])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TERM_COLOR", "never")
        .stdin(std::process::Stdio::null())
        .output();
    let failure = match result {
        Ok(done) if done.status.success() => {
            let trimmed = std::fs::read_to_string(&lock_path)
                .with_context(|| format!("cannot read {}", lock_path.display()))?;
            if let Err(reason) = lockfile::check_subset(&trimmed, MCPGEN_LOCK) {
                status::warning(&format!(
                    "Cargo.lock: {reason}; the runtime needs packages mcpgen's lock file does not have, and cargo took them from what is downloaded"
                ));
            }
            return Ok(());
        }
        Ok(done) => {
            let stderr = String::from_utf8_lossy(&done.stderr);
            let reason = stderr
                .lines()
                .find(|line| line.starts_with("error"))
                .unwrap_or("it failed")
                .trim_start_matches("error: ")
                .to_owned();
            format!("`cargo update --offline` could not trim it ({reason})")
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            format!("{} is not installed", cargo.to_string_lossy())
        }
        Err(error) => format!("cannot run {}: {error}", cargo.to_string_lossy()),
    };
    let reached = lockfile::reachable(MCPGEN_LOCK, &["mcpgen-runtime"])?;
    write_file(&lock_path, &reached)?;
    status::note(&format!(
        "Cargo.lock holds the runtime's packages for every database, at the versions mcpgen was tested with: {failure}; cargo drops the ones the crate does not use at its first build"
    ));
    Ok(())
}

/// --runtime: a git URL (`scheme://...`, optionally `git+` before it and `?tag=`,
/// `?branch=` or `?rev=` after it), a path (an existing directory, or anything with a path
/// separator), or a version.
fn runtime_dependency(spec: Option<&str>) -> anyhow::Result<RuntimeDependency> {
    let Some(spec) = spec else {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        return match bundled.canonicalize() {
            Ok(path) => Ok(RuntimeDependency::Path(path)),
            Err(_) => bail!(
                "the runtime this mcpgen was built with is gone from {}; pass --runtime PATH (a checkout of mcpgen) or --runtime GIT-URL",
                bundled.display()
            ),
        };
    };
    let url = spec.strip_prefix("git+").unwrap_or(spec);
    if let Some((scheme, _)) = url.split_once("://")
        && ["https", "http", "ssh", "git", "file"].contains(&scheme)
    {
        return git_runtime(spec, url);
    }
    if Path::new(spec).is_dir() || spec.contains(['/', '\\']) {
        return Ok(RuntimeDependency::Path(runtime_path(spec)?));
    }
    if !spec.starts_with(|c: char| c.is_ascii_digit() || "=^~<>*".contains(c)) {
        bail!(
            "--runtime {spec}: not a directory, a git URL (https://..., ssh://..., file://...) or a version"
        );
    }
    status::warning(&format!(
        "mcpgen-runtime is not published on crates.io: the crate builds with `version = \"{spec}\"` only from a registry you configure, or with a [patch] to a checkout; --runtime PATH or --runtime GIT-URL build as they are"
    ));
    Ok(RuntimeDependency::Version(spec.to_owned()))
}

fn git_runtime(spec: &str, url: &str) -> anyhow::Result<RuntimeDependency> {
    let (url, reference) = match url.split_once('?') {
        None => (url, None),
        Some((url, query)) => {
            let (kind, value) = query.split_once('=').unwrap_or((query, ""));
            if !["tag", "branch", "rev"].contains(&kind) || value.is_empty() {
                bail!(
                    "--runtime {spec}: after `?` give one of tag=TAG, branch=BRANCH or rev=COMMIT"
                );
            }
            (url, Some((kind.to_owned(), value.to_owned())))
        }
    };
    Ok(RuntimeDependency::Git {
        url: url.to_owned(),
        reference,
    })
}

/// The runtime package at `spec`: its directory, or the `runtime/` of a checkout of mcpgen.
fn runtime_path(spec: &str) -> anyhow::Result<PathBuf> {
    let path = absolute(Path::new(spec))?;
    let is_runtime = |dir: &Path| {
        std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|text| {
            text.parse::<toml::Table>().is_ok_and(|manifest| {
                manifest
                    .get("package")
                    .and_then(|package| package.get("name"))
                    .and_then(|name| name.as_str())
                    == Some("mcpgen-runtime")
            })
        })
    };
    for candidate in [path.clone(), path.join("runtime")] {
        if is_runtime(&candidate) {
            return candidate
                .canonicalize()
                .with_context(|| format!("cannot resolve {}", candidate.display()));
        }
    }
    bail!(
        "--runtime {spec}: no mcpgen-runtime package in {} (give a checkout of mcpgen, or its runtime/ directory)",
        path.display()
    )
}

/// A crate name from the database's name: lowercase, `_` between words.
fn default_crate_name(database: Option<&str>) -> String {
    let base = mcpgen_rules::naming::snake_case(database.unwrap_or("mcp_server"));
    let base = base.trim_matches('_');
    if base.is_empty() {
        "mcp_server".to_owned()
    } else if base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("mcp_{base}")
    } else {
        base.to_owned()
    }
}

fn check_crate_name(name: &str) -> anyhow::Result<String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        bail!(
            "invalid crate name {name:?}: use letters, digits, `_` and `-`, starting with a letter"
        );
    }
    Ok(name.to_owned())
}

/// A SQLite URL with an absolute path, so the binary finds the file from any directory.
fn absolute_sqlite_url(url: &str) -> anyhow::Result<String> {
    if !url.starts_with("sqlite:") {
        return Ok(url.to_owned());
    }
    let path = introspect::sqlite::database_path(url);
    let query = url
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    let absolute = Path::new(path)
        .canonicalize()
        .with_context(|| format!("cannot find {path}"))?;
    Ok(format!("sqlite://{}{query}", absolute.display()))
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Status lines on stderr in cargo's style: a right-aligned verb, green when on a terminal.
mod status {
    use std::io::IsTerminal as _;

    fn color() -> bool {
        std::io::stderr().is_terminal()
    }

    #[allow(clippy::print_stderr, reason = "status lines of a command-line tool")]
    fn line(text: &str) {
        eprintln!("{text}");
    }

    pub(super) fn step(verb: &str, what: &str) {
        if color() {
            line(&format!("\x1b[1;32m{verb:>12}\x1b[0m {what}"));
        } else {
            line(&format!("{verb:>12} {what}"));
        }
    }

    pub(super) fn warning(message: &str) {
        if color() {
            line(&format!("\x1b[1;33mwarning\x1b[0m: {message}"));
        } else {
            line(&format!("warning: {message}"));
        }
    }

    pub(super) fn note(message: &str) {
        if color() {
            line(&format!("\x1b[1;36mnote\x1b[0m: {message}"));
        } else {
            line(&format!("note: {message}"));
        }
    }

    pub(super) fn error(message: &str) {
        if color() {
            line(&format!("\x1b[1;31merror\x1b[0m: {message}"));
        } else {
            line(&format!("error: {message}"));
        }
    }
}

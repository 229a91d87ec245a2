//! The `mcpgen` command line: `generate` writes a server crate, `inspect` prints the schema
//! model. The only code of mcpgen that touches the disk.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use mcpgen::introspect::{self, Source};
use mcpgen::model::{Dialect, Schema, TableKind, Warning};
use mcpgen::render::{self, RenderOptions, RuntimeDependency};
use mcpgen::select::Selection;
use mcpgen::typemap;

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
    /// Serve only tables matching this glob, on `schema.table` or `table` (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Serve no table matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Generate no write tools.
    #[arg(long)]
    read_only: bool,
    /// Overwrite DIR when it is not empty.
    #[arg(long)]
    force: bool,
    /// How the crate depends on mcpgen-runtime: a path, or a version [default: this mcpgen's
    /// runtime, by path].
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
    Ok(())
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
        lockfile: Some(include_str!("../../Cargo.lock").to_owned()),
    };
    let files = render::render(&schema, &options)?;
    write_files(&out_dir, &files, args.force)?;
    let views = schema
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::View)
        .count();
    status::step(
        "Generated",
        &format!(
            "crate `{crate_name}` ({} tables, {views} views) in {} [{:.2}s]",
            schema.tables.len() - views,
            args.out.display(),
            started.elapsed().as_secs_f64()
        ),
    );
    status::note(&format!(
        "build it with `cargo build --release --manifest-path {}`",
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
        bail!(
            "{} is not empty; pass --force to overwrite the files mcpgen writes there",
            out.display()
        );
    }
    Ok(())
}

/// Writes the crate; with --force, first removes the `src/tables` a previous run wrote, so
/// that tables no longer in the schema do not linger.
fn write_files(out: &Path, files: &[render::OutputFile], force: bool) -> anyhow::Result<()> {
    let tables = out.join("src").join("tables");
    if force && tables.is_dir() {
        std::fs::remove_dir_all(&tables)
            .with_context(|| format!("cannot clear {}", tables.display()))?;
    }
    for file in files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// --runtime: a path (an existing directory, or anything with a path separator) or a version.
fn runtime_dependency(spec: Option<&str>) -> anyhow::Result<RuntimeDependency> {
    match spec {
        Some(spec) if Path::new(spec).is_dir() || spec.contains(['/', '\\']) => {
            let path = absolute(Path::new(spec))?;
            if !path.join("Cargo.toml").is_file() {
                bail!("--runtime {spec}: no Cargo.toml in {}", path.display());
            }
            Ok(RuntimeDependency::Path(path))
        }
        Some(version) => Ok(RuntimeDependency::Version(version.to_owned())),
        None => {
            let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
            match bundled.canonicalize() {
                Ok(path) => Ok(RuntimeDependency::Path(path)),
                Err(_) => {
                    status::warning(&format!(
                        "the runtime this mcpgen was built with is gone from {}; depending on mcpgen-runtime {} from crates.io (pass --runtime to choose)",
                        bundled.display(),
                        env!("CARGO_PKG_VERSION")
                    ));
                    Ok(RuntimeDependency::Version(
                        env!("CARGO_PKG_VERSION").to_owned(),
                    ))
                }
            }
        }
    }
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

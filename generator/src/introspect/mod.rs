//! Reading a schema into the [`crate::model`]: from a live database ([`sqlite`], [`postgres`],
//! [`mysql`]) or from a DDL file ([`ddl`]).
//!
//! Routines are read by both ways alike: [`routines`] decides once what is left out, with
//! which warning, and what a PostgreSQL routine's call returns.

pub mod ddl;
pub mod mysql;
pub mod postgres;
pub(crate) mod routines;
pub mod sqlite;

use std::path::{Path, PathBuf};

use crate::model::{Dialect, Schema, Warning};

/// Where a schema comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A live database.
    Database {
        /// Its URL.
        url: String,
    },
    /// A DDL file.
    Ddl {
        /// The file.
        path: PathBuf,
        /// Its SQL dialect.
        dialect: Dialect,
    },
}

/// A schema that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// The URL names no database mcpgen can read.
    #[error("unsupported database URL {0:?}: use sqlite://PATH, postgres://... or mysql://...")]
    UnsupportedUrl(String),
    /// The database cannot be opened or queried.
    #[error("cannot read the database at {url}: {message}")]
    Database {
        /// The URL, without its password.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The DDL file cannot be read.
    #[error("cannot read {path}: {source}")]
    ReadFile {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The DDL file cannot be parsed at all.
    #[error(transparent)]
    Ddl(#[from] ddl::DdlError),
}

/// Reads the schema of `source`, with the warnings of what was skipped or approximated.
pub async fn introspect(source: &Source) -> Result<(Schema, Vec<Warning>), IntrospectError> {
    let (mut schema, warnings) = match source {
        Source::Database { url } => {
            if sqlite::handles(url) {
                sqlite::introspect(url).await?
            } else if postgres::handles(url) {
                postgres::introspect(url).await?
            } else if mysql::handles(url) {
                mysql::introspect(url).await?
            } else {
                return Err(IntrospectError::UnsupportedUrl(mcpgen_rules::url::redact(
                    url,
                )));
            }
        }
        Source::Ddl { path, dialect } => {
            let text =
                std::fs::read_to_string(path).map_err(|source| IntrospectError::ReadFile {
                    path: path.display().to_string(),
                    source,
                })?;
            let mut parsed = ddl::parse(&text, *dialect, &path.display().to_string())?;
            if parsed.0.database.is_none() {
                parsed.0.database = file_stem(path);
            }
            parsed
        }
    };
    if schema.dialect == Dialect::Sqlite {
        sqlite::normalize(&mut schema);
    }
    schema.link();
    Ok((schema, warnings))
}

/// The file name without extension.
pub(crate) fn file_stem(path: &Path) -> Option<String> {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
}

//! The generated crate's `Cargo.lock`: the packages its build resolves, at the versions mcpgen
//! was built and tested with (mcpgen's own `Cargo.lock`, embedded in the binary).
//!
//! The CLI writes mcpgen's lock file into the crate and lets cargo trim it
//! (`cargo update --workspace --offline`: no network, and every version already locked stays
//! as it is), so the crate's lock file holds what cargo itself resolves for it. Cargo's lock
//! files are independent of features and platforms: optional dependencies that a weak feature
//! (`dep?/feature`) names stay in them even when disabled, which is why a SQLite crate's lock
//! file still lists `sqlx-postgres` (rust-lang/cargo#10801). A lock file trimmed further would
//! be completed by cargo on the first build, at whatever versions are newest then.
//!
//! This module checks cargo's result ([`check_subset`]: nothing added, no version changed), and
//! gives the fallback when cargo is not there or fails ([`reachable`]: the packages that
//! mcpgen's lock file reaches from the runtime, every backend included, and the
//! dev-dependencies of mcpgen's own crates, which a lock file does not tell apart).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// The lock file mcpgen was built and tested with.
pub const MCPGEN_LOCK: &str = include_str!("../../Cargo.lock");

/// A lock file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read a Cargo.lock: {0}")]
pub struct LockError(String);

#[derive(Debug, Deserialize)]
struct LockFile {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

fn parse(text: &str) -> Result<LockFile, LockError> {
    toml::from_str(text).map_err(|error| LockError(error.to_string()))
}

/// How many packages a lock file holds.
pub fn package_count(text: &str) -> Result<usize, LockError> {
    Ok(parse(text)?.package.len())
}

/// Checks that every package of `trimmed` is in `original` with the same version, source and
/// checksum (packages without a source, the crate itself and path dependencies, excepted);
/// else names the first one that is not.
pub fn check_subset(trimmed: &str, original: &str) -> Result<(), String> {
    let trimmed = parse(trimmed).map_err(|error| error.to_string())?;
    let original = parse(original).map_err(|error| error.to_string())?;
    let known: BTreeSet<(&str, &str, Option<&str>, Option<&str>)> = original
        .package
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.source.as_deref(),
                p.checksum.as_deref(),
            )
        })
        .collect();
    for package in trimmed.package.iter().filter(|p| p.source.is_some()) {
        let entry = (
            package.name.as_str(),
            package.version.as_str(),
            package.source.as_deref(),
            package.checksum.as_deref(),
        );
        if !known.contains(&entry) {
            return Err(format!(
                "{} {} is not the one mcpgen was tested with",
                package.name, package.version
            ));
        }
    }
    Ok(())
}

/// `lock` trimmed to the packages reachable from the packages named `roots`, in cargo's own
/// format (its `[[package]]` entries are kept as they are written).
pub fn reachable(lock: &str, roots: &[&str]) -> Result<String, LockError> {
    let parsed = parse(lock)?;
    let packages = &parsed.package;
    // A dependency is written `name`, `name version` or `name version (source)`.
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, package) in packages.iter().enumerate() {
        by_name.entry(&package.name).or_default().push(index);
    }
    let find = |reference: &str| -> Option<usize> {
        let mut parts = reference.split_whitespace();
        let name = parts.next()?;
        let version = parts.next();
        by_name
            .get(name)?
            .iter()
            .copied()
            .find(|&i| version.is_none_or(|v| packages[i].version == v))
    };
    let mut keep = BTreeSet::new();
    let mut stack: Vec<usize> = roots.iter().filter_map(|root| find(root)).collect();
    if stack.len() != roots.len() {
        return Err(LockError(format!("it has no package named {roots:?}")));
    }
    while let Some(index) = stack.pop() {
        if keep.insert(index) {
            stack.extend(
                packages[index]
                    .dependencies
                    .iter()
                    .filter_map(|reference| find(reference)),
            );
        }
    }
    // The text of each `[[package]]` entry, in order: they match `packages` one to one.
    let mut blocks = lock.split("\n[[package]]\n");
    let header = blocks.next().unwrap_or_default();
    let mut out = String::from(header);
    for (index, block) in blocks.enumerate() {
        if keep.contains(&index) {
            out.push_str("\n[[package]]\n");
            out.push_str(block);
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtimes_packages_are_a_part_of_mcpgens_lock_file() {
        let trimmed = reachable(MCPGEN_LOCK, &["mcpgen-runtime"]).unwrap();
        let all = package_count(MCPGEN_LOCK).unwrap();
        let kept = package_count(&trimmed).unwrap();
        assert!(kept < all, "{kept} of {all}");
        check_subset(&trimmed, MCPGEN_LOCK).unwrap();
        // The generator's own dependencies are not the runtime's. (A lock file does not tell
        // dev-dependencies apart: those of mcpgen's crates, like trybuild, stay. sqlparser and
        // tera are both's: the runtime checks query_sql's statements with sqlparser, and renders
        // the OAuth login page with tera.)
        for gone in ["globset", "prettyplease", "mcpgen"] {
            assert!(
                !trimmed.contains(&format!("\nname = \"{gone}\"\n")),
                "{gone}"
            );
        }
        for kept in [
            "mcpgen-runtime",
            "sqlx-sqlite",
            "sqlx-postgres",
            "rmcp",
            "sqlparser",
            "tera",
        ] {
            assert!(
                trimmed.contains(&format!("\nname = \"{kept}\"\n")),
                "{kept}"
            );
        }
        assert!(trimmed.starts_with("# This file is automatically @generated by Cargo."));
    }

    #[test]
    fn a_changed_version_is_named() {
        let changed = MCPGEN_LOCK.replacen(
            "name = \"tokio\"\nversion = \"",
            "name = \"tokio\"\nversion = \"0",
            1,
        );
        let error = check_subset(&changed, MCPGEN_LOCK).unwrap_err();
        assert!(error.starts_with("tokio 0"), "{error}");
    }
}

//! What a run of `mcpgen generate` does to the files of the crate directory, given what an
//! earlier run left there: the rule that keeps a person's edits.
//!
//! Every run writes [`MANIFEST`], the hash of each file as mcpgen wrote it. The next run
//! compares each file on disk with its hash:
//!
//! - a file nobody changed since (or that is not there) is written anew;
//! - a file changed since mcpgen wrote it is **kept**, and the new version is written beside it
//!   as `FILE.mcpgen-new` to merge by hand (so is a file mcpgen did not write before and now
//!   would, like a module of a new table named as one of your own files);
//! - a file mcpgen wrote before and no longer writes (the module of a dropped table) is removed
//!   when nobody changed it, and kept when someone did;
//! - `Cargo.lock` is rewritten every time: it is cargo's file, and holds the versions this
//!   mcpgen was tested with;
//! - files mcpgen never wrote (yours, `target/`) are left alone.
//!
//! Planning is pure: the CLI reads the disk, calls [`plan`], and carries the plan out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::render::OutputFile;

/// The manifest's path in the crate.
pub const MANIFEST: &str = "mcpgen-generated.json";

/// The suffix of the new version of a file kept because it was edited.
pub const NEW_SUFFIX: &str = ".mcpgen-new";

/// The files cargo rewrites on its own: always replaced, never reported as edited.
const CARGO_OWNED: &[&str] = &["Cargo.lock"];

/// The hash of each file as mcpgen last wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// What the file is, for a person who opens it.
    #[serde(default)]
    pub about: String,
    /// The mcpgen version that wrote it.
    #[serde(default)]
    pub mcpgen: String,
    /// Path in the crate (with `/`) -> [`hash`] of the contents mcpgen wrote.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest of `files`, as they are about to be written.
    pub fn of(files: &[OutputFile]) -> Self {
        Self {
            about: format!(
                "Written by mcpgen generate: the hash of each file as mcpgen wrote it. When you \
                 regenerate, files you edited since are kept and their new version is written \
                 beside them as FILE{NEW_SUFFIX}. Keep this file with the crate."
            ),
            mcpgen: env!("CARGO_PKG_VERSION").to_owned(),
            files: files
                .iter()
                .filter(|file| !cargo_owned(&key(file)))
                .map(|file| (key(file), hash(&file.contents)))
                .collect(),
        }
    }

    /// Reads a manifest.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The manifest as the text of its file.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serializes");
        text.push('\n');
        text
    }
}

/// The hash of a file's contents, as the manifest records it.
pub fn hash(contents: &str) -> String {
    format!(
        "fnv1a64:{}",
        mcpgen_rules::hash::fingerprint(&contents.replace("\r\n", "\n"))
    )
}

fn key(file: &OutputFile) -> String {
    file.path
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn cargo_owned(path: &str) -> bool {
    CARGO_OWNED.contains(&path)
}

/// One thing to do to one file, by its path in the crate (with `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write the file (new, or unchanged since mcpgen wrote it).
    Write {
        /// The path.
        path: String,
        /// The contents.
        contents: String,
    },
    /// The file holds a person's edits: keep it, write the new version to `new_path`.
    KeepEdited {
        /// The edited file.
        path: String,
        /// Where the new version goes (`path` + [`NEW_SUFFIX`]).
        new_path: String,
        /// The new version.
        contents: String,
    },
    /// mcpgen wrote the file before, no longer does, and nobody changed it: remove it.
    Remove {
        /// The path.
        path: String,
    },
    /// mcpgen wrote the file before and no longer does, but someone changed it: keep it.
    KeepOrphan {
        /// The path.
        path: String,
    },
    /// A `FILE.mcpgen-new` left by an earlier run whose FILE is now written: remove it.
    RemoveStale {
        /// The path of the stale new version.
        path: String,
    },
}

/// What to do to the crate directory, and the manifest to write after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The actions, in file order.
    pub actions: Vec<Action>,
    /// The manifest of this run.
    pub manifest: Manifest,
}

impl Plan {
    /// The files kept because they hold edits.
    pub fn kept(&self) -> Vec<&str> {
        self.actions
            .iter()
            .filter_map(|action| match action {
                Action::KeepEdited { path, .. } | Action::KeepOrphan { path } => {
                    Some(path.as_str())
                }
                _ => None,
            })
            .collect()
    }
}

/// Plans writing `files` into a directory where an earlier run wrote `previous` (`None`: no
/// manifest there). `on_disk(path)` reads a file of the directory (`None` when absent).
pub fn plan(
    files: &[OutputFile],
    previous: Option<&Manifest>,
    on_disk: &dyn Fn(&str) -> Option<String>,
) -> Plan {
    let manifest = Manifest::of(files);
    let recorded = |path: &str| previous.and_then(|m| m.files.get(path));
    let mut actions = Vec::new();
    for file in files {
        let path = key(file);
        let new_path = format!("{path}{NEW_SUFFIX}");
        let edited = match on_disk(&path) {
            None => false,
            Some(current) if cargo_owned(&path) || current == file.contents => false,
            Some(current) => match recorded(&path) {
                Some(written) => hash(&current) != *written,
                // There, but not written by mcpgen: someone's own file.
                None => previous.is_some(),
            },
        };
        if edited {
            actions.push(Action::KeepEdited {
                path,
                new_path,
                contents: file.contents.clone(),
            });
        } else {
            if on_disk(&new_path).is_some() {
                actions.push(Action::RemoveStale { path: new_path });
            }
            actions.push(Action::Write {
                path,
                contents: file.contents.clone(),
            });
        }
    }
    if let Some(previous) = previous {
        for (path, written) in &previous.files {
            if manifest.files.contains_key(path) || cargo_owned(path) {
                continue;
            }
            match on_disk(path) {
                None => {}
                Some(current) if hash(&current) == *written => {
                    actions.push(Action::Remove { path: path.clone() });
                }
                Some(_) => actions.push(Action::KeepOrphan { path: path.clone() }),
            }
        }
    }
    Plan { actions, manifest }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: PathBuf::from(path),
            contents: contents.to_owned(),
        }
    }

    fn disk(files: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(path, contents)| ((*path).to_owned(), (*contents).to_owned()))
            .collect();
        move |path| files.get(path).cloned()
    }

    fn written(plan: &Plan) -> Vec<&str> {
        plan.actions
            .iter()
            .filter_map(|action| match action {
                Action::Write { path, .. } => Some(path.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_first_run_writes_every_file_and_records_all_but_the_lock_file() {
        let files = [
            file("src/main.rs", "fn main() {}"),
            file("Cargo.lock", "lock"),
        ];
        let plan = plan(&files, None, &disk(&[]));
        assert_eq!(written(&plan), ["src/main.rs", "Cargo.lock"]);
        assert_eq!(
            plan.manifest.files.keys().collect::<Vec<_>>(),
            ["src/main.rs"]
        );
    }

    #[test]
    fn files_nobody_changed_are_rewritten() {
        let old = [file("src/tables/books.rs", "old")];
        let previous = Manifest::of(&old);
        let new = [file("src/tables/books.rs", "new")];
        let plan = plan(
            &new,
            Some(&previous),
            &disk(&[("src/tables/books.rs", "old")]),
        );
        assert_eq!(written(&plan), ["src/tables/books.rs"]);
        assert!(plan.kept().is_empty());
    }

    #[test]
    fn an_edited_file_is_kept_and_its_new_version_goes_beside_it() {
        let previous = Manifest::of(&[file("src/tables/books.rs", "old")]);
        let new = [file("src/tables/books.rs", "new")];
        let plan = plan(
            &new,
            Some(&previous),
            &disk(&[("src/tables/books.rs", "old, edited")]),
        );
        assert_eq!(
            plan.actions,
            [Action::KeepEdited {
                path: "src/tables/books.rs".to_owned(),
                new_path: "src/tables/books.rs.mcpgen-new".to_owned(),
                contents: "new".to_owned(),
            }]
        );
        // The manifest records what mcpgen generated: the file stays edited next time.
        assert_eq!(
            plan.manifest.files["src/tables/books.rs"],
            hash("new"),
            "the manifest records the generated version"
        );
    }

    #[test]
    fn an_edit_that_matches_the_new_version_is_no_conflict() {
        let previous = Manifest::of(&[file("README.md", "old")]);
        let plan = plan(
            &[file("README.md", "new")],
            Some(&previous),
            &disk(&[("README.md", "new")]),
        );
        assert_eq!(written(&plan), ["README.md"]);
    }

    #[test]
    fn a_file_mcpgen_did_not_write_before_is_not_overwritten() {
        let previous = Manifest::of(&[file("src/main.rs", "main")]);
        let plan = plan(
            &[
                file("src/main.rs", "main"),
                file("src/tables/audit.rs", "generated"),
            ],
            Some(&previous),
            &disk(&[("src/main.rs", "main"), ("src/tables/audit.rs", "mine")]),
        );
        assert_eq!(plan.kept(), ["src/tables/audit.rs"]);
    }

    #[test]
    fn without_a_manifest_the_files_mcpgen_writes_are_overwritten() {
        // A crate from before manifests, regenerated with --force.
        let plan = plan(
            &[file("src/main.rs", "new")],
            None,
            &disk(&[("src/main.rs", "old")]),
        );
        assert_eq!(written(&plan), ["src/main.rs"]);
    }

    #[test]
    fn the_modules_of_dropped_tables_go_unless_edited() {
        let previous = Manifest::of(&[
            file("src/tables/gone.rs", "gone"),
            file("src/tables/edited.rs", "edited"),
            file("src/tables/deleted.rs", "deleted"),
        ]);
        let plan = plan(
            &[],
            Some(&previous),
            &disk(&[
                ("src/tables/gone.rs", "gone"),
                ("src/tables/edited.rs", "edited, by hand"),
            ]),
        );
        assert_eq!(
            plan.actions,
            [
                Action::KeepOrphan {
                    path: "src/tables/edited.rs".to_owned()
                },
                Action::Remove {
                    path: "src/tables/gone.rs".to_owned()
                },
            ]
        );
    }

    #[test]
    fn a_stale_new_version_goes_once_its_file_is_written() {
        let previous = Manifest::of(&[file("README.md", "old")]);
        let plan = plan(
            &[file("README.md", "new")],
            Some(&previous),
            &disk(&[("README.md", "old"), ("README.md.mcpgen-new", "older")]),
        );
        assert_eq!(
            plan.actions[0],
            Action::RemoveStale {
                path: "README.md.mcpgen-new".to_owned()
            }
        );
    }

    #[test]
    fn the_lock_file_is_always_rewritten() {
        let previous = Manifest::of(&[file("Cargo.lock", "old")]);
        let plan = plan(
            &[file("Cargo.lock", "new")],
            Some(&previous),
            &disk(&[("Cargo.lock", "changed by cargo")]),
        );
        assert_eq!(written(&plan), ["Cargo.lock"]);
    }

    #[test]
    fn the_manifest_reads_back() {
        let manifest = Manifest::of(&[file("a", "1"), file("b/c", "2")]);
        assert_eq!(Manifest::parse(&manifest.to_text()).unwrap(), manifest);
    }
}

//! `--include`/`--exclude`: which tables and routines a generated server serves. Globs match
//! `schema.name` (with the default schema's name for those in it) or `name`, ignoring case.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::model::Schema;

/// The tables to keep.
#[derive(Debug, Clone)]
pub struct Selection {
    include: Option<GlobSet>,
    exclude: GlobSet,
}

/// A glob that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("invalid glob {glob:?}: {message}")]
pub struct GlobError {
    glob: String,
    message: String,
}

impl Selection {
    /// Every table in `include` (all when empty) and in no `exclude`.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, GlobError> {
        Ok(Self {
            include: if include.is_empty() {
                None
            } else {
                Some(glob_set(include)?)
            },
            exclude: glob_set(exclude)?,
        })
    }

    /// Whether the table `name` of `schema` is kept.
    pub fn keeps(&self, schema: &str, name: &str) -> bool {
        let qualified = if schema.is_empty() {
            name.to_owned()
        } else {
            format!("{schema}.{name}")
        };
        let matches = |set: &GlobSet| set.is_match(name) || set.is_match(&qualified);
        self.include.as_ref().is_none_or(matches) && !matches(&self.exclude)
    }

    /// Drops the tables and routines of `schema` that are not kept; returns how many tables
    /// were dropped.
    pub fn apply(&self, schema: &mut Schema) -> usize {
        let before = schema.tables.len();
        let default = schema.dialect.default_schema();
        schema
            .tables
            .retain(|table| self.keeps(table.schema.as_deref().unwrap_or(default), &table.name));
        schema.routines.retain(|routine| {
            self.keeps(routine.schema.as_deref().unwrap_or(default), &routine.name)
        });
        before - schema.tables.len()
    }
}

fn glob_set(globs: &[String]) -> Result<GlobSet, GlobError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(compile(glob)?);
    }
    builder.build().map_err(|error| GlobError {
        glob: globs.join(", "),
        message: error.to_string(),
    })
}

fn compile(glob: &str) -> Result<Glob, GlobError> {
    GlobBuilder::new(glob)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .map_err(|error| GlobError {
            glob: glob.to_owned(),
            message: error.kind().to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn include_and_exclude_match_table_or_schema_table() {
        let selection =
            Selection::new(&strings(&["main.in*", "Track"]), &strings(&["*line"])).unwrap();
        assert!(selection.keeps("main", "Invoice"));
        assert!(!selection.keeps("main", "InvoiceLine"));
        assert!(selection.keeps("main", "track"));
        assert!(!selection.keeps("main", "Album"));
    }

    #[test]
    fn no_include_keeps_everything_not_excluded() {
        let selection = Selection::new(&[], &strings(&["audit_*"])).unwrap();
        assert!(selection.keeps("public", "orders"));
        assert!(!selection.keeps("public", "audit_log"));
    }

    #[test]
    fn routines_are_selected_like_tables() {
        use crate::model::{Dialect, Returns, Routine, RoutineKind};
        let routine = |name: &str| Routine {
            schema: None,
            name: name.to_owned(),
            kind: RoutineKind::Function,
            signature: String::new(),
            parameters: Vec::new(),
            returns: Returns::Nothing,
            read_only: true,
            comment: None,
        };
        let mut schema = Schema {
            dialect: Dialect::Postgres,
            database: None,
            tables: Vec::new(),
            routines: vec![
                routine("film_in_stock"),
                routine("last_day"),
                routine("film_list"),
            ],
        };
        let selection = Selection::new(&strings(&["film*"]), &strings(&["public.*list"])).unwrap();
        selection.apply(&mut schema);
        let kept: Vec<&str> = schema.routines.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(kept, ["film_in_stock"]);
    }

    #[test]
    fn a_bad_glob_is_an_error() {
        assert!(Selection::new(&strings(&["[a-"]), &[]).is_err());
    }
}

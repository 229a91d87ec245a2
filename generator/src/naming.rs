//! The names of generated things: each table's tool name `T`, Rust module and struct, and each
//! column's field. Every name is valid, unique where it must be, and the same on every run for
//! the same schema.
//!
//! Collisions are resolved so: among names that convert to the same `T`, the table spelled
//! exactly like `T` keeps it (failing that, the first by byte order of `schema.name`); every
//! other one gets `_` and 6 hex digits of a hash of its `schema.name`. Field names that
//! collide within a table get `_2`, `_3`, ... in column order, the column spelled exactly like
//! the field keeping the plain name.
//!
//! A struct named like a name in scope in its module (an import of the type map, a name of the
//! prelude) gets `Row` after it; a module named like a crate the generated code names gets `_`.
//!
//! Routines are named alike in a namespace of their own (`call_R`, `src/routines/`), except
//! that overloads (routines of one `schema.name`) all get `_` and 6 hex digits of a hash of
//! their argument types.

use std::collections::{BTreeMap, HashMap, HashSet};

use mcpgen_rules::hash::short_hash;
use mcpgen_rules::naming::{MAX_TOOL_BASE, snake_case, tool_base, truncate_with_hash};

use crate::model::{Routine, Schema, Table};
use crate::typemap;

/// The names of one table's generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames {
    /// The `T` of `list_T`.
    pub tool_base: String,
    /// The module (file) the struct lives in.
    pub module: String,
    /// The struct.
    pub struct_name: String,
    /// One field per column, in column order.
    pub fields: Vec<String>,
}

/// The names of one routine's generated code (its fields are named by [`field_names`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutineNames {
    /// The `R` of `call_R`.
    pub tool_base: String,
    /// The module (file) the struct lives in.
    pub module: String,
    /// The struct.
    pub struct_name: String,
}

/// Names for every routine of `routines`, in their order.
pub fn assign_routines(routines: &[&Routine]) -> Vec<RoutineNames> {
    let mut modules = HashSet::new();
    let mut structs = HashSet::new();
    routine_tool_bases(routines)
        .into_iter()
        .map(|tool_base| RoutineNames {
            module: unique(&module_name(&tool_base), &mut modules),
            struct_name: unique(&struct_name(&tool_base), &mut structs),
            tool_base,
        })
        .collect()
}

/// `R` for every routine: overloads get the hash of their argument types, other collisions
/// are resolved as tables' are.
fn routine_tool_bases(routines: &[&Routine]) -> Vec<String> {
    let key = |routine: &&Routine| (routine.schema.clone(), routine.name.clone());
    let mut overloads: HashMap<(Option<String>, String), usize> = HashMap::new();
    for routine in routines {
        *overloads.entry(key(routine)).or_default() += 1;
    }
    let named: Vec<Named<'_>> = routines
        .iter()
        .map(|routine| Named {
            overload: (overloads[&key(routine)] > 1).then_some(routine.signature.as_str()),
            ..Named::new(routine.schema.as_deref(), &routine.name)
        })
        .collect();
    resolve_collisions(&named)
}

/// One table or routine to name.
struct Named<'a> {
    /// Its `T` or `R` before collisions.
    base: String,
    /// `schema.name`, or `name` in the default schema.
    qualified: String,
    /// Whether its own spelling is `base` (`schema_name` in a schema).
    spelled_as_base: bool,
    /// For one of several routines of one `schema.name`, its argument types.
    overload: Option<&'a str>,
}

impl Named<'_> {
    fn new(schema: Option<&str>, name: &str) -> Self {
        let base = tool_base(schema, name);
        let (qualified, spelled) = match schema {
            Some(schema) => (format!("{schema}.{name}"), format!("{schema}_{name}")),
            None => (name.to_owned(), name.to_owned()),
        };
        Self {
            spelled_as_base: spelled == base,
            base,
            qualified,
            overload: None,
        }
    }
}

/// The final names of `named`, in order: among those of one base, the one spelled exactly like
/// it (failing that, the first by `schema.name`) keeps it, unless it is an overload; every
/// other gets `_` and the hash of its `schema.name`, an overload that of its argument types.
fn resolve_collisions(named: &[Named<'_>]) -> Vec<String> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, item) in named.iter().enumerate() {
        groups.entry(&item.base).or_default().push(index);
    }
    let mut names: Vec<String> = named.iter().map(|item| item.base.clone()).collect();
    let mut taken: HashSet<String> = names.iter().cloned().collect();
    for (base, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let single: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| named[i].overload.is_none())
            .collect();
        let keeper = single
            .iter()
            .copied()
            .find(|&i| named[i].spelled_as_base)
            .or_else(|| single.iter().copied().min_by_key(|&i| &named[i].qualified));
        for &index in members.iter().filter(|&&i| Some(i) != keeper) {
            let original = named[index].overload.unwrap_or(&named[index].qualified);
            let mut name = with_hash(base, original);
            let mut salt = 2;
            while taken.contains(&name) {
                name = with_hash(base, &format!("{original}#{salt}"));
                salt += 1;
            }
            taken.insert(name.clone());
            names[index] = name;
        }
    }
    names
}

/// Names for every table of `schema`, in table order.
pub fn assign(schema: &Schema) -> Vec<TableNames> {
    let tool_bases = tool_bases(schema);
    let mut modules = HashSet::new();
    let mut structs = HashSet::new();
    schema
        .tables
        .iter()
        .zip(tool_bases)
        .map(|(table, tool_base)| {
            let module = unique(&module_name(&tool_base), &mut modules);
            let struct_name = unique(&struct_name(&tool_base), &mut structs);
            TableNames {
                fields: field_names_of(table),
                tool_base,
                module,
                struct_name,
            }
        })
        .collect()
}

/// `T` for every table, collisions resolved.
fn tool_bases(schema: &Schema) -> Vec<String> {
    let named: Vec<Named<'_>> = schema
        .tables
        .iter()
        .map(|table| Named::new(table.schema.as_deref(), &table.name))
        .collect();
    resolve_collisions(&named)
}

/// `base_HASH`, within the length of `T`.
fn with_hash(base: &str, original: &str) -> String {
    if base.len() + 7 <= MAX_TOOL_BASE {
        format!("{base}_{}", short_hash(original))
    } else {
        truncate_with_hash(base, original, MAX_TOOL_BASE)
    }
}

/// Rust keywords, strict and reserved, of edition 2024.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// The names Rust 2024's prelude puts in every module's type namespace (its types, traits and
/// the variants of `Option` and `Result`), and the derives the struct is written with. A
/// struct of one of these names would shadow it, and the code around it would stop compiling.
const PRELUDE: &[&str] = &[
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
    "Debug",
];

/// Crates the generated code names by path (`mcpgen_runtime::ServerBuilder` in
/// `tables/mod.rs`): a table module of the same name would make those paths ambiguous.
const CRATES: &[&str] = &["mcpgen_runtime", "std", "core", "alloc"];

/// Whether a struct may not be called `name` in a table module: the prelude has it, or one of
/// the imports of the type map brings it in ([`typemap::imported_names`]).
fn reserved_type(name: &str) -> bool {
    PRELUDE.contains(&name) || typemap::imported_names().any(|taken| taken == name)
}

/// The module of a table: `T`, made a valid and non-keyword identifier.
fn module_name(tool_base: &str) -> String {
    let name = if tool_base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("t{tool_base}")
    } else {
        tool_base.to_owned()
    };
    if name == "_" || name.chars().all(|c| c == '_') {
        format!("table{name}")
    } else if KEYWORDS.contains(&name.as_str()) || CRATES.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The struct of a table: `T` in PascalCase.
fn struct_name(tool_base: &str) -> String {
    let pascal: String = tool_base
        .split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    let pascal = if pascal.is_empty() || pascal.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{pascal}")
    } else {
        pascal
    };
    if reserved_type(&pascal) || KEYWORDS.contains(&pascal.as_str()) {
        format!("{pascal}Row")
    } else {
        pascal
    }
}

/// The fields of a table: each column's name in snake_case, made a valid identifier, unique.
fn field_names_of(table: &Table) -> Vec<String> {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    field_names(&columns)
}

/// Fields for things named `names` as the database spells them (a table's columns, a
/// routine's parameters and results): each in snake_case, made a valid identifier, unique;
/// the one spelled exactly like its field keeps it, the others get `_2`, `_3`, ...
pub fn field_names(names: &[&str]) -> Vec<String> {
    let bases: Vec<String> = names.iter().map(|name| field_base(name)).collect();
    let mut fields: Vec<Option<String>> = vec![None; bases.len()];
    let mut taken: HashSet<String> = HashSet::new();
    // First, columns spelled exactly like their field keep it.
    for (index, original) in names.iter().enumerate() {
        let base = &bases[index];
        if *original == base.trim_start_matches("r#") && taken.insert(base.clone()) {
            fields[index] = Some(base.clone());
        }
    }
    for (index, base) in bases.iter().enumerate() {
        if fields[index].is_some() {
            continue;
        }
        let mut name = base.clone();
        let mut suffix = 2;
        while !taken.insert(name.clone()) {
            // `self_` + 2 is `self_2`: a double underscore would not be snake case.
            name = format!(
                "{}_{suffix}",
                base.trim_start_matches("r#").trim_end_matches('_')
            );
            suffix += 1;
        }
        fields[index] = Some(name);
    }
    fields
        .into_iter()
        .map(|name| name.expect("every field is named"))
        .collect()
}

/// A column's field name before collisions: snake_case, a valid identifier.
fn field_base(column: &str) -> String {
    let snake = snake_case(column);
    if snake.chars().all(|c| c == '_') {
        return format!("column_{}", short_hash(column));
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{snake}");
    }
    if NOT_RAW.contains(&snake.as_str()) {
        return format!("{snake}_");
    }
    if KEYWORDS.contains(&snake.as_str()) {
        return format!("r#{snake}");
    }
    snake
}

/// `name`, or `name_2`, `name_3`... when `name` is taken; the result is marked as taken.
fn unique(name: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.to_owned();
    let mut suffix = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{name}{suffix}");
        suffix += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, DataType, Dialect, TableKind};

    fn table(name: &str, columns: &[&str]) -> Table {
        Table {
            schema: None,
            name: name.to_owned(),
            kind: TableKind::Table,
            comment: None,
            columns: columns
                .iter()
                .map(|c| Column {
                    name: (*c).to_owned(),
                    sql_type: "TEXT".to_owned(),
                    data_type: DataType::Text,
                    nullable: true,
                    default: None,
                    generated: false,
                    computed: false,
                    enum_values: Vec::new(),
                    comment: None,
                })
                .collect(),
            primary_key: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            unique_keys: Vec::new(),
            rowid: true,
        }
    }

    fn schema(tables: Vec<Table>) -> Schema {
        Schema {
            dialect: Dialect::Sqlite,
            database: None,
            tables,
            routines: Vec::new(),
        }
    }

    #[test]
    fn names_that_collide_after_case_conversion_stay_apart() {
        let names = assign(&schema(vec![
            table("UserAccount", &["a"]),
            table("user_account", &["a"]),
        ]));
        assert_eq!(names[1].tool_base, "user_account");
        assert!(names[0].tool_base.starts_with("user_account_"));
        assert_eq!(names[0].tool_base.len(), "user_account_".len() + 6);
        assert_ne!(names[0].module, names[1].module);
        assert_ne!(names[0].struct_name, names[1].struct_name);
        // The same schema gives the same names every time.
        assert_eq!(
            names,
            assign(&schema(vec![
                table("UserAccount", &["a"]),
                table("user_account", &["a"])
            ]))
        );
    }

    #[test]
    fn fields_are_valid_identifiers() {
        let names = assign(&schema(vec![table(
            "t",
            &[
                "userId",
                "user_id",
                "type",
                "self",
                "Self_",
                "2fa",
                "created at",
                "!!!",
                "Ünï",
            ],
        )]));
        assert_eq!(
            names[0].fields,
            [
                "user_id_2",
                "user_id",
                "r#type",
                "self_",
                "self_2",
                "_2fa",
                "created_at",
                "column_",
                "uni"
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .map(|s| if s == "column_" {
                format!("column_{}", short_hash("!!!"))
            } else {
                s
            })
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn modules_and_structs_avoid_keywords_and_taken_names() {
        let names = assign(&schema(vec![
            table("type", &["a"]),
            table("Value", &["a"]),
            table("2fa", &["a"]),
        ]));
        assert_eq!(names[0].module, "type_");
        assert_eq!(names[0].struct_name, "Type");
        assert_eq!(names[1].struct_name, "ValueRow");
        assert_eq!(names[2].module, "t2fa");
        assert_eq!(names[2].struct_name, "T2fa");
    }

    #[test]
    fn no_struct_is_named_like_an_import_of_the_type_map_or_the_prelude() {
        let taken: Vec<&str> = typemap::imported_names()
            .chain(PRELUDE.iter().copied())
            .collect();
        let tables: Vec<Table> = taken.iter().map(|name| table(name, &["a"])).collect();
        for names in assign(&schema(tables)) {
            assert!(
                !taken.contains(&names.struct_name.as_str()),
                "a table gets the struct {}",
                names.struct_name
            );
        }
        let names = assign(&schema(vec![
            table("uuid", &["uuid"]),
            table("utc", &["a"]),
        ]));
        assert_eq!(names[0].struct_name, "UuidRow");
        assert_eq!(names[0].fields, ["uuid"]);
        assert_eq!(names[1].struct_name, "UtcRow");
    }

    #[test]
    fn a_table_module_is_not_named_like_a_crate_the_code_names() {
        let names = assign(&schema(vec![
            table("mcpgen_runtime", &["a"]),
            table("std", &["a"]),
        ]));
        assert_eq!(names[0].module, "mcpgen_runtime_");
        assert_eq!(names[1].module, "std_");
    }

    fn routine(schema: Option<&str>, name: &str, signature: &str) -> Routine {
        Routine {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
            kind: crate::model::RoutineKind::Function,
            signature: signature.to_owned(),
            parameters: Vec::new(),
            returns: crate::model::Returns::Nothing,
            read_only: true,
            comment: None,
        }
    }

    #[test]
    fn overloads_are_told_apart_by_their_argument_types() {
        let routines = [
            routine(None, "area", "integer"),
            routine(None, "area", "text, text"),
            routine(None, "Area", ""),
            routine(Some("geo"), "area", ""),
        ];
        let refs: Vec<&Routine> = routines.iter().collect();
        let names = assign_routines(&refs);
        // Every overload is suffixed by the hash of its argument types; `Area`, not an
        // overload, keeps the plain name.
        assert_eq!(
            names[0].tool_base,
            format!("area_{}", short_hash("integer"))
        );
        assert_eq!(
            names[1].tool_base,
            format!("area_{}", short_hash("text, text"))
        );
        assert_eq!(names[2].tool_base, "area");
        assert_eq!(names[3].tool_base, "geo_area");
        let modules: HashSet<&str> = names.iter().map(|n| n.module.as_str()).collect();
        assert_eq!(modules.len(), 4);
        assert_eq!(names, assign_routines(&refs));
    }
}

//! One snapshot per kind of generated file, from a model that uses every feature the
//! templates render: composite and missing primary keys, foreign and unique keys, a view,
//! enums, defaults, a type served as text, names that are Rust keywords or collide.

use std::path::PathBuf;

use mcpgen::model::{
    Column, DataType, Dialect, ForeignKey, Key, Parameter, ParameterMode, Returns, Routine,
    RoutineKind, Schema, Table, TableKind,
};
use mcpgen::render::{OutputFile, RenderOptions, RuntimeDependency, render};

fn column(name: &str, sql_type: &str, data_type: DataType, nullable: bool) -> Column {
    Column {
        name: name.to_owned(),
        sql_type: sql_type.to_owned(),
        data_type,
        nullable,
        default: None,
        generated: false,
        computed: false,
        enum_values: Vec::new(),
        comment: None,
    }
}

fn table(name: &str, kind: TableKind, columns: Vec<Column>) -> Table {
    Table {
        schema: None,
        name: name.to_owned(),
        kind,
        comment: None,
        columns,
        primary_key: None,
        foreign_keys: Vec::new(),
        referenced_by: Vec::new(),
        unique_keys: Vec::new(),
        rowid: kind == TableKind::Table,
    }
}

fn shop() -> Schema {
    let mut books = table(
        "Books",
        TableKind::Table,
        vec![
            Column {
                generated: true,
                ..column("BookId", "INTEGER", DataType::BigInt, false)
            },
            column("Title", "NVARCHAR(200)", DataType::Text, false),
            column(
                "Price",
                "NUMERIC(10,2)",
                DataType::Decimal {
                    precision: Some(10),
                    scale: Some(2),
                },
                false,
            ),
            Column {
                default: Some("CURRENT_TIMESTAMP".to_owned()),
                ..column("added at", "DATETIME", DataType::Timestamp, false)
            },
            Column {
                enum_values: vec!["fiction".to_owned(), "poetry".to_owned()],
                comment: Some("What kind of book it is.".to_owned()),
                ..column("genre", "TEXT", DataType::Text, true)
            },
            column("type", "BLOB", DataType::Bytes, true),
            column("shape", "GEOMETRY", DataType::Unknown, true),
            column("details", "JSON", DataType::Json, true),
            column("published", "DATE", DataType::Date, true),
        ],
    );
    books.comment = Some("Books on sale.\nOne row per edition.".to_owned());
    books.primary_key = Some(Key {
        name: None,
        columns: vec!["BookId".to_owned()],
    });
    books.unique_keys = vec![Key {
        name: Some("uq_title".to_owned()),
        columns: vec!["Title".to_owned()],
    }];

    let mut lines = table(
        "order_lines",
        TableKind::Table,
        vec![
            column("order_id", "INTEGER", DataType::BigInt, false),
            column("line", "INTEGER", DataType::BigInt, false),
            column("BookId", "INTEGER", DataType::BigInt, false),
            column("userId", "INTEGER", DataType::BigInt, true),
            column("user_id", "INTEGER", DataType::BigInt, true),
        ],
    );
    lines.primary_key = Some(Key {
        name: Some("pk_order_lines".to_owned()),
        columns: vec!["order_id".to_owned(), "line".to_owned()],
    });
    lines.foreign_keys = vec![ForeignKey {
        name: Some("fk_book".to_owned()),
        columns: vec!["BookId".to_owned()],
        referenced_schema: None,
        referenced_table: "Books".to_owned(),
        referenced_columns: vec!["BookId".to_owned()],
    }];

    let events = table(
        "events",
        TableKind::Table,
        vec![column("at", "DATETIME", DataType::Timestamp, false)],
    );
    let same_name = table(
        "Order_Lines",
        TableKind::Table,
        vec![column("x", "REAL", DataType::Double, true)],
    );
    let view = table(
        "book totals",
        TableKind::View,
        vec![
            column("BookId", "INTEGER", DataType::BigInt, true),
            column("SUM(quantity)", "", DataType::Unknown, true),
        ],
    );
    let mut schema = Schema {
        dialect: Dialect::Sqlite,
        database: Some("shop".to_owned()),
        tables: vec![books, lines, events, same_name, view],
        routines: Vec::new(),
    };
    schema.link();
    schema
}

fn rendered() -> Vec<OutputFile> {
    let options = RenderOptions {
        crate_name: "shop".to_owned(),
        runtime: RuntimeDependency::Path(PathBuf::from("/opt/mcpgen/runtime")),
        read_only: false,
        database_url: Some("sqlite:///data/shop.db".to_owned()),
        source: "`sqlite:///data/shop.db`".to_owned(),
        out_dir: PathBuf::from("/home/me/shop-server"),
        lockfile: None,
    };
    render(&shop(), &options).expect("the shop renders")
}

fn file(path: &str) -> String {
    rendered()
        .into_iter()
        .find(|file| file.path == std::path::Path::new(path))
        .unwrap_or_else(|| panic!("no {path} was rendered"))
        .contents
}

#[test]
fn the_crate_has_one_module_per_table_and_its_support_files() {
    let mut paths: Vec<String> = rendered()
        .iter()
        .map(|file| file.path.display().to_string())
        .collect();
    paths.sort();
    insta::assert_debug_snapshot!(paths);
}

#[test]
fn cargo_toml() {
    insta::assert_snapshot!(file("Cargo.toml"));
}

#[test]
fn main_rs() {
    insta::assert_snapshot!(file("src/main.rs"));
}

#[test]
fn tables_mod_rs() {
    insta::assert_snapshot!(file("src/tables/mod.rs"));
}

#[test]
fn table_with_every_column_feature() {
    insta::assert_snapshot!(file("src/tables/books.rs"));
}

#[test]
fn table_with_composite_key_foreign_key_and_colliding_fields() {
    insta::assert_snapshot!(file("src/tables/order_lines.rs"));
}

#[test]
fn table_without_primary_key() {
    insta::assert_snapshot!(file("src/tables/events.rs"));
}

#[test]
fn view() {
    insta::assert_snapshot!(file("src/tables/book_totals.rs"));
}

#[test]
fn readme() {
    insta::assert_snapshot!(file("README.md"));
}

#[test]
fn config_file() {
    insta::assert_snapshot!(file("mcpgen.toml"));
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(rendered(), rendered());
}

/// A PostgreSQL table with a column of every kind (enum, enum array, `char(n)`, a type read
/// as text), a primary key declared in another order than its columns, and a foreign key of
/// two columns; a MySQL table with an `ENUM` and a `SET`.
fn kinds(dialect: Dialect) -> OutputFile {
    let labels = vec!["sad".to_owned(), "ok".to_owned(), "happy".to_owned()];
    let columns = match dialect {
        Dialect::Postgres => vec![
            column("a", "INTEGER", DataType::Integer, false),
            column("b", "INTEGER", DataType::Integer, false),
            Column {
                enum_values: labels.clone(),
                ..column("mood", "MOOD", DataType::Enum, true)
            },
            Column {
                enum_values: labels,
                ..column(
                    "moods",
                    "MOOD[]",
                    DataType::Array {
                        element: Box::new(DataType::Enum),
                    },
                    true,
                )
            },
            column("code", "CHARACTER(3)", DataType::Text, false),
            column("price", "MONEY", DataType::Unknown, true),
        ],
        _ => vec![
            column("a", "INT", DataType::Integer, false),
            column("b", "INT", DataType::Integer, false),
            Column {
                enum_values: labels,
                ..column("mood", "ENUM('sad','ok','happy')", DataType::Enum, false)
            },
            Column {
                enum_values: vec!["Trailers".to_owned(), "Deleted Scenes".to_owned()],
                ..column(
                    "features",
                    "SET('Trailers','Deleted Scenes')",
                    DataType::Set,
                    true,
                )
            },
        ],
    };
    let mut moods = table("moods", TableKind::Table, columns);
    moods.primary_key = Some(Key {
        name: None,
        columns: vec!["b".to_owned(), "a".to_owned()],
    });
    moods.foreign_keys = vec![ForeignKey {
        name: Some("fk_pair".to_owned()),
        columns: vec!["a".to_owned(), "b".to_owned()],
        referenced_schema: None,
        referenced_table: "pairs".to_owned(),
        referenced_columns: vec!["x".to_owned(), "y".to_owned()],
    }];
    let mut schema = Schema {
        dialect,
        database: Some("moods".to_owned()),
        tables: vec![moods],
        routines: Vec::new(),
    };
    schema.link();
    let options = RenderOptions {
        crate_name: "moods".to_owned(),
        runtime: RuntimeDependency::Path(PathBuf::from("/opt/mcpgen/runtime")),
        read_only: false,
        database_url: None,
        source: "`moods.sql`".to_owned(),
        out_dir: PathBuf::from("/home/me/moods"),
        lockfile: None,
    };
    render(&schema, &options)
        .expect("the moods render")
        .into_iter()
        .find(|file| file.path == std::path::Path::new("src/tables/moods.rs"))
        .expect("moods.rs is rendered")
}

#[test]
fn postgres_table_with_every_column_kind_and_a_key_in_its_own_order() {
    insta::assert_snapshot!(kinds(Dialect::Postgres).contents);
}

#[test]
fn mysql_table_with_an_enum_and_a_set() {
    insta::assert_snapshot!(kinds(Dialect::Mysql).contents);
}

fn options() -> RenderOptions {
    RenderOptions {
        crate_name: "odd".to_owned(),
        runtime: RuntimeDependency::Path(PathBuf::from("/opt/mcpgen/runtime")),
        read_only: false,
        database_url: None,
        source: "`odd\nname.sql`".to_owned(),
        out_dir: PathBuf::from("/home/me/odd"),
        lockfile: None,
    }
}

/// Every `use` of a table module is the derive's or one of the type map's imports, the names
/// the naming rules keep struct names clear of.
#[test]
fn every_use_in_a_table_module_is_an_import_the_naming_rules_know() {
    let every_type = [
        DataType::Boolean,
        DataType::UnsignedBigInt,
        DataType::Decimal {
            precision: None,
            scale: None,
        },
        DataType::Bytes,
        DataType::Date,
        DataType::Time,
        DataType::Timestamp,
        DataType::TimestampTz,
        DataType::Uuid,
        DataType::Json,
        DataType::Dynamic,
        DataType::Array {
            element: Box::new(DataType::Uuid),
        },
    ];
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let columns = every_type
            .iter()
            .enumerate()
            .map(|(index, data_type)| column(&format!("c{index}"), "T", data_type.clone(), true))
            .collect();
        let schema = Schema {
            dialect,
            database: None,
            tables: vec![table("t", TableKind::Table, columns)],
            routines: Vec::new(),
        };
        let files = render(&schema, &options()).expect("it renders");
        let module = &files
            .iter()
            .find(|file| file.path == std::path::Path::new("src/tables/t.rs"))
            .expect("the table's module")
            .contents;
        for line in module.lines().filter(|line| line.starts_with("use ")) {
            let path = line.trim_start_matches("use ").trim_end_matches(';');
            assert!(
                path == mcpgen::typemap::DERIVE_IMPORT || mcpgen::typemap::IMPORTS.contains(&path),
                "{dialect:?}: `{line}` is not an import the naming rules know"
            );
        }
    }
}

/// Names and comments with comment markers, template markers, quotes, backslashes, line
/// breaks, control characters and empty strings, in schemas, tables, columns, keys and
/// comments, render valid Rust (render parses every file and runs the derive's checks) with
/// no control character left in a comment.
#[test]
fn odd_names_and_comments_render_valid_rust() {
    let odd = [
        "",
        "\"",
        "\"\"",
        "*/",
        "/*",
        "//",
        "a\nb",
        "a\r\nb",
        "c\rd",
        "tab\there",
        "{{ x }}",
        "{% if %}",
        "{# c #}",
        "back\\slash",
        "#",
        "r#type",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "bidi\u{202e}",
        "`tick`",
        "pipe|d",
    ];
    let long = "long_".repeat(60);
    let mut tables = Vec::new();
    for (index, name) in odd.iter().chain([&long.as_str()]).enumerate() {
        let mut columns: Vec<Column> = odd
            .iter()
            .map(|column_name| Column {
                comment: Some(format!("comment {name} */ /* // {{{{ x }}}}")),
                ..column(column_name, "TEXT", DataType::Text, true)
            })
            .collect();
        columns.push(column("id", "INTEGER", DataType::BigInt, false));
        let mut odd_table = table(name, TableKind::Table, columns);
        odd_table.schema = Some(odd[(index + 1) % odd.len()].to_owned());
        odd_table.comment = Some(format!("{name} */ {name}"));
        odd_table.primary_key = Some(Key {
            name: Some((*name).to_owned()),
            columns: vec!["id".to_owned()],
        });
        odd_table.unique_keys = vec![Key {
            name: Some((*name).to_owned()),
            columns: vec!["a\nb".to_owned()],
        }];
        odd_table.foreign_keys = vec![ForeignKey {
            name: Some((*name).to_owned()),
            columns: vec!["*/".to_owned()],
            referenced_schema: Some((*name).to_owned()),
            referenced_table: (*name).to_owned(),
            referenced_columns: vec!["id".to_owned()],
        }];
        tables.push(odd_table);
    }
    let mut schema = Schema {
        dialect: Dialect::Postgres,
        database: Some("odd\u{1}db\nname".to_owned()),
        tables,
        routines: Vec::new(),
    };
    schema.link();
    let files = render(&schema, &options()).expect("odd names render");
    for file in &files {
        for line in file.contents.lines() {
            let comment = line.trim_start().starts_with("//");
            assert!(
                !comment || !line.chars().any(|c| c.is_control() && c != '\t'),
                "{}: a control character in the comment {line:?}",
                file.path.display()
            );
            assert!(
                !line.contains('\u{202e}'),
                "{}: a bidi character in {line:?}",
                file.path.display()
            );
        }
    }
    let readme = &files
        .iter()
        .find(|file| file.path == std::path::Path::new("README.md"))
        .expect("a README")
        .contents;
    let rows = readme
        .lines()
        .filter(|line| line.starts_with("| ") && line.contains("`list_"))
        .count();
    assert_eq!(
        rows,
        files.len() - 6,
        "one README row per table module:\n{readme}"
    );
}

fn parameter(
    name: Option<&str>,
    mode: ParameterMode,
    sql_type: &str,
    data_type: DataType,
) -> Parameter {
    Parameter {
        name: name.map(str::to_owned),
        mode,
        sql_type: sql_type.to_owned(),
        data_type,
        has_default: false,
        enum_values: Vec::new(),
    }
}

fn routine(name: &str, kind: RoutineKind, parameters: Vec<Parameter>, returns: Returns) -> Routine {
    let signature = parameters
        .iter()
        .filter(|p| p.mode != ParameterMode::Out)
        .map(|p| p.sql_type.to_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    Routine {
        schema: None,
        name: name.to_owned(),
        kind,
        signature,
        parameters,
        returns,
        read_only: true,
        comment: None,
    }
}

/// PostgreSQL routines of every shape: a value with a default argument, rows with OUT
/// parameters, a procedure with INOUT and OUT ones, overloads, unnamed and variadic
/// parameters, an enum argument, one that writes, one in another schema.
fn routines_schema(dialect: Dialect) -> Schema {
    use ParameterMode::{In, InOut, Out, Variadic};
    let integer = || DataType::Integer;
    let mut routines = Vec::new();
    match dialect {
        Dialect::Postgres => {
            let mut price = routine(
                "film_price",
                RoutineKind::Function,
                vec![
                    parameter(Some("p_film_id"), In, "INTEGER", integer()),
                    Parameter {
                        has_default: true,
                        ..parameter(
                            Some("p_discount"),
                            In,
                            "NUMERIC",
                            DataType::Decimal {
                                precision: None,
                                scale: None,
                            },
                        )
                    },
                ],
                Returns::Value {
                    sql_type: "NUMERIC".to_owned(),
                    data_type: DataType::Decimal {
                        precision: None,
                        scale: None,
                    },
                    enum_values: Vec::new(),
                },
            );
            price.comment = Some("The price of a film, less a discount.".to_owned());
            routines.push(price);
            routines.push(routine(
                "films_rated",
                RoutineKind::Function,
                vec![
                    Parameter {
                        enum_values: vec!["G".to_owned(), "PG".to_owned(), "R".to_owned()],
                        ..parameter(Some("p_rating"), In, "mpaa_rating", DataType::Enum)
                    },
                    parameter(Some("film_id"), Out, "INTEGER", integer()),
                    parameter(Some("title"), Out, "TEXT", DataType::Text),
                ],
                Returns::Rows {
                    columns: vec![
                        column("film_id", "INTEGER", integer(), true),
                        column("title", "TEXT", DataType::Text, true),
                    ],
                },
            ));
            let mut restock = routine(
                "restock",
                RoutineKind::Procedure,
                vec![
                    parameter(Some("p_store"), In, "INTEGER", integer()),
                    parameter(Some("p_count"), InOut, "BIGINT", DataType::BigInt),
                    parameter(Some("p_total"), Out, "BIGINT", DataType::BigInt),
                ],
                Returns::Out,
            );
            restock.read_only = false;
            routines.push(restock);
            for (sql_type, data_type) in [("INTEGER", integer()), ("TEXT", DataType::Text)] {
                routines.push(routine(
                    "describe",
                    RoutineKind::Function,
                    vec![
                        parameter(None, In, sql_type, data_type),
                        parameter(Some("arg1"), In, "TEXT", DataType::Text),
                    ],
                    Returns::Value {
                        sql_type: "TEXT".to_owned(),
                        data_type: DataType::Text,
                        enum_values: Vec::new(),
                    },
                ));
            }
            routines.push(routine(
                "total_of",
                RoutineKind::Function,
                vec![parameter(
                    Some("vals"),
                    Variadic,
                    "BIGINT[]",
                    DataType::Array {
                        element: Box::new(DataType::BigInt),
                    },
                )],
                Returns::Value {
                    sql_type: "BIGINT".to_owned(),
                    data_type: DataType::BigInt,
                    enum_values: Vec::new(),
                },
            ));
            let mut audit = routine(
                "Log Event",
                RoutineKind::Procedure,
                Vec::new(),
                Returns::Nothing,
            );
            audit.schema = Some("audit".to_owned());
            audit.read_only = false;
            routines.push(audit);
        }
        _ => {
            let mut in_stock = routine(
                "film_in_stock",
                RoutineKind::Procedure,
                vec![
                    parameter(Some("p_film_id"), In, "INT", integer()),
                    parameter(Some("p_store_id"), In, "INT", integer()),
                    parameter(Some("p_film_count"), Out, "INT", integer()),
                ],
                Returns::ResultSets,
            );
            in_stock.read_only = true;
            routines.push(in_stock);
            routines.push(routine(
                "inventory_held_by_customer",
                RoutineKind::Function,
                vec![parameter(Some("p_inventory_id"), In, "INT", integer())],
                Returns::Value {
                    sql_type: "INT".to_owned(),
                    data_type: integer(),
                    enum_values: Vec::new(),
                },
            ));
            routines.push(routine(
                "set_size",
                RoutineKind::Procedure,
                vec![Parameter {
                    enum_values: vec!["S".to_owned(), "M".to_owned()],
                    ..parameter(Some("p_size"), InOut, "ENUM('S','M')", DataType::Enum)
                }],
                Returns::Out,
            ));
        }
    }
    Schema {
        dialect,
        database: None,
        tables: vec![table(
            "film",
            TableKind::Table,
            vec![column("film_id", "INTEGER", integer(), false)],
        )],
        routines,
    }
}

/// The routine files of `schema`, `main.rs` first, each under its path.
fn routine_files(schema: &Schema, read_only: bool) -> String {
    let files = render(
        schema,
        &RenderOptions {
            read_only,
            ..options()
        },
    )
    .expect("the routines render");
    files
        .iter()
        .filter(|file| {
            let path = file.path.display().to_string();
            path == "src/main.rs" || path.starts_with("src/routines/")
        })
        .map(|file| format!("// {}\n{}", file.path.display(), file.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn postgres_routines() {
    insta::assert_snapshot!(routine_files(&routines_schema(Dialect::Postgres), false));
}

#[test]
fn mysql_routines() {
    insta::assert_snapshot!(routine_files(&routines_schema(Dialect::Mysql), false));
}

/// `--read-only` leaves out the routines that may write; with none left, no module.
#[test]
fn read_only_crates_have_only_the_routines_that_read() {
    let files = routine_files(&routines_schema(Dialect::Postgres), true);
    assert!(files.contains("pub mod film_price"), "{files}");
    assert!(!files.contains("restock"), "{files}");
    assert!(!files.contains("Log Event"), "{files}");
    let mut schema = routines_schema(Dialect::Postgres);
    schema.routines.retain(|routine| !routine.read_only);
    let files = routine_files(&schema, true);
    assert!(!files.contains("mod routines"), "{files}");
    assert!(!files.contains("src/routines"), "{files}");
}

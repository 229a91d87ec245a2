//! Live introspection of MariaDB (or MySQL) and parsing of the same DDL file give the same
//! model: each script is loaded into a throwaway database with the `mariadb` client and
//! introspected, and parsed as a `--dialect mysql` DDL file.
//!
//! For Sakila, Chinook and GLPI the two models are equal table by table, views included, and
//! so is the model of a `mariadb-dump` of the live database: there is no known difference to
//! list. The DDL side reads a file the way MariaDB 10.11 runs it (`/*!50705 ... */` comments
//! are skipped, so Sakila's `address.location` GEOMETRY column is not there, as on the server)
//! and types views' computed columns as MariaDB does with its default settings
//! (`GROUP_CONCAT` is `MEDIUMTEXT`).
//!
//! What a DDL file cannot reproduce in general, and these schemas do not use: expression
//! defaults (`DEFAULT (a + 1)`: MariaDB prints its own spelling, `(a + 1)`), view columns
//! computed by expressions outside `ddl/mysql_view.rs` (arithmetic on decimals, most string
//! functions: no type), and MariaDB's nullability of some expressions in grouped views.
//!
//! Routines too: Sakila's procedures and functions, and a schema of routines of mcpgen's own,
//! are equal routine by routine live, in their DDL file and in a dump.
//!
//! Run with `MCPGEN_REQUIRE_SERVICES=1` to fail instead of skipping when the server or the
//! datasets are missing.

mod common;

use std::process::Command;

use common::databases::{Server, TempDatabase, without_database_switches};
use mcpgen::introspect::{IntrospectError, Source, ddl, introspect};
use mcpgen::model::{
    DataType, Dialect, Key, ParameterMode, Returns, Routine, RoutineKind, Schema, Table, TableKind,
};

/// The live schema of `database`.
async fn live(database: &TempDatabase) -> Schema {
    let (schema, _warnings) = introspect(&Source::Database {
        url: database.url(),
    })
    .await
    .expect("the database reads");
    schema
}

/// The schema of the DDL text `sql`, read as `mcpgen inspect --schema FILE --dialect mysql`
/// reads a file.
fn parse_ddl(sql: &str, file: &str) -> Schema {
    let (mut schema, _warnings) = ddl::parse(sql, Dialect::Mysql, file).expect("the DDL parses");
    schema.link();
    schema
}

fn assert_same_tables(live: &Schema, ddl: &Schema) {
    let names = |schema: &Schema| -> Vec<String> {
        schema.tables.iter().map(Table::qualified_name).collect()
    };
    assert_eq!(names(live), names(ddl), "the tables differ");
    for (live, ddl) in live.tables.iter().zip(&ddl.tables) {
        assert_eq!(
            live, ddl,
            "table {} differs (left: live, right: DDL)",
            live.name
        );
    }
}

/// The two models have the same routines, equal one by one.
fn assert_same_routines(live: &Schema, ddl: &Schema) {
    let names = |schema: &Schema| -> Vec<String> {
        schema.routines.iter().map(|r| r.name.clone()).collect()
    };
    assert_eq!(names(live), names(ddl), "the routines differ");
    for (live, ddl) in live.routines.iter().zip(&ddl.routines) {
        assert_eq!(
            live, ddl,
            "routine {} differs (left: live, right: DDL)",
            live.name
        );
    }
}

fn routine<'s>(schema: &'s Schema, name: &str) -> &'s Routine {
    schema
        .routines
        .iter()
        .find(|routine| routine.name == name)
        .unwrap_or_else(|| panic!("no routine {name}"))
}

fn table<'s>(schema: &'s Schema, name: &str) -> &'s Table {
    schema
        .table(None, name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

/// The DDL of `database` as `mariadb-dump --no-data --routines` writes it (`/*!50001 CREATE
/// VIEW ...*/` blocks after stand-ins for the views, `DELIMITER ;;` routines and triggers,
/// MariaDB's JSON as `longtext ... CHECK (json_valid(col))`).
fn dump(database: &TempDatabase) -> String {
    let env =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let output = Command::new("mariadb-dump")
        .args([
            "--protocol=TCP",
            "-h",
            &env("MCPGEN_MYSQL_HOST", "127.0.0.1"),
            "-P",
            &env("MCPGEN_MYSQL_PORT", "3306"),
            "-u",
            "root",
            "--no-data",
            "--routines",
            &database.name,
        ])
        .output()
        .expect("mariadb-dump runs");
    assert!(
        output.status.success(),
        "mariadb-dump failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the dump is UTF-8")
}

/// A dump of the live database reads as the database does, without warnings.
fn assert_dump_reads_the_same(database: &TempDatabase, live: &Schema) {
    let (mut dumped, warnings) =
        ddl::parse(&dump(database), Dialect::Mysql, "dump.sql").expect("the dump parses");
    dumped.link();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_same_tables(live, &dumped);
    assert_same_routines(live, &dumped);
}

/// Sakila, loaded live: without its own `sakila` database (the view `actor_info` names
/// `sakila.film`, which is the temporary database's own `film` here).
fn sakila_for_a_temporary_database(script: &str) -> String {
    without_database_switches(script).replace("sakila.", "")
}

#[tokio::test]
async fn sakila_reads_the_same_live_and_from_its_ddl() {
    let Some(path) = common::shared_dataset("sakila-mysql/sakila-mv-schema.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Mysql, "sakila") else {
        return;
    };
    let script = std::fs::read_to_string(&path).expect("the script reads");
    database.run(&sakila_for_a_temporary_database(&script));
    let (live, live_warnings) = introspect(&Source::Database {
        url: database.url(),
    })
    .await
    .expect("the database reads");
    let (mut ddl, warnings) =
        ddl::parse(&script, Dialect::Mysql, "sakila-mv-schema.sql").expect("the DDL parses");
    ddl.link();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(live_warnings.is_empty(), "{live_warnings:?}");
    assert_eq!(live.tables.len(), 23);
    assert_same_routines(&live, &ddl);
    assert_eq!(live.database.as_deref(), Some(database.name.as_str()));
    assert_same_tables(&live, &ddl);
    assert_dump_reads_the_same(&database, &live);

    // The MariaDB server skipped the MySQL 5.7 GEOMETRY column, and so did the DDL side.
    assert!(table(&live, "address").column("location").is_none());
    let film = table(&live, "film");
    let rating = film.column("rating").expect("film.rating");
    assert_eq!(rating.data_type, DataType::Enum);
    assert_eq!(
        rating.enum_values,
        strings(&["G", "PG", "PG-13", "R", "NC-17"])
    );
    assert_eq!(rating.default.as_deref(), Some("'G'"));
    let features = film
        .column("special_features")
        .expect("film.special_features");
    assert_eq!(features.data_type, DataType::Set);
    assert_eq!(
        features.sql_type,
        "SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')"
    );
    assert_eq!(
        features.enum_values,
        strings(&[
            "Trailers",
            "Commentaries",
            "Deleted Scenes",
            "Behind the Scenes"
        ])
    );
    let year = film.column("release_year").expect("film.release_year");
    assert_eq!(
        (year.sql_type.as_str(), &year.data_type),
        ("YEAR", &DataType::Year)
    );
    let actor_id = table(&live, "actor")
        .column("actor_id")
        .expect("actor.actor_id");
    assert_eq!(actor_id.sql_type, "SMALLINT UNSIGNED");
    assert_eq!(actor_id.data_type, DataType::UnsignedSmallInt);
    assert!(actor_id.generated && !actor_id.nullable);
    let active = table(&live, "customer")
        .column("active")
        .expect("customer.active");
    assert_eq!(
        (
            active.sql_type.as_str(),
            &active.data_type,
            active.default.as_deref()
        ),
        ("TINYINT(1)", &DataType::Boolean, Some("1"))
    );
    let update = film.column("last_update").expect("film.last_update");
    assert_eq!(update.default.as_deref(), Some("CURRENT_TIMESTAMP"));
    assert_eq!(update.data_type, DataType::TimestampTz);

    let film_actor = table(&live, "film_actor");
    assert_eq!(
        film_actor.primary_key,
        Some(Key {
            name: Some("PRIMARY".to_owned()),
            columns: strings(&["actor_id", "film_id"]),
        })
    );
    let to_actor = film_actor
        .foreign_keys
        .iter()
        .find(|key| key.referenced_table == "actor")
        .expect("film_actor -> actor");
    assert_eq!(to_actor.name.as_deref(), Some("fk_film_actor_actor"));
    assert_eq!(to_actor.referenced_schema, None);
    assert_eq!(to_actor.columns, strings(&["actor_id"]));
    assert!(table(&live, "actor").referenced_by.iter().any(|reference| {
        reference.table == "film_actor"
            && reference.name.as_deref() == Some("fk_film_actor_actor")
            && reference.referenced_columns == strings(&["actor_id"])
    }));
    // An unnamed UNIQUE KEY is named after its first column.
    assert_eq!(
        table(&live, "rental").unique_keys,
        [Key {
            name: Some("rental_date".to_owned()),
            columns: strings(&["rental_date", "inventory_id", "customer_id"]),
        }]
    );

    // Views: typed, nullable as the server says, without defaults.
    let list = table(&live, "customer_list");
    assert_eq!(list.kind, TableKind::View);
    assert_eq!(list.comment, None);
    let name = list.column("name").expect("customer_list.name");
    assert_eq!(
        (name.sql_type.as_str(), name.nullable),
        ("VARCHAR(91)", true)
    );
    let id = list.column("ID").expect("customer_list.ID");
    assert_eq!((id.nullable, id.default.as_deref()), (false, None));
    let film_list = table(&live, "film_list");
    assert!(film_list.column("FID").expect("film_list.FID").nullable);
    assert_eq!(
        film_list
            .column("rating")
            .expect("film_list.rating")
            .enum_values,
        rating.enum_values
    );
    let sales = table(&live, "sales_by_store");
    let total = sales
        .column("total_sales")
        .expect("sales_by_store.total_sales");
    assert_eq!(
        total.data_type,
        DataType::Decimal {
            precision: Some(27),
            scale: Some(2)
        }
    );
}

#[tokio::test]
async fn sakila_routines_read_the_same_live_and_from_its_ddl() {
    let Some(path) = common::shared_dataset("sakila-mysql/sakila-mv-schema.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Mysql, "sakila_routines") else {
        return;
    };
    let script = std::fs::read_to_string(&path).expect("the script reads");
    database.run(&sakila_for_a_temporary_database(&script));
    let live = live(&database).await;
    let ddl = parse_ddl(&script, "sakila-mv-schema.sql");
    assert_same_routines(&live, &ddl);
    let kinds: Vec<(&str, RoutineKind)> = live
        .routines
        .iter()
        .map(|r| (r.name.as_str(), r.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("film_in_stock", RoutineKind::Procedure),
            ("film_not_in_stock", RoutineKind::Procedure),
            ("get_customer_balance", RoutineKind::Function),
            ("inventory_held_by_customer", RoutineKind::Function),
            ("inventory_in_stock", RoutineKind::Function),
            ("rewards_report", RoutineKind::Procedure),
        ]
    );
    for schema in [&live, &ddl] {
        // A procedure that SELECTs to its caller returns result sets, and its OUT value.
        let in_stock = routine(schema, "film_in_stock");
        assert_eq!(in_stock.returns, Returns::ResultSets);
        assert_eq!(in_stock.signature, "INT, INT, INT");
        let modes: Vec<ParameterMode> = in_stock.parameters.iter().map(|p| p.mode).collect();
        assert_eq!(
            modes,
            [ParameterMode::In, ParameterMode::In, ParameterMode::Out]
        );
        assert!(in_stock.read_only, "READS SQL DATA");
        let report = routine(schema, "rewards_report");
        assert_eq!(report.returns, Returns::ResultSets);
        assert_eq!(
            report.comment.as_deref(),
            Some("Provides a customizable report on best customers")
        );
        assert_eq!(report.parameters[1].sql_type, "DECIMAL(10,2) UNSIGNED");
        // Functions return one value, of their RETURNS type.
        assert_eq!(
            routine(schema, "inventory_in_stock").returns,
            Returns::Value {
                sql_type: "TINYINT(1)".to_owned(),
                data_type: DataType::Boolean,
                enum_values: Vec::new(),
            }
        );
        assert_eq!(
            routine(schema, "get_customer_balance").returns,
            Returns::Value {
                sql_type: "DECIMAL(5,2)".to_owned(),
                data_type: DataType::Decimal {
                    precision: Some(5),
                    scale: Some(2)
                },
                enum_values: Vec::new(),
            }
        );
    }
}

/// Routines of mcpgen's own: INOUT parameters, a comment with quotes, `NO SQL`, `MODIFIES SQL
/// DATA` and the default `CONTAINS SQL`, a cursor's and an `INSERT ... SELECT`'s `SELECT`s
/// (no result sets), an `ENUM` parameter, a `CHARSET` and `COLLATE` on types, a body of one
/// statement, and a procedure in versioned comments as dumps write them.
const OWN_ROUTINES: &str = r#"
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), kind ENUM('a','b'));
DELIMITER //
CREATE PROCEDURE add_item(IN p_id INT, IN p_name VARCHAR(40) CHARSET utf8mb4, INOUT p_count BIGINT UNSIGNED)
MODIFIES SQL DATA
COMMENT 'Adds an item, it''s "simple"'
BEGIN
  INSERT INTO items (id, name) SELECT p_id, p_name;
  SET p_count = (SELECT COUNT(*) FROM items);
END //
CREATE PROCEDURE noop() NO SQL BEGIN END //
CREATE PROCEDURE kinds(OUT n INT) READS SQL DATA
BEGIN
  DECLARE c CURSOR FOR SELECT id FROM items;
  SELECT COUNT(*) INTO n FROM items;
END //
CREATE PROCEDURE listing(k ENUM('a','b'))
BEGIN
  IF k = 'a' THEN
    SELECT * FROM items WHERE kind = k;
  END IF;
END //
CREATE FUNCTION shout(s VARCHAR(20)) RETURNS VARCHAR(30) CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci DETERMINISTIC NO SQL
RETURN CONCAT(UPPER(s), '!') //
CREATE FUNCTION twice(n DOUBLE PRECISION) RETURNS DOUBLE RETURN n * 2 //
DELIMITER ;
/*!50003 CREATE*/ /*!50020 DEFINER=`root`@`localhost`*/ /*!50003 PROCEDURE `versioned`(OUT n INT) SET n = 1 */;
"#;

#[tokio::test]
async fn routines_of_our_own_read_the_same_live_and_from_their_ddl() {
    let Some(database) = TempDatabase::create(Server::Mysql, "own_routines") else {
        return;
    };
    database.run(OWN_ROUTINES);
    let live = live(&database).await;
    let (mut ddl, warnings) =
        ddl::parse(OWN_ROUTINES, Dialect::Mysql, "own_routines.sql").expect("the DDL parses");
    ddl.link();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_same_routines(&live, &ddl);
    assert_dump_reads_the_same(&database, &live);
    assert_eq!(live.routines.len(), 7);
    for schema in [&live, &ddl] {
        let add = routine(schema, "add_item");
        assert_eq!(add.returns, Returns::Out);
        assert_eq!(add.parameters[2].mode, ParameterMode::InOut);
        assert_eq!(add.signature, "INT, VARCHAR(40), BIGINT UNSIGNED");
        assert_eq!(
            add.comment.as_deref(),
            Some("Adds an item, it's \"simple\"")
        );
        assert!(!add.read_only, "MODIFIES SQL DATA");
        assert_eq!(routine(schema, "kinds").returns, Returns::Out);
        let noop = routine(schema, "noop");
        assert_eq!(
            (noop.returns.clone(), noop.read_only),
            (Returns::Nothing, true)
        );
        let listing = routine(schema, "listing");
        assert_eq!(listing.returns, Returns::ResultSets);
        assert_eq!(listing.parameters[0].data_type, DataType::Enum);
        assert!(!listing.parameters[0].enum_values.is_empty());
        assert!(!listing.read_only, "CONTAINS SQL by default");
        assert_eq!(
            routine(schema, "shout").returns,
            Returns::Value {
                sql_type: "VARCHAR(30)".to_owned(),
                data_type: DataType::Text,
                enum_values: Vec::new(),
            }
        );
        assert_eq!(routine(schema, "twice").signature, "DOUBLE");
        assert_eq!(routine(schema, "versioned").returns, Returns::Out);
    }
}

#[tokio::test]
async fn chinook_reads_the_same_live_and_from_its_ddl() {
    let Some(path) = common::shared_dataset("chinook/Chinook_MySql.sql") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Mysql, "chinook") else {
        return;
    };
    let script = std::fs::read_to_string(&path).expect("the script reads");
    database.run(&without_database_switches(&script));
    let live = live(&database).await;
    let (mut ddl, warnings) =
        ddl::parse(&script, Dialect::Mysql, "Chinook_MySql.sql").expect("the DDL parses");
    ddl.link();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(live.tables.len(), 11);
    assert_same_tables(&live, &ddl);
    // `NVARCHAR(160)` is created as `VARCHAR(160)`; `USE Chinook` makes it the default schema.
    let album = table(&ddl, "Album");
    assert_eq!(album.schema, None);
    assert_eq!(
        album.column("Title").expect("Album.Title").sql_type,
        "VARCHAR(160)"
    );
    // ALTER TABLE ... ADD CONSTRAINT foreign keys, both ways.
    let track = table(&live, "Track");
    let referenced: Vec<&str> = track
        .foreign_keys
        .iter()
        .map(|key| key.referenced_table.as_str())
        .collect();
    assert_eq!(referenced, ["Album", "Genre", "MediaType"]);
    assert!(
        table(&live, "Employee")
            .referenced_by
            .iter()
            .any(|reference| reference.table == "Employee" && reference.columns == ["ReportsTo"])
    );
}

#[tokio::test]
async fn glpi_reads_the_same_live_and_from_its_ddl() {
    let Some(path) = common::shared_dataset("big-schemas/glpi-10.0.17-empty.sql.gz") else {
        return;
    };
    let Some(database) = TempDatabase::create(Server::Mysql, "glpi") else {
        return;
    };
    let unzipped = Command::new("zcat").arg(&path).output().expect("zcat runs");
    assert!(unzipped.status.success(), "zcat failed");
    let script = String::from_utf8(unzipped.stdout).expect("the script is UTF-8");
    database.run(&script);
    let live = live(&database).await;
    let (mut ddl, warnings) =
        ddl::parse(&script, Dialect::Mysql, "glpi-10.0.17-empty.sql").expect("the DDL parses");
    ddl.link();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(live.tables.len(), 390);
    let columns: usize = live.tables.iter().map(|t| t.columns.len()).sum();
    assert!(columns > 4000, "{columns} columns");
    assert!(live.tables.iter().all(|t| t.foreign_keys.is_empty()));
    assert_same_tables(&live, &ddl);
    assert!(live.routines.is_empty() && ddl.routines.is_empty());
    let alerts = table(&live, "glpi_alerts");
    assert_eq!(
        alerts
            .column("items_id")
            .map(|c| (c.data_type.clone(), c.default.clone())),
        Some((DataType::UnsignedInteger, Some("0".to_owned())))
    );
    assert_eq!(alerts.unique_keys[0].name.as_deref(), Some("unicity"));
    // GLPI's flags are `tinyint` without the display width 1 that would make them booleans.
    let flags: Vec<&DataType> = live
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter(|c| c.name.starts_with("is_"))
        .map(|c| &c.data_type)
        .collect();
    let tiny = flags.iter().filter(|t| ***t == DataType::TinyInt).count();
    assert!(
        tiny > 300,
        "{tiny} of {} is_* columns are TINYINT",
        flags.len()
    );
    assert!(!flags.contains(&&DataType::Boolean));
}

/// A schema of our own with what the datasets lack: comments, a JSON column, a CHECK IN
/// column, a composite foreign key, generated and auto-increment columns.
const REVIEWS: &str = "
CREATE TABLE author (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'The author''s id',
  name VARCHAR(100) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB COMMENT='People who write';

CREATE TABLE edition (
  book_id INT NOT NULL,
  number SMALLINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  PRIMARY KEY (book_id, number)
);

CREATE TABLE review (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  book_id INT NOT NULL,
  edition_number SMALLINT NOT NULL,
  author_id INT UNSIGNED,
  data JSON,
  status VARCHAR(10) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retracted')),
  stars TINYINT UNSIGNED,
  stars_doubled SMALLINT AS (stars * 2) VIRTUAL,
  status_upper VARCHAR(10) GENERATED ALWAYS AS (upper(status)) STORED,
  featured BOOLEAN NOT NULL DEFAULT FALSE,
  flags BIT(3) DEFAULT b'101',
  score DECIMAL(4,1) DEFAULT 0,
  price DOUBLE DEFAULT 1.50,
  published DATE DEFAULT '2020-1-2',
  published_at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  note TEXT COMMENT '',
  CONSTRAINT fk_review_edition FOREIGN KEY (book_id, edition_number)
    REFERENCES edition (book_id, number),
  FOREIGN KEY (author_id) REFERENCES author (id),
  UNIQUE KEY (book_id, author_id),
  KEY by_status (status)
) COMMENT 'What readers think';

CREATE VIEW review_summary AS
SELECT r.id, a.id AS author_id, a.name AS author, r.status, r.stars,
       CONCAT(a.name, ': ', r.status) AS label, COUNT(*) AS n
FROM review r LEFT JOIN author a ON a.id = r.author_id
GROUP BY r.id;
";

#[tokio::test]
async fn comments_json_checks_composite_keys_and_generated_columns_read_the_same_both_ways() {
    let Some(database) = TempDatabase::create(Server::Mysql, "reviews") else {
        return;
    };
    database.run(REVIEWS);
    let live = live(&database).await;
    let ddl = parse_ddl(REVIEWS, "reviews.sql");
    assert_same_tables(&live, &ddl);
    assert_dump_reads_the_same(&database, &live);

    let author = table(&live, "author");
    assert_eq!(author.comment.as_deref(), Some("People who write"));
    let id = author.column("id").expect("author.id");
    assert_eq!(id.comment.as_deref(), Some("The author's id"));
    assert_eq!(id.data_type, DataType::UnsignedInteger);
    assert!(id.generated);

    let review = table(&live, "review");
    assert_eq!(review.comment.as_deref(), Some("What readers think"));
    let column = |name: &str| review.column(name).expect(name);
    // MariaDB's JSON is a LONGTEXT with CHECK (json_valid(data)); it reads as JSON.
    assert_eq!(
        (column("data").sql_type.as_str(), &column("data").data_type),
        ("JSON", &DataType::Json)
    );
    assert_eq!(
        column("status").enum_values,
        strings(&["draft", "published", "retracted"])
    );
    assert_eq!(column("status").default.as_deref(), Some("'draft'"));
    let generated: Vec<&str> = review
        .columns
        .iter()
        .filter(|c| c.generated)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(generated, ["id", "stars_doubled", "status_upper"]);
    let defaults: Vec<(&str, Option<&str>)> = review
        .columns
        .iter()
        .filter(|c| c.default.is_some())
        .map(|c| (c.name.as_str(), c.default.as_deref()))
        .collect();
    assert_eq!(
        defaults,
        [
            ("status", Some("'draft'")),
            ("featured", Some("0")),
            ("flags", Some("b'101'")),
            ("score", Some("0.0")),
            ("price", Some("1.5")),
            ("published", Some("'2020-01-02'")),
            ("published_at", Some("CURRENT_TIMESTAMP(3)")),
            ("created", Some("CURRENT_TIMESTAMP")),
        ]
    );
    assert_eq!(column("note").comment, None);
    assert_eq!(column("featured").data_type, DataType::Boolean);
    assert_eq!(column("flags").data_type, DataType::UnsignedBigInt);

    let composite = review
        .foreign_keys
        .iter()
        .find(|key| key.name.as_deref() == Some("fk_review_edition"))
        .expect("the composite foreign key");
    assert_eq!(composite.columns, strings(&["book_id", "edition_number"]));
    assert_eq!(composite.referenced_table, "edition");
    assert_eq!(
        composite.referenced_columns,
        strings(&["book_id", "number"])
    );
    let unnamed = review
        .foreign_keys
        .iter()
        .find(|key| key.referenced_table == "author")
        .expect("the foreign key to author");
    assert_eq!(unnamed.name.as_deref(), Some("review_ibfk_1"));
    assert_eq!(
        review.unique_keys,
        [Key {
            name: Some("book_id".to_owned()),
            columns: strings(&["book_id", "author_id"]),
        }]
    );
    let edition = table(&live, "edition");
    assert_eq!(
        edition.primary_key.as_ref().map(|key| key.columns.clone()),
        Some(strings(&["book_id", "number"]))
    );
    assert!(edition.referenced_by.iter().any(|reference| {
        reference.table == "review"
            && reference.columns == strings(&["book_id", "edition_number"])
            && reference.referenced_columns == strings(&["book_id", "number"])
    }));

    let summary = table(&live, "review_summary");
    assert_eq!(summary.kind, TableKind::View);
    let nullable: Vec<(&str, bool)> = summary
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.nullable))
        .collect();
    assert_eq!(
        nullable,
        [
            ("id", false),
            ("author_id", true),
            ("author", true),
            ("status", false),
            ("stars", true),
            ("label", true),
            ("n", false),
        ]
    );
    let author_id = summary
        .column("author_id")
        .expect("review_summary.author_id");
    assert_eq!(author_id.comment.as_deref(), Some("The author's id"));
    assert!(!author_id.generated && author_id.default.is_none());
    assert_eq!(
        summary.column("label").map(|c| c.sql_type.as_str()),
        Some("VARCHAR(112)")
    );
}

#[tokio::test]
async fn mariadb_urls_read_the_same_database() {
    let Some(database) = TempDatabase::create(Server::Mysql, "scheme") else {
        return;
    };
    database.run("CREATE TABLE t (id INT PRIMARY KEY);");
    let url = database.url().replacen("mysql://", "mariadb://", 1);
    let (schema, _) = introspect(&Source::Database { url })
        .await
        .expect("a mariadb:// URL reads");
    assert_eq!(schema.dialect, Dialect::Mysql);
    assert_eq!(schema.tables.len(), 1);
    assert_eq!(schema.tables[0].schema, None);
    assert!(schema.routines.is_empty());
}

#[tokio::test]
async fn a_url_without_a_database_or_server_is_a_one_line_error() {
    let error = introspect(&Source::Database {
        url: "mysql://root:secret@127.0.0.1:3306".to_owned(),
    })
    .await
    .expect_err("no database named");
    let message = error.to_string();
    assert!(
        matches!(error, IntrospectError::Database { .. }),
        "{message}"
    );
    assert!(message.contains("/DBNAME"), "{message}");
    assert!(!message.contains("secret"), "{message}");

    let error = introspect(&Source::Database {
        url: "mariadb://root:secret@127.0.0.1:1/shop".to_owned(),
    })
    .await
    .expect_err("nothing listens on port 1");
    let message = error.to_string();
    assert!(
        matches!(error, IntrospectError::Database { .. }),
        "{message}"
    );
    assert!(
        !message.contains("secret") && !message.contains('\n'),
        "{message}"
    );
}

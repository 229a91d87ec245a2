//! Live introspection and DDL parsing of the same SQLite schema give the same model.

mod common;

use mcpgen::introspect::{Source, introspect};
use mcpgen::model::{Dialect, Schema};

async fn read(source: Source) -> Schema {
    let (schema, _warnings) = introspect(&source).await.expect("the schema reads");
    schema
}

async fn assert_same_tables(live: Schema, ddl: Schema) {
    assert_eq!(live.tables.len(), ddl.tables.len(), "table counts differ");
    for (live, ddl) in live.tables.iter().zip(&ddl.tables) {
        assert_eq!(live, ddl, "table {} differs", live.name);
    }
}

#[tokio::test]
async fn the_sample_database_reads_the_same_live_and_from_its_ddl() {
    let script = common::repo().join("examples/sample/sample.sql");
    let dir = common::scratch("sample-live-ddl");
    let url = common::sqlite_from_script(&script, &dir.join("sample.db")).await;
    let live = read(Source::Database { url }).await;
    let ddl = read(Source::Ddl {
        path: script,
        dialect: Dialect::Sqlite,
    })
    .await;
    assert_eq!(live.tables.len(), 8);
    assert_same_tables(live, ddl).await;
}

#[tokio::test]
async fn chinook_reads_the_same_live_and_from_its_ddl() {
    let (Some(database), Some(script)) = (
        common::shared_dataset("chinook/Chinook_Sqlite.sqlite"),
        common::shared_dataset("chinook/Chinook_Sqlite.sql"),
    ) else {
        return;
    };
    let live = read(Source::Database {
        url: format!("sqlite://{}", database.display()),
    })
    .await;
    let ddl = read(Source::Ddl {
        path: script,
        dialect: Dialect::Sqlite,
    })
    .await;
    assert_eq!(live.tables.len(), 11);
    assert_same_tables(live, ddl).await;
}

#[tokio::test]
async fn every_relationship_is_known_in_both_directions() {
    let Some(database) = common::shared_dataset("chinook/Chinook_Sqlite.sqlite") else {
        return;
    };
    let schema = read(Source::Database {
        url: format!("sqlite://{}", database.display()),
    })
    .await;
    let track = schema.table(None, "Track").expect("Track");
    let referenced: Vec<&str> = track
        .foreign_keys
        .iter()
        .map(|key| key.referenced_table.as_str())
        .collect();
    assert_eq!(referenced, ["Album", "Genre", "MediaType"]);
    let album = schema.table(None, "Album").expect("Album");
    assert!(
        album
            .referenced_by
            .iter()
            .any(|reference| reference.table == "Track" && reference.columns == ["AlbumId"])
    );
}

#[tokio::test]
async fn a_column_holding_values_its_type_cannot_read_is_served_as_stored_with_a_warning() {
    let dir = common::scratch("unreadable-values");
    let script = dir.join("odd.sql");
    std::fs::write(
        &script,
        "CREATE TABLE odd (id INTEGER PRIMARY KEY, n INTEGER, day DATE, at DATETIME, price NUMERIC, ok INTEGER);\n\
         INSERT INTO odd VALUES (1, 5, '2016-07-04', '2016-07-04', 1.5, 1);\n\
         INSERT INTO odd VALUES (2, 'five', 'garbage', 2457573.5, 'cheap', 2);\n",
    )
    .expect("the script is written");
    let url = common::sqlite_from_script(&script, &dir.join("odd.db")).await;
    let (live, warnings) = introspect(&Source::Database { url })
        .await
        .expect("the schema reads");
    let odd = &live.tables[0];
    let data_type = |name: &str| odd.column(name).expect(name).data_type.clone();
    // Text in an INTEGER column, text SQLite's date functions cannot read in a DATE one,
    // and text that is no number in a NUMERIC one: served as stored.
    for name in ["n", "day", "price"] {
        assert_eq!(data_type(name), mcpgen::model::DataType::Dynamic, "{name}");
        assert!(
            warnings
                .iter()
                .any(|w| w.location == format!("odd.{name}")
                    && w.message.contains("served as stored")),
            "no warning for {name}: {warnings:?}"
        );
    }
    // A julian day number is a date and time SQLite reads; the rest read as their types.
    assert_eq!(data_type("at"), mcpgen::model::DataType::Timestamp);
    assert_eq!(data_type("ok"), mcpgen::model::DataType::BigInt);
    let day = warnings
        .iter()
        .find(|w| w.location == "odd.day")
        .expect("a warning");
    assert!(day.message.contains("'garbage'"), "{}", day.message);
}

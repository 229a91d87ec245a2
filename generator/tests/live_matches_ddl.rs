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

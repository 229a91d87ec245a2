//! The authorization store (`[auth] store`): what must survive a restart and be shared by
//! replicas (API keys, OAuth clients, authorization codes, refresh-token families, signing
//! keys, revocations), as records of JSON by kind and id, each with an optional expiry.
//!
//! One interface, two backends: a SQLite file (the default) and Redis (`redis://...`, when
//! several replicas share it). Every operation that decides something (a code redeemed once, a
//! refresh token rotated once) is atomic in both. [`Store::open`] picks the backend from
//! `[auth] store`: a `redis://` or `rediss://` URL, else a SQLite file.

mod redis;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

pub use self::redis::{DEFAULT_PREFIX, RedisStore};
use crate::config::{AuthConfig, is_redis_url, redacted};

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// The store cannot be reached, read or written.
#[derive(Debug, thiserror::Error)]
#[error("the authorization store {store}: {message}")]
pub struct StoreError {
    /// The store, as `[auth] store` names it (never a password: see [`redacted`]).
    pub store: String,
    /// What went wrong.
    pub message: String,
}

impl StoreError {
    /// `error` of the store named `store`.
    fn of(store: &str, error: &dyn std::fmt::Display) -> Self {
        Self {
            store: store.to_owned(),
            message: error.to_string(),
        }
    }
}

/// A record's JSON text, read back from the store named `store`.
fn decode(store: &str, text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::of(store, &error))
}

/// The authorization store.
pub enum Store {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// A Redis shared by replicas.
    Redis(RedisStore),
}

impl Store {
    /// Opens the store `[auth] store` names: a Redis at a `redis://` or `rediss://` URL, else
    /// a SQLite file (relative to the config file's directory).
    pub async fn open(auth: &AuthConfig) -> Result<Self, StoreError> {
        auth.check_store().map_err(|message| StoreError {
            store: redacted(&auth.store),
            message,
        })?;
        if is_redis_url(&auth.store) {
            RedisStore::open(&auth.store).await.map(Store::Redis)
        } else {
            Self::open_sqlite(&auth.store_path()).await
        }
    }

    /// Opens the store `[auth] store` names: `path` is the SQLite file (relative paths already
    /// resolved by the caller).
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        SqliteStore::open(path).await.map(Store::Sqlite)
    }

    /// The store as errors and logs name it: its file, or its URL without the password.
    pub fn name(&self) -> &str {
        match self {
            Store::Sqlite(store) => &store.path,
            Store::Redis(store) => store.name(),
        }
    }

    /// Adds the record `kind`/`id` unless one is live already; `false` when one was.
    pub async fn insert(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
        expires_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(store) => store.insert(kind, id, value, expires_at).await,
            Store::Redis(store) => store.insert(kind, id, value, expires_at).await,
        }
    }

    /// Writes the record `kind`/`id`, replacing any.
    pub async fn put(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(store) => store.put(kind, id, value, expires_at).await,
            Store::Redis(store) => store.put(kind, id, value, expires_at).await,
        }
    }

    /// The live record `kind`/`id` (an expired one is gone).
    pub async fn get(&self, kind: &str, id: &str) -> Result<Option<Value>, StoreError> {
        match self {
            Store::Sqlite(store) => store.get(kind, id).await,
            Store::Redis(store) => store.get(kind, id).await,
        }
    }

    /// Replaces the live record `kind`/`id` with `value`, keeping its expiry, and returns
    /// what it held, atomically: of two callers racing, one sees the old value and the other
    /// the new. `None` (and nothing written) when there is no live record.
    pub async fn replace(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
    ) -> Result<Option<Value>, StoreError> {
        match self {
            Store::Sqlite(store) => store.replace(kind, id, value).await,
            Store::Redis(store) => store.replace(kind, id, value).await,
        }
    }

    /// Removes the record `kind`/`id`; `false` when there was none.
    pub async fn remove(&self, kind: &str, id: &str) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(store) => store.remove(kind, id).await,
            Store::Redis(store) => store.remove(kind, id).await,
        }
    }

    /// Every live record of `kind`, as (id, value), in no particular order.
    pub async fn list(&self, kind: &str) -> Result<Vec<(String, Value)>, StoreError> {
        match self {
            Store::Sqlite(store) => store.list(kind).await,
            Store::Redis(store) => store.list(kind).await,
        }
    }
}

/// The store in a SQLite file: one table of records.
pub struct SqliteStore {
    pool: SqlitePool,
    path: String,
}

/// A row's value and expiry.
type Row = (String, Option<i64>);

impl SqliteStore {
    /// Opens (creating when missing) the store at `path`, and drops expired records.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let display = path.display().to_string();
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|error| StoreError {
                store: display.clone(),
                message: error.to_string(),
            })?;
        let store = Self {
            pool,
            path: display,
        };
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS records (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                value TEXT NOT NULL,
                expires_at INTEGER,
                PRIMARY KEY (kind, id)
            )",
        )
        .execute(&store.pool)
        .await
        .map_err(|error| store.error(&error))?;
        sqlx::query("DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?")
            .bind(now())
            .execute(&store.pool)
            .await
            .map_err(|error| store.error(&error))?;
        Ok(store)
    }

    /// The file's connections, for what reads it beside the records (the import of keys
    /// kept in their own table before the store).
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn error(&self, error: &dyn std::fmt::Display) -> StoreError {
        StoreError::of(&self.path, error)
    }

    fn decode(&self, text: &str) -> Result<Value, StoreError> {
        decode(&self.path, text)
    }

    async fn insert(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
        expires_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        // An expired record does not hold its id.
        let done = sqlx::query(
            "INSERT INTO records (kind, id, value, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
             WHERE records.expires_at IS NOT NULL AND records.expires_at <= ?",
        )
        .bind(kind)
        .bind(id)
        .bind(value.to_string())
        .bind(expires_at)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(|error| self.error(&error))?;
        Ok(done.rows_affected() == 1)
    }

    async fn put(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO records (kind, id, value, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
        )
        .bind(kind)
        .bind(id)
        .bind(value.to_string())
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(|error| self.error(&error))?;
        Ok(())
    }

    async fn get(&self, kind: &str, id: &str) -> Result<Option<Value>, StoreError> {
        let row: Option<Row> =
            sqlx::query_as("SELECT value, expires_at FROM records WHERE kind = ? AND id = ?")
                .bind(kind)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|error| self.error(&error))?;
        match row {
            Some((value, expires_at)) if live(expires_at) => self.decode(&value).map(Some),
            _ => Ok(None),
        }
    }

    async fn replace(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
    ) -> Result<Option<Value>, StoreError> {
        // `UPDATE ... RETURNING` returns the new row; the old one is read in the same
        // write transaction, which SQLite runs one at a time.
        let mut transaction = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|error| self.error(&error))?;
        let row: Option<Row> =
            sqlx::query_as("SELECT value, expires_at FROM records WHERE kind = ? AND id = ?")
                .bind(kind)
                .bind(id)
                .fetch_optional(&mut *transaction)
                .await
                .map_err(|error| self.error(&error))?;
        let old = match row {
            Some((old, expires_at)) if live(expires_at) => old,
            _ => return Ok(None),
        };
        sqlx::query("UPDATE records SET value = ? WHERE kind = ? AND id = ?")
            .bind(value.to_string())
            .bind(kind)
            .bind(id)
            .execute(&mut *transaction)
            .await
            .map_err(|error| self.error(&error))?;
        transaction
            .commit()
            .await
            .map_err(|error| self.error(&error))?;
        self.decode(&old).map(Some)
    }

    async fn remove(&self, kind: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM records WHERE kind = ? AND id = ?")
            .bind(kind)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|error| self.error(&error))?;
        Ok(done.rows_affected() == 1)
    }

    async fn list(&self, kind: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let rows: Vec<(String, String, Option<i64>)> =
            sqlx::query_as("SELECT id, value, expires_at FROM records WHERE kind = ?")
                .bind(kind)
                .fetch_all(&self.pool)
                .await
                .map_err(|error| self.error(&error))?;
        rows.into_iter()
            .filter(|(_, _, expires_at)| live(*expires_at))
            .map(|(id, value, _)| Ok((id, self.decode(&value)?)))
            .collect()
    }
}

/// Whether a record with this expiry is live now.
fn live(expires_at: Option<i64>) -> bool {
    expires_at.is_none_or(|expires_at| expires_at > now())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// The same checks for every backend: the Redis store runs them too.
    pub(crate) async fn behaves_as_a_store(store: &Store) {
        let kind = format!("test{}", std::process::id());
        assert!(
            store
                .insert(&kind, "a", &json!({"n": 1}), None)
                .await
                .unwrap()
        );
        assert!(
            !store
                .insert(&kind, "a", &json!({"n": 2}), None)
                .await
                .unwrap(),
            "a live id is not taken twice"
        );
        assert_eq!(store.get(&kind, "a").await.unwrap(), Some(json!({"n": 1})));
        assert_eq!(
            store.replace(&kind, "a", &json!({"n": 3})).await.unwrap(),
            Some(json!({"n": 1}))
        );
        assert_eq!(
            store.replace(&kind, "a", &json!({"n": 4})).await.unwrap(),
            Some(json!({"n": 3}))
        );
        assert_eq!(store.replace(&kind, "none", &json!(0)).await.unwrap(), None);
        assert_eq!(store.get(&kind, "none").await.unwrap(), None);
        store
            .put(&kind, "old", &json!("x"), Some(now() - 1))
            .await
            .unwrap();
        assert_eq!(store.get(&kind, "old").await.unwrap(), None, "expired");
        assert!(
            store
                .insert(&kind, "old", &json!("y"), Some(now() + 60))
                .await
                .unwrap(),
            "an expired record does not hold its id"
        );
        let mut listed = store.list(&kind).await.unwrap();
        listed.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            listed,
            vec![
                ("a".to_owned(), json!({"n": 4})),
                ("old".to_owned(), json!("y"))
            ]
        );
        assert!(store.remove(&kind, "a").await.unwrap());
        assert!(!store.remove(&kind, "a").await.unwrap());
        assert!(store.remove(&kind, "old").await.unwrap());
        assert!(store.list(&kind).await.unwrap().is_empty());
    }

    /// The Redis the tests use (`MCPGEN_TEST_REDIS`, default the machine's, database 15).
    fn redis_base() -> String {
        std::env::var("MCPGEN_TEST_REDIS")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "redis://127.0.0.1:6379/15".to_owned())
    }

    /// A URL of the test Redis with a prefix of its own, so that tests and runs do not meet.
    pub(crate) fn redis_url(test: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        format!(
            "{}?prefix=mcpgen-test-{test}-{}-{nanos}",
            redis_base(),
            std::process::id()
        )
    }

    /// The Redis store at `url`; `None`, the reason printed, when no Redis answers (a panic
    /// instead with `MCPGEN_REQUIRE_SERVICES=1`).
    pub(crate) async fn redis_store(url: &str) -> Option<Store> {
        match RedisStore::open(url).await {
            Ok(store) => Some(Store::Redis(store)),
            Err(error) => {
                assert!(
                    std::env::var("MCPGEN_REQUIRE_SERVICES").as_deref() != Ok("1"),
                    "{error}, and MCPGEN_REQUIRE_SERVICES=1"
                );
                #[allow(clippy::print_stdout, reason = "a skipped test says why")]
                {
                    println!("skipped: {error}");
                }
                None
            }
        }
    }

    /// Removes every key of a test's Redis store.
    pub(crate) async fn clear(store: &Store) {
        if let Store::Redis(redis) = store {
            redis.clear().await.unwrap();
        }
    }

    #[tokio::test]
    async fn the_redis_store_behaves_as_the_sqlite_one_and_keeps_records_across_a_reopen() {
        let url = redis_url("store");
        let Some(store) = redis_store(&url).await else {
            return;
        };
        behaves_as_a_store(&store).await;
        store
            .put("kept", "k", &json!({"revoked": true}), None)
            .await
            .unwrap();
        store
            .put("kept:x", "k", &json!("another kind"), None)
            .await
            .unwrap();
        drop(store);
        let store = redis_store(&url).await.unwrap();
        assert_eq!(
            store.get("kept", "k").await.unwrap(),
            Some(json!({"revoked": true}))
        );
        assert_eq!(
            store.list("kept").await.unwrap(),
            vec![("k".to_owned(), json!({"revoked": true}))],
            "a kind's keys never begin another kind's"
        );
        clear(&store).await;
        assert!(store.list("kept").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_redis_record_expires_at_its_time_and_replace_keeps_the_expiry() {
        let Some(store) = redis_store(&redis_url("expiry")).await else {
            return;
        };
        store
            .put("code", "c", &json!(1), Some(now() + 2))
            .await
            .unwrap();
        assert_eq!(
            store.replace("code", "c", &json!(2)).await.unwrap(),
            Some(json!(1))
        );
        tokio::time::sleep(Duration::from_millis(3100)).await;
        assert_eq!(store.get("code", "c").await.unwrap(), None, "expired");
        assert_eq!(store.replace("code", "c", &json!(3)).await.unwrap(), None);
        assert_eq!(
            store.get("code", "c").await.unwrap(),
            None,
            "nothing written"
        );
        clear(&store).await;
    }

    #[tokio::test]
    async fn a_dropped_redis_connection_is_made_again_without_failing_a_read() {
        let url = redis_url("reconnect");
        let Some(store) = redis_store(&url).await else {
            return;
        };
        let Store::Redis(redis) = &store else {
            unreachable!()
        };
        store.put("key", "k", &json!(1), None).await.unwrap();
        // The store's own connection is closed by the server, as a restart or a proxy would.
        let id = redis.client_id().await.unwrap();
        let killer = RedisStore::open(&url).await.unwrap();
        killer.kill_client(id).await.unwrap();
        assert_eq!(store.get("key", "k").await.unwrap(), Some(json!(1)));
        assert_eq!(store.list("key").await.unwrap().len(), 1);
        store.put("key", "k", &json!(2), None).await.unwrap();
        clear(&store).await;
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_refused_quickly_naming_the_url_without_its_password() {
        let started = std::time::Instant::now();
        // Nothing listens on port 1; 192.0.2.1 (TEST-NET-1) drops what is sent to it.
        for url in [
            "redis://:hunter2@127.0.0.1:1/0",
            "redis://:hunter2@192.0.2.1:6379/0",
        ] {
            let Err(error) = RedisStore::open(url).await else {
                panic!("{url} answered");
            };
            let message = error.to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(
                message.contains("127.0.0.1:1") || message.contains("192.0.2.1"),
                "{message}"
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn the_store_s_backend_follows_auth_store() {
        let mut auth = AuthConfig {
            store: "ftp://example".to_owned(),
            ..AuthConfig::default()
        };
        let Err(error) = Store::open(&auth).await else {
            panic!("ftp:// opened");
        };
        assert!(error.to_string().contains("redis://"), "{error}");
        auth.store = redis_url("open");
        if let Some(store) = redis_store(&auth.store).await {
            drop(store);
            let store = Store::open(&auth).await.unwrap();
            assert!(matches!(store, Store::Redis(_)));
            assert!(store.name().starts_with("redis://"), "{}", store.name());
        }
    }

    #[tokio::test]
    async fn the_sqlite_store_keeps_records_across_a_reopen() {
        let path = std::env::temp_dir().join(format!("mcpgen-store-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = Store::open_sqlite(&path).await.unwrap();
        behaves_as_a_store(&store).await;
        store
            .put("kept", "k", &json!({"revoked": true}), None)
            .await
            .unwrap();
        drop(store);
        let store = Store::open_sqlite(&path).await.unwrap();
        assert_eq!(
            store.get("kept", "k").await.unwrap(),
            Some(json!({"revoked": true}))
        );
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn of_racing_replacements_each_sees_a_different_old_value() {
        let path =
            std::env::temp_dir().join(format!("mcpgen-store-race-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = std::sync::Arc::new(Store::open_sqlite(&path).await.unwrap());
        each_replacement_sees_a_different_old_value(store).await;
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn of_racing_replacements_in_redis_each_sees_a_different_old_value() {
        let url = redis_url("race");
        let Some(store) = redis_store(&url).await else {
            return;
        };
        let store = std::sync::Arc::new(store);
        each_replacement_sees_a_different_old_value(std::sync::Arc::clone(&store)).await;
        // Replicas race through connections of their own.
        let other = std::sync::Arc::new(redis_store(&url).await.unwrap());
        each_replacement_sees_a_different_old_value(other).await;
        clear(&store).await;
    }

    /// Eight replacements of one record at once: each returns a different old value.
    async fn each_replacement_sees_a_different_old_value(store: std::sync::Arc<Store>) {
        store.put("code", "c", &json!(0), None).await.unwrap();
        let mut tasks = Vec::new();
        for n in 1..=8 {
            let store = std::sync::Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                store.replace("code", "c", &json!(n)).await.unwrap()
            }));
        }
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap().unwrap());
        }
        seen.sort_by_key(|value| value.as_i64());
        seen.dedup();
        assert_eq!(seen.len(), 8, "every old value was seen once: {seen:?}");
    }
}

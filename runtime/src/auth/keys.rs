//! API keys (`NAME keys create|list|revoke`): made of random bytes, shown once, kept hashed
//! with argon2id in the authorization store ([`Store`]: a SQLite file or a shared Redis),
//! looked up by their id and checked with argon2.
//!
//! A key reads `mcpk_<id>_<secret>`: `id` is 16 hex digits (8 random bytes; it names the
//! record, and is no secret), `secret` 32 random bytes in unpadded base64url. Only the secret's
//! argon2id hash is stored.
//!
//! In the store, a key is the record `api_key`/`ID` ([`KeyRecord`]: name, hash, scopes,
//! created, expires, revoked; revoked keys are kept, and listed), and each live key's name
//! the record `api_key_name`/`NAME` holding its id, inserted only if absent, so that two
//! replicas cannot both give out one name. A revocation marks the key, then frees its name;
//! `keys revoke` run again finishes one that was cut off in between.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Caller;
use super::store::{Store, StoreError, now};
use crate::tools::scope::Scopes;

/// What every key starts with.
pub const PREFIX: &str = "mcpk_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;
/// The store's kind of a key's record, by the key's id.
pub const KIND: &str = "api_key";
/// The store's kind of a live key's name, holding the key's id.
pub const NAME_KIND: &str = "api_key_name";

/// The store cannot be used, or refuses what was asked.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The store cannot be reached, read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No randomness from the operating system.
    #[error("cannot make a key: the operating system gave no random bytes ({0})")]
    Random(String),
    /// Hashing failed.
    #[error("cannot hash the key: {0}")]
    Hash(String),
    /// A live key already has this name.
    #[error(
        "a key named {0:?} exists already: revoke it first (keys revoke {0}) or choose another name"
    )]
    NameTaken(String),
    /// No live key has this name.
    #[error("no live key is named {0:?}; keys list shows them")]
    NoSuchKey(String),
}

/// A key as `keys list` shows it: never the key, nor its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// Its name.
    pub name: String,
    /// Its scopes, space-separated.
    pub scopes: String,
    /// When it was made (seconds since the Unix epoch).
    pub created: i64,
    /// When it stops working, if ever.
    pub expires: Option<i64>,
    /// When it was revoked, if it was.
    pub revoked: Option<i64>,
}

/// A key's record in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Its name.
    pub name: String,
    /// The argon2id hash of its secret, in PHC form.
    pub hash: String,
    /// Its scopes, space-separated.
    pub scopes: String,
    /// When it was made (seconds since the Unix epoch).
    pub created: i64,
    /// When it stops working, if ever.
    pub expires: Option<i64>,
    /// When it was revoked, if it was.
    pub revoked: Option<i64>,
}

/// A row of the table `api_keys` that keys were kept in before the store: id, name, hash,
/// scopes, created, expires, revoked.
type OldRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

/// The API keys, in the authorization store.
pub struct KeyStore {
    store: Arc<Store>,
    /// The secret each id was last verified with: argon2 runs once per key and process, not
    /// per request. The record (revocation, expiry) is read on every request all the same, so
    /// a key revoked through one replica is refused by all.
    verified: Mutex<HashMap<String, String>>,
}

/// A duration as `keys create --expires-in` takes it: a number and a unit, `s`, `m`, `h`,
/// `d` or `w` (`30d`, `12h`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => 0,
    };
    match number.parse::<u64>() {
        Ok(count) if count > 0 && seconds > 0 => count
            .checked_mul(seconds)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("{text:?} is too long")),
        _ => Err(format!(
            "{text:?} is not a duration: a number and a unit, s, m, h, d or w (e.g. 30d)"
        )),
    }
}

/// A new key's id and secret, from the operating system's random bytes.
fn generate() -> Result<(String, String), KeyError> {
    let mut id = [0u8; ID_BYTES];
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut id)
        .and_then(|()| getrandom::fill(&mut secret))
        .map_err(|error| KeyError::Random(error.to_string()))?;
    let id: String = id.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok((id, URL_SAFE_NO_PAD.encode(secret)))
}

/// A key's id and secret, when `token` has a key's form.
pub fn parse(token: &str) -> Option<(&str, &str)> {
    let (id, secret) = token.strip_prefix(PREFIX)?.split_once('_')?;
    let id_ok = id.len() == ID_BYTES * 2 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let secret_ok = URL_SAFE_NO_PAD
        .decode(secret)
        .is_ok_and(|bytes| bytes.len() == SECRET_BYTES);
    (id_ok && secret_ok).then_some((id, secret))
}

/// The argon2id hash of a secret, in PHC form (its salt and parameters with it).
fn hash(secret: &str) -> Result<String, KeyError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| KeyError::Hash(error.to_string()))
}

/// Whether `secret` is the one `hash` was made of.
fn verify(secret: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(secret.as_bytes(), hash)
        .is_ok()
}

/// Compares two strings in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl KeyStore {
    /// The keys of `store`. A SQLite store that still has the table `api_keys` of earlier
    /// versions has its rows imported, once, so that no key vanishes.
    pub async fn open(store: Arc<Store>) -> Result<Self, KeyError> {
        let keys = Self {
            store,
            verified: Mutex::new(HashMap::new()),
        };
        keys.import_old_table().await?;
        Ok(keys)
    }

    /// The store the keys are in.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Moves the rows of the old table `api_keys` into the store's records, then drops it. A
    /// key already in the store is left as it is, so an import cut off is finished by the next.
    async fn import_old_table(&self) -> Result<(), KeyError> {
        let Store::Sqlite(sqlite) = &*self.store else {
            return Ok(());
        };
        let pool = sqlite.pool();
        let fail = |error: sqlx::Error| StoreError {
            store: self.store.name().to_owned(),
            message: format!("importing the keys of the table api_keys: {error}"),
        };
        let exists: Option<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'api_keys'",
        )
        .fetch_optional(pool)
        .await
        .map_err(fail)?;
        if exists.is_none() {
            return Ok(());
        }
        let rows: Vec<OldRow> = sqlx::query_as(
            "SELECT id, name, hash, scopes, created_at, expires_at, revoked_at FROM api_keys ORDER BY rowid",
        )
        .fetch_all(pool)
        .await
        .map_err(fail)?;
        let count = rows.len();
        for (id, name, hash, scopes, created, expires, revoked) in rows {
            let record = KeyRecord {
                name,
                hash,
                scopes,
                created,
                expires,
                revoked,
            };
            if self
                .store
                .insert(KIND, &id, &to_value(&record), None)
                .await?
                && revoked.is_none()
            {
                self.store
                    .insert(NAME_KIND, &record.name, &json!({"id": id}), None)
                    .await?;
            }
        }
        sqlx::query("DROP TABLE api_keys")
            .execute(pool)
            .await
            .map_err(fail)?;
        tracing::info!(
            store = self.store.name(),
            keys = count,
            "auth: imported the API keys of the table api_keys into the store"
        );
        Ok(())
    }

    /// The record of the key `id`, if there is one.
    async fn record(&self, id: &str) -> Result<Option<KeyRecord>, KeyError> {
        self.store
            .get(KIND, id)
            .await?
            .map(|value| self.decode(value))
            .transpose()
    }

    fn decode(&self, value: Value) -> Result<KeyRecord, KeyError> {
        serde_json::from_value(value).map_err(|error| {
            KeyError::Store(StoreError {
                store: self.store.name().to_owned(),
                message: format!("a key's record does not read: {error}"),
            })
        })
    }

    /// The id the live key named `name` has, if one has it.
    async fn id_named(&self, name: &str) -> Result<Option<String>, KeyError> {
        Ok(self
            .store
            .get(NAME_KIND, name)
            .await?
            .and_then(|value| value.get("id").and_then(Value::as_str).map(str::to_owned)))
    }

    /// Makes a key named `name` with `scopes`, good for `expires_in` (or for ever); returns
    /// it, the only time it is seen.
    pub async fn create(
        &self,
        name: &str,
        scopes: &Scopes,
        expires_in: Option<Duration>,
    ) -> Result<String, KeyError> {
        let (id, secret) = generate()?;
        // argon2 takes a while on purpose: off the async threads.
        let (hashed, secret) =
            tokio::task::spawn_blocking(move || hash(&secret).map(|hashed| (hashed, secret)))
                .await
                .map_err(|error| KeyError::Hash(error.to_string()))??;
        let created = now();
        let expires = expires_in.map(|duration| {
            created.saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
        });
        // The name first, taken only if no live key holds it: of two replicas making one name,
        // one gets it.
        if !self
            .store
            .insert(NAME_KIND, name, &json!({"id": id}), None)
            .await?
        {
            return Err(KeyError::NameTaken(name.to_owned()));
        }
        let record = KeyRecord {
            name: name.to_owned(),
            hash: hashed,
            scopes: scopes.to_string(),
            created,
            expires,
            revoked: None,
        };
        if let Err(error) = self.store.put(KIND, &id, &to_value(&record), None).await {
            let _ = self.store.remove(NAME_KIND, name).await;
            return Err(error.into());
        }
        Ok(format!("{PREFIX}{id}_{secret}"))
    }

    /// Every key, live and revoked, oldest first.
    pub async fn list(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let mut keys = Vec::new();
        for (_, value) in self.store.list(KIND).await? {
            let record = self.decode(value)?;
            keys.push(KeyInfo {
                name: record.name,
                scopes: record.scopes,
                created: record.created,
                expires: record.expires,
                revoked: record.revoked,
            });
        }
        keys.sort_by(|a, b| (a.created, &a.name).cmp(&(b.created, &b.name)));
        Ok(keys)
    }

    /// Revokes the live key named `name`; from then on it is refused, by every replica and
    /// across restarts.
    pub async fn revoke(&self, name: &str) -> Result<(), KeyError> {
        let Some(id) = self.id_named(name).await? else {
            return Err(KeyError::NoSuchKey(name.to_owned()));
        };
        if let Some(mut record) = self.record(&id).await?
            && record.revoked.is_none()
        {
            record.revoked = Some(now());
            self.store.replace(KIND, &id, &to_value(&record)).await?;
        }
        // The name is freed once the key is marked: a revocation cut off before this line
        // leaves the name taken, and `keys revoke NAME` again frees it.
        self.store.remove(NAME_KIND, name).await?;
        Ok(())
    }

    /// The caller a key stands for; `Err` with why when it is refused (unknown, wrong,
    /// revoked or expired).
    pub async fn authenticate(&self, token: &str) -> Result<Caller, String> {
        let Some((id, secret)) = parse(token) else {
            return Err("not an API key of this server".to_owned());
        };
        let record = self
            .record(id)
            .await
            .map_err(|error| format!("the key store cannot be read: {error}"))?;
        let Some(KeyRecord {
            name,
            hash: hashed,
            scopes,
            expires,
            revoked,
            ..
        }) = record
        else {
            return Err(format!("no API key has id {id}"));
        };
        if revoked.is_some() {
            return Err(format!("the API key {name:?} is revoked"));
        }
        if expires.is_some_and(|expires| expires <= now()) {
            return Err(format!("the API key {name:?} has expired"));
        }
        let known = self
            .verified
            .lock()
            .ok()
            .and_then(|verified| verified.get(id).map(|known| same(known, secret)))
            .unwrap_or(false);
        if !known {
            let (secret_owned, hashed_owned) = (secret.to_owned(), hashed);
            let matches = tokio::task::spawn_blocking(move || verify(&secret_owned, &hashed_owned))
                .await
                .unwrap_or(false);
            if !matches {
                return Err(format!("wrong secret for the API key {name:?}"));
            }
            if let Ok(mut verified) = self.verified.lock() {
                verified.insert(id.to_owned(), secret.to_owned());
            }
        }
        Ok(Caller::new(format!("key:{name}"), Scopes::parse(&scopes)))
    }
}

/// A key's record as the store keeps it.
fn to_value(record: &KeyRecord) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_prefixed_and_parses_back_into_its_id_and_secret() {
        let (id, secret) = generate().unwrap();
        let key = format!("{PREFIX}{id}_{secret}");
        assert_eq!(parse(&key), Some((id.as_str(), secret.as_str())));
        assert_eq!(id.len(), 16);
        assert_eq!(URL_SAFE_NO_PAD.decode(&secret).unwrap().len(), 32);
        assert_ne!(generate().unwrap(), (id, secret), "keys are random");
    }

    #[test]
    fn what_is_not_a_key_does_not_parse() {
        for token in [
            "",
            "mcpk_",
            "mcpk_0123456789abcdef",
            "mcpk_0123456789abcdeg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "mcpk_0123456789abcdef_short",
            "eyJhbGciOiJSUzI1NiJ9.e30.sig",
        ] {
            assert_eq!(parse(token), None, "{token}");
        }
    }

    #[test]
    fn secrets_are_hashed_with_argon2id_and_verify_only_themselves() {
        let hashed = hash("the secret").unwrap();
        assert!(hashed.starts_with("$argon2id$"), "{hashed}");
        assert!(!hashed.contains("the secret"));
        assert!(verify("the secret", &hashed));
        assert!(!verify("the secreT", &hashed));
        assert_ne!(
            hash("the secret").unwrap(),
            hashed,
            "each hash has its own salt"
        );
    }

    #[test]
    fn durations_take_a_number_and_a_unit() {
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        for bad in ["", "30", "d", "0d", "3x", "-1d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    /// A temporary SQLite file, removed when dropped.
    struct TempFile(std::path::PathBuf);

    impl TempFile {
        fn new(name: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("mcpgen-{name}-{}.sqlite", std::process::id()));
            let _ = std::fs::remove_file(&path);
            Self(path)
        }

        async fn store(&self) -> Arc<Store> {
            Arc::new(Store::open_sqlite(&self.0).await.unwrap())
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// Keys are made, listed without secrets, refused when wrong, expired or revoked, and a
    /// revocation holds in `reopened`, another opening of the same store (another replica,
    /// or the server after a restart).
    async fn keys_behave(store: Arc<Store>, reopened: Arc<Store>) {
        let keys = KeyStore::open(store).await.unwrap();
        let key = keys
            .create("ci", &Scopes::parse("mcp:read books:write"), None)
            .await
            .unwrap();
        let caller = keys.authenticate(&key).await.unwrap();
        assert_eq!(caller.subject, "key:ci");
        assert!(caller.scopes.has("books:write"));
        assert!(matches!(
            keys.create("ci", &Scopes::parse("mcp:read"), None).await,
            Err(KeyError::NameTaken(_))
        ));
        let (id, _) = parse(&key).unwrap();
        let wrong = format!("{PREFIX}{id}_{}", URL_SAFE_NO_PAD.encode([7u8; 32]));
        assert!(keys.authenticate(&wrong).await.is_err());
        let listed = keys.list().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].scopes, "books:write mcp:read");
        let expired = keys
            .create("old", &Scopes::parse("mcp:read"), Some(Duration::ZERO))
            .await
            .unwrap();
        let refused = keys.authenticate(&expired).await.unwrap_err();
        assert!(refused.contains("expired"), "{refused}");
        let other = KeyStore::open(reopened).await.unwrap();
        assert!(other.authenticate(&key).await.is_ok(), "another replica");
        keys.revoke("ci").await.unwrap();
        let refused = other.authenticate(&key).await.unwrap_err();
        assert!(
            refused.contains("revoked"),
            "the other replica sees the revocation at once, its cache notwithstanding: {refused}"
        );
        let listed = other.list().await.unwrap();
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert!(listed[0].revoked.is_some() && listed[1].expires.is_some());
        assert!(matches!(
            other.revoke("ci").await,
            Err(KeyError::NoSuchKey(_))
        ));
        let again = other
            .create("ci", &Scopes::parse("mcp:read"), None)
            .await
            .unwrap();
        assert!(
            keys.authenticate(&again).await.is_ok(),
            "a revoked key's name is free"
        );
        assert_eq!(keys.list().await.unwrap().len(), 3, "revoked keys are kept");
    }

    #[tokio::test]
    async fn keys_in_sqlite_are_listed_without_secrets_and_revoked_keys_are_refused_after_a_reopen()
    {
        let file = TempFile::new("keys");
        keys_behave(file.store().await, file.store().await).await;
    }

    #[tokio::test]
    async fn keys_in_redis_are_listed_without_secrets_and_a_revocation_is_seen_by_every_replica() {
        let url = crate::auth::store::tests::redis_url("keys");
        let Some(store) = crate::auth::store::tests::redis_store(&url).await else {
            return;
        };
        let store = Arc::new(store);
        let replica = Arc::new(crate::auth::store::tests::redis_store(&url).await.unwrap());
        keys_behave(Arc::clone(&store), replica).await;
        crate::auth::store::tests::clear(&store).await;
    }

    #[tokio::test]
    async fn the_old_table_of_keys_is_imported_once_into_the_store() {
        let file = TempFile::new("keys-import");
        let store = file.store().await;
        let Store::Sqlite(sqlite) = &*store else {
            unreachable!()
        };
        // The table as earlier versions made it, with a live key and a revoked one.
        let (id, secret) = generate().unwrap();
        let key = format!("{PREFIX}{id}_{secret}");
        for statement in [
            "CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER)",
            "CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL",
        ] {
            sqlx::query(statement).execute(sqlite.pool()).await.unwrap();
        }
        for (id, name, revoked) in [
            (id.as_str(), "ci", None),
            ("00000000000000ff", "gone", Some(5)),
        ] {
            sqlx::query("INSERT INTO api_keys VALUES (?, ?, ?, 'mcp:read', 1, NULL, ?)")
                .bind(id)
                .bind(name)
                .bind(hash(&secret).unwrap())
                .bind(revoked)
                .execute(sqlite.pool())
                .await
                .unwrap();
        }
        let keys = KeyStore::open(Arc::clone(&store)).await.unwrap();
        assert_eq!(keys.authenticate(&key).await.unwrap().subject, "key:ci");
        let listed = keys.list().await.unwrap();
        assert_eq!(
            listed
                .iter()
                .map(|key| (key.name.as_str(), key.revoked))
                .collect::<Vec<_>>(),
            [("ci", None), ("gone", Some(5))]
        );
        assert!(matches!(
            keys.create("ci", &Scopes::parse("mcp:read"), None).await,
            Err(KeyError::NameTaken(_))
        ));
        let left: Option<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE name = 'api_keys'")
                .fetch_optional(sqlite.pool())
                .await
                .unwrap();
        assert_eq!(left, None, "the old table is gone once imported");
        drop(keys);
        let keys = KeyStore::open(store).await.unwrap();
        keys.revoke("ci").await.unwrap();
        assert_eq!(keys.list().await.unwrap().len(), 2);
    }

    /// The time of a key's check after its first (the record read, the secret compared with
    /// the one verified before), in each backend.
    #[tokio::test]
    #[ignore = "a measurement: cargo test -p mcpgen-runtime --lib key_check_latency -- --ignored --nocapture"]
    async fn key_check_latency() {
        let file = TempFile::new("keys-latency");
        let mut stores = vec![("SQLite", file.store().await)];
        let url = crate::auth::store::tests::redis_url("latency");
        if let Some(store) = crate::auth::store::tests::redis_store(&url).await {
            stores.push(("Redis", Arc::new(store)));
        }
        for (backend, store) in stores {
            let keys = KeyStore::open(Arc::clone(&store)).await.unwrap();
            let key = keys
                .create("bench", &Scopes::parse("mcp:read"), None)
                .await
                .unwrap();
            let started = std::time::Instant::now();
            keys.authenticate(&key).await.unwrap();
            let first = started.elapsed();
            let rounds = 2000;
            let started = std::time::Instant::now();
            for _ in 0..rounds {
                keys.authenticate(&key).await.unwrap();
            }
            let each = started.elapsed() / rounds;
            #[allow(clippy::print_stdout, reason = "a measurement's result")]
            {
                println!("{backend}: first check {first:?} (argon2), then {each:?} a check");
            }
            crate::auth::store::tests::clear(&store).await;
        }
    }
}

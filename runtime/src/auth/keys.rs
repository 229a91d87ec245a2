//! API keys (`NAME keys create|list|revoke`): made of random bytes, shown once, kept hashed
//! with argon2id in the store (a SQLite file), looked up by their id and checked with argon2.
//!
//! A key reads `mcpk_<id>_<secret>`: `id` is 16 hex digits (8 random bytes; it names the row,
//! and is no secret), `secret` 32 random bytes in unpadded base64url. Only the secret's
//! argon2id hash is stored.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use super::Caller;
use crate::tools::scope::Scopes;

/// What every key starts with.
pub const PREFIX: &str = "mcpk_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// The store cannot be used, or refuses what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite file cannot be opened, created or read.
    #[error("the authorization store {path}: {source}")]
    Database {
        /// The file.
        path: String,
        /// Why.
        source: sqlx::Error,
    },
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

/// A row as `keys list` reads it: name, scopes, created, expires, revoked.
type ListedRow = (String, String, i64, Option<i64>, Option<i64>);
/// A row as a request's check reads it: name, hash, scopes, expires, revoked.
type CheckedRow = (String, String, String, Option<i64>, Option<i64>);

/// The API keys, in their SQLite file.
pub struct KeyStore {
    pool: SqlitePool,
    path: String,
    /// The secret each id was last verified with: argon2 runs once per key and process, not
    /// per request. The row (revocation, expiry) is read on every request all the same.
    verified: Mutex<HashMap<String, String>>,
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
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
fn generate() -> Result<(String, String), StoreError> {
    let mut id = [0u8; ID_BYTES];
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut id)
        .and_then(|()| getrandom::fill(&mut secret))
        .map_err(|error| StoreError::Random(error.to_string()))?;
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
fn hash(secret: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| StoreError::Hash(error.to_string()))
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
    /// Opens the store at `path`, creating the file and its table when missing.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let display = path.display().to_string();
        let fail = |source| StoreError::Database {
            path: display.clone(),
            source,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(fail)?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                hash TEXT NOT NULL,
                scopes TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER
            )",
        )
        .execute(&pool)
        .await
        .map_err(fail)?;
        sqlx::query(
            "CREATE UNIQUE INDEX IF NOT EXISTS api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL",
        )
        .execute(&pool)
        .await
        .map_err(fail)?;
        Ok(Self {
            pool,
            path: display,
            verified: Mutex::new(HashMap::new()),
        })
    }

    fn error(&self, source: sqlx::Error) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            source,
        }
    }

    /// Makes a key named `name` with `scopes`, good for `expires_in` (or for ever); returns
    /// it, the only time it is seen.
    pub async fn create(
        &self,
        name: &str,
        scopes: &Scopes,
        expires_in: Option<Duration>,
    ) -> Result<String, StoreError> {
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT id FROM api_keys WHERE name = ? AND revoked_at IS NULL")
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(|error| self.error(error))?;
        if taken.is_some() {
            return Err(StoreError::NameTaken(name.to_owned()));
        }
        let (id, secret) = generate()?;
        // argon2 takes a while on purpose: off the async threads.
        let (hashed, secret) =
            tokio::task::spawn_blocking(move || hash(&secret).map(|hashed| (hashed, secret)))
                .await
                .map_err(|error| StoreError::Hash(error.to_string()))??;
        let created = now();
        let expires = expires_in.map(|duration| {
            created.saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
        });
        sqlx::query(
            "INSERT INTO api_keys (id, name, hash, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(name)
        .bind(&hashed)
        .bind(scopes.to_string())
        .bind(created)
        .bind(expires)
        .execute(&self.pool)
        .await
        .map_err(|error| self.error(error))?;
        Ok(format!("{PREFIX}{id}_{secret}"))
    }

    /// Every key, live and revoked, oldest first.
    pub async fn list(&self) -> Result<Vec<KeyInfo>, StoreError> {
        let rows: Vec<ListedRow> = sqlx::query_as(
            "SELECT name, scopes, created_at, expires_at, revoked_at FROM api_keys ORDER BY created_at, rowid",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|error| self.error(error))?;
        Ok(rows
            .into_iter()
            .map(|(name, scopes, created, expires, revoked)| KeyInfo {
                name,
                scopes,
                created,
                expires,
                revoked,
            })
            .collect())
    }

    /// Revokes the live key named `name`; from then on it is refused, across restarts.
    pub async fn revoke(&self, name: &str) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")
                .bind(now())
                .bind(name)
                .execute(&self.pool)
                .await
                .map_err(|error| self.error(error))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchKey(name.to_owned()));
        }
        Ok(())
    }

    /// The caller a key stands for; `Err` with why when it is refused (unknown, wrong,
    /// revoked or expired).
    pub async fn authenticate(&self, token: &str) -> Result<Caller, String> {
        let Some((id, secret)) = parse(token) else {
            return Err("not an API key of this server".to_owned());
        };
        let row: Option<CheckedRow> = sqlx::query_as(
            "SELECT name, hash, scopes, expires_at, revoked_at FROM api_keys WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|error| format!("the key store cannot be read: {error}"))?;
        let Some((name, hashed, scopes, expires, revoked)) = row else {
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

    #[tokio::test]
    async fn keys_are_listed_without_secrets_and_revoked_keys_are_refused_after_a_reopen() {
        let path = std::env::temp_dir().join(format!("mcpgen-keys-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = KeyStore::open(&path).await.unwrap();
        let key = store
            .create("ci", &Scopes::parse("mcp:read books:write"), None)
            .await
            .unwrap();
        let caller = store.authenticate(&key).await.unwrap();
        assert_eq!(caller.subject, "key:ci");
        assert!(caller.scopes.has("books:write"));
        assert!(matches!(
            store.create("ci", &Scopes::parse("mcp:read"), None).await,
            Err(StoreError::NameTaken(_))
        ));
        let (id, _) = parse(&key).unwrap();
        let wrong = format!("{PREFIX}{id}_{}", URL_SAFE_NO_PAD.encode([7u8; 32]));
        assert!(store.authenticate(&wrong).await.is_err());
        let listed = store.list().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].scopes, "books:write mcp:read");
        let expired = store
            .create("old", &Scopes::parse("mcp:read"), Some(Duration::ZERO))
            .await
            .unwrap();
        let refused = store.authenticate(&expired).await.unwrap_err();
        assert!(refused.contains("expired"), "{refused}");
        store.revoke("ci").await.unwrap();
        drop(store);
        let store = KeyStore::open(&path).await.unwrap();
        let refused = store.authenticate(&key).await.unwrap_err();
        assert!(refused.contains("revoked"), "{refused}");
        let listed = store.list().await.unwrap();
        assert!(listed[0].revoked.is_some() && listed[1].expires.is_some());
        assert!(matches!(
            store.revoke("ci").await,
            Err(StoreError::NoSuchKey(_))
        ));
        let _ = std::fs::remove_file(&path);
    }
}

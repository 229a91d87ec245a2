//! The authorization store in Redis (`[auth] store = "redis://..."`), for replicas that share
//! it: each record is one string key holding its JSON, with Redis's own expiry.
//!
//! Keys read `PREFIX:KIND:ID`. `PREFIX` is `mcpgen`, or the URL's `prefix` query parameter
//! (`redis://host/0?prefix=shop`) when servers of different databases share one Redis (a
//! database number, `/1`, does the same where the Redis has several); `KIND` has `%` and `:`
//! percent-encoded, so that `KIND:` never begins another kind's keys. Every operation is one
//! command, so atomic: `insert` is `SET NX`, `replace` is `SET XX GET KEEPTTL` (Redis 6.2 or
//! later), `list` is `SCAN MATCH PREFIX:KIND:*` and `MGET`. A connection that drops is made
//! again (redis's `ConnectionManager`), and the command that found it closed is sent once more.
//!
//! The URL's password is never shown: [`redacted`] is what errors and logs name.

use std::collections::BTreeSet;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, Cmd, FromRedisValue};
use reqwest::Url;

use crate::config::redacted;
use serde_json::Value;

use super::StoreError;

/// The prefix of every key unless the URL names another.
pub const DEFAULT_PREFIX: &str = "mcpgen";
/// How long opening the store may take before it is refused as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one command may take.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How many keys one `SCAN` step and one `MGET` look at.
const BATCH: usize = 200;

/// The store in Redis.
pub struct RedisStore {
    connection: ConnectionManager,
    /// The URL without its password.
    name: String,
    /// What every key starts with, `:` included.
    prefix: String,
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db][?prefix=P]`,
    /// or `rediss://` for TLS); refused within a few seconds when it does not answer.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let name = redacted(url);
        let fail = |message: String| StoreError {
            store: name.clone(),
            message,
        };
        let mut parsed = Url::parse(url).map_err(|error| {
            fail(format!(
                "not a URL ({error}): write redis://[:PASSWORD@]HOST[:PORT][/DB][?prefix=NAME]"
            ))
        })?;
        let mut prefix = DEFAULT_PREFIX.to_owned();
        let mut kept = Vec::new();
        for (key, value) in parsed.query_pairs() {
            if key == "prefix" {
                prefix = value.into_owned();
            } else {
                kept.push((key.into_owned(), value.into_owned()));
            }
        }
        if prefix.is_empty() || prefix.contains(':') {
            return Err(fail(format!(
                "prefix={prefix:?}: a key prefix is a word without `:` (e.g. prefix=shop)"
            )));
        }
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
        if parsed.scheme() == "rediss" {
            // rustls is built without a default crypto provider: ring, as for reqwest.
            #[expect(
                deprecated,
                reason = "rustls deprecates ring for lacking post-quantum key exchange; the store holds argon2 hashes and short-lived state, not secrets in the clear, and ring builds in seconds where aws-lc-rs takes minutes in every generated crate"
            )]
            let provider = rustls::crypto::ring::default_provider();
            let _ = provider.install_default();
        }
        let client = Client::open(parsed.as_str()).map_err(|error| fail(error.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let unreachable = || {
            fail(format!(
                "Redis does not answer within {} s: is it running, and is the URL right?",
                CONNECT_TIMEOUT.as_secs()
            ))
        };
        let connection = tokio::time::timeout(
            CONNECT_TIMEOUT,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| unreachable())?
        .map_err(|error| fail(format!("cannot connect: {error}")))?;
        let store = Self {
            connection,
            name,
            prefix: format!("{prefix}:"),
        };
        let mut connection = store.connection.clone();
        let _: String = ::redis::cmd("PING")
            .query_async(&mut connection)
            .await
            .map_err(|error| store.error(&error))?;
        Ok(store)
    }

    /// The store's URL, without its password.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn error(&self, error: &dyn std::fmt::Display) -> StoreError {
        StoreError::of(&self.name, error)
    }

    fn decode(&self, text: &str) -> Result<Value, StoreError> {
        super::decode(&self.name, text)
    }

    /// What the keys of `kind` start with.
    fn kind_prefix(&self, kind: &str) -> String {
        let kind = kind.replace('%', "%25").replace(':', "%3A");
        format!("{}{kind}:", self.prefix)
    }

    /// The key of the record `kind`/`id`.
    fn key(&self, kind: &str, id: &str) -> String {
        format!("{}{id}", self.kind_prefix(kind))
    }

    /// Runs `command`. A connection found closed (Redis restarted, an idle connection dropped
    /// by a proxy) is made again and the command sent once more: a command cut off in flight
    /// may then have run twice, which leaves `put` and `remove` as they were and makes `insert`
    /// and `replace` err on the side of refusal (the id seen taken, the record seen replaced).
    async fn query<T: FromRedisValue>(&self, command: &Cmd) -> Result<T, StoreError> {
        let mut connection = self.connection.clone();
        match command.query_async(&mut connection).await {
            Err(error) if error.is_io_error() || error.is_connection_dropped() => {
                tracing::warn!(store = %self.name, %error, "auth: the store's connection was lost; connecting again");
                command
                    .query_async(&mut connection)
                    .await
                    .map_err(|error| self.error(&error))
            }
            outcome => outcome.map_err(|error| self.error(&error)),
        }
    }

    /// `SET key value`, expiring at `expires_at`.
    fn set(&self, kind: &str, id: &str, value: &Value, expires_at: Option<i64>) -> Cmd {
        let mut command = ::redis::cmd("SET");
        command.arg(self.key(kind, id)).arg(value.to_string());
        if let Some(at) = expires_at {
            // A time in the past makes the record expire at once; Redis refuses 0.
            command
                .arg("EXAT")
                .arg(u64::try_from(at).unwrap_or(0).max(1));
        }
        command
    }

    pub(super) async fn insert(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
        expires_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        // An expired record is gone from Redis: it does not hold its id.
        let mut command = self.set(kind, id, value, expires_at);
        command.arg("NX");
        let done: Option<String> = self.query(&command).await?;
        Ok(done.is_some())
    }

    pub(super) async fn put(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let _: Option<String> = self.query(&self.set(kind, id, value, expires_at)).await?;
        Ok(())
    }

    pub(super) async fn get(&self, kind: &str, id: &str) -> Result<Option<Value>, StoreError> {
        let text: Option<String> = self
            .query(::redis::cmd("GET").arg(self.key(kind, id)))
            .await?;
        text.map(|text| self.decode(&text)).transpose()
    }

    pub(super) async fn replace(
        &self,
        kind: &str,
        id: &str,
        value: &Value,
    ) -> Result<Option<Value>, StoreError> {
        // One command: only an existing key is written (XX), its expiry kept, the old value
        // returned.
        let old: Option<String> = self
            .query(
                ::redis::cmd("SET")
                    .arg(self.key(kind, id))
                    .arg(value.to_string())
                    .arg("XX")
                    .arg("GET")
                    .arg("KEEPTTL"),
            )
            .await?;
        old.map(|text| self.decode(&text)).transpose()
    }

    pub(super) async fn remove(&self, kind: &str, id: &str) -> Result<bool, StoreError> {
        let removed: i64 = self
            .query(::redis::cmd("DEL").arg(self.key(kind, id)))
            .await?;
        Ok(removed > 0)
    }

    pub(super) async fn list(&self, kind: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let prefix = self.kind_prefix(kind);
        let keys: Vec<String> = self
            .scan(&format!("{}*", glob_escaped(&prefix)))
            .await?
            .into_iter()
            .collect();
        let mut records = Vec::with_capacity(keys.len());
        for batch in keys.chunks(BATCH) {
            let values: Vec<Option<String>> = self.query(::redis::cmd("MGET").arg(batch)).await?;
            for (key, value) in batch.iter().zip(values) {
                // A record that expired between SCAN and MGET is gone.
                if let (Some(id), Some(value)) = (key.strip_prefix(&prefix), value) {
                    records.push((id.to_owned(), self.decode(&value)?));
                }
            }
        }
        Ok(records)
    }

    /// Every key matching `pattern` (SCAN may repeat a key: each is kept once).
    async fn scan(&self, pattern: &str) -> Result<BTreeSet<String>, StoreError> {
        let mut keys = BTreeSet::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, batch): (u64, Vec<String>) = self
                .query(
                    ::redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(pattern)
                        .arg("COUNT")
                        .arg(BATCH),
                )
                .await?;
            keys.extend(batch);
            if next == 0 {
                return Ok(keys);
            }
            cursor = next;
        }
    }

    /// The server's id of this store's connection.
    #[cfg(test)]
    pub(crate) async fn client_id(&self) -> Result<i64, StoreError> {
        self.query(::redis::cmd("CLIENT").arg("ID")).await
    }

    /// Has the server close the connection `id`.
    #[cfg(test)]
    pub(crate) async fn kill_client(&self, id: i64) -> Result<(), StoreError> {
        let _: i64 = self
            .query(::redis::cmd("CLIENT").arg("KILL").arg("ID").arg(id))
            .await?;
        Ok(())
    }

    /// Removes every key of this store's prefix (the tests' cleanup).
    #[cfg(test)]
    pub(crate) async fn clear(&self) -> Result<(), StoreError> {
        let keys = self
            .scan(&format!("{}*", glob_escaped(&self.prefix)))
            .await?;
        let keys: Vec<String> = keys.into_iter().collect();
        for batch in keys.chunks(BATCH) {
            let _: i64 = self.query(::redis::cmd("DEL").arg(batch)).await?;
        }
        Ok(())
    }
}

/// `text` with what a `MATCH` pattern treats specially escaped.
fn glob_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows_in_the_store_s_name() {
        let name = redacted("redis://:s3cret@cache.internal:6380/2?prefix=shop");
        assert!(!name.contains("s3cret"), "{name}");
        assert!(name.contains("cache.internal:6380/2"), "{name}");
        let name = redacted("rediss://user:s3cret@cache.internal");
        assert!(!name.contains("s3cret") && name.contains("user"), "{name}");
        assert!(!redacted("redis://:s3cret@[bad").contains("s3cret"));
    }

    #[test]
    fn patterns_escape_what_scan_would_read_as_a_glob() {
        assert_eq!(glob_escaped("a*b?[c]\\:"), "a\\*b\\?\\[c\\]\\\\:");
    }
}

//! The keys that sign access tokens: Ed25519 (JWS `EdDSA`), made by the server, kept in the
//! store (so a restart or another replica signs and checks with the same keys), used for
//! `[auth] signing_key_rotation_s` each, then kept (for checking only, and in the JWKS) until
//! every token they signed has expired. Published at `/jwks` with their `kid`.
//!
//! Ed25519: small keys and signatures, deterministic signing (no random nonce to get wrong),
//! one algorithm per key type (nothing to confuse), and jsonwebtoken's RustCrypto backend
//! verifies it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey as Ed25519Key;
use ed25519_dalek::pkcs8::EncodePrivateKey as _;
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde_json::{Value, json};

use super::{AuthorizationServer, json_response, now, random_token};
use crate::auth::store::Store;

/// The store's kind of signing keys.
const KIND: &str = "oauth_signing_key";

/// A key to sign with: its id and the key.
#[derive(Clone)]
pub struct Signer {
    /// Its `kid`.
    pub kid: String,
    /// The private key.
    pub key: EncodingKey,
    /// When it stops signing (seconds since the epoch).
    retires_at: i64,
}

/// The signing keys, in the store, with the current one and the public ones at hand.
pub struct SigningKeys {
    store: Arc<Store>,
    /// Seconds a key signs.
    rotation_s: i64,
    /// Seconds a retired key is kept for checking (the longest a token lives, and a minute).
    keep_s: i64,
    current: Mutex<Option<Signer>>,
    public: Mutex<HashMap<String, (DecodingKey, i64)>>,
}

impl SigningKeys {
    /// The keys of `store`, each signing for `rotation_s`, kept `access_ttl_s` longer.
    pub fn new(store: Arc<Store>, rotation_s: i64, access_ttl_s: i64) -> Self {
        Self {
            store,
            rotation_s,
            keep_s: access_ttl_s.saturating_add(60),
            current: Mutex::new(None),
            public: Mutex::new(HashMap::new()),
        }
    }

    /// The key to sign with now: the newest live one of the store, or a new one.
    pub async fn signer(&self) -> Result<Signer, String> {
        let now = now();
        {
            let current = self
                .current
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(signer) = current.as_ref()
                && signer.retires_at > now
            {
                return Ok(signer.clone());
            }
        }
        let stored = self.store.list(KIND).await.map_err(|e| e.to_string())?;
        let newest = stored
            .iter()
            .filter_map(|(_, record)| StoredKey::of(record))
            .filter(|key| key.retires_at > now)
            .max_by_key(|key| key.created);
        let key = match newest {
            Some(key) => key,
            None => {
                let key = StoredKey::generate(now, self.rotation_s)?;
                let expires = key.retires_at.saturating_add(self.keep_s);
                self.store
                    .put(KIND, &key.kid, &key.to_json(), Some(expires))
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::info!(kid = %key.kid, "oauth: made a new signing key");
                key
            }
        };
        let signer = key.signer()?;
        *self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(signer.clone());
        Ok(signer)
    }

    /// The public key `kid` names, while it is kept; `None` for a key this server does not
    /// have (any more).
    pub async fn decoding_key(&self, kid: &str) -> Result<Option<DecodingKey>, String> {
        let now = now();
        {
            let public = self
                .public
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((key, expires)) = public.get(kid)
                && *expires > now
            {
                return Ok(Some(key.clone()));
            }
        }
        let Some(record) = self.store.get(KIND, kid).await.map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let Some(key) = StoredKey::of(&record) else {
            return Ok(None);
        };
        let decoding = DecodingKey::from_ed_components(&key.x)
            .map_err(|error| format!("the stored signing key {kid} is unusable: {error}"))?;
        let expires = key.retires_at.saturating_add(self.keep_s);
        let mut public = self
            .public
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        public.retain(|_, (_, expires)| *expires > now);
        public.insert(kid.to_owned(), (decoding.clone(), expires));
        Ok(Some(decoding))
    }

    /// The JWK set of every key kept: the current one and those retired whose tokens may
    /// still be live.
    pub async fn jwks(&self) -> Result<Value, String> {
        // The current key is made before the set is read, so a first client sees it.
        self.signer().await?;
        let stored = self.store.list(KIND).await.map_err(|e| e.to_string())?;
        let mut keys: Vec<StoredKey> = stored
            .iter()
            .filter_map(|(_, record)| StoredKey::of(record))
            .collect();
        keys.sort_by_key(|key| std::cmp::Reverse(key.created));
        let keys: Vec<Value> = keys
            .iter()
            .map(|key| {
                json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": key.x,
                    "kid": key.kid,
                    "alg": "EdDSA",
                    "use": "sig",
                })
            })
            .collect();
        Ok(json!({ "keys": keys }))
    }
}

/// A signing key as the store keeps it.
struct StoredKey {
    kid: String,
    created: i64,
    retires_at: i64,
    /// The 32-byte private seed, base64url.
    seed: String,
    /// The public key, base64url (a JWK's `x`).
    x: String,
}

impl StoredKey {
    /// A new key, made at `now`, signing for `rotation_s`.
    fn generate(now: i64, rotation_s: i64) -> Result<Self, String> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|error| format!("cannot make a signing key: no random bytes ({error})"))?;
        let key = Ed25519Key::from_bytes(&seed);
        Ok(Self {
            kid: random_token(12)?,
            created: now,
            retires_at: now.saturating_add(rotation_s),
            seed: URL_SAFE_NO_PAD.encode(seed),
            x: URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        })
    }

    /// The key of a store record.
    fn of(record: &Value) -> Option<Self> {
        let text = |name: &str| record.get(name)?.as_str().map(str::to_owned);
        Some(Self {
            kid: text("kid")?,
            created: record.get("created")?.as_i64()?,
            retires_at: record.get("retires_at")?.as_i64()?,
            seed: text("seed")?,
            x: text("x")?,
        })
    }

    /// The store record of the key.
    fn to_json(&self) -> Value {
        json!({
            "kid": self.kid,
            "created": self.created,
            "retires_at": self.retires_at,
            "seed": self.seed,
            "x": self.x,
        })
    }

    /// The key as jsonwebtoken signs with it (PKCS#8 DER of the seed).
    fn signer(&self) -> Result<Signer, String> {
        let unusable = || format!("the stored signing key {} is unusable", self.kid);
        let seed: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&self.seed)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(unusable)?;
        let der = Ed25519Key::from_bytes(&seed)
            .to_pkcs8_der()
            .map_err(|_| unusable())?;
        Ok(Signer {
            kid: self.kid.clone(),
            key: EncodingKey::from_ed_der(der.as_bytes()),
            retires_at: self.retires_at,
        })
    }
}

/// `GET /jwks`.
pub async fn serve_jwks(State(server): State<Arc<AuthorizationServer>>) -> Response {
    match server.tokens.keys.jwks().await {
        Ok(jwks) => json_response(StatusCode::OK, &jwks),
        Err(error) => {
            tracing::error!(%error, "oauth: cannot read the signing keys");
            super::oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the signing keys cannot be read; see the server's log",
            )
        }
    }
}

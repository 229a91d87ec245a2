//! `oidc` mode: JWTs from an outside identity provider, checked against the keys its
//! discovery document (`ISSUER/.well-known/openid-configuration`) names (`jwks_uri`).
//!
//! A token is accepted when its signature verifies with the provider's key of its `kid`, in an
//! algorithm of that key's family (RSA, EC, Ed25519; never `none`, never an HMAC with a public
//! key), its `iss` is the issuer, its `aud` this server, and it is within `exp`/`nbf` (60 s
//! leeway for the clocks of two machines). Its scopes come from `[auth] scopes_claim`.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use super::Caller;
use crate::tools::scope::Scopes;

/// How long the provider's keys are used before they are fetched again.
const KEYS_TTL: Duration = Duration::from_secs(600);
/// A token with a `kid` the cached keys lack fetches them again, at most this often.
const REFETCH_AFTER: Duration = Duration::from_secs(10);
/// The clock difference allowed between the provider and this server.
const LEEWAY_S: u64 = 60;
/// The largest discovery document or key set read.
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

/// Checks the JWTs of one identity provider.
pub struct OidcVerifier {
    issuer: String,
    audiences: Vec<String>,
    scopes_claim: String,
    client: reqwest::Client,
    keys: Mutex<Option<(JwkSet, Instant)>>,
}

impl OidcVerifier {
    /// A verifier of `issuer`'s tokens for `audiences`, scopes in `scopes_claim`.
    pub fn new(issuer: &str, audiences: Vec<String>, scopes_claim: &str) -> Result<Self, String> {
        // reqwest is built without a TLS crypto provider of its own: rustls's ring.
        #[expect(
            deprecated,
            reason = "rustls deprecates ring for lacking post-quantum key exchange, which guards the secrecy of recorded traffic; this client fetches only the provider's public keys, and ring builds in seconds where aws-lc-rs takes minutes in every generated crate"
        )]
        let provider = rustls::crypto::ring::default_provider();
        let _ = provider.install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| format!("cannot make an HTTP client: {error}"))?;
        Ok(Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            audiences,
            scopes_claim: scopes_claim.to_owned(),
            client,
            keys: Mutex::new(None),
        })
    }

    /// The issuer, as tokens must name it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let response = self
            .client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|error| format!("GET {url}: {error}"))?;
        if !response.status().is_success() {
            return Err(format!("GET {url}: HTTP {}", response.status()));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|error| format!("GET {url}: {error}"))?;
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(format!("GET {url}: larger than {MAX_DOCUMENT_BYTES} bytes"));
        }
        serde_json::from_slice(&bytes).map_err(|error| format!("GET {url}: not JSON: {error}"))
    }

    /// The provider's keys, from its discovery document.
    async fn fetch_keys(&self) -> Result<JwkSet, String> {
        let discovery_url = format!("{}/.well-known/openid-configuration", self.issuer);
        let discovery = self.get_json(&discovery_url).await?;
        let named = discovery
            .get("issuer")
            .and_then(Value::as_str)
            .map(|issuer| issuer.trim_end_matches('/'));
        if named != Some(self.issuer.as_str()) {
            return Err(format!(
                "{discovery_url} names the issuer {named:?}, not {:?} (auth.issuer)",
                self.issuer
            ));
        }
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{discovery_url} has no jwks_uri"))?;
        let keys = self.get_json(jwks_uri).await?;
        serde_json::from_value(keys).map_err(|error| format!("{jwks_uri}: not a JWK set: {error}"))
    }

    /// Fetches the keys now, to say at start whether the provider answers.
    pub async fn prefetch(&self) -> Result<usize, String> {
        let keys = self.fetch_keys().await?;
        let count = keys.keys.len();
        *self.keys.lock().await = Some((keys, Instant::now()));
        Ok(count)
    }

    /// The key `kid` names (or the only key, when the token names none).
    async fn key(&self, kid: Option<&str>) -> Result<Jwk, String> {
        let mut cached = self.keys.lock().await;
        let find = |keys: &JwkSet| match kid {
            Some(kid) => keys.find(kid).cloned(),
            None if keys.keys.len() == 1 => keys.keys.first().cloned(),
            None => None,
        };
        let fresh = |fetched: &Instant, limit| fetched.elapsed() < limit;
        if let Some((keys, fetched)) = cached.as_ref()
            && fresh(fetched, KEYS_TTL)
            && let Some(key) = find(keys)
        {
            return Ok(key);
        }
        let may_fetch = cached
            .as_ref()
            .is_none_or(|(_, fetched)| !fresh(fetched, REFETCH_AFTER));
        if may_fetch {
            let keys = self.fetch_keys().await?;
            *cached = Some((keys, Instant::now()));
        }
        cached
            .as_ref()
            .and_then(|(keys, _)| find(keys))
            .ok_or_else(|| format!("the identity provider has no key {kid:?}"))
    }

    /// The caller a token stands for; `Err` with why it is refused.
    pub async fn verify(&self, token: &str) -> Result<Caller, String> {
        let header = decode_header(token).map_err(|error| format!("not a usable JWT: {error}"))?;
        let key = self.key(header.kid.as_deref()).await?;
        let family: &[Algorithm] = match &key.algorithm {
            AlgorithmParameters::RSA(_) => &[
                Algorithm::RS256,
                Algorithm::RS384,
                Algorithm::RS512,
                Algorithm::PS256,
                Algorithm::PS384,
                Algorithm::PS512,
            ],
            AlgorithmParameters::EllipticCurve(_) => &[Algorithm::ES256, Algorithm::ES384],
            AlgorithmParameters::OctetKeyPair(_) => &[Algorithm::EdDSA],
            _ => &[],
        };
        if !family.contains(&header.alg) {
            return Err(format!(
                "the token's algorithm {:?} is not one of its key's",
                header.alg
            ));
        }
        if let Some(declared) = key.common.key_algorithm
            && declared.to_string() != format!("{:?}", header.alg)
        {
            return Err(format!(
                "the token's algorithm {:?} is not its key's ({declared})",
                header.alg
            ));
        }
        let decoding =
            DecodingKey::from_jwk(&key).map_err(|error| format!("unusable key: {error}"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&self.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = LEEWAY_S;
        validation.validate_nbf = true;
        let claims = decode::<Map<String, Value>>(token, &decoding, &validation)
            .map_err(|error| format!("refused: {error}"))?
            .claims;
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or("(no sub)")
            .to_owned();
        Ok(Caller {
            subject,
            scopes: scopes_of(claims.get(&self.scopes_claim)),
            claims,
        })
    }
}

/// The scopes of a claim: a space-separated string, or an array of strings.
fn scopes_of(claim: Option<&Value>) -> Scopes {
    match claim {
        Some(Value::String(text)) => Scopes::parse(text),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .flat_map(str::split_whitespace)
            .map(str::to_owned)
            .collect(),
        _ => Scopes::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scopes_come_from_a_string_or_an_array() {
        let scopes = scopes_of(Some(&json!("mcp:read books:write")));
        assert!(scopes.has("mcp:read") && scopes.has("books:write"));
        let scopes = scopes_of(Some(&json!(["mcp:read", "books:delete"])));
        assert!(scopes.has("books:delete"));
        assert!(scopes_of(Some(&json!(42))).is_empty());
        assert!(scopes_of(None).is_empty());
    }

    #[tokio::test]
    async fn a_token_with_alg_none_is_refused_before_any_key_is_fetched() {
        let verifier =
            OidcVerifier::new("http://127.0.0.1:9", vec!["x".to_owned()], "scope").unwrap();
        // {"alg":"none","typ":"JWT"} . {"sub":"a"} . (no signature)
        let token = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhIn0.";
        let error = verifier.verify(token).await.unwrap_err();
        assert!(error.contains("not a usable JWT"), "{error}");
    }
}

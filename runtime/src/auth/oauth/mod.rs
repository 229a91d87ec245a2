//! `oauth` mode: the server is its own OAuth 2.1 authorization server (CONTRACT section 7;
//! the MCP authorization spec 2025-11-25; RFC 9700):
//!
//! - [`metadata`]: RFC 8414 metadata at `/.well-known/oauth-authorization-server`;
//! - [`authorize`]: `GET /authorize`, the login and consent page, and `POST /authorize`, which
//!   signs the user in and answers 302 with a code, `state` and `iss` (RFC 9207);
//! - [`token`]: `POST /token` (authorization code with PKCE S256, refresh-token rotation),
//!   `POST /revoke` (RFC 7009), and the check of this server's own access tokens;
//! - [`clients`]: dynamic registration (`POST /register`, RFC 7591), client ID metadata
//!   documents, redirect-URI rules;
//! - [`signing`]: the Ed25519 keys that sign access tokens, rotated, published at `/jwks`;
//! - [`users`]: `[[auth.users]]`, their passwords and what they may grant; the endpoints'
//!   per-IP and per-username budgets are [`super::rate_limit`]'s.
//!
//! Everything that must outlive the process (clients, codes, refresh-token families, keys,
//! revocations) is in the authorization [`Store`]; only rate-limit counters are in memory.
//! Secrets (passwords, codes, tokens, client secrets) are never logged, and codes, refresh
//! tokens and client secrets are stored only as their SHA-256.

pub mod authorize;
pub mod clients;
pub mod metadata;
pub mod signing;
pub mod token;
pub mod users;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::rate_limit::RateLimiter;
use super::store::Store;
use crate::config::AuthConfig;
use signing::SigningKeys;
use users::{ScopeCatalog, Users};

/// The built-in authorization server of `oauth` mode.
pub struct AuthorizationServer {
    /// Its issuer: this server's public base URL, without a trailing `/`.
    issuer: String,
    /// The resource its tokens are for (the base URL); `RESOURCE/mcp` is accepted too.
    resource: String,
    store: Arc<Store>,
    /// Signs and checks access tokens.
    pub(crate) tokens: token::AccessTokens,
    users: Users,
    scopes: ScopeCatalog,
    login_page: authorize::LoginPage,
    refresh_token_ttl_s: i64,
    allow_local_metadata: bool,
    /// Requests per IP to `/token`, `/register` and the login form.
    requests: RateLimiter,
    /// Failed sign-ins per IP and per username.
    failed_logins: RateLimiter,
}

impl AuthorizationServer {
    /// The authorization server of `auth`'s settings, for the resource `resource` (a base URL
    /// without a trailing `/`), keeping its state in `store`; `scopes` are the scopes this
    /// server's tools know.
    pub fn new(
        auth: &AuthConfig,
        resource: &str,
        store: Arc<Store>,
        scopes: ScopeCatalog,
    ) -> Result<Self, String> {
        let issuer = auth
            .issuer
            .as_deref()
            .unwrap_or(resource)
            .trim_end_matches('/')
            .to_owned();
        let access_ttl = seconds(auth.access_token_ttl_s);
        let keys = SigningKeys::new(
            Arc::clone(&store),
            seconds(auth.signing_key_rotation_s),
            access_ttl,
        );
        let tokens = token::AccessTokens::new(
            keys,
            Arc::clone(&store),
            issuer.clone(),
            vec![resource.to_owned(), format!("{resource}/mcp")],
            access_ttl,
        );
        let login_page = authorize::LoginPage::load(auth.login_page_path().as_deref())?;
        Ok(Self {
            issuer,
            resource: resource.to_owned(),
            store,
            tokens,
            users: Users::new(&auth.users),
            scopes,
            login_page,
            refresh_token_ttl_s: seconds(auth.refresh_token_ttl_s),
            allow_local_metadata: auth.allow_local_metadata,
            requests: RateLimiter::per_minute(auth.rate_limit_per_minute),
            failed_logins: RateLimiter::per_minute(auth.failed_logins_per_minute),
        })
    }

    /// The issuer, as tokens and metadata name it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether `resource` (RFC 8707) names this server: its base URL or its `/mcp`.
    fn is_own_resource(&self, resource: &str) -> bool {
        let resource = resource.trim_end_matches('/');
        resource == self.resource || resource == format!("{}/mcp", self.resource)
    }

    /// The audience of tokens for a request that named `resource` (or none).
    fn audience(&self, resource: Option<&str>) -> String {
        resource.map_or_else(
            || format!("{}/mcp", self.resource),
            |resource| resource.trim_end_matches('/').to_owned(),
        )
    }
}

/// The routes of the authorization server (no token needed).
pub fn routes(server: Arc<AuthorizationServer>) -> Router {
    Router::new()
        .route(metadata::PATH, get(metadata::serve))
        .route("/jwks", get(signing::serve_jwks))
        .route("/authorize", get(authorize::show).post(authorize::submit))
        .route("/token", post(token::serve_token))
        .route("/revoke", post(token::serve_revoke))
        .route("/register", post(clients::serve_register))
        .with_state(server)
}

/// `seconds` as the store's signed seconds.
fn seconds(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    super::store::now()
}

/// `bytes` random bytes from the operating system, in unpadded base64url.
pub(crate) fn random_token(bytes: usize) -> Result<String, String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|error| format!("the operating system gave no random bytes ({error})"))?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// The SHA-256 of `text`, in unpadded base64url: how codes, refresh tokens and client
/// secrets are stored and looked up.
pub(crate) fn digest(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes()))
}

/// Compares two strings in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The parameters of a query string or a form body, in order; `Err` naming a parameter that
/// is given twice (RFC 6749 section 3.1: each at most once), but `scope` on the login form,
/// whose checkboxes share the name.
pub(crate) fn parameters(text: &str, repeatable: &[&str]) -> Result<Params, String> {
    let mut params = Params(Vec::new());
    for (name, value) in url::form_urlencoded::parse(text.as_bytes()) {
        if !repeatable.contains(&name.as_ref()) && params.get(&name).is_some() {
            return Err(format!("the parameter {name} is given more than once"));
        }
        params.0.push((name.into_owned(), value.into_owned()));
    }
    Ok(params)
}

/// A request's parameters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// The value of `name` (the first, when it repeats); an empty value is no value.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The IP address of the client that sent `request` (the TCP peer; behind a proxy, the
/// proxy's: every client behind it shares its budgets).
pub(crate) fn client_ip<B>(request: &Request<B>) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(peer)| peer.ip())
}

/// A JSON response with `status`, never cached.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(headers);
    response
}

/// An OAuth error (RFC 6749 section 5.2) as JSON.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &serde_json::json!({"error": error, "error_description": description}),
    )
}

/// 429 with `Retry-After`, as an OAuth error.
pub(crate) fn too_many_requests(retry_after_s: u64) -> Response {
    let mut response = oauth_error(
        StatusCode::TOO_MANY_REQUESTS,
        "slow_down",
        &format!("too many requests from this address; try again in {retry_after_s} s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
    response
}

/// `Cache-Control: no-store` (and `Pragma: no-cache` for old caches).
pub(crate) fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

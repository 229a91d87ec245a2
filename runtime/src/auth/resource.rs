//! The OAuth 2.1 resource server in front of `/mcp`, in every mode but `none` (MCP
//! authorization spec; RFC 6750, RFC 9728):
//!
//! - a token is read only from `Authorization: Bearer`; a request that carries one in its
//!   query string is refused without reading it;
//! - no valid token: 401 with `WWW-Authenticate: Bearer resource_metadata="...", scope="..."`;
//! - a `tools/call` outside the caller's scopes: 403 with `error="insufficient_scope"` and the
//!   scope it needs (decided by [`crate::tools::scope`]);
//! - otherwise the [`Caller`] goes into the request's extensions, where the MCP handler reads
//!   it (rmcp hands the handler the request's `Parts`);
//! - the protected-resource metadata is served at `/.well-known/oauth-protected-resource` and
//!   `/.well-known/oauth-protected-resource/mcp`.
//!
//! Every sign-in and refusal is logged on stderr, never with a token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use http_body_util::BodyExt as _;
use serde_json::{Map, Value, json};

use super::Caller;
use super::keys::{self, KeyStore};
use super::oauth::users::ScopeCatalog;
use super::oauth::{AuthorizationServer, client_ip};
use super::oidc::OidcVerifier;
use super::rate_limit::RateLimiter;
use super::store::Store;
use crate::config::{AuthConfig, AuthMode};
use crate::handler::ServerState;
use crate::tools::scope::{self, Need};

/// The path of the protected-resource metadata (RFC 9728).
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// Checks the callers of `/mcp`.
pub struct ResourceServer {
    /// The authorization store (`[auth] store`), opened once and shared by what keeps state.
    store: Arc<Store>,
    keys: KeyStore,
    /// Invalid tokens per client IP: a flood of wrong API key secrets (each an argon2 check)
    /// or forged tokens is refused unchecked.
    failed_tokens: RateLimiter,
    oidc: Option<OidcVerifier>,
    /// `oauth` mode: the built-in authorization server.
    oauth: Option<Arc<AuthorizationServer>>,
    /// This server's public base URL, without a trailing `/`.
    resource: String,
    state: Arc<ServerState>,
}

/// Why a request is refused.
enum Refused {
    /// No token: ask for one.
    NoToken,
    /// A token in the query string, which is never read.
    TokenInQuery,
    /// A token that is not valid, and why.
    InvalidToken(String),
}

impl ResourceServer {
    /// The resource server of `state`'s `[auth]` settings for a server listening on
    /// `address`; `None` in mode `none`.
    pub async fn new(
        state: Arc<ServerState>,
        address: SocketAddr,
    ) -> Result<Option<Arc<Self>>, String> {
        let auth: &AuthConfig = &state.config.auth;
        auth.check()?;
        if auth.mode == AuthMode::None {
            return Ok(None);
        }
        let resource = auth
            .resource
            .clone()
            .unwrap_or_else(|| format!("http://{address}"))
            .trim_end_matches('/')
            .to_owned();
        if auth.resource.is_none() && !address.ip().is_loopback() {
            tracing::warn!(
                "auth.resource is not set: the metadata and challenges name {resource}, which clients beyond this machine may not reach; set it to this server's public URL"
            );
        }
        if let Some(issuer) = &auth.issuer
            && auth.mode == AuthMode::Oidc
            && issuer.starts_with("http://")
        {
            tracing::warn!(
                issuer = %issuer,
                "auth.issuer is plain http: the identity provider's keys can be forged in transit; use https beyond a test"
            );
        }
        let store = Arc::new(Store::open(auth).await.map_err(|error| error.to_string())?);
        let keys = KeyStore::open(Arc::clone(&store))
            .await
            .map_err(|error| error.to_string())?;
        let oauth = if auth.mode == AuthMode::Oauth {
            let server = AuthorizationServer::new(
                auth,
                &resource,
                Arc::clone(&store),
                scope_catalog(&state),
            )?;
            tracing::info!(
                issuer = server.issuer(),
                users = auth.users.len(),
                "oauth: the built-in authorization server is at {}/authorize",
                server.issuer()
            );
            Some(Arc::new(server))
        } else {
            None
        };
        let oidc = match (&auth.mode, &auth.issuer) {
            (AuthMode::Oidc, Some(issuer)) => {
                let audiences = match &auth.audience {
                    Some(audience) => vec![audience.clone()],
                    None => vec![resource.clone(), format!("{resource}/mcp")],
                };
                let verifier = OidcVerifier::new(issuer, audiences, &auth.scopes_claim)?;
                match verifier.prefetch().await {
                    Ok(count) => tracing::info!(
                        issuer = verifier.issuer(),
                        keys = count,
                        "oidc: the identity provider's keys are loaded"
                    ),
                    Err(error) => tracing::warn!(
                        issuer = verifier.issuer(),
                        %error,
                        "oidc: the identity provider's keys cannot be loaded yet; they are fetched again at the next token"
                    ),
                }
                Some(verifier)
            }
            _ => None,
        };
        tracing::info!(
            mode = auth.mode.name(),
            resource = %resource,
            store = store.name(),
            "authorization: tokens are required at /mcp"
        );
        Ok(Some(Arc::new(Self {
            store,
            keys,
            failed_tokens: RateLimiter::per_minute(auth.failed_tokens_per_minute),
            oidc,
            oauth,
            resource,
            state,
        })))
    }

    /// The built-in authorization server, in `oauth` mode.
    pub fn authorization_server(&self) -> Option<Arc<AuthorizationServer>> {
        self.oauth.clone()
    }

    /// The authorization store, where the OAuth authorization server keeps its state too.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The protected-resource metadata (RFC 9728) of the resource at `path` (`""` or
    /// `"/mcp"`).
    pub fn metadata(&self, path: &str) -> Value {
        let catalog = &self.state.catalog;
        let mut scopes = vec![
            scope::READ.to_owned(),
            scope::WRITE.to_owned(),
            scope::DELETE.to_owned(),
        ];
        for table in catalog.tables() {
            for kind in ["read", "write", "delete"] {
                scopes.push(format!("{}:{kind}", table.tool_base));
            }
        }
        for &index in self.state.tools.served_routines() {
            scopes.push(format!("{}:call", catalog.routine(index).fields.tool_base));
        }
        let authorization_servers: Vec<&str> = self
            .oidc
            .iter()
            .map(OidcVerifier::issuer)
            .chain(self.oauth.iter().map(|oauth| oauth.issuer()))
            .collect();
        json!({
            "resource": format!("{}{path}", self.resource),
            "authorization_servers": authorization_servers,
            "scopes_supported": scopes,
            "bearer_methods_supported": ["header"],
            "resource_name": self.state.implementation.name,
        })
    }

    /// The URL of the metadata, as challenges name it.
    /// The MCP endpoint's own (RFC 9728 section 3.1: the well-known suffix between the host and
    /// the resource's path `/mcp`), so that a client following the challenge and one
    /// discovering by path find the same `resource`, and ask for the same audience.
    fn metadata_url(&self) -> String {
        format!("{}{METADATA_PATH}/mcp", self.resource)
    }

    /// A `WWW-Authenticate` challenge.
    fn challenge(&self, error: Option<(&str, &str)>, scope: &str) -> HeaderValue {
        let mut value = format!(
            "Bearer resource_metadata=\"{}\", scope=\"{}\"",
            self.metadata_url(),
            quoted(scope)
        );
        if let Some((error, description)) = error {
            value.push_str(&format!(
                ", error=\"{error}\", error_description=\"{}\"",
                quoted(description)
            ));
        }
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    }

    /// The caller a bearer token stands for.
    async fn authenticate(&self, token: &str) -> Result<Caller, String> {
        if token.starts_with(keys::PREFIX) {
            return self.keys.authenticate(token).await;
        }
        if let Some(oauth) = &self.oauth {
            return oauth.tokens.verify(token).await;
        }
        match &self.oidc {
            Some(oidc) => oidc.verify(token).await,
            None => Err("not an API key of this server".to_owned()),
        }
    }

    /// The 401 of a refused request.
    fn unauthorized(&self, refused: &Refused) -> Response {
        let (error, message) = match refused {
            Refused::NoToken => (
                None,
                "Unauthorized: this server needs Authorization: Bearer TOKEN (an OAuth access token or an API key)".to_owned(),
            ),
            Refused::TokenInQuery => (
                Some(("invalid_request", "tokens are accepted only in the Authorization header")),
                "Unauthorized: a token in the query string is never accepted; send it as Authorization: Bearer TOKEN".to_owned(),
            ),
            Refused::InvalidToken(why) => (
                Some(("invalid_token", "the token is not valid")),
                format!("Unauthorized: the bearer token is not valid ({why})"),
            ),
        };
        let mut response = json_error(StatusCode::UNAUTHORIZED, &Value::Null, &message);
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, self.challenge(error, scope::READ));
        response
    }

    /// What a POSTed `tools/call` needs that `caller` lacks: the request's id and the need.
    fn unmet_need(&self, body: &[u8], caller: &Caller) -> Option<(Value, String, Need)> {
        let message: Value = serde_json::from_slice(body).ok()?;
        if message.get("method").and_then(Value::as_str) != Some("tools/call") {
            return None;
        }
        let params = message.get("params")?;
        let name = params.get("name").and_then(Value::as_str)?;
        let action = self.state.tools.action(name)?;
        let empty = Map::new();
        let arguments = params
            .get("arguments")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let need = scope::for_call(action, arguments, &self.state.catalog, &self.state.tools);
        if need.allows(&caller.scopes) {
            return None;
        }
        let id = message.get("id").cloned().unwrap_or(Value::Null);
        Some((id, name.to_owned(), need))
    }
}

/// The scopes of the served tables and routines, with their umbrellas.
fn scope_catalog(state: &ServerState) -> ScopeCatalog {
    let catalog = &state.catalog;
    ScopeCatalog::new(
        catalog.tables().iter().map(|table| table.tool_base),
        state.tools.served_routines().iter().map(|&index| {
            let routine = catalog.routine(index);
            (routine.fields.tool_base, routine.def.read_only)
        }),
    )
}

/// `text` with what cannot go in a quoted header string left out.
fn quoted(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '"' && c != '\\' && (c == ' ' || c.is_ascii_graphic()))
        .collect()
}

/// A JSON-RPC error response with `status`.
fn json_error(status: StatusCode, id: &Value, message: &str) -> Response {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": -32000, "message": message},
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The bearer token of `Authorization`, if that is what it holds.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether the query string carries a token (`access_token`, as RFC 6750 section 2.3 would
/// have it): refused, never read.
fn token_in_query(query: Option<&str>) -> bool {
    query.is_some_and(|query| {
        query
            .split('&')
            .any(|pair| pair.split('=').next() == Some("access_token"))
    })
}

/// The layer in front of `/mcp`: a valid bearer token, within its scopes, or a refusal.
pub async fn require_token(
    State(server): State<Arc<ResourceServer>>,
    request: Request,
    next: Next,
) -> Response {
    if token_in_query(request.uri().query()) {
        tracing::warn!(
            "auth: refused a request with a token in its query string (accepted only in the Authorization header)"
        );
        return server.unauthorized(&Refused::TokenInQuery);
    }
    let Some(token) = bearer(request.headers()) else {
        return server.unauthorized(&Refused::NoToken);
    };
    let address = client_ip(&request).to_string();
    if let Err(wait) = server.failed_tokens.check(&address) {
        tracing::warn!(
            %address,
            "auth: refused a bearer token unchecked: too many invalid tokens from this address (auth.failed_tokens_per_minute)"
        );
        let mut response = json_error(
            StatusCode::TOO_MANY_REQUESTS,
            &Value::Null,
            &format!(
                "Too Many Requests: too many invalid tokens from this address; try again in {wait} s"
            ),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return response;
    }
    let caller = match server.authenticate(token).await {
        Ok(caller) => caller,
        Err(why) => {
            let _ = server.failed_tokens.take(&address);
            tracing::warn!(reason = %why, %address, "auth: refused a bearer token");
            return server.unauthorized(&Refused::InvalidToken(why));
        }
    };
    tracing::info!(subject = %caller.subject, scopes = %caller.scopes, "auth: signed in");
    let (mut parts, body) = request.into_parts();
    // The body was read whole by the body-size limit in front of this layer.
    let Ok(bytes) = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if let Some((id, tool, need)) = server.unmet_need(&bytes, &caller) {
        tracing::warn!(
            subject = %caller.subject,
            tool = %tool,
            needs = %need.describe(),
            "auth: refused a call outside the caller's scopes"
        );
        let mut response = json_error(
            StatusCode::FORBIDDEN,
            &id,
            &format!(
                "Forbidden: the tool {tool} needs the scope {}, which this token does not have",
                need.describe()
            ),
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            server.challenge(
                Some((
                    "insufficient_scope",
                    "the token lacks a scope this call needs",
                )),
                need.requested(),
            ),
        );
        return response;
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A JSON document, 200.
fn json_document(value: &Value) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        value.to_string(),
    )
        .into_response()
}

/// The metadata routes (no token needed).
pub fn metadata_routes(server: Arc<ResourceServer>) -> Router {
    Router::new()
        .route(
            METADATA_PATH,
            get(|State(server): State<Arc<ResourceServer>>| async move {
                json_document(&server.metadata(""))
            }),
        )
        .route(
            &format!("{METADATA_PATH}/mcp"),
            get(|State(server): State<Arc<ResourceServer>>| async move {
                json_document(&server.metadata("/mcp"))
            }),
        )
        .with_state(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_authorization_header_carries_a_token() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        assert!(token_in_query(Some("a=1&access_token=x")));
        assert!(!token_in_query(Some("a=1")));
        assert!(!token_in_query(None));
    }

    #[test]
    fn challenge_strings_keep_to_what_a_quoted_header_string_holds() {
        assert_eq!(quoted("a \"b\" \\c\n"), "a b c");
    }
}

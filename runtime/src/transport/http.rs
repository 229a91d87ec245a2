//! Streamable HTTP: rmcp's tower service at `/mcp` and `GET /healthz`, behind three checks,
//! each made once, here, for every request:
//!
//! 1. the `Host` and `Origin` ([`super::dns_rebinding`]), on every route; then CORS for the
//!    allowed origins ([`cors`]), which answers a browser's preflight `OPTIONS` before the
//!    token check (a preflight carries no token);
//! 2. the body size (`http.max_body_bytes`), on every route, whatever the body's type and
//!    whether or not it says its length;
//! 3. on `/mcp`, in every `[auth] mode` but `none`, a valid bearer token within its scopes
//!    ([`crate::auth::resource`]), whose metadata is served at
//!    `/.well-known/oauth-protected-resource`; in `oauth` mode the authorization server's
//!    routes are served beside it ([`crate::auth::oauth`]);
//! 4. on `/mcp`, each POSTed JSON message ([`super::framing`]), and the number of open
//!    sessions when it opens one ([`super::sessions`]).
//!
//! Every refusal is JSON: a JSON-RPC error response that says what is wrong and which setting
//! governs it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use axum::serve::ListenerExt as _;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, ErrorCode};
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use super::TransportError;
use super::dns_rebinding::AllowedPeers;
use super::framing::{Refusal, check_message};
use super::sessions::Sessions;
use crate::auth::resource::{self, ResourceServer};
use crate::config::{AuthMode, HttpConfig};
use crate::handler::{McpHandler, ServerState};

/// The header that names a 2025-11-25 session.
const SESSION_ID_HEADER: &str = "mcp-session-id";

/// JSON-RPC's code for errors a server defines itself; used for refusals of the HTTP layer
/// (Host, Origin, body size, sessions), which JSON-RPC has no code of its own for.
const SERVER_ERROR: ErrorCode = ErrorCode(-32000);

/// Serves Streamable HTTP on `listen` until Ctrl-C or SIGTERM.
pub async fn serve_http(
    handler: McpHandler,
    listen: &str,
    http: &HttpConfig,
) -> Result<(), TransportError> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| TransportError::Listen {
            address: listen.to_owned(),
            source,
        })?;
    let address = listener.local_addr().map_err(TransportError::Http)?;
    let auth = ResourceServer::new(Arc::clone(handler.state()), address)
        .await
        .map_err(TransportError::Settings)?;
    if !address.ip().is_loopback() && handler.state().config.auth.mode == AuthMode::None {
        if !http.insecure_no_auth {
            return Err(TransportError::Unprotected { address });
        }
        tracing::warn!(
            %address,
            "serving HTTP beyond loopback WITHOUT AUTHORIZATION (--insecure-no-auth): anyone who can reach {address} can call every tool"
        );
    }
    let app = router(handler, http, address, auth)?;
    let shutdown = app.shutdown.clone();
    tracing::info!("serving MCP over Streamable HTTP at http://{address}/mcp");
    axum::serve(
        listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        }),
        app.router
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        shutdown.cancel();
    })
    .await
    .map_err(TransportError::Http)
}

/// The HTTP application and the token that ends its MCP sessions.
pub struct HttpApp {
    /// `POST /mcp` (and GET/DELETE for 2025-11-25 sessions), `GET /healthz`.
    pub router: Router,
    /// Cancelled on shutdown, so open sessions and streams close.
    pub shutdown: CancellationToken,
}

/// The HTTP application of a server that listens on `address`, behind `auth` when a mode
/// other than `none` gives one; an error when `http.allowed_hosts` or `http.allowed_origins`
/// holds an entry that is neither.
pub fn router(
    handler: McpHandler,
    http: &HttpConfig,
    address: SocketAddr,
    auth: Option<Arc<ResourceServer>>,
) -> Result<HttpApp, TransportError> {
    let mut peers = AllowedPeers::new(&http.allowed_hosts, &http.allowed_origins)
        .map_err(TransportError::Settings)?;
    // The server's own public URLs, when authorization names them: its login page posts from
    // there, and clients reach it under that name.
    let auth_config = &handler.state().config.auth;
    if auth.is_some() {
        let own_issuer = (auth_config.mode == AuthMode::Oauth)
            .then_some(auth_config.issuer.as_ref())
            .flatten();
        for url in auth_config.resource.iter().chain(own_issuer) {
            peers = peers.with_own_url(url);
        }
    }
    let peers = Arc::new(peers);
    if !address.ip().is_loopback() {
        tracing::warn!(
            allowed_hosts = ?http.allowed_hosts,
            "listening beyond loopback: requests are accepted only for the Host names in http.allowed_hosts"
        );
    }
    // The checks rmcp would make itself are made in front of it, for every route, and
    // switched off in it so that each has one rule and one message.
    let config = StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_max_request_body_bytes(usize::MAX)
        .with_legacy_session_mode(http.sessions);
    let shutdown = config.cancellation_token.clone();
    let state = Arc::clone(handler.state());
    let sessions = Arc::new(Sessions::new(http));
    let service =
        StreamableHttpService::new(move || Ok(handler.clone()), Arc::clone(&sessions), config);
    let mut mcp = Router::new()
        .nest_service("/mcp", service)
        .layer(middleware::from_fn_with_state(
            Arc::new(MessageCheck {
                sessions: http.sessions.then_some(sessions),
            }),
            check_posted_message,
        ))
        .layer(middleware::map_response(session_deleted_is_no_content));
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .with_state(state);
    if let Some(auth) = auth {
        mcp = mcp.layer(middleware::from_fn_with_state(
            Arc::clone(&auth),
            resource::require_token,
        ));
        if let Some(oauth) = auth.authorization_server() {
            router = router.merge(crate::auth::oauth::routes(oauth));
        }
        router = router.merge(resource::metadata_routes(auth));
    }
    let router = router
        .merge(mcp)
        .layer(middleware::from_fn_with_state(
            http.max_body_bytes,
            limit_body,
        ))
        .layer(cors(Arc::clone(&peers)))
        .layer(middleware::map_response(preflight_is_no_content))
        .layer(middleware::from_fn_with_state(peers, check_host_and_origin));
    Ok(HttpApp { router, shutdown })
}

/// CORS for browser-based clients (the MCP Inspector's web UI) of the origins
/// `http.allowed_origins` allows, on every route: a preflight is answered here, before the
/// token check; every answer names the request's allowed `Origin` back (never `*`), allows
/// the headers the preflight asks for, and lets the page read the session id and the token
/// challenge. A disallowed `Origin` never gets here
/// ([`check_host_and_origin`] refuses it with 403).
fn cors(peers: Arc<AllowedPeers>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            peers.allows_origin(origin)
        }))
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        // Whatever headers the page asks for: the 2026-07-28 era's `Mcp-Method`, `Mcp-Name`
        // and `Mcp-Param-*` (named by each tool's parameters) cannot be listed in advance, and
        // the origin is one the operator allowed.
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            header::HeaderName::from_static(SESSION_ID_HEADER),
            header::WWW_AUTHENTICATE,
        ])
        .max_age(Duration::from_secs(600))
}

/// tower-http answers a preflight with 200 and no body: 204 No Content says so.
async fn preflight_is_no_content(method: Method, mut response: Response) -> Response {
    if method == Method::OPTIONS
        && response.status() == StatusCode::OK
        && response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_METHODS)
    {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

/// A JSON-RPC error response with `status`.
fn refusal_response(status: StatusCode, refusal: &Refusal) -> Response {
    let mut response = (status, refusal.to_json().to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Refuses a request whose `Host` or `Origin` is not allowed (403; 400 without a `Host`).
async fn check_host_and_origin(
    State(peers): State<Arc<AllowedPeers>>,
    request: Request,
    next: Next,
) -> Response {
    match peers.check(request.uri(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refused) => refusal_response(
            refused.status,
            &Refusal::new(Value::Null, SERVER_ERROR, refused.message),
        ),
    }
}

/// Reads the body, up to `http.max_body_bytes`, of every request: a larger one gets 413,
/// whether it says its length (`Content-Length`) or not (chunked).
async fn limit_body(State(max_body_bytes): State<usize>, request: Request, next: Next) -> Response {
    let too_large = || {
        refusal_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &Refusal::new(
                Value::Null,
                SERVER_ERROR,
                format!(
                    "Payload Too Large: the request body is larger than {max_body_bytes} bytes, the most http.max_body_bytes allows"
                ),
            ),
        )
    };
    if declared_length(request.headers()).is_some_and(|length| length > max_body_bytes) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, max_body_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => return too_large(),
        Err(error) => {
            return refusal_response(
                StatusCode::BAD_REQUEST,
                &Refusal::new(
                    Value::Null,
                    SERVER_ERROR,
                    format!("Bad Request: the request body could not be read ({error})"),
                ),
            );
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The `Content-Length` a request declares.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// What [`check_posted_message`] checks against.
struct MessageCheck {
    /// `None` when the server keeps no sessions (`http.sessions = false`).
    sessions: Option<Arc<Sessions>>,
}

/// Answers a POSTed JSON body that is not a JSON-RPC message this server can answer with
/// its JSON-RPC error (HTTP 400), and an `initialize` that would open a session beyond
/// `http.max_sessions` with 503; passes everything else on. A body of another type goes on
/// to rmcp, which answers 415.
async fn check_posted_message(
    State(check): State<Arc<MessageCheck>>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || !is_json(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // The body was read whole by `limit_body`, so this only takes it.
    let Ok(bytes) = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let message = match check_message(&bytes) {
        Ok(message) => message,
        Err(refusal) => return refusal_response(StatusCode::BAD_REQUEST, &refusal),
    };
    if let Some(sessions) = &check.sessions
        && let Some(id) = opens_session(&parts.headers, &message)
        && let Some(full) = sessions.refusal().await
    {
        return refusal_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &Refusal::new(id, SERVER_ERROR, full.to_string()),
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The id of an `initialize` request that opens a session (it names none).
fn opens_session(headers: &HeaderMap, message: &ClientJsonRpcMessage) -> Option<Value> {
    match message {
        ClientJsonRpcMessage::Request(request)
            if matches!(request.request, ClientRequest::InitializeRequest(_))
                && !headers.contains_key(SESSION_ID_HEADER) =>
        {
            Some(request.id.clone().into_json_value())
        }
        _ => None,
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// rmcp answers a DELETE that ends a session with 202 Accepted; the session is already gone,
/// and clients (the Python SDK among them) expect 200 or 204 for a completed DELETE.
async fn session_deleted_is_no_content(method: Method, mut response: Response) -> Response {
    if method == Method::DELETE && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

/// 200 when the database answers, 503 with the reason when it does not.
async fn healthz(State(state): State<Arc<ServerState>>) -> (StatusCode, String) {
    match state.database.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n".to_owned()),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database unavailable: {error}\n"),
        ),
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests;

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

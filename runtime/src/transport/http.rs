//! Streamable HTTP: rmcp's tower service at `/mcp` with Host and Origin checks and a body
//! size limit, `GET /healthz`, and every POSTed message checked ([`super::framing`]) first.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use axum::serve::ListenerExt as _;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::TransportError;
use super::framing::check_message;
use crate::config::HttpConfig;
use crate::handler::{McpHandler, ServerState};

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
    let app = router(handler, http, address);
    let shutdown = app.shutdown.clone();
    tracing::info!("serving MCP over Streamable HTTP at http://{address}/mcp");
    axum::serve(
        listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        }),
        app.router,
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

/// The HTTP application of a server that listens on `address`.
pub fn router(handler: McpHandler, http: &HttpConfig, address: SocketAddr) -> HttpApp {
    let mut config = StreamableHttpServerConfig::default()
        .with_allowed_origins(http.allowed_origins.clone())
        .enforce_origin_validation()
        .with_max_request_body_bytes(http.max_body_bytes)
        .with_legacy_session_mode(http.sessions);
    config = if http.allowed_hosts.is_empty() {
        config.disable_allowed_hosts()
    } else {
        config.with_allowed_hosts(http.allowed_hosts.clone())
    };
    if !address.ip().is_loopback() {
        tracing::warn!(
            allowed_hosts = ?http.allowed_hosts,
            "listening beyond loopback: requests are accepted only for the Host names in http.allowed_hosts"
        );
    }
    let shutdown = config.cancellation_token.clone();
    let state = Arc::clone(handler.state());
    let service = StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let router = Router::new()
        .route("/healthz", get(healthz))
        .with_state(state)
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(
            http.max_body_bytes,
            check_posted_message,
        ))
        .layer(axum::middleware::map_response(
            session_deleted_is_no_content,
        ));
    HttpApp { router, shutdown }
}

/// Answers a POSTed JSON body that is not one JSON-RPC message with its JSON-RPC error
/// (HTTP 400) and a body over the limit with 413; passes everything else on.
async fn check_posted_message(
    State(max_body_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if request.method() != Method::POST || !is_json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, max_body_bytes).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {max_body_bytes} bytes (http.max_body_bytes)\n"
            ),
        )
            .into_response();
    };
    if let Err(refusal) = check_message(&bytes) {
        let mut response = (StatusCode::BAD_REQUEST, refusal.to_json().to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return response;
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
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

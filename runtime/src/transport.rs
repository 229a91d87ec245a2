//! How clients reach a server: stdio, or Streamable HTTP at `POST /mcp` (with `GET /healthz`)
//! behind rmcp's tower service, with Host and Origin checks and a body size limit.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::ListenerExt as _;
use rmcp::ServiceExt as _;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::HttpConfig;
use crate::handler::{McpHandler, ServerState};

/// A transport that failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The HTTP address cannot be listened on.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// The stdio session could not start or ended badly.
    #[error("stdio transport failed: {0}")]
    Stdio(String),
    /// The HTTP server failed.
    #[error("HTTP server failed: {0}")]
    Http(std::io::Error),
}

/// Serves one client on stdin/stdout until it disconnects.
pub async fn serve_stdio(handler: McpHandler) -> Result<(), TransportError> {
    let running = handler
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|error| TransportError::Stdio(error.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|error| TransportError::Stdio(error.to_string()))?;
    Ok(())
}

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
        .layer(axum::middleware::map_response(session_deleted_is_no_content));
    HttpApp { router, shutdown }
}

/// rmcp answers a DELETE that ends a session with 202 Accepted; the session is already gone,
/// and clients (the Python SDK among them) expect 200 or 204 for a completed DELETE.
async fn session_deleted_is_no_content(
    method: axum::http::Method,
    mut response: axum::response::Response,
) -> axum::response::Response {
    if method == axum::http::Method::DELETE && response.status() == StatusCode::ACCEPTED {
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

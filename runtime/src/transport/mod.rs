//! How clients reach a server: stdio ([`stdio`]) or Streamable HTTP ([`http`]). Both check
//! each incoming message's JSON-RPC framing first ([`framing`]) and hand it to rmcp.

pub(crate) mod dns_rebinding;
mod framing;
pub mod http;
mod sessions;
pub mod stdio;

pub use http::{HttpApp, router, serve_http};
pub use stdio::serve_stdio;

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
    /// The `[http]` settings cannot be used (what is wrong, naming the setting).
    #[error("{0}")]
    Settings(String),
    /// HTTP would be served beyond loopback with no authorization, and `--insecure-no-auth`
    /// does not say that is meant.
    #[error(
        "refusing to serve HTTP on {address} without authorization: anyone who can reach it could read every table this server serves. Listen on a loopback address (--listen 127.0.0.1:8080), require tokens ([auth] mode = \"oidc\", or serve --auth oidc), or, behind a proxy that authenticates, pass --insecure-no-auth"
    )]
    Unprotected {
        /// The address listened on.
        address: std::net::SocketAddr,
    },
}

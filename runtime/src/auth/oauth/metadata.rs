//! The authorization server's metadata (RFC 8414), at
//! `/.well-known/oauth-authorization-server`: where its endpoints are and what it supports.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde_json::{Value, json};

use super::AuthorizationServer;

/// The path of the metadata (the issuer has no path of its own).
pub const PATH: &str = "/.well-known/oauth-authorization-server";

impl AuthorizationServer {
    /// The metadata document.
    pub fn metadata(&self) -> Value {
        let issuer = &self.issuer;
        let scopes: Vec<&str> = self.scopes.names().collect();
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "registration_endpoint": format!("{issuer}/register"),
            "revocation_endpoint": format!("{issuer}/revoke"),
            "jwks_uri": format!("{issuer}/jwks"),
            "scopes_supported": scopes,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
            "revocation_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
            "authorization_response_iss_parameter_supported": true,
            "client_id_metadata_document_supported": true,
        })
    }
}

/// `GET /.well-known/oauth-authorization-server`.
pub async fn serve(State(server): State<Arc<AuthorizationServer>>) -> Response {
    let mut response = (StatusCode::OK, server.metadata().to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

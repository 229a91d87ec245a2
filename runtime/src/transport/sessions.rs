//! 2025-11-25 sessions (`Mcp-Session-Id`), bounded: rmcp's in-memory [`LocalSessionManager`]
//! with at most `http.max_sessions` open at once, each ended after
//! `http.session_idle_timeout_s` without a message, and its finished response streams kept
//! for `http.session_reply_cache_s` for a client to resume.
//!
//! An `initialize` beyond the cap is refused in front of rmcp, with HTTP 503 and a JSON-RPC
//! error (see `super::http`); [`Sessions::create_session`] refuses too, so the cap also
//! holds for `initialize` requests that race past that check.

use std::time::Duration;

use futures_core::Stream;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, SessionConfig,
};
use rmcp::transport::streamable_http_server::session::{
    ServerSseMessage, SessionId, SessionManager,
};

use crate::config::HttpConfig;

/// The open sessions of an HTTP server.
pub(crate) struct Sessions {
    local: LocalSessionManager,
    max: usize,
    idle_timeout_s: u64,
    /// Held while a session is counted and created, so concurrent `initialize`s cannot
    /// together pass the cap.
    creating: tokio::sync::Mutex<()>,
}

/// A session operation that failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionsError {
    /// The cap is reached.
    #[error("{}", full_message(*max, *idle_timeout_s))]
    Full {
        /// `http.max_sessions`.
        max: usize,
        /// `http.session_idle_timeout_s`.
        idle_timeout_s: u64,
    },
    /// rmcp's session manager failed.
    #[error(transparent)]
    Local(#[from] LocalSessionManagerError),
}

/// What a client refused a session is told.
fn full_message(max: usize, idle_timeout_s: u64) -> String {
    format!(
        "Too many sessions: {max} are open, the most http.max_sessions allows. Clients end theirs with DELETE (Mcp-Session-Id); idle ones end after http.session_idle_timeout_s ({idle_timeout_s} s). Retry later, raise http.max_sessions, or use the stateless 2026-07-28 revision, which needs no session"
    )
}

impl Sessions {
    /// Sessions as `[http]` sets them.
    pub(crate) fn new(http: &HttpConfig) -> Self {
        let mut session_config = SessionConfig::default();
        session_config.keep_alive = Some(Duration::from_secs(http.session_idle_timeout_s));
        session_config.completed_cache_ttl = Duration::from_secs(http.session_reply_cache_s);
        let mut local = LocalSessionManager::default();
        local.session_config = session_config;
        Self {
            local,
            max: http.max_sessions,
            idle_timeout_s: http.session_idle_timeout_s,
            creating: tokio::sync::Mutex::new(()),
        }
    }

    /// How many sessions are open.
    pub(crate) async fn open(&self) -> usize {
        self.local.sessions.read().await.len()
    }

    /// The error of a session refused because the cap is reached, when it is.
    pub(crate) async fn refusal(&self) -> Option<SessionsError> {
        (self.open().await >= self.max).then_some(SessionsError::Full {
            max: self.max,
            idle_timeout_s: self.idle_timeout_s,
        })
    }
}

impl SessionManager for Sessions {
    type Error = SessionsError;
    type Transport = <LocalSessionManager as SessionManager>::Transport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        let _creating = self.creating.lock().await;
        if let Some(full) = self.refusal().await {
            return Err(full);
        }
        Ok(self.local.create_session().await?)
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        Ok(self.local.initialize_session(id, message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        Ok(self.local.has_session(id).await?)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        Ok(self.local.close_session(id).await?)
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        Ok(self.local.create_stream(id, message).await?)
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        Ok(self.local.accept_message(id, message).await?)
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        Ok(self.local.create_standalone_stream(id).await?)
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        Ok(self.local.resume(id, last_event_id).await?)
    }
}

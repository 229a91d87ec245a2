//! The default of every setting of a server's config file (`mcpgen.toml`). The runtime starts
//! from these, and the config file the generator writes shows them, commented out.

/// `[database] max_connections`: the most connections the server keeps open.
pub const MAX_CONNECTIONS: u32 = 5;

/// `[limits] default_limit`: rows per page of `list_T` when a call gives no `limit`.
pub const DEFAULT_LIMIT: u32 = 50;
/// `[limits] max_limit`: the largest `limit` honoured; larger ones are lowered to it.
pub const MAX_LIMIT: u32 = 1000;
/// `[limits] max_result_bytes`: the most bytes of JSON rows one result holds; a page ends
/// early rather than pass it. A result carries its rows twice (structured and as text), and
/// clients limit messages (the Python SDK, to 1 MiB).
pub const MAX_RESULT_BYTES: usize = 256 * 1024;
/// `[limits] max_write_rows`: the most rows one `insert_T` takes, and the most an `update_T`
/// or `delete_T` changes unless its `max_rows` says fewer.
pub const MAX_WRITE_ROWS: u32 = 100;
/// `[limits] statement_timeout_ms`: how long one SQL statement may run (0: no limit).
pub const STATEMENT_TIMEOUT_MS: u64 = 30_000;

/// `[http] listen`: the address `--transport http` listens on.
pub const LISTEN: &str = "127.0.0.1:8080";
/// `[http] allowed_hosts`: `Host` header values accepted (DNS-rebinding protection).
pub const ALLOWED_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1"];
/// `[http] allowed_origins`: browser `Origin`s accepted.
pub const ALLOWED_ORIGINS: &[&str] =
    &["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];
/// `[http] max_body_bytes`: the largest request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// `[http] sessions`: serve 2025-11-25 clients with `Mcp-Session-Id` sessions.
pub const SESSIONS: bool = true;

/// `[http] max_sessions`: the most 2025-11-25 sessions open at once.
pub const MAX_SESSIONS: usize = 1000;
/// `[http] session_idle_timeout_s`: seconds a session may go without a message before the
/// server ends it.
pub const SESSION_IDLE_TIMEOUT_S: u64 = 600;
/// `[http] session_reply_cache_s`: seconds a session keeps a finished response stream for a
/// client that reconnects with `Last-Event-ID`.
pub const SESSION_REPLY_CACHE_S: u64 = 60;

/// `[tools] page_size`: tools per page of `tools/list`.
pub const PAGE_SIZE: usize = 100;
/// `[tools] writes`: serve the write tools (`serve --allow-writes` turns them on too).
pub const WRITES: bool = false;
/// `[tools] profile`: the tool surface (`auto`: `typed` while its `tools/list` fits in
/// [`AUTO_TYPED_MAX_BYTES`], else `compact`).
pub const PROFILE: &str = "auto";
/// `[tools] sql`: serve `query_sql`, read-only SQL checked before it runs.
pub const SQL: bool = false;
/// Under `profile = "auto"`, the largest `tools/list` (minified JSON bytes) the `typed`
/// profile may have; beyond it, `compact` is served.
pub const AUTO_TYPED_MAX_BYTES: usize = 64 * 1024;

/// `[auth] mode`: who may call the tools over HTTP (`none`, `oauth` or `oidc`; stdio is
/// never authenticated: it is a local process).
pub const AUTH_MODE: &str = "none";
/// `[auth] store`: the file of API keys and revocations, beside the config file (or in the
/// working directory without one).
pub const AUTH_STORE: &str = "mcpgen-auth.sqlite";
/// `[auth] scopes_claim`: the claim of an `oidc` token that holds its scopes (a
/// space-separated string or an array).
pub const AUTH_SCOPES_CLAIM: &str = "scope";
/// `[auth] access_token_ttl_s`: seconds an access token of the built-in authorization server
/// (`oauth` mode) is valid.
pub const ACCESS_TOKEN_TTL_S: u64 = 900;
/// `[auth] refresh_token_ttl_s`: seconds a sign-in's refresh tokens keep working, counted
/// from the sign-in (each refresh rotates the token, not this deadline).
pub const REFRESH_TOKEN_TTL_S: u64 = 30 * 86_400;
/// `[auth] signing_key_rotation_s`: seconds a signing key of access tokens is used before a
/// new one is made (the old one stays in the JWKS until its tokens have expired).
pub const SIGNING_KEY_ROTATION_S: u64 = 86_400;
/// `[auth] allow_local_metadata`: fetch client ID metadata documents from private, loopback
/// and link-local addresses (for tests and private networks only).
pub const ALLOW_LOCAL_METADATA: bool = false;
/// `[auth] rate_limit_per_minute`: requests per minute one client IP may make to each of
/// `/token`, `/register` and the login form (`POST /authorize`).
pub const RATE_LIMIT_PER_MINUTE: u32 = 60;
/// `[auth] failed_logins_per_minute`: failed sign-ins per minute allowed per client IP and
/// per username before the login form answers 429.
pub const FAILED_LOGINS_PER_MINUTE: u32 = 5;
/// `[auth] failed_tokens_per_minute`: invalid bearer tokens or API keys per minute allowed per
/// client IP at `/mcp`, in every mode but `none`, before its requests get 429 unchecked (each
/// wrong API key secret costs an argon2 check).
pub const FAILED_TOKENS_PER_MINUTE: u32 = 30;

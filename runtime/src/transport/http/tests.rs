//! The HTTP application in process (tower's `oneshot` on the router, no sockets), over a
//! one-table SQLite database in a temporary file.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::{HttpApp, router};
use crate::McpTable;
use crate::config::{Config, HttpConfig};

/// The one table of the test database.
#[derive(McpTable)]
#[mcp(crate = "crate", table = "books")]
struct Book {
    #[mcp(primary_key)]
    id: i64,
    title: String,
}

const ACCEPT: &str = "application/json, text/event-stream";
const SESSION_VERSION: &str = "2025-11-25";

// --- the test server ---------------------------------------------------------------------------

/// A SQLite database file that is deleted with this value.
struct TempDatabase(PathBuf);

impl TempDatabase {
    async fn create() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "mcpgen-http-test-{}-{}.db",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
            .await
            .expect("the test database opens");
        sqlx::query("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
            .execute(&mut connection)
            .await
            .expect("the books table is created");
        Self(path)
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The HTTP application of a server of `Book` with `[http]` settings `http`.
struct TestServer {
    app: HttpApp,
    _database: TempDatabase,
}

impl TestServer {
    async fn start() -> Self {
        Self::with(HttpConfig::default()).await
    }

    async fn with(http: HttpConfig) -> Self {
        let database = TempDatabase::create().await;
        let config = Config {
            http,
            ..Config::default()
        };
        let server = crate::Server::builder()
            .table::<Book>()
            .build(Some(database.url()), config.clone())
            .await
            .expect("the test server starts");
        let address = "127.0.0.1:8080".parse().expect("an address");
        let app =
            router(server.handler(), &config.http, address, None).expect("the router is built");
        Self {
            app,
            _database: database,
        }
    }

    async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers")
    }

    /// POSTs `body` to /mcp as a client does, with `headers` besides.
    async fn post(&self, body: impl Into<Body>, headers: &[(&str, &str)]) -> Response<Body> {
        let mut request = mcp_request("POST")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .expect("a request");
        for (name, value) in headers {
            request.headers_mut().insert(
                header::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        self.send(request).await
    }

    /// A 2025-11-25 handshake (initialize, notifications/initialized); the session id.
    async fn open_session(&self) -> String {
        let response = self.post(initialize(1).to_string(), &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let session = response
            .headers()
            .get("mcp-session-id")
            .expect("initialize answers with an Mcp-Session-Id")
            .to_str()
            .expect("a text session id")
            .to_owned();
        let initialized = self
            .post(
                json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
                &session_headers(&session),
            )
            .await;
        assert_eq!(initialized.status(), StatusCode::ACCEPTED);
        session
    }

    async fn delete_session(&self, session: &str) -> StatusCode {
        let mut request = mcp_request("DELETE")
            .body(Body::empty())
            .expect("a request");
        for (name, value) in session_headers(session) {
            request
                .headers_mut()
                .insert(name, HeaderValue::from_str(value).expect("a header value"));
        }
        self.send(request).await.status()
    }
}

/// A request to /mcp with an allowed Host and the Accept header clients send.
fn mcp_request(method: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri("/mcp")
        .header(header::HOST, "localhost:8080")
        .header(header::ACCEPT, ACCEPT)
}

fn get(path: &str, host: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().uri(path);
    if let Some(host) = host {
        request = request.header(header::HOST, host);
    }
    request.body(Body::empty()).expect("a request")
}

fn initialize(id: i64) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "initialize",
        "params": {
            "protocolVersion": SESSION_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "mcpgen-test", "version": "0"}
        }
    })
}

fn session_headers(session: &str) -> [(&'static str, &str); 2] {
    [
        ("mcp-session-id", session),
        ("mcp-protocol-version", SESSION_VERSION),
    ]
}

/// The JSON-RPC response in a reply: its JSON body, or the first response among its
/// server-sent events (read up to that event, not to the stream's end).
async fn message(response: Response<Body>) -> Value {
    let is_sse = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
    let mut body = response.into_body();
    let mut text = String::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("the body reads").into_data() {
            text.push_str(std::str::from_utf8(&data).expect("a text body"));
        }
        if is_sse && let Some(message) = first_sse_response(&text) {
            return message;
        }
    }
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("no JSON-RPC response in {text:?}"))
}

fn first_sse_response(text: &str) -> Option<Value> {
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            serde_json::from_str::<Value>(&data.join("\n")).ok()
        })
        .find(|message| message.get("result").is_some() || message.get("error").is_some())
}

/// The code and message of a JSON-RPC error response.
fn error_of(message: &Value) -> (i64, String) {
    let error = &message["error"];
    let code = error["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("no error in {message}"));
    (
        code,
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

// --- Host and Origin -----------------------------------------------------------------------------

#[tokio::test]
async fn healthz_answers_an_allowed_host() {
    let server = TestServer::start().await;
    let response = server.send(get("/healthz", Some("localhost:8080"))).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn healthz_refuses_a_host_that_is_not_allowed() {
    let server = TestServer::start().await;
    let response = server.send(get("/healthz", Some("evil.example"))).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, text) = error_of(&message(response).await);
    assert!(text.contains("http.allowed_hosts"), "{text}");
}

#[tokio::test]
async fn healthz_refuses_a_request_without_a_host() {
    let server = TestServer::start().await;
    let response = server.send(get("/healthz", None)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unknown_path_refuses_a_host_that_is_not_allowed() {
    let server = TestServer::start().await;
    let response = server.send(get("/admin", Some("evil.example"))).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn mcp_refuses_a_host_that_is_not_allowed() {
    let server = TestServer::start().await;
    let response = server
        .post(initialize(1).to_string(), &[("host", "evil.example:8080")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn mcp_answers_an_allowed_origin() {
    let server = TestServer::start().await;
    let response = server
        .post(
            initialize(1).to_string(),
            &[("origin", "http://localhost:5173")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(message(response).await["result"]["serverInfo"].is_object());
}

#[tokio::test]
async fn mcp_refuses_an_origin_that_is_not_allowed() {
    let server = TestServer::start().await;
    let response = server
        .post(
            initialize(1).to_string(),
            &[("origin", "http://evil.example")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, text) = error_of(&message(response).await);
    assert!(text.contains("http.allowed_origins"), "{text}");
}

#[tokio::test]
async fn healthz_refuses_an_origin_that_is_not_allowed() {
    let server = TestServer::start().await;
    let mut request = get("/healthz", Some("localhost"));
    request.headers_mut().insert(
        header::ORIGIN,
        HeaderValue::from_static("http://evil.example"),
    );
    assert_eq!(server.send(request).await.status(), StatusCode::FORBIDDEN);
}

// --- the body limit ------------------------------------------------------------------------------

fn small_body_limit() -> HttpConfig {
    HttpConfig {
        max_body_bytes: 1000,
        ..HttpConfig::default()
    }
}

/// An initialize request padded with trailing spaces (valid JSON) to `length` bytes.
fn initialize_of_length(length: usize) -> String {
    let mut body = initialize(1).to_string();
    assert!(body.len() <= length);
    body.push_str(&" ".repeat(length - body.len()));
    body
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    let server = TestServer::with(small_body_limit()).await;
    let response = server.post(initialize_of_length(1000), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_body_one_byte_over_the_limit_is_413_naming_the_setting() {
    let server = TestServer::with(small_body_limit()).await;
    let response = server.post(initialize_of_length(1001), &[]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (_, text) = error_of(&message(response).await);
    assert!(
        text.contains("1000 bytes") && text.contains("http.max_body_bytes"),
        "{text}"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413() {
    let server = TestServer::with(small_body_limit()).await;
    let chunks = initialize_of_length(1001)
        .into_bytes()
        .chunks(100)
        .map(|chunk| Ok::<_, std::io::Error>(axum::body::Bytes::copy_from_slice(chunk)))
        .collect::<Vec<_>>();
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    let response = server.post(body, &[]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_body_over_the_limit_of_another_type_is_413() {
    let server = TestServer::with(small_body_limit()).await;
    let response = server
        .post("x".repeat(1001), &[("content-type", "text/plain")])
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_body_of_another_type_under_the_limit_is_415() {
    let server = TestServer::start().await;
    let response = server
        .post(initialize(1).to_string(), &[("content-type", "text/plain")])
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

// --- framing -------------------------------------------------------------------------------------

#[tokio::test]
async fn broken_json_is_400_with_a_parse_error() {
    let server = TestServer::start().await;
    let response = server.post(r#"{"jsonrpc": "2.0", "id": 1, "#, &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = message(response).await;
    assert_eq!(error_of(&message).0, -32700);
    assert_eq!(message["id"], Value::Null);
}

#[tokio::test]
async fn json_that_is_not_jsonrpc_is_400_with_an_invalid_request() {
    let server = TestServer::start().await;
    let response = server.post(r#"{"hello": "world"}"#, &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(&message(response).await).0, -32600);
}

#[tokio::test]
async fn an_id_that_is_an_object_is_400_with_an_invalid_request() {
    let server = TestServer::start().await;
    let response = server
        .post(
            r#"{"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}"#,
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = message(response).await;
    let (code, text) = error_of(&message);
    assert_eq!(code, -32600);
    assert!(
        text.contains("\"id\" must be a string or an integer"),
        "{text}"
    );
}

#[tokio::test]
async fn tools_call_with_arguments_that_are_an_array_is_invalid_params() {
    let server = TestServer::start().await;
    let session = server.open_session().await;
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "count_books", "arguments": [1]}});
    let response = server
        .post(call.to_string(), &session_headers(&session))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = message(response).await;
    let (code, text) = error_of(&message);
    assert_eq!((code, &message["id"]), (-32602, &json!(2)));
    assert!(
        text.contains("tools/call") && text.contains("`arguments` must be an object"),
        "{text}"
    );
}

#[tokio::test]
async fn initialize_without_client_info_is_invalid_params() {
    let server = TestServer::start().await;
    let mut request = initialize(1);
    request["params"]
        .as_object_mut()
        .expect("params")
        .remove("clientInfo");
    let response = server.post(request.to_string(), &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (code, text) = error_of(&message(response).await);
    assert_eq!(code, -32602);
    assert!(text.contains("`clientInfo` is required"), "{text}");
}

#[tokio::test]
async fn a_method_of_a_capability_not_advertised_is_method_not_found() {
    let server = TestServer::start().await;
    let session = server.open_session().await;
    for (id, method) in [
        "resources/list",
        "resources/templates/list",
        "prompts/list",
        "completion/complete",
        "logging/setLevel",
    ]
    .into_iter()
    .enumerate()
    {
        let params = match method {
            "completion/complete" => {
                json!({"ref": {"type": "ref/prompt", "name": "x"}, "argument": {"name": "a", "value": ""}})
            }
            "logging/setLevel" => json!({"level": "info"}),
            _ => json!({}),
        };
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let response = server
            .post(request.to_string(), &session_headers(&session))
            .await;
        let message = message(response).await;
        let (code, text) = error_of(&message);
        assert_eq!(code, -32601, "{method}: {text}");
        assert!(text.contains(method), "{method}: {text}");
    }
}

// --- sessions ------------------------------------------------------------------------------------

#[tokio::test]
async fn a_session_answers_requests_with_its_id_until_it_is_deleted() {
    let server = TestServer::start().await;
    let session = server.open_session().await;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string();
    let listed = server.post(list.clone(), &session_headers(&session)).await;
    assert_eq!(listed.status(), StatusCode::OK);
    assert!(message(listed).await["result"]["tools"].is_array());
    assert_eq!(
        server.delete_session(&session).await,
        StatusCode::NO_CONTENT
    );
    let after = server.post(list, &session_headers(&session)).await;
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
}

fn two_sessions_at_most() -> HttpConfig {
    HttpConfig {
        max_sessions: 2,
        ..HttpConfig::default()
    }
}

#[tokio::test]
async fn a_session_beyond_the_cap_is_503_naming_the_setting() {
    let server = TestServer::with(two_sessions_at_most()).await;
    server.open_session().await;
    server.open_session().await;
    let response = server.post(initialize(3).to_string(), &[]).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get("mcp-session-id").is_none());
    let message = message(response).await;
    assert_eq!(message["id"], 3);
    let (_, text) = error_of(&message);
    assert!(text.contains("http.max_sessions"), "{text}");
}

#[tokio::test]
async fn a_deleted_session_makes_room_for_another() {
    let server = TestServer::with(two_sessions_at_most()).await;
    let first = server.open_session().await;
    server.open_session().await;
    server.delete_session(&first).await;
    server.open_session().await;
}

#[tokio::test]
async fn stateless_requests_are_served_when_sessions_are_at_the_cap() {
    let server = TestServer::with(two_sessions_at_most()).await;
    server.open_session().await;
    server.open_session().await;
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "mcpgen-test", "version": "0"}
    });
    let request =
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": meta}});
    let response = server
        .post(
            request.to_string(),
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/list"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(message(response).await["result"]["tools"].is_array());
}

#[tokio::test]
async fn an_idle_session_ends_after_the_idle_timeout() {
    let server = TestServer::with(HttpConfig {
        session_idle_timeout_s: 60,
        ..HttpConfig::default()
    })
    .await;
    let session = server.open_session().await;
    // Virtual time from here: the runtime runs every task that can run, then skips ahead.
    tokio::time::pause();
    tokio::time::sleep(std::time::Duration::from_secs(61)).await;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string();
    let after = server.post(list, &session_headers(&session)).await;
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
}

/// Runs every task that can run: in virtual time, the runtime skips ahead only when no task
/// can make progress, so a sleep returns once the others have done all they can.
async fn settle() {
    tokio::time::pause();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    tokio::time::resume();
}

#[tokio::test]
async fn deleting_sessions_ends_every_task_they_started() {
    let server = TestServer::start().await;
    let warm_up = server.open_session().await;
    server.delete_session(&warm_up).await;
    settle().await;
    let tasks = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let before = tasks();
    let mut sessions = Vec::new();
    for _ in 0..20 {
        sessions.push(server.open_session().await);
    }
    settle().await;
    assert!(tasks() > before, "20 open sessions run no task");
    for session in &sessions {
        assert_eq!(server.delete_session(session).await, StatusCode::NO_CONTENT);
    }
    settle().await;
    assert_eq!(tasks(), before);
}

// --- authorization ---------------------------------------------------------------------------------

/// A server of `Book` with writes on and `[auth] mode = "oidc"` (its issuer unreachable: only
/// API keys get in), its store in a temporary file, and a key of each of `scopes`.
struct AuthServer {
    server: TestServer,
    keys: Vec<String>,
    _store: TempDatabase,
}

impl AuthServer {
    async fn start(scopes: &[&str]) -> Self {
        let database = TempDatabase::create().await;
        let store = TempDatabase(database.0.with_extension("auth.sqlite"));
        let mut config = Config::default();
        config.tools.writes = true;
        config.auth.mode = crate::config::AuthMode::Oidc;
        config.auth.issuer = Some("http://127.0.0.1:9".to_owned());
        config.auth.resource = Some("https://db.example.com/".to_owned());
        config.auth.store = store.0.display().to_string();
        let opened = crate::auth::store::Store::open_sqlite(&store.0)
            .await
            .expect("the store opens");
        let keys = crate::auth::keys::KeyStore::open(std::sync::Arc::new(opened))
            .await
            .expect("the store opens");
        let mut made = Vec::new();
        for (index, scopes) in scopes.iter().enumerate() {
            made.push(
                keys.create(
                    &format!("key{index}"),
                    &crate::auth::Scopes::parse(scopes),
                    None,
                )
                .await
                .expect("a key is made"),
            );
        }
        let built = crate::Server::builder()
            .table::<Book>()
            .build(Some(database.url()), config.clone())
            .await
            .expect("the test server starts");
        let address = "127.0.0.1:8080".parse().expect("an address");
        let auth = crate::auth::resource::ResourceServer::new(
            std::sync::Arc::clone(built.handler().state()),
            address,
        )
        .await
        .expect("the resource server starts");
        assert!(auth.is_some(), "oidc mode has a resource server");
        let app = router(built.handler(), &config.http, address, auth).expect("the router");
        Self {
            server: TestServer {
                app,
                _database: database,
            },
            keys: made,
            _store: store,
        }
    }

    /// A 2026-07-28 request of `method` with `params`, with `token` as its bearer token.
    async fn stateless(&self, token: Option<&str>, method: &str, params: Value) -> Response<Body> {
        let mut params = params;
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "mcpgen-test", "version": "0"}
        });
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let authorization = token.map(|token| format!("Bearer {token}"));
        let mut headers = vec![
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", method),
        ];
        if let Some(name) = params["name"].as_str() {
            headers.push(("mcp-name", name));
        }
        if let Some(value) = &authorization {
            headers.push(("authorization", value));
        }
        self.server.post(request.to_string(), &headers).await
    }
}

fn www_authenticate(response: &Response<Body>) -> String {
    response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .expect("a WWW-Authenticate challenge")
        .to_str()
        .expect("a text challenge")
        .to_owned()
}

#[tokio::test]
async fn the_protected_resource_metadata_is_served_at_both_paths_without_a_token() {
    let server = AuthServer::start(&[]).await;
    for (path, resource) in [
        (
            "/.well-known/oauth-protected-resource",
            "https://db.example.com",
        ),
        (
            "/.well-known/oauth-protected-resource/mcp",
            "https://db.example.com/mcp",
        ),
    ] {
        let response = server.server.send(get(path, Some("localhost"))).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let metadata = message(response).await;
        assert_eq!(metadata["resource"], resource);
        assert_eq!(
            metadata["authorization_servers"],
            json!(["http://127.0.0.1:9"])
        );
        assert_eq!(metadata["bearer_methods_supported"], json!(["header"]));
        let scopes = metadata["scopes_supported"].as_array().expect("scopes");
        for scope in [
            "mcp:read",
            "mcp:write",
            "mcp:delete",
            "books:read",
            "books:delete",
        ] {
            assert!(scopes.contains(&json!(scope)), "{scope} in {scopes:?}");
        }
    }
    let refused = server
        .server
        .send(get(
            "/.well-known/oauth-protected-resource",
            Some("evil.example"),
        ))
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "Host is checked here too"
    );
}

#[tokio::test]
async fn mcp_without_a_token_is_401_pointing_at_the_metadata() {
    let server = AuthServer::start(&[]).await;
    let response = server.stateless(None, "tools/list", json!({})).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = www_authenticate(&response);
    assert!(
        challenge.starts_with(
            "Bearer resource_metadata=\"https://db.example.com/.well-known/oauth-protected-resource/mcp\""
        ),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"mcp:read\""), "{challenge}");
    let response = server
        .stateless(Some("mcpk_nope"), "tools/list", json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(www_authenticate(&response).contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn an_api_key_lists_and_calls_only_what_its_scopes_allow() {
    let server = AuthServer::start(&["mcp:read"]).await;
    let key = server.keys[0].clone();
    let response = server.stateless(Some(&key), "tools/list", json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let listed = message(response).await;
    let names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    assert!(names.contains(&"list_books"), "{names:?}");
    assert!(
        !names.iter().any(|name| name.starts_with("insert_")),
        "{names:?}"
    );
    let call = server
        .stateless(
            Some(&key),
            "tools/call",
            json!({"name": "count_books", "arguments": {}}),
        )
        .await;
    assert_eq!(call.status(), StatusCode::OK);
    assert_eq!(
        message(call).await["result"]["structuredContent"]["count"],
        0
    );
    let insert = server
        .stateless(
            Some(&key),
            "tools/call",
            json!({"name": "insert_books", "arguments": {"rows": [{"id": 1, "title": "x"}]}}),
        )
        .await;
    assert_eq!(insert.status(), StatusCode::FORBIDDEN);
    let challenge = www_authenticate(&insert);
    assert!(
        challenge.contains("error=\"insufficient_scope\"")
            && challenge.contains("scope=\"books:write\""),
        "{challenge}"
    );
    let (_, text) = error_of(&message(insert).await);
    assert!(text.contains("books:write (or mcp:write)"), "{text}");
}

#[tokio::test]
async fn a_router_built_without_its_resource_server_in_an_auth_mode_serves_nothing() {
    let database = TempDatabase::create().await;
    let mut config = Config::default();
    config.auth.mode = crate::config::AuthMode::Oidc;
    config.auth.issuer = Some("http://127.0.0.1:9".to_owned());
    let built = crate::Server::builder()
        .table::<Book>()
        .build(Some(database.url()), config.clone())
        .await
        .expect("the test server starts");
    let address = "127.0.0.1:8080".parse().expect("an address");
    let server = AuthServer {
        server: TestServer {
            app: router(built.handler(), &config.http, address, None).expect("the router"),
            _database: database,
        },
        keys: Vec::new(),
        _store: TempDatabase(std::env::temp_dir().join("mcpgen-unused-store")),
    };
    let listed = message(server.stateless(None, "tools/list", json!({})).await).await;
    assert_eq!(listed["result"]["tools"], json!([]));
    let call = server
        .stateless(
            None,
            "tools/call",
            json!({"name": "count_books", "arguments": {}}),
        )
        .await;
    let result = message(call).await;
    assert_eq!(result["result"]["isError"], true, "{result}");
}

// --- CORS ------------------------------------------------------------------------------------------

/// A browser's preflight of a POST to /mcp from `origin`, as the MCP Inspector's web UI sends
/// it: no token.
fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method("OPTIONS")
        .uri("/mcp")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type,mcp-session-id,mcp-protocol-version,last-event-id,mcp-method,mcp-name,mcp-param-region",
        )
        .body(Body::empty())
        .expect("a request")
}

fn header_text(response: &Response<Body>, name: header::HeaderName) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|value| value.to_str().expect("a text header").to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(",")
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_204_naming_the_origin_methods_and_headers() {
    let server = TestServer::start().await;
    let response = server.send(preflight("http://localhost:5173")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header_text(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "http://localhost:5173"
    );
    let methods = header_text(&response, header::ACCESS_CONTROL_ALLOW_METHODS);
    for method in ["get", "post", "delete", "options"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header_text(&response, header::ACCESS_CONTROL_ALLOW_HEADERS);
    for name in [
        "authorization",
        "content-type",
        "mcp-session-id",
        "mcp-protocol-version",
        "last-event-id",
        "mcp-method",
        "mcp-name",
        "mcp-param-region",
    ] {
        assert!(headers.contains(name), "{headers}");
    }
    assert!(header_text(&response, header::VARY).contains("origin"));
    assert!(
        response
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none()
    );
}

#[tokio::test]
async fn a_preflight_from_an_origin_that_is_not_allowed_is_403_without_cors_headers() {
    let server = TestServer::start().await;
    let response = server.send(preflight("http://evil.example")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
    let (_, text) = error_of(&message(response).await);
    assert!(text.contains("http.allowed_origins"), "{text}");
}

#[tokio::test]
async fn an_answer_to_an_allowed_origin_names_it_and_exposes_the_session_id() {
    let server = TestServer::start().await;
    let response = server
        .post(
            initialize(1).to_string(),
            &[("origin", "http://127.0.0.1:6274")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_text(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "http://127.0.0.1:6274"
    );
    let exposed = header_text(&response, header::ACCESS_CONTROL_EXPOSE_HEADERS);
    assert!(
        exposed.contains("mcp-session-id") && exposed.contains("www-authenticate"),
        "{exposed}"
    );
}

#[tokio::test]
async fn a_request_without_an_origin_gets_no_cors_headers() {
    let server = TestServer::start().await;
    let response = server.post(initialize(1).to_string(), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}

#[tokio::test]
async fn a_preflight_is_answered_before_the_token_check_and_a_401_is_readable_by_the_page() {
    let auth = AuthServer::start(&[]).await;
    let response = auth.server.send(preflight("http://localhost:6274")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header_text(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "http://localhost:6274"
    );
    let refused = auth
        .server
        .post(
            initialize(1).to_string(),
            &[("origin", "http://localhost:6274")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header_text(&refused, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "http://localhost:6274"
    );
    assert!(refused.headers().contains_key(header::WWW_AUTHENTICATE));
    assert!(
        header_text(&refused, header::ACCESS_CONTROL_EXPOSE_HEADERS).contains("www-authenticate")
    );
}

#[tokio::test]
async fn the_protected_resource_metadata_answers_a_preflight_too() {
    let auth = AuthServer::start(&[]).await;
    let mut request = preflight("http://localhost:6274");
    *request.uri_mut() = "/.well-known/oauth-protected-resource"
        .parse()
        .expect("a path");
    let response = auth.server.send(request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header_text(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "http://localhost:6274"
    );
}

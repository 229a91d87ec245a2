//! OAuth clients: registered ones (`POST /register`, RFC 7591; kept in the store, so they
//! survive a restart) and client ID metadata documents (a `client_id` that is an `https` URL
//! of a JSON document describing the client, fetched and cached for a few minutes).
//!
//! Redirect URIs: `https`, `http` on a loopback host (`127.0.0.1`, `[::1]`, `localhost`), or
//! a private-use scheme (`cursor://`, `com.example.app:/cb`); never `javascript:`, `data:`,
//! `file:` or plain `http` elsewhere, never with a fragment. At `/authorize` they match
//! exactly, but a loopback `http` one matches with any port (RFC 8252 section 7.3).
//!
//! A metadata document is fetched only from a public address (not private, loopback,
//! link-local, ...; unless `[auth] allow_local_metadata`), with the connection made to the
//! address that was checked (so DNS cannot answer differently the second time), within 5 s,
//! at most 64 KB, following no redirect.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use url::{Host, Url};

use super::{
    AuthorizationServer, client_ip, digest, json_response, now, oauth_error, random_token,
    too_many_requests,
};

/// The store's kind of registered clients.
const KIND: &str = "oauth_client";
/// The store's kind of fetched metadata documents.
const DOCUMENT_KIND: &str = "oauth_client_document";
/// How long a fetched metadata document is used before it is fetched again.
const DOCUMENT_TTL_S: i64 = 300;
/// How long a metadata document may take to arrive.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest metadata document read.
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// The most redirect URIs one client may have.
const MAX_REDIRECT_URIS: usize = 20;

/// A client, as `/authorize` and `/token` need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Its id.
    pub client_id: String,
    /// Its name, for the consent page.
    pub client_name: Option<String>,
    /// Where codes may be sent.
    pub redirect_uris: Vec<String>,
    /// The SHA-256 of its secret (a confidential client); `None` for a public one.
    pub secret_digest: Option<String>,
}

impl Client {
    /// Whether `redirect_uri` is one of this client's.
    pub fn allows_redirect(&self, redirect_uri: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|registered| redirect_matches(registered, redirect_uri))
    }

    /// The client of a stored record (registered, or a cached metadata document).
    fn of(record: &Value) -> Option<Self> {
        Some(Self {
            client_id: record.get("client_id")?.as_str()?.to_owned(),
            client_name: record
                .get("client_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            redirect_uris: strings(record.get("redirect_uris")?)?,
            secret_digest: record
                .get("secret_digest")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

/// The strings of a JSON array of strings.
fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// Whether `host` is a loopback host of a redirect URI (RFC 8252 section 7.3).
fn is_loopback(host: Option<&Host<&str>>) -> bool {
    match host {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Why `uri` cannot be a redirect URI; `Ok` when it can.
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    let url =
        Url::parse(uri).map_err(|error| format!("{uri:?} is not an absolute URI ({error})"))?;
    if url.fragment().is_some() {
        return Err(format!(
            "{uri:?} has a fragment (#...), which a redirect URI must not have"
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url.host().as_ref()) => Ok(()),
        "http" => Err(format!(
            "{uri:?} is plain http on a host other than loopback (127.0.0.1, [::1], localhost): use https"
        )),
        "javascript" | "data" | "file" | "vbscript" | "about" | "blob" | "ftp" | "ws" | "wss" => {
            Err(format!(
                "{uri:?}: the scheme {} is never a redirect URI",
                url.scheme()
            ))
        }
        _ => Ok(()),
    }
}

/// Whether `requested` matches the registered redirect URI `registered`: the same string,
/// or, both being `http` on the same loopback host, the same but for the port.
pub fn redirect_matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(registered), Ok(requested)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    registered.scheme() == "http"
        && requested.scheme() == "http"
        && is_loopback(registered.host().as_ref())
        && registered.host() == requested.host()
        && registered.path() == requested.path()
        && registered.query() == requested.query()
        && registered.fragment().is_none()
        && requested.fragment().is_none()
        && registered.username().is_empty()
        && requested.username().is_empty()
        && registered.password().is_none()
        && requested.password().is_none()
}

/// Whether `ip` is a public address: not private, loopback, link-local, unspecified,
/// multicast, documentation, shared (CGNAT), benchmarking or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => {
            if let Some(mapped) = ip.to_ipv4_mapped() {
                return is_public_v4(mapped);
            }
            let first = ip.segments()[0];
            !(ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10
                || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
                || (first == 0x0064 && ip.segments()[1] == 0xff9b && ip.segments()[2] == 0x0001) // local NAT64
                || ip.segments()[..6] == [0; 6]) // IPv4-compatible and ::/96
        }
    }
}

/// [`is_public`] of an IPv4 address.
fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// The address to fetch `url` from: its host's first address, when every address it resolves
/// to is public (or `allow_local`).
async fn checked_address(url: &Url, allow_local: bool) -> Result<SocketAddr, String> {
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            tokio::time::timeout(FETCH_TIMEOUT, tokio::net::lookup_host((name, port)))
                .await
                .map_err(|_| format!("{name} did not resolve within 5 s"))?
                .map_err(|error| format!("{name} does not resolve: {error}"))?
                .collect()
        }
        None => return Err("the URL has no host".to_owned()),
    };
    if !allow_local && let Some(bad) = addresses.iter().find(|address| !is_public(address.ip())) {
        return Err(format!(
            "its host resolves to {}, which is not a public address (set [auth] allow_local_metadata = true to allow private, loopback and link-local addresses)",
            bad.ip()
        ));
    }
    addresses
        .first()
        .copied()
        .ok_or_else(|| "its host resolves to no address".to_owned())
}

impl AuthorizationServer {
    /// Whether `client_id` is a client ID metadata document URL this server would fetch.
    pub(crate) fn is_document_url(&self, client_id: &str) -> bool {
        client_id.starts_with("https://")
            || (self.allow_local_metadata && client_id.starts_with("http://"))
    }

    /// The client `client_id` names: a registered one, or the one its metadata document
    /// describes. `Err` says why there is none, for the error page.
    pub async fn client(&self, client_id: &str) -> Result<Client, String> {
        if self.is_document_url(client_id) {
            return self.document_client(client_id).await;
        }
        let record = self
            .store
            .get(KIND, client_id)
            .await
            .map_err(|error| {
                tracing::error!(%error, "oauth: cannot read a client");
                "the client registry cannot be read".to_owned()
            })?
            .ok_or_else(|| {
                format!("client_id {client_id:?} is not a client of this server: register it (POST /register) or use a client ID metadata document URL")
            })?;
        Client::of(&record).ok_or_else(|| format!("the stored client {client_id:?} is unusable"))
    }

    /// The client of the metadata document at `url`, from the store's cache or fetched.
    async fn document_client(&self, url: &str) -> Result<Client, String> {
        let key = digest(url);
        if let Ok(Some(record)) = self.store.get(DOCUMENT_KIND, &key).await
            && let Some(client) = Client::of(&record)
        {
            return Ok(client);
        }
        let client = self.fetch_document(url).await.map_err(|why| {
            tracing::warn!(client_id = %url, reason = %why, "oauth: refused a client ID metadata document");
            format!("the client ID metadata document {url} cannot be used: {why}")
        })?;
        let record = json!({
            "client_id": client.client_id,
            "client_name": client.client_name,
            "redirect_uris": client.redirect_uris,
        });
        if let Err(error) = self
            .store
            .put(DOCUMENT_KIND, &key, &record, Some(now() + DOCUMENT_TTL_S))
            .await
        {
            tracing::warn!(%error, "oauth: cannot cache a client ID metadata document");
        }
        Ok(client)
    }

    /// Fetches and checks the metadata document at `url`.
    async fn fetch_document(&self, url: &str) -> Result<Client, String> {
        let parsed = Url::parse(url).map_err(|error| format!("not a URL ({error})"))?;
        let scheme_ok =
            parsed.scheme() == "https" || (self.allow_local_metadata && parsed.scheme() == "http");
        if !scheme_ok
            || parsed.path() == "/"
            || parsed.fragment().is_some()
            || !parsed.username().is_empty()
        {
            return Err("a client ID metadata document URL is https, with a path, without a fragment or credentials".to_owned());
        }
        let address = checked_address(&parsed, self.allow_local_metadata).await?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let mut builder = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if matches!(parsed.host(), Some(Host::Domain(_))) {
            builder = builder.resolve(&host, address);
        }
        install_tls_provider();
        let http = builder
            .build()
            .map_err(|error| format!("cannot make an HTTP client: {error}"))?;
        let mut response = http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|error| format!("GET failed: {error}"))?;
        if response.status() != StatusCode::OK {
            return Err(format!(
                "GET answered HTTP {} (redirects are not followed)",
                response.status()
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| format!("reading it failed: {error}"))?
        {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(format!("it is larger than {MAX_DOCUMENT_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        let document: Value =
            serde_json::from_slice(&body).map_err(|error| format!("it is not JSON ({error})"))?;
        if document.get("client_id").and_then(Value::as_str) != Some(url) {
            return Err("its client_id is not its own URL".to_owned());
        }
        let redirect_uris = document
            .get("redirect_uris")
            .and_then(strings)
            .filter(|uris| !uris.is_empty())
            .ok_or("it has no redirect_uris (an array of strings)")?;
        for uri in &redirect_uris {
            check_redirect_uri(uri)?;
        }
        match document
            .get("token_endpoint_auth_method")
            .and_then(Value::as_str)
        {
            None | Some("none") => {}
            Some(other) => {
                return Err(format!(
                    "its token_endpoint_auth_method {other:?} is not supported for metadata documents (only \"none\")"
                ));
            }
        }
        Ok(Client {
            client_id: url.to_owned(),
            client_name: document
                .get("client_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            redirect_uris,
            secret_digest: None,
        })
    }
}

/// Installs rustls's ring provider, once (reqwest is built without one of its own).
fn install_tls_provider() {
    #[expect(
        deprecated,
        reason = "rustls deprecates ring for lacking post-quantum key exchange; this client only fetches public client metadata, and ring builds in seconds where aws-lc-rs takes minutes"
    )]
    let provider = rustls::crypto::ring::default_provider();
    let _ = provider.install_default();
}

/// A registration's refusal (RFC 7591 section 3.2.2).
fn registration_error(error: &str, description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error, description)
}

/// `POST /register`: dynamic client registration (RFC 7591).
pub async fn serve_register(
    State(server): State<Arc<AuthorizationServer>>,
    request: axum::extract::Request,
) -> Response {
    let ip = client_ip(&request);
    if let Err(wait) = server.requests.take(&format!("register:{ip}")) {
        tracing::warn!(%ip, "oauth: rate limit: refused a registration");
        return too_many_requests(wait);
    }
    let body: Bytes = match axum::body::to_bytes(request.into_body(), usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return registration_error("invalid_client_metadata", "the body cannot be read"),
    };
    register(&server, &body).await
}

/// Registers the client whose metadata is `body` (JSON), or says what is wrong with it.
async fn register(server: &AuthorizationServer, body: &[u8]) -> Response {
    let Ok(metadata) = serde_json::from_slice::<Value>(body) else {
        return registration_error(
            "invalid_client_metadata",
            "the body is not a JSON object of client metadata",
        );
    };
    if !metadata.is_object() {
        return registration_error(
            "invalid_client_metadata",
            "the body is not a JSON object of client metadata",
        );
    }
    let Some(redirect_uris) = metadata.get("redirect_uris").and_then(strings) else {
        return registration_error(
            "invalid_redirect_uri",
            "redirect_uris is required: an array of the client's redirect URIs",
        );
    };
    if redirect_uris.is_empty() || redirect_uris.len() > MAX_REDIRECT_URIS {
        return registration_error(
            "invalid_redirect_uri",
            &format!("redirect_uris must hold 1 to {MAX_REDIRECT_URIS} URIs"),
        );
    }
    for uri in &redirect_uris {
        if let Err(why) = check_redirect_uri(uri) {
            return registration_error("invalid_redirect_uri", &why);
        }
    }
    let method = match metadata.get("token_endpoint_auth_method") {
        None => "client_secret_basic",
        Some(Value::String(method))
            if ["none", "client_secret_post", "client_secret_basic"].contains(&method.as_str()) =>
        {
            method.as_str()
        }
        Some(other) => {
            return registration_error(
                "invalid_client_metadata",
                &format!(
                    "token_endpoint_auth_method {other} is not supported: none, client_secret_post or client_secret_basic"
                ),
            );
        }
    };
    let grant_types = match metadata.get("grant_types") {
        None => vec!["authorization_code".to_owned()],
        Some(value) => match strings(value) {
            Some(types)
                if !types.is_empty()
                    && types
                        .iter()
                        .all(|t| t == "authorization_code" || t == "refresh_token") =>
            {
                types
            }
            _ => {
                return registration_error(
                    "invalid_client_metadata",
                    "grant_types may hold only authorization_code and refresh_token",
                );
            }
        },
    };
    let response_types = match metadata.get("response_types") {
        None => vec!["code".to_owned()],
        Some(value) => match strings(value) {
            Some(types) if types == ["code"] => types,
            _ => {
                return registration_error(
                    "invalid_client_metadata",
                    "response_types may hold only \"code\"",
                );
            }
        },
    };
    let client_name = match metadata.get("client_name") {
        None => None,
        Some(Value::String(name)) if name.chars().count() <= 200 => Some(name.clone()),
        Some(_) => {
            return registration_error(
                "invalid_client_metadata",
                "client_name must be a string of at most 200 characters",
            );
        }
    };
    let (Ok(client_id), Ok(secret)) = (random_token(16), random_token(32)) else {
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "no random bytes",
        );
    };
    let secret = (method != "none").then_some(secret);
    let issued_at = now();
    let record = json!({
        "client_id": client_id,
        "client_name": client_name,
        "redirect_uris": redirect_uris,
        "token_endpoint_auth_method": method,
        "grant_types": grant_types,
        "response_types": response_types,
        "secret_digest": secret.as_deref().map(digest),
        "client_id_issued_at": issued_at,
    });
    if let Err(error) = server.store.put(KIND, &client_id, &record, None).await {
        tracing::error!(%error, "oauth: cannot store a client");
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the client cannot be stored; see the server's log",
        );
    }
    tracing::info!(client_id = %client_id, client_name = ?client_name, method, "oauth: registered a client");
    let mut answer = json!({
        "client_id": client_id,
        "client_id_issued_at": issued_at,
        "redirect_uris": redirect_uris,
        "token_endpoint_auth_method": method,
        "grant_types": grant_types,
        "response_types": response_types,
    });
    if let Some(name) = client_name {
        answer["client_name"] = json!(name);
    }
    if let Some(secret) = secret {
        answer["client_secret"] = json!(secret);
        answer["client_secret_expires_at"] = json!(0);
    }
    json_response(StatusCode::CREATED, &answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_match_exactly_but_loopback_http_with_any_port() {
        assert!(redirect_matches(
            "https://app.example/cb",
            "https://app.example/cb"
        ));
        assert!(!redirect_matches(
            "https://app.example/cb",
            "https://app.example/cb/"
        ));
        assert!(!redirect_matches(
            "https://app.example/cb",
            "https://app.example:8443/cb"
        ));
        assert!(redirect_matches(
            "http://127.0.0.1:3000/cb",
            "http://127.0.0.1:49152/cb"
        ));
        assert!(redirect_matches(
            "http://127.0.0.1/cb",
            "http://127.0.0.1:5000/cb"
        ));
        assert!(redirect_matches("http://[::1]:1/cb", "http://[::1]:2/cb"));
        assert!(redirect_matches(
            "http://localhost:1/cb",
            "http://localhost:2/cb"
        ));
        assert!(
            !redirect_matches("http://127.0.0.1:1/cb", "http://localhost:1/cb"),
            "the host must match"
        );
        assert!(!redirect_matches(
            "http://127.0.0.1:1/cb",
            "http://127.0.0.1:2/other"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1:1/cb",
            "http://evil@127.0.0.1:2/cb"
        ));
        assert!(!redirect_matches(
            "http://app.example:1/cb",
            "http://app.example:2/cb"
        ));
        assert!(!redirect_matches("cursor://cb", "cursor://cb2"));
    }

    #[test]
    fn redirect_uris_are_https_loopback_http_or_private_use_schemes() {
        for good in [
            "https://app.example/cb",
            "http://127.0.0.1:8/cb",
            "http://localhost/cb",
            "http://[::1]/cb",
            "cursor://anysphere.cursor-retrieval/oauth",
            "com.example.app:/cb",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "http://app.example/cb",
            "https://app.example/cb#x",
            "/relative",
            "file:///etc/passwd",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_public_addresses_are_fetched_from() {
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        for local in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "198.18.0.1",
            "240.0.0.1",
        ] {
            assert!(!is_public(local.parse().unwrap()), "{local}");
        }
    }

    #[tokio::test]
    async fn a_url_that_resolves_to_loopback_is_refused_unless_allowed() {
        let url = Url::parse("http://localhost:9/client.json").unwrap();
        let error = checked_address(&url, false).await.unwrap_err();
        assert!(error.contains("allow_local_metadata"), "{error}");
        assert!(checked_address(&url, true).await.is_ok());
    }
}

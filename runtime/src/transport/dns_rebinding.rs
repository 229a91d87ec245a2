//! DNS-rebinding protection for every HTTP route: a request must name an allowed `Host`
//! (`http.allowed_hosts`) and, when it carries an `Origin` (browsers do), an allowed one
//! (`http.allowed_origins`). A web page that rebinds its own name to this server's address
//! sends its own name as `Host` and `Origin`, and is refused.
//!
//! rmcp makes the same checks inside its MCP service only; they live here instead, once, in
//! front of every route (`/mcp`, `/healthz`, and any other path).

use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};

/// Why a request was refused: the HTTP status and a message that says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl Refused {
    fn new(status: StatusCode, message: String) -> Self {
        Self { status, message }
    }
}

/// The `Host`s and `Origin`s a server answers.
#[derive(Debug, Clone)]
pub(crate) struct AllowedPeers {
    /// Empty: any `Host`.
    hosts: Vec<AllowedHost>,
    origins: Vec<AllowedOrigin>,
}

impl AllowedPeers {
    /// The peers `http.allowed_hosts` and `http.allowed_origins` allow; entries that are not a
    /// host or an origin are errors (see [`AllowedHost::parse`], [`AllowedOrigin::parse`]).
    pub(crate) fn new(hosts: &[String], origins: &[String]) -> Result<Self, String> {
        Ok(Self {
            hosts: hosts
                .iter()
                .map(|host| AllowedHost::parse(host))
                .collect::<Result<_, _>>()?,
            origins: origins
                .iter()
                .map(|origin| AllowedOrigin::parse(origin))
                .collect::<Result<_, _>>()?,
        })
    }

    /// These peers and the server's own public URL (`[auth] resource`, `issuer`), which the
    /// operator named: its host is answered (unless any host is), and pages of its origin (the
    /// login page, posting its form) are allowed. A URL that is not one adds nothing.
    pub(crate) fn with_own_url(mut self, url: &str) -> Self {
        let Ok(uri) = Uri::try_from(url) else {
            return self;
        };
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return self;
        };
        if !self.hosts.is_empty()
            && let Ok(host) = AllowedHost::parse(authority.host())
            && !self.hosts.contains(&host)
        {
            self.hosts.push(host);
        }
        if let Ok(origin) = AllowedOrigin::parse(&format!("{scheme}://{authority}"))
            && !self.origins.contains(&origin)
        {
            self.origins.push(origin);
        }
        self
    }

    /// `Ok` when the request's `Host` and `Origin` are allowed.
    pub(crate) fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), Refused> {
        if !self.hosts.is_empty() {
            let (host, port) = request_host(uri, headers)?;
            if !self
                .hosts
                .iter()
                .any(|allowed| allowed.matches(&host, port))
            {
                return Err(Refused::new(
                    StatusCode::FORBIDDEN,
                    format!(
                        "Forbidden: this server does not answer to the Host {}; add it to http.allowed_hosts to serve it under that name",
                        display_authority(&host, port)
                    ),
                ));
            }
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let refused = |what: &str| {
            Refused::new(
                StatusCode::FORBIDDEN,
                format!(
                    "Forbidden: requests from the Origin {what} are not allowed; add it to http.allowed_origins to allow browser pages of that origin"
                ),
            )
        };
        let text = origin.to_str().map_err(|_| refused("(not text)"))?;
        let origin = Origin::parse(text).ok_or_else(|| refused(text))?;
        if self.origins.iter().any(|allowed| allowed.matches(&origin)) {
            Ok(())
        } else {
            Err(refused(text))
        }
    }

    /// Whether `origin`, an `Origin` header's value, is one of `http.allowed_origins` (for
    /// CORS, which names it back).
    pub(crate) fn allows_origin(&self, origin: &HeaderValue) -> bool {
        origin
            .to_str()
            .ok()
            .and_then(Origin::parse)
            .is_some_and(|origin| self.origins.iter().any(|allowed| allowed.matches(&origin)))
    }
}

/// The request's host (lowercase, IPv6 without brackets) and port, from `Host` or, in
/// HTTP/2, the URI's authority.
fn request_host(uri: &Uri, headers: &HeaderMap) -> Result<(String, Option<u16>), Refused> {
    let bad_request = |message: &str| Refused::new(StatusCode::BAD_REQUEST, message.to_owned());
    let authority = match headers.get(header::HOST) {
        Some(host) => {
            let text = host
                .to_str()
                .map_err(|_| bad_request("Bad Request: the Host header is not text"))?;
            Authority::try_from(text).map_err(|_| {
                bad_request("Bad Request: the Host header is not a host name or host:port")
            })?
        }
        None => uri
            .authority()
            .cloned()
            .ok_or_else(|| bad_request("Bad Request: the request has no Host header"))?,
    };
    Ok((normalize_host(authority.host()), authority.port_u16()))
}

fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn display_authority(host: &str, port: Option<u16>) -> String {
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    match port {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// An entry of `http.allowed_hosts`: a host name or address, with or without a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AllowedHost {
    host: String,
    /// `None`: any port.
    port: Option<u16>,
}

impl AllowedHost {
    /// `localhost`, `127.0.0.1`, `::1`, `[::1]:8080`, `example.com:443`.
    pub(crate) fn parse(entry: &str) -> Result<Self, String> {
        let entry = entry.trim();
        if let Ok(authority) = Authority::try_from(entry)
            && !authority.as_str().contains('@')
        {
            return Ok(Self {
                host: normalize_host(authority.host()),
                port: authority.port_u16(),
            });
        }
        // A bare IPv6 address (`::1`) is no authority, but it is a host.
        if entry.parse::<std::net::Ipv6Addr>().is_ok() {
            return Ok(Self {
                host: entry.to_ascii_lowercase(),
                port: None,
            });
        }
        Err(format!(
            "http.allowed_hosts: {entry:?} is not a host name or address, with or without a port (like \"example.com\" or \"example.com:8080\")"
        ))
    }

    fn matches(&self, host: &str, port: Option<u16>) -> bool {
        self.host == host && self.port.is_none_or(|allowed| port == Some(allowed))
    }
}

/// An `Origin` header's value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// `null`: a page without an origin of its own (a file, a sandboxed frame).
    Null,
    Tuple {
        scheme: String,
        host: String,
        port: Option<u16>,
    },
}

impl Origin {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("null") {
            return Some(Self::Null);
        }
        let uri = Uri::try_from(text).ok()?;
        let authority = uri.authority()?;
        Some(Self::Tuple {
            scheme: uri.scheme_str()?.to_ascii_lowercase(),
            host: normalize_host(authority.host()),
            port: authority.port_u16(),
        })
    }
}

/// The port a scheme implies when an origin leaves it out (RFC 6454).
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// An entry of `http.allowed_origins`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AllowedOrigin {
    /// `null`.
    Null,
    /// `scheme://host`, `scheme://host:port` or `scheme://host:*` (any port).
    Tuple {
        scheme: String,
        host: String,
        /// `None`: any port (`:*`); else the port, the scheme's default when left out.
        port: Option<Option<u16>>,
    },
}

impl AllowedOrigin {
    /// `http://localhost:*`, `https://app.example.com`, `https://app.example.com:8443`,
    /// `null`.
    pub(crate) fn parse(entry: &str) -> Result<Self, String> {
        let entry = entry.trim();
        let invalid = || {
            format!(
                "http.allowed_origins: {entry:?} is not an origin: scheme://host, scheme://host:port, scheme://host:* (any port) or \"null\""
            )
        };
        let (base, any_port) = match entry.strip_suffix(":*") {
            Some(base) => (base, true),
            None => (entry, false),
        };
        match Origin::parse(base).ok_or_else(invalid)? {
            Origin::Null if !any_port => Ok(Self::Null),
            Origin::Null => Err(invalid()),
            Origin::Tuple { port: Some(_), .. } if any_port => Err(invalid()),
            Origin::Tuple { scheme, host, port } => Ok(Self::Tuple {
                port: (!any_port).then(|| port.or_else(|| default_port(&scheme))),
                scheme,
                host,
            }),
        }
    }

    fn matches(&self, origin: &Origin) -> bool {
        match (self, origin) {
            (Self::Null, Origin::Null) => true,
            (
                Self::Tuple {
                    scheme: allowed_scheme,
                    host: allowed_host,
                    port: allowed_port,
                },
                Origin::Tuple { scheme, host, port },
            ) => {
                allowed_scheme == scheme
                    && allowed_host == host
                    && allowed_port
                        .is_none_or(|allowed| port.or_else(|| default_port(scheme)) == allowed)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn peers() -> AllowedPeers {
        let config = crate::config::HttpConfig::default();
        AllowedPeers::new(&config.allowed_hosts, &config.allowed_origins).unwrap()
    }

    fn check(
        peers: &AllowedPeers,
        host: Option<&str>,
        origin: Option<&str>,
    ) -> Result<(), StatusCode> {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        }
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        peers
            .check(&Uri::from_static("/mcp"), &headers)
            .map_err(|refused| refused.status)
    }

    #[test]
    fn loopback_hosts_are_allowed_by_default_on_any_port() {
        let peers = peers();
        for host in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:9",
            "[::1]:8080",
            "LOCALHOST",
        ] {
            assert_eq!(check(&peers, Some(host), None), Ok(()), "{host}");
        }
    }

    #[test]
    fn other_hosts_are_forbidden() {
        let peers = peers();
        for host in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.2",
            "localhost.evil.example",
        ] {
            assert_eq!(
                check(&peers, Some(host), None),
                Err(StatusCode::FORBIDDEN),
                "{host}"
            );
        }
    }

    #[test]
    fn the_servers_own_public_url_is_answered_and_its_pages_may_post() {
        let own = peers().with_own_url("https://db.example.com");
        assert_eq!(check(&own, Some("db.example.com"), None), Ok(()));
        assert_eq!(
            check(&own, Some("db.example.com"), Some("https://db.example.com")),
            Ok(())
        );
        assert_eq!(
            check(
                &own,
                Some("db.example.com"),
                Some("https://evil.example.com")
            ),
            Err(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            check(&own, Some("evil.example.com"), None),
            Err(StatusCode::FORBIDDEN)
        );
        assert_eq!(check(&own, Some("localhost:8080"), None), Ok(()));
        let any_host = AllowedPeers::new(&[], &[])
            .unwrap()
            .with_own_url("https://db.example.com:8443/");
        assert_eq!(
            check(
                &any_host,
                Some("elsewhere"),
                Some("https://db.example.com:8443")
            ),
            Ok(()),
            "any host stays any host"
        );
        let unchanged = peers().with_own_url("not a url");
        assert_eq!(unchanged.hosts.len(), peers().hosts.len());
        assert_eq!(unchanged.origins.len(), peers().origins.len());
    }

    #[test]
    fn a_request_without_a_host_is_a_bad_request() {
        assert_eq!(check(&peers(), None, None), Err(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn a_host_with_a_port_allows_that_port_only() {
        let peers = AllowedPeers::new(&["example.com:8443".to_owned()], &[]).unwrap();
        assert_eq!(check(&peers, Some("example.com:8443"), None), Ok(()));
        assert_eq!(
            check(&peers, Some("example.com"), None),
            Err(StatusCode::FORBIDDEN)
        );
    }

    #[test]
    fn no_allowed_hosts_allows_any_host() {
        let peers = AllowedPeers::new(&[], &[]).unwrap();
        assert_eq!(check(&peers, Some("evil.example"), None), Ok(()));
    }

    #[test]
    fn loopback_origins_are_allowed_by_default_and_others_forbidden() {
        let peers = peers();
        assert_eq!(
            check(&peers, Some("localhost"), Some("http://localhost:3000")),
            Ok(())
        );
        assert_eq!(
            check(&peers, Some("localhost"), Some("http://[::1]:5173")),
            Ok(())
        );
        for origin in [
            "http://evil.example",
            "https://localhost:3000",
            "null",
            "not an origin",
        ] {
            assert_eq!(
                check(&peers, Some("localhost"), Some(origin)),
                Err(StatusCode::FORBIDDEN),
                "{origin}"
            );
        }
    }

    #[test]
    fn an_origin_without_a_port_means_the_default_port_of_its_scheme() {
        let peers =
            AllowedPeers::new(&[], &["https://app.example".to_owned(), "null".to_owned()]).unwrap();
        assert_eq!(check(&peers, None, Some("https://app.example")), Ok(()));
        assert_eq!(check(&peers, None, Some("https://app.example:443")), Ok(()));
        assert_eq!(check(&peers, None, Some("null")), Ok(()));
        assert_eq!(
            check(&peers, None, Some("https://app.example:8443")),
            Err(StatusCode::FORBIDDEN)
        );
    }

    #[test]
    fn entries_that_are_not_hosts_or_origins_are_errors_naming_the_setting() {
        let error = AllowedPeers::new(&["exa mple".to_owned()], &[]).unwrap_err();
        assert!(error.contains("http.allowed_hosts"), "{error}");
        for origin in ["localhost", "http://x:80:*", "null:*"] {
            let error = AllowedPeers::new(&[], &[origin.to_owned()]).unwrap_err();
            assert!(error.contains("http.allowed_origins"), "{origin}: {error}");
        }
    }
}

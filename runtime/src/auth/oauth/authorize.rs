//! `/authorize`: the login and consent page (RFC 6749 section 4.1.1, PKCE S256 only, RFC
//! 9207 `iss` in every answer sent back).
//!
//! `GET` checks the client and its redirect URI first: when either is wrong, an HTML error
//! page (400) says so and nothing is redirected. Every later mistake is sent back to the
//! redirect URI as `error`, with `state` and `iss`. A valid request is stored under a random
//! `csrf_token` (10 minutes, single use) bound to a random cookie (HttpOnly, SameSite=Strict,
//! Path=/authorize), and the page shows a form that posts back every OAuth parameter as a
//! hidden field, `username`, `password`, and a `scope` checkbox per elevated scope.
//!
//! `POST` takes the stored request (once), refuses (403) a form without the matching token
//! and cookie or whose parameters differ from the stored ones, checks the password (a wrong
//! one: the page again, 401, with a fresh token), and answers 302 to the redirect URI with a
//! single-use code (60 s), `state` and `iss`.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tera::{Context, Tera};
use url::Url;

use super::token::{CODE_KIND, CODE_MEMORY_S, CODE_TTL_S};
use super::{AuthorizationServer, Params, client_ip, digest, now, parameters, random_token, same};
use crate::tools::scope;

/// The store's kind of authorization requests waiting for their form.
const REQUEST_KIND: &str = "oauth_login";
/// How long a login form may be posted.
const REQUEST_TTL_S: i64 = 600;
/// The cookie that binds a form to the browser it was shown to.
const COOKIE: &str = "mcpgen_authorize";
/// The default login page.
const DEFAULT_LOGIN_PAGE: &str = include_str!("login.html");
/// The page of a request that cannot be sent back.
const REFUSED_PAGE: &str = include_str!("refused.html");

/// The login page's templates: the default or `[auth] login_page`, and the refusal page.
pub struct LoginPage {
    tera: Tera,
}

impl LoginPage {
    /// The templates, with the login page read from `custom` when given.
    pub fn load(custom: Option<&Path>) -> Result<Self, String> {
        let login = match custom {
            Some(path) => std::fs::read_to_string(path).map_err(|error| {
                format!(
                    "auth.login_page {}: cannot read it ({error})",
                    path.display()
                )
            })?,
            None => DEFAULT_LOGIN_PAGE.to_owned(),
        };
        let mut tera = Tera::new();
        // `.html` names: every value is HTML-escaped.
        tera.add_raw_template("login.html", &login)
            .map_err(|error| format!("auth.login_page is not a valid tera template: {error:?}"))?;
        tera.add_raw_template("refused.html", REFUSED_PAGE)
            .map_err(|error| format!("the refusal page does not parse: {error:?}"))?;
        let page = Self { tera };
        // A custom page is rendered once now, so that its mistakes stop the start.
        let sample = Login {
            request: &AuthRequest::default(),
            csrf_token: "csrf",
            username: "",
            error: "",
        };
        page.render_login(&sample, "http://issuer.example")
            .map_err(|error| {
                format!("auth.login_page does not render with the login page's context: {error}")
            })?;
        Ok(page)
    }

    /// The login page of `login`, for the issuer `issuer`.
    fn render_login(&self, login: &Login<'_>, issuer: &str) -> Result<String, String> {
        let request = login.request;
        let scopes: Vec<Value> = request
            .scopes
            .iter()
            .map(|name| {
                json!({
                    "name": name,
                    "description": describe(name),
                    "elevated": scope::is_elevated(name),
                })
            })
            .collect();
        let mut context = Context::new();
        context.insert(
            "client_name",
            request.client_name.as_deref().unwrap_or(&request.client_id),
        );
        context.insert("client_id", &request.client_id);
        context.insert("redirect_uri", &request.redirect_uri);
        context.insert("issuer", issuer);
        context.insert("scopes", &scopes);
        context.insert("hidden", &request.hidden_fields());
        context.insert("csrf_token", login.csrf_token);
        context.insert("username", login.username);
        context.insert("error", login.error);
        self.tera
            .render("login.html", &context)
            .map_err(|error| format!("{error:?}"))
    }

    /// The refusal page, with `status`.
    fn refused(&self, status: StatusCode, title: &str, message: &str) -> Response {
        let mut context = Context::new();
        context.insert("title", title);
        context.insert("message", message);
        let body = self
            .tera
            .render("refused.html", &context)
            .unwrap_or_else(|_| "The authorization request is refused.".to_owned());
        page(status, body, None)
    }
}

/// What a scope lets a client do, for the page.
fn describe(name: &str) -> String {
    match name {
        scope::READ => "read every table and call read-only routines".to_owned(),
        scope::WRITE => {
            "insert and update rows of every table, call routines that write".to_owned()
        }
        scope::DELETE => "delete rows of every table".to_owned(),
        _ => match name.rsplit_once(':') {
            Some((base, "read")) => format!("read {base}"),
            Some((base, "write")) => format!("insert and update rows of {base}"),
            Some((base, "delete")) => format!("delete rows of {base}"),
            Some((base, "call")) => format!("call {base}"),
            _ => name.to_owned(),
        },
    }
}

/// A login form to render.
struct Login<'a> {
    request: &'a AuthRequest,
    csrf_token: &'a str,
    username: &'a str,
    error: &'a str,
}

/// A checked authorization request, as stored for its form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct AuthRequest {
    client_id: String,
    client_name: Option<String>,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    resource: Option<String>,
    /// The requested scopes this server knows, in order.
    scopes: Vec<String>,
}

impl AuthRequest {
    /// The hidden fields of the form: every OAuth parameter, and the requested scopes that
    /// are not elevated (the elevated ones are checkboxes).
    fn hidden_fields(&self) -> Vec<Value> {
        let mut fields = vec![
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("response_type", "code"),
        ];
        if let Some(state) = &self.state {
            fields.push(("state", state));
        }
        fields.push(("code_challenge", &self.code_challenge));
        fields.push(("code_challenge_method", "S256"));
        if let Some(resource) = &self.resource {
            fields.push(("resource", resource));
        }
        for name in &self.scopes {
            if !scope::is_elevated(name) {
                fields.push(("scope", name));
            }
        }
        fields
            .into_iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect()
    }

    /// The elevated scopes ticked on a form, when its fields are this request's; `None` when
    /// any differs (a tampered form).
    fn ticked<'a>(&self, form: &'a Params) -> Option<BTreeSet<&'a str>> {
        let one = |name: &str, expected: Option<&str>| {
            let mut values = form.all(name).filter(|value| !value.is_empty());
            values.next() == expected && values.next().is_none()
        };
        let same_parameters = one("client_id", Some(&self.client_id))
            && one("redirect_uri", Some(&self.redirect_uri))
            && one("response_type", Some("code"))
            && one("state", self.state.as_deref())
            && one("code_challenge", Some(&self.code_challenge))
            && one("code_challenge_method", Some("S256"))
            && one("resource", self.resource.as_deref());
        if !same_parameters {
            return None;
        }
        let posted: BTreeSet<&str> = form.all("scope").collect();
        let requested: BTreeSet<&str> = self.scopes.iter().map(String::as_str).collect();
        let every_plain_one = requested
            .iter()
            .all(|name| scope::is_elevated(name) || posted.contains(name));
        (every_plain_one && posted.is_subset(&requested)).then(|| {
            posted
                .into_iter()
                .filter(|name| scope::is_elevated(name))
                .collect()
        })
    }
}

/// An HTML page with the headers of every page of this module.
fn page(status: StatusCode, body: String, form_target: Option<&str>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Browsers check `form-action` on the redirect a form's POST answers with too, so it
    // names the redirect URI's origin beside 'self'.
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'{}; frame-ancestors 'none'; base-uri 'none'",
        form_target
            .map(|target| format!(" {target}"))
            .unwrap_or_default()
    );
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not `no-referrer`: with it, browsers send `Origin: null` on the form's POST, which the
    // Origin check in front of every route refuses. `same-origin` tells other sites nothing.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    super::no_store(headers);
    response
}

/// The CSP source of a redirect URI: its origin, or its scheme for a private-use one.
fn csp_source(redirect_uri: &str) -> Option<String> {
    let url = Url::parse(redirect_uri).ok()?;
    let source = match url.scheme() {
        "http" | "https" => url.origin().ascii_serialization(),
        scheme => format!("{scheme}:"),
    };
    source
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b';' && b != b',' && b != b'\'')
        .then_some(source)
}

/// The value of the cookie `name`.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A 302 to `redirect_uri` with `pairs` added to its query, and `iss`.
fn redirect(redirect_uri: &str, pairs: &[(&str, Option<&str>)], issuer: &str) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        query.append_pair("iss", issuer);
    }
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    super::no_store(response.headers_mut());
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// An error sent back to the client (RFC 6749 section 4.1.2.1).
fn redirect_error(request: &AuthRequest, error: &str, description: &str, issuer: &str) -> Response {
    tracing::warn!(client_id = %request.client_id, error, reason = description, "oauth: refused an authorization request");
    redirect(
        &request.redirect_uri,
        &[
            ("error", Some(error)),
            ("error_description", Some(description)),
            ("state", request.state.as_deref()),
        ],
        issuer,
    )
}

impl AuthorizationServer {
    /// The checked request of `params`: `Err` with the response (an error page, or an error
    /// sent back to the client).
    async fn checked_request(&self, params: &Params) -> Result<AuthRequest, Box<Response>> {
        let refuse = |message: String| {
            tracing::warn!(reason = %message, "oauth: refused an authorization request (not redirected)");
            Err(Box::new(self.login_page.refused(
                StatusCode::BAD_REQUEST,
                "This sign-in request is not valid",
                &message,
            )))
        };
        let Some(client_id) = params.get("client_id") else {
            return refuse("The request names no client (client_id is missing).".to_owned());
        };
        let client = match self.client(client_id).await {
            Ok(client) => client,
            Err(why) => return refuse(format!("{why}.")),
        };
        let Some(redirect_uri) = params.get("redirect_uri") else {
            return refuse("The request has no redirect_uri.".to_owned());
        };
        if !client.allows_redirect(redirect_uri) {
            return refuse(format!(
                "The redirect_uri {redirect_uri} is not registered for this client; nothing is sent there."
            ));
        }
        let request = AuthRequest {
            client_id: client.client_id.clone(),
            client_name: client.client_name,
            redirect_uri: redirect_uri.to_owned(),
            state: params.get("state").map(str::to_owned),
            code_challenge: params.get("code_challenge").unwrap_or_default().to_owned(),
            resource: params.get("resource").map(str::to_owned),
            scopes: self.scopes.requested(params.get("scope")),
        };
        let fail = |error: &str, description: &str| {
            Err(Box::new(redirect_error(
                &request,
                error,
                description,
                &self.issuer,
            )))
        };
        if params.get("response_type") != Some("code") {
            return fail("unsupported_response_type", "response_type must be code");
        }
        if request.code_challenge.is_empty() {
            return fail(
                "invalid_request",
                "code_challenge is required (PKCE with S256)",
            );
        }
        match params.get("code_challenge_method") {
            Some("S256") => {}
            Some(other) => {
                return fail(
                    "invalid_request",
                    &format!("code_challenge_method {other} is not supported: only S256"),
                );
            }
            None => {
                return fail(
                    "invalid_request",
                    "code_challenge_method is required: S256 (plain is not supported)",
                );
            }
        }
        let challenge_ok = request.code_challenge.len() == 43
            && request
                .code_challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !challenge_ok {
            return fail(
                "invalid_request",
                "code_challenge must be the base64url SHA-256 of the code verifier (43 characters)",
            );
        }
        if let Some(resource) = &request.resource
            && !self.is_own_resource(resource)
        {
            return fail(
                "invalid_target",
                &format!("resource must be this server ({}/mcp)", self.resource),
            );
        }
        Ok(request)
    }

    /// Stores `request` under a new CSRF token bound to `browser`, and renders its form.
    async fn login_form(
        &self,
        request: &AuthRequest,
        browser: &str,
        status: StatusCode,
        username: &str,
        error: &str,
    ) -> Response {
        let Ok(csrf_token) = random_token(32) else {
            return self.login_page.refused(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in is unavailable",
                "The server has no random bytes.",
            );
        };
        let record = json!({"request": request, "browser": digest(browser)});
        if let Err(error) = self
            .store
            .put(
                REQUEST_KIND,
                &digest(&csrf_token),
                &record,
                Some(now() + REQUEST_TTL_S),
            )
            .await
        {
            tracing::error!(%error, "oauth: cannot store an authorization request");
            return self.login_page.refused(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in is unavailable",
                "The server cannot store the request; see its log.",
            );
        }
        let login = Login {
            request,
            csrf_token: &csrf_token,
            username,
            error,
        };
        let body = match self.login_page.render_login(&login, &self.issuer) {
            Ok(body) => body,
            Err(error) => {
                tracing::error!(%error, "oauth: the login page does not render");
                return self.login_page.refused(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sign-in is unavailable",
                    "The login page does not render; see the server's log.",
                );
            }
        };
        let mut response = page(status, body, csp_source(&request.redirect_uri).as_deref());
        let secure = if self.issuer.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{COOKIE}={browser}; HttpOnly; SameSite=Strict; Path=/authorize; Max-Age={REQUEST_TTL_S}{secure}"
        );
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, cookie);
        }
        response
    }

    /// 429 as a page.
    fn too_many(&self, wait: u64) -> Response {
        let mut response = self.login_page.refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            &format!("Too many sign-in attempts; try again in {wait} seconds."),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        response
    }
}

/// The browser's cookie value, when it is one this server could have set.
fn browser_of(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, COOKIE).filter(|value| {
        value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// `GET /authorize`: the login and consent page.
pub async fn show(State(server): State<Arc<AuthorizationServer>>, request: Request) -> Response {
    let params = match parameters(request.uri().query().unwrap_or_default(), &[]) {
        Ok(params) => params,
        Err(why) => {
            return server.login_page.refused(
                StatusCode::BAD_REQUEST,
                "This sign-in request is not valid",
                &format!("In the request, {why}."),
            );
        }
    };
    // A metadata document URL makes this server fetch it: at most as often as the budget of
    // the other endpoints allows, per client IP.
    if params
        .get("client_id")
        .is_some_and(|id| server.is_document_url(id))
    {
        let ip = client_ip(&request);
        if let Err(wait) = server.requests.take(&format!("metadata:{ip}")) {
            tracing::warn!(%ip, "oauth: rate limit: refused an authorization request with a metadata document URL");
            return server.too_many(wait);
        }
    }
    let checked = match server.checked_request(&params).await {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let browser = match browser_of(request.headers()) {
        Some(browser) => browser.to_owned(),
        None => random_token(32).unwrap_or_default(),
    };
    server
        .login_form(&checked, &browser, StatusCode::OK, "", "")
        .await
}

/// `POST /authorize`: signs the user in and sends the code back.
pub async fn submit(State(server): State<Arc<AuthorizationServer>>, request: Request) -> Response {
    let ip = client_ip(&request);
    if let Err(wait) = server.requests.take(&format!("login:{ip}")) {
        tracing::warn!(%ip, "oauth: rate limit: refused a login form");
        return server.too_many(wait);
    }
    let forbidden = |why: &str| {
        tracing::warn!(%ip, reason = why, "oauth: refused a login form");
        server.login_page.refused(
            StatusCode::FORBIDDEN,
            "This form cannot be accepted",
            "The form is not the one this server showed (it lacks its token or cookie, was used already, has expired, or was changed). Start the sign-in again from the application.",
        )
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return forbidden("the body cannot be read");
    };
    let Ok(form) = parameters(&String::from_utf8_lossy(&bytes), &["scope"]) else {
        return forbidden("a parameter is given twice");
    };
    let (Some(csrf_token), Some(browser)) = (form.get("csrf_token"), browser_of(&parts.headers))
    else {
        return forbidden("no csrf_token or no cookie");
    };
    let key = digest(csrf_token);
    let record = match server.store.get(REQUEST_KIND, &key).await {
        Ok(Some(record)) => record,
        Ok(None) => return forbidden("unknown, used or expired csrf_token"),
        Err(error) => {
            tracing::error!(%error, "oauth: cannot read an authorization request");
            return forbidden("the store cannot be read");
        }
    };
    let bound = record
        .get("browser")
        .and_then(Value::as_str)
        .is_some_and(|expected| same(&digest(browser), expected));
    if !bound {
        return forbidden("the cookie is not the one the form was shown with");
    }
    if !matches!(server.store.remove(REQUEST_KIND, &key).await, Ok(true)) {
        return forbidden("the csrf_token was used already");
    }
    let Some(stored) = record
        .get("request")
        .cloned()
        .and_then(|value| serde_json::from_value::<AuthRequest>(value).ok())
    else {
        return forbidden("the stored request is unusable");
    };
    let Some(ticked) = stored.ticked(&form) else {
        return forbidden("the form's OAuth parameters differ from the request's");
    };
    let username = form.get("username").unwrap_or_default();
    let password = form.get("password").unwrap_or_default();
    let user_key = format!("user:{username}");
    let ip_key = format!("ip:{ip}");
    if let Err(wait) = server
        .failed_logins
        .check(&ip_key)
        .and_then(|()| server.failed_logins.check(&user_key))
    {
        tracing::warn!(%ip, user = %username, "oauth: rate limit: refused a sign-in after too many failures");
        return server.too_many(wait);
    }
    let Some(holds) = server.users.sign_in(username, password).await else {
        let _ = server.failed_logins.take(&ip_key);
        let _ = server.failed_logins.take(&user_key);
        tracing::warn!(%ip, user = %username, client_id = %stored.client_id, "oauth: refused a sign-in: wrong username or password");
        return server
            .login_form(
                &stored,
                browser,
                StatusCode::UNAUTHORIZED,
                username,
                "The username or password is not right.",
            )
            .await;
    };
    let granted = server.scopes.grant(&stored.scopes, &ticked, &holds);
    if granted.is_empty() {
        return redirect_error(
            &stored,
            "access_denied",
            "the user holds none of the requested scopes",
            &server.issuer,
        );
    }
    let Ok(code) = random_token(32) else {
        return redirect_error(&stored, "server_error", "no random bytes", &server.issuer);
    };
    let audience = server.audience(stored.resource.as_deref());
    let record = json!({
        "client_id": stored.client_id,
        "redirect_uri": stored.redirect_uri,
        "code_challenge": stored.code_challenge,
        "scope": granted.to_string(),
        "sub": username,
        "aud": audience,
        "expires_at": now() + CODE_TTL_S,
        "used": false,
    });
    if let Err(error) = server
        .store
        .put(
            CODE_KIND,
            &digest(&code),
            &record,
            Some(now() + CODE_MEMORY_S),
        )
        .await
    {
        tracing::error!(%error, "oauth: cannot store a code");
        return redirect_error(
            &stored,
            "server_error",
            "the code cannot be stored",
            &server.issuer,
        );
    }
    tracing::info!(user = %username, client_id = %stored.client_id, scope = %granted, "oauth: signed in and granted");
    redirect(
        &stored.redirect_uri,
        &[("code", Some(&code)), ("state", stored.state.as_deref())],
        &server.issuer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AuthRequest {
        AuthRequest {
            client_id: "c".to_owned(),
            client_name: None,
            redirect_uri: "http://127.0.0.1:9/cb".to_owned(),
            state: Some("s".to_owned()),
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
            resource: None,
            scopes: vec!["mcp:read".to_owned(), "books:delete".to_owned()],
        }
    }

    fn form(extra: &str) -> Params {
        let request = request();
        let mut text: Vec<String> = request
            .hidden_fields()
            .iter()
            .map(|field| {
                format!(
                    "{}={}",
                    field["name"].as_str().unwrap(),
                    url::form_urlencoded::byte_serialize(
                        field["value"].as_str().unwrap().as_bytes()
                    )
                    .collect::<String>()
                )
            })
            .collect();
        text.push(extra.to_owned());
        // Repeats are let through here to see that `ticked` refuses them itself.
        parameters(&text.join("&"), &["scope", "redirect_uri", "resource"]).unwrap()
    }

    #[test]
    fn the_hidden_fields_post_back_as_the_same_request() {
        assert_eq!(request().ticked(&form("username=a")), Some(BTreeSet::new()));
        assert_eq!(
            request().ticked(&form("scope=books:delete")),
            Some(BTreeSet::from(["books:delete"]))
        );
    }

    #[test]
    fn a_changed_or_added_field_or_an_unrequested_scope_is_a_tampered_form() {
        assert_eq!(
            request().ticked(&form("scope=mcp:delete")),
            None,
            "not requested"
        );
        assert_eq!(
            request().ticked(&form("redirect_uri=http://127.0.0.1:9/other")),
            None
        );
        assert_eq!(request().ticked(&form("resource=http://elsewhere")), None);
        let mut changed = request();
        changed.state = Some("other".to_owned());
        assert_eq!(changed.ticked(&form("")), None);
    }

    #[test]
    fn the_default_page_renders_every_field_escaped() {
        let page = LoginPage::load(None).unwrap();
        let mut request = request();
        request.state = Some("\"><script>".to_owned());
        let html = page
            .render_login(
                &Login {
                    request: &request,
                    csrf_token: "tok",
                    username: "",
                    error: "",
                },
                "http://as",
            )
            .unwrap();
        assert!(
            html.contains("name=\"username\"") && html.contains("name=\"password\""),
            "{html}"
        );
        assert!(html.contains("name=\"csrf_token\" value=\"tok\""), "{html}");
        assert!(
            html.contains("type=\"checkbox\"") && html.contains("value=\"books:delete\""),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<html lang=\"en\">"));
    }

    #[test]
    fn a_custom_login_page_gets_the_same_context_and_a_broken_one_stops_the_start() {
        let dir = std::env::temp_dir().join(format!("mcpgen-login-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("login.html");
        std::fs::write(
            &good,
            "<form method=post>{% for f in hidden %}<input type=hidden name={{ f.name }} value=\"{{ f.value }}\">{% endfor %}<input name=csrf_token value={{ csrf_token }}>Our own page for {{ client_name }}</form>",
        )
        .unwrap();
        let page = LoginPage::load(Some(&good)).unwrap();
        let html = page
            .render_login(
                &Login {
                    request: &request(),
                    csrf_token: "tok",
                    username: "",
                    error: "",
                },
                "http://as",
            )
            .unwrap();
        assert!(
            html.contains("Our own page for c") && html.contains("value=tok"),
            "{html}"
        );
        let broken = dir.join("broken.html");
        std::fs::write(&broken, "{% for %}").unwrap();
        let error = LoginPage::load(Some(&broken)).err().unwrap();
        assert!(error.contains("auth.login_page"), "{error}");
        let error = LoginPage::load(Some(&dir.join("missing.html")))
            .err()
            .unwrap();
        assert!(error.contains("cannot read it"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_form_may_be_sent_to_the_redirect_uri_origin_only() {
        assert_eq!(
            csp_source("http://127.0.0.1:9/cb?x=1").as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(
            csp_source("cursor://anysphere/cb").as_deref(),
            Some("cursor:")
        );
    }
}

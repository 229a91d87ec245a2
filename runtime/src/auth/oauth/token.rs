//! Tokens: `POST /token` (RFC 6749 section 4.1.3 with PKCE S256, RFC 7636; refresh with
//! rotation, RFC 9700 section 4.14), `POST /revoke` (RFC 7009), and the check of the access
//! tokens this server signed.
//!
//! Every sign-in starts a *family*: the code, the access tokens and the refresh tokens made
//! from it. A family is a store record; access tokens carry its id (`fam`), refresh tokens
//! are stored (by their SHA-256) with it. A code redeemed twice, or a refresh token used
//! twice, revokes its family, so everything issued from it stops working at once.
//!
//! Access tokens are JWTs (RFC 9068 `at+jwt`): `iss`, `sub`, `aud`, `exp`, `iat`, `jti`,
//! `scope`, `client_id`, `fam`, signed with the current [`SigningKeys`] key. This server
//! checks their expiry without leeway (it is its own clock), their `jti` against the revoked
//! ones, and their family.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, Header, Validation, decode, decode_header, encode};
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use super::signing::SigningKeys;
use super::{
    AuthorizationServer, Params, client_ip, digest, json_response, now, oauth_error, parameters,
    random_token, same, too_many_requests,
};
use crate::auth::Caller;
use crate::auth::store::Store;
use crate::tools::scope::Scopes;

/// The store's kind of authorization codes (by SHA-256).
pub(crate) const CODE_KIND: &str = "oauth_code";
/// The store's kind of refresh tokens (by SHA-256).
const REFRESH_KIND: &str = "oauth_refresh";
/// The store's kind of families.
const FAMILY_KIND: &str = "oauth_family";
/// The store's kind of revoked access tokens (by `jti`, until their `exp`).
const REVOKED_KIND: &str = "oauth_revoked_jti";
/// How long a code may be redeemed.
pub(crate) const CODE_TTL_S: i64 = 60;
/// How long a redeemed or expired code is remembered, so a replay is still recognised.
pub(crate) const CODE_MEMORY_S: i64 = 600;

/// Signs and checks this server's access tokens.
pub struct AccessTokens {
    /// The signing keys.
    pub(crate) keys: SigningKeys,
    store: Arc<Store>,
    issuer: String,
    audiences: Vec<String>,
    ttl_s: i64,
}

/// What an access token is made of.
pub(crate) struct Grant<'a> {
    pub(crate) subject: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) scope: &'a str,
    pub(crate) audience: &'a str,
    pub(crate) family: &'a str,
}

impl AccessTokens {
    /// Tokens of `issuer` for `audiences` (the first is the default), valid `ttl_s`.
    pub fn new(
        keys: SigningKeys,
        store: Arc<Store>,
        issuer: String,
        audiences: Vec<String>,
        ttl_s: i64,
    ) -> Self {
        Self {
            keys,
            store,
            issuer,
            audiences,
            ttl_s,
        }
    }

    /// A signed access token of `grant`.
    pub(crate) async fn issue(&self, grant: &Grant<'_>) -> Result<String, String> {
        let signer = self.keys.signer().await?;
        let now = now();
        let claims = json!({
            "iss": self.issuer,
            "sub": grant.subject,
            "aud": grant.audience,
            "exp": now.saturating_add(self.ttl_s),
            "iat": now,
            "jti": random_token(16)?,
            "scope": grant.scope,
            "client_id": grant.client_id,
            "fam": grant.family,
        });
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(signer.kid.clone());
        header.typ = Some("at+jwt".to_owned());
        encode(&header, &claims, &signer.key)
            .map_err(|error| format!("cannot sign a token: {error}"))
    }

    /// The claims of `token` when this server signed it, for one of its audiences, and it
    /// has not expired (no leeway); revocation is not looked at.
    async fn claims(&self, token: &str) -> Result<Map<String, Value>, String> {
        let header = decode_header(token).map_err(|error| format!("not a usable JWT: {error}"))?;
        if header.alg != Algorithm::EdDSA {
            return Err(format!(
                "the algorithm {:?} is not this server's (EdDSA)",
                header.alg
            ));
        }
        let kid = header.kid.ok_or("the token names no signing key (kid)")?;
        let key = self
            .keys
            .decoding_key(&kid)
            .await?
            .ok_or("the token's signing key is not one of this server's")?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&self.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        let claims = decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|error| format!("refused: {error}"))?
            .claims;
        // jsonwebtoken accepts a token in its very second of `exp`; RFC 7519 does not.
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        if exp <= now() {
            return Err("refused: the token has expired".to_owned());
        }
        Ok(claims)
    }

    /// The caller an access token of this server stands for; `Err` says why it is refused.
    pub async fn verify(&self, token: &str) -> Result<Caller, String> {
        let claims = self.claims(token).await?;
        let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
        let read = |error: crate::auth::store::StoreError| error.to_string();
        if self
            .store
            .get(REVOKED_KIND, text("jti"))
            .await
            .map_err(read)?
            .is_some()
        {
            return Err("the token was revoked".to_owned());
        }
        let family = self
            .store
            .get(FAMILY_KIND, text("fam"))
            .await
            .map_err(read)?;
        if family.is_none_or(|family| revoked(&family)) {
            return Err("the sign-in the token was issued from was revoked".to_owned());
        }
        Ok(Caller {
            subject: text("sub").to_owned(),
            scopes: Scopes::parse(text("scope")),
            claims,
        })
    }

    /// Revokes the access token `token` (when this server signed it and it is live): its
    /// `jti` until its `exp`. The client it was issued to, when it was.
    async fn revoke(&self, token: &str) -> Result<Option<String>, String> {
        let Ok(claims) = self.claims(token).await else {
            return Ok(None);
        };
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let exp = claims.get("exp").and_then(Value::as_i64);
        self.store
            .put(REVOKED_KIND, jti, &json!({"revoked_at": now()}), exp)
            .await
            .map_err(|error| error.to_string())?;
        Ok(claims
            .get("client_id")
            .and_then(Value::as_str)
            .map(str::to_owned))
    }
}

/// Whether a family record says it is revoked.
fn revoked(family: &Value) -> bool {
    family.get("revoked").and_then(Value::as_bool) == Some(true)
}

/// A refusal of `/token` or `/revoke` (RFC 6749 section 5.2).
struct Refusal {
    status: StatusCode,
    error: &'static str,
    description: String,
    /// The client authenticated with Basic: a 401 names the scheme.
    basic: bool,
}

impl Refusal {
    /// A refusal with `error` (400, or 401 for `invalid_client`) and what went wrong.
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: if error == "invalid_client" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            },
            error,
            description: description.into(),
            basic: false,
        }
    }

    /// The JSON error response.
    fn response(&self) -> Response {
        let mut response = oauth_error(self.status, self.error, &self.description);
        if self.status == StatusCode::UNAUTHORIZED && self.basic {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"token\""),
            );
        }
        response
    }
}

/// A failure of the server itself (the store), logged; the client is told to see the log.
fn server_error(error: impl std::fmt::Display) -> Refusal {
    tracing::error!(%error, "oauth: the token endpoint failed");
    Refusal {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        error: "server_error",
        description: "the server failed; see its log".to_owned(),
        basic: false,
    }
}

/// The form body of a request, its client IP and headers; `Err` with the response.
async fn read_form(
    server: &AuthorizationServer,
    request: Request,
    bucket: &str,
) -> Result<(Params, HeaderMap), Response> {
    let ip = client_ip(&request);
    if let Err(wait) = server.requests.take(&format!("{bucket}:{ip}")) {
        tracing::warn!(%ip, endpoint = bucket, "oauth: rate limit: refused a request");
        return Err(too_many_requests(wait));
    }
    let (parts, body) = request.into_parts();
    let form_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(Refusal::new(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        )
        .response());
    }
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|_| Refusal::new("invalid_request", "the body cannot be read").response())?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Refusal::new("invalid_request", "the body is not UTF-8").response())?;
    let params =
        parameters(text, &[]).map_err(|why| Refusal::new("invalid_request", why).response())?;
    Ok((params, parts.headers))
}

/// The client id and secret of `Authorization: Basic` (RFC 6749 section 2.3.1: each
/// form-urlencoded).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |text: &str| -> String {
        url::form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

impl AuthorizationServer {
    /// The client a token or revocation request authenticates as (RFC 6749 section 2.3):
    /// a confidential one with its secret (Basic or in the body), a public one by its id.
    async fn authenticate_client(
        &self,
        params: &Params,
        headers: &HeaderMap,
    ) -> Result<String, Refusal> {
        let basic = basic_credentials(headers);
        let (client_id, secret) = match (&basic, params.get("client_id")) {
            (Some((id, _)), Some(form_id)) if id != form_id => {
                return Err(Refusal::new(
                    "invalid_request",
                    "client_id differs from the one in Authorization",
                ));
            }
            (Some((id, secret)), _) => (id.clone(), Some(secret.clone())),
            (None, Some(id)) => (
                id.to_owned(),
                params.get("client_secret").map(str::to_owned),
            ),
            (None, None) => return Err(Refusal::new("invalid_request", "client_id is required")),
        };
        let refuse = |description: &str| Refusal {
            basic: basic.is_some(),
            ..Refusal::new("invalid_client", description)
        };
        let client = self.client(&client_id).await.map_err(|why| refuse(&why))?;
        if let Some(expected) = &client.secret_digest {
            let Some(secret) = secret else {
                return Err(refuse(
                    "this client is confidential: authenticate with its client_secret (client_secret_basic or client_secret_post)",
                ));
            };
            if !same(&digest(&secret), expected) {
                tracing::warn!(client_id = %client_id, "oauth: refused a wrong client secret");
                return Err(refuse("the client secret is wrong"));
            }
        }
        Ok(client_id)
    }

    /// Revokes family `family`: its refresh tokens and access tokens stop working.
    async fn revoke_family(&self, family: &str, why: &str) -> Result<(), Refusal> {
        let record = self
            .store
            .get(FAMILY_KIND, family)
            .await
            .map_err(server_error)?;
        let mut record = record.unwrap_or_else(|| json!({}));
        record["revoked"] = json!(true);
        let expires = now()
            .saturating_add(self.refresh_token_ttl_s)
            .saturating_add(self.tokens.ttl_s);
        self.store
            .put(FAMILY_KIND, family, &record, Some(expires))
            .await
            .map_err(server_error)?;
        tracing::warn!(reason = why, "oauth: revoked every token of a sign-in");
        Ok(())
    }

    /// The token response of a family: a new access token of `scope` and a new refresh
    /// token of `refresh_scope`.
    async fn issue(
        &self,
        family: &str,
        family_record: &Value,
        scope: &str,
        refresh_scope: &str,
    ) -> Result<Response, Refusal> {
        let text = |name: &str| {
            family_record
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let access_token = self
            .tokens
            .issue(&Grant {
                subject: text("sub"),
                client_id: text("client_id"),
                scope,
                audience: text("aud"),
                family,
            })
            .await
            .map_err(server_error)?;
        // The family leads the token, so a reuse revokes it even though the first use
        // overwrote the token's record.
        let refresh_token = format!("{family}.{}", random_token(32).map_err(server_error)?);
        let expires = family_record.get("expires_at").and_then(Value::as_i64);
        self.store
            .put(
                REFRESH_KIND,
                &digest(&refresh_token),
                &json!({"family": family, "scope": refresh_scope, "used": false}),
                expires,
            )
            .await
            .map_err(server_error)?;
        Ok(json_response(
            StatusCode::OK,
            &json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": self.tokens.ttl_s,
                "refresh_token": refresh_token,
                "scope": scope,
            }),
        ))
    }

    /// `grant_type=authorization_code`.
    async fn redeem_code(&self, params: &Params, client_id: &str) -> Result<Response, Refusal> {
        let code = params
            .get("code")
            .ok_or_else(|| Refusal::new("invalid_request", "code is required"))?;
        let verifier = params.get("code_verifier").ok_or_else(|| {
            Refusal::new(
                "invalid_request",
                "code_verifier is required (PKCE, RFC 7636)",
            )
        })?;
        let redirect_uri = params
            .get("redirect_uri")
            .ok_or_else(|| Refusal::new("invalid_request", "redirect_uri is required"))?;
        let key = digest(code);
        let Some(record) = self
            .store
            .replace(CODE_KIND, &key, &json!({"used": true}))
            .await
            .map_err(server_error)?
        else {
            tracing::warn!(client_id, "oauth: refused an unknown or expired code");
            return Err(Refusal::new(
                "invalid_grant",
                "the code is not valid or has expired",
            ));
        };
        let text = |name: &str| record.get(name).and_then(Value::as_str).unwrap_or_default();
        let family = code_family(code);
        if record.get("used").and_then(Value::as_bool) == Some(true) {
            tracing::warn!(client_id, "oauth: refused a replayed code");
            self.revoke_family(&family, "an authorization code was redeemed twice")
                .await?;
            return Err(Refusal::new(
                "invalid_grant",
                "the code was already used; every token issued from it is revoked",
            ));
        }
        if record
            .get("expires_at")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            <= now()
        {
            return Err(Refusal::new(
                "invalid_grant",
                "the code has expired (codes live 60 s)",
            ));
        }
        if text("client_id") != client_id {
            tracing::warn!(client_id, "oauth: refused a code of another client");
            return Err(Refusal::new(
                "invalid_grant",
                "the code was issued to another client",
            ));
        }
        if text("redirect_uri") != redirect_uri {
            return Err(Refusal::new(
                "invalid_grant",
                "redirect_uri is not the one of the authorization request",
            ));
        }
        if !pkce_matches(verifier, text("code_challenge")) {
            tracing::warn!(client_id, "oauth: refused a wrong PKCE code_verifier");
            return Err(Refusal::new(
                "invalid_grant",
                "the code_verifier does not match the code_challenge (PKCE S256)",
            ));
        }
        if let Some(resource) = params.get("resource")
            && (!self.is_own_resource(resource) || self.audience(Some(resource)) != text("aud"))
        {
            return Err(Refusal::new(
                "invalid_target",
                format!(
                    "resource must be this server's, as at /authorize ({})",
                    text("aud")
                ),
            ));
        }
        let expires_at = now().saturating_add(self.refresh_token_ttl_s);
        let family_record = json!({
            "sub": text("sub"),
            "client_id": client_id,
            "scope": text("scope"),
            "aud": text("aud"),
            "revoked": false,
            "expires_at": expires_at,
        });
        let inserted = self
            .store
            .insert(
                FAMILY_KIND,
                &family,
                &family_record,
                Some(expires_at.saturating_add(self.tokens.ttl_s)),
            )
            .await
            .map_err(server_error)?;
        if !inserted {
            // A replay revoked it between the two steps.
            return Err(Refusal::new(
                "invalid_grant",
                "the code was already used; every token issued from it is revoked",
            ));
        }
        tracing::info!(
            client_id,
            subject = text("sub"),
            scope = text("scope"),
            "oauth: issued tokens for a code"
        );
        self.issue(&family, &family_record, text("scope"), text("scope"))
            .await
    }

    /// `grant_type=refresh_token`.
    async fn refresh(&self, params: &Params, client_id: &str) -> Result<Response, Refusal> {
        let token = params
            .get("refresh_token")
            .ok_or_else(|| Refusal::new("invalid_request", "refresh_token is required"))?;
        let family = token
            .split_once('.')
            .map(|(family, _)| family)
            .unwrap_or_default();
        let Some(record) = self
            .store
            .replace(
                REFRESH_KIND,
                &digest(token),
                &json!({"used": true, "family": family}),
            )
            .await
            .map_err(server_error)?
        else {
            return Err(Refusal::new(
                "invalid_grant",
                "the refresh token is not valid or has expired",
            ));
        };
        if record.get("used").and_then(Value::as_bool) == Some(true) {
            tracing::warn!(client_id, "oauth: refused a reused refresh token");
            self.revoke_family(family, "a rotated refresh token was used again")
                .await?;
            return Err(Refusal::new(
                "invalid_grant",
                "the refresh token was already used; every token of its sign-in is revoked",
            ));
        }
        let family_record = self
            .store
            .get(FAMILY_KIND, family)
            .await
            .map_err(server_error)?;
        let Some(family_record) = family_record.filter(|record| !revoked(record)) else {
            return Err(Refusal::new(
                "invalid_grant",
                "the sign-in of this refresh token was revoked",
            ));
        };
        if family_record.get("client_id").and_then(Value::as_str) != Some(client_id) {
            tracing::warn!(
                client_id,
                "oauth: refused a refresh token of another client"
            );
            self.revoke_family(family, "a refresh token was presented by another client")
                .await?;
            return Err(Refusal::new(
                "invalid_grant",
                "the refresh token was issued to another client",
            ));
        }
        if let Some(resource) = params.get("resource")
            && (!self.is_own_resource(resource)
                || Some(self.audience(Some(resource)).as_str())
                    != family_record.get("aud").and_then(Value::as_str))
        {
            return Err(Refusal::new(
                "invalid_target",
                "resource must be this server's, as at /authorize",
            ));
        }
        let granted = Scopes::parse(
            record
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let scope = match params.get("scope") {
            None => granted.to_string(),
            Some(asked) => {
                let asked = Scopes::parse(asked);
                if let Some(wider) = asked.iter().find(|scope| !granted.has(scope)) {
                    tracing::warn!(
                        client_id,
                        scope = wider,
                        "oauth: refused a refresh that widens the scope"
                    );
                    return Err(Refusal::new(
                        "invalid_scope",
                        format!(
                            "{wider} was not granted; a refresh may narrow the scope, never widen it"
                        ),
                    ));
                }
                asked.to_string()
            }
        };
        tracing::info!(client_id, scope = %scope, "oauth: refreshed tokens");
        self.issue(family, &family_record, &scope, &granted.to_string())
            .await
    }
}

/// The family of the sign-in a code starts: derived from the code, so that a replay finds
/// it after the first redemption has overwritten the code's record.
pub(crate) fn code_family(code: &str) -> String {
    digest(&format!("family:{code}"))
}

/// Whether `verifier` is a PKCE code verifier (43 to 128 unreserved characters) whose
/// S256 challenge is `challenge`.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed
        && same(
            &URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            challenge,
        )
}

/// `POST /token`.
pub async fn serve_token(
    State(server): State<Arc<AuthorizationServer>>,
    request: Request,
) -> Response {
    let (params, headers) = match read_form(&server, request, "token").await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let outcome = async {
        let client_id = server.authenticate_client(&params, &headers).await?;
        match params.get("grant_type") {
            Some("authorization_code") => server.redeem_code(&params, &client_id).await,
            Some("refresh_token") => server.refresh(&params, &client_id).await,
            Some(other) => Err(Refusal::new(
                "unsupported_grant_type",
                format!(
                    "grant_type {other:?} is not supported: authorization_code or refresh_token"
                ),
            )),
            None => Err(Refusal::new("invalid_request", "grant_type is required")),
        }
    }
    .await;
    outcome.unwrap_or_else(|refusal| refusal.response())
}

/// `POST /revoke` (RFC 7009): a refresh token revokes its family, an access token itself;
/// 200 whatever the token, even an unknown one.
pub async fn serve_revoke(
    State(server): State<Arc<AuthorizationServer>>,
    request: Request,
) -> Response {
    let (params, headers) = match read_form(&server, request, "revoke").await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let outcome: Result<(), Refusal> = async {
        let client_id = server.authenticate_client(&params, &headers).await?;
        let token = params
            .get("token")
            .ok_or_else(|| Refusal::new("invalid_request", "token is required"))?;
        let hint = params.get("token_type_hint");
        if hint != Some("access_token")
            && let Some(record) = server
                .store
                .get(REFRESH_KIND, &digest(token))
                .await
                .map_err(server_error)?
            && let Some(family) = record.get("family").and_then(Value::as_str)
        {
            let owner = server
                .store
                .get(FAMILY_KIND, family)
                .await
                .map_err(server_error)?;
            if owner
                .as_ref()
                .and_then(|f| f.get("client_id"))
                .and_then(Value::as_str)
                == Some(client_id.as_str())
            {
                server
                    .revoke_family(family, "the client revoked its refresh token")
                    .await?;
            }
            return Ok(());
        }
        if token.matches('.').count() == 2 {
            let issued_to = server.tokens.claims(token).await.ok().and_then(|claims| {
                claims
                    .get("client_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            if issued_to.as_deref() == Some(client_id.as_str()) {
                server.tokens.revoke(token).await.map_err(server_error)?;
                tracing::info!(client_id = %client_id, "oauth: the client revoked an access token");
            }
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => json_response(StatusCode::OK, &json!({})),
        Err(refusal) => refusal.response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_the_rfc_7636_example_and_nothing_else() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(verifier, verifier), "plain is not S256");
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl",
            challenge
        ));
        assert!(!pkce_matches("short", challenge));
    }

    async fn tokens(name: &str, ttl_s: i64) -> (AccessTokens, std::path::PathBuf) {
        let path =
            std::env::temp_dir().join(format!("mcpgen-oauth-{name}-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = Arc::new(Store::open_sqlite(&path).await.unwrap());
        let keys = SigningKeys::new(Arc::clone(&store), 3600, ttl_s.max(1));
        let tokens = AccessTokens::new(
            keys,
            Arc::clone(&store),
            "http://as.test".to_owned(),
            vec!["http://as.test/mcp".to_owned()],
            ttl_s,
        );
        store
            .put(FAMILY_KIND, "f", &json!({"revoked": false}), None)
            .await
            .unwrap();
        (tokens, path)
    }

    fn grant() -> Grant<'static> {
        Grant {
            subject: "alice",
            client_id: "c",
            scope: "mcp:read",
            audience: "http://as.test/mcp",
            family: "f",
        }
    }

    #[tokio::test]
    async fn a_token_of_this_server_is_accepted_until_its_family_or_itself_is_revoked() {
        let (tokens, path) = tokens("accept", 60).await;
        let token = tokens.issue(&grant()).await.unwrap();
        let caller = tokens.verify(&token).await.unwrap();
        assert_eq!(caller.subject, "alice");
        assert!(caller.scopes.has("mcp:read"));
        tokens.revoke(&token).await.unwrap();
        assert!(tokens.verify(&token).await.unwrap_err().contains("revoked"));
        let other = tokens.issue(&grant()).await.unwrap();
        tokens
            .store
            .put(FAMILY_KIND, "f", &json!({"revoked": true}), None)
            .await
            .unwrap();
        assert!(tokens.verify(&other).await.unwrap_err().contains("revoked"));
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn a_token_is_refused_the_second_it_expires_without_leeway() {
        let (tokens, path) = tokens("expiry", 1).await;
        let token = tokens.issue(&grant()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        let error = tokens.verify(&token).await.unwrap_err();
        assert!(
            error.contains("expired") || error.contains("Expired"),
            "{error}"
        );
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn another_audience_another_issuer_and_an_unknown_key_are_refused() {
        let (tokens, path) = tokens("claims", 60).await;
        let elsewhere = Grant {
            audience: "https://other.example/mcp",
            ..grant()
        };
        let token = tokens.issue(&elsewhere).await.unwrap();
        assert!(tokens.verify(&token).await.is_err());
        let (other, other_path) = self::tokens("claims-other", 60).await;
        let foreign = other.issue(&grant()).await.unwrap();
        let error = tokens.verify(&foreign).await.unwrap_err();
        assert!(error.contains("signing key"), "{error}");
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&other_path);
    }
}

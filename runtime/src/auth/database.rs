//! What the database learns of the caller, for PostgreSQL's row-level security (`[auth]
//! db_claims`, CONTRACT section 7): each call's transaction sets `request.jwt.claims` to the
//! caller's claims and, when `[auth] db_role_claim` names a claim, runs as the role that claim
//! holds. A policy reads the caller as
//! `nullif(current_setting('request.jwt.claims', true), '')::json->>'sub'`.
//!
//! The claims are a JWT's (`oidc`), or `{"sub": "key:NAME", "scope": "..."}` for an API key.
//! On stdio there is no caller: nothing is set, and the statements run as the database URL's
//! own role (whoever starts a stdio server holds that URL anyway). Policies that compare with
//! the claims then see no caller, and match no row.

use serde_json::Value;

use crate::config::AuthConfig;
use crate::sql::SessionSettings;
use crate::tools::scope::Caller;

/// PostgreSQL's longest identifier, in bytes; a longer name would be cut to another role's.
const MAX_ROLE_BYTES: usize = 63;

/// The settings `caller`'s calls run with under `auth`; an error, which refuses the call,
/// when `[auth] db_role_claim` names a claim the caller does not hold as a role's name (fail
/// closed: never the URL's own role for a caller who was meant to have another).
pub fn session_settings(
    auth: &AuthConfig,
    caller: Option<&Caller>,
) -> Result<SessionSettings, String> {
    let Some(caller) = caller.filter(|_| auth.db_claims) else {
        return Ok(SessionSettings::default());
    };
    let claims = Value::Object(caller.claims.clone()).to_string();
    let role = match &auth.db_role_claim {
        None => None,
        Some(name) => Some(role_of(caller, name)?),
    };
    Ok(SessionSettings {
        claims: Some(claims),
        role,
    })
}

/// The role the claim `name` of `caller` names.
fn role_of(caller: &Caller, name: &str) -> Result<String, String> {
    let refused = |why: &str| {
        format!(
            "this server runs each call as the database role in the token's claim {name:?} (auth.db_role_claim), and {why}: the call is refused"
        )
    };
    let role = match caller.claims.get(name) {
        None | Some(Value::Null) => return Err(refused("the caller's token has no such claim")),
        Some(Value::String(role)) => role,
        Some(_) => return Err(refused("the claim is not a string")),
    };
    if role.is_empty() || role.eq_ignore_ascii_case("none") {
        // `SET ROLE none` would go back to the URL's own role.
        return Err(refused(&format!("{role:?} names no role")));
    }
    if role.len() > MAX_ROLE_BYTES || role.contains('\0') {
        return Err(refused("it is not a PostgreSQL role name"));
    }
    Ok(role.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::tools::scope::Scopes;

    fn auth(db_claims: bool, db_role_claim: Option<&str>) -> AuthConfig {
        AuthConfig {
            db_claims,
            db_role_claim: db_role_claim.map(str::to_owned),
            ..AuthConfig::default()
        }
    }

    fn caller_with(claims: Value) -> Caller {
        let mut caller = Caller::new("alice".to_owned(), Scopes::parse("mcp:read"));
        if let Value::Object(claims) = claims {
            caller.claims = claims;
        }
        caller
    }

    #[test]
    fn without_db_claims_nothing_is_set() {
        let caller = caller_with(json!({"sub": "alice", "role": "reader"}));
        let settings = session_settings(&auth(false, Some("role")), Some(&caller)).unwrap();
        assert!(settings.is_empty());
    }

    #[test]
    fn without_a_caller_nothing_is_set() {
        assert!(
            session_settings(&auth(true, Some("role")), None)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn an_api_keys_claims_are_its_subject_and_scopes() {
        let caller = Caller::new("key:alice".to_owned(), Scopes::parse("mcp:read"));
        let settings = session_settings(&auth(true, None), Some(&caller)).unwrap();
        let claims: Value = serde_json::from_str(settings.claims.as_deref().unwrap()).unwrap();
        assert_eq!(claims, json!({"sub": "key:alice", "scope": "mcp:read"}));
        assert_eq!(settings.role, None);
    }

    #[test]
    fn the_role_comes_from_the_claim_db_role_claim_names() {
        let caller = caller_with(json!({"sub": "alice", "db_role": "reader"}));
        let settings = session_settings(&auth(true, Some("db_role")), Some(&caller)).unwrap();
        assert_eq!(settings.role.as_deref(), Some("reader"));
    }

    #[test]
    fn a_missing_or_unusable_role_claim_refuses_the_call() {
        for claims in [
            json!({"sub": "alice"}),
            json!({"sub": "alice", "role": null}),
            json!({"sub": "alice", "role": 7}),
            json!({"sub": "alice", "role": ""}),
            json!({"sub": "alice", "role": "NONE"}),
            json!({"sub": "alice", "role": "r".repeat(64)}),
        ] {
            let caller = caller_with(claims.clone());
            let error = session_settings(&auth(true, Some("role")), Some(&caller)).unwrap_err();
            assert!(error.contains("auth.db_role_claim"), "{claims}: {error}");
        }
    }
}

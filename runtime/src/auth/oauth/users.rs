//! Who may sign in (`[[auth.users]]`) and what a sign-in grants.
//!
//! Passwords are checked with argon2id off the async threads; an unknown user costs the same
//! check (against a hash of nothing) and gets the same answer as a wrong password.
//!
//! Scopes: a client asks for scopes; those this server does not know (not in its
//! `scopes_supported`, e.g. `openid`) are dropped, and when none is left it gets the default,
//! `mcp:read`. A requested scope is granted when the user holds it or its umbrella
//! (`books:read` with `mcp:read`; a routine's `R:call` with `mcp:read` when the routine only
//! reads, else `mcp:write`), and, when it is elevated (`mcp:delete`, `T:delete`), only when
//! the user ticked it on the consent page.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

use crate::config::UserConfig;
use crate::tools::scope::{self, Scopes};

/// The argon2id hash of a password, in PHC form (what `NAME auth hash-password` prints).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| format!("cannot hash the password: {error}"))
}

/// A hash checked for unknown users, so that they take as long as known ones.
static NOBODY: LazyLock<String> =
    LazyLock::new(|| hash_password("no user has this password").unwrap_or_default());

/// One user.
#[derive(Debug, Clone)]
struct User {
    password_hash: String,
    scopes: Scopes,
}

/// The users of `[[auth.users]]`.
pub struct Users(Arc<BTreeMap<String, User>>);

impl Users {
    /// The users of the config (checked by `AuthConfig::check`).
    pub fn new(users: &[UserConfig]) -> Self {
        Self(Arc::new(
            users
                .iter()
                .map(|user| {
                    (
                        user.name.clone(),
                        User {
                            password_hash: user.password_hash.clone(),
                            scopes: user.scopes.to_scopes(),
                        },
                    )
                })
                .collect(),
        ))
    }

    /// The scopes of `name` when `password` is theirs; `None` for an unknown user or a wrong
    /// password alike.
    pub async fn sign_in(&self, name: &str, password: &str) -> Option<Scopes> {
        let users = Arc::clone(&self.0);
        let name = name.to_owned();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let user = users.get(&name);
            let hash = user.map_or(NOBODY.as_str(), |user| user.password_hash.as_str());
            let matches = argon2::PasswordHash::new(hash).is_ok_and(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            });
            user.filter(|_| matches).map(|user| user.scopes.clone())
        })
        .await
        .ok()
        .flatten()
    }
}

/// The scopes this server knows, each with the umbrella scope that covers it (`None` for
/// the umbrellas themselves).
#[derive(Debug, Clone, Default)]
pub struct ScopeCatalog(BTreeMap<String, Option<&'static str>>);

impl ScopeCatalog {
    /// The umbrellas, and `T:read`, `T:write`, `T:delete` of each table in `tables`, and
    /// `R:call` of each routine in `routines` (with whether it only reads).
    pub fn new<'a>(
        tables: impl IntoIterator<Item = &'a str>,
        routines: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> Self {
        let mut scopes = BTreeMap::new();
        for umbrella in [scope::READ, scope::WRITE, scope::DELETE] {
            scopes.insert(umbrella.to_owned(), None);
        }
        for table in tables {
            scopes.insert(format!("{table}:read"), Some(scope::READ));
            scopes.insert(format!("{table}:write"), Some(scope::WRITE));
            scopes.insert(format!("{table}:delete"), Some(scope::DELETE));
        }
        for (routine, read_only) in routines {
            let umbrella = if read_only { scope::READ } else { scope::WRITE };
            scopes.insert(format!("{routine}:call"), Some(umbrella));
        }
        Self(scopes)
    }

    /// Every scope, as `scopes_supported` lists them.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The scopes of a request's `scope` (space-separated) this server knows; the default
    /// (`mcp:read`) when it names none.
    pub fn requested(&self, scope: Option<&str>) -> Vec<String> {
        let mut known: Vec<String> = Vec::new();
        for scope in scope.unwrap_or_default().split_whitespace() {
            if self.0.contains_key(scope) && !known.iter().any(|seen| seen == scope) {
                known.push(scope.to_owned());
            }
        }
        if known.is_empty() {
            known.push(scope::READ.to_owned());
        }
        known
    }

    /// What a sign-in grants: of `requested`, those not elevated and the elevated ones in
    /// `ticked`, that `holds` (the user's scopes) has, or has the umbrella of.
    pub fn grant(&self, requested: &[String], ticked: &BTreeSet<&str>, holds: &Scopes) -> Scopes {
        requested
            .iter()
            .filter(|scope| !scope::is_elevated(scope) || ticked.contains(scope.as_str()))
            .filter(|scope| {
                holds.has(scope)
                    || self
                        .0
                        .get(*scope)
                        .copied()
                        .flatten()
                        .is_some_and(|umbrella| holds.has(umbrella))
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> ScopeCatalog {
        ScopeCatalog::new(
            ["books", "authors"],
            [("bestsellers", true), ("restock", false)],
        )
    }

    fn grant(requested: &str, ticked: &[&str], holds: &str) -> String {
        let catalog = catalog();
        let requested = catalog.requested(Some(requested));
        catalog
            .grant(
                &requested,
                &ticked.iter().copied().collect(),
                &Scopes::parse(holds),
            )
            .to_string()
    }

    #[test]
    fn unknown_scopes_are_dropped_and_nothing_known_asks_for_the_default() {
        let catalog = catalog();
        assert_eq!(catalog.requested(Some("openid books:read")), ["books:read"]);
        assert_eq!(catalog.requested(Some("openid profile")), ["mcp:read"]);
        assert_eq!(catalog.requested(None), ["mcp:read"]);
        assert_eq!(catalog.requested(Some("mcp:read mcp:read")), ["mcp:read"]);
    }

    #[test]
    fn a_scope_is_granted_when_the_user_holds_it_or_its_umbrella() {
        assert_eq!(grant("books:read", &[], "mcp:read"), "books:read");
        assert_eq!(
            grant("books:read authors:write", &[], "books:read"),
            "books:read"
        );
        assert_eq!(grant("mcp:write", &[], "mcp:read books:write"), "");
        assert_eq!(
            grant("bestsellers:call", &[], "mcp:read"),
            "bestsellers:call"
        );
        assert_eq!(
            grant("restock:call", &[], "mcp:read"),
            "",
            "a writing routine needs mcp:write"
        );
        assert_eq!(grant("restock:call", &[], "mcp:write"), "restock:call");
    }

    #[test]
    fn an_elevated_scope_is_granted_only_when_ticked_and_held() {
        assert_eq!(
            grant("mcp:read mcp:delete", &[], "mcp:read mcp:delete"),
            "mcp:read"
        );
        assert_eq!(
            grant(
                "mcp:read books:delete",
                &["books:delete"],
                "mcp:read mcp:delete"
            ),
            "books:delete mcp:read"
        );
        assert_eq!(
            grant("mcp:read mcp:delete", &["mcp:delete"], "mcp:read"),
            "mcp:read"
        );
        assert_eq!(
            grant("mcp:read", &["mcp:delete"], "mcp:delete"),
            "",
            "ticked but not requested"
        );
    }

    #[tokio::test]
    async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let users = Users::new(&[UserConfig {
            name: "alice".to_owned(),
            password_hash: hash,
            scopes: crate::config::ScopeList::Text("mcp:read".to_owned()),
        }]);
        assert_eq!(
            users
                .sign_in("alice", "correct horse")
                .await
                .map(|s| s.to_string()),
            Some("mcp:read".to_owned())
        );
        assert_eq!(users.sign_in("alice", "wrong").await, None);
        assert_eq!(users.sign_in("bob", "correct horse").await, None);
    }
}

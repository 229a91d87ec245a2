//! Database URLs as they may be shown or kept: without the password of their user info.

/// `url` with its password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    match split_password(url) {
        Some((before, after)) => format!("{before}:***@{after}"),
        None => url.to_owned(),
    }
}

/// `url` without its password (`postgres://app@db/shop`), for a generated crate, which is
/// source code where a secret does not belong; `None` when it has none.
pub fn without_password(url: &str) -> Option<String> {
    split_password(url).map(|(before, after)| format!("{before}@{after}"))
}

/// `scheme://user` and `host/path...` around `:password@`, when the URL has a password.
fn split_password(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, _) = rest.split_at(authority_end);
    let (user_info, _) = authority.rsplit_once('@')?;
    let (user, _) = user_info.split_once(':')?;
    let after = &rest[user_info.len() + 1..];
    Some((format!("{scheme}://{user}"), after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/shop"),
            "postgres://app:***@db:5432/shop"
        );
        assert_eq!(redact("mysql://root@db/shop"), "mysql://root@db/shop");
        assert_eq!(redact("sqlite://data/shop.db"), "sqlite://data/shop.db");
        assert_eq!(redact("not a url"), "not a url");
        // An `@` in the password: the host is after the last one.
        assert_eq!(
            redact("postgres://app:p@ss@db/shop?x=1"),
            "postgres://app:***@db/shop?x=1"
        );
        // An `@` in the query is not user info.
        assert_eq!(redact("sqlite://a.db?x=u:p@h"), "sqlite://a.db?x=u:p@h");
    }

    #[test]
    fn passwords_are_removed() {
        assert_eq!(
            without_password("postgres://app:secret@db/shop").as_deref(),
            Some("postgres://app@db/shop")
        );
        assert_eq!(without_password("postgres://app@db/shop"), None);
    }
}

//! A server's settings, read from its TOML config file (`mcpgen.toml`); every setting has a
//! default, so the file and each of its sections are optional.

use std::path::{Path, PathBuf};

use mcpgen_rules::defaults;
use serde::Deserialize;

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[database]`
    pub database: DatabaseConfig,
    /// `[limits]`
    pub limits: Limits,
    /// `[http]`
    pub http: HttpConfig,
    /// `[tools]`
    pub tools: ToolsConfig,
    /// `[auth]`
    pub auth: AuthConfig,
}

/// `[database]`: where the data is.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// The database URL, when neither `--database-url` nor `DATABASE_URL` gives one.
    pub url: Option<String>,
    /// The most connections the server opens.
    pub max_connections: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: defaults::MAX_CONNECTIONS,
        }
    }
}

/// `[limits]`: how much one call may return.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Rows per page when a call gives no `limit`.
    pub default_limit: u32,
    /// The largest `limit` honoured; larger ones are lowered to it.
    pub max_limit: u32,
    /// The most bytes of JSON rows one result holds: a page of `list_T` ends early rather
    /// than pass it.
    pub max_result_bytes: usize,
    /// The most rows one `insert_T` takes, and the most one `update_T` or `delete_T` changes
    /// (its `max_rows` may say fewer).
    pub max_write_rows: u32,
    /// How long one SQL statement may run, in milliseconds, before the database stops it and
    /// the call fails saying so; 0: no limit.
    pub statement_timeout_ms: u64,
}

impl Limits {
    /// [`Limits::statement_timeout_ms`] as a duration; `None`: no limit.
    pub fn statement_timeout(&self) -> Option<std::time::Duration> {
        (self.statement_timeout_ms > 0)
            .then(|| std::time::Duration::from_millis(self.statement_timeout_ms))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default_limit: defaults::DEFAULT_LIMIT,
            max_limit: defaults::MAX_LIMIT,
            max_result_bytes: defaults::MAX_RESULT_BYTES,
            max_write_rows: defaults::MAX_WRITE_ROWS,
            statement_timeout_ms: defaults::STATEMENT_TIMEOUT_MS,
        }
    }
}

/// `[http]`: the Streamable HTTP transport.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// The address to listen on, when `--listen` gives none.
    pub listen: String,
    /// `Host` header values accepted (DNS-rebinding protection); host or host:port.
    pub allowed_hosts: Vec<String>,
    /// Browser `Origin`s accepted; requests without an `Origin` header are always accepted.
    pub allowed_origins: Vec<String>,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Serve 2025-11-25 clients with `Mcp-Session-Id` sessions (2026-07-28 clients are always
    /// served statelessly).
    pub sessions: bool,
    /// The most sessions open at once; an `initialize` beyond it gets HTTP 503.
    pub max_sessions: usize,
    /// Seconds a session may go without a message before the server ends it (its next
    /// request gets 404, and the client starts a new session).
    pub session_idle_timeout_s: u64,
    /// Seconds a session keeps a finished response stream for a client that reconnects with
    /// `Last-Event-ID` (0: not at all).
    pub session_reply_cache_s: u64,
    /// Serve HTTP beyond loopback without authorization (`serve --insecure-no-auth` only:
    /// never from the config file).
    #[serde(skip)]
    pub insecure_no_auth: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: defaults::LISTEN.to_owned(),
            allowed_hosts: strings(defaults::ALLOWED_HOSTS),
            allowed_origins: strings(defaults::ALLOWED_ORIGINS),
            max_body_bytes: defaults::MAX_BODY_BYTES,
            sessions: defaults::SESSIONS,
            max_sessions: defaults::MAX_SESSIONS,
            session_idle_timeout_s: defaults::SESSION_IDLE_TIMEOUT_S,
            session_reply_cache_s: defaults::SESSION_REPLY_CACHE_S,
            insecure_no_auth: false,
        }
    }
}

/// `[tools]`: the tool list.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolsConfig {
    /// Tools per page of `tools/list`.
    pub page_size: usize,
    /// Serve the write tools (`insert_T`, `update_T`, `delete_T`) of every table not marked
    /// read-only; `serve --allow-writes` turns them on too. Off, the database is only ever
    /// read, in read-only transactions.
    pub writes: bool,
    /// The tool surface: `typed`, `compact`, `dreamfactory`, or `auto`; `serve --tools`
    /// overrides it.
    pub profile: Profile,
    /// Serve `query_sql`: one read-only statement over the served tables, checked before it
    /// reaches the database.
    pub sql: bool,
}

impl Default for ToolsConfig {
    fn default() -> Self {
        Self {
            page_size: defaults::PAGE_SIZE,
            writes: defaults::WRITES,
            profile: Profile::Auto,
            sql: defaults::SQL,
        }
    }
}

/// A tool surface over one catalog (`[tools] profile`, `serve --tools`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// `typed` while its `tools/list` stays under 64 KB, else `compact`.
    Auto,
    /// One set of tools per table and routine, each with its own exact schema.
    Typed,
    /// A fixed set of tools that name the table or routine in an argument.
    Compact,
    /// The tool names, arguments and results of DreamFactory's MCP server.
    Dreamfactory,
}

impl Profile {
    /// The name in the config file and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Auto => "auto",
            Profile::Typed => "typed",
            Profile::Compact => "compact",
            Profile::Dreamfactory => "dreamfactory",
        }
    }
}

/// `[auth]`: who may call the tools over HTTP (CONTRACT section 7).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// `none`, `oauth` or `oidc`; `serve --auth` overrides it.
    pub mode: AuthMode,
    /// Where API keys, clients and revocations are kept: a SQLite file (a relative path is
    /// relative to the config file's directory), or a Redis URL (`redis://HOST[:PORT][/DB]`,
    /// `?prefix=NAME` to share one Redis between servers) when replicas share it.
    pub store: String,
    /// `oidc`: the identity provider's issuer URL (its discovery document is at
    /// `ISSUER/.well-known/openid-configuration`).
    pub issuer: Option<String>,
    /// The audience tokens must carry (default: `resource`, or `resource/mcp`).
    pub audience: Option<String>,
    /// This server's public base URL, as clients reach it (default: `http://` and the
    /// address it listens on).
    pub resource: Option<String>,
    /// `oidc`: the claim that holds a token's scopes.
    pub scopes_claim: String,
    /// PostgreSQL row-level security: each call's transaction sets `request.jwt.claims` to the
    /// caller's claims ([`crate::auth::database`]).
    pub db_claims: bool,
    /// With `db_claims`: the claim that names the database role each call runs as (`SET
    /// LOCAL ROLE`); a caller without it is refused.
    pub db_role_claim: Option<String>,
    /// `oauth`: seconds an access token is valid.
    pub access_token_ttl_s: u64,
    /// `oauth`: seconds a sign-in's refresh tokens keep working (rotated at each use).
    pub refresh_token_ttl_s: u64,
    /// `oauth`: seconds a signing key is used before the next is made.
    pub signing_key_rotation_s: u64,
    /// `oauth`: a tera template (relative to the config file's directory) that replaces the
    /// login and consent page; it gets the same context as the default one.
    pub login_page: Option<String>,
    /// `oauth`: fetch client ID metadata documents from private, loopback and link-local
    /// addresses too (tests, private networks).
    pub allow_local_metadata: bool,
    /// `oauth`: requests per minute one client IP may make to each of `/token`,
    /// `/register` and the login form.
    pub rate_limit_per_minute: u32,
    /// `oauth`: failed sign-ins per minute allowed per client IP and per username.
    pub failed_logins_per_minute: u32,
    /// Invalid bearer tokens per minute allowed per client IP at `/mcp` before 429.
    pub failed_tokens_per_minute: u32,
    /// `oauth`: who may sign in (`[[auth.users]]`).
    pub users: Vec<UserConfig>,
    /// The directory of the config file, which a relative `store` is in.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: AuthMode::None,
            store: defaults::AUTH_STORE.to_owned(),
            issuer: None,
            audience: None,
            resource: None,
            scopes_claim: defaults::AUTH_SCOPES_CLAIM.to_owned(),
            db_claims: false,
            db_role_claim: None,
            access_token_ttl_s: defaults::ACCESS_TOKEN_TTL_S,
            refresh_token_ttl_s: defaults::REFRESH_TOKEN_TTL_S,
            signing_key_rotation_s: defaults::SIGNING_KEY_ROTATION_S,
            login_page: None,
            allow_local_metadata: defaults::ALLOW_LOCAL_METADATA,
            rate_limit_per_minute: defaults::RATE_LIMIT_PER_MINUTE,
            failed_logins_per_minute: defaults::FAILED_LOGINS_PER_MINUTE,
            failed_tokens_per_minute: defaults::FAILED_TOKENS_PER_MINUTE,
            users: Vec::new(),
            base_dir: None,
        }
    }
}

/// `[[auth.users]]`: one person who may sign in at the login page of `oauth` mode.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The name typed in the login form.
    pub name: String,
    /// The argon2id hash of the password, in PHC form (`NAME auth hash-password` makes it).
    pub password_hash: String,
    /// The most this user may grant a client: scopes as a space-separated string or a list.
    pub scopes: ScopeList,
}

/// Scopes in the config file: `"mcp:read books:write"` or `["mcp:read", "books:write"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ScopeList {
    /// Space-separated.
    Text(String),
    /// One per item.
    List(Vec<String>),
}

impl ScopeList {
    /// The scopes, each once.
    pub fn to_scopes(&self) -> crate::tools::scope::Scopes {
        match self {
            ScopeList::Text(text) => crate::tools::scope::Scopes::parse(text),
            ScopeList::List(items) => items
                .iter()
                .flat_map(|item| item.split_whitespace())
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl AuthConfig {
    /// The file of the custom login page (`login_page`, relative to the config file's
    /// directory).
    pub fn login_page_path(&self) -> Option<PathBuf> {
        let page = Path::new(self.login_page.as_ref()?);
        Some(match &self.base_dir {
            Some(dir) if page.is_relative() => dir.join(page),
            _ => page.to_path_buf(),
        })
    }

    /// The store's file: `store`, relative to the config file's directory.
    pub fn store_path(&self) -> PathBuf {
        let store = Path::new(&self.store);
        match &self.base_dir {
            Some(dir) if store.is_relative() => dir.join(store),
            _ => store.to_path_buf(),
        }
    }

    /// Whether `store` is a store this build has: a SQLite file, or a Redis URL
    /// (`redis://`, `rediss://`).
    pub fn check_store(&self) -> Result<(), String> {
        if self.store.contains("://") && !is_redis_url(&self.store) {
            return Err(format!(
                "auth.store = {:?}: the store is a SQLite file (a path such as \"{}\") or a Redis URL (redis://HOST[:PORT][/DB], rediss:// for TLS)",
                redacted(&self.store),
                defaults::AUTH_STORE
            ));
        }
        Ok(())
    }

    /// Whether these settings can be served, once `serve --auth` has had its say: `oidc`
    /// needs an issuer, `oauth` users, URLs must be URLs, and the store a file.
    pub fn check(&self) -> Result<(), String> {
        self.check_store()?;
        if self.mode == AuthMode::Oauth {
            self.check_oauth()?;
        }
        for (name, value) in [
            ("auth.issuer", &self.issuer),
            ("auth.resource", &self.resource),
        ] {
            if let Some(url) = value
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                return Err(format!(
                    "{name} = {url:?} is not an http(s) URL (e.g. \"https://login.example.com/realms/shop\")"
                ));
            }
        }
        if self.mode == AuthMode::Oidc && self.issuer.is_none() {
            return Err(
                "auth.mode = \"oidc\" needs auth.issuer, the identity provider's issuer URL"
                    .to_owned(),
            );
        }
        if self.scopes_claim.is_empty() {
            return Err("auth.scopes_claim must name a claim (default \"scope\")".to_owned());
        }
        self.check_db_claims()
    }

    /// `db_claims` and `db_role_claim` need a caller (a mode other than `none`), and
    /// `db_role_claim` needs `db_claims`.
    fn check_db_claims(&self) -> Result<(), String> {
        if self.failed_tokens_per_minute == 0 {
            return Err("auth.failed_tokens_per_minute must be at least 1".to_owned());
        }
        if self.db_claims && self.mode == AuthMode::None {
            return Err("auth.db_claims = true gives the database the caller's claims, and auth.mode = \"none\" has no caller: set auth.mode = \"oidc\" (or \"oauth\"), or remove db_claims".to_owned());
        }
        match &self.db_role_claim {
            Some(claim) if claim.is_empty() => {
                Err("auth.db_role_claim must name a claim (e.g. \"role\")".to_owned())
            }
            Some(_) if !self.db_claims => Err(
                "auth.db_role_claim works with auth.db_claims = true: set it too, or remove db_role_claim"
                    .to_owned(),
            ),
            _ => Ok(()),
        }
    }

    /// Whether `db_claims` can be served by a database `database_name` names
    /// ([`crate::dialect::Dialect::name`]): only PostgreSQL has row-level security settings.
    pub fn check_database(&self, postgres: bool, database_name: &str) -> Result<(), String> {
        if self.db_claims && !postgres {
            return Err(format!(
                "auth.db_claims = true needs PostgreSQL (its row-level security reads the claims); this server's database is {database_name}: remove db_claims"
            ));
        }
        Ok(())
    }
}

impl AuthConfig {
    /// The settings of `oauth` mode: users with argon2id hashes and scopes, durations of at
    /// least a second.
    fn check_oauth(&self) -> Result<(), String> {
        if self.users.is_empty() {
            return Err("auth.mode = \"oauth\" needs at least one user to sign in: make a password hash with `NAME auth hash-password` (it reads the password on stdin), then add\n[[auth.users]]\nname = \"alice\"\npassword_hash = \"$argon2id$...\"\nscopes = \"mcp:read\"".to_owned());
        }
        for (setting, value) in [
            ("auth.access_token_ttl_s", self.access_token_ttl_s),
            ("auth.refresh_token_ttl_s", self.refresh_token_ttl_s),
            ("auth.signing_key_rotation_s", self.signing_key_rotation_s),
            (
                "auth.rate_limit_per_minute",
                u64::from(self.rate_limit_per_minute),
            ),
            (
                "auth.failed_logins_per_minute",
                u64::from(self.failed_logins_per_minute),
            ),
        ] {
            if value == 0 {
                return Err(format!("{setting} must be at least 1"));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for user in &self.users {
            let name = &user.name;
            if name.trim().is_empty() || name.len() > 128 {
                return Err(
                    "an [[auth.users]] entry has an empty or too long name (1 to 128 characters)"
                        .to_owned(),
                );
            }
            if !names.insert(name.as_str()) {
                return Err(format!(
                    "[[auth.users]] names {name:?} twice: each user once"
                ));
            }
            let hash_ok = user.password_hash.starts_with("$argon2id$")
                && argon2::PasswordHash::new(&user.password_hash).is_ok();
            if !hash_ok {
                return Err(format!(
                    "[[auth.users]] {name:?}: password_hash is not an argon2id hash in PHC form ($argon2id$v=19$...); make one with `NAME auth hash-password`"
                ));
            }
            let scopes = user.scopes.to_scopes();
            if scopes.is_empty() {
                return Err(format!(
                    "[[auth.users]] {name:?}: scopes names no scope; give the most this user may grant, e.g. scopes = \"mcp:read\""
                ));
            }
            if let Some(bad) = scopes
                .iter()
                .find(|scope| !crate::tools::scope::is_scope_name(scope))
            {
                return Err(format!(
                    "[[auth.users]] {name:?}: {bad:?} is not a scope: mcp:read, mcp:write, mcp:delete, or T:read, T:write, T:delete, R:call with T or R a tool's base name"
                ));
            }
        }
        Ok(())
    }
}

/// Whether `store` names a Redis store.
pub fn is_redis_url(store: &str) -> bool {
    store.starts_with("redis://") || store.starts_with("rediss://")
}

/// `url` with its password (and user name) hidden, as errors and logs show it.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => {
            let scheme = url.split("://").next().unwrap_or("redis");
            format!("{scheme}://(a URL that does not parse)")
        }
    }
}

/// Who may call the tools over HTTP (`[auth] mode`, `serve --auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Anyone who can reach the port.
    None,
    /// The server is its own OAuth authorization server, and API keys.
    Oauth,
    /// JWTs from an outside identity provider, and API keys.
    Oidc,
}

impl AuthMode {
    /// The name in the config file and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Oauth => "oauth",
            AuthMode::Oidc => "oidc",
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|&item| item.to_owned()).collect()
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown or mistyped settings.
    #[error("invalid config file {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, and where.
        message: String,
    },
}

impl Config {
    /// Reads a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: display.clone(),
            source,
        })?;
        let mut config = Self::parse(&text).map_err(|message| ConfigError::Invalid {
            path: display,
            message,
        })?;
        config.auth.base_dir = path.parent().map(Path::to_path_buf);
        Ok(config)
    }

    /// Reads a config from TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|error| error.to_string())?;
        if config.limits.max_limit == 0 || config.limits.default_limit == 0 {
            return Err("limits.default_limit and limits.max_limit must be at least 1".to_owned());
        }
        if config.limits.max_write_rows == 0 {
            return Err("limits.max_write_rows must be at least 1".to_owned());
        }
        if config.limits.max_result_bytes < 1024 {
            return Err("limits.max_result_bytes must be at least 1024".to_owned());
        }
        if config.tools.page_size == 0 {
            return Err("tools.page_size must be at least 1".to_owned());
        }
        if config.http.max_sessions == 0 {
            return Err(
                "http.max_sessions must be at least 1 (to serve without sessions, set http.sessions = false)"
                    .to_owned(),
            );
        }
        if config.http.session_idle_timeout_s == 0 {
            return Err("http.session_idle_timeout_s must be at least 1".to_owned());
        }
        if config.http.max_body_bytes == 0 {
            return Err("http.max_body_bytes must be at least 1".to_owned());
        }
        crate::transport::dns_rebinding::AllowedPeers::new(
            &config.http.allowed_hosts,
            &config.http.allowed_origins,
        )?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.limits.default_limit, 50);
        assert_eq!(config.limits.max_limit, 1000);
        assert_eq!(config.http.listen, "127.0.0.1:8080");
        assert_eq!(
            config.limits.statement_timeout(),
            Some(std::time::Duration::from_secs(30))
        );
    }

    #[test]
    fn a_statement_timeout_of_zero_is_no_limit() {
        let config = Config::parse("[limits]\nstatement_timeout_ms = 0\n").unwrap();
        assert_eq!(config.limits.statement_timeout(), None);
        let config = Config::parse("[limits]\nstatement_timeout_ms = 250\n").unwrap();
        assert_eq!(
            config.limits.statement_timeout(),
            Some(std::time::Duration::from_millis(250))
        );
    }

    #[test]
    fn the_session_settings_default_to_a_bounded_number_of_sessions_that_expire() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.http.max_sessions, 1000);
        assert_eq!(config.http.session_idle_timeout_s, 600);
        assert_eq!(config.http.session_reply_cache_s, 60);
        let config = Config::parse(
            "[http]\nmax_sessions = 2\nsession_idle_timeout_s = 1\nsession_reply_cache_s = 0\n",
        )
        .unwrap();
        assert_eq!(config.http.max_sessions, 2);
    }

    #[test]
    fn no_sessions_at_all_or_no_idle_time_are_refused_naming_the_setting() {
        for (setting, text) in [
            ("http.max_sessions", "[http]\nmax_sessions = 0\n"),
            (
                "http.session_idle_timeout_s",
                "[http]\nsession_idle_timeout_s = 0\n",
            ),
        ] {
            let error = Config::parse(text).unwrap_err();
            assert!(error.contains(setting), "{error}");
        }
    }

    #[test]
    fn allowed_hosts_and_origins_that_are_neither_are_refused() {
        let error = Config::parse("[http]\nallowed_origins = [\"localhost\"]\n").unwrap_err();
        assert!(error.contains("http.allowed_origins"), "{error}");
    }

    #[test]
    fn every_setting_the_config_template_shows_is_a_setting_with_that_default() {
        // The template's `# name = value` lines, uncommented (but the URL, which is made when
        // a crate is generated).
        let template = include_str!("../../templates/mcpgen.toml.tera");
        let settings: String = template
            .lines()
            .filter(|line| line.starts_with('[') || line.starts_with("# ") && line.contains(" = "))
            .filter(|line| !line.contains("{{"))
            .map(|line| format!("{}\n", line.trim_start_matches("# ")))
            .collect();
        let config = Config::parse(&settings).unwrap_or_else(|error| panic!("{error}\n{settings}"));
        let defaults = HttpConfig::default();
        assert_eq!(config.http.max_sessions, defaults.max_sessions);
        assert_eq!(
            config.http.session_idle_timeout_s,
            defaults.session_idle_timeout_s
        );
        assert_eq!(
            config.http.session_reply_cache_s,
            defaults.session_reply_cache_s
        );
        assert_eq!(config.http.max_body_bytes, defaults.max_body_bytes);
        assert_eq!(config.http.allowed_hosts, defaults.allowed_hosts);
        assert_eq!(config.http.allowed_origins, defaults.allowed_origins);
        assert_eq!(config.auth.mode, AuthMode::None);
        assert_eq!(config.auth.store, defaults::AUTH_STORE);
        assert_eq!(config.auth.scopes_claim, defaults::AUTH_SCOPES_CLAIM);
    }

    #[test]
    fn the_profile_defaults_to_auto_and_names_the_four_profiles() {
        assert_eq!(Config::parse("").unwrap().tools.profile, Profile::Auto);
        assert_eq!(defaults::PROFILE, Profile::Auto.name());
        for profile in [
            Profile::Auto,
            Profile::Typed,
            Profile::Compact,
            Profile::Dreamfactory,
        ] {
            let text = format!("[tools]\nprofile = \"{}\"\n", profile.name());
            assert_eq!(Config::parse(&text).unwrap().tools.profile, profile);
        }
        let error = Config::parse("[tools]\nprofile = \"small\"\n").unwrap_err();
        assert!(error.contains("compact"), "{error}");
    }

    #[test]
    fn auth_defaults_to_none_with_a_store_beside_the_config_file() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.auth.mode, AuthMode::None);
        assert_eq!(defaults::AUTH_MODE, AuthMode::None.name());
        assert_eq!(config.auth.scopes_claim, "scope");
        assert_eq!(
            config.auth.store_path(),
            PathBuf::from("mcpgen-auth.sqlite")
        );
        let dir = std::env::temp_dir().join(format!("mcpgen-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("mcpgen.toml");
        std::fs::write(
            &file,
            "[auth]\nmode = \"oidc\"\nissuer = \"https://idp.example\"\n",
        )
        .unwrap();
        let config = Config::load(&file).unwrap();
        assert_eq!(config.auth.store_path(), dir.join("mcpgen-auth.sqlite"));
        assert_eq!(config.auth.check(), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn oauth_mode_without_users_is_refused_naming_hash_password() {
        let config = Config::parse("[auth]\nmode = \"oauth\"\n").unwrap();
        let error = config.auth.check().unwrap_err();
        assert!(error.contains("auth hash-password"), "{error}");
    }

    #[test]
    fn oauth_users_need_an_argon2id_hash_and_known_scopes() {
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$7bQxDl2vW0Yj2QyG0Y1cM3k8yq0tY0o2Cw8mJ0m7nZ8";
        let user = |hash: &str, scopes: &str| {
            format!(
                "[auth]\nmode = \"oauth\"\n[[auth.users]]\nname = \"alice\"\npassword_hash = \"{hash}\"\nscopes = {scopes}\n"
            )
        };
        let config = Config::parse(&user(hash, "\"mcp:read books:delete\"")).unwrap();
        assert_eq!(config.auth.check(), Ok(()));
        assert_eq!(
            config.auth.users[0].scopes.to_scopes().to_string(),
            "books:delete mcp:read"
        );
        let config = Config::parse(&user(hash, "[\"mcp:read\", \"mcp:write\"]")).unwrap();
        assert_eq!(config.auth.check(), Ok(()));
        let config = Config::parse(&user("secret", "\"mcp:read\"")).unwrap();
        assert!(config.auth.check().unwrap_err().contains("hash-password"));
        let config = Config::parse(&user(hash, "\"everything\"")).unwrap();
        assert!(config.auth.check().unwrap_err().contains("is not a scope"));
        let error = Config::parse("[auth]\naccess_token_ttl = 5\n").unwrap_err();
        assert!(error.contains("access_token_ttl"), "{error}");
    }

    #[test]
    fn oidc_needs_an_issuer_and_urls_must_be_urls() {
        let config = Config::parse("[auth]\nmode = \"oidc\"\n").unwrap();
        assert!(config.auth.check().unwrap_err().contains("auth.issuer"));
        let config = Config::parse("[auth]\nmode = \"oidc\"\nissuer = \"idp.example\"\n").unwrap();
        assert!(config.auth.check().unwrap_err().contains("http(s)"));
        let config = Config::parse("[auth]\nstore = \"redis://127.0.0.1\"\n").unwrap();
        assert_eq!(config.auth.check_store(), Ok(()));
        let config = Config::parse("[auth]\nstore = \"postgres://u:pw@db/x\"\n").unwrap();
        let error = config.auth.check().unwrap_err();
        assert!(
            error.contains("SQLite file") && error.contains("redis://"),
            "{error}"
        );
        assert!(!error.contains("pw"), "{error}");
    }

    #[test]
    fn db_claims_default_to_off_and_need_a_caller() {
        let config = Config::parse("").unwrap();
        assert!(!config.auth.db_claims && config.auth.db_role_claim.is_none());
        let config = Config::parse("[auth]\ndb_claims = true\n").unwrap();
        let error = config.auth.check().unwrap_err();
        assert!(
            error.contains("auth.db_claims") && error.contains("none"),
            "{error}"
        );
        let config = Config::parse(
            "[auth]\nmode = \"oidc\"\nissuer = \"https://idp.example\"\ndb_claims = true\ndb_role_claim = \"role\"\n",
        )
        .unwrap();
        assert_eq!(config.auth.check(), Ok(()));
        assert_eq!(config.auth.db_role_claim.as_deref(), Some("role"));
    }

    #[test]
    fn db_role_claim_needs_db_claims_and_db_claims_needs_postgresql() {
        let config = Config::parse(
            "[auth]\nmode = \"oidc\"\nissuer = \"https://idp.example\"\ndb_role_claim = \"role\"\n",
        )
        .unwrap();
        assert!(config.auth.check().unwrap_err().contains("auth.db_claims"));
        let config = Config::parse("[auth]\ndb_claims = true\n").unwrap();
        let error = config.auth.check_database(false, "MySQL").unwrap_err();
        assert!(
            error.contains("PostgreSQL") && error.contains("MySQL"),
            "{error}"
        );
        assert_eq!(config.auth.check_database(true, "PostgreSQL"), Ok(()));
        assert_eq!(
            Config::parse("")
                .unwrap()
                .auth
                .check_database(false, "SQLite"),
            Ok(())
        );
    }

    #[test]
    fn unknown_settings_are_refused() {
        let error = Config::parse("[limits]\nmax_limt = 5\n").unwrap_err();
        assert!(error.contains("max_limt"), "{error}");
    }
}

//! Authorization over HTTP (CONTRACT section 7): who a caller is, from an API key of the store
//! ([`keys`]), in `oauth` mode an access token of the built-in authorization server
//! ([`oauth`]), or in `oidc` mode a JWT of the identity provider ([`oidc`]), checked by the
//! resource server ([`resource`]) in front of `/mcp`. What each tool needs of the caller's
//! scopes is decided in [`crate::tools::scope`]; what the database learns of the caller for
//! its row-level security, in [`database`]. stdio is never authenticated: it is a local
//! process of whoever started it.

pub mod database;
pub mod keys;
pub mod oauth;
pub mod oidc;
pub mod rate_limit;
pub mod resource;
pub mod store;

pub use crate::tools::scope::{Caller, Scopes};

//! The errors a server can meet, gathered for callers that embed it.

pub use crate::backend::DatabaseError;
pub use crate::catalog::CatalogError;
pub use crate::config::ConfigError;
pub use crate::query::ArgumentError;
pub use crate::server::ServeError;
pub use crate::transport::TransportError;

//! Introspection of a live mysql database (to be written).

use super::IntrospectError;
use crate::model::{Schema, Warning};

/// Whether `url` names a database of this kind.
pub(crate) fn handles(url: &str) -> bool {
    let _ = url;
    false
}

/// Reads the schema of the database at `url`.
pub async fn introspect(url: &str) -> Result<(Schema, Vec<Warning>), IntrospectError> {
    Err(IntrospectError::UnsupportedUrl(super::redact_url(url)))
}

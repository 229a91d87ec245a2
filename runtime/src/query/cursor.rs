//! The opaque `cursor` of `list_T`: where the next page starts, tied to the query it came from.
//!
//! A cursor is base64url JSON: `{"q": FINGERPRINT, "after": [KEY VALUES]}` for keyset paging or
//! `{"q": FINGERPRINT, "offset": N}` for tables without a key. Its values are bound as
//! parameters like any filter value, so a forged cursor can do no more than a `where` could.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ArgumentError;

/// Where a page starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Position {
    /// After the row whose sort key has these values.
    After(Vec<Value>),
    /// After this many rows.
    Offset(u64),
}

#[derive(Serialize, Deserialize)]
struct Wire {
    q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
}

/// Writes the cursor of `position` for the query with `fingerprint`.
pub fn encode(fingerprint: &str, position: &Position) -> String {
    let wire = match position {
        Position::After(values) => Wire {
            q: fingerprint.to_owned(),
            after: Some(values.clone()),
            offset: None,
        },
        Position::Offset(offset) => Wire {
            q: fingerprint.to_owned(),
            after: None,
            offset: Some(*offset),
        },
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).expect("cursor serializes"))
}

/// Reads a cursor; it must come from a query with the same `fingerprint` and, for keyset
/// cursors, carry `key_len` values.
pub fn decode(cursor: &str, fingerprint: &str, key_len: usize) -> Result<Position, ArgumentError> {
    let bad = || {
        ArgumentError::new(
            "cursor is not one this tool returned; pass `next_cursor` from the previous page unchanged, or leave cursor out to start from the first page",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let wire: Wire = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if wire.q != fingerprint {
        return Err(ArgumentError::new(
            "cursor belongs to a query with another `where` or `order_by`; repeat the query that returned it, or leave cursor out to start over",
        ));
    }
    match (wire.after, wire.offset) {
        (Some(values), None) if values.len() == key_len => Ok(Position::After(values)),
        (None, Some(offset)) if key_len == 0 => Ok(Position::Offset(offset)),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cursors_round_trip() {
        let position = Position::After(vec![json!(3), json!("x"), Value::Null]);
        let cursor = encode("abc", &position);
        assert_eq!(decode(&cursor, "abc", 3).unwrap(), position);
        let offset = Position::Offset(100);
        assert_eq!(decode(&encode("abc", &offset), "abc", 0).unwrap(), offset);
    }

    #[test]
    fn foreign_or_broken_cursors_are_refused() {
        let cursor = encode("abc", &Position::After(vec![json!(1)]));
        assert!(decode(&cursor, "other", 1).is_err());
        assert!(decode(&cursor, "abc", 2).is_err());
        assert!(decode("not a cursor!", "abc", 1).is_err());
        assert!(decode("e30", "abc", 1).is_err());
    }
}

//! Names the database gives, turned into the names tools and Rust code need.
//!
//! The derive uses [`tool_base`] for the `T` of a table's tools when no `name` is given, and
//! the generator uses the same functions, so both always agree.

use crate::hash::short_hash;

/// The longest `T` of a tool name: `update_` (7 characters) + 57 = 64, the limit of tool names.
pub const MAX_TOOL_BASE: usize = 57;

/// The `T` of a table's tool names (`list_T`): its name in snake_case, prefixed with its schema
/// when it has one; only `a-z`, `0-9` and `_`. A name longer than [`MAX_TOOL_BASE`] keeps its
/// first 50 characters and ends with `_` and 6 hex digits of a hash of the full name.
pub fn tool_base(schema: Option<&str>, table: &str) -> String {
    let base = match schema {
        Some(schema) => format!("{}_{}", snake_case(schema), snake_case(table)),
        None => snake_case(table),
    };
    if base.len() <= MAX_TOOL_BASE {
        return base;
    }
    let full = match schema {
        Some(schema) => format!("{schema}.{table}"),
        None => table.to_owned(),
    };
    truncate_with_hash(&base, &full, MAX_TOOL_BASE)
}

/// `base` cut to `max` bytes, its last 7 replaced by `_` and 6 hex digits of a hash of
/// `original`, so that two long names with a common start stay apart.
pub fn truncate_with_hash(base: &str, original: &str, max: usize) -> String {
    let keep = max.saturating_sub(7);
    let mut cut: String = base.chars().take(keep).collect();
    while cut.ends_with('_') {
        cut.pop();
    }
    format!("{cut}_{}", short_hash(original))
}

/// `name` in snake_case, ASCII only: words split at case changes, spaces, dashes and other
/// punctuation; accented Latin letters lose their accents, other letters become `u` and their
/// code point in hex. Never empty (`_` for a name with nothing left).
pub fn snake_case(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            let starts_word = c.is_uppercase()
                && previous.is_some_and(|p| {
                    p.is_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
                });
            if starts_word && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            push_ascii(&mut current, c);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let joined = words.join("_");
    if joined.is_empty() {
        "_".to_owned()
    } else {
        joined
    }
}

/// Appends `c` lowercased as ASCII.
fn push_ascii(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let lower: String = c.to_lowercase().collect();
    for c in lower.chars() {
        match fold_latin(c) {
            Some(folded) => out.push_str(folded),
            None => {
                if !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
                out.push_str(&format!("u{:x}", c as u32));
            }
        }
    }
}

/// The ASCII letters of an accented lowercase Latin letter.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words() {
        assert_eq!(snake_case("InvoiceLine"), "invoice_line");
        assert_eq!(snake_case("userId"), "user_id");
        assert_eq!(snake_case("user_id"), "user_id");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("Order Details"), "order_details");
        assert_eq!(snake_case("order-items"), "order_items");
        assert_eq!(snake_case("  weird--name  "), "weird_name");
        assert_eq!(snake_case("2fa"), "2fa");
        assert_eq!(snake_case("Ünïcödé"), "unicode");
        assert_eq!(snake_case("straße"), "strasse");
        assert_eq!(snake_case("用户"), "u7528_u6237");
        assert_eq!(snake_case("!!!"), "_");
    }

    #[test]
    fn tool_base_prefixes_schema_and_bounds_length() {
        assert_eq!(tool_base(None, "PlaylistTrack"), "playlist_track");
        assert_eq!(tool_base(Some("sales"), "Order"), "sales_order");
        let long = "a_really_long_table_name_that_goes_on_and_on_past_every_limit";
        let base = tool_base(None, long);
        assert!(base.len() <= MAX_TOOL_BASE, "{base}");
        assert_ne!(base, tool_base(None, &format!("{long}_2")));
        assert!(
            base.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
    }
}

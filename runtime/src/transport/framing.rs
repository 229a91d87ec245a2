//! The one check both transports make before a message reaches rmcp: that it is JSON, and a
//! JSON-RPC 2.0 message. Anything else gets the JSON-RPC error the specification names
//! (`-32700` Parse error, `-32600` Invalid Request), instead of no answer at all.

use serde_json::{Value, json};

/// JSON-RPC's "Parse error".
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's "Invalid Request".
const INVALID_REQUEST: i64 = -32600;

/// `Ok` when `bytes` is one JSON-RPC 2.0 message; else the error response to send back.
pub(crate) fn check_message(bytes: &[u8]) -> Result<(), Value> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        error_response(
            &Value::Null,
            PARSE_ERROR,
            &format!("Parse error: the message is not valid JSON ({error})"),
        )
    })?;
    let Value::Object(message) = &value else {
        return Err(error_response(
            &Value::Null,
            INVALID_REQUEST,
            "Invalid Request: a message is one JSON-RPC 2.0 object",
        ));
    };
    let id = match message.get("id") {
        Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
        _ => Value::Null,
    };
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(error_response(
            &id,
            INVALID_REQUEST,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"",
        ));
    }
    let is_request = message.get("method").is_some_and(Value::is_string);
    let is_response = message.contains_key("id")
        && (message.contains_key("result") || message.contains_key("error"));
    if !is_request && !is_response {
        return Err(error_response(
            &id,
            INVALID_REQUEST,
            "Invalid Request: a message needs a \"method\" (request or notification), or an \"id\" with a \"result\" or an \"error\" (response)",
        ));
    }
    Ok(())
}

fn error_response(id: &Value, code: i64, message: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code, "message": message}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(bytes: &str) -> Option<i64> {
        check_message(bytes.as_bytes())
            .err()
            .map(|error| error["error"]["code"].as_i64().unwrap())
    }

    #[test]
    fn requests_notifications_and_responses_pass() {
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#),
            None
        );
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            None
        );
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":"a","result":{}}"#), None);
    }

    #[test]
    fn broken_json_is_a_parse_error_with_a_null_id() {
        let error = check_message(br#"{"jsonrpc": "2.0", "id": 1, "method": "#).unwrap_err();
        assert_eq!(error["error"]["code"], PARSE_ERROR);
        assert_eq!(error["id"], Value::Null);
    }

    #[test]
    fn json_that_is_not_jsonrpc_is_an_invalid_request() {
        assert_eq!(code(r#"{"hello": "world"}"#), Some(INVALID_REQUEST));
        assert_eq!(code(r#"[1, 2]"#), Some(INVALID_REQUEST));
        assert_eq!(
            code(r#"{"jsonrpc":"1.0","id":7,"method":"x"}"#),
            Some(INVALID_REQUEST)
        );
        let error = check_message(br#"{"jsonrpc":"2.0","id":7}"#).unwrap_err();
        assert_eq!(error["id"], 7);
    }
}

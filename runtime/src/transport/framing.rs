//! The one check both transports make before a message reaches rmcp: that it is JSON, a
//! JSON-RPC 2.0 message rmcp can read, and, for each method this server answers, that its
//! `params` have the shape the method needs. Anything else gets the JSON-RPC error the
//! specification names (`-32700` Parse error, `-32600` Invalid Request, `-32602` Invalid
//! params) with a message that says what is wrong, where rmcp alone would give no answer,
//! HTTP 415, or `-32601` Method not found for a method that exists (rmcp reads a request whose
//! params do not fit its method as an unknown method).

use rmcp::model::{
    CallToolRequestParams, ClientJsonRpcMessage, ClientRequest, ErrorCode, InitializeRequestParams,
    JsonObject, PaginatedRequestParams,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The deepest nesting of arrays and objects serde_json reads (its recursion limit).
const MAX_NESTING: usize = 127;

/// A message refused before it reaches rmcp, as the JSON-RPC error response to send back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    /// The refused request's `id` when it has a valid one, else `null`.
    pub(crate) id: Value,
    /// The JSON-RPC error code.
    pub(crate) code: ErrorCode,
    /// What is wrong, and what to send instead.
    pub(crate) message: String,
}

impl Refusal {
    pub(crate) fn new(id: Value, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            id,
            code,
            message: message.into(),
        }
    }

    fn invalid_request(id: &Value, problem: impl std::fmt::Display) -> Self {
        Self::new(
            id.clone(),
            ErrorCode::INVALID_REQUEST,
            format!("Invalid Request: {problem}"),
        )
    }

    fn invalid_params(id: &Value, method: &str, problem: impl std::fmt::Display) -> Self {
        Self::new(
            id.clone(),
            ErrorCode::INVALID_PARAMS,
            format!("Invalid params: {method}: {problem}"),
        )
    }

    /// The JSON-RPC error response.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "jsonrpc": "2.0",
            "id": self.id,
            "error": {"code": self.code.0, "message": self.message}
        })
    }
}

/// The methods this server answers (it offers tools only; see [`crate::handler`]), with the
/// params each needs. A request for any other method goes on to rmcp, which answers
/// `-32601` Method not found.
const ANSWERED_METHODS: &[AnsweredMethod] = &[
    AnsweredMethod {
        name: "initialize",
        params_required: true,
        shape: r#"{"protocolVersion": VERSION, "capabilities": {...}, "clientInfo": {"name": NAME, "version": VERSION}}"#,
        check: fits::<InitializeRequestParams>,
    },
    AnsweredMethod {
        name: "ping",
        params_required: false,
        shape: "{}",
        check: fits::<JsonObject>,
    },
    AnsweredMethod {
        name: "server/discover",
        params_required: true,
        shape: r#"{"_meta": {...}}"#,
        check: fits::<JsonObject>,
    },
    AnsweredMethod {
        name: "tools/list",
        params_required: false,
        shape: r#"{"cursor": CURSOR}"#,
        check: fits::<PaginatedRequestParams>,
    },
    AnsweredMethod {
        name: "tools/call",
        params_required: true,
        shape: r#"{"name": TOOL, "arguments": {...}}"#,
        check: fits::<CallToolRequestParams>,
    },
];

/// What the fields of some params are, for the messages that name them.
const FIELD_HINTS: &[(&str, &str, &str)] = &[
    ("tools/call", "name", "the name of a tool from tools/list"),
    ("tools/call", "arguments", "the tool's arguments by name"),
    (
        "tools/list",
        "cursor",
        "the nextCursor of the previous page",
    ),
    (
        "initialize",
        "protocolVersion",
        "the protocol revision the client speaks",
    ),
];

/// A method this server answers.
struct AnsweredMethod {
    name: &'static str,
    /// Whether a request must carry `params` (rmcp's `Request`) or may leave them out
    /// (`RequestOptionalParam`, `RequestNoParam`).
    params_required: bool,
    /// The params as the MCP specification shows them, for messages.
    shape: &'static str,
    /// Reads the params (an object, whose `_meta` is an object too) as rmcp's type for
    /// them does; what is wrong otherwise.
    check: fn(&str, &Value) -> Result<(), String>,
}

impl AnsweredMethod {
    fn named(name: &str) -> Option<&'static Self> {
        ANSWERED_METHODS.iter().find(|method| method.name == name)
    }

    /// `Ok` when `params` (absent: `None`) have the shape this method needs; else what is
    /// wrong, naming the field.
    fn check_params(&self, params: Option<&Value>) -> Result<(), String> {
        match params {
            None if self.params_required => Err(format!(
                "`params` is required, an object like {}",
                self.shape
            )),
            None => Ok(()),
            Some(params) => (self.check)(self.name, params),
        }
    }
}

/// MCP's rule for the `params` of every request and notification: absent, `null`, or an
/// object (JSON-RPC also allows an array) whose `_meta`, when it has one, is an object; and,
/// for a request for a method this server answers, the params that method needs.
fn check_params(message: &JsonObject, answered: Option<&AnsweredMethod>) -> Result<(), String> {
    let params = match message.get("params") {
        None | Some(Value::Null) => None,
        Some(params @ Value::Object(fields)) => match fields.get("_meta") {
            Some(meta) if !meta.is_object() => {
                return Err(format!(
                    "`params._meta` must be an object; got {}",
                    kind_of(meta)
                ));
            }
            _ => Some(params),
        },
        Some(other) => {
            let like = answered.map_or_else(
                || " of named parameters".to_owned(),
                |method| format!(" like {}", method.shape),
            );
            return Err(format!(
                "`params` must be an object{like}; got {}",
                kind_of(other)
            ));
        }
    };
    answered.map_or(Ok(()), |method| method.check_params(params))
}

/// Reads `params` as `P`; on failure, what is wrong at which field.
fn fits<P: DeserializeOwned>(method: &str, params: &Value) -> Result<(), String> {
    match serde_path_to_error::deserialize::<_, P>(params) {
        Ok(_) => Ok(()),
        Err(error) => Err(explain(method, params, &error)),
    }
}

/// serde's reason a value did not fit, said in JSON's words and naming the field.
fn explain(
    method: &str,
    params: &Value,
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> String {
    let path: Vec<String> = error
        .path()
        .iter()
        .map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
            other => other.to_string(),
        })
        .collect();
    let reason = error.inner().to_string();
    if let Some(field) = reason
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        let full = dotted(path.iter().map(String::as_str).chain([field]));
        return format!("`{full}` is required{}", hint(method, &full));
    }
    let field = dotted(path.iter().map(String::as_str));
    if let Some((_, expected)) = reason
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        let actual =
            value_at(params, error.path()).map_or_else(|| "another type".to_owned(), kind_of);
        return format!(
            "`{field}` must be {}{}; got {actual}",
            json_kind(expected),
            hint(method, &field)
        );
    }
    if field.is_empty() {
        reason
    } else {
        format!("`{field}`: {reason}")
    }
}

/// `a.b[0].c` from the segments of a path.
fn dotted<'a>(segments: impl Iterator<Item = &'a str>) -> String {
    let mut path = String::new();
    for segment in segments {
        if !path.is_empty() && !segment.starts_with('[') {
            path.push('.');
        }
        path.push_str(segment);
    }
    path
}

fn hint(method: &str, field: &str) -> String {
    FIELD_HINTS
        .iter()
        .find(|(hinted_method, hinted_field, _)| *hinted_method == method && *hinted_field == field)
        .map(|(_, _, hint)| format!(" ({hint})"))
        .unwrap_or_default()
}

/// The value at `path` under `root`.
fn value_at<'a>(root: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    path.iter().try_fold(root, |value, segment| match segment {
        serde_path_to_error::Segment::Seq { index } => value.get(index),
        serde_path_to_error::Segment::Map { key } => value.get(key),
        _ => None,
    })
}

/// serde's name for what it expected, in JSON's words.
fn json_kind(expected: &str) -> &str {
    match expected {
        "a map" | "a JSON object" => "an object",
        "a sequence" => "an array",
        "a string" | "a borrowed string" | "a string or bytes" => "a string",
        "a boolean" => "a boolean",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "an integer"
        }
        "f32" | "f64" => "a number",
        struct_name if struct_name.starts_with("struct ") => "an object",
        other => other,
    }
}

/// What a JSON value is, for messages: "an array", "the number 1.5".
fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(value) => value.to_string(),
        Value::Number(number) if number.is_i64() => "an integer".to_owned(),
        Value::Number(number) => format!("the number {number}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// What kind of JSON-RPC message an object is, by the members it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Notification,
    Response,
    ErrorResponse,
}

impl Kind {
    fn of(message: &JsonObject) -> Result<Self, String> {
        let has = |member| message.contains_key(member);
        match (has("method"), has("result"), has("error")) {
            (true, false, false) if has("id") => Ok(Self::Request),
            (true, false, false) => Ok(Self::Notification),
            (false, true, false) => Ok(Self::Response),
            (false, false, true) => Ok(Self::ErrorResponse),
            (true, _, _) => Err(
                "a message with a \"method\" is a request or a notification, and has no \"result\" or \"error\"".to_owned(),
            ),
            (false, true, true) => {
                Err("a response has a \"result\" or an \"error\", not both".to_owned())
            }
            (false, false, false) => Err(
                "a message needs a \"method\" (a request or a notification), or a \"result\" or an \"error\" (a response)".to_owned(),
            ),
        }
    }
}

/// MCP's rule for a request `id`: a string or an integer (JSON-RPC's null is not allowed).
fn is_valid_id(id: &Value) -> bool {
    id.is_string() || id.is_i64()
}

/// `Ok` with the message as rmcp reads it when `bytes` is one JSON-RPC 2.0 message this
/// server can answer; else the error response to send back.
pub(crate) fn check_message(bytes: &[u8]) -> Result<ClientJsonRpcMessage, Refusal> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        let message = if error.to_string().starts_with("recursion limit exceeded") {
            format!(
                "Parse error: the message nests arrays and objects more than {MAX_NESTING} levels deep, deeper than this server reads"
            )
        } else {
            format!("Parse error: the message is not valid JSON ({error})")
        };
        Refusal::new(Value::Null, ErrorCode::PARSE_ERROR, message)
    })?;
    let Value::Object(message) = &value else {
        let batch = if value.is_array() {
            " (MCP has no batches: send each message on its own)"
        } else {
            ""
        };
        return Err(Refusal::invalid_request(
            &Value::Null,
            format_args!(
                "a message is one JSON-RPC 2.0 object; got {}{batch}",
                kind_of(&value)
            ),
        ));
    };
    let id = message
        .get("id")
        .filter(|id| is_valid_id(id))
        .cloned()
        .unwrap_or(Value::Null);
    let kind = check_envelope(message).map_err(|problem| Refusal::invalid_request(&id, problem))?;
    let method = message.get("method").and_then(Value::as_str);
    let answered = method
        .and_then(AnsweredMethod::named)
        .filter(|_| kind == Kind::Request);
    if let Some(method) = method {
        check_params(message, answered)
            .map_err(|problem| Refusal::invalid_params(&id, method, problem))?;
    }
    let parsed: ClientJsonRpcMessage = serde_json::from_value(value).map_err(|error| {
        Refusal::invalid_request(
            &id,
            format_args!("the message is not one this server can read ({error})"),
        )
    })?;
    // rmcp reads a request whose params do not fit its method as a request for an unknown
    // method; the checks above are meant to find every such case first.
    if let (Some(method), ClientJsonRpcMessage::Request(request)) = (answered, &parsed)
        && matches!(request.request, ClientRequest::CustomRequest(_))
    {
        return Err(Refusal::invalid_params(
            &id,
            method.name,
            format_args!(
                "`params` do not have the shape the method needs, an object like {}",
                method.shape
            ),
        ));
    }
    Ok(parsed)
}

/// The kind of message an object is, once its `jsonrpc`, `method` and `id` follow JSON-RPC
/// 2.0 and MCP; else what is wrong.
fn check_envelope(message: &JsonObject) -> Result<Kind, String> {
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err("\"jsonrpc\" must be \"2.0\"".to_owned());
    }
    let kind = Kind::of(message)?;
    if let Some(method) = message.get("method").filter(|method| !method.is_string()) {
        return Err(format!(
            "\"method\" must be a string; got {}",
            kind_of(method)
        ));
    }
    match (kind, message.get("id")) {
        (Kind::Request | Kind::Response, Some(id)) if !is_valid_id(id) => Err(format!(
            "\"id\" must be a string or an integer; got {}",
            kind_of(id)
        )),
        (Kind::ErrorResponse, Some(id)) if !id.is_null() && !is_valid_id(id) => Err(format!(
            "\"id\" must be a string, an integer or null; got {}",
            kind_of(id)
        )),
        (Kind::Response, None) => {
            Err("a response needs the \"id\" of the request it answers".to_owned())
        }
        _ => Ok(kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(message: &str) -> Refusal {
        check_message(message.as_bytes()).expect_err("the message should be refused")
    }

    fn refusal_of(message: &Value) -> Refusal {
        refusal(&message.to_string())
    }

    fn request(method: &str, params: Value) -> Value {
        let mut request = json!({"jsonrpc": "2.0", "id": 7, "method": method});
        request["params"] = params;
        request
    }

    fn assert_invalid_params(message: &Value, words: &[&str]) {
        let refusal = refusal_of(message);
        assert_eq!(refusal.code, ErrorCode::INVALID_PARAMS, "{refusal:?}");
        assert_eq!(refusal.id, 7, "{refusal:?}");
        for word in words {
            assert!(
                refusal.message.contains(word),
                "{word:?} not in {refusal:?}"
            );
        }
    }

    #[test]
    fn requests_notifications_and_responses_pass() {
        for message in [
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","id":"a","method":"tools/list","params":{"cursor":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"a":1}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tables/drop","params":{"a":1}}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":{}}"#,
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"no"}}"#,
        ] {
            assert!(
                check_message(message.as_bytes()).is_ok(),
                "{message}: {:?}",
                check_message(message.as_bytes()).err()
            );
        }
    }

    #[test]
    fn broken_json_is_a_parse_error_with_a_null_id() {
        let refusal = refusal(r#"{"jsonrpc": "2.0", "id": 1, "method": "#);
        assert_eq!(refusal.code, ErrorCode::PARSE_ERROR);
        assert_eq!(refusal.id, Value::Null);
        assert!(refusal.message.contains("not valid JSON"), "{refusal:?}");
    }

    #[test]
    fn json_nested_deeper_than_serde_reads_is_a_parse_error_saying_so() {
        let nested = |depth: usize| {
            format!(
                r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"x":{}1{}}}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        // The message object and params take two levels.
        assert!(check_message(nested(MAX_NESTING - 2).as_bytes()).is_ok());
        let refusal = refusal(&nested(MAX_NESTING - 1));
        assert_eq!(refusal.code, ErrorCode::PARSE_ERROR);
        assert!(
            refusal.message.contains("127 levels deep"),
            "{}",
            refusal.message
        );
    }

    #[test]
    fn json_that_is_not_one_jsonrpc_object_is_an_invalid_request() {
        for message in [
            r#"{"hello": "world"}"#,
            r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
            r#""ping""#,
            r#"{"jsonrpc":"1.0","id":7,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"x","result":{}}"#,
            r#"{"jsonrpc":"2.0","id":7,"result":{},"error":{}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":5}"#,
            r#"{"jsonrpc":"2.0","result":{}}"#,
        ] {
            assert_eq!(
                refusal(message).code,
                ErrorCode::INVALID_REQUEST,
                "{message}"
            );
        }
    }

    #[test]
    fn an_invalid_request_keeps_a_valid_id() {
        assert_eq!(refusal(r#"{"jsonrpc":"2.0","id":7}"#).id, 7);
        assert_eq!(
            refusal(r#"{"jsonrpc":"1.0","id":"x","method":"m"}"#).id,
            "x"
        );
    }

    #[test]
    fn a_batch_is_refused_saying_mcp_has_none() {
        let refusal = refusal(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#);
        assert!(refusal.message.contains("no batches"), "{refusal:?}");
    }

    #[test]
    fn a_request_id_that_is_not_a_string_or_an_integer_is_an_invalid_request() {
        for id in [
            json!({"a": 1}),
            json!([1]),
            json!(true),
            json!(1.5),
            json!(null),
        ] {
            let refusal = refusal_of(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"}));
            assert_eq!(refusal.code, ErrorCode::INVALID_REQUEST, "{id}");
            assert_eq!(refusal.id, Value::Null, "{id}");
            assert!(
                refusal
                    .message
                    .contains("\"id\" must be a string or an integer"),
                "{refusal:?}"
            );
        }
    }

    #[test]
    fn tools_call_arguments_that_are_not_an_object_are_invalid_params_naming_them() {
        for (arguments, got) in [
            (json!([1, 2]), "got an array"),
            (json!("x"), "got a string"),
            (json!(3), "got an integer"),
        ] {
            assert_invalid_params(
                &request("tools/call", json!({"name": "t", "arguments": arguments})),
                &[
                    "tools/call",
                    "`arguments` must be an object (the tool's arguments by name)",
                    got,
                ],
            );
        }
    }

    #[test]
    fn tools_call_without_params_or_a_name_is_invalid_params() {
        let no_params = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call"});
        assert_invalid_params(&no_params, &["`params` is required", "\"name\""]);
        assert_invalid_params(
            &request("tools/call", json!({"arguments": {}})),
            &["`name` is required"],
        );
        assert_invalid_params(
            &request("tools/call", json!({"name": 5})),
            &["`name` must be a string", "got an integer"],
        );
        assert_invalid_params(
            &request("tools/call", json!([1])),
            &["`params` must be an object", "got an array"],
        );
    }

    #[test]
    fn initialize_with_the_wrong_params_is_invalid_params_naming_the_field() {
        assert_invalid_params(
            &request(
                "initialize",
                json!({"protocolVersion": "2025-11-25", "capabilities": {}}),
            ),
            &["initialize", "`clientInfo` is required"],
        );
        assert_invalid_params(
            &request(
                "initialize",
                json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "c"}}),
            ),
            &["`clientInfo.version` is required"],
        );
        assert_invalid_params(
            &request(
                "initialize",
                json!({"protocolVersion": 2025, "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}),
            ),
            &["`protocolVersion` must be a string", "got an integer"],
        );
    }

    #[test]
    fn tools_list_with_a_cursor_that_is_not_a_string_is_invalid_params() {
        // rmcp alone would ignore such params and list the first page.
        assert_invalid_params(
            &request("tools/list", json!({"cursor": 5})),
            &["`cursor` must be a string", "got an integer"],
        );
        assert_invalid_params(
            &request("tools/list", json!("x")),
            &["`params` must be an object"],
        );
    }

    #[test]
    fn ping_and_discover_with_params_that_are_not_an_object_are_invalid_params() {
        assert_invalid_params(
            &request("ping", json!([1])),
            &["ping", "`params` must be an object like {}"],
        );
        assert_invalid_params(
            &json!({"jsonrpc": "2.0", "id": 7, "method": "server/discover"}),
            &["server/discover", "`params` is required"],
        );
        assert_invalid_params(
            &request("server/discover", json!({"_meta": 1})),
            &["`params._meta` must be an object"],
        );
    }

    #[test]
    fn every_answered_method_refuses_params_that_are_an_array() {
        for method in ANSWERED_METHODS {
            let refusal = refusal_of(&request(method.name, json!([])));
            assert_eq!(refusal.code, ErrorCode::INVALID_PARAMS, "{}", method.name);
        }
    }

    #[test]
    fn params_that_are_not_an_object_are_invalid_params_for_any_method() {
        for message in [
            r#"{"jsonrpc":"2.0","id":7,"method":"tables/drop","params":[1]}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tables/drop","params":{"_meta":[]}}"#,
        ] {
            let refusal = refusal(message);
            assert_eq!(refusal.code, ErrorCode::INVALID_PARAMS, "{refusal:?}");
            assert!(refusal.message.contains("tables/drop"), "{refusal:?}");
        }
        let notification =
            refusal(r#"{"jsonrpc":"2.0","method":"notifications/initialized","params":"x"}"#);
        assert_eq!(notification.code, ErrorCode::INVALID_PARAMS);
        assert_eq!(notification.id, Value::Null);
    }

    #[test]
    fn the_params_of_a_notification_are_left_to_rmcp() {
        assert!(
            check_message(br#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":5}}"#)
                .is_ok()
        );
    }
}

// The SDK's one error type, `Error`, and `ApiError`/`ApiErrorKind` for the error responses the
// API documents. Error bodies are read leniently: parsing one never fails, and the raw body is
// always kept. The API key never enters an error.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong when calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke the API's constraints; nothing was sent.
    #[error(transparent)]
    Validation(#[from] crate::validation::ValidationError),

    /// The API answered with an error status the spec documents for this operation.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The API answered with a status the spec does not document for this operation.
    #[error(
        "HTTP {status}{} (status not documented for {operation_id}): {}{}",
        reason_suffix(*.status),
        BodyExcerpt(.body),
        NoteSuffix(.retry_note.as_deref())
    )]
    UnexpectedStatus {
        /// The HTTP status code.
        status: u16,
        /// The operation that was called.
        operation_id: &'static str,
        /// The raw response body.
        body: String,
        /// How many requests were sent in total.
        attempts: u32,
        /// Why the request was not retried, or `gave up after N attempts`.
        retry_note: Option<String>,
        /// The wait the response's `Retry-After` header asked for, if it had one.
        retry_after: Option<std::time::Duration>,
    },

    /// Connection-level failure (connection refused or reset, TLS, ...) after `attempts` tries.
    #[error("could not complete the request ({}){}", transport_kind(.source), NoteSuffix(.retry_note.as_deref()))]
    Transport {
        /// The underlying HTTP client error.
        source: reqwest::Error,
        /// How many requests were sent in total.
        attempts: u32,
        /// Why the request was not retried, or `gave up after N attempts`.
        retry_note: Option<String>,
    },

    /// No response within the client's timeout.
    #[error("request timed out: no response within {timeout:?}{}", NoteSuffix(.retry_note.as_deref()))]
    Timeout {
        /// The per-attempt timeout that elapsed.
        timeout: Duration,
        /// How many requests were sent in total.
        attempts: u32,
        /// Why the request was not retried, or `gave up after N attempts`.
        retry_note: Option<String>,
    },

    /// A success response whose body does not decode into the documented type.
    #[error("HTTP {status} response body does not match the documented type")]
    Decode {
        /// The (success) HTTP status code.
        status: u16,
        /// The raw response body.
        body: String,
        /// What did not match.
        source: serde_json::Error,
    },

    /// The request body could not be encoded as JSON (a map with non-string keys, a number
    /// JSON cannot represent); nothing was sent.
    #[error("the request body cannot be encoded as JSON")]
    Encode {
        /// What could not be encoded.
        source: serde_json::Error,
    },

    /// The client was misconfigured (no API key, bad base URL, ...).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status of the response this error comes from, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Validation(_)
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Encode { .. }
            | Error::Config(_) => None,
        }
    }

    /// How many requests were sent in total, for errors that end a (possibly retried) exchange.
    /// `None` when nothing was sent (validation, configuration) and for decode errors.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::UnexpectedStatus { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. } => Some(*attempts),
            Error::Validation(_)
            | Error::Decode { .. }
            | Error::Encode { .. }
            | Error::Config(_) => None,
        }
    }

    /// Why the SDK did not retry (or stopped retrying) the request, e.g.
    /// `not retried: POST /track/sale is not idempotent and the request carries no invoiceId (its idempotency key)`.
    pub fn retry_note(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.retry_note.as_deref(),
            Error::UnexpectedStatus { retry_note, .. }
            | Error::Transport { retry_note, .. }
            | Error::Timeout { retry_note, .. } => retry_note.as_deref(),
            Error::Validation(_)
            | Error::Decode { .. }
            | Error::Encode { .. }
            | Error::Config(_) => None,
        }
    }

    /// Whether the failure is transient: rate limiting (429), 408, 500, 502, 503, 504, a timeout
    /// or a connection failure, so the same request may succeed later.
    ///
    /// This says nothing about whether repeating it is *safe*: a non-idempotent request that
    /// timed out may have been processed. The SDK already retried what was safe to retry; see
    /// [`Error::retry_note`] for why it stopped.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::UnexpectedStatus { status, .. } => {
                crate::retry::is_throttling_status(*status)
                    || crate::retry::is_transient_status(*status)
            }
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => !(source.is_builder() || source.is_redirect()),
            Error::Validation(_)
            | Error::Decode { .. }
            | Error::Encode { .. }
            | Error::Config(_) => false,
        }
    }

    /// How long the server asked the caller to wait before trying again (its `Retry-After`
    /// header), when the call ended on a response that had one: a 429 or 503 asking for longer
    /// than the client's `max_retry_after`, or the last of the attempts.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            Error::UnexpectedStatus { retry_after, .. } => *retry_after,
            Error::Validation(_)
            | Error::Decode { .. }
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Encode { .. }
            | Error::Config(_) => None,
        }
    }

    /// The error response, when the API answered with a documented error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The violations, when the request was rejected before sending.
    pub fn validation_error(&self) -> Option<&crate::validation::ValidationError> {
        match self {
            Error::Validation(e) => Some(e),
            _ => None,
        }
    }

    /// The raw response body, when there was a response.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.body),
            Error::UnexpectedStatus { body, .. } | Error::Decode { body, .. } => Some(body),
            Error::Validation(_)
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Encode { .. }
            | Error::Config(_) => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

/// The kind of a documented error status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the request was malformed.
    BadRequest,
    /// 401: the API key is missing or invalid.
    Unauthorized,
    /// 403: the API key may not do this (e.g. the plan does not include it).
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 409: the request conflicts with the current state.
    Conflict,
    /// 410: the resource is gone (e.g. an expired invite).
    Gone,
    /// 422: well-formed, but semantically invalid.
    UnprocessableEntity,
    /// 429: too many requests; see [`ApiError::retry_after`].
    RateLimited,
    /// 500: the server failed.
    InternalServerError,
    /// 502: a gateway got a bad answer upstream.
    BadGateway,
    /// 503: the service is unavailable for now.
    ServiceUnavailable,
    /// 504: a gateway timed out upstream.
    GatewayTimeout,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind of the HTTP status `status`.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            410 => ApiErrorKind::Gone,
            422 => ApiErrorKind::UnprocessableEntity,
            429 => ApiErrorKind::RateLimited,
            500 => ApiErrorKind::InternalServerError,
            502 => ApiErrorKind::BadGateway,
            503 => ApiErrorKind::ServiceUnavailable,
            504 => ApiErrorKind::GatewayTimeout,
            _ => ApiErrorKind::Other,
        }
    }
}

/// An error response the API documents for the operation.
///
/// Displays as `HTTP 403 Forbidden: <message> (code: forbidden, docs: <doc_url>)`, followed by
/// the retry note if there is one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The kind of `status`.
    pub kind: ApiErrorKind,
    /// The API's error code (`{"error": {"code": ...}}` or `{"code": ...}`), if readable.
    pub code: Option<String>,
    /// The API's explanation (`{"error": {"message": ...}}`, `{"message": ...}` or
    /// `{"error": "..."}`), if readable.
    pub message: Option<String>,
    /// A link to documentation about the error (`{"error": {"doc_url": ...}}`), if given.
    pub doc_url: Option<String>,
    /// The raw response body, always kept.
    pub body: String,
    /// How long the server asked to wait before trying again (`Retry-After`), if it said.
    pub retry_after: Option<Duration>,
    /// How many requests were sent in total.
    pub attempts: u32,
    /// Why the request was not retried, or `gave up after N attempts`.
    pub retry_note: Option<String>,
}

impl ApiError {
    /// Reads an error response body leniently: any JSON shape (or none) is accepted; fields
    /// that cannot be found are `None`, and the raw body is kept. `attempts` is 1, with no
    /// `retry_after` and no `retry_note`.
    pub fn from_body(status: u16, body: impl Into<String>) -> Self {
        let body = body.into();
        let (code, message, doc_url) = parse_error_body(&body);
        ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            code,
            message,
            doc_url,
            body,
            retry_after: None,
            attempts: 1,
            retry_note: None,
        }
    }

    /// Whether the failure is transient (429, 408, 500, 502, 503, 504); see [`Error::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_throttling_status(self.status)
            || crate::retry::is_transient_status(self.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}{}: ", self.status, reason_suffix(self.status))?;
        match self.message.as_deref().map(str::trim) {
            Some(message) if !message.is_empty() => f.write_str(message)?,
            _ => fmt::Display::fmt(&BodyExcerpt(&self.body), f)?,
        }
        match (&self.code, &self.doc_url) {
            (Some(code), Some(doc_url)) => write!(f, " (code: {code}, docs: {doc_url})")?,
            (Some(code), None) => write!(f, " (code: {code})")?,
            (None, Some(doc_url)) => write!(f, " (docs: {doc_url})")?,
            (None, None) => {}
        }
        fmt::Display::fmt(&NoteSuffix(self.retry_note.as_deref()), f)
    }
}

impl std::error::Error for ApiError {}

/// `(code, message, doc_url)` from an error body, from the first of these shapes that has them:
/// `{"error": {"code", "message", "doc_url"}}`, `{"error": "message"}`,
/// `{"code", "message", "doc_url"}` (also `detail`/`title` for RFC 7807 problem details).
fn parse_error_body(body: &str) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(top)) = serde_json::from_str::<serde_json::Value>(body) else {
        return (None, None, None);
    };
    let mut code = None;
    let mut message = None;
    let mut doc_url = None;
    match top.get("error") {
        Some(serde_json::Value::Object(inner)) => {
            code = text_field(inner, "code");
            message = text_field(inner, "message");
            doc_url = text_field(inner, "doc_url");
        }
        Some(serde_json::Value::String(text)) => message = Some(text.clone()),
        _ => {}
    }
    let code = code.or_else(|| text_field(&top, "code"));
    let message = message
        .or_else(|| text_field(&top, "message"))
        .or_else(|| text_field(&top, "detail"))
        .or_else(|| text_field(&top, "title"));
    let doc_url = doc_url.or_else(|| text_field(&top, "doc_url"));
    (code, message, doc_url)
}

/// A string (or number) field of a JSON object, as text.
fn text_field(object: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<String> {
    match object.get(name)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `" Forbidden"` for 403; empty for statuses without a standard reason phrase.
fn reason_suffix(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default()
}

/// What kind of transport failure a `reqwest::Error` is, in a few words.
fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_connect() {
        "connection failed"
    } else if e.is_builder() {
        "the request could not be built"
    } else if e.is_redirect() {
        "redirect failed"
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read"
    } else {
        "the request failed in transit"
    }
}

/// `"; <note>"`, or nothing.
struct NoteSuffix<'a>(Option<&'a str>);

impl fmt::Display for NoteSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(note) => write!(f, "; {note}"),
            None => Ok(()),
        }
    }
}

/// The start of a response body on one line, or `(empty body)`.
struct BodyExcerpt<'a>(&'a str);

impl fmt::Display for BodyExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_CHARS: usize = 200;
        let mut words = self.0.split_whitespace().peekable();
        if words.peek().is_none() {
            return f.write_str("(empty body)");
        }
        let mut written = 0;
        for (i, word) in words.enumerate() {
            if i > 0 {
                if written >= MAX_CHARS {
                    return f.write_str("…");
                }
                f.write_str(" ")?;
                written += 1;
            }
            for c in word.chars() {
                if written >= MAX_CHARS {
                    return f.write_str("…");
                }
                fmt::Write::write_char(f, c)?;
                written += 1;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const FORBIDDEN: &str = r#"{"error":{"code":"forbidden","message":"Conversions require a Business plan","doc_url":"https://codeqr.io/docs/api-reference/errors#forbidden"}}"#;

    #[test]
    fn parses_the_documented_error_shape() {
        let e = ApiError::from_body(403, FORBIDDEN);
        assert_eq!(e.kind, ApiErrorKind::Forbidden);
        assert_eq!(e.code.as_deref(), Some("forbidden"));
        assert_eq!(
            e.message.as_deref(),
            Some("Conversions require a Business plan")
        );
        assert_eq!(
            e.doc_url.as_deref(),
            Some("https://codeqr.io/docs/api-reference/errors#forbidden")
        );
        assert_eq!(e.body, FORBIDDEN);
        assert_eq!(e.attempts, 1);
        assert_eq!(
            e.to_string(),
            "HTTP 403 Forbidden: Conversions require a Business plan (code: forbidden, docs: https://codeqr.io/docs/api-reference/errors#forbidden)"
        );
    }

    #[test]
    fn display_without_doc_url_and_with_note() {
        let mut e = ApiError::from_body(
            403,
            r#"{"error":{"code":"forbidden","message":"Conversions require a Business plan"}}"#,
        );
        assert_eq!(
            e.to_string(),
            "HTTP 403 Forbidden: Conversions require a Business plan (code: forbidden)"
        );
        e.retry_note = Some("gave up after 3 attempts".into());
        assert_eq!(
            Error::from(e).to_string(),
            "HTTP 403 Forbidden: Conversions require a Business plan (code: forbidden); gave up after 3 attempts"
        );
    }

    #[test]
    fn parsing_is_lenient() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                r#"{"code":"not_found","message":"No such link"}"#,
                Some("not_found"),
                Some("No such link"),
            ),
            (
                r#"{"error":"Unauthorized: bad key"}"#,
                None,
                Some("Unauthorized: bad key"),
            ),
            (r#"{"error":{"code":42}}"#, Some("42"), None),
            (r#"{"error":{"message":null,"code":["x"]}}"#, None, None),
            (
                r#"{"title":"Bad","detail":"Field x is wrong"}"#,
                None,
                Some("Field x is wrong"),
            ),
            (
                r#"{"error":{"code":"x"},"message":"outer"}"#,
                Some("x"),
                Some("outer"),
            ),
            ("<html>502 Bad Gateway</html>", None, None),
            ("", None, None),
            ("[1,2]", None, None),
            ("\"just a string\"", None, None),
            ("{\"error\": {\"code\": \"trunc", None, None),
        ];
        for (body, code, message) in cases {
            let e = ApiError::from_body(400, *body);
            assert_eq!(e.code.as_deref(), *code, "{body}");
            assert_eq!(e.message.as_deref(), *message, "{body}");
            assert_eq!(e.body, *body);
        }
    }

    #[test]
    fn display_falls_back_to_the_body() {
        let e = ApiError::from_body(502, "<html>\n  <h1>502 Bad Gateway</h1>\n</html>");
        assert_eq!(e.kind, ApiErrorKind::BadGateway);
        assert_eq!(
            e.to_string(),
            "HTTP 502 Bad Gateway: <html> <h1>502 Bad Gateway</h1> </html>"
        );
        assert_eq!(
            ApiError::from_body(500, "  ").to_string(),
            "HTTP 500 Internal Server Error: (empty body)"
        );
        assert_eq!(
            ApiError::from_body(499, "").to_string(),
            "HTTP 499: (empty body)"
        );
        let long = "x".repeat(500);
        let shown = ApiError::from_body(500, long).to_string();
        assert!(shown.ends_with('…'));
        assert!(shown.chars().count() < 260);
    }

    #[test]
    fn kinds() {
        let expected = [
            (400, ApiErrorKind::BadRequest),
            (401, ApiErrorKind::Unauthorized),
            (403, ApiErrorKind::Forbidden),
            (404, ApiErrorKind::NotFound),
            (409, ApiErrorKind::Conflict),
            (410, ApiErrorKind::Gone),
            (422, ApiErrorKind::UnprocessableEntity),
            (429, ApiErrorKind::RateLimited),
            (500, ApiErrorKind::InternalServerError),
            (502, ApiErrorKind::BadGateway),
            (503, ApiErrorKind::ServiceUnavailable),
            (504, ApiErrorKind::GatewayTimeout),
            (418, ApiErrorKind::Other),
            (0, ApiErrorKind::Other),
        ];
        for (status, kind) in expected {
            assert_eq!(ApiErrorKind::from_status(status), kind, "{status}");
        }
    }

    #[test]
    fn error_accessors() {
        let mut api = ApiError::from_body(429, "{}");
        api.attempts = 3;
        api.retry_note = Some("gave up after 3 attempts".into());
        let e = Error::from(api);
        assert_eq!(e.status(), Some(429));
        assert_eq!(e.attempts(), Some(3));
        assert_eq!(e.retry_note(), Some("gave up after 3 attempts"));
        assert!(e.is_retryable());
        assert!(e.api_error().is_some());
        assert!(e.validation_error().is_none());
        assert_eq!(e.body(), Some("{}"));
        assert_eq!(
            e.to_string(),
            "HTTP 429 Too Many Requests: {}; gave up after 3 attempts"
        );

        let e = Error::from(ApiError::from_body(404, "{}"));
        assert!(!e.is_retryable());

        let mut v = crate::validation::Validator::new();
        v.required(&crate::validation::FieldPath::root().field("amount"));
        let e = Error::from(v.finish().unwrap_err());
        assert_eq!(e.status(), None);
        assert_eq!(e.attempts(), None);
        assert!(e.validation_error().is_some());
        assert!(!e.is_retryable());
        assert_eq!(
            e.to_string(),
            "request is invalid (1 violation): amount: is required but was not set"
        );
    }

    #[test]
    fn other_displays() {
        let e = Error::UnexpectedStatus {
            status: 418,
            operation_id: "trackSale",
            body: "short and stout".into(),
            attempts: 1,
            retry_note: None,
            retry_after: None,
        };
        assert_eq!(
            e.to_string(),
            "HTTP 418 I'm a teapot (status not documented for trackSale): short and stout"
        );
        assert_eq!(e.status(), Some(418));

        let e = Error::UnexpectedStatus {
            status: 503,
            operation_id: "trackSale",
            body: String::new(),
            attempts: 1,
            retry_note: Some("not retried: POST /track/sale is not idempotent and the request carries no invoiceId (its idempotency key)".into()),
            retry_after: Some(std::time::Duration::from_secs(30)),
        };
        assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(30)));
        assert_eq!(
            e.to_string(),
            "HTTP 503 Service Unavailable (status not documented for trackSale): (empty body); not retried: POST /track/sale is not idempotent and the request carries no invoiceId (its idempotency key)"
        );
        assert!(e.is_retryable());

        let e = Error::Timeout {
            timeout: Duration::from_secs(60),
            attempts: 3,
            retry_note: Some("gave up after 3 attempts".into()),
        };
        assert_eq!(
            e.to_string(),
            "request timed out: no response within 60s; gave up after 3 attempts"
        );
        assert_eq!(e.attempts(), Some(3));
        assert!(e.is_retryable());

        let source = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        let e = Error::Decode {
            status: 200,
            body: "\"x\"".into(),
            source,
        };
        assert_eq!(
            e.to_string(),
            "HTTP 200 response body does not match the documented type"
        );
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(e.body(), Some("\"x\""));

        let e = Error::Config("no API key".into());
        assert_eq!(e.to_string(), "invalid client configuration: no API key");
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
        check::<ApiError>();
    }
}

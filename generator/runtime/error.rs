// The SDK's one error type, `Error`, and `ApiError`/`ApiErrorKind` for the error responses the
// API documents. Error bodies are read leniently, in the layout the spec documents for the status
// (`ErrorFormat`): parsing one never fails, the raw body, the headers and the request id are
// always kept, and nothing is read from a body whose layout the spec does not give. The API key
// never enters an error.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

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
        /// The response's headers.
        headers: Box<HeaderMap>,
        /// The response's request id (see [`Error::request_id`]).
        request_id: Option<String>,
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
        /// The response's headers.
        headers: Box<HeaderMap>,
        /// The response's request id (see [`Error::request_id`]).
        request_id: Option<String>,
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

    /// A server-sent event whose data does not decode into the documented type: an item of
    /// the event stream, which goes on after it.
    #[error("the {} event does not match the documented type: {source}", .event.as_deref().unwrap_or("message"))]
    Event {
        /// The event's type (`event:`), if it had one.
        event: Option<String>,
        /// The event's data, as it came.
        data: String,
        /// Why it does not decode.
        source: serde_json::Error,
    },

    /// Paging through a list could not go on: the server gave a next-page cursor it had given
    /// before (following it would loop forever), or a next-page URL outside the base URL.
    #[error("cannot page through {operation_id}: {message}")]
    Pagination {
        /// The list operation's `operationId`.
        operation_id: &'static str,
        /// What went wrong.
        message: String,
    },

    /// No OAuth 2 access token could be had with the client credentials: the token endpoint
    /// could not be reached, refused them, or answered something else than a token. Nothing
    /// was sent to the API.
    #[error("could not get an OAuth 2 access token: {message}")]
    Auth {
        /// What went wrong (never the credentials or a token).
        message: String,
        /// The token endpoint's status, if it answered.
        status: Option<u16>,
        /// The token endpoint's error body, if it answered with an error.
        body: Option<String>,
    },

    /// A middleware added with `ClientBuilder::middleware` failed the request itself (its own
    /// error, not an HTTP failure it passed on); not retried.
    #[cfg(feature = "middleware")]
    #[error("a middleware failed the request: {source}")]
    Middleware {
        /// The middleware's error.
        source: reqwest_middleware::Error,
        /// How many requests were sent in total, this one included.
        attempts: u32,
    },
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
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { status, .. } => *status,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
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
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { .. } => None,
            #[cfg(feature = "middleware")]
            Error::Middleware { attempts, .. } => Some(*attempts),
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
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { .. } => None,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
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
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => false,
            Error::Auth { .. } => false,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => false,
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
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { .. } => None,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
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

    /// The response's headers, when there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedStatus { headers, .. } | Error::Decode { headers, .. } => {
                Some(headers)
            }
            Error::Validation(_)
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Encode { .. }
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { .. } => None,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
        }
    }

    /// The id the server gave the request, when there was a response carrying one: the
    /// response header set with `ClientBuilder::request_id_header`, or else one the spec
    /// documents whose name ends in `request-id`, or else `x-request-id`. Quote it when
    /// reporting a problem to the API's provider.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::UnexpectedStatus { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            Error::Validation(_)
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Encode { .. }
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { .. } => None,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
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
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::Event { .. } => None,
            Error::Auth { body, .. } => body.as_deref(),
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
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

/// The layout of an error body, as the spec documents it for one status of one operation: what
/// [`ApiError`]'s `code`, `message`, `doc_url` and `problem` are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFormat {
    /// `{"error": {"code", "message", "doc_url"}}`, or `{"error": "message"}`.
    Nested,
    /// `{"code", "message", "doc_url" or "documentation_url"}` at the top level.
    Flat,
    /// RFC 9457 (formerly 7807) problem details: `type`, `title`, `status`, `detail`, `instance`.
    /// A response whose `Content-Type` is `application/problem+json` is read this way whatever
    /// the spec says.
    Problem,
    /// No schema, or one of another shape: only the raw body is kept (use
    /// [`ApiError::body_as`] with the type the operation's docs name).
    Opaque,
}

/// RFC 9457 problem details (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ProblemDetails {
    /// `type`: a URI naming the kind of problem (`about:blank` when the status says it all).
    pub problem_type: Option<String>,
    /// `title`: a short summary of the kind of problem.
    pub title: Option<String>,
    /// `status`: the HTTP status the server meant.
    pub status: Option<u16>,
    /// `detail`: what went wrong with this request.
    pub detail: Option<String>,
    /// `instance`: a URI naming this occurrence.
    pub instance: Option<String>,
}

/// An error response the API documents for the operation.
///
/// Displays as `HTTP 403 Forbidden: <message> (code: forbidden, docs: <doc_url>)`, followed by
/// the retry note if there is one. `code`, `message` and `doc_url` are read only from a body laid
/// out as the spec documents for the status ([`ErrorFormat`]); the raw body is always kept, and
/// [`ApiError::body_as`] decodes it into the documented type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The kind of `status`.
    pub kind: ApiErrorKind,
    /// The API's error code (`{"error": {"code": ...}}` or `{"code": ...}`), if the documented
    /// layout has one and the body gave it.
    pub code: Option<String>,
    /// The API's explanation (`{"error": {"message": ...}}`, `{"error": "..."}`,
    /// `{"message": ...}`, or a problem's `detail`, else its `title`), if readable.
    pub message: Option<String>,
    /// A link to documentation about the error (`doc_url`, `documentation_url`, or a problem's
    /// `type` when it is an `http(s)` URL), if given.
    pub doc_url: Option<String>,
    /// The problem details, when the body is `application/problem+json` or documented as such.
    pub problem: Option<ProblemDetails>,
    /// The raw response body, always kept.
    pub body: String,
    /// The response's headers.
    pub headers: HeaderMap,
    /// The response's request id (see [`Error::request_id`]).
    pub request_id: Option<String>,
    /// How long the server asked to wait before trying again (`Retry-After`), if it said.
    pub retry_after: Option<Duration>,
    /// How many requests were sent in total.
    pub attempts: u32,
    /// Why the request was not retried, or `gave up after N attempts`.
    pub retry_note: Option<String>,
}

impl ApiError {
    /// Reads an error response body leniently, trying every layout [`ErrorFormat`] knows (for
    /// tests and mocks; the SDK reads each response in the layout its spec documents): any JSON
    /// shape (or none) is accepted; fields that cannot be found are `None`, and the raw body is
    /// kept. `attempts` is 1, with no headers, `retry_after` or `retry_note`.
    pub fn from_body(status: u16, body: impl Into<String>) -> Self {
        let body = body.into();
        let read = read_any(&body);
        ApiError::with_fields(status, body, read)
    }

    /// Reads `body` in the layout `format` (problem details when `content_type` says so).
    pub(crate) fn read(
        status: u16,
        body: String,
        format: ErrorFormat,
        content_type: Option<&str>,
    ) -> Self {
        let format = if content_type.is_some_and(is_problem_json) {
            ErrorFormat::Problem
        } else {
            format
        };
        let read = match serde_json::from_str::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(top)) => match format {
                ErrorFormat::Nested => read_nested(&top),
                ErrorFormat::Flat => read_flat(&top),
                ErrorFormat::Problem => read_problem(&top),
                ErrorFormat::Opaque => Fields::default(),
            },
            _ => Fields::default(),
        };
        ApiError::with_fields(status, body, read)
    }

    fn with_fields(status: u16, body: String, read: Fields) -> Self {
        ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            code: read.code,
            message: read.message,
            doc_url: read.doc_url,
            problem: read.problem,
            body,
            headers: HeaderMap::new(),
            request_id: None,
            retry_after: None,
            attempts: 1,
            retry_note: None,
        }
    }

    /// The body decoded into `T`: the type the operation's docs name for this status (the
    /// schema the spec gives it), or any other that fits. Fails with [`Error::Decode`] when the
    /// body does not decode.
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let json = if self.body.trim().is_empty() {
            "null"
        } else {
            &self.body
        };
        serde_json::from_str(json).map_err(|source| Error::Decode {
            status: self.status,
            body: self.body.clone(),
            source,
            headers: Box::new(self.headers.clone()),
            request_id: self.request_id.clone(),
        })
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

/// What an error body says, in the fields `ApiError` shows.
#[derive(Default)]
struct Fields {
    code: Option<String>,
    message: Option<String>,
    doc_url: Option<String>,
    problem: Option<ProblemDetails>,
}

type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Whether a `Content-Type` is `application/problem+json` (parameters and case aside).
fn is_problem_json(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|media| {
        media
            .trim()
            .eq_ignore_ascii_case("application/problem+json")
    })
}

/// `{"error": {"code", "message", "doc_url"}}` or `{"error": "message"}`.
fn read_nested(top: &JsonObject) -> Fields {
    match top.get("error") {
        Some(serde_json::Value::Object(inner)) => Fields {
            code: text_field(inner, "code"),
            message: text_field(inner, "message"),
            doc_url: text_field(inner, "doc_url")
                .or_else(|| text_field(inner, "documentation_url")),
            problem: None,
        },
        Some(serde_json::Value::String(text)) => Fields {
            message: Some(text.clone()),
            ..Fields::default()
        },
        _ => Fields::default(),
    }
}

/// `{"code", "message", "doc_url"}` at the top level.
fn read_flat(top: &JsonObject) -> Fields {
    Fields {
        code: text_field(top, "code"),
        message: text_field(top, "message"),
        doc_url: text_field(top, "doc_url").or_else(|| text_field(top, "documentation_url")),
        problem: None,
    }
}

/// RFC 9457 problem details.
fn read_problem(top: &JsonObject) -> Fields {
    let problem = ProblemDetails {
        problem_type: text_field(top, "type"),
        title: text_field(top, "title"),
        status: top
            .get("status")
            .and_then(serde_json::Value::as_u64)
            .and_then(|status| u16::try_from(status).ok()),
        detail: text_field(top, "detail"),
        instance: text_field(top, "instance"),
    };
    let doc_url = problem
        .problem_type
        .clone()
        .filter(|uri| uri.starts_with("https://") || uri.starts_with("http://"));
    Fields {
        code: None,
        message: problem.detail.clone().or_else(|| problem.title.clone()),
        doc_url,
        problem: Some(problem),
    }
}

/// The first layout that gives something: nested, flat (`message` or `code`), problem details
/// (`title` or `detail`).
fn read_any(body: &str) -> Fields {
    let Ok(serde_json::Value::Object(top)) = serde_json::from_str::<serde_json::Value>(body) else {
        return Fields::default();
    };
    let nested = read_nested(&top);
    if nested.code.is_some() || nested.message.is_some() || nested.doc_url.is_some() {
        let flat = read_flat(&top);
        return Fields {
            code: nested.code.or(flat.code),
            message: nested.message.or(flat.message),
            doc_url: nested.doc_url.or(flat.doc_url),
            problem: None,
        };
    }
    let flat = read_flat(&top);
    if flat.code.is_some() || flat.message.is_some() {
        return flat;
    }
    if top.contains_key("title") || top.contains_key("detail") {
        return read_problem(&top);
    }
    flat
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
            headers: Box::default(),
            request_id: None,
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
            headers: Box::default(),
            request_id: Some("req_9".into()),
        };
        assert_eq!(e.request_id(), Some("req_9"));
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
            headers: Box::default(),
            request_id: None,
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
    fn body_as_decodes_the_documented_type() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Details {
            code: String,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Documented {
            error: Details,
        }
        let mut api = ApiError::from_body(403, FORBIDDEN);
        api.request_id = Some("req_7".into());
        let documented: Documented = api.body_as().unwrap();
        assert_eq!(documented.error.code, "forbidden");
        let e = api.body_as::<Vec<u32>>().unwrap_err();
        assert!(matches!(e, Error::Decode { status: 403, .. }), "{e:?}");
        assert_eq!(e.body(), Some(FORBIDDEN));
        assert_eq!(e.request_id(), Some("req_7"));
        // An empty body reads as `null`.
        let empty = ApiError::from_body(404, " ");
        assert_eq!(empty.body_as::<Option<Documented>>().unwrap(), None);
    }

    #[test]
    fn error_stays_small() {
        // clippy's `result_large_err` flags results whose error is 128 bytes or more: every
        // operation returns one.
        assert!(
            std::mem::size_of::<Error>() < 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
        check::<ApiError>();
    }
}

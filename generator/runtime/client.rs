// The HTTP client: `Client` and `ClientBuilder` (configuration; the API key is kept only as a
// sensitive header value and redacted in every `Debug`), the descriptions generated code hands
// over (`SdkInfo`, `OperationInfo`, `Auth`, `PreparedRequest`), and `Client::execute`, which sends
// a request, retries what is safe to retry, and turns the response into a value or an `Error`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderValue};

use crate::error::{ApiError, Error};
use crate::retry::{Failure, RetryPolicy, Verdict};

/// Per-attempt timeout, unless the client says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What the runtime needs to know about the SDK crate it is part of.
#[allow(unreachable_pub)] // named by generated code (`crate::SDK_INFO`), not by users
#[derive(Debug, Clone, Copy)]
pub struct SdkInfo {
    /// The API's base URL when none is configured.
    pub default_base_url: &'static str,
    /// The environment variable `Client::from_env` reads the API key from.
    pub api_key_env: &'static str,
    /// The environment variable `Client::from_env` reads an optional base URL from.
    pub base_url_env: &'static str,
    /// The `User-Agent` header sent with every request.
    pub user_agent: &'static str,
}

/// How an operation authenticates.
#[allow(unreachable_pub, dead_code)] // named by generated code, which may use only one variant
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No credentials are sent.
    None,
    /// `Authorization: Bearer <API key>`.
    Bearer,
}

/// The fixed facts of one operation, generated from the API description.
#[allow(unreachable_pub)] // named by generated code, not by users
#[derive(Debug)]
pub struct OperationInfo {
    /// The `operationId`, e.g. `trackSale`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path as written in the description, e.g. `/track/sale` (used in messages).
    pub path_template: &'static str,
    /// Whether the method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE).
    pub idempotent: bool,
    /// The wire name of the body field that makes repeating the request harmless, if any.
    pub idempotency_key: Option<&'static str>,
    /// The documented success statuses.
    pub success_statuses: &'static [u16],
    /// The documented error statuses.
    pub documented_errors: &'static [u16],
    /// How the operation authenticates.
    pub auth: Auth,
}

/// One request, ready to send (already validated and serialized).
#[allow(unreachable_pub)] // built by generated code, not by users
#[derive(Debug, Default)]
pub struct PreparedRequest {
    /// The expanded, percent-encoded path, starting with `/`.
    pub path: String,
    /// Query parameters, already rendered as text.
    pub query: Vec<(&'static str, String)>,
    /// The JSON body, if any.
    pub json_body: Option<Vec<u8>>,
    /// Whether the body carries the operation's idempotency key (so retrying it is harmless).
    pub carries_idempotency_key: bool,
}

/// Serializes a request body; used by generated operations.
pub(crate) fn encode_json<T: serde::Serialize + ?Sized>(body: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|source| Error::Encode { source })
}

/// Characters left as they are in a path segment: RFC 3986 `unreserved`. Everything else,
/// `/`, `?`, `#` and `%` included, is percent-encoded so a parameter stays one segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path parameter; used by generated operations.
#[allow(dead_code)] // only operations with path parameters call it
pub(crate) fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// A client for the API. Cheap to clone: clones share one connection pool.
///
/// Build one with [`Client::builder`] or [`Client::from_env`]. The API key is never shown by
/// `Debug` and never appears in an error.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// `Bearer <API key>`, marked sensitive. The key is kept nowhere else.
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"[redacted]")
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.retry.max_retries)
            .field("initial_backoff", &self.inner.retry.initial_backoff)
            .finish_non_exhaustive()
    }
}

/// Reads an environment variable without ever echoing its value.
fn env_var(name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::Config(format!(
            "the environment variable {name} is not valid Unicode"
        ))),
    }
}

impl Client {
    /// A builder with the defaults: the API's production base URL, a 60 s timeout per attempt,
    /// 2 retries starting at 500 ms. An API key must be set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the API key from the SDK's API-key environment variable (required) and the
    /// base URL from its base-URL environment variable (optional), other settings at defaults.
    pub fn from_env() -> Result<Client, Error> {
        let info = crate::SDK_INFO;
        let api_key = env_var(info.api_key_env)?
            .filter(|key| !key.trim().is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "no API key: the environment variable {} is not set or empty",
                    info.api_key_env
                ))
            })?;
        let mut builder = Client::builder().api_key(api_key);
        if let Some(base_url) = env_var(info.base_url_env)? {
            if !base_url.trim().is_empty() {
                builder = builder.base_url(base_url);
            }
        }
        builder.build()
    }

    /// The base URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The timeout of each attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// How many extra attempts a failed request may get.
    pub fn max_retries(&self) -> u32 {
        self.inner.retry.max_retries
    }

    /// Sends `request` for `op`, retrying what is safe to retry, and decodes the response.
    ///
    /// A documented or other 2xx status decodes the body into `T` (an empty body reads as JSON
    /// `null`). A documented error status gives [`Error::Api`], any other status
    /// [`Error::UnexpectedStatus`].
    pub(crate) async fn execute<T: serde::de::DeserializeOwned>(
        &self,
        op: &'static OperationInfo,
        request: PreparedRequest,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let url = inner.url(&request)?;
        let mut attempts: u32 = 0;
        loop {
            attempts = attempts.saturating_add(1);
            let verdict = match inner.send_once(op, &request, &url).await {
                Ok(response) if is_success(op, response.status) => {
                    return decode(response.status, response.body);
                }
                Ok(response) => {
                    let failure = Failure::Status(response.status);
                    match inner.retry.decide(
                        op,
                        request.carries_idempotency_key,
                        failure,
                        attempts,
                        response.retry_after,
                    ) {
                        Verdict::Stop(note) => {
                            return Err(status_error(op, response, attempts, note));
                        }
                        retry => retry,
                    }
                }
                Err(error) => {
                    let failure = if error.is_timeout() {
                        Failure::Timeout
                    } else if error.is_builder() || error.is_redirect() {
                        Failure::Other
                    } else {
                        Failure::Connection
                    };
                    match inner.retry.decide(
                        op,
                        request.carries_idempotency_key,
                        failure,
                        attempts,
                        None,
                    ) {
                        Verdict::Stop(retry_note) if failure == Failure::Timeout => {
                            return Err(Error::Timeout {
                                timeout: inner.timeout,
                                attempts,
                                retry_note,
                            });
                        }
                        Verdict::Stop(retry_note) => {
                            return Err(Error::Transport {
                                source: error,
                                attempts,
                                retry_note,
                            });
                        }
                        retry => retry,
                    }
                }
            };
            if let Verdict::Retry(delay) = verdict {
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// One response, read in full.
struct RawResponse {
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl Inner {
    /// `base_url` + `path`, with the query appended.
    fn url(&self, request: &PreparedRequest) -> Result<reqwest::Url, Error> {
        let slash = if request.path.starts_with('/') {
            ""
        } else {
            "/"
        };
        let text = format!("{}{slash}{}", self.base_url, request.path);
        let mut url = reqwest::Url::parse(&text)
            .map_err(|e| Error::Config(format!("cannot build a request URL from {text:?}: {e}")))?;
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Sends one attempt and reads the whole response.
    async fn send_once(
        &self,
        op: &OperationInfo,
        request: &PreparedRequest,
        url: &reqwest::Url,
    ) -> Result<RawResponse, reqwest::Error> {
        let mut builder = self
            .http
            .request(op.method.clone(), url.clone())
            .timeout(self.timeout)
            .header(header::USER_AGENT, self.user_agent.clone())
            .header(header::ACCEPT, HeaderValue::from_static("application/json"));
        if op.auth == Auth::Bearer {
            builder = builder.header(header::AUTHORIZATION, self.authorization.clone());
        }
        if let Some(body) = &request.json_body {
            builder = builder
                .header(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(body.clone());
        }
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let retry_after = crate::retry::retry_after(response.headers());
        let body = Vec::from(response.bytes().await?);
        Ok(RawResponse {
            status,
            retry_after,
            body,
        })
    }
}

/// A documented success status, or any 2xx (read leniently: the request did succeed).
fn is_success(op: &OperationInfo, status: u16) -> bool {
    op.success_statuses.contains(&status) || (200..300).contains(&status)
}

/// Decodes a success body; an empty body reads as `null`.
fn decode<T: serde::de::DeserializeOwned>(status: u16, body: Vec<u8>) -> Result<T, Error> {
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &body
    };
    serde_json::from_slice(json).map_err(|source| Error::Decode {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
        source,
    })
}

/// The error for a final non-success response.
fn status_error(
    op: &OperationInfo,
    response: RawResponse,
    attempts: u32,
    retry_note: Option<String>,
) -> Error {
    let body = match String::from_utf8(response.body) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if op.documented_errors.contains(&response.status) {
        let mut api = ApiError::from_body(response.status, body);
        api.retry_after = response.retry_after;
        api.attempts = attempts;
        api.retry_note = retry_note;
        Error::Api(Box::new(api))
    } else {
        Error::UnexpectedStatus {
            status: response.status,
            operation_id: op.operation_id,
            body,
            attempts,
            retry_note,
        }
    }
}

/// Configures and builds a [`Client`]. The API key is never shown by `Debug`.
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Duration,
    max_retries: u32,
    initial_backoff: Duration,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            max_retries: crate::retry::DEFAULT_MAX_RETRIES,
            initial_backoff: crate::retry::DEFAULT_INITIAL_BACKOFF,
            http_client: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .unwrap_or(crate::SDK_INFO.default_base_url),
            )
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("initial_backoff", &self.initial_backoff)
            .field("custom_http_client", &self.http_client.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>` (surrounding whitespace is ignored).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL to send requests to (e.g. a staging server or a local mock), instead of the
    /// API's production URL. A path prefix is kept; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The timeout of each attempt, from connecting to reading the whole response (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many extra attempts a failed request may get, when retrying it is safe (default 2;
    /// 0 disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first retry, doubled for each later one (capped at 8 s) and
    /// jittered (default 500 ms). A `Retry-After` header from the server takes precedence.
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sends requests through this `reqwest::Client` (for proxies, custom TLS, connection
    /// settings...). The timeout set here still applies to each attempt.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client. Fails with [`Error::Config`] when no API key is set, the key cannot be
    /// sent in a header, the base URL is not an `http(s)` URL, or the timeout is zero.
    pub fn build(self) -> Result<Client, Error> {
        let info = crate::SDK_INFO;
        let api_key = self
            .api_key
            .as_deref()
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "no API key: pass one to ClientBuilder::api_key, or set {} and use Client::from_env",
                    info.api_key_env
                ))
            })?;
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {api_key}")).map_err(|_| {
                Error::Config(String::from(
                    "the API key contains characters that cannot be sent in an HTTP header",
                ))
            })?;
        authorization.set_sensitive(true);
        let user_agent = HeaderValue::try_from(info.user_agent)
            .map_err(|_| Error::Config(format!("invalid User-Agent {:?}", info.user_agent)))?;
        let base_url =
            normalize_base_url(self.base_url.as_deref().unwrap_or(info.default_base_url))?;
        if self.timeout.is_zero() {
            return Err(Error::Config(String::from(
                "the timeout must be longer than zero",
            )));
        }
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| Error::Config(format!("cannot create the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization,
                user_agent,
                timeout: self.timeout,
                retry: RetryPolicy {
                    max_retries: self.max_retries,
                    initial_backoff: self.initial_backoff,
                },
            }),
        })
    }
}

/// Checks a base URL (`http` or `https`, with a host, no query or fragment) and drops any
/// trailing `/`.
fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let raw = raw.trim();
    let url = reqwest::Url::parse(raw)
        .map_err(|e| Error::Config(format!("the base URL {raw:?} is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(Error::Config(format!(
            "the base URL {raw:?} must be an http:// or https:// URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the base URL {raw:?} must not have a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {

    #[test]
    fn path_segments_stay_one_segment() {
        assert_eq!(super::encode_path_segment("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
        assert_eq!(super::encode_path_segment("lnk_1.2-3~x"), "lnk_1.2-3~x");
        assert_eq!(super::encode_path_segment("é"), "%C3%A9");
    }
    use super::*;

    const KEY: &str = "cq_live_s3cr3t_KEY_0123456789";

    static OP: OperationInfo = OperationInfo {
        operation_id: "trackSale",
        method: reqwest::Method::POST,
        path_template: "/track/sale",
        idempotent: false,
        idempotency_key: Some("invoiceId"),
        success_statuses: &[200],
        documented_errors: &[400, 403, 429, 500],
        auth: Auth::Bearer,
    };

    #[test]
    fn defaults() {
        let client = Client::builder().api_key(KEY).build().unwrap();
        assert_eq!(
            client.base_url(),
            crate::SDK_INFO.default_base_url.trim_end_matches('/')
        );
        assert_eq!(client.timeout(), Duration::from_secs(60));
        assert_eq!(client.max_retries(), 2);
        assert_eq!(
            client.inner.retry.initial_backoff,
            Duration::from_millis(500)
        );
    }

    #[test]
    fn debug_redacts_the_api_key() {
        let builder = Client::builder()
            .api_key(KEY)
            .base_url("http://localhost:8080/");
        let shown = format!("{builder:?} {builder:#?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");

        let client = builder.build().unwrap();
        let shown = format!("{client:?} {client:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains(r#"api_key: "[redacted]""#), "{shown}");
        assert!(shown.contains("http://localhost:8080"), "{shown}");
        assert!(client.inner.authorization.is_sensitive());
        assert_eq!(format!("{:?}", client.inner.authorization), "Sensitive");

        let unset = format!("{:?}", Client::builder());
        assert!(unset.contains("api_key: None"), "{unset}");
    }

    #[test]
    fn config_errors() {
        let no_key = Client::builder().build().unwrap_err();
        assert!(matches!(no_key, Error::Config(_)));
        assert!(
            no_key.to_string().contains(crate::SDK_INFO.api_key_env),
            "{no_key}"
        );
        assert!(matches!(
            Client::builder().api_key("  ").build(),
            Err(Error::Config(_))
        ));

        let bad_key = Client::builder()
            .api_key("line1\nline2secret")
            .build()
            .unwrap_err();
        assert!(!bad_key.to_string().contains("secret"), "{bad_key}");
        assert!(!format!("{bad_key:?}").contains("secret"));

        for url in [
            "not a url",
            "ftp://example.com",
            "http://example.com/?x=1",
            "mailto:a@b.c",
        ] {
            let e = Client::builder()
                .api_key(KEY)
                .base_url(url)
                .build()
                .unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{url}: {e}");
            assert!(!e.to_string().contains(KEY));
        }
        let e = Client::builder()
            .api_key(KEY)
            .timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)));
    }

    #[test]
    fn base_url_is_normalized() {
        let client = Client::builder()
            .api_key(KEY)
            .base_url(" https://example.com/v1/ ")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://example.com/v1");
        let request = PreparedRequest {
            path: "/track/sale".into(),
            query: vec![("a", "x y".into()), ("b", "1&2".into())],
            ..PreparedRequest::default()
        };
        assert_eq!(
            client.inner.url(&request).unwrap().as_str(),
            "https://example.com/v1/track/sale?a=x+y&b=1%262"
        );
        let bare = PreparedRequest {
            path: "ping".into(),
            ..PreparedRequest::default()
        };
        assert_eq!(
            client.inner.url(&bare).unwrap().as_str(),
            "https://example.com/v1/ping"
        );
    }

    #[test]
    fn success_and_decoding() {
        assert!(is_success(&OP, 200));
        assert!(is_success(&OP, 204));
        assert!(!is_success(&OP, 400));
        assert!(!is_success(&OP, 302));

        let unit: () = decode(204, Vec::new()).unwrap();
        assert_eq!(unit, ());
        let none: Option<u32> = decode(200, b" \n".to_vec()).unwrap();
        assert_eq!(none, None);
        let value: serde_json::Value = decode(200, br#"{"a":1}"#.to_vec()).unwrap();
        assert_eq!(value["a"], 1);
        let e = decode::<u32>(200, b"{not json".to_vec()).unwrap_err();
        match e {
            Error::Decode { status, body, .. } => {
                assert_eq!(status, 200);
                assert_eq!(body, "{not json");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn status_errors() {
        let response = RawResponse {
            status: 429,
            retry_after: Some(Duration::from_secs(2)),
            body: br#"{"error":{"code":"rate_limit_exceeded","message":"Slow down"}}"#.to_vec(),
        };
        let e = status_error(&OP, response, 3, Some("gave up after 3 attempts".into()));
        let api = e.api_error().unwrap();
        assert_eq!(api.retry_after, Some(Duration::from_secs(2)));
        assert_eq!(api.attempts, 3);
        assert_eq!(
            e.to_string(),
            "HTTP 429 Too Many Requests: Slow down (code: rate_limit_exceeded); gave up after 3 attempts"
        );

        let response = RawResponse {
            status: 418,
            retry_after: None,
            body: vec![0xff, b'x'],
        };
        match status_error(&OP, response, 1, None) {
            Error::UnexpectedStatus {
                status,
                operation_id,
                body,
                attempts,
                retry_note,
            } => {
                assert_eq!((status, operation_id, attempts), (418, "trackSale", 1));
                assert_eq!(body, "\u{fffd}x");
                assert_eq!(retry_note, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn client_is_send_sync() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
        check::<ClientBuilder>();
    }
}

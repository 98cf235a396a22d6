// The HTTP client: `Client` and `ClientBuilder` (configuration; credentials are kept only as
// sensitive values and redacted in every `Debug`), the descriptions generated code hands over
// (`SdkInfo`, `OperationInfo`, `Auth`, `PreparedRequest`, `RequestBody`), `FileUpload` for
// multipart and binary bodies, and `Call`, what an operation method returns: awaited, it sends the
// request, retries what is safe to retry, and turns the response into a value or an `Error`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::auth::{Credential, Credentials, Given, GivenCredentials, Secret, SecurityScheme};
use crate::error::{ApiError, Error, ErrorFormat};
use crate::retry::{Failure, RetryPolicy, Verdict};
use crate::validation::{Rule, ValidationError, Violation};

/// Per-attempt timeout, unless the client says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Most redirects followed for one attempt (all within the base URL's origin).
const MAX_REDIRECTS: usize = 10;

/// What the runtime needs to know about the SDK crate it is part of.
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
    /// Whether every operation needs credentials: then `ClientBuilder::build` wants some.
    pub requires_credentials: bool,
    /// The API's security schemes that operations use.
    pub security_schemes: &'static [SecurityScheme],
    /// The response headers the spec documents whose names end in `request-id` (lower case), in
    /// the order they are looked for; `x-request-id` is looked for after them.
    pub request_id_headers: &'static [&'static str],
}

/// The fixed facts of one operation, generated from the API description.
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
    /// The header parameter that carries an idempotency key (`Idempotency-Key`), if the
    /// operation has one: a call that sets none gets a generated one, the same on every
    /// attempt, and is then retried as safely as an idempotent request.
    pub idempotency_header: Option<&'static str>,
    /// The documented success statuses.
    pub success_statuses: &'static [u16],
    /// The documented error statuses.
    pub documented_errors: &'static [u16],
    /// The layout of their documented bodies, but for those in `error_formats`. (Two fields
    /// rather than a pair per status: most operations document one layout, and this costs
    /// GitHub's crate 4 MB less to compile than a path per status.)
    pub error_format: ErrorFormat,
    /// The statuses whose body has another layout than `error_format`.
    pub error_formats: &'static [(u16, ErrorFormat)],
    /// The operation's security requirements, in the description's order: each the names of
    /// the schemes sent together (an empty one allows an anonymous call). The first whose
    /// schemes all have a credential is used; none at all, no credentials are sent.
    pub auth: &'static [&'static [&'static str]],
}

/// One request, ready to send (already validated and serialized).
#[derive(Debug, Default, Clone)]
pub struct PreparedRequest {
    /// The expanded, percent-encoded path, starting with `/`.
    pub path: String,
    /// Query parameters, rendered as text but not percent-encoded (names like `filter[status]`).
    pub query: Vec<(String, String)>,
    /// Header parameters, rendered as text.
    pub headers: Vec<(&'static str, String)>,
    /// Cookie parameters, rendered as text; sent as one `Cookie` header.
    pub cookies: Vec<(&'static str, String)>,
    /// The body.
    pub body: RequestBody,
    /// Whether the body carries the operation's idempotency key (so retrying it is harmless).
    pub carries_idempotency_key: bool,
    /// What the caller set on this call ([`Call::timeout`], [`Call::max_retries`],
    /// [`Call::header`]), over the client's settings.
    pub options: CallOptions,
}

/// Settings of one call that override the client's.
#[derive(Debug, Default, Clone)]
pub struct CallOptions {
    /// The timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Extra attempts allowed after the first.
    pub max_retries: Option<u32>,
    /// Headers sent on every attempt, after (and over) the SDK's own.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The success body is read as a stream (`.stream()`), not whole: the timeout then bounds
    /// the wait for the response's headers, and each wait for the body's next chunk, rather
    /// than the whole exchange.
    pub streamed: bool,
}

/// A request body, serialized except for multipart forms (built again for each attempt).
#[derive(Debug, Default, Clone)]
pub enum RequestBody {
    /// No body.
    #[default]
    None,
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`.
    Multipart(Vec<MultipartPart>),
    /// A file with this content type, in memory or read while it is sent.
    File {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The content (boxed: every call's future holds a request body, and a file is large).
        file: Box<FileUpload>,
    },
    /// Raw bytes with this content type (e.g. `application/octet-stream`, `image/png`).
    Bytes {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The body (shared, not copied, by each attempt).
        data: bytes::Bytes,
    },
    /// Text with this content type (e.g. `text/plain`).
    Text {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The body.
        text: String,
    },
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct MultipartPart {
    /// The form field name.
    pub name: String,
    /// The content.
    pub value: PartValue,
}

/// The content of a multipart part.
#[derive(Debug, Clone)]
pub enum PartValue {
    /// A text field.
    Text(String),
    /// A file (sent with a file name and a content type).
    File(FileUpload),
}

/// A file to upload, in a multipart form or as a binary body.
///
/// ```text
/// let file = FileUpload::new(std::fs::read("logo.png")?)
///     .file_name("logo.png")
///     .content_type("image/png");
/// ```
///
/// In a multipart form, a file without a name is sent under its field name, and one without a
/// content type as `application/octet-stream`.
///
/// It (de)serializes as a JSON string of its bytes read as UTF-8 (lossily), so it can sit in
/// types that derive `serde` traits; only multipart and binary bodies really send it.
///
/// Large files need not be in memory: [`FileUpload::from_path`] and
/// [`FileUpload::from_reader`] are read while they are sent, and opened again for each attempt,
/// so a retried upload sends the whole file again.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct FileUpload {
    /// The file name sent with the part, if any.
    pub file_name: Option<String>,
    /// The content type (`image/png`...), if known.
    pub content_type: Option<String>,
    /// The content: shared, not copied, by each attempt that sends it (`Vec<u8>`, `String`,
    /// `&'static [u8]` and `bytes::Bytes` all convert into it). Empty for a streamed upload.
    pub data: bytes::Bytes,
    /// Where a streamed upload is read from, instead of `data`.
    source: Option<crate::streams::Source>,
}

impl FileUpload {
    /// A file with this content, no name and no content type.
    pub fn new(data: impl Into<bytes::Bytes>) -> Self {
        FileUpload {
            file_name: None,
            content_type: None,
            data: data.into(),
            source: None,
        }
    }

    /// The file at `path`, read while it is sent (never whole in memory), and opened again for
    /// each attempt. Its file name is the path's last component. A file that cannot be read
    /// fails the call before anything is sent.
    pub fn from_path(path: impl Into<std::path::PathBuf>) -> Self {
        let path = path.into();
        FileUpload {
            file_name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
            content_type: None,
            data: bytes::Bytes::new(),
            source: Some(crate::streams::Source::Path(path)),
        }
    }

    /// The bytes of the reader `open` gives, read while they are sent. `open` is called again for
    /// each attempt (a retry needs the content from its start), so it opens the source rather
    /// than handing over one reader. Without [`FileUpload::length`] the body is sent chunked.
    pub fn from_reader<F, Fut, R>(open: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<R>> + Send + 'static,
        R: tokio::io::AsyncRead + Send + 'static,
    {
        FileUpload {
            file_name: None,
            content_type: None,
            data: bytes::Bytes::new(),
            source: Some(crate::streams::Source::reader(open)),
        }
    }

    /// The length of a reader's content (see [`FileUpload::from_reader`]), sent as
    /// `Content-Length`.
    pub fn length(mut self, bytes: u64) -> Self {
        if let Some(crate::streams::Source::Reader { length, .. }) = &mut self.source {
            *length = Some(bytes);
        }
        self
    }

    /// Whether the content is read while it is sent (from a path or a reader).
    pub fn is_streamed(&self) -> bool {
        self.source.is_some()
    }

    /// The body to send for one attempt, and its length when known.
    pub(crate) fn body(&self) -> (reqwest::Body, Option<u64>) {
        match &self.source {
            None => (self.data.clone().into(), Some(self.data.len() as u64)),
            Some(source) => source.body(),
        }
    }

    /// Sets the file name.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the content type, e.g. `image/png`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

/// Shows the size of the content, not the content (files can be large).
impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("FileUpload");
        d.field("file_name", &self.file_name)
            .field("content_type", &self.content_type);
        match &self.source {
            None => d.field("data", &format_args!("<{} bytes>", self.data.len())),
            Some(source) => d.field("source", source),
        };
        d.finish()
    }
}

macro_rules! file_upload_from {
    ($($ty:ty),*) => {$(
        impl From<$ty> for FileUpload {
            fn from(data: $ty) -> Self {
                FileUpload::new(data)
            }
        }
    )*};
}
file_upload_from!(bytes::Bytes, Vec<u8>, &'static [u8], String, &'static str);

impl serde::Serialize for FileUpload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.source.is_some() {
            return Err(serde::ser::Error::custom(
                "a file read while it is sent (from a path or a reader) can go in a multipart part or a binary body, not in JSON",
            ));
        }
        serializer.serialize_str(&String::from_utf8_lossy(&self.data))
    }
}

impl<'de> serde::Deserialize<'de> for FileUpload {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(FileUpload::new(text.into_bytes()))
    }
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

/// Characters left as they are in a query name or value: `unreserved`, and `,` (the delimiter
/// of `form` arrays, as the OpenAPI examples show it). A space becomes `%20`, never `+`, which
/// every server reads as a space.
const QUERY_COMPONENT: &percent_encoding::AsciiSet = &PATH_SEGMENT.remove(b',');

/// Characters percent-encoded in a cookie value: those RFC 6265 does not allow in one (controls,
/// space, `"`, `;`, `\`), and `%` so that the encoding can be undone. `,` is kept: it is the
/// delimiter of `form` arrays. Non-ASCII characters are always encoded.
const COOKIE_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Percent-encodes a path parameter; used by generated operations.
pub(crate) fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// A client for the API. Cheap to clone: clones share one connection pool.
///
/// Build one with [`Client::builder`] or [`Client::from_env`]. Credentials are never shown by
/// `Debug` and never appear in an error.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    /// `http` behind the middleware added to the builder, in the order added; `None` when none
    /// were.
    #[cfg(feature = "middleware")]
    middleware: Option<reqwest_middleware::ClientWithMiddleware>,
    base_url: String,
    /// The credential of each security scheme; kept nowhere else.
    credentials: Credentials,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    /// The response headers a request id is read from, the first present wins.
    request_id_headers: Vec<HeaderName>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("credentials", &inner.credentials)
            .field("timeout", &inner.timeout)
            .field("max_retries", &inner.retry.max_retries)
            .field("initial_backoff", &inner.retry.initial_backoff)
            .field("max_retry_after", &inner.retry.max_retry_after)
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

/// The `Accept` header for JSON responses (and the `Content-Type` of JSON bodies).
const APPLICATION_JSON: &str = "application/json";
/// The `Accept` header when the body is returned as bytes or text, or ignored.
const ANY: &str = "*/*";

impl Client {
    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// A decode error given the headers and request id of the response it comes from.
    pub(crate) fn with_response_head(
        &self,
        mut error: Error,
        response_headers: HeaderMap,
    ) -> Error {
        if let Error::Decode {
            headers,
            request_id,
            ..
        } = &mut error
        {
            *request_id = self.inner.request_id(&response_headers);
            **headers = response_headers;
        }
        error
    }

    /// A builder with the defaults: the API's production base URL, a 60 s timeout per attempt,
    /// 2 retries starting at 500 ms.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the API key from the SDK's API-key environment variable (required when the
    /// API takes an API key) and the base URL from its base-URL environment variable
    /// (optional), other settings at defaults.
    pub fn from_env() -> Result<Client, Error> {
        let info = crate::SDK_INFO;
        let api_key = env_var(info.api_key_env)?.filter(|key| !key.trim().is_empty());
        let mut builder = Client::builder();
        match api_key {
            Some(key) => builder = builder.api_key(key),
            None if info.requires_credentials => {
                return Err(Error::Config(format!(
                    "no API key: the environment variable {} is not set or empty",
                    info.api_key_env
                )));
            }
            None => {}
        }
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
}

/// One call of an operation: what an operation method returns. The method has already
/// validated and encoded its input; awaiting the call sends the request, retries what is safe to
/// retry, and decodes the response (or returns the error, validation's included).
///
/// A call owns what it needs (a clone of the [`Client`] shares its connection pool), so it can
/// be stored, moved into a task, or awaited later.
///
/// `P` is what else the call can do: nothing (`()`), or page through a list (a
/// [`PagedCall`](crate::PagedCall), which adds [`Call::pages`] and [`Call::items`]).
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T, P = ()> {
    client: Client,
    op: &'static OperationInfo,
    request: Result<PreparedRequest, Error>,
    /// The `Accept` header.
    accept: &'static str,
    /// Turns a success response (status, body) into the value.
    finish: fn(u16, bytes::Bytes) -> Result<T, Error>,
    paging: P,
}

/// The parts of a call: its client, operation, request, `Accept` header, decoder and `P`.
pub(crate) type CallParts<T, P> = (
    Client,
    &'static OperationInfo,
    Result<PreparedRequest, Error>,
    &'static str,
    fn(u16, bytes::Bytes) -> Result<T, Error>,
    P,
);

impl<T> Call<T> {
    /// A call of `op`, whose request `prepare` validates and encodes now.
    fn new(
        client: &Client,
        op: &'static OperationInfo,
        prepare: impl FnOnce() -> Result<PreparedRequest, Error>,
        accept: &'static str,
        finish: fn(u16, bytes::Bytes) -> Result<T, Error>,
    ) -> Self {
        Call {
            client: client.clone(),
            op,
            request: prepare(),
            accept,
            finish,
            paging: (),
        }
    }

    /// The call of a paginated list operation, whose pages follow each other as `pager` says.
    pub(crate) fn paged<I>(
        self,
        pager: &'static crate::pagination::Pager<T, I>,
    ) -> Call<T, &'static crate::pagination::Pager<T, I>> {
        Call {
            client: self.client,
            op: self.op,
            request: self.request,
            accept: self.accept,
            finish: self.finish,
            paging: pager,
        }
    }
}

impl<T> Call<T> {
    /// The call of an operation that offers an event stream, whose events `events` reads.
    pub(crate) fn events<E>(
        self,
        events: &'static crate::streams::Events<E>,
    ) -> Call<T, &'static crate::streams::Events<E>> {
        let (client, op, request, accept, finish, ()) = self.into_parts();
        Call {
            client,
            op,
            request,
            accept,
            finish,
            paging: events,
        }
    }
}

impl<T, P> Call<T, P> {
    pub(crate) fn into_parts(self) -> CallParts<T, P> {
        (
            self.client,
            self.op,
            self.request,
            self.accept,
            self.finish,
            self.paging,
        )
    }
}

/// Per-call options: each applies to this call only, over the client's setting.
impl<T, P> Call<T, P> {
    /// The timeout of each attempt of this call, instead of the client's
    /// ([`ClientBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if let Ok(request) = &mut self.request {
            request.options.timeout = Some(timeout);
        }
        self
    }

    /// How many extra attempts this call may get when retrying is safe, instead of the
    /// client's ([`ClientBuilder::max_retries`]); 0 sends it once.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        if let Ok(request) = &mut self.request {
            request.options.max_retries = Some(max_retries);
        }
        self
    }

    /// A header sent on every attempt of this call (replacing one the SDK would send under
    /// that name). A name or value HTTP cannot carry makes the call fail with
    /// [`Error::Config`] when awaited, before anything is sent; the value is not repeated in the
    /// message (it may be a secret).
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        if let Ok(request) = &mut self.request {
            let name = name.as_ref();
            match (
                HeaderName::try_from(name),
                HeaderValue::try_from(value.as_ref()),
            ) {
                (Ok(header_name), Ok(header_value)) => {
                    request.options.headers.push((header_name, header_value));
                }
                (Err(_), _) => {
                    self.request = Err(Error::Config(format!(
                        "{name:?} is not a valid HTTP header name"
                    )));
                }
                (Ok(_), Err(_)) => {
                    self.request = Err(Error::Config(format!(
                        "the value given for header {name:?} cannot be sent in an HTTP header"
                    )));
                }
            }
        }
        self
    }
}

impl<T: serde::de::DeserializeOwned> Call<T> {
    /// A call whose success response is JSON, decoded into `T`.
    ///
    /// A documented or other 2xx status decodes the body into `T` (an empty body reads as JSON
    /// `null`). A documented error status gives [`Error::Api`], any other status
    /// [`Error::UnexpectedStatus`].
    pub(crate) fn json(
        client: &Client,
        op: &'static OperationInfo,
        prepare: impl FnOnce() -> Result<PreparedRequest, Error>,
    ) -> Self {
        Self::new(client, op, prepare, APPLICATION_JSON, |status, body| {
            decode(status, &body)
        })
    }
}

impl Call<Vec<u8>> {
    /// A call whose success response is binary: the body as it came.
    pub(crate) fn bytes(
        client: &Client,
        op: &'static OperationInfo,
        prepare: impl FnOnce() -> Result<PreparedRequest, Error>,
    ) -> Self {
        // No copy when, as usual, the response's buffer holds just this body.
        Self::new(client, op, prepare, ANY, |_, body| Ok(Vec::from(body)))
    }
}

impl Call<String> {
    /// A call whose success response is text (invalid UTF-8 is replaced by U+FFFD).
    pub(crate) fn text(
        client: &Client,
        op: &'static OperationInfo,
        prepare: impl FnOnce() -> Result<PreparedRequest, Error>,
    ) -> Self {
        Self::new(client, op, prepare, ANY, |_, body| {
            Ok(into_text(Vec::from(body)))
        })
    }
}

impl Call<()> {
    /// A call whose success body, if any, does not matter.
    pub(crate) fn empty(
        client: &Client,
        op: &'static OperationInfo,
        prepare: impl FnOnce() -> Result<PreparedRequest, Error>,
    ) -> Self {
        Self::new(client, op, prepare, ANY, |_, _| Ok(()))
    }
}

impl<T: Send + 'static, P> Call<T, P> {
    /// The call, answering with the response's status, headers, request id and attempt count
    /// beside the decoded body: [`Response<T>`]. Set per-call options before this.
    pub fn with_response(self) -> WithResponse<T> {
        let (client, op, request, accept, finish, _) = self.into_parts();
        WithResponse {
            call: Call {
                client,
                op,
                request,
                accept,
                finish,
                paging: (),
            },
        }
    }
}

impl<T: Send + 'static> Call<T> {
    /// Sends the call; the success response's parts, its body decoded.
    async fn run(self) -> Result<Response<T>, Error> {
        let request = self.request?;
        let inner = &*self.client.inner;
        let Success {
            status,
            headers,
            body,
            attempts,
            ..
        } = inner.send(self.op, request, self.accept).await?;
        match (self.finish)(status, body) {
            Ok(body) => Ok(Response {
                status,
                request_id: inner.request_id(&headers),
                headers,
                attempts,
                body,
            }),
            Err(error) => Err(self.client.with_response_head(error, headers)),
        }
    }
}

impl<T: Send + 'static, P> std::future::IntoFuture for Call<T, P> {
    type Output = Result<T, Error>;
    /// Boxed: the future of an `async` block has no name. One allocation per call, beside the
    /// request's own.
    type IntoFuture = std::pin::Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let request = self.request?;
            let inner = &*self.client.inner;
            let success = inner.send(self.op, request, self.accept).await?;
            (self.finish)(success.status, success.body)
                .map_err(|error| self.client.with_response_head(error, success.headers))
        })
    }
}

/// A [`Call`] that answers with a [`Response<T>`]: what [`Call::with_response`] returns.
#[must_use = "a call does nothing until it is awaited"]
pub struct WithResponse<T> {
    call: Call<T>,
}

impl<T: Send + 'static> std::future::IntoFuture for WithResponse<T> {
    type Output = Result<Response<T>, Error>;
    /// Boxed, as [`Call`]'s.
    type IntoFuture = std::pin::Pin<Box<dyn Future<Output = Result<Response<T>, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.call.run())
    }
}

impl<T> fmt::Debug for WithResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithResponse").field(&self.call).finish()
    }
}

/// A success response: the decoded body with the status, headers, request id and number of
/// attempts it took. From [`Call::with_response`].
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    attempts: u32,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The id the server gave the request (see [`Error::request_id`] for the header it is
    /// read from), if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many requests were sent in total (1 when the first attempt succeeded).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, the rest dropped.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T, P> fmt::Debug for Call<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut call = f.debug_struct("Call");
        call.field("operation", &self.op.operation_id);
        match &self.request {
            Ok(request) => call.field("path", &request.path),
            Err(error) => call.field("error", error),
        };
        call.finish_non_exhaustive()
    }
}

/// One response, read in full (but a streamed success's body).
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    retry_after: Option<Duration>,
    body: bytes::Bytes,
    /// A streamed call's success response, its body unread (boxed: only streamed calls have
    /// one, and every call's future holds the slot).
    stream: Option<Box<reqwest::Response>>,
}

/// The final, successful response of a call, and how many attempts it took.
pub(crate) struct Success {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
    pub(crate) attempts: u32,
    /// The response whose body is still to be read, for a streamed call.
    pub(crate) stream: Option<Box<reqwest::Response>>,
}

/// The credentials of one attempt: the schemes of the security requirement chosen for the
/// call, and the access token fetched for it when one of them is OAuth 2 client credentials.
#[derive(Clone, Copy)]
struct AttemptAuth<'a> {
    schemes: &'static [&'static str],
    token: Option<&'a HeaderValue>,
}

/// The parts of a request that stay the same for every attempt.
struct Prepared {
    url: reqwest::Url,
    headers: HeaderMap,
    /// Whether the URL holds a secret, so errors must not carry it.
    secret_in_url: bool,
}

impl Inner {
    /// The wait before the first retry (a reconnection's, when the server says none).
    pub(crate) fn initial_backoff(&self) -> Duration {
        self.retry.initial_backoff
    }

    /// `base_url` + `path`, with the query (and API-key query parameters, `extra`) appended
    /// and percent-encoded.
    pub(crate) fn url(
        &self,
        request: &PreparedRequest,
        extra: &[(&str, &str)],
    ) -> Result<reqwest::Url, Error> {
        let slash = if request.path.starts_with('/') {
            ""
        } else {
            "/"
        };
        let mut text = String::with_capacity(self.base_url.len() + 1 + request.path.len());
        text.push_str(&self.base_url);
        text.push_str(slash);
        text.push_str(&request.path);
        let pairs = request
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .chain(extra.iter().copied());
        let mut separator = '?';
        for (name, value) in pairs {
            text.push(separator);
            separator = '&';
            text.extend(percent_encoding::utf8_percent_encode(name, QUERY_COMPONENT));
            text.push('=');
            text.extend(percent_encoding::utf8_percent_encode(
                value,
                QUERY_COMPONENT,
            ));
        }
        reqwest::Url::parse(&text).map_err(|e| {
            let shown = if !extra.is_empty() {
                format!("{}{slash}{}", self.base_url, request.path)
            } else {
                text.clone()
            };
            Error::Config(format!("cannot build a request URL from {shown:?}: {e}"))
        })
    }

    /// The URL and headers of `request` for `op`, with the credentials of `auth`.
    fn prepare(
        &self,
        op: &OperationInfo,
        request: &PreparedRequest,
        accept: &'static str,
        auth: AttemptAuth<'_>,
    ) -> Result<Prepared, Error> {
        check_path(op, &request.path)?;
        let credentials = auth
            .schemes
            .iter()
            .filter_map(|name| self.credentials.get(name));
        let query_keys: Vec<(&str, &str)> = credentials
            .clone()
            .filter_map(|credential| match credential {
                Credential::Query(name, key) => Some((*name, key.0.as_str())),
                _ => None,
            })
            .collect();
        let url = self.url(request, &query_keys)?;

        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, self.user_agent.clone());
        headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
        let mut violations = Vec::new();
        for (name, value) in &request.headers {
            let header_name = HeaderName::try_from(*name)
                .map_err(|_| Error::Config(format!("{name:?} is not a valid HTTP header name")))?;
            match HeaderValue::try_from(value.as_str()) {
                Ok(value) => {
                    headers.append(header_name, value);
                }
                Err(_) => violations.push(Violation {
                    path: (*name).to_owned(),
                    rule: Rule::Format(String::from("header-value")),
                    message: String::from(
                        "contains a line break or another control character, which cannot be sent in an HTTP header",
                    ),
                }),
            }
        }
        if !violations.is_empty() {
            return Err(Error::Validation(ValidationError { violations }));
        }
        for credential in credentials.clone() {
            match credential {
                Credential::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Credential::OAuth2(_) => {
                    if let Some(token) = auth.token {
                        headers.insert(header::AUTHORIZATION, token.clone());
                    }
                }
                Credential::Query(..) | Credential::Cookie(..) | Credential::Unusable(_) => {}
            }
        }

        let mut cookies = request
            .cookies
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect::<Vec<_>>();
        for credential in credentials {
            if let Credential::Cookie(name, key) = credential {
                cookies.push((name, key.0.as_str()));
            }
        }
        if !cookies.is_empty() {
            let mut text = String::new();
            for (name, value) in cookies {
                if !text.is_empty() {
                    text.push_str("; ");
                }
                text.push_str(name);
                text.push('=');
                text.extend(percent_encoding::utf8_percent_encode(value, COOKIE_VALUE));
            }
            let mut value = HeaderValue::try_from(text).map_err(|_| {
                Error::Config(String::from(
                    "a cookie name contains characters that cannot be sent in an HTTP header",
                ))
            })?;
            value.set_sensitive(true);
            headers.insert(header::COOKIE, value);
        }
        // The caller's own, last: a name set twice on the call is sent twice.
        let mut replaced: Vec<&HeaderName> = Vec::new();
        for (name, value) in &request.options.headers {
            if replaced.contains(&name) {
                headers.append(name.clone(), value.clone());
            } else {
                headers.insert(name.clone(), value.clone());
                replaced.push(name);
            }
        }

        Ok(Prepared {
            url,
            headers,
            secret_in_url: !query_keys.is_empty(),
        })
    }

    /// Sends `request` for `op`, retrying what is safe to retry, until it succeeds or fails for
    /// good. Not generic over the call's result: the value is decoded by the caller, so this,
    /// the largest future of the SDK, is compiled once per SDK rather than once per response
    /// type.
    ///
    /// The first attempt's request is built before the future is made and sent as it is; a
    /// retry builds its own from `request` again. Building once and sending a clone per attempt
    /// cost every call a copy of the URL and headers that only a retry needs: about 4 % of a
    /// minimal call's time with 64 calls in flight (see BENCHMARKS.md, §2).
    pub(crate) fn send(
        &self,
        op: &'static OperationInfo,
        mut request: PreparedRequest,
        accept: &'static str,
    ) -> impl Future<Output = Result<Success, Error>> + Send + '_ {
        let carries_idempotency_key =
            request.carries_idempotency_key || with_idempotency_header(op, &mut request);
        // This call's settings: its own where it has them, the client's otherwise.
        let retry = RetryPolicy {
            max_retries: request
                .options
                .max_retries
                .unwrap_or(self.retry.max_retries),
            ..self.retry
        };
        let timeout = request.options.timeout.unwrap_or(self.timeout);
        let streamed = request.options.streamed;
        let body_checked = check_body(&request.body);
        let body = AttemptBody::from(std::mem::take(&mut request.body));
        // The credentials to send, decided once per call; an OAuth 2 token is fetched for each
        // attempt (from the cache, mostly), so that attempt is built in the loop.
        let (schemes, first) = match self.credentials.choose(op) {
            Err(error) => (&[][..], Some(Err(error))),
            Ok(schemes) => {
                let auth = AttemptAuth {
                    schemes,
                    token: None,
                };
                let first = match body_checked {
                    Ok(()) if self.credentials.token_source(schemes).is_some() => None,
                    Ok(()) => Some(self.attempt(op, &request, accept, &body, auth)),
                    // The URL's and headers' errors first, as they come first in the request.
                    Err(error) => Some(self.prepare(op, &request, accept, auth).and(Err(error))),
                };
                (schemes, first)
            }
        };
        let source = self.credentials.token_source(schemes);
        let exchange = async move {
            let mut next = first;
            let mut attempts: u32 = 0;
            // Whether a 401 already made this call fetch a new token.
            let mut refreshed = false;
            loop {
                attempts = attempts.saturating_add(1);
                let mut serial = None;
                let attempt = match next.take() {
                    Some(first) => first,
                    None => {
                        let token = match source {
                            Some(source) => {
                                // Boxed: the token request's future would otherwise make every
                                // call's future (this one) larger, OAuth or not.
                                let (token, fetched) =
                                    Box::pin(source.bearer(&self.http, timeout)).await?;
                                serial = Some(fetched);
                                Some(token)
                            }
                            None => None,
                        };
                        let auth = AttemptAuth {
                            schemes,
                            token: token.as_ref(),
                        };
                        self.attempt(op, &request, accept, &body, auth)
                    }
                };
                let (outcome, secret_in_url) = match attempt {
                    Ok(attempt) if streamed => (
                        self.exchange_streamed(attempt.request, timeout).await,
                        attempt.secret_in_url,
                    ),
                    Ok(attempt) => (self.exchange(attempt.request).await, attempt.secret_in_url),
                    // Refused before anything was sent (and the same on every attempt).
                    Err(error) => return Err(error),
                };
                #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
                let (verdict, failure) = match outcome {
                    Ok(response) if is_success(op, response.status) => {
                        return Ok(Success {
                            status: response.status,
                            headers: response.headers,
                            body: response.body,
                            attempts,
                            stream: response.stream,
                        });
                    }
                    // The server refused the token: fetch another, once per call, and send
                    // again (a 401 was not processed, so the repeat is harmless).
                    Ok(response)
                        if response.status == 401
                            && !refreshed
                            && let (Some(source), Some(serial)) = (source, serial) =>
                    {
                        refreshed = true;
                        Box::pin(source.invalidate(serial)).await;
                        #[cfg(feature = "tracing")]
                        tracing::info!(
                            attempt = attempts,
                            "refreshing the OAuth 2 token after a 401"
                        );
                        continue;
                    }
                    Ok(response) => {
                        let failure = Failure::Status(response.status);
                        match retry.decide(
                            op,
                            carries_idempotency_key,
                            failure,
                            attempts,
                            response.retry_after,
                        ) {
                            Verdict::Stop(note) => {
                                return Err(self.status_error(op, response, attempts, note));
                            }
                            retry => (retry, failure),
                        }
                    }
                    #[cfg(feature = "middleware")]
                    Err(AttemptError::Middleware(source)) => {
                        // A middleware's own failure: the SDK cannot tell what it means, so it
                        // is not retried.
                        return Err(Error::Middleware { source, attempts });
                    }
                    Err(AttemptError::NoHeaders) => {
                        let failure = Failure::Timeout;
                        match retry.decide(op, carries_idempotency_key, failure, attempts, None) {
                            Verdict::Stop(retry_note) => {
                                return Err(Error::Timeout {
                                    timeout,
                                    attempts,
                                    retry_note,
                                });
                            }
                            retry => (retry, failure),
                        }
                    }
                    Err(AttemptError::Http(error)) => {
                        let error = hide_secret(error, secret_in_url);
                        let failure = if error.is_timeout() {
                            Failure::Timeout
                        } else if error.is_builder() || error.is_redirect() {
                            Failure::Other
                        } else {
                            Failure::Connection
                        };
                        match retry.decide(op, carries_idempotency_key, failure, attempts, None) {
                            Verdict::Stop(retry_note) if failure == Failure::Timeout => {
                                return Err(Error::Timeout {
                                    timeout,
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
                            retry => (retry, failure),
                        }
                    }
                };
                if let Verdict::Retry(delay) = verdict {
                    #[cfg(feature = "tracing")]
                    tracing::info!(
                        attempt = attempts,
                        reason = %failure,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        };
        #[cfg(feature = "tracing")]
        let exchange = self.traced(op, exchange);
        exchange
    }

    /// `exchange` in a span of its own (the `tracing` feature): operation, method and path
    /// template from the start; attempts, final status and request id once it ends. Never the
    /// URL (it may hold an API key), headers or bodies.
    #[cfg(feature = "tracing")]
    fn traced<'a>(
        &'a self,
        op: &'static OperationInfo,
        exchange: impl Future<Output = Result<Success, Error>> + Send + 'a,
    ) -> impl Future<Output = Result<Success, Error>> + Send + 'a {
        let span = tracing::info_span!(
            "call",
            operation = op.operation_id,
            method = %op.method,
            path = op.path_template,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let ended = span.clone();
        let traced = async move {
            let result = exchange.await;
            let (attempts, status, request_id) = match &result {
                Ok(success) => (
                    Some(success.attempts),
                    Some(success.status),
                    self.request_id(&success.headers),
                ),
                Err(error) => (
                    error.attempts(),
                    error.status(),
                    error.request_id().map(str::to_owned),
                ),
            };
            if let Some(attempts) = attempts {
                ended.record("attempts", attempts);
            }
            if let Some(status) = status {
                ended.record("status", status);
            }
            if let Some(request_id) = request_id {
                ended.record("request_id", request_id.as_str());
            }
            result
        };
        tracing::Instrument::instrument(traced, span)
    }

    /// Sends one attempt's request and reads its response whole. A plain function returning
    /// the future of reqwest's small pending request, not an `async fn` holding the request for
    /// the whole exchange (see [`read_response`]).
    #[cfg(not(feature = "middleware"))]
    fn exchange(
        &self,
        request: reqwest::Request,
    ) -> impl Future<Output = Result<RawResponse, AttemptError>> + Send + 'static {
        read_response(self.http.execute(request))
    }

    /// Sends one attempt's request of a streamed call: waits `timeout` at most for the
    /// response's head, and reads the body whole only when the status is not a success (the
    /// streamed body has no overall timeout: see `ByteStream`). Boxed: only streamed calls pay
    /// for the timer in their future.
    fn exchange_streamed(
        &self,
        request: reqwest::Request,
        timeout: Duration,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<RawResponse, AttemptError>> + Send + '_>>
    {
        #[cfg(feature = "middleware")]
        let pending: std::pin::Pin<
            Box<dyn Future<Output = Result<reqwest::Response, AttemptError>> + Send + '_>,
        > = match &self.middleware {
            Some(stack) => Box::pin(async move { Ok(stack.execute(request).await?) }),
            None => Box::pin(async move { Ok(self.http.execute(request).await?) }),
        };
        #[cfg(not(feature = "middleware"))]
        let pending = async move { Ok::<_, AttemptError>(self.http.execute(request).await?) };
        Box::pin(async move {
            let mut response = match tokio::time::timeout(timeout, pending).await {
                Ok(response) => response?,
                Err(_) => return Err(AttemptError::NoHeaders),
            };
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                let headers = response.headers().clone();
                return Ok(RawResponse {
                    status,
                    retry_after: None,
                    headers,
                    body: bytes::Bytes::new(),
                    stream: Some(Box::new(response)),
                });
            }
            let headers = std::mem::take(response.headers_mut());
            let retry_after = crate::retry::retry_after(&headers);
            let body = match tokio::time::timeout(timeout, response.bytes()).await {
                Ok(body) => body?,
                Err(_) => return Err(AttemptError::NoHeaders),
            };
            Ok(RawResponse {
                status,
                headers,
                retry_after,
                body,
                stream: None,
            })
        })
    }

    /// Sends one attempt's request, through the middleware when some were added, and reads
    /// its response whole.
    #[cfg(feature = "middleware")]
    fn exchange(
        &self,
        request: reqwest::Request,
    ) -> impl Future<Output = Result<RawResponse, AttemptError>> + Send + '_ {
        let through = match &self.middleware {
            Some(stack) => Ok(stack.execute(request)),
            None => Err(self.http.execute(request)),
        };
        async move {
            match through {
                Ok(pending) => read_response(pending).await,
                Err(pending) => read_response(pending).await,
            }
        }
    }

    /// The error for a final non-success response.
    fn status_error(
        &self,
        op: &OperationInfo,
        response: RawResponse,
        attempts: u32,
        retry_note: Option<String>,
    ) -> Error {
        let body = into_text(Vec::from(response.body));
        let request_id = self.request_id(&response.headers);
        let documented = op.documented_errors.contains(&response.status).then(|| {
            let format = op
                .error_formats
                .iter()
                .find(|(status, _)| *status == response.status)
                .map_or(op.error_format, |(_, format)| *format);
            (response.status, format)
        });
        match documented {
            Some((status, format)) => {
                let content_type = response
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok());
                let mut api = ApiError::read(status, body, format, content_type);
                api.headers = response.headers;
                api.request_id = request_id;
                api.retry_after = response.retry_after;
                api.attempts = attempts;
                api.retry_note = retry_note;
                Error::Api(Box::new(api))
            }
            None => Error::UnexpectedStatus {
                status: response.status,
                operation_id: op.operation_id,
                body,
                attempts,
                retry_note,
                retry_after: response.retry_after,
                headers: Box::new(response.headers),
                request_id,
            },
        }
    }

    /// The response's request id: from the header set with
    /// [`ClientBuilder::request_id_header`], or else the first the spec documents, or else
    /// `x-request-id`.
    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        self.request_id_headers.iter().find_map(|name| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        })
    }

    /// The request of one attempt: URL and headers prepared, the body built from `body`.
    fn attempt(
        &self,
        op: &OperationInfo,
        request: &PreparedRequest,
        accept: &'static str,
        body: &AttemptBody,
        auth: AttemptAuth<'_>,
    ) -> Result<Attempt, Error> {
        let Prepared {
            url,
            mut headers,
            secret_in_url,
        } = self.prepare(op, request, accept, auth)?;
        // A streamed call's timeout is kept by `exchange_streamed` and `ByteStream`: reqwest's
        // would end the stream that long after it began.
        let timeout =
            (!request.options.streamed).then(|| request.options.timeout.unwrap_or(self.timeout));
        let builder = |url: reqwest::Url, headers: HeaderMap| {
            let builder = self.http.request(op.method.clone(), url).headers(headers);
            match timeout {
                Some(timeout) => builder.timeout(timeout),
                None => builder,
            }
        };
        let built = match body {
            // Serialized bodies (and none) go straight into a `reqwest::Request`: the builder
            // would copy the prepared headers into a map of its own, one by one. (The builder
            // also reads a URL's `user:pass@` as basic auth: base URLs cannot have one.)
            AttemptBody::None | AttemptBody::Bytes { .. } => {
                let mut attempt = reqwest::Request::new(op.method.clone(), url);
                if let AttemptBody::Bytes { content_type, data } = body {
                    headers.insert(header::CONTENT_TYPE, content_type.clone());
                    *attempt.body_mut() = Some(data.clone().into());
                }
                *attempt.headers_mut() = headers;
                *attempt.timeout_mut() = timeout;
                Ok(attempt)
            }
            AttemptBody::Form(pairs) => builder(url, headers).form(pairs).build(),
            AttemptBody::Stream(stream) => {
                let (content_type, file) = &**stream;
                let (body, length) = file.body();
                headers.insert(header::CONTENT_TYPE, content_type.clone());
                if let Some(length) = length {
                    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
                }
                builder(url, headers).body(body).build()
            }
            AttemptBody::Multipart(parts) => {
                multipart_form(parts).and_then(|form| builder(url, headers).multipart(form).build())
            }
        };
        built
            .map(|request| Attempt {
                request,
                secret_in_url,
            })
            .map_err(|error| {
                // A request reqwest cannot build (a bad multipart content type) is a
                // permanent failure: nothing was sent, and no attempt would go better.
                Error::Transport {
                    source: hide_secret(error, secret_in_url),
                    attempts: 1,
                    retry_note: None,
                }
            })
    }
}

/// Gives a request for an operation with an idempotency-key header a key, when the caller set
/// none (as a parameter or with [`Call::header`]) or an empty one: a UUID v4, made once per call
/// so that every attempt carries the same. Whether the request now carries a key.
pub(crate) fn with_idempotency_header(op: &OperationInfo, request: &mut PreparedRequest) -> bool {
    let Some(name) = op.idempotency_header else {
        return false;
    };
    let set_on_call = request
        .options
        .headers
        .iter()
        .any(|(header, value)| header.as_str().eq_ignore_ascii_case(name) && !value.is_empty());
    if set_on_call {
        return true;
    }
    request
        .headers
        .retain(|(header, value)| !(header.eq_ignore_ascii_case(name) && value.is_empty()));
    if !request
        .headers
        .iter()
        .any(|(header, _)| header.eq_ignore_ascii_case(name))
    {
        request
            .headers
            .push((name, uuid::Uuid::new_v4().to_string()));
    }
    true
}

/// One attempt's request.
struct Attempt {
    request: reqwest::Request,
    /// Whether the URL holds a secret, so errors must not carry it.
    secret_in_url: bool,
}

/// `error` without its URL when the URL holds a secret (an API key in the query).
fn hide_secret(error: reqwest::Error, secret_in_url: bool) -> reqwest::Error {
    if secret_in_url {
        error.without_url()
    } else {
        error
    }
}

/// Why an attempt got no response.
enum AttemptError {
    /// The HTTP exchange failed.
    Http(reqwest::Error),
    /// A middleware failed the request itself.
    #[cfg(feature = "middleware")]
    Middleware(reqwest_middleware::Error),
    /// A streamed call's response did not begin (or, for an error status, end) within the
    /// timeout.
    NoHeaders,
}

#[cfg(feature = "middleware")]
impl From<reqwest_middleware::Error> for AttemptError {
    fn from(error: reqwest_middleware::Error) -> Self {
        match error {
            reqwest_middleware::Error::Reqwest(error) => AttemptError::Http(error),
            other => AttemptError::Middleware(other),
        }
    }
}

impl From<reqwest::Error> for AttemptError {
    fn from(error: reqwest::Error) -> Self {
        AttemptError::Http(error)
    }
}

/// Waits for one attempt's response and reads it whole. Takes reqwest's small pending future,
/// not the request, which it would otherwise keep in its state for the whole exchange.
async fn read_response<E>(
    pending: impl Future<Output = Result<reqwest::Response, E>>,
) -> Result<RawResponse, AttemptError>
where
    AttemptError: From<E>,
{
    let mut response = pending.await?;
    let status = response.status().as_u16();
    // Taken, not copied: the body is decoded by then (reqwest chose its decoder from them).
    let headers = std::mem::take(response.headers_mut());
    let retry_after = crate::retry::retry_after(&headers);
    let body = response.bytes().await?;
    Ok(RawResponse {
        status,
        headers,
        retry_after,
        body,
        stream: None,
    })
}

/// What every attempt's body is built from: a serialized body as `Bytes`, which each attempt
/// shares (no copy); a form's pairs; a multipart form's parts (a form is a stream that an
/// attempt consumes, so each attempt builds its own).
enum AttemptBody {
    None,
    Bytes {
        content_type: HeaderValue,
        data: bytes::Bytes,
    },
    Form(Vec<(String, String)>),
    Multipart(Vec<MultipartPart>),
    /// A file read while it is sent (with its content type), opened again by each attempt;
    /// boxed, as in `RequestBody::File`.
    Stream(Box<(HeaderValue, FileUpload)>),
}

impl From<RequestBody> for AttemptBody {
    fn from(body: RequestBody) -> AttemptBody {
        // A content type that is not a header value is refused by `check_body` before any
        // attempt is built; the fallback only keeps this conversion total.
        let header = |content_type: &'static str| {
            HeaderValue::try_from(content_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
        };
        match body {
            RequestBody::None => AttemptBody::None,
            RequestBody::Json(json) => AttemptBody::Bytes {
                content_type: HeaderValue::from_static(APPLICATION_JSON),
                data: json.into(),
            },
            RequestBody::Form(pairs) => AttemptBody::Form(pairs),
            RequestBody::Multipart(parts) => AttemptBody::Multipart(parts),
            RequestBody::Bytes { content_type, data } => AttemptBody::Bytes {
                content_type: header(content_type),
                data,
            },
            RequestBody::File { content_type, file } if !file.is_streamed() => AttemptBody::Bytes {
                content_type: header(content_type),
                data: file.data,
            },
            RequestBody::File { content_type, file } => {
                AttemptBody::Stream(Box::new((header(content_type), *file)))
            }
            RequestBody::Text { content_type, text } => AttemptBody::Bytes {
                content_type: header(content_type),
                data: text.into(),
            },
        }
    }
}

/// Refuses a path with a `.` or `..` segment (a path parameter with that value): every URL
/// parser drops or climbs such a segment, `%2E%2E` included, so sending it would call another
/// endpoint. The violation names the template's segment (`{petId}`) when the path lines up with
/// the template.
fn check_path(op: &OperationInfo, path: &str) -> Result<(), Error> {
    let is_dot = |segment: &str| {
        [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."]
            .iter()
            .any(|dot| segment.eq_ignore_ascii_case(dot))
    };
    let segments = path.trim_start_matches('/').split('/');
    // Every call passes here: the usual answer costs no allocation.
    if !segments.clone().any(is_dot) {
        return Ok(());
    }
    let template = op
        .path_template
        .trim_start_matches('/')
        .split('/')
        .collect::<Vec<_>>();
    let violations = segments
        .enumerate()
        .filter(|(_, segment)| is_dot(segment))
        .map(|(i, segment)| Violation {
            path: template
                .get(i)
                .and_then(|t| t.strip_prefix('{'))
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or("path")
                .to_owned(),
            rule: Rule::Format(String::from("path-segment")),
            message: format!(
                "is {segment:?}, which cannot be sent as a path segment (URLs drop or climb `.` and `..` segments)"
            ),
        })
        .collect::<Vec<_>>();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(ValidationError { violations }))
    }
}

/// Checks what building the request ([`Inner::attempt`], [`multipart_form`]) would otherwise
/// fail on: content types that are not valid header values or media types. Nothing has been
/// sent yet.
fn check_body(body: &RequestBody) -> Result<(), Error> {
    match body {
        RequestBody::Bytes { content_type, .. } | RequestBody::Text { content_type, .. } => {
            HeaderValue::try_from(*content_type).map_err(|_| {
                Error::Config(format!("{content_type:?} is not a valid Content-Type"))
            })?;
        }
        RequestBody::File { content_type, file } => {
            HeaderValue::try_from(*content_type).map_err(|_| {
                Error::Config(format!("{content_type:?} is not a valid Content-Type"))
            })?;
            if let Some(source) = &file.source {
                source.check()?;
            }
        }
        RequestBody::Multipart(parts) => {
            for part in parts {
                if let PartValue::File(FileUpload {
                    source: Some(source),
                    ..
                }) = &part.value
                {
                    source.check()?;
                }
            }
            let violations = parts
                .iter()
                .filter_map(|part| match &part.value {
                    PartValue::File(FileUpload {
                        content_type: Some(content_type),
                        ..
                    }) if reqwest::multipart::Part::bytes(Vec::new())
                        .mime_str(content_type)
                        .is_err() =>
                    {
                        Some(Violation {
                            path: part.name.clone(),
                            rule: Rule::Format(String::from("media-type")),
                            message: format!(
                                "has the content type {content_type:?}, which is not a media type like image/png"
                            ),
                        })
                    }
                    _ => None,
                })
                .collect::<Vec<_>>();
            if !violations.is_empty() {
                return Err(Error::Validation(ValidationError { violations }));
            }
        }
        RequestBody::None | RequestBody::Json(_) | RequestBody::Form(_) => {}
    }
    Ok(())
}

/// A multipart form from its parts (built for each attempt: sending consumes it).
fn multipart_form(parts: &[MultipartPart]) -> Result<reqwest::multipart::Form, reqwest::Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let built = match &part.value {
            PartValue::Text(text) => reqwest::multipart::Part::text(text.clone()),
            // The part shares the file's buffer: a retry sends it again without a copy.
            PartValue::File(file) => match file.body() {
                (body, Some(length)) => reqwest::multipart::Part::stream_with_length(body, length),
                (body, None) => reqwest::multipart::Part::stream(body),
            }
            .file_name(file.file_name.clone().unwrap_or_else(|| part.name.clone()))
            .mime_str(
                file.content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"),
            )?,
        };
        form = form.part(part.name.clone(), built);
    }
    Ok(form)
}

/// A documented success status, or any 2xx (read leniently: the request did succeed).
fn is_success(op: &OperationInfo, status: u16) -> bool {
    op.success_statuses.contains(&status) || (200..300).contains(&status)
}

/// Decodes a success body; an empty body reads as `null`. The error's headers and request id
/// are filled in by the caller, which owns them.
fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(json).map_err(|source| Error::Decode {
        status,
        body: String::from_utf8_lossy(body).into_owned(),
        source,
        headers: Box::default(),
        request_id: None,
    })
}

/// A body as text, invalid UTF-8 replaced by U+FFFD (without copying valid text).
fn into_text(body: Vec<u8>) -> String {
    match String::from_utf8(body) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Configures and builds a [`Client`]. Credentials are never shown by `Debug`.
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: GivenCredentials,
    base_url: Option<String>,
    timeout: Duration,
    max_retries: u32,
    initial_backoff: Duration,
    max_retry_after: Duration,
    request_id_header: Option<String>,
    http_client: Option<reqwest::Client>,
    #[cfg(feature = "middleware")]
    middleware: Vec<Arc<dyn reqwest_middleware::Middleware>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: GivenCredentials::default(),
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            max_retries: crate::retry::DEFAULT_MAX_RETRIES,
            initial_backoff: crate::retry::DEFAULT_INITIAL_BACKOFF,
            max_retry_after: crate::retry::DEFAULT_MAX_RETRY_AFTER,
            request_id_header: None,
            http_client: None,
            #[cfg(feature = "middleware")]
            middleware: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
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
            .field("max_retry_after", &self.max_retry_after)
            .field("request_id_header", &self.request_id_header)
            .field("custom_http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API key or token (surrounding whitespace is ignored) for every security scheme that
    /// takes one, sent the way each operation takes it: `Authorization: Bearer <key>`, or an
    /// API-key header, query parameter or cookie. A scheme's own method (named after the
    /// scheme) sets that scheme's alone, and wins over this.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.api_key = Some(Secret(key.into()));
        self
    }

    /// A username and password for every HTTP basic scheme, sent as `Authorization: Basic ...`.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials.basic = Some((Secret(username.into()), Secret(password.into())));
        self
    }

    /// OAuth 2 client credentials (RFC 6749 §4.4) for every OAuth 2 scheme with a
    /// client-credentials flow: the SDK asks the scheme's token URL (relative to the base URL
    /// if relative) for an access token, sends it as `Authorization: Bearer ...`, keeps it
    /// until shortly before it expires (concurrent calls share one fetch), and when the API
    /// answers 401 fetches a new one and sends the call again, once. The client id and secret
    /// go to the token URL as HTTP basic authentication; neither they nor any token appear in
    /// `Debug` or an error.
    pub fn oauth2_client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials.client_credentials =
            Some((Secret(client_id.into()), Secret(client_secret.into())));
        self
    }

    /// The scopes to ask for with [`ClientBuilder::oauth2_client_credentials`] (by default
    /// none: the token endpoint grants its default).
    pub fn oauth2_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.credentials.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The token or key of the scheme `scheme` alone (what the generated method named after
    /// the scheme calls).
    pub(crate) fn credential(mut self, scheme: &'static str, token: impl Into<String>) -> Self {
        self.credentials
            .per_scheme
            .push((scheme, Given::Token(Secret(token.into()))));
        self
    }

    /// The username and password of the basic scheme `scheme` alone.
    pub(crate) fn basic_credential(
        mut self,
        scheme: &'static str,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.credentials.per_scheme.push((
            scheme,
            Given::Basic(Secret(username.into()), Secret(password.into())),
        ));
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

    /// The longest `Retry-After` the SDK waits for before retrying (default 60 s). When a server
    /// asks for longer, the call ends at once with the error, and [`Error::retry_after`] says
    /// how long the server asked the caller to wait, so it can schedule the call itself.
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The response header that carries the server's id for each request, read into
    /// [`Response::request_id`] and [`Error::request_id`]. By default: the first header the
    /// spec documents whose name ends in `request-id`, or else `x-request-id`.
    pub fn request_id_header(mut self, name: impl Into<String>) -> Self {
        self.request_id_header = Some(name.into());
        self
    }

    /// Adds a middleware (any [`reqwest_middleware::Middleware`]: `reqwest-tracing`,
    /// `http-cache-reqwest`, your own) that every attempt passes through, in the order added:
    /// the first added sees the request first and the response last.
    ///
    /// Middleware run inside the SDK's retry loop, once per attempt: a call retried after a
    /// 429 passes through them twice, and they see each attempt's real request and response.
    ///
    /// **Do not add a retrying middleware** (`reqwest-retry` and the like). The SDK already
    /// retries exactly what is safe to repeat: a `POST` that timed out or got a 5xx is repeated
    /// only when it carries its idempotency key, since the server may have processed it (a sale
    /// tracked twice is revenue counted twice). A retrying middleware would repeat such requests
    /// behind the SDK's back, and multiply its attempts.
    ///
    /// A middleware's own error ends the call with [`Error::Middleware`], not retried.
    #[cfg(feature = "middleware")]
    pub fn middleware(mut self, middleware: impl reqwest_middleware::Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Sends requests through this `reqwest::Client` (for proxies, custom TLS, connection
    /// settings...). The timeout set here still applies to each attempt.
    ///
    /// The client built by default follows redirects only within the base URL's origin, so
    /// that credentials never follow a redirect to another host; a client passed here follows
    /// its own redirect policy.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client. Fails with [`Error::Config`] when every operation of the API needs
    /// credentials and none are set, a credential cannot be sent in a header, the base URL is
    /// not an `http(s)` URL, or the timeout is zero.
    pub fn build(self) -> Result<Client, Error> {
        self.build_with(&crate::SDK_INFO)
    }

    /// [`ClientBuilder::build`] for the SDK described by `info`.
    fn build_with(self, info: &SdkInfo) -> Result<Client, Error> {
        let base_url =
            normalize_base_url(self.base_url.as_deref().unwrap_or(info.default_base_url))?;
        let credentials =
            Credentials::prepare(&self.credentials, info.security_schemes, &base_url)?;
        if info.requires_credentials && credentials.is_empty() {
            let own: Vec<String> = info
                .security_schemes
                .iter()
                .map(|scheme| format!("ClientBuilder::{}", scheme.method))
                .collect();
            return Err(Error::Config(format!(
                "no credentials: pass an API key to ClientBuilder::api_key (or set {} and use Client::from_env), or set a scheme's own with {}",
                info.api_key_env,
                own.join(" or ")
            )));
        }
        let user_agent = HeaderValue::try_from(info.user_agent)
            .map_err(|_| Error::Config(format!("invalid User-Agent {:?}", info.user_agent)))?;
        if self.timeout.is_zero() {
            return Err(Error::Config(String::from(
                "the timeout must be longer than zero",
            )));
        }
        let request_id_headers = match self.request_id_header.as_deref() {
            Some(name) => vec![HeaderName::try_from(name.trim()).map_err(|_| {
                Error::Config(format!(
                    "the request id header {name:?} is not a valid HTTP header name"
                ))
            })?],
            // Names the generator wrote; one that is not a header name is skipped.
            None => info
                .request_id_headers
                .iter()
                .copied()
                .chain(["x-request-id"])
                .filter_map(|name| HeaderName::try_from(name).ok())
                .collect(),
        };
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::custom(same_origin_redirects))
                .build()
                .map_err(|e| Error::Config(format!("cannot create the HTTP client: {e}")))?,
        };
        #[cfg(feature = "middleware")]
        let middleware = (!self.middleware.is_empty())
            .then(|| reqwest_middleware::ClientWithMiddleware::new(http.clone(), self.middleware));
        Ok(Client {
            inner: Arc::new(Inner {
                #[cfg(feature = "middleware")]
                middleware,
                http,
                base_url,
                credentials,
                user_agent,
                timeout: self.timeout,
                retry: RetryPolicy {
                    max_retries: self.max_retries,
                    initial_backoff: self.initial_backoff,
                    max_retry_after: self.max_retry_after,
                },
                request_id_headers,
            }),
        })
    }
}

/// Follows a redirect only within the origin of the first URL (so that an API-key header or
/// cookie is never sent to another host), and at most [`MAX_REDIRECTS`] times. A redirect it
/// does not follow is returned as the response.
fn same_origin_redirects(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let previous = attempt.previous();
    let same_origin = previous
        .first()
        .is_some_and(|first| first.origin() == attempt.url().origin());
    if previous.len() > MAX_REDIRECTS {
        attempt.error("too many redirects")
    } else if same_origin {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

/// Checks a base URL (`http` or `https`, with a host, no query or fragment) and drops any
/// trailing `/`.
fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let raw = raw.trim();
    let url = reqwest::Url::parse(raw)
        .map_err(|e| Error::Config(format!("the base URL {raw:?} is not a valid URL: {e}")))?;
    // reqwest would send `user:pass@` as basic auth in place of the operation's credentials,
    // and a secret in a URL ends up in logs. The URL is not echoed: it holds the secret.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(String::from(
            "the base URL must not carry a user name or password (`user:pass@`); \
             set credentials with api_key() or basic_auth()",
        )));
    }
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
    use super::*;

    const KEY: &str = "cq_live_s3cr3t_KEY_0123456789";

    static OP: OperationInfo = OperationInfo {
        operation_id: "trackSale",
        method: reqwest::Method::POST,
        path_template: "/track/sale",
        idempotent: false,
        idempotency_key: Some("invoiceId"),
        idempotency_header: None,
        success_statuses: &[200],
        documented_errors: &[400, 403, 422, 429, 500],
        error_format: ErrorFormat::Nested,
        error_formats: &[(422, ErrorFormat::Problem), (500, ErrorFormat::Opaque)],
        auth: &[&["bearer"]],
    };

    fn op(auth: &'static [&'static [&'static str]]) -> OperationInfo {
        OperationInfo {
            operation_id: "op",
            method: reqwest::Method::GET,
            path_template: "/op",
            idempotent: true,
            idempotency_key: None,
            idempotency_header: None,
            success_statuses: &[200],
            documented_errors: &[],
            error_format: ErrorFormat::Opaque,
            error_formats: &[],
            auth,
        }
    }

    /// What `send` prepares for one attempt of `op`: its credentials chosen, no OAuth token.
    fn prepared(
        client: &Client,
        op: &OperationInfo,
        request: &PreparedRequest,
        accept: &'static str,
    ) -> Result<Prepared, Error> {
        let schemes = client.inner.credentials.choose(op)?;
        let auth = AttemptAuth {
            schemes,
            token: None,
        };
        client.inner.prepare(op, request, accept, auth)
    }

    /// `Client::builder()`, with a base URL when the spec names no server (the SDK then has no
    /// default, and `build()` asks for one: see `defaults`).
    fn client_builder() -> ClientBuilder {
        let builder = Client::builder();
        if crate::SDK_INFO.default_base_url.is_empty() {
            builder.base_url("https://example.com/v1")
        } else {
            builder
        }
    }

    fn info(requires_credentials: bool) -> SdkInfo {
        SdkInfo {
            requires_credentials,
            ..crate::SDK_INFO
        }
    }

    fn header_text(p: &Prepared, name: &str) -> Vec<String> {
        p.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn path_segments_stay_one_segment() {
        assert_eq!(encode_path_segment("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
        assert_eq!(encode_path_segment("lnk_1.2-3~x"), "lnk_1.2-3~x");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn defaults() {
        if crate::SDK_INFO.default_base_url.is_empty() {
            // No server in the spec: no default base URL, and building without one says so.
            let e = Client::builder().api_key(KEY).build().unwrap_err();
            assert!(
                matches!(&e, Error::Config(m) if m.contains("base URL")),
                "{e:?}"
            );
        } else {
            let client = Client::builder().api_key(KEY).build().unwrap();
            assert_eq!(
                client.base_url(),
                crate::SDK_INFO.default_base_url.trim_end_matches('/')
            );
        }
        let client = client_builder().api_key(KEY).build().unwrap();
        assert_eq!(client.timeout(), Duration::from_secs(60));
        assert_eq!(client.max_retries(), 2);
        assert_eq!(
            client.inner.retry.initial_backoff,
            Duration::from_millis(500)
        );
    }

    #[test]
    fn debug_redacts_credentials() {
        let builder = client_builder()
            .api_key(KEY)
            .basic_auth("user_s3cr3t", "pass_s3cr3t")
            .base_url("http://localhost:8080/");
        let shown = format!("{builder:?} {builder:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains(r#"api_key: Some("[redacted]")"#), "{shown}");
        assert!(
            shown.contains(r#"basic_auth: Some("[redacted]")"#),
            "{shown}"
        );

        let client = builder.build().unwrap();
        let shown = format!("{client:?} {client:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains(KEY), "{shown}");
        // The schemes that have a credential, by name only.
        assert!(
            shown.contains(r#"credentials: {"bearer": "[redacted]", "basic": "[redacted]", "headerKey": "[redacted]", "queryKey": "[redacted]", "cookieKey": "[redacted]", "sessionCookie": "[redacted]", "badHeader": "[redacted]", "oauth": "[redacted]"}"#),
            "{shown}"
        );
        assert!(shown.contains("http://localhost:8080"), "{shown}");
        for name in ["bearer", "basic", "headerKey"] {
            let Some(Credential::Header(_, value)) = client.inner.credentials.get(name) else {
                panic!("{name}");
            };
            assert!(value.is_sensitive(), "{name}");
            assert_eq!(format!("{value:?}"), "Sensitive");
        }
        let Some(Credential::Query(_, key)) = client.inner.credentials.get("queryKey") else {
            panic!("queryKey");
        };
        assert_eq!(format!("{key:?}"), "[redacted]");

        let unset = format!("{:?}", client_builder());
        assert!(unset.contains("api_key: None"), "{unset}");
        assert!(unset.contains("basic_auth: None"), "{unset}");
    }

    #[test]
    fn config_errors() {
        let no_key = client_builder().build_with(&info(true)).unwrap_err();
        assert!(matches!(no_key, Error::Config(_)));
        assert!(
            no_key.to_string().contains(crate::SDK_INFO.api_key_env),
            "{no_key}"
        );
        assert!(matches!(
            client_builder().api_key("  ").build_with(&info(true)),
            Err(Error::Config(_))
        ));

        let bad_key = client_builder()
            .api_key("line1\nline2secret")
            .build()
            .unwrap_err();
        assert!(!bad_key.to_string().contains("secret"), "{bad_key}");
        assert!(!format!("{bad_key:?}").contains("secret"));
        let bad_user = client_builder()
            .basic_auth("a:b", "secret")
            .build()
            .unwrap_err();
        assert!(!format!("{bad_user} {bad_user:?}").contains("secret"));

        for url in [
            "not a url",
            "ftp://example.com",
            "http://example.com/?x=1",
            "mailto:a@b.c",
        ] {
            let e = client_builder()
                .api_key(KEY)
                .base_url(url)
                .build()
                .unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{url}: {e}");
            assert!(!e.to_string().contains(KEY));
        }
        let e = client_builder()
            .api_key(KEY)
            .timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)));
    }

    #[test]
    fn which_credentials_build_needs() {
        // An API that takes an API key wants one, or basic auth.
        assert!(client_builder().build_with(&info(true)).is_err());
        assert!(
            client_builder()
                .basic_auth("u", "")
                .build_with(&info(true))
                .is_ok()
        );
        // An API without API-key auth builds without credentials.
        let client = client_builder().build_with(&info(false)).unwrap();
        assert!(client.inner.credentials.is_empty());
        let blank = client_builder()
            .api_key(" ")
            .build_with(&info(false))
            .unwrap();
        assert!(blank.inner.credentials.is_empty());
    }

    #[test]
    fn credentials_follow_the_first_configured_alternative() {
        static NONE: [&[&str]; 0] = [];
        static BEARER: [&[&str]; 1] = [&["bearer"]];
        static BASIC_THEN_KEY: [&[&str]; 2] = [&["basic"], &["headerKey"]];
        static QUERY: [&[&str]; 1] = [&["queryKey"]];
        static COOKIE: [&[&str]; 1] = [&["cookieKey"]];
        static BAD_HEADER: [&[&str]; 1] = [&["badHeader"]];

        let keyed = client_builder().api_key(KEY).build().unwrap();
        let basic = client_builder()
            .basic_auth("Aladdin", "open sesame")
            .build()
            .unwrap();
        let both = client_builder()
            .api_key(KEY)
            .basic_auth("Aladdin", "open sesame")
            .build()
            .unwrap();
        let nothing = client_builder().build_with(&info(false)).unwrap();

        let auth_header = |client: &Client, auth: &'static [&'static [&'static str]]| {
            let p = prepared(client, &op(auth), &PreparedRequest::default(), ANY).unwrap();
            (
                header_text(&p, "authorization"),
                header_text(&p, "x-api-key"),
                header_text(&p, "cookie"),
                p.url.query().map(str::to_owned),
                p.secret_in_url,
            )
        };

        assert_eq!(
            auth_header(&keyed, &BEARER).0,
            vec![format!("Bearer {KEY}")]
        );
        assert_eq!(auth_header(&keyed, &NONE).0, Vec::<String>::new());
        assert_eq!(auth_header(&nothing, &NONE).0, Vec::<String>::new());
        // Basic is listed first but only the key is configured: the key header is used.
        let (authorization, key_header, ..) = auth_header(&keyed, &BASIC_THEN_KEY);
        assert!(authorization.is_empty());
        assert_eq!(key_header, vec![KEY.to_owned()]);
        // Both configured: the first alternative (basic) wins.
        let (authorization, key_header, ..) = auth_header(&both, &BASIC_THEN_KEY);
        assert_eq!(
            authorization,
            vec![String::from("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")]
        );
        assert!(key_header.is_empty());
        assert_eq!(
            auth_header(&basic, &BASIC_THEN_KEY).0,
            vec![String::from("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")]
        );
        let (_, _, _, query, secret_in_url) = auth_header(&keyed, &QUERY);
        assert_eq!(query, Some(format!("api_key={KEY}")));
        assert!(secret_in_url);
        assert_eq!(auth_header(&keyed, &COOKIE).2, vec![format!("sid={KEY}")]);

        static BASIC: [&[&str]; 1] = [&["basic"]];
        for (client, auth, wanted) in [
            (
                &basic,
                &BEARER[..],
                "set ClientBuilder::bearer or api_key (a bearer token for `bearer`)",
            ),
            (
                &basic,
                &QUERY[..],
                "set ClientBuilder::query_key or api_key (an API key for `queryKey`)",
            ),
            (
                &nothing,
                &BEARER[..],
                "set ClientBuilder::bearer or api_key (a bearer token for `bearer`)",
            ),
            (
                &keyed,
                &BASIC[..],
                "set ClientBuilder::basic or basic_auth (a username and password for `basic`)",
            ),
        ] {
            let e = prepared(client, &op(auth), &PreparedRequest::default(), ANY)
                .err()
                .unwrap();
            assert_eq!(
                e.to_string(),
                format!("invalid client configuration: operation op needs credentials: {wanted}")
            );
        }
        let e = prepared(&keyed, &op(&BAD_HEADER), &PreparedRequest::default(), ANY)
            .err()
            .unwrap();
        assert!(matches!(e, Error::Config(_)), "{e}");
    }

    #[test]
    fn requirements_are_met_whole_in_order_and_anonymous_last() {
        static BOTH: [&[&str]; 1] = [&["bearer", "headerKey"]];
        static ANONYMOUS_FIRST: [&[&str]; 2] = [&[], &["bearer"]];
        let headers = |client: &Client, auth: &'static [&'static [&'static str]]| {
            prepared(client, &op(auth), &PreparedRequest::default(), ANY).map(|p| {
                (
                    header_text(&p, "authorization"),
                    header_text(&p, "x-api-key"),
                )
            })
        };
        let keyed = client_builder().api_key(KEY).build().unwrap();
        let basic = client_builder()
            .basic_auth("u", "p")
            .build_with(&info(false))
            .unwrap();
        // All schemes of one requirement together.
        assert_eq!(
            headers(&keyed, &BOTH).unwrap(),
            (vec![format!("Bearer {KEY}")], vec![KEY.to_owned()])
        );
        let e = headers(&basic, &BOTH).unwrap_err();
        assert!(
            e.to_string().contains(" and ClientBuilder::header_key"),
            "{e}"
        );
        // Anonymous only when no requirement can be met, wherever the spec lists it.
        assert_eq!(
            headers(&keyed, &ANONYMOUS_FIRST).unwrap().0,
            [format!("Bearer {KEY}")]
        );
        assert_eq!(headers(&basic, &ANONYMOUS_FIRST).unwrap(), (vec![], vec![]));
        // A scheme's own credential wins over the generic one, which still fills the rest.
        let own = client_builder()
            .api_key(KEY)
            .credential("bearer", "own-token")
            .basic_auth("generic", "x")
            .basic_credential("basic", "own", "y")
            .build()
            .unwrap();
        assert_eq!(
            headers(&own, &BOTH).unwrap(),
            (vec![String::from("Bearer own-token")], vec![KEY.to_owned()])
        );
        static BASIC: [&[&str]; 1] = [&["basic"]];
        assert_eq!(
            headers(&own, &BASIC).unwrap().0,
            [format!("Basic {}", crate::auth::base64(b"own:y"))]
        );
    }

    #[test]
    fn urls_are_built_and_encoded() {
        let client = client_builder()
            .api_key(KEY)
            .base_url(" https://example.com/v1/ ")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://example.com/v1");
        let request = PreparedRequest {
            path: "/track/sale".into(),
            query: vec![
                ("a".into(), "x y".into()),
                ("b".into(), "1&2=3+4".into()),
                ("filter[status]".into(), "open,paid".into()),
                ("p".into(), "1|2".into()),
                ("é".into(), "ü/?#%".into()),
            ],
            ..PreparedRequest::default()
        };
        assert_eq!(
            client.inner.url(&request, &[]).unwrap().as_str(),
            "https://example.com/v1/track/sale?a=x%20y&b=1%262%3D3%2B4\
             &filter%5Bstatus%5D=open,paid&p=1%7C2&%C3%A9=%C3%BC%2F%3F%23%25"
        );
        let bare = PreparedRequest {
            path: "ping".into(),
            ..PreparedRequest::default()
        };
        assert_eq!(
            client.inner.url(&bare, &[]).unwrap().as_str(),
            "https://example.com/v1/ping"
        );
        assert_eq!(
            client.inner.url(&bare, &[("key", "k y")]).unwrap().as_str(),
            "https://example.com/v1/ping?key=k%20y"
        );
    }

    #[test]
    fn headers_and_cookies_are_prepared() {
        static COOKIE_KEY: [&[&str]; 1] = [&["sessionCookie"]];
        let client = client_builder().api_key(KEY).build().unwrap();
        let request = PreparedRequest {
            headers: vec![("X-Trace", "abc".into()), ("X-List", "1,2".into())],
            cookies: vec![("theme", "dark mode;x".into()), ("ids", "1,2".into())],
            ..PreparedRequest::default()
        };
        let p = prepared(&client, &op(&COOKIE_KEY), &request, APPLICATION_JSON).unwrap();
        assert_eq!(header_text(&p, "x-trace"), ["abc"]);
        assert_eq!(header_text(&p, "x-list"), ["1,2"]);
        assert_eq!(header_text(&p, "accept"), ["application/json"]);
        assert_eq!(header_text(&p, "user-agent"), [crate::SDK_INFO.user_agent]);
        assert_eq!(
            header_text(&p, "cookie"),
            [format!("theme=dark%20mode%3Bx; ids=1,2; session={KEY}")]
        );
        assert!(p.headers.get("cookie").unwrap().is_sensitive());
        assert!(p.headers.get("authorization").is_none());

        let bad = PreparedRequest {
            headers: vec![("X-Trace", "a\r\nInjected: 1".into())],
            ..PreparedRequest::default()
        };
        let e = prepared(&client, &OP, &bad, ANY).err().unwrap();
        let violations = e.validation_error().unwrap().violations();
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].path, "X-Trace");
    }

    #[test]
    fn dot_segments_are_refused() {
        let op = OperationInfo {
            path_template: "/pets/{petId}/photo",
            ..op(&[])
        };
        assert!(check_path(&op, "/pets/p.1/photo").is_ok());
        assert!(check_path(&op, "/pets/.../photo").is_ok());
        assert!(check_path(&op, "/pets/%2E%2Ex/photo").is_ok());
        for id in [".", "..", "%2E", "%2e%2E", ".%2E", "%2e."] {
            let e = check_path(&op, &format!("/pets/{id}/photo")).unwrap_err();
            let violations = e.validation_error().unwrap().violations();
            assert_eq!(violations.len(), 1, "{id}");
            assert_eq!(violations[0].path, "petId");
            assert_eq!(violations[0].rule, Rule::Format("path-segment".into()));
        }
        let e = check_path(&op, "/a/b/c/..").unwrap_err();
        assert_eq!(e.validation_error().unwrap().violations()[0].path, "path");
        // Through `encode_path_segment`, as generated code builds paths.
        let path = format!("/pets/{}/photo", encode_path_segment(".."));
        assert!(check_path(&op, &path).is_err());
    }

    #[test]
    fn bodies_are_checked_before_sending() {
        assert!(check_body(&RequestBody::None).is_ok());
        assert!(
            check_body(&RequestBody::Bytes {
                content_type: "image/png",
                data: vec![1].into()
            })
            .is_ok()
        );
        assert!(matches!(
            check_body(&RequestBody::Text {
                content_type: "text/plain\n",
                text: String::new()
            }),
            Err(Error::Config(_))
        ));
        let parts = vec![
            MultipartPart {
                name: "ok".into(),
                value: PartValue::File(FileUpload::new("x").content_type("image/png")),
            },
            MultipartPart {
                name: "bad".into(),
                value: PartValue::File(FileUpload::new("x").content_type("not a type")),
            },
            MultipartPart {
                name: "text".into(),
                value: PartValue::Text("hello".into()),
            },
        ];
        let e = check_body(&RequestBody::Multipart(parts)).unwrap_err();
        let violations = e.validation_error().unwrap().violations();
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].path, "bad");
        assert_eq!(violations[0].rule, Rule::Format("media-type".into()));
    }

    #[test]
    fn file_uploads() {
        let file = FileUpload::new(b"hello".to_vec())
            .file_name("a.txt")
            .content_type("text/plain");
        assert_eq!(file.file_name.as_deref(), Some("a.txt"));
        assert_eq!(file.content_type.as_deref(), Some("text/plain"));
        assert_eq!(
            format!("{file:?}"),
            r#"FileUpload { file_name: Some("a.txt"), content_type: Some("text/plain"), data: <5 bytes> }"#
        );
        assert_eq!(serde_json::to_string(&file).unwrap(), r#""hello""#);
        assert_eq!(
            serde_json::to_string(&FileUpload::new(vec![0xff, b'a'])).unwrap(),
            "\"\u{fffd}a\""
        );
        let back: FileUpload = serde_json::from_str(r#""hi""#).unwrap();
        assert_eq!(back, FileUpload::new("hi"));
        assert!(serde_json::from_str::<FileUpload>("1").is_err());
    }

    #[test]
    fn success_and_decoding() {
        assert!(is_success(&OP, 200));
        assert!(is_success(&OP, 204));
        assert!(!is_success(&OP, 400));
        assert!(!is_success(&OP, 302));

        let unit: () = decode(204, &[]).unwrap();
        assert_eq!(unit, ());
        let none: Option<u32> = decode(200, b" \n").unwrap();
        assert_eq!(none, None);
        let value: serde_json::Value = decode(200, br#"{"a":1}"#).unwrap();
        assert_eq!(value["a"], 1);
        let e = decode::<u32>(200, b"{not json").unwrap_err();
        match e {
            Error::Decode { status, body, .. } => {
                assert_eq!(status, 200);
                assert_eq!(body, "{not json");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(into_text(b"ok".to_vec()), "ok");
        assert_eq!(into_text(vec![b'a', 0xff]), "a\u{fffd}");
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    fn client() -> Client {
        Client::builder().api_key(KEY).build().unwrap()
    }

    #[test]
    fn status_errors() {
        let response = RawResponse {
            status: 429,
            headers: headers(&[("x-request-id", "req_1"), ("retry-after", "2")]),
            retry_after: Some(Duration::from_secs(2)),
            body: bytes::Bytes::from_static(
                br#"{"error":{"code":"rate_limit_exceeded","message":"Slow down"}}"#,
            ),
            stream: None,
        };
        let client = client();
        let e =
            client
                .inner
                .status_error(&OP, response, 3, Some("gave up after 3 attempts".into()));
        let api = e.api_error().unwrap();
        assert_eq!(api.retry_after, Some(Duration::from_secs(2)));
        assert_eq!(api.attempts, 3);
        assert_eq!(e.request_id(), Some("req_1"));
        assert_eq!(e.headers().unwrap()["retry-after"], "2");
        assert_eq!(
            e.to_string(),
            "HTTP 429 Too Many Requests: Slow down (code: rate_limit_exceeded); gave up after 3 attempts"
        );

        let response = RawResponse {
            status: 418,
            headers: headers(&[("x-example-request-id", "req_2"), ("x-request-id", "no")]),
            retry_after: None,
            body: bytes::Bytes::from_static(&[0xff, b'x']),
            stream: None,
        };
        match client.inner.status_error(&OP, response, 1, None) {
            Error::UnexpectedStatus {
                status,
                operation_id,
                body,
                attempts,
                retry_note,
                retry_after,
                headers,
                request_id,
            } => {
                assert_eq!((status, operation_id, attempts), (418, "trackSale", 1));
                assert_eq!(body, "\u{fffd}x");
                assert_eq!((retry_note, retry_after), (None, None));
                assert_eq!(headers.len(), 2);
                // The header the spec documents comes before `x-request-id`.
                assert_eq!(request_id.as_deref(), Some("req_2"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_bodies_are_read_as_documented() {
        let client = client();
        let error = |status: u16, content_type: &'static str, body: &'static str| {
            let response = RawResponse {
                status,
                headers: headers(&[("content-type", content_type)]),
                retry_after: None,
                body: bytes::Bytes::from_static(body.as_bytes()),
                stream: None,
            };
            match client.inner.status_error(&OP, response, 1, None) {
                Error::Api(api) => *api,
                other => panic!("{other:?}"),
            }
        };
        // Documented as problem details.
        let problem = r#"{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":422,"detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc"}"#;
        let api = error(422, "application/json", problem);
        let details = api.problem.clone().unwrap();
        assert_eq!(details.status, Some(422));
        assert_eq!(
            details.title.as_deref(),
            Some("You do not have enough credit.")
        );
        assert_eq!(details.instance.as_deref(), Some("/account/12345/msgs/abc"));
        assert_eq!(
            api.to_string(),
            "HTTP 422 Unprocessable Entity: Your current balance is 30, but that costs 50. (docs: https://example.com/probs/out-of-credit)"
        );
        // Problem details by the content type, whatever the spec says (500 is opaque).
        let api = error(
            500,
            "application/problem+json; charset=utf-8",
            r#"{"title":"Boom"}"#,
        );
        assert_eq!(api.message.as_deref(), Some("Boom"));
        assert_eq!(api.problem.unwrap().problem_type, None);
        // Opaque: a body that looks like CodeQR's is not read as such where the spec does not
        // say so.
        let codeqr = r#"{"error":{"code":"x","message":"looks documented"}}"#;
        let api = error(500, "application/json", codeqr);
        assert_eq!((api.code, api.message, api.problem), (None, None, None));
        assert_eq!(api.body, codeqr);
        // Nested where documented; a flat body under a nested layout gives nothing.
        let api = error(400, "application/json", codeqr);
        assert_eq!(api.message.as_deref(), Some("looks documented"));
        let api = error(400, "application/json", r#"{"message":"flat"}"#);
        assert_eq!(api.message, None);
    }

    #[test]
    fn an_idempotency_header_is_generated_once_unless_the_caller_set_one() {
        static KEYED: OperationInfo = OperationInfo {
            operation_id: "placeOrder",
            method: reqwest::Method::POST,
            path_template: "/orders",
            idempotent: false,
            idempotency_key: None,
            idempotency_header: Some("Idempotency-Key"),
            success_statuses: &[201],
            documented_errors: &[],
            error_format: ErrorFormat::Opaque,
            error_formats: &[],
            auth: &[],
        };
        let keys = |request: &PreparedRequest| -> Vec<String> {
            request
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("idempotency-key"))
                .map(|(_, value)| value.clone())
                .collect()
        };
        // None set: one UUID v4 (version nibble 4, RFC 4122 variant).
        let mut request = PreparedRequest::default();
        assert!(with_idempotency_header(&KEYED, &mut request));
        let generated = keys(&request);
        assert_eq!(generated.len(), 1);
        let key = uuid::Uuid::parse_str(&generated[0]).unwrap();
        assert_eq!(key.get_version_num(), 4);
        assert_eq!(key.get_variant(), uuid::Variant::RFC4122);
        // Each call its own.
        let mut other = PreparedRequest::default();
        with_idempotency_header(&KEYED, &mut other);
        assert_ne!(keys(&other), generated);
        // The caller's, as a parameter: kept; an empty one replaced.
        let mut request = PreparedRequest {
            headers: vec![("idempotency-key", "mine".to_owned())],
            ..PreparedRequest::default()
        };
        assert!(with_idempotency_header(&KEYED, &mut request));
        assert_eq!(keys(&request), ["mine"]);
        let mut request = PreparedRequest {
            headers: vec![("Idempotency-Key", String::new())],
            ..PreparedRequest::default()
        };
        with_idempotency_header(&KEYED, &mut request);
        assert_eq!(keys(&request).len(), 1);
        assert!(!keys(&request)[0].is_empty());
        // The caller's, as a per-call header: nothing added.
        let mut request = PreparedRequest::default();
        request.options.headers.push((
            HeaderName::from_static("idempotency-key"),
            HeaderValue::from_static("per-call"),
        ));
        assert!(with_idempotency_header(&KEYED, &mut request));
        assert!(keys(&request).is_empty());
        // An operation without the header: nothing.
        let mut request = PreparedRequest::default();
        assert!(!with_idempotency_header(&OP, &mut request));
        assert!(request.headers.is_empty());
    }

    #[test]
    fn request_id_header_is_configurable() {
        let client = Client::builder()
            .api_key(KEY)
            .request_id_header("CF-Ray")
            .build()
            .unwrap();
        let found = client.inner.request_id(&headers(&[
            ("x-request-id", "not this"),
            ("cf-ray", "8a1b"),
        ]));
        assert_eq!(found.as_deref(), Some("8a1b"));
        assert_eq!(
            client.inner.request_id(&headers(&[("x-request-id", "x")])),
            None
        );
        let bad = Client::builder()
            .api_key(KEY)
            .request_id_header("bad header")
            .build()
            .unwrap_err();
        assert!(bad.to_string().contains("\"bad header\""), "{bad}");
    }

    #[test]
    fn client_is_send_sync() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
        check::<ClientBuilder>();
        check::<FileUpload>();
    }
}

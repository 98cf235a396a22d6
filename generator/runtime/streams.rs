// Bodies read as they arrive rather than whole: `ByteStream`, a response body's chunks (what
// `.stream()` gives for a binary response); `EventStream`, server-sent events (WHATWG HTML,
// "Server-sent events") decoded one by one into the type the spec documents (what `.stream()`
// gives for an operation that offers `text/event-stream`); and `Source`, where an upload read
// while it is sent comes from (`FileUpload::from_path`, `from_reader`), opened per attempt.
//
// The event-stream parser is written here rather than taken from a crate: the format is one loop
// over lines, and working on bytes is what keeps it right when a read ends inside a character
// (LF and CR never occur inside a UTF-8 sequence, so a line is decoded only once it is whole) or
// between the CR and LF of one line end. The crates for it (eventsource-stream) bring a
// parser-combinator dependency for that loop, and leave reconnection to the caller.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use std::path::PathBuf;
use std::sync::Arc;

use crate::client::{Call, Client, OperationInfo, PreparedRequest, RequestBody, Success};
use crate::error::Error;

type Chunks = Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// A response body as a stream of `Bytes` chunks, in the order they arrive: a `Stream` of
/// `Result<Bytes, Error>`. The body is never held whole: a 200 MB download through it needs
/// a chunk's memory at a time.
///
/// The call's timeout bounds each wait for the next chunk (a stalled server ends the stream
/// with [`Error::Timeout`]), not the whole transfer.
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream {
    status: u16,
    headers: HeaderMap,
    chunks: Chunks,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    /// The timer runs for the wait in progress: it starts when the consumer asks for a chunk,
    /// so time the consumer spends between chunks is not counted against the server.
    waiting: bool,
    attempts: u32,
    done: bool,
}

impl ByteStream {
    fn new(response: reqwest::Response, idle: Duration, attempts: u32) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        ByteStream {
            status,
            headers,
            chunks: Box::pin(response.bytes_stream()),
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            waiting: false,
            attempts,
            done: false,
        }
    }

    /// The response's HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response's headers (`Content-Type`, `Content-Length`, ...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body's length, when the response says (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<bytes::Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if !this.waiting {
            this.waiting = true;
            let deadline = tokio::time::Instant::now() + this.idle;
            this.timer.as_mut().reset(deadline);
        }
        match this.chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.waiting = false;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(source))) => {
                this.done = true;
                Poll::Ready(Some(Err(Error::Transport {
                    source,
                    attempts: this.attempts,
                    retry_note: Some(String::from(
                        "the connection broke while the body was being read",
                    )),
                })))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.done = true;
                    Poll::Ready(Some(Err(Error::Timeout {
                        timeout: this.idle,
                        attempts: this.attempts,
                        retry_note: Some(String::from("the body stopped arriving")),
                    })))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// Sends `request` for `op` as a streamed call: the success response with its body unread.
async fn send_streamed(
    client: &Client,
    op: &'static OperationInfo,
    mut request: PreparedRequest,
    accept: &'static str,
) -> Result<(ByteStream, u32), Error> {
    request.options.streamed = true;
    let idle = request.options.timeout.unwrap_or_else(|| client.timeout());
    let Success {
        stream, attempts, ..
    } = client.inner().send(op, request, accept).await?;
    match stream {
        Some(response) => Ok((ByteStream::new(*response, idle, attempts), attempts)),
        // A success the runtime did not stream (it always does for a streamed call).
        None => Err(Error::Config(String::from(
            "the response to a streamed call was read whole",
        ))),
    }
}

impl Call<Vec<u8>> {
    /// Sends the call and answers with the success response's body as a stream of chunks
    /// ([`ByteStream`]) instead of reading it whole: for downloads that should never sit in
    /// memory. Retries happen until the response's head arrives, as for any call; once the body
    /// is streaming, a broken connection ends the stream with an error.
    pub async fn stream(self) -> Result<ByteStream, Error> {
        let (client, op, request, _, _, ()) = self.into_parts();
        Ok(send_streamed(&client, op, request?, ANY).await?.0)
    }
}

const ANY: &str = "*/*";
const EVENT_STREAM: &str = "text/event-stream";

/// The call of an operation that offers `text/event-stream`: a [`Call`] whose
/// [`stream`](Call::stream) answers the events one by one.
pub type StreamingCall<T, E> = Call<T, &'static Events<E>>;

/// How the events of one operation are read: generated per streaming operation.
pub struct Events<E> {
    /// Decodes one event's data into the documented type.
    pub decode: fn(&str) -> Result<E, serde_json::Error>,
    /// The request body's boolean field that asks for a stream (OpenAI's `stream`), set to
    /// `true` by `.stream()`.
    pub flag: Option<&'static str>,
}

impl<E> fmt::Debug for Events<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("flag", &self.flag)
            .finish_non_exhaustive()
    }
}

/// One server-sent event, its data decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The data, decoded into the type the spec gives the event stream.
    pub data: T,
    /// The event's type (`event:`), if the server named one (browsers call it `message`).
    pub event: Option<String>,
    /// The stream's last event id when this event arrived (`id:` of this event or an earlier
    /// one), if the server gave one: what a reconnection sends as `Last-Event-ID`.
    pub id: Option<String>,
}

impl<T: Send + 'static, E: Send + 'static> Call<T, &'static Events<E>> {
    /// Sends the call asking for `text/event-stream` and answers with its events as they arrive
    /// ([`EventStream`], a `Stream` of `Result<Event<E>, Error>`); when the request body has a
    /// field that asks for a stream (`stream`), it is set to `true`.
    ///
    /// `data: [DONE]` ends the stream (OpenAI's convention), as does the end of the body. An
    /// event whose data does not decode is an [`Error::Event`] item (with its raw text), and the
    /// stream goes on. A connection that breaks is resumed with `Last-Event-ID` after the
    /// server's `retry:` delay (else the client's backoff), within the call's `max_retries`,
    /// only when a repeat is safe by the SDK's retry rule (an idempotent method, or a request
    /// carrying the operation's idempotency key): a POST stream without one is never sent again
    /// silently; its break is the stream's last item.
    pub async fn stream(self) -> Result<EventStream<E>, Error> {
        let (client, op, request, _, _, events) = self.into_parts();
        let mut request = request?;
        if let (Some(flag), RequestBody::Json(body)) = (events.flag, &mut request.body) {
            if let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(body) {
                object.insert(flag.to_owned(), serde_json::Value::Bool(true));
                *body = crate::client::encode_json(&object)?;
            }
        }
        // A repeat is safe by the SDK's retry rule: an idempotent method, or a request carrying
        // the operation's idempotency key (given a generated one now, so a reconnection sends
        // the same).
        let keyed = request.carries_idempotency_key
            || crate::client::with_idempotency_header(op, &mut request);
        let resend = (op.idempotent || keyed).then(|| request.clone());
        let max_retries = request
            .options
            .max_retries
            .unwrap_or_else(|| client.max_retries());
        let (body, attempts) = send_streamed(&client, op, request, EVENT_STREAM).await?;
        Ok(EventStream {
            client,
            op,
            events,
            resend,
            body: Some(body),
            connecting: None,
            parser: Parser::default(),
            ready: VecDeque::new(),
            retries_left: max_retries.saturating_sub(attempts.saturating_sub(1)),
            done: false,
        })
    }
}

type Connect = Pin<Box<dyn Future<Output = Result<(ByteStream, u32), Error>> + Send>>;

/// The events of a `text/event-stream` response, decoded: a `Stream` of
/// `Result<Event<E>, Error>`, from [`Call::stream`].
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<E: 'static> {
    client: Client,
    op: &'static OperationInfo,
    events: &'static Events<E>,
    /// The request to send again when the connection breaks (idempotent operations only).
    resend: Option<PreparedRequest>,
    body: Option<ByteStream>,
    connecting: Option<Connect>,
    parser: Parser,
    ready: VecDeque<RawEvent>,
    retries_left: u32,
    done: bool,
}

// Nothing is pinned in place: the body and the reconnection are boxed.
impl<E: 'static> Unpin for EventStream<E> {}

impl<E: 'static> fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("operation", &self.op.operation_id)
            .field("last_event_id", &self.parser.last_event_id)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<E: 'static> EventStream<E> {
    /// The id a reconnection would send as `Last-Event-ID`, if the server has given one.
    pub fn last_event_id(&self) -> Option<&str> {
        Some(self.parser.last_event_id.as_str()).filter(|id| !id.is_empty())
    }

    /// What to do when the body broke with `error`: reconnect, or end with the error.
    fn broken(&mut self, error: Error) -> Option<Error> {
        let Some(mut request) = self.resend.clone().filter(|_| self.retries_left > 0) else {
            return Some(match error {
                Error::Transport {
                    source, attempts, ..
                } => Error::Transport {
                    source,
                    attempts,
                    retry_note: Some(if self.resend.is_some() {
                        String::from("the event stream broke; not resumed: no retries left")
                    } else {
                        format!(
                            "the event stream broke; not resumed: {} is not idempotent, and sending it again could repeat its effect",
                            self.op.method
                        )
                    }),
                },
                other => other,
            });
        };
        self.retries_left -= 1;
        if let Some(id) = self.last_event_id()
            && let Ok(value) = HeaderValue::try_from(id)
        {
            request
                .options
                .headers
                .push((HeaderName::from_static("last-event-id"), value));
        }
        let delay = self
            .parser
            .retry
            .unwrap_or_else(|| self.client.inner().initial_backoff());
        let client = self.client.clone();
        let op = self.op;
        self.body = None;
        self.connecting = Some(Box::pin(async move {
            tokio::time::sleep(delay).await;
            send_streamed(&client, op, request, EVENT_STREAM).await
        }));
        None
    }
}

impl<E: 'static> futures_core::Stream for EventStream<E> {
    type Item = Result<Event<E>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                if raw.data.trim() == "[DONE]" {
                    this.done = true;
                    this.ready.clear();
                    return Poll::Ready(None);
                }
                return Poll::Ready(Some(match (this.events.decode)(&raw.data) {
                    Ok(data) => Ok(Event {
                        data,
                        event: raw.event,
                        id: raw.id,
                    }),
                    Err(source) => Err(Error::Event {
                        event: raw.event,
                        data: raw.data,
                        source,
                    }),
                }));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(connecting) = this.connecting.as_mut() {
                match connecting.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok((body, _))) => {
                        this.connecting = None;
                        this.parser.restart();
                        this.body = Some(body);
                    }
                    Poll::Ready(Err(error)) => {
                        this.connecting = None;
                        this.done = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }
            let Some(body) = this.body.as_mut() else {
                this.done = true;
                return Poll::Ready(None);
            };
            match Pin::new(body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.parser.feed(&chunk, &mut this.ready),
                // The end of the body ends the stream; an event it cut short is dropped, as a
                // browser drops it.
                Poll::Ready(None) => this.done = true,
                Poll::Ready(Some(Err(error))) => {
                    if let Some(error) = this.broken(error) {
                        this.done = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }
        }
    }
}

/// A reader of an upload's content, as [`Source::Reader`] opens it.
type Reader = Pin<Box<dyn tokio::io::AsyncRead + Send>>;
type Opening = Pin<Box<dyn Future<Output = std::io::Result<Reader>> + Send>>;
type OpenReader = dyn Fn() -> Opening + Send + Sync;

/// Where a streamed upload (`FileUpload::from_path`, `from_reader`) is read from: opened again
/// for each attempt, so a retry sends the content from its start.
#[derive(Clone)]
pub(crate) enum Source {
    Path(PathBuf),
    Reader {
        open: Arc<OpenReader>,
        length: Option<u64>,
    },
}

impl Source {
    pub(crate) fn reader<F, Fut, R>(open: F) -> Source
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<R>> + Send + 'static,
        R: tokio::io::AsyncRead + Send + 'static,
    {
        let open = move || -> Opening {
            let opening = open();
            Box::pin(async move { Ok(Box::pin(opening.await?) as Reader) })
        };
        Source::Reader {
            open: Arc::new(open),
            length: None,
        }
    }

    /// Refuses, before anything is sent, a file that cannot be read.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if let Source::Path(path) = self {
            let metadata = std::fs::metadata(path).map_err(|e| {
                Error::Config(format!(
                    "cannot read the file to upload {}: {e}",
                    path.display()
                ))
            })?;
            if !metadata.is_file() {
                return Err(Error::Config(format!(
                    "the upload {} is not a file",
                    path.display()
                )));
            }
        }
        Ok(())
    }

    /// A body reading the content from its start, and its length when known.
    pub(crate) fn body(&self) -> (reqwest::Body, Option<u64>) {
        let (opening, length): (Opening, _) = match self {
            Source::Path(path) => {
                let path = path.clone();
                // The length as the file is now: a file that changes while it is sent makes
                // the request fail rather than send a wrong length.
                let length = std::fs::metadata(&path).ok().map(|m| m.len());
                let opening =
                    Box::pin(
                        async move { Ok(Box::pin(tokio::fs::File::open(path).await?) as Reader) },
                    );
                (opening, length)
            }
            Source::Reader { open, length } => (open(), *length),
        };
        let stream = Upload::Opening(opening);
        (reqwest::Body::wrap_stream(stream), length)
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        match (self, other) {
            (Source::Path(a), Source::Path(b)) => a == b,
            (Source::Reader { open: a, length: x }, Source::Reader { open: b, length: y }) => {
                Arc::ptr_eq(a, b) && x == y
            }
            _ => false,
        }
    }
}

impl Eq for Source {}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Source::Reader { length, .. } => f
                .debug_struct("Reader")
                .field("length", length)
                .finish_non_exhaustive(),
        }
    }
}

/// Size of each read of an upload: large enough to keep the connection busy, small enough that
/// an upload holds a few of them at a time.
const UPLOAD_CHUNK: usize = 64 * 1024;

/// An upload's content as a stream of chunks: its source opened, then read.
enum Upload {
    Opening(Opening),
    Reading(tokio_util::io::ReaderStream<Reader>),
}

impl futures_core::Stream for Upload {
    type Item = std::io::Result<bytes::Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this {
                Upload::Opening(opening) => match opening.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(reader)) => {
                        *this = Upload::Reading(tokio_util::io::ReaderStream::with_capacity(
                            reader,
                            UPLOAD_CHUNK,
                        ));
                    }
                },
                Upload::Reading(reader) => return Pin::new(reader).poll_next(cx),
            }
        }
    }
}

/// One event as the stream gave it, before its data is decoded.
#[derive(Debug, PartialEq)]
struct RawEvent {
    event: Option<String>,
    data: String,
    id: Option<String>,
}

/// The event-stream parser (WHATWG HTML §9.2.6, "Interpreting an event stream"), fed bytes as
/// they arrive.
#[derive(Debug, Default)]
struct Parser {
    /// The current line's bytes so far.
    line: Vec<u8>,
    /// The last byte was a CR: an LF right after it ends the same line.
    after_cr: bool,
    /// Past the start of the stream, where a byte order mark is dropped.
    started: bool,
    data: String,
    event: String,
    /// The last event ID buffer.
    id_buffer: String,
    /// The last event ID string: what a reconnection sends.
    last_event_id: String,
    /// The reconnection time the server asked for (`retry:`).
    retry: Option<Duration>,
}

impl Parser {
    /// Takes `chunk`, adding the events it completes to `out`.
    fn feed(&mut self, mut chunk: &[u8], out: &mut VecDeque<RawEvent>) {
        while !chunk.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    chunk = &chunk[1..];
                    continue;
                }
            }
            match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.line.extend_from_slice(&chunk[..end]);
                    self.after_cr = chunk[end] == b'\r';
                    chunk = &chunk[end + 1..];
                    let line = std::mem::take(&mut self.line);
                    self.line(&line, out);
                    self.line = line;
                    self.line.clear();
                }
                None => {
                    self.line.extend_from_slice(chunk);
                    chunk = &[];
                }
            }
        }
    }

    /// After a reconnection: a new body starts (the last event id and retry are kept).
    fn restart(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.started = false;
        self.data.clear();
        self.event.clear();
    }

    fn line(&mut self, bytes: &[u8], out: &mut VecDeque<RawEvent>) {
        let text = String::from_utf8_lossy(bytes);
        let mut line: &str = &text;
        if !self.started {
            self.started = true;
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return; // a comment (a keep-alive, mostly)
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.id_buffer),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {} // an unknown field is ignored
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        self.last_event_id.clone_from(&self.id_buffer);
        if self.data.is_empty() {
            self.event.clear();
            return;
        }
        if self.data.ends_with('\n') {
            self.data.pop();
        }
        out.push_back(RawEvent {
            event: Some(std::mem::take(&mut self.event)).filter(|e| !e.is_empty()),
            data: std::mem::take(&mut self.data),
            id: Some(self.last_event_id.clone()).filter(|id| !id.is_empty()),
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn parse_in(chunks: &[&[u8]]) -> (Vec<RawEvent>, Parser) {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out);
        }
        (out.into_iter().collect(), parser)
    }

    fn raw(event: Option<&str>, data: &str, id: Option<&str>) -> RawEvent {
        RawEvent {
            event: event.map(str::to_owned),
            data: data.to_owned(),
            id: id.map(str::to_owned),
        }
    }

    const STREAM: &str = "\u{feff}: a comment\r\nretry: 2500\nevent: delta\ndata: {\"a\":\ndata:1}\rid: 7\r\n\r\ndata: é€😀\n\nid\ndata\n\ndata: ignored, no blank line after it";

    #[test]
    fn the_whatwg_format() {
        let (events, parser) = parse_in(&[STREAM.as_bytes()]);
        assert_eq!(
            events,
            [
                raw(Some("delta"), "{\"a\":\n1}", Some("7")),
                raw(None, "é€😀", Some("7")),
                // `id` alone resets the id; `data` alone is an empty line of data.
                raw(None, "", None),
            ]
        );
        assert_eq!(parser.retry, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn split_at_every_byte() {
        // Every split point, a multi-byte character and a CR LF included, gives the same events.
        let whole = parse_in(&[STREAM.as_bytes()]).0;
        let bytes = STREAM.as_bytes();
        for at in 0..bytes.len() {
            let (events, _) = parse_in(&[&bytes[..at], &bytes[at..]]);
            assert_eq!(events, whole, "split at {at}");
        }
        let single: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(parse_in(&single).0, whole);
    }

    #[test]
    fn cr_lf_and_crlf_end_lines_alike() {
        for end in ["\n", "\r", "\r\n"] {
            let text = format!("event: e{end}data: x{end}data: y{end}{end}");
            assert_eq!(
                parse_in(&[text.as_bytes()]).0,
                [raw(Some("e"), "x\ny", None)],
                "{end:?}"
            );
        }
        // A CR at the end of one read and an LF at the start of the next are one line end.
        let (events, _) = parse_in(&[b"data: a\r", b"\n\r", b"\ndata: b\n\n"]);
        assert_eq!(events, [raw(None, "a", None), raw(None, "b", None)]);
    }

    #[test]
    fn fields_as_the_standard_reads_them() {
        let (events, parser) = parse_in(&[
            b"data:no space\ndata:  two spaces\nretry: 1x\nretry:\nid: a\0b\nfoo: bar\n\n",
        ]);
        assert_eq!(events, [raw(None, "no space\n two spaces", None)]);
        assert_eq!(parser.retry, None);
        // An event type without data dispatches nothing and is forgotten.
        let (events, _) = parse_in(&[b"event: lonely\n\ndata: x\n\n"]);
        assert_eq!(events, [raw(None, "x", None)]);
    }
}

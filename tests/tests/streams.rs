//! Bodies read as they arrive, against a raw HTTP/1.1 server on loopback that controls every
//! byte and every read: server-sent events split at random points (comments, `retry`, CRLF,
//! multi-byte characters), `[DONE]`, an event that does not decode, a dropped GET stream resumed
//! with `Last-Event-ID`, a dropped POST stream not resumed, OpenAPI 3.2's `itemSchema`, and a
//! binary download read as chunks. (wiremock answers with whole bodies, so it cannot split or
//! drop one.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use features_sdk::types::{CreateChatCompletionRequest, WatchShipsParams};
use features_sdk::{Client, Error};
use futures::{StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection, in order.
#[derive(Clone, Debug)]
enum Step {
    /// Sends these bytes as one chunk of the chunked body, and flushes.
    Send(Vec<u8>),
    /// Waits.
    Sleep(u64),
    /// Ends the body properly.
    End,
    /// Closes the connection in the middle of the body.
    Drop,
    /// Keeps the connection open (and silent) for a long time.
    Hang,
}

/// One request as the server read it: the head (lower-cased header names) and the body.
#[derive(Clone, Debug)]
struct Seen {
    head: String,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// A server answering the n-th connection with `scripts[n]` (status 200 and `content_type`,
/// unless the script's first step sends a full status line with `Step::Send` of "HTTP/...").
async fn serve(
    content_type: &'static str,
    scripts: Vec<Vec<Step>>,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        for script in scripts {
            let (socket, _) = listener.accept().await.unwrap();
            let log = log.clone();
            tokio::spawn(answer(socket, content_type, script, log));
        }
    });
    (uri, seen)
}

async fn answer(
    mut socket: TcpStream,
    content_type: &str,
    script: Vec<Step>,
    log: Arc<Mutex<Vec<Seen>>>,
) {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1024];
    let head_end = loop {
        let n = socket.read(&mut byte).await.unwrap();
        buffer.extend_from_slice(&byte[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = socket.read(&mut byte).await.unwrap();
        buffer.extend_from_slice(&byte[..n]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..]).into_owned();
    log.lock().unwrap().push(Seen { head, body });
    let status = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    socket.write_all(status.as_bytes()).await.unwrap();
    for step in script {
        match step {
            Step::Send(bytes) => {
                let chunk = format!("{:x}\r\n", bytes.len());
                let mut out = chunk.into_bytes();
                out.extend_from_slice(&bytes);
                out.extend_from_slice(b"\r\n");
                if socket.write_all(&out).await.is_err() {
                    return;
                }
                socket.flush().await.unwrap();
            }
            Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Step::End => {
                let _ = socket.write_all(b"0\r\n\r\n").await;
                return;
            }
            Step::Drop => return,
            Step::Hang => {
                tokio::time::sleep(Duration::from_secs(60)).await;
                return;
            }
        }
    }
}

/// `text` cut into pieces of random sizes (1 to 7 bytes), each sent as its own chunk with a
/// short pause, so that the client reads them separately.
fn in_random_pieces(text: &str, seed: u64) -> Vec<Step> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let bytes = text.as_bytes();
    let mut steps = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + rng.usize(1..8)).min(bytes.len());
        steps.push(Step::Send(bytes[at..end].to_vec()));
        if rng.bool() {
            steps.push(Step::Sleep(1));
        }
        at = end;
    }
    steps
}

fn client(uri: &str) -> Client {
    Client::builder()
        .base_url(uri)
        .timeout(Duration::from_secs(5))
        .initial_backoff(Duration::from_millis(5))
        .build()
        .unwrap()
}

fn chat_request() -> CreateChatCompletionRequest {
    CreateChatCompletionRequest::builder()
        .model("m-1")
        .prompt("hello")
        .build()
        .unwrap()
}

/// Comments, `retry`, `event`, `id`, a multi-line data, CR, LF and CRLF line ends, multi-byte
/// characters, then `[DONE]`.
const CHAT: &str = "\u{feff}: keep-alive\r\nretry: 3000\r\n\r\nevent: delta\nid: 1\ndata: {\"delta\": \"Hé\",\ndata:  \"index\": 0}\n\ndata: {\"delta\": \"llo 😀 wörld\"}\r\rid: 2\r\n: another comment\r\ndata: {\"delta\": \"!\"}\r\n\r\ndata: [DONE]\n\n";

#[tokio::test]
async fn events_split_anywhere_decode_the_same() {
    for seed in 0..8 {
        let mut script = in_random_pieces(CHAT, seed);
        // The server would keep the connection open: `[DONE]` ends the stream anyway.
        script.push(Step::Hang);
        let (uri, seen) = serve("text/event-stream", vec![script]).await;
        let mut events = client(&uri)
            .chat()
            .create_chat_completion(chat_request())
            .stream()
            .await
            .unwrap();
        let mut got = Vec::new();
        while let Some(event) = tokio::time::timeout(Duration::from_secs(5), events.try_next())
            .await
            .expect("[DONE] ends the stream")
            .unwrap()
        {
            got.push((event.data.delta, event.data.index, event.event, event.id));
        }
        assert_eq!(
            got,
            [
                (
                    "Hé".to_owned(),
                    Some(0),
                    Some("delta".to_owned()),
                    Some("1".to_owned())
                ),
                ("llo 😀 wörld".to_owned(), None, None, Some("1".to_owned())),
                ("!".to_owned(), None, None, Some("2".to_owned())),
            ],
            "seed {seed}"
        );
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            seen[0].header("accept").as_deref(),
            Some("text/event-stream")
        );
        // `.stream()` asked for a stream in the body.
        let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
        assert_eq!(body["stream"], true);
        assert_eq!(body["model"], "m-1");
    }
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_an_error_item_and_the_stream_goes_on() {
    let text = "event: delta\ndata: {\"delta\": 5}\n\ndata: {\"delta\": \"ok\"}\n\n";
    let (uri, _) = serve(
        "text/event-stream",
        vec![vec![Step::Send(text.into()), Step::End]],
    )
    .await;
    let mut events = client(&uri)
        .chat()
        .create_chat_completion(chat_request())
        .stream()
        .await
        .unwrap();
    match events.next().await {
        Some(Err(Error::Event { event, data, .. })) => {
            assert_eq!(event.as_deref(), Some("delta"));
            assert_eq!(data, "{\"delta\": 5}");
        }
        other => panic!("expected an event error, got {other:?}"),
    }
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "ok");
    // The body ended: so does the stream.
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_dropped_get_stream_resumes_with_last_event_id() {
    let first = "retry: 20\nid: a1\ndata: {\"id\": \"s1\"}\n\nid: a2\ndata: {\"id\": \"s2\"}\n\ndata: {\"id\": \"cut sh";
    let second = "id: a3\ndata: {\"id\": \"s3\"}\n\n";
    let (uri, seen) = serve(
        "text/event-stream",
        vec![
            vec![Step::Send(first.into()), Step::Drop],
            vec![Step::Send(second.into()), Step::End],
        ],
    )
    .await;
    let params = WatchShipsParams::builder()
        .fleet("north")
        .build()
        .expect("valid");
    let events = client(&uri)
        .chat()
        .watch_ships(params)
        .header("x-trace", "w")
        .stream()
        .await
        .unwrap();
    let ids: Vec<String> = events.map_ok(|e| e.data.id).try_collect().await.unwrap();
    // The event the drop cut short is not delivered; the one after the reconnection is.
    assert_eq!(ids, ["s1", "s2", "s3"]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].header("last-event-id"), None);
    assert_eq!(seen[1].header("last-event-id").as_deref(), Some("a2"));
    assert!(
        seen[1].head.starts_with("GET /ships/watch?fleet=north "),
        "{}",
        seen[1].head
    );
    assert_eq!(seen[1].header("x-trace").as_deref(), Some("w"));
}

#[tokio::test]
async fn a_get_stream_resumes_only_within_max_retries() {
    let piece = "data: {\"id\": \"s\"}\n\n";
    let (uri, seen) = serve(
        "text/event-stream",
        vec![
            vec![Step::Send(piece.into()), Step::Drop],
            vec![Step::Send(piece.into()), Step::Drop],
            vec![Step::Send(piece.into()), Step::Drop],
        ],
    )
    .await;
    let mut events = client(&uri)
        .chat()
        .watch_ships(WatchShipsParams::default())
        .max_retries(1)
        .stream()
        .await
        .unwrap();
    assert!(events.next().await.unwrap().is_ok());
    assert!(events.next().await.unwrap().is_ok());
    let error = events.next().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("could not complete"), "{error}");
    assert!(events.next().await.is_none());
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_dropped_post_stream_is_not_sent_again() {
    let text = "data: {\"delta\": \"Hel\"}\n\ndata: {\"delta\": \"lo\"";
    let (uri, seen) = serve(
        "text/event-stream",
        vec![vec![Step::Send(text.into()), Step::Drop], vec![Step::End]],
    )
    .await;
    let mut events = client(&uri)
        .chat()
        .create_chat_completion(chat_request())
        .stream()
        .await
        .unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "Hel");
    match events.next().await {
        Some(Err(Error::Transport { retry_note, .. })) => {
            let note = retry_note.unwrap_or_default();
            assert!(
                note.contains("not resumed: POST is not idempotent"),
                "{note}"
            );
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(events.next().await.is_none());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(seen.lock().unwrap().len(), 1, "the POST was sent once");
}

#[tokio::test]
async fn item_schemas_give_the_data_type() {
    let text = "event: log\ndata: {\"line\": \"started\", \"level\": \"info\"}\n\ndata: {\"line\": \"ok\"}\n\n";
    let (uri, _) = serve(
        "text/event-stream",
        vec![vec![Step::Send(text.into()), Step::End]],
    )
    .await;
    let lines: Vec<(String, Option<String>)> = client(&uri)
        .chat()
        .tail_logs()
        .stream()
        .await
        .unwrap()
        .map_ok(|e| (e.data.line, e.data.level))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        lines,
        [
            ("started".to_owned(), Some("info".to_owned())),
            ("ok".to_owned(), None)
        ]
    );
}

#[tokio::test]
async fn a_stream_that_stalls_times_out_between_chunks() {
    let (uri, _) = serve(
        "text/event-stream",
        vec![vec![
            Step::Send(b"data: {\"delta\": \"a\"}\n\n".to_vec()),
            Step::Hang,
        ]],
    )
    .await;
    let client = Client::builder()
        .base_url(&uri)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut events = client
        .chat()
        .create_chat_completion(chat_request())
        .stream()
        .await
        .unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "a");
    let error = events.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn a_long_stream_outlives_the_timeout_while_data_keeps_coming() {
    // Twelve events 50 ms apart: 600 ms in all, with a 300 ms timeout.
    let mut script = Vec::new();
    for i in 0..12 {
        script.push(Step::Send(
            format!("data: {{\"delta\": \"{i}\"}}\n\n").into_bytes(),
        ));
        script.push(Step::Sleep(50));
    }
    script.push(Step::End);
    let (uri, _) = serve("text/event-stream", vec![script]).await;
    let client = Client::builder()
        .base_url(&uri)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let count = client
        .chat()
        .create_chat_completion(chat_request())
        .stream()
        .await
        .unwrap()
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, 12);
}

#[tokio::test]
async fn downloads_stream_in_chunks() {
    let chunks: Vec<Vec<u8>> = (0..50u8).map(|i| vec![i; 1000]).collect();
    let mut script: Vec<Step> = chunks.iter().cloned().map(Step::Send).collect();
    script.push(Step::End);
    let (uri, _) = serve("application/pdf", vec![script]).await;
    let mut stream = client(&uri)
        .default()
        .get_report("r1")
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let mut total = Vec::new();
    let mut reads = 0;
    while let Some(chunk) = stream.try_next().await.unwrap() {
        total.extend_from_slice(&chunk);
        reads += 1;
    }
    assert_eq!(total, chunks.concat());
    assert!(reads > 1, "read as it arrived, not whole");
}

// ---------------------------------------------------------------------------------------------
// uploads read while they are sent
// ---------------------------------------------------------------------------------------------

mod uploads {
    use super::*;
    use features_sdk::FileUpload;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A temporary file of `len` patterned bytes, removed on drop.
    struct TempFile(std::path::PathBuf, Vec<u8>);

    impl TempFile {
        fn new(name: &str, len: usize) -> TempFile {
            let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = std::env::temp_dir().join(format!("{}-{name}", std::process::id()));
            std::fs::write(&path, &content).unwrap();
            TempFile(path, content)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    async fn photo_server(first_status: u16) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/pets/p1/photo"))
            .respond_with(ResponseTemplate::new(first_status))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/pets/p1/photo"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn a_file_is_sent_from_its_path_and_again_on_a_retry() {
        let file = TempFile::new("photo.png", 3 * 1024 * 1024 + 17);
        let server = photo_server(503).await;
        client(&server.uri())
            .pets()
            .put_photo("p1", FileUpload::from_path(&file.0))
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        // PUT is idempotent: the 503 was retried, and the retry sent the whole file again.
        assert_eq!(requests.len(), 2);
        for request in &requests {
            assert_eq!(request.body, file.1);
            assert_eq!(request.headers["content-type"], "image/png");
            assert_eq!(
                request.headers["content-length"],
                file.1.len().to_string().as_str()
            );
        }
    }

    #[tokio::test]
    async fn a_reader_is_opened_again_for_each_attempt() {
        let content: Vec<u8> = b"0123456789".repeat(10_000);
        let opened = Arc::new(AtomicUsize::new(0));
        let (count, data) = (opened.clone(), content.clone());
        let upload = FileUpload::from_reader(move || {
            count.fetch_add(1, Ordering::SeqCst);
            let data = data.clone();
            async move { Ok(std::io::Cursor::new(data)) }
        });
        let server = photo_server(500).await;
        client(&server.uri())
            .pets()
            .put_photo("p1", upload)
            .await
            .unwrap();
        assert_eq!(opened.load(Ordering::SeqCst), 2);
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2);
        assert!(requests.iter().all(|r| r.body == content));
        // No length given: sent chunked.
        assert!(requests[0].headers.get("content-length").is_none());
    }

    #[tokio::test]
    async fn a_missing_file_fails_before_anything_is_sent() {
        let server = photo_server(204).await;
        let missing = std::env::temp_dir().join("no-such-upload.png");
        let error = client(&server.uri())
            .pets()
            .put_photo("p1", FileUpload::from_path(&missing))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Config(message) if message.contains("cannot read the file to upload")),
            "{error:?}"
        );
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn multipart_parts_stream_from_a_path() {
        let file = TempFile::new("report.csv", 200_000);
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/uploads"))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .mount(&server)
            .await;
        let request = features_sdk::types::UploadRequest::builder()
            .file(FileUpload::from_path(&file.0).content_type("text/csv"))
            .build()
            .unwrap();
        let receipt = client(&server.uri()).files().upload(request).await.unwrap();
        assert_eq!(receipt, "ok");
        let requests = server.received_requests().await.unwrap();
        let body = &requests[0].body;
        let name = file.0.file_name().unwrap().to_string_lossy().into_owned();
        let head = String::from_utf8_lossy(&body[..300]).into_owned();
        assert!(head.contains(&format!("filename=\"{name}\"")), "{head}");
        assert!(head.contains("text/csv"), "{head}");
        // The file's bytes are in the body, whole.
        assert!(body.windows(file.1.len()).any(|w| w == file.1.as_slice()));
    }

    #[test]
    fn streamed_files_do_not_pretend_to_be_json() {
        let error = serde_json::to_string(&FileUpload::from_path("/tmp/x")).unwrap_err();
        assert!(error.to_string().contains("not in JSON"), "{error}");
        let debug = format!("{:?}", FileUpload::from_path("/tmp/x.png"));
        assert!(debug.contains("x.png"), "{debug}");
    }
}

/// A POST that carries an idempotency key is safe to repeat: its broken stream is resumed, with
/// the same key; events without a schema are their text.
#[tokio::test]
async fn a_keyed_post_stream_is_resumed_with_the_same_key() {
    let (uri, seen) = serve(
        "text/event-stream",
        vec![
            vec![
                Step::Send(b"id: 1\ndata: packed\n\ndata: sh".to_vec()),
                Step::Drop,
            ],
            vec![Step::Send(b"data: shipped\n\n".to_vec()), Step::End],
        ],
    )
    .await;
    let body = features_sdk::types::StreamOrderRequest::builder()
        .item("book")
        .build()
        .unwrap();
    let steps: Vec<String> = client(&uri)
        .chat()
        .stream_order(body, features_sdk::types::StreamOrderParams::default())
        .stream()
        .await
        .unwrap()
        .map_ok(|e| e.data)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(steps, ["packed", "shipped"]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let key = seen[0].header("idempotency-key").expect("a generated key");
    assert_eq!(seen[1].header("idempotency-key"), Some(key));
    assert_eq!(seen[1].header("last-event-id").as_deref(), Some("1"));
}

/// The timeout bounds the server's silence, not the consumer's: a consumer that takes longer
/// than the timeout over one event still gets the next.
#[tokio::test]
async fn a_slow_consumer_is_not_a_silent_server() {
    let (uri, _) = serve(
        "text/event-stream",
        vec![vec![
            Step::Send(b"data: {\"delta\": \"a\"}\n\n".to_vec()),
            Step::Sleep(450),
            Step::Send(b"data: {\"delta\": \"b\"}\n\n".to_vec()),
            Step::End,
        ]],
    )
    .await;
    let client = Client::builder()
        .base_url(&uri)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut events = client
        .chat()
        .create_chat_completion(chat_request())
        .stream()
        .await
        .unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "a");
    // 400 ms of work: the server's 450 ms gap is then only 50 ms of waiting.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "b");
}

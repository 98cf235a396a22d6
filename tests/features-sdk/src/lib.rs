//! The SDK generated from `tests/fixtures/features.yaml`: allOf, oneOf, recursion, parameter
//! styles, headers and cookies, form, multipart and binary bodies, every security scheme, every
//! kind of pagination, server-sent events. Exercised by `tests/tests/features.rs`,
//! `pagination.rs` and `streams.rs`.

include!(concat!(env!("OUT_DIR"), "/features.rs"));

/// Server-sent events and streamed bodies, as a user writes them (compiled by
/// `cargo test --doc`; the behaviour is tested against a loopback server in
/// `tests/tests/streams.rs`):
///
/// ```no_run
/// # async fn demo(
/// #     client: features_sdk::Client,
/// #     body: features_sdk::types::CreateChatCompletionRequest,
/// # ) -> Result<(), features_sdk::Error> {
/// use features_sdk::FileUpload;
/// use futures::TryStreamExt; // the streams are futures_core::Stream: any combinators work
///
/// // An operation whose success response offers text/event-stream gains .stream().
/// let mut events = client.chat().create_chat_completion(body).stream().await?;
/// while let Some(event) = events.try_next().await? {
///     let chunk = event.data; // decoded into the stream's schema
///     let _ = (event.event, event.id); // Option<String> each
///     let _: features_sdk::types::ChatChunk = chunk;
/// }
///
/// // A binary response, chunk by chunk; an upload read from disk as it is sent.
/// let mut report = client.default().get_report("r1").stream().await?;
/// while let Some(chunk) = report.try_next().await? {
///     let _: bytes::Bytes = chunk;
/// }
/// client.pets().put_photo("p1", FileUpload::from_path("photo.png")).await?;
/// # Ok(())
/// # }
/// ```
pub mod streaming {}

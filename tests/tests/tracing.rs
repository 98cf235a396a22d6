//! The `tracing` feature of a generated SDK (the features fixture's): a span per call and an
//! event per retry, captured by a test subscriber.
//!
//! A test binary of its own: tracing caches, per call site, whether any subscriber wants it,
//! and tests on other threads hitting the SDK's call sites while this one installs its
//! subscriber made that cache miss the span (seen in `features.rs`, where it ran beside 64
//! others).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::time::Duration;

use features_sdk::Client;
use features_sdk::types::{ListPetsParams, PlaceOrderParams, PlaceOrderRequest};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk_test_tracing_0123456789";
const REQUEST_ID: &str = "req-12345678";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .initial_backoff(Duration::from_millis(10))
        .build()
        .expect("client builds")
}

fn order() -> PlaceOrderRequest {
    PlaceOrderRequest::builder()
        .pet_id(7)
        .build()
        .expect("valid order")
}

fn list_params() -> ListPetsParams {
    ListPetsParams::builder()
        .x_request_id(REQUEST_ID)
        .build()
        .expect("valid params")
}

/// What a test subscriber saw: each closed span (name and fields), each event (its fields and
/// the span it was in).
#[derive(Debug, Default)]
struct Seen {
    spans: Vec<(String, BTreeMap<String, String>)>,
    events: Vec<(Option<String>, BTreeMap<String, String>)>,
}

/// A `tracing_subscriber` layer that keeps every span's and event's fields as text.
struct CaptureLayer(std::sync::Arc<std::sync::Mutex<Seen>>);

/// Span fields as recorded so far, kept in the span's extensions.
struct Fields(BTreeMap<String, String>);

struct Visitor<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S> tracing_subscriber::Layer<S> for CaptureLayer
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Visitor(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Fields(fields));
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(&mut Visitor(&mut fields.0));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: tracing_subscriber::layer::Context<'_, S>) {
        // The SDK's own, not those of the HTTP stack under it (hyper's connection pool).
        if !event.metadata().target().starts_with("features_sdk") {
            return;
        }
        let mut fields = BTreeMap::new();
        event.record(&mut Visitor(&mut fields));
        let parent = ctx.event_span(event).map(|s| s.name().to_owned());
        self.0.lock().unwrap().events.push((parent, fields));
    }

    fn on_close(&self, id: tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && span.metadata().target().starts_with("features_sdk")
        {
            let fields = span
                .extensions()
                .get::<Fields>()
                .map(|f| f.0.clone())
                .unwrap_or_default();
            self.0
                .lock()
                .unwrap()
                .spans
                .push((span.name().to_owned(), fields));
        }
    }
}

#[tokio::test]
async fn tracing_gives_a_span_per_call_and_an_event_per_retry_without_secrets() {
    use tracing_subscriber::layer::SubscriberExt;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Seen::default()));
    let subscriber = tracing_subscriber::registry().with(CaptureLayer(seen.clone()));
    // The test runs on one thread (tokio's current-thread runtime): the subscriber sees every
    // span the SDK makes in it.
    let _default = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req_traced")
                .set_body_json(json!({"orderId": "o_1"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    let client = client(&server);
    let params = PlaceOrderParams::builder()
        .idempotency_key("secret-looking-key")
        .build()
        .expect("valid");
    client
        .pets()
        .place_order(order(), params)
        .await
        .expect("503, then 201");
    // The API key goes in this one's query string.
    client
        .pets()
        .list_pets(list_params())
        .await
        .expect_err("400");

    let seen = seen.lock().unwrap();
    let calls: Vec<&BTreeMap<String, String>> = seen
        .spans
        .iter()
        .filter(|(name, _)| name == "call")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(calls.len(), 2, "{seen:?}");
    let expected = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        *calls[0],
        expected(&[
            ("operation", "placeOrder"),
            ("method", "POST"),
            ("path", "/orders"),
            ("attempts", "2"),
            ("status", "201"),
            ("request_id", "req_traced"),
        ])
    );
    assert_eq!(
        *calls[1],
        expected(&[
            ("operation", "listPets"),
            ("method", "GET"),
            ("path", "/pets"),
            ("attempts", "1"),
            ("status", "400"),
        ])
    );
    let retries: Vec<&BTreeMap<String, String>> = seen
        .events
        .iter()
        .filter(|(parent, fields)| {
            parent.as_deref() == Some("call")
                && fields.get("message").map(String::as_str) == Some("retrying")
        })
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(retries.len(), 1, "{seen:?}");
    assert_eq!(retries[0]["reason"], "HTTP 503");
    assert_eq!(retries[0]["attempt"], "1");
    assert!(retries[0]["delay_ms"].parse::<u64>().is_ok());
    assert_eq!(seen.events.len(), 1, "the SDK's only event: {seen:?}");
    // No secret, no URL, no header value in any field.
    let everything = format!("{seen:?}");
    for secret in [API_KEY, "secret-looking-key", REQUEST_ID, "127.0.0.1"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}

//! Fixtures shared by the benchmarks in `benches/`:
//!
//! - [`full_sale`]: a `TrackSaleRequest` with every field set and its metadata near the
//!   10,000-unit limit, the heaviest valid request the spec allows in practice;
//! - [`request_schema`]: the spec's `TrackSaleRequest` schema turned into a JSON Schema
//!   (2020-12) document, by code, for the `jsonschema` crate;
//! - [`LoopbackServer`]: a minimal HTTP/1.1 server that answers every request with a fixed
//!   `TrackSaleResponse`, fast enough not to be what a client benchmark measures, and that counts
//!   the connections it accepts (to show that clients reuse them).

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use codeqr::types::{PaymentProcessor, TrackSaleRequest};
use http_body_util::{BodyExt, Full};
use serde_json::{Map, Value, json};

/// The metadata limit of the spec (`x-max-stringified-length` on `TrackSaleRequest.metadata`).
pub const METADATA_LIMIT: usize = 10_000;

/// The workspace's `spec/openapi.yaml`.
pub fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")
}

/// The length of `value`'s compact JSON text in UTF-16 code units (JavaScript's
/// `JSON.stringify(value).length`), computed the plain way.
pub fn stringified_utf16_len(value: &impl serde::Serialize) -> usize {
    serde_json::to_string(value)
        .map(|text| text.encode_utf16().count())
        .unwrap_or(usize::MAX)
}

/// Metadata of a realistic shape (flat and nested entries, numbers, booleans, nulls, non-ASCII
/// text) whose compact JSON text is between `target - 100` and `target` UTF-16 units long.
pub fn metadata_near(target: usize) -> Map<String, Value> {
    let mut metadata = Map::new();
    let mut i = 0;
    loop {
        let value = match i % 4 {
            0 => json!(format!("value {i} — café ☕ order line")),
            1 => json!(i * 1_000 + 7),
            2 => {
                json!({"sku": format!("SKU-{i:05}"), "qty": i % 9, "gift": i % 2 == 0, "note": null})
            }
            _ => json!(["tag", i, true]),
        };
        metadata.insert(format!("key_{i:04}"), value);
        if stringified_utf16_len(&metadata) > target {
            metadata.remove(&format!("key_{i:04}"));
            break;
        }
        i += 1;
    }
    // Top up with one string entry so the text ends close to the target.
    let room = target.saturating_sub(stringified_utf16_len(&metadata));
    let filler_key = "pad";
    // `,"pad":""` costs 9 units besides the filler itself.
    if room > 9 {
        metadata.insert(filler_key.to_owned(), json!("p".repeat(room - 9)));
    }
    metadata
}

/// A valid `TrackSaleRequest` with every field set and metadata within 100 units of the limit.
pub fn full_sale() -> TrackSaleRequest {
    TrackSaleRequest::builder()
        .customer_external_id("cus_9f8e7d6c5b4a39281706f5e4d3c2b1a0")
        .amount(1999)
        .currency("eur")
        .event_name("Invoice paid")
        .payment_processor(PaymentProcessor::Stripe)
        .invoice_id("inv_2026_000042")
        .metadata(metadata_near(METADATA_LIMIT))
        .lead_event_name("Cloned template 1481267")
        .click_id("clk_0123456789abcdef")
        .customer_name("Jane Doe")
        .customer_email("jane.doe+billing@example.com")
        .customer_avatar("https://example.com/avatars/jane.png")
        .build()
        .expect("the benchmark's full sale is valid")
}

/// The request: every field set, and a small metadata object (two entries), so that
/// what is timed is the validation of the fields rather than of the metadata's size.
pub fn full_sale_small_metadata() -> TrackSaleRequest {
    let mut metadata = Map::new();
    metadata.insert("plan".into(), json!("pro"));
    metadata.insert("seats".into(), json!(5));
    let mut sale = full_sale();
    sale.metadata = Some(codeqr::JsonText::new(&metadata).expect("serializes"));
    sale
}

/// The two required fields only.
pub fn minimal_sale() -> TrackSaleRequest {
    TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .build()
        .expect("the benchmark's minimal sale is valid")
}

// ---------------------------------------------------------------------------------------------
// the spec's schema as JSON Schema
// ---------------------------------------------------------------------------------------------

/// `components.schemas.TrackSaleRequest` of the spec as a JSON Schema 2020-12 document, with
/// every component schema under `$defs`. OpenAPI 3.0 idioms become JSON Schema ones:
/// `nullable: true` adds `"null"` to `type` (and to `enum`), `#/components/schemas/X` becomes
/// `#/$defs/X`, and OpenAPI-only annotations (`example`, `description`, ...) are dropped.
/// `x-max-stringified-length` is kept: a validator that knows it (see
/// [`jsonschema_validator`]) can check it, one that does not ignores it.
pub fn request_schema(spec: &Path) -> Value {
    let text = std::fs::read_to_string(spec).expect("the spec is readable");
    let doc: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("the spec has components.schemas");
    let defs: Map<String, Value> = schemas
        .iter()
        .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
        .collect();
    let mut root = to_json_schema(&schemas["TrackSaleRequest"]);
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$defs"] = Value::Object(defs);
    root
}

fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                let target = value.as_str().unwrap_or_default();
                out.insert(
                    key.clone(),
                    json!(target.replace("#/components/schemas/", "#/$defs/")),
                );
            }
            "nullable" | "example" | "description" | "readOnly" | "writeOnly" | "xml"
            | "externalDocs" | "deprecated" | "discriminator" => {}
            // Values, not schemas.
            "enum" | "default" | "const" | "required" => {
                out.insert(key.clone(), value.clone());
            }
            "properties" | "patternProperties" | "$defs" => {
                let children = value
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), to_json_schema(v)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(children));
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                let items = value
                    .as_array()
                    .map(|a| a.iter().map(to_json_schema).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(items));
            }
            _ => {
                out.insert(key.clone(), to_json_schema(value));
            }
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".to_owned(), json!([t, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

/// How the `jsonschema` custom keyword for `x-max-stringified-length` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataCount {
    /// Compact JSON written by `serde_json` into a counter of UTF-16 units, without keeping
    /// the text: the fastest count that goes through the serializer (the SDK's own count until
    /// it learnt to walk JSON values, commit fe31012).
    Counter,
    /// The obvious way: `serde_json::to_string(v)?.encode_utf16().count()`.
    ToString,
}

/// A `jsonschema` validator of [`request_schema`] with format validation on (`email`, as the
/// SDK checks it). With `metadata_count`, it also knows `x-max-stringified-length` as a custom
/// keyword, so both validators enforce the same rules.
pub fn jsonschema_validator(
    schema: &Value,
    metadata_count: Option<MetadataCount>,
) -> jsonschema::Validator {
    let mut options = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true);
    if let Some(count) = metadata_count {
        options = options.with_keyword("x-max-stringified-length", move |_, value, _| {
            max_stringified_length(value, count)
        });
    }
    options
        .build(schema)
        .expect("the converted schema compiles")
}

/// `x-max-stringified-length` for `jsonschema`.
struct MaxStringifiedLength {
    limit: u64,
    count: MetadataCount,
}

impl<'i> jsonschema::Keyword<'i> for MaxStringifiedLength {
    fn validate(&self, instance: &'i Value) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom(format!(
                "longer than {} UTF-16 units as JSON text",
                self.limit
            )))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        match self.count {
            MetadataCount::Counter => {
                let mut counter = Utf16Counter(0);
                serde_json::to_writer(&mut counter, instance).is_ok() && counter.0 <= self.limit
            }
            MetadataCount::ToString => {
                stringified_utf16_len(instance) <= usize::try_from(self.limit).unwrap_or(usize::MAX)
            }
        }
    }
}

fn max_stringified_length<'a>(
    value: &'a Value,
    count: MetadataCount,
) -> Result<Box<dyn for<'i> jsonschema::Keyword<'i>>, jsonschema::ValidationError<'a>> {
    match value.as_u64() {
        Some(limit) => Ok(Box::new(MaxStringifiedLength { limit, count })),
        None => Err(jsonschema::ValidationError::custom(
            "x-max-stringified-length must be a non-negative integer",
        )),
    }
}

/// Counts UTF-16 code units of UTF-8 text: one per lead byte, two for 4-byte sequences.
struct Utf16Counter(u64);

impl std::io::Write for Utf16Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf
            .iter()
            .map(|&b| u64::from(b & 0xC0 != 0x80) + u64::from(b >= 0xF0))
            .sum::<u64>();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// the loopback server
// ---------------------------------------------------------------------------------------------

/// The body every request gets: a valid `TrackSaleResponse`.
pub fn response_body() -> Bytes {
    Bytes::from(
        json!({
            "eventName": "Purchase",
            "customerId": "cust_9f8e",
            "amount": 1999,
            "paymentProcessor": "stripe",
            "invoiceId": "inv_42",
            "currency": "usd",
            "metadata": {"plan": "pro"}
        })
        .to_string(),
    )
}

/// An HTTP/1.1 server on 127.0.0.1 (keep-alive on) that reads each request's body and answers
/// 200 with [`response_body`]. It runs on its own Tokio runtime and threads, so that a benchmark's
/// client runtime measures only the client.
#[derive(Debug)]
pub struct LoopbackServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LoopbackServer {
    /// Starts the server with `workers` Tokio worker threads.
    pub fn start(workers: usize) -> LoopbackServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .expect("a server runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (shutdown, mut stop) = tokio::sync::oneshot::channel::<()>();
        let body = response_body();
        let (conns, reqs) = (Arc::clone(&connections), Arc::clone(&requests));
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                loop {
                    let stream = tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok((stream, _)) => stream,
                            Err(_) => continue,
                        },
                        _ = &mut stop => break,
                    };
                    let _ = stream.set_nodelay(true);
                    conns.fetch_add(1, Ordering::Relaxed);
                    let (body, reqs) = (body.clone(), Arc::clone(&reqs));
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |request| {
                            let (body, reqs) = (body.clone(), Arc::clone(&reqs));
                            async move { Ok::<_, Infallible>(answer(request, body, &reqs).await) }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        });
        LoopbackServer {
            url,
            connections,
            requests,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// Connections accepted and requests answered since the last call; resets both.
    pub fn take_counts(&self) -> (usize, usize) {
        (
            self.connections.swap(0, Ordering::Relaxed),
            self.requests.swap(0, Ordering::Relaxed),
        )
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    body: Bytes,
    requests: &AtomicUsize,
) -> hyper::Response<Full<Bytes>> {
    // Read the whole request, as a real server must before answering.
    let _ = request.into_body().collect().await;
    requests.fetch_add(1, Ordering::Relaxed);
    let mut response = hyper::Response::new(Full::new(body));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_sale_metadata_is_near_the_limit_and_valid() {
        let sale = full_sale();
        let len = stringified_utf16_len(&sale.metadata);
        assert!(
            (METADATA_LIMIT - 100..=METADATA_LIMIT).contains(&len),
            "{len}"
        );
        assert_eq!(sale.validate(), Ok(()));
    }

    #[test]
    fn jsonschema_agrees_with_the_sdk_on_the_benchmark_inputs() {
        let schema = request_schema(&spec_path());
        let plain = jsonschema_validator(&schema, None);
        let with_limit = jsonschema_validator(&schema, Some(MetadataCount::Counter));
        let with_limit_to_string = jsonschema_validator(&schema, Some(MetadataCount::ToString));
        let full = serde_json::to_value(full_sale()).expect("serializes");
        assert!(plain.is_valid(&full));
        assert!(with_limit.is_valid(&full));
        assert!(with_limit_to_string.is_valid(&full));
        // One unit over the metadata limit: only the validator that knows the keyword refuses.
        let mut over = full_sale();
        // `{"k":"…"}`: 8 units of punctuation and key, plus the filler.
        let mut metadata = Map::new();
        metadata.insert("k".into(), json!("x".repeat(METADATA_LIMIT - 8 + 1)));
        assert_eq!(stringified_utf16_len(&metadata), METADATA_LIMIT + 1);
        over.metadata = Some(metadata.into());
        assert!(over.validate().is_err());
        let over = serde_json::to_value(over).expect("serializes");
        assert!(plain.is_valid(&over));
        assert!(!with_limit.is_valid(&over));
        assert!(!with_limit_to_string.is_valid(&over));
        // The converted schema keeps the spec's other rules.
        let mut bad = full.clone();
        bad["customerEmail"] = json!("not-an-email");
        bad["paymentProcessor"] = json!("bitcoin");
        assert_eq!(plain.iter_errors(&bad).count(), 2);
        bad["customerName"] = Value::Null;
        assert_eq!(
            plain.iter_errors(&bad).count(),
            2,
            "customerName is nullable"
        );
    }
}

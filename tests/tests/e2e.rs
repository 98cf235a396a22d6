//! End-to-end tests of the `codeqr` SDK against a real HTTP server on loopback (wiremock).
//!
//! Each test starts its own mock server; retries use a 10 ms initial backoff so they stay fast.

use std::time::{Duration, Instant};

use codeqr::types::{PaymentProcessor, TrackSaleRequest, TrackSaleResponse};
use codeqr::validation::Rule;
use codeqr::{ApiErrorKind, Client, ClientBuilder, Error};
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "sk_test_e2e_S3CR3T_0123456789abcdef";
const SALE_PATH: &str = "/track/sale";

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .max_retries(2)
        .initial_backoff(Duration::from_millis(10))
}

fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

/// Only the two required fields: no invoiceId, so 5xx and timeouts are not retried.
fn minimal_sale() -> TrackSaleRequest {
    TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .build()
        .expect("valid sale")
}

/// Carries invoiceId, the operation's idempotency key: 5xx and timeouts may be retried.
fn sale_with_invoice() -> TrackSaleRequest {
    TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .invoice_id("inv_42")
        .build()
        .expect("valid sale")
}

fn success_body() -> Value {
    json!({
        "eventName": "Purchase",
        "customerId": "cust_9f8e",
        "amount": 1999,
        "paymentProcessor": "stripe",
        "invoiceId": "inv_42",
        "currency": "usd",
        "metadata": {"plan": "pro"}
    })
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(success_body())
}

fn error_body(code: &str, message: &str) -> String {
    json!({
        "error": {
            "code": code,
            "message": message,
            "doc_url": format!("https://codeqr.io/docs/api-reference/errors#{code}"),
        }
    })
    .to_string()
}

fn sale_mock(template: ResponseTemplate) -> Mock {
    Mock::given(method("POST"))
        .and(path(SALE_PATH))
        .respond_with(template)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

fn header<'r>(req: &'r Request, name: &str) -> &'r str {
    req.headers
        .get(name)
        .unwrap_or_else(|| panic!("request has no {name} header: {:?}", req.headers))
        .to_str()
        .expect("header is ASCII")
}

fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("request body is JSON")
}

/// Asserts the method, path, headers of a trackSale request.
fn assert_track_sale_request(req: &Request) {
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), SALE_PATH);
    assert_eq!(req.url.query(), None, "no query string expected");
    assert_eq!(header(req, "authorization"), format!("Bearer {API_KEY}"));
    let content_type = header(req, "content-type");
    assert_eq!(
        content_type.split(';').next().map(str::trim),
        Some("application/json"),
        "content-type {content_type:?}"
    );
    let ua = header(req, "user-agent");
    assert!(ua.starts_with("codeqr-rust/"), "user-agent {ua:?}");
    assert!(
        ua.len() > "codeqr-rust/".len(),
        "user-agent has a version: {ua:?}"
    );
    assert!(
        header(req, "accept").contains("application/json"),
        "accept header"
    );
}

// ---------------------------------------------------------------------------------------------
// the request on the wire
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn minimal_sale_sends_exact_request() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(1).mount(&server).await;

    let response = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("sale tracked");

    assert_eq!(response.customer_id, "cust_9f8e");
    assert_eq!(response.amount, 1999.0);
    assert_eq!(response.event_name, "Purchase");
    assert_eq!(response.payment_processor, "stripe");
    assert_eq!(response.invoice_id.as_deref(), Some("inv_42"));
    assert_eq!(response.currency, "usd");
    assert_eq!(response.metadata.get("plan"), Some(&json!("pro")));

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_track_sale_request(&reqs[0]);
    // Exactly the two required fields: unset optionals are omitted, not sent as null.
    assert_eq!(
        body_json(&reqs[0]),
        json!({"customerExternalId": "cus_123", "amount": 1999})
    );
}

#[tokio::test]
async fn full_sale_sends_every_field() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(1).mount(&server).await;

    let mut metadata = Map::new();
    metadata.insert("plan".into(), json!("pro"));
    metadata.insert("seats".into(), json!(3));
    metadata.insert(
        "nested".into(),
        json!({"a": [1, 2], "ok": true, "none": null}),
    );
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .currency("eur")
        .event_name("Invoice paid")
        .payment_processor(PaymentProcessor::Stripe)
        .invoice_id("inv_42")
        .metadata(metadata)
        .lead_event_name("Cloned template 1481267")
        .click_id("clk_abc")
        .customer_name("Jane Doe")
        .customer_email("jane@example.com")
        .customer_avatar("https://example.com/jane.png")
        .build()
        .expect("valid sale");

    client(&server)
        .track()
        .track_sale(sale)
        .await
        .expect("sale tracked");

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_track_sale_request(&reqs[0]);
    assert_eq!(
        body_json(&reqs[0]),
        json!({
            "customerExternalId": "cus_123",
            "amount": 1999,
            "currency": "eur",
            "eventName": "Invoice paid",
            "paymentProcessor": "stripe",
            "invoiceId": "inv_42",
            "metadata": {"plan": "pro", "seats": 3, "nested": {"a": [1, 2], "ok": true, "none": null}},
            "leadEventName": "Cloned template 1481267",
            "clickId": "clk_abc",
            "customerName": "Jane Doe",
            "customerEmail": "jane@example.com",
            "customerAvatar": "https://example.com/jane.png",
        })
    );
}

#[tokio::test]
async fn non_ascii_and_large_amount_are_sent_intact() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(1).mount(&server).await;
    let sale = TrackSaleRequest::builder()
        .customer_external_id("é😀\"\\\n")
        .amount(i64::MAX)
        .build()
        .expect("valid sale");
    client(&server)
        .track()
        .track_sale(sale)
        .await
        .expect("sale tracked");
    let reqs = requests(&server).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"customerExternalId": "é😀\"\\\n", "amount": i64::MAX})
    );
}

#[tokio::test]
async fn trailing_slash_in_base_url_is_ignored() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(1).mount(&server).await;
    let client = builder(&server)
        .base_url(format!("{}/", server.uri()))
        .build()
        .expect("client builds");
    client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("sale tracked");
    assert_eq!(requests(&server).await[0].url.path(), SALE_PATH);
}

#[tokio::test]
async fn invalid_request_is_refused_before_sending() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(0).mount(&server).await;

    // Deserialization is lenient, so an invalid request can exist without the builder.
    let sale: TrackSaleRequest = serde_json::from_value(json!({
        "customerExternalId": "",
        "amount": -1,
        "paymentProcessor": "bitcoin",
    }))
    .expect("decoding is lenient");

    let err = client(&server)
        .track()
        .track_sale(sale)
        .await
        .expect_err("invalid request must be refused");
    let Error::Validation(validation) = &err else {
        panic!("expected Error::Validation, got {err:?}");
    };
    let mut got: Vec<(&str, &Rule)> = validation
        .violations()
        .iter()
        .map(|v| (v.path.as_str(), &v.rule))
        .collect();
    got.sort_by_key(|(p, _)| *p);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], ("amount", &Rule::Minimum(0.into())));
    assert_eq!(got[1], ("customerExternalId", &Rule::MinLength(1)));
    assert_eq!(got[2].0, "paymentProcessor");
    assert!(matches!(got[2].1, Rule::Enum(_)));
    assert!(err.validation_error().is_some());
    assert_eq!(err.status(), None);
    assert!(
        requests(&server).await.is_empty(),
        "nothing reached the server"
    );
}

// ---------------------------------------------------------------------------------------------
// documented error statuses → Error::Api
// ---------------------------------------------------------------------------------------------

async fn check_documented_error(status: u16, code: &str, kind: ApiErrorKind) {
    let server = MockServer::start().await;
    let message = format!("Something about {code} went wrong.");
    let body = error_body(code, &message);
    sale_mock(ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json"))
        // 4xx are never retried; 500 without invoiceId is not retried; 429 gets max_retries 0.
        .expect(1)
        .mount(&server)
        .await;
    let max_retries = if status == 429 { 0 } else { 2 };
    let client = builder(&server)
        .max_retries(max_retries)
        .build()
        .expect("client builds");

    let err = client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("error status must be an error");

    assert_eq!(err.status(), Some(status), "{err:?}");
    assert_eq!(err.attempts(), Some(1), "{err:?}");
    let Error::Api(api) = &err else {
        panic!("{status}: expected Error::Api, got {err:?}");
    };
    assert_eq!(err.api_error(), Some(&**api));
    assert_eq!(api.status, status);
    assert_eq!(api.kind, kind);
    assert_eq!(ApiErrorKind::from_status(status), kind);
    assert_eq!(api.code.as_deref(), Some(code));
    assert_eq!(api.message.as_deref(), Some(message.as_str()));
    assert_eq!(
        api.doc_url.as_deref(),
        Some(format!("https://codeqr.io/docs/api-reference/errors#{code}").as_str())
    );
    assert_eq!(api.body, body, "raw body kept verbatim");
    assert_eq!(api.attempts, 1);

    let shown = err.to_string();
    assert!(
        shown.contains(&status.to_string()),
        "{shown:?} names status"
    );
    assert!(shown.contains(&message), "{shown:?} names message");
    assert_eq!(api.to_string(), shown);
    assert!(!shown.contains(API_KEY) && !format!("{err:?}").contains(API_KEY));
}

#[tokio::test]
async fn status_400_is_api_error() {
    check_documented_error(400, "bad_request", ApiErrorKind::BadRequest).await;
}

#[tokio::test]
async fn status_401_is_api_error() {
    check_documented_error(401, "unauthorized", ApiErrorKind::Unauthorized).await;
}

#[tokio::test]
async fn status_403_is_api_error() {
    check_documented_error(403, "forbidden", ApiErrorKind::Forbidden).await;
}

#[tokio::test]
async fn status_404_is_api_error() {
    check_documented_error(404, "not_found", ApiErrorKind::NotFound).await;
}

#[tokio::test]
async fn status_409_is_api_error() {
    check_documented_error(409, "conflict", ApiErrorKind::Conflict).await;
}

#[tokio::test]
async fn status_410_is_api_error() {
    check_documented_error(410, "invite_expired", ApiErrorKind::Gone).await;
}

#[tokio::test]
async fn status_422_is_api_error() {
    check_documented_error(
        422,
        "unprocessable_entity",
        ApiErrorKind::UnprocessableEntity,
    )
    .await;
}

#[tokio::test]
async fn status_429_without_retries_is_api_error() {
    check_documented_error(429, "rate_limit_exceeded", ApiErrorKind::RateLimited).await;
}

#[tokio::test]
async fn status_500_is_api_error() {
    check_documented_error(
        500,
        "internal_server_error",
        ApiErrorKind::InternalServerError,
    )
    .await;
}

#[tokio::test]
async fn api_error_display_names_code_and_docs() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(403).set_body_raw(
        error_body("forbidden", "Conversions need a Business plan."),
        "application/json",
    ))
    .mount(&server)
    .await;
    let err = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("403");
    let shown = err.to_string();
    assert!(shown.contains("HTTP 403"), "{shown}");
    assert!(
        shown.contains("Conversions need a Business plan."),
        "{shown}"
    );
    assert!(shown.contains("forbidden"), "{shown}");
    assert!(
        shown.contains("https://codeqr.io/docs/api-reference/errors#forbidden"),
        "{shown}"
    );
}

#[tokio::test]
async fn error_status_with_non_json_body_keeps_raw_body() {
    let server = MockServer::start().await;
    let html = "<html><body>Bad gateway-ish proxy page</body></html>";
    sale_mock(ResponseTemplate::new(404).set_body_raw(html, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("404");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.kind, ApiErrorKind::NotFound);
    assert_eq!(api.code, None);
    assert_eq!(api.body, html);
    assert!(err.to_string().contains("404"));
}

#[tokio::test]
async fn undocumented_status_is_unexpected_status() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(418).set_body_raw("I'm a teapot", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect_err("418");
    assert_eq!(err.status(), Some(418));
    match &err {
        Error::UnexpectedStatus {
            status,
            operation_id,
            body,
            attempts,
            ..
        } => {
            assert_eq!(*status, 418);
            assert_eq!(*operation_id, "trackSale");
            assert_eq!(body, "I'm a teapot");
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
    assert!(err.to_string().contains("418"), "{err}");
    assert!(err.api_error().is_none());
}

// ---------------------------------------------------------------------------------------------
// retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limited_then_success_is_retried() {
    let server = MockServer::start().await;
    sale_mock(
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "0")
            .set_body_raw(
                error_body("rate_limit_exceeded", "Slow down."),
                "application/json",
            ),
    )
    .up_to_n_times(1)
    .expect(1)
    .mount(&server)
    .await;
    sale_mock(ok()).expect(1).mount(&server).await;

    // No invoiceId: a 429 is retried anyway, since nothing was processed.
    let response = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("second attempt succeeds");
    assert_eq!(response.customer_id, "cust_9f8e");

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_track_sale_request(r);
    }
    assert_eq!(reqs[0].body, reqs[1].body, "the same body is sent again");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    sale_mock(ok()).expect(1).mount(&server).await;

    let started = Instant::now();
    client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("second attempt succeeds");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "Retry-After: 1 honoured, waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

/// A `Retry-After` longer than `max_retry_after` is not waited for (nor retried early): the
/// error comes back at once with the wait, for the caller to schedule.
#[tokio::test]
async fn retry_after_beyond_the_cap_returns_the_wait() {
    let server = MockServer::start().await;
    sale_mock(
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "3600")
            .set_body_raw(
                error_body("rate_limit_exceeded", "Try again in an hour."),
                "application/json",
            ),
    )
    .expect(1)
    .mount(&server)
    .await;
    let started = Instant::now();
    let err = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("rate limited for an hour");
    assert!(started.elapsed() < Duration::from_secs(5), "did not wait");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.attempts(), Some(1));
    let note = err.retry_note().expect("a note says why");
    assert!(
        note.contains("longer than max_retry_after (60 s)"),
        "{note}"
    );

    // A client that allows less waits for less.
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .expect(1)
        .mount(&server)
        .await;
    let err = builder(&server)
        .max_retry_after(Duration::from_secs(1))
        .build()
        .expect("client builds")
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("2 s is more than the 1 s allowed");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
}

#[tokio::test]
async fn rate_limited_until_retries_run_out() {
    let server = MockServer::start().await;
    sale_mock(
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "0")
            .set_body_raw(
                error_body("rate_limit_exceeded", "Slow down."),
                "application/json",
            ),
    )
    .expect(2)
    .mount(&server)
    .await;
    let err = builder(&server)
        .max_retries(1)
        .build()
        .expect("client builds")
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("always 429");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.kind, ApiErrorKind::RateLimited);
    assert_eq!(api.attempts, 2);
    assert_eq!(api.retry_after, Some(Duration::ZERO));
    assert_eq!(err.attempts(), Some(2));
}

#[tokio::test]
async fn service_unavailable_with_invoice_id_is_retried_until_retries_run_out() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(503).set_body_raw("upstream down", "text/plain"))
        .expect(3)
        .mount(&server)
        .await;

    let err = client(&server) // max_retries 2
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect_err("always 503");

    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(3), "{err:?}");
    match &err {
        Error::UnexpectedStatus {
            status,
            attempts,
            retry_note,
            body,
            ..
        } => {
            assert_eq!(*status, 503);
            assert_eq!(*attempts, 3);
            assert_eq!(body, "upstream down");
            let note = retry_note.as_deref().expect("a retry note");
            assert!(note.to_lowercase().contains("gave up"), "note {note:?}");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.contains("503"), "{shown}");
    assert!(shown.to_lowercase().contains("gave up"), "{shown}");

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_eq!(body_json(r)["invoiceId"], json!("inv_42"));
    }
}

#[tokio::test]
async fn service_unavailable_without_invoice_id_is_not_retried() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(503).set_body_raw("upstream down", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server) // max_retries 2, but the request carries no idempotency key
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("503");

    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(1), "{err:?}");
    match &err {
        Error::UnexpectedStatus {
            attempts,
            retry_note,
            ..
        } => {
            assert_eq!(*attempts, 1);
            let note = retry_note.as_deref().expect("a note explaining why");
            assert!(note.contains("invoiceId"), "note {note:?}");
            assert!(note.to_lowercase().contains("retr"), "note {note:?}");
            assert!(!note.to_lowercase().contains("gave up"), "note {note:?}");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
    assert!(err.to_string().contains("invoiceId"), "{err}");
}

#[tokio::test]
async fn internal_server_error_with_invoice_id_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(500).set_body_raw(
        error_body("internal_server_error", "Oops."),
        "application/json",
    ))
    .up_to_n_times(1)
    .expect(1)
    .mount(&server)
    .await;
    sale_mock(ok()).expect(1).mount(&server).await;

    let response = client(&server)
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect("retried after 500");
    assert_eq!(response.invoice_id.as_deref(), Some("inv_42"));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn internal_server_error_without_invoice_id_explains_no_retry() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(500).set_body_raw(
        error_body("internal_server_error", "Oops."),
        "application/json",
    ))
    .expect(1)
    .mount(&server)
    .await;
    let err = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("500");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    let note = api.retry_note.as_deref().expect("a note explaining why");
    assert!(note.contains("invoiceId"), "note {note:?}");
    assert!(err.to_string().contains("invoiceId"), "{err}");
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(409).set_body_raw(
        error_body("conflict", "Duplicate invoice."),
        "application/json",
    ))
    .expect(1)
    .mount(&server)
    .await;
    // Even with an idempotency key and retries to spare.
    let err = client(&server)
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect_err("409");
    assert_eq!(err.attempts(), Some(1));
}

// ---------------------------------------------------------------------------------------------
// per-call options: this call only, over the client's settings
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_calls_header_is_sent_on_that_call_only() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(2).mount(&server).await;
    let client = client(&server);
    client
        .track()
        .track_sale(minimal_sale())
        .header("x-trace-id", "abc123")
        .header("user-agent", "my-app/1.0")
        .await
        .expect("sent");
    client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("sent");
    let reqs = server.received_requests().await.expect("recorded");
    assert_eq!(
        reqs[0].headers.get("x-trace-id").map(|v| v.to_str().ok()),
        Some(Some("abc123"))
    );
    let agents: Vec<_> = reqs[0].headers.get_all("user-agent").iter().collect();
    assert_eq!(
        agents,
        ["my-app/1.0"],
        "the caller's header replaces the SDK's"
    );
    assert!(reqs[1].headers.get("x-trace-id").is_none());
    assert_track_sale_request(&reqs[1]);
}

#[tokio::test]
async fn a_header_http_cannot_carry_fails_the_call_before_sending() {
    let server = MockServer::start().await;
    sale_mock(ok()).expect(0).mount(&server).await;
    for (name, value) in [("bad name", "x"), ("x-ok", "line\nbreak")] {
        let err = client(&server)
            .track()
            .track_sale(minimal_sale())
            .header(name, value)
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(
            !err.to_string().contains("break"),
            "the value is not shown: {err}"
        );
    }
}

#[tokio::test]
async fn a_calls_max_retries_applies_to_that_call_only() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(503))
        .expect(1 + 3)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .track()
        .track_sale(sale_with_invoice())
        .max_retries(0)
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), Some(1));
    let err = client
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), Some(3), "the client's 2 retries");
}

#[tokio::test]
async fn a_calls_timeout_applies_to_that_call_only() {
    let server = MockServer::start().await;
    sale_mock(ok().set_delay(Duration::from_millis(600)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let timeout = Duration::from_millis(100);
    let err = client
        .track()
        .track_sale(minimal_sale())
        .timeout(timeout)
        .await
        .expect_err("times out");
    assert!(
        matches!(err, Error::Timeout { timeout: t, .. } if t == timeout),
        "{err:?}"
    );
    client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("the client's 5 s timeout");
}

// ---------------------------------------------------------------------------------------------
// response metadata
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn with_response_gives_status_headers_request_id_and_attempts() {
    let server = MockServer::start().await;
    sale_mock(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "0")
            .set_body_string(error_body("rate_limit_exceeded", "Slow down")),
    )
    .up_to_n_times(1)
    .mount(&server)
    .await;
    sale_mock(
        ok().insert_header("x-request-id", "req_abc123")
            .insert_header("x-ratelimit-remaining", "41"),
    )
    .mount(&server)
    .await;
    let response: codeqr::Response<TrackSaleResponse> = client(&server)
        .track()
        .track_sale(minimal_sale())
        .with_response()
        .await
        .expect("second attempt succeeds");
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req_abc123"));
    let headers: &codeqr::http::HeaderMap = response.headers();
    assert_eq!(headers["x-ratelimit-remaining"], "41");
    assert_eq!(response.attempts(), 2, "a 429, then the success");
    assert_eq!(response.body().customer_id, "cust_9f8e");
    let body: TrackSaleResponse = response.into_body();
    assert_eq!(body.amount, 1999.0);
}

#[tokio::test]
async fn with_response_keeps_per_call_options_set_before_it() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track()
        .track_sale(sale_with_invoice())
        .max_retries(0)
        .header("x-trace-id", "abc123")
        .with_response()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(header(&requests(&server).await[0], "x-trace-id"), "abc123");
}

#[tokio::test]
async fn errors_carry_headers_request_id_and_the_documented_body() {
    let server = MockServer::start().await;
    sale_mock(
        ResponseTemplate::new(403)
            .insert_header("x-request-id", "req_denied")
            .set_body_raw(
                error_body("forbidden", "Business plan required"),
                "application/json",
            ),
    )
    .mount(&server)
    .await;
    let err = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("403");
    let (status, request_id): (Option<u16>, Option<&str>) = (err.status(), err.request_id());
    assert_eq!((status, request_id), (Some(403), Some("req_denied")));
    let headers: Option<&codeqr::http::HeaderMap> = err.headers();
    assert_eq!(
        headers.expect("there was a response")["content-type"],
        "application/json"
    );
    let api = err.api_error().expect("403 is documented");
    let documented: codeqr::types::ErrorResponse = api.body_as().expect("the documented type");
    assert_eq!(documented.error.message, "Business plan required");
    assert_eq!(
        api.code.as_deref(),
        Some("forbidden"),
        "CodeQR's documented layout"
    );
    assert_eq!(api.request_id.as_deref(), Some("req_denied"));
}

#[tokio::test]
async fn undocumented_statuses_and_bad_bodies_keep_the_response_head() {
    let server = MockServer::start().await;
    sale_mock(
        ResponseTemplate::new(418)
            .insert_header("x-request-id", "req_teapot")
            .set_body_string("short and stout"),
    )
    .up_to_n_times(1)
    .mount(&server)
    .await;
    sale_mock(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req_garbled")
            .set_body_string("{not json"),
    )
    .mount(&server)
    .await;
    let client = client(&server);
    let err = client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("418");
    assert!(
        matches!(err, Error::UnexpectedStatus { status: 418, .. }),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("req_teapot"));
    assert!(err.headers().is_some());
    for with_response in [false, true] {
        let call = client.track().track_sale(minimal_sale());
        let err = if with_response {
            call.with_response().await.map(|_| ()).expect_err("garbled")
        } else {
            call.await.map(|_| ()).expect_err("garbled")
        };
        assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
        assert_eq!(err.request_id(), Some("req_garbled"));
        assert_eq!(err.body(), Some("{not json"));
    }
    let nothing_sent = client
        .track()
        .track_sale(
            serde_json::from_value(json!({"customerExternalId": "", "amount": -1}))
                .expect("decoding is lenient"),
        )
        .await
        .expect_err("invalid");
    assert_eq!(
        (nothing_sent.headers(), nothing_sent.request_id()),
        (None, None)
    );
}

#[tokio::test]
async fn request_id_header_can_be_set_on_the_client() {
    let server = MockServer::start().await;
    sale_mock(
        ok().insert_header("x-request-id", "not-this")
            .insert_header("cf-ray", "8a1b2c"),
    )
    .mount(&server)
    .await;
    let response = builder(&server)
        .request_id_header("CF-Ray")
        .build()
        .expect("client")
        .track()
        .track_sale(minimal_sale())
        .with_response()
        .await
        .expect("200");
    assert_eq!(response.request_id(), Some("8a1b2c"));
}

// ---------------------------------------------------------------------------------------------
// timeouts and transport failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    sale_mock(ok().set_delay(Duration::from_secs(3)))
        .expect(1)
        .mount(&server)
        .await;
    let timeout = Duration::from_millis(200);
    let client = builder(&server)
        .timeout(timeout)
        .build()
        .expect("client builds");
    assert_eq!(client.timeout(), timeout);

    let started = Instant::now();
    let err = client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("must time out");
    let elapsed = started.elapsed();

    match &err {
        Error::Timeout {
            timeout: t,
            attempts,
            ..
        } => {
            assert_eq!(*t, timeout);
            assert_eq!(*attempts, 1, "no invoiceId: a timeout is not retried");
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert!(elapsed >= timeout, "gave up too early: {elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
}

#[tokio::test]
async fn timeout_with_invoice_id_is_retried() {
    let server = MockServer::start().await;
    sale_mock(ok().set_delay(Duration::from_secs(3)))
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .expect("client builds");
    let err = client
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect_err("must time out");
    match &err {
        Error::Timeout { attempts, .. } => assert_eq!(*attempts, 2),
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert_eq!(err.attempts(), Some(2));
}

#[tokio::test]
async fn connection_refused_is_transport_error() {
    // Bind then drop to find a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(2)
        .initial_backoff(Duration::from_millis(10))
        .build()
        .expect("client builds");
    let err = client
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("nobody listens");
    match &err {
        Error::Transport { attempts, .. } => assert_eq!(*attempts, 1),
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert!(!format!("{err:?}").contains(API_KEY));
    assert!(!err.to_string().contains(API_KEY));
}

// ---------------------------------------------------------------------------------------------
// response decoding
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_success_body_is_decode_error() {
    let server = MockServer::start().await;
    let garbage = "{\"eventName\": \"Purchase\", oops";
    sale_mock(ResponseTemplate::new(200).set_body_raw(garbage, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track()
        .track_sale(sale_with_invoice())
        .await
        .expect_err("not JSON");
    match &err {
        Error::Decode { status, body, .. } => {
            assert_eq!(*status, 200);
            assert_eq!(body, garbage);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
}

#[tokio::test]
async fn success_body_of_wrong_shape_is_decode_error() {
    let server = MockServer::start().await;
    let wrong = r#"{"eventName":"Purchase","amount":"lots"}"#;
    sale_mock(ResponseTemplate::new(200).set_body_raw(wrong, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect_err("missing fields");
    match &err {
        Error::Decode { status, body, .. } => {
            assert_eq!(*status, 200);
            assert_eq!(body, wrong);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_response_fields_are_ignored() {
    let server = MockServer::start().await;
    sale_mock(ResponseTemplate::new(200).set_body_json(json!({
        "id": "evt_1",
        "eventName": "Invoice paid",
        "customerId": "cust_1",
        "amount": 12.5,
        "paymentProcessor": "bitcoin",
        "invoiceId": null,
        "currency": "jpy",
        "metadata": {},
        "link": {"id": "lnk_1", "clicks": 3},
        "newFieldFromTheFuture": [1, 2, 3]
    })))
    .expect(1)
    .mount(&server)
    .await;
    let response: TrackSaleResponse = client(&server)
        .track()
        .track_sale(minimal_sale())
        .await
        .expect("extra fields and unknown processor values are tolerated");
    assert_eq!(response.event_name, "Invoice paid");
    assert_eq!(response.customer_id, "cust_1");
    assert_eq!(response.amount, 12.5);
    assert_eq!(response.payment_processor, "bitcoin");
    assert_eq!(response.invoice_id, None);
    assert_eq!(response.currency, "jpy");
    assert!(response.metadata.is_empty());
}

// ---------------------------------------------------------------------------------------------
// configuration and secrets
// ---------------------------------------------------------------------------------------------

#[test]
fn api_key_is_redacted_in_debug_of_client_and_builder() {
    let builder = Client::builder()
        .api_key(API_KEY)
        .base_url("https://api.example.test");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains(API_KEY),
        "builder Debug leaks the key: {shown}"
    );
    assert!(shown.to_lowercase().contains("redacted"), "{shown}");
    let shown = format!("{builder:#?}");
    assert!(
        !shown.contains(API_KEY),
        "builder Debug leaks the key: {shown}"
    );

    let client = builder.build().expect("client builds");
    let shown = format!("{client:?}");
    assert!(
        !shown.contains(API_KEY),
        "client Debug leaks the key: {shown}"
    );
    assert!(shown.to_lowercase().contains("redacted"), "{shown}");
    let shown = format!("{client:#?}");
    assert!(
        !shown.contains(API_KEY),
        "client Debug leaks the key: {shown}"
    );
    assert!(
        shown.contains("https://api.example.test"),
        "Debug still shows the rest: {shown}"
    );
    let clone = client.clone();
    assert!(!format!("{clone:?}").contains(API_KEY));
}

#[tokio::test]
async fn api_key_never_appears_in_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SALE_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({"invoiceId": "unauth"}),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            error_body("unauthorized", "Invalid API key."),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SALE_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({"invoiceId": "teapot"}),
        ))
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SALE_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({"invoiceId": "garbage"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw("nope", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SALE_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({"invoiceId": "slow"}),
        ))
        .respond_with(ok().set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;

    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .expect("client builds");
    let sale = |invoice: &str| {
        TrackSaleRequest::builder()
            .customer_external_id("cus_1")
            .amount(1)
            .invoice_id(invoice)
            .build()
            .expect("valid")
    };
    let mut errors = Vec::new();
    for invoice in ["unauth", "teapot", "garbage", "slow"] {
        errors.push(
            client
                .track()
                .track_sale(sale(invoice))
                .await
                .expect_err("each of these fails"),
        );
    }
    assert!(matches!(errors[0], Error::Api(_)), "{:?}", errors[0]);
    assert!(
        matches!(errors[1], Error::UnexpectedStatus { .. }),
        "{:?}",
        errors[1]
    );
    assert!(matches!(errors[2], Error::Decode { .. }), "{:?}", errors[2]);
    assert!(
        matches!(errors[3], Error::Timeout { .. }),
        "{:?}",
        errors[3]
    );
    let invalid = TrackSaleRequest::builder()
        .customer_external_id("")
        .amount(-1)
        .build()
        .expect_err("invalid");
    errors.push(Error::from(invalid));
    let config = Client::builder()
        .api_key(API_KEY)
        .base_url("::not a url::")
        .build()
        .expect_err("bad base URL");
    errors.push(config);

    for (i, err) in errors.iter().enumerate() {
        let debug = format!("{err:?}");
        let display = err.to_string();
        assert!(
            !debug.contains(API_KEY),
            "error {i} Debug leaks the key: {debug}"
        );
        assert!(
            !display.contains(API_KEY),
            "error {i} Display leaks the key: {display}"
        );
    }
}

#[test]
fn builder_without_api_key_is_config_error() {
    let err = Client::builder()
        .base_url("https://api.example.test")
        .build()
        .expect_err("an API key is required");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn builder_with_unparsable_base_url_is_config_error() {
    let err = Client::builder()
        .api_key(API_KEY)
        .base_url("::not a url::")
        .build()
        .expect_err("base URL must parse");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn builder_defaults_and_accessors() {
    let client = Client::builder()
        .api_key(API_KEY)
        .build()
        .expect("client builds");
    assert_eq!(client.base_url(), "https://api.codeqr.io");
    assert_eq!(client.max_retries(), 2);
    assert_eq!(client.timeout(), Duration::from_secs(60));

    let client = Client::builder()
        .api_key(API_KEY)
        .base_url("http://127.0.0.1:9")
        .timeout(Duration::from_secs(30))
        .max_retries(5)
        .build()
        .expect("client builds");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert_eq!(client.max_retries(), 5);
    assert_eq!(client.timeout(), Duration::from_secs(30));
}

#[tokio::test]
async fn client_is_cloneable_and_usable_across_tasks() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Client>();

    let server = MockServer::start().await;
    sale_mock(ok()).expect(4).mount(&server).await;
    let client = client(&server);
    let mut handles = Vec::new();
    for i in 0..4 {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            let sale = TrackSaleRequest::builder()
                .customer_external_id(format!("cus_{i}"))
                .amount(i)
                .build()
                .expect("valid");
            client.track().track_sale(sale).await
        }));
    }
    for h in handles {
        h.await.expect("task").expect("sale tracked");
    }
    let mut ids: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| {
            body_json(r)["customerExternalId"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    ids.sort();
    assert_eq!(ids, ["cus_0", "cus_1", "cus_2", "cus_3"]);
}

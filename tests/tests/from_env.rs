//! `Client::from_env()`: CODEQR_API_KEY (required) and CODEQR_BASE_URL (optional).
//!
//! Changing the environment is `unsafe` in edition 2024 and racy if another thread reads it, so
//! this binary holds a single test, and every change happens before any other thread (the mock
//! server's, the async runtime's) exists: the listener is bound first, the server started last.

use std::time::Duration;

use codeqr::types::TrackSaleRequest;
use codeqr::{Client, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_VAR: &str = "CODEQR_API_KEY";
const URL_VAR: &str = "CODEQR_BASE_URL";
const API_KEY: &str = "sk_test_from_env_S3CR3T_fedcba9876543210";

fn set(var: &str, value: &str) {
    // SAFETY: this binary has a single test and no other thread has been started yet.
    unsafe { std::env::set_var(var, value) }
}

fn unset(var: &str) {
    // SAFETY: as for `set`.
    unsafe { std::env::remove_var(var) }
}

#[test]
fn from_env_reads_api_key_and_base_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base_url = format!("http://{}", listener.local_addr().expect("local addr"));

    // No key at all: a configuration error that names the variable.
    unset(KEY_VAR);
    unset(URL_VAR);
    let err = Client::from_env().expect_err("CODEQR_API_KEY is required");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains(KEY_VAR), "{err}");

    // Key only: the spec's server is the default base URL.
    set(KEY_VAR, API_KEY);
    let default = Client::from_env().expect("key alone is enough");
    assert_eq!(default.base_url(), "https://api.codeqr.io");
    assert!(!format!("{default:?}").contains(API_KEY), "{default:?}");

    // A base URL that does not parse is a configuration error too.
    set(URL_VAR, "::not a url::");
    let err = Client::from_env().expect_err("bad CODEQR_BASE_URL");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!format!("{err:?}").contains(API_KEY) && !err.to_string().contains(API_KEY));

    // Both: the base URL is taken from the environment.
    set(URL_VAR, &base_url);
    let client = Client::from_env().expect("key and base URL");
    assert_eq!(client.base_url(), base_url);
    assert!(!format!("{client:?}").contains(API_KEY), "{client:?}");

    // Done with the environment before any thread starts.
    unset(KEY_VAR);
    unset(URL_VAR);

    // The client from the environment authenticates with that key against that server.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let server = MockServer::builder().listener(listener).start().await;
        assert_eq!(server.uri(), base_url);
        Mock::given(method("POST"))
            .and(path("/track/sale"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "eventName": "Purchase",
                "customerId": "cust_env",
                "amount": 5,
                "paymentProcessor": "custom",
                "invoiceId": null,
                "currency": "usd",
                "metadata": {}
            })))
            .expect(1)
            .mount(&server)
            .await;

        let sale = TrackSaleRequest::builder()
            .customer_external_id("cus_env")
            .amount(5)
            .build()
            .expect("valid");
        let response =
            tokio::time::timeout(Duration::from_secs(5), client.track().track_sale(sale))
                .await
                .expect("answers in time")
                .expect("sale tracked");
        assert_eq!(response.customer_id, "cust_env");

        let requests = server.received_requests().await.expect("recording on");
        assert_eq!(requests.len(), 1);
        let auth = requests[0]
            .headers
            .get("authorization")
            .expect("Authorization header")
            .to_str()
            .expect("ASCII");
        assert_eq!(auth, format!("Bearer {API_KEY}"));
    });
}

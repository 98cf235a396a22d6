//! # codeqr
//!
//! A typed, validated, async Rust SDK for the CodeQR API, generated at build time from
//! `spec/openapi.yaml` by `codeqr-codegen` (see `build.rs`).
//!
//! ```no_run
//! use codeqr::{Client, types::{PaymentProcessor, TrackSaleRequest}};
//!
//! # async fn run() -> Result<(), codeqr::Error> {
//! let client = Client::builder()              // also Client::from_env(): CODEQR_API_KEY, CODEQR_BASE_URL
//!     .api_key("sk_...")
//!     .base_url("https://api.codeqr.io")      // the default
//!     .timeout(std::time::Duration::from_secs(30))
//!     .max_retries(2)
//!     .build()?;
//! let sale = TrackSaleRequest::builder()
//!     .customer_external_id("cus_123")
//!     .amount(1999)
//!     .payment_processor(PaymentProcessor::Stripe)
//!     .invoice_id("inv_42")
//!     .build()?;                              // validates; Err lists every violation
//! let response = client.track().track_sale(sale).await?;
//! println!("{} {}", response.customer_id, response.amount);
//! # Ok(())
//! # }
//! ```
//!
//! ## One call under your control
//!
//! A call is a builder until it is awaited: per-call options, the response's metadata, and
//! errors that keep what the server said (the whole program: `examples/call_options.rs`).
//!
//! ```no_run
//! use std::time::Duration;
//! use codeqr::{Client, Response, types::{ErrorResponse, TrackSaleRequest, TrackSaleResponse}};
//!
//! # async fn run(client: Client, request: TrackSaleRequest) -> Result<(), codeqr::Error> {
//! // A call is a builder until it is awaited; the plain form is unchanged.
//! let sale = client.track().track_sale(request.clone()).await?;
//!
//! // Per-call options override the client's, for this call only.
//! let sale = client.track().track_sale(request.clone())
//!     .timeout(Duration::from_secs(5))          // per attempt
//!     .max_retries(0)
//!     .header("x-trace-id", "abc123")           // sent on every attempt of this call
//!     .await?;
//!
//! // The response with its metadata.
//! let response: Response<TrackSaleResponse> =
//!     client.track().track_sale(request.clone()).with_response().await?;
//! let status: u16 = response.status();
//! let request_id: Option<&str> = response.request_id();
//! let headers: &codeqr::http::HeaderMap = response.headers();   // `http` re-exported
//! let attempts: u32 = response.attempts();
//! let body: &TrackSaleResponse = response.body();
//! let body: TrackSaleResponse = response.into_body();
//!
//! // Errors carry what the server said.
//! if let Err(e) = client.track().track_sale(request).await {
//!     let _: (Option<u16>, Option<&str>) = (e.status(), e.request_id());
//!     let _: Option<&codeqr::http::HeaderMap> = e.headers();
//!     if let Some(api) = e.api_error() {
//!         let documented: ErrorResponse = api.body_as()?;      // the schema the spec gives that status
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The request id is read from the response header set with
//! [`ClientBuilder::request_id_header`], or else one the spec documents whose name ends in
//! `request-id`, or else `x-request-id`.
//!
//! ## Crate organisation
//! - [`Client`] / [`ClientBuilder`]: configuration (API key, base URL, timeout, retries).
//! - [`operations`]: the API's operations grouped by tag; `client.track()` returns [`operations::TrackApi`].
//! - [`types`]: request types with builders and validation, response types read leniently.
//! - [`validation`]: the violations a request can have, each with its field path, rule and limit.
//! - [`Error`]: every failure, with the HTTP status and raw body whenever there was a response.
//!
//! ## Behaviour
//! - Requests are validated before anything is sent; `build()` and `validate()` report every
//!   violation at once. Optional fields left unset are omitted, so the server applies its defaults.
//! - Responses decode even when the server adds fields or enum values.
//! - Retries are safe by construction: 429 always; 408, 5xx, timeouts and connection failures only
//!   when a repeat cannot double-count (an idempotent method, or a sale carrying its `invoiceId`).
//! - The API key never appears in `Debug` or `Display` output.

include!(concat!(env!("OUT_DIR"), "/codeqr.rs"));

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

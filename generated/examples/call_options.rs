//! One call, under the caller's control: per-call options, the response's metadata, and what
//! an error carries. Reads `CODEQR_API_KEY` (and optionally `CODEQR_BASE_URL`):
//! `CODEQR_API_KEY=sk_... cargo run -p codeqr --example call_options`.

// The example binds each value to show its type, and uses only some of them.
#![allow(unused_variables)]

use codeqr::{
    Client, Response,
    types::{ErrorResponse, TrackSaleRequest, TrackSaleResponse},
};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), codeqr::Error> {
    let client = Client::from_env()?;
    let request = TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .invoice_id("inv_42")
        .build()?;

    // A call is a builder until it is awaited; the plain form is unchanged.
    let sale = client.track().track_sale(request.clone()).await?;

    // Per-call options override the client's, for this call only.
    let sale = client
        .track()
        .track_sale(request.clone())
        .timeout(Duration::from_secs(5)) // per attempt
        .max_retries(0)
        .header("x-trace-id", "abc123") // sent on every attempt of this call
        .await?;

    // The response with its metadata.
    let response: Response<TrackSaleResponse> = client
        .track()
        .track_sale(request.clone())
        .with_response()
        .await?;
    let status: u16 = response.status();
    let request_id: Option<&str> = response.request_id();
    let headers: &codeqr::http::HeaderMap = response.headers(); // `http` re-exported
    let attempts: u32 = response.attempts();
    let body: &TrackSaleResponse = response.body();
    println!("HTTP {status} in {attempts} attempt(s), request id {request_id:?}");
    let body: TrackSaleResponse = response.into_body();

    // Errors carry what the server said.
    if let Err(e) = client.track().track_sale(request).await {
        let _: (Option<u16>, Option<&str>) = (e.status(), e.request_id());
        let _: Option<&codeqr::http::HeaderMap> = e.headers();
        if let Some(api) = e.api_error() {
            let documented: ErrorResponse = api.body_as()?; // the schema the spec gives that status
        }
    }
    Ok(())
}

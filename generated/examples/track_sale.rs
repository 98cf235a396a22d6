//! Tracks one sale. Reads `CODEQR_API_KEY` (and optionally `CODEQR_BASE_URL`) from the
//! environment: `CODEQR_API_KEY=sk_... cargo run -p codeqr --example track_sale`.

use codeqr::{
    Client,
    types::{PaymentProcessor, TrackSaleRequest},
};

#[tokio::main]
async fn main() -> Result<(), codeqr::Error> {
    let client = Client::from_env()?;
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .payment_processor(PaymentProcessor::Stripe)
        .invoice_id("inv_42")
        .build()?;
    let response = client.track().track_sale(sale).await?;
    println!("{} {}", response.customer_id, response.amount);
    Ok(())
}

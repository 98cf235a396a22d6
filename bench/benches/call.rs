//! The SDK's cost per call, `client.track().track_sale(request)`, beside a hand-written `reqwest`
//! call that sends the same JSON body with the same headers to the same loopback server and
//! decodes the same response type: sequential calls, and 64 concurrent calls. Each call starts
//! from the same caller data (the fields, and the metadata as a `serde_json::Map`) and makes its
//! request from it: the SDK's `TrackSaleRequest` (metadata written once as `JsonText`), or the
//! hand-written body struct (metadata serialized into the body).
//!
//! `cargo bench -p codeqr-bench --bench call`
//!
//! The server (`codeqr_bench::LoopbackServer`, hyper, one thread of its own) answers every
//! request with a fixed 200 body and counts the connections it accepts: after each benchmark the
//! count is printed and checked against the concurrency, so a client that opened a connection per
//! call would fail the run instead of only looking slow.
//!
//! After criterion's figures, a paired measurement alternates batches of SDK and hand-written
//! calls and prints the median of the per-round ratios (SDK ÷ hand-written), the figure that
//! the 5 % goal is judged on: on a shared machine it is steadier than two criterion means taken
//! seconds apart.

use std::hint::black_box;
use std::time::{Duration, Instant};

use codeqr::types::{PaymentProcessor, TrackSaleRequest, TrackSaleResponse};
use codeqr::{Client, JsonText};
use codeqr_bench::{LoopbackServer, full_sale, minimal_sale};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use reqwest::header::{ACCEPT, HeaderValue, USER_AGENT};
use serde_json::{Map, Value};

const API_KEY: &str = "sk_bench_0123456789abcdef";
const CONCURRENCY: usize = 64;
/// The SDK's default per-attempt timeout, set on the hand-written call too: the same behaviour.
const TIMEOUT: Duration = Duration::from_secs(60);

fn runtime() -> tokio::runtime::Runtime {
    // One worker: the machine has 2 cores and the server has the other.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a client runtime")
}

fn sdk_client(server: &LoopbackServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(&server.url)
        .build()
        .expect("client builds")
}

/// What a caller holds before each call: the request's fields, and its metadata as a
/// `serde_json::Map` (what a caller's own code usually holds). Each side turns it into its own
/// request on every call, so what the SDK does once per request (writing the metadata as
/// `JsonText`) is timed where the hand-written call does the same work (serializing the map
/// into the body).
#[derive(Clone)]
struct Input {
    /// Every field but the metadata.
    base: TrackSaleRequest,
    metadata: Option<Map<String, Value>>,
}

impl Input {
    fn new(mut sale: TrackSaleRequest) -> Input {
        let metadata = sale.metadata.take().map(|text| match text.to_value() {
            Value::Object(map) => map,
            other => panic!("metadata is an object: {other}"),
        });
        Input {
            base: sale,
            metadata,
        }
    }

    fn sdk_request(&self) -> TrackSaleRequest {
        let mut sale = self.base.clone();
        sale.metadata = self.metadata.clone().map(JsonText::from);
        sale
    }

    fn hand_request(&self) -> HandSale {
        let base = self.base.clone();
        HandSale {
            customer_external_id: base.customer_external_id,
            amount: base.amount,
            currency: base.currency,
            event_name: base.event_name,
            payment_processor: base.payment_processor,
            invoice_id: base.invoice_id,
            metadata: self.metadata.clone(),
            lead_event_name: base.lead_event_name,
            click_id: base.click_id,
            customer_name: base.customer_name,
            customer_email: base.customer_email,
            customer_avatar: base.customer_avatar,
        }
    }
}

/// The request body a user without the SDK would declare: the same fields, the metadata as the
/// `Map` the caller holds.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct HandSale {
    customer_external_id: String,
    amount: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_processor: Option<PaymentProcessor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lead_event_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    click_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_avatar: Option<String>,
}

/// What a user without the SDK would write: the same method, URL, headers and JSON body, the
/// status checked and the same response type decoded.
#[derive(Clone)]
struct HandWritten {
    http: reqwest::Client,
    url: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
}

impl HandWritten {
    fn new(server: &LoopbackServer) -> HandWritten {
        HandWritten {
            http: reqwest::Client::new(),
            url: format!("{}/track/sale", server.url),
            authorization: HeaderValue::from_str(&format!("Bearer {API_KEY}"))
                .expect("a header value"),
            user_agent: HeaderValue::from_static("codeqr-rust/0.1.0"),
        }
    }

    async fn track_sale(&self, sale: HandSale) -> TrackSaleResponse {
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::AUTHORIZATION, self.authorization.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, "application/json")
            .timeout(TIMEOUT)
            .json(&sale)
            .send()
            .await
            .expect("the server answers");
        assert!(response.status().is_success());
        response.json().await.expect("a TrackSaleResponse")
    }
}

async fn sdk_call(client: &Client, sale: TrackSaleRequest) -> TrackSaleResponse {
    client.track().track_sale(sale).await.expect("sale tracked")
}

/// Which client a call or a paired batch uses.
#[derive(Clone, Copy, Debug)]
enum Who {
    Sdk,
    Hand,
    /// A second hand-written client (its own `reqwest::Client` and pool), in the SDK's place:
    /// the control. Two identical clients should pair at 1.00; what they pair at is what the
    /// harness itself can tell apart.
    Control,
}

/// The two hand-written clients: the one the SDK is set beside, and the control's.
#[derive(Clone)]
struct Hands {
    hand: HandWritten,
    control: HandWritten,
}

/// One call by `who`, its request made from `input` first.
async fn call(who: Who, sdk: &Client, hands: &Hands, input: &Input) -> TrackSaleResponse {
    match who {
        Who::Sdk => sdk_call(sdk, input.sdk_request()).await,
        Who::Hand => hands.hand.track_sale(input.hand_request()).await,
        Who::Control => hands.control.track_sale(input.hand_request()).await,
    }
}

/// 64 calls at once by `who` on clones of one client, each in its own task.
async fn burst(who: Who, sdk: &Client, hands: &Hands, input: &Input) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (sdk, hands, input) = (sdk.clone(), hands.clone(), input.clone());
        tasks.spawn(async move { call(who, &sdk, &hands, &input).await });
    }
    while let Some(done) = tasks.join_next().await {
        black_box(done.expect("task"));
    }
}

/// Prints the connections and requests the server saw since the last check, and fails the run
/// if the client did not reuse connections. A pooled client may open a few more connections than
/// it has calls in flight (hyper races a new connection against the pool's checkout when no
/// idle connection is ready), so the bound is twice the calls in flight plus four; a client that
/// opened a connection per call would exceed it a thousandfold.
fn check_reuse(server: &LoopbackServer, what: &str, in_flight: usize) {
    let (connections, requests) = server.take_counts();
    if requests == 0 {
        // Filtered out on the command line.
        return;
    }
    println!("{what}: {requests} requests over {connections} connection(s)");
    let bound = 2 * in_flight + 4;
    assert!(
        connections <= bound || requests <= 10 * bound,
        "{what}: {connections} connections for {requests} requests with at most {in_flight} in flight: connections are not reused"
    );
}

fn calls(c: &mut Criterion) {
    let server = LoopbackServer::start(1);
    let rt = runtime();
    let sdk = sdk_client(&server);
    let hands = Hands {
        hand: HandWritten::new(&server),
        control: HandWritten::new(&server),
    };
    let inputs = inputs();
    let _ = server.take_counts();

    let mut group = c.benchmark_group("track_sale sequential");
    for (name, input) in &inputs {
        for (who, label) in [(Who::Sdk, "sdk"), (Who::Hand, "hand-written reqwest")] {
            group.bench_function(BenchmarkId::new(label, name), |b| {
                b.to_async(&rt).iter(|| call(who, &sdk, &hands, input))
            });
            check_reuse(&server, &format!("sequential {label} {name}"), 1);
        }
    }
    group.finish();

    let mut group = c.benchmark_group("track_sale 64 concurrent");
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    for (name, input) in &inputs {
        for (who, label) in [(Who::Sdk, "sdk"), (Who::Hand, "hand-written reqwest")] {
            group.bench_function(BenchmarkId::new(label, name), |b| {
                b.to_async(&rt).iter(|| burst(who, &sdk, &hands, input))
            });
            check_reuse(
                &server,
                &format!("64 concurrent {label} {name}"),
                CONCURRENCY,
            );
        }
    }
    group.finish();
}

/// The minimal and the full request, each as both sides receive it. Checked first: the two
/// sides' bodies are the same JSON (same fields, same values; only the key order may differ).
fn inputs() -> [(&'static str, Input); 2] {
    let inputs = [
        ("minimal", Input::new(minimal_sale())),
        ("full", Input::new(full_sale())),
    ];
    for (name, input) in &inputs {
        let sdk = serde_json::to_value(input.sdk_request()).expect("serializes");
        let hand = serde_json::to_value(input.hand_request()).expect("serializes");
        assert_eq!(sdk, hand, "{name}: the two sides send the same body");
    }
    inputs
}

/// The time of `calls` sequential calls, or of `calls` bursts of 64 concurrent calls, by `who`.
async fn timed(
    who: Who,
    sdk: &Client,
    hands: &Hands,
    input: &Input,
    concurrent: bool,
    calls: usize,
) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        if concurrent {
            burst(who, sdk, hands, input).await;
        } else {
            black_box(call(who, sdk, hands, input).await);
        }
    }
    start.elapsed()
}

/// The median over rounds of SDK time ÷ hand-written time for the same batch of calls. The two
/// alternate SDK-first and hand-written-first, so each client's pool sits idle for the same
/// time before its batch (an earlier harness with a third client made the SDK's pool idle
/// twice as long as the hand-written one's). Then the same with the control (a second
/// hand-written client) in the SDK's place.
fn paired(quick: bool) {
    let server = LoopbackServer::start(1);
    let rt = runtime();
    let sdk = sdk_client(&server);
    let hands = Hands {
        hand: HandWritten::new(&server),
        control: HandWritten::new(&server),
    };
    let (rounds, seq_calls, bursts) = if quick { (4, 2, 1) } else { (400, 100, 4) };
    let started = Instant::now();
    println!(
        "\npaired (median of {rounds} rounds; sdk ÷ hand-written, < 1.05 meets the goal; \
         in brackets the control, a second hand-written client ÷ hand-written):"
    );
    for (name, input) in inputs() {
        let mut line = format!("  {name}:");
        for (label, concurrent, calls, in_flight) in [
            ("sequential", false, seq_calls, 1),
            ("64 concurrent", true, bursts, CONCURRENCY),
        ] {
            let [ratio, control] = [Who::Sdk, Who::Control].map(|first| {
                rt.block_on(async {
                    let mut ratios = Vec::with_capacity(rounds);
                    for round in 0..rounds {
                        let order = if round % 2 == 0 {
                            [first, Who::Hand]
                        } else {
                            [Who::Hand, first]
                        };
                        let mut times = [Duration::ZERO; 2];
                        for who in order {
                            let slot = usize::from(matches!(who, Who::Hand));
                            times[slot] = timed(who, &sdk, &hands, &input, concurrent, calls).await;
                        }
                        ratios.push(times[0].as_secs_f64() / times[1].as_secs_f64());
                    }
                    median(ratios)
                })
            });
            // Three pools: the SDK's, the hand-written client's and the control's.
            check_reuse(&server, &format!("paired {label} {name}"), 3 * in_flight);
            line.push_str(&format!(" {label} {ratio:.3} ({control:.3});"));
        }
        println!("{line}");
    }
    println!(
        "  ({:.1} s; load average {})",
        started.elapsed().as_secs_f64(),
        load_average()
    );
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = calls
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `--test` (also `cargo test --benches`) only checks that everything runs, and under
    // `--profile-time` a profiler should see criterion's loop alone: a short paired run then.
    let quick = std::env::args().any(|a| a == "--test" || a == "--profile-time");
    paired(quick);
}

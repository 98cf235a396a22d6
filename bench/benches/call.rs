//! The SDK's cost per call, `client.track().track_sale(request)`, beside a hand-written `reqwest`
//! call that sends the same JSON body with the same headers to the same loopback server and
//! decodes the same response type: sequential calls, and 64 concurrent calls.
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

use codeqr::Client;
use codeqr::types::{TrackSaleRequest, TrackSaleResponse};
use codeqr_bench::{LoopbackServer, full_sale, minimal_sale};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group};
use reqwest::header::{ACCEPT, HeaderValue, USER_AGENT};

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

    async fn track_sale(&self, sale: TrackSaleRequest) -> TrackSaleResponse {
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

/// 64 calls at once on clones of one client, each in its own task.
async fn burst<F, Fut>(sale: &TrackSaleRequest, call: F)
where
    F: Fn(TrackSaleRequest) -> Fut,
    Fut: Future<Output = TrackSaleResponse> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        tasks.spawn(call(sale.clone()));
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
    let hand = HandWritten::new(&server);
    let sales = [("minimal", minimal_sale()), ("full", full_sale())];

    // Both send the same body: the JSON the SDK writes is the JSON serde writes for the value.
    let _ = server.take_counts();

    let mut group = c.benchmark_group("track_sale sequential");
    for (name, sale) in &sales {
        group.bench_function(BenchmarkId::new("sdk", name), |b| {
            b.to_async(&rt).iter_batched(
                || sale.clone(),
                |sale| sdk_call(&sdk, sale),
                BatchSize::SmallInput,
            )
        });
        check_reuse(&server, &format!("sequential sdk {name}"), 1);
        group.bench_function(BenchmarkId::new("hand-written reqwest", name), |b| {
            b.to_async(&rt).iter_batched(
                || sale.clone(),
                |sale| hand.track_sale(sale),
                BatchSize::SmallInput,
            )
        });
        check_reuse(&server, &format!("sequential hand-written {name}"), 1);
    }
    group.finish();

    let mut group = c.benchmark_group("track_sale 64 concurrent");
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    for (name, sale) in &sales {
        group.bench_function(BenchmarkId::new("sdk", name), |b| {
            b.to_async(&rt).iter(|| {
                burst(sale, |sale| {
                    let sdk = sdk.clone();
                    async move { sdk_call(&sdk, sale).await }
                })
            })
        });
        check_reuse(&server, &format!("64 concurrent sdk {name}"), CONCURRENCY);
        group.bench_function(BenchmarkId::new("hand-written reqwest", name), |b| {
            b.to_async(&rt).iter(|| {
                burst(sale, |sale| {
                    let hand = hand.clone();
                    async move { hand.track_sale(sale).await }
                })
            })
        });
        check_reuse(
            &server,
            &format!("64 concurrent hand-written {name}"),
            CONCURRENCY,
        );
    }
    group.finish();
}

/// Which client a paired round times.
#[derive(Clone, Copy)]
enum Who {
    Sdk,
    Hand,
    /// The hand-written call preceded by the SDK's `validate()`: what the SDK costs beyond its
    /// validation, when set beside the SDK.
    HandValidated,
}

/// The time of `calls` sequential calls, or of `calls` bursts of 64 concurrent calls, by `who`.
async fn timed(
    who: Who,
    sdk: &Client,
    hand: &HandWritten,
    sale: &TrackSaleRequest,
    concurrent: bool,
    calls: usize,
) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        match (who, concurrent) {
            (Who::Sdk, false) => {
                black_box(sdk_call(sdk, sale.clone()).await);
            }
            (Who::Hand, false) => {
                black_box(hand.track_sale(sale.clone()).await);
            }
            (Who::HandValidated, false) => {
                let sale = sale.clone();
                sale.validate().expect("valid");
                black_box(hand.track_sale(sale).await);
            }
            (Who::Sdk, true) => {
                burst(sale, |sale| {
                    let sdk = sdk.clone();
                    async move { sdk_call(&sdk, sale).await }
                })
                .await
            }
            (Who::Hand, true) => {
                burst(sale, |sale| {
                    let hand = hand.clone();
                    async move { hand.track_sale(sale).await }
                })
                .await
            }
            (Who::HandValidated, true) => {
                burst(sale, |sale| {
                    let hand = hand.clone();
                    async move {
                        sale.validate().expect("valid");
                        hand.track_sale(sale).await
                    }
                })
                .await
            }
        }
    }
    start.elapsed()
}

/// Medians over rounds of (SDK time ÷ hand-written time) and (SDK time ÷ hand-written-and-
/// validated time) for the same batch of calls, the three clients in a rotating order.
fn paired(quick: bool) {
    let server = LoopbackServer::start(1);
    let rt = runtime();
    let sdk = sdk_client(&server);
    let hand = HandWritten::new(&server);
    let (rounds, seq_calls, bursts) = if quick { (3, 2, 1) } else { (201, 100, 4) };
    let started = Instant::now();
    println!(
        "\npaired (median of {rounds} rounds; sdk ÷ hand-written, < 1.05 meets the goal; \
         in brackets sdk ÷ (hand-written + validate())):"
    );
    for (name, sale) in [("minimal", minimal_sale()), ("full", full_sale())] {
        let mut line = format!("  {name}:");
        for (label, concurrent, calls, in_flight) in [
            ("sequential", false, seq_calls, 1),
            ("64 concurrent", true, bursts, CONCURRENCY),
        ] {
            let (vs_hand, vs_validated) = rt.block_on(async {
                let (mut vs_hand, mut vs_validated) = (Vec::new(), Vec::new());
                let order = [Who::Sdk, Who::Hand, Who::HandValidated];
                for round in 0..rounds {
                    let mut times = [Duration::ZERO; 3];
                    for k in 0..3 {
                        let i = (round + k) % 3;
                        times[i] = timed(order[i], &sdk, &hand, &sale, concurrent, calls).await;
                    }
                    let [s, h, v] = times.map(|t| t.as_secs_f64());
                    vs_hand.push(s / h);
                    vs_validated.push(s / v);
                }
                (median(vs_hand), median(vs_validated))
            });
            // Two pools: the SDK's, and the one both hand-written variants share.
            check_reuse(&server, &format!("paired {label} {name}"), 2 * in_flight);
            line.push_str(&format!(" {label} {vs_hand:.3} ({vs_validated:.3});"));
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

//! Validation of a full `TrackSaleRequest` (every field, metadata near its 10,000-unit limit):
//! the SDK's generated `validate()` beside the `jsonschema` crate validating the same JSON against
//! the same schema, converted from `spec/openapi.yaml` by `codeqr_bench::request_schema`.
//!
//! `cargo bench -p codeqr-bench --bench validation`
//!
//! Variants, on the full request:
//! - `sdk validate()`: the generated code, every rule of the spec including the metadata limit
//!   (the metadata is a `JsonText`, which measured its length once, when it was made);
//! - `sdk JsonText::new(&metadata)`: making that text from the caller's `serde_json::Map`, the
//!   work the SDK does once per request instead of on each validation (the body then copies the
//!   text instead of serializing the map); the paired run also sets the SDK's `validate()` plus
//!   this beside `jsonschema`;
//! - `jsonschema, spec keywords`: `jsonschema` on a ready `serde_json::Value`, with the spec's
//!   standard keywords only: it cannot know `x-max-stringified-length`, so it never reads the
//!   10,000 units of metadata, its best case;
//! - `jsonschema + metadata limit`: the same plus `x-max-stringified-length` as a custom keyword,
//!   counted by serializing into a UTF-16 counter (no text kept): the same rules on both sides;
//! - `jsonschema + metadata limit (to_string)`: the keyword written the obvious way,
//!   `serde_json::to_string(v).encode_utf16().count()`;
//! - `to_value + jsonschema + metadata limit`: what a caller holding a Rust value pays to use
//!   `jsonschema`: the conversion to `serde_json::Value` first.
//!
//! and on the same request without metadata (every other field set), where the two validators
//! check exactly the same rules with nothing to count: the validation engines alone; and with a
//! two-entry metadata object (the figure the issue names), beside a hand-written floor: the same
//! checks written by hand for this one struct, the speed generated code could reach.
//!
//! After criterion's figures, a paired measurement alternates short batches of the SDK and of
//! each `jsonschema` variant and prints the median of the per-round ratios: on a shared, noisy
//! machine that ratio is steadier than two criterion means taken seconds apart.

use std::hint::black_box;
use std::time::{Duration, Instant};

use codeqr::JsonText;
use codeqr::types::{PaymentProcessor, TrackSaleRequest};
use codeqr_bench::{
    MetadataCount, full_sale, full_sale_small_metadata, jsonschema_validator, request_schema,
    spec_path,
};
use criterion::{Criterion, criterion_group};

/// The inputs and validators of every variant.
struct Fixture {
    sale: codeqr::types::TrackSaleRequest,
    /// The sale's metadata as the caller holds it before making the request.
    metadata: serde_json::Map<String, serde_json::Value>,
    json: serde_json::Value,
    bare: codeqr::types::TrackSaleRequest,
    bare_json: serde_json::Value,
    /// Every field, a two-entry metadata object: the figure.
    small: TrackSaleRequest,
    small_json: serde_json::Value,
    plain: jsonschema::Validator,
    with_limit: jsonschema::Validator,
    with_limit_to_string: jsonschema::Validator,
}

impl Fixture {
    fn new() -> Fixture {
        let sale = full_sale();
        let mut bare = sale.clone();
        bare.metadata = None;
        let schema = request_schema(&spec_path());
        let metadata = match sale.metadata.as_ref().map(JsonText::to_value) {
            Some(serde_json::Value::Object(map)) => map,
            other => panic!("the full sale's metadata is an object: {other:?}"),
        };
        let small = full_sale_small_metadata();
        let fixture = Fixture {
            metadata,
            small_json: serde_json::to_value(&small).expect("serializes"),
            small,
            json: serde_json::to_value(&sale).expect("serializes"),
            bare_json: serde_json::to_value(&bare).expect("serializes"),
            sale,
            bare,
            plain: jsonschema_validator(&schema, None),
            with_limit: jsonschema_validator(&schema, Some(MetadataCount::Counter)),
            with_limit_to_string: jsonschema_validator(&schema, Some(MetadataCount::ToString)),
        };
        // Every variant must accept its input, or the benchmark would time an early exit.
        assert_eq!(fixture.sale.validate(), Ok(()));
        assert_eq!(fixture.bare.validate(), Ok(()));
        assert_eq!(fixture.small.validate(), Ok(()));
        assert!(hand_written(&fixture.small) && hand_written(&fixture.sale));
        assert!(fixture.with_limit.is_valid(&fixture.small_json));
        for validator in [
            &fixture.plain,
            &fixture.with_limit,
            &fixture.with_limit_to_string,
        ] {
            assert!(validator.is_valid(&fixture.json));
            assert!(validator.is_valid(&fixture.bare_json));
        }
        fixture
    }
}

fn validation(c: &mut Criterion) {
    let f = Fixture::new();
    let mut group = c.benchmark_group("validate full TrackSaleRequest");
    group.bench_function("sdk validate()", |b| {
        b.iter(|| black_box(&f.sale).validate())
    });
    group.bench_function("sdk JsonText::new(&metadata)", |b| {
        b.iter(|| JsonText::new(black_box(&f.metadata)).expect("serializes"))
    });
    group.bench_function("jsonschema, spec keywords", |b| {
        b.iter(|| f.plain.validate(black_box(&f.json)).is_ok())
    });
    group.bench_function("jsonschema + metadata limit", |b| {
        b.iter(|| f.with_limit.validate(black_box(&f.json)).is_ok())
    });
    group.bench_function("jsonschema + metadata limit (to_string)", |b| {
        b.iter(|| f.with_limit_to_string.validate(black_box(&f.json)).is_ok())
    });
    group.bench_function("to_value + jsonschema + metadata limit", |b| {
        b.iter(|| {
            let json = serde_json::to_value(black_box(&f.sale)).expect("serializes");
            f.with_limit.validate(&json).is_ok()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("validate full TrackSaleRequest, small metadata");
    group.bench_function("sdk validate()", |b| {
        b.iter(|| black_box(&f.small).validate())
    });
    group.bench_function("hand-written floor", |b| {
        b.iter(|| hand_written(black_box(&f.small)))
    });
    group.bench_function("jsonschema + metadata limit", |b| {
        b.iter(|| f.with_limit.validate(black_box(&f.small_json)).is_ok())
    });
    group.finish();

    let mut group = c.benchmark_group("validate TrackSaleRequest without metadata");
    group.bench_function("sdk validate()", |b| {
        b.iter(|| black_box(&f.bare).validate())
    });
    group.bench_function("jsonschema", |b| {
        b.iter(|| f.plain.validate(black_box(&f.bare_json)).is_ok())
    });
    group.finish();
}

/// The floor: every check `validate()` makes on this one struct, written by hand for it (no
/// paths, no collected violations, a verdict only; the email as a dot-atom at a host name, the
/// common case of RFC 5321's mailbox, in one pass).
fn hand_written(s: &TrackSaleRequest) -> bool {
    let chars = |t: &str| t.chars().count();
    (1..=100).contains(&chars(&s.customer_external_id))
        && s.amount >= 0
        && s.event_name.as_deref().is_none_or(|e| chars(e) <= 255)
        && s.payment_processor
            .as_ref()
            .is_none_or(|p| !matches!(p, PaymentProcessor::Unknown(_)))
        && s.metadata
            .as_ref()
            .is_none_or(|m| m.is_object() && m.utf16_len() <= 10_000)
        && s.customer_name.as_deref().is_none_or(|n| chars(n) <= 100)
        && s.customer_email
            .as_deref()
            .is_none_or(|e| chars(e) <= 100 && is_mailbox(e.as_bytes()))
}

fn is_mailbox(b: &[u8]) -> bool {
    let atext = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'_' | b'\'');
    let mut i = 0;
    let mut run = 0;
    // The local part: atoms separated by single dots, then `@`.
    loop {
        match b.get(i) {
            Some(&c) if atext(c) => run += 1,
            Some(b'.') if run > 0 => run = 0,
            Some(b'@') if run > 0 && i <= 64 => break,
            _ => return false,
        }
        i += 1;
    }
    // The domain: labels of letters, digits and inner hyphens.
    let domain = &b[i + 1..];
    domain.len() <= 253
        && domain.split(|c| *c == b'.').all(|label| {
            (1..=63).contains(&label.len())
                && label[0] != b'-'
                && label[label.len() - 1] != b'-'
                && label
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

/// Median over `rounds` of (time of `batch` runs of `other`) ÷ (time of `batch` runs of
/// `ours`), the two alternating so that a change of load affects both alike.
fn paired_ratio(rounds: usize, batch: u32, ours: &dyn Fn(), mut other: impl FnMut()) -> f64 {
    let mut ratios = Vec::with_capacity(rounds);
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        start.elapsed()
    };
    for _ in 0..rounds {
        let a = time(&mut || ours());
        let b = time(&mut other);
        ratios.push(b.as_secs_f64() / a.as_secs_f64().max(1e-12));
    }
    ratios.sort_by(f64::total_cmp);
    ratios[rounds / 2]
}

/// A paired comparison: its name, the SDK's side and `jsonschema`'s side.
type Variant<'a> = (&'static str, &'a dyn Fn(), Box<dyn FnMut() + 'a>);

fn paired(quick: bool) {
    let f = Fixture::new();
    let (rounds, batch) = if quick { (3, 10) } else { (301, 200) };
    let started = Instant::now();
    println!(
        "\npaired (median of {rounds} alternating rounds of {batch} validations each; ratio = jsonschema ÷ sdk):"
    );
    let full = || {
        black_box(black_box(&f.sale).validate()).ok();
    };
    let bare = || {
        black_box(black_box(&f.bare).validate()).ok();
    };
    // The SDK's side when making the metadata's text is counted too.
    let made_and_full = || {
        black_box(JsonText::new(black_box(&f.metadata)).expect("serializes"));
        black_box(black_box(&f.sale).validate()).ok();
    };
    let small = || {
        black_box(black_box(&f.small).validate()).ok();
    };
    let floor = || {
        black_box(hand_written(black_box(&f.small)));
    };
    let variants: [Variant<'_>; 10] = [
        (
            "small metadata (the issue's figure): jsonschema + metadata limit",
            &small,
            Box::new(|| {
                black_box(f.with_limit.validate(black_box(&f.small_json)).is_ok());
            }),
        ),
        (
            "small metadata: the hand-written floor beside jsonschema + metadata limit",
            &floor,
            Box::new(|| {
                black_box(f.with_limit.validate(black_box(&f.small_json)).is_ok());
            }),
        ),
        (
            "small metadata: the SDK's validate() ÷ the hand-written floor",
            &floor,
            Box::new(|| {
                black_box(black_box(&f.small).validate()).ok();
            }),
        ),
        (
            "full: jsonschema, spec keywords",
            &full,
            Box::new(|| {
                black_box(f.plain.validate(black_box(&f.json)).is_ok());
            }),
        ),
        (
            "full: jsonschema + metadata limit",
            &full,
            Box::new(|| {
                black_box(f.with_limit.validate(black_box(&f.json)).is_ok());
            }),
        ),
        (
            "full: jsonschema + metadata limit (to_string)",
            &full,
            Box::new(|| {
                black_box(f.with_limit_to_string.validate(black_box(&f.json)).is_ok());
            }),
        ),
        (
            "full: to_value + jsonschema + metadata limit",
            &full,
            Box::new(|| {
                let json = serde_json::to_value(black_box(&f.sale)).expect("serializes");
                black_box(f.with_limit.validate(&json).is_ok());
            }),
        ),
        (
            "full, the SDK's text made too: jsonschema + metadata limit",
            &made_and_full,
            Box::new(|| {
                black_box(f.with_limit.validate(black_box(&f.json)).is_ok());
            }),
        ),
        (
            "full, the SDK's text made too: to_value + jsonschema + metadata limit",
            &made_and_full,
            Box::new(|| {
                let json = serde_json::to_value(black_box(&f.sale)).expect("serializes");
                black_box(f.with_limit.validate(&json).is_ok());
            }),
        ),
        (
            "without metadata: jsonschema",
            &bare,
            Box::new(|| {
                black_box(f.plain.validate(black_box(&f.bare_json)).is_ok());
            }),
        ),
    ];
    for (name, ours, other) in variants {
        let ratio = paired_ratio(rounds, batch, ours, other);
        println!("  {name}: {ratio:.2}×");
    }
    println!(
        "  ({:.1} s; load average {})",
        started.elapsed().as_secs_f64(),
        load_average()
    );
}

/// `/proc/loadavg`'s first three fields, to print beside the figures.
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
    targets = validation
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo bench -- --test` (and `cargo test --benches`) only check that the benchmarks run.
    // `--test` (also `cargo test --benches`) only checks that everything runs, and under
    // `--profile-time` a profiler should see criterion's loop alone: a short paired run then.
    let quick = std::env::args().any(|a| a == "--test" || a == "--profile-time");
    paired(quick);
}

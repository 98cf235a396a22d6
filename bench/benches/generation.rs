//! Generation time of the CodeQR SDK from `spec/openapi.yaml` through the `codeqr_codegen`
//! library: the work `generated/build.rs` does at build time (`Config::generate` reads the file,
//! resolves the model, emits and formats the code; `compile` then writes only changed files).
//!
//! `cargo bench -p codeqr-bench --bench generation`
//!
//! The build step as a whole, in a clean `cargo build`, is measured by `bench/build-step.sh`.

use std::hint::black_box;
use std::time::Duration;

use codeqr_bench::spec_path;
use criterion::{Criterion, criterion_group, criterion_main};

fn generation(c: &mut Criterion) {
    let spec = spec_path();
    let text = std::fs::read_to_string(&spec).expect("the spec is readable");
    let mut config = codeqr_codegen::Config::new();
    config.crate_name("codeqr");
    // The output must be the SDK, not an early error.
    let generated = config.generate(&spec).expect("the spec generates");
    assert!(generated.files.contains_key("codeqr.rs"));
    assert!(
        generated
            .model
            .operations()
            .any(|op| op.path == "/track/sale")
    );

    let mut group = c.benchmark_group("generate spec/openapi.yaml");
    group.sample_size(30);
    group.bench_function("Config::generate (file, build.rs layout)", |b| {
        b.iter(|| config.generate(black_box(&spec)).expect("generates"))
    });
    group.bench_function("Config::generate_from_str (in memory)", |b| {
        b.iter(|| {
            config
                .generate_from_str("openapi.yaml", black_box(&text), false)
                .expect("generates")
        })
    });
    group.bench_function("Config::generate_crate (standalone crate)", |b| {
        b.iter(|| config.generate_crate(black_box(&spec)).expect("generates"))
    });
    group.finish();

    // Where the time goes, by the generator's own phase timer (one run, for orientation).
    let [(r, read), (m, resolve), (e, emit)] = config.generate(&spec).expect("generates").phases;
    println!(
        "phases of one run: {r} {:.2} ms, {m} {:.2} ms, {e} {:.2} ms",
        read.as_secs_f64() * 1e3,
        resolve.as_secs_f64() * 1e3,
        emit.as_secs_f64() * 1e3
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = generation
}
criterion_main!(benches);

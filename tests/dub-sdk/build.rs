// Generates Dub's SDK from the description beside the project (`../shared/specs`), the same way
// generated/build.rs generates CodeQR's. That file is not part of this repository: without it
// (a clone on its own), the crate is empty and says so in `DUB_SPEC`, and the oracle tests that
// need it report that they did not run (and fail under CI, where it must be there).

use std::path::Path;

const SPEC: &str = "../../../shared/specs/dub-openapi.json";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(dub_spec)");
    println!("cargo::rerun-if-changed=build.rs");
    if !Path::new(SPEC).exists() {
        return;
    }
    println!("cargo::rustc-cfg=dub_spec");
    let result = codeqr_codegen::Config::new()
        .crate_name("dub")
        .compile(SPEC);
    if let Err(error) = result {
        eprintln!("{error}");
        std::process::exit(1);
    }
}

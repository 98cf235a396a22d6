// Generates the CodeQR SDK from the spec at build time (the prost-build pattern): the generator
// writes `codeqr.rs` and its modules into OUT_DIR, and `src/lib.rs` includes them. Cargo reruns
// this script whenever the spec changes, so the SDK always follows `spec/openapi.yaml`.

fn main() {
    let result = codeqr_codegen::Config::new()
        .crate_name("codeqr")
        .compile("../spec/openapi.yaml");
    if let Err(error) = result {
        // One line naming the file and the JSON pointer; no panic backtrace.
        eprintln!("{error}");
        std::process::exit(1);
    }
}

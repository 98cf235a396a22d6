// Generates the collisions fixture's SDK the same way generated/build.rs generates CodeQR's.

fn main() {
    let result = codeqr_codegen::Config::new()
        .crate_name("collisions")
        .compile("../fixtures/collisions.yaml");
    if let Err(error) = result {
        eprintln!("{error}");
        std::process::exit(1);
    }
}

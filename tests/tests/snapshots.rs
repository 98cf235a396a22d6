//! Snapshots of what the generator writes for `spec/openapi.yaml`, and the properties the
//! snapshots alone cannot show: determinism, the spec driving the output, located errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codeqr_codegen::Config;
use std::path::PathBuf;

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")
}

fn spec_text() -> String {
    std::fs::read_to_string(spec_path()).expect("spec/openapi.yaml is readable")
}

fn standalone() -> codeqr_codegen::Generated {
    Config::new()
        .crate_name("codeqr")
        .generate_from_str("openapi.yaml", &spec_text(), true)
        .expect("the CodeQR spec generates")
}

#[test]
fn generated_types_module() {
    insta::assert_snapshot!("types.rs", standalone().files["src/types.rs"]);
}

#[test]
fn generated_builders_module() {
    insta::assert_snapshot!("builders.rs", standalone().files["src/builders.rs"]);
}

/// The features fixture's generated code: most emitters (unions, parameters of every style,
/// form and multipart bodies, auth schemes) are seen only here, so a change to them is seen in
/// review.
fn features() -> codeqr_codegen::Generated {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/features.yaml");
    let text = std::fs::read_to_string(path).expect("features.yaml is readable");
    Config::new()
        .crate_name("features")
        .generate_from_str("features.yaml", &text, true)
        .expect("the features fixture generates")
}

#[test]
fn features_fixture_modules() {
    let generated = features();
    for module in ["types", "builders", "operations"] {
        insta::assert_snapshot!(
            format!("features-{module}.rs"),
            generated.files[&format!("src/{module}.rs")]
        );
    }
}

#[test]
fn generated_operations_module() {
    insta::assert_snapshot!("operations.rs", standalone().files["src/operations.rs"]);
}

#[test]
fn generated_crate_root_and_manifest() {
    let generated = standalone();
    insta::assert_snapshot!("lib.rs", generated.files["src/lib.rs"]);
    insta::assert_snapshot!("Cargo.toml", generated.files["Cargo.toml"]);
}

#[test]
fn standalone_crate_file_list() {
    let generated = standalone();
    let files: Vec<&String> = generated.files.keys().collect();
    insta::assert_debug_snapshot!("standalone-files", files);
}

#[test]
fn build_script_layout_file_list() {
    let generated = Config::new().generate(spec_path()).expect("generates");
    let files: Vec<&String> = generated.files.keys().collect();
    insta::assert_debug_snapshot!("out-dir-files", files);
    // The root includes its modules from OUT_DIR rather than declaring files.
    assert!(
        generated.files["codeqr.rs"].contains(r#"include!(concat!(env!("OUT_DIR"), "/types.rs"))"#)
    );
}

#[test]
fn the_codeqr_spec_generates_without_warnings() {
    let generated = standalone();
    assert!(generated.warnings.is_empty(), "{:#?}", generated.warnings);
    let summary = generated.summary();
    assert_eq!(
        summary.operations,
        vec!["POST /track/sale → track_sale".to_owned()]
    );
    // TrackSaleRequest: 8 constraints (customerExternalId 2, amount 1, eventName 1, metadata 1,
    // customerName 1, customerEmail 2) and 2 required fields; PaymentProcessor: 1 enum check.
    assert_eq!(summary.validation_rules, 11);
}

#[test]
fn output_is_deterministic() {
    let a = standalone();
    let b = standalone();
    assert_eq!(a.files, b.files);
}

#[test]
fn a_changed_spec_changes_the_sdk() {
    let original = spec_text();
    let anchor = "        customerAvatar:\n";
    assert!(original.contains(anchor));
    let changed = original.replacen(
        anchor,
        "        couponCode:\n          type: string\n          maxLength: 32\n          description: The coupon applied to the sale.\n        customerAvatar:\n",
        1,
    );
    let before = standalone().files["src/types.rs"].clone();
    let after = Config::new()
        .generate_from_str("openapi.yaml", &changed, true)
        .expect("changed spec generates");
    let builders = &after.files["src/builders.rs"];
    let after = &after.files["src/types.rs"];
    assert!(!before.contains("coupon_code"));
    assert!(after.contains("pub coupon_code: ::std::option::Option<::std::string::String>,"));
    assert!(after.contains("object.optional(\"couponCode\", &self.coupon_code);"));
    assert!(after.contains(
        "coupon_code: ::std::option::Option<::std::option::Option<::std::string::String>>,"
    ));
    assert!(after.contains("\"couponCode\","));
    assert!(after.contains("crate::object::put(&mut partial.coupon_code, map),"));
    assert!(builders.contains("pub fn coupon_code(\n"), "{builders}");
    assert!(after.contains("v.max_length(&path, value, 32u64);"));
}

#[test]
fn the_build_script_output_follows_the_spec_file() {
    // What `generated/build.rs` writes must be what the generator produces from the spec now.
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/snapshot-build-check");
    let _ = std::fs::remove_dir_all(&out_dir);
    let summary = Config::new()
        .out_dir(&out_dir)
        .emit_rerun_if_changed(false)
        .compile(spec_path())
        .expect("compiles");
    assert_eq!(summary.operations.len(), 1);
    let written = std::fs::read_to_string(out_dir.join("types.rs")).expect("types.rs written");
    let expected = Config::new().generate(spec_path()).expect("generates");
    assert_eq!(written, expected.files["types.rs"]);
}

#[test]
fn invalid_specs_are_located_errors() {
    let cases = [
        (
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "/swagger",
            "Swagger 2.0",
        ),
        (
            "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "/openapi",
            "4.0.0 is not supported",
        ),
        ("openapi: 3.0.3\ninfo: [", "", "not valid YAML"),
    ];
    for (text, pointer, words) in cases {
        let error = Config::new()
            .generate_from_str("bad.yaml", text, true)
            .expect_err(text);
        assert_eq!(error.file, "bad.yaml");
        assert_eq!(error.pointer, pointer, "{error}");
        assert!(error.to_string().contains(words), "{error}");
        assert_eq!(error.to_string().lines().count(), 1, "{error}");
    }
}

#[test]
fn the_workspace_sdk_declares_what_generated_crates_declare() {
    // `generated/Cargo.toml` is written by hand; it must carry every dependency the generated
    // code and runtime use, the same ones a standalone crate gets.
    let manifest = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated/Cargo.toml"),
    )
    .expect("readable");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    let declared: Vec<&str> = dependencies
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split(['.', ' ', '=']).next())
        .filter(|name| !name.is_empty())
        .collect();
    let mut expected: Vec<&str> = codeqr_codegen::DEPENDENCIES
        .iter()
        .map(|(name, _)| *name)
        .chain(
            codeqr_codegen::OPTIONAL_DEPENDENCIES
                .iter()
                .map(|(_, name, _)| *name),
        )
        .collect();
    expected.sort_unstable();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort_unstable();
    assert_eq!(declared_sorted, expected);
    // And the features that turn the optional ones on.
    for (feature, name, _) in codeqr_codegen::OPTIONAL_DEPENDENCIES {
        let line = format!("{feature} = [\"dep:{name}\"]");
        assert!(
            manifest.contains(&line),
            "generated/Cargo.toml lacks `{line}`"
        );
    }
}

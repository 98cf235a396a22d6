//! The command line, run as a user would: a standalone crate from the CodeQR spec, and a
//! one-line located error with exit code 1 for a broken spec.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn codegen() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codeqr-codegen"));
    cmd.current_dir(workspace());
    cmd
}

#[test]
fn generate_writes_a_standalone_crate_and_reports_it() {
    let out = workspace().join("target/cli-test-sdk");
    let _ = std::fs::remove_dir_all(&out);
    let output = codegen()
        .args(["generate", "--spec", "spec/openapi.yaml", "--out"])
        .arg(&out)
        .args(["--crate-name", "codeqr_cli_test"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("POST /track/sale → track_sale"), "{stdout}");
    assert!(
        stdout.contains("struct TrackSaleRequest (request: builder + validation)"),
        "{stdout}"
    );
    assert!(stdout.contains("validation: 11 rules"), "{stdout}");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml written");
    assert!(manifest.contains("name = \"codeqr_cli_test\""));
    assert!(
        !manifest.contains("path ="),
        "no path dependencies: {manifest}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs written");
    assert!(lib.contains("api_key_env: \"CODEQR_CLI_TEST_API_KEY\""));
    assert!(lib.contains("concat!(\"codeqr_cli_test-rust/\""));
}

#[test]
fn a_broken_spec_is_one_line_with_file_and_pointer_and_exit_code_1() {
    let dir = workspace().join("target/cli-test-broken");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let spec = dir.join("broken.json");
    // Only a document that cannot be read at all is refused: here, a version no reader has.
    std::fs::write(
        &spec,
        r#"{"openapi":"2.5","info":{"title":"t","version":"1"},"paths":{}}"#,
    )
    .expect("write");
    let output = codegen()
        .args(["generate", "--spec"])
        .arg(&spec)
        .args(["--out"])
        .arg(dir.join("out"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.trim();
    assert_eq!(line.lines().count(), 1, "{stderr}");
    assert!(line.contains("broken.json#/openapi"), "{stderr}");

    // A defect in one node is a warning with its pointer, and the crate is written.
    let flawed = dir.join("flawed.json");
    std::fs::write(&flawed, r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":null}}}}}}"#).expect("write");
    let output = codegen()
        .args(["generate", "--spec"])
        .arg(&flawed)
        .args(["--out"])
        .arg(dir.join("flawed-out"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("flawed.json#/paths/~1a/get/responses/200/description"),
        "{stdout}"
    );
    assert!(dir.join("flawed-out/src/operations.rs").exists());

    let missing = codegen()
        .args(["generate", "--spec", "does/not/exist.yaml", "--out"])
        .arg(dir.join("out2"))
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does/not/exist.yaml"));
}

/// `--check` writes nothing and says whether the directory is what would be generated: 0 on a
/// fresh output, 1 naming each file edited, missing or extra, with line counts.
#[test]
fn check_reports_every_file_that_differs_and_writes_nothing() {
    let out = workspace().join("target/cli-check-sdk");
    let _ = std::fs::remove_dir_all(&out);
    let run = |check: bool| {
        let mut cmd = codegen();
        cmd.args(["generate", "--spec", "spec/openapi.yaml", "--out"])
            .arg(&out)
            .args(["--crate-name", "codeqr_check", "--quiet"]);
        if check {
            cmd.arg("--check");
        }
        let output = cmd.output().expect("runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    // Nothing there: every file would be added, and nothing is written.
    let (code, stdout) = run(true);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("added    src/types.rs ("), "{stdout}");
    assert!(!out.exists(), "--check wrote {}", out.display());
    // Fresh: up to date.
    assert_eq!(run(false).0, Some(0));
    assert_eq!(run(true), (Some(0), String::new()));
    // An edited file: changed, with the lines added and removed.
    let lib = out.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("// edited by hand\n{text}")).unwrap();
    let (code, stdout) = run(true);
    assert_eq!(code, Some(1));
    assert_eq!(stdout.trim(), "changed  src/lib.rs (+0 -1 lines)");
    // A missing file and an extra one; what is not the generator's is left alone.
    std::fs::remove_file(out.join("src/auth.rs")).unwrap();
    std::fs::write(out.join("src/stale.rs"), "a\nb\n").unwrap();
    std::fs::create_dir_all(out.join("target")).unwrap();
    std::fs::write(out.join("target/x"), "").unwrap();
    std::fs::write(out.join("Cargo.lock"), "").unwrap();
    let (code, stdout) = run(true);
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("added    src/auth.rs ("), "{stdout}");
    assert_eq!(lines[1], "changed  src/lib.rs (+0 -1 lines)");
    assert_eq!(lines[2], "removed  src/stale.rs (2 lines)");
    // Writing brings the generated files back; a stale file stays until removed by hand.
    assert_eq!(run(false).0, Some(0));
    let (code, stdout) = run(true);
    assert_eq!(
        (code, stdout.trim()),
        (Some(1), "removed  src/stale.rs (2 lines)")
    );
    std::fs::remove_file(out.join("src/stale.rs")).unwrap();
    assert_eq!(run(true).0, Some(0));
}

#[test]
fn diff_prints_the_verdict_last_and_fails_on_request() {
    let pair = |new: &str| {
        [
            "diff".to_owned(),
            "tests/fixtures/evolution/base.yaml".to_owned(),
            format!("tests/fixtures/evolution/{new}.yaml"),
        ]
    };
    let run = |args: &[String]| {
        let output = codegen().args(args).output().expect("runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code(), stdout, stderr)
    };
    let mut args = pair("request-field-removed").to_vec();
    args.extend(["--crate-version", "0.3.1"].map(str::to_owned));
    let (code, stdout, _) = run(&args);
    assert_eq!(code, Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        ["next version: 0.4.0", "semver: major"]
    );
    assert!(stdout.contains("types::CreateOrderRequest::note: request field removed"));
    assert!(stdout.contains(
        "at tests/fixtures/evolution/base.yaml#/components/schemas/CreateOrderRequest/properties/note"
    ));

    // `--fail-on`: exit 1 at or above the level, 0 below it.
    args.extend(["--fail-on", "major"].map(str::to_owned));
    assert_eq!(run(&args).0, Some(1));
    let mut minor = pair("enum-value-added").to_vec();
    minor.extend(["--fail-on", "major"].map(str::to_owned));
    let (code, stdout, _) = run(&minor);
    assert_eq!(
        (code, stdout.lines().last()),
        (Some(0), Some("semver: minor"))
    );
    let n = minor.len();
    minor[n - 1] = "minor".to_owned();
    assert_eq!(run(&minor).0, Some(1));
    let (code, stdout, _) = run(&pair("unchanged"));
    assert_eq!(
        (code, stdout.lines().last()),
        (Some(0), Some("semver: none"))
    );

    // Trouble is exit 2: a version that is not X.Y.Z, a spec that cannot be read.
    let mut bad = pair("unchanged").to_vec();
    bad.extend(["--crate-version", "1.2"].map(str::to_owned));
    let (code, _, stderr) = run(&bad);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--crate-version"), "{stderr}");
    let (code, _, stderr) = run(&[
        "diff".to_owned(),
        "nope.yaml".to_owned(),
        "spec/openapi.yaml".to_owned(),
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("nope.yaml"), "{stderr}");
}

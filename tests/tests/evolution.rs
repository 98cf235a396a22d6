//! What a spec change does to the SDK's users, as `codeqr-codegen diff` reports it: one hand-made
//! pair per rule in `tests/fixtures/evolution` (`base.yaml` against each other file, which is
//! `base.yaml` with one change). Each report is an insta snapshot, reviewed like generated code;
//! its verdict must be the level the file's second line (`# expect: ...`) names. `cargo xtask
//! semver` has cargo-semver-checks judge the same pairs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use codeqr_codegen::Config;
use codeqr_codegen::diff::{Level, diff};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/evolution")
}

#[test]
fn each_rule_is_classified_as_its_pair_expects() {
    let config = Config::new();
    let (base, warnings) = config
        .model(fixtures().join("base.yaml"))
        .expect("base reads");
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".yaml").map(str::to_owned))
        .filter(|name| name != "base")
        .collect();
    names.sort();
    let mut levels = Vec::new();
    for name in &names {
        let file = fixtures().join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&file).unwrap();
        let expect = text
            .lines()
            .nth(1)
            .and_then(|line| line.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{name}: the second line says `# expect: LEVEL`"));
        let (model, warnings) = config.model(&file).expect("reads");
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        let report = diff(&base, &model, "base.yaml", &format!("{name}.yaml"));
        let rendered = report.render(Some(&semver::Version::new(1, 4, 2)));
        assert_eq!(
            report.level().map_or("none", Level::as_str),
            expect,
            "{name}:\n{rendered}"
        );
        let last = rendered.lines().last().unwrap();
        assert_eq!(last, format!("semver: {expect}"));
        insta::assert_snapshot!(format!("evolution-{name}"), rendered);
        levels.push(expect.to_owned());
    }
    // Every level is exercised, by every rule the issue lists and a few more.
    for level in ["major", "minor", "patch", "none"] {
        assert!(levels.iter().any(|l| l == level), "no pair expects {level}");
    }
    assert!(names.len() >= 27, "{names:?}");
}

#[test]
fn the_next_version_follows_cargo_for_0_x_too() {
    let config = Config::new();
    let (base, _) = config.model(fixtures().join("base.yaml")).unwrap();
    let next = |pair: &str, version: &str| {
        let (model, _) = config.model(fixtures().join(pair)).unwrap();
        let report = diff(&base, &model, "base.yaml", pair);
        let rendered = report.render(Some(&semver::Version::parse(version).unwrap()));
        let lines: Vec<&str> = rendered.lines().collect();
        lines[lines.len() - 2].to_owned()
    };
    assert_eq!(
        next("request-field-removed.yaml", "0.7.3"),
        "next version: 0.8.0"
    );
    assert_eq!(
        next("request-field-added-optional.yaml", "0.7.3"),
        "next version: 0.7.4"
    );
    assert_eq!(
        next("documentation-changed.yaml", "0.7.3"),
        "next version: 0.7.4"
    );
    assert_eq!(
        next("request-field-removed.yaml", "0.0.3"),
        "next version: 0.0.4"
    );
    assert_eq!(
        next("request-field-removed.yaml", "2.1.0"),
        "next version: 3.0.0"
    );
    assert_eq!(
        next("enum-value-added.yaml", "2.1.0"),
        "next version: 2.2.0"
    );
    assert_eq!(
        next("documentation-changed.yaml", "2.1.0"),
        "next version: 2.1.1"
    );
    assert_eq!(next("unchanged.yaml", "2.1.0"), "next version: 2.1.0");
}

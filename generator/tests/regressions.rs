//! Specs that once crashed or confused the generator, reduced to their core. Each must generate
//! (never panic, never overflow the stack) and produce the types described.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codeqr_codegen::Config;

fn generate(text: &str) -> codeqr_codegen::Generated {
    Config::new()
        .generate_from_str("regression.yaml", text, true)
        .expect("generates")
}

#[test]
fn schemas_that_reach_themselves_through_all_of_merging_terminate() {
    // Reduced from AWS Cost Explorer: A merges B, whose inline property merges A again.
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A:
      allOf:
        - $ref: '#/components/schemas/B'
        - type: object
          properties:
            a: {type: string}
    B:
      type: object
      properties:
        next:
          allOf:
            - $ref: '#/components/schemas/A'
            - type: object
              properties:
                depth: {type: integer}
"#,
    );
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub struct A {"), "{types}");
    assert!(types.contains("pub struct B {"), "{types}");
    // The inline merge of A into B.next is one named type, boxed where it holds itself.
    assert!(types.contains("Box<"), "{types}");
}

#[test]
fn a_field_named_default_or_build_keeps_the_builder_usable() {
    // Reduced from Kubernetes' JSONSchemaProps (`default`) and readme-schema-types.
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      operationId: x
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                default: {type: string}
                build: {type: string}
      responses: {'204': {description: ok}}
"#,
    );
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("<XRequestBuilder as ::std::default::Default>::default()"),
        "{types}"
    );
    assert!(types.contains("pub fn build_value(mut self"), "{types}");
}

#[test]
fn parameters_named_like_generated_locals_do_not_shadow_them() {
    // Reduced from Dub and Asana: query parameters called `query` and `v`.
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /search/{v}:
    get:
      operationId: search
      parameters:
        - {name: v, in: path, required: true, schema: {type: string}}
        - {name: query, in: query, schema: {type: string}}
        - {name: prepared, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
"#,
    );
    let ops = &generated.files["src/operations.rs"];
    assert!(ops.contains("v2: &str"), "{ops}");
    assert!(ops.contains("if let Some(value) = &params.query"), "{ops}");
}

#[test]
fn yaml_nested_a_hundred_thousand_levels_deep_is_refused_at_once() {
    // Found by tests/tests/fuzz_generator.rs (deep nesting): the YAML scanner's time grows with
    // the square of the flow nesting depth, and it scans the whole document before the recursion
    // limit applies, so 100,000 levels (4 MB) took four minutes to be refused.
    let depth = 100_000;
    let schema = format!(
        "{}{{type: string}}{}",
        "{type: object, properties: {a: ".repeat(depth),
        "}}".repeat(depth)
    );
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Deep: {schema}\n"
    );
    let started = std::time::Instant::now();
    let error = Config::new()
        .generate_from_str("deep.yaml", &text, true)
        .expect_err("too deep to read");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(error.kind, "unparsable-spec");
    assert_eq!(error.file, "deep.yaml");
    assert!(
        error.message.contains("line 6 column"),
        "the error says where: {error}"
    );
}

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

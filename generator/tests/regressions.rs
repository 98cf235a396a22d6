//! Specs that once crashed or confused the generator, reduced to their core. Each must generate
//! (never panic, never overflow the stack) and produce the types described.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codeqr_codegen::Config;
use codeqr_codegen::model::{TypeKind, TypeRef};

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
    // The builder is made through the trait by path, whatever the builder's own methods are.
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("pub fn builder() -> crate::builders::XRequest {\n        ::std::default::Default::default()"),
        "{types}"
    );
    let builders = &generated.files["src/builders.rs"];
    assert!(builders.contains("pub fn default(\n"), "{builders}");
    assert!(builders.contains("pub fn build_value(\n"), "{builders}");
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
    assert!(
        ops.contains("crate::params::push_optional(&mut query_pairs, \"query\", &params.query);"),
        "{ops}"
    );
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

#[test]
fn types_nested_sixty_levels_deep_do_not_overflow_the_generators_threads() {
    // Found by tests/tests/fuzz_generator.rs (deep nesting): reading `components` and formatting
    // moved to spawned threads with the default 2 MiB stack, and a debug build (as build scripts
    // are compiled) aborted with a stack overflow at 60 levels of `items`, `additionalProperties`
    // or `properties`. Run on an 8 MiB thread, as a build script's main thread is.
    for (open, close) in [
        (r#"{"type":"array","items":"#, "}"),
        (r#"{"type":"object","additionalProperties":"#, "}"),
        (r#"{"type":"object","properties":{"a":"#, "}}"),
    ] {
        let schema = format!(
            "{}{{\"type\":\"string\",\"maxLength\":3}}{}",
            open.repeat(60),
            close.repeat(60)
        );
        let text = format!(
            r##"{{"openapi":"3.0.3","info":{{"title":"Deep","version":"1"}},"paths":{{"/deep":{{"post":{{"operationId":"deep","requestBody":{{"content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Deep"}}}}}}}},"responses":{{"204":{{"description":"ok"}}}}}}}}}},"components":{{"schemas":{{"Deep":{schema}}}}}}}"##
        );
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || generate(&text))
            .expect("spawn")
            .join()
            .expect("generates without overflowing");
    }
}

#[test]
fn an_invalid_schema_under_nested_all_of_degrades_quickly() {
    // Found by the 30-minute run of tests/tests/fuzz_generator.rs: an array where a schema
    // belongs, under nested `allOf`s, made openapiv3's untagged `ReferenceOr`/`SchemaKind`
    // readers retry every variant at every level: 12 levels 0.3 s, 16 levels 2 s, 18 levels 7 s
    // (release build), about twice as long per level. The normaliser now replaces a non-object
    // schema by `{}` (any value), with a warning, before openapiv3 sees it; at 24 levels the old
    // reader would take hours.
    let depth = 24;
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {}[]{}\n",
        "{allOf: [".repeat(depth),
        "]}".repeat(depth)
    );
    let generated = Config::new()
        .generate_from_str("nested.yaml", &text, true)
        .expect("one bad schema is one untyped value");
    let warning = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("must be an object"))
        .expect("a warning");
    assert!(
        warning
            .pointer
            .starts_with("/components/schemas/A/properties/x/allOf/0/allOf/0"),
        "{warning}"
    );
    assert!(
        generated.files["src/types.rs"]
            .contains("pub x: ::std::option::Option<::serde_json::Value>"),
        "{}",
        generated.files["src/types.rs"]
    );
}

/// A document of OpenAPI `version` whose one schema nests `innermost` `depth` levels of `items`
/// deep, generated on an 8 MiB thread, as a build script's main thread is (a debug build
/// recurses deeply); and the first `invalid-keyword` warning it gave.
fn deep_items_warning(version: &str, innermost: &str, depth: usize) -> codeqr_codegen::Diagnostic {
    let mut schema = innermost.to_owned();
    for _ in 0..depth {
        schema = format!("{{type: array, items: {schema}}}");
    }
    one_schema_warnings(version, schema)
        .into_iter()
        .find(|w| w.kind == "invalid-keyword")
        .expect("the invalid keyword is reported")
}

/// The warnings of a document of OpenAPI `version` whose one schema is `schema` (flow YAML),
/// generated on an 8 MiB thread, as a build script's main thread is.
fn one_schema_warnings(version: &str, schema: String) -> Vec<codeqr_codegen::Diagnostic> {
    let text = format!(
        "openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {schema}\n"
    );
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || generate(&text))
        .expect("spawn")
        .join()
        .expect("generates")
        .warnings
}

#[test]
fn a_mistyped_type_under_deeply_nested_items_is_dropped_at_once() {
    // The second long fuzz run's hang, reduced: `type: {$ref: ...}` 99 levels of `items` deep
    // never finished reading (the same untagged retries). The keyword is dropped with a warning.
    let warning = deep_items_warning("3.1.0", "{type: {$ref: '#/x'}}", 99);
    assert!(warning.pointer.ends_with("/items/type"), "{warning}");
}

#[test]
fn a_boolean_schema_under_deeply_nested_items_in_3_0_is_read_at_once() {
    // The fifth long fuzz run's hang, reduced: `items: false` (JSON Schema's boolean schema,
    // valid in 3.1, not in 3.0) 40 levels of `items` deep in a 3.0 document. The normaliser
    // let booleans through to openapiv3, whose untagged readers refuse one only after retrying
    // every variant at every level above it: 16 levels 0.6 s, 18 levels 2.4 s (release),
    // 40 levels more than 5 minutes. Now read as 3.1 reads it, with a warning.
    let warning = deep_items_warning("3.0.3", "{type: array, items: false}", 40);
    assert!(warning.pointer.ends_with("/items/items"), "{warning}");
    assert!(
        warning.message.contains("OpenAPI 3.1, not 3.0"),
        "{warning}"
    );
}

#[test]
fn mistyped_keywords_deep_down_are_dropped_at_once() {
    // The eighth long fuzz run hung (no answer for 12 minutes, input lost); probing by hand
    // found these, each under 22 levels of `items` taking over 20 s (release) before: keywords
    // whose wrong type no variant of `openapiv3`'s schema accepts, so that every level above
    // retried every variant. Each is now dropped with a warning at its place.
    for (innermost, keyword) in [
        ("{type: object, required: [1]}", "required"),
        ("{type: number, exclusiveMinimum: x}", "exclusiveMinimum"),
        ("{type: string, externalDocs: 5}", "externalDocs"),
        (
            "{type: object, discriminator: {propertyName: 5}}",
            "discriminator",
        ),
        ("{type: [string, 1]}", "type"),
    ] {
        let warning = deep_items_warning("3.0.3", innermost, 22);
        assert!(
            warning.pointer.ends_with(&format!("/items/{keyword}")),
            "{innermost}: {warning}"
        );
    }
}

#[test]
fn a_ref_that_is_not_a_string_deep_down_is_dropped_at_once() {
    // The tenth long fuzz run's hang (input kept): `{$ref: true, items: '[a-', writeOnly:
    // nonsense}` under 28 levels of `oneOf`. A `$ref` skipped every check (its siblings are
    // ignored in 3.0), so neither reading of it succeeded, at every level. Now the `$ref` is
    // dropped with a warning and the rest checked as a schema.
    let mut schema = "{$ref: true, items: '[a-', writeOnly: nonsense}".to_owned();
    for _ in 0..28 {
        schema = format!("{{oneOf: [{schema}, {{type: integer}}]}}");
    }
    let warning = one_schema_warnings("3.0.3", schema)
        .into_iter()
        .find(|w| w.pointer.ends_with("/$ref"))
        .expect("the $ref is reported");
    assert!(warning.message.contains("must be a string"), "{warning}");
}

#[test]
fn a_schema_openapiv3_cannot_read_deep_down_is_read_as_any_value() {
    // The safety net under the keyword checks: a type list is 3.1; in a 3.0 document no variant
    // reads it, which deep down cost the same doubling per level. Read as `{}`, with a warning.
    let warning = deep_items_warning("3.0.3", "{type: [string, integer]}", 22);
    assert!(warning.message.contains("cannot be read"), "{warning}");
    assert!(warning.pointer.ends_with("/items"), "{warning}");
}

#[test]
fn an_all_of_cycle_with_a_repeated_part_is_merged_once() {
    // The sixth long fuzz run's hang, reduced: `A: allOf [B, B, {a: A}]`, `B: allOf [A]`. The
    // cycle was walked to the depth limit (32), twice more at each level for the repeated `B`:
    // 20 s and counting. Each schema is now merged into an `allOf` at most once.
    let generated = generate(
        r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A:
      allOf:
      - $ref: '#/components/schemas/B'
      - $ref: '#/components/schemas/B'
      - type: object
        properties:
          a: {$ref: '#/components/schemas/A'}
    B:
      allOf:
      - $ref: '#/components/schemas/A'
"#,
    );
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub struct A {"), "{types}");
    assert!(
        types.contains("pub a: ::std::option::Option<::std::boxed::Box<A>>"),
        "{types}"
    );
    assert!(
        generated
            .warnings
            .iter()
            .all(|w| !w.message.contains("nested too deeply")),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn aliases_that_reach_themselves_are_untied_with_a_warning() {
    // Found by the fuzzer's `Cycles` seed: `pub type C = D; pub type D = C;` and
    // `pub type E = Vec<E>;` were generated, and neither compiles.
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    C: {$ref: '#/components/schemas/D'}
    D: {$ref: '#/components/schemas/C'}
    E: {type: array, items: {$ref: '#/components/schemas/E'}}
    F: {type: array, items: {$ref: '#/components/schemas/Node'}}
    Node:
      type: object
      properties:
        children: {$ref: '#/components/schemas/F'}
"#,
    );
    let alias = |name: &str| match generated.model.types.get(name).map(|d| &d.kind) {
        Some(TypeKind::Alias(shape)) => shape.ty.clone(),
        other => panic!("{name} is not an alias: {other:?}"),
    };
    assert_eq!(alias("C"), TypeRef::Any);
    assert_eq!(alias("D"), TypeRef::Any);
    assert_eq!(alias("E"), TypeRef::Array(Box::new(TypeRef::Any)));
    // Through a struct the cycle is fine: a struct is a type of its own.
    assert_eq!(
        alias("F"),
        TypeRef::Array(Box::new(TypeRef::Named("Node".to_owned())))
    );
    let mut warned: Vec<&str> = generated
        .warnings
        .iter()
        .filter(|w| w.message.contains("refers back to itself"))
        .map(|w| w.pointer.as_str())
        .collect();
    warned.sort_unstable();
    assert_eq!(
        warned,
        [
            "/components/schemas/C",
            "/components/schemas/D",
            "/components/schemas/E"
        ]
    );
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("pub type E = ::std::vec::Vec<::serde_json::Value>;"),
        "{types}"
    );
}

/// Apache Airflow's description declares security schemes and requires none (`security: []`),
/// though its servers answer 401/403 without credentials: every operation then accepts any one
/// declared scheme, or none, so a credential set on the client is sent; and the generator says
/// so. A description where some operation requires a scheme is left as it says.
#[test]
fn schemes_declared_but_required_nowhere_are_offered_to_every_operation() {
    let spec = |security: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: '1'}}
security: []
paths:
  /pools:
    get:
      operationId: getPools
      {security}
      responses: {{'200': {{description: ok}}}}
  /health:
    get:
      operationId: health
      responses: {{'200': {{description: ok}}}}
components:
  securitySchemes:
    Basic: {{type: http, scheme: basic}}
    Kerberos: {{type: http, scheme: negotiate}}
    Token: {{type: apiKey, in: header, name: X-Token}}
"#
        )
    };
    let unstated = generate(&spec(""));
    for op in unstated.model.operations() {
        assert_eq!(
            op.auth,
            [vec!["Basic".to_owned()], vec!["Token".to_owned()], vec![]],
            "{}",
            op.operation_id
        );
    }
    assert!(
        unstated
            .warnings
            .iter()
            .any(|w| w.kind == "auth-unstated" && w.message.contains("Basic, Token")),
        "{:?}",
        unstated.warnings
    );
    let stated = generate(&spec("security: [{Token: []}]"));
    let auth: Vec<_> = stated
        .model
        .operations()
        .map(|op| op.auth.clone())
        .collect();
    assert_eq!(auth, [vec![vec!["Token".to_owned()]], vec![]]);
    assert!(stated.warnings.iter().all(|w| w.kind != "auth-unstated"));
}

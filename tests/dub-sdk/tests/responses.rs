//! Every response Dub's description allows decodes: for each operation's JSON success response,
//! instances are built from its schema (every `oneOf`/`anyOf` branch, `null` wherever the schema
//! allows it, in arrays and unions too, optional fields absent and present, every enum value,
//! numbers at their bounds, an unknown field), each is checked valid by the `jsonschema` crate
//! (Draft 4 with OpenAPI 3.0's `nullable` spelled out), and the generated type must decode it.
//! Two instances the schema does not allow must decode too, as the SDK promises: an unknown
//! enum value (kept as `Unknown`) and an unknown field where the object is closed (ignored).
//!
//! An instance the builder makes that `jsonschema` refuses (a `pattern` it cannot satisfy, say)
//! is not a failure of the SDK: it is counted and left out. The figures are printed.

#![cfg(dub_spec)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use codeqr_instances::{Builder, Components, Side};
use serde_json::Value;

const SPEC: &str = "../../../shared/specs/dub-openapi.json";
/// Instances per response, at most (the first ones are the structural variants).
const PER_RESPONSE: usize = 400;

fn spec() -> Value {
    let text = std::fs::read_to_string(SPEC).expect("Dub's description is beside the project");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn every_response_the_description_allows_decodes() {
    let spec = spec();
    let builder = Builder { spec: &spec };
    let components = Components::new(&spec, Side::Response);
    let (mut schemas, mut tried, mut invalid, mut promised) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (operation, method, path, status) in dub_sdk::responses::RESPONSES {
        let response = &spec["paths"][path][method]["responses"][status.to_string()];
        let response = builder.resolve(response);
        let Some(schema) = response["content"]["application/json"]
            .get("schema")
            .or_else(|| response["content"]["application/problem+json"].get("schema"))
        else {
            continue;
        };
        schemas += 1;
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&components.root(schema))
            .unwrap_or_else(|e| panic!("{operation}: the converted schema: {e}"));
        let judged = builder.judged(schema, PER_RESPONSE, |i| validator.is_valid(i));
        invalid += judged.left_out;
        for instance in &judged.valid {
            tried += 1;
            let text = instance.to_string();
            if let Some(Err(error)) = dub_sdk::responses::decode(operation, &text) {
                failures.push(format!("{operation} {status}: {error}\n    {text:.600}"));
            }
        }
        // What the SDK promises beyond the schema: an unknown enum value.
        if let Some(instance) = judged.unknown_enum {
            promised += 1;
            let text = instance.to_string();
            if let Some(Err(error)) = dub_sdk::responses::decode(operation, &text) {
                failures.push(format!(
                    "{operation} {status} (unknown enum value): {error}\n    {text:.600}"
                ));
            }
        }
    }
    println!(
        "responses: {schemas} schemas, {tried} valid instances decoded, {promised} with an \
         unknown enum value, {invalid} built instances refused by jsonschema (left out), {} \
         failures",
        failures.len()
    );
    assert!(schemas > 40, "only {schemas} response schemas found");
    // The harness can fail: a number is no list of links.
    assert!(matches!(
        dub_sdk::responses::decode("getLinks", "42"),
        Some(Err(_))
    ));
    assert!(
        failures.is_empty(),
        "{} responses the description allows do not decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

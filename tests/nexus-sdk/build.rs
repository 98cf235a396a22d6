// Generates an SDK from a sample of Oxide's Nexus description (`../shared/specs`, beside the
// project): the list operations in `SAMPLE`, all paginated with `x-dropshot-pagination`, and the
// schemas they reach (the whole description is 300-odd operations: its crate is checked by the
// corpus suite, and too slow to build for the test command). Without the file (a clone on its
// own) the crate is empty and says so in `NEXUS_SPEC`, and the tests report that they did not run
// (and fail under CI, where it must be there).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

const SPEC: &str = "../../../shared/specs/oxide-nexus.json";

/// The sampled operations: with and without `required` parameters, top-level and system.
const SAMPLE: &[&str] = &[
    "disk_list",
    "floating_ip_list",
    "image_list",
    "instance_list",
    "project_list",
    "silo_list",
    "snapshot_list",
    "vpc_list",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(nexus_spec)");
    println!("cargo::rerun-if-changed=build.rs");
    if !Path::new(SPEC).exists() {
        return;
    }
    println!("cargo::rustc-cfg=nexus_spec");
    let text = std::fs::read_to_string(SPEC).unwrap_or_default();
    let Ok(mut spec) = serde_json::from_str::<Value>(&text) else {
        eprintln!("{SPEC} is not JSON");
        std::process::exit(1);
    };
    sample(&mut spec);
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("nexus-sample.json");
    if let Err(error) = std::fs::write(&out, spec.to_string()) {
        eprintln!("cannot write {}: {error}", out.display());
        std::process::exit(1);
    }
    let result = codeqr_codegen::Config::new()
        .crate_name("nexus")
        .compile(&out);
    if let Err(error) = result {
        eprintln!("{error}");
        std::process::exit(1);
    }
}

/// Keeps the sampled operations and the schemas they reach.
fn sample(spec: &mut Value) {
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|_, op| {
                    op.get("operationId")
                        .and_then(Value::as_str)
                        .is_some_and(|id| SAMPLE.contains(&id))
                });
            }
        }
        paths.retain(|_, item| item.as_object().is_some_and(|i| !i.is_empty()));
    }
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    refs(&spec["paths"], &mut pending);
    refs(&spec["components"]["responses"], &mut pending);
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            refs(&spec["components"]["schemas"][&name], &mut pending);
        }
    }
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| reached.contains(name));
    }
}

/// The schema names `value` refers to.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

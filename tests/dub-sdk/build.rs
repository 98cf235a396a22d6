// Generates Dub's SDK from the description beside the project (`../shared/specs`), the same way
// generated/build.rs generates CodeQR's. That file is not part of this repository: without it
// (a clone on its own), the crate is empty and says so in `DUB_SPEC`, and the oracle tests that
// need it report that they did not run (and fail under CI, where it must be there).

use std::path::Path;

const SPEC: &str = "../../../shared/specs/dub-openapi.json";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(dub_spec)");
    println!("cargo::rerun-if-changed=build.rs");
    if !Path::new(SPEC).exists() {
        return;
    }
    println!("cargo::rustc-cfg=dub_spec");
    let mut config = codeqr_codegen::Config::new();
    config.crate_name("dub");
    if let Err(error) = config.compile(SPEC) {
        eprintln!("{error}");
        std::process::exit(1);
    }
    // tests/responses.rs: each operation's JSON success response, and a function decoding a
    // text as its type (named from the model, as the generated code names it).
    let generated = match config.generate(SPEC) {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    let mut table = String::new();
    let mut arms = String::new();
    for op in generated.model.operations() {
        let codeqr_codegen::model::ResponseBody::Json(ty) = &op.success.body else {
            continue;
        };
        let Some(status) = op.success.statuses.first() else {
            continue;
        };
        table.push_str(&format!(
            "    ({:?}, {:?}, {:?}, {status}),\n",
            op.operation_id,
            op.http_method.as_str().to_lowercase(),
            op.path
        ));
        arms.push_str(&format!(
            "        {:?} => Some(::serde_json::from_str::<{}>(text).map(drop).map_err(|e| e.to_string())),\n",
            op.operation_id,
            codeqr_codegen::rust_type(ty)
        ));
    }
    let code = format!(
        "/// (operation id, method, path, status) of every operation's JSON success response.\n\
         pub const RESPONSES: &[(&str, &str, &str, u16)] = &[\n{table}];\n\n\
         /// Decodes `text` as `operation_id`'s success response type; `None` for an operation \
         without one.\n\
         pub fn decode(operation_id: &str, text: &str) -> Option<Result<(), String>> {{\n    \
         match operation_id {{\n{arms}        _ => None,\n    }}\n}}\n"
    );
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    if let Err(error) = std::fs::write(Path::new(&out).join("responses.rs"), code) {
        eprintln!("writing responses.rs: {error}");
        std::process::exit(1);
    }
}

//! Round trips through the SDK generated from the description a running Prefect server serves
//! (`/api/openapi.json`, OpenAPI 3.1): variables created, listed page by page, read, updated,
//! deleted, read after deletion, created twice, and one refused before it is sent. Prefect
//! answers 409 and 404 where its description documents neither: the SDK's error must still carry
//! the status and the body.
//!
//! Usage: `cargo run -- <base URL>` (e.g. `http://127.0.0.1:4200/api`). Exits non-zero on the first
//! round trip that does not go as a user would expect.

use prefect::types::{
    BodyReadVariablesVariablesFilterPost, VariableCreate, VariableFilter, VariableFilterName,
    VariableSort, VariableUpdate, VariableValue,
};
use prefect::{Client, Error};

type Outcome = Result<(), String>;

fn check(condition: bool, what: impl Into<String>) -> Outcome {
    if condition { Ok(()) } else { Err(what.into()) }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:4200/api".to_owned());
    match run(&base_url).await {
        Ok(()) => println!("prefect: every round trip went as expected"),
        Err(message) => {
            eprintln!("prefect: {message}");
            std::process::exit(1);
        }
    }
}

async fn run(base_url: &str) -> Outcome {
    let client = Client::builder()
        .base_url(base_url)
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let api = client.variables();
    let prefix = format!("codeqr_{}", std::process::id());
    let params = Default::default;

    // Create: three variables, values of three JSON types.
    let values = [
        VariableValue::String("blue".to_owned()),
        VariableValue::Integer(42),
        VariableValue::Object(serde_json::Map::from_iter([(
            "region".to_owned(),
            serde_json::json!("eu"),
        )])),
    ];
    let mut created = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let body = VariableCreate::builder()
            .name(format!("{prefix}_{i}"))
            .value(value.clone())
            .tags(vec!["codeqr".to_owned()])
            .build()
            .map_err(|e| format!("building a variable: {e}"))?;
        let variable = api
            .create_variable_variables_post(body, params())
            .await
            .map_err(|e| format!("create {i}: {e}"))?;
        check(
            variable.name == format!("{prefix}_{i}") && variable.value.as_ref() == Some(value),
            format!("create {i}: the server answered {variable:?}"),
        )?;
        created.push(variable);
    }
    println!("  created 3 variables");

    // List, two at a time: Prefect pages by `offset` and `limit` in the request body.
    let mut listed = Vec::new();
    for page in 0.. {
        let filter = BodyReadVariablesVariablesFilterPost::builder()
            .variables(
                VariableFilter::builder()
                    .name(
                        VariableFilterName::builder()
                            .like(format!("{prefix}_%"))
                            .build()
                            .map_err(|e| format!("building a name filter: {e}"))?,
                    )
                    .build()
                    .map_err(|e| format!("building a variable filter: {e}"))?,
            )
            .sort(VariableSort::NameAsc)
            .offset(page * 2)
            .limit(2)
            .build()
            .map_err(|e| format!("building a filter: {e}"))?;
        let batch = api
            .read_variables_variables_filter_post(Some(filter), params())
            .await
            .map_err(|e| format!("list page {page}: {e}"))?;
        let done = batch.len() < 2;
        listed.extend(batch);
        if done {
            break;
        }
    }
    let names: Vec<&str> = listed.iter().map(|v| v.name.as_str()).collect();
    check(
        names == [0, 1, 2].map(|i| format!("{prefix}_{i}")),
        format!("list: {names:?}"),
    )?;
    println!("  listed them, two per page: {names:?}");

    // Get, by id.
    let first = &created[0];
    let read = api
        .read_variable_variables_id_get(&first.id, params())
        .await
        .map_err(|e| format!("get: {e}"))?;
    check(read == *first, format!("get: {read:?} is not {first:?}"))?;

    // Update, then read the change back.
    let mut update = VariableUpdate::default();
    update.value = Some(Some(VariableValue::Boolean(true)));
    api.update_variable_variables_id_patch(&first.id, update, params())
        .await
        .map_err(|e| format!("update: {e}"))?;
    let read = api
        .read_variable_variables_id_get(&first.id, params())
        .await
        .map_err(|e| format!("get after update: {e}"))?;
    check(
        read.value == Some(VariableValue::Boolean(true)),
        format!("get after update: {read:?}"),
    )?;
    println!("  read one back, updated it, read the update");

    // A conflict: the same name again. Prefect answers 409, which it does not document.
    let again = VariableCreate::builder()
        .name(format!("{prefix}_0"))
        .value(VariableValue::Integer(1))
        .build()
        .map_err(|e| format!("building a variable: {e}"))?;
    match api.create_variable_variables_post(again, params()).await {
        Err(e @ Error::UnexpectedStatus { .. }) if e.status() == Some(409) => {
            let body = e.body().unwrap_or_default();
            check(
                body.contains(&format!("{prefix}_0")),
                format!("conflict: the error's body names no variable: {body}"),
            )?;
            println!("  a second create of one name: 409, body {body}");
        }
        other => {
            return Err(format!(
                "conflict: expected an undocumented 409, got {other:?}"
            ));
        }
    }

    // Refused before sending: a name over the documented 255 characters.
    let long_name = format!("{prefix}_{}", "x".repeat(255));
    // Fields are public: an invalid value can be set without the builder, and is refused on send.
    let mut too_long = VariableCreate::builder()
        .name(prefix.clone())
        .value(VariableValue::Integer(1))
        .build()
        .map_err(|e| format!("building a variable: {e}"))?;
    too_long.name = long_name.clone();
    match api.create_variable_variables_post(too_long, params()).await {
        Err(Error::Validation(e)) => println!("  refused before sending: {e}"),
        other => {
            return Err(format!(
                "a 270-character name: expected a validation error, got {other:?}"
            ));
        }
    }
    match api
        .read_variable_by_name_variables_name_name_get(&long_name, params())
        .await
    {
        Err(e) if e.status() == Some(404) => {}
        other => {
            return Err(format!(
                "the refused variable reached the server: {other:?}"
            ));
        }
    }

    // Delete each, then read one after deletion: 404, undocumented too.
    for variable in &created {
        api.delete_variable_variables_id_delete(&variable.id, params())
            .await
            .map_err(|e| format!("delete {}: {e}", variable.name))?;
    }
    match api
        .read_variable_variables_id_get(&first.id, params())
        .await
    {
        Err(e @ Error::UnexpectedStatus { .. }) if e.status() == Some(404) => {
            let body = e.body().unwrap_or_default();
            check(!body.is_empty(), "get after delete: an empty body")?;
            println!("  deleted them; get after delete: 404, body {body}");
        }
        other => {
            return Err(format!(
                "get after delete: expected an undocumented 404, got {other:?}"
            ));
        }
    }
    Ok(())
}

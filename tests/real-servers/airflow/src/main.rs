//! Round trips through the SDK generated from the description a running Apache Airflow 2
//! webserver serves (`/api/v1/openapi.yaml`, OpenAPI 3.0.3, basic authentication): pools
//! created, listed page by page, read, updated, deleted, read after deletion, created twice, one
//! request refused before it is sent, and wrong credentials.
//!
//! Usage: `cargo run -- <base URL> <user> <password>` (e.g. `http://127.0.0.1:8080/api/v1 admin
//! admin`). Exits non-zero on the first round trip that does not go as a user would expect.

use airflow::types::{GetPoolsParams, Pool};
use airflow::{Client, Error};

type Outcome = Result<(), String>;

fn check(condition: bool, what: impl Into<String>) -> Outcome {
    if condition { Ok(()) } else { Err(what.into()) }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base_url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080/api/v1".to_owned());
    let user = args.next().unwrap_or_else(|| "admin".to_owned());
    let password = args.next().unwrap_or_else(|| "admin".to_owned());
    match run(&base_url, &user, &password).await {
        Ok(()) => println!("airflow: every round trip went as expected"),
        Err(message) => {
            eprintln!("airflow: {message}");
            std::process::exit(1);
        }
    }
}

async fn run(base_url: &str, user: &str, password: &str) -> Outcome {
    let client = Client::builder()
        .base_url(base_url)
        .basic_auth(user, password)
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let api = client.pool();
    let prefix = format!("codeqr_{}", std::process::id());

    // Wrong credentials: refused, with a status the description documents (Airflow 2.11's
    // basic-auth backend answers 403 where 401 might be expected; the description lists both).
    let intruder = Client::builder()
        .base_url(base_url)
        .basic_auth(user, "not the password")
        .build()
        .map_err(|e| format!("client: {e}"))?;
    match intruder.pool().get_pools(GetPoolsParams::default()).await {
        Err(Error::Api(e)) if matches!(e.status, 401 | 403) => {
            check(
                e.problem.is_some(),
                "wrong credentials: the problem details were not read",
            )?;
            println!("  wrong credentials: {} {:?}", e.status, e.kind);
        }
        other => {
            return Err(format!(
                "wrong credentials: expected a 401 or 403, got {other:?}"
            ));
        }
    }

    // Create three pools.
    for i in 0..3 {
        let pool = Pool::builder()
            .name(format!("{prefix}_{i}"))
            .slots(i + 1)
            .description(format!("pool {i} of the SDK's round trip"))
            .build()
            .map_err(|e| format!("building pool {i}: {e}"))?;
        let created = api
            .post_pool(pool)
            .await
            .map_err(|e| format!("create {i}: {e}"))?;
        check(
            created.slots == Some(i + 1) && created.open_slots == Some(i + 1),
            format!("create {i}: the server answered {created:?}"),
        )?;
    }
    println!("  created 3 pools");

    // List, two at a time, by `limit` and `offset`, until a short page; keep ours.
    let mut ours = Vec::new();
    let mut total = None;
    for page in 0.. {
        let params = GetPoolsParams::builder()
            .limit(2)
            .offset(page * 2)
            .order_by("name")
            .build()
            .map_err(|e| format!("list page {page}: {e}"))?;
        let batch = api
            .get_pools(params)
            .await
            .map_err(|e| format!("list page {page}: {e}"))?;
        total = batch.total_entries;
        let pools = batch.pools.unwrap_or_default();
        let done = pools.len() < 2;
        ours.extend(
            pools
                .into_iter()
                .filter_map(|p| p.name)
                .filter(|n| n.starts_with(&prefix)),
        );
        if done {
            break;
        }
    }
    check(
        ours == [0, 1, 2].map(|i| format!("{prefix}_{i}")),
        format!("list: {ours:?} (total_entries {total:?})"),
    )?;
    println!("  listed them, two per page, among {total:?} pools: {ours:?}");

    // Get, update, get the update.
    let name = format!("{prefix}_0");
    let read = api.get_pool(&name).await.map_err(|e| format!("get: {e}"))?;
    check(read.slots == Some(1), format!("get: {read:?}"))?;
    let update = Pool::builder()
        .name(name.clone())
        .slots(10)
        .build()
        .map_err(|e| format!("building the update: {e}"))?;
    let updated = api
        .patch_pool(&name, update, Default::default())
        .await
        .map_err(|e| format!("update: {e}"))?;
    check(updated.slots == Some(10), format!("update: {updated:?}"))?;
    let read = api
        .get_pool(&name)
        .await
        .map_err(|e| format!("get after update: {e}"))?;
    check(
        read.slots == Some(10),
        format!("get after update: {read:?}"),
    )?;
    println!("  read one back, updated it, read the update");

    // A conflict: the same pool again. Airflow answers 409, which it does not document here.
    let again = Pool::builder()
        .name(name.clone())
        .slots(1)
        .build()
        .map_err(|e| format!("building the same pool: {e}"))?;
    match api.post_pool(again).await {
        Err(e) if e.status() == Some(409) => {
            let body = e.body().unwrap_or_default();
            check(
                body.contains(&name),
                format!("conflict: the error's body names no pool: {body}"),
            )?;
            println!("  a second create of one name: 409, body {}", body.trim());
        }
        other => return Err(format!("conflict: expected a 409, got {other:?}")),
    }

    // Refused before sending: a negative offset (the description says `minimum: 0`).
    // Fields are public: an invalid value can be set without the builder, and is refused on send.
    let mut params = GetPoolsParams::default();
    params.offset = Some(-1);
    match api.get_pools(params).await {
        Err(Error::Validation(e)) => println!("  refused before sending: {e}"),
        other => {
            return Err(format!(
                "offset -1: expected a validation error, got {other:?}"
            ));
        }
    }

    // Delete each; get after delete is a documented 404.
    for i in 0..3 {
        api.delete_pool(&format!("{prefix}_{i}"))
            .await
            .map_err(|e| format!("delete {i}: {e}"))?;
    }
    match api.get_pool(&name).await {
        Err(e @ Error::Api(_)) if e.status() == Some(404) => {
            let body = e.body().unwrap_or_default();
            check(!body.is_empty(), "get after delete: an empty body")?;
            println!(
                "  deleted them; get after delete: 404, body {}",
                body.trim()
            );
        }
        other => return Err(format!("get after delete: expected a 404, got {other:?}")),
    }
    Ok(())
}

//! Dub's four paginated operations (`x-speakeasy-pagination`: `getLinks` and `listDomains` by
//! page number, `getCustomers` and `listCommissions` by the last item's id) paged through
//! against a loopback server: three pages each, the stop conditions, per-call options on every
//! page, laziness, a repeated cursor and an error mid-way.
//!
//! The items the server sends are built from Dub's own schemas (the least each requires), so
//! the SDK decodes what Dub documents.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Without Dub's description beside the project the SDK is empty; under CI it must be there.
#[test]
fn the_dub_description_is_there_under_ci() {
    if dub_sdk::DUB_SPEC.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/specs/dub-openapi.json is missing: the Dub pagination tests cannot run"
        );
        eprintln!(
            "pagination: not run, ../shared/specs/dub-openapi.json is not beside the project"
        );
    }
}

#[cfg(dub_spec)]
mod with_dub {
    use dub_sdk::types::{
        GetCustomersParams, GetLinksParams, ListCommissionsParams, ListDomainsParams,
    };
    use dub_sdk::{Client, Error};
    use futures::{StreamExt, TryStreamExt};
    use serde_json::{Value, json};
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const SPEC: &str = "../../../shared/specs/dub-openapi.json";

    fn spec() -> Value {
        let text = std::fs::read_to_string(SPEC).expect("Dub's description");
        serde_json::from_str(&text).unwrap()
    }

    /// The least instance of `schema` its `required` lists ask for: `null` where allowed, the
    /// first enum value, the first branch of a union, empty arrays and objects.
    fn least(spec: &Value, schema: &Value) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = reference.trim_start_matches('#');
            return least(
                spec,
                spec.pointer(pointer).expect("a $ref Dub's spec resolves"),
            );
        }
        if schema.get("nullable") == Some(&json!(true)) {
            return Value::Null;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = serde_json::Map::new();
            for part in all {
                if let Value::Object(object) = least(spec, part) {
                    merged.extend(object);
                }
            }
            return Value::Object(merged);
        }
        for union in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(union).and_then(Value::as_array) {
                if branches
                    .iter()
                    .any(|b| b.get("type") == Some(&json!("null")))
                {
                    return Value::Null;
                }
                return least(spec, &branches[0]);
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values[0].clone();
        }
        let ty = match schema.get("type") {
            Some(Value::Array(types)) if types.contains(&json!("null")) => return Value::Null,
            Some(Value::Array(types)) => types[0].as_str().unwrap_or("object").to_owned(),
            Some(Value::String(ty)) => ty.clone(),
            _ => "object".to_owned(),
        };
        match ty.as_str() {
            "string" => json!("x"),
            "integer" | "number" => json!(1),
            "boolean" => json!(false),
            "array" => json!([]),
            _ => {
                let mut object = serde_json::Map::new();
                let required = schema.get("required").and_then(Value::as_array);
                for name in required.into_iter().flatten() {
                    let name = name.as_str().unwrap();
                    let property = &schema["properties"][name];
                    object.insert(name.to_owned(), least(spec, property));
                }
                Value::Object(object)
            }
        }
    }

    /// An item of `path`'s list with this id.
    fn item(spec: &Value, list_path: &str, id: &str) -> Value {
        let schema = &spec["paths"][list_path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["items"];
        let mut item = least(spec, schema);
        item["id"] = json!(id);
        item
    }

    /// A server answering `GET list_path` with the page `pages` gives for each request's query,
    /// recording every request's query.
    async fn serve(
        list_path: &str,
        pages: impl Fn(&BTreeMap<String, String>) -> Vec<&'static str> + Send + Sync + 'static,
    ) -> (MockServer, Arc<Mutex<Vec<BTreeMap<String, String>>>>) {
        let server = MockServer::start().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let spec = spec();
        let log = seen.clone();
        let list = list_path.to_owned();
        Mock::given(method("GET"))
            .and(path(list_path))
            .respond_with(move |request: &Request| {
                let query: BTreeMap<String, String> = request
                    .url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                let mut recorded = query.clone();
                if let Some(value) = request.headers.get("x-trace") {
                    recorded.insert("header x-trace".into(), value.to_str().unwrap().into());
                }
                log.lock().unwrap().push(recorded);
                let ids = pages(&query);
                if ids == ["fail"] {
                    return ResponseTemplate::new(500).set_body_json(
                        json!({"error": {"code": "internal_server_error", "message": "down"}}),
                    );
                }
                let body: Vec<Value> = ids.iter().map(|id| item(&spec, &list, id)).collect();
                ResponseTemplate::new(200).set_body_json(body)
            })
            .mount(&server)
            .await;
        (server, seen)
    }

    fn client(server: &MockServer) -> Client {
        Client::builder()
            .token("dub_test")
            .base_url(server.uri())
            .initial_backoff(Duration::from_millis(1))
            .build()
            .unwrap()
    }

    fn get<'a>(query: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
        query.get(name).map(String::as_str)
    }

    /// Page numbers: pages 1 and 2 full (two items), page 3 short: three requests, no fourth.
    #[tokio::test]
    async fn get_links_pages_by_number_until_a_short_page() {
        let (server, seen) = serve("/links", |q| match get(q, "page") {
            None => vec!["l1", "l2"],
            Some("2") => vec!["l3", "l4"],
            Some("3") => vec!["l5"],
            other => panic!("page {other:?} was not to be asked for"),
        })
        .await;
        let params = GetLinksParams::builder()
            .page_size(2.0)
            .domain("ac.me")
            .build()
            .unwrap();
        let client = client(&server);
        let links: Vec<dub_sdk::types::LinkSchema> = client
            .links()
            .list(params.clone())
            .header("x-trace", "t-1")
            .timeout(Duration::from_secs(5))
            .items()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<&str> = links.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["l1", "l2", "l3", "l4", "l5"]);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3);
        for (i, query) in seen.iter().enumerate() {
            // The caller's parameters and per-call header on every page.
            assert_eq!(get(query, "pageSize"), Some("2"), "request {i}");
            assert_eq!(get(query, "domain"), Some("ac.me"), "request {i}");
            assert_eq!(get(query, "header x-trace"), Some("t-1"), "request {i}");
        }
        assert_eq!(get(&seen[1], "page"), Some("2"));
        assert_eq!(get(&seen[2], "page"), Some("3"));

        // .pages(): each page is the operation's response type.
        let mut pages = client.links().list(params).pages();
        let mut sizes = Vec::new();
        while let Some(page) = pages.try_next().await.unwrap() {
            sizes.push(page.len());
        }
        assert_eq!(sizes, [2, 2, 1]);
    }

    /// No page size given: the documented default (`pageSize` 50 for domains) tells a short
    /// page.
    #[tokio::test]
    async fn list_domains_uses_the_documented_page_size() {
        let (server, seen) = serve("/domains", |q| {
            assert_eq!(get(q, "pageSize"), None);
            let ids: &[&'static str] = &[
                "d01", "d02", "d03", "d04", "d05", "d06", "d07", "d08", "d09", "d10", "d11", "d12",
                "d13", "d14", "d15", "d16", "d17", "d18", "d19", "d20", "d21", "d22", "d23", "d24",
                "d25", "d26", "d27", "d28", "d29", "d30", "d31", "d32", "d33", "d34", "d35", "d36",
                "d37", "d38", "d39", "d40", "d41", "d42", "d43", "d44", "d45", "d46", "d47", "d48",
                "d49", "d50",
            ];
            match get(q, "page") {
                None | Some("2") => ids.to_vec(),
                Some("3") => ids[..3].to_vec(),
                other => panic!("page {other:?} was not to be asked for"),
            }
        })
        .await;
        let count = client(&server)
            .domains()
            .list(ListDomainsParams::default())
            .items()
            .try_fold(0, |n, _| async move { Ok(n + 1) })
            .await
            .unwrap();
        assert_eq!(count, 103);
        assert_eq!(seen.lock().unwrap().len(), 3);
    }

    /// Cursors from the last item's id (`$[-1].id`): three pages, then an empty one ends it.
    #[tokio::test]
    async fn get_customers_follows_the_last_id_until_an_empty_page() {
        let (server, seen) = serve("/customers", |q| match get(q, "startingAfter") {
            None => vec!["c1", "c2"],
            Some("c2") => vec!["c3", "c4"],
            Some("c4") => vec!["c5"],
            Some("c5") => vec![],
            other => panic!("cursor {other:?} was not to be asked for"),
        })
        .await;
        let params = GetCustomersParams::builder()
            .email("a@b.c")
            .build()
            .unwrap();
        let customers: Vec<_> = client(&server)
            .customers()
            .list(params)
            .header("x-trace", "t-2")
            .items()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<&str> = customers.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 4);
        assert!(seen.iter().all(|q| get(q, "email") == Some("a@b.c")));
        assert!(seen.iter().all(|q| get(q, "header x-trace") == Some("t-2")));
    }

    /// A server that gives the same cursor again fails the stream instead of looping.
    #[tokio::test]
    async fn list_commissions_refuses_a_repeated_cursor() {
        let (server, seen) = serve("/commissions", |q| match get(q, "startingAfter") {
            None => vec!["m1", "m2"],
            Some("m2") => vec!["m3", "m4"],
            Some("m4") => vec!["m3", "m2"],
            other => panic!("cursor {other:?} was not to be asked for"),
        })
        .await;
        let mut pages = client(&server)
            .commissions()
            .list(ListCommissionsParams::default())
            .pages();
        assert_eq!(pages.try_next().await.unwrap().unwrap().len(), 2);
        assert_eq!(pages.try_next().await.unwrap().unwrap().len(), 2);
        // The third page is returned; the cursor it gives (m2) was sent before.
        assert_eq!(pages.try_next().await.unwrap().unwrap().len(), 2);
        match pages.try_next().await {
            Err(Error::Pagination {
                operation_id,
                message,
            }) => {
                assert_eq!(operation_id, "listCommissions");
                assert!(message.contains("\"m2\""), "{message}");
            }
            other => panic!("expected a pagination error, got {other:?}"),
        }
        assert!(
            pages.next().await.is_none(),
            "the stream ends after its error"
        );
        assert_eq!(seen.lock().unwrap().len(), 3);
    }

    /// Lazy: nothing is sent before the stream is polled, and a page only when the previous
    /// one has been consumed.
    #[tokio::test]
    async fn pages_are_fetched_only_when_wanted() {
        let (server, seen) = serve("/customers", |q| match get(q, "startingAfter") {
            None => vec!["c1", "c2"],
            _ => vec!["c3"],
        })
        .await;
        let client = client(&server);
        let mut items = client
            .customers()
            .list(GetCustomersParams::default())
            .items();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(seen.lock().unwrap().len(), 0);
        assert_eq!(items.try_next().await.unwrap().unwrap().id, "c1");
        assert_eq!(items.try_next().await.unwrap().unwrap().id, "c2");
        assert_eq!(seen.lock().unwrap().len(), 1);
        assert_eq!(items.try_next().await.unwrap().unwrap().id, "c3");
        assert_eq!(seen.lock().unwrap().len(), 2);
        // Awaited as a call, the operation answers the first page only.
        let first = client
            .customers()
            .list(GetCustomersParams::default())
            .await
            .unwrap();
        assert_eq!(first.len(), 2);
    }

    /// An error on a later page ends the stream with it (after the retries the call allows).
    #[tokio::test]
    async fn an_error_on_a_later_page_ends_the_stream() {
        let (server, seen) = serve("/links", |q| match get(q, "page") {
            None => vec!["l1"],
            _ => vec!["fail"],
        })
        .await;
        let params = GetLinksParams::builder().page_size(1.0).build().unwrap();
        let mut items = client(&server).links().list(params).max_retries(1).items();
        assert_eq!(items.try_next().await.unwrap().unwrap().id, "l1");
        let error = items.try_next().await.unwrap_err();
        assert_eq!(error.status(), Some(500));
        assert!(items.next().await.is_none());
        // The per-call max_retries(1) applied to the second page: two attempts.
        assert_eq!(seen.lock().unwrap().len(), 3);
    }

    /// The streams are `Send`: they can be moved into a task.
    #[tokio::test]
    async fn streams_move_into_tasks() {
        let (server, _seen) = serve("/customers", |q| match get(q, "startingAfter") {
            None => vec!["c1"],
            _ => vec![],
        })
        .await;
        let items = client(&server)
            .customers()
            .list(GetCustomersParams::default())
            .items();
        let ids = tokio::spawn(async move { items.map_ok(|c| c.id).try_collect::<Vec<_>>().await })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ids, ["c1"]);
    }
}

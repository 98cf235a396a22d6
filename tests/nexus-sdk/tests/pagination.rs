//! A sample of Oxide's Nexus (`x-dropshot-pagination`, see `build.rs`), paged through against a
//! loopback server: three pages of each sampled list operation, built from Nexus' own schemas;
//! later pages send `page_token` with `limit` and the extension's `required` parameters only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Without Nexus' description beside the project the SDK is empty; under CI it must be there.
#[test]
fn the_nexus_description_is_there_under_ci() {
    if nexus_sdk::NEXUS_SPEC.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/specs/oxide-nexus.json is missing: the Nexus pagination tests cannot run"
        );
        eprintln!(
            "pagination: not run, ../shared/specs/oxide-nexus.json is not beside the project"
        );
    }
}

#[cfg(nexus_spec)]
mod with_nexus {
    use futures::TryStreamExt;
    use nexus_sdk::Client;
    use nexus_sdk::types::NameOrId;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const SPEC: &str = "../../../shared/specs/oxide-nexus.json";

    type Query = BTreeMap<String, String>;

    /// The least instance of `schema` its `required` lists ask for.
    fn least(spec: &Value, schema: &Value) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = reference.trim_start_matches('#');
            return least(
                spec,
                spec.pointer(pointer).expect("a $ref Nexus' spec resolves"),
            );
        }
        if schema.get("nullable") == Some(&json!(true)) {
            return Value::Null;
        }
        for combined in ["allOf", "anyOf", "oneOf"] {
            if let Some(branches) = schema.get(combined).and_then(Value::as_array) {
                return least(spec, &branches[0]);
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values[0].clone();
        }
        match schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("object")
        {
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2026-01-01T00:00:00Z"),
                Some("uuid") => json!("00000000-0000-4000-8000-000000000000"),
                Some("ip") | Some("ipv4") => json!("10.0.0.1"),
                _ => json!("x"),
            },
            "integer" | "number" => json!(1),
            "boolean" => json!(false),
            "array" => json!([]),
            _ => {
                let mut object = serde_json::Map::new();
                let required = schema.get("required").and_then(Value::as_array);
                for name in required.into_iter().flatten() {
                    let name = name.as_str().unwrap();
                    object.insert(name.to_owned(), least(spec, &schema["properties"][name]));
                }
                Value::Object(object)
            }
        }
    }

    /// Serves `GET list_path` three pages of its items, by `page_token`; logs each query.
    async fn serve(list_path: &str) -> (MockServer, Arc<Mutex<Vec<Query>>>) {
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
        let page_schema = &spec["paths"][list_path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        let page_schema = least(&spec, page_schema);
        assert!(
            page_schema.get("items").is_some(),
            "{list_path}: a results page"
        );
        let reference = spec["paths"][list_path]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .trim_start_matches('#')
            .to_owned();
        let item = least(
            &spec,
            &spec.pointer(&reference).unwrap()["properties"]["items"]["items"],
        );
        let server = MockServer::start().await;
        let log: Arc<Mutex<Vec<Query>>> = Arc::default();
        let seen = log.clone();
        Mock::given(method("GET"))
            .and(path(list_path))
            .respond_with(move |request: &Request| {
                let query: Query = request
                    .url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                seen.lock().unwrap().push(query.clone());
                let (count, next) = match query.get("page_token").map(String::as_str) {
                    None => (2, json!("t1")),
                    Some("t1") => (2, json!("t2")),
                    Some("t2") => (1, Value::Null),
                    other => panic!("token {other:?}"),
                };
                let items: Vec<Value> = (0..count).map(|_| item.clone()).collect();
                ResponseTemplate::new(200).set_body_json(json!({"items": items, "next_page": next}))
            })
            .mount(&server)
            .await;
        (server, log)
    }

    fn client(server: &MockServer) -> Client {
        Client::builder()
            .base_url(server.uri())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    /// One sampled operation: three pages, five items, and the parameters each page sends.
    macro_rules! three_pages {
        ($test:ident, $path:literal, $group:ident . $method:ident, $params:ident, project: $project:tt, kept: $kept:literal) => {
            #[tokio::test]
            async fn $test() {
                let (server, log) = serve($path).await;
                let mut params = nexus_sdk::types::$params::default();
                params.limit = Some(2);
                three_pages!(@project params, $project);
                let items: Vec<_> = client(&server)
                    .$group()
                    .$method(params)
                    .items()
                    .try_collect()
                    .await
                    .unwrap();
                assert_eq!(items.len(), 5);
                let log = log.lock().unwrap().clone();
                assert_eq!(log.len(), 3);
                assert_eq!(log[0].get("page_token"), None);
                for (query, token) in log[1..].iter().zip(["t1", "t2"]) {
                    assert_eq!(query.get("page_token").map(String::as_str), Some(token));
                    assert_eq!(query.get("limit").map(String::as_str), Some("2"));
                    let project = query.get("project").is_some();
                    assert_eq!(project, $kept, "{}: project on a later page", $path);
                }
            }
        };
        (@project $params:ident, yes) => {
            $params.project = Some(NameOrId::Name("proj".into()));
        };
        (@project $params:ident, no) => {};
    }

    three_pages!(disks, "/v1/disks", disks.disk_list, DiskListParams, project: yes, kept: true);
    three_pages!(floating_ips, "/v1/floating-ips", floating_ips.floating_ip_list, FloatingIpListParams, project: yes, kept: true);
    // `required: []`: the token stands for the project too.
    three_pages!(images, "/v1/images", images.image_list, ImageListParams, project: yes, kept: false);
    three_pages!(instances, "/v1/instances", instances.instance_list, InstanceListParams, project: yes, kept: true);
    three_pages!(projects, "/v1/projects", projects.project_list, ProjectListParams, project: no, kept: false);
    three_pages!(silos, "/v1/system/silos", system_silos.silo_list, SiloListParams, project: no, kept: false);
    three_pages!(snapshots, "/v1/snapshots", snapshots.snapshot_list, SnapshotListParams, project: yes, kept: true);
    three_pages!(vpcs, "/v1/vpcs", vpcs.vpc_list, VpcListParams, project: yes, kept: true);
}

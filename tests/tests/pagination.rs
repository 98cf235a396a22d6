//! Every kind of pagination the generator recognises, on the features fixture's `Lists` group,
//! against a loopback server: three pages of each (Dropshot's tokens, `Link` headers, a
//! next-page token field, Stripe's `has_more`, a URL in the page, an offset with a documented
//! limit, an integer cursor nested in the page), the request each page sends, and the refusals
//! (a link off the base URL, a repeated link). Dub's operations are paged in
//! `tests/dub-sdk/tests/pagination.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use features_sdk::types::{
    ListAuditsParams, ListBooksParams, ListChargesParams, ListEventsParams, ListFleetParams,
    ListFleetSortBy, ListHarboursParams, ListLogsParams,
};
use features_sdk::{Client, Error};
use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

type Query = BTreeMap<String, String>;
type Log = Arc<Mutex<Vec<(String, Query)>>>;

/// A server answering every request with what `answer` makes of its path and query (and the
/// server's URI), logging both.
async fn serve(
    answer: impl Fn(&str, &Query, &str) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Log) {
    let server = MockServer::start().await;
    let log: Log = Arc::default();
    let seen = log.clone();
    let uri = server.uri();
    Mock::given(wiremock::matchers::any())
        .respond_with(move |request: &Request| {
            let query: Query = request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut logged = query.clone();
            if let Some(value) = request.headers.get("x-trace") {
                logged.insert("header x-trace".into(), value.to_str().unwrap().into());
            }
            seen.lock()
                .unwrap()
                .push((request.url.path().to_owned(), logged));
            answer(request.url.path(), &query, &uri)
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

fn ships(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "name": "s"}))
            .collect(),
    )
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn q<'a>(query: &'a Query, name: &str) -> Option<&'a str> {
    query.get(name).map(String::as_str)
}

fn ids(ships: &[features_sdk::types::Ship]) -> Vec<&str> {
    ships.iter().map(|s| s.id.as_str()).collect()
}

#[tokio::test]
async fn dropshot_tokens_keep_only_the_required_parameters() {
    let (server, log) = serve(|_, query, _| match q(query, "page_token") {
        None => ok(json!({"items": ships(&["a", "b"]), "next_page": "t1"})),
        Some("t1") => ok(json!({"items": ships(&["c", "d"]), "next_page": "t2"})),
        Some("t2") => ok(json!({"items": ships(&["e"]), "next_page": null})),
        other => panic!("token {other:?}"),
    })
    .await;
    let params = ListFleetParams::builder()
        .limit(2u32)
        .project("p")
        .sort_by(ListFleetSortBy::NameDescending)
        .build()
        .expect("valid");
    let ships: Vec<_> = client(&server)
        .lists()
        .list_fleet(params)
        .header("x-trace", "fleet")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&ships), ["a", "b", "c", "d", "e"]);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 3);
    assert_eq!(q(&log[0].1, "sort_by"), Some("name_descending"));
    for (_, query) in &log[1..] {
        // Dropshot: the token stands for the scan; `limit` and the required `project` stay.
        assert_eq!(q(query, "sort_by"), None);
        assert_eq!(q(query, "project"), Some("p"));
        assert_eq!(q(query, "limit"), Some("2"));
    }
    assert_eq!(q(&log[2].1, "page_token"), Some("t2"));
    assert!(
        log.iter()
            .all(|(_, query)| q(query, "header x-trace") == Some("fleet"))
    );
}

#[tokio::test]
async fn link_headers_absolute_and_relative() {
    let (server, log) = serve(|_, query, uri| match q(query, "page") {
        None => ok(ships(&["a", "b"])).insert_header(
            "link",
            format!(r#"<{uri}/harbours?page=2&per_page=2>; rel="next", <{uri}/harbours?page=3&per_page=2>; rel="last""#),
        ),
        Some("2") => ok(ships(&["c", "d"]))
            .insert_header("link", r#"</harbours?page=3&per_page=2>; rel="next""#),
        Some("3") => ok(ships(&["e"])).insert_header("link", r#"</harbours?page=1>; rel="first""#),
        other => panic!("page {other:?}"),
    })
    .await;
    let params = ListHarboursParams::builder()
        .per_page(2)
        .build()
        .expect("valid");
    let pages: Vec<Vec<_>> = client(&server)
        .lists()
        .list_harbours(params)
        .header("x-trace", "h")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 3);
    assert_eq!(q(&log[2].1, "per_page"), Some("2"));
    assert!(
        log.iter()
            .all(|(_, query)| q(query, "header x-trace") == Some("h"))
    );
}

#[tokio::test]
async fn a_link_off_the_base_url_is_not_followed() {
    let (server, log) = serve(|_, _, _| {
        ok(ships(&["a"])).insert_header(
            "link",
            r#"<https://elsewhere.example/harbours?page=2>; rel="next""#,
        )
    })
    .await;
    let mut pages = client(&server)
        .lists()
        .list_harbours(ListHarboursParams::default())
        .pages();
    assert_eq!(pages.try_next().await.unwrap().unwrap().len(), 1);
    let error = pages.try_next().await.unwrap_err();
    assert!(
        matches!(&error, Error::Pagination { operation_id: "listHarbours", message } if message.contains("not under the base URL")),
        "{error:?}"
    );
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_link_given_twice_is_an_error_not_a_loop() {
    let (server, log) = serve(|_, _, _| {
        ok(ships(&["a"])).insert_header("link", r#"</harbours?page=2>; rel="next""#)
    })
    .await;
    let result: Result<Vec<_>, Error> = client(&server)
        .lists()
        .list_harbours(ListHarboursParams::default())
        .items()
        .try_collect()
        .await;
    assert!(
        matches!(result, Err(Error::Pagination { .. })),
        "{result:?}"
    );
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn next_page_tokens_until_none() {
    let (server, log) = serve(|_, query, _| match q(query, "pageToken") {
        None => ok(json!({"books": ships(&["a"]), "nextPageToken": "n1", "totalSize": 3})),
        Some("n1") => ok(json!({"books": ships(&["b"]), "nextPageToken": "n2"})),
        Some("n2") => ok(json!({"books": ships(&["c"]), "nextPageToken": ""})),
        other => panic!("token {other:?}"),
    })
    .await;
    let books: Vec<_> = client(&server)
        .lists()
        .list_books(
            ListBooksParams::builder()
                .page_size(1)
                .build()
                .expect("valid"),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&books), ["a", "b", "c"]);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|(_, query)| q(query, "pageSize") == Some("1"))
    );
}

#[tokio::test]
async fn stripe_lists_stop_when_has_more_is_false() {
    let (server, log) = serve(|_, query, _| {
        let (data, more) = match q(query, "starting_after") {
            None => (ships(&["ch_1", "ch_2"]), true),
            Some("ch_2") => (ships(&["ch_3", "ch_4"]), true),
            Some("ch_4") => (ships(&["ch_5", "ch_6"]), false),
            other => panic!("cursor {other:?}"),
        };
        ok(json!({"object": "list", "data": data, "has_more": more}))
    })
    .await;
    let charges: Vec<_> = client(&server)
        .lists()
        .list_charges(
            ListChargesParams::builder()
                .limit(2)
                .build()
                .expect("valid"),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(charges.len(), 6);
    // A full last page, yet no fourth request: `has_more` said so.
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn urls_from_the_page() {
    let (server, log) = serve(|_, query, uri| match q(query, "cursor") {
        None => ok(json!({"data": ships(&["a"]), "links": {"next": format!("{uri}/events?since=x&cursor=c1")}})),
        Some("c1") => ok(json!({"data": ships(&["b"]), "links": {"next": "/events?since=x&cursor=c2"}})),
        Some("c2") => ok(json!({"data": ships(&["c"]), "links": {"next": null}})),
        other => panic!("cursor {other:?}"),
    })
    .await;
    let events: Vec<_> = client(&server)
        .lists()
        .list_events(
            ListEventsParams::builder()
                .since("x")
                .build()
                .expect("valid"),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&events), ["a", "b", "c"]);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|(path, query)| path == "/events" && q(query, "since") == Some("x"))
    );
}

#[tokio::test]
async fn offsets_advance_by_the_page_and_stop_short() {
    let (server, log) = serve(|_, query, _| {
        let entries: &[&str] = match q(query, "offset") {
            None => &["l0", "l1", "l2"],
            Some("3") => &["l3", "l4", "l5"],
            Some("6") => &["l6"],
            other => panic!("offset {other:?}"),
        };
        ok(json!({"result": {"entries": entries}}))
    })
    .await;
    // No limit given: the documented default (3) tells the short page.
    let logs: Vec<String> = client(&server)
        .lists()
        .list_logs(ListLogsParams::default())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(logs, ["l0", "l1", "l2", "l3", "l4", "l5", "l6"]);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn integer_cursors_nested_in_the_page() {
    let (server, log) = serve(|_, query, _| match q(query, "after") {
        None => ok(json!({"entries": ships(&["a"]), "meta": {"next_cursor": 10}})),
        Some("10") => ok(json!({"entries": ships(&["b"]), "meta": {"next_cursor": 20}})),
        Some("20") => ok(json!({"entries": ships(&["c"]), "meta": {}})),
        other => panic!("cursor {other:?}"),
    })
    .await;
    let audits: Vec<_> = client(&server)
        .lists()
        .list_audits(ListAuditsParams::default())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&audits), ["a", "b", "c"]);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn an_empty_first_page_is_the_end() {
    let (server, log) = serve(|_, _, _| ok(json!({"items": [], "next_page": "more"}))).await;
    let ships: Vec<_> = client(&server)
        .lists()
        .list_fleet(ListFleetParams::default())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(ships.is_empty());
    assert_eq!(log.lock().unwrap().len(), 1);
}

/// The paginators the shared descriptions get, counted by rule (what the command line prints):
/// 78 of Nexus' 79 `x-dropshot-pagination` operations (the 79th answers a bare array, with no
/// `next_page` to follow: a warning says so), and Dub's four `x-speakeasy-pagination` ones.
#[test]
fn the_shared_descriptions_are_paginated_as_they_say() {
    for (spec, expected, skipped_at) in [
        (
            "../../shared/specs/oxide-nexus.json",
            &[("x-dropshot-pagination", 78)][..],
            &["/paths/~1v1~1system~1networking~1bgp-announce-set/get/x-dropshot-pagination"][..],
        ),
        (
            "../../shared/specs/dub-openapi.json",
            &[
                ("x-speakeasy-pagination cursor", 2),
                ("x-speakeasy-pagination offsetLimit", 2),
            ][..],
            &[][..],
        ),
    ] {
        if !std::path::Path::new(spec).exists() {
            assert!(std::env::var_os("CI").is_none(), "{spec} is missing");
            eprintln!("{spec}: not beside the project; not run");
            continue;
        }
        let generated = codeqr_codegen::Config::new().generate(spec).unwrap();
        let paginated: Vec<(&str, usize)> = generated
            .summary()
            .paginated
            .iter()
            .map(|(rule, n)| (*rule, *n))
            .collect();
        assert_eq!(paginated, expected, "{spec}");
        let skipped: Vec<&str> = generated
            .warnings
            .iter()
            .filter(|w| w.kind == "pagination-skipped")
            .map(|w| w.pointer.as_str())
            .collect();
        assert_eq!(skipped, skipped_at, "{spec}");
    }
}

/// A pagination extension the SDK cannot follow is a warning at its pointer, and the operation
/// stays an ordinary call.
#[test]
fn unfollowable_pagination_is_reported() {
    let generated = codeqr_codegen::Config::new()
        .generate("fixtures/features.yaml")
        .unwrap();
    let skipped: Vec<_> = generated
        .warnings
        .iter()
        .filter(|w| w.kind == "pagination-skipped")
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [(
            "/paths/~1audits/post/x-speakeasy-pagination",
            "searchAudits: input `after` is in the requestBody; only query parameters are paged; the operation returns its first page only"
        )]
    );
    assert!(
        generated
            .files
            .values()
            .any(|f| f.contains("pub fn search_audits("))
    );
}

//! End-to-end tests of `features-sdk`, the SDK generated from `tests/fixtures/features.yaml`,
//! against a real HTTP server on loopback (wiremock).
//!
//! They pin what goes on the wire for every parameter style, body kind and security scheme the
//! fixture uses, what is refused before sending, and how responses decode. Each test starts its
//! own mock server; retries use a 10 ms initial backoff so they stay fast.

use std::collections::BTreeMap;
use std::time::Duration;

use features_sdk::types::{
    Attachment, AttachmentCreate, Circle, CodeCheck, CreatePetRequest, CreatePetRequestContact,
    Kind, ListPetsFilter, ListPetsParams, ListPetsType, Node, Pointer, ProfilePatch, Shape, Sizes,
    Status, SubmitFormRequest, SubmitFormRequestShipping1, UploadRequest,
};
use features_sdk::validation::{Rule, Violation};
use features_sdk::{ApiErrorKind, Client, ClientBuilder, Error, FileUpload, JsonText, OrEmpty};
use serde_json::{Map, Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Only unreserved characters, so it reads the same percent-encoded or not.
const API_KEY: &str = "sk_test_features_0123456789";
const REQUEST_ID: &str = "req-12345678";

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/// No credentials yet: each test adds the ones it needs.
/// A value as the API would send it. Decoding does not validate, so this makes values the builders
/// refuse; and it is how code outside the crate makes a value of a `#[non_exhaustive]` type that
/// has no builder (a response type, in a test).
fn decode<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

fn bare_builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .max_retries(2)
        .initial_backoff(Duration::from_millis(10))
}

fn builder(server: &MockServer) -> ClientBuilder {
    bare_builder(server).api_key(API_KEY)
}

fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// Mounts `template` for every request, so that what the SDK sends is recorded whatever it is.
async fn answer_all(server: &MockServer, template: ResponseTemplate) {
    Mock::given(any())
        .respond_with(template)
        .mount(server)
        .await;
}

fn header<'r>(req: &'r Request, name: &str) -> &'r str {
    req.headers
        .get(name)
        .unwrap_or_else(|| panic!("request has no {name} header: {:?}", req.headers))
        .to_str()
        .expect("header is ASCII")
}

fn has_header(req: &Request, name: &str) -> bool {
    req.headers.get(name).is_some()
}

/// The media type of the `Content-Type` header, without parameters.
fn media_type(req: &Request) -> String {
    header(req, "content-type")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The raw (still percent-encoded) query string.
fn raw_query(req: &Request) -> &str {
    req.url.query().unwrap_or_default()
}

/// `application/x-www-form-urlencoded` text decoded into pairs, in order (`+` and `%XX` undone).
fn decode_pairs(req: &Request, encoded: &str) -> Vec<(String, String)> {
    // `url::Url` (wiremock's request URL type) decodes a query for us: no extra dependency.
    let mut url = req.url.clone();
    url.set_query(Some(encoded));
    url.query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("request body is JSON")
}

fn validation_violations(error: &Error) -> Vec<Violation> {
    error
        .validation_error()
        .unwrap_or_else(|| panic!("expected Error::Validation, got {error:?}"))
        .violations()
        .to_vec()
}

fn violation_paths(violations: &[Violation]) -> Vec<&str> {
    violations.iter().map(|v| v.path.as_str()).collect()
}

/// The numeric limit of a `minimum` / `exclusiveMinimum` / `maximum` rule, as `f64`.
fn limit_of(rule: &Rule) -> f64 {
    match rule {
        Rule::Minimum(n) | Rule::ExclusiveMinimum(n) | Rule::Maximum(n) => {
            n.as_f64().expect("finite limit")
        }
        other => panic!("not a numeric rule: {other:?}"),
    }
}

fn assert_config_error(error: &Error, needle: &str) {
    match error {
        Error::Config(message) => {
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        }
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

fn pet_json() -> Value {
    json!({"id": 7, "name": "Rex"})
}

fn list_params() -> ListPetsParams {
    ListPetsParams::builder()
        .x_request_id(REQUEST_ID)
        .build()
        .expect("valid params")
}

/// One `multipart/form-data` part, parsed by hand (the test does not trust the SDK's encoder).
#[derive(Debug)]
struct Part {
    /// The `Content-Disposition` header.
    disposition: String,
    /// The `Content-Type` header, if any.
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Part {
    fn disposition_param(&self, name: &str) -> Option<String> {
        self.disposition.split(';').map(str::trim).find_map(|p| {
            let value = p.strip_prefix(name)?.strip_prefix('=')?;
            Some(value.trim_matches('"').to_owned())
        })
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Splits a multipart body on its boundary (RFC 7578 / RFC 2046).
fn multipart_parts(req: &Request) -> Vec<Part> {
    let content_type = header(req, "content-type");
    assert_eq!(media_type(req), "multipart/form-data", "{content_type}");
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .expect("multipart content type has a boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &req.body;
    let mut parts = Vec::new();
    let mut at = find(body, &delimiter, 0).expect("body starts with the boundary");
    loop {
        let after = at + delimiter.len();
        if body[after..].starts_with(b"--") {
            break; // closing delimiter
        }
        let headers_start = after + 2; // CRLF after the delimiter
        let headers_end = find(body, b"\r\n\r\n", headers_start).expect("part headers end");
        let next = find(
            body,
            &[b"\r\n".as_slice(), &delimiter].concat(),
            headers_end,
        )
        .expect("part is followed by a delimiter");
        let head = String::from_utf8_lossy(&body[headers_start..headers_end]).into_owned();
        let mut disposition = String::new();
        let mut part_type = None;
        for line in head.split("\r\n") {
            let (name, value) = line.split_once(':').expect("header line");
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => disposition = value.trim().to_owned(),
                "content-type" => part_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(Part {
            disposition,
            content_type: part_type,
            body: body[headers_end + 4..next].to_vec(),
        });
        at = next + 2;
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// listPets: query styles, header, cookie, API key in the query
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_pets_writes_every_parameter_style() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([pet_json()])))
        .expect(1)
        .mount(&server)
        .await;

    let params = ListPetsParams::builder()
        .limit(20)
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .fields(vec!["name".to_owned(), "status".to_owned()])
        .ids(vec![1, 2, 3])
        .filter(
            ListPetsFilter::builder()
                .status(Status::Available)
                .min_age(2)
                .build()
                .expect("valid filter"),
        )
        .x_request_id(REQUEST_ID)
        .session("s3ss10n")
        .type_(ListPetsType::Dog)
        .build()
        .expect("valid params");
    let pets = client(&server)
        .pets()
        .list_pets(params)
        .await
        .expect("pets listed");
    assert_eq!(pets.len(), 1);
    assert_eq!((pets[0].id, pets[0].name.as_str()), (7, "Rex"));

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];

    // On the wire, in the order of the spec's parameters, the API key last. Per OpenAPI 3.0.3
    // "Style Examples": form+explode repeats the name, form without explode joins with `,` (a
    // sub-delimiter RFC 3986 allows unencoded in a query), pipeDelimited joins with `|` (not
    // allowed unencoded by RFC 3986, so `%7C`), deepObject writes `filter[key]` (brackets are
    // gen-delims, so `%5B`/`%5D`). The members of `filter` may come in either order.
    let raw: Vec<&str> = raw_query(req).split('&').collect();
    assert_eq!(
        raw[..5],
        [
            "limit=20",
            "tags=a",
            "tags=b",
            "fields=name,status",
            "ids=1%7C2%7C3"
        ],
        "raw query {:?}",
        raw_query(req)
    );
    let mut filter = raw[5..7].to_vec();
    filter.sort_unstable();
    assert_eq!(
        filter,
        ["filter%5BminAge%5D=2", "filter%5Bstatus%5D=available"]
    );
    assert_eq!(raw[7..], ["type=dog", &format!("api_key={API_KEY}")]);

    // What a server reads once the query is decoded.
    let mut decoded = decode_pairs(req, raw_query(req));
    decoded[5..7].sort();
    assert_eq!(
        decoded,
        pairs(&[
            ("limit", "20"),
            ("tags", "a"),
            ("tags", "b"),
            ("fields", "name,status"),
            ("ids", "1|2|3"),
            ("filter[minAge]", "2"),
            ("filter[status]", "available"),
            ("type", "dog"),
            ("api_key", API_KEY),
        ])
    );

    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/pets");
    assert_eq!(header(req, "x-request-id"), REQUEST_ID);
    assert_eq!(header(req, "cookie"), "session=s3ss10n");
    assert_eq!(header(req, "accept"), "application/json");
    assert!(header(req, "user-agent").starts_with("features-rust/"));
    // ApiKeyQuery only: the key is not also sent as a bearer token.
    assert!(!has_header(req, "authorization"), "{:?}", req.headers);
    assert!(req.body.is_empty());
}

#[test]
fn a_base_url_with_a_user_name_is_refused_without_echoing_it() {
    // reqwest would send `user:pass@` as basic auth instead of the operation's credentials.
    for url in [
        "http://user:s3cret@127.0.0.1:9",
        "https://user@api.example.com",
    ] {
        let e = Client::builder()
            .api_key(API_KEY)
            .base_url(url)
            .build()
            .expect_err("userinfo in the base URL");
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        let shown = e.to_string();
        assert!(shown.contains("user name or password"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}

#[tokio::test]
async fn list_pets_sends_only_what_is_set() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;

    let pets = client(&server)
        .pets()
        .list_pets(list_params())
        .await
        .expect("pets listed");
    assert!(pets.is_empty());

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(raw_query(&reqs[0]), format!("api_key={API_KEY}"));
    assert_eq!(header(&reqs[0], "x-request-id"), REQUEST_ID);
    assert!(!has_header(&reqs[0], "cookie"), "no session, no cookie");
}

#[tokio::test]
async fn list_pets_percent_encodes_values() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;

    let params = ListPetsParams::builder()
        .tags(vec!["x y".to_owned(), "1&2=3+4".to_owned(), "é".to_owned()])
        .filter(
            ListPetsFilter::builder()
                .status(Status::InProgress)
                .build()
                .expect("valid filter"),
        )
        .x_request_id(REQUEST_ID)
        .session("a b;c")
        .build()
        .expect("valid params");
    client(&server)
        .pets()
        .list_pets(params)
        .await
        .expect("pets listed");

    let req = &requests(&server).await[0];
    assert_eq!(
        raw_query(req),
        format!(
            "tags=x%20y&tags=1%262%3D3%2B4&tags=%C3%A9\
             &filter%5Bstatus%5D=in-progress&api_key={API_KEY}"
        )
    );
    assert_eq!(
        decode_pairs(req, raw_query(req)),
        pairs(&[
            ("tags", "x y"),
            ("tags", "1&2=3+4"),
            ("tags", "é"),
            ("filter[status]", "in-progress"),
            ("api_key", API_KEY),
        ])
    );
    // `;` would end the cookie and a space is not allowed in a cookie value (RFC 6265).
    assert_eq!(header(req, "cookie"), "session=a%20b%3Bc");
}

#[tokio::test]
async fn list_pets_refuses_invalid_parameters_before_sending() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let client = client(&server);

    // The fields are public, so an invalid value can reach the operation without the builder.
    let params = |limit: i32, request_id: &str| {
        let mut params: ListPetsParams = decode(json!({"X-Request-Id": ""}));
        params.limit = Some(limit);
        params.x_request_id = request_id.to_owned();
        params
    };

    let e = client
        .pets()
        .list_pets(params(0, "short"))
        .await
        .expect_err("invalid params");
    let violations = validation_violations(&e);
    assert_eq!(violation_paths(&violations), ["limit", "X-Request-Id"]);
    assert!(matches!(violations[0].rule, Rule::Minimum(_)));
    assert_eq!(limit_of(&violations[0].rule), 1.0);
    assert_eq!(violations[1].rule, Rule::MinLength(8));

    let e = client
        .pets()
        .list_pets(params(101, REQUEST_ID))
        .await
        .expect_err("invalid params");
    let violations = validation_violations(&e);
    assert_eq!(violation_paths(&violations), ["limit"]);
    assert!(matches!(violations[0].rule, Rule::Maximum(_)));
    assert_eq!(limit_of(&violations[0].rule), 100.0);

    // An enum value the spec does not list is refused too.
    let mut unknown_type = params(1, REQUEST_ID);
    unknown_type.type_ = Some(ListPetsType::from("bird"));
    let e = client
        .pets()
        .list_pets(unknown_type)
        .await
        .expect_err("unknown enum value");
    let violations = validation_violations(&e);
    assert_eq!(violation_paths(&violations), ["type"]);
    assert_eq!(
        violations[0].rule,
        Rule::Enum(vec!["dog".to_owned(), "cat".to_owned()])
    );

    // The boundaries themselves are fine; only they reach the server.
    for limit in [1, 100] {
        client
            .pets()
            .list_pets(params(limit, "12345678"))
            .await
            .expect("limits are inclusive, 8 characters is enough");
    }
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2, "only the two valid calls were sent");
    assert_eq!(raw_query(&reqs[0]), format!("limit=1&api_key={API_KEY}"));
    assert_eq!(raw_query(&reqs[1]), format!("limit=100&api_key={API_KEY}"));

    // The builder checks the same constraints, and the required header.
    let e = ListPetsParams::builder()
        .limit(0)
        .x_request_id("short")
        .build()
        .expect_err("invalid params");
    assert_eq!(violation_paths(&e.violations), ["limit", "X-Request-Id"]);
    let e = ListPetsParams::builder()
        .build()
        .expect_err("X-Request-Id missing");
    assert_eq!(violation_paths(&e.violations), ["X-Request-Id"]);
    assert_eq!(e.violations[0].rule, Rule::Required);
}

#[tokio::test]
async fn list_pets_header_values_line_breaks_and_non_ascii() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let params = ListPetsParams::builder()
        .x_request_id("req-1234\r\nX-Injected: 1")
        .build()
        .expect("long enough");
    let e = client(&server)
        .pets()
        .list_pets(params)
        .await
        .expect_err("header injection refused");
    assert_eq!(
        violation_paths(&validation_violations(&e)),
        ["X-Request-Id"]
    );

    assert!(requests(&server).await.is_empty());

    // Non-ASCII text is sent as its UTF-8 bytes (RFC 9110 `obs-text`: allowed, though new
    // fields should stick to ASCII), not refused and not re-encoded.
    let params = ListPetsParams::builder()
        .x_request_id("réquest-1234")
        .build()
        .expect("long enough");
    client(&server)
        .pets()
        .list_pets(params)
        .await
        .expect("sent");
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].headers.get("x-request-id").map(|v| v.as_bytes()),
        Some("réquest-1234".as_bytes())
    );
}

#[tokio::test]
async fn list_pets_documented_error_is_an_api_error() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(400).set_body_string(r#"{"error":{"message":"bad filter"}}"#),
    )
    .await;
    let e = client(&server)
        .pets()
        .list_pets(list_params())
        .await
        .expect_err("400");
    let api = e.api_error().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(api.status, 400);
    assert_eq!(api.kind, ApiErrorKind::BadRequest);
    assert_eq!(requests(&server).await.len(), 1, "400 is not retried");
}

#[tokio::test]
async fn api_key_in_the_query_does_not_leak_into_transport_errors() {
    // A server that accepts each connection and closes it at once: the request fails at the
    // transport level. (A freed port could be reused by a parallel test's mock server.)
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let uri = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(uri)
        .timeout(Duration::from_secs(2))
        .max_retries(1)
        .initial_backoff(Duration::from_millis(10))
        .build()
        .expect("client builds");
    let e = client
        .pets()
        .list_pets(list_params())
        .await
        .expect_err("nothing listens");
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(API_KEY), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// createPet: bearer token, JSON body, oneOf, validation, allOf / enum / recursive responses
// ---------------------------------------------------------------------------------------------

fn created_pet_json() -> Value {
    json!({
        "id": 42,
        "type": "dog",
        "self": "/pets/42",
        "fooBar": "camel",
        "foo_bar": "snake",
        "name": "Rex",
        "status": "sleeping",
        "shape": {"kind": "Square", "side": 3},
        "owner": null,
        "tags": {"good": 1, "loud": 2},
        "extra": {"vaccinated": true, "vet": {"name": "Dr. Who"}},
        "family": {
            "value": "me",
            "parent": {"value": "mum", "parent": {"value": "gran"}},
            "children": [{"value": "kid1"}, {"value": "kid2", "children": []}]
        },
        "notInTheSpec": "ignored"
    })
}

#[tokio::test]
async fn create_pet_sends_bearer_and_exact_json_with_a_circle() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created_pet_json()))
        .expect(1)
        .mount(&server)
        .await;

    let body = CreatePetRequest::builder()
        .name("Rex the Dog")
        .kind(Kind::Cat)
        .birthday("2020-01-02")
        .weight(4.5)
        .nicknames(vec!["R".to_owned(), "Rexy".to_owned()])
        .shape(
            Circle::builder()
                .kind("Circle")
                .radius(1.5)
                .build()
                .expect("valid circle"),
        )
        .contact(
            CreatePetRequestContact::builder()
                .phone("555 0100")
                .build()
                .expect("one way is enough"),
        )
        .build()
        .expect("valid pet");
    let pet = client(&server)
        .pets()
        .create_pet(body)
        .await
        .expect("pet created");

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(header(req, "authorization"), format!("Bearer {API_KEY}"));
    assert_eq!(media_type(req), "application/json");
    assert_eq!(header(req, "accept"), "application/json");
    assert_eq!(
        req.url.query(),
        None,
        "bearer only: no API key in the query"
    );
    assert!(!has_header(req, "cookie"));
    assert_eq!(
        body_json(req),
        json!({
            "name": "Rex the Dog",
            "kind": "cat",
            "birthday": "2020-01-02",
            "weight": 4.5,
            "nicknames": ["R", "Rexy"],
            "shape": {"kind": "Circle", "radius": 1.5},
            "contact": {"phone": "555 0100"}
        })
    );

    // allOf: Base's members and Pet's own, in one struct.
    assert_eq!(pet.id, 42);
    assert_eq!(pet.type_.as_deref(), Some("dog"));
    assert_eq!(pet.self_.as_deref(), Some("/pets/42"));
    assert_eq!(pet.foo_bar.as_deref(), Some("camel"));
    assert_eq!(pet.foo_bar2.as_deref(), Some("snake"));
    assert_eq!(pet.name, "Rex");
    // A status this SDK does not know is kept, not an error. (`Unknown` is taken by the
    // documented value "unknown", so the catch-all is `Unknown2`.)
    assert_eq!(pet.status, Some(Status::Unknown2("sleeping".to_owned())));
    assert!(!pet.status.as_ref().is_some_and(Status::is_known));
    // oneOf: not a Circle (no radius), so a Square.
    assert_eq!(
        pet.shape,
        Some(Shape::Square(decode(json!({"kind": "Square", "side": 3}))))
    );
    assert_eq!(pet.owner, None);
    assert_eq!(
        pet.tags,
        Some(BTreeMap::from([
            ("good".to_owned(), 1),
            ("loud".to_owned(), 2)
        ]))
    );
    let extra = pet.extra.as_ref().expect("extra");
    assert_eq!(extra.get("vaccinated"), Some(&json!(true)));
    assert_eq!(extra.get("vet"), Some(&json!({"name": "Dr. Who"})));
    // A recursive type, both through a box (parent) and a list (children).
    let family = pet.family.as_ref().expect("family");
    assert_eq!(family.value.as_deref(), Some("me"));
    let mum = family.parent.as_deref().expect("parent");
    assert_eq!(mum.value.as_deref(), Some("mum"));
    assert_eq!(
        mum.parent.as_deref(),
        Some(&decode::<Node>(json!({"value": "gran"})))
    );
    let children = family.children.as_ref().expect("children");
    assert_eq!(children.len(), 2);
    assert_eq!(children[0].value.as_deref(), Some("kid1"));
    assert_eq!(children[1].children, Some(Vec::new()));
}

#[tokio::test]
async fn create_pet_sends_a_string_shape_as_a_plain_string() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(201).set_body_json(json!({
            "id": 1, "name": "Blob", "status": "unknown", "shape": "round"
        })),
    )
    .await;

    let body = CreatePetRequest::builder()
        .name("Blob")
        .kind(Kind::Dog)
        .shape(Shape::String("round".to_owned()))
        .build()
        .expect("valid pet");
    let pet = client(&server)
        .pets()
        .create_pet(body)
        .await
        .expect("pet created");

    let req = &requests(&server).await[0];
    assert_eq!(
        body_json(req),
        json!({"name": "Blob", "kind": "dog", "shape": "round"})
    );
    assert_eq!(pet.shape, Some(Shape::String("round".to_owned())));
    // "unknown" is a documented value with a variant of its own.
    assert_eq!(pet.status, Some(Status::Unknown));
    assert_eq!(pet.family, None);
}

#[tokio::test]
async fn create_pet_reports_every_violation_together_before_sending() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(201).set_body_json(pet_json()),
    )
    .await;

    // Deserialization is lenient, so an invalid request can exist without the builder.
    let mut body: CreatePetRequest = decode(json!({
        "name": "Rex1",
        "kind": "dog",
        "weight": 0.0,
        "nicknames": ["a", "b", "a", "c"],
        "shape": {"kind": "Circle", "radius": -1.0},
        "litter": 21,
        // Three ways to reach the owner (two at most), one of them too short.
        "contact": {"email": "owner@example.com", "phone": "55", "address": "1 Main St"},
    }));
    // Any JSON value (no `type`), so an array is fine; 204 units of text are not.
    body.notes = Some(JsonText::from(json!(["x".repeat(200)])));
    assert!(matches!(body.shape, Some(Shape::Circle(_))));
    let e = client(&server)
        .pets()
        .create_pet(body.clone())
        .await
        .expect_err("invalid pet");
    let violations = validation_violations(&e);
    assert_eq!(
        violation_paths(&violations),
        [
            "name",
            "weight",
            "nicknames",
            "nicknames",
            "shape.radius",
            "notes",
            "litter",
            "contact",
            "contact.phone"
        ],
        "{violations:#?}"
    );
    assert_eq!(violations[5].rule, Rule::MaxStringifiedLength(200));
    assert_eq!(violations[6].message, "is 21, more than maximum 20");
    assert_eq!(violations[7].rule, Rule::MaxProperties(2));
    assert_eq!(
        violations[7].message,
        "has 3 properties, more than maxProperties 2"
    );
    assert_eq!(violations[8].rule, Rule::MinLength(3));
    assert_eq!(violations[0].rule, Rule::Pattern("^[A-Za-z ]+$".to_owned()));
    assert!(matches!(violations[1].rule, Rule::ExclusiveMinimum(_)));
    assert_eq!(limit_of(&violations[1].rule), 0.0);
    assert_eq!(violations[2].rule, Rule::MaxItems(3));
    assert_eq!(violations[3].rule, Rule::UniqueItems);
    assert!(matches!(violations[4].rule, Rule::Minimum(_)));
    assert_eq!(limit_of(&violations[4].rule), 0.0);
    let shown = e.to_string();
    assert!(
        shown.contains("name") && shown.contains("weight"),
        "{shown}"
    );

    // The builder reports the same set.
    let e = CreatePetRequest::builder()
        .name(body.name)
        .kind(body.kind)
        .weight(0.0)
        .nicknames(body.nicknames.unwrap_or_default())
        .set_shape(body.shape)
        .set_notes(body.notes)
        .set_litter(body.litter)
        .set_contact(body.contact)
        .build()
        .expect_err("invalid pet");
    assert_eq!(violation_paths(&e.violations), violation_paths(&violations));

    // No way at all is too few; the builder of the part says so already.
    let e = CreatePetRequestContact::builder()
        .build()
        .expect_err("no way to reach the owner");
    assert_eq!(violation_paths(&e.violations), [""]);
    assert_eq!(e.violations[0].rule, Rule::MinProperties(1));

    // An enum value the spec does not list cannot be sent.
    let e = client(&server)
        .pets()
        .create_pet(decode(json!({
            "name": "Rex",
            "kind": "bird",
            "weight": 0.1,
            "nicknames": ["a", "b", "c"],
        })))
        .await
        .expect_err("unknown kind");
    let violations = validation_violations(&e);
    assert_eq!(violation_paths(&violations), ["kind"]);
    assert!(matches!(violations[0].rule, Rule::Enum(_)));

    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn create_pet_needs_an_api_key() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(201).set_body_json(pet_json()),
    )
    .await;

    // Basic auth lets the client build, but createPet takes only a bearer token.
    let client = bare_builder(&server)
        .basic_auth("user", "pass")
        .build()
        .expect("basic auth is a credential");
    let body = CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .build()
        .expect("valid pet");
    let e = client
        .pets()
        .create_pet(body)
        .await
        .expect_err("no bearer token");
    assert_config_error(&e, "operation createPet needs credentials");
    // listPets takes the key in the query: no key, no call either.
    let e = client
        .pets()
        .list_pets(list_params())
        .await
        .expect_err("no API key");
    assert_config_error(&e, "operation listPets needs credentials");
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn create_pet_conflict_is_an_api_error_and_not_retried() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(409).set_body_string("exists"),
    )
    .await;
    let body = CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .build()
        .expect("valid pet");
    let e = client(&server)
        .pets()
        .create_pet(body)
        .await
        .expect_err("409");
    assert_eq!(e.api_error().map(|a| a.kind), Some(ApiErrorKind::Conflict));
    assert_eq!(requests(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// DELETE /pets/{petId} (no operationId): basic auth; credentials
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_sends_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/pets/7"))
        .respond_with(ResponseTemplate::new(204))
        .expect(4)
        .mount(&server)
        .await;

    // Expected values are RFC 4648 base64 of `user:password`, worked out independently of the
    // SDK: "Aladdin:open sesame" is RFC 7617's own example; the others cover 0, 1 and 2 padding
    // characters and UTF-8 (RFC 7617's charset for non-ASCII credentials).
    let cases = [
        ("Aladdin", "open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ("user", "pass", "dXNlcjpwYXNz"),
        ("ab", "cd", "YWI6Y2Q="),
        ("zoë", "pässwörd", "em/Dqzpww6Rzc3fDtnJk"),
    ];
    for (user, password, _) in cases {
        let client = bare_builder(&server)
            .basic_auth(user, password)
            .build()
            .expect("client builds");
        client
            .pets()
            .delete_pets_pet_id(7)
            .await
            .expect("deleted: 204 is Ok(())");
    }

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), cases.len());
    for (req, (_, _, encoded)) in reqs.iter().zip(cases) {
        assert_eq!(header(req, "authorization"), format!("Basic {encoded}"));
        assert_eq!(req.url.query(), None);
        assert_eq!(header(req, "accept"), "*/*");
        assert!(req.body.is_empty());
    }
}

#[tokio::test]
async fn delete_prefers_basic_auth_even_with_an_api_key() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(204)).await;
    let client = builder(&server)
        .basic_auth("Aladdin", "open sesame")
        .build()
        .expect("client builds");
    client.pets().delete_pets_pet_id(7).await.expect("deleted");
    let req = &requests(&server).await[0];
    assert_eq!(
        header(req, "authorization"),
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    assert_eq!(req.url.query(), None, "the API key is not sent");
}

#[tokio::test]
async fn delete_without_basic_auth_is_a_config_error_before_sending() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(204)).await;
    // An API key is a credential, but not the one DELETE takes.
    let e = client(&server)
        .pets()
        .delete_pets_pet_id(7)
        .await
        .expect_err("no basic auth");
    assert_config_error(&e, "operation deletePetsPetId needs credentials");

    // Validation of the path parameter comes first.
    let e = client(&server)
        .pets()
        .delete_pets_pet_id(0)
        .await
        .expect_err("petId 0");
    assert_eq!(violation_paths(&validation_violations(&e)), ["petId"]);
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_client_without_credentials_builds_but_refuses_operations_that_need_them() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    // Some operations need no credentials (upload has `security: []`), so SdkInfo.requires_api_key
    // is false: the client builds, and each operation that needs credentials refuses to send.
    let bare = bare_builder(&server)
        .build()
        .expect("builds without credentials");
    let e = bare
        .pets()
        .create_pet(
            CreatePetRequest::builder()
                .name("Rex")
                .kind(Kind::Dog)
                .build()
                .expect("valid"),
        )
        .await
        .expect_err("createPet needs a bearer token");
    assert_config_error(&e, "operation createPet needs credentials");
    assert!(requests(&server).await.is_empty(), "nothing was sent");
    // A blank key is no key.
    let blank = bare_builder(&server)
        .api_key("   ")
        .build()
        .expect("builds");
    let e = blank
        .pets()
        .delete_pets_pet_id(7)
        .await
        .expect_err("no credentials");
    assert!(matches!(e, Error::Config(_)));
    // A malformed basic-auth username is refused at build time, without echoing the password.
    let e = bare_builder(&server)
        .basic_auth("a:b", "secret")
        .build()
        .expect_err("':' in a basic-auth username");
    assert!(matches!(e, Error::Config(_)));
    assert!(!format!("{e} {e:?}").contains("secret"));
    assert!(requests(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// putPhoto: binary request body
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn put_photo_sends_png_bytes() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(204)).await;

    // A PNG signature, then bytes that are not UTF-8.
    let png = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80,
    ];
    let result: () = client(&server)
        .pets()
        .put_photo("rex/1 2", png.clone())
        .await
        .expect("stored");
    assert_eq!(result, ());

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "PUT");
    // A string path parameter stays one segment.
    assert_eq!(req.url.path(), "/pets/rex%2F1%202/photo");
    assert_eq!(header(req, "content-type"), "image/png");
    assert_eq!(req.body, png);
    assert_eq!(header(req, "accept"), "*/*");
    // No security on putPhoto: the configured key is not sent.
    assert!(!has_header(req, "authorization"));
    assert_eq!(req.url.query(), None);
}

#[tokio::test]
async fn put_photo_refuses_a_dot_segment_path_parameter() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(204)).await;

    // `.` and `..` cannot be sent as one path segment: every URL parser (the WHATWG URL
    // standard, and RFC 3986's remove_dot_segments) drops or climbs them, `%2E%2E` included. So
    // the SDK must refuse them before sending, not call another endpoint
    // (`/pets/../photo` is `/photo`; `/pets/./photo` is `/pets/photo`, i.e. pet "photo").
    for pet_id in ["..", "."] {
        let result = client(&server)
            .pets()
            .put_photo(pet_id, b"x".to_vec())
            .await;
        let sent_to: Vec<String> = requests(&server)
            .await
            .iter()
            .map(|r| r.url.path().to_owned())
            .collect();
        assert!(
            matches!(result, Err(Error::Validation(_) | Error::Config(_))),
            "petId {pet_id:?}: {result:?}, sent to {sent_to:?}"
        );
        assert!(sent_to.is_empty(), "petId {pet_id:?} sent to {sent_to:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// upload: multipart/form-data, text response, no security
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn upload_sends_multipart_and_returns_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/plain; charset=utf-8")
                .set_body_string("receipt #1 ✓"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let data = vec![0x89, b'P', b'N', b'G', 0x00, 0xff, b'\r', b'\n', b'-', b'-'];
    let body = UploadRequest::builder()
        .file(
            FileUpload::new(data.clone())
                .file_name("photo.png")
                .content_type("image/png"),
        )
        .description("a dog, \"Rex\"")
        .count(3)
        .build()
        .expect("valid upload");
    let receipt: String = client(&server)
        .files()
        .upload(body)
        .await
        .expect("uploaded");
    assert_eq!(receipt, "receipt #1 ✓");

    let reqs = requests(&server).await;
    let req = &reqs[0];
    // security: [] — no credentials at all, though an API key is configured.
    assert!(!has_header(req, "authorization"));
    assert!(!has_header(req, "cookie"));
    assert_eq!(req.url.query(), None);
    assert_eq!(header(req, "accept"), "*/*");

    let parts = multipart_parts(req);
    assert_eq!(parts.len(), 3, "{parts:?}");
    let file = &parts[0];
    assert!(file.disposition.starts_with("form-data"), "{file:?}");
    assert_eq!(file.disposition_param("name").as_deref(), Some("file"));
    assert_eq!(
        file.disposition_param("filename").as_deref(),
        Some("photo.png")
    );
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.body, data);

    let description = &parts[1];
    assert_eq!(
        description.disposition_param("name").as_deref(),
        Some("description")
    );
    assert_eq!(description.disposition_param("filename"), None);
    assert_eq!(description.body, b"a dog, \"Rex\"");

    let count = &parts[2];
    assert_eq!(count.disposition_param("name").as_deref(), Some("count"));
    assert_eq!(count.body, b"3");
}

#[tokio::test]
async fn a_rate_limited_upload_is_sent_again_whole() {
    // A multipart body is a stream that an attempt consumes: the retry must build it again,
    // not send an empty or half-read one.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    answer_all(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let data: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let body = UploadRequest::builder()
        .file(FileUpload::new(data.clone()).file_name("big.bin"))
        .description("twice")
        .build()
        .expect("valid upload");
    let receipt = client(&server)
        .files()
        .upload(body)
        .await
        .expect("the second attempt succeeds");
    assert_eq!(receipt, "ok");

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2, "one 429, then the retry");
    for req in &reqs {
        let parts = multipart_parts(req);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0].body, data);
        assert_eq!(parts[1].body, b"twice");
    }
}

#[tokio::test]
async fn upload_defaults_file_name_and_type_and_skips_unset_fields() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let body = UploadRequest::builder()
        .file(FileUpload::new(b"hello".to_vec()))
        .build()
        .expect("valid upload");
    assert_eq!(
        client(&server)
            .files()
            .upload(body)
            .await
            .expect("uploaded"),
        "ok"
    );

    let parts = multipart_parts(&requests(&server).await[0]);
    assert_eq!(parts.len(), 1, "unset description and count are not sent");
    assert_eq!(parts[0].disposition_param("name").as_deref(), Some("file"));
    assert_eq!(
        parts[0].disposition_param("filename").as_deref(),
        Some("file")
    );
    assert_eq!(
        parts[0].content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(parts[0].body, b"hello");

    // The builder wants the required file.
    let e = UploadRequest::builder().build().expect_err("no file");
    assert_eq!(violation_paths(&e.violations), ["file"]);
}

#[tokio::test]
async fn upload_refuses_a_bad_file_content_type_before_sending() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let body = UploadRequest::builder()
        .file(FileUpload::new(b"x".to_vec()).content_type("not a type"))
        .build()
        .expect("the builder does not check media types");
    let e = client(&server)
        .files()
        .upload(body)
        .await
        .expect_err("bad media type");
    let violations = validation_violations(&e);
    assert_eq!(violation_paths(&violations), ["file"]);
    assert_eq!(violations[0].rule, Rule::Format("media-type".to_owned()));
    assert!(requests(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// submitForm: application/x-www-form-urlencoded
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn submit_form_sends_a_urlencoded_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/forms"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "n": 1})))
        .expect(1)
        .mount(&server)
        .await;

    let body = SubmitFormRequest::builder()
        .email("jane+pets@example.com")
        .metadata(BTreeMap::from([
            ("order_id".to_owned(), "6735".to_owned()),
            ("note".to_owned(), "a b&c=d".to_owned()),
        ]))
        .build()
        .expect("valid form");
    let answer = client(&server)
        .files()
        .submit_form(Some(body))
        .await
        .expect("submitted");
    assert_eq!(answer.get("ok"), Some(&json!(true)));
    assert_eq!(answer.get("n"), Some(&json!(1)));

    let reqs = requests(&server).await;
    let req = &reqs[0];
    assert_eq!(media_type(req), "application/x-www-form-urlencoded");
    assert_eq!(header(req, "accept"), "application/json");
    assert!(
        !has_header(req, "authorization"),
        "submitForm has no security"
    );
    let text = std::str::from_utf8(&req.body).expect("form bodies are ASCII");
    assert!(text.is_ascii(), "{text}");
    let decoded = decode_pairs(req, text);
    assert_eq!(decoded.len(), 2, "{text}");
    assert_eq!(
        decoded[0],
        ("email".to_owned(), "jane+pets@example.com".to_owned())
    );
    // No `encoding` in the spec: OpenAPI 3.0.3 ("Support for x-www-form-urlencoded Request
    // Bodies": "complex types are stringified") sends a nested object as one JSON-text field.
    // (A Stripe-style `metadata[order_id]=6735` needs `encoding: {metadata: {style: deepObject}}`.)
    assert_eq!(decoded[1].0, "metadata");
    let metadata: Value = serde_json::from_str(&decoded[1].1).expect("metadata is JSON text");
    assert_eq!(metadata, json!({"order_id": "6735", "note": "a b&c=d"}));
}

#[tokio::test]
async fn submit_form_writes_a_property_in_its_encoding_style() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let body = SubmitFormRequest::builder()
        .settings(
            features_sdk::types::SubmitFormRequestSettings::builder()
                .color("red")
                .size(3)
                .build()
                .expect("valid settings"),
        )
        .build()
        .expect("valid form");
    client(&server)
        .files()
        .submit_form(Some(body))
        .await
        .expect("submitted");
    let reqs = requests(&server).await;
    let text = std::str::from_utf8(&reqs[0].body).expect("ASCII");
    let mut decoded = decode_pairs(&reqs[0], text);
    decoded.sort();
    // `encoding: {settings: {style: deepObject}}`: Stripe-style nested fields, not JSON text.
    assert_eq!(
        decoded,
        [
            ("settings[color]".to_owned(), "red".to_owned()),
            ("settings[size]".to_owned(), "3".to_owned()),
        ]
    );
}

#[tokio::test]
async fn submit_form_without_a_body_sends_none() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let answer = client(&server)
        .files()
        .submit_form(None)
        .await
        .expect("submitted");
    assert!(answer.is_empty());
    let req = &requests(&server).await[0];
    assert!(req.body.is_empty());
    assert!(!has_header(req, "content-type"));
}

#[tokio::test]
async fn submit_form_refuses_an_invalid_email_before_sending() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    for email in ["not-an-email", "Jane <jane@example.com>", "jane@", ""] {
        let mut body = SubmitFormRequest::default();
        body.email = Some(email.to_owned());
        let e = client(&server)
            .files()
            .submit_form(Some(body))
            .await
            .expect_err(email);
        let violations = validation_violations(&e);
        assert_eq!(violation_paths(&violations), ["email"], "{email:?}");
        assert_eq!(violations[0].rule, Rule::Format("email".to_owned()));

        let e = SubmitFormRequest::builder()
            .email(email)
            .build()
            .expect_err(email);
        assert_eq!(violation_paths(&e.violations), ["email"]);
    }
    assert!(requests(&server).await.is_empty());
}

/// String enums order as declared, values the SDK does not know after them (by text), and
/// `PartialOrd` says what `Ord` says.
#[test]
fn string_enums_order_as_declared() {
    let values: Vec<Status> = ["zzz", "+1", "available", "1d", "aaa", "in-progress"]
        .into_iter()
        .map(Status::from)
        .collect();
    let mut sorted = values.clone();
    sorted.sort();
    let shown: Vec<&str> = sorted.iter().map(Status::as_str).collect();
    assert_eq!(
        shown,
        ["available", "in-progress", "1d", "+1", "aaa", "zzz"]
    );
    for a in &values {
        for b in &values {
            assert_eq!(a.partial_cmp(b), Some(a.cmp(b)), "{a} against {b}");
        }
    }
}

/// `Debug` shows a struct's name and what it would send, by wire name; a struct holding a file
/// shows the file's size, never its bytes.
#[test]
fn debug_shows_what_a_value_sends_and_never_a_files_bytes() {
    let form = SubmitFormRequest::builder()
        .email("jane@example.com")
        .nickname(OrEmpty::Empty)
        .build()
        .expect("valid form");
    let shown = format!("{form:?}");
    assert!(shown.starts_with("SubmitFormRequest { "), "{shown}");
    assert!(shown.contains(r#"email: "jane@example.com""#), "{shown}");
    assert!(shown.contains(r#"nickname: """#), "{shown}");
    assert!(
        !shown.contains("shipping"),
        "unset fields are left out: {shown}"
    );
    let pretty = format!("{form:#?}");
    assert!(
        pretty.contains("\n    email: \"jane@example.com\",\n"),
        "{pretty}"
    );

    let upload = UploadRequest::builder()
        .file(FileUpload::new(b"secret contents".to_vec()))
        .build()
        .expect("valid upload");
    let shown = format!("{upload:?}");
    assert!(shown.contains("<15 bytes>"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
}

/// `anyOf: [<schema>, {enum: [""]}]` (Stripe's way to clear a field) is an `OrEmpty`: the value
/// sent as the schema says, `OrEmpty::Empty` as `""`, and the value's constraints checked.
#[tokio::test]
async fn submit_form_sends_a_value_or_the_empty_string() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let shipping = SubmitFormRequestShipping1::builder()
        .carrier("ups")
        .build()
        .expect("valid shipping");
    let body = SubmitFormRequest::builder()
        .shipping(shipping)
        .nickname("jo".to_owned())
        .build()
        .expect("valid form");
    client(&server)
        .files()
        .submit_form(Some(body))
        .await
        .expect("submitted");
    let body = SubmitFormRequest::builder()
        .shipping(OrEmpty::Empty)
        .nickname(OrEmpty::Empty)
        .build()
        .expect("the empty string is valid whatever the value's constraints");
    client(&server)
        .files()
        .submit_form(Some(body))
        .await
        .expect("submitted");
    let reqs = requests(&server).await;
    let sent: Vec<Vec<(String, String)>> = reqs
        .iter()
        .map(|req| {
            let text = std::str::from_utf8(&req.body).expect("ASCII");
            let mut pairs = decode_pairs(req, text);
            pairs.sort();
            pairs
        })
        .collect();
    assert_eq!(
        sent,
        [
            pairs(&[("nickname", "jo"), ("shipping[carrier]", "ups")]),
            pairs(&[("nickname", ""), ("shipping", "")]),
        ]
    );

    // The value's constraints, at the field's path, whether built or sent as is.
    let e = SubmitFormRequest::builder()
        .nickname("j".to_owned())
        .build()
        .expect_err("nickname is too short");
    assert_eq!(violation_paths(&e.violations), ["nickname"]);
    let mut body = SubmitFormRequest::default();
    body.shipping = Some(OrEmpty::Value(decode::<SubmitFormRequestShipping1>(
        json!({"carrier": "fedex-ground"}),
    )));
    let e = client(&server)
        .files()
        .submit_form(Some(body))
        .await
        .expect_err("carrier is too long");
    assert_eq!(
        violation_paths(&validation_violations(&e)),
        ["shipping.carrier"]
    );
    assert_eq!(
        requests(&server).await.len(),
        2,
        "nothing sent when invalid"
    );

    // Decoding tries the value first, then the empty string; anything else is the value's error.
    let decoded: SubmitFormRequest =
        serde_json::from_value(json!({"shipping": "", "nickname": ""})).expect("decodes");
    assert_eq!(decoded.shipping, Some(OrEmpty::Empty));
    assert_eq!(decoded.nickname, Some(OrEmpty::Value(String::new())));
    let e = serde_json::from_value::<SubmitFormRequest>(json!({"shipping": "x"}))
        .expect_err("neither an object nor empty");
    assert!(e.to_string().contains("not the empty string"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// getReport: binary response, path template with a suffix
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_report_returns_pdf_bytes() {
    let server = MockServer::start().await;
    let pdf = b"%PDF-1.4\n\x00\xff\xfe binary \x80\n%%EOF".to_vec();
    answer_all(
        &server,
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/pdf")
            .set_body_bytes(pdf.clone()),
    )
    .await;

    let bytes: Vec<u8> = client(&server)
        .default()
        .get_report("a b/c")
        .await
        .expect("report");
    assert_eq!(bytes, pdf);

    let req = &requests(&server).await[0];
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/reports/a%20b%2Fc.pdf");
    assert_eq!(header(req, "accept"), "*/*");
    assert!(!has_header(req, "authorization"));
    assert_eq!(req.url.query(), None);
}

#[tokio::test]
async fn get_report_encodes_reserved_characters_in_the_id() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_bytes(b"%PDF".to_vec()),
    )
    .await;
    client(&server)
        .default()
        .get_report("q1?x=1#frag%ü")
        .await
        .expect("report");
    let req = &requests(&server).await[0];
    assert_eq!(req.url.path(), "/reports/q1%3Fx%3D1%23frag%25%C3%BC.pdf");
    assert_eq!(req.url.query(), None);
}

#[tokio::test]
async fn get_report_error_status_is_unexpected() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(404).set_body_string("no such report"),
    )
    .await;
    let e = client(&server)
        .default()
        .get_report("x")
        .await
        .expect_err("404");
    match e {
        Error::UnexpectedStatus {
            status,
            operation_id,
            ref body,
            ..
        } => {
            assert_eq!((status, operation_id), (404, "getReport"));
            assert_eq!(body, "no such report");
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// getPet / renamePet: path parameter validation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_pet_validates_the_path_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1, "name": "One"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    for pet_id in [0, -5, i64::MIN] {
        let e = client
            .pets()
            .get_pet(pet_id)
            .await
            .expect_err("petId below minimum 1");
        let violations = validation_violations(&e);
        assert_eq!(violation_paths(&violations), ["petId"], "{pet_id}");
        assert!(matches!(violations[0].rule, Rule::Minimum(_)));
        assert_eq!(limit_of(&violations[0].rule), 1.0);
    }

    let pet = client.pets().get_pet(1).await.expect("pet 1");
    assert_eq!((pet.id, pet.name.as_str()), (1, "One"));
    assert_eq!(pet.status, None);
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1, "only the valid call was sent");
    assert!(
        !has_header(&reqs[0], "authorization"),
        "getPet has no security"
    );
    assert_eq!(reqs[0].url.query(), None);
}

#[tokio::test]
async fn get_pet_not_found_is_an_api_error() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(404).set_body_string("{}")).await;
    let e = client(&server).pets().get_pet(9).await.expect_err("404");
    assert_eq!(e.api_error().map(|a| a.kind), Some(ApiErrorKind::NotFound));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn get_pet_reads_the_request_id_header_the_spec_documents() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "generic")
            .insert_header("x-fixture-request-id", "fixture-7")
            .set_body_json(json!({"id": 1, "name": "One"})),
    )
    .await;
    let response = client(&server)
        .pets()
        .get_pet(1)
        .with_response()
        .await
        .expect("pet 1");
    assert_eq!(response.request_id(), Some("fixture-7"));
    assert_eq!(response.body().name, "One");
}

#[tokio::test]
async fn get_pet_error_without_a_documented_body_says_nothing_it_does_not_know() {
    let server = MockServer::start().await;
    let body = r#"{"error":{"code":"not_found","message":"No pet 9"}}"#;
    answer_all(
        &server,
        ResponseTemplate::new(404).set_body_raw(body, "application/json"),
    )
    .await;
    let e = client(&server).pets().get_pet(9).await.expect_err("404");
    let api = e.api_error().expect("404 is documented");
    // The spec gives 404 no schema: the body is kept, not guessed at.
    assert_eq!(
        (&api.code, &api.message, &api.problem),
        (&None, &None, &None)
    );
    assert_eq!(api.body, body);
    assert_eq!(e.to_string(), format!("HTTP 404 Not Found: {body}"));
    let value: Value = api.body_as().expect("any JSON reads as a Value");
    assert_eq!(value["error"]["code"], "not_found");
}

#[tokio::test]
async fn create_pet_errors_read_as_their_documented_types() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(409).set_body_raw(
            r#"{"message":"Rex exists","code":"duplicate","existingId":41}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let problem = json!({
        "type": "https://example.com/problems/too-young",
        "title": "Too young",
        "status": 422,
        "detail": "Pets born this year cannot be registered.",
        "invalidParams": [{"name": "birthday", "reason": "this year"}]
    });
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_raw(problem.to_string(), "application/problem+json"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let pet = || {
        CreatePetRequest::builder()
            .name("Rex")
            .kind(Kind::Dog)
            .build()
            .expect("valid pet")
    };

    let e = client.pets().create_pet(pet()).await.expect_err("409");
    let api = e.api_error().expect("409 is documented");
    assert_eq!(api.message.as_deref(), Some("Rex exists"), "a flat layout");
    assert_eq!(api.code.as_deref(), Some("duplicate"));
    let conflict: features_sdk::types::PetConflict = api.body_as().expect("documented type");
    assert_eq!(conflict.existing_id, Some(41));
    assert_eq!(
        e.to_string(),
        "HTTP 409 Conflict: Rex exists (code: duplicate)"
    );

    let e = client.pets().create_pet(pet()).await.expect_err("422");
    let api = e.api_error().expect("422 is documented");
    let details = api.problem.as_ref().expect("problem details");
    assert_eq!(details.title.as_deref(), Some("Too young"));
    assert_eq!(details.status, Some(422));
    assert_eq!(
        e.to_string(),
        "HTTP 422 Unprocessable Entity: Pets born this year cannot be registered. (docs: https://example.com/problems/too-young)"
    );
    let documented: features_sdk::types::CreatePetError422 = api.body_as().expect("documented");
    let params = documented.invalid_params.expect("given");
    assert_eq!(params[0].name.as_deref(), Some("birthday"));
    // A body that is not the documented type is a decode error that keeps the body.
    let wrong = api
        .body_as::<features_sdk::types::PetConflict>()
        .expect_err("no message");
    assert!(
        matches!(wrong, Error::Decode { status: 422, .. }),
        "{wrong:?}"
    );
    assert_eq!(wrong.body(), Some(problem.to_string().as_str()));
}

#[tokio::test]
async fn get_pet_response_missing_a_required_field_is_a_decode_error() {
    let server = MockServer::start().await;
    // `name` is required by Pet's own allOf member, `id` by Base's.
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"id": 1})),
    )
    .await;
    let e = client(&server)
        .pets()
        .get_pet(1)
        .await
        .expect_err("no name");
    assert!(matches!(e, Error::Decode { status: 200, .. }), "{e:?}");
}

#[tokio::test]
async fn rename_pet_reports_path_and_body_violations_together() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_json(pet_json()),
    )
    .await;
    let body: CreatePetRequest = decode(json!({"name": "", "kind": "dog"}));
    let e = client(&server)
        .pets()
        .rename_pet(0, body)
        .await
        .expect_err("invalid");
    let violations = validation_violations(&e);
    assert_eq!(violation_paths(&violations), ["petId", "name", "name"]);
    assert_eq!(violations[1].rule, Rule::MinLength(1));
    assert!(matches!(violations[2].rule, Rule::Pattern(_)));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn shape_decoding_follows_the_discriminator() {
    let server = MockServer::start().await;
    // Without a `mapping`, a discriminator value names the schema (OpenAPI 3.0.3, Discriminator
    // Object). Extra members are allowed (no additionalProperties: false), so this payload fits
    // both Circle and Square; `kind` says it is a Square.
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "id": 1,
            "name": "Box",
            "shape": {"kind": "Square", "side": 3, "radius": 1.0}
        })),
    )
    .await;
    let pet = client(&server).pets().get_pet(1).await.expect("pet");
    assert_eq!(
        pet.shape,
        Some(Shape::Square(decode(json!({"kind": "Square", "side": 3}))))
    );
}

#[test]
fn read_only_fields_are_not_required_and_formats_are_checked() {
    // `id` is required but readOnly: a request is complete without it.
    let pet = CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .build()
        .expect("id is readOnly, so not required of requests");
    assert_eq!(pet.id, None);
    // `birthday` is `format: date`: checked as an RFC 3339 full-date.
    let e = CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .birthday("2023-02-29")
        .build()
        .expect_err("no 29 February in 2023");
    assert_eq!(e.violations().len(), 1);
    assert_eq!(e.violations()[0].path, "birthday");
    assert_eq!(e.violations()[0].rule, Rule::Format("date".into()));
    CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .birthday("2024-02-29")
        .build()
        .expect("a leap day");
}

// ---------------------------------------------------------------------------------------------
// PATCH bodies: absent and `null` are different requests
// ---------------------------------------------------------------------------------------------

fn profile_json() -> Value {
    json!({"name": "Rex"})
}

async fn sent_profile(patch: ProfilePatch) -> (Value, String) {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_json(profile_json()),
    )
    .await;
    client(&server)
        .pets()
        .update_profile(7, patch)
        .await
        .expect("profile updated");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method.as_str(), "PATCH");
    (body_json(&sent[0]), media_type(&sent[0]))
}

#[tokio::test]
async fn patch_leaves_out_the_fields_never_set() {
    let patch = ProfilePatch::builder()
        .name("Rex")
        .build()
        .expect("valid patch");
    assert_eq!(patch.nickname, None);
    let (body, media) = sent_profile(patch).await;
    assert_eq!(body, json!({"name": "Rex"}));
    // The spec's media type, not plain application/json: a merge-patch server tells them apart.
    assert_eq!(media, "application/merge-patch+json");
}

#[tokio::test]
async fn patch_sends_null_for_fields_cleared_and_values_for_fields_set() {
    let patch = ProfilePatch::builder()
        .name("Rex")
        .null_nickname()
        .age(3)
        .null_owner()
        .build()
        .expect("valid patch");
    assert_eq!(patch.nickname, Some(None));
    assert_eq!(patch.age, Some(Some(3)));
    let (body, _) = sent_profile(patch).await;
    assert_eq!(
        body,
        json!({"name": "Rex", "nickname": null, "age": 3, "owner": null})
    );
}

#[tokio::test]
async fn patch_fields_can_be_set_directly_on_the_struct() {
    let mut patch = ProfilePatch::builder().name("Rex").build().expect("valid");
    patch.nickname = Some(Some("R".to_owned()));
    patch.age = Some(None);
    patch.motto = Some("Woof".to_owned());
    let (body, _) = sent_profile(patch).await;
    assert_eq!(
        body,
        json!({"name": "Rex", "nickname": "R", "age": null, "motto": "Woof"})
    );
}

// ---------------------------------------------------------------------------------------------
// additionalProperties beside named properties: kept, sent, counted and checked
// ---------------------------------------------------------------------------------------------

#[test]
fn additional_properties_are_kept_when_decoding_and_written_back() {
    // Owner: `additionalProperties: true`, so any other member is the API's too.
    let owner: features_sdk::types::Owner =
        serde_json::from_value(json!({"name": "Ann", "vet": "Dr. A", "visits": [1, 2]}))
            .expect("decodes");
    assert_eq!(owner.name.as_deref(), Some("Ann"));
    assert_eq!(owner.additional_properties.len(), 2);
    assert_eq!(owner.additional_properties["vet"], json!("Dr. A"));
    assert_eq!(
        serde_json::to_value(&owner).expect("encodes"),
        json!({"name": "Ann", "vet": "Dr. A", "visits": [1, 2]}),
        "nothing lost on the way back"
    );
    // Typed values (`additionalProperties: {type: string, minLength: 3}`): a value of another
    // type is a decoding error, as a named field's would be.
    let e = serde_json::from_value::<CreatePetRequestContact>(json!({"fax": 5550101}))
        .expect_err("a number where strings are promised");
    assert!(e.to_string().contains("invalid type"), "{e}");
    // Still objects only.
    serde_json::from_value::<features_sdk::types::Owner>(json!(["Ann"]))
        .expect_err("an array is not an owner");
}

#[test]
fn sized_integer_formats_are_rust_integers_of_that_size() {
    // `format: uint64`: the whole range, beyond what an `i64` holds.
    let pet: features_sdk::types::Pet = serde_json::from_value(json!({
        "id": 1, "name": "Rex", "microchip": 18_446_744_073_709_551_615u64
    }))
    .expect("a u64 decodes");
    assert_eq!(pet.microchip, Some(u64::MAX));
    // Outside the format's range is a decoding error, not a wrapped number.
    for bad in [json!(-1), json!(1e20)] {
        serde_json::from_value::<features_sdk::types::Pet>(
            json!({"id": 1, "name": "Rex", "microchip": bad}),
        )
        .expect_err("not a uint64");
    }
    // `format: uint8` with `maximum: 20`: the type holds 0..=255, validation the rest.
    let pet = CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .microchip(u64::MAX)
        .litter(20u8)
        .build()
        .expect("in range");
    assert_eq!(
        serde_json::to_value(&pet).expect("encodes")["microchip"],
        json!(u64::MAX)
    );
    serde_json::from_value::<CreatePetRequest>(
        json!({"name": "Rex", "kind": "dog", "litter": 256}),
    )
    .expect_err("256 is no uint8");
}

#[tokio::test]
async fn additional_properties_are_sent_counted_and_checked() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(201).set_body_json(created_pet_json()),
    )
    .await;
    let contact = CreatePetRequestContact::builder()
        .email("ann@example.com")
        .additional_properties("fax", "555 0101")
        .build()
        .expect("two ways: one named, one not");
    let pet = CreatePetRequest::builder()
        .name("Rex")
        .kind(Kind::Dog)
        .contact(contact)
        .build()
        .expect("valid pet");
    client(&server)
        .pets()
        .create_pet(pet)
        .await
        .expect("created");
    let reqs = requests(&server).await;
    assert_eq!(
        body_json(&reqs[0])["contact"],
        json!({"email": "ann@example.com", "fax": "555 0101"})
    );

    // The additional properties count toward maxProperties, their values are checked at their
    // own paths, and a name that has a field is refused (the object would carry it twice).
    let e = CreatePetRequestContact::builder()
        .email("ann@example.com")
        .additional_properties("fax", "55")
        .additional_properties("email", "other@example.com")
        .build()
        .expect_err("three properties, one short, one named");
    let violations = e.violations().to_vec();
    assert_eq!(
        violation_paths(&violations),
        ["", "email", "fax"],
        "{violations:#?}"
    );
    assert_eq!(violations[0].rule, Rule::MaxProperties(2));
    assert_eq!(violations[1].rule, Rule::NamedProperty);
    assert_eq!(violations[2].rule, Rule::MinLength(3));
    // One additional property alone meets minProperties.
    let only_other = CreatePetRequestContact::builder()
        .set_additional_properties(BTreeMap::from([("pager".to_owned(), "123".to_owned())]))
        .build()
        .expect("one way");
    assert!(only_other.validate().is_ok());
}

#[tokio::test]
async fn additional_properties_of_a_form_body_are_form_fields() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let body = SubmitFormRequest::builder()
        .email("jane@example.com")
        .additional_properties("utm_source", "news letter")
        .additional_properties("ref", "a&b")
        .build()
        .expect("valid form");
    client(&server)
        .files()
        .submit_form(Some(body))
        .await
        .expect("submitted");
    let reqs = requests(&server).await;
    let text = std::str::from_utf8(&reqs[0].body).expect("ASCII");
    assert_eq!(
        decode_pairs(&reqs[0], text),
        pairs(&[
            ("email", "jane@example.com"),
            ("ref", "a&b"),
            ("utm_source", "news letter")
        ])
    );
}

#[test]
fn patch_types_decode_absent_null_and_value_apart() {
    let decoded: ProfilePatch = serde_json::from_value(json!({
        "name": "Rex",
        "nickname": null,
        "age": 4
    }))
    .expect("decodes");
    assert_eq!(decoded.nickname, Some(None), "present null");
    assert_eq!(decoded.age, Some(Some(4)), "present value");
    assert_eq!(decoded.owner, None, "absent");
    // And back: what was read is what is written.
    assert_eq!(
        serde_json::to_value(&decoded).expect("encodes"),
        json!({"name": "Rex", "nickname": null, "age": 4})
    );
}

#[test]
fn patch_values_are_validated_and_null_is_allowed() {
    let e = ProfilePatch::builder()
        .name("")
        .nickname("x".repeat(21))
        .age(-1)
        .build()
        .expect_err("three violations");
    let violations = e.violations().to_vec();
    assert_eq!(violation_paths(&violations), ["name", "nickname", "age"]);
    assert_eq!(violations[1].rule, Rule::MaxLength(20));
    ProfilePatch::builder()
        .name("Rex")
        .null_nickname()
        .null_age()
        .build()
        .expect("null passes: the fields are nullable");
    let mut direct = ProfilePatch::builder().name("Rex").build().expect("valid");
    direct.nickname = Some(Some("x".repeat(21)));
    direct.age = Some(None);
    let e = direct.validate().expect_err("too long");
    assert_eq!(violation_paths(e.violations()), ["nickname"]);
}

#[test]
fn patch_property_counts_include_the_required_field_and_explicit_nulls() {
    // maxProperties 4: `name` always counts; a field cleared with null is sent, so it counts.
    ProfilePatch::builder()
        .name("Rex")
        .null_nickname()
        .null_age()
        .null_owner()
        .build()
        .expect("four properties");
    let e = ProfilePatch::builder()
        .name("Rex")
        .null_nickname()
        .null_age()
        .null_owner()
        .motto("Woof")
        .build()
        .expect_err("five properties");
    assert_eq!(violation_paths(e.violations()), [""]);
    assert_eq!(e.violations()[0].rule, Rule::MaxProperties(4));
    assert_eq!(
        e.violations()[0].message,
        "has 5 properties, more than maxProperties 4"
    );
    // The same count on a value made directly; fields left out (`None`) do not count.
    let mut direct = ProfilePatch::builder().name("Rex").build().expect("valid");
    direct.nickname = Some(None);
    direct.age = Some(None);
    direct.owner = Some(None);
    direct.motto = Some("Woof".to_owned());
    let e = direct.validate().expect_err("five properties");
    assert_eq!(e.violations()[0].rule, Rule::MaxProperties(4));
    let sent = serde_json::to_value(&direct).expect("encodes");
    assert_eq!(
        sent.as_object().map(Map::len),
        Some(5),
        "what is counted is what is sent"
    );
}

// ---------------------------------------------------------------------------------------------
// Constraints on array items and map values
// ---------------------------------------------------------------------------------------------

#[test]
fn item_and_map_value_constraints_are_checked_at_their_own_paths() {
    let e = ProfilePatch::builder()
        .name("Rex")
        .scores(BTreeMap::from([
            ("chew".to_owned(), 101),
            ("fetch".to_owned(), 50),
            ("sit".to_owned(), -1),
        ]))
        .aliases(vec!["Rexy".to_owned(), "Rexington".to_owned()])
        .matrix(vec![
            vec!["a".to_owned()],
            vec!["b".to_owned(), String::new(), "c".to_owned()],
        ])
        .build()
        .expect_err("five violations");
    let violations = e.violations().to_vec();
    assert_eq!(
        violation_paths(&violations),
        [
            "scores.chew",
            "scores.sit",
            "aliases[1]",
            "matrix[1]",
            "matrix[1][1]"
        ]
    );
    assert_eq!(limit_of(&violations[0].rule), 100.0);
    assert!(matches!(violations[0].rule, Rule::Maximum(_)));
    assert_eq!(limit_of(&violations[1].rule), 0.0);
    assert!(matches!(violations[1].rule, Rule::Minimum(_)));
    // `Alias` is `type Alias = String` with maxLength 8: the alias's constraint reaches items.
    assert_eq!(violations[2].rule, Rule::MaxLength(8));
    assert_eq!(violations[3].rule, Rule::MaxItems(2));
    assert_eq!(violations[4].rule, Rule::MinLength(1));
}

#[test]
fn items_within_their_limits_pass() {
    ProfilePatch::builder()
        .name("Rex")
        .scores(BTreeMap::from([
            ("chew".to_owned(), 0),
            ("sit".to_owned(), 100),
        ]))
        .aliases(vec!["Rexy".to_owned(), "12345678".to_owned()])
        .matrix(vec![vec!["a".to_owned(), "b".to_owned()], vec![]])
        .build()
        .expect("every item within its limits");
}

// ---------------------------------------------------------------------------------------------
// Integer and number enums
// ---------------------------------------------------------------------------------------------

#[test]
fn integer_number_and_boolean_enums_accept_listed_values_only() {
    let mut ok = Sizes::default();
    ok.size = Some(4);
    ok.ratio = Some(2.0);
    // `1.0` in the description is the integer 1.
    ok.sizes = Some(vec![1, 2, 4]);
    ok.agreed = Some(true);
    ok.validate().expect("listed values");
    let mut bad = Sizes::default();
    bad.size = Some(3);
    bad.ratio = Some(1.0);
    bad.sizes = Some(vec![2, 8]);
    bad.agreed = Some(false);
    let e = bad.validate().expect_err("four values not listed");
    let violations = e.violations().to_vec();
    assert_eq!(
        violation_paths(&violations),
        ["size", "ratio", "sizes[1]", "agreed"]
    );
    assert_eq!(violations[3].rule, Rule::Enum(vec!["true".to_owned()]));
    assert_eq!(
        violations[0].rule,
        Rule::Enum(vec!["1".to_owned(), "2".to_owned(), "4".to_owned()])
    );
    assert_eq!(
        violations[1].rule,
        Rule::Enum(vec!["0.5".to_owned(), "1.5".to_owned(), "2".to_owned()])
    );
    // Reached from a request body, so the builder of the body checks them too.
    let e = ProfilePatch::builder()
        .name("Rex")
        .sizes(bad)
        .build()
        .expect_err("nested");
    assert_eq!(
        violation_paths(e.violations()),
        [
            "sizes.size",
            "sizes.ratio",
            "sizes.sizes[1]",
            "sizes.agreed"
        ]
    );
}

#[test]
fn response_values_outside_a_number_enum_still_decode() {
    let decoded: Sizes =
        serde_json::from_value(json!({"size": 3, "ratio": 9.5})).expect("lenient decoding");
    assert_eq!(decoded.size, Some(3));
}

// ---------------------------------------------------------------------------------------------
// Tuples
// ---------------------------------------------------------------------------------------------

#[test]
fn closed_tuples_are_rust_tuples_on_the_wire_and_in_validation() {
    let mut sizes = Sizes::default();
    sizes.point = Some((1.5, -2.0, "origin".to_owned()));
    assert_eq!(
        serde_json::to_value(&sizes).expect("encodes"),
        json!({"point": [1.5, -2.0, "origin"]})
    );
    let decoded: Sizes = serde_json::from_value(json!({"point": [0, 1, "x"]})).expect("decodes");
    assert_eq!(decoded.point, Some((0.0, 1.0, "x".to_owned())));
    // Closed: a fourth item, or a missing third, is not this type.
    assert!(serde_json::from_value::<Sizes>(json!({"point": [0, 1, "x", 4]})).is_err());
    assert!(serde_json::from_value::<Sizes>(json!({"point": [0, 1]})).is_err());
    // The third item is an `Alias` (maxLength 8): checked at `point[2]`.
    let mut long = Sizes::default();
    long.point = Some((0.0, 0.0, "far too long".to_owned()));
    let e = long.validate().expect_err("alias limit");
    assert_eq!(violation_paths(e.violations()), ["point[2]"]);
    assert_eq!(e.violations()[0].rule, Rule::MaxLength(8));
}

// ---------------------------------------------------------------------------------------------
// Unions told apart by a constant property, without a discriminator
// ---------------------------------------------------------------------------------------------

#[test]
fn a_constant_property_tags_the_union_and_leaves_the_variants() {
    let create = Attachment::Create(
        AttachmentCreate::builder()
            .name("eth0")
            .build()
            .expect("valid"),
    );
    assert_eq!(
        serde_json::to_value(&create).expect("encodes"),
        json!({"type": "create", "name": "eth0"})
    );
    assert_eq!(
        serde_json::to_value(Attachment::DefaultIpv4).expect("encodes"),
        json!({"type": "default_ipv4"})
    );
    let decoded: Attachment = serde_json::from_value(json!({
        "type": "existing",
        "id": "9b2b1f2e-8f1a-4c57-9a65-2d2f5b0c8e11"
    }))
    .expect("decodes");
    assert!(matches!(decoded, Attachment::Existing(ref e) if e.id.starts_with("9b2b")));
    let unit: Attachment =
        serde_json::from_value(json!({"type": "default_ipv4", "extra": 1})).expect("decodes");
    assert_eq!(unit, Attachment::DefaultIpv4);
    // A tag added to the API later still decodes, as the unknown variant.
    let later: Attachment =
        serde_json::from_value(json!({"type": "bridge", "mtu": 9000})).expect("decodes");
    assert_eq!(later, Attachment::Unknown);
    // A known tag with a missing required field is an error, not a fallback to Unknown.
    assert!(serde_json::from_value::<Attachment>(json!({"type": "existing"})).is_err());
}

#[test]
fn tagged_variants_are_validated_and_unknown_ones_refused_in_requests() {
    let e = ProfilePatch::builder()
        .name("Rex")
        .attachment(Attachment::Create({
            let mut create = AttachmentCreate::builder()
                .name("eth0")
                .build()
                .expect("valid");
            create.name = "much-too-long".to_owned();
            create
        }))
        .build()
        .expect_err("name too long");
    assert_eq!(violation_paths(e.violations()), ["attachment.name"]);
    let e = ProfilePatch::builder()
        .name("Rex")
        .attachment(Attachment::Unknown)
        .build()
        .expect_err("unknown tag");
    assert_eq!(violation_paths(e.violations()), ["attachment.type"]);
    assert!(matches!(e.violations()[0].rule, Rule::Enum(ref tags) if tags.len() == 3));
}

#[test]
fn a_union_with_a_named_branch_keeps_the_property_and_decodes_by_it() {
    let by_name: Pointer =
        serde_json::from_value(json!({"kind": "by_name", "name": "a"})).expect("decodes");
    assert!(matches!(by_name, Pointer::ByName(ref b) if b.name == "a"));
    // `{"kind": "by_id", "id": 3, "name": "x"}` would also fit ByName were `kind` not read
    // first: the tag decides.
    let by_id: Pointer =
        serde_json::from_value(json!({"kind": "by_id", "id": 3, "name": "x"})).expect("decodes");
    assert!(matches!(by_id, Pointer::PointerById(ref p) if p.id == 3));
}

// ---------------------------------------------------------------------------------------------
// placeOrder: an `Idempotency-Key` header parameter the SDK fills in
// ---------------------------------------------------------------------------------------------

fn order() -> features_sdk::types::PlaceOrderRequest {
    features_sdk::types::PlaceOrderRequest::builder()
        .pet_id(7)
        .build()
        .expect("valid order")
}

fn idempotency_keys(reqs: &[Request]) -> Vec<String> {
    reqs.iter()
        .map(|r| header(r, "idempotency-key").to_owned())
        .collect()
}

#[tokio::test]
async fn place_order_generates_one_idempotency_key_per_call_and_retries_with_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"orderId": "o_1"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let params = || {
        features_sdk::types::PlaceOrderParams::builder()
            .build()
            .expect("valid")
    };
    // A 503 on a POST is retried: the key makes the repeat harmless.
    let response = client
        .pets()
        .place_order(order(), params())
        .with_response()
        .await
        .expect("retried");
    assert_eq!(response.attempts(), 2);
    client
        .pets()
        .place_order(order(), params())
        .await
        .expect("second call");
    let keys = idempotency_keys(&requests(&server).await);
    assert_eq!(keys.len(), 3);
    assert_eq!(
        keys[0], keys[1],
        "both attempts of the first call carry one key"
    );
    assert_ne!(keys[1], keys[2], "the next call has its own");
    for key in &keys {
        // A UUID v4: 8-4-4-4-12 hex digits, version 4, variant 10xx.
        let groups: Vec<&str> = key.split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12], "{key}");
        assert!(groups[2].starts_with('4'), "{key}");
        assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{key}");
    }
}

#[tokio::test]
async fn place_order_keeps_the_callers_idempotency_key() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(201).set_body_json(json!({}))).await;
    let client = client(&server);
    let params = features_sdk::types::PlaceOrderParams::builder()
        .idempotency_key("order-7-attempt")
        .build()
        .expect("valid");
    client
        .pets()
        .place_order(order(), params)
        .await
        .expect("201");
    let empty = features_sdk::types::PlaceOrderParams::builder()
        .build()
        .expect("valid");
    client
        .pets()
        .place_order(order(), empty)
        .header("Idempotency-Key", "per-call-key")
        .await
        .expect("201");
    let reqs = requests(&server).await;
    assert_eq!(idempotency_keys(&reqs), ["order-7-attempt", "per-call-key"]);
    assert_eq!(reqs[1].headers.get_all("idempotency-key").iter().count(), 1);
}

// ---------------------------------------------------------------------------------------------
// middleware (the `middleware` feature)
// ---------------------------------------------------------------------------------------------

/// Records the order it is passed through (`>name` on the way out, `<name` on the way back) and
/// adds a header naming itself.
struct Recorder {
    name: &'static str,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Recorder {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        self.log.lock().unwrap().push(format!(">{}", self.name));
        req.headers_mut().append(
            "x-middleware",
            reqwest::header::HeaderValue::from_static(self.name),
        );
        let response = next.run(req, extensions).await;
        let status = response.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
        self.log
            .lock()
            .unwrap()
            .push(format!("<{} {status}", self.name));
        response
    }
}

/// Fails every request without sending it.
struct Refuser;

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused by policy")
    }
}

impl std::error::Error for Refused {}

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Refuser {
    async fn handle(
        &self,
        _req: reqwest::Request,
        _extensions: &mut http::Extensions,
        _next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        Err(reqwest_middleware::Error::middleware(Refused))
    }
}

#[tokio::test]
async fn middleware_see_every_attempt_in_the_order_added() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1, "name": "One"})))
        .mount(&server)
        .await;
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let client = builder(&server)
        .middleware(Recorder {
            name: "outer",
            log: log.clone(),
        })
        .middleware(Recorder {
            name: "inner",
            log: log.clone(),
        })
        .build()
        .expect("client");
    let response = client
        .pets()
        .get_pet(1)
        .with_response()
        .await
        .expect("429, then 200");
    assert_eq!(response.attempts(), 2);
    // Once per attempt, inside the SDK's retry loop: the 429 went back through both, and the
    // SDK (not a middleware) retried it.
    assert_eq!(
        *log.lock().unwrap(),
        [
            ">outer",
            ">inner",
            "<inner 429",
            "<outer 429",
            ">outer",
            ">inner",
            "<inner 200",
            "<outer 200"
        ]
    );
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        let added: Vec<&str> = req
            .headers
            .get_all("x-middleware")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(added, ["outer", "inner"]);
    }
}

#[tokio::test]
async fn a_middlewares_own_error_ends_the_call_unretried() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"id": 1, "name": "One"})),
    )
    .await;
    let refusing = builder(&server)
        .middleware(Refuser)
        .build()
        .expect("client");
    let e = refusing.pets().get_pet(1).await.expect_err("refused");
    assert!(matches!(e, Error::Middleware { attempts: 1, .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "a middleware failed the request: refused by policy"
    );
    assert!(
        requests(&server).await.is_empty(),
        "nothing reached the server"
    );
    // Without middleware the same client configuration sends it.
    client(&server).pets().get_pet(1).await.expect("200");
}

// ---------------------------------------------------------------------------------------------
// security schemes: one credential per scheme, the first requirement the client can meet
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn who_am_i_sends_the_first_scheme_the_client_has() {
    let server = MockServer::start().await;
    answer_all(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"name": "me"})),
    )
    .await;
    // Only the API-key header's scheme set, by its own method: the second alternative.
    let keyed = bare_builder(&server)
        .api_key_header("key-only")
        .build()
        .expect("client");
    keyed.auth().who_am_i().await.expect("200");
    // Both set: the first alternative (bearer) alone.
    let both = bare_builder(&server)
        .bearer("tok-1")
        .api_key_header("key-1")
        .build()
        .expect("client");
    both.auth().who_am_i().await.expect("200");
    let reqs = requests(&server).await;
    assert_eq!(header(&reqs[0], "x-api-key"), "key-only");
    assert!(!has_header(&reqs[0], "authorization"));
    assert_eq!(header(&reqs[1], "authorization"), "Bearer tok-1");
    assert!(!has_header(&reqs[1], "x-api-key"));
    // A scheme's own credential wins over the generic api_key, which fills the others.
    let mixed = bare_builder(&server)
        .api_key("generic")
        .bearer("own")
        .build()
        .expect("client");
    mixed.auth().needs_both().await.expect("204");
    let last = requests(&server).await.pop().expect("sent");
    assert_eq!(header(&last, "authorization"), "Bearer own");
    assert_eq!(header(&last, "x-api-key"), "generic");
}

#[tokio::test]
async fn a_requirement_the_client_cannot_meet_fails_before_sending() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(204)).await;
    let only_bearer = bare_builder(&server).bearer("tok").build().expect("client");
    let e = only_bearer
        .auth()
        .needs_both()
        .await
        .expect_err("needs the key too");
    assert_eq!(
        e.to_string(),
        "invalid client configuration: operation needsBoth needs credentials: set \
         ClientBuilder::bearer or api_key (a bearer token for `bearer`) and \
         ClientBuilder::api_key_header or api_key (an API key for `apiKeyHeader`)"
    );
    let nothing = bare_builder(&server)
        .build()
        .expect("some operations need none");
    let e = nothing.auth().who_am_i().await.expect_err("no credentials");
    assert!(
        e.to_string().contains("ClientBuilder::bearer") && e.to_string().contains("; or "),
        "{e}"
    );
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn count_pets_is_anonymous_unless_the_client_has_credentials() {
    let server = MockServer::start().await;
    answer_all(&server, ResponseTemplate::new(200).set_body_json(json!(3))).await;
    let anonymous = bare_builder(&server).build().expect("client");
    assert_eq!(anonymous.auth().count_pets().await.expect("200"), 3);
    let keyed = bare_builder(&server).bearer("tok").build().expect("client");
    keyed.auth().count_pets().await.expect("200");
    let reqs = requests(&server).await;
    assert!(!has_header(&reqs[0], "authorization"));
    assert_eq!(header(&reqs[1], "authorization"), "Bearer tok");
}

// ---------------------------------------------------------------------------------------------
// OAuth 2 client credentials against a loopback token endpoint
// ---------------------------------------------------------------------------------------------

const CLIENT_ID: &str = "vet-system";
const CLIENT_SECRET: &str = "cs_s3cr3t_0123456789";

/// A token endpoint issuing `tok-1`, `tok-2`, ... with this lifetime, after a small delay (so
/// that concurrent calls really overlap the fetch).
struct TokenIssuer {
    issued: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    expires_in: u64,
}

impl wiremock::Respond for TokenIssuer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self
            .issued
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        let form = String::from_utf8_lossy(&request.body).into_owned();
        let expected_auth = format!(
            "Basic {}",
            base64_encode(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
        );
        let authorized = request
            .headers
            .get("authorization")
            .is_some_and(|v| v.to_str().ok() == Some(expected_auth.as_str()));
        if !authorized || !form.contains("grant_type=client_credentials") {
            return ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
        }
        ResponseTemplate::new(200)
            .set_delay(Duration::from_millis(50))
            .set_body_json(json!({
                "access_token": format!("tok-{n}"),
                "token_type": "bearer",
                "expires_in": self.expires_in,
                "scope": form,
            }))
    }
}

/// The API: the visits for a token it accepts (all but `refused`), else 401.
struct VetApi {
    refused: &'static str,
}

impl wiremock::Respond for VetApi {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth.starts_with("Bearer tok-") && auth != format!("Bearer {}", self.refused) {
            ResponseTemplate::new(200).set_body_json(json!([auth]))
        } else {
            ResponseTemplate::new(401)
        }
    }
}

/// Standard base64, written out so the test does not trust the SDK's.
fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn vet_server(
    expires_in: u64,
    refused: &'static str,
) -> (MockServer, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(TokenIssuer {
            issued: issued.clone(),
            expires_in,
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/vet/visits"))
        .respond_with(VetApi { refused })
        .mount(&server)
        .await;
    (server, issued)
}

fn oauth_client(server: &MockServer) -> Client {
    bare_builder(server)
        .oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET)
        .oauth2_scopes(["visits:read"])
        .build()
        .expect("client")
}

#[tokio::test]
async fn oauth2_ten_concurrent_calls_share_one_token_fetch() {
    let (server, issued) = vet_server(3600, "none").await;
    let client = oauth_client(&server);
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.auth().list_visits().await })
    });
    for call in calls.collect::<Vec<_>>() {
        let visits = call.await.expect("task").expect("200");
        assert_eq!(visits, ["Bearer tok-1"]);
    }
    assert_eq!(issued.load(std::sync::atomic::Ordering::SeqCst), 1);
    // The token request: a form with the grant type and the scopes, to the relative tokenUrl.
    let token_requests: Vec<Request> = requests(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .collect();
    assert_eq!(token_requests.len(), 1);
    assert_eq!(
        decode_pairs(
            &token_requests[0],
            &String::from_utf8_lossy(&token_requests[0].body)
        ),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "visits:read")
        ])
    );
}

#[tokio::test]
async fn oauth2_fetches_a_new_token_when_the_old_one_expires() {
    let (server, issued) = vet_server(1, "none").await;
    let client = oauth_client(&server);
    assert_eq!(
        client.auth().list_visits().await.expect("200"),
        ["Bearer tok-1"]
    );
    assert_eq!(
        client.auth().list_visits().await.expect("200"),
        ["Bearer tok-1"]
    );
    // Refreshed shortly before the second is up.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        client.auth().list_visits().await.expect("200"),
        ["Bearer tok-2"]
    );
    assert_eq!(issued.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn oauth2_a_401_refreshes_the_token_once_and_resends() {
    let (server, issued) = vet_server(3600, "tok-1").await;
    let client = oauth_client(&server);
    let response = client
        .auth()
        .list_visits()
        .with_response()
        .await
        .expect("the second token is accepted");
    assert_eq!(response.body(), &["Bearer tok-2"]);
    assert_eq!(response.attempts(), 2);
    assert_eq!(issued.load(std::sync::atomic::Ordering::SeqCst), 2);

    // Refused again after the refresh: the 401 is the answer, with no third token.
    let (server, issued) = vet_server(3600, "tok-1").await;
    let stubborn = bare_builder(&server)
        .oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET)
        .build()
        .expect("client");
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(TokenIssuer {
            issued: issued.clone(),
            expires_in: 3600,
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/vet/visits"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let e = stubborn.auth().list_visits().await.expect_err("401");
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.attempts(), Some(2));
    assert_eq!(issued.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn oauth2_secrets_and_tokens_never_show() {
    let (server, _) = vet_server(3600, "none").await;
    let builder = bare_builder(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET);
    let client = builder.clone().build().expect("client");
    client.auth().list_visits().await.expect("200");
    let shown = format!("{builder:?} {builder:#?} {client:?} {client:#?}");
    for secret in [CLIENT_SECRET, CLIENT_ID, "tok-1"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    // A refused client: the token endpoint's error, without the credentials.
    let wrong = bare_builder(&server)
        .oauth2_client_credentials(CLIENT_ID, "wrong")
        .build()
        .expect("client");
    let e = wrong
        .auth()
        .list_visits()
        .await
        .expect_err("invalid_client");
    assert!(
        matches!(
            e,
            Error::Auth {
                status: Some(401),
                ..
            }
        ),
        "{e:?}"
    );
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("invalid_client"), "{shown}");
    for secret in [CLIENT_SECRET, "wrong"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    // An access token given directly wins over client credentials, and needs no fetch.
    let given = bare_builder(&server)
        .oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET)
        .oauth("tok-given")
        .build()
        .expect("client");
    assert_eq!(
        given.auth().list_visits().await.expect("200"),
        ["Bearer tok-given"]
    );
}

/// Combinators that only constrain a value further (`{type: string, anyOf: [{maxLength: 2},
/// {minLength: 4}]}`, `oneOf` of `required` beside `properties`, two patterns in an `allOf`)
/// are checked as JSON Schema checks them, by `validate()` and by the builder alike; the JSON
/// Schema Test Suite found them read as the first alternative, or dropped.
#[test]
fn alternatives_are_checked_as_json_schema_checks_them() {
    let rules = |built: Result<CodeCheck, features_sdk::validation::ValidationError>| {
        let mut found: Vec<(String, Rule)> = match built {
            Ok(value) => {
                assert!(value.validate().is_ok(), "built, so valid: {value:?}");
                return Vec::new();
            }
            Err(e) => e
                .violations()
                .iter()
                .map(|v| (v.path.clone(), v.rule.clone()))
                .collect(),
        };
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    };
    let with_sku = || CodeCheck::builder().sku("S-1".to_owned());
    // anyOf: either set will do; neither is refused, each reason given.
    for ok in ["ab", "abcd", ""] {
        assert_eq!(rules(with_sku().code(ok.to_owned()).build()), [], "{ok}");
    }
    assert_eq!(
        rules(with_sku().code("abc".to_owned()).build()),
        [("code".to_owned(), Rule::AnyOf)]
    );
    // oneOf: exactly one set; 15 fits both, 7 neither.
    for ok in [3, 10, 9] {
        assert_eq!(rules(with_sku().step(ok).build()), [], "{ok}");
    }
    for bad in [15, 7, 0] {
        assert_eq!(
            rules(with_sku().step(bad).build()),
            [("step".to_owned(), Rule::OneOf)],
            "{bad}"
        );
    }
    // allOf of two patterns: both hold.
    assert_eq!(rules(with_sku().slug("box".to_owned()).build()), []);
    let slug = rules(with_sku().slug("bob".to_owned()).build());
    assert!(
        matches!(slug.as_slice(), [(path, Rule::Pattern(p))] if path == "slug" && p == "x"),
        "{slug:?}"
    );
    // oneOf of `required` on the object: sku or ean, not both, not neither.
    assert_eq!(rules(CodeCheck::builder().ean("E".to_owned()).build()), []);
    for bad in [CodeCheck::builder(), with_sku().ean("E".to_owned())] {
        assert_eq!(rules(bad.build()), [(String::new(), Rule::OneOf)]);
    }
    // An open tuple: a list of JSON values, each checked by position on its type and
    // constraints; further items are free.
    let batch = |items: Value| {
        with_sku()
            .batch(serde_json::from_value::<Vec<Value>>(items).expect("a list"))
            .build()
    };
    assert_eq!(rules(batch(json!([1, "first", true]))), []);
    assert_eq!(rules(batch(json!([]))), []);
    let found = rules(batch(json!(["first", 0])));
    assert_eq!(
        found.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["batch[0]", "batch[1]"],
        "{found:?}"
    );
    assert!(matches!(found[0].1, Rule::Types(_)), "{found:?}");
    assert!(matches!(found[1].1, Rule::Types(_)), "{found:?}");
    assert!(matches!(
        rules(batch(json!([0])))[..],
        [(_, Rule::Minimum(_))]
    ));
    // Items and map values that may be null hold `None` (the response judge found `[null]`
    // refused), and are checked when they are not null; keywords of one type beside a `oneOf`
    // of typed branches speak of that branch (`fields`: an object, or a list of objects).
    let decoded: CodeCheck = serde_json::from_value(json!({
        "sku": "S",
        "tags": [null, "ab"],
        "labels": {"a": null, "b": "xy"},
        "fields": {"k": 1}
    }))
    .expect("nulls in lists and maps decode");
    assert_eq!(decoded.tags, Some(vec![None, Some("ab".to_owned())]));
    assert_eq!(decoded.labels.as_ref().map(|l| l["a"].clone()), Some(None));
    assert!(decoded.validate().is_ok(), "{decoded:?}");
    for fields in [json!([{"a": 1}]), json!({"a": 1})] {
        let decoded: Result<CodeCheck, _> =
            serde_json::from_value(json!({"sku": "S", "fields": fields}));
        assert!(decoded.is_ok(), "{fields}: {decoded:?}");
    }
    let long: CodeCheck = serde_json::from_value(json!({
        "sku": "S", "tags": [null, "abcd"], "labels": {"a": null, "b": "wxyz"}
    }))
    .expect("decodes");
    let paths: Vec<String> = long
        .validate()
        .expect_err("too long")
        .violations()
        .iter()
        .map(|v| v.path.clone())
        .collect();
    assert_eq!(paths, ["tags[1]", "labels.b"]);
    // A decoded value is judged the same way, and the message says which sets held.
    let decoded: CodeCheck =
        serde_json::from_value(json!({"sku": "S", "ean": "E", "code": "abc"})).expect("decodes");
    let error = decoded.validate().expect_err("two violations");
    let messages: Vec<String> = error.violations().iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("fits 2 alternatives of oneOf ([0], [1])")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with(
            "code: fits none of the 2 alternatives of anyOf: [0] is 3 characters long"
        )),
        "{messages:?}"
    );
}

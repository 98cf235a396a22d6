//! The SDK of `tests/fixtures/collisions.yaml`: that it compiles (clippy-clean in `.ci/run`) is
//! most of the test. These check that the names the generator had to tell apart stayed apart
//! and still do what the spec says: each setter sets its own field, a path parameter named like
//! a local is sent as itself, a parameters struct keeps its operation's name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use collisions_sdk::{Client, builders, types};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a client")
}

#[test]
fn fields_value_and_set_value_each_keep_their_setter() {
    let pet: types::Pet = types::Pet::builder()
        .name("Rex")
        .v("ok")
        .foo("f") // clippy's placeholder names are fields like any other
        .baz("b")
        .value(1) // the field `value`
        .set_value(7) // the field `setValue`: its plain setter wins the name
        .build_value(true) // the field `build`: `build()` is the builder's
        .builder(false)
        .add(2)
        .sub(3)
        .build()
        .expect("valid");
    let wire = serde_json::to_value(&pet).expect("encodes");
    assert_eq!((&wire["foo"], &wire["baz"]), (&json!("f"), &json!("b")));
    let decoded: types::Pet = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(decoded, pet);
    assert_eq!(wire["value"], json!(1));
    assert_eq!(wire["setValue"], json!(7));
    assert_eq!(wire["build"], json!(true));
    assert_eq!(wire["builder"], json!(false));
    assert_eq!(
        (wire["add"].clone(), wire["sub"].clone()),
        (json!(2), json!(3))
    );

    // The `set_` forms, claimed after every plain setter.
    let pet = types::Pet::builder()
        .name("Rex")
        .v("ok")
        .foo("f")
        .set_value2(Some(4))
        .set_set_value(None)
        .build()
        .expect("valid");
    assert_eq!((pet.value, pet.set_value), (Some(4), None));
}

#[test]
fn a_required_field_named_v_does_not_shadow_the_validator() {
    // Missing: reported as required, beside the other violations.
    let error = types::Pet::builder().name("").build().unwrap_err();
    let text = error.to_string();
    assert!(text.contains("v: is required"), "{text}");
    assert!(text.contains("name:"), "{text}");
    // Present but too long: the check on `v` runs and refuses it.
    let error = types::Pet::builder()
        .name("Rex")
        .v("abcdef")
        .foo("f")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("v: is 6 characters long"),
        "{error}"
    );
}

#[test]
fn a_schema_named_like_a_builder_is_its_own_type() {
    // `Pet`'s builder is `builders::Pet`; the schema `PetBuilder` is a response type.
    let builder: builders::Pet = types::Pet::builder();
    assert!(builder.build().is_err());
    let decoded: types::PetBuilder = serde_json::from_value(json!({"built": true})).unwrap();
    assert_eq!(decoded.built, Some(true));
}

#[test]
fn schemas_named_like_the_prelude_keep_their_names() {
    let holder = types::Holder::builder()
        .into(types::Into::builder().into("abc").build().expect("valid"))
        .option(types::Option::builder().some("x").build().expect("valid"))
        .result(types::Result::builder().ok("y").build().expect("valid"))
        .string(types::String::builder().len(3).build().expect("valid"))
        .vec(vec!["a".to_owned()])
        .box_(types::Box::A)
        .error(types::Error::builder().build().expect("valid"))
        .client(types::Client::builder().build().expect("valid"))
        .some(5)
        .none(true)
        .ok(1.5)
        .err("e")
        .to_string(types::ToString::builder().build().expect("valid"))
        .union(types::T::D(
            types::D::builder().kind("d").d(3).build().expect("valid"),
        ))
        .build()
        .expect("valid");
    let wire = serde_json::to_value(&holder).unwrap();
    assert_eq!(wire["into"], json!({"into": "abc"}));
    assert_eq!(wire["option"], json!({"some": "x"}));
    assert_eq!(wire["box"], json!("a"));
    assert_eq!(wire["union"], json!({"kind": "d", "d": 3}));
    let back: types::Holder = serde_json::from_value(wire).unwrap();
    assert_eq!(back, holder);

    // The nested checks reach into the prelude-named types.
    let bad = types::Holder::builder()
        .into({
            let mut into = types::Into::builder().build().expect("valid");
            into.into = Some("abcd".to_owned());
            into
        })
        .build()
        .unwrap_err();
    assert!(bad.to_string().contains("into.into:"), "{bad}");
}

#[test]
fn a_union_whose_variants_are_named_like_generics_decodes_by_its_tag() {
    let t: types::T = serde_json::from_value(json!({"kind": "s", "s": "x"})).unwrap();
    let types::T::S(s) = t else {
        panic!("not S: {t:?}")
    };
    assert_eq!((s.kind.as_str(), s.s.as_deref()), ("s", Some("x")));
}

#[test]
fn case_folding_twins_are_three_types() {
    let a: types::FooBar = "text".to_owned();
    let b: types::FooBar2 = 2;
    let c: types::FooBar3 = true;
    let holder: types::Holder = serde_json::from_value(
        json!({"into": {}, "twin1": a, "twin2": b, "twin3": c, "type": "t", "match": 1}),
    )
    .unwrap();
    assert_eq!(
        (holder.twin1, holder.twin2, holder.twin3),
        (Some(a), Some(b), Some(c))
    );
    assert_eq!(
        (holder.type_, holder.match_),
        (Some("t".to_owned()), Some(1))
    );
}

#[test]
fn enum_values_that_name_alike_round_trip() {
    let values = types::Signs::VALUES;
    assert_eq!(values.len(), 9);
    let decoded: Vec<types::Signs> = values.iter().map(|v| types::Signs::from(*v)).collect();
    for (value, signs) in values.iter().zip(&decoded) {
        assert!(signs.is_known(), "{value:?}");
        assert_eq!(signs.as_str(), *value);
    }
    // Nine wire values, nine variants.
    let mut distinct = decoded.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 9);
    assert_eq!(types::Signs::from("+1"), types::Signs::Plus1);
    assert_eq!(types::Signs::from("-1"), types::Signs::V1);
    assert_eq!(types::Signs::from(""), types::Signs::Empty);
    assert!(!types::Signs::from("other").is_known());
}

#[test]
fn identical_parameter_structs_keep_their_operations_names() {
    // Both are one definition underneath, but each operation's signature names its own.
    let alpha: types::ListAlphaParams = types::ListAlphaParams::builder().limit(5).build().unwrap();
    let beta: types::ListBetaParams = alpha.clone();
    assert_eq!(beta.limit, Some(5));
}

#[tokio::test]
async fn path_parameters_named_like_locals_are_sent_as_themselves() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/a/b%20c/d/e/f"))
        .and(query_param("v", "q"))
        .and(query_param("path", "p"))
        .and(query_param("prepared", "3"))
        .and(header("at_root", "h"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let params = types::GetPetParams::builder()
        .v("q")
        .path("p")
        .prepared(3)
        .at_root("h")
        .build()
        .unwrap();
    // Tags named like the client's methods get the next free accessor name.
    client
        .builder2()
        .get_pet("a", "b c", "d", "e", "f", params)
        .await
        .expect("sent");

    // The checks of path parameters named `v` and `value` still run, on those values.
    let error = client
        .builder2()
        .get_pet("", "", "d", "e", "f", types::GetPetParams::default())
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("v: is 0 characters long"), "{text}");
    assert!(text.contains("value: is 0 characters long"), "{text}");
}

#[tokio::test]
async fn operations_named_like_trait_methods_are_plain_calls() {
    let server = MockServer::start().await;
    for route in ["/ops/next", "/ops/from_str", "/ops/clone", "/ops/default"] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let ops = client.from_env2();
    ops.next().await.unwrap();
    ops.from_str().await.unwrap();
    ops.clone().await.unwrap();
    ops.default().await.unwrap();
    // The client's own methods are untouched.
    assert_eq!(client.base_url(), server.uri());
    assert_eq!(
        client.clone2().foo_bar2().await.unwrap_err().status(),
        Some(404)
    );
}

#[tokio::test]
async fn methods_are_named_as_users_say_them() {
    let server = MockServer::start().await;
    for (verb, route) in [
        ("GET", "/repos/get"),
        ("GET", "/repos/list"),
        ("GET", "/repos/other"),
        ("POST", "/named/create"),
        ("POST", "/named/create-again"),
        ("GET", "/named/tagged-links"),
        ("GET", "/named/fern"),
    ] {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    // `repos/get` and `repos.list` in the `repos` group; another group's prefix is kept.
    client.repos().get().await.unwrap();
    client.repos().list().await.unwrap();
    client.repos().users_get().await.unwrap();
    // x-speakeasy-group and x-speakeasy-name-override; the second `create` is told apart.
    client.links().create().await.unwrap();
    client.links().create2().await.unwrap();
    // The tag `Links` is the same group as `x-speakeasy-group: links`.
    client.links().list_links().await.unwrap();
    // x-fern-sdk-group-name (nested groups, one level here) and x-fern-sdk-method-name.
    client.users_notifications().get_settings().await.unwrap();
}

#[tokio::test]
async fn error_and_response_types_named_like_the_runtimes_stay_apart() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-collisions-request-id", "col-1")
                .set_body_raw(r#"{"message":"taken","status":409}"#, "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-collisions-request-id", "col-2")
                .set_body_raw(r#"{"built":true}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let pet = || {
        types::Pet::builder()
            .name("Rex")
            .v("ok")
            .foo("f")
            .build()
            .expect("valid")
    };
    let e: collisions_sdk::Error = client.builder2().create_pet(pet()).await.unwrap_err();
    // A spec that names a schema `Response` (the flat layout: `message`).
    let api = e.api_error().expect("409 is documented");
    assert_eq!(api.message.as_deref(), Some("taken"));
    let body: types::Response = api.body_as().expect("the documented type");
    assert_eq!(body.status, Some(409));
    // The documented request-id header, after one that is not a header name.
    assert_eq!(e.request_id(), Some("col-1"));
    let response: collisions_sdk::Response<types::PetBuilder> = client
        .builder2()
        .create_pet(pet())
        .with_response()
        .await
        .expect("200");
    assert_eq!(response.request_id(), Some("col-2"));
    assert_eq!(response.body().built, Some(true));
}

#[tokio::test]
async fn security_schemes_named_like_builder_methods_get_their_own() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/same-params/a"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // `api_key` and `build` together. The bearer scheme named `api_key` is set by the builder's
    // own `api_key` (which sets every token scheme's); `build` gets `build2`, beside `build()`.
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("bearer-token")
        .build2("build-key")
        .build()
        .unwrap();
    let params = types::ListAlphaParams::builder().build().unwrap();
    client.execute().list_alpha(params.clone()).await.unwrap();
    // The keyword-named OAuth 2 scheme, alone.
    let client = Client::builder()
        .base_url(server.uri())
        .self_("oauth-token")
        .build()
        .unwrap();
    client.execute().list_alpha(params).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].headers["authorization"], "Bearer bearer-token");
    assert_eq!(reqs[0].headers["x-build"], "build-key");
    assert_eq!(reqs[1].headers["authorization"], "Bearer oauth-token");
}

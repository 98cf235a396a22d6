//! Validation of `TrackSaleRequest` against the constraints in `spec/openapi.yaml`, at and around
//! every limit, plus the request type's builder, serde shape and `PaymentProcessor` enum.
//!
//! No network: everything here runs on values.

use codeqr::types::{PaymentProcessor, TrackSaleRequest};
use codeqr::validation::{Rule, Validate, ValidationError, Violation};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const PROCESSORS: [&str; 7] = [
    "stripe",
    "shopify",
    "polar",
    "paddle",
    "revenuecat",
    "custom",
    "manual",
];

/// A valid sale holding only the two required fields.
fn minimal() -> TrackSaleRequest {
    TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .build()
        .expect("a sale with only its required fields is valid")
}

/// `minimal()` changed by `f`, then validated through both the inherent method and the trait.
fn check(f: impl FnOnce(&mut TrackSaleRequest)) -> Result<(), ValidationError> {
    let mut sale = minimal();
    f(&mut sale);
    let inherent = sale.validate();
    let via_trait = Validate::validate(&sale);
    assert_eq!(
        inherent, via_trait,
        "inherent validate() and Validate::validate disagree"
    );
    inherent
}

fn assert_ok(result: Result<(), ValidationError>, what: &str) {
    if let Err(e) = result {
        panic!("{what}: expected valid, got {e} ({:?})", e.violations());
    }
}

/// Asserts exactly one violation, at `path`, breaking `rule`; returns it.
fn assert_one(result: Result<(), ValidationError>, path: &str, rule: Rule) -> Violation {
    let err = match result {
        Ok(()) => {
            panic!("expected exactly one violation at {path} ({rule:?}), got a valid request")
        }
        Err(e) => e,
    };
    let v = err.violations();
    assert_eq!(
        v.len(),
        1,
        "expected exactly one violation at {path}, got {v:#?}"
    );
    assert_eq!(v[0].path, path, "wire path of {v:#?}");
    assert_eq!(v[0].rule, rule, "rule of {v:#?}");
    assert!(!v[0].message.is_empty(), "violation message is empty");
    v[0].clone()
}

fn pairs(err: &ValidationError) -> Vec<(String, Rule)> {
    err.violations()
        .iter()
        .map(|v| (v.path.clone(), v.rule.clone()))
        .collect()
}

fn assert_same_violations(err: &ValidationError, expected: &[(&str, Rule)]) {
    let got = pairs(err);
    assert_eq!(
        got.len(),
        expected.len(),
        "wrong number of violations: {got:#?}"
    );
    for (path, rule) in expected {
        assert!(
            got.iter().any(|(p, r)| p == path && r == rule),
            "missing violation {path} {rule:?}; got {got:#?}"
        );
    }
}

/// Length of the compact JSON text of `value` in UTF-16 code units, as JavaScript counts it.
fn utf16_len(value: &Map<String, Value>) -> usize {
    serde_json::to_string(value)
        .expect("a JSON map serializes")
        .encode_utf16()
        .count()
}

/// `{"k":"<fill × n>"}`: 8 UTF-16 units of JSON punctuation plus the filler.
fn metadata_with(fill: &str, n: usize) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("k".to_owned(), Value::String(fill.repeat(n)));
    m
}

// ---------------------------------------------------------------------------------------------
// customerExternalId: minLength 1, maxLength 100 (counted in characters)
// ---------------------------------------------------------------------------------------------

#[test]
fn customer_external_id_empty_is_below_min_length() {
    let v = assert_one(
        check(|s| s.customer_external_id = String::new()),
        "customerExternalId",
        Rule::MinLength(1),
    );
    assert!(v.message.contains('1'), "message names the limit: {v}");
}

#[test]
fn customer_external_id_one_char_is_valid() {
    assert_ok(check(|s| s.customer_external_id = "x".into()), "1 char");
    assert_ok(
        check(|s| s.customer_external_id = "é".into()),
        "1 two-byte char",
    );
}

#[test]
fn customer_external_id_100_chars_is_valid() {
    assert_ok(
        check(|s| s.customer_external_id = "a".repeat(100)),
        "100 × a",
    );
    // 200 bytes, but 100 characters.
    assert_ok(
        check(|s| s.customer_external_id = "é".repeat(100)),
        "100 × é",
    );
    // 400 bytes and 200 UTF-16 units, but 100 characters: JSON Schema counts code points.
    assert_ok(
        check(|s| s.customer_external_id = "😀".repeat(100)),
        "100 × 😀",
    );
}

#[test]
fn customer_external_id_101_chars_is_above_max_length() {
    let v = assert_one(
        check(|s| s.customer_external_id = "a".repeat(101)),
        "customerExternalId",
        Rule::MaxLength(100),
    );
    assert!(v.message.contains("100"), "message names the limit: {v}");
    assert_one(
        check(|s| s.customer_external_id = "é".repeat(101)),
        "customerExternalId",
        Rule::MaxLength(100),
    );
    assert_one(
        check(|s| s.customer_external_id = "😀".repeat(101)),
        "customerExternalId",
        Rule::MaxLength(100),
    );
}

#[test]
fn customer_external_id_limits_are_checked_by_the_builder() {
    let err = TrackSaleRequest::builder()
        .customer_external_id("")
        .amount(1)
        .build()
        .expect_err("empty customerExternalId must fail build()");
    assert_same_violations(&err, &[("customerExternalId", Rule::MinLength(1))]);

    let err = TrackSaleRequest::builder()
        .customer_external_id("é".repeat(101))
        .amount(1)
        .build()
        .expect_err("101-char customerExternalId must fail build()");
    assert_same_violations(&err, &[("customerExternalId", Rule::MaxLength(100))]);

    let ok = TrackSaleRequest::builder()
        .customer_external_id("é".repeat(100))
        .amount(1)
        .build()
        .expect("100-char customerExternalId is valid");
    assert_eq!(ok.customer_external_id.chars().count(), 100);
}

// ---------------------------------------------------------------------------------------------
// amount: minimum 0
// ---------------------------------------------------------------------------------------------

#[test]
fn amount_minus_one_is_below_minimum() {
    let v = assert_one(
        check(|s| s.amount = -1),
        "amount",
        Rule::Minimum(serde_json::Number::from(0)),
    );
    assert!(v.message.contains('0'), "message names the limit: {v}");
    assert_one(
        check(|s| s.amount = i64::MIN),
        "amount",
        Rule::Minimum(serde_json::Number::from(0)),
    );
}

#[test]
fn amount_zero_and_max_are_valid() {
    assert_ok(check(|s| s.amount = 0), "amount 0");
    assert_ok(check(|s| s.amount = 1), "amount 1");
    assert_ok(check(|s| s.amount = i64::MAX), "amount i64::MAX");
}

#[test]
fn amount_minimum_is_checked_by_the_builder() {
    let err = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(-1)
        .build()
        .expect_err("negative amount must fail build()");
    assert_same_violations(&err, &[("amount", Rule::Minimum(0.into()))]);
    let ok = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(i64::MAX)
        .build()
        .expect("i64::MAX is a valid amount");
    assert_eq!(ok.amount, i64::MAX);
}

// ---------------------------------------------------------------------------------------------
// eventName: maxLength 255
// ---------------------------------------------------------------------------------------------

#[test]
fn event_name_255_chars_is_valid_and_256_is_not() {
    assert_ok(check(|s| s.event_name = None), "no eventName");
    assert_ok(
        check(|s| s.event_name = Some(String::new())),
        "empty eventName",
    );
    assert_ok(check(|s| s.event_name = Some("e".repeat(255))), "255 × e");
    assert_ok(check(|s| s.event_name = Some("é".repeat(255))), "255 × é");
    let v = assert_one(
        check(|s| s.event_name = Some("e".repeat(256))),
        "eventName",
        Rule::MaxLength(255),
    );
    assert!(v.message.contains("255"), "message names the limit: {v}");
    assert_one(
        check(|s| s.event_name = Some("é".repeat(256))),
        "eventName",
        Rule::MaxLength(255),
    );
}

#[test]
fn event_name_limit_is_checked_by_the_builder() {
    let err = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .event_name("e".repeat(256))
        .build()
        .expect_err("256-char eventName must fail build()");
    assert_same_violations(&err, &[("eventName", Rule::MaxLength(255))]);
}

// ---------------------------------------------------------------------------------------------
// customerName: maxLength 100
// ---------------------------------------------------------------------------------------------

#[test]
fn customer_name_100_chars_is_valid_and_101_is_not() {
    assert_ok(check(|s| s.customer_name = None), "no customerName");
    assert_ok(
        check(|s| s.customer_name = Some("n".repeat(100))),
        "100 × n",
    );
    assert_ok(
        check(|s| s.customer_name = Some("é".repeat(100))),
        "100 × é",
    );
    let v = assert_one(
        check(|s| s.customer_name = Some("n".repeat(101))),
        "customerName",
        Rule::MaxLength(100),
    );
    assert!(v.message.contains("100"), "message names the limit: {v}");
    assert_one(
        check(|s| s.customer_name = Some("é".repeat(101))),
        "customerName",
        Rule::MaxLength(100),
    );
}

// ---------------------------------------------------------------------------------------------
// customerEmail: maxLength 100, format email
// ---------------------------------------------------------------------------------------------

/// A syntactically valid address of exactly `len` characters (local part 64, the most allowed).
fn email_of_len(len: usize) -> String {
    let local = "a".repeat(64);
    // local + "@" + label + ".com"
    let label = "b".repeat(len - 64 - 1 - 4);
    let email = format!("{local}@{label}.com");
    assert_eq!(email.chars().count(), len);
    email
}

#[test]
fn customer_email_valid_addresses_pass() {
    for email in [
        "jane@example.com",
        "jane.doe+tag@sub.example.co.uk",
        "user_name@example.io",
    ] {
        assert_ok(
            check(|s| s.customer_email = Some(email.into())),
            &format!("email {email:?}"),
        );
    }
    assert_ok(check(|s| s.customer_email = None), "no customerEmail");
}

#[test]
fn customer_email_invalid_addresses_fail_format() {
    for email in [
        "plainaddress",
        "jane@",
        "@example.com",
        "jane@@example.com",
        "jane doe@example.com",
        "jane@exa mple.com",
        "",
    ] {
        assert_one(
            check(|s| s.customer_email = Some(email.into())),
            "customerEmail",
            Rule::Format("email".into()),
        );
    }
}

#[test]
fn customer_email_with_display_name_is_not_an_address() {
    // JSON Schema's `email` format is an RFC 5321 mailbox: a display-name form is not one.
    assert_one(
        check(|s| s.customer_email = Some("Jane <jane@example.com>".into())),
        "customerEmail",
        Rule::Format("email".into()),
    );
}

#[test]
fn customer_email_100_chars_is_valid_and_101_is_not() {
    assert_ok(
        check(|s| s.customer_email = Some(email_of_len(100))),
        "100-char address",
    );
    // Still a well-formed address: only the length is wrong.
    let v = assert_one(
        check(|s| s.customer_email = Some(email_of_len(101))),
        "customerEmail",
        Rule::MaxLength(100),
    );
    assert!(v.message.contains("100"), "message names the limit: {v}");
}

#[test]
fn customer_email_too_long_and_malformed_reports_both() {
    let result = check(|s| s.customer_email = Some("x".repeat(101)));
    let err = result.expect_err("101 × x is neither short enough nor an address");
    assert_same_violations(
        &err,
        &[
            ("customerEmail", Rule::MaxLength(100)),
            ("customerEmail", Rule::Format("email".into())),
        ],
    );
}

#[test]
fn customer_email_is_checked_by_the_builder() {
    let err = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .customer_email("not-an-email")
        .build()
        .expect_err("malformed email must fail build()");
    assert_same_violations(&err, &[("customerEmail", Rule::Format("email".into()))]);
}

// ---------------------------------------------------------------------------------------------
// paymentProcessor: enum
// ---------------------------------------------------------------------------------------------

#[test]
fn every_known_payment_processor_is_valid() {
    let all = [
        (PaymentProcessor::Stripe, "stripe"),
        (PaymentProcessor::Shopify, "shopify"),
        (PaymentProcessor::Polar, "polar"),
        (PaymentProcessor::Paddle, "paddle"),
        (PaymentProcessor::Revenuecat, "revenuecat"),
        (PaymentProcessor::Custom, "custom"),
        (PaymentProcessor::Manual, "manual"),
    ];
    for (p, wire) in all {
        assert_eq!(p.as_str(), wire);
        assert_eq!(serde_json::to_value(&p).expect("serializes"), json!(wire));
        let back: PaymentProcessor = serde_json::from_value(json!(wire)).expect("deserializes");
        assert_eq!(back, p);
        assert_ok(
            check(|s| s.payment_processor = Some(p.clone())),
            &format!("paymentProcessor {wire}"),
        );
    }
}

#[test]
fn unknown_payment_processor_fails_enum() {
    let expected = Rule::Enum(PROCESSORS.iter().map(|s| s.to_string()).collect());
    let v = assert_one(
        check(|s| s.payment_processor = Some(PaymentProcessor::Unknown("bitcoin".into()))),
        "paymentProcessor",
        expected.clone(),
    );
    assert!(
        v.message.contains("bitcoin"),
        "message names the value: {v}"
    );

    let err = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .payment_processor(PaymentProcessor::Unknown("bitcoin".into()))
        .build()
        .expect_err("unknown processor must fail build()");
    assert_same_violations(&err, &[("paymentProcessor", expected)]);
}

#[test]
fn unknown_payment_processor_decodes_and_round_trips() {
    let p: PaymentProcessor = serde_json::from_value(json!("bitcoin")).expect("lenient decode");
    assert_eq!(p, PaymentProcessor::Unknown("bitcoin".into()));
    assert_eq!(p.as_str(), "bitcoin");
    assert_eq!(
        serde_json::to_value(&p).expect("serializes"),
        json!("bitcoin")
    );
}

#[test]
fn deserialized_request_with_unknown_processor_is_invalid() {
    let sale: TrackSaleRequest = serde_json::from_value(json!({
        "customerExternalId": "cus_1",
        "amount": 5,
        "paymentProcessor": "bitcoin",
    }))
    .expect("decoding is lenient");
    assert_eq!(
        sale.payment_processor,
        Some(PaymentProcessor::Unknown("bitcoin".into()))
    );
    let err = sale.validate().expect_err("validation is strict");
    assert_eq!(pairs(&err).len(), 1);
    assert_eq!(err.violations()[0].path, "paymentProcessor");
    assert!(matches!(err.violations()[0].rule, Rule::Enum(_)));
}

// ---------------------------------------------------------------------------------------------
// metadata: x-max-stringified-length 10000 (compact JSON, UTF-16 code units)
// ---------------------------------------------------------------------------------------------

#[test]
fn metadata_absent_or_small_is_valid() {
    assert_ok(check(|s| s.metadata = None), "no metadata");
    assert_ok(
        check(|s| s.metadata = Some(Map::new().into())),
        "empty metadata",
    );
    let mut m = Map::new();
    m.insert("plan".into(), json!("pro"));
    m.insert("nested".into(), json!({"a": [1, 2, {"b": null}]}));
    assert_ok(
        check(|s| s.metadata = Some(m.into())),
        "small nested metadata",
    );
}

#[test]
fn metadata_ascii_exactly_10000_is_valid_and_10001_is_not() {
    let at = metadata_with("x", 9992);
    assert_eq!(utf16_len(&at), 10_000);
    assert_ok(check(|s| s.metadata = Some(at.into())), "10000 units");

    let over = metadata_with("x", 9993);
    assert_eq!(utf16_len(&over), 10_001);
    let v = assert_one(
        check(|s| s.metadata = Some(over.into())),
        "metadata",
        Rule::MaxStringifiedLength(10_000),
    );
    assert!(v.message.contains("10000"), "message names the limit: {v}");
}

#[test]
fn metadata_counts_non_bmp_chars_as_two_units() {
    // 4996 × 😀 = 9992 UTF-16 units (but 4996 chars and 19984 bytes).
    let at = metadata_with("😀", 4996);
    assert_eq!(utf16_len(&at), 10_000);
    assert_ok(
        check(|s| s.metadata = Some(at.into())),
        "4996 emoji = 10000 units",
    );

    // One more unit: 10001 UTF-16 units, though only 5005 characters.
    let mut over = metadata_with("😀", 4996);
    over.insert("k".into(), Value::String(format!("{}a", "😀".repeat(4996))));
    assert_eq!(utf16_len(&over), 10_001);
    assert_one(
        check(|s| s.metadata = Some(over.into())),
        "metadata",
        Rule::MaxStringifiedLength(10_000),
    );

    // 5000 emoji: 10008 units but only 5008 characters: a char count would wrongly accept it.
    assert_one(
        check(|s| s.metadata = Some(metadata_with("😀", 5000).into())),
        "metadata",
        Rule::MaxStringifiedLength(10_000),
    );
}

#[test]
fn metadata_counts_bmp_non_ascii_as_one_unit() {
    // 9992 × é = 9992 UTF-16 units but 19984 bytes: a byte count would wrongly reject it.
    let at = metadata_with("é", 9992);
    assert_eq!(utf16_len(&at), 10_000);
    assert_ok(
        check(|s| s.metadata = Some(at.into())),
        "9992 × é = 10000 units",
    );
    assert_one(
        check(|s| s.metadata = Some(metadata_with("é", 9993).into())),
        "metadata",
        Rule::MaxStringifiedLength(10_000),
    );
}

#[test]
fn metadata_counts_the_escaped_json_text() {
    // A quote is written as \" : two units each.
    let at = metadata_with("\"", 4996);
    assert_eq!(utf16_len(&at), 10_000);
    assert_ok(
        check(|s| s.metadata = Some(at.into())),
        "4996 quotes = 10000 units",
    );
    let mut over = metadata_with("\"", 4996);
    over.insert("k".into(), Value::String(format!("{}a", "\"".repeat(4996))));
    assert_eq!(utf16_len(&over), 10_001);
    assert_one(
        check(|s| s.metadata = Some(over.into())),
        "metadata",
        Rule::MaxStringifiedLength(10_000),
    );
}

#[test]
fn metadata_counts_compact_json_with_several_keys() {
    // {"a":1,"b":"…"} : 14 units of punctuation, no whitespace.
    let mut at = Map::new();
    at.insert("a".into(), json!(1));
    at.insert("b".into(), Value::String("y".repeat(9986)));
    assert_eq!(utf16_len(&at), 10_000);
    assert_ok(
        check(|s| s.metadata = Some(at.into())),
        "two keys, 10000 units",
    );

    let mut over = Map::new();
    over.insert("a".into(), json!(1));
    over.insert("b".into(), Value::String("y".repeat(9987)));
    assert_eq!(utf16_len(&over), 10_001);
    assert_one(
        check(|s| s.metadata = Some(over.into())),
        "metadata",
        Rule::MaxStringifiedLength(10_000),
    );
}

#[test]
fn metadata_limit_is_checked_by_the_builder() {
    let err = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .metadata(metadata_with("x", 9993))
        .build()
        .expect_err("oversized metadata must fail build()");
    assert_same_violations(&err, &[("metadata", Rule::MaxStringifiedLength(10_000))]);
    TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .metadata(metadata_with("😀", 4996))
        .build()
        .expect("10000-unit metadata is valid");
}

#[test]
fn metadata_is_held_as_json_text_and_must_be_an_object() {
    use codeqr::JsonText;
    // From the caller's own type, straight to text: what is sent is what was measured.
    #[derive(serde::Serialize)]
    struct Plan<'a> {
        plan: &'a str,
        seats: u32,
    }
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .metadata(
            JsonText::new(&Plan {
                plan: "pro",
                seats: 3,
            })
            .expect("serializes"),
        )
        .build()
        .expect("valid");
    let body = serde_json::to_string(&sale).expect("serializes");
    assert!(
        body.contains(r#""metadata":{"plan":"pro","seats":3}"#),
        "{body}"
    );
    // Decoded with spaces, measured without them (the server counts JSON.stringify's text).
    let spaced = format!(
        r#"{{"customerExternalId": "c", "amount": 1, "metadata": {{ "k" : "{}" }} }}"#,
        "x".repeat(9_992)
    );
    let decoded: TrackSaleRequest = serde_json::from_str(&spaced).expect("decodes");
    assert_eq!(
        decoded.metadata.as_ref().map(JsonText::utf16_len),
        Some(10_000)
    );
    assert_ok(decoded.validate(), "10,000 units once compact");
    // The schema says `type: object`: any other JSON value is refused, with what it was.
    for (value, kind) in [
        (json!([1, 2]), "an array"),
        (json!("plan"), "a string"),
        (json!(7), "a number"),
        (json!(true), "a boolean"),
    ] {
        let v = assert_one(
            check(|s| s.metadata = Some(value.clone().into())),
            "metadata",
            Rule::Type("object"),
        );
        assert_eq!(v.to_string(), format!("metadata: is {kind}, not an object"));
    }
    let decoded: TrackSaleRequest =
        serde_json::from_str(r#"{"customerExternalId": "c", "amount": 1, "metadata": [1]}"#)
            .expect("any JSON decodes");
    assert_one(decoded.validate(), "metadata", Rule::Type("object"));
}

// ---------------------------------------------------------------------------------------------
// fields without constraints
// ---------------------------------------------------------------------------------------------

#[test]
fn unconstrained_fields_accept_any_string() {
    let long = "z".repeat(20_000);
    assert_ok(check(|s| s.currency = Some(long.clone())), "currency");
    assert_ok(check(|s| s.invoice_id = Some(long.clone())), "invoiceId");
    assert_ok(
        check(|s| s.lead_event_name = Some(long.clone())),
        "leadEventName",
    );
    assert_ok(check(|s| s.click_id = Some(long.clone())), "clickId");
    assert_ok(
        check(|s| s.customer_avatar = Some(long.clone())),
        "customerAvatar",
    );
    assert_ok(
        check(|s| s.invoice_id = Some(String::new())),
        "empty invoiceId",
    );
}

// ---------------------------------------------------------------------------------------------
// builder: required fields, every violation at once
// ---------------------------------------------------------------------------------------------

#[test]
fn builder_with_nothing_set_reports_both_required_fields() {
    let err = TrackSaleRequest::builder()
        .build()
        .expect_err("required fields are missing");
    assert_same_violations(
        &err,
        &[
            ("customerExternalId", Rule::Required),
            ("amount", Rule::Required),
        ],
    );
}

#[test]
fn builder_missing_one_required_field_reports_it() {
    let err = TrackSaleRequest::builder()
        .amount(5)
        .build()
        .expect_err("customerExternalId is missing");
    assert_same_violations(&err, &[("customerExternalId", Rule::Required)]);

    let err = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .build()
        .expect_err("amount is missing");
    assert_same_violations(&err, &[("amount", Rule::Required)]);
}

#[test]
fn builder_reports_missing_and_invalid_fields_together() {
    let err = TrackSaleRequest::builder()
        .customer_name("n".repeat(101))
        .build()
        .expect_err("two missing, one too long");
    assert_same_violations(
        &err,
        &[
            ("customerExternalId", Rule::Required),
            ("amount", Rule::Required),
            ("customerName", Rule::MaxLength(100)),
        ],
    );
}

#[test]
fn every_violation_is_reported_at_once() {
    let err = TrackSaleRequest::builder()
        .customer_external_id("")
        .amount(-1)
        .event_name("e".repeat(256))
        .customer_name("n".repeat(101))
        .customer_email("not an email")
        .payment_processor(PaymentProcessor::Unknown("bitcoin".into()))
        .metadata(metadata_with("😀", 5000))
        .build()
        .expect_err("seven fields are invalid");
    assert_same_violations(
        &err,
        &[
            ("customerExternalId", Rule::MinLength(1)),
            ("amount", Rule::Minimum(0.into())),
            ("eventName", Rule::MaxLength(255)),
            ("customerName", Rule::MaxLength(100)),
            ("customerEmail", Rule::Format("email".into())),
            (
                "paymentProcessor",
                Rule::Enum(PROCESSORS.iter().map(|s| s.to_string()).collect()),
            ),
            ("metadata", Rule::MaxStringifiedLength(10_000)),
        ],
    );

    // The error's Display names how many and each path; each violation reads "{path}: {message}".
    let text = err.to_string();
    assert!(text.contains('7'), "count in {text:?}");
    for v in err.violations() {
        assert_eq!(v.to_string(), format!("{}: {}", v.path, v.message));
        assert!(text.contains(&v.path), "{:?} not in {text:?}", v.path);
    }

    // Same result from validating the equivalent struct.
    let mut sale = minimal();
    sale.customer_external_id = String::new();
    sale.amount = -1;
    sale.event_name = Some("e".repeat(256));
    sale.customer_name = Some("n".repeat(101));
    sale.customer_email = Some("not an email".into());
    sale.payment_processor = Some(PaymentProcessor::Unknown("bitcoin".into()));
    sale.metadata = Some(metadata_with("😀", 5000).into());
    let again = sale.validate().expect_err("same seven violations");
    let mut a = pairs(&err);
    let mut b = pairs(&again);
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(a, b);
}

#[test]
fn rules_display_as_keyword_and_limit() {
    assert_eq!(Rule::MaxLength(100).to_string(), "maxLength 100");
    assert_eq!(Rule::MinLength(1).to_string(), "minLength 1");
    assert_eq!(Rule::Minimum(0.into()).to_string(), "minimum 0");
    assert_eq!(Rule::Format("email".into()).to_string(), "format email");
    assert_eq!(
        Rule::MaxStringifiedLength(10_000).to_string(),
        "x-max-stringified-length 10000"
    );
}

// ---------------------------------------------------------------------------------------------
// builder setters and serde shape
// ---------------------------------------------------------------------------------------------

#[test]
fn builder_sets_every_field() {
    let mut meta = Map::new();
    meta.insert("plan".into(), json!("pro"));
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .currency("eur")
        .event_name("Invoice paid")
        .payment_processor(PaymentProcessor::Stripe)
        .invoice_id("inv_42")
        .metadata(meta.clone())
        .lead_event_name("Signed up")
        .click_id("clk_1")
        .customer_name("Jane")
        .customer_email("jane@example.com")
        .customer_avatar("https://example.com/a.png")
        .build()
        .expect("valid");
    assert_eq!(sale.customer_external_id, "cus_123");
    assert_eq!(sale.amount, 1999);
    assert_eq!(sale.currency.as_deref(), Some("eur"));
    assert_eq!(sale.event_name.as_deref(), Some("Invoice paid"));
    assert_eq!(sale.payment_processor, Some(PaymentProcessor::Stripe));
    assert_eq!(sale.invoice_id.as_deref(), Some("inv_42"));
    assert_eq!(
        sale.metadata.map(|m| m.to_value()),
        Some(Value::Object(meta))
    );
    assert_eq!(sale.lead_event_name.as_deref(), Some("Signed up"));
    assert_eq!(sale.click_id.as_deref(), Some("clk_1"));
    assert_eq!(sale.customer_name.as_deref(), Some("Jane"));
    assert_eq!(sale.customer_email.as_deref(), Some("jane@example.com"));
    assert_eq!(
        sale.customer_avatar.as_deref(),
        Some("https://example.com/a.png")
    );
}

#[test]
fn set_methods_take_options() {
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_1")
        .amount(1)
        .invoice_id("inv_1")
        .set_invoice_id(None::<String>)
        .set_currency(Some("usd".to_string()))
        .set_payment_processor(Some(PaymentProcessor::Manual))
        .build()
        .expect("valid");
    assert_eq!(sale.invoice_id, None);
    assert_eq!(sale.currency.as_deref(), Some("usd"));
    assert_eq!(sale.payment_processor, Some(PaymentProcessor::Manual));
}

#[test]
fn unset_optional_fields_are_omitted_from_json() {
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .set_invoice_id(None::<String>)
        .build()
        .expect("valid");
    assert_eq!(
        serde_json::to_value(&sale).expect("serializes"),
        json!({"customerExternalId": "cus_123", "amount": 1999})
    );
}

#[test]
fn json_uses_camel_case_wire_names_and_round_trips() {
    let mut meta = Map::new();
    meta.insert("plan".into(), json!("pro"));
    let sale = TrackSaleRequest::builder()
        .customer_external_id("cus_123")
        .amount(1999)
        .currency("usd")
        .event_name("Purchase")
        .payment_processor(PaymentProcessor::Revenuecat)
        .invoice_id("inv_42")
        .metadata(meta)
        .lead_event_name("Lead")
        .click_id("clk")
        .customer_name("Jane")
        .customer_email("jane@example.com")
        .customer_avatar("https://example.com/a.png")
        .build()
        .expect("valid");
    let value = serde_json::to_value(&sale).expect("serializes");
    assert_eq!(
        value,
        json!({
            "customerExternalId": "cus_123",
            "amount": 1999,
            "currency": "usd",
            "eventName": "Purchase",
            "paymentProcessor": "revenuecat",
            "invoiceId": "inv_42",
            "metadata": {"plan": "pro"},
            "leadEventName": "Lead",
            "clickId": "clk",
            "customerName": "Jane",
            "customerEmail": "jane@example.com",
            "customerAvatar": "https://example.com/a.png",
        })
    );
    let back: TrackSaleRequest = serde_json::from_value(value).expect("deserializes");
    assert_eq!(back, sale);
}

#[test]
fn request_missing_a_required_field_does_not_deserialize() {
    let r: Result<TrackSaleRequest, _> = serde_json::from_value(json!({"amount": 5}));
    assert!(r.is_err(), "customerExternalId is required: {r:?}");
    let r: Result<TrackSaleRequest, _> =
        serde_json::from_value(json!({"customerExternalId": "cus_1"}));
    assert!(r.is_err(), "amount is required: {r:?}");
}

#[test]
fn validation_error_converts_into_sdk_error() {
    let err = TrackSaleRequest::builder()
        .amount(-3)
        .build()
        .expect_err("invalid");
    let sdk: codeqr::Error = err.clone().into();
    assert!(matches!(sdk, codeqr::Error::Validation(_)));
    assert_eq!(sdk.validation_error(), Some(&err));
    assert_eq!(sdk.to_string(), err.to_string());
    assert_eq!(sdk.status(), None);
}

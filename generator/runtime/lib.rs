//! The hand-written runtime of every SDK `codeqr-codegen` writes, as a crate of its own: built,
//! documented and unit-tested here, once, rather than inside each generated SDK.
//!
//! Generated crates vendor these modules (the generator copies each file with `include_str!`,
//! leaving its `#[cfg(test)]` module behind), so a standalone SDK needs crates.io only. This root
//! stands in for a generated crate's: the same module layout and re-exports, and the
//! `SDK_INFO` of an example API, which generated code would write from the spec.

// As on each runtime module of a generated crate (`module_item` in generator/src/emit/mod.rs):
// every API uses part of the runtime, and names some `pub` items only from generated code.
/// Credentials: the API's security schemes, and OAuth 2 client credentials.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod auth;
/// The client: configuration, authentication, HTTP, retries and error mapping.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod client;
/// The SDK's one error type, [`Error`], and the API error it carries.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
pub mod error;
/// [`JsonText`]: free-form JSON kept as its compact text, for values whose limit is on it.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod json_text;
/// How a generated struct is read from and written as a JSON object.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod object;
/// [`OrEmpty`]: a value, or the empty string in its place.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod or_empty;
/// Paginated lists: the page and item streams of a list operation's call.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod pagination;
/// How query, header and cookie parameters and form bodies are written.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod params;
/// Which failures are retried, and after how long.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod retry;
/// Bodies read as they arrive: byte streams and server-sent events.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod streams;
/// `string_enum!`: the one definition behind every string enum of the API.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
mod string_enum;
/// Request validation: every constraint of the spec, all violations reported at once.
#[allow(dead_code, unreachable_pub, unused_imports, unused_macros)]
pub mod validation;

pub use client::{Call, Client, ClientBuilder, FileUpload, Response, WithResponse};
pub use error::{ApiError, ApiErrorKind, Error, ErrorFormat, ProblemDetails};
/// The `http` crate, whose types (`HeaderMap`, `StatusCode`...) the SDK's responses and errors
/// carry.
pub use http;
pub use json_text::JsonText;
pub use or_empty::OrEmpty;
pub use pagination::{Items, PagedCall, Pages};
pub use streams::{ByteStream, Event, EventStream, StreamingCall};

/// What a generated crate's root says about its API; here, an example API's.
pub(crate) const SDK_INFO: client::SdkInfo = client::SdkInfo {
    default_base_url: "https://api.example.com",
    api_key_env: "EXAMPLE_API_KEY",
    base_url_env: "EXAMPLE_BASE_URL",
    user_agent: concat!("example-rust/", env!("CARGO_PKG_VERSION")),
    requires_credentials: true,
    request_id_headers: &["x-example-request-id"],
    security_schemes: &[
        auth::SecurityScheme {
            name: "bearer",
            method: "bearer",
            kind: auth::SchemeKind::Bearer,
        },
        auth::SecurityScheme {
            name: "basic",
            method: "basic",
            kind: auth::SchemeKind::Basic,
        },
        auth::SecurityScheme {
            name: "headerKey",
            method: "header_key",
            kind: auth::SchemeKind::ApiKeyHeader("X-Api-Key"),
        },
        auth::SecurityScheme {
            name: "queryKey",
            method: "query_key",
            kind: auth::SchemeKind::ApiKeyQuery("api_key"),
        },
        auth::SecurityScheme {
            name: "cookieKey",
            method: "cookie_key",
            kind: auth::SchemeKind::ApiKeyCookie("sid"),
        },
        auth::SecurityScheme {
            name: "sessionCookie",
            method: "session_cookie",
            kind: auth::SchemeKind::ApiKeyCookie("session"),
        },
        auth::SecurityScheme {
            name: "badHeader",
            method: "bad_header",
            kind: auth::SchemeKind::ApiKeyHeader("bad header"),
        },
        auth::SecurityScheme {
            name: "oauth",
            method: "oauth",
            kind: auth::SchemeKind::OAuth2 {
                token_url: Some("/oauth/token"),
            },
        },
    ],
};

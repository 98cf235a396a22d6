//! The SDK generated from Dub's full description (`../shared/specs/dub-openapi.json`), when it
//! is beside the project: real-world request schemas for `tests/tests/oracle.rs`.

#[cfg(dub_spec)]
include!(concat!(env!("OUT_DIR"), "/dub.rs"));

/// Where the SDK was generated from, if Dub's description was found.
#[cfg(dub_spec)]
pub const DUB_SPEC: Option<&str> = Some("../shared/specs/dub-openapi.json");

/// Paging through Dub's lists, as its users write it (compiled by `cargo test --doc`; the
/// behaviour is tested against a loopback server in `tests/pagination.rs`):
///
/// ```no_run
/// # async fn demo(
/// #     client: dub_sdk::Client,
/// #     params: dub_sdk::types::GetLinksParams,
/// # ) -> Result<(), dub_sdk::Error> {
/// use dub_sdk::types::LinkSchema;
/// use futures::TryStreamExt; // the streams are futures_core::Stream: any combinators work
///
/// // Dub's `getLinks`, which its description names `list` (`x-speakeasy-name-override`).
/// let links: Vec<LinkSchema> = client.links().list(params.clone()).items().try_collect().await?;
/// let mut pages = client.links().list(params).pages(); // each item: the operation's response type
/// while let Some(page) = pages.try_next().await? {
///     let _: Vec<LinkSchema> = page;
/// }
/// # let _ = links;
/// # Ok(())
/// # }
/// ```
#[cfg(dub_spec)]
pub mod paging {}

/// Every operation's JSON success response, and decoding a text as its type: for
/// `tests/responses.rs`, which feeds each the instances its schema allows.
#[cfg(dub_spec)]
#[doc(hidden)]
pub mod responses {
    include!(concat!(env!("OUT_DIR"), "/responses.rs"));
}

/// Dub's description was not found beside the project when this crate was built.
#[cfg(not(dub_spec))]
pub const DUB_SPEC: Option<&str> = None;

/// Decodes `text` as the JSON request body of `operation` (`createLink`, `createPartner`,
/// `trackLead`) and validates it, as the SDK would before sending: the oracle's verdict. `None`
/// when Dub's description was not there to generate from, or for another operation.
pub fn judge_body(operation: &str, text: &str) -> Option<Result<(), String>> {
    #[cfg(dub_spec)]
    {
        fn judge<T: serde::de::DeserializeOwned + crate::validation::Validate>(
            text: &str,
        ) -> Result<(), String> {
            let value: T = serde_json::from_str(text).map_err(|e| format!("decode: {e}"))?;
            crate::validation::Validate::validate(&value).map_err(|e| e.to_string())
        }
        match operation {
            "createLink" => Some(judge::<types::CreateLinkRequest>(text)),
            "createPartner" => Some(judge::<types::CreatePartnerRequest>(text)),
            "trackLead" => Some(judge::<types::TrackLeadRequest>(text)),
            _ => None,
        }
    }
    #[cfg(not(dub_spec))]
    {
        let _ = (operation, text);
        None
    }
}

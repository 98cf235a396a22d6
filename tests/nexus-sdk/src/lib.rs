//! The SDK generated from a sample of Oxide's Nexus description (`../shared/specs/oxide-nexus.json`,
//! beside the project: eight `x-dropshot-pagination` list operations, see `build.rs`), for the
//! pagination tests in `tests/pagination.rs`.

#[cfg(nexus_spec)]
include!(concat!(env!("OUT_DIR"), "/nexus.rs"));

/// Where the SDK was generated from, if Nexus' description was found.
#[cfg(nexus_spec)]
pub const NEXUS_SPEC: Option<&str> = Some("../shared/specs/oxide-nexus.json");

/// Nexus' description was not found beside the project when this crate was built.
#[cfg(not(nexus_spec))]
pub const NEXUS_SPEC: Option<&str> = None;

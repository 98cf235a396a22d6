//! The SDK generated from `tests/fixtures/collisions.yaml`: schemas named like the prelude and
//! like builders, fields and parameters named like generated locals and methods, tags named like
//! the client's methods, doc text that rustdoc and TOML must survive. Compiling it, clippy-clean,
//! is most of the test; `tests/tests/collisions.rs` checks that the names stayed apart.

include!(concat!(env!("OUT_DIR"), "/collisions.rs"));

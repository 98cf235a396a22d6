//! The SDK generated from `tests/fixtures/features.yaml`: allOf, oneOf, recursion, parameter
//! styles, headers and cookies, form, multipart and binary bodies, every security scheme.
//! Exercised by `tests/tests/features.rs`.

include!(concat!(env!("OUT_DIR"), "/features.rs"));

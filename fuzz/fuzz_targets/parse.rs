//! Fuzz target `parse`: see `tests/common/harness.rs` (`parse_text`).
#![no_main]

#[allow(dead_code, missing_docs)]
#[path = "../../tests/common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::harness::parse_text(data));

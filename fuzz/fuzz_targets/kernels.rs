//! Fuzz target `kernels`: see `tests/common/harness.rs` (`kernels`).
#![no_main]

#[allow(dead_code, missing_docs)]
#[path = "../../tests/common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::harness::kernels(data));

//! Fuzz target `jit_vs_interpreter`: see `tests/common/harness.rs` (`jit_vs_interpreter`).
#![no_main]

#[allow(dead_code, missing_docs)]
#[path = "../../tests/common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::harness::jit_vs_interpreter(data));

//! Replays every input the fuzzers found interesting (`tests/fuzz_regressions/TARGET/*`)
//! through the same harness the fuzz targets run, plus a seeded sample, so
//! `cargo test` checks what `cargo fuzz` found.

mod common;

use std::path::Path;

use common::harness;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut count = 0;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            run(&data);
            count += 1;
        }
    }
    // Seeded inputs exercise the harness itself.
    let mut rng = common::Rng::new(target.len() as u64);
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.below(256) as u8).collect();
        run(&bytes);
    }
    count
}

#[test]
fn parse_regressions() {
    replay("parse", harness::parse_text);
}

#[test]
fn jit_vs_interpreter_regressions() {
    replay("jit_vs_interpreter", harness::jit_vs_interpreter);
}

#[test]
fn kernel_regressions() {
    replay("kernels", harness::kernels);
}

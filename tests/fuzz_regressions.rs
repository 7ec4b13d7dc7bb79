//! Replays every input the fuzzers found interesting (`tests/fuzz_regressions/TARGET/*`,
//! corpora minimised by `cargo fuzz cmin`) through the same harness the fuzz
//! targets run, plus a seeded sample, so `cargo test` checks what `cargo fuzz`
//! found. A missing or short corpus folder is a failure, not a silent pass.

mod common;

use std::path::{Path, PathBuf};

use common::harness;

/// The fewest inputs each corpus may hold. Committed (cmin of 240 s runs):
/// parse 2,635, jit_vs_interpreter 2,128, kernels 1,787. Lower these only
/// when a corpus is re-minimised on purpose.
const MIN_PARSE: usize = 2_500;
const MIN_JIT_VS_INTERPRETER: usize = 2_000;
const MIN_KERNELS: usize = 1_700;

/// Runs every file in `tests/fuzz_regressions/<target>/` through `run` and
/// returns how many it replayed: all the folder's entries, at least `min`.
fn replay(target: &str, run: fn(&[u8]), min: usize) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the fuzz corpus {} is missing: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut replayed = 0;
    for path in &files {
        let data =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&data))) {
            eprintln!("fuzz input {} failed", path.display());
            std::panic::resume_unwind(panic);
        }
        replayed += 1;
    }
    let regular_files = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_type().unwrap().is_file())
        .count();
    assert_eq!(
        replayed,
        regular_files,
        "{}: replayed {replayed} inputs, the folder holds {regular_files} files",
        dir.display()
    );
    assert!(
        replayed >= min,
        "{}: replayed {replayed} inputs, at least {min} expected",
        dir.display()
    );
    eprintln!(
        "{target}: replayed {replayed} inputs from {}",
        dir.display()
    );
    // Seeded inputs exercise the harness itself.
    let mut rng = common::Rng::new(target.len() as u64);
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.below(256) as u8).collect();
        run(&bytes);
    }
    replayed
}

#[test]
fn parse_regressions() {
    replay("parse", harness::parse_text, MIN_PARSE);
}

#[test]
fn jit_vs_interpreter_regressions() {
    replay(
        "jit_vs_interpreter",
        harness::jit_vs_interpreter,
        MIN_JIT_VS_INTERPRETER,
    );
}

#[test]
fn kernel_regressions() {
    replay("kernels", harness::kernels, MIN_KERNELS);
}

//! exprjit against the crates a user would pick instead (fasteval, meval,
//! exmex, evalexpr), its own interpreter and hand-written Rust, side by side
//! in every story. Peers evaluate in a Rust loop on their fastest documented
//! path (see `benches/support/peers.rs`); variables change between
//! evaluations so nothing can be cached.
//!
//! `cargo bench --bench peers -- GROUP` runs one story: `compile`,
//! `scalar_call`, `map_cube`, `map_cos`, `map_seed`, `reduce`, `euler`,
//! `grid`, `parallel`, `expr_set`, and issue 16's `map_rational`, `map_j6`
//! and `exprtk` (ExprTk's benchmark expressions). `cargo run --release --example report`
//! runs a short version of all of them and writes `BENCHMARKS.md`.

mod support;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use support::exprset;
use support::stories::{self, Story};

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

const GROUPS: [&str; 13] = [
    "compile",
    "scalar_call",
    "map_cube",
    "map_cos",
    "map_seed",
    "map_rational",
    "map_j6",
    "exprtk",
    "reduce",
    "euler",
    "grid",
    "parallel",
    "expr_set",
];

/// Whether group `id` is wanted: when the command line names groups (`--
/// map_cube`, `-- map_cube/jit`), only those are built and checked;
/// otherwise every group is, and criterion's own filter decides.
fn selected(id: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| {
            let g = a.split('/').next().unwrap_or("").to_string();
            GROUPS.contains(&g.as_str()).then_some(g)
        })
        .collect();
    named.is_empty() || named.iter().any(|g| g == id)
}

/// Times every case of `stories` in one criterion group, `samples` each.
fn group(c: &mut Criterion, id: &str, stories: Vec<Story>, samples: usize) {
    let mut g = c.benchmark_group(id);
    g.sample_size(samples);
    for story in stories {
        for s in &story.skipped {
            eprintln!("{id}: {s}");
        }
        for n in &story.notes {
            eprintln!("{id}: note: {n}");
        }
        for mut case in story.cases {
            let got = (case.run)(true);
            if !support::exprset::agree(got, case.expect) {
                eprintln!(
                    "{id}: {} at {} gives {got:e}, hand-written Rust {:e}: not timed",
                    case.name, case.size, case.expect
                );
                continue;
            }
            g.throughput(Throughput::Elements(case.per as u64));
            g.bench_function(BenchmarkId::new(&case.name, &case.size), |b| {
                b.iter(|| (case.run)(false))
            });
        }
    }
    g.finish();
}

fn compile(c: &mut Criterion) {
    if !selected("compile") {
        return;
    }
    group(c, "compile", vec![stories::compile()], 30);
}

fn scalar_call(c: &mut Criterion) {
    if !selected("scalar_call") {
        return;
    }
    group(c, "scalar_call", vec![stories::scalar_call(1_000)], 30);
}

fn map_cube(c: &mut Criterion) {
    if !selected("map_cube") {
        return;
    }
    let s = vec![
        stories::map_cube(1_000, false),
        stories::map_cube(4_000, false),
        stories::map_cube(100_000, true),
        stories::map_cube(1_000_000, false),
    ];
    group(c, "map_cube", s, 20);
}

fn map_cos(c: &mut Criterion) {
    if !selected("map_cos") {
        return;
    }
    group(c, "map_cos", vec![stories::map_cos(1_000_000, 100_000)], 10);
}

fn map_seed(c: &mut Criterion) {
    if !selected("map_seed") {
        return;
    }
    let s = vec![
        stories::map_seed(100_000, true),
        stories::map_seed(1_000_000, false),
    ];
    group(c, "map_seed", s, 10);
}

fn map_rational(c: &mut Criterion) {
    if !selected("map_rational") {
        return;
    }
    let s = vec![
        stories::map_rational(4_000, false),
        stories::map_rational(100_000, true),
    ];
    group(c, "map_rational", s, 20);
}

fn map_j6(c: &mut Criterion) {
    if !selected("map_j6") {
        return;
    }
    group(c, "map_j6", vec![stories::map_j6(100_000, true)], 10);
}

fn exprtk(c: &mut Criterion) {
    if !selected("exprtk") {
        return;
    }
    // ExprTk's sweep on a step 60× its own: 301 × 301 points.
    group(
        c,
        "exprtk",
        vec![stories::exprtk(60.0 * stories::EXPRTK_DELTA)],
        10,
    );
}

fn reduce(c: &mut Criterion) {
    if !selected("reduce") {
        return;
    }
    group(c, "reduce", vec![stories::reduce(32, 300)], 20);
}

fn euler(c: &mut Criterion) {
    if !selected("euler") {
        return;
    }
    group(c, "euler", vec![stories::euler(1_000_000, 100_000)], 10);
}

fn grid(c: &mut Criterion) {
    if !selected("grid") {
        return;
    }
    group(c, "grid", vec![stories::grid(500, 500)], 10);
}

fn parallel(c: &mut Criterion) {
    if !selected("parallel") {
        return;
    }
    let s = vec![stories::parallel(1_000), stories::parallel(10_000_000)];
    group(c, "parallel", s, 10);
}

fn expr_set(c: &mut Criterion) {
    if !selected("expr_set") {
        return;
    }
    let checked = exprset::check();
    for f in &checked.failures {
        eprintln!(
            "expr_set: {} on `{}`: {} (not timed)",
            f.contender, checked.formulas[f.formula].text, f.why
        );
    }
    group(c, "expr_set", vec![exprset::story(&checked)], 20);
}

mod groups {
    #![allow(missing_docs)]
    criterion::criterion_group! {
        name = benches;
        config = super::config();
        targets = super::compile, super::scalar_call, super::map_cube, super::map_cos,
            super::map_seed, super::map_rational, super::map_j6, super::exprtk, super::reduce, super::euler, super::grid, super::parallel,
            super::expr_set
    }
}
criterion_main!(groups::benches);

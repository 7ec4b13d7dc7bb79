//! Compile latency: parse, passes (lowering and rewrites), code generation,
//! and parse-to-callable, for the seed formula and for generated formulas of
//! 1,000 to 10,000 nodes (to show growth is linear); and for the seed
//! formula, `compile_small/map`: a map kernel built and compiled for its
//! array layout (issue 16).
//!
//! `cargo bench --bench compile`

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_main};
use exprjit::unstable::{Registry, lower, optimize, parse_syntax};
use exprjit::{Engine, Input, Limits};

const SEED: &str = "y + h*y^2*cos(t+y)";
const SEED_ARGS: [&str; 3] = ["y", "t", "h"];

/// A sum of random terms with about `nodes` syntax-tree nodes in all.
fn large_formula(nodes: usize) -> String {
    let mut rng = common::Rng::new(nodes as u64);
    let mut terms = Vec::new();
    let mut count = 0;
    while count < nodes {
        let term = common::formula(&mut rng, 12);
        count += parse_syntax(&term, &Limits::default()).unwrap().nodes.len() + 1;
        terms.push(term);
    }
    terms.join(" + ")
}

fn stages(c: &mut Criterion, group: &str, text: &str, args: &[&str], samples: usize) {
    let limits = Limits::default();
    let registry = Registry::default();
    let engine = Engine::new();
    let mut g = c.benchmark_group(group);
    g.sample_size(samples);
    g.bench_function("parse", |b| {
        b.iter(|| parse_syntax(black_box(text), &limits).unwrap())
    });
    let ast = parse_syntax(text, &limits).unwrap();
    g.bench_function("passes", |b| {
        b.iter(|| optimize(&lower(black_box(&ast), &registry).unwrap()))
    });
    let expr = engine.parse(text).unwrap();
    g.bench_function("codegen", |b| {
        b.iter(|| black_box(&expr).compile(args).unwrap())
    });
    g.bench_function("parse_to_callable", |b| {
        b.iter(|| {
            engine
                .parse(black_box(text))
                .unwrap()
                .compile(args)
                .unwrap()
        })
    });
    g.finish();
}

fn small(c: &mut Criterion) {
    stages(c, "compile_small", SEED, &SEED_ARGS, 100);
    // Issue 16: the time until a map of the seed formula is ready to run,
    // for the layout y, t arrays and h a broadcast scalar (target: ≤ 300 µs
    // median). `Engine::map` parses and binds; `prepare` compiles the
    // kernel for that layout (a `run` would otherwise on its first call).
    let mut g = c.benchmark_group("compile_small");
    g.sample_size(100);
    let (y, t) = ([0.5], [0.1]);
    let layout = [
        Input::from(&y[..]),
        Input::from(&t[..]),
        Input::Scalar(0.001),
    ];
    g.bench_function("map", |b| {
        b.iter(|| {
            let k = Engine::new().map(&[black_box(SEED)], &SEED_ARGS).unwrap();
            k.prepare(&layout).unwrap();
            k
        })
    });
    g.finish();
}

fn large(c: &mut Criterion) {
    let text = large_formula(10_000);
    stages(c, "compile_10k", &text, &common::VARS, 10);

    let mut g = c.benchmark_group("compile_scaling");
    g.sample_size(10);
    let engine = Engine::new();
    for nodes in [1_000, 2_500, 5_000, 10_000] {
        let text = large_formula(nodes);
        g.bench_with_input(
            BenchmarkId::new("parse_to_callable", nodes),
            &text,
            |b, text| {
                b.iter(|| {
                    engine
                        .parse(black_box(text))
                        .unwrap()
                        .compile(&common::VARS)
                        .unwrap()
                })
            },
        );
    }
    g.finish();
}

mod groups {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::small, super::large);
}
criterion_main!(groups::benches);

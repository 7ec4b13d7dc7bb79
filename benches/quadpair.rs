//! The `quad` and `pairwise` stories (issue 14): exprjit's quadrature and
//! pairwise kernels against the same work hand-written in Rust (and the
//! interpreter twin). The Python peers (SciPy `quad` in a loop, NumPy's
//! vectorised Gauss–Legendre, SciPy `cdist`, scikit-learn) are in
//! `benches/python/quadpair_story.py`.
//!
//! `cargo bench --bench quadpair` (or `-- quad`, `-- pairwise`).

#[path = "support/quadpair.rs"]
mod quadpair;
mod support;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use support::stories::Story;

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10)
}

fn group(c: &mut Criterion, story: Story) {
    let id = story.id;
    let mut g = c.benchmark_group(id);
    for mut case in story.cases {
        let got = (case.run)(true);
        if !support::exprset::agree(got, case.expect) {
            eprintln!(
                "{id}: {} gives {got:e}, hand-written Rust {:e}: not timed",
                case.name, case.expect
            );
            continue;
        }
        g.throughput(Throughput::Elements(case.per as u64));
        g.bench_function(BenchmarkId::new(&case.name, &case.size), |b| {
            b.iter(|| (case.run)(false))
        });
    }
    g.finish();
}

fn stories(c: &mut Criterion) {
    group(c, quadpair::quad());
    group(c, quadpair::pairwise());
}

fn benches() {
    let mut c = config().configure_from_args();
    stories(&mut c);
}

criterion_main!(benches);

//! The `ode` stories (issue 13): exprjit's RK45 on Lorenz against the same
//! Dormand–Prince written by hand in Rust and against its interpreter
//! twin; an ensemble of 10,000 damped oscillators on 1 and 2 threads.
//! SciPy's `solve_ivp` on the same problem is `benches/python/ode_story.py`.
//!
//! `cargo bench --bench ode` (`-- ode/` or `-- ode_ensemble/` for one).

mod support;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use support::ode;
use support::stories::Story;

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

fn group(c: &mut Criterion, story: Story) {
    let mut g = c.benchmark_group(story.id);
    for mut case in story.cases {
        let got = (case.run)(true);
        if got != case.expect {
            eprintln!(
                "{}: {} takes {got} steps, hand-written Rust {}: not timed",
                story.id, case.name, case.expect
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

fn benches() {
    let mut c = config().configure_from_args();
    group(&mut c, ode::lorenz());
    group(&mut c, ode::ensemble(10_000));
    c.final_summary();
}

criterion_main!(benches);

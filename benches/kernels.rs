//! Kernels against the same work hand-written in Rust (release) and against
//! the reference interpreter, at several sizes.
//!
//! `cargo bench --bench kernels` (or `-- GROUP` for one story: `map_cube`,
//! `map_seed`, `parallel`, `reduce`, `euler`, `grid`, `scalar_call`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use exprjit::{Engine, Input, Keep, Parallel, RecurrenceSpec, Reduce};

fn linspace(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n)
        .map(|k| lo + (hi - lo) * k as f64 / n.max(2) as f64)
        .collect()
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(800))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

/// `out = x^3`: the NumPy `np.power(x, 3)` story.
fn map_cube(c: &mut Criterion) {
    let engine = Engine::new();
    let jit = engine
        .map(&["x^3"], &["x"])
        .unwrap()
        .with_parallel(Parallel::serial());
    let pow = Engine::new()
        .with_rewrites(false)
        .map(&["x^3"], &["x"])
        .unwrap()
        .with_parallel(Parallel::serial());
    let mut g = c.benchmark_group("map_cube");
    for n in [1_000, 100_000, 1_000_000] {
        let x = linspace(n, -2.0, 2.0);
        let mut out = vec![0.0; n];
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("jit", n), &n, |b, _| {
            b.iter(|| {
                jit.run(&[Input::from(black_box(&x))], &mut [&mut out])
                    .unwrap()
            })
        });
        g.bench_with_input(BenchmarkId::new("jit_pow_no_rewrite", n), &n, |b, _| {
            b.iter(|| {
                pow.run(&[Input::from(black_box(&x))], &mut [&mut out])
                    .unwrap()
            })
        });
        g.bench_with_input(BenchmarkId::new("rust_x_x_x", n), &n, |b, _| {
            b.iter(|| {
                for (o, &v) in out.iter_mut().zip(black_box(&x)) {
                    *o = v * v * v;
                }
            })
        });
        g.bench_with_input(BenchmarkId::new("rust_powf", n), &n, |b, _| {
            b.iter(|| {
                for (o, &v) in out.iter_mut().zip(black_box(&x)) {
                    *o = v.powf(3.0);
                }
            })
        });
        if n <= 100_000 {
            g.bench_with_input(BenchmarkId::new("interpreter", n), &n, |b, _| {
                b.iter(|| {
                    jit.run_reference(&[Input::from(black_box(&x))], &mut [&mut out])
                        .unwrap()
                })
            });
        }
    }
    g.finish();
}

const SEED: &str = "y + h*y^2*cos(t+y)";

fn seed_rust(y: &[f64], t: &[f64], h: f64, out: &mut [f64]) {
    for ((o, &y), &t) in out.iter_mut().zip(y).zip(t) {
        *o = y + h * y * y * (t + y).cos();
    }
}

/// The seed formula as a map: JIT, hand-written, interpreter.
fn map_seed(c: &mut Criterion) {
    let engine = Engine::new();
    let jit = engine
        .map(&[SEED], &["y", "t", "h"])
        .unwrap()
        .with_parallel(Parallel::serial());
    let mut g = c.benchmark_group("map_seed");
    for n in [1_000, 100_000] {
        let y = linspace(n, 0.5, 1.5);
        let t = linspace(n, 0.0, 10.0);
        let mut out = vec![0.0; n];
        let inputs = [Input::from(&y), Input::from(&t), Input::Scalar(0.001)];
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("jit", n), &n, |b, _| {
            b.iter(|| jit.run(black_box(&inputs), &mut [&mut out]).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("rust", n), &n, |b, _| {
            b.iter(|| seed_rust(black_box(&y), black_box(&t), black_box(0.001), &mut out))
        });
        g.bench_with_input(BenchmarkId::new("interpreter", n), &n, |b, _| {
            b.iter(|| {
                jit.run_reference(black_box(&inputs), &mut [&mut out])
                    .unwrap()
            })
        });
    }
    g.finish();
}

/// Serial against parallel: the large map scales, the small one must not slow down.
fn parallel(c: &mut Criterion) {
    let engine = Engine::new();
    let serial = engine
        .map(&[SEED], &["y", "t", "h"])
        .unwrap()
        .with_parallel(Parallel::serial());
    let auto = engine.map(&[SEED], &["y", "t", "h"]).unwrap();
    let mut g = c.benchmark_group("parallel");
    for n in [1_000, 10_000_000] {
        let y = linspace(n, 0.5, 1.5);
        let t = linspace(n, 0.0, 10.0);
        let mut out = vec![0.0; n];
        let inputs = [Input::from(&y), Input::from(&t), Input::Scalar(0.001)];
        g.throughput(Throughput::Elements(n as u64));
        if n > 1_000_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::new("serial", n), &n, |b, _| {
            b.iter(|| serial.run(black_box(&inputs), &mut [&mut out]).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("parallel_default", n), &n, |b, _| {
            b.iter(|| auto.run(black_box(&inputs), &mut [&mut out]).unwrap())
        });
    }
    g.finish();
}

/// `sum((a-b)^2)`: over 300-long rows (the pairwise-distance question) and 1e6.
fn reduce(c: &mut Criterion) {
    let engine = Engine::new();
    let jit = engine
        .reduce("(a-b)^2", &["a", "b"], Reduce::Sum)
        .unwrap()
        .with_parallel(Parallel::serial());
    let mut g = c.benchmark_group("reduce");
    for n in [300, 1_000_000] {
        let a = linspace(n, 0.0, 1.0);
        let b = linspace(n, 1.0, 0.0);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("jit", n), &n, |bench, _| {
            bench.iter(|| {
                jit.run(&[Input::from(black_box(&a)), Input::from(black_box(&b))])
                    .unwrap()
            })
        });
        g.bench_with_input(BenchmarkId::new("rust", n), &n, |bench, _| {
            bench.iter(|| {
                black_box(&a)
                    .iter()
                    .zip(black_box(&b))
                    .map(|(x, y)| (x - y) * (x - y))
                    .sum::<f64>()
            })
        });
        if n <= 1_000 {
            g.bench_with_input(BenchmarkId::new("interpreter", n), &n, |bench, _| {
                bench.iter(|| {
                    jit.run_reference(&[Input::from(black_box(&a)), Input::from(black_box(&b))])
                })
            });
        }
    }
    g.finish();
}

/// The Euler recurrence, 1e6 steps.
fn euler(c: &mut Criterion) {
    let rec = Engine::new()
        .recurrence(RecurrenceSpec {
            state: &["y"],
            update: &[SEED],
            define: &[("t", "i*h")],
            params: &["h"],
            ..Default::default()
        })
        .unwrap();
    let mut g = c.benchmark_group("euler");
    g.sample_size(15);
    let steps = 1_000_000;
    g.bench_function("jit_1e6", |b| {
        b.iter(|| {
            rec.run(black_box(&[1.0]), &[0.001], &[], steps, Keep::Last)
                .unwrap()
        })
    });
    g.bench_function("rust_1e6", |b| {
        b.iter(|| {
            let (mut y, h) = (black_box(1.0f64), black_box(0.001));
            for i in 0..steps {
                let t = i as f64 * h;
                y += h * y * y * (t + y).cos();
            }
            y
        })
    });
    g.bench_function("interpreter_1e5", |b| {
        b.iter(|| {
            rec.run_reference(black_box(&[1.0]), &[0.001], &[], steps / 10, Keep::Last)
                .unwrap()
        })
    });
    g.finish();
}

/// A 2-D grid without index arrays, serial and parallel.
fn grid(c: &mut Criterion) {
    let engine = Engine::new();
    let formula = "sin(i*h) * cos(j*h) + sqrt(i*i + j*j)";
    let serial = engine
        .grid(formula, 2, &["h"])
        .unwrap()
        .with_parallel(Parallel::serial());
    let auto = engine.grid(formula, 2, &["h"]).unwrap();
    let (rows, cols) = (1_000, 1_000);
    let mut out = vec![0.0; rows * cols];
    let mut g = c.benchmark_group("grid");
    g.sample_size(15);
    g.bench_function("jit_serial_1000x1000", |b| {
        b.iter(|| {
            serial
                .run2(rows, cols, black_box(&[0.01]), &mut out)
                .unwrap()
        })
    });
    g.bench_function("jit_parallel_1000x1000", |b| {
        b.iter(|| auto.run2(rows, cols, black_box(&[0.01]), &mut out).unwrap())
    });
    g.bench_function("rust_1000x1000", |b| {
        b.iter(|| {
            let h = black_box(0.01);
            for i in 0..rows {
                for j in 0..cols {
                    let (x, y) = (i as f64, j as f64);
                    out[i * cols + j] = (x * h).sin() * (y * h).cos() + (x * x + y * y).sqrt();
                }
            }
        })
    });
    g.finish();
}

/// The embedder's scalar path: `Compiled::call` once per point against a
/// map kernel over the same 1,000 points, for every inline function (and
/// `x^5`, `pow(x, 2.5)`), with `x + 1` as the cost of a call itself. Both
/// report time per element (issue 11: a call at most 2x the map's
/// element plus the call overhead; `examples/scalarspeed.rs` prints the
/// table).
fn scalar_call(c: &mut Criterion) {
    const POINTS: usize = 1_000;
    let spread = |lo: f64, hi: f64, phase: f64| -> Vec<f64> {
        (0..POINTS)
            .map(|i| lo + (hi - lo) * ((i as f64 * 0.618_033_988_749_894_9 + phase) % 1.0))
            .collect()
    };
    let y = spread(-5.0, 5.0, 0.5);
    let formulas: [(&str, f64, f64); 22] = [
        ("x + 1", 0.01, 10.0),
        ("x^5", 0.01, 10.0),
        ("pow(x, 2.5)", 0.01, 10.0),
        ("sin(x)", 0.0, 100.0),
        ("cos(x)", 0.0, 100.0),
        ("tan(x)", 0.0, 100.0),
        ("exp(x)", -20.0, 20.0),
        ("exp2(x)", -20.0, 20.0),
        ("expm1(x)", -20.0, 20.0),
        ("log(x)", 0.01, 10.0),
        ("log2(x)", 0.01, 10.0),
        ("log10(x)", 0.01, 10.0),
        ("log1p(x)", -0.9, 10.0),
        ("asin(x)", -0.999, 0.999),
        ("acos(x)", -0.999, 0.999),
        ("atan(x)", 0.0, 100.0),
        ("atan2(x, y)", 0.0, 100.0),
        ("sinh(x)", -20.0, 20.0),
        ("cosh(x)", -20.0, 20.0),
        ("tanh(x)", -20.0, 20.0),
        ("cbrt(x)", 0.01, 10.0),
        ("pow(x, y)", 0.01, 10.0),
    ];
    let mut g = c.benchmark_group("scalar_call");
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(POINTS as u64));
    let mut out = vec![0.0; POINTS];
    for (text, lo, hi) in formulas {
        let x = spread(lo, hi, 0.0);
        let vars: &[&str] = if text.contains('y') {
            &["x", "y"]
        } else {
            &["x"]
        };
        let compiled = Engine::new().parse(text).unwrap().compile(vars).unwrap();
        let kernel = Engine::new()
            .map(&[text], vars)
            .unwrap()
            .with_parallel(Parallel::serial());
        g.bench_with_input(BenchmarkId::new("call", text), &text, |b, _| {
            b.iter(|| {
                if vars.len() == 2 {
                    for ((o, &a), &b) in out.iter_mut().zip(black_box(&x)).zip(&y) {
                        *o = compiled.call(&[a, b]).unwrap();
                    }
                } else {
                    for (o, &a) in out.iter_mut().zip(black_box(&x)) {
                        *o = compiled.call(&[a]).unwrap();
                    }
                }
            })
        });
        if text != "x + 1" {
            let inputs = [Input::from(&x), Input::from(&y)];
            g.bench_with_input(BenchmarkId::new("map", text), &text, |b, _| {
                b.iter(|| {
                    kernel
                        .run(black_box(&inputs[..vars.len()]), &mut [&mut out])
                        .unwrap()
                })
            });
        }
    }
    g.finish();
}

mod groups {
    #![allow(missing_docs)]
    criterion::criterion_group! {
        name = benches;
        config = super::config();
        targets = super::map_cube, super::map_seed, super::parallel, super::reduce, super::euler, super::grid, super::scalar_call
    }
}
criterion_main!(groups::benches);

//! The embedder's scalar path against the kernels: for each inline function
//! (and `x^5`, `x^23`, `pow(x, 2.5)`), `Compiled::call` once per point (ns
//! per call) against a map kernel over the same 1,000 points (ns per
//! element), with `x + 1` as the call overhead. The three are timed in
//! turn, a batch of 200 passes over the points each, for 31 rounds, so that
//! all three see the same load on the machine; the medians are printed as
//! a markdown table with the issue-11 targets: a call costs at most twice
//! the function's map cost per element plus the call overhead, and `x^5`
//! and `pow(x, 2.5)` at most 30 ns.
//!
//! `cargo run --release --example scalarspeed [formulas…]` (a formula is
//! measured if it contains one of the words given).

use std::hint::black_box;
use std::time::Instant;

use exprjit::{Compiled, Engine, Input, Parallel};

/// Points per pass.
const POINTS: usize = 1_000;
/// Passes per timed batch.
const PASSES: usize = 200;
/// Timed rounds (a batch of each kind per round).
const ROUNDS: usize = 31;

/// The functions with an inline form (fast mode), with a typical range of
/// their first argument.
const INLINE: [(&str, f64, f64); 19] = [
    ("sin", 0.0, 100.0),
    ("cos", 0.0, 100.0),
    ("tan", 0.0, 100.0),
    ("exp", -20.0, 20.0),
    ("exp2", -20.0, 20.0),
    ("expm1", -20.0, 20.0),
    ("log", 0.01, 10.0),
    ("log2", 0.01, 10.0),
    ("log10", 0.01, 10.0),
    ("log1p", -0.9, 10.0),
    ("asin", -0.999, 0.999),
    ("acos", -0.999, 0.999),
    ("atan", 0.0, 100.0),
    ("atan2", 0.0, 100.0),
    ("sinh", -20.0, 20.0),
    ("cosh", -20.0, 20.0),
    ("tanh", -20.0, 20.0),
    ("cbrt", 0.01, 10.0),
    ("pow", 0.01, 10.0),
];

/// Formulas of `x` alone measured besides `f(x)` (and `f(x, y)`).
const EXTRA: [&str; 4] = ["x + 1", "x^5", "x^23", "pow(x, 2.5)"];

/// Nanoseconds per point of one batch (`PASSES` passes over the points).
fn batch(pass: &mut dyn FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..PASSES {
        pass();
    }
    t.elapsed().as_secs_f64() * 1e9 / (PASSES * POINTS) as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The points over `[lo, hi)` in a scrambled order (golden-ratio steps).
fn spread(lo: f64, hi: f64, phase: f64) -> Vec<f64> {
    (0..POINTS)
        .map(|i| lo + (hi - lo) * ((i as f64 * 0.618_033_988_749_894_9 + phase) % 1.0))
        .collect()
}

/// One pass of `compiled` over the points, into `out`.
fn call_pass(compiled: &Compiled, x: &[f64], y: &[f64], out: &mut [f64]) {
    if compiled.arity() == 2 {
        for ((o, &a), &b) in out.iter_mut().zip(black_box(x)).zip(y) {
            *o = compiled.call(&[a, b]).expect("two arguments");
        }
    } else {
        for (o, &a) in out.iter_mut().zip(black_box(x)) {
            *o = compiled.call(&[a]).expect("one argument");
        }
    }
}

/// Medians of `(map ns/element, scalar ns/call, x + 1 ns/call)` for `text`
/// over `x` (and `y` if it uses it): the three batches interleaved, round
/// after round, so that all three see the same load on the machine.
fn measure(text: &str, x: &[f64], y: &[f64]) -> exprjit::Result<(f64, f64, f64)> {
    let expr = Engine::new().parse(text)?;
    let vars: &[&str] = if expr.variables().contains(&"y") {
        &["x", "y"]
    } else {
        &["x"]
    };
    let kernel = Engine::new()
        .map(&[text], vars)?
        .with_parallel(Parallel::serial());
    let compiled = expr.compile(vars)?;
    let baseline = Engine::new().parse("x + 1")?.compile(&["x"])?;
    let mut out = vec![0.0; POINTS];
    let inputs: Vec<Input<'_>> = [x, y][..vars.len()]
        .iter()
        .map(|v| Input::Array(v))
        .collect();
    let mut map = || {
        kernel
            .run(black_box(&inputs), &mut [&mut out])
            .expect("lengths match")
    };
    let mut out = vec![0.0; POINTS];
    let mut scalar = || call_pass(&compiled, x, y, &mut out);
    let mut out1 = vec![0.0; POINTS];
    let mut plus_one = || call_pass(&baseline, x, y, &mut out1);
    let (mut m, mut s, mut o) = (vec![], vec![], vec![]);
    for round in 0..=ROUNDS {
        let times = (batch(&mut map), batch(&mut scalar), batch(&mut plus_one));
        if round > 0 {
            // Round 0 warms up.
            m.push(times.0);
            s.push(times.1);
            o.push(times.2);
        }
    }
    Ok((median(m), median(s), median(o)))
}

fn main() -> exprjit::Result<()> {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let y = spread(-5.0, 5.0, 0.5);
    let x_pow = spread(0.01, 10.0, 0.0);
    println!(
        "| formula | map (ns/element) | scalar call (ns) | `x + 1` call (ns) | call / map | limit (ns) | target |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | :---: |");
    let mut rows: Vec<(String, Vec<f64>)> = EXTRA
        .iter()
        .map(|t| (t.to_string(), x_pow.clone()))
        .collect();
    for (name, lo, hi) in INLINE {
        let text = if matches!(name, "atan2" | "pow") {
            format!("{name}(x, y)")
        } else {
            format!("{name}(x)")
        };
        rows.push((text, spread(lo, hi, 0.0)));
    }
    let mut failed = 0;
    for (text, x) in rows {
        if !wanted.is_empty() && !wanted.iter().any(|w| text.contains(w.as_str())) {
            continue;
        }
        let (map, scalar, overhead) = measure(&text, &x, &y)?;
        // The targets: at most twice the map cost plus the call
        // overhead, and 30 ns for `x^5` and `pow(x, 2.5)`.
        let mut limit = 2.0 * map + overhead;
        if matches!(text.as_str(), "x^5" | "pow(x, 2.5)") {
            limit = limit.min(30.0);
        }
        let (limit_text, verdict) = if text == "x + 1" {
            ("—".to_string(), "baseline")
        } else if scalar <= limit {
            (format!("{limit:.1}"), "pass")
        } else {
            failed += 1;
            (format!("{limit:.1}"), "FAIL")
        };
        println!(
            "| `{text}` | {map:.2} | {scalar:.2} | {overhead:.2} | {:.1}× | {limit_text} | {verdict} |",
            scalar / map
        );
    }
    println!("\n{failed} over target");
    Ok(())
}

//! The Euler recurrence `y <- y + h*y^2*cos(t+y)`, `t = i*h`, one million
//! steps from `y = 1` with `h = 0.001`: milliseconds per run and the last
//! value (numba and plain Python print 0.09364552406713246).
//!
//! `cargo run --release --example euler`

use std::time::Instant;

use exprjit::{Engine, Keep, RecurrenceSpec};

fn main() -> exprjit::Result<()> {
    let t = Instant::now();
    let euler = Engine::new().recurrence(RecurrenceSpec {
        state: &["y"],
        update: &["y + h*y^2*cos(t+y)"],
        define: &[("t", "i*h")],
        params: &["h"],
        ..Default::default()
    })?;
    println!("compiled in {:.1} µs", t.elapsed().as_secs_f64() * 1e6);
    let mut times = Vec::new();
    let mut last = 0.0;
    for _ in 0..11 {
        let t = Instant::now();
        last = euler
            .run(&[1.0], &[0.001], &[], 1_000_000, Keep::Last)?
            .last[0];
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!("1e6 steps: {:.2} ms (median of 11), y = {last:?}", times[5]);

    let mut rust = Vec::new();
    let mut y = 0.0;
    for _ in 0..11 {
        let t = Instant::now();
        let (mut v, h) = (std::hint::black_box(1.0f64), std::hint::black_box(0.001));
        for i in 0..1_000_000 {
            v += h * v * v * (i as f64 * h + v).cos();
        }
        y = v;
        rust.push(t.elapsed().as_secs_f64() * 1e3);
    }
    rust.sort_by(f64::total_cmp);
    println!("hand-written Rust: {:.2} ms, y = {y:?}", rust[5]);
    Ok(())
}

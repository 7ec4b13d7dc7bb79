//! 10,000 independent Euler recurrences (one per initial condition), run in
//! parallel; the result equals the serial run bit for bit.
//!
//! `cargo run --release --example ensemble`

use std::time::Instant;

use exprjit::{Engine, Parallel, RecurrenceSpec};

fn main() -> exprjit::Result<()> {
    let spec = RecurrenceSpec {
        state: &["y"],
        update: &["y + h*y^2*cos(t+y)"],
        define: &[("t", "i*h")],
        params: &["h"],
        ..Default::default()
    };
    let members = 10_000;
    let steps = 10_000;
    let initial: Vec<f64> = (0..members)
        .map(|m| 0.5 + m as f64 / members as f64)
        .collect();
    let h = vec![0.001; members];

    let serial = Engine::new()
        .recurrence(spec)?
        .with_parallel(Parallel::serial());
    let parallel = Engine::new().recurrence(spec)?;

    let t = Instant::now();
    let a = serial.run_ensemble(&initial, &h, &[], steps)?;
    let ts = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let b = parallel.run_ensemble(&initial, &h, &[], steps)?;
    let tp = t.elapsed().as_secs_f64();
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    println!(
        "{members} members × {steps} steps: serial {:.1} ms, parallel {:.1} ms ({:.2}x), identical results",
        ts * 1e3,
        tp * 1e3,
        ts / tp
    );
    println!(
        "y after {steps} steps from y0 = 0.5, 1.0, 1.4999: {:?}, {:?}, {:?}",
        a[0], a[5_000], a[9_999]
    );
    Ok(())
}

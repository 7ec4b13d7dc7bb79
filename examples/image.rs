//! The per-pixel loop of the parallelisation tutorial as a grid: for each
//! pixel `(x, y)`, add `x` 1000×100 times and `y` 1000 times, as floats.
//! Pixel coordinates are integers, so every partial sum is an integer below
//! 2^53 and exact: the loop's result is exactly `100000*x + 1000*y`, which
//! exprjit computes over the image with no index arrays, serial and parallel.
//!
//! `cargo run --release --example image`

use std::time::Instant;

use exprjit::{Engine, Parallel};

/// The tutorial's loop, literally.
fn pixel(x: usize, y: usize) -> f64 {
    let mut v = 0.0f64;
    for _ in 0..1000 {
        for _ in 0..100 {
            v += x as f64;
        }
    }
    for _ in 0..1000 {
        v += y as f64;
    }
    v
}

fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..9)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[4]
}

fn main() -> exprjit::Result<()> {
    let (rows, cols) = (2_000, 3_000);
    let engine = Engine::new();
    let serial = engine
        .grid("100000*i + 1000*j", 2, &[])?
        .with_parallel(Parallel::serial());
    let parallel = engine.grid("100000*i + 1000*j", 2, &[])?;
    let mut image = vec![0.0; rows * cols];

    // Check the closed form against the literal loop on a corner of the image.
    serial.run2(rows, cols, &[], &mut image)?;
    for x in (0..rows).step_by(97) {
        for y in (0..cols).step_by(89) {
            assert_eq!(image[x * cols + y], pixel(x, y), "pixel ({x}, {y})");
        }
    }
    let t = Instant::now();
    std::hint::black_box(pixel(
        std::hint::black_box(rows - 1),
        std::hint::black_box(cols - 1),
    ));
    let loop_ns = t.elapsed().as_secs_f64() * 1e9;

    let s = median_ms(|| serial.run2(rows, cols, &[], &mut image).unwrap());
    let p = median_ms(|| parallel.run2(rows, cols, &[], &mut image).unwrap());
    println!(
        "{rows}x{cols} image: serial {s:.2} ms, parallel {p:.2} ms ({:.2}x)",
        s / p
    );
    println!(
        "the literal per-pixel loop takes {:.0} µs a pixel ({:.0} s for the whole image)",
        loop_ns / 1e3,
        loop_ns * (rows * cols) as f64 / 1e9
    );
    Ok(())
}

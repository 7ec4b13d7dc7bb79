//! The long accuracy run: every library function's inline form (`fast`) and
//! the C library's (`libm`) against a high-precision reference, on N inputs
//! per function, printed as a markdown table.
//!
//! ```text
//! cargo run --release --example accuracy -- 10000000          # all functions
//! cargo run --release --example accuracy -- 1000000 sin pow   # a few
//! ```
//!
//! The inputs are the same seeded sequence `tests/accuracy.rs` draws (the
//! test runs the first 100,000 of them), so a run with a larger N extends
//! the test's. The harness lives in `tests/accuracy/harness.rs`.

#[path = "../tests/accuracy/harness.rs"]
mod harness;

use std::time::Instant;

use exprjit::unstable::MathFn;

use harness::{Row, Stats, details, markdown, measure, reference};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = match args.next() {
        Some(a) => match a.replace('_', "").parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("usage: accuracy [N per function] [function names…]");
                std::process::exit(2);
            }
        },
        None => 1_000_000,
    };
    let names: Vec<String> = args.collect();
    for name in &names {
        if !MathFn::ALL.iter().any(|f| f.name() == name) {
            eprintln!("unknown function `{name}`");
            std::process::exit(2);
        }
    }
    let chosen: Vec<MathFn> = MathFn::ALL
        .into_iter()
        .filter(|f| names.is_empty() || names.iter().any(|n| n == f.name()))
        .filter(|&f| reference(f, [1.0, 1.0]).is_some())
        .collect();
    eprintln!(
        "{n} inputs per function, {} functions, {} threads",
        chosen.len(),
        rayon::current_num_threads()
    );
    let start = Instant::now();
    let mut rows: Vec<Row> = Vec::new();
    for f in chosen {
        let fast = f.fast_fn();
        let impls = match fast {
            Some(g) => vec![g, f.ptr()],
            None => vec![f.ptr()],
        };
        let mut row = measure(f, n, &impls).expect("a reference");
        if fast.is_none() {
            row.stats.insert(0, Stats::default());
        }
        eprintln!(
            "{:>6}: fast {:>8} libm {:>8}  ({:.1} s, {:.1} µs per input)",
            f.name(),
            harness::show_ulp(row.stats[0].max),
            harness::show_ulp(row.stats[1].max),
            row.secs,
            row.secs * 1e6 / n as f64
        );
        rows.push(row);
    }
    let labels = ["fast", "libm"];
    println!(
        "Accuracy in ulps against a {}-bit reference (astro-float), {n} inputs per function \
         (special values first, then seeded draws from each listed domain); `–`: no inline form.\n",
        harness::PREC
    );
    println!("{}", markdown(&rows, &labels));
    println!("Worst cases:\n\n```text\n{}```", details(&rows, &labels));
    eprintln!("total {:.1} s", start.elapsed().as_secs_f64());
}

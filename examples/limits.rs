//! Time (and resident memory) to parse and compile adversarial formulas, or
//! to refuse them: the figures SECURITY.md quotes.
//!
//! `cargo run --release --example limits`

use std::time::Instant;

use exprjit::Engine;

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn case(name: &str, text: &str) {
    let engine = Engine::new();
    let t = Instant::now();
    let outcome = match engine.parse(text) {
        Ok(expr) => {
            let vars = expr.variables();
            match expr.compile(&vars) {
                Ok(_) => format!(
                    "compiled ({} IR nodes)",
                    exprjit::unstable::program(&expr).len()
                ),
                Err(e) => format!("refused: {}", e.message()),
            }
        }
        Err(e) => format!("refused: {}", e.message()),
    };
    println!(
        "{name:<44} {:>9.2} ms  peak RSS {:>6.1} MiB  {outcome}",
        t.elapsed().as_secs_f64() * 1e3,
        rss_mib()
    );
}

fn main() {
    let deep =
        |open: &str, close: &str| format!("{}x{}", open.repeat(100_000), close.repeat(100_000));
    case("100,000-deep parentheses", &deep("(", ")"));
    case(
        "100,000 unary minuses",
        &format!("{}x", "-".repeat(100_000)),
    );
    case(
        "2^2^…^2, 100,000 high",
        &format!("2{}", "^2".repeat(100_000)),
    );
    case("x^1000000000", "x^1000000000");
    case(
        "1 MiB + 1 byte: x+x+…",
        &format!("{}x", "x+".repeat(1 << 19)),
    );
    case(
        "1 MiB - 1 byte: x+x+… (524,288 terms)",
        &format!("{}x", "x+".repeat((1 << 19) - 1)),
    );
    case("1 MB literal", &"1".repeat(1 << 20));
    case(
        "10,000 distinct variables",
        &(0..10_000)
            .map(|k| format!("v{k}"))
            .collect::<Vec<_>>()
            .join("+"),
    );
    case(
        "50,000 nodes, heavy sharing",
        &vec!["sin(x)*cos(x)"; 10_000].join("+"),
    );
    case(
        "50,000-term sum (99,999 nodes, at the limit)",
        &vec!["x"; 50_000].join("+"),
    );
    case("NUL and unicode", "x\0 + 𝑥");
}

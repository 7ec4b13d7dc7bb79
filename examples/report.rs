//! The benchmark report (issue 6): a short version of every story of
//! `benches/peers.rs` — the same contenders and data, timed by a loop of its
//! own (many runs; minimum and median) — plus the expression-set
//! cross-check, and, when `python3` can import numpy, the rows of
//! `benches/python/bench.py`. Writes `BENCHMARKS.md` and
//! `docs/benchmarks.svg` at the repository root; takes a few minutes.
//!
//! `cargo run --release --example report` (`-- --quick` for a smoke run
//! with tiny time budgets; `-- --no-python` to leave Python out;
//! `-- --stories map_cos,exprtk` to time only those stories and print the
//! report to standard output, leaving BENCHMARKS.md alone, e.g. issue 16's
//! `--stories compile,map_cube,map_cos,map_seed,map_rational,map_j6,grid,exprtk`).

#[path = "../benches/support/quadpair.rs"]
mod quadpair;
#[path = "../benches/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use support::exprset::{self, Checked, agree};
use support::peers::PEERS;
use support::stories::{self, Kind, Story};

/// One measured (or refused) row of a table.
struct Row {
    name: String,
    kind: Kind,
    size: String,
    per: f64,
    /// Median and minimum seconds per run; `None` when not timed.
    times: Option<(f64, f64)>,
    runs: usize,
    /// Why it was not timed.
    note: Option<String>,
}

impl Row {
    fn unit_median(&self) -> Option<f64> {
        self.times.map(|(m, _)| m / self.per)
    }
}

/// A story's results.
struct Table {
    id: &'static str,
    title: String,
    unit: &'static str,
    baseline: &'static str,
    rows: Vec<Row>,
    skipped: Vec<String>,
    /// Facts the story measured while being built.
    notes: Vec<String>,
    /// The checksum hand-written Rust gives, per size.
    expects: Vec<(String, f64)>,
}

impl Table {
    fn row(&self, name: &str, size: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.name == name && r.size == size && r.times.is_some())
    }

    /// Per-unit median of the baseline at `size` (or at any size).
    fn baseline_unit(&self, size: &str) -> Option<f64> {
        self.row(self.baseline, size)
            .or_else(|| {
                self.rows
                    .iter()
                    .find(|r| r.name == self.baseline && r.times.is_some())
            })
            .and_then(Row::unit_median)
    }

    fn ratio(&self, r: &Row) -> Option<f64> {
        Some(r.unit_median()? / self.baseline_unit(&r.size)?)
    }
}

/// Times `run` for about `budget`: one warm-up, then at least 5 runs.
fn measure(run: &mut dyn FnMut(bool) -> f64, budget: Duration) -> (f64, f64, usize) {
    std::hint::black_box(run(false));
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < budget && times.len() < 5_000) {
        let t = Instant::now();
        std::hint::black_box(run(false));
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0], times.len())
}

fn time_story(story: Story, budget: Duration) -> Table {
    eprint!("{}:", story.id);
    let mut rows = Vec::new();
    let mut expects: Vec<(String, f64)> = Vec::new();
    for mut case in story.cases {
        if !expects.iter().any(|(s, _)| *s == case.size) {
            expects.push((case.size.clone(), case.expect));
        }
        let got = (case.run)(true);
        let (times, runs, note) = if agree(got, case.expect) {
            let (m, min, runs) = measure(&mut case.run, budget);
            (Some((m, min)), runs, None)
        } else {
            let why = format!(
                "answer differs: checksum {got:.17e}, hand-written Rust {:.17e}",
                case.expect
            );
            (None, 0, Some(why))
        };
        eprint!(" {}", case.name);
        rows.push(Row {
            name: case.name,
            kind: case.kind,
            size: case.size,
            per: case.per,
            times,
            runs,
            note,
        });
    }
    eprintln!();
    Table {
        id: story.id,
        title: story.title,
        unit: story.unit,
        baseline: story.baseline,
        rows,
        skipped: story.skipped,
        notes: story.notes,
        expects,
    }
}

fn merge(mut a: Story, b: Story) -> Story {
    a.cases.extend(b.cases);
    for s in b.skipped {
        if !a.skipped.contains(&s) {
            a.skipped.push(s);
        }
    }
    a.notes.extend(b.notes);
    a
}

/// `1.23 ms`, three significant digits.
fn human(s: f64) -> String {
    let (v, u) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    let d = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.d$} {u}")
}

fn ratio_text(r: f64) -> String {
    if r < 0.01 {
        format!("{r:.4}×")
    } else if r < 0.1 {
        format!("{r:.3}×")
    } else if r >= 100.0 {
        format!("{r:.0}×")
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}

fn first_line(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines().next().map(|l| l.trim().to_string())
}

/// The CPU model from /proc/cpuinfo, with the vector extensions that
/// matter here.
fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    };
    let model = field("model name").unwrap_or_else(|| "unknown".to_string());
    let flags = field("flags").unwrap_or_default();
    let have: Vec<&str> = ["sse4_2", "avx", "avx2", "fma", "avx512f"]
        .into_iter()
        .filter(|f| flags.split_whitespace().any(|g| g == *f))
        .collect();
    if have.is_empty() {
        model
    } else {
        format!("{model} ({})", have.join(", "))
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Resolved versions from Cargo.lock.
fn locked(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let text = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let mut name = None;
    for l in text.lines() {
        if let Some(n) = l.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (l.strip_prefix("version = "), name.take()) {
            out.insert(n, v.trim_matches('"').to_string());
        }
    }
    out
}

/// Python rows: the story, the row, the checksum.
type PyRows = Vec<(String, Row, f64)>;

/// Rows from `benches/python/bench.py` and its comment lines, or why there
/// are none.
fn python(root: &Path, quick: bool) -> Result<(PyRows, Vec<String>), String> {
    let script = root.join("benches/python/bench.py");
    let probe = Command::new("python3")
        .args(["-c", "import numpy"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match probe {
        Ok(s) if s.success() => {}
        Ok(_) => return Err("python3 has no numpy".to_string()),
        Err(_) => return Err("no python3".to_string()),
    }
    let mut cmd = Command::new("python3");
    cmd.arg(&script);
    if quick {
        cmd.arg("--quick");
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    // At most 3 minutes; a stuck script is killed, not waited for.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("bench.py ran over 3 minutes and was stopped".to_string());
            }
        }
    }
    let mut text = String::new();
    if let Some(mut out) = child.stdout.take() {
        use std::io::Read as _;
        let _ = out.read_to_string(&mut text);
    }
    let mut rows = Vec::new();
    let mut comments = Vec::new();
    for l in text.lines() {
        if let Some(c) = l.strip_prefix('#') {
            comments.push(c.trim().to_string());
            continue;
        }
        let f: Vec<&str> = l.split('\t').collect();
        if f.len() != 7 {
            continue;
        }
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        rows.push((
            f[0].to_string(),
            Row {
                name: f[1].to_string(),
                kind: Kind::Python,
                size: f[2].to_string(),
                per: num(f[3]),
                times: Some((num(f[4]), num(f[5]))),
                runs: 0,
                note: None,
            },
            num(f[6]),
        ));
    }
    Ok((rows, comments))
}

/// One target of issues 3 and 4.
struct Target {
    issue: u32,
    what: &'static str,
    measured: Option<f64>,
    how: String,
    want: &'static str,
    met: fn(f64) -> bool,
}

fn targets(tables: &[Table]) -> Vec<Target> {
    let t = |id: &str| tables.iter().find(|t| t.id == id);
    let unit = |id: &str, name: &str, size: &str| t(id)?.row(name, size)?.unit_median();
    let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
    vec![
        Target {
            issue: 3,
            what: "map `x^3` at N = 1e5 within 1.2× of the hand-written loop",
            measured: ratio(
                unit("map_cube", "jit", "1e5"),
                unit("map_cube", "rust", "1e5"),
            ),
            how: "jit time / rust (`x*x*x`) time".to_string(),
            want: "≤ 1.2×",
            met: |r| r <= 1.2,
        },
        Target {
            issue: 3,
            what: "Euler 1e6 steps within 1.2× of hand-written Rust with the same `cos`",
            measured: ratio(
                unit("euler", "jit_libm", "1e6"),
                unit("euler", "rust", "1e6"),
            ),
            how: "jit_libm (glibc `cos`, as `f64::cos`) time / rust time".to_string(),
            want: "≤ 1.2×",
            met: |r| r <= 1.2,
        },
        Target {
            issue: 3,
            what: "parallel map of the seed formula at N = 1e7 ≥ 1.8× faster than serial",
            measured: ratio(
                unit("parallel", "jit_serial", "1e7"),
                unit("parallel", "jit_default", "1e7"),
            ),
            how: "jit_serial time / jit_default (2 threads) time".to_string(),
            want: "≥ 1.8×",
            met: |r| r >= 1.8,
        },
        Target {
            issue: 3,
            what: "parallel at N = 1,000 no slower than serial (within 5%)",
            measured: ratio(
                unit("parallel", "jit_default", "1e3"),
                unit("parallel", "jit_serial", "1e3"),
            ),
            how: "jit_default time / jit_serial time".to_string(),
            want: "≤ 1.05×",
            met: |r| r <= 1.05,
        },
        Target {
            issue: 3,
            what: "map ≥ 30× faster per element than the interpreter on the seed formula",
            measured: ratio(
                unit("map_seed", "interpreter", "1e5"),
                unit("map_seed", "jit", "1e5"),
            ),
            how: "interpreter time / jit time, N = 1e5".to_string(),
            want: "≥ 30×",
            met: |r| r >= 30.0,
        },
        Target {
            issue: 4,
            what: "map `cos(x)` over N = 1e6 ≥ 4× faster than a Rust loop calling `f64::cos`",
            measured: ratio(
                unit("map_cos", "rust", "1e6"),
                unit("map_cos", "jit", "1e6"),
            ),
            how: "rust time / jit (fast math) time".to_string(),
            want: "≥ 4×",
            met: |r| r >= 4.0,
        },
        Target {
            issue: 4,
            what: "map of `y + h*y^2*cos(t+y)` ≥ 3× faster than hand-written Rust with `f64::cos`",
            measured: ratio(
                unit("map_seed", "rust", "1e6"),
                unit("map_seed", "jit", "1e6"),
            ),
            how: "rust time / jit (fast math) time, N = 1e6".to_string(),
            want: "≥ 3×",
            met: |r| r >= 3.0,
        },
        Target {
            issue: 4,
            what: "the Euler recurrence faster with `fast` math than with `libm`",
            measured: ratio(
                unit("euler", "jit_libm", "1e6"),
                unit("euler", "jit", "1e6"),
            ),
            how: "jit_libm time / jit (fast) time, 1e6 steps".to_string(),
            want: "> 1×",
            met: |r| r > 1.0,
        },
        Target {
            issue: 14,
            what: "30,000 Gauss–Legendre-10 integrals ≥ 5× faster than NumPy's vectorised rule",
            measured: ratio(
                unit("quad", "numpy_gauss_legendre10", "30000"),
                unit("quad", "jit_gauss_legendre10_into", "30000"),
            ),
            how: "numpy time / jit (run_into, 1 thread) time".to_string(),
            want: "≥ 5×",
            met: |r| r >= 5.0,
        },
        Target {
            issue: 14,
            what: "adaptive quadrature ≥ 100× faster per integral than a Python loop of scipy `quad`",
            measured: ratio(
                unit("quad", "scipy_quad_loop", "3000"),
                unit("quad", "jit_adaptive", "30000"),
            ),
            how: "scipy quad per integral / jit adaptive per integral (same tolerance)".to_string(),
            want: "≥ 100×",
            met: |r| r >= 100.0,
        },
        Target {
            issue: 14,
            what: "pairwise squared Euclidean 2000×2000×300, one thread, ≥ 1.5× faster than `cdist`",
            measured: ratio(
                unit("pairwise", "scipy_cdist_sqeuclidean", "2000x300"),
                unit("pairwise", "jit_triangle_1thread", "2000x300"),
            ),
            how: "cdist time / jit (triangle, 1 thread) time".to_string(),
            want: "≥ 1.5×",
            met: |r| r >= 1.5,
        },
        Target {
            issue: 14,
            what: "pairwise on two threads within 3× of scikit-learn's time (while exact)",
            measured: ratio(
                unit("pairwise", "jit_triangle_2threads", "2000x300"),
                unit("pairwise", "sklearn_euclidean_squared", "2000x300"),
            ),
            how: "jit (triangle, 2 threads) time / scikit-learn time".to_string(),
            want: "≤ 3×",
            met: |r| r <= 3.0,
        },
        Target {
            issue: 13,
            what: "RK45 on Lorenz [0, 20] (rtol 1e-9, atol 1e-12) within 1.3× of a hand-written Rust Dormand–Prince",
            measured: ratio(unit("ode", "jit", "lorenz"), unit("ode", "rust", "lorenz")),
            how: "jit time / rust (`dp5_rust`) time".to_string(),
            want: "≤ 1.3×",
            met: |r| r <= 1.3,
        },
        Target {
            issue: 13,
            what: "that Lorenz solve ≥ 200× faster than SciPy's `solve_ivp` RK45",
            measured: ratio(
                unit("ode", "scipy_solve_ivp", "lorenz"),
                unit("ode", "jit", "lorenz"),
            ),
            how: "scipy_solve_ivp time / jit time".to_string(),
            want: "≥ 200×",
            met: |r| r >= 200.0,
        },
        Target {
            issue: 16,
            what: "`cos` map at N = 1e5 ≥ 2.5× faster than today's default (f64x2)",
            measured: ratio(
                unit("map_cos", "jit_f64x2", "1e5"),
                unit("map_cos", "jit", "1e5"),
            ),
            how: "jit_f64x2 time / jit (auto width) time".to_string(),
            want: "≥ 2.5×",
            met: |r| r >= 2.5,
        },
        Target {
            issue: 16,
            what: "seed formula map at N = 1e5 ≥ 2× faster than today's default",
            measured: ratio(
                unit("map_seed", "jit_f64x2", "1e5"),
                unit("map_seed", "jit", "1e5"),
            ),
            how: "jit_f64x2 time / jit time".to_string(),
            want: "≥ 2×",
            met: |r| r >= 2.0,
        },
        Target {
            issue: 16,
            what: "j6 Bessel formula map at N = 1e5 ≥ 2× faster than today's default",
            measured: ratio(
                unit("map_j6", "jit_f64x2", "1e5"),
                unit("map_j6", "jit", "1e5"),
            ),
            how: "jit_f64x2 time / jit time".to_string(),
            want: "≥ 2×",
            met: |r| r >= 2.0,
        },
        Target {
            issue: 16,
            what: "rational formula map at N = 4,000 within 1.5× of `rust_native`",
            measured: ratio(
                unit("map_rational", "jit", "4000"),
                unit("map_rational", "rust_native", "4000"),
            ),
            how: "jit time / rust_native time".to_string(),
            want: "≤ 1.5×",
            met: |r| r <= 1.5,
        },
        Target {
            issue: 16,
            what: "`x^3` map at N = 4,000 within 1.2× of `rust_native`",
            measured: ratio(
                unit("map_cube", "jit", "4000"),
                unit("map_cube", "rust_native", "4000"),
            ),
            how: "jit time / rust_native time".to_string(),
            want: "≤ 1.2×",
            met: |r| r <= 1.2,
        },
        Target {
            issue: 16,
            what: "`cos` map at N = 1e5 with the width forced to `avx2` ≥ 1.5× faster than today",
            measured: ratio(
                unit("map_cos", "jit_f64x2", "1e5"),
                unit("map_cos", "jit_avx2", "1e5"),
            ),
            how: "jit_f64x2 time / jit_avx2 time".to_string(),
            want: "≥ 1.5×",
            met: |r| r >= 1.5,
        },
        Target {
            issue: 16,
            what: "a map of the seed formula compiles in ≤ 300 µs (the target is `cargo bench --bench compile`'s `compile_small/map` median; this is the report's proxy)",
            measured: t("compile")
                .and_then(|t| t.row("jit_map", "small"))
                .and_then(Row::unit_median)
                .map(|s| s / 300e-6),
            how:
                "compile story, jit_map (small: build, compile, one run on 1 point) median / 300 µs"
                    .to_string(),
            want: "≤ 1×",
            met: |r| r <= 1.0,
        },
        Target {
            issue: 13,
            what: "10,000-member ODE ensemble on 2 threads ≥ 1.8× faster than on 1",
            measured: ratio(
                unit("ode_ensemble", "jit_serial", "10000"),
                unit("ode_ensemble", "jit_2_threads", "10000"),
            ),
            how: "jit_serial time / jit_2_threads time".to_string(),
            want: "≥ 1.8×",
            met: |r| r >= 1.8,
        },
    ]
}

fn colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Jit => "#2a9d4b",
        Kind::Interp => "#e07b00",
        Kind::Rust => "#666666",
        Kind::Peer => "#3366cc",
        Kind::Python => "#8e44ad",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A horizontal bar per row: time per unit as a multiple of the story's
/// baseline, on a logarithmic axis.
fn svg(tables: &[Table]) -> String {
    let mut bars: Vec<(Option<String>, String, Kind, f64)> = Vec::new();
    // ExprTk's 17 expressions × 9 contenders would swamp the plot; its
    // one-row-per-expression table is in BENCHMARKS.md.
    for t in tables.iter().filter(|t| t.id != "exprtk") {
        bars.push((
            Some(format!("{} (× {})", t.id, t.baseline)),
            String::new(),
            Kind::Rust,
            f64::NAN,
        ));
        for r in &t.rows {
            if let Some(q) = t.ratio(r) {
                bars.push((None, format!("{} {}", r.name, r.size), r.kind, q));
            }
        }
    }
    let finite = bars
        .iter()
        .map(|b| b.3)
        .filter(|v| v.is_finite() && *v > 0.0);
    let lo = finite.clone().fold(1.0f64, f64::min).log10().floor() as i32;
    let hi = finite.fold(1.0f64, f64::max).log10().ceil().max(1.0) as i32;
    let (left, width, row_h, top) = (190.0, 560.0, 14.0, 62.0);
    let height = top + bars.len() as f64 * row_h + 40.0;
    let x = |v: f64| left + width * (v.log10() - lo as f64) / (hi - lo).max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{height:.0}" font-family="sans-serif" font-size="11">"#,
        left + width + 30.0
    );
    let _ = writeln!(
        s,
        r#"<rect width="100%" height="100%" fill="white"/><text x="10" y="18" font-size="14" font-weight="bold">exprjit benchmarks (BENCHMARKS.md)</text><text x="10" y="32">time per unit of work as a multiple of the story's baseline, log scale: left of 1× is faster</text>"#
    );
    let legend = [
        (Kind::Jit, "exprjit JIT"),
        (Kind::Interp, "exprjit interpreter"),
        (Kind::Rust, "hand-written Rust"),
        (Kind::Peer, "peer crates"),
        (Kind::Python, "numpy / numexpr / numba"),
    ];
    for (k, (kind, text)) in legend.iter().enumerate() {
        let lx = 10.0 + k as f64 * 150.0;
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="40" width="10" height="10" fill="{}"/><text x="{}" y="49">{text}</text>"#,
            colour(*kind),
            lx + 14.0
        );
    }
    let bottom = top + bars.len() as f64 * row_h;
    for e in lo..=hi {
        let gx = x(10f64.powi(e));
        let stroke = if e == 0 { "#000" } else { "#ddd" };
        let _ = writeln!(
            s,
            r#"<line x1="{gx:.1}" y1="{top}" x2="{gx:.1}" y2="{bottom}" stroke="{stroke}"/><text x="{gx:.1}" y="{:.0}" text-anchor="middle">{}×</text>"#,
            bottom + 14.0,
            if e >= 0 {
                format!("{}", 10f64.powi(e))
            } else {
                format!("{:.*}", (-e) as usize, 10f64.powi(e))
            }
        );
    }
    for (k, (header, label, kind, v)) in bars.iter().enumerate() {
        let y = top + k as f64 * row_h;
        if let Some(h) = header {
            let _ = writeln!(
                s,
                r#"<text x="10" y="{:.0}" font-weight="bold">{}</text>"#,
                y + 11.0,
                esc(h)
            );
            continue;
        }
        let (x0, x1) = (x(1.0).min(x(*v)), x(1.0).max(x(*v)));
        let _ = writeln!(
            s,
            r#"<text x="{:.0}" y="{:.0}" text-anchor="end">{}</text><rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.0}" font-size="9">{}</text>"#,
            left - 6.0,
            y + 10.0,
            esc(label),
            y + 2.0,
            (x1 - x0).max(1.0),
            row_h - 4.0,
            colour(*kind),
            x1 + 3.0,
            y + 10.0,
            ratio_text(*v)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// One line per story: exprjit's JIT, its interpreter, the fastest peer
/// and the fastest Python row, each as a multiple of the baseline.
fn headline(md: &mut String, tables: &[Table]) {
    md.push_str(
        "## Headline\n\nTime per unit of work as a multiple of the story's baseline \
         (hand-written Rust unless noted; below 1× is faster). exprjit is its default \
         (`jit`, fast math, serial; `jit_serial` in the parallel story) at the story's \
         first size; peers and Python at their best.\n\n\
         | story | baseline | exprjit JIT | exprjit interpreter | fastest peer | fastest Python |\n\
         | --- | --- | ---: | ---: | --- | --- |\n",
    );
    for t in tables {
        let first = |names: &[&str]| {
            t.rows
                .iter()
                .find(|r| names.contains(&r.name.as_str()) && r.times.is_some())
                .and_then(|r| t.ratio(r))
                .map(ratio_text)
                .unwrap_or_else(|| "—".to_string())
        };
        let best = |kind: Kind| {
            t.rows
                .iter()
                .filter(|r| r.kind == kind)
                .filter_map(|r| Some((t.ratio(r)?, r)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(q, r)| format!("{} {} ({})", ratio_text(q), r.name, r.size))
                .unwrap_or_else(|| "—".to_string())
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            t.id,
            t.baseline,
            first(&["jit", "jit_serial"]),
            first(&["interpreter"]),
            best(Kind::Peer),
            best(Kind::Python)
        );
    }
    md.push('\n');
}

fn expr_set_section(md: &mut String, checked: &Checked) {
    let n = checked.formulas.len();
    let _ = writeln!(
        md,
        "\n### Expression set: who passed\n\n{n} formulas in `benches/exprs.txt`, 64 points each. \
         exprjit's JIT must match its interpreter bit for bit; a peer must agree within \
         a relative {:e} (or absolute {:e} near zero). A contender that cannot parse or \
         evaluate a formula, or disagrees, is listed below and not timed on it.\n",
        exprset::REL_TOL,
        exprset::ABS_TOL
    );
    md.push_str("| contender | passed | cannot parse | cannot evaluate | differs |\n| --- | ---: | ---: | ---: | ---: |\n");
    for (c, name) in checked.contenders.iter().enumerate() {
        let count = |p: &str| {
            checked
                .failures
                .iter()
                .filter(|f| &f.contender == name && f.why.starts_with(p))
                .count()
        };
        let _ = writeln!(
            md,
            "| {name} | {} / {n} | {} | {} | {} |",
            checked.passed[c].len(),
            count("cannot parse") + count("cannot compile") + count("exprjit cannot"),
            count("cannot evaluate") + count("cannot run"),
            count("differs") + count("not bit-identical"),
        );
    }
    md.push_str("\n### Contenders that disagree or fail on the expression set\n\n");
    if checked.failures.is_empty() {
        md.push_str("None.\n");
    }
    for (i, f) in checked.formulas.iter().enumerate() {
        let here: Vec<String> = checked
            .failures
            .iter()
            .filter(|x| x.formula == i)
            .map(|x| format!("**{}** {}", x.contender, x.why.replace('`', "'")))
            .collect();
        if !here.is_empty() {
            let _ = writeln!(md, "- `{}`: {}", f.text, here.join("; "));
        }
    }
    if !checked.suspect.is_empty() {
        md.push_str("\nWhere every peer that evaluates a formula disagrees with exprjit and the peers agree with one another, exprjit may be the one that is wrong:\n\n");
        for &i in &checked.suspect {
            let _ = writeln!(md, "- `{}`", checked.formulas[i].text);
        }
    }
}

/// Issue 16: per story and size, exprjit's default (`jit`) against the
/// limit (`rust_native`) and against the f64x2 JIT; and the ExprTk story
/// as one row per expression.
fn issue16_section(md: &mut String, tables: &[Table]) {
    let mut lines = Vec::new();
    for t in tables {
        let mut sizes: Vec<&str> = Vec::new();
        for r in &t.rows {
            if !sizes.contains(&r.size.as_str()) {
                sizes.push(&r.size);
            }
        }
        for size in sizes {
            let unit = |n: &str| t.row(n, size).and_then(Row::unit_median);
            let (Some(jit), Some(native)) = (unit("jit"), unit("rust_native")) else {
                continue;
            };
            let q = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => ratio_text(a / b),
                _ => "—".to_string(),
            };
            lines.push(format!(
                "| {} | {size} | {} | {} | {} | {} | {} |",
                t.id,
                human(jit),
                human(native),
                ratio_text(jit / native),
                q(unit("jit_f64x2"), Some(jit)),
                q(unit("jit_f64x2"), unit("jit_avx2")),
            ));
        }
    }
    if !lines.is_empty() {
        md.push_str(
            "\n## Issue 16: distance to the limit\n\n\
             How the limit is measured. `rust_native` is the `rust` row's loop, written once \
             (benches/support/native.rs) and instantiated inside `#[target_feature]` \
             functions chosen at run time, standing for `-C target-cpu=native`, which a bench \
             crate cannot set for one function. On Intel CPUs LLVM's models prefer 256-bit \
             vectors even where AVX-512 exists, and a `target_feature` function cannot set \
             that tuning, so there the AVX2+FMA instantiation stands for native (checked \
             against a real `-C target-cpu=native` build of the same loops, \
             benches/support/native_check.rs); elsewhere the AVX-512 one. glibc's `cos` \
             stays a scalar call per element in it. For `cos` itself, `rust_simd_cos` is \
             `wide`'s `f64x8::cos`: sleef-rs needs nightly (`portable_simd`), simdeez 3's \
             f64 `cos_u35` maps each lane to a scalar function, and `wide` (maintained, \
             stable) documents its precision as unspecified, so its distance in ulp from \
             glibc and from exprjit's interpreter is measured on the story's data and \
             printed under the map_cos table. `wide` picks its instructions when it is \
             compiled (`cfg(target_feature)`), so in this release build its `f64x8` runs \
             as SSE2 halves without FMA whatever the CPU: the row is what a user of that \
             crate gets without `-C target-cpu=native`. Its eight-lane code, the limit for \
             `cos`, shows in a build for this CPU: `RUSTFLAGS=\"-C target-cpu=native\" \
             CARGO_TARGET_DIR=/tmp/native cargo run --release --example report -- --stories \
             map_cos` (BENCHMARKS.md's issue 16 notes record one such run).\n\n\
             exprjit's default (`jit`, the widest width this CPU has) per element against \
             `rust_native` (the same hand-written loop compiled for this CPU; below 1× \
             exprjit is faster), and the speed-ups over the f64x2 JIT (`jit_f64x2`, the \
             default before issue 16) of `jit` and of `jit_avx2`.\n\n\
             | story | size | jit per unit | rust_native per unit | jit × rust_native | jit speed-up over f64x2 | avx2 speed-up over f64x2 |\n\
             | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for l in lines {
            md.push_str(&l);
            md.push('\n');
        }
    }
    let Some(t) = tables.iter().find(|t| t.id == "exprtk") else {
        return;
    };
    md.push_str(
        "\n### ExprTk's expressions, one row each\n\n\
         Time per point. `rust` is ExprTk's own `native` benchmark loop in Rust (the sum \
         of |f| over its double loop), `jit_call` exprjit's `Compiled::call` in that \
         loop (how ExprTk's benchmark evaluates), `jit` a map over the flattened points \
         and `rust_native` the native functions over the same arrays, for this CPU; \
         `jit_grid` is `Engine::grid` over i, j with x = -100 + i·step, y = -100 + j·step \
         and `rust_grid` the same double loop by hand. In \
         the double loop rustc hoists terms of x alone (`sin(2 * x)`) out of the inner \
         loop over y, as a C++ compiler does for ExprTk's `native` rows; exprjit's calls \
         and every map evaluate the whole expression per point.\n\n\
         | | expression | jit_call | rust | jit_call × rust | jit (map) | jit_f64x2 | rust_map | rust_native | jit × rust_native | jit_grid | rust_grid | jit_grid × rust_grid |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (i, text) in stories::EXPRTK.iter().enumerate() {
        let size = format!("e{i:02}");
        let unit = |n: &str| t.row(n, &size).and_then(Row::unit_median);
        let cell = |n: &str| unit(n).map(human).unwrap_or_else(|| "—".to_string());
        let q = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => ratio_text(a / b),
            _ => "—".to_string(),
        };
        let _ = writeln!(
            md,
            "| {size} | `{text}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell("jit_call"),
            cell("rust"),
            q(unit("jit_call"), unit("rust")),
            cell("jit"),
            cell("jit_f64x2"),
            cell("rust_map"),
            cell("rust_native"),
            q(unit("jit"), unit("rust_native")),
            cell("jit_grid"),
            cell("rust_grid"),
            q(unit("jit_grid"), unit("rust_grid")),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let no_python = args.iter().any(|a| a == "--no-python");
    let budget = Duration::from_millis(if quick { 20 } else { 500 });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();

    // `--stories a,b` times only those stories and prints the report to
    // standard output (BENCHMARKS.md and the plot are left alone).
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--stories")
        .and_then(|i| args.get(i + 1))
        .map(|l| l.split(',').map(str::to_string).collect());
    let wanted = |id: &str| only.as_ref().is_none_or(|o| o.iter().any(|w| w == id));
    type Builder = Box<dyn Fn() -> Story>;
    let builders: Vec<(&str, Builder)> = vec![
        ("compile", Box::new(stories::compile)),
        ("scalar_call", Box::new(|| stories::scalar_call(1_000))),
        (
            "map_cube",
            Box::new(|| {
                merge(
                    stories::map_cube(100_000, true),
                    stories::map_cube(4_000, false),
                )
            }),
        ),
        ("map_cos", Box::new(|| stories::map_cos(1_000_000, 100_000))),
        (
            "map_seed",
            Box::new(|| {
                merge(
                    stories::map_seed(100_000, true),
                    stories::map_seed(1_000_000, false),
                )
            }),
        ),
        // Issue 16: the formulas of its targets.
        (
            "map_rational",
            Box::new(|| {
                merge(
                    stories::map_rational(4_000, false),
                    stories::map_rational(100_000, true),
                )
            }),
        ),
        ("map_j6", Box::new(|| stories::map_j6(100_000, true))),
        ("reduce", Box::new(|| stories::reduce(32, 300))),
        ("euler", Box::new(|| stories::euler(1_000_000, 100_000))),
        ("grid", Box::new(|| stories::grid(500, 500))),
        (
            "parallel",
            Box::new(|| merge(stories::parallel(1_000), stories::parallel(10_000_000))),
        ),
        ("quad", Box::new(quadpair::quad)),
        ("pairwise", Box::new(quadpair::pairwise)),
        // Issue 13: ODE solves (benches/support/ode.rs).
        ("ode", Box::new(support::ode::lorenz)),
        ("ode_ensemble", Box::new(|| support::ode::ensemble(10_000))),
        // Issue 16: ExprTk's benchmark on a step 60× its own (90,601
        // points per expression instead of 3.2e8).
        (
            "exprtk",
            Box::new(|| stories::exprtk(60.0 * stories::EXPRTK_DELTA)),
        ),
    ];
    let mut tables: Vec<Table> = builders
        .iter()
        .filter(|(id, _)| wanted(id))
        .map(|(_, b)| time_story(b(), budget))
        .collect();
    let checked = if wanted("expr_set") {
        let checked = exprset::check();
        tables.push(time_story(exprset::story(&checked), budget));
        Some(checked)
    } else {
        None
    };

    // Python, measured the same day on the same inputs.
    let py = if no_python {
        Err("left out (--no-python)".to_string())
    } else if only.is_some() {
        Err("left out (--stories)".to_string())
    } else {
        eprintln!("python: benches/python/bench.py");
        python(root, quick)
    };
    let mut py_notes = Vec::new();
    match &py {
        Ok((rows, comments)) => {
            py_notes.extend(comments.iter().cloned());
            for (story, row, checksum) in rows {
                let Some(t) = tables.iter_mut().find(|t| t.id == story) else {
                    continue;
                };
                let mut row = Row {
                    name: row.name.clone(),
                    kind: row.kind,
                    size: row.size.clone(),
                    per: row.per,
                    times: row.times,
                    runs: row.runs,
                    note: None,
                };
                // Same work as the Rust rows of that size: same checksum.
                let expect = t.expects.iter().find(|(s, _)| *s == row.size);
                if let Some(&(_, e)) = expect
                    && !agree(*checksum, e)
                {
                    row.note = Some(format!("answer differs: {checksum:e}, Rust {e:e}"));
                    row.times = None;
                }
                t.rows.push(row);
            }
        }
        Err(why) => py_notes.push(format!("Python rows skipped: {why}.")),
    }

    // The report.
    let lock = locked(root);
    let v = |n: &str| lock.get(n).cloned().unwrap_or_else(|| "?".to_string());
    let rustc = first_line("rustc", &["--version"]).unwrap_or_else(|| "unknown".to_string());
    let commit = first_line(
        "git",
        &[
            "-C",
            &root.to_string_lossy(),
            "rev-parse",
            "--short",
            "HEAD",
        ],
    )
    .unwrap_or_else(|| "unknown".to_string());
    let dirty = Command::new("git")
        .args(["-C", &root.to_string_lossy(), "status", "--porcelain"])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# exprjit benchmarks\n\n\
         Produced by `cargo run --release --example report{}` on {}; do not edit by hand.\n\
         Each story is a short version of a group of `cargo bench --bench peers` \
         (`-- GROUP` runs one with criterion): the same contenders and data, each run \
         many times (at least 5, about {} ms of runs each) after one warm-up; median and \
         minimum of the runs. Ratios are of the median time per unit of work (element, \
         call, step) against the story's baseline, hand-written Rust (release) unless the \
         table says otherwise; below 1× is faster than the baseline. Variables change \
         between evaluations, so nothing can be cached. The whole report took {:.0} s.\n",
        if quick { " -- --quick" } else { "" },
        today(),
        budget.as_millis(),
        0.0
    );
    let python_line = py_notes.join("; ");
    let _ = writeln!(
        md,
        "## Machine\n\n\
         | | |\n| --- | --- |\n\
         | CPU | {} |\n| cores | {cores} |\n| rustc | {rustc} |\n\
         | exprjit | {} (commit {commit}{}) |\n| cranelift | {} |\n| criterion | {} |\n\
         | Python | {python_line} |\n",
        cpu_model(),
        env!("CARGO_PKG_VERSION"),
        if dirty { ", uncommitted changes" } else { "" },
        v("cranelift-codegen"),
        v("criterion"),
    );
    md.push_str("## Contenders\n\n| contender | what it is |\n| --- | --- |\n");
    md.push_str(
        "| jit | exprjit's compiled code (`Engine::new()`: rewrites on, `MathMode::Fast`), loops inside the JIT code, serial unless the name says otherwise |\n\
         | jit_libm | the same with `MathMode::Libm` (glibc `cos`, one call per lane) |\n\
         | jit_no_rewrite, jit_pow | `x^3` with rewrites off (a `pow` call); `pow(x, 3)` with rewrites on |\n\
         | jit_map | the formula compiled as a map kernel (`Engine::map`) |\n\
         | interpreter | exprjit's reference interpreter on the same rewritten program |\n\
         | rust, rust_* | the same work hand-written in Rust, compiled with `--release` |\n",
    );
    let _ = writeln!(
        md,
        "| jit_f64x2, jit_avx2 | `jit` with the vector width forced (`Engine::with_width`): `Width::F64x2` is the JIT's own two lanes (the default before issue 16), `Width::Avx2` what an AVX2-only machine runs; `jit` is `Width::Auto`, the widest this CPU has ({}) |\n\
         | rust_native | the `rust` row's loop compiled for this CPU: what `-C target-cpu=native` enables on it, chosen by run-time detection (benches/support/native.rs): {}; glibc's scalar `cos` stays a call per element |\n\
         | rust_simd_cos | `wide` {} `f64x8::cos` (Agner Fog's vector class library algorithm; precision documented as unspecified, measured below the map_cos table) in the `rust_native` loop |\n\
         | jit_call, rust_map, jit_grid, rust_grid, rust_grid_native | ExprTk story: `Compiled::call` per point in ExprTk's double loop; the native functions over the flattened points (`rust` there is ExprTk's own `native` loop); the expression as a grid over i, j (`Engine::grid`) and the same grid by hand, baseline and for this CPU |",
        exprjit::Width::widest().name(),
        support::native::Level::detect().features(),
        stories::WIDE_VERSION,
    );
    for p in PEERS {
        let _ = writeln!(
            md,
            "| {} | {} {} (dev-dependency), in a Rust loop: {} |",
            p.name(),
            p.name(),
            v(p.name()),
            p.path()
        );
    }
    md.push_str("| numpy, numexpr, numba, python | `benches/python/bench.py` on the same inputs (numexpr on 1 thread) |\n\n");
    md.push_str("Peers are given each formula in their own spelling of the same functions and constants (e.g. evalexpr's `math::cos`, float literals for evalexpr, exmex's `PI`); operators and precedence are left as the crate reads them.\n\n");
    headline(&mut md, &tables);
    for t in &tables {
        let _ = writeln!(md, "## {}\n\n{}\n", t.id, t.title);
        let base = if t.baseline == "rust" {
            "× Rust".to_string()
        } else {
            format!("× {}", t.baseline)
        };
        let _ = writeln!(
            md,
            "| contender | kind | size | median | min | per {} | {base} |\n| --- | --- | --- | ---: | ---: | ---: | ---: |",
            t.unit
        );
        for r in &t.rows {
            match (r.times, t.ratio(r)) {
                (Some((m, min)), q) => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} | {} | {} |",
                        r.name,
                        r.kind.word(),
                        r.size,
                        human(m),
                        human(min),
                        human(m / r.per),
                        q.map(ratio_text).unwrap_or_else(|| "—".to_string())
                    );
                }
                (None, _) => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | not timed: {} | | | |",
                        r.name,
                        r.kind.word(),
                        r.size,
                        r.note.as_deref().unwrap_or("")
                    );
                }
            }
        }
        for s in &t.skipped {
            let _ = writeln!(md, "\nNot in this table: {}.", s.replace('`', "'"));
        }
        for n in &t.notes {
            let _ = writeln!(md, "\nNote: {n}.");
        }
        md.push('\n');
    }
    if let Some(checked) = &checked {
        expr_set_section(&mut md, checked);
    }
    issue16_section(&mut md, &tables);

    md.push_str("\n## Targets from the issues\n\nRatios from this one run. MET or MISSED as measured here; a target this run could not measure says so.\n\n");
    md.push_str("| issue | target | measured | as | wanted | result |\n| --- | --- | ---: | --- | --- | --- |\n");
    for g in targets(&tables) {
        // A run of some stories lists only the targets it measured.
        if only.is_some() && g.measured.is_none() {
            continue;
        }
        let (m, res) = match g.measured {
            Some(q) if q.is_finite() => {
                (ratio_text(q), if (g.met)(q) { "MET" } else { "**MISSED**" })
            }
            _ => ("—".to_string(), "not measured"),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {m} | {} | {} | {res} |",
            g.issue, g.what, g.how, g.want
        );
    }
    md.push_str("\n![ratio to baseline per story](docs/benchmarks.svg)\n");

    let took = started.elapsed().as_secs_f64();
    let md = md.replacen(
        "The whole report took 0 s.",
        &format!("The whole report took {took:.0} s."),
        1,
    );
    if only.is_some() {
        print!("{md}");
        eprintln!("printed the selected stories in {took:.0} s (BENCHMARKS.md left alone)");
        return;
    }
    std::fs::write(root.join("BENCHMARKS.md"), md).expect("write BENCHMARKS.md");
    std::fs::create_dir_all(root.join("docs")).expect("docs/");
    std::fs::write(root.join("docs/benchmarks.svg"), svg(&tables)).expect("write svg");
    eprintln!("wrote BENCHMARKS.md and docs/benchmarks.svg in {took:.0} s");
}

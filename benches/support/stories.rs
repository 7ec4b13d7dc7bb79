//! The benchmark stories: each builds every contender's run of the same
//! work, with its own data, ready to time. `benches/peers.rs` times them
//! with criterion; `examples/report.rs` with a short loop of its own.
//!
//! Peers have no kernels: they evaluate in a plain Rust loop, one call per
//! element (or step, or pixel), which is how a user of those crates runs
//! them. Every run can also return a checksum (sum of |outputs|, the
//! reduction, the last state), compared with the same work hand-written in
//! Rust.

use std::hint::black_box;
use std::rc::Rc;

use exprjit::{Engine, Input, Keep, MathMode, Parallel, RecurrenceSpec, Reduce};

use super::peers::{AnyPeer, Interp, Jit, PEERS, Peer, Scalar};

/// The seed formula of the project.
pub const SEED: &str = "y + h*y^2*cos(t+y)";
/// Its variables, in call order.
pub const SEED_VARS: [&str; 3] = ["y", "t", "h"];
/// The per-pixel formula of `examples/image.rs` (its closed form).
pub const IMAGE: &str = "100000*i + 1000*j";

/// What a contender is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// exprjit's compiled code.
    Jit,
    /// exprjit's reference interpreter.
    Interp,
    /// The same work hand-written in Rust (release).
    Rust,
    /// A peer crate in a Rust loop.
    Peer,
    /// numpy, numexpr or numba (`benches/python/bench.py`).
    Python,
}

impl Kind {
    /// A short word for tables and the plot legend.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Jit => "exprjit",
            Kind::Interp => "exprjit interpreter",
            Kind::Rust => "Rust",
            Kind::Peer => "peer crate",
            Kind::Python => "Python",
        }
    }
}

/// A run returns a checksum when asked (`true`), and anything otherwise.
pub type Run = Box<dyn FnMut(bool) -> f64>;

/// One contender's run of a story's work at one size.
pub struct Case {
    /// The contender (criterion's function name, the report's row).
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// The size label (`1e5`, `small`, …).
    pub size: String,
    /// Units of work (elements, calls, steps) per run.
    pub per: f64,
    /// The checksum the same work hand-written in Rust gives (NaN: none).
    pub expect: f64,
    /// Runs the work once.
    pub run: Run,
}

/// One story: the contenders of one piece of work.
pub struct Story {
    /// The criterion group and report section.
    pub id: &'static str,
    /// What is measured, in words.
    pub title: String,
    /// The unit of `per` (element, call, step, compile).
    pub unit: &'static str,
    /// The contender ratios are taken against (same size where it has one).
    pub baseline: &'static str,
    /// The contenders.
    pub cases: Vec<Case>,
    /// Contenders left out, and why.
    pub skipped: Vec<String>,
}

impl Story {
    fn new(id: &'static str, title: String, unit: &'static str, baseline: &'static str) -> Story {
        Story {
            id,
            title,
            unit,
            baseline,
            cases: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn add(&mut self, name: &str, kind: Kind, size: &str, per: usize, expect: f64, run: Run) {
        self.cases.push(Case {
            name: name.to_string(),
            kind,
            size: size.to_string(),
            per: per as f64,
            expect,
            run,
        });
    }

    /// Adds every peer, built by `make`; one that cannot take the formula is
    /// listed in `skipped`.
    fn add_peers(
        &mut self,
        text: &str,
        vars: &[&str],
        mut make: impl FnMut(&mut Story, Peer, AnyPeer),
    ) {
        for peer in PEERS {
            match AnyPeer::new(peer, text, vars) {
                Ok(p) => make(self, peer, p),
                Err(e) => self
                    .skipped
                    .push(format!("{} cannot parse `{text}`: {e}", peer.name())),
            }
        }
    }
}

/// `n` evenly spaced values from `lo` towards `hi`.
pub fn linspace(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n)
        .map(|k| lo + (hi - lo) * k as f64 / n.max(2) as f64)
        .collect()
}

/// `1e5` for powers of ten, the number otherwise.
pub fn size_label(n: usize) -> String {
    let mut p = 1usize;
    for e in 0..19 {
        if p == n && e >= 3 {
            return format!("1e{e}");
        }
        p = p.saturating_mul(10);
    }
    n.to_string()
}

fn abs_sum(v: &[f64]) -> f64 {
    v.iter().map(|x| x.abs()).sum()
}

/// The seed formula over arrays, hand-written.
pub fn seed_rust(y: &[f64], t: &[f64], h: f64, out: &mut [f64]) {
    for ((o, &y), &t) in out.iter_mut().zip(y).zip(t) {
        *o = y + h * y * y * (t + y).cos();
    }
}

/// The Euler recurrence, hand-written: `steps` steps from `y = 1`, `h = 0.001`.
pub fn euler_rust(steps: usize) -> f64 {
    let (mut y, h) = (black_box(1.0f64), black_box(0.001));
    for i in 0..steps {
        let t = i as f64 * h;
        y += h * y * y * (t + y).cos();
    }
    y
}

fn map1<S: Scalar>(s: &mut S, x: &[f64], out: &mut [f64]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = s.eval(&[v]).unwrap_or(f64::NAN);
    }
}

fn map_seed_loop<S: Scalar>(s: &mut S, y: &[f64], t: &[f64], h: f64, out: &mut [f64]) {
    for ((o, &y), &t) in out.iter_mut().zip(y).zip(t) {
        *o = s.eval(&[y, t, h]).unwrap_or(f64::NAN);
    }
}

fn calls<S: Scalar>(s: &mut S, y: &[f64], t: &[f64], h: &[f64]) -> f64 {
    let mut sum = 0.0;
    for ((&y, &t), &h) in y.iter().zip(t).zip(h) {
        sum += s.eval(&[y, t, h]).unwrap_or(f64::NAN);
    }
    sum
}

fn euler_loop<S: Scalar>(s: &mut S, steps: usize) -> f64 {
    let (mut y, h) = (1.0f64, 0.001);
    for i in 0..steps {
        y = s.eval(&[y, i as f64 * h, h]).unwrap_or(f64::NAN);
    }
    y
}

fn pairs_loop<S: Scalar>(s: &mut S, rows: &[Vec<f64>]) -> f64 {
    let mut total = 0.0;
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            let mut d = 0.0;
            for (&x, &y) in a.iter().zip(b) {
                d += s.eval(&[x, y]).unwrap_or(f64::NAN);
            }
            total += d;
        }
    }
    total
}

fn grid_loop<S: Scalar>(s: &mut S, cols: usize, out: &mut [f64]) {
    for (i, row) in out.chunks_mut(cols).enumerate() {
        for (j, o) in row.iter_mut().enumerate() {
            *o = s.eval(&[i as f64, j as f64]).unwrap_or(f64::NAN);
        }
    }
}

/// A sum of `terms` terms in the syntax and functions every contender
/// reads (`+ - * / ^`, `sin`, `cos`, `abs`): the large formula of the
/// compile story.
pub fn large_formula(terms: usize) -> String {
    (0..terms)
        .map(|k| {
            let c = 1.0 + k as f64 / 8.0;
            match k % 4 {
                0 => format!("{c}*x^2 - y/({c} + z)"),
                1 => format!("sin({c}*x + y)*cos(z - {c})"),
                2 => format!("(x - {c})*(y + {c})/(1 + z^2)"),
                _ => format!("abs(x*{c} - y)^1.5/({c} + x*y)"),
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Compile latency: the seed formula and a large one, from text to
/// something that can be called, for every contender.
pub fn compile() -> Story {
    let large = large_formula(64);
    let nodes = exprjit::unstable::parse_syntax(&large, &exprjit::Limits::default())
        .map(|a| a.nodes.len())
        .unwrap_or(0);
    let mut s = Story::new(
        "compile",
        format!(
            "Compile latency: text to a callable, for `{SEED}` (small) and a sum of 64 terms, {nodes} syntax nodes (large)"
        ),
        "compile",
        "jit",
    );
    let point = [0.7, 0.3, 0.2];
    for (size, text, vars) in [
        ("small", SEED.to_string(), SEED_VARS),
        ("large", large, ["x", "y", "z"]),
    ] {
        let engine = Engine::new();
        let expect = engine
            .parse(&text)
            .and_then(|e| e.interpreter(&vars))
            .and_then(|f| f.call(&point))
            .unwrap_or(f64::NAN);
        let (t, e) = (text.clone(), engine.clone());
        s.add(
            "jit",
            Kind::Jit,
            size,
            1,
            expect,
            Box::new(move |check| {
                let f = e.parse(black_box(&t)).unwrap().compile(&vars).unwrap();
                if check { f.call(&point).unwrap() } else { 0.0 }
            }),
        );
        let (t, e) = (text.clone(), engine.clone());
        s.add(
            "jit_map",
            Kind::Jit,
            size,
            1,
            expect,
            Box::new(move |check| {
                // A map kernel compiles on its first run (per input
                // layout): build it and run it on one point.
                let k = e.map(&[black_box(t.as_str())], &vars).unwrap();
                let cols: Vec<[f64; 1]> = point.iter().map(|&v| [v]).collect();
                let inputs: Vec<Input> = cols.iter().map(Input::from).collect();
                let v = k.eval(&inputs).unwrap()[0][0];
                if check { v } else { 0.0 }
            }),
        );
        let (t, e) = (text.clone(), engine.clone());
        s.add(
            "interpreter",
            Kind::Interp,
            size,
            1,
            expect,
            Box::new(move |check| {
                let f = e.parse(black_box(&t)).unwrap().interpreter(&vars).unwrap();
                if check { f.call(&point).unwrap() } else { 0.0 }
            }),
        );
        for peer in PEERS {
            let translated = super::peers::translate(peer, &text);
            let text = text.clone();
            if let Err(e) = AnyPeer::new(peer, &text, &vars) {
                s.skipped.push(format!(
                    "{} cannot parse the {size} formula: {e}",
                    peer.name()
                ));
                continue;
            }
            s.add(
                peer.name(),
                Kind::Peer,
                size,
                1,
                expect,
                Box::new(move |check| {
                    if check {
                        let mut p = AnyPeer::new(peer, &text, &vars).unwrap();
                        return p.eval(&point).unwrap_or(f64::NAN);
                    }
                    parse_only(peer, black_box(&translated));
                    0.0
                }),
            );
        }
    }
    s
}

/// Each peer's parse (and compile, where it has one), nothing else.
fn parse_only(peer: Peer, text: &str) {
    match peer {
        Peer::Fasteval => {
            use fasteval::Compiler as _;
            let parser = fasteval::Parser {
                expr_len_limit: 1 << 20,
                expr_depth_limit: 1 << 10,
            };
            let mut slab = fasteval::Slab::with_capacity(1 << 14);
            let i = parser
                .parse(text, &mut slab.ps)
                .unwrap()
                .from(&slab.ps)
                .compile(&slab.ps, &mut slab.cs);
            black_box((i, slab));
        }
        Peer::Meval => {
            black_box(text.parse::<meval::Expr>().unwrap());
        }
        Peer::Exmex => {
            black_box(exmex::parse::<f64>(text).unwrap());
        }
        Peer::Evalexpr => {
            black_box(
                evalexpr::build_operator_tree::<evalexpr::DefaultNumericTypes>(text).unwrap(),
            );
        }
    }
}

/// One scalar call at a time, the variables changing on every call (1000
/// different points a run), so nothing can be cached or hoisted.
pub fn scalar_call(n: usize) -> Story {
    let mut s = Story::new(
        "scalar_call",
        format!("One call of `{SEED}` at a time, {n} different points per run"),
        "call",
        "rust",
    );
    let size = size_label(n);
    let y = Rc::new(linspace(n, 0.5, 1.5));
    let t = Rc::new(linspace(n, 0.0, 10.0));
    let h = Rc::new(linspace(n, 0.001, 0.002));
    let expect = {
        let (mut sum, y, t, h) = (0.0, &y, &t, &h);
        for k in 0..n {
            sum += y[k] + h[k] * y[k] * y[k] * (t[k] + y[k]).cos();
        }
        sum
    };
    let expr = exprjit::parse(SEED).unwrap();
    for (name, kind, math) in [
        ("jit", Kind::Jit, MathMode::Fast),
        ("jit_libm", Kind::Jit, MathMode::Libm),
    ] {
        let f = Engine::new()
            .with_math(math)
            .parse(SEED)
            .unwrap()
            .compile(&SEED_VARS)
            .unwrap();
        let mut f = Jit(f);
        let (y, t, h) = (y.clone(), t.clone(), h.clone());
        s.add(
            name,
            kind,
            &size,
            n,
            expect,
            Box::new(move |_| calls(&mut f, &y, &t, &h)),
        );
    }
    let mut f = Interp(expr.interpreter(&SEED_VARS).unwrap());
    let (y2, t2, h2) = (y.clone(), t.clone(), h.clone());
    s.add(
        "interpreter",
        Kind::Interp,
        &size,
        n,
        expect,
        Box::new(move |_| calls(&mut f, &y2, &t2, &h2)),
    );
    let (y2, t2, h2) = (y.clone(), t.clone(), h.clone());
    s.add(
        "rust",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |_| {
            let mut sum = 0.0;
            for ((&y, &t), &h) in black_box(&y2[..]).iter().zip(&t2[..]).zip(&h2[..]) {
                sum += y + h * y * y * (t + y).cos();
            }
            sum
        }),
    );
    s.add_peers(SEED, &SEED_VARS, |s, peer, mut p| {
        let (y, t, h) = (y.clone(), t.clone(), h.clone());
        s.add(
            peer.name(),
            Kind::Peer,
            &size,
            n,
            expect,
            Box::new(move |_| each_peer!(&mut p, q => calls(q, &y, &t, &h))),
        );
    });
    s
}

/// `out = x^3` over `n` elements (the NumPy `np.power(x, 3)` question):
/// rewrites on (`x*x*x`), off (a `pow` call), `pow(x, 3)`, and the
/// interpreter and peers when `slow`.
pub fn map_cube(n: usize, slow: bool) -> Story {
    let mut s = Story::new(
        "map_cube",
        "`out = x^3` over an array".to_string(),
        "element",
        "rust",
    );
    let size = size_label(n);
    let x = Rc::new(linspace(n, -2.0, 2.0));
    let expect = abs_sum(&x.iter().map(|v| v * v * v).collect::<Vec<_>>());
    for (name, text, rewrites) in [
        ("jit", "x^3", true),
        ("jit_no_rewrite", "x^3", false),
        ("jit_pow", "pow(x, 3)", true),
    ] {
        let k = Engine::new()
            .with_rewrites(rewrites)
            .map(&[text], &["x"])
            .unwrap()
            .with_parallel(Parallel::serial());
        let (x, mut out) = (x.clone(), vec![0.0; n]);
        s.add(
            name,
            Kind::Jit,
            &size,
            n,
            expect,
            Box::new(move |check| {
                k.run(&[Input::from(black_box(&x[..]))], &mut [&mut out])
                    .unwrap();
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    }
    for (name, powf) in [("rust", false), ("rust_powf", true)] {
        let (x, mut out) = (x.clone(), vec![0.0; n]);
        s.add(
            name,
            Kind::Rust,
            &size,
            n,
            expect,
            Box::new(move |check| {
                if powf {
                    for (o, &v) in out.iter_mut().zip(black_box(&x[..])) {
                        *o = v.powf(3.0);
                    }
                } else {
                    for (o, &v) in out.iter_mut().zip(black_box(&x[..])) {
                        *o = v * v * v;
                    }
                }
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    }
    if slow {
        let k = Engine::new().map(&["x^3"], &["x"]).unwrap();
        let (x2, mut out) = (x.clone(), vec![0.0; n]);
        s.add(
            "interpreter",
            Kind::Interp,
            &size,
            n,
            expect,
            Box::new(move |check| {
                k.run_reference(&[Input::from(black_box(&x2[..]))], &mut [&mut out])
                    .unwrap();
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
        s.add_peers("x^3", &["x"], |s, peer, mut p| {
            let (x, mut out) = (x.clone(), vec![0.0; n]);
            s.add(
                peer.name(),
                Kind::Peer,
                &size,
                n,
                expect,
                Box::new(move |check| {
                    each_peer!(&mut p, q => map1(q, black_box(&x), &mut out));
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
        });
    }
    s
}

/// `out = cos(x)` over `n` elements, fast and libm math, against a Rust
/// loop calling `f64::cos`; the interpreter and peers over `slow_n`
/// elements (0: left out).
pub fn map_cos(n: usize, slow_n: usize) -> Story {
    let mut s = Story::new(
        "map_cos",
        "`out = cos(x)` over an array, x in [0, 100)".to_string(),
        "element",
        "rust",
    );
    for (m, fast) in [(n, true), (slow_n, false)] {
        if m == 0 {
            continue;
        }
        let size = size_label(m);
        let x = Rc::new(linspace(m, 0.0, 100.0));
        let expect = abs_sum(&x.iter().map(|v| v.cos()).collect::<Vec<_>>());
        if fast {
            for (name, math) in [("jit", MathMode::Fast), ("jit_libm", MathMode::Libm)] {
                let k = Engine::new()
                    .with_math(math)
                    .map(&["cos(x)"], &["x"])
                    .unwrap()
                    .with_parallel(Parallel::serial());
                let (x, mut out) = (x.clone(), vec![0.0; m]);
                s.add(
                    name,
                    Kind::Jit,
                    &size,
                    m,
                    expect,
                    Box::new(move |check| {
                        k.run(&[Input::from(black_box(&x[..]))], &mut [&mut out])
                            .unwrap();
                        if check { abs_sum(&out) } else { 0.0 }
                    }),
                );
            }
            let (x, mut out) = (x.clone(), vec![0.0; m]);
            s.add(
                "rust",
                Kind::Rust,
                &size,
                m,
                expect,
                Box::new(move |check| {
                    for (o, &v) in out.iter_mut().zip(black_box(&x[..])) {
                        *o = v.cos();
                    }
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
        } else {
            let k = Engine::new().map(&["cos(x)"], &["x"]).unwrap();
            let (x2, mut out) = (x.clone(), vec![0.0; m]);
            s.add(
                "interpreter",
                Kind::Interp,
                &size,
                m,
                expect,
                Box::new(move |check| {
                    k.run_reference(&[Input::from(black_box(&x2[..]))], &mut [&mut out])
                        .unwrap();
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
            s.add_peers("cos(x)", &["x"], |s, peer, mut p| {
                let (x, mut out) = (x.clone(), vec![0.0; m]);
                s.add(
                    peer.name(),
                    Kind::Peer,
                    &size,
                    m,
                    expect,
                    Box::new(move |check| {
                        each_peer!(&mut p, q => map1(q, black_box(&x), &mut out));
                        if check { abs_sum(&out) } else { 0.0 }
                    }),
                );
            });
        }
    }
    s
}

/// The seed formula as a map over `n` elements, `h` a broadcast scalar:
/// exprjit fast and libm math, hand-written Rust, and (when `slow`) the
/// interpreter and the peers.
pub fn map_seed(n: usize, slow: bool) -> Story {
    let mut s = Story::new(
        "map_seed",
        format!("`out = {SEED}` over arrays y, t (h = 0.001 broadcast)"),
        "element",
        "rust",
    );
    let size = size_label(n);
    let y = Rc::new(linspace(n, 0.5, 1.5));
    let t = Rc::new(linspace(n, 0.0, 10.0));
    let h = 0.001;
    let expect = {
        let mut out = vec![0.0; n];
        seed_rust(&y, &t, h, &mut out);
        abs_sum(&out)
    };
    for (name, math) in [("jit", MathMode::Fast), ("jit_libm", MathMode::Libm)] {
        let k = Engine::new()
            .with_math(math)
            .map(&[SEED], &SEED_VARS)
            .unwrap()
            .with_parallel(Parallel::serial());
        let (y, t, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
        s.add(
            name,
            Kind::Jit,
            &size,
            n,
            expect,
            Box::new(move |check| {
                let inputs = [Input::from(&y[..]), Input::from(&t[..]), Input::Scalar(h)];
                k.run(black_box(&inputs), &mut [&mut out]).unwrap();
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    }
    let (y2, t2, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
    s.add(
        "rust",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |check| {
            seed_rust(black_box(&y2), black_box(&t2), black_box(h), &mut out);
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
    if slow {
        let k = Engine::new().map(&[SEED], &SEED_VARS).unwrap();
        let (y2, t2, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
        s.add(
            "interpreter",
            Kind::Interp,
            &size,
            n,
            expect,
            Box::new(move |check| {
                let inputs = [Input::from(&y2[..]), Input::from(&t2[..]), Input::Scalar(h)];
                k.run_reference(black_box(&inputs), &mut [&mut out])
                    .unwrap();
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
        s.add_peers(SEED, &SEED_VARS, |s, peer, mut p| {
            let (y, t, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
            s.add(
                peer.name(),
                Kind::Peer,
                &size,
                n,
                expect,
                Box::new(move |check| {
                    each_peer!(&mut p, q => map_seed_loop(q, black_box(&y), &t, h, &mut out));
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
        });
    }
    s
}

/// `sum((a-b)^2)` for every pair of `rows` rows of `len` values: the
/// pairwise-distance question, one reduction per pair.
pub fn reduce(rows: usize, len: usize) -> Story {
    let pairs = rows * (rows - 1) / 2;
    let mut s = Story::new(
        "reduce",
        format!("`sum((a-b)^2)` over {len}-long rows, all {pairs} pairs of {rows} rows"),
        "element",
        "rust",
    );
    let size = format!("{rows}x{len}");
    let data: Rc<Vec<Vec<f64>>> = Rc::new(
        (0..rows)
            .map(|r| {
                (0..len)
                    .map(|k| (r as f64 * 0.7 + k as f64 * 0.01).sin())
                    .collect()
            })
            .collect(),
    );
    let per = pairs * len;
    let rust = |rows: &[Vec<f64>]| {
        let mut total = 0.0;
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                total += a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
            }
        }
        total
    };
    let expect = rust(&data);
    let k = Rc::new(
        Engine::new()
            .reduce("(a-b)^2", &["a", "b"], Reduce::Sum)
            .unwrap()
            .with_parallel(Parallel::serial()),
    );
    for (name, kind, reference) in [
        ("jit", Kind::Jit, false),
        ("interpreter", Kind::Interp, true),
    ] {
        let (k, d) = (k.clone(), data.clone());
        s.add(
            name,
            kind,
            &size,
            per,
            expect,
            Box::new(move |_| {
                let mut total = 0.0;
                for (i, a) in d.iter().enumerate() {
                    for b in &d[i + 1..] {
                        let inputs = [Input::from(black_box(a)), Input::from(b)];
                        total += if reference {
                            k.run_reference(&inputs).unwrap()
                        } else {
                            k.run(&inputs).unwrap()
                        };
                    }
                }
                total
            }),
        );
    }
    let d = data.clone();
    s.add(
        "rust",
        Kind::Rust,
        &size,
        per,
        expect,
        Box::new(move |_| rust(black_box(&d))),
    );
    s.add_peers("(a-b)^2", &["a", "b"], |s, peer, mut p| {
        let d = data.clone();
        s.add(
            peer.name(),
            Kind::Peer,
            &size,
            per,
            expect,
            Box::new(move |_| each_peer!(&mut p, q => pairs_loop(q, black_box(&d)))),
        );
    });
    s
}

/// The Euler recurrence `y <- y + h*y^2*cos(t+y)`, `t = i*h`, from y = 1
/// with h = 0.001: `steps` steps for exprjit and Rust, `slow_steps` for the
/// interpreter and the peers (a Rust loop calling the formula each step).
pub fn euler(steps: usize, slow_steps: usize) -> Story {
    let mut s = Story::new(
        "euler",
        format!("Euler recurrence `y <- {SEED}`, `t = i*h`, y0 = 1, h = 0.001"),
        "step",
        "rust",
    );
    let size = size_label(steps);
    let expect = euler_rust(steps);
    for (name, math) in [("jit", MathMode::Fast), ("jit_libm", MathMode::Libm)] {
        let rec = Engine::new()
            .with_math(math)
            .recurrence(RecurrenceSpec {
                state: &["y"],
                update: &[SEED],
                define: &[("t", "i*h")],
                params: &["h"],
                ..Default::default()
            })
            .unwrap();
        s.add(
            name,
            Kind::Jit,
            &size,
            steps,
            expect,
            Box::new(move |_| {
                rec.run(black_box(&[1.0]), &[0.001], &[], steps, Keep::Last)
                    .unwrap()
                    .last[0]
            }),
        );
    }
    s.add(
        "rust",
        Kind::Rust,
        &size,
        steps,
        expect,
        Box::new(move |_| euler_rust(steps)),
    );
    if slow_steps > 0 {
        let slow = size_label(slow_steps);
        let expect = euler_rust(slow_steps);
        let rec = Engine::new()
            .recurrence(RecurrenceSpec {
                state: &["y"],
                update: &[SEED],
                define: &[("t", "i*h")],
                params: &["h"],
                ..Default::default()
            })
            .unwrap();
        s.add(
            "interpreter",
            Kind::Interp,
            &slow,
            slow_steps,
            expect,
            Box::new(move |_| {
                rec.run_reference(black_box(&[1.0]), &[0.001], &[], slow_steps, Keep::Last)
                    .unwrap()
                    .last[0]
            }),
        );
        s.add_peers(SEED, &SEED_VARS, |s, peer, mut p| {
            s.add(
                peer.name(),
                Kind::Peer,
                &slow,
                slow_steps,
                expect,
                Box::new(move |_| each_peer!(&mut p, q => euler_loop(q, black_box(slow_steps)))),
            );
        });
    }
    s
}

/// The per-pixel image of `examples/image.rs` as a grid over
/// `rows x cols`, serial and parallel, against a hand-written double loop.
pub fn grid(rows: usize, cols: usize) -> Story {
    let mut s = Story::new(
        "grid",
        format!("Per-pixel image `{IMAGE}` (examples/image.rs) over a {rows}x{cols} grid"),
        "pixel",
        "rust",
    );
    let size = format!("{rows}x{cols}");
    let n = rows * cols;
    let rust = move |out: &mut [f64]| {
        for (i, row) in out.chunks_mut(cols).enumerate() {
            for (j, o) in row.iter_mut().enumerate() {
                *o = 100000.0 * i as f64 + 1000.0 * j as f64;
            }
        }
    };
    let expect = {
        let mut out = vec![0.0; n];
        rust(&mut out);
        abs_sum(&out)
    };
    for (name, kind, parallel) in [
        ("jit", Kind::Jit, Some(Parallel::serial())),
        ("jit_parallel", Kind::Jit, Some(Parallel::default())),
        ("interpreter", Kind::Interp, None),
    ] {
        let k = Engine::new().grid(IMAGE, 2, &[]).unwrap();
        let k = k.with_parallel(parallel.unwrap_or(Parallel::serial()));
        let mut out = vec![0.0; n];
        s.add(
            name,
            kind,
            &size,
            n,
            expect,
            Box::new(move |check| {
                if parallel.is_some() {
                    k.run2(black_box(rows), cols, &[], &mut out).unwrap();
                } else {
                    k.run_reference(black_box(rows), cols, &[], &mut out)
                        .unwrap();
                }
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    }
    let mut out = vec![0.0; n];
    s.add(
        "rust",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |check| {
            rust(black_box(&mut out));
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
    s.add_peers(IMAGE, &["i", "j"], |s, peer, mut p| {
        let mut out = vec![0.0; n];
        s.add(
            peer.name(),
            Kind::Peer,
            &size,
            n,
            expect,
            Box::new(move |check| {
                each_peer!(&mut p, q => grid_loop(q, black_box(cols), &mut out));
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    });
    s
}

/// The seed map serial and on 2 threads, at `n` elements; below the
/// cut-over (`Parallel::default().min_len`) the default runs serially, and
/// `jit_2_threads` shows what forcing threads there would cost.
pub fn parallel(n: usize) -> Story {
    let mut s = Story::new(
        "parallel",
        format!("`{SEED}` map, serial against 2 threads (the small size shows the cut-over)"),
        "element",
        "rust",
    );
    let size = size_label(n);
    let y = Rc::new(linspace(n, 0.5, 1.5));
    let t = Rc::new(linspace(n, 0.0, 10.0));
    let h = 0.001;
    let expect = {
        let mut out = vec![0.0; n];
        seed_rust(&y, &t, h, &mut out);
        abs_sum(&out)
    };
    for (name, parallel) in [
        ("jit_serial", Parallel::serial()),
        ("jit_2_threads", Parallel::threads(2)),
        ("jit_default", Parallel::default()),
    ] {
        let k = Engine::new()
            .map(&[SEED], &SEED_VARS)
            .unwrap()
            .with_parallel(parallel);
        let (y, t, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
        s.add(
            name,
            Kind::Jit,
            &size,
            n,
            expect,
            Box::new(move |check| {
                let inputs = [Input::from(&y[..]), Input::from(&t[..]), Input::Scalar(h)];
                k.run(black_box(&inputs), &mut [&mut out]).unwrap();
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    }
    let (y2, t2, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
    s.add(
        "rust",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |check| {
            seed_rust(black_box(&y2), black_box(&t2), black_box(h), &mut out);
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let (y2, t2, mut out) = (y.clone(), t.clone(), vec![0.0; n]);
    s.add(
        "rust_rayon_2_threads",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |check| {
            use rayon::prelude::*;
            const CHUNK: usize = 1 << 14;
            let (y, t) = (black_box(&y2[..]), black_box(&t2[..]));
            pool.install(|| {
                out.par_chunks_mut(CHUNK)
                    .zip(y.par_chunks(CHUNK))
                    .zip(t.par_chunks(CHUNK))
                    .for_each(|((o, y), t)| seed_rust(y, t, h, o));
            });
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
    s.skipped.push(
        "the interpreter and the peers have no parallel form (their serial cost per element is in map_seed)"
            .to_string(),
    );
    s
}

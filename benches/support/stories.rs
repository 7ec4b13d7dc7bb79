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

use exprjit::{Engine, Input, Keep, MapKernel, MathMode, Parallel, RecurrenceSpec, Reduce, Width};

use super::native::{self, Level};
use super::peers::{AnyPeer, Interp, Jit, PEERS, Peer, Scalar};

/// The `wide` version of the `rust_simd_cos` row (Cargo.toml's dev-dependency).
pub const WIDE_VERSION: &str = "1.7.1";

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
    /// Facts measured while building the story (e.g. a contender's accuracy).
    pub notes: Vec<String>,
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
            notes: Vec::new(),
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

/// exprjit's rows per vector width (issue 16): `jit` is the default
/// ([`Width::Auto`], the widest this CPU has), `jit_f64x2` the JIT's own
/// two lanes (the default before issue 16), `jit_avx2` forced AVX2 (what an
/// AVX2-only machine runs), when this CPU has it.
pub fn widths() -> Vec<(&'static str, Width)> {
    let mut w = vec![("jit", Width::Auto), ("jit_f64x2", Width::F64x2)];
    if Width::Avx2.is_available() {
        w.push(("jit_avx2", Width::Avx2));
    }
    w
}

/// The widths other than the default, for stories whose `jit` row is built
/// elsewhere.
fn extra_widths() -> Vec<(&'static str, Width)> {
    widths().into_iter().filter(|(n, _)| *n != "jit").collect()
}

/// A serial map kernel's run over `arrays` (then `scalars` broadcast), the
/// checksum the sum of |outputs|.
fn map_run(k: MapKernel, arrays: Vec<Rc<Vec<f64>>>, scalars: Vec<f64>, n: usize) -> Run {
    let k = k.with_parallel(Parallel::serial());
    let mut out = vec![0.0; n];
    Box::new(move |check| {
        let a = black_box(&arrays);
        let r = match (a.len(), scalars.as_slice()) {
            (1, []) => k.run(&[Input::from(&a[0][..])], &mut [&mut out]),
            (2, []) => k.run(
                &[Input::from(&a[0][..]), Input::from(&a[1][..])],
                &mut [&mut out],
            ),
            (2, &[h]) => k.run(
                &[
                    Input::from(&a[0][..]),
                    Input::from(&a[1][..]),
                    Input::Scalar(h),
                ],
                &mut [&mut out],
            ),
            _ => unreachable!("map_run takes 1 or 2 arrays and at most 1 scalar"),
        };
        r.unwrap();
        if check { abs_sum(&out) } else { 0.0 }
    })
}

/// Adds the `jit` rows of [`widths`] (or [`extra_widths`] when `all` is
/// false) for a map of `text` over `vars`.
#[allow(clippy::too_many_arguments)]
fn add_width_maps(
    s: &mut Story,
    all: bool,
    text: &str,
    vars: &[&str],
    arrays: &[Rc<Vec<f64>>],
    scalars: &[f64],
    size: &str,
    n: usize,
    expect: f64,
) {
    let rows = if all { widths() } else { extra_widths() };
    for (name, width) in rows {
        let k = Engine::new().with_width(width).map(&[text], vars).unwrap();
        s.add(
            name,
            Kind::Jit,
            size,
            n,
            expect,
            map_run(k, arrays.to_vec(), scalars.to_vec(), n),
        );
    }
}

/// The `rust_native` row of a two-input map (see [`add_native1`]).
#[allow(clippy::too_many_arguments)]
fn add_native2(
    s: &mut Story,
    name: &str,
    f: impl Fn(f64, f64) -> f64 + Copy + 'static,
    a: &Rc<Vec<f64>>,
    b: &Rc<Vec<f64>>,
    size: &str,
    n: usize,
    expect: f64,
) {
    let (a, b, mut out, level) = (a.clone(), b.clone(), vec![0.0; n], Level::detect());
    s.add(
        name,
        Kind::Rust,
        size,
        n,
        expect,
        Box::new(move |check| {
            native::map2(level, f, black_box(&a[..]), &b[..], &mut out);
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
}

/// The `rust_native` row of a one-input map: `f` in the loop of the `rust`
/// row, compiled for this CPU ([`native`]). `f` must be a closure or a
/// function item (inlined), not a function pointer.
fn add_native1(
    s: &mut Story,
    f: impl Fn(f64) -> f64 + Copy + 'static,
    x: &Rc<Vec<f64>>,
    size: &str,
    n: usize,
    expect: f64,
) {
    let (x, mut out, level) = (x.clone(), vec![0.0; n], Level::detect());
    s.add(
        "rust_native",
        Kind::Rust,
        size,
        n,
        expect,
        Box::new(move |check| {
            native::map1(level, f, black_box(&x[..]), &mut out);
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
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
    add_width_maps(
        &mut s,
        false,
        "x^3",
        &["x"],
        std::slice::from_ref(&x),
        &[],
        &size,
        n,
        expect,
    );
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
    add_native1(&mut s, |v| v * v * v, &x, &size, n, expect);
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
        // The JIT and Rust rows at every size (N = 1e5 is issue 16's
        // target size); the interpreter and the peers only at `slow_n`.
        {
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
            let (x1, mut out) = (x.clone(), vec![0.0; m]);
            s.add(
                "rust",
                Kind::Rust,
                &size,
                m,
                expect,
                Box::new(move |check| {
                    for (o, &v) in out.iter_mut().zip(black_box(&x1[..])) {
                        *o = v.cos();
                    }
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
            add_width_maps(
                &mut s,
                false,
                "cos(x)",
                &["x"],
                std::slice::from_ref(&x),
                &[],
                &size,
                m,
                expect,
            );
            add_native1(&mut s, f64::cos, &x, &size, m, expect);
            let level = Level::detect();
            let (x2, mut out) = (x.clone(), vec![0.0; m]);
            native::map8(level, wide::f64x8::cos, &x2, &mut out);
            let interp = exprjit::parse("cos(x)")
                .unwrap()
                .interpreter(&["x"])
                .unwrap();
            let (mut vs_glibc, mut vs_interp) = (0, 0);
            for (&v, &c) in x2.iter().zip(&out) {
                vs_glibc = vs_glibc.max(native::ulps(c, v.cos()));
                vs_interp = vs_interp.max(native::ulps(c, interp.call(&[v]).unwrap()));
            }
            s.notes.push(format!(
                "rust_simd_cos at {size}: `wide` {} `f64x8::cos` differs from glibc's `cos` by at most {vs_glibc} ulp and from exprjit's interpreter (fast math) by at most {vs_interp} ulp on this story's x",
                WIDE_VERSION
            ));
            s.add(
                "rust_simd_cos",
                Kind::Rust,
                &size,
                m,
                expect,
                Box::new(move |check| {
                    native::map8(level, wide::f64x8::cos, black_box(&x2[..]), &mut out);
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
        }
        if !fast {
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
    let arrays = [y.clone(), t.clone()];
    add_width_maps(
        &mut s,
        false,
        SEED,
        &SEED_VARS,
        &arrays,
        &[h],
        &size,
        n,
        expect,
    );
    // `seed_rust`'s loop body, `h` captured.
    let seed = move |y: f64, t: f64| y + h * y * y * (t + y).cos();
    add_native2(&mut s, "rust_native", seed, &y, &t, &size, n, expect);
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
    let (mut out, level) = (vec![0.0; n], Level::detect());
    s.add(
        "rust_native",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |check| {
            native::grid2(
                level,
                |i, j| 100000.0 * i + 1000.0 * j,
                black_box(cols),
                &mut out,
            );
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

/// A one-input map story: exprjit per width, the interpreter when `slow`,
/// hand-written Rust (`rust`) and the same loop for this CPU
/// (`rust_native`). `f` is `text` written in Rust, same operation order.
#[allow(clippy::too_many_arguments)]
fn map_story(
    id: &'static str,
    title: String,
    text: &str,
    var: &str,
    f: impl Fn(f64) -> f64 + Copy + 'static,
    x: Vec<f64>,
    slow: bool,
) -> Story {
    let mut s = Story::new(id, title, "element", "rust");
    let n = x.len();
    let size = size_label(n);
    let x = Rc::new(x);
    let expect = abs_sum(&x.iter().map(|&v| f(v)).collect::<Vec<_>>());
    add_width_maps(
        &mut s,
        true,
        text,
        &[var],
        std::slice::from_ref(&x),
        &[],
        &size,
        n,
        expect,
    );
    let (x2, mut out) = (x.clone(), vec![0.0; n]);
    s.add(
        "rust",
        Kind::Rust,
        &size,
        n,
        expect,
        Box::new(move |check| {
            for (o, &v) in out.iter_mut().zip(black_box(&x2[..])) {
                *o = f(v);
            }
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
    add_native1(&mut s, f, &x, &size, n, expect);
    if slow {
        let k = Engine::new().map(&[text], &[var]).unwrap();
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
    }
    s
}

/// Issue 16's rational formula.
pub const RATIONAL: &str = "((0.3*x + 1.2)*x - 0.7)*x/(1 + x*x)";

/// [`RATIONAL`] over `n` elements, x in [-2, 2]: arithmetic and one
/// division, no function call (the formula `-C target-cpu=native` helps
/// most).
pub fn map_rational(n: usize, slow: bool) -> Story {
    map_story(
        "map_rational",
        format!("`out = {RATIONAL}` over an array, x in [-2, 2]"),
        RATIONAL,
        "x",
        |x| ((0.3 * x + 1.2) * x - 0.7) * x / (1.0 + x * x),
        linspace(n, -2.0, 2.0),
        slow,
    )
}

/// The spherical Bessel function j6 in closed form (the README's
/// cancellation example).
pub const J6: &str = "-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7";

/// [`J6`] written in Rust, same operation order (`z^k` as the products the
/// rewrite makes of it would differ in the last bits; the checksum is
/// compared loosely).
#[inline(always)]
pub fn j6_rust(z: f64) -> f64 {
    let z2 = z * z;
    let z3 = z2 * z;
    let z4 = z2 * z2;
    let z5 = z4 * z;
    let z6 = z3 * z3;
    let z7 = z6 * z;
    -((z6 - 210.0 * z4 + 4725.0 * z2 - 10395.0) * z.sin()
        + (21.0 * z5 - 1260.0 * z3 + 10395.0 * z) * z.cos())
        / z7
}

/// [`J6`] over `n` elements, z in [0.5, 17]: two calls (`sin`, `cos`) and
/// a polynomial per element.
pub fn map_j6(n: usize, slow: bool) -> Story {
    map_story(
        "map_j6",
        format!("`out = {J6}` over an array, z in [0.5, 17]"),
        J6,
        "z",
        j6_rust,
        linspace(n, 0.5, 17.0),
        slow,
    )
}

/// The 17 expressions of ExprTk's `exprtk_benchmark.cpp`
/// (github.com/ArashPartow/exprtk), as ExprTk writes them.
pub const EXPRTK: [&str; 17] = [
    "(y + x)",
    "2 * (y + x)",
    "(2 * y + 2 * x)",
    "((1.23 * x^2) / y) - 123.123",
    "(y + x / y) * (x - y / x)",
    "x / ((x + y) + (x - y)) / y",
    "1 - ((x * y) + (y / x)) - 3",
    "(5.5 + x) + (2 * x - 2 / 3 * y) * (x / 3 + y / 4) + (y + 7.7)",
    "1.1x^1 + 2.2y^2 - 3.3x^3 + 4.4y^15 - 5.5x^23 + 6.6y^55",
    "sin(2 * x) + cos(pi / y)",
    "1 - sin(2 * x) + cos(pi / y)",
    "sqrt(111.111 - sin(2 * x) + cos(pi / y) / 333.333)",
    "(x^2 / sin(2 * pi / y)) - x / 2",
    "x + (cos(y - sin(2 / x * pi)) - sin(x - cos(2 * y / pi))) - y",
    "clamp(-1.0, sin(2 * pi * x) + cos(y / 2 * pi), +1.0)",
    "max(3.33, min(sqrt(1 - sin(2 * x) + cos(pi / y) / 3), 1.11))",
    "if((y + (x * 2.2)) <= (x + y + 1.1), x - y, x * y) + 2 * pi / x",
];

/// ExprTk's expression `i` in exprjit's language, and what was changed.
/// Two need a rewrite: ExprTk reads `1.1x` as `1.1*x` (exprjit asks for
/// the `*`), and its `clamp(lo, v, hi)` is exprjit's `clamp(v, lo, hi)`.
pub fn exprtk_in_exprjit(i: usize) -> (&'static str, Option<&'static str>) {
    match i {
        8 => (
            "1.1*x^1 + 2.2*y^2 - 3.3*x^3 + 4.4*y^15 - 5.5*x^23 + 6.6*y^55",
            Some("implicit products `1.1x` written `1.1*x`"),
        ),
        14 => (
            "clamp(sin(2 * pi * x) + cos(y / 2 * pi), -1.0, +1.0)",
            Some("ExprTk's `clamp(lo, v, hi)` is exprjit's `clamp(v, lo, hi)`"),
        ),
        _ => (EXPRTK[i], None),
    }
}

/// ExprTk's step of the sweep (`global_delta`).
pub const EXPRTK_DELTA: f64 = 0.0111;

/// ExprTk's sweep of one variable: from -100 while `<= 100`, adding
/// `delta` each time (the same accumulated additions as its
/// `for (x = lo; x <= hi; x += delta)`).
pub fn exprtk_sweep(delta: f64) -> Vec<f64> {
    let mut v = Vec::new();
    let mut x = -100.0f64;
    while x <= 100.0 {
        v.push(x);
        x += delta;
    }
    v
}

/// `f` at every point of ExprTk's sweep, flattened (x outer): the map
/// form's inputs.
fn exprtk_grid(sweep: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = sweep.len();
    let mut xs = Vec::with_capacity(n * n);
    let mut ys = Vec::with_capacity(n * n);
    for &x in sweep {
        for &y in sweep {
            xs.push(x);
            ys.push(y);
        }
    }
    (xs, ys)
}

/// ExprTk's `native` functions (its `func00`..`func16`), in Rust.
// `e15` is ExprTk's `max(3.33, min(.., 1.11))`: always 3.33, kept as ExprTk
// wrote it.
#[allow(clippy::min_max)]
mod exprtk_rust {
    use std::f64::consts::PI;

    macro_rules! f {
        ($($name:ident($x:ident, $y:ident) $body:expr;)*) => {
            $(#[inline(always)] pub fn $name($x: f64, $y: f64) -> f64 { $body })*
        };
    }
    #[inline(always)]
    fn clamp(l: f64, v: f64, u: f64) -> f64 {
        if v < l {
            l
        } else if v > u {
            u
        } else {
            v
        }
    }
    f! {
        e00(x, y) y + x;
        e01(x, y) 2.0 * (y + x);
        e02(x, y) 2.0 * y + 2.0 * x;
        e03(x, y) (1.23 * (x * x)) / y - 123.123;
        e04(x, y) (y + x / y) * (x - y / x);
        e05(x, y) x / ((x + y) + (x - y)) / y;
        e06(x, y) 1.0 - ((x * y) + (y / x)) - 3.0;
        e07(x, y) (5.5 + x) + (2.0 * x - 2.0 / 3.0 * y) * (x / 3.0 + y / 4.0) + (y + 7.7);
        e08(x, y) 1.1 * x.powi(1) + 2.2 * y.powi(2) - 3.3 * x.powi(3) + 4.4 * y.powi(15)
            - 5.5 * x.powi(23) + 6.6 * y.powi(55);
        e09(x, y) (2.0 * x).sin() + (PI / y).cos();
        e10(x, y) 1.0 - (2.0 * x).sin() + (PI / y).cos();
        e11(x, y) (111.111 - (2.0 * x).sin() + (PI / y).cos() / 333.333).sqrt();
        e12(x, y) (x * x) / (2.0 * PI / y).sin() - x / 2.0;
        e13(x, y) x + ((y - (2.0 / x * PI).sin()).cos() - (x - (2.0 * y / PI).cos()).sin()) - y;
        e14(x, y) clamp(-1.0, (2.0 * PI * x).sin() + (y / 2.0 * PI).cos(), 1.0);
        e15(x, y) 3.33f64.max(((1.0 - (2.0 * x).sin() + (PI / y).cos() / 3.0).sqrt()).min(1.11));
        e16(x, y) (if y + x * 2.2 <= x + y + 1.1 { x - y } else { x * y }) + 2.0 * PI / x;
    }
}

/// The ExprTk story: its 17 benchmark expressions over its sweep of x and
/// y in [-100, 100] with step `delta` (ExprTk's own is
/// [`EXPRTK_DELTA`]), one size label per expression (`e00`..`e16`).
/// Rows: `jit_call` (`Compiled::call` in ExprTk's double loop, the sum of
/// |f| as its `total`), `rust` (ExprTk's `native` functions in the same
/// loop, the baseline), `jit` and `jit_f64x2` (a map over the sweep's
/// points, flattened), `rust_map` and `rust_native` (the native functions
/// in a loop over the same arrays, baseline and for this CPU), and as a
/// grid (`Engine::grid` over i, j with x = -100 + i*delta, y = -100 +
/// j*delta: `jit_grid`; the same by hand: `rust_grid`, `rust_grid_native`).
pub fn exprtk(delta: f64) -> Story {
    let sweep = Rc::new(exprtk_sweep(delta));
    let (xs, ys) = exprtk_grid(&sweep);
    let per = xs.len();
    let mut s = Story::new(
        "exprtk",
        format!(
            "ExprTk's benchmark (`exprtk_benchmark.cpp`): its 17 expressions over x, y in [-100, 100] with step {delta} ({} × {} = {per} points; ExprTk's own step is {EXPRTK_DELTA}), size `eNN` = expression NN",
            sweep.len(),
            sweep.len()
        ),
        "point",
        "rust",
    );
    let (xs, ys) = (Rc::new(xs), Rc::new(ys));
    macro_rules! each {
        ($($i:literal $f:ident),*) => {
            $(exprtk_one(&mut s, $i, exprtk_rust::$f, delta, &sweep, &xs, &ys);)*
        };
    }
    each!(0 e00, 1 e01, 2 e02, 3 e03, 4 e04, 5 e05, 6 e06, 7 e07, 8 e08, 9 e09,
        10 e10, 11 e11, 12 e12, 13 e13, 14 e14, 15 e15, 16 e16);
    for i in 0..EXPRTK.len() {
        if let (text, Some(why)) = exprtk_in_exprjit(i) {
            s.notes
                .push(format!("e{i:02} is given to exprjit as `{text}`: {why}"));
        }
    }
    s.skipped.push(
        "muParser: skipped (libmuparser-dev not installed; the story has no muParser shim)"
            .to_string(),
    );
    s
}

/// `text` with the variables x and y replaced by the grid's points
/// `gx0 + i*gdx` and `gx0 + j*gdx` (whole identifiers only: `max` keeps its
/// `x`).
pub fn exprtk_grid_text(text: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match word.as_str() {
            "x" => out.push_str("(gx0 + i*gdx)"),
            "y" => out.push_str("(gx0 + j*gdx)"),
            w => out.push_str(w),
        }
        word.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' || (ch == '.' && !word.is_empty()) {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn exprtk_one(
    s: &mut Story,
    i: usize,
    f: impl Fn(f64, f64) -> f64 + Copy + 'static,
    delta: f64,
    sweep: &Rc<Vec<f64>>,
    xs: &Rc<Vec<f64>>,
    ys: &Rc<Vec<f64>>,
) {
    let size = format!("e{i:02}");
    let per = xs.len();
    let text = exprtk_in_exprjit(i).0;
    let expect = native::sweep(Level::Baseline, f, sweep, sweep);
    let c = Engine::new()
        .parse(text)
        .and_then(|e| e.compile(&["x", "y"]));
    match c {
        Ok(c) => {
            let sw = sweep.clone();
            s.add(
                "jit_call",
                Kind::Jit,
                &size,
                per,
                expect,
                Box::new(move |_| {
                    let mut total = 0.0;
                    for &x in black_box(&sw[..]) {
                        for &y in &sw[..] {
                            total += c.call(&[x, y]).unwrap().abs();
                        }
                    }
                    total
                }),
            );
        }
        Err(e) => s
            .skipped
            .push(format!("e{i:02}: exprjit cannot compile `{text}`: {e}")),
    }
    let sw = sweep.clone();
    s.add(
        "rust",
        Kind::Rust,
        &size,
        per,
        expect,
        Box::new(move |_| native::sweep(Level::Baseline, f, black_box(&sw[..]), &sw[..])),
    );
    for (name, width) in [("jit", Width::Auto), ("jit_f64x2", Width::F64x2)] {
        match Engine::new().with_width(width).map(&[text], &["x", "y"]) {
            Ok(k) => s.add(
                name,
                Kind::Jit,
                &size,
                per,
                expect,
                map_run(k, vec![xs.clone(), ys.clone()], Vec::new(), per),
            ),
            Err(e) => s
                .skipped
                .push(format!("e{i:02}: exprjit cannot map `{text}`: {e}")),
        }
    }
    let (a, b, mut out) = (xs.clone(), ys.clone(), vec![0.0; per]);
    s.add(
        "rust_map",
        Kind::Rust,
        &size,
        per,
        expect,
        Box::new(move |check| {
            native::map2(Level::Baseline, f, black_box(&a[..]), &b[..], &mut out);
            if check { abs_sum(&out) } else { 0.0 }
        }),
    );
    add_native2(s, "rust_native", f, xs, ys, &size, per, expect);

    // As a grid: point (i, j) is x = -100 + i*delta, y = -100 + j*delta
    // (computed, not accumulated as in the sweep, so its checksum is its
    // own, from the hand-written grid).
    let m = sweep.len();
    let at = move |i: f64, j: f64| f(-100.0 + i * delta, -100.0 + j * delta);
    let grid_expect = {
        let mut out = vec![0.0; m * m];
        native::grid2(Level::Baseline, at, m, &mut out);
        abs_sum(&out)
    };
    let gtext = exprtk_grid_text(text);
    match Engine::new().grid(&gtext, 2, &["gx0", "gdx"]) {
        Ok(k) => {
            let k = k.with_parallel(Parallel::serial());
            let mut out = vec![0.0; m * m];
            s.add(
                "jit_grid",
                Kind::Jit,
                &size,
                m * m,
                grid_expect,
                Box::new(move |check| {
                    k.run2(black_box(m), m, &[-100.0, delta], &mut out).unwrap();
                    if check { abs_sum(&out) } else { 0.0 }
                }),
            );
        }
        Err(e) => s
            .skipped
            .push(format!("e{i:02}: exprjit cannot grid `{gtext}`: {e}")),
    }
    for (name, level) in [
        ("rust_grid", Level::Baseline),
        ("rust_grid_native", Level::detect()),
    ] {
        let mut out = vec![0.0; m * m];
        s.add(
            name,
            Kind::Rust,
            &size,
            m * m,
            grid_expect,
            Box::new(move |check| {
                native::grid2(level, at, black_box(m), &mut out);
                if check { abs_sum(&out) } else { 0.0 }
            }),
        );
    }
}

//! The expression set (`benches/exprs.txt`): every formula through every
//! contender, answers cross-checked against exprjit's interpreter before
//! anything is timed.
//!
//! The rule: exprjit's JIT (scalar call and map kernel) must give the
//! interpreter's bits exactly (NaN matches NaN). A peer agrees at a point
//! when both are NaN, or both the same infinity, or
//! `|a - b| <= 1e-9 * max(|a|, |b|)`, or `|a - b| <= 1e-12` (results that
//! cancel to near zero). A peer that cannot parse or evaluate a formula, or
//! disagrees at any of the 64 points, is reported for that formula and not
//! timed on it; the timed story runs the formulas that every contender
//! passed.

use std::hint::black_box;

use exprjit::{Engine, Input, MapKernel, Parallel};

use super::peers::{AnyPeer, Interp, Jit, PEERS, Scalar};
use super::stories::{Case, Kind, Story};

/// Relative tolerance for peers.
pub const REL_TOL: f64 = 1e-9;
/// Absolute tolerance for peers (results near zero).
pub const ABS_TOL: f64 = 1e-12;
/// Points per formula.
pub const POINTS: usize = 64;

/// One line of the set.
#[derive(Debug, Clone)]
pub struct Formula {
    /// The variables, in call order.
    pub vars: Vec<String>,
    /// The formula in exprjit's language.
    pub text: String,
}

impl Formula {
    fn var_refs(&self) -> Vec<&str> {
        self.vars.iter().map(String::as_str).collect()
    }

    /// The 64 points, flat: point `i` is `[i*v .. (i+1)*v]`.
    pub fn points(&self) -> Vec<f64> {
        let v = self.vars.len();
        let mut out = Vec::with_capacity(POINTS * v);
        for i in 0..POINTS {
            for k in 0..v {
                let u = 0.5 + (i + 1) as f64 * 0.618_033_988_7 + k as f64 * 0.381_966_011_3;
                out.push(0.1 + 0.8 * u.fract());
            }
        }
        out
    }

    /// The same points as one column per variable.
    pub fn columns(&self) -> Vec<Vec<f64>> {
        let v = self.vars.len();
        let p = self.points();
        (0..v)
            .map(|k| (0..POINTS).map(|i| p[i * v + k]).collect())
            .collect()
    }
}

/// The set, parsed from `benches/exprs.txt`.
pub fn load() -> Vec<Formula> {
    include_str!("../exprs.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (vars, text) = l.split_once('|').expect("`VARS | FORMULA`");
            Formula {
                vars: vars
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                text: text.trim().to_string(),
            }
        })
        .collect()
}

/// Whether a peer's `a` agrees with exprjit's `b`.
pub fn agree(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    let d = (a - b).abs();
    d <= REL_TOL * a.abs().max(b.abs()) || d <= ABS_TOL
}

fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// One contender's trouble with one formula.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The contender.
    pub contender: String,
    /// Index into [`Checked::formulas`].
    pub formula: usize,
    /// What went wrong.
    pub why: String,
}

/// The outcome of the cross-check.
pub struct Checked {
    /// The set.
    pub formulas: Vec<Formula>,
    /// The contenders, in table order.
    pub contenders: Vec<String>,
    /// For each contender, the formulas it passed.
    pub passed: Vec<Vec<usize>>,
    /// Everything that went wrong.
    pub failures: Vec<Failure>,
    /// The formulas every contender passed (the timed ones).
    pub common: Vec<usize>,
    /// Formulas where at least two peers evaluated, every one of them
    /// disagrees with exprjit, and they all agree with one another: exprjit
    /// may be the one that is wrong there.
    pub suspect: Vec<usize>,
}

/// The exprjit contenders of the set.
pub const EXPRJIT: [&str; 3] = ["jit", "jit_map", "interpreter"];

fn short(v: f64) -> String {
    format!("{v:.17e}")
}

/// Evaluates every formula with every contender and compares.
pub fn check() -> Checked {
    let formulas = load();
    let mut contenders: Vec<String> = EXPRJIT.iter().map(|s| s.to_string()).collect();
    contenders.extend(PEERS.iter().map(|p| p.name().to_string()));
    let mut passed = vec![Vec::new(); contenders.len()];
    let mut failures = Vec::new();
    let mut suspect = Vec::new();
    let engine = Engine::new();
    for (fi, f) in formulas.iter().enumerate() {
        let vars = f.var_refs();
        let v = vars.len();
        let pts = f.points();
        let fail = |c: &str, why: String, failures: &mut Vec<Failure>| {
            failures.push(Failure {
                contender: c.to_string(),
                formula: fi,
                why,
            })
        };
        let expr = match engine.parse(&f.text) {
            Ok(e) => e,
            Err(e) => {
                for c in &contenders {
                    fail(c, format!("exprjit cannot parse it: {e}"), &mut failures);
                }
                continue;
            }
        };
        let mut reference = Interp(expr.interpreter(&vars).expect("interpreter"));
        let want: Vec<f64> = (0..POINTS)
            .map(|i| reference.eval(&pts[i * v..(i + 1) * v]).unwrap_or(f64::NAN))
            .collect();
        passed[2].push(fi);
        // The JIT, one call at a time: the interpreter's bits.
        match expr.compile(&vars) {
            Ok(c) => {
                let mut j = Jit(c);
                let bad = (0..POINTS).find(|&i| {
                    !same_bits(
                        j.eval(&pts[i * v..(i + 1) * v]).unwrap_or(f64::NAN),
                        want[i],
                    )
                });
                match bad {
                    None => passed[0].push(fi),
                    Some(i) => fail(
                        "jit",
                        format!("not bit-identical to the interpreter at point {i}"),
                        &mut failures,
                    ),
                }
            }
            Err(e) => fail("jit", format!("cannot compile: {e}"), &mut failures),
        }
        // The map kernel over the 64 points: the interpreter's bits.
        match engine.map(&[f.text.as_str()], &vars) {
            Ok(k) => {
                let cols = f.columns();
                let inputs: Vec<Input> = cols.iter().map(Input::from).collect();
                let got = k.eval(&inputs).map(|mut o| o.remove(0));
                match got {
                    Ok(got) if got.iter().zip(&want).all(|(a, b)| same_bits(*a, *b)) => {
                        passed[1].push(fi)
                    }
                    Ok(_) => fail(
                        "jit_map",
                        "not bit-identical to the interpreter".to_string(),
                        &mut failures,
                    ),
                    Err(e) => fail("jit_map", format!("cannot run: {e}"), &mut failures),
                }
            }
            Err(e) => fail("jit_map", format!("cannot compile: {e}"), &mut failures),
        }
        let mut outputs: Vec<Vec<f64>> = Vec::new();
        let mut all_differ = true;
        for (pi, peer) in PEERS.iter().enumerate() {
            let name = peer.name();
            let mut p = match AnyPeer::new(*peer, &f.text, &vars) {
                Ok(p) => p,
                Err(e) => {
                    fail(name, format!("cannot parse: {e}"), &mut failures);
                    continue;
                }
            };
            let got: Result<Vec<f64>, String> = (0..POINTS)
                .map(|i| p.eval(&pts[i * v..(i + 1) * v]))
                .collect();
            let got = match got {
                Ok(g) => g,
                Err(e) => {
                    fail(name, format!("cannot evaluate: {e}"), &mut failures);
                    continue;
                }
            };
            let mut why = None;
            for (i, &got) in got.iter().enumerate() {
                let at = &pts[i * v..(i + 1) * v];
                match got {
                    got if !agree(got, want[i]) => {
                        let args: Vec<String> = vars
                            .iter()
                            .zip(at)
                            .map(|(n, x)| format!("{n}={x:.6}"))
                            .collect();
                        why = Some(format!(
                            "differs at {}: {} where exprjit gives {}",
                            args.join(", "),
                            short(got),
                            short(want[i])
                        ));
                        break;
                    }
                    _ => {}
                }
            }
            all_differ &= why.is_some();
            outputs.push(got);
            match why {
                None => passed[EXPRJIT.len() + pi].push(fi),
                Some(w) => fail(name, w, &mut failures),
            }
        }
        let peers_agree = outputs
            .iter()
            .all(|o| o.iter().zip(&outputs[0]).all(|(a, b)| agree(*a, *b)));
        if outputs.len() >= 2 && all_differ && peers_agree {
            suspect.push(fi);
        }
    }
    let common = (0..formulas.len())
        .filter(|fi| passed.iter().all(|p| p.contains(fi)))
        .collect();
    Checked {
        formulas,
        contenders,
        passed,
        failures,
        common,
        suspect,
    }
}

/// The timed story: every contender over the formulas every contender
/// passed, 64 points each.
pub fn story(checked: &Checked) -> Story {
    let common: Vec<Formula> = checked
        .common
        .iter()
        .map(|&i| checked.formulas[i].clone())
        .collect();
    let per = common.len() * POINTS;
    let size = format!("{}x{POINTS}", common.len());
    let engine = Engine::new();
    let expect: f64 = common
        .iter()
        .map(|f| {
            let i = engine
                .parse(&f.text)
                .unwrap()
                .interpreter(&f.var_refs())
                .unwrap();
            let (p, v) = (f.points(), f.vars.len());
            (0..POINTS)
                .map(|k| i.call(&p[k * v..(k + 1) * v]).unwrap())
                .sum::<f64>()
        })
        .sum();
    let points: Vec<(Vec<f64>, usize)> =
        common.iter().map(|f| (f.points(), f.vars.len())).collect();
    let mut cases = Vec::new();
    let mut case = |name: &str, kind: Kind, run: Box<dyn FnMut(bool) -> f64>| {
        cases.push(Case {
            name: name.to_string(),
            kind,
            size: size.clone(),
            per: per as f64,
            expect,
            run,
        })
    };
    fn sweep<S: Scalar>(s: &mut S, p: &[f64], v: usize) -> f64 {
        let mut sum = 0.0;
        for at in p.chunks_exact(v.max(1)).take(POINTS) {
            sum += s.eval(black_box(at)).unwrap_or(f64::NAN);
        }
        sum
    }
    let mut jits: Vec<Jit> = common
        .iter()
        .map(|f| {
            Jit(engine
                .parse(&f.text)
                .unwrap()
                .compile(&f.var_refs())
                .unwrap())
        })
        .collect();
    let pts = points.clone();
    case(
        "jit",
        Kind::Jit,
        Box::new(move |_| {
            let mut sum = 0.0;
            for (j, (p, v)) in jits.iter_mut().zip(&pts) {
                sum += sweep(j, p, *v);
            }
            sum
        }),
    );
    let maps: Vec<(MapKernel, Vec<Vec<f64>>)> = common
        .iter()
        .map(|f| {
            let k = engine
                .map(&[f.text.as_str()], &f.var_refs())
                .unwrap()
                .with_parallel(Parallel::serial());
            (k, f.columns())
        })
        .collect();
    let mut out = vec![0.0; POINTS];
    case(
        "jit_map",
        Kind::Jit,
        Box::new(move |_| {
            let mut sum = 0.0;
            for (k, cols) in &maps {
                let inputs: Vec<Input> = cols.iter().map(Input::from).collect();
                k.run(black_box(&inputs), &mut [&mut out]).unwrap();
                sum += out.iter().sum::<f64>();
            }
            sum
        }),
    );
    let mut interps: Vec<Interp> = common
        .iter()
        .map(|f| {
            Interp(
                engine
                    .parse(&f.text)
                    .unwrap()
                    .interpreter(&f.var_refs())
                    .unwrap(),
            )
        })
        .collect();
    let pts = points.clone();
    case(
        "interpreter",
        Kind::Interp,
        Box::new(move |_| {
            let mut sum = 0.0;
            for (j, (p, v)) in interps.iter_mut().zip(&pts) {
                sum += sweep(j, p, *v);
            }
            sum
        }),
    );
    for peer in PEERS {
        let mut ps: Vec<AnyPeer> = common
            .iter()
            .map(|f| AnyPeer::new(peer, &f.text, &f.var_refs()).unwrap())
            .collect();
        let pts = points.clone();
        case(
            peer.name(),
            Kind::Peer,
            Box::new(move |_| {
                let mut sum = 0.0;
                for (p, (at, v)) in ps.iter_mut().zip(&pts) {
                    sum += each_peer!(p, q => sweep(q, at, *v));
                }
                sum
            }),
        );
    }
    Story {
        id: "expr_set",
        title: format!(
            "Expression set (benches/exprs.txt): the {} of {} formulas every contender passed, {POINTS} points each",
            common.len(),
            checked.formulas.len()
        ),
        unit: "eval",
        baseline: "jit",
        cases,
        skipped: Vec::new(),
        notes: Vec::new(),
    }
}

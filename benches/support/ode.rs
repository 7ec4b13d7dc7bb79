//! The `ode` stories (issue 13): exprjit's adaptive Dormand–Prince on the
//! Lorenz system against the same method written by hand in Rust (the
//! limit), and its interpreter twin; and an ensemble of damped
//! oscillators on 1 and 2 threads.
//!
//! The checksum is the number of accepted steps: the final state of a
//! chaotic system over [0, 20] differs in the 8th digit between two
//! implementations that differ in the last bit of one `pow`, but the step
//! sequence does not (SciPy's `solve_ivp` takes the same 2,970 steps).

use std::hint::black_box;

use exprjit::{Engine, MathMode, OdeKernel, OdeOptions, OdeSpec, Parallel};

use super::stories::{Case, Kind, Story};

/// Lorenz parameters s, r, b.
pub const LORENZ: [f64; 3] = [10.0, 28.0, 8.0 / 3.0];

fn lorenz_rhs(_t: f64, u: &[f64; 3]) -> [f64; 3] {
    let [s, r, b] = LORENZ;
    [
        s * (u[1] - u[0]),
        u[0] * (r - u[2]) - u[1],
        u[0] * u[1] - b * u[2],
    ]
}

/// What a hand-written solve returns: final state, accepted, rejected,
/// right-hand-side evaluations.
pub type Solved<const N: usize> = ([f64; N], u64, u64, u64);

fn rms<const N: usize>(x: &[f64; N]) -> f64 {
    let mut acc = 0.0;
    for v in x {
        acc += v * v;
    }
    acc.sqrt() / (N as f64).sqrt()
}

/// Dormand–Prince 5(4) as SciPy's `RK45` does it (FSAL, RMS error norm,
/// factor `0.9·err^(-1/5)` in `[0.2, 10]`, Hairer's first step), by hand,
/// on fixed-size arrays: the limit a compiled solver can reach.
pub fn dp5_rust<const N: usize>(
    f: impl Fn(f64, &[f64; N]) -> [f64; N],
    t0: f64,
    t_end: f64,
    y0: [f64; N],
    rtol: f64,
    atol: f64,
) -> Solved<N> {
    const C: [f64; 6] = [0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0];
    const A: [[f64; 5]; 6] = [
        [0.0; 5],
        [0.2, 0.0, 0.0, 0.0, 0.0],
        [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0],
        [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0],
        [
            19372.0 / 6561.0,
            -25360.0 / 2187.0,
            64448.0 / 6561.0,
            -212.0 / 729.0,
            0.0,
        ],
        [
            9017.0 / 3168.0,
            -355.0 / 33.0,
            46732.0 / 5247.0,
            49.0 / 176.0,
            -5103.0 / 18656.0,
        ],
    ];
    const B: [f64; 6] = [
        35.0 / 384.0,
        0.0,
        500.0 / 1113.0,
        125.0 / 192.0,
        -2187.0 / 6784.0,
        11.0 / 84.0,
    ];
    const E: [f64; 7] = [
        -71.0 / 57600.0,
        0.0,
        71.0 / 16695.0,
        -71.0 / 1920.0,
        17253.0 / 339200.0,
        -22.0 / 525.0,
        1.0 / 40.0,
    ];
    let mut nfev = 1;
    let mut y = y0;
    let mut t = t0;
    let mut fy = f(t, &y);
    // First step (SciPy's select_initial_step).
    let mut h_abs = {
        let mut scale = [0.0; N];
        let (mut s0, mut s1) = ([0.0; N], [0.0; N]);
        for i in 0..N {
            scale[i] = atol + y[i].abs() * rtol;
            s0[i] = y[i] / scale[i];
            s1[i] = fy[i] / scale[i];
        }
        let (d0, d1) = (rms(&s0), rms(&s1));
        let h0 = if d0 < 1e-5 || d1 < 1e-5 {
            1e-6
        } else {
            0.01 * d0 / d1
        };
        let h0 = h0.min(t_end - t0);
        let mut y1 = [0.0; N];
        for i in 0..N {
            y1[i] = y[i] + h0 * fy[i];
        }
        let f1 = f(t0 + h0, &y1);
        nfev += 1;
        let mut s2 = [0.0; N];
        for i in 0..N {
            s2[i] = (f1[i] - fy[i]) / scale[i];
        }
        let d2 = rms(&s2) / h0;
        let h1 = if d1 <= 1e-15 && d2 <= 1e-15 {
            (h0 * 1e-3).max(1e-6)
        } else {
            (0.01 / d1.max(d2)).powf(0.2)
        };
        (100.0 * h0).min(h1).min(t_end - t0)
    };
    let (mut accepted, mut rejected) = (0, 0);
    let mut k = [[0.0; N]; 7];
    while t < t_end {
        let floor = 10.0 * (t.next_up() - t);
        h_abs = h_abs.max(floor);
        let mut was_rejected = false;
        loop {
            if h_abs < floor {
                return (y, accepted, rejected, nfev); // too small: not in this story
            }
            let t_new = (t + h_abs).min(t_end);
            let h = t_new - t;
            h_abs = h.abs();
            k[0] = fy;
            for s in 1..6 {
                let mut ys = [0.0; N];
                for i in 0..N {
                    let mut dot = 0.0;
                    for j in 0..s {
                        dot += k[j][i] * A[s][j];
                    }
                    ys[i] = y[i] + dot * h;
                }
                k[s] = f(t + C[s] * h, &ys);
            }
            let mut y_new = [0.0; N];
            for i in 0..N {
                let mut dot = 0.0;
                for j in 0..6 {
                    dot += k[j][i] * B[j];
                }
                y_new[i] = y[i] + h * dot;
            }
            k[6] = f(t + h, &y_new);
            nfev += 6;
            let mut e = [0.0; N];
            for i in 0..N {
                let scale = atol + y[i].abs().max(y_new[i].abs()) * rtol;
                let mut dot = 0.0;
                for j in 0..7 {
                    dot += k[j][i] * E[j];
                }
                e[i] = dot * h / scale;
            }
            let err = rms(&e);
            if err < 1.0 {
                let mut factor = if err == 0.0 {
                    10.0
                } else {
                    (0.9 * err.powf(-0.2)).min(10.0)
                };
                if was_rejected {
                    factor = factor.min(1.0);
                }
                h_abs *= factor;
                accepted += 1;
                t = t_new;
                y = y_new;
                fy = k[6];
                break;
            }
            h_abs *= (0.9 * err.powf(-0.2)).max(0.2);
            was_rejected = true;
            rejected += 1;
        }
    }
    (y, accepted, rejected, nfev)
}

/// exprjit's Lorenz kernel.
pub fn lorenz_kernel(math: MathMode) -> OdeKernel {
    Engine::new()
        .with_math(math)
        .ode(OdeSpec {
            state: &["x", "y", "z"],
            rhs: &["s*(y-x)", "x*(r-z)-y", "x*y-b*z"],
            params: &["s", "r", "b"],
            ..Default::default()
        })
        .unwrap()
}

fn case(
    name: &str,
    kind: Kind,
    size: &str,
    per: f64,
    expect: f64,
    run: super::stories::Run,
) -> Case {
    Case {
        name: name.to_string(),
        kind,
        size: size.to_string(),
        per,
        expect,
        run,
    }
}

/// Lorenz on [0, 20], rtol 1e-9, atol 1e-12 (the issue's problem).
pub fn lorenz() -> Story {
    let (y, accepted, _, _) = dp5_rust(lorenz_rhs, 0.0, 20.0, [1.0; 3], 1e-9, 1e-12);
    let _ = y;
    let per = accepted as f64;
    let expect = accepted as f64;
    let opts = || OdeOptions {
        rtol: 1e-9,
        atol: &[1e-12],
        ..OdeOptions::new(0.0, 20.0)
    };
    let mut cases = Vec::new();
    for (name, math) in [("jit", MathMode::Fast), ("jit_libm", MathMode::Libm)] {
        let k = lorenz_kernel(math);
        cases.push(case(
            name,
            Kind::Jit,
            "lorenz",
            per,
            expect,
            Box::new(move |_| {
                let s = k.solve(black_box(&[1.0; 3]), &LORENZ, &opts()).unwrap();
                s.stats.accepted as f64
            }),
        ));
    }
    let k = lorenz_kernel(MathMode::Fast);
    cases.push(case(
        "interp",
        Kind::Interp,
        "lorenz",
        per,
        expect,
        Box::new(move |_| {
            let s = k
                .solve_reference(black_box(&[1.0; 3]), &LORENZ, &opts())
                .unwrap();
            s.stats.accepted as f64
        }),
    ));
    cases.push(case(
        "rust",
        Kind::Rust,
        "lorenz",
        per,
        expect,
        Box::new(|_| {
            let (_, accepted, _, _) = dp5_rust(
                lorenz_rhs,
                black_box(0.0),
                20.0,
                black_box([1.0; 3]),
                1e-9,
                1e-12,
            );
            accepted as f64
        }),
    ));
    Story {
        id: "ode",
        title: "Lorenz system, adaptive Dormand–Prince 5(4) (SciPy's RK45) on [0, 20], \
                rtol 1e-9, atol 1e-12; checksum: accepted steps"
            .to_string(),
        unit: "step",
        baseline: "rust",
        cases,
        skipped: Vec::new(),
        notes: Vec::new(),
    }
}

/// `members` damped oscillators `x'' + c x' + k x = 0` (each its own k, c)
/// on [0, 10], rtol 1e-8, atol 1e-10, on 1 and 2 threads.
pub fn ensemble(members: usize) -> Story {
    let y0: Vec<f64> = (0..members).flat_map(|_| [1.0, 0.0]).collect();
    let p: Vec<f64> = (0..members)
        .flat_map(|m| [1.0 + (m % 100) as f64 * 0.1, 0.05 + (m / 100) as f64 * 0.01])
        .collect();
    let rhs = |k: f64, c: f64| move |_t: f64, u: &[f64; 2]| [u[1], -k * u[0] - c * u[1]];
    let steps: u64 = (0..members)
        .map(|m| {
            dp5_rust(
                rhs(p[2 * m], p[2 * m + 1]),
                0.0,
                10.0,
                [1.0, 0.0],
                1e-8,
                1e-10,
            )
            .1
        })
        .sum();
    let per = steps as f64;
    let size = format!("{members}");
    let mut cases = Vec::new();
    for (name, threads) in [("jit_serial", 1), ("jit_2_threads", 2)] {
        let k = Engine::new()
            .ode(OdeSpec {
                state: &["x", "v"],
                rhs: &["v", "-k*x - c*v"],
                params: &["k", "c"],
                ..Default::default()
            })
            .unwrap()
            .with_parallel(Parallel::threads(threads));
        let (y0, p) = (y0.clone(), p.clone());
        cases.push(case(
            name,
            Kind::Jit,
            &size,
            per,
            per,
            Box::new(move |_| {
                let opts = OdeOptions {
                    rtol: 1e-8,
                    atol: &[1e-10],
                    ..OdeOptions::new(0.0, 10.0)
                };
                let sols = k.solve_ensemble(black_box(&y0), &p, &opts).unwrap();
                sols.iter().map(|s| s.stats.accepted as f64).sum()
            }),
        ));
    }
    let (y0r, pr) = (y0.clone(), p.clone());
    cases.push(case(
        "rust",
        Kind::Rust,
        &size,
        per,
        per,
        Box::new(move |_| {
            (0..y0r.len() / 2)
                .map(|m| {
                    dp5_rust(
                        rhs(pr[2 * m], pr[2 * m + 1]),
                        0.0,
                        10.0,
                        black_box([y0r[2 * m], y0r[2 * m + 1]]),
                        1e-8,
                        1e-10,
                    )
                    .1 as f64
                })
                .sum()
        }),
    ));
    Story {
        id: "ode_ensemble",
        title: format!(
            "{members} damped oscillators, RK45 on [0, 10], rtol 1e-8, atol 1e-10, \
             serial and 2 threads; checksum: accepted steps"
        ),
        unit: "step",
        baseline: "rust",
        cases,
        skipped: Vec::new(),
        notes: Vec::new(),
    }
}

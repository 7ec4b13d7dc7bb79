//! The ODE kernel (issue 13): accuracy against 40-digit references and
//! SciPy's step counts (tests/data/ode, made by tools/ode_reference.py),
//! RK4's order, the JIT equal to its reference twin bit for bit (steps
//! included), ensembles equal to one-by-one solves, and every failure as an
//! error with its message.

use exprjit::{
    Engine, ErrorKind, OdeKernel, OdeMethod, OdeOptions, OdeSolution, OdeSpec, Parallel,
};

fn data(file: &str, key: &str) -> String {
    let path = format!("{}/tests/data/ode/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("{key} not in {path}"))
}

fn num(file: &str, key: &str) -> f64 {
    data(file, key).parse().unwrap()
}

const LORENZ: [f64; 3] = [10.0, 28.0, 8.0 / 3.0];

fn lorenz() -> OdeKernel {
    Engine::new()
        .ode(OdeSpec {
            state: &["x", "y", "z"],
            rhs: &["s*(y-x)", "x*(r-z)-y", "x*y-b*z"],
            params: &["s", "r", "b"],
            ..Default::default()
        })
        .unwrap()
}

fn seed() -> OdeKernel {
    Engine::new()
        .ode(OdeSpec {
            state: &["y"],
            rhs: &["y^2*cos(t+y)"],
            ..Default::default()
        })
        .unwrap()
}

/// Solves with the JIT and the twin and asserts they agree bit for bit.
fn both(ode: &OdeKernel, y0: &[f64], p: &[f64], opts: &OdeOptions<'_>) -> OdeSolution {
    let jit = ode.solve(y0, p, opts).unwrap();
    let twin = ode.solve_reference(y0, p, opts).unwrap();
    assert_eq!(jit.stats, twin.stats);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&jit.y), bits(&twin.y));
    assert_eq!(bits(&jit.y_eval), bits(&twin.y_eval));
    assert_eq!(jit.t.to_bits(), twin.t.to_bits());
    jit
}

#[test]
fn lorenz_takes_scipys_number_of_steps() {
    let opts = OdeOptions {
        rtol: 1e-9,
        atol: &[1e-12],
        ..OdeOptions::new(0.0, 20.0)
    };
    let sol = both(&lorenz(), &[1.0, 1.0, 1.0], &LORENZ, &opts);
    let scipy = num("scipy_lorenz.txt", "accepted");
    let ours = sol.stats.accepted as f64;
    assert!(
        (ours - scipy).abs() <= 0.02 * scipy,
        "{ours} accepted steps, SciPy {scipy}"
    );
    assert_eq!(
        sol.stats.nfev,
        2 + 6 * (sol.stats.accepted + sol.stats.rejected)
    );
    assert_eq!(sol.t, 20.0);
}

#[test]
fn seed_equation_and_lorenz_match_40_digit_references() {
    let tight = |end| OdeOptions {
        rtol: 1e-12,
        atol: &[1e-12],
        ..OdeOptions::new(0.0, end)
    };
    let sol = both(&seed(), &[1.0], &[], &tight(10.0));
    let want = num("reference.txt", "seed_y_10");
    let rel = ((sol.y[0] - want) / want).abs();
    assert!(
        rel < 1e-9,
        "seed y(10) = {}, reference {want}: {rel:e}",
        sol.y[0]
    );

    let sol = both(&lorenz(), &[1.0, 1.0, 1.0], &LORENZ, &tight(2.0));
    for (i, name) in ["x", "y", "z"].iter().enumerate() {
        let want = num("reference.txt", &format!("lorenz_{name}_2"));
        let rel = ((sol.y[i] - want) / want).abs();
        assert!(
            rel < 1e-9,
            "lorenz {name}(2) = {}, reference {want}: {rel:e}",
            sol.y[i]
        );
    }
}

#[test]
fn dense_output_at_t_eval_is_accurate_and_does_not_change_the_steps() {
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["u", "v"],
            rhs: &["v", "-u"],
            ..Default::default()
        })
        .unwrap();
    let t_eval: Vec<f64> = (0..=40).map(|i| i as f64 * 0.25).collect();
    let plain = OdeOptions {
        rtol: 1e-10,
        atol: &[1e-12],
        ..OdeOptions::new(0.0, 10.0)
    };
    let with = OdeOptions {
        t_eval: &t_eval,
        ..plain
    };
    let a = both(&ode, &[0.0, 1.0], &[], &plain);
    let b = both(&ode, &[0.0, 1.0], &[], &with);
    assert_eq!(a.stats, b.stats);
    assert_eq!(a.y, b.y);
    assert_eq!(b.y_eval.len(), 41 * 2);
    assert_eq!(b.row(0), [0.0, 1.0]);
    for (r, &t) in t_eval.iter().enumerate() {
        assert!(
            (b.row(r)[0] - t.sin()).abs() < 1e-8,
            "u({t}) = {}",
            b.row(r)[0]
        );
        assert!(
            (b.row(r)[1] - t.cos()).abs() < 1e-8,
            "v({t}) = {}",
            b.row(r)[1]
        );
    }
}

#[test]
fn rk4_is_fourth_order() {
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["y"],
            rhs: &["-y"],
            ..Default::default()
        })
        .unwrap();
    let err = |h: f64| {
        let opts = OdeOptions {
            method: OdeMethod::Rk4 { h },
            ..OdeOptions::new(0.0, 1.0)
        };
        let sol = both(&ode, &[1.0], &[], &opts);
        assert_eq!(sol.stats.accepted, (1.0 / h).round() as u64);
        assert_eq!(sol.stats.nfev, 1 + 4 * sol.stats.accepted);
        (sol.y[0] - (-1.0f64).exp()).abs()
    };
    let errs: Vec<f64> = [0.1, 0.05, 0.025].iter().map(|&h| err(h)).collect();
    for w in errs.windows(2) {
        let ratio = w[0] / w[1];
        assert!(
            (15.0..17.0).contains(&ratio),
            "error ratio {ratio} for h halved"
        );
    }
}

#[test]
fn rk4_dense_output_and_a_short_last_step() {
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["y"],
            rhs: &["k*y"],
            params: &["k"],
            ..Default::default()
        })
        .unwrap();
    let t_eval = [0.0, 0.33, 0.999, 1.05];
    let opts = OdeOptions {
        method: OdeMethod::Rk4 { h: 0.01 },
        t_eval: &t_eval,
        ..OdeOptions::new(0.0, 1.05)
    };
    let sol = both(&ode, &[1.0], &[-1.0], &opts);
    assert_eq!(sol.stats.accepted, 105);
    for (r, &t) in t_eval.iter().enumerate() {
        assert!((sol.row(r)[0] - (-t).exp()).abs() < 1e-8);
    }
    assert_eq!(sol.row(3), sol.y.as_slice());
    // 1.0 / 0.3 = 3.33…: three whole steps and a short one.
    let opts = OdeOptions {
        method: OdeMethod::Rk4 { h: 0.3 },
        ..OdeOptions::new(0.0, 1.0)
    };
    assert_eq!(both(&ode, &[1.0], &[-1.0], &opts).stats.accepted, 4);
}

#[test]
fn definitions_parameters_and_per_state_atol() {
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["x", "v"],
            rhs: &["v", "-w2*x - c*v"],
            define: &[("w2", "w*w")],
            params: &["w", "c"],
        })
        .unwrap();
    let opts = OdeOptions {
        rtol: 1e-8,
        atol: &[1e-10, 1e-9],
        ..OdeOptions::new(0.0, 5.0)
    };
    let sol = both(&ode, &[1.0, 0.0], &[2.0, 0.0], &opts);
    assert!((sol.y[0] - (10.0f64).cos()).abs() < 1e-6);
    let looser = OdeOptions {
        atol: &[1e-3, 1e-3],
        rtol: 1e-3,
        ..opts
    };
    assert!(both(&ode, &[1.0, 0.0], &[2.0, 0.0], &looser).stats.accepted < sol.stats.accepted);
}

#[test]
fn ensembles_equal_one_by_one_solves_on_any_thread_count() {
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["x", "v"],
            rhs: &["v", "-k*x - c*v"],
            params: &["k", "c"],
            ..Default::default()
        })
        .unwrap();
    let members = 200;
    let y0: Vec<f64> = (0..members)
        .flat_map(|m| [1.0 + m as f64 * 0.01, 0.0])
        .collect();
    let p: Vec<f64> = (0..members)
        .flat_map(|m| [1.0 + m as f64 * 0.05, 0.1 + m as f64 * 0.001])
        .collect();
    let t_eval = [1.0, 2.0, 3.0];
    let opts = OdeOptions {
        rtol: 1e-8,
        atol: &[1e-10],
        t_eval: &t_eval,
        ..OdeOptions::new(0.0, 3.0)
    };
    let serial = ode.solve_ensemble(&y0, &p, &opts).unwrap();
    let ode = ode.with_parallel(Parallel::threads(2));
    let two = ode.solve_ensemble(&y0, &p, &opts).unwrap();
    assert_eq!(serial.len(), members);
    for m in 0..members {
        let one = ode
            .solve(&y0[2 * m..2 * m + 2], &p[2 * m..2 * m + 2], &opts)
            .unwrap();
        assert_eq!(serial[m], one);
        assert_eq!(two[m], one);
    }
    let e = ode.solve_ensemble(&y0[..3], &p, &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Length);
    let e = ode.solve_ensemble(&y0, &p[..5], &opts).unwrap_err();
    assert_eq!(
        e.message(),
        "200 members need 400 parameter values (2 each), got 5"
    );
}

/// The error of the JIT solve, checked equal to the twin's.
fn fails(ode: &OdeKernel, y0: &[f64], p: &[f64], opts: &OdeOptions<'_>) -> exprjit::Error {
    let jit = ode.solve(y0, p, opts).unwrap_err();
    let twin = ode.solve_reference(y0, p, opts).unwrap_err();
    assert_eq!(jit.message(), twin.message());
    assert_eq!(jit.kind(), twin.kind());
    jit
}

#[test]
fn a_blow_up_is_an_error_naming_the_state_and_the_time() {
    // y' = y^2 from y(0) = 1 blows up at t = 1: the steps shrink towards it.
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["y"],
            rhs: &["y^2"],
            ..Default::default()
        })
        .unwrap();
    let e = fails(&ode, &[1.0], &[], &OdeOptions::new(0.0, 2.0));
    assert_eq!(e.kind(), ErrorKind::Solve);
    assert!(
        e.message().starts_with("the step size fell to ")
            && e.message().contains("below what f64 resolves at t = 0.99")
            && e.message().ends_with("the problem is probably stiff"),
        "{}",
        e.message()
    );
    // RK4 with a fixed step runs into infinity instead.
    let opts = OdeOptions {
        method: OdeMethod::Rk4 { h: 0.25 },
        ..OdeOptions::new(0.0, 2.0)
    };
    let e = fails(&ode, &[1.0], &[], &opts);
    assert_eq!(e.kind(), ErrorKind::Solve);
    assert!(
        e.message()
            .starts_with("the state became NaN or infinite in the step from t = "),
        "{}",
        e.message()
    );
}

#[test]
fn a_nan_in_the_derivative_is_an_error_naming_it() {
    let ode = Engine::new()
        .ode(OdeSpec {
            state: &["a", "b"],
            rhs: &["1", "sqrt(1 - t)"],
            ..Default::default()
        })
        .unwrap();
    let opts = OdeOptions {
        method: OdeMethod::Rk4 { h: 0.5 },
        ..OdeOptions::new(0.0, 2.0)
    };
    let e = fails(&ode, &[0.0, 0.0], &[], &opts);
    assert_eq!(
        e.message(),
        "the state became NaN or infinite in the step from t = 1 to t = 1.5: b = NaN"
    );
    let e = fails(&ode, &[0.0, f64::NAN], &[], &OdeOptions::new(0.0, 1.0));
    assert_eq!(
        e.message(),
        "the initial state or its derivative is not finite at t = 0: b = NaN"
    );
    let e = fails(&ode, &[0.0, 0.0], &[], &OdeOptions::new(2.0, 3.0));
    assert_eq!(
        e.message(),
        "the initial state or its derivative is not finite at t = 2: b' = NaN"
    );
}

#[test]
fn the_step_budget_is_an_error_with_the_time_reached() {
    let opts = OdeOptions {
        rtol: 1e-9,
        atol: &[1e-12],
        max_steps: 100,
        ..OdeOptions::new(0.0, 20.0)
    };
    let e = fails(&lorenz(), &[1.0, 1.0, 1.0], &LORENZ, &opts);
    assert_eq!(e.kind(), ErrorKind::Solve);
    assert!(
        e.message()
            .starts_with("the step budget of 100 steps (max_steps) was used up at t = 0.")
            && e.message()
                .ends_with(" of 20; raise max_steps or loosen rtol/atol"),
        "{}",
        e.message()
    );
    let opts = OdeOptions {
        method: OdeMethod::Rk4 { h: 1e-3 },
        max_steps: 100,
        ..OdeOptions::new(0.0, 1.0)
    };
    let e = lorenz().solve(&[1.0; 3], &LORENZ, &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert_eq!(
        e.message(),
        "rk4 with h = 0.001 needs 1e3 steps over (0, 1), more than max_steps = 100"
    );
}

#[test]
fn bad_specs_are_errors_before_any_code_runs() {
    let spec = |state: &'static [&'static str], rhs: &'static [&'static str]| OdeSpec {
        state,
        rhs,
        params: &["k"],
        ..Default::default()
    };
    let msg = |s: OdeSpec<'_>| Engine::new().ode(s).unwrap_err();
    assert_eq!(
        msg(spec(&["x", "y"], &["y"])).message(),
        "the state variable `y` has no right-hand side"
    );
    assert_eq!(
        msg(spec(&["x"], &["x", "1"])).message(),
        "2 right-hand sides for 1 state variables"
    );
    assert_eq!(msg(spec(&[], &[])).kind(), ErrorKind::ArgumentCount);
    assert_eq!(
        msg(spec(&["x", "x"], &["1", "2"])).message(),
        "`x` is given twice"
    );
    assert_eq!(
        msg(spec(&["t"], &["1"])).message(),
        "`t` is given twice (`t` is the time)"
    );
    let e = msg(spec(&["x"], &["k*x + q"]));
    assert_eq!(e.kind(), ErrorKind::UnboundVariable);
    assert_eq!(e.message(), "no value for the variable `q`");
    assert_eq!(e.span().map(|s| (s.start, s.end)), Some((6, 7)));
    let e = msg(spec(&["x"], &["k*x +"]));
    assert_eq!(e.kind(), ErrorKind::Syntax);
    let many: Vec<String> = (0..300).map(|i| format!("y{i}")).collect();
    let names: Vec<&str> = many.iter().map(|s| &**s).collect();
    let e = Engine::new()
        .ode(OdeSpec {
            state: &names,
            rhs: &names,
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        e.message(),
        "300 state variables; an ODE system has at most 256"
    );
}

#[test]
fn bad_options_are_errors_before_any_code_runs() {
    let ode = lorenz();
    let y0 = [1.0; 3];
    let e = |opts: OdeOptions<'_>| {
        let a = ode.solve(&y0, &LORENZ, &opts).unwrap_err();
        let b = ode.solve_reference(&y0, &LORENZ, &opts).unwrap_err();
        assert_eq!(a.message(), b.message());
        a.message().to_string()
    };
    let base = OdeOptions::new(0.0, 1.0);
    assert_eq!(
        e(OdeOptions {
            t_span: (1.0, 0.0),
            ..base
        }),
        "t_span (1, 0) is reversed: the end must be after the start (backward integration is not supported; substitute t = -s)"
    );
    assert!(
        e(OdeOptions {
            t_span: (1.0, 1.0),
            ..base
        })
        .starts_with("t_span (1, 1) is empty")
    );
    assert_eq!(
        e(OdeOptions {
            t_span: (0.0, f64::INFINITY),
            ..base
        }),
        "t_span (0, inf) is not finite: both ends must be numbers"
    );
    assert_eq!(
        e(OdeOptions {
            t_span: (f64::NAN, 1.0),
            ..base
        }),
        "t_span (NaN, 1) is not finite: both ends must be numbers"
    );
    assert_eq!(
        e(OdeOptions {
            t_eval: &[0.5, 1.5],
            ..base
        }),
        "t_eval[1] = 1.5 is outside t_span (0, 1)"
    );
    assert_eq!(
        e(OdeOptions {
            t_eval: &[0.5, 0.25],
            ..base
        }),
        "t_eval is not sorted: t_eval[1] = 0.25 comes after t_eval[0] = 0.5"
    );
    assert_eq!(
        e(OdeOptions {
            t_eval: &[f64::NAN],
            ..base
        }),
        "t_eval[0] = NaN is outside t_span (0, 1)"
    );
    assert_eq!(
        e(OdeOptions { rtol: 0.0, ..base }),
        "rtol = 0 must be a positive number"
    );
    assert_eq!(
        e(OdeOptions {
            rtol: f64::NAN,
            ..base
        }),
        "rtol = NaN must be a positive number"
    );
    assert_eq!(
        e(OdeOptions {
            atol: &[-1.0],
            ..base
        }),
        "atol = -1 must be a positive number"
    );
    assert_eq!(
        e(OdeOptions {
            atol: &[1.0, 0.0, 1.0],
            ..base
        }),
        "atol = 0 (for `y`) must be a positive number"
    );
    assert_eq!(
        e(OdeOptions {
            atol: &[1.0, 1.0],
            ..base
        }),
        "atol has 2 values; give one for all states or one per state (3)"
    );
    for h in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(
            e(OdeOptions {
                method: OdeMethod::Rk4 { h },
                ..base
            }),
            format!("rk4 step h = {h} must be a positive number")
        );
    }
    assert_eq!(
        e(OdeOptions {
            max_steps: 0,
            ..base
        }),
        "max_steps must be at least 1"
    );
    let wrong = ode.solve(&[1.0], &LORENZ, &base).unwrap_err();
    assert_eq!(
        wrong.message(),
        "expected 3 initial values y0 (x, y, z), got 1"
    );
    let wrong = ode.solve(&y0, &[1.0], &base).unwrap_err();
    assert_eq!(wrong.message(), "expected 3 parameters (s, r, b), got 1");
}

#[test]
fn libm_math_mode_agrees_with_its_twin_too() {
    let ode = Engine::new()
        .with_math(exprjit::MathMode::Libm)
        .ode(OdeSpec {
            state: &["y"],
            rhs: &["y^2*cos(t+y)"],
            ..Default::default()
        })
        .unwrap();
    let opts = OdeOptions {
        rtol: 1e-10,
        atol: &[1e-12],
        t_eval: &[0.5, 1.0],
        ..OdeOptions::new(0.0, 1.0)
    };
    both(&ode, &[1.0], &[], &opts);
}

fn say(s: &mut exprjit::Session, line: &str) -> String {
    match s.line(line) {
        exprjit::Reply::Text(t) => t,
        exprjit::Reply::Quit => panic!("quit"),
    }
}

#[test]
fn the_session_solves_the_issues_two_lines_as_written() {
    let mut s = exprjit::Session::new();
    let out = say(&mut s, ":ode y' = y^2*cos(t+y) ; y(0) = 1 ; t = 0 .. 1");
    let mut lines = out.lines();
    let first = lines.next().unwrap();
    let v: f64 = first
        .strip_prefix("y = ")
        .and_then(|r| r.strip_suffix(" at t = 1"))
        .unwrap_or_else(|| panic!("{out}"))
        .parse()
        .unwrap();
    // The same problem through the API, with the session's default tolerances.
    let api = seed()
        .solve(&[1.0], &[], &OdeOptions::new(0.0, 1.0))
        .unwrap();
    assert_eq!(v, api.y[0]);
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("rk45 (rtol 0.001, atol 1e-6): "),
        "{out}"
    );

    for line in ["s = 10", "r = 28", "b = 8/3"] {
        say(&mut s, line);
    }
    let out = say(
        &mut s,
        ":ode x' = s*(y-x) ; y' = x*(r-z)-y ; z' = x*y-b*z ; x(0) = 1 ; y(0) = 1 ; z(0) = 1 ; t = 0 .. 20 ; rtol=1e-9 ; atol=1e-12",
    );
    let want = lorenz()
        .solve(
            &[1.0; 3],
            &LORENZ,
            &OdeOptions {
                rtol: 1e-9,
                atol: &[1e-12],
                ..OdeOptions::new(0.0, 20.0)
            },
        )
        .unwrap();
    let expected = format!(
        "x = {} at t = 20\ny = {} at t = 20\nz = {} at t = 20\n\
         rk45 (rtol 1e-9, atol 1e-12): {} accepted steps, {} rejected, {} right-hand-side evaluations",
        exprjit::format_f64(want.y[0]),
        exprjit::format_f64(want.y[1]),
        exprjit::format_f64(want.y[2]),
        want.stats.accepted,
        want.stats.rejected,
        want.stats.nfev
    );
    assert_eq!(out, expected);
}

#[test]
fn the_session_runs_rk4_keeps_paths_and_times_the_solve() {
    let mut s = exprjit::Session::new();
    say(&mut s, "k = 2");
    let out = say(
        &mut s,
        ":ode y' = -k*y ; y(0) = 1 ; t = 0 .. 1 ; method=rk4 ; h=0.001 ; every=100",
    );
    assert!(out.starts_with("y = 0.13533528"), "{out}");
    assert!(
        out.contains(
            "rk4 (h 0.001): 1000 accepted steps, 0 rejected, 4001 right-hand-side evaluations"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("kept 11 states (every 100 steps) in y_path, t_path"),
        "{out}"
    );
    assert_eq!(say(&mut s, "t_path"), say(&mut s, "linspace(0, 1, 11)"));
    // Grid points of the kept steps are the step results themselves.
    let path = say(&mut s, "y_path");
    assert!(
        path.starts_with("array of 11: first 1, last 0.13533528"),
        "{path}"
    );

    let out = say(&mut s, ":ode y' = -k*y ; y(0) = 1 ; t = 0 .. 2 ; t_eval=5");
    assert!(
        out.ends_with("kept 5 states (evenly spaced) in y_path, t_path"),
        "{out}"
    );
    assert_eq!(say(&mut s, "t_path"), say(&mut s, "linspace(0, 2, 5)"));

    let out = say(
        &mut s,
        ":time :ode y' = -k*y ; y(0) = 1 ; t = 0 .. 1 ; rtol=1e-8",
    );
    assert!(out.starts_with("rk45 (rtol 1e-8, atol 1e-6): "), "{out}");
    assert!(out.contains("\njit         median "), "{out}");
    assert!(out.contains("\ninterpreter median "), "{out}");
    assert!(out.contains("\nspeed-up    "), "{out}");
}

#[test]
fn the_session_explains_bad_ode_lines() {
    let mut s = exprjit::Session::new();
    let cases = [
        (":ode", "usage: :ode y' = y^2*cos(t+y)"),
        (
            ":ode y' = -y ; t = 0 .. 1",
            "no starting value for `y`; give one, e.g. `; y(0) = 1`",
        ),
        (
            ":ode y' = -y ; y(0) = 1",
            "give the interval, e.g. `; t = 0 .. 1`",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 : 1",
            "the interval is `t = START .. END`, got `t = 0 : 1`",
        ),
        (
            ":ode y' = -y ; y(1) = 1 ; t = 0 .. 1",
            "`y(1)` is a value at t = 1, but the interval starts at t = 0",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; z(0) = 2 ; t = 0 .. 1",
            "`z` has a starting value but no right-hand side `z' = …`",
        ),
        (
            ":ode y' = -q*y ; y(0) = 1 ; t = 0 .. 1",
            "no value for `q`; give it one first, e.g. q = 1",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; method=rk4",
            "method=rk4 needs a step, e.g. `; h=0.001`",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; method=euler",
            "method=euler: the methods are rk45 and rk4",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; h=0.1",
            "h= is rk4's step; add `; method=rk4` (rk45 chooses its own steps)",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; every=10",
            "every=K keeps every K-th step of method=rk4",
        ),
        (
            ":ode y' = -y ; y(1) = 1 ; t = 1 .. 0",
            "t_span (1, 0) is reversed",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; rtol=-1",
            "rtol = -1 must be a positive number",
        ),
        (
            ":ode y' = y^2 ; y(0) = 1 ; t = 0 .. 2",
            "the step size fell to ",
        ),
        (
            ":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; method=rk4 ; h=1e-9",
            "rk4 with h = 1e-9 needs 1e9 steps over (0, 1), more than max_steps = 10000000",
        ),
    ];
    for (line, want) in cases {
        let out = say(&mut s, line);
        assert!(out.contains(want), "{line}\n{out}");
    }
}

#[test]
fn the_cli_runs_ode_from_a_script() {
    let Some(bin) = option_env!("CARGO_BIN_EXE_exprjit") else {
        return; // built without the `cli` feature
    };
    use std::io::Write;
    let mut child = std::process::Command::new(bin)
        .args(["run", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b":ode y' = -y ; y(0) = 1 ; t = 0 .. 1 ; rtol=1e-10 ; atol=1e-12\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let v: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("y = ")?.strip_suffix(" at t = 1"))
        .unwrap_or_else(|| panic!("{text}"))
        .parse()
        .unwrap();
    assert!((v - (-1.0f64).exp()).abs() < 1e-9, "{v}");
}

"""exprjit.solve_ivp: values against closed forms and SciPy's RK45 (stored
reference: tools/python_kernels_reference.py), ensembles, threads, errors."""

import json
import math
import pathlib
import threading

import numpy as np
import pytest

import exprjit

from conftest import bits

REF = json.loads((pathlib.Path(__file__).parent / "data/ode_scipy_reference.json").read_text())


def test_exp_decay_closed_form():
    r = exprjit.solve_ivp({"y": "-k*y"}, (0.0, 3.0), [1.5], t_eval=[0.0, 1.0, 3.0], k=0.7,
                          rtol=1e-10, atol=1e-12)
    assert r.success and r.status == 0 and isinstance(r.message, str)
    assert r.y.shape == (1, 3)
    np.testing.assert_allclose(r.y[0], 1.5 * np.exp(-0.7 * np.array([0.0, 1.0, 3.0])), rtol=1e-9)
    np.testing.assert_array_equal(r.t, [0.0, 1.0, 3.0])
    assert r.njev == 0 and r.nlu == 0
    assert r.nfev == 6 * (r.naccepted + r.nrejected) + 2  # FSAL: 6 per step + 2 at start
    assert r["nfev"] == r.nfev  # a dict too, as SciPy's OdeResult


def test_no_t_eval_gives_ends():
    r = exprjit.solve_ivp({"y": "-y"}, (1.0, 2.0), [3.0], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(r.t, [1.0, 2.0])
    assert r.y.shape == (1, 2) and r.y[0, 0] == 3.0
    assert math.isclose(r.y[0, 1], 3.0 * math.exp(-1.0), rel_tol=1e-9)


def test_harmonic_oscillator_list_form_and_rk4():
    t = np.linspace(0.0, 10.0, 11)
    rk45 = exprjit.solve_ivp(["v", "-w^2*x"], (0.0, 10.0), [1.0, 0.0], names=["x", "v"], t_eval=t,
                             params={"w": 2.0}, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rk45.y[0], np.cos(2 * t), atol=1e-8)
    np.testing.assert_allclose(rk45.y[1], -2 * np.sin(2 * t), atol=1e-8)
    rk4 = exprjit.solve_ivp({"x": "v", "v": "-w^2*x"}, (0.0, 10.0), [1.0, 0.0], method="RK4", h=1e-3,
                            t_eval=t, w=2.0)
    np.testing.assert_allclose(rk4.y[0], np.cos(2 * t), atol=1e-9)
    # 4 evaluations per step, plus f(t0) for the first step's Hermite output.
    assert rk4.naccepted == 10_000 and rk4.nrejected == 0 and rk4.nfev == 40_001


def test_define_and_time():
    # y' = cos(t) * g with g = 2: y = 2 sin t.
    r = exprjit.solve_ivp({"y": "cos(t)*g"}, (0.0, 2.0), [0.0], define={"g": "1 + one"},
                          params={"one": 1.0}, rtol=1e-10, atol=1e-12)
    assert math.isclose(r.y[0, -1], 2 * math.sin(2.0), rel_tol=1e-9)


@pytest.mark.parametrize("case", REF["cases"], ids=[c["name"] for c in REF["cases"]])
def test_scipy_rk45_step_for_step(case):
    kw = dict(rtol=case["rtol"], atol=case["atol"], params=case["params"])
    r = exprjit.solve_ivp(case["rhs"], tuple(case["t_span"]), case["y0"], **kw)
    assert r.nfev == case["nfev"]
    assert r.naccepted == case["naccepted"]
    np.testing.assert_allclose(r.y[:, -1], case["y_end"], rtol=1e-12, atol=1e-12)
    e = exprjit.solve_ivp(case["rhs"], tuple(case["t_span"]), case["y0"], t_eval=case["t_eval"], **kw)
    assert e.nfev == case["nfev"]
    np.testing.assert_allclose(e.y, case["y_eval"], rtol=1e-12, atol=1e-12)


def test_live_scipy_if_installed():
    si = pytest.importorskip("scipy.integrate")
    f = lambda t, u: [u[1], -u[0] * (1 + 0.1 * t)]  # noqa: E731
    sp = si.solve_ivp(f, (0.0, 5.0), [1.0, 0.5], rtol=1e-8, atol=1e-10)
    r = exprjit.solve_ivp({"x": "v", "v": "-x*(1+0.1*t)"}, (0.0, 5.0), [1.0, 0.5], rtol=1e-8, atol=1e-10)
    assert r.nfev == sp.nfev and r.naccepted == len(sp.t) - 1
    np.testing.assert_allclose(r.y[:, -1], sp.y[:, -1], rtol=1e-12)


LORENZ = {"x": "s*(y-x)", "y": "x*(r-z)-y", "z": "x*y-b*z"}


def lorenz_members():
    rng = np.random.default_rng(5)
    y0 = 1.0 + rng.random((6, 3))
    r = np.linspace(20.0, 30.0, 6)
    return y0, r


@pytest.mark.parametrize("threads", [1, 2, None])
def test_ensemble_equals_one_by_one(threads):
    y0, r = lorenz_members()
    te = np.linspace(0.0, 1.0, 4)
    ens = exprjit.solve_ivp(LORENZ, (0.0, 1.0), y0, t_eval=te, rtol=1e-8, atol=1e-10, s=10.0, r=r,
                            b=8 / 3, threads=threads)
    assert ens.y.shape == (6, 3, 4) and ens.nfev.shape == (6,)
    for m in range(6):
        one = exprjit.solve_ivp(LORENZ, (0.0, 1.0), y0[m], t_eval=te, rtol=1e-8, atol=1e-10, s=10.0,
                                r=r[m], b=8 / 3, threads=1)
        np.testing.assert_array_equal(bits(ens.y[m]), bits(one.y))
        assert ens.nfev[m] == one.nfev and ens.naccepted[m] == one.naccepted
        assert ens.nrejected[m] == one.nrejected


def test_ensemble_broadcast_shapes():
    # y0 one state vector, a parameter of shape (2, 3): six members.
    k = np.arange(1.0, 7.0).reshape(2, 3)
    r = exprjit.solve_ivp({"y": "-k*y"}, (0.0, 1.0), [1.0], k=k, rtol=1e-10, atol=1e-12)
    assert r.y.shape == (2, 3, 1, 2) and r.nfev.shape == (2, 3)
    np.testing.assert_allclose(r.y[..., 0, -1], np.exp(-k), rtol=1e-9)
    # Non-contiguous y0 (a transposed view) reads the same values.
    y0 = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]).T  # (3, 2), strided
    a = exprjit.solve_ivp({"x": "v", "v": "-x"}, (0.0, 1.0), y0)
    b = exprjit.solve_ivp({"x": "v", "v": "-x"}, (0.0, 1.0), np.ascontiguousarray(y0))
    np.testing.assert_array_equal(bits(a.y), bits(b.y))


def test_solver_errors():
    with pytest.raises(exprjit.SolverError, match="stiff") as e:
        exprjit.solve_ivp({"y": "y^2"}, (0.0, 2.0), [1.0])  # blows up at t = 1
    assert isinstance(e.value, RuntimeError)
    with pytest.raises(exprjit.SolverError, match="max_steps"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 100.0), [1.0], rtol=1e-12, atol=1e-14, max_steps=5)
    with pytest.raises(exprjit.SolverError, match="not finite at t = 0"):
        exprjit.solve_ivp({"y": "sqrt(y - 2)"}, (0.0, 1.0), [1.0])
    with pytest.raises(exprjit.SolverError, match="NaN or infinite in the step"):
        exprjit.solve_ivp({"y": "log(1 - t)"}, (0.0, 2.0), [0.0])
    with pytest.raises(exprjit.SolverError, match="ensemble member 1"):
        exprjit.solve_ivp({"y": "sqrt(y - 2)"}, (0.0, 1.0), [[3.0], [1.0]])


def test_spec_errors():
    with pytest.raises(exprjit.FormulaError) as e:
        exprjit.solve_ivp({"y": "-k*y"}, (0.0, 1.0), [1.0])
    assert "`k`" in str(e.value) and e.value.position == (1, 2)
    with pytest.raises(exprjit.FormulaError):
        exprjit.solve_ivp({"y": "-y +"}, (0.0, 1.0), [1.0])
    with pytest.raises(ValueError, match="y0"):
        exprjit.solve_ivp({"x": "v", "v": "-x"}, (0.0, 1.0), [1.0])
    with pytest.raises(ValueError, match="reversed"):
        exprjit.solve_ivp({"y": "-y"}, (1.0, 0.0), [1.0])
    with pytest.raises(ValueError, match=r"t_eval\[1\]"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1.0), [1.0], t_eval=[0.5, 2.0])
    with pytest.raises(ValueError, match="`t_eval` must be a 1-D"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1.0), [1.0], t_eval=[[0.5]])
    with pytest.raises(ValueError, match="max_steps"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1e9), [1.0], method="RK4", h=1e-3, max_steps=1000)
    with pytest.raises(ValueError, match="rtol"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1.0), [1.0], rtol=-1.0)
    with pytest.raises(ValueError, match="atol"):
        exprjit.solve_ivp({"x": "v", "v": "-x"}, (0.0, 1.0), [1.0, 0.0], atol=[1e-6, 1e-6, 1e-6])
    with pytest.raises(ValueError, match="h="):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1.0), [1.0], method="RK4")
    with pytest.raises(ValueError, match="unknown method"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1.0), [1.0], method="LSODA")
    with pytest.raises(ValueError, match="broadcast"):
        exprjit.solve_ivp({"y": "-k*y"}, (0.0, 1.0), np.ones((3, 1)), k=np.ones(2))
    with pytest.raises(TypeError, match="y0"):
        exprjit.solve_ivp({"y": "-y"}, (0.0, 1.0), [1j])
    with pytest.raises(TypeError, match="formula"):
        exprjit.solve_ivp({"y": 3.0}, (0.0, 1.0), [1.0])
    with pytest.raises(ValueError, match="twice"):
        exprjit.solve_ivp({"y": "-k*y"}, (0.0, 1.0), [1.0], params={"k": 1.0}, k=2.0)


def test_gil_released_during_solve():
    # Two Python threads solving at once are both inside compiled code at
    # some moment (the GIL is released during the solve).
    exprjit._exprjit.inside_peak()
    y0, r = lorenz_members()
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        for _ in range(3):
            exprjit.solve_ivp(LORENZ, (0.0, 20.0), np.tile(y0[0], (20, 1)), rtol=1e-10, atol=1e-12,
                              s=10.0, r=28.0, b=8 / 3, threads=1)

    ts = [threading.Thread(target=work) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert exprjit._exprjit.inside_peak() == 2


def test_docstring_examples_of_the_new_functions():
    import doctest

    for f in [exprjit.solve_ivp, exprjit.quad, exprjit.cdist, exprjit.first_within, exprjit.pairwise]:
        finder = doctest.DocTestFinder()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        for t in finder.find(f, f.__name__, globs={"exprjit": exprjit, "np": np}):
            runner.run(t)
        assert runner.failures == 0 and runner.tries >= 1, f.__name__

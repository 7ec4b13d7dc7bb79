"""exprjit.quad: closed forms, broadcasting, infinite limits, statuses,
threads, errors; against SciPy's quad when it is installed."""

import math
import warnings

import numpy as np
import pytest

import exprjit

from conftest import bits


def test_seed_question_5000_x_squared():
    x = ((np.arange(3000) * 7919) % 3000) / 1500.0 - 1.0
    v, err = exprjit.quad("k*x^2", "k", 0.0, 100.0, x=x)
    assert v.shape == x.shape and err.shape == x.shape
    np.testing.assert_allclose(v, 5000.0 * x * x, rtol=1e-14, atol=1e-300)
    assert np.all(err <= 1.49e-8 * np.maximum(1.0, np.abs(v)))
    g, gerr = exprjit.quad("k*x^2", "k", 0.0, 100.0, x=x, n=10)
    np.testing.assert_allclose(g, 5000.0 * x * x, rtol=1e-14)
    assert np.all(np.isnan(gerr))


def test_closed_forms_and_infinite_limits():
    v, err = exprjit.quad("exp(-x^2)", "x", -np.inf, np.inf)
    assert isinstance(v, float) and abs(v - math.sqrt(math.pi)) <= max(err, 1e-14)
    assert abs(v - math.sqrt(math.pi)) < 1e-12
    v, _ = exprjit.quad("1/(1+x^2)", "x", 0.0, np.inf)
    assert abs(v - math.pi / 2) < 1e-12
    v, _ = exprjit.quad("exp(x)", "x", -np.inf, 0.0)
    assert abs(v - 1.0) < 1e-12
    # An endpoint singularity (no extrapolation, unlike QUADPACK's qags):
    # within the error estimate, which is within the tolerance.
    v, err = exprjit.quad("log(x)", "x", 0.0, 1.0)
    assert abs(v + 1.0) <= err <= 1.49e-8
    # a > b gives the negated integral.
    v, _ = exprjit.quad("sin(x)", "x", math.pi, 0.0)
    assert abs(v + 2.0) < 1e-13


def test_broadcast_limits_and_params():
    a = np.zeros((3, 1))
    b = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([[1.0], [2.0], [3.0]])
    v, err, info = exprjit.quad("x^p", "x", a, b, p=p, full_output=True)
    assert v.shape == (3, 4) and info["status"].shape == (3, 4) and info["intervals"].shape == (3, 4)
    np.testing.assert_allclose(v, b ** (p + 1) / (p + 1), rtol=1e-13)
    assert np.all(info["status"] == 0)


def test_names_from_caller():
    w = 3.0
    v, _ = exprjit.quad("cos(w*t)", "t", 0.0, 1.0)
    assert abs(v - math.sin(3.0) / 3.0) < 1e-13
    del w


def test_status_and_warning():
    with pytest.warns(exprjit.IntegrationWarning, match="subdivision limit"):
        v, err, info = exprjit.quad("1/x", "x", 0.0, 1.0, full_output=True)
    assert info["status"] == 1 and info["intervals"] == 50
    with pytest.warns(exprjit.IntegrationWarning, match=r"1 of 3 .*flat index 1.*NaN"):
        v, err, info = exprjit.quad("sqrt(x - c)", "x", 0.0, 1.0, c=np.array([-1.0, 0.5, -2.0]),
                                    full_output=True)
    np.testing.assert_array_equal(info["status"], [0, 3, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exprjit.quad("x", "x", 0.0, 1.0)  # converged: no warning


@pytest.mark.parametrize("n", [None, 7])
def test_threads_equal_serial(n):
    x = np.linspace(-3.0, 3.0, 200_001)
    one = exprjit.quad("exp(-s*t^2)*cos(t)", "t", 0.0, x, s=2.0, n=n, threads=1)
    many = exprjit.quad("exp(-s*t^2)*cos(t)", "t", 0.0, x, s=2.0, n=n, threads=2)
    for p, q in zip(one, many):
        np.testing.assert_array_equal(bits(p), bits(q))


def test_against_scipy_if_installed():
    si = pytest.importorskip("scipy.integrate")
    cases = [("exp(-x)*sin(3*x)", 0.0, 5.0, lambda x: math.exp(-x) * math.sin(3 * x), 50),
             # Without extrapolation the singularity needs more intervals.
             ("1/sqrt(x)", 0.0, 4.0, lambda x: 1 / math.sqrt(x), 200),
             ("x^2*exp(-x)", 0.0, np.inf, lambda x: x * x * math.exp(-x), 50)]
    for text, a, b, f, limit in cases:
        ref, _ = si.quad(f, a, b)
        v, err = exprjit.quad(text, "x", a, b, limit=limit)
        # SciPy's qags extrapolates at singularities; exprjit's estimate
        # bounds its own error, within the tolerance.
        assert abs(v - ref) <= err + 1e-14 * abs(ref), text
        assert err <= 1.49e-8 * max(1.0, abs(v)), text


def test_errors():
    with pytest.raises(exprjit.FormulaError, match="`q`"):
        exprjit.quad("x*q", "x", 0.0, 1.0)
    with pytest.raises(exprjit.FormulaError):
        exprjit.quad("x*", "x", 0.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):
        exprjit.quad("x", "x", np.nan, 1.0)
    with pytest.raises(ValueError, match="broadcast"):
        exprjit.quad("x*k", "x", np.zeros(3), 1.0, k=np.ones(2))
    with pytest.raises(ValueError):
        exprjit.quad("x", "x", 0.0, 1.0, limit=0)
    with pytest.raises(ValueError):
        exprjit.quad("x", "x", 0.0, 1.0, n=0)
    with pytest.raises(ValueError):
        exprjit.quad("x", "x", 0.0, 1.0, epsabs=-1.0)
    with pytest.raises(TypeError, match="`b`"):
        exprjit.quad("x", "x", 0.0, np.array([1j]))

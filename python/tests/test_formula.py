"""exprjit.compile / Formula: calls, reductions, attributes, pickling."""

import math
import pickle

import numpy as np
import pytest

import exprjit
from conftest import bits


def test_scalar_call_gives_the_published_value():
    f = exprjit.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
    v = f(1.0, 0.0, 0.001)
    assert isinstance(v, float)
    assert v == 1.000540302305868
    # closed form: 1 + 0.001*cos(1)
    assert v == pytest.approx(1 + 0.001 * math.cos(1.0), rel=1e-15)


def test_named_and_positional_values():
    f = exprjit.compile("a*x + b", ["x", "a", "b"])
    assert f(2.0, 3.0, 1.0) == 7.0
    assert f(2.0, b=1.0, a=3.0) == 7.0
    with pytest.raises(TypeError, match="`b`"):
        f(2.0, 3.0)
    with pytest.raises(TypeError, match="twice"):
        f(2.0, 3.0, 1.0, x=1.0)
    with pytest.raises(TypeError, match="`zz`"):
        f(2.0, 3.0, 1.0, zz=1.0)
    with pytest.raises(TypeError, match="3 values"):
        f(1.0, 2.0, 3.0, 4.0)


def test_array_call_matches_numpy(rng):
    f = exprjit.compile("exp(-x*x/2) * k", ["x", "k"])
    x = rng.normal(size=(50, 40))
    np.testing.assert_allclose(f(x, 2.0), np.exp(-x * x / 2) * 2.0, rtol=1e-15)


def test_attributes_and_repr():
    f = exprjit.compile("x^3 + 2*pi")
    assert f.args == ("x",)
    assert f.rewritten == "x*(x*x) + 6.283185307179586"
    assert f.text == "x^3 + 2*pi"
    r = repr(f)
    assert "x^3 + 2*pi" in r and f.rewritten in r and "'x'" in r
    g = exprjit.compile("b - a")
    assert g.args == ("b", "a")


def test_args_must_be_a_list_of_names():
    with pytest.raises(TypeError, match="list of names"):
        exprjit.compile("x", "x")
    with pytest.raises(exprjit.FormulaError, match="`y`"):
        exprjit.compile("x + y", ["x"])
    with pytest.raises(exprjit.FormulaError):
        exprjit.compile("x", ["x", "x"])


def test_reductions_match_numpy(rng):
    f = exprjit.compile("sin(x)*w", ["x", "w"])
    x = rng.normal(size=300_001)
    w = rng.uniform(size=300_001)
    ref = np.sin(x) * w
    assert f.sum(x, w) == pytest.approx(math.fsum(ref), rel=1e-12)
    assert f.min(x, w) == np.min(ref)
    assert f.max(x, w) == np.max(ref)
    assert f.mean(x, w) == pytest.approx(math.fsum(ref) / ref.size, rel=1e-12)
    # broadcast scalar, named value
    assert f.max(x, w=2.0) == np.max(np.sin(x) * 2.0)
    # threads do not change the bits
    assert f.sum(x, w, threads=1) == f.sum(x, w, threads=2)


def test_reductions_skip_nan_like_nanmin():
    f = exprjit.compile("x")
    x = np.array([3.0, np.nan, -1.0, 2.0])
    assert f.min(x) == -1.0 and f.max(x) == 3.0
    assert math.isnan(f.min(np.array([np.nan])))
    assert f.sum(np.zeros(0)) == 0.0


def test_pickle_round_trip_gives_a_working_formula(rng):
    f = exprjit.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
    g = pickle.loads(pickle.dumps(f))
    assert isinstance(g, exprjit.Formula)
    assert g.args == f.args and g.text == f.text
    assert g(1.0, 0.0, 0.001) == 1.000540302305868
    y = rng.uniform(size=1000)
    assert np.array_equal(bits(g(y, 0.5, 0.001)), bits(f(y, 0.5, 0.001)))


def test_threads_do_not_change_the_bits(rng):
    f = exprjit.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
    y = rng.uniform(size=700_000)
    t = rng.uniform(size=700_000)
    one = f(y, t, 0.001, threads=1)
    two = f(y, t, 0.001, threads=2)
    default = f(y, t, 0.001)
    assert np.array_equal(bits(one), bits(two))
    assert np.array_equal(bits(one), bits(default))


def test_set_num_threads_returns_the_previous_setting():
    old = exprjit.set_num_threads(1)
    try:
        assert exprjit.get_num_threads() == 1
        assert exprjit.set_num_threads(2) == 1
        assert exprjit.get_num_threads() == 2
    finally:
        exprjit.set_num_threads(old)


def test_absurd_thread_counts_are_errors():
    f = exprjit.compile("x+1")
    with pytest.raises(ValueError, match="threads"):
        f(np.zeros(3), threads=10**6)
    with pytest.raises(ValueError, match="threads"):
        exprjit.set_num_threads(10**6)
    with pytest.raises(ValueError, match="threads"):
        exprjit.grid("i", 3, threads=5000)


def test_settings_are_kept_and_pickled(rng):
    x = rng.uniform(0, 100, 10_000)
    libm = exprjit.compile("cos(x)", math="libm")
    assert libm.math == "libm" and "libm" in repr(libm)
    # the C library's cos, as Python's math.cos calls it: same bits
    assert np.array_equal(bits(libm(x)), bits(np.array([math.cos(v) for v in x])))
    raw = exprjit.compile("x^3 + 2*3", rewrites=False)
    assert raw.rewritten == "x^3 + 2*3"
    for f in (libm, raw):
        g = pickle.loads(pickle.dumps(f))
        assert (g.math, g.rewritten) == (f.math, f.rewritten)
        assert np.array_equal(bits(g(x)), bits(f(x)))
    with pytest.raises(ValueError, match="fast"):
        exprjit.compile("x", math="quick")


J6 = (
    "-((z^6-210*z^4+4725*z^2-10395)*sin(z)"
    "+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7"
)
# The spherical Bessel function j6(0.5), from mpmath at 50 digits
# (besselj(6.5, z)*sqrt(pi/(2z))): the value issue 15 quotes.
J6_AT_HALF = 1.146651076740942088e-7


def test_double_double_precision_survives_the_cancellation():
    f64 = exprjit.compile(J6, ["z"])
    dd = exprjit.compile(J6, ["z"], precision="dd")
    assert dd.precision == "dd" and "precision='dd'" in repr(dd)
    assert f64.precision == "f64" and "precision" not in repr(f64)
    # float64 keeps 4 digits here (two terms of ~10395/z^6 cancel); dd all.
    assert abs(f64(0.5) / J6_AT_HALF - 1) > 1e-6
    assert abs(dd(0.5) / J6_AT_HALF - 1) < 1e-15
    # The array kernel runs the same double-double program as the scalar call.
    z = np.linspace(0.25, 4.0, 1001)
    assert np.array_equal(bits(dd(z)), bits(np.array([dd(v) for v in z])))
    g = pickle.loads(pickle.dumps(dd))
    assert g.precision == "dd"
    assert np.array_equal(bits(g(z)), bits(dd(z)))
    with pytest.raises(ValueError, match="dd"):
        exprjit.compile("z", precision="quad")

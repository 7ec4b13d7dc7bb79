"""exprjit.cdist / pdist / first_within against NumPy (and SciPy when it
is installed): metrics, formulas, the self case, threads, shapes, errors."""

import numpy as np
import pytest

import exprjit

from conftest import bits


@pytest.fixture
def ab(rng):
    return rng.random((70, 5)), rng.random((45, 5))


def numpy_metric(a, b, metric):
    diff = a[:, None, :] - b[None, :, :]
    if metric == "sqeuclidean":
        return (diff ** 2).sum(-1)
    if metric == "euclidean":
        return np.sqrt((diff ** 2).sum(-1))
    if metric == "cityblock":
        return np.abs(diff).sum(-1)
    return np.abs(diff).max(-1)


@pytest.mark.parametrize("metric", ["sqeuclidean", "euclidean", "cityblock", "chebyshev"])
def test_metrics_against_numpy(ab, metric):
    a, b = ab
    d = exprjit.cdist(a, b, metric)
    assert d.shape == (70, 45) and d.dtype == np.float64
    np.testing.assert_allclose(d, numpy_metric(a, b, metric), rtol=1e-13, atol=1e-15)
    s = exprjit.cdist(a, metric=metric)
    assert s.shape == (70, 70)
    np.testing.assert_array_equal(bits(s), bits(exprjit.cdist(a, a, metric)))
    p = exprjit.pdist(a, metric)
    iu = np.triu_indices(70, 1)
    np.testing.assert_array_equal(bits(p), bits(s[iu]))


def test_formula_reduce_finish(ab):
    a, b = ab
    d = exprjit.cdist(a, b, "abs(a-b)^3", finish="cbrt(s)")
    ref = (np.abs(a[:, None, :] - b[None, :, :]) ** 3).sum(-1) ** (1 / 3)
    np.testing.assert_allclose(d, ref, rtol=1e-13)
    np.testing.assert_array_equal(bits(exprjit.pairwise(a, b, "abs(a-b)^3", finish="cbrt(s)")), bits(d))
    m = exprjit.cdist(a, b, "a*b", reduce="min")
    np.testing.assert_allclose(m, (a[:, None, :] * b[None, :, :]).min(-1), rtol=0)


def test_against_scipy_if_installed(ab):
    dist = pytest.importorskip("scipy.spatial.distance")
    a, b = ab
    for metric in ["sqeuclidean", "euclidean", "cityblock", "chebyshev"]:
        np.testing.assert_allclose(exprjit.cdist(a, b, metric), dist.cdist(a, b, metric), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(exprjit.pdist(a, metric), dist.pdist(a, metric), rtol=1e-13, atol=1e-15)


def test_layouts_and_dtypes(ab):
    a, b = ab
    ref = exprjit.cdist(a, b)
    at = np.asfortranarray(a)
    np.testing.assert_array_equal(bits(exprjit.cdist(at, b)), bits(ref))
    ai = (a * 100).astype(np.int32)
    np.testing.assert_allclose(exprjit.cdist(ai, b), numpy_metric(ai.astype(float), b, "euclidean"), rtol=1e-13)
    np.testing.assert_array_equal(bits(exprjit.cdist(a.tolist(), b)), bits(ref))
    assert exprjit.cdist(np.zeros((0, 5)), b).shape == (0, 45)
    assert exprjit.cdist(a, np.zeros((0, 5))).shape == (70, 0)


def test_threads_equal_serial(rng):
    a, b = rng.random((400, 50)), rng.random((300, 50))
    for metric in ["euclidean", "abs(a-b)"]:
        one = exprjit.cdist(a, b, metric, threads=1)
        two = exprjit.cdist(a, b, metric, threads=2)
        np.testing.assert_array_equal(bits(one), bits(two))
        s1 = exprjit.cdist(a, metric=metric, threads=1)
        s2 = exprjit.cdist(a, metric=metric, threads=2)
        np.testing.assert_array_equal(bits(s1), bits(s2))
    f1 = exprjit.first_within(a, b, 2.0, threads=1)
    f2 = exprjit.first_within(a, b, 2.0, threads=2)
    np.testing.assert_array_equal(f1, f2)


def first_by_numpy(d, ok):
    hit = ok(d)
    return np.where(hit.any(1), hit.argmax(1), -1)


@pytest.mark.parametrize("compare", ["<", "<=", ">", ">="])
def test_first_within_against_numpy(rng, compare):
    a, b = rng.random((90, 3)), rng.random((200, 3))
    d = numpy_metric(a, b, "euclidean")
    t = 0.12 if compare in "<=" else 1.3
    ops = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
    got = exprjit.first_within(a, b, t, compare=compare)
    assert got.dtype == np.int64 and got.shape == (90,)
    want = first_by_numpy(d, lambda x: ops[compare](x, t))
    assert (want == -1).any() and (want >= 0).any()
    np.testing.assert_array_equal(got, want)
    # A formula of a and b, with finish.
    got = exprjit.first_within(a, b, t, "(a-b)^2", finish="sqrt(s)", compare=compare)
    np.testing.assert_array_equal(got, want)


def test_errors(ab):
    a, b = ab
    with pytest.raises(ValueError, match="`XA` must be a 2-D"):
        exprjit.cdist(a[0], b)
    with pytest.raises(ValueError, match="`XB` must be a 2-D"):
        exprjit.cdist(a, b[None])
    with pytest.raises(ValueError, match="same number of columns"):
        exprjit.cdist(a, b[:, :4])
    with pytest.raises(TypeError, match="`XA`"):
        exprjit.cdist(a.astype(complex), b)
    with pytest.raises(exprjit.FormulaError):
        exprjit.cdist(a, b, "cosine")  # not a known metric: read as a formula, `cosine` unknown
    with pytest.raises(exprjit.FormulaError):
        exprjit.cdist(a, b, "abs(a-c)")
    with pytest.raises(ValueError, match="reduce"):
        exprjit.cdist(a, b, "abs(a-b)", reduce="mean")
    with pytest.raises(ValueError, match="formula of a and b"):
        exprjit.cdist(a, b, "euclidean", finish="s")
    with pytest.raises(ValueError, match="compare"):
        exprjit.first_within(a, b, 1.0, compare="==")
    with pytest.raises(ValueError):
        exprjit.first_within(a, b, np.nan)
    with pytest.raises(ValueError):
        exprjit.cdist(np.zeros((3, 0)), np.zeros((2, 0)))

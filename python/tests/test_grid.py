"""exprjit.grid: 1-D and 2-D index grids against NumPy."""

import numpy as np
import pytest

import exprjit


def test_2d_grid_matches_numpy():
    g = exprjit.grid("sin(i*h)*cos(j*h)", shape=(500, 300), h=0.01)
    i = np.arange(500.0)[:, None]
    j = np.arange(300.0)[None, :]
    assert g.shape == (500, 300)
    np.testing.assert_allclose(g, np.sin(i * 0.01) * np.cos(j * 0.01), rtol=1e-15, atol=1e-300)


def test_1d_grid_and_parameters_from_the_caller():
    scale = 0.5
    g = exprjit.grid("i*scale + 1", 10)
    np.testing.assert_array_equal(g, np.arange(10.0) * 0.5 + 1)
    g2 = exprjit.grid("i*scale", (4,), scale=2.0)
    np.testing.assert_array_equal(g2, [0, 2, 4, 6])


def test_grid_threads_do_not_change_the_bits():
    a = exprjit.grid("sqrt(i*i + j)", (700, 700), threads=1)
    b = exprjit.grid("sqrt(i*i + j)", (700, 700), threads=2)
    assert np.array_equal(a.view(np.int64), b.view(np.int64))


def test_grid_errors():
    with pytest.raises(exprjit.FormulaError, match="nope"):
        exprjit.grid("i*nope", 3)
    with pytest.raises(TypeError, match="`h`"):
        exprjit.grid("i*h", 3, h=np.arange(3.0))
    with pytest.raises(ValueError, match="1 or 2"):
        exprjit.grid("i", (2, 2, 2))
    with pytest.raises(exprjit.FormulaError):
        exprjit.grid("i*j", 5)  # j is not an index of a 1-D grid


def test_cached_kernels_take_new_parameter_values():
    # The compiled kernel is kept by formula; values are per call.
    a = exprjit.grid("i*h", 3, h=1.0)
    b = exprjit.grid("i*h", 3, h=2.0)
    np.testing.assert_array_equal(a, [0, 1, 2])
    np.testing.assert_array_equal(b, [0, 2, 4])

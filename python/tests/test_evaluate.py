"""exprjit.evaluate: names, values against NumPy, broadcasting, layouts,
dtypes, out=, errors naming the variable."""

import tracemalloc

import numpy as np
import pytest

import exprjit
from conftest import bits

G_SCALE = 3.0  # a module global read by evaluate's caller-frame lookup


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=4e-16 * 8, atol=0)


def test_seed_formula_matches_numpy(rng):
    y = rng.uniform(0.5, 1.5, 10_001)
    t = rng.uniform(0, 10, 10_001)
    h = 0.001
    got = exprjit.evaluate("y + h*y**2*cos(t+y)")
    assert got.shape == y.shape and got.dtype == np.float64
    close(got, y + h * y**2 * np.cos(t + y))


def test_both_power_operators_and_cube():
    x = np.linspace(0, 1, 10**6)
    a = exprjit.evaluate("x**3")
    b = exprjit.evaluate("x^3")
    assert a[-1] == 1.0
    assert np.array_equal(bits(a), bits(b))
    close(a, x * x * x)


def test_names_from_kwargs_locals_globals_and_dicts():
    x = np.arange(5.0)
    k = 2.0
    close(exprjit.evaluate("k*x + G_SCALE"), 2.0 * x + 3.0)
    # keyword arguments win over the caller's variables
    close(exprjit.evaluate("k*x", k=10.0), 10.0 * x)
    close(exprjit.evaluate("k*x", {"k": 5.0, "x": x}, {}), 5.0 * x)

    def inner():
        z = np.ones(3)
        return exprjit.evaluate("z + x[0]" if False else "z*4")

    close(inner(), np.full(3, 4.0))


def test_unknown_name_is_a_formula_error_naming_it():
    x = np.arange(3.0)
    with pytest.raises(exprjit.FormulaError) as e:
        exprjit.evaluate("x + nosuchname")
    assert "nosuchname" in str(e.value)
    assert e.value.position == (4, 14)
    assert isinstance(e.value, ValueError)
    del x


def test_broadcasting_shapes():
    a = np.arange(6.0).reshape(2, 3)
    col = np.array([[10.0], [20.0]])
    row = np.array([1.0, 2.0, 3.0])
    got = exprjit.evaluate("a*col + row", a=a, col=col, row=row)
    assert got.shape == (2, 3)
    close(got, a * col + row)
    outer = exprjit.evaluate("p*q", p=np.arange(4.0)[:, None], q=np.arange(5.0)[None, :])
    close(outer, np.outer(np.arange(4.0), np.arange(5.0)))
    # one-element arrays broadcast like scalars
    close(exprjit.evaluate("p+q", p=np.array([2.0]), q=np.arange(3.0)), np.arange(3.0) + 2)
    # 3-D with a 0-d array
    c = np.arange(24.0).reshape(2, 3, 4)
    close(exprjit.evaluate("c*s", c=c, s=np.array(0.5)), c * 0.5)


def test_shapes_that_do_not_broadcast_name_the_arguments():
    with pytest.raises(ValueError) as e:
        exprjit.evaluate("a+b", a=np.zeros(3), b=np.zeros(4))
    msg = str(e.value)
    assert "`a`" in msg and "`b`" in msg and "[3]" in msg and "[4]" in msg


def _misaligned(a):
    """The values of `a` in a buffer at an odd address (as unpickled
    chunks can be)."""
    buf = bytearray(a.nbytes + 1)
    m = np.frombuffer(buf, dtype=np.float64, offset=1, count=a.size).reshape(a.shape)
    m[...] = a
    assert not m.flags.aligned
    return m


def test_strided_transposed_readonly_and_fortran_inputs(rng):
    base = rng.normal(size=(300, 200))
    ro = base.copy()
    ro.flags.writeable = False
    cases = {
        "slice": base[::3, 1::2],
        "transpose": base.T,
        "fortran": np.asfortranarray(base),
        "readonly": ro,
        "reversed": base[::-1],
        "big_endian": base.astype(">f8"),
        "misaligned": _misaligned(base),
    }
    for name, v in cases.items():
        got = exprjit.evaluate("sin(v)*2 + v", v=v)
        assert got.shape == v.shape, name
        close(got, np.sin(np.asarray(v, dtype=np.float64)) * 2 + v)


def _peak_bytes(fn):
    """Peak bytes NumPy allocated during fn() (NumPy reports its data
    buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_contiguous_float64_is_read_in_place_others_copied_once():
    n = 1_000_000
    x = np.arange(float(n))
    x.flags.writeable = False  # read-only arrays are read in place too
    in_place = _peak_bytes(lambda: exprjit.evaluate("x+1", x=x))
    assert 8 * n <= in_place < 1.5 * 8 * n  # the result alone
    xt = np.arange(float(n)).reshape(1000, 1000).T
    copied = _peak_bytes(lambda: exprjit.evaluate("x+1", x=xt))
    assert copied >= 2 * 8 * n  # the result and one contiguous copy
    with pytest.raises(ValueError, match="read-only"):
        exprjit.evaluate("x+1", x=np.arange(3.0), out=x[:3])


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int32, np.int64, np.uint16, np.uint64, np.float16, np.float32, bool]
)
def test_real_dtypes_are_converted(dtype):
    v = np.arange(7).astype(dtype)
    close(exprjit.evaluate("v*1.5 + 1", v=v), v.astype(np.float64) * 1.5 + 1)


@pytest.mark.parametrize(
    "value, what",
    [
        (np.zeros(3, dtype=complex), "complex128"),
        (np.array([1, "a"], dtype=object), "object"),
        (np.array(["ab", "cd"]), "<U2"),
        (np.complex64(1j), "complex64"),
        (1j, "complex128"),
    ],
)
def test_complex_object_and_string_inputs_are_type_errors_naming_the_variable(value, what):
    with pytest.raises(TypeError) as e:
        exprjit.evaluate("w + 1", w=value)
    assert "`w`" in str(e.value) and what in str(e.value)


def test_unreadable_object_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="`w`"):
        exprjit.evaluate("w + 1", w=object())
    with pytest.raises(TypeError, match="`w`"):
        exprjit.evaluate("w + 1", w="3")


def test_scalars_and_numpy_scalars():
    assert exprjit.evaluate("a*b", a=3, b=np.float32(0.5)) == 1.5
    assert isinstance(exprjit.evaluate("a+b", a=1.0, b=2.0), float)
    assert exprjit.evaluate("a+b", a=True, b=np.int64(2)) == 3.0
    close(exprjit.evaluate("a+b", a=[1, 2, 3], b=1), np.array([2.0, 3.0, 4.0]))


def test_out_writes_into_the_given_array(rng):
    x = rng.normal(size=1000)
    out = np.empty(1000)
    r = exprjit.evaluate("x*x", out=out)
    assert r is out
    close(out, x * x)
    # out may be an input (written in place)
    y = x.copy()
    exprjit.evaluate("2*y + 1", out=y)
    close(y, 2 * x + 1)
    with pytest.raises(ValueError, match="shape"):
        exprjit.evaluate("x*x", out=np.empty(999))
    with pytest.raises(TypeError, match="float64"):
        exprjit.evaluate("x*x", out=np.empty(1000, dtype=np.float32))
    with pytest.raises(ValueError, match="contiguous"):
        exprjit.evaluate("x*x", out=np.empty(2000)[::2])


def test_empty_arrays():
    got = exprjit.evaluate("x*2", x=np.zeros((0, 3)))
    assert got.shape == (0, 3)


def test_large_arrays_span_several_pieces(rng):
    # More than one piece of the Ctrl-C loop (2^20 elements) and a ragged end.
    x = rng.normal(size=(1 << 21) + 12345)
    close(exprjit.evaluate("x*x - 3*x", x=x), x * x - 3 * x)

"""Hypothesis: random formulas and random arrays, exprjit against NumPy on
the same formula; random text never crashes the interpreter."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import exprjit

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (exprjit text, NumPy function) pairs; every node stays finite on [-5, 5].
LEAVES = st.sampled_from(
    [
        ("x", lambda x, y: x),
        ("y", lambda x, y: y),
        ("0.5", lambda x, y: 0.5),
        ("3", lambda x, y: 3.0),
    ]
)
UNARY = [
    ("sin({})", np.sin),
    ("cos({})", np.cos),
    ("tanh({})", np.tanh),
    ("abs({})", np.abs),
    ("sqrt(abs({}))", lambda a: np.sqrt(np.abs(a))),
    ("exp(({0})/(1 + ({0})*({0})))", lambda a: np.exp(a / (1 + a * a))),
    ("atan({})", np.arctan),
    ("-({})", np.negative),
    ("({})^2", lambda a: a * a),
    ("({})**3", lambda a: a * a * a),
]
BINARY = [
    ("({}) + ({})", np.add),
    ("({}) - ({})", np.subtract),
    ("({}) * ({})", np.multiply),
    ("({0}) / (1 + ({1})*({1}))", lambda a, b: a / (1 + b * b)),
    ("min({}, {})", np.fmin),
    ("max({}, {})", np.fmax),
    ("hypot({}, {})", np.hypot),
]


def extend(children):
    unary = st.tuples(st.sampled_from(UNARY), children).map(
        lambda p: (p[0][0].format(p[1][0]), lambda x, y, f=p[0][1], g=p[1][1]: f(g(x, y)))
    )
    binary = st.tuples(st.sampled_from(BINARY), children, children).map(
        lambda p: (
            p[0][0].format(p[1][0], p[2][0]),
            lambda x, y, f=p[0][1], a=p[1][1], b=p[2][1]: f(np.broadcast_to(a(x, y), np.broadcast(x, y).shape), b(x, y)),
        )
    )
    return unary | binary


FORMULAS = st.recursive(LEAVES, extend, max_leaves=8)
ELEMENTS = st.floats(-5, 5, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def operands(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=6))
    x = draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=ELEMENTS))
    y = draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=ELEMENTS))
    # Other layouts and dtypes of the same values.
    how = draw(st.sampled_from(["plain", "fortran", "reversed", "float32", "readonly"]))
    if how == "fortran":
        x = np.asfortranarray(x)
    elif how == "reversed" and x.ndim:
        x = x[::-1]
    elif how == "float32":
        y = y.astype(np.float32)
    elif how == "readonly":
        x.flags.writeable = False
    return x, y, shapes.result_shape


@FUZZ
@given(FORMULAS, operands())
def test_random_formulas_agree_with_numpy(formula, ops):
    text, ref = formula
    x, y, shape = ops
    got = exprjit.evaluate(text, x=x, y=y)
    # The result has the broadcast shape of the variables the formula uses.
    used = exprjit.compile(text).args
    shape = np.broadcast_shapes(*[np.shape(v) for n, v in (("x", x), ("y", y)) if n in used])
    if shape == ():
        assert isinstance(got, float)
    else:
        assert got.shape == shape
    full = np.broadcast_shapes(x.shape, y.shape)
    want = np.broadcast_to(ref(np.asarray(x, np.float64), np.asarray(y, np.float64)), full)
    np.testing.assert_allclose(np.broadcast_to(got, full), want, rtol=1e-9, atol=1e-7)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("xy0123456789.+-*/^()e, sincoqrtpa_!@\n\t")), max_size=40))
def test_random_text_is_a_value_or_a_clear_error(text):
    try:
        exprjit.evaluate(text, x=np.arange(3.0), y=2.0)
    except (exprjit.FormulaError, ValueError, TypeError) as e:
        assert str(e)


@FUZZ
@given(
    hnp.arrays(
        st.sampled_from([np.float64, np.float32, np.int16, np.uint8, np.bool_, np.complex128]),
        hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
    )
)
def test_random_arrays_of_any_dtype_are_converted_or_refused(a):
    if a.dtype.kind == "c":
        with pytest.raises(TypeError, match="`a`"):
            exprjit.evaluate("a*2", a=a)
        return
    got = exprjit.evaluate("a*2", a=a)
    want = np.asarray(a, np.float64) * 2
    np.testing.assert_array_equal(got, want if a.ndim else float(want))

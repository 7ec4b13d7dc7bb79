"""exprjit: formulas compiled to native code, run over NumPy arrays.

    >>> import numpy as np, exprjit
    >>> x = np.linspace(0, 1, 5)
    >>> exprjit.evaluate("x**3")            # names from the caller, like numexpr
    array([0.      , 0.015625, 0.125   , 0.421875, 1.      ])
    >>> f = exprjit.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
    >>> f(1.0, 0.0, 0.001)
    1.000540302305868

The compiled code runs with the GIL released (Python threads calling
exprjit use all cores), `threads=` on every call (and
`set_num_threads`) choose exprjit's own parallelism, and Ctrl-C
interrupts long runs. Results do not depend on the thread count.
"""

import sys as _sys

# NumPy is imported with the package (as numexpr does), not on the first
# call: its import (~50-100 ms) would otherwise land in the first result.
import numpy as _np  # noqa: F401

from . import _exprjit
from ._exprjit import (
    Formula,
    FormulaError,
    get_num_threads,
    set_num_threads,
)

__version__ = _exprjit.__version__

__all__ = [
    "Formula",
    "FormulaError",
    "compile",
    "evaluate",
    "get_num_threads",
    "grid",
    "recurrence",
    "set_num_threads",
]

# evaluate's compiled formulas, by text (bounded: cleared when full).
_CACHE = {}
_CACHE_MAX = 256
_MISSING = object()


def compile(text, args=None, *, math="fast", rewrites=True):
    """Compile `text` once, to call many times.

    `args` lists the argument names in call order (default: the formula's
    variables in order of first appearance). Both `**` and `^` are powers.
    `math="libm"` uses the C library's functions instead of exprjit's
    inline ones (within 1 ulp); `rewrites=False` compiles the formula as
    typed. Returns a `Formula` (it pickles with its settings); raises
    `FormulaError` for a bad formula.

        >>> f = exprjit.compile("a*x + b", ["x", "a", "b"])
        >>> f(2.0, 3.0, 1.0)
        7.0
    """
    return Formula(text, args, math, rewrites)


def _formula(text):
    f = _CACHE.get(text)
    if f is None:
        f = Formula(text)
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[text] = f
    return f


def _lookup(text, names, kwargs, local_dict, global_dict, depth, index=()):
    """The values of `names`: from kwargs, else local_dict/global_dict,
    else the caller's frame (`depth` frames up)."""
    if local_dict is None or global_dict is None:
        frame = _sys._getframe(depth + 1)
        try:
            if local_dict is None:
                local_dict = frame.f_locals
            if global_dict is None:
                global_dict = frame.f_globals
        finally:
            del frame
    values = []
    missing = []
    for name in names:
        v = kwargs.get(name, _MISSING)
        if v is _MISSING:
            v = local_dict.get(name, _MISSING)
            if v is _MISSING:
                v = global_dict.get(name, _MISSING)
                if v is _MISSING:
                    missing.append(name)
                    continue
        values.append(v)
    if missing:
        # Compiling without the missing names raises the FormulaError with
        # a caret under the first one.
        found = [n for n in names if n not in missing]
        Formula(text, found + list(index))
        raise FormulaError(f"no value for {', '.join(missing)}")  # pragma: no cover
    return values


def evaluate(text, local_dict=None, global_dict=None, *, out=None, threads=None, **names):
    """Evaluate `text` elementwise, the numexpr way.

    Each name in the formula takes its value from the keyword arguments,
    else `local_dict` / `global_dict`, else the caller's local and global
    variables. Values are NumPy arrays of any shape (broadcast together) or
    scalars; real dtypes are read as float64, complex or object arrays are
    a TypeError naming the variable. Contiguous float64 arrays of the
    result's shape are read in place; others are read through one
    contiguous copy. `out=` (a C-contiguous float64 array of the result's
    shape) receives the result. Returns an array of the broadcast shape, or
    a float when every value is a scalar. Compiled formulas are cached by
    text.

        >>> x = np.arange(4.0)
        >>> exprjit.evaluate("2*x + 1")
        array([1., 3., 5., 7.])
    """
    f = _formula(text)
    values = _lookup(text, f.args, names, local_dict, global_dict, 1)
    return f(*values, out=out, threads=threads)


def recurrence(update, init, steps, *, define=None, params=None, inputs=None, every=None, threads=None):
    """Run a recurrence: `steps` updates of a state, in compiled code.

    `update` maps each state variable to its update formula (all updates
    see the state from before the step); `init` gives each its starting
    value; `define` maps helper names to formulas (in order, each may use
    the ones before; e.g. `{"t": "i*h"}`, where `i` is the step index
    0, 1, ...); `params` gives parameter values; `inputs` gives per-step
    arrays (at least `steps` values, read at index `i`).

    Returns the state after the last step: a float for one state variable,
    else a dict name -> float. With `every=k`: the initial state and the
    state after every k-th step, as an array (a dict of arrays for several
    state variables). When initial values or parameters are arrays, they
    broadcast together and each element runs as one member of a parallel
    ensemble: the result has their broadcast shape.

        >>> exprjit.recurrence({"y": "y + h*y**2*cos(t+y)"}, init={"y": 1.0},
        ...     steps=1_000_000, define={"t": "i*h"}, params={"h": 0.001})
        0.09364552406713246
    """
    return _exprjit.recurrence(update, init, steps, define, params, inputs, every, threads)


def grid(text, shape, *, threads=None, **params):
    """The formula at every index of a grid: `i` (1-D) or `i`, `j` (2-D).

    `shape` is an int or a tuple of one or two ints; the result has that
    shape, `out[i, j] = f(i, j)`. Other names are scalar parameters, from
    the keyword arguments, else the caller's variables.

        >>> exprjit.grid("sin(i*h)*cos(j*h)", shape=(500, 300), h=0.01).shape
        (500, 300)
    """
    index = ("i", "j") if not isinstance(shape, int) and len(shape) == 2 else ("i",)
    names = [n for n in _exprjit.variables(text) if n not in index]
    values = _lookup(text, names, params, None, None, 1, index)
    return _exprjit.grid(text, shape, names, values, threads)

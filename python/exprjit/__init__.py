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


def compile(text, args=None, *, math="fast", rewrites=True, precision="f64"):
    """Compile `text` once, to call many times.

    `args` lists the argument names in call order (default: the formula's
    variables in order of first appearance). Both `**` and `^` are powers.
    `math="libm"` uses the C library's functions instead of exprjit's
    inline ones (within 1 ulp); `rewrites=False` compiles the formula as
    typed; `precision="dd"` evaluates it in double-double arithmetic (~32
    significant digits inside, the result rounded to float64: for formulas
    that cancel, at about 10x the time). Returns a `Formula` (it pickles
    with its settings); raises `FormulaError` for a bad formula.

        >>> f = exprjit.compile("a*x + b", ["x", "a", "b"])
        >>> f(2.0, 3.0, 1.0)
        7.0
    """
    return Formula(text, args, math, rewrites, precision)


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


# --- ODEs, quadrature, pairwise (issues 13 and 14) -------------------------

from warnings import warn as _warn  # noqa: E402

from ._exprjit import SolverError  # noqa: E402

__all__ += [
    "IntegrationWarning", "OdeResult", "SolverError", "cdist", "first_within", "pairwise", "pdist", "quad",
    "solve_ivp",
]


def _floats(name, v):
    """`v` as a float64 array (real dtypes only), a TypeError naming `name` otherwise."""
    try:
        arr = _np.asarray(v)
    except Exception as e:  # pragma: no cover - numpy's own message
        raise TypeError(f"`{name}` cannot be read as an array: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` has dtype {arr.dtype}; exprjit computes with real float64 values"
        )
    return _np.asarray(arr, dtype=_np.float64)


class OdeResult(dict):
    """The result of `solve_ivp`, as SciPy's: a dict whose keys are also
    attributes (`t`, `y`, `nfev`, `njev`, `nlu`, `status`, `message`,
    `success`, `naccepted`, `nrejected`, `t_events`, `y_events`, `sol`)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(self.keys())

    def __repr__(self):
        keys = ", ".join(sorted(self))
        return f"OdeResult({keys})"


def solve_ivp(fun, t_span, y0, method="RK45", t_eval=None, *, names=None, define=None, params=None,
              rtol=1e-3, atol=1e-6, h=None, max_steps=10_000_000, threads=None, **kwparams):
    """Solve `y' = fun(t, y)` from `y(t0) = y0` in compiled code, with
    `scipy.integrate.solve_ivp`'s argument names and result.

    `fun` maps each state variable to its right-hand side, a formula of
    the states, the time `t`, the parameters and the `define` names
    (`{"x": "s*(y-x)", "y": "x*(r-z)-y", "z": "x*y-b*z"}`); or it is a list
    of formulas with `names=` the state names. `define` maps helper names
    to formulas (each may use the ones before). Parameters come from
    `params=` (a dict) and keyword arguments.

    `method` is "RK45" (Dormand-Prince 5(4) with adaptive steps and
    error control, SciPy's RK45 step for step) or "RK4" (classical
    Runge-Kutta with the fixed step `h=`; the last step ends at `t_end`).
    `rtol` and `atol` (a scalar or one per state) are RK45's tolerances,
    SciPy's defaults. `max_steps` bounds the steps (accepted + rejected).
    Integration is forward only: `t_span = (t0, t_end)`, `t0 < t_end`.

    Returns an `OdeResult`: `t` (the `t_eval` times; without `t_eval`,
    only `[t0, t_end]` -- the intermediate steps are not kept), `y` of
    shape `(n_states, len(t))` as SciPy's, `nfev`, `njev = nlu = 0`,
    `naccepted`, `nrejected`, `status = 0`, `message`, `success = True`.
    A solve that fails on the way (the step size collapsing on a stiff
    problem, `max_steps` used up, a NaN or infinite state) raises
    `SolverError` with the reason, the time reached and the step count
    (SciPy returns `success=False` instead); bad formulas raise
    `FormulaError`, bad arguments `ValueError` naming them.

    Ensembles: `y0` of shape `(..., n_states)` and parameter arrays of
    shape `(...)` broadcast together; each element is one solve, run in
    parallel (`threads=`), each equal to solving it alone. Then `y` has
    shape `(..., n_states, len(t))` and `nfev`, `naccepted`, `nrejected`
    have shape `(...)`. The solve runs with the GIL released.

        >>> r = exprjit.solve_ivp({"y": "-k*y"}, (0, 1), [1.0], k=2.0, rtol=1e-10, atol=1e-12)
        >>> float(r.y[0, -1])  # exp(-2)
        0.1353352832...
    """
    if isinstance(fun, dict):
        if names is not None:
            raise ValueError("`names` goes with `fun` as a list of formulas, not a dict")
        state = list(fun.keys())
        rhs = list(fun.values())
    else:
        if isinstance(fun, str) or names is None:
            raise TypeError("`fun` must be a dict {state: formula}, or a list of formulas with `names=`")
        state = list(names)
        rhs = list(fun)
        if len(state) != len(rhs):
            raise ValueError(f"`fun` has {len(rhs)} formulas for {len(state)} `names`")
    for k, v in zip(state, rhs):
        if not isinstance(k, str):
            raise TypeError(f"state names must be strings, not {k!r}")
        if not isinstance(v, str):
            raise TypeError(f"the right-hand side of `{k}` must be a formula (a string), not {type(v).__name__}")
    defines = []
    for k, v in (define or {}).items():
        if not isinstance(v, str):
            raise TypeError(f"`define[{k!r}]` must be a formula (a string)")
        defines.append((k, v))
    allp = dict(params or {})
    for k, v in kwparams.items():
        if k in allp:
            raise ValueError(f"the parameter `{k}` is given twice (in `params` and as a keyword)")
        allp[k] = v
    pnames = list(allp)
    try:
        t0, t_end = (float(x) for x in t_span)
    except (TypeError, ValueError):
        raise ValueError("`t_span` must be two numbers (t0, t_end)") from None
    n = len(state)
    y0a = _floats("y0", y0)
    if y0a.ndim == 0 or y0a.shape[-1] != n:
        raise ValueError(
            f"`y0` has shape {y0a.shape}; its last dimension must hold the {n} states ({', '.join(state)})"
        )
    pvals = [_floats(k, allp[k]) for k in pnames]
    try:
        shape = _np.broadcast_shapes(y0a.shape[:-1], *(p.shape for p in pvals))
    except ValueError:
        raise ValueError(
            "the ensemble shapes do not broadcast: y0 has shape "
            f"{y0a.shape} (members {y0a.shape[:-1]}), "
            + ", ".join(f"`{k}` {p.shape}" for k, p in zip(pnames, pvals))
        ) from None
    members = int(_np.prod(shape, dtype=_np.int64))
    y0f = _np.ascontiguousarray(_np.broadcast_to(y0a, shape + (n,))).reshape(-1)
    if pvals:
        pf = _np.ascontiguousarray(_np.stack([_np.broadcast_to(p, shape) for p in pvals], axis=-1)).reshape(-1)
    else:
        pf = _np.zeros(0)
    atola = _np.ascontiguousarray(_floats("atol", atol).reshape(-1))
    te = None if t_eval is None else _np.ascontiguousarray(_floats("t_eval", t_eval))
    if te is not None and te.ndim != 1:
        raise ValueError(f"`t_eval` must be a 1-D array of times, got shape {te.shape}")
    te_arg = _np.zeros(0) if te is None else te
    last, rows, acc, rej, nfev = _exprjit.solve_ivp(
        state, rhs, defines, pnames, y0f, pf, t0, t_end, method, h, float(rtol), atola, te_arg,
        int(max_steps), threads,
    )
    if te is None:
        t = _np.array([t0, t_end])
        y = _np.stack([y0f.reshape(members, n), last.reshape(members, n)], axis=-1)
    else:
        t = te
        y = rows.reshape(members, len(te), n).transpose(0, 2, 1)
    y = _np.ascontiguousarray(y).reshape(shape + (n, len(t)))
    counts = [c.astype(_np.int64).reshape(shape) for c in (acc, rej, nfev)]
    if shape == ():
        counts = [int(c) for c in counts]
    acc, rej, nfev = counts
    return OdeResult(
        t=t, y=y, nfev=nfev, njev=0, nlu=0, naccepted=acc, nrejected=rej, status=0,
        message="The solver successfully reached the end of the integration interval.",
        success=True, t_events=None, y_events=None, sol=None,
    )


class IntegrationWarning(UserWarning):
    """Some integrals of `exprjit.quad` did not reach the tolerance (as
    SciPy's `IntegrationWarning`)."""


_QUAD_MESSAGES = {
    1: "the subdivision limit was reached before the tolerance",
    2: "roundoff: the worst interval cannot be bisected further",
    3: "the integrand or the sum is NaN or infinite",
}


def quad(formula, var, a, b, *, epsabs=1.49e-8, epsrel=1.49e-8, limit=50, n=None,
         full_output=False, threads=None, **params):
    """The integral of `formula` over `var` from `a` to `b`, compiled, per
    element: `scipy.integrate.quad` over arrays.

    `a`, `b` and the parameters (the formula's other names: keyword
    arguments, else the caller's variables) are scalars or arrays that
    broadcast together; each element is one integral, computed in
    parallel (`threads=`). Limits may be infinite (`numpy.inf`) and `a > b`
    gives the negated integral. The rule is adaptive 21-point
    Gauss-Kronrod (QUADPACK's qags without the extrapolation) to
    `max(epsabs, epsrel*|value|)` with at most `limit` intervals, or with
    `n=` the fixed `n`-point Gauss-Legendre rule (no error estimate: NaN).

    Returns `(value, abserr)` as SciPy's quad: floats when every input is a
    scalar, else arrays of the broadcast shape. `full_output=True` adds an
    info dict: `"intervals"` (intervals used) and `"status"` (int8 per
    element: 0 converged (or the fixed rule), 1 limit reached, 2 roundoff,
    3 NaN/infinite integrand -- QUADPACK's `ier` numbering for 1 and 2).
    Elements that did not converge give an `IntegrationWarning` with
    their count and the first one's index and reason.

        >>> exprjit.quad("k*x**2", "k", 0, 100, x=np.array([1.0, 2.0]))[0]
        array([ 5000., 20000.])
    """
    if not isinstance(formula, str) or not isinstance(var, str):
        raise TypeError("`formula` and `var` must be strings")
    names = [v for v in _exprjit.variables(formula) if v != var]
    values = _lookup(formula, names, params, None, None, 1, (var,))
    shape, value, err, intervals, status = _exprjit.quad(
        formula, var, a, b, names, values, n, float(epsabs), float(epsrel), int(limit), threads
    )
    bad = _np.flatnonzero(status)
    if bad.size:
        first = int(bad[0])
        where = "" if shape == [] else f" (the first at flat index {first})"
        _warn(
            f"{bad.size} of {status.size} integrals did not reach the tolerance{where}: "
            f"{_QUAD_MESSAGES[int(status.reshape(-1)[first])]}",
            IntegrationWarning,
            stacklevel=2,
        )
    if shape == []:
        value, err, intervals, status = float(value[0]), float(err[0]), int(intervals[0]), int(status[0])
    if full_output:
        return value, err, {"intervals": intervals, "status": status}
    return value, err


_METRIC_HELP = "a SciPy metric name (sqeuclidean, euclidean, cityblock, chebyshev) or a formula of a and b"


def _matrix(name, x):
    arr = _floats(name, x)
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array (rows x columns), got shape {arr.shape}")
    return _np.ascontiguousarray(arr)


def _pair(XA, XB):
    a = _matrix("XA", XA)
    b = _matrix("XB", XB)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`XA` and `XB` must have the same number of columns: XA has shape {a.shape}, XB {b.shape}"
        )
    return a, b


def _check_metric(metric):
    if not isinstance(metric, str):
        raise TypeError(f"`metric` must be {_METRIC_HELP}")


def cdist(XA, XB=None, metric="euclidean", *, reduce="sum", finish=None, threads=None):
    """Distances between each row of `XA` (n x d) and each row of `XB`
    (m x d): an (n, m) array, as `scipy.spatial.distance.cdist`.

    `metric` is "sqeuclidean", "euclidean", "cityblock" or "chebyshev"
    (SciPy's definitions), or any formula of `a` and `b` (an element of a
    row of XA and the same column of a row of XB), reduced over the
    columns by `reduce` ("sum", "min" or "max") and then, if given, passed
    through `finish` (a formula of the reduced value `s`):
    `cdist(A, B, "abs(a-b)^3", finish="cbrt(s)")` is Minkowski p=3.
    `XB=None` compares XA with itself (one triangle computed and mirrored
    for the named metrics; the same values as `cdist(XA, XA)`). Inputs
    are read as contiguous float64 (copied once otherwise); the work is
    parallel (`threads=`) with the GIL released.

        >>> exprjit.cdist([[0, 0], [3, 4]], [[0, 0]])
        array([[0.],
               [5.]])
    """
    _check_metric(metric)
    if XB is None:
        a = _matrix("XA", XA)
        if a.shape[0] == 0:
            return _np.zeros((0, 0))
        return _exprjit.cdist(a, None, metric, reduce, finish, threads)
    a, b = _pair(XA, XB)
    if a.shape[0] == 0 or b.shape[0] == 0:
        return _np.zeros((a.shape[0], b.shape[0]))
    return _exprjit.cdist(a, b, metric, reduce, finish, threads)


def pairwise(XA, XB=None, metric="euclidean", *, reduce="sum", finish=None, threads=None):
    """The pairwise kernel under its own name: the same as `cdist`
    (`metric` a SciPy metric name or a formula of `a` and `b`).

        >>> exprjit.pairwise([[0, 0], [3, 4]], metric="(a-b)^2", finish="sqrt(s)")
        array([[0., 5.],
               [5., 0.]])
    """
    return cdist(XA, XB, metric, reduce=reduce, finish=finish, threads=threads)


def pdist(X, metric="euclidean", *, reduce="sum", finish=None, threads=None):
    """The condensed distance vector of the rows of `X`, as
    `scipy.spatial.distance.pdist`: the upper triangle (i < j) of
    `cdist(X)`, row by row, n*(n-1)/2 values."""
    d = cdist(X, None, metric, reduce=reduce, finish=finish, threads=threads)
    return d[_np.triu_indices(d.shape[0], 1)]


def first_within(XA, XB, threshold, metric="euclidean", *, compare="<=", reduce="sum", finish=None,
                 threads=None):
    """For each row of `XA`, the index of the first row of `XB` whose
    distance `metric` (as in `cdist`) compares to `threshold` by `compare`
    ("<", "<=", ">", ">="), or -1 where no row does: an int64 array of
    `len(XA)`. Equal to `argmax` of `cdist(XA, XB, metric) <= threshold`
    along rows (with -1 where none holds), but rows of XB are searched in
    blocks of 64 and the search stops at the first block with a hit, so a
    near match costs far less than the whole matrix.

        >>> exprjit.first_within([[0, 0], [9, 9]], [[5, 5], [0, 1]], 1.5)
        array([ 1, -1])
    """
    _check_metric(metric)
    a, b = _pair(XA, XB)
    if a.shape[0] == 0 or b.shape[0] == 0:
        return _np.full(a.shape[0], -1, dtype=_np.int64)
    return _exprjit.first_within(a, b, float(threshold), metric, compare, reduce, finish, threads)

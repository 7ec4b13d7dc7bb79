"""Type stubs for exprjit (formulas compiled to native code, over NumPy arrays)."""

from typing import Any, Mapping, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str

_Value = Union[float, int, bool, np.generic, npt.ArrayLike]
_Array = npt.NDArray[np.float64]

class FormulaError(ValueError):
    """A bad formula or name: `str(e)` has the caret; also `.position`
    (byte range or None), `.line`, `.column`, `.hint`, `.kind`."""

    position: Optional[Tuple[int, int]]
    line: Optional[int]
    column: Optional[int]
    hint: Optional[str]
    kind: str

class Formula:
    """A formula compiled once, called many times (picklable)."""

    def __init__(
        self,
        text: str,
        args: Optional[Sequence[str]] = None,
        math: str = "fast",
        rewrites: bool = True,
        precision: str = "f64",
    ) -> None: ...
    @property
    def math(self) -> str: ...
    @property
    def precision(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def args(self) -> Tuple[str, ...]: ...
    @property
    def rewritten(self) -> str: ...
    def __call__(
        self, *values: _Value, out: Optional[_Array] = None, threads: Optional[int] = None, **named: _Value
    ) -> Union[float, _Array]: ...
    def sum(self, *values: _Value, threads: Optional[int] = None, **named: _Value) -> float: ...
    def min(self, *values: _Value, threads: Optional[int] = None, **named: _Value) -> float: ...
    def max(self, *values: _Value, threads: Optional[int] = None, **named: _Value) -> float: ...
    def mean(self, *values: _Value, threads: Optional[int] = None, **named: _Value) -> float: ...
    def __reduce__(self) -> Tuple[Any, Tuple[str, Sequence[str], str, bool]]: ...

def compile(
    text: str,
    args: Optional[Sequence[str]] = None,
    *,
    math: str = "fast",
    rewrites: bool = True,
    precision: str = "f64",
) -> Formula:
    """Compile `text` once; `args` in call order (default: first appearance)."""

def evaluate(
    text: str,
    local_dict: Optional[Mapping[str, Any]] = None,
    global_dict: Optional[Mapping[str, Any]] = None,
    *,
    out: Optional[_Array] = None,
    threads: Optional[int] = None,
    **names: _Value,
) -> Union[float, _Array]:
    """Evaluate elementwise; names from keywords, else the caller's variables."""

def recurrence(
    update: Mapping[str, str],
    init: Mapping[str, _Value],
    steps: int,
    *,
    define: Optional[Mapping[str, str]] = None,
    params: Optional[Mapping[str, _Value]] = None,
    inputs: Optional[Mapping[str, npt.ArrayLike]] = None,
    every: Optional[int] = None,
    threads: Optional[int] = None,
) -> Union[float, _Array, "dict[str, float]", "dict[str, _Array]"]:
    """Run `steps` updates of a state in compiled code (ensembles for array values)."""

def grid(text: str, shape: Union[int, Tuple[int], Tuple[int, int]], *, threads: Optional[int] = None, **params: float) -> _Array:
    """The formula at every index `i` (1-D) or `i, j` (2-D)."""

def set_num_threads(n: Optional[int] = None) -> int:
    """Set the default thread count (0/None: one per core); returns the previous one."""

def get_num_threads() -> int:
    """The default thread count (0: one per core)."""

# --- ODEs, quadrature, pairwise (issues 13 and 14) ---

class SolverError(RuntimeError):
    """An ODE solve failed on the way: step-size collapse (stiff), max_steps used up, NaN/inf state."""

class IntegrationWarning(UserWarning):
    """Some integrals of `quad` did not reach the tolerance."""

class OdeResult(dict):  # type: ignore[type-arg]
    """`solve_ivp`'s result: a dict whose keys are also attributes (SciPy's names)."""

    t: _Array
    y: _Array
    nfev: Union[int, npt.NDArray[np.int64]]
    njev: int
    nlu: int
    naccepted: Union[int, npt.NDArray[np.int64]]
    nrejected: Union[int, npt.NDArray[np.int64]]
    status: int
    message: str
    success: bool
    t_events: None
    y_events: None
    sol: None

def solve_ivp(
    fun: Union[Mapping[str, str], Sequence[str]],
    t_span: Tuple[float, float],
    y0: npt.ArrayLike,
    method: str = "RK45",
    t_eval: Optional[npt.ArrayLike] = None,
    *,
    names: Optional[Sequence[str]] = None,
    define: Optional[Mapping[str, str]] = None,
    params: Optional[Mapping[str, _Value]] = None,
    rtol: float = 1e-3,
    atol: Union[float, npt.ArrayLike] = 1e-6,
    h: Optional[float] = None,
    max_steps: int = 10_000_000,
    threads: Optional[int] = None,
    **kwparams: _Value,
) -> OdeResult:
    """Solve y' = fun(t, y) in compiled code (RK45 as SciPy's, or RK4 with h=); ensembles for arrays."""

@overload
def quad(
    formula: str, var: str, a: float, b: float, *, epsabs: float = 1.49e-8, epsrel: float = 1.49e-8,
    limit: int = 50, n: Optional[int] = None, full_output: bool = False, threads: Optional[int] = None,
    **params: float,
) -> Tuple[float, float]: ...
@overload
def quad(
    formula: str, var: str, a: _Value, b: _Value, *, epsabs: float = 1.49e-8, epsrel: float = 1.49e-8,
    limit: int = 50, n: Optional[int] = None, full_output: bool = False, threads: Optional[int] = None,
    **params: _Value,
) -> Union[Tuple[Any, Any], Tuple[Any, Any, "dict[str, Any]"]]: ...

def cdist(
    XA: npt.ArrayLike, XB: Optional[npt.ArrayLike] = None, metric: str = "euclidean", *,
    reduce: str = "sum", finish: Optional[str] = None, threads: Optional[int] = None,
) -> _Array:
    """(n, m) distances between the rows of XA and XB (XA with itself if XB is None)."""

def pairwise(
    XA: npt.ArrayLike, XB: Optional[npt.ArrayLike] = None, metric: str = "euclidean", *,
    reduce: str = "sum", finish: Optional[str] = None, threads: Optional[int] = None,
) -> _Array:
    """The same as cdist."""

def pdist(
    X: npt.ArrayLike, metric: str = "euclidean", *, reduce: str = "sum", finish: Optional[str] = None,
    threads: Optional[int] = None,
) -> _Array:
    """The condensed upper triangle of cdist(X), as scipy.spatial.distance.pdist."""

def first_within(
    XA: npt.ArrayLike, XB: npt.ArrayLike, threshold: float, metric: str = "euclidean", *,
    compare: str = "<=", reduce: str = "sum", finish: Optional[str] = None, threads: Optional[int] = None,
) -> npt.NDArray[np.int64]:
    """Per row of XA, the first row of XB with metric OP threshold, or -1."""

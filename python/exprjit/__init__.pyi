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
        self, text: str, args: Optional[Sequence[str]] = None, math: str = "fast", rewrites: bool = True
    ) -> None: ...
    @property
    def math(self) -> str: ...
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

def compile(text: str, args: Optional[Sequence[str]] = None, *, math: str = "fast", rewrites: bool = True) -> Formula:
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

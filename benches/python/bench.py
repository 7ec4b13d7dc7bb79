#!/usr/bin/env python3
"""numpy, numexpr, numba and exprjit's Python package on the workloads of
benches/peers.rs (issues 6 and 12).

Optional: `cargo run --release --example report` runs this when `python3`
can import numpy, and puts the rows beside exprjit's in BENCHMARKS.md.
numexpr and numba are used when installed (`pip install numpy numexpr
numba`, and exprjit with `pip install ./python`); each missing one is
skipped with a comment line.

exprjit rows (issue 12): `exprjit` is a compiled `Formula` called with
`out=` (`exprjit_eval` is `exprjit.evaluate`), on one thread
(`threads=1`) unless the name says `_2t`; `numexpr_2t` and
`numba_prange` are the peers' two-thread forms. Extra stories:
`call_1e3` (call overhead on 1,000 elements), `first_result` (parse +
compile + run of the 1e6-step Euler loop in a fresh process, import
excluded), `py_threads` (two Python threads calling exprjit at once
against one; `per` is the elements both compute).

Output: one tab-separated line per measurement,
    story  contender  size  per  median_s  min_s  checksum
where `per` is the units of work per run (elements or steps) and `checksum`
is what the Rust stories compare (sum of |out| for maps, the last y for the
Euler recurrence). Lines starting with `#` are comments.

Inputs are the same as the Rust stories' (`linspace` in
benches/support/stories.rs). numexpr runs on one thread, as every serial
Rust row does, unless its name ends in `_2t`.
Usage: python3 benches/python/bench.py [--quick] [STORY ...]
"""

import math
import os
import subprocess
import sys
import threading
import time

BUDGET = 0.3  # seconds of timed runs per measurement (at least 5 runs)


def emit(story, contender, size, per, times, checksum):
    times = sorted(times)
    median = times[len(times) // 2]
    print(
        f"{story}\t{contender}\t{size}\t{per}\t{median:.9e}\t{times[0]:.9e}\t{checksum!r}",
        flush=True,
    )


def measure(fn):
    fn()  # warm-up (and numba's compile)
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < BUDGET and len(times) < 2000):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def label(n):
    e = round(math.log10(n))
    return f"1e{e}" if 10**e == n else str(n)


class Ctx:
    """What every story gets: the modules (None when not installed)."""

    np = None
    ne = None  # numexpr, set to 1 thread
    numba = None
    ej = None  # exprjit

    def linspace(self, n, lo, hi):
        np = self.np
        return lo + (hi - lo) * np.arange(n, dtype=np.float64) / max(n, 2)

    def ne_threads(self, n, fn):
        """Runs fn with numexpr on n threads (back to 1 after)."""

        def run():
            self.ne.set_num_threads(n)
            try:
                return fn()
            finally:
                self.ne.set_num_threads(1)

        return run


def check(out):
    return float(abs(out).sum())


def jit_kernels(numba):
    """numba versions of the stories (serial and prange)."""
    from numba import njit, prange

    k = {}

    @njit(cache=False)
    def cube(x, out):
        for i in range(x.shape[0]):
            v = x[i]
            out[i] = v * v * v

    @njit(cache=False, parallel=True)
    def cube_p(x, out):
        for i in prange(x.shape[0]):
            v = x[i]
            out[i] = v * v * v

    @njit(cache=False)
    def cos(x, out):
        for i in range(x.shape[0]):
            out[i] = math.cos(x[i])

    @njit(cache=False, parallel=True)
    def cos_p(x, out):
        for i in prange(x.shape[0]):
            out[i] = math.cos(x[i])

    @njit(cache=False)
    def seed(y, t, h, out):
        for i in range(y.shape[0]):
            v = y[i]
            out[i] = v + h * v * v * math.cos(t[i] + v)

    @njit(cache=False, parallel=True)
    def seed_p(y, t, h, out):
        for i in prange(y.shape[0]):
            v = y[i]
            out[i] = v + h * v * v * math.cos(t[i] + v)

    @njit(cache=False)
    def euler(y, h, steps):
        for i in range(steps):
            t = i * h
            y = y + h * y * y * math.cos(t + y)
        return y

    @njit(cache=False)
    def pairs(rows):
        total = 0.0
        n = rows.shape[0]
        for a in range(n):
            for b in range(a + 1, n):
                s = 0.0
                for k in range(rows.shape[1]):
                    d = rows[a, k] - rows[b, k]
                    s += d * d
                total += s
        return total

    @njit(cache=False)
    def image(out):
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = 100000.0 * i + 1000.0 * j

    @njit(cache=False, parallel=True)
    def image_p(out):
        for i in prange(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = 100000.0 * i + 1000.0 * j

    k.update(locals())
    return k


def story_map_cube(c, nb):
    np, ne, ej = c.np, c.ne, c.ej
    for n in (100_000, 1_000_000):
        x = c.linspace(n, -2.0, 2.0)
        out = np.empty(n)
        runs = [
            ("numpy_power", lambda: np.power(x, 3, out=out)),
            ("numpy_x_x_x", lambda: np.multiply(np.multiply(x, x, out=out), x, out=out)),
        ]
        if ne is not None:
            runs.append(("numexpr", lambda: ne.evaluate("x**3", local_dict={"x": x}, out=out)))
            runs.append(("numexpr_2t", c.ne_threads(2, lambda: ne.evaluate("x**3", local_dict={"x": x}, out=out))))
        if nb is not None:
            runs.append(("numba", lambda: nb["cube"](x, out)))
            runs.append(("numba_prange", lambda: nb["cube_p"](x, out)))
        if ej is not None:
            f = ej.compile("x^3")
            runs.append(("exprjit", lambda: f(x, out=out, threads=1)))
            runs.append(("exprjit_2t", lambda: f(x, out=out, threads=2)))
            runs.append(("exprjit_eval", lambda: ej.evaluate("x**3", {"x": x}, out=out, threads=1)))
        for name, fn in runs:
            t = measure(fn)
            emit("map_cube", name, label(n), n, t, check(out))


def story_map_cos(c, nb):
    np, ne, ej = c.np, c.ne, c.ej
    n = 1_000_000
    x = c.linspace(n, 0.0, 100.0)
    out = np.empty(n)
    runs = [("numpy", lambda: np.cos(x, out=out))]
    if ne is not None:
        runs.append(("numexpr", lambda: ne.evaluate("cos(x)", local_dict={"x": x}, out=out)))
        runs.append(("numexpr_2t", c.ne_threads(2, lambda: ne.evaluate("cos(x)", local_dict={"x": x}, out=out))))
    if nb is not None:
        runs.append(("numba", lambda: nb["cos"](x, out)))
        runs.append(("numba_prange", lambda: nb["cos_p"](x, out)))
    if ej is not None:
        f = ej.compile("cos(x)")
        runs.append(("exprjit", lambda: f(x, out=out, threads=1)))
        runs.append(("exprjit_2t", lambda: f(x, out=out, threads=2)))
    for name, fn in runs:
        t = measure(fn)
        emit("map_cos", name, label(n), n, t, check(out))


def story_map_seed(c, nb):
    np, ne, ej = c.np, c.ne, c.ej
    for n in (100_000, 1_000_000):
        y = c.linspace(n, 0.5, 1.5)
        tt = c.linspace(n, 0.0, 10.0)
        h = 0.001
        out = np.empty(n)
        runs = [("numpy", lambda: np.add(y, h * y**2 * np.cos(tt + y), out=out))]
        if ne is not None:
            env = {"y": y, "t": tt, "h": h}
            runs.append(("numexpr", lambda: ne.evaluate("y + h*y**2*cos(t+y)", local_dict=env, out=out)))
            runs.append(
                ("numexpr_2t", c.ne_threads(2, lambda: ne.evaluate("y + h*y**2*cos(t+y)", local_dict=env, out=out)))
            )
        if nb is not None:
            runs.append(("numba", lambda: nb["seed"](y, tt, h, out)))
            runs.append(("numba_prange", lambda: nb["seed_p"](y, tt, h, out)))
        if ej is not None:
            f = ej.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
            env = {"y": y, "t": tt, "h": h}
            runs.append(("exprjit", lambda: f(y, tt, h, out=out, threads=1)))
            runs.append(("exprjit_2t", lambda: f(y, tt, h, out=out, threads=2)))
            runs.append(("exprjit_eval", lambda: ej.evaluate("y + h*y**2*cos(t+y)", env, out=out, threads=1)))
        for name, fn in runs:
            t = measure(fn)
            emit("map_seed", name, label(n), n, t, check(out))


def euler_py(steps):
    y, h = 1.0, 0.001
    cos = math.cos
    for i in range(steps):
        y = y + h * y * y * cos(i * h + y)
    return y


def story_euler(c, nb):
    ej = c.ej
    steps = 1_000_000
    if nb is not None:
        res = []
        t = measure(lambda: res.append(nb["euler"](1.0, 0.001, steps)))
        emit("euler", "numba", label(steps), steps, t, res[-1])
    if ej is not None:
        res = []
        seed = {"y": "y + h*y**2*cos(t+y)"}
        run = lambda: res.append(
            ej.recurrence(seed, init={"y": 1.0}, steps=steps, define={"t": "i*h"}, params={"h": 0.001})
        )
        t = measure(run)
        emit("euler", "exprjit", label(steps), steps, t, res[-1])
    steps = 100_000
    res = []
    t = measure(lambda: res.append(euler_py(steps)))
    emit("euler", "python", label(steps), steps, t, res[-1])


def story_reduce(c, nb):
    np, ej = c.np, c.ej
    rows_n, length = 32, 300
    r = np.arange(rows_n, dtype=np.float64)[:, None] * 0.7 + np.arange(length, dtype=np.float64)[None, :] * 0.01
    rows = np.sin(r)
    pairs = rows_n * (rows_n - 1) // 2
    per = pairs * length
    size = f"{rows_n}x{length}"

    def numpy_run():
        total = 0.0
        for a in range(rows_n):
            d = rows[a + 1 :] - rows[a]
            total += float((d * d).sum())
        return total

    runs = [("numpy", numpy_run)]
    if nb is not None:
        runs.append(("numba", lambda: nb["pairs"](rows)))
    if ej is not None:
        f = ej.compile("(a-b)^2", ["a", "b"])
        row_list = [rows[k] for k in range(rows_n)]

        def ej_run():
            total = 0.0
            for a in range(rows_n):
                ra = row_list[a]
                for b in range(a + 1, rows_n):
                    total += f.sum(ra, row_list[b], threads=1)
            return total

        runs.append(("exprjit", ej_run))
    for name, fn in runs:
        res = []
        t = measure(lambda: res.append(fn()))
        emit("reduce", name, size, per, t, res[-1])


def story_grid(c, nb):
    np, ej = c.np, c.ej
    rows, cols = 500, 500
    n = rows * cols
    size = f"{rows}x{cols}"
    out = np.empty((rows, cols))
    i = np.arange(rows, dtype=np.float64)
    j = np.arange(cols, dtype=np.float64)
    runs = [("numpy", lambda: np.add.outer(100000.0 * i, 1000.0 * j, out=out))]
    if nb is not None:
        runs.append(("numba", lambda: nb["image"](out)))
        runs.append(("numba_prange", lambda: nb["image_p"](out)))
    if ej is not None:
        holder = {}

        def ej_run(threads):
            holder["out"] = ej.grid("100000*i + 1000*j", (rows, cols), threads=threads)

        runs.append(("exprjit", lambda: ej_run(1)))
        runs.append(("exprjit_2t", lambda: ej_run(2)))
    for name, fn in runs:
        t = measure(fn)
        emit("grid", name, size, n, t, check(holder["out"] if name.startswith("exprjit") else out))


def story_call_overhead(c, nb):
    """Call overhead at 1,000 elements: the seed formula over y, t."""
    np, ne, ej = c.np, c.ne, c.ej
    n = 1000
    y = c.linspace(n, 0.5, 1.5)
    t = c.linspace(n, 0.0, 10.0)
    h = 0.001
    out = np.empty(n)
    env = {"y": y, "t": t, "h": h}  # both evaluate()s take the names from a dict
    runs = []
    if ne is not None:
        runs.append(("numexpr", lambda: ne.evaluate("y + h*y**2*cos(t+y)", local_dict=env, out=out)))
    if nb is not None:
        runs.append(("numba", lambda: nb["seed"](y, t, h, out)))
    if ej is not None:
        f = ej.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
        runs.append(("exprjit", lambda: f(y, t, h, out=out, threads=1)))
        runs.append(("exprjit_eval", lambda: ej.evaluate("y + h*y**2*cos(t+y)", env, out=out, threads=1)))
        # The kernel's own time at this size: a call on 1e5 elements
        # (cache-resident) per element, times 1,000.
        big = 100_000
        yb, tb, ob = c.linspace(big, 0.5, 1.5), c.linspace(big, 0.0, 10.0), np.empty(big)
        tk = measure(lambda: f(yb, tb, h, out=ob, threads=1))
        emit("call_1e3", "exprjit_kernel_est", label(n), n, [x * n / big for x in tk], float("nan"))
    for name, fn in runs:
        tm = measure(fn)
        emit("call_1e3", name, label(n), n, tm, check(out))


FIRST_EXPRJIT = r"""
import time, numpy, exprjit
t0 = time.perf_counter()
y = exprjit.recurrence({"y": "y + h*y**2*cos(t+y)"}, init={"y": 1.0}, steps=1_000_000,
                       define={"t": "i*h"}, params={"h": 0.001})
print(time.perf_counter() - t0, y)
"""

FIRST_NUMBA = r"""
import math, time, numpy, numba
t0 = time.perf_counter()
@numba.njit(cache=False)
def euler(y, h, steps):
    for i in range(steps):
        t = i * h
        y = y + h * y * y * math.cos(t + y)
    return y
y = euler(1.0, 0.001, 1_000_000)
print(time.perf_counter() - t0, y)
"""


def story_first_result(c, nb):
    """Parse + compile + run of the Euler loop in a fresh process (the
    import is not timed), 3 processes each."""
    for name, script, present in (("exprjit", FIRST_EXPRJIT, c.ej), ("numba", FIRST_NUMBA, nb)):
        if present is None:
            continue
        times, value = [], float("nan")
        for _ in range(3):
            r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                print(f"# first_result {name} failed: {r.stderr.strip().splitlines()[-1:]}")
                break
            t, v = r.stdout.split()
            times.append(float(t))
            value = float(v)
        if times:
            emit("first_result", name, "1e6", 1_000_000, times, value)


def story_py_threads(c, nb):
    """Two Python threads calling exprjit at once against one thread doing
    the same calls: the seed formula on 1e6 elements, threads=1 each."""
    np, ej = c.np, c.ej
    if ej is None:
        return
    n, calls = 1_000_000, 8
    f = ej.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
    ys = [c.linspace(n, 0.5, 1.5) for _ in range(2)]
    tt = c.linspace(n, 0.0, 10.0)
    outs = [np.empty(n) for _ in range(2)]

    def work(k):
        for _ in range(calls):
            f(ys[k], tt, 0.001, out=outs[k], threads=1)

    def one():
        work(0)
        work(1)

    def two():
        ts = [threading.Thread(target=work, args=(k,)) for k in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    for name, fn in (("exprjit_1pythread", one), ("exprjit_2pythreads", two)):
        tm = measure(fn)
        emit("py_threads", name, "2x8x1e6", 2 * calls * n, tm, check(outs[0]) + check(outs[1]))


STORIES = [
    story_map_cube,
    story_map_cos,
    story_map_seed,
    story_euler,
    story_reduce,
    story_grid,
    story_call_overhead,
    story_first_result,
    story_py_threads,
]

# ---------------------------------------------------------------------------
# Stories of later issues go here, one function each, `story_NAME(c, nb)`
# (c: Ctx with c.np, c.ne, c.numba, c.ej; nb: the numba kernels or None),
# appended to EXTRA_STORIES. Emit rows with emit(story, contender, size,
# per, times, checksum); skip contenders whose module is None. There:
#   story_ode   (issue 13): exprjit.solve_ivp against scipy.integrate.solve_ivp
#   story_quad  (issue 14): exprjit.quad against scipy.integrate.quad, NumPy GL
#   story_pairwise (issue 14): exprjit.cdist against scipy.spatial.distance.cdist
# (their SciPy/NumPy/scikit-learn rows live in ode_story.py and
# quadpair_story.py, written to run alone too).


def _story_module(name):
    """A story module beside this file (ode_story.py, quadpair_story.py)."""
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    return __import__(name)


def story_ode(c, nb):
    # SciPy's row (ode_story.py), then exprjit.solve_ivp on the same Lorenz
    # problem: RK45, rtol 1e-9, atol 1e-12, t in [0, 20]; per and checksum
    # are the accepted steps (equal to SciPy's: the same steps).
    _story_module("ode_story").ode_story(BUDGET)
    ej = c.ej
    if ej is None:
        return
    rhs = {"x": "s*(y-x)", "y": "x*(r-z)-y", "z": "x*y-b*z"}

    def solve():
        return ej.solve_ivp(rhs, (0.0, 20.0), [1.0, 1.0, 1.0], rtol=1e-9, atol=1e-12,
                            s=10.0, r=28.0, b=8.0 / 3.0, threads=1)

    steps = solve().naccepted
    emit("ode", "exprjit_solve_ivp", "lorenz", steps, measure(solve), float(steps))


def story_quad(c, nb):
    # NumPy's vectorised Gauss-Legendre and SciPy's quad loop
    # (quadpair_story.py), then exprjit.quad over all 30,000 elements.
    qp = _story_module("quadpair_story")
    qp.BUDGET = BUDGET
    np, ej = c.np, c.ej
    qp.quad_stories(np)
    if ej is None:
        return
    x = qp.quad_x(np)
    runs = [
        ("exprjit_quad", dict(threads=1)),
        ("exprjit_quad_2t", dict(threads=2)),
        ("exprjit_quad_gl10", dict(n=10, threads=1)),
    ]
    for name, kw in runs:
        fn = lambda kw=kw: ej.quad("k*x^2", "k", 0.0, 100.0, x=x, **kw)[0]  # noqa: E731
        emit("quad", name, "30000", 30000, measure(fn), float(np.sum(fn())))


def story_pairwise(c, nb):
    # scipy's cdist and scikit-learn (quadpair_story.py), then exprjit.cdist
    # of the 2000x300 matrix with itself (one triangle, mirrored).
    qp = _story_module("quadpair_story")
    qp.BUDGET = BUDGET
    np, ej = c.np, c.ej
    qp.pairwise_stories(np)
    if ej is None:
        return
    a = qp.pairwise_a(np)
    n = a.shape[0]
    for name, threads in (("exprjit_cdist_sqeuclidean", 1), ("exprjit_cdist_sqeuclidean_2t", 2)):
        fn = lambda threads=threads: ej.cdist(a, metric="sqeuclidean", threads=threads)  # noqa: E731
        emit("pairwise", name, "2000x300", n * n, measure(fn), float(fn().sum()))


EXTRA_STORIES = [story_ode, story_quad, story_pairwise]
# ---------------------------------------------------------------------------


def main():
    c = Ctx()
    try:
        import numpy as np
    except ImportError:
        print("# skipped: numpy is not installed")
        return 0
    c.np = np
    print(f"# numpy {np.__version__}")
    try:
        import numexpr as ne

        ne.set_num_threads(1)
        c.ne = ne
        print(f"# numexpr {ne.__version__} (1 thread; numexpr_2t: 2 threads)")
    except ImportError:
        print("# numexpr not installed: skipped")
    try:
        import numba

        c.numba = numba
        print(f"# numba {numba.__version__}")
    except ImportError:
        print("# numba not installed: skipped")
    try:
        import exprjit

        c.ej = exprjit
        print(f"# exprjit {exprjit.__version__} (Python package; threads=1 unless _2t)")
    except ImportError:
        print("# exprjit (Python package) not installed: skipped (pip install ./python)")
    print(f"# cpus: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.2f}")
    nb = jit_kernels(c.numba) if c.numba is not None else None
    wanted = [a for a in sys.argv[1:] if not a.startswith("--")]
    for story in STORIES + EXTRA_STORIES:
        name = story.__name__[len("story_") :]
        if wanted and name not in wanted:
            continue
        story(c, nb)
    print(f"# load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    if "--quick" in sys.argv:
        BUDGET = 0.1
    sys.exit(main())

#!/usr/bin/env python3
"""numpy, numexpr and numba on the workloads of benches/peers.rs (issue 6).

Optional: `cargo run --release --example report` runs this when `python3`
can import numpy, and puts the rows beside exprjit's in BENCHMARKS.md.
numexpr and numba are used when installed (`pip install numpy numexpr
numba`); each missing one is skipped with a comment line.

Output: one tab-separated line per measurement,
    story  contender  size  per  median_s  min_s  checksum
where `per` is the units of work per run (elements or steps) and `checksum`
is what the Rust stories compare (sum of |out| for maps, the last y for the
Euler recurrence). Lines starting with `#` are comments.

Inputs are the same as the Rust stories' (`linspace` in
benches/support/stories.rs). numexpr runs on one thread, as every serial
Rust row does. Usage: python3 benches/python/bench.py [--quick]
"""

import math
import sys
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


def main():
    try:
        import numpy as np
    except ImportError:
        print("# skipped: numpy is not installed")
        return 0
    print(f"# numpy {np.__version__}")
    try:
        import numexpr as ne

        ne.set_num_threads(1)
        print(f"# numexpr {ne.__version__} (1 thread)")
    except ImportError:
        ne = None
        print("# numexpr not installed: skipped")
    try:
        import numba

        print(f"# numba {numba.__version__}")
    except ImportError:
        numba = None
        print("# numba not installed: skipped")

    def linspace(n, lo, hi):
        return lo + (hi - lo) * np.arange(n, dtype=np.float64) / max(n, 2)

    if numba is not None:

        @numba.njit(cache=False)
        def cube_nb(x, out):
            for i in range(x.shape[0]):
                v = x[i]
                out[i] = v * v * v

        @numba.njit(cache=False)
        def cos_nb(x, out):
            for i in range(x.shape[0]):
                out[i] = math.cos(x[i])

        @numba.njit(cache=False)
        def seed_nb(y, t, h, out):
            for i in range(y.shape[0]):
                v = y[i]
                out[i] = v + h * v * v * math.cos(t[i] + v)

        @numba.njit(cache=False)
        def euler_nb(y, h, steps):
            for i in range(steps):
                t = i * h
                y = y + h * y * y * math.cos(t + y)
            return y

    def check(out):
        return float(np.abs(out).sum())

    # x^3
    for n in (100_000, 1_000_000):
        x = linspace(n, -2.0, 2.0)
        out = np.empty(n)
        runs = [
            ("numpy_power", lambda: np.power(x, 3, out=out)),
            ("numpy_x_x_x", lambda: np.multiply(np.multiply(x, x, out=out), x, out=out)),
        ]
        if ne is not None:
            runs.append(("numexpr", lambda: ne.evaluate("x**3", local_dict={"x": x}, out=out)))
        if numba is not None:
            runs.append(("numba", lambda: cube_nb(x, out)))
        for name, fn in runs:
            t = measure(fn)
            emit("map_cube", name, label(n), n, t, check(out))

    # cos(x)
    n = 1_000_000
    x = linspace(n, 0.0, 100.0)
    out = np.empty(n)
    runs = [("numpy", lambda: np.cos(x, out=out))]
    if ne is not None:
        runs.append(("numexpr", lambda: ne.evaluate("cos(x)", local_dict={"x": x}, out=out)))
    if numba is not None:
        runs.append(("numba", lambda: cos_nb(x, out)))
    for name, fn in runs:
        t = measure(fn)
        emit("map_cos", name, label(n), n, t, check(out))

    # y + h*y^2*cos(t+y)
    for n in (100_000, 1_000_000):
        y = linspace(n, 0.5, 1.5)
        tt = linspace(n, 0.0, 10.0)
        h = 0.001
        out = np.empty(n)
        runs = [("numpy", lambda: np.add(y, h * y**2 * np.cos(tt + y), out=out))]
        if ne is not None:
            env = {"y": y, "t": tt, "h": h}
            runs.append(
                ("numexpr", lambda: ne.evaluate("y + h*y**2*cos(t+y)", local_dict=env, out=out))
            )
        if numba is not None:
            runs.append(("numba", lambda: seed_nb(y, tt, h, out)))
        for name, fn in runs:
            t = measure(fn)
            emit("map_seed", name, label(n), n, t, check(out))

    # Euler: numba for 1e6 steps, plain Python for 1e5.
    if numba is not None:
        steps = 1_000_000
        res = []
        t = measure(lambda: res.append(euler_nb(1.0, 0.001, steps)))
        emit("euler", "numba", label(steps), steps, t, res[-1])

    def euler_py(steps):
        y, h = 1.0, 0.001
        cos = math.cos
        for i in range(steps):
            y = y + h * y * y * cos(i * h + y)
        return y

    steps = 100_000
    res = []
    t = measure(lambda: res.append(euler_py(steps)))
    emit("euler", "python", label(steps), steps, t, res[-1])
    return 0


if __name__ == "__main__":
    if "--quick" in sys.argv:
        BUDGET = 0.1
    sys.exit(main())

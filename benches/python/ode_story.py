#!/usr/bin/env python3
"""The `ode` story's Python row (issue 13): scipy.integrate.solve_ivp
(method="RK45") on the Lorenz system the Rust story solves (benches/support/
ode.rs): s, r, b = 10, 28, 8/3, x = y = z = 1, t in [0, 20], rtol 1e-9,
atol 1e-12.

`ode_story()` prints one line in bench.py's tab-separated format,
    story  contender  size  per  median_s  min_s  checksum
with `per` = accepted steps and `checksum` = accepted steps (what the Rust
story compares: the final state of a chaotic system over [0, 20] differs
in the 8th digit between implementations, the step count does not), or a
`#` comment line when SciPy is missing. Usage: python3 ode_story.py [--quick]
"""


def ode_story(budget=0.3):
    import sys
    import time

    try:
        import numpy as np
        import scipy
        from scipy.integrate import solve_ivp
    except ImportError:
        print("# skipped ode/scipy_solve_ivp: scipy is not installed", flush=True)
        return
    s, r, b = 10.0, 28.0, 8.0 / 3.0

    def lorenz(t, u):
        x, y, z = u
        return [s * (y - x), x * (r - z) - y, x * y - b * z]

    def solve():
        return solve_ivp(
            lorenz, (0.0, 20.0), np.array([1.0, 1.0, 1.0]), method="RK45", rtol=1e-9, atol=1e-12
        )

    sol = solve()  # warm-up
    steps = len(sol.t) - 1
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < budget and len(times) < 200):
        t = time.perf_counter()
        solve()
        times.append(time.perf_counter() - t)
    times.sort()
    median = times[len(times) // 2]
    print(
        f"# scipy {scipy.__version__}: solve_ivp RK45 on Lorenz, {steps} accepted steps, "
        f"{sol.nfev} right-hand-side calls",
        flush=True,
    )
    print(
        f"ode\tscipy_solve_ivp\tlorenz\t{steps}\t{median:.9e}\t{times[0]:.9e}\t{float(steps)!r}",
        flush=True,
    )
    sys.stdout.flush()


if __name__ == "__main__":
    import sys

    ode_story(0.05 if "--quick" in sys.argv else 1.0)

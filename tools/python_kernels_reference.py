#!/usr/bin/env python3
"""Reference values for python/tests/test_ode.py (exprjit.solve_ivp), made
by SciPy's solve_ivp (RK45), which exprjit's RK45 follows step for step:
the step counts and right-hand-side evaluations must be equal, the
states equal to rounding.

Writes python/tests/data/ode_scipy_reference.json. Run with SciPy
installed (e.g. python3 -m venv /tmp/v && /tmp/v/bin/pip install scipy):
    /tmp/v/bin/python tools/python_kernels_reference.py
"""

import json
import pathlib

import numpy as np
import scipy
from scipy.integrate import solve_ivp

S, R, B = 10.0, 28.0, 8.0 / 3.0
CASES = [
    # name, rhs (exprjit), python rhs, y0, t_span, rtol, atol, params
    ("lorenz", {"x": "s*(y-x)", "y": "x*(r-z)-y", "z": "x*y-b*z"},
     lambda t, u: [S * (u[1] - u[0]), u[0] * (R - u[2]) - u[1], u[0] * u[1] - B * u[2]],
     [1.0, 1.0, 1.0], (0.0, 2.0), 1e-9, 1e-12, {"s": S, "r": R, "b": B}),
    ("vdp", {"x": "v", "v": "mu*(1-x^2)*v - x"},
     lambda t, u: [u[1], 1.5 * (1 - u[0] ** 2) * u[1] - u[0]],
     [2.0, 0.0], (0.0, 10.0), 1e-6, 1e-9, {"mu": 1.5}),
    ("decay_defaults", {"y": "-k*y"}, lambda t, u: [-0.5 * u[0]],
     [2.0], (0.0, 10.0), 1e-3, 1e-6, {"k": 0.5}),
]


def main():
    out = {"scipy": scipy.__version__, "cases": []}
    for name, rhs, f, y0, span, rtol, atol, params in CASES:
        full = solve_ivp(f, span, y0, method="RK45", rtol=rtol, atol=atol)
        t_eval = list(np.linspace(span[0], span[1], 7))
        ev = solve_ivp(f, span, y0, method="RK45", rtol=rtol, atol=atol, t_eval=t_eval)
        assert ev.nfev == full.nfev
        out["cases"].append({
            "name": name, "rhs": rhs, "y0": y0, "t_span": list(span), "rtol": rtol,
            "atol": atol, "params": params, "nfev": int(full.nfev),
            "naccepted": len(full.t) - 1, "y_end": list(full.y[:, -1]),
            "t_eval": t_eval, "y_eval": ev.y.tolist(),
        })
    path = pathlib.Path(__file__).resolve().parent.parent / "python/tests/data/ode_scipy_reference.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()

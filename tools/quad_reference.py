#!/usr/bin/env python3
"""Reference data for tests/quad.rs, computed independently of exprjit.

Writes, under tests/data/quad/:
  gauss_legendre.txt  n, node, weight (30 digits) for several n: roots of
                      P_n by Newton's method in 50-digit mpmath arithmetic
  kronrod21.txt       the 21-point Gauss-Kronrod rule (30 digits): the
                      Stieltjes polynomial E_11 (orthogonal to x^0..x^10
                      with weight P_10) solved for and rooted in mpmath,
                      weights from the moment equations
  integrals.txt       formula, a, b, exact value (30 digits, mpmath.quad
                      or a closed form), and SciPy quad's value and error
                      estimate at its default tolerance

Run:  python3 -m venv /tmp/venv-quad && /tmp/venv-quad/bin/pip install mpmath scipy
      /tmp/venv-quad/bin/python tools/quad_reference.py
"""
import os
import mpmath as mp

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "quad")


def legendre_and_derivative(n, x):
    p0, p1 = mp.mpf(1), x
    if n == 0:
        return mp.mpf(1), mp.mpf(0)
    for k in range(2, n + 1):
        p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
    return p1, n * (x * p1 - p0) / (x * x - 1)


def gauss_legendre(n):
    nodes = []
    for k in range(1, n + 1):
        x = mp.cos(mp.pi * (4 * k - 1) / (4 * n + 2))
        for _ in range(100):
            p, dp = legendre_and_derivative(n, x)
            step = p / dp
            x -= step
            if abs(step) < mp.mpf(10) ** -45:
                break
        p, dp = legendre_and_derivative(n, x)
        nodes.append((x, 2 / ((1 - x * x) * dp * dp)))
    return sorted(nodes)


def kronrod21():
    # E_11(x) = x^11 + c9 x^9 + ... + c1 x (odd); orthogonality with the
    # odd powers x^1, x^3, ..., x^9 under weight P_10 (even ones vanish).
    P10 = lambda x: legendre_and_derivative(10, x)[0]
    # moments m_j = integral of P10(x) x^j over [-1, 1], exact by a
    # 40-point Gauss rule (degree <= 10 + 21 < 79)
    g = gauss_legendre(40)
    mom = lambda j: mp.fsum(w * P10(x) * x ** j for x, w in g)
    odd = [1, 3, 5, 7, 9]
    A = mp.matrix(5, 5)
    rhs = mp.matrix(5, 1)
    for r, k in enumerate(odd):
        for c, j in enumerate(odd):
            A[r, c] = mom(k + j)
        rhs[r] = -mom(k + 11)
    c = mp.lu_solve(A, rhs)
    coeffs = [mp.mpf(1), 0, c[4], 0, c[3], 0, c[2], 0, c[1], 0, c[0], 0]
    roots = sorted(mp.re(r) for r in mp.polyroots(coeffs, maxsteps=200, extraprec=200))
    gauss = [x for x, _ in gauss_legendre(10)]
    nodes = sorted([r for r in roots if r >= 0] + [x for x in gauss if x > 0], reverse=True)
    # weights of the nonnegative nodes (symmetric rule): moments of even degree
    m = len(nodes)  # 11: ten positive and 0
    A = mp.matrix(m, m)
    rhs = mp.matrix(m, 1)
    for r in range(m):
        k = 2 * r
        for j, x in enumerate(nodes):
            A[r, j] = (x ** k) * (1 if x == 0 else 2) if k > 0 else (1 if x == 0 else 2)
        rhs[r] = mp.mpf(2) / (k + 1)
    w = mp.lu_solve(A, rhs)
    gw = dict((x, wt) for x, wt in gauss_legendre(10))
    rows = []
    for j, x in enumerate(nodes):
        gauss_weight = next((wt for gx, wt in gw.items() if abs(gx - x) < mp.mpf(10) ** -40), None)
        rows.append((x, w[j], gauss_weight))
    return rows


INTEGRALS = [
    # formula (exprjit syntax), a, b, exact (mpmath expression)
    ("log(k)", "0", "1", lambda: mp.mpf(-1)),
    ("exp(-k^2)", "-inf", "inf", lambda: mp.sqrt(mp.pi)),
    ("1/(1e-4 + (k-0.3)^2)", "0", "1", lambda: 100 * (mp.atan(70) + mp.atan(30))),
    ("cos(100*k)", "0", "1", lambda: mp.sin(100) / 100),
    ("k*sin(30*k)", "0", "2*pi", lambda: mp.quad(lambda k: k * mp.sin(30 * k), mp.linspace(0, 2 * mp.pi, 61))),
    ("1/sqrt(k)", "0", "1", lambda: mp.mpf(2)),
    ("exp(-k)", "0", "inf", lambda: mp.mpf(1)),
    ("1/(1+k^2)", "-inf", "0", lambda: mp.pi / 2),
    ("exp(-k^2/2)*cos(3*k)", "-inf", "inf", lambda: mp.sqrt(2 * mp.pi) * mp.exp(mp.mpf(-9) / 2)),
    ("k^2*exp(-k)", "1", "inf", lambda: 5 * mp.exp(-1)),
    ("sin(k)/k", "1e-8", "10", lambda: mp.si(10) - mp.si(mp.mpf("1e-8"))),
    ("sqrt(1-k^2)", "-1", "1", lambda: mp.pi / 2),
]


def scipy_values():
    try:
        import numpy as np
        from scipy.integrate import quad
    except ImportError:
        return None
    fs = {
        "log(k)": np.log,
        "exp(-k^2)": lambda k: np.exp(-k * k),
        "1/(1e-4 + (k-0.3)^2)": lambda k: 1 / (1e-4 + (k - 0.3) ** 2),
        "cos(100*k)": lambda k: np.cos(100 * k),
        "k*sin(30*k)": lambda k: k * np.sin(30 * k),
        "1/sqrt(k)": lambda k: 1 / np.sqrt(k),
        "exp(-k)": lambda k: np.exp(-k),
        "1/(1+k^2)": lambda k: 1 / (1 + k * k),
        "exp(-k^2/2)*cos(3*k)": lambda k: np.exp(-k * k / 2) * np.cos(3 * k),
        "k^2*exp(-k)": lambda k: k * k * np.exp(-k),
        "sin(k)/k": lambda k: np.sin(k) / k,
        "sqrt(1-k^2)": lambda k: np.sqrt(1 - k * k),
    }
    lim = {"0": 0.0, "1": 1.0, "-1": -1.0, "inf": np.inf, "-inf": -np.inf,
           "2*pi": 2 * np.pi, "1e-8": 1e-8, "10": 10.0}
    out = {}
    for f, a, b, _ in INTEGRALS:
        v, e = quad(fs[f], lim[a], lim[b])
        out[f] = (v, e)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "gauss_legendre.txt"), "w") as f:
        f.write("# n node weight: Gauss-Legendre on [-1,1], 30 digits, tools/quad_reference.py\n")
        for n in [1, 2, 3, 4, 5, 7, 10, 16, 20, 33, 64, 100]:
            for x, w in gauss_legendre(n):
                f.write(f"{n} {mp.nstr(x, 30, min_fixed=-1, max_fixed=1)} {mp.nstr(w, 30, min_fixed=-1, max_fixed=1)}\n")
    with open(os.path.join(OUT, "kronrod21.txt"), "w") as f:
        f.write("# node kronrod_weight gauss_weight (or -): G10K21 on [-1,1], nonnegative nodes, 30 digits\n")
        for x, w, g in kronrod21():
            gs = mp.nstr(g, 30, min_fixed=-1, max_fixed=1) if g is not None else "-"
            f.write(f"{mp.nstr(x, 30, min_fixed=-1, max_fixed=1)} {mp.nstr(w, 30, min_fixed=-1, max_fixed=1)} {gs}\n")
    sp = scipy_values()
    with open(os.path.join(OUT, "integrals.txt"), "w") as f:
        f.write("# formula<TAB>a<TAB>b<TAB>exact (30 digits)<TAB>scipy value<TAB>scipy error estimate\n")
        for formula, a, b, exact in INTEGRALS:
            v = exact()
            sv, se = sp[formula] if sp else ("-", "-")
            f.write(f"{formula}\t{a}\t{b}\t{mp.nstr(v, 30)}\t{sv!r}\t{se!r}\n")


if __name__ == "__main__":
    main()

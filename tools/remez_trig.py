#!/usr/bin/env python3
"""Coefficients of the sin and cos polynomials in src/math/trig.rs.

Weighted minimax (Remez exchange, mpmath at 160 bits) on |r| <= pi/4 + 1e-6,
in z = r^2, with the error measured relative to the function:

  sin r = r + r^3 * S(z)            weight z * r / sin r   (7 coefficients)
  cos r = 1 - z/2 + z^2 * C(z)      weight z^2 / cos r     (6 coefficients)

Coefficients are rounded to doubles one at a time, lowest first, and the
rest re-fitted around each rounded one. Prints each array and its maximum
weighted error (log2). Run: python3 tools/remez_trig.py (a few minutes).
"""
import mpmath as mp

mp.mp.prec = 160
ZMAX = (mp.pi / 4 + mp.mpf("1e-6")) ** 2
GRID = [ZMAX * mp.mpf(i) / 4000 for i in range(1, 4001)]


def sin_part(z):
    r = mp.sqrt(z)
    return (mp.sin(r) - r) / r**3


def cos_part(z):
    return (mp.cos(mp.sqrt(z)) - 1 + z / 2) / z**2


def sin_weight(z):
    r = mp.sqrt(z)
    return z * r / mp.sin(r)


def cos_weight(z):
    return z * z / mp.cos(mp.sqrt(z))


def horner(c, z):
    p = mp.mpf(0)
    for a in reversed(c):
        p = p * z + a
    return p


def remez(g, w, n, fixed):
    """Best weighted fit of degree n-1 with the first len(fixed) coefficients given."""
    k = n - len(fixed)
    refs = [ZMAX * (1 - mp.cos(mp.pi * (i + 0.5) / (k + 1))) / 2 for i in range(k + 1)]
    c = list(fixed)
    for _ in range(30):
        a = mp.matrix(k + 1, k + 1)
        b = mp.matrix(k + 1, 1)
        for i, z in enumerate(refs):
            for m in range(k):
                a[i, m] = w(z) * z ** (len(fixed) + m)
            a[i, k] = -((-1) ** i)
            b[i] = w(z) * (g(z) - horner(list(fixed), z))
        sol = mp.lu_solve(a, b)
        c = list(fixed) + [sol[m] for m in range(k)]
        errs = [w(z) * (horner(c, z) - g(z)) for z in GRID]
        # One extremum per run of equal sign, keeping the k+1 largest.
        runs, cur = [], [0]
        for j in range(1, len(errs)):
            if (errs[j] >= 0) == (errs[cur[0]] >= 0):
                cur.append(j)
            else:
                runs.append(cur)
                cur = [j]
        runs.append(cur)
        peaks = [max(r, key=lambda j: abs(errs[j])) for r in runs]
        while len(peaks) > k + 1:
            peaks.pop(0 if abs(errs[peaks[0]]) < abs(errs[peaks[-1]]) else -1)
        if len(peaks) < k + 1:
            break
        refs = [GRID[j] for j in peaks]
    return c


def rounded(g, w, n):
    fixed = []
    for i in range(n):
        fixed.append(mp.mpf(float(remez(g, w, n, fixed)[i])))
    worst = max(abs(w(z) * (horner(fixed, z) - g(z))) for z in GRID)
    return [float(x) for x in fixed], worst


for name, g, w, n in [("S", sin_part, sin_weight, 7), ("C", cos_part, cos_weight, 6)]:
    coefs, worst = rounded(g, w, n)
    print(f"{name}: max weighted error 2^{float(mp.log(worst, 2)):.1f}")
    for c in coefs:
        print(f"    {c!r},")

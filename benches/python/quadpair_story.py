#!/usr/bin/env python3
"""Python peers of the `quad` and `pairwise` stories (issue 14), for
bench.py to call (or to run alone).

Rows in bench.py's tab-separated format:
    story  contender  size  per  median_s  min_s  checksum
`per` is integrals per run (quad) or pairs per run (pairwise).

Inputs, the same as benches/quadpair.rs and examples/report.rs:
  quad:     x[i] = ((i*7919) % 30000)/15000 - 1 for i < 30000 (the 1000x30
            matrix of the seed question); integrand k*x^2, k in [0, 100]
  pairwise: A[i, k] = ((i*300 + k) * 0.6180339887498949) % 1, 2000x300

Contenders: scipy.integrate.quad in a Python loop (3000 of the 30,000
integrals per run, default tolerances epsabs = epsrel = 1.49e-8), NumPy's
vectorised 10-point Gauss-Legendre (as quadpy does), scipy's
cdist(A, A, "sqeuclidean"), and scikit-learn's euclidean_distances(A,
squared=True) (|a|^2 + |b|^2 - 2ab on BLAS, its threads). Each missing
package is skipped with a comment line.

Usage: python3 benches/python/quadpair_story.py
"""

import time

BUDGET = 0.3


def emit(story, contender, size, per, times, checksum):
    times = sorted(times)
    median = times[len(times) // 2]
    print(
        f"{story}\t{contender}\t{size}\t{per}\t{median:.9e}\t{times[0]:.9e}\t{checksum!r}",
        flush=True,
    )


def measure(fn):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < BUDGET and len(times) < 2000):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def quad_x(np):
    i = np.arange(30000, dtype=np.int64)
    return ((i * 7919) % 30000).astype(np.float64) / 15000.0 - 1.0


def pairwise_a(np, n=2000, d=300):
    idx = np.arange(n * d, dtype=np.float64)
    return np.fmod(idx * 0.6180339887498949, 1.0).reshape(n, d)


def quad_stories(np):
    x = quad_x(np)
    nodes, weights = np.polynomial.legendre.leggauss(10)
    k = 50.0 + 50.0 * nodes

    def gl():
        return 50.0 * ((x * x)[:, None] * k[None, :]) @ weights

    out = gl()
    emit("quad", "numpy_gauss_legendre10", "30000", 30000, measure(gl), float(np.sum(out)))
    try:
        from scipy.integrate import quad
    except ImportError:
        print("# scipy not installed: quad loop skipped")
        return
    sub = x[:3000]

    def loop():
        return [quad(lambda kk, xi=xi: kk * xi * xi, 0.0, 100.0)[0] for xi in sub]

    vals = loop()
    emit("quad", "scipy_quad_loop", "3000", 3000, measure(loop), float(sum(vals)))


def pairwise_stories(np):
    a = pairwise_a(np)
    n = a.shape[0]
    try:
        from scipy.spatial.distance import cdist

        out = cdist(a, a, "sqeuclidean")
        emit("pairwise", "scipy_cdist_sqeuclidean", "2000x300", n * n,
             measure(lambda: cdist(a, a, "sqeuclidean")), float(out.sum()))
    except ImportError:
        print("# scipy not installed: cdist skipped")
    try:
        from sklearn.metrics.pairwise import euclidean_distances

        out = euclidean_distances(a, squared=True)
        emit("pairwise", "sklearn_euclidean_squared", "2000x300", n * n,
             measure(lambda: euclidean_distances(a, squared=True)), float(out.sum()))
    except ImportError:
        print("# scikit-learn not installed: pairwise_distances skipped")


def main():
    try:
        import numpy as np
    except ImportError:
        print("# skipped: numpy is not installed")
        return 0
    quad_stories(np)
    pairwise_stories(np)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

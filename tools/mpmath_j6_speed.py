#!/usr/bin/env python3
"""mpmath's time per point for issue 15's j6 formula at 30 digits (the peer
of `cargo run --release --example precision`): 5 runs over 10,000 points of
[1e-4, 17], median.

    /tmp/venv-prec/bin/python tools/mpmath_j6_speed.py
"""
import time

import mpmath
from mpmath import cos, mp, mpf, sin

mp.dps = 30
zs = [mpf(1e-4 + (17 - 1e-4) * i / 9999) for i in range(10000)]


def j6(z):
    return -((z**6 - 210*z**4 + 4725*z**2 - 10395)*sin(z)
             + (21*z**5 - 1260*z**3 + 10395*z)*cos(z)) / z**7


ts = []
for _ in range(5):
    t = time.perf_counter()
    for z in zs:
        j6(z)
    ts.append((time.perf_counter() - t) / len(zs))
ts.sort()
print("mpmath %s dps=30: median %.2f us/point (5 runs x 10000 points)"
      % (mpmath.__version__, ts[2] * 1e6))

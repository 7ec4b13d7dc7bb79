#!/usr/bin/env python3
"""Prints the computed rows of `POW_CASES` in tests/math.rs: each (x, y)
with x^y computed by mpmath at 300 bits and rounded once to the nearest
double (on the subnormal grid, overflowing to inf, with the sign of zero).
The special values (NaN, infinities, zeros) above them in the table follow
C99 Annex F and are written out by hand.

    python3 tests/math/pow_cases.py
"""
import math
from mpmath import mp, mpf

mp.prec = 300
INF, NAN = math.inf, math.nan


def round_double(v):
    """The double nearest the mpf v (ties to even), with overflow to inf."""
    if v == 0:
        return 0.0
    sign = -1.0 if v < 0 else 1.0
    a = abs(v)
    e = int(mp.floor(mp.log(a, 2)))
    while mpf(2) ** e > a:
        e -= 1
    while mpf(2) ** (e + 1) <= a:
        e += 1
    q = max(e - 52, -1074)  # the ulp's exponent
    scaled = a / mpf(2) ** q
    n = int(mp.floor(scaled))
    rest = scaled - n
    if rest > 0.5 or (rest == 0.5 and n % 2 == 1):
        n += 1
    r = mpf(n) * mpf(2) ** q
    if r >= mpf(2) ** 1024:
        return sign * INF
    return sign * math.ldexp(n, q)


def exact_pow(x, y):
    bx, by = mpf(x), mpf(y)
    if x < 0:
        assert y == int(y)
        v = abs(bx) ** by
        return -v if int(y) % 2 else v
    return bx ** by


VALUES = [
    (2.0, 0.5),
    (10.0, -0.5),
    (3.0, 40.0),
    (1.5, 2.5),
    (0.1, 3.3),
    (7.0, 1.0 / 3.0),
    (123.456, -7.89),
    # near overflow
    (10.0, 308.2547155599167),
    (10.0, 308.25471555991),
    (2.0, 1023.9999999999999),
    (0.5, -1023.99999),
    (1.7976931348623157e308, 1.0),
    (1.7976931348623157e308, 0.9999999999999999),
    (2.0, 1024.0),
    # subnormal and underflowing results
    (10.0, -310.5),
    (2.0, -1074.0),
    (2.0, -1074.5),
    (2.0, -1075.0),
    (2.0, -1075.0000001),
    (2.0, -1022.5),
    (0.5, 1073.3),
    (3.8245839077930734e102, -3.0),
    (2.2250738585072014e-308, 1.0000000000000002),
    (5e-324, 0.5),
    (5e-324, 1.0),
    (5e-324, -0.0009),
    (1e-310, 0.7),
    # x near 1, |y| large
    (1.0000000000000002, 1.152921504606847e18),
    (0.9999999999999999, 1e17),
    (1.0000001, 7e9),
    (1.0000000001, -7.4e12),
    (0.9999999999999999, -8.1e18),
    (1.0000000000000002, 2.0 ** 62),
    (1.0000000000000002, 3.19e18),
    (0.9999999999999999, 6.7e18),
    (1.0 + 2.0 ** -30, 7.6e11),
    # negative x, integer y
    (-3.0, 5.0),
    (-3.0, 4.0),
    (-1.5, 7.0),
    (-2.5, -3.0),
    (-1.0000000000000002, 4503599627370497.0),
    (-1.0000000000000002, 4503599627370496.0),
    (-7.5, 100.0),
    (-7.5, 101.0),
    (-0.999, -1000001.0),
    (-10.0, -311.0),
    (-10.0, 401.0),
    (-10.0, 400.0),
    (-10.0, -401.0),
    (-2.0, 9007199254740992.0),
    (-1.0, 9007199254740991.0),
    (-1.0, 1e300),
    (-5e-324, 1.0),
    (-5e-324, 3.0),
]

for x, y in VALUES:
    r = round_double(exact_pow(x, y))
    print(f"    ({x!r}, {y!r}, {r!r}),")

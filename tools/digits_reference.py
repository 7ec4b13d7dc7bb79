#!/usr/bin/env python3
"""Reference values for tests/digits.rs: every built-in function of exprjit at
ordinary and awkward arguments, evaluated with mpmath at 600 decimal digits
with the inputs taken as exact decimals, written to
tests/data/digits/cases.tsv as `formula<TAB>bindings<TAB>digits<TAB>value`.

    python3 -m venv /tmp/venv-prec && /tmp/venv-prec/bin/pip install mpmath
    /tmp/venv-prec/bin/python tools/digits_reference.py > tests/data/digits/cases.tsv

The value is `d.ddd…e±X` with exactly `digits` significant digits (rounded
to nearest), or `0`, `inf`, `-inf`, `NaN`: the format of
`Expr::eval_digits`.
"""
import mpmath
from mpmath import mp, mpf
import decimal

mp.dps = 600


def sign(x):
    return mpf(1) if x > 0 else mpf(-1) if x < 0 else x


def rnd(x):  # halves away from zero
    return mpmath.sign(x) * mpmath.floor(abs(x) + mpf("0.5"))


def c_fmod(x, y):  # sign of x, |x| mod |y|
    r = mpmath.fmod(abs(x), abs(y))
    return -r if x < 0 else r


# (formula, {name: decimal text}, digits, mpmath function of the bindings)
CASES = [
    ("sin(x)", {"x": "0.5"}, 30, lambda x: mpmath.sin(x)),
    ("sin(x)", {"x": "1e22"}, 30, lambda x: mpmath.sin(x)),
    ("sin(x)", {"x": "1e-300"}, 30, lambda x: mpmath.sin(x)),
    ("cos(x)", {"x": "1e22"}, 30, lambda x: mpmath.cos(x)),
    ("cos(x)", {"x": "1.5707963267948966"}, 30, lambda x: mpmath.cos(x)),
    ("tan(x)", {"x": "1.5707963267948966"}, 30, lambda x: mpmath.tan(x)),
    ("tan(x)", {"x": "-3.25"}, 30, lambda x: mpmath.tan(x)),
    ("asin(x)", {"x": "0.999999999"}, 30, lambda x: mpmath.asin(x)),
    ("asin(x)", {"x": "-1e-200"}, 30, lambda x: mpmath.asin(x)),
    ("acos(x)", {"x": "-0.9999999"}, 30, lambda x: mpmath.acos(x)),
    ("acos(x)", {"x": "0.999999999999"}, 30, lambda x: mpmath.acos(x)),
    ("atan(x)", {"x": "1e300"}, 30, lambda x: mpmath.atan(x)),
    ("atan(x)", {"x": "0.75"}, 30, lambda x: mpmath.atan(x)),
    ("sinh(x)", {"x": "1e-20"}, 30, lambda x: mpmath.sinh(x)),
    ("sinh(x)", {"x": "-710.25"}, 30, lambda x: mpmath.sinh(x)),
    ("cosh(x)", {"x": "700"}, 30, lambda x: mpmath.cosh(x)),
    ("cosh(x)", {"x": "1e-10"}, 30, lambda x: mpmath.cosh(x)),
    ("tanh(x)", {"x": "20"}, 30, lambda x: mpmath.tanh(x)),
    ("tanh(x)", {"x": "-1e-15"}, 30, lambda x: mpmath.tanh(x)),
    ("asinh(x)", {"x": "-1e-30"}, 30, lambda x: mpmath.asinh(x)),
    ("asinh(x)", {"x": "1e300"}, 30, lambda x: mpmath.asinh(x)),
    ("acosh(x)", {"x": "1.0000000001"}, 30, lambda x: mpmath.acosh(x)),
    ("acosh(x)", {"x": "12.5"}, 30, lambda x: mpmath.acosh(x)),
    ("atanh(x)", {"x": "0.9999999999"}, 30, lambda x: mpmath.atanh(x)),
    ("atanh(x)", {"x": "-1e-25"}, 30, lambda x: mpmath.atanh(x)),
    ("exp(x)", {"x": "-745.5"}, 30, lambda x: mpmath.exp(x)),
    ("exp(x)", {"x": "1e-30"}, 30, lambda x: mpmath.exp(x)),
    ("exp(x)", {"x": "1000"}, 30, lambda x: mpmath.exp(x)),
    ("exp2(x)", {"x": "0.5"}, 30, lambda x: mpf(2) ** x),
    ("exp2(x)", {"x": "-1074.25"}, 30, lambda x: mpf(2) ** x),
    ("expm1(x)", {"x": "1e-30"}, 30, lambda x: mpmath.expm1(x)),
    ("expm1(x)", {"x": "-1e-400"}, 30, lambda x: mpmath.expm1(x)),
    ("expm1(x)", {"x": "-50"}, 30, lambda x: mpmath.expm1(x)),
    ("log(x)", {"x": "1.0000000000001"}, 30, lambda x: mpmath.log(x)),
    ("log(x)", {"x": "1e-300"}, 30, lambda x: mpmath.log(x)),
    ("ln(x)", {"x": "2"}, 30, lambda x: mpmath.log(x)),
    ("log2(x)", {"x": "3"}, 30, lambda x: mpmath.log(x, 2)),
    ("log10(x)", {"x": "1e-300"}, 30, lambda x: mpmath.log10(x)),
    ("log10(x)", {"x": "2"}, 30, lambda x: mpmath.log10(x)),
    ("log1p(x)", {"x": "-0.999999"}, 30, lambda x: mpmath.log1p(x)),
    ("log1p(x)", {"x": "1e-45"}, 30, lambda x: mpmath.log1p(x)),
    ("cbrt(x)", {"x": "-27.000001"}, 30, lambda x: -mpmath.cbrt(-x)),
    ("cbrt(x)", {"x": "2"}, 30, lambda x: mpmath.cbrt(x)),
    ("round(x)", {"x": "2.5"}, 5, rnd),
    ("round(x)", {"x": "-2.5"}, 5, rnd),
    ("round(x)", {"x": "0.49999999999999999999"}, 5, rnd),
    ("atan2(y, x)", {"y": "-1e-300", "x": "-1"}, 30, lambda y, x: mpmath.atan2(y, x)),
    ("atan2(y, x)", {"y": "3", "x": "-4"}, 30, lambda y, x: mpmath.atan2(y, x)),
    ("pow(x, y)", {"x": "-2", "y": "7"}, 30, lambda x, y: x ** y),
    ("pow(x, y)", {"x": "1.0000001", "y": "1e7"}, 30, lambda x, y: x ** y),
    ("x^y", {"x": "0.5", "y": "-0.25"}, 30, lambda x, y: x ** y),
    ("x**y", {"x": "10", "y": "-300"}, 30, lambda x, y: x ** y),
    ("hypot(x, y)", {"x": "3e200", "y": "4e200"}, 30, lambda x, y: mpmath.hypot(x, y)),
    ("hypot(x, y)", {"x": "1e-20", "y": "1"}, 30, lambda x, y: mpmath.hypot(x, y)),
    ("fmod(x, y)", {"x": "1e20", "y": "0.3"}, 30, c_fmod),
    ("x % y", {"x": "-7.5", "y": "2"}, 30, c_fmod),
    ("sqrt(x)", {"x": "2"}, 50, lambda x: mpmath.sqrt(x)),
    ("sqrt(x)", {"x": "1e-301"}, 30, lambda x: mpmath.sqrt(x)),
    ("abs(x)", {"x": "-0.1"}, 30, abs),
    ("floor(x)", {"x": "-2.000000000000000000001"}, 10, mpmath.floor),
    ("ceil(x)", {"x": "2.000000000000000000001"}, 10, mpmath.ceil),
    ("trunc(x)", {"x": "-2.9"}, 10, lambda x: mpmath.sign(x) * mpmath.floor(abs(x))),
    ("min(x, y, 0.3)", {"x": "0.1", "y": "0.2"}, 30, lambda x, y: min(x, y, mpf("0.3"))),
    ("max(x, y)", {"x": "0.1", "y": "0.10000000000000000001"}, 30, max),
    ("fma(x, y, z)", {"x": "0.1", "y": "0.1", "z": "-0.01"}, 30, lambda x, y, z: x * y + z),
    ("if(x > y, x, y)", {"x": "0.1", "y": "0.2"}, 30, max),
    ("clamp(x, 0.25, 0.5)", {"x": "0.7"}, 30, lambda x: min(max(x, mpf("0.25")), mpf("0.5"))),
    ("sign(x)", {"x": "-1e-300"}, 5, sign),
    ("pi * e", {}, 60, lambda: mp.pi * mp.e),
    ("0.1 + 0.2 - 0.3", {}, 30, lambda: mpf("0.1") + mpf("0.2") - mpf("0.3")),
    ("(1 + x) - 1", {"x": "1e-300"}, 30, lambda x: (1 + x) - 1),
    ("1/x", {"x": "3"}, 100, lambda x: 1 / x),
    ("x == 0.1", {"x": "0.1"}, 3, lambda x: mpf(1)),
    ("!(x < y) || x != y", {"x": "1", "y": "1"}, 3, lambda x, y: mpf(1)),
    # The seed of issue 15: the spherical Bessel function j6 in closed form,
    # whose two terms cancel for small z.
    ("-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7",
     {"z": "0.01"}, 40,
     lambda z: -((z**6 - 210*z**4 + 4725*z**2 - 10395)*mpmath.sin(z)
                 + (21*z**5 - 1260*z**3 + 10395*z)*mpmath.cos(z)) / z**7),
    ("-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7",
     {"z": "0.5"}, 40,
     lambda z: -((z**6 - 210*z**4 + 4725*z**2 - 10395)*mpmath.sin(z)
                 + (21*z**5 - 1260*z**3 + 10395*z)*mpmath.cos(z)) / z**7),
]


def fmt(x, n):
    if mpmath.isnan(x):
        return "NaN"
    if mpmath.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    # 580 digits of x, then rounded to n (ties to even) by `decimal`.
    d = decimal.Decimal(mpmath.nstr(x, 580, strip_zeros=False))
    return f"{d:.{n - 1}e}"


def main():
    print("# formula\tbindings\tdigits\tvalue (tools/digits_reference.py, mpmath "
          + mpmath.__version__ + ", 600 digits)")
    for formula, binds, n, f in CASES:
        args = [mpf(v) for v in binds.values()]
        value = f(*args)
        b = " ".join(f"{k}={v}" for k, v in binds.items())
        print(f"{formula}\t{b}\t{n}\t{fmt(mpf(value), n)}")


if __name__ == "__main__":
    main()

//! Quadrature rules on [-1, 1]: Gauss–Legendre nodes and weights for any
//! `n` (Newton's method on the Legendre recurrence), and QUADPACK's
//! 21-point Gauss–Kronrod rule with its embedded 10-point Gauss rule.
//!
//! The tables are checked against independent values in
//! `tests/quad.rs` (30-digit mpmath nodes and weights stored in
//! `tests/data/quad/`, made by `tools/quad_reference.py`) and by the
//! exactness of each rule on polynomials.

/// The most points a fixed Gauss–Legendre rule may have (each node is
/// unrolled in the compiled code).
pub const MAX_GAUSS_POINTS: usize = 100;

/// The 21-point Kronrod abscissae on [0, 1]: `XGK[1]`, `XGK[3]`, … are the
/// 10-point Gauss nodes; `XGK[10]` is the centre. From QUADPACK's `dqk21`
/// (Piessens, de Doncker; evaluated by L. W. Fullerton in 80-digit
/// arithmetic), in its order.
#[allow(clippy::excessive_precision)]
pub const XGK: [f64; 11] = [
    0.995657163025808080735527280689003,
    0.973906528517171720077964012084452,
    0.930157491355708226001207180059508,
    0.865063366688984510732096688423493,
    0.780817726586416897063717578345042,
    0.679409568299024406234327365114874,
    0.562757134668604683339000099272694,
    0.433395394129247190799265943165784,
    0.294392862701460198131126603103866,
    0.148874338981631210884826001129720,
    0.0,
];

/// The 21-point Kronrod weights, for the abscissae [`XGK`] (and their negatives).
#[allow(clippy::excessive_precision)]
pub const WGK: [f64; 11] = [
    0.011694638867371874278064396062192,
    0.032558162307964727478818972459390,
    0.054755896574351996031381300244580,
    0.075039674810919952767043140916190,
    0.093125454583697605535065465083366,
    0.109387158802297641899210590325805,
    0.123491976262065851077958109831074,
    0.134709217311473325928054001771707,
    0.142775938577060080797094273138717,
    0.147739104901338491374841515972068,
    0.149445554002916905664936468389821,
];

/// The 10-point Gauss weights, for the nodes `XGK[1]`, `XGK[3]`, …, `XGK[9]`.
#[allow(clippy::excessive_precision)]
pub const WG: [f64; 5] = [
    0.066671344308688137593568809893332,
    0.149451349150580593145776339657697,
    0.219086362515982043995534934228163,
    0.269266719309996355091226921569469,
    0.295524224714752870173892994651338,
];

/// Gauss–Legendre nodes (ascending) and weights for `n` points on
/// [-1, 1], `1 <= n` (callers check the range).
///
/// Each positive root of `P_n` is found by Newton's method from the
/// estimate `cos(π(4k - 1)/(4n + 2))`, iterated (in double-double
/// arithmetic) until a step no longer changes it (at most 100 steps); the
/// weight is `2 (1 - x²) / (n P_{n-1}(x))²`, also in double-double. Negative nodes mirror the positive ones, so
/// the rule is exactly symmetric; the middle node of odd `n` is exactly 0.
pub fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut nodes = vec![0.0; n];
    let mut weights = vec![0.0; n];
    let half = n.div_ceil(2);
    for k in 1..=half {
        let middle = n % 2 == 1 && k == half;
        let mut x = if middle {
            0.0
        } else {
            (std::f64::consts::PI * (4 * k - 1) as f64 / (4 * n + 2) as f64).cos()
        };
        // Newton's method with P_n and P_n' in double-double arithmetic,
        // so the step is accurate to well below an ulp of x.
        let mut step = Dd(0.0, 0.0);
        if !middle {
            for iteration in 0..100 {
                let (p, below) = legendre_dd(n, x);
                // P_n'(x) = n (P_{n-1} - x P_n) / ((1 - x)(1 + x))
                let one_minus = Dd::prod(1.0 - x, 1.0 + x);
                let dp = below.add(p.mul_f(-x)).mul_f(n as f64).div(one_minus);
                step = p.div(dp);
                let next = x - step.0;
                if next == x || iteration == 99 {
                    break;
                }
                x = next;
            }
        }
        // w = 2 (1 - x²) / (n P_{n-1}(x))² at the root x - step (as a
        // double-double, so rounding the root to f64 costs the weight nothing).
        let root = Dd::from(x).add(Dd(-step.0, -step.1));
        let (_, below) = legendre_dd_at(n, root);
        let one_minus = Dd::from(1.0).add(root.mul(root).neg());
        let np = below.mul_f(n as f64);
        let w = one_minus.mul_f(2.0).div(np.mul(np));
        let x = root.0;
        // Node k (largest first) goes to n - k; its mirror to k - 1.
        nodes[n - k] = x;
        weights[n - k] = w.0;
        nodes[k - 1] = -x;
        weights[k - 1] = w.0;
    }
    (nodes, weights)
}

/// A double-double number `hi + lo` (|lo| ≤ ulp(hi)/2).
#[derive(Debug, Clone, Copy)]
struct Dd(f64, f64);

impl Dd {
    fn from(v: f64) -> Dd {
        Dd(v, 0.0)
    }

    fn quick(a: f64, b: f64) -> Dd {
        let s = a + b;
        Dd(s, b - (s - a))
    }

    fn sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd(s, (a - (s - bb)) + (b - bb))
    }

    fn prod(a: f64, b: f64) -> Dd {
        let p = a * b;
        Dd(p, a.mul_add(b, -p))
    }

    fn add(self, o: Dd) -> Dd {
        let s = Dd::sum(self.0, o.0);
        Dd::quick(s.0, s.1 + self.1 + o.1)
    }

    fn neg(self) -> Dd {
        Dd(-self.0, -self.1)
    }

    fn mul_f(self, b: f64) -> Dd {
        let p = Dd::prod(self.0, b);
        Dd::quick(p.0, p.1 + self.1 * b)
    }

    fn mul(self, o: Dd) -> Dd {
        let p = Dd::prod(self.0, o.0);
        Dd::quick(p.0, p.1 + (self.0 * o.1 + self.1 * o.0))
    }

    fn div(self, o: Dd) -> Dd {
        let q = self.0 / o.0;
        let r = self.add(o.mul_f(q).neg());
        Dd::quick(q, r.0 / o.0)
    }
}

/// `P_n(x)` and `P_{n-1}(x)` in double-double arithmetic, `n >= 1`.
fn legendre_dd(n: usize, x: f64) -> (Dd, Dd) {
    legendre_dd_at(n, Dd::from(x))
}

/// As [`legendre_dd`] at a double-double `x`.
fn legendre_dd_at(n: usize, x: Dd) -> (Dd, Dd) {
    let (mut p0, mut p1) = (Dd::from(1.0), x);
    for k in 2..=n {
        let k = k as f64;
        // ((2k-1) x p1 - (k-1) p0) / k
        let t = x.mul(p1).mul_f(2.0 * k - 1.0).add(p0.mul_f(-(k - 1.0)));
        let p2 = t.div(Dd::from(k));
        p0 = p1;
        p1 = p2;
    }
    (p1, p0)
}

/// The 21-point Kronrod rule as (abscissae, Kronrod weights, Gauss
/// weights of the odd-indexed abscissae), for checking against
/// independent values.
pub fn kronrod21() -> ([f64; 11], [f64; 11], [f64; 5]) {
    (XGK, WGK, WG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials_of_degree_2n_minus_1() {
        for n in [1, 2, 3, 7, 10, 33, 64, 100] {
            let (x, w) = gauss_legendre(n);
            for d in 0..(2 * n).min(40) {
                let got: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(d as i32)).sum();
                let exact = if d % 2 == 1 {
                    0.0
                } else {
                    2.0 / (d as f64 + 1.0)
                };
                assert!(
                    (got - exact).abs() < 1e-14,
                    "n={n} degree {d}: {got} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn kronrod_21_integrates_polynomials_of_degree_31_and_gauss_10_of_19() {
        for d in 0..=31i32 {
            let mut k = WGK[10] * if d == 0 { 1.0 } else { 0.0 };
            for j in 0..10 {
                k += WGK[j] * (XGK[j].powi(d) + (-XGK[j]).powi(d));
            }
            let exact = if d % 2 == 1 {
                0.0
            } else {
                2.0 / (d as f64 + 1.0)
            };
            assert!((k - exact).abs() < 2e-15, "K21 degree {d}: {k} vs {exact}");
            if d <= 19 {
                let mut g = 0.0;
                for j in 0..5 {
                    let x = XGK[2 * j + 1];
                    g += WG[j] * (x.powi(d) + (-x).powi(d));
                }
                assert!((g - exact).abs() < 2e-15, "G10 degree {d}: {g} vs {exact}");
            }
        }
        // and not beyond: the rules are exactly as strong as claimed
        let d = 32;
        let k: f64 = (0..10).map(|j| 2.0 * WGK[j] * XGK[j].powi(d)).sum();
        assert!((k - 2.0 / 33.0).abs() > 1e-12);
    }
}

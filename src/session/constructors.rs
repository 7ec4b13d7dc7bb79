//! Array constructors (`linspace`, `arange`, `rand`, `randn`) and the
//! seeded generator behind the random ones (SplitMix64, Box–Muller).
//! Every array is allocated with `try_reserve`, so a size the machine
//! cannot hold is an error, not an abort.

use super::values::{Value, room};
use super::{Session, split_args, whole_call};
use crate::{Error, ErrorKind, Result, format_f64};

/// Array constructors usable on a line of their own or after `name =`.
pub const CONSTRUCTORS: [&str; 4] = ["linspace", "arange", "rand", "randn"];

/// SplitMix64: `:seed N` restarts it at `N`.
#[derive(Debug, Clone)]
pub(super) struct Rng {
    state: u64,
}

impl Rng {
    /// The generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// Uniform in [0, 1), 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal, by Box–Muller (one value per two uniforms).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `n` values `f(0), …, f(n-1)` in an array allocated for `what`.
fn filled(n: usize, what: &str, f: impl FnMut(usize) -> f64) -> Result<Vec<f64>> {
    let mut v = room(n, what)?;
    v.extend((0..n).map(f));
    Ok(v)
}

/// `n` values from `a` to `b` (both included), evenly spaced.
pub(super) fn linspace(a: f64, b: f64, n: usize, what: &str) -> Result<Vec<f64>> {
    let step = if n > 1 { (b - a) / (n - 1) as f64 } else { 0.0 };
    filled(n, what, |k| {
        if k + 1 == n && n > 1 {
            b
        } else {
            a + step * k as f64
        }
    })
}

/// `a, a + step, …` below `b` (above it for a negative step).
pub(super) fn arange(a: f64, b: f64, step: f64, what: &str) -> Result<Vec<f64>> {
    if step == 0.0 || !step.is_finite() {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "arange needs a finite, non-zero step",
        ));
    }
    let n = length(((b - a) / step).ceil().max(0.0))?;
    filled(n, what, |k| a + step * k as f64)
}

/// An array length given as a number: a whole number of elements.
fn length(v: f64) -> Result<usize> {
    // 2^64: the first whole number a usize cannot hold.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < LIMIT {
        Ok(v as usize)
    } else if v >= LIMIT {
        Err(Error::new(
            ErrorKind::Limit,
            format!(
                "{} elements is more than an array can have (2^64 - 1)",
                format_f64(v)
            ),
        ))
    } else {
        Err(Error::new(
            ErrorKind::Length,
            format!(
                "{} is not an array length (a whole number of elements)",
                format_f64(v)
            ),
        ))
    }
}

impl Session {
    /// `linspace(…)`, `arange(…)`, `rand(n)` or `randn(n)` as the whole of
    /// `text`, allocated for `what`; `None` if `text` is not one.
    pub(super) fn constructor(&mut self, text: &str, what: &str) -> Result<Option<Value>> {
        let Some((name, args)) = whole_call(text) else {
            return Ok(None);
        };
        if !CONSTRUCTORS.contains(&name) {
            return Ok(None);
        }
        let values: Vec<f64> = split_args(args)
            .iter()
            .map(|a| match self.evaluate(a)? {
                Value::Scalar(v) => Ok(v),
                Value::Array(_) => Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("`{}` must be a number", a.trim()),
                )),
            })
            .collect::<Result<_>>()?;
        let wrong = |usage: &str| Err(Error::new(ErrorKind::Arity, format!("usage: {usage}")));
        let array = match (name, values.as_slice()) {
            ("linspace", &[a, b, n]) => linspace(a, b, length(n)?, what)?,
            ("linspace", _) => return wrong("linspace(start, stop, n)"),
            ("arange", &[n]) => filled(length(n)?, what, |k| k as f64)?,
            ("arange", &[a, b, step]) => arange(a, b, step, what)?,
            ("arange", _) => return wrong("arange(n) or arange(start, stop, step)"),
            ("rand", &[n]) => filled(length(n)?, what, |_| self.rng.uniform())?,
            ("randn", &[n]) => filled(length(n)?, what, |_| self.rng.normal())?,
            _ => return wrong(&format!("{name}(n)")),
        };
        Ok(Some(Value::Array(array.into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUGE: usize = 1_000_000_000_000_000_000;

    #[test]
    fn constructors_too_large_for_memory_are_errors() {
        let e = linspace(0.0, 1.0, HUGE, "`x`").unwrap_err();
        assert_eq!(
            e.message(),
            "cannot allocate 1000000000000000000 values (8.0 EB) for `x`"
        );
        assert!(arange(0.0, 1e18, 1.0, "`x`").is_err());
        let mut rng = Rng::new(1);
        assert!(filled(HUGE, "`r`", |_| rng.uniform()).is_err());
        assert_eq!(linspace(0.0, 1.0, 3, "`x`").unwrap(), [0.0, 0.5, 1.0]);
        assert_eq!(arange(1.0, 2.0, 0.5, "`x`").unwrap(), [1.0, 1.5]);
    }

    #[test]
    fn lengths_are_whole_numbers() {
        assert_eq!(length(1e18).unwrap(), HUGE);
        assert!(length(-1.0).unwrap_err().message().contains("whole number"));
        assert!(length(0.5).is_err() && length(f64::NAN).is_err());
        assert!(length(1e20).unwrap_err().message().contains("2^64"));
    }

    #[test]
    fn the_generator_is_splitmix64() {
        // The first outputs of SplitMix64 from seed 0, as 53-bit fractions.
        let mut rng = Rng::new(0);
        let first = 0xE220_A839_7B1D_CDAF_u64 >> 11;
        assert_eq!(rng.uniform(), first as f64 / (1u64 << 53) as f64);
    }
}

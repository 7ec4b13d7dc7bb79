//! A small SVG line chart with logarithmic axes, for `:sweep`.

use std::fmt::Write as _;

/// One line of a chart.
pub struct Series<'a> {
    /// Legend text.
    pub name: &'a str,
    /// Stroke colour.
    pub colour: &'a str,
    /// (x, y) points; non-finite or non-positive values are skipped.
    pub points: Vec<(f64, f64)>,
}

/// A panel: title, axis labels, whether y is logarithmic, and its lines.
pub struct Panel<'a> {
    /// Title above the panel.
    pub title: &'a str,
    /// Label of the y axis.
    pub y_label: &'a str,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// The lines.
    pub series: Vec<Series<'a>>,
}

const W: f64 = 460.0;
const H: f64 = 300.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

fn nice_ticks(lo: f64, hi: f64, log: bool) -> Vec<f64> {
    if log {
        let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        (a..=b).map(|e| 10f64.powi(e)).collect()
    } else {
        let span = (hi - lo).max(1e-12);
        let step = 10f64.powf(span.log10().floor());
        let step = if span / step > 5.0 { step * 2.0 } else { step };
        let start = (lo / step).floor() * step;
        (0..=12)
            .map(|k| start + step * k as f64)
            .filter(|v| *v <= hi + step * 1e-9)
            .collect()
    }
}

fn label(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e4 || v.abs() < 1e-2) {
        format!("1e{}", v.log10().round() as i32)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Renders panels side by side; x is logarithmic and labelled `x_label`.
pub fn chart(title: &str, x_label: &str, panels: &[Panel<'_>]) -> String {
    let total_w = W * panels.len() as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_w}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
        H + 20.0,
        total_w / 2.0,
        escape(title)
    );
    for (p, panel) in panels.iter().enumerate() {
        let ox = W * p as f64;
        let pts: Vec<(f64, f64)> = panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .filter(|(x, y)| {
                x.is_finite() && y.is_finite() && *x > 0.0 && (!panel.log_y || *y > 0.0)
            })
            .collect();
        if pts.is_empty() {
            continue;
        }
        let (mut x0, mut x1) = (f64::MAX, f64::MIN);
        let (mut y0, mut y1) = (f64::MAX, f64::MIN);
        for (x, y) in &pts {
            x0 = x0.min(*x);
            x1 = x1.max(*x);
            y0 = y0.min(*y);
            y1 = y1.max(*y);
        }
        if !panel.log_y {
            y0 = y0.min(0.0);
        }
        let xt = nice_ticks(x0, x1, true);
        let yt = nice_ticks(y0, y1, panel.log_y);
        let (x0, x1) = (xt[0], *xt.last().unwrap_or(&x1));
        let (y0, y1) = (yt[0].min(y0), yt.last().copied().unwrap_or(y1).max(y1));
        let fx = |x: f64| {
            ox + LEFT
                + (x.log10() - x0.log10()) / (x1.log10() - x0.log10()).max(1e-12)
                    * (W - LEFT - RIGHT)
        };
        let fy = |y: f64| {
            let t = if panel.log_y {
                (y.log10() - y0.log10()) / (y1.log10() - y0.log10()).max(1e-12)
            } else {
                (y - y0) / (y1 - y0).max(1e-12)
            };
            H - BOTTOM + 20.0 - t * (H - TOP - BOTTOM)
        };
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            ox + W / 2.0,
            TOP + 2.0,
            escape(panel.title)
        );
        for &t in &xt {
            let x = fx(t);
            let _ = writeln!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                fy(y0),
                fy(y1),
                fy(y0) + 15.0,
                label(t)
            );
        }
        for &t in &yt {
            let y = fy(t);
            let _ = writeln!(
                svg,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                fx(x0),
                fx(x1),
                fx(x0) - 5.0,
                y + 4.0,
                label(t)
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text transform=\"translate({:.1},{:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
            (fx(x0) + fx(x1)) / 2.0,
            fy(y0) + 32.0,
            escape(x_label),
            ox + 16.0,
            (fy(y0) + fy(y1)) / 2.0,
            escape(panel.y_label)
        );
        for (k, s) in panel.series.iter().enumerate() {
            let path: Vec<String> = s
                .points
                .iter()
                .filter(|(x, y)| {
                    x.is_finite() && y.is_finite() && *x > 0.0 && (!panel.log_y || *y > 0.0)
                })
                .map(|&(x, y)| format!("{:.1},{:.1}", fx(x), fy(y)))
                .collect();
            let _ = writeln!(
                svg,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                s.colour,
                path.join(" ")
            );
            let ly = TOP + 18.0 + 16.0 * k as f64;
            let _ = writeln!(
                svg,
                "<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                fx(x0) + 10.0,
                fx(x0) + 30.0,
                s.colour,
                fx(x0) + 35.0,
                ly + 4.0,
                escape(s.name)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lines_and_escapes_text() {
        let svg = chart(
            "x < 1 & y",
            "n",
            &[Panel {
                title: "t",
                y_label: "ns",
                log_y: true,
                series: vec![Series {
                    name: "jit",
                    colour: "red",
                    points: vec![(10.0, 1.0), (100.0, 0.5), (1000.0, f64::NAN)],
                }],
            }],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("x &lt; 1 &amp; y"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}

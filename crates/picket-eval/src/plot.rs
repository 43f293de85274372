//! GOSPA over time as a self-contained SVG: stacked localisation, missed and false parts.
//!
//! Hand-written SVG (no font or system dependency): a few hundred lines of markup any browser
//! or `rsvg-convert` renders.

use crate::{Params, StepScore};
use std::fmt::Write;

const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

/// Layers bottom-up: name and fill colour.
const LAYERS: [(&str, &str); 3] = [
    ("localisation", "#4C78A8"),
    ("missed", "#F58518"),
    ("false", "#E45756"),
];

/// A "nice" tick step (1, 2 or 5 × 10^k) giving about `target` ticks over `span`.
fn tick_step(span: f64, target: f64) -> f64 {
    let raw = (span / target).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Tick values from 0 (or `lo`) to `hi` inclusive.
fn ticks(lo: f64, hi: f64, target: f64) -> Vec<f64> {
    let step = tick_step(hi - lo, target);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last.min(first + 50))
        .map(|k| k as f64 * step)
        .collect()
}

fn label(v: f64) -> String {
    if v == v.round() {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The plot of `steps` (GOSPA^p parts over time) as an SVG document.
pub fn gospa_svg(steps: &[StepScore], params: &Params) -> String {
    let t0 = steps.first().map_or(0.0, |s| s.t);
    let t1 = steps.last().map_or(1.0, |s| s.t).max(t0 + 1e-9);
    let top = steps
        .iter()
        .map(|s| s.localisation + s.missed + s.false_tracks)
        .fold(0.0, f64::max);
    // The y axis ends at the first tick at or above the highest stack.
    let y_step = tick_step(if top > 0.0 { top } else { 1.0 }, 6.0);
    let y1 = ((top / y_step).ceil() * y_step).max(y_step);
    let y_ticks = ticks(0.0, y1 * (1.0 + 1e-12), 6.0)
        .into_iter()
        .filter(|v| *v <= y1 * (1.0 + 1e-12))
        .collect::<Vec<_>>();
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |t: f64| LEFT + (t - t0) / (t1 - t0) * plot_w;
    let y = |v: f64| TOP + plot_h - v / y1 * plot_h;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">GOSPA over time (c = {} m, p = {}, α = 2)</text>"#,
        LEFT + plot_w / 2.0,
        label(params.cutoff_m),
        label(params.p)
    );
    grid(&mut svg, &y_ticks, y);
    // Stacked areas: each layer between the running sum below it and the sum including it.
    let mut below = vec![0.0; steps.len()];
    for (layer, (name, colour)) in LAYERS.iter().enumerate() {
        let part = |s: &StepScore| [s.localisation, s.missed, s.false_tracks][layer];
        let above: Vec<f64> = steps.iter().zip(&below).map(|(s, b)| b + part(s)).collect();
        let mut points = String::new();
        for (s, v) in steps.iter().zip(&above) {
            let _ = write!(points, "{:.2},{:.2} ", x(s.t), y(*v));
        }
        for (s, v) in steps.iter().zip(&below).rev() {
            let _ = write!(points, "{:.2},{:.2} ", x(s.t), y(*v));
        }
        let _ = writeln!(
            svg,
            r#"<polygon points="{}" fill="{colour}" fill-opacity="0.85" stroke="{colour}" stroke-width="0.5"><title>{name}</title></polygon>"#,
            points.trim_end()
        );
        below = above;
    }
    axes(&mut svg, &ticks(t0, t1, 10.0), x);
    legend(&mut svg);
    svg.push_str("</svg>\n");
    svg
}

/// Horizontal grid lines and the value labels of the y axis (drawn under the areas).
fn grid(svg: &mut String, y_ticks: &[f64], y: impl Fn(f64) -> f64) {
    let (left, right) = (LEFT, WIDTH - RIGHT);
    for &v in y_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" y1="{py:.2}" x2="{right}" y2="{py:.2}" stroke="#ddd"/><text x="{}" y="{:.2}" text-anchor="end">{}</text>"##,
            left - 6.0,
            y(v) + 4.0,
            label(v),
            py = y(v)
        );
    }
}

/// The axis lines, the time ticks and both axis titles.
fn axes(svg: &mut String, x_ticks: &[f64], x: impl Fn(f64) -> f64) {
    let (left, right, bottom) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM);
    for &t in x_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.2}" y1="{bottom}" x2="{px:.2}" y2="{}" stroke="#333"/><text x="{px:.2}" y="{}" text-anchor="middle">{}</text>"##,
            bottom + 5.0,
            bottom + 19.0,
            label(t),
            px = x(t)
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{left}" y1="{TOP}" x2="{left}" y2="{bottom}" stroke="#333"/><line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">time t (s)</text>"#,
        (left + right) / 2.0,
        HEIGHT - 18.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="20" y="{0}" text-anchor="middle" transform="rotate(-90 20 {0})">GOSPA (m)</text>"#,
        TOP + (bottom - TOP) / 2.0
    );
}

fn legend(svg: &mut String) {
    let x0 = WIDTH - RIGHT + 20.0;
    for (k, (name, colour)) in LAYERS.iter().rev().enumerate() {
        let y0 = TOP + 10.0 + 22.0 * k as f64;
        let _ = writeln!(
            svg,
            r#"<rect x="{x0}" y="{y0}" width="14" height="14" fill="{colour}"/><text x="{}" y="{}">{name}</text>"#,
            x0 + 20.0,
            y0 + 11.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        assert_eq!(
            ticks(0.0, 19.0, 10.0),
            (0..=9).map(|k| 2.0 * k as f64).collect::<Vec<_>>()
        );
        assert_eq!(
            ticks(0.0, 523.0, 6.0),
            vec![0.0, 100.0, 200.0, 300.0, 400.0, 500.0]
        );
    }

    #[test]
    fn svg_has_three_layers_and_labels() {
        let step = |t: f64| StepScore {
            t,
            gospa: 60.0,
            localisation: 10.0,
            missed: 50.0,
            false_tracks: 0.0,
            ospa: 30.0,
            truths: 2,
            tracks: 1,
            pairs: 1,
        };
        let svg = gospa_svg(&[step(0.0), step(1.0)], &Params::default());
        assert_eq!(svg.matches("<polygon").count(), 3);
        assert!(svg.contains("time t (s)") && svg.contains("GOSPA (m)"));
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }
}

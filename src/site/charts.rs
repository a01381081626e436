//! The trend charts of the site's statistics page, drawn as inline SVG: bars with their values in
//! `<title>` tooltips, a `<title>`/`<desc>` for screen readers, and text in `currentColor` so the
//! page's light or dark scheme decides how it reads.

use crate::svg::{self, Fixed};

/// One series of a bar chart: its name, its colour and a value per label.
pub struct Series {
    pub name: String,
    pub colour: &'static str,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 34.0;
const PLOT: f64 = 200.0;
const BOTTOM: f64 = 40.0;

/// Colours that read on white and on near-black backgrounds alike.
pub const PALETTE: [&str; 6] = [
    "#d9534f", "#f0ad4e", "#5bc0de", "#5cb85c", "#9b7fd1", "#8c8c8c",
];

/// A vertical bar chart: one group of bars per label, the series side by side, or stacked when
/// `stacked`. `show` prints a value (axis, tooltips).
pub fn bars(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Series],
    stacked: bool,
    show: &dyn Fn(f64) -> String,
) -> String {
    let height = TOP + PLOT + BOTTOM;
    let mut svg = open(id, title, desc, height);
    legend(&mut svg, series);
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| {
            let values = series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0));
            if stacked {
                values.sum()
            } else {
                values.fold(0.0, f64::max)
            }
        })
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max).max(1.0);
    let y = |v: f64| TOP + PLOT - v / max * PLOT;
    // The axis: zero and the largest value.
    svg.push_str(&svg::empty(
        "line",
        &[
            ("x1", &LEFT),
            ("y1", &Fixed(TOP + PLOT)),
            ("x2", &Fixed(WIDTH - RIGHT)),
            ("y2", &Fixed(TOP + PLOT)),
            ("stroke", &"currentColor"),
            ("stroke-opacity", &"0.4"),
        ],
    ));
    svg.push('\n');
    for v in [0.0, max] {
        svg.push_str(&svg::element(
            "text",
            &[
                ("x", &Fixed(LEFT - 6.0)),
                ("y", &Fixed(y(v))),
                ("text-anchor", &"end"),
                ("dominant-baseline", &"middle"),
                ("fill", &"currentColor"),
            ],
            &show(v),
        ));
        svg.push('\n');
    }
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    let per = if stacked { 1 } else { series.len().max(1) };
    // Bars no wider than 40: one month alone is a bar, not a wall.
    let bar = (slot * 0.8 / per as f64).clamp(1.0, 40.0);
    // Show every label when they fit, else every n-th.
    let every = ((labels.len() as f64 * 60.0) / (WIDTH - LEFT - RIGHT))
        .ceil()
        .max(1.0) as usize;
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + (slot - bar * per as f64) / 2.0;
        let mut base = 0.0;
        for (k, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0.0);
            if value <= 0.0 {
                continue;
            }
            let (x, from) = if stacked {
                (x0, base)
            } else {
                (x0 + bar * k as f64, 0.0)
            };
            let top = y(from + value);
            let h = y(from) - top;
            svg.push_str(&svg::start(
                "rect",
                &[
                    ("x", &Fixed(x)),
                    ("y", &Fixed(top)),
                    ("width", &Fixed(bar)),
                    ("height", &Fixed(h)),
                    ("fill", &s.colour),
                ],
            ));
            svg.push_str(&svg::title(&format!("{label} {}: {}", s.name, show(value))));
            svg.push_str("</rect>\n");
            if stacked {
                base += value;
            }
        }
        if i % every == 0 {
            svg.push_str(&svg::element(
                "text",
                &[
                    ("x", &Fixed(LEFT + slot * (i as f64 + 0.5))),
                    ("y", &Fixed(TOP + PLOT + 18.0)),
                    ("text-anchor", &"middle"),
                    ("fill", &"currentColor"),
                ],
                label,
            ));
            svg.push('\n');
        }
    }
    svg.push_str(svg::FIGURE_END);
    svg
}

/// A horizontal bar chart of named counts (the top services), largest first as given.
pub fn hbars(id: &str, title: &str, desc: &str, items: &[(String, f64)], colour: &str) -> String {
    const ROW: f64 = 26.0;
    const LABEL: f64 = 220.0;
    let height = 10.0 + ROW * items.len().max(1) as f64 + 10.0;
    let mut svg = open(id, title, desc, height);
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let span = WIDTH - LABEL - 60.0;
    for (i, (name, value)) in items.iter().enumerate() {
        let y = 10.0 + ROW * i as f64;
        let w = (value / max * span).max(1.0);
        svg.push_str(&format!(
            "<g>{}{}{}{}</g>\n",
            svg::title(&format!("{name}: {value}")),
            svg::element(
                "text",
                &[
                    ("x", &Fixed(LABEL - 8.0)),
                    ("y", &Fixed(y + 9.0)),
                    ("text-anchor", &"end"),
                    ("dominant-baseline", &"middle"),
                    ("fill", &"currentColor"),
                ],
                &crate::text::one_line(name, 30),
            ),
            svg::empty(
                "rect",
                &[
                    ("x", &LABEL),
                    ("y", &Fixed(y)),
                    ("width", &Fixed(w)),
                    ("height", &18),
                    ("fill", &colour),
                ],
            ),
            svg::element(
                "text",
                &[
                    ("x", &Fixed(LABEL + w + 6.0)),
                    ("y", &Fixed(y + 9.0)),
                    ("dominant-baseline", &"middle"),
                    ("fill", &"currentColor"),
                ],
                &value.to_string(),
            ),
        ));
    }
    svg.push_str(svg::FIGURE_END);
    svg
}

/// The figure and the svg element, sized, with its title and description.
fn open(id: &str, title: &str, desc: &str, height: f64) -> String {
    svg::figure(id, WIDTH, height, 12.0, title, desc)
}

fn legend(svg: &mut String, series: &[Series]) {
    let mut x = LEFT;
    for s in series {
        svg.push_str(&svg::empty(
            "rect",
            &[
                ("x", &Fixed(x)),
                ("y", &8),
                ("width", &12),
                ("height", &12),
                ("fill", &s.colour),
            ],
        ));
        svg.push_str(&svg::element(
            "text",
            &[
                ("x", &Fixed(x + 16.0)),
                ("y", &14),
                ("dominant-baseline", &"middle"),
                ("fill", &"currentColor"),
            ],
            &s.name,
        ));
        svg.push('\n');
        x += 16.0 + 8.0 * s.name.chars().count() as f64 + 16.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_bars_are_sized_and_escaped() {
        let svg = bars(
            "c1",
            "Per <month>",
            "d",
            &["2026-01".into(), "2026-02".into()],
            &[
                Series {
                    name: "SEV1".into(),
                    colour: PALETTE[0],
                    values: vec![1.0, 2.0],
                },
                Series {
                    name: "SEV2".into(),
                    colour: PALETTE[1],
                    values: vec![3.0, 0.0],
                },
            ],
            true,
            &|v| format!("{v}"),
        );
        assert!(svg.contains("<title id=\"c1-title\">Per &lt;month&gt;</title>"));
        assert!(svg.contains("viewBox=\"0 0 720 274\""), "{svg}");
        // Three non-zero values, three bars (plus two legend swatches).
        assert_eq!(svg.matches("<rect").count(), 5, "{svg}");
        assert!(svg.contains("<title>2026-01 SEV2: 3</title>"));
    }
}

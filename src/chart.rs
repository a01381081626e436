//! The phase chart of HTML reports: a Mermaid gantt block, as the Markdown reports write it, drawn
//! as an inline SVG (no script, no external resource), so a browser shows bars instead of code.
//!
//! Only what inc's templates write is understood: a `title`, `dateFormat YYYY-MM-DDTHH:mm`, and
//! tasks `NAME :ID, START, END` with both times given. Anything else is left as a code block.

use std::fmt::Display;

use jiff::civil::DateTime;

use crate::svg::{self, Fixed};

/// One bar: a stretch of time with a name.
struct Task {
    name: String,
    from: DateTime,
    to: DateTime,
}

/// The chart for a Mermaid gantt source, or `None` when it is not one inc can draw.
pub fn gantt_svg(source: &str, id: usize) -> Option<String> {
    let mut lines = source.lines().map(str::trim).filter(|l| !l.is_empty());
    if lines.next()? != "gantt" {
        return None;
    }
    let mut title = String::new();
    let mut tasks = Vec::new();
    for line in lines {
        if let Some(rest) = line.strip_prefix("title ") {
            title = rest.trim().to_string();
        } else if let Some(format) = line.strip_prefix("dateFormat ") {
            if format.trim() != crate::time::format::GANTT_MERMAID {
                return None;
            }
        } else if line.starts_with("axisFormat ")
            || line.starts_with("section ")
            || line.starts_with("%%")
        {
        } else {
            tasks.push(task(line)?);
        }
    }
    if tasks.is_empty() {
        return None;
    }
    Some(draw(&title, &tasks, id))
}

/// `NAME :ID, START, END` or `NAME :START, END`. As in Mermaid, the name ends at the first colon.
fn task(line: &str) -> Option<Task> {
    let (name, meta) = line.split_once(':')?;
    let parts: Vec<&str> = meta.split(',').map(str::trim).collect();
    let [.., from, to] = parts.as_slice() else {
        return None;
    };
    let from: DateTime = from.parse().ok()?;
    let to: DateTime = to.parse().ok()?;
    (to >= from && !name.trim().is_empty()).then(|| Task {
        name: name.trim().to_string(),
        from,
        to,
    })
}

const WIDTH: f64 = 720.0;
const RIGHT: f64 = 20.0;
const ROW: f64 = 30.0;
const BAR: f64 = 18.0;
const TOP: f64 = 10.0;
const AXIS: f64 = 30.0;
/// The row of day names under the hours, on a chart longer than a day.
const DAY_ROW: f64 = 16.0;
/// The column of bar names: as wide as the longest name needs, within these bounds; a longer
/// name is cut with `…` (its bar's tooltip holds it whole).
const LABEL_MIN: f64 = 120.0;
const LABEL_MAX: f64 = 340.0;
/// Room kept between two texts, and between a name and the bars.
const GAP: f64 = 8.0;
/// The chart's font size, and the advance of one character at it: wider than the average of
/// common sans-serif faces (about 0.55 em), so that estimated extents err on the side of room.
const FONT: f64 = 13.0;
const CHAR_EM: f64 = 0.62;
/// One colour per bar in turn: the outage, then the recovery, in calmer shades.
const COLOURS: [&str; 4] = ["#d9534f", "#f0ad4e", "#5bc0de", "#5cb85c"];
/// Steps between day ticks, in days: the first whose labels fit side by side is used.
const DAY_STEPS: [i64; 6] = [1, 2, 7, 14, 28, 91];

/// The width `text` is taken to need at the chart's font size.
pub fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * FONT * CHAR_EM
}

/// `text` cut with `…` to fit `width`.
fn fit(text: &str, width: f64) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    let keep = ((width / (FONT * CHAR_EM)).floor() as usize).saturating_sub(1);
    let cut: String = text.chars().take(keep).collect();
    format!("{}…", cut.trim_end())
}

/// A text on the axis: where it is anchored, how, and what it says.
struct Tick {
    x: f64,
    anchor: &'static str,
    text: String,
}

impl Tick {
    /// The x-range the text covers.
    fn extent(&self) -> (f64, f64) {
        let w = text_width(&self.text);
        match self.anchor {
            "start" => (self.x, self.x + w),
            "end" => (self.x - w, self.x),
            _ => (self.x - w / 2.0, self.x + w / 2.0),
        }
    }
}

fn draw(title: &str, tasks: &[Task], id: usize) -> String {
    let start = tasks.iter().map(|t| t.from).min().expect("tasks");
    let end = tasks.iter().map(|t| t.to).max().expect("tasks");
    let minutes = |t: DateTime| t.duration_since(start).as_secs() as f64 / 60.0;
    let span = minutes(end).max(1.0);
    let widest = tasks
        .iter()
        .map(|t| text_width(&t.name))
        .fold(0.0, f64::max);
    let label = (widest + GAP).clamp(LABEL_MIN, LABEL_MAX);
    let scale = (WIDTH - label - RIGHT) / span;
    let x = |t: DateTime| label + minutes(t) * scale;
    let days = span > 24.0 * 60.0;
    let height = TOP + ROW * tasks.len() as f64 + AXIS + if days { DAY_ROW } else { 0.0 };

    let description = tasks
        .iter()
        .map(|t| format!("{}: {} to {}.", t.name, stamp(t.from), stamp(t.to)))
        .collect::<Vec<_>>()
        .join(" ");
    let mut svg = svg::figure(
        &format!("chart{id}"),
        WIDTH,
        height,
        FONT,
        if title.is_empty() { "Phases" } else { title },
        &description,
    );
    for (i, t) in tasks.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let width = (x(t.to) - x(t.from)).max(2.0);
        svg.push_str(&format!(
            "<g>{}{}{}</g>\n",
            svg::title(&format!("{}: {} to {}", t.name, stamp(t.from), stamp(t.to))),
            svg::element(
                "text",
                &[
                    ("x", &0),
                    ("y", &Fixed(y + BAR / 2.0)),
                    ("dominant-baseline", &"middle"),
                ],
                &fit(&t.name, label - GAP),
            ),
            svg::empty(
                "rect",
                &[
                    ("x", &Fixed(x(t.from))),
                    ("y", &Fixed(y)),
                    ("width", &Fixed(width)),
                    ("height", &BAR),
                    ("fill", &COLOURS[i % COLOURS.len()]),
                ],
            ),
        ));
    }
    let axis = TOP + ROW * tasks.len() as f64;
    svg.push_str(&line(label, Fixed(axis), Fixed(WIDTH - RIGHT), Fixed(axis)));
    // Over a day, hours alone would repeat: the ends say their dates, and a second row names
    // the days.
    let ends = if days {
        crate::time::format::DAY_CLOCK
    } else {
        crate::time::format::CLOCK
    };
    let mut rows = vec![vec![
        Tick {
            x: x(start),
            anchor: "start",
            text: start.strftime(ends).to_string(),
        },
        Tick {
            x: x(end),
            anchor: "end",
            text: end.strftime(ends).to_string(),
        },
    ]];
    if days {
        let (step, marks) = midnights(start, end, scale);
        for midnight in &marks {
            let at = Fixed(x(*midnight));
            svg.push_str(&line(at, Fixed(axis), at, Fixed(axis + 5.0)));
        }
        rows.push(day_labels(start, end, step, &marks, &x));
    }
    for (row, ticks) in rows.into_iter().enumerate() {
        let y = axis + 18.0 + DAY_ROW * row as f64;
        for tick in placed(ticks) {
            svg.push_str(&svg::element(
                "text",
                &[
                    ("x", &Fixed(tick.x)),
                    ("y", &Fixed(y)),
                    ("text-anchor", &tick.anchor),
                    ("fill", &"#555"),
                ],
                &tick.text,
            ));
            svg.push('\n');
        }
    }
    svg.push_str(svg::FIGURE_END);
    svg
}

/// An axis line, in the axis' grey.
fn line(x1: impl Display, y1: Fixed, x2: Fixed, y2: Fixed) -> String {
    let mut out = svg::empty(
        "line",
        &[
            ("x1", &x1),
            ("y1", &y1),
            ("x2", &x2),
            ("y2", &y2),
            ("stroke", &"#999"),
        ],
    );
    out.push('\n');
    out
}

/// The ticks that can be shown, in the order given: each only where it lies within the chart
/// and overprints no tick already shown.
fn placed(ticks: Vec<Tick>) -> Vec<Tick> {
    let mut shown: Vec<Tick> = Vec::new();
    for tick in ticks {
        let (from, to) = tick.extent();
        let clear = from >= 0.0
            && to <= WIDTH
            && shown.iter().all(|other| {
                let (a, b) = other.extent();
                to + GAP <= a || from >= b + GAP
            });
        if clear {
            shown.push(tick);
        }
    }
    shown
}

/// The names of the days (`Tue 12-08`): day by day, each in the middle of the part of its day
/// the chart covers, where it fits there; every few days, at the marks.
fn day_labels(
    start: DateTime,
    end: DateTime,
    step: i64,
    marks: &[DateTime],
    x: &dyn Fn(DateTime) -> f64,
) -> Vec<Tick> {
    let name = |t: DateTime| t.strftime(crate::time::format::WEEKDAY_DAY).to_string();
    if step > 1 {
        return marks
            .iter()
            .map(|&m| Tick {
                x: x(m),
                anchor: "middle",
                text: name(m),
            })
            .collect();
    }
    let mut bounds = vec![start];
    bounds.extend_from_slice(marks);
    bounds.push(end);
    bounds
        .windows(2)
        .filter_map(|pair| {
            let (from, to) = (x(pair[0]), x(pair[1]));
            let text = name(pair[0]);
            (text_width(&text) + GAP <= to - from).then(|| Tick {
                x: (from + to) / 2.0,
                anchor: "middle",
                text,
            })
        })
        .collect()
}

/// The step in days between marks, and the midnights strictly inside `start`..`end` at that
/// step: every day, or every few days when the days' names would not fit side by side at
/// `scale` (pixels a minute).
fn midnights(start: DateTime, end: DateTime, scale: f64) -> (i64, Vec<DateTime>) {
    let room = text_width("Mon 12-31") + GAP;
    let step = DAY_STEPS
        .into_iter()
        .find(|days| *days as f64 * 24.0 * 60.0 * scale >= room)
        .unwrap_or(DAY_STEPS[DAY_STEPS.len() - 1]);
    let mut out = Vec::new();
    let mut day = start.date();
    while let Ok(next) = day.checked_add(jiff::Span::new().days(step)) {
        day = next;
        let midnight = day.to_datetime(jiff::civil::Time::midnight());
        if midnight >= end {
            break;
        }
        out.push(midnight);
    }
    (step, out)
}

fn stamp(t: DateTime) -> String {
    t.strftime(crate::time::format::DATE_TIME).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GANTT: &str = "gantt
    title Checkout <down> (UTC)
    dateFormat YYYY-MM-DDTHH:mm
    axisFormat %H:%M
    section Outage
    Undetected (7m) :p1, 2026-11-21T11:40, 2026-11-21T11:47
    Detected, not yet mitigated (29m) :p2, 2026-11-21T11:47, 2026-11-21T12:16
";

    #[test]
    fn draws_one_bar_per_task_with_titles() {
        let svg = gantt_svg(GANTT, 1).unwrap();
        assert!(svg.contains("<title id=\"chart1-title\">Checkout &lt;down&gt; (UTC)</title>"));
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert!(svg.contains(
            "<title>Detected, not yet mitigated (29m): 2026-11-21 11:47 to 2026-11-21 12:16</title>"
        ));
        assert!(svg.contains(">11:40</text>") && svg.contains(">12:16</text>"));
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn days_on_the_axis_of_a_chart_over_a_day_and_long_names_cut() {
        let long = "A very long phase name that would run into the bars if it were drawn whole";
        let gantt = format!(
            "gantt\n    dateFormat YYYY-MM-DDTHH:mm\n    {long} :p1, 2026-12-07T19:00, 2026-12-07T21:00\n    Impact :p2, 2026-12-07T21:00, 2026-12-10T22:00\n"
        );
        let svg = gantt_svg(&gantt, 1).unwrap();
        assert!(svg.contains(">12-07 19:00</text>") && svg.contains(">12-10 22:00</text>"));
        for day in ["Tue 12-08", "Wed 12-09", "Thu 12-10"] {
            assert!(svg.contains(&format!(">{day}</text>")), "{day}: {svg}");
        }
        // Whole in the tooltip, cut where it is drawn.
        assert!(svg.contains(&format!("<title>{long}: ")));
        assert!(!svg.contains(&format!(">{long}</text>")));
        assert!(svg.contains("…</text>"));
        // Over a year: marks every few days, no two names overprinted.
        let year = "gantt\n    dateFormat YYYY-MM-DDTHH:mm\n    Long :p1, 2026-01-01T00:00, 2026-12-31T00:00\n";
        let svg = gantt_svg(year, 1).unwrap();
        assert!(svg.matches("text-anchor=\"middle\"").count() >= 3, "{svg}");
    }

    #[test]
    fn leaves_what_it_cannot_draw() {
        assert!(gantt_svg("graph TD\n A-->B\n", 1).is_none());
        assert!(gantt_svg("gantt\n    A :a1, after b, 3d\n", 1).is_none());
        assert!(gantt_svg("gantt\n    dateFormat YYYY-MM-DD\n", 1).is_none());
    }
}

//! The phase chart of HTML reports: a Mermaid gantt block, as the Markdown reports write it, drawn
//! as an inline SVG (no script, no external resource), so a browser shows bars instead of code.
//!
//! Only what inc's templates write is understood: a `title`, `dateFormat YYYY-MM-DDTHH:mm`, and
//! tasks `NAME :ID, START, END` with both times given. Anything else is left as a code block.

use jiff::civil::DateTime;

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
            if format.trim() != "YYYY-MM-DDTHH:mm" {
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
const LABEL: f64 = 250.0;
const RIGHT: f64 = 20.0;
const ROW: f64 = 30.0;
const BAR: f64 = 18.0;
const TOP: f64 = 10.0;
const AXIS: f64 = 30.0;
/// One colour per bar in turn: the outage, then the recovery, in calmer shades.
const COLOURS: [&str; 4] = ["#d9534f", "#f0ad4e", "#5bc0de", "#5cb85c"];

fn draw(title: &str, tasks: &[Task], id: usize) -> String {
    let start = tasks.iter().map(|t| t.from).min().expect("tasks");
    let end = tasks.iter().map(|t| t.to).max().expect("tasks");
    let minutes = |t: DateTime| t.duration_since(start).as_secs() as f64 / 60.0;
    let span = minutes(end).max(1.0);
    let scale = (WIDTH - LABEL - RIGHT) / span;
    let x = |t: DateTime| LABEL + minutes(t) * scale;
    let height = TOP + ROW * tasks.len() as f64 + AXIS;

    let description = tasks
        .iter()
        .map(|t| format!("{}: {} to {}.", t.name, stamp(t.from), stamp(t.to)))
        .collect::<Vec<_>>()
        .join(" ");
    let mut svg = format!(
        "<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" aria-labelledby=\"chart{id}-title chart{id}-desc\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n<title id=\"chart{id}-title\">{}</title>\n<desc id=\"chart{id}-desc\">{}</desc>\n",
        crate::text::escape_markup(if title.is_empty() { "Phases" } else { title }),
        crate::text::escape_markup(&description),
    );
    for (i, t) in tasks.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let width = (x(t.to) - x(t.from)).max(2.0);
        svg.push_str(&format!(
            "<g><title>{}: {} to {}</title><text x=\"0\" y=\"{:.1}\" dominant-baseline=\"middle\">{}</text><rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{BAR}\" fill=\"{}\"/></g>\n",
            crate::text::escape_markup(&t.name),
            stamp(t.from),
            stamp(t.to),
            y + BAR / 2.0,
            crate::text::escape_markup(&t.name),
            x(t.from),
            COLOURS[i % COLOURS.len()],
        ));
    }
    let axis = TOP + ROW * tasks.len() as f64;
    svg.push_str(&format!(
        "<line x1=\"{LABEL}\" y1=\"{axis:.1}\" x2=\"{:.1}\" y2=\"{axis:.1}\" stroke=\"#999\"/>\n",
        WIDTH - RIGHT
    ));
    for (at, anchor) in [(start, "start"), (end, "end")] {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#555\">{}</text>\n",
            x(at),
            axis + 18.0,
            crate::text::escape_markup(&at.strftime("%H:%M").to_string()),
        ));
    }
    svg.push_str("</svg>\n</figure>\n");
    svg
}

fn stamp(t: DateTime) -> String {
    t.strftime("%Y-%m-%d %H:%M").to_string()
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
    fn leaves_what_it_cannot_draw() {
        assert!(gantt_svg("graph TD\n A-->B\n", 1).is_none());
        assert!(gantt_svg("gantt\n    A :a1, after b, 3d\n", 1).is_none());
        assert!(gantt_svg("gantt\n    dateFormat YYYY-MM-DD\n", 1).is_none());
    }
}

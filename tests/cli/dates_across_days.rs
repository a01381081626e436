//! An incident over three days: every time that is not today carries its date (show, status,
//! roles, check, the tactical report), and the phase chart of a report names the days on its
//! axis with no label overprinting another or leaving the picture.

use crate::common::Repo;

const ID: &str = "2026-12-07-payments-outage-across-days";
/// Late on the third day, 23:50 UTC on 9 December.
const VIEWED: &str = "2026-12-09T23:50:00Z";

/// Opened at 21:10 on 7 December, a handoff and a change request on the 8th, updates on the
/// 7th, 8th and last at 23:40 on the 9th (the next due after midnight).
fn three_days() -> Repo {
    let repo = Repo::new();
    let steps: &[(&str, &[&str])] = &[
        (
            "2026-12-07T21:10:00Z",
            &[
                "open",
                "Payments outage across days",
                "--sev",
                "SEV2",
                "--started",
                "2026-12-07 21:00",
                "--detected",
                "2026-12-07 21:05",
                "--lead",
                "alice",
            ],
        ),
        ("2026-12-07T21:20:00Z", &["log", "Failover attempted"]),
        (
            "2026-12-07T21:30:00Z",
            &[
                "comms",
                "Investigating payment failures",
                "--to",
                "customers",
            ],
        ),
        ("2026-12-08T18:10:00Z", &["role", "scribe", "bob"]),
        (
            "2026-12-08T19:00:00Z",
            &["change", "request", "Roll back payments to v411"],
        ),
        (
            "2026-12-08T19:00:00Z",
            &["comms", "Still degraded", "--to", "internal"],
        ),
        ("2026-12-09T01:30:00Z", &["log", "Rollback started"]),
        (
            "2026-12-09T23:40:00Z",
            &["comms", "Nearly there", "--to", "customers"],
        ),
        (
            "2026-12-09T23:40:00Z",
            &["comms", "Nearly there", "--to", "internal"],
        ),
    ];
    for (now, args) in steps {
        repo.ok_at(now, args);
    }
    repo
}

/// `inc ARGS` at [`VIEWED`] on an 80-column terminal.
fn at_80(repo: &Repo, args: &[&str]) -> String {
    let out = repo
        .cmd()
        .env("INC_NOW", VIEWED)
        .env("COLUMNS", "80")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn show_dates_every_time_that_is_not_today() {
    let repo = three_days();
    let shown = at_80(&repo, &["show"]);
    insta::assert_snapshot!("dates_across_days_show_80", shown);
    for part in [
        "  incident-lead     alice (since 2026-12-07 21:10, 2d 2h 40m)\n",
        "  scribe            bob (since 2026-12-08 18:10, 1d 5h 40m)\n",
        // Due after midnight: tomorrow's date; the last update was today: the time alone.
        "  internal      by 2026-12-10 00:40 (in 50m), last 23:40\n",
        "  2026-12-08 19:00  alice      Roll back payments to v411\n",
    ] {
        assert!(shown.contains(part), "{part:?} in:\n{shown}");
    }
    let roles = at_80(&repo, &["roles"]);
    assert!(
        roles.contains("  scribe            bob (since 2026-12-08 18:10, 1d 5h 40m)\n"),
        "{roles}"
    );
}

#[test]
fn the_dashboard_dates_an_update_due_tomorrow() {
    let repo = three_days();
    // With the change decided, the next duty is the update due after midnight.
    let approved = repo.ok_at(
        "2026-12-09T23:45:00Z",
        &["change", "approve", "--at", "2026-12-08T19:10:00Z"],
    );
    // Written up on another day: the confirmation says when it counts from.
    assert!(approved.ends_with(" (at 2026-12-08 19:10)\n"), "{approved}");
    let board = at_80(&repo, &["status"]);
    insta::assert_snapshot!("dates_across_days_status_80", board);
    assert!(board.contains("2026-12-10 00:40 (in 50m)"), "{board}");
    assert!(board.lines().all(|l| l.chars().count() <= 80), "{board}");
}

#[test]
fn check_and_the_tactical_report_date_times_of_other_days() {
    let repo = three_days();
    let out = repo
        .cmd()
        .env("INC_NOW", VIEWED)
        .args(["check", ID])
        .output()
        .unwrap();
    let found = String::from_utf8_lossy(&out.stdout);
    assert!(
        found.contains(
            "no update to internal for 21h 50m (2026-12-07 21:10 to 2026-12-08 19:00), longer than the SEV2 cadence of 1h"
        ),
        "{found}"
    );
    let tactical = repo.ok_at(VIEWED, &["report", "--template", "tactical"]);
    for part in [
        "- 2026-12-07 21:20 UTC Failover attempted\n",
        "- 01:30 UTC Rollback started\n",
    ] {
        assert!(tactical.contains(part), "{part:?} in:\n{tactical}");
    }
}

/// A `<text>` of an SVG: where it is anchored, how, and what it says.
struct Label {
    x: f64,
    y: f64,
    anchor: String,
    text: String,
}

/// The width a label takes: the chart's own estimate (13 px font, 0.62 em a character), which
/// is wider than common sans-serif faces so that real text takes less.
fn extent(label: &Label) -> (f64, f64) {
    let w = label.text.chars().count() as f64 * 13.0 * 0.62;
    match label.anchor.as_str() {
        "end" => (label.x - w, label.x),
        "middle" => (label.x - w / 2.0, label.x + w / 2.0),
        _ => (label.x, label.x + w),
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].to_string())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn labels(svg: &str) -> Vec<Label> {
    svg.split("<text ")
        .skip(1)
        .map(|rest| {
            let (tag, body) = rest.split_once('>').unwrap();
            let tag = format!(" {tag}");
            let tag = tag.as_str();
            let text = body.split("</text>").next().unwrap();
            Label {
                x: attr(tag, "x").unwrap().parse().unwrap(),
                y: attr(tag, "y").unwrap().parse().unwrap(),
                anchor: attr(tag, "text-anchor").unwrap_or_else(|| "start".into()),
                text: unescape(text),
            }
        })
        .collect()
}

#[test]
fn the_phase_chart_of_a_three_day_outage_names_its_days_without_overprinting() {
    let repo = three_days();
    repo.ok_at(
        "2026-12-10T22:30:00Z",
        &["mark", "mitigated", "--at", "2026-12-10 20:00"],
    );
    repo.ok_at(
        "2026-12-10T22:30:00Z",
        &["resolve", "--at", "2026-12-10 22:00"],
    );
    repo.ok_at(
        "2026-12-10T22:30:00Z",
        &["report", "--html", "-o", "report.html"],
    );
    let page = repo.read("report.html");
    let start = page.find("<svg").expect("a chart");
    let end = page[start..].find("</svg>").unwrap() + start + "</svg>".len();
    let svg = &page[start..end];
    insta::assert_snapshot!("dates_across_days_chart", svg);

    let labels = labels(svg);
    let shown: Vec<&str> = labels.iter().map(|l| l.text.as_str()).collect();
    // The ends with their dates, and the days between: not hours under a three-day bar.
    for day in [
        "12-07 21:00",
        "12-10 22:00",
        "Tue 12-08",
        "Wed 12-09",
        "Thu 12-10",
    ] {
        assert!(shown.contains(&day), "{day} in {shown:?}");
    }
    let view = attr(svg, "viewBox").unwrap();
    let width: f64 = view.split(' ').nth(2).unwrap().parse().unwrap();
    for label in &labels {
        let (from, to) = extent(label);
        assert!(
            from >= 0.0 && to <= width,
            "{:?} ({from:.0}–{to:.0}) leaves the 0–{width} picture",
            label.text
        );
    }
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            if a.y != b.y {
                continue;
            }
            let ((a0, a1), (b0, b1)) = (extent(a), extent(b));
            assert!(
                a1 <= b0 || b1 <= a0,
                "{:?} ({a0:.0}–{a1:.0}) overprints {:?} ({b0:.0}–{b1:.0})",
                a.text,
                b.text
            );
        }
    }
    // The names of the bars end before the first bar begins.
    let first_bar = svg
        .split("<rect ")
        .skip(1)
        .map(|r| attr(&format!(" {r}"), "x").unwrap().parse::<f64>().unwrap())
        .fold(f64::MAX, f64::min);
    for label in labels.iter().filter(|l| l.x == 0.0) {
        assert!(
            extent(label).1 < first_bar,
            "{:?} runs into the bars at {first_bar}",
            label.text
        );
    }
}

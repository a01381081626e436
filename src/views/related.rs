//! What `inc related`, `inc show` and `inc open` print of related incidents: each with what it
//! shares, its root cause, its runbooks and its open follow-ups, so a responder sees at once what
//! was learnt last time.

use std::io::Write;

use anyhow::Result;
use jiff::tz::TimeZone;

use crate::related::{Related, Shared};
use crate::text::one_line;

/// Open follow-ups listed per incident; `inc actions -i ID` lists them all.
const FOLLOW_UPS: usize = 3;

/// The related incidents under a heading (nothing when there are none), after a blank line.
pub fn print_related_section(
    out: &mut dyn Write,
    related: &[Related],
    tz: &TimeZone,
) -> Result<()> {
    if related.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nRelated incidents (inc related)")?;
    print_related(out, related, tz)
}

/// Each related incident, indented, one blank line between two.
pub fn print_related(out: &mut dyn Write, related: &[Related], tz: &TimeZone) -> Result<()> {
    for (n, r) in related.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "  {} · {} · {} · began {}",
            r.id,
            r.severity,
            r.status,
            r.began.in_tz(tz).date()
        )?;
        writeln!(out, "  {}", one_line(&r.title, 76))?;
        writeln!(out, "    shares:      {}", shares(&r.shared))?;
        let unread = |file: &str| {
            r.unreadable
                .iter()
                .any(|f| f.rsplit('/').next() == Some(file))
                .then(|| format!("unknown: its {file} does not parse (inc check {})", r.id))
        };
        let postmortem = unread(crate::store::layout::POSTMORTEM_FILE);
        let cause = match (&r.root_cause, &r.postmortem_status, &postmortem) {
            (_, _, Some(unknown)) => unknown.clone(),
            (Some(cause), ..) => one_line(cause, 80),
            (None, Some(status), _) => format!("not written yet (post-mortem {status})"),
            (None, None, _) => "no post-mortem yet".to_string(),
        };
        writeln!(out, "    root cause:  {cause}")?;
        let runbooks: Vec<String> = r
            .runbooks
            .iter()
            .map(|rb| match rb.ticked {
                0 => rb.name.clone(),
                1 => format!("{} (1 step ticked)", rb.name),
                n => format!("{} ({n} steps ticked)", rb.name),
            })
            .collect();
        let timeline = <crate::model::TimelineEntry as crate::model::LogEntry>::FILE;
        let runbooks = match unread(timeline) {
            Some(unknown) => unknown,
            None if runbooks.is_empty() => "none".to_string(),
            None => runbooks.join(", "),
        };
        writeln!(out, "    runbooks:    {runbooks}")?;
        if let Some(unknown) = &postmortem {
            writeln!(out, "    follow-ups:  {unknown}")?;
        } else if r.follow_ups.is_empty() {
            writeln!(out, "    follow-ups:  none open")?;
        }
        for (n, f) in r.follow_ups.iter().take(FOLLOW_UPS).enumerate() {
            let label = if n == 0 { "follow-ups:" } else { "" };
            let id = f.id.rsplit_once('#').map_or(f.id.as_str(), |(_, id)| id);
            let mut about: Vec<String> = f.owner.iter().cloned().collect();
            if let Some(due) = &f.due {
                about.push(format!("due {due}"));
            }
            if f.overdue {
                about.push("OVERDUE".into());
            }
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", about.join(", "))
            };
            writeln!(out, "    {label:<12} {id} {}{about}", one_line(&f.text, 60))?;
        }
        if r.follow_ups.len() > FOLLOW_UPS {
            writeln!(
                out,
                "                 … {} more: inc actions -i {}",
                r.follow_ups.len() - FOLLOW_UPS,
                r.id
            )?;
        }
    }
    Ok(())
}

/// `service checkout, tag db, words checkout, pool`.
fn shares(shared: &Shared) -> String {
    let mut parts = Vec::new();
    for (one, many, list) in [
        ("service", "services", &shared.services),
        ("tag", "tags", &shared.tags),
        ("word", "words", &shared.words),
    ] {
        match list.len() {
            0 => {}
            1 => parts.push(format!("{one} {}", list[0])),
            _ => parts.push(format!("{many} {}", list.join(", "))),
        }
    }
    parts.join("; ")
}

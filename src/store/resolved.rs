//! Finding the incidents resolved lately: right after `inc resolve`, while no incident is open,
//! commands without `-i` act on the one just resolved (the post-mortem, a last note, a report)
//! for `resolved_grace` (.inc.yaml).

use anyhow::Result;

use super::{INCIDENT_FILE, Store, parallel_map};
use crate::model::{Incident, Status};
use crate::time::Time;

impl Store {
    /// The incidents resolved (status `resolved`, not `closed`) at or after `since`, each with
    /// when: when inc set its status (`changed.status`, the clock when `inc resolve` ran, whatever
    /// its `--at`), else its resolved milestone. Newest first.
    ///
    /// Runs only when no incident is open, over every incident: each file is first scanned as
    /// text for those two times (no YAML parse), and only one recent enough is parsed, to be
    /// sure. A file that cannot be read or parsed is left out: it is no candidate to guess.
    pub fn resolved_since(&self, since: Time) -> Result<Vec<(String, Time)>> {
        let ids = self.ids()?;
        let found = parallel_map(ids, |id| -> Option<(String, Time)> {
            let path = self.incident_dir(&id).join(INCIDENT_FILE);
            let text = self.read_text(&path).ok()??;
            scanned(&text).filter(|at| *at >= since)?;
            let incident: Incident = self.parse(&path, &text).ok()?;
            let at = resolved_at(&incident).filter(|at| *at >= since)?;
            Some((id, at))
        });
        let mut recent: Vec<(String, Time)> = found.into_iter().flatten().collect();
        recent.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(recent)
    }
}

/// When a resolved incident was resolved, as [`Store::resolved_since`] counts it.
pub fn resolved_at(incident: &Incident) -> Option<Time> {
    if incident.status != Status::Resolved {
        return None;
    }
    incident
        .changed
        .get("status")
        .copied()
        .or(incident.milestones.resolved)
}

/// The later of `changed.status` and `milestones.resolved` as the file's lines give them, for a
/// file whose `status:` says resolved; `None` for any other. Never earlier than what a parse
/// would give (it may be later: the parse decides).
fn scanned(text: &str) -> Option<Time> {
    let mut section = "";
    let mut resolved = false;
    let mut latest: Option<Time> = None;
    for line in text.lines() {
        if !line.starts_with([' ', '\t', '#']) {
            let (key, value) = line.split_once(':').unwrap_or((line, ""));
            section = key.trim();
            if section == "status" {
                resolved =
                    Status::parse(value.trim().trim_matches(['"', '\''])) == Some(Status::Resolved);
            }
            continue;
        }
        let wanted = match section {
            "changed" => "status:",
            "milestones" => "resolved:",
            _ => continue,
        };
        if let Some(value) = line.trim_start().strip_prefix(wanted) {
            let value = value.trim().trim_matches(['"', '\'']);
            if let Some(time) = Time::parse_rfc3339(value) {
                latest = latest.max(Some(time));
            }
        }
    }
    latest.filter(|_| resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_the_times_a_resolved_incident_was_resolved_at() {
        let text = "title: x\nseverity: SEV2\nstatus: resolved\nopened: \"2026-11-22T14:00:00+00:00\"\nmilestones:\n  resolved: \"2026-11-22T14:30:00+00:00\"\nchanged:\n  milestones.resolved: \"2026-11-22T14:40:00+00:00\"\n  status: \"2026-11-22T14:41:00+00:00\"\n";
        assert_eq!(
            scanned(text).unwrap().to_string(),
            "2026-11-22T14:41:00+00:00"
        );
        assert_eq!(
            scanned(&text.replace("status: resolved", "status: closed")),
            None
        );
        let old = "title: x\nstatus: 'resolved'\nmilestones:\n  resolved: 2026-11-22T14:30:00Z\n";
        assert_eq!(
            scanned(old).unwrap().to_string(),
            "2026-11-22T14:30:00+00:00"
        );
    }
}

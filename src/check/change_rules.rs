//! The rule about production changes: each approval or rejection was made by an incident lead of
//! that moment. `inc change approve` checks who leads when it runs, but in its own clone: after a
//! merge, the roles may say another person had taken over the lead before the decision.

use super::{Check, Level, Log};
use crate::model::locate::locate_in_item;
use crate::model::roles::{self, LEAD};
use crate::model::{Kind, LogEntry, RoleEvent, TimelineEntry};

impl Check<'_> {
    /// Reports every change decision whose author did not hold the lead at its time, replaying
    /// the role events up to then (in time order, as `inc roles` does).
    pub(super) fn decisions_by_lead(&mut self, timeline: &Log<TimelineEntry>, roles: &[RoleEvent]) {
        let tz = self.clock.tz().clone();
        let mut found = Vec::new();
        for (index, entry) in timeline.entries.iter().enumerate() {
            let verb = match entry.kind {
                Kind::ChangeApproved => "approved",
                Kind::ChangeRejected => "rejected",
                _ => continue,
            };
            let leads = roles::holders_at(roles, entry.at)
                .remove(LEAD)
                .unwrap_or_default();
            if leads.contains(&entry.by) {
                continue;
            }
            let change = entry.reference.as_deref().unwrap_or("?");
            let then = if leads.is_empty() {
                format!("nobody was the {LEAD} then")
            } else {
                format!("{} was the {LEAD} then", leads.join(" and "))
            };
            let review = if leads.is_empty() {
                "the incident lead".to_string()
            } else {
                leads.join(" or ")
            };
            found.push((
                locate_in_item(&timeline.text, index, "by"),
                format!(
                    "change {change} was {verb} by {} at {}, but {then} (roles.yaml): only the {LEAD} decides changes; {review} should review it",
                    entry.by,
                    entry.at.short(&tz)
                ),
            ));
        }
        for (at, message) in found {
            self.push(
                TimelineEntry::FILE,
                at,
                Level::Warning,
                "change-not-by-lead",
                message,
            );
        }
    }
}

//! Who held which role and when: the holders now and every tenure, as `inc roles` and `inc show`
//! print them and reports read them.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use jiff::SignedDuration;
use serde::Serialize;

use super::{holders, table};
use crate::model::roles;
use crate::model::{Config, Incident, RoleEvent};
use crate::time::{Clock, Time, format_duration};

/// Role holders now and every tenure, as `inc roles` and `inc show` print them.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Roles {
    /// role → current holders, for every configured role (empty when nobody holds it).
    pub holders: BTreeMap<String, Vec<String>>,
    pub history: Vec<TenureView>,
    #[serde(skip)]
    order: Vec<String>,
    /// What "until" says for a tenure still running: "now", or "resolved" once it is.
    #[serde(skip)]
    open_end: &'static str,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct TenureView {
    pub role: String,
    pub person: String,
    pub from: Time,
    pub until: Option<Time>,
    /// Whole seconds held: until `until`, or the resolution, or now.
    pub held: i64,
}

impl Roles {
    pub fn new(config: &Config, incident: &Incident, events: &[RoleEvent], clock: &Clock) -> Roles {
        let holders = holders(config, events);
        let end = incident
            .milestones
            .resolved
            .filter(|_| !incident.status.is_open())
            .unwrap_or_else(|| clock.now());
        let history = roles::tenures(events)
            .into_iter()
            .map(|t| TenureView {
                held: t.until.unwrap_or(end).since(t.from).as_secs().max(0),
                role: t.role,
                person: t.person,
                from: t.from,
                until: t.until,
            })
            .collect();
        let mut order = config.roles.clone();
        order.extend(
            holders
                .keys()
                .filter(|r| !config.roles.contains(r))
                .cloned(),
        );
        Roles {
            holders,
            history,
            order,
            open_end: if incident.status.is_open() {
                "now"
            } else {
                "resolved"
            },
        }
    }

    /// Each role in configured order with its holders and since when; `all` includes roles
    /// nobody holds.
    pub fn print_now(&self, out: &mut dyn Write, clock: &Clock, all: bool) -> Result<()> {
        for role in &self.order {
            let people: Vec<String> = self
                .history
                .iter()
                .filter(|t| &t.role == role && t.until.is_none())
                .map(|t| {
                    format!(
                        "{} (since {}, {})",
                        t.person,
                        clock.show(t.from),
                        format_duration(SignedDuration::from_secs(t.held))
                    )
                })
                .collect();
            if people.is_empty() && !all {
                continue;
            }
            let people = if people.is_empty() {
                "—".to_string()
            } else {
                people.join(", ")
            };
            writeln!(out, "  {role:<18}{people}")?;
        }
        Ok(())
    }

    /// `inc roles`: holders now, then every tenure with how long it lasted.
    pub fn print(&self, out: &mut dyn Write, clock: &Clock) -> Result<()> {
        let tz = clock.tz();
        writeln!(out, "Now")?;
        self.print_now(out, clock, true)?;
        writeln!(out, "\nHistory")?;
        if self.history.is_empty() {
            writeln!(
                out,
                "  nobody has held a role yet: inc role incident-lead PERSON"
            )?;
            return Ok(());
        }
        let mut table = table(&["role", "person", "from", "until", "held"]);
        for t in &self.history {
            table.add_row(vec![
                t.role.clone(),
                t.person.clone(),
                t.from.short(tz),
                t.until
                    .map_or_else(|| self.open_end.to_string(), |u| u.short(tz)),
                format_duration(SignedDuration::from_secs(t.held)),
            ]);
        }
        for line in table.trim_fmt().lines() {
            writeln!(out, "  {line}")?;
        }
        Ok(())
    }
}

//! A maintenance window as the outside may see it: its title, window, services, summary, state
//! and updates, with no one's name as an author and every name inc knows replaced in its text.

use schemars::JsonSchema;
use serde::Serialize;

use super::PERSON;
use crate::maintenance::{State, Window};
use crate::names::Names;
use crate::time::Time;

/// A maintenance window for the public.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Maintenance {
    /// The window's id (its start date and a slug of its title, which is written for customers).
    pub id: String,
    pub title: String,
    pub summary: String,
    pub services: Vec<String>,
    pub start: Time,
    pub end: Time,
    /// upcoming, in-progress, completed or cancelled, as of the clock.
    pub state: State,
    /// Why it was called off, when it was.
    pub cancelled: Option<String>,
    /// What was said about it since, oldest first.
    pub updates: Vec<MaintenanceUpdate>,
}

/// An update about a maintenance window.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MaintenanceUpdate {
    pub at: Time,
    pub text: String,
}

impl Maintenance {
    /// The public form of `window` as of `now`, with every name `people` knows replaced.
    pub fn build(window: &Window, now: Time, people: &Names) -> Maintenance {
        let redact = |text: &str| people.redact(text.trim(), PERSON);
        let m = &window.maintenance;
        Maintenance {
            id: window.id.clone(),
            title: redact(&m.title),
            summary: redact(&m.summary),
            services: m.services.iter().map(|s| redact(s)).collect(),
            start: m.start,
            end: m.end,
            state: window.state(now),
            cancelled: m.cancelled.as_ref().map(|c| redact(&c.reason)),
            updates: window
                .updates
                .iter()
                .map(|u| MaintenanceUpdate {
                    at: u.at,
                    text: redact(&u.text),
                })
                .collect(),
        }
    }

    /// The last time anything about it changed: its last update, else its start.
    pub fn updated(&self) -> Time {
        self.updates
            .iter()
            .map(|u| u.at)
            .fold(self.start, Time::max)
    }
}

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
    /// Its public id: the day it starts and a hash of the window's id (which is a slug of its
    /// title as first written, so it may hold a name).
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
    /// When it was announced.
    pub announced: Time,
}

/// An update about a maintenance window.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MaintenanceUpdate {
    /// The update's id (random, stable): what feed entries are named by.
    pub id: String,
    pub at: Time,
    pub text: String,
}

impl Maintenance {
    /// The public form of `window` as of `now`, with every name `people` knows replaced.
    pub fn build(window: &Window, now: Time, people: &Names) -> Maintenance {
        let redact = |text: &str| people.redact(text.trim(), PERSON);
        let m = &window.maintenance;
        Maintenance {
            id: super::public_id(&window.id),
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
                    id: u.id.clone(),
                    at: u.at,
                    text: redact(&u.text),
                })
                .collect(),
            announced: m.scheduled,
        }
    }

    /// The last time anything about it changed: its last update, else when it was announced.
    pub fn updated(&self) -> Time {
        self.updates
            .iter()
            .map(|u| u.at)
            .fold(self.announced, Time::max)
    }
}

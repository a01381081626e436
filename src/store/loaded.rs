//! An incident with all of its files read at once: what every renderer works from. It holds
//! what the files say; what that means at a moment (updates and SLA targets due) is judged by
//! the renderers (`views::LoadedViews`).

use anyhow::Result;

use super::Store;
use crate::model::postmortem::Postmortem;
use crate::model::runbook::progress::Progress;
use crate::model::timeline::{self, Change};
use crate::model::{CommsEntry, Config, Incident, RoleEvent, TimelineEntry};

/// An incident with all of its files read, for `show`, the dashboard, reports, exports and hooks.
pub struct Loaded {
    pub id: String,
    pub incident: Incident,
    /// The logbook entries in force: what reports, public outputs, the site and the dashboard
    /// show. Struck entries and the strikes are in `withdrawn` (see `model::strike`).
    pub timeline: Vec<TimelineEntry>,
    /// The entries struck (`inc strike`) and the strikes themselves, with their places in
    /// timeline.yaml: `inc show` prints them struck through, `show --json` and `inc export` keep
    /// them ([`Loaded::record`]).
    pub withdrawn: Vec<(usize, TimelineEntry)>,
    pub roles: Vec<RoleEvent>,
    pub comms: Vec<CommsEntry>,
    /// What postmortem.md holds, once it exists.
    pub postmortem: Option<Postmortem>,
    /// The attached runbooks with their files (only with [`Loaded::load`]).
    pub runbooks: Vec<Progress>,
}

impl Loaded {
    pub fn load(store: &Store, id: &str) -> Result<Loaded> {
        let mut loaded = Loaded::load_logs(store, id)?;
        loaded.postmortem = store.load_postmortem(id)?;
        loaded.runbooks = super::runbooks::progress(store, &loaded.timeline);
        Ok(loaded)
    }

    /// Everything but postmortem.md (to scaffold a new one, the old one does not matter).
    pub fn load_logs(store: &Store, id: &str) -> Result<Loaded> {
        let (timeline, withdrawn) = crate::model::strike::split(store.load_log(id)?);
        Ok(Loaded {
            id: id.to_string(),
            incident: store.load_incident(id)?,
            timeline,
            withdrawn,
            roles: store.load_log(id)?,
            comms: store.load_log(id)?,
            postmortem: None,
            runbooks: Vec::new(),
        })
    }

    /// The worst severity the incident had (its timeline's history and incident.yaml's): what
    /// its SLA targets are.
    pub fn peak_severity(&self, config: &Config) -> String {
        let changes = crate::model::timeline::severity_changes(&self.timeline);
        crate::model::severity_history::peak_of(&changes, &self.incident.severity, config)
    }

    /// Everyone named in the incident's files, including the post-mortem's authors and owners.
    pub fn people(&self) -> Vec<String> {
        let mut authors: Vec<String> = Vec::new();
        if let Some(pm) = &self.postmortem {
            authors.extend(pm.front.authors.iter().cloned());
            authors.extend(
                pm.improvements
                    .iter()
                    .flat_map(|i| [i.owner.clone(), i.done_by.clone()])
                    .flatten(),
            );
        }
        // Whoever wrote an entry since struck is named in the files all the same.
        authors.extend(self.withdrawn.iter().map(|(_, e)| e.by.clone()));
        crate::model::people(&self.timeline, &self.roles, &self.comms, &authors)
    }

    /// Every entry of timeline.yaml, in force or withdrawn, by time (in the file's order at one
    /// time): the logbook as it is kept.
    pub fn record(&self) -> Vec<&TimelineEntry> {
        let mut all = crate::model::strike::in_file_order(&self.timeline, &self.withdrawn);
        all.sort_by_key(|e| e.at);
        all
    }

    /// The strike withdrawing each struck entry, by the entry's id.
    pub fn strikes(&self) -> std::collections::HashMap<&str, &TimelineEntry> {
        let withdrawn: Vec<&TimelineEntry> = self.withdrawn.iter().map(|(_, e)| e).collect();
        crate::model::strike::strikes(&withdrawn)
    }

    pub fn pending_changes(&self) -> Vec<&TimelineEntry> {
        timeline::changes(&self.timeline)
            .into_iter()
            .filter(|c| c.decision.is_none())
            .map(|c: Change| c.request)
            .collect()
    }
}

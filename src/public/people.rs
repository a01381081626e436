//! Whose names public outputs replace: everyone inc knows by name. For one incident that is the
//! people in its files (role holders and whoever assigned them, the authors of entries and
//! updates, approvers, the post-mortem's authors and owners, whoever ticked an action), the
//! authors of maintenance updates, the members of the catalog's teams, and both sides of
//! `aliases.people` in `.inc.yaml`. Outputs about many incidents (the public site, the public
//! export) replace the names from all of them in each, since a customer update may name someone
//! from another incident.

use anyhow::Result;

use crate::model::Config;
use crate::model::catalog::Catalog;
use crate::store::{Loaded, Store, parallel_map};

/// What a person's name becomes in anything public.
pub const PERSON: &str = "a team member";

/// Everyone inc knows by name besides the people in incidents' files: the catalog's team members
/// and both sides of `aliases.people`, together with `people`; sorted, without repeats.
fn known_people(
    config: &Config,
    catalog: Option<&Catalog>,
    people: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let mut all: Vec<String> = people.into_iter().collect();
    all.extend(
        catalog
            .into_iter()
            .flat_map(|c| c.members().map(String::from)),
    );
    for (handle, name) in &config.aliases.people {
        all.push(handle.clone());
        all.push(name.clone());
    }
    let mut all: Vec<String> = all
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| n.chars().count() >= 2)
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Who wrote about a maintenance window: its updates' authors and whoever cancelled it.
fn of_window(window: &crate::maintenance::Window) -> Vec<String> {
    let mut people: Vec<String> = window.updates.iter().map(|u| u.by.clone()).collect();
    people.extend(window.maintenance.cancelled.iter().map(|c| c.by.clone()));
    people
}

/// Everyone named in the files of one incident and in maintenance updates, and everyone
/// [`known_people`] adds.
pub fn of_incident(store: &Store, loaded: &Loaded) -> Result<Vec<String>> {
    let catalog = store.catalog()?;
    Ok(known_people(
        store.config(),
        catalog.as_ref(),
        loaded.people().into_iter().chain(window_authors(store)?),
    ))
}

/// Everyone named in the files of any of `ids` (read on every core) and in maintenance updates,
/// and everyone [`known_people`] adds. An incident that does not load adds no one (its caller
/// reports it).
pub fn of_incidents(store: &Store, ids: &[String]) -> Result<Vec<String>> {
    let catalog = store.catalog()?;
    // Only the files that name people: the logs and the post-mortem, not the runbooks.
    let named = parallel_map(ids.to_vec(), |id| {
        let mut loaded = Loaded::load_logs(store, &id).ok()?;
        loaded.postmortem = store.load_postmortem(&id).ok()?;
        Some(loaded.people())
    });
    Ok(known_people(
        store.config(),
        catalog.as_ref(),
        named
            .into_iter()
            .flatten()
            .flatten()
            .chain(window_authors(store)?),
    ))
}

/// Who wrote about any maintenance window (windows that do not load add no one).
fn window_authors(store: &Store) -> Result<Vec<String>> {
    Ok(crate::maintenance::load_each(store)?
        .iter()
        .filter_map(|(_, w)| w.as_ref().ok())
        .flat_map(of_window)
        .collect())
}

//! The draft of a status update for one audience (`inc comms --draft`): the `update` template,
//! rendered as `inc report --template update --audience A` renders it.

use anyhow::Result;

use super::{Context, Options};
use crate::store::Store;
use crate::time::Clock;
use crate::views::Loaded;

/// The audience whose updates never show internal entries or names (as in `inc report`).
const PUBLIC_AUDIENCE: &str = "customers";

/// The `update` template (the repository's own, if it overrides it) for `audience`, trimmed to
/// what would be sent.
pub fn update_draft(store: &Store, id: &str, audience: &str, clock: &Clock) -> Result<String> {
    let template = super::find(store.root(), "update")?;
    let zone = store.config().report_zone()?;
    let loaded = Loaded::load(store, id)?;
    let options = Options {
        authors: Vec::new(),
        audience: Some(audience.to_string()),
        public: audience == PUBLIC_AUDIENCE,
        attachments_url: None,
    };
    let context = Context::new(&loaded, store.config(), clock, options);
    let people = loaded.people();
    let text = super::render(&template, context.into_value(&people), &zone)?;
    Ok(text.trim().to_string())
}

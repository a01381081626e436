//! The draft of a status update for one audience (`inc comms --draft`): the `update` template,
//! rendered as `inc report --template update --audience A` renders it. A draft to a public
//! audience is built from the public model.

use anyhow::Result;

use super::{Context, Options, PublicContext, PublicOptions};
use crate::public;
use crate::store::{Loaded, Store};
use crate::time::Clock;

/// The `update` template (the repository's own, if it overrides it) for `audience`, trimmed to
/// what would be sent.
pub fn update_draft(store: &Store, id: &str, audience: &str, clock: &Clock) -> Result<String> {
    let template = super::find(store.root(), "update")?;
    let config = store.config();
    let zone = config.report_zone()?;
    let loaded = Loaded::load(store, id)?;
    let text = if config.is_public_audience(audience) {
        let (incident, _) = public::Incident::of_one(store, &loaded, clock)?;
        let options = PublicOptions {
            audience: Some(audience.to_string()),
            attachments_url: None,
        };
        let context = PublicContext::new(&incident, &config.timezone, clock, options);
        super::render(&template, context.into_value(), &zone)?
    } else {
        let options = Options {
            authors: Vec::new(),
            audience: Some(audience.to_string()),
            attachments_url: None,
        };
        let context = Context::new(&loaded, config, clock, options);
        super::render(&template, context.into_value(), &zone)?
    };
    Ok(text.trim().to_string())
}

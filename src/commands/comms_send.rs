//! The sending half of `inc comms`: posting a recorded update to its channel's webhook and
//! recording how it went (`--send`), and posting the failed ones again (`--retry`).

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::model::Incident;
use crate::model::comms::{CommsEntry, Delivery};
use crate::store::Store;
use crate::text::escape_controls;
use crate::views::Loaded;
use crate::webhooks::{self, Target, Update};

/// Posts `entry` (recorded and committed already) and records the delivery on it in a second
/// commit. A failed post is an error, after it is recorded.
pub fn deliver(
    ctx: &mut Ctx<'_>,
    store: &Store,
    id: &str,
    incident: &Incident,
    entry: &CommsEntry,
    target: &Target,
) -> Result<()> {
    let body = body(ctx, store, id, incident, entry, target)?;
    let delivery = webhooks::post(target, &body, ctx.clock.now());
    let audience = &entry.audience;
    let channel = &target.channel;
    let outcome = if delivery.failed() {
        "not delivered"
    } else {
        "sent"
    };
    {
        let _lock = ctx.lock(store)?;
        let path = store.set_deliveries(id, &[(entry.id.clone(), delivery.clone())])?;
        ctx.commit(
            store,
            &[path],
            &format!("{id}: comms to {audience} {outcome} via {channel}"),
        )?;
    }
    if delivery.failed() {
        return Err(Error::state(format!(
            "the update to {audience} is recorded, but was not delivered via {channel}: {}; post it again with `inc comms --retry`",
            detail(&delivery)
        ))
        .into());
    }
    let line = format!(
        "{id}: update to {audience} sent via {channel} ({})",
        detail(&delivery)
    );
    writeln!(ctx.out, "{}", escape_controls(&line))?;
    Ok(())
}

/// `inc comms --retry`: posts every update of the incident whose last delivery failed, records
/// how each went in one commit, and fails if any is still not delivered.
pub fn retry(ctx: &mut Ctx<'_>) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, None)?;
    let incident = store.load_incident(&id)?;
    let comms: Vec<CommsEntry> = store.load_log(&id)?;
    let failed: Vec<&CommsEntry> = comms
        .iter()
        .filter(|c| c.delivery.as_ref().is_some_and(Delivery::failed))
        .collect();
    if failed.is_empty() {
        writeln!(ctx.out, "{id}: no failed deliveries to retry")?;
        return Ok(());
    }
    // Every address is found before anything is posted: a missing variable stops the retry
    // whole rather than half-way.
    let mut targets = Vec::new();
    for entry in &failed {
        let channel = entry.channel.as_deref().ok_or_else(|| {
            Error::state(format!(
                "update {} has a delivery but no channel: add `channel:` to it in comms.yaml",
                entry.id
            ))
        })?;
        targets.push(webhooks::target(store.config(), channel)?);
    }
    let mut results = Vec::new();
    for (entry, target) in failed.iter().zip(&targets) {
        let body = body(ctx, &store, &id, &incident, entry, target)?;
        results.push((
            entry.id.clone(),
            webhooks::post(target, &body, ctx.clock.now()),
        ));
    }
    {
        let _lock = ctx.lock(&store)?;
        let path = store.set_deliveries(&id, &results)?;
        let sent = results.iter().filter(|(_, d)| !d.failed()).count();
        ctx.commit(
            &store,
            &[path],
            &format!("{id}: comms retried, {sent} of {} sent", results.len()),
        )?;
    }
    let mut still = 0;
    for ((entry, target), (_, delivery)) in failed.iter().zip(&targets).zip(&results) {
        let outcome = if delivery.failed() {
            still += 1;
            "not delivered"
        } else {
            "sent"
        };
        let line = format!(
            "{id}: update to {} via {} {outcome} ({})",
            entry.audience,
            target.channel,
            detail(delivery)
        );
        writeln!(ctx.out, "{}", escape_controls(&line))?;
    }
    if still > 0 {
        return Err(Error::state(format!(
            "{still} of {} updates still not delivered; run `inc comms --retry` again once the webhook works",
            results.len()
        ))
        .into());
    }
    Ok(())
}

/// What is posted for `entry`: to a public audience, built from the public model (public title
/// and id, names replaced), like everything else that leaves the team.
fn body(
    ctx: &Ctx<'_>,
    store: &Store,
    id: &str,
    incident: &Incident,
    entry: &CommsEntry,
    target: &Target,
) -> Result<String> {
    let config = store.config();
    if !config.is_public_audience(&entry.audience) {
        return Ok(webhooks::body(
            target.style,
            &Update::new(id, incident, entry),
        ));
    }
    let loaded = Loaded::load(store, id)?;
    let (public, names) = crate::public::Incident::of_one(store, &loaded, &ctx.clock)?;
    let message = names.redact(&entry.message, crate::public::PERSON);
    Ok(webhooks::body(
        target.style,
        &Update::public(&public, entry, &message),
    ))
}

/// "HTTP 200", "HTTP 500: Internal error", "timed out after 2s".
fn detail(delivery: &Delivery) -> String {
    match (delivery.status, &delivery.error) {
        (Some(status), Some(error)) => format!("HTTP {status}: {error}"),
        _ => delivery.reason(),
    }
}

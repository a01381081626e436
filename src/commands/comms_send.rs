//! The sending half of `inc comms`: posting a recorded update to its channel's webhook and
//! recording how it went (`--send`), and posting the failed ones again (`--retry`).
//!
//! A pushed commit must not make this clone post: a webhook is posted to only once this clone
//! trusts it (`webhooks::trust`), and a retry posts on its own only the updates this clone
//! recorded (`Store::note_sent`); others are shown and need `--yes`.

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::model::Incident;
use crate::model::comms::{CommsEntry, Delivery, DeliveryState};
use crate::store::{Loaded, Store};
use crate::text::escape_controls;
use crate::webhooks::{self, Target, Update, trust};

/// The reason recorded on an update not posted because this clone does not trust its webhook.
const NOT_TRUSTED: &str = "webhook destination not trusted";

/// Posts `entry` (recorded and committed already) and records the delivery on it in a second
/// commit. A failed post, or a webhook this clone has not trusted, is an error after it is
/// recorded.
pub fn deliver(
    ctx: &mut Ctx<'_>,
    store: &Store,
    id: &str,
    incident: &Incident,
    entry: &CommsEntry,
    target: &Target,
) -> Result<()> {
    let audience = &entry.audience;
    let channel = &target.channel;
    if let Some(refusal) = trust::refusal(store.root(), target)? {
        let delivery = Delivery {
            state: DeliveryState::Failed,
            status: None,
            error: Some(NOT_TRUSTED.into()),
            at: ctx.clock.now(),
        };
        record_deliveries(
            ctx,
            store,
            id,
            &[(entry.id.clone(), delivery)],
            &format!("{id}: comms to {audience} not sent via {channel} (webhook not trusted)"),
        )?;
        return Err(Error::state(format!(
            "the update to {audience} is recorded but was not sent: {refusal}, then `inc comms --retry`"
        ))
        .into());
    }
    let body = body(ctx, store, id, incident, entry, target)?;
    let delivery = webhooks::post(target, &body, ctx.clock.now());
    let outcome = if delivery.failed() {
        "not delivered"
    } else {
        "sent"
    };
    record_deliveries(
        ctx,
        store,
        id,
        &[(entry.id.clone(), delivery.clone())],
        &format!("{id}: comms to {audience} {outcome} via {channel}"),
    )?;
    if delivery.failed() {
        return Err(Error::state(format!(
            "the update to {audience} is recorded, but was not delivered via {channel}: {}; post it again with `inc comms --retry`",
            delivery.reason()
        ))
        .into());
    }
    let line = format!(
        "{id}: update to {audience} sent via {channel} ({})",
        delivery.reason()
    );
    writeln!(ctx.out, "{}", escape_controls(&line))?;
    Ok(())
}

/// `inc comms --retry`: posts every update of the incident whose last delivery failed and that
/// this clone recorded (with `yes`, the others too), records how each went in one commit, and
/// fails if any is still not delivered or was left out.
pub fn retry(ctx: &mut Ctx<'_>, yes: bool) -> Result<()> {
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
    // An update that arrived by pull names its author in `by:`, which anyone can write: only
    // the updates this clone recorded, unchanged since, are its own.
    let ours = store.sent_here()?;
    let (post, held): (Vec<_>, Vec<_>) = failed
        .iter()
        .zip(&targets)
        .partition(|(entry, _)| yes || ours.contains(&entry.digest(&id)));
    for (_, target) in &post {
        if let Some(refusal) = trust::refusal(store.root(), target)? {
            return Err(Error::state(format!(
                "nothing was posted: {refusal}, then `inc comms --retry` again"
            ))
            .into());
        }
    }
    let mut results = Vec::new();
    for (entry, target) in &post {
        let body = body(ctx, &store, &id, &incident, entry, target)?;
        results.push((
            entry.id.clone(),
            webhooks::post(target, &body, ctx.clock.now()),
        ));
    }
    if !results.is_empty() {
        let sent = results.iter().filter(|(_, d)| !d.failed()).count();
        let message = format!("{id}: comms retried, {sent} of {} sent", results.len());
        record_deliveries(ctx, &store, &id, &results, &message)?;
    }
    let mut still = 0;
    for ((entry, target), (_, delivery)) in post.iter().zip(&results) {
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
            delivery.reason()
        );
        writeln!(ctx.out, "{}", escape_controls(&line))?;
    }
    for (entry, target) in &held {
        writeln!(
            ctx.out,
            "{id}: update {} to {} via {} → {} ({}) was not recorded in this clone; not posted. It says:",
            entry.id,
            entry.audience,
            target.channel,
            target.host(),
            target.style.name()
        )?;
        for line in entry.message.lines() {
            writeln!(ctx.out, "    {line}")?;
        }
    }
    if !held.is_empty() {
        return Err(Error::state(format!(
            "not posted: {} not recorded in this clone (shown above; a by: line may name anyone); if they are yours to send, run `inc comms --retry --yes`",
            match held.len() {
                1 => "1 update".to_string(),
                n => format!("{n} updates"),
            }
        ))
        .into());
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

/// Records `deliveries` (entry id → outcome) on their entries and commits them, under the lock.
fn record_deliveries(
    ctx: &Ctx<'_>,
    store: &Store,
    id: &str,
    deliveries: &[(String, Delivery)],
    message: &str,
) -> Result<()> {
    let _lock = ctx.lock(store)?;
    let path = store.set_deliveries(id, deliveries)?;
    ctx.commit(store, &[path], message)
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

//! `inc webhooks`: each channel's webhook (host and style) and whether this clone posts to it;
//! `inc webhooks trust` confirms them in this clone's own git config.

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::webhooks::trust::{self, Trust};

/// Show the channels' webhooks and whether this clone trusts them; trust them
///
/// .inc.yaml arrives with `git pull`, so `inc comms --send` posts to a webhook only once this
/// clone has trusted it as it is: its url (or the name in url_env) and its style. A new or
/// changed webhook is refused until trusted again. The trust is kept in this clone's
/// .git/config, never committed; only the host of an address is shown.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc webhooks
  inc webhooks trust chat
  inc webhooks trust")]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// List every channel's webhook: host, style, and whether this clone trusts it (the default)
    #[command(after_help = "Examples:\n  inc webhooks list")]
    List,
    /// Trust the webhook of CHANNEL as .inc.yaml has it now, or of every channel; prints what
    /// it trusted
    #[command(after_help = "Examples:\n  inc webhooks trust chat\n  inc webhooks trust")]
    Trust {
        /// The channel [default: every channel with a webhook]
        #[arg(value_name = "CHANNEL", add = crate::cli::complete::channels())]
        channel: Option<String>,
    },
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config();
    if config.webhooks.is_empty() {
        writeln!(
            ctx.out,
            "no webhooks: add them under webhooks: in .inc.yaml (docs/format.md)"
        )?;
        return Ok(());
    }
    let mut destinations = trust::destinations(store.root(), config)?;
    let Some(Action::Trust { channel }) = args.action else {
        let width =
            |f: fn(&trust::Destination) -> usize| destinations.iter().map(f).max().unwrap_or(0);
        let (channel, host) = (
            width(|d| d.channel.chars().count()),
            width(|d| d.host.chars().count()),
        );
        for d in &destinations {
            writeln!(
                ctx.out,
                "{:channel$}  {:host$}  {:5}  {}",
                d.channel,
                d.host,
                d.style.name(),
                d.trust.name()
            )?;
        }
        return Ok(());
    };
    if let Some(name) = channel {
        let name = config.channel(&name)?;
        if config.webhook(&name).is_none() {
            return Err(Error::usage(format!(
                "channel {name} has no webhook to trust: add one under webhooks: in .inc.yaml (docs/format.md)"
            ))
            .into());
        }
        destinations.retain(|d| d.channel == name);
    }
    for d in &destinations {
        let hook = config.webhook(&d.channel).expect("listed from webhooks:");
        if d.trust == Trust::Trusted {
            writeln!(
                ctx.out,
                "{}: already trusted ({}, {})",
                d.channel,
                d.host,
                d.style.name()
            )?;
            continue;
        }
        trust::confirm(store.root(), &d.channel, hook)?;
        writeln!(
            ctx.out,
            "{}: trusted ({}, {})",
            d.channel,
            d.host,
            d.style.name()
        )?;
    }
    Ok(())
}

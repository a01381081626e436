//! `inc demo`: replay a realistic incident into a new repository through the real commands.

use anyhow::Result;

use super::Ctx;

/// Create a demo repository and replay a sample incident into it
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create it [default: a new directory under the system's temp dir]
    pub dir: Option<std::path::PathBuf>,
}

pub fn run(_ctx: &mut Ctx<'_>, _args: Args) -> Result<()> {
    anyhow::bail!("demo: not written yet")
}

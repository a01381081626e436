//! `inc completions`: shell completion scripts.

use anyhow::Result;
use clap::CommandFactory;

use super::Ctx;

/// Print a shell completion script (e.g. inc completions bash > ~/.local/share/bash-completion/completions/inc)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc completions bash > ~/.local/share/bash-completion/completions/inc\n  inc completions zsh > \"${fpath[1]}/_inc\"\n  inc completions fish > ~/.config/fish/completions/inc.fish"
)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let mut command = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut command, "inc", &mut ctx.out);
    Ok(())
}

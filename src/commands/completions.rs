//! `inc completions`: shell completion scripts.

use anyhow::Result;

use super::Ctx;

/// Print a static shell completion script (e.g. inc completions bash > ~/.local/share/bash-completion/completions/inc)
///
/// For completions that also offer names from the repository (incident ids, roles, runbooks …),
/// add `source <(COMPLETE=bash inc)` to ~/.bashrc instead (zsh: COMPLETE=zsh; fish:
/// `COMPLETE=fish inc | source`).
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
    let mut command = (ctx.parser)();
    clap_complete::generate(args.shell, &mut command, "inc", &mut ctx.out);
    Ok(())
}

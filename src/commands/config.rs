//! `inc config`: the user's settings (user, color, pager, editor), the value in force for each and
//! where it comes from.

use anyhow::Result;

use super::Ctx;
use crate::cli::settings::{KEYS, Source};
use crate::error::unknown_name;

/// Show your settings and where each comes from (environment, ~/.config/inc/config.yaml, git, default)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc config list
  inc config get editor
  $EDITOR \"$(inc config path)\"")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print where the user config file is (or would be)
    #[command(
        after_help = "Examples:\n  inc config path\n  mkdir -p \"$(dirname \"$(inc config path)\")\""
    )]
    Path,
    /// Print the value of KEY in force and where it comes from
    #[command(
        after_help = "Examples:\n  inc config get user\n  inc --color never config get color"
    )]
    Get {
        /// user, color, pager or editor
        key: String,
    },
    /// Print every key's value in force and where it comes from
    #[command(after_help = "Examples:\n  inc config list\n  INC_PAGER=most inc config list")]
    List,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    match args.action {
        Action::Path => {
            let path = ctx.env.settings.path.as_ref().ok_or_else(|| {
                crate::Error::state("no user config file: neither XDG_CONFIG_HOME nor HOME is set")
            })?;
            writeln!(ctx.out, "{}", path.display())?;
        }
        Action::Get { key } => {
            let key = key.to_lowercase();
            if !KEYS.contains(&key.as_str()) {
                return Err(unknown_name("setting", &key, &KEYS).into());
            }
            show(ctx, &key)?;
        }
        Action::List => {
            for key in KEYS {
                show(ctx, key)?;
            }
        }
    }
    Ok(())
}

/// `editor = vim  (environment: VISUAL)`.
fn show(ctx: &mut Ctx<'_>, key: &str) -> Result<()> {
    let git_user = || {
        let store = ctx.store().ok()?;
        crate::git::open(store.root())
            .ok()
            .and_then(|repo| crate::git::user_name(&repo))
    };
    let Some((value, source)) = ctx.env.settings.resolve(key, git_user)? else {
        return Ok(());
    };
    // `--color` on the command line wins over everything the settings know of.
    if let ("color", Some(color)) = (key, ctx.global.color) {
        let name = clap::ValueEnum::to_possible_value(&color).expect("no skipped values");
        writeln!(ctx.out, "{key} = {}  (option: --color)", name.get_name())?;
        return Ok(());
    }
    let value = match value.as_deref() {
        None => "(not set)",
        // A pager variable set to nothing: no pager, as the commands take it.
        Some(v) if v.trim().is_empty() => "(none)",
        Some(v) => v,
    };
    let path = ctx.env.settings.path.as_ref();
    let source = match source {
        Source::Environment(var) => format!("environment: {var}"),
        Source::UserFile => format!(
            "user file: {}",
            path.map(|p| p.display().to_string()).unwrap_or_default()
        ),
        Source::Git => "git config user.name".to_string(),
        Source::Default => "default".to_string(),
    };
    writeln!(ctx.out, "{key} = {value}  ({source})")?;
    Ok(())
}

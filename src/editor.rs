//! Running the user's editor ($VISUAL, else $EDITOR) on a file of the repository, for the
//! commands that hand a file to a person (`inc postmortem --edit`, `inc edit`).

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::error::Error;

/// Runs `editor` on `path` the way git does: through the shell, so `code --wait` works. Fails
/// when the editor does not start or exits with an error (the caller says what became of the
/// file). The
/// caller refuses a path through a symbolic link first: an editor follows links, and would show
/// and change a file outside the repository.
pub fn edit(editor: &str, path: &Path) -> Result<()> {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor ({editor})"))?;
    if !status.success() {
        return Err(Error::state(format!("the editor ({editor}) exited with {status}")).into());
    }
    Ok(())
}

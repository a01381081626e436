//! The terminal: whether to print colours and which pager long output goes through. Each is
//! decided in one function, from layers in order (the option, then the environment, then the
//! default), so a new layer (a user-level config file) is one more argument there.

use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};

use crate::Color;

/// The pager when neither `$INC_PAGER` nor `$PAGER` is set: `-F` quits when the text fits on one
/// screen, `-R` shows colours, `-X` leaves the text on the screen after quitting.
pub const DEFAULT_PAGER: &str = "less -FRX";

/// Whether to colour: `--color` (`option`) wins, then the environment (`NO_COLOR`,
/// `CLICOLOR_FORCE`, already read into `env`), and `auto` means when stdout is a terminal.
/// Never `Auto`: decided before any output goes through a pager, which is not a terminal.
pub fn color(option: Option<Color>, env: Color, stdout_is_terminal: bool) -> Color {
    match option.unwrap_or(env) {
        Color::Auto if stdout_is_terminal => Color::Always,
        Color::Auto => Color::Never,
        decided => decided,
    }
}

/// The pager command to run, if any: none with `--no-pager` (`off`) or when stdout is not a
/// terminal; else `$INC_PAGER`, else `$PAGER` (`env`: the first of them that is set, even empty),
/// else [`DEFAULT_PAGER`]. An empty command or `cat` means no pager.
pub fn pager(off: bool, env: Option<&str>, stdout_is_terminal: bool) -> Option<String> {
    if off || !stdout_is_terminal {
        return None;
    }
    let command = env.unwrap_or(DEFAULT_PAGER).trim();
    if command.is_empty() || command == "cat" {
        return None;
    }
    Some(command.to_string())
}

/// A running pager: what is written goes to its input; [`Pager::finish`] waits for the reader.
pub struct Pager {
    child: Child,
    input: Option<ChildStdin>,
}

impl Pager {
    /// Starts `command`: a program and its options, split at spaces (as `less -FRX`); `None`
    /// when it cannot start, and the caller prints directly. Not through a shell, so that a
    /// pager that does not exist is known here rather than by lost output.
    pub fn start(command: &str) -> Option<Pager> {
        let mut words = command.split_whitespace();
        let mut child = Command::new(words.next()?)
            .args(words)
            .stdin(Stdio::piped())
            .spawn()
            .ok()?;
        let input = child.stdin.take();
        Some(Pager { child, input })
    }

    /// Closes the pager's input and waits until the reader quits it.
    pub fn finish(mut self) {
        drop(self.input.take());
        let _ = self.child.wait();
    }
}

impl Write for Pager {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.input {
            Some(input) => input.write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.input {
            Some(input) => input.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_color_option_wins_over_the_environment() {
        assert_eq!(
            color(Some(Color::Always), Color::Never, false),
            Color::Always
        );
        assert_eq!(color(Some(Color::Never), Color::Always, true), Color::Never);
        assert_eq!(color(None, Color::Never, true), Color::Never);
        assert_eq!(color(None, Color::Always, false), Color::Always);
        assert_eq!(color(Some(Color::Auto), Color::Never, true), Color::Always);
        assert_eq!(color(None, Color::Auto, false), Color::Never);
    }

    #[test]
    fn the_pager_is_inc_pager_else_pager_else_less() {
        assert_eq!(pager(false, None, true).as_deref(), Some(DEFAULT_PAGER));
        assert_eq!(pager(false, Some("most"), true).as_deref(), Some("most"));
        assert_eq!(pager(false, Some(""), true), None);
        assert_eq!(pager(false, Some(" cat "), true), None);
        assert_eq!(pager(true, Some("most"), true), None);
        assert_eq!(pager(false, Some("most"), false), None);
    }
}

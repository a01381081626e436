//! `inc demo`: replay a realistic incident into a new repository through the real commands.
//!
//! Each step runs the same code path as typing the command: [`crate::run`] with a pinned clock and
//! person, so the demo repository looks exactly like one a team produced by hand.

use std::path::PathBuf;

use anyhow::{Context, Result};
use jiff::{SignedDuration, Timestamp};

use super::Ctx;
use crate::Env;
use crate::error::Error;

/// Create a demo repository and replay a sample incident into it
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc demo\n  inc demo /tmp/inc-demo && cd /tmp/inc-demo && inc list --all"
)]
pub struct Args {
    /// Where to create it (must not exist, or be empty) [default: a new directory in the system's
    /// temp dir]
    pub dir: Option<PathBuf>,
}

mod story;

use story::{story, write_postmortem};

/// One step of the story: minutes after the outage began, who, and the command line. A step
/// without arguments is a person writing the post-mortem by hand.
struct Step {
    minute: i64,
    by: &'static str,
    args: Vec<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let dir = match args.dir {
        Some(dir) => {
            let dir = ctx.env.cwd.join(dir);
            if dir.exists() && dir.read_dir()?.next().is_some() {
                return Err(Error::usage(format!(
                    "{} is not empty: give the demo a new directory",
                    dir.display()
                ))
                .into());
            }
            std::fs::create_dir_all(&dir)?;
            dir
        }
        None => tempfile::Builder::new()
            .prefix("inc-demo-")
            .tempdir()
            .context("cannot create a temp directory")?
            .keep(),
    };
    let dir = dir.canonicalize()?;

    // The outage began yesterday, on a whole minute, and the post-mortem is written a day later,
    // so the story ends in the present.
    let now = ctx.clock.now().timestamp();
    let began = Timestamp::from_second(now.as_second() / 60 * 60 - 27 * 3600)?;
    let at = |minute: i64| began + SignedDuration::from_mins(minute);

    writeln!(
        ctx.out,
        "Replaying a sample incident into {}\n",
        dir.display()
    )?;
    let mut change_id = String::new();
    let mut day = None;
    for mut step in story(|minute| at(minute).to_string()) {
        // The approval names the change the request step printed.
        for arg in step.args.iter_mut().filter(|a| *a == "CHANGE") {
            arg.clone_from(&change_id);
        }
        let env = Env {
            cwd: dir.clone(),
            repo: None,
            user: Some(step.by.to_string()),
            now: Some(at(step.minute).to_string()),
            editor: None,
            color: ctx.env.color,
            columns: ctx.env.columns,
            pager: None,
            interactive: false,
            no_hooks: ctx.env.no_hooks,
            settings: Default::default(),
        };
        let when = crate::time::Time::new(at(step.minute), ctx.clock.tz()).in_tz(ctx.clock.tz());
        // The story spans two days: each day's steps start under its date, so the clock times
        // read in order.
        if day != Some(when.date()) {
            day = Some(when.date());
            writeln!(ctx.out, "{}", when.strftime("%A %Y-%m-%d"))?;
        }
        let clock = when.strftime("%H:%M");
        if step.args.is_empty() {
            writeln!(
                ctx.out,
                "{clock} {:<6} (edits postmortem.md: fills in every section, sets status: in-review, commits)",
                step.by
            )?;
            write_postmortem(&dir, at(step.minute))?;
            continue;
        }
        writeln!(
            ctx.out,
            "{clock} {:<6} $ inc {}",
            step.by,
            shell_words(&step.args)
        )?;
        let mut output = Vec::new();
        crate::run(&step.args, &env, &mut output)
            .with_context(|| format!("demo step `inc {}` failed", step.args.join(" ")))?;
        let output = String::from_utf8_lossy(&output);
        if let Some(rest) = output
            .split("change ")
            .nth(1)
            .filter(|_| step.args[0] == "change")
        {
            change_id = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
        for line in output.lines() {
            writeln!(ctx.out, "               {line}")?;
        }
    }
    commit_reports(&dir, at(1563))?;
    writeln!(
        ctx.out,
        "\nThe demo repository is {dir}. The reports are in {dir}/reports/ (open internal.html in a browser), the website of the incident history in {dir}/site/ and the public status page in {dir}/status/ (open index.html).\nLook around:\n  cd {dir}\n  inc show\n  inc list --all\n  inc report --template tactical\n  git log --oneline",
        dir = dir.display()
    )?;
    Ok(())
}

/// Commits the rendered reports and the site, as the scribe would to share them.
fn commit_reports(dir: &std::path::Path, when: Timestamp) -> Result<()> {
    fn files(dir: &std::path::Path, paths: &mut Vec<std::path::PathBuf>) -> Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                files(&path, paths)?;
            } else {
                paths.push(path);
            }
        }
        Ok(())
    }
    let mut paths = Vec::new();
    files(&dir.join("reports"), &mut paths)?;
    files(&dir.join("site"), &mut paths)?;
    files(&dir.join("status"), &mut paths)?;
    paths.sort();
    let repo = crate::git::open(dir)?;
    crate::git::commit_paths(
        &repo,
        &paths,
        "reports: the outage reports and the site",
        when,
        "erin",
    )?;
    Ok(())
}

/// Arguments quoted the way a shell would need them, for the transcript.
fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.,:/+".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''").replace('\n', "\\n"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

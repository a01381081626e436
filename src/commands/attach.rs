//! `inc attach`: copy a file (a graph, a screenshot, a log excerpt) into the incident and log it.

use std::fs::OpenOptions;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::Kind;
use crate::store::{ATTACHMENTS_DIR, attachment_name};

/// Copy a file into the incident's attachments/ and log an entry that links it
///
/// The copy gets a safe name (lower case, dashes, the extension kept) and never replaces an
/// earlier attachment (-2, -3 … are added). The file and the entry are one commit. Attachments are
/// internal unless --public: public (customer) reports show only public ones.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc attach ~/Downloads/grafana-p99.png --note \"p99 latency during the failover\"
  inc attach /tmp/api-errors.log
  inc attach status-page.png --public")]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The file to attach
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// What the file shows, for the logbook and the reports
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    /// Customers may see it: public reports list it (and its logbook entry is not internal)
    #[arg(long)]
    pub public: bool,

    /// When it was taken or happened [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    // The path is the user's, as they typed it: relative to -C when given, like git.
    let base = match &ctx.global.chdir {
        Some(dir) => ctx.env.cwd.join(dir),
        None => ctx.env.cwd.clone(),
    };
    let source = base.join(&args.file);
    let store = ctx.store()?;
    let max = store.config().attachments.max_size;
    let bytes = read_source(&source, &args.file, max.0, &store.config().incidents_dir)?;
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;

    let dir = store.incident_dir(&id).join(ATTACHMENTS_DIR);
    crate::store::refuse_links(store.root(), &dir)?;
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::state(format!(
            "{} is not a directory: move it away so inc can keep attachments there",
            store.display(&dir)
        ))
        .into());
    }
    let name = attachment_name(&dir, &args.file)?;
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    // A type a browser could run (HTML, SVG …) is named, not linked: reports never link it.
    let published = crate::store::attachment_type(&name).is_published();
    let shown = if published {
        format!("[{name}]({ATTACHMENTS_DIR}/{name})")
    } else {
        name.clone()
    };
    let text = match note {
        Some(note) => format!("Attached {shown}: {note}"),
        None => format!("Attached {shown}"),
    };
    let mut entry = ctx.entry(at, &by, Kind::Event, text);
    entry.internal = !args.public;
    entry.public = args.public;
    entry.attachment = Some(name.clone());
    let mut entries = [entry];
    // The logbook is checked before anything is written.
    let timeline = store.prepare_append(&id, &mut entries, ctx.id_seed())?;
    match std::fs::create_dir(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            return Err(e).with_context(|| format!("cannot create {}", store.display(&dir)));
        }
        _ => {}
    }
    let path = dir.join(&name);
    store.write_file(&path, &bytes)?;
    let timeline = timeline.write()?;
    let [entry] = entries;
    ctx.commit(
        &store,
        &[path.clone(), timeline],
        &format!("{id}: attach {name}"),
    )?;
    ctx.recorded(&store, &id, Some(&entry));
    let public = if args.public { " (public)" } else { "" };
    writeln!(
        ctx.out,
        "{id}: attached {}{public}, logged {}{}",
        store.display(&path),
        entry.id,
        note.map(|n| format!(": {}", one_line(n, 60)))
            .unwrap_or_default()
    )?;
    if !published {
        crate::eprintln_escaped!(
            "note: reports name {name} without a link and inc site does not copy it (a browser could run its type; only pictures, text, PDF, CSV and JSON are published)"
        );
    }
    Ok(())
}

/// The file's bytes, refused when it is not a regular file or is larger than `max`. The path
/// is the user's own choice, so a link there is followed; a FIFO is not waited on.
fn read_source(path: &Path, shown: &Path, max: u64, incidents_dir: &str) -> Result<Vec<u8>> {
    let shown = shown.display();
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Error::usage(format!("cannot read {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::usage(format!("cannot read {shown}: {e}")))?;
    if meta.is_dir() {
        return Err(Error::usage(format!(
            "{shown} is a directory: attach files one by one (or an archive of them)"
        ))
        .into());
    }
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "{shown} is not a regular file: attach a file (save what it holds to one first)"
        ))
        .into());
    }
    let too_big = |size: u64| -> anyhow::Error {
        Error::usage(format!(
            "{shown} is {}, more than attachments.max_size ({}) allows: keep large files in Git LFS (`git lfs track \"{incidents_dir}/*/attachments/*\"`, see docs/format.md), or raise max_size in .inc.yaml",
            crate::model::config::Size(size),
            crate::model::config::Size(max)
        ))
        .into()
    };
    if meta.len() > max {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    (&file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read {shown}: {e}")))?;
    // It grew while being read.
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

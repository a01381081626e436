//! `inc report`: render a report of an incident from a template.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::report::{self, Context, Options, PublicContext, PublicOptions};
use crate::store::{Loaded, Store, write_atomic};

/// Render a report: internal, external, summary, comms, update or tactical (or your own template)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc report\n  inc report --template external --html -o checkout.html\n  inc report --template update --audience customers --context | jq .incident"
)]
pub struct Args {
    #[command(flatten)]
    pub pager: crate::cli::args::PagerArg,

    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    /// A built-in template, one in .inc/templates/NAME.md, or a path to a template file
    #[arg(
        long,
        short,
        value_name = "NAME|PATH",
        default_value = "internal",
        add = crate::cli::complete::templates()
    )]
    pub template: String,

    /// Who the report is for (the update template needs it); customers get a public report
    #[arg(long, value_name = "AUDIENCE", add = crate::cli::complete::audiences())]
    pub audience: Option<String>,

    /// Write a standalone HTML page instead of Markdown
    #[arg(long)]
    pub html: bool,

    /// Build it from the public model, as customers may read it (the `external` template, and
    /// any report for a public audience, always are)
    #[arg(long)]
    pub public: bool,

    /// Print the JSON the template sees (for this template and audience) instead of the report:
    /// for writing templates
    #[arg(long, conflicts_with = "html")]
    pub context: bool,

    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let audience = args
        .audience
        .as_deref()
        .map(|a| store.config().audience(a))
        .transpose()?;
    if args.template == "update" && audience.is_none() {
        return Err(Error::usage(format!(
            "the update template drafts an update for one audience: add --audience ({})",
            store.config().audiences.join(", ")
        ))
        .into());
    }
    let template = report::find(store.root(), &args.template)?;
    let zone = store.config().report_zone()?;
    let id = ctx.incident(&store, None)?;
    let loaded = Loaded::load(&store, &id)?;
    let config = store.config();
    let public =
        crate::public::is_public_report(config, &template.name, audience.as_deref(), args.public);
    let attachments_url = args
        .output
        .as_ref()
        .map(|path| attachments_url(&ctx.start_dir().join(path), &store.incident_dir(&id)));
    // A public report links its attachments beside itself (`attachments/NAME`), where they are
    // copied when it is written to a file: a path into the repository names the incident's id.
    let mut published: Vec<(String, String)> = Vec::new();
    let value = if public {
        let (incident, _) = crate::public::Incident::of_one(&store, &loaded, &ctx.clock)?;
        published = incident
            .attachments
            .iter()
            .map(|a| (a.file.clone(), a.name.clone()))
            .collect();
        let options = PublicOptions {
            audience,
            attachments_url: None,
        };
        PublicContext::new(&incident, &config.timezone, &ctx.clock, options).into_value()
    } else {
        let options = Options {
            authors: Vec::new(),
            audience,
            attachments_url,
        };
        Context::new(&loaded, config, &ctx.clock, options).into_value()
    };
    let mut text = if args.context {
        context_json(&value)?
    } else {
        report::render(&template, value, &zone)?
    };
    // An HTML template always makes a page (sanitized, in inc's shell); --html makes one of a
    // Markdown report.
    if !args.context && (args.html || template.is_html()) {
        text = report::to_page(&template, &text);
    }
    match &args.output {
        Some(path) => {
            let path = ctx.start_dir().join(path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            write_atomic(&path, text.as_bytes())?;
            if !args.context {
                copy_attachments(&store, &id, &published, &path)?;
            }
        }
        None => ctx.out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Copies the attachments of incident `id` that may be published, as (file, name it is
/// published under), into `attachments/` beside the report written to `output`, for its links.
fn copy_attachments(
    store: &Store,
    id: &str,
    files: &[(String, String)],
    output: &Path,
) -> Result<()> {
    let dir = output
        .parent()
        .unwrap_or(Path::new("."))
        .join(crate::store::ATTACHMENTS_DIR);
    for (file, name) in files {
        let Some(bytes) = store.published_attachment(id, file) else {
            continue;
        };
        std::fs::create_dir_all(&dir)?;
        write_atomic(&dir.join(name), &bytes)?;
    }
    Ok(())
}

/// The template's context as pretty JSON, as `--context` prints it.
fn context_json(value: &minijinja::Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// How a report written to `output` links to the incident's attachments: the path from the
/// report's directory to the incident's `attachments/`, so the pictures show when the report is
/// opened where it was written. (Printed reports link relative to the incident's directory.)
fn attachments_url(output: &Path, incident_dir: &Path) -> String {
    let dir = output.parent().unwrap_or(Path::new("/"));
    let from = real_path(dir);
    let to = real_path(incident_dir).join(crate::store::ATTACHMENTS_DIR);
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        return String::new();
    }
    let path = parts.join("/");
    format!("{}/", report::percent_encode(&path))
}

/// `path` with links resolved as far as it exists (the report's directory may not exist yet).
fn real_path(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut at = path;
    loop {
        if let Ok(real) = at.canonicalize() {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                at = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

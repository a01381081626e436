//! Rendering templates (the post-mortem scaffold, reports): data in, text out.
//!
//! Built-in templates live in `templates/` and are compiled into the binary. A repository
//! overrides or adds templates in `.inc/templates/NAME.md`; a path names any file. Templates are
//! minijinja (Jinja syntax); unknown variables are errors, so a typo in a template is reported with
//! the template's name and line instead of rendering as blank.

use std::path::{Path, PathBuf};

use jiff::SignedDuration;
use jiff::tz::TimeZone;
use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::error::Error;
use crate::model::log::sorted;
use crate::model::{Milestone, TimelineEntry};
use crate::time::{Time, format_duration};
use crate::views::{CommsView, EntryView, IncidentView, Loaded, Roles};

/// Templates compiled into the binary: (name, file name, source).
const BUILT_IN: &[(&str, &str, &str)] = &[(
    "postmortem",
    "postmortem.md",
    include_str!("../templates/postmortem.md"),
)];

/// Where a repository keeps its own templates.
pub const REPO_TEMPLATES: &str = ".inc/templates";

/// A template's source and the name it is known by (its file name decides HTML escaping).
pub struct Template {
    pub name: String,
    pub source: String,
    /// The file it came from; `None` for a built-in one.
    pub path: Option<PathBuf>,
}

/// Finds a template: a path (contains `/` or ends in `.md`/`.html`), else `.inc/templates/NAME.md`
/// in the repository, else the built-in NAME.
pub fn find(root: &Path, name_or_path: &str) -> Result<Template, Error> {
    let looks_like_path = name_or_path.contains('/')
        || name_or_path.ends_with(".md")
        || name_or_path.ends_with(".html");
    if looks_like_path {
        let path = root.join(name_or_path);
        let source = std::fs::read_to_string(&path)
            .map_err(|e| Error::usage(format!("cannot read template {name_or_path}: {e}")))?;
        let name = path.file_name().map_or_else(
            || name_or_path.to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        return Ok(Template {
            name,
            source,
            path: Some(path),
        });
    }
    for ext in ["md", "html"] {
        let path = root
            .join(REPO_TEMPLATES)
            .join(format!("{name_or_path}.{ext}"));
        if let Ok(source) = std::fs::read_to_string(&path) {
            return Ok(Template {
                name: format!("{name_or_path}.{ext}"),
                source,
                path: Some(path),
            });
        }
    }
    BUILT_IN
        .iter()
        .find(|(name, _, _)| *name == name_or_path)
        .map(|(_, file, source)| Template {
            name: file.to_string(),
            source: source.to_string(),
            path: None,
        })
        .ok_or_else(|| {
            let names: Vec<&str> = BUILT_IN.iter().map(|(n, _, _)| *n).collect();
            crate::error::unknown_name("template", name_or_path, &names)
        })
}

/// Renders `template` with `context`. Errors name the template file and line.
pub fn render(
    template: &Template,
    context: &impl Serialize,
    tz: &TimeZone,
) -> Result<String, Error> {
    let mut env = environment(tz.clone());
    let shown = template
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("(built-in) {}", template.name)));
    let error = |err: minijinja::Error| Error::File {
        path: shown.clone(),
        line: err.line().unwrap_or(1) as u64,
        column: 1,
        message: format!(
            "template error: {}",
            err.detail().unwrap_or(&err.kind().to_string())
        ),
    };
    env.add_template_owned(template.name.clone(), template.source.clone())
        .map_err(error)?;
    let tmpl = env.get_template(&template.name).map_err(error)?;
    let mut text = tmpl
        .render(Value::from(minijinja::value::Serde(context)))
        .map_err(error)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The template environment: strict about unknown variables, with inc's filters.
fn environment(tz: TimeZone) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    let zone = tz.clone();
    env.add_filter("time", move |v: Value| format_time(&v, &zone, "%H:%M"));
    let zone = tz.clone();
    env.add_filter("date", move |v: Value| format_time(&v, &zone, "%Y-%m-%d"));
    let zone = tz;
    env.add_filter("datetime", move |v: Value| {
        format_time(&v, &zone, "%Y-%m-%d %H:%M")
    });
    env.add_filter("duration", |v: Value| match i64::try_from(v.clone()) {
        Ok(secs) => format_duration(SignedDuration::from_secs(secs)),
        Err(_) => "—".to_string(),
    });
    env.add_filter("cell", |v: String| {
        v.replace('|', "\\|")
            .replace("\r\n", " ")
            .replace('\n', " ")
    });
    env.add_filter("oneline", |v: String, max: Option<usize>| {
        crate::commands::one_line(&v, max.unwrap_or(80))
    });
    env
}

/// A time (RFC 3339 text) in the reader's time zone; `—` for none.
fn format_time(value: &Value, tz: &TimeZone, format: &str) -> String {
    value.as_str().and_then(Time::parse_rfc3339).map_or_else(
        || "—".to_string(),
        |t| t.in_tz(tz).strftime(format).to_string(),
    )
}

/// One line of the summary timeline: a milestone or a key entry.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryItem {
    pub at: Time,
    pub text: String,
    /// The milestone's name, for milestone lines.
    pub milestone: Option<&'static str>,
    pub internal: bool,
}

/// The summary timeline: the milestones and the key entries, in time order.
pub fn summary_timeline(loaded: &Loaded) -> Vec<SummaryItem> {
    let milestones = Milestone::ALL.into_iter().filter_map(|m| {
        loaded.incident.milestones.get(m).map(|at| SummaryItem {
            at,
            text: milestone_text(m).to_string(),
            milestone: Some(m.name()),
            internal: false,
        })
    });
    let key = sorted(&loaded.timeline)
        .into_iter()
        .filter(|e: &&TimelineEntry| e.key)
        .map(|e| SummaryItem {
            at: e.at,
            text: e.text.clone(),
            milestone: None,
            internal: e.internal,
        });
    let mut items: Vec<SummaryItem> = milestones.chain(key).collect();
    items.sort_by_key(|i| i.at);
    items
}

fn milestone_text(milestone: Milestone) -> &'static str {
    match milestone {
        Milestone::Started => "Outage started",
        Milestone::Detected => "Detected",
        Milestone::Acknowledged => "Acknowledged",
        Milestone::Mitigated => "Mitigated",
        Milestone::Resolved => "Resolved",
    }
}

/// Everything a template can use. See docs/templates.md.
#[derive(Serialize)]
pub struct Context<'a> {
    pub incident: IncidentView<'a>,
    pub timeline: Vec<EntryView<'a>>,
    pub summary_timeline: Vec<SummaryItem>,
    pub roles: Roles,
    pub comms: Vec<CommsView<'a>>,
    /// The people writing (the post-mortem's authors).
    pub authors: Vec<String>,
    pub now: Time,
}

impl<'a> Context<'a> {
    pub fn new(
        loaded: &'a Loaded,
        config: &crate::model::Config,
        clock: &crate::time::Clock,
        authors: Vec<String>,
    ) -> Context<'a> {
        Context {
            incident: IncidentView::new(&loaded.id, &loaded.incident, &loaded.roles),
            timeline: sorted(&loaded.timeline)
                .into_iter()
                .map(EntryView::from)
                .collect(),
            summary_timeline: summary_timeline(loaded),
            roles: Roles::new(config, &loaded.incident, &loaded.roles, clock),
            comms: sorted(&loaded.comms)
                .into_iter()
                .map(CommsView::from)
                .collect(),
            authors,
            now: clock.now(),
        }
    }
}

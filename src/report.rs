//! Rendering templates (the post-mortem scaffold, reports): data in, text out.
//!
//! Built-in templates live in `templates/` and are compiled into the binary. A repository
//! overrides or adds templates in `.inc/templates/NAME.md`; a path names any file. Templates are
//! minijinja (Jinja syntax); unknown variables are errors, so a typo in a template is reported with
//! the template's name and line instead of rendering as blank.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use jiff::SignedDuration;
use jiff::tz::TimeZone;
use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::comms::Due;
use crate::model::config::PublicEntries;
use crate::model::{CommsEntry, Config, Kind, Milestone, TimelineEntry};
use crate::names::Names;
use crate::postmortem::{self, Improvement, Issue, Postmortem};
use crate::time::{Clock, Time, format_duration};
use crate::views::{CommsView, EntryView, IncidentView, Loaded, Roles};

/// Templates compiled into the binary: (name, file name, source).
const BUILT_IN: &[(&str, &str, &str)] = &[
    (
        "internal",
        "internal.md",
        include_str!("../templates/internal.md"),
    ),
    (
        "external",
        "external.md",
        include_str!("../templates/external.md"),
    ),
    (
        "summary",
        "summary.md",
        include_str!("../templates/summary.md"),
    ),
    ("comms", "comms.md", include_str!("../templates/comms.md")),
    (
        "update",
        "update.md",
        include_str!("../templates/update.md"),
    ),
    (
        "tactical",
        "tactical.md",
        include_str!("../templates/tactical.md"),
    ),
    (
        "postmortem",
        "postmortem.md",
        include_str!("../templates/postmortem.md"),
    ),
];

/// The names of the built-in report templates (the post-mortem's is not a report).
pub const REPORTS: [&str; 6] = [
    "internal", "external", "summary", "comms", "update", "tactical",
];

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
    // Paths are kept relative to the repository when inside it, for error messages.
    let shown = |path: PathBuf| {
        path.strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or(path)
    };
    if looks_like_path {
        let path = root.join(name_or_path);
        let inside = path.strip_prefix(root).is_ok_and(|rel| {
            rel.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        });
        // A template inside the repository may be a link planted by whoever wrote the
        // repository: it is not followed. One outside was chosen by the user.
        let source = if inside {
            crate::store::read_text(root, &path)
                .map_err(|e| Error::state(format!("cannot read template {name_or_path}: {e:#}")))?
                .ok_or_else(|| {
                    Error::usage(format!(
                        "cannot read template {name_or_path}: it does not exist"
                    ))
                })?
        } else {
            std::fs::read_to_string(&path)
                .map_err(|e| Error::usage(format!("cannot read template {name_or_path}: {e}")))?
        };
        let name = path.file_name().map_or_else(
            || name_or_path.to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        return Ok(Template {
            name,
            source,
            path: Some(shown(path)),
        });
    }
    for ext in ["md", "html"] {
        let path = root
            .join(REPO_TEMPLATES)
            .join(format!("{name_or_path}.{ext}"));
        let found =
            crate::store::read_text(root, &path).map_err(|e| Error::state(format!("{e:#}")))?;
        if let Some(source) = found {
            return Ok(Template {
                name: format!("{name_or_path}.{ext}"),
                source,
                path: Some(shown(path)),
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
pub fn render(template: &Template, context: Value, tz: &TimeZone) -> Result<String, Error> {
    let mut env = environment(tz.clone());
    if template.name.ends_with(".html") {
        env.set_formatter(html_formatter);
    }
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
    let mut text = tmpl.render(context).map_err(error)?;
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
    let zone = tz.clone();
    env.add_filter("datetime", move |v: Value| {
        format_time(&v, &zone, "%Y-%m-%d %H:%M")
    });
    let zone = tz.clone();
    env.add_filter("mermaid_time", move |v: Value| {
        format_time(&v, &zone, "%Y-%m-%dT%H:%M")
    });
    // The same with the zone's abbreviation (`14:32 CET`), for times in prose.
    let zone = tz.clone();
    env.add_filter("time_tz", move |v: Value| {
        format_zoned(&v, &zone, "%H:%M %Z")
    });
    let zone = tz;
    env.add_filter("datetime_tz", move |v: Value| {
        format_zoned(&v, &zone, "%Y-%m-%d %H:%M %Z")
    });
    env.add_filter("code", |v: String| code_span(&v));
    env.add_filter("sentence", |v: String| sentence(&v));
    env.add_filter("quote", |v: String| {
        v.lines()
            .map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
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
        crate::text::one_line(&v, max.unwrap_or(80))
    });
    env
}

/// How an HTML template prints a value: escaped for HTML as usual, and with control characters
/// shown escaped (Markdown reports get the same from [`to_html`]).
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if crate::text::has_unsafe(text) => {
            let text = crate::text::escape_controls(text).into_owned();
            let value = if value.is_safe() {
                Value::from_safe_string(text)
            } else {
                Value::from(text)
            };
            minijinja::escape_formatter(out, state, &value)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// A time (RFC 3339 text) in the reader's time zone; `—` for none.
fn format_time(value: &Value, tz: &TimeZone, format: &str) -> String {
    value.as_str().and_then(Time::parse_rfc3339).map_or_else(
        || "—".to_string(),
        |t| t.in_tz(tz).strftime(format).to_string(),
    )
}

/// A time with its zone's abbreviation (`UTC`, `CET`); `—` for none.
fn format_zoned(value: &Value, tz: &TimeZone, format: &str) -> String {
    value.as_str().and_then(Time::parse_rfc3339).map_or_else(
        || "—".to_string(),
        |t| {
            t.timestamp()
                .to_zoned(tz.clone())
                .strftime(format)
                .to_string()
        },
    )
}

/// `text` as one Markdown code span, whatever backticks it holds: the fence is one backtick longer
/// than the longest run inside.
fn code_span(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Text that ends like a sentence, so a template can put words after it whatever a person typed:
/// trimmed, with a full stop added unless it already ends in punctuation.
fn sentence(text: &str) -> String {
    let text = text.trim();
    match text.chars().last() {
        None => String::new(),
        Some('.' | '!' | '?' | '…' | ':' | ';') => text.to_string(),
        Some(_) => format!("{text}."),
    }
}

/// What `inc exec` logged, read back from its entry (`$ CMD → exit 0 after 2s`), so reports can
/// show the command as a command, or leave it out for readers who have no use for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exec {
    pub command: String,
    /// `exit 0`, `killed by signal 9`, `could not start: …`.
    pub outcome: String,
    /// How long it ran, as inc writes durations (`2s`, `1m`).
    pub took: String,
    /// It exited with status 0.
    pub ok: bool,
}

impl Exec {
    pub fn parse(kind: Kind, text: &str) -> Option<Exec> {
        if kind != Kind::Action {
            return None;
        }
        let (command, rest) = text.strip_prefix("$ ")?.rsplit_once(" → ")?;
        let (outcome, took) = rest.rsplit_once(" after ")?;
        Some(Exec {
            command: command.to_string(),
            ok: outcome == "exit 0",
            outcome: outcome.to_string(),
            took: took.to_string(),
        })
    }
}

/// A logbook entry as report templates see it: the entry, and what `inc exec` ran if it is one.
#[derive(Serialize)]
pub struct ReportEntry<'a> {
    #[serde(flatten)]
    pub entry: EntryView<'a>,
    pub exec: Option<Exec>,
}

impl<'a> From<&'a TimelineEntry> for ReportEntry<'a> {
    fn from(e: &'a TimelineEntry) -> Self {
        ReportEntry {
            entry: EntryView::from(e),
            exec: Exec::parse(e.kind, &e.text),
        }
    }
}

/// Report order: by time, then by text, so entries logged in the same minute read the same on
/// every clone (files order them by id, which is random).
fn report_order(entries: &[TimelineEntry]) -> Vec<&TimelineEntry> {
    let mut sorted: Vec<&TimelineEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| (a.at, &a.text).cmp(&(b.at, &b.text)));
    sorted
}

/// A severity the incident had from a time: its opening severity, then each `inc sev`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeverityChange {
    pub at: Time,
    /// The severity before; none for the one it was opened with.
    pub from: Option<String>,
    pub to: String,
}

/// The severity history, read from the status entries `inc open` and `inc sev` write.
fn severity_changes(timeline: &[TimelineEntry]) -> Vec<SeverityChange> {
    report_order(timeline)
        .into_iter()
        .filter(|e| e.kind == Kind::Status)
        .filter_map(|e| {
            if let Some(change) = e.text.strip_prefix("Severity ") {
                let (from, to) = change.split_once(" → ")?;
                return Some(SeverityChange {
                    at: e.at,
                    from: Some(from.trim().to_string()),
                    to: to.trim().to_string(),
                });
            }
            let (_, severity) = e.text.strip_prefix("Opened ")?.rsplit_once(" as ")?;
            Some(SeverityChange {
                at: e.at,
                from: None,
                to: severity.trim().to_string(),
            })
        })
        .collect()
}

/// The update cadence of the incident's severity, in whole seconds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CadenceView {
    pub min: i64,
    pub max: i64,
}

/// One line of the summary timeline: a milestone or a key entry.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryItem {
    pub at: Time,
    pub text: String,
    /// The milestone's name, for milestone lines.
    pub milestone: Option<&'static str>,
    pub internal: bool,
    /// For an `inc exec` entry: what ran.
    pub exec: Option<Exec>,
}

/// The summary timeline: the milestones and the key entries, in time order.
pub fn summary_timeline(loaded: &Loaded) -> Vec<SummaryItem> {
    timeline_with_milestones(loaded, |e| e.key)
}

/// The milestones and the entries `keep` selects, by time; at the same time the milestones come
/// first, in lifecycle order, then the entries by text.
fn timeline_with_milestones(
    loaded: &Loaded,
    keep: impl Fn(&TimelineEntry) -> bool,
) -> Vec<SummaryItem> {
    let milestones = Milestone::ALL.into_iter().filter_map(|m| {
        loaded.incident.milestones.get(m).map(|at| SummaryItem {
            at,
            text: milestone_text(m).to_string(),
            milestone: Some(m.name()),
            internal: false,
            exec: None,
        })
    });
    let entries = loaded
        .timeline
        .iter()
        .filter(|e| keep(e))
        .map(|e| SummaryItem {
            at: e.at,
            text: e.text.clone(),
            milestone: None,
            internal: e.internal,
            exec: Exec::parse(e.kind, &e.text),
        });
    let rank = |i: &SummaryItem| {
        i.milestone
            .and_then(|name| Milestone::ALL.iter().position(|m| m.name() == name))
            .unwrap_or(Milestone::ALL.len())
    };
    let mut items: Vec<SummaryItem> = milestones.chain(entries).collect();
    items.sort_by(|a, b| (a.at, rank(a), &a.text).cmp(&(b.at, rank(b), &b.text)));
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
    /// Every logbook entry, sorted by time then text (public reports: only the entries the
    /// `public_entries` policy lets customers see).
    pub timeline: Vec<ReportEntry<'a>>,
    pub summary_timeline: Vec<SummaryItem>,
    /// The stretches between milestones: undetected, detected until mitigated, mitigated until
    /// resolved (only those whose ends are known).
    pub phases: Vec<Phase>,
    pub roles: Roles,
    pub comms: Vec<CommsView<'a>>,
    /// Per audience, when the next update is due (while open).
    pub comms_due: Vec<Due>,
    pub pending_changes: Vec<EntryView<'a>>,
    pub postmortem: Option<PostmortemContext<'a>>,
    /// The audience a report is for (`--audience`), if any.
    pub audience: Option<String>,
    /// When the next update to `audience` is due, if one is.
    pub next_update: Option<Due>,
    /// The people writing (the post-mortem's authors).
    pub authors: Vec<String>,
    /// A report for the public: no internal entries, no names, no roles.
    pub public: bool,
    pub now: Time,
    /// The zone every time is shown in (`timezone` in .inc.yaml), e.g. `UTC`.
    pub timezone: String,
    /// The severity's update cadence (`cadence` in .inc.yaml).
    pub cadence: CadenceView,
    /// While the incident is open: when the update after one sent now is due (now + the
    /// cadence's max), the time an update draft promises.
    pub next_update_by: Option<Time>,
    /// The severity it was opened with, then every change.
    pub severity_changes: Vec<SeverityChange>,
}

/// A stretch of the incident between two milestones.
#[derive(Clone, Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub from: Time,
    pub to: Time,
    /// Whole seconds.
    pub duration: i64,
}

/// The post-mortem as templates see it.
#[derive(Serialize)]
pub struct PostmortemContext<'a> {
    pub status: &'static str,
    pub authors: &'a [String],
    pub issues: &'a [Issue],
    pub improvements: Cow<'a, [Improvement]>,
    /// Section bodies (Markdown, without the template's guidance) by name in snake case:
    /// summary, impact, root_cause, trigger, detection, resolution, timeline, statistics, issues,
    /// improvements, lessons. Every one of these is present, `""` when empty or missing.
    pub sections: BTreeMap<String, &'a str>,
    /// The required sections postmortem.md has no heading for, by name in snake case.
    pub missing: Vec<String>,
}

/// The post-mortem sections a public report may show.
const PUBLIC_SECTIONS: [&str; 3] = ["summary", "impact", "resolution"];

/// A section's name in templates: its title in snake case.
fn section_key(title: &str) -> String {
    title.to_lowercase().replace(' ', "_")
}

impl<'a> PostmortemContext<'a> {
    fn new(pm: &'a Postmortem) -> Self {
        let mut sections: BTreeMap<String, &str> = pm
            .sections
            .iter()
            // A section with only sub-headings (Lessons' three) has nothing to show.
            .map(|s| {
                let body = if s.empty { "" } else { s.body.as_str() };
                (section_key(&s.title), body)
            })
            .collect();
        // A section someone deleted must not make every template that uses it fail.
        for title in postmortem::SECTIONS {
            sections.entry(section_key(title)).or_insert("");
        }
        PostmortemContext {
            status: pm.front.status.name(),
            authors: &pm.front.authors,
            issues: &pm.issues,
            improvements: Cow::Borrowed(&pm.improvements),
            sections,
            missing: pm.missing().into_iter().map(section_key).collect(),
        }
    }

    /// What a public report may know of the post-mortem: its status, the public sections, and
    /// each improvement's action, type and whether it is done.
    fn public(pm: &'a Postmortem) -> Self {
        let mut context = PostmortemContext::new(pm);
        context.authors = &[];
        context.issues = &[];
        context.improvements = pm
            .improvements
            .iter()
            .map(|i| Improvement {
                owner: None,
                due: None,
                reference: None,
                unknown: Vec::new(),
                ..i.clone()
            })
            .collect();
        context.sections.retain(|key, _| {
            postmortem::SECTIONS
                .iter()
                .any(|title| section_key(title) == *key)
        });
        for (key, body) in context.sections.iter_mut() {
            if !PUBLIC_SECTIONS.contains(&key.as_str()) {
                *body = "";
            }
        }
        context.missing.clear();
        context
    }
}

/// What a report is rendered for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub authors: Vec<String>,
    pub audience: Option<String>,
    pub public: bool,
}

/// Kinds of entries a public report may show: what happened, not how the team organised itself.
const PUBLIC_KINDS: [Kind; 7] = [
    Kind::Event,
    Kind::Action,
    Kind::Decision,
    Kind::Observation,
    Kind::Detection,
    Kind::Milestone,
    Kind::Status,
];

impl<'a> Context<'a> {
    pub fn new(
        loaded: &'a Loaded,
        config: &Config,
        clock: &Clock,
        options: Options,
    ) -> Context<'a> {
        let public = options.public;
        if public {
            return Context::public(loaded, config, clock, options);
        }
        let comms_due = loaded.due(config, clock);
        let next_update = options
            .audience
            .as_ref()
            .and_then(|a| comms_due.iter().find(|d| &d.audience == a).cloned());
        Context {
            incident: IncidentView::new(&loaded.id, &loaded.incident, &loaded.roles, config),
            timeline: report_order(&loaded.timeline)
                .into_iter()
                .map(ReportEntry::from)
                .collect(),
            summary_timeline: summary_timeline(loaded),
            phases: phases(&loaded.incident.milestones),
            roles: Roles::new(config, &loaded.incident, &loaded.roles, clock),
            comms: comms_order(&loaded.comms)
                .into_iter()
                .map(CommsView::from)
                .collect(),
            comms_due,
            pending_changes: loaded
                .pending_changes()
                .into_iter()
                .map(EntryView::from)
                .collect(),
            postmortem: loaded.postmortem.as_ref().map(PostmortemContext::new),
            audience: options.audience,
            next_update,
            authors: options.authors,
            public,
            now: clock.now(),
            timezone: config.timezone.trim().to_string(),
            cadence: cadence(config, &loaded.incident.severity),
            next_update_by: loaded
                .incident
                .status
                .is_open()
                .then(|| clock.now() + config.cadence_for(&loaded.incident.severity).max.0),
            severity_changes: severity_changes(&loaded.timeline),
        }
    }

    /// The context of a public report, built from the public part of the incident only, so no
    /// template can show what was left behind: no internal entries, no entries about how the team
    /// organised itself, no updates to other audiences, no pending changes, no roles, tags or
    /// links, and of the post-mortem only its summary, impact, resolution and the improvements'
    /// actions. The fields keep their shape (empty where nothing is public), so one template can
    /// render both kinds of report.
    fn public(loaded: &'a Loaded, config: &Config, clock: &Clock, options: Options) -> Context<'a> {
        let audience = options.audience;
        let policy = config.public_entries;
        let for_audience = |name: &str| audience.as_deref() == Some(name);
        let mut comms_due = loaded.due(config, clock);
        comms_due.retain(|d| for_audience(&d.audience));
        let mut incident = IncidentView::new(&loaded.id, &loaded.incident, &[], config);
        incident.tags = &[];
        incident.links = &[];
        incident.roles.clear();
        Context {
            incident,
            timeline: report_order(&loaded.timeline)
                .into_iter()
                .filter(|e| public_entry(e, policy))
                .map(|e| {
                    let report = ReportEntry::from(e);
                    ReportEntry {
                        entry: EntryView {
                            by: NAME_REPLACEMENT,
                            reference: None,
                            ..report.entry
                        },
                        ..report
                    }
                })
                .collect(),
            summary_timeline: timeline_with_milestones(loaded, |e| public_entry(e, policy)),
            phases: phases(&loaded.incident.milestones),
            roles: Roles::new(config, &loaded.incident, &[], clock),
            comms: comms_order(&loaded.comms)
                .into_iter()
                .filter(|c| for_audience(&c.audience))
                .map(|c| CommsView {
                    by: NAME_REPLACEMENT,
                    ..CommsView::from(c)
                })
                .collect(),
            next_update: comms_due.first().cloned(),
            comms_due,
            pending_changes: Vec::new(),
            postmortem: loaded.postmortem.as_ref().map(PostmortemContext::public),
            audience,
            authors: Vec::new(),
            public: true,
            now: clock.now(),
            timezone: config.timezone.trim().to_string(),
            cadence: cadence(config, &loaded.incident.severity),
            next_update_by: loaded
                .incident
                .status
                .is_open()
                .then(|| clock.now() + config.cadence_for(&loaded.incident.severity).max.0),
            severity_changes: severity_changes(&loaded.timeline),
        }
    }

    /// The context as a template value. A public context loses every field that names people
    /// (`by`, `owner`, `person`, `authors`, roles), and every name that appears in the
    /// incident's files is replaced in all text, so no template can print one.
    pub fn into_value(self, people: &[String]) -> Value {
        if !self.public {
            return Value::from(minijinja::value::Serde(self));
        }
        let mut json = serde_json::to_value(&self).expect("contexts serialize");
        scrub(&mut json, &Names::new(people));
        Value::from(minijinja::value::Serde(json))
    }
}

/// Whether a public report may show an entry: never an internal one, only kinds that say what
/// happened, and, by the repository's policy, only key entries or all of them.
fn public_entry(e: &TimelineEntry, policy: PublicEntries) -> bool {
    !e.internal && PUBLIC_KINDS.contains(&e.kind) && (e.key || policy == PublicEntries::All)
}

/// Updates by time, then audience and message, the same on every clone.
fn comms_order(comms: &[CommsEntry]) -> Vec<&CommsEntry> {
    let mut sorted: Vec<&CommsEntry> = comms.iter().collect();
    sorted.sort_by(|a, b| (a.at, &a.audience, &a.message).cmp(&(b.at, &b.audience, &b.message)));
    sorted
}

fn cadence(config: &Config, severity: &str) -> CadenceView {
    let cadence = config.cadence_for(severity);
    CadenceView {
        min: cadence.min.0.as_secs(),
        max: cadence.max.0.as_secs(),
    }
}

/// The phases between known milestones, in order.
fn phases(m: &crate::model::Milestones) -> Vec<Phase> {
    let until_mitigated = m.mitigated.or(m.resolved);
    [
        ("Undetected", m.started, m.detected),
        ("Detected, not yet mitigated", m.detected, until_mitigated),
        ("Mitigated, not yet resolved", m.mitigated, m.resolved),
    ]
    .into_iter()
    .filter_map(|(name, from, to)| {
        let (from, to) = (from?, to?);
        (to > from).then(|| Phase {
            name,
            from,
            to,
            duration: to.since(from).as_secs(),
        })
    })
    .collect()
}

/// What replaces a person's name in a public report.
const NAME_REPLACEMENT: &str = "a team member";

/// Removes people from a public context: fields that hold a person (`by`, `owner`, `person`) say
/// "a team member", the authors and the roles are emptied, and names in any text are replaced.
fn scrub(value: &mut serde_json::Value, people: &Names) {
    use serde_json::Value as Json;
    match value {
        Json::String(text) => *text = people.redact(text, NAME_REPLACEMENT),
        Json::Array(items) => items.iter_mut().for_each(|v| scrub(v, people)),
        Json::Object(map) => {
            for (key, field) in map.iter_mut() {
                match (key.as_str(), &field) {
                    ("by" | "owner" | "person", Json::String(_)) => {
                        *field = Json::String(NAME_REPLACEMENT.into());
                    }
                    ("authors", _) => *field = Json::Array(Vec::new()),
                    ("roles", Json::Object(_)) if field.get("history").is_some() => {
                        *field = serde_json::json!({"holders": {}, "history": []});
                    }
                    ("roles", Json::Object(_)) => *field = serde_json::json!({}),
                    _ => scrub(field, people),
                }
            }
        }
        _ => {}
    }
}

/// `text` (in NFC) with every mention of a person replaced; see [`crate::names`] for what a
/// mention is. To redact many texts, compile the names once with [`Names::new`].
pub fn redact(text: &str, people: &[String]) -> String {
    Names::new(people).redact(text, NAME_REPLACEMENT)
}

/// Turns a Markdown report into a standalone HTML page. Raw HTML in the Markdown (which may come
/// from anything a person typed) is shown as text, never rendered, and links other than http(s),
/// mailto and in-page anchors lose their target.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options as MdOptions, Parser, Tag, TagEnd};

    let mut title = String::new();
    let mut in_title = false;
    let events = Parser::new_ext(
        markdown,
        MdOptions::ENABLE_TABLES | MdOptions::ENABLE_TASKLISTS,
    )
    .map(|event| match event {
        // Raw HTML is shown as text, and control characters in any text are shown escaped (in
        // the page's title too, which is taken from these events).
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(escaped(html)),
        Event::Text(text) => Event::Text(escaped(text)),
        Event::Code(code) => Event::Code(escaped(code)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    })
    .inspect(|event| match event {
        Event::Start(Tag::Heading { level, .. })
            if *level == pulldown_cmark::HeadingLevel::H1 && title.is_empty() =>
        {
            in_title = true
        }
        Event::End(TagEnd::Heading(_)) => in_title = false,
        Event::Text(text) | Event::Code(text) if in_title => title.push_str(text),
        _ => {}
    });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, charts(events).into_iter());
    fn escaped(text: CowStr<'_>) -> CowStr<'_> {
        if crate::text::has_unsafe(&text) {
            CowStr::from(crate::text::escape_controls(&text).into_owned())
        } else {
            text
        }
    }
    fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
        let lower = url.trim().to_ascii_lowercase();
        let allowed = ["http://", "https://", "mailto:", "#"]
            .iter()
            .any(|p| lower.starts_with(p))
            || !lower.contains(':');
        if allowed { url } else { CowStr::from("#") }
    }
    let title = escape_html(if title.is_empty() {
        "Incident report"
    } else {
        &title
    });
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
}

/// The events with every Mermaid gantt block inc can draw replaced by its SVG chart (built from
/// escaped text by [`crate::chart`], so it is the one piece of HTML a report lets through).
fn charts<'a>(
    events: impl Iterator<Item = pulldown_cmark::Event<'a>>,
) -> Vec<pulldown_cmark::Event<'a>> {
    use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

    let mut out = Vec::new();
    let mut block: Option<Vec<Event<'a>>> = None;
    let mut drawn = 0;
    for event in events {
        match (&mut block, &event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))))
                if lang.trim() == "mermaid" =>
            {
                block = Some(vec![event]);
            }
            (Some(events), Event::End(TagEnd::CodeBlock)) => {
                let source: String = events
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                match crate::chart::gantt_svg(&source, drawn + 1) {
                    Some(svg) => {
                        drawn += 1;
                        out.push(Event::Html(CowStr::from(svg)));
                    }
                    None => {
                        out.append(events);
                        out.push(event);
                    }
                }
                block = None;
            }
            (Some(events), _) => events.push(event),
            (None, _) => out.push(event),
        }
    }
    out.extend(block.into_iter().flatten());
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A small, readable, printable style; no external resources.
const CSS: &str = "body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; margin: 0; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
blockquote { margin: 0.5rem 0; padding-left: 1rem; border-left: 3px solid #ccc; color: #444; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; }
code { font-size: 0.9em; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
@media print { main { margin: 0; max-width: none; } }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_raw_html_and_neuters_script_links() {
        let page = to_html(
            "# Title <b>x</b>\n\n<script>alert(1)</script>\n\nSee [this](javascript:alert(1)) and <img src=x onerror=alert(1)>.\n",
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(!page.contains("javascript:"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains("<title>Title &lt;b&gt;x&lt;/b&gt;</title>"),
            "{page}"
        );
    }

    #[test]
    fn redact_replaces_whole_names() {
        let people = vec![
            "Carol".to_string(),
            "Carol Git".to_string(),
            "bob".to_string(),
        ];
        assert_eq!(
            redact("CAROL GIT paged Bob; Caroline, git and bobby stay", &people),
            "a team member paged a team member; Caroline, git and bobby stay"
        );
    }
}

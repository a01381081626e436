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
use minijinja::{Environment, State, UndefinedBehavior};

use crate::error::Error;
use crate::time::{Time, format, format_duration};

mod attachments;
mod context;
mod draft;
mod html;
mod public;

pub use crate::model::timeline::SeverityChange;
pub use attachments::{AttachmentView, percent_encode};
pub use context::{
    CadenceView, Context, Exec, Options, Phase, PostmortemContext, ReportEntry, SummaryItem,
    summary_timeline,
};
pub use draft::update_draft;
pub use html::{
    POLICY_START, PageParts, content_security_policy, from_html, sanitize, standalone, to_html,
};
pub use public::{PublicContext, PublicOptions};

/// Templates compiled into the binary: (name, file name, source).
const BUILT_IN: &[(&str, &str, &str)] = &[
    (
        "internal",
        "internal.md",
        include_str!("../../templates/internal.md"),
    ),
    (
        "external",
        "external.md",
        include_str!("../../templates/external.md"),
    ),
    (
        "summary",
        "summary.md",
        include_str!("../../templates/summary.md"),
    ),
    (
        "comms",
        "comms.md",
        include_str!("../../templates/comms.md"),
    ),
    (
        "update",
        "update.md",
        include_str!("../../templates/update.md"),
    ),
    (
        "tactical",
        "tactical.md",
        include_str!("../../templates/tactical.md"),
    ),
    (
        "postmortem",
        "postmortem.md",
        include_str!("../../templates/postmortem.md"),
    ),
];

/// The names of the built-in report templates (the post-mortem's is not a report).
pub const REPORTS: [&str; 6] = [
    "internal", "external", "summary", "comms", "update", "tactical",
];

/// A template's source and the name it is known by (its file name decides HTML escaping).
pub struct Template {
    pub name: String,
    pub source: String,
    /// The file it came from; `None` for a built-in one.
    pub path: Option<PathBuf>,
}

impl Template {
    /// Whether it is an HTML template (its file name ends in `.html`): its values are escaped
    /// for HTML, and its output is sanitized and made a page by [`to_page`].
    pub fn is_html(&self) -> bool {
        self.name.ends_with(".html")
    }
}

/// A rendered report as the standalone HTML page inc writes: an HTML template's output
/// sanitized and wrapped in inc's page (see [`html::from_html`]), a Markdown one converted by
/// [`to_html`]. Both carry the same policy, style and title rule.
pub fn to_page(template: &Template, rendered: &str) -> String {
    if template.is_html() {
        html::from_html(rendered)
    } else {
        to_html(rendered)
    }
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
            .join(crate::store::layout::TEMPLATES_DIR)
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
    if template.is_html() {
        env.set_auto_escape_callback(|_| {
            minijinja::AutoEscape::Custom(std::borrow::Cow::Borrowed(HTML_ESCAPE))
        });
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
    // A clock time alone only for a time on the report's day (`now`, in its zone): over an
    // incident of days, `21:00` must not pass for today's.
    let zone = tz.clone();
    env.add_filter("time", move |state: &State, v: Value| {
        near(state, &v, &zone, Time::near)
    });
    let zone = tz.clone();
    env.add_filter("date", move |v: Value| format_time(&v, &zone, format::DATE));
    let zone = tz.clone();
    env.add_filter("datetime", move |v: Value| {
        format_time(&v, &zone, format::DATE_TIME)
    });
    let zone = tz.clone();
    env.add_filter("mermaid_time", move |v: Value| {
        format_time(&v, &zone, format::GANTT)
    });
    // The same with the zone's abbreviation (`14:32 CET`), for times in prose.
    let zone = tz.clone();
    env.add_filter("time_tz", move |state: &State, v: Value| {
        near(state, &v, &zone, Time::near_tz)
    });
    let zone = tz;
    env.add_filter("datetime_tz", move |v: Value| {
        format_zoned(&v, &zone, format::DATE_TIME_ZONE)
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
    // `5m`, or `detected before impact (signal 2h before)`: never a made-up `0s`.
    env.add_filter("time_to_detect", |durations: Value| {
        let seconds = |key: &str| {
            durations
                .get_attr(key)
                .ok()
                .and_then(|v| i64::try_from(v).ok())
        };
        crate::model::incident::Durations {
            time_to_detect: seconds("time_to_detect"),
            signal_before_impact: seconds("signal_before_impact"),
            ..Default::default()
        }
        .detect_text()
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

/// The auto-escape mode of HTML templates: inc's own, so that every value they print, and
/// minijinja's `escape` filter (`|e`), go through [`html_formatter`].
const HTML_ESCAPE: &str = "inc-html";

/// How an HTML template prints a value: through [`crate::text::escape_markup`], the one escaping
/// rule of every page inc writes (markup escaped, control characters shown as `\u{1b}`), in
/// every auto-escape mode (`{% autoescape false %}` does not turn it off). A value the template
/// itself marked safe (`|safe`, a `{% set %}` block) is printed as it is: it is the template's
/// own markup, and [`to_page`] sanitizes all of it.
fn html_formatter(
    out: &mut minijinja::Output,
    _state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let written = match value.as_str() {
        Some(text) if value.is_safe() => out.write_str(text),
        Some(text) => out.write_str(&crate::text::escape_markup(text)),
        None => out.write_str(&crate::text::escape_markup(&value.to_string())),
    };
    written.map_err(minijinja::Error::from)
}

/// A time (RFC 3339 text) in the reader's time zone; `—` for none.
fn format_time(value: &Value, tz: &TimeZone, format: &str) -> String {
    value.as_str().and_then(Time::parse_rfc3339).map_or_else(
        || "—".to_string(),
        |t| t.in_tz(tz).strftime(format).to_string(),
    )
}

/// A time (RFC 3339 text) as `show` writes it for the day of the template's `now` (the time
/// alone that day, with its date any other); `—` for none. Without a `now`, every time has its
/// date.
fn near(
    state: &State,
    value: &Value,
    tz: &TimeZone,
    show: fn(Time, &TimeZone, jiff::civil::Date) -> String,
) -> String {
    let Some(time) = value.as_str().and_then(Time::parse_rfc3339) else {
        return "—".to_string();
    };
    let today = state
        .lookup("now")
        .and_then(|now| now.as_str().and_then(Time::parse_rfc3339))
        .map_or(jiff::civil::Date::MIN, |now| now.in_tz(tz).date());
    show(time, tz, today)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn render_html(source: &str, context: Value) -> String {
        let template = Template {
            name: "t.html".into(),
            source: source.into(),
            path: None,
        };
        render(&template, context, &TimeZone::UTC).unwrap()
    }

    #[test]
    fn html_templates_print_every_value_through_escape_markup() {
        let text = "<b>'x' & \"y\"</b> a/b \u{1b}[2J \u{9b} \u{202e}\r";
        let context = minijinja::context! { text => text, n => 42 };
        let want = crate::text::escape_markup(text);
        // A plain value, the escape filter, and inside `autoescape false`: one rule.
        for source in [
            "{{ text }}",
            "{{ text | e }}",
            "{{ text | escape }}",
            "{% autoescape false %}{{ text }}{% endautoescape %}",
            "{{ text ~ '' }}",
        ] {
            assert_eq!(
                render_html(source, context.clone()),
                format!("{want}\n"),
                "{source}"
            );
        }
        assert_eq!(render_html("{{ n }}", context.clone()), "42\n");
        // What the template itself marks as markup is its own (the page is sanitized later).
        assert_eq!(
            render_html("{{ '<i>ok</i>' | safe }}", context.clone()),
            "<i>ok</i>\n"
        );
        // Markdown templates print values as they are (their HTML comes from to_html).
        let md = Template {
            name: "t.md".into(),
            source: "{{ text }}".into(),
            path: None,
        };
        assert_eq!(
            render(&md, context, &TimeZone::UTC).unwrap(),
            format!("{text}\n")
        );
    }
}

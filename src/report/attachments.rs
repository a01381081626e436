//! The files `inc attach` copied into an incident, as report templates see them.

use serde::Serialize;

use crate::model::TimelineEntry;
use crate::model::timeline::report_order;
use crate::store::Loaded;
use crate::time::Time;

/// An attached file as templates see it.
#[derive(Clone, Debug, Serialize)]
pub struct AttachmentView {
    /// Its name in the incident's attachments/ directory.
    pub name: String,
    /// Where the report links to it: relative to the incident's directory, or to where the
    /// report is written (`inc report -o`); `""` when it is not `published`.
    pub url: String,
    /// What it shows (`inc attach --note`), `""` when none was given.
    pub note: String,
    pub at: Time,
    /// A picture a browser shows inline (PNG, JPEG, GIF, WebP). SVG is not one: it can carry
    /// script.
    pub image: bool,
    /// Whether a browser may be given it: a picture, or plain text, PDF, CSV or JSON (see
    /// [`crate::store::attachment_type`]). Any other file (HTML, SVG, XML, script, unknown) is
    /// named but never linked, embedded or copied into a site.
    pub published: bool,
}

impl AttachmentView {
    /// The file `name` attached at `at`, linked from `base` when a browser may be given it.
    pub fn new(name: &str, note: &str, at: Time, base: &str) -> AttachmentView {
        let kind = crate::store::attachment_type(name);
        AttachmentView {
            name: name.to_string(),
            url: if kind.is_published() {
                format!("{base}{}", percent_encode(name))
            } else {
                String::new()
            },
            note: note.to_string(),
            at,
            image: kind == crate::store::AttachmentType::Image,
            published: kind.is_published(),
        }
    }
}

/// The attachments the entries `keep` selects, by time, their links starting with `base`.
pub(super) fn attachments(
    loaded: &Loaded,
    base: &str,
    keep: impl Fn(&TimelineEntry) -> bool,
) -> Vec<AttachmentView> {
    report_order(&loaded.timeline)
        .into_iter()
        .filter(|e| keep(e))
        .filter_map(|e| {
            let name = e.attachment.as_deref()?;
            // A hand-edited name that is not a plain file name of attachments/ is not linked.
            if !crate::store::is_attachment_name(name) {
                return None;
            }
            let note = crate::store::attachment_note(&e.text, name);
            Some(AttachmentView::new(name, note, e.at, base))
        })
        .collect()
}

/// `text` with everything but unreserved URL characters and `/` percent-encoded, so a path is
/// one Markdown link destination whatever it holds.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

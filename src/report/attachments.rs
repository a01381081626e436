//! The files `inc attach` copied into an incident, as report templates see them.

use serde::Serialize;

use super::context::report_order;
use crate::model::TimelineEntry;
use crate::time::Time;
use crate::views::Loaded;

/// An attached file as templates see it.
#[derive(Clone, Debug, Serialize)]
pub struct AttachmentView {
    /// Its name in the incident's attachments/ directory.
    pub name: String,
    /// Where the report links to it: relative to the incident's directory, or to where the
    /// report is written (`inc report -o`).
    pub url: String,
    /// What it shows (`inc attach --note`), `""` when none was given.
    pub note: String,
    pub at: Time,
    /// A picture a browser shows inline (PNG, JPEG, GIF, WebP). SVG is not one: it can carry
    /// script, so reports only link to it.
    pub image: bool,
}

impl AttachmentView {
    /// The file `name` attached at `at`, linked from `base`.
    pub fn new(name: &str, note: &str, at: Time, base: &str) -> AttachmentView {
        let ext = name.rsplit_once('.').map(|(_, x)| x.to_ascii_lowercase());
        AttachmentView {
            name: name.to_string(),
            url: format!("{base}{}", percent_encode(name)),
            note: note.to_string(),
            at,
            image: ext.is_some_and(|x| IMAGES.contains(&x.as_str())),
        }
    }
}

/// Extensions of the pictures reports show inline.
const IMAGES: [&str; 5] = ["png", "jpg", "jpeg", "gif", "webp"];

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
            let link = format!("Attached [{name}](attachments/{name})");
            let note = match e.text.strip_prefix(&link) {
                Some(rest) => rest.trim_start_matches(':').trim(),
                None => e.text.as_str(),
            };
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

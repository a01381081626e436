//! The site's Atom feed: an entry per incident and, on a public site, one per update sent to
//! customers. Written with `atom_syndication`, which escapes every text.

use atom_syndication::{Entry as AtomEntry, Feed, FixedDateTime, Link, Person, Text};

use super::{Site, url};
use crate::time::Time;

/// The most entries the feed holds.
const MAX_ENTRIES: usize = 100;

/// The feed as XML. Without `--base-url` links are relative to the feed (readers resolve them
/// against where they fetched it); ids are URNs either way, so they never change with the host.
pub fn atom(site: &Site) -> String {
    let mut entries = Vec::new();
    for e in &site.incidents {
        let mut entry = AtomEntry::default();
        entry.set_title(Text::plain(clean(&format!(
            "[{}] {} ({})",
            e.severity, e.title, e.status
        ))));
        entry.set_id(format!("urn:inc:incident:{}", e.id));
        entry.set_updated(stamp(e.updated));
        entry.set_published(Some(stamp(e.began)));
        entry.set_links(vec![link(&url(site, &e.page))]);
        if !e.summary.trim().is_empty() {
            entry.set_summary(Some(Text::plain(clean(e.summary.trim()))));
        }
        entries.push(entry);
        if site.public {
            for (n, (at, message)) in e.updates.iter().enumerate() {
                let mut update = AtomEntry::default();
                update.set_title(Text::plain(clean(&format!("Update: {}", e.title))));
                update.set_id(format!("urn:inc:incident:{}:update:{}", e.id, n + 1));
                update.set_updated(stamp(*at));
                update.set_links(vec![link(&url(site, &e.page))]);
                update.set_summary(Some(Text::plain(clean(message.trim()))));
                entries.push(update);
            }
        }
    }
    // Newest first, the same bytes for the same data.
    entries.sort_by(|a, b| b.updated().cmp(a.updated()).then(a.id().cmp(b.id())));
    // Readers poll the feed: the newest entries are what it is for, the index has the rest.
    entries.truncate(MAX_ENTRIES);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(clean(&site.title)));
    feed.set_id(format!("urn:inc:site:{}", slug::slugify(&site.title)));
    let updated = site
        .incidents
        .iter()
        .map(|e| e.updated)
        .max()
        .map_or_else(epoch, stamp);
    feed.set_updated(updated);
    feed.set_authors(vec![Person {
        name: site.title.clone(),
        ..Person::default()
    }]);
    let mut own = link(&url(site, "feed.xml"));
    own.set_rel("self");
    feed.set_links(vec![own, link(&url(site, "index.html"))]);
    feed.set_entries(entries);
    let bytes = feed
        .write_to(Vec::new())
        .expect("writing to memory cannot fail");
    let mut text = String::from_utf8(bytes).expect("the feed is UTF-8");
    text.push('\n');
    text
}

fn link(href: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link
}

fn stamp(time: Time) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&time.to_string()).unwrap_or_else(|_| epoch())
}

fn epoch() -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339("1970-01-01T00:00:00Z").expect("a valid time")
}

/// Text XML 1.0 can hold: control characters other than line breaks and tabs dropped.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

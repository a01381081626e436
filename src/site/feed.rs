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
    // Readers poll the feed: the newest entries are what it is for, the index has the rest.
    // Chosen before any is built (newest first, then by id: the same bytes for the same data), so
    // a site of 20,000 incidents builds a hundred.
    let mut chosen: Vec<(Time, String, &super::Entry, Option<usize>)> = Vec::new();
    for e in &site.incidents {
        chosen.push((e.updated, format!("urn:inc:incident:{}", e.id), e, None));
        if site.public {
            for (n, update) in e.updates.iter().enumerate() {
                let id = format!("urn:inc:incident:{}:update:{}", e.id, n + 1);
                chosen.push((update.at, id, e, Some(n)));
            }
        }
    }
    chosen.sort_by(|a, b| {
        b.0.timestamp()
            .cmp(&a.0.timestamp())
            .then_with(|| a.1.cmp(&b.1))
    });
    chosen.truncate(MAX_ENTRIES);
    let entries: Vec<AtomEntry> = chosen
        .into_iter()
        .map(|(updated, id, e, update)| {
            let mut entry = AtomEntry::default();
            entry.set_id(id);
            entry.set_updated(stamp(updated));
            entry.set_links(vec![link(&url(site, &e.page))]);
            match update {
                None => {
                    entry.set_title(Text::plain(clean(&format!(
                        "[{}] {} ({})",
                        e.severity, e.title, e.status
                    ))));
                    entry.set_published(Some(stamp(e.began)));
                    if !e.summary.trim().is_empty() {
                        entry.set_summary(Some(Text::plain(clean(e.summary.trim()))));
                    }
                }
                Some(n) => {
                    entry.set_title(Text::plain(clean(&format!("Update: {}", e.title))));
                    let message = &e.updates[n].text;
                    entry.set_summary(Some(Text::plain(clean(message.trim()))));
                }
            }
            entry
        })
        .collect();
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

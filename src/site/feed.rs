//! The site's Atom feeds, to subscribe to: one for everything, and one per service with only
//! what hit it. Each holds an entry per incident, per update to a public audience (public sites),
//! per maintenance window and per update about one; the newest hundred. Written with
//! `atom_syndication`, which escapes every text.
//!
//! Entry ids are unique to the site and stable: under `--base-url` the address of what they are
//! about, else URNs under an id of the repository ([`Site::id_base`]), so that two sites never
//! share an id a reader would take for the same entry; an update is named by its own id, not by
//! its place (a backdated one would renumber the rest). Without `--base-url`, links are relative
//! to the feed, so a service's feed (in `feeds/`) goes one directory up.

use std::collections::BTreeSet;

use atom_syndication::{Entry as AtomEntry, Feed, FixedDateTime, Link, Person, Text};

use super::{Entry, Site, url};
use crate::public::Maintenance;
use crate::time::Time;

/// The most entries a feed holds.
const MAX_ENTRIES: usize = 100;

/// What an entry of the feed is about.
enum About<'a> {
    Incident(&'a Entry),
    Update(&'a Entry, usize),
    Window(&'a Maintenance),
    WindowUpdate(&'a Maintenance, usize),
}

/// The feed of the whole site (`service` None), or of one service, as XML. Without
/// `--base-url` links are relative to the feed (readers resolve them against where they fetched
/// it).
pub fn atom(site: &Site, service: Option<&str>) -> String {
    let hits = |services: &[String]| {
        service.is_none_or(|name| services.iter().any(|s| s.eq_ignore_ascii_case(name)))
    };
    // Readers poll the feed: the newest entries are what it is for, the index has the rest.
    // Chosen before any is built (newest first, then by id: the same bytes for the same data), so
    // a site of 20,000 incidents builds a hundred.
    let mut chosen: Vec<(Time, String, About)> = Vec::new();
    for e in site.incidents.iter().filter(|e| hits(&e.services)) {
        let page = e.page.as_str();
        chosen.push((
            e.updated,
            id(site, page, "", &format!("incident:{}", e.id)),
            About::Incident(e),
        ));
        if site.public {
            for (n, update) in e.updates.iter().enumerate() {
                chosen.push((
                    update.at,
                    id(
                        site,
                        page,
                        &format!("#update-{}", update.id),
                        &format!("incident:{}:update:{}", e.id, update.id),
                    ),
                    About::Update(e, n),
                ));
            }
        }
    }
    for m in site.maintenance.iter().filter(|m| hits(&m.services)) {
        chosen.push((
            m.updated(),
            id(
                site,
                "index.html",
                &format!("#maintenance-{}", m.id),
                &format!("maintenance:{}", m.id),
            ),
            About::Window(m),
        ));
        for (n, update) in m.updates.iter().enumerate() {
            chosen.push((
                update.at,
                id(
                    site,
                    "index.html",
                    &format!("#maintenance-{}-update-{}", m.id, update.id),
                    &format!("maintenance:{}:update:{}", m.id, update.id),
                ),
                About::WindowUpdate(m, n),
            ));
        }
    }
    chosen.sort_by(|a, b| {
        b.0.timestamp()
            .cmp(&a.0.timestamp())
            .then_with(|| a.1.cmp(&b.1))
    });
    chosen.truncate(MAX_ENTRIES);
    let zone = &site.zone;
    let up = if service.is_some() && site.base_url.is_none() {
        "../"
    } else {
        ""
    };
    let href = |page: &str| format!("{up}{}", url(site, page));
    let entries: Vec<AtomEntry> = chosen
        .into_iter()
        .map(|(updated, id, about)| {
            let mut entry = AtomEntry::default();
            entry.set_id(id);
            entry.set_updated(stamp(updated));
            match about {
                About::Incident(e) => {
                    entry.set_links(vec![link(&href(&e.page))]);
                    entry.set_title(Text::plain(clean(&format!(
                        "[{}] {} ({})",
                        e.severity, e.title, e.status
                    ))));
                    entry.set_published(Some(stamp(e.began)));
                    if !e.summary.trim().is_empty() {
                        entry.set_summary(Some(Text::plain(clean(e.summary.trim()))));
                    }
                }
                About::Update(e, n) => {
                    entry.set_links(vec![link(&href(&e.page))]);
                    let update = &e.updates[n];
                    entry.set_title(Text::plain(clean(&format!(
                        "{}: {}",
                        crate::text::capitalized(&update.status),
                        e.title
                    ))));
                    entry.set_summary(Some(Text::plain(clean(update.text.trim()))));
                }
                About::Window(m) => {
                    entry.set_links(vec![link(&format!(
                        "{}#maintenance-{}",
                        href("index.html"),
                        m.id
                    ))]);
                    entry.set_title(Text::plain(clean(&format!(
                        "Maintenance ({}): {}",
                        m.state.name(),
                        m.title
                    ))));
                    let when = format!("{} to {}", m.start.long(zone), m.end.long(zone));
                    let summary = if m.summary.is_empty() {
                        when
                    } else {
                        format!("{when}. {}", m.summary)
                    };
                    entry.set_summary(Some(Text::plain(clean(&summary))));
                }
                About::WindowUpdate(m, n) => {
                    entry.set_links(vec![link(&format!(
                        "{}#maintenance-{}",
                        href("index.html"),
                        m.id
                    ))]);
                    entry.set_title(Text::plain(clean(&format!("Maintenance: {}", m.title))));
                    entry.set_summary(Some(Text::plain(clean(m.updates[n].text.trim()))));
                }
            }
            entry
        })
        .collect();
    let path = match service {
        None => "feed.xml".to_string(),
        Some(name) => service_feeds(site)
            .into_iter()
            .find(|(s, _)| s == name)
            .map(|(_, path)| path)
            .unwrap_or_default(),
    };
    let title = match service {
        None => site.title.clone(),
        Some(name) => format!("{}: {name}", site.title),
    };
    let mut feed = Feed::default();
    feed.set_title(Text::plain(clean(&title)));
    feed.set_id(id(site, &path, "", &format!("feed:{path}")));
    let updated = site
        .incidents
        .iter()
        .filter(|e| hits(&e.services))
        .map(|e| e.updated)
        .chain(
            site.maintenance
                .iter()
                .filter(|m| hits(&m.services))
                .map(|m| m.updated()),
        )
        .max()
        .map_or_else(epoch, stamp);
    feed.set_updated(updated);
    feed.set_authors(vec![Person {
        name: site.title.clone(),
        ..Person::default()
    }]);
    // The feed's own address, relative to itself without --base-url.
    let own_href = match &site.base_url {
        Some(_) => url(site, &path),
        None => path.rsplit('/').next().unwrap_or_default().to_string(),
    };
    let mut own = link(&own_href);
    own.set_rel("self");
    feed.set_links(vec![own, link(&href("index.html"))]);
    feed.set_entries(entries);
    let bytes = feed
        .write_to(Vec::new())
        .expect("writing to memory cannot fail");
    let mut text = String::from_utf8(bytes).expect("the feed is UTF-8");
    text.push('\n');
    text
}

/// Each service of the status page with the path of its feed (`feeds/NAME.xml`, the name made
/// a file name; a second service with the same file name gets `-2`).
pub fn service_feeds(site: &Site) -> Vec<(String, String)> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    site.services
        .iter()
        .map(|name| {
            let base = match slug::slugify(name) {
                s if s.is_empty() => "service".to_string(),
                s => s,
            };
            let mut file = base.clone();
            let mut n = 1;
            while !taken.insert(file.clone()) {
                n += 1;
                file = format!("{base}-{n}");
            }
            (name.clone(), format!("feeds/{file}.xml"))
        })
        .collect()
}

/// An entry's id: the address of `page` with `fragment` under `--base-url`, else `urn` under the
/// repository's id.
fn id(site: &Site, page: &str, fragment: &str, urn: &str) -> String {
    match &site.base_url {
        Some(_) => format!("{}{fragment}", url(site, page)),
        None => format!("{}:{urn}", site.id_base),
    }
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

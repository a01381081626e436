//! `inc site --public` as a status page: the banner, the services with their state and 90 days,
//! ongoing incidents with their latest update, scheduled and past maintenance, status.json, the
//! feeds (the site's and each service's, valid Atom with ids unique to the site), the badge's
//! colour, and pages that fit a phone and a desktop in headless Chromium.

use crate::common::browser::Browser;
use crate::common::{Repo, files_under};

const BASE: &str = "https://status.example.com";

/// A catalog of three services; an outage of checkout-api ten days ago (an hour, resolved), a
/// degradation of payments open now, maintenance of search done two days ago and upcoming
/// tomorrow.
fn status_repo() -> Repo {
    let mut repo = Repo::new();
    repo.write(
        ".inc/catalog.yaml",
        "services:\n- name: checkout-api\n- name: payments\n- name: search\n",
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "catalog"]);
    repo.now = "2026-11-12T10:30:00Z".into();
    let old = repo
        .ok(&[
            "open",
            "Checkout API down",
            "--sev",
            "SEV2",
            "--started",
            "10:00",
            "--detected",
            "10:05",
            "--public-title",
            "Checkout unavailable",
        ])
        .trim()
        .to_string();
    repo.ok(&["impact", "-i", &old, "--service", "checkout-api"]);
    repo.ok(&[
        "comms",
        "-i",
        &old,
        "--to",
        "customers",
        "Checkout is failing; we are on it.",
    ]);
    repo.now = "2026-11-12T11:10:00Z".into();
    repo.ok(&["resolve", "-i", &old, "--at", "11:00"]);
    repo.ok(&[
        "comms",
        "-i",
        &old,
        "--to",
        "customers",
        "Checkout works again.",
    ]);
    repo.now = "2026-11-19T09:00:00Z".into();
    repo.ok(&[
        "maintenance",
        "schedule",
        "Search index rebuild",
        "--start",
        "2026-11-20 01:00",
        "--end",
        "2026-11-20 02:00",
        "--service",
        "search",
    ]);
    repo.now = crate::common::NOW.into();
    repo.ok(&[
        "open",
        "Payments slow",
        "--sev",
        "SEV3",
        "--started",
        "14:00",
        "--detected",
        "14:05",
    ]);
    repo.ok(&["impact", "--service", "payments"]);
    repo.ok(&[
        "comms",
        "--at",
        "14:10",
        "--to",
        "customers",
        "Some card payments are slow.",
    ]);
    repo.ok(&[
        "maintenance",
        "schedule",
        "Database upgrade",
        "--start",
        "2026-11-23 02:00",
        "--end",
        "2026-11-23 03:00",
        "--service",
        "search",
        "--summary",
        "Search may be slow for a few minutes.",
    ]);
    repo
}

fn build(repo: &Repo) -> std::collections::BTreeMap<String, Vec<u8>> {
    repo.ok(&[
        "site",
        "-o",
        "public",
        "--public",
        "--base-url",
        BASE,
        "--title",
        "Example status",
    ]);
    files_under(&repo.path("public"))
}

fn text(files: &std::collections::BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

#[test]
fn the_index_is_a_status_page() {
    let repo = status_repo();
    let site = build(&repo);
    let index = text(&site, "index.html");
    // The worst state now: the open SEV3 degrades payments.
    assert!(
        index.contains("<p class=\"banner st-degraded\" role=\"status\"><strong>Some services are degraded</strong><small>As of 2026-11-22 14:40 UTC</small></p>"),
        "{index}"
    );
    // The ongoing incident with its latest update, its public label and times with the zone.
    assert!(
        index.contains("<h2>Ongoing incident</h2>\n<article class=\"card degraded\">"),
        "{index}"
    );
    assert!(
        index.contains("<p class=\"meta\">Degraded performance · Investigating · since 2026-11-22 14:00 UTC</p>\n<p><strong>Investigating</strong> · 2026-11-22 14:10 UTC<br>Some card payments are slow.</p>"),
        "{index}"
    );
    // Upcoming maintenance, then the past one in the history.
    assert!(
        index.contains("<h3>Database upgrade</h3>\n<p class=\"meta\">Upcoming · 2026-11-23 02:00 UTC to 2026-11-23 03:00 UTC · search</p>\n<p>Search may be slow for a few minutes.</p>"),
        "{index}"
    );
    assert!(
        index.contains("<td data-label=\"Maintenance\">Search index rebuild</td><td data-label=\"Services\">search</td><td data-label=\"Outcome\">Completed</td>"),
        "{index}"
    );
    // Each service of the catalog: its state now, 90 days, its uptime.
    let services = &index[index.find("<section id=\"services\">").unwrap()..];
    let service = |name: &str| {
        let at = services
            .find(&format!("<span class=\"name\">{name}"))
            .unwrap();
        &services[at..at + services[at..].find("</li>").unwrap()]
    };
    assert!(
        service("payments").contains("<span class=\"state degraded\">Degraded</span>"),
        "{services}"
    );
    let checkout = service("checkout-api");
    assert!(
        checkout.contains("<span class=\"state operational\">Operational</span>"),
        "{checkout}"
    );
    assert_eq!(
        checkout.matches("<span class=\"st-").count(),
        90,
        "{checkout}"
    );
    // The day of the outage, in red; an hour in 90 days.
    assert!(
        checkout.contains("<span class=\"st-outage\" title=\"2026-11-12: Outage\"></span>"),
        "{checkout}"
    );
    assert_eq!(checkout.matches("st-outage").count(), 1);
    assert!(
        checkout.contains("<span>99.95% uptime</span>"),
        "{checkout}"
    );
    let search = service("search");
    assert!(
        search.contains(
            "<span class=\"st-maintenance\" title=\"2026-11-20: Under maintenance\"></span>"
        ) && search.contains("<span>100% uptime</span>"),
        "{search}"
    );
    // Each service has its feed.
    assert!(
        services.contains("<a href=\"feeds/checkout-api.xml\" class=\"feed\">feed</a>"),
        "{services}"
    );
    // The history: public labels, right plurals, and no column that would be empty (tags are
    // the team's).
    assert!(index.contains("<p>2 incidents, 1 open."), "{index}");
    assert!(!index.contains("<th>Tags</th>"), "{index}");
    assert!(index.contains("<th>Services</th>"), "{index}");
    assert!(
        index.contains("<td data-label=\"Severity\" class=\"sev\">Partial outage</td>"),
        "{index}"
    );
    assert!(
        !index.contains("SEV2") && !index.contains("SEV3"),
        "{index}"
    );
}

#[test]
fn status_json_the_badge_and_a_small_history() {
    let repo = status_repo();
    let site = build(&repo);
    let status: serde_json::Value = serde_json::from_slice(&site["status.json"]).unwrap();
    assert_eq!(status["status"], "degraded");
    assert_eq!(status["description"], "Some services are degraded");
    assert_eq!(status["open"].as_array().unwrap().len(), 1);
    let open = &status["open"][0];
    assert_eq!(open["severity"], "Degraded performance");
    assert_eq!(open["state"], "degraded");
    assert_eq!(
        open["latest_update"]["text"],
        "Some card payments are slow."
    );
    assert!(
        open["url"]
            .as_str()
            .unwrap()
            .starts_with("https://status.example.com/incidents/2026-11-22-"),
        "{open}"
    );
    let services = status["services"].as_array().unwrap();
    assert_eq!(services.len(), 3);
    assert_eq!(services[0]["name"], "checkout-api");
    assert_eq!(services[0]["uptime_90_days"], 99.95);
    assert_eq!(services[1]["state"], "degraded");
    let windows = status["maintenance"].as_array().unwrap();
    assert_eq!(windows.len(), 1, "only current maintenance: {windows:?}");
    assert_eq!(windows[0]["title"], "Database upgrade");
    assert_eq!(windows[0]["state"], "upcoming");
    // The badge is amber: the worst state is degraded.
    assert!(text(&site, "badge.svg").contains("fill=\"#b7791f\""));

    // Once it is resolved: operational and green; a single incident says so in the singular.
    repo.ok(&["resolve", "--at", "14:39"]);
    let site = build(&repo);
    let status: serde_json::Value = serde_json::from_slice(&site["status.json"]).unwrap();
    assert_eq!(status["status"], "operational");
    assert!(text(&site, "badge.svg").contains("fill=\"#2e7d32\""));
    assert!(text(&site, "index.html").contains("All systems operational"));

    let lone = Repo::new();
    lone.ok(&["open", "Search slow", "--sev", "SEV4"]);
    lone.ok(&["site", "-o", "public", "--public"]);
    let index = lone.read("public/index.html");
    assert!(index.contains("<p>1 incident, 1 open."), "{index}");
    // No service is named anywhere: no services section and no empty column.
    assert!(!index.contains("<section id=\"services\">"), "{index}");
    assert!(!index.contains("<th>Services</th>"), "{index}");
}

#[test]
fn feeds_are_valid_atom_with_ids_unique_to_the_site() {
    let repo = status_repo();
    let site = build(&repo);
    let read = |name: &str| {
        atom_syndication::Feed::read_from(&site[name][..])
            .unwrap_or_else(|e| panic!("{name} is not Atom: {e}"))
    };
    let all = read("feed.xml");
    assert_eq!(all.id(), "https://status.example.com/feed.xml");
    let ids: Vec<&str> = all.entries().iter().map(|e| e.id()).collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for entry in all.entries() {
        assert!(entry.id().starts_with(BASE), "{}", entry.id());
        assert!(!entry.title().as_str().is_empty());
        assert!(!entry.links().is_empty());
    }
    let titles: Vec<&str> = all.entries().iter().map(|e| e.title().as_str()).collect();
    for expected in [
        "[Partial outage] Checkout unavailable (resolved)",
        "Resolved: Checkout unavailable",
        "Investigating: Checkout unavailable",
        "Maintenance (upcoming): Database upgrade",
        "Maintenance (completed): Search index rebuild",
    ] {
        assert!(titles.contains(&expected), "{expected}: {titles:?}");
    }
    // A service's feed holds what hit it, and only that.
    let payments = read("feeds/payments.xml");
    assert_eq!(
        payments.id(),
        "https://status.example.com/feeds/payments.xml"
    );
    let titles: Vec<&str> = payments
        .entries()
        .iter()
        .map(|e| e.title().as_str())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("Disruption to payments")),
        "{titles:?}"
    );
    assert!(
        !titles
            .iter()
            .any(|t| t.contains("Checkout") || t.contains("Maintenance")),
        "{titles:?}"
    );

    // Without --base-url, ids come from the origin remote: every clone, whatever address it
    // reaches the remote by, writes the same ids, and another repository others.
    repo.git(&["remote", "add", "origin", "x"]);
    let ids_with = |origin: &str| {
        repo.git(&["remote", "set-url", "origin", origin]);
        repo.ok(&["site", "-o", "plain", "--public"]);
        let feed = atom_syndication::Feed::read_from(
            std::fs::read(repo.path("plain/feed.xml"))
                .unwrap()
                .as_slice(),
        )
        .unwrap();
        feed.entries()
            .iter()
            .map(|e| e.id().to_string())
            .collect::<Vec<_>>()
    };
    let ssh = ids_with("git@github.com:acme/status.git");
    assert!(ssh.iter().all(|id| id.starts_with("urn:inc:")), "{ssh:?}");
    assert_eq!(ids_with("https://github.com/acme/status"), ssh);
    assert_ne!(ids_with("https://github.com/other/status"), ssh);
}

/// No page of the status site scrolls sideways on a phone (390 pixels) or a desktop (1280):
/// tables reflow, bars shrink, text wraps.
#[test]
fn the_status_site_fits_a_phone_and_a_desktop_in_headless_chromium() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let repo = status_repo();
    // Long words with nowhere to break (an address, a token), the kind that push a page wider
    // than a phone, in an update and in a maintenance summary.
    let long = format!("https://status.example.com/{}", "x0".repeat(60));
    repo.ok(&[
        "comms",
        "--to",
        "customers",
        "--at",
        "14:40",
        &format!("See {long}"),
    ]);
    repo.ok(&[
        "maintenance",
        "schedule",
        "Cache flush",
        "--start",
        "2026-11-24 02:00",
        "--end",
        "2026-11-24 03:00",
        "--summary",
        &long,
    ]);
    build(&repo);
    let dir = repo.path("public");
    let pages: Vec<String> = files_under(&dir)
        .keys()
        .filter(|k| k.ends_with(".html"))
        .cloned()
        .collect();
    assert!(pages.len() >= 4, "{pages:?}");
    for page in &pages {
        for width in [390, 1280] {
            let (scroll, client) = browser.widths(&dir.join(page), width);
            assert!(
                scroll <= client,
                "{page} at {width}px is {scroll}px wide in a {client}px viewport"
            );
        }
    }
    // The measure itself can fail: a page wider than a phone is seen.
    let wide = dir.join("wide.html");
    std::fs::write(
        &wide,
        "<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width\"></head><body><div style=\"width:600px\">x</div></body></html>",
    )
    .unwrap();
    let (scroll, client) = browser.widths(&wide, 390);
    assert!(scroll > client, "{scroll} > {client}");
    // And the page looks like one: screenshots at both widths.
    let shots = tempfile::tempdir().unwrap();
    for width in [500, 1280] {
        browser.screenshot(
            &dir.join("index.html"),
            width,
            1600,
            &shots.path().join(format!("index-{width}.png")),
        );
    }
}

/// What a page shows, from its `<main>` on (the head is the shared shell and style).
fn main_of(page: &str) -> &str {
    &page[page.find("<main>").unwrap()..]
}

#[test]
fn the_status_pages_are_reviewed_snapshots() {
    let repo = status_repo();
    let site = build(&repo);
    insta::assert_snapshot!("status_index", main_of(&text(&site, "index.html")));
    let open = site
        .keys()
        .find(|k| k.starts_with("incidents/2026-11-22-") && k.ends_with(".html"))
        .unwrap()
        .clone();
    insta::assert_snapshot!("status_incident_open", main_of(&text(&site, &open)));
    let resolved = site
        .keys()
        .find(|k| k.starts_with("incidents/2026-11-12-") && k.ends_with(".html"))
        .unwrap()
        .clone();
    insta::assert_snapshot!("status_incident_resolved", main_of(&text(&site, &resolved)));
    insta::assert_snapshot!("status_json", text(&site, "status.json"));
    insta::assert_snapshot!("status_feed_payments", text(&site, "feeds/payments.xml"));
}

/// A game day or a false alarm is the team's business: the public status page does not show it,
/// and the team's own site lists it without colouring the banner or a service.
#[test]
fn rehearsals_and_false_alarms_are_not_on_the_status_page() {
    let repo = Repo::new();
    repo.ok_at(
        crate::common::NOW,
        &[
            "open",
            "Quarterly DR drill",
            "--type",
            "game-day",
            "--sev",
            "SEV1",
        ],
    );
    repo.ok(&["impact", "--service", "payments"]);
    repo.ok(&["site", "-o", "public", "--public"]);
    let status: serde_json::Value = serde_json::from_str(&repo.read("public/status.json")).unwrap();
    assert_eq!(status["status"], "operational");
    assert_eq!(status["open"].as_array().unwrap().len(), 0);
    assert!(!repo.read("public/index.html").contains("drill"));
    assert!(repo.read("public/badge.svg").contains("fill=\"#2e7d32\""));
    repo.ok(&["site", "-o", "internal"]);
    let index = repo.read("internal/index.html");
    assert!(index.contains("Quarterly DR drill"), "{index}");
    assert!(index.contains("All systems operational"), "{index}");
}

/// Addresses and ids that readers keep: the maintenance link of status.json, the links of a
/// service's feed without --base-url, feed ids that a backdated update does not renumber, and
/// times that are not in the future.
#[test]
fn links_and_ids_that_hold() {
    let repo = status_repo();
    let site = build(&repo);
    let status: serde_json::Value = serde_json::from_slice(&site["status.json"]).unwrap();
    let window = status["maintenance"][0]["url"].as_str().unwrap();
    assert!(
        window.starts_with("https://status.example.com/index.html#maintenance-2026-11-23-"),
        "{window}"
    );
    // Nothing is updated later than now: an upcoming window was updated when it was announced.
    assert!(
        status["updated"].as_str().unwrap() <= "2026-11-22T14:40:00+00:00",
        "{status}"
    );
    let feed = text(&site, "feed.xml");
    assert!(!feed.contains("2026-11-23T"), "{feed}");
    // Without --base-url a service's feed links up out of feeds/.
    repo.ok(&["site", "-o", "plain", "--public"]);
    let payments = repo.read("plain/feeds/payments.xml");
    assert!(
        payments.contains("href=\"../incidents/2026-11-22-"),
        "{payments}"
    );
    assert!(
        payments.contains("<link href=\"payments.xml\" rel=\"self\"/>"),
        "{payments}"
    );
    // A backdated update keeps the ids of the others.
    let ids = |repo: &Repo| -> Vec<String> {
        let feed = atom_syndication::Feed::read_from(
            std::fs::read(repo.path("public/feed.xml"))
                .unwrap()
                .as_slice(),
        )
        .unwrap();
        feed.entries().iter().map(|e| e.id().to_string()).collect()
    };
    let before = ids(&repo);
    repo.ok(&[
        "comms",
        "--to",
        "customers",
        "--at",
        "14:06",
        "We are looking into slow payments.",
    ]);
    build(&repo);
    let after = ids(&repo);
    for id in before.iter().filter(|id| id.contains("#update-")) {
        assert!(after.contains(id), "{id} is gone: {after:?}");
    }
    assert_eq!(after.len(), before.len() + 1);
}

/// Maintenance later today does not colour today before it starts; while it runs, it does.
#[test]
fn maintenance_colours_a_day_once_it_starts() {
    let repo = Repo::new();
    repo.write(".inc/catalog.yaml", "services:\n- name: search\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "catalog"]);
    repo.ok(&[
        "maintenance",
        "schedule",
        "Reindex",
        "--start",
        "2026-11-22 20:00",
        "--end",
        "2026-11-22 21:00",
        "--service",
        "search",
    ]);
    repo.ok(&["site", "-o", "public", "--public"]);
    let index = repo.read("public/index.html");
    assert!(
        index.contains("<span class=\"st-operational\" title=\"2026-11-22: no incident\"></span>"),
        "{index}"
    );
    repo.ok_at(
        "2026-11-22T20:30:00Z",
        &["site", "-o", "public", "--public"],
    );
    let index = repo.read("public/index.html");
    assert!(
        index.contains(
            "<span class=\"st-maintenance\" title=\"2026-11-22: Under maintenance\"></span>"
        ) && index.contains("Scheduled maintenance in progress"),
        "{index}"
    );
    // Past maintenance names its services; windows that name none get no empty column.
    repo.ok_at(
        "2026-11-23T10:00:00Z",
        &["site", "-o", "public", "--public"],
    );
    let index = repo.read("public/index.html");
    assert!(
        index.contains("<th>Maintenance</th><th>Services</th>"),
        "{index}"
    );
    let bare = Repo::new();
    bare.ok(&[
        "maintenance",
        "schedule",
        "Reindex",
        "--start",
        "2026-11-22 20:00",
        "--end",
        "2026-11-22 21:00",
    ]);
    bare.ok_at(
        "2026-11-23T10:00:00Z",
        &["site", "-o", "public", "--public"],
    );
    let index = bare.read("public/index.html");
    assert!(
        index.contains("<th>Maintenance</th><th>Outcome</th>"),
        "{index}"
    );
}

//! `inc site`: the static website of the incident history. Assertions on the generated files
//! (links resolve, no network, no internal text or names on the public site, sized SVG charts,
//! incremental rebuilds), and the pages in headless Chromium when it is installed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::{CHECKOUT, Repo};

const INTERNAL_NOTE: &str = "Restarted pgbouncer on db-7 with the root password";
const INTERNAL_COMMS: &str = "Bridge open in room 4, exec summary at 15:00";
const SECOND: &str = "2026-10-03-search-is-slow";

/// Two incidents: the checkout one (resolved, with services, names, internal text, a public and
/// an internal attachment, a hostile link) and an older one still open.
fn history() -> Repo {
    let mut repo = Repo::new();
    repo.now = "2026-10-03T09:30:00Z".into();
    repo.ok(&[
        "open",
        "Search is slow",
        "--sev",
        "SEV3",
        "--started",
        "2026-10-03T09:00:00Z",
        "--detected",
        "2026-10-03T09:10:00Z",
        "--tag",
        "search",
    ]);
    repo.ok(&["impact", "-i", SECOND, "--service", "search-api"]);
    repo.now = crate::common::NOW.into();
    repo.open_checkout();
    repo.ok(&["use", CHECKOUT]);
    repo.ok(&["role", "technical-lead", "Marguerite"]);
    repo.ok(&["impact", "--service", "checkout-api,payments"]);
    repo.ok(&["link", "https://example.com/runbooks/checkout"]);
    repo.ok(&["log", "--at", "14:10", "--key", "Rolled back the deploy"]);
    repo.ok(&[
        "log",
        "--at",
        "14:12",
        "--key",
        "--public",
        "Marguerite saw it first; see [this](javascript:alert(1)) and ![x](data:image/png;base64,AAAA) <script>alert(2)</script>",
    ]);
    repo.ok(&["log", "--at", "14:15", "--internal", INTERNAL_NOTE]);
    repo.ok(&["comms", "--to", "internal", INTERNAL_COMMS]);
    repo.ok(&[
        "comms",
        "--to",
        "customers",
        "Checkout is failing; we are on it.",
    ]);
    let public_png = crate::common::outside(&repo, "graph.png", "PNG-PUBLIC");
    let private_png = crate::common::outside(&repo, "secret.png", "PNG-PRIVATE");
    repo.ok(&[
        "attach",
        public_png.to_str().unwrap(),
        "--public",
        "--note",
        "error rate",
    ]);
    repo.ok(&["attach", private_png.to_str().unwrap(), "--note", "db dump"]);
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    repo.ok(&["resolve", "--at", "14:35"]);
    repo
}

/// Every file under `dir`, relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::common::files_under(dir)
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap_or_else(|_| panic!("{name} is not UTF-8"))
}

/// The values of every `href="…"` and `src="…"` in a page.
fn references(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = page;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap();
            found.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    found
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Checks every page's links: relative ones resolve to a file of the site, absolute ones go only
/// to the hosts of the links people added. Returns the pages checked.
fn check_links(dir: &Path, site: &BTreeMap<String, Vec<u8>>, user_hosts: &[&str]) -> usize {
    let mut pages = 0;
    for name in site.keys().filter(|n| n.ends_with(".html")) {
        pages += 1;
        let page = text(site, name);
        let base = Path::new(name).parent().unwrap();
        for link in references(&page) {
            let lower = link.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                let host = lower.split('/').nth(2).unwrap();
                assert!(
                    user_hosts.contains(&host),
                    "{name} links to another host: {link}"
                );
                continue;
            }
            assert!(
                !lower.contains(':'),
                "{name} has a link with a scheme: {link}"
            );
            if link.starts_with('#') {
                continue;
            }
            let path = link.split('#').next().unwrap();
            let target: PathBuf = dir.join(base).join(percent_decode(path));
            assert!(
                target.is_file(),
                "{name} links to {link}, which is not a file of the site"
            );
        }
    }
    pages
}

/// Every `<svg …>` start tag in a page has width, height and viewBox, and a title and desc.
fn check_svgs(name: &str, page: &str) -> usize {
    let mut count = 0;
    for (at, _) in page.match_indices("<svg") {
        let tag = &page[at..at + page[at..].find('>').unwrap()];
        for attr in [" width=\"", " height=\"", " viewBox=\"0 0 "] {
            assert!(tag.contains(attr), "{name}: {tag} has no{attr}");
        }
        let body = &page[at..at + page[at..].find("</svg>").unwrap()];
        assert!(
            body.contains("<title") && body.contains("<desc"),
            "{name}: {body}"
        );
        count += 1;
    }
    count
}

#[test]
fn the_site_has_every_page_with_links_that_resolve_and_sized_charts() {
    let repo = history();
    let out = repo.ok(&["site", "-o", "site", "--title", "Acme <incidents>"]);
    assert!(
        out.starts_with("Wrote 12 of 12 files to site (0 unchanged); 2 incidents."),
        "{out}"
    );
    let dir = repo.path("site");
    let site = files(&dir);
    let names: BTreeSet<&str> = site.keys().map(String::as_str).collect();
    for name in [
        "index.html",
        "stats.html",
        "feed.xml",
        "status.json",
        "badge.svg",
        ".inc-site",
        "incidents/2026-11-22-checkout-api-down.html",
        "incidents/2026-10-03-search-is-slow.html",
        "incidents/2026-11-22-checkout-api-down/attachments/graph.png",
        "incidents/2026-11-22-checkout-api-down/attachments/secret.png",
    ] {
        assert!(names.contains(name), "no {name} in {names:?}");
    }
    assert_eq!(check_links(&dir, &site, &["example.com"]), 4);

    let index = text(&site, "index.html");
    assert!(
        index.contains("<title>Acme &lt;incidents&gt;</title>"),
        "{index}"
    );
    // The open one on top, then the history newest first, with severity, status, start,
    // duration, services and tags.
    let ongoing = &index[index.find("<section id=\"ongoing\">").unwrap()..];
    assert!(
        ongoing.starts_with("<section id=\"ongoing\">\n<h2>Ongoing incident</h2>\n<article class=\"card degraded\">\n<h3><a href=\"incidents/2026-10-03-search-is-slow.html\">Search is slow</a></h3>\n<p class=\"meta\">SEV3 · Investigating · since 2026-10-03 09:00 UTC</p>"),
        "{ongoing}"
    );
    let table = &index[index.find("<table id=\"incidents\"").unwrap()..];
    let checkout = table.find("Checkout API down").unwrap();
    let search = table.find("Search is slow").unwrap();
    assert!(checkout < search, "{index}");
    assert!(index.contains(
        "<tr data-severity=\"SEV2\" data-status=\"resolved\" data-year=\"2026\" data-tag=\"checkout\" data-service=\"checkout-api&#31;payments\"><td data-label=\"Began\">2026-11-22 14:02 UTC</td><td data-label=\"Severity\" class=\"sev\">SEV2</td><td data-label=\"Status\">resolved</td><td data-label=\"Incident\"><a href=\"incidents/2026-11-22-checkout-api-down.html\">Checkout API down</a></td><td data-label=\"Duration\">33m</td><td data-label=\"Services\">checkout-api, payments</td><td data-label=\"Tags\">checkout</td></tr>"
    ), "{index}");
    assert!(
        index.contains("<td data-label=\"Status\" class=\"open\">investigating</td>"),
        "{index}"
    );
    for filter in ["severity", "status", "tag", "service", "year"] {
        assert!(
            index.contains(&format!("<select data-filter=\"{filter}\">")),
            "{index}"
        );
    }
    assert!(index.contains("<option>search-api</option>"));

    // Charts: five on the statistics page, the phase chart on an incident page.
    let stats = text(&site, "stats.html");
    assert_eq!(check_svgs("stats.html", &stats), 6, "{stats}");
    for title in [
        "Time to detect per month, median and p90",
        "Time to mitigate per month, median and p90",
        "Time to resolve per month, median and p90",
        "Incidents per month by severity",
        "Services hit by the most incidents",
        "Follow-ups open and done",
    ] {
        assert!(stats.contains(title), "no {title} in {stats}");
    }
    assert!(stats.contains("<desc id=\"chart-1-desc\">2026-10: median 10m, p90 10m. 2026-11: median 3m, p90 3m.</desc>"), "{stats}");
    assert!(stats.contains("prefers-color-scheme: dark"));
    let page = text(&site, "incidents/2026-11-22-checkout-api-down.html");
    assert_eq!(check_svgs("incident page", &page), 1, "{page}");
    assert!(page.contains("Undetected (3m)"), "{page}");
    assert!(
        page.contains(INTERNAL_NOTE) && page.contains(INTERNAL_COMMS),
        "{page}"
    );
    assert!(
        page.contains("<nav class=\"site\"><a href=\"../index.html\">"),
        "{page}"
    );
    // The site's style comes after the report's, so its dark scheme wins.
    let last_style = &page[page.rfind("<style>").unwrap()..];
    assert!(
        last_style.contains("@media (prefers-color-scheme: dark)"),
        "{page}"
    );
    assert!(
        page.contains("src=\"2026-11-22-checkout-api-down/attachments/graph.png\""),
        "{page}"
    );
    // Nothing loads from elsewhere, and the page says so to the browser.
    for name in [
        "index.html",
        "stats.html",
        "incidents/2026-11-22-checkout-api-down.html",
    ] {
        let page = text(&site, name);
        assert!(
            page.contains("Content-Security-Policy\" content=\"default-src 'none'"),
            "{name}"
        );
        assert!(!page.contains("<script src") && !page.contains("<link rel=\"stylesheet\""));
    }
    // Hostile text is text: no script, and its javascript: and data: links are no links (the
    // link check above refuses any href or src with a scheme but http(s)).
    for (name, bytes) in &site {
        let page = String::from_utf8_lossy(bytes);
        assert!(!page.contains("<script>alert"), "{name}");
    }
    assert!(
        page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{page}"
    );

    let status: serde_json::Value = serde_json::from_slice(&site["status.json"]).unwrap();
    assert_eq!(status["open"].as_array().unwrap().len(), 1);
    assert_eq!(status["open"][0]["id"], SECOND);
    assert_eq!(
        status["open"][0]["url"],
        "incidents/2026-10-03-search-is-slow.html"
    );
    let badge = text(&site, "badge.svg");
    assert!(badge.contains(">1 open incident</text>"), "{badge}");
    check_svgs("badge.svg", &badge);

    let feed: atom_syndication::Feed = text(&site, "feed.xml").parse().unwrap();
    assert_eq!(feed.title().as_str(), "Acme <incidents>");
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        [
            "[SEV2] Checkout API down (resolved)",
            "[SEV3] Search is slow (investigating)"
        ]
    );
    assert_eq!(
        feed.entries()[0].links()[0].href(),
        "incidents/2026-11-22-checkout-api-down.html"
    );
}

#[test]
fn the_public_site_holds_no_internal_entry_update_attachment_or_name() {
    let repo = history();
    repo.ok(&[
        "site",
        "-o",
        "public",
        "--public",
        "--base-url",
        "https://status.example.com/",
    ]);
    let dir = repo.path("public");
    let site = files(&dir);
    check_links(&dir, &site, &["example.com"]);
    // Pages and their files are named by public ids: no word of the team's title.
    let checkout = inc::public::public_id(CHECKOUT);
    let search = inc::public::public_id(SECOND);
    assert!(
        site.contains_key(&format!("incidents/{checkout}/attachments/graph.png")),
        "{:?}",
        site.keys()
    );
    assert!(
        !site
            .keys()
            .any(|k| k.contains("checkout-api-down") || k.contains("search-is")),
        "{:?}",
        site.keys()
    );
    assert!(
        !site.keys().any(|k| k.contains("secret")),
        "{:?}",
        site.keys()
    );
    for (name, bytes) in &site {
        let page = String::from_utf8_lossy(bytes);
        for secret in [INTERNAL_NOTE, INTERNAL_COMMS, "PNG-PRIVATE", "db dump"] {
            assert!(!page.contains(secret), "{name} shows {secret:?}");
        }
        for person in ["alice", "Marguerite"] {
            assert!(
                !page
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case(person)),
                "{name} names {person}:\n{page}"
            );
        }
    }
    let page = text(&site, &format!("incidents/{checkout}.html"));
    assert!(page.contains("a team member saw it first"), "{page}");
    assert_eq!(check_svgs("public page", &page), 1, "{page}");
    // Tags are the team's, not the customers'.
    let index = text(&site, "index.html");
    assert!(!index.contains("data-tag=\"checkout\""), "{index}");
    let feed = text(&site, "feed.xml");
    assert!(
        feed.contains("<link href=\"https://status.example.com/feed.xml\" rel=\"self\"/>"),
        "{feed}"
    );
    assert!(
        feed.contains("<summary>Checkout is failing; we are on it.</summary>"),
        "{feed}"
    );
    let status: serde_json::Value = serde_json::from_slice(&site["status.json"]).unwrap();
    assert_eq!(
        status["open"][0]["url"],
        format!("https://status.example.com/incidents/{search}.html")
    );
}

#[test]
fn a_rebuild_after_one_entry_rewrites_only_what_changed() {
    use std::os::unix::fs::MetadataExt;
    let repo = history();
    repo.ok(&["site", "-o", "site"]);
    let dir = repo.path("site");
    let inodes = |dir: &Path| -> BTreeMap<String, u64> {
        files(dir)
            .keys()
            .map(|k| (k.clone(), std::fs::metadata(dir.join(k)).unwrap().ino()))
            .collect()
    };
    let before = inodes(&dir);
    let again = repo.ok(&["site", "-o", "site"]);
    assert!(
        again.starts_with("Wrote 0 of 12 files to site (12 unchanged)"),
        "{again}"
    );
    assert_eq!(inodes(&dir), before);

    repo.ok(&["log", "-i", SECOND, "--at", "14:20", "Search index rebuilt"]);
    let out = repo.ok(&["site", "-o", "site"]);
    assert!(
        out.starts_with("Wrote 4 of 12 files to site (8 unchanged)"),
        "{out}"
    );
    let after = inodes(&dir);
    let rewritten: Vec<&str> = after
        .iter()
        .filter(|(k, ino)| before.get(*k) != Some(ino))
        .map(|(k, _)| k.as_str())
        .collect();
    // The page, the feeds that list the incident (the whole site's and its service's), and
    // status.json, which says when an open incident was last updated.
    assert_eq!(
        rewritten,
        [
            "feed.xml",
            "feeds/search-api.xml",
            "incidents/2026-10-03-search-is-slow.html",
            "status.json"
        ]
    );
    let page =
        std::fs::read_to_string(dir.join("incidents/2026-10-03-search-is-slow.html")).unwrap();
    assert!(page.contains("Search index rebuilt"));
}

#[test]
fn site_refuses_a_foreign_directory_and_a_bad_base_url() {
    let repo = history();
    repo.write("mine/notes.txt", "my notes");
    let err = repo.fails(2, &["site", "-o", "mine"]);
    assert!(
        err.contains("holds files that inc site did not write"),
        "{err}"
    );
    assert_eq!(files(&repo.path("mine")).len(), 1);
    let err = repo.fails(2, &["site", "-o", "x", "--base-url", "javascript:alert(1)"]);
    assert!(err.contains("is not an http(s) address"), "{err}");
    assert!(!repo.path("x").exists());
    let err = repo.fails(2, &["site", "-o", "x", "-i", CHECKOUT]);
    assert!(err.contains("unexpected argument '-i'"), "{err}");
    let err = repo.fails(2, &["-i", CHECKOUT, "site", "-o", "x"]);
    assert!(err.contains("-i does nothing for inc site"), "{err}");
}

/// The pages in a real browser: Chromium loads them from file:// with no network and the
/// charts are in the rendered DOM. Skipped (and says so) when Chromium is not installed.
#[test]
fn the_pages_render_in_headless_chromium() {
    let Some(browser) = crate::common::browser::Browser::find() else {
        return;
    };
    let repo = history();
    repo.ok(&["site", "-o", "site"]);
    let dir = repo.path("site");
    let shots = tempfile::tempdir().unwrap();
    for (page, charts) in [
        ("index.html", 0),
        ("incidents/2026-11-22-checkout-api-down.html", 1),
        ("stats.html", 6),
    ] {
        let dom = browser.dom(&dir.join(page), 1280);
        assert_eq!(dom.matches("<svg").count(), charts, "{page}:\n{dom}");
        if page == "index.html" {
            // The script ran: the filters are shown and count the rows.
            assert!(dom.contains("<span id=\"shown\">2 shown</span>"), "{dom}");
            assert!(dom.contains("Checkout API down"));
        }
        let png = shots.path().join(page.replace('/', "-") + ".png");
        browser.screenshot(&dir.join(page), 1200, 1600, &png);
    }
}

#[test]
fn a_public_page_is_not_named_after_a_person() {
    let repo = Repo::new();
    repo.ok(&["open", "Marguerite dropped the cache", "--sev", "SEV3"]);
    repo.ok(&["role", "technical-lead", "Marguerite"]);
    repo.ok(&["site", "-o", "public", "--public"]);
    let site = files(&repo.path("public"));
    let pages: Vec<&String> = site
        .keys()
        .filter(|k| k.starts_with("incidents/"))
        .collect();
    assert_eq!(pages.len(), 1, "{pages:?}");
    assert_eq!(
        pages[0],
        &format!(
            "incidents/{}.html",
            inc::public::public_id("2026-11-22-marguerite-dropped-the-cache")
        )
    );
    for (name, bytes) in &site {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        assert!(!text.contains("marguerite"), "{name}: {text}");
    }
    // The team's own site keeps the id.
    repo.ok(&["site", "-o", "internal"]);
    assert!(
        repo.path("internal/incidents/2026-11-22-marguerite-dropped-the-cache.html")
            .is_file()
    );
}

#[test]
fn the_demo_builds_the_site_and_commits_it() {
    let repo = Repo::empty();
    let out = repo.ok(&["demo", "demo-repo"]);
    assert!(
        out.contains("/demo-repo/status/ (open index.html)"),
        "{out}"
    );
    let site = files(&repo.path("demo-repo/site"));
    for name in [
        "index.html",
        "stats.html",
        "feed.xml",
        "status.json",
        "badge.svg",
    ] {
        assert!(site.contains_key(name), "{name}");
    }
    let tracked = std::process::Command::new("git")
        .current_dir(repo.path("demo-repo"))
        .args(["ls-files", "site"])
        .output()
        .unwrap();
    let tracked = String::from_utf8(tracked.stdout).unwrap();
    assert!(tracked.contains("site/index.html\n"), "{tracked}");
    let page = text(&site, "incidents/2026-11-21-checkout-api-returns-500s.html");
    assert_eq!(check_svgs("demo page", &page), 1);
    assert!(
        page.contains("Roll back payments-service to v411"),
        "{page}"
    );
}

#[test]
fn an_attachment_that_is_a_link_is_not_copied() {
    let repo = history();
    let attached = repo.path("incidents/2026-11-22-checkout-api-down/attachments/secret.png");
    std::fs::remove_file(&attached).unwrap();
    let outside = crate::common::outside(&repo, "private.txt", "OUTSIDE-THE-REPOSITORY");
    std::os::unix::fs::symlink(&outside, &attached).unwrap();
    let out = repo.run(&["site", "-o", "site"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("attachment secret.png not copied (missing, a link, or over 50 MB)"),
        "{err}"
    );
    for (name, bytes) in files(&repo.path("site")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("OUTSIDE-THE-REPOSITORY"),
            "{name}"
        );
    }
}

#[test]
fn an_internal_entry_changes_nothing_on_the_public_site() {
    let repo = history();
    repo.ok(&["site", "-o", "public", "--public"]);
    repo.ok(&[
        "log",
        "-i",
        SECOND,
        "--internal",
        "Paged the search on-call twice",
    ]);
    let out = repo.ok(&["site", "-o", "public", "--public"]);
    assert!(
        out.starts_with("Wrote 0 of 11 files to public (11 unchanged)"),
        "{out}"
    );
    // The team's site shows it.
    repo.ok(&["site", "-o", "internal"]);
    let page = repo.read("internal/incidents/2026-10-03-search-is-slow.html");
    assert!(
        page.contains("<strong>internal:</strong> Paged the search on-call twice"),
        "{page}"
    );
}

#[test]
fn a_repository_without_incidents_gets_an_empty_site() {
    let repo = Repo::new();
    let out = repo.ok(&["site", "-o", "site"]);
    assert!(
        out.starts_with("Wrote 5 of 5 files to site (0 unchanged); 0 incidents."),
        "{out}"
    );
    let badge = repo.read("site/badge.svg");
    assert!(badge.contains(">no open incidents</text>"), "{badge}");
    let status: serde_json::Value = serde_json::from_str(&repo.read("site/status.json")).unwrap();
    assert_eq!(status["open"], serde_json::json!([]));
    let stats = repo.read("site/stats.html");
    assert_eq!(check_svgs("stats.html", &stats), 5, "{stats}");
    assert!(
        stats.contains("<desc id=\"chart-1-desc\">No incidents yet.</desc>"),
        "{stats}"
    );
}

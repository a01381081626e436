//! Everything inc writes as HTML is safe by construction, whatever the repository holds: hostile
//! HTML templates are sanitized and wrapped in inc's page, every page carries one Content
//! Security Policy (no script but the index's filter, allowed by hash), attachments a browser
//! could run are never published, and a site switched to `--public` keeps nothing of the
//! internal one. The pages are checked as files, and loaded in headless Chromium when it is
//! installed (the same skip and `INC_REQUIRE_CHROMIUM` convention as `site.rs`).

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::browser::Browser;
use crate::common::{CHECKOUT, Repo};

/// What a hostile script would do: change the title, and mark the document.
const SCRIPT: &str =
    "document.title='PWNED';document.documentElement.setAttribute('data-pwned','1')";

/// A template with everything that could run script, load something or take over the page,
/// around a heading and the values a report prints.
fn hostile_template(heading: &str) -> String {
    format!(
        r#"<!doctype html>
<html><head><title>PWNED</title>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<meta http-equiv="Content-Security-Policy" content="script-src 'unsafe-inline'">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<style>h1 {{ display: none }}</style>
<script>{SCRIPT}</script>
</head><body onload="{SCRIPT}">
<h1>{heading}</h1>
<script>{SCRIPT}</script>
<img src=x onerror="{SCRIPT}">
<a href="javascript:{SCRIPT}">click</a>
<a href=" JaVaScRiPt:{SCRIPT}">click</a>
<svg onload="{SCRIPT}"><circle r="5"/></svg>
<iframe srcdoc="<script>parent.{SCRIPT}</script>"></iframe>
<object data="data:text/html,<script>parent.{SCRIPT}</script>"></object>
<embed src="data:text/html,<script>parent.{SCRIPT}</script>">
<form action="https://evil.example/"><button>go</button></form>
<details open ontoggle="{SCRIPT}"><summary>More</summary><p>details</p></details>
<table class="facts"><tr><th>Severity</th><td>{{{{ incident.severity }}}}</td></tr></table>
{{% for e in timeline %}}<p>{{{{ e.text }}}}</p>
{{% endfor %}}
{{% for a in attachments %}}<p><a href="{{{{ a.url }}}}">{{{{ a.name }}}}</a> <img src="{{{{ a.url }}}}" alt="{{{{ a.name }}}}"></p>
{{% endfor %}}
</body></html>
"#
    )
}

/// The checkout incident with hostile templates, a hostile entry, and hostile attachments
/// (HTML and SVG with script, attached --public) beside a picture.
fn hostile() -> Repo {
    let repo = Repo::with_incident();
    repo.write(
        ".inc/templates/internal.html",
        &hostile_template("{{ incident.title }}"),
    );
    repo.write(
        ".inc/templates/external.html",
        &hostile_template("Customer report"),
    );
    repo.ok(&[
        "log",
        "--key",
        &format!("<script>{SCRIPT}</script> and <img src=x onerror=\"{SCRIPT}\">"),
    ]);
    let html = crate::common::outside(
        &repo,
        "evil.html",
        &format!("<html><body><script>{SCRIPT}</script>EVIL-HTML</body></html>"),
    );
    let svg = crate::common::outside(
        &repo,
        "evil.svg",
        &format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"{SCRIPT}\"><script>{SCRIPT}</script><text>EVIL-SVG</text></svg>"
        ),
    );
    let png = crate::common::outside(&repo, "graph.png", "PNG-PUBLIC");
    for file in [&html, &svg] {
        let out = repo.run(&["attach", file.to_str().unwrap(), "--public"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains("without a link and inc site does not copy it"),
            "{err}"
        );
    }
    repo.ok(&["attach", png.to_str().unwrap(), "--public"]);
    repo
}

/// Every `.html` file under `dir`, relative path → text.
fn pages(dir: &Path) -> Vec<(String, String)> {
    crate::common::files_under(dir)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The page's inline scripts, each the text between `<script>` and `</script>`.
fn scripts(page: &str) -> Vec<&str> {
    page.match_indices("<script")
        .map(|(at, _)| {
            let start = at + page[at..].find('>').unwrap() + 1;
            &page[start..start + page[start..].find("</script>").unwrap()]
        })
        .collect()
}

/// Checks a page's one policy and its scripts: `script-src 'none'`, or (the index) the hash of
/// its one script, the filter.
fn check_policy(name: &str, page: &str) {
    use base64::Engine as _;
    use sha2::Digest as _;
    let metas = page
        .matches("<meta http-equiv=\"Content-Security-Policy\"")
        .count();
    assert_eq!(metas, 1, "{name} has {metas} policies:\n{page}");
    assert_eq!(
        page.to_ascii_lowercase()
            .matches("content-security-policy")
            .count(),
        1,
        "{name}"
    );
    // First in the head, before anything it must cover.
    assert!(
        page.starts_with(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src "
        ),
        "{name}:\n{page}"
    );
    let policy = &page[page.find("content=\"").unwrap() + "content=\"".len()..];
    let policy = &policy[..policy.find('"').unwrap()];
    assert!(
        policy.ends_with("; base-uri 'none'; form-action 'none'"),
        "{name}: {policy}"
    );
    let found = scripts(page);
    if name.ends_with("index.html") {
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert!(found[0].contains("getElementById('filters')"), "{name}");
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(found[0].as_bytes()));
        assert_eq!(
            script_src(policy),
            format!("script-src 'sha256-{hash}'"),
            "{name}"
        );
    } else {
        assert_eq!(found, Vec::<&str>::new(), "{name}");
        assert_eq!(script_src(policy), "script-src 'none'", "{name}");
    }
}

/// The start tags of a page (`<name attr="value" …>`, without the brackets): the text a
/// repository puts in a page is escaped, so every `<` left starts a tag of the page.
fn tags(page: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(rest.len(), |(i, _)| i);
        let tag = &rest[..end];
        if tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            found.push(tag.trim_end_matches('/').trim_end());
        }
        rest = &rest[end..];
    }
    found
}

/// The attributes of a start tag: name (lower case) and value.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = tag[tag.find(char::is_whitespace).unwrap_or(tag.len())..].trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').unwrap();
            value = after[..close].replace("&amp;", "&");
            rest = &after[close + 1..];
        } else if let Some(after) = rest.strip_prefix('=') {
            let close = after.find(char::is_whitespace).unwrap_or(after.len());
            value = after[..close].to_string();
            rest = &after[close..];
        }
        found.push((name, value));
        rest = rest.trim_start();
    }
    found
}

/// The `script-src` directive of a policy.
fn script_src(policy: &str) -> &str {
    policy
        .split("; ")
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_default()
}

/// No markup that runs, loads or submits anything, and no reference to a withheld attachment,
/// in a page of a hostile repository. inc's own head (its policy, charset, viewport, the feed
/// link), styles, charts and the index's script are the only such tags there.
fn check_inert(name: &str, page: &str) {
    for tag in tags(page) {
        let element = tag
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap()
            .to_ascii_lowercase();
        let attrs = attributes(tag);
        let has = |n: &str, v: &str| attrs.iter().any(|(a, b)| a == n && b == v);
        let allowed = match element.as_str() {
            "script" => name.ends_with("index.html") && attrs.is_empty(),
            "meta" => {
                has("http-equiv", "Content-Security-Policy")
                    || has("charset", "utf-8")
                    || has("name", "viewport")
            }
            "link" => has("rel", "alternate"),
            // The index's own filters: a form that posts nowhere.
            "form" | "select" => {
                name.ends_with("index.html") && !attrs.iter().any(|(a, _)| a == "action")
            }
            "iframe" | "frame" | "object" | "embed" | "applet" | "button" | "input"
            | "textarea" | "base" | "math" | "template" | "noscript" => false,
            _ => true,
        };
        assert!(allowed, "{name} holds <{tag}>");
        for (attr, value) in &attrs {
            assert!(!attr.starts_with("on"), "{name} holds <{tag}>");
            let lower = value.trim().to_ascii_lowercase();
            if ["href", "src", "action", "data", "formaction", "xlink:href"]
                .contains(&attr.as_str())
            {
                let scheme_ok = !lower.contains(':')
                    || lower.starts_with("http://")
                    || lower.starts_with("https://")
                    || lower.starts_with("mailto:");
                assert!(scheme_ok && !lower.contains("evil"), "{name} holds <{tag}>");
            }
            assert!(attr != "srcdoc" && attr != "style", "{name} holds <{tag}>");
        }
    }
    assert!(!page.contains("<title>PWNED"), "{name}");
}

/// Every path under `dir`, files and directories, relative.
fn tree(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(at) = todo.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                todo.push(path.clone());
            }
            found.insert(
                path.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    found
}

#[test]
fn hostile_templates_make_sanitized_pages_with_one_policy() {
    let repo = hostile();
    repo.ok(&["site", "-o", "internal"]);
    repo.ok(&["site", "-o", "public", "--public"]);
    repo.ok(&["report", "--html", "-o", "report.html"]);
    // An HTML template makes a page without --html too, and a path to one is no different.
    let printed = repo.ok(&["report"]);
    assert_eq!(
        repo.ok(&["report", "-t", ".inc/templates/internal.html"]),
        printed
    );
    let mut all = vec![
        ("report.html".to_string(), repo.read("report.html")),
        ("printed.html".to_string(), printed),
    ];
    for dir in ["internal", "public"] {
        let site = pages(&repo.path(dir));
        assert_eq!(site.len(), 3, "{site:?}");
        all.extend(
            site.into_iter()
                .map(|(name, page)| (format!("{dir}/{name}"), page)),
        );
    }
    for (name, page) in &all {
        check_policy(name, page);
        check_inert(name, page);
    }
    let report = repo.read("report.html");
    // The template's title, head and style are gone; its heading titles the page.
    assert!(
        report.contains("<title>Checkout API down</title>"),
        "{report}"
    );
    assert!(!report.contains("display: none"), "{report}");
    // Its report markup is kept, its values escaped.
    assert!(
        report.contains(
            "<table class=\"facts\"><tbody><tr><th>Severity</th><td>SEV2</td></tr></tbody></table>"
        ),
        "{report}"
    );
    assert!(
        report.contains("<details open=\"\"><summary>More</summary><p>details</p></details>"),
        "{report}"
    );
    assert!(report.contains("&lt;script&gt;document.title="), "{report}");
    // The picture is linked and shown; the withheld files are named, with no address.
    assert!(
        report.contains(&format!(
            "<a href=\"incidents/{CHECKOUT}/attachments/graph.png\" rel=\"noopener noreferrer\">graph.png</a> <img src=\"incidents/{CHECKOUT}/attachments/graph.png\" alt=\"graph.png\">"
        )),
        "{report}"
    );
    assert!(
        report.contains("<a href=\"\" rel=\"noopener noreferrer\">evil.html</a>"),
        "{report}"
    );
    let public = repo.read(&format!("public/incidents/{}.html", page_of("public")));
    assert!(
        public.contains("<title>Customer report</title>"),
        "{public}"
    );
    // The site's additions are there once, after the report's style.
    for page in [
        &public,
        &repo.read(&format!("internal/incidents/{CHECKOUT}.html")),
    ] {
        assert_eq!(page.matches("<nav class=\"site\">").count(), 1, "{page}");
        assert_eq!(page.matches("<style>").count(), 2, "{page}");
        let head = &page[..page.find("</head>").unwrap()];
        assert_eq!(head.matches("<title>").count(), 1, "{page}");
    }
}

/// The name of the checkout incident's page on the site in `dir`: its id on the team's site, its
/// public id on the public one.
fn page_of(dir: &str) -> String {
    if dir == "public" {
        inc::public::public_id(CHECKOUT)
    } else {
        CHECKOUT.to_string()
    }
}

#[test]
fn attachments_a_browser_could_run_are_never_published() {
    let repo = hostile();
    // The built-in templates this time.
    std::fs::remove_dir_all(repo.path(".inc/templates")).unwrap();
    for (dir, public) in [("internal", false), ("public", true)] {
        let mut args = vec!["site", "-o", dir];
        if public {
            args.push("--public");
        }
        repo.ok(&args);
        let site = crate::common::files_under(&repo.path(dir));
        let attached: Vec<&String> = site
            .keys()
            .filter(|k| k.contains("/attachments/"))
            .collect();
        assert_eq!(
            attached,
            [&format!("incidents/{}/attachments/graph.png", page_of(dir))],
            "{dir}"
        );
        for (name, bytes) in &site {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains("EVIL-HTML") && !text.contains("EVIL-SVG"),
                "{dir}/{name}"
            );
        }
        let page = repo.read(&format!("{dir}/incidents/{}.html", page_of(dir)));
        for name in ["evil.html", "evil.svg"] {
            assert!(
                page.contains(&format!(
                    "<p><code>{name}</code> (not published on the site: a browser could run a file of this type)</p>"
                )),
                "{dir}: {page}"
            );
        }
        assert!(
            page.contains(&format!(
                "<img src=\"{}/attachments/graph.png\" alt=\"graph.png\" />",
                page_of(dir)
            )),
            "{page}"
        );
        for (name, page) in pages(&repo.path(dir)) {
            check_policy(&name, &page);
            check_inert(&name, &page);
        }
    }
    // Reports neither link nor embed them, in Markdown or HTML.
    for args in [
        &["report"][..],
        &["report", "--html"],
        &["report", "-t", "external"],
        &["report", "-t", "external", "--html"],
    ] {
        let out = repo.ok(args);
        assert!(out.contains("evil.svg"), "{args:?}: {out}");
        assert!(
            !out.contains("](attachments/evil") && !out.contains("attachments/evil"),
            "{args:?}: {out}"
        );
        assert!(out.contains("attachments/graph.png"), "{args:?}: {out}");
    }
    // The entries inc attach logged name them without a link.
    let timeline = crate::common::timeline(&repo);
    assert!(
        timeline.contains("text: Attached evil.html\n"),
        "{timeline}"
    );
    assert!(
        timeline.contains("text: Attached [graph.png](attachments/graph.png)\n"),
        "{timeline}"
    );
}

#[test]
fn a_site_switched_to_public_keeps_nothing_of_the_internal_one() {
    let repo = Repo::new();
    // Its id holds a name, so the public site names its page (and attachments) otherwise.
    repo.ok(&["open", "Marguerite dropped the cache", "--sev", "SEV3"]);
    repo.ok(&["role", "technical-lead", "Marguerite"]);
    let public_png = crate::common::outside(&repo, "graph.png", "PNG-PUBLIC");
    let private_png = crate::common::outside(&repo, "secret.png", "PNG-PRIVATE");
    repo.ok(&["attach", public_png.to_str().unwrap(), "--public"]);
    repo.ok(&["attach", private_png.to_str().unwrap()]);
    repo.ok(&["site", "-o", "site"]);
    let internal = tree(&repo.path("site"));
    assert!(
        internal
            .contains("incidents/2026-11-22-marguerite-dropped-the-cache/attachments/secret.png"),
        "{internal:?}"
    );
    repo.ok(&["site", "-o", "site", "--public"]);
    repo.ok(&["site", "-o", "fresh", "--public"]);
    let switched = tree(&repo.path("site"));
    // Exactly what a public build writes into a new directory: no file and no directory of
    // the internal build is left.
    assert_eq!(switched, tree(&repo.path("fresh")));
    let left: Vec<&String> = internal
        .iter()
        .filter(|p| !switched.contains(*p))
        .filter(|p| repo.path("site").join(p).exists())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(
        !repo
            .path("site/incidents/2026-11-22-marguerite-dropped-the-cache")
            .exists()
    );
    // Someone else's file in a directory the internal build made keeps that directory.
    repo.ok(&["site", "-o", "site"]);
    let dir = "site/incidents/2026-11-22-marguerite-dropped-the-cache/attachments";
    repo.write(&format!("{dir}/mine.txt"), "mine");
    repo.ok(&["site", "-o", "site", "--public"]);
    assert_eq!(repo.read(&format!("{dir}/mine.txt")), "mine");
    assert!(!repo.path(&format!("{dir}/secret.png")).exists());
}

/// The text of the DOM's first `<title>`.
fn title(dom: &str) -> &str {
    let Some(at) = dom.find("<title>") else {
        return "";
    };
    let rest = &dom[at + "<title>".len()..];
    &rest[..rest.find("</title>").unwrap_or(rest.len())]
}

#[test]
fn hostile_pages_run_no_script_in_headless_chromium() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let repo = hostile();
    repo.ok(&["site", "-o", "internal"]);
    repo.ok(&["site", "-o", "public", "--public"]);
    repo.ok(&["report", "--html", "-o", "report.html"]);
    let mut loaded = 0;
    for (path, want) in [
        ("report.html".to_string(), "Checkout API down"),
        ("internal/index.html".into(), "Incidents"),
        ("internal/stats.html".into(), "Statistics: Incidents"),
        (
            format!("internal/incidents/{CHECKOUT}.html"),
            "Checkout API down",
        ),
        ("public/index.html".into(), "Incident history"),
        ("public/stats.html".into(), "Statistics: Incident history"),
        (
            format!("public/incidents/{}.html", page_of("public")),
            "Customer report",
        ),
    ] {
        let dom = browser.dom(&repo.path(&path), 1280);
        assert_eq!(title(&dom), want, "{path}:\n{dom}");
        assert!(!dom.contains("data-pwned="), "{path}:\n{dom}");
        assert!(!dom.contains("<title>PWNED"), "{path}:\n{dom}");
        if path.ends_with("index.html") {
            // The filter script, allowed by its hash, still runs.
            assert!(
                dom.contains("<span id=\"shown\">1 shown</span>"),
                "{path}:\n{dom}"
            );
        }
        loaded += 1;
    }
    assert_eq!(loaded, 7);
    // The hostile attachments are not in either site: loading where they would be runs nothing.
    for dir in ["internal", "public"] {
        for name in ["evil.html", "evil.svg"] {
            let path = repo.path(&format!(
                "{dir}/incidents/{}/attachments/{name}",
                page_of(dir)
            ));
            assert!(!path.exists(), "{}", path.display());
            let dom = browser.dom(&path, 1280);
            assert!(
                !dom.contains("data-pwned=") && !dom.contains("PWNED") && !dom.contains("EVIL"),
                "{}:\n{dom}",
                path.display()
            );
        }
    }
    // The originals in the repository do run script when opened: the check above would see it.
    let original = repo.path(&format!("incidents/{CHECKOUT}/attachments/evil.html"));
    let dom = browser.dom(&original, 1280);
    assert_eq!(title(&dom), "PWNED", "{dom}");
}

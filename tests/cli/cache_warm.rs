//! The warm path of the parse cache at scale (issue 19): files stamped relative to the incidents
//! directory, entries found by key in a sorted cache file, results written in place. Whatever
//! the layout, a warm run prints what a cold one does, and no link is ever served.

use std::process::Output;

use crate::common::{CHECKOUT, Repo};

const LISTS: &[&[&str]] = &[
    &["list", "--all"],
    &["list", "--all", "--json"],
    &["list", "--all", "--format", "csv"],
    &["stats"],
    &["stats", "--json"],
];

/// Every command of [`LISTS`] without the cache, then twice with it: all print the same bytes
/// with the same exit code ([`crate::cache::same`]). Returns the cold outputs.
fn all_same(repo: &Repo) -> Vec<Output> {
    LISTS
        .iter()
        .map(|args| crate::cache::same(repo, args))
        .collect()
}

/// Waits until the files written so far are old enough for the cache to store them.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(3100));
}

fn incident(id: &str) -> String {
    format!("incidents/{id}/incident.yaml")
}

/// A copy of the checkout incident under `id`, titled `title`.
fn copy(repo: &Repo, id: &str, title: &str) {
    let text = repo
        .read(&incident(CHECKOUT))
        .replace("Checkout API down", title);
    std::fs::create_dir_all(repo.path(&format!("incidents/{id}"))).unwrap();
    repo.write(&incident(id), &text);
}

/// The title `inc list --all --json` gives each id, in its order.
fn titles(repo: &Repo) -> Vec<(String, String)> {
    let list = repo.json(&["list", "--all", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn incidents_added_removed_and_edited_among_many_are_seen() {
    // More incidents than one thread takes, so the results are written by several, in place.
    let repo = Repo::with_incident();
    for n in (0..150).step_by(2) {
        copy(
            &repo,
            &format!("2026-11-23-copy-{n:03}"),
            &format!("Copy {n}"),
        );
    }
    settle();
    all_same(&repo);
    let before = titles(&repo);
    assert_eq!(before.len(), 76);
    assert_eq!(before[0], ("2026-11-23-copy-148".into(), "Copy 148".into()));

    // New ids sorted between the cached ones (every later key is off its stored position), one
    // removed, one edited.
    for n in [1, 51, 149] {
        copy(
            &repo,
            &format!("2026-11-23-copy-{n:03}"),
            &format!("New {n}"),
        );
    }
    std::fs::remove_dir_all(repo.path("incidents/2026-11-23-copy-050")).unwrap();
    let edited = incident("2026-11-23-copy-100");
    repo.write(
        &edited,
        &repo.read(&edited).replace("Copy 100", "Copy one hundred"),
    );
    all_same(&repo);
    settle();
    all_same(&repo);
    let after = titles(&repo);
    assert_eq!(after.len(), 78);
    let title = |id: &str| after.iter().find(|(i, _)| i == id).map(|(_, t)| t.as_str());
    assert_eq!(title("2026-11-23-copy-001"), Some("New 1"));
    assert_eq!(title("2026-11-23-copy-051"), Some("New 51"));
    assert_eq!(title("2026-11-23-copy-149"), Some("New 149"));
    assert_eq!(title("2026-11-23-copy-050"), None);
    assert_eq!(title("2026-11-23-copy-052"), Some("Copy 52"));
    assert_eq!(title("2026-11-23-copy-100"), Some("Copy one hundred"));
    let ids: Vec<&str> = after.iter().map(|(i, _)| i.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
}

#[test]
fn linked_incident_files_and_directories_are_never_served_from_the_cache() {
    let repo = Repo::with_incident();
    copy(&repo, "2026-11-23-linked-dir", "Linked directory");
    repo.ok_at("15:00", &["resolve", "-i", CHECKOUT]);
    repo.ok_at("15:05", &["postmortem", "-i", CHECKOUT]);
    settle();
    all_same(&repo);
    assert!(titles(&repo).iter().any(|(_, t)| t == "Linked directory"));

    // The same files, now behind links (a copy elsewhere in the repository with another
    // title): a link is reported, never followed and never answered from the cache.
    let elsewhere = repo.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for file in ["incident.yaml", "postmortem.md"] {
        let path = repo.path(&format!("incidents/{CHECKOUT}/{file}"));
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("Checkout API down", "Linked checkout");
        std::fs::write(elsewhere.join(file), text).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(elsewhere.join(file), &path).unwrap();
    }
    let dir = repo.path("incidents/2026-11-23-linked-dir");
    std::fs::rename(&dir, repo.path("moved-dir")).unwrap();
    std::os::unix::fs::symlink(repo.path("moved-dir"), &dir).unwrap();
    for _ in 0..2 {
        let outs = all_same(&repo);
        let list = String::from_utf8_lossy(&outs[0].stdout);
        let stderr = String::from_utf8_lossy(&outs[0].stderr);
        assert!(!list.contains("Checkout API down"), "{list}");
        assert!(!list.contains("Linked"), "{list}");
        assert!(
            stderr.contains(CHECKOUT) && stderr.contains("link"),
            "{stderr}"
        );
        settle();
    }

    // Linked incidents directory: an error, warm as cold.
    std::fs::rename(repo.path("incidents"), repo.path("real-incidents")).unwrap();
    std::os::unix::fs::symlink(repo.path("real-incidents"), repo.path("incidents")).unwrap();
    let outs = all_same(&repo);
    assert_eq!(outs[0].status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&outs[0].stderr).contains("link"),
        "{}",
        String::from_utf8_lossy(&outs[0].stderr)
    );
}

#[test]
fn a_cache_file_replaced_by_a_link_or_a_directory_is_ignored() {
    let repo = Repo::with_incident();
    settle();
    all_same(&repo);
    let cache = repo.path(".git/inc/cache/incidents");
    let saved = repo.path(".git/saved-cache");
    std::fs::rename(&cache, &saved).unwrap();
    std::os::unix::fs::symlink(&saved, &cache).unwrap();
    let target = std::fs::read(&saved).unwrap();
    all_same(&repo);
    // Not read through the link, nor written through it: the link was replaced by a new file.
    assert_eq!(std::fs::read(&saved).unwrap(), target);
    assert!(std::fs::symlink_metadata(&cache).unwrap().is_file());
    std::fs::remove_file(&cache).unwrap();
    std::fs::create_dir(&cache).unwrap();
    all_same(&repo);
    assert!(cache.is_dir());
}

#[test]
fn the_cached_listing_of_the_incidents_directory_follows_every_change_to_it() {
    let repo = Repo::with_incident();
    copy(&repo, "2026-11-23-second", "Second");
    copy(&repo, "2026-11-24-third", "Third");
    settle();
    all_same(&repo);
    assert!(repo.path(".git/inc/cache/ids").is_file(), "listing cached");
    let ids = |repo: &Repo| -> Vec<String> { titles(repo).into_iter().map(|(i, _)| i).collect() };
    assert_eq!(
        ids(&repo),
        ["2026-11-24-third", "2026-11-23-second", CHECKOUT]
    );

    // Renamed, with the directory's mtime set back: its ctime still tells.
    let incidents = repo.path("incidents");
    let reference = repo.path(".git/reference-time");
    std::fs::write(&reference, "").unwrap();
    let touch = |args: &[&std::path::Path]| {
        let status = std::process::Command::new("touch")
            .args(args)
            .status()
            .unwrap();
        assert!(status.success());
    };
    touch(&[std::path::Path::new("-r"), &incidents, &reference]);
    std::fs::rename(
        repo.path("incidents/2026-11-23-second"),
        repo.path("incidents/2026-11-23-renamed"),
    )
    .unwrap();
    touch(&[std::path::Path::new("-r"), &reference, &incidents]);
    all_same(&repo);
    assert_eq!(
        ids(&repo),
        ["2026-11-24-third", "2026-11-23-renamed", CHECKOUT]
    );
    settle();
    all_same(&repo);

    // A directory replaced by a file of the same name is no incident; a hidden one neither.
    std::fs::remove_dir_all(repo.path("incidents/2026-11-24-third")).unwrap();
    std::fs::write(repo.path("incidents/2026-11-24-third"), "not a directory").unwrap();
    std::fs::create_dir(repo.path("incidents/.hidden")).unwrap();
    all_same(&repo);
    assert_eq!(ids(&repo), ["2026-11-23-renamed", CHECKOUT]);
    settle();
    all_same(&repo);
    assert_eq!(ids(&repo), ["2026-11-23-renamed", CHECKOUT]);

    // A damaged listing is listed again.
    std::fs::write(repo.path(".git/inc/cache/ids"), b"damaged").unwrap();
    all_same(&repo);
    assert_eq!(ids(&repo), ["2026-11-23-renamed", CHECKOUT]);
}

//! Slack import: a channel of a Slack workspace export (the channel's directory of per-day
//! `YYYY-MM-DD.json` files, with `users.json` in it or beside it) as timeline entries of an
//! existing incident, one per message, by its author at its time.
//!
//! Each entry names its message in `ref`, `slack:CHANNEL/TS`: the channel's Slack id (from the
//! export's channels.json, groups.json or mpims.json; else the directory's name) and the
//! message's `ts`, which Slack keeps unique in a channel. Importing the same export again, or a
//! later export of the channel, adds only the messages no entry names yet. The entry's id is made
//! from the same two, so two clones that import one export write the same entries (and a merge
//! keeps one of each); when that id is taken by another entry, the message gets the next free one
//! of the same sequence and the summary says so: no message is ever dropped for its id.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::Error;
use crate::model::log::hashed_id;
use crate::model::{Kind, TimelineEntry};
use crate::time::{Clock, Time};

use super::{MAX_FILE_BYTES, offset_of, read_bounded};

/// Most day files read from one channel (27 years of days).
const MAX_DAYS: usize = 10_000;

/// Message subtypes that say nothing about the incident: people joining and leaving.
const SKIPPED: [&str; 4] = ["channel_join", "channel_leave", "group_join", "group_leave"];

/// Which messages to take and which to mark key.
#[derive(Default)]
pub struct Options {
    pub since: Option<Time>,
    pub until: Option<Time>,
    /// Reaction names (without colons) that mark a message key.
    pub key_reactions: Vec<String>,
}

/// What reading the export found.
pub struct Read {
    /// The channel, as [`ref`](TimelineEntry::reference)s and ids name it.
    pub channel: String,
    /// One entry per message kept, in time order, with its `ts`; the entries have their `ref`
    /// but no id yet ([`plan`] gives them one).
    pub entries: Vec<(String, TimelineEntry)>,
    /// Joins and leaves, empty messages, messages outside `--since`/`--until`, and a message
    /// found a second time (in two day files).
    pub skipped: usize,
}

/// What importing the messages into a timeline does.
pub struct Plan {
    /// The entries to append, with their ids.
    pub new: Vec<TimelineEntry>,
    /// Messages the timeline has already.
    pub present: usize,
    /// New entries whose own id was taken by another entry, and that have the next one.
    pub renamed: usize,
}

/// Which messages `existing` (the incident's timeline) lacks, each with its id.
pub fn plan(read: Read, existing: &[TimelineEntry]) -> Plan {
    let refs: HashSet<&str> = existing
        .iter()
        .filter_map(|e| e.reference.as_deref())
        .collect();
    let by_id: HashMap<&str, &TimelineEntry> =
        existing.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut taken: HashSet<String> = existing.iter().map(|e| e.id.clone()).collect();
    let mut plan = Plan {
        new: Vec::new(),
        present: 0,
        renamed: 0,
    };
    for (ts, mut entry) in read.entries {
        let named = entry.reference.as_deref().is_some_and(|r| refs.contains(r));
        // inc before `ref` named the message by an id made from its `ts` alone.
        let earlier = by_id.get(legacy_id(&ts).as_str()).is_some_and(|e| {
            e.reference.is_none()
                && e.kind == Kind::Event
                && e.at == entry.at
                && e.text == entry.text
        });
        if named || earlier {
            plan.present += 1;
            continue;
        }
        let id = (0..)
            .map(|attempt| entry_id(&read.channel, &ts, attempt))
            .find(|id| !taken.contains(id))
            .expect("ids run out only after billions of attempts");
        if id != entry_id(&read.channel, &ts, 0) {
            plan.renamed += 1;
        }
        taken.insert(id.clone());
        entry.id = id;
        plan.new.push(entry);
    }
    plan
}

#[derive(Deserialize)]
struct User {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    real_name: Option<String>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Default, Deserialize)]
struct Profile {
    #[serde(default)]
    real_name: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    ts: String,
    #[serde(default)]
    user: Option<String>,
    /// Bots and integrations post under a name instead of a user.
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    reactions: Vec<Reaction>,
    #[serde(default)]
    user_profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Reaction {
    name: String,
}

/// Reads the channel directory `dir` (as the user typed it: `shown`).
pub fn read(dir: &Path, shown: &Path, clock: &Clock, options: &Options) -> Result<Read> {
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| Error::usage(format!("cannot read {}: {e}", shown.display())))?;
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "{} is not a directory: name the channel's directory of a Slack export (the one with the YYYY-MM-DD.json files)",
            shown.display()
        ))
        .into());
    }
    let users = users(dir, shown)?;
    let channel = channel(dir, shown)?;
    let days = day_files(dir, shown)?;
    let mut entries: Vec<(String, TimelineEntry)> = Vec::new();
    let mut skipped = 0;
    let mut seen: HashSet<String> = HashSet::new();
    for (path, name) in days {
        let file_shown = shown.join(&name);
        let text = read_bounded(&path, &file_shown, MAX_FILE_BYTES)?;
        let messages: Vec<&RawValue> =
            serde_json::from_str(&text).map_err(|err| json_error(&file_shown, &text, 0, &err))?;
        for raw in messages {
            let base = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
            let message: Message = serde_json::from_str(raw.get())
                .map_err(|err| json_error(&file_shown, &text, base, &err))?;
            let at = timestamp(&message.ts, clock).ok_or_else(|| {
                let (line, column) = super::position(&text, base);
                Error::File {
                    path: file_shown.clone(),
                    line,
                    column,
                    message: format!(
                        "ts \"{}\" is not a Slack timestamp (seconds since 1970, like 1700000000.123456)",
                        crate::text::one_line(&message.ts, 40)
                    ),
                }
            })?;
            let text = readable(&message.text, &users);
            let joins = message
                .subtype
                .as_deref()
                .is_some_and(|s| SKIPPED.contains(&s));
            let outside =
                options.since.is_some_and(|s| at < s) || options.until.is_some_and(|u| at >= u);
            if joins || outside || text.trim().is_empty() {
                skipped += 1;
                continue;
            }
            let author = author(&message, &users);
            let key = message.reactions.iter().any(|r| {
                // `+1::skin-tone-2` is a `+1`.
                let base = r.name.split("::").next().unwrap_or(&r.name);
                options.key_reactions.iter().any(|k| k == base)
            });
            if !seen.insert(message.ts.clone()) {
                // The same message in two day files (an export made twice into one folder).
                skipped += 1;
                continue;
            }
            // No `recorded`: the time is the message's, not typed in, and an entry that is the
            // same whoever imports it merges as one.
            let entry = TimelineEntry {
                id: String::new(),
                conflict_of: None,
                at,
                recorded: None,
                by: author,
                kind: Kind::Event,
                reference: Some(format!("{REF_PREFIX}{channel}/{}", message.ts)),
                key,
                internal: false,
                public: false,
                attachment: None,
                text: text.trim().to_string(),
            };
            entries.push((message.ts, entry));
        }
    }
    entries.sort_by_key(|(_, e)| e.at);
    Ok(Read {
        channel,
        entries,
        skipped,
    })
}

/// How the `ref` of an entry imported from Slack starts.
pub const REF_PREFIX: &str = "slack:";

/// The id of the message `ts` of `channel`, or the next of its sequence (`attempt`) when that
/// one is taken: the same on every import.
fn entry_id(channel: &str, ts: &str, attempt: u32) -> String {
    let channel = channel.as_bytes();
    match attempt {
        0 => hashed_id(&[b"slack\0", channel, b"\0", ts.as_bytes()], 6),
        n => hashed_id(
            &[b"slack\0", channel, b"\0", ts.as_bytes(), &n.to_le_bytes()],
            6,
        ),
    }
}

/// The id inc gave a message before entries named it in `ref`: from its `ts` alone.
fn legacy_id(ts: &str) -> String {
    hashed_id(&[b"slack\0", ts.as_bytes()], 6)
}

/// A reaction as typed on the command line (`:star:` or `star`), as Slack names it.
pub fn reaction_name(typed: &str) -> String {
    typed.trim().trim_matches(':').to_string()
}

/// The time of a `ts`: seconds since 1970, then a dot and the digits that keep it unique (which
/// the timeline, to the second, drops). Nothing else is one: the `ts` is also part of the `ref`.
fn timestamp(ts: &str, clock: &Clock) -> Option<Time> {
    let (seconds, unique) = ts.split_once('.').unwrap_or((ts, "0"));
    let digits = |s: &str| (1..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(seconds) || !digits(unique) {
        return None;
    }
    let seconds: i64 = seconds.parse().ok()?;
    let time = Time::new(Timestamp::from_second(seconds).ok()?, clock.tz());
    time.out_of_range().is_none().then_some(time)
}

/// users.json in the channel's directory, else in the export's top directory (its parent), as
/// user id → the name to record; without one, authors are their Slack ids.
fn users(dir: &Path, shown: &Path) -> Result<HashMap<String, String>> {
    let candidates = [
        (dir.join("users.json"), shown.join("users.json")),
        (dir.join("../users.json"), shown.join("../users.json")),
    ];
    let Some((path, file_shown)) = candidates
        .into_iter()
        .find(|(path, _)| std::fs::symlink_metadata(path).is_ok())
    else {
        return Ok(HashMap::new());
    };
    let text = read_bounded(&path, &file_shown, MAX_FILE_BYTES)?;
    let users: Vec<User> =
        serde_json::from_str(&text).map_err(|err| json_error(&file_shown, &text, 0, &err))?;
    Ok(users
        .into_iter()
        .map(|u| {
            let profile = u.profile.unwrap_or_default();
            let name = [u.real_name, profile.real_name, profile.display_name, u.name]
                .into_iter()
                .flatten()
                .map(|n| n.trim().to_string())
                .find(|n| !n.is_empty())
                .unwrap_or_else(|| u.id.clone());
            (u.id, name)
        })
        .collect())
}

#[derive(Deserialize)]
struct Conversation {
    id: String,
    #[serde(default)]
    name: Option<String>,
}

/// The channel `dir` is, as entries name it: its Slack id, which stays when the channel is
/// renamed, from the conversation lists beside users.json (channels.json, groups.json and
/// mpims.json list them by name; a direct message's directory is named by its id); else the
/// directory's name.
fn channel(dir: &Path, shown: &Path) -> Result<String> {
    let real = std::fs::canonicalize(dir)
        .map_err(|e| Error::usage(format!("cannot read {}: {e}", shown.display())))?;
    let name = real
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("channel")
        .to_string();
    for list in ["channels.json", "groups.json", "mpims.json", "dms.json"] {
        let path = dir.join("..").join(list);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        let file_shown = shown.join("..").join(list);
        let text = read_bounded(&path, &file_shown, MAX_FILE_BYTES)?;
        let all: Vec<Conversation> =
            serde_json::from_str(&text).map_err(|err| json_error(&file_shown, &text, 0, &err))?;
        let found = all
            .into_iter()
            .find(|c| c.name.as_deref() == Some(name.as_str()) || c.id == name);
        if let Some(found) = found.filter(|c| is_slack_id(&c.id)) {
            return Ok(found.id);
        }
    }
    Ok(name)
}

/// Whether `id` looks like a Slack conversation id (`C024BE91L`): letters and digits only, so
/// that it reads back from `ref` as it was written.
fn is_slack_id(id: &str) -> bool {
    (1..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The channel's `YYYY-MM-DD.json` files, oldest first. A link among them is refused.
fn day_files(dir: &Path, shown: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut days = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::usage(format!("cannot list {}: {e}", shown.display())))?;
    for entry in entries {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(String::from) else {
            continue;
        };
        if !is_day_file(&name) {
            continue;
        }
        if entry.file_type()?.is_symlink() {
            return Err(Error::usage(format!(
                "{} is a symbolic link: inc does not follow links; copy the file in its place",
                shown.join(&name).display()
            ))
            .into());
        }
        days.push((entry.path(), name));
        if days.len() > MAX_DAYS {
            return Err(Error::usage(format!(
                "{} has more than {MAX_DAYS} day files: import a part with fewer",
                shown.display()
            ))
            .into());
        }
    }
    if days.is_empty() {
        return Err(Error::usage(format!(
            "{} has no YYYY-MM-DD.json files: name a channel's directory of a Slack export",
            shown.display()
        ))
        .into());
    }
    days.sort();
    Ok(days)
}

fn is_day_file(name: &str) -> bool {
    let Some(date) = name.strip_suffix(".json") else {
        return false;
    };
    date.len() == 10
        && date.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        })
}

fn json_error(shown: &Path, text: &str, base: usize, err: &serde_json::Error) -> Error {
    let offset = base + offset_of(&text[base..], err.line(), err.column());
    let (line, column) = super::position(text, offset);
    let message = err.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    Error::File {
        path: shown.to_path_buf(),
        line,
        column,
        message: format!("{message}: not a Slack export file as expected"),
    }
}

/// Who wrote a message: the name users.json gives, else the message's own profile or bot name,
/// else the Slack user id.
fn author(message: &Message, users: &HashMap<String, String>) -> String {
    let from_users = message.user.as_ref().and_then(|u| users.get(u)).cloned();
    let from_profile = message
        .user_profile
        .as_ref()
        .and_then(|p| p.real_name.clone().or(p.display_name.clone()));
    [
        from_users,
        from_profile,
        message.username.clone(),
        message.user.clone(),
    ]
    .into_iter()
    .flatten()
    .map(|n| n.trim().to_string())
    .find(|n| !n.is_empty())
    .unwrap_or_else(|| "slack".to_string())
}

/// Slack's markup as people read it: `<@U123>` → `@Real Name`, `<#C1|general>` → `#general`,
/// `<!here>` → `@here`, `<https://x|label>` → `label (https://x)`, and `&lt;` `&gt;` `&amp;`
/// as the characters.
pub fn readable(text: &str, users: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('>') {
            Some(close) => {
                out.push_str(&markup(&after[..close], users));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn markup(inner: &str, users: &HashMap<String, String>) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((target, label)) => (target, Some(label).filter(|l| !l.is_empty())),
        None => (inner, None),
    };
    if let Some(user) = target.strip_prefix('@') {
        let name = label
            .map(String::from)
            .or_else(|| users.get(user).cloned())
            .unwrap_or_else(|| user.to_string());
        return format!("@{}", name.trim_start_matches('@'));
    }
    if let Some(channel) = target.strip_prefix('#') {
        return format!("#{}", label.unwrap_or(channel));
    }
    if let Some(special) = target.strip_prefix('!') {
        if let Some(label) = label {
            return label.to_string();
        }
        let word = special.split('^').next().unwrap_or(special);
        return format!("@{word}");
    }
    let bare = target.strip_prefix("mailto:").unwrap_or(target);
    match label {
        Some(label) if label != target && label != bare => format!("{label} ({bare})"),
        _ => bare.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_reads_as_text() {
        let users = HashMap::from([("U1".to_string(), "Alice Ng".to_string())]);
        assert_eq!(
            readable(
                "<@U1> see <https://x.io/a|the graph> and <https://y.io>, <#C9|ops> <!here> &lt;3 &amp;lt;",
                &users
            ),
            "@Alice Ng see the graph (https://x.io/a) and https://y.io, #ops @here <3 &lt;"
        );
        assert_eq!(
            readable("<@U2|bob> <mailto:a@b.c|a@b.c> a < b", &users),
            "@bob a@b.c a < b"
        );
    }

    #[test]
    fn day_files_are_dates() {
        assert!(is_day_file("2026-11-22.json"));
        assert!(!is_day_file("users.json"));
        assert!(!is_day_file("2026-11-22.json.bak"));
    }
}

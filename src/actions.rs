//! Follow-ups across incidents: every post-mortem's Improvements with a short id each, whether
//! they are overdue, finding one by `INCIDENT#ID` or a bare id, and ticking or reopening one by
//! rewriting its line of postmortem.md (the rest of the file stays byte for byte).
//!
//! Ids live in the item's parentheses (`id: k3m9p`) so they survive reordering and rewording.
//! An item without one has a provisional id derived from its incident and its text; inc writes
//! that same id into the file the next time it writes the file, so an id printed by a read-only
//! `inc actions` keeps working afterwards.

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::civil::Date;

use crate::error::Error;
use crate::model::postmortem::{self, Improvement, Postmortem};
use crate::store::Store;
use crate::store::layout::POSTMORTEM_FILE;
use crate::time::Clock;

/// Characters of an id, from the entry id alphabet (no 0/o, 1/l/i look-alikes).
const ID_LEN: usize = 5;

/// One Improvement of one incident's post-mortem.
#[derive(Clone, Debug)]
pub struct Action {
    pub incident: String,
    pub id: String,
    /// The id is not in the file yet (see the module header).
    pub provisional: bool,
    pub overdue: bool,
    /// postmortem.md, relative to the repository root with `/`.
    pub file: String,
    pub item: Improvement,
}

impl Action {
    pub fn name(&self) -> String {
        format!("{}#{}", self.incident, self.id)
    }
}

/// Today's date on the command's clock (`INC_NOW` pins it).
pub fn today(clock: &Clock) -> Date {
    clock.now().in_tz(clock.tz()).date()
}

/// An open item whose due date (YYYY-MM-DD) is before `today`.
pub fn overdue(item: &Improvement, today: Date) -> bool {
    !item.done
        && item
            .due
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
            .is_some_and(|due| due < today)
}

/// The id an item without one gets: a hash of its incident and text, so the same item gets the
/// same id on every machine until it is written down.
fn derived_id(incident: &str, text: &str, attempt: u32) -> String {
    crate::model::log::hashed_id(
        &[
            incident.as_bytes(),
            b"\n",
            text.as_bytes(),
            &attempt.to_le_bytes(),
        ],
        ID_LEN,
    )
}

/// Each item's id and whether it is provisional, unique within the file: written ids first, then
/// derived ones that avoid them.
pub fn ids(incident: &str, items: &[Improvement]) -> Vec<(String, bool)> {
    let mut taken: Vec<String> = items
        .iter()
        .filter_map(|i| i.id.as_ref().map(|id| id.to_lowercase()))
        .collect();
    items
        .iter()
        .map(|item| match &item.id {
            Some(id) => (id.clone(), false),
            None => {
                let id = (0..)
                    .map(|attempt| derived_id(incident, &item.text, attempt))
                    .find(|id| !taken.contains(id))
                    .expect("an unused id");
                taken.push(id.clone());
                (id, true)
            }
        })
        .collect()
}

/// The actions of one parsed post-mortem, in file order.
pub fn of(incident: &str, file: &str, pm: &Postmortem, today: Date) -> Vec<Action> {
    ids(incident, &pm.improvements)
        .into_iter()
        .zip(&pm.improvements)
        .map(|((id, provisional), item)| Action {
            incident: incident.to_string(),
            id,
            provisional,
            overdue: overdue(item, today),
            file: file.to_string(),
            item: item.clone(),
        })
        .collect()
}

/// postmortem.md of an incident, relative to the repository, for messages and JSON.
pub fn file_of(store: &Store, incident: &str) -> (PathBuf, String) {
    let path = store.incident_dir(incident).join(POSTMORTEM_FILE);
    let shown = store
        .display(&path)
        .to_string()
        .replace(std::path::MAIN_SEPARATOR, "/");
    (path, shown)
}

/// The actions of some incidents, and the post-mortems among them that could not be read.
pub struct Loaded {
    pub actions: Vec<Action>,
    /// (incident, why) for each post-mortem that does not parse.
    pub broken: Vec<(String, anyhow::Error)>,
}

/// The actions of the incidents `incidents`, in that order.
pub fn load(store: &Store, incidents: &[String], today: Date) -> Result<Loaded> {
    let mut loaded = Loaded {
        actions: Vec::new(),
        broken: Vec::new(),
    };
    for incident in incidents {
        let (_, shown) = file_of(store, incident);
        match store.load_postmortem(incident) {
            Ok(Some(pm)) => loaded.actions.extend(of(incident, &shown, &pm, today)),
            Ok(None) => {}
            Err(err) => loaded.broken.push((incident.clone(), err)),
        }
    }
    Ok(loaded)
}

/// The action `query` names among `incidents`: see [`Loaded::find`].
pub fn find(store: &Store, incidents: &[String], query: &str, today: Date) -> Result<Action> {
    load(store, incidents, today)?.find(store, query)
}

impl Loaded {
    /// The action `query` names: `INCIDENT#ID` (INCIDENT as `-i` matches it) or a bare id unique
    /// among the loaded ones. A post-mortem that does not parse could hold the id, so the query
    /// is refused while one it could be in is broken.
    pub fn find(&self, store: &Store, query: &str) -> Result<Action> {
        let query = query.trim();
        let (incident, id) = match query.split_once('#') {
            Some((incident, id)) => (Some(store.resolve(incident.trim())?), id.trim()),
            None => (None, query),
        };
        if id.is_empty() {
            return Err(Error::usage(format!(
                "\"{query}\" names no action: give INCIDENT#ID or an id `inc actions` prints"
            ))
            .into());
        }
        let within = |name: &str| incident.as_deref().is_none_or(|i| i == name);
        if let Some((_, err)) = self.broken.iter().find(|(name, _)| within(name)) {
            return Err(anyhow::anyhow!(
                "cannot look for action \"{id}\": a post-mortem does not parse; fix it first: {err:#}"
            ));
        }
        let found: Vec<&Action> = self
            .actions
            .iter()
            .filter(|a| within(&a.incident) && a.id.eq_ignore_ascii_case(id))
            .collect();
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::usage(format!(
                "no action has id \"{id}\"{}: `inc actions --all` lists every id",
                incident.map(|i| format!(" in {i}")).unwrap_or_default()
            ))
            .into()),
            many => {
                let names: Vec<String> = many.iter().map(|a| a.name()).collect();
                Err(Error::usage(format!(
                    "\"{id}\" is the id of {} actions: {}; give INCIDENT#ID",
                    many.len(),
                    names.join(", ")
                ))
                .into())
            }
        }
    }
}

/// What to do to one item.
#[derive(Clone, Debug)]
pub enum Change {
    /// Tick it, with when (YYYY-MM-DD), who, and optionally a new ref (a ticket, `--ref`) or the
    /// commit that did it (a `Fixes-Action:` trailer). The commit goes beside the ref rather than
    /// over it: the ticket a tracker knows the action by must survive the scan.
    Done {
        on: String,
        by: String,
        reference: Option<String>,
        commit: Option<String>,
    },
    /// Untick it and forget when, by whom and by which commit (its ref stays).
    Reopen,
}

/// Refuses a value that would break the attribute list it goes in (or a line of Markdown).
pub fn check_value(what: &str, value: &str) -> Result<(), Error> {
    let value = value.trim();
    if value.is_empty()
        || value
            .chars()
            .any(|c| matches!(c, ',' | '(' | ')') || c.is_control())
    {
        return Err(Error::usage(format!(
            "{what} \"{}\" cannot go in an Improvement's attributes: it must be one line, not empty, without commas or parentheses",
            crate::text::escape_controls(value)
        )));
    }
    Ok(())
}

/// `text` (postmortem.md of `incident`) with `change` made to the item with id `target` (none:
/// no change) and an id written on every item that has none. Only the lines of the items touched
/// change; line endings are kept. The result is parsed again and refused unless it says what was
/// meant, so a line inc cannot rewrite safely is never half-rewritten.
pub fn rewrite(
    path: &Path,
    text: &str,
    incident: &str,
    target: Option<(&str, &Change)>,
) -> Result<String> {
    let pm = postmortem::parse(path, text)?;
    let ids = ids(incident, &pm.improvements);
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    for (item, (id, provisional)) in pm.improvements.iter().zip(&ids) {
        let change = target
            .filter(|(wanted, _)| id.eq_ignore_ascii_case(wanted))
            .map(|(_, change)| change);
        if change.is_none() && !provisional {
            continue;
        }
        let mut set: Vec<(&str, Option<String>)> = Vec::new();
        if *provisional {
            set.push(("id", Some(id.clone())));
        }
        let mut tick = None;
        match change {
            Some(Change::Done {
                on,
                by,
                reference,
                commit,
            }) => {
                tick = Some(true);
                set.push(("done", Some(on.clone())));
                set.push(("by", Some(by.clone())));
                if let Some(reference) = reference {
                    set.push(("ref", Some(reference.clone())));
                }
                if let Some(commit) = commit {
                    set.push(("commit", Some(commit.clone())));
                }
            }
            Some(Change::Reopen) => {
                tick = Some(false);
                set.push(("done", None));
                set.push(("by", None));
                set.push(("commit", None));
            }
            None => {}
        }
        let has_attributes = item.owner.is_some()
            || item.due.is_some()
            || item.kind.is_some()
            || item.reference.is_some()
            || item.id.is_some()
            || item.done_on.is_some()
            || item.done_by.is_some()
            || item.commit.is_some()
            || !item.unknown.is_empty();
        let last = last_line(&lines, item.line, item.end_line);
        let edited = with_attributes(&lines[last - 1], has_attributes, &set).ok_or_else(|| {
            unrewritable(
                path,
                item,
                "its attributes in parentheses are not on its last line",
            )
        })?;
        lines[last - 1] = edited;
        if let Some(done) = tick {
            let first = item.line as usize - 1;
            lines[first] = with_box(&lines[first], item.column as usize - 1, done)
                .ok_or_else(|| unrewritable(path, item, "no list marker where it starts"))?;
        }
    }
    let new = lines.concat();
    // What inc meant to write must read back as meant.
    let after = postmortem::parse(path, &new)?;
    let as_meant = |(before, (after, (id, _))): (&Improvement, (&Improvement, &(String, bool)))| {
        let state_ok = match target {
            Some((wanted, change)) if id.eq_ignore_ascii_case(wanted) => match change {
                // A ticket ref is kept unless `--ref` replaced it.
                Change::Done {
                    reference, commit, ..
                } => {
                    after.done
                        && after.reference.as_ref()
                            == reference.as_ref().or(before.reference.as_ref())
                        && after.commit.as_ref() == commit.as_ref().or(before.commit.as_ref())
                }
                Change::Reopen => {
                    !after.done && after.reference == before.reference && after.commit.is_none()
                }
            },
            _ => {
                after.done == before.done
                    && after.reference == before.reference
                    && after.commit == before.commit
            }
        };
        state_ok
            && after.id.as_deref() == Some(id.as_str())
            && after.text == before.text
            && after.owner == before.owner
            && after.due == before.due
            && after.kind == before.kind
            && after.unknown == before.unknown
    };
    let wrong = if after.improvements.len() == pm.improvements.len() {
        pm.improvements
            .iter()
            .zip(after.improvements.iter().zip(&ids))
            .position(|pair| !as_meant(pair))
    } else {
        Some(0)
    };
    if let Some(index) = wrong {
        let item = &pm.improvements[index];
        return Err(Error::File {
            path: path.to_path_buf(),
            line: item.line,
            column: item.column,
            message: "inc cannot rewrite this Improvement safely (its list marker or parentheses are unusual): write `- [x]` and `(…, id: ID)` by hand".into(),
        }
        .into());
    }
    Ok(new)
}

fn unrewritable(path: &Path, item: &Improvement, why: &str) -> anyhow::Error {
    Error::File {
        path: path.to_path_buf(),
        line: item.line,
        column: item.column,
        message: format!(
            "inc cannot rewrite this Improvement: {why}; put the item's attributes at the end of its last line"
        ),
    }
    .into()
}

/// The 1-based number of the item's last non-blank line.
fn last_line(lines: &[String], first: u64, end: u64) -> usize {
    let first = first as usize;
    let end = (end as usize).clamp(first, lines.len());
    (first..=end)
        .rev()
        .find(|&n| !lines[n - 1].trim().is_empty())
        .unwrap_or(first)
}

/// Splits a line into its content and its ending (`\n`, `\r\n` or nothing).
fn split_ending(line: &str) -> (&str, &str) {
    let content = line.trim_end_matches(['\n', '\r']);
    (content, &line[content.len()..])
}

/// The line with its attribute list changed: each `(key, Some(value))` set (replacing the key's
/// value, or added at the end), each `(key, None)` removed. Other attributes keep their order.
fn with_attributes(
    line: &str,
    has_attributes: bool,
    set: &[(&str, Option<String>)],
) -> Option<String> {
    let (content, ending) = split_ending(line);
    let body = content.trim_end();
    let trailing = &content[body.len()..];
    let (before, mut parts) = if has_attributes {
        let open = body.strip_suffix(')')?.rfind('(')?;
        let inner = &body[open + 1..body.len() - 1];
        let parts: Vec<(String, Option<String>)> = inner
            .split(',')
            .map(|part| match part.split_once(':') {
                Some((k, v)) => (k.trim().to_string(), Some(v.trim().to_string())),
                None => (part.trim().to_string(), None),
            })
            .collect();
        (body[..open].trim_end().to_string(), parts)
    } else {
        (body.to_string(), Vec::new())
    };
    for (key, value) in set {
        let at = parts
            .iter()
            .position(|(k, v)| v.is_some() && k.eq_ignore_ascii_case(key));
        match (at, value) {
            (Some(at), Some(value)) => parts[at].1 = Some(value.clone()),
            (None, Some(value)) => parts.push((key.to_string(), Some(value.clone()))),
            (Some(at), None) => {
                parts.remove(at);
            }
            (None, None) => {}
        }
    }
    parts.retain(|(k, v)| v.is_some() || !k.is_empty());
    if parts.is_empty() {
        return Some(format!("{before}{trailing}{ending}"));
    }
    let list: Vec<String> = parts
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}: {v}"),
            None => k.clone(),
        })
        .collect();
    Some(format!("{before} ({}){trailing}{ending}", list.join(", ")))
}

/// The line with the task box after the list marker at byte `column` ticked or not (added when
/// the item has none).
fn with_box(line: &str, column: usize, done: bool) -> Option<String> {
    let rest = line.get(column..)?;
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let spaces = rest[marker..].bytes().take_while(|&b| b == b' ').count();
    let at = column + marker + spaces;
    let mark = if done { "[x]" } else { "[ ]" };
    let after = &line[at..];
    if ["[ ]", "[x]", "[X]"].iter().any(|b| after.starts_with(b)) {
        Some(format!("{}{mark}{}", &line[..at], &after[3..]))
    } else {
        let gap = if spaces == 0 { " " } else { "" };
        Some(format!("{}{gap}{mark} {after}", &line[..at]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PM: &str = "---\r\nstatus: draft\r\nincident: x\r\n---\r\n## Improvements\r\n\r\n- [ ] Load-test the pool (owner: carol, due: 2026-12-15)\r\n- [x] Page on exhaustion (owner: bob, id: ab3)\r\n- Plain (in parentheses)\r\n";

    #[test]
    fn done_rewrites_one_line_and_keeps_crlf() {
        let path = Path::new("postmortem.md");
        let change = Change::Done {
            on: "2026-12-01".into(),
            by: "dave".into(),
            reference: Some("OPS-1".into()),
            commit: None,
        };
        let new = rewrite(path, PM, "x", Some(("ab3", &change))).unwrap();
        let old: Vec<&str> = PM.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        assert_eq!(
            new_lines[7],
            "- [x] Page on exhaustion (owner: bob, id: ab3, done: 2026-12-01, by: dave, ref: OPS-1)\r\n"
        );
        // The others got ids, and nothing else.
        assert!(new_lines[6].ends_with(&format!(
            ", id: {})\r\n",
            ids("x", &parse(PM).improvements)[0].0
        )));
        assert!(new_lines[8].starts_with("- Plain (in parentheses) (id: "));
        assert_eq!(&new_lines[..6], &old[..6]);
        let reopened = rewrite(path, &new, "x", Some(("AB3", &Change::Reopen))).unwrap();
        assert_eq!(
            reopened.split_inclusive('\n').nth(7).unwrap(),
            "- [ ] Page on exhaustion (owner: bob, id: ab3, ref: OPS-1)\r\n"
        );
    }

    #[test]
    fn provisional_ids_are_stable_and_unique() {
        let pm = parse(PM);
        let first = ids("x", &pm.improvements);
        assert_eq!(first, ids("x", &pm.improvements));
        assert_eq!(first[1], ("ab3".to_string(), false));
        assert!(first[0].1 && first[0].0.len() == ID_LEN);
        assert_ne!(first[0].0, ids("y", &pm.improvements)[0].0);
    }

    #[test]
    fn provisional_ids_are_pinned_because_every_machine_must_print_the_same() {
        assert_eq!(derived_id("x", "Load-test the pool", 0), "vaquh");
        assert_eq!(
            derived_id("2026-11-22-checkout-api-down", "Page on exhaustion", 3),
            "992e9"
        );
    }

    #[test]
    fn a_wrapped_item_gets_its_attributes_on_its_last_line() {
        let text = "---\nstatus: draft\nincident: x\n---\n## Improvements\n\n- [ ] A long action\n  that wraps (owner: a, id: w1)\n- [ ] Next (owner: b, id: n2)\n";
        let change = Change::Done {
            on: "2026-12-01".into(),
            by: "d".into(),
            reference: None,
            commit: None,
        };
        let new = rewrite(Path::new("p.md"), text, "x", Some(("w1", &change))).unwrap();
        assert_eq!(
            new,
            text.replace("- [ ] A long", "- [x] A long")
                .replace("id: w1)", "id: w1, done: 2026-12-01, by: d)")
        );
    }

    #[test]
    fn an_item_with_a_sub_list_keeps_its_attributes_on_its_own_line() {
        let text = "---\nstatus: draft\nincident: x\n---\n## Improvements\n\n- [x] Parent (owner: a, id: p1)\n  - a detail (not an attribute)\n";
        let new = rewrite(Path::new("p.md"), text, "x", Some(("p1", &Change::Reopen))).unwrap();
        assert_eq!(new, text.replace("- [x]", "- [ ]"));
    }

    #[test]
    fn attributes_split_over_lines_are_refused_not_half_rewritten() {
        let text = "---\nstatus: draft\nincident: x\n---\n## Improvements\n\n- [ ] Item (owner: a,\n  id: p1)\n";
        let err = rewrite(Path::new("p.md"), text, "x", Some(("p1", &Change::Reopen)))
            .map(|_| ())
            .unwrap_err();
        assert!(err.to_string().contains("p.md:7:1"), "{err}");
    }

    #[test]
    fn boxes_are_ticked_or_added() {
        assert_eq!(with_box("  - [ ] a", 2, true).unwrap(), "  - [x] a");
        assert_eq!(with_box("1. a", 0, true).unwrap(), "1. [x] a");
        assert_eq!(with_box("text", 0, true), None);
    }

    fn parse(text: &str) -> Postmortem {
        postmortem::parse(Path::new("p.md"), text).unwrap()
    }
}

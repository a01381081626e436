//! The names people type for severities, roles, audiences, channels, milestones and statuses,
//! matched to the one canonical name inc stores. At 3 a.m. people type `sev1`, `1`, `IC`, `exec` or
//! `ack`: those are accepted, a real typo still gets a "did you mean".
//!
//! In order: the name in any case (and with spaces, `-` or `_` left out or added: `status page`,
//! `sev 1`); an alias from `.inc.yaml`; a built-in alias; for severities, a bare number (`1` for
//! `SEV1`); a unique prefix (`mon` for monitoring). Aliases only ever point at configured names.

use std::collections::BTreeMap;

use crate::error::{Error, did_you_mean, unknown_name};
use crate::model::{Milestone, Status};

/// One kind of name: what messages call it, and the aliases every repository has.
pub struct Vocabulary {
    /// "role", "audience" …, for error messages.
    pub what: &'static str,
    /// Built-in alias → canonical name. An alias whose name is not configured is skipped.
    pub builtin: &'static [(&'static str, &'static str)],
    /// Whether a bare number names the one name ending in it (`1` for `SEV1` or `P1`).
    pub numbered: bool,
}

pub const SEVERITY: Vocabulary = Vocabulary {
    what: "severity",
    builtin: &[],
    numbered: true,
};

pub const ROLE: Vocabulary = Vocabulary {
    what: "role",
    builtin: &[
        ("ic", "incident-lead"),
        ("il", "incident-lead"),
        ("lead", "incident-lead"),
        ("commander", "incident-lead"),
        ("incident-commander", "incident-lead"),
        ("tl", "technical-lead"),
        ("tech", "technical-lead"),
        ("tech-lead", "technical-lead"),
        ("ta", "technical-assist"),
        ("assist", "technical-assist"),
        ("comms", "comms-lead"),
        ("cl", "comms-lead"),
    ],
    numbered: false,
};

pub const AUDIENCE: Vocabulary = Vocabulary {
    what: "audience",
    builtin: &[
        ("exec", "executives"),
        ("execs", "executives"),
        ("customer", "customers"),
        ("public", "customers"),
        ("team", "internal"),
        ("staff", "internal"),
    ],
    numbered: false,
};

pub const CHANNEL: Vocabulary = Vocabulary {
    what: "channel",
    builtin: &[("mail", "email"), ("statuspage", "status-page")],
    numbered: false,
};

pub const MILESTONE: Vocabulary = Vocabulary {
    what: "milestone",
    builtin: &[
        ("ack", "acknowledged"),
        ("acked", "acknowledged"),
        ("start", "started"),
        ("detect", "detected"),
        ("mitigate", "mitigated"),
        ("mitigation", "mitigated"),
        ("resolve", "resolved"),
        ("resolution", "resolved"),
    ],
    numbered: false,
};

pub const TYPE: Vocabulary = Vocabulary {
    what: "type",
    builtin: &[
        ("drill", "game-day"),
        ("exercise", "game-day"),
        ("false-positive", "false-alarm"),
        ("real", "incident"),
    ],
    numbered: false,
};

pub const STATUS: Vocabulary = Vocabulary {
    what: "status",
    builtin: &[
        ("investigate", "investigating"),
        ("identify", "identified"),
        ("monitor", "monitoring"),
        ("resolve", "resolved"),
        ("close", "closed"),
    ],
    numbered: false,
};

/// The canonical name in `names` that `input` means, or a usage error that says why not:
/// several names start with it, or none is close (with the closest as "did you mean").
/// `configured` holds the repository's own aliases (alias → name).
pub fn find<'a, S: AsRef<str>>(
    vocabulary: &Vocabulary,
    names: &'a [S],
    configured: &BTreeMap<String, String>,
    input: &str,
) -> Result<&'a str, Error> {
    let names: Vec<&'a str> = names.iter().map(AsRef::as_ref).collect();
    let typed = input.trim();
    let key = loose(typed);
    // Alias → the configured name it stands for; configured aliases first, so they win.
    let aliases: Vec<(&str, &'a str)> = configured
        .iter()
        .map(|(a, n)| (a.as_str(), n.as_str()))
        .chain(vocabulary.builtin.iter().copied())
        .filter_map(|(alias, target)| {
            let name = names.iter().find(|n| loose(n) == loose(target))?;
            Some((alias, *name))
        })
        .collect();
    let unknown = || unknown(vocabulary.what, typed, &names, &aliases);
    if key.is_empty() {
        return Err(unknown());
    }
    if let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(typed)) {
        return Ok(name);
    }
    if let Some(name) = names.iter().find(|n| loose(n) == key) {
        return Ok(name);
    }
    if let Some((_, name)) = aliases.iter().find(|(alias, _)| loose(alias) == key) {
        return Ok(name);
    }
    if vocabulary.numbered && key.chars().all(|c| c.is_ascii_digit()) {
        let numbered: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| trailing_number(n).is_some_and(|d| d == key.trim_start_matches('0')))
            .collect();
        if let [one] = numbered.as_slice() {
            return Ok(one);
        }
    }
    let starting: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| loose(n).starts_with(&key))
        .collect();
    match starting.as_slice() {
        [one] => Ok(one),
        [] => Err(unknown()),
        many => Err(Error::usage(format!(
            "{} \"{typed}\" could be {}: type more of it",
            vocabulary.what,
            or_list(many)
        ))),
    }
}

/// `unknown role "scirbe" (did you mean scribe?): use one of …`; the suggestion may come from an
/// alias (`ackk` suggests acknowledged), but the list names only the names themselves.
fn unknown(what: &str, typed: &str, names: &[&str], aliases: &[(&str, &str)]) -> Error {
    let candidates: Vec<&str> = names
        .iter()
        .copied()
        .chain(aliases.iter().map(|(alias, _)| *alias))
        .collect();
    let Some(close) = did_you_mean(typed, &candidates) else {
        return unknown_name(what, typed, names);
    };
    let name = aliases
        .iter()
        .find(|(alias, _)| *alias == close)
        .map_or(close, |(_, name)| *name);
    Error::usage(format!(
        "unknown {what} \"{typed}\" (did you mean {name}?): use one of {}",
        names.join(", ")
    ))
}

/// A status as typed: `monitoring`, `Monitoring`, `mon`, `monitor`.
pub fn status(input: &str) -> Result<Status, Error> {
    let names = Status::names();
    let name = find(&STATUS, &names, &BTreeMap::new(), input)?;
    Ok(Status::parse(name).expect("a status name"))
}

/// A milestone as typed: `acknowledged`, `ACK`, `mitigate`.
pub fn milestone(input: &str) -> Result<Milestone, Error> {
    let names = Milestone::names();
    let name = find(&MILESTONE, &names, &BTreeMap::new(), input)?;
    Ok(Milestone::parse(name).expect("a milestone name"))
}

/// A name compared loosely: lower case, without spaces, `-` and `_`.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The number a name ends in, without leading zeros: `1` for `SEV1` and `P01`.
fn trailing_number(name: &str) -> Option<&str> {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    (digits > 0).then(|| name[name.len() - digits..].trim_start_matches('0'))
}

/// "a, b or c".
fn or_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEVERITIES: [&str; 4] = ["SEV1", "SEV2", "SEV3", "SEV4"];
    const ROLES: [&str; 6] = [
        "incident-lead",
        "technical-lead",
        "technical-assist",
        "scribe",
        "comms-lead",
        "tester",
    ];

    fn none() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    #[test]
    fn severities_by_number_and_in_any_case() {
        for typed in ["SEV1", "sev1", "Sev 1", "sev-1", "1", " 1 ", "01"] {
            assert_eq!(
                find(&SEVERITY, &SEVERITIES, &none(), typed).unwrap(),
                "SEV1"
            );
        }
        assert_eq!(
            find(&SEVERITY, &["P1", "P2"], &none(), "2").unwrap(),
            "P2",
            "any naming that ends in the number"
        );
        let err = find(&SEVERITY, &SEVERITIES, &none(), "5").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown severity \"5\": use one of SEV1, SEV2, SEV3, SEV4"
        );
        let err = find(&SEVERITY, &SEVERITIES, &none(), "SEV").unwrap_err();
        assert_eq!(
            err.to_string(),
            "severity \"SEV\" could be SEV1, SEV2, SEV3 or SEV4: type more of it"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn roles_by_alias_and_unique_prefix() {
        for (typed, role) in [
            ("IC", "incident-lead"),
            ("lead", "incident-lead"),
            ("Incident Lead", "incident-lead"),
            ("comms", "comms-lead"),
            ("tech", "technical-lead"),
            ("scr", "scribe"),
            ("technical-a", "technical-assist"),
        ] {
            assert_eq!(
                find(&ROLE, &ROLES, &none(), typed).unwrap(),
                role,
                "{typed}"
            );
        }
        let err = find(&ROLE, &ROLES, &none(), "te").unwrap_err();
        assert_eq!(
            err.to_string(),
            "role \"te\" could be technical-lead, technical-assist or tester: type more of it"
        );
    }

    #[test]
    fn typos_still_get_a_suggestion() {
        let err = find(&ROLE, &ROLES, &none(), "scirbe").unwrap_err();
        assert!(err.to_string().contains("did you mean scribe?"), "{err}");
        let err = milestone("mitgated").unwrap_err();
        assert!(err.to_string().contains("did you mean mitigated?"), "{err}");
        let err = milestone("ackk").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown milestone \"ackk\" (did you mean acknowledged?): use one of started, detected, acknowledged, mitigated, resolved"
        );
    }

    #[test]
    fn configured_aliases_come_before_built_in_ones_and_prefixes() {
        let configured = BTreeMap::from([
            ("lead".to_string(), "technical-lead".to_string()),
            ("s".to_string(), "scribe".to_string()),
        ]);
        assert_eq!(
            find(&ROLE, &ROLES, &configured, "LEAD").unwrap(),
            "technical-lead"
        );
        assert_eq!(find(&ROLE, &ROLES, &configured, "s").unwrap(), "scribe");
    }

    #[test]
    fn built_in_aliases_need_their_name_configured() {
        let roles = ["boss", "scribe"];
        assert!(find(&ROLE, &roles, &none(), "ic").is_err());
        assert_eq!(find(&ROLE, &roles, &none(), "b").unwrap(), "boss");
    }

    #[test]
    fn milestones_and_statuses() {
        assert_eq!(milestone("ack").unwrap(), Milestone::Acknowledged);
        assert_eq!(milestone("ACK").unwrap(), Milestone::Acknowledged);
        assert_eq!(milestone("Mitigated").unwrap(), Milestone::Mitigated);
        assert_eq!(status("MON").unwrap(), Status::Monitoring);
        assert_eq!(status("Investigate").unwrap(), Status::Investigating);
        assert!(status("").is_err());
    }
}

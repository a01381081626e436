//! The `.inc.yaml` that `inc init` writes: every default, each with a comment saying what it is for.

/// The file `inc init` writes: the defaults, each documented, so people can see what to change.
pub fn default_file(incidents_dir: &str) -> String {
    let maintenance_dir = super::Config {
        incidents_dir: incidents_dir.to_string(),
        ..super::Config::default()
    }
    .maintenance_dir();
    format!(
        r#"# yaml-language-server: $schema=.inc/schemas/config.schema.json
# inc configuration. Every key is optional; the values below are the defaults.
# Docs: docs/format.md in the inc repository.

# Where incident directories live, relative to this file.
incidents_dir: {incidents_dir}

# Where scheduled maintenance windows live (`inc maintenance`), relative to this file.
maintenance_dir: {maintenance_dir}

# Commit every change inc makes (false: write the files only, like --no-commit).
commit: true

# Severity names, worst first.
severities: [SEV1, SEV2, SEV3, SEV4]

# Severity of `inc open` when --sev is not given.
default_severity: SEV3

# What each severity means (`inc sev --list`; `inc open` offers them on a terminal), and whether
# a resolved incident owes a post-mortem: `postmortem: required` (the default) or `optional`.
# `postmortem_due_days: N` overrides the top-level postmortem_due_days for one severity.
# `public_label` is what customers read instead of the name; `public_state` how the status page
# (inc site --public) shows the services an open incident hits: outage, degraded or operational.
severity_definitions:
  SEV1:
    description: "Critical: a core service is down or data is at risk"
    criteria:
      - most customers cannot use a core service
      - data loss, corruption or a security breach
      - no workaround
    postmortem: required
    public_label: Major outage
    public_state: outage
  SEV2:
    description: "Major: a core service is badly degraded or down for some customers"
    criteria:
      - a core feature fails for a part of the customers
      - severe slowness or errors that customers notice
      - a workaround exists but is costly
    postmortem: required
    public_label: Partial outage
    public_state: outage
  SEV3:
    description: "Minor: a limited or partial problem"
    criteria:
      - a non-core feature is impaired
      - few customers affected, or a workaround exists
    postmortem: required
    public_label: Degraded performance
    public_state: degraded
  SEV4:
    description: "Low: no customer impact yet"
    criteria:
      - a risk to fix before it grows (a failed redundancy, a near-miss)
      - cosmetic problems
    postmortem: required
    public_label: Minor issue
    public_state: degraded

# Roles people hold during an incident (`inc role ROLE PERSON`).
roles: [incident-lead, technical-lead, technical-assist, scribe, comms-lead, tester]

# Who updates go to (`inc comms MESSAGE --to AUDIENCE`), and where they are sent.
audiences: [internal, customers, executives]
channels: [email, chat, status-page, phone]

# Audiences that need updates from the moment an incident opens. Others are tracked once they
# have had a first update.
required_updates: [internal, customers]

# Update cadence: not more often than every `min`, never more than `max` without an update.
# `default` applies to severities not listed. An audience may have its own intervals, at every
# severity (`executives: {{min: 2h, max: 4h}}`) or per severity
# (`executives: {{SEV1: {{min: 1h, max: 2h}}, default: {{min: 2h, max: 4h}}}}`).
cadence:
  default: {{min: 30m, max: 60m}}
  SEV1: {{min: 15m, max: 30m}}

# Hours of each day an audience needs no update (none by default): nothing is due to it then,
# and that time does not count. In `timezone`, or in the zone given after them. For example:
# quiet_hours:
#   executives: 22:00-07:00
#   customers: 23:00-06:00 America/New_York

# `inc check` warns when a resolved incident has no post-mortem after this many days.
postmortem_due_days: 5

# Other names people may type, on top of the built-in ones (IC and lead for incident-lead, exec
# for executives, 1 for SEV1 …). Per kind: alias: name. For example:
# aliases:
#   roles: {{boss: incident-lead}}
#   channels: {{slack: chat}}
#   people: {{jdoe: Jane Doe}}    (other names people go by; public outputs replace them too)

# Service level targets (none by default): per severity, or `default` for the others, how soon
# an incident must be acknowledged (respond) and resolved, counted from its detection. E.g.:
# sla:
#   SEV1: {{respond: 15m, resolve: 4h}}
#   default: {{respond: 1h}}

# The time zone of the times in reports and post-mortems (an IANA name, like Europe/Berlin).
timezone: UTC

# Which logbook entries public outputs (the external report, updates to customers, inc site
# --public, inc export --public) show besides the milestones and the updates to customers:
# `marked` (entries logged with --public), `marked-and-key` (and entries logged with --key, as
# before --public existed) or `all`. Entries logged with --internal are never shown.
public_entries: marked

# What leaves the team (docs/site.md). An incident without a public_title is called by this
# title outside, {{services}} being the services hit (or no_services) and {{date}} the day it began.
# public:
#   audiences: [customers]
#   title: "Disruption to {{services}} on {{date}}"
#   no_services: our service

# Kinds of incident (`inc open --type TYPE`); `incident` is the type of every incident that does
# not name one. `inc stats` leaves out the types with exclude_from_metrics (unless --include-all);
# `postmortem: optional` (or `required`) overrides the severity's post-mortem rule for the type.
types:
  incident: {{}}
  game-day: {{exclude_from_metrics: true, postmortem: optional}}
  false-alarm: {{exclude_from_metrics: true, postmortem: optional}}

# The largest file `inc attach` copies into an incident (like 500kB, 5MB); keep bigger ones in
# Git LFS (docs/format.md).
attachments:
  max_size: 5MB

# How long a hook in .inc/hooks/, and what it started, may run before they are killed (at most
# 60s; docs/guide.md, Hooks). Hooks run only in a clone that enabled them:
# `git config inc.hooks true`.
hooks:
  timeout: 10s

# Where `inc comms --send` posts updates, per channel (none by default): the address (`url`), or
# the environment variable that holds it (`url_env`, keeps a token out of git), and the `style` of
# body: slack, teams or json. For example:
# webhooks:
#   chat: {{url_env: CHAT_WEBHOOK_URL, style: slack}}
"#
    )
}

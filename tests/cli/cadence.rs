//! Issue 26, point 5: a cadence that fits people. Intervals per audience and severity, quiet
//! hours, `inc comms snooze`, `comms-gap` judging each stretch by the severity then in force, and
//! a retried delivery counting from when it was delivered. Time is driven with INC_NOW.

use crate::common::server::Server;
use crate::common::{CHECKOUT, Repo, at};

const ID: &str = "2026-11-22-checkout-down";

/// `inc init`, then `.inc.yaml` with `cadence` extended by `audiences` (lines under it) and
/// `more` appended, committed.
fn repo_with(audiences: &str, more: &str) -> Repo {
    let repo = Repo::new();
    let config = repo.read(".inc.yaml");
    let sev1 = "  SEV1: {min: 15m, max: 30m}\n";
    assert!(config.contains(sev1));
    let config = config.replace(sev1, &format!("{sev1}{audiences}"));
    repo.write(".inc.yaml", &format!("{config}{more}"));
    repo.git(&["commit", "-qam", "cadence", "--allow-empty"]);
    repo
}

/// Opens "Checkout down" at `now` with severity `sev`.
fn open(repo: &Repo, now: &str, sev: &str) {
    repo.ok_at(now, &["open", "Checkout down", "--sev", sev]);
}

fn comms(repo: &Repo, now: &str, audience: &str) -> String {
    repo.ok_at(now, &["comms", "--to", audience, "Still working on it"])
}

/// The dashboard's duty to update executives (`inc status --json`) at `now`.
fn executives_duty(repo: &Repo, now: &str) -> serde_json::Value {
    let board: serde_json::Value =
        serde_json::from_str(&repo.ok_at(now, &["status", "--json"])).unwrap();
    board[0]["duties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["text"] == "update executives")
        .unwrap_or_else(|| panic!("{board}"))
        .clone()
}

/// The `comms_due` entry of `audience` in `inc show --json` at `now`.
fn due(repo: &Repo, now: &str, audience: &str) -> serde_json::Value {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.ok_at(now, &["show", "--json"])).unwrap();
    shown["comms_due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["audience"] == audience)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

/// The messages of `comms-gap` from `inc check` at `now`.
fn gaps(repo: &Repo, now: &str) -> Vec<String> {
    let out = repo
        .cmd()
        .env("INC_NOW", at(now))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == "comms-gap")
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect()
}

fn time(day_time: &str) -> String {
    format!("2026-11-{day_time}:00+00:00")
}

#[test]
fn an_old_cadence_loads_and_behaves_as_before() {
    // `.inc.yaml` as inc wrote it before cadences per audience: one interval per severity.
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.write(
        ".inc.yaml",
        "incidents_dir: incidents\ncommit: true\nseverities: [SEV1, SEV2, SEV3, SEV4]\ndefault_severity: SEV3\n\
         roles: [incident-lead, technical-lead, scribe, comms-lead]\naudiences: [internal, customers, executives]\n\
         channels: [email, chat, status-page, phone]\nrequired_updates: [internal, customers]\n\
         cadence:\n  default: {min: 30m, max: 60m}\n  SEV2: {min: 20m, max: 45m}\npostmortem_due_days: 5\ntimezone: UTC\n",
    );
    open(&repo, "14:00", "SEV2");
    assert_eq!(
        comms(&repo, "14:10", "executives"),
        format!("{ID}: update to executives recorded; the next is due by 14:55\n")
    );
    let executives = due(&repo, "15:00", "executives");
    assert_eq!(executives["due"], time("22T14:55"));
    assert_eq!(executives["not_before"], time("22T14:30"));
    assert_eq!(executives["overdue"], true);
    assert_eq!(executives["quiet"], serde_json::Value::Null);
    assert_eq!(due(&repo, "14:20", "internal")["due"], time("22T14:45"));
    comms(&repo, "15:30", "internal");
    assert_eq!(
        gaps(&repo, "15:30"),
        ["no update to internal for 1h 30m (14:00 to 15:30), longer than the SEV2 cadence of 45m"]
    );
}

#[test]
fn each_audience_has_its_own_intervals_per_severity() {
    let repo = repo_with(
        "  executives:\n    SEV1: {min: 1h, max: 2h}\n    default: {min: 2h, max: 4h}\n  customers: {min: 20m, max: 45m}\n",
        "",
    );
    open(&repo, "14:00", "SEV1");
    assert_eq!(
        comms(&repo, "14:10", "executives"),
        format!("{ID}: update to executives recorded; the next is due by 16:10\n")
    );
    assert_eq!(
        due(&repo, "14:20", "executives")["not_before"],
        time("22T15:10")
    );
    // Customers have one interval at every severity; internal keeps the severity's.
    assert_eq!(due(&repo, "14:20", "customers")["due"], time("22T14:45"));
    assert_eq!(due(&repo, "14:20", "internal")["due"], time("22T14:30"));
    // Executives at SEV1 are not due for two hours: the dashboard does not go red for them.
    let status: serde_json::Value =
        serde_json::from_str(&repo.ok_at("15:00", &["status", "--json"])).unwrap();
    let overdue: Vec<&str> = status[0]["comms_due"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["overdue"] == true)
        .map(|d| d["audience"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["internal", "customers"]);
    // Lowered to SEV3 at 14:30, executives fall back to their own default: 20 minutes used a
    // sixth of SEV1's two hours, five sixths of four hours follow. The check names them.
    repo.ok_at("14:30", &["sev", "SEV3"]);
    comms(&repo, "19:10", "executives");
    let found = gaps(&repo, "19:10");
    assert!(
        found.contains(
            &"no update to executives for 5h (14:10 to 19:10), longer than the SEV3 cadence of 4h for executives; one was due by 17:50"
                .to_string()
        ),
        "{found:?}"
    );
}

#[test]
fn a_cadence_that_names_nothing_known_is_refused_where_it_is() {
    let repo = repo_with("  board: {min: 1h, max: 2h}\n", "");
    let err = repo.fails(1, &["list"]);
    assert_eq!(
        err,
        "error: .inc.yaml:79:3: cadence has \"board\", which is neither default nor one of severities (SEV1, SEV2, SEV3, SEV4) nor of audiences (internal, customers, executives)\n"
    );
    let repo = repo_with("", "quiet_hours:\n  executives: 22:00-7\n");
    let err = repo.fails(1, &["list"]);
    assert!(
        err.contains("\"22:00-7\" is not quiet hours like 22:00-07:00") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn nothing_is_due_in_quiet_hours_and_the_rest_of_the_interval_follows_them() {
    let repo = repo_with(
        "  executives: {min: 1h, max: 2h}\n",
        "quiet_hours:\n  executives: \"22:00-07:00\"\n",
    );
    open(&repo, "14:00", "SEV2");
    // 30 minutes of the two hours run before 22:00; the other 1h 30m after 07:00.
    assert_eq!(
        comms(&repo, "21:30", "executives"),
        format!("{ID}: update to executives recorded; the next is due by 2026-11-23 08:30\n")
    );
    let night = due(&repo, "2026-11-23T03:00:00Z", "executives");
    assert_eq!(night["due"], time("23T08:30"));
    assert_eq!(night["overdue"], false);
    assert_eq!(
        night["quiet"],
        serde_json::json!({"until": time("23T07:00"), "reason": "quiet-hours"})
    );
    // On the dashboard the update waits, later, with why.
    let duty = executives_duty(&repo, "2026-11-23T03:00:00Z");
    assert_eq!(duty["urgency"], "later", "{duty}");
    assert_eq!(duty["quiet"]["until"], time("23T07:00"), "{duty}");
    let show = repo.ok_at("2026-11-23T03:00:00Z", &["show"]);
    assert!(
        show.contains("  executives    quiet until 07:00, last 2026-11-22 21:30"),
        "{show}"
    );
    assert_eq!(
        due(&repo, "2026-11-23T08:31:00Z", "executives")["overdue"],
        true
    );
    // 21:30 to 08:20 counts 1h 50m of the two hours: not late.
    comms(&repo, "2026-11-23T08:20:00Z", "executives");

    // An update due before the night is overdue again once it ends, not during it.
    comms(&repo, "2026-11-23T19:00:00Z", "executives");
    assert_eq!(
        due(&repo, "2026-11-23T23:00:00Z", "executives")["overdue"],
        false
    );
    assert_eq!(
        due(&repo, "2026-11-24T06:59:00Z", "executives")["overdue"],
        false
    );
    assert_eq!(
        due(&repo, "2026-11-24T07:00:01Z", "executives")["overdue"],
        true
    );
    comms(&repo, "2026-11-24T07:30:00Z", "executives");
    let found: Vec<String> = gaps(&repo, "2026-11-24T07:30:00Z")
        .into_iter()
        .filter(|g| g.contains("executives"))
        .collect();
    assert_eq!(
        found,
        [
            "no update to executives for 10h 40m (08:20 to 19:00), longer than the SEV2 cadence of 2h for executives",
            "no update to executives for 12h 30m (2026-11-23 19:00 to 2026-11-24 07:30), longer than the SEV2 cadence of 2h for executives",
        ]
    );
}

#[test]
fn quiet_hours_are_kept_in_their_own_zone() {
    let repo = repo_with(
        "",
        "quiet_hours:\n  customers: 22:00-07:00 America/New_York\n",
    );
    open(&repo, "2026-11-22T23:30:00Z", "SEV2");
    // 23:30 UTC is 18:30 in New York: the hour runs out at 00:30 UTC, before 03:00 UTC (22:00).
    assert_eq!(
        due(&repo, "2026-11-22T23:40:00Z", "customers")["due"],
        "2026-11-23T00:30:00+00:00"
    );
    let night = due(&repo, "2026-11-23T04:00:00Z", "customers");
    assert_eq!(night["quiet"]["until"], "2026-11-23T12:00:00+00:00");
}

#[test]
fn a_snooze_is_recorded_in_the_timeline_and_stops_the_clock() {
    let repo = repo_with("", "");
    open(&repo, "14:00", "SEV2");
    comms(&repo, "14:10", "executives");
    assert_eq!(
        repo.ok_at("14:40", &["comms", "snooze", "exec", "4h"]),
        format!("{ID}: no update due to executives until 18:40 (snoozed for 4h)\n")
    );
    let timeline = repo.read(&format!("incidents/{ID}/timeline.yaml"));
    assert!(
        timeline.ends_with(
            "  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  kind: comms\n  ref: snooze:executives:4h\n  text: Snoozed updates to executives for 4h\n"
        ),
        "{timeline}"
    );
    assert_eq!(
        repo.head_message(),
        format!("{ID}: snooze executives for 4h")
    );
    assert_eq!(repo.status(), "");
    let snoozed = due(&repo, "16:00", "executives");
    assert_eq!(
        snoozed["quiet"],
        serde_json::json!({"until": time("22T18:40"), "reason": "snoozed"})
    );
    assert_eq!(snoozed["overdue"], false);
    // 30 of the 60 minutes ran before the snooze: the other 30 after it.
    assert_eq!(snoozed["due"], time("22T19:10"));
    let duty = executives_duty(&repo, "16:00");
    assert_eq!(duty["quiet"]["reason"], "snoozed", "{duty}");
    assert_eq!(duty["urgency"], "later", "{duty}");
    // Backdated with --at; a later snooze replaces the earlier one.
    repo.ok_at(
        "16:05",
        &["comms", "snooze", "executives", "30m", "--at", "16:00"],
    );
    assert_eq!(
        due(&repo, "16:10", "executives")["quiet"]["until"],
        time("22T16:30")
    );
    // The check honours it: 14:10 to 16:50 is 50 minutes outside the snoozes.
    comms(&repo, "16:50", "executives");
    assert!(
        gaps(&repo, "16:50")
            .iter()
            .all(|g| !g.contains("executives")),
        "{:?}",
        gaps(&repo, "16:50")
    );
}

#[test]
fn a_snooze_syncs_to_the_other_clones() {
    let (_remote, lead, scribe) = crate::common::team();
    lead.ok(&["comms", "--to", "executives", "Checkout is down"]);
    lead.ok_at("14:45", &["comms", "snooze", "executives", "2h"]);
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    let shown: serde_json::Value =
        serde_json::from_str(&scribe.ok_at("15:00", &["show", "--json", "-i", CHECKOUT])).unwrap();
    let executives = shown["comms_due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["audience"] == "executives")
        .unwrap()
        .clone();
    assert_eq!(executives["quiet"]["until"], time("22T16:45"));
}

#[test]
fn a_bad_snooze_is_one_line_and_writes_nothing() {
    let repo = repo_with("", "");
    open(&repo, "14:00", "SEV2");
    let before = repo.state();
    for (args, message) in [
        (
            &["comms", "snooze"][..],
            "error: name the audience to snooze and for how long, like inc comms snooze executives 4h\n",
        ),
        (
            &["comms", "snooze", "executives"][..],
            "error: say for how long to snooze executives, like inc comms snooze executives 4h\n",
        ),
        (
            &["comms", "snooze", "board", "4h"][..],
            "error: unknown audience \"board\": use one of internal, customers, executives\n",
        ),
        (
            &["comms", "snooze", "executives", "4x"][..],
            "error: \"4x\" is not a length of time like 4h or 1h 30m\n",
        ),
        (
            &["comms", "snooze", "executives", "0m"][..],
            "error: \"0m\" is not a length of time like 4h or 1h 30m\n",
        ),
        (
            &["comms", "snooze", "executives", "8d"][..],
            "error: 8d is longer than a week, the longest snooze; an audience that needs no updates at all can leave required_updates in .inc.yaml\n",
        ),
    ] {
        assert_eq!(repo.fails(2, args), message, "{args:?}");
        assert_eq!(repo.state(), before, "{args:?} wrote something");
    }
}

#[test]
fn each_stretch_is_judged_by_the_severity_then_in_force() {
    // A SEV1 updated every 45 minutes, lowered to SEV2 for its last hour: the stretches under
    // SEV1 were too long, though SEV2's hour would allow them.
    let repo = repo_with("", "");
    open(&repo, "14:00", "SEV1");
    for now in ["14:25", "15:10", "15:55"] {
        comms(&repo, now, "internal");
        comms(&repo, now, "customers");
    }
    repo.ok_at("16:00", &["sev", "SEV2"]);
    comms(&repo, "16:50", "internal");
    comms(&repo, "16:50", "customers");
    repo.ok_at("16:55", &["resolve"]);
    let found = gaps(&repo, "17:00");
    let internal: Vec<&String> = found.iter().filter(|g| g.contains("internal")).collect();
    assert_eq!(
        internal,
        [
            "no update to internal for 45m (14:25 to 15:10), longer than the SEV1 cadence of 30m",
            "no update to internal for 45m (15:10 to 15:55), longer than the SEV1 cadence of 30m",
        ]
    );

    // A SEV3 updated every 50 minutes, raised to SEV1 and updated soon after: nothing late.
    let repo = repo_with("", "");
    open(&repo, "14:00", "SEV3");
    for now in ["14:50", "15:40"] {
        comms(&repo, now, "internal");
        comms(&repo, now, "customers");
    }
    // 15:40 to 16:00 uses a third of SEV3's hour; two thirds of SEV1's 30 minutes remain.
    repo.ok_at("16:00", &["sev", "SEV1"]);
    assert_eq!(due(&repo, "16:05", "internal")["due"], time("22T16:20"));
    comms(&repo, "16:15", "internal");
    comms(&repo, "16:15", "customers");
    assert_eq!(gaps(&repo, "16:20"), Vec::<String>::new());
    // Late after the change, by SEV1's 30 minutes.
    comms(&repo, "17:00", "internal");
    assert_eq!(
        gaps(&repo, "17:00"),
        ["no update to internal for 45m (16:15 to 17:00), longer than the SEV1 cadence of 30m"]
    );
}

#[test]
fn a_retried_delivery_counts_from_when_it_was_delivered() {
    let server = Server::start(500, false);
    let repo = repo_with(
        "",
        &format!(
            "webhooks:\n  chat: {{url: \"{}\", style: slack}}\n",
            server.url()
        ),
    );
    repo.ok(&["webhooks", "trust"]);
    open(&repo, "14:00", "SEV2");
    let out = repo
        .cmd()
        .env("INC_NOW", at("14:50"))
        .args([
            "comms",
            "--to",
            "customers",
            "--channel",
            "chat",
            "--send",
            "We are on it",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Not delivered: the customers have had nothing yet.
    let failed = due(&repo, "14:55", "customers");
    assert_eq!(failed["last"], serde_json::Value::Null);
    assert_eq!(failed["due"], time("22T15:00"));
    server.answer(200);
    repo.ok_at("15:30", &["comms", "--retry"]);
    let retried = due(&repo, "15:35", "customers");
    assert_eq!(retried["last"], time("22T15:30"));
    assert_eq!(retried["due"], time("22T16:30"));
    // 15:30 to 16:20 is within the hour; counted from 14:50 it would not be.
    comms(&repo, "16:20", "customers");
    let found = gaps(&repo, "16:20");
    assert_eq!(
        found
            .iter()
            .filter(|g| g.contains("customers"))
            .collect::<Vec<_>>(),
        ["no update to customers for 1h 30m (14:00 to 15:30), longer than the SEV2 cadence of 1h"]
    );
}

#[test]
fn a_snooze_fires_its_own_hook_not_the_one_for_updates() {
    use crate::hooks::{beside, enabled, hook, read_beside};
    let repo = enabled();
    hook(&repo, "comms", "cat > ../comms.json");
    hook(&repo, "snooze", "cat > ../snooze.json");
    repo.ok(&["comms", "snooze", "executives", "4h"]);
    assert!(!beside(&repo, "comms.json").exists(), "the comms hook ran");
    let event: serde_json::Value =
        serde_json::from_str(&read_beside(&repo, "snooze.json")).unwrap();
    assert_eq!(event["event"], "snooze");
    assert_eq!(event["entry"]["ref"], "snooze:executives:4h");
    repo.ok(&["comms", "--to", "internal", "Bridge is open"]);
    assert!(beside(&repo, "comms.json").exists());
}

#[test]
fn the_dashboard_says_an_audience_is_quiet_when_that_is_all_it_owes() {
    let repo = repo_with(
        "  executives: {min: 1h, max: 2h}\n",
        "quiet_hours:\n  executives: \"22:00-07:00\"\n",
    );
    let config = repo.read(".inc.yaml");
    let required = "required_updates: [internal, customers]\n";
    assert!(config.contains(required), "{config}");
    repo.write(
        ".inc.yaml",
        &config.replace(required, "required_updates: []\n"),
    );
    repo.git(&["commit", "-qam", "executives only"]);
    repo.ok_at(
        "14:00",
        &["open", "Checkout down", "--sev", "SEV2", "--lead", "alice"],
    );
    comms(&repo, "21:30", "executives");
    let board = repo.ok_at("2026-11-23T03:00:00Z", &["status"]);
    assert!(
        board.contains("update executives (quiet until 07:00)"),
        "{board}"
    );
}

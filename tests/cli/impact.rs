//! Impact (`inc impact`), the services catalog, SLA targets, and `inc list --service`.

use crate::common::{CHECKOUT, Repo, bare_remote};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";
const PAYMENTS: &str = "2026-11-22-payments-failing";
const SLA: &str =
    "sla:\n  SEV1: {respond: 15m, resolve: 4h}\n  default: {respond: 1h, resolve: 1d}\n";
const CATALOG: &str = "# yaml-language-server: $schema=schemas/catalog.schema.json\nservices:\n- name: checkout-api\n  team: payments\n  tier: 1\n  description: The checkout API\n- name: payments\n  team: payments\n- name: search\n  team: discovery\n  tier: 3\n";

/// The part of incident.yaml from `impact:` to `tags:`.
fn impact_block(repo: &Repo) -> String {
    let text = repo.read(INCIDENT);
    let start = text.find("impact:").expect("an impact");
    let end = text.find("tags:").unwrap();
    text[start..end].to_string()
}

fn add_config(repo: &Repo, text: &str) {
    let config = repo.read(".inc.yaml");
    repo.write(".inc.yaml", &format!("{config}{text}"));
    repo.git(&["commit", "-qam", "config"]);
}

fn add_catalog(repo: &Repo) {
    repo.write(".inc/catalog.yaml", CATALOG);
    repo.git(&["add", ".inc/catalog.yaml"]);
    repo.git(&["commit", "-qm", "catalog"]);
}

/// Two open incidents under SLA targets: the SEV1 payments outage (detected 13:55, opened at
/// 14:00 without a lead, acknowledged late at 14:20 when alice took the lead) and the SEV3
/// search one (opened and detected 14:30 with bob as lead), each with an impact.
fn sla_board() -> Repo {
    let repo = Repo::new();
    add_config(&repo, SLA);
    repo.ok_at(
        "14:00",
        &[
            "open",
            "Payments failing",
            "--sev",
            "SEV1",
            "--started",
            "13:50",
            "--detected",
            "13:55",
        ],
    );
    repo.ok_at(
        "14:10",
        &[
            "impact",
            "--service",
            "payments,checkout-api",
            "--customers",
            "all EU customers",
            "--regions",
            "eu-west",
            "--summary",
            "Card payments failed in the EU",
        ],
    );
    repo.ok_at("14:25", &["mark", "acknowledged", "--at", "14:20"]);
    repo.ok_at(
        "14:25",
        &["role", "incident-lead", "alice", "--at", "14:20"],
    );
    repo.ok_at(
        "14:30",
        &["open", "Search slow", "--sev", "SEV3", "--lead", "bob"],
    );
    repo.ok_at("14:31", &["impact", "-i", "search", "--service", "search"]);
    repo
}

#[test]
fn impact_sets_the_parts_given_in_one_commit_and_one_entry() {
    let repo = Repo::with_incident();
    let out = repo.ok(&[
        "impact",
        "--service",
        "checkout-api",
        "--service",
        "payments",
        "--customers",
        "1200",
        "--regions",
        "eu-west,eu-central",
    ]);
    assert_eq!(
        out,
        format!(
            "{CHECKOUT}: Impact services none → checkout-api, payments; customers none → \"1200\"; regions none → eu-west, eu-central\n"
        )
    );
    assert_eq!(
        repo.head_files(),
        [
            INCIDENT.to_string(),
            format!("incidents/{CHECKOUT}/timeline.yaml")
        ]
    );
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: impact"));
    assert_eq!(
        impact_block(&repo),
        "impact:\n  summary: \"\"\n  services:\n  - checkout-api\n  - payments\n  customers: \"1200\"\n  regions:\n  - eu-west\n  - eu-central\n"
    );
    // A list given again replaces the list; the parts not given stay.
    let out = repo.ok(&[
        "impact",
        "--service",
        "payments",
        "--summary",
        "Checkout failed",
    ]);
    assert_eq!(
        out,
        format!(
            "{CHECKOUT}: Impact services checkout-api, payments → payments; summary none → \"Checkout failed\"\n"
        )
    );
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(
        shown["impact"],
        serde_json::json!({"summary": "Checkout failed", "services": ["payments"], "customers": "1200", "regions": ["eu-west", "eu-central"]})
    );
    assert_eq!(shown["services"], serde_json::json!(["payments"]));
    let last = shown["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["by"], "alice");
    assert_eq!(last["kind"], "status");
    // The same again changes nothing and commits nothing; an empty value clears a part.
    let head = repo.head();
    assert_eq!(
        repo.ok(&["impact", "--service", "payments"]),
        format!("{CHECKOUT}: nothing to change\n")
    );
    assert_eq!(repo.head(), head);
    repo.ok(&["impact", "--service", "", "--customers", ""]);
    assert_eq!(
        impact_block(&repo),
        "impact:\n  summary: Checkout failed\n  regions:\n  - eu-west\n  - eu-central\n"
    );
    // Change times let a merge keep the later change of each part.
    assert!(repo.read(INCIDENT).contains("  impact.services: "));
}

#[test]
fn every_refused_impact_writes_nothing() {
    let repo = Repo::with_incident();
    let before = repo.state();
    for (code, args, message) in [
        (
            2,
            &["impact"][..],
            "error: nothing to record: give --service, --customers, --regions or --summary (inc show shows the impact so far)\n",
        ),
        (
            2,
            &["impact", "--service", "a,,b"],
            "error: --service has an empty name among others: give each name once (an empty --service \"\" alone clears the list)\n",
        ),
        (
            2,
            &["impact", "--regions", "eu\u{1b}[31m"],
            "error: --regions eu\\u{1b}[31m has a control character: type the name as plain text\n",
        ),
    ] {
        assert_eq!(repo.fails(code, args), message, "{args:?}");
        assert_eq!(repo.state(), before, "{args:?}");
    }
    add_catalog(&repo);
    let before = repo.state();
    assert_eq!(
        repo.fails(2, &["impact", "--service", "chekout-api"]),
        "error: unknown service \"chekout-api\" (did you mean checkout-api?): use one of checkout-api, payments, search; a new service goes into .inc/catalog.yaml first\n"
    );
    assert_eq!(repo.state(), before);
    repo.write(".inc/catalog.yaml", "services:\n- name: a\n  owner: b\n");
    let before = repo.state();
    assert_eq!(
        repo.fails(1, &["impact", "--service", "a"]),
        "error: .inc/catalog.yaml:3:3: unknown field `owner`, expected one of name, team, tier, description\n"
    );
    assert_eq!(repo.state(), before);
    // Parts other than services do not need the catalog.
    repo.ok(&["impact", "--customers", "12"]);
}

#[test]
fn the_catalog_names_services_in_any_case_and_check_reports_unknown_ones() {
    let repo = Repo::with_incident();
    add_catalog(&repo);
    repo.ok(&["impact", "--service", "Checkout-API,pay"]);
    assert!(
        impact_block(&repo).contains("  - checkout-api\n  - payments\n"),
        "{}",
        impact_block(&repo)
    );
    assert!(repo.ok(&["check"]).starts_with("No problems"));
    // A hand edit naming a service the catalog does not know, and a catalog listing one twice.
    let text = repo
        .read(INCIDENT)
        .replace("  - payments\n", "  - payment\n");
    repo.write(INCIDENT, &text);
    repo.write(".inc/catalog.yaml", &format!("{CATALOG}- name: Search\n"));
    let out = repo.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("e_impact_check", String::from_utf8(out.stdout).unwrap());
    let json: serde_json::Value = serde_json::from_slice(
        &repo
            .cmd()
            .args(["check", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let rules: Vec<&str> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["duplicate-service", "unknown-service"]);
    // A catalog that does not parse is reported at its line and column.
    repo.write(".inc/catalog.yaml", "services:\n- name: [a\n");
    let out = repo.cmd().arg("check").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".inc/catalog.yaml\n  2:") && text.contains("[parse]"),
        "{text}"
    );
}

#[test]
fn show_states_the_impact_and_each_sla() {
    let repo = sla_board();
    insta::assert_snapshot!(
        "e_impact_show",
        repo.ok_at("15:00", &["show", "-i", "payments"])
    );
    let shown: serde_json::Value =
        serde_json::from_str(&repo.ok_at("15:00", &["show", "--json", "-i", "payments"])).unwrap();
    assert_eq!(
        shown["sla"],
        serde_json::json!([
            {"target": "respond", "within": 900, "from": "2026-11-22T13:55:00+00:00", "due": "2026-11-22T14:10:00+00:00", "done": "2026-11-22T14:20:00+00:00", "verdict": "breached", "margin": -600, "text": "breached by 10m"},
            {"target": "resolve", "within": 14400, "from": "2026-11-22T13:55:00+00:00", "due": "2026-11-22T17:55:00+00:00", "done": null, "verdict": "pending", "margin": 10500, "text": "2h 55m left"}
        ])
    );
}

#[test]
fn the_dashboard_shows_the_sla_where_the_title_keeps_its_room() {
    let repo = sla_board();
    let board = |columns: &str| {
        let out = repo
            .cmd()
            .env("INC_NOW", "2026-11-22T15:00:00Z")
            .env("COLUMNS", columns)
            .arg("status")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // At 80 columns the next duty and the title come first; the SLA from 100 on.
    insta::assert_snapshot!("e_impact_dashboard_80", board("80"));
    assert!(
        board("100").contains("BREACHED respond 10m"),
        "{}",
        board("100")
    );
    insta::assert_snapshot!("e_impact_dashboard_200", board("200"));
    assert!(board("80").lines().all(|l| l.chars().count() <= 80));
    let rows: serde_json::Value =
        serde_json::from_str(&repo.ok_at("15:00", &["status", "--json"])).unwrap();
    // bob was named lead at the opening of the search incident: its respond target is met.
    assert_eq!(rows[1]["sla"][0]["text"], "met with 1h to spare");
    let colored = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:00:00Z")
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .arg("status")
        .output()
        .unwrap();
    let colored = String::from_utf8(colored.stdout).unwrap();
    assert!(
        colored.contains("\u{1b}[38;5;9mBREACHED respond 10m"),
        "{colored:?}"
    );
    // Without targets in .inc.yaml there is no SLA column.
    let plain = Repo::with_incident();
    assert!(!plain.ok(&["status"]).contains("SLA"));
}

#[test]
fn reports_show_impact_and_sla_and_the_external_one_no_names() {
    let repo = sla_board();
    repo.ok_at("16:00", &["resolve", "-i", "payments"]);
    let report = |template: &str| {
        repo.ok_at(
            "16:30",
            &["report", "-i", "payments", "--template", template],
        )
    };
    insta::assert_snapshot!("e_impact_report_internal", report("internal"));
    insta::assert_snapshot!("e_impact_report_summary", report("summary"));
    let external = report("external");
    insta::assert_snapshot!("e_impact_report_external", external);
    assert!(
        external.contains("- **Affected services:** payments, checkout-api\n")
            && external.contains("- **Affected regions:** eu-west\n")
            && external.contains("- **Customers affected:** all EU customers\n"),
        "{external}"
    );
    assert!(!external.contains("alice") && !external.contains("SLA"));
    // A name typed into the impact is replaced like everywhere else in a public report.
    repo.ok_at(
        "16:40",
        &[
            "impact",
            "-i",
            "payments",
            "--customers",
            "those alice onboarded",
        ],
    );
    let external = repo.ok_at(
        "16:45",
        &["report", "-i", "payments", "--template", "external"],
    );
    assert!(
        external.contains("- **Customers affected:** those a team member onboarded\n"),
        "{external}"
    );
}

#[test]
fn stats_by_service_counts_each_service_and_the_sla_breaches() {
    let repo = sla_board();
    repo.ok_at("16:00", &["resolve", "-i", "payments"]);
    insta::assert_snapshot!(
        "e_impact_stats_service",
        repo.ok_at("16:30", &["stats", "--by", "service"])
    );
    let groups: serde_json::Value =
        serde_json::from_str(&repo.ok_at("16:30", &["stats", "--by", "service", "--json"]))
            .unwrap();
    let names: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["checkout-api", "payments", "search"]);
    assert_eq!(
        groups[1]["sla_breaches"],
        serde_json::json!({"respond": {"checked": 1, "breached": 1}, "resolve": {"checked": 1, "breached": 0}})
    );
    // The search incident is past its 1h respond target at 16:30 and never marked acknowledged,
    // but bob was named its lead at the opening: that responded.
    assert_eq!(
        groups[2]["sla_breaches"]["respond"],
        serde_json::json!({"checked": 1, "breached": 0})
    );
    let all: serde_json::Value =
        serde_json::from_str(&repo.ok_at("16:30", &["stats", "--json"])).unwrap();
    assert_eq!(
        all[0]["sla_breaches"]["respond"],
        serde_json::json!({"checked": 2, "breached": 1})
    );
}

#[test]
fn list_filters_by_service_and_prints_services() {
    let repo = sla_board();
    let listed = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        repo.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(&["--service", "Checkout-API"]), [PAYMENTS]);
    assert_eq!(
        listed(&["--service", "search", "--service", "payments"]).len(),
        2
    );
    assert_eq!(listed(&["--service", "search", "--sev", "SEV1"]).len(), 0);
    let json = repo.json(&["list", "--json", "--service", "payments"]);
    assert_eq!(
        json[0]["services"],
        serde_json::json!(["payments", "checkout-api"])
    );
    add_catalog(&repo);
    assert_eq!(
        repo.fails(2, &["list", "--service", "serch"]),
        "error: unknown service \"serch\" (did you mean search?): use one of checkout-api, payments, search\n"
    );
}

#[test]
fn old_files_load_and_are_rewritten_unchanged() {
    let repo = Repo::with_incident();
    // incident.yaml and .inc.yaml as an inc without impact parts or SLA wrote them.
    let old = "# yaml-language-server: $schema=../../.inc/schemas/incident.schema.json\ntitle: Checkout API down\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:40:00+00:00\"\nsummary: Checkout returns 500s\nimpact:\n  summary: Checkout failed\ntags:\n- checkout\nlinks: []\ndetection:\n  source: alert\nmilestones:\n  started: \"2026-11-22T14:02:00+00:00\"\n  detected: \"2026-11-22T14:05:00+00:00\"\n  acknowledged: null\n  mitigated: null\n  resolved: null\n";
    repo.write(INCIDENT, old);
    let config = repo.read(".inc.yaml");
    assert!(!config.contains("\nsla:"));
    repo.ok(&["sev", "SEV1"]);
    let expected = format!(
        "{}changed:\n  severity: \"2026-11-22T14:40:00+00:00\"\n",
        old.replace("severity: SEV2", "severity: SEV1")
    );
    assert_eq!(repo.read(INCIDENT), expected);
    assert_eq!(repo.json(&["show", "--json"])["sla"], serde_json::json!([]));
}

#[test]
fn sla_settings_are_checked_when_the_config_loads() {
    let repo = Repo::with_incident();
    let config = repo.read(".inc.yaml");
    for (sla, message) in [
        (
            "sla:\n  SEV9: {respond: 15m}\n",
            "error: .inc.yaml: sla has \"SEV9\", which is neither default nor one of severities (SEV1, SEV2, SEV3, SEV4)\n",
        ),
        (
            "sla:\n  SEV1: {}\n",
            "error: .inc.yaml: sla SEV1 sets no target: give respond, resolve or both, like {respond: 15m, resolve: 4h}\n",
        ),
    ] {
        repo.write(".inc.yaml", &format!("{config}{sla}"));
        assert_eq!(repo.fails(1, &["show"]), message);
    }
    repo.write(
        ".inc.yaml",
        &format!("{config}sla:\n  SEV1: {{respond: soon}}\n"),
    );
    let err = repo.fails(1, &["show"]);
    assert!(
        err.starts_with("error: .inc.yaml:") && err.contains("\"soon\" is not a length of time"),
        "{err}"
    );
}

#[test]
fn sync_shares_the_catalog_and_the_schema_describes_it() {
    let (_remote, path) = bare_remote();
    let repo = Repo::with_incident();
    repo.git(&["remote", "add", "origin", path.to_str().unwrap()]);
    repo.write(".inc/catalog.yaml", CATALOG);
    repo.ok(&["sync"]);
    assert_eq!(repo.status(), "");
    assert!(
        repo.git(&["ls-files"])
            .lines()
            .any(|l| l == ".inc/catalog.yaml")
    );
    let schema: serde_json::Value = serde_json::from_str(&repo.ok(&["schema", "catalog"])).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let catalog: serde_json::Value = serde_saphyr::from_str(CATALOG).unwrap();
    assert!(validator.is_valid(&catalog));
    let wrong: serde_json::Value =
        serde_saphyr::from_str("services:\n- name: a\n  owner: b\n").unwrap();
    assert!(!validator.is_valid(&wrong));
}

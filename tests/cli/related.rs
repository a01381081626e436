//! Related incidents (`inc related`, and in `inc show` and `inc open` on a terminal): the
//! earlier incidents that share services, tags or title words, best first, each with its root
//! cause, runbooks and open follow-ups.

use crate::common::Repo;

/// The incident every test compares: opened on 2026-11-22, checkout hit, tagged api.
const TARGET: &str = "2026-11-22-checkout-api-timeouts";
const PAYMENTS: &str = "2026-02-10-checkout-payment-provider-slow";
const CART: &str = "2026-03-10-cart-errors";
const CART_AGAIN: &str = "2026-05-10-cart-errors-again";
const SEARCH: &str = "2026-04-10-api-timeouts-on-search";

/// Opens `title` on `day` (YYYY-MM-DD, 10:00 UTC) with `args`, sets `services`, and resolves it
/// an hour later; returns its id.
fn past(repo: &Repo, day: &str, title: &str, args: &[&str], services: &str) -> String {
    let at = |time: &str| format!("{day}T{time}:00Z");
    let mut open = vec!["open", title, "--sev", "SEV3"];
    open.extend(args);
    let id = repo.ok_at(&at("10:00"), &open).trim().to_string();
    if !services.is_empty() {
        repo.ok_at(&at("10:10"), &["-i", &id, "impact", "--service", services]);
    }
    repo.ok_at(&at("11:00"), &["-i", &id, "resolve"]);
    id
}

/// Five earlier incidents, one later, and the target, open. What each shares with the target:
/// - payments: the service checkout (in both impacts) and the title word "checkout";
/// - cart, cart again: the tag api, nothing else (cart again is the more recent);
/// - search: the title words "api" and "timeouts";
/// - disk: nothing; later: everything, but it began after the target.
fn history() -> Repo {
    let repo = Repo::new();
    past(
        &repo,
        "2026-01-10",
        "Disk full on build hosts",
        &["--tag", "ci"],
        "",
    );
    assert_eq!(
        past(
            &repo,
            "2026-02-10",
            "Checkout payment provider slow",
            &[],
            "checkout"
        ),
        PAYMENTS
    );
    assert_eq!(
        past(&repo, "2026-03-10", "Cart errors", &["--tag", "API"], ""),
        CART
    );
    assert_eq!(
        past(&repo, "2026-04-10", "API timeouts on search", &[], "search"),
        SEARCH
    );
    assert_eq!(
        past(
            &repo,
            "2026-05-10",
            "Cart errors again",
            &["--tag", "api"],
            ""
        ),
        CART_AGAIN
    );
    let later = past(
        &repo,
        "2026-12-01",
        "Checkout API timeouts again",
        &["--tag", "api"],
        "checkout",
    );
    assert_eq!(later, "2026-12-01-checkout-api-timeouts-again");
    let id = repo.ok_at(
        "2026-11-22T14:00:00Z",
        &[
            "open",
            "Checkout API timeouts",
            "--sev",
            "SEV2",
            "--tag",
            "api",
        ],
    );
    assert_eq!(id, format!("{TARGET}\n"));
    repo.ok_at("14:05", &["impact", "--service", "checkout"]);
    repo
}

/// The payments incident's post-mortem: a root cause, one follow-up open and one done; and the
/// break-glass runbook attached with a step ticked.
fn write_up_payments(repo: &Repo) {
    repo.ok_at(
        "2026-02-10T10:20:00Z",
        &["-i", PAYMENTS, "runbook", "attach", "break-glass"],
    );
    repo.ok_at(
        "2026-02-10T10:21:00Z",
        &["-i", PAYMENTS, "runbook", "done", "break-glass:1"],
    );
    repo.ok_at("2026-02-11T09:00:00Z", &["-i", PAYMENTS, "postmortem"]);
    let path = format!("incidents/{PAYMENTS}/postmortem.md");
    let text = repo
        .read(&path)
        .replacen(
            "## Root cause\n",
            "## Root cause\n\n- The provider's client had no timeout, so slow calls piled up.\n\nMore detail.\n",
            1,
        )
        .replacen(
            "## Improvements\n",
            "## Improvements\n\n- [ ] Set a client timeout (owner: carol, due: 2026-03-01, type: prevent)\n- [x] Page the provider (owner: bob)\n- [ ] Add a circuit breaker\n",
            1,
        );
    repo.write(&path, &text);
    repo.git(&["commit", "-qam", "post-mortem"]);
}

#[test]
fn related_lists_services_then_tags_then_words_and_the_more_recent_first() {
    let repo = history();
    let json = repo.json(&["related", "--json"]);
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Three at most: the search incident (two title words) comes fourth and is left out; the
    // disk incident shares nothing; the later one began after.
    assert_eq!(ids, [PAYMENTS, CART_AGAIN, CART]);
    assert_eq!(
        json[0]["shared"],
        serde_json::json!({"services": ["checkout"], "tags": [], "words": ["checkout"]})
    );
    assert_eq!(
        json[1]["shared"],
        serde_json::json!({"services": [], "tags": ["api"], "words": []})
    );
    // Equal scores: the more recent first.
    assert_eq!(json[1]["score"], json[2]["score"]);

    // Title words count: without its tag, the target's closest after payments is the search
    // incident, by its words.
    repo.ok_at("14:10", &["tag", "remove", "api"]);
    let json = repo.json(&["related", TARGET, "--json"]);
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [PAYMENTS, SEARCH]);
    assert_eq!(
        json[1]["shared"]["words"],
        serde_json::json!(["api", "timeout"])
    );

    // An earlier incident is compared with those before it only.
    let out = repo.ok(&["related", CART]);
    assert_eq!(
        out,
        format!("No earlier incident shares a service, a tag or a title word with {CART}.\n")
    );
}

#[test]
fn each_related_incident_shows_its_root_cause_runbooks_and_open_follow_ups() {
    let repo = history();
    write_up_payments(&repo);
    let out = repo.ok(&["related"]);
    insta::assert_snapshot!(out, @r"
    Earlier incidents like 2026-11-22-checkout-api-timeouts
      2026-02-10-checkout-payment-provider-slow · SEV3 · resolved · began 2026-02-10
      Checkout payment provider slow
        shares:      service checkout; word checkout
        root cause:  The provider's client had no timeout, so slow calls piled up.
        runbooks:    break-glass (1 step ticked)
        follow-ups:  q9y5e Set a client timeout (carol, due 2026-03-01, OVERDUE)
                     zeqqa Add a circuit breaker

      2026-05-10-cart-errors-again · SEV3 · resolved · began 2026-05-10
      Cart errors again
        shares:      tag api
        root cause:  no post-mortem yet
        runbooks:    none
        follow-ups:  none open

      2026-03-10-cart-errors · SEV3 · resolved · began 2026-03-10
      Cart errors
        shares:      tag api
        root cause:  no post-mortem yet
        runbooks:    none
        follow-ups:  none open
    ");
    // The follow-up ids are the ones `inc actions` takes.
    let actions = repo.ok(&["actions", "-i", PAYMENTS]);
    assert!(
        actions.contains("q9y5e") && actions.contains("zeqqa"),
        "{actions}"
    );

    // A post-mortem whose root cause is not written yet says so.
    repo.ok_at("2026-03-11T09:00:00Z", &["-i", CART, "postmortem"]);
    let out = repo.ok(&["related"]);
    assert!(
        out.contains("  Cart errors\n    shares:      tag api\n    root cause:  not written yet (post-mortem draft)\n"),
        "{out}"
    );
}

#[test]
fn related_json_matches_its_schema() {
    let repo = history();
    write_up_payments(&repo);
    let json = repo.json(&["related", "--json"]);
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/output/related.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let first = &json[0];
    assert_eq!(first["id"], PAYMENTS);
    assert_eq!(first["title"], "Checkout payment provider slow");
    assert_eq!(first["status"], "resolved");
    assert_eq!(first["began"], "2026-02-10T10:00:00+00:00");
    assert_eq!(first["postmortem_status"], "draft");
    assert_eq!(
        first["root_cause"],
        "The provider's client had no timeout, so slow calls piled up."
    );
    assert_eq!(
        first["runbooks"],
        serde_json::json!([{"name": "break-glass", "ticked": 1}])
    );
    assert_eq!(
        first["follow_ups"],
        serde_json::json!([
            {"id": format!("{PAYMENTS}#q9y5e"), "text": "Set a client timeout", "owner": "carol",
             "due": "2026-03-01", "overdue": true},
            {"id": format!("{PAYMENTS}#zeqqa"), "text": "Add a circuit breaker", "owner": null,
             "due": null, "overdue": false},
        ])
    );
    assert_eq!(json[1]["root_cause"], serde_json::Value::Null);
    assert_eq!(json[1]["postmortem_status"], serde_json::Value::Null);
    // With nothing related: an empty array.
    assert_eq!(
        repo.json(&["related", CART, "--json"]),
        serde_json::json!([])
    );
}

#[test]
fn show_lists_related_incidents_after_the_incident_but_not_in_its_json() {
    let repo = history();
    write_up_payments(&repo);
    let out = repo.ok(&["show"]);
    let (_, related) = out
        .split_once("\nRelated incidents (inc related)\n")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        related,
        repo.ok(&["related"])
            .strip_prefix(&format!("Earlier incidents like {TARGET}\n"))
            .unwrap()
    );
    assert!(!repo.ok(&["show", "--json"]).contains("related"));
    // Nothing related: no heading.
    let out = repo.ok(&["show", CART]);
    assert!(!out.contains("Related"), "{out}");
}

#[test]
fn open_lists_related_incidents_on_a_terminal_only() {
    let repo = history();
    write_up_payments(&repo);
    // What `inc related` says of an incident, without its heading.
    let related = |id: &str| {
        let out = repo.ok(&["related", id]);
        out.strip_prefix(&format!("Earlier incidents like {id}\n"))
            .unwrap_or_else(|| panic!("{out}"))
            .to_string()
    };
    // In a pipe (a script): the id alone.
    let out = repo.ok_at("15:00", &["open", "Checkout API timeouts", "--tag", "api"]);
    assert_eq!(out, format!("{TARGET}-2\n"));
    // Forced with --related.
    let out = repo.ok_at(
        "15:01",
        &[
            "open",
            "Checkout API timeouts",
            "--tag",
            "api",
            "--related",
            "--sev",
            "2",
        ],
    );
    let id = format!("{TARGET}-3");
    assert_eq!(
        out,
        format!("{id}\n\nRelated incidents (inc related)\n{}", related(&id))
    );

    // On a terminal: after the id.
    let mut cmd = repo.std_cmd();
    cmd.env("INC_NOW", "2026-11-22T15:02:00Z").args([
        "open",
        "Payment provider slow",
        "--sev",
        "SEV3",
    ]);
    let mut session = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    // rexpect hands each byte over as a char.
    let bytes: Vec<u8> = session
        .exp_eof()
        .unwrap()
        .chars()
        .map(|c| c as u8)
        .collect();
    let out = String::from_utf8(bytes).unwrap().replace("\r\n", "\n");
    let id = "2026-11-22-payment-provider-slow";
    assert_eq!(
        out,
        format!("{id}\n\nRelated incidents (inc related)\n{}", related(id))
    );
    assert!(
        out.contains(&format!(
            "  {PAYMENTS} · SEV3 · resolved · began 2026-02-10\n  Checkout payment provider slow\n    shares:      words payment, provider, slow\n    root cause:  The provider's client had no timeout"
        )),
        "{out}"
    );
}

#[test]
fn a_hand_edit_changes_what_is_related_even_with_the_cache_warm() {
    let repo = history();
    let before = repo.ok(&["related"]);
    assert!(before.contains(CART_AGAIN), "{before}");
    // Old enough for the parse cache to keep what it read (see cache.rs).
    std::thread::sleep(std::time::Duration::from_millis(3100));
    assert_eq!(repo.ok(&["related"]), before);
    assert!(repo.path(".git/inc/cache/related").is_file());
    assert_eq!(repo.ok(&["related"]), before);
    // The tag taken off by hand, without inc: the cache does not answer for the old file.
    let path = format!("incidents/{CART_AGAIN}/incident.yaml");
    let text = repo.read(&path).replace("- api\n", "");
    repo.write(&path, &text);
    let after = repo.ok(&["related"]);
    assert!(!after.contains(CART_AGAIN), "{after}");
    let cold = repo
        .cmd()
        .env("INC_NO_CACHE", "1")
        .arg("related")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(cold.stdout).unwrap(), after);
}

#[test]
fn an_incident_that_does_not_parse_is_left_out() {
    let repo = history();
    repo.write(
        &format!("incidents/{CART_AGAIN}/incident.yaml"),
        "title: [\n",
    );
    let json = repo.json(&["related", "--json"]);
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [PAYMENTS, CART, SEARCH]);
    // A related incident's post-mortem that does not parse: said, the rest still shown.
    write_up_payments(&repo);
    repo.write(
        &format!("incidents/{PAYMENTS}/postmortem.md"),
        "no front matter\n",
    );
    let out = repo.ok(&["related"]);
    let unknown = format!("unknown: its postmortem.md does not parse (inc check {PAYMENTS})");
    assert!(
        out.contains(&format!(
            "    root cause:  {unknown}\n    runbooks:    break-glass (1 step ticked)\n    follow-ups:  {unknown}\n"
        )),
        "{out}"
    );
    let json = repo.json(&["related", "--json"]);
    assert_eq!(
        json[0]["unreadable"],
        serde_json::json!([format!("incidents/{PAYMENTS}/postmortem.md")])
    );
}

#[test]
fn the_id_of_inc_related_completes() {
    let repo = history();
    let out = repo
        .cmd()
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n")
        .args(["--", "inc", "related", "2026-0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let found: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(
        found,
        [
            "2026-01-10-disk-full-on-build-hosts",
            PAYMENTS,
            CART,
            SEARCH,
            CART_AGAIN
        ]
    );
}

use crate::common::Repo;

#[test]
fn init_creates_a_repository_and_commits_the_configuration() {
    let repo = Repo::empty();
    let out = repo.ok(&["init"]);
    assert!(out.contains("Created an inc repository"), "{out}");
    assert!(repo.path(".git").is_dir());
    assert!(
        repo.read(".inc.yaml")
            .contains("incidents_dir: incidents\n")
    );
    assert!(
        repo.read(".gitattributes")
            .contains("incidents/*/timeline.yaml merge=inc\n")
    );
    assert!(
        repo.read(".gitattributes")
            .contains("maintenance/*/updates.yaml merge=inc\n")
    );
    assert!(
        repo.read(".inc.yaml")
            .contains("maintenance_dir: maintenance\n")
    );
    assert_eq!(
        repo.head_files(),
        [
            ".gitattributes",
            ".inc.yaml",
            ".inc/runbooks/break-glass.md",
            ".inc/schemas/catalog.schema.json",
            ".inc/schemas/comms.schema.json",
            ".inc/schemas/config.schema.json",
            ".inc/schemas/incident.schema.json",
            ".inc/schemas/maintenance.schema.json",
            ".inc/schemas/roles.schema.json",
            ".inc/schemas/timeline.schema.json",
            ".inc/schemas/updates.schema.json",
        ]
    );
    assert!(
        repo.read(".inc.yaml")
            .starts_with("# yaml-language-server: $schema=.inc/schemas/config.schema.json\n")
    );
    assert_eq!(repo.head_message(), "inc: init (incidents in incidents/)");
    assert_eq!(repo.status(), "");
}

#[test]
fn init_twice_is_harmless() {
    let repo = Repo::new();
    let head = repo.head();
    let files = repo.files();
    let out = repo.ok(&["init"]);
    assert!(out.starts_with("inc is already set up in"), "{out}");
    assert_eq!(repo.head(), head);
    assert_eq!(repo.files(), files);
}

#[test]
fn init_adopts_an_existing_repository_and_keeps_its_gitattributes() {
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.write("README", "hello\n");
    repo.write(".gitattributes", "*.png binary");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "first"]);
    repo.ok(&["init"]);
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");
    let attributes = repo.read(".gitattributes");
    assert!(
        attributes.starts_with("*.png binary\n# inc:"),
        "{attributes}"
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn init_in_a_monorepo_keeps_incidents_in_a_subdirectory() {
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.write("services/api/main.go", "package main\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "code"]);
    repo.ok(&["init", "--dir", "ops/incidents"]);
    assert!(
        repo.read(".inc.yaml")
            .contains("incidents_dir: ops/incidents\n")
    );
    assert!(
        repo.read(".gitattributes")
            .contains("ops/incidents/*/timeline.yaml merge=inc")
    );

    // Commands work from anywhere inside the repository.
    let out = repo
        .cmd()
        .current_dir(repo.path("services/api"))
        .args(["open", "API down"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        repo.path("ops/incidents/2026-11-22-api-down/incident.yaml")
            .is_file()
    );
    assert_eq!(repo.status(), "");

    // Asking for another directory later is refused instead of silently ignored.
    let err = repo.fails(2, &["init", "--dir", "elsewhere"]);
    assert!(
        err.contains("already keeps incidents in ops/incidents"),
        "{err}"
    );
}

#[test]
fn init_refuses_a_directory_outside_the_repository() {
    let repo = Repo::empty();
    for dir in ["../outside", "/abs", "."] {
        let err = repo.fails(2, &["init", "--dir", dir]);
        assert_eq!(
            err,
            format!(
                "error: --dir \"{dir}\" must be a directory inside the repository, like incidents or ops/incidents\n"
            )
        );
    }
    assert!(repo.files().is_empty());
    assert!(!repo.path(".git").exists());
    // Written one way, whatever way it was typed.
    repo.ok(&["init", "--dir", "./ops//incidents/"]);
    assert!(
        repo.read(".inc.yaml")
            .contains("incidents_dir: ops/incidents\n")
    );
}

#[test]
fn init_with_dash_c_creates_the_directory() {
    let repo = Repo::empty();
    repo.ok(&["-C", "sub/dir", "init"]);
    assert!(repo.path("sub/dir/.inc.yaml").is_file());
    assert!(repo.path("sub/dir/.git").is_dir());
}

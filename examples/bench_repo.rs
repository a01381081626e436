//! Generates the benchmark's reference repository through inc's library (not 200,000 CLI calls):
//! `cargo run --release --example bench_repo -- DIR [--incidents N] [--entries M] [--sizes A,B,…]`
//! (`--help` says more). DIR must be new or empty; it becomes a repository of its own.
//!
//! Each incident gets incident.yaml, timeline.yaml (M entries), roles.yaml, comms.yaml and
//! postmortem.md, so 2,000 incidents put about 10,000 files in the index. `--sizes` adds one
//! incident per size, `2026-11-20-size-N`, with N timeline entries (default 10, 1000, 10000).
//! Everything is one commit.

use std::path::{Path, PathBuf};

use inc::model::incident::Detection;
use inc::model::{
    CommsEntry, Incident, Kind, Milestones, RoleAction, RoleEvent, Source, Status, TimelineEntry,
    to_yaml,
};
use inc::time::Time;
use jiff::{SignedDuration, Timestamp};

const USAGE: &str = "usage: bench_repo DIR [--incidents N] [--entries M] [--sizes A,B,…]

Writes the benchmark's reference repository into DIR, a new git repository of its own (DIR must
not exist, or be empty: the generator never writes into an existing repository).

  --incidents N   incidents to write (default 2000)
  --entries M     timeline entries per incident (default 100)
  --sizes A,B,…   one more incident per size, with that many entries (default 10,1000,10000)
";

/// What to generate.
struct Args {
    dir: PathBuf,
    incidents: usize,
    entries: usize,
    sizes: Vec<usize>,
}

fn main() -> std::process::ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return std::process::ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The arguments, or `None` for `--help`; a usage error says what is wrong.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut dir: Option<PathBuf> = None;
    let (mut incidents, mut entries, mut sizes) =
        (2000usize, 100usize, vec![10usize, 1000, 10_000]);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |flag: &str, text: &str| {
            text.parse::<usize>()
                .map_err(|_| format!("{flag} takes a number, not \"{text}\""))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--incidents" => incidents = number("--incidents", &value("--incidents")?)?,
            "--entries" => entries = number("--entries", &value("--entries")?)?,
            "--sizes" => {
                sizes = value("--sizes")?
                    .split(',')
                    .map(|n| number("--sizes", n))
                    .collect::<Result<_, _>>()?
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            _ if dir.is_some() => return Err(format!("one DIR only, not also {arg}")),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.ok_or("no DIR given")?;
    Ok(Some(Args {
        dir,
        incidents,
        entries,
        sizes,
    }))
}

fn generate(args: &Args) -> anyhow::Result<()> {
    let Args {
        dir,
        incidents,
        entries,
        sizes,
    } = args;
    let (incidents, entries) = (*incidents, *entries);
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!(
            "{} is not empty: give the generator a new directory",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)?;
    // A repository of its own first, so `inc init` cannot adopt one that encloses DIR.
    git2::Repository::init(dir)?;
    let env = inc::Env {
        cwd: dir.clone(),
        user: Some("bench".into()),
        now: Some("2026-11-22T12:00:00Z".into()),
        ..inc::Env::default()
    };
    inc::run(["init"], &env, &mut std::io::sink())?;

    let start: Timestamp = "2021-01-01T10:00:00Z".parse()?;
    let incidents_dir = dir.join("incidents");
    for n in 0..incidents {
        let opened = start + SignedDuration::from_hours(22 * n as i64);
        let id = format!(
            "{}-incident-{n:04}",
            time(opened).in_tz(&jiff::tz::TimeZone::UTC).date()
        );
        write_incident(&incidents_dir.join(&id), &id, n, opened, entries)?;
    }
    for (n, &size) in sizes.iter().enumerate() {
        let opened: Timestamp = "2026-11-20T08:00:00Z".parse()?;
        let id = format!("2026-11-20-size-{size}");
        write_incident(&incidents_dir.join(&id), &id, incidents + n, opened, size)?;
    }
    commit_everything(dir)?;
    eprintln!(
        "{}: {incidents} incidents × {entries} entries, and incidents of {sizes:?} entries",
        dir.display()
    );
    Ok(())
}

fn time(at: Timestamp) -> Time {
    Time::new(at, &jiff::tz::TimeZone::UTC)
}

fn write_incident(
    dir: &Path,
    id: &str,
    n: usize,
    opened: Timestamp,
    entries: usize,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let minutes = |m: i64| opened + SignedDuration::from_mins(m);
    let severities = ["SEV1", "SEV2", "SEV3", "SEV4"];
    let sources = [
        Source::Alert,
        Source::Customer,
        Source::Employee,
        Source::Alert,
    ];
    let incident = Incident {
        title: format!("Incident number {n}"),
        severity: severities[n % 4].into(),
        status: Status::Closed,
        kind: inc::model::incident::DEFAULT_TYPE.into(),
        opened: time(opened),
        summary: "Something broke for a while and then it was fixed.".into(),
        public_title: String::new(),
        public_summary: String::new(),
        impact: Default::default(),
        tags: vec![["api", "db", "web", "queue"][n % 4].into()],
        links: vec![],
        detection: Detection {
            source: Some(sources[n % 4]),
        },
        milestones: Milestones {
            started: Some(time(minutes(-((n % 13) as i64) - 2))),
            detected: Some(time(opened)),
            acknowledged: Some(time(minutes(2))),
            mitigated: Some(time(minutes(20 + (n % 30) as i64))),
            resolved: Some(time(minutes(60 + (n % 90) as i64))),
        },
        postmortem_waived: None,
        changed: Default::default(),
    };
    let modeline = |kind: &str| inc::model::schema::modeline(kind, 2);
    std::fs::write(
        dir.join("incident.yaml"),
        format!("{}{}", modeline("incident"), to_yaml(&incident)),
    )?;

    let people = ["alice", "bob", "carol", "dave"];
    let timeline: Vec<TimelineEntry> = (0..entries)
        .map(|e| TimelineEntry {
            id: format!("e{e:05}"),
            conflict_of: None,
            at: time(minutes(e as i64 % 600)),
            recorded: None,
            by: people[e % 4].into(),
            kind: Kind::LOGGABLE[e % 5],
            reference: None,
            key: e % 10 == 0,
            internal: e % 7 == 0,
            public: e % 9 == 0,
            attachment: None,
            text: format!(
                "Entry {e}: checked the dashboards, error rate {}%, restarted pod payments-{e}",
                e % 50
            ),
        })
        .collect();
    std::fs::write(
        dir.join("timeline.yaml"),
        format!(
            "{}{}{}",
            modeline("timeline"),
            inc::model::timeline::HEADER,
            to_yaml(&timeline)
        ),
    )?;

    let roles: Vec<RoleEvent> = ["incident-lead", "scribe", "comms-lead"]
        .iter()
        .enumerate()
        .map(|(i, role)| RoleEvent {
            id: format!("r{i:05}"),
            conflict_of: None,
            at: time(minutes(i as i64)),
            recorded: None,
            by: "alice".into(),
            action: RoleAction::Assign,
            role: role.to_string(),
            person: people[i].into(),
        })
        .collect();
    std::fs::write(
        dir.join("roles.yaml"),
        format!("{}{}", modeline("roles"), to_yaml(&roles)),
    )?;

    let comms: Vec<CommsEntry> = (0..3)
        .map(|i| CommsEntry {
            id: format!("c{i:05}"),
            conflict_of: None,
            at: time(minutes(10 + 25 * i)),
            recorded: None,
            by: "dave".into(),
            audience: ["internal", "customers"][i as usize % 2].into(),
            channel: Some("chat".into()),
            message: "We are working on it.".into(),
            delivery: None,
        })
        .collect();
    std::fs::write(
        dir.join("comms.yaml"),
        format!("{}{}", modeline("comms"), to_yaml(&comms)),
    )?;

    let mut postmortem = format!(
        "---\nstatus: reviewed\nincident: {id}\nauthors: [\"alice\"]\n---\n# Post-mortem\n"
    );
    for section in inc::model::postmortem::SECTIONS {
        let body = match section {
            "Issues" => "- A check was missing from the deploy pipeline.",
            "Improvements" => "- [ ] Add the check (owner: bob, due: 2027-01-01, type: prevent)",
            _ => "Written by the team.",
        };
        postmortem.push_str(&format!("\n## {section}\n\n{body}\n"));
    }
    std::fs::write(dir.join("postmortem.md"), postmortem)?;
    Ok(())
}

/// One commit with every file, made with libgit2 like inc's own commits.
fn commit_everything(dir: &Path) -> anyhow::Result<()> {
    let repo = git2::Repository::open(dir)?;
    let mut index = repo.index()?;
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let signature = git2::Signature::new(
        "bench",
        "bench@example.com",
        &git2::Time::new(1_795_000_000, 0),
    )?;
    let parent = repo.head()?.peel_to_commit()?;
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        "bench: the reference incidents",
        &tree,
        &[&parent],
    )?;
    Ok(())
}

//! Where things live in an incident repository: the one table of paths every reader and writer
//! joins, so that a directory is named once. The incidents and maintenance directories are
//! settings (`.inc.yaml`); each record's own file (`timeline.yaml`, `comms.yaml` …), the services
//! catalog and the schemas directory are named in `model` beside the types whose text names them.

/// The repository's configuration, at its root; its presence marks the root.
pub const CONFIG_FILE: &str = ".inc.yaml";

/// Runbooks, one `NAME.md` each (from the repository root).
pub const RUNBOOKS_DIR: &str = ".inc/runbooks";

/// The repository's own report templates, overriding or adding to the built-in ones.
pub const TEMPLATES_DIR: &str = ".inc/templates";

/// The executables inc runs after it records something (`.inc/hooks/EVENT`).
pub const HOOKS_DIR: &str = ".inc/hooks";

/// An incident's own file, in its directory.
pub const INCIDENT_FILE: &str = "incident.yaml";

/// An incident's post-mortem, in its directory.
pub const POSTMORTEM_FILE: &str = "postmortem.md";

/// The directory in each incident that holds its attachments.
pub const ATTACHMENTS_DIR: &str = "attachments";

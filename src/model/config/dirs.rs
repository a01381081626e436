//! The directories `.inc.yaml` names (incidents_dir, maintenance_dir): written one way, strictly
//! inside the work tree, and apart from each other.

use super::Config;

/// A directory inside the repository written the one way: `ops/incidents` for `./ops//incidents/`.
/// `None` for anything that is not strictly below the root (`..`, absolute, `.` itself).
pub fn normal_dir(dir: &str) -> Option<String> {
    let mut parts = Vec::new();
    for component in std::path::Path::new(dir).components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part.to_str()?),
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What is wrong with `dir` as incidents_dir, if anything. It must name a directory strictly
/// inside the work tree: inc writes there, so `..`, an absolute path or `.git` (where a write
/// could change git's own configuration or hooks) would let a repository's configuration make
/// inc write elsewhere. `.` is refused too: incident directories would mix with the repository's
/// own files.
pub fn incidents_dir_problem(dir: &str) -> Option<String> {
    dir_problem("incidents_dir", dir, "incidents")
}

/// [`incidents_dir_problem`] for the setting `key`, whose usual value is `usual` (`incidents`).
fn dir_problem(key: &str, dir: &str, usual: &str) -> Option<String> {
    let Some(normal) = normal_dir(dir) else {
        return Some(format!(
            "{key} \"{dir}\" must be a relative path inside the repository, like {usual} or ops/{usual}"
        ));
    };
    if normal
        .split('/')
        .any(|part| part.eq_ignore_ascii_case(".git"))
    {
        return Some(format!(
            "{key} \"{dir}\" is inside .git, which git does not track: use a directory of the work tree, like {usual}"
        ));
    }
    (normal != dir).then(|| format!("{key} \"{dir}\" must be written \"{normal}\""))
}

/// The name of the maintenance directory beside incidents_dir when `maintenance_dir` is not set.
const MAINTENANCE: &str = "maintenance";

impl Config {
    /// Where maintenance windows live: `maintenance_dir`, else `maintenance` beside incidents_dir
    /// (`maintenance` for `incidents`, `ops/maintenance` for `ops/incidents`), so that in a
    /// monorepo they stay with the incidents instead of taking a name at the root.
    pub fn maintenance_dir(&self) -> String {
        if let Some(dir) = &self.maintenance_dir {
            return dir.clone();
        }
        let incidents = normal_dir(&self.incidents_dir).unwrap_or_default();
        let beside = |name: &str| match incidents.rsplit_once('/') {
            Some((parent, _)) => format!("{parent}/{name}"),
            None => name.to_string(),
        };
        // incidents_dir may itself be called `maintenance`.
        let dir = beside(MAINTENANCE);
        if dir == incidents {
            beside("scheduled-maintenance")
        } else {
            dir
        }
    }

    /// What is wrong with `maintenance_dir`, if it is set and wrong: the rules of incidents_dir,
    /// and it must neither be incidents_dir nor hold it nor be inside it (windows would be
    /// listed as incidents, or incidents as windows).
    pub fn maintenance_dir_problem(&self) -> Option<String> {
        let dir = self.maintenance_dir.as_deref()?;
        if let Some(problem) = dir_problem("maintenance_dir", dir, MAINTENANCE) {
            return Some(problem);
        }
        let incidents = normal_dir(&self.incidents_dir)?;
        let within = |inner: &str, outer: &str| {
            inner == outer
                || inner
                    .strip_prefix(outer)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        (within(dir, &incidents) || within(&incidents, dir)).then(|| {
            format!(
                "maintenance_dir \"{dir}\" overlaps incidents_dir \"{incidents}\": keep maintenance windows in a directory of their own, like maintenance"
            )
        })
    }
}

//! Build script: stamps the commit and date of the build into `inc --version`, so a bug report
//! says what was run. It never fails the build: outside a git checkout (a crates tarball) the
//! version is printed alone.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    if !in_own_checkout() {
        println!("cargo:rustc-env=INC_BUILD_INFO=");
        return;
    }
    let info = match (git(&["rev-parse", "--short=7", "HEAD"]), build_date()) {
        (Some(commit), Some(date)) => format!(" ({commit} {date})"),
        _ => String::new(),
    };
    println!("cargo:rustc-env=INC_BUILD_INFO={info}");
    watch_head();
}

/// Reruns this script when HEAD moves, and only then: without any rerun-if-changed cargo would
/// rerun it (and relink inc) whenever any file of the package changes.
fn watch_head() {
    let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]).map(PathBuf::from) else {
        return;
    };
    println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
    let common =
        git(&["rev-parse", "--git-common-dir"]).map_or(git_dir, |dir| manifest_dir().join(dir));
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        let loose = common.join(&branch);
        if loose.exists() {
            println!("cargo:rerun-if-changed={}", loose.display());
        }
    }
    let packed = common.join("packed-refs");
    if packed.exists() {
        println!("cargo:rerun-if-changed={}", packed.display());
    }
}

/// Whether the package is the top of a git work tree: a crates tarball unpacked inside some other
/// repository must not print that repository's commit.
fn in_own_checkout() -> bool {
    let top = git(&["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    top.and_then(|t| t.canonicalize().ok()) == manifest_dir().canonicalize().ok()
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default())
}

/// The day of the build: `SOURCE_DATE_EPOCH` (reproducible builds), else the commit's date (UTC).
fn build_date() -> Option<String> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .or_else(|| git(&["log", "-1", "--format=%ct", "HEAD"]))?;
    let seconds: i64 = epoch.trim().parse().ok()?;
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm): a build
/// script has no date crate.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A git command's trimmed output in the package directory; `None` on any failure (no git, not a
/// checkout).
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

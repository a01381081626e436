//! Headless Chromium for the tests of pages: find it (or say the test is skipped; CI sets
//! INC_REQUIRE_CHROMIUM so a lost install fails instead), load a page with no network, and read
//! back its DOM after its scripts ran, or a screenshot.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// A headless Chromium with a profile of its own.
pub struct Browser {
    path: PathBuf,
    profile: TempDir,
}

impl Browser {
    /// Chromium from Debian's package, or `None` (printing that the test is skipped).
    pub fn find() -> Option<Browser> {
        let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists());
        let Some(path) = found else {
            assert!(
                std::env::var_os("INC_REQUIRE_CHROMIUM").is_none(),
                "INC_REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)"
            );
            println!("skipped: chromium not installed (apt-get install chromium)");
            return None;
        };
        Some(Browser {
            path,
            profile: tempfile::tempdir().unwrap(),
        })
    }

    fn run(&self, page: &Path, extra: &[String]) -> String {
        let out = std::process::Command::new(&self.path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                // Nothing may be fetched: every host name fails to resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--virtual-time-budget=3000",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(extra)
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("run chromium");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The DOM of `page` after Chromium loaded it (and ran what it would run), in a window
    /// `width` pixels wide.
    pub fn dom(&self, page: &Path, width: u32) -> String {
        self.run(
            page,
            &[format!("--window-size={width},900"), "--dump-dom".into()],
        )
    }

    /// A PNG screenshot of `page` in a window of `width` × `height`, written to `png`.
    pub fn screenshot(&self, page: &Path, width: u32, height: u32, png: &Path) {
        self.run(
            page,
            &[
                format!("--window-size={width},{height}"),
                format!("--screenshot={}", png.display()),
            ],
        );
        let bytes = std::fs::read(png).expect("a screenshot");
        assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
    }

    /// How wide `page` is laid out against how wide its viewport is, at `width` pixels, as
    /// (scroll width, client width): the page scrolls sideways when the first is larger.
    /// Headless Chromium keeps windows at least 500 pixels wide, so narrower viewports are an
    /// iframe of that width. The page is measured in a copy beside it (same links), without its
    /// policy so that the measuring script may run.
    pub fn widths(&self, page: &Path, width: u32) -> (u32, u32) {
        let html = std::fs::read_to_string(page).unwrap();
        let start = html.find("<meta http-equiv=\"Content-Security-Policy\"");
        let html = match start {
            Some(at) => {
                let end = at + html[at..].find('>').unwrap() + 1;
                format!("{}{}", &html[..at], &html[end..])
            }
            None => html,
        };
        let script = "<script>addEventListener('load', function () { var d = document.documentElement; var m = d.scrollWidth + 'x' + d.clientWidth; if (parent !== window) parent.postMessage(m, '*'); else document.body.setAttribute('data-measure', m); });</script>";
        let copy = page.with_extension("measure.html");
        std::fs::write(
            &copy,
            html.replacen("</body>", &format!("{script}</body>"), 1),
        )
        .unwrap();
        let dom = if width >= 500 {
            self.dom(&copy, width)
        } else {
            let frame = page.with_extension("frame.html");
            let name = copy.file_name().unwrap().to_str().unwrap();
            std::fs::write(
                &frame,
                format!(
                    "<!doctype html><body style=\"margin:0\"><iframe src=\"{name}\" width=\"{width}\" height=\"844\" style=\"border:0\"></iframe><script>addEventListener('message', function (e) {{ document.body.setAttribute('data-measure', e.data); }});</script></body>"
                ),
            )
            .unwrap();
            let dom = self.dom(&frame, 500);
            std::fs::remove_file(&frame).unwrap();
            dom
        };
        std::fs::remove_file(&copy).unwrap();
        let at = dom
            .find("data-measure=\"")
            .unwrap_or_else(|| panic!("{} was not measured:\n{dom}", page.display()))
            + "data-measure=\"".len();
        let value = &dom[at..at + dom[at..].find('"').unwrap()];
        let (scroll, client) = value.split_once('x').unwrap();
        (scroll.parse().unwrap(), client.parse().unwrap())
    }
}

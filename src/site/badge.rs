//! The site's badge (`badge.svg`), in the usual two-part shape: "incidents" and how many are
//! open, coloured by the worst state now. The front page shows it at the size given here.

use super::Site;
use super::history;
use crate::model::severity::ServiceState;
use crate::svg;

/// The width of the left part, which says "incidents".
const LABEL: usize = 70;

/// What the right part says: how many incidents are open.
pub fn text(site: &Site) -> String {
    match site.incidents.iter().filter(|e| e.open).count() {
        0 => "no open incidents".to_string(),
        n => crate::text::plural(n, "open incident"),
    }
}

/// The badge's width in pixels: the label and room for [`text`].
pub fn width(site: &Site) -> usize {
    LABEL + 7 * text(site).chars().count() + 10
}

/// The badge, coloured by the worst state now (green, blue for maintenance, amber, red).
pub fn svg(site: &Site) -> String {
    let text = text(site);
    let colour = match history::overall(site) {
        ServiceState::Operational => "#2e7d32",
        ServiceState::Maintenance => "#2f6fd6",
        ServiceState::Degraded => "#b7791f",
        ServiceState::Outage => "#c9302c",
    };
    let width = width(site);
    let right = width - LABEL;
    let lines = [
        svg::document(&width, &20, "badge-title", &[]),
        svg::element(
            "title",
            &[("id", &"badge-title")],
            &format!("incidents: {text}"),
        ),
        svg::element("desc", &[], &site.title),
        svg::empty(
            "rect",
            &[("width", &LABEL), ("height", &20), ("fill", &"#555")],
        ),
        svg::empty(
            "rect",
            &[
                ("x", &LABEL),
                ("width", &right),
                ("height", &20),
                ("fill", &colour),
            ],
        ),
        svg::start(
            "g",
            &[
                ("fill", &"#fff"),
                ("font-family", &svg::FONT_FAMILY),
                ("font-size", &11),
                ("text-anchor", &"middle"),
            ],
        ),
        svg::element("text", &[("x", &(LABEL / 2)), ("y", &14)], "incidents"),
        svg::element("text", &[("x", &(LABEL + right / 2)), ("y", &14)], &text),
        "</g>".to_string(),
        "</svg>".to_string(),
    ];
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

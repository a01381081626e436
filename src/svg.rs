//! The one way inc draws SVG: the phase chart of reports, the site's statistics charts and its
//! badge are all written with these pieces, so every drawing is escaped, labelled for screen
//! readers and numbered alike.
//!
//! Elements are written from attribute lists in the order given; every attribute value and text
//! goes through [`crate::text::escape_markup`]. Numbers are written as Rust prints them (`720`,
//! `236.5`), or with one decimal through [`Fixed`] where a position is computed.

use std::fmt::{self, Display};

/// The attributes of an element, in order: names and values.
pub type Attrs<'a> = &'a [(&'a str, &'a dyn Display)];

/// The SVG namespace, on every drawing's root element.
const XMLNS: &str = "http://www.w3.org/2000/svg";

/// Where a figure ends: the close of [`figure`].
pub const FIGURE_END: &str = "</svg>\n</figure>\n";

/// The font every drawing is written in.
pub const FONT_FAMILY: &str = "system-ui, sans-serif";

/// A number written with one decimal (`12.0`, `236.5`): a computed position, short and stable.
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub f64);

impl Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

/// Text for an element or an attribute value.
pub fn esc(text: &str) -> String {
    crate::text::escape_markup(text)
}

fn attributes(out: &mut String, attrs: Attrs<'_>) {
    for (name, value) in attrs {
        out.push_str(&format!(" {name}=\"{}\"", esc(&value.to_string())));
    }
}

/// `<name a="v" …>`: the start of an element whose content follows.
pub fn start(name: &str, attrs: Attrs<'_>) -> String {
    let mut out = format!("<{name}");
    attributes(&mut out, attrs);
    out.push('>');
    out
}

/// `<name a="v" …/>`: an element without content.
pub fn empty(name: &str, attrs: Attrs<'_>) -> String {
    let mut out = format!("<{name}");
    attributes(&mut out, attrs);
    out.push_str("/>");
    out
}

/// `<name a="v" …>text</name>`, the text escaped.
pub fn element(name: &str, attrs: Attrs<'_>, text: &str) -> String {
    format!("{}{}</{name}>", start(name, attrs), esc(text))
}

/// `<title>text</title>`: a tooltip, and what a screen reader says of its parent.
pub fn title(text: &str) -> String {
    element("title", &[], text)
}

/// The start of a drawing, `width` by `height`, named by the elements `labelledby` lists;
/// `more` attributes follow the common ones.
pub fn document(
    width: &dyn Display,
    height: &dyn Display,
    labelledby: &str,
    more: Attrs<'_>,
) -> String {
    let view_box = format!("0 0 {width} {height}");
    let mut out = String::from("<svg");
    attributes(
        &mut out,
        &[
            ("xmlns", &XMLNS),
            ("role", &"img"),
            ("width", width),
            ("height", height),
            ("viewBox", &view_box),
            ("aria-labelledby", &labelledby),
        ],
    );
    attributes(&mut out, more);
    out.push('>');
    out
}

/// The start of a chart in a page: a figure holding the drawing, with its title and description
/// for screen readers (ids `{id}-title` and `{id}-desc`). [`FIGURE_END`] closes it.
pub fn figure(
    id: &str,
    width: f64,
    height: f64,
    font_size: f64,
    title: &str,
    desc: &str,
) -> String {
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    format!(
        "<figure class=\"chart\">\n{}\n{}\n{}\n",
        document(
            &width,
            &height,
            &format!("{title_id} {desc_id}"),
            &[("font-family", &FONT_FAMILY), ("font-size", &font_size)],
        ),
        element("title", &[("id", &title_id)], title),
        element("desc", &[("id", &desc_id)], desc),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_escape_their_text_and_attributes() {
        assert_eq!(
            element(
                "text",
                &[("x", &Fixed(3.0)), ("fill", &"#555")],
                "<a> & \u{1b}"
            ),
            "<text x=\"3.0\" fill=\"#555\">&lt;a&gt; &amp; \\u{1b}</text>"
        );
        assert_eq!(
            empty("rect", &[("width", &70), ("title", &"\"x\"")]),
            "<rect width=\"70\" title=\"&quot;x&quot;\"/>"
        );
        assert_eq!(title("a\u{202e}b"), "<title>a\\u{202e}b</title>");
    }

    #[test]
    fn a_figure_is_labelled_and_sized() {
        let svg = figure("c1", 720.0, 236.5, 12.0, "T", "D");
        assert_eq!(
            svg,
            "<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"720\" height=\"236.5\" viewBox=\"0 0 720 236.5\" aria-labelledby=\"c1-title c1-desc\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n<title id=\"c1-title\">T</title>\n<desc id=\"c1-desc\">D</desc>\n"
        );
    }
}

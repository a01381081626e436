//! Keeping people out of public reports: their names replaced in every text.

use crate::names::Names;

/// What replaces a person's name in a public report.
pub(super) const NAME_REPLACEMENT: &str = "a team member";

/// Removes people from a public context: fields that hold a person (`by`, `owner`, `person`) say
/// "a team member", the authors and the roles are emptied, and names in any text are replaced.
pub(super) fn scrub(value: &mut serde_json::Value, people: &Names) {
    use serde_json::Value as Json;
    match value {
        Json::String(text) => *text = people.redact(text, NAME_REPLACEMENT),
        Json::Array(items) => items.iter_mut().for_each(|v| scrub(v, people)),
        Json::Object(map) => {
            for (key, field) in map.iter_mut() {
                match (key.as_str(), &field) {
                    ("by" | "owner" | "person", Json::String(_)) => {
                        *field = Json::String(NAME_REPLACEMENT.into());
                    }
                    ("authors", _) => *field = Json::Array(Vec::new()),
                    ("roles", Json::Object(_)) if field.get("history").is_some() => {
                        *field = serde_json::json!({"holders": {}, "history": []});
                    }
                    ("roles", Json::Object(_)) => *field = serde_json::json!({}),
                    _ => scrub(field, people),
                }
            }
        }
        _ => {}
    }
}

/// [`scrub`] for what is not a report (`inc export --public`): the same rules, so an export for
/// the public names no one a public report would not.
pub fn scrub_people(value: &mut serde_json::Value, people: &[String]) {
    scrub(value, &Names::new(people));
}

/// `text` (in NFC) with every mention of a person replaced; see [`crate::names`] for what a
/// mention is. To redact many texts, compile the names once with [`Names::new`].
pub fn redact(text: &str, people: &[String]) -> String {
    Names::new(people).redact(text, NAME_REPLACEMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_replaces_whole_names() {
        let people = vec![
            "Carol".to_string(),
            "Carol Git".to_string(),
            "bob".to_string(),
        ];
        assert_eq!(
            redact("CAROL GIT paged Bob; Caroline, git and bobby stay", &people),
            "a team member paged a team member; Caroline, git and bobby stay"
        );
    }
}

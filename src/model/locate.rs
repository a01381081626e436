//! Finding the line and column a problem is about in a YAML file's text.

/// Line and column of `key:` nested under the keys before it, in a block-style YAML mapping.
/// Falls back to (1, 1) when the file is laid out in a way this does not follow.
pub fn locate(text: &str, path: &[&str]) -> (u64, u64) {
    let mut found = (1, 1);
    let mut parent_indent: Option<usize> = None;
    let mut rest = path.iter();
    let Some(mut key) = rest.next() else {
        return found;
    };
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if parent_indent.is_some_and(|p| indent <= p) {
            return found;
        }
        if trimmed
            .strip_prefix(key)
            .is_some_and(|after| after.starts_with(':'))
        {
            found = (index as u64 + 1, indent as u64 + 1);
            parent_indent = Some(indent);
            match rest.next() {
                Some(next) => key = next,
                None => return found,
            }
        }
    }
    found
}

/// Line and column of the `index`-th (0-based) item of the block list at `path` (`- name` lines
/// below the key); the key's own position when the list is written another way (`[a, b]`).
pub fn locate_list_item(text: &str, path: &[&str], index: usize) -> (u64, u64) {
    let key = locate(text, path);
    // `locate` falls back to (1, 1) when the key is not there.
    let found = path.last().is_some_and(|last| {
        text.lines().nth(key.0 as usize - 1).is_some_and(|line| {
            line.trim_start()
                .strip_prefix(last)
                .is_some_and(|after| after.starts_with(':'))
        })
    });
    if !found {
        return key;
    }
    let key_indent = key.1 as usize - 1;
    let mut items = 0;
    for (number, line) in text.lines().enumerate().skip(key.0 as usize) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let item = trimmed == "-" || trimmed.starts_with("- ");
        // A block list may sit at its key's indent; anything else there ends it.
        if indent < key_indent || (indent == key_indent && !item) {
            break;
        }
        if item && indent <= key_indent + 2 {
            if items == index {
                return (number as u64 + 1, indent as u64 + 3);
            }
            items += 1;
        }
    }
    key
}

/// The id of a top-level list item that starts on this line, if it does.
pub fn item_id(line: &str) -> Option<&str> {
    let id = line
        .strip_prefix("- ")?
        .trim_start()
        .strip_prefix("id:")?
        .trim();
    Some(id.trim_matches(|c| c == '"' || c == '\''))
}

/// Line and column of the `nth` (1-based) top-level list item whose first line matches.
pub fn locate_item(text: &str, matches: impl Fn(&str) -> bool, nth: usize) -> (u64, u64) {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with("- ") && matches(line))
        .nth(nth - 1)
        .map_or((1, 1), |(index, _)| (index as u64 + 1, 1))
}

/// Line and column of `key:` inside the `index`-th (0-based) top-level list item.
pub fn locate_in_item(text: &str, index: usize, key: &str) -> (u64, u64) {
    let mut items = 0usize;
    let mut inside = false;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('-') {
            inside = items == index;
            items += 1;
        }
        if !inside {
            continue;
        }
        let body = line.trim_start_matches('-').trim_start();
        if body
            .strip_prefix(key)
            .is_some_and(|after| after.starts_with(':'))
        {
            let column = line.len() - body.len() + 1;
            return (number as u64 + 1, column as u64);
        }
    }
    (1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_follows_nesting() {
        let text =
            "# comment\ntitle: x\nmilestones:\n  started: a\n  detected: b\nstatus: resolved\n";
        assert_eq!(locate(text, &["milestones", "detected"]), (5, 3));
        assert_eq!(locate(text, &["status"]), (6, 1));
        assert_eq!(locate(text, &["milestones", "resolved"]), (3, 1));
        assert_eq!(locate(text, &["nothing"]), (1, 1));
    }

    #[test]
    fn locate_list_item_finds_the_nth_item() {
        let text = "title: x\nimpact:\n  summary: ''\n  services:\n  - a\n  - b\n  regions: [eu]\ntags: []\n";
        assert_eq!(locate_list_item(text, &["impact", "services"], 1), (6, 5));
        assert_eq!(locate_list_item(text, &["impact", "services"], 0), (5, 5));
        assert_eq!(locate_list_item(text, &["impact", "regions"], 0), (7, 3));
    }

    #[test]
    fn locate_in_item_finds_keys_of_the_right_entry() {
        let text = "# header\n- id: a\n  role: x\n- id: b\n  role: y\n";
        assert_eq!(locate_in_item(text, 1, "role"), (5, 3));
        assert_eq!(locate_in_item(text, 0, "id"), (2, 3));
        assert_eq!(locate_item(text, |l| item_id(l) == Some("b"), 1), (4, 1));
    }
}

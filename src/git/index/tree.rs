//! The cached trees of an index (its TREE extension): the tree id of each directory as of the last
//! time git wrote one, which an entry changed below the directory invalidates. Read without
//! recursion, so no nesting or count in a hostile index can exhaust the stack or the memory.

/// Appends the TREE extension `data` with the cached trees on the way to `paths` invalidated (see
/// [`invalidate_trees`]), or says that it does not parse.
pub(super) fn push_invalidated(
    out: &mut Vec<u8>,
    data: &[u8],
    paths: &[&str],
) -> Result<(), String> {
    let tree = invalidate_trees(data, paths).ok_or("its cached trees (TREE) do not parse")?;
    super::format::push_extension(out, b"TREE", &tree);
    Ok(())
}

/// The TREE extension with every cached tree on the way to `paths` marked invalid (entry count
/// -1, no id), as git does when it changes an entry. `None` if the data does not parse.
///
/// At 20,000 incidents the extension holds 20,000 trees (1 MB): the subtrees off the changed
/// paths are copied as they are, parsed only to find where they end.
fn invalidate_trees(data: &[u8], paths: &[&str]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    let dirs: Vec<Vec<&[u8]>> = paths
        .iter()
        .map(|p| {
            let mut parts: Vec<&[u8]> = p.as_bytes().split(|&b| b == b'/').collect();
            parts.pop();
            parts
        })
        .collect();
    let below: Vec<&[&[u8]]> = dirs.iter().map(Vec::as_slice).collect();
    node(&mut rest, &mut out, None, &below)?;
    Some(out)
}

/// One cached-tree node: its name, entry count, number of children and (when valid) id.
struct TreeNode<'a> {
    name: &'a [u8],
    header: &'a [u8],
    count: i64,
    children: usize,
}

fn tree_node<'a>(input: &mut &'a [u8]) -> Option<TreeNode<'a>> {
    let nul = input.iter().position(|&b| b == 0)?;
    let name = &input[..nul];
    let rest = &input[nul + 1..];
    let newline = rest.iter().position(|&b| b == b'\n')?;
    let header = &rest[..newline];
    let text = std::str::from_utf8(header).ok()?;
    let (count, children) = text.split_once(' ')?;
    let node = TreeNode {
        name,
        header,
        count: count.parse().ok()?,
        children: children.parse().ok()?,
    };
    *input = &rest[newline + 1..];
    if node.count >= 0 {
        input.get(..20)?;
        *input = &input[20..];
    }
    Some(node)
}

/// Moves `input` past one node and its children. Not recursive: a hostile count of children
/// or nesting ends with the input, not with the stack.
pub(super) fn skip_node(input: &mut &[u8]) -> Option<()> {
    let mut pending: usize = 1;
    while pending > 0 {
        let node = tree_node(input)?;
        pending = (pending - 1).checked_add(node.children)?;
    }
    Some(())
}

/// Rewrites one cached-tree node (and its children) from `input` to `out`. `parent` holds what
/// remains below the parent of the directories changed (`None` at the root, which every path
/// goes through); a node some of them go through is invalidated.
fn node(
    input: &mut &[u8],
    out: &mut Vec<u8>,
    parent: Option<&[&[&[u8]]]>,
    root_dirs: &[&[&[u8]]],
) -> Option<()> {
    let start = *input;
    let node = tree_node(input)?;
    let below: Vec<&[&[u8]]> = match parent {
        None => root_dirs.to_vec(),
        Some(dirs) => dirs
            .iter()
            .filter(|d| d.first() == Some(&node.name))
            .map(|d| &d[1..])
            .collect(),
    };
    if below.is_empty() {
        for _ in 0..node.children {
            skip_node(input)?;
        }
        out.extend_from_slice(&start[..start.len() - input.len()]);
        return Some(());
    }
    out.extend_from_slice(node.name);
    out.push(0);
    if node.count >= 0 {
        out.extend_from_slice(format!("-1 {}\n", node.children).as_bytes());
    } else {
        out.extend_from_slice(node.header);
        out.push(b'\n');
    }
    for _ in 0..node.children {
        self::node(input, out, Some(&below), root_dirs)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_node(name: &str, count: i64, children: usize, id: u8) -> Vec<u8> {
        let mut bytes = format!("{name}\0{count} {children}\n").into_bytes();
        if count >= 0 {
            bytes.extend_from_slice(&[id; 20]);
        }
        bytes
    }

    #[test]
    fn invalidates_the_trees_on_the_way_to_a_path_only() {
        let data = [
            tree_node("", 5, 2, 1),
            tree_node("docs", 1, 0, 2),
            tree_node("incidents", 4, 2, 3),
            tree_node("a", 2, 0, 4),
            tree_node("b", 2, 0, 5),
        ]
        .concat();
        let out = invalidate_trees(&data, &["incidents/b/timeline.yaml"]).unwrap();
        let expected = [
            tree_node("", -1, 2, 0),
            tree_node("docs", 1, 0, 2),
            tree_node("incidents", -1, 2, 0),
            tree_node("a", 2, 0, 4),
            tree_node("b", -1, 0, 0),
        ]
        .concat();
        assert_eq!(out, expected);
    }
}

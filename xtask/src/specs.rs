//! Finding the corpus's spec files and naming them: the group each belongs to, a display name
//! (`named/github-rest-3.0.json`) and a unique, valid crate name for its generated SDK.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Which part of the corpus a spec comes from. The order is the report's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Group {
    /// `../shared/specs/*`: the project's own reference specs (Dub, Oxide).
    Shared,
    /// `DEST/named/*`: about 20 well-known specs of every size.
    Named,
    /// `DEST/apis-guru/**`: the whole APIs.guru directory.
    ApisGuru,
}

impl Group {
    /// Every group, in report order.
    pub(crate) const ALL: [Group; 3] = [Group::Shared, Group::Named, Group::ApisGuru];

    /// How the report names the group.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Group::Shared => "shared (../shared/specs)",
            Group::Named => "named",
            Group::ApisGuru => "APIs.guru",
        }
    }

    fn crate_prefix(self) -> &'static str {
        match self {
            Group::Shared => "shared",
            Group::Named => "named",
            Group::ApisGuru => "guru",
        }
    }

    fn display_prefix(self) -> &'static str {
        match self {
            Group::Shared => "shared",
            Group::Named => "named",
            Group::ApisGuru => "apis-guru",
        }
    }
}

/// One spec file of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spec {
    /// Where it comes from.
    pub(crate) group: Group,
    /// The file.
    pub(crate) path: PathBuf,
    /// `group/relative/path.json`: how reports name it.
    pub(crate) name: String,
    /// A valid, unique package name for its generated crate (`guru_stripe_com`).
    pub(crate) crate_name: String,
    /// Its size in bytes (big specs are scheduled first).
    pub(crate) size: u64,
}

/// Lists every spec: `shared_dir/*` (skipped with a note when the directory is missing),
/// `corpus_dir/named/*` and, with `apis_guru`, `corpus_dir/apis-guru/**`; each group sorted by
/// path. Only `.json`, `.yaml` and `.yml` files count.
pub(crate) fn discover(
    corpus_dir: &Path,
    shared_dir: &Path,
    apis_guru: bool,
) -> Result<Vec<Spec>, String> {
    let mut roots = vec![(Group::Named, corpus_dir.join("named"))];
    if shared_dir.is_dir() {
        roots.insert(0, (Group::Shared, shared_dir.to_path_buf()));
    } else {
        eprintln!(
            "note: {} not found: skipping the shared specs",
            shared_dir.display()
        );
    }
    if apis_guru {
        roots.push((Group::ApisGuru, corpus_dir.join("apis-guru")));
    }
    let mut taken = BTreeSet::new();
    let mut specs = Vec::new();
    for (group, root) in roots {
        let mut files = Vec::new();
        list_spec_files(&root, &mut files)?;
        files.sort();
        for path in files {
            let relative = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let stem = relative
                .rsplit_once('.')
                .map_or(relative.as_str(), |(stem, _)| stem);
            let crate_name = unique(&mut taken, sanitize_crate_name(group.crate_prefix(), stem));
            let size = std::fs::metadata(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .len();
            specs.push(Spec {
                group,
                name: format!("{}/{relative}", group.display_prefix()),
                path,
                crate_name,
                size,
            });
        }
    }
    Ok(specs)
}

fn list_spec_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
        if kind.is_dir() {
            list_spec_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// `prefix_` + `stem` made into a package name that is also a plain Rust identifier: lowercase
/// ASCII letters, digits and single underscores (`guru`, `Twilio.com/api` → `guru_twilio_com_api`).
pub(crate) fn sanitize_crate_name(prefix: &str, stem: &str) -> String {
    let mut name = String::with_capacity(prefix.len() + stem.len() + 1);
    for c in prefix.chars().chain(['_']).chain(stem.chars()) {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        };
        if c == '_' && (name.is_empty() || name.ends_with('_')) {
            continue;
        }
        name.push(c);
    }
    while name.ends_with('_') {
        name.pop();
    }
    if name.is_empty() {
        name.push_str("spec");
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "spec_");
    }
    name
}

/// `name`, or `name_2`, `name_3`... if already taken; records the result as taken.
fn unique(taken: &mut BTreeSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_lowercase_identifiers() {
        assert_eq!(
            sanitize_crate_name("guru", "twilio.com/api"),
            "guru_twilio_com_api"
        );
        assert_eq!(
            sanitize_crate_name("named", "GitHub-REST-3.0"),
            "named_github_rest_3_0"
        );
        assert_eq!(
            sanitize_crate_name("guru", "..weird__name--"),
            "guru_weird_name"
        );
        assert_eq!(sanitize_crate_name("", "1password"), "spec_1password");
        assert_eq!(sanitize_crate_name("", "é"), "spec");
    }

    #[test]
    fn crate_names_are_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique(&mut taken, "a_b".into()), "a_b");
        assert_eq!(unique(&mut taken, "a_b".into()), "a_b_2");
        assert_eq!(unique(&mut taken, "a_b".into()), "a_b_3");
    }
}

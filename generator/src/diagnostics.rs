//! Problems found while reading, resolving or emitting a spec, each tied to the file and the JSON
//! pointer of the construct it speaks of. Collected as the pipeline goes (in the manner of
//! serde_derive's `Ctxt`) so that one run reports every problem at once.

use std::collections::HashSet;
use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The generator did something reasonable instead (named in the message) and went on.
    Warning,
    /// The spec cannot be turned into an SDK.
    Error,
}

/// One problem, located by file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// A short, stable name for the kind of problem (`unsupported-schema`, `skipped-constraint`, ...),
    /// used to count warnings by kind.
    pub kind: &'static str,
    /// The spec file.
    pub file: String,
    /// RFC 6901 JSON pointer into the spec (`/paths/~1track~1sale/post`); empty for the whole file.
    pub pointer: String,
    /// What is wrong and, for warnings, what was done instead.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{level}: {}#{}: {}",
            self.file, self.pointer, self.message
        )
    }
}

impl std::error::Error for Diagnostic {}

/// Collects diagnostics for one spec file.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
    /// (kind, pointer, message) of the items: a schema merged into several places (an `allOf`
    /// part many types share) is spoken of once.
    seen: HashSet<(&'static str, String, String)>,
}

impl Diagnostics {
    /// A collector for problems in `file`.
    pub fn new(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            items: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// The spec file these diagnostics are about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Records a warning: something was skipped or approximated, and the message says how.
    pub fn warn(&mut self, kind: &'static str, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Warning, kind, pointer, message.into());
    }

    /// Records an error: the spec cannot be generated.
    pub fn error(&mut self, kind: &'static str, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, kind, pointer, message.into());
    }

    fn push(&mut self, severity: Severity, kind: &'static str, pointer: &str, message: String) {
        if !self
            .seen
            .insert((kind, pointer.to_owned(), message.clone()))
        {
            return;
        }
        self.items.push(Diagnostic {
            severity,
            kind,
            file: self.file.clone(),
            pointer: pointer.to_owned(),
            message,
        });
    }

    /// Records diagnostics found elsewhere (the reader's warnings), as they are.
    pub fn extend(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(found);
    }

    /// The first error, if any was recorded.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.items.iter().find(|d| d.severity == Severity::Error)
    }

    /// Every diagnostic, in the order found.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Builds JSON pointers (RFC 6901) one segment at a time.
pub fn pointer(base: &str, segment: &str) -> String {
    let escaped = segment.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_problem_at_the_same_place_is_recorded_once() {
        let mut d = Diagnostics::new("api.yaml");
        d.warn("k", "/a", "m");
        d.warn("k", "/a", "m");
        d.warn("k", "/b", "m");
        d.warn("k", "/a", "other");
        let pointers: Vec<(String, String)> = d
            .into_vec()
            .into_iter()
            .map(|w| (w.pointer, w.message))
            .collect();
        assert_eq!(
            pointers,
            [
                ("/a".to_owned(), "m".to_owned()),
                ("/b".to_owned(), "m".to_owned()),
                ("/a".to_owned(), "other".to_owned())
            ]
        );
    }
}

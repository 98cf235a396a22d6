//! Spec prose turned into rustdoc: brackets and angle brackets escaped (so rustdoc sees no broken
//! intra-doc links or HTML tags), bare URLs wrapped in `<...>`, code fences marked `text` (so
//! doctests never try to compile an example written in another language).

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`, one per line; nothing for `None` or blank text.
pub(crate) fn doc(text: Option<&str>) -> TokenStream {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => lines(&sanitize(text)),
        None => TokenStream::new(),
    }
}

/// Doc attributes for already-sanitised paragraphs, separated by blank doc lines.
pub(crate) fn paragraphs(parts: &[String]) -> TokenStream {
    let text = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if text.is_empty() {
        TokenStream::new()
    } else {
        lines(&text)
    }
}

fn lines(text: &str) -> TokenStream {
    let attrs = text.lines().map(|line| {
        let line = format!(" {}", line.trim_end());
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

/// Makes spec prose safe for rustdoc.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    // Tabs become four spaces, as rustdoc renders them and clippy asks; a bare CR (old Mac line
    // ends) is a line break, since rustc refuses one inside a doc comment.
    let text = text
        .replace('\t', "    ")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        if i > 0 {
            out.push('\n');
        }
        i += 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Every fence becomes `text` on open; closing fences stay bare.
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        // An indented code block (four spaces, after a blank line or at the start) is Rust to
        // rustdoc, which would compile it as a doctest: it becomes a `text` fence.
        let after_blank = i == 1 || lines.get(i - 2).is_some_and(|l| l.trim().is_empty());
        if after_blank && line.starts_with("    ") && !trimmed.is_empty() {
            out.push_str("```text\n");
            out.push_str(&line[4..]);
            while let Some(&next) = lines.get(i) {
                let blank_then_more = next.trim().is_empty()
                    && lines[i..]
                        .iter()
                        .find(|l| !l.trim().is_empty())
                        .is_some_and(|l| l.starts_with("    "));
                if !(next.starts_with("    ") || blank_then_more) {
                    break;
                }
                out.push('\n');
                out.push_str(next.get(4..).unwrap_or(""));
                i += 1;
            }
            out.push_str("\n```");
            continue;
        }
        out.push_str(&sanitize_line(line));
    }
    if in_fence {
        out.push_str("\n```");
    }
    out
}

fn sanitize_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let Some(ch) = rest.chars().next() else { break };
        match ch {
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
        rest = &rest[ch.len_utf8()..];
    }
    out
}

/// The length of a bare `http(s)://` URL starting `s`, without trailing punctuation.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("https://") || s.starts_with("http://")) {
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
        .unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    Some(url.len())
}

/// Inline code for a name or value from the wire (a property name, an enum value): control
/// characters are written as escapes (rustc refuses a bare CR in a doc comment, and a line break
/// would end the code span), and a backtick, which would end it too, becomes a quote.
pub(crate) fn inline_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    for c in text.chars() {
        match c {
            '`' => out.push('\''),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('`');
    out
}

/// Inline code for a JSON value in docs (`"usd"`, `0`, `true`).
pub(crate) fn code(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let text = if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    };
    format!("`{}`", text.replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_in_code_spans_escape_control_characters_and_backticks() {
        assert_eq!(inline_code("foo\rbar"), "`foo\\rbar`");
        assert_eq!(inline_code("a\nb`c"), "`a\\nb'c`");
        assert_eq!(inline_code("café"), "`café`");
    }

    #[test]
    fn tabs_become_four_spaces_in_prose_and_fences() {
        assert_eq!(
            sanitize("a\tb\n```\n{\n\t\"k\": 1\n}\n```"),
            "a    b\n```text\n{\n    \"k\": 1\n}\n```"
        );
    }

    #[test]
    fn escapes_links_urls_and_fences() {
        assert_eq!(
            sanitize("[For direct sale tracking]: see https://d.to/currency."),
            "\\[For direct sale tracking\\]: see <https://d.to/currency>."
        );
        assert_eq!(sanitize("Array<string>"), "Array\\<string\\>");
        assert_eq!(sanitize("```js\nx[0]\n```"), "```text\nx[0]\n```");
        assert_eq!(sanitize("```\nopen"), "```text\nopen\n```");
        assert_eq!(sanitize("(https://a.b/c)"), "(<https://a.b/c>)");
    }

    #[test]
    fn indented_code_and_bare_carriage_returns() {
        assert_eq!(
            sanitize("Run:\n\n    curl -X POST {\n\n    }\nafter"),
            "Run:\n\n```text\ncurl -X POST {\n\n}\n```\nafter"
        );
        // A list item's continuation is not code: it follows a line of text.
        assert_eq!(sanitize("- a\n    b"), "- a\n    b");
        assert_eq!(sanitize("a\rb"), "a\nb");
        assert_eq!(sanitize("    x [y]"), "```text\nx [y]\n```");
    }
}

//! `declutter diff`: one document before and after, as unified text (for a
//! terminal or a pager) or JSON (for scripts). Removed parts carry their rule
//! id and category; spans cut from a kept block are shown in place.

use serde_json::{Value, json};

use crate::Cleaned;
use crate::document::{Part, Piece};
use crate::document::{Removal, Scope, Side};
use crate::write::terminal::printable;

/// How unified output looks.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// ANSI colours (removed red, labels yellow).
    pub color: bool,
    /// Kept blocks shown around each removal; `None` shows them all.
    pub context: Option<usize>,
    /// Show removed text whole instead of its first [`SHOWN_CHARS`] characters.
    pub full: bool,
}

/// Removed text beyond this is elided (`--full` shows it all).
pub const SHOWN_CHARS: usize = 400;

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The label a removal is shown with: `[rule · category]`, plus the context
/// side or `element` where they say something, and a learned removal's score.
pub fn label(r: &Removal) -> String {
    let mut out = format!("[{} · {}", r.rule, r.category);
    if let Some(filter) = &r.filter {
        out.push_str(&format!(" · {filter}"));
    }
    match (r.context, r.scope) {
        (Some(Side::Previous), _) => out.push_str(" · previous block"),
        (Some(Side::Next), _) => out.push_str(" · next block"),
        (None, Scope::Element) => out.push_str(" · element"),
        _ => {}
    }
    // A learned decision says how sure it was.
    if let Some(score) = r.score {
        out.push_str(&format!(" · score {score:.2}"));
    }
    out.push(']');
    out
}

/// One line summing a document up: publisher, how the article was found, counts.
pub fn headline(name: &str, cleaned: &Cleaned) -> String {
    let mut facts = vec![format!("publisher {}", cleaned.publisher.as_deref().unwrap_or("default"))];
    if let Some(q) = &cleaned.quality {
        facts.push(format!("article by {} ({:.2})", q.method, q.score));
    }
    facts.push(format!("{} kept, {} removed", cleaned.blocks.len(), cleaned.removals.len()));
    format!("=== {name} ({})", facts.join(" · "))
}

/// The document as unified text: `  ` kept, `- ` removed with its label,
/// `{-…-}[rule]` for a span cut from a kept block.
pub fn unified(name: &str, cleaned: &Cleaned, style: &Style) -> String {
    // Page text is painted only after its control characters are made
    // visible, so the only escapes that reach the terminal are our colours.
    let paint = |code: &str, text: &str| {
        let text = printable(text);
        if style.color { format!("{code}{text}{RESET}") } else { text.into_owned() }
    };
    let parts = cleaned.parts();
    let shown = visible(&parts, style.context);
    let mut out = paint(BOLD, &headline(name, cleaned));
    out.push('\n');
    let mut hidden = 0usize;
    for (part, show) in parts.iter().zip(&shown) {
        if !show {
            hidden += 1;
            continue;
        }
        if hidden > 0 {
            out.push_str(&paint(DIM, &format!("  ⋯ {hidden} kept block{}", plural(hidden))));
            out.push('\n');
            hidden = 0;
        }
        match part {
            Part::Removed(r) => {
                let text = if style.full { r.text.clone() } else { super::shorten(&r.text, SHOWN_CHARS) };
                let mut lines = text.lines();
                let first = lines.next().unwrap_or("");
                out.push_str(&format!("{} {}\n", paint(YELLOW, &format!("- {}", label(r))), paint(RED, first)));
                for line in lines {
                    out.push_str(&paint(RED, &format!("- {line}")));
                    out.push('\n');
                }
            }
            Part::Kept { pieces, .. } => {
                let mut text = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(t) => text.push_str(&printable(t)),
                        Piece::Cut(r) => {
                            text.push_str(&paint(RED, &format!("{{-{}-}}", r.text)));
                            text.push_str(&paint(YELLOW, &format!("[{}]", r.rule)));
                        }
                    }
                }
                for line in text.lines() {
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    if hidden > 0 {
        out.push_str(&paint(DIM, &format!("  ⋯ {hidden} kept block{}", plural(hidden))));
        out.push('\n');
    }
    out
}

/// Which parts to print: all, or kept parts within `context` of a change.
fn visible(parts: &[Part], context: Option<usize>) -> Vec<bool> {
    let Some(n) = context else {
        return vec![true; parts.len()];
    };
    let changed: Vec<bool> = parts
        .iter()
        .map(|p| match p {
            Part::Removed(_) => true,
            Part::Kept { pieces, .. } => pieces.iter().any(|x| matches!(x, Piece::Cut(_))),
        })
        .collect();
    let mut show = changed.clone();
    for (i, &c) in changed.iter().enumerate() {
        if c {
            let from = i.saturating_sub(n);
            let to = (i + n + 1).min(parts.len());
            show[from..to].iter_mut().for_each(|s| *s = true);
        }
    }
    show
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One removal as JSON.
pub fn removal_json(r: &Removal) -> Value {
    let mut v = json!({"rule": r.rule, "category": r.category, "scope": r.scope, "text": r.text, "origin": r.origin});
    if let Some(side) = r.context {
        v["context"] = json!(side);
    }
    if let Some(filter) = &r.filter {
        v["filter"] = json!(filter);
    }
    v
}

/// The document as one JSON object: `parts` in order, each
/// `{"kept": text, "pieces": [...]}` (pieces only when spans were cut) or
/// `{"removed": {rule, category, scope, text, origin}}`.
pub fn json(name: &str, cleaned: &Cleaned) -> Value {
    let parts: Vec<Value> = cleaned
        .parts()
        .iter()
        .map(|p| match p {
            Part::Removed(r) => json!({"removed": removal_json(r)}),
            Part::Kept { block, pieces } => {
                let mut v = json!({"kept": block.text, "kind": block.kind, "origin": block.origin});
                if pieces.iter().any(|x| matches!(x, Piece::Cut(_))) {
                    v["pieces"] = pieces
                        .iter()
                        .map(|x| match x {
                            Piece::Text(t) => json!({"text": t}),
                            Piece::Cut(r) => json!({"cut": removal_json(r)}),
                        })
                        .collect();
                }
                v
            }
        })
        .collect();
    json!({
        "document": name,
        "url": cleaned.url,
        "publisher": cleaned.publisher,
        "extraction": cleaned.quality,
        "kept": cleaned.blocks.len(),
        "removed": cleaned.removals.len(),
        "parts": parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cleaner, Hints};

    fn founding() -> Cleaned {
        let text =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/default/founding-article.txt")).unwrap();
        Cleaner::new().unwrap().clean(&text, &Hints::default()).unwrap()
    }

    #[test]
    fn unified_marks_every_removal_with_its_rule() {
        let out = unified("a.txt", &founding(), &Style::default());
        assert!(out.starts_with("=== a.txt (publisher default"), "{out}");
        assert!(out.contains("- [poll-consent · consent] By completing the poll"), "{out}");
        assert!(
            out.contains("- [poll-consent · consent · previous block] Who do you think would win the Presidency?"),
            "{out}"
        );
        assert!(out.contains("[lz_related_box"), "{out}");
        assert!(out.contains("[the]"), "{out}");
        assert!(!out.contains('\x1b'), "no colour unless asked");
        assert!(unified("a.txt", &founding(), &Style { color: true, ..Style::default() }).contains(RED));
    }

    #[test]
    fn context_collapses_far_kept_blocks() {
        let out = unified("a.txt", &founding(), &Style { context: Some(1), ..Style::default() });
        assert!(out.contains("⋯ "), "{out}");
        let all = unified("a.txt", &founding(), &Style::default());
        assert!(out.lines().count() < all.lines().count());
    }

    #[test]
    fn json_parts_cover_the_document() {
        let v = json("a.txt", &founding());
        let parts = v["parts"].as_array().unwrap();
        let removed = parts.iter().filter(|p| p.get("removed").is_some()).count();
        assert_eq!(removed, 3);
        assert_eq!(v["removed"], 3);
        assert_eq!(parts.iter().filter(|p| p.get("kept").is_some()).count(), v["kept"].as_u64().unwrap() as usize);
    }
}

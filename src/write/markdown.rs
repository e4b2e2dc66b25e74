use crate::Cleaned;
use crate::document::{Block, BlockKind};

/// Markdown: headings, list items, quotes, fenced code, tables (the first
/// row of a run becomes the header). Paragraph text is escaped where it would
/// otherwise turn into markup.
pub fn markdown(cleaned: &Cleaned) -> String {
    let mut out = String::new();
    let mut prev: Option<&Block> = None;
    let mut ordinal = 0;
    for block in &cleaned.blocks {
        let same_run = prev.is_some_and(|p| p.kind == block.kind);
        let list_run = same_run && matches!(block.kind, BlockKind::ListItem { .. } | BlockKind::TableRow);
        if !out.is_empty() {
            out.push_str(if list_run { "\n" } else { "\n\n" });
        }
        match block.kind {
            BlockKind::Heading { level } => {
                out.push_str(&"#".repeat(usize::from(level.clamp(1, 6))));
                out.push(' ');
                out.push_str(&block.text.replace('\n', " "));
            }
            BlockKind::ListItem { ordered } => {
                ordinal = if list_run { ordinal + 1 } else { 1 };
                let marker = if ordered { format!("{ordinal}. ") } else { "- ".to_owned() };
                out.push_str(&marker);
                out.push_str(&hard_breaks(&escape(&block.text), &" ".repeat(marker.len())));
            }
            BlockKind::Quote => {
                for (i, line) in block.text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str("> ");
                    out.push_str(&escape(line));
                }
            }
            BlockKind::Preformatted => {
                let fence = if block.text.contains("```") { "~~~~" } else { "```" };
                out.push_str(fence);
                out.push('\n');
                out.push_str(&block.text);
                out.push('\n');
                out.push_str(fence);
            }
            BlockKind::TableRow => {
                let cells: Vec<String> =
                    block.text.split(" | ").map(|c| c.replace('|', "\\|").replace('\n', " ")).collect();
                out.push_str(&format!("| {} |", cells.join(" | ")));
                if !list_run {
                    out.push('\n');
                    out.push_str(&format!("|{}", " --- |".repeat(cells.len())));
                }
            }
            BlockKind::Paragraph => out.push_str(&hard_breaks(&escape(&block.text), "")),
        }
        prev = Some(block);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Line breaks inside a block become Markdown hard breaks.
fn hard_breaks(text: &str, indent: &str) -> String {
    text.replace('\n', &format!("\\\n{indent}"))
}

/// Escapes what would start markup at the beginning of a line.
fn escape(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            let starts_markup = trimmed.starts_with(['#', '>', '-', '+', '*', '='])
                || trimmed.starts_with("```")
                || (digits > 0 && trimmed[digits..].starts_with(['.', ')']));
            if starts_markup {
                let at = line.len() - trimmed.len() + if digits > 0 { digits } else { 0 };
                format!("{}\\{}", &line[..at], &line[at..])
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_line_starts() {
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("1999. A year"), "1999\\. A year");
        assert_eq!(escape("plain"), "plain");
    }
}

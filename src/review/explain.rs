//! `declutter explain`: why a document came out as it did. Which rule files
//! apply and why (domain match or `--publisher`), how the article container
//! was chosen, which rules fired and what each removed, which did not fire.

use std::fmt::Write as _;

use serde::Serialize;

use crate::document::Removal;
use crate::rules::{Category, Matcher, Rule, host_matches, host_of};
use crate::{Cleaned, Cleaner, Hints};

/// Removed texts listed per rule (all are counted).
const TEXTS_PER_RULE: usize = 5;

/// Everything `explain` says, ready for text or JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub document: String,
    pub format: String,
    pub encoding: String,
    pub encoding_source: String,
    /// A declared encoding passed over because it would have destroyed the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_overruled: Option<crate::load::Overruled>,
    /// Where the rules came from, lowest layer first (the built-in rules, `--rules` folders).
    pub sources: Vec<crate::rules::LayerInfo>,
    pub files: Vec<FileUse>,
    pub content: Content,
    pub fired: Vec<Fired>,
    pub not_fired: Vec<RuleRef>,
    /// Default rules a publisher file switched off.
    pub disabled: Vec<String>,
    /// Limits the input hit, with what they left out.
    pub limits: Vec<crate::Limit>,
}

/// One rule file and why it applies.
#[derive(Debug, Clone, Serialize)]
pub struct FileUse {
    pub file: String,
    pub why: String,
    pub rules: usize,
}

/// How the article was found.
#[derive(Debug, Clone, Serialize)]
pub struct Content {
    /// `publisher-content`, `scored`, `whole-body`, `text` (text input) or `off` (`--no-extract`).
    pub method: String,
    pub score: Option<f32>,
    /// The publisher `content` selector that matched.
    pub selector: Option<String>,
    pub how: String,
    /// The element holding every kept block (their nearest common ancestor), as a path.
    pub container: Option<String>,
    /// Blocks dropped by built-in extraction decisions, by `builtin:` id.
    pub builtin: Vec<(String, usize)>,
    /// Laid out as a browser with scripts off shows the page (`<noscript>` content included).
    pub noscript: bool,
    /// The page-type classifier's verdict (HTML input).
    pub page_type: Option<crate::html::page_type::PageKind>,
}

/// A rule that removed something.
#[derive(Debug, Clone, Serialize)]
pub struct Fired {
    pub rule: String,
    pub category: Category,
    /// `file:line:column`; empty for `builtin:` decisions.
    pub location: String,
    /// The filter as its list writes it, for a filter list's line (`rule` is its `FILE:LINE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    pub removals: usize,
    pub chars: usize,
    pub texts: Vec<String>,
}

/// A rule that applied but removed nothing.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRef {
    pub rule: String,
    pub category: Category,
    pub kind: &'static str,
    pub location: String,
}

/// The name of a rule's matcher kind, as written in rule files.
pub fn kind(rule: &Rule) -> &'static str {
    match rule.matcher {
        Matcher::Selector(_) => "selector",
        Matcher::Shortcode(_) => "shortcode",
        Matcher::Block(_) => "block",
        Matcher::Inline(_) => "inline",
    }
}

/// Explains `cleaned`, the result of `cleaner` on a document with `hints`.
pub fn explain(document: &str, cleaner: &Cleaner, hints: &Hints, cleaned: &Cleaned) -> Explanation {
    let set = cleaner.rules();
    let publisher = cleaner.publisher_for(hints).ok().flatten();
    let profile = set.profile(publisher);
    let active: Vec<&Rule> = [&profile.selectors, &profile.shortcodes, &profile.blocks, &profile.inlines]
        .into_iter()
        .flatten()
        .map(|&i| set.rule(i))
        .collect();

    let mut files = Vec::new();
    for default_file in set.default_files() {
        let rules = active.iter().filter(|r| &r.location.file == default_file).count();
        files.push(FileUse { file: default_file.clone(), why: "applies to every document".into(), rules });
    }
    let mut disabled = Vec::new();
    if let Some(p) = publisher.map(|p| &set.publishers()[p]) {
        let why = match (&hints.publisher, hints.url.as_deref().and_then(host_of)) {
            (Some(name), _) => format!("chosen with --publisher {name}"),
            (None, Some(host)) => {
                let domain = p.domains.iter().filter(|d| host_matches(&host, d)).max_by_key(|d| d.len());
                format!("host {host} matches domain {}", domain.map(String::as_str).unwrap_or("?"))
            }
            (None, None) => "chosen by the caller".into(),
        };
        let rules = active.iter().filter(|r| r.location.file == p.file).count();
        files.push(FileUse { file: p.file.clone(), why, rules });
        disabled = p.disable.clone();
    } else if !set.publishers().is_empty() {
        let why = match (hints.url.as_deref(), hints.url.as_deref().and_then(host_of)) {
            (_, Some(host)) => format!("no publisher file lists host {host} ({} checked)", set.publishers().len()),
            (Some(url), None) => format!("the URL {url:?} has no host name, so no publisher file applies"),
            (None, None) => "no URL given (--url), so no publisher file applies".into(),
        };
        files.push(FileUse { file: "(no publisher file)".into(), why, rules: 0 });
    }

    for list in cleaner.filter_lists().map(|l| l.reports()).unwrap_or_default() {
        let prefix = format!("{}:", list.file);
        let mut lines: Vec<&str> = cleaned
            .removals
            .iter()
            .filter(|r| r.filter.is_some() && r.rule.starts_with(&prefix))
            .map(|r| r.rule.as_str())
            .collect();
        lines.sort_unstable();
        lines.dedup();
        let host = hints.url.as_deref().and_then(host_of);
        let why = format!(
            "filter list: {} element-hiding filters; {} and the generic ones for the page's classes and ids apply",
            list.hide,
            host.map_or_else(|| "no URL, so no site's".to_owned(), |h| format!("those for {h}"))
        );
        files.push(FileUse { file: list.file.clone(), why, rules: lines.len() });
    }

    let mut fired: Vec<Fired> = Vec::new();
    for r in &cleaned.removals {
        let entry = match fired.iter_mut().position(|f| f.rule == r.rule) {
            Some(i) => &mut fired[i],
            None => {
                let location = match &r.filter {
                    Some(_) => r.rule.clone(),
                    None => active
                        .iter()
                        .find(|a| a.id == r.rule)
                        .map(|a| a.location.to_string())
                        .unwrap_or_else(|| builtin_source(&r.rule).to_owned()),
                };
                fired.push(Fired {
                    rule: r.rule.clone(),
                    category: r.category,
                    location,
                    filter: r.filter.clone(),
                    removals: 0,
                    chars: 0,
                    texts: Vec::new(),
                });
                fired.last_mut().expect("just pushed")
            }
        };
        entry.removals += 1;
        entry.chars += r.text.chars().count();
        if entry.texts.len() < TEXTS_PER_RULE {
            entry.texts.push(short(r));
        }
    }
    let not_fired = active
        .iter()
        .filter(|r| !fired.iter().any(|f| f.rule == r.id))
        .map(|r| RuleRef { rule: r.id.clone(), category: r.category, kind: kind(r), location: r.location.to_string() })
        .collect();

    let builtin: Vec<(String, usize)> =
        fired.iter().filter(|f| f.rule.starts_with("builtin:")).map(|f| (f.rule.clone(), f.removals)).collect();
    let container = container_path(cleaned);
    let content = match (&cleaned.content_selector, &cleaned.quality) {
        (Some(sel), q) => Content {
            method: "publisher-content".into(),
            score: q.map(|q| q.score),
            selector: Some(sel.clone()),
            how: format!("the publisher's content selector {sel:?} matched; everything outside it was left out"),
            builtin: builtin.clone(),
            container: container.clone(),
            noscript: cleaned.noscript,
            page_type: cleaned.page_type,
        },
        (None, Some(q)) => Content {
            method: q.method.as_str().into(),
            score: Some(q.score),
            selector: None,
            how: match q.method {
                crate::html::Method::WholeBody => {
                    "no element scored as an article container; the whole body was kept".into()
                }
                _ => format!(
                    "generic extraction: the element with the highest text score (commas, length, low link \
                     density, article-like class names) was taken as the article, confidence {:.2}",
                    q.score
                ),
            },
            builtin: builtin.clone(),
            container: container.clone(),
            noscript: cleaned.noscript,
            page_type: cleaned.page_type,
        },
        (None, None) => Content {
            method: if cleaned.format == crate::InputFormat::Text { "text" } else { "off" }.into(),
            score: None,
            selector: None,
            how: if cleaned.format == crate::InputFormat::Text {
                "text input: every block is a candidate; rules, the line scorer and lines repeated across the run remove text".into()
            } else {
                "extraction is off (--no-extract): the whole body was kept".into()
            },
            builtin: builtin.clone(),
            container: container.clone(),
            noscript: cleaned.noscript,
            page_type: cleaned.page_type,
        },
    };
    Explanation {
        document: document.to_owned(),
        format: format!("{:?}", cleaned.format).to_lowercase(),
        encoding: cleaned.encoding.name.to_owned(),
        encoding_source: serde_json::to_value(cleaned.encoding.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        encoding_overruled: cleaned.encoding.overruled.clone(),
        sources: set.layers().to_vec(),
        files,
        content,
        fired,
        not_fired,
        disabled,
        limits: cleaned.limits.clone(),
    }
}

/// The nearest common ancestor of the kept blocks' elements (HTML input).
fn container_path(cleaned: &Cleaned) -> Option<String> {
    let paths: Vec<Vec<&str>> = cleaned
        .blocks
        .iter()
        .filter_map(|b| match &b.origin {
            crate::Origin::Element(p) => Some(p.split('/').filter(|s| !s.is_empty()).collect()),
            crate::Origin::Line(_) => None,
        })
        .collect();
    let first = paths.first()?;
    let mut common = first.len();
    for p in &paths[1..] {
        common = common.min(first.iter().zip(p).take_while(|(a, b)| a == b).count());
    }
    // One block (or all in one element): the container is its parent.
    if paths.iter().all(|p| p.len() == common) {
        common = common.saturating_sub(1);
    }
    (common > 0).then(|| format!("/{}", first[..common].join("/")))
}

/// Where a built-in decision comes from, for people (no rule file holds it).
fn builtin_source(id: &str) -> &'static str {
    match id {
        crate::clean::TEXT_BOILERPLATE => "the line scorer, src/clean/text_model.json (--no-text-model: off)",
        crate::clean::repeated::REPEATED_LINE => {
            "repeated across this site's documents in the run (--no-repeated-lines: off)"
        }
        _ => "",
    }
}

fn short(r: &Removal) -> String {
    if let Some(score) = r.score {
        return format!("{} (score {score:.2})", short_text(r));
    }
    short_text(r)
}

fn short_text(r: &Removal) -> String {
    let one_line = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = one_line.chars().count();
    if count <= 100 {
        one_line
    } else {
        format!("{}… [{count} chars]", one_line.chars().take(100).collect::<String>())
    }
}

impl Explanation {
    /// The explanation as text for a terminal.
    /// The explanation for a person: control characters in page text are shown, not obeyed.
    pub fn to_text(&self) -> String {
        crate::write::terminal::printable(&self.raw_text()).into_owned()
    }

    fn raw_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "{} ({}, {} from {})", self.document, self.format, self.encoding, self.encoding_source);
        if !self.limits.is_empty() {
            let _ = writeln!(o, "\nLimits hit (hostile or broken markup; see the README's Limits):");
            for l in &self.limits {
                let _ = writeln!(o, "  {}: {} {}", l.limit, l.count, l.detail);
            }
        }
        if let Some(o2) = &self.encoding_overruled {
            let declared = serde_json::to_value(o2.source).ok().and_then(|v| v.as_str().map(str::to_owned));
            let _ = writeln!(
                o,
                "  declared {} ({}) was not used: {}",
                o2.name,
                declared.as_deref().unwrap_or("declared"),
                o2.reason
            );
        }
        let _ = write!(o, "\n{}", crate::rules::describe_layers(&self.sources));
        let _ = writeln!(o, "\nRule files:");
        for f in &self.files {
            let _ = writeln!(o, "  {:<34} {} ({} rules)", f.file, f.why, f.rules);
        }
        if !self.disabled.is_empty() {
            let _ = writeln!(o, "  default rules switched off by the publisher: {}", self.disabled.join(", "));
        }
        if let Some(kind) = &self.content.page_type {
            let _ = writeln!(
                o,
                "\nPage type: {} (confidence {:.2}; the classifier in src/html/page_type_model.json)",
                kind.page_type, kind.confidence
            );
        }
        let _ = writeln!(o, "\nArticle container: {}", self.content.how);
        if self.content.noscript {
            let _ = writeln!(o, "  laid out with scripts off: the page showed little outside <noscript>");
        }
        if let Some(path) = &self.content.container {
            let _ = writeln!(o, "  kept blocks all lie inside {path}");
        }
        for (id, n) in &self.content.builtin {
            let _ = writeln!(o, "  {id}: {n} block{} left out", if *n == 1 { "" } else { "s" });
        }
        let total: usize = self.fired.iter().map(|f| f.removals).sum();
        let _ = writeln!(o, "\nFired ({} rules, {} removals):", self.fired.len(), total);
        for f in &self.fired {
            let at = match (&f.filter, f.location.is_empty()) {
                (Some(filter), _) => format!("  {filter}"),
                (None, true) => String::new(),
                (None, false) => format!("  {}", f.location),
            };
            let _ = writeln!(o, "  {} ({}) × {}, {} chars{at}", f.rule, f.category, f.removals, f.chars);
            for t in &f.texts {
                let _ = writeln!(o, "      - {t}");
            }
            if f.removals > f.texts.len() {
                let _ = writeln!(o, "      … and {} more", f.removals - f.texts.len());
            }
        }
        let _ = writeln!(o, "\nDid not fire ({} rules):", self.not_fired.len());
        for r in &self.not_fired {
            let _ = writeln!(o, "  {:<30} {:<10} {:<9} {}", r.rule, r.category.to_string(), r.kind, r.location);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publisher_page_explained() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/lifezette/founding-article.html");
        let bytes = std::fs::read(dir).unwrap();
        let cleaner = Cleaner::new().unwrap();
        let hints = Hints { url: Some("https://www.lifezette.com/polizette/kremlin-x/".into()), ..Hints::default() };
        let cleaned = cleaner.clean(&bytes, &hints).unwrap();
        let e = explain("page.html", &cleaner, &hints, &cleaned);
        assert_eq!(e.files.len(), 2);
        assert!(e.files[1].file.ends_with("lifezette.toml"), "{:?}", e.files);
        assert_eq!(e.files[1].why, "host www.lifezette.com matches domain lifezette.com");
        assert_eq!(e.content.method, "publisher-content");
        let container = e.content.container.as_deref().unwrap_or_default();
        assert!(container.starts_with("/html/body/") && container.contains("article"), "{container}");
        assert!(e.fired.iter().any(|f| f.rule == "lz-poll-widget" && f.location.contains("lifezette.toml:")));
        assert!(e.not_fired.iter().any(|r| r.rule == "share-this"));
        let text = e.to_text();
        assert!(text.contains("Did not fire"), "{text}");
    }

    #[test]
    fn without_url_no_publisher_file_applies() {
        let cleaner = Cleaner::new().unwrap();
        let hints = Hints::default();
        let cleaned = cleaner.clean(b"Some text.\n\nShare this article", &hints).unwrap();
        let e = explain("a.txt", &cleaner, &hints, &cleaned);
        assert!(e.files[1].why.contains("no URL given"));
        assert_eq!(e.content.method, "text");
        assert_eq!(e.fired[0].rule, "share-this");
    }
}

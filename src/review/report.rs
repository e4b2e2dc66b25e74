//! The HTML review report: one self-contained static page for a corpus (no
//! network, no external assets). Per document, the article with removed parts
//! struck through and labelled by rule, collapsible; a table of rules with hit
//! counts and example removals; a search box. Opens from disk in any browser.
//!
//! [`ChangeReport`] is the same page for a rule change (`diff --rules-before A
//! --rules-after B --format html`): only the documents whose output changed,
//! with the blocks newly removed, newly kept and edited, each labelled by
//! rule, and the per-rule tally as the table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::compare::{Change, DocumentChange, Tally};
use super::diff::SHOWN_CHARS;
use super::shorten;
use crate::Cleaned;
use crate::document::Removal;
use crate::document::{Part, Piece};
use crate::rules::Category;

/// Example removals kept per rule in the table.
const EXAMPLES_PER_RULE: usize = 3;

/// Builds a report document by document; [`Report::finish`] writes the page.
#[derive(Debug, Default)]
pub struct Report {
    title: String,
    documents: String,
    count: usize,
    failed: usize,
    removals: usize,
    rules: BTreeMap<String, RuleRow>,
}

#[derive(Debug, Default)]
struct RuleRow {
    category: Option<Category>,
    /// The filter text, for a filter list's line.
    filter: Option<String>,
    hits: usize,
    documents: usize,
    examples: Vec<(String, String)>,
}

impl Report {
    pub fn new(title: impl Into<String>) -> Self {
        Report { title: title.into(), ..Report::default() }
    }

    /// Adds one cleaned document.
    pub fn add(&mut self, name: &str, cleaned: &Cleaned) {
        self.count += 1;
        self.removals += cleaned.removals.len();
        let id = format!("doc-{}", self.count);
        let mut seen: Vec<&str> = Vec::new();
        for r in &cleaned.removals {
            let row = self.rules.entry(r.rule.clone()).or_default();
            row.category = Some(r.category);
            if row.filter.is_none() {
                row.filter.clone_from(&r.filter);
            }
            row.hits += 1;
            if !seen.contains(&r.rule.as_str()) {
                seen.push(&r.rule);
                row.documents += 1;
            }
            let example = shorten(&r.text, 160);
            if row.examples.len() < EXAMPLES_PER_RULE && !row.examples.iter().any(|(t, _)| *t == example) {
                row.examples.push((example, id.clone()));
            }
        }
        let rules_attr: Vec<&str> = seen;
        let publisher = cleaned.publisher.as_deref().unwrap_or("default");
        let method = cleaned.quality.as_ref().map(|q| format!(" · article by {} ({:.2})", q.method, q.score));
        let d = &mut self.documents;
        let _ = write!(
            d,
            "<details class=\"doc\" id=\"{id}\" data-rules=\" {} \"><summary>{} \
             <span class=\"facts\">publisher {}{} · {} kept · {} removed</span></summary><div class=\"body\">",
            escape(&rules_attr.join(" ")),
            document_label(name, cleaned),
            escape(publisher),
            escape(method.as_deref().unwrap_or("")),
            cleaned.blocks.len(),
            cleaned.removals.len()
        );
        for part in cleaned.parts() {
            match part {
                Part::Removed(r) => {
                    let _ = write!(
                        d,
                        "<div class=\"removed\" data-rule=\"{}\">{}<del>{}</del></div>",
                        escape(&r.rule),
                        label(r),
                        escape(&shorten(&r.text, SHOWN_CHARS * 5))
                    );
                }
                Part::Kept { pieces, .. } => {
                    d.push_str("<p>");
                    for piece in pieces {
                        match piece {
                            Piece::Text(t) => d.push_str(&escape(t)),
                            Piece::Cut(r) => {
                                let _ = write!(
                                    d,
                                    "<del class=\"span\" data-rule=\"{}\">{}</del>{}",
                                    escape(&r.rule),
                                    escape(&r.text),
                                    label(r)
                                );
                            }
                        }
                    }
                    d.push_str("</p>");
                }
            }
        }
        d.push_str("</div></details>\n");
    }

    /// Records a document that could not be cleaned.
    pub fn add_error(&mut self, name: &str, message: &str) {
        self.failed += 1;
        let _ = writeln!(
            self.documents,
            "<details class=\"doc failed\" data-rules=\" \"><summary><span class=\"name\">{}</span> \
             <span class=\"facts\">failed</span></summary><div class=\"body\"><p class=\"error\">{}</p></div></details>",
            escape(name),
            escape(message)
        );
    }

    /// The whole page.
    pub fn finish(self) -> String {
        let mut rows: Vec<(&String, &RuleRow)> = self.rules.iter().collect();
        rows.sort_by(|a, b| b.1.hits.cmp(&a.1.hits).then(a.0.cmp(b.0)));
        let mut table = String::new();
        for (rule, row) in rows {
            let examples: String = row
                .examples
                .iter()
                .map(|(text, doc)| format!("<li><a href=\"#{doc}\" class=\"jump\">{}</a></li>", escape(text)))
                .collect();
            let filter = row.filter.as_deref().map(|f| format!(" <code>{}</code>", escape(f))).unwrap_or_default();
            let _ = write!(
                table,
                "<tr data-rule=\"{r}\"><td><button class=\"rule\" data-rule=\"{r}\">{r}</button>{filter}</td><td>{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td><ul>{examples}</ul></td></tr>",
                row.category.map(|c| c.to_string()).unwrap_or_default(),
                row.hits,
                row.documents,
                r = escape(rule),
            );
        }
        let summary = format!(
            "{} documents · {} removals by {} rules{}",
            self.count,
            self.removals,
            self.rules.len(),
            if self.failed > 0 { format!(" · {} failed", self.failed) } else { String::new() }
        );
        fill(
            PAGE,
            &[
                ("title", &escape(&self.title)),
                ("summary", &escape(&summary)),
                ("rules_heading", "Rules"),
                ("head", RULES_HEAD),
                ("rules", &table),
                ("documents", &self.documents),
            ],
        )
    }
}

const RULES_HEAD: &str = "<th>rule</th><th>category</th><th>hits</th><th>documents</th><th>example removals</th>";
const CHANGES_HEAD: &str = "<th>rule</th><th>newly removed</th><th>newly kept</th><th>edited</th><th>documents</th>";

/// The rule-change review as one page: what [`super::compare`] found per
/// document, only for documents whose output changed.
#[derive(Debug, Default)]
pub struct ChangeReport {
    title: String,
    documents: String,
    count: usize,
    failed: usize,
}

impl ChangeReport {
    pub fn new(title: impl Into<String>) -> Self {
        ChangeReport { title: title.into(), ..ChangeReport::default() }
    }

    /// Adds a changed document; `after` (its output with the new rules) names it.
    pub fn add(&mut self, name: &str, after: &Cleaned, change: &DocumentChange) {
        self.count += 1;
        let id = format!("doc-{}", self.count);
        let mut rules: Vec<&str> = Vec::new();
        let (mut removed, mut kept, mut edited) = (0, 0, 0);
        let mut body = String::new();
        for c in &change.changes {
            match c {
                Change::NewlyRemoved { text, rule, category } => {
                    removed += 1;
                    rules.push(rule);
                    let _ = write!(
                        body,
                        "<div class=\"removed\" data-rule=\"{}\"><span class=\"kind\">newly removed</span>{}<del>{}</del></div>",
                        escape(rule),
                        rule_label(rule, Some(*category), None),
                        escape(&shorten(text, SHOWN_CHARS * 5))
                    );
                }
                Change::NewlyKept { text, was_removed_by } => {
                    kept += 1;
                    let rule = was_removed_by.as_deref().unwrap_or("(unattributed)");
                    rules.push(rule);
                    let _ = write!(
                        body,
                        "<div class=\"kept\" data-rule=\"{}\"><span class=\"kind\">newly kept</span>{}<ins>{}</ins></div>",
                        escape(rule),
                        rule_label(&format!("was {rule}"), None, None),
                        escape(&shorten(text, SHOWN_CHARS * 5))
                    );
                }
                Change::Edited { before, after, rules: by } => {
                    edited += 1;
                    let by: Vec<&str> =
                        if by.is_empty() { vec!["(unattributed)"] } else { by.iter().map(String::as_str).collect() };
                    rules.extend(by.iter().copied());
                    let labels: String = by.iter().map(|r| rule_label(r, None, None)).collect();
                    let _ = write!(
                        body,
                        "<div class=\"edited\" data-rule=\"{}\"><span class=\"kind\">edited</span>{labels}<p>{}</p></div>",
                        escape(&by.join(" ")),
                        word_diff(before, after)
                    );
                }
            }
        }
        rules.sort_unstable();
        rules.dedup();
        let _ = writeln!(
            self.documents,
            "<details class=\"doc\" id=\"{id}\" data-rules=\" {} \"><summary>{} <span class=\"facts\">{removed} newly \
             removed · {kept} newly kept · {edited} edited</span></summary><div class=\"body\">{body}</div></details>",
            escape(&rules.join(" ")),
            document_label(name, after),
        );
    }

    /// Records a document that could not be cleaned with one of the rule sets.
    pub fn add_error(&mut self, name: &str, message: &str) {
        self.failed += 1;
        let _ = writeln!(
            self.documents,
            "<details class=\"doc failed\" data-rules=\" \"><summary><span class=\"name\">{}</span> \
             <span class=\"facts\">failed</span></summary><div class=\"body\"><p class=\"error\">{}</p></div></details>",
            escape(name),
            escape(message)
        );
    }

    /// The whole page, with the corpus's per-rule tally as the table.
    pub fn finish(self, tally: &Tally) -> String {
        let mut rows: Vec<_> = tally.by_rule.iter().collect();
        rows.sort_by(|a, b| {
            let total = |t: &super::compare::RuleTally| t.newly_removed + t.newly_kept + t.edited;
            total(b.1).cmp(&total(a.1)).then(a.0.cmp(b.0))
        });
        let mut table = String::new();
        for (rule, t) in rows {
            let _ = write!(
                table,
                "<tr data-rule=\"{r}\"><td><button class=\"rule\" data-rule=\"{r}\">{r}</button></td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                t.newly_removed,
                t.newly_kept,
                t.edited,
                t.documents,
                r = escape(rule),
            );
        }
        let summary = format!(
            "{} of {} {} changed{}",
            tally.changed,
            tally.documents,
            if tally.documents == 1 { "document" } else { "documents" },
            if tally.failed > 0 { format!(" · {} failed", tally.failed) } else { String::new() }
        );
        fill(
            PAGE,
            &[
                ("title", &escape(&self.title)),
                ("summary", &escape(&summary)),
                ("rules_heading", "Changes by rule"),
                ("head", CHANGES_HEAD),
                ("rules", &table),
                ("documents", &self.documents),
            ],
        )
    }
}

/// A document's name: its URL and title when known (a JSONL record's
/// `corpus.jsonl:12` says little), with the input name after them.
fn document_label(name: &str, cleaned: &Cleaned) -> String {
    let url = cleaned.url.as_deref().or(cleaned.metadata.canonical_url.as_deref()).filter(|u| !u.trim().is_empty());
    let title = cleaned.metadata.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let mut o = format!("<span class=\"name\">{}</span>", escape(url.unwrap_or(name)));
    if let Some(t) = title {
        let _ = write!(o, " <span class=\"title\">{}</span>", escape(&shorten(t, 160)));
    }
    if url.is_some() {
        let _ = write!(o, " <span class=\"source\">{}</span>", escape(name));
    }
    o
}

/// An edited block, words the new rules cut struck through, words they
/// give back underlined.
fn word_diff(before: &str, after: &str) -> String {
    let mut o = String::new();
    for change in TextDiff::from_words(before, after).iter_all_changes() {
        let text = escape(change.value());
        match change.tag() {
            ChangeTag::Equal => o.push_str(&text),
            ChangeTag::Delete => {
                let _ = write!(o, "<del class=\"span\">{text}</del>");
            }
            ChangeTag::Insert => {
                let _ = write!(o, "<ins>{text}</ins>");
            }
        }
    }
    o
}

/// The page with each `{{key}}` of the template replaced by its value, in
/// one pass over the template only: a value is never searched for
/// placeholders, so page text holding `{{documents}}` stays text.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}").and_then(|end| values.iter().find(|(k, _)| *k == &after[..end]).map(|(_, v)| (end, v))) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn label(r: &Removal) -> String {
    rule_label(&r.rule, Some(r.category), Some(&r.origin.to_string()))
}

/// `rule · category`, with where it was removed as the tooltip.
fn rule_label(rule: &str, category: Option<Category>, origin: Option<&str>) -> String {
    let class = category.map(|c| format!(" cat-{c}")).unwrap_or_default();
    let title = origin.map(|o| format!(" title=\"{}\"", escape(o))).unwrap_or_default();
    match category {
        Some(c) => format!("<span class=\"label{class}\"{title}>{} · {c}</span>", escape(rule)),
        None => format!("<span class=\"label\"{title}>{}</span>", escape(rule)),
    }
}

/// Escapes text for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const PAGE: &str = r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
h1{font-size:1.4rem;margin:.2rem 0}.summary{color:#555}
#search{width:100%;font-size:1rem;padding:.4rem;margin:.8rem 0;box-sizing:border-box}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
td.n{text-align:right}td ul{margin:0;padding-left:1rem}
button.rule{white-space:nowrap;font:inherit;font-family:monospace;border:1px solid #bbb;background:#f6f6f6;cursor:pointer;border-radius:3px}
button.rule.active{background:#ffe08a}
details.doc{border:1px solid #ddd;border-radius:4px;margin:.5rem 0;padding:.3rem .6rem}
details.doc summary{cursor:pointer}.name{font-family:monospace}.facts{color:#666;font-size:.85rem}
.removed{color:#a00;margin:.4rem 0}.removed del,del.span{color:#a00;background:#fde8e8}
.label{display:inline-block;font-size:.75rem;font-family:monospace;background:#fff3c4;color:#5a4500;border:1px solid #e6cf7a;border-radius:3px;padding:0 .3rem;margin:0 .3rem;text-decoration:none}
.failed .facts,.error{color:#a00}.hidden{display:none}
.title{font-weight:600}.source{font-family:monospace;color:#888;font-size:.85rem}
.kept{color:#060;margin:.4rem 0}.kept ins,.edited ins{color:#060;background:#e3f6e3}.edited{margin:.4rem 0}
.kind{font-size:.75rem;text-transform:uppercase;letter-spacing:.03em;color:#666;margin-right:.2rem}
</style></head><body>
<h1>{{title}}</h1>
<p class="summary" id="summary">{{summary}}</p>
<input id="search" type="search" placeholder="Search documents, removed text and rule ids" aria-label="Search">
<h2>{{rules_heading}}</h2>
<table id="rules"><thead><tr>{{head}}</tr></thead>
<tbody>{{rules}}</tbody></table>
<h2>Documents <small id="shown"></small></h2>
<p><button id="expand" type="button">Expand all</button> <button id="collapse" type="button">Collapse all</button></p>
<div id="documents">
{{documents}}</div>
<script>
(function () {
  "use strict";
  var docs = Array.prototype.slice.call(document.querySelectorAll("details.doc"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rules tbody tr"));
  var search = document.getElementById("search");
  var activeRule = null;
  function apply() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    docs.forEach(function (d) {
      var ok = (!q || d.textContent.toLowerCase().indexOf(q) >= 0) &&
        (!activeRule || d.getAttribute("data-rules").indexOf(" " + activeRule + " ") >= 0);
      d.classList.toggle("hidden", !ok);
      if (ok) { shown++; }
    });
    // A narrow search opens what it found.
    if ((q || activeRule) && shown <= 20) {
      docs.forEach(function (d) { if (!d.classList.contains("hidden")) { d.open = true; } });
    }
    rows.forEach(function (r) {
      var ok = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      r.classList.toggle("hidden", !ok);
    });
    document.getElementById("shown").textContent = "(" + shown + " of " + docs.length + " shown)";
  }
  search.addEventListener("input", apply);
  document.querySelectorAll("button.rule").forEach(function (b) {
    b.addEventListener("click", function () {
      var rule = b.getAttribute("data-rule");
      activeRule = activeRule === rule ? null : rule;
      document.querySelectorAll("button.rule").forEach(function (x) {
        x.classList.toggle("active", x.getAttribute("data-rule") === activeRule);
      });
      apply();
    });
  });
  document.querySelectorAll("a.jump").forEach(function (a) {
    a.addEventListener("click", function () {
      var d = document.getElementById(a.getAttribute("href").slice(1));
      if (d) { d.open = true; }
    });
  });
  document.getElementById("expand").addEventListener("click", function () { docs.forEach(function (d) { d.open = true; }); });
  document.getElementById("collapse").addEventListener("click", function () { docs.forEach(function (d) { d.open = false; }); });
  // Links can carry a search or a rule filter: report.html#q=cookie, report.html#rule=share-bar.
  // A hash that is not valid percent-encoding (#%E0%A4%A) is taken as it is
  // rather than stopping the script with a URIError.
  var hash = location.hash.slice(1);
  try { hash = decodeURIComponent(hash); } catch (e) { /* keep it undecoded */ }
  if (hash.indexOf("q=") === 0) { search.value = hash.slice(2); }
  if (hash.indexOf("rule=") === 0) {
    activeRule = hash.slice(5);
    document.querySelectorAll("button.rule").forEach(function (x) {
      x.classList.toggle("active", x.getAttribute("data-rule") === activeRule);
    });
  }
  apply();
  document.documentElement.setAttribute("data-ready", "yes");
})();
</script>
</body></html>
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cleaner, Hints};

    #[test]
    fn page_is_self_contained_and_labels_removals() {
        let text =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/default/founding-article.txt")).unwrap();
        let cleaned = Cleaner::new().unwrap().clean(&text, &Hints::default()).unwrap();
        let mut report = Report::new("Review <test>");
        report.add("founding-article.txt", &cleaned);
        report.add_error("broken.html", "binary input");
        let page = report.finish();
        assert!(page.contains("<title>Review &lt;test&gt;</title>"));
        assert!(page.contains("poll-consent · consent"));
        assert!(page.contains("generic-shortcode · shortcode"));
        assert!(page.contains("1 documents · 3 removals by 2 rules · 1 failed"), "{}", &page[..2000]);
        assert!(!page.contains(" src=") && !page.contains("<link"), "no external assets");
        assert!(!page.contains("{{"), "every placeholder filled");
    }

    /// Removed text holding a placeholder used to pull the documents section
    /// into the rules table (the page grew with every such removal).
    #[test]
    fn page_text_is_never_read_as_template() {
        let text =
            "Click to share {{documents}} {{rules}} {{title}} on Twitter\n\nThe council met on Tuesday, and voted.\n";
        let cleaned = Cleaner::new().unwrap().clean(text.as_bytes(), &Hints::default()).unwrap();
        assert!(cleaned.removals.iter().any(|r| r.text.contains("{{documents}}")), "the share line is removed");
        let mut report = Report::new("{{documents}}");
        report.add("{{rules}}.txt", &cleaned);
        let page = report.finish();
        assert_eq!(page.matches("<details class=\"doc\"").count(), 1, "one documents section");
        assert_eq!(page.matches("<tbody>").count(), 1);
        assert!(page.contains("<title>{{documents}}</title>"));
        assert!(page.contains("{{documents}} {{rules}} {{title}}"), "the text stays as it was");
        assert_eq!(fill("a{{x}}b{{y}}c{{", &[("x", "{{y}}")]), "a{{y}}b{{y}}c{{");
    }

    #[test]
    fn change_report_lists_changes_by_rule_with_the_tally() {
        use crate::review::compare::compare;
        use crate::rules::{RuleSet, RuleSource};
        let cleaner = |rules: &str| {
            let set = RuleSet::from_sources(vec![RuleSource::new("default.toml", rules)]).unwrap();
            Cleaner::builder().rules(set).text_model(false).build().unwrap()
        };
        let doc = "Lead paragraph.\n\nMiddle paragraph (Ad) here.\n\nSubscribe today\n\nEnd.";
        let before = cleaner(
            "[[rule]]\nid = \"subscribe\"\ncategory = \"newsletter\"\nblock = { equals = \"subscribe today\" }\n",
        );
        let after = cleaner(
            "[[rule]]\nid = \"ad-mark\"\ncategory = \"ad\"\ninline = { regex = '\\(Ad\\)' }\n\n\
             [[rule]]\nid = \"end\"\ncategory = \"other\"\nblock = { equals = \"end.\" }\n",
        );
        let hints = Hints { url: Some("https://news.example/a".into()), ..Hints::default() };
        let b = before.clean(doc.as_bytes(), &hints).unwrap();
        let a = after.clean(doc.as_bytes(), &hints).unwrap();
        let change = compare("corpus.jsonl:3", &b, &a).unwrap();
        let mut tally = Tally::default();
        tally.add(Some(&change));
        tally.add(None);
        let mut report = ChangeReport::new("Rule <change>");
        report.add("corpus.jsonl:3", &a, &change);
        let page = report.finish(&tally);
        assert!(page.contains("<title>Rule &lt;change&gt;</title>"));
        assert!(page.contains("1 of 2 documents changed"));
        assert!(page.contains("data-rules=\" ad-mark end subscribe \""), "{page}");
        assert!(page.contains("end · other</span><del>End.</del>"));
        assert!(page.contains("<span class=\"label\">was subscribe</span><ins>Subscribe today</ins>"));
        assert!(page.contains("Middle paragraph <del class=\"span\">(Ad)</del>"), "{page}");
        assert!(page.contains(
            "<span class=\"name\">https://news.example/a</span> <span class=\"source\">corpus.jsonl:3</span>"
        ));
        assert!(page.contains("<th>newly kept</th>") && !page.contains("<th>hits</th>"));
        assert!(!page.contains("{{"), "every placeholder filled");
    }
}

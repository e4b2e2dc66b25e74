//! The HTML review report: one self-contained static page for a corpus (no
//! network, no external assets). Per document, the article with removed parts
//! struck through and labelled by rule, collapsible; a table of rules with hit
//! counts and example removals; a search box. Opens from disk in any browser.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::diff::SHOWN_CHARS;
use super::{Part, Piece, shorten};
use crate::Cleaned;
use crate::clean::Removal;
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
            "<details class=\"doc\" id=\"{id}\" data-rules=\" {} \"><summary><span class=\"name\">{}</span> \
             <span class=\"facts\">publisher {}{} · {} kept · {} removed</span></summary><div class=\"body\">",
            escape(&rules_attr.join(" ")),
            escape(name),
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
            let _ = write!(
                table,
                "<tr data-rule=\"{r}\"><td><button class=\"rule\" data-rule=\"{r}\">{r}</button></td><td>{}</td>\
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
                ("rules", &table),
                ("documents", &self.documents),
            ],
        )
    }
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
    format!(
        "<span class=\"label cat-{}\" title=\"{}\">{} · {}</span>",
        r.category,
        escape(&r.origin.to_string()),
        escape(&r.rule),
        r.category
    )
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
</style></head><body>
<h1>{{title}}</h1>
<p class="summary" id="summary">{{summary}}</p>
<input id="search" type="search" placeholder="Search documents, removed text and rule ids" aria-label="Search">
<h2>Rules</h2>
<table id="rules"><thead><tr><th>rule</th><th>category</th><th>hits</th><th>documents</th><th>example removals</th></tr></thead>
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
}

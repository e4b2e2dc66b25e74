//! `declutter rules new`: a commented publisher file to start from. It loads
//! as it is (no rules yet), and its comments show each kind of rule.

/// The file stem for a publisher name: `The Daily Planet` → `the-daily-planet`.
pub fn file_stem(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Longest publisher name `rules new` takes: a name, not a paragraph.
pub const MAX_NAME_CHARS: usize = 120;

/// Why `name` cannot be a publisher's name, if it cannot. The name is
/// written TOML-escaped, but it also appears in the file's comments and in
/// every report line, where a line break or a control character would end
/// the comment (and could write keys of its own) or garble a terminal.
pub fn name_problem(name: &str) -> Option<String> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!("publisher name {name:?} holds the control character {c:?}; give a one-line name"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Some(format!("publisher name is over {MAX_NAME_CHARS} characters"));
    }
    if name.trim() != name {
        return Some(format!("publisher name {name:?} starts or ends with spaces"));
    }
    if file_stem(name).is_empty() {
        return Some(format!("publisher name {name:?} has no letters or digits to name a file after"));
    }
    None
}

pub use crate::rules::valid_domain;

/// The file's text.
pub fn publisher_file(name: &str, domains: &[String]) -> String {
    let stem = file_stem(name);
    let quoted: Vec<String> = domains.iter().map(|d| toml::Value::String(d.to_ascii_lowercase()).to_string()).collect();
    let name_toml = toml::Value::String(name.to_owned()).to_string();
    format!(
        r#"# {name}: publisher rules for declutter.
# Applies to pages whose URL host is one of `domains` or below it (www., m., …),
# or to any page cleaned with `--publisher {stem}`. Rules here run before the
# default rules. Read when its folder is named (`--rules DIR`, or in
# DECLUTTER_RULES), over the built-in rules; a built-in publisher file of the
# same name is replaced by this one. Check with `declutter rules test DIR`,
# review with `declutter diff --rules-before OLD --rules-after DIR CORPUS`.
# The format, by example: rules/README.md.

[publisher]
name = {name_toml}
domains = [{domains}]
# The article container: the first selector that matches is the article, and
# generic extraction is skipped. Leave it out to let extraction find it.
# content = ["article .entry-content", ".post-body"]
# Default rules this site needs switched off (their ids, see `declutter rules list`).
# disable = []

# A selector rule drops an element and everything in it, before layout.
# [[rule]]
# id = "{stem}-share-bar"
# category = "share"
# description = "The share buttons under every article"
# selector = "div.share-bar, ul.social-links"
# examples = {{ remove = ['<div class="share-bar">Share on Facebook</div>'], keep = ['<p>The story.</p>'] }}

# A block rule drops a whole paragraph whose text matches (lower-cased, quotes straightened).
# [[rule]]
# id = "{stem}-newsletter"
# category = "newsletter"
# block = {{ regex = '^sign up for our .* newsletter', max_chars = 200 }}
# examples = {{ remove = ["Sign up for our Morning newsletter."], keep = ["He did not sign up for our plan."] }}

# An inline rule cuts a span out of a paragraph that otherwise stays.
# [[rule]]
# id = "{stem}-photo-credit"
# category = "credit"
# inline = {{ regex = '\(Photo: [^)]{{1,80}}\)' }}
# examples = {{ remove = ["The mayor (Photo: AP) spoke."], keep = ["The mayor spoke."] }}

# A shortcode rule removes unrendered WordPress shortcodes by name.
# [[rule]]
# id = "{stem}-related-shortcode"
# category = "related"
# shortcode = ["related_posts"]
# examples = {{ remove = ["[related_posts id=\"12\"]"], keep = ["He said [the] rest later."] }}
"#,
        domains = quoted.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleSet, RuleSource};

    #[test]
    fn scaffold_loads_and_every_commented_rule_passes_its_examples() {
        let text = publisher_file("The Daily Planet", &["dailyplanet.example".into()]);
        let set = RuleSet::from_sources(vec![
            RuleSource::new("default.toml", ""),
            RuleSource::new("publishers/the-daily-planet.toml", text.as_str()),
        ])
        .unwrap();
        assert_eq!(set.publishers()[0].key, "the-daily-planet");
        assert_eq!(set.publisher_for_host("www.dailyplanet.example"), Some(0));
        // Uncommented, the example rules load and their examples pass.
        let uncommented: String = text
            .lines()
            .map(|l| l.strip_prefix("# ").filter(|r| r.starts_with('[') || r.contains(" = ")).unwrap_or(l))
            .map(|l| if l.starts_with("content") || l.starts_with("disable") { "" } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        let set = RuleSet::from_sources(vec![
            RuleSource::new("default.toml", ""),
            RuleSource::new("publishers/the-daily-planet.toml", uncommented.as_str()),
        ]);
        assert_eq!(set.unwrap().rules().len(), 4);
    }

    /// Names are refused or written so the file always loads with the name as given.
    #[test]
    fn hostile_names_are_refused_or_round_trip() {
        let injection = "Inj\"\ndomains = [\"evil.example\"]\nx = \"";
        assert!(name_problem(injection).is_some());
        assert!(name_problem("A\u{1b}]0;t\u{7}").is_some());
        assert!(name_problem(&"a".repeat(MAX_NAME_CHARS + 1)).is_some());
        assert!(name_problem(" padded").is_some());
        assert!(name_problem("!!!").is_some());
        for name in ["Le \"Monde\" # [x]", "O'Brien's \\ Weekly", "Zeit ''' Online", "新闻 Daily 2"] {
            assert_eq!(name_problem(name), None, "{name}");
            let text = publisher_file(name, &["news.example".into()]);
            let path = format!("publishers/{}.toml", file_stem(name));
            let set =
                RuleSet::from_sources(vec![RuleSource::new("default.toml", ""), RuleSource::new(path, text.as_str())])
                    .and_then(RuleSet::checked)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(set.publishers()[0].name, name);
            assert_eq!(set.publishers()[0].domains, ["news.example"]);
        }
    }

    #[test]
    fn names_and_domains() {
        assert_eq!(file_stem("Le Monde (fr)"), "le-monde-fr");
        assert!(valid_domain("lemonde.fr"));
        assert!(!valid_domain("https://lemonde.fr/"));
        assert!(!valid_domain("localhost"));
    }
}

//! Block conditions (`block`, `with_previous`, `with_next`) and inline
//! matchers, compiled once per rule set.

use regex::{Regex, RegexBuilder};

use super::key::key;
use super::schema::{ConditionTable, InlineTable};

/// Default `max_chars`: long enough for any consent line or prompt, far
/// shorter than an article paragraph.
pub const DEFAULT_MAX_CHARS: usize = 300;

/// Compiled-size cap per regex; a pattern past it is a rule error, not a
/// memory blow-up in the middle of a batch.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A block's key, computed once and shared by every rule that tests it.
pub struct Keyed {
    pub key: String,
    pub chars: usize,
}

impl Keyed {
    pub fn new(text: &str) -> Self {
        let key = key(text);
        let chars = key.chars().count();
        Keyed { key, chars }
    }
}

#[derive(Debug, Clone)]
pub struct Condition {
    equals: Vec<String>,
    starts_with: Vec<String>,
    ends_with: Vec<String>,
    contains: Vec<String>,
    regex: Option<Regex>,
    max_chars: usize,
    min_chars: usize,
}

impl Condition {
    /// Compiles a condition table; the error is a message for the rule's span.
    pub fn compile(table: &ConditionTable) -> Result<Self, String> {
        let norm = |v: &[String]| v.iter().map(|s| key(s)).collect::<Vec<_>>();
        let regex = match table.regex.0.as_slice() {
            [] => None,
            patterns => Some(compile_regex(patterns, false)?),
        };
        let condition = Condition {
            equals: norm(&table.equals.0),
            starts_with: norm(&table.starts_with.0),
            ends_with: norm(&table.ends_with.0),
            contains: norm(&table.contains.0),
            regex,
            max_chars: table.max_chars.unwrap_or(DEFAULT_MAX_CHARS),
            min_chars: table.min_chars.unwrap_or(0),
        };
        if condition.equals.is_empty()
            && condition.starts_with.is_empty()
            && condition.ends_with.is_empty()
            && condition.contains.is_empty()
            && condition.regex.is_none()
        {
            return Err("a condition needs at least one of equals, starts_with, ends_with, contains, regex".into());
        }
        if [&condition.equals, &condition.starts_with, &condition.ends_with, &condition.contains]
            .iter()
            .any(|list| list.iter().any(String::is_empty))
        {
            return Err("an empty string would match every block".into());
        }
        if condition.min_chars > condition.max_chars {
            return Err(format!("min_chars ({}) is above max_chars ({})", condition.min_chars, condition.max_chars));
        }
        Ok(condition)
    }

    /// The longest key (in characters) this condition can match.
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    pub fn matches(&self, block: &Keyed) -> bool {
        if block.chars > self.max_chars || block.chars < self.min_chars {
            return false;
        }
        let k = block.key.as_str();
        let any = |list: &[String], test: &dyn Fn(&str) -> bool| list.is_empty() || list.iter().any(|s| test(s));
        any(&self.equals, &|s| k == s)
            && any(&self.starts_with, &|s| k.starts_with(s))
            && any(&self.ends_with, &|s| k.ends_with(s))
            && any(&self.contains, &|s| k.contains(s))
            && self.regex.as_ref().is_none_or(|r| r.is_match(k))
    }
}

/// An inline matcher: literal texts (matched like keys) and regexes, one
/// case-insensitive alternation run on the original text.
#[derive(Debug, Clone)]
pub struct InlineMatcher {
    pub regex: Regex,
}

impl InlineMatcher {
    pub fn compile(table: &InlineTable) -> Result<Self, String> {
        let mut patterns: Vec<String> = table.text.0.iter().map(|t| literal_pattern(t)).collect();
        if table.text.0.iter().any(|t| t.trim().is_empty()) {
            return Err("an empty inline text would match everywhere".into());
        }
        patterns.extend(table.regex.0.iter().cloned());
        if patterns.is_empty() {
            return Err("inline needs `text` or `regex`".into());
        }
        let regex = compile_regex(&patterns, true)?;
        if regex.is_match("") {
            return Err("the inline pattern matches the empty string".into());
        }
        Ok(InlineMatcher { regex })
    }
}

/// A literal as a pattern that, like a key, ignores case, quote style and
/// whitespace width.
fn literal_pattern(text: &str) -> String {
    let mut out = String::new();
    let mut in_space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push_str(r"\s+");
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match super::key::straighten(c).unwrap_or(c) {
            '\'' => out.push_str("['‘’‚‛′]"),
            '"' => out.push_str("[\"“”„‟″]"),
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    out
}

/// Compiles one pattern or an alternation of several, with a size cap.
pub fn compile_regex(patterns: &[String], case_insensitive: bool) -> Result<Regex, String> {
    let joined = if patterns.len() == 1 {
        patterns[0].clone()
    } else {
        patterns.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|")
    };
    // Check each pattern alone first so the message names the broken one.
    for p in patterns {
        build(p, case_insensitive).map_err(|e| format!("bad regex {p:?}: {}", first_line(&e.to_string())))?;
    }
    build(&joined, case_insensitive).map_err(|e| format!("bad regex: {}", first_line(&e.to_string())))
}

fn build(pattern: &str, case_insensitive: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).case_insensitive(case_insensitive).size_limit(REGEX_SIZE_LIMIT).build()
}

fn first_line(s: &str) -> String {
    // regex errors span several lines with a caret diagram; keep them readable on one.
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schema::OneOrMany;

    fn cond(f: impl FnOnce(&mut ConditionTable)) -> Condition {
        let mut t = ConditionTable::default();
        f(&mut t);
        Condition::compile(&t).unwrap()
    }

    #[test]
    fn starts_with_on_key_and_max_chars() {
        let c = cond(|t| {
            t.starts_with = OneOrMany(vec!["You've read".into()]);
            t.max_chars = Some(40);
        });
        assert!(c.matches(&Keyed::new("You’ve  read 3 free articles")));
        assert!(!c.matches(&Keyed::new(&format!("You’ve read {}", "x".repeat(40)))));
    }

    #[test]
    fn all_given_conditions_must_hold() {
        let c = cond(|t| {
            t.ends_with = OneOrMany(vec!["?".into()]);
            t.max_chars = Some(160);
        });
        assert!(c.matches(&Keyed::new("Who do you think would win the Presidency?")));
        assert!(!c.matches(&Keyed::new("Who won.")));
    }

    #[test]
    fn rejects_empty_and_bad() {
        assert!(Condition::compile(&ConditionTable::default()).is_err());
        let t = ConditionTable { regex: OneOrMany(vec!["(unclosed".into()]), ..Default::default() };
        let err = Condition::compile(&t).unwrap_err();
        assert!(err.contains("(unclosed"), "{err}");
    }

    #[test]
    fn regex_size_limit_is_an_error() {
        let t = ConditionTable { regex: OneOrMany(vec![r"\w{1000}\w{1000}\w{1000}".into()]), ..Default::default() };
        assert!(Condition::compile(&t).is_err());
    }

    #[test]
    fn inline_literal_ignores_quotes_case_space() {
        let m = InlineMatcher::compile(&InlineTable {
            text: OneOrMany(vec!["(Story continues below)".into()]),
            regex: OneOrMany::default(),
        })
        .unwrap();
        assert!(m.regex.is_match("x (story  continues BELOW) y"));
        let q =
            InlineMatcher::compile(&InlineTable { text: OneOrMany(vec!["it's".into()]), regex: OneOrMany::default() })
                .unwrap();
        assert!(q.regex.is_match("It’s"));
    }
}

//! Block conditions (`block`, `with_previous`, `with_next`) and inline
//! matchers, compiled once per rule set.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use regex_automata::nfa::thompson;
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Hir, HirKind, Look};

use super::key::key;
use super::schema::{ConditionTable, InlineTable};

/// Default `max_chars`: long enough for any consent line or prompt, far
/// shorter than an article paragraph.
pub const DEFAULT_MAX_CHARS: usize = 300;

/// Compiled-size cap per regex; a pattern past it is a rule error, not a
/// memory blow-up in the middle of a batch.
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 20;

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
    regex: Option<LazyRegex>,
    max_chars: usize,
    min_chars: usize,
    /// Literals one of which is in every key this condition matches (see
    /// [`Gate`]); `None` when no such set is known.
    gate: Option<Vec<Gate>>,
    /// Whether the regex can join a `RegexSet` without slowing it: it has
    /// no Unicode `\b`, which the lazy DFA gives up on at non-ASCII text.
    dfa_friendly: bool,
}

/// A literal a key must hold for a condition to match it: the block-rule
/// index ([`BlockIndex`](super::BlockIndex)) tests a block only against
/// the rules one of whose gate literals its key holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// Bytes of the key (lower case, as keys are).
    pub literal: Vec<u8>,
    /// Where in the key it must stand.
    pub place: Place,
}

/// Where a [`Gate`] literal stands in every key it lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The key starts with it (`equals`, `starts_with`, a regex after `^`).
    Start,
    /// The key ends with it (`ends_with`, a regex before `$`).
    End,
    Anywhere,
}

impl Condition {
    /// Compiles a condition table; the error is a message for the rule's span.
    pub fn compile(table: &ConditionTable) -> Result<Self, String> {
        let norm = |v: &[String]| v.iter().map(|s| key(s)).collect::<Vec<_>>();
        let (regex, hir) = match table.regex.0.as_slice() {
            [] => (None, None),
            patterns => {
                let (regex, hir) = LazyRegex::check(patterns, false)?;
                (Some(regex), Some(hir))
            }
        };
        let mut condition = Condition {
            equals: norm(&table.equals.0),
            starts_with: norm(&table.starts_with.0),
            ends_with: norm(&table.ends_with.0),
            contains: norm(&table.contains.0),
            regex,
            max_chars: table.max_chars.unwrap_or(DEFAULT_MAX_CHARS),
            min_chars: table.min_chars.unwrap_or(0),
            gate: None,
            dfa_friendly: hir.as_ref().is_some_and(|h| !h.properties().look_set().contains_word_unicode()),
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
        condition.gate = condition.best_gate(hir.as_ref());
        Ok(condition)
    }

    /// The literals one of which every key this condition matches holds.
    pub fn gate(&self) -> Option<&[Gate]> {
        self.gate.as_deref()
    }

    /// The regex of a condition without a gate, when a `RegexSet` can run
    /// it together with others' ([`BlockIndex`](super::BlockIndex)).
    pub fn ungated_regex(&self) -> Option<&str> {
        match (&self.gate, &self.regex) {
            (None, Some(r)) if self.dfa_friendly => Some(r.as_str()),
            _ => None,
        }
    }

    /// The fewest characters a key this condition matches has.
    pub fn min_chars(&self) -> usize {
        self.min_chars
    }

    /// Each list given must hold, so any one of them is a gate: an `equals`
    /// or `starts_with` literal begins the key, a `contains` or `ends_with`
    /// literal is in it, and the regex gives one per branch ([`regex_gate`]).
    /// The most selective is kept ([`gate_score`]).
    fn best_gate(&self, hir: Option<&Hir>) -> Option<Vec<Gate>> {
        let lits = |list: &[String], place: Place| {
            (!list.is_empty()).then(|| list.iter().map(|s| Gate { literal: s.as_bytes().to_vec(), place }).collect())
        };
        [
            lits(&self.equals, Place::Start),
            lits(&self.starts_with, Place::Start),
            lits(&self.contains, Place::Anywhere),
            lits(&self.ends_with, Place::End),
            hir.and_then(regex_gate),
        ]
        .into_iter()
        .flatten()
        .max_by_key(|gates: &Vec<Gate>| gate_score(gates))
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
    pub regex: LazyRegex,
    /// Literal text every match holds (see `required_literals`); `None`
    /// when the rule must be tried on every block.
    pub literals: Option<Vec<Vec<String>>>,
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
        let (regex, hir) = LazyRegex::check(&patterns, true)?;
        if hir.properties().minimum_len() == Some(0) {
            return Err("the inline pattern can match the empty string".into());
        }
        Ok(InlineMatcher { literals: required_literals(regex.as_str()), regex })
    }
}

/// Literal text every match of `pattern` holds, as alternatives: every match
/// holds all the runs of at least one of them (the index picks the rarest
/// run of each). A top-level alternation gives one alternative per branch;
/// a branch's sequence gives its literal runs (lower-cased ASCII, and
/// characters without other cases), and when it has an alternation among
/// its pieces (`\s+(?:Related|Read more)`, or the one left after the parser
/// lifts a common `^` out of every branch) one alternative per branch of
/// that, each with the sequence's own runs. `None` when some alternative has
/// no run, so the rule must be tried on every block.
fn required_literals(pattern: &str) -> Option<Vec<Vec<String>>> {
    // Parsed case-sensitively, so literals are the pattern's own text rather
    // than classes of case variants; the search then ignores ASCII case.
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?;
    alternatives(&hir, 0)
}

/// At most this many alternatives for one rule, and nested this deep.
const MAX_ALTERNATIVES: usize = 64;
const MAX_NESTING: usize = 4;

fn alternatives(hir: &Hir, depth: usize) -> Option<Vec<Vec<String>>> {
    let HirKind::Alternation(branches) = unwrap_captures(hir).kind() else {
        return sequence(hir, depth);
    };
    let mut out = Vec::new();
    for branch in branches {
        out.extend(sequence(branch, depth)?);
        if out.len() > MAX_ALTERNATIVES {
            return None;
        }
    }
    Some(out)
}

fn unwrap_captures(mut hir: &Hir) -> &Hir {
    while let HirKind::Capture(c) = hir.kind() {
        hir = &c.sub;
    }
    hir
}

/// The pieces of a sequence, with nested sequences and groups spliced in
/// (their text is contiguous in every match all the same).
fn pieces<'h>(hir: &'h Hir, out: &mut Vec<&'h Hir>) {
    match unwrap_captures(hir).kind() {
        HirKind::Concat(items) => items.iter().for_each(|item| pieces(item, out)),
        _ => out.push(unwrap_captures(hir)),
    }
}

/// One sequence's alternatives (see [`required_literals`]); `None` if it has none.
fn sequence(branch: &Hir, depth: usize) -> Option<Vec<Vec<String>>> {
    let mut items = Vec::new();
    pieces(branch, &mut items);
    let mut runs = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut nested = None;
    for piece in items {
        match piece.kind() {
            HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
                Ok(text) => {
                    for c in text.chars() {
                        // A letter with other cases matches them in a
                        // case-insensitive regex, which a byte search would
                        // miss (an ASCII one is searched ignoring case).
                        if c.is_ascii() {
                            current.push(c.to_ascii_lowercase() as u8);
                        } else if caseless(c) {
                            current.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        } else if !current.is_empty() {
                            runs.push(std::mem::take(&mut current));
                        }
                    }
                }
                Err(_) => {
                    if !current.is_empty() {
                        runs.push(std::mem::take(&mut current));
                    }
                }
            },
            // Zero-width assertions neither add text nor separate it.
            HirKind::Look(_) => {}
            kind => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
                if nested.is_none() && depth < MAX_NESTING && matches!(kind, HirKind::Alternation(_)) {
                    nested = alternatives(piece, depth + 1);
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let runs: Vec<String> = runs.into_iter().filter_map(|r| String::from_utf8(r).ok()).collect();
    match nested {
        Some(nested) => Some(
            nested
                .into_iter()
                .map(|alternative| runs.iter().cloned().chain(alternative).collect::<Vec<String>>())
                .collect(),
        ),
        None => (!runs.is_empty()).then(|| vec![runs]),
    }
}

/// A character a case-insensitive regex matches only as itself (`©`, `–`):
/// its simple case folding has no other member.
fn caseless(c: char) -> bool {
    let mut class = regex_syntax::hir::ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new(c, c)]);
    class.try_case_fold_simple().is_ok() && class.ranges().iter().map(|r| r.len()).sum::<usize>() == 1
}

/// Literals one of which every match of `hir` holds, for each branch of a
/// top-level alternation: the best of its prefix literals (tied to the
/// key's start when the branch begins with `^`), its suffix literals, and
/// the literals of any one piece of its top-level sequence (every match
/// holds a match of each piece: `courtesy` in `(^|\. )courtesy[^.]*$`).
/// `None` when a branch has none (`^\s*\w+$`): then every key must be tried.
fn regex_gate(hir: &Hir) -> Option<Vec<Gate>> {
    let branches: Vec<&Hir> = match unwrap_captures(hir).kind() {
        HirKind::Alternation(alts) => alts.iter().collect(),
        _ => vec![hir],
    };
    let mut gates = Vec::new();
    for branch in branches {
        gates.extend(branch_gate(branch)?);
    }
    gates.dedup();
    Some(gates)
}

/// The most selective literal set of one branch (see [`regex_gate`]).
fn branch_gate(branch: &Hir) -> Option<Vec<Gate>> {
    // Sound by the extractor's contract: every match of what it is given
    // starts (ends) with one of a finite sequence's literals.
    let literals = |hir: &Hir, kind: ExtractKind, place: Place| {
        let seq: Seq = Extractor::new().kind(kind).extract(hir);
        let lits = seq.literals()?;
        (!lits.is_empty() && lits.iter().all(|l| !l.is_empty()))
            .then(|| lits.iter().map(|l| Gate { literal: l.as_bytes().to_vec(), place }).collect::<Vec<_>>())
    };
    let props = branch.properties();
    let start = if props.look_set_prefix().contains(Look::Start) { Place::Start } else { Place::Anywhere };
    let end = if props.look_set_suffix().contains(Look::End) { Place::End } else { Place::Anywhere };
    let mut options = vec![literals(branch, ExtractKind::Prefix, start), literals(branch, ExtractKind::Suffix, end)];
    if let HirKind::Concat(pieces) = unwrap_captures(branch).kind() {
        // Only the first piece that consumes text sits at the start.
        let mut place = start;
        for piece in pieces {
            if matches!(piece.kind(), HirKind::Look(_)) {
                continue;
            }
            options.push(literals(piece, ExtractKind::Prefix, place));
            place = Place::Anywhere;
        }
    }
    options.into_iter().flatten().max_by_key(|g| gate_score(g))
}

/// How well a literal set rules keys out: its shortest literal's length,
/// and a literal tied to the key's start or end is worth four more bytes.
fn gate_score(gates: &[Gate]) -> usize {
    gates.iter().map(|g| g.literal.len() + if g.place == Place::Anywhere { 0 } else { 4 }).min().unwrap_or(0)
}

/// A regex checked when its rule loads and compiled the first time a block
/// needs it. A compiled regex holds 3–16 KB (more when case-insensitive);
/// rule sets imported from elsewhere hold tens of thousands of rules, most
/// of which never fire on a given crawl.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    pattern: String,
    case_insensitive: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// One pattern or an alternation of several, checked as the regex crate
    /// would build it: syntax (naming the broken pattern) and the size of
    /// its automata against the cap. Returns the pattern's syntax tree too.
    fn check(patterns: &[String], case_insensitive: bool) -> Result<(LazyRegex, Hir), String> {
        let mut trees = Vec::with_capacity(patterns.len());
        for p in patterns {
            trees.push(parse(p, case_insensitive).map_err(|e| format!("bad regex {p:?}: {}", first_line(&e)))?);
        }
        let (joined, hir) = if patterns.len() == 1 {
            (patterns[0].clone(), trees.remove(0))
        } else {
            let joined = patterns.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|");
            let hir = parse(&joined, case_insensitive).map_err(|e| format!("bad regex: {}", first_line(&e)))?;
            (joined, hir)
        };
        // The regex crate compiles a forward and a reverse automaton under
        // its size limit; building both here (then dropping them) makes a
        // pattern past the cap a load error rather than a rule that cannot run.
        CHECKERS.with(|[forward, reverse]| {
            for compiler in [forward, reverse] {
                compiler.build_from_hir(&hir).map_err(|e| match e.size_limit() {
                    Some(limit) => format!(
                        "regex compiles past the size limit of {limit} bytes; use fewer or smaller counted repetitions"
                    ),
                    None => format!("bad regex: {}", first_line(&e.to_string())),
                })?;
            }
            Ok::<(), String>(())
        })?;
        Ok((LazyRegex { pattern: joined, case_insensitive, compiled: OnceLock::new() }, hir))
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The compiled regex; `None` only if it fails to build after passing
    /// its check, which the check is there to prevent.
    pub fn get(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| build(&self.pattern, self.case_insensitive).ok()).as_ref()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_some_and(|r| r.is_match(text))
    }

    /// Non-empty match ranges, left to right. A pattern with a group named
    /// `cut` gives that group's range: the regex crate has no look-behind, so
    /// `[.!?](?P<cut>\s+— [A-Z]\w+ [A-Z]\w+)$` is how an inline rule says
    /// "a sign-off after a sentence" without cutting the sentence's full stop.
    pub fn find_ranges(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let Some(r) = self.get() else { return Vec::new() };
        if r.capture_names().any(|n| n == Some("cut")) {
            // Groups need the slower engines: only a text that matches at all pays for them.
            if !r.is_match(text) {
                return Vec::new();
            }
            return r
                .captures_iter(text)
                .filter_map(|c| c.name("cut"))
                .map(|m| m.range())
                .filter(|r| !r.is_empty())
                .collect();
        }
        r.find_iter(text).map(|m| m.range()).filter(|r| !r.is_empty()).collect()
    }
}

thread_local! {
    /// The automaton builders behind [`LazyRegex::check`], one forward and one
    /// reverse as the regex crate builds them. A builder allocates large
    /// tables when made, which dominated loading when each check made its own.
    static CHECKERS: [thompson::Compiler; 2] = [false, true].map(|reverse| {
        let mut compiler = thompson::Compiler::new();
        compiler.configure(
            thompson::Config::new()
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .reverse(reverse)
                .which_captures(if reverse { thompson::WhichCaptures::None } else { thompson::WhichCaptures::All }),
        );
        compiler
    });
}

fn parse(pattern: &str, case_insensitive: bool) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
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

    #[test]
    fn required_literals_per_branch() {
        let runs = |p: &str| required_literals(p);
        let lit = |b: &[&[&str]]| Some(b.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect());
        assert_eq!(runs(&literal_pattern("(Sponsored 0 by Acme0)")), lit(&[&["(sponsored", "0", "by", "acme0)"]]));
        assert_eq!(runs(r"(?:promo code \w+)|(?:\bCoupon)"), lit(&[&["promo code "], &["coupon"]]));
        assert_eq!(runs(r"\w+ only"), lit(&[&[" only"]]));
        assert_eq!(runs(r"a+|b"), None, "one branch has no literal");
        assert_eq!(runs("Élèves x"), lit(&[&["l", "ves x"]]), "non-ASCII letters split runs");
        assert_eq!(runs(&literal_pattern("it's")), lit(&[&["it", "s"]]));
        // A lifted `^`, a nested alternation, a group: one alternative per inner branch.
        assert_eq!(runs("(?-i)^By x|^Von y"), lit(&[&["by x"], &["von y"]]));
        assert_eq!(
            runs(r"[.!?](?P<cut>\s+(?:Related|READ MORE)\b.*|\s+Read more:\s.*)$"),
            lit(&[&["related"], &["read more"], &["read more:"]])
        );
        assert_eq!(runs(r"y(?:ab|c+)"), lit(&[&["y"]]), "an inner branch without a literal: the sequence's own");
        assert_eq!(runs(r"(?:ab|c+)"), None);
        // A character without other cases is literal text; one with them is not.
        assert_eq!(runs(r"\s*©\s*\w+$"), lit(&[&["©"]]));
        assert_eq!(runs("Ünter"), lit(&[&["nter"]]));
    }

    #[test]
    fn gates_from_lists_and_regex_branches() {
        let gate = |f: fn(&mut ConditionTable)| {
            let c = cond(f);
            c.gate().map(|g| {
                g.iter().map(|g| (String::from_utf8_lossy(&g.literal).into_owned(), g.place)).collect::<Vec<_>>()
            })
        };
        let owned = |v: &[(&str, Place)]| Some(v.iter().map(|(s, a)| (s.to_string(), *a)).collect::<Vec<_>>());
        use Place::{Anywhere, End, Start};
        // An anchored regex beats an unanchored list; each branch gives its own literals.
        assert_eq!(
            gate(|t| {
                t.contains = OneOrMany(vec!["x".into()]);
                t.regex = OneOrMany(vec!["^(read|see) more".into(), "appeared first on [a-z]+$".into()]);
            }),
            owned(&[("read more", Start), ("see more", Start), ("appeared first on ", Anywhere)])
        );
        // Neither prefix nor suffix literals, but a piece of the sequence has
        // one, longer than the list's.
        assert_eq!(
            gate(|t| {
                t.contains = OneOrMany(vec!["Via".into()]);
                t.regex = OneOrMany(vec![r"^\w+ via \w+$".into()]);
            }),
            owned(&[(" via ", Anywhere)])
        );
        assert_eq!(
            gate(|t| t.regex = OneOrMany(vec![r#"(^|[.!?"]\s)courtesy( of)?\b[^.]*\.?$"#.into()])),
            owned(&[("courtesy", Anywhere)])
        );
        // Before `$`, suffix literals end the key.
        assert_eq!(
            gate(|t| t.regex = OneOrMany(vec![r"[a-z]/ ?(ap|afp)$".into()])),
            owned(&[("/ ap", End), ("/ afp", End), ("/ap", End), ("/afp", End)])
        );
        assert_eq!(gate(|t| t.regex = OneOrMany(vec![r"^\s*\w+$".into()])), None);
    }

    /// Rules are checked at load but compiled only when a block needs them:
    /// imported sets of 40,000 rules cost ~45 KB a rule compiled eagerly.
    #[test]
    fn regexes_compile_on_first_use() {
        let m = InlineMatcher::compile(&InlineTable {
            text: OneOrMany(vec!["(Sponsored)".into()]),
            regex: OneOrMany(vec![r"promo code \w+".into()]),
        })
        .unwrap();
        assert!(m.regex.compiled.get().is_none(), "not compiled at load");
        assert_eq!(m.regex.find_ranges("a PROMO CODE x1 b"), vec![std::ops::Range { start: 2, end: 15 }]);
        assert!(m.regex.compiled.get().is_some());
        let bad =
            InlineMatcher::compile(&InlineTable { text: OneOrMany::default(), regex: OneOrMany(vec!["x*".into()]) });
        assert!(bad.unwrap_err().contains("empty string"));
    }
}

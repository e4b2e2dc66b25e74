//! Boilerplate that repeats across a site's documents (`builtin:repeated-line`):
//! in a run over many documents, a block that recurs in most documents of one
//! domain — "Subscribe to X for FREE" under every post, the same promo
//! headline in every article — while article blocks do not.
//!
//! Learned from a first window of the run, in input order: the first
//! [`LEARN_DOCUMENTS`] documents (at most [`LEARN_BYTES`] of input) are cleaned
//! once to count, per domain, in how many documents each kept block occurs;
//! then every document is cleaned with the blocks that reached
//! [`MIN_DOCUMENTS`] documents and [`MIN_SHARE`] of the domain's
//! ([`MIN_SHARE_ONE_WORD`] for a one-word block such as "References"); a
//! window document whose domain has none keeps its first clean, which the
//! table could not change (not with `--in-place`, which reads each page again). The
//! table is frozen before the first output, so the output depends on the
//! input alone (not on `-j` or timing), and memory is bounded by the window,
//! however long the stream.

use std::collections::{HashMap, HashSet};

/// The id of the removals this pass makes.
pub const REPEATED_LINE: &str = "builtin:repeated-line";

/// Documents the table is learned from.
pub const LEARN_DOCUMENTS: usize = 2_000;

/// Input bytes the learning window holds at most.
pub const LEARN_BYTES: usize = 128 << 20;

/// A block is repeated boilerplate once it is in this many documents of a domain…
pub const MIN_DOCUMENTS: usize = 3;

/// …and in at least this share of the domain's documents in the window.
/// A promo that ran for a few weeks is under a third of a site's stories, not
/// under most; an article paragraph is not in three stories verbatim.
pub const MIN_SHARE: f64 = 0.3;

/// The share a one-word block needs: a site's recurring subheads
/// ("References", "Background") are article structure, and are in many of its
/// stories without being most of them. Measured on the tune split: at 0.3 for
/// every block, one-word headings lost 6 article lines for 3 boilerplate ones.
pub const MIN_SHARE_ONE_WORD: f64 = 0.5;

/// Blocks longer than this are never counted: repeated boilerplate is a line
/// or a paragraph, not a page.
const MAX_CHARS: usize = 1_000;

/// The key of a block: its text folded to lower case with spaces collapsed,
/// hashed (FNV-1a: the same on every machine and run).
pub fn line_key(text: &str) -> Option<u64> {
    key_and_words(text).map(|(k, _)| k)
}

/// [`line_key`] and whether the block is more than one word (see
/// [`MIN_SHARE_ONE_WORD`]).
fn key_and_words(text: &str) -> Option<(u64, bool)> {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut chars = 0usize;
    let mut words = 0usize;
    for word in text.split_whitespace() {
        if words > 0 {
            h = (h ^ u64::from(b' ')).wrapping_mul(0x0100_0000_01b3);
        }
        words += 1;
        for c in word.chars().flat_map(char::to_lowercase) {
            chars += 1;
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    (chars > 0 && chars <= MAX_CHARS).then_some((h, words > 1))
}

/// The site a document belongs to: its URL's host without `www.`; documents
/// without a URL form one group of their own.
pub fn domain_of(url: Option<&str>) -> String {
    url.and_then(crate::rules::host_of).map(|h| h.trim_start_matches("www.").to_owned()).unwrap_or_default()
}

/// The site of a document with this URL (`--url`, a record's) and canonical
/// URL: the URL's, else the canonical one's (a folder of saved pages has no
/// URLs but their own). Learning and cleaning both ask this.
pub fn site_of(url: Option<&str>, canonical: Option<&str>) -> String {
    domain_of(url.or(canonical))
}

/// Counts, per domain, the documents each block key occurs in.
#[derive(Debug, Default)]
pub struct Learner {
    documents: HashMap<String, usize>,
    /// Per domain: key → (documents it is in, more than one word).
    counts: HashMap<String, HashMap<u64, (u32, bool)>>,
}

/// A document whose text is mostly in blocks its domain's documents already
/// had (at least this share of its bytes) is a copy, not counted.
const COPY_SHARE: f64 = 0.8;

impl Learner {
    /// One document's kept blocks (each key counted once per document). A
    /// copy of an earlier document (crawls fetch a story twice; print and AMP
    /// versions) is not counted: its article would look repeated and leave
    /// every copy.
    pub fn observe<'a>(&mut self, domain: &str, blocks: impl IntoIterator<Item = &'a str>) {
        let counts = self.counts.entry(domain.to_owned()).or_default();
        let mut keys: HashMap<u64, bool> = HashMap::new();
        let (mut bytes, mut seen_bytes) = (0usize, 0usize);
        for block in blocks {
            let Some((k, several)) = key_and_words(block) else { continue };
            bytes += block.len();
            if counts.contains_key(&k) {
                seen_bytes += block.len();
            }
            keys.insert(k, several);
        }
        if bytes > 0 && seen_bytes as f64 >= bytes as f64 * COPY_SHARE {
            return;
        }
        *self.documents.entry(domain.to_owned()).or_default() += 1;
        for (k, several) in keys {
            counts.entry(k).or_insert((0, several)).0 += 1;
        }
    }

    /// The repeated blocks of each domain.
    pub fn finish(self) -> RepeatedLines {
        let mut by_domain = HashMap::new();
        for (domain, counts) in self.counts {
            let docs = self.documents.get(&domain).copied().unwrap_or(0);
            let need = |share: f64| (MIN_DOCUMENTS as f64).max((docs as f64 * share).ceil()) as u32;
            let (need_words, need_word) = (need(MIN_SHARE), need(MIN_SHARE_ONE_WORD));
            let keys: HashSet<u64> = counts
                .into_iter()
                .filter(|&(_, (n, several))| n >= if several { need_words } else { need_word })
                .map(|(k, _)| k)
                .collect();
            if !keys.is_empty() {
                by_domain.insert(domain, keys);
            }
        }
        RepeatedLines { by_domain }
    }
}

/// The table for the cleans of a learning window, in input order; `None`
/// when no block repeats.
pub fn learn<'a>(cleans: impl IntoIterator<Item = &'a crate::Cleaned>) -> Option<std::sync::Arc<RepeatedLines>> {
    let mut learner = Learner::default();
    for c in cleans {
        learner.observe(&c.site(), c.blocks.iter().map(|b| b.text.as_str()));
    }
    let table = learner.finish();
    (!table.is_empty()).then(|| std::sync::Arc::new(table))
}

/// Whether cleaning `cleaned`'s document again with `table` could change it:
/// only when its site has repeated lines (the clean looks the table up by site).
pub fn could_change(table: Option<&RepeatedLines>, cleaned: &crate::Cleaned) -> bool {
    table.is_some_and(|t| t.of(&cleaned.site()).is_some())
}

/// The blocks found repeated, by domain.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RepeatedLines {
    by_domain: HashMap<String, HashSet<u64>>,
}

impl RepeatedLines {
    /// The repeated blocks of one domain.
    pub fn of(&self, domain: &str) -> Option<&HashSet<u64>> {
        self.by_domain.get(domain)
    }

    /// How many distinct repeated blocks were found, over all domains.
    pub fn len(&self) -> usize {
        self.by_domain.values().map(HashSet::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_domain.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_in_most_documents_of_a_domain_is_repeated() {
        let mut l = Learner::default();
        for i in 0..4 {
            let story = format!("Story number {i} with its own words.");
            l.observe("a.example", [story.as_str(), "Subscribe to A  for FREE"]);
        }
        l.observe("b.example", ["Subscribe to A for FREE"]);
        let r = l.finish();
        assert!(r.of("a.example").unwrap().contains(&line_key("subscribe to a for free").unwrap()));
        assert_eq!(r.of("a.example").unwrap().len(), 1, "the stories are not repeated");
        assert!(r.of("b.example").is_none(), "one document is not a repetition");
    }

    #[test]
    fn a_promo_in_a_third_of_the_stories_goes_a_one_word_subhead_stays() {
        let mut l = Learner::default();
        for i in 0..10 {
            let story = format!("Story number {i} with its own words.");
            let extra: &[&str] = if i < 3 { &["Sign up for our weekly health newsletter", "References"] } else { &[] };
            l.observe("a.example", std::iter::once(story.as_str()).chain(extra.iter().copied()));
        }
        let r = l.finish();
        let repeated = r.of("a.example").unwrap();
        assert!(repeated.contains(&line_key("Sign up for our weekly health newsletter").unwrap()));
        assert!(!repeated.contains(&line_key("References").unwrap()), "a one-word block needs half the stories");
        assert_eq!(repeated.len(), 1);
    }

    #[test]
    fn copies_of_a_story_do_not_make_it_repeated() {
        let mut l = Learner::default();
        let story = "The council voted on Tuesday to close the road after residents said it had become dangerous.";
        for _ in 0..3 {
            l.observe("a.example", [story, "Subscribe to A for FREE"]);
        }
        for i in 0..3 {
            let other = format!("Another story, number {i}, about something else that happened this week.");
            l.observe("a.example", [other.as_str(), "Subscribe to A for FREE"]);
        }
        let r = l.finish();
        let repeated = r.of("a.example").unwrap();
        assert!(!repeated.contains(&line_key(story).unwrap()), "three copies are one document");
        assert!(repeated.contains(&line_key("Subscribe to A for FREE").unwrap()));
    }

    #[test]
    fn domains_ignore_www_and_documents_without_url_group_together() {
        assert_eq!(domain_of(Some("https://www.npr.org/x")), "npr.org");
        assert_eq!(domain_of(None), "");
    }
}

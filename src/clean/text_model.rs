//! The line scorer for scraped text (`builtin:text-boilerplate`): what no
//! rule names, judged from shallow features of a block and its neighbours.
//!
//! Gradient-boosted trees over [`FEATURES`] (shallow features interact: a
//! short line is junk at the end of a text, a subhead in its middle), fitted
//! on the tune split of the labelled scraped-text set by [`train`] (run by
//! `cargo run --release --example train_text_model`), shipped as
//! `text_model.json` and embedded. Features are computed here and only here,
//! for training and for cleaning alike, so the two cannot drift apart.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, OnceLock};

use serde::{Deserialize, Serialize};

use crate::model::trees::{self, round};
pub use crate::model::trees::{Node, TreeParams};

/// The features, in order: names as the model file lists them.
pub const FEATURES: [&str; 58] = [
    "log_chars",
    "log_words",
    "position",
    "first",
    "last_three",
    "ends_sentence",
    "ends_colon",
    "has_url",
    "has_email",
    "has_handle",
    "upper_ratio",
    "title_ratio",
    "digit_ratio",
    "stopword_ratio",
    "starts_cta",
    "cta_ratio",
    "log_len_vs_median",
    "prev_short",
    "next_short",
    "short_after",
    "starts_by",
    "copyright",
    "no_letters",
    "separators",
    "few_words",
    "log_sentences",
    "neighbour_gap",
    "short_tail",
    "media_words",
    "promo_words",
    "link_words",
    "social_words",
    "press_words",
    "legal_words",
    "name_like",
    "all_caps",
    "log_blocks_before",
    "log_blocks_after",
    "credit_tail",
    "slash_credit",
    "headline_like",
    "headline_run",
    "bullet",
    "bullet_run",
    "prose_after",
    "organisation_intro",
    "starts_about",
    "starts_quote",
    "glued_colon",
    "label_colon",
    "person_intro",
    "trailing_caps",
    "caption_words",
    "on_topic",
    "reference_like",
    "ruled_prev",
    "ruled_next",
    "ruled_after",
];

/// Number of features.
pub const N: usize = FEATURES.len();

/// A block's features.
pub type Features = [f32; N];

/// Function words of the languages declutter's rules cover: prose has many,
/// boilerplate lines (names, links, calls to action) few.
const STOPWORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "and", "is", "that", "for", "it", "was", "on", "with", "as", "he", "she",
    "said", "be", "at", "are", "have", "has", "this", "from", "not", "but", "they", "his", "her", "were", "had",
    "will", "which", "who", "their", "been", "would", "there", "we", "its", "than", "or", "more", "also", "about",
    "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "le", "la", "les", "et", "est", "une", "des", "du",
    "el", "los", "las", "y", "que", "una", "il", "di", "che", "non", "os", "não", "het", "een", "en", "van", "niet",
];

/// Verbs and nouns that open calls to action.
const CTA: &[&str] = &[
    "share",
    "follow",
    "subscribe",
    "sign",
    "click",
    "read",
    "watch",
    "listen",
    "download",
    "join",
    "like",
    "visit",
    "contact",
    "support",
    "donate",
    "order",
    "buy",
    "learn",
    "see",
    "register",
    "tweet",
    "email",
    "print",
    "comment",
    "reply",
    "continue",
    "get",
    "related",
    "advertisement",
    "photo",
    "source",
];

/// Word lists of boilerplate kinds, in the languages the rules cover; each
/// feature is the share of a block's words found in its list.
const LEXICONS: [&[&str]; 6] = [
    // media: credits and captions
    &[
        "photo",
        "photos",
        "image",
        "images",
        "getty",
        "reuters",
        "ap",
        "afp",
        "caption",
        "credit",
        "courtesy",
        "file",
        "via",
        "shutterstock",
        "istock",
        "picture",
        "pictured",
        "video",
        "foto",
        "bild",
        "imagen",
        "immagine",
        "afbeelding",
        "illustration",
        "graphic",
        "enlarge",
        "toggle",
    ],
    // promo: newsletters, subscriptions, support
    &[
        "newsletter",
        "newsletters",
        "subscribe",
        "subscription",
        "subscribers",
        "sign",
        "signup",
        "inbox",
        "email",
        "podcast",
        "patreon",
        "donate",
        "donation",
        "support",
        "membership",
        "free",
        "offer",
        "abonnieren",
        "abonner",
        "suscribirse",
        "suscríbete",
        "iscriviti",
        "assine",
        "abonneer",
        "alerts",
        "daily",
        "weekly",
    ],
    // link: related and read-more pointers
    &[
        "related", "read", "more", "see", "also", "click", "here", "watch", "trending", "story", "stories", "links",
        "visit", "website", "learn", "full", "article", "continue", "lesen", "lire", "leer", "leggi", "leia", "lees",
        "mehr", "plus", "más", "anche", "também", "ook",
    ],
    // social: share and follow
    &[
        "facebook",
        "twitter",
        "instagram",
        "youtube",
        "linkedin",
        "pinterest",
        "share",
        "follow",
        "tweet",
        "whatsapp",
        "telegram",
        "reddit",
        "like",
        "teilen",
        "folgen",
        "partager",
        "suivre",
        "compartir",
        "seguir",
        "condividi",
        "segui",
        "compartilhar",
        "siga",
        "delen",
        "volg",
    ],
    // press: release heads and tails
    &[
        "media",
        "contact",
        "contacts",
        "release",
        "embargoed",
        "embargo",
        "inquiries",
        "phone",
        "tel",
        "fax",
        "forward-looking",
        "statements",
        "spokesperson",
        "ext",
        "immediate",
        "newsroom",
        "pr",
        "communications",
    ],
    // legal: disclaimers, rights, consent
    &[
        "views",
        "opinions",
        "expressed",
        "reflect",
        "disclaimer",
        "copyright",
        "rights",
        "reserved",
        "affiliate",
        "commission",
        "terms",
        "privacy",
        "policy",
        "cookies",
        "consent",
        "agree",
        "necessarily",
        "informational",
    ],
];

/// Words of a photo's caption: where people stand in the picture and what
/// they are doing in it ("… (L) speaks during …", "… poses for a portrait").
const CAPTION: &[&str] = &[
    "pictured",
    "poses",
    "posing",
    "stands",
    "standing",
    "sits",
    "seated",
    "sitting",
    "speaks",
    "speaking",
    "walks",
    "walking",
    "wearing",
    "wears",
    "waits",
    "waiting",
    "holds",
    "holding",
    "gestures",
    "arrives",
    "looks",
    "listens",
    "l",
    "r",
    "c",
    "left",
    "right",
    "center",
    "centre",
    "background",
    "foreground",
    "photographed",
    "portrait",
    "seen",
    "shown",
    "depicted",
    "attends",
    "participates",
    "lined",
    "outside",
    "during",
];

/// Every listed word with its lists as bits: 0 [`STOPWORDS`], 1 [`CTA`],
/// 2 + k [`LEXICONS`]`[k]`, 8 [`CAPTION`].
static WORDS: LazyLock<WordTable> = LazyLock::new(|| {
    let mut table = WordTable { keys: vec![[0; 2]; WordTable::SLOTS], meta: vec![(0, 0); WordTable::SLOTS] };
    let lists = [STOPWORDS, CTA].into_iter().chain(LEXICONS).chain([CAPTION]);
    for (bit, list) in lists.enumerate() {
        for w in list {
            table.add(w.as_bytes(), 1 << bit);
        }
    }
    table
});

/// The listed words by their bytes, packed into two integers: a lookup
/// lower-cases a word into that key in registers, hashes and compares it,
/// instead of hashing a `String` (most of the time spent on a word). Open
/// addressing, linear probing, under a quarter full (a word not listed, most
/// words, ends its probe at the first or second slot), small enough to stay cached.
struct WordTable {
    /// The words' keys ([`WordTable::key`]).
    keys: Vec<[u64; 2]>,
    /// (length, bits) of each slot; length 0 is an empty slot.
    meta: Vec<(u8, u16)>,
}

impl WordTable {
    /// Bytes of the longest listed word or more (the lists' longest has 15).
    const LONGEST: usize = 16;
    const SLOTS: usize = 1024;

    /// A word of at most [`Self::LONGEST`] bytes, ASCII letters lower-cased,
    /// as two little-endian integers, zero-padded.
    fn key(word: &[u8]) -> [u64; 2] {
        let mut key = [0u64; 2];
        for (i, &b) in word.iter().enumerate().take(Self::LONGEST) {
            key[i / 8] |= u64::from(b.to_ascii_lowercase()) << (8 * (i % 8));
        }
        key
    }

    fn slot(key: [u64; 2], len: usize) -> usize {
        let mixed = key[0] ^ key[1].rotate_left(29) ^ len as u64;
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::SLOTS.trailing_zeros())) as usize
    }

    fn add(&mut self, word: &[u8], bit: u16) {
        let (key, len) = (Self::key(word), word.len() as u8);
        let mut at = Self::slot(key, word.len());
        loop {
            if self.meta[at].0 == 0 {
                (self.keys[at], self.meta[at]) = (key, (len, bit));
                return;
            }
            if self.keys[at] == key && self.meta[at].0 == len {
                self.meta[at].1 |= bit;
                return;
            }
            at = (at + 1) % Self::SLOTS;
        }
    }

    /// The lists `word` is in, ignoring ASCII case (a word with other
    /// letters is lower-cased before).
    fn get(&self, word: &[u8]) -> u16 {
        if word.is_empty() || word.len() > Self::LONGEST {
            return 0;
        }
        let (key, len) = (Self::key(word), word.len());
        let mut at = Self::slot(key, len);
        // The table is never full, so an empty slot ends every probe.
        for _ in 0..Self::SLOTS {
            let (l, bits) = self.meta[at];
            if l == 0 {
                return 0;
            }
            if usize::from(l) == len && self.keys[at] == key {
                return bits;
            }
            at = (at + 1) % Self::SLOTS;
        }
        0
    }
}

/// A block shorter than this (characters) is "short" for the neighbour features.
const SHORT: usize = 80;

struct Shape {
    chars: usize,
    /// The block's words (split on whitespace) in the document's word list.
    words: std::ops::Range<usize>,
    /// Four to twenty words, capitalised, no sentence inside or at the end:
    /// a headline, a subhead, a teaser's title.
    headline: bool,
    /// Opens with a list bullet.
    bullet: bool,
    /// Ends like a sentence ([`ends_sentence`]).
    ends: bool,
    /// Ends a sentence and has fifteen words or more: article prose.
    prose: bool,
    /// What its words are ([`word_pass`]).
    stats: WordStats,
}

/// Ends like a sentence (or a quoted one).
fn ends_sentence(text: &str) -> bool {
    text.trim_end().chars().last().is_some_and(|c| ".!?…\"”’)".contains(c))
}

/// The block's shape; its words are pushed onto `words`, so each block is
/// split once for every feature.
fn shape<'a>(text: &'a str, words: &mut Words<'a>) -> Shape {
    let text = text.trim();
    let start = words.text.len();
    let stats = word_pass(text, words);
    let count = words.text.len() - start;
    let ends = ends_sentence(text);
    let headline = (4..=20).contains(&count)
        && !ends
        && FINDERS[3].find(text.as_bytes()).is_none()
        && text.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "‘'\"“".contains(c));
    let bullet = text.starts_with(['•', '·', '▪', '►', '*', '-', '–', '—']);
    Shape {
        chars: text.chars().count(),
        words: start..words.text.len(),
        headline,
        bullet,
        ends,
        prose: ends && count >= 15,
        stats,
    }
}

/// How many blocks around `i` (itself included) in an unbroken run have `flag`, as a share of six.
fn run_of(shapes: &[Shape], i: usize, flag: fn(&Shape) -> bool) -> f32 {
    if !flag(&shapes[i]) {
        return 0.0;
    }
    let before = shapes[..i].iter().rev().take_while(|s| flag(s)).take(5).count();
    let after = shapes[i + 1..].iter().take_while(|s| flag(s)).take(5).count();
    ((1 + before + after).min(6)) as f32 / 6.0
}

/// Where a sentence ends inside a block: ". ", ".” ", "? ", "! ", ") ",
/// searched from the end with searchers built once (`str::rfind` builds one
/// for every call).
static SENTENCE_ENDS: LazyLock<[memchr::memmem::FinderRev<'static>; 5]> =
    LazyLock::new(|| [". ", ".” ", "? ", "! ", ") "].map(|n| memchr::memmem::FinderRev::new(n.as_bytes())));

/// The words after the last sentence of a block that does not end in one:
/// one to six capitalised words (or `Name/Agency`) are a photo's credit
/// after its caption ("… outside their home. CNBC Make It").
fn credit_tail(text: &str) -> bool {
    if ends_sentence(text) {
        return false;
    }
    let Some(at) = SENTENCE_ENDS.iter().filter_map(|f| f.rfind(text.as_bytes()).map(|i| i + f.needle().len())).max()
    else {
        return false;
    };
    credit_words(&text[at..])
}

/// One to six capitalised words (or `for`, `of`, `via`, … between them): a credit's shape.
fn credit_words(tail: &str) -> bool {
    let tail: Vec<&str> = tail.split_whitespace().collect();
    (1..=6).contains(&tail.len())
        && tail.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || matches!(*w, "for" | "of" | "the" | "via" | "and" | "/" | "|")
        })
}

/// A `Name/Agency` word: both sides capitalised ("Borden/Business", "Images/Getty").
fn slash_credit_word(w: &str) -> bool {
    w.split_once('/').is_some_and(|(a, b)| {
        a.chars().next().is_some_and(char::is_uppercase)
            && a.chars().count() > 1
            && b.chars().next().is_some_and(char::is_uppercase)
    })
}

/// "The American Academy of Neurology is the …", "NEI leads the …": a
/// proper name (capitalised words) opening the block as its subject, the
/// first line of an organisation's "about" paragraph.
fn organisation_intro(words: &[&str]) -> bool {
    let words = &words[..words.len().min(12)];
    let Some(verb) = words.iter().position(|w| matches!(*w, "is" | "are" | "was" | "leads" | "provides" | "has"))
    else {
        return false;
    };
    let subject = &words[..verb];
    verb >= 1
        && subject.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count()
            >= subject.len().div_ceil(2)
        && subject.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || matches!(*w, "of" | "for" | "and" | "the" | "&" | "on" | "in")
        })
        && words.get(verb + 1).is_some_and(|w| matches!(*w, "the" | "a" | "an" | "one" | "dedicated" | "committed"))
}

/// A word, a colon and a capital with no space between ("False choices:Protesters
/// should …"): a related link's label and title run together when the card
/// was laid out as text. Not a time or a URL (digits, `://`).
fn glued_colon(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b':', b)
        .any(|i| i > 0 && b[i - 1].is_ascii_lowercase() && b.get(i + 1).is_some_and(u8::is_ascii_uppercase))
}

/// A label of one to four words and a colon opening a block whose rest is
/// three words or more ("Health.com: 9 foods …", "Derek Thompson: What's
/// behind …", "RELATED: …"): the shape of teasers and labelled pointers.
fn label_colon(text: &str) -> bool {
    let Some(at) = text.find(':') else { return false };
    let (label, rest) = (&text[..at], &text[at + 1..]);
    let words = label.split_whitespace().count();
    (1..=4).contains(&words)
        && !rest.starts_with("//")
        && label.chars().next().is_some_and(|c| c.is_uppercase())
        && label.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
        && rest.split_whitespace().nth(2).is_some()
}

/// "Hilary Godwin is dean of …", "Edith Bracho-Sanchez, M.D., is a …",
/// "John H. Hageman lives in Chicago …": a person's name (two to six
/// capitalised words, credentials and commas allowed) as the subject of a
/// verb that opens a bio.
fn person_intro(words: &[&str]) -> bool {
    let words = &words[..words.len().min(10)];
    let Some(verb) = words.iter().position(|w| {
        matches!(
            *w,
            "is" | "was" | "lives" | "writes" | "teaches" | "serves" | "covers" | "works" | "directs" | "heads"
        )
    }) else {
        return false;
    };
    (2..=6).contains(&verb)
        && words[..verb].iter().all(|w| {
            let w = w.trim_end_matches(',');
            w.chars().next().is_some_and(char::is_uppercase) || matches!(w, "de" | "van" | "von" | "da" | "del" | "and")
        })
}

/// Capitalised words ending the block (up to six): a caption's credit when no
/// full stop comes before it ("… and mother (R) CNBC Make It").
fn trailing_caps(words: &[&str]) -> usize {
    words
        .iter()
        .rev()
        .take(6)
        .take_while(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
        .count()
}

/// The document's prose vocabulary: for each content word (four letters or
/// more, not a function word), the prose blocks it is in. A related story's
/// title, a newsletter pitch or an ad shares few words with the story around
/// it; a subhead, a quote or a caption of the story shares many.
struct Topic {
    /// A lower-cased word's hash → (prose blocks holding it, the last such block).
    blocks: HashMap<u64, (u32, usize), BuildHasherDefault<Prehashed>>,
    /// Each word of the document's word list: its hash if it is a content word.
    hashes: Vec<Option<u64>>,
}

/// The document's words in order, each with its [`Topic`] hash if it is a
/// content word (four letters or more, not a function word): the hash is
/// taken in the word pass, which has the word trimmed and looked up already.
#[derive(Default)]
struct Words<'a> {
    text: Vec<&'a str>,
    content: Vec<Option<u64>>,
}

/// The map's keys are FNV-1a hashes already: used as they are.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl Topic {
    /// `hashes`: [`Words::content`] of the document.
    fn of(shapes: &[Shape], hashes: Vec<Option<u64>>) -> Topic {
        let mut blocks: HashMap<u64, (u32, usize), BuildHasherDefault<Prehashed>> = HashMap::default();
        for (i, s) in shapes.iter().enumerate().filter(|(_, s)| s.prose) {
            for &w in hashes[s.words.clone()].iter().flatten() {
                let e = blocks.entry(w).or_insert((0, usize::MAX));
                if e.1 != i {
                    *e = (e.0 + 1, i);
                }
            }
        }
        Topic { blocks, hashes }
    }

    /// The share of block `i`'s content words found in other prose blocks
    /// (0 for a block without content words).
    fn share(&self, i: usize, words: std::ops::Range<usize>) -> f32 {
        // Each distinct word once: sorted and deduplicated (a block can be a whole story).
        let mut seen: Vec<u64> = self.hashes[words].iter().flatten().copied().collect();
        seen.sort_unstable();
        seen.dedup();
        // Only in this block itself does not count.
        let found = seen.iter().filter(|w| self.blocks.get(w).is_some_and(|&(n, last)| n >= 2 || last != i)).count();
        if seen.is_empty() { 0.0 } else { found as f32 / seen.len() as f32 }
    }
}

/// An entry of a reference list or a study citation ("13, 16 Daily Mail, May
/// 5, 2020", "[xii] Neuroscience & Biobehavioral Reviews May 2020, Volume
/// 112", "Cardiovascular Diabetology. DOI: 10.1186/…"): a year, and a list
/// number or a citation's words. Such lists are the article's (as in WCXB's
/// gold text); without this the scorer takes them for link lists.
fn reference_like(text: &str, words: &[&str]) -> bool {
    let year = words.iter().any(|w| {
        let t = w.trim_matches(|c: char| !c.is_ascii_digit());
        t.len() == 4 && (t.starts_with("19") || t.starts_with("20")) && t.bytes().all(|b| b.is_ascii_digit())
    });
    if !year || words.len() > 60 {
        return false;
    }
    let first = words.first().copied().unwrap_or_default();
    let numbered = {
        let t = first.trim_start_matches('[').trim_end_matches([']', '.', ')', ':', ',']);
        !t.is_empty()
            && (t.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 3
                || first.starts_with('[') && t.bytes().all(|b| b"ivxlc".contains(&b)))
    };
    let lower = text.to_ascii_lowercase();
    numbered
        || ["doi", "et al", "journal", "vol.", "volume", "pp.", "proceedings", "online "]
            .iter()
            .any(|k| lower.contains(k))
}

/// What one pass over a block's words finds.
#[derive(Default, Debug, PartialEq)]
struct WordStats {
    /// Words found in each list: 0 function words, 1 calls to action, 2..8 the lexicons, 8 caption words.
    found: [usize; 9],
    /// Words with letters or digits (the lists' denominator).
    counted: usize,
    /// The lists the first such word is in.
    first_bits: u16,
    titled: usize,
    url: bool,
    email: bool,
    handle: bool,
    slash_credit: bool,
    copyright: bool,
}

/// Byte classes of the word pass, looked up in [`CLASS`]: ASCII whitespace
/// (as `char::is_whitespace`: space, `\t` to `\r`).
const SPACE: u8 = 1;
/// The lead byte of a possible non-ASCII whitespace character (U+0085,
/// U+00A0, U+1680, U+2000–U+3000): only these are decoded.
const LEAD: u8 = 2;
/// `/`, `@`, `#`, `.`: only a word with one of these can be a link, an
/// address, a handle or a credit.
const SPECIAL: u8 = 4;
/// Not ASCII.
const HIGH: u8 = 8;
/// An ASCII letter or digit.
const ALNUM: u8 = 16;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = match byte {
            b' ' | b'\t'..=b'\r' => SPACE,
            b'/' | b'@' | b'#' | b'.' => SPECIAL,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALNUM,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => LEAD | HIGH,
            0x80..=0xFF => HIGH,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// The length of the whitespace character at byte `i` of `text`, if one starts there.
fn space_at(text: &str, i: usize) -> Option<usize> {
    text.get(i..).and_then(|r| r.chars().next()).filter(|c| c.is_whitespace()).map(char::len_utf8)
}

/// Splits `text` into words (on Unicode whitespace, as `split_whitespace`
/// does), pushes them onto `words` and counts them into [`WordStats`], in
/// one pass over the bytes: the classes of a word's bytes, gathered while
/// looking for its end, say whether it is ASCII and whether it can be a link.
fn word_pass<'a>(text: &'a str, words: &mut Words<'a>) -> WordStats {
    let bytes = text.as_bytes();
    let mut st = WordStats::default();
    let mut rights = false;
    let mut buf = String::new();
    let mut i = 0;
    loop {
        while let Some(&b) = bytes.get(i) {
            let class = CLASS[usize::from(b)];
            if class & SPACE != 0 {
                i += 1;
            } else if let Some(n) = (class & LEAD != 0).then(|| space_at(text, i)).flatten() {
                i += n;
            } else {
                break;
            }
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        let mut seen = 0u8;
        while let Some(&b) = bytes.get(i) {
            let class = CLASS[usize::from(b)];
            if class & (SPACE | LEAD) != 0 && (class & SPACE != 0 || space_at(text, i).is_some()) {
                break;
            }
            seen |= class;
            i += 1;
        }
        let Some(w) = text.get(start..i) else { break };
        words.text.push(w);
        words.content.push(st.add(w, seen, &mut rights, &mut buf));
    }
    st
}

/// [`word_pass`] over words split beforehand.
#[cfg(test)]
fn word_stats(words: &[&str]) -> WordStats {
    let mut st = WordStats::default();
    let (mut rights, mut buf) = (false, String::new());
    for w in words {
        let seen = w.bytes().fold(0, |seen, b| seen | CLASS[usize::from(b)]);
        let _ = st.add(w, seen, &mut rights, &mut buf);
    }
    st
}

/// `text` without the characters other than letters and digits at either end.
fn trim_non_alphanumeric(mut text: &str) -> &str {
    while let Some(c) = text.chars().next().filter(|c| !c.is_alphanumeric()) {
        text = text.get(c.len_utf8()..).unwrap_or_default();
    }
    while let Some(c) = text.chars().next_back().filter(|c| !c.is_alphanumeric()) {
        text = text.get(..text.len() - c.len_utf8()).unwrap_or_default();
    }
    text
}

impl WordStats {
    /// Counts one word and gives its [`Topic`] hash if it is a content word;
    /// `seen`: the [`CLASS`] bits of its bytes; `rights`: whether the word
    /// before was "rights".
    fn add(&mut self, w: &str, seen: u8, rights: &mut bool, buf: &mut String) -> Option<u64> {
        let bytes = w.as_bytes();
        let first = bytes.first().copied();
        self.titled += usize::from(match first {
            Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => w.chars().next().is_some_and(char::is_uppercase),
        });
        if seen & SPECIAL != 0 {
            self.url |= w.contains("://") || w.starts_with("www.") || w.starts_with("WWW.");
            self.email |= w.contains('@') && w.contains('.') && !w.starts_with('@');
            self.slash_credit |= w == "/" || slash_credit_word(w);
            self.handle |= matches!(first, Some(b'@' | b'#')) && w.len() > 1;
        }
        // An ASCII word is trimmed byte by byte and read ignoring case,
        // without a copy, and so is a word that is ASCII once trimmed (a
        // quotation mark around it); any other word goes through the Unicode
        // case mapping. `chars`: the trimmed word's characters (before
        // lower-casing), for the content-word test.
        let mut chars = 0;
        let t: &[u8] = if seen & HIGH == 0 {
            let (mut from, mut to) = (0, bytes.len());
            while from < to && CLASS[usize::from(bytes[from])] & ALNUM == 0 {
                from += 1;
            }
            while to > from && CLASS[usize::from(bytes[to - 1])] & ALNUM == 0 {
                to -= 1;
            }
            chars = to - from;
            &bytes[from..to]
        } else {
            let trimmed = trim_non_alphanumeric(w);
            if trimmed.is_ascii() {
                chars = trimmed.len();
                trimmed.as_bytes()
            } else {
                buf.clear();
                buf.extend(trimmed.chars().inspect(|_| chars += 1).flat_map(char::to_lowercase));
                buf.as_bytes()
            }
        };
        if t.is_empty() {
            return None;
        }
        if t.len() >= 6 {
            self.copyright |= (t.len() >= 9 && t.windows(9).any(|x| x.eq_ignore_ascii_case(b"copyright")))
                || (*rights && t.eq_ignore_ascii_case(b"reserved"));
            *rights = t.eq_ignore_ascii_case(b"rights");
        } else {
            *rights = false;
        }
        let bits = WORDS.get(t);
        if self.counted == 0 {
            self.first_bits = bits;
        }
        self.counted += 1;
        if bits != 0 {
            for (k, n) in self.found.iter_mut().enumerate() {
                *n += usize::from(bits >> k & 1);
            }
        }
        (chars >= 4 && bits & 1 == 0).then(|| content_hash(t))
    }
}

/// FNV-1a of a word's bytes, ASCII letters lower-cased (the word pass hands
/// other words over lower-cased already).
fn content_hash(t: &[u8]) -> u64 {
    t.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3))
}

/// What one pass over a block's characters finds.
#[derive(Default)]
struct CharStats {
    letters: usize,
    upper: usize,
    digits: usize,
    /// ". ", "? ", "! ": sentences end inside the block.
    sentences: usize,
    /// `|`, `•` or " - ": a list of items on one line.
    separators: bool,
    copyright_sign: bool,
}

/// Searchers for " - ", "•", "©" and ". ", built once: `memmem::find` (and
/// `str::contains`) build one for every call, which cost more than the
/// search in a short block.
static FINDERS: LazyLock<[memchr::memmem::Finder<'static>; 4]> =
    LazyLock::new(|| [" - ", "•", "©", ". "].map(|n| memchr::memmem::Finder::new(n.as_bytes())));

/// Counted in separate passes over the bytes, each of which the compiler
/// vectorises; only non-ASCII characters are decoded. The patterns tested
/// are ASCII or whole characters, so byte neighbours are character neighbours.
fn char_stats(text: &str) -> CharStats {
    let bytes = text.as_bytes();
    let mut st = CharStats {
        sentences: {
            // Byte pairs, counted without branches (`&`, `|`) so the loop vectorises.
            let (from, to) =
                (bytes.get(..bytes.len().saturating_sub(1)).unwrap_or_default(), bytes.get(1..).unwrap_or_default());
            let ends = |(&p, &c): (&u8, &u8)| {
                u8::from(c == b' ') & (u8::from(p == b'.') | u8::from(p == b'?') | u8::from(p == b'!'))
            };
            from.chunks(255).zip(to.chunks(255)).map(|(a, b)| usize::from(a.iter().zip(b).map(ends).sum::<u8>())).sum()
        },
        separators: memchr::memchr(b'|', bytes).is_some()
            || FINDERS[0].find(bytes).is_some()
            || FINDERS[1].find(bytes).is_some(),
        ..CharStats::default()
    };
    for chunk in bytes.chunks(255) {
        // Per chunk in bytes, which the compiler packs sixteen or more to a register.
        let (mut letters, mut upper, mut digits) = (0u8, 0u8, 0u8);
        for &b in chunk {
            letters += u8::from(b.is_ascii_alphabetic());
            upper += u8::from(b.is_ascii_uppercase());
            digits += u8::from(b.is_ascii_digit());
        }
        st.letters += usize::from(letters);
        st.upper += usize::from(upper);
        st.digits += usize::from(digits);
    }
    if !text.is_ascii() {
        st.copyright_sign = FINDERS[2].find(bytes).is_some();
        // Only the non-ASCII characters are decoded: runs of sixteen ASCII
        // bytes are passed over whole (tested without branches).
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if let Some(run) = bytes.get(i..i + 16)
                && run.iter().fold(0, |high, &b| high | b) < 0x80
            {
                i += 16;
                continue;
            }
            if b < 0xC0 {
                i += 1;
                continue;
            }
            let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else { break };
            st.letters += usize::from(c.is_alphabetic());
            st.upper += usize::from(c.is_uppercase());
            i += c.len_utf8();
        }
    }
    st
}

/// Features of every block of one document, in order.
/// The features of each block. `ruled`: per block, whether a rule removed it
/// whole (ad markers left out: they sit between paragraphs and say nothing
/// of their neighbours); empty when no rules ran. What the rules took around
/// a block is the best evidence of a tail: a bio after a ruled byline, the
/// rest of a press release after its "About" heading.
pub fn features(blocks: &[&str], ruled: &[bool]) -> Vec<Features> {
    let n = blocks.len();
    let is_ruled = |j: usize| ruled.get(j).copied().unwrap_or(false);
    // Ruled blocks from each index to the end, for `ruled_after`.
    let mut ruled_from = vec![0usize; n + 1];
    for i in (0..n).rev() {
        ruled_from[i] = ruled_from[i + 1] + usize::from(is_ruled(i));
    }
    let mut words = Words::default();
    let shapes: Vec<Shape> = blocks.iter().map(|b| shape(b, &mut words)).collect();
    let Words { text: words, content } = words;
    let mut lengths: Vec<usize> = shapes.iter().map(|s| s.chars).collect();
    lengths.sort_unstable();
    let median = lengths.get(n / 2).copied().unwrap_or(1).max(1) as f32;
    // Short blocks from each index to the end, for `short_after`.
    let mut short_from = vec![0usize; n + 1];
    for i in (0..n).rev() {
        short_from[i] = short_from[i + 1] + usize::from(shapes[i].chars < SHORT);
    }
    // Prose blocks from each index to the end, for `prose_after`: none left is the tail.
    let mut prose_from = vec![0usize; n + 1];
    for i in (0..n).rev() {
        prose_from[i] = prose_from[i + 1] + usize::from(shapes[i].prose);
    }
    let short = |j: Option<usize>| j.is_none_or(|j| shapes[j].chars < SHORT);
    let topic = Topic::of(&shapes, content);
    (0..n)
        .map(|i| {
            let text = blocks[i].trim();
            let s = &shapes[i];
            let raw = &words[s.words.clone()];
            let w = &s.stats;
            let c = char_stats(text);
            let wc = w.counted.max(1) as f32;
            let (stop, cta) = (w.found[0], w.found[1]);
            let after = (n - i - 1).max(1) as f32;
            let gap = |j: Option<usize>| {
                j.map_or(3.0, |j| ((s.chars.max(1) as f32) / (shapes[j].chars.max(1) as f32)).ln().abs().min(3.0))
            };
            let prev = i.checked_sub(1);
            let next = (i + 1 < n).then_some(i + 1);
            let position = if n > 1 { i as f32 / (n - 1) as f32 } else { 0.0 };
            let flag = |b: bool| f32::from(u8::from(b));
            let mut f = [0.0f32; N];
            f[0] = (1.0 + s.chars as f32).ln();
            f[1] = (1.0 + raw.len() as f32).ln();
            f[2] = position;
            f[3] = flag(i == 0);
            f[4] = flag(i + 3 >= n);
            f[5] = flag(s.ends);
            f[6] = flag(text.ends_with(':'));
            f[7] = flag(w.url);
            f[8] = flag(w.email);
            f[9] = flag(w.handle);
            f[10] = if c.letters > 0 { c.upper as f32 / c.letters as f32 } else { 0.0 };
            f[11] = w.titled as f32 / raw.len().max(1) as f32;
            f[12] = c.digits as f32 / s.chars.max(1) as f32;
            f[13] = stop as f32 / wc;
            f[14] = f32::from(w.first_bits >> 1 & 1);
            f[15] = cta as f32 / wc;
            f[16] = (s.chars.max(1) as f32 / median).ln();
            f[17] = flag(short(prev));
            f[18] = flag(short(next));
            f[19] = if i + 1 < n { short_from[i + 1] as f32 / after } else { 1.0 };
            f[20] = flag(text.as_bytes().get(..3).is_some_and(|b| b.eq_ignore_ascii_case(b"by ")));
            f[21] = flag(w.copyright || c.copyright_sign);
            f[22] = flag(c.letters == 0);
            f[23] = flag(c.separators);
            f[24] = flag(raw.len() <= 3);
            f[25] = (1.0 + c.sentences as f32).ln();
            f[26] = gap(prev).min(gap(next));
            f[27] = flag(raw.len() <= 12) * position;
            for k in 0..LEXICONS.len() {
                f[28 + k] = w.found[2 + k] as f32 / wc;
            }
            // Two to four capitalised words and nothing else: a name standing alone.
            f[34] = flag(
                (2..=4).contains(&raw.len())
                    && raw.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase))
                    && !text.ends_with(['.', '?', '!']),
            );
            f[35] = flag(c.letters >= 4 && c.upper == c.letters);
            f[36] = (1.0 + i as f32).ln();
            f[37] = (1.0 + (n - i - 1) as f32).ln();
            f[38] = flag(credit_tail(text));
            f[39] = flag(w.slash_credit);
            f[40] = flag(s.headline);
            f[41] = run_of(&shapes, i, |s| s.headline);
            f[42] = flag(s.bullet);
            f[43] = run_of(&shapes, i, |s| s.bullet);
            f[44] = if i + 1 < n { prose_from[i + 1] as f32 / after } else { 0.0 };
            f[45] = flag(organisation_intro(raw));
            f[46] = flag(text.strip_prefix("About ").is_some_and(|r| r.chars().next().is_some_and(char::is_uppercase)));
            f[47] = flag(text.starts_with(['"', '“', '‘', '\'', '«', '„']));
            f[48] = flag(glued_colon(text));
            f[49] = flag(label_colon(text));
            f[50] = flag(person_intro(raw));
            f[51] = if s.ends || raw.len() < 5 { 0.0 } else { trailing_caps(raw) as f32 / 6.0 };
            f[52] = w.found[8] as f32 / wc;
            f[53] = topic.share(i, s.words.clone());
            f[54] = flag(c.digits >= 4 && reference_like(text, raw));
            f[55] = flag(i > 0 && is_ruled(i - 1));
            f[56] = flag(is_ruled(i + 1));
            f[57] = if i + 1 < n { ruled_from[i + 1] as f32 / after } else { 0.0 };
            f
        })
        .collect()
}

/// A fitted model: gradient-boosted regression trees over [`FEATURES`],
/// and the score from which a block is removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextModel {
    /// The feature names, to check the file against the code.
    pub features: Vec<String>,
    /// The log-odds every score starts from.
    pub base: f32,
    /// Blocks scoring at least this are removed.
    pub threshold: f32,
    /// How the trees were grown (chosen by cross-validation), to retrain.
    pub params: TreeParams,
    /// Not to be changed once the model has scored: [`TextModel::score`]
    /// lays them out for itself then.
    pub trees: Vec<Vec<Node>>,
    #[serde(skip)]
    levels: Levels,
}

/// The trees laid out for scoring ([`Complete`]), made on first use.
#[derive(Debug, Clone, Default)]
struct Levels(OnceLock<Option<Complete>>);

/// Made from the trees alone, so it takes no part in comparing models.
impl PartialEq for Levels {
    fn eq(&self, _: &Levels) -> bool {
        true
    }
}

/// Every tree as a complete binary tree of one depth, at most four, in
/// fixed arrays: a leaf above the bottom is copied down both sides, so
/// scoring a tree is `depth` steps of index arithmetic, without a test for
/// leaves and without branches the data decides (the walk node by node was
/// a fifth of the scorer's time). The leaves reached, and the order they
/// are added in, are the walk's.
#[derive(Debug, Clone)]
struct Complete {
    depth: usize,
    trees: Vec<CompleteTree>,
}

#[derive(Debug, Clone)]
struct CompleteTree {
    /// The `2^depth - 1` splits (feature, threshold), level by level.
    splits: [(u16, f32); 15],
    /// The `2^depth` leaf values, left to right.
    leaves: [f32; 16],
}

impl Complete {
    /// Deeper trees are walked node by node instead.
    const MAX_DEPTH: usize = 4;

    /// `None` for trees deeper than [`Self::MAX_DEPTH`] or malformed (an index
    /// out of range, a cycle): those are walked as they are.
    fn new(trees: &[Vec<Node>]) -> Option<Complete> {
        fn depth(tree: &[Node], at: usize, level: usize) -> Option<usize> {
            let &Node(feature, _, left, right, _) = tree.get(at)?;
            if feature < 0 {
                return Some(level);
            }
            if level >= Complete::MAX_DEPTH || feature as usize >= N {
                return None;
            }
            Some(depth(tree, usize::from(left), level + 1)?.max(depth(tree, usize::from(right), level + 1)?))
        }
        fn fill(tree: &[Node], at: usize, slot: usize, level: usize, inner: usize, out: &mut CompleteTree) {
            let Some(&Node(feature, threshold, left, right, value)) = tree.get(at) else { return };
            if level == 0 {
                out.leaves[slot - inner] = value;
                return;
            }
            let (left, right) = if feature < 0 {
                (at, at)
            } else {
                out.splits[slot] = (feature as u16, threshold);
                (usize::from(left), usize::from(right))
            };
            fill(tree, left, 2 * slot + 1, level - 1, inner, out);
            fill(tree, right, 2 * slot + 2, level - 1, inner, out);
        }
        let mut deepest = 0;
        for tree in trees {
            deepest = deepest.max(depth(tree, 0, 0)?);
        }
        let inner = (1 << deepest) - 1;
        let trees = trees
            .iter()
            .map(|tree| {
                let mut out = CompleteTree { splits: [(0, 0.0); 15], leaves: [0.0; 16] };
                fill(tree, 0, 0, deepest, inner, &mut out);
                out
            })
            .collect();
        Some(Complete { depth: deepest, trees })
    }

    /// The log-odds: `base` plus each tree's leaf, in the trees' order.
    fn log_odds(&self, base: f32, f: &Features) -> f32 {
        match self.depth {
            0 => self.sum::<0>(base, f),
            1 => self.sum::<1>(base, f),
            2 => self.sum::<2>(base, f),
            3 => self.sum::<3>(base, f),
            _ => self.sum::<4>(base, f),
        }
    }

    fn sum<const DEPTH: usize>(&self, base: f32, f: &Features) -> f32 {
        // The features padded to 64, so that a split's feature (below N, see
        // `new`) is masked into range instead of checked against it.
        let mut padded = [0f32; 64];
        padded[..N].copy_from_slice(f);
        let mut z = base;
        for tree in &self.trees {
            // The node's place in its level: the level's first node is at 2^level - 1.
            let mut at = 0;
            for level in 0..DEPTH {
                // Below 15 at every level of a tree of depth four at most; the mask says so to the compiler.
                let (feature, threshold) = tree.splits[((1 << level) - 1 + at) & 15];
                // Left (+0) when at most the threshold, else right (+1): a NaN goes right, as in the walk.
                at = 2 * at + 1 - usize::from(padded[usize::from(feature) & 63] <= threshold);
            }
            z += tree.leaves[at & 15];
        }
        z
    }
}

/// The shipped model.
static SHIPPED: LazyLock<Option<TextModel>> = LazyLock::new(|| TextModel::from_json(SHIPPED_JSON).ok());

/// The shipped model file, as trained.
pub const SHIPPED_JSON: &str = include_str!("text_model.json");

impl TextModel {
    /// The model embedded in the binary; `None` only if its file does not
    /// match [`FEATURES`] (a test keeps that from shipping).
    pub fn shipped() -> Option<&'static TextModel> {
        SHIPPED.as_ref()
    }

    pub fn from_json(text: &str) -> Result<TextModel, String> {
        let model: TextModel = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if !model.features.iter().map(String::as_str).eq(FEATURES.iter().copied()) {
            return Err("the model's features are not this build's".into());
        }
        crate::model::trees::check(&model.trees, N)?;
        Ok(model)
    }

    /// The model as its file holds it: one tree per line.
    pub fn to_json(&self) -> String {
        let num = crate::model::trees::number;
        let names: Vec<String> = self.features.iter().map(|f| format!("{f:?}")).collect();
        let mut out = format!(
            "{{\n  \"features\": [{}],\n  \"base\": {},\n  \"threshold\": {},\n  \"params\": {},\n  \"trees\": [\n",
            names.join(", "),
            num(self.base),
            num(self.threshold),
            serde_json::to_string(&self.params).unwrap_or_default()
        );
        out.push_str(&crate::model::trees::trees_json(&self.trees, "    "));
        out.push_str("  ]\n}\n");
        out
    }

    /// The probability that a block is boilerplate.
    pub fn score(&self, f: &Features) -> f32 {
        if let Some(complete) = self.levels.0.get_or_init(|| Complete::new(&self.trees)) {
            return 1.0 / (1.0 + (-complete.log_odds(self.base, f)).exp());
        }
        let mut z = self.base;
        for tree in &self.trees {
            let mut at = 0usize;
            // Depth is bounded by the tree's size: a malformed file cannot loop.
            for _ in 0..tree.len() {
                let Node(feature, threshold, left, right, value) = tree[at];
                if feature < 0 {
                    z += value;
                    break;
                }
                at = usize::from(if f[feature as usize] <= threshold { left } else { right });
            }
        }
        1.0 / (1.0 + (-z).exp())
    }
}

/// Fits gradient-boosted trees for the logistic loss (Newton leaf values,
/// exact greedy splits), in f64 and in a fixed order: the same rows give the
/// same model on any machine. `article_loss`: the share of article rows the
/// threshold may put above it.
pub fn train(rows: &[(Features, bool)], params: TreeParams, article_loss: f64) -> TextModel {
    let mut model = grow_model(rows, params);
    let article: Vec<f32> = rows.iter().filter(|(_, b)| !b).map(|(f, _)| model.score(f)).collect();
    model.threshold = threshold_for(article, article_loss);
    model
}

/// The lowest score that puts at most `article_loss` of these article scores at or above it.
fn threshold_for(mut article: Vec<f32>, article_loss: f64) -> f32 {
    article.sort_by(|a, b| b.total_cmp(a));
    let allowed = (article.len() as f64 * article_loss).floor() as usize;
    let at = article.get(allowed).copied().unwrap_or(0.5);
    round(f64::from(at) + 1e-4).clamp(0.5, 0.999)
}

/// The trees alone (threshold 1: nothing removed).
fn grow_model(rows: &[(Features, bool)], params: TreeParams) -> TextModel {
    let (base, trees) = trees::boost(rows, None, params);
    TextModel {
        features: FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        base,
        threshold: 1.0,
        params,
        trees,
        levels: Levels::default(),
    }
}

/// A row of `training/scraped-texts/features.tsv`.
#[derive(Debug, Clone)]
pub struct Row {
    pub domain: String,
    pub split: String,
    pub category: String,
    pub features: Features,
    pub boilerplate: bool,
    /// A rule (default and publisher rules, as cleaning applies them) removes
    /// this block, so what the scorer adds can be reported. The scorer is fitted
    /// on every block all the same: fitted only on what the rules leave, it had
    /// fewer boilerplate rows to learn from and removed less on validate
    /// (72.6 % of boilerplate lines against 74.1 %, article kept 99.64 % both).
    pub ruled: bool,
}

/// Columns before the features.
const FIXED: usize = 7;

/// Parses features.tsv (header: `id line domain split boilerplate category ruled` and the features).
pub fn parse_rows(tsv: &str) -> Result<Vec<Row>, String> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    if header.len() != FIXED + N || !header[FIXED..].iter().copied().eq(FEATURES.iter().copied()) {
        return Err("features.tsv was written for other features: rerun the feature step".into());
    }
    lines
        .enumerate()
        .map(|(n, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != FIXED + N {
                return Err(format!("features.tsv:{}: {} fields", n + 2, f.len()));
            }
            let mut x = [0f32; N];
            for k in 0..N {
                x[k] = f[FIXED + k].parse().map_err(|e| format!("features.tsv:{}: {e}", n + 2))?;
            }
            Ok(Row {
                domain: f[2].to_owned(),
                split: f[3].to_owned(),
                category: f[5].to_owned(),
                features: x,
                boilerplate: f[4] == "1",
                ruled: f[6] == "1",
            })
        })
        .collect()
}

/// The share of tune article blocks the threshold may put at or above it
/// (rules take a little more; the target is 99.5 % of article lines kept).
pub const ARTICLE_LOSS: f64 = 0.004;

/// Folds of the tune split for cross-validation, by publisher.
const FOLDS: u64 = 3;

fn fold_of(domain: &str) -> u64 {
    // FNV-1a: a fixed hash, the same on every machine and release.
    domain.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)) % FOLDS
}

/// Each tune row with its out-of-fold score: scored by trees grown on the
/// other folds' publishers, as a publisher the model never saw would be.
pub fn out_of_fold(rows: &[Row], params: TreeParams) -> Vec<(f32, &Row)> {
    let tune: Vec<&Row> = rows.iter().filter(|r| r.split == "tune").collect();
    let mut scored = Vec::with_capacity(tune.len());
    for fold in 0..FOLDS {
        let train_rows: Vec<(Features, bool)> =
            tune.iter().filter(|r| fold_of(&r.domain) != fold).map(|r| (r.features, r.boilerplate)).collect();
        let model = grow_model(&train_rows, params);
        scored.extend(tune.iter().filter(|r| fold_of(&r.domain) == fold).map(|r| (model.score(&r.features), *r)));
    }
    scored
}

/// The threshold that puts at most `article_loss` of the article rows' out-of-fold scores at or above it.
pub fn threshold_at(scored: &[(f32, &Row)], article_loss: f64) -> f32 {
    threshold_for(scored.iter().filter(|(_, r)| !r.boilerplate).map(|(s, _)| *s).collect(), article_loss)
}

/// Out-of-fold scores of the tune rows (each scored by trees that never saw
/// its publisher), the threshold they give, and the share of boilerplate
/// rows at or above it: how the parameters generalise to new publishers.
pub fn cross_validate(rows: &[Row], params: TreeParams) -> (f32, f64) {
    let scored: Vec<(f32, bool)> = out_of_fold(rows, params).into_iter().map(|(s, r)| (s, r.boilerplate)).collect();
    let threshold = threshold_for(scored.iter().filter(|(_, b)| !b).map(|(s, _)| *s).collect(), ARTICLE_LOSS);
    let boiler = scored.iter().filter(|(_, b)| *b).count().max(1);
    let hit = scored.iter().filter(|(s, b)| *b && *s >= threshold).count();
    (threshold, hit as f64 / boiler as f64)
}

/// The shipped fit for `params`: trees grown on all tune rows, the
/// threshold from their out-of-fold scores (in-sample scores flatter the
/// article rows, and a threshold drawn from them removes too much elsewhere).
pub fn fit_with(rows: &[Row], params: TreeParams) -> TextModel {
    let (threshold, _) = cross_validate(rows, params);
    let tune: Vec<(Features, bool)> =
        rows.iter().filter(|r| r.split == "tune").map(|r| (r.features, r.boilerplate)).collect();
    let mut model = grow_model(&tune, params);
    model.threshold = threshold;
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_matches_the_features() {
        assert!(TextModel::shipped().is_some(), "text_model.json does not match FEATURES");
    }

    #[test]
    fn features_of_a_typical_tail() {
        let blocks = [
            "The council voted on Tuesday to close the road, after residents said it had become dangerous.",
            "“We have waited for years,” said one of them, who asked not to be named.",
            "Follow us on Twitter @example",
        ];
        let f = features(&blocks, &[]);
        assert_eq!(f.len(), 3);
        assert_eq!(f[2][14], 1.0, "starts with a call to action");
        assert_eq!(f[2][9], 1.0, "a handle");
        assert_eq!(f[0][5], 1.0, "ends a sentence");
        assert!(f[0][13] > f[2][13], "prose has more function words");
    }

    #[test]
    fn features_see_what_the_rules_took() {
        let blocks =
            ["A paragraph of the story, as it was written.", "About Acme", "Acme makes widgets.", "Contact: x"];
        let f = features(&blocks, &[false, true, false, true]);
        let at = |name: &str| FEATURES.iter().position(|f| *f == name).unwrap();
        let (prev, next, after) = (at("ruled_prev"), at("ruled_next"), at("ruled_after"));
        assert_eq!((f[2][prev], f[2][next], f[2][after]), (1.0, 1.0, 1.0));
        assert_eq!((f[0][prev], f[0][next]), (0.0, 1.0));
        assert!((f[0][after] - 2.0 / 3.0).abs() < 1e-6, "{}", f[0][after]);
        assert_eq!(f[3][after], 0.0, "nothing after the last block");
        let none = features(&blocks, &[]);
        assert!(none.iter().all(|f| f[prev] == 0.0 && f[next] == 0.0 && f[after] == 0.0));
    }

    #[test]
    fn the_word_table_stays_under_half_full_and_finds_every_word() {
        let filled = WORDS.meta.iter().filter(|(len, _)| *len > 0).count();
        assert!(filled * 2 <= WordTable::SLOTS, "{filled} words in {} slots", WordTable::SLOTS);
        let lists = [STOPWORDS, CTA].into_iter().chain(LEXICONS).chain([CAPTION]);
        for (bit, list) in lists.enumerate() {
            for w in list {
                assert!(WORDS.get(w.as_bytes()) & 1 << bit != 0, "{w} not found in list {bit}");
            }
        }
        assert_eq!(WORDS.get(b"zebra"), 0);
    }

    #[test]
    fn teaser_bio_and_caption_shapes() {
        assert!(glued_colon("False choices:Protesters should demand coronavirus safety"));
        assert!(!glued_colon("At 10:30 the meeting began. See https://example.org"));
        assert!(label_colon("Health.com: 9 foods that may help save your memory"));
        assert!(label_colon("Derek Thompson: What’s behind South Korea’s exceptionalism?"));
        assert!(!label_colon("The mayor said: we will rebuild the bridge"));
        assert!(!label_colon("Source: http://example.org/a"));
        let words = |t: &'static str| t.split_whitespace().collect::<Vec<_>>();
        assert!(person_intro(&words("Edith Bracho-Sanchez, M.D., is a pediatrics resident at the hospital.")));
        assert!(person_intro(&words("John H. Hageman lives in Chicago and does restructuring work.")));
        assert!(!person_intro(&words("The council is meeting on Tuesday.")));
        assert!(!person_intro(&words("Trump is the president.")), "one word is not a name");
        assert_eq!(trailing_caps(&words("Ron (C) with his wife Carmela (L) and mother (R) CNBC Make It")), 3);
        assert_eq!(trailing_caps(&words("the vote was held on the day")), 0);
        let reference = |t: &'static str| reference_like(t, &words(t));
        assert!(reference("13, 16 Daily Mail, May 5, 2020"));
        assert!(reference("[xii] Neuroscience & Biobehavioral Reviews May 2020, Volume 112, Pages 519-541"));
        assert!(reference("Cardiovascular Diabetology. DOI: 10.1186/s12933-016-0413-6 (2016)"));
        assert!(!reference("Related: The 2020 election in ten charts"));
        assert!(!reference("Journal: The BMJ"), "no year");
    }

    #[test]
    fn captions_headline_runs_and_organisations() {
        assert!(credit_tail("Ron Navarro driving to work at Detroit Receiving Hospital. CNBC Make It"));
        assert!(!credit_tail("He drove to work at the hospital. It was early."));
        assert!(!credit_tail("Ron Navarro drove to work at Detroit Receiving Hospital on Monday"));
        let words = |t: &'static str| t.split_whitespace().collect::<Vec<_>>();
        assert!(
            word_stats(&words("An empty Ocean Drive amid the pandemic. Taylor Borden/Business Insider")).slash_credit
        );
        assert!(!word_stats(&words("The drug cut the risk by half (24/7 care aside).")).slash_credit);
        assert!(organisation_intro(&words("The American Academy of Neurology is the world's largest association.")));
        assert!(organisation_intro(&words("NEI leads the federal government's research on the visual system.")));
        assert!(!organisation_intro(&words("The patients who took the drug were the first to recover.")));
        let w = word_stats(&words(
            "Copyright 2020 Example Media. All Rights Reserved. Visit https://example.com or desk@example.com",
        ));
        assert!(w.copyright && w.url && w.email && !w.handle);
        assert!(char_stats("© 2020").copyright_sign);
        let c = char_stats("One. Two? Three | four - five");
        assert_eq!(c.sentences, 2);
        assert!(c.separators);
        let blocks = [
            "The study followed 4,000 adults for ten years and found the risk fell by half in those who walked daily.",
            "New drug may help MS",
            "Approach turns off peanut allergies",
            "Can pot smoking ease MS symptoms?",
        ];
        let f = features(&blocks, &[]);
        let at = |name: &str| FEATURES.iter().position(|n| *n == name).unwrap();
        assert_eq!(f[1][at("headline_run")], 2.0 / 6.0, "two headlines in a row; the question ends a sentence");
        assert_eq!(f[0][at("headline_run")], 0.0);
        assert_eq!(f[0][at("prose_after")], 0.0, "no prose follows the article's last paragraph");
    }

    /// The word pass as first written: words from `split_whitespace`, each
    /// scanned for its bytes, trimmed, and lower-cased into a `String` when
    /// not ASCII.
    fn word_stats_by_definition(text: &str) -> WordStats {
        let mut st = WordStats::default();
        let mut rights = false;
        for w in text.split_whitespace() {
            st.titled += usize::from(w.chars().next().is_some_and(char::is_uppercase));
            st.url |= w.contains("://") || w.starts_with("www.") || w.starts_with("WWW.");
            st.email |= w.contains('@') && w.contains('.') && !w.starts_with('@');
            st.slash_credit |= slash_credit_word(w) || w == "/";
            st.handle |= (w.starts_with('@') || w.starts_with('#')) && w.len() > 1;
            let t: String =
                w.trim_matches(|c: char| !c.is_alphanumeric()).chars().flat_map(char::to_lowercase).collect();
            if t.is_empty() {
                continue;
            }
            if t.len() >= 6 {
                st.copyright |= t.contains("copyright") || (rights && t == "reserved");
                rights = t == "rights";
            } else {
                rights = false;
            }
            let bits = WORDS.get(t.as_bytes());
            if st.counted == 0 {
                st.first_bits = bits;
            }
            st.counted += 1;
            for (k, n) in st.found.iter_mut().enumerate() {
                *n += usize::from(bits >> k & 1);
            }
        }
        st
    }

    /// The character counts as first written, character by character.
    fn char_stats_by_definition(text: &str) -> (usize, usize, usize, usize, bool, bool) {
        let letters = text.chars().filter(|c| c.is_alphabetic()).count();
        let upper = text.chars().filter(|c| c.is_uppercase()).count();
        let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
        let sentences = text.matches(". ").count() + text.matches("? ").count() + text.matches("! ").count();
        let separators = text.contains('|') || text.contains(" - ") || text.contains('•');
        (letters, upper, digits, sentences, separators, text.contains('©'))
    }

    /// Random texts of pieces that exercise every path of the byte passes:
    /// ASCII and Unicode whitespace, quotes around words, case mappings that
    /// change the length, listed words in any case, links and handles.
    fn random_texts() -> Vec<String> {
        let pieces = [
            "a",
            "The",
            "THE",
            "copyright",
            "Copyright",
            "xCOPYRIGHTx",
            "rights",
            "Rights",
            "RESERVED",
            "reserved.",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{b}",
            "\u{c}",
            "\u{1c}",
            "\u{85}",
            "\u{a0}",
            "\u{2009}",
            "\u{3000}",
            "\u{1680}",
            "\u{2028}",
            "\u{202f}",
            "\u{200b}",
            "’",
            "“",
            "”",
            "‘",
            "«",
            "İ",
            "ß",
            "Σ",
            "\u{212A}",
            "é",
            "Ä",
            "日本",
            "x.",
            ". ",
            "? ",
            "! ",
            "-",
            " - ",
            "|",
            "•",
            "©",
            "@",
            "@user",
            "#tag",
            "www.",
            "WWW.x",
            "https://x.y/z",
            "a@b.c",
            "Borden/Business",
            "/",
            "24/7",
            "Follow",
            "share",
            "SUSCRÍBETE",
            "não",
            "Más",
            "por",
            "By ",
            "é",
            "\u{0}",
            "ǅ",
            "ﬁ",
            "e\u{301}",
            "😀",
            "ÉÉÉÉÉÉÉÉÉ",
            "abcdefghijklmnopq",
            "Newsletters",
            "forward-looking",
            ".” ",
            ") ",
            "Getty Images",
            "via",
            "\u{c2}",
            "1",
            "Ⅻ",
            "½",
        ];
        let mut seed = 11u64;
        let mut texts = Vec::new();
        for _ in 0..20_000 {
            let mut text = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mut bits = seed;
            for _ in 0..(seed >> 59) {
                text.push_str(pieces[(bits % pieces.len() as u64) as usize]);
                bits = bits.rotate_left(7) ^ seed;
            }
            texts.push(text);
        }
        for p in pieces {
            texts.extend([p.to_owned(), format!(" {p} "), format!("x{p}y"), format!("{p}{p}"), p.repeat(20)]);
        }
        texts
    }

    /// `credit_tail` as first written, with `str::rfind`.
    fn credit_tail_by_definition(text: &str) -> bool {
        if ends_sentence(text) {
            return false;
        }
        let Some(at) = [". ", ".” ", "? ", "! ", ") "].iter().filter_map(|p| text.rfind(p).map(|i| i + p.len())).max()
        else {
            return false;
        };
        credit_words(&text[at..])
    }

    /// The hash of a content word (four letters or more, not a function
    /// word), lower-cased, defined on chars.
    fn content_word_by_definition(w: &str) -> Option<u64> {
        let t = w.trim_matches(|c: char| !c.is_alphanumeric());
        let lower: String = t.chars().flat_map(char::to_lowercase).collect();
        (t.chars().count() >= 4 && WORDS.get(lower.as_bytes()) & 1 == 0).then(|| content_hash(lower.as_bytes()))
    }

    #[test]
    fn byte_passes_match_the_definitions() {
        for text in random_texts() {
            assert_eq!(credit_tail(&text), credit_tail_by_definition(&text), "{text:?}");
            let mut all = Words::default();
            let st = word_pass(&text, &mut all);
            let words = all.text;
            assert_eq!(words, text.split_whitespace().collect::<Vec<_>>(), "{text:?}");
            let content: Vec<Option<u64>> = words.iter().map(|w| content_word_by_definition(w)).collect();
            assert_eq!(all.content, content, "{text:?}");
            assert_eq!(st, word_stats_by_definition(&text), "{text:?}");
            assert_eq!(word_stats(&words), st, "{text:?}");
            let c = char_stats(&text);
            assert_eq!(
                (c.letters, c.upper, c.digits, c.sentences, c.separators, c.copyright_sign),
                char_stats_by_definition(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn training_separates_a_clear_signal() {
        let mut rows = Vec::new();
        for i in 0..200 {
            let mut f = [0.0f32; N];
            f[0] = (i % 7) as f32;
            f[14] = f32::from(u8::from(i % 2 == 0));
            rows.push((f, i % 2 == 0));
        }
        let params = TreeParams { rounds: 20, depth: 2, learning_rate: 0.3, lambda: 1.0, min_weight: 1.0 };
        let m = train(&rows, params, 0.0);
        let mut cta = [0.0f32; N];
        cta[14] = 1.0;
        assert!(m.score(&cta) > 0.9 && m.score(&[0.0; N]) < 0.1);
        assert_eq!(train(&rows, params, 0.0), m, "training is deterministic");
        assert_eq!(TextModel::from_json(&m.to_json()).unwrap(), m, "the file holds the model");
    }
}

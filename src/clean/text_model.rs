//! The line scorer for scraped text (`builtin:text-boilerplate`): what no
//! rule names, judged from shallow features of a block and its neighbours.
//!
//! A logistic regression over [`FEATURES`], fitted on the tune split of the
//! labelled scraped-text set by [`train`] (run by
//! `cargo run --release --example train_text_model`), shipped as
//! `text_model.json` and embedded. Features are computed here and only here,
//! for training and for cleaning alike, so the two cannot drift apart.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The features, in order: names as the model file lists them.
pub const FEATURES: [&str; 28] = [
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

/// A block shorter than this (characters) is "short" for the neighbour features.
const SHORT: usize = 80;

struct Shape {
    chars: usize,
    words: usize,
}

fn shape(text: &str) -> Shape {
    Shape { chars: text.chars().count(), words: text.split_whitespace().count() }
}

/// Features of every block of one document, in order.
pub fn features(blocks: &[&str]) -> Vec<Features> {
    let n = blocks.len();
    let shapes: Vec<Shape> = blocks.iter().map(|b| shape(b)).collect();
    let mut lengths: Vec<usize> = shapes.iter().map(|s| s.chars).collect();
    lengths.sort_unstable();
    let median = lengths.get(n / 2).copied().unwrap_or(1).max(1) as f32;
    // Short blocks from each index to the end, for `short_after`.
    let mut short_from = vec![0usize; n + 1];
    for i in (0..n).rev() {
        short_from[i] = short_from[i + 1] + usize::from(shapes[i].chars < SHORT);
    }
    let short = |j: Option<usize>| j.is_none_or(|j| shapes[j].chars < SHORT);
    (0..n)
        .map(|i| {
            let text = blocks[i].trim();
            let s = &shapes[i];
            let words: Vec<String> = text
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            let wc = words.len().max(1) as f32;
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            let upper = text.chars().filter(|c| c.is_uppercase()).count();
            let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
            let titled = text.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count();
            let stop = words.iter().filter(|w| STOPWORDS.contains(&w.as_str())).count();
            let cta = words.iter().filter(|w| CTA.contains(&w.as_str())).count();
            let lower = text.to_lowercase();
            let last = text.chars().last();
            let after = (n - i - 1).max(1) as f32;
            let sentences = text.matches(". ").count() + text.matches("? ").count() + text.matches("! ").count();
            let gap = |j: Option<usize>| {
                j.map_or(3.0, |j| ((s.chars.max(1) as f32) / (shapes[j].chars.max(1) as f32)).ln().abs().min(3.0))
            };
            let prev = i.checked_sub(1);
            let next = (i + 1 < n).then_some(i + 1);
            let position = if n > 1 { i as f32 / (n - 1) as f32 } else { 0.0 };
            let mut f = [0.0f32; N];
            f[0] = (1.0 + s.chars as f32).ln();
            f[1] = (1.0 + s.words as f32).ln();
            f[2] = position;
            f[3] = f32::from(u8::from(i == 0));
            f[4] = f32::from(u8::from(i + 3 >= n));
            f[5] = f32::from(u8::from(last.is_some_and(|c| ".!?…\"”’)".contains(c))));
            f[6] = f32::from(u8::from(last == Some(':')));
            f[7] =
                f32::from(u8::from(lower.contains("http://") || lower.contains("https://") || lower.contains("www.")));
            f[8] = f32::from(u8::from(
                text.split_whitespace().any(|w| w.contains('@') && w.contains('.') && !w.starts_with('@')),
            ));
            f[9] = f32::from(u8::from(
                text.split_whitespace().any(|w| (w.starts_with('@') || w.starts_with('#')) && w.chars().count() > 1),
            ));
            f[10] = if letters > 0 { upper as f32 / letters as f32 } else { 0.0 };
            f[11] = titled as f32 / s.words.max(1) as f32;
            f[12] = digits as f32 / s.chars.max(1) as f32;
            f[13] = stop as f32 / wc;
            f[14] = f32::from(u8::from(words.first().is_some_and(|w| CTA.contains(&w.as_str()))));
            f[15] = cta as f32 / wc;
            f[16] = (s.chars.max(1) as f32 / median).ln();
            f[17] = f32::from(u8::from(short(prev)));
            f[18] = f32::from(u8::from(short(next)));
            f[19] = if i + 1 < n { short_from[i + 1] as f32 / after } else { 1.0 };
            f[20] = f32::from(u8::from(lower.starts_with("by ")));
            f[21] = f32::from(u8::from(
                text.contains('©') || lower.contains("copyright") || lower.contains("all rights reserved"),
            ));
            f[22] = f32::from(u8::from(letters == 0));
            f[23] = f32::from(u8::from(text.contains('|') || text.contains('•') || text.contains(" - ")));
            f[24] = f32::from(u8::from(s.words <= 3));
            f[25] = (1.0 + sentences as f32).ln();
            f[26] = gap(prev).min(gap(next));
            f[27] = f32::from(u8::from(s.words <= 12)) * position;
            f
        })
        .collect()
}

/// A fitted model: standardization, weights, and the score from which a
/// block is removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextModel {
    /// The feature names, to check the file against the code.
    pub features: Vec<String>,
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
    /// Blocks scoring at least this are removed.
    pub threshold: f32,
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
        let names_match = model.features.iter().map(String::as_str).eq(FEATURES.iter().copied());
        if !names_match || model.mean.len() != N || model.scale.len() != N || model.weights.len() != N {
            return Err("the model's features are not this build's".into());
        }
        Ok(model)
    }

    /// The model as its file holds it (values rounded, so a retrain compares equal).
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// The probability that a block is boilerplate.
    pub fn score(&self, f: &Features) -> f32 {
        let z: f32 = self.bias
            + f.iter()
                .zip(&self.mean)
                .zip(&self.scale)
                .zip(&self.weights)
                .map(|(((x, m), s), w)| (x - m) / s * w)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Fits a logistic regression (L2-penalised, on standardized features) by
/// Newton's method, in f64 and in a fixed order: the same rows give the same
/// model, to the digit, on any machine. `threshold`: the lowest score at which
/// at most `article_loss` of the article rows would be removed.
#[allow(clippy::needless_range_loop)]
pub fn train(rows: &[(Features, bool)], l2: f64, article_loss: f64) -> TextModel {
    let n = rows.len().max(1) as f64;
    let mut mean = [0f64; N];
    let mut scale = [0f64; N];
    for (f, _) in rows {
        for k in 0..N {
            mean[k] += f64::from(f[k]) / n;
        }
    }
    for (f, _) in rows {
        for k in 0..N {
            scale[k] += (f64::from(f[k]) - mean[k]).powi(2) / n;
        }
    }
    for s in &mut scale {
        *s = if *s > 1e-12 { s.sqrt() } else { 1.0 };
    }
    // Round the standardization as the file will hold it, so training and use agree.
    let mean: Vec<f32> = mean.iter().map(|&m| round(m)).collect();
    let scale: Vec<f32> = scale.iter().map(|&s| round(s)).collect();
    let x: Vec<[f64; N + 1]> = rows
        .iter()
        .map(|(f, _)| {
            let mut v = [1.0f64; N + 1];
            for k in 0..N {
                v[k + 1] = (f64::from(f[k]) - f64::from(mean[k])) / f64::from(scale[k]);
            }
            v
        })
        .collect();
    let y: Vec<f64> = rows.iter().map(|(_, b)| f64::from(u8::from(*b))).collect();
    let mut w = [0f64; N + 1];
    for _ in 0..30 {
        let mut grad = [0f64; N + 1];
        let mut hess = vec![[0f64; N + 1]; N + 1];
        for (xi, yi) in x.iter().zip(&y) {
            let z: f64 = xi.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = p * (1.0 - p);
            for a in 0..=N {
                grad[a] += (p - yi) * xi[a];
                for b in 0..=N {
                    hess[a][b] += r * xi[a] * xi[b];
                }
            }
        }
        for a in 1..=N {
            grad[a] += l2 * w[a];
            hess[a][a] += l2;
        }
        let step = solve(hess, grad);
        let mut moved = 0f64;
        for a in 0..=N {
            w[a] -= step[a];
            moved = moved.max(step[a].abs());
        }
        if moved < 1e-9 {
            break;
        }
    }
    let mut model = TextModel {
        features: FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        mean,
        scale,
        weights: w[1..].iter().map(|&v| round(v)).collect(),
        bias: round(w[0]),
        threshold: 1.0,
    };
    let mut article: Vec<f32> = rows.iter().filter(|(_, b)| !b).map(|(f, _)| model.score(f)).collect();
    article.sort_by(|a, b| b.total_cmp(a));
    // Scores above the allowed share of article rows; the threshold sits just above the next one.
    let allowed = (article.len() as f64 * article_loss).floor() as usize;
    let at = article.get(allowed).copied().unwrap_or(0.5);
    model.threshold = round(f64::from(at) + 1e-4).clamp(0.5, 0.999);
    model
}

/// A row of `training/scraped-texts/features.tsv`.
#[derive(Debug, Clone)]
pub struct Row {
    pub split: String,
    pub category: String,
    pub features: Features,
    pub boilerplate: bool,
}

/// Parses features.tsv (header: `id line split boilerplate category` and the features).
pub fn parse_rows(tsv: &str) -> Result<Vec<Row>, String> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    if header.len() != 5 + N || !header[5..].iter().copied().eq(FEATURES.iter().copied()) {
        return Err("features.tsv was written for other features: rerun the feature step".into());
    }
    lines
        .enumerate()
        .map(|(n, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != 5 + N {
                return Err(format!("features.tsv:{}: {} fields", n + 2, f.len()));
            }
            let mut x = [0f32; N];
            for k in 0..N {
                x[k] = f[5 + k].parse().map_err(|e| format!("features.tsv:{}: {e}", n + 2))?;
            }
            Ok(Row { split: f[2].to_owned(), category: f[4].to_owned(), features: x, boilerplate: f[3] == "1" })
        })
        .collect()
}

/// The shipped fit: the tune rows, L2 1.0, at most 0.3 % of tune article
/// blocks at or above the threshold (rules take a little more; the target
/// is 99.5 % of article lines kept).
pub fn fit(rows: &[Row]) -> TextModel {
    let tune: Vec<(Features, bool)> =
        rows.iter().filter(|r| r.split == "tune").map(|r| (r.features, r.boilerplate)).collect();
    train(&tune, 1.0, 0.003)
}

fn round(v: f64) -> f32 {
    ((v * 1e5).round() / 1e5) as f32
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
// Index loops: the row and column arithmetic reads as the algorithm does.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Vec<[f64; N + 1]>, mut b: [f64; N + 1]) -> [f64; N + 1] {
    let m = N + 1;
    for col in 0..m {
        let pivot = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-12 {
            continue;
        }
        for row in col + 1..m {
            let factor = a[row][col] / d;
            if factor != 0.0 {
                for k in col..m {
                    a[row][k] -= factor * a[col][k];
                }
                b[row] -= factor * b[col];
            }
        }
    }
    let mut x = [0f64; N + 1];
    for row in (0..m).rev() {
        let mut s = b[row];
        for k in row + 1..m {
            s -= a[row][k] * x[k];
        }
        x[row] = if a[row][row].abs() < 1e-12 { 0.0 } else { s / a[row][row] };
    }
    x
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
        let f = features(&blocks);
        assert_eq!(f.len(), 3);
        assert_eq!(f[2][14], 1.0, "starts with a call to action");
        assert_eq!(f[2][9], 1.0, "a handle");
        assert_eq!(f[0][5], 1.0, "ends a sentence");
        assert!(f[0][13] > f[2][13], "prose has more function words");
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
        let m = train(&rows, 1.0, 0.0);
        let mut cta = [0.0f32; N];
        cta[14] = 1.0;
        assert!(m.score(&cta) > 0.9 && m.score(&[0.0; N]) < 0.1);
        assert_eq!(train(&rows, 1.0, 0.0), m, "training is deterministic");
    }
}

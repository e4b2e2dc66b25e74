//! From a rule file's text to its tables, reporting every problem it can
//! rather than the first: a syntax-level parse that recovers from errors,
//! then each table (every `[[rule]]`, `[publisher]`, `[extract]`) read on its
//! own, and inside a table each bad key set aside so the next one is found
//! too. Unknown keys and values get the nearest known one as a suggestion.

use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::schema::RuleFile;

/// One problem, located by byte span.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub span: Range<usize>,
    /// The id of the rule it is in, when known.
    pub rule: Option<String>,
    pub message: String,
}

/// The tables that parsed and every problem found.
///
/// TOML's error recovery cannot know where a broken value was meant to end,
/// so after an unclosed bracket every later line is an error of its own.
/// With syntax errors, the file is therefore cut at its top-level headers
/// (`[[rule]]`, `[publisher]`, …) and each table parsed alone: a table that
/// does not parse gets its first error and is left out (blanked, so offsets
/// stay those of the file), and every other table is read as usual. A table
/// with schema errors is left out after all of them are reported.
pub fn parse(text: &str) -> (RuleFile, Vec<ParseError>) {
    let (root, syntax) = DeTable::parse_recoverable(text);
    if syntax.is_empty() {
        return read_tables(root.into_inner(), Vec::new());
    }
    let sections = sections(text);
    let section_of = |offset: usize| sections.partition_point(|r| r.start <= offset).saturating_sub(1);
    let error_in = |i: usize, span: Range<usize>, message: &str| {
        let section = &sections[i];
        let within = span.start.clamp(section.start, section.end) - section.start;
        let rule = rule_id_around(&text[section.clone()], within);
        ParseError { rule, message: message.trim().to_owned(), span }
    };
    let mut errors = Vec::new();
    let mut broken = vec![false; sections.len()];
    for (i, range) in sections.iter().enumerate() {
        let (_, alone) = DeTable::parse_recoverable(&text[range.clone()]);
        if let Some(first) = alone.first() {
            let span = first.span().map_or(range.start..range.start, |s| s.start + range.start..s.end + range.start);
            errors.push(error_in(i, span, first.message()));
            broken[i] = true;
        }
    }
    // Then the rest as one file: what only the whole file shows (a table or
    // key defined twice) breaks its table too, until the rest parses. One
    // round usually finds all of it; the bound keeps a contrived file linear.
    let mut round = 0;
    loop {
        let mut blanked = String::with_capacity(text.len());
        for (i, range) in sections.iter().enumerate() {
            let part = &text[range.clone()];
            if broken[i] {
                blanked.extend(part.chars().flat_map(|c| {
                    let keep = c == '\n';
                    std::iter::repeat_n(if keep { '\n' } else { ' ' }, if keep { 1 } else { c.len_utf8() })
                }));
            } else {
                blanked.push_str(part);
            }
        }
        let (root, rest) = DeTable::parse_recoverable(&blanked);
        let mut more = false;
        for e in &rest {
            let span = e.span().unwrap_or(0..0);
            let i = section_of(span.start);
            if !broken[i] {
                broken[i] = true;
                more = true;
                errors.push(error_in(i, span, e.message()));
            }
        }
        if !more || round == WHOLE_FILE_ROUNDS {
            return read_tables(root.into_inner(), errors);
        }
        round += 1;
    }
}

/// How many times the unbroken tables are parsed again as one file.
const WHOLE_FILE_ROUNDS: usize = 4;

/// The file cut before each top-level table header (a header without a dot:
/// `[rule.examples]` belongs to the `[[rule]]` above it).
fn sections(text: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let name = t
            .strip_prefix("[[")
            .and_then(|r| r.split("]]").next())
            .or_else(|| t.strip_prefix('[').and_then(|r| r.split(']').next()));
        let top = name
            .map(str::trim)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        if top && offset > 0 {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut ranges: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    ranges.push(starts[starts.len() - 1]..text.len());
    ranges
}

/// Reads every top-level table of a file that parses.
fn read_tables(root: DeTable<'_>, mut errors: Vec<ParseError>) -> (RuleFile, Vec<ParseError>) {
    let mut file = RuleFile::default();
    for (key, value) in root.iter() {
        let name = key.get_ref().as_ref();
        match name {
            "rule" => match value.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        let id = table_id(item);
                        if let Some(rule) = read(item, id.as_deref(), &mut errors) {
                            file.rules.push(rule);
                        }
                    }
                }
                _ => errors.push(ParseError {
                    span: value.span(),
                    rule: None,
                    message: "`rule` is a list of tables: write each rule under its own [[rule]]".into(),
                }),
            },
            "publisher" => {
                file.publisher_written = true;
                file.publisher = read(value, None, &mut errors);
            }
            "extract" => file.extract = read(value, None, &mut errors),
            other => {
                let known = ["rule", "publisher", "extract"];
                let message = match nearest(other, &known) {
                    Some("rule") => format!("unknown table `{other}`: did you mean [[rule]]?"),
                    Some(k) => format!("unknown table `{other}`: did you mean [{k}]?"),
                    None => {
                        format!("unknown key `{other}`: a rule file holds [[rule]] tables, [publisher] and [extract]")
                    }
                };
                errors.push(ParseError { span: key.span(), rule: None, message });
            }
        }
    }
    (file, errors)
}

/// Reads one table as `T`, reporting each problem: after an error, the key it
/// is in is set aside and the table read again, until it reads or no key
/// holds the error. A "missing field" for a key already reported (misspelt,
/// or present with a bad value) is not said twice.
fn read<T: DeserializeOwned>(
    value: &Spanned<DeValue<'_>>,
    rule: Option<&str>,
    errors: &mut Vec<ParseError>,
) -> Option<Spanned<T>> {
    let mut value = value.clone();
    let mut reported: Vec<String> = Vec::new();
    let mut failed = false;
    // Each round removes a key, so this ends; the bound keeps a table of
    // thousands of bad keys from being read thousands of times.
    for round in 0..=count_keys(&value).min(MAX_ERRORS_PER_TABLE) {
        if round == MAX_ERRORS_PER_TABLE {
            let message = format!("more errors in this table are not reported (the first {MAX_ERRORS_PER_TABLE} are)");
            errors.push(ParseError { span: value.span(), rule: rule.map(str::to_owned), message });
            return None;
        }
        let e = match Spanned::<T>::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(t) => return (!failed).then_some(t),
            Err(e) => e,
        };
        failed = true;
        let span = e.span().unwrap_or_else(|| value.span());
        let message = e.message().trim();
        if let Some(missing) = quoted_after(message, "missing field `")
            && reported.iter().any(|r| r == missing)
        {
            return None;
        }
        let (message, suggested) = with_suggestion(message);
        reported.extend(suggested);
        errors.push(ParseError { span: span.clone(), rule: rule.map(str::to_owned), message });
        match remove_key_at(&mut value, span.start) {
            Some(key) => reported.push(key),
            None => return None,
        }
    }
    None
}

/// Errors reported for one table before the rest of it is passed over.
pub const MAX_ERRORS_PER_TABLE: usize = 16;

fn count_keys(value: &Spanned<DeValue<'_>>) -> usize {
    match value.get_ref() {
        DeValue::Table(t) => t.len() + t.values().map(count_keys).sum::<usize>(),
        _ => 0,
    }
}

/// Removes the innermost key whose key or value holds `offset`; its name.
fn remove_key_at(value: &mut Spanned<DeValue<'_>>, offset: usize) -> Option<String> {
    let DeValue::Table(table) = value.get_mut() else { return None };
    let inside = |span: Range<usize>| span.contains(&offset) || span.start == offset;
    let name =
        table.iter().find(|(k, v)| inside(k.span()) || inside(v.span())).map(|(k, _)| k.get_ref().to_string())?;
    if let Some(inner) = table.get_mut(name.as_str())
        && inner.span().start != offset
        && let Some(removed) = remove_key_at(inner, offset)
    {
        return Some(removed);
    }
    table.remove(name.as_str());
    Some(name)
}

/// The `id` of a rule table, read even when the rest of it is wrong.
fn table_id(item: &Spanned<DeValue<'_>>) -> Option<String> {
    match item.get_ref() {
        DeValue::Table(t) => match t.get("id").map(|v| v.get_ref()) {
            Some(DeValue::String(s)) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown
/// variant"), with the nearest expected name offered; the name suggested.
fn with_suggestion(message: &str) -> (String, Option<String>) {
    let Some(kind) = ["unknown field `", "unknown variant `"].into_iter().find(|k| message.starts_with(k)) else {
        return (message.to_owned(), None);
    };
    let Some(wrong) = quoted_after(message, kind) else { return (message.to_owned(), None) };
    let rest = &message[kind.len() + wrong.len() + 1..];
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match nearest(wrong, &expected) {
        Some(best) => {
            let list = rest.trim_start_matches(',').trim();
            let kind = if kind.starts_with("unknown variant") { "unknown value `" } else { kind };
            (format!("{kind}{wrong}`, did you mean `{best}`? ({list})"), Some(best.to_owned()))
        }
        None => (message.to_owned(), None),
    }
}

/// The text between `prefix` and the next backtick.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// The known name a misspelling most likely meant: within a third of the
/// longer name's length in edits (a swap of two letters is one edit: `categroy`), else one
/// that starts the other (`advertising` → `ad`).
pub fn nearest<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    let wrong = wrong.to_lowercase();
    let by_edits = known
        .iter()
        .map(|k| (strsim::osa_distance(&wrong, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d > 0 && d * 3 <= wrong.chars().count().max(k.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k);
    by_edits.or_else(|| {
        known.iter().copied().find(|k| {
            let k = k.to_lowercase();
            k.len() >= 2 && wrong.len() >= 2 && (wrong.starts_with(&k) || k.starts_with(&wrong))
        })
    })
}

/// Best effort for syntax errors: the id of the `[[rule]]` table around `offset`.
fn rule_id_around(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind("[[rule]]")?;
    let body = &text[start + 8..];
    let end = body.find("\n[").unwrap_or(body.len());
    body[..end].lines().find_map(|line| {
        let rest = line.trim().strip_prefix("id")?.trim_start().strip_prefix('=')?.trim();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = &rest[1..];
        Some(inner[..inner.find(quote)?].to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        parse(text).1.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn suggestions_for_misspelt_keys_and_values() {
        assert_eq!(nearest("categroy", &["id", "category", "description"]), Some("category"));
        assert_eq!(nearest("startswith", &["equals", "starts_with", "ends_with"]), Some("starts_with"));
        assert_eq!(nearest("Selektor", &["selector", "shortcode"]), Some("selector"));
        assert_eq!(nearest("advertising", &["poll", "ad", "other"]), Some("ad"));
        assert_eq!(nearest("zzz", &["poll", "ad", "other"]), None);
        let (m, s) = with_suggestion("unknown field `categroy`, expected one of `id`, `category`");
        assert_eq!(m, "unknown field `categroy`, did you mean `category`? (expected one of `id`, `category`)");
        assert_eq!(s.as_deref(), Some("category"));
        let (m, _) = with_suggestion("unknown field `x`, expected `a` or `b`");
        assert_eq!(m, "unknown field `x`, expected `a` or `b`");
    }

    /// The format serde's derive writes, which the suggestions read: if it
    /// changes, this fails rather than the suggestions quietly vanishing.
    #[test]
    fn serde_messages_are_read_as_expected() {
        let m = messages("[[rule]]\nid = \"a\"\ncategroy = \"ad\"\nblock = { equals = \"x\" }\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].starts_with("unknown field `categroy`, did you mean `category`? (expected one of `id`,"), "{m:?}");
    }

    #[test]
    fn every_table_and_every_key_is_reported() {
        let text = "[[rule]]\nid = \"a\"\ncategroy = \"ad\"\nblock = { equals = \"x\" }\n\n\
                    [[rule]]\nid = \"b\"\ncategory = \"advertising\"\nblock = { startswith = \"x\", max_char = 3 }\n\n\
                    [[rule]]\nid = \"c\"\ncategory = \"ad\"\nblock = { equals = \"fine\" }\n\n\
                    [[rule]]\nid = \"d\"\ncategory = \"ad\"\nblock = { max_chars = \"many\" }\nexampels = {}\n";
        let (file, errors) = parse(text);
        assert_eq!(file.rules.len(), 1, "only `c` reads");
        let got: Vec<(Option<&str>, &str)> = errors.iter().map(|e| (e.rule.as_deref(), e.message.as_str())).collect();
        let has = |rule: &str, needle: &str| got.iter().any(|(r, m)| *r == Some(rule) && m.contains(needle));
        assert!(has("a", "did you mean `category`"), "{got:#?}");
        assert!(!got.iter().any(|(_, m)| m.contains("missing field `category`")), "not said twice: {got:#?}");
        assert!(has("b", "`advertising`, did you mean `ad`"), "{got:#?}");
        assert!(has("b", "`startswith`, did you mean `starts_with`"), "{got:#?}");
        assert!(has("b", "`max_char`, did you mean `max_chars`"), "{got:#?}");
        assert!(has("d", "invalid type: string \"many\""), "{got:#?}");
        assert!(has("d", "`exampels`, did you mean `examples`"), "{got:#?}");
        assert_eq!(errors.len(), 6, "{got:#?}");
    }

    #[test]
    fn syntax_errors_are_all_reported_and_their_tables_left_out() {
        let text = "[[rule]]\nid = \"a\ncategory = \"ad\"\nblock = { equals = \"x\" }\n\n\
                    [[rule]]\nid = \"b\"\ncategory = \"ad\"\nblock = { equals = \"y\" }\n\n\
                    [[rule]]\nid = \"c\"\ncategory = = \"ad\"\n\n\
                    [[rule]]\nid = \"d\"\ncategroy = \"ad\"\nblock = { equals = \"z\" }\n";
        let (file, errors) = parse(text);
        let ids: Vec<&str> = file.rules.iter().map(|r| r.get_ref().id.get_ref().as_str()).collect();
        assert_eq!(ids, ["b"]);
        let at = |offset: usize| text[..offset].matches('\n').count() + 1;
        let lines: Vec<usize> = errors.iter().map(|e| at(e.span.start)).collect();
        assert!(lines.contains(&2), "the unclosed string: {errors:#?}");
        assert!(lines.contains(&13), "the doubled `=`: {errors:#?}");
        assert!(
            errors.iter().any(|e| e.message.contains("did you mean `category`")),
            "after syntax errors, schema errors too: {errors:#?}"
        );
    }

    #[test]
    fn unknown_tables_and_a_rule_that_is_not_a_list() {
        let m = messages("[[rules]]\nid = \"a\"\n");
        assert_eq!(m, ["unknown table `rules`: did you mean [[rule]]?"]);
        let m = messages("[publsher]\nname = \"x\"\n");
        assert_eq!(m, ["unknown table `publsher`: did you mean [publisher]?"]);
        let m = messages("[rule]\nid = \"a\"\n");
        assert!(m[0].contains("[[rule]]"), "{m:?}");
    }

    /// Every table broken: one error each (not the cascade a recovering parser
    /// gives after an unclosed string), each with its rule.
    #[test]
    fn many_broken_tables_are_each_reported_once() {
        let n = 5_000;
        let text: String = (0..n)
            .map(|i| format!("[[rule]]\nid = \"r{i}\"\ncategory = \"ad\nblock = {{ equals = \"x\" }}\n"))
            .collect();
        let (file, errors) = parse(&text);
        assert!(file.rules.is_empty());
        assert_eq!(errors.len(), n);
        assert_eq!(errors[n - 1].rule.as_deref(), Some(format!("r{}", n - 1).as_str()));
    }

    /// A table with thousands of unknown keys is reported up to the limit, and says so.
    #[test]
    fn errors_per_table_are_bounded() {
        let mut text = String::from("[[rule]]\nid = \"a\"\ncategory = \"ad\"\n");
        for i in 0..5000 {
            text.push_str(&format!("k{i} = 1\n"));
        }
        let (_, errors) = parse(&text);
        assert_eq!(errors.len(), MAX_ERRORS_PER_TABLE + 1);
        assert!(errors[MAX_ERRORS_PER_TABLE].message.contains("not reported"));
    }

    /// Damaged copies of the shipped default.toml: never a panic, every error inside the file.
    #[test]
    fn damaged_rule_files_never_panic() {
        let original = include_str!("../../rules/default.toml");
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % bound.max(1)
        };
        for _ in 0..60 {
            let mut chars: Vec<char> = original.chars().collect();
            for _ in 0..1 + next(6) {
                let at = next(chars.len());
                match next(3) {
                    // An earlier truncation may have left nothing to remove.
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    0 => {}
                    1 => chars.insert(at, ['"', '[', ']', '{', '}', '=', '\n', '`', 'é'][next(9)]),
                    _ => chars.truncate(at),
                }
            }
            let text: String = chars.into_iter().collect();
            let (_, errors) = parse(&text);
            assert!(errors.iter().all(|e| e.span.start <= text.len()), "{errors:?}");
        }
    }
}

//! FiveFilters' site configs (`ftr-site-config`, public domain) as declutter
//! publisher files.
//!
//! A site config is a text file of `directive: value` lines named after the
//! host it serves (`example.com.txt`). What declutter can do the same way is
//! converted: `body` (the article container, in order: the first that matches
//! wins, as FiveFilters tries them) to the publisher's `content` selectors;
//! `strip`, `strip_id_or_class` and `strip_image_src` to selector rules;
//! `title`, `author` and `date` to the publisher's metadata readings (an
//! XPath ending in `/@content` reads that attribute: `"meta[…] @content"`;
//! `substring-after`/`-before` by a string, `/text()` and a string literal
//! become a reading table, see [`xpath::translate_value`]);
//! `find_string`/`replace_string` to the publisher's `rewrite`s, paired by
//! position and applied to the markup before it is parsed, as FiveFilters
//! applies them. `test_url` and `test_contains` are kept as comments.
//! Directives about fetching, paging, logging in or tidying markup do not
//! apply to cleaning a page already fetched and are counted as such.
//! Everything else — an XPath CSS cannot say, a condition, a restructuring —
//! is listed with its line, never dropped silently.

use super::xpath;

/// What one site config became.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// The publisher file's text (`None` when nothing could be converted).
    pub toml: Option<String>,
    /// Where the publisher file goes in a rules folder
    /// (`publishers/ftr-example-com.toml`); empty for a file not named after a host.
    pub path: String,
    /// Directive lines read (comments and blank lines not counted).
    pub directives: usize,
    /// Lines that became a `content` selector or a rule.
    pub converted: usize,
    /// Lines kept as comments (`test_url`, `test_contains`).
    pub kept_as_comments: usize,
    /// Lines that do not apply to cleaning a fetched page.
    pub not_applicable: Vec<Line>,
    /// Lines with no declutter form, and why.
    pub untranslated: Vec<Line>,
}

impl Converted {
    /// Nothing was left untranslated.
    pub fn complete(&self) -> bool {
        self.untranslated.is_empty()
    }
}

/// One directive line that was not converted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub line: usize,
    pub directive: String,
    pub value: String,
    pub reason: String,
}

/// Directives that concern fetching, paging, logging in, the markup parser or
/// how FiveFilters formats its output: nothing a cleaner of fetched pages does.
const NOT_APPLICABLE: &[&str] = &[
    "prune",
    "tidy",
    "parser",
    "http_header",
    "next_page_link",
    "single_page_link",
    "single_page_link_in_feed",
    "autodetect_next_page",
    "autodetect_on_failure",
    "requires_login",
    "login_uri",
    "login_username_field",
    "login_password_field",
    "login_extra_fields",
    "not_logged_in_xpath",
    "skip_json_ld",
    "insert_detected_image",
    "convert_double_br_tags",
    "src_lazy_load_attr",
    "strip_attr",
    "post_strip_attr",
    "strip_comments",
    "dissolve",
    "footnotes",
    "native_ad_clue",
];

/// The host a site config's file name serves and whether it is for its
/// subdomains only: `example.com.txt` → (`example.com`, false),
/// `.example.com.txt` → (`example.com`, true). `None` for a name that is
/// not a host.
pub fn domain_of(file_name: &str) -> Option<(String, bool)> {
    let stem = file_name.strip_suffix(".txt")?;
    let subdomains = stem.starts_with('.');
    let domain = stem.trim_start_matches('.').to_ascii_lowercase();
    crate::rules::valid_domain(&domain).then_some((domain, subdomains))
}

/// The publisher file stem for a site config: `ftr-example-com`, and
/// `ftr-any-example-com` for `.example.com.txt`.
pub fn file_stem(domain: &str, subdomains: bool) -> String {
    format!("ftr-{}{}", if subdomains { "any-" } else { "" }, domain.replace('.', "-"))
}

/// The `domains` of the publisher file, as FiveFilters names them:
/// `example.com.txt` serves example.com and www.example.com (the latter
/// unless a `www.example.com.txt` of its own exists: `www_file`), while
/// `.example.com.txt` serves the subdomains only (`*.example.com`). In
/// declutter a domain also covers its subdomains, and the longest match wins,
/// so a subdomain goes to `*.example.com` where that file exists.
pub fn domains(domain: &str, subdomains: bool, www_file: bool) -> Vec<String> {
    if subdomains {
        return vec![format!("*.{domain}")];
    }
    let mut out = vec![domain.to_owned()];
    if !domain.starts_with("www.") && !www_file {
        out.push(format!("www.{domain}"));
    }
    out
}

/// `value` as a TOML basic string: serde_json writes one TOML reads the same
/// (`"`, `\` and control characters escaped, `\uXXXX` for the rare ones),
/// but for DEL, which JSON allows raw and TOML does not.
fn toml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into()).replace('\u{7f}', "\\u007F")
}

/// Converts one site config (`file_name` as it is named, for the domain and
/// the header; `www_file`: a `www.` file of the same domain exists beside it).
pub fn convert(file_name: &str, text: &str, www_file: bool) -> Converted {
    let Some((domain, subdomains)) = domain_of(file_name) else {
        return Converted {
            untranslated: vec![Line {
                line: 0,
                directive: String::new(),
                value: file_name.to_owned(),
                reason: "the file name is not a host name (example.com.txt)".into(),
            }],
            ..Converted::default()
        };
    };
    let mut out =
        Converted { path: format!("publishers/{}.toml", file_stem(&domain, subdomains)), ..Converted::default() };
    let mut content: Vec<String> = Vec::new();
    let mut rules: Vec<(usize, String, String)> = Vec::new(); // (line, directive value, selector)
    let mut comments: Vec<String> = Vec::new();
    let mut metadata = Metadata::default();
    // FiveFilters keeps every find string and every replace string in two
    // lists, in file order (`replace_string(find): replace` adds to both),
    // and pairs them by position.
    let mut finds: Vec<(Line, String)> = Vec::new();
    let mut replaces: Vec<(Line, String)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            out.directives += 1;
            out.untranslated.push(Line {
                line,
                directive: String::new(),
                value: trimmed.to_owned(),
                reason: "not a `directive: value` line".into(),
            });
            continue;
        };
        out.directives += 1;
        let (key, value) = (key.trim(), value.trim());
        // `replace_string(find): replace` carries its find string in the key.
        // FiveFilters ends the key at the first `:`, so a find string with a
        // `:` in it leaves a key with no closing `)`, which it ignores.
        let (name, argument) = match key.split_once('(') {
            Some((k, rest)) => (k.trim(), Some(rest.strip_suffix(')'))),
            None => (key, None),
        };
        let shown = match argument {
            Some(Some(find)) => format!("({find}): {value}"),
            Some(None) => format!("({}: {value}", key.split_once('(').map_or("", |(_, r)| r)),
            None => value.to_owned(),
        };
        let miss = |reason: String| Line { line, directive: name.to_owned(), value: shown.clone(), reason };
        if argument == Some(None) {
            out.untranslated.push(miss(
                "a `:` inside the find string ends the directive's name, so FiveFilters does not read this line either"
                    .into(),
            ));
            continue;
        }
        match name {
            "body" | "strip" => match xpath::translate(value) {
                Ok(t) if t.attribute.is_none() => {
                    out.converted += 1;
                    if name == "body" {
                        content.push(t.css);
                    } else {
                        rules.push((line, value.to_owned(), t.css));
                    }
                }
                Ok(_) => out.untranslated.push(miss("the XPath selects an attribute, not elements".into())),
                Err(e) => out.untranslated.push(miss(format!("XPath with no CSS form: {e}"))),
            },
            "strip_id_or_class" | "strip_image_src" => {
                let v = value.trim_matches(|c| c == '\'' || c == '"');
                if v.is_empty() {
                    out.untranslated.push(miss("an empty value".into()));
                } else {
                    out.converted += 1;
                    let v = xpath::css_string(v);
                    let css = if name == "strip_image_src" {
                        format!("img[src*=\"{v}\"]")
                    } else {
                        format!("[id*=\"{v}\"], [class*=\"{v}\"]")
                    };
                    rules.push((line, value.to_owned(), css));
                }
            }
            "test_url" | "test_contains" => {
                out.kept_as_comments += 1;
                comments.push(format!("{name}: {value}"));
            }
            "title" | "author" | "date" => match xpath::translate_value(value) {
                Ok(v) => {
                    out.converted += 1;
                    metadata.list(name).push(reading(&v));
                }
                Err(e) => out.untranslated.push(miss(format!("XPath with no CSS form: {e}"))),
            },
            "find_string" => finds.push((miss(String::new()), value.to_owned())),
            "replace_string" => {
                if let Some(Some(find)) = argument {
                    finds.push((miss(String::new()), find.to_owned()));
                }
                replaces.push((miss(String::new()), value.to_owned()));
            }
            n if NOT_APPLICABLE.contains(&n) => out
                .not_applicable
                .push(miss("fetching, paging, login or markup tidying: not part of cleaning a fetched page".into())),
            "if_page_contains" => {
                out.untranslated.push(miss("a condition on the page's text for the next directive".into()))
            }
            "wrap_in" | "move_into" => {
                out.untranslated.push(miss("moves or wraps elements; declutter does not restructure pages".into()))
            }
            other => out.untranslated.push(miss(format!("unknown directive `{other}`"))),
        }
    }
    let rewrites = pair_rewrites(finds, replaces, &mut out);
    if content.is_empty() && rules.is_empty() && metadata.is_empty() && rewrites.is_empty() {
        return out;
    }
    out.untranslated.sort_by_key(|l| l.line);
    let site = Site { file_name, domain: &domain, subdomains, www_file };
    let parts = Parts { content: &content, rules: &rules, metadata: &metadata, rewrites: &rewrites };
    out.toml = Some(render(&site, &parts, &comments, &out.untranslated));
    out
}

/// A metadata reading as a TOML value: the `"selector @attribute"` string
/// where that says it all, else an inline table.
fn reading(v: &xpath::ValueTranslation) -> String {
    let plain = !v.own_text && v.after.is_none() && v.before.is_none();
    match &v.css {
        Some(css) if plain => match &v.attribute {
            Some(a) => toml_string(&format!("{css} @{a}")),
            None => toml_string(css),
        },
        _ => {
            let table = crate::rules::schema::MetaTable {
                selector: v.css.clone(),
                attribute: v.attribute.clone(),
                own_text: v.own_text,
                after: v.after.clone(),
                before: v.before.clone(),
                text: v.text.clone(),
            };
            table.to_inline_toml(toml_string)
        }
    }
}

/// The metadata readings of a site config, as TOML values.
#[derive(Default)]
struct Metadata {
    title: Vec<String>,
    author: Vec<String>,
    date: Vec<String>,
}

impl Metadata {
    fn list(&mut self, name: &str) -> &mut Vec<String> {
        match name {
            "title" => &mut self.title,
            "author" => &mut self.author,
            _ => &mut self.date,
        }
    }

    fn is_empty(&self) -> bool {
        self.title.is_empty() && self.author.is_empty() && self.date.is_empty()
    }
}

/// The find and replace strings paired by position, as FiveFilters pairs
/// them; when the two lists differ in length FiveFilters applies none of
/// them, so none is converted and every line is listed.
fn pair_rewrites(
    finds: Vec<(Line, String)>,
    replaces: Vec<(Line, String)>,
    out: &mut Converted,
) -> Vec<(String, String)> {
    if finds.len() != replaces.len() {
        let reason = format!(
            "{} find strings and {} replace strings do not pair up, so FiveFilters applies none of them",
            finds.len(),
            replaces.len()
        );
        let mut lines: Vec<Line> = finds.into_iter().chain(replaces).map(|(l, _)| l).collect();
        lines.sort_by_key(|l| l.line);
        lines.dedup_by_key(|l| l.line);
        out.untranslated.extend(lines.into_iter().map(|l| Line { reason: reason.clone(), ..l }));
        return Vec::new();
    }
    let mut pairs = Vec::new();
    let mut lines = std::collections::BTreeSet::new();
    for ((find_line, find), (replace_line, replace)) in finds.into_iter().zip(replaces) {
        if find.is_empty() {
            for l in [find_line, replace_line] {
                if !out.untranslated.iter().any(|u| u.line == l.line) {
                    out.untranslated.push(Line { reason: "an empty find string".into(), ..l });
                }
            }
        } else {
            lines.insert(find_line.line);
            lines.insert(replace_line.line);
            pairs.push((find, replace));
        }
    }
    out.converted += lines.len();
    pairs
}

/// `text` as a TOML comment may hold it: control characters (which a site
/// config's markup strings can carry) written as escapes.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

struct Site<'a> {
    file_name: &'a str,
    domain: &'a str,
    subdomains: bool,
    www_file: bool,
}

/// What a site config converts to.
struct Parts<'a> {
    content: &'a [String],
    rules: &'a [(usize, String, String)],
    metadata: &'a Metadata,
    rewrites: &'a [(String, String)],
}

fn render(site: &Site<'_>, parts: &Parts<'_>, comments: &[String], untranslated: &[Line]) -> String {
    let Site { file_name, domain, subdomains, www_file } = *site;
    let Parts { content, rules, metadata, rewrites } = *parts;
    let mut t = String::new();
    t.push_str(&format!(
        "# Imported from FiveFilters' ftr-site-config, {file_name} (public domain,\n\
         # https://github.com/fivefilters/ftr-site-config), by `declutter rules import ftr`.\n"
    ));
    for c in comments {
        t.push_str(&format!("# {}\n", printable(c)));
    }
    for u in untranslated {
        let line = format!("not converted, line {}: {}: {} ({})", u.line, u.directive, u.value, u.reason);
        t.push_str(&format!("# {}\n", printable(&line)));
    }
    t.push_str("\n[publisher]\n");
    let name = if subdomains { format!("*.{domain} (FiveFilters)") } else { format!("{domain} (FiveFilters)") };
    t.push_str(&format!("name = {}\n", toml_string(&name)));
    let list: Vec<String> = domains(domain, subdomains, www_file).iter().map(|d| toml_string(d)).collect();
    t.push_str(&format!("domains = [{}]\n", list.join(", ")));
    if !content.is_empty() {
        let list: Vec<String> = content.iter().map(|c| toml_string(c)).collect();
        t.push_str(&format!("content = [{}]\n", list.join(", ")));
    }
    for (key, list) in [("title", &metadata.title), ("author", &metadata.author), ("date", &metadata.date)] {
        if !list.is_empty() {
            t.push_str(&format!("{key} = [{}]\n", list.join(", ")));
        }
    }
    for (find, replace) in rewrites {
        t.push_str("\n[[publisher.rewrite]]\n");
        t.push_str(&format!("find = {}\nreplace = {}\n", toml_string(find), toml_string(replace)));
    }
    let stem = file_stem(domain, subdomains);
    for (line, value, css) in rules {
        t.push_str("\n[[rule]]\n");
        t.push_str(&format!("id = {}\n", toml_string(&format!("{stem}-{line}"))));
        t.push_str("category = \"other\"\n");
        t.push_str(&format!("description = {}\n", toml_string(&format!("{file_name} line {line}: {value}"))));
        t.push_str(&format!("selector = {}\n", toml_string(css)));
    }
    t
}

/// What a folder (or one file) of site configs became.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// Site config files read.
    pub files: usize,
    /// `.txt` files whose name is not a host (`LICENSE.txt`, FiveFilters'
    /// `global.txt`, which applies to every site): not site configs, not read.
    pub skipped: Vec<String>,
    /// Files converted with nothing left untranslated.
    pub complete: usize,
    /// Files that gave a publisher file.
    pub written: usize,
    /// Directive lines read, converted, kept as comments, not applicable.
    pub directives: usize,
    pub converted: usize,
    pub kept_as_comments: usize,
    pub not_applicable: usize,
    /// Every line left untranslated, with its file.
    pub untranslated: Vec<FileLine>,
}

/// An untranslated line and the file it is in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileLine {
    pub file: String,
    #[serde(flatten)]
    pub line: Line,
}

impl Report {
    /// The most common `directive: reason` of the lines left untranslated,
    /// with their counts, most common first.
    pub fn common_reasons(&self, n: usize) -> Vec<(String, usize)> {
        let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for u in &self.untranslated {
            *counts.entry(format!("{}: {}", u.line.directive, u.line.reason)).or_default() += 1;
        }
        let mut out: Vec<(String, usize)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.truncate(n);
        out
    }

    fn add(&mut self, file: &str, c: &Converted) {
        self.files += 1;
        self.complete += usize::from(c.complete());
        self.written += usize::from(c.toml.is_some());
        self.directives += c.directives;
        self.converted += c.converted;
        self.kept_as_comments += c.kept_as_comments;
        self.not_applicable += c.not_applicable.len();
        self.untranslated.extend(c.untranslated.iter().map(|l| FileLine { file: file.to_owned(), line: l.clone() }));
    }
}

/// Converts site configs given by name and text (a folder's `*.txt`, sorted
/// by name), each to `publishers/<stem>.toml`: the publisher files to write,
/// by relative path, and the report.
pub fn convert_all(files: &[(String, String)]) -> (Vec<(String, String)>, Report) {
    let names: std::collections::HashSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut report = Report::default();
    let mut out = Vec::new();
    for (name, text) in files {
        if domain_of(name).is_none() {
            report.skipped.push(name.clone());
            continue;
        }
        let www_file = names.contains(format!("www.{name}").as_str());
        let c = convert(name, text, www_file);
        report.add(name, &c);
        if let Some(toml) = c.toml {
            out.push((c.path, toml));
        }
    }
    (out, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NYT: &str = "# a comment\n\
        title: //h1[@class=\"articleHeadline\"]\n\
        body: //section[@name=\"articleBody\"] | //p[@id=\"article-summary\"]\n\
        body: //article[1]\n\
        strip: //*[@data-scp=\"removed\"]\n\
        strip_id_or_class:articleTools\n\
        strip: //a[contains(@href, 'x')]/ancestor::section[1]\n\
        strip_image_src: /ads/\n\
        prune: no\n\
        find_string: <br /><br />\n\
        replace_string: </p><p>\n\
        test_url: https://www.nytimes.com/2017/01/01/x.html\n";

    #[test]
    fn a_site_config_becomes_a_publisher_file() {
        let c = convert("nytimes.com.txt", NYT, false);
        assert_eq!(c.path, "publishers/ftr-nytimes-com.toml");
        assert_eq!(c.directives, 11);
        assert_eq!(c.converted, 8);
        assert_eq!(c.kept_as_comments, 1);
        assert_eq!(c.not_applicable.len(), 1);
        let lines: Vec<(usize, &str)> = c.untranslated.iter().map(|u| (u.line, u.directive.as_str())).collect();
        assert_eq!(lines, [(7, "strip")]);
        assert!(!c.complete());
        let toml = c.toml.unwrap();
        assert!(toml.contains(r#"title = ["h1[class=\"articleHeadline\"]"]"#), "{toml}");
        assert!(toml.contains("[[publisher.rewrite]]\nfind = \"<br /><br />\"\nreplace = \"</p><p>\"\n"), "{toml}");
        assert!(
            toml.contains(
                r#"content = ["section[name=\"articleBody\"], p[id=\"article-summary\"]", "article:nth-of-type(1)"]"#
            ),
            "{toml}"
        );
        assert!(toml.contains(r#"selector = "[id*=\"articleTools\"], [class*=\"articleTools\"]""#), "{toml}");
        assert!(toml.contains(r#"selector = "img[src*=\"/ads/\"]""#), "{toml}");
        assert!(toml.contains("# test_url: https://www.nytimes.com/2017/01/01/x.html"));
        assert!(toml.contains("# not converted, line 7: strip:"));
        assert!(toml.contains("public domain"));
        let set = crate::RuleSet::from_layers(vec![
            crate::Layer::builtin(),
            crate::Layer::new(
                "import",
                vec![crate::RuleSource::new(format!("publishers/{}.toml", file_stem("nytimes.com", false)), toml)],
            ),
        ])
        .unwrap();
        assert!(set.publisher_for_url("https://www.nytimes.com/2017/x.html").is_some());
    }

    #[test]
    fn metadata_functions_become_reading_tables() {
        let config = "title: substring-before(//meta[@property='og:title']/@content, ' | Example')\n\
            author: substring-after(//p[@class='byline'], 'By ')\n\
            author: string('The Example Desk')\n\
            date: //span[@class='date']/text()\n\
            date: concat(//div[@class='month'], ' ', //div[@class='day'])\n";
        let c = convert("example.com.txt", config, false);
        assert_eq!((c.directives, c.converted), (5, 4));
        assert_eq!(c.untranslated.iter().map(|u| u.line).collect::<Vec<_>>(), [5]);
        let toml = c.toml.unwrap();
        let want = [
            r#"title = [{ selector = "meta[property=\"og:title\"]", attribute = "content", before = " | Example" }]"#,
            r#"author = [{ selector = "p[class=\"byline\"]", after = "By " }, { text = "The Example Desk" }]"#,
            r#"date = [{ selector = "span[class=\"date\"]", own_text = true }]"#,
        ];
        for line in want {
            assert!(toml.contains(line), "{line}\n{toml}");
        }
        let set = crate::RuleSet::from_layers(vec![
            crate::Layer::builtin(),
            crate::Layer::new("import", vec![crate::RuleSource::new("publishers/ftr-example-com.toml", toml)]),
        ]);
        assert!(set.is_ok(), "{:?}", set.err());
    }

    #[test]
    fn file_names_say_the_domain() {
        assert_eq!(domain_of("example.com.txt"), Some(("example.com".into(), false)));
        assert_eq!(domain_of(".example.com.txt"), Some(("example.com".into(), true)));
        assert_eq!(domain_of("Sport.Example.com.txt"), Some(("sport.example.com".into(), false)));
        assert_eq!(domain_of("README.md"), None);
        assert_eq!(domain_of("localhost.txt"), None);
        assert_eq!(domain_of("a b.com.txt"), None);
        assert_eq!(file_stem("news.example.com", false), "ftr-news-example-com");
        assert_eq!(file_stem("example.com", true), "ftr-any-example-com");
        assert_eq!(domains("example.com", false, false), ["example.com", "www.example.com"]);
        assert_eq!(domains("example.com", false, true), ["example.com"]);
        assert_eq!(domains("example.com", true, false), ["*.example.com"]);
        let c = convert("notes.txt", "body: //article", false);
        assert!(c.toml.is_none() && c.untranslated.len() == 1);
    }

    #[test]
    fn a_bare_domain_a_www_host_and_the_subdomains_each_get_their_file() {
        let bare = convert("example.com.txt", "strip: //aside", false).toml.unwrap();
        let any = convert(".example.com.txt", "strip: //nav", false).toml.unwrap();
        let set = crate::RuleSet::from_layers(vec![
            crate::Layer::builtin(),
            crate::Layer::new(
                "import",
                vec![
                    crate::RuleSource::new("publishers/ftr-example-com.toml", bare),
                    crate::RuleSource::new("publishers/ftr-any-example-com.toml", any),
                ],
            ),
        ])
        .unwrap();
        let name = |url: &str| set.publisher_for_url(url).map(|p| set.publishers()[p].key.clone());
        assert_eq!(name("https://example.com/a").as_deref(), Some("ftr-example-com"));
        assert_eq!(name("https://www.example.com/a").as_deref(), Some("ftr-example-com"));
        assert_eq!(name("https://news.example.com/a").as_deref(), Some("ftr-any-example-com"));
        assert_eq!(name("https://example.org/a"), None);
    }

    #[test]
    fn control_characters_stay_out_of_comments() {
        let c = convert(
            "x.org.txt",
            "replace_string(<p>\u{1}): </p>\ntest_url: http://x.org/\u{7f}\nstrip: //aside\n",
            false,
        );
        let toml = c.toml.unwrap();
        assert!(toml.contains("find = \"<p>\\u0001\"") && toml.contains("\\u{7f}"), "{toml}");
        let set = crate::RuleSet::from_layers(vec![
            crate::Layer::builtin(),
            crate::Layer::new("import", vec![crate::RuleSource::new("publishers/ftr-x-org.toml", toml)]),
        ]);
        assert!(set.is_ok(), "{:?}", set.err());
    }

    #[test]
    fn find_and_replace_strings_pair_by_position() {
        let text = "find_string: <b>\nreplace_string(<i>): <em>\nfind_string: </b>\nreplace_string: <strong>\n\
            replace_string: </strong>\nreplace_string(<a href=\"http://x\">): y\nauthor: //meta[@name='byl']/@content\n\
            date: //span[@class='d']/text()[2]\n";
        let c = convert("x.org.txt", text, false);
        // Finds in file order: <b>, <i>, </b>; replaces: <em>, <strong>, </strong>.
        let toml = c.toml.unwrap();
        let pairs: Vec<(String, String)> = {
            let v: toml::Value = toml::from_str(&toml).unwrap();
            v["publisher"]["rewrite"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["find"].as_str().unwrap().into(), r["replace"].as_str().unwrap().into()))
                .collect()
        };
        let want = [("<b>", "<em>"), ("<i>", "<strong>"), ("</b>", "</strong>")];
        assert_eq!(pairs, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
        assert!(toml.contains(r#"author = ["meta[name=\"byl\"] @content"]"#), "{toml}");
        let lines: Vec<usize> = c.untranslated.iter().map(|u| u.line).collect();
        assert_eq!(lines, [6, 8], "{:?}", c.untranslated);
        assert_eq!(c.converted, 6);

        let odd = convert("x.org.txt", "find_string: a\nfind_string: b\nreplace_string: c\nstrip: //aside\n", false);
        assert_eq!(odd.untranslated.iter().map(|u| u.line).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(odd.untranslated[0].reason.contains("2 find strings and 1 replace strings"));
        assert!(!odd.toml.unwrap().contains("rewrite"));
    }

    #[test]
    fn odd_values_stay_strings() {
        let c = convert("x.org.txt", "strip_id_or_class: a\"b\\c\nstrip: //div[@title='é \"q\"']\n", false);
        let toml = c.toml.unwrap();
        let set = crate::RuleSet::from_layers(vec![
            crate::Layer::builtin(),
            crate::Layer::new("import", vec![crate::RuleSource::new("publishers/ftr-x-org.toml", toml)]),
        ]);
        assert!(set.is_ok(), "{:?}", set.err());
    }
}

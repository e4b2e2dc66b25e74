//! XPath 1.0 → CSS, for the part of XPath that CSS can say exactly.
//!
//! Other projects' rules (FiveFilters' site configs) name elements by XPath;
//! declutter's selector rules are CSS. Most of those XPaths are a path of
//! steps with attribute tests: `//div[@class='x']`, `//div[contains(@class,
//! 'x')]`, the token test `contains(concat(' ', normalize-space(@class), ' '),
//! ' x ')`, `@id`, children and descendants, a first child `[1]`. Each of these
//! has a CSS form that selects the same elements ([`translate`]). What has none
//! (ancestor axes, positions after a filter, text tests, functions of the
//! document) is refused with the reason, never approximated: an importer
//! lists it, so no rule silently selects more or less than its author meant.
//! Metadata expressions (a site's title, author, date) may also cut the value
//! they read by a string, read an element's own text or be a fixed string
//! ([`translate_value`]): a publisher's reading tables say the same.

use std::fmt;

/// A translated expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The elements, as a CSS selector list.
    pub css: String,
    /// The attribute the expression ends on (`//meta[@name='x']/@content`):
    /// its value is what is meant, not the element's text.
    pub attribute: Option<String>,
}

/// Why an expression has no CSS form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable(pub String);

impl fmt::Display for Untranslatable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

type Result<T> = std::result::Result<T, Untranslatable>;

fn refuse<T>(why: impl Into<String>) -> Result<T> {
    Err(Untranslatable(why.into()))
}

/// Translates `xpath`, or says why it cannot be.
///
/// ```
/// use declutter::import::xpath::translate;
///
/// assert_eq!(translate("//div[@class='entry']").unwrap().css, r#"div[class="entry"]"#);
/// assert_eq!(
///     translate("//div[contains(concat(' ',normalize-space(@class),' '),' share ')]//a").unwrap().css,
///     r#"div[class~="share"] a"#
/// );
/// assert!(translate("//a[contains(@href, 'x')]/ancestor::section[1]").is_err());
/// ```
pub fn translate(xpath: &str) -> Result<Translation> {
    let tokens = tokenize(xpath)?;
    let mut p = Parser { tokens: &tokens, at: 0, depth: 0, values: false };
    let t = p.union()?;
    if let Some(t) = p.peek() {
        return refuse(format!("unexpected {t} after the path"));
    }
    Ok(t)
}

/// A metadata value (`title:`, `author:`, `date:`) as a declutter reading:
/// what to read, and the cuts of `substring-after`/`substring-before`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueTranslation {
    /// The elements whose value is read; `None` for a fixed [`Self::text`].
    pub css: Option<String>,
    pub attribute: Option<String>,
    /// `…/text()`: the element's own text, not its children's.
    pub own_text: bool,
    pub text: Option<String>,
    /// Applied in this order: what follows `after`, then what precedes `before`.
    pub after: Option<String>,
    pub before: Option<String>,
}

/// Translates a metadata expression: a path as [`translate`] reads it, or
/// `string()`, `normalize-space()`, `substring-after(…, 'lit')`,
/// `substring-before(…, 'lit')` of one (cut after, then before), `(path)[1]`,
/// `path/text()`, or a string literal.
///
/// ```
/// use declutter::import::xpath::translate_value;
///
/// let v = translate_value("substring-before(substring-after(//p[@class='by'], 'By '), ' |')").unwrap();
/// assert_eq!(v.css.as_deref(), Some(r#"p[class="by"]"#));
/// assert_eq!((v.after.as_deref(), v.before.as_deref()), (Some("By "), Some(" |")));
/// assert_eq!(translate_value("string('Jane Roe')").unwrap().text.as_deref(), Some("Jane Roe"));
/// // Cut before, then after, is not the reading's order.
/// assert!(translate_value("substring-after(substring-before(//p, '|'), 'By ')").is_err());
/// ```
pub fn translate_value(xpath: &str) -> Result<ValueTranslation> {
    let tokens = tokenize(xpath)?;
    let mut p = Parser { tokens: &tokens, at: 0, depth: 0, values: true };
    let v = p.value()?;
    if let Some(t) = p.peek() {
        return refuse(format!("unexpected {t} after the value"));
    }
    Ok(v)
}

impl Parser<'_> {
    fn value(&mut self) -> Result<ValueTranslation> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return refuse("functions nested too deep");
        }
        let function = match (self.peek(), self.peek_at(1)) {
            (Some(Token::Name(f)), Some(Token::OpenParen)) => Some(f.clone()),
            _ => None,
        };
        let v = match (self.peek().cloned(), function.as_deref()) {
            (Some(Token::Literal(text)), _) => {
                self.at += 1;
                ValueTranslation { text: Some(text), ..ValueTranslation::default() }
            }
            // Readings are whitespace-collapsed already.
            (_, Some("string" | "normalize-space")) => {
                self.at += 2;
                let v = self.value()?;
                self.expect(&Token::CloseParen)?;
                v
            }
            (_, Some(f @ ("substring-after" | "substring-before"))) => {
                self.at += 2;
                let mut v = self.value()?;
                self.expect(&Token::Comma)?;
                let Some(Token::Literal(cut)) = self.next() else {
                    return refuse(format!("`{f}()` by something other than a string"));
                };
                self.expect(&Token::CloseParen)?;
                let after = f == "substring-after";
                if let Some(text) = &v.text {
                    let split = text.split_once(cut.as_str());
                    let part = split.map_or("", |(head, tail)| if after { tail } else { head });
                    v.text = Some(part.to_owned());
                } else if after {
                    if v.after.is_some() || v.before.is_some() {
                        return refuse("`substring-after()` of a value already cut");
                    }
                    v.after = Some(cut).filter(|c| !c.is_empty());
                } else {
                    if v.before.is_some() {
                        return refuse("`substring-before()` of a value already cut before");
                    }
                    if cut.is_empty() {
                        return refuse("`substring-before()` by an empty string (always empty)");
                    }
                    v.before = Some(cut);
                }
                v
            }
            (_, Some(f)) => return refuse(format!("the function `{f}()` in a value")),
            (Some(Token::OpenParen), _) => {
                self.at += 1;
                let v = self.value()?;
                self.expect(&Token::CloseParen)?;
                // `(path)[1]` is the first element, which is the one a reading takes.
                if self.eat(&Token::Open) && (self.next() != Some(Token::Number(1)) || !self.eat(&Token::Close)) {
                    return refuse("a position other than [1] in the whole document");
                }
                v
            }
            _ => {
                let t = self.union()?;
                let own_text = self.eat_text_step();
                if own_text && t.attribute.is_some() {
                    return refuse("`text()` of an attribute");
                }
                ValueTranslation { css: Some(t.css), attribute: t.attribute, own_text, ..ValueTranslation::default() }
            }
        };
        self.depth -= 1;
        Ok(v)
    }

    /// `/text()` ending a path in a value.
    fn eat_text_step(&mut self) -> bool {
        let is_text = self.peek() == Some(&Token::Slash)
            && self.peek_at(1) == Some(&Token::Name("text".into()))
            && self.peek_at(2) == Some(&Token::OpenParen)
            && self.peek_at(3) == Some(&Token::CloseParen);
        if is_text {
            self.at += 4;
        }
        is_text
    }

    /// Paths joined by `|`, ending on one attribute or none.
    fn union(&mut self) -> Result<Translation> {
        let mut paths = vec![self.path()?];
        while self.eat(&Token::Pipe) {
            paths.push(self.path()?);
        }
        let attribute = paths[0].1.clone();
        if paths.iter().any(|(_, a)| *a != attribute) {
            return refuse("a union of paths ending on different attributes");
        }
        let mut selectors: Vec<String> = Vec::new();
        for (alternatives, _) in paths {
            for s in alternatives {
                if !selectors.contains(&s) {
                    selectors.push(s);
                }
            }
        }
        Ok(Translation { css: selectors.join(", "), attribute })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Slash,
    DoubleSlash,
    Pipe,
    Open,
    Close,
    OpenParen,
    CloseParen,
    Comma,
    At,
    Star,
    Dot,
    DotDot,
    Eq,
    NotEq,
    /// A name, with `:` and `-` inside (`starts-with`, `xlink:href`, `child::`
    /// is a name and `::`).
    Name(String),
    Axis(String),
    Literal(String),
    Number(u32),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Slash => f.write_str("`/`"),
            Token::DoubleSlash => f.write_str("`//`"),
            Token::Pipe => f.write_str("`|`"),
            Token::Open => f.write_str("`[`"),
            Token::Close => f.write_str("`]`"),
            Token::OpenParen => f.write_str("`(`"),
            Token::CloseParen => f.write_str("`)`"),
            Token::Comma => f.write_str("`,`"),
            Token::At => f.write_str("`@`"),
            Token::Star => f.write_str("`*`"),
            Token::Dot => f.write_str("`.`"),
            Token::DotDot => f.write_str("`..`"),
            Token::Eq => f.write_str("`=`"),
            Token::NotEq => f.write_str("`!=`"),
            Token::Name(n) => write!(f, "`{n}`"),
            Token::Axis(a) => write!(f, "`{a}::`"),
            Token::Literal(l) => write!(f, "'{l}'"),
            Token::Number(n) => write!(f, "`{n}`"),
        }
    }
}

fn tokenize(s: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '/' if next == Some('/') => {
                out.push(Token::DoubleSlash);
                i += 2;
            }
            '/' => {
                out.push(Token::Slash);
                i += 1;
            }
            '|' => {
                out.push(Token::Pipe);
                i += 1;
            }
            '[' | ']' | '(' | ')' | ',' | '@' | '*' | '=' => {
                out.push(match c {
                    '[' => Token::Open,
                    ']' => Token::Close,
                    '(' => Token::OpenParen,
                    ')' => Token::CloseParen,
                    ',' => Token::Comma,
                    '@' => Token::At,
                    '*' => Token::Star,
                    _ => Token::Eq,
                });
                i += 1;
            }
            '!' if next == Some('=') => {
                out.push(Token::NotEq);
                i += 2;
            }
            '.' if next == Some('.') => {
                out.push(Token::DotDot);
                i += 2;
            }
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push(Token::Dot);
                i += 1;
            }
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|&d| d == c).map(|p| i + 1 + p);
                let Some(end) = end else { return refuse("a string that does not end") };
                out.push(Token::Literal(chars[i + 1..end].iter().collect()));
                i = end + 1;
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if chars.get(i) == Some(&'.') {
                    return refuse("a decimal number");
                }
                let digits: String = chars[start..i].iter().collect();
                out.push(Token::Number(digits.parse().map_err(|_| Untranslatable("a number too large".into()))?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric()
                        || matches!(chars[i], '_' | '-' | '.')
                        || (chars[i] == ':' && chars.get(i + 1) != Some(&':')))
                {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
                    out.push(Token::Axis(name));
                    i += 2;
                } else {
                    out.push(Token::Name(name));
                }
            }
            other => return refuse(format!("the character `{other}`")),
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    /// Parentheses and `not(` open around the condition being read.
    depth: usize,
    /// Reading a metadata value, where a path may end in `/text()`.
    values: bool,
}

/// Alternatives (of `or` and `|`) an expression may grow to: each step's
/// multiply, so they are counted as they grow, not once grown.
const MAX_ALTERNATIVES: usize = 64;

/// Nesting of parentheses and `not()` inside a predicate: real configs nest
/// two or three deep; the bound keeps a hostile line from exhausting the stack.
const MAX_DEPTH: usize = 16;

/// A disjunction of conjunctions of CSS simple selectors: what one step's
/// predicates require of an element.
type Conditions = Vec<Vec<String>>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_at(&self, k: usize) -> Option<&Token> {
        self.tokens.get(self.at + k)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Token) -> Result<()> {
        match self.next() {
            Some(ref got) if got == t => Ok(()),
            Some(got) => refuse(format!("{got} where {t} was expected")),
            None => refuse(format!("the end where {t} was expected")),
        }
    }

    /// A location path: the CSS selectors it is (one per alternative of
    /// `or`) and the attribute it ends on.
    fn path(&mut self) -> Result<(Vec<String>, Option<String>)> {
        // The combinator before the next step: None at the start of an
        // unanchored path.
        let mut combinator: Option<&str> = match self.peek() {
            Some(Token::DoubleSlash) => {
                self.at += 1;
                None
            }
            Some(Token::Slash) => {
                self.at += 1;
                Some(" > ")
            }
            Some(Token::Dot) if self.peek_at(1) == Some(&Token::DoubleSlash) => {
                self.at += 2;
                None
            }
            Some(Token::OpenParen) => return refuse("a parenthesised path (a position in the whole document)"),
            _ => None,
        };
        let mut anchored = combinator.is_some();
        let mut selectors: Vec<String> = vec![String::new()];
        loop {
            if self.eat(&Token::At) {
                let Some(Token::Name(name)) = self.next() else { return refuse("`@` without a name") };
                if matches!(self.peek(), Some(Token::Slash | Token::DoubleSlash | Token::Open)) {
                    return refuse("a step after an attribute");
                }
                if selectors.iter().any(String::is_empty) {
                    return refuse("an attribute of no element");
                }
                return Ok((selectors, Some(name.to_ascii_lowercase())));
            }
            let (compound, descendant) = self.step()?;
            let joiner = match (combinator, descendant) {
                (_, true) => " ",
                (Some(c), false) => c,
                (None, false) => "",
            };
            let root = if anchored { ":root" } else { "" };
            let mut grown = Vec::new();
            for s in &selectors {
                for c in &compound {
                    if s.is_empty() {
                        // `/html` is the root element; `//x` anything.
                        grown.push(if anchored && !descendant { format!("{c}{root}") } else { c.clone() });
                    } else {
                        grown.push(format!("{s}{joiner}{c}"));
                    }
                }
            }
            if grown.len() > MAX_ALTERNATIVES {
                return refuse(format!("more than {MAX_ALTERNATIVES} alternatives"));
            }
            selectors = grown;
            anchored = false;
            combinator = match self.peek() {
                Some(Token::Slash)
                    if self.values
                        && self.peek_at(1) == Some(&Token::Name("text".into()))
                        && self.peek_at(2) == Some(&Token::OpenParen) =>
                {
                    break;
                }
                Some(Token::Slash) => Some(" > "),
                Some(Token::DoubleSlash) => Some(" "),
                _ => break,
            };
            self.at += 1;
        }
        Ok((selectors, None))
    }

    /// One step: its CSS compounds (alternatives) and whether its axis is
    /// `descendant::` (a descendant combinator whatever the slash before).
    fn step(&mut self) -> Result<(Vec<String>, bool)> {
        let mut descendant = false;
        if let Some(Token::Axis(axis)) = self.peek().cloned() {
            self.at += 1;
            match axis.as_str() {
                "child" => {}
                "descendant" => descendant = true,
                "descendant-or-self" | "self" => {
                    // `descendant-or-self::node()` is what `//` stands for.
                    if self.peek() == Some(&Token::Name("node".into())) && self.peek_at(1) == Some(&Token::OpenParen) {
                        return refuse(format!("the axis `{axis}::node()` inside a path"));
                    }
                    return refuse(format!("the axis `{axis}::`"));
                }
                other => return refuse(format!("the axis `{other}::`")),
            }
        }
        let tag = match self.next() {
            Some(Token::Star) => "*".to_owned(),
            Some(Token::Name(n)) if self.peek() == Some(&Token::OpenParen) => {
                return refuse(format!("`{n}()` as a step"));
            }
            Some(Token::Name(n)) => n.to_ascii_lowercase(),
            Some(Token::Dot) => return refuse("`.` as a step"),
            Some(Token::DotDot) => return refuse("`..` (the parent)"),
            Some(t) => return refuse(format!("{t} where a step was expected")),
            None => return refuse("a path that ends in `/`"),
        };
        if tag.contains(':') {
            return refuse(format!("the prefixed name `{tag}`"));
        }
        let mut conditions: Conditions = vec![vec![]];
        let mut filtered = false;
        while self.eat(&Token::Open) {
            if let Some(Token::Number(n)) = self.peek().cloned()
                && self.peek_at(1) == Some(&Token::Close)
            {
                self.at += 2;
                if filtered {
                    return refuse("a position after another predicate");
                }
                let pseudo = if tag == "*" { format!(":nth-child({n})") } else { format!(":nth-of-type({n})") };
                and_into(&mut conditions, vec![vec![pseudo]])?;
                filtered = true;
                continue;
            }
            if self.peek() == Some(&Token::Name("last".into()))
                && self.peek_at(1) == Some(&Token::OpenParen)
                && self.peek_at(2) == Some(&Token::CloseParen)
                && self.peek_at(3) == Some(&Token::Close)
            {
                self.at += 4;
                if filtered {
                    return refuse("a position after another predicate");
                }
                let pseudo = if tag == "*" { ":last-child" } else { ":last-of-type" };
                and_into(&mut conditions, vec![vec![pseudo.to_owned()]])?;
                filtered = true;
                continue;
            }
            let c = self.or()?;
            self.expect(&Token::Close)?;
            and_into(&mut conditions, c)?;
            filtered = true;
        }
        let compounds = conditions
            .into_iter()
            .map(|simple| {
                let tag = if tag == "*" && !simple.is_empty() { "" } else { tag.as_str() };
                format!("{tag}{}", simple.concat())
            })
            .collect();
        Ok((compounds, descendant))
    }

    /// `read` one level deeper in parentheses, refused past [`MAX_DEPTH`].
    fn nested(&mut self, read: fn(&mut Self) -> Result<Conditions>) -> Result<Conditions> {
        if self.depth >= MAX_DEPTH {
            return refuse(format!("conditions nested more than {MAX_DEPTH} deep"));
        }
        self.depth += 1;
        let out = read(self);
        self.depth -= 1;
        out
    }

    fn or(&mut self) -> Result<Conditions> {
        let mut out = self.and()?;
        while self.peek() == Some(&Token::Name("or".into())) {
            self.at += 1;
            out.extend(self.and()?);
            if out.len() > MAX_ALTERNATIVES {
                return refuse(format!("more than {MAX_ALTERNATIVES} alternatives"));
            }
        }
        Ok(out)
    }

    fn and(&mut self) -> Result<Conditions> {
        let mut out = self.unary()?;
        while self.peek() == Some(&Token::Name("and".into())) {
            self.at += 1;
            let next = self.unary()?;
            and_into(&mut out, next)?;
        }
        Ok(out)
    }

    fn unary(&mut self) -> Result<Conditions> {
        match self.peek().cloned() {
            Some(Token::OpenParen) => {
                self.at += 1;
                let inner = self.nested(Self::or)?;
                self.expect(&Token::CloseParen)?;
                Ok(inner)
            }
            Some(Token::At) => self.attribute_test(),
            Some(Token::Name(f)) if self.peek_at(1) == Some(&Token::OpenParen) => {
                self.at += 2;
                self.function(&f)
            }
            Some(Token::Number(_)) => refuse("a position inside a condition"),
            Some(t) => refuse(format!("the condition {t}")),
            None => refuse("a predicate that does not end"),
        }
    }

    /// `@a`, `@a='v'`, `@a!='v'`.
    fn attribute_test(&mut self) -> Result<Conditions> {
        let name = self.attribute_name()?;
        match self.peek() {
            Some(Token::Eq) | Some(Token::NotEq) => {
                let negate = self.next() == Some(Token::NotEq);
                let value = self.literal()?;
                let equal = format!("[{name}=\"{}\"]", css_string(&value));
                Ok(if negate { vec![vec![format!("[{name}]"), format!(":not({equal})")]] } else { vec![vec![equal]] })
            }
            _ => Ok(vec![vec![format!("[{name}]")]]),
        }
    }

    fn attribute_name(&mut self) -> Result<String> {
        self.expect(&Token::At)?;
        match self.next() {
            Some(Token::Name(n)) if !n.contains(':') => Ok(n.to_ascii_lowercase()),
            Some(Token::Name(n)) => refuse(format!("the prefixed attribute `@{n}`")),
            Some(Token::Star) => refuse("`@*`"),
            _ => refuse("`@` without a name"),
        }
    }

    fn literal(&mut self) -> Result<String> {
        match self.next() {
            Some(Token::Literal(s)) => Ok(s),
            Some(t) => refuse(format!("{t} where a string was expected")),
            None => refuse("the end where a string was expected"),
        }
    }

    /// The functions with a CSS form; `f(` is read.
    fn function(&mut self, f: &str) -> Result<Conditions> {
        let out = match f {
            "not" => {
                let inner = self.nested(Self::or)?;
                // not(A or B) is not(A) and not(B); each A a compound.
                vec![inner.into_iter().map(|simple| format!(":not({})", simple.concat())).collect()]
            }
            "contains" | "starts-with" | "ends-with" => {
                if self.peek() == Some(&Token::Name("concat".into())) {
                    if f != "contains" {
                        return refuse(format!("`{f}(concat(…))`"));
                    }
                    return self.class_token();
                }
                if self.peek() != Some(&Token::At) {
                    return refuse(format!("`{f}()` of something other than an attribute"));
                }
                let name = self.attribute_name()?;
                self.expect(&Token::Comma)?;
                let value = self.literal()?;
                if value.is_empty() {
                    // contains(@a, '') holds for any element with the attribute.
                    vec![vec![format!("[{name}]")]]
                } else {
                    let op = match f {
                        "contains" => "*=",
                        "starts-with" => "^=",
                        _ => "$=",
                    };
                    vec![vec![format!("[{name}{op}\"{}\"]", css_string(&value))]]
                }
            }
            other => return refuse(format!("the function `{other}()`")),
        };
        self.expect(&Token::CloseParen)?;
        Ok(out)
    }

    /// `concat(' ', normalize-space(@a), ' '), ' x ')` (after `contains(`):
    /// `x` is one of the attribute's space-separated tokens.
    fn class_token(&mut self) -> Result<Conditions> {
        let shape = "the token test `contains(concat(' ', normalize-space(@a), ' '), ' x ')` in another shape";
        self.at += 1; // concat
        self.expect(&Token::OpenParen)?;
        if self.literal()? != " " {
            return refuse(shape);
        }
        self.expect(&Token::Comma)?;
        if self.next() != Some(Token::Name("normalize-space".into())) {
            return refuse(shape);
        }
        self.expect(&Token::OpenParen)?;
        let name = self.attribute_name()?;
        self.expect(&Token::CloseParen)?;
        self.expect(&Token::Comma)?;
        if self.literal()? != " " {
            return refuse(shape);
        }
        self.expect(&Token::CloseParen)?;
        self.expect(&Token::Comma)?;
        let value = self.literal()?;
        self.expect(&Token::CloseParen)?;
        let token = value.strip_prefix(' ').and_then(|v| v.strip_suffix(' '));
        match token {
            Some(t) if !t.is_empty() && !t.contains(char::is_whitespace) => {
                Ok(vec![vec![format!("[{name}~=\"{}\"]", css_string(t))]])
            }
            _ => refuse(format!("the token test for {value:?}, which is not one space-delimited token")),
        }
    }
}

/// `a` and `b`: every alternative of one with every alternative of the other.
fn and_into(a: &mut Conditions, b: Conditions) -> Result<()> {
    if a.len().saturating_mul(b.len()) > MAX_ALTERNATIVES {
        return refuse(format!("more than {MAX_ALTERNATIVES} alternatives"));
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a.iter() {
        for y in &b {
            let mut both = x.clone();
            both.extend(y.iter().cloned());
            out.push(both);
        }
    }
    *a = out;
    Ok(())
}

/// `value` inside a double-quoted CSS string.
pub(crate) fn css_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            c if c.is_control() => out.push_str(&format!("\\{:x} ", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn css(x: &str) -> String {
        match translate(x) {
            Ok(t) => {
                assert_eq!(t.attribute, None, "{x}");
                t.css
            }
            Err(e) => panic!("{x}: {e}"),
        }
    }

    #[test]
    fn the_common_forms() {
        assert_eq!(css("//div[@class='post-body']"), r#"div[class="post-body"]"#);
        assert_eq!(css("//div[@id = 'main']"), r#"div[id="main"]"#);
        assert_eq!(css("//div[contains(@class, 'share')]"), r#"div[class*="share"]"#);
        assert_eq!(
            css("//article[contains(concat(' ',normalize-space(@class),' '),' entry ')]"),
            r#"article[class~="entry"]"#
        );
        assert_eq!(css("//aside"), "aside");
        assert_eq!(css("//h2[@class='x']"), r#"h2[class="x"]"#);
        assert_eq!(css("//div[@class='a']/h2"), r#"div[class="a"] > h2"#);
        assert_eq!(css("//div[@class='a']//p"), r#"div[class="a"] p"#);
        assert_eq!(
            css("//div[contains(@class, 'a')]/descendant::*[contains(@class, 'b')]"),
            r#"div[class*="a"] [class*="b"]"#
        );
        assert_eq!(css("//*[@class='x']"), r#"[class="x"]"#);
        assert_eq!(css("//div[@data-testid='x']"), r#"div[data-testid="x"]"#);
        assert_eq!(css("//a[starts-with(@href, '/tag/')]"), r#"a[href^="/tag/"]"#);
    }

    #[test]
    fn positions_booleans_and_unions() {
        assert_eq!(css("//article[1]"), "article:nth-of-type(1)");
        assert_eq!(css("//main/article[2]"), "main > article:nth-of-type(2)");
        assert_eq!(css("//ul/*[1]"), "ul > :nth-child(1)");
        assert_eq!(css("//p[last()]"), "p:last-of-type");
        assert_eq!(css("//div[@class='a' or @id='b']"), r#"div[class="a"], div[id="b"]"#);
        assert_eq!(css("//div[@class='a' and @id='b']"), r#"div[class="a"][id="b"]"#);
        assert_eq!(css("//div[not(@class='a')]"), r#"div:not([class="a"])"#);
        assert_eq!(css("//div[@role][not(@id='x' or @id='y')]"), r#"div[role]:not([id="x"]):not([id="y"])"#);
        assert_eq!(css("//div[@lang!='en']"), r#"div[lang]:not([lang="en"])"#);
        assert_eq!(css("//nav | //footer"), "nav, footer");
        assert_eq!(css("/html/body/div"), "html:root > body > div");
        assert_eq!(css(".//figcaption"), "figcaption");
        assert_eq!(css("//div[@title=\"it's\"]"), r#"div[title="it's"]"#);
        assert_eq!(css("//div[@title='say \"hi\"']"), r#"div[title="say \"hi\""]"#);
    }

    #[test]
    fn metadata_values_cut_read_own_text_or_are_fixed() {
        let v = translate_value("substring-after(//p[contains(@class, 'byline')], 'By ')").unwrap();
        assert_eq!(v.css.as_deref(), Some(r#"p[class*="byline"]"#));
        assert_eq!((v.after.as_deref(), v.before), (Some("By "), None));
        let v = translate_value("substring-before( //meta[@property='og:title']/@content , ' | Site')").unwrap();
        assert_eq!((v.attribute.as_deref(), v.before.as_deref()), (Some("content"), Some(" | Site")));
        let v = translate_value("normalize-space(substring-before(substring-after(//div[@id='by'], 'von '), '|'))");
        let v = v.unwrap();
        assert_eq!((v.after.as_deref(), v.before.as_deref()), (Some("von "), Some("|")));
        let v = translate_value("//a[@rel='author']/text()").unwrap();
        assert!(v.own_text && v.css.as_deref() == Some(r#"a[rel="author"]"#));
        let v = translate_value("(//span[@class='byline']/a)[1]").unwrap();
        assert_eq!(v.css.as_deref(), Some(r#"span[class="byline"] > a"#));
        for fixed in ["'Jane Roe'", "string(\"Jane Roe\")", "(\"Jane Roe\")", "substring-after('By Jane Roe', 'By ')"] {
            let v = translate_value(fixed).unwrap();
            assert_eq!((v.css, v.text.as_deref()), (None, Some("Jane Roe")), "{fixed}");
        }
        // A plain path reads as `translate` reads it.
        let v = translate_value("//meta[@name='byl']/@content").unwrap();
        assert_eq!((v.css.as_deref(), v.attribute.as_deref()), (Some(r#"meta[name="byl"]"#), Some("content")));
        for refused in [
            "substring-after(substring-after(//title, ':'), ':')",
            "substring-before(substring-before(//title, ':'), '-')",
            "substring(//span[@class='meta'], 11)",
            "concat(//div[@class='month'], ' ', //div[@class='day'])",
            "(//p[@class='byline'])[2]",
            "substring-after(//p, //q)",
            "//meta[@name='x']/@content/text()",
            "//p/text()[2]",
        ] {
            assert!(translate_value(refused).is_err(), "{refused}");
        }
        // Strip and body paths still refuse `text()`.
        assert!(translate("//a/text()").is_err());
        assert!(translate("substring-after(//p, 'x')").is_err());
    }

    #[test]
    fn metadata_paths_end_on_an_attribute() {
        let t = translate("//meta[@property='og:title']/@content").unwrap();
        assert_eq!(t.css, r#"meta[property="og:title"]"#);
        assert_eq!(t.attribute.as_deref(), Some("content"));
        let t = translate("//p[contains(@class, 'byline')]/descendant::time/@datetime").unwrap();
        assert_eq!(t.css, r#"p[class*="byline"] time"#);
        assert_eq!(t.attribute.as_deref(), Some("datetime"));
    }

    #[test]
    fn what_css_cannot_say_is_refused_with_the_reason() {
        for (x, why) in [
            ("//a[contains(@href, 'x')]/ancestor::section[1]", "ancestor"),
            ("substring-after(//p[contains(@class, 'x')], 'By')", "substring-after"),
            ("//div[@class='a'][1]", "position after"),
            ("(//div)[1]", "parenthesised"),
            ("//p[contains(text(), 'Advertisement')]", "something other than an attribute"),
            ("//div[h2]", "condition"),
            ("//p/text()", "text()"),
            ("//div[contains(concat(' ',normalize-space(@class),' '),' a b ')]", "one space-delimited token"),
            ("//div[count(p) > 2]", "character `>`"),
            ("//div[@class='x'", "the end"),
            ("//div/following-sibling::p", "following-sibling"),
            ("//svg:path", "prefixed"),
            ("//div/..", "parent"),
            (&format!("//div[{}@id{}]", "(".repeat(100_000), ")".repeat(100_000)), "nested more than"),
            (&format!("//div[{}@id{}]", "not(".repeat(100_000), ")".repeat(100_000)), "nested more than"),
            (&format!("//div[{}]", ["(@a or @b)"; 30].join(" and ")), "more than 64 alternatives"),
            (&vec!["div[@a or @b]"; 30].join("/"), "more than 64 alternatives"),
        ] {
            let e = translate(x).expect_err(x);
            assert!(e.0.contains(why), "{x}: {e}");
        }
    }

    #[test]
    fn every_translation_is_a_selector_the_rules_accept() {
        for x in [
            "//div[@class='x' or contains(@class, 'y')]//a[@title='q\"']",
            "//div[not(@class='a' or @class='b')]",
            "//*[contains(concat(' ',normalize-space(@class),' '),' sharedaddy ')]",
            "//p[last()] | //ul/*[3]",
            "//div[@data-x='a\"b\\\\c']",
        ] {
            let t = translate(x).unwrap();
            assert!(scraper::Selector::parse(&t.css).is_ok(), "{x} -> {}", t.css);
        }
    }
}

//! DOM to blocks, laid out as a browser would: block-level elements break
//! paragraphs, inline ones don't, `<br>` breaks a line, whitespace collapses.
//! The walk is iterative, so a page nested 100 000 levels deep cannot
//! overflow the stack.

use std::fmt::Write;

use html5ever::local_name;

use crate::document::{Block, BlockKind, Origin};
use crate::markup::dom::{Data, Element, NodeId, NodeRef};

/// Elements that never render text. A `match` on the name, not a list
/// search: it runs for every element of every page.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "annotation"
            | "annotation-xml"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "audio"
            | "video"
            | "select"
            | "datalist"
            | "textarea"
            | "input"
            | "title"
            | "button"
            | "map"
            | "rt"
            | "rp"
    )
}

/// Elements that start and end a block.
pub fn is_block_level(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "tfoot"
            | "thead"
            | "tr"
            | "ul"
            | "frameset"
            | "frame"
            | "search"
    )
}

/// Origins keep at most this many trailing path segments, so a pathologically
/// deep page costs O(1) per block rather than O(depth).
const MAX_PATH_SEGMENTS: usize = 24;

/// What the caller wants done with particular elements during the walk.
pub struct Directives<'a> {
    /// Per node (indexed by [`NodeId::index`]): the index, in the caller's
    /// list, of the selector rule that removed it; empty when no rule matched
    /// anything. A table, not a map: the walk asks for every element.
    pub removed: &'a [Option<u32>],
    /// The article container(s); when non-empty, blocks outside them are reported, not kept.
    pub content: &'a [NodeId],
}

/// What the walk produced.
#[derive(Default)]
pub struct Laid {
    pub blocks: Vec<Block>,
    /// Facts about each block, for main-content extraction (parallel to `blocks`).
    pub meta: Vec<BlockMeta>,
    /// `(rule index, node, position)`: selector removals, in document order.
    pub removed: Vec<(usize, NodeId, usize)>,
    /// Blocks outside the content container(s), with their position.
    pub outside: Vec<(Block, usize)>,
    /// Bytes of raw markup in the `<noscript>` elements left out: what a
    /// browser with scripts off would show instead (see `html::to_blocks`).
    pub noscript_bytes: usize,
}

/// What extraction needs to know about a block beyond its text.
#[derive(Debug, Clone, Copy)]
pub struct BlockMeta {
    /// The block-level element the block belongs to.
    pub node: NodeId,
    /// Characters of the block's text.
    pub chars: usize,
    /// Characters of it inside links.
    pub link_chars: usize,
    /// Inside a `<figcaption>` or a table `<caption>`.
    pub caption: bool,
}

struct Frame {
    node: NodeId,
    kind: BlockKind,
    /// How many path segments lead to this block's element.
    depth: usize,
    /// A table row with only inline content: its cells join into one block.
    data_row: bool,
    cells: usize,
}

/// One element on the path from the root; names borrow the DOM's interned
/// tag names, so walking a page allocates nothing per element.
struct Segment<'a> {
    name: &'a str,
    index: u32,
    /// Same-name child counters, for the children's indices: a list, as an
    /// element has children of a few names; a map past [`MANY_NAMES`].
    children: Vec<(&'a str, u32)>,
    many: Option<std::collections::HashMap<&'a str, u32>>,
}

/// Child names a [`Segment`] counts in a list before it takes a map: looking
/// through the list for each child was quadratic on a page whose element
/// holds 700 000 children of as many names (`<x1>`, `<x2>`, …).
const MANY_NAMES: usize = 32;

impl<'a> Segment<'a> {
    /// The index of one more child named `name` (1 for the first).
    fn count(&mut self, name: &'a str) -> u32 {
        if let Some(map) = &mut self.many {
            let n = map.entry(name).or_insert(0);
            *n += 1;
            return *n;
        }
        if let Some((_, n)) = self.children.iter_mut().find(|(c, _)| *c == name) {
            *n += 1;
            return *n;
        }
        self.children.push((name, 1));
        if self.children.len() > MANY_NAMES {
            self.many = Some(self.children.drain(..).collect());
        }
        1
    }
}

enum Step<'a> {
    Enter(NodeRef<'a>),
    Exit(Exit),
}

#[derive(Clone, Copy, Default)]
struct Exit {
    block: bool,
    pre: bool,
    content: bool,
    list: bool,
    link: bool,
    caption: bool,
}

struct Walker<'a> {
    directives: Option<&'a Directives<'a>>,
    out: Laid,
    buf: String,
    pending_space: bool,
    frames: Vec<Frame>,
    path: Vec<Segment<'a>>,
    lists: Vec<bool>,
    pre: usize,
    in_content: usize,
    links: usize,
    captions: usize,
    root: NodeId,
    /// Characters added to `buf` inside links.
    buf_link_chars: usize,
}

/// Lays out the subtree under `root` (usually `<html>`).
pub fn layout(root: NodeRef<'_>, directives: Option<&Directives>) -> Laid {
    let mut w = Walker {
        directives,
        out: Laid::default(),
        buf: String::new(),
        pending_space: false,
        frames: vec![Frame { node: root.id(), kind: BlockKind::Paragraph, depth: 0, data_row: false, cells: 0 }],
        path: Vec::new(),
        lists: Vec::new(),
        pre: 0,
        in_content: 0,
        links: 0,
        captions: 0,
        root: root.id(),
        buf_link_chars: 0,
    };
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(node) => w.enter(node, &mut stack),
            Step::Exit(exit) => {
                if exit.block {
                    w.flush();
                    w.frames.pop();
                }
                if exit.pre {
                    w.pre -= 1;
                }
                if exit.content {
                    w.flush();
                    w.in_content -= 1;
                }
                if exit.list {
                    w.lists.pop();
                }
                if exit.link {
                    w.links -= 1;
                }
                if exit.caption {
                    w.captions -= 1;
                }
                w.path.pop();
            }
        }
    }
    w.flush();
    w.out
}

/// The text of a subtree, blocks joined by newlines: what a removal reports.
pub fn subtree_text(node: NodeRef<'_>) -> String {
    let laid = layout(node, None);
    laid.blocks.into_iter().map(|b| b.text).collect::<Vec<_>>().join("\n")
}

impl<'a> Walker<'a> {
    fn enter(&mut self, node: NodeRef<'a>, stack: &mut Vec<Step<'a>>) {
        let element = match node.data() {
            Data::Text(text) => {
                self.text(text);
                return;
            }
            Data::Element(e) => e,
            Data::Document | Data::Fragment => {
                stack.extend(node.children().rev().map(Step::Enter));
                return;
            }
            Data::Other => return,
        };
        let name = element.name();
        // With scripts off (`Dom::parse_without_scripting`) `<noscript>` content is shown.
        let shown_noscript = name == "noscript" && !node.dom().scripting();
        if (is_skipped(name) && !shown_noscript) || is_hidden(element) {
            if name == "noscript" {
                self.out.noscript_bytes += node.children().filter_map(|c| c.text()).map(str::len).sum::<usize>();
            }
            return;
        }
        if name == "br" {
            self.buf.push('\n');
            self.pending_space = false;
            return;
        }
        self.push_segment(name);
        // Outside a chosen content container everything is left out anyway;
        // selector rules are reported only where they changed the article.
        let outside = self.directives.is_some_and(|d| !d.content.is_empty()) && self.in_content == 0;
        if let Some(d) = self.directives.filter(|_| !outside)
            && let Some(&Some(rule)) = d.removed.get(node.id().index())
        {
            self.out.removed.push((rule as usize, node.id(), self.out.blocks.len()));
            self.path.pop();
            return;
        }
        let content = self.directives.is_some_and(|d| d.content.contains(&node.id()));
        if content {
            self.flush();
            self.in_content += 1;
        }
        let top = self.frames.last().map_or(BlockKind::Paragraph, |f| f.kind);
        let in_data_row = self.frames.last().is_some_and(|f| f.data_row);
        let mut block = is_block_level(name);
        let mut kind = inherit(top);
        let mut data_row = false;
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => kind = BlockKind::Heading { level: name.as_bytes()[1] - b'0' },
            "li" => kind = BlockKind::ListItem { ordered: self.lists.last().copied().unwrap_or(false) },
            "blockquote" => kind = BlockKind::Quote,
            "pre" => kind = BlockKind::Preformatted,
            "tr" => {
                data_row = !has_block_descendant(node);
                if data_row {
                    kind = BlockKind::TableRow;
                }
            }
            "td" | "th" if in_data_row => {
                if let Some(frame) = self.frames.last_mut() {
                    if frame.cells > 0 {
                        let trimmed = self.buf.trim_end_matches(' ').len();
                        self.buf.truncate(trimmed);
                        self.buf.push_str(" | ");
                    }
                    frame.cells += 1;
                }
                self.pending_space = false;
            }
            "td" | "th" => block = true,
            "hr" => {
                self.flush();
                self.path.pop();
                return;
            }
            _ => {}
        }
        if block {
            self.flush();
            self.frames.push(Frame { node: node.id(), kind, depth: self.path.len(), data_row, cells: 0 });
        }
        let pre = name == "pre" || name == "textarea" || name == "listing" || name == "plaintext";
        if pre {
            self.pre += 1;
        }
        let list = name == "ol" || name == "ul" || name == "menu";
        if list {
            self.lists.push(name == "ol");
        }
        let link = name == "a" && element.attr_named(&local_name!("href")).is_some();
        if link {
            self.links += 1;
        }
        let caption = name == "figcaption" || name == "caption";
        if caption {
            self.captions += 1;
        }
        stack.push(Step::Exit(Exit { block, pre, content, list, link, caption }));
        stack.extend(node.children().rev().map(Step::Enter));
    }

    fn text(&mut self, text: &str) {
        let before = self.buf.len();
        self.append_text(text);
        if self.links > 0 {
            self.buf_link_chars += self.buf[before..].chars().count();
        }
    }

    fn append_text(&mut self, text: &str) {
        if self.pre > 0 {
            self.buf.push_str(text);
            return;
        }
        // Word by word, not char by char: the whitespace that collapses is
        // ASCII, so byte positions split the text at char boundaries.
        let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C');
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let spaces = bytes[i..].iter().take_while(|b| is_space(b)).count();
            if spaces > 0 {
                self.pending_space = true;
                i += spaces;
            }
            let word = bytes[i..].iter().take_while(|b| !is_space(b)).count();
            if word > 0 {
                // A byte test: the last char is ASCII exactly when the last byte is.
                if self.pending_space && !matches!(self.buf.as_bytes().last(), None | Some(b'\n' | b' ')) {
                    self.buf.push(' ');
                }
                self.pending_space = false;
                self.buf.push_str(&text[i..i + word]);
                i += word;
            }
        }
    }

    fn push_segment(&mut self, name: &'a str) {
        let index = self.path.last_mut().map_or(1, |parent| parent.count(name));
        self.path.push(Segment { name, index, children: Vec::new(), many: None });
    }

    fn origin(&self, depth: usize) -> Origin {
        let depth = depth.min(self.path.len());
        let start = depth.saturating_sub(MAX_PATH_SEGMENTS);
        let mut path = String::new();
        if start > 0 {
            path.push_str("/…");
        }
        for seg in &self.path[start..depth] {
            path.push('/');
            path.push_str(seg.name);
            if seg.index > 1 {
                let _ = write!(path, "[{}]", seg.index);
            }
        }
        Origin::Element(path)
    }

    /// Emits the buffered text as one or more blocks (a blank line made of
    /// `<br><br>` separates blocks, as it does on screen).
    fn flush(&mut self) {
        self.pending_space = false;
        if self.buf.is_empty() {
            return;
        }
        let buf = std::mem::take(&mut self.buf);
        let buf_chars = buf.chars().count().max(1);
        let link_chars = std::mem::take(&mut self.buf_link_chars);
        let caption = self.captions > 0;
        let frame = self.frames.last();
        let node = frame.map_or(self.root, |f| f.node);
        let kind = frame.map_or(BlockKind::Paragraph, |f| f.kind);
        let origin = self.origin(frame.map_or(self.path.len(), |f| f.depth));
        let outside = self.directives.is_some_and(|d| !d.content.is_empty()) && self.in_content == 0;
        let emit = |text: String, out: &mut Laid| {
            let chars = text.chars().count();
            let meta = BlockMeta { node, chars, link_chars: (link_chars * chars / buf_chars).min(chars), caption };
            let block = Block::new(kind, text, origin.clone());
            if outside {
                let pos = out.blocks.len();
                out.outside.push((block, pos));
            } else {
                out.blocks.push(block);
                out.meta.push(meta);
            }
        };
        if kind == BlockKind::Preformatted {
            let text = buf.trim_matches('\n');
            if !text.trim().is_empty() {
                emit(text.to_owned(), &mut self.out);
            }
            return;
        }
        let mut para: Vec<&str> = Vec::new();
        for line in buf.split('\n') {
            let line = line.trim_matches(' ');
            // `<p>&nbsp;</p>` spacers are blank on screen, so they separate blocks too.
            if line.trim().is_empty() {
                if !para.is_empty() {
                    emit(para.join("\n"), &mut self.out);
                    para.clear();
                }
            } else {
                para.push(line);
            }
        }
        if !para.is_empty() {
            emit(para.join("\n"), &mut self.out);
        }
    }
}

/// Elements a browser does not show: `hidden`, `aria-hidden="true"` on a
/// container, screen-reader-only classes, or an inline `display: none` /
/// `visibility: hidden`.
fn is_hidden(element: &Element) -> bool {
    // One pass over the attributes (the first of each name counts, as with
    // `attr`), rather than a scan per attribute asked about.
    let (mut aria_hidden, mut class, mut style) = (None, None, None);
    for (name, value) in element.plain_attrs() {
        if *name == local_name!("hidden") {
            return true;
        } else if *name == local_name!("aria-hidden") {
            aria_hidden.get_or_insert(value);
        } else if *name == local_name!("class") {
            class.get_or_insert(value);
        } else if *name == local_name!("style") {
            style.get_or_insert(value);
        }
    }
    if aria_hidden.is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) && is_block_level(element.name()) {
        return true;
    }
    // Screen-reader-only text is not on screen either.
    if class.is_some_and(|c| c.split_whitespace().any(is_screen_reader_class)) {
        return true;
    }
    style.is_some_and(|style| {
        let compact: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

/// `sr-only`, `screen-reader-text`, `visually-hidden` and kin: the class
/// lower-cased without `-` and `_` is `sronly`, starts `screenreader` or ends
/// `visuallyhidden`. Compared byte by byte, without building the normalized
/// name: most elements have classes and almost none of them are these.
fn is_screen_reader_class(class: &str) -> bool {
    let normalized = || class.bytes().filter(|b| !matches!(b, b'-' | b'_')).map(|b| b.to_ascii_lowercase());
    normalized().eq(*b"sronly")
        || normalized().take(12).eq(*b"screenreader")
        || class
            .bytes()
            .rev()
            .filter(|b| !matches!(b, b'-' | b'_'))
            .map(|b| b.to_ascii_lowercase())
            .take(14)
            .eq(b"visuallyhidden".iter().rev().copied())
}

/// Paragraphs inside quotes and list items keep their container's kind.
fn inherit(kind: BlockKind) -> BlockKind {
    match kind {
        BlockKind::Quote | BlockKind::ListItem { .. } | BlockKind::Heading { .. } | BlockKind::Preformatted => kind,
        _ => BlockKind::Paragraph,
    }
}

/// A layout table's row holds paragraphs or divs; a data row holds only inline content.
fn has_block_descendant(node: NodeRef<'_>) -> bool {
    node.descendants().skip(1).any(|n| match n.element() {
        Some(e) => {
            let name = e.name();
            name != "tr" && name != "td" && name != "th" && is_block_level(name)
        }
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An element with 300 000 children of as many names (`<x1>`, `<x2>`, …)
    /// once took a look through all earlier names per child: minutes.
    #[test]
    fn children_of_many_names_are_counted_in_linear_time() {
        let names: Vec<String> = (0..300_000).map(|i| format!("x{i}")).collect();
        let mut parent = Segment { name: "div", index: 1, children: Vec::new(), many: None };
        for name in &names {
            assert_eq!(parent.count(name), 1);
        }
        assert_eq!(parent.count("x7"), 2);
        assert_eq!(parent.count("x299999"), 2);
    }
}

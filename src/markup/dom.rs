//! A lean DOM built straight from html5ever: one flat arena of nodes linked
//! by `u32` indices, attributes kept as html5ever hands them over, and each
//! element's `class` and `id` attributes located once when it is created.
//!
//! `scraper`'s tree did the same job with more on the side (an `ego_tree`
//! node per item, attributes copied and sorted, class names interned into the
//! global atom table on first use, every parse error collected); on real
//! pages that was a third of the time spent after the tokenizer. The tree
//! this sink builds is node for node the one scraper builds (same text
//! merging, same template fragments, same comment and doctype placement), so
//! layout, extraction and selector matching see the same document.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;
use std::sync::LazyLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{
    ElementFlags, NodeOrText, QuirksMode, Tracer, TreeBuilder, TreeBuilderOpts, TreeSink, create_element,
};
use html5ever::{Attribute, LocalName, QualName, TokenizerResult, local_name, ns};

use super::limits::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_FORMATTING, close_long_tags};
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::context::{MatchingContext, MatchingForInvalidation, MatchingMode, NeedsSelectorFlags, SelectorCaches};
use selectors::matching::ElementSelectorFlags;
use selectors::parser::{ParseRelative, SelectorList};
use selectors::{OpaqueElement, matching};

use scraper::selector::{CssLocalName, CssString, NonTSPseudoClass, PseudoElement, Simple};

/// No node: the end of a sibling list, the parent of a detached node.
const NONE: u32 = u32::MAX;

/// A node of a [`Dom`]; ids grow in creation order, as ego_tree's did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

impl NodeId {
    /// The arena index, for tables indexed by node.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id of arena slot `index` (the inverse of [`NodeId::index`]).
    pub fn from_index(index: usize) -> NodeId {
        NodeId(index as u32)
    }
}

/// What a node is.
pub enum Data {
    Document,
    /// The root of a parsed fragment, or a `<template>`'s contents.
    Fragment,
    Element(Element),
    Text(StrTendril),
    /// Comments, doctypes and processing instructions: kept as placeholders
    /// so the tree's shape matches the markup, never read.
    Other,
}

/// An element: its name, its attributes, and where `class` and `id` are.
pub struct Element {
    name: QualName,
    attrs: Vec<Attribute>,
    /// Index of the `class` attribute in `attrs`, or `NONE`.
    class_attr: u32,
    /// Index of the `id` attribute in `attrs`, or `NONE`.
    id_attr: u32,
}

impl Element {
    fn new(name: QualName, attrs: Vec<Attribute>) -> Element {
        let mut e = Element { name, attrs, class_attr: NONE, id_attr: NONE };
        e.index_attrs();
        e
    }

    /// Finds `class` and `id`, once per element: layout, the selector
    /// prefilter and extraction all ask for them. (The class tokens are
    /// split when asked for: storing their ranges cost an allocation per
    /// element, more than splitting a short value twice.)
    fn index_attrs(&mut self) {
        self.class_attr = NONE;
        self.id_attr = NONE;
        for (i, a) in self.attrs.iter().enumerate() {
            if a.name.ns != ns!() {
                continue;
            }
            if a.name.local == local_name!("class") && self.class_attr == NONE {
                self.class_attr = i as u32;
            } else if a.name.local == local_name!("id") && self.id_attr == NONE {
                self.id_attr = i as u32;
            }
        }
    }

    /// The local name (`div`, `p`).
    pub fn name(&self) -> &str {
        &self.name.local
    }

    pub fn local_name(&self) -> &LocalName {
        &self.name.local
    }

    /// The value of a no-namespace attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.name.ns == ns!() && &*a.name.local == name).map(|a| &*a.value)
    }

    /// [`Element::attr`] by interned name: one integer comparison per
    /// attribute, for the lookups made on every element (`local_name!("href")`).
    pub fn attr_named(&self, name: &LocalName) -> Option<&str> {
        self.attrs.iter().find(|a| a.name.local == *name && a.name.ns == ns!()).map(|a| &*a.value)
    }

    /// Tag and class attribute: what makes siblings alike (a run of cards,
    /// list items, posts) to the page-type and block classifiers and the extractor.
    pub fn tag_and_class(&self) -> (&LocalName, Option<&str>) {
        (&self.name.local, self.attr_named(&local_name!("class")))
    }

    /// The no-namespace attributes, as (interned name, value), in markup order.
    pub fn plain_attrs(&self) -> impl Iterator<Item = (&LocalName, &str)> {
        self.attrs.iter().filter(|a| a.name.ns == ns!()).map(|a| (&a.name.local, &*a.value))
    }

    pub fn id(&self) -> Option<&str> {
        self.attrs.get(self.id_attr as usize).map(|a| &*a.value)
    }

    /// The class tokens (split on ASCII whitespace, as selectors do), in
    /// attribute order, duplicates included.
    pub fn classes(&self) -> impl Iterator<Item = &str> {
        let value: &str = self.attrs.get(self.class_attr as usize).map_or("", |a| &a.value);
        value.split(|c: char| c.is_ascii_whitespace()).filter(|t| !t.is_empty())
    }

    /// The local names of the attributes (any namespace).
    pub fn attr_locals(&self) -> impl Iterator<Item = &LocalName> {
        self.attrs.iter().map(|a| &a.name.local)
    }
}

struct Node {
    parent: u32,
    prev: u32,
    next: u32,
    first: u32,
    last: u32,
    data: Data,
}

impl Node {
    fn new(data: Data) -> Node {
        Node { parent: NONE, prev: NONE, next: NONE, first: NONE, last: NONE, data }
    }
}

/// A parsed page.
pub struct Dom {
    nodes: Vec<Node>,
    /// What the parse left out to stay within [`limits`](super::limits).
    pub cut: ParseCuts,
    /// Parsed as a browser with scripts on does (the default): `<noscript>`
    /// holds raw text. Off ([`Dom::parse_without_scripting`]), its content
    /// is markup and the layout shows it.
    scripting: bool,
}

/// Counts of what [`Dom::parse_document`] left out to stay within the limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseCuts {
    /// Start tags dropped because the tree builder already held
    /// [`MAX_DEPTH`] open elements (their text is kept).
    pub deep_tags: usize,
    /// Formatting start tags dropped because [`MAX_FORMATTING`] formatting
    /// elements were active.
    pub formatting_tags: usize,
    /// Tag-like runs closed after [`MAX_ATTRIBUTES`] attributes.
    pub long_tags: usize,
    /// Attributes of repeated `<html>`/`<body>` tags not merged into the
    /// element because it already had [`MAX_ATTRIBUTES`].
    pub merged_attributes: usize,
    /// Nodes moved up beside their ancestors because the adoption agency
    /// had taken them deeper than [`MAX_DEPTH`] (see `flatten_deep`).
    pub flattened: usize,
}

impl Dom {
    /// Parses a whole document, as a browser would, within the
    /// [`limits`](super::limits): linear time for any markup.
    pub fn parse_document(text: &str) -> Dom {
        Dom::parse_prepared(text, Some(0))
    }

    /// [`Dom::parse_document`] for markup whose tags before `unsure_from`
    /// have been capped already (`prepare`): the guard for long tags starts
    /// there (`None`: nowhere).
    pub(crate) fn parse_prepared(text: &str, unsure_from: Option<usize>) -> Dom {
        let (text, long_tags) = match unsure_from {
            Some(from) => close_long_tags(text, from),
            None => (Cow::Borrowed(text), 0),
        };
        let sink = Sink::new(Data::Document, text.len());
        let builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
        run(builder, TokenizerOpts::default(), &text, long_tags, true)
    }

    /// The page as a browser with scripts off builds it: what `<noscript>`
    /// holds is parsed as markup (forum software serves its posts there to
    /// crawlers). Every tag is guarded, as in [`Dom::parse_document`]: the
    /// prepare scan read `<noscript>` as raw text and capped nothing in it.
    pub(crate) fn parse_without_scripting(text: &str) -> Dom {
        let (text, long_tags) = close_long_tags(text, 0);
        let sink = Sink::new(Data::Document, text.len());
        let builder =
            TreeBuilder::new(sink, TreeBuilderOpts { scripting_enabled: false, ..TreeBuilderOpts::default() });
        run(builder, TokenizerOpts::default(), &text, long_tags, false)
    }

    /// False when parsed with scripts off: `<noscript>` content is shown.
    pub fn scripting(&self) -> bool {
        self.scripting
    }

    /// Parses a fragment in a `<body>` context (rule examples), within the limits.
    pub fn parse_fragment(text: &str) -> Dom {
        let (text, long_tags) = close_long_tags(text, 0);
        let sink = Sink::new(Data::Fragment, text.len());
        let context = create_element(&sink, QualName::new(None, ns!(html), local_name!("body")), Vec::new());
        let builder = TreeBuilder::new_for_fragment(sink, context, None, TreeBuilderOpts::default());
        let opts = TokenizerOpts {
            initial_state: Some(builder.tokenizer_state_for_context_elem(false)),
            ..TokenizerOpts::default()
        };
        run(builder, opts, &text, long_tags, true)
    }

    /// The document (or fragment) node.
    pub fn document(&self) -> NodeRef<'_> {
        NodeRef { dom: self, id: 0 }
    }

    /// The first element under the document: `<html>`, which the parser always creates.
    pub fn root_element(&self) -> NodeRef<'_> {
        let doc = self.document();
        doc.children().find(|c| c.is_element()).unwrap_or(doc)
    }

    pub fn get(&self, id: NodeId) -> Option<NodeRef<'_>> {
        (id.index() < self.nodes.len()).then_some(NodeRef { dom: self, id: id.0 })
    }

    /// How many nodes the arena holds: the size for tables indexed by [`NodeId::index`].
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// A node and the tree it is in.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    dom: &'a Dom,
    id: u32,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.element() {
            Some(e) => write!(f, "<{}>#{}", e.name(), self.id),
            None => write!(f, "node#{}", self.id),
        }
    }
}

impl<'a> NodeRef<'a> {
    fn node(&self) -> &'a Node {
        &self.dom.nodes[self.id as usize]
    }

    fn at(&self, id: u32) -> Option<NodeRef<'a>> {
        (id != NONE).then_some(NodeRef { dom: self.dom, id })
    }

    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    /// The tree this node belongs to.
    pub fn dom(&self) -> &'a Dom {
        self.dom
    }

    pub fn data(&self) -> &'a Data {
        &self.node().data
    }

    pub fn element(&self) -> Option<&'a Element> {
        match &self.node().data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn is_element(&self) -> bool {
        matches!(self.node().data, Data::Element(_))
    }

    pub fn text(&self) -> Option<&'a str> {
        match &self.node().data {
            Data::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn parent(&self) -> Option<NodeRef<'a>> {
        self.at(self.node().parent)
    }

    pub fn first_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.node().first)
    }

    pub fn last_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.node().last)
    }

    pub fn next_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.node().next)
    }

    pub fn prev_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.node().prev)
    }

    pub fn children(&self) -> impl DoubleEndedIterator<Item = NodeRef<'a>> + use<'a> {
        Children { front: self.first_child(), back: self.last_child() }
    }

    /// Parent, grandparent, … up to the document (not the node itself).
    pub fn ancestors(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.parent(), NodeRef::parent)
    }

    pub fn prev_siblings(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.prev_sibling(), NodeRef::prev_sibling)
    }

    /// The node and everything under it, in document order.
    pub fn descendants(&self) -> Descendants<'a> {
        Descendants { root: *self, next: Some(*self) }
    }

    /// The text of all text nodes under the node, concatenated, leaving out
    /// code and drawings below it (`<script>`, `<style>`, `<svg>`): a byline
    /// or heading holding a script is read without the script. (Their
    /// contents are cut before parsing anyway, see `prepare`; this
    /// keeps the answer the same whether they were or not.) The node's own
    /// text is read even when it is one of them: JSON-LD is a script's text.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        let mut next = self.first_child();
        while let Some(n) = next {
            let skip = n.element().is_some_and(|e| matches!(e.name(), "script" | "style" | "svg"));
            if let Some(t) = n.text() {
                out.push_str(t);
            }
            next = if skip { None } else { n.first_child() };
            // Up to the next sibling of the nearest ancestor below `self` that has one.
            let mut up = Some(n);
            while next.is_none() {
                let Some(u) = up.filter(|u| u.id != self.id) else { break };
                next = u.next_sibling();
                up = u.parent();
            }
        }
        out
    }
}

struct Children<'a> {
    front: Option<NodeRef<'a>>,
    back: Option<NodeRef<'a>>,
}

impl<'a> Iterator for Children<'a> {
    type Item = NodeRef<'a>;
    fn next(&mut self) -> Option<NodeRef<'a>> {
        let n = self.front?;
        if self.back.is_some_and(|b| b.id == n.id) {
            self.front = None;
            self.back = None;
        } else {
            self.front = n.next_sibling();
        }
        Some(n)
    }
}

impl<'a> DoubleEndedIterator for Children<'a> {
    fn next_back(&mut self) -> Option<NodeRef<'a>> {
        let n = self.back?;
        if self.front.is_some_and(|f| f.id == n.id) {
            self.front = None;
            self.back = None;
        } else {
            self.back = n.prev_sibling();
        }
        Some(n)
    }
}

/// Pre-order walk of a subtree without a stack: first child, else the next
/// sibling of the nearest ancestor that has one, never leaving `root`.
pub struct Descendants<'a> {
    root: NodeRef<'a>,
    next: Option<NodeRef<'a>>,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = NodeRef<'a>;
    fn next(&mut self) -> Option<NodeRef<'a>> {
        let current = self.next?;
        self.next = current.first_child().or_else(|| {
            let mut n = current;
            loop {
                if n.id == self.root.id {
                    return None;
                }
                if let Some(s) = n.next_sibling() {
                    return Some(s);
                }
                n = n.parent()?;
            }
        });
        Some(current)
    }
}

/// Runs html5ever's tokenizer into `builder` through [`DepthCap`].
fn run(builder: TreeBuilder<u32, Sink>, opts: TokenizerOpts, text: &str, long_tags: usize, scripting: bool) -> Dom {
    let tokenizer = Tokenizer::new(DepthCap::new(builder, scripting), opts);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    // `Script` and `EncodingIndicator` only pause the tokenizer: go on.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    tokenizer.end();
    let cap = tokenizer.sink;
    let deep_tags = cap.dropped.get();
    let formatting_tags = cap.dropped_formatting.get();
    let sink = cap.builder.sink;
    let merged_attributes = sink.merged_attributes_dropped.get();
    let mut dom = sink.finish();
    let flattened = flatten_deep(&mut dom.nodes, MAX_DEPTH);
    dom.cut = ParseCuts { deep_tags, formatting_tags, long_tags, merged_attributes, flattened };
    dom.scripting = scripting;
    dom
}

/// Moves every node deeper than `limit` up to depth `limit + 1`, as a child
/// of its ancestor at depth `limit`, in document order (the text reads the
/// same); returns how many moved.
///
/// The depth cap bounds the tree builder's stack, but the tree can get
/// deeper than the stack ever was: the adoption agency takes elements out of
/// the middle of the stack and leaves their children in the tree
/// (`<ul><select><a>` repeated: twice as deep). Browsers put elements past
/// their depth limit beside their parent; this does the same once the tree
/// is built. One walk over the tree; each node is moved at most once.
fn flatten_deep(nodes: &mut [Node], limit: usize) -> usize {
    let mut moved = 0;
    let mut subtree = Vec::new();
    let mut n = 0u32;
    let mut depth = 0usize;
    loop {
        let first = nodes[n as usize].first;
        if first != NONE && depth == limit {
            // All of `n`'s descendants become its children, in document order.
            subtree.clear();
            let mut d = first;
            while d != NONE {
                subtree.push(d);
                let node = &nodes[d as usize];
                d = if node.first != NONE { node.first } else { next_in(nodes, d, n) };
            }
            moved += subtree.iter().filter(|&&c| nodes[c as usize].parent != n).count();
            for (i, &c) in subtree.iter().enumerate() {
                let node = &mut nodes[c as usize];
                node.parent = n;
                node.first = NONE;
                node.last = NONE;
                node.prev = if i == 0 { NONE } else { subtree[i - 1] };
                node.next = subtree.get(i + 1).copied().unwrap_or(NONE);
            }
            nodes[n as usize].first = subtree[0];
            nodes[n as usize].last = subtree[subtree.len() - 1];
        } else if first != NONE {
            n = first;
            depth += 1;
            continue;
        }
        // On to the next sibling of `n` or of its nearest ancestor that has one.
        loop {
            if n == 0 {
                return moved;
            }
            let node = &nodes[n as usize];
            if node.next != NONE {
                n = node.next;
                break;
            }
            n = node.parent;
            depth -= 1;
        }
    }
}

/// The node after `d` in document order, once `d`'s subtree is done,
/// without leaving `root`'s subtree (`NONE` at its end).
fn next_in(nodes: &[Node], mut d: u32, root: u32) -> u32 {
    loop {
        if d == root {
            return NONE;
        }
        let node = &nodes[d as usize];
        if node.next != NONE {
            return node.next;
        }
        d = node.parent;
    }
}

/// Below this many handles a measure is cheap enough to make whenever the
/// bounds ask for one (see [`DepthCap::may_measure`]); real pages hold a
/// few dozen.
const CHEAP_MEASURE: usize = 256;
/// Tags and new elements between two measures of a deep stack.
const MEASURE_EVERY: usize = 32;

/// Counts the handles the tree builder holds (see [`DepthCap::held`]), a
/// `<template>` twice: its contents hang one level further down, under a
/// fragment node. Also counts the active formatting elements: the handles
/// come as the stack (ending with the current node), then the formatting
/// list, then a few element pointers (`<head>`, `<form>`), none of them a
/// formatting element.
struct HandleCount<'a> {
    count: Cell<usize>,
    /// [`Sink::kinds`].
    kinds: &'a [u8],
    current: u32,
    past_stack: Cell<bool>,
    formatting: Cell<usize>,
}

/// [`Sink::kinds`] bits.
const TEMPLATE: u8 = 1;
const FORMATTING: u8 = 2;

impl Tracer for HandleCount<'_> {
    type Handle = u32;
    fn trace_handle(&self, node: &u32) {
        let kind = self.kinds.get(*node as usize).copied().unwrap_or(0);
        self.count.set(self.count.get() + 1 + usize::from(kind & TEMPLATE));
        if self.past_stack.get() {
            self.formatting.set(self.formatting.get() + usize::from(kind & FORMATTING != 0));
        } else if *node == self.current {
            self.past_stack.set(true);
        }
    }
}

/// The elements the active formatting list holds (besides markers).
fn is_formatting(name: &LocalName) -> bool {
    matches!(
        &**name,
        "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike" | "strong" | "tt" | "u"
    )
}

/// Stands between the tokenizer and the tree builder and drops the start
/// tags that would take the tree builder's stack of open elements past
/// [`MAX_DEPTH`], or its active formatting elements past
/// [`MAX_FORMATTING`], and the end tags matching them.
///
/// The stack is measured, not modelled: `trace_handles` visits every handle
/// the tree builder holds (the stack, the active formatting elements, a few
/// pointers), an upper bound of the stack that also bounds what "reconstruct
/// the active formatting elements" can push back. Measuring costs one call
/// per handle, so it is done only when a cheaper bound could have reached
/// the cap. Every element pushed was created by the sink, so the count at
/// the last measure plus the elements created since, plus the formatting
/// ones among them once more (they may also join the formatting list),
/// bounds the count now; and when no element was created and the current
/// node is the same one, nothing was pushed: the count then still bounds it.
/// (That spares a measure per tag on `<span></div>` repeated at the cap,
/// where the stray end tags change nothing.)
struct DepthCap {
    builder: TreeBuilder<u32, Sink>,
    /// At the last measure: handles held, `created`, the current node.
    counted: Cell<(usize, usize, u32)>,
    /// Active formatting elements at the last measure, formatting start tags
    /// let through since, and whether any tag was (it may have closed some).
    formatting: Cell<(usize, usize, bool)>,
    /// Tags seen since the last measure.
    events: Cell<usize>,
    /// `Sink::created_formatting` at the last measure.
    formatting_at: Cell<usize>,
    /// Dropped start tags whose end tag has not come, by name.
    open_dropped: RefCell<HashMap<LocalName, usize>>,
    dropped: Cell<usize>,
    dropped_formatting: Cell<usize>,
    /// Scripts on: `<noscript>` is raw text and passes at the cap; off, it nests.
    scripting: bool,
}

impl DepthCap {
    fn new(builder: TreeBuilder<u32, Sink>, scripting: bool) -> DepthCap {
        DepthCap {
            builder,
            scripting,
            counted: Cell::new((0, 0, NONE)),
            formatting: Cell::new((0, 0, false)),
            events: Cell::new(0),
            formatting_at: Cell::new(0),
            open_dropped: RefCell::new(HashMap::new()),
            dropped: Cell::new(0),
            dropped_formatting: Cell::new(0),
        }
    }

    /// The tree builder's current node (`NONE` before `<html>`): asking
    /// whether it is foreign makes the tree builder look up its name.
    fn current_node(&self) -> u32 {
        self.builder.sink.last_named.set(NONE);
        let _ = self.builder.adjusted_current_node_present_but_not_in_html_namespace();
        self.builder.sink.last_named.get()
    }

    /// An upper bound of the tree builder's stack depth, exact when near the cap.
    fn held(&self) -> usize {
        let created = self.builder.sink.created.get();
        let current = self.current_node();
        let (count, at, node) = self.counted.get();
        if created == at && current == node && node != NONE {
            return count;
        }
        // Each element created since may have been pushed, and a formatting
        // one put in the formatting list too; one more for the `<head>`
        // pushed back for a moment after `</head>`.
        let formatting = self.builder.sink.created_formatting.get() - self.formatting_at.get();
        let bound = count + (created - at) + formatting + 1;
        if bound < MAX_DEPTH || !self.may_measure() {
            return bound;
        }
        self.measure(created, current).0
    }

    /// Whether measuring now is cheap (a shallow stack, as on every real
    /// page) or [`MEASURE_EVERY`] tags and new elements have passed since
    /// the last measure. Near the cap each measure visits some 500 handles,
    /// and a stack that goes up and down by one there (`<b><div>x</b>`
    /// repeated) would ask at every tag; between measures the bound decides.
    /// It grows by at most two per element, so it may drop a few tags that
    /// would still have fitted only when the last measure was within
    /// `2 * MEASURE_EVERY + 1` of the cap, or just after a deep part closed.
    fn may_measure(&self) -> bool {
        let (count, at, _) = self.counted.get();
        count < CHEAP_MEASURE || self.events.get() + (self.builder.sink.created.get() - at) >= MEASURE_EVERY
    }

    /// Handles held and active formatting elements, counted (see [`HandleCount`]).
    fn measure(&self, created: usize, current: u32) -> (usize, usize) {
        let kinds = self.builder.sink.kinds.borrow();
        let handles = HandleCount {
            count: Cell::new(0),
            kinds: &kinds,
            current,
            past_stack: Cell::new(current == NONE),
            formatting: Cell::new(0),
        };
        self.builder.trace_handles(&handles);
        let (count, formatting) = (handles.count.get(), handles.formatting.get());
        self.counted.set((count, created, current));
        self.formatting_at.set(self.builder.sink.created_formatting.get());
        self.formatting.set((formatting, 0, false));
        self.events.set(0);
        (count, formatting)
    }

    /// An upper bound of the active formatting list's length, exact when
    /// near [`MAX_FORMATTING`]. It only grows by formatting start tags.
    fn formatting_held(&self) -> usize {
        let (last, since, tags) = self.formatting.get();
        let bound = last + since;
        if bound < MAX_FORMATTING || !tags || !self.may_measure() {
            return bound;
        }
        self.measure(self.builder.sink.created.get(), self.current_node()).1
    }

    /// Start tags that never deepen the stack and are let through at the
    /// cap: void elements (pushed and popped at once) and raw text elements
    /// (popped at their end tag, before any other tag is read; dropping one
    /// would also leave the tokenizer reading its text as markup). Only in
    /// HTML content: in SVG or MathML an `<input>` or a `<style>` nests.
    fn passes_at_cap(&self, tag: &Tag) -> bool {
        if self.builder.adjusted_current_node_present_but_not_in_html_namespace() {
            // A self-closing foreign element is popped at once.
            return tag.self_closing;
        }
        matches!(
            &*tag.name,
            "area"
                | "base"
                | "basefont"
                | "bgsound"
                | "br"
                | "col"
                | "embed"
                | "frame"
                | "hr"
                | "image"
                | "img"
                | "input"
                | "keygen"
                | "link"
                | "meta"
                | "param"
                | "source"
                | "track"
                | "wbr"
                | "iframe"
                | "noembed"
                | "noframes"
                | "plaintext"
                | "script"
                | "style"
                | "textarea"
                | "title"
                | "xmp"
        ) || (self.scripting && &*tag.name == "noscript")
    }
}

impl TokenSink for DepthCap {
    type Handle = u32;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<u32> {
        if let Token::TagToken(tag) = &token {
            self.events.set(self.events.get() + 1);
            match tag.kind {
                TagKind::StartTag if self.held() >= MAX_DEPTH && !self.passes_at_cap(tag) => {
                    self.dropped.set(self.dropped.get() + 1);
                    if !tag.self_closing {
                        *self.open_dropped.borrow_mut().entry(tag.name.clone()).or_default() += 1;
                    }
                    return TokenSinkResult::Continue;
                }
                TagKind::EndTag => {
                    let mut open = self.open_dropped.borrow_mut();
                    if let Some(n) = open.get_mut(&tag.name) {
                        *n -= 1;
                        if *n == 0 {
                            open.remove(&tag.name);
                        }
                        return TokenSinkResult::Continue;
                    }
                }
                TagKind::StartTag if is_formatting(&tag.name) && self.formatting_held() >= MAX_FORMATTING => {
                    self.dropped_formatting.set(self.dropped_formatting.get() + 1);
                    if !tag.self_closing {
                        *self.open_dropped.borrow_mut().entry(tag.name.clone()).or_default() += 1;
                    }
                    return TokenSinkResult::Continue;
                }
                TagKind::StartTag => {}
            }
            let (last, since, _) = self.formatting.get();
            let started = tag.kind == TagKind::StartTag && is_formatting(&tag.name);
            self.formatting.set((last, since + usize::from(started), true));
        }
        self.builder.process_token(token, line_number)
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder.adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// The html5ever sink that builds a [`Dom`].
struct Sink {
    nodes: RefCell<Vec<Node>>,
    /// Elements created so far, and formatting elements among them (see [`DepthCap::held`]).
    created: Cell<usize>,
    created_formatting: Cell<usize>,
    /// The element `elem_name` was last asked about (see [`DepthCap::current_node`]).
    last_named: Cell<u32>,
    /// By node id, whether an element is a `<template>` or a formatting
    /// element ([`TEMPLATE`], [`FORMATTING`]): a dense table, as
    /// [`DepthCap::measure`] looks up hundreds of them at a time.
    kinds: RefCell<Vec<u8>>,
    merged_attributes_dropped: Cell<usize>,
}

/// What `elem_name` answers for a handle that is not an element (html5ever
/// never asks; answering beats panicking on a broken promise).
static NO_NAME: LazyLock<QualName> = LazyLock::new(|| QualName::new(None, ns!(), local_name!("")));

impl Sink {
    fn new(root: Data, input_len: usize) -> Sink {
        // About one node per 40 bytes of markup on real pages.
        let mut nodes = Vec::with_capacity(input_len / 40 + 4);
        nodes.push(Node::new(root));
        Sink {
            nodes: RefCell::new(nodes),
            created: Cell::new(0),
            created_formatting: Cell::new(0),
            last_named: Cell::new(NONE),
            kinds: RefCell::new(Vec::new()),
            merged_attributes_dropped: Cell::new(0),
        }
    }

    fn push(&self, data: Data) -> u32 {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node::new(data));
        (nodes.len() - 1) as u32
    }
}

fn detach(nodes: &mut [Node], id: u32) {
    let Node { parent, prev, next, .. } = nodes[id as usize];
    if parent == NONE {
        return;
    }
    if prev != NONE {
        nodes[prev as usize].next = next;
    } else {
        nodes[parent as usize].first = next;
    }
    if next != NONE {
        nodes[next as usize].prev = prev;
    } else {
        nodes[parent as usize].last = prev;
    }
    let n = &mut nodes[id as usize];
    n.parent = NONE;
    n.prev = NONE;
    n.next = NONE;
}

/// Links a detached node as the last child of `parent`.
fn append_child(nodes: &mut [Node], parent: u32, child: u32) {
    let last = nodes[parent as usize].last;
    {
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = last;
        c.next = NONE;
    }
    if last != NONE {
        nodes[last as usize].next = child;
    } else {
        nodes[parent as usize].first = child;
    }
    nodes[parent as usize].last = child;
}

/// Links a detached node just before `sibling`, which has a parent.
fn insert_before(nodes: &mut [Node], sibling: u32, child: u32) {
    let Node { parent, prev, .. } = nodes[sibling as usize];
    {
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = prev;
        c.next = sibling;
    }
    nodes[sibling as usize].prev = child;
    if prev != NONE {
        nodes[prev as usize].next = child;
    } else {
        nodes[parent as usize].first = child;
    }
}

impl TreeSink for Sink {
    type Handle = u32;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        Dom { nodes: self.nodes.into_inner(), cut: ParseCuts::default(), scripting: true }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        self.last_named.set(*target);
        Ref::map(self.nodes.borrow(), |nodes| match nodes.get(*target as usize).map(|n| &n.data) {
            Some(Data::Element(e)) => &e.name,
            _ => &NO_NAME,
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> u32 {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        // A template counts twice (see `HandleCount`).
        self.created.set(self.created.get() + 1 + usize::from(template));
        let kind = if template {
            TEMPLATE
        } else if name.ns == ns!(html) && is_formatting(&name.local) {
            FORMATTING
        } else {
            0
        };
        self.created_formatting.set(self.created_formatting.get() + usize::from(kind == FORMATTING));
        let id = self.push(Data::Element(Element::new(name, attrs)));
        if kind != 0 {
            let mut kinds = self.kinds.borrow_mut();
            kinds.resize(id as usize + 1, 0);
            kinds[id as usize] = kind;
        }
        if template {
            // Like scraper: the template's contents hang under a fragment child.
            let contents = self.push(Data::Fragment);
            append_child(&mut self.nodes.borrow_mut(), id, contents);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        let mut nodes = self.nodes.borrow_mut();
        match child {
            NodeOrText::AppendNode(id) => append_child(&mut nodes, *parent, id),
            NodeOrText::AppendText(text) => {
                let last = nodes[*parent as usize].last;
                if let Some(Data::Text(t)) = nodes.get_mut(last as usize).map(|n| &mut n.data) {
                    t.push_tendril(&text);
                    return;
                }
                nodes.push(Node::new(Data::Text(text)));
                let id = (nodes.len() - 1) as u32;
                append_child(&mut nodes, *parent, id);
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev_element: &u32, child: NodeOrText<u32>) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {
        let id = self.push(Data::Other);
        append_child(&mut self.nodes.borrow_mut(), 0, id);
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        let first = self.nodes.borrow()[*target as usize].first;
        if first != NONE { first } else { *target }
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeOrText::AppendNode(id) = new_node {
            detach(&mut nodes, id);
        }
        if nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => insert_before(&mut nodes, *sibling, id),
            NodeOrText::AppendText(text) => {
                let prev = nodes[*sibling as usize].prev;
                if let Some(Data::Text(t)) = nodes.get_mut(prev as usize).map(|n| &mut n.data) {
                    t.push_tendril(&text);
                    return;
                }
                nodes.push(Node::new(Data::Text(text)));
                let id = (nodes.len() - 1) as u32;
                insert_before(&mut nodes, *sibling, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(Data::Element(e)) = nodes.get_mut(*target as usize).map(|n| &mut n.data) {
            // Each repeated `<body a b …>` adds its new names: capped, or a
            // page of such tags grows one element's list without bound (and
            // this lookup with it).
            for attr in attrs {
                if !e.attrs.iter().any(|a| a.name == attr.name) {
                    if e.attrs.len() >= MAX_ATTRIBUTES {
                        self.merged_attributes_dropped.set(self.merged_attributes_dropped.get() + 1);
                        continue;
                    }
                    e.attrs.push(attr);
                }
            }
            e.index_attrs();
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[*node as usize].first;
        while child != NONE {
            let next = nodes[child as usize].next;
            detach(&mut nodes, child);
            append_child(&mut nodes, *new_parent, child);
            child = next;
        }
    }
}

/// A compiled selector list (scraper's selector grammar), matched against
/// this DOM.
#[derive(Debug, Clone)]
pub struct Css(SelectorList<Simple>);

impl Css {
    pub fn parse(source: &str) -> Result<Css, scraper::error::SelectorErrorKind> {
        let mut parser = cssparser::Parser::new(source);
        SelectorList::parse(&scraper::selector::Parser, &mut parser, ParseRelative::No)
            .map(Css)
            .map_err(scraper::error::SelectorErrorKind::from)
    }

    /// True when the element matches any selector of the list. `caches`
    /// serves one walk over one DOM.
    pub fn matches(&self, element: NodeRef<'_>, caches: &mut SelectorCaches) -> bool {
        self.matches_in(element, None, caches)
    }

    /// [`Css::matches`] with `:scope` standing for `scope` (the root when `None`).
    fn matches_in(&self, element: NodeRef<'_>, scope: Option<NodeRef<'_>>, caches: &mut SelectorCaches) -> bool {
        if !element.is_element() {
            return false;
        }
        let mut context = MatchingContext::new(
            MatchingMode::Normal,
            None,
            caches,
            selectors::context::QuirksMode::NoQuirks,
            NeedsSelectorFlags::No,
            MatchingForInvalidation::No,
        );
        context.scope_element = scope.map(|s| selectors::Element::opaque(&s));
        self.0.slice().iter().any(|s| matching::matches_selector(s, 0, None, &element, &mut context))
    }

    /// The matching elements under `scope` (not itself), in document order,
    /// as scraper's `ElementRef::select` finds them.
    pub fn select<'a>(&self, scope: NodeRef<'a>) -> Vec<NodeRef<'a>> {
        let mut caches = SelectorCaches::default();
        scope.descendants().skip(1).filter(|n| self.matches_in(*n, Some(scope), &mut caches)).collect()
    }
}

impl selectors::Element for NodeRef<'_> {
    type Impl = Simple;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(self.node())
    }

    fn parent_element(&self) -> Option<Self> {
        self.parent().filter(NodeRef::is_element)
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        self.prev_siblings().find(NodeRef::is_element)
    }

    fn next_sibling_element(&self) -> Option<Self> {
        std::iter::successors(self.next_sibling(), NodeRef::next_sibling).find(NodeRef::is_element)
    }

    fn first_element_child(&self) -> Option<Self> {
        self.children().find(NodeRef::is_element)
    }

    fn is_html_element_in_html_document(&self) -> bool {
        self.element().is_some_and(|e| e.name.ns == ns!(html))
    }

    fn has_local_name(&self, name: &CssLocalName) -> bool {
        self.element().is_some_and(|e| e.name.local == name.0)
    }

    fn has_namespace(&self, namespace: &html5ever::Namespace) -> bool {
        self.element().is_some_and(|e| &e.name.ns == namespace)
    }

    fn is_same_type(&self, other: &Self) -> bool {
        match (self.element(), other.element()) {
            (Some(a), Some(b)) => a.name == b.name,
            _ => false,
        }
    }

    fn attr_matches(
        &self,
        ns: &NamespaceConstraint<&html5ever::Namespace>,
        local_name: &CssLocalName,
        operation: &AttrSelectorOperation<&CssString>,
    ) -> bool {
        self.element().is_some_and(|e| {
            e.attrs.iter().any(|a| {
                !matches!(*ns, NamespaceConstraint::Specific(url) if *url != a.name.ns)
                    && local_name.0 == a.name.local
                    && operation.eval_str(&a.value)
            })
        })
    }

    fn match_non_ts_pseudo_class(&self, pc: &NonTSPseudoClass, _: &mut MatchingContext<'_, Simple>) -> bool {
        match *pc {}
    }

    fn match_pseudo_element(&self, pe: &PseudoElement, _: &mut MatchingContext<'_, Simple>) -> bool {
        match *pe {}
    }

    fn apply_selector_flags(&self, _flags: ElementSelectorFlags) {}

    fn is_link(&self) -> bool {
        // What scraper answers, so `:any-link` matches what it did.
        self.element().is_some_and(|e| e.name() == "link")
    }

    fn is_html_slot_element(&self) -> bool {
        true
    }

    fn has_id(&self, id: &CssLocalName, case_sensitivity: CaseSensitivity) -> bool {
        self.element().and_then(Element::id).is_some_and(|v| case_sensitivity.eq(id.0.as_bytes(), v.as_bytes()))
    }

    fn has_class(&self, name: &CssLocalName, case_sensitivity: CaseSensitivity) -> bool {
        self.element().is_some_and(|e| e.classes().any(|c| case_sensitivity.eq(c.as_bytes(), name.0.as_bytes())))
    }

    fn has_custom_state(&self, _name: &CssLocalName) -> bool {
        false
    }

    fn imported_part(&self, _: &CssLocalName) -> Option<CssLocalName> {
        None
    }

    fn is_part(&self, _name: &CssLocalName) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        !self.children().any(|c| matches!(c.data(), Data::Element(_) | Data::Text(_)))
    }

    fn is_root(&self) -> bool {
        self.parent().is_some_and(|p| matches!(p.data(), Data::Document))
    }

    fn add_element_unique_hashes(&self, _filter: &mut BloomFilter) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The depth of the deepest node of the tree (the document is 0).
    fn max_depth(dom: &Dom) -> usize {
        let mut depth = vec![0usize; dom.len()];
        let mut most = 0;
        // Node ids grow in creation order, but nodes move (foster parenting,
        // adoption): walk the tree, parents before children.
        for n in dom.document().descendants() {
            let d = n.parent().map_or(0, |p| depth[p.id().index()] + 1);
            depth[n.id().index()] = d;
            most = most.max(d);
        }
        most
    }

    /// Shapes that nest in html5ever's tree builder although the tags look
    /// "non-nesting" (`<li>` closes an `<li>` only when no other special
    /// element is in between, `<rt>` an `<rt>` only in a `<ruby>`), stray end
    /// tags that close nothing, the adoption agency, formatting elements
    /// reconstructed again and again. Each once got past a depth cap that
    /// modelled nesting in the markup scan (`'<li><dd>x' * 100000`: over
    /// 120 s). Every shape nests at least once per repetition when uncapped.
    #[test]
    fn no_markup_builds_a_tree_deeper_than_the_cap() {
        let n = 2 * MAX_DEPTH;
        let fonts: String = (0..n).map(|i| format!("<div><font color=c{i}>x</div>")).collect();
        let bs: String = (0..n).map(|i| format!("<p><b id={i}>x</p>")).collect();
        let shapes = [
            "<div>".repeat(n),
            "<li><dd>x".repeat(n),
            "<rt>x".repeat(n),
            "<rb>x".repeat(n),
            "<rp><rtc>x".repeat(n),
            "<ul><li><dt>x".repeat(n),
            "<div></span>x".repeat(n),
            "<span></div>x".repeat(n),
            "<b><div>x</b>".repeat(n),
            "<a><div>x</a>".repeat(n),
            "<p><object>x".repeat(n),
            "<table><td>x".repeat(n),
            "<table><caption>x".repeat(n),
            "<select><optgroup><option>x".repeat(n),
            "<template><li>x".repeat(n),
            "<dd><marquee>x".repeat(n),
            format!("<svg>{}", "<input>".repeat(n)),
            format!("<svg>{}", "<style>x".repeat(n)),
            format!("<math>{}", "<mi><div/>".repeat(n)),
            format!("<svg><foreignObject>{}", "<div/>".repeat(n)),
            // Deeper in the tree than on the stack: the adoption agency takes
            // elements out of the middle of the stack, their children stay.
            "<ul><select><a>x".repeat(n),
            "<select><a id=0><ul><li>".repeat(n),
            fonts,
            bs,
        ];
        for page in &shapes {
            let dom = Dom::parse_document(page);
            let depth = max_depth(&dom);
            assert!(depth <= MAX_DEPTH + 8, "{}…: depth {depth}", &page[..40.min(page.len())]);
            let cut = dom.cut.deep_tags + dom.cut.flattened + dom.cut.formatting_tags;
            assert!(cut > 0, "{}…", &page[..40.min(page.len())]);
        }
    }

    /// With scripts off `<noscript>` is an ordinary element: it must not
    /// pass the depth cap as the raw-text element it is with scripts on.
    #[test]
    fn noscript_nests_only_with_scripts_off_and_is_capped_then() {
        let page = format!("<body>{}", "<noscript><div>x".repeat(2 * MAX_DEPTH));
        let on = Dom::parse_document(&page);
        assert!(on.scripting() && max_depth(&on) <= 5, "depth {}", max_depth(&on));
        let off = Dom::parse_without_scripting(&page);
        assert!(!off.scripting());
        let depth = max_depth(&off);
        assert!(depth <= MAX_DEPTH + 8 && off.cut.deep_tags > 0, "depth {depth}");
        let shown = Dom::parse_without_scripting("<body><noscript><p>posts</p></noscript>");
        let p = shown.root_element().descendants().find(|n| n.element().is_some_and(|e| e.name() == "p"));
        assert_eq!(p.map(|p| p.text_content()).as_deref(), Some("posts"));
    }

    const NAMES: &[&str] = &[
        "div",
        "p",
        "li",
        "dd",
        "dt",
        "ul",
        "dl",
        "option",
        "optgroup",
        "select",
        "rb",
        "rt",
        "rp",
        "rtc",
        "ruby",
        "table",
        "caption",
        "colgroup",
        "col",
        "tbody",
        "tr",
        "td",
        "th",
        "a",
        "b",
        "i",
        "font",
        "nobr",
        "button",
        "object",
        "marquee",
        "template",
        "svg",
        "math",
        "mi",
        "foreignObject",
        "desc",
        "g",
        "input",
        "form",
        "h1",
        "span",
        "br",
        "img",
        "body",
        "html",
        "head",
        "table",
        "li",
        "b",
    ];

    fn token() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            6 => proptest::sample::select(NAMES).prop_map(|n| format!("<{n}>")),
            3 => proptest::sample::select(NAMES).prop_map(|n| format!("</{n}>")),
            1 => proptest::sample::select(NAMES).prop_map(|n| format!("<{n}/>")),
            1 => (proptest::sample::select(&["b", "font", "a", "i"][..]), 0..4u8).prop_map(|(n, i)| format!("<{n} id={i}>")),
            2 => Just("x".to_owned()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 48, ..Default::default() })]

        /// Tag soup of every kind that nests, closes or reopens elements
        /// differently builds no tree deeper than the cap. Hostile shapes are
        /// a few tags repeated, so the soup is random units, each repeated.
        #[test]
        fn tag_soup_stays_within_the_cap(
            units in proptest::collection::vec((proptest::collection::vec(token(), 1..7), 100..700usize), 1..4)
        ) {
            let page: String = units.iter().map(|(unit, n)| unit.concat().repeat(*n)).collect();
            let depth = max_depth(&Dom::parse_document(&page));
            proptest::prop_assert!(depth <= MAX_DEPTH + 8, "depth {}", depth);
        }
    }

    #[test]
    fn deep_tags_are_dropped_text_kept() {
        let n = MAX_DEPTH + 100;
        let page = format!("{}deep{}<p>after</p>", "<div>".repeat(n), "</div>".repeat(n));
        let dom = Dom::parse_document(&page);
        assert_eq!(dom.document().text_content(), "deepafter");
        // What the tree builder holds counts: the document, `<html>`,
        // `<head>` (kept as a pointer) and `<body>` too; near the cap a few
        // more may go (see `may_measure`). The `<p>` after all the closing
        // tags is back at the top, beside the first `<div>`.
        let exact = n - (MAX_DEPTH - 4);
        assert!((exact..exact + MEASURE_EVERY).contains(&dom.cut.deep_tags), "{:?}", dom.cut);
        let p = dom.document().descendants().find(|e| e.element().is_some_and(|e| e.name() == "p")).unwrap();
        assert_eq!(p.ancestors().count(), 3);
        // Within the cap, nothing is dropped.
        let page = format!("{}x{}", "<div>".repeat(400), "</div>".repeat(400));
        assert_eq!(Dom::parse_document(&page).cut, ParseCuts::default());
    }

    /// Every piece of text clones the formatting elements that are active
    /// but not open: with no bound, `<div><font color=cN>x</div>` repeated
    /// made a clone of every font so far for each `x` (10 MB: 23 GB).
    #[test]
    fn formatting_elements_are_not_cloned_without_bound() {
        let n = 2000;
        let page: String = (0..n).map(|i| format!("<div><font color=c{i}>x</div>")).collect();
        let dom = Dom::parse_document(&page);
        assert!(dom.len() <= n * (MAX_FORMATTING + 6), "{} nodes", dom.len());
        assert_eq!(dom.cut.formatting_tags, n - MAX_FORMATTING);
        assert_eq!(dom.document().text_content(), "x".repeat(n));
        // Within the bound, the fonts are all there (and each `x` is in all of them).
        let page: String = (0..MAX_FORMATTING).map(|i| format!("<div><font color=c{i}>x</div>")).collect();
        assert_eq!(Dom::parse_document(&page).cut, ParseCuts::default());
    }

    #[test]
    fn nodes_deeper_than_the_cap_move_up_in_order() {
        let page: String = (0..1000).map(|i| format!("<ul><select><a>{i} ")).collect();
        let dom = Dom::parse_document(&page);
        assert!(dom.cut.flattened > 0, "{:?}", dom.cut);
        assert!(max_depth(&dom) <= MAX_DEPTH + 1);
        let want: String = (0..1000).map(|i| format!("{i} ")).collect();
        assert_eq!(dom.document().text_content(), want);
    }

    /// Void and raw text elements still parse at the cap: a `<br>` keeps its
    /// line break, a `<script>` keeps the text after it out of the page.
    #[test]
    fn void_and_raw_text_elements_pass_at_the_cap() {
        let page = format!("{}a<br>b<script>if (a<b) {{}}</script><img alt=i>c", "<div>".repeat(MAX_DEPTH + 5));
        let dom = Dom::parse_document(&page);
        let names: Vec<&str> = dom.document().descendants().filter_map(|n| n.element()).map(|e| e.name()).collect();
        assert!(names.ends_with(&["br", "script", "img"]), "{:?}", &names[names.len() - 4..]);
        assert_eq!(dom.document().text_content(), "ab".to_owned() + "c");
    }

    fn dump(n: NodeRef<'_>, out: &mut String) {
        match n.data() {
            Data::Element(e) => {
                out.push('<');
                out.push_str(e.name());
                out.push('>');
                n.children().for_each(|c| dump(c, out));
                out.push_str("</>");
            }
            Data::Text(t) => out.push_str(t),
            Data::Fragment => {
                out.push('{');
                n.children().for_each(|c| dump(c, out));
                out.push('}');
            }
            _ => n.children().for_each(|c| dump(c, out)),
        }
    }

    fn dump_scraper(n: ego_tree::NodeRef<'_, scraper::Node>, out: &mut String) {
        match n.value() {
            scraper::Node::Element(e) => {
                out.push('<');
                out.push_str(e.name());
                out.push('>');
                n.children().for_each(|c| dump_scraper(c, out));
                out.push_str("</>");
            }
            scraper::Node::Text(t) => out.push_str(t),
            scraper::Node::Fragment => {
                out.push('{');
                n.children().for_each(|c| dump_scraper(c, out));
                out.push('}');
            }
            _ => n.children().for_each(|c| dump_scraper(c, out)),
        }
    }

    #[test]
    fn misnested_markup_builds_scrapers_tree() {
        // Adoption agency (`<b>` across `<p>`), foster parenting (text in a
        // table), merged text, template contents in a fragment, stray end tags.
        for page in [
            "<p>1<b>2<p>3</b>4<table>x<tr><td>y</table><template><i>t</i></template>",
            "<!DOCTYPE html><table><tr><td>a<b>b</td>c<div>d</table>e</i>f<a><a>g</a>",
            "<html a=1><body><html b=2 class='q'><body c=3><select><option>1<option>2</select><frameset>",
        ] {
            let mut ours = String::new();
            dump(Dom::parse_document(page).document(), &mut ours);
            let mut theirs = String::new();
            dump_scraper(scraper::Html::parse_document(page).tree.root(), &mut theirs);
            assert_eq!(ours, theirs, "{page}");
        }
    }

    #[test]
    fn text_content_leaves_out_code_and_drawings() {
        let dom = Dom::parse_document("<p>By <script>x()</script><style>.a{}</style><svg><title>i</title></svg>Jo</p>");
        let p = dom.root_element().descendants().find(|n| n.element().is_some_and(|e| e.name() == "p")).unwrap();
        assert_eq!(p.text_content(), "By Jo");
        let script = p.descendants().find(|n| n.element().is_some_and(|e| e.name() == "script")).unwrap();
        assert_eq!(script.text_content(), "x()");
    }

    #[test]
    fn classes_and_attrs() {
        let dom = Dom::parse_document("<div class=' a  b\tc ' id=x data-k=v>t</div>");
        let div = dom.root_element().descendants().find(|n| n.element().is_some_and(|e| e.name() == "div")).unwrap();
        let e = div.element().unwrap();
        assert_eq!(e.classes().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(e.id(), Some("x"));
        assert_eq!(e.attr("data-k"), Some("v"));
        assert_eq!(e.attr("nope"), None);
    }

    #[test]
    fn selectors_match_like_scraper() {
        let page = "<div id=a class='x y'><p>1</p><p class=y>2</p></div><script type='Application/LD+JSON'>{}</script><span></span>";
        let dom = Dom::parse_document(page);
        let html = scraper::Html::parse_document(page);
        for s in [
            "div p",
            "div > p.y",
            "#a",
            ".x.y",
            "p:first-child",
            "p:nth-of-type(2)",
            "script[type='application/ld+json']",
            "span:empty",
            ":root",
            ":scope > body",
            "div:has(> p.y)",
            "[class~=y]",
        ] {
            // Matches compared by name and class (text_content leaves scripts out, scraper's text() does not).
            let ours: Vec<String> = Css::parse(s)
                .unwrap()
                .select(dom.root_element())
                .iter()
                .map(|n| n.element().map(|e| format!("{}.{:?}", e.name(), e.attr("class"))).unwrap_or_default())
                .collect();
            let sel = scraper::Selector::parse(s).unwrap();
            let theirs: Vec<String> = html
                .root_element()
                .select(&sel)
                .map(|e| format!("{}.{:?}", e.value().name(), e.value().attr("class")))
                .collect();
            assert_eq!(ours, theirs, "{s}");
        }
    }
}

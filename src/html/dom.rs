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
use std::cell::{Ref, RefCell};
use std::sync::LazyLock;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};
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
}

impl Dom {
    /// Parses a whole document, as a browser would.
    pub fn parse_document(text: &str) -> Dom {
        let sink = Sink::new(Data::Document, text.len());
        html5ever::driver::parse_document(sink, Default::default()).one(text)
    }

    /// Parses a fragment in a `<body>` context (rule examples).
    pub fn parse_fragment(text: &str) -> Dom {
        let sink = Sink::new(Data::Fragment, text.len());
        let context = QualName::new(None, ns!(html), local_name!("body"));
        html5ever::driver::parse_fragment(sink, Default::default(), context, Vec::new(), false).one(text)
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
    /// contents are cut before parsing anyway, see `depth::prepare`; this
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

/// The html5ever sink that builds a [`Dom`].
struct Sink {
    nodes: RefCell<Vec<Node>>,
}

/// What `elem_name` answers for a handle that is not an element (html5ever
/// never asks; answering beats panicking on a broken promise).
static NO_NAME: LazyLock<QualName> = LazyLock::new(|| QualName::new(None, ns!(), local_name!("")));

impl Sink {
    fn new(root: Data, input_len: usize) -> Sink {
        // About one node per 40 bytes of markup on real pages.
        let mut nodes = Vec::with_capacity(input_len / 40 + 4);
        nodes.push(Node::new(root));
        Sink { nodes: RefCell::new(nodes) }
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
        Dom { nodes: self.nodes.into_inner() }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| match nodes.get(*target as usize).map(|n| &n.data) {
            Some(Data::Element(e)) => &e.name,
            _ => &NO_NAME,
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> u32 {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        let id = self.push(Data::Element(Element::new(name, attrs)));
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
            for attr in attrs {
                if !e.attrs.iter().any(|a| a.name == attr.name) {
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

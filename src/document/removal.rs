use serde::Serialize;

use crate::document::Origin;
use crate::rules::{Category, Rule};

/// What a removal took away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// An HTML element and everything in it (selector rules, content choice).
    Element,
    /// A whole block.
    Block,
    /// A span inside a block that otherwise stays.
    Span,
}

/// Which neighbour a context condition (`with_previous`/`with_next`) took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Previous,
    Next,
}

/// One thing a pass removed, and the rule that made it: the unit of every
/// report, diff and statistic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Removal {
    /// The rule's id, or `builtin:…` for a decision no rule file holds.
    pub rule: String,
    pub category: Category,
    pub scope: Scope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Side>,
    pub text: String,
    pub origin: Origin,
    /// How sure a learned decision was (`builtin:text-boilerplate`: the
    /// line scorer's probability); rules are certain and carry none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// The filter as its list writes it, when a filter list's line removed this (`rule` is
    /// then the list's `FILE:LINE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Sort key placing the removal in document order among the blocks.
    #[serde(skip)]
    pub(crate) position: (usize, u8),
}

impl Removal {
    pub fn new(rule: &Rule, scope: Scope, text: impl Into<String>, origin: Origin) -> Self {
        Removal {
            rule: rule.id.clone(),
            category: rule.category,
            scope,
            context: None,
            text: text.into(),
            origin,
            score: None,
            filter: None,
            position: (0, 0),
        }
    }

    /// A whole block removed by a decision no rule file holds (`builtin:…`),
    /// with its score when the decision was learned.
    pub(crate) fn builtin(id: &str, block: super::Block, score: Option<f32>) -> Self {
        Removal {
            rule: id.to_owned(),
            category: Category::Other,
            scope: Scope::Block,
            context: None,
            text: block.text,
            origin: block.origin,
            score,
            filter: None,
            position: (0, 0),
        }
    }

    pub(crate) fn at(mut self, block: usize, order: u8) -> Self {
        self.position = (block, order);
        self
    }
}

//! Learned components' shared machinery: gradient-boosted trees
//! ([`trees`]), grown by the training programs in `examples/` and
//! evaluated by each model's own code.

pub mod trees;

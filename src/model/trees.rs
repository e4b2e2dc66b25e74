//! Gradient-boosted regression trees for the logistic loss: grown here for
//! every learned component (the scraped-text line scorer, the page-type
//! classifier), in f64 and in a fixed order, so the same rows give the same
//! trees on any machine and a test can check a shipped model is what its
//! training gives. [`Forest`] scores the HTML models' trees (a page's
//! blocks at once); the text scorer lays its trees out for its own hot path.

use serde::{Deserialize, Serialize};

/// A tree node: `[feature, threshold, left, right, value]`; a leaf has
/// feature -1 and adds `value` to the log-odds. Rows with the feature at most
/// the threshold go left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Node(pub i16, pub f32, pub u16, pub u16, pub f32);

/// How the trees are grown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TreeParams {
    pub rounds: usize,
    /// At most [`FOREST_MAX_DEPTH`], so the trees can be scored as a [`Forest`].
    pub depth: usize,
    pub learning_rate: f64,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Least hessian weight in a leaf.
    pub min_weight: f64,
}

/// Fits trees to rows of `K` features labelled true or false (Newton leaf
/// values, exact greedy splits): the starting log-odds and the trees.
/// `weights` (one per row) scale each row's gradient and hessian, as a
/// class weight does; `None` weighs every row 1.
pub fn boost<const K: usize>(
    rows: &[([f32; K], bool)],
    weights: Option<&[f64]>,
    params: TreeParams,
) -> (f32, Vec<Vec<Node>>) {
    let n = rows.len();
    let y: Vec<f64> = rows.iter().map(|(_, b)| f64::from(u8::from(*b))).collect();
    let base = start(&y, weights);
    // Rows by value, per feature (ties by row index).
    let sorted: Vec<Vec<usize>> = (0..K)
        .map(|k| {
            let mut idx: Vec<usize> = (0..n).collect();
            idx.sort_by(|&a, &b| rows[a].0[k].total_cmp(&rows[b].0[k]).then(a.cmp(&b)));
            idx
        })
        .collect();
    let mut z = vec![f64::from(base); n];
    let mut trees = Vec::with_capacity(params.rounds);
    for _ in 0..params.rounds {
        let p: Vec<f64> = z.iter().map(|v| 1.0 / (1.0 + (-v).exp())).collect();
        let mut g: Vec<f64> = p.iter().zip(&y).map(|(p, y)| p - y).collect();
        let mut h: Vec<f64> = p.iter().map(|p| (p * (1.0 - p)).max(1e-6)).collect();
        if let Some(w) = weights {
            g.iter_mut().zip(w).for_each(|(g, w)| *g *= w);
            h.iter_mut().zip(w).for_each(|(h, w)| *h *= w);
        }
        let tree = grow(rows, &sorted, &g, &h, params);
        for (i, (f, _)) in rows.iter().enumerate() {
            z[i] += f64::from(leaf(&tree, f));
        }
        trees.push(tree);
    }
    (base, trees)
}

/// The value of the leaf `f` reaches. The tree must be well formed (as
/// grown, or checked when its file is read): a walk is bounded by its size.
pub fn leaf(tree: &[Node], f: &[f32]) -> f32 {
    let mut at = 0usize;
    for _ in 0..tree.len() {
        let Some(&Node(feature, threshold, left, right, value)) = tree.get(at) else { break };
        if feature < 0 {
            return value;
        }
        at = usize::from(if f.get(feature as usize).is_some_and(|&v| v <= threshold) { left } else { right });
    }
    0.0
}

/// Trees laid out for scoring many rows: every tree completed to one depth
/// (a leaf above it stands for the same value all the way down), its splits
/// in breadth-first order. A walk is then `depth` steps without a branch to
/// mispredict, and scoring tree by tree over a batch of rows lets the
/// processor run the rows' walks side by side; the sums are those of
/// [`leaf`] tree after tree, bit for bit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Forest {
    depth: u32,
    /// Per tree, `2^depth - 1` splits: (feature, threshold).
    splits: Vec<(u16, f32)>,
    /// Per tree, `2^depth` leaf values.
    leaves: Vec<f32>,
}

/// The deepest tree a [`Forest`] lays out.
pub const FOREST_MAX_DEPTH: u32 = 16;

impl Forest {
    /// Lays out checked trees ([`check`]); an error if one is deeper than
    /// [`FOREST_MAX_DEPTH`] or loops back on itself.
    pub fn new(trees: &[Vec<Node>]) -> Result<Forest, String> {
        let too_deep = || format!("a tree of the model is deeper than {FOREST_MAX_DEPTH} levels");
        let mut depth = 0;
        for tree in trees {
            depth = depth.max(tree_depth(tree, 0, 0).ok_or_else(too_deep)?);
        }
        let inner = (1usize << depth) - 1;
        let mut forest = Forest {
            depth,
            splits: vec![(0, f32::INFINITY); inner * trees.len()],
            leaves: vec![0.0; (inner + 1) * trees.len()],
        };
        for (t, tree) in trees.iter().enumerate() {
            let splits = &mut forest.splits[t * inner..(t + 1) * inner];
            let leaves = &mut forest.leaves[t * (inner + 1)..(t + 1) * (inner + 1)];
            place(tree, 0, 0, splits, leaves);
        }
        Ok(forest)
    }

    /// Per row, the sum of the leaves it reaches (rows must have every
    /// feature the trees split on, as [`check`] made sure for `K`).
    pub fn sums<const K: usize>(&self, rows: &[[f32; K]]) -> Vec<f32> {
        let mut sums = vec![0f32; rows.len()];
        let inner = (1usize << self.depth) - 1;
        for (t, leaves) in self.leaves.chunks_exact(inner + 1).enumerate() {
            let splits = &self.splits[t * inner..(t + 1) * inner];
            for (sum, row) in sums.iter_mut().zip(rows) {
                let mut at = 0usize;
                for _ in 0..self.depth {
                    let (k, threshold) = splits[at];
                    let right = !row.get(usize::from(k)).is_some_and(|&v| v <= threshold);
                    at = 2 * at + 1 + usize::from(right);
                }
                *sum += leaves[at - inner];
            }
        }
        sums
    }
}

/// A tree's depth below `at` (reached at `level`); `None` past [`FOREST_MAX_DEPTH`].
fn tree_depth(tree: &[Node], at: usize, level: u32) -> Option<u32> {
    let node = tree.get(at)?;
    if node.0 < 0 {
        return Some(level);
    }
    if level >= FOREST_MAX_DEPTH {
        return None;
    }
    let left = tree_depth(tree, usize::from(node.2), level + 1)?;
    Some(left.max(tree_depth(tree, usize::from(node.3), level + 1)?))
}

/// Writes the subtree at `at` into complete slot `slot`: a split while
/// `slot` is one of the `splits`, else a leaf.
fn place(tree: &[Node], at: usize, slot: usize, splits: &mut [(u16, f32)], leaves: &mut [f32]) {
    let inner = splits.len();
    let Some(&Node(feature, threshold, left, right, value)) = tree.get(at) else { return };
    if slot >= inner {
        leaves[slot - inner] = value;
    } else if feature < 0 {
        // A leaf above the last level: both ways lead to its value.
        place(tree, at, 2 * slot + 1, splits, leaves);
        place(tree, at, 2 * slot + 2, splits, leaves);
    } else {
        splits[slot] = (feature as u16, threshold);
        place(tree, usize::from(left), 2 * slot + 1, splits, leaves);
        place(tree, usize::from(right), 2 * slot + 2, splits, leaves);
    }
}

/// Five decimals: the model files stay short and print the same everywhere.
pub fn round(v: f64) -> f32 {
    ((v * 1e5).round() / 1e5) as f32
}

/// The starting log-odds: the (weighted) share of positive rows, kept off
/// 0 and 1 so a one-class set still starts finite.
fn start(y: &[f64], weights: Option<&[f64]>) -> f32 {
    let n = y.len();
    match weights {
        None => {
            let positive = y.iter().sum::<f64>().clamp(1.0, (n.max(2) - 1) as f64);
            round((positive / (n as f64 - positive)).ln())
        }
        Some(w) => {
            let total: f64 = w.iter().sum();
            let positive: f64 = w.iter().zip(y).map(|(w, y)| w * y).sum();
            let positive = positive.clamp(total * 1e-3, total * (1.0 - 1e-3));
            round((positive / (total - positive)).ln())
        }
    }
}

/// Leaf values: the Newton step of the rows in each leaf (`node_of`: each
/// row's leaf), scaled by the learning rate.
fn set_leaves(tree: &mut [Node], node_of: &[usize], g: &[f64], h: &[f64], params: TreeParams) {
    let mut sums = vec![(0f64, 0f64); tree.len()];
    for (i, &t) in node_of.iter().enumerate() {
        sums[t].0 += g[i];
        sums[t].1 += h[i];
    }
    for (node, (gs, hs)) in tree.iter_mut().zip(sums) {
        if node.0 < 0 {
            node.4 = round(-gs / (hs + params.lambda) * params.learning_rate);
        }
    }
}

/// Checks trees read from a model file over `features` features: every
/// tree has a node, and every split names a feature and nodes it holds.
pub fn check<'a>(trees: impl IntoIterator<Item = &'a Vec<Node>>, features: usize) -> Result<(), String> {
    for tree in trees {
        let ok = tree.iter().all(|n| {
            n.0 < 0 || ((n.0 as usize) < features && usize::from(n.2) < tree.len() && usize::from(n.3) < tree.len())
        });
        if !ok || tree.is_empty() {
            return Err("a tree of the model is malformed".into());
        }
    }
    Ok(())
}

/// A number as the model files write it (the shortest form that reads back the same).
pub fn number(v: f32) -> String {
    serde_json::to_string(&v).unwrap_or_default()
}

/// Trees as the model files hold them: one a line, after `indent`, separated by commas.
pub fn trees_json(trees: &[Vec<Node>], indent: &str) -> String {
    let mut out = String::new();
    for (i, tree) in trees.iter().enumerate() {
        let nodes: Vec<String> =
            tree.iter().map(|n| format!("[{}, {}, {}, {}, {}]", n.0, number(n.1), n.2, n.3, number(n.4))).collect();
        let comma = if i + 1 < trees.len() { "," } else { "" };
        out.push_str(&format!("{indent}[{}]{comma}\n", nodes.join(", ")));
    }
    out
}

/// One tree, grown level by level: every node of a level finds its best
/// split in one pass over each feature's sorted rows.
// Index loops: rows, nodes and features are addressed by index throughout.
#[allow(clippy::needless_range_loop)]
fn grow<const K: usize>(
    rows: &[([f32; K], bool)],
    sorted: &[Vec<usize>],
    g: &[f64],
    h: &[f64],
    params: TreeParams,
) -> Vec<Node> {
    let n = rows.len();
    let mut tree: Vec<Node> = vec![Node(-1, 0.0, 0, 0, 0.0)];
    let mut node_of: Vec<usize> = vec![0; n];
    let mut open: Vec<usize> = vec![0];
    for _ in 0..params.depth {
        if open.is_empty() {
            break;
        }
        // Each row's open node, as an index into this level's vectors
        // (NONE: its node is a leaf already): looked up in the inner loop.
        const NONE: usize = usize::MAX;
        let mut slot_of_node = vec![NONE; tree.len()];
        for (s, &t) in open.iter().enumerate() {
            slot_of_node[t] = s;
        }
        let row_slot: Vec<usize> = node_of.iter().map(|&t| slot_of_node[t]).collect();
        let mut total = vec![(0f64, 0f64); open.len()];
        for i in 0..n {
            let s = row_slot[i];
            if s != NONE {
                total[s].0 += g[i];
                total[s].1 += h[i];
            }
        }
        // Best (gain, feature, threshold) per open node.
        let mut best: Vec<Option<(f64, usize, f32)>> = vec![None; open.len()];
        for k in 0..K {
            let mut left = vec![(0f64, 0f64); open.len()];
            let mut last: Vec<Option<f32>> = vec![None; open.len()];
            for &i in &sorted[k] {
                let s = row_slot[i];
                if s == NONE {
                    continue;
                }
                let v = rows[i].0[k];
                if let Some(prev) = last[s]
                    && v > prev
                {
                    let (gl, hl) = left[s];
                    let (gt, ht) = total[s];
                    let (gr, hr) = (gt - gl, ht - hl);
                    if hl >= params.min_weight && hr >= params.min_weight {
                        let gain = gl * gl / (hl + params.lambda) + gr * gr / (hr + params.lambda)
                            - gt * gt / (ht + params.lambda);
                        let threshold = round((f64::from(prev) + f64::from(v)) / 2.0);
                        if gain > 1e-9 && threshold >= prev && threshold < v && best[s].is_none_or(|(b, _, _)| gain > b)
                        {
                            best[s] = Some((gain, k, threshold));
                        }
                    }
                }
                left[s].0 += g[i];
                left[s].1 += h[i];
                last[s] = Some(v);
            }
        }
        let mut next = Vec::new();
        for (s, &t) in open.iter().enumerate() {
            let Some((_, k, threshold)) = best[s] else { continue };
            let l = tree.len();
            tree.push(Node(-1, 0.0, 0, 0, 0.0));
            tree.push(Node(-1, 0.0, 0, 0, 0.0));
            tree[t] = Node(k as i16, threshold, l as u16, (l + 1) as u16, 0.0);
            next.push(l);
            next.push(l + 1);
        }
        for i in 0..n {
            let t = node_of[i];
            let Node(k, threshold, l, r, _) = tree[t];
            if k >= 0 && row_slot[i] != NONE {
                node_of[i] = usize::from(if rows[i].0[k as usize] <= threshold { l } else { r });
            }
        }
        open = next;
    }
    set_leaves(&mut tree, &node_of, g, h, params);
    tree
}

/// [`boost`] for many rows: each feature is cut at most `bins - 1` times
/// (at quantiles of its values), and a level's splits are found from
/// per-node histograms of the bins, not from each feature's sorted rows, so
/// a round costs rows × features additions. Same trees format; a row goes
/// left when its value is at most the cut, as in [`leaf`].
pub fn boost_binned<const K: usize>(
    rows: &[([f32; K], bool)],
    weights: Option<&[f64]>,
    params: TreeParams,
    bins: usize,
) -> (f32, Vec<Vec<Node>>) {
    let n = rows.len();
    let bins = bins.clamp(2, 256);
    let y: Vec<f64> = rows.iter().map(|(_, b)| f64::from(u8::from(*b))).collect();
    let base = start(&y, weights);
    let w: Vec<f64> = weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
    // Cuts per feature, and every row's bin of every feature (row-major).
    let cuts: Vec<Vec<f32>> = (0..K)
        .map(|k| {
            let mut values: Vec<f32> = rows.iter().map(|r| r.0[k]).collect();
            values.sort_by(f32::total_cmp);
            let mut distinct = values.clone();
            distinct.dedup();
            let picked: Vec<f32> = if distinct.len() <= bins {
                distinct
            } else {
                let mut p: Vec<f32> = (1..bins).map(|j| values[j * (n - 1) / bins]).collect();
                p.dedup();
                p
            };
            let mut cut = Vec::new();
            for pair in picked.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                // The next distinct value above `a`, so the cut sits between values.
                let next = values[values.partition_point(|v| *v <= a)..].first().copied().unwrap_or(b);
                let t = round((f64::from(a) + f64::from(next)) / 2.0);
                if t >= a && t < next {
                    cut.push(t);
                }
            }
            cut
        })
        .collect();
    let mut bin = vec![0u8; n * K];
    for (i, (f, _)) in rows.iter().enumerate() {
        for k in 0..K {
            bin[i * K + k] = cuts[k].partition_point(|t| *t < f[k]) as u8;
        }
    }
    let mut z = vec![f64::from(base); n];
    let mut trees = Vec::with_capacity(params.rounds);
    let mut g = vec![0f64; n];
    let mut h = vec![0f64; n];
    for _ in 0..params.rounds {
        for i in 0..n {
            let p = 1.0 / (1.0 + (-z[i]).exp());
            g[i] = (p - y[i]) * w[i];
            h[i] = (p * (1.0 - p)).max(1e-6) * w[i];
        }
        let tree = grow_binned::<K>(&bin, &cuts, &g, &h, params, bins);
        for (i, (f, _)) in rows.iter().enumerate() {
            z[i] += f64::from(leaf(&tree, f));
        }
        trees.push(tree);
    }
    (base, trees)
}

// Index loops: rows, nodes, features and bins are addressed by index throughout.
#[allow(clippy::needless_range_loop)]
fn grow_binned<const K: usize>(
    bin: &[u8],
    cuts: &[Vec<f32>],
    g: &[f64],
    h: &[f64],
    params: TreeParams,
    bins: usize,
) -> Vec<Node> {
    let n = g.len();
    const NONE: usize = usize::MAX;
    let mut tree: Vec<Node> = vec![Node(-1, 0.0, 0, 0, 0.0)];
    let mut node_of: Vec<usize> = vec![0; n];
    let mut open: Vec<usize> = vec![0];
    for _ in 0..params.depth {
        if open.is_empty() {
            break;
        }
        let mut slot_of_node = vec![NONE; tree.len()];
        for (s, &t) in open.iter().enumerate() {
            slot_of_node[t] = s;
        }
        // hist[(slot * K + k) * bins + b] = (g, h) of the slot's rows in bin b of feature k.
        let mut hist = vec![(0f64, 0f64); open.len() * K * bins];
        let mut total = vec![(0f64, 0f64); open.len()];
        for i in 0..n {
            let s = slot_of_node[node_of[i]];
            if s == NONE {
                continue;
            }
            total[s].0 += g[i];
            total[s].1 += h[i];
            let row = &bin[i * K..(i + 1) * K];
            let at = s * K * bins;
            for k in 0..K {
                let cell = &mut hist[at + k * bins + usize::from(row[k])];
                cell.0 += g[i];
                cell.1 += h[i];
            }
        }
        let mut next = Vec::new();
        let mut split_of: Vec<Option<(usize, usize)>> = vec![None; open.len()];
        for (s, &t) in open.iter().enumerate() {
            let (gt, ht) = total[s];
            let mut best: Option<(f64, usize, usize)> = None;
            for k in 0..K {
                let (mut gl, mut hl) = (0f64, 0f64);
                for j in 0..cuts[k].len() {
                    let cell = hist[(s * K + k) * bins + j];
                    gl += cell.0;
                    hl += cell.1;
                    let (gr, hr) = (gt - gl, ht - hl);
                    if hl < params.min_weight || hr < params.min_weight {
                        continue;
                    }
                    let gain = gl * gl / (hl + params.lambda) + gr * gr / (hr + params.lambda)
                        - gt * gt / (ht + params.lambda);
                    if gain > 1e-9 && best.is_none_or(|(b, _, _)| gain > b) {
                        best = Some((gain, k, j));
                    }
                }
            }
            let Some((_, k, j)) = best else { continue };
            let l = tree.len();
            tree.push(Node(-1, 0.0, 0, 0, 0.0));
            tree.push(Node(-1, 0.0, 0, 0, 0.0));
            tree[t] = Node(k as i16, cuts[k][j], l as u16, (l + 1) as u16, 0.0);
            split_of[s] = Some((k, j));
            next.push(l);
            next.push(l + 1);
        }
        for i in 0..n {
            let t = node_of[i];
            let s = if t < slot_of_node.len() { slot_of_node[t] } else { NONE };
            if s == NONE {
                continue;
            }
            if let Some((k, j)) = split_of[s] {
                let Node(_, _, l, r, _) = tree[t];
                node_of[i] = usize::from(if usize::from(bin[i * K + k]) <= j { l } else { r });
            }
        }
        open = next;
    }
    set_leaves(&mut tree, &node_of, g, h, params);
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binned_trees_split_where_the_classes_part() {
        // Positive when the first feature is over 0.6, whatever the second.
        let rows: Vec<([f32; 2], bool)> =
            (0..200).map(|i| ([i as f32 / 200.0, (i % 7) as f32], i as f32 / 200.0 > 0.6)).collect();
        let params = TreeParams { rounds: 20, depth: 2, learning_rate: 0.3, lambda: 1.0, min_weight: 1.0 };
        let (base, trees) = boost_binned(&rows, None, params, 16);
        let score = |f: &[f32]| base + trees.iter().map(|t| leaf(t, f)).sum::<f32>();
        assert!(score(&[0.9, 3.0]) > 1.0 && score(&[0.2, 3.0]) < -1.0);
        let root = trees[0][0];
        assert_eq!(root.0, 0, "the first split is on the first feature");
        // With 16 bins the cut is at a quantile near 0.6; with more bins than
        // values it is exact: between 0.6 and 0.605, the values either side.
        assert!((0.55..0.67).contains(&root.1), "{root:?}");
        let (_, exact) = boost_binned(&rows, None, params, 256);
        assert!((0.6..0.605).contains(&exact[0][0].1), "{:?}", exact[0][0]);
        // The same rows give the same trees.
        assert_eq!(boost_binned(&rows, None, params, 16), (base, trees));
    }

    #[test]
    fn a_forest_sums_what_the_walks_do() {
        // Uneven trees: a leaf at the root, one at depth 1, splits to depth 3.
        let trees = vec![
            vec![Node(-1, 0.0, 0, 0, 0.25)],
            vec![
                Node(1, 0.5, 1, 2, 0.0),
                Node(-1, 0.0, 0, 0, -1.0),
                Node(0, 2.0, 3, 4, 0.0),
                Node(-1, 0.0, 0, 0, 0.5),
                Node(2, -1.0, 5, 6, 0.0),
                Node(-1, 0.0, 0, 0, 2.0),
                Node(-1, 0.0, 0, 0, 3.0),
            ],
        ];
        let rows: Vec<[f32; 3]> = (0..64)
            .map(|i| [(i % 4) as f32, (i % 3) as f32 * 0.4, if i % 5 == 0 { f32::NAN } else { i as f32 - 30.0 }])
            .collect();
        let forest = Forest::new(&trees).unwrap();
        assert_eq!(forest.depth, 3);
        let sums = forest.sums(&rows);
        for (row, sum) in rows.iter().zip(sums) {
            let walked: f32 = trees.iter().map(|t| leaf(t, row)).sum();
            assert_eq!(walked.to_bits(), sum.to_bits(), "{row:?}");
        }
        // Leaves alone lay out too.
        assert_eq!(Forest::new(&trees[..1]).unwrap().sums(&rows[..2]), vec![0.25, 0.25]);
        // A tree that loops back on itself is refused, not walked forever.
        assert!(Forest::new(&[vec![Node(0, 1.0, 0, 0, 0.0)]]).is_err());
    }
}

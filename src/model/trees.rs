//! Gradient-boosted regression trees for the logistic loss: grown here for
//! every learned component (the scraped-text line scorer, the page-type
//! classifier), in f64 and in a fixed order, so the same rows give the same
//! trees on any machine and a test can check a shipped model is what its
//! training gives. Scoring stays with each model: each lays its trees out
//! for its own hot path.

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
    let base = match weights {
        None => {
            let positive = y.iter().sum::<f64>().clamp(1.0, (n.max(2) - 1) as f64);
            round((positive / (n as f64 - positive)).ln())
        }
        Some(w) => {
            let total: f64 = w.iter().sum();
            let positive: f64 = w.iter().zip(&y).map(|(w, y)| w * y).sum();
            let positive = positive.clamp(total * 1e-3, total * (1.0 - 1e-3));
            round((positive / (total - positive)).ln())
        }
    };
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

/// Five decimals: the model files stay short and print the same everywhere.
pub fn round(v: f64) -> f32 {
    ((v * 1e5).round() / 1e5) as f32
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
    // Leaf values: the Newton step of the rows in each leaf.
    let mut sums = vec![(0f64, 0f64); tree.len()];
    for i in 0..n {
        sums[node_of[i]].0 += g[i];
        sums[node_of[i]].1 += h[i];
    }
    for (t, node) in tree.iter_mut().enumerate() {
        if node.0 < 0 {
            let (gs, hs) = sums[t];
            node.4 = round(-gs / (hs + params.lambda) * params.learning_rate);
        }
    }
    tree
}

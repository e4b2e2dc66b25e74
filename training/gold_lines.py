#!/usr/bin/env python3
"""Article lines nobody labelled for declutter: how many does text cleaning remove?

    cargo build --release && python3 training/gold_lines.py [--split tune|validate|all] [-v] [-- extra clean args]

The gold main content of WCXB's article pages (../shared/datasets/wcxb-dev,
written by its annotators, not by us) is fed to `declutter clean` as scraped
text, one JSONL record a page with its URL. Every line of it is article text
by that set's definition, so every line a rule or the scorer removes is a
probable false positive: a precision check for the rule library and the
scorer on sites and writers the labelled scraped-text set never saw. Pages
are split by site as in training/wcxb/split.tsv; `-v` lists the removed lines
(tune only, as for the labelled set: validate is for reporting).

Gold text is not perfect article text (some pages' gold keeps a caption or a
byline), so the figure is an upper bound on what cleaning gets wrong here.
"""

import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wcxb_split  # noqa: E402
from eval_text import parse_args, removed_lines, run  # noqa: E402


def pages(split):
    for r in wcxb_split.split_rows():
        if r["page_type"] != "article" or (split != "all" and r["split"] != split):
            continue
        with open(os.path.join(wcxb_split.WCXB, "ground-truth", r["file_id"] + ".json"), encoding="utf-8") as f:
            t = json.load(f)
        text = (t.get("ground_truth") or {}).get("main_content") or ""
        if text.strip():
            yield {"id": r["file_id"], "url": t.get("url"), "text": text}


def main():
    want, verbose, extra = parse_args(sys.argv[1:])
    for split in (["tune", "validate"] if want == "all" else [want]):
        records = list(pages(split))
        outs = run(records, extra)
        total = 0
        by_rule = collections.Counter()
        spans = collections.Counter()
        listed = []
        for rec, out in zip(records, outs):
            lines = rec["text"].replace("\r\n", "\n").replace("\r", "\n").split("\n")
            numbered = [(k + 1, l) for k, l in enumerate(lines) if l.strip()]
            total += len(numbered)
            removed, cut = removed_lines(out)
            for n, l in numbered:
                if n in removed:
                    by_rule[removed[n]] += 1
                    listed.append((rec["id"], n, removed[n], l))
            for text, rule in cut:
                spans[rule] += 1
                listed.append((rec["id"], 0, rule + " (span)", text))
        gone = sum(by_rule.values())
        print("## %s: %d article pages, %d gold lines" % (split, len(records), total))
        print("gold lines removed: %d (%.2f %%); spans cut: %d" % (gone, 100.0 * gone / max(total, 1), sum(spans.values())))
        print("| rule | lines | spans |")
        print("|---|---|---|")
        for rule in sorted(set(by_rule) | set(spans), key=lambda r: -(by_rule[r] + spans[r])):
            print("| %s | %d | %d |" % (rule, by_rule[rule], spans[rule]))
        if verbose and split == "tune":
            print()
            for fid, n, rule, l in listed:
                print("%s:%d [%s] %s" % (fid, n, rule, l[:200]))
        print()


if __name__ == "__main__":
    main()

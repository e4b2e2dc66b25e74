#!/usr/bin/env python3
"""Scores declutter's text cleaning on the labelled scraped-text set.

    cargo build --release && python3 training/eval_text.py [--split tune|validate|all] [-v] [-- extra clean args]

For each split: the share of boilerplate lines removed (per category) and of
article lines kept, counted over labelled lines. A line is removed when a
block removal covers it (its origin line and the lines of its text); spans cut
from a kept line count for the inline labels only. `-v` lists the misses.
"""

import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scraped_texts as st  # noqa: E402

# DECLUTTER_BIN: another build to score (a frozen copy while the tree changes).
BIN = os.environ.get("DECLUTTER_BIN") or os.path.join(st.ROOT, "target", "release", "declutter")


def run(records, extra):
    inp = "".join(json.dumps({"id": r["id"], "url": r["url"], "text": r["text"]}) + "\n" for r in records)
    res = subprocess.run([BIN, "clean", "--jsonl", "--report", "-q", "-"] + extra, input=inp.encode(), capture_output=True)
    if res.returncode not in (0, 1):
        raise SystemExit(res.stderr.decode())
    return [json.loads(l) for l in res.stdout.split(b"\n") if l.strip()]


def removed_lines(out):
    """{line: rule} of lines a block removal took; [(text, rule)] of spans."""
    lines, spans = {}, []
    for r in out.get("removals") or []:
        origin = r.get("origin") or {}
        if "line" not in origin:
            continue
        if r.get("scope") == "span":
            spans.append((r["text"], r["rule"]))
            continue
        n = len(r["text"].split("\n"))
        for k in range(origin["line"], origin["line"] + n):
            lines[k] = r["rule"]
    return lines, spans


def parse_args(argv):
    """(split wanted, -v given, extra clean args after `--`)."""
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = argv[:argv.index("--")] if "--" in argv else argv
    want = args[args.index("--split") + 1] if "--split" in args else "all"
    return want, "-v" in args, extra


def main():
    want, verbose, extra = parse_args(sys.argv[1:])
    records = st.corpus()
    labels = st.load_labels()
    sel = [s for s in st.selection() if s["id"] in labels]
    splits = ["tune", "validate"] if want == "all" else [want]
    for split in splits:
        ids = [s["id"] for s in sel if s["split"] == split]
        outs = run([records[i] for i in ids], extra)
        by_cat = collections.Counter()
        hit_cat = collections.Counter()
        art = art_kept = 0
        inline = inline_hit = 0
        misses, losses, span_misses = [], [], []
        for i, out in zip(ids, outs):
            assert out["id"] == i
            gone, spans = removed_lines(out)
            lines = st.lines_of(records[i]["text"])
            for n, (label, pieces, _) in sorted(labels[i].items()):
                if label == "article":
                    art += 1
                    if n in gone:
                        losses.append((i, n, gone[n], lines[n - 1]))
                    else:
                        art_kept += 1
                else:
                    by_cat[label] += 1
                    if n in gone:
                        hit_cat[label] += 1
                    else:
                        misses.append((i, n, label, lines[n - 1]))
                for side, cat, span in pieces:
                    inline += 1
                    if any(t.strip() and (t.strip() in span or span in t) for t, _ in spans) or n in gone:
                        inline_hit += 1
                    else:
                        span_misses.append((i, n, "%s:%s" % (side, cat), span))
        boiler = sum(by_cat.values())
        hit = sum(hit_cat.values())
        print("## %s: %d texts, %d boilerplate lines, %d article lines" % (split, len(ids), boiler, art))
        print("boilerplate removed: %d of %d (%.1f %%); article kept: %d of %d (%.2f %%); inline spans cut: %d of %d" % (
            hit, boiler, 100.0 * hit / max(boiler, 1), art_kept, art, 100.0 * art_kept / max(art, 1), inline_hit, inline))
        print("| category | lines | removed |")
        print("|---|---|---|")
        for cat, n in by_cat.most_common():
            print("| %s | %d | %.0f %% |" % (cat, n, 100.0 * hit_cat[cat] / n))
        if verbose:
            print("\n### article lines removed")
            for i, n, rule, text in losses:
                print("%s:%d [%s] %s" % (i, n, rule, text[:150]))
            print("\n### boilerplate kept")
            for i, n, label, text in misses:
                print("%s:%d (%s) %s" % (i, n, label, text[:150]))
            print("\n### inline spans kept")
            for i, n, label, text in span_misses:
                print("%s:%d (%s) %s" % (i, n, label, text[:150]))
        print()


if __name__ == "__main__":
    main()

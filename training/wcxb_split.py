#!/usr/bin/env python3
"""The WCXB dev split by domain (issue 12): tune (2/3) to fit on, validate (1/3) to report.

    python3 training/wcxb_split.py select                 # writes training/wcxb/split.tsv (fixed, committed)
    python3 training/wcxb_split.py stats                  # pages per split and page type
    python3 training/wcxb_split.py score SPLIT [-- ARGS]   # ../shared/eval/score.py on one split

A page's split is a hash of its URL's host without `www.` (the same hash as the
scraped-text split), so no site is on both sides. `score` links the split's
pages into a temporary folder in WCXB's layout and runs score.py on it with
declutter's release build (`declutter clean --quiet --output-dir`); ARGS after
`--` go to `declutter clean`.
"""

import collections
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scraped_texts import split_of  # noqa: E402  (one split hash for both sets)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WCXB = os.environ.get("WCXB", os.path.join(ROOT, "..", "shared", "datasets", "wcxb-dev"))
SPLIT = os.path.join(HERE, "wcxb", "split.tsv")
SCORE = os.path.join(ROOT, "..", "shared", "eval", "score.py")
# DECLUTTER_BIN: another build to score (a frozen copy while the tree changes).
BIN = os.environ.get("DECLUTTER_BIN") or os.path.join(ROOT, "target", "release", "declutter")


def host_of(url):
    h = (urllib.parse.urlsplit(url).hostname or "").lower()
    return h[4:] if h.startswith("www.") else h


def select():
    truth = os.path.join(WCXB, "ground-truth")
    rows = []
    for name in sorted(os.listdir(truth)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(truth, name), encoding="utf-8") as f:
            t = json.load(f)
        fid = name[: -len(".json")]
        # One page has no URL: it is its own site.
        host = host_of(t.get("url") or "") or "page-" + fid
        kind = t.get("_internal", {}).get("page_type", {}).get("primary", "unknown")
        rows.append((fid, host, kind, split_of(host)))
    os.makedirs(os.path.dirname(SPLIT), exist_ok=True)
    with open(SPLIT, "w", encoding="utf-8") as f:
        f.write("file_id\thost\tpage_type\tsplit\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%d pages, %d sites" % (len(rows), len({r[1] for r in rows})))


def split_rows():
    with open(SPLIT, encoding="utf-8") as f:
        next(f)
        return [dict(zip(("file_id", "host", "page_type", "split"), l.rstrip("\n").split("\t"))) for l in f]


def stats():
    c = collections.Counter((r["split"], r["page_type"]) for r in split_rows())
    kinds = sorted({k for _, k in c})
    print("| split | " + " | ".join(kinds) + " | all |")
    print("|---" * (len(kinds) + 2) + "|")
    for s in ("tune", "validate"):
        print("| %s | %s | %d |" % (s, " | ".join(str(c[(s, k)]) for k in kinds), sum(c[(s, k)] for k in kinds)))


def score(split, extra):
    rows = [r for r in split_rows() if r["split"] == split]
    if not rows:
        sys.exit("no pages in split %r (tune, validate)" % split)
    with tempfile.TemporaryDirectory() as tmp:
        for sub in ("html", "ground-truth"):
            os.makedirs(os.path.join(tmp, sub))
        for r in rows:
            fid = r["file_id"]
            os.symlink(os.path.abspath(os.path.join(WCXB, "html", fid + ".html.gz")), os.path.join(tmp, "html", fid + ".html.gz"))
            os.symlink(os.path.abspath(os.path.join(WCXB, "ground-truth", fid + ".json")), os.path.join(tmp, "ground-truth", fid + ".json"))
        cmd = " ".join([BIN, "clean", "--quiet"] + extra + ["--output-dir", "{out_dir}", "{in_dir}"])
        res = subprocess.run([sys.executable, SCORE, "--dataset", "wcxb", "--data", tmp, "--batch-cmd", cmd, "--name", "declutter-" + split])
        sys.exit(res.returncode)


def main():
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[: args.index("--")] if "--" in args else args
    if args == ["select"]:
        select()
    elif args == ["stats"]:
        stats()
    elif len(args) == 2 and args[0] == "score":
        score(args[1], extra)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()

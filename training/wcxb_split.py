#!/usr/bin/env python3
"""The WCXB dev split by domain (issue 12): tune (2/3) to fit on, validate (1/3) to report.

    python3 training/wcxb_split.py select                 # writes training/wcxb/split.tsv (fixed, committed)
    python3 training/wcxb_split.py stats                  # pages per split and page type
    python3 training/wcxb_split.py score SPLIT [-- ARGS]   # ../shared/eval/score.py on one split
    python3 training/wcxb_split.py pages OUT [OLD] [-- ARGS]  # per page: clean every page into OUT, score
                                                          # both splits by type; with OLD, the pages that moved

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


def _gold():
    """{file_id: (gold text, page type)} as score.py reads them."""
    out = {}
    for r in split_rows():
        with open(os.path.join(WCXB, "ground-truth", r["file_id"] + ".json"), encoding="utf-8") as f:
            t = json.load(f)
        out[r["file_id"]] = ((t.get("ground_truth") or {}).get("main_content") or "", r["page_type"])
    return out


def _page_f1(folder, gold):
    sys.path.insert(0, os.path.dirname(SCORE))
    from score import _word_prf  # the metric score.py reports, page by page

    out = {}
    for fid, (text, _) in gold.items():
        path = os.path.join(folder, fid + ".txt")
        pred = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        out[fid] = _word_prf(pred, text)
    return out


def pages(out, old, extra):
    """Cleans every WCXB page (both splits) into OUT and prints F1 per split and type, the
    figures score.py gives; with OLD (an earlier OUT), the pages whose F1 moved most."""
    rows = split_rows()
    src = os.path.join(tempfile.gettempdir(), "declutter-wcxb-html")
    if not os.path.isdir(src) or len(os.listdir(src)) < len(rows):
        import gzip

        os.makedirs(src, exist_ok=True)
        for r in rows:
            with gzip.open(os.path.join(WCXB, "html", r["file_id"] + ".html.gz")) as f:
                open(os.path.join(src, r["file_id"] + ".html"), "wb").write(f.read())
    os.makedirs(out, exist_ok=True)
    subprocess.run([BIN, "clean", "--quiet"] + extra + ["--output-dir", out, src], check=True)
    gold = _gold()
    new = _page_f1(out, gold)
    split = {r["file_id"]: r["split"] for r in rows}
    kinds = sorted({k for _, k in gold.values()})
    print("| split | all | " + " | ".join(kinds) + " |")
    print("|---" * (len(kinds) + 2) + "|")
    for s in ("tune", "validate"):
        cells = []
        for k in [None] + kinds:
            fs = [new[f][2] for f in new if split[f] == s and (k is None or gold[f][1] == k)]
            cells.append("%.3f" % (sum(fs) / max(1, len(fs))))
        print("| %s | %s |" % (s, " | ".join(cells)))
    if old:
        before = _page_f1(old, gold)
        moved = sorted(new, key=lambda f: abs(new[f][2] - before[f][2]), reverse=True)
        for f in moved[:25]:
            if abs(new[f][2] - before[f][2]) < 0.005:
                break
            print("%s %-8s %-13s F1 %.3f -> %.3f (P %.2f -> %.2f, R %.2f -> %.2f)" % (
                f, split[f], gold[f][1], before[f][2], new[f][2], before[f][0], new[f][0], before[f][1], new[f][1]))


def main():
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[: args.index("--")] if "--" in args else args
    if args == ["select"]:
        select()
    elif args == ["stats"]:
        stats()
    elif len(args) in (2, 3) and args[0] == "pages":
        pages(args[1], args[2] if len(args) == 3 else None, extra)
    elif len(args) == 2 and args[0] == "score":
        score(args[1], extra)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()

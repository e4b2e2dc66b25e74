#!/usr/bin/env python3
"""The labelled scraped-text set (issue 11): selection, labelling sheets, checks.

The texts stay in ../shared/datasets/scraped-texts/corpus.jsonl; the project
keeps only labels keyed by record id and line number, with a hash of the line
so a changed corpus is detected. Conventions: training/scraped-texts/CONVENTIONS.md.

    python3 training/scraped_texts.py select            # writes selection.tsv (fixed, committed)
    python3 training/scraped_texts.py extend [ROUND]    # appends round 2 (b7, b8), 3 (b9-b11), 4 (b12-b14) or 5 (b15-b20)
    python3 training/scraped_texts.py sheet BATCH       # a sheet to label: id, line, ?, text
    python3 training/scraped_texts.py finish SHEET BATCH  # checks a filled sheet, writes labels/BATCH.tsv
    python3 training/scraped_texts.py check             # every label file against the corpus
    python3 training/scraped_texts.py stats             # counts per split and category

A line is an element of the text split on LF after CR LF and CR become LF,
numbered from 1; only lines with non-space characters are labelled.
"""

import collections
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SET = os.path.join(HERE, "scraped-texts")
CORPUS = os.environ.get("SCRAPED_TEXTS", os.path.join(ROOT, "..", "shared", "datasets", "scraped-texts", "corpus.jsonl"))
SELECTION = os.path.join(SET, "selection.tsv")
LABELS = os.path.join(SET, "labels")

CATEGORIES = [
    "share", "newsletter", "consent", "poll", "shortcode", "related", "ad", "credit", "bio",
    "syndication", "disclaimer", "press", "navigation", "comments", "other",
]
PER_PUBLISHER = 5
BATCHES = 6
# Later rounds: (texts of each publisher already taken before it, up to this
# many more, in these batches). Round 1 is `select`.
ROUNDS = {
    2: (PER_PUBLISHER, 3, ["b7", "b8"]),
    3: (PER_PUBLISHER + 3, 4, ["b9", "b10", "b11"]),
    4: (PER_PUBLISHER + 7, 4, ["b12", "b13", "b14"]),
    5: (PER_PUBLISHER + 11, 6, ["b15", "b16", "b17", "b18", "b19", "b20"]),
}


def sha(line):
    return hashlib.sha256(line.strip().encode("utf-8")).hexdigest()[:12]


def lines_of(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def corpus():
    with open(CORPUS, encoding="utf-8") as f:
        return {r["id"]: r for r in map(json.loads, f)}


def split_of(domain):
    """Tune (2/3) or validate (1/3), by publisher: a hash of the domain, so a
    publisher's texts are all on one side."""
    return "validate" if int(hashlib.sha256(domain.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def selection():
    rows = []
    with open(SELECTION, encoding="utf-8") as f:
        next(f)
        for line in f:
            id_, domain, split, batch = line.rstrip("\n").split("\t")
            rows.append({"id": id_, "domain": domain, "split": split, "batch": batch})
    return rows


def select():
    records = corpus()
    by_domain = collections.defaultdict(list)
    for r in records.values():
        by_domain[r["domain"]].append(r["id"])
    rows = []
    domains = sorted(by_domain)
    for n, d in enumerate(domains):
        ids = sorted(by_domain[d], key=lambda i: hashlib.sha256(i.encode()).hexdigest())[:PER_PUBLISHER]
        for i in ids:
            rows.append((i, d, split_of(d), "b%d" % (n % BATCHES + 1)))
    with open(SELECTION, "w", encoding="utf-8") as f:
        f.write("id\tdomain\tsplit\tbatch\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%d texts from %d publishers" % (len(rows), len(domains)))


def extend(round_=2):
    """Appends the next texts of each publisher (by the same hash order, so the
    earlier rounds are unchanged) in new batches; each keeps its publisher's split."""
    if round_ not in ROUNDS:
        sys.exit("no round %r: rounds are %s" % (round_, ", ".join(map(str, ROUNDS))))
    skip, more_per_publisher, batches = ROUNDS[round_]
    records = corpus()
    chosen = {r["id"] for r in selection()}
    if any(r["batch"] in batches for r in selection()):
        sys.exit("selection.tsv already holds batches %s" % ", ".join(batches))
    by_domain = collections.defaultdict(list)
    for r in records.values():
        by_domain[r["domain"]].append(r["id"])
    rows = []
    for n, d in enumerate(sorted(by_domain)):
        ids = sorted(by_domain[d], key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        more = [i for i in ids[skip:skip + more_per_publisher] if i not in chosen]
        for i in more:
            rows.append((i, d, split_of(d), batches[n % len(batches)]))
    with open(SELECTION, "a", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%d more texts from %d publishers" % (len(rows), len({r[1] for r in rows})))


def sheet(batch):
    records = corpus()
    for row in selection():
        if row["batch"] != batch:
            continue
        r = records[row["id"]]
        for n, line in enumerate(lines_of(r["text"]), 1):
            if line.strip():
                print("%s\t%d\t?\t%s" % (r["id"], n, line.replace("\t", " ")))


def parse_sheet(path, records):
    """Rows of a filled sheet; raises on anything off."""
    out, errors = [], []
    with open(path, encoding="utf-8") as f:
        for k, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw.strip() or raw.startswith("#"):
                continue
            parts = raw.split("\t", 3)
            if len(parts) < 3:
                errors.append("%s:%d: wanted id, line, label, text" % (path, k))
                continue
            id_, n, label = parts[0], parts[1], parts[2].strip()
            text = parts[3] if len(parts) > 3 else ""
            r = records.get(id_)
            if r is None or not n.isdigit():
                errors.append("%s:%d: unknown id or line %r %r" % (path, k, id_, n))
                continue
            lines = lines_of(r["text"])
            n = int(n)
            if not 1 <= n <= len(lines) or not lines[n - 1].strip():
                errors.append("%s:%d: %s has no non-empty line %d" % (path, k, id_, n))
                continue
            line = lines[n - 1]
            span = ""
            if label.startswith(("start:", "end:")):
                side, cat = label.split(":", 1)
                span = text.strip()
                if cat not in CATEGORIES:
                    errors.append("%s:%d: unknown category %r" % (path, k, cat))
                elif not span or span not in line.replace("\t", " "):
                    errors.append("%s:%d: the span is not in line %d of %s" % (path, k, n, id_))
                elif side == "start" and not line.replace("\t", " ").lstrip().startswith(span):
                    errors.append("%s:%d: a start span must open the line" % (path, k))
                elif side == "end" and not line.replace("\t", " ").rstrip().endswith(span):
                    errors.append("%s:%d: an end span must close the line" % (path, k))
            elif label != "article" and label not in CATEGORIES:
                errors.append("%s:%d: unknown label %r" % (path, k, label))
            elif text and text.strip() != line.replace("\t", " ").strip():
                errors.append("%s:%d: the text is not line %d of %s" % (path, k, n, id_))
            out.append((id_, n, sha(line), label, span))
    return out, errors


def finish(path, batch):
    records = corpus()
    rows, errors = parse_sheet(path, records)
    want = {(s["id"], n) for s in selection() if s["batch"] == batch
            for n, l in enumerate(lines_of(records[s["id"]]["text"]), 1) if l.strip()}
    got = collections.Counter((r[0], r[1]) for r in rows if ":" not in r[3])
    errors += ["%s line %d: not labelled" % k for k in sorted(want - set(got))]
    errors += ["%s line %d: labelled %d times" % (k[0], k[1], c) for k, c in got.items() if c > 1]
    errors += ["%s line %d: not in batch %s" % (k[0], k[1], batch) for k in sorted(set(got) - want)]
    if errors:
        print("\n".join(errors[:50]), file=sys.stderr)
        print("%d problems; nothing written" % len(errors), file=sys.stderr)
        sys.exit(1)
    rows.sort(key=lambda r: (r[0], r[1], ":" in r[3]))
    out = os.path.join(LABELS, batch + ".tsv")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("id\tline\tsha\tlabel\tspan\n")
        for r in rows:
            f.write("%s\t%d\t%s\t%s\t%s\n" % r)
    os.replace(tmp, out)
    print("wrote %s: %d lines of %d texts" % (out, len(got), len({r[0] for r in rows})))


def load_labels():
    """{id: {line: (label, [(side, category, span)])}} from every label file."""
    labels = collections.defaultdict(dict)
    for name in sorted(os.listdir(LABELS)):
        if not name.endswith(".tsv"):
            continue
        with open(os.path.join(LABELS, name), encoding="utf-8") as f:
            next(f)
            for raw in f:
                id_, n, h, label, span = raw.rstrip("\n").split("\t")
                entry = labels[id_].setdefault(int(n), [None, [], h])
                if ":" in label:
                    side, cat = label.split(":", 1)
                    entry[1].append((side, cat, span))
                else:
                    entry[0] = label
    return labels


def check():
    records = corpus()
    bad = 0
    labels = load_labels()
    for id_, lines in labels.items():
        text = lines_of(records[id_]["text"]) if id_ in records else None
        for n, (label, _, h) in lines.items():
            if text is None or n > len(text) or sha(text[n - 1]) != h:
                bad += 1
                print("%s line %d: the corpus changed (hash differs)" % (id_, n), file=sys.stderr)
    print("%d texts, %d lines, %d changed" % (len(labels), sum(len(v) for v in labels.values()), bad))
    sys.exit(1 if bad else 0)


def stats():
    labels = load_labels()
    split = {s["id"]: s["split"] for s in selection()}
    c = collections.Counter()
    for id_, lines in labels.items():
        for n, (label, inline, _) in lines.items():
            c[(split[id_], label)] += 1
            for side, cat, _ in inline:
                c[(split[id_], "%s:%s" % (side, cat))] += 1
    for (s, l), n in sorted(c.items()):
        print("%s\t%s\t%d" % (s, l, n))


if __name__ == "__main__":
    cmd = sys.argv[1:] or ["help"]
    if cmd[0] == "select":
        select()
    elif cmd[0] == "extend":
        extend(int(cmd[1]) if len(cmd) > 1 else 2)
    elif cmd[0] == "sheet" and len(cmd) == 2:
        sheet(cmd[1])
    elif cmd[0] == "finish" and len(cmd) == 3:
        finish(cmd[1], cmd[2])
    elif cmd[0] == "check":
        check()
    elif cmd[0] == "stats":
        stats()
    else:
        print(__doc__)
        sys.exit(2)

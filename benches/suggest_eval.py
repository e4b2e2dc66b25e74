#!/usr/bin/env python3
"""Measures `declutter rules suggest` on publisher corpora with known boilerplate.

A corpus per publisher template: a real page of the publisher (the committed
fixtures fixtures/breitbart/snopes-fact-checker.html and
fixtures/lifezette/founding-article.html) with its article paragraphs and
headline replaced by those of other real articles (the expected articles of
the Readability test pages in ../shared/datasets/readability-pages). So every
page carries the publisher's real template, and the ground truth is exact:
the inserted paragraphs are the article, everything else that reaches the
output is boilerplate. The publisher is given a fresh domain so the shipped
publisher file does not apply (the situation `suggest` is for).

Rules are suggested from 30 pages per publisher and measured on 10 others:
how much of the boilerplate that reaches the output with the shipped rules
the suggested rules remove, and how many article paragraphs they take with it.
Both with extraction (suggest looks at what extraction leaves) and without
(`--no-extract`: the whole template).

    cargo build --release && python3 benches/suggest_eval.py

With `--example DIR` it writes the README's example corpus instead: 12 pages
of the LifeZette template under the domain planetnews.example
(DIR/planet.jsonl.gz, and the first as DIR/page.html); the pages are built
the same way, from the same articles, in the same order.
"""

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "declutter")
READABILITY = os.path.join(ROOT, "..", "shared", "datasets", "readability-pages")
TEMPLATES = [
    ("breitbart-like", "news-a.example", "fixtures/breitbart/snopes-fact-checker"),
    ("lifezette-like", "news-b.example", "fixtures/lifezette/founding-article"),
]
TRAIN, TEST = 30, 10


def norm(text):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()).lower()


class Paragraphs(HTMLParser):
    """Text of each <p> in an expected Readability article."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.buf = []
        self.out = []

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self.depth += 1
            self.buf = []

    def handle_endtag(self, tag):
        if tag == "p" and self.depth:
            self.depth -= 1
            text = " ".join("".join(self.buf).split())
            if len(text) >= 60:
                self.out.append(text)

    def handle_data(self, data):
        if self.depth:
            self.buf.append(data)


def articles():
    out = []
    for case in sorted(os.listdir(READABILITY)):
        path = os.path.join(READABILITY, case)
        try:
            with open(os.path.join(path, "expected.html"), encoding="utf-8") as f:
                p = Paragraphs()
                p.feed(f.read())
            with open(os.path.join(path, "expected-metadata.json"), encoding="utf-8") as f:
                title = json.load(f).get("title") or case
        except OSError:
            continue
        paras = p.out[:8]
        if len(paras) >= 3:
            out.append((title, paras))
    return out


def make_page(template, expected_lines, title, paras):
    """The template with its article paragraphs and headline replaced."""
    wanted = {norm(line) for line in expected_lines if len(line) > 40}
    spans = [m.span() for m in re.finditer(r"<p\b[^>]*>.*?</p>", template, re.S) if norm(m.group(0)) in wanted]
    if not spans:
        raise SystemExit("no article paragraph of the template found")
    new = "".join("<p>%s</p>\n" % html.escape(p) for p in paras)
    out, last = [], 0
    for i, (a, b) in enumerate(spans):
        out.append(template[last:a])
        if i == 0:
            out.append(new)
        last = b
    out.append(template[last:])
    page = "".join(out)
    page = re.sub(r"(<h1\b[^>]*>).*?(</h1>)", lambda m: m.group(1) + html.escape(title) + m.group(2), page, count=1, flags=re.S)
    page = re.sub(r"(<title>).*?(</title>)", lambda m: m.group(1) + html.escape(title) + m.group(2), page, count=1, flags=re.S)
    return page


def clean(records, extra):
    """Output blocks of each record (one JSONL line per record, in order)."""
    inp = "".join(json.dumps(r) + "\n" for r in records)
    res = subprocess.run([BIN, "clean", "--jsonl", "-", "-q"] + extra, input=inp.encode(), capture_output=True, check=True)
    return [[b for b in json.loads(line)["text"].split("\n\n") if b.strip()] for line in res.stdout.decode().splitlines()]


def score(outputs, truths, titles):
    """Boilerplate blocks and characters in the output, article paragraphs found.
    The headline counts as neither (the ground truth holds paragraphs only)."""
    boiler_blocks = boiler_chars = article_found = article_total = 0
    for blocks, truth, title in zip(outputs, truths, titles):
        blocks = [b for b in blocks if norm(b) != norm(title)]
        keys = {norm(b) for b in blocks}
        article_total += len(truth)
        article_found += sum(1 for t in truth if norm(t) in keys)
        for b in blocks:
            if norm(b) not in {norm(t) for t in truth}:
                boiler_blocks += 1
                boiler_chars += len(b)
    return boiler_blocks, boiler_chars, article_found, article_total


def main():
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    arts = articles()
    need = (TRAIN + TEST) * len(TEMPLATES)
    if len(arts) < need:
        raise SystemExit("only %d articles" % len(arts))
    print("| publisher template | extraction | rules suggested | boilerplate blocks left (shipped rules → + suggested) | boilerplate chars removed | article paragraphs kept (shipped → + suggested) |")
    print("|---|---|---|---|---|---|")
    for t, (name, domain, base) in enumerate(TEMPLATES):
        with open(os.path.join(ROOT, base + ".html"), "rb") as f:
            raw = f.read()
        try:
            template = raw.decode("utf-8")
        except UnicodeDecodeError:  # the LifeZette page is windows-1252, as its meta says
            template = raw.decode("cp1252", errors="replace")
        with open(os.path.join(ROOT, base + ".expected.txt"), encoding="utf-8") as f:
            expected = [l for l in f.read().split("\n\n") if l.strip()]
        mine = arts[t * (TRAIN + TEST):(t + 1) * (TRAIN + TEST)]
        records = [{"url": "https://www.%s/news/%d/" % (domain, i), "html": make_page(template, expected, title, paras)}
                   for i, (title, paras) in enumerate(mine)]
        truths = [paras for _, paras in mine]
        titles = [title for title, _ in mine][TRAIN:]
        train, test, test_truth = records[:TRAIN], records[TRAIN:], truths[TRAIN:]
        for mode, extra in (("on", []), ("off (--no-extract)", ["--no-extract"])):
            work = tempfile.mkdtemp()
            corpus = os.path.join(work, "train.jsonl")
            with open(corpus, "w") as f:
                f.writelines(json.dumps(r) + "\n" for r in train)
            res = subprocess.run([BIN, "rules", "suggest", corpus, "--rules", os.path.join(ROOT, "rules")] + extra, capture_output=True, check=True)
            suggested = res.stdout.decode()
            rules = os.path.join(work, "rules")
            shutil.copytree(os.path.join(ROOT, "rules"), rules)
            with open(os.path.join(rules, "publishers", name + ".toml"), "w") as f:
                f.write('[publisher]\nname = "%s"\ndomains = ["%s"]\n\n%s' % (name, domain, suggested))
            count = suggested.count("[[rule]]")
            before = score(clean(test, extra), test_truth, titles)
            after = score(clean(test, extra + ["--rules", rules]), test_truth, titles)
            removed = 1 - after[1] / before[1] if before[1] else 0.0
            print("| %s | %s | %d | %d → %d | %.0f%% | %d → %d of %d |" % (
                name, mode, count, before[0], after[0], removed * 100, before[2], after[2], before[3]))
            if "-v" in sys.argv:
                print(suggested)
            shutil.rmtree(work)


def example(out_dir):
    import gzip
    name, _, base = TEMPLATES[1]
    with open(os.path.join(ROOT, base + ".html"), "rb") as f:
        template = f.read().decode("cp1252", errors="replace")
    with open(os.path.join(ROOT, base + ".expected.txt"), encoding="utf-8") as f:
        expected = [l for l in f.read().split("\n\n") if l.strip()]
    arts = articles()[:12]
    os.makedirs(out_dir, exist_ok=True)
    records = [{"url": "https://www.planetnews.example/news/%d/" % i, "html": make_page(template, expected, title, paras)}
               for i, (title, paras) in enumerate(arts)]
    # mtime=0: the same bytes every time.
    with open(os.path.join(out_dir, "planet.jsonl.gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write("".join(json.dumps(r) + "\n" for r in records).encode("utf-8"))
    with open(os.path.join(out_dir, "page.html"), "w", encoding="utf-8") as f:
        f.write(records[0]["html"])
    print("wrote %d pages to %s" % (len(records), out_dir))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--example":
        example(sys.argv[2])
    else:
        main()

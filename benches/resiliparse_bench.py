#!/usr/bin/env python3
"""Times resiliparse's extract_plain_text(main_content=True) on one core over the
same pages `cargo bench --bench throughput` reads, for a side-by-side figure.

    pip install resiliparse   # in a venv
    venv/bin/python benches/resiliparse_bench.py
"""
import gzip
import os
import time

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.join(here, '..', '..', 'shared', 'datasets')
pages = []
for root, _, files in os.walk(shared):
    for name in files:
        path = os.path.join(root, name)
        if name.endswith('.html.gz'):
            pages.append(gzip.open(path).read())
        elif name == 'source.html' or (name.endswith('.html') and not name.endswith('expected.html') and 'readability-pages' not in root):
            pages.append(open(path, 'rb').read())
size = sum(len(p) for p in pages)
best = None
for _ in range(3):
    t = time.perf_counter()
    for raw in pages:
        tree = HTMLTree.parse(bytes_to_str(raw, detect_encoding(raw)))
        extract_plain_text(tree, main_content=True)
    took = time.perf_counter() - t
    best = took if best is None else min(best, took)
print(f'{len(pages)} pages, {size / 1e6:.1f} MB, one thread, best of 3')
print(f'resiliparse main_content: {size / 1e6 / best:.1f} MB/s, {len(pages) / best:.0f} pages/s')

#!/usr/bin/env python3
"""Writes a JSONL stream of BYTES bytes to stdout, repeating real pages of the
trafilatura evaluation set as {"url": ..., "html": ...} records. Used to check
that `declutter clean --jsonl` keeps memory flat on long streams:

    python3 benches/gen_jsonl.py 5000000000 | /usr/bin/time -f '%es %MKB' \
        target/release/declutter clean --jsonl - --quiet > /dev/null
"""
import gzip
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', 'shared', 'datasets', 'trafilatura-eval')
target = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000_000
pages = []
for sub in ('eval', 'cache'):
    folder = os.path.join(data, sub)
    for name in sorted(os.listdir(folder))[:100]:
        path = os.path.join(folder, name)
        raw = gzip.open(path).read() if name.endswith('.gz') else open(path, 'rb').read()
        html = raw.decode('utf-8', 'replace')
        pages.append(json.dumps({'url': 'https://example.com/' + name, 'html': html}) + '\n')
written = 0
i = 0
out = sys.stdout
while written < target:
    line = pages[i % len(pages)]
    out.write(line)
    written += len(line)
    i += 1

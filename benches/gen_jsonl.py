#!/usr/bin/env python3
"""Writes a JSONL stream of BYTES bytes to stdout, repeating real documents.
Used to check that `declutter clean --jsonl` keeps memory flat on long streams:

    python3 benches/gen_jsonl.py 5000000000 | /usr/bin/time -f '%es %MKB' \\
        target/release/declutter clean --jsonl - --quiet > /dev/null

By default the records are {"url", "html"} pages of the trafilatura evaluation
set. With --text they are {"id", "url", "text"} records of the scraped-text
corpus (../shared/datasets/scraped-texts) under their own URLs, so the
repeated-line learner (`builtin:repeated-line`) sees real sites; each pass over
the corpus gets a fresh id.
"""
import gzip
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.join(here, '..', '..', 'shared', 'datasets')
args = [a for a in sys.argv[1:] if not a.startswith('--')]
text = '--text' in sys.argv[1:]
target = int(args[0]) if args else 1_000_000_000
docs = []
if text:
    with open(os.path.join(shared, 'scraped-texts', 'corpus.jsonl'), encoding='utf-8') as f:
        for raw in f:
            r = json.loads(raw)
            docs.append({'id': r['id'], 'url': r['url'], 'text': r['text']})
else:
    data = os.path.join(shared, 'trafilatura-eval')
    for sub in ('eval', 'cache'):
        folder = os.path.join(data, sub)
        for name in sorted(os.listdir(folder))[:100]:
            path = os.path.join(folder, name)
            raw = gzip.open(path).read() if name.endswith('.gz') else open(path, 'rb').read()
            docs.append({'url': 'https://example.com/' + name, 'html': raw.decode('utf-8', 'replace')})
written = 0
i = 0
out = sys.stdout
while written < target:
    doc = dict(docs[i % len(docs)])
    if text:
        doc['id'] = '%s#%d' % (doc['id'], i // len(docs))
    line = json.dumps(doc) + '\n'
    out.write(line)
    written += len(line)
    i += 1

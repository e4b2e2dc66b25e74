#!/usr/bin/env python3
"""What imported FiveFilters rules buy: on the pages of WCXB dev and the trafilatura set whose
host gets an imported publisher file, F1 with the imported rules against generic extraction
alone, each set with its own metric (WCXB's bag-of-words F1 per page; trafilatura's with/without
snippets), both runs as `declutter clean --jsonl --report --no-repeated-lines`.

    cargo build --release
    target/release/declutter rules import ftr ../shared/datasets/ftr-site-config -o /tmp/imported
    python3 benches/ftr_import_eval.py /tmp/imported
"""
import gzip
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "training"))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "eval"))
import wcxb_split as w  # noqa: E402
from score import _word_prf  # noqa: E402

BIN = os.path.join(ROOT, "target", "release", "declutter")
IMPORTED = sys.argv[1] if len(sys.argv) > 1 else "/tmp/imported"
def run(records, extra):
    inp = ''.join(json.dumps(r) + '\n' for r in records).encode()
    out = subprocess.run([BIN, 'clean', '--jsonl', '--report', '-q', '--no-repeated-lines', '-'] + extra, input=inp, capture_output=True)
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
# WCXB
recs = []
gold = w._gold()
meta_gold = {}
for r in w.split_rows():
    t = json.load(open(os.path.join(w.WCXB, 'ground-truth', r['file_id'] + '.json')))
    url = t.get('url')
    if not url: continue
    meta_gold[r['file_id']] = t.get('ground_truth', {})
    html = gzip.open(os.path.join(w.WCXB, 'html', r['file_id'] + '.html.gz')).read().decode('utf-8', 'replace')
    recs.append({'id': r['file_id'], 'url': url, 'html': html})
a = run(recs, []); b = run(recs, ['--rules', IMPORTED])
sel = [(x, y) for x, y in zip(a, b) if y.get('publisher', '').endswith('(FiveFilters)')]
fa = [_word_prf(x.get('text', ''), gold[x['id']][0]) for x, _ in sel]
fb = [_word_prf(y.get('text', ''), gold[y['id']][0]) for _, y in sel]
m = lambda v, k: sum(f[k] for f in v) / max(1, len(v))
print('WCXB pages with an imported publisher: %d of %d' % (len(sel), len(recs)))
print('  generic: P %.3f R %.3f F1 %.3f' % (m(fa, 0), m(fa, 1), m(fa, 2)))
print('  imported rules: P %.3f R %.3f F1 %.3f' % (m(fb, 0), m(fb, 1), m(fb, 2)))


def same_text(ours, want):
    n = lambda v: ' '.join((v or '').casefold().split())
    return bool(want) and n(ours) == n(want)


def same_author(ours, want):
    n = lambda v: ' '.join((v or '').casefold().replace(',', ' ').split())
    return bool(want) and bool(ours) and (n(want) in n(ours) or n(ours) in n(want))


def same_date(ours, want):
    if not want or not ours:
        return False
    try:
        from dateutil import parser
        return parser.parse(ours, fuzzy=True).date().isoformat() == want[:10]
    except (ValueError, OverflowError, ImportError):
        return ours[:10] == want[:10]


print('  metadata (pages whose gold has the field: correct generic -> with imported readings):')
for field, ours_key, gold_key, same in (('title', 'title', 'title', same_text), ('author', 'author', 'author', same_author),
                                        ('date', 'published', 'publish_date', same_date)):
    rows = [(x, y) for x, y in sel if meta_gold[x['id']].get(gold_key)]
    ga = sum(same((x.get('metadata') or {}).get(ours_key), meta_gold[x['id']][gold_key]) for x, _ in rows)
    gb = sum(same((y.get('metadata') or {}).get(ours_key), meta_gold[y['id']][gold_key]) for _, y in rows)
    print('    %-6s %3d pages: %3d -> %3d correct' % (field, len(rows), ga, gb))
# trafilatura set
D = os.path.join(ROOT, '..', 'shared', 'datasets', 'trafilatura-eval')
ev = json.load(open(os.path.join(D, 'evaldata.json')))
recs = []
for url, item in ev.items():
    for sub in ('eval', 'cache'):
        p = os.path.join(D, sub, item['file'])
        for cand in (p, p + '.gz'):
            if os.path.exists(cand):
                raw = gzip.open(cand).read() if cand.endswith('.gz') else open(cand, 'rb').read()
                recs.append({'id': url, 'url': url, 'html': raw.decode('utf-8', 'replace')})
                break
        else:
            continue
        break
a = run(recs, []); b = run(recs, ['--rules', IMPORTED])
norm = lambda s: ' '.join(s.split())
def counts(rows):
    tp = fn = fp = tn = 0
    for r in rows:
        text = norm(r.get('text', ''))
        item = ev[r['id']]
        for c in item['with']:
            if norm(c) in text: tp += 1
            else: fn += 1
        for c in item['without']:
            if norm(c) in text: fp += 1
            else: tn += 1
    p = tp / max(1, tp + fp); rr = tp / max(1, tp + fn)
    return p, rr, 2 * p * rr / max(1e-9, p + rr)
sel = [(x, y) for x, y in zip(a, b) if y.get('publisher', '').endswith('(FiveFilters)')]
print('trafilatura pages with an imported publisher: %d of %d' % (len(sel), len(recs)))
print('  generic: P %.3f R %.3f F1 %.3f' % counts([x for x, _ in sel]))
print('  imported rules: P %.3f R %.3f F1 %.3f' % counts([y for _, y in sel]))

#!/usr/bin/env python3
"""Pages per second of the Python package's `Cleaner.clean_many` against the CLI on the
same pages (WCXB dev's 1,497 HTML pages), on 1 and 2 threads, rounds interleaved.

    python/run-tests                       # or: pip install ./python into a venv
    cargo build --release
    target/py-test-venv/bin/python benches/python_throughput.py [--rounds 5]

The CLI is timed as users run it, whole process over a folder of the pages
(`declutter clean --quiet -j N --output-dir OUT DIR`), with and without the
repeated-line pass (which a folder run does by default and `clean_many` does
not); `clean_many` is timed over the pages already in memory, each result's
text read. Medians of the rounds, and the ratios within each round.
"""

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import declutter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WCXB = os.path.join(ROOT, "..", "shared", "datasets", "wcxb-dev", "html")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "declutter"))
    args = ap.parse_args()
    names = sorted(n for n in os.listdir(WCXB) if n.endswith(".html.gz"))
    pages = [gzip.open(os.path.join(WCXB, n)).read() for n in names]
    work = tempfile.mkdtemp(prefix="declutter-pybench-")
    src = os.path.join(work, "in")
    os.makedirs(src)
    for n, p in zip(names, pages):
        with open(os.path.join(src, n[: -len(".gz")]), "wb") as f:
            f.write(p)
    cleaner = declutter.Cleaner()

    def cli(jobs, extra):
        out = os.path.join(work, "out")
        shutil.rmtree(out, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([args.bin, "clean", "--quiet", "-j", str(jobs), "--output-dir", out, src] + extra, check=True)
        return time.perf_counter() - t

    def many(jobs):
        t = time.perf_counter()
        n = 0
        for r in cleaner.clean_many(pages, jobs=jobs):
            n += len(r.text) if r.ok else 0
        return time.perf_counter() - t

    runs = {
        "cli -j1": lambda: cli(1, []),
        "cli -j1 --no-repeated-lines": lambda: cli(1, ["--no-repeated-lines"]),
        "clean_many jobs=1": lambda: many(1),
        "cli -j2": lambda: cli(2, []),
        "cli -j2 --no-repeated-lines": lambda: cli(2, ["--no-repeated-lines"]),
        "clean_many jobs=2": lambda: many(2),
    }
    times = {k: [] for k in runs}
    for _ in range(args.rounds):
        for k, run in runs.items():
            times[k].append(run())
    shutil.rmtree(work, ignore_errors=True)
    size = sum(map(len, pages))
    print(f"{len(pages)} pages, {size / 1e6:.1f} MB, {args.rounds} rounds interleaved, medians")
    for k, ts in times.items():
        m = statistics.median(ts)
        print(f"  {k:30} {len(pages) / m:7.0f} pages/s  ({m:.2f} s)")

    def ratio(a, b):
        return statistics.median(x / y for x, y in zip(times[b], times[a]))

    print("ratios (median of the rounds' ratios):")
    for jobs in (1, 2):
        print(f"  clean_many / cli, {jobs} thread(s):                   {ratio(f'clean_many jobs={jobs}', f'cli -j{jobs}'):.2f}x")
        print(f"  clean_many / cli --no-repeated-lines, {jobs} thread(s): "
              f"{ratio(f'clean_many jobs={jobs}', f'cli -j{jobs} --no-repeated-lines'):.2f}x")
    print(f"  clean_many 2 threads / 1 thread:                 {ratio('clean_many jobs=2', 'clean_many jobs=1'):.2f}x")
    print(f"  cli -j2 / -j1:                                    {ratio('cli -j2', 'cli -j1'):.2f}x")


if __name__ == "__main__":
    sys.exit(main())

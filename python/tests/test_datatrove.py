"""DeclutterExtractor in a small local datatrove pipeline (WARC reader → DeclutterExtractor →
JSONL writer) over the shipped WARC fixture: each page's text is what the CLI writes for
its record. Skipped without datatrove on a developer's machine, a failure under CI=true."""

import gzip
import importlib
import json
import os
import pickle
import shutil

import pytest

from conftest import FIXTURES, run_cli

WARC = os.path.join(FIXTURES, "spark", "pages.warc.gz")


def test_a_warc_pipeline_writes_what_the_cli_writes(tmp_path, cli):
    try:
        from datatrove.executor import LocalPipelineExecutor
        from datatrove.pipeline.readers import WarcReader
        from datatrove.pipeline.writers import JsonlWriter

        # datatrove's WARC reader imports python-magic, which loads libmagic.
        importlib.import_module("magic")
    except ImportError as e:
        if os.environ.get("CI"):
            pytest.fail("datatrove or libmagic is missing (CI installs both): %s" % e)
        pytest.skip("datatrove or libmagic is missing (Debian: libmagic1): %s" % e)
    from declutter.datatrove import DeclutterExtractor

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    shutil.copy(WARC, crawl / "pages.warc.gz")
    out = tmp_path / "out"
    extractor = DeclutterExtractor(batch_size=2)
    assert pickle.loads(pickle.dumps(extractor)).cleaner is not None  # executors pickle their steps
    LocalPipelineExecutor(
        pipeline=[WarcReader(str(crawl), glob_pattern="*.warc.gz"), extractor, JsonlWriter(str(out))],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = []
    for name in sorted(os.listdir(out)):
        with gzip.open(out / name, "rt", encoding="utf-8") as f:
            docs += [json.loads(line) for line in f if line.strip()]
    written = {}
    for line in run_cli(cli, ["clean", "--warc", WARC, "--no-repeated-lines", "-q"], b"").splitlines():
        record = json.loads(line)
        written[record["url"]] = record
    ok = {url: r for url, r in written.items() if not r.get("error")}
    assert sorted(d["metadata"]["url"] for d in docs) == sorted(ok)
    for d in docs:
        assert d["text"] == ok[d["metadata"]["url"]]["text"]
        assert d["metadata"]["removals"] > 0
    by_url = {d["metadata"]["url"]: d for d in docs}
    lifezette = next(u for u in by_url if "lifezette" in u)
    assert "[the]" in by_url[lifezette]["text"] and by_url[lifezette]["metadata"]["page_type"] == "article"
    assert DeclutterExtractor().extract("<p>One paragraph of an article, long enough.</p>").strip()

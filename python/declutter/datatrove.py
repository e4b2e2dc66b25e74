"""declutter as a datatrove extractor, in place of its Trafilatura step:

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from declutter.datatrove import DeclutterExtractor

    LocalPipelineExecutor(
        pipeline=[WarcReader("crawl/"), DeclutterExtractor(), JsonlWriter("clean/")],
        tasks=4,
    ).run()

Documents are cleaned in batches in the worker's own process (declutter neither hangs nor
crashes on a page, so datatrove's per-document sandbox process and its timeout are not
needed), the document's `url` metadata choosing publisher rules. A document that cannot be
cleaned is dropped and counted (`clean_error`), as datatrove's extractors do; one whose clean
text is empty is dropped and counted too. With `metadata=True` (the default) each document's
metadata gains `title`, `page_type` and `removals` (how many blocks were removed).
"""

from datatrove.pipeline.extractors.base import BaseExtractor
from datatrove.utils.logging import logger
from datatrove.utils.typeshelper import StatHints

from ._declutter import Cleaner


class DeclutterExtractor(BaseExtractor):
    """Clean article text from each document's HTML with declutter."""

    name = "🧹 declutter"

    def __init__(self, cleaner=None, batch_size=64, metadata=True, timeout=1.0, **options):
        """
        Args:
            cleaner: a `declutter.Cleaner`; by default one built with `options`
                (any of Cleaner's keyword arguments: rules_dir, captions, ...).
            batch_size: documents cleaned at once.
            metadata: add title, page_type and removals to each document's metadata.
            timeout: kept for datatrove's interface; declutter needs none.
        """
        super().__init__(timeout)
        self.cleaner = cleaner if cleaner is not None else Cleaner(**options)
        self.batch_size = max(1, int(batch_size))
        self.metadata = metadata

    def extract(self, text: str) -> str:
        """The clean text of one page (datatrove's extractor interface)."""
        return self.cleaner.clean(text).text

    def run(self, data, rank: int = 0, world_size: int = 1):
        batch = []
        for doc in data:
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._clean(batch)
                batch = []
        if batch:
            yield from self._clean(batch)

    def _clean(self, docs):
        items = [{"html": d.text, "url": (d.metadata or {}).get("url")} for d in docs]
        with self.track_time(unit="batch"):
            results = list(self.cleaner.clean_many(items, jobs=1))
        for doc, r in zip(docs, results):
            self.stat_update(StatHints.total)
            if not r.ok:
                self.stat_update("clean_error")
                if not self._warned_error:
                    logger.warning(f'❌ declutter could not clean a document ("{r.error}"); it is dropped. '
                                   "This message will only appear once.")
                    self._warned_error = True
                continue
            self.stat_update("extracted")
            doc.text = r.text
            if self.metadata:
                doc.metadata["title"] = r.title
                doc.metadata["page_type"] = r.page_type
                doc.metadata["removals"] = len(r.removals)
            if doc.text.strip():
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
            else:
                self.stat_update(StatHints.dropped)

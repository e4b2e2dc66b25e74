"""declutter: scraped web pages and scraped article text in, clean article text out,
with every removal explained by the id of the rule that made it.

    >>> import declutter
    >>> cleaner = declutter.Cleaner()
    >>> result = cleaner.clean(b"Peskov said no.\\n\\nShare this article\\n\\nThe end.")
    >>> result.text
    'Peskov said no.\\n\\nThe end.\\n'
    >>> result.removals[0]["rule"]
    'share-this'

Everything happens in the Rust library; this package is its binding. `declutter.spark`
cleans DataFrames and WARC/JSONL files on Spark, `declutter.datatrove` is a datatrove
extractor step.
"""

from ._declutter import (
    CleanError,
    Cleaner,
    DeclutterError,
    InputError,
    Result,
    RulesError,
    __version__,
    read_warc,
)

__all__ = [
    "CleanError",
    "Cleaner",
    "DeclutterError",
    "InputError",
    "Result",
    "RulesError",
    "__version__",
    "read_warc",
]

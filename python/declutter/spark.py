"""declutter on Spark: clean columns for a DataFrame of pages, and a job that turns WARC or
JSONL files into Parquet.

    from declutter.spark import clean_dataframe
    cleaned = clean_dataframe(spark.read.parquet("pages/"), html="html", url="url")

    python -m declutter.spark crawl/*.warc.gz --output clean/           # local[*]
    spark-submit --master yarn "$(python -c 'import declutter.spark as s; print(s.__file__)')" ...

Each partition is cleaned in Arrow batches (`mapInArrow`) by one `Cleaner` per Python
worker, built once from the pickled rule files and reused by every task the worker runs.
A row that cannot be cleaned (null or missing HTML, binary data, over the size limit) keeps
its place with the reason in `error`; no row is dropped and no worker fails on a document.
"""

import argparse
import os
import pickle
import sys

# Absolute, so that spark-submit can run this file as its script.
from declutter._declutter import Cleaner, RulesError, read_warc

# Columns added to every row.
TEXT, TITLE, REMOVALS, PAGE_TYPE, ERROR = "text", "title", "removals", "page_type", "error"
OUTPUT_COLUMNS = (TEXT, TITLE, REMOVALS, PAGE_TYPE, ERROR)

_CLEANERS = {}


# The fields of one removal in the `removals` column: (name, kind).
REMOVAL_FIELDS = (
    ("rule", str),
    ("category", str),
    ("scope", str),
    ("text", str),
    ("context", str),
    ("score", float),
    ("line", int),
    ("element", str),
)


def _spark_type(kind):
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    if kind == REMOVALS:
        return ArrayType(StructType([StructField(n, _spark_type(k)) for n, k in REMOVAL_FIELDS]))
    return {str: StringType(), float: DoubleType(), int: LongType()}[kind]


def _arrow_type(kind):
    import pyarrow as pa

    if kind == REMOVALS:
        return pa.list_(pa.struct([(n, _arrow_type(k)) for n, k in REMOVAL_FIELDS]))
    return {str: pa.string(), float: pa.float64(), int: pa.int64()}[kind]


# The added columns: (name, kind), REMOVALS for the array of removal structs.
_OUTPUT = ((TEXT, str), (TITLE, str), (REMOVALS, REMOVALS), (PAGE_TYPE, str), (ERROR, str))


def output_fields():
    """The added columns as Spark fields."""
    from pyspark.sql.types import StructField

    return [StructField(name, _spark_type(kind)) for name, kind in _OUTPUT]


def _arrow_output():
    """The added columns' Arrow types, as `output_fields` says them to Spark."""
    return [(name, _arrow_type(kind)) for name, kind in _OUTPUT]


def _cleaner(state):
    """The worker's Cleaner for this pickled one, built on first use."""
    c = _CLEANERS.get(state)
    if c is None:
        c = _CLEANERS[state] = pickle.loads(state)
    return c


def removal_row(r):
    """A removal of `Result.removals` as a `removals` struct (its origin's line or element)."""
    origin = r.get("origin") or {}
    return {name: (origin.get(name) if name in ("line", "element") else r.get(name)) for name, _ in REMOVAL_FIELDS}


def clean_rows(cleaner, docs):
    """The output columns for `docs` (dicts for `clean_many`, or an error string for a row
    that has no document), as lists."""
    cols = {name: [] for name in OUTPUT_COLUMNS}
    ready = [d for d in docs if not isinstance(d, str)]
    results = iter(cleaner.clean_many(ready, jobs=1))
    for d in docs:
        r = None if isinstance(d, str) else next(results)
        if r is None or not r.ok:
            cols[TEXT].append(None)
            cols[TITLE].append(None)
            cols[REMOVALS].append(None)
            cols[PAGE_TYPE].append(None)
            cols[ERROR].append(d if r is None else r.error)
        else:
            cols[TEXT].append(r.text)
            cols[TITLE].append(r.title)
            cols[REMOVALS].append([removal_row(x) for x in r.removals])
            cols[PAGE_TYPE].append(r.page_type)
            cols[ERROR].append(None)
    return cols


def clean_dataframe(df, cleaner=None, html="html", url="url", text=None, encoding=None, keep_html=False):
    """`df` with the clean columns added (`text`, `title`, `removals`, `page_type`, `error`).

    html: the column of the pages (string or binary); text: a column of plain text cleaned
    as text where `html` is null; url, encoding: optional columns of the URL (publisher
    rules) and the charset or Content-Type. Columns named like the output ones are
    replaced; the html column is dropped unless keep_html.
    """
    import pyarrow as pa
    from pyspark.sql.types import StructType

    cleaner = cleaner if cleaner is not None else Cleaner()
    state = pickle.dumps(cleaner)
    names = df.columns
    if html not in names:
        raise ValueError("no column %r for the html (columns: %s)" % (html, ", ".join(names)))
    url = url if url in names else None
    encoding = encoding if encoding in names else None
    text = text if text in names else None
    dropped = set(OUTPUT_COLUMNS) | (set() if keep_html else {html})
    kept = [f.name for f in df.schema.fields if f.name not in dropped or (keep_html and f.name == html)]
    schema = StructType([df.schema[n] for n in kept] + output_fields())

    def run(batches):
        c = _cleaner(state)
        for batch in batches:
            column = lambda name: batch.column(batch.schema.get_field_index(name)).to_pylist()  # noqa: E731
            pages = column(html)
            urls = column(url) if url else [None] * batch.num_rows
            charsets = column(encoding) if encoding else [None] * batch.num_rows
            texts = column(text) if text else [None] * batch.num_rows
            docs = []
            for page, u, cs, t in zip(pages, urls, charsets, texts):
                doc = {"url": u, "encoding": cs}
                if page is not None:
                    doc["html"] = bytes(page) if isinstance(page, (bytes, bytearray)) else page
                elif t is not None:
                    doc["text"] = t
                    doc["format"] = "text"
                else:
                    docs.append("the %s column is null" % html if text is None else "no %s or %s" % (html, text))
                    continue
                docs.append(doc)
            cols = clean_rows(c, docs)
            fields = [batch.schema.field(batch.schema.get_field_index(n)) for n in kept]
            arrays = [batch.column(batch.schema.get_field_index(n)) for n in kept]
            for name, kind in _arrow_output():
                fields.append(pa.field(name, kind))
                arrays.append(pa.array(cols[name], type=kind))
            yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))

    return df.mapInArrow(run, schema)


def _warc_rows(path):
    """The HTML responses of one WARC file as rows (run on the executors)."""
    from pyspark.sql import Row

    for r in read_warc(path):
        yield Row(
            url=r.get("url"),
            warc_record_id=r.get("warc_record_id"),
            warc_date=r.get("warc_date"),
            status=r.get("status"),
            warc_record=r.get("warc_record"),
            html=r.get("html"),
            http_charset=r.get("encoding"),
            warning=r.get("warning"),
            read_error=r.get("error"),
        )


def warc_dataframe(spark, paths):
    """A DataFrame of the HTML responses of WARC files, one partition per file."""
    from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("url", StringType()),
            StructField("warc_record_id", StringType()),
            StructField("warc_date", StringType()),
            StructField("status", IntegerType()),
            StructField("warc_record", LongType()),
            StructField("html", BinaryType()),
            StructField("http_charset", StringType()),
            StructField("warning", StringType()),
            StructField("read_error", StringType()),
        ]
    )
    rdd = spark.sparkContext.parallelize(paths, max(1, len(paths))).flatMap(_warc_rows)
    return spark.createDataFrame(rdd, schema)


def is_warc(path):
    name = os.path.basename(path).lower()
    for suffix in (".gz", ".zst"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.endswith(".warc") or name.endswith(".arc")


def clean_files(spark, inputs, cleaner=None, html="html", url="url", text="text"):
    """WARC and JSONL files as one cleaned DataFrame: WARC rows keep their record fields
    (`url`, `warc_record_id`, `warc_date`, `status`, `warc_record`, `warning`), JSONL
    rows every field of the record but the html."""
    from pyspark.sql import functions as F

    warcs = [p for p in inputs if is_warc(p)]
    jsonls = [p for p in inputs if not is_warc(p)]
    remote = [p for p in warcs if "://" in p]
    if remote:
        raise ValueError(
            "WARC inputs are read by the executors from a path they all see (local mode, a shared "
            "or mounted filesystem), not from %s" % ", ".join(remote)
        )
    frames = []
    if warcs:
        df = warc_dataframe(spark, [os.path.abspath(p) for p in warcs])
        out = clean_dataframe(df, cleaner, html="html", url="url", encoding="http_charset")
        # A record the reader could not take whole says why in `error`.
        out = out.withColumn(ERROR, F.coalesce(F.col("read_error"), F.col(ERROR))).drop("read_error", "http_charset")
        frames.append(out)
    if jsonls:
        df = spark.read.json([p if "://" in p else os.path.abspath(p) for p in jsonls])
        if html not in df.columns:
            df = df.withColumn(html, F.lit(None).cast("string"))
        frames.append(clean_dataframe(df, cleaner, html=html, url=url, text=text if text in df.columns else None))
    if not frames:
        raise ValueError("no input files")
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f, allowMissingColumns=True)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="python -m declutter.spark",
        description="Clean WARC or JSONL files (gzip allowed) into Parquet with Spark: the input's "
        "fields plus text, title, removals, page_type and error.",
    )
    ap.add_argument("inputs", nargs="+", metavar="INPUT", help="WARC (.warc, .warc.gz) or JSONL files")
    ap.add_argument("--output", required=True, metavar="DIR", help="Parquet folder to write")
    ap.add_argument("--master", default=None, help="Spark master (default: local[*], or what spark-submit gives)")
    ap.add_argument("--rules", action="append", default=[], metavar="DIR", help="rules folder over the built-in rules")
    ap.add_argument("--html-field", default="html", help="JSONL field of the page's HTML (default: html)")
    ap.add_argument("--text-field", default="text", help="JSONL field of plain text, used without HTML (default: text)")
    ap.add_argument("--url-field", default="url", help="JSONL field of the URL (default: url)")
    ap.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    args = ap.parse_args(argv)

    missing = [p for p in args.inputs if "://" not in p and not os.path.exists(p)]
    if missing:
        print("declutter.spark: no such input: %s" % ", ".join(missing), file=sys.stderr)
        return 2
    if "://" not in args.output and os.path.exists(args.output) and not args.overwrite:
        print("declutter.spark: %s exists; give --overwrite to replace it" % args.output, file=sys.stderr)
        return 2
    try:
        cleaner = Cleaner(rules_dir=args.rules or None)
    except RulesError as e:
        print("declutter.spark: %s" % e, file=sys.stderr)
        return 2

    from pyspark.sql import SparkSession

    # Under spark-submit the JVM is up already (its gateway port is set) and the
    # master and the workers' Python are the submission's; run directly, the job is
    # local unless --master says otherwise, its workers running this interpreter
    # (the one declutter is installed in), not whatever `python3` is first on PATH.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    builder = SparkSession.builder.appName("declutter")
    if args.master:
        builder = builder.master(args.master)
    elif not submitted:
        builder = builder.master("local[*]")
    if not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    try:
        try:
            out = clean_files(spark, args.inputs, cleaner, html=args.html_field, url=args.url_field, text=args.text_field)
        except ValueError as e:
            print("declutter.spark: %s" % e, file=sys.stderr)
            return 2
        out.write.mode("overwrite" if args.overwrite else "errorifexists").parquet(args.output)
        rows = spark.read.parquet(args.output)
        total = rows.count()
        failed = rows.filter(rows[ERROR].isNotNull()).count()
        print("declutter.spark: %d rows to %s, %d with an error" % (total, args.output, failed), file=sys.stderr)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

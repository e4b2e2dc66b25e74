//! `declutter._declutter`: the Python face of the declutter library.
//!
//! Every behaviour lives in the Rust library and is tested there; this
//! module converts Python values to the library's and back, releases the GIL
//! while documents are cleaned, and runs batches on a thread pool. The
//! `declutter` Python package (python/declutter/) re-exports it.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use declutter::rules::{FilterLists, FilterSource, RuleSource};
use declutter::{Cleaned, Hints, InputFormat, Layer, RuleSet};
use pyo3::conversion::FromPyObjectOwned;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};

pyo3::create_exception!(_declutter, DeclutterError, PyException, "Base class of declutter's errors.");
pyo3::create_exception!(
    _declutter,
    RulesError,
    DeclutterError,
    "A rule set could not be built: `errors` lists each problem as a dict with file, line, column, rule and message."
);
pyo3::create_exception!(
    _declutter,
    InputError,
    DeclutterError,
    "A document could not be cleaned: binary data, an unknown encoding or publisher, or over the size limit."
);

/// The largest document cleaned by default, as the CLI's `--max-bytes`.
const DEFAULT_MAX_BYTES: usize = declutter::limits::DEFAULT_MAX_BYTES;

/// Documents handed to the thread pool at once, per thread: enough that a
/// slow page does not idle the others for long, few enough that a batch's
/// documents and results stay small beside the stream.
const BATCH_PER_JOB: usize = 32;

/// How a `Cleaner` was asked for, kept so that it can be pickled and built
/// again where it is unpickled (a Spark executor, a Ray worker), from the rule
/// files' text rather than from paths that machine may not have.
#[derive(Clone)]
struct Config {
    builtin_rules: bool,
    /// Each rules folder given: its name (the path as given) and its files.
    layers: Vec<(String, Vec<(String, String)>)>,
    extract: bool,
    keep_captions: bool,
    text_model: bool,
    page_types: bool,
    block_model: bool,
    normalize_whitespace: bool,
    max_bytes: Option<usize>,
    /// Each adblock filter list given: its path as given and its text.
    filter_lists: Vec<(String, String)>,
}

impl Config {
    fn build(&self) -> PyResult<declutter::Cleaner> {
        let mut layers = Vec::new();
        if self.builtin_rules {
            layers.push(Layer::builtin());
        }
        for (name, files) in &self.layers {
            let sources = files.iter().map(|(path, text)| RuleSource::new(path.clone(), text.clone())).collect();
            layers.push(Layer::new(name.clone(), sources));
        }
        let rules = RuleSet::from_layers(layers).map_err(rules_error)?;
        let mut builder = declutter::Cleaner::builder();
        if !self.filter_lists.is_empty() {
            let sources =
                self.filter_lists.iter().map(|(path, text)| FilterSource::new(path.clone(), text.clone())).collect();
            builder = builder.filter_lists(FilterLists::new(sources));
        }
        builder
            .rules(rules)
            .extract(self.extract)
            .keep_captions(self.keep_captions)
            .text_model(self.text_model)
            .page_types(self.page_types)
            .block_model(self.block_model)
            .normalize_whitespace(self.normalize_whitespace)
            .build()
            .map_err(rules_error)
    }

    /// The state `__reduce__` hands to `_rebuild`: plain Python values.
    fn to_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("builtin_rules", self.builtin_rules)?;
        d.set_item("layers", self.layers.clone())?;
        d.set_item("extract", self.extract)?;
        d.set_item("captions", if self.keep_captions { "keep" } else { "drop" })?;
        d.set_item("text_model", self.text_model)?;
        d.set_item("page_types", self.page_types)?;
        d.set_item("block_model", self.block_model)?;
        d.set_item("normalize_whitespace", self.normalize_whitespace)?;
        d.set_item("max_bytes", self.max_bytes)?;
        d.set_item("filter_lists", self.filter_lists.clone())?;
        Ok(d)
    }

    fn from_state(d: &Bound<'_, PyDict>) -> PyResult<Config> {
        fn get<'py, T: FromPyObjectOwned<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
            d.get_item(key)?
                .ok_or_else(|| PyValueError::new_err(format!("Cleaner state without {key:?}")))?
                .extract()
                .map_err(Into::into)
        }
        Ok(Config {
            builtin_rules: get(d, "builtin_rules")?,
            layers: get(d, "layers")?,
            extract: get(d, "extract")?,
            keep_captions: captions(&get::<String>(d, "captions")?)?,
            text_model: get(d, "text_model")?,
            page_types: get(d, "page_types")?,
            block_model: get(d, "block_model")?,
            normalize_whitespace: get(d, "normalize_whitespace")?,
            max_bytes: get(d, "max_bytes")?,
            filter_lists: get(d, "filter_lists")?,
        })
    }
}

fn captions(value: &str) -> PyResult<bool> {
    match value {
        "keep" => Ok(true),
        "drop" => Ok(false),
        other => Err(PyValueError::new_err(format!("captions must be \"keep\" or \"drop\", not {other:?}"))),
    }
}

fn input_format(value: &str) -> PyResult<InputFormat> {
    match value {
        "auto" => Ok(InputFormat::Auto),
        "html" => Ok(InputFormat::Html),
        "text" => Ok(InputFormat::Text),
        other => Err(PyValueError::new_err(format!("format must be \"auto\", \"html\" or \"text\", not {other:?}"))),
    }
}

/// A `RulesError` whose `errors` attribute lists the located problems.
fn rules_error(e: declutter::RulesError) -> PyErr {
    let err = RulesError::new_err(e.to_string());
    Python::attach(|py| {
        let list = PyList::empty(py);
        for r in e.errors() {
            let d = PyDict::new(py);
            let _ = d.set_item("file", &r.file);
            let _ = d.set_item("line", r.line);
            let _ = d.set_item("column", r.column);
            let _ = d.set_item("rule", r.rule.as_deref());
            let _ = d.set_item("message", &r.message);
            let _ = list.append(d);
        }
        let _ = err.value(py).setattr("errors", list);
    });
    err
}

/// The rules folders of `rules_dir`: none, one path, or a list of paths.
fn rule_folders(rules_dir: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    paths(rules_dir, "rules_dir")
}

/// None, one path, or a list of paths, for the argument `name`.
fn paths(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<PathBuf>> {
    let Some(value) = value.filter(|v| !v.is_none()) else { return Ok(Vec::new()) };
    if let Ok(one) = value.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    value.extract::<Vec<PathBuf>>().map_err(|_| {
        PyTypeError::new_err(format!("{name} must be a path (str or os.PathLike) or a list of paths, or None"))
    })
}

/// Cleans documents with one compiled rule set: build it once, use it from
/// every thread. Pickles as its rule files' text and options.
#[pyclass(module = "declutter._declutter", name = "Cleaner", frozen)]
struct PyCleaner {
    inner: Arc<declutter::Cleaner>,
    config: Config,
}

/// One document, converted while the GIL is held, cleaned without it.
struct Job {
    bytes: Vec<u8>,
    hints: Hints,
}

/// What cleaning one document gave.
enum Outcome {
    Cleaned(Box<Cleaned>),
    Failed { kind: &'static str, message: String, url: Option<String> },
}

impl PyCleaner {
    fn hints(
        url: Option<String>,
        publisher: Option<String>,
        encoding: Option<String>,
        format: &str,
    ) -> PyResult<Hints> {
        Ok(Hints { url, publisher, encoding, format: input_format(format)?, repeated: None })
    }

    fn too_large(&self, len: usize) -> Option<String> {
        self.config.max_bytes.filter(|&max| len > max).map(|max| {
            format!("document of {len} bytes is over the limit of {max} bytes (Cleaner(max_bytes=...) raises it)")
        })
    }

    fn run(cleaner: &declutter::Cleaner, bytes: &[u8], hints: &Hints) -> Outcome {
        match cleaner.clean(bytes, hints) {
            Ok(c) => Outcome::Cleaned(Box::new(c)),
            Err(e) => Outcome::Failed { kind: kind_of(&e), message: e.to_string(), url: hints.url.clone() },
        }
    }

    /// One item of `clean_many`'s iterable as a job, or why it is not one.
    fn job(&self, item: &Bound<'_, PyAny>) -> Result<Job, Outcome> {
        let fail = |kind, message: String, url: Option<String>| Outcome::Failed { kind, message, url };
        let (doc, hints) = if let Ok(d) = item.cast::<PyDict>() {
            let field = |k: &str| d.get_item(k).ok().flatten().filter(|v| !v.is_none());
            let text = |k: &str| -> Result<Option<String>, Outcome> {
                field(k)
                    .map(|v| v.extract::<String>())
                    .transpose()
                    .map_err(|_| fail("type", format!("the record's {k:?} must be a str"), None))
            };
            let url = text("url")?;
            let Some(doc) = field("html").or_else(|| field("text")).or_else(|| field("content")) else {
                return Err(fail("type", "the record has no \"html\", \"text\" or \"content\"".into(), url));
            };
            let format = text("format")?.unwrap_or_else(|| "auto".to_owned());
            let hints = Self::hints(url.clone(), text("publisher")?, text("encoding")?, &format)
                .map_err(|e| fail("type", e.to_string(), url))?;
            (doc, hints)
        } else {
            (item.clone(), Hints::default())
        };
        let Some(bytes) = document_bytes(&doc).map(Cow::into_owned) else {
            let t = doc.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
            return Err(fail("type", format!("a document must be bytes or str, not {t}"), hints.url));
        };
        if let Some(message) = self.too_large(bytes.len()) {
            return Err(fail("size", message, hints.url));
        }
        Ok(Job { bytes, hints })
    }
}

/// The bytes of a `bytes`, `bytearray` or `str` document (a `str` as UTF-8):
/// `bytes` borrowed, the others copied (the stable ABI of Python 3.9 has no
/// borrowed view of a `str`'s UTF-8).
fn document_bytes<'a>(doc: &'a Bound<'_, PyAny>) -> Option<Cow<'a, [u8]>> {
    if let Ok(b) = doc.cast::<PyBytes>() {
        return Some(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(b) = doc.cast::<PyByteArray>() {
        return Some(Cow::Owned(b.to_vec()));
    }
    let s = doc.cast::<PyString>().ok()?.to_cow().ok()?;
    Some(match s {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    })
}

fn kind_of(e: &declutter::Error) -> &'static str {
    match e {
        declutter::Error::Load(_) => "input",
        declutter::Error::UnknownPublisher { .. } => "publisher",
    }
}

#[pymethods]
impl PyCleaner {
    #[new]
    #[pyo3(signature = (
        rules_dir = None,
        *,
        builtin_rules = true,
        extract = true,
        captions = "keep",
        text_model = true,
        page_types = true,
        block_model = true,
        normalize_whitespace = false,
        max_bytes = Some(DEFAULT_MAX_BYTES),
        filter_lists = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        rules_dir: Option<&Bound<'_, PyAny>>,
        builtin_rules: bool,
        extract: bool,
        captions: &str,
        text_model: bool,
        page_types: bool,
        block_model: bool,
        normalize_whitespace: bool,
        max_bytes: Option<usize>,
        filter_lists: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut lists = Vec::new();
        for path in paths(filter_lists, "filter_lists")? {
            let source = FilterSource::read(&path).map_err(|e| RulesError::new_err(e.to_string()))?;
            lists.push((source.path, source.text));
        }
        let mut layers = Vec::new();
        for dir in rule_folders(rules_dir)? {
            let layer = Layer::read(&dir).map_err(rules_error)?;
            layers.push((layer.name, layer.sources.into_iter().map(|s| (s.path, s.text)).collect()));
        }
        let config = Config {
            builtin_rules,
            layers,
            extract,
            keep_captions: self::captions(captions)?,
            text_model,
            page_types,
            block_model,
            normalize_whitespace,
            max_bytes: max_bytes.filter(|&m| m > 0),
            filter_lists: lists,
        };
        Ok(PyCleaner { inner: Arc::new(config.build()?), config })
    }

    /// Cleans one document; the GIL is released while it is cleaned.
    #[pyo3(signature = (html, url = None, publisher = None, encoding = None, format = "auto"))]
    fn clean(
        &self,
        py: Python<'_>,
        html: &Bound<'_, PyAny>,
        url: Option<String>,
        publisher: Option<String>,
        encoding: Option<String>,
        format: &str,
    ) -> PyResult<PyCleaned> {
        let hints = Self::hints(url, publisher, encoding, format)?;
        let Some(bytes) = document_bytes(html) else {
            let t = html.get_type().name()?;
            return Err(PyTypeError::new_err(format!("html must be bytes or str, not {t}")));
        };
        if let Some(message) = self.too_large(bytes.len()) {
            return Err(InputError::new_err(message));
        }
        let inner = &self.inner;
        match py.detach(|| Self::run(inner, &bytes, &hints)) {
            Outcome::Cleaned(c) => Ok(PyCleaned::new(*c)),
            Outcome::Failed { message, .. } => Err(InputError::new_err(message)),
        }
    }

    /// Cleans every document of `docs` (bytes, str, or dicts with `html` or
    /// `text` and optional `url`, `publisher`, `encoding`, `format`) on
    /// `jobs` threads (all cores by default), the GIL released, and yields a
    /// `Result` or a `CleanError` for each, in input order.
    #[pyo3(signature = (docs, jobs = None))]
    fn clean_many(slf: &Bound<'_, Self>, docs: &Bound<'_, PyAny>, jobs: Option<usize>) -> PyResult<CleanMany> {
        let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        if jobs == 0 {
            return Err(PyValueError::new_err("jobs must be at least 1"));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("declutter-{i}"))
            .build()
            .map_err(|e| PyException::new_err(format!("cannot start {jobs} threads: {e}")))?;
        Ok(CleanMany {
            cleaner: slf.clone().unbind(),
            docs: docs.try_iter()?.unbind(),
            pool,
            batch: jobs * BATCH_PER_JOB,
            ready: VecDeque::new(),
            done: false,
        })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rebuild = py.import("declutter._declutter")?.getattr("_rebuild")?;
        (rebuild, (self.config.to_state(py)?,)).into_pyobject(py)
    }

    fn __repr__(&self) -> String {
        let layers: Vec<&str> = self.config.layers.iter().map(|(n, _)| n.as_str()).collect();
        format!(
            "Cleaner(rules_dir={layers:?}, builtin_rules={}, extract={}, rules={})",
            py_bool(self.config.builtin_rules),
            py_bool(self.config.extract),
            self.inner.rules().rules().len()
        )
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Builds a pickled `Cleaner` again.
#[pyfunction]
fn _rebuild(state: &Bound<'_, PyDict>) -> PyResult<PyCleaner> {
    let config = Config::from_state(state)?;
    Ok(PyCleaner { inner: Arc::new(config.build()?), config })
}

/// The iterator `clean_many` returns.
#[pyclass(module = "declutter._declutter")]
struct CleanMany {
    cleaner: Py<PyCleaner>,
    docs: Py<pyo3::types::PyIterator>,
    pool: rayon::ThreadPool,
    batch: usize,
    ready: VecDeque<Outcome>,
    done: bool,
}

#[pymethods]
impl CleanMany {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if self.ready.is_empty() && !self.done {
            self.fill(py)?;
        }
        let Some(outcome) = self.ready.pop_front() else { return Ok(None) };
        Ok(Some(match outcome {
            Outcome::Cleaned(c) => Py::new(py, PyCleaned::new(*c))?.into_any(),
            Outcome::Failed { kind, message, url } => Py::new(py, CleanError { kind, message, url })?.into_any(),
        }))
    }
}

impl CleanMany {
    /// Reads the next batch from the iterable and cleans it on the pool.
    fn fill(&mut self, py: Python<'_>) -> PyResult<()> {
        let cleaner = self.cleaner.get();
        let docs = self.docs.bind(py);
        let mut jobs: Vec<Result<Job, Outcome>> = Vec::with_capacity(self.batch);
        while jobs.len() < self.batch {
            match docs.clone().next() {
                Some(item) => jobs.push(cleaner.job(&item?)),
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        let inner = &cleaner.inner;
        let pool = &self.pool;
        let outcomes: Vec<Outcome> = py.detach(|| {
            use rayon::prelude::*;
            pool.install(|| {
                jobs.into_par_iter()
                    .map(|job| match job {
                        Ok(job) => PyCleaner::run(inner, &job.bytes, &job.hints),
                        Err(failed) => failed,
                    })
                    .collect()
            })
        });
        self.ready.extend(outcomes);
        Ok(())
    }
}

/// A cleaned document.
#[pyclass(module = "declutter._declutter", name = "Result", frozen)]
struct PyCleaned {
    cleaned: Cleaned,
    text: String,
}

impl PyCleaned {
    fn new(cleaned: Cleaned) -> Self {
        let text = cleaned.text();
        PyCleaned { cleaned, text }
    }
}

#[pymethods]
impl PyCleaned {
    /// Always true: a `CleanError` has it false.
    #[getter]
    fn ok(&self) -> bool {
        true
    }

    /// Always None: a `CleanError` has the message.
    #[getter]
    fn error(&self) -> Option<String> {
        None
    }

    /// The clean text: blocks separated by a blank line, ending in a newline.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    #[getter]
    fn markdown(&self) -> String {
        self.cleaned.markdown()
    }

    #[getter]
    fn title(&self) -> Option<&str> {
        self.cleaned.metadata.title.as_deref()
    }

    /// title, author, published, site_name, language, canonical_url.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.cleaned.metadata)
    }

    /// Each removal: rule, category, scope, text, origin (and score, context
    /// when there are any), in document order.
    #[getter]
    fn removals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.cleaned.removals)
    }

    /// The encoding the document was read in (its WHATWG name).
    #[getter]
    fn encoding(&self) -> &'static str {
        self.cleaned.encoding.name
    }

    /// article, forum, product, collection, listing, documentation or
    /// service, for an HTML page; None for text or with `page_types=False`.
    #[getter]
    fn page_type(&self) -> Option<&'static str> {
        self.cleaned.page_type.map(|k| k.page_type.as_str())
    }

    /// The page type's probability, 0 to 1, as the JSON report writes it.
    #[getter]
    fn page_type_confidence(&self) -> Option<f64> {
        self.cleaned.page_type.and_then(|k| k.confidence.to_string().parse().ok())
    }

    #[getter]
    fn url(&self) -> Option<&str> {
        self.cleaned.url.as_deref()
    }

    /// The publisher whose rules applied.
    #[getter]
    fn publisher(&self) -> Option<&str> {
        self.cleaned.publisher.as_deref()
    }

    /// "html" or "text".
    #[getter]
    fn format(&self) -> &'static str {
        match self.cleaned.format {
            InputFormat::Text => "text",
            _ => "html",
        }
    }

    /// What `declutter clean --format json` writes for the document, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.cleaned)
    }

    /// What `declutter clean --format json` writes, one line.
    fn to_json(&self) -> String {
        self.cleaned.to_json()
    }

    fn __repr__(&self) -> String {
        let mut preview: String = self.text.chars().take(40).collect();
        if preview.len() < self.text.len() {
            preview.push('…');
        }
        let title = self.title().map_or_else(|| "None".to_owned(), |t| format!("{t:?}"));
        format!("Result(title={title}, text={preview:?}, removals={})", self.cleaned.removals.len())
    }
}

/// `value` as `json.loads` reads what `declutter clean --format json` writes
/// of it ([`declutter::write::json_value`]), so a score written `0.88981` is
/// that float in Python too.
fn to_python<'py, T: serde::Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, &declutter::write::json_value(value)).map_err(|e| PyException::new_err(e.to_string()))
}

/// Why one document of `clean_many` was not cleaned: a value in the stream,
/// not an exception, so one bad record never stops a batch.
#[pyclass(module = "declutter._declutter", frozen)]
struct CleanError {
    kind: &'static str,
    message: String,
    url: Option<String>,
}

#[pymethods]
impl CleanError {
    #[getter]
    fn ok(&self) -> bool {
        false
    }

    /// The message.
    #[getter]
    fn error(&self) -> &str {
        &self.message
    }

    /// "type" (not a document), "size" (over `max_bytes`), "input" (binary
    /// data, an unknown encoding) or "publisher" (no such publisher).
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    #[getter]
    fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("url", self.url.as_deref())?;
        d.set_item("error", &self.message)?;
        d.set_item("kind", self.kind)?;
        Ok(d)
    }

    fn to_json(&self) -> String {
        serde_json::json!({ "url": self.url, "error": self.message, "kind": self.kind }).to_string()
    }

    fn __repr__(&self) -> String {
        format!("CleanError(kind={:?}, error={:?})", self.kind, self.message)
    }
}

/// The HTML responses of a WARC file (gzip or zstd, by its first bytes), as
/// the CLI's `--warc` reads them, as dicts: `url`, `warc_record_id`,
/// `warc_date`, `status`, `warc_record` (its place in the file), `html`
/// (the body's bytes), `encoding` (the HTTP charset the CLI cleans it with)
/// and `format`, ready for `clean_many`; `warning` when the body was damaged.
/// A response that cannot be read whole (over `max_bytes`, a body that does
/// not decode) is a dict with `error` in its place; a record that cannot be
/// read at all ends the file with one. Other records are skipped.
#[pyfunction]
#[pyo3(signature = (path, max_bytes = Some(DEFAULT_MAX_BYTES)))]
fn read_warc(path: PathBuf, max_bytes: Option<usize>) -> PyResult<WarcRecords> {
    let input = declutter::pipeline::compress::open_input(&path)
        .map_err(|e| InputError::new_err(format!("{}: {e}", path.display())))?;
    let reader = declutter::pipeline::warc::WarcReader::with_max_bytes(input, max_bytes.filter(|&m| m > 0));
    Ok(WarcRecords { reader: std::sync::Mutex::new(reader), done: false })
}

type Input = Box<dyn std::io::BufRead + Send>;

/// The iterator `read_warc` returns.
#[pyclass(module = "declutter._declutter")]
struct WarcRecords {
    /// In a mutex only because a class must be `Sync`; `__next__` has it alone.
    reader: std::sync::Mutex<declutter::pipeline::warc::WarcReader<Input>>,
    done: bool,
}

#[pymethods]
impl WarcRecords {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        use declutter::pipeline::warc::WarcItem;
        if self.done {
            return Ok(None);
        }
        let reader = self.reader.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        let item = py.detach(|| reader.find(|item| !matches!(item, WarcItem::Skipped)));
        let d = PyDict::new(py);
        let fields = |d: &Bound<'py, PyDict>,
                      uri: &Option<String>,
                      id: &Option<String>,
                      date: &Option<String>,
                      status: Option<u16>,
                      record: usize|
         -> PyResult<()> {
            d.set_item("url", uri.as_deref())?;
            d.set_item("warc_record_id", id.as_deref())?;
            d.set_item("warc_date", date.as_deref())?;
            d.set_item("status", status)?;
            d.set_item("warc_record", record)
        };
        match item {
            // `find` passes skipped records over: neither ends up here but the end.
            None | Some(WarcItem::Skipped) => {
                self.done = true;
                return Ok(None);
            }
            Some(WarcItem::Response(r)) => {
                fields(&d, &r.target_uri, &r.record_id, &r.date, r.status, r.record)?;
                let hints = r.hints(&Hints::default());
                d.set_item("html", PyBytes::new(py, &r.payload))?;
                d.set_item("encoding", hints.encoding.as_deref())?;
                d.set_item("format", "html")?;
                if let Some(w) = &r.warning {
                    d.set_item("warning", w)?;
                }
            }
            Some(WarcItem::Failed(f)) => {
                fields(&d, &f.target_uri, &f.record_id, &f.date, f.status, f.record)?;
                d.set_item("error", &f.message)?;
            }
            Some(WarcItem::Broken { record, message }) => {
                self.done = true;
                d.set_item("warc_record", record)?;
                d.set_item("error", message)?;
            }
        }
        Ok(Some(d))
    }
}

#[pymodule]
fn _declutter(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyCleaner>()?;
    m.add_class::<PyCleaned>()?;
    m.add_class::<CleanError>()?;
    m.add_class::<CleanMany>()?;
    m.add_function(wrap_pyfunction!(_rebuild, m)?)?;
    m.add_function(wrap_pyfunction!(read_warc, m)?)?;
    m.add_class::<WarcRecords>()?;
    m.add("DeclutterError", py.get_type::<DeclutterError>())?;
    m.add("RulesError", py.get_type::<RulesError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

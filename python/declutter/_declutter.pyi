from os import PathLike
from typing import Any, Iterable, Iterator, Literal, Mapping, Optional, Sequence, Union

__version__: str

_Path = Union[str, "PathLike[str]"]
_Document = Union[bytes, bytearray, str]
_Record = Mapping[str, Any]
_Format = Literal["auto", "html", "text"]

class DeclutterError(Exception): ...

class RulesError(DeclutterError):
    """A rule set could not be built. `errors`: each located problem."""

    errors: list[dict[str, Any]]

class InputError(DeclutterError):
    """A document could not be cleaned (binary data, unknown encoding or publisher, too large)."""

class Result:
    """A cleaned document."""

    @property
    def ok(self) -> Literal[True]: ...
    @property
    def error(self) -> None: ...
    @property
    def text(self) -> str: ...
    @property
    def markdown(self) -> str: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def removals(self) -> list[dict[str, Any]]: ...
    @property
    def encoding(self) -> str: ...
    @property
    def page_type(self) -> Optional[str]: ...
    @property
    def page_type_confidence(self) -> Optional[float]: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def publisher(self) -> Optional[str]: ...
    @property
    def format(self) -> Literal["html", "text"]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

class CleanError:
    """Why one document of `clean_many` was not cleaned: a value, not an exception."""

    @property
    def ok(self) -> Literal[False]: ...
    @property
    def error(self) -> str: ...
    @property
    def kind(self) -> Literal["type", "size", "input", "publisher"]: ...
    @property
    def url(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

class Cleaner:
    """Cleans documents with one compiled rule set; picklable (rebuilt from its rule files' text)."""

    def __init__(
        self,
        rules_dir: Union[_Path, Sequence[_Path], None] = None,
        *,
        builtin_rules: bool = True,
        extract: bool = True,
        captions: Literal["keep", "drop"] = "keep",
        text_model: bool = True,
        page_types: bool = True,
        block_model: bool = True,
        normalize_whitespace: bool = False,
        max_bytes: Optional[int] = 67108864,
        filter_lists: Union[_Path, Sequence[_Path], None] = None,
    ) -> None: ...
    def clean(
        self,
        html: _Document,
        url: Optional[str] = None,
        publisher: Optional[str] = None,
        encoding: Optional[str] = None,
        format: _Format = "auto",
    ) -> Result: ...
    def clean_many(
        self, docs: Iterable[Union[_Document, _Record]], jobs: Optional[int] = None
    ) -> Iterator[Union[Result, CleanError]]: ...

def read_warc(path: _Path, max_bytes: Optional[int] = 67108864) -> Iterator[dict[str, Any]]:
    """The HTML responses of a WARC file as dicts ready for `Cleaner.clean_many`."""
    ...

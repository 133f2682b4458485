"""Untrusted files in and out: one place for every rule about bytes, text and numbers.

Files are typed by hand, exported from spreadsheets or received from other cities, so every
reader here turns whatever the bytes hold into either a value or an :class:`IcindexError`
subclass naming the file (and line where known), and every writer leaves either the whole new
file or the old one. The rules, documented in docs/files.md:

- **Text** is UTF-8. A UTF-8 byte-order mark (as Windows Notepad and Excel write it) is
  skipped. Bytes that are not UTF-8 are reported with their line and column and a hint.
- **TOML** files are regular files of at most :data:`MAX_TOML_BYTES`, nested at most
  :data:`MAX_TOML_DEPTH` arrays or tables deep.
- **CSV** fields hold at most :data:`MAX_CSV_FIELD` characters.
- **Numbers** written as text follow one grammar (:func:`parse_number`): ASCII digits, an
  optional sign, a dot as decimal separator, an optional exponent; nothing else.
- **Text cells written to CSV** that a spreadsheet would run as a formula are prefixed with an
  apostrophe (:func:`spreadsheet_safe`); readers undo exactly that (:func:`spreadsheet_text`).
- **Numbers written to CSV** carry :data:`CSV_DIGITS` significant digits (:func:`number_text`)
  when they are computed scores; what a person gave (answers, facts, indicator values) is
  written exactly (:func:`exact_text`).
- **Output files** are written to a temporary file beside them and renamed into place
  (:func:`atomic_write`).
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import re
import stat
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ._errors import IcindexError, OutputError

__all__ = [
    "CSV_DIGITS",
    "FORMULA_STARTS",
    "LARGEST_15",
    "MAX_CSV_FIELD",
    "MAX_TOML_BYTES",
    "MAX_TOML_DEPTH",
    "atomic_write",
    "csv_records",
    "csv_table",
    "exact_text",
    "not_utf8",
    "number_text",
    "parse_number",
    "read_toml",
    "regular_file",
    "spreadsheet_safe",
    "spreadsheet_text",
    "terminal_width",
    "visible",
]

MAX_TOML_BYTES = 32 * 1024 * 1024
"""The largest TOML file read (32 MiB): a city's answers or a definition is far smaller."""
MAX_TOML_DEPTH = 16
"""The deepest nesting of arrays and tables accepted in a TOML file (icindex needs 4)."""
MAX_CSV_FIELD = 131_072
"""The longest CSV field accepted, in characters (Python's csv module's own limit)."""
CSV_DIGITS = 15
"""Significant digits of every number written to CSV (what a spreadsheet shows)."""
LARGEST_15 = 1.797693134862315e308
"""The largest float whose :data:`CSV_DIGITS`-digit text reads back as a finite number."""
FORMULA_STARTS = frozenset("=+-@\t\r'")
"""First characters that make a text cell start with an apostrophe when written to CSV."""

_BOM = b"\xef\xbb\xbf"
_UTF8_HINT = "save it as UTF-8 (in a spreadsheet: 'CSV UTF-8'; the file may be latin-1/cp1252)"


def regular_file(path: Path, error: type[IcindexError]) -> None:
    """Raise ``error`` naming ``path`` unless it is an existing regular file (not a device)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except OSError as problem:
        raise error(f"{path}: cannot be read: {problem.strerror}") from None
    if not stat.S_ISREG(mode):
        raise error(f"{path}: not a regular file (a folder, device or pipe)")


def not_utf8(path: Path, data: bytes, error: type[IcindexError]) -> IcindexError:
    """The error for ``data`` (the bytes of ``path``) failing to decode: line, column and hint."""
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as problem:
            return error(
                f"{path}: line {number}, column {problem.start + 1}: byte "
                f"0x{line[problem.start]:02x} is not UTF-8; {_UTF8_HINT}"
            )
    return error(f"{path}: not UTF-8 text; {_UTF8_HINT}")


def read_toml(path: Path, error: type[IcindexError]) -> dict[str, Any]:
    """Parse the TOML file ``path``; raise ``error`` naming it for anything unreadable.

    A regular file of at most :data:`MAX_TOML_BYTES`, UTF-8 with or without a byte-order
    mark, nested at most :data:`MAX_TOML_DEPTH` deep.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from icindex import ResponseError
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.toml").write_bytes(b"\\xef\\xbb\\xbfx = 1\\n")
    >>> read_toml(folder / "a.toml", ResponseError)
    {'x': 1}
    >>> _ = (folder / "b.toml").write_text("x = " + "[" * 40 + "]" * 40)
    >>> read_toml(folder / "b.toml", ResponseError)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icindex._errors.ResponseError: .../b.toml: nested deeper than 16 arrays or tables
    """
    regular_file(path, error)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TOML_BYTES + 1)
    except OSError as problem:
        raise error(f"{path}: cannot be read: {problem.strerror}") from None
    if len(data) > MAX_TOML_BYTES:
        raise error(
            f"{path}: larger than {MAX_TOML_BYTES // 2**20} MiB, too large for a TOML file "
            "(write many cities as one CSV file)"
        )
    try:
        text = data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError:
        raise not_utf8(path, data.removeprefix(_BOM), error) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML: {problem}") from None
    except RecursionError:
        raise error(f"{path}: nested deeper than {MAX_TOML_DEPTH} arrays or tables") from None
    except ValueError as problem:  # tomllib's int() of a number over 4300 digits
        raise error(f"{path}: not valid TOML: {problem}") from None
    if _depth(raw) > MAX_TOML_DEPTH:
        raise error(f"{path}: nested deeper than {MAX_TOML_DEPTH} arrays or tables")
    return raw


def _depth(value: Any) -> int:
    """How deeply ``value`` nests lists and dicts, found with an explicit stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            current = list(current.values())
        elif not isinstance(current, list):
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_TOML_DEPTH:
            break
        stack.extend((child, level + 1) for child in current)
    return deepest


def csv_records(
    path: Path, handle: Iterable[str], error: type[IcindexError]
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, row)`` of the CSV text ``handle`` (open with ``newline=""``).

    ``line`` is the line the row starts on. Quoting is strict: text after a closing quote
    (``"B"x``) is an error, not ``Bx``. A malformed row, a field over
    :data:`MAX_CSV_FIELD` characters or bytes that are not UTF-8 raise ``error`` naming
    ``path`` and the line.
    """
    reader = csv.reader(handle, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            hint = " (a quote is opened and never closed)" if "end of data" in str(problem) else ""
            raise error(f"{path}: line {line}: not valid CSV: {problem}{hint}") from None
        except UnicodeDecodeError:
            raise not_utf8(path, path.read_bytes().removeprefix(_BOM), error) from None
        yield line, row
        line = reader.line_num + 1


def csv_table(
    path: Path, error: type[IcindexError], expected: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows of the CSV file ``path`` written by icindex.

    A byte-order mark is skipped and the header's cells are read with
    :func:`spreadsheet_text`. An empty file or a blank first line raises ``error`` naming
    ``path`` and saying that the header should hold ``expected``.
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        records = list(csv_records(path, handle, error))
    if not records:
        raise error(f"{path}: empty file: expected a header row {expected}")
    if not records[0][1]:
        raise error(f"{path}: line 1: no header: expected a header row {expected}")
    (_, header), *rows = records
    return [spreadsheet_text(column) for column in header], rows


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")


def parse_number(value: object, *, text: bool = True) -> float:
    """The number ``value`` holds, or ValueError saying why it is not one.

    An int or float (never a bool) must be finite. Text (accepted only when ``text``) is
    matched, after surrounding whitespace is removed, against the one number grammar:
    ``[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`` with ASCII digits. So
    ``1_000``, ``1,000``, ``3,5``, ``٣``, ``inf`` and ``nan`` are not numbers.

    Examples
    --------
    >>> parse_number(" -2.5e1 "), parse_number(7)
    (-25.0, 7.0)
    >>> parse_number("3,5")
    Traceback (most recent call last):
    ...
    ValueError: '3,5' is not a number: write decimals with a dot (3.5)
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 2**1024 else math.inf
    elif isinstance(value, str) and text:
        stripped = value.strip()
        if _NUMBER.fullmatch(stripped) is None:
            raise ValueError(f"{value!r} is not a number{_number_hint(stripped)}")
        number = float(stripped)
    elif isinstance(value, str):
        raise ValueError(f"{value!r} is text, not a number: write the number without quotes")
    else:
        raise ValueError(f"{value!r} is not a number")
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _number_hint(text: str) -> str:
    if _DECIMAL_COMMA.fullmatch(text):
        return f": write decimals with a dot ({text.replace(',', '.')})"
    if any(mark in text for mark in ",_ '"):
        return ": write digits without separators"
    if any(char.isdigit() and not char.isascii() for char in text):
        return ": write the digits 0-9"
    return ""


def number_text(value: float) -> str:
    """``value`` as CSV writes it: :data:`CSV_DIGITS` significant digits, no float noise.

    Reading the text back and writing it again gives the same text.

    Examples
    --------
    >>> number_text(21.000000000000004), number_text(100 / 3), number_text(-0.0)
    ('21', '33.3333333333333', '0')
    """
    if LARGEST_15 < abs(value) < math.inf:  # 15 digits would round past the largest float
        return repr(float(value))
    text = f"{value:.{CSV_DIGITS}g}"
    return "0" if text == "-0" else text


def exact_text(value: float) -> str:
    """``value`` as the shortest text that reads back as exactly the same float.

    For what a person gave (answers, facts, indicator values), which must come back from a
    file unchanged; computed results are written with :func:`number_text` instead.

    Examples
    --------
    >>> exact_text(1000000000000001.0), exact_text(12.0), exact_text(0.1 + 0.2)
    ('1000000000000001', '12', '0.30000000000000004')
    """
    text = repr(float(value))
    return text.removesuffix(".0") if text != "-0.0" else "0"


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV text cell: an apostrophe before a first character in FORMULA_STARTS.

    A spreadsheet runs a cell starting ``=``, ``+``, ``-`` or ``@`` as a formula (OWASP "CSV
    injection"); tab and carriage return start such a cell after trimming. The apostrophe
    makes the spreadsheet show the text as it is; :func:`spreadsheet_text` removes it.

    Examples
    --------
    >>> spreadsheet_safe('=HYPERLINK("http://x","y")'), spreadsheet_safe("Ansan")
    ('\\'=HYPERLINK("http://x","y")', 'Ansan')
    """
    return "'" + text if text[:1] in FORMULA_STARTS else text


def spreadsheet_text(cell: str) -> str:
    """Undo :func:`spreadsheet_safe`: ``spreadsheet_text(spreadsheet_safe(t)) == t`` for all t.

    Only an apostrophe followed by a character of FORMULA_STARTS is removed, so a cell typed
    by hand as ``'tis`` is read as it is.
    """
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell


def visible(text: str) -> str:
    """``text`` for a terminal: control and format characters shown as escapes.

    Escape sequences in a city's name would otherwise clear the screen or break a table.

    Examples
    --------
    >>> visible("Ansan\\x1b[2J\\n(안산시)")
    'Ansan\\\\x1b[2J\\\\n(안산시)'
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or unicodedata.category(char) == "Zs" else repr(char)[1:-1]
        for char in text
    )


def terminal_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (East Asian wide characters take two).

    Examples
    --------
    >>> terminal_width("Ansan"), terminal_width("안산")
    (5, 4)
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@contextlib.contextmanager
def atomic_write(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Open ``path`` for writing through a temporary file renamed into place on success.

    An interrupted or failed write leaves the old file (or none) and no temporary file. A
    path that exists but is not a regular file (``/dev/stdout``, a pipe) is written
    directly. A missing folder raises :class:`OutputError` naming it; so does any other
    ``OSError`` while writing (a full disk, ``/dev/full``, no permission), naming the path.
    """
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot write: folder {str(folder)!r} does not exist")
    mode = "wb" if binary else "w"
    options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        if path.exists() and not path.is_file():
            with path.open(mode, **options) as handle:
                yield handle
        else:
            with _replacing(path, mode, options) as handle:
                yield handle
    except OSError as problem:
        if isinstance(problem, IcindexError):
            raise
        reason = problem.strerror or str(problem)
        raise OutputError(f"{path}: cannot write: {reason}") from None


@contextlib.contextmanager
def _replacing(path: Path, mode: str, options: dict[str, Any]) -> Iterator[IO[Any]]:
    """A temporary file beside ``path``, renamed onto it on success and removed on failure."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, mode, **options) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

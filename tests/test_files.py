"""icindex._files, the one place for untrusted files: every function, its edges and its laws.

Expected values are worked by hand or come from an independent oracle written here (the
number grammar as a character scanner with :mod:`decimal` values), never from the code under
test.
"""

from __future__ import annotations

import csv
import decimal
import io
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icindex import DefinitionError, OutputError, ResponseError
from icindex._files import (
    CSV_DIGITS,
    FORMULA_STARTS,
    MAX_CSV_FIELD,
    MAX_TOML_BYTES,
    MAX_TOML_DEPTH,
    atomic_write,
    csv_records,
    not_utf8,
    number_text,
    parse_number,
    read_toml,
    regular_file,
    spreadsheet_safe,
    spreadsheet_text,
    visible,
)

# Text that can be written as UTF-8 (no lone surrogates).
texts = st.text(st.characters(exclude_categories=("Cs",)))


# regular_file and not_utf8


def test_regular_file_accepts_a_file_and_names_what_is_not_one(tmp_path):
    """A file passes; a missing path and a folder raise the given error naming the path."""
    (tmp_path / "a.toml").write_text("x = 1")
    regular_file(tmp_path / "a.toml", ResponseError)
    with pytest.raises(ResponseError, match=r"nope\.toml: file not found"):
        regular_file(tmp_path / "nope.toml", ResponseError)
    with pytest.raises(DefinitionError, match="not a regular file"):
        regular_file(tmp_path, DefinitionError)


def test_not_utf8_names_line_column_and_byte():
    """The first bad byte of b"ok\\nab\\xe9cd" is on line 2, column 3: 0xe9, with the hint."""
    error = not_utf8(Path("f.csv"), b"ok\nab\xe9cd\n", ResponseError)
    assert isinstance(error, ResponseError)
    assert str(error).startswith(
        "f.csv: line 2, column 3: byte 0xe9 is not UTF-8; save it as UTF-8"
    )


# read_toml


def _toml(tmp_path: Path, data: bytes, name: str = "a.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_read_toml_reads_korean_and_skips_a_byte_order_mark(tmp_path):
    """A BOM before the text is skipped; Korean text is read as it is."""
    path = _toml(tmp_path, b"\xef\xbb\xbfname = '" + "안산시".encode() + b"'\n")
    assert read_toml(path, ResponseError) == {"name": "안산시"}


def test_read_toml_names_line_and_column_of_latin1(tmp_path):
    """A latin-1 é on line 2 (column 9: ``b = 'caf`` is 8 characters) is a named error."""
    path = _toml(tmp_path, b"a = 1\nb = 'caf\xe9'\n")
    with pytest.raises(ResponseError, match=r"a\.toml: line 2, column 9: byte 0xe9 is not UTF-8"):
        read_toml(path, ResponseError)


def test_read_toml_refuses_invalid_toml_naming_the_file(tmp_path):
    """A duplicate key is tomllib's error, prefixed with the file."""
    with pytest.raises(DefinitionError, match=r"a\.toml: not valid TOML"):
        read_toml(_toml(tmp_path, b"x = 1\nx = 2\n"), DefinitionError)


def test_read_toml_accepts_the_deepest_nesting_and_refuses_one_more(tmp_path):
    """The top table and 15 arrays are 16 levels (accepted); 16 arrays are 17 (refused)."""
    assert MAX_TOML_DEPTH == 16
    ok = _toml(tmp_path, b"x = " + b"[" * 15 + b"1" + b"]" * 15)
    assert read_toml(ok, ResponseError)["x"] == [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]
    deep = _toml(tmp_path, b"x = " + b"[" * 16 + b"1" + b"]" * 16, "deep.toml")
    with pytest.raises(ResponseError, match=r"deep\.toml: nested deeper than 16"):
        read_toml(deep, ResponseError)


def test_read_toml_refuses_10000_nested_brackets_without_recursion_error(tmp_path):
    """10,000 open brackets (tomllib recurses) give the nesting error, not RecursionError."""
    path = _toml(tmp_path, b"x = " + b"[" * 10_000 + b"]" * 10_000)
    with pytest.raises(ResponseError, match="nested deeper than 16"):
        read_toml(path, ResponseError)


def test_read_toml_refuses_an_integer_over_pythons_digit_limit(tmp_path):
    """A 5,000-digit integer (tomllib raises ValueError, not TOMLDecodeError) is a named error."""
    path = _toml(tmp_path, b"x = " + b"9" * 5000)
    with pytest.raises(ResponseError, match=r"a\.toml: not valid TOML"):
        read_toml(path, ResponseError)


def test_read_toml_refuses_a_folder_and_a_missing_file(tmp_path):
    """A folder and a missing file are named errors of the class given."""
    with pytest.raises(DefinitionError, match="not a regular file"):
        read_toml(tmp_path, DefinitionError)
    with pytest.raises(DefinitionError, match="file not found"):
        read_toml(tmp_path / "none.toml", DefinitionError)


@pytest.mark.large
def test_read_toml_refuses_a_file_over_the_size_cap(tmp_path):
    """A file one byte over 32 MiB is refused by size (reading stops at the cap plus one byte)."""
    path = tmp_path / "big.toml"
    with path.open("wb") as handle:
        handle.truncate(MAX_TOML_BYTES + 1)  # sparse: no 32 MiB written to disk
    with pytest.raises(ResponseError, match=r"big\.toml: larger than 32 MiB"):
        read_toml(path, ResponseError)


# csv_records


def _records(tmp_path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv_records(path, handle, ResponseError))


def test_csv_records_number_rows_by_the_line_they_start_on(tmp_path):
    """A quoted cell over two lines makes the next row start on line 4."""
    rows = _records(tmp_path, b'a,b\n1,"x\ny"\n2,z\n')
    assert rows == [(1, ["a", "b"]), (2, ["1", "x\ny"]), (4, ["2", "z"])]


def test_csv_records_accept_the_longest_field_and_refuse_one_more(tmp_path):
    """131,072 characters are accepted; 131,073 on line 3 are refused naming line 3."""
    assert MAX_CSV_FIELD == 131_072
    rows = _records(tmp_path, b"a\n" + b"x" * MAX_CSV_FIELD + b"\n")
    assert len(rows[1][1][0]) == MAX_CSV_FIELD
    with pytest.raises(ResponseError, match=r"r\.csv: line 3: not valid CSV"):
        _records(tmp_path, b"a\nb\n" + b"x" * (MAX_CSV_FIELD + 1) + b"\n")


def test_csv_records_name_the_line_of_a_non_utf8_byte(tmp_path):
    """A cp1252 byte on line 3 is an error naming line 3, not UnicodeDecodeError."""
    with pytest.raises(ResponseError, match=r"r\.csv: line 3, column 3: byte 0x96"):
        _records(tmp_path, b"a,b\n1,2\n3,\x96\n")


def test_csv_records_read_a_nul_byte_as_text(tmp_path):
    """NUL in a cell: Python's csv reads it as text since 3.11 (nothing dropped)."""
    assert _records(tmp_path, b"a\nx\x00y\n") == [(1, ["a"]), (2, ["x\x00y"])]


# parse_number, against an independent oracle


def _oracle(text: str) -> float | None:
    """The documented grammar, scanned by hand; the value through decimal; None if refused.

    ``[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?``, ASCII digits, after
    removing surrounding whitespace; the value must be finite as a float.
    """
    s, i, digits = text.strip(), 0, "0123456789"

    def run(start: int) -> int:
        end = start
        while end < len(s) and s[end] in digits:
            end += 1
        return end

    if i < len(s) and s[i] in "+-":
        i += 1
    whole_end = run(i)
    has_whole = whole_end > i
    i = whole_end
    has_fraction = False
    if i < len(s) and s[i] == ".":
        fraction_end = run(i + 1)
        has_fraction = fraction_end > i + 1
        i = fraction_end
    if not (has_whole or has_fraction):
        return None
    if i < len(s) and s[i] in "eE":
        j = i + 1 + (i + 1 < len(s) and s[i + 1] in "+-")
        exponent_end = run(j)
        if exponent_end == j:
            return None
        i = exponent_end
    if i != len(s):
        return None
    value = float(decimal.Decimal(s))
    return value if value not in (float("inf"), float("-inf")) else None


number_like = st.one_of(
    st.text(st.sampled_from("0123456789+-.eE _,٣ \t\u00a0x"), max_size=10),
    st.from_regex(r"\A\s?[+-]?([0-9]{1,4}(\.[0-9]{0,3})?|\.[0-9]{1,3})([eE][+-]?[0-9]{1,3})?\s?\Z"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e308", "1e309", "-1e309", "1e-400", "inf", "nan", "Infinity", "0x10"]),
)


@given(number_like)
def test_parse_number_accepts_exactly_the_documented_grammar(text):
    """parse_number agrees with the hand-written scanner on acceptance and on the value."""
    expected = _oracle(text)
    if expected is None:
        with pytest.raises(ValueError, match="not a"):
            parse_number(text)
    else:
        assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [("3,5", "write decimals with a dot (3.5)"), ("1_000", "without separators"),
     ("1 000", "without separators"), ("٣", "write the digits 0-9")],
)  # fmt: skip
def test_parse_number_hints_at_the_likely_mistake(text, hint):
    """A decimal comma, digit separators and non-ASCII digits each get their hint."""
    with pytest.raises(ValueError, match=hint.replace("(", r"\(").replace(")", r"\)")):
        parse_number(text)


def test_parse_number_takes_finite_numbers_but_not_bools_or_quoted_text():
    """7 and 2.5 are numbers; True, 2**1024, inf, and text when text=False are not."""
    assert parse_number(7) == 7.0 and parse_number(2.5) == 2.5
    for value in (True, 2**1024, float("inf"), float("nan"), None, [1]):
        with pytest.raises(ValueError, match="not a"):
            parse_number(value)
    with pytest.raises(ValueError, match="write the number without quotes"):
        parse_number("1", text=False)


# number_text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_is_the_same_after_reading_it_back(value):
    """Writing, reading back and writing again gives the same text, within 15 digits."""
    text = number_text(value)
    again = float(text)
    assert number_text(again) == text
    assert again == 0 or abs(again - value) <= abs(value) * 10 ** (1 - CSV_DIGITS)


def test_number_text_by_hand():
    """Float noise is gone, negative zero is 0, long numbers keep 15 significant digits."""
    assert number_text(0.1 + 0.2) == "0.3"
    assert number_text(-0.0) == "0"
    assert number_text(100.0) == "100"
    assert number_text(123456789012345678.0) == "1.23456789012346e+17"
    assert number_text(1e-7) == "1e-07"


def test_number_text_of_the_largest_floats_reads_back_finite():
    """Near float's top, 15 digits would round up to inf; every digit is kept instead."""
    for value in (1.7976931348623157e308, -1.7976931348623151e308):
        assert float(number_text(value)) == value
    assert number_text(1.7976931348623e308) == "1.7976931348623e+308"


# spreadsheet_safe and spreadsheet_text


@given(texts)
def test_spreadsheet_text_undoes_spreadsheet_safe(text):
    """spreadsheet_text(spreadsheet_safe(t)) == t for all text."""
    assert spreadsheet_text(spreadsheet_safe(text)) == text


@given(texts)
def test_spreadsheet_safe_cells_never_start_a_formula(text):
    """No safe cell starts with = + - @ tab or carriage return."""
    assert spreadsheet_safe(text)[:1] not in set("=+-@\t\r")


@pytest.mark.parametrize(
    ("text", "cell"),
    [("=1+1", "'=1+1"), ("@x", "'@x"), ("-y", "'-y"), ("+1", "'+1"), ("'z", "''z"),
     ("\tx", "'\tx"), ("Ansan", "Ansan"), ("안산시", "안산시"), ("", ""), ("tis'", "tis'")],
)  # fmt: skip
def test_spreadsheet_safe_by_hand(text, cell):
    """Formula starts and a leading apostrophe get an apostrophe; other text is as it is."""
    assert spreadsheet_safe(text) == cell
    assert frozenset("=+-@\t\r'") == FORMULA_STARTS


def test_spreadsheet_text_keeps_an_apostrophe_typed_by_hand():
    """'tis (apostrophe then a letter) is read as it is; '=1 loses its apostrophe."""
    assert spreadsheet_text("'tis") == "'tis"
    assert spreadsheet_text("'=1") == "=1"


# visible


@given(st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs"))))
def test_visible_leaves_printable_text_unchanged(text):
    """Letters (Korean among them), marks, numbers, punctuation, symbols, spaces: unchanged."""
    assert visible(text) == text


@given(texts)
def test_visible_leaves_no_control_or_format_character(text):
    """Every character of the result is printable or a space separator."""
    assert all(c.isprintable() or unicodedata.category(c) == "Zs" for c in visible(text))


def test_visible_by_hand():
    """An escape sequence and a newline are shown as escapes; 안산시 is kept."""
    assert visible("Ansan\x1b[2J\n(안산시)") == "Ansan\\x1b[2J\\n(안산시)"
    assert visible("a\u202eb") == "a\\u202eb"


# atomic_write


def test_atomic_write_replaces_the_file_on_success(tmp_path):
    """The new text is in place and no temporary file is left."""
    path = tmp_path / "out.csv"
    path.write_text("old")
    with atomic_write(path) as handle:
        handle.write("new,안산\r\n")
    assert path.read_bytes() == "new,안산\r\n".encode()
    assert os.listdir(tmp_path) == ["out.csv"]


def test_atomic_write_leaves_the_old_file_when_the_body_raises(tmp_path):
    """An exception inside the block leaves the old file whole and no temporary file."""
    path = tmp_path / "out.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(path) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_atomic_write_writes_bytes(tmp_path):
    """binary=True opens the temporary file for bytes."""
    path = tmp_path / "out.bin"
    with atomic_write(path, binary=True) as handle:
        handle.write(b"\x00\xff")
    assert path.read_bytes() == b"\x00\xff"


def test_atomic_write_names_a_missing_folder(tmp_path):
    """A missing folder is an OutputError naming it (and an OSError)."""
    missing = tmp_path / "no" / "out.csv"
    with (
        pytest.raises(OutputError, match=r"folder .* does not exist") as caught,
        atomic_write(missing),
    ):
        pass
    assert isinstance(caught.value, OSError)


def test_atomic_write_writes_a_device_directly():
    """A path that is not a regular file (/dev/null) is written in place, not replaced."""
    with atomic_write(Path(os.devnull)) as handle:
        handle.write("discarded")
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


def test_csv_written_through_atomic_write_reads_back():
    """csv.writer through the text handle (newline='') round-trips a multi-line cell."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(["a\nb", "안산"])
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == ["a\nb", "안산"]

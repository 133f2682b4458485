"""Cells as byte matrices: every cell is the text csv.writer, number_text and str would write."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icindex._files import number_text, spreadsheet_safe
from icindex._io.cells import (
    arrow_buffers,
    checklist_cells,
    csv_field,
    csv_rows,
    digit_cells,
    joined,
    number_cells,
    spreadsheet_cells,
    table_cells,
    text_cells,
)
from tests.strategies import csv_floats, formula_texts

pytestmark = pytest.mark.filterwarnings("error")

# Text without NUL (padding) and without lone surrogates (not UTF-8).
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


def _csv_text(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


@given(st.lists(texts, min_size=2, max_size=4))
def test_csv_field_quotes_as_csv_writer_does(cells):
    """A row of csv_field cells joined by commas is the row csv.writer writes."""
    assert ",".join(map(csv_field, cells)) + "\r\n" == _csv_text([cells])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1 + 0.2, "0.3"),
        (21.000000000000004, "21"),
        (100 / 3, "33.3333333333333"),
        (-0.0, "0"),
        (1e-300, "1e-300"),
        (1e300, "1e+300"),
        (123456789012345678.0, "1.23456789012346e+17"),
        (-2.5e-7, "-2.5e-07"),
    ],
)
def test_float_cells_carry_fifteen_digits(value, text):
    """A float is written to 15 significant digits, worked by hand (no float noise, -0 is 0)."""
    written = csv_rows([number_cells(np.array([value]), np.array([True]))]).decode()
    assert written == text + "\r\n"


@given(st.lists(csv_floats, min_size=1, max_size=40))
def test_float_cells_are_the_bytes_of_number_text(values):
    """The vectorised cells and the Python writers' number_text give the same bytes."""
    known = np.ones(len(values), dtype=bool)
    written = csv_rows([number_cells(np.array(values), known)]).decode()
    assert written == "".join(f"{number_text(value)}\r\n" for value in values)


@given(st.lists(formula_texts, min_size=1, max_size=12))
def test_spreadsheet_cells_are_spreadsheet_safe_then_quoted(values):
    """Safe cells are, byte for byte, spreadsheet_safe then csv.writer's quoting of each text."""
    table = [csv_field(value) for value in values]
    cells = spreadsheet_cells(table_cells(table, np.arange(len(values))))
    expected = [[spreadsheet_safe(value)] for value in values]
    lead = text_cells("x", len(values))  # csv.writer writes a lone empty cell as '""'
    assert csv_rows([lead, cells]).decode() == _csv_text([["x", *cell] for cell in expected])


@given(st.lists(formula_texts, min_size=1, max_size=8), st.data())
def test_spreadsheet_cells_find_the_first_byte_wherever_the_padding_is(values, data):
    """Padding before, inside or after the text does not change which byte comes first."""
    cells = table_cells([csv_field(value) for value in values], np.arange(len(values)))
    gaps = data.draw(st.lists(st.integers(0, cells.shape[1]), max_size=6), label="gaps")
    padded = np.insert(cells, gaps, 0, axis=1) if gaps else cells
    written = csv_rows([text_cells("x", len(values)), spreadsheet_cells(padded)]).decode()
    assert written == _csv_text([["x", spreadsheet_safe(value)] for value in values])


def test_spreadsheet_cells_leave_safe_cells_as_they_are():
    """Without a formula-like cell the matrix comes back unchanged (no column added)."""
    cells = table_cells(["Ansan", "1-2"], np.array([0, 1]))
    assert spreadsheet_cells(cells) is cells


@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=40))
def test_integer_cells_are_their_str(values):
    """Every int64 is written as str writes it."""
    known = np.ones(len(values), dtype=bool)
    written = csv_rows([number_cells(np.array(values, dtype=np.int64), known)]).decode()
    assert written == "".join(f"{value}\r\n" for value in values)


@given(
    st.lists(texts.filter(bool), min_size=1, max_size=5, unique=True),
    st.data(),
    st.sampled_from(["|", ",", '"']),
)
def test_checklist_cells_are_the_joined_ticks_quoted_as_csv(options, data, separator):
    """Ticked options joined by the separator, "none" or empty, quoted as csv.writer quotes."""
    rows = data.draw(st.integers(1, 8))
    ticked = np.array(
        data.draw(
            st.lists(
                st.lists(st.booleans(), min_size=len(options), max_size=len(options)),
                min_size=rows,
                max_size=rows,
            )
        ),
        dtype=bool,
    )
    known = np.array(data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
    cells = checklist_cells(
        options, ticked, known, separator=separator, nothing="none", quoted=True
    )
    expected = [
        [separator.join(o for o, t in zip(options, ticks, strict=True) if t) or "none"]
        if row_known
        else [""]
        for ticks, row_known in zip(ticked.tolist(), known.tolist(), strict=True)
    ]
    # csv.writer writes a row holding one empty cell as '""'; compare with a leading cell.
    lead = text_cells("x", rows)
    assert csv_rows([lead, cells]).decode() == _csv_text([["x", *cell] for cell in expected])


def test_table_cells_index_the_table_and_the_end_is_empty():
    """Index i is the table's i-th text; len(table) is an empty cell."""
    cells = table_cells(["é", "yes", ""], np.array([1, 0, 3, 2]))
    assert csv_rows([cells, text_cells("z", 4)]) == "yes,z\r\né,z\r\n,z\r\n,z\r\n".encode()


def test_digits_are_zero_padded():
    """Numbers become that many digits, zeros in front."""
    ids = joined([text_cells("syn-", 3), digit_cells(np.array([1, 42, 12345]), 5)])
    assert csv_rows([ids]) == b"syn-00001\r\nsyn-00042\r\nsyn-12345\r\n"


def test_arrow_buffers_are_offsets_bytes_and_validity():
    """Offsets count UTF-8 bytes, padding anywhere in a row is dropped, empty cells invalid."""
    cells = np.array([[0, 97, 0, 98], [0, 0, 0, 0], [195, 169, 0, 0]], dtype=np.uint8)
    offsets, data, valid = arrow_buffers(cells)
    assert offsets.tolist() == [0, 2, 2, 4]
    assert data.tobytes().decode() == "abé"
    assert valid.tolist() == [True, False, True]

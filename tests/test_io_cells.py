"""Cells as byte matrices: every cell is the text csv.writer, repr and str would write."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icindex._io.cells import (
    arrow_buffers,
    checklist_cells,
    csv_field,
    csv_rows,
    digit_cells,
    joined,
    number_cells,
    table_cells,
    text_cells,
)

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


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=40))
def test_float_cells_are_their_repr(values):
    """Every finite float, tiny, huge or negative zero, is written as repr writes it."""
    known = np.ones(len(values), dtype=bool)
    written = csv_rows([number_cells(np.array(values), known)]).decode()
    assert written == "".join(f"{value!r}\r\n" for value in values)


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

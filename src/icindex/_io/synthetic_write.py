"""Write a SYNTHETIC sample of any size a block at a time, as wide CSV or Parquet.

Each block of :data:`~.synthetic.BLOCK` cities is drawn as arrays (:class:`SyntheticBlock`),
turned into cells column by column with vectorised byte work (:mod:`.cells`), written, and
dropped: memory stays that of one block whatever the number of cities. The CSV is byte for byte
what :func:`~.writers.write_wide_csv` writes for :func:`~.synthetic.synthetic_sample` with the
same arguments; the Parquet file holds the same columns as strings, an empty cell as null.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from .._errors import ResponseError, UsageError
from .._files import atomic_write
from .._model.definition import Definition, Item
from .answers import CHECKLIST_SEPARATOR
from .cells import (
    Cells,
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
from .responses_csv import META_COLUMNS
from .synthetic import (
    ID_PREFIX,
    NAME_PREFIX,
    Seed,
    SyntheticBlock,
    id_width,
    stream_blocks,
)

__all__ = ["synthetic_block_csv", "write_synthetic"]

Target = str | os.PathLike[str] | IO[bytes] | IO[str]


def _columns(definition: Definition) -> list[str]:
    return ["city_id", *META_COLUMNS, *(f.id for f in definition.facts)] + [
        item.id for item in definition.items
    ]


def _option_cells(item: Item, drawn: NDArray[Any], known: NDArray[np.bool_], quoted: bool) -> Cells:
    table = [csv_field(option) if quoted else option for option in item.option_ids]
    return table_cells(table, np.where(known, drawn, len(table)))


def _checklist_cells(
    item: Item, drawn: NDArray[Any], known: NDArray[np.bool_], quoted: bool
) -> Cells:
    # "none" for nothing ticked, as writers._checklist_cell writes it.
    return checklist_cells(
        item.option_ids, drawn, known, separator=CHECKLIST_SEPARATOR, nothing="none", quoted=quoted
    )


# Item kind -> its cells, from a block's answers to it and where they are known.
_ITEM_CELLS: dict[str, Callable[[Item, NDArray[Any], NDArray[np.bool_], bool], Cells]] = {
    "yes_no": _option_cells,
    "choice": _option_cells,
    "checklist": _checklist_cells,
    "numeric": lambda item, drawn, known, quoted: number_cells(drawn, known),
    "indicator": lambda item, drawn, known, quoted: number_cells(drawn, known),
}


def _block_cells(
    definition: Definition, block: SyntheticBlock, width: int, round: str, quoted: bool
) -> list[Cells]:
    """The block's cells, one matrix a column, in :func:`_columns`' order."""
    rows = block.rows
    numbers = digit_cells(block.first + 1 + np.arange(rows, dtype=np.int64), width)
    everyone = np.ones(rows, dtype=bool)
    empty = text_cells("", rows)
    cells = [
        joined([text_cells(ID_PREFIX, rows), numbers]),
        joined([text_cells(NAME_PREFIX, rows), numbers]),
        empty,
        text_cells(csv_field(round) if quoted else round, rows),
    ]
    for fact in definition.facts:
        values = block.facts.get(fact.id)
        cells.append(empty if values is None else number_cells(values, everyone))
    for item, drawn, known in zip(definition.items, block.answers, block.known.T, strict=True):
        cells.append(_ITEM_CELLS[item.kind](item, drawn, known, quoted))
    return cells


def synthetic_block_csv(
    definition: Definition, block: SyntheticBlock, *, n: int, round: str = "synthetic"
) -> bytes:
    """The block's cities as wide-CSV rows (no header), ids padded for a sample of ``n``.

    These are the bytes :func:`write_synthetic` writes for the block: a block drawn alone with
    :func:`~.synthetic.synthetic_block` can be written apart and the parts joined.

    Examples
    --------
    >>> from icindex import load_definition
    >>> from icindex._io.synthetic import synthetic_block
    >>> icc = load_definition("icc")
    >>> block = synthetic_block(icc, 1, 0, rows=2)
    >>> rows = synthetic_block_csv(icc, block, n=140).decode().splitlines()
    >>> [row[:37] for row in rows]
    ['syn-001,Synthetic city 001,,synthetic', 'syn-002,Synthetic city 002,,synthetic']
    """
    return csv_rows(_block_cells(definition, block, id_width(n), round, quoted=True))


@contextlib.contextmanager
def _byte_sink(target: Target) -> Iterator[Callable[[bytes], object]]:
    """A function writing bytes to a path (opened here), a binary file or a text file."""
    if isinstance(target, str | os.PathLike):
        with atomic_write(Path(target), binary=True) as handle:  # all of the file or none
            yield handle.write
    elif isinstance(target, io.TextIOBase):
        text = target
        yield lambda chunk: text.write(chunk.decode("utf-8"))
    else:
        yield target.write  # type: ignore[misc]


def _write_csv(
    definition: Definition, target: Target, blocks: Iterable[SyntheticBlock], n: int, round: str
) -> None:
    header = io.StringIO()
    csv.writer(header).writerow(_columns(definition))  # as write_wide_csv writes it
    with _byte_sink(target) as write:
        write(header.getvalue().encode("utf-8"))
        for block in blocks:
            write(synthetic_block_csv(definition, block, n=n, round=round))


def _pyarrow() -> tuple[Any, Any]:
    try:
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ResponseError(
            "write_synthetic: format 'parquet' expected pyarrow, found it is not installed: "
            "pip install pyarrow"
        ) from None


def _arrow_strings(pa: Any, cells: Cells) -> Any:
    offsets, data, valid = arrow_buffers(cells)
    validity = np.packbits(valid, bitorder="little")
    buffers = [pa.py_buffer(validity), pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), len(valid), buffers, null_count=int((~valid).sum()))


def _write_parquet(
    definition: Definition, target: Target, blocks: Iterable[SyntheticBlock], n: int, round: str
) -> None:
    if isinstance(target, io.TextIOBase):
        raise UsageError("write_synthetic: Parquet expected a path or a binary file (got text)")
    pa, parquet = _pyarrow()
    schema = pa.schema([(name, pa.string()) for name in _columns(definition)])
    where = os.fspath(target) if isinstance(target, str | os.PathLike) else target
    with parquet.ParquetWriter(where, schema) as writer:
        for block in blocks:
            cells = _block_cells(definition, block, id_width(n), round, quoted=False)
            arrays = [_arrow_strings(pa, column) for column in cells]
            writer.write_batch(pa.record_batch(arrays, schema=schema))  # a row group a block


# Format -> its writer of a stream of blocks.
_WRITERS: dict[str, Callable[[Definition, Target, Iterable[SyntheticBlock], int, str], None]] = {
    "csv": _write_csv,
    "parquet": _write_parquet,
}


def write_synthetic(
    definition: Definition,
    path_or_file: Target,
    n: int,
    *,
    seed: Seed,
    unknown_share: float = 0.05,
    round: str = "synthetic",
    format: str = "csv",
) -> None:
    """Write a SYNTHETIC sample of ``n`` cities a block at a time, never holding it whole.

    The cities are those of :func:`~.synthetic.synthetic_sample` with the same arguments,
    drawn and written :data:`~.synthetic.BLOCK` at a time (block ``k`` from its own seed, so
    the first rows are the same whatever ``n``). Memory stays that of one block.

    Parameters
    ----------
    definition : Definition
        The index the answers are for.
    path_or_file : path, binary file or text file
        Where to write. A text file should be opened with ``newline=""``, as for
        :mod:`csv`: rows end with ``\\r\\n``. Parquet needs a path or a binary file.
    n : int >= 0
        Number of cities; their ids have :func:`~.synthetic.id_width` digits.
    seed : int >= 0 or SeedSequence
        The same seed gives the same file.
    unknown_share : float in [0, 1], default 0.05
    round : str, default "synthetic"
    format : {"csv", "parquet"}, default "csv"
        ``csv``: the wide CSV :func:`~.writers.write_wide_csv` writes, byte for byte.
        ``parquet`` (needs pyarrow): the same columns as strings, an empty cell as null, a row
        group a block.

    Raises
    ------
    UsageError
        On a bad ``n``, seed, share, round or format.
    ResponseError
        Parquet without pyarrow.

    Examples
    --------
    >>> from icindex import load_definition, read_responses, synthetic_sample
    >>> icc = load_definition("icc")
    >>> write_synthetic(icc, "sample.csv", 1_000, seed=1)
    >>> cities = read_responses("sample.csv", icc)
    >>> len(cities), cities[-1].id
    (1000, 'syn-1000')
    >>> cities[0].answers == synthetic_sample(icc, 1, seed=1)[0].answers
    True
    """
    blocks = stream_blocks(definition, seed, n, unknown_share, "write_synthetic")
    if format not in _WRITERS:
        raise UsageError(
            f"write_synthetic: format must be one of {sorted(_WRITERS)} (got {format!r})"
        )
    if not isinstance(round, str):
        raise UsageError(f"write_synthetic: round must be text (got {round!r})")
    _WRITERS[format](definition, path_or_file, blocks, n, round)

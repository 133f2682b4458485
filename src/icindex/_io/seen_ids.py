"""The id of every city read so far, kept compactly, to refuse a duplicate in a stream.

A Python set of ``str`` takes about 100 bytes an id, which streaming ten million cities would
turn into a gigabyte. Here the ids (ASCII: they match ``CITY_ID``) are kept as fixed-width
bytes in a few sorted numpy runs, beside the number of the file each came from: about
``longest id + 2`` bytes an id. The ids of the chunk being read wait in a small dict; at the
end of the chunk they become a run, and runs are merged like a binary counter (a run is merged
into the one before while that one is no longer), so there are at most ``log2(chunks) + 1``
runs and each id is re-sorted ``log2(chunks)`` times in all. A look-up is a binary search in
each run. Merging the two largest runs briefly takes about 3 times their size.

Line numbers are not kept (they would double the memory): a duplicate names the line it is met
on, and the line of the first occurrence is found again only then, by the ``locate`` function
the reader gives (which reads the earlier file once more).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import ResponseError

__all__ = ["SeenIds", "duplicate_city"]

Run = tuple[NDArray[np.bytes_], NDArray[np.unsignedinteger[Any]]]
Locate = Callable[[str, str], "int | None"]
"""``locate(source, city_id)``: the line of the first row of ``city_id`` in the file
``source``, or None."""


def duplicate_city(city_id: str, place: str, earlier: str) -> ResponseError:
    """The error for ``city_id`` read at ``place`` after it was read at ``earlier`` (each a
    file, with its line for a CSV file).

    Examples
    --------
    >>> print(duplicate_city("ansan", "b.csv: line 4", "a.csv: line 2"))
    b.csv: line 4: city 'ansan' was already read from a.csv: line 2
    """
    return ResponseError(f"{place}: city {city_id!r} was already read from {earlier}")


class SeenIds:
    """The ids read so far, each with the file it was read from (ids only, no answers).

    Examples
    --------
    >>> seen = SeenIds()
    >>> seen.open("a.csv")
    >>> seen.add(["x", "y"])
    >>> seen.flush()
    >>> seen.open("b.csv")
    >>> seen.add(["y"], lines=[7])
    Traceback (most recent call last):
    ...
    icindex._errors.ResponseError: b.csv: line 7: city 'y' was already read from a.csv
    """

    def __init__(self, locate: Locate | None = None) -> None:
        self._locate = locate
        self.files: list[str] = []  # the files opened so far; the last is being read
        self._pending: dict[str, int] = {}  # the current chunk's ids -> their file
        self._runs: list[Run] = []  # sorted ids and their files, runs disjoint
        self._width = 1  # bytes of the longest id so far (every run has this width)

    def open(self, source: str) -> None:
        """Start reading the file ``source``: the ids added next come from it."""
        self.files.append(source)

    @property
    def current(self) -> int:
        """The position in ``files`` of the file being read."""
        return len(self.files) - 1

    def add(self, ids: Sequence[str], lines: Sequence[int] | None = None) -> None:
        """Note ``ids``, read in this order from the current file (at ``lines``, when given);
        refuse the first of them that was read before (in an earlier chunk or file, or
        earlier among ``ids``), naming both places."""
        for row, (city_id, where) in enumerate(zip(ids, self._in_runs(ids).tolist(), strict=True)):
            where = self._pending.get(city_id, where)
            if where >= 0:
                place = self.files[self.current]
                if lines is not None:
                    place = f"{place}: line {lines[row]}"
                raise duplicate_city(city_id, place, self._place(where, city_id))
            self._pending[city_id] = self.current

    def _place(self, file: int, city_id: str) -> str:
        """The file ``city_id`` was read from, with its line when ``locate`` finds it."""
        source = self.files[file]
        line = None if self._locate is None else self._locate(source, city_id)
        return source if line is None else f"{source}: line {line}"

    def earlier(self, ids: Sequence[str]) -> list[int]:
        """For each of ``ids``, the position in ``files`` of the file it was read from, or -1."""
        in_runs = self._in_runs(ids).tolist()
        return [self._pending.get(city_id, w) for city_id, w in zip(ids, in_runs, strict=True)]

    def flush(self) -> None:
        """Keep the ids added since the last flush in the sorted runs (at a chunk's end, once
        its ids are checked: they match ``CITY_ID``, so they are ASCII)."""
        if not self._pending:
            return
        ids = self._bytes(list(self._pending))
        files = np.fromiter(self._pending.values(), dtype=self._file_dtype(), count=len(ids))
        self._pending = {}
        order = np.argsort(ids, kind="stable")
        self._runs.append((ids[order], files[order]))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= len(self._runs[-1][0]):
            (ids_a, files_a), (ids_b, files_b) = self._runs.pop(-2), self._runs.pop()
            merged = np.concatenate([ids_a, ids_b])
            order = np.argsort(merged, kind="stable")
            self._runs.append((merged[order], np.concatenate([files_a, files_b])[order]))

    def __len__(self) -> int:
        return len(self._pending) + sum(len(ids) for ids, _ in self._runs)

    def _file_dtype(self) -> type[np.unsignedinteger[Any]]:
        return np.uint16 if len(self.files) <= np.iinfo(np.uint16).max else np.uint32

    def _bytes(self, ids: Sequence[str]) -> NDArray[np.bytes_]:
        """``ids`` as bytes of the common width (widening every run when one is longer)."""
        width = max((len(city_id) for city_id in ids), default=1)
        if width > self._width:
            self._width = width
            self._runs = [(run.astype(f"S{width}"), files) for run, files in self._runs]
        return np.array(ids, dtype=f"S{self._width}")

    def _storable(self, city_id: str) -> bool:
        """Whether ``city_id`` could be in a run: ASCII without NUL, no longer than the width."""
        return len(city_id) <= self._width and city_id.isascii() and "\0" not in city_id

    def _in_runs(self, ids: Sequence[str]) -> NDArray[np.int64]:
        """For each id, the file it was read from if it is in a run, else -1."""
        found = np.full(len(ids), -1, dtype=np.int64)
        if not self._runs or not ids:
            return found
        kept = [r for r, city_id in enumerate(ids) if self._storable(city_id)]
        if len(kept) < len(ids):  # not read before (a long CSV looks up ids not yet checked)
            found[kept] = self._in_runs([ids[r] for r in kept])
            return found
        keys = self._bytes(ids)
        for run, files in self._runs:
            at = np.minimum(np.searchsorted(run, keys), len(run) - 1)
            hit = run[at] == keys
            found[hit] = files[at[hit]]
        return found

"""Peer bands: how a definition puts cities in peer groups, from their numeric facts."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = ["PeerBand"]


@attrs.frozen
class PeerBand:
    """Bands of one numeric fact; a city's peer group crosses its band in every ``PeerBand``.

    Band ``i`` holds the values ``edges[i-1] <= x < edges[i]`` (the first band everything below
    ``edges[0]``, the last everything from ``edges[-1]`` up).

    Examples
    --------
    >>> size = PeerBand("size", "population", (100_000, 500_000))
    >>> size.labels
    ('under 100000', '100000 to under 500000', '500000 or more')
    >>> size.band(np.array([5e4, 1e5, 2e6, np.nan])).tolist()
    [0, 1, 2, -1]
    """

    id: str
    fact: str
    edges: tuple[float, ...]
    names: tuple[str, ...] = ()
    description: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        """The bands' names: ``names``, or made from the edges."""
        if self.names:
            return self.names
        e = [f"{edge:g}" for edge in self.edges]
        middle = [f"{low} to under {high}" for low, high in itertools.pairwise(e)]
        return (f"under {e[0]}", *middle, f"{e[-1]} or more")

    def band(self, values: NDArray[np.float64]) -> NDArray[np.intp]:
        """Each value's band (0, 1, ...), or -1 where the value is unknown (NaN)."""
        bands = np.searchsorted(np.asarray(self.edges), values, side="right")
        return np.where(np.isnan(values), -1, bands).astype(np.intp)

    def problems(self, fact_types: Mapping[str, str], where: str) -> list[str]:
        """What is wrong with this band set (given each fact's type), each naming ``where``."""
        found = []
        kind = fact_types.get(self.fact)
        if kind not in ("integer", "number"):
            got = "no such fact" if kind is None else f"a {kind} fact"
            found.append(f"{where}.fact: must name a numeric fact (got {self.fact!r}: {got})")
        if not self.edges or any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            found.append(f"{where}.edges: must be increasing numbers (got {list(self.edges)})")
        if self.names and len(self.names) != len(self.edges) + 1:
            found.append(
                f"{where}.names: must name {len(self.edges) + 1} bands, one more than the edges "
                f"(got {len(self.names)})"
            )
        return found

"""A city against its sample and its peers: ranks, gaps, strengths, weaknesses, good practice."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from .sample import Sample

__all__ = ["COMPARISON_COLUMNS", "Comparison", "compare"]

#: The columns of :meth:`Comparison.table`, one row per aggregate.
COMPARISON_COLUMNS = (
    "city", "column", "score", "coverage", "rank", "of", "peer_rank", "peers", "percentile",
    "sample_mean", "sample_median", "peer_mean", "gap_sample", "gap_peers",
    "input", "impact",
)  # fmt: skip


@attrs.frozen
class Comparison:
    """One city's place in a sample.

    Attributes
    ----------
    city, name, peer_group, peer_note : str
        ``peer_note`` says why there is no peer group (then peer columns are NaN and strengths
        and weaknesses are measured against the whole sample).
    rows : tuple of dict
        One per aggregate (the index first): :data:`COMPARISON_COLUMNS`.
    strengths, weaknesses : tuple of str
        The ``k`` indicators (the root's children) furthest above / below the peer average
        (the sample average without peers), largest gap first.
    good_practice : dict of str to tuple of str
        Per indicator, the best-scoring peers (the sample without peers) with full coverage
        that score higher than the city, best first.
    """

    city: str
    name: str
    peer_group: str
    peer_note: str
    rows: tuple[dict[str, object], ...]
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    good_practice: dict[str, tuple[str, ...]]

    def table(self) -> list[dict[str, object]]:
        """The rows, for CSV or JSON."""
        return [dict(row) for row in self.rows]


def compare(
    sample: Sample, city: str, *, indicators: Sequence[str] | None = None, k: int = 3, good: int = 3
) -> Comparison:
    """Compare ``city`` with the whole sample and with its peer group, aggregate by aggregate.

    Parameters
    ----------
    sample : Sample
        It holds the city (``Sample.of`` scores them together).
    city : str
    indicators : sequence of str, optional
        The indicators for strengths, weaknesses and good practice (default: the root's child
        nodes, ``Sample.indicators``).
    k : int, default 3
    good : int, default 3
        Good-practice cities listed per indicator.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> facts = {"population": 150_000, "foreign_born_share": 12.0}
    >>> cities = [icindex.CityResponse(c, c.upper(), facts=facts) for c in "abc"]
    >>> result = compare(icindex.Sample.of(icc, cities), "a")
    >>> result.rows[0]["rank"], result.rows[0]["peers"]
    (1.0, 3)
    """
    row = sample.row(city)
    peers = sample.peers(city)
    rows = tuple(_row(sample, row, peers, column) for column in sample.columns)
    chosen = list(indicators) if indicators is not None else list(sample.indicators)
    against = peers if peers.size else np.arange(len(sample))
    gaps = {
        c: sample.values[row, sample.columns.index(c)] - _mean(sample, c, against) for c in chosen
    }
    ordered = sorted((g, c) for c, g in gaps.items() if not np.isnan(g))
    return Comparison(
        city=city,
        name=sample.names[row],
        peer_group=sample.peer_groups[row],
        peer_note=sample.peer_notes[row],
        rows=rows,
        strengths=tuple(c for g, c in reversed(ordered[-k:]) if g > 0),
        weaknesses=tuple(c for g, c in ordered[:k] if g < 0),
        good_practice={c: _best(sample, c, against, row, good) for c in chosen},
    )


def _mean(sample: Sample, column: str, rows: np.ndarray) -> float:
    values = sample.column(column)[rows]
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _row(sample: Sample, row: int, peers: np.ndarray, column: str) -> dict[str, object]:
    c = sample.columns.index(column)
    score = float(sample.values[row, c])
    everyone = sample.stats(column)
    peer_stats = sample.stats(column, peers) if peers.size else {"n": 0.0, "mean": np.nan}
    peer_rank = float(sample.ranks(column, peers)[row]) if peers.size else float("nan")
    return {
        "city": sample.city_ids[row], "column": column, "score": score,
        "coverage": float(sample.coverage[row, c]),
        "rank": float(sample.ranks(column)[row]), "of": int(everyone["n"]),
        "peer_rank": peer_rank, "peers": int(peer_stats["n"]),
        "percentile": float(sample.percentiles(column)[row]),
        "sample_mean": everyone["mean"], "sample_median": everyone["median"],
        "peer_mean": peer_stats["mean"],
        "gap_sample": score - everyone["mean"], "gap_peers": score - peer_stats["mean"],
        "input": float(sample.role_values[0, row, c]),
        "impact": float(sample.role_values[1, row, c]),
    }  # fmt: skip


def _best(sample: Sample, column: str, rows: np.ndarray, city: int, good: int) -> tuple[str, ...]:
    """The best ``good`` cities among ``rows`` with full coverage on ``column`` that score
    higher than ``city`` (those it can learn from)."""
    c = sample.columns.index(column)
    better = sample.values[rows, c] > sample.values[city, c]  # NaN: every scored city is better
    better |= np.isnan(sample.values[city, c]) & ~np.isnan(sample.values[rows, c])
    full = rows[(sample.coverage[rows, c] >= 1.0) & better]
    order = full[np.argsort(-sample.values[full, c], kind="stable")]
    return tuple(sample.city_ids[i] for i in order[:good])

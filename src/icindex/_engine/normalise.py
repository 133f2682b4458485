"""Normalisers: bring indicators measured on different scales onto one common scale.

The kernels are bare: each takes a (k, n_units) matrix of *directed* values, one row per
indicator (every value already multiplied by its indicator's direction, so higher is always
better), NaN where a value is missing, and per-row parameters on that directed scale; it ignores
NaN, computes its statistics across the units of each row, and returns an array of the same
shape. Units lie along the last axis, as in the engine, so every statistic is a reduction over
contiguous memory. :func:`normalise` checks its input once and dispatches each indicator to its
kernel through the plain table :data:`NORMALISERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from .._arrays import ARRAY_EQ, readonly
from .._errors import ScoringError
from .._model.definition import Normalisation

__all__ = ["NORMALISERS", "Normalisers", "Parameters", "normalise", "normalise_rows"]

FloatArray = NDArray[np.float64]
SAMPLE_METHODS = ("minmax", "zscore", "percentile", "distance")
FEWEST_KNOWN = {"minmax": 1, "zscore": 2, "percentile": 2, "distance": 1}


def _column(values: Sequence[float | None]) -> FloatArray:
    """Per-indicator numbers as a (k, 1) column (None becomes NaN), to broadcast along units."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)[:, None]


@attrs.frozen
class Parameters:
    """Per-indicator normaliser parameters on the directed scale, each of shape (k, 1).

    ``low <= high`` always: for an indicator of direction -1 the bounds ``(-high, -low)`` of its
    own scale become ``(low, high)`` here, and its target ``-target``.
    """

    out_low: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    out_high: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    mean: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    sd: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    low: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    high: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    truncate: NDArray[np.bool_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    target: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    cap: NDArray[np.bool_] = attrs.field(converter=readonly, eq=ARRAY_EQ)

    @classmethod
    def of(cls, settings: Sequence[Normalisation], directions: FloatArray) -> Parameters:
        """The parameters of ``settings`` (one per indicator), given each one's direction."""
        direction = np.asarray(directions, dtype=np.float64)[:, None]
        low = _column([s.low for s in settings]) * direction
        high = _column([s.high for s in settings]) * direction
        return cls(
            out_low=_column([s.range[0] for s in settings]),
            out_high=_column([s.range[1] for s in settings]),
            mean=_column([s.mean for s in settings]),
            sd=_column([s.sd for s in settings]),
            low=np.fmin(low, high),
            high=np.fmax(low, high),
            truncate=np.array([s.truncate for s in settings], dtype=bool)[:, None],
            target=_column([s.target for s in settings]) * direction,
            cap=np.array([s.cap for s in settings], dtype=bool)[:, None],
        )

    def take(self, rows: NDArray[np.intp]) -> Parameters:
        """The parameters of some indicators only."""
        return Parameters(**{f.name: getattr(self, f.name)[rows] for f in attrs.fields(Parameters)})


def _lowest(values: FloatArray) -> FloatArray:
    """Each row's smallest known value, (k, 1); NaN for a row with none (one pass, no copy)."""
    lowest: FloatArray = np.fmin.reduce(values, axis=1, keepdims=True)
    return lowest


def _highest(values: FloatArray) -> FloatArray:
    """Each row's largest known value, (k, 1); NaN for a row with none."""
    highest: FloatArray = np.fmax.reduce(values, axis=1, keepdims=True)
    return highest


def _rescale(fraction: FloatArray, p: Parameters) -> FloatArray:
    """Map fractions (0 at the worst, 1 at the best) onto ``[out_low, out_high]``, in place."""
    fraction *= p.out_high - p.out_low
    fraction += p.out_low
    return fraction


# Each kernel writes into ``out`` (which may be ``values`` itself) and returns it: where fresh
# memory is slow to map (virtual machines), large temporaries cost more than the arithmetic.


def identity(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    """The directed values themselves."""
    if out is not values:
        out[...] = values
    return out


def minmax(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    r""":math:`l + (u - l)\,(x - \min x) / (\max x - \min x)` per indicator."""
    lowest, highest = _lowest(values), _highest(values)
    np.subtract(values, lowest, out=out)
    out *= (p.out_high - p.out_low) / (highest - lowest)
    out += p.out_low
    return out


def zscore(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    r""":math:`m + s\,(x - \bar x) / \mathrm{sd}(x)` per indicator (sample standard deviation)."""
    centre = np.nanmean(values, axis=1, keepdims=True)
    spread = np.nanstd(values, axis=1, ddof=1, keepdims=True)
    np.subtract(values, centre, out=out)
    out *= p.sd / spread
    out += p.mean
    return out


def goalposts(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    r""":math:`l + (u - l)\,(x - a) / (b - a)` between fixed bounds, clipped if ``truncate``."""
    np.subtract(values, p.low, out=out)
    out /= p.high - p.low
    np.clip(out, 0.0, 1.0, out=out, where=np.broadcast_to(p.truncate, out.shape))
    return _rescale(out, p)


def rank(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    """Ranks, 1 for the worst; ties share the lowest rank ("sport" ranking, COINr's ``n_rank``)."""
    out[...] = stats.rankdata(values, method="min", axis=1, nan_policy="omit")
    return out


def percentile(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    r"""Percentile ranks :math:`(r - 1) / (n_\text{known} - 1)` onto ``[out_low, out_high]``."""
    known = np.sum(~np.isnan(values), axis=1, keepdims=True)
    rank(values, p, out)
    out -= 1.0
    out /= known - 1.0
    return _rescale(out, p)


def distance(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    r"""Distance to target :math:`1 - (t - x) / (t - \min x)`, capped at 1 if ``cap``."""
    lowest = _lowest(values)
    np.subtract(p.target, values, out=out)
    out /= p.target - lowest
    np.subtract(1.0, out, out=out)
    np.minimum(out, 1.0, out=out, where=np.broadcast_to(p.cap, out.shape))
    return _rescale(out, p)


def fixed(values: FloatArray, p: Parameters, out: FloatArray) -> FloatArray:
    r"""Points on a known scale ``[a, b]`` mapped linearly onto ``[out_low, out_high]``."""
    np.subtract(values, p.low, out=out)
    out /= p.high - p.low
    return _rescale(out, p)


#: Normaliser name -> kernel ``(directed values (k, n), Parameters, out) -> out``; ``out`` has
#: the shape of the values and may be the values themselves.
NORMALISERS: dict[str, Callable[[FloatArray, Parameters, FloatArray], FloatArray]] = {
    "none": identity,
    "minmax": minmax,
    "zscore": zscore,
    "goalposts": goalposts,
    "rank": rank,
    "percentile": percentile,
    "distance": distance,
    "fixed": fixed,
}


def _names(labels: Sequence[str], where: NDArray[np.bool_], most: int = 5) -> str:
    chosen = [labels[int(i)] for i in np.flatnonzero(where)]
    more = f" and {len(chosen) - most} more" if len(chosen) > most else ""
    return ", ".join(chosen[:most]) + more


def _check_settings(settings: Sequence[Normalisation], indicators: Sequence[str]) -> None:
    for row, setting in enumerate(settings):
        found = setting.problems()
        if setting.method == "distance" and setting.target is None:
            found.append("distance needs a target")
        if found:
            raise ScoringError(f"indicator {indicators[row]!r}: normalise: {'; '.join(found)}")


def _check_counts(method: str, known: NDArray[np.intp], indicators: Sequence[str]) -> None:
    """Raise when a sample-based normaliser has too few known values for an indicator."""
    for row in np.flatnonzero(known < FEWEST_KNOWN[method]):
        raise ScoringError(
            f"indicator {indicators[int(row)]!r}: {method} needs at least "
            f"{FEWEST_KNOWN[method]} known values (found {int(known[row])})"
        )


def _check_spread(method: str, values: FloatArray, indicators: Sequence[str]) -> None:
    """Raise when min-max or z-score would divide by a zero spread (all known values equal)."""
    with np.errstate(invalid="ignore"):
        flat = (_highest(values) == _lowest(values))[:, 0]
    for row in np.flatnonzero(flat):
        raise ScoringError(
            f"indicator {indicators[int(row)]!r}: {method} needs known values that differ "
            f"(all are {float(np.nanmin(values[row])):g})"
        )


def _check_target(values: FloatArray, p: Parameters, indicators: Sequence[str]) -> None:
    """Raise when a target is not better than the worst value (the order would turn round)."""
    with np.errstate(invalid="ignore"):
        lowest = _lowest(values)
    for row in np.flatnonzero(~(p.target > lowest)):
        raise ScoringError(
            f"indicator {indicators[int(row)]!r}: distance needs a target better than the "
            f"worst value (after applying the direction: target {float(p.target[row, 0])!r}, "
            f"worst {float(lowest[row, 0])!r})"
        )


def _check_fixed(
    values: FloatArray, p: Parameters, indicators: Sequence[str], units: Sequence[str]
) -> None:
    """Raise when a value lies outside the fixed scale it claims to be on."""
    with np.errstate(invalid="ignore"):
        outside = (values < p.low) | (values > p.high)
    for row in np.flatnonzero(outside.any(axis=1)):
        raise ScoringError(
            f"indicator {indicators[int(row)]!r}: fixed scale "
            f"[{p.low[row, 0]:g}, {p.high[row, 0]:g}] (after applying the direction) does not "
            f"hold the values of units {_names(units, outside[row])}"
        )


@attrs.frozen
class Normalisers:
    """Normalisers checked and compiled for k indicators, to apply to any number of units.

    Attributes
    ----------
    indicators : tuple of str
        The indicators' ids, for messages.
    parameters : Parameters
        Every indicator's parameters on the directed scale.
    methods : tuple of (str, int array or None)
        Each normaliser used and the rows it applies to (None: every row).
    """

    indicators: tuple[str, ...]
    parameters: Parameters
    methods: tuple[tuple[str, NDArray[np.intp] | None], ...]

    @classmethod
    def of(
        cls, settings: Sequence[Normalisation], directions: ArrayLike, indicators: Sequence[str]
    ) -> Normalisers:
        """Check ``settings`` (one per indicator; ScoringError names the first bad one)."""
        _check_settings(settings, indicators)
        names = [setting.method for setting in settings]
        methods: list[tuple[str, NDArray[np.intp] | None]] = [
            (name, None if len(set(names)) == 1 else np.flatnonzero(np.array(names) == name))
            for name in dict.fromkeys(names)
        ]
        direction = np.asarray(directions, dtype=np.float64)
        return cls(tuple(indicators), Parameters.of(settings, direction), tuple(methods))


def normalise_rows(rows: FloatArray, plan: Normalisers, units: Sequence[str]) -> FloatArray:
    """:func:`normalise` in the engine's layout, in place: ``rows`` (k, n_units) is overwritten.

    Returns ``rows``, each row (indicator) normalised with its own normaliser.
    """
    counts = rows.shape[1] - np.isnan(rows).sum(axis=1)
    for method, chosen in plan.methods:
        values = rows if chosen is None else rows[chosen]
        parameters = plan.parameters if chosen is None else plan.parameters.take(chosen)
        labels = plan.indicators if chosen is None else [plan.indicators[i] for i in chosen]
        if method in SAMPLE_METHODS:
            _check_counts(method, counts if chosen is None else counts[chosen], labels)
        if method in ("minmax", "zscore"):
            _check_spread(method, values, labels)
        elif method == "distance":
            _check_target(values, parameters, labels)
        elif method == "fixed":
            _check_fixed(values, parameters, labels, units)
        with np.errstate(divide="ignore", invalid="ignore"):
            normalised = NORMALISERS[method](values, parameters, values)
        if chosen is not None:
            rows[chosen] = normalised
    return rows


def normalise(
    values: ArrayLike,
    settings: Sequence[Normalisation],
    directions: ArrayLike,
    *,
    indicators: Sequence[str] | None = None,
    units: Sequence[str] | None = None,
) -> FloatArray:
    r"""Normalise each column of directed indicator values with its own normaliser.

    Statistics (minimum, maximum, mean, standard deviation, ranks) are taken across the units
    of each column, ignoring missing values, which stay missing. With direction :math:`d`,
    :math:`x` below is the directed value :math:`d\,x_\text{raw}`; :math:`[l, u]` is ``range``.

    ============  ============================================================================
    none          :math:`x`
    minmax        :math:`l + (u - l)(x - \min x)/(\max x - \min x)`
    zscore        :math:`m + s (x - \bar x)/\mathrm{sd}(x)` (sample standard deviation)
    goalposts     :math:`l + (u - l)(x - a)/(b - a)`, clipped to :math:`[l, u]` if ``truncate``
    rank          rank among the known values, 1 the worst, ties the lowest rank
    percentile    :math:`l + (u - l)(r - 1)/(n_\text{known} - 1)`
    distance      :math:`l + (u - l)\big(1 - (t - x)/(t - \min x)\big)`, capped if ``cap``
    fixed         :math:`l + (u - l)(x - a)/(b - a)`; every value must lie within the scale
    ============  ============================================================================

    Parameters
    ----------
    values : array_like, shape (n_units, k)
        Directed values, NaN where missing.
    settings : sequence of k Normalisation
        The normaliser of each column. Bounds and targets are on the raw scale; they are
        multiplied by the column's direction here. ``distance`` needs a ``target``.
    directions : array_like, shape (k,)
        +1 or -1 per column.
    indicators, units : sequences of str, optional (column and row labels, for messages)

    Returns
    -------
    ndarray, shape (n_units, k)

    Raises
    ------
    ScoringError
        Settings that cannot be used, a sample-based normaliser on a column with too few or
        all-equal known values, a ``distance`` target no better than the worst value, or a
        ``fixed`` value outside its scale; names the indicator (and the units).

    Examples
    --------
    >>> normalise([[1.0], [2.0], [5.0]], [Normalisation("minmax")], [1]).ravel().tolist()
    [0.0, 25.0, 100.0]
    """
    matrix = np.asarray(values, dtype=np.float64)
    direction = np.asarray(directions, dtype=np.float64)
    n, k = matrix.shape
    if len(settings) != k or direction.shape != (k,):
        raise ScoringError(f"normalise: expected {k} settings and directions (one per column)")
    plan = Normalisers.of(settings, direction, indicators or [f"column {c}" for c in range(k)])
    rows = np.array(matrix.T, order="C")  # a copy: normalise_rows works in place
    return normalise_rows(rows, plan, units or [f"row {r}" for r in range(n)]).T

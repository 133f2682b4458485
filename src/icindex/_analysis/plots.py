"""Figures of an analysis: the rank bands of an uncertainty analysis, the Sobol' indices of a
sensitivity analysis (after COINr's ``plot_uncertainty`` and ``plot_sensitivity``).

matplotlib is an optional extra (``pip install 'icindex[plot]'``): it is imported when a figure
is drawn, never by ``import icindex``. Figures are built as ``matplotlib.figure.Figure`` objects,
not through pyplot, so they need no display and open no window.
"""

from __future__ import annotations

import importlib
import math
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from .._errors import ScoringError
from .uncertainty import Uncertainty

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SensitivityLike", "SobolLike", "plot_sensitivity", "plot_uncertainty"]

FloatArray = NDArray[np.float64]

#: Inches a rotated tick label needs along the x axis (at font size 8).
_LABEL_PITCH = 0.16
_BAND, _MEDIAN, _NOMINAL = "#9ecae1", "#08519c", "#d94801"
_FIRST, _TOTAL = "#6baed6", "#08519c"


class SobolLike(Protocol):
    """What :func:`plot_sensitivity` reads of a ``SobolIndices``: arrays of shape (d,) for one
    output, (d, m) for ``m`` named outputs."""

    # Sobol' indices are named S1 and ST in the literature, SALib and COINr.
    @property
    def factors(self) -> tuple[str, ...]: ...
    @property
    def S1(self) -> FloatArray: ...  # noqa: N802
    @property
    def S1_conf(self) -> FloatArray: ...  # noqa: N802
    @property
    def ST(self) -> FloatArray: ...  # noqa: N802
    @property
    def ST_conf(self) -> FloatArray: ...  # noqa: N802
    @property
    def outputs(self) -> tuple[str, ...] | None: ...
    @property
    def n_base(self) -> int: ...
    @property
    def conf_level(self) -> float: ...


@runtime_checkable
class SensitivityLike(Protocol):
    """What :func:`plot_sensitivity` reads of a ``Sensitivity``."""

    @property
    def rank_shift(self) -> SobolLike: ...
    @property
    def scores(self) -> SobolLike: ...


def plot_uncertainty(
    result: Uncertainty,
    *,
    ax: Axes | None = None,
    max_units: int | None = None,
    title: str | None = None,
) -> Figure:
    """Each unit's rank band: its 5 %-95 % rank quantiles, median rank and nominal rank.

    Units run along the x axis by nominal rank, best first (units without a nominal rank last);
    the rank axis is inverted so that rank 1 is at the top. Tick labels are the unit ids, thinned
    when they would not fit.

    Parameters
    ----------
    result : Uncertainty
        From :func:`icindex.uncertainty`.
    ax : matplotlib Axes, optional
        Draw here; default: a new figure sized to the number of units.
    max_units : int >= 1, optional
        Keep the ``max_units`` best units by nominal rank.
    title : str, optional (default: the target and the number of replications)

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes (save it with ``figure.savefig("ranks.png")``).

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.synthetic_cities(icc, 20, seed=1)
    >>> result = icindex.uncertainty(icc, cities, [icindex.WeightNoise({2: 0.25})], reps=100)
    >>> figure = icindex.plot_uncertainty(result, max_units=10)  # figure.savefig("ranks.png")
    >>> figure.axes[0].get_ylabel()
    'Rank'
    """
    matplotlib = _matplotlib("plot_uncertainty")
    if max_units is not None and (isinstance(max_units, bool) or max_units < 1):
        raise ScoringError(f"max_units: expected an integer >= 1 (got {max_units!r})")
    summary = result.summary()
    order = np.argsort(result.nominal_ranks, kind="stable")[:max_units]  # NaN sorts last
    low, high = summary["q05_rank"][order], summary["q95_rank"][order]
    x = np.arange(order.size)
    ax = _axes(matplotlib, ax, (min(max(7.5, 3.0 + 0.22 * order.size), 20.0), 4.8))
    size = min(5.0, max(2.0, 0.6 * 72 * _inches(ax) / max(order.size, 1)))  # points, per unit
    ax.bar(x, high - low, bottom=low, width=0.6, color=_BAND, label="5–95 % of replications")
    ax.plot(x, summary["median_rank"][order], "o", color=_MEDIAN, ms=size, label="Median rank")
    nominal = result.nominal_ranks[order]
    ax.plot(x, nominal, "D", color=_NOMINAL, ms=0.8 * size, label="Nominal rank")
    stacked = np.concatenate([low, high, nominal])
    _rank_axis(matplotlib, ax, np.nanmax(stacked) if np.isfinite(stacked).any() else order.size)
    _unit_ticks(ax, result.unit_ids[order].tolist())
    ax.set_xlim(-0.7, order.size - 0.3)
    ax.set_xlabel("Unit (by nominal rank)")
    _legend(ax)
    reps = result.ranks.shape[0]
    ax.set_title(title if title is not None else f"Rank of {result.target}: {reps} replications")
    return _root(ax)


def plot_sensitivity(
    result: SensitivityLike | SobolLike,
    *,
    ax: Axes | None = None,
    output: str | None = None,
    title: str | None = None,
) -> Figure:
    """First-order (S1) and total (ST) Sobol' index of each factor, as bars with their intervals.

    Parameters
    ----------
    result : Sensitivity or SobolIndices
        A ``Sensitivity`` plots the indices of the mean rank shift, or of one unit's score with
        ``output``; a ``SobolIndices`` plots its single output, or the one named ``output``.
    ax : matplotlib Axes, optional
        Draw here; default: a new figure.
    output : str, optional
        A unit id (of a ``Sensitivity``) or an output name (of a multi-output ``SobolIndices``).
    title : str, optional (default: what the indices are of)

    Returns
    -------
    matplotlib.figure.Figure
        Error bars: the half-widths ``S1_conf``, ``ST_conf``; the y axis spans at least [0, 1].

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.synthetic_cities(icc, 30, seed=1)
    >>> factors = [icindex.WeightNoise({2: 0.5}), icindex.LeaveOneOut(level=2)]
    >>> result = icindex.sensitivity(icc, cities, factors, n_base=256, seed=3)
    >>> [t.get_text() for t in icindex.plot_sensitivity(result).axes[0].get_xticklabels()]
    ['weights', 'leave_out']
    >>> figure = icindex.plot_sensitivity(result, output=str(result.unit_ids[0]))  # one city
    """
    matplotlib = _matplotlib("plot_sensitivity")
    indices, default_title = _pick(result, output)
    first, first_conf, total, total_conf = (
        _column(getattr(indices, name), indices.outputs, output)
        for name in ("S1", "S1_conf", "ST", "ST_conf")
    )
    x = np.arange(len(indices.factors), dtype=np.float64)
    ax = _axes(matplotlib, ax, (max(6.5, 3.5 + 1.1 * x.size), 4.2))
    _bars(ax, x - 0.19, first, first_conf, _FIRST, "First order (S1)")
    _bars(ax, x + 0.19, total, total_conf, _TOTAL, "Total (ST)")
    ax.axhline(0.0, color="black", linewidth=0.8)
    values, halves = np.array([first, total]), np.nan_to_num(np.array([first_conf, total_conf]))
    ends = np.concatenate([values - halves, values + halves], axis=None)
    low, high = min(0.0, *ends[np.isfinite(ends)]), max(1.0, *ends[np.isfinite(ends)])
    ax.set_ylim(low - 0.02 * (high - low), high + 0.02 * (high - low))
    ax.set_xticks(x, list(indices.factors))
    if max(map(len, indices.factors), default=0) * 0.085 > 0.9 * _inches(ax) / max(x.size, 1):
        for label in ax.get_xticklabels():  # side by side, long names would overlap
            label.set(rotation=30, horizontalalignment="right", rotation_mode="anchor")
    ax.set_ylabel("Sobol' index")
    ax.grid(axis="y", alpha=0.3)
    _legend(ax, f"{indices.conf_level:.0%} intervals\nN = {indices.n_base}")
    ax.set_title(title if title is not None else default_title)
    return _root(ax)


def _matplotlib(caller: str) -> ModuleType:
    try:
        matplotlib = importlib.import_module("matplotlib")
        for submodule in ("figure", "ticker"):
            importlib.import_module(f"matplotlib.{submodule}")
    except ImportError:
        raise ScoringError(
            f"{caller}: expected matplotlib, found it is not installed; pip install 'icindex[plot]'"
        ) from None
    return matplotlib


def _axes(matplotlib: ModuleType, ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    figure = matplotlib.figure.Figure(figsize=size, layout="constrained")
    axes: Axes = figure.add_subplot()
    return axes


def _root(ax: Axes) -> Figure:
    # an Axes in a subfigure belongs to the subfigure; its .figure is the root figure
    return ax.figure.figure


def _inches(ax: Axes) -> float:
    """The axes' width in inches (before a constrained layout narrows it)."""
    return float(ax.get_position().width * _root(ax).get_figwidth())


def _rank_axis(matplotlib: ModuleType, ax: Axes, deepest: float) -> None:
    pad = 0.5 + 0.02 * deepest  # keeps the markers at rank 1 and at the deepest rank whole
    ax.set_ylim(deepest + pad, 1.0 - pad)  # inverted: rank 1 at the top
    steps = matplotlib.ticker.MaxNLocator(nbins=8, integer=True, steps=[1, 2, 5, 10])
    ax.set_yticks(sorted({1, *(t for t in steps.tick_values(1, deepest) if 1 < t <= deepest)}))
    ax.set_ylabel("Rank")
    ax.grid(axis="y", alpha=0.3)


def _legend(ax: Axes, title: str | None = None) -> None:
    # outside the axes, right: inside, no corner is sure to be free of bands or bars
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title_fontsize=8,
        title=title,
        frameon=False,
        alignment="left",
    )


def _bars(
    ax: Axes, x: FloatArray, heights: FloatArray, conf: FloatArray, color: str, label: str
) -> None:
    error = {"elinewidth": 1, "ecolor": "#333333"}
    ax.bar(x, heights, width=0.38, yerr=conf, capsize=3, color=color, label=label, error_kw=error)


def _unit_ticks(ax: Axes, ids: list[str]) -> None:
    step = max(1, math.ceil(len(ids) / max(1.0, _inches(ax) / _LABEL_PITCH)))
    positions = list(range(0, len(ids), step))
    ax.set_xticks(positions, [ids[i] for i in positions], rotation=90, fontsize=8)


def _pick(result: SensitivityLike | SobolLike, output: str | None) -> tuple[SobolLike, str]:
    if isinstance(result, SensitivityLike):
        if output is None:
            return result.rank_shift, "Sensitivity of the mean absolute rank shift"
        return result.scores, f"Sensitivity of the score of {output}"
    return result, "Sobol' indices" if output is None else f"Sobol' indices of {output}"


def _column(values: FloatArray, outputs: tuple[str, ...] | None, output: str | None) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        if output is not None:
            raise ScoringError(f"output: expected none for a single output (got {output!r})")
        return array
    if output is None or outputs is None or output not in outputs:
        named = ", ".join(repr(name) for name in (outputs or ())[:5])
        more = ", ..." if outputs is not None and len(outputs) > 5 else ""
        raise ScoringError(f"output: expected one of {named}{more} (got {output!r})")
    return array[:, outputs.index(output)]

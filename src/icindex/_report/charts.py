"""The report's figures: a horizontal bar chart and a radar chart of the indicators, drawn with
matplotlib and written as inline SVG.

matplotlib is an optional extra (``pip install 'icindex[report]'``), imported when a chart is
drawn. Figures are ``matplotlib.figure.Figure`` objects, not pyplot ones: no display, no window.
The marks differ by shape as well as colour (bars, diamonds, circles; solid, dashed, dotted
lines), so the charts read in black and white.
"""

from __future__ import annotations

import importlib
import io
import re
import textwrap
from html import escape
from types import ModuleType
from typing import TYPE_CHECKING, cast

import numpy as np

from .blocks import Chart

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes

__all__ = ["INSTALL_NOTE", "figure", "matplotlib_or_none", "svg"]

#: Said in place of the charts when matplotlib is not installed.
INSTALL_NOTE = (
    "Charts need matplotlib, which is not installed: pip install 'icindex[report]'. "
    "The numbers are in the tables."
)
_CITY, _SAMPLE, _PEER = "#3b75af", "#222222", "#c8511b"
_ID = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def matplotlib_or_none() -> ModuleType | None:
    """The matplotlib module, or None when it cannot be imported."""
    try:
        matplotlib = importlib.import_module("matplotlib")
        importlib.import_module("matplotlib.figure")
    except ImportError:
        return None
    return matplotlib


def figure(chart: Chart) -> Figure:
    """Draw ``chart`` (``bars`` or ``radar``) as a matplotlib figure.

    Raises ImportError when matplotlib is not installed.

    Examples
    --------
    >>> from icindex._report.blocks import Chart
    >>> chart = Chart("bars", "Scores", "", ("A", "B"), (50.0, 20.0), (40.0, 30.0))
    >>> [t.get_text() for t in figure(chart).axes[0].get_yticklabels()]
    ['A', 'B']
    """
    matplotlib = matplotlib_or_none()
    if matplotlib is None:
        raise ImportError(INSTALL_NOTE)
    return _DRAW[chart.kind](matplotlib, chart)


def svg(chart: Chart, anchor: str) -> str:
    """``chart`` as an ``<svg>`` element to write inline in an HTML page.

    The XML prolog and metadata are dropped; every id is prefixed with ``anchor`` (so that two
    charts on one page never share one); the element gets ``role="img"``, an ``aria-label`` and
    a ``<title>``, and scales to the page width.

    Examples
    --------
    >>> from icindex._report.blocks import Chart
    >>> chart = Chart("radar", "A <profile>", "", ("A", "B", "C"), (50.0, 20.0, 0.0), (9.0,) * 3)
    >>> text = svg(chart, "radar")
    >>> text.startswith('<svg id="radar" role="img" aria-label="A &lt;profile&gt;"')
    True
    """
    matplotlib = matplotlib_or_none()
    if matplotlib is None:
        raise ImportError(INSTALL_NOTE)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "icindex"}):
        figure(chart).savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = _ID.sub(lambda m: f"{m.group(1)}{anchor}-{m.group(2)}", text)
    text = text.replace("*{stroke-linejoin", f"#{anchor} *{{stroke-linejoin")  # scoped
    label = escape(chart.label)
    opening = re.match(r"<svg[^>]*>", text)
    assert opening is not None  # matplotlib always writes one
    view_box = re.search(r'viewBox="([^"]*)"', opening.group(0))
    attributes = (
        f'id="{anchor}" role="img" aria-label="{label}" class="chart chart-{chart.kind}" '
        f'viewBox="{view_box.group(1) if view_box else ""}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    )
    return f"<svg {attributes}><title>{label}</title>{text[opening.end() :].strip()}"


def _wrap(name: str, width: int) -> str:
    return "\n".join(textwrap.wrap(name, width)) or name


def _legend(ax: Axes, columns: int) -> None:
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i] != "City score")  # city first
    ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper center",
              bbox_to_anchor=(0.5, -0.06), ncol=columns, frameon=False, fontsize=9)  # fmt: skip


def _bars(matplotlib: ModuleType, chart: Chart) -> Figure:
    """Indicators top to bottom; the city's bar, the sample (diamond) and peer (circle) means,
    and the city's score written in a column at the right."""
    n = len(chart.names)
    figure: Figure = matplotlib.figure.Figure(figsize=(8.6, 0.34 * n + 1.5), layout="constrained")
    ax = figure.add_subplot()
    y = np.arange(n)
    city = np.array(chart.city, dtype=np.float64)
    ax.barh(y, np.nan_to_num(city), height=0.62, color=_CITY, label="City score")
    ax.plot(chart.sample, y, "D", color=_SAMPLE, ms=5.5, label="Sample mean", linestyle="none")
    if chart.peers:
        ax.plot(chart.peers, y, "o", mfc="white", mec=_PEER, mew=1.6, ms=7,
                label=_wrap(chart.peer_label, 48), linestyle="none")  # fmt: skip
    top = max(100.0, float(np.nanmax([*chart.city, *chart.sample, *chart.peers, 0.0])))
    ax.set_xlim(0.0, top)
    ax.set_ylim(n - 0.5, -0.5)  # the first indicator at the top
    ax.set_yticks(y, [_wrap(name, 34) for name in chart.names], fontsize=9)
    ax.set_xlabel("Score (0 to 100)", fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.35)
    ax.set_axisbelow(True)
    where = ax.get_yaxis_transform()  # x in axes units, y in data units
    ax.text(1.015, -0.9, "Score", transform=where, fontsize=8, fontweight="bold", va="center")
    for row, value in enumerate(city):
        text = "n/a" if np.isnan(value) else f"{value:.1f}"
        ax.text(1.015, row, text, transform=where, fontsize=8, va="center")
    _legend(ax, 3)
    return figure


def _radar(matplotlib: ModuleType, chart: Chart) -> Figure:
    """One spoke per indicator, clockwise from the top; the city filled, the sample mean dashed
    with diamonds, the peer mean dotted with circles."""
    n = len(chart.names)
    figure: Figure = matplotlib.figure.Figure(figsize=(7.6, 7.0), layout="constrained")
    ax = cast("PolarAxes", figure.add_subplot(projection="polar"))
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    angles = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    ring = np.append(angles, angles[:1])

    def closed(values: tuple[float, ...]) -> np.ndarray:
        array = np.array(values, dtype=np.float64)
        return np.append(array, array[:1])

    city = closed(chart.city)
    ax.fill(ring, np.nan_to_num(city), color=_CITY, alpha=0.25)
    ax.plot(ring, city, "-", color=_CITY, linewidth=2, label="City score")
    ax.plot(ring, closed(chart.sample), "--D", color=_SAMPLE, ms=4, linewidth=1.2,
            label="Sample mean")  # fmt: skip
    if chart.peers:
        ax.plot(ring, closed(chart.peers), ":o", color=_PEER, mfc="white", ms=5, linewidth=1.6,
                label=_wrap(chart.peer_label, 48))  # fmt: skip
    top = max(100.0, float(np.nanmax([*chart.city, *chart.sample, *chart.peers, 0.0])))
    ax.set_ylim(0.0, top)
    ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100"], fontsize=7, color="#555555")
    ax.set_rlabel_position(180 / n)  # between the first two spokes
    ax.set_xticks(angles, [_wrap(name, 18) for name in chart.names], fontsize=8.5)
    for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
        x = np.sin(angle)  # clockwise from the top: right of the centre when positive
        label.set_horizontalalignment("center" if abs(x) < 0.15 else "left" if x > 0 else "right")
    ax.tick_params(axis="x", pad=6)
    ax.grid(alpha=0.4)
    _legend(ax, 3)
    return figure


# Chart kind -> how it is drawn.
_DRAW = {"bars": _bars, "radar": _radar}

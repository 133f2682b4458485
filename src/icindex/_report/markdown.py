"""A report as Markdown: the sections of the HTML page as headings, paragraphs and pipe tables.

Charts are written as SVG files beside the Markdown when a folder is given (and matplotlib is
installed), and linked; their numbers are always in a table. Text from files is escaped, so a
city name holding ``<script>`` or ``|`` stays text in any Markdown renderer.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .blocks import NO_QUOTE, Block, Charts, ItemList, Paragraph, Table
from .charts import INSTALL_NOTE, matplotlib_or_none, svg
from .content import header, sections
from .document import Report

__all__ = ["render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def render_markdown(report: Report, folder: str | Path | None = None) -> str:
    """The report as Markdown text.

    Parameters
    ----------
    report : Report
    folder : path, optional
        The folder the Markdown will be saved in: the charts are written there as
        ``CITY-indicators-bars.svg`` and ``CITY-indicators-radar.svg`` and linked (when
        matplotlib is installed). Without it the charts are left out; their numbers stay.

    Examples
    --------
    >>> import icindex
    >>> from icindex._report.document import build_report
    >>> icc = icindex.load_definition("icc")
    >>> city = icindex.CityResponse("a", "A <b>", answers={"commitment_strategy": "adopted"})
    >>> text = render_markdown(build_report(icc, city, icindex.Sample.of(icc, [city])))
    >>> text.splitlines()[0], "## Ranks" in text
    ('# A &lt;b&gt;', True)
    """
    lines = [
        f"# {_text(report.comparison.name)}",
        "",
        f"City report on the {_text(report.definition.name)}",
        "",
    ]
    for block in header(report):
        lines += [*_block(block, report, None), ""]
    for section in sections(report):
        lines += [f"## {_text(section.title)}", ""]
        for block in section.blocks:
            lines += [*_block(block, report, folder), ""]
    return "\n".join(lines).rstrip() + "\n"


def _text(text: str) -> str:
    """``text`` escaped: HTML's ``<``, ``>`` and ``&``, Markdown's marks, no line breaks."""
    return _SPECIAL.sub(r"\\\1", escape(" ".join(text.split()), quote=False))


def _block(block: Block, report: Report, folder: str | Path | None) -> list[str]:
    if isinstance(block, Paragraph):
        lead = f"**{_text(block.lead)}** " if block.lead else ""
        text = f"{lead}{_text(block.text)}"
        if block.kind in ("banner", "warning"):
            return [f"> {text}"]
        return [f"*{text}*" if block.kind == "note" else text]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, ItemList):
        return [f"### {_text(block.title)}", "",
                *(f"- `{item}` {_text(text)}" for item, text in block.entries)]  # fmt: skip
    return _charts(block, report, folder)


def _charts(block: Charts, report: Report, folder: str | Path | None) -> list[str]:
    lines: list[str] = []
    if matplotlib_or_none() is None:
        lines += [f"*{_text(INSTALL_NOTE)}*", ""]
    elif folder is not None:
        for chart in block.charts:
            name = f"{report.city.id}-indicators-{chart.kind}.svg"
            path = Path(folder) / name
            path.write_text(svg(chart, f"indicators-{chart.kind}") + "\n", encoding="utf-8")
            lines += [f"![{_text(chart.label)}]({name})", "", f"*{_text(chart.caption)}*", ""]
    return [*lines, *_table(block.fallback)]


def _table(table: Table) -> list[str]:
    def cell(column: int, text: str) -> str:
        if table.kind(column) == "quote":
            return f"\u201c{_text(text)}\u201d" if text else _text(NO_QUOTE)
        return f"`{text}`" if table.kind(column) == "code" else _text(text)

    align = ["---:" if table.kind(c) == "number" else "---" for c in range(len(table.header))]
    return [
        f"**{_text(table.caption)}**",
        "",
        "| " + " | ".join(_text(title) for title in table.header) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(cell(c, text) for c, text in enumerate(row)) + " |"
          for row in table.rows),
    ]  # fmt: skip

"""A report as one self-contained HTML page: inline CSS and SVG charts, no script, no fonts,
images or style sheets from elsewhere, so it opens offline and prints cleanly.

Every text from a file (city names, evidence, definition names) is escaped. Tables have a
caption and header cells with a scope; charts are ``<svg role="img">`` with a title, and their
numbers are in the tables, so nothing depends on colour or on seeing the charts.
"""

from __future__ import annotations

from html import escape

from .blocks import NO_QUOTE, Block, Charts, ItemList, Paragraph, Section, Table
from .charts import INSTALL_NOTE, matplotlib_or_none, svg
from .content import header, sections
from .document import Report

__all__ = ["render_html"]

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: #1a1a1a; background: #fff; max-width: 72rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 2px solid #3b75af; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
p { margin: .35rem 0; max-width: 60rem; }
.subtitle { color: #444; margin-bottom: 1rem; }
.banner { border: 3px solid #a30000; background: #fff1f0; padding: .7rem 1rem;
  font-size: 1.1rem; margin: .8rem 0 1rem; }
.warning { border-left: 5px solid #b86e00; background: #fff7e6; padding: .5rem .9rem; }
.note { color: #444; font-size: .9rem; }
nav ol { columns: 3; margin: .4rem 0; padding-left: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; min-width: 32rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0 .4rem; }
th, td { border-bottom: 1px solid #d6d6d6; padding: .3rem .55rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid #555; background: #f3f5f8; }
tbody th { font-weight: normal; }
th.number { text-align: right; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.quote { font-style: italic; max-width: 34rem; }
td.quote::before { content: "\\201C"; } td.quote::after { content: "\\201D"; }
figure { margin: 1rem 0 1.5rem; }
figure svg { width: 100%; height: auto; display: block; }
figure.chart-bars svg { max-width: 54rem; } figure.chart-radar svg { max-width: 44rem; }
figcaption { font-size: .9rem; color: #333; margin-top: .3rem; max-width: 54rem; }
ul.items { margin: .2rem 0 .8rem; padding-left: 1.3rem; } ul.items li { margin: .1rem 0; }
code { font-size: .85em; background: #f3f3f3; padding: 0 .25em; border-radius: 3px; }
footer { margin-top: 3rem; color: #555; font-size: .85rem; border-top: 1px solid #ccc; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; } table, figure, ul.items { break-inside: avoid; }
  nav { display: none; } thead th { background: none; }
}
"""


def render_html(report: Report) -> str:
    """The report as a self-contained HTML page (UTF-8 text).

    Charts are inline SVG when matplotlib is installed; otherwise the page says how to get
    them and shows their numbers as a table.

    Examples
    --------
    >>> import icindex
    >>> from icindex._model.loader import shipped_folder
    >>> from icindex._report.document import build_report
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.read_responses(shipped_folder("examples/cities"), icc)
    >>> page = render_html(build_report(icc, cities[0], icindex.Sample.of(icc, cities)))
    >>> page.startswith("<!DOCTYPE html>"), "<h1>Ansan (안산시)</h1>" in page
    (True, True)
    """
    name = escape(report.comparison.name)
    parts = sections(report)
    charts = matplotlib_or_none() is not None
    contents = "".join(f'<li><a href="#{s.anchor}">{escape(s.title)}</a></li>' for s in parts)
    body = [
        f"<header><h1>{name}</h1>",
        f'<p class="subtitle">City report on the {escape(report.definition.name)}</p>',
        *(_block(block, "header", charts) for block in header(report)),
        f'<nav aria-label="Contents"><ol>{contents}</ol></nav></header>',
        "<main>",
        *(_section(section, charts) for section in parts),
        "</main>",
        f"<footer><p>Made with icindex {_version()}; scores, ranks and means come from "
        "the sample named above, and every number in a chart is also in a table.</p></footer>",
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{name}: {escape(report.definition.name)} report</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        *body,
        "</body></html>",
        "",
    ])  # fmt: skip


def _version() -> str:
    from .. import __version__  # the facade imports this module's package: read it late

    return __version__


def _section(section: Section, charts: bool) -> str:
    blocks = "\n".join(_block(block, section.anchor, charts) for block in section.blocks)
    return (
        f'<section id="{section.anchor}" aria-labelledby="{section.anchor}-h">\n'
        f'<h2 id="{section.anchor}-h">{escape(section.title)}</h2>\n{blocks}\n</section>'
    )


def _block(block: Block, anchor: str, charts: bool) -> str:
    if isinstance(block, Paragraph):
        lead = f"<strong>{escape(block.lead)}</strong> " if block.lead else ""
        role = ' role="note"' if block.kind in ("banner", "warning") else ""
        return f'<p class="{block.kind}"{role}>{lead}{escape(block.text)}</p>'
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, ItemList):
        entries = "".join(
            f"<li><code>{escape(item)}</code> {escape(text)}</li>" for item, text in block.entries
        )
        return f'<h3>{escape(block.title)}</h3>\n<ul class="items">{entries}</ul>'
    return _charts(block, anchor, charts)


def _charts(block: Charts, anchor: str, charts: bool) -> str:
    if not charts:
        return f'<p class="note" role="note">{escape(INSTALL_NOTE)}</p>\n{_table(block.fallback)}'
    figures = (
        f'<figure class="chart-{chart.kind}">{svg(chart, f"{anchor}-{chart.kind}")}'
        f"<figcaption>{escape(chart.caption)}</figcaption></figure>"
        for chart in block.charts
    )
    return "\n".join([*figures, _table(block.fallback)])


def _table(table: Table) -> str:
    head = "".join(
        f'<th scope="col" class="{table.kind(c)}">{escape(title)}</th>'
        for c, title in enumerate(table.header)
    )
    rows = []
    for row in table.rows:
        cells = [f'<th scope="row">{escape(row[0])}</th>']
        cells += [_cell(table.kind(c), text) for c, text in enumerate(row[1:], start=1)]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table>\n<caption>{escape(table.caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _cell(kind: str, text: str) -> str:
    if kind == "quote" and not text:
        return f'<td class="note">{escape(NO_QUOTE)}</td>'
    shown = f"<code>{escape(text)}</code>" if kind == "code" else escape(text)
    return f'<td class="{kind}">{shown}</td>'

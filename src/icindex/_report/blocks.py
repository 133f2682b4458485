"""The blocks a report section is made of, and how its numbers are written.

A section is a title and a tuple of blocks: :class:`Paragraph`, :class:`Table`,
:class:`ItemList` and :class:`Charts`. Their text is raw (city names and evidence come from
user files): the HTML and Markdown renderers escape it.
"""

from __future__ import annotations

import math

import attrs

__all__ = [
    "COLUMN_KINDS",
    "NO_QUOTE",
    "PARAGRAPH_KINDS",
    "Block",
    "Chart",
    "Charts",
    "ItemList",
    "Paragraph",
    "Section",
    "Table",
    "number",
    "percent",
    "rank_of",
    "signed",
]

#: How a table column is shown: plain text, a right-aligned number, a quotation, an id.
COLUMN_KINDS = ("text", "number", "quote", "code")
#: Shown in a quote column whose cell is empty.
NO_QUOTE = "(no quote given)"
#: What a paragraph is: ordinary text, a prominent alert (a synthetic sample), a caution, or a
#: small note.
PARAGRAPH_KINDS = ("text", "banner", "warning", "note")


@attrs.frozen
class Paragraph:
    """A paragraph; ``lead`` (if any) is shown in bold before ``text``."""

    text: str
    kind: str = attrs.field(default="text", validator=attrs.validators.in_(PARAGRAPH_KINDS))
    lead: str = ""


@attrs.frozen
class Table:
    """A table whose first column names each row (its row header).

    Attributes
    ----------
    caption : str
    header : tuple of str
        The column titles.
    rows : tuple of tuple of str
        The cells, already formatted, one tuple per row, as long as ``header``.
    kinds : tuple of str
        Per column, one of :data:`COLUMN_KINDS` (default: text, then numbers).
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...] = ()

    def kind(self, column: int) -> str:
        """How column ``column`` is shown."""
        if self.kinds:
            return self.kinds[column]
        return "text" if column == 0 else "number"


@attrs.frozen
class ItemList:
    """A titled list of (id, text) entries, e.g. the unknown items of one indicator."""

    title: str
    entries: tuple[tuple[str, str], ...]


@attrs.frozen
class Chart:
    """One figure of the indicators: ``kind`` is ``bars`` or ``radar``.

    ``city``, ``sample`` and ``peers`` hold one score per name (NaN: none); ``peers`` is empty
    when the city has no peer group. ``label`` is the figure's accessible title, ``caption``
    the sentence shown under it.
    """

    kind: str = attrs.field(validator=attrs.validators.in_(("bars", "radar")))
    label: str
    caption: str
    names: tuple[str, ...]
    city: tuple[float, ...]
    sample: tuple[float, ...]
    peers: tuple[float, ...] = ()
    peer_label: str = "Peer mean"


@attrs.frozen
class Charts:
    """Figures, and the table shown in their place when matplotlib is not installed."""

    charts: tuple[Chart, ...]
    fallback: Table


Block = Paragraph | Table | ItemList | Charts


@attrs.frozen
class Section:
    """A titled part of the report; ``anchor`` is its id in the HTML page."""

    title: str
    anchor: str
    blocks: tuple[Block, ...]


def number(value: object, digits: int = 1) -> str:
    """A score with ``digits`` decimals, ``n/a`` when unknown (NaN or None).

    Examples
    --------
    >>> number(9.3056), number(float("nan")), number(3, 0)
    ('9.3', 'n/a', '3')
    """
    if value is None or not isinstance(value, int | float) or math.isnan(value):
        return "n/a"
    return f"{value:.{digits}f}"


def signed(value: object) -> str:
    """A gap with its sign (one decimal), ``n/a`` when unknown.

    Examples
    --------
    >>> signed(5.59), signed(-0.04), signed(float("nan"))
    ('+5.6', '-0.0', 'n/a')
    """
    text = number(value)
    return text if text == "n/a" or text.startswith("-") else f"+{text}"


def percent(share: object) -> str:
    """A share in 0-1 as a whole percentage.

    Examples
    --------
    >>> percent(0.093), percent(1.0)
    ('9 %', '100 %')
    """
    text = number(100.0 * share if isinstance(share, int | float) else None, 0)
    return text if text == "n/a" else f"{text} %"


def rank_of(rank: object, of: object) -> str:
    """A rank among ``of`` cities, ``n/a`` when unranked.

    Examples
    --------
    >>> rank_of(1.0, 3), rank_of(float("nan"), 0)
    ('1 of 3', 'n/a')
    """
    text = number(rank, 0)
    return text if text == "n/a" else f"{text} of {of}"

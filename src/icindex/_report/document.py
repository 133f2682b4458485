"""A city's report as data: its comparison with the sample, its answers and their evidence,
what it left unknown, and the advice and progress others computed (``docs/compare-and-report.md``).

:func:`build_report` gathers everything; :func:`icindex._report.html.render_html` and
:func:`icindex._report.markdown.render_markdown` lay the same sections out as a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from .._errors import ScoringError
from .._io.answers import Answer
from .._io.responses import CityResponse
from .._model.definition import Definition, Group, Item, Node, Variant
from .compare import Comparison, compare
from .sample import Sample

__all__ = [
    "SYNTHETIC_ROUND",
    "AdviceLike",
    "AdviceRowLike",
    "Evidence",
    "ProgressLike",
    "Report",
    "answer_label",
    "build_report",
    "column_name",
]

#: The round of made-up cities: a sample holding one is called synthetic in the report.
SYNTHETIC_ROUND = "synthetic"


class AdviceRowLike(Protocol):
    """One piece of advice: an item the city could change and what that would earn."""

    @property
    def item(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def indicator(self) -> str: ...
    @property
    def status(self) -> str: ...  # "no", "unknown" (not reported) or "partial"
    @property
    def current(self) -> object: ...
    @property
    def best(self) -> object: ...
    @property
    def gain(self) -> float: ...  # index points
    @property
    def peers(self) -> tuple[str, ...]: ...  # city ids that already give the best answer


class AdviceLike(Protocol):
    """What the report reads of an advice list."""

    @property
    def rows(self) -> Sequence[AdviceRowLike]: ...
    @property
    def combined(self) -> tuple[float, ...]: ...  # the gain of the top 1, 2, ... together
    @property
    def note(self) -> str: ...


class ProgressLike(Protocol):
    """What the report reads of a city's progress between two rounds."""

    @property
    def before_round(self) -> str: ...
    @property
    def after_round(self) -> str: ...
    @property
    def rows(self) -> Sequence[Mapping[str, object]]: ...  # column, before, after, change
    @property
    def not_comparable(self) -> tuple[str, ...]: ...  # item ids


@attrs.frozen
class Evidence:
    """One answered item: where it sits, the answer in words and the text it rests on."""

    item: str
    indicator: str
    question: str
    answer: str
    quote: str


@attrs.frozen
class Report:
    """Everything a city's report shows, ready to render.

    Attributes
    ----------
    definition : Definition
    city : CityResponse
    sample : Sample
        The cities compared with; it holds ``city``.
    comparison : Comparison
        ``compare(sample, city.id)``.
    evidence : tuple of Evidence
        Every answered item, in the definition's order.
    unknown : tuple of (str, tuple of str)
        Per indicator (the root's child nodes, then the root for items directly under it), the
        ids of the items the city did not answer; indicators with none are left out.
    advice, progress : optional
        Shown when given (:class:`AdviceLike`, :class:`ProgressLike`).
    sample_note : str
        Said beside the sample size (e.g. that the sample is the city's own file).
    """

    definition: Definition
    city: CityResponse
    sample: Sample
    comparison: Comparison
    evidence: tuple[Evidence, ...]
    unknown: tuple[tuple[str, tuple[str, ...]], ...]
    advice: AdviceLike | None = None
    progress: ProgressLike | None = None
    sample_note: str = ""

    @property
    def synthetic(self) -> int:
        """How many cities of the sample are synthetic (round ``synthetic``)."""
        return sum(round_ == SYNTHETIC_ROUND for round_ in self.sample.rounds)


def build_report(
    definition: Definition,
    city: CityResponse,
    sample: Sample,
    *,
    advice: AdviceLike | None = None,
    progress: ProgressLike | None = None,
    sample_note: str = "",
) -> Report:
    """Gather a city's report: its comparison with ``sample``, evidence and unknown items.

    Parameters
    ----------
    definition : Definition
        The definition ``sample`` was scored with.
    city : CityResponse
        The city reported on; ``sample`` holds it (same id and round).
    sample : Sample
    advice, progress : optional
        Objects with the attributes of :class:`AdviceLike` and :class:`ProgressLike`.
    sample_note : str, optional
        Said beside the sample size.

    Returns
    -------
    Report

    Raises
    ------
    ScoringError
        If the sample was scored with another definition or holds the city in another round.

    Examples
    --------
    >>> import icindex
    >>> from icindex._model.loader import shipped_folder
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.read_responses(shipped_folder("examples/cities"), icc)
    >>> report = build_report(icc, cities[0], icindex.Sample.of(icc, cities))
    >>> report.comparison.rows[0]["rank"], len(report.evidence), report.unknown[0][0]
    (1.0, 10, 'commitment')
    """
    if sample.definition_id != definition.id:
        raise ScoringError(
            f"sample: expected one scored with definition {definition.id!r} "
            f"(got {sample.definition_id!r})"
        )
    row = sample.row(city.id)
    if sample.rounds[row] != city.round:
        raise ScoringError(
            f"sample: city {city.id!r} is there in round {sample.rounds[row]!r}, "
            f"expected the report's round {city.round!r}"
        )
    comparison: Comparison = compare(sample, city.id)
    evidence, unknown = _answers(definition, city, sample.indicators)
    return Report(
        definition, city, sample, comparison, evidence, unknown, advice, progress, sample_note
    )


def _answers(
    definition: Definition, city: CityResponse, indicators: Sequence[str]
) -> tuple[tuple[Evidence, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The answered items with their evidence, and the unknown ones per indicator."""
    home = {item.id: definition.root for item in definition.items}
    for indicator in indicators:
        home.update(dict.fromkeys((i.id for i in definition.items_under(indicator)), indicator))
    evidence = tuple(
        Evidence(
            item.id, home[item.id], item.question, answer_label(item, city.answers[item.id]),
            city.evidence.get(item.id, ""),
        )
        for item in definition.items
        if item.id in city.answers
    )  # fmt: skip
    unknown = tuple(
        (group, ids)
        for group in (*indicators, definition.root)
        if (ids := tuple(i.id for i in definition.items
                         if home[i.id] == group and i.id not in city.answers))
    )  # fmt: skip
    return evidence, unknown


def answer_label(item: Item, answer: Answer) -> str:
    """An answer in words: the option's label, the ticked labels, or the number and unit.

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> answer_label(icc.item("commitment_dedicated_unit"), "yes")
    'Yes'
    >>> answer_label(icc.item("international_sister_cities"), 17.0)
    '17 cities'
    """
    labels = {option.id: option.label or option.id for option in item.options}
    if isinstance(answer, tuple):
        return "; ".join(labels.get(a, a) for a in answer) if answer else "none of the options"
    if isinstance(answer, str):
        return labels.get(answer, answer)
    return f"{answer:g} {item.unit}".strip()


def column_name(definition: Definition, column: str) -> str:
    """The name of an aggregate column (node, group or variant), or the id if it has none.

    Examples
    --------
    >>> import icindex
    >>> column_name(icindex.load_definition("icc"), "intercultural_lens")
    'Intercultural lens'
    """
    named: tuple[Node | Group | Variant, ...] = (
        *definition.nodes, *definition.groups, *definition.variants,
    )  # fmt: skip
    return next((n.name for n in named if n.id == column and n.name), column)

"""The report's later sections: progress, evidence, unknown items and advice (see
:mod:`.content`). Progress and advice return None when the report has none.
"""

from __future__ import annotations

from .blocks import Block, ItemList, Paragraph, Table, number, signed
from .document import Report, answer_label, column_name

__all__ = ["STATUS", "advice", "evidence", "progress", "unknown_items"]

#: How an advice row's status is written: an unknown answer is "not reported", not "no".
STATUS = {"unknown": "not reported", "no": "no", "partial": "partial"}
_COUNTED = {
    "zero": "count as 0 points, like a no (missing=zero)",
    "skip": "are left out and the score rests on the answered items (missing=skip)",
}


def _name(report: Report, city: str) -> str:
    """A city's name from the sample, or its id if the sample does not hold it."""
    ids = report.sample.city_ids
    return report.sample.names[ids.index(city)] if city in ids else city


def _question(report: Report, item: str) -> str:
    found = {i.id: i.question for i in report.definition.items}
    return found.get(item, item)


def progress(report: Report) -> tuple[Block, ...] | None:
    """The change of every aggregate between two rounds, and the items not comparable."""
    if report.progress is None:
        return None
    given = report.progress
    before, after = given.before_round, given.after_round
    blocks: list[Block] = [
        Paragraph(f"From round {before} to round {after}; a change is after minus before."),
        Table(
            f"Scores in round {before} and round {after}",
            ("Aggregate", f"Round {before}", f"Round {after}", "Change"),
            tuple(
                (column_name(report.definition, str(row["column"])), number(row["before"]),
                 number(row["after"]), signed(row["change"]))
                for row in given.rows
            ),
        ),
    ]  # fmt: skip
    if given.not_comparable:
        blocks.append(ItemList(
            "Not comparable between the rounds (the item or its answer changed)",
            tuple((item, _question(report, item)) for item in given.not_comparable),
        ))  # fmt: skip
    return tuple(blocks)


def evidence(report: Report) -> tuple[Block, ...]:
    """Every answer with the text it rests on, then the facts with theirs."""
    city, definition = report.city, report.definition
    answers: Block = Table(
        f"{len(report.evidence)} answers and the evidence quoted for them",
        ("Question", "Indicator", "Answer", "Evidence"),
        tuple(
            (e.question, column_name(definition, e.indicator), e.answer, e.quote)
            for e in report.evidence
        ),
        ("text", "text", "text", "quote"),
    )
    if not report.evidence:
        answers = Paragraph(f"{report.comparison.name} answered no item.")
    facts = Table(
        "Facts and the evidence quoted for them",
        ("Fact", "Value", "Evidence"),
        tuple(
            (fact.name, f"{city.facts[fact.id]} {fact.unit}".strip(),
             city.evidence.get(fact.id, ""))
            for fact in definition.facts if fact.id in city.facts
        ),
        ("text", "text", "quote"),
    )  # fmt: skip
    return (answers, facts) if facts.rows else (answers,)


def unknown_items(report: Report) -> tuple[Block, ...]:
    """The items the city did not answer, grouped by indicator."""
    total = len(report.definition.items)
    count = sum(len(ids) for _, ids in report.unknown)
    counted = _COUNTED.get(report.sample.missing, f"count as missing={report.sample.missing}")
    explain = Paragraph(
        f"{count} of {total} items are unknown: {report.comparison.name}'s answers do not say. "
        f"Unknown is not no, but here they {counted}."
    )
    sizes = {
        indicator: len(report.definition.items_under(indicator)) for indicator, _ in report.unknown
    }
    sizes[report.definition.root] = sum(
        1 for i in report.definition.items if i.parent == report.definition.root
    )
    lists = tuple(
        ItemList(
            f"{column_name(report.definition, indicator)} ({len(ids)} of {sizes[indicator]})",
            tuple((item, _question(report, item)) for item in ids),
        )
        for indicator, ids in report.unknown
    )
    return (explain, *lists)


def _answer(report: Report, item: str, answer: object) -> str:
    """An advice row's current or best answer in words (options by their label)."""
    if answer is None or answer == "":
        return "unknown"
    known = {i.id for i in report.definition.items}
    if isinstance(answer, str | int | float | tuple) and item in known:
        try:
            return answer_label(report.definition.item(item), answer)
        except (TypeError, ValueError):
            return str(answer)
    return str(answer)


def advice(report: Report) -> tuple[Block, ...] | None:
    """The items whose change would add most to the index, with what that would earn."""
    if report.advice is None:
        return None
    given = report.advice
    together = (*given.combined, *(float("nan"),) * len(given.rows))
    table = Table(
        "Changes that would add most to the index (gain in index points)",
        ("Question", "Indicator", "Status", "Current answer", "Best answer", "Gain",
         "Top ones together", "Cities that give the best answer"),
        tuple(
            (row.question, column_name(report.definition, row.indicator),
             STATUS.get(row.status, row.status), _answer(report, row.item, row.current),
             _answer(report, row.item, row.best), signed(row.gain), signed(together[n]),
             ", ".join(_name(report, p) for p in row.peers) or "none in the sample")
            for n, row in enumerate(given.rows)
        ),
        ("text", "text", "text", "text", "text", "number", "number", "text"),
    )  # fmt: skip
    explain = Paragraph(
        "Status: \u201cno\u201d is an answer; \u201cnot reported\u201d means the city's answers do "
        "not say, so the gain may already be earned; \u201cpartial\u201d means part of the "
        "best answer is given. \u201cTop ones together\u201d is the gain of this change and all "
        "above it made at once."
    )
    blocks: list[Block] = (
        [explain, table] if given.rows else [Paragraph("No advice: nothing to add.")]
    )
    if given.note:
        blocks.append(Paragraph(given.note, "note", "Note:"))
    return tuple(blocks)

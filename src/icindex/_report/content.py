"""A report laid out as sections of blocks, in words and formatted numbers, so that the HTML and
the Markdown page say exactly the same thing (the lists at the end: :mod:`.content_lists`).

Text here is raw (city names and evidence come from user files): the renderers escape it.
"""

from __future__ import annotations

import re

import numpy as np

from .blocks import (
    Block,
    Chart,
    Charts,
    Paragraph,
    Section,
    Table,
    number,
    percent,
    rank_of,
    signed,
)
from .content_lists import advice, evidence, progress, unknown_items
from .document import Report, column_name

__all__ = ["TITLES", "header", "sections"]

#: The sections' titles, in the order they appear (progress and advice only when given).
TITLES = {
    "overview": "Index and groups",
    "indicators": "Indicators",
    "ranks": "Ranks",
    "strengths": "Strengths and weaknesses",
    "good-practice": "Good practice",
    "progress": "Progress",
    "evidence": "Evidence",
    "unknown": "Unknown items",
    "advice": "Advice",
}

_MISSING = {
    "zero": "unknown answers count as 0 points, as in the ICC questionnaire",
    "skip": "unknown answers are left out and the known ones re-weighted",
}
_KINDS = {"group": "group", "variant": "variant"}


def header(report: Report) -> tuple[Block, ...]:
    """What the report is about: the definition, the sample, and a banner if it is synthetic.

    Examples
    --------
    >>> import icindex
    >>> from icindex._report.document import build_report
    >>> icc = icindex.load_definition("icc")
    >>> cities = [icindex.CityResponse(c, c.upper(), round="synthetic") for c in "ab"]
    >>> header(build_report(icc, cities[0], icindex.Sample.of(icc, cities)))[0].lead
    'Synthetic sample.'
    """
    definition, sample = report.definition, report.sample
    blocks: list[Block] = []
    if report.synthetic:
        blocks.append(Paragraph(
            f"{report.synthetic} of the {len(sample)} cities in this sample are synthetic: made "
            "up by icindex, not real cities. The ranks, averages and good practice below "
            "describe made-up data and say nothing about real cities.", "banner",
            "Synthetic sample.",
        ))  # fmt: skip
    shown = ", ".join(sample.names[:12]) + (", ..." if len(sample) > 12 else "")
    rounds = ", ".join(sorted(set(sample.rounds) - {""})) or "not given"
    blocks += [
        Paragraph(f"{definition.name}, id {definition.id}.", lead="Definition:"),
        Paragraph(
            f"{len(sample)} {'city' if len(sample) == 1 else 'cities'} ({shown}); "
            f"rounds: {rounds}. {report.sample_note}".strip(), lead="Sample:",
        ),
        Paragraph(
            f"round {report.city.round or 'not given'}; {len(report.evidence)} of "
            f"{len(definition.items)} items answered; missing answers: {sample.missing} "
            f"({_MISSING.get(sample.missing, 'see docs/scoring.md')}).", lead="This city:",
        ),
    ]  # fmt: skip
    if definition.description:
        blocks.append(Paragraph(definition.description, "note"))
    return tuple(blocks)


def sections(report: Report) -> tuple[Section, ...]:
    """The report's sections, in order (progress and advice only when given).

    Examples
    --------
    >>> import icindex
    >>> from icindex._report.document import build_report
    >>> icc = icindex.load_definition("icc")
    >>> city = icindex.CityResponse("a", "A")
    >>> [s.title for s in sections(build_report(icc, city, icindex.Sample.of(icc, [city])))]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Index and groups', 'Indicators', 'Ranks', 'Strengths and weaknesses', 'Good practice',
     'Evidence', 'Unknown items']
    """
    made = {
        "overview": _overview(report),
        "indicators": _indicators(report),
        "ranks": _ranks(report),
        "strengths": _strengths(report),
        "good-practice": _good_practice(report),
        "progress": progress(report),
        "evidence": evidence(report),
        "unknown": unknown_items(report),
        "advice": advice(report),
    }
    return tuple(
        Section(TITLES[key], key, blocks) for key, blocks in made.items() if blocks is not None
    )


def _rows(report: Report) -> dict[str, dict[str, object]]:
    return {str(row["column"]): row for row in report.comparison.rows}


def _peer_sentence(report: Report) -> Paragraph:
    comparison = report.comparison
    if comparison.peer_group:
        peers = report.sample.peers(comparison.city).size
        return Paragraph(
            f"{comparison.peer_group} ({peers} {'city' if peers == 1 else 'cities'} of the "
            "sample, this one included).", lead="Peer group:",
        )  # fmt: skip
    reason = comparison.peer_note.removeprefix("no peer group: ") or "not known"
    for fact in report.definition.facts:  # the facts by name, not id
        reason = re.sub(rf"\b{re.escape(fact.id)}\b", fact.name.lower(), reason)
    return Paragraph(
        f"none ({reason}). The peer columns are empty; strengths, weaknesses and good practice "
        "are measured against the whole sample.", lead="Peer group:",
    )  # fmt: skip


def _overview(report: Report) -> tuple[Block, ...]:
    definition, rows = report.definition, _rows(report)
    root = rows[definition.root]
    lead = Paragraph(
        f"{report.comparison.name} scores {number(root['score'])} of 100 on the "
        f"{column_name(definition, definition.root)}: rank {rank_of(root['rank'], root['of'])} "
        f"in the sample, whose mean is {number(root['sample_mean'])}. Its answers cover "
        f"{percent(root['coverage'])} of the index's weight."
    )
    shown = [definition.root, *(group.id for group in definition.groups)]
    table = Table(
        f"{report.comparison.name} on the index and its groups, against the sample and peers",
        ("Aggregate", "Score", "Coverage", "Sample mean", "Sample median", "Peer mean",
         "Gap to sample", "Gap to peers"),
        tuple(
            (column_name(definition, c), number(rows[c]["score"]),
             percent(rows[c]["coverage"]), number(rows[c]["sample_mean"]),
             number(rows[c]["sample_median"]), number(rows[c]["peer_mean"]),
             signed(rows[c]["gap_sample"]), signed(rows[c]["gap_peers"]))
            for c in shown
        ),
    )  # fmt: skip
    blocks: list[Block] = [lead, _peer_sentence(report), table]
    if report.sample.missing == "zero" and float(str(root["coverage"])) < 0.5:
        blocks.insert(1, Paragraph(
            f"Only {percent(root['coverage'])} of the index is answered: most of its score is "
            "unknown answers counted as 0, so read the scores as lower bounds, and the ranks "
            "as a comparison of what the cities' answers report.", "warning", "Mostly unknown.",
        ))  # fmt: skip
    return tuple(blocks)


def _indicators(report: Report) -> tuple[Block, ...]:
    definition, rows = report.definition, _rows(report)
    columns = report.sample.indicators
    names = tuple(column_name(definition, c) for c in columns)
    city = tuple(float(str(rows[c]["score"])) for c in columns)
    mean = tuple(float(str(rows[c]["sample_mean"])) for c in columns)
    peers = tuple(float(str(rows[c]["peer_mean"])) for c in columns)
    peers = peers if report.comparison.peer_group else ()
    peer_label = f"Peer mean ({report.comparison.peer_group})" if peers else "Peer mean"
    name = report.comparison.name
    means = "sample and peer means" if peers else "sample mean"
    circles = " and the peer mean (circles)" if peers else "; there is no peer group"
    dotted = " and the peer mean (dotted, circles)" if peers else ""
    charts = (
        Chart("bars", f"Bar chart: {name}'s score on each indicator, with the {means}",
              f"{name}'s score on each indicator (bars; the score is written at the right) "
              f"against the sample mean (diamonds){circles}.", names, city, mean, peers,
              peer_label),
        Chart("radar", f"Radar chart: {name}'s indicator profile, with the {means}",
              f"{name}'s profile over the indicators (filled) against the sample mean (dashed, "
              f"diamonds){dotted}. The numbers are in the table below.", names,
              city, mean, peers, peer_label),
    )  # fmt: skip
    fallback = Table(
        f"{name}'s score on each indicator, with the sample and peer means",
        ("Indicator", "Score", "Sample mean", "Peer mean"),
        tuple(
            (n, number(c), number(m), number(p))
            for n, c, m, p in zip(names, city, mean, peers or (np.nan,) * len(names), strict=True)
        ),
    )
    return (Charts(charts, fallback),)


def _kind(report: Report, column: str) -> str:
    if column == report.definition.root:
        return "index"
    if column in report.sample.indicators:
        return "indicator"
    return _KINDS.get(report.sample.kinds[report.sample.columns.index(column)], "node")


def _ranks(report: Report) -> tuple[Block, ...]:
    definition = report.definition
    explain = Paragraph(
        "Rank 1 is the best score (ties share the better rank); the percentile is the share of "
        "the sample's cities scoring at most as much; a gap is the score minus the mean; "
        "coverage is the share of the aggregate's weight the city answered; input and impact "
        "score the policy items and the outcome items alone."
    )
    table = Table(
        f"{report.comparison.name}'s score, rank and gaps on every aggregate",
        ("Aggregate", "Kind", "Score", "Coverage", "Rank", "Peer rank", "Percentile",
         "Gap to sample", "Gap to peers", "Input", "Impact"),
        tuple(
            (column_name(definition, str(row["column"])), _kind(report, str(row["column"])),
             number(row["score"]), percent(row["coverage"]), rank_of(row["rank"], row["of"]),
             rank_of(row["peer_rank"], row["peers"]), number(row["percentile"], 0),
             signed(row["gap_sample"]), signed(row["gap_peers"]), number(row["input"]),
             number(row["impact"]))
            for row in report.comparison.rows
        ),
        ("text", "text", *("number",) * 9),
    )  # fmt: skip
    return explain, table


def _gap_table(report: Report, title: str, columns: tuple[str, ...], key: str) -> Block:
    rows = _rows(report)
    mean = "peer_mean" if report.comparison.peer_group else "sample_mean"
    against = "peer" if report.comparison.peer_group else "sample"
    if not columns:
        return Paragraph(f"No indicator is {title.lower()} the {against} mean.")
    return Table(
        f"{title} the {against} mean (largest gap first)",
        ("Indicator", "Score", f"{against.capitalize()} mean", "Gap"),
        tuple(
            (column_name(report.definition, c), number(rows[c]["score"]),
             number(rows[c][mean]), signed(rows[c][key]))
            for c in columns
        ),
    )  # fmt: skip


def _strengths(report: Report) -> tuple[Block, ...]:
    key = "gap_peers" if report.comparison.peer_group else "gap_sample"
    return (
        _gap_table(report, "Strengths: furthest above", report.comparison.strengths, key),
        _gap_table(report, "Weaknesses: furthest below", report.comparison.weaknesses, key),
    )


def _good_practice(report: Report) -> tuple[Block, ...]:
    sample, comparison = report.sample, report.comparison
    among = "peers" if comparison.peer_group else "cities of the sample"
    explain = Paragraph(
        f"Per indicator, the {among} that answered every item of it and score higher than "
        f"{comparison.name}, best first: cities to learn from."
    )
    found = {c: ids for c, ids in comparison.good_practice.items() if ids}
    if not found:
        return explain, Paragraph(
            f"None: no {among[:-1] if among == 'peers' else 'city of the sample'} with full "
            "coverage of an indicator scores higher on it."
        )
    scores = {c: sample.column(c) for c in found}
    table = Table(
        "Good-practice cities per indicator (score in brackets)",
        ("Indicator", f"{comparison.name}'s score", "Cities to learn from"),
        tuple(
            (column_name(report.definition, c), number(_rows(report)[c]["score"]),
             "; ".join(f"{sample.names[r]} ({number(scores[c][r])})"
                       for r in (sample.row(i) for i in ids)))
            for c, ids in found.items()
        ),
        ("text", "number", "text"),
    )  # fmt: skip
    return explain, table

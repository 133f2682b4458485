"""Advice: which answers, changed to their best, would raise a city's index the most.

Every item a city has not given its best answer is a candidate. The city is re-scored with that
one answer set to its best, and the gain is the change of the index (or of any node, group or
variant). All the re-scorings are one engine call on one block of encoded answers, a copy of
the city per candidate with one cell changed; the combined gains of the top changes are a second
call (``docs/compare-and-report.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from .._engine.encoding import Encoded, encode
from .._engine.items import AnswerItems, ItemTables
from .._engine.plan import Plan, compile
from .._engine.score import score
from .._errors import ScoringError
from .._io.responses import CityResponse
from .._model.definition import Definition, Item
from .best import ANSWERS, Cell

__all__ = ["DECIMALS", "NOTE_COVERAGE", "TABLE_COLUMNS", "Advice", "AdviceList", "advise"]

#: The columns of :meth:`AdviceList.table`, in order.
TABLE_COLUMNS = ("item", "gain", "status", "current", "best", "indicator", "question", "peers")
#: Under ``skip`` and ``bounds``, a target coverage below this share earns a note (see advise).
NOTE_COVERAGE = 0.5
ANSWER_ARRAYS = ("codes", "ticks", "values")  # the encoded arrays, as in icindex.Encoded
# Gains are rounded to 10 decimals: equal gains (the engine's last bits aside) are then equal,
# and their ties go by item id.
DECIMALS = 10


@attrs.frozen
class Advice:
    """One answer a city could change to its best, and what the change adds to the score.

    Attributes
    ----------
    item, question : str
        The item and its question.
    indicator : str
        The item's parent node.
    role : {"input", "impact"}
        ``input``: a policy the city has or not; ``impact``: an outcome the policies aim at.
    status : {"no", "unknown", "partial"}
        ``no``: the worst answer (item score 0); ``unknown``: no answer; ``partial``: a known
        answer that is neither the worst nor the best.
    current, best : str
        The answer now ("" when unknown) and the best one: an option id, or ticked options
        joined by ``|`` (``none``), as a response file writes them; a number with its unit,
        the best one as a range (``10 cities or more``).
    gain : float
        Points (0-100 scale) the change adds to the target score under the missing policy,
        rounded to 10 decimals (so that equal gains are equal, whatever the last bits).
    peers : tuple of str
        Ids of the sample cities whose answer already earns the most points.
    """

    item: str
    question: str
    indicator: str
    role: str
    status: Literal["no", "unknown", "partial"]
    current: str
    best: str
    gain: float
    peers: tuple[str, ...]


@attrs.frozen
class AdviceList:
    """A city's candidate changes, best first, with the combined gain of the top ones.

    Attributes
    ----------
    city, target, missing : str
        The city's id, the score raised (a node, group or variant id) and the missing policy.
    rows : tuple of Advice
        Sorted by gain, highest first; equal gains by item id.
    index_now, coverage : float
        The target's score now (NaN when ``skip`` finds nothing known) and its coverage.
    combined : tuple of float
        ``combined[k - 1]``: the gain of making the top ``k`` changes together (scored, not
        summed: under power means and ``skip`` the gains do not add up).
    note : str
        A caution on reading the gains ("" when none is needed).
    """

    city: str
    target: str
    missing: str
    rows: tuple[Advice, ...]
    index_now: float
    coverage: float
    combined: tuple[float, ...]
    note: str = ""

    def top(self, k: int) -> AdviceList:
        """The ``k`` best rows and their combined gains."""
        return attrs.evolve(self, rows=self.rows[:k], combined=self.combined[:k])

    def table(self) -> list[dict[str, object]]:
        """One dict per row, keys :data:`TABLE_COLUMNS` (peers joined by ``;``), for CSV/JSON."""
        return [
            {
                **{column: getattr(row, column) for column in TABLE_COLUMNS},
                "peers": ";".join(row.peers),
            }
            for row in self.rows
        ]


@attrs.frozen
class _Change:
    """One candidate: the item's position, its encoded cell, and its best answer there."""

    position: int
    array: str
    column: int
    value: Cell
    best: str
    current: str
    status: Literal["no", "unknown", "partial"]


def _cells(now: Encoded) -> dict[int, tuple[str, int, Cell]]:
    """Item position -> (encoded array, column, the city's encoded answer there)."""
    layout = now.layout
    blocks = (("codes", layout.coded), ("ticks", layout.checklists), ("values", layout.numeric))
    return {
        position: (name, column, current)
        for name, positions in blocks
        for column, (position, current) in enumerate(
            zip(positions.tolist(), getattr(now, name)[0].tolist(), strict=True)
        )
    }


def _change(item: Item, position: int, cell: tuple[str, int, Cell], item_score: float) -> _Change:
    """The candidate ``item``, whose answer earns ``item_score`` (NaN: unknown) now."""
    array, column, current = cell
    answers = ANSWERS[item.kind]
    value, best = answers.best(item, current)
    if math.isnan(item_score):
        return _Change(position, array, column, value, best, "", "unknown")
    status: Literal["no", "partial"] = "no" if item_score == 0 else "partial"
    return _Change(position, array, column, value, best, answers.text(item, current), status)


def _with_changes(now: Encoded, changes: Sequence[_Change], applied: NDArray[np.bool_]) -> Encoded:
    """``applied.shape[0]`` copies of the city; row ``r`` makes change ``j`` where
    ``applied[r, j]``."""
    rows = applied.shape[0]
    arrays = {name: np.repeat(getattr(now, name), rows, axis=0) for name in ANSWER_ARRAYS}
    for name, array in arrays.items():
        mine = [j for j, change in enumerate(changes) if change.array == name]
        columns = [changes[j].column for j in mine]
        best = np.array([changes[j].value for j in mine], dtype=array.dtype)
        array[:, columns] = np.where(applied[:, mine], best, array[:, columns])
    ids = np.arange(rows).astype(str)
    return Encoded(ids, now.layout, arrays["codes"], arrays["ticks"], arrays["values"])


def _below(definition: Definition, entry: str) -> set[str]:
    return {entry} | {item.id for item in definition.items_under(entry)}


def _counted(definition: Definition, target: str) -> NDArray[np.bool_]:
    """Which items can move ``target``: those below it (a group's members; a variant's root,
    less what it excludes); ScoringError when it is no node, group or variant."""
    if target == definition.root:
        return np.ones(len(definition.items), dtype=bool)
    groups = {group.id: group.members for group in definition.groups}
    variants = {variant.id: variant.exclude for variant in definition.variants}
    if target in groups:
        below = set().union(*(_below(definition, member) for member in groups[target]))
    elif target in variants:
        excluded = set().union(*(_below(definition, entry) for entry in variants[target]))
        below = _below(definition, definition.root) - excluded
    elif target in {node.id for node in definition.nodes}:
        below = _below(definition, target)
    else:
        raise ScoringError(
            f"advise: target {target!r} is no node, group or variant of definition "
            f"{definition.id!r} (expected e.g. {definition.root!r})"
        )
    return np.array([item.id in below for item in definition.items], dtype=bool)


def _plan(definition: Definition | Plan, missing: str) -> Plan:
    """The plan scoring questionnaire answers under ``missing`` (compiled once)."""
    model = definition.definition if isinstance(definition, Plan) else definition
    if isinstance(model, Definition) and any(item.kind == "indicator" for item in model.items):
        raise ScoringError(
            f"advise: definition {model.id!r} is a composite index of indicators "
            "(expected a questionnaire: advice changes answers)"
        )
    if not isinstance(definition, Plan):
        return compile(definition, missing=missing)
    if definition.options.missing == missing:
        return definition
    return definition.with_options(missing=missing)


def _peers(
    plan: Plan, tables: ItemTables, sample: Sequence[CityResponse], positions: list[int]
) -> list[tuple[str, ...]]:
    """Per item position, the sample cities whose answer earns the item's most points."""
    if not sample:
        return [() for _ in positions]
    encoded = encode(plan.definition, sample)
    best = AnswerItems(tables, encoded).item_scores()[:, positions] >= 100.0
    return [tuple(encoded.city_ids[column].tolist()) for column in best.T]


def _note(city: str, target: str, missing: str, coverage: float) -> str:
    if missing == "zero" or coverage >= NOTE_COVERAGE:
        return ""
    return (
        f"Under missing={missing!r} unknown answers are left out: city {city!r} has answered "
        f"{coverage:.0%} of the weight of {target!r}, so the gains mostly reflect its few known "
        "answers (one more answer weighs a lot). To see what each policy adds as in the ICC "
        "questionnaire, where an unreported policy earns nothing, use missing='zero' "
        "(--missing zero)."
    )


def advise(
    definition: Definition | Plan,
    city: CityResponse,
    *,
    missing: str = "zero",
    sample: Sequence[CityResponse] = (),
    target: str | None = None,
) -> AdviceList:
    r"""What would raise a city's index: each answer changed to its best, ranked by the gain.

    Candidates are the items below ``target`` whose answer is unknown or earns less than the
    most points; their best answers are those of :data:`icindex._report.best.ANSWERS`.

    .. math:: \text{gain}_i = S(\text{city with answer } i \text{ at its best}) - S(\text{city})

    where ``S`` is the target score under ``missing``: exactly what ``icindex score --missing``
    shows before and after the change. All candidates are scored in one engine call.

    Parameters
    ----------
    definition : Definition or Plan
        A questionnaire definition, or a plan (its other options, e.g. ``min_coverage``, kept).
    city : CityResponse
    missing : {"zero", "skip", "bounds"}, default "zero"
        ``zero``: an unreported policy earns nothing, as in the ICC questionnaire. ``skip``:
        unknown answers are left out, so answering one (at its best) may add much, and a city
        with few answers (coverage below 0.5) gets a ``note`` saying so. ``bounds`` uses the
        ``skip`` values (the first score ``icindex score --missing bounds`` shows).
    sample : sequence of CityResponse, optional
        Cities to name as ``peers`` where their answer is already the best.
    target : str, optional
        The node, group or variant to raise (default: the index, the root).

    Returns
    -------
    AdviceList

    Raises
    ------
    ScoringError
        A bad ``missing``, a ``target`` that is no node, group or variant, or a composite index.
    ResponseError
        An answer to an item the definition does not have.

    Examples
    --------
    >>> from icindex import Definition, Item, Node, Option
    >>> yes_no = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))
    >>> pair = Definition("pair", "Pair", "r", (Node("r", "R"),),
    ...     (Item("a", "r", "yes_no", "A?", options=yes_no),
    ...      Item("b", "r", "yes_no", "B?", weight=3, options=yes_no)))
    >>> advice = advise(pair, CityResponse(id="c", name="C", answers={"a": "no"}))
    >>> [(row.item, row.status, row.gain) for row in advice.rows]
    [('b', 'unknown', 75.0), ('a', 'no', 25.0)]
    >>> advice.combined
    (75.0, 100.0)
    """
    plan = _plan(definition, missing)
    target = plan.definition.root if target is None else target
    return _advice(plan, city, sample, target, _counted(plan.definition, target))


def _advice(
    plan: Plan,
    city: CityResponse,
    sample: Sequence[CityResponse],
    target: str,
    counted: NDArray[np.bool_],
) -> AdviceList:
    items, tables = plan.definition.items, plan.items
    assert tables is not None  # _plan refused composite indices
    now = encode(plan.definition, [city])
    item_scores = AnswerItems(tables, now).item_scores()[0]
    cells = _cells(now)
    positions = np.flatnonzero(counted & ~(item_scores >= 100.0)).tolist()  # NaN: unknown
    changes = [_change(items[p], p, cells[p], item_scores[p]) for p in positions]
    n = len(changes)
    single = score(plan, _with_changes(now, changes, np.eye(n + 1, n, -1, dtype=bool)))
    column = single.column(target)
    gains = np.round(column[1:] - column[0], DECIMALS)
    ids = np.array([items[p].id for p in positions], dtype=str)
    order = np.lexsort((ids, -gains)).tolist()
    ranked = [changes[j] for j in order]
    cumulative = score(plan, _with_changes(now, ranked, np.tri(n + 1, n, -1, dtype=bool)))
    combined = np.round(cumulative.column(target)[1:] - column[0], DECIMALS)
    peers = _peers(plan, tables, sample, [change.position for change in ranked])
    rows = tuple(
        Advice(
            item=items[change.position].id,
            question=items[change.position].question,
            indicator=items[change.position].parent,
            role=items[change.position].role,
            status=change.status,
            current=change.current,
            best=change.best,
            gain=float(gains[j]),
            peers=peers[k],
        )
        for k, (j, change) in enumerate(zip(order, ranked, strict=True))
    )
    coverage = float(single.coverage[0, plan.ids.index(target)])
    note = _note(city.id, target, plan.options.missing, coverage)
    return AdviceList(
        city.id, target, plan.options.missing, rows, float(column[0]), coverage,
        tuple(combined.tolist()), note,
    )  # fmt: skip
